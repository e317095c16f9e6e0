"""`kg compact`: rewrite a store folder in one bulk load into an empty store, then swap it in whole.

Why: Oxigraph's bulk loader writes LZ4-compressed table files, but once a store holds data, each further load
(and `optimize()`) is merged by RocksDB compaction into its base level, which is written uncompressed; a store
written by many loads takes 1.6-1.8x the disk of the same quads loaded once into an empty store. Copying the
quads (a dump streamed through a pipe into the loader: no N-Quads file on disk, no Python object per quad) is
the one way to get the compact form back.

Safety: the copy is made in a hidden folder beside the store, checked (same number of quads), given the
store's side files (the label index and summaries, labels.sqlite, vacuumed in the copy), and swapped with
the store in one rename, so a reader opening the folder sees the old store or the new one, never half of one.
Until the swap the old store is not touched; on any failure the copy is deleted and the old store stays as it
was. The store is held open for writing during the copy, then closed and held by RocksDB's lock file until
the swap, so no writer (kg ingest, kg serve) can change it under the copy or keep it open across the rename.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import gc
import os
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kg.model import InputError
from kg.rdf.labels import FILE_NAME
from kg.rdf.store import is_store_folder

# Files RocksDB writes in a store folder; anything else there (labels.sqlite and its journal) is ours to carry.
ROCKSDB_NAMES = frozenset({"CURRENT", "IDENTITY", "LOCK"})
ROCKSDB_PREFIXES = ("LOG", "MANIFEST-", "OPTIONS-")
ROCKSDB_SUFFIXES = (".sst", ".log", ".blob", ".dbtmp")


@dataclass(frozen=True)
class CompactReport:
    quads: int
    bytes_before: int
    bytes_after: int


def folder_bytes(folder: Path) -> int:
    """Bytes of every file under `folder` (what the store takes on disk, side files included)."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def side_files(folder: Path) -> list[Path]:
    """Entries of a store folder that RocksDB did not write: they belong to kg and must follow the quads."""
    return sorted(p for p in folder.iterdir()
                  if p.name not in ROCKSDB_NAMES and not p.name.startswith(ROCKSDB_PREFIXES)
                  and not p.name.endswith(ROCKSDB_SUFFIXES))


def _copy_quads(old: ox.Store, fresh: Path) -> int:
    """Load every quad of `old` into a new store at `fresh` in one bulk load; the number of quads copied."""
    new = ox.Store(str(fresh))
    read_end, write_end = os.pipe()
    failures: list[BaseException] = []

    def dump() -> None:
        try:
            with os.fdopen(write_end, "wb") as out:
                old.dump(out, format=ox.RdfFormat.N_QUADS)
        except BaseException as error:  # reported by the loading thread below
            failures.append(error)

    thread = threading.Thread(target=dump, name="kg-compact-dump", daemon=True)
    thread.start()
    try:
        with os.fdopen(read_end, "rb") as stream:  # closed on failure: the dump then stops on a broken pipe
            new.bulk_load(stream, format=ox.RdfFormat.N_QUADS, lenient=True)  # our own dump: already valid
    finally:
        thread.join()
    if failures:  # a dump that stopped early would leave a short copy
        raise failures[0]
    new.flush()
    return len(new)  # the handle is freed on return, so the folder can be renamed and reopened


def _copy_side_files(folder: Path, fresh: Path) -> None:
    for path in side_files(folder):
        if path.is_dir():
            shutil.copytree(path, fresh / path.name)
        else:
            shutil.copy2(path, fresh / path.name)
    index = fresh / FILE_NAME
    if index.exists():
        _vacuum(index)


def _vacuum(path: Path) -> None:
    """Rewrite the copied label index and summaries without the free and part-filled pages that page-by-page
    writes and removals leave (8% of a freshly ingested 5 MB store's file, more after replacements)."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("VACUUM")
    finally:
        db.close()


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2 with RENAME_EXCHANGE); False where the system has none."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL):  # an old kernel, or a file system that cannot exchange
        return False
    raise OSError(code, os.strerror(code), str(a))


def _swap(folder: Path, fresh: Path) -> None:
    """Put `fresh` at `folder` and the old store at `fresh`; where folders cannot be exchanged atomically,
    two renames, the old store moved back if the second fails."""
    if _exchange(folder, fresh):
        return
    parked = fresh.with_name(fresh.name + "-old")
    os.rename(folder, parked)
    try:
        os.rename(fresh, folder)
    except OSError:
        os.rename(parked, folder)
        raise
    os.rename(parked, fresh)


@contextmanager
def _held(folder: Path) -> Iterator[None]:
    """Hold RocksDB's own lock on the store (an fcntl lock on its LOCK file) between closing the store and the
    swap, so no other process opens it there: a RocksDB handle open across the rename would go on writing and
    deleting files by the folder's name, in the new store."""
    handle = os.open(folder / "LOCK", os.O_RDWR)
    try:
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise InputError(str(folder), "another process opened the store during the compact; "
                                          "store left as it was") from None
        yield
    finally:
        os.close(handle)


def compact(folder: Path) -> CompactReport:
    """Rewrite the store at `folder` in one bulk load and swap it in (see the module docstring)."""
    if not is_store_folder(folder):
        raise InputError(str(folder), "not a kg store (no RocksDB CURRENT file there); nothing to compact")
    fresh = folder.with_name(f".{folder.name}.compacting")
    shutil.rmtree(fresh, ignore_errors=True)  # left by a compact that was killed: never swapped in
    before = folder_bytes(folder)
    try:
        old = ox.Store(str(folder))
    except OSError as error:
        raise InputError(str(folder), f"cannot open the store to compact it ({error}); "
                                      "stop the kg serve or ingest using it") from None
    try:
        try:
            expected = len(old)
            copied = _copy_quads(old, fresh)
            if copied != expected:
                raise OSError(f"{folder}: the copy holds {copied} quads, the store {expected}; store left as it was")
            _copy_side_files(folder, fresh)
        finally:
            del old
            gc.collect()  # closed before the swap: RocksDB releases its lock only when the handle is freed
        with _held(folder):
            _swap(folder, fresh)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)  # the copy; the old store was not touched
        raise
    shutil.rmtree(fresh)  # now the old store
    return CompactReport(copied, before, folder_bytes(folder))
