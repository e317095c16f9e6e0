"""Program names by cues, not by lists."""

from kg.extract.programs import canonical_program, find_programs


def _names(text: str) -> list[str]:
    return [h.name for h in find_programs(text)]


def test_quoted_name_after_a_policy_verb_with_a_head_after() -> None:
    assert _names("该县深入开展“清河护岸”专项行动，成效明显。") == ["清河护岸"]


def test_quoted_name_ending_with_a_head_noun() -> None:
    assert _names("群众点赞“邻里守望计划”。") == ["邻里守望计划"]


def test_plus_pattern() -> None:
    assert _names("探索“网格化+志愿者”模式。") == ["网格化+志愿者"]
    assert _names("利用“互联网+”平台宣传。") == []


def test_verb_and_clause_end() -> None:
    assert _names("街道推行“错时服务”，方便上班族。") == ["错时服务"]


def test_quality_words_and_slogans_are_not_programs() -> None:
    assert _names("坚决遏制耕地“撂荒化”。") == []
    assert _names("打通服务“最后一百米”。") == []
    assert _names("开展“一对一”“面对面”座谈会。") == []
    assert _names("出台《“十五五”规划纲要》。") == []


def test_series_with_a_shared_stem_is_split() -> None:
    assert _names("组织开展“平安校园、平安医院”创建。") == ["平安校园", "平安医院"]


def test_unquoted_name_with_a_strong_head() -> None:
    assert _names("全面实施农村饮水安全提质专项行动，") == ["农村饮水安全提质专项行动"]
    assert _names("开展全市燃气安全隐患专项整治，") == ["燃气安全隐患专项整治"]
    assert _names("开展护河专项行动12次") == []


def test_canonical_program_folds_spaces_quotes_and_plus() -> None:
    assert canonical_program("“10 分钟 就医圈”") == "10分钟就医圈"
    assert canonical_program("党建＋治理") == "党建+治理"


def test_unquoted_name_stops_at_function_words() -> None:
    assert _names("市民政局将困难群众救助作为重点专项行动，") == []
    assert _names("部署的农村道路安全隐患专项整治，") == ["农村道路安全隐患专项整治"]


def test_quoted_rooms_and_counters_are_places() -> None:
    assert _names("各网点设置“军人优先窗口”，") == []


def test_quotes_without_chinese_are_not_names() -> None:
    assert _names("落实“1+1”服务模式。") == []
