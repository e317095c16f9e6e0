"""Region mentions in text: gazetteer matches kept or dropped by context.

A gazetteer name found in the text is only a candidate.  Rules, in order:

- longest match wins, so "新田铺镇" is never read as "新田";
- a short name ("新田", "苏仙") is refused when the next character makes it a
  smaller place ("新田村", "新田铺") or when the characters around it form a
  common word across its edge ("湘南" before "南县"); a short name that is
  itself a common word ("通道", "会同", "中方") needs its region named in
  full somewhere on the page;
- towns and villages (names only in the data, many repeated) must sit under
  the place written just before them or under a region named in the article;
  a town name unique in the province is accepted alone;
- among places that share a name, the one under the article's regions wins,
  then the home province (Hunan), then the higher level ("长沙" is the city).

A management district written as "X区" ("大通湖区" for 大通湖管理区) keeps that
label.  A city or county followed by a zone word ("株洲高新区", "南县经开区") becomes a
zone of its own, linked to that city or county.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Final

from kg.extract.gazetteer import HOME_PROVINCE, Gazetteer, NameEntry, add_zone, cached, gazetteer
from kg.model import Region

# A short name followed by one of these is part of a smaller place's name.
_PLACE_TAIL: Final = set("村镇乡路街巷桥湖山江河港塘湾寺庙园组屯坪冲垸洲岭坡岗铺溪冈峪寨庄店坝口")
_ZONE: Final = re.compile(
    r"(国家级)?(高新技术产业开发区|高新技术产业园区|高新区|经济技术开发区|经济开发区|经开区"
    r"|工业集中区|工业园区|产业开发区|工业园|产业园)"
)
_UNLISTED: Final = {
    "county": re.compile(r"([\u4e00-\u9fff]{2,4}?)(?:镇|乡|街道)(?![\u4e00-\u9fff]{0,1}(?:镇|乡|政府|党委))"),
    "town": re.compile(r"([\u4e00-\u9fff]{2,4}?)(?:村|社区)(?!委|民|级|干部)"),
}
# Words that make a brand of a place's short name: "智慧株洲" (a system), "健康石峰行动" (a campaign).
_BRAND_WORDS: Final[tuple[str, ...]] = (
    "智慧", "数字", "平安", "健康", "美丽", "幸福", "清廉", "法治", "文明", "大美", "魅力",
)
# What a company's name ends with: "湖南荣桓科技", "长沙银行" name firms, not places.
_FIRM: Final = re.compile(r"[\u4e00-\u9fff]{0,10}?(?:科技|集团|公司|股份|实业|药业|置业|银行)")
_COMMON_WORD_FREQ: Final = 500  # a short name this frequent as a plain word needs support
_CROSS_WORD_FREQ: Final = 50
_LEVEL_RANK: Final = {"province": 0, "city": 1, "county": 2, "zone": 2, "town": 3, "village": 4}


def _as_written(region: Region, name: str) -> Region:
    """A management district written in its district form ("大通湖区" for 大通湖管理区) is
    labelled as the papers write it; the official name stays the gazetteer's alias."""
    if region.name.endswith("管理区") and name == region.name[: -len("管理区")] + "区":
        return replace(region, name=name)
    return region


@dataclass(init=False)
class RegionHit:
    """A region named in one text (headline or sentence) of an article."""

    start: int  # offsets in that text
    end: int
    surface: str
    region: Region
    form: str  # full, short, alias, zone
    in_firm: bool = False  # opens a company's name ("湖南荣桓科技"): the firm's place, not a mention of it

    def __init__(self, start: int, end: int, surface: str, region: Region, form: str, in_firm: bool = False) -> None:
        # Written out: mypyc compiles it, a generated __init__ stays interpreted (kg.compiled).
        self.start = start
        self.end = end
        self.surface = surface
        self.region = region
        self.form = form
        self.in_firm = in_firm


def _read_words(path: Path) -> dict[str, tuple[int, str]]:
    words: dict[str, tuple[int, str]] = {}
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line[2] == " ":
                word, freq, pos = line.split(" ", 2)
                if int(freq) >= _CROSS_WORD_FREQ:
                    words[word] = (int(freq), pos.strip())
    return words


