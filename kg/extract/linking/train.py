"""Fit the linker's weights on the annotated gold and measure them out of fold.

usage: python -m kg.extract.linking.train [EVAL_DIR] [--seeds DIR] [--out FILE] [--seed N] [--c C]

EVAL_DIR (default ../shared/eval) holds `gold/` (the dev pages, texts in
--seeds) and `web/gold` with `web/texts`. Every document is run through the
real extraction twice: once to match its claims to gold rows (as the team's
scorer matches them), once recording each claim's sites, the candidates'
features and which candidates the gold calls right (the region chosen is the
gold's, so the body features see the right place). One logistic regression per
slot ranks candidates; fitting is deterministic (sorted sites, fixed seed,
lbfgs). Leave-one-document-out: each document is then extracted again, linked
by a model fitted without it, and the pooled predictions are scored, with the
team's scorer (EVAL_DIR/score.py) when present. Only this module and
`evaluate` import scikit-learn (the `train` extra).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import platform
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression

from kg.extract import extract
from kg.extract.linking.candidates import SLOTS, Candidate, Site
from kg.extract.linking.features import FEATURES, table_hash
from kg.extract.linking.gold import GoldSet, claim_row, gold_hash, linking_figures, match, read_gold, right, squash
from kg.extract.linking.scorer import FORMAT, WEIGHTS_FILE, SlotWeights, best, choosing
from kg.model import Article, Page
from kg.text import read_page, split_articles

# Slots whose sites with no gold link are left out of the fit: the gold leaves a region null where the
# text never names its own place and a body null where none is named, and neither is a claim about
# "no place" or "no body" that the measure counts; programs are fitted on null sites too, since a
# program linked where the gold has none is counted against the linker (the spurious rate).
SCORED_ONLY = frozenset({"region", "agency"})
# How much a program site the gold leaves null weighs against one with a program: the measure the issue sets
# counts programs found where the gold has one; the spurious rate is reported beside it, so null sites still
# teach *none*, at a lower weight.
NULL_PROGRAM_WEIGHT = 0.5
# The program slot's inverse regularisation: its candidates share many correlated facts (the report's own program
# is often also the headline's and the most named), and a weaker fit moved its OOF figures less from one
# candidate change to the next (web program 0.641 / 0.660 / 0.684 at C 10 / 3 / 1, dev 0.647 at all three).
SLOT_C = {"program": 1.0}


@dataclass
class Sites:
    """One slot's training sites of one document: feature rows and gold labels per site."""

    rows: list[list[list[float]]] = field(default_factory=list)
    labels: list[list[bool]] = field(default_factory=list)
    null: list[bool] = field(default_factory=list)  # the gold has no link for the site


@dataclass
class Document:
    set: str
    doc: str
    page: Page
    articles: list[Article]
    gold: list[dict]
    sites: dict[str, Sites] = field(default_factory=lambda: {slot: Sites() for slot in SLOTS})
    claims: int = 0
    matched: int = 0


def gold_sets(eval_dir: Path, seeds: Path) -> list[GoldSet]:
    """The dev pages and the web articles of the shared evaluation folder."""
    web = eval_dir / "web"
    return [GoldSet("dev", eval_dir / "gold", seeds), GoldSet("web", web / "gold", web / "texts")]


def _first(slot: str, site: Site, candidates: list[Candidate], rows: list[list[int]]) -> int:
    return 0


def load(sets: list[GoldSet]) -> list[Document]:
    """Every gold document, read, split, matched and recorded, in (set, file name) order."""
    docs = []
    for gs in sets:
        for doc, gold in read_gold(gs.gold).items():
            page = read_page(gs.texts / doc)
            articles = split_articles(page)
            d = Document(gs.name, doc, page, articles, gold)
            _record(d)
            docs.append(d)
    return docs


