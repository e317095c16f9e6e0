"""What a number measures: a short phrase from the clause's grammar, and a comparable key.

Chinese reports put the measure before the number ("整改图斑面积达1784.61亩",
"城镇新增就业5511人") or, with a measure word, after it ("302个问题图斑").
The phrase is the noun/verb–object run that governs the number, with scope
words, time expressions, adverbs and linking verbs stripped. A count is named
as a count ("…人数", "…次数", "…数"), an area, length or mass as one ("…面积",
"…长度", "…量"), a percentage change as a rise or fall ("…增幅", "…降幅"), a
share of a target as a 完成率. A figure that names nothing but its place takes
the measure from its context: a "respectively" list, the sentence's earlier
measures, or a topic the sentence or paragraph announces ("从工业产值看，…").
jieba's dictionary decides word boundaries and which words are verbs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache
from itertools import islice
from typing import Final

from kg.extract.agencies import known_body_after
from kg.extract.gazetteer import gazetteer
from kg.extract.periods import strip_periods
from kg.extract.units import lookup
from kg.model import Quantity
from kg.text.matching import find_all
from kg.text.words import dictionary_words, frequencies, is_verb, tags

METRIC_MAX: Final = 16
_NOUN_MAX: Final = 14
_SCOPE: Final = re.compile(
    r"^(?:全省|全市|全州|全县|全区|全镇|全乡|该省|该市|该县|该区|该镇|该局|该院|该中心|该公司|全院|该)")
_LEAD: Final = re.compile(
    r"^(?:并|且|同时|其中|还|和|及|以及|与|已经|已|共计|共|累计|全年|今年|通过|目前|此外|另外|分别)+")
# Adverbs, conjunctions and prepositions that open a clause but are not part of what it measures.
_LEAD_WORDS: Final = frozenset(
    "就 也 还 都 均 再 又 才 仅 对 向 为 而 但 这 这些 其 率先 先后 逐步 进一步 积极 有效 深入 主动 共 已 "
    "已经 全部 依法 持续 不断 大力 切实 首次 成功 至少 有 共有".split()
)
_TRAIL: Final = re.compile(
    r"(?:分别|同比|共计|共有|共|累计|达到|高达|达|为|是|有|约|近|超过|超|逾|已|了|在|至|到|稳定在|控制在|还|也|就|都|均|从|和|及|以及|"
    r"保持在|突破|不低于|不少于|不到|每[人户月年天日周]|每学期|每季度|的|等|"
    r"[暴陡猛骤递剧]?(?:增长|增加|提高|提升|上升|上调|下降|降低|下调|减少|调整|增|降|升)(?:至|到|为))+$"
)
_LEAD_FIRST: Final = frozenset(w[0] for w in _LEAD_WORDS)
# Where the noun phrase after a number ends: the predicate begins.
_AFTER_STOP: Final = re.compile(
    r"已|均|都|全部|实现|开通|参与|入选|被|可|获评|获得|获|实施|进行|提供|接受|纳入|享受|完成|达到|全覆盖|覆盖|登台|主动|联合|组成|"
    r"正在|成功|签约|投入|建立|开展|认定|的|在|为|与|以及|和|及|等|中|[、，,。；;：:]|\d"
)
_CLAUSE_END: Final = re.compile(r"[，,。；;：:！？!?]")
_PUNCT: Final = re.compile(r"[“”\"‘’'「」『』《》、\s●○◎■□▲△◆◇★☆•※]")  # quotes, list commas, bullets
_PARENS: Final = re.compile(r"[()（）]")
# Words before a count that leave its predicate to the words after the counted noun:
# prepositions ("对18处线路进行蹲守"), "there are" ("全市有14家机构实施…"), pivot verbs ("引导300家组织参与…").
_WEAK_END: Final = re.compile(
    r"(?:对|为|向|与|给|跟|同|把|将|替|有|引导|吸引|组织|帮助|带动|推动|动员|鼓励|支持|促进|指导|督促|推荐|协助)"
    r"[了的]?$"
)
_PREDICATE_OPENER: Final = re.compile(r"进行|实现|开通|参与|入选|实施|提供|接受|纳入|享受|完成|覆盖|签订|开展|建立|可")
_PREDICATE_LEAD: Final = re.compile(r"^(?:已经|已|均|都|全部|也|还|正|将|共同|陆续|先后|纷纷|分别|进行)+")
# Measures whose number is an amount of something named before it ("投入资金…元").
_AMOUNTS: Final[tuple[str, ...]] = (
    "money", "rate", "rate_change", "area", "length", "volume", "mass", "power", "energy", "multiple",
)
_COUNTS: Final[tuple[str, ...]] = ("count", "people", "households")
_COUNTED: Final = {"次": "次数", "场": "场次"}  # "开展活动15次" -> 开展活动次数
# counts of visits keep their own name
_VISITS: Final[tuple[str, ...]] = ("人次", "辆次", "台次", "架次", "车次", "项次", "件次", "户次")
# A phrase that already names a quantity takes no count word.
_NAMES_QUANTITY: Final = re.compile(r"(?:数|量|率|额|人次|比例|比重|占比|时长|面积|规模|总量|次|场次|标准|人口)$")
_AMOUNT_WORDS: Final = {"area": "面积", "length": "长度", "mass": "量"}
_ROADS: Final[tuple[str, ...]] = ("道", "路", "公路")
_NAMES_AMOUNT: Final = re.compile(r"(?:面积|长度|里程|距离|量|规模|总计|合计|范围)$")
_RISE: Final[tuple[str, ...]] = ("增长", "提高", "上升", "增加", "提升")
_FALL: Final[tuple[str, ...]] = ("下降", "降低", "减少")
_ADJUST: Final[tuple[str, ...]] = ("上调", "下调", "压缩", "缩减", "缩短")  # named "…幅度"
_CHANGE_VERB: Final = "|".join(_RISE + _FALL + _ADJUST)
_LEVEL: Final = re.compile(rf"(?:{_CHANGE_VERB}|增|降|升|调整|扩大)(?:至|到|为)\s*$")
_CHANGE: Final = re.compile(rf"^(?:同比|环比|较\w{{1,4}})?[再又]?(?:{_CHANGE_VERB}|增幅|降幅)$")
_COMPARED_CHANGE: Final = re.compile(rf"(?:同比|环比)(?P<verb>{'|'.join(_RISE + _FALL)})$")
# A comparison with the same time a year before, however worded, is 同比 ("较去年同期下降").
_SAME_PERIOD: Final = re.compile(
    r"(?:较|比|与)(?:去年|上年|上一年)同期(?:相比)?|(?:较|比)(?:去年|上年|上一年)(?=[增下提降减上])"
)
_CHANGE_VERB_RE: Final = re.compile(_CHANGE_VERB)
_CHANGE_END: Final = re.compile(rf"(?:同比|环比)?(?:{_CHANGE_VERB})$")
_SHARE_MEASURE: Final = re.compile(r"^(?:完成|占)")  # "完成全年任务的60%": a share of a target, not an amount
_NAMED_CHANGE: Final = re.compile(r"(?:增速|增幅|降幅|幅度)$")
_CHANGE_NAMED: Final = re.compile(rf"(?:{_CHANGE_VERB}|增幅|降幅)$")
_CONNECTOR: Final = re.compile(r"^\s*[和与及、，,][和与及、，,\s]*$")
_NUMBER: Final = re.compile(r"[\d０-９]")
_NUMBERS: Final = re.compile(r"[\d０-９][\d０-９.．]*")
_QUOTED_END: Final = re.compile(r"(?:[“\"][^”\"]{1,12}[”\"][、和及]?)+$")
_SHARE: Final = re.compile(r"占(?:全部|全)?(.+?)(?:总数|总量|总额|比重|比例)?")
_DATE_WORDS: Final[tuple[str, ...]] = ("年", "月", "日", "号")
_PEOPLE: Final = re.compile(r"(?:人员|者|人|群众|职工|患者|学生|居民)$")
# "图斑已举证销号": aspect, not part of a measure's name; nor are "all kinds of" quantifiers (各类培训).
_ASPECT: Final = re.compile(r"已经|已|分别|均|都|各类|各项|各种")
# A tally adverb inside the words before a number ("热线共受理诉求"): the actor is before it, the measure after.
_TALLY: Final = re.compile(r"总共|共计|合计|累计|共")
_HAN2: Final = re.compile(r"[\u4e00-\u9fff]{2}")
_HAN: Final = re.compile(r"[\u4e00-\u9fff]")
_LIST_END: Final = re.compile(r"(?:和|及|以及|、)\s*$")
_NAMED_COUNT: Final = re.compile(r"[二两三四五六七八九十]+[项个类种大条]$")  # 一 is mostly the article "a"
_PER_PERIOD: Final = re.compile(r"^每[月年天日周]")
_SHARE_OF: Final = re.compile(r"占([\u4e00-\u9fff]{0,8}?)[\d.]+[万亿]?[\u4e00-\u9fff]{0,2}的")
_SHARE_SPAN: Final = 24
# Topic frames and rankings that name the measure of the figures after them (see frame_topic).
_FRAME: Final = re.compile(
    r"(?:^|[，,。；;：:])(?:从|就)([^，,。；;：:“”]{2,12}?)(?:来|上)?看[，,：:]"
    r"|(?:^|[，,。；;：:])再看([^，,。；;：:“”]{2,12}?)[，,：:]"
    r"|(?:^|[，,。；;：:])([^，,。；;：:“”]{2,12}?)方面[，,：:]"
    r"|([^，,。；;：:“”]{2,16}?)(?:排在|排名|位居|位列|居)前[一二三四五六七八九十\d]+(?:位|名)?的?(?:是|为|有|依次为)[：:]?"
)
_AMONG: Final = re.compile(r"^(?:在|各)[^中，,]{1,8}中(?=[\u4e00-\u9fff]{2})")  # "各县中": among whom, not what
_RESPECTIVE_SPAN: Final = 80
_PART_BREAK: Final = re.compile(r"[；;。]")
_KIND_ENDS: Final[tuple[str, ...]] = ("级", "类")
_CHANGE_WORDS: Final = re.compile(rf"同比|环比|{_CHANGE_VERB}|增幅|降幅|增速")
_SHARE_BASE: Final = re.compile(r"占(?:全部|全)?([\u4e00-\u9fff]{0,8}?)(?:总数|数)?$")
_ASIDE: Final = re.compile(r"[(（](?:[含除包不][^)）]*|[^)）]{5,})[)）]")  # "(含开发区)", a long gloss: not the name
_LIST_SPLIT: Final = re.compile(r"、|(?<=[\u4e00-\u9fff])(?:和|及|与)(?=[\u4e00-\u9fff])")
_COMPARISON_ONLY: Final = re.compile(r"(?:同比|环比)?")
_OF_THE_THING: Final = re.compile(r"总投资|投资总额|总金额|总额|总面积|占地面积|建筑面积|总规模")
_FRAME_HINT: Final = re.compile(r"看|方面|前[一二三四五六七八九十\d]")
# A measure word that names no thing of its own ("增速为8%", "这一增速"): the topic supplies the thing.
_BARE: Final = re.compile(r"(?:这一|一|该|其)?(?P<word>(?:同比)?(?:增速|增幅|降幅|增长|总量|总额|规模|占比|比重))")
_COMPLETION: Final = re.compile(
    r"(?:完成|为)(?P<what>[\u4e00-\u9fff]{0,4}?)(?:[\d.]+[万亿]?[\u4e00-\u9fff]{0,2})?"
    r"(?P<task>目标任务|任务|目标|计划)(?:[\d.]+[万亿]?[\u4e00-\u9fff]{0,2})?的"
)
# Words a metric key leaves out: tallies, the counted/summed word, whose measure it is.
_KEY_LEAD: Final = re.compile(r"^(?:累计|共计|总计|合计|共|已|全年|当年|年度)+")
_COUNT_TAILS: Final[tuple[str, ...]] = ("总人数", "总户数", "人数", "户数", "总数", "总量", "数量", "数", "量")
_MONEY_TAILS: Final[tuple[str, ...]] = ("总金额", "金额", "总额", "额")
_AMOUNT_TAILS: Final = {
    "area": ("总面积", "面积"),
    "length": ("总长度", "长度", "总里程", "里程"),
    "mass": ("总量", "重量", "量"),
}
_OWNER_LEVEL: Final = re.compile(r"^(?:[省市州县区镇乡村]级|[省市州县区]直|[本我该][省市州县区镇乡村])")
_LEVEL_ENDS: Final = "省市州盟县区旗镇乡村道"
_BOUND_AFTER: Final = re.compile(r"\D{0,2}(?:以上|以下)")
_SUBSIDY_END: Final = re.compile(r"(?:补贴|贷款)$")


def _is_boundary(phrase: str, pos: int) -> bool:
    """Whether a word begins at `pos`: certainly so when no dictionary word spans it, else as jieba cuts."""
    if pos <= 0 or pos >= len(phrase):
        return True
    freq = frequencies()  # holds every word and every prefix of one
    for i in range(max(0, pos - 3), pos):
        ends = range(pos + 1, min(len(phrase), i + 5) + 1)
        if phrase[i : pos + 1] in freq and any(freq.get(phrase[i:j]) for j in ends):
            return pos in _starts(phrase)
    return True


@lru_cache(maxsize=256)
def _starts(phrase: str) -> frozenset[int]:
    """Where the phrase's words begin (cached: a phrase's boundaries are asked for in turn)."""
    starts, pos = set(), 0
    for w in dictionary_words(phrase):
        starts.add(pos)
        pos += len(w)
    return frozenset(starts)


@lru_cache(maxsize=8192)  # these three: functions of their strings alone, called again on repeated phrases
def _fit(phrase: str, size: int = METRIC_MAX, keep: str = "tail") -> str:
    """The phrase cut to `size` characters at word boundaries, keeping its head or its tail
    ("各类医保宣传活动布置政策宣传海报数" drops 各类, not 各)."""
    if len(phrase) <= size:
        return phrase
    words = list(dictionary_words(phrase))
    while len(words) > 1 and len("".join(words)) > size:
        words.pop(-1 if keep == "head" else 0)
    fitted = "".join(words)
    return _clean(fitted if len(fitted) <= size else fitted[:size] if keep == "head" else fitted[-size:])


def _clean(phrase: str) -> str:
    """Without quote marks, list commas and spaces; brackets only when they pair up ("村(社区)")."""
    phrase = _PUNCT.sub("", phrase)
    depth = 0
    for ch in phrase:
        depth += 1 if ch in "(（" else -1 if ch in ")）" else 0
        if depth < 0:
            break
    return phrase if depth == 0 else _PARENS.sub("", phrase)


def _strip_lead_words(phrase: str) -> str:
    if phrase[:1] not in _LEAD_FIRST:
        return phrase
    words = list(dictionary_words(phrase))
    while words and words[0] in _LEAD_WORDS:
        words.pop(0)
    return "".join(words)


def _drop_locative(phrase: str) -> str:
    """Without a place where something happened ("在定点医疗机构就医结算" -> 就医结算): not what is measured."""
    if "在" not in phrase or "在" not in (words := list(dictionary_words(phrase))):
        return phrase
    at = words.index("在")
    tag = tags()
    end = at + 1
    while end < len(words) - 1 and tag.get(words[end], "n")[:1] in "nstfjz" and not is_verb(words[end]):
        end += 1
    followed = is_verb(words[end]) or tag.get(words[end]) == "d"
    return "".join(words[:at] + words[end:]) if end > at + 1 and followed else phrase


def _measure_before(raw: str, names: tuple[str, ...]) -> str:
    """The words before a number that name its measure, stripped of scope, time and linking words.

    A list ("提供前期指导、产品注册等服务") is named by its verb and head noun; a list
    that ends at the number ("A、B等20家企业") names nothing before it.
    """
    raw = raw.replace("的基础上", "")
    if "年" in raw:
        raw = _SAME_PERIOD.sub("同比", raw)
    if "(" in raw or "（" in raw:
        raw = _ASIDE.sub("", raw)
    at = raw.rfind("等")
    if at >= 0 and _is_boundary(raw, at) and _is_boundary(raw, at + 1):  # 等 as a word, not 平等 or 等级
        examples, head = raw[:at], raw[at + 1 :]
        first = examples.partition("、")[0]
        verbs = [w for w in dictionary_words(first) if is_verb(w)] if head or "、" not in examples else []
        raw = (verbs[0] if verbs else "") + head
    items = raw.split("、")
    # Short coordinated words share the head ("注销、撤销僵尸组织", "县、乡、村覆盖率"); else the last item.
    before = "".join(items) if all(0 < len(item.strip()) <= 2 for item in items[:-1]) else items[-1]
    before = strip_periods(before)
    for name in sorted(names, key=len, reverse=True):
        before = before.replace(name, "")
    before = _clean(before)
    for m in reversed(find_all(_ASPECT, before)):
        if _is_word(before, m):
            before = before[: m.start()] + before[m.end() :]
    tally = next((m for m in find_all(_TALLY, before, 2, len(before) - 2) if _is_word(before, m)), None)
    before = _SCOPE.sub("", before[tally.end() :] if tally else before)
    led = _strip_trail(_LEAD.sub("", before))
    before = led if len(led) > 2 or not before.startswith("累计") else _strip_trail("累计" + led)
    if before:
        before = _strip_trail(_strip_lead_words(_drop_locative(before)))
    return before


def _is_word(phrase: str, m: re.Match[str]) -> bool:
    """Whether the match is a word of its own in the phrase, not part of one (公共 holds no 共)."""
    return _is_boundary(phrase, m.start()) and _is_boundary(phrase, m.end())


@lru_cache(maxsize=8192)
def _strip_trail(phrase: str) -> str:
    """Without the linking words the phrase ends with, cut where a word ends ("违法行为" keeps 为)."""
    m = _TRAIL.search(phrase)
    if not m:
        return phrase
    for pos in range(m.start(), len(phrase)):
        if _TRAIL.fullmatch(phrase[pos:]) and _is_boundary(phrase, pos):
            return phrase[:pos]
    return phrase


@lru_cache(maxsize=8192)
def _noun_after(tail: str) -> tuple[str, str]:
    """The noun phrase a measure word introduces, and the words after it:
    "个'非农化'问题图斑已举证" -> (非农化非粮化问题图斑, 已举证). A stop word counts
    only where a word begins ("许可" is not "可"). A relative clause before 的 is passed over
    ("家存在违规的药店被约谈" -> (药店, 被约谈))."""
    clause = tail[: m.start()] if (m := _CLAUSE_END.search(tail)) else tail
    end = len(tail)
    for m in find_all(_AFTER_STOP, tail):
        if m.start() < len(clause) and m.group()[0].isalpha():
            near = clause[: _NOUN_MAX * 2]
            if not _is_boundary(near, m.start()) or (len(m.group()) == 1 and not _is_boundary(near, m.end())):
                continue  # "许可" is not 可, "中心" not 中
        end = m.start()
        break
    if tail[end : end + 1] == "的" and end and is_verb(next(iter(dictionary_words(tail[:end])))):
        noun, rest = _noun_after(tail[end + 1 :])  # "家存在问题的药店": a relative clause, the noun follows it
        if noun:
            return noun, rest
    return _fit(_clean(tail[:end]), _NOUN_MAX, keep="head"), tail[end:]


def _predicate(rest: str, room: int) -> str:
    """The verb phrase that follows a counted noun, cut at whole words to `room` characters.

    Further members of a list are passed over ("18处线路、通道进行蹲守" -> 蹲守); a
    predicate holding a number of its own ("图斑已销号278个") measures something else.
    """
    clause = (rest[: m.start()] if (m := _CLAUSE_END.search(rest)) else rest)[:40]
    words = list(dictionary_words(_PUNCT.sub("", clause.partition("的")[0]) if clause[:1] not in "、和及" else clause))
    if words and words[0] in ("、", "和", "及"):
        openers = [i for i, w in enumerate(words) if _PREDICATE_OPENER.fullmatch(w)]
        verbs = openers or [i for i, w in enumerate(words) if is_verb(w)]
        skipped = "".join(words[: verbs[0]]) if verbs else ""
        words = words[verbs[0] :] if verbs and not _NUMBER.search(skipped) else []
    clause = _clean("".join(words).partition("的")[0])
    carried = clause.startswith("进行")  # "进行人工蹲守": the verb is the noun that follows
    clause = _PREDICATE_LEAD.sub("", clause)
    words = [w for w in dictionary_words(clause) if w not in ("了", "着", "过")]
    own = _NUMBERS.search(clause)
    if own and not _BOUND_AFTER.match(clause[own.end() :]):
        return ""
    if not words or not (carried or is_verb(words[0]) or words[0] == "可"):
        return ""
    kept = ""
    for w in words:
        if len(kept) + len(w) > room:
            break
        kept += w
    return kept


def _count_word(phrase: str, q: Quantity) -> str:
    """What a count of `q.unit` is called after its phrase: 人数, 次数, 场次, or 数."""
    unit = q.unit.partition("/")[0]
    dimension = (q.dimension or "").removesuffix("_rate")
    if unit == "人次" and phrase and not _NAMES_QUANTITY.search(phrase) and not _PEOPLE.search(phrase):
        return "人次"
    if dimension not in _COUNTS or not phrase or _NAMES_QUANTITY.search(phrase) or unit in _VISITS:
        return ""
    if unit in _COUNTED:
        return _COUNTED[unit]
    if unit in ("人", "户"):  # 新增就业 5511人 -> 新增就业人数, 供养对象 -> 供养对象人数, 贫困户 -> 贫困户数
        return "数" if phrase.endswith(unit) else unit + "数"
    return "数"


def _noun_count_word(noun: str, q: Quantity) -> str:
    """What a count named by the noun after its number is called: 次数, 场次; people and households
    counted by a noun that does not name them ("扶持368人创业") 人数, 户数, as a count named before its
    number is; else 数."""
    if q.unit in _COUNTED:
        return _COUNTED[q.unit]
    people = q.unit in ("人", "户") and not noun.endswith((q.unit, "人员"))
    return q.unit + "数" if people else "数"


def _amount_word(phrase: str, q: Quantity) -> str:
    """An area, a length or a mass named by what was built, laid or bought is that thing's 面积,
    长度 (of a road, 里程) or 量 ("新建污水管网40公里" -> 新建污水管网长度): the name says it is a
    measure, as 数 does for a count."""
    word = _AMOUNT_WORDS.get(q.dimension or "", "")
    if word == "长度" and phrase.endswith(_ROADS):
        word = "里程"  # a road's length is its 里程 ("新建村道12公里" -> 新建村道里程)
    return word if word and phrase and not _NAMES_AMOUNT.search(phrase) else ""


def _as_change(phrase: str, q: Quantity) -> str:
    """A rate that rose or fell by the number is named as that rise or fall:
    "报销比例提高" -> 报销比例增幅; "下调贷款利率" -> 贷款利率下调."""
    if q.dimension not in ("rate", "rate_change"):
        return phrase
    if m := _COMPARED_CHANGE.search(phrase):  # "产值同比增长" -> 产值同比增幅, a percentage change
        if q.unit != "%":
            return phrase
        return phrase[: m.start("verb")] + ("增幅" if m.group("verb") in _RISE else "降幅")
    if _NAMED_CHANGE.search(phrase):
        return phrase
    m = next((v for v in find_all(_CHANGE_VERB_RE, phrase) if _is_boundary(phrase, v.end())), None)  # 增加值: no 增加
    if not m:
        return phrase
    verb, subject, obj = m.group(), phrase[: m.start()], phrase[m.end() :]
    if len(obj) >= 2:
        return obj + verb
    if not subject or obj:
        return phrase
    return subject + ("增幅" if verb in _RISE else "降幅" if verb in _FALL else verb + "幅度")


def _money_word(phrase: str, q: Quantity) -> str:
    """Money for a subsidy or loan is its amount, or per period its standard ("补贴标准")."""
    if q.dimension not in ("money", "money_rate") or not _SUBSIDY_END.search(phrase):
        return ""
    return "标准" if "/" in q.unit else "金额"


def _object_of(phrase: str) -> str:
    """The noun phrase after a phrase's first verb ("乡村两级完成医保代办事项" -> 医保代办事项)."""
    words = dictionary_words(phrase)
    verbs = [i for i, w in enumerate(words) if is_verb(w)]
    obj = "".join(words[verbs[0] + 1 :]) if verbs else ""
    return obj if len(obj) >= 2 else ""


