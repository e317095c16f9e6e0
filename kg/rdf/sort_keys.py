"""Short byte strings that sort like the long texts they stand for, handed out between existing ones.

A node's claim list is read in claim-IRI order straight from an index (kg.rdf.summaries); keying that index
by the IRI text (~100 bytes, repeated for every node a claim links to) made it most of the summaries' file.
An integer id in insertion order is short but loses the order, since a later page may hold smaller IRIs.
These keys keep both: each new claim gets a key strictly between the keys of its IRI's neighbours already
kept, so byte order of keys (SQLite compares BLOBs with memcmp) is IRI order.

A key is a sequence of integers, each written as a length byte and big-endian bytes (negative ones below
the positive ones, longer ones further out), so memcmp compares keys as sequences. A run after the last key
or before the first takes the next integers (keys grow a byte each time the claims multiply by 256: three
bytes at 25 k claims); a run between two keys takes integers between their first ones, else extends the
lower key by a level: a page's claims inserted between two pages already kept cost two bytes more, not a
copy of the IRI.
"""

from __future__ import annotations

Ints = tuple[int, ...]
GAP = 64  # integers left free before a run appended or prepended: a page later put between two runs fits there


def _encode(value: int) -> bytes:
    if value >= 0:
        size = max(1, (value.bit_length() + 7) // 8)
        return bytes([0x80 + size]) + value.to_bytes(size, "big")
    size = max(1, ((-value - 1).bit_length() + 7) // 8)
    return bytes([0x7F - size]) + ((1 << (8 * size)) + value).to_bytes(size, "big")


def encode(ints: Ints) -> bytes:
    return b"".join(map(_encode, ints))


def decode(key: bytes) -> Ints:
    out, at = [], 0
    while at < len(key):
        head = key[at]
        size = head - 0x80 if head >= 0x80 else 0x7F - head
        if size < 1 or at + 1 + size > len(key):
            raise ValueError(f"not a sort key: {key.hex()}")
        value = int.from_bytes(key[at + 1:at + 1 + size], "big")
        out.append(value if head >= 0x80 else value - (1 << (8 * size)))
        at += 1 + size
    return tuple(out)


def _between(low: Ints | None, high: Ints | None, count: int) -> list[Ints]:
    if high is None:
        first = low[0] + GAP if low else 0
        return [(first + i,) for i in range(count)]
    if not low:
        return [(high[0] - GAP - count + i,) for i in range(count)]
    step = (high[0] - low[0]) // (count + 1)
    if step >= 1:
        return [(low[0] + step * (i + 1),) for i in range(count)]
    # No integer free between the first ones: extend the lower key (a key sorts after its own prefix).
    below = low[1:] or None
    above = high[1:] if high[0] == low[0] else None
    return [(low[0], *tail) for tail in _between(below, above, count)]


def between(low: bytes | None, high: bytes | None, count: int) -> list[bytes]:
    """`count` ascending keys strictly between `low` and `high` (None: no bound on that side)."""
    if count <= 0:
        return []
    lo, hi = (decode(low) if low is not None else None), (decode(high) if high is not None else None)
    if lo is not None and hi is not None and not lo < hi:
        raise ValueError(f"sort keys out of order: {low!r} !< {high!r}")
    return [encode(ints) for ints in _between(lo, hi, count)]
