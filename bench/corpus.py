"""Synthetic newspaper pages for speed and scale tests, never for extraction quality.

Pages follow the layout of real OCR'd local papers: several articles, each a
headline, a dateline and byline, paragraphs that mention regions from the
national gazetteer (jionlp's location table), agencies, programs, quantities
with units and qualifiers, dates, and a signature or photo caption. OCR damage
is added the way scanned columns show it: line breaks every dozen characters
with blank lines between, spaces inside words, full-width digits.

Everything follows from the seed: page i is drawn from its own generator
seeded with (seed, i), so a corpus is reproducible and any page can be made
alone. Pages are streamed to files; the corpus never sits in memory.

    python -m bench.corpus OUT --size 100MB --seed 7
"""

from __future__ import annotations

import argparse
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kg.extract.gazetteer import data_file, read_data

PAGES_PER_FOLDER = 1000
FULL_WIDTH = str.maketrans("0123456789.%", "０１２３４５６７８９．％")

AGENCY_SUFFIXES = (
    "自然资源和规划局", "医疗保障局", "农业农村局", "人力资源和社会保障局", "教育局", "财政局",
    "住房和城乡建设局", "交通运输局", "生态环境局", "卫生健康委员会", "文化旅游广电体育局",
    "市场监督管理局", "应急管理局", "水利局", "林业局", "乡村振兴局", "民政局", "商务局",
    "发展和改革委员会", "工业和信息化局", "统计局", "退役军人事务局", "司法局", "科学技术局",
)
PROGRAM_STEMS = (
    "高标准农田建设", "农村人居环境整治", "老旧小区改造", "乡村振兴示范创建", "城乡居民医保参保",
    "稳岗扩就业", "以工代赈", "消费帮扶", "数字乡村建设", "河湖清四乱", "退耕还林", "千村美丽示范",
    "城镇燃气管道更新", "义务教育优质均衡", "居家适老化改造", "雨露计划", "春风行动", "护林防火",
    "耕地保护专项整治", "营商环境优化", "乡村建设", "厕所革命", "一江一湖四水系统联治",
)
PROGRAM_FORMS = ("{}工程", "{}行动", "{}项目", "“{}”", "{}三年行动计划", "{}专项行动")
# (metric phrase, units with the magnitudes they take, plausible range in those units)
METRICS = (
    ("完成固定资产投资", ("亿元", "万元"), (1.2, 980.0)),
    ("发放补贴资金", ("万元", "元"), (3.0, 9800.0)),
    ("城镇新增就业", ("人", "万人"), (120.0, 48000.0)),
    ("整治耕地面积", ("亩", "公顷", "平方米"), (50.0, 26000.0)),
    ("服务群众", ("人次", "万人次"), (300.0, 90000.0)),
    ("新建改建农村公路", ("公里", "千米"), (2.0, 860.0)),
    ("粮食播种面积", ("万亩", "亩"), (1.5, 320.0)),
    ("粮食总产量", ("万吨", "吨"), (0.8, 150.0)),
    ("实施项目", ("个", "项"), (3.0, 460.0)),
    ("参保率", ("%",), (80.0, 100.0)),
    ("同比增长", ("%",), (0.5, 35.0)),
    ("光伏发电装机容量", ("千瓦", "兆瓦"), (20.0, 9000.0)),
    ("改造户数", ("户", "万户"), (40.0, 12000.0)),
    ("培训人员", ("人次", "名"), (30.0, 8000.0)),
)
# (before the number, between number and unit, after the unit)
QUALIFIERS = (("", "", ""),) * 3 + (("约", "", ""), ("近", "", ""), ("超过", "", ""), ("达", "", ""),
                                    ("", "", "以上"), ("", "余", ""), ("", "多", ""))
STATEMENTS = ("将坚持问题导向，推动各项工作落地见效。", "将继续加大投入力度，完善长效机制。",
              "将以更实的举措、更优的服务回应群众期盼。")
