"""Each linking feature on invented sentences: one where it fires and one where it does not."""

from __future__ import annotations

import re

import pytest

from kg.extract.claims import find_claims
from kg.extract.entities import region_entity
from kg.extract.gazetteer import gazetteer
from kg.extract.linking.features import FEATURES
from kg.extract.linking.scorer import choosing
from kg.model import Article, Entity, Mention, Page, Sentence


def _region(code: str) -> Entity:
    return region_entity(gazetteer().regions[code])


SX, BH, CZ, HN = (_region(c) for c in ("431003000000", "431002000000", "431000000000", "430000000000"))
GD, TOWN = _region("440000000000"), _region("431003000000/五盖山镇")
VILLAGE, ZONE = _region("431003000000/五盖山镇/凉伞坪村"), _region("150271000000")
AG = Entity("agency", "431003000000/苏仙区医疗保障局", "苏仙区医保局", region="431003000000")
CW = Entity("agency", "431003000000/苏仙区委", "苏仙区委", region="431003000000")
CZJ = Entity("agency", "431000000000/郴州市民政局", "郴州市民政局", region="431000000000")
BHJ = Entity("agency", "431002000000/北湖区民政局", "北湖区民政局", region="431002000000")
TOWNJ = Entity("agency", "431003000000/五盖山镇/卫生院", "五盖山镇卫生院", region="431003000000/五盖山镇")
CLUB = Entity("agency", "体育协会", "体育协会")
P1, P2 = Entity("program", "清河护岸", "清河护岸"), Entity("program", "绿色家园", "绿色家园")
P3 = Entity("program", "清河护岸工程", "清河护岸工程")
NAT = Entity("program", "乡村振兴", "乡村振兴", level="national")
LONG = Entity("program", "交通问题顽瘴痼疾集中整治行动", "交通问题顽瘴痼疾集中整治行动")
PARENT, PART = Entity("program", "菁樟计划", "菁樟计划"), Entity("program", "菁帆路演", "菁帆路演")


def _page(body: str, headline: str, heading: str | None, earlier: str | None = None) -> tuple[Page, list[Article]]:
    """One article, one paragraph per line, after an `earlier` article of one line if given; raw text is text."""
    text = f"{earlier}\n{body}" if earlier else body
    page = Page("t.txt", "t.txt", text, "utf-8", text, list(range(len(text) + 1)))
    articles, start = [], 0
    for part in ([earlier] if earlier else []) + [body]:
        sentences = []
        for paragraph, line in enumerate(part.split("\n")):
            for m in re.finditer(r"[^。！？]+[。！？]?", line):
                s = start + m.start()
                sentences.append(Sentence(s, s + len(m.group()), m.group(), s, paragraph=paragraph, heading=heading))
            start += len(line) + 1
        title = headline if part is body else "前文"
        articles.append(Article("t.txt", len(articles), title, sentences[0].start, start, sentences=sentences))
    return page, articles


def value(slot: str, feature: str, body: str, entities: tuple[Entity, ...], label: str | None, claim: int = 0,
          headline: str = "标题", heading: str | None = None, references: tuple[tuple[str, Entity], ...] = (),
          earlier: str | None = None) -> float:
    """The feature's value for the candidate `label` of the claim's `slot` (the first proposed wins each slot)."""
    page, articles = _page(body, headline, heading, earlier)
    mentions = [_mention(articles, e, e.label, m.start(), m.end())
                for e in entities for m in re.finditer(re.escape(e.label), page.text)]
    mentions += [_mention(articles, e, word, m.start(), m.end())
                 for word, e in references for m in re.finditer(word, page.text)]
    seen: list[float] = []
    n = 0  # the claim being linked: its slots come region, agency, program

    def record(at: str, site, candidates, rows) -> int:
        nonlocal n
        if at == slot and n == claim:
            found = [c for c in candidates if (c.entity.label if c.entity else None) == label]
            assert found, f"no candidate {label!r} among {[c.entity and c.entity.label for c in candidates]}"
            seen.append(FEATURES[slot][feature](site, found[0]))
        n += at == "program"
        return 0

    with choosing(record):
        find_claims(page, articles, list(entities), mentions)
    assert seen, "the claim was not found"
    return seen[0]


