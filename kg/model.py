"""Plain data passed between the pipeline's stages.

text → normalise → articles → mentions → claims → RDF → store → web.
Each stage takes and returns these dataclasses only, so a stage can be tested
alone and none needs to know how a later one works. Every offset is a
character offset into `Page.raw` (the decoded source file), half-open, so
`page.raw[x.start:x.end]` is always the text a thing was read from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


class InputError(Exception):
    """Bad input: the message names the file and the problem (CLI exit code 2)."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


@dataclass(slots=True)
class Page:
    """One source file, decoded, with its normalised text and the map back."""

    doc: str  # file name, e.g. "000_310200855c0ad967.txt"
    path: str
    raw: str  # decoded source text; all offsets refer to this
    encoding: str
    text: str  # normalised text (OCR spaces removed, full-width folded, ...)
    offsets: Sequence[int]  # offsets[i] = raw offset of text[i]; len(text) + 1 items (an array from the reader)

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of `text` to the matching span of `raw`."""
        if end <= start:
            return self.offsets[start], self.offsets[start]
        return self.offsets[start], self.offsets[end - 1] + 1


@dataclass(slots=True, init=False)
class Sentence:
    """A sentence (or a line that stands alone) of an article's body."""

    start: int  # raw offsets
    end: int
    text: str  # normalised text
    text_start: int  # offset of `text` in Page.text
    paragraph: int = 0  # index of the paragraph within the article
    heading: str | None = None  # section heading above the paragraph, if any

    def __init__(self, start: int, end: int, text: str, text_start: int, paragraph: int = 0,
                 heading: str | None = None) -> None:
        # Written out: mypyc compiles it, a generated __init__ stays interpreted (kg.compiled).
        self.start = start
        self.end = end
        self.text = text
        self.text_start = text_start
        self.paragraph = paragraph
        self.heading = heading


@dataclass(slots=True)
class Article:
    doc: str
    index: int  # reading order of the article's body on the page
    headline: str  # kicker + title + subtitle joined, whitespace removed
    start: int  # raw offsets of the whole article (headline to signature)
    end: int
    title: str = ""
    kicker: str | None = None
    subtitle: str | None = None
    dateline: str | None = None  # "湖南日报4月20日讯"
    byline: str | None = None  # "全媒体记者 X 通讯员 Y"
    signature: str | None = None  # "（曹 敏 曾 文 陈开宝）"
    date: str | None = None  # ISO date of publication where the page tells it
    year: int | None = None  # year the article speaks of, where known
    truncated: bool = False  # body cut off mid-sentence by the layout
    captions: list[str] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)


@dataclass(slots=True)
class Region:
    """An administrative division from the gazetteer (or a zone linked to one)."""

    code: str  # official 12-digit division code, or a minted code for zones
    name: str  # official full name: "苏仙区"
    level: str  # province, city, county, town, village, zone
    parent: str | None  # parent code
    short: str | None = None  # "苏仙"


@dataclass(slots=True, init=False)
class Entity:
    """One graph node that mentions resolve to: a region, an agency or a program."""

    type: str  # "region", "agency", "program", "organization"
    key: str  # stable identity: region code; agency "code/canonical"; program canonical
    label: str  # preferred label
    aliases: list[str] = field(default_factory=list)
    region: str | None = None  # region code an agency/program/organization belongs to
    parents: list[Region] = field(default_factory=list)  # regions: chain up to province
    level: str | None = None

    def __init__(self, type: str, key: str, label: str, aliases: list[str] | None = None, region: str | None = None,
                 parents: list[Region] | None = None, level: str | None = None) -> None:
        # Written out: mypyc compiles it, a generated __init__ stays interpreted (kg.compiled).
        self.type = type
        self.key = key
        self.label = label
        self.aliases = [] if aliases is None else aliases
        self.region = region
        self.parents = [] if parents is None else parents
        self.level = level


