"""The graph browser and SPARQL page, driven end to end in Debian's headless Chromium.

The real server (`python server.py`, started by conftest's `server_factory`)
serves tests/data/ui/sample.trig; Playwright clicks through the page as an
analyst would. Every page is watched: a request leaving the loopback host, a
script error, a CSP violation or an alert() fails the test. Screenshots of
each view go to test-artifacts/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import pyoxigraph as ox
import pytest
from conftest import extraction_store

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "data" / "ui" / "sample.trig"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
STATIC_JS = ROOT / "kg" / "web" / "static" / "js"

BASE = "https://kg.example.org/"
SUXIAN = BASE + "region/431003000000"
CHENZHOU = BASE + "region/431000000000"
AREA_CLAIM = BASE + "claim/900_ui_sample.txt/44-52"
HOSTILE = "<img src=x onerror=alert(1)>"

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian chromium is not installed at /usr/bin/chromium"
)


@pytest.fixture(scope="module")
def ui_server(server_factory: Callable, tmp_path_factory: pytest.TempPathFactory):
    """The real server over the hand-made sample graph."""
    folder = tmp_path_factory.mktemp("ui") / "store"
    store = ox.Store(str(folder))
    store.bulk_load(path=str(SAMPLE), format=ox.RdfFormat.TRIG)
    store.flush()
    del store
    return server_factory(folder)


CROWDED_CLAIMS = 320


def crowded_extraction():
    """One county with hundreds of claims over dozens of articles, mapped as the pipeline maps a page."""
    from kg.model import Article, Claim, Entity, Extraction, Page, Quantity, Region

    sentence = "该县城镇新增就业{n}人。"
    raw = "".join(sentence.format(n=1000 + i) for i in range(CROWDED_CLAIMS))
    page = Page("950_crowded.txt", "950_crowded.txt", raw, "utf-8", raw, list(range(len(raw) + 1)))
    province = Region("430000000000", "湖南省", "province", None)
    county = Entity("region", "430521000000", "邵东县", parents=[province], level="county")
    per_article = 16
    width = len(sentence.format(n=1000))
    articles = [
        Article(page.doc, a, f"第{a + 1}篇报道", a * per_article * width, min(len(raw), (a + 1) * per_article * width))
        for a in range(CROWDED_CLAIMS // per_article)
    ]
    claims = []
    for i in range(CROWDED_CLAIMS):
        start = i * width + 2
        end = start + len(f"城镇新增就业{1000 + i}人")
        quantity = Quantity(f"{1000 + i}人", str(1000 + i), 1000 + i, "人", "人", "people")
        claims.append(Claim(page.doc, i // per_article, raw[start:end], start, end, quantity, subject="邵东县",
                            subject_type="region", subject_key="430521000000", region="邵东县",
                            region_key="430521000000", metric=f"指标{i % 40}", period=f"{2000 + i % 20}年"))
    return Extraction(page, articles, [county], [], claims)


@pytest.fixture(scope="module")
def crowded_server(server_factory: Callable, tmp_path_factory: pytest.TempPathFactory):
    """The real server over a county whose neighbourhood holds a few hundred nodes."""
    return server_factory(extraction_store(tmp_path_factory.mktemp("crowded") / "store", crowded_extraction()))


# A city of invented reports: 株洲市 and its counties, figures for several years, one town, one agency and
# one program; two articles that give 攸县 different 2023 figures; two wordings (2023年, 2023年度) of one year.
CITY_CODE, YOU_XIAN = "430200000000", "430223000000"
CITY = BASE + "region/" + CITY_CODE
COUNTIES = {"430202000000": "荷塘区", "430203000000": "芦淞区", "430204000000": "石峰区", "430211000000": "天元区",
            "430223000000": "攸县", "430224000000": "茶陵县", "430225000000": "炎陵县", "430281000000": "醴陵市"}
CITY_METRICS = [("地区生产总值", "亿元", "元", 1e8), ("固定资产投资", "亿元", "元", 1e8),
                ("社会消费品零售总额", "亿元", "元", 1e8), ("城乡居民人均可支配收入", "元", "元", 1),
                ("粮食产量", "万吨", "吨", 1e4), ("常住人口", "万人", "人", 1e4),
                ("森林覆盖率", "%", "%", 1), ("新建改造农村公路", "公里", "公里", 1)]
JOBS = "城镇新增就业人数"


def city_extraction():
    """Invented sentences in the shape the pipeline reads, mapped as it maps a page (kg.rdf.mapping)."""
    from kg.model import Article, Claim, Entity, Extraction, Page, Quantity, Region

    province = Region("430000000000", "湖南省", "province", None)
    city = Region(CITY_CODE, "株洲市", "city", province.code)
    parts: list[tuple[int, str, dict | None]] = []  # (article, text, claim fields)

    def say(article: int, text: str, claim: dict | None = None) -> None:
        parts.append((article, text, claim))

    def jobs(article: int, name: str, code: str, year: int, n: int, written: str | None = None) -> None:
        written = written or f"{year}年"
        say(article, f"{name}{written}城镇新增就业")
        say(article, f"{n}人", {"value": n, "unit": "人", "written": "人", "metric": JOBS, "region": (code, name),
                                "period": written, "year": year})
        say(article, "。")

    for i, (code, name) in enumerate(COUNTIES.items()):
        for year in (2022, 2023):
            jobs(0, name, code, year, 5000 + 300 * i + (year - 2022) * 120)
    jobs(1, "攸县", YOU_XIAN, 2023, 6100)  # article 0 says 6320: the two disagree
    jobs(1, "新市镇", "430223101000", 2023, 120)
    jobs(1, "株洲市", CITY_CODE, 2023, 61000)
    for m, (metric, written_unit, unit, scale) in enumerate(CITY_METRICS):
        for year in (2020, 2021, 2022, 2023):
            for article, written in ((2, f"{year}年"), (3, f"{year}年度")):
                number = 100 + 7 * m + year - 2020
                say(article, f"株洲市{written}{metric}")
                say(article, f"{number}{written_unit}", {"value": number * scale, "unit": unit, "written": written_unit,
                                                          "metric": metric, "region": (CITY_CODE, "株洲市"),
                                                          "period": written, "year": year, "agency": m == 0,
                                                          "program": m == 7})
                say(article, "。")
    say(2, "今年以来株洲市参保率达")
    say(2, "95%以上", {"value": 95, "unit": "%", "written": "%", "metric": "养老保险参保率", "qualifier": "more_than",
                       "region": (CITY_CODE, "株洲市"), "period": "今年以来", "year": None})
    say(2, "。")
    headlines = ["株洲各县区就业报告", "攸县就业数据另报", "株洲市经济年报", "株洲市年度统计公报"]
    raw, spans, claims_at = "", {}, []
    for index in range(len(headlines)):
        start = len(raw)
        raw += headlines[index] + "\n"
        for article, text, claim in parts:
            if article == index:
                if claim is not None:
                    claims_at.append((article, len(raw), len(raw) + len(text), claim))
                raw += text
        raw += "\n"
        spans[index] = (start, len(raw))
    page = Page("960_city.txt", "960_city.txt", raw, "utf-8", raw, list(range(len(raw) + 1)))
    articles = [Article(page.doc, i, h, *spans[i]) for i, h in enumerate(headlines)]
    towns = {"430223101000": Region("430223101000", "新市镇", "town", YOU_XIAN)}
    entities = [Entity("region", CITY_CODE, "株洲市", parents=[province], level="city"),
                Entity("agency", f"{CITY_CODE}/株洲市统计局", "株洲市统计局", region=CITY_CODE),
                Entity("program", "农村公路提质行动", "农村公路提质行动", region=CITY_CODE)]
    entities += [Entity("region", code, name, parents=[province, city], level="county")
                 for code, name in COUNTIES.items()]
    you_xian = Region(YOU_XIAN, "攸县", "county", CITY_CODE)
    entities += [Entity("region", t.code, t.name, parents=[province, city, you_xian], level="town")
                 for t in towns.values()]
    claims = []
    for article, start, end, c in claims_at:
        text = raw[start:end]
        quantity = Quantity(text, text.removesuffix(c["written"]), c["value"], c["unit"], c["written"], None,
                            c.get("qualifier", "exact"), start=start, end=end)
        year = c["year"]
        code, name = c["region"]
        claims.append(Claim(page.doc, article, text, start, end, quantity, subject=name, subject_type="region",
                            subject_key=code, region=name, region_key=code,
                            agency="株洲市统计局" if c.get("agency") else None,
                            agency_key=f"{CITY_CODE}/株洲市统计局" if c.get("agency") else None,
                            program="农村公路提质行动" if c.get("program") else None,
                            program_key="农村公路提质行动" if c.get("program") else None,
                            metric=c["metric"], metric_key=f"{c['metric']}|{c['unit']}", period=c["period"],
                            period_start=f"{year}-01-01" if year else None,
                            period_end=f"{year}-12-31" if year else None))
    return Extraction(page, articles, entities, [], claims)


@pytest.fixture(scope="module")
def city_server(server_factory: Callable, tmp_path_factory: pytest.TempPathFactory):
    """The real server over the invented city (its counties, a town, two articles that disagree)."""
    return server_factory(extraction_store(tmp_path_factory.mktemp("city") / "store", city_extraction()))


@pytest.fixture(scope="module")
def seeds_server(server_factory: Callable, tmp_path_factory: pytest.TempPathFactory):
    """The real server over the seed pages as the pipeline reads them (`kg ingest seeds`)."""
    import subprocess
    import sys

    folder = tmp_path_factory.mktemp("seeds") / "store"
    subprocess.run([sys.executable, "-m", "kg.cli", "ingest", str(ROOT / "seeds"), "--store", str(folder)],
                   cwd=ROOT, check=True, capture_output=True, timeout=300)
    return server_factory(folder)


@pytest.fixture(scope="module")
def chromium() -> Iterator:
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Watch:
    """What a page did that it must not: leave loopback, throw, break the CSP, open a dialog."""

    external: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    csp: list[str] = field(default_factory=list)  # "directive source-file" of each blocked attempt
    allowed_csp: set[str] = field(default_factory=set)

    def on_console(self, message) -> None:
        if message.text.startswith("CSP violation: "):
            self.csp.append(message.text.removeprefix("CSP violation: "))
        elif message.type == "error" and "Content Security Policy" not in message.text:
            self.errors.append(message.text)

    def assert_clean(self) -> None:
        assert self.external == [], f"requests left the loopback host: {self.external}"
        assert self.errors == [], f"page errors: {self.errors}"
        assert self.dialogs == [], f"dialogs opened (script ran): {self.dialogs}"
        assert set(self.csp) <= self.allowed_csp, f"CSP violations: {self.csp}"


@pytest.fixture
def page(chromium, ui_server) -> Iterator:
    assert (ROOT / "node_modules" / "cytoscape").is_dir(), "node_modules is missing: run `npm ci` (make test does)"
    context = chromium.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN", base_url=ui_server.url)
    watch = Watch()

    def guard(route) -> None:
        host = urlsplit(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            watch.external.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e =>"
        " console.log('CSP violation: ' + e.violatedDirective + ' ' + new URL(e.sourceFile || location.href).pathname))"
    )
    page.on("pageerror", lambda error: watch.errors.append(str(error)))
    page.on("console", watch.on_console)

    def on_dialog(dialog) -> None:
        watch.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.watch = watch
    yield page
    context.close()
    watch.assert_clean()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"ui-{name}.png"), full_page=False)


def graph_nodes(page) -> list[dict]:
    return page.evaluate(
        "() => window.kgBrowser.cy.nodes().map(n => ({id: n.id(), label: n.data('label'), type: n.data('type'),"
        " focus: n.hasClass('focus'), hidden: n.hasClass('filtered')}))"
    )


def click_node(page, iri: str, *, double: bool = False) -> None:
    """A real mouse click where Cytoscape drew the node."""
    box = page.locator("#graph").bounding_box()
    point = page.evaluate(
        "iri => { const n = window.kgBrowser.cy.getElementById(iri); const p = n.renderedPosition();"
        " return {x: p.x, y: p.y}; }",
        iri,
    )
    x, y = box["x"] + point["x"], box["y"] + point["y"]
    if double:
        page.mouse.dblclick(x, y)
    else:
        page.mouse.click(x, y)


def wait_layout(page) -> None:
    """Until fcose has placed every node (the graph marks its container when a layout stops)."""
    page.wait_for_function(
        "() => { const cy = window.kgBrowser && window.kgBrowser.cy;"
        " return cy && cy.nodes().length > 0 && cy.container().dataset.layout === 'done'; }",
        timeout=60_000,
    )


def search_and_choose(page, text: str, label: str) -> None:
    page.locator("#search").click()
    page.keyboard.insert_text(text)  # as an input method commits Chinese text
    option = page.locator("#suggestions li", has_text=label).first
    option.wait_for()
    option.click()


@pytest.mark.browser
@needs_chromium
def test_search_a_county_expand_it_and_land_on_highlighted_evidence(page) -> None:
    page.goto("/")
    start = page.locator("#start-points .chip").first
    start.wait_for()
    assert "苏仙区" in start.inner_text() and "5 条" in start.inner_text(), "the busiest place is offered first"
    shot(page, "00-start")
    search_and_choose(page, "苏仙", "苏仙区")
    page.locator("#panel h2", has_text="苏仙区").wait_for()
    wait_layout(page)

    nodes = {n["id"]: n for n in graph_nodes(page)}
    assert nodes[SUXIAN]["focus"] and nodes[SUXIAN]["label"].startswith("苏仙区 · "), "a node shows its neighbour count"
    assert nodes[CHENZHOU]["type"] == "region", "the parent city is in the county's neighbourhood"
    panel = page.locator("#panel")
    for shown in ("7.88亿元", "1784.61亩", "100%", "5511人", "截至11月13日"):
        assert shown in panel.inner_text(), shown
    assert "郴州市" in page.locator("#panel .parents").inner_text()
    shot(page, "01-county")

    before = len(nodes)
    click_node(page, AREA_CLAIM)
    page.locator("#panel h2", has_text="1784.61亩").wait_for()
    assert len(graph_nodes(page)) == before, "selecting a node does not expand it"
    page.locator("#panel button.graph-action", has_text="展开").click()
    page.wait_for_function(f"() => window.kgBrowser.cy.nodes().length > {before}")
    wait_layout(page)
    grown = {n["id"]: n for n in graph_nodes(page)}
    assert {"program", "article", "metric"} <= {n["type"] for n in grown.values()}, "a claim expands to its sources"
    page.locator("#panel h2", has_text="1784.61亩").wait_for()
    shot(page, "02-expanded")

    link = page.locator("#panel a.evidence", has_text="整改图斑面积达1784.61亩")
    href = link.get_attribute("href")
    assert href.startswith("/articles/900_ui_sample.txt/0-107#")
    link.click()
    page.wait_for_url(re.compile(r"/articles/900_ui_sample.txt/0-107#claim-37-52:~:text="))
    evidence = page.locator("mark", has_text="整改图斑面积达1784.61亩").first
    evidence.wait_for()
    in_view = "e => { const r = e.getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight; }"
    assert evidence.evaluate(in_view), "the page opens at the highlighted evidence"
    shot(page, "03-article-evidence")


@pytest.mark.browser
@needs_chromium
def test_double_click_focuses_and_filters_hide_types_programs_and_periods(page) -> None:
    page.goto("/#node=" + quote(SUXIAN, safe=""))
    wait_layout(page)
    click_node(page, CHENZHOU)
    page.locator("#panel button.graph-action", has_text="以此为中心").click()
    page.wait_for_function(
        "iri => { const n = window.kgBrowser.cy.getElementById(iri); return n.nonempty() && n.hasClass('focus'); }",
        arg=CHENZHOU,
    )
    assert "node=" + quote(CHENZHOU, safe="") in page.url
    page.locator("#panel h2", has_text="郴州市").wait_for()

    page.goto("/#node=" + quote(SUXIAN, safe=""))
    wait_layout(page)
    assert len([n for n in graph_nodes(page) if n["type"] == "claim"]) == 5
    page.locator("#year-from").fill("2024")
    page.locator("#year-from").dispatch_event("change")
    page.locator("#year-undated").uncheck()
    # No claim of the county resolves to a date in 2024 or later.
    page.wait_for_function("() => location.hash.includes('undated=0') && " + CLAIMS + ".not('.filtered').length === 0")
    page.locator("#year-from").fill("2023")
    page.locator("#year-from").dispatch_event("change")
    page.wait_for_function("() => " + CLAIMS + ".not('.filtered').length > 0")
    visible = [n for n in graph_nodes(page) if n["type"] == "claim" and not n["hidden"]]
    assert 0 < len(visible) < 5, "only the claims whose period resolves to 2023 stay"
    assert "from=2023" in page.url and "undated=0" in page.url, "the filter is in the URL"
    page.locator("#year-from").fill("")
    page.locator("#year-from").dispatch_event("change")
    page.locator("#year-undated").check()

    click_node(page, AREA_CLAIM, double=True)  # expanding a claim brings its program into the view
    page.wait_for_function("() => document.querySelectorAll('#filter-program option').length > 1")
    wait_layout(page)
    page.locator("#filter-program").select_option(label="退草还耕回头看")
    page.wait_for_function("() => location.hash.includes('prog=') && " + CLAIMS + ".not('.filtered').length === 2")
    visible = {n["label"] for n in graph_nodes(page) if n["type"] == "claim" and not n["hidden"]}
    assert {label.split()[-1] for label in visible} == {"1784.61亩", "278个"}, "only the program's claims stay"
    assert all(len(label.split()) == 2 for label in visible), "a claim's label carries its metric and value"
    page.locator("#filter-program").select_option("")
    page.locator("#legend input[data-type='claim']").uncheck()
    page.wait_for_function("() => " + CLAIMS + ".not('.filtered').length === 0")
    assert all(n["hidden"] for n in graph_nodes(page) if n["type"] == "claim")
    assert not any(n["hidden"] for n in graph_nodes(page) if n["type"] == "region")
    assert "已筛选" in page.locator("#graph-status").inner_text()
    shot(page, "04-filtered")


@pytest.mark.browser
@needs_chromium
def test_an_article_lists_its_claims_and_links_to_its_text(page) -> None:
    page.goto("/#node=" + quote(BASE + "article/900_ui_sample.txt/0-107", safe=""))
    panel = page.locator("#panel")
    panel.locator("h2", has_text="真抓实干在苏仙").wait_for()
    panel.locator("table.claims").wait_for()
    assert panel.locator("tbody tr").count() == 5
    assert panel.locator("a", has_text="阅读原文").get_attribute("href") == "/articles/900_ui_sample.txt/0-107"


@pytest.mark.browser
@needs_chromium
def test_comparison_view_tabulates_and_charts_one_metric_across_regions(page) -> None:
    page.goto("/")
    page.locator("[data-view='compare']").click()
    chip = page.locator("#compare-metrics .chip", has_text="城镇新增就业人数")
    chip.wait_for()
    assert "3 地区" in chip.inner_text(), "the metrics several regions report are offered"
    page.locator("#compare-metric").click()
    page.keyboard.insert_text("新增就业")
    page.locator("#compare-suggestions li", has_text="城镇新增就业人数").click()
    rows = page.locator("#compare-result table tbody tr")
    rows.first.wait_for()
    assert rows.count() == 3
    text = page.locator("#compare-result").inner_text()
    for shown in ("6万人", "9860余人", "5511人", "株洲市", "北湖区", "苏仙区"):
        assert shown in text, shown
    bars = page.locator("#compare-result svg.bar-chart rect.bar")
    assert bars.count() == 3
    widths = [float(bars.nth(i).get_attribute("width")) for i in range(3)]
    assert widths == sorted(widths, reverse=True) and widths[0] > 5 * widths[2], "bars are to scale, largest first"
    shot(page, "05-compare")


@pytest.mark.browser
@needs_chromium
def test_program_view_lists_who_claims_a_program_and_what(page) -> None:
    page.goto("/")
    search_and_choose(page, "退草还耕", "退草还耕回头看")
    page.locator("#panel button", has_text="项目视图").click()
    result = page.locator("#program-result")
    result.locator("table tbody tr").first.wait_for()
    assert result.locator("table tbody tr").count() == 2
    assert "苏仙区" in result.locator(".program-who").inner_text()
    assert "苏仙区自然资源局" in result.locator(".program-who").inner_text()
    assert "1784.61亩" in result.inner_text()
    shot(page, "06-program")


CLAIMS = "window.kgBrowser.cy.nodes().filter(n => n.data('type') === 'claim')"
GROUPS = "window.kgBrowser.cy.nodes().filter(n => n.data('type') === 'group')"
LABELLED = (
    "() => { const cy = window.kgBrowser.cy; const z = cy.zoom(); return cy.nodes().not('.filtered').filter(n =>"
    " parseFloat(n.style('font-size')) * z < parseFloat(n.style('min-zoomed-font-size'))).map(n => n.data('label')); }"
)
OVERLAPS = (
    "() => { const boxes = window.kgBrowser.cy.nodes().not('.filtered')"
    ".map(n => n.boundingBox({includeLabels: false}));"
    " let count = 0; for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {"
    " const a = boxes[i], b = boxes[j];"
    " if (a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2) count++; } return [count, boxes.length]; }"
)


def nodes_of(page, kind: str) -> list[dict]:
    return [n for n in graph_nodes(page) if n["type"] == kind and not n["hidden"]]


@pytest.mark.browser
@needs_chromium
def test_hundreds_of_claims_are_grouped_by_metric_with_counts(page, crowded_server) -> None:
    page.goto(crowded_server.url + "/")
    search_and_choose(page, "邵东", "邵东县")
    page.locator("#panel h2", has_text="邵东县").wait_for()
    wait_layout(page)
    groups = nodes_of(page, "group")
    assert len(groups) == 20 and all("8 条" in g["label"] for g in groups), "40 metrics of 8 claims, 20 at a time"
    assert nodes_of(page, "claim") == [], "claims wait in their groups"
    more = nodes_of(page, "more")
    assert [m["label"] for m in more] == ["还有 20 组"]
    count, nodes = page.evaluate(OVERLAPS)
    assert count <= nodes // 50, f"{count} of {nodes} nodes overlap another"
    assert page.evaluate(LABELLED) == [], "every node's label is drawn"

    click_node(page, more[0]["id"])  # a tap on the stub brings the next batch
    page.wait_for_function("() => " + GROUPS + ".length === 40")
    wait_layout(page)
    assert nodes_of(page, "more") == [], "the stub gives way to its batch"
    group = nodes_of(page, "group")[0]
    click_node(page, group["id"], double=True)
    page.wait_for_function("() => " + CLAIMS + ".length === 8")
    wait_layout(page)
    assert "open=" in page.url
    shot(page, "10-crowded")
    page.go_back()  # the group closes
    page.wait_for_function("() => " + CLAIMS + ".length === 0")
    page.go_back()  # the group's selection (the double click's first tap selected it)
    page.go_back()  # the second batch goes back behind its stub
    page.wait_for_function("() => " + GROUPS + ".length === 20")
    assert [m["label"] for m in nodes_of(page, "more")] == ["还有 20 组"]


@pytest.mark.browser
@needs_chromium
def test_on_the_seed_pages_a_county_leads_to_its_evidence(page, seeds_server) -> None:
    page.goto(seeds_server.url + "/")
    search_and_choose(page, "苏仙", "苏仙区")
    page.locator("#panel h2", has_text="苏仙区").wait_for()
    wait_layout(page)
    link = page.locator("#panel a.evidence").first
    link.wait_for()
    evidence = link.inner_text()
    assert re.search(r"\d", evidence), "a claim's evidence holds its number"
    shot(page, "11-seeds-county")
    link.click()
    page.wait_for_url(re.compile(r"/articles/000_"))
    shown = re.sub(r"\s+", "", page.locator("body").inner_text())
    assert evidence in shown, "the article page shows the evidence the panel quoted"
    shot(page, "12-seeds-article")


def run_example(page, title: str) -> None:
    page.goto("/sparql-ui")
    page.locator(".yasqe .CodeMirror").wait_for()
    page.locator("button.example", has_text=title).click()


@pytest.mark.browser
@needs_chromium
def test_yasgui_runs_an_example_query_against_this_server(page) -> None:
    run_example(page, "按同一指标给各地区排序")
    rows = page.locator(".yasr table tbody tr")
    rows.first.wait_for()
    assert rows.count() == 3
    text = page.locator(".yasr").inner_text()
    assert "城镇新增就业人数" in text and "株洲市" in text
    shot(page, "07-sparql")


@pytest.mark.browser
@needs_chromium
def test_a_hostile_headline_shows_as_text_and_runs_nothing(page) -> None:
    page.goto("/")
    search_and_choose(page, "北湖", "北湖区")
    panel = page.locator("#panel")
    panel.locator("table.claims").wait_for()
    assert HOSTILE in panel.inner_text()
    assert page.locator("img").count() == 0
    shot(page, "08-hostile-panel")

    # YASR hands cell values to DOMPurify, whose parse of the payload (in an inert document) makes
    # Chromium report the inline handler it refused; the cell itself shows the escaped text.
    page.watch.allowed_csp.add("script-src-attr /vendor/yasgui.min.js")
    run_example(page, "每篇文章报告了多少条数据")
    page.locator(".yasr table tbody tr").first.wait_for()
    assert HOSTILE in page.locator(".yasr").inner_text()
    assert page.locator("img").count() == 0
    shot(page, "09-hostile-sparql")
    # the page's watch fails the test if alert() ran anywhere or anything left loopback


@pytest.mark.browser
@needs_chromium
def test_values_are_written_as_a_chinese_reader_expects(page) -> None:
    page.goto("/")
    cases = [
        [788000000, "元", "exact", "7.88亿元"],
        [1784.61, "亩", "exact", "1784.61亩"],
        [100, "%", "exact", "100%"],
        [23000, "人次", "approx", "约2.3万人次"],
        [9860, "人", "more_than", "9860余人"],
        [90, "%", "more_than", "90%以上"],
        [0.15, "百分点", "exact", "0.15个百分点"],
        [12345, "元", "exact", "1.2345万元"],
        [123456.7, "元", "exact", "123456.7元"],
        [1500, "元/月", "exact", "1500元/月"],
        [36, "小时", "less_than", "不到36小时"],
        [30000, "天", "exact", "30000天"],
    ]
    written = page.evaluate(
        "async cases => { const f = await import('/ui-static/js/format.js');"
        " return cases.map(([v, u, q]) => f.formatValue(v, u, q)); }",
        cases,
    )
    assert written == [case[3] for case in cases]


@pytest.mark.browser
@needs_chromium
def test_evidence_links_find_ocr_text_with_its_line_breaks(page) -> None:
    page.goto("/")
    href = page.evaluate(
        "async () => { const c = await import('/ui-static/js/claims.js');"
        " return c.evidenceHref({article_iri: 'https://kg.example.org/article/p.txt/0-9',"
        " iri: 'https://kg.example.org/claim/p.txt/7-9', start: 3, end: 9, evidence: '整 改-面积\\n1784.61 亩'}); }"
    )
    page_path, fragment = href.split("#")
    assert page_path == "/articles/p.txt/0-9"
    anchor, directives = fragment.split(":~:")
    assert anchor == "claim-3-9"
    assert [unquote(d.removeprefix("text=")) for d in directives.split("&")] == [
        "整 改-面积\n1784.61 亩",
        "整 改-面积 1784.61 亩",
    ]
    assert "-" not in directives, "a dash would split the directive into prefix and suffix"
    links = page.evaluate(
        "async () => { const d = await import('/ui-static/js/dom.js');"
        " return ['https://kg.example.org/region/1', 'http://www.wikidata.org/entity/Q1', 'javascript:alert(1)',"
        " 'data:text/html,x'].map(d.localHref); }"
    )
    assert links == ["/region/1", "http://www.wikidata.org/entity/Q1", "#", "#"]


@pytest.mark.browser
@needs_chromium
def test_download_buttons_fetch_every_export_format(page) -> None:
    page.goto("/")
    expected = {"Turtle": "@prefix", "N-Triples": "<https://kg.example.org/", "TriG": "{", "JSON-LD": "@"}
    for label, marker in expected.items():
        with page.expect_download() as download:
            page.locator(".downloads a", has_text=label).click()
        path = download.value.path()
        text = Path(path).read_text(encoding="utf-8")
        assert marker in text and "苏仙区" in text, label


def test_vendor_serves_only_the_listed_npm_files(ui_server) -> None:
    assert ui_server.get("/vendor/cytoscape.min.js").status_code == 200
    assert "javascript" in ui_server.get("/vendor/cytoscape-fcose.js").headers["Content-Type"]
    assert ui_server.get("/vendor/yasgui.min.css").headers["Content-Type"].startswith("text/css")
    for path in ("/vendor/../package.json", "/vendor/cytoscape/package.json", "/vendor/%2e%2e/package-lock.json"):
        assert ui_server.get(path).status_code == 404, path


def test_front_end_code_never_parses_data_as_html() -> None:
    for path in STATIC_JS.glob("*.js"):
        source = path.read_text(encoding="utf-8")
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert sink not in source, f"{path.name} uses {sink}"


def test_every_example_query_answers_on_the_sample_graph() -> None:
    from kg.web.ui import example_queries

    store = ox.Store()
    store.load(path=str(SAMPLE), format=ox.RdfFormat.TRIG)
    examples = example_queries()
    assert len(examples) >= 3
    for example in examples:
        assert example.title and example.description, example.name
        rows = list(store.query(example.query, use_default_graph_as_union=True))
        assert rows, f"{example.name} finds nothing in the sample graph"


# -- the province-scale browser, on the invented city ------------------------------------------------------

JOBS_METRIC = BASE + "metric/" + quote(f"{JOBS}|人", safe="")
PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1440, "height": 900}
NO_SIDEWAYS = "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth + 1"


def group_id(owner: str, metric: str, unit: str, year: str) -> str:
    return "\x1f".join(["group", owner, BASE + "metric/" + quote(f"{metric}|{unit}", safe=""), year])


def read_csv(download) -> list[list[str]]:
    import csv
    import io

    raw = Path(download.path()).read_bytes()
    assert raw.startswith("\ufeff".encode()), "the CSV starts with a byte-order mark for Excel"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


@pytest.mark.browser
@needs_chromium
def test_a_city_neighbourhood_is_legible_with_group_counts(page, city_server) -> None:
    page.set_viewport_size(WIDE)
    page.goto(city_server.url + "/#node=" + quote(CITY, safe=""))
    wait_layout(page)
    regions = {n["label"] for n in nodes_of(page, "region")}
    assert {"株洲市 · 77", "湖南省 · 1", "攸县 · 5", "醴陵市 · 3"} <= regions, "every node shows its neighbour count"
    groups = nodes_of(page, "group")
    assert len(groups) == 20 and all(re.search(r"\d{4}年 · 2 条$", g["label"]) for g in groups[:10])
    assert [m["label"] for m in nodes_of(page, "more")] == ["还有 14 组"], "the rest wait behind a stub"
    assert nodes_of(page, "claim") == [], "66 claims are grouped, not drawn one by one"
    assert page.evaluate(LABELLED) == [], "every label is drawn, hubs included"
    count, nodes = page.evaluate(OVERLAPS)
    assert nodes <= 40 and count <= 1, f"{count} of {nodes} nodes overlap"

    gdp = group_id(CITY, "地区生产总值", "元", "2023")
    before = len(graph_nodes(page))
    click_node(page, gdp)
    panel = page.locator("#panel")
    panel.locator("h2", has_text="地区生产总值").wait_for()
    assert len(graph_nodes(page)) == before, "selecting a group does not expand it"
    rows = panel.locator("table.claims tbody tr")
    assert rows.count() == 2
    assert "原文“2023年度”" in panel.inner_text() and "103亿元" in panel.inner_text(), "resolved year, wording beside"
    page.mouse.move(0, 0)
    box = page.locator("#graph").bounding_box()
    you_xian = BASE + "region/" + YOU_XIAN
    point = page.evaluate("id => window.kgBrowser.cy.getElementById(id).renderedPosition()", you_xian)
    page.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
    tooltip = page.locator(".graph-tooltip")
    tooltip.wait_for()
    assert "攸县" in tooltip.inner_text() and "相邻节点 5 个" in tooltip.inner_text()
    page.mouse.move(0, 0)
    shot(page, "20-city-1440")
    page.set_viewport_size(PHONE)
    page.evaluate("() => window.kgBrowser.cy.resize() && window.kgBrowser.cy.fit(undefined, 20)")
    assert page.evaluate(NO_SIDEWAYS), "the page does not scroll sideways on a phone"
    shot(page, "21-city-390")


@pytest.mark.browser
@needs_chromium
def test_a_shared_url_restores_expansions_filters_and_selection(page, chromium, city_server) -> None:
    page.goto(city_server.url + "/#node=" + quote(CITY, safe=""))
    wait_layout(page)
    gdp = group_id(CITY, "地区生产总值", "元", "2023")
    click_node(page, gdp, double=True)
    page.wait_for_function("() => " + CLAIMS + ".length === 2")
    wait_layout(page)
    claim = nodes_of(page, "claim")[0]
    assert claim["label"].startswith("地区生产总值 10"), "a claim's label carries its metric and value"
    click_node(page, claim["id"])
    page.locator("#panel h2", has_text="地区生产总值：").wait_for()
    page.locator("#legend input[data-type='agency']").uncheck()
    page.locator("#year-from").fill("2022")
    page.locator("#year-from").dispatch_event("change")
    page.wait_for_function("() => location.hash.includes('from=2022')")
    shared = page.url
    assert "open=" in shared and "sel=" in shared and "hide=agency" in shared

    context = chromium.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    try:
        other = context.new_page()
        other.goto(shared)
        wait_layout(other)
        other.wait_for_function("() => " + CLAIMS + ".length === 2")
        restored = {n["id"]: n for n in graph_nodes(other)}
        assert claim["id"] in restored, "the expanded group's claims are back"
        assert restored[BASE + "agency/" + CITY_CODE + "/" + quote("株洲市统计局", safe="")]["hidden"]
        hidden_years = [n for n in restored.values() if n["type"] == "group" and n["hidden"]]
        assert hidden_years and all(re.search(r"202[01]年", n["label"]) for n in hidden_years), "2020, 2021 hidden"
        assert other.locator("#year-from").input_value() == "2022"
        assert not other.locator("#legend input[data-type='agency']").is_checked()
        other.locator("#panel h2", has_text="地区生产总值：").wait_for()
        assert other.evaluate("id => window.kgBrowser.cy.getElementById(id).selected()", claim["id"])
    finally:
        context.close()

    # The filters replaced their entry; Back undoes the claim's selection, then the expansion (the double
    # click selected the group first).
    page.go_back()
    page.wait_for_function("() => location.hash.includes('sel=group')")
    page.go_back()
    page.wait_for_function("() => " + CLAIMS + ".length === 0")
    assert "open=" not in page.url


@pytest.mark.browser
@needs_chromium
def test_the_conflicts_view_shows_two_articles_that_disagree(page, city_server) -> None:
    page.set_viewport_size(WIDE)
    page.goto(city_server.url + "/")
    page.locator("[data-view='conflicts']").click()
    card = page.locator(".conflict").first
    card.wait_for()
    assert page.locator(".conflict").count() == 1, "one subject, metric and period has two values"
    text = card.inner_text()
    for shown in ("攸县", JOBS, "2023年", "2 个不同数值", "6320人", "6100人", "株洲各县区就业报告", "攸县就业数据另报"):
        assert shown in text, shown
    hrefs = [a.get_attribute("href") for a in card.locator("a.evidence").all()]
    assert len(hrefs) == 2 and all(h.startswith("/articles/960_city.txt/") and "#claim-" in h for h in hrefs)
    assert len({h.split("#")[0] for h in hrefs}) == 2, "each side links to its own article"
    with page.expect_download() as download:
        page.locator("#conflicts-result button.csv").click()
    rows = read_csv(download.value)
    assert rows[0][:4] == ["主体", "指标", "时间", "数值"] and sorted(r[3] for r in rows[1:]) == ["6100人", "6320人"]
    shot(page, "22-conflicts-1440")
    page.set_viewport_size(PHONE)
    assert page.evaluate(NO_SIDEWAYS)
    shot(page, "23-conflicts-390")
    page.locator(".conflict a.evidence").nth(1).click()
    page.wait_for_url(re.compile(r"/articles/960_city.txt/"))
    assert page.locator("mark.followed").inner_text() == "6100人", "the article marks the figure followed"


@pytest.mark.browser
@needs_chromium
def test_tables_download_as_csv_and_the_comparison_marks_what_differs(page, city_server) -> None:
    page.goto(city_server.url + "/#node=" + quote(CITY, safe=""))
    panel = page.locator("#panel")
    panel.locator("table.claims").wait_for()
    with page.expect_download() as download:
        panel.locator("button.csv").click()
    rows = read_csv(download.value)
    assert rows[0][:4] == ["指标", "数值", "限定", "时间"] and len(rows) == 67, "the city's 66 claims"
    assert ["养老保险参保率", "95%以上"] == rows[1 + [r[0] for r in rows[1:]].index("养老保险参保率")][:2]

    page.goto(city_server.url + "/#compare=" + quote(JOBS_METRIC, safe=""))
    table = page.locator("#compare-result table.compare")
    table.wait_for()
    assert table.locator("tbody tr").count() == 19
    flagged = {tr.locator("td").first.inner_text(): tr.locator("td.marks").inner_text()
               for tr in table.locator("tbody tr.flagged").all()}
    assert "级别不同：乡镇街道" in flagged["新市镇"] and "级别不同：市州" in flagged["株洲市"]
    assert "同一地区多条" in flagged["攸县"] and "时期不同：2022年" in flagged["醴陵市"]
    page.locator("#compare-level").select_option("county")
    page.locator("#compare-year").select_option("2023")
    page.wait_for_function("() => document.querySelectorAll('#compare-result table.compare tbody tr').length === 9")
    assert "level=county" in page.url and "year=2023" in page.url
    with page.expect_download() as download:
        page.locator("#compare-result button.csv").click()
    rows = read_csv(download.value)
    assert len(rows) == 10 and rows[0][:3] == ["地区", "级别", "数值"] and {r[1] for r in rows[1:]} == {"县市区"}

    page.goto(city_server.url + "/#program=" + quote(BASE + "program/" + quote("农村公路提质行动", safe=""), safe=""))
    page.locator("#program-result table.claims").wait_for()
    with page.expect_download() as download:
        page.locator("#program-result button.csv").click()
    assert len(read_csv(download.value)) == 9, "the program's 8 claims"


@pytest.mark.browser
@needs_chromium
def test_the_map_colours_the_counties_of_a_city_by_value(page, city_server) -> None:
    page.set_viewport_size(WIDE)
    page.goto(city_server.url + "/#view=map&map=" + quote(JOBS_METRIC, safe=""))
    counties = page.locator("svg.region-map path.county.has-data")
    counties.first.wait_for()
    assert counties.count() == 8, "the city's eight counties carry 2023 figures"
    fills = {c.get_attribute("data-code"): c.get_attribute("fill") for c in counties.all()}
    assert len(set(fills.values())) == 8, "different values, different colours"
    assert fills["430281"] == "rgb(8,81,156)", "the largest value takes the darkest colour"
    assert "不一致" in page.locator("table.map-table").inner_text(), "攸县's two sources are marked"
    assert page.locator("svg.region-map path.county:not(.has-data)").count() >= 1, "a county without data stays grey"
    shot(page, "24-map-1440")
    page.set_viewport_size(PHONE)
    assert page.evaluate(NO_SIDEWAYS)
    shot(page, "25-map-390")
    page.set_viewport_size(WIDE)
    with page.expect_download() as download:
        page.locator("#map-result button.csv").click()
    assert len(read_csv(download.value)) == 9

    page.locator("svg.region-map path[data-code='430281']").click()
    page.wait_for_url(re.compile("node=" + re.escape(quote(BASE + "region/430281000000", safe=""))))
    page.locator("#panel h2", has_text="醴陵市").wait_for()
    page.go_back()
    page.locator("#map-area").select_option("430000")
    page.wait_for_function("() => document.querySelectorAll('svg.region-map path.county').length > 100")


@pytest.mark.browser
@needs_chromium
def test_data_pages_link_to_their_rdf_and_read_well_on_a_phone(page, city_server) -> None:
    from kg.rdf import iris

    page.set_viewport_size(PHONE)
    rate = next(c for c in city_extraction().claims if c.quantity.qualifier == "more_than")
    claim_iri = iris.claim_iri(rate.doc, rate.quantity.start, rate.quantity.end)
    page.goto(city_server.url + "/" + claim_iri.removeprefix(BASE))
    body = page.locator("main").inner_text()
    assert "95%以上" in body and "养老保险参保率" in body and "|" not in body.split("属性")[0]
    assert "数据声明" in body and "属性" in body and "Properties" not in body
    assert page.locator(".ld-claims li.followed").count() == 1
    assert page.evaluate(NO_SIDEWAYS), "the claim page does not scroll sideways on a phone"
    for label, fmt in (("Turtle", ox.RdfFormat.TURTLE), ("JSON-LD", ox.RdfFormat.JSON_LD)):
        with page.expect_download() as download:
            page.locator(".ld-formats a", has_text=label).click()
        triples = list(ox.parse(path=download.value.path(), format=fmt))
        assert any(t.subject == ox.NamedNode(claim_iri) for t in triples), label

    source = page.locator(".ld-source").first.get_attribute("href")
    page.goto(city_server.url + source)
    followed = page.locator("mark.followed")
    followed.wait_for()
    assert followed.inner_text() == "95%以上"
    other = page.locator("pre.text mark").first
    assert followed.evaluate("e => getComputedStyle(e).backgroundColor") != other.evaluate(
        "e => getComputedStyle(e).backgroundColor"), "the followed claim is marked apart from the others"
    assert page.evaluate(NO_SIDEWAYS), "the article page does not scroll sideways on a phone"
    shot(page, "26-article-390")


@pytest.mark.browser
@needs_chromium
def test_sparql_gives_browsers_the_editor_and_results_link_to_local_pages(page, ui_server) -> None:
    page.goto("/sparql")
    page.locator(".yasqe .CodeMirror").wait_for()
    answer = ui_server.get("/sparql", headers={"Accept": "text/turtle"})
    assert answer.headers["Content-Type"].startswith("text/turtle") and "sd:Service" in answer.text
    assert ui_server.get("/sparql").headers["Content-Type"].startswith("text/turtle"), "no Accept: an RDF client"
    page.locator("button.example", has_text="一个县（区）按时间排列的数据声明").click()
    page.locator(".yasr table tbody tr").first.wait_for()
    page.wait_for_function("() => document.querySelector('.yasr a.iri[href^=\\'/claim/\\']')")
    hrefs = [a.get_attribute("href") for a in page.locator(".yasr a.iri").all()]
    assert hrefs and all(not h.startswith(BASE) for h in hrefs), "result IRIs open this server's pages"
    shot(page, "27-sparql-local-links")


@pytest.mark.browser
@needs_chromium
def test_nodes_collapse_hide_and_one_type_shows_alone(page, city_server) -> None:
    page.goto(city_server.url + "/#node=" + quote(CITY, safe=""))
    wait_layout(page)
    you_xian = BASE + "region/" + YOU_XIAN
    click_node(page, you_xian)
    actions = page.locator("#panel .graph-actions")
    actions.locator("button", has_text="展开").click()
    page.wait_for_function("() => " + CLAIMS + ".length === 3", timeout=60_000)  # 攸县's few claims, one by one
    wait_layout(page)
    town = BASE + "region/430223101000"
    assert any(n["id"] == town for n in graph_nodes(page)), "expanding 攸县 brings its town"
    page.locator("#panel .graph-actions button", has_text="收起").click()
    page.wait_for_function("() => " + CLAIMS + ".length === 0")
    assert not any(n["id"] == town for n in graph_nodes(page)), "collapsing takes back what expanding brought"

    click_node(page, you_xian)
    page.locator("#panel .graph-actions button", has_text="隐藏").click()
    page.wait_for_function("id => window.kgBrowser.cy.getElementById(id).hasClass('filtered')", arg=you_xian)
    assert "hidden=" in page.url
    click_node(page, BASE + "region/430281000000")
    page.locator("#panel .graph-actions button", has_text="只看此类型").click()
    page.wait_for_function("() => location.hash.includes('only=region')")
    page.wait_for_function("() => window.kgBrowser.cy.nodes().not('.filtered').every(n => n.data('type') === 'region')")
    shown = {n["label"].split(" · ")[0] for n in graph_nodes(page) if not n["hidden"]}
    assert shown == {"株洲市", "湖南省", *COUNTIES.values()} - {"攸县"}
    page.locator("#show-hidden").click()
    page.wait_for_function("() => window.kgBrowser.cy.nodes('.filtered').length === 0")
    stub = nodes_of(page, "more")[0]
    click_node(page, stub["id"])  # the last groups include two of one claim each, drawn as the claims
    page.wait_for_function("() => " + CLAIMS + ".some(n => n.data('label') === '养老保险参保率 95%以上')")