def _earlier_measures(text: str, end: int, names: tuple[str, ...]) -> Iterator[str]:
    """The measures of the numbers before `end` in the sentence, nearest first: a list's
    third number takes the first's measure ("增长57%、44%、9%")."""
    head = text[:end]
    numbers = [m for m in find_all(_NUMBERS, head) if head[m.end() : m.end() + 1] not in _DATE_WORDS]
    for k in range(len(numbers) - 1, -1, -1):
        breaks = find_all(_CLAUSE_END, head, 0, numbers[k].start())
        start = max(numbers[k - 1].end() if k else 0, breaks[-1].end() if breaks else 0)
        measure = _measure_before(head[start : numbers[k].start()], names)
        if _HAN2.search(measure) and not _is_unit(measure):  # "3200万元、1500万元、": 万元 is the unit
            yield measure


def _is_unit(words: str) -> bool:
    """Whether the words are a unit, maybe scaled ("万元", "亿元", "公里"): the end of the previous number."""
    return lookup(words.lstrip("十百千万亿")) is not None


def metric_phrase(
    text: str,
    clause_start: int,
    clause_end: int,
    q: Quantity,
    names: tuple[str, ...] = (),
    topic: str = "",
    before_text: Sequence[tuple[int, str, str]] = (),
) -> str | None:
    """What the number at `q` (offsets into `text`) measures, at most 16 characters.

    `names` are the places and bodies named in the sentence: they say whose
    measure it is, not what is measured, and are left out. `topic` is the measure
    the paragraph announces (`frame_topic` of its first sentence). `before_text` holds
    the paragraph's measures so far as (offset into `text`, negative before it; metric; unit).
    """
    share = _share_of(text, clause_start, q, names) or _completion_of(text, clause_start, q, names)
    if share:
        return share
    raw = text[_name_start(text, clause_start) : q.start]
    if base := _base_of(text, clause_start, q, raw, names):
        return base
    raw = _respective(text, q, raw, names) or raw
    tail = text[q.end : clause_end]
    noun, rest = ("", "") if q.dimension in _AMOUNTS else _noun_after(tail)
    if noun:
        raw = _QUOTED_END.sub("", raw)  # "推出“A”“B”三个子项目": the names are what is counted
        if _LIST_END.search(raw):  # "39个立行立改问题和9个边巡边改问题": the words before belong to the last item
            raw = ""
    earlier = _earlier_measures(text, clause_start, names)  # lazy: only some numbers need it
    joined = not _CLAUSE_END.search(text[max(0, clause_start - 1) : clause_start])  # the clause goes on before
    before = _in_context(_measure_before(raw, names), raw, tail, q, earlier, joined)
    if not before and not noun and not _named_nothing(raw, names):
        before = _list_measure(text, clause_start, q, names)
    before = _part_of(text, q, before, before_text) or before
    bare = _BARE.fullmatch(before) if before else None
    if not noun and (not before or bare) and (topic := _topic(text, clause_start, topic)):
        word = bare.group("word") if bare else ""
        before = topic if topic.endswith(word) else topic + word
    if not noun and len(before) <= 1 and _WEAK_END.search(_clean(raw)):  # "为300人提供咨询", "将40公里堤防进行加固"
        thing, rest = _noun_after(tail) if q.dimension in _AMOUNT_WORDS else ("", tail)
        word = _amount_word(thing, q) if thing else _noun_count_word("", q) if q.dimension in _COUNTS else ""
        if (thing or word) and (predicate := _predicate(rest, METRIC_MAX - len(thing) - len(word))):
            return _fit(_clean(predicate + thing) + word)
    if noun:
        counted = _noun_count_word(noun, q)
        if not before or _WEAK_END.search(_clean(raw)):
            predicate = _predicate(rest, METRIC_MAX - len(noun) - len(counted))
            if predicate:
                return _fit(_clean(predicate + noun) + counted)
        verb = _final_verb(before) if before else None
        if len(before) <= 6 or verb:
            head = verb if verb and len(before) > 6 else _LEAD.sub("", before)
            return _fit(_clean(head + noun) + counted)
    phrase = _as_change(before, q) if len(before) > 1 else ""  # one character names nothing ("500强2个")
    suffix = _count_word(phrase, q) or _money_word(phrase, q) or _amount_word(phrase, q)
    return _fit(_clean(phrase + suffix)) or None