@cache
def _words() -> dict[str, tuple[int, str]]:
    """Two-character words of jieba's dictionary (frequency ≥ 50) with frequency and part of speech."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        return {}
    path = Path(next(iter(spec.submodule_search_locations))) / "dict.txt"
    return cached("words2", path, lambda: _read_words(path))


def is_word(text: str, freq: int = _CROSS_WORD_FREQ) -> bool:
    entry = _words().get(text)
    return entry is not None and entry[0] >= freq


def _common_word(name: str) -> bool:
    entry = _words().get(name)
    return entry is not None and entry[0] >= _COMMON_WORD_FREQ and entry[1] != "ns"


def _crosses_word(text: str, start: int, end: int, blocked_left: bool) -> bool:
    """True when a dictionary word straddles the name's left or right edge."""
    left = not blocked_left and start > 0 and is_word(text[start - 1 : start + 1])
    right = end < len(text) and is_word(text[end - 1 : end + 1]) and text[end] not in "市县区省州"
    return left or right


class RegionResolver:
    """Finds and resolves region mentions for one page, article by article."""

    def __init__(self, page_texts: list[str]) -> None:
        """Scans the page once: the names found give `named_in_full` and, cut per text,
        each text's candidates (a name never spans the newline joining two texts)."""
        self.gaz: Gazetteer = gazetteer()
        joined = "\n".join(page_texts)
        found = self.gaz.scan(joined)
        names = {name for _, _, name in found}
        self.named_in_full = {e.region.code for name in names for e in self.gaz.names[name] if e.form != "short"}
        self.scanned: dict[str, list[tuple[int, int, str]]] = {}
        self.ancestors: dict[str, tuple[str, ...]] = {}
        at, n = 0, 0
        for text in page_texts:
            end = at + len(text)
            hits = []
            while n < len(found) and found[n][0] < end:
                start, stop, name = found[n]
                hits.append((start - at, stop - at, name))
                n += 1
            self.scanned.setdefault(text, hits)
            at = end + 1

    def _ancestors(self, code: str) -> tuple[str, ...]:
        """Codes of the region's ancestors (kept per page: a page names few places, many times)."""
        found = self.ancestors.get(code)
        if found is None:
            found = self.ancestors[code] = tuple(r.code for r in self.gaz.chain(code)[1:])
        return found

    def _named_in_full(self, region: Region) -> bool:
        return region.code in self.named_in_full

    def find(self, text: str, context: set[str]) -> list[RegionHit]:
        """Region hits in one text; `context` holds codes already seen in the article (updated)."""
        hits: list[RegionHit] = []
        previous: RegionHit | None = None
        found = self.scanned[text] if text in self.scanned else self.gaz.scan(text)
        starts = {start for start, _, _ in found}
        queue = list(reversed(found))
        while queue:
            start, end, name = queue.pop()
            adjacent = previous if previous is not None and previous.end == start else None
            hit = self._resolve(text, start, end, name, adjacent, context)
            if hit is None or (hit.form == "short" and text.endswith(_BRAND_WORDS, 0, start)):
                continue  # "智慧株洲系统", "清廉湖南建设": a place's short name inside a brand is no mention of it
            hit.in_firm = hit.form == "short" and _FIRM.match(text, end) is not None
            hit = self._extend_zone(text, hit)
            hits.append(hit)
            context.update(r.code for r in self.gaz.chain(hit.region.code))
            previous = hit
            if hit.end not in starts:
                unlisted = self._unlisted_child(text, hit)
                if unlisted is not None:
                    hits.append(unlisted)
                    previous = unlisted
        return hits

    def _unlisted_child(self, text: str, hit: RegionHit) -> RegionHit | None:
        """A town after its county, or a village after its town, that the data does not list.

        "武陵源区索溪峪街道": the name must end in a town (village) word and hold
        no common word ("苏仙区部分乡镇" is not a town called 部分乡).
        """
        pattern = _UNLISTED.get(hit.region.level)
        m = pattern.match(text, hit.end) if pattern else None
        if m is None or any(is_word(m.group(1)[i : i + 2], _COMMON_WORD_FREQ) for i in range(len(m.group(1)) - 1)):
            return None
        level = "town" if hit.region.level in ("county", "zone") else "village"
        name = m.group(0)
        code = f"{hit.region.code}/{name}"
        region = self.gaz.regions.get(code) or Region(code, name, level, hit.region.code)
        self.gaz.regions[code] = region
        return RegionHit(m.start(), m.end(), name, region, "full")

    def _resolve(
        self, text: str, start: int, end: int, name: str, adjacent: RegionHit | None, context: set[str]
    ) -> RegionHit | None:
        entries = self.gaz.names[name]
        form = entries[0].form
        if (form == "short" or len(name) == 2) and not _ZONE.match(text, end):
            if end < len(text) and text[end] in _PLACE_TAIL:
                return None
            if _crosses_word(text, start, end, adjacent is not None):
                return None
        entry = self._choose(entries, adjacent, context)
        if entry is None:
            return self._under_written_parent(name, start, end, entries, adjacent)
        under_parent = adjacent is not None and adjacent.region.code == entry.region.parent
        if entry.form == "short" and not under_parent and not self._named_in_full(entry.region):
            home = entry.region.code.startswith(HOME_PROVINCE[:2])
            if _common_word(name) or (not home and entry.region.level != "province"):
                return None
        home = entry.region.code.startswith(HOME_PROVINCE[:2])
        if len(name) == 2 and entry.form == "full" and not home:
            return None  # "城区", "郊区": two-character names elsewhere are mostly words
        if name.endswith("市") and text.startswith("场", end):
            end -= 1  # "长沙市场监管局" is 长沙 + 市场监管局; "东方市场" is a market
            if not home or entry.region.short != name[:-1]:
                return None
            name = name[:-1]
        elif not home and end < len(text) and is_word(text[end - 1 : end + 1], _COMMON_WORD_FREQ):
            return None  # "九江市民" could be; "新华区域" is not a place
        return RegionHit(start, end, name, _as_written(entry.region, name), entry.form)

    def _under_written_parent(
        self, name: str, start: int, end: int, entries: list[NameEntry], adjacent: RegionHit | None
    ) -> RegionHit | None:
        """A listed town or village name written right after a parent that the data does not put it under."""
        level = entries[0].region.level
        parent_levels = {"village": ("town",), "town": ("county", "zone")}.get(level, ())
        if adjacent is None or adjacent.region.level not in parent_levels:
            return None
        code = f"{adjacent.region.code}/{name}"
        region = self.gaz.regions.setdefault(code, Region(code, name, level, adjacent.region.code))
        return RegionHit(start, end, name, region, "full")

    def _choose(self, entries: list[NameEntry], adjacent: RegionHit | None, context: set[str]) -> NameEntry | None:
        ancestors = {id(e): self._ancestors(e.region.code) for e in entries}

        def under(entry: NameEntry, codes: set[str]) -> bool:
            return any(code in codes for code in ancestors[id(entry)])

        local = [e for e in entries if e.region.level in ("town", "village")]
        if adjacent is not None:
            near = [e for e in entries if adjacent.region.code in ancestors[id(e)]]
            if near:
                return near[0]
        lower: set[str] = set()
        cities: set[str] = set()
        provinces: set[str] = set()
        for c in context:
            level = self.gaz.regions[c].level
            (provinces if level == "province" else cities if level == "city" else lower).add(c)
        for codes in (lower, cities, provinces):
            found = [e for e in entries if under(e, codes)] if codes else []
            if len(found) == 1 or (found and not local):
                return min(found, key=lambda e: _LEVEL_RANK[e.region.level])
        if local:
            return local[0] if len(local) == 1 and local[0].region.level == "town" else None
        home = [e for e in entries if e.region.code.startswith(HOME_PROVINCE[:2])] or entries
        return min(home, key=lambda e: _LEVEL_RANK[e.region.level])

    def _extend_zone(self, text: str, hit: RegionHit) -> RegionHit:
        level = hit.region.level
        m = _ZONE.match(text, hit.end) if level in ("city", "county") else None
        if m is None:
            return hit
        kind = m.group(2)
        short = "高新区" if kind.startswith("高新") else "经开区" if "经" in kind else kind
        base = hit.region.short or hit.region.name
        zone = self.gaz.names.get(base + short)
        region = zone[0].region if zone else add_zone(self.gaz, hit.region, base + short)
        return RegionHit(hit.start, m.end(), text[hit.start : m.end()], region, "zone")
