"""Inspect a SPARQL request before it runs: what it may reach, how deep it nests, what it answers.

Neither pyoxigraph nor rdflib can switch federation off: pyoxigraph sends
`SERVICE` and `LOAD` requests as written. So every request is parsed by
rdflib's SPARQL parser and its parse tree walked: a `SERVICE` or `LOAD` whose
target is not an allow-listed IRI (a variable, a relative IRI, anything else)
is refused wherever it sits (sub-selects, EXISTS, update WHERE clauses), and
the query form says what shape the answer has. Text scanning decides nothing
here: `.SERVICE`, escapes such as `\\u0053ERVICE` and comments are what the
parser makes of them.

Both parsers are recursive, so nesting is bounded twice (docs/security.md):
`prescreen` counts brackets in the server before anything else sees the text,
counting those inside `<...>` runs as well, since a run like `1<((((...))))&&2>1`
is a comparison to one parser and an IRI to a naive lexer; and `check_query` /
`check_update` run only in a killable worker process under a raised recursion
limit, so a text that still exhausts a parser ends a worker, never the server.
The same tokens place the `USING` clauses a protocol `using-graph-uri` asks for.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox
from pyparsing import ParseBaseException
from rdflib.plugins.sparql.algebra import translatePrologue
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import URIRef, Variable

MAX_QUERY_CHARS = 100_000
MAX_NESTING = 40
# rdflib's parser spends about 30 Python frames per bracket level and a few per pattern of a
# group; past this many frames (never reached within MAX_NESTING) it gives up with RecursionError.
PARSER_RECURSION = 60_000

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
  | (?P<word>(?:[\w\-.:%\u00b7]|\\.)+)
  | (?P<open>[{(\[])
  | (?P<close>[})\]])
  | (?P<punct>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_IRI_BRACKETS = re.compile(r"[{(\[})\]]")
FORMS = {"SelectQuery": "SELECT", "ConstructQuery": "CONSTRUCT", "AskQuery": "ASK", "DescribeQuery": "DESCRIBE"}


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


@dataclass(frozen=True)
class Checked:
    """What the parse tree says about a request that may run."""

    form: str  # SELECT, CONSTRUCT, ASK, DESCRIBE or UPDATE
    names_dataset: bool  # FROM / FROM NAMED (a query) or USING / WITH (an update) in the text


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


def nesting(text: str) -> int:
    """The deepest bracket nesting of a text, counting brackets inside `<...>` runs as well.

    Whether `<` opens an IRI or compares depends on the grammar around it, so a
    run between `<` and `>` is read both ways: its brackets count as if it were
    expression text. A real IRI rarely holds a bracket, and then a balanced one.
    """
    depth = deepest = 0
    for tok in tokens(decode_escapes(text)):
        if tok.kind == "iri":
            marks = _IRI_BRACKETS.findall(tok.text)
        else:
            marks = [tok.text] if tok.kind in ("open", "close") else []
        for mark in marks:
            depth = depth + 1 if mark in "{([" else max(depth - 1, 0)
            deepest = max(deepest, depth)
    return deepest


def prescreen(text: str) -> None:
    """Refuse a text too long or too deep to hand to any parser (cheap: one regex pass)."""
    if len(text) > MAX_QUERY_CHARS:
        raise Refused(f"request text is {len(text)} characters; the limit is {MAX_QUERY_CHARS}")
    deepest = nesting(text)
    if deepest > MAX_NESTING:
        raise Refused(f"request nests {deepest} levels of brackets; the limit is {MAX_NESTING}")


def _nodes(tree: Any) -> Iterator[CompValue]:
    """Every CompValue of a parse tree, walked with an explicit stack (no recursion of our own)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            yield node
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)):  # ParseResults is a list-like too
            stack.extend(node)
        elif hasattr(node, "as_list") and not isinstance(node, str):
            stack.extend(list(node))


def _target(term: Any, prologue: Any, keyword: str, allowed: frozenset[str]) -> None:
    if isinstance(term, Variable):
        raise Refused(f"{keyword} with a variable target is not allowed; name an allowed IRI")
    try:
        iri = prologue.absolutize(term)
    except Exception:  # noqa: BLE001 (rdflib raises bare Exception for an unknown prefix)
        raise Refused(f"{keyword} target does not resolve to an IRI") from None
    if not isinstance(iri, URIRef) or str(iri) not in allowed:
        raise Refused(f"{keyword} <{iri}> is not allowed: this endpoint only reaches allow-listed services")


def _reach(tree: Any, prologue: Any, allowed: frozenset[str]) -> None:
    for node in _nodes(tree):
        if node.name == "ServiceGraphPattern":
            _target(node.term, prologue, "SERVICE", allowed)
        elif node.name == "Load":
            _target(node.iri, prologue, "LOAD", allowed)