LEADS = (
    "截至{m}月{d}日，", "今年以来，", "{y}年，", "{y}年{m}月，", "1—{m}月，", "截至{m}月底，", "去年，",
    "近年来，", "{m}月{d}日，", "“十四五”以来，", "",
)
VERBS = ("累计", "共", "全年", "已", "今年计划", "预计", "")
SUBJECTS_OF_REGION = ("全{level}", "该{level}", "{name}", "{short}")
FILLERS = (
    "坚持问题导向，压实主体责任，推动各项工作落地见效。",
    "通过召开现场推进会、入户走访等方式，广泛宣传政策，凝聚工作合力。",
    "下一步，将继续加大投入力度，完善长效机制，切实增强群众获得感、幸福感、安全感。",
    "工作人员逐一核对台账，对发现的问题建立清单，限期整改销号。",
    "这一做法得到了群众的广泛认可，相关经验在全市推广。",
    "据了解，该项目建成后将有效改善周边群众的生产生活条件。",
    "相关负责人表示，将以更实的举措、更优的服务回应群众期盼。",
)
KICKERS = ("奋力建设现代化新湖南", "一线见闻", "聚焦乡村振兴", "优化营商环境", "民生实事", "基层治理")
TITLES = (
    "{short}：{program}跑出加速度", "{short}扎实推进{program}", "{agency}多措并举惠民生",
    "{short}以{program}促发展", "真抓实干在{short}", "{program}让群众得实惠",
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华文辉鹏宇晨欣怡子轩浩然思远嘉乐雨萱俊峰建国志红"
PAPERS = ("日报", "晚报", "新闻")


@dataclass(frozen=True)
class Place:
    """A county (or county-level district) with its chain up and the towns below it."""

    province: str
    city: str
    county: str
    short: str
    towns: tuple[str, ...]


@lru_cache(maxsize=1)
def places() -> tuple[Place, ...]:
    """Every county in the gazetteer that has towns, with its province and city names."""
    found: list[Place] = []
    province = city = county = short = ""
    towns: list[str] = []

    def flush() -> None:
        if county and towns:
            found.append(Place(province, city, county, short, tuple(towns)))

    for line in read_data(data_file()).splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        depth = len(line) - len(line.lstrip("\t"))
        cells = line.strip().split("\t")
        if depth == 0:
            flush()
            province, county, towns = cells[0], "", []
        elif depth == 1:
            flush()
            city, county, towns = cells[0], "", []
        elif depth == 2:
            flush()
            county, towns = cells[0], []
            short = cells[2] if len(cells) > 2 and cells[2] else county[:-1]
        elif depth == 3:
            towns.append(cells[0])
    flush()
    return tuple(found)


def _short(name: str) -> str:
    return re.sub(r"(自治州|自治县|地区|盟|省|市|区|县|旗)$", "", name) or name


class PageWriter:
    """Draws one page from its own random generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.places = places()
        self.home = rng.choice(self.places)  # a paper covers one city mostly
        self.year = rng.randint(2019, 2024)

    def person(self) -> str:
        r = self.rng
        return r.choice(SURNAMES) + "".join(r.choice(GIVEN) for _ in range(r.randint(1, 2)))

    def place(self) -> Place:
        return self.home if self.rng.random() < 0.6 else self.rng.choice(self.places)

    def program(self) -> str:
        return self.rng.choice(PROGRAM_FORMS).format(self.rng.choice(PROGRAM_STEMS))

    def agency(self, place: Place) -> str:
        owner = place.county if self.rng.random() < 0.7 else place.city
        return owner + self.rng.choice(AGENCY_SUFFIXES)

    def amount(self, low: float, high: float, unit: str) -> str:
        """A number with its unit and maybe a qualifier: "约2.3万人次", "1396亩", "300余人"."""
        r = self.rng
        value = r.uniform(low, high)
        kind = r.random()
        if kind < 0.5:
            text = str(int(value))
        elif kind < 0.85 or value < 100 or unit.startswith(("万", "亿", "%")):
            text = f"{value:.{r.randint(1, 2)}f}"
        else:
            text = f"{value / 10000:.2f}万"
        before, between, after = r.choice(QUALIFIERS)
        return f"{before}{text}{between}{unit}{after}"

    def date_lead(self) -> str:
        r = self.rng
        return r.choice(LEADS).format(y=self.year, m=r.randint(1, 12), d=r.randint(1, 28))

    def claim_sentence(self, place: Place) -> str:
        r = self.rng
        metric, units, (low, high) = r.choice(METRICS)
        amount = self.amount(low, high, r.choice(units))
        level = "县" if place.county.endswith("县") else "区" if place.county.endswith("区") else "市"
        who = r.choice((
            r.choice(SUBJECTS_OF_REGION).format(level=level, name=place.county, short=place.short),
            self.agency(place),
            r.choice(place.towns),
        ))
        via = f"通过{self.program()}，" if r.random() < 0.4 else ""
        return f"{self.date_lead()}{who}{via}{r.choice(VERBS)}{metric}{amount}。"

    def paragraph(self, place: Place) -> str:
        r = self.rng
        parts = [self.claim_sentence(place) if r.random() < 0.55 else r.choice(FILLERS) for _ in range(r.randint(2, 6))]
        if r.random() < 0.3:
            parts.append(f"{self.agency(place)}党组书记、局长{self.person()}表示，{r.choice(STATEMENTS)}")
        return "".join(parts)

    def article(self) -> list[str]:
        r = self.rng
        place = self.place()
        title = r.choice(TITLES).format(short=place.short, program=self.program(), agency=self.agency(place))
        lines = []
        if r.random() < 0.3:
            lines.append(r.choice(KICKERS))
        lines.append(title)
        month, day = r.randint(1, 12), r.randint(1, 28)
        paper = _short(place.city) + r.choice(PAPERS)
        body = [self.paragraph(place) for _ in range(r.randint(3, 9))]
        body[0] = f"{paper}{month}月{day}日讯（记者 {self.person()} 通讯员 {self.person()}）{body[0]}"
        lines.extend(body)
        if r.random() < 0.5:
            lines.append(f"（{' '.join(self.person() for _ in range(r.randint(1, 3)))}）")
        if r.random() < 0.3:
            lines.append(f"{month}月{day}日，{r.choice(place.towns)}工作人员在现场作业。{self.person()} 摄")
        return lines

    def damage(self, line: str) -> str:
        """OCR damage: full-width digits, spaces around numbers and inside words."""
        r = self.rng
        if r.random() < 0.25:
            line = line.translate(FULL_WIDTH)
        if r.random() < 0.4:
            line = re.sub(r"(\d+)", r" \1 ", line)
        if r.random() < 0.3 and len(line) > 4:
            cut = r.randrange(1, len(line) - 1)
            line = line[:cut] + " " + line[cut:]
        return line

    def columns(self, line: str) -> str:
        """Break a paragraph into short column lines with blank lines between, as scanned columns print."""
        width = self.rng.randint(11, 18)
        return "\n\n".join(line[i:i + width] for i in range(0, len(line), width))

    def page(self, target_chars: int) -> str:
        r = self.rng
        columnar = r.random() < 0.5
        blocks: list[str] = []
        size = 0
        while size < target_chars:
            for line in self.article():
                line = self.damage(line)
                block = self.columns(line) if columnar and len(line) > 20 else line
                blocks.append(block)
                size += len(block) + 2
        return "\n\n".join(blocks) + "\n"


def page_text(seed: int, index: int, chars: int = 7000) -> str:
    """Page `index` of the corpus drawn with `seed` (about `chars` characters)."""
    return PageWriter(random.Random(f"{seed}:{index}")).page(chars)


def page_name(seed: int, index: int) -> str:
    return f"{index:06d}_{random.Random(f'{seed}:{index}:name').getrandbits(64):016x}.txt"


def iter_pages(seed: int, total_bytes: int, chars: int = 7000) -> Iterator[tuple[str, str]]:
    """(file name, text) pairs until their UTF-8 size reaches total_bytes."""
    written = index = 0
    while written < total_bytes:
        text = page_text(seed, index, chars)
        yield page_name(seed, index), text
        written += len(text.encode("utf-8"))
        index += 1


def write_corpus(out: str | Path, total_bytes: int, seed: int = 0, chars: int = 7000) -> tuple[int, int]:
    """Stream pages into out/NNN/ folders (1000 pages each); returns (pages, bytes)."""
    root = Path(out)
    pages = size = 0
    for pages, (name, text) in enumerate(iter_pages(seed, total_bytes, chars), start=1):
        folder = root / f"{(pages - 1) // PAGES_PER_FOLDER:03d}"
        if (pages - 1) % PAGES_PER_FOLDER == 0:
            folder.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8")
        (folder / name).write_bytes(data)
        size += len(data)
    return pages, size


def parse_size(text: str) -> int:
    """'10MB', '1GB', '500kB' or a plain byte count (powers of 1000, as disk sizes are quoted)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmMgG]?)[bB]?\s*", text)
    if not match:
        raise ValueError(f"not a size: {text!r}")
    factor = {"": 1, "k": 10**3, "m": 10**6, "g": 10**9}[match.group(2).lower()]
    return int(float(match.group(1)) * factor)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.corpus", description=__doc__.split("\n\n")[0])
    parser.add_argument("out", help="folder to write the pages into")
    parser.add_argument("--size", default="10MB", help="total text size: 10MB, 100MB, 1GB")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    pages, size = write_corpus(args.out, parse_size(args.size), args.seed)
    print(f"{pages} pages, {size / 1e6:.1f} MB in {args.out}")


if __name__ == "__main__":
    main()
