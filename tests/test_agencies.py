"""Body names after places: where they end, what they are, their canonical form."""

from kg.extract.agencies import bare_level_at, body_after, canonical_body, known_body_after, quoted_body_after


def _body(text: str) -> tuple[str, str] | None:
    match = body_after(text, 0)
    return (match.body, match.type) if match else None


def test_body_runs_to_the_last_body_word() -> None:
    assert _body("公安局交警大队城东中队开展检查") == ("公安局交警大队城东中队", "agency")
    assert _body("自然资源和规划局党组书记") == ("自然资源和规划局", "agency")


def test_verbs_and_punctuation_end_the_run() -> None:
    assert _body("成立工作专班") is None
    assert _body("医保局开展宣传月") == ("医保局", "agency")
    assert _body("民政局，") == ("民政局", "agency")


def test_new_level_word_starts_a_new_body() -> None:
    assert _body("委市政府召开会议") == ("委", "agency")


def test_member_of_a_committee_is_not_a_body() -> None:
    assert _body("党工委委员到企业走访") == ("党工委", "agency")


def test_hospitals_and_companies_are_organisations() -> None:
    assert _body("人民医院急诊科") == ("人民医院", "organization")
    assert _body("城发集团投资") == ("城发集团", "organization")


def test_halls_and_windows_are_not_bodies() -> None:
    assert _body("政务服务大厅办理业务") is None


def test_bare_level_word() -> None:
    assert bare_level_at("据市医保局介绍", 1)
    assert bare_level_at("落实县委部署", 2)
    assert not bare_level_at("城市管理", 1)
    assert known_body_after("县委统战部部署", 1).body == "委统战部"
    assert known_body_after("市场繁荣", 1) is None


def test_canonical_names_expand_abbreviations() -> None:
    assert canonical_body("医保局") == "医疗保障局"
    assert canonical_body("中院") == "中级人民法院"
    assert canonical_body("安委办") == "安全生产委员会办公室"
    assert canonical_body("中级人民法院") == "中级人民法院"
    assert canonical_body("政府") == "政府"


def test_two_bodies_joined_by_a_conjunction_are_two() -> None:
    assert _body("人社局联合县医保局开展宣传") == ("人社局", "agency")
    assert _body("交通运输局和市公路局联合检查") == ("交通运输局", "agency")
    assert _body("妇女联合会举办讲座") == ("妇女联合会", "agency")
    assert _body("城北街道办事处组织居民") == ("城北街道办事处", "agency")


def test_a_bare_level_word_before_a_field_of_government_names_a_body() -> None:
    assert known_body_after("县就业局发布数据", 1).body == "就业局"
    assert known_body_after("省环保厅通报", 1).body == "环保厅"
    assert known_body_after("市城管局出动", 1).body == "城管局"
    assert known_body_after("市民广场", 1) is None


def test_a_fields_department_is_its_bureau() -> None:
    assert _body("民政部门发放救助金") == ("民政部门", "agency")
    assert canonical_body("民政部门") == "民政局"
    assert canonical_body("人社部门") == "人力资源和社会保障局"
    assert _body("相关部门联合检查") is None


def test_handling_is_no_body() -> None:
    assert _body("服务中心发挥经办作用") == ("服务中心", "agency")


def test_a_quoted_service_name_followed_by_a_body_word_is_part_of_the_body() -> None:
    match = quoted_body_after("“民生直通”服务中心受理诉求", 0)
    assert (match.body, match.end) == ("民生直通服务中心", 10)
    assert quoted_body_after("“两会”召开", 0) is None
    assert quoted_body_after("服务中心", 0) is None


def test_a_credit_names_the_body_a_report_comes_from() -> None:
    from kg.extract.agencies import credit_body_starts, credited

    assert credited("来源：", "2020-05-0108:00")
    assert credited("发布机构:", "")
    assert credited("增长了3%。（", "供稿）")
    assert credited("完成验收。(", ")")
    assert not credited("记者从", "获悉，")
    assert not credited("今年，", "召开会议")
    assert not credited("（", "、县财政局联合")  # a list in brackets is no credit
    assert credit_body_starts("来源：农业办 2020-05-01") == [3]


def test_a_body_the_figures_are_learned_from_informs() -> None:
    from kg.extract.agencies import informs

    assert informs("记者从", "获悉，今年")
    assert informs("日前，", "发布了上半年")
    assert informs("据", "统计，全县")
    assert informs("据", "介绍")
    assert not informs("根据", "部署的方案")  # acting on a plan is no source
    assert not informs("今年，", "新建公园")


def test_a_bodys_field_of_work_in_full_and_short_forms() -> None:
    from kg.extract.agencies import body_fields

    assert set(body_fields("医疗保障局")) == {"医疗保障", "医保"}
    assert body_fields("民政局") == ("民政",)
    assert body_fields("人民政府") == ()
    assert body_fields("委") == ()
