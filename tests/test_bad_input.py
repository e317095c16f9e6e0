"""`kg ingest` fed what real archives hold: empty, binary and undecodable files,
a 50 MB page on one line, thousands of small pages, other languages, pages
without numbers, hostile file names.

Each file is either read (its graph in the store equals what the pipeline makes
of it, so no half page) or refused with a line naming the file and the reason;
one bad file never stops the others and the summary counts both.
"""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.rdf.iris import shared_graph_iri

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
SUMMARY = re.compile(r"ingested (\d+) page\(s\), (\d+) claims, (\d+) triples; refused (\d+)")


def ingest(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kg.cli", "ingest", *args], capture_output=True, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=timeout,
    )


def summary(result: subprocess.CompletedProcess[str]) -> tuple[int, int]:
    """(read, refused) from the last line of the ingest's stderr."""
    found = SUMMARY.findall(result.stderr)
    assert found, f"no summary line in stderr:\n{result.stderr[-2000:]}"
    read, _, _, refused = found[-1]
    return int(read), int(refused)


def refusals(result: subprocess.CompletedProcess[str]) -> dict[str, str]:
    """File → reason, from the 'kg: <file>: <reason>' lines."""
    out: dict[str, str] = {}
    for line in result.stderr.splitlines():
        if line.startswith("kg: ") and not SUMMARY.search(line):
            path, _, reason = line[4:].rpartition(": ")
            out[path] = reason
    return out


def graphs_in(store: Path) -> dict[str, set[str]]:
    """Graph IRI → its quads as N-Quads lines, read after the ingest process has exited."""
    db = ox.Store(str(store))
    try:
        out: dict[str, set[str]] = {}
        for quad in db.quads_for_pattern(None, None, None, None):
            out.setdefault(quad.graph_name.value, set()).add(str(quad))
        return out
    finally:
        del db


def expected_quads(path: Path) -> tuple[str, list]:
    """What a clean run makes of one page: its graph IRI and quads (its own and its shared statements)."""
    from kg.pipeline import process_file
    from kg.rdf.iris import graph_iri
    from kg.rdf.mapping import to_quads

    extraction = process_file(path)
    return graph_iri(extraction.page.doc), to_quads(extraction)


def expected_graph(path: Path) -> tuple[str, set[str]]:
    """What a clean run makes of one page's own graph: its IRI and quads."""
    iri, quads = expected_quads(path)
    return iri, {str(q) for q in quads if q.graph_name.value == iri}


def small_page(rng: random.Random, n: int) -> str:
    """A short generated news item with a couple of numbers."""
    towns = ["东山镇", "西河乡", "南岭街道", "北湖村", "青石镇"]
    return (
        f"第{n}期简讯\n\n{rng.choice(towns)}今年以来新增就业{rng.randint(10, 9999)}人，"
        f"完成投资{rng.randint(1, 999)}.{rng.randint(0, 9)}万元，同比增长{rng.randint(1, 40)}%。\n"
        f"截至{rng.randint(1, 12)}月底，共建成道路{rng.randint(1, 90)}公里。\n"
    )