def _part_of(text: str, q: Quantity, item: str, wholes: Sequence[tuple[int, str, str]]) -> str:
    """An item of a breakdown after 其中 named only by an act or a level ("受理诉求7万件。其中，投诉3万件、
    求助2万件", "目录共900项，其中市级500项"): the item with the head noun of the whole it is part of
    (投诉诉求, 市级目录), the whole being the paragraph's last measure before 其中 in the same unit."""
    at = text.rfind("其中", 0, q.start) if q.dimension in _COUNTS else -1  # a count's head noun is what it counts
    if at < 0 or not item or len(item) > 5 or _PART_BREAK.search(text, at, q.start):
        return ""
    last = list(dictionary_words(item))[-1]
    if not (is_verb(last) or last.endswith(_KIND_ENDS) or len(item) <= 2):
        return ""
    whole = next(
        (m for pos, m, unit in reversed(wholes) if pos < at and unit == q.unit and not _CHANGE_WORDS.search(m)), ""
    )
    words = list(dictionary_words(next((whole[: -len(t)] for t in _COUNT_TAILS if whole.endswith(t)), whole)))
    head = words[-1] if len(words) > 1 else ""  # the object of the whole's verb, or its last noun
    return item + head if len(head) >= 2 and not item.endswith(head) else ""