@dataclass(slots=True, init=False)
class Mention:
    """A run of the source that names an entity or is a number or a time."""

    kind: str  # region, agency, program, organization, number, time
    text: str  # normalised text of the mention
    start: int  # raw offsets
    end: int
    article: int  # Article.index
    key: str | None = None  # Entity.key it resolves to

    def __init__(self, kind: str, text: str, start: int, end: int, article: int, key: str | None = None) -> None:
        # Written out: mypyc compiles it, a generated __init__ stays interpreted (kg.compiled).
        self.kind = kind
        self.text = text
        self.start = start
        self.end = end
        self.article = article
        self.key = key


@dataclass(slots=True, init=False)
class Quantity:
    """A number as printed and as normalised."""

    text: str  # "7.88亿元", "2.3万多人次"
    number_text: str  # "7.88亿", "2.3万多"
    value: float  # in the base unit: 788000000
    unit: str  # base unit: "元", "%", "人次", "元/月"
    unit_written: str  # unit as printed: "亿元"
    dimension: str | None  # money, area, people, visits, count, rate, duration, ...
    qualifier: str = "exact"  # exact, approx, more_than, less_than
    lower: float | None = None  # bounds, as Wikidata keeps them
    upper: float | None = None
    start: int = 0  # raw offsets of the number and its unit
    end: int = 0

    def __init__(self, text: str, number_text: str, value: float, unit: str, unit_written: str, dimension: str | None,
                 qualifier: str = "exact", lower: float | None = None, upper: float | None = None, start: int = 0,
                 end: int = 0) -> None:
        # Written out: mypyc compiles it, a generated __init__ stays interpreted (kg.compiled).
        self.text = text
        self.number_text = number_text
        self.value = value
        self.unit = unit
        self.unit_written = unit_written
        self.dimension = dimension
        self.qualifier = qualifier
        self.lower = lower
        self.upper = upper
        self.start = start
        self.end = end


@dataclass(slots=True, init=False)
class Claim:
    doc: str
    article: int  # Article.index
    evidence: str  # raw[start:end]
    start: int
    end: int
    quantity: Quantity
    subject: str | None = None  # label of the entity the claim is about
    subject_type: str | None = None  # region, agency, organization, program
    subject_key: str | None = None  # Entity.key of the subject
    region: str | None = None  # label of the most specific region
    region_key: str | None = None  # region code
    agency: str | None = None
    agency_key: str | None = None
    program: str | None = None
    program_key: str | None = None
    metric: str | None = None  # "城镇新增就业人数"
    metric_key: str | None = None  # normalised key to compare across regions
    period: str | None = None  # as written: "截至11月13日"
    period_start: str | None = None  # ISO dates where resolvable
    period_end: str | None = None
    modality: str = "achieved"  # achieved, target
    change: str | None = None  # increase, decrease

    def __init__(self, doc: str, article: int, evidence: str, start: int, end: int, quantity: Quantity,
                 subject: str | None = None, subject_type: str | None = None, subject_key: str | None = None,
                 region: str | None = None, region_key: str | None = None, agency: str | None = None,
                 agency_key: str | None = None, program: str | None = None, program_key: str | None = None,
                 metric: str | None = None, metric_key: str | None = None, period: str | None = None,
                 period_start: str | None = None, period_end: str | None = None, modality: str = "achieved",
                 change: str | None = None) -> None:
        # Written out: mypyc compiles it, a generated __init__ stays interpreted (kg.compiled).
        self.doc = doc
        self.article = article
        self.evidence = evidence
        self.start = start
        self.end = end
        self.quantity = quantity
        self.subject = subject
        self.subject_type = subject_type
        self.subject_key = subject_key
        self.region = region
        self.region_key = region_key
        self.agency = agency
        self.agency_key = agency_key
        self.program = program
        self.program_key = program_key
        self.metric = metric
        self.metric_key = metric_key
        self.period = period
        self.period_start = period_start
        self.period_end = period_end
        self.modality = modality
        self.change = change


@dataclass(slots=True)
class Extraction:
    """Everything the pipeline read from one page: what the RDF stage maps."""

    page: Page
    articles: list[Article]
    entities: list[Entity]
    mentions: list[Mention]
    claims: list[Claim]
