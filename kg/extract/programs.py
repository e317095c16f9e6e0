"""Named programs: campaigns, mechanisms and service brands, found by cues.

A quoted phrase is a program when it looks like a name and the sentence treats
it as one:

- it joins parts with "+" ("党建+统战"), is coded by a count of its parts
  ("两个覆盖"), or ends with a program head noun (工程, 行动, 计划, 机制,
  服务圈, 攻势, 银行 ...); or
- a policy verb (打造, 开展, 推行, 实施 ...) stands shortly before the run of
  quotes and the run is followed by a head noun ("...”工作机制") or ends
  the clause.

Quality words ("规范化", "一站式"), long quotations and slogans without cues
are left out, and so are idioms quoted alone ("实施“关停并转”") and quotes that
are the figurative head of a longer phrase ("打造服务“新样板”").  Unquoted names
are taken only with a strong head ("…专项行动", "…集中整治", "…宣传月") right
after a launching verb or a clause start, or as a policy verb's whole object
ending on a name tail ("全面推行医保业务一窗办理", "参与乡村振兴"), or coded by a
number ("311服务").  Cue words live
in kg/extract/data/program_cues.json.

National programs that pages name bare ("推行告知承诺制", "落实河长制") are found
by name from kg/extract/data/national_programs.json, only as whole words (jieba
reads the characters around them) and only where no page name covers them; they
are marked `national`, and a claim takes one only from its own clause.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Final

from kg.compiled import source_of
from kg.text.matching import find_all
from kg.text.words import dictionary_words, is_verb, tags

_DATA: Final = source_of(__name__).with_name("data") / "program_cues.json"
_NATIONAL: Final = source_of(__name__).with_name("data") / "national_programs.json"
_QUOTE_MARKS: Final[tuple[str, ...]] = ("“", "\"", "‘", "'", "「", "『")  # what opens a quote
_QUOTE: Final = re.compile(r"[“\"‘'「『]([^“”\"‘’'「」『』\n]{2,24})[”\"’'」』]")
_CLAUSE_END: Final = "，,。；;：:！!？?（(）)、—"
_SENTENCE_PUNCT: Final = re.compile(r"[。！？!?；;]")
_NUMERAL_ONLY: Final = re.compile(r"[\d一二三四五六七八九十百千万两]+")
_HAN: Final = re.compile(r"[\u4e00-\u9fff]")
_SPACES: Final = re.compile(r"\s+")
_PLUS: Final = re.compile(r"[+＋]")
_VERB_WINDOW: Final = 8
_HEAD_WINDOW: Final = 8
_UNQUOTED_MAX: Final = 24
_NAME_BREAKS: Final[tuple[str, ...]] = (
    "将", "把", "作为", "为", "的", "是", "在", "对", "向", "以", "由", "了", "着", "与",
)
_NAME_CHAR: Final = re.compile(r"[\u4e00-\u9fff0-9A-Za-z+]")
# the last character before a position that no name runs across: 和, 及, or any non-name character
_LAST_NAME_STOP: Final = re.compile(r"(?s:.*)(?:[和及]|[^\u4e00-\u9fff0-9A-Za-z+])")
_HEAD_LEAD: Final = 4
_EDGE: Final = 3  # characters either side of a dictionary name that jieba reads to check its word boundaries
# A name coded by a count of its parts: "两个覆盖", "三大工程", "四个全覆盖" (not "一对一").
_NUMBERED: Final = re.compile(r"[两二三四五六七八九十]+(?:个|大|项|条)[\u4e00-\u9fff]{2,6}")
# A name coded by counted parts with no measure word: "三级三同" (a count per part), "六化" (N aims ending 化).
_COUNTED_CODE: Final = re.compile(r"(?:[一二两三四五六七八九十]+[\u4e00-\u9fff]{1,2}){2}|[二两三四五六七八九十]化")
# A "one-X" service brand: one card, net, window, door, stop, visit, item, code ... for everything ("一码通",
# "一证办"); one ending in 式 ("一站式") is a quality word unless a head noun names it ("“一窗式”受理改革").
_ONE_LED: Final = re.compile(r"一[张卡网窗门站次件码屏号证][\u4e00-\u9fff]{1,3}")
# A count right before the quotes: "建成3处“…”", "对12家“…”药店": the quoted name is a facility or service brand.
_COUNTED_BEFORE: Final = re.compile(r"\d+(?:处|个|家|所|座|支|条)$")
# A name coded by a number, unquoted: "311服务", "12345热线" (a count has a measure word).
# (a phone line, "12345热线", is a channel, not an initiative)
# (it opens on the digit and looks back from there, so the scan skips to digits instead of trying each place)
_CODED_HEADS: Final[tuple[str, ...]] = ("服务", "工程", "行动", "计划", "工作法")
_CODED: Final = re.compile(r"\d(?<![\d.％%]\d)\d{2,4}(?:" + "|".join(_CODED_HEADS) + ")")
_CODE: Final = re.compile(r"\d{2,5}|[A-Z]{1,4}\d{0,3}")  # a quoted code that a head noun after it names
_CODED_TAIL: Final = 12
_QUOTED_OFTEN: Final = 3
_TERM_FIELD: Final = 6  # characters of field before a policy term's head ("易地" + "扶贫搬迁")
_TERM_CHARS: Final = re.compile(r"^[\u4e00-\u9fff]+")
_TERM_OFTEN: Final = 2
# An unquoted name led by a count of its parts and ending on an initiative head: "五进活动", "六大工程",
# "三大攻坚战" (where jieba starts a word: in "第三项改革" it is an ordinal).
# It opens on the count and looks back from there, so the scan skips to count characters.
_COUNTED_INITIATIVE: Final = re.compile(
    r"[二两三四五六七八九十](?<![\d二两三四五六七八九十第].)[二两三四五六七八九十]?[大项个进联级心同]?[\u4e00-\u9fff]{0,3}?"
    r"(?:行动|工程|活动|攻坚战|攻坚|改革|机制|计划)"
)
# A series of fields sharing one verb: "教育帮扶、医疗帮扶和住房帮扶" (the first field two characters).
_SERIES: Final = re.compile(
    r"[\u4e00-\u9fff]{2}(?P<verb>[\u4e00-\u9fff]{2})、[\u4e00-\u9fff]{2,4}?(?P=verb)"
    r"(?:[、和及][\u4e00-\u9fff]{2,4}?(?P=verb))+"
)


@dataclass(frozen=True)
class Cues:
    verbs: tuple[str, ...]
    heads: tuple[str, ...]
    strong: re.Pattern[str]
    name_verbs: tuple[str, ...]
    scope: tuple[str, ...]
    places: tuple[str, ...]  # a quoted room or counter is a place, not a program
    object_name: re.Pattern[str]  # a policy verb whose whole object is a name ("推行…一窗办理")
    verb_ends: tuple[str, ...]  # how a window that ends on a policy verb ends ("开展", "推出了", "兴起", "打造成")
    initiative: re.Pattern[str]  # heads that end an unquoted initiative's name ("…环境美化提升行动")
    quantifier_leads: tuple[str, ...]  # "各类宣传活动": a kind of activity, not a name
    head_set: frozenset[str]
    aim: re.Pattern[str]  # "为目标", "为抓手" after the quotes of "以…“…”为目标"
    term_heads: re.Pattern[str]  # heads of bare policy terms a report repeats ("…扶贫搬迁", "…担保贷款")
    term_breaks: tuple[str, ...]  # predicates that open no policy term's field ("发放", "开展")
    named_other: re.Pattern[str]  # a body noun or an honour word right after the quotes ("”服务中心", "”称号")
    honour_before: tuple[str, ...]  # award verbs right before the quotes ("被评为“…”")
    verb_any: re.Pattern[str]  # any policy verb: one search per quote instead of a scan per verb
    head_any: re.Pattern[str]  # any head noun, longest first: the leftmost is the one that counts
    name_stops: tuple[str, ...]  # a name verb or a function word: an unquoted name starts after the last one
    openers: tuple[str, ...]  # 把, 将 or a name verb: what opens an initiative's name


@cache
def cues() -> Cues:
    data = json.loads(_DATA.read_text(encoding="utf-8"))
    heads = "|".join(map(re.escape, sorted(data["strong_heads"], key=len, reverse=True)))
    return Cues(
        tuple(data["verbs"]),
        tuple(data["heads"]),
        re.compile(heads),
        tuple(data["name_verbs"]),
        tuple(data["scope_words"]),
        tuple(data["place_endings"]),
        _object_pattern(data["object_verbs"], data["scope_words"], data["object_tails"]),
        tuple(v + tail for v in data["verbs"] for tail in ("", "了", "起", "成")),
        re.compile("|".join(map(re.escape, sorted(data["initiative_heads"], key=len, reverse=True)))),
        tuple(data["quantifier_leads"]),
        frozenset(data["heads"]),
        re.compile("为(?:" + "|".join(map(re.escape, data["aim_words"])) + ")"),
        re.compile("|".join(map(re.escape, sorted(data["term_heads"], key=len, reverse=True)))),
        tuple({*data["term_breaks"], *data["verbs"], *data["name_verbs"], *data["scope_words"]}),
        re.compile("|".join(map(re.escape, sorted(data["body_after"] + data["honour_after"], key=len, reverse=True)))),
        tuple(data["honour_before"]),
        re.compile("|".join(map(re.escape, data["verbs"]))),
        re.compile("|".join(map(re.escape, sorted(data["heads"], key=len, reverse=True)))),
        (*data["name_verbs"], *_NAME_BREAKS),
        ("把", "将", *data["name_verbs"]),
    )


def _whole_words(text: str, start: int, end: int) -> bool:
    """jieba, reading a few characters either side, starts and ends words where the name does
    ("…“好差评定”" holds 评定, so 好差评 is not named there)."""
    bounds = _word_bounds(text, start - _EDGE, end + _EDGE)
    return start in bounds and end in bounds


def _word_bounds(text: str, lo: int, hi: int) -> set[int]:
    """Offsets in `text` where jieba, reading text[lo:hi], starts or ends a word."""
    lo = max(0, lo)
    bounds, at = {lo}, lo
    for word in dictionary_words(text[lo:hi]):
        at += len(word)
        bounds.add(at)
    return bounds


@cache
def _national() -> re.Pattern[str]:
    """National program names (national_programs.json), longest first so "河湖长制" wins over "河长制"."""
    names = json.loads(_NATIONAL.read_text(encoding="utf-8"))["names"]
    return re.compile("|".join(map(re.escape, sorted(names, key=len, reverse=True))))


def _object_pattern(verbs: list[str], scope: list[str], tails: list[str]) -> re.Pattern[str]:
    """A policy verb, an optional scope word, then a 4-12 character object that ends its
    clause on a name tail: "全面推行医保业务一窗办理。", "参与乡村振兴，"."""
    alt = lambda words: "|".join(map(re.escape, sorted(words, key=len, reverse=True)))  # noqa: E731
    return re.compile(
        rf"(?:{alt(verbs)})(?:{alt(scope)})?(?P<name>[\u4e00-\u9fff]{{2,10}}?(?:{alt(tails)}))(?=[{_CLAUSE_END}]|$)"
    )


@dataclass(init=False)
class ProgramHit:
    start: int  # offsets in the text of the name (without quote marks)
    end: int
    name: str  # canonical: no quotes, no spaces, "+" folded
    national: bool = False  # a national program's name from the dictionary, not the page's own cue

    def __init__(self, start: int, end: int, name: str, national: bool = False) -> None:
        # Written out: mypyc compiles it, a generated __init__ stays interpreted (kg.compiled).
        self.start = start
        self.end = end
        self.name = name
        self.national = national


def canonical_program(name: str) -> str:
    """Key form of a program name: quotes and spaces removed, full-width plus folded."""
    return _PLUS.sub("+", _SPACES.sub("", name)).strip("“”\"'‘’「」『』")


def _looks_like_name(q: str) -> bool:
    if _SENTENCE_PUNCT.search(q) or q.endswith(("化", "式", "+", *cues().places)) or q.startswith("+"):
        return False
    if q.count("，") + q.count(",") > 1:
        return False
    if not _HAN.search(q) or _NUMERAL_ONLY.fullmatch(q):
        return False
    return 3 <= len(q) <= 20


def _has_plus(q: str) -> bool:
    parts = _PLUS.split(q)
    return len(parts) > 1 and all(len(p) >= 2 for p in parts)


def _verb_window(text: str, start: int) -> str:
    window = text[max(0, start - _VERB_WINDOW) : start]
    for ch in _CLAUSE_END:
        window = window.rsplit(ch, 1)[-1]
    return window


def _verb_before(text: str, start: int) -> bool:
    return cues().verb_any.search(_verb_window(text, start)) is not None


def _verb_object(text: str, start: int) -> bool:
    """The quote opens a policy verb's object ("开展“禾计划”", "推出了“…”"), not the
    figurative head of a longer phrase ("打造服务“新样板”", "忠诚担当的“医保铁军”")."""
    window = _verb_window(text, start)
    return window.endswith(cues().verb_ends)


@cache
def _idioms() -> frozenset[str]:
    """Four-character idioms (成语) of jieba's dictionary: quoted alone they are rhetoric
    ("实施“关停并转”"), a program only when a head noun names them."""
    return frozenset(w for w, tag in tags().items() if tag == "i")


def _head_after(text: str, end: int) -> bool:
    """A head noun right after the quote, behind at most a short modifier ("”工作机制", "”等活动")."""
    window = text[end : end + _HEAD_WINDOW]
    for i, ch in enumerate(window):
        if ch in _CLAUSE_END:
            window = window[:i]
            break
    head = cues().head_any.search(window)
    return head is not None and head.start() <= _HEAD_LEAD


def _framed(text: str, start: int, end: int) -> bool:
    """The quotes stand in a frame that names what the report works towards or counts as built:
    "以创建“…”为目标", "以“…”为抓手" (an aim word after, 以 shortly before in the clause), or a count of
    places right before ("建成3处“…”"): what is aimed at or built by the count is a named program, not
    a figure of speech."""
    if _COUNTED_BEFORE.search(text[max(0, start - 6) : start]):
        return True
    return cues().aim.match(text, end) is not None and "以" in _verb_window(text, start)


def _names_other(text: str, start: int, end: int) -> bool:
    """What the words around the quotes make the phrase: a body's name ("“…”服务中心共收到") or an
    honour conferred ("被评为“…”", "授予“…”称号"), not a program a body runs."""
    return cues().named_other.match(text, end) is not None or text[max(0, start - 4) : start].endswith(
        cues().honour_before
    )


def _clause_ends(text: str, end: int) -> bool:
    return end >= len(text) or text[end] in _CLAUSE_END


def _split_series(q: str) -> list[str]:
    """ "清廉医保单元、清廉医保机关" names two programs; "全人、全程、全纳" one."""
    parts = q.split("、")
    if len(parts) > 1 and len({p[:2] for p in parts}) == 1 and all(len(p) > 2 for p in parts):
        return parts
    return [q]


def _quoted(text: str) -> list[re.Match[str]]:
    """The quotes of `text`; one look per quote mark first, cheaper than a search (most sentences quote nothing)."""
    for mark in _QUOTE_MARKS:
        if mark in text:
            return find_all(_QUOTE, text)
    return []


def _has_any(text: str, words: tuple[str, ...]) -> bool:
    """Whether `text` holds one of `words` (a few looks cost less than one pattern search)."""
    for word in words:
        if word in text:
            return True
    return False


def _quote_runs(text: str) -> list[list[re.Match[str]]]:
    runs: list[list[re.Match[str]]] = []
    for m in _quoted(text):
        if runs and text[runs[-1][-1].end() : m.start()] in ("", "、", "和", "与", "及"):
            runs[-1].append(m)
        else:
            runs.append([m])
    return runs


def _name_start(text: str, head: int) -> int:
    """Where an unquoted name ending at a strong head begins: after a verb, a function word or a clause break."""
    lo = max(0, head - _UNQUOTED_MAX)
    stop = _LAST_NAME_STOP.match(text, lo, head)
    start = stop.end() if stop else lo
    for verb in cues().name_stops:
        i = text.rfind(verb, start, head)
        if i != -1:
            start = max(start, i + len(verb))
    return start


def repeated_quotes(headline: str, texts: Iterable[str]) -> frozenset[str]:
    """Quoted names an article's headline and body both use ("发放“惠农卡”补贴" over "通过“惠农卡”发放…"),
    or its body quotes three times or more: a phrase a report keeps quoting is the name of the thing it
    reports on, cue words or not (a figure of speech is quoted once or twice in passing)."""
    counts = Counter(canonical_program(m.group(1)) for text in texts for m in _quoted(text))
    titled = {canonical_program(m.group(1)) for m in _quoted(headline)}
    return frozenset(
        q
        for q, n in counts.items()
        if (n >= _QUOTED_OFTEN or (n and q in titled)) and _looks_like_name(q) and q not in _idioms()
    )


def repeated_terms(headline: str, texts: Iterable[str]) -> frozenset[str]:
    """Bare policy terms an article keeps repeating: two to six characters of field before a term head
    ("…扶贫搬迁", "…担保贷款", "…帮扶"), whole words not opened by a predicate ("发放…", "开展…"), the
    same term named twice or more. A report on a national policy line names it bare, with neither
    quotes nor a launching verb; what it repeats is its subject, a term said once is a topic in passing.
    Of the terms a head ends, the longest so repeated is taken ("A扶贫搬迁" over "扶贫搬迁")."""
    counts: Counter[str] = Counter()
    heads = cues().term_heads
    for text in (headline, *texts):
        for m in find_all(heads, text):
            lo = max(0, m.start() - _TERM_FIELD)
            field = _TERM_CHARS.search(text[lo : m.start()][::-1])
            run = field.end() if field else 0
            bounds = _word_bounds(text, m.start() - run - _EDGE, m.end() + _EDGE)
            if m.end() in bounds:
                counts.update(
                    text[s : m.end()]
                    for s in range(m.start() - run, m.start() - 1)
                    if s in bounds and not text.startswith(cues().term_breaks, s)
                )
    named = [t for t, n in counts.items() if n >= _TERM_OFTEN]
    return frozenset(t for t in named if not any(t != u and t in u and counts[u] >= counts[t] for u in named))


def _coded_head(text: str, m: re.Match[str]) -> str | None:
    """A quoted code and the words after it up to a head noun, as one name: "“246”产销对接机制" ->
    246产销对接机制 (the quotes mark the code, the head ends the name)."""
    code = m.group(1)
    if not _CODE.fullmatch(code):
        return None
    after = text[m.end() : m.end() + _CODED_TAIL]
    for i, ch in enumerate(after):
        if ch in _CLAUSE_END or not _NAME_CHAR.match(ch):
            after = after[:i]
            break
    ends = [after.find(h) + len(h) for h in cues().heads if after.find(h) >= 0]
    return code + after[: min(ends)] if ends else None


def _initiative_name(text: str, start: int, head: re.Match[str], name: str) -> bool:
    """An unquoted run ending on an initiative head is a name when a launching verb or 把/将 opens it
    ("开展城乡环境美化提升行动", "把庭院环境整治行动列入"), it says what the initiative is in four characters or more
    ("开展护林专项行动" is a kind of campaign), opens with no quantifier ("各类…") or number, and jieba
    starts a word where it starts."""
    opened = text[max(0, start - 2) : start].endswith(cues().openers)
    if not opened or len(name) - len(head.group()) < 4 or name.startswith(cues().quantifier_leads):
        return False
    if _NUMERAL_ONLY.match(name[:1]) or not _HAN.match(name[:1]):
        return False
    return _whole_words(text, start, head.end())


def _parallel_names(text: str) -> list[tuple[int, int]]:
    """Names of a series that policy coins by one verb and its fields ("就业扶贫、电商扶贫、产业扶贫",
    "教育帮扶、医疗帮扶和住房帮扶"): three or more listed items, each a field of two to four characters
    before the same action verb (jieba's tag v; "农业补贴、林业补贴" share a noun, not a verb), each field
    one dictionary word ("道路亮起来、庭院美起来…" is a slogan)."""
    found: list[tuple[int, int]] = []
    if "、" not in text:  # a series is listed with 、: most sentences need no scan
        return found
    for m in find_all(_SERIES, text):
        if tags().get(m.group("verb")) != "v":
            continue
        verb, at, items = m.group("verb"), m.start(), []
        while at < m.end():
            end = text.index(verb, at + 2) + len(verb)
            items.append((at, end))
            at = end + 1
        if all(len(dictionary_words(text[a : b - len(verb)])) == 1 for a, b in items):  # 庭院|美 is no field
            found += items
    return found


def _bare_head(name: str) -> bool:
    """A head noun alone ("回头看") or behind a one-character verb ("见行动") is a common phrase, not a
    name ("苗计划", a brand, is one)."""
    return name in cues().head_set or (name[1:] in cues().head_set and is_verb(name[0]))


def find_programs(
    text: str, repeated: frozenset[str] = frozenset(), terms: frozenset[str] = frozenset()
) -> list[ProgramHit]:
    """Program names in one sentence (offsets into `text`); `repeated` are the quoted names its
    article uses more than once (`repeated_quotes`), `terms` the bare policy terms it repeats
    (`repeated_terms`)."""
    hits: list[ProgramHit] = []
    cue = cues()  # once: each call of the cached function costs a Python-level call
    heads = cue.heads
    for run in _quote_runs(text):
        end = run[-1].end()
        cued = (_verb_before(text, run[0].start()) and _head_after(text, end)) or (
            _verb_object(text, run[0].start()) and _clause_ends(text, end)
        )
        for m in run:
            coded = _coded_head(text, m)
            if coded is not None:
                hits.append(ProgramHit(m.start(1), m.end() + len(coded) - len(m.group(1)), coded))
                continue
            q = canonical_program(m.group(1))
            if _names_other(text, m.start(), m.end()):
                continue
            if _COUNTED_CODE.fullmatch(q) or (
                _ONE_LED.fullmatch(q) and (not q.endswith("式") or _head_after(text, m.end()))
            ):
                hits.append(ProgramHit(m.start(1), m.start(1) + len(q), q))
                continue
            if not _looks_like_name(q) or (q in _idioms() and not _head_after(text, m.end())) or _bare_head(q):
                continue
            if q in repeated:
                hits.append(ProgramHit(m.start(1), m.start(1) + len(q), q))
                continue
            if (
                _has_plus(q)
                or q.endswith(heads)
                or cued
                or _head_after(text, m.end())
                or _NUMBERED.fullmatch(q)
                or _framed(text, m.start(), m.end())
            ):
                offset = m.start(1)
                for part in _split_series(q):
                    i = text.find(part, offset)
                    hits.append(ProgramHit(i, i + len(part), part))
    for m in find_all(cue.strong, text):
        start = _name_start(text, m.start())
        name = text[start : m.end()]
        for word in cue.scope:
            if name.startswith(word):
                name, start = name[len(word) :], start + len(word)
        if len(name) - len(m.group(0)) >= 4 and not any(h.start <= start < h.end for h in hits):
            hits.append(ProgramHit(start, m.end(), name))
    for m in find_all(cue.initiative, text):
        start = _name_start(text, m.start())
        name = text[start : m.end()]
        for word in cue.scope:
            if name.startswith(word):
                name, start = name[len(word) :], start + len(word)
        if _initiative_name(text, start, m, name) and not any(h.start < m.end() and start < h.end for h in hits):
            hits.append(ProgramHit(start, m.end(), name))
    for m in find_all(_COUNTED_INITIATIVE, text):
        if _whole_words(text, m.start(), m.end()) and not any(h.start < m.end() and m.start() < h.end for h in hits):
            hits.append(ProgramHit(m.start(), m.end(), m.group()))
    for start, end in _parallel_names(text):
        if not any(h.start < end and start < h.end for h in hits):
            hits.append(ProgramHit(start, end, text[start:end]))
    if _has_any(text, _CODED_HEADS):  # a coded name ends on one of its heads: most sentences hold none
        for m in find_all(_CODED, text):
            if not any(h.start <= m.start() < h.end for h in hits):
                hits.append(ProgramHit(m.start(), m.end(), m.group()))
    for m in find_all(cue.object_name, text):
        name = m.group("name").rsplit("的", 1)[-1]
        start = m.end("name") - len(name)
        if len(name) >= 4 and not any(h.start <= start < h.end for h in hits):
            hits.append(ProgramHit(start, m.end("name"), name))
    for term in sorted(terms, key=len, reverse=True):
        at = text.find(term)
        while at >= 0:
            if not any(h.start < at + len(term) and at < h.end for h in hits):
                hits.append(ProgramHit(at, at + len(term), term))
            at = text.find(term, at + len(term))
    for m in find_all(_national(), text):
        if _whole_words(text, m.start(), m.end()) and not any(h.start < m.end() and m.start() < h.end for h in hits):
            hits.append(ProgramHit(m.start(), m.end(), m.group(), national=True))
    return sorted(hits, key=lambda h: h.start)
