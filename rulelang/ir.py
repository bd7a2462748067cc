"""The intermediate form: typed expressions, rule trees with exceptions, validity and citations.

Both the code generator and the explanation renderer read this; nothing here knows about lark.
"""
from __future__ import annotations

import datetime as _dt
from decimal import Decimal

import attrs

from .source import Span
from .types import Type


# ---------------------------------------------------------------- expressions
@attrs.define
class Const:
    value: object
    type: Type
    span: Span


@attrs.define
class Ref:
    symbol: int  # index into Program.symbols; -1 is the peildatum
    type: Type
    span: Span


@attrs.define
class Var:
    slot: int  # aggregation variable
    name: str
    type: Type
    span: Span


@attrs.define
class GetField:
    obj: object
    name: str
    type: Type
    span: Span


@attrs.define
class Unary:
    op: str  # neg | niet
    operand: object
    type: Type
    span: Span


@attrs.define
class Binary:
    op: str  # + - * / en of = ≠ < <= > >=
    left: object
    right: object
    type: Type
    span: Span


@attrs.define
class Between:
    value: object
    low: object
    high: object
    type: Type
    span: Span


@attrs.define
class If:
    cond: object
    then: object
    otherwise: object
    type: Type
    span: Span


@attrs.define
class Builtin:
    name: str  # canonical (Dutch) builtin name
    args: list
    type: Type
    span: Span


@attrs.define
class Round:
    expr: object
    mode: str  # half_up | down | up
    quantum: Decimal
    type: Type
    span: Span
    site: int = 0  # index in Program.roundings, for the trace


@attrs.define
class Aggregate:
    kind: str  # sum | count | exists | all
    slot: int
    var: str
    collection: object
    body: object | None
    filter: object | None
    type: Type
    span: Span


# ---------------------------------------------------------------- declarations
@attrs.define
class Validity:
    start: _dt.date | None = None
    end: _dt.date | None = None  # exclusive

    def contains(self, d: _dt.date) -> bool:
        return (self.start is None or self.start <= d) and (self.end is None or d < self.end)

    def overlaps(self, other: "Validity") -> bool:
        lo = max(self.start or _dt.date.min, other.start or _dt.date.min)
        hi = min(self.end or _dt.date.max, other.end or _dt.date.max)
        return lo < hi

    @property
    def unbounded(self) -> bool:
        return self.start is None and self.end is None


@attrs.define
class ParamVersion:
    value: object  # the Python value (Decimal, int, date, ...)
    validity: Validity
    source: str | None
    span: Span


@attrs.define
class Precondition:
    index: int
    label: str | None
    cond: object
    source: str | None
    reason: str | None
    span: Span


@attrs.define
class Rule:
    id: int
    symbol: int  # the definition it belongs to
    label: str | None
    parent: int | None  # the rule this one is an exception to
    children: list[int]
    cond: object | None
    value: object
    source: str | None
    explanation: str | None
    validity: Validity
    span: Span


@attrs.define
class Symbol:
    id: int
    kind: str  # invoer | beslissing | parameter | definitie | uitkomst
    name: str
    type: Type
    span: Span
    source: str | None = None
    explanation: str | None = None
    question: str | None = None
    by: str | None = None
    default: object | None = None
    # parameters
    versions: list[ParamVersion] = attrs.Factory(list)
    # definitions
    validity: Validity = attrs.Factory(Validity)
    preconditions: list[Precondition] = attrs.Factory(list)
    roots: list[int] = attrs.Factory(list)  # rule ids at the top of the exception tree
    deps: list[int] = attrs.Factory(list)  # symbols this definition reads (for docs and impact)

    @property
    def is_input(self) -> bool:
        return self.kind in ("invoer", "beslissing")

    @property
    def is_definition(self) -> bool:
        return self.kind in ("definitie", "uitkomst")


@attrs.define
class RoundingSite:
    index: int
    mode: str
    quantum: Decimal
    span: Span


@attrs.define
class Program:
    root: str
    files: list[str]
    languages: dict[str, str]  # file -> nl/en
    enums: dict[str, list[str]]
    records: dict[str, list[tuple[str, Type]]]
    symbols: list[Symbol]
    rules: list[Rule]
    roundings: list[RoundingSite]
    source_hash: str = ""

    def symbol(self, name: str) -> Symbol | None:
        for s in self.symbols:
            if s.name == name:
                return s
        return None

    @property
    def outcomes(self) -> list[Symbol]:
        return [s for s in self.symbols if s.kind == "uitkomst"]