def _record(d: Document) -> None:
    with choosing(_first):
        claims = [claim_row(c) for c in extract(d.page, d.articles).claims]
    matched = match(d.gold, claims, squash(d.page.raw))
    d.claims, d.matched = len(claims), len(matched)
    n = -1

    def teacher(slot: str, site: Site, candidates: list[Candidate], rows: list[list[int]]) -> int:
        nonlocal n
        n += slot == "region"
        g = matched.get(n)
        if g is None:
            return 0
        labels = [right(slot, c.entity, g.get(slot)) for c in candidates]
        d.sites[slot].rows.append([_dense(r, slot) for r in rows])
        d.sites[slot].labels.append(labels)
        d.sites[slot].null.append(not g.get(slot))
        return labels.index(True) if slot == "region" and any(labels) else 0

    with choosing(teacher):
        extract(d.page, d.articles)


def _dense(fired: list[int], slot: str) -> list[float]:
    row = [0.0] * len(FEATURES[slot])
    for i in fired:
        row[i] = 1.0
    return row


def fit(docs: list[Document], seed: int, c: float) -> dict[str, SlotWeights]:
    """One ranking model per slot over the reachable sites of `docs` (sites whose gold is a candidate).

    Pairwise logistic regression: for each site, every right candidate's features minus every wrong
    one's is a positive example and its negation a negative, each site weighing one in all. The
    coefficients score candidates so that, site by site, the right ones rank first; what all
    candidates of a site share cancels out, so there is no intercept.
    """
    out = {}
    for slot, table in FEATURES.items():
        x, y, weight = [], [], []
        for d in docs:
            s = d.sites[slot]
            for rows, labels, null in zip(s.rows, s.labels, s.null, strict=True):
                if null and slot in SCORED_ONLY:
                    continue
                pairs = [(np.subtract(p, n)) for p, lp in zip(rows, labels, strict=True) if lp
                         for n, ln in zip(rows, labels, strict=True) if not ln]
                site_weight = NULL_PROGRAM_WEIGHT if null and slot == "program" else 1.0
                for diff in pairs:
                    x += [diff, -diff]
                    y += [1, 0]
                    weight += [site_weight / len(pairs)] * 2
        names = tuple(table)
        if not x:
            out[slot] = SlotWeights(names, tuple(0.0 for _ in names), 0.0)
            continue
        model = LogisticRegression(
            C=SLOT_C.get(slot, c), random_state=seed, max_iter=5000, solver="lbfgs", fit_intercept=False
        )
        model.fit(np.array(x, dtype=float), np.array(y, dtype=int), sample_weight=np.array(weight))
        coef = tuple(round(float(w), 6) for w in model.coef_[0])
        out[slot] = SlotWeights(names, coef, 0.0)
    return out


def _chooser(table: dict[str, SlotWeights]):
    def choose(slot: str, site: Site, candidates: list[Candidate], rows: list[list[int]]) -> int:
        w = table[slot]
        return best([w.score(row) for row in rows])

    return choose


def predict(d: Document, table: dict[str, SlotWeights]) -> list[dict]:
    """The document's claims, linked by `table`."""
    with choosing(_chooser(table)):
        return [claim_row(c) for c in extract(d.page, d.articles).claims]


def recall(docs: list[Document]) -> dict[str, float | None]:
    """Per slot: the share of matched claims with a gold link that have it among their candidates (the ceiling)."""
    out = {}
    for slot in SLOTS:
        labels = [ls for d in docs for ls, null in zip(d.sites[slot].labels, d.sites[slot].null, strict=True)
                  if not null]
        out[slot] = round(sum(map(any, labels)) / len(labels), 4) if labels else None
    return out


def out_of_fold(docs: list[Document], seed: int, c: float) -> dict[str, list[dict]]:
    """Every document's claims linked by a model fitted on all the other documents."""
    rows: dict[str, list[dict]] = {}
    for d in docs:
        table = fit([o for o in docs if o is not d], seed, c)
        rows[d.doc] = predict(d, table)
    return rows


