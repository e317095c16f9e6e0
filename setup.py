"""Compiles the extraction modules listed in kg/compiled.py with mypyc at `pip install (-e) .`.

Everything else about the package is in pyproject.toml. If mypyc is missing, refuses a module
or the C compiler fails, the install goes on without the build (a warning) and the pure-Python
sources run: the build is a speed-up, never a requirement.
"""

import importlib.util
import sys
import warnings
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent


def _listing():
    spec = importlib.util.spec_from_file_location("_kg_compiled", HERE / "kg" / "compiled.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses and typing resolve the module by name
    spec.loader.exec_module(module)
    return module


def _extensions() -> list:
    if "egg_info" in sys.argv or "dist_info" in sys.argv:
        return []
    listing = _listing()
    try:
        from mypyc.build import mypycify

        sources = [str(listing.source_of(m, HERE).relative_to(HERE)) for m in listing.MODULES]
        extensions = mypycify(["--ignore-missing-imports", *sources], group_name=listing.GROUP, opt_level="2")
    except (ImportError, SystemExit, Exception) as error:  # mypyc exits on a type error it cannot compile
        _failed(listing, f"mypyc did not compile the extraction ({error!r})")
        return []
    for extension in extensions:
        extension.optional = True  # a C compiler failure leaves the sources running, not a failed install
    return extensions


def _failed(listing, reason: str) -> None:
    """Warn now (pip may hide it) and leave a note kg/compiled.py repeats at every run until a build succeeds."""
    warnings.warn(f"kg: {reason}; the pure-Python sources will run", stacklevel=2)
    (HERE / listing.FAILED_NOTE).write_text(reason + "\n", encoding="utf-8")


class _BuildExt(build_ext):
    """Never fails the install; stamps every build it leaves with the time it ran, since the compiled
    code of all modules lives in the group library and an unchanged module's file is not rewritten
    (kg/compiled.py compares these times with the sources')."""

    def run(self) -> None:
        if not self.extensions:
            return
        listing = _listing()
        try:
            super().run()
        except Exception as error:
            _failed(listing, f"compiling the extraction failed ({error!r})")
            return
        missing = []
        for extension in self.extensions:
            path = Path(self.get_ext_fullpath(extension.name))
            if path.exists():
                path.touch()
            else:
                missing.append(extension.name)
        if missing:
            _failed(listing, f"the C compiler did not build {', '.join(missing)}")
        else:
            (HERE / listing.FAILED_NOTE).unlink(missing_ok=True)


setup(ext_modules=_extensions(), cmdclass={"build_ext": _BuildExt})
