"""The base class of every generated rule set, and the entry point that evaluates outcomes."""
from __future__ import annotations

import datetime as _dt
import decimal
from decimal import Decimal

import attrs

from . import signals
from .trace import Tracer
from .values import CONTEXT

UNSET = object()  # a memo slot not yet computed
NONE = object()  # "no rule applied" inside a rule tree


@attrs.frozen
class Decision:
    """A discretionary decision of the college (kan-bepaling), with its provenance."""

    value: object
    by: str
    date: _dt.date | None
    motivation: str


class Evaluation:
    """One evaluation of a rule set for one case on one peildatum. Values are memoised per instance."""

    __slots__ = ("_f", "_b", "_p", "_tr")
    META: dict = {}
    GETTERS: tuple = ()

    def __init__(self, facts: dict, decisions: dict, peildatum: _dt.date, tracer: Tracer | None = None):
        self._f = facts
        self._b = decisions
        self._p = peildatum
        self._tr = tracer

    def value(self, name: str):
        return self.GETTERS[self.META["index"][name]](self)


@attrs.define
class OutcomeResult:
    name: str
    status: str  # ok | geblokkeerd | ontbreekt | fout
    value: object = None
    signal: object = None  # the Signal that stopped it


def evaluate(cls, facts: dict, decisions: dict, peildatum: _dt.date, names: list[str] | None = None,
             trace: bool = False):
    """Evaluate the named outcomes (default: all `uitkomst` declarations). Never raises for bad input:
    a missing input, blocked precondition or rule error becomes that outcome's status."""
    if _has_float(facts.values()) or _has_float([getattr(d, "value", d) for d in decisions.values()]):
        _no_floats(facts, "feit")
        for name, d in decisions.items():
            _no_floats({name: getattr(d, "value", d)}, "beslissing")
    tracer = Tracer() if trace else None
    # without a trace, the generated class without tracer calls (same results; see codegen.generate_untraced)
    ev = (cls if trace else getattr(cls, "UNTRACED", cls))(facts, decisions, peildatum, tracer)
    getters = type(ev).GETTERS
    meta = cls.META
    names = names if names is not None else meta["outcomes"]
    results = {}
    with decimal.localcontext(CONTEXT):
        for name in names:
            sid = meta["index"][name]
            try:
                v = getters[sid](ev)
                results[name] = OutcomeResult(name, "ok", v)
            except signals.Blocked as s:
                results[name] = OutcomeResult(name, "geblokkeerd", None, s)
            except signals.Missing as s:
                results[name] = OutcomeResult(name, "ontbreekt", None, s)
            except signals.Signal as s:
                results[name] = OutcomeResult(name, "fout", None, s)
            finally:
                if tracer is not None:
                    tracer.end_outcome()
    return ev, results, tracer


_PLAIN = frozenset({bool, int, str, Decimal, _dt.date, type(None)})


def _has_float(values) -> bool:
    """Is there a float anywhere in these values (also inside records and lists)? The quick test;
    _no_floats names the first one."""
    todo = list(values)
    while todo:
        v = todo.pop()
        if type(v) in _PLAIN:
            continue
        if isinstance(v, float):
            return True
        if isinstance(v, dict):
            todo.extend(v.values())
        elif isinstance(v, (list, tuple)):
            todo.extend(v)
    return False


def _no_floats(values: dict, what: str) -> None:
    """A binary float is never exact money: refuse it where it enters (use Decimal, int or text)."""
    todo = list(values.items())
    while todo:
        name, v = todo.pop()
        if isinstance(v, float):
            raise TypeError(f"{what} '{name}' is een float ({v!r}); rulelang rekent exact: geef een Decimal, "
                            "int of tekst")
        if isinstance(v, dict):
            todo.extend((f"{name}.{k}", x) for k, x in v.items())
        elif isinstance(v, (list, tuple)):
            todo.extend((f"{name}[{i + 1}]", x) for i, x in enumerate(v))
