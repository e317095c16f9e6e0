"""What a single printed line is: body text, a heading, a byline, a caption or page furniture.

The rules are typographic conventions of Chinese newspapers, not phrases of any
one page: photo credits end in 摄/供图, editor lines start with 责任编辑, datelines
are "<paper>[M月D日]讯", signatures are a parenthesised list of names closing a
story, headings are short lines without sentence punctuation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import Final


class Kind(Enum):
    BODY = "body"
    HEADING = "heading"  # a headline, kicker, subtitle or section heading (decided later)
    BYLINE = "byline"  # "全媒体记者 X 通讯员 Y" or a line of names
    CREDIT = "credit"  # photo credit: "李杰 摄", "供图"
    CAPTION = "caption"  # photo caption: "▲..."
    FURNITURE = "furniture"  # "责任编辑:...", "专版", "上接01版"


CJK: Final = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_NAME: Final = rf"[{CJK}·]"

_CLOSERS: Final = " ”’」』)）]"
_END_MARKS: Final = "。！？!?；;…"
_DOTS: Final[tuple[str, ...]] = ("...", "···", "· ·")
FURNITURE: Final = re.compile(
    r"^(?:(?:责任编辑|責任編輯|美术编辑|美術編輯|责任校对|責任校對|校对|校對|版式设计|版式設計|版式"
    r"|值班编辑|值班編輯|本版编辑|本版編輯|组版|組版|编辑|編輯)\s*[:：/]"
    r"|(?:专版|專版|专刊|專刊|广告|廣告|特刊)$"
    r"|[（(]?\s*[上下]\s*[接转轉]\s*第?\s*[0-9A-Za-z一二三四五六七八九十]{1,4}\s*版\s*[）)]?$"
    r"|第?\s*[0-9A-Za-z]{1,3}\s*版$"
    r"|\d{4}\s*[年-]\s*\d{1,2}\s*[月-]\s*\d{1,2}\s*日?\s*(?:星期.|\d{1,2}:\d{2}(?::\d{2})?)?$"
    r"|\d{1,2}\s*-\s*\d{1,2}\s*\d{1,2}:\d{2}(?::\d{2})?$"  # a web page's month-day and time: "06-03 08:15"
    # a web page's record of the article: "日期:2021-03-04 来源:…", "发布时间:…", "浏览次数:…" (a source line
    # "来源:…" may be all that names the article's place: kept)
    r"|(?:日期|时间|发布时间|发布日期|更新时间|浏览次数|点击数|阅读数|字号)\s*[:：]"
    r"|(?:https?://|www\.))"  # a web address opens a page's record line, never a sentence
)
# Inline "(下转02版)" / "上接01版" inside a body line: not part of any sentence.
JUMP: Final = re.compile(r"[（(]?\s*[上下]\s*[接转轉]\s*第?\s*[0-9A-Za-z一二三四五六七八九十]{1,4}\s*版\s*[）)]?")
CREDIT: Final = re.compile(r"(?:(?:^|\s)[摄攝](?:影)?|供[图圖]|[图圖]片?由.{1,30}提供[）)]?|提供)$")
_CREDIT_ENDS: Final[tuple[str, ...]] = ("摄", "攝", "摄影", "攝影", "供图", "供圖", "提供", "提供)", "提供）")
CREDIT_START: Final = re.compile(r"[（(]?(?:图|圖|摄影|攝影|图片|圖片)\s*[/:：]")
CAPTION: Final = re.compile(r"^(?:[▲△◀◁▶▷▼▽↑←→↓]|[图圖]为|圖為)")
BYLINE_ROLE: Final = re.compile(r"(?:记者|記者|通讯员|通訊員|特约撰稿|特約撰稿|撰稿人|撰文)")
NAMES_ONLY: Final = re.compile(rf"^{_NAME}{{1,4}}(?:\s+{_NAME}{{1,4}}){{1,9}}$")
SIGNATURE: Final = re.compile(
    rf"(?:^|(?<=[。！？!?”’」』…]))\s*[（(]\s*(?P<names>(?:(?:通讯员|通訊員|记者|記者)\s*)?{_NAME}{{1,4}}"
    rf"(?:\s*[、\s]\s*{_NAME}{{1,4}}){{0,7}})\s*[）)]\s*$"
)
# A credit in brackets names where the story came from ("（来源：县人民政府网）"): the story's own text,
# not a heading of the next one.
SOURCE_CREDIT: Final = re.compile(r"^[（(]\s*(?:信息|稿件|文章)?来源\s*[:：][^（()）]{1,40}[）)]$")
DATELINE: Final = re.compile(
    rf"^(?P<src>[{CJK}]{{0,12}}?(?:报|報|台|网|網|社|中心|融媒|新闻|新聞))(?P<place>[{CJK}]{{0,6}}?)"
    r"(?:(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日\s*(?:讯|訊|电|電)|讯|訊)"
    r"(?:\s*[（(](?P<by>[^（()）]{1,60})[）)])?"
)
DATELINE_MARKS: Final[tuple[str, ...]] = ("讯", "訊", "电", "電")
DATELINE_MARK: Final = re.compile("[" + "".join(DATELINE_MARKS) + "]")
HEADING_STOP: Final = re.compile(r"[。；;！!？?]")
HEADING_OPEN_END: Final = "，,、：:"  # a heading never ends on these
BULLET: Final = re.compile(r"^[●■◆★□◇○•]")
_MARKS: Final = "▲△◀◁▶▷▼▽↑←→↓图圖●■◆★□◇○•"  # first characters CAPTION and BULLET can match
_HALF_CELL: Final = re.compile(r"[\x21-\x7e，。、“”‘’：；（）《》！？]")
MAX_HEADING: Final = 64
_COMMA_HEADING_MAX: Final = 24  # a heading with a comma inside is a short parallel phrase
# Sentence punctuation inside a line makes it body text, unless it ends like a credit or signature.
_SENTENCE_INSIDE: Final = re.compile(r"[。；;！？、]")
_SPECIAL_ENDS: Final[tuple[str, ...]] = (*_CREDIT_ENDS, ")", "）")
_SIGNED: Final[tuple[Kind, ...]] = (Kind.BODY, Kind.HEADING)  # kinds a signature line may first be taken for


@dataclass(slots=True, init=False)
class Line:
    """One printed line of the folded page (same offsets as the raw text)."""

    start: int
    end: int
    text: str  # folded text with the page's spaces kept
    kind: Kind
    ended: bool  # closes a sentence (or a signature)
    signature: bool
    dateline: bool
    width: float = 0.0

    def __init__(self, start: int, end: int, text: str, kind: Kind, ended: bool, signature: bool, dateline: bool,
                 width: float = 0.0) -> None:
        # Written out: mypyc compiles it, a generated __init__ stays interpreted (kg.compiled).
        self.start = start
        self.end = end
        self.text = text
        self.kind = kind
        self.ended = ended
        self.signature = signature
        self.dateline = dateline
        self.width = width


def width(text: str) -> float:
    """Printed width in CJK cells: ASCII and (squeezed) Chinese punctuation take about half a cell.
    Lines too long for a column are simply counted."""
    return _width(text, _squeeze(text))


def _squeeze(text: str) -> str:
    """The line without whitespace when it has spaces (str.split() splits on exactly what \\s matches)."""
    return "".join(text.split()) if " " in text else text


def _width(text: str, squeezed: str) -> float:
    if len(text) > MAX_HEADING:
        return float(len(text))
    return len(squeezed) - 0.5 * len(_HALF_CELL.findall(squeezed))


def _tail(text: str, pattern: re.Pattern[str], span: int) -> bool:
    """Search only the last `span` characters: the patterns judged here are anchored at the end."""
    return pattern.search(text, max(0, len(text) - span)) is not None


def ends_sentence(text: str) -> bool:
    """The line closes a sentence: an end mark, maybe followed by closing quotes or brackets."""
    bare = text.rstrip(_CLOSERS)
    return bool(bare) and (bare[-1] in _END_MARKS or bare.endswith(_DOTS))


def classify(text: str) -> Kind:
    """Kind of a stripped line judged on its own."""
    return _classify(text, _squeeze(text), ends_sentence(text))


def _classify(text: str, squeezed: str, ended: bool) -> Kind:
    """`classify` given the line without its spaces and whether it ends a sentence (make_line needs both too)."""
    size = len(squeezed)
    if not size:
        return Kind.FURNITURE
    marked = squeezed[0] in _MARKS  # only such lines can be captions or bulleted
    if marked and CAPTION.match(squeezed):
        return Kind.CAPTION
    if marked and BULLET.match(squeezed) and size <= MAX_HEADING and not ended:
        return Kind.BODY if _runs_on(squeezed) else Kind.HEADING
    inside = _SENTENCE_INSIDE.search(squeezed)
    if inside and inside.group() == "、" and not _listing(squeezed):
        inside = _SENTENCE_INSIDE.search(_BRACKETED.sub("", squeezed.replace("、", "")))
    if size > MAX_HEADING or (inside and not squeezed.endswith(_SPECIAL_ENDS)):
        return Kind.BODY
    if size <= 60 and FURNITURE.match(squeezed):
        return Kind.FURNITURE
    if size <= 40 and text.endswith(_CREDIT_ENDS) and _tail(text, CREDIT, 40) or CREDIT_START.match(squeezed):
        return Kind.CREDIT
    commas = squeezed.count("，") + squeezed.count(",")
    if ended or commas > 1 or SOURCE_CREDIT.match(squeezed):  # headings carry at most one comma
        return Kind.BODY
    # From here on a bulleted line cannot occur: it was a heading above unless too long or ended.
    dateline = DATELINE_MARK.search(squeezed) is not None and DATELINE.match(squeezed) is not None
    if not dateline and BYLINE_ROLE.search(squeezed) and not HEADING_STOP.search(squeezed):
        return Kind.BYLINE
    if " " in text and _names_line(text):
        return Kind.BYLINE
    if (
        size >= 2
        and not dateline
        and squeezed[-1] not in HEADING_OPEN_END
        and not _listing(squeezed)
        and not cut_number(squeezed)  # a number cut by the column wrap, not a headline's end
        and _balanced(squeezed)
        and (size <= _COMMA_HEADING_MAX or not commas)
        and not HEADING_STOP.search(squeezed)
    ):
        return Kind.HEADING
    return Kind.BODY


# A list comma inside brackets ("各村(社区、组)") or in a subtitle after a dash ("——A、B、C纪实") is part of a
# heading; elsewhere it marks a run of body text cut by the column.
_BRACKETED: Final = re.compile(r"[（(][^（()）]*[）)]")
_SUBTITLE: Final[tuple[str, ...]] = ("——", "—", "--")


def _listing(squeezed: str) -> bool:
    """The line lists with "、" as body text does (not inside brackets, not in a subtitle)."""
    return "、" in squeezed and not squeezed.startswith(_SUBTITLE) and "、" in _BRACKETED.sub("", squeezed)


def _runs_on(squeezed: str) -> bool:
    """A bulleted line that holds a clause break or stops inside a number or on an open mark is the
    first column line of a bulleted paragraph ("●至今年6月，全镇完成321户危房改"), not a heading."""
    return cut_number(squeezed) or squeezed[-1] in HEADING_OPEN_END or "，" in squeezed or "," in squeezed


def cut_number(text: str) -> bool:
    """The line ends inside a number: on a digit, or on a decimal point after one ("达到了98.")."""
    return text[-1:].isdigit() or (text[-1:] == "." and text[-2:-1].isdigit())


def _balanced(text: str) -> bool:
    """Brackets opened and closed on the line: a heading never breaks inside a bracket."""
    return text.count("（") + text.count("(") == text.count("）") + text.count(")")


def _names_line(text: str) -> bool:
    """A line of 2+ personal names ("李 杰 印俊闻 张道玲"): short tokens, mostly of 2-3 characters."""
    if not NAMES_ONLY.match(text):
        return False
    tokens = text.split()
    singles = sum(len(t) == 1 for t in tokens)
    multis = len(tokens) - singles
    return multis >= 1 and singles <= 2 * multis and all(len(t) <= 3 for t in tokens)


def make_line(start: int, end: int, text: str) -> Line:
    """Judge one stripped line; runs once per printed line, so shared features are computed once."""
    squeezed = _squeeze(text)
    ended = ends_sentence(text)
    kind = _classify(text, squeezed, ended)
    signature = kind in _SIGNED and text[-1] in ")）" and _tail(text, SIGNATURE, 48)
    if signature:
        kind = Kind.BODY
    dateline = (
        kind is Kind.BODY
        and DATELINE_MARK.search(text, 0, 40) is not None
        and DATELINE.match("".join(text[:60].split())) is not None
    )
    ended = signature or ended
    printed = len(text) if ended and kind is Kind.BODY else _width(text, squeezed)
    return Line(start, end, text, kind, ended, signature, dateline, printed)