def frame_topic(text: str, end: int | None = None) -> str:
    """The measure a sentence announces for the numbers after it, the last before `end`: a topic frame
    ("从工业产值看，…", "再看工业产值，…", "工业产值方面，…") or a ranking ("各镇中产值排在前三位的是：…").
    A report that lists places with one figure each names the measure once, in such a frame."""
    end = len(text) if end is None else end
    if not _FRAME_HINT.search(text, 0, end):  # most sentences frame nothing: a literal scan, not the frame regex
        return ""
    frames = find_all(_FRAME, text, 0, end)
    if not frames:
        return ""
    last = frames[-1]
    topic = _clean(next(g for g in last.groups() if g))
    return _SCOPE.sub("", _AMONG.sub("", topic))


def _topic(text: str, clause_start: int, paragraph_topic: str) -> str:
    """The topic the sentence announces before the clause, else the paragraph's."""
    return frame_topic(text, clause_start) or paragraph_topic


def _share_of(text: str, clause_start: int, q: Quantity, names: tuple[str, ...]) -> str:
    """A share stated against a base count ("改造危房120户，占任务数300户的40%"): the measure of the count
    before 占, 占, the base, 比例 (改造危房占任务数比例)."""
    if q.unit != "%":
        return ""
    m = _SHARE_OF.search(text, max(0, clause_start - _SHARE_SPAN), q.start)
    if m is None or m.end() != q.start:
        return ""
    subject = next(_earlier_measures(text, m.start(), names), "")
    return _fit(_clean(f"{subject}占{m.group(1)}比例"))


