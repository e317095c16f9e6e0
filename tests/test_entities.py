"""find_entities over small hand-made pages: keys, labels, mentions, references."""

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract.entities import find_entities, governing_region, resolve_reference
from kg.model import Article, Page, Sentence


def _page(*articles: list[str]) -> tuple[Page, list[Article]]:
    raw = "".join("".join(a) for a in articles)
    page = Page("t.txt", "t.txt", raw, "utf-8", text=raw, offsets=list(range(len(raw) + 1)))
    out, pos = [], 0
    for index, sentences in enumerate(articles):
        start = pos
        sents = []
        for s in sentences:
            sents.append(Sentence(pos, pos + len(s), s, pos))
            pos += len(s)
        out.append(Article("t.txt", index, "", start, pos, sentences=sents))
    return page, out


def _by_label(entities):
    return {e.label: e for e in entities}


def test_region_entity_has_code_and_parent_chain() -> None:
    page, arts = _page(["祁阳市今年新修道路。"])
    entities, mentions = find_entities(page, arts)
    region = _by_label(entities)["祁阳市"]
    assert region.key == "431121000000"
    assert [r.name for r in region.parents] == ["永州市", "湖南省"]
    assert mentions[0].text == "祁阳市" and page.raw[mentions[0].start : mentions[0].end] == "祁阳市"


def test_agency_label_and_key_expand_region_and_alias() -> None:
    page, arts = _page(["岳阳市医保局召开会议。", "市医保局还将开展培训。"])
    entities, mentions = find_entities(page, arts)
    agencies = [e for e in entities if e.type == "agency"]
    assert len(agencies) == 1
    agency = agencies[0]
    assert agency.label == "岳阳市医保局"
    assert agency.key == "430600000000/岳阳市医疗保障局"
    assert agency.region == "430600000000"
    assert {"市医保局", "岳阳市医疗保障局"} <= set(agency.aliases)
    assert sum(m.key == agency.key for m in mentions) == 2


def test_court_abbreviation() -> None:
    page, arts = _page(["衡阳中院审结案件。"])
    entities, _ = find_entities(page, arts)
    assert "430400000000/衡阳市中级人民法院" in {e.key for e in entities}


def test_hospital_is_an_organisation_of_its_city() -> None:
    page, arts = _page(["岳阳市人民医院新建门诊楼。"])
    entities, _ = find_entities(page, arts)
    org = [e for e in entities if e.type == "organization"][0]
    assert org.region == "430600000000"


def test_county_park_is_an_organisation() -> None:
    page, arts = _page(["安化县经开区新引进企业。"])
    entities, _ = find_entities(page, arts)
    park = [e for e in entities if e.label == "安化经开区"][0]
    assert park.type == "organization" and park.region == "430923000000"


def test_programs_one_node_across_variants() -> None:
    page, arts = _page(["该县打造“10分钟就医圈”。", "“10 分钟就医圈”已覆盖全县。"])
    entities, _ = find_entities(page, arts)
    assert [e.key for e in entities if e.type == "program"] == ["10分钟就医圈"]


def test_references_resolve_to_the_article_places() -> None:
    first = ["郴州市桂阳县新建学校。", "该县今年新增教师。", "全市共有学校百所。", "全省教育经费增长。"]
    page, arts = _page(first, ["全县修路。"])
    entities, mentions = find_entities(page, arts)
    by_text = {m.text: m.key for m in mentions}
    assert by_text["该县"] == "431021000000"
    assert by_text["全市"] == "431000000000"
    assert by_text["全省"] == "430000000000"
    assert not [m for m in mentions if m.article == 1]


def test_reference_to_an_agency() -> None:
    page, arts = _page(["汝城县医保局推行新办法。", "该局今年已办理业务。"], ["该局受理投诉。"])
    entities, mentions = find_entities(page, arts)
    assert [(m.article, m.key) for m in mentions if m.text == "该局"] == [(0, "431026000000/汝城县医疗保障局")]


