"""Out-of-fold error analysis: every linking decision with its candidates, like cort's `-ante`.

usage: python -m kg.extract.linking.evaluate [EVAL_DIR] [--seeds DIR] --out DIR [--slot SLOT]

Runs the leave-one-document-out evaluation of `train` and writes DIR/oof.jsonl:
one line per matched claim and slot, with the gold label, the label chosen by the
model that never saw the document, and each candidate's score, facts and
whether the gold calls it right. It prints, per gold set and slot, accuracy over
the sites the scorer counts (region and agency: those with a gold link), and how
the misses split between a right candidate ranked low (a feature or data
problem) and no right candidate (a generator's).
DIR is a build folder, not committed.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from kg.extract import extract
from kg.extract.linking.candidates import SLOTS, Candidate, Site
from kg.extract.linking.gold import claim_row, match, right, squash
from kg.extract.linking.scorer import best, choosing
from kg.extract.linking.train import Document, fit, gold_sets, load


def decisions(d: Document, table) -> list[dict]:
    """The document's linking decisions under `table`, each with its candidates."""
    out: list[dict] = []
    n = -1

    def choose(slot: str, site: Site, candidates: list[Candidate], rows: list[list[int]]) -> int:
        nonlocal n
        n += slot == "region"
        w = table[slot]
        scores = [w.score(r) for r in rows]
        i = best(scores)
        out.append({"claim": n, "slot": slot, "chosen": i, "candidates": [
            {"label": c.entity.label if c.entity else None, "score": round(s, 3),
             "features": [f"{table[slot].names[i]}{table[slot].coef[i]:+.1f}" for i in sorted(row)],
             "key": c.entity.key if c.entity else None} for c, s, row in zip(candidates, scores, rows, strict=True)],
            "_entities": [c.entity for c in candidates]})
        return i

    with choosing(choose):
        claims = [claim_row(c) for c in extract(d.page, d.articles).claims]
    matched = match(d.gold, claims, squash(d.page.raw))
    rows = []
    for dec in out:
        g = matched.get(dec["claim"])
        entities = dec.pop("_entities")
        if g is None:
            continue
        label = g.get(dec["slot"])
        oks = [right(dec["slot"], e, label) for e in entities]
        for c, ok in zip(dec["candidates"], oks, strict=True):
            c["right"] = ok
        rows.append({"set": d.set, "doc": d.doc, "evidence": g["evidence"], "gold": label,
                     "chosen_label": dec["candidates"][dec["chosen"]]["label"], "ok": oks[dec["chosen"]],
                     "reachable": any(oks), **dec})
    return rows


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("eval_dir", nargs="?", default="../shared/eval", type=Path)
    ap.add_argument("--seeds", default="seeds", type=Path)
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--seed", default=0, type=int)
    ap.add_argument("--c", default=3.0, type=float)
    a = ap.parse_args(argv)
    docs = load(gold_sets(a.eval_dir, a.seeds))
    a.out.mkdir(parents=True, exist_ok=True)
    rows = []
    for d in docs:
        rows += decisions(d, fit([o for o in docs if o is not d], a.seed, a.c))
    with (a.out / "oof.jsonl").open("w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    for name in sorted({r["set"] for r in rows}):
        for slot in SLOTS:
            these = [r for r in rows if r["set"] == name and r["slot"] == slot and (r["gold"] or slot == "program")]
            count = Counter((r["ok"], r["reachable"]) for r in these)
            print(f"{name} {slot:<8} sites {len(these)} right {count[True, True]} "
                  f"ranked-low {count[False, True]} unreachable {count[False, False]}")


if __name__ == "__main__":
    main()
