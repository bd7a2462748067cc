"""Surface AST: frozen attrs nodes, each with the span it came from.

Spans are excluded from equality so that Dutch and English spellings of one program compare equal.
"""
from __future__ import annotations

import datetime as _dt
from decimal import Decimal
from typing import Union

import attrs

from .source import Span


def _span():
    return attrs.field(eq=False, repr=False)


# ---------------------------------------------------------------- expressions
@attrs.frozen
class Lit:
    kind: str  # money | number | percent | date | duration | bool | string
    value: object  # Decimal | int | date | (amount, unit) | bool | str
    span: Span = _span()


@attrs.frozen
class Name:
    name: str
    span: Span = _span()


@attrs.frozen
class Field:
    obj: "Expr"
    name: str
    span: Span = _span()


@attrs.frozen
class Unary:
    op: str  # neg | niet
    operand: "Expr"
    span: Span = _span()


@attrs.frozen
class Binary:
    op: str  # + - * / en of = ≠ < <= > >=
    left: "Expr"
    right: "Expr"
    span: Span = _span()


@attrs.frozen
class Between:
    value: "Expr"
    low: "Expr"
    high: "Expr"
    span: Span = _span()


@attrs.frozen
class IfExpr:
    cond: "Expr"
    then: "Expr"
    otherwise: "Expr"
    span: Span = _span()


@attrs.frozen
class Call:
    func: str
    args: tuple["Expr", ...]
    span: Span = _span()


@attrs.frozen
class PerPeriod:
    expr: "Expr"
    period: str  # maand | jaar
    span: Span = _span()


@attrs.frozen
class Round:
    expr: "Expr"
    mode: str  # half_up | down | up
    unit: object  # "cent" | "euro" | Decimal (a multiple of euros)
    span: Span = _span()


@attrs.frozen
class Aggregate:
    kind: str  # sum | count | exists | all
    var: str
    collection: "Expr"
    body: "Expr | None"
    filter: "Expr | None"
    span: Span = _span()


Expr = Union[Lit, Name, Field, Unary, Binary, Between, IfExpr, Call, PerPeriod, Round, Aggregate]


# ---------------------------------------------------------------- types
@attrs.frozen
class TypeRef:
    words: tuple[str, ...]  # ("geld",), ("geheel", "getal"), ("SoortGift",)
    period: str | None
    span: Span = _span()


@attrs.frozen
class ListType:
    elem: "TypeExpr"
    span: Span = _span()


@attrs.frozen
class BoolType:
    span: Span = _span()


TypeExpr = Union[TypeRef, ListType, BoolType]


# ---------------------------------------------------------------- declarations
@attrs.frozen
class Text:
    value: str
    span: Span = _span()


@attrs.frozen
class Validity:
    start: _dt.date | None
    end: _dt.date | None  # exclusive; `tot en met D` is stored as D + 1 day
    span: Span = _span()


@attrs.frozen
class Header:
    lang: str
    span: Span = _span()


@attrs.frozen
class ImportBinding:
    """`invoernaam = uitdrukking` under an import: the imported input is computed, not asked."""

    name: str
    value: "Expr"
    span: Span = _span()


@attrs.frozen
class Import:
    path: str
    bindings: tuple[ImportBinding, ...]
    span: Span = _span()


@attrs.frozen
class EnumDecl:
    name: str
    # (member, span) pairs; only the member names take part in equality
    members: tuple[tuple[str, Span], ...] = attrs.field(eq=lambda ms: tuple(m for m, _ in ms))
    span: Span = _span()


@attrs.frozen
class RecordField:
    name: str
    type: TypeExpr
    span: Span = _span()


@attrs.frozen
class RecordDecl:
    name: str
    fields: tuple[RecordField, ...]
    span: Span = _span()


@attrs.frozen
class InputDecl:
    name: str
    type: TypeExpr
    discretionary: bool  # a `beslissing`: a kan-bepaling exercised by the college
    question: Text | None
    source: Text | None
    explanation: Text | None
    default: Expr | None
    by: Text | None
    span: Span = _span()


@attrs.frozen
class ParamValue:
    value: Expr
    validity: Validity | None
    source: Text | None
    span: Span = _span()


@attrs.frozen
class ParamDecl:
    name: str
    type: TypeExpr
    source: Text | None
    explanation: Text | None
    values: tuple[ParamValue, ...]
    span: Span = _span()


@attrs.frozen
class Rule:
    label: str | None
    exception_to: str | None
    cond: Expr | None
    value: Expr | None
    source: Text | None
    explanation: Text | None
    validity: Validity | None
    span: Span = _span()


@attrs.frozen
class Precondition:
    label: str | None
    cond: Expr
    source: Text | None
    reason: Text | None
    span: Span = _span()


@attrs.frozen
class DefDecl:
    name: str
    type: TypeExpr
    is_outcome: bool
    source: Text | None
    explanation: Text | None
    validity: Validity | None
    default: Expr | None
    preconditions: tuple[Precondition, ...]
    rules: tuple[Rule, ...]
    span: Span = _span()


Decl = Union[Header, Import, EnumDecl, RecordDecl, InputDecl, ParamDecl, DefDecl]


@attrs.frozen
class Module:
    path: str
    lang: str
    decls: tuple[Decl, ...]
