"""China's administrative divisions with official codes, read once from jionlp's data.

jionlp ships `china_location.txt`: provinces, cities and counties with their
6-digit codes and short names, and towns and villages (names only) below them.
We read the file directly (importing jionlp itself costs seconds) and keep:

- every province, city and county of China, by full name; short names of
  provinces and cities, and of Hunan's counties (the papers are Hunan papers;
  a county short name elsewhere, such as "和平" or "新华", is too often a word);
- Hunan's towns/streets and villages/communities by full name only.

Codes are the official 12-digit division codes (the 6-digit code padded with
zeros).  Towns and villages have no code in the data, so their key is minted
from the parent's code and the name ("431003000000/飞天山镇"), stable across
pages and releases.
"""

from __future__ import annotations

import importlib.util
import io
import os
import pickle
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Final, NamedTuple, TypeVar

import numpy as np

from kg.compiled import compiled, source_of
from kg.model import Region

T = TypeVar("T")
HOME_PROVINCE: Final = "430000000000"  # the papers are Hunan papers: default province

_CODED_LINE: Final = re.compile(r"^(\t{0,2})([^\t\n]+)\t(\d{6})\t([^\t\n]*)$", re.M)
# "宣城市经济开发区" minus its city is "经济开发区", a generic word, not an alias
_GENERIC_STARTS: Final[tuple[str, ...]] = ("经济", "高新", "国家", "管理", "综合", "保税", "工业", "产业")
_ZONE_WORDS: Final[tuple[str, ...]] = ("高新", "经济技术开发区", "经济开发区", "保税区")


class NameEntry(NamedTuple):
    """One way of writing a region: its full name, short name or a common alias. A named tuple, not a
    frozen dataclass: the pickled gazetteer must load both compiled and from source (kg/compiled.py),
    and a compiled frozen class refuses the attribute setting unpickling does."""

    region: Region
    form: str  # "full", "short" or "alias"


@dataclass
class Gazetteer:
    """Regions by code and by every name they go by, with a fast prefix index."""

    regions: dict[str, Region] = field(default_factory=dict)
    names: dict[str, list[NameEntry]] = field(default_factory=dict)
    lengths: dict[str, tuple[int, ...]] = field(default_factory=dict)  # first two chars -> name lengths
    pair_codes: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint64))  # sorted codes of those pairs

    def add(self, region: Region, name: str, form: str) -> None:
        if len(name) < 2:
            return
        entries = self.names.setdefault(name, [])
        if all(e.region.code != region.code for e in entries):
            entries.append(NameEntry(region, form))

    def chain(self, code: str) -> list[Region]:
        """The region and its ancestors, most specific first, up to the province."""
        out: list[Region] = []
        region = self.regions.get(code)
        while region is not None:
            out.append(region)
            region = self.regions.get(region.parent) if region.parent else None
        return out

    def scan(self, text: str) -> list[tuple[int, int, str]]:
        """Longest gazetteer names in `text`, left to right, not overlapping.

        Only one position in about sixteen starts with the first two characters
        of a name: numpy finds those positions, Python checks only them.
        """
        out: list[tuple[int, int, str]] = []
        lengths, names = self.lengths, self.names
        free = 0
        for i in self._candidates(text):
            if i < free:
                continue
            for size in lengths[text[i : i + 2]]:
                name = text[i : i + size]
                if len(name) == size and name in names:
                    out.append((i, i + size, name))
                    free = i + size
                    break
        return out

    def _candidates(self, text: str) -> list[int]:
        """Positions where a name's first two characters occur."""
        keys = self.pair_codes
        if len(text) < 2 or not len(keys):
            return []
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
        pairs = (codes[:-1] << 21) | codes[1:]
        found = np.minimum(keys.searchsorted(pairs), len(keys) - 1)
        return np.flatnonzero(keys[found] == pairs).tolist()


def _code12(code6: str) -> str:
    return code6 + "000000"


def _level(depth: int, name: str) -> str:
    if depth == 0:
        return "province"
    if depth == 1:
        return "city"
    return "zone" if any(w in name for w in _ZONE_WORDS) else "county"


def _county_forms(name: str, short: str, city: Region) -> tuple[str, str | None, list[str]]:
    """Display name, short name and aliases of a county-level unit.

    Management districts and zones are listed with their city in front
    ("益阳市大通湖管理区", "湖南湘潭高新技术产业园区"); papers write
    "大通湖区", "湘潭高新区".
    """
    aliases: list[str] = []
    bare = name
    for prefix in (city.name, "湖南"):
        if bare.startswith(prefix) and len(bare) > len(prefix) + 2:
            bare = bare[len(prefix) :]
    if bare != name and not bare.startswith(_GENERIC_STARTS):
        aliases.append(bare)
    if bare.endswith("管理区"):
        core = bare[:-3]
        return bare, core, aliases + [core + "区"]
    zone = re.match(r"(.+?)(?:国家)?(高新|经济技术开发区|经济开发区)", bare)
    if zone:
        head = zone.group(1)
        if head == city.short:
            head = city.short
        label = head + ("高新区" if zone.group(2) == "高新" else "经开区")
        return label, None, aliases + [bare]
    if short in ("高新区", "经开区", "管理区", "保税区") or short == name:
        return name, None, aliases
    return name, short, aliases