def test_governing_region_and_fallback_for_unnamed_province() -> None:
    page, arts = _page(["临武县召开会议，临武县代表发言，郴州市领导出席。"])
    entities, mentions = find_entities(page, arts)
    assert governing_region(arts[0], mentions, entities).label == "临武县"
    page2, arts2 = _page(["今年全省新增就业岗位。"])
    assert resolve_reference("全省", arts2[0], 3, [], []).key == "430000000000"
    assert resolve_reference("全县", arts2[0], 3, [], []) is None


def test_text_outside_articles_still_yields_entities() -> None:
    raw = "桂东县新修公路。\n汝城县热水镇举办活动\n"
    page = Page("t.txt", "t.txt", raw, "utf-8", text=raw, offsets=list(range(len(raw) + 1)))
    article = Article("t.txt", 0, "", 0, 8, sentences=[Sentence(0, 8, raw[:8], 0)])
    entities, mentions = find_entities(page, [article])
    assert {"桂东县", "汝城县", "热水镇"} <= {e.label for e in entities}
    assert {m.article for m in mentions if m.text == "热水镇"} == {-1}


def test_agency_named_without_its_place_takes_the_placed_label_later() -> None:
    page, arts = _page(["县医保局发放补助，", "攸县医疗保障局表示。"])
    entities, _ = find_entities(page, arts)
    agency = [e for e in entities if e.type == "agency"][0]
    assert agency.label == "攸县医疗保障局"
    assert "攸县医保局" in agency.aliases and agency.label not in agency.aliases


def test_full_written_name_wins_the_label() -> None:
    page, arts = _page(["醴陵市医保局召开会议，醴陵市医疗保障局局长讲话。"])
    entities, _ = find_entities(page, arts)
    agency = [e for e in entities if e.type == "agency"][0]
    assert agency.label == "醴陵市医疗保障局"
    assert agency.aliases == ["醴陵市医保局"]


def test_bare_level_word_takes_the_nearest_place_before_it() -> None:
    page, arts = _page(["浏阳市召开会议。", "浏阳市代表发言。", "长沙市委、市政府高度重视。"])
    entities, _ = find_entities(page, arts)
    assert {e.label for e in entities if e.type == "agency"} == {"长沙市委", "长沙市政府"}


def test_whole_city_before_a_government_word_is_still_a_reference() -> None:
    page, arts = _page(["耒阳市推进改革，全市政务服务事项全部上网。"])
    _, mentions = find_entities(page, arts)
    assert [(m.text, m.key) for m in mentions if m.text == "全市"] == [("全市", "430481000000")]


_POOL = (
    "湖南省长沙市宁乡县新田区镇乡村街道社区该全本我局委办中心医保公安民政“”+，。、的了在和开展实施专项行动工程计划1 2"
)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=_POOL, max_size=80))
def test_any_text_gives_mentions_that_point_at_their_text(raw: str) -> None:
    page = Page("t.txt", "t.txt", raw, "utf-8", text=raw, offsets=list(range(len(raw) + 1)))
    sentences = [Sentence(0, len(raw), raw, 0)] if raw else []
    entities, mentions = find_entities(page, [Article("t.txt", 0, raw[:6], 0, len(raw), sentences=sentences)])
    keys = {e.key for e in entities}
    for m in mentions:
        assert m.key in keys
        assert raw[m.start : m.end] == m.text
    assert len(keys) == len(entities)


def test_body_of_a_county_park_belongs_to_the_county() -> None:
    page, arts = _page(["安化县经开区党工委召开会议。"])
    entities, _ = find_entities(page, arts)
    agency = [e for e in entities if e.type == "agency"][0]
    assert agency.label == "安化县经开区党工委"
    assert agency.region == "430923000000"
    assert agency.key == "430923000000/安化经开区/安化经开区党工委"


def test_a_body_named_inside_a_quoted_name_is_not_an_agency() -> None:
    page, arts = _page([
        "群众可通过“岳阳市医保局网上大厅”办理业务。",
        "“岳阳市医保局”公众号发布通知。",
        "“岳阳市财政局把钱用在刀刃上，让群众得实惠。”",
    ])
    entities, mentions = find_entities(page, arts)
    agencies = [m for m in mentions if m.kind == "agency"]
    assert [(m.text, m.start) for m in agencies] == [
        ("岳阳市医保局", page.raw.index("岳阳市医保局”公众号")),
        ("岳阳市财政局", page.raw.index("岳阳市财政局")),
    ]