def _parse(parser: Any, text: str) -> Any:
    """Parse under the process's recursion limit (raised to PARSER_RECURSION only in query workers)."""
    try:
        return parser(text)
    except ParseBaseException as error:
        raise SyntaxError(str(error)) from None
    except RecursionError:
        raise Refused("request nests too deeply for the SPARQL parser") from None


def check_query(text: str, allowed: frozenset[str] = frozenset()) -> Checked:
    """Parse a query and refuse it if it reaches outside; its form and whether it names a dataset.

    Raises Refused, or SyntaxError when rdflib's parser rejects the text. Meant
    for a worker process (see the module docstring).
    """
    prescreen(text)
    parsed = _parse(parseQuery, text)
    prologue, body = parsed[0], parsed[1]
    _reach(body, translatePrologue(prologue, None), allowed)
    return Checked(FORMS[body.name], "datasetClause" in body)  # CompValue.get answers its key when absent


class Verdicts:
    """The guard's passes on query texts it has parsed, the most recently used kept.

    rdflib's parser takes tens to hundreds of milliseconds on an ordinary query,
    often more than evaluating it, and the editor's examples and the browser's
    own queries are sent again and again. A pass is still read from the parse
    tree, once per distinct text and allow-list: a text that differs by one
    character is parsed afresh, and a refused text is parsed every time it is
    sent. The texts kept are bounded in characters, not count (a text may be
    MAX_QUERY_CHARS long).
    """

    def __init__(self, budget_chars: int = 4_000_000) -> None:
        self.budget_chars = budget_chars
        self._kept: OrderedDict[tuple[str, frozenset[str]], Checked] = OrderedDict()
        self._chars = 0
        self._lock = threading.Lock()

    def get(self, text: str, allowed: frozenset[str]) -> Checked | None:
        with self._lock:
            checked = self._kept.get((text, allowed))
            if checked is not None:
                self._kept.move_to_end((text, allowed))
            return checked

    def put(self, text: str, allowed: frozenset[str], checked: Checked) -> None:
        if len(text) > self.budget_chars:
            return
        with self._lock:
            if (text, allowed) in self._kept:
                return
            self._kept[(text, allowed)] = checked
            self._chars += len(text)
            while self._chars > self.budget_chars:
                (old, _), _ = self._kept.popitem(last=False)
                self._chars -= len(old)


def _data_blocks(text: str) -> list[tuple[int, int]]:
    """Where the contents of each top-level `INSERT DATA { … }` / `DELETE DATA { … }` lie, by the lexer."""
    toks = list(tokens(text))
    blocks, i = [], 0
    while i + 2 < len(toks):
        verb, data, brace = toks[i], toks[i + 1], toks[i + 2]
        if verb.depth == 0 and verb.keyword in ("INSERT", "DELETE") and data.keyword == "DATA" and brace.text == "{":
            end = next((j for j in range(i + 3, len(toks)) if toks[j].kind == "close" and toks[j].depth == 0), None)
            if end is None:
                break
            blocks.append((brace.start + 1, toks[end].start))
            i = end + 1
        else:
            i += 1
    return blocks


def _plain_data(content: str, prologue: Any) -> None:
    """Refuse a DATA block that is not plain quads: it must read as TriG, which holds no operation."""
    declarations = "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in prologue.namespace_manager.namespaces())
    base = str(prologue.base) if prologue.base else None
    for candidate in (content, content + "\n."):  # SPARQL lets the last default-graph triple go without "."
        try:
            for _ in ox.parse(declarations + candidate, format=ox.RdfFormat.TRIG, base_iri=base):
                pass
            return
        except SyntaxError:
            continue
    raise Refused("an INSERT DATA / DELETE DATA block could not be read as plain data")


def check_update(text: str, allowed: frozenset[str] = frozenset()) -> Checked:
    """Parse an update and refuse it if any operation reaches outside (see check_query).

    rdflib's grammar recurses once per triple of a DATA block (seconds for a
    few hundred), so each `INSERT DATA` / `DELETE DATA` block is emptied for
    rdflib and read instead by pyoxigraph's TriG parser, which accepts data and
    nothing else: whatever the lexer took for a block must be plain quads.
    """
    prescreen(text)
    decoded = decode_escapes(text)
    blocks = _data_blocks(decoded)
    skeleton, last = [], 0
    for start, end in blocks:
        skeleton.append(decoded[last:start] + " ")
        last = end
    skeleton.append(decoded[last:])
    parsed = _parse(parseUpdate, "".join(skeleton))
    names_dataset = False
    prologue = translatePrologue([], None)
    operations = parsed["request"] if "request" in parsed else []
    for part_prologue, operation in zip(parsed["prologue"], operations, strict=False):
        prologue = translatePrologue(part_prologue, None, prologue=prologue)
        _reach(operation, prologue, allowed)
        names_dataset |= "using" in operation or "withClause" in operation
    for start, end in blocks:
        _plain_data(decoded[start:end], prologue)
    return Checked("UPDATE", names_dataset)


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