def _base_of(text: str, clause_start: int, q: Quantity, raw: str, names: tuple[str, ...]) -> str:
    """The base count of a share ("改造危房120户，占任务数300户的40%"): the measure before it, then the
    base's noun, named as a count (改造危房任务户数)."""
    if text[q.end : q.end + 1] != "的" or q.dimension not in _COUNTS or not _NUMBER.match(text, q.end + 1):
        return ""
    if not (m := _SHARE_BASE.search(raw)):
        return ""
    subject = next((e for e in _earlier_measures(text, clause_start, names) if not _CHANGE_NAMED.search(e)), "")
    noun = m.group(1)
    return _fit(_clean(subject + noun + _noun_count_word(noun, q)))


def _completion_of(text: str, clause_start: int, q: Quantity, names: tuple[str, ...]) -> str:
    """A percentage of a target reached ("引进资金30亿元，完成全年目标任务的75%"): the measure of the
    amount before it (not a change told in between), then the target, then 完成率 (引进资金目标完成率);
    the year is the period."""
    if q.unit != "%":
        return ""
    m = _COMPLETION.search(text, max(0, clause_start - _SHARE_SPAN), q.start)
    if m is None or m.end() != q.start:
        return ""
    what = m.group("what")
    what = strip_periods(what) if what else ""
    subject = next((e for e in _earlier_measures(text, m.start(), names) if not _CHANGE_NAMED.search(e)), "")
    task = "目标" if "目标" in m.group("task") else m.group("task")
    return _fit(_clean(f"{subject}{what}{task}完成率"))


