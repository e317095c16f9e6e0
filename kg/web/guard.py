"""Inspect a SPARQL request before it runs: what it may reach and how big it is.

Neither pyoxigraph nor rdflib can switch federation off: pyoxigraph sends
`SERVICE` and `LOAD` requests as written. So every request is read by a SPARQL
lexer first: keywords are found only outside strings, IRIs and comments, after
the codepoint escapes (`\\u0053ERVICE`) that the grammar says are decoded before
parsing. A `SERVICE` or `LOAD` whose target is not an allow-listed IRI (or is a
variable) is refused; so are over-long or over-nested texts, which would make a
recursive parser run out of stack. The same tokens place the `USING` clauses a
protocol `using-graph-uri` asks for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

MAX_QUERY_CHARS = 100_000
MAX_NESTING = 40

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
  | (?P<word>[\w\-.:%\\\u00b7]+)
  | (?P<open>[{(\[])
  | (?P<close>[})\]])
  | (?P<punct>.)
    """,
    re.VERBOSE | re.DOTALL,
)


class Refused(Exception):
    """A request the service will not run; the message tells the client why."""


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int
    depth: int  # bracket depth before the token

    @property
    def keyword(self) -> str:
        return self.text.upper() if self.kind == "word" else ""


def decode_escapes(text: str) -> str:
    """Apply SPARQL codepoint escapes, as the parser does before reading the text."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def tokens(text: str) -> Iterator[Token]:
    """The significant tokens of a SPARQL text (no spaces, no comments), with bracket depth."""
    depth = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "punct"
        if kind in ("space", "comment"):
            continue
        if kind == "close":
            depth = max(depth - 1, 0)
        yield Token(kind, match.group(), match.start(), depth)
        if kind == "open":
            depth += 1


def _check_size(text: str) -> None:
    if len(text) > MAX_QUERY_CHARS:
        raise Refused(f"request text is {len(text)} characters; the limit is {MAX_QUERY_CHARS}")


def _check_targets(toks: list[Token], allowed: frozenset[str]) -> None:
    for i, tok in enumerate(toks):
        if tok.keyword not in ("SERVICE", "LOAD"):
            continue
        j = i + 1
        if j < len(toks) and toks[j].keyword == "SILENT":
            j += 1
        target = toks[j] if j < len(toks) else None
        if target is None or target.kind != "iri":
            raise Refused(f"{tok.keyword} with a variable or prefixed target is not allowed; name an allowed IRI")
        iri = target.text[1:-1]
        if iri not in allowed:
            raise Refused(f"{tok.keyword} <{iri}> is not allowed: this endpoint only reaches allow-listed services")


def _check_nesting(toks: Iterable[Token]) -> None:
    deepest = max((t.depth + 1 for t in toks if t.kind == "open"), default=0)
    if deepest > MAX_NESTING:
        raise Refused(f"request nests {deepest} levels of brackets; the limit is {MAX_NESTING}")


def inspect(text: str, allowed: frozenset[str] = frozenset()) -> list[Token]:
    """Refuse a query or update that is too large, too deep or reaches outside; return its tokens."""
    _check_size(text)
    toks = list(tokens(decode_escapes(text)))
    _check_nesting(toks)
    _check_targets(toks, allowed)
    return toks


def has_dataset_clause(toks: Iterable[Token]) -> bool:
    """True when an update names its own dataset (USING or WITH) at the top level."""
    return any(t.depth == 0 and t.keyword in ("USING", "WITH") for t in toks)


def add_using(text: str, using: list[str], using_named: list[str]) -> str:
    """Give every top-level `... WHERE` of an update the protocol's USING clauses.

    `using-graph-uri` / `using-named-graph-uri` set the dataset of each
    DELETE/INSERT ... WHERE operation, exactly as USING clauses in the text would.
    """
    decoded = decode_escapes(text)
    clause = " ".join([f"USING <{g}>" for g in using] + [f"USING NAMED <{g}>" for g in using_named]) + " "
    toks = list(tokens(decoded))
    cuts = [
        tok.start
        for prev, tok in zip([None, *toks], toks, strict=False)
        if tok.depth == 0 and tok.keyword == "WHERE" and not (prev is not None and prev.keyword == "DELETE")
    ]
    out, last = [], 0
    for cut in cuts:
        out += [decoded[last:cut], clause]
        last = cut
    out.append(decoded[last:])
    return "".join(out)
