"""Label search (/api/graph/search) at the node counts of big corpora, without ingesting them.

The names a big ingest indexes are regions, agencies and programs; here they
come from bench.corpus's own generators (the gazetteer's provinces, cities,
counties and towns with invented codes; every town, county and city with every
agency suffix; every program form and stem) and go in through LabelIndex's own
write path in page-sized batches, until the index holds `--nodes` nodes. Then
each query is timed `--rounds` times (after one warm call) and its p50/p95
printed. Run it against another checkout's kg (PYTHONPATH) on another index
file to compare two versions of the search, alternating the runs.

    python -m bench.label_search --index /tmp/l.sqlite --nodes 200000
"""

from __future__ import annotations

import argparse
import itertools
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from bench import percentile
from bench.corpus import AGENCY_SUFFIXES, PROGRAM_FORMS, PROGRAM_STEMS, places
from kg.rdf import iris
from kg.rdf.labels import LabelIndex
from kg.rdf.vocab import KG, RDF, SKOS

SHARED = ox.NamedNode(iris.shared_graph_iri())


def names() -> Iterator[tuple[str, ox.NamedNode, str, list[ox.Quad]]]:
    """(kind, node, label, extra name quads) for gazetteer-like nodes: the programs, then place by place its
    regions (invented codes; a county's short name as alias) and the agencies of its county, city and towns,
    then every place's work group per program."""
    for form in PROGRAM_FORMS:
        for stem in PROGRAM_STEMS:
            label = form.format(stem)
            yield "program", ox.NamedNode(iris.program_iri(label)), label, []
    seen: set[str] = set()
    codes = itertools.count(1)
    for place in places():
        owners = [o for o in dict.fromkeys((place.province, place.city, place.county, *place.towns)) if o not in seen]
        seen.update(owners)
        for label in owners:
            code = f"{next(codes):09d}"
            node = ox.NamedNode(iris.region_iri(code))
            extra = [ox.Quad(node, SKOS.notation, ox.Literal(code), SHARED)]
            if label == place.county and place.short != label:
                extra.append(ox.Quad(node, SKOS.altLabel, ox.Literal(place.short, language="zh"), SHARED))
            yield "region", node, label, extra
        for owner in owners:
            if owner != place.province:
                for suffix in AGENCY_SUFFIXES:
                    yield "agency", ox.NamedNode(iris.agency_iri(owner + suffix)), owner + suffix, []
    # Past a million nodes (a corpus's extracted spans keep adding names): each place's work groups.
    for owner in dict.fromkeys(o for p in places() for o in (p.city, p.county, *p.towns)):
        for stem in PROGRAM_STEMS:
            label = f"{owner}{stem}工作领导小组"
            yield "agency", ox.NamedNode(iris.agency_iri(label)), label, []


CLASSES = {"region": KG.Region, "agency": KG.Agency, "program": KG.Program}


def build(index: LabelIndex, count: int, batch: int = 2000) -> int:
    """Add up to `count` nodes, `batch` nodes per write (a bulk-load batch's new shared nodes)."""
    quads: list[ox.Quad] = []
    added = 0
    for kind, node, label, extra in names():
        if added >= count:
            break
        quads += [ox.Quad(node, RDF.type, CLASSES[kind], SHARED),
                  ox.Quad(node, SKOS.prefLabel, ox.Literal(label, language="zh"), SHARED), *extra]
        added += 1
        if added % batch == 0:
            index.add(quads)
            quads = []
    index.add(quads)
    return added


def queries() -> dict[str, str]:
    """One common character, two characters, a full agency name: built from the generators, not typed in."""
    county = places()[0].county
    common = Counter(p.county[-1] for p in places()).most_common(1)[0][0]
    return {"one character": common, "two characters": AGENCY_SUFFIXES[2][:2],
            "full agency name": county + AGENCY_SUFFIXES[4]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.label_search", description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", required=True, help="labels.sqlite to build (kept and reused when it exists)")
    parser.add_argument("--nodes", type=int, default=200_000, help="nodes to index")
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--limit", type=int, default=20)
    args = parser.parse_args(argv)
    path = Path(args.index)
    fresh = not path.exists()
    index = LabelIndex(path)
    if fresh:
        start = time.perf_counter()
        added = build(index, args.nodes)
        print(f"built {added} nodes in {time.perf_counter() - start:.1f} s, {path.stat().st_size / 2**20:.0f} MiB")
    print(f"{len(index)} typed nodes in {path}")
    for name, query in queries().items():
        hits = index.search(query, args.limit)
        times = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            index.search(query, args.limit)
            times.append((time.perf_counter() - start) * 1000)
        print(f"{name:18} {query:12} hits {len(hits):3}  p50 {percentile(times, 50):8.2f} ms  "
              f"p95 {percentile(times, 95):8.2f} ms  first {hits[0].label if hits else '-'}")
    index.close()


if __name__ == "__main__":
    main()