def _respective(text: str, q: Quantity, raw: str, names: tuple[str, ...]) -> str:
    """The words naming the k-th number of a "respectively" list (分别): the k-th of the items listed
    before 分别 ("甲、乙和丙补贴分别达到3万元、2万元和1万元" -> 乙补贴), or, when nothing is listed there,
    the k-th of the measures the sentence gave before ("产值8亿元，税收1亿元，同比分别增长5%、3%" ->
    税收同比增长), or, when only an act is named there, the k-th item of the sentence's previous
    list of as many items with that act ("…，发放资金分别为…" -> 乙发放资金); followed by the verb
    after 分别. Items that lack the list's head noun take it from the last item ("甲、乙和丙补贴":
    甲补贴). "" when the number is not in such a list."""
    at = text.rfind("分别", max(0, q.start - _RESPECTIVE_SPAN), q.start)
    if at < 0 or _CLAUSE_END.search(text, at, q.start):
        return ""
    k_zero = not _NUMBER.search(text, at, q.start)
    if not k_zero and not _CONNECTOR.match(raw):
        return ""
    numbers = find_all(_NUMBERS, text, at, m.start() if (m := _CLAUSE_END.search(text, q.end)) else len(text))
    k = sum(n.start() < q.start for n in numbers)
    if len(numbers) < 2 or (not k_zero and k == 0):
        return ""
    verb = text[at + 2 : numbers[0].start()]
    head_start, head, items, bare = _listed(text, at, names)
    if len(items) == len(numbers):
        return items[k] + verb
    if _COMPARISON_ONLY.fullmatch(head):
        earlier = list(islice(_earlier_measures(text, head_start, names), len(numbers)))
        if len(earlier) == len(numbers):
            return earlier[len(numbers) - 1 - k] + head + verb
    elif (
        len(items) == 1
        and is_verb(next(iter(dictionary_words(head)), ""))  # an act on the earlier items, not a new subject
        and (prior := text.rfind("分别", max(0, head_start - _RESPECTIVE_SPAN), head_start)) >= 0
    ):
        bare = _listed(text, prior, names)[3]
        if len(bare) == len(numbers):
            return bare[k] + head + verb
    return ""


