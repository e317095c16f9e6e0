"""Program names by cues, and national programs by name from kg/extract/data/national_programs.json."""

from kg.extract.programs import canonical_program, find_programs, repeated_quotes, repeated_terms


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


def test_quoted_idiom_alone_is_rhetoric_but_named_by_a_head_is_a_program() -> None:
    assert _names("全县有9家小作坊实施“对症下药”。") == []
    assert _names("镇里推行“对症下药”工作机制。") == ["对症下药"]


def test_figurative_head_of_a_longer_phrase_is_not_a_program() -> None:
    assert _names("全力打造营商“新高地”，吸引企业落户。") == []
    assert _names("建设一支敢打硬仗的“环保尖兵”。") == []
    assert _names("街道推出了“睦邻食堂”，方便老人就餐。") == ["睦邻食堂"]


def test_unquoted_name_as_a_policy_verbs_whole_object() -> None:
    assert _names("去年起，该县全面推行不动产登记一窗办理。") == ["不动产登记一窗办理"]
    assert _names("动员200家企业参与乡村振兴，成效明显。") == ["乡村振兴"]
    assert _names("着力办好群众身边的民生实事。") == ["民生实事"]
    assert _names("窗口推行预约办理业务，减少排队。") == []


def test_names_coded_by_a_count_of_parts_or_a_number() -> None:
    assert _names("社区围绕“四个全覆盖”抓落实。") == ["四个全覆盖"]
    assert _names("开展“一对一”帮扶。") == []
    assert _names("全年推出311服务，惠及群众。") == ["311服务"]
    assert _names("全年推出123456服务，惠及群众。") == []  # six digits: no code, nor are its last five
    assert _names("编号1.311服务，惠及群众。") == []  # the tail of a decimal
    assert _names("12345热线受理诉求890件，满意率98%。") == []  # a phone line is a channel, not an initiative
    assert _names("全年服务企业3200家。") == []


def test_national_programs_are_found_unquoted_as_whole_words() -> None:
    hits = find_programs("该县全面推行告知承诺制，落实河长制。")
    assert [(h.name, h.national) for h in hits] == [("告知承诺制", True), ("河长制", True)]
    assert _names("对窗口服务逐项进行好差评定。") == []  # 评定 is a word: no 好差评 here


def test_a_page_name_holding_a_national_one_wins() -> None:
    assert _names("该镇开展“河长制巡河护水”专项行动。") == ["河长制巡河护水"]


def test_a_quoted_name_the_headline_and_body_share_or_the_body_keeps_quoting_is_a_program() -> None:
    body = ["全县通过“惠农卡”发放补贴1.2亿元。", "“惠农卡”覆盖农户3万户。", "服务跑出“加速度”。"]
    repeated = repeated_quotes("某县“惠农卡”发放补贴过亿元", body)
    assert repeated == {"惠农卡"}
    assert [h.name for h in find_programs(body[0], repeated)] == ["惠农卡"]
    assert repeated_quotes("某县发放补贴", ["“暖心包”送到家。", "“暖心包”里有米面。", "发放“暖心包”900份。"]) == {
        "暖心包"
    }
    assert repeated_quotes("某县发放补贴", ["跑出“加速度”。", "再跑出“加速度”。"]) == frozenset()


def test_a_quoted_code_and_the_words_up_to_a_head_are_one_name() -> None:
    assert _names("探索建立“246”产销对接机制，带动农户增收。") == ["246产销对接机制"]


def test_a_head_alone_or_behind_a_one_character_verb_is_no_name() -> None:
    assert _names("对整改问题进行“回头看”。") == []
    assert "见行动" not in _names("实现从“抓河长”“见行动”到“见成效”。")
    assert _names("深入开展“苗计划”，培育社工。") == ["苗计划"]


def test_an_unquoted_initiative_after_a_launching_verb() -> None:
    assert _names("近年来，该县开展城乡环境美化提升行动，成效明显。") == ["城乡环境美化提升行动"]
    assert _names("镇里把庭院环境整治行动列入民生实事。") == ["庭院环境整治行动"]
    assert _names("全年开展宣传活动30场。") == []
    assert _names("开展各类法治宣传行动30场。") == []
    assert _names("开展护林专项行动12次。") == []  # a kind of campaign, not a name


