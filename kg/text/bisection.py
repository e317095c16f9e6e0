"""Bisection over sorted lists of offsets, compiled (kg/compiled.py): `bisect.bisect_left` and
`bisect_right` for lists of ints.

Why: the linker bisects ~50,000 times per megabyte (which mentions lie in a sentence, how many
sentences back a place was last named). The stdlib's bisect is C, but called from compiled code it
goes through the interpreter's calling convention and compares boxed ints; this loop, compiled,
costs a fraction of that (issue 17). tests/test_words.py holds both to the stdlib's answers.
"""

from __future__ import annotations


def bisect_left(values: list[int], x: int) -> int:
    """Where `x` goes in the sorted `values`, before any equal items."""
    lo, hi = 0, len(values)
    while lo < hi:
        mid = (lo + hi) // 2
        if values[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


def bisect_right(values: list[int], x: int) -> int:
    """Where `x` goes in the sorted `values`, after any equal items."""
    lo, hi = 0, len(values)
    while lo < hi:
        mid = (lo + hi) // 2
        if x < values[mid]:
            hi = mid
        else:
            lo = mid + 1
    return lo
