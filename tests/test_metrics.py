"""The metric phrase: one invented sentence (not seed text) per grammar rule of kg/extract/metrics.py."""

from __future__ import annotations

import re

import pytest

from kg.extract.claims import find_claims
from kg.extract.entities import find_entities
from kg.extract.metrics import metric_key
from kg.model import Article, Page, Sentence


def metrics_of(body: str) -> list[str | None]:
    """The metric of each claim in a one-paragraph page written without OCR noise."""
    page = Page("t.txt", "t.txt", body, "utf-8", body, list(range(len(body) + 1)))
    found = re.finditer(r"[^。]+。?", body)
    sentences = [Sentence(m.start(), m.end(), m.group(), m.start(), paragraph=0) for m in found]
    article = Article("t.txt", 0, "标题", 0, len(body), date="2023-11-20", year=2023, sentences=sentences)
    return [c.metric for c in find_claims(page, [article], [], [])]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # A count named before its number is named as a count: 数, 次数, 场次; people 人数, households 户数.
        ("全县建成示范基地12个。", ["建成示范基地数"]),
        ("开展送法下乡活动15次，举办培训讲座8场。", ["开展送法下乡活动次数", "举办培训讲座场次"]),
        ("登记注册护林员320名。", ["登记注册护林员人数"]),
        ("帮扶困难户86户。", ["帮扶困难户数"]),  # a phrase ending on the unit takes 数 alone
        # A phrase that already names a quantity, or a verb counting people, takes no count word.
        ("受益人数3.5万人，城镇新增就业860人。", ["受益人数", "城镇新增就业人数"]),
        # Linking words are stripped where a word ends: the 为 of 行为 stays.
        ("查处违法行为45起。", ["查处违法行为数"]),
        ("日接诊量陡增至3000余人次。", ["日接诊量"]),
        # A count of times named after its number is still a count of times.
        ("先后5次召开专题会议。", ["召开专题会议次数"]),
        # A one-character stop word ends the counted noun only where it is a word of its own (中心 is not 中).
        ("新建8个污水处理中心。", ["新建污水处理中心数"]),
        # A phrase longer than 16 characters loses whole words from its start.
        ("各乡镇文化站组织开展群众文艺汇演巡回活动45场。", ["组织开展群众文艺汇演巡回活动场次"]),
    ],
)
def test_counts_are_named_as_counts(sentence: str, expected: list[str]) -> None:
    assert metrics_of(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # "there are", a preposition or a pivot verb before the count: the predicate after the noun names it.
        ("全县有9家卫生院开通远程会诊。", ["开通远程会诊卫生院数"]),
        ("引导60余家企业参与结对帮扶。", ["参与结对帮扶企业数"]),
        ("对12处危险路段进行整治。", ["整治危险路段数"]),
        # Further members of the list are passed over.
        ("对6处桥梁、涵洞进行加固。", ["加固桥梁数"]),
        # A threshold inside the predicate is kept; a predicate with a count of its own is another measure.
        ("全县共有15个村可提供5项以上便民服务。", ["可提供5项以上便民服务村数"]),
        ("全镇40个村完成验收35个。", ["村数", "村完成验收数"]),
        # Words before a list's connector belong to the previous member.
        ("共整改37个安全隐患、21个消防问题和9个其他问题。", ["整改安全隐患数", "消防问题数", "其他问题数"]),
    ],
)
def test_a_count_named_after_its_noun_takes_the_predicate(sentence: str, expected: list[str]) -> None:
    assert metrics_of(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # Examples before 等: the verb and the head noun name the measure, the examples do not.
        ("提供政策咨询、证照代办等服务300余次。", ["提供服务次数"]),
        ("出台《乡村治理办法》等5项制度。", ["出台制度数"]),
        # Quoted names right before a count are what is counted.
        ("推出“早安课堂”“午间书屋”2个品牌。", ["推出品牌数"]),
        # Paired brackets are kept as written; a place where something happened is left out.
        ("建成社区(村)卫生室86个。", ["建成社区(村)卫生室数"]),
        # Short coordinated words share the head: each is kept.
        ("注销、吊销营业执照42家。", ["注销吊销营业执照数"]),
        ("县、乡两级服务覆盖率达95%。", ["县乡两级服务覆盖率"]),
        ("外出务工人员在省内定点机构就医结算3.2万人次。", ["外出务工人员就医结算人次"]),
        # Aspect words are not part of a measure's name.
        ("全县问题线索已核查办结45件。", ["问题线索核查办结数"]),
    ],
)
def test_lists_names_and_places_before_the_number(sentence: str, expected: list[str]) -> None:
    assert metrics_of(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # A rate that rose or fell by the number is named as the rise or fall.
        ("门诊报销比例提高10%。", ["门诊报销比例增幅"]),
        ("上调最低工资标准8%。", ["最低工资标准上调"]),
        ("办事时限压缩50%。", ["办事时限压缩幅度"]),
        # A bare change, a list's later numbers and a new level take the previous number's measure.
        ("粮食产量达12万吨，同比增长3.2%。", ["粮食产量", "粮食产量同比增幅"]),
        ("园区工业产值分别同比增长12.5%、9.1%、4.4%。", ["园区工业产值同比增幅"] * 3),
        ("护林补贴分别提高至500元/月和420元/月。", ["护林补贴标准", "护林补贴标准"]),
        ("抽检不合格率从2%降低到0.4%。", ["抽检不合格率", "抽检不合格率"]),
        # A short repeat of the previous measure takes its head; a part of it does not.
        ("医保参保人数达8.6万人，参保率达98%。", ["医保参保人数", "医保参保率"]),
        ("外贸进出口总额2.6亿元，其中出口1.8亿元。", ["外贸进出口总额", "出口"]),
        # A short measure sharing a word with an earlier one takes that measure's head, over several clauses.
        (
            "全县医疗救助对象报销人数900人，报销金额120万元，报销比例达80%。",
            ["医疗救助对象报销人数", "医疗救助对象报销金额", "医疗救助对象报销比例"],
        ),
        ("门诊量同比增长8%，较上月增加500人次。", ["门诊量同比增幅", "门诊量较上月增加人次"]),
        # A bare rate after a count is a rate of the count's object.
        ("全县完成各类审批事项1.2万件，办结率99.5%。", ["完成审批事项数", "审批事项办结率"]),
        # A share of a whole.
        ("全县35个村开通网上办事，占全部行政村总数60%。", ["开通网上办事村数", "行政村占比"]),
    ],
)
def test_changes_lists_and_shares(sentence: str, expected: list[str]) -> None:
    assert metrics_of(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # Money for a subsidy or loan is its amount; the noun after an amount names it.
        ("发放临时补贴85万元。", ["发放临时补贴金额"]),
        ("拨付300万元的专项资金。", ["专项资金"]),
        ("全县90%的事项可网上办理。", ["事项占比"]),
        # 累计 stays when only a bare verb would be left.
        ("累计筹款230万元。", ["累计筹款"]),
    ],
)
def test_amounts(sentence: str, expected: list[str]) -> None:
    assert metrics_of(sentence) == expected