def _scorer(eval_dir: Path):
    """The team's scorer module, when the evaluation folder has one."""
    path = eval_dir / "score.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location("kg_eval_score", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def figures(sets: list[GoldSet], rows: dict[str, list[dict]], eval_dir: Path | None) -> dict[str, dict]:
    """Per gold set: claims F1, linked F1 and slot accuracies (the team's scorer's own numbers when present)."""
    scorer = _scorer(eval_dir) if eval_dir else None
    out = {}
    for gs in sets:
        gold = read_gold(gs.gold)
        mine = [r for doc in gold for r in rows.get(doc, [])]
        if scorer is not None:
            s = scorer.score(str(gs.gold), str(gs.texts), mine)[0]
            fig = {"claims_f1": s["claims"]["f1"], "linked_f1": s["linked_f1"], "region_accuracy": s["region_accuracy"],
                   "agency_accuracy": s["agency_accuracy"], "program_accuracy": s["program_accuracy"],
                   "program_spurious_rate": s["program_spurious_rate"]}
        else:
            fig = linking_figures(gold, {doc: rows.get(doc, []) for doc in gold}, gs.texts)
        out[gs.name] = {k: None if v is None else round(v, 4) for k, v in fig.items()}
    return out


def top_features(table: dict[str, SlotWeights], n: int = 8) -> dict[str, dict[str, list]]:
    out = {}
    for slot, w in table.items():
        ranked = sorted(zip(w.names, w.coef, strict=True), key=lambda p: (-p[1], p[0]))
        out[slot] = {"positive": [[k, v] for k, v in ranked[:n] if v > 0],
                     "negative": [[k, v] for k, v in ranked[::-1][:n] if v < 0]}
    return out


def weights_json(table: dict[str, SlotWeights], pedigree: dict) -> str:
    """The weights file's text: sorted keys, six decimals, so a refit shows as a readable diff."""
    data = {
        "format": FORMAT,
        "slots": {slot: {"feature_names": list(w.names), "coef": list(w.coef), "intercept": w.intercept}
                  for slot, w in table.items()},
        "pedigree": pedigree,
    }
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def train(sets: list[GoldSet], out: Path, seed: int = 0, c: float = 3.0, eval_dir: Path | None = None,
          oof: bool = True) -> dict:
    """Fit on all of `sets`, measure out of fold, write the weights file; returns its pedigree."""
    docs = load(sets)
    table = fit(docs, seed, c)
    pedigree = {
        "gold_sha256": gold_hash(sets),
        "gold_docs": len(docs),
        "sites": {slot: sum(len(d.sites[slot].labels) for d in docs) for slot in SLOTS},
        "candidate_recall": recall(docs),
        "feature_table_sha256": table_hash(),
        "seed": seed,
        "C": c,
        "C_by_slot": SLOT_C,
        "null_program_weight": NULL_PROGRAM_WEIGHT,
        "model": "logreg",
        "versions": {"python": platform.python_version(), "scikit-learn": sklearn.__version__,
                     "numpy": np.__version__},
        "top_features": top_features(table),
        "command": "python -m kg.extract.linking.train",
    }
    if oof:
        pedigree["out_of_fold"] = figures(sets, out_of_fold(docs, seed, c), eval_dir)
    pedigree["in_sample"] = figures(sets, {d.doc: predict(d, table) for d in docs}, eval_dir)
    out.write_text(weights_json(table, pedigree), encoding="utf-8")
    return pedigree


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("eval_dir", nargs="?", default="../shared/eval", type=Path)
    ap.add_argument("--seeds", default="seeds", type=Path, help="folder of the dev pages' texts")
    ap.add_argument("--out", default=WEIGHTS_FILE, type=Path)
    ap.add_argument("--seed", default=0, type=int)
    ap.add_argument("--c", default=3.0, type=float, help="inverse regularisation strength (slots not in SLOT_C)")
    a = ap.parse_args(argv)
    pedigree = train(gold_sets(a.eval_dir, a.seeds), a.out, a.seed, a.c, a.eval_dir)
    print(f"wrote {a.out} ({pedigree['gold_docs']} documents, sites {pedigree['sites']})")
    print(f"candidate recall (ceiling): {pedigree['candidate_recall']}")
    for kind in ("out_of_fold", "in_sample"):
        for name, fig in pedigree[kind].items():
            print(f"{kind:<12} {name:<4} " + " ".join(f"{k} {v}" for k, v in fig.items()))
    for slot, top in pedigree["top_features"].items():
        print(f"{slot}: + {top['positive'][:5]}\n{' ' * len(slot)}  - {top['negative'][:5]}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
