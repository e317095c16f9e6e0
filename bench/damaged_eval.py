"""Claims found on damaged text against the same texts clean: the reader on other layouts.

    python -m bench.damaged_eval TEXTS GOLD [--seed N] [--width W]

Damages every page of TEXTS with `bench.damage` into a temporary folder, ingests the
clean and the damaged pages into two temporary stores, exports claims, articles and
entities, and scores both with the project's scorer (`../shared/eval/score.py`, or
--scorer). The damaged run's evidence and headlines have their full-width digits
folded and are scored against the clean texts: the damage only adds white space
and widens digits, so the same evidence names the same place in both.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import ROOT
from bench.damage import Damage, damage

_FOLD = str.maketrans("０１２３４５６７８９．", "0123456789.")


def _export(texts: Path, work: Path) -> dict[str, Path]:
    store = work / "store"
    kg = [sys.executable, "-m", "kg.cli"]
    subprocess.run([*kg, "ingest", str(texts), "--store", str(store)], check=True, stdout=subprocess.DEVNULL)
    out = {}
    for what in ("claims", "articles", "entities"):
        out[what] = work / f"{what}.jsonl"
        with out[what].open("w", encoding="utf-8") as f:
            subprocess.run([*kg, what, "--store", str(store), "--format", "jsonl"], check=True, stdout=f)
    return out


def _folded(path: Path) -> None:
    """Full-width digits folded in every field (evidence, headline, labels), in place."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    folded = [{k: v.translate(_FOLD) if isinstance(v, str) else v for k, v in row.items()} for row in rows]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in folded), encoding="utf-8")


def _score(scorer: Path, gold: Path, texts: Path, files: dict[str, Path]) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run(
            [sys.executable, str(scorer), "--gold", str(gold), "--texts", str(texts), str(files["claims"]),
             "--articles", str(files["articles"]), "--entities", str(files["entities"]), "--json", out.name],
            check=True, stdout=subprocess.DEVNULL,
        )
        return json.loads(Path(out.name).read_text(encoding="utf-8"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("texts", type=Path)
    ap.add_argument("gold", type=Path)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--width", type=int, default=Damage.width)
    ap.add_argument("--scorer", type=Path, default=ROOT.parent / "shared" / "eval" / "score.py")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        damaged = work / "damaged"
        damaged.mkdir()
        for n, path in enumerate(sorted(a.texts.glob("*.txt"))):
            text = damage(path.read_text(encoding="utf-8"), a.seed + n, Damage(width=a.width))
            (damaged / path.name).write_text(text, encoding="utf-8")
        (work / "c").mkdir()
        (work / "d").mkdir()
        clean = _export(a.texts, work / "c")
        broken = _export(damaged, work / "d")
        for path in broken.values():
            _folded(path)
        runs = (("clean", clean), ("damaged", broken))
        rows = [(name, _score(a.scorer, a.gold, a.texts, files)) for name, files in runs]
    print(f"{'':8} {'claims F1':>9} {'P':>6} {'R':>6} {'linked':>7} {'period':>7} {'metric':>7} {'headline':>8}")
    for name, s in rows:
        c = s["claims"]
        print(f"{name:8} {c['f1']:9.3f} {c['precision']:6.3f} {c['recall']:6.3f} {s['linked_f1']:7.3f} "
              f"{s['period_accuracy'] or 0:7.3f} {s['metric_dice'] or 0:7.3f} {s.get('headline_recall') or 0:8.3f}")
    print(f"claims F1 damaged - clean: {rows[1][1]['claims']['f1'] - rows[0][1]['claims']['f1']:+.3f}")


if __name__ == "__main__":
    main()