def test_a_number_in_characters_inside_the_name_stays_in_it() -> None:
    assert metrics_of("困难群众两项补贴分别提高至300元/月和200元/月。")[-2:] == ["困难群众两项补贴标准"] * 2
    # A word cut by a number read before it ("一次|性") is whole again.
    assert metrics_of("全县为困难群众增发一次性生活补贴85万元。") == ["一次性生活补贴金额"]


def test_metric_key_ignores_scope_and_brackets() -> None:
    assert metric_key("全县社区(村)卫生室数", "个") == metric_key("社区村卫生室数", "个") == "社区村卫生室|个"


@pytest.mark.parametrize(
    ("phrases", "unit", "key"),
    [
        # whose measure it is: a place, a level word, a body
        (["安仁县城镇新增就业人数", "城镇新增就业人数", "全县城镇新增就业"], "人", "城镇新增就业|人"),
        (["湖南省居民医保参保率", "居民医保参保率"], "%", "居民医保参保率|%"),
        (["市级政务大厅办件量", "政务大厅办件数", "县医保局政务大厅办件数量"], "件", "政务大厅办件|件"),
        # tallies, and the word that only says the money is summed
        (["累计发放创业补贴金额", "发放创业补贴总额", "共发放创业补贴"], "元", "发放创业补贴|元"),
    ],
)
def test_the_same_measure_gets_one_key_across_places_and_wordings(phrases: list[str], unit: str, key: str) -> None:
    assert {metric_key(p, unit) for p in phrases} == {key}