def _listed(text: str, at: int, names: tuple[str, ...]) -> tuple[int, str, list[str], list[str]]:
    """The clause before the 分别 at `at`: where it starts, its words, its items with the list's head
    noun, and its items without it."""
    breaks = find_all(_CLAUSE_END, text, 0, at)
    head_start = breaks[-1].end() if breaks else 0
    head = text[head_start:at]
    head = _ASIDE.sub("", _LEAD.sub("", _SCOPE.sub("", _drop_names(strip_periods(head), names))))
    items = bare = [i for i in _LIST_SPLIT.split(head) if i]
    last = list(dictionary_words(items[-1])) if items else []
    if len(items) > 1 and len(last) > 1 and not items[0].endswith(last[-1]):  # the head noun is written once
        shared = next((j for j in range(len(last) - 1, 0, -1) if items[0].endswith(last[j - 1])), 1)
        tail = "".join(last[shared:])
        items = [i + tail for i in items[:-1]] + items[-1:]
        bare = items[:-1] + ["".join(last[:shared])]
        bare = [i.removesuffix(tail) for i in bare]
    return head_start, head, items, bare


def _drop_names(words: str, names: tuple[str, ...]) -> str:
    for name in sorted(names, key=len, reverse=True):
        words = words.replace(name, "")
    return words


def _named_nothing(raw: str, names: tuple[str, ...]) -> bool:
    """Whether the words before a number say something besides the places and bodies it is of."""
    for name in names:
        raw = raw.replace(name, "")
    return _HAN.search(raw) is not None


def _list_measure(text: str, clause_start: int, q: Quantity, names: tuple[str, ...]) -> str:
    """The measure of a number that only a place or a body precedes ("东区(1200件)、西区(980件)",
    "南区3200万元") or that follows another right away ("救助对象120户356人"): the sentence's
    previous measure, as a list of places reports one measure for each."""
    return next(_earlier_measures(text, clause_start if text[clause_start : q.start].strip() else q.start, names), "")


def _name_start(text: str, start: int) -> int:
    """Where the words naming a measure begin when a number written in characters just before
    `start` is part of the name ("残疾人两项补贴提高至829元", "增发一次性补贴"), else `start`."""
    window = max(0, start - 4)
    if not _is_boundary(text[window : start + 4], start - window):  # "一次|性": the word goes on
        return window + max(p for p in _starts(text[window : start + 4]) if p < start - window)
    if not _NAMED_COUNT.search(text, 0, start):
        return start
    breaks = find_all(_CLAUSE_END, text, 0, start)
    digits = find_all(_NUMBERS, text, breaks[-1].end() if breaks else 0, start)
    return digits[-1].end() if digits else breaks[-1].end() if breaks else 0


