"""Public bodies and organisations: "<region> + <body name>" and "市/县/区 + <known body>".

A body's name follows a place ("苏仙区自然资源和规划局", "邵阳交警") or a bare
level word that stands for the article's place ("市医保局", "区医保中心").
After the place we take the longest run of name characters that ends with a
body word (局, 委员会, 中心, 支队, 专班 ...) and is not cut by punctuation, a
number, a function word or a verb ("苏仙区成立工作专班" is not a body).  A run
that ends with 医院, 公司, 银行 ... is an organisation, not an agency.  After a
bare level word only a known body name is accepted, since "市场" or "区域"
start ordinary words.

Canonical names expand common abbreviations (医保局 → 医疗保障局, 中院 →
中级人民法院, 安委办 → 安全生产委员会办公室) from kg/extract/data/agency_bodies.json.

Where a body stands says what it is to the report: a credit ("来源：县统计局",
"（市住建局供稿）") names the body the report comes from, and a body the reporter
learned the figures from ("记者从市医保局获悉", "据县统计局统计", "省环保厅发布")
is their informant (`credited`, `informs`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Final

from kg.compiled import source_of
from kg.extract.regions import is_word
from kg.text.matching import find_all

_DATA: Final = source_of(__name__).with_name("data") / "agency_bodies.json"
_NAME_CHARS: Final = re.compile(r"[\u4e00-\u9fff]+")
LEVEL_CHARS: Final = "省市县区镇乡"
_LEVELS: Final = tuple(LEVEL_CHARS)  # a tuple: the empty string past a window's end is not in it
_BARE_BEFORE: Final = set('在由经向对与和及并让据称将把从跟同给被、，,。；;：:“"（(')
_WINDOW: Final = 18
_DEPARTMENT: Final = "部门"


@dataclass(frozen=True)
class Endings:
    """Endings asked of many names at once: one set per length, so a name costs a lookup per length
    instead of a comparison per ending (`str.endswith` with a tuple tries every one; `body_after`
    asks three tables of 31-54 endings of every prefix of every body window)."""

    by_length: tuple[tuple[int, frozenset[str]], ...]

    @staticmethod
    def of(endings: tuple[str, ...]) -> Endings:
        sizes = sorted({len(e) for e in endings})
        return Endings(tuple((n, frozenset(e for e in endings if len(e) == n)) for n in sizes))

    def end(self, text: str) -> bool:
        """`text.endswith(endings)`."""
        n = len(text)
        for size, words in self.by_length:
            if size <= n and text[n - size :] in words:
                return True
        return False


@dataclass(frozen=True)
class BodyTable:
    aliases: dict[str, str]
    keep_short: frozenset[str]
    suffixes: tuple[str, ...]
    breaks: re.Pattern[str]
    protected: tuple[str, ...]  # body words that contain a break word ("组织部")
    expanded: tuple[str, ...]  # the aliases, longest first: the order canonical_body expands them in
    heads: tuple[str, ...]  # how known body names begin: "医疗", "医保", "公安", "委" ...
    suffix_ends: Endings  # the suffixes, asked at once (body_after)
    not_ends: Endings  # endings that make a name no agency's
    org_ends: Endings  # endings of organisations' names


@cache
def body_table() -> BodyTable:
    data = json.loads(_DATA.read_text(encoding="utf-8"))
    aliases: dict[str, str] = data["aliases"]
    heads = {name[:2] for name in (*aliases, *aliases.values())} | set(data["body_heads"]) | set(data["functions"])
    suffixes = tuple(sorted(data["suffixes"], key=len, reverse=True))
    return BodyTable(
        aliases=aliases,
        keep_short=frozenset(data["keep_short"]),
        suffixes=suffixes,
        breaks=re.compile("|".join(map(re.escape, sorted(data["breaks"], key=len, reverse=True)))),
        protected=tuple(data["protected"]),
        expanded=tuple(sorted(aliases, key=len, reverse=True)),
        heads=tuple(sorted(heads)),
        suffix_ends=Endings.of(suffixes),
        not_ends=Endings.of(tuple(data["not_agency_endings"])),
        org_ends=Endings.of(tuple(data["organization_endings"])),
    )


@dataclass(init=False)
class BodyMatch:
    """A body name written right after a place (or a bare level word) in one text."""

    end: int  # offset in the text where the body name ends
    body: str  # as written, without the place
    type: str  # "agency" or "organization"

    def __init__(self, end: int, body: str, type: str) -> None:  # noqa: A002 (the field's name)
        # Written out: mypyc compiles it, a generated __init__ stays interpreted (kg.compiled).
        self.end = end
        self.body = body
        self.type = type


def _cut(window: str, table: BodyTable) -> str:
    """The window up to the first break word (a break at the very start kills it)."""
    m = _NAME_CHARS.match(window)
    window = m.group(0) if m else ""
    cut = len(window)
    for m in find_all(table.breaks, window):
        if not _protected(window, m.start(), m.end() - m.start(), table.protected):
            cut = m.start()
            break
    return window[:cut]


def _protected(window: str, i: int, size: int, words: tuple[str, ...]) -> bool:
    """True when the break word at window[i:i+size] lies inside a body word such as "组织部"."""
    for word in words:
        stop = i + len(word)  # an occurrence that starts at or before i ends by here
        j = window.find(word, max(0, i - len(word) + 1), stop)
        while j >= 0:
            if j + len(word) >= i + size:
                return True
            j = window.find(word, j + 1, stop)
    return False


def body_after(text: str, pos: int) -> BodyMatch | None:
    """The longest body name starting at `pos` (right after a place name)."""
    table = body_table()
    window = _cut(text[pos : pos + _WINDOW], table)
    best: BodyMatch | None = None
    for k in range(1, len(window) + 1):
        run = window[:k]
        if run.endswith("委") and window[k : k + 1] == "员" and window[k + 1 : k + 2] != "会":
            continue  # "党工委委员" is a person, not "党工委委"
        if table.org_ends.end(run):
            best = BodyMatch(pos + k, run, "organization")
        elif best is not None and best.type == "organization":
            continue
        elif table.suffix_ends.end(run) and not table.not_ends.end(run):
            if k >= 2 or run == "委":
                best = BodyMatch(pos + k, run, "agency")
        if window[k : k + 1] in _LEVELS and best is not None and best.end == pos + k:
            break  # "株洲市委市政府": a new body starts with its own level word
    return best


def known_body_after(text: str, pos: int) -> BodyMatch | None:
    """A body name at `pos` that begins like a known one ("医保局", "委统战部", "公安局交警支队")."""
    table = body_table()
    if not text.startswith(table.heads, pos):
        return None
    match = body_after(text, pos)
    return match if match is not None and match.type == "agency" else None


_QUOTES: Final = {"“": "”", '"': '"'}
_QUOTED_NAME: Final = 8  # the longest quoted service name read inside a body's name


def quoted_body_after(text: str, pos: int) -> BodyMatch | None:
    """A body whose name holds a quoted service name at `pos` ("“一站通”服务中心": 一站通服务中心):
    the quote is part of the name when a body word follows the closing mark at once."""
    close = _QUOTES.get(text[pos : pos + 1])
    if close is None:
        return None
    end = text.find(close, pos + 1, pos + 2 + _QUOTED_NAME)
    inner = text[pos + 1 : end] if end > pos + 1 else ""
    if not inner or not _NAME_CHARS.fullmatch(inner):
        return None
    match = body_after(text, end + 1)
    if match is None or match.type != "agency":
        return None
    return BodyMatch(match.end, inner + match.body, "agency")


def bare_level_at(text: str, i: int) -> bool:
    """True when text[i] is a level word standing alone for a place ("市医保局", "落实县委").

    Not when it closes a word with the character before it ("城市", "社区", "我省").
    """
    return text[i] in LEVEL_CHARS and (i == 0 or text[i - 1] in _BARE_BEFORE or not is_word(text[i - 1 : i + 1]))


@lru_cache(maxsize=4096)
def canonical_body(body: str) -> str:
    """Expand abbreviations: "医保局" → "医疗保障局", "委统战部" → "委统一战线工作部".

    A field's "部门" is its bureau ("民政部门" → "民政局" → the same body as "民政局"): a
    report says "the civil-affairs department" of the body it elsewhere names in full. Kept per
    name: each call walks the whole alias table, and a page names the same few bodies again and again."""
    table = body_table()
    if body.endswith(_DEPARTMENT) and len(body) > len(_DEPARTMENT):
        body = body[: -len(_DEPARTMENT)] + "局"
    for alias in table.expanded:
        full = table.aliases[alias]
        if alias in table.keep_short or full in body or alias not in body:
            continue
        body = body.replace(alias, full)
    return body


# A credit names the body a report comes from: a source label before it ("来源：", "发布机构:"), or
# brackets holding the body alone, maybe with "供稿" ("（县农业农村局供稿）", "(市交通运输局)").
CREDIT_LABEL: Final = re.compile(r"(?:来源|稿源|发布机构|供稿单位|供稿)\s*[:：]\s*")
_LABEL_BEFORE: Final = re.compile(r"(?:来源|稿源|发布机构|供稿单位|供稿)[:：]$")
_CREDIT_CLOSE: Final = re.compile(r"^(?:供稿|提供|网)?[）)]")
_CREDIT_OPEN: Final[tuple[str, ...]] = ("（", "(")
# A body the figures are learned from: "从X获悉", "据X统计", "X发布/公布/通报".
_INFORMANT_AFTER: Final = re.compile(r"^(?:获悉|了解到|得知|统计|消息|介绍|数据|通报|公布|发布)")
_ACCORDING_TO: Final = re.compile(r"(?<![根依证数])据$")  # "据X", not "根据X部署" (acting on X's plan)


def credited(before: str, after: str) -> bool:
    """Whether a body with the squashed text `before` and `after` it stands in a credit: after a
    source label, or alone in brackets (a report's closing "（县统计局供稿）" or "(市交通运输局)")."""
    if _LABEL_BEFORE.search(before):
        return True
    return before.endswith(_CREDIT_OPEN) and _CREDIT_CLOSE.match(after) is not None


def informs(before: str, after: str) -> bool:
    """Whether a body with the squashed text `before` and `after` it gives the figures: the reporter
    learned them from it ("记者从市医保局获悉", "据县统计局统计") or it published them ("市统计局发布")."""
    return _INFORMANT_AFTER.match(after) is not None or _ACCORDING_TO.search(before) is not None


def credit_body_starts(text: str) -> list[int]:
    """Where a credit's body name may begin in `text`: right after each source label (the name may
    leave out its place: "来源：热线办" is the report's own place's office)."""
    if "：" not in text and ":" not in text:
        return []  # every label ends on a colon: a pattern search costs more than these two looks
    return [m.end() for m in find_all(CREDIT_LABEL, text)]


@lru_cache(maxsize=4096)  # walks the whole alias table; the linker asks per article and body
def body_fields(body: str) -> tuple[str, ...]:
    """The field of work a body's name says, in its full and short forms ("医疗保障局" → 医疗保障,
    医保; "民政局" → 民政; "热线办" → 热线): a headline on "民政工作" speaks of the civil-affairs
    bureau's work. A party committee or government names no field ("委", "人民政府" → none)."""
    table = body_table()
    forms = {body, *(alias for alias, full in table.aliases.items() if full == body)}
    out = []
    for form in sorted(forms):
        end = next((s for s in table.suffixes if form.endswith(s)), "")
        field = form[: len(form) - len(end)]
        if len(field) >= 2 and field not in out:
            out.append(field)
    return tuple(out)
