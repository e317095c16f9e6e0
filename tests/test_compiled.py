"""The compiled build of the extraction is used only whole and fresh; else, or with KG_PURE=1, the sources run."""

from __future__ import annotations

import importlib.machinery
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg import compiled

SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]
MODULES = ("kgfake_pkg.alpha", "kgfake_pkg.beta")


def _tree(root: Path, built: tuple[str, ...] = MODULES, group: bool = True) -> None:
    """Sources of two invented modules, and an (empty, unloadable) build file beside each one in `built`."""
    package = root / "kgfake_pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "alpha.py").write_text("WHERE = 'alpha source'\n")
    (package / "beta.py").write_text("WHERE = 'beta source'\n")
    past = time.time() - 60
    for name in ("__init__.py", "alpha.py", "beta.py"):
        os.utime(package / name, (past, past))
    for module in built:
        compiled.source_of(module, root).with_name(module.rsplit(".", 1)[1] + SUFFIX).write_bytes(b"")
    if group:
        (root / "kg").mkdir()
        (root / "kg" / ("native__mypyc" + SUFFIX)).write_bytes(b"")


@pytest.fixture
def no_pure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KG_PURE", raising=False)


def test_a_whole_fresh_build_is_used(tmp_path: Path, no_pure: None) -> None:
    _tree(tmp_path)
    assert compiled.why_source(MODULES, tmp_path) is None


def test_nothing_built_runs_the_sources_silently(tmp_path: Path, no_pure: None) -> None:
    _tree(tmp_path, built=(), group=False)
    assert compiled.why_source(MODULES, tmp_path) == ""


def test_kg_pure_runs_the_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _tree(tmp_path)
    monkeypatch.setenv("KG_PURE", "1")
    assert compiled.why_source(MODULES, tmp_path) == ""
    monkeypatch.setenv("KG_PURE", "0")
    assert compiled.why_source(MODULES, tmp_path) is None


def test_a_partial_build_is_not_mixed_with_sources(tmp_path: Path, no_pure: None) -> None:
    _tree(tmp_path, built=("kgfake_pkg.alpha",))
    reason = compiled.why_source(MODULES, tmp_path)
    assert reason and "incomplete" in reason and "kgfake_pkg.beta" in reason


def test_a_source_newer_than_its_build_runs_the_sources(tmp_path: Path, no_pure: None) -> None:
    _tree(tmp_path)
    (tmp_path / "kgfake_pkg" / "beta.py").write_text("WHERE = 'beta edited'\n")
    reason = compiled.why_source(MODULES, tmp_path)
    assert reason and "beta.py is newer than its compiled build" in reason


def test_a_failed_install_build_is_named(tmp_path: Path, no_pure: None) -> None:
    """setup.py leaves a note when mypyc or the C compiler failed: every run says so, older builds are not used."""
    _tree(tmp_path)
    (tmp_path / compiled.FAILED_NOTE).write_text("mypyc did not compile the extraction (SystemExit(1))\n")
    reason = compiled.why_source(MODULES, tmp_path)
    assert reason == "the compiled build failed at install: mypyc did not compile the extraction (SystemExit(1))"


def test_a_stale_build_warns_and_imports_the_sources(tmp_path: Path, no_pure: None) -> None:
    """The build files here cannot load: the import succeeds only if it reads the .py files."""
    _tree(tmp_path)
    (tmp_path / "kgfake_pkg" / "alpha.py").write_text("WHERE = 'alpha edited'\n")
    sys.path.insert(0, str(tmp_path))
    before = list(sys.meta_path)
    try:
        with pytest.warns(RuntimeWarning, match="alpha.py is newer"):
            assert compiled.install(MODULES, tmp_path) is False
        from kgfake_pkg import alpha, beta  # type: ignore[import-not-found]

        assert (alpha.WHERE, beta.WHERE) == ("alpha edited", "beta source")
    finally:
        sys.meta_path[:] = before
        sys.path.remove(str(tmp_path))
        for name in ("kgfake_pkg", *MODULES):
            sys.modules.pop(name, None)


def _origin_in_fresh_process(env: dict[str, str]) -> str:
    code = "import kg, kg.extract.claims as m; print(kg.COMPILED, m.__spec__.origin)"
    run = subprocess.run([sys.executable, "-c", code], env={**os.environ, **env}, capture_output=True, text=True,
                         check=True)
    return run.stdout.strip()


def test_kg_pure_loads_the_extraction_from_source() -> None:
    flag, origin = _origin_in_fresh_process({"KG_PURE": "1"}).split()
    assert flag == "False" and origin.endswith("claims.py")


def test_the_real_build_is_used_exactly_when_whole_and_fresh() -> None:
    if os.environ.get("KG_PURE"):
        pytest.skip("KG_PURE is set for this run")
    usable = compiled.why_source() is None
    flag, origin = _origin_in_fresh_process({}).split()
    assert flag == str(usable)
    assert origin.endswith(SUFFIX if usable else "claims.py")
