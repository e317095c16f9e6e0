"""The linker's machinery on an invented gold: deterministic fitting, weights checked on load."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.extract.linking.features import FEATURES
from kg.extract.linking.gold import GoldSet, match, right, same_place
from kg.extract.linking.scorer import WeightsError, best, read_weights, weights
from kg.model import Entity

sklearn = pytest.importorskip("sklearn")  # the `train` extra

# Two invented reports: each names its county, a body of it, and a place named in passing.
TEXTS = {
    "a.txt": "苏仙区医保局工作综述\n苏仙区医保局今年新增参保人数5200人。北湖区新建口袋公园3个。\n"
    "全区追回医保基金86万元。\n",
    "b.txt": "北湖区民政局工作综述\n北湖区民政局今年发放救助资金320万元。"
    "与苏仙区相比，北湖区新增养老床位150张。\n",
}
GOLD = {
    "a": [
        {"evidence": "苏仙区医保局今年新增参保人数5200人", "number_text": "5200", "value": 5200, "unit": "人",
         "region": "苏仙区", "agency": "苏仙区医保局", "program": None},
        {"evidence": "北湖区新建口袋公园3个", "number_text": "3", "value": 3, "unit": "个",
         "region": "北湖区", "agency": None, "program": None},
        {"evidence": "全区追回医保基金86万元", "number_text": "86万", "value": 860000, "unit": "元",
         "region": "苏仙区", "agency": "苏仙区医保局", "program": None},
    ],
    "b": [
        {"evidence": "北湖区民政局今年发放救助资金320万元", "number_text": "320万", "value": 3200000, "unit": "元",
         "region": "北湖区", "agency": "北湖区民政局", "program": None},
        {"evidence": "北湖区新增养老床位150张", "number_text": "150", "value": 150, "unit": "张",
         "region": "北湖区", "agency": "北湖区民政局", "program": None},
    ],
}


def _gold_set(root: Path) -> GoldSet:
    (root / "texts").mkdir()
    (root / "gold").mkdir()
    for name, text in TEXTS.items():
        (root / "texts" / name).write_text(text, encoding="utf-8")
    for stem, rows in GOLD.items():
        lines = [json.dumps({"doc": f"{stem}.txt", **r}, ensure_ascii=False) for r in rows]
        (root / "gold" / f"{stem}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return GoldSet("tiny", root / "gold", root / "texts")


def test_fitting_twice_writes_identical_bytes(tmp_path: Path) -> None:
    from kg.extract.linking.train import train

    gold = _gold_set(tmp_path)
    first, second = tmp_path / "w1.json", tmp_path / "w2.json"
    pedigree = train([gold], first)
    train([gold], second)
    assert first.read_bytes() == second.read_bytes()
    assert pedigree["gold_docs"] == 2 and pedigree["sites"]["region"] == 5
    assert set(pedigree["out_of_fold"]["tiny"]) >= {"linked_f1", "region_accuracy", "agency_accuracy"}
    fitted = read_weights(first)  # what was written loads against the registry
    assert fitted["region"].names == tuple(FEATURES["region"])


def test_weights_for_another_feature_table_fail_loudly(tmp_path: Path) -> None:
    from kg.extract.linking.scorer import WEIGHTS_FILE

    data = json.loads(WEIGHTS_FILE.read_text(encoding="utf-8"))
    data["slots"]["region"]["feature_names"][0] = "a_renamed_feature"
    path = tmp_path / "w.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(WeightsError, match="region weights were fitted for other features"):
        read_weights(path)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(WeightsError, match="cannot read"):
        read_weights(path)


def test_the_shipped_weights_match_the_registry() -> None:
    shipped = weights()
    for slot, table in FEATURES.items():
        assert shipped[slot].names == tuple(table)
        assert any(shipped[slot].coef)


def test_a_tie_goes_to_the_candidate_generated_first() -> None:
    assert best([0.5, 2.0, 2.0, -1.0]) == 1
    assert best([0.0]) == 0


def test_labels_follow_the_scorers_rules() -> None:
    county = Entity("region", "431003000000", "苏仙区")
    assert right("region", county, "郴州市苏仙区") and not right("region", county, "北湖区")
    assert right("region", None, None) and not right("region", county, None)
    body = Entity("agency", "x", "苏仙区医疗保障局")
    assert right("agency", body, "苏仙区医疗保障局") and not right("agency", body, "苏仙区民政局")
    assert same_place("苏仙区", "苏仙区") and not same_place("区", "苏仙区")


def test_a_gold_row_goes_to_the_narrowest_claim_holding_its_number() -> None:
    source = "全区追回医保基金86万元，其中苏仙区追回86万元。"
    gold = [{"evidence": "其中苏仙区追回86万元", "number_text": "86万", "value": 860000, "unit": "元"}]
    claims = [{"evidence": source, "value": 860000, "unit": "元"},
              {"evidence": "其中苏仙区追回86万元", "value": 860000, "unit": "元"}]
    assert list(match(gold, claims, source)) == [1]
