"""Reading annotated gold and scoring claims against it, by the rules of the team's scorer.

The gold (GUIDE.md) has one JSONL file per document, rows shaped like `kg claims`
rows. A gold row belongs to the extracted claim whose evidence holds the gold
number, with an equal value and unit (synonyms folded); matching is one to one,
narrowest evidence first. Labels compare as the scorer compares them: places
when one name ends the other; bodies and programs when one holds the other or
their character-bigram Dice reaches 0.7 and 0.6. The training labels use exactly
these rules, so a candidate is "right" precisely when the scorer would count it.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from kg.model import Claim, Entity, InputError

_UNIT_SYNONYMS = {
    "名": "人", "位": "人", "个人": "人", "人数": "人", "元人民币": "元", "块": "元", "％": "%", "percent": "%",
    "成": "%", "km": "公里", "千米": "公里", "m": "米", "平米": "平方米", "m2": "平方米", "m3": "立方米",
    "方": "立方米", "t": "吨", "kw": "千瓦", "kW": "千瓦", "余次": "次", "人/次": "人次", "多人次": "人次",
    "个百分点": "百分点",
}
_QUOTES = re.compile(r"[\"“”'‘’「」『』《》]")
THRESHOLDS = {"agency": 0.7, "program": 0.6}


@dataclass(frozen=True)
class GoldSet:
    """A named gold folder with the folder of the texts it annotates."""

    name: str
    gold: Path
    texts: Path


def squash(text: str | None) -> str:
    return re.sub(r"\s+", "", (text or "").replace("\u3000", ""))


def _unit(unit: str | None) -> str:
    u = squash(unit)
    return _UNIT_SYNONYMS.get(u, u)


def _same_value(a: object, b: object) -> bool:
    try:
        x, y = float(a), float(b)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return abs(x - y) <= 1e-6 * max(1.0, abs(x), abs(y))


def _bigrams(s: str) -> set[str]:
    s = squash(s)
    return {s[i : i + 2] for i in range(len(s) - 1)} or ({s} if s else set())


def dice(a: str | None, b: str | None) -> float:
    x, y = _bigrams(a or ""), _bigrams(b or "")
    return 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0


def same_place(system: str | None, gold: str | None) -> bool:
    s, g = squash(system), squash(gold)
    return bool(s and g) and (s == g or s.endswith(g) or (g.endswith(s) and len(s) >= 2))


def same_name(system: str | None, gold: str | None, threshold: float) -> bool:
    s, g = _QUOTES.sub("", squash(system)), _QUOTES.sub("", squash(gold))
    if not s or not g:
        return False
    return s == g or (len(s) >= 2 and s in g) or (len(g) >= 2 and g in s) or dice(s, g) >= threshold


def right(slot: str, entity: Entity | None, gold: str | None) -> bool:
    """Whether linking `slot` to `entity` (None: no link) is what the gold says."""
    if not gold:
        return entity is None
    if entity is None:
        return False
    if slot == "region":
        return same_place(entity.label, gold)
    return same_name(entity.label, gold, THRESHOLDS[slot])


def read_gold(folder: Path) -> dict[str, list[dict]]:
    """Gold rows by document file name ("<stem>.txt"), in file name order."""
    out = {}
    for path in sorted(folder.glob("*.jsonl")):
        rows = []
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as e:
                    raise InputError(str(path), f"line {n}: not JSON: {e}") from e
        out[path.stem + ".txt"] = rows
    return out


def gold_hash(sets: list[GoldSet]) -> str:
    """A digest of every gold file's name and bytes: the weights record what they were fitted on."""
    h = hashlib.sha256()
    for s in sets:
        for path in sorted(s.gold.glob("*.jsonl")):
            h.update(f"{s.name}/{path.name}\n".encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def _locate(row: dict, source: str) -> int | None:
    evidence = squash(row["evidence"])
    start = source.find(evidence)
    if start < 0:
        return None
    number = squash(row["number_text"])
    before = r"(?<![\d.])" if number[:1].isdigit() else ""
    after = r"(?![\d.])" if number[-1:].isdigit() else ""
    m = re.search(before + re.escape(number) + after, evidence)
    return start + (m.start() if m else max(0, evidence.find(number)))


def match(gold: list[dict], claims: list[dict], source: str) -> dict[int, dict]:
    """Gold row per claim index, one to one, narrowest evidence first (`source` is the squashed text)."""
    at = [_locate(g, source) for g in gold]
    spans = []
    for c in claims:
        ev = squash(c.get("evidence"))
        start = source.find(ev) if ev else -1
        spans.append((start, start + len(ev)) if start >= 0 else None)
    pairs = []
    for i, g in enumerate(gold):
        for j, c in enumerate(claims):
            span, pos = spans[j], at[i]
            if span is None or pos is None or not span[0] <= pos < span[1]:
                continue
            if _same_value(c.get("value"), g["value"]) and _unit(c.get("unit")) == _unit(g["unit"]):
                pairs.append((span[1] - span[0], i, j))
    used_gold: set[int] = set()
    out: dict[int, dict] = {}
    for _, i, j in sorted(pairs):
        if i not in used_gold and j not in out:
            used_gold.add(i)
            out[j] = gold[i]
    return out


def claim_row(claim: Claim) -> dict:
    """A claim as `kg claims` exports it (the fields the scorer reads)."""
    q = claim.quantity
    return {
        "doc": claim.doc, "evidence": claim.evidence, "value": q.value, "unit": q.unit, "qualifier": q.qualifier,
        "subject": claim.subject, "region": claim.region, "agency": claim.agency, "program": claim.program,
        "metric": claim.metric, "period": claim.period, "modality": claim.modality, "change": claim.change,
    }


def linking_figures(gold: dict[str, list[dict]], rows: dict[str, list[dict]], texts: Path) -> dict[str, float | None]:
    """Claims F1, linked F1 and region/agency/program accuracy, as the team's scorer counts them."""
    n = dict(gold=0, system=0, tp=0, linked=0, region=0, region_ok=0, agency=0, agency_ok=0, program=0,
             program_ok=0)
    for doc, gold_rows in gold.items():
        source = squash((texts / doc).read_text(encoding="utf-8"))
        claims = rows.get(doc, [])
        pairs = match(gold_rows, claims, source)
        n["gold"] += len(gold_rows)
        n["system"] += len(claims)
        n["tp"] += len(pairs)
        for j, g in pairs.items():
            s = claims[j]
            ok = not g.get("region") or same_place(s.get("region") or s.get("subject"), g["region"]) or same_place(
                s.get("subject"), g["region"])
            n["linked"] += ok
            if g.get("region"):
                n["region"] += 1
                n["region_ok"] += ok
            for slot in ("agency", "program"):
                if g.get(slot):
                    n[slot] += 1
                    n[f"{slot}_ok"] += same_name(s.get(slot), g[slot], THRESHOLDS[slot])
    p, r = _ratio(n["tp"], n["system"]), _ratio(n["tp"], n["gold"])
    lp, lr = _ratio(n["linked"], n["system"]), _ratio(n["linked"], n["gold"])
    return {
        "claims_f1": _f1(p, r), "linked_f1": _f1(lp, lr), "region_accuracy": _ratio(n["region_ok"], n["region"]),
        "agency_accuracy": _ratio(n["agency_ok"], n["agency"]),
        "program_accuracy": _ratio(n["program_ok"], n["program"]),
    }


def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def _f1(p: float | None, r: float | None) -> float:
    return 2 * p * r / (p + r) if p and r else 0.0