def _mention(articles: list[Article], e: Entity, text: str, start: int, end: int) -> Mention:
    article = next(a.index for a in articles if a.start <= start < a.end)
    return Mention(e.type, text, start, end, article, e.key)


S = "苏仙区新建公园5个。"
NEAR = "苏仙区召开会议，新建公园5个。"
BACK = "苏仙区召开会议。新建公园5个。"
TWO = "苏仙区召开会议。北湖区新建公园5个。"
# a figure in a paragraph naming no place
UNSAID = "苏仙区召开会议。\n今年新建公园5个。"
# (slot, feature, where it fires, where it does not): each a (body, entities, label, keyword arguments)
CASES = [
    ("region", "none", (S, (SX,), None, {}), (S, (SX,), "苏仙区", {})),
    ("region", "count_0", (S, (SX,), "郴州市", {}), (S, (SX,), "苏仙区", {})),
    ("region", "count_1", (S, (SX,), "苏仙区", {}), ("苏仙区召开会议。" + S, (SX,), "苏仙区", {})),
    ("region", "count_2_3", ("苏仙区召开会议。" + S, (SX,), "苏仙区", {}), (S, (SX,), "苏仙区", {})),
    ("region", "count_4_9", ("苏仙区召开会议。" * 4 + S, (SX,), "苏仙区", {}), (S, (SX,), "苏仙区", {})),
    ("region", "count_10_up", ("苏仙区召开会议。" * 10 + S, (SX,), "苏仙区", {}), (S, (SX,), "苏仙区", {})),
    ("region", "distance_0", (S, (SX,), "苏仙区", {}), (BACK, (SX,), "苏仙区", {})),
    ("region", "distance_1", (BACK, (SX,), "苏仙区", {}), (S, (SX,), "苏仙区", {})),
    ("region", "distance_2_4", ("苏仙区召开会议。会议强调。会议指出。新建公园5个。", (SX,), "苏仙区", {}),
     (S, (SX,), "苏仙区", {})),
    ("region", "distance_5_up", ("苏仙区召开会议。" + "会议强调。" * 5 + "新建公园5个。", (SX,), "苏仙区", {}),
     (S, (SX,), "苏仙区", {})),
    ("region", "not_before", ("新建公园5个，苏仙区表示。", (SX,), "苏仙区", {}), (S, (SX,), "苏仙区", {})),
    ("region", "in_headline", (S, (SX,), "苏仙区", {"headline": "苏仙区工作综述"}), (S, (SX,), "苏仙区", {})),
    ("region", "in_lead", (TWO, (SX, BH), "苏仙区", {}), (TWO, (SX, BH), "北湖区", {})),
    ("region", "none_no_place_named", ("今年新建公园5个。", (), None, {}), (S, (SX,), None, {})),
    ("region", "none_scope_word", ("全区新建公园5个。", (), None, {}), ("今年新建公园5个。", (), None, {})),
    ("region", "clause_last", (S, (SX,), "苏仙区", {}), (NEAR, (SX,), "苏仙区", {})),
    ("region", "clause", ("苏仙区和北湖区新建公园5个。", (SX, BH), "苏仙区", {}), (NEAR, (SX,), "苏仙区", {})),
    ("region", "nearest_before", ("苏仙区召开会议，北湖区新建公园5个。", (SX, BH), "北湖区", {}),
     ("苏仙区召开会议，北湖区新建公园5个。", (SX, BH), "苏仙区", {})),
    ("region", "adjacent", ("新建公园：苏仙区5个，北湖区3个。", (SX, BH), "苏仙区", {}), (NEAR, (SX,), "苏仙区", {})),
    ("region", "respective", ("苏仙区、北湖区分别新建公园5个、3个。", (SX, BH), "北湖区", {"claim": 1}),
     ("苏仙区、北湖区分别新建公园5个、3个。", (SX, BH), "苏仙区", {"claim": 1})),
    ("region", "earlier_article", ("今年新建公园5个。", (SX,), "苏仙区", {"earlier": "苏仙区召开会议。"}),
     ("北湖区召开会议，新建公园5个。", (SX, BH), "北湖区", {"earlier": "苏仙区召开会议。"})),
    ("region", "opens_clause", (S, (SX,), "苏仙区", {}), ("今年苏仙区新建公园5个。", (SX,), "苏仙区", {})),
    ("region", "clause_after", ("新建公园5个的是苏仙区。", (SX,), "苏仙区", {}),
     ("新建公园5个，苏仙区表示。", (SX,), "苏仙区", {})),
    ("region", "sentence_first", ("苏仙区召开会议，北湖区新建公园5个。", (SX, BH), "苏仙区", {}),
     ("苏仙区召开会议，北湖区新建公园5个。", (SX, BH), "北湖区", {})),
    ("region", "sentence_before", ("苏仙区召开会议，北湖区新建公园5个。", (SX, BH), "北湖区", {}),
     ("新建公园5个，苏仙区表示。", (SX,), "苏仙区", {})),
    ("region", "after_number", ("新建公园5个，苏仙区表示。", (SX,), "苏仙区", {}), (S, (SX,), "苏仙区", {})),
    ("region", "yardstick", ("苏仙区在郴州市率先新建公园5个。", (SX, CZ), "郴州市", {}),
     ("郴州市新建公园5个。", (CZ,), "郴州市", {})),
    ("region", "only_yardstick", ("苏仙区在郴州市率先新建公园5个。", (SX, CZ), "郴州市", {}),
     ("郴州市新建公园5个。", (CZ,), "郴州市", {})),
    ("region", "reference",
     ("全区新建公园5个。", (SX,), "苏仙区", {"references": (("全区", SX),)}),
     (S, (SX,), "苏仙区", {})),
    ("region", "origin", ("来自广东省的客商投资5亿元。", (GD,), "广东省", {}),
     ("广东省新建公园5个。", (GD,), "广东省", {})),
    ("region", "previous_sentence", (BACK, (SX,), "苏仙区", {}), (S, (SX,), "苏仙区", {})),
    ("region", "previous_sentence_any", (BACK, (SX,), "苏仙区", {}), (S, (SX,), "苏仙区", {})),
    ("region", "paragraph_first", (TWO, (SX, BH), "苏仙区", {}), (TWO, (SX, BH), "北湖区", {})),
    ("region", "governing", ("苏仙区召开会议。苏仙区表示。北湖区新建公园5个。", (SX, BH), "苏仙区", {}),
     ("苏仙区召开会议。苏仙区表示。北湖区新建公园5个。", (SX, BH), "北湖区", {})),
    ("region", "body_region", ("苏仙区医保局召开会议。北湖区新建公园5个。", (SX, BH, AG), "苏仙区", {}),
     ("苏仙区医保局召开会议。北湖区新建公园5个。", (SX, BH, AG), "北湖区", {})),
    ("region", "actor_region", ("北湖区表示，苏仙区医保局新增参保5200人。", (SX, BH, AG), "苏仙区", {}),
     ("北湖区表示，苏仙区医保局新增参保5200人。", (SX, BH, AG), "北湖区", {})),
    ("region", "article_top", ("北湖区" + S, (SX, BH), "苏仙区", {"headline": "苏仙区工作综述"}),
     (TWO, (SX, BH), "北湖区", {})),
    ("region", "headline_short", ("北湖区新建公园5个。", (BH,), "苏仙区", {"headline": "苏仙今年公园建设成效显著"}),
     (S, (SX,), "苏仙区", {})),
    ("region", "most_subject", ("苏仙区召开会议。苏仙区新建公园5个，北湖区新建3个。", (SX, BH), "苏仙区", {}),
     ("苏仙区召开会议。苏仙区新建公园5个，北湖区新建3个。", (SX, BH), "北湖区", {})),
    ("region", "only_listed", ("苏仙区、北湖区新建公园5个。", (SX, BH), "苏仙区", {}),
     ("苏仙区、北湖区新建公园5个。", (SX, BH), "北湖区", {})),
    ("region", "parent", (S, (SX,), "郴州市", {}), (S, (SX,), "苏仙区", {})),
    ("region", "only_parent", (S, (SX,), "郴州市", {}), (S, (SX,), "苏仙区", {})),
    ("region", "unsaid_governing", (UNSAID, (SX,), "苏仙区", {"headline": "苏仙区工作综述"}),
     ("苏仙区召开会议。\n北湖区新建公园5个。", (SX, BH), "苏仙区", {"headline": "苏仙区工作综述"})),
    ("region", "scope_fits", ("苏仙区召开会议。全区新建公园5个。", (SX,), "苏仙区", {}),
     ("苏仙区召开会议。全区新建公园5个。", (SX,), "郴州市", {})),
    ("region", "scope_misfit", ("苏仙区召开会议。全区新建公园5个。", (SX,), "郴州市", {}),
     ("苏仙区召开会议。全区新建公园5个。", (SX,), "苏仙区", {})),
    ("region", "clause_scope_fits", ("苏仙区召开会议，全区新建公园5个。", (SX,), "苏仙区", {}),
     ("全区召开会议，苏仙区新建公园5个。", (SX,), "苏仙区", {})),
    ("region", "clause_scope_misfit", ("苏仙区召开会议，全区新建公园5个。", (SX,), "郴州市", {}),
     ("全区召开会议，苏仙区新建公园5个。", (SX,), "郴州市", {})),
    ("region", "contains_governing", (S, (SX,), "郴州市", {}), (S, (SX,), "苏仙区", {})),
    ("region", "under_governing", ("苏仙区召开会议。苏仙区表示。五盖山镇新建公园5个。", (SX, TOWN), "五盖山镇", {}),
     ("苏仙区召开会议。苏仙区表示。五盖山镇新建公园5个。", (SX, TOWN), "苏仙区", {})),
    ("region", "other_province", ("苏仙区召开会议。苏仙区表示。广东省客商投资5亿元。", (SX, GD), "广东省", {}),
     ("苏仙区召开会议。苏仙区表示。广东省客商投资5亿元。", (SX, GD), "苏仙区", {})),
    ("region", "level_province", (S, (SX,), "湖南省", {}), (S, (SX,), "苏仙区", {})),
    ("region", "level_city", (S, (SX,), "郴州市", {}), (S, (SX,), "苏仙区", {})),
    ("region", "level_county", (S, (SX,), "苏仙区", {}), (S, (SX,), "郴州市", {})),
    ("region", "level_zone", ("包头稀土高新区新建公园5个。", (ZONE,), "包头稀土高新区", {}), (S, (SX,), "苏仙区", {})),
    ("region", "level_town", ("五盖山镇新建公园5个。", (TOWN,), "五盖山镇", {}), (S, (SX,), "苏仙区", {})),
    ("region", "level_village", ("凉伞坪村新建公园5个。", (VILLAGE,), "凉伞坪村", {}), (S, (SX,), "苏仙区", {})),
]
A = "苏仙区医保局新增参保5200人。"
AFTER = "新增参保5200人，苏仙区医保局表示。"
CASES += [
    ("agency", "none_no_body_named", (S, (SX,), None, {}), (A, (SX, AG), None, {})),
    ("agency", "nearest_before", (A, (SX, AG), "苏仙区医保局", {}), (AFTER, (SX, AG), "苏仙区医保局", {})),
    ("agency", "sentence_before", ("苏仙区医保局召开会议，新增参保5200人。", (SX, AG), "苏仙区医保局", {}),
     (AFTER, (SX, AG), "苏仙区医保局", {})),
    ("agency", "clause", (A, (SX, AG), "苏仙区医保局", {}),
     ("苏仙区医保局召开会议，新增参保5200人。", (SX, AG), "苏仙区医保局", {})),
    ("agency", "after_number", (AFTER, (SX, AG), "苏仙区医保局", {}), (A, (SX, AG), "苏仙区医保局", {})),
    ("agency", "paragraph_first", ("苏仙区医保局召开会议。苏仙区新增参保5200人。", (SX, AG), "苏仙区医保局", {}),
     ("苏仙区医保局召开会议。\n苏仙区新增参保5200人。", (SX, AG), "苏仙区医保局", {})),
    ("agency", "paragraph_before", ("苏仙区医保局召开会议。苏仙区新增参保5200人。", (SX, AG), "苏仙区医保局", {}),
     ("苏仙区医保局召开会议。\n苏仙区新增参保5200人。", (SX, AG), "苏仙区医保局", {})),
    ("agency", "headline", ("苏仙区医保局召开会议。\n苏仙区新增参保5200人。", (SX, AG), "苏仙区医保局",
                            {"headline": "苏仙区医保局工作综述"}),
     ("苏仙区医保局召开会议。\n苏仙区新增参保5200人。", (SX, AG), "苏仙区医保局", {})),
    ("agency", "main_body", ("苏仙区医保局召开会议。\n苏仙区新增参保5200人。", (SX, AG), "苏仙区医保局", {}),
     ("苏仙区委召开会议。苏仙区委表示。" + A, (SX, AG, CW), "苏仙区医保局", {})),
    ("agency", "leadership", ("苏仙区委表示，" + A, (SX, AG, CW), "苏仙区委", {}), (A, (SX, AG), "苏仙区医保局", {})),
    ("agency", "own_region", (A, (SX, AG), "苏仙区医保局", {}),
     ("郴州市民政局表示，苏仙区新增参保5200人。", (SX, CZJ), "郴州市民政局", {})),
    ("agency", "region_above", ("郴州市民政局表示，苏仙区新增参保5200人。", (SX, CZJ), "郴州市民政局", {}),
     (A, (SX, AG), "苏仙区医保局", {})),
    ("agency", "region_below", ("五盖山镇卫生院表示，苏仙区新增参保5200人。", (SX, TOWNJ), "五盖山镇卫生院", {}),
     (A, (SX, AG), "苏仙区医保局", {})),
    ("agency", "region_elsewhere", ("北湖区民政局表示，苏仙区新增参保5200人。", (SX, BHJ), "北湖区民政局", {}),
     (A, (SX, AG), "苏仙区医保局", {})),
    ("agency", "region_unknown", ("体育协会表示，苏仙区新增参保5200人。", (SX, CLUB), "体育协会", {}),
     (A, (SX, AG), "苏仙区医保局", {})),
    ("agency", "adjacent", ("办件量居前的是：苏仙区医保局(5200件)。", (SX, AG), "苏仙区医保局", {}),
     (A, (SX, AG), "苏仙区医保局", {})),
    ("agency", "credited", ("苏仙区新增参保5200人。\n（苏仙区医保局供稿）", (SX, AG), "苏仙区医保局", {}),
     ("苏仙区新增参保5200人。\n苏仙区医保局召开会议。", (SX, AG), "苏仙区医保局", {})),
    ("agency", "informant", ("记者从苏仙区医保局获悉，苏仙区新增参保5200人。", (SX, AG), "苏仙区医保局", {}),
     ("苏仙区医保局召开会议，苏仙区新增参保5200人。", (SX, AG), "苏仙区医保局", {})),
    ("agency", "headline_field", (A, (SX, AG), "苏仙区医保局", {"headline": "苏仙区医保工作综述"}),
     (A, (SX, AG), "苏仙区医保局", {"headline": "苏仙区民生工作综述"})),
]
C = "通过“清河护岸”清理垃圾320吨。"
FRAME = "开展“清河护岸”行动，清理垃圾320吨。"
LISTED = "“清河护岸”“绿色家园”等活动清理垃圾320吨。"
# the report's own program: named in its lead, or named more often than any other, paragraphs before the figure
LEAD = "县里推行“清河护岸”。\n全年清理垃圾320吨。"
CLAUSE = "县里推行“清河护岸”，清理垃圾320吨。"
OFTEN = "今年起步。县里推行“清河护岸”。“清河护岸”见效。\n全年清理垃圾320吨。"
CASES += [
    ("program", "none_no_program_named", ("今年清理垃圾320吨。", (), None, {}), (C, (P1,), None, {})),
    ("program", "clause_nearest", (C, (P1,), "清河护岸", {}), (FRAME, (P1,), "清河护岸", {})),
    ("program", "clause", (C, (P1,), "清河护岸", {}), (FRAME, (P1,), "清河护岸", {})),
    ("program", "listed", (LISTED, (P1, P2), "清河护岸", {}), (C, (P1,), "清河护岸", {})),
    ("program", "list_head", (LISTED, (P1, P2), "清河护岸", {}), (LISTED, (P1, P2), "绿色家园", {})),
    ("program", "national_clause", ("投入乡村振兴资金300万元。", (NAT,), "乡村振兴", {}),
     ("助力乡村振兴，新建村道12公里。", (NAT,), "乡村振兴", {"headline": "乡村振兴工作综述"})),
    ("program", "national", ("投入乡村振兴资金300万元。", (NAT,), "乡村振兴", {}), (C, (P1,), "清河护岸", {})),
    ("program", "topic", ("推行“清河护岸”模式。全年清理垃圾320吨。", (P1,), "清河护岸", {}),
     ("推行“清河护岸”模式，全年清理垃圾320吨。", (P1,), "清河护岸", {})),
    ("program", "framing", (FRAME, (P1,), "清河护岸", {}), (C, (P1,), "清河护岸", {})),
    ("program", "after_number", ("清理垃圾320吨，均由“清河护岸”完成。", (P1,), "清河护岸", {}),
     (C, (P1,), "清河护岸", {})),
    ("program", "sentence", (C, (P1,), "清河护岸", {}),
     ("县水利局开展“清河护岸”专项行动。\n清理垃圾320吨。", (P1,), "清河护岸", {})),
    ("program", "short_name", ("该市开展交通问题顽瘴痼疾集中整治行动。\n今年累计开展集中整治行动56次。", (LONG,),
                               LONG.label, {}),
     ("该市开展交通问题顽瘴痼疾集中整治行动。\n今年累计开展检查56次。", (LONG,), LONG.label, {})),
    ("program", "heading", ("全年清理垃圾320吨。", (P3,), "清河护岸工程", {"heading": "实施“清河护岸工程”"}),
     ("通过“清河护岸工程”清理垃圾320吨。", (P3,), "清河护岸工程", {})),
    ("program", "earlier", ("县里全面推行“清河护岸”。全年清理垃圾320吨。", (P1,), "清河护岸", {}),
     (C, (P1,), "清河护岸", {})),
    ("program", "earlier_count_campaign", (
        "县水利局开展“清河护岸”专项行动，清理垃圾100吨。全年清理河道320吨。", (P1,), "清河护岸", {"claim": 1}),
     ("县水利局开展“清河护岸”专项行动，清理垃圾100吨。全年清理河道320吨。", (P1,), "清河护岸", {})),
    ("program", "headline_part", ("今年开展路演32场。", (PARENT, PART), "菁帆路演", {"headline": "菁樟计划·菁帆路演"}),
     ("今年开展路演32场。", (PARENT, PART), "菁樟计划", {"headline": "菁樟计划·菁帆路演"})),
    ("program", "headline", ("全年清理垃圾320吨。", (P1,), "清河护岸", {"headline": "清河护岸工作综述"}),
     (C, (P1,), "清河护岸", {})),
    ("program", "campaign", ("县水利局开展“清河护岸”专项行动。\n全年清理垃圾320吨。", (P1,), "清河护岸", {}),
     (C, (P1,), "清河护岸", {})),
    ("program", "main_program", (LEAD, (P1,), "清河护岸", {}), ("今年起步。" + C, (P1,), "清河护岸", {})),
    ("program", "main_top", (LEAD, (P1,), "清河护岸", {}), (OFTEN, (P1,), "清河护岸", {})),
    ("program", "main_often", (OFTEN, (P1,), "清河护岸", {}), (LEAD, (P1,), "清河护岸", {})),
    ("program", "main_only", (LEAD, (P1,), "清河护岸", {}), (CLAUSE, (P1,), "清河护岸", {})),
]


