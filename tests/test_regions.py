"""Region rules: gazetteer codes and chains, short forms, context, zones, unlisted towns."""

from kg.extract.gazetteer import gazetteer
from kg.extract.regions import RegionResolver


def _find(text: str, page: list[str] | None = None) -> list[tuple[str, str, str]]:
    resolver = RegionResolver(page or [text])
    return [(h.surface, h.region.name, h.region.code) for h in resolver.find(text, set())]


def test_codes_are_official_and_chains_reach_the_province() -> None:
    gaz = gazetteer()
    chain = [r.name for r in gaz.chain("431003000000")]
    assert chain == ["苏仙区", "郴州市", "湖南省"]
    assert gaz.regions["430000000000"].level == "province"


def test_full_short_and_chained_forms() -> None:
    hits = _find("上午，记者来到郴州市苏仙区飞天山镇一处农田。")
    assert [h[1] for h in hits] == ["郴州市", "苏仙区", "飞天山镇"]
    assert hits[2][2] == "431003000000/飞天山镇"
    assert _find("苏仙的农民忙着秋收。")[0][1:] == ("苏仙区", "431003000000")


def test_autonomous_county_short_form_gets_official_name() -> None:
    assert _find("今年新晃种茶两千亩。")[0][1] == "新晃侗族自治县"


def test_short_name_inside_a_town_name_is_the_town() -> None:
    hits = _find("邵阳市新邵县新田铺镇开展了义诊。")
    assert [h[1] for h in hits] == ["邵阳市", "新邵县", "新田铺镇"]


def test_short_name_followed_by_a_place_word_is_not_the_county() -> None:
    assert _find("新田村的稻谷丰收了。") == []


def test_common_word_short_name_needs_the_full_name_on_the_page() -> None:
    assert _find("市场监管局会同有关部门检查。") == []
    text = "会同县今年新建公路。会同的茶油出名。"
    assert [h[1] for h in _find(text)] == ["会同县", "会同县"]


def test_word_across_the_left_edge_blocks_a_two_character_name() -> None:
    assert _find("湘南地区雨水偏多，湘南县域经济发展快。") == []


def test_two_character_names_outside_the_province_are_words() -> None:
    assert _find("城区道路维修完成。") == []


def test_shared_short_name_prefers_the_higher_level() -> None:
    assert _find("长沙今天下雨。")[0][1] == "长沙市"


def test_village_needs_its_town_or_county() -> None:
    assert _find("他回到和平村。") == []
    hits = _find("郴州市苏仙区飞天山镇和平村的村民。")
    assert hits[-1][2] == "431003000000/飞天山镇/和平村"


def test_town_shared_by_two_counties_resolved_by_article_context() -> None:
    resolver = RegionResolver(["南县今年新建学校。南洲镇的学生有了新教室。"])
    context: set[str] = set()
    resolver.find("南县今年新建学校。", context)
    hit = resolver.find("南洲镇的学生有了新教室。", context)[0]
    assert hit.region.parent == "430921000000"


def test_unlisted_town_after_its_county_is_minted_under_it() -> None:
    hits = _find("张家界市武陵源区索溪峪街道召开会议。")
    assert hits[-1][1:] == ("索溪峪街道", "430811000000/索溪峪街道")
    assert _find("苏仙区部分乡镇出现反弹。")[-1][1] == "苏仙区"


def test_zone_after_a_city_is_its_own_place() -> None:
    hits = _find("湘潭高新区和株洲高新区签约。")
    assert [h[1] for h in hits] == ["湘潭高新区", "株洲高新区"]
    assert hits[0][2] == "430371000000"
    assert hits[1][2] == "430200000000/株洲高新区"


def test_management_district_keeps_the_form_it_is_written_in() -> None:
    hit = _find("益阳市大通湖区推进医保服务。")[-1]
    assert hit[1:] == ("大通湖区", "430971000000")
    assert _find("益阳市大通湖管理区召开会议。")[-1][1:] == ("大通湖管理区", "430971000000")


def test_other_province_by_full_name() -> None:
    assert [h[1] for h in _find("他到江西省九江市打工。")] == ["江西省", "九江市"]


def test_short_city_name_right_after_its_province() -> None:
    assert [h[1] for h in _find("他到江西九江务工。")] == ["江西省", "九江市"]
    assert _find("九江务工。") == []


def test_generic_zone_words_are_not_place_names() -> None:
    assert _find("衡东经济开发区新签项目。")[0][1:] == ("衡东经开区", "430424000000/衡东经开区")
    assert _find("各地经济开发区加快建设。") == []


def test_name_shared_across_provinces_follows_the_article() -> None:
    resolver = RegionResolver(["吉林省长春市朝阳区", "北京市朝阳区"])
    context: set[str] = set()
    resolver.find("吉林省长春市召开会议。", context)
    assert resolver.find("朝阳区新建学校。", context)[0].region.parent == "220100000000"
    context = set()
    resolver.find("记者从吉林省获悉。", context)
    assert resolver.find("朝阳区新建学校。", context)[0].region.parent == "220100000000"
    assert _find("北京市朝阳区新建学校。")[1][2] == "110105000000"


def test_city_name_before_market_words() -> None:
    assert _find("长沙市场监管局抽检食品。")[0][:2] == ("长沙", "长沙市")
    assert _find("东方市场人头攒动。") == []