def test_a_key_keeps_what_is_measured() -> None:
    assert metric_key("人数", "人") == "人数|人"  # nothing left to name it by: the count word stays
    assert metric_key("新建示范基地数", "个") == "新建示范基地|个"  # 新建 is a verb here, not a district
    assert metric_key("参保率", "%") != metric_key("参保人数", "人")


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # The unit of a list's previous number is not the next number's measure.
        ("征收排污费分别为3200万元、1500万元、800万元。", ["征收排污费", "征收排污费", "征收排污费"]),
        # A share against a base count: the count's measure, 占, the base, 比例.
        # The share's base is a count of the same thing: its measure, the base's noun, a count word.
        ("全镇改造危房120户，占任务数300户的40%。", ["改造危房户数", "改造危房任务户数", "改造危房占任务数比例"]),
        # A total or an area named by no thing is the total of what was counted just before.
        ("全市新开工项目128个，投资总额450亿元。", ["新开工项目数", "新开工项目投资总额"]),
        # A number right after another counts the same thing in another unit.
        ("全镇共救助困难对象120户356人。", ["救助困难对象户数", "救助困难对象人数"]),
    ],
)
def test_numbers_of_a_list_share_its_measure(sentence: str, expected: list[str]) -> None:
    assert metrics_of(sentence) == expected


