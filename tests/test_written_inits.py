"""The dataclasses whose `__init__` is written out (so mypyc compiles it; kg.compiled) take exactly their
fields, by name, with the fields' defaults: a field added to the class but not to its `__init__` fails here.
Checked on the sources, in a fresh process when this one runs the compiled build (compiled classes check
their arguments' types, and keep `str | None` annotations only as `type`)."""

from __future__ import annotations

import dataclasses
import importlib
import os
import pkgutil
import subprocess
import sys

import pytest

import kg.extract
import kg.text
from kg.compiled import compiled

# The linker's training and evaluation need the train extra (scikit-learn) and hold no written-out class.
MODULES = ["kg.model", *(m.name for package in (kg.text, kg.extract)
                         for m in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
                         if m.name.rsplit(".", 1)[-1] not in ("train", "evaluate"))]


def _written_out() -> list[type]:
    found = []
    for name in MODULES:
        for value in vars(importlib.import_module(name)).values():
            if isinstance(value, type) and value.__module__ == name and dataclasses.is_dataclass(value) \
                    and not value.__dataclass_params__.init:  # type: ignore[attr-defined]
                found.append(value)
    return found


@pytest.mark.skipif(compiled(), reason="checked from the sources by the fresh process below")
def test_some_inits_are_written_out() -> None:
    assert {c.__name__ for c in _written_out()} >= {"Claim", "Quantity", "Sentence", "Mention", "Entity"}


@pytest.mark.skipif(compiled(), reason="checked from the sources by the fresh process below")
@pytest.mark.parametrize("cls", [] if compiled() else _written_out(), ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_a_written_init_takes_the_fields_with_their_defaults(cls: type) -> None:
    fields = dataclasses.fields(cls)
    given = {f.name: object() for f in fields
             if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING}
    made = cls(**given)
    for f in fields:
        expected = given[f.name] if f.name in given else \
            f.default if f.default is not dataclasses.MISSING else f.default_factory()  # type: ignore[misc]
        assert getattr(made, f.name) == expected, f.name
    every = {f.name: object() for f in fields}
    made = cls(**every)
    assert all(getattr(made, name) is value for name, value in every.items())


@pytest.mark.skipif(not compiled(), reason="this process runs the sources: the checks above ran here")
def test_the_compiled_classes_sources_pass_the_checks() -> None:
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", __file__],
                         env={**os.environ, "KG_PURE": "1"}, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0 and " passed" in run.stdout, run.stdout[-3000:]