def test_a_series_of_fields_sharing_one_action_verb_names_programs() -> None:
    assert _names("全县统筹推进教育帮扶、医疗帮扶和住房帮扶，成效明显。") == ["教育帮扶", "医疗帮扶", "住房帮扶"]
    assert _names("发放农业类补贴、牧业类补贴和林业类补贴。") == []  # a shared noun, not an action
    assert _names("让道路亮起来、庭院美起来、口袋鼓起来。") == []  # a slogan: no field words
    assert _names("开展教育帮扶、医疗帮扶。") == []  # two are a pair, not a series


def test_an_unquoted_name_led_by_a_count_of_its_parts() -> None:
    assert _names("全面打好了三大攻坚战。") == ["三大攻坚战"]
    assert "五进活动" in _names("开展“进社区、进学校、进企业、进农村、进机关”五进活动。")
    assert _names("第三项改革任务完成。") == []  # an ordinal
    assert _names("全面打好了3三大攻坚战。") == []  # a count glued to a number


def test_a_bare_policy_term_the_article_repeats_is_a_program() -> None:
    body = ["全镇山区扶贫搬迁安置点建成3处。", "山区扶贫搬迁群众就业800人。", "发放助学担保贷款500万元。"]
    terms = repeated_terms("某县山区扶贫搬迁见闻", body)
    assert terms == {"山区扶贫搬迁"}  # the longest repeated term, not its tail; a term said once is no name
    assert [h.name for h in find_programs(body[1], frozenset(), terms)] == ["山区扶贫搬迁"]
    assert repeated_terms("标题", ["推进林业协作。", "林业协作见效。", "协作单位3家。"]) == {"林业协作"}
    assert repeated_terms("标题", ["加强合作。", "继续加强合作。"]) == frozenset()
    assert repeated_terms("标题", ["全县发放扶贫资金300万元。", "今年发放扶贫资金80万元。"]) == frozenset()


def test_a_quoted_name_coded_by_counted_parts() -> None:
    assert _names("全市基本实现“三级三同”（市、县、乡）。") == ["三级三同"]
    assert _names("完成重点区域森林“六化”面积300亩。") == ["六化"]
    assert _names("群众点赞“一对一”。") == []


def test_a_quoted_name_framed_as_the_aim_or_counted_as_built() -> None:
    assert _names("某县以创建“市级卫生示范镇”为目标，不断强化管理。") == ["市级卫生示范镇"]
    assert _names("已建成东山等3处“邻里暖心屋”，入住241户。") == ["邻里暖心屋"]
    assert _names("把政务大厅打造成“便民商场”，让群众少跑腿。") == ["便民商场"]
    assert _names("窗口跑出“加速度”，群众点赞。") == []
    assert _names("创建“市级卫生示范镇”的经验值得推广。") == []


def test_a_quoted_one_x_service_brand() -> None:
    assert _names("某市政务服务“一码通”已覆盖全市。") == ["一码通"]
    assert _names("将事项纳入“一窗式”政务服务改革。") == ["一窗式"]
    assert _names("医疗机构“一站式”备案。") == []  # a quality word, no head noun names it


def test_an_unquoted_sweep_named_by_its_field_after_a_launching_verb() -> None:
    assert _names("全领域全行业开展消防隐患大排查，聚焦居民楼。") == ["消防隐患大排查"]
    assert _names("持续开展森林防火大检查。") == ["森林防火大检查"]


def test_a_quoted_body_name_or_honour_is_no_program() -> None:
    repeated = frozenset({"惠民直通", "中国蜜柚之乡"})
    assert [h.name for h in find_programs("市“惠民直通”服务中心共收到各类诉求。", repeated)] == []
    assert [h.name for h in find_programs("某市被评为“中国蜜柚之乡”。", repeated)] == []
    assert [h.name for h in find_programs("某市获“中国蜜柚之乡”称号。", repeated)] == []
    assert [h.name for h in find_programs("推行“惠民直通”模式。", repeated)] == ["惠民直通"]