def data_file() -> Path:
    """jionlp's division file: the .txt jionlp unpacks on first use, else the .zip it ships."""
    spec = importlib.util.find_spec("jionlp")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("jionlp is not installed: it provides the division gazetteer")
    unpacked = Path(next(iter(spec.submodule_search_locations))) / "dictionary" / "china_location.txt"
    return unpacked if unpacked.is_file() else unpacked.with_suffix(".zip")


def read_data(path: Path) -> str:
    if path.suffix != ".zip":
        return path.read_text(encoding="utf-8")
    with zipfile.ZipFile(path) as archive, archive.open(path.with_suffix(".txt").name) as member:
        return io.TextIOWrapper(member, encoding="utf-8").read()  # universal newlines, as read_text gives


def _read_coded(gaz: Gazetteer, text: str) -> None:
    stack: list[Region] = []
    for tabs, name, code6, short in _CODED_LINE.findall(text):
        depth = len(tabs)
        del stack[depth:]
        parent = stack[-1] if stack else None
        code = _code12(code6)
        if parent is not None and (code == parent.code or code in gaz.regions):  # municipalities repeat themselves
            stack.append(parent)
            continue
        if depth == 2 and parent is not None:
            label, short_name, aliases = _county_forms(name, short, parent)
        else:
            label, short_name, aliases = name, (short if short and short != name else None), []
        region = Region(code, label, _level(depth, name), parent.code if parent else None, short_name)
        gaz.regions[code] = region
        stack.append(region)
        gaz.add(region, label, "full")
        for alias in aliases:
            gaz.add(region, alias, "alias")
        home = code.startswith(HOME_PROVINCE[:2])
        if short_name and (depth < 2 or home):
            gaz.add(region, short_name, "short")


def _read_home_towns(gaz: Gazetteer, text: str) -> None:
    """Towns and villages of the home province: names only, keys minted from the parent."""
    start = text.find("\n湖南省\t")
    end = re.compile(r"\n[^\t\n]").search(text, start + 1)
    block = text[start + 1 : end.start() if end else len(text)]
    county: Region | None = None
    town: Region | None = None
    for line in block.split("\n"):
        depth = len(line) - len(line.lstrip("\t"))
        name = line.strip().split("\t")[0]
        if depth == 2:
            code = _code12(line.split("\t")[3]) if line.count("\t") >= 3 else None
            county = gaz.regions.get(code) if code else None
        elif depth == 3 and county is not None:
            town = _child(gaz, county, name, "town")
        elif depth == 4 and town is not None and not name.endswith("虚拟社区"):
            _child(gaz, town, name, "village")


def _child(gaz: Gazetteer, parent: Region, name: str, level: str) -> Region:
    code = f"{parent.code}/{name}"
    region = gaz.regions.get(code) or Region(code, name, level, parent.code)
    if code not in gaz.regions:
        gaz.regions[code] = region
        gaz.add(region, name, "full")
    return region


def _index(gaz: Gazetteer) -> None:
    by_prefix: dict[str, set[int]] = {}
    for name in gaz.names:
        by_prefix.setdefault(name[:2], set()).add(len(name))
    gaz.lengths = {p: tuple(sorted(s, reverse=True)) for p, s in by_prefix.items()}
    gaz.pair_codes = np.array(sorted(_pair_code(p) for p in gaz.lengths), dtype=np.uint64)


def _pair_code(pair: str) -> int:
    """Two characters as one integer (a code point fits in 21 bits), as `Gazetteer._candidates` computes it."""
    return (ord(pair[0]) << 21) | ord(pair[1])


@cache
def _code_stamp() -> str:
    """A checksum of the modules that build cached tables, so a code change rebuilds them."""
    here = source_of(__name__).parent
    data = b"".join((here / name).read_bytes() for name in ("gazetteer.py", "regions.py"))
    return f"{zlib.crc32(data):08x}"


def cache_dir() -> Path:
    """Where derived tables are kept between runs ($KG_CACHE, else the user cache folder)."""
    base = os.environ.get("KG_CACHE") or os.path.join(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache", "kg")
    return Path(base)


def cached(name: str, source: Path, build: Callable[[], T]) -> T:
    """`build()`'s result, pickled under the cache folder and rebuilt when `source` changes.

    Parsing jionlp's 12 MB division file takes about a second; the pickle loads
    in a fraction of that.  Older versions of the same table are removed; a
    cache that cannot be read or written is skipped.
    """
    name = f"{name}-{'compiled' if compiled() else 'source'}"  # their classes pickle differently (kg/compiled.py)
    stat = source.stat()
    path = cache_dir() / f"{name}-{_code_stamp()}-{stat.st_size}-{int(stat.st_mtime)}.pickle"
    try:
        with path.open("rb") as f:
            return pickle.load(f)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError, TypeError):
        pass
    value = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
        for stale in path.parent.glob(f"{name}-*.pickle"):
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError:
        pass
    return value


def _build() -> Gazetteer:
    text = read_data(data_file())
    gaz = Gazetteer()
    _read_coded(gaz, text)
    _read_home_towns(gaz, text)
    _index(gaz)
    return gaz


@cache
def gazetteer() -> Gazetteer:
    """The gazetteer, built on first use (or read from the cache) and kept for the process."""
    return cached("gazetteer", data_file(), _build)


def add_zone(gaz: Gazetteer, parent: Region, label: str) -> Region:
    """A development zone or park named in the text, linked to its city or county."""
    code = f"{parent.code}/{label}"
    region = gaz.regions.get(code)
    if region is None:
        region = Region(code, label, "zone", parent.code)
        gaz.regions[code] = region
    return region