def test_a_place_short_name_inside_a_brand_is_not_a_mention() -> None:
    page, arts = _page(["醴陵市通过智慧株洲系统办结事项148件，开展健康醴陵行动。", "株洲市新增绿地3公顷。"])
    _, mentions = find_entities(page, arts)
    regions = [m.text for m in mentions if m.kind == "region"]
    assert regions == ["醴陵市", "株洲市"]


def test_a_place_opening_a_firms_name_names_the_firm_not_the_place() -> None:
    page, arts = _page(["衡东县大浦镇招商引资。", "湖南荣桓科技有限公司的产品年产值逾13亿元。", "长沙银行提供贷款。"])
    _, mentions = find_entities(page, arts)
    assert [(m.kind, m.text) for m in mentions] == [
        ("region", "衡东县"), ("region", "大浦镇"),
        ("organization", "湖南荣桓科技有限公司"), ("organization", "长沙银行"),
    ]


def test_a_report_comparing_three_counties_is_their_citys() -> None:
    text = "桂东县受理120件，桂东县办结118件，汝城县受理98件，宜章县受理76件。"
    page, arts = _page([text])
    entities, mentions = find_entities(page, arts)
    assert governing_region(arts[0], mentions, entities).label == "郴州市"
    page, arts = _page(["桂东县受理120件，桂东县办结118件，汝城县受理98件。"])
    entities, mentions = find_entities(page, arts)
    assert governing_region(arts[0], mentions, entities).label == "桂东县"


def test_a_bare_level_word_in_a_later_sentence_takes_the_articles_own_place() -> None:
    page, arts = _page(["郴州市召开会议。", "郴州市代表发言。", "资兴市新建公园。", "市统计局发布数据。"])
    entities, _ = find_entities(page, arts)
    assert {e.label for e in entities if e.type == "agency"} == {"郴州市统计局"}


def test_a_body_named_with_a_quoted_service_name_after_a_bare_level() -> None:
    page, arts = _page(["浏阳市召开会议。", "今年以来，市“民生直通”服务中心共受理诉求120件。"])
    entities, _ = find_entities(page, arts)
    assert {e.label for e in entities if e.type == "agency"} == {"浏阳市民生直通服务中心"}


def test_an_article_naming_no_place_is_its_outlets() -> None:
    page, arts = _page(["据郴州晚报报道，记者从市就业局获悉，全市新增就业5000人。"])
    entities, mentions = find_entities(page, arts)
    assert governing_region(arts[0], mentions, entities).label == "郴州市"
    assert {e.label for e in entities if e.type == "agency"} == {"郴州市就业局"}
    page, arts = _page(["据报道，记者从市就业局获悉，全市新增就业5000人。"])
    entities, mentions = find_entities(page, arts)
    assert governing_region(arts[0], mentions, entities) is None


def test_a_credit_without_a_place_names_the_reports_own_place_body() -> None:
    page, arts = _page(["来源：农业办", "醴陵市今年新建大棚300个，醴陵市完成验收。"])
    entities, _ = find_entities(page, arts)
    agency = next(e for e in entities if e.type == "agency")
    assert agency.key == "430281000000/醴陵市农业办" and agency.label == "醴陵市农业办"
    page, arts = _page(["来源：某某晚报", "醴陵市今年新建大棚300个。"])
    assert not [e for e in find_entities(page, arts)[0] if e.type == "agency"]


def test_a_bare_level_body_in_a_report_comparing_counties_is_the_citys() -> None:
    # the headline's county is named most, but the report sets it beside three of its city's counties
    for sentences, key in (
        (["市统计局发布数据，醴陵市增长8%。", "醴陵市居全市第一，攸县、茶陵县、炎陵县分列其后。"],
         "430200000000/株洲市统计局"),
        (["市统计局发布数据，醴陵市增长8%。", "醴陵市居全市第一。"], "430281000000/醴陵市统计局"),
    ):
        page, arts = _page(sentences)
        arts[0].headline = "醴陵经济继续领跑"
        entities, _ = find_entities(page, arts)
        assert [e.key for e in entities if e.type == "agency"] == [key]
