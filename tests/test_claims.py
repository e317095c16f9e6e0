"""Claim finding on sentences written for each rule of GUIDE.md."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract import claims
from kg.extract.claims import find_claims
from kg.extract.entities import region_entity
from kg.extract.gazetteer import gazetteer
from kg.extract.linking.context import CLAUSE_BREAK
from kg.extract.linking.scorer import choosing
from kg.extract.periods import resolve_period
from kg.model import Article, Entity, Mention, Page, Sentence


def make_page(body: str, heading: str | None = None, date: str = "2023-11-20"):
    """A page whose raw text has OCR spaces and line breaks, one article, one paragraph per line."""
    raw_parts, text_parts, offsets = [], [], []
    raw_pos = 0
    for line in body.split("\n"):
        raw_line = " ".join(line) + "\n"  # OCR spaces between characters
        for i, ch in enumerate(line):
            text_parts.append(ch)
            offsets.append(raw_pos + 2 * i)
        text_parts.append("\n")
        offsets.append(raw_pos + len(raw_line) - 1)
        raw_parts.append(raw_line)
        raw_pos += len(raw_line)
    raw, text = "".join(raw_parts), "".join(text_parts)
    offsets.append(len(raw))
    page = Page("t.txt", "t.txt", raw, "utf-8", text, offsets)
    sentences = []
    line_start = 0
    for paragraph, line in enumerate(text.split("\n")):
        for m in re.finditer(r"[^。！？]+[。！？]?", line):
            ts = line_start + m.start()
            s, e = page.raw_span(ts, ts + len(m.group()))
            sentences.append(Sentence(s, e, m.group(), ts, paragraph=paragraph, heading=heading))
        line_start += len(line) + 1
    article = Article("t.txt", 0, "标题", 0, len(raw), date=date, year=int(date[:4]), sentences=sentences)
    return page, article


REGION = Entity("region", "431003000000", "苏仙区")
AGENCY = Entity("agency", "431003000000/自然资源局", "苏仙区自然资源局", region="431003000000")
PROGRAM = Entity("program", "退草还耕回头看", "退草还耕回头看")


def mentions_of(page: Page, *entities: Entity) -> list[Mention]:
    out = []
    for e in entities:
        for m in re.finditer(re.escape(e.label), page.text):
            s, t = page.raw_span(m.start(), m.end())
            out.append(Mention(e.type, e.label, s, t, 0, e.key))
    return out


def claims_of(body: str, *entities: Entity, heading: str | None = None):
    page, article = make_page(body, heading)
    return page, find_claims(page, [article], list(entities), mentions_of(page, *entities))


def candidates_of(body: str, *entities: Entity, slot: str = "program") -> list[dict[str | None, set[str]]]:
    """Per claim, the `slot` candidates the linker's generator proposes: label -> facts. The choice among
    them is the fitted weights' (kg.extract.linking); these tests check that the rule's candidate is there."""
    found: list[dict[str | None, set[str]]] = []

    def record(at: str, site, candidates, rows) -> int:
        if at == slot:
            found.append({c.entity.label if c.entity else None: c.facts for c in candidates})
        return 0  # the first proposed: the nearest place for the region the body facts are read against

    page, article = make_page(body)
    with choosing(record):
        find_claims(page, [article], list(entities), mentions_of(page, *entities))
    return found


def values(claims) -> list[tuple[float, str]]:
    return [(c.quantity.value, c.quantity.unit) for c in claims]


def test_every_number_is_one_claim_with_raw_evidence() -> None:
    page, claims = claims_of("截至11月13日，全区302个问题图斑已举证销号278个，整改图斑面积达1784.61亩。")
    assert values(claims) == [(302, "个"), (278, "个"), (1784.61, "亩")]
    for c in claims:
        assert c.evidence == page.raw[c.start : c.end]
        assert page.raw[c.quantity.start : c.quantity.end].replace(" ", "").startswith(c.quantity.text)
        assert c.period == "截至11月13日"
        assert c.period_end == "2023-11-13"


def test_service_time_conditions_and_streaks_are_not_claims() -> None:
    _, claims = claims_of("药品24小时内配送，标本6至8小时出结果，事故数7年连续下降。")
    assert claims == []


def test_measured_durations_are_claims() -> None:
    _, claims = claims_of("平均每个项目压缩时间55天以上。")
    assert values(claims) == [(55, "天")]
    assert claims[0].quantity.qualifier == "more_than"


def test_category_thresholds_are_not_claims_but_their_counts_are() -> None:
    _, claims = claims_of("全省共有超过1800个乡镇可提供7项以上医保服务，对70座35千伏及以上变电站恢复值班。")
    assert values(claims) == [(1800, "个"), (70, "座")]
    assert claims[0].quantity.qualifier == "more_than"


def test_share_above_a_level_is_a_claim() -> None:
    _, claims = claims_of("城乡居民医保参保率稳定在95%以上。")
    assert values(claims) == [(95, "%")]


def test_anecdotes_about_one_person_are_not_claims() -> None:
    _, claims = claims_of("一名陌生的访客主动上交2万余元违法所得。\n该院为76岁的张女士减免费用3000元。")
    assert claims == []


def test_article_one_is_not_a_claim_but_frequencies_are() -> None:
    _, claims = claims_of("设立一个温馨母婴室。\n每月至少开展一次业务培训。")
    assert [(c.quantity.value, c.quantity.unit, c.quantity.qualifier) for c in claims] == [(1, "次/月", "more_than")]


def test_target_modality() -> None:
    _, claims = claims_of("预计今年可实现产值8.5亿元，去年实现产值6亿元。")
    assert [c.modality for c in claims] == ["target", "achieved"]


def test_change_only_when_the_number_is_the_size_of_the_change() -> None:
    _, claims = claims_of("销售额同比增长11.7%，死亡人数下降6.25%，低保标准提高至625元/月，窗口增加到8个。")
    assert [c.change for c in claims] == ["increase", "decrease", None, None]


def test_region_agency_and_program_from_context() -> None:
    body = "苏仙区自然资源局开展“退草还耕回头看”专项整治行动。\n全区已整改图斑278个。"
    _, claims = claims_of(body, REGION, AGENCY, PROGRAM)
    (c,) = claims
    assert c.agency == "苏仙区自然资源局"
    assert c.region is None or c.region == "苏仙区"


def test_program_from_section_heading() -> None:
    _, claims = claims_of("全区已整改图斑278个。", PROGRAM, heading="深入开展退草还耕回头看")
    assert claims[0].program == "退草还耕回头看"


def test_region_from_the_sentence() -> None:
    _, claims = claims_of("苏仙区新增就业5511人。", REGION)
    assert (claims[0].region, claims[0].subject, claims[0].subject_type) == ("苏仙区", "苏仙区", "region")
    assert claims[0].metric == "新增就业人数"


def test_metric_is_read_from_the_clause() -> None:
    _, claims = claims_of("城镇新增就业5511人，整改图斑面积达1784.61亩，全区302个问题图斑。")
    assert [c.metric for c in claims] == ["城镇新增就业人数", "整改图斑面积", "问题图斑数"]


def test_period_carries_within_a_paragraph() -> None:
    _, claims = claims_of("2023年，全区城镇新增就业5511人。失业人员再就业4794人。")
    assert [c.period for c in claims] == ["2023年", "2023年"]
    assert (claims[1].period_start, claims[1].period_end) == ("2023-01-01", "2023-12-31")


def test_periods_resolve_against_the_article_not_today() -> None:
    assert resolve_period("1-10月", "2023-11-20", 2023) == ("2023-01-01", "2023-10-31")
    assert resolve_period("去年", "2023-11-20", 2023) == ("2022-01-01", "2022-12-31")
    assert resolve_period("今年以来", "2023-11-20", 2023) == ("2023-01-01", "2023-11-20")


CITY = Entity("region", "430700000000", "常德市")
PROVINCE = Entity("region", "430000000000", "湖南省")


def test_a_yardstick_place_is_not_the_region() -> None:
    _, claims = claims_of("常德市在全省率先建成2个劝导站。", CITY, PROVINCE)
    assert claims[0].region == "常德市"


def test_list_members_are_not_the_region() -> None:
    village = Entity("region", "430700000000/和平村", "和平村")
    _, claims = claims_of("常德市有和平村等4个村入选示范村。", CITY, village)
    assert claims[0].region == "常德市"


def test_quoted_program_in_a_section_heading() -> None:
    _, claims = claims_of("全市已创建示范点27个。", CITY, heading="抓实“示范引领创建工程”，建好站点")
    assert claims[0].program == "示范引领创建工程"


def test_evidence_is_widened_until_it_is_unique_on_the_page() -> None:
    page, claims = claims_of("追回资金7.88亿元。\n集中整治至8月底，追回资金7.88亿元。")
    first, second = claims
    assert "".join(second.evidence.split()) == "集中整治至8月底，追回资金7.88亿元"
    assert "".join(first.evidence.split()) == "追回资金7.88亿元"


def test_bare_numbers_after_people_nouns_count_people() -> None:
    _, claims = claims_of("平台注册志愿者26万，志愿者团队1514个，编号3305。")
    assert values(claims) == [(260000, "人"), (1514, "个")]


def test_numbers_inside_project_names_and_scenes_are_not_claims() -> None:
    _, claims = claims_of("年产3000吨硅油生产项目落地，现场30多台挖机正在作业。")
    assert claims == []


def test_metric_of_a_count_named_after_its_verb() -> None:
    _, claims = claims_of("注销67家僵尸组织，实现区级16个服务事项、镇街12个服务事项。")
    assert [c.metric for c in claims] == ["注销僵尸组织数", "实现区级服务事项数", "镇街服务事项数"]


def test_words_made_of_digits_and_structure_counts_are_not_claims() -> None:
    _, claims = claims_of("该院是唯一一家三甲医院，从三个方面开展工作。")
    assert claims == []


def test_aiming_for_a_level_is_a_target() -> None:
    _, claims = claims_of("企业税收向1亿元冲刺。")
    assert claims[0].modality == "target"


def test_a_program_in_another_numbers_clause_belongs_to_that_number() -> None:
    five = Entity("program", "五小工程", "五小工程")
    body = "该市以“退草还耕回头看”为抓手，新增5处标线，新建32处“五小工程”设施，加固5座危桥。"
    found = candidates_of(body, PROGRAM, five)
    assert "framing" in found[0]["退草还耕回头看"] and "clause" not in found[0]["五小工程"]
    assert "clause_nearest" in found[1]["五小工程"] and "clause_nearest" not in found[1]["退草还耕回头看"]
    assert "framing" in found[2]["退草还耕回头看"] and "clause" not in found[2]["五小工程"]


def test_a_place_inside_a_quoted_name_is_not_the_region() -> None:
    _, claims = claims_of("常德市依托“湖南省医保局网上大厅”平台，实现31项业务网上办。", CITY, PROVINCE)
    assert claims[0].region == "常德市"


def test_a_year_under_review_holds_across_paragraphs() -> None:
    _, claims = claims_of("2022年，全市成绩显著。\n注销僵尸组织67家。\n开展主题活动1300场，保电期间出动车辆400辆。")
    assert [c.period for c in claims] == ["2022年", "2022年", "保电期间"]


def test_a_dropped_measure_word_is_read_from_the_noun() -> None:
    _, claims = claims_of("开展主题活动1300，查处交通违法行为7万，编号1300。")
    assert values(claims) == [(1300, "场"), (70000, "起")]


def test_a_deck_that_trails_off_is_not_read_for_claims() -> None:
    _, claims = claims_of(
        "开展集中整治，追回资金7.88亿元……\n从开展集中整治至今年8月底，追回资金7.88亿元。\n全省共有1800个乡镇。"
    )
    assert values(claims) == [(7.88e8, "元"), (1800, "个")]
    assert "至今年8月底" in "".join(claims[0].evidence.split())


def test_a_long_program_name_is_referred_to_by_its_tail() -> None:
    campaign = Entity("program", "交通问题顽瘴痼疾集中整治行动", "交通问题顽瘴痼疾集中整治行动")
    body = "该市开展交通问题顽瘴痼疾集中整治行动。\n今年累计开展集中整治行动56次。"
    assert "short_name" in candidates_of(body, campaign)[0]["交通问题顽瘴痼疾集中整治行动"]


def test_a_target_is_the_number_a_goal_governs() -> None:
    _, claims = claims_of("失业率控制在目标任务3.5%以内，耕地保护目标范围内共有1396亩。")
    assert [c.modality for c in claims] == ["target", "achieved"]


def test_a_list_of_programs_is_what_is_counted_and_is_framed_by_its_first_name() -> None:
    names = [Entity("program", n, n) for n in ("菁樟计划", "菁樟辅导", "菁帆路演", "99公益日", "中华慈善日")]
    body = (
        "打造品牌“菁樟计划”，推出“菁樟辅导”“菁帆路演”三个子项目。\n"
        "开展“99公益日”“中华慈善日”等活动，累计筹资近1600万元。"
    )
    found = candidates_of(body, *names)
    assert "framing" in found[0]["菁樟计划"] and "listed" in found[0]["菁帆路演"]
    assert "framing" in found[1]["99公益日"] and "framing" not in found[1]["中华慈善日"]


def test_a_sole_campaign_frames_later_paragraphs_but_two_leave_them_open() -> None:
    campaign = Entity("program", "清河护岸", "清河护岸")
    body = "县水利局积极开展“清河护岸”专项行动。\n工作人员逐段排查河道。\n截至目前，全县清理河道垃圾320吨。"
    assert "campaign" in candidates_of(body, campaign)[0]["清河护岸"]
    other = Entity("program", "绿色家园", "绿色家园")
    body = "县水利局开展“清河护岸”专项行动和“绿色家园”专项行动。\n截至目前，全县清理河道垃圾320吨。"
    assert not any("campaign" in facts for facts in candidates_of(body, campaign, other)[0].values())
    service = Entity("program", "便民驿站", "便民驿站")
    found = candidates_of("县水利局建成“便民驿站”。\n截至目前，全县清理河道垃圾320吨。", service)
    assert "campaign" not in found[0].get("便民驿站", set())


def test_names_linked_by_a_shared_core_are_one_campaign() -> None:
    office = Entity("program", "临澧县河道垃圾集中整治", "临澧县河道垃圾集中整治")
    full = Entity("program", "河道垃圾集中整治行动", "河道垃圾集中整治行动")
    short = Entity("program", "整治行动", "整治行动")
    body = (
        "临澧县河道垃圾集中整治办主任介绍，河道垃圾集中整治行动(以下简称“整治行动”)成效明显。"
        "\n截至目前，全县清理河道垃圾320吨。"
    )
    found = candidates_of(body, office, full, short)
    assert [label for label, facts in found[0].items() if "campaign" in facts] == ["临澧县河道垃圾集中整治"]


def test_a_program_beside_an_earlier_sentences_count_does_not_frame_the_next() -> None:
    service = Entity("program", "一网通办", "一网通办")
    body = "全县36项审批事项实行“一网通办”。全年累计受理群众来信215件。"
    found = candidates_of(body, service)
    assert "clause_nearest" in found[0]["一网通办"] and "earlier" not in found[1].get("一网通办", set())
    body = "县里全面推行“一网通办”。全年累计办件4200件。"
    assert "earlier" in candidates_of(body, service)[0]["一网通办"]


def test_a_paragraphs_topic_line_frames_the_means_listed_after_it() -> None:
    topic = Entity("program", "网格+服务", "网格+服务")
    means = Entity("program", "邻里茶馆", "邻里茶馆")
    body = "创新推行“网格+服务”工作模式。依托网格员队伍，搭建“邻里茶馆”，全年解决群众诉求120件。"
    assert "topic" in candidates_of(body, topic, means)[0]["网格+服务"]
    campaign = Entity("program", "清河护岸", "清河护岸")
    body = "创新推行“网格+服务”工作模式。全面落实“清河护岸”专项行动。全年清理河道垃圾320吨。"
    found = candidates_of(body, topic, campaign)
    assert "topic" not in found[0].get("网格+服务", set()) and "earlier" in found[0]["清河护岸"]


def test_a_headline_part_named_after_its_parent_frames_the_article() -> None:
    parent = Entity("program", "春苗计划", "春苗计划")
    part = Entity("program", "春苗课堂", "春苗课堂")
    page, article = make_page("活动现场，8个项目登台展示。")
    article.headline = "高新区春苗计划·春苗课堂首期开讲"
    claims = find_claims(page, [article], [parent, part], mentions_of(page, parent, part))
    assert [c.program for c in claims] == ["春苗课堂"]


def test_a_body_named_elsewhere_speaks_only_for_its_own_places() -> None:
    other_county = Entity("region", "431102000000", "冷水滩区")  # in another city than 苏仙区
    _, claims = claims_of(
        "苏仙区自然资源局今年整治耕地1200亩。\n冷水滩区新增造林面积3000亩。\n苏仙区新建口袋公园5个。",
        REGION, AGENCY, other_county,
    )
    by_value = {c.quantity.value: c for c in claims}
    assert by_value[1200].agency == "苏仙区自然资源局"
    body = "苏仙区自然资源局今年整治耕地1200亩。\n冷水滩区新增造林面积3000亩。\n苏仙区新建口袋公园5个。"
    assert "opens_clause" in candidates_of(body, REGION, AGENCY, other_county, slot="region")[1]["冷水滩区"]
    agencies = candidates_of(body, REGION, AGENCY, other_county, slot="agency")
    assert "region_elsewhere" in agencies[1]["苏仙区自然资源局"]
    assert "own_region" in agencies[2]["苏仙区自然资源局"]


def test_the_body_a_headline_names_acts_where_a_paragraph_names_none() -> None:
    finance = Entity("agency", "431003000000/财政局", "苏仙区财政局", region="431003000000")
    body = "苏仙区财政局拨付资金300万元，苏仙区财政局还安排专项经费50万元。\n全区今年整治耕地1200亩。"
    page, article = make_page(body)
    article.headline = "苏仙区自然资源局 全力守护耕地"
    entities = [REGION, AGENCY, finance]
    claims = find_claims(page, [article], entities, mentions_of(page, REGION, finance))
    by_value = {c.quantity.value: c.agency for c in claims}
    assert by_value == {3_000_000: "苏仙区财政局", 500_000: "苏仙区财政局", 1200: "苏仙区自然资源局"}


def test_a_national_program_counts_only_in_the_numbers_own_clause() -> None:
    national = Entity("program", "乡村振兴", "乡村振兴", level="national")
    found = candidates_of("苏仙区助力乡村振兴，今年新建村道12公里。\n苏仙区投入乡村振兴资金300万元。", REGION, national)
    assert "乡村振兴" not in found[0] and "national_clause" in found[1]["乡村振兴"]


def test_a_set_counted_in_characters_is_the_subject_of_the_number_after_it() -> None:
    _, claims = claims_of("全区困难群众两项补贴分别提高至650元/月和720元/月。该区推出三个便民服务项目。")
    assert values(claims) == [(650, "元/月"), (720, "元/月"), (3, "个")]


def test_a_bare_number_before_a_noun_for_people_counts_people() -> None:
    _, claims = claims_of("苏仙区力争让40万市民用上直饮水。")
    assert [(c.quantity.value, c.quantity.unit, c.modality) for c in claims] == [(400_000, "人", "target")]


def test_a_body_of_the_claims_own_place_comes_before_one_of_a_place_above_it() -> None:
    # the town's node with its parent chain, as the entity reader makes it: the county body is one of a place above
    town = region_entity(gazetteer().regions["431003000000/五盖山镇"])
    town_body = Entity("agency", "431003000000/五盖山镇/党委", "五盖山镇党委", region="431003000000/五盖山镇")
    county_body = Entity("agency", "431003000000/区委统战部", "苏仙区委统战部", region="431003000000")
    _, claims = claims_of(
        "五盖山镇党委组织干部下沉一线。\n全面落实苏仙区委统战部部署的专项行动。五盖山镇今年累计助学帮扶163人。",
        REGION, town, town_body, county_body,
    )
    assert [(c.quantity.value, c.region, c.agency) for c in claims] == [(163, "五盖山镇", "五盖山镇党委")]


def test_a_working_body_comes_before_the_leadership_named_beside_it() -> None:
    committee = Entity("agency", "431003000000/区委", "苏仙区委", region="431003000000")
    # the lead names the working body as the reporter's source; the committee comes right before the figure
    _, claims = claims_of(
        "记者从苏仙区自然资源局获悉，全区耕地保护成效明显。\n苏仙区委高度重视耕地保护。全区今年整治耕地1200亩。",
        REGION, AGENCY, committee,
    )
    assert [(c.quantity.value, c.agency) for c in claims] == [(1200, "苏仙区自然资源局")]


def test_a_place_in_a_ranking_is_not_a_count() -> None:
    _, claims = claims_of("东区、西区、南区排名投资总额前3位，北区居第2名，全区新增企业45家。")
    assert values(claims) == [(45, "家")]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=list("全县增长，,。；;！？!?：:、5"), max_size=24), st.data())
def test_clause_bounds_are_the_breaks_around_the_span(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text) + 2))
    breaks = [m.start() for m in CLAUSE_BREAK.finditer(text)]
    left = max((b + 1 for b in breaks if b < start), default=0)
    right = min((b for b in breaks if b >= end), default=len(text))
    assert claims._clause_bounds(text, start, end) == (left, right)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=list("一名位户某些女士先生老人大爷妈阿姨奶患儿岁婚礼不每掉少漏个3县"), max_size=12))
def test_the_anecdote_look_skips_no_match(text: str) -> None:
    """_is_anecdote searches only sentences holding one of _ANECDOTE_WORDS: every match holds one."""
    assert claims._is_anecdote.__wrapped__(text) == (claims._ANECDOTE.search(text) is not None)