def metrics_named(body: str) -> list[str | None]:
    """As metrics_of, with the page's places found, so that they are whose measure, not what."""
    page = Page("t.txt", "t.txt", body, "utf-8", body, list(range(len(body) + 1)))
    found = re.finditer(r"[^。]+。?", body)
    sentences = [Sentence(m.start(), m.end(), m.group(), m.start(), paragraph=0) for m in found]
    article = Article("t.txt", 0, "标题", 0, len(body), date="2023-11-20", year=2023, sentences=sentences)
    entities, mentions = find_entities(page, [article])
    return [c.metric for c in find_claims(page, [article], entities, mentions)]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # People or households counted by a noun that does not name them are 人数 / 户数.
        ("扶持120人创业。", ["扶持创业人数"]),
        # An area, a length or a mass is the 面积, 长度 or 量 of what it measures.
        (
            "新建排水管网12公里，建设高标准农田3000亩，收购茶叶20吨。",
            ["新建排水管网长度", "建设高标准农田面积", "收购茶叶量"],
        ),
        # A road's length is its 里程; a population (人口) is already a count of people.
        ("新建村道12公里，受益人口3万人。", ["新建村道里程", "受益人口"]),
        # A bullet, "there are", "all kinds of" and the actor before a tally adverb are not part of the name.
        ("全县热线共受理各类诉求3200件。", ["受理诉求数"]),
        ("●全镇有留守儿童120人。", ["留守儿童人数"]),
        # A comparison with the same time last year, however worded, is 同比; a percentage change is a 增幅.
        ("工业产值较去年同期增长12%，销售额比上年增长8%。", ["工业产值同比增幅", "销售额同比增幅"]),
        ("全年接待游客同比增长15%。", ["接待游客同比增幅"]),
        # A percentage of a target: the amount's measure, the target, 完成率.
        ("引进资金30亿元，完成全年目标任务的75%。", ["引进资金", "引进资金目标完成率"]),
    ],
)
def test_measures_are_named_by_what_they_measure(sentence: str, expected: list[str]) -> None:
    assert metrics_of(sentence) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # A topic frame or a ranking names the measure of the places' figures after it.
        ("各区县中办件量排在前三位的是：昌平区(300件)、顺义区(200件)。", ["办件量", "办件量"]),
        ("从工业产值看，昌平区为12亿元，顺义区为9亿元。", ["工业产值", "工业产值"]),
        # A bare rate of change takes the topic as its thing, in later sentences of the paragraph too;
        # 增加值 is a noun, not the verb 增加; an aside in brackets is not part of the name.
        ("从工业增加值看，全市增长8%。昌平区(含开发区)增速为9%。", ["工业增加值增幅", "工业增加值增速"]),
        ("再看出口额，全市这一增速为6%。", ["出口额增速"]),
    ],
)
def test_a_topic_names_the_measure_of_bare_figures(body: str, expected: list[str]) -> None:
    assert metrics_named(body) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # Items listed before 分别 name the numbers after it in order; the head noun written once is shared.
        (
            "养老、医疗和失业保险参保人数分别达到3万人、2万人和1万人。",
            ["养老保险参保人数", "医疗保险参保人数", "失业保险参保人数"],
        ),
        # Items that each carry the head noun are whole.
        ("工业总产值、农业总产值分别增长9%、4%。", ["工业总产值增幅", "农业总产值增幅"]),
        # Only an act before a second 分别: the items of the list before, with that act.
        (
            "养老、医疗和失业保险参保人数分别达到3万人、2万人和1万人，征缴基金分别为5亿元、3亿元和1亿元。",
            ["养老保险参保人数", "医疗保险参保人数", "失业保险参保人数"]
            + ["养老征缴基金", "医疗征缴基金", "失业征缴基金"],
        ),
        # A new subject before the second 分别 is its own measure.
        (
            "城镇、农村低保标准分别提高至600元和500元，困难补贴分别提高至90元和80元。",
            ["城镇低保标准", "农村低保标准", "困难补贴金额", "困难补贴金额"],
        ),
        # Nothing listed before 分别: the sentence's earlier measures, in order.
        ("工业产值8亿元，税收1亿元，同比分别增长5%、3%。", ["工业产值", "税收", "工业产值同比增幅", "税收同比增幅"]),
    ],
)
def test_a_respectively_list_pairs_items_and_numbers(sentence: str, expected: list[str]) -> None:
    assert metrics_of(sentence) == expected


def test_a_key_leaves_out_the_word_that_only_names_the_dimension() -> None:
    assert metric_key("新建排水管网长度", "公里") == metric_key("全县新建排水管网", "公里") == "新建排水管网|公里"
    assert metric_key("建设高标准农田面积", "亩") == metric_key("累计建设高标准农田", "亩")
    assert metric_key("改造农村公路里程", "公里") == metric_key("改造农村公路", "公里")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # A change after a share of a target is a change of the amount before the share.
        (
            "引进资金30亿元，完成全年目标任务的75%，同比增长12%。",
            ["引进资金", "引进资金目标完成率", "引进资金同比增幅"],
        ),
        # A relative clause before 的 is passed over to the counted noun.
        ("对27家存在违规行为的药店进行约谈。", ["约谈药店数"]),
        # A breakdown after 其中 named by an act or a level takes the head noun of the whole.
        ("全市共受理诉求7万件。其中，投诉3万件、求助2万件。", ["受理诉求数", "投诉诉求数", "求助诉求数"]),
        ("编制服务事项目录共900项，其中市级500项、县级400项。", ["编制服务事项目录数", "市级目录数", "县级目录数"]),
        # Only a preposition before the number: what is done for or to it names it.
        ("为300人提供政策咨询服务。", ["提供政策咨询服务人数"]),
        ("将40公里一线堤防进行加固。", ["加固一线堤防长度"]),
        # A share's unnamed base is a count of the same thing.
        ("已开工230户，占460户的50%。", ["开工户数", "开工户数", "开工占比例"]),
    ],
)
def test_measures_completed_from_the_sentence_and_paragraph(body: str, expected: list[str]) -> None:
    assert metrics_of(body) == expected