@pytest.fixture(scope="module")
def mixed_folder(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Good seed pages beside every kind of bad or odd file, one folder, nested."""
    folder = tmp_path_factory.mktemp("mixed")
    (folder / "sub").mkdir()
    seed_text = SEEDS[0].read_text(encoding="utf-8")
    files: dict[str, bytes] = {
        "00_good.txt": SEEDS[1].read_bytes(),
        "empty.txt": b"",
        "blank.txt": " \n\n\t\r\n\u3000".encode(),
        "binary.txt": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40,
        "zeros.txt": b"\x00" * 5000,
        "undecodable.txt": bytes([0x81, 0x30, 0xC3, 0x28, 0xFD, 0xFE, 0xFF]) * 700,
        "bad_bytes_in_utf8.txt": seed_text[:3000].encode() + b"\xff\xfe\xc3\x28" + seed_text[3000:6000].encode(),
        "gbk.txt": seed_text[:4000].encode("gb18030"),
        "utf16.txt": seed_text[:4000].encode("utf-16"),
        "english.txt": (
            b"City council approves budget\n\nThe council approved a budget of 3.5 million dollars "
            b"on Monday, raising school spending by 12 percent.\n"
        ),
        "russian.txt": "Городской совет утвердил бюджет в размере 3,5 млн рублей.\n".encode(),
        "no_numbers.txt": "乡村振兴见成效\n\n村民们积极参与环境整治，村容村貌焕然一新，群众满意度明显提升。\n".encode(),
        "sub/hostile> } ; DROP ALL ; #.txt": "标题\n\n<script>alert(1)</script>全县新增就业120人。\n".encode(),
        "sub/zz_good.txt": SEEDS[2].read_bytes(),
    }
    paths: dict[str, Path] = {}
    for name, data in files.items():
        path = folder / name
        path.write_bytes(data)
        paths[name] = path
    return paths


@pytest.fixture(scope="module")
def mixed_run(mixed_folder: dict[str, Path], tmp_path_factory: pytest.TempPathFactory):
    store = tmp_path_factory.mktemp("store") / "db"
    folder = next(iter(mixed_folder.values())).parent
    result = ingest(str(folder), "--store", str(store), "--jobs", "2")
    return result, graphs_in(store)


def test_each_file_is_read_or_refused_by_name(mixed_folder: dict[str, Path], mixed_run) -> None:
    result, _ = mixed_run
    read, refused = summary(result)
    reasons = refusals(result)
    assert read + refused == len(mixed_folder), result.stderr
    assert refused == len(reasons), result.stderr
    assert result.returncode == (2 if refused else 0)
    for path in reasons:
        assert Path(path).name in {p.name for p in mixed_folder.values()}, path
    for name in ("binary.txt", "zeros.txt", "undecodable.txt"):
        assert str(mixed_folder[name]) in reasons, f"{name} was not refused:\n{result.stderr}"
    for reason in reasons.values():
        assert reason and "Traceback" not in reason and "internal error" not in reason, reasons


def test_good_and_odd_pages_are_read(mixed_folder: dict[str, Path], mixed_run) -> None:
    """Good pages go in whatever sits beside them; text in other encodings or languages is read."""
    result, graphs = mixed_run
    reasons = refusals(result)
    for name in ("00_good.txt", "sub/zz_good.txt", "gbk.txt", "utf16.txt", "english.txt", "russian.txt",
                 "no_numbers.txt", "sub/hostile> } ; DROP ALL ; #.txt"):
        assert str(mixed_folder[name]) not in reasons, f"{name} refused: {reasons.get(str(mixed_folder[name]))}"
    for name in ("00_good.txt", "sub/zz_good.txt", "sub/hostile> } ; DROP ALL ; #.txt"):
        iri, _ = expected_graph(mixed_folder[name])
        assert iri in graphs, f"{name} missing from the store"


def test_no_half_page_in_the_store(mixed_folder: dict[str, Path], mixed_run) -> None:
    """Every graph in the store is exactly what a clean run makes of its page; refused pages have none."""
    result, graphs = mixed_run
    reasons = refusals(result)
    expected: dict[str, set[str]] = {}
    shared: set[str] = set()
    for path in mixed_folder.values():
        if str(path) in reasons:
            continue
        iri, quads = expected_quads(path)
        if quads:
            expected[iri] = {str(q) for q in quads if q.graph_name.value == iri}
            shared |= {str(q) for q in quads if q.graph_name.value != iri}
    assert graphs.pop(shared_graph_iri(), set()) == shared, "the shared graph holds what the pages brought"
    assert set(graphs) == set(expected)
    for iri, quads in expected.items():
        assert graphs[iri] == quads, f"{iri}: {len(graphs[iri])} quads stored, {len(quads)} expected"


def test_refusals_name_the_file_with_a_reason(tmp_path: Path) -> None:
    """Refused pages given one by one: each named, the good page after them still read."""
    empty, binary = tmp_path / "empty.txt", tmp_path / "binary.txt"
    empty.write_bytes(b"")
    binary.write_bytes(b"\x00\x01\x02" * 1000)
    store = tmp_path / "db"
    result = ingest(str(binary), str(empty), str(SEEDS[3]), "--store", str(store))
    assert result.returncode == 2
    reasons = refusals(result)
    assert str(binary) in reasons and "binary" in reasons[str(binary)].lower(), result.stderr
    read, refused = summary(result)
    assert read + refused == 3
    iri, quads = expected_graph(SEEDS[3])
    assert graphs_in(store).get(iri) == quads


def test_thousands_of_small_pages(tmp_path: Path) -> None:
    rng = random.Random(7)
    folder = tmp_path / "pages"
    count = 1200
    for n in range(count):
        sub = folder / f"{n // 200:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"p{n:05d}.txt").write_text(small_page(rng, n), encoding="utf-8")
    store = tmp_path / "db"
    result = ingest(str(folder), "--store", str(store), "--jobs", "4", timeout=600)
    assert summary(result) == (count, 0), result.stderr[-2000:]
    assert result.returncode == 0
    graphs = graphs_in(store)
    assert len(graphs) == count + 1  # and the shared graph
    for n in rng.sample(range(count), 5):
        iri, quads = expected_graph(folder / f"{n // 200:02d}" / f"p{n:05d}.txt")
        assert graphs[iri] == quads


def one_line_page(path: Path, size: int) -> Path:
    """The seed pages' text with its line breaks removed, repeated to `size` bytes."""
    data = "".join(p.read_text(encoding="utf-8") for p in SEEDS).replace("\n", "").replace("\r", "").encode()
    with path.open("wb") as out:
        written = 0
        while written < size:
            out.write(data)
            written += len(data)
    return path


@pytest.mark.parametrize(("megabytes", "seconds"), [(50, 120), (1, 90)])
def test_long_page_on_one_line(tmp_path: Path, megabytes: int, seconds: int) -> None:
    """A 50 MB (or 1 MB) page without a line break is read or refused by name in bounded time,
    and the page after it is still read."""
    big = one_line_page(tmp_path / "huge.txt", megabytes * 1024 * 1024)
    store = tmp_path / "db"
    try:
        result = ingest(str(big), str(SEEDS[4]), "--store", str(store), timeout=seconds)
    except subprocess.TimeoutExpired:
        pytest.fail(f"kg ingest neither read nor refused a {megabytes} MB one-line page within {seconds} s")
    read, refused = summary(result)
    assert read + refused == 2
    reasons = refusals(result)
    if refused:
        assert list(reasons) == [str(big)] and reasons[str(big)], result.stderr
    iri, quads = expected_graph(SEEDS[4])
    assert graphs_in(store).get(iri) == quads