@pytest.mark.parametrize(("slot", "feature", "fires", "quiet"), CASES, ids=[f"{c[0]}.{c[1]}" for c in CASES])
def test_a_feature_fires_where_its_phenomenon_is_and_not_elsewhere(slot, feature, fires, quiet) -> None:
    for case, expected in ((fires, 1.0), (quiet, 0.0)):
        body, entities, label, kwargs = case
        assert value(slot, feature, body, entities, label, **kwargs) == expected, (case, expected)


def test_every_feature_has_a_case_and_says_what_it_stands_for() -> None:
    covered = {(slot, name) for slot, name, _, _ in CASES}
    for slot, table in FEATURES.items():
        for name, feature in table.items():
            assert feature.__doc__, f"{slot}.{name} has no docstring"
            shared = FEATURES["region"].get(name) is feature  # the region's own function, tested there
            assert (slot, name) in covered or (shared and ("region", name) in covered), f"{slot}.{name}"


def test_the_fast_path_gives_what_the_registry_functions_give() -> None:
    from kg.extract.linking.features import vector

    checked = 0
    for slot, _, fires, quiet in CASES:
        for body, entities, _, kwargs in (fires, quiet):
            page, articles = _page(body, kwargs.get("headline", "标题"), kwargs.get("heading"), kwargs.get("earlier"))
            mentions = [_mention(articles, e, e.label, m.start(), m.end())
                        for e in entities for m in re.finditer(re.escape(e.label), page.text)]

            def check(at: str, site, candidates, rows, slot=slot) -> int:
                nonlocal checked
                for c in candidates:
                    assert vector(site, c, at) == [f(site, c) for f in FEATURES[at].values()]
                    checked += 1
                return 0

            with choosing(check):
                find_claims(page, articles, list(entities), mentions)
    assert checked > 300


def test_a_town_named_nowhere_is_not_proposed_as_a_villages_parent() -> None:
    body = "苏仙区召开会议。凉伞坪村新建公园5个。"
    assert value("region", "parent", body, (SX, VILLAGE), "苏仙区") == 1.0
    with pytest.raises(AssertionError, match="no candidate"):
        value("region", "parent", body, (SX, VILLAGE), "五盖山镇")


def test_a_place_joined_by_and_with_its_own_figure_is_a_list_member_not_a_comparison() -> None:
    body = "新建公园：苏仙区(5个)和北湖区(3个)。"
    assert value("region", "origin", body, (SX, BH), "北湖区", claim=1) == 0.0
    assert value("region", "origin", "与北湖区相比，苏仙区新建公园5个。", (SX, BH), "北湖区") == 1.0
