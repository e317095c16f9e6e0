"""`/export.ttl`, `.nt`, `.trig`, `.jsonld`: the whole graph, streamed as it is serialised.

The store's exporter writes to a binary stream; a thread feeds that stream
into a bounded queue the response reads from, so the answer starts at once and
memory stays bounded however large the store.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Iterator

from flask import Blueprint, Response, current_app

from kg.web.errors import ApiError

bp = Blueprint("exports", __name__)

EXPORTS = {
    "ttl": ("turtle", "text/turtle; charset=utf-8"),
    "nt": ("ntriples", "application/n-triples; charset=utf-8"),
    "trig": ("trig", "application/trig; charset=utf-8"),
    "jsonld": ("jsonld", "application/ld+json; charset=utf-8"),
}
_CHUNK = 64 * 1024
_DONE = object()


class _QueueWriter:
    """A write-only binary stream whose chunks go to a queue."""

    def __init__(self, chunks: queue.Queue, stop: threading.Event) -> None:
        self.chunks = chunks
        self.stop = stop
        self.buffer = bytearray()

    def write(self, data: bytes) -> int:
        self.buffer += data
        if len(self.buffer) >= _CHUNK:
            self.flush()
        return len(data)

    def flush(self) -> None:
        if not self.buffer:
            return
        while True:
            if self.stop.is_set():
                raise BrokenPipeError("the client went away")
            try:
                self.chunks.put(bytes(self.buffer), timeout=1.0)
                break
            except queue.Full:
                continue
        self.buffer.clear()


def stream_export(store, fmt: str, log: logging.Logger) -> Iterator[bytes]:
    """Run the store's exporter in a thread and yield what it writes."""
    chunks: queue.Queue = queue.Queue(maxsize=16)
    stop = threading.Event()

    def produce() -> None:
        writer = _QueueWriter(chunks, stop)
        try:
            store.export(fmt, writer)
            writer.flush()
        except BrokenPipeError:
            return
        except Exception as error:  # the client sees a cut answer; the log says why
            log.exception("export failed")
            chunks.put(error)
        chunks.put(_DONE)

    threading.Thread(target=produce, daemon=True, name=f"export-{fmt}").start()
    try:
        while (item := chunks.get()) is not _DONE:
            if isinstance(item, Exception):
                break
            yield item
    finally:
        stop.set()


@bp.route("/export.<ext>")
def export(ext: str) -> Response:
    if ext not in EXPORTS:
        raise ApiError(404, f"no export .{ext}; choose one of {', '.join('.' + e for e in EXPORTS)}")
    fmt, media = EXPORTS[ext]
    store = current_app.extensions["kg.store"]
    return Response(stream_export(store, fmt, current_app.logger), content_type=media,
                    headers={"Content-Disposition": f'inline; filename="kg.{ext}"'})
