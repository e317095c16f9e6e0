"""Which extraction modules mypyc compiles, and whether an import gets the build or the source.

Why: extraction must keep pace with jieba's precise cut of the same text (issue 17), and its
profile is flat (no function above 5 %), so the remaining cost is the interpreter's own work.
mypyc turns the typed modules below into C extensions at `pip install -e .` (setup.py); the
source stays the truth and runs unchanged where no build is present.

A build is used only when it is whole and fresh: every module below built, none older than its
source (an editable install must never run stale code after an edit). Otherwise, or with
`KG_PURE=1`, all of them load from source: compiled modules call one another natively, so half
a build cannot be mixed with source. This file is plain Python (setup.py loads it by path).
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

# The shared library of the compiled group: kg/native__mypyc.<abi>.so, inside the package so the
# editable install's finder reaches it.
GROUP = "kg.native"

# kg.model is in: the dataclasses every stage passes along, whose fields compiled code then reads
# natively (the interpreter's attribute lookups were the largest cost left after the rest was compiled).
# Left out: the package __init__ files (re-exports only);
# linking.features (its registry sets attributes on feature functions, which compiled functions
# refuse: linking.firing holds its per-candidate work); linking.train, evaluate and gold (fitting and
# evaluation, with scikit-learn).
MODULES = (
    "kg.model",
    "kg.text.articles",
    "kg.text.bisection",
    "kg.text.blocks",
    "kg.text.continuations",
    "kg.text.dates",
    "kg.text.decode",
    "kg.text.headlines",
    "kg.text.layout",
    "kg.text.lines",
    "kg.text.matching",
    "kg.text.normalise",
    "kg.text.page",
    "kg.text.pagelines",
    "kg.text.paragraphs",
    "kg.text.segment",
    "kg.text.sentences",
    "kg.text.similarity",
    "kg.text.variants",
    "kg.text.words",
    "kg.extract.agencies",
    "kg.extract.claims",
    "kg.extract.entities",
    "kg.extract.gazetteer",
    "kg.extract.metrics",
    "kg.extract.numbers",
    "kg.extract.page_search",
    "kg.extract.periods",
    "kg.extract.programs",
    "kg.extract.regions",
    "kg.extract.script",
    "kg.extract.units",
    "kg.extract.linking.candidates",
    "kg.extract.linking.context",
    "kg.extract.linking.firing",
    "kg.extract.linking.scorer",
)

ROOT = Path(__file__).resolve().parent.parent
FAILED_NOTE = "kg/native.failed"  # under ROOT: why the last install's build failed (setup.py writes it)


def source_of(module: str, root: Path = ROOT) -> Path:
    """The module's .py file. Compiled modules find the files beside them from it: mypyc gives them a
    `__file__` under the group library's folder (kg/kg/extract/... here), not their own."""
    return root.joinpath(*module.split(".")).with_suffix(".py")


def build_of(module: str, root: Path = ROOT) -> Path | None:
    """The extension file built for `module`, if there is one."""
    stem = root.joinpath(*module.split("."))
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        path = stem.with_name(stem.name + suffix)
        if path.exists():
            return path
    return None


def why_source(modules: Sequence[str] = MODULES, root: Path = ROOT) -> str | None:
    """None when the build may be used; else why the sources run instead ("" when nothing was built,
    which needs no warning)."""
    if os.environ.get("KG_PURE", "") not in ("", "0"):
        return ""
    note = root / FAILED_NOTE
    if note.exists():
        return f"the compiled build failed at install: {note.read_text(encoding='utf-8').strip()}"
    builds = {m: build_of(m, root) for m in (*modules, GROUP + "__mypyc")}
    missing = [m for m, path in builds.items() if path is None]
    if len(missing) == len(builds):
        return ""
    if missing:
        return f"the compiled build is incomplete ({', '.join(missing)} not built)"
    for m in modules:
        build = builds[m]
        if build is not None and source_of(m, root).stat().st_mtime > build.stat().st_mtime:
            return f"{source_of(m, root)} is newer than its compiled build {build.name}"
    return None


class _SourceFinder(importlib.abc.MetaPathFinder):
    """Imports the listed modules from their .py files, ahead of the extension files beside them."""

    def __init__(self, modules: Sequence[str], root: Path) -> None:
        self.modules = frozenset(modules)
        self.root = root

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in self.modules:
            return None
        return importlib.util.spec_from_file_location(fullname, source_of(fullname, self.root))


def install(modules: Sequence[str] = MODULES, root: Path = ROOT) -> bool:
    """Decide once per process, before any listed module is imported; True when the build is used."""
    reason = why_source(modules, root)
    if reason is None:
        return True
    if reason:
        warnings.warn(f"{reason}: running the pure-Python sources (rebuild with `pip install -e .`)",
                      RuntimeWarning, stacklevel=2)
    if not _finder(modules, root):
        sys.meta_path.insert(0, _SourceFinder(modules, root))
    return False


def _finder(modules: Sequence[str], root: Path) -> bool:
    return any(isinstance(f, _SourceFinder) and f.modules == frozenset(modules) and f.root == root
               for f in sys.meta_path)


def compiled() -> bool:
    """Whether this process runs the compiled build of kg (asked by benchmarks and tests)."""
    return not _finder(MODULES, ROOT)