def _in_context(before: str, raw: str, tail: str, q: Quantity, earlier: Iterator[str], joined: bool) -> str:
    """The measure completed from its neighbours when the words before the number do not name it:
    a list's second number ("提高至829元和838元") or a bare change ("…3125万千瓦,同比增长11.4%")
    takes the previous number's measure, and so does a new level in the same clause
    ("从2%降低到0.4%"); a short repeat ("参保人数达…,参保率达…") its head, a bare rate
    ("办结率") its object; a share ("占全部村总数83.3%") is a 占比; an amount of a noun after it
    ("1万元的助学补贴") is that noun; an amount named only as a total or an area ("投资总额", "总面积")
    is the total of the thing counted just before.
    """
    if "/" not in q.unit:
        before = _PER_PERIOD.sub("", before)
    if _CONNECTOR.match(raw) or (not before and _LEVEL.search(raw) and joined):  # "查验率从2%降低到0.4%"
        return next(earlier, "")
    if _CHANGE.match(before):
        base = next((e for e in earlier if not _SHARE_MEASURE.match(e)), "")  # the amount, not its share of a target
        return _CHANGE_END.sub("", base) + before.lstrip("再又")
    if _OF_THE_THING.fullmatch(before) and (prior := next(earlier, "")):
        return prior + before  # "新开工项目128个，投资总额450亿元" -> 新开工项目投资总额
    if before and len(before) <= 4:
        for n, measure in enumerate(islice(earlier, 3)):
            at = measure.find(before[:2], 0, len(measure) - 1)
            if at > 0 and at in _starts(measure) and before not in measure:
                return measure[:at] + before  # "…报销人数829人，报销金额…" -> …报销金额
            if before.endswith("率") and n == 0 and (done := _object_of(measure)):
                return done if done.endswith(before) else done + before  # "完成事项6万件，办结率…" -> 事项办结率
    if q.unit == "%" and (share := _SHARE.fullmatch(before)):
        return share.group(1) + "占比"
    if q.dimension in ("money", "money_rate", "rate") and tail.startswith("的") and not tail.startswith("的基础"):
        noun = _noun_after(tail[1:])[0]
        if q.unit == "%" and not before:
            return noun + "占比"  # "95%的业务可网上办理"
        return (before[: -len(verb)] if (verb := _final_verb(before)) else before) + noun
    return before


def _final_verb(phrase: str) -> str | None:
    """The verb a phrase ends with ("累计建成" -> 建成), by jieba's dictionary tags."""
    for size in (4, 3, 2):
        word = phrase[-size:]
        if len(word) == size and is_verb(word):
            return word
    return None


@lru_cache(maxsize=8192)  # a function of its strings alone, and a page's metrics repeat
def metric_key(metric: str, unit: str) -> str:
    """A key under which the same measure compares across regions and articles: the phrase without
    whose it is (a place, a level word, a body: "安仁县城镇新增就业人数", "市级办件量"), scope and tally
    words (全县, 累计, 共), brackets, and the word that only says it is counted or summed in the unit
    the key carries anyway (…人数, …数量, …数, …量 for counts; …金额, …总额 for money; …面积, …长度,
    …量 for areas, lengths, masses): 城镇新增就业|人, 办件|件, 参保率|%, 新建管网|公里."""
    core = _SCOPE.sub("", _owner_free(_PARENS.sub("", _clean(metric))))
    core = _KEY_LEAD.sub("", _LEAD.sub("", core))
    dimension = (unit_of.dimension or "") if (unit_of := lookup(unit)) else ""
    tails = (
        _COUNT_TAILS
        if dimension in _COUNTS
        else _MONEY_TAILS
        if dimension.startswith("money")
        else _AMOUNT_TAILS.get(dimension, ())
    )
    cut = next((core[: -len(t)] for t in tails if core.endswith(t) and len(core) - len(t) >= 2), core)
    return f"{cut or metric}|{unit}"


def _place_at_start(phrase: str) -> int:
    """Length of the longest gazetteer name the phrase opens with (0 for none): one lookup per name
    length the first two characters allow, not a scan."""
    gaz = gazetteer()
    return next((n for n in gaz.lengths.get(phrase[:2], ()) if len(phrase) >= n and phrase[:n] in gaz.names), 0)


def _owner_free(phrase: str) -> str:
    """The phrase without the places, level words and bodies that open it (whose measure, not what)."""
    while True:
        place = _place_at_start(phrase)
        if place >= 3 and phrase[place - 1] in _LEVEL_ENDS:
            phrase = phrase[place:]
            continue
        level = _OWNER_LEVEL.match(phrase)
        if level:
            phrase = phrase[level.end() :]
            continue
        body = known_body_after(phrase, 1 if phrase[:1] in _LEVEL_ENDS else 0)  # "市医保局…"
        end = body.end if body is not None else 0
        if body is not None and body.body.endswith("办") and len(body.body) > 2:
            end -= 1  # "医保局办件量": 办 is the verb of what is measured, not a 办 (office)
        if body is not None and len(phrase) - end >= 2 and end in _starts(phrase):
            phrase = phrase[end:]
            continue
        return phrase
