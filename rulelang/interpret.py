"""A reference interpreter: evaluates the intermediate form (ir.Program) directly.

This is the second, independent implementation of the language's meaning, against which the
compiled rule sets are tested (tests/reliability/test_differential.py). It shares nothing with
codegen.py and evaluates the IR node by node, and it does its own calendar and rounding arithmetic;
from the runtime it takes only the shapes of its answers (OutcomeResult, the Signal classes, Duur
values), so that both answers can be compared field by field.

The semantics (docs/taal.md, docs/betrouwbaarheid.md):

* A definition: outside its validity -> NoVersion; then each `vereist` in order, false -> Blocked;
  then the rule tree; no rule applied -> `standaard`, else NoRule.
* A rule tree level (standaardlogica, Catala-style): the rules are tried in order; a rule not in
  force on the peildatum does not apply (nor do its exceptions); a rule's exceptions are tried
  before it, and if one applies, it wins and the rule's own condition is not evaluated; two rules
  that apply at one level are a Conflict (the second is not evaluated further).
* An ArithmeticError inside a definition is a Fault of that definition, attributed to the rule being
  evaluated (-1 for preconditions and the default); signals of other definitions pass unchanged.
* Inputs/decisions without a value and without a default -> Missing. A parameter takes the first
  version in force on the peildatum, else NoVersion.
* Expressions evaluate left to right; `en`/`of`/`als` short-circuit; `a tussen b en c` evaluates
  b, then a, and c only when b <= a; aggregates stop at the first decisive element (bestaat, voor
  alle); function arguments are all evaluated before the function.
* Numbers: Decimal with 34 significant digits (half-even for inexact results such as division),
  int for geheel getal; a `getal` is always a Decimal; `/` divides exactly as Decimal.
* Month arithmetic clamps to the last day of the month; maanden_tussen(a; b) is the largest n with
  a + n maanden <= b (for b before a: -maanden_tussen(b; a)).
* Rounding to a multiple q: the exact quotient x / q rounded to a whole number (half_up: half away
  from zero; down: towards -inf; up: towards +inf) times q; a result that needs more than 34 digits
  is an error (InvalidOperation).
"""
from __future__ import annotations

import datetime as _dt
import decimal
import sys
from decimal import Decimal
from fractions import Fraction

from . import ir
from .runtime import signals
from .runtime.evaluator import OutcomeResult
from .runtime.values import Duur

PEILDATUM = -1
PRECISION = 34
# The arithmetic context of the language (independently written down; a test checks it equals the runtime's).
CONTEXT = decimal.Context(prec=PRECISION, rounding=decimal.ROUND_HALF_EVEN, Emax=999999, Emin=-999999,
                          traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow,
                                 decimal.FloatOperation])


class CalendarError(ArithmeticError):
    """A date that does not exist or lies outside years 1..9999."""


class _Frame:
    __slots__ = ("symbol", "rule")

    def __init__(self, symbol: int):
        self.symbol, self.rule = symbol, -1


# ---------------------------------------------------------------- calendar (own implementation)
def is_leap(y: int) -> bool:
    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)


def days_in_month(y: int, m: int) -> int:
    if m == 2:
        return 29 if is_leap(y) else 28
    return 30 if m in (4, 6, 9, 11) else 31


def make_date(y: int, m: int, d: int) -> _dt.date:
    if not (1 <= y <= 9999 and 1 <= m <= 12 and 1 <= d <= days_in_month(y, m)):
        raise CalendarError(f"geen datum: {y}-{m}-{d}")
    return _dt.date(y, m, d)


def plus_months(d: _dt.date, n: int) -> _dt.date:
    index = d.year * 12 + (d.month - 1) + n
    y, m0 = divmod(index, 12)
    if not 1 <= y <= 9999:
        raise CalendarError(f"jaar {y} buiten de kalender")
    return _dt.date(y, m0 + 1, min(d.day, days_in_month(y, m0 + 1)))


def plus_days(d: _dt.date, n: int) -> _dt.date:
    ordinal = d.toordinal() + n
    if not 1 <= ordinal <= _dt.date.max.toordinal():
        raise CalendarError("datum buiten de kalender")
    return _dt.date.fromordinal(ordinal)


def shift(d: _dt.date, amount: int, unit: str, sign: int) -> _dt.date:
    n = amount * sign
    if unit == "dagen":
        return plus_days(d, n)
    if unit == "weken":
        return plus_days(d, 7 * n)
    if unit == "maanden":
        return plus_months(d, n)
    if unit == "jaren":
        return plus_months(d, 12 * n)
    raise ValueError(f"onbekende eenheid {unit}")


def months_between(a: _dt.date, b: _dt.date) -> int:
    if b < a:
        return -months_between(b, a)
    n = (b.year - a.year) * 12 + (b.month - a.month)
    # a + n maanden lands in b's month; it overshoots only when a's day (clamped) is after b's day
    return n - 1 if plus_months(a, n) > b else n


def years_between(a: _dt.date, b: _dt.date) -> int:
    if b < a:
        return -years_between(b, a)
    n = b.year - a.year
    return n - 1 if plus_months(a, 12 * n) > b else n


# ---------------------------------------------------------------- rounding (own implementation)
def round_to(x: Decimal, quantum: Decimal, mode: str) -> Decimal:
    if not x.is_finite():
        raise decimal.InvalidOperation("geen eindig getal")
    q = Fraction(quantum)
    ratio = Fraction(x) / q
    floor = ratio.numerator // ratio.denominator
    if mode == "down":
        n = floor
    elif mode == "up":
        n = -((-ratio.numerator) // ratio.denominator)
    elif mode == "half_up":  # half away from zero
        a = abs(ratio)
        n = (a.numerator * 2 + a.denominator) // (2 * a.denominator)
        n = n if ratio >= 0 else -n
    else:
        raise ValueError(mode)
    sign, digits, exp = quantum.as_tuple()
    coeff = abs(n) * int("".join(map(str, digits)) or "0")
    if len(str(coeff)) > PRECISION:
        raise decimal.InvalidOperation("het afgeronde bedrag heeft meer dan 34 cijfers")
    negative = (n < 0) != bool(sign) if n != 0 else x.is_signed()
    return Decimal((1 if negative else 0, tuple(int(c) for c in str(coeff)), exp))


# ---------------------------------------------------------------- values
def _le(a, b) -> bool:
    return _compare(a, b, "<=")


def _duration_key(d: Duur) -> tuple[str, int]:
    if d.unit in ("dagen", "weken"):
        return "dagen", d.amount * (7 if d.unit == "weken" else 1)
    return "maanden", d.amount * (12 if d.unit == "jaren" else 1)


def _compare(a, b, op: str) -> bool:
    if isinstance(a, Duur) and isinstance(b, Duur):
        (ka, x), (kb, y) = _duration_key(a), _duration_key(b)
        if op in ("=", "≠"):
            same = ka == kb and x == y
            return same if op == "=" else not same
        if ka != kb:
            raise decimal.InvalidOperation("dagen en maanden zijn niet te vergelijken")
        a, b = x, y
    if op == "=":
        return a == b
    if op == "≠":
        return a != b
    if op == "<":
        return a < b
    if op == "<=":
        return a <= b
    if op == ">":
        return a > b
    if op == ">=":
        return a >= b
    raise ValueError(op)


def _decimal(v):
    if isinstance(v, bool):
        raise TypeError("ja/nee is geen getal")
    return Decimal(v) if isinstance(v, int) else v


def _no_float(v, what: str) -> None:
    todo = [v]
    while todo:
        x = todo.pop()
        if isinstance(x, float):
            raise TypeError(f"{what} is een float")
        if isinstance(x, dict):
            todo.extend(x.values())
        elif isinstance(x, (list, tuple)):
            todo.extend(x)


# ---------------------------------------------------------------- the interpreter
class Interpreter:
    """Evaluates one rule program for one case: facts, decisions, peildatum."""

    def __init__(self, program: ir.Program, facts: dict, decisions: dict, peildatum: _dt.date):
        self.p = program
        self.facts = facts
        self.decisions = decisions
        self.peildatum = peildatum
        self.memo: dict[int, object] = {}
        self.frame: _Frame | None = None

    # -- symbols
    def get(self, sid: int):
        if sid == PEILDATUM:
            return self.peildatum
        if sid in self.memo:
            return self.memo[sid]
        sym = self.p.symbols[sid]
        if sym.kind == "invoer":
            v = self._input(sym)
        elif sym.kind == "beslissing":
            v = self._decision(sym)
        elif sym.kind == "parameter":
            v = self._parameter(sym)
        else:
            v = self._definition(sym)
        self.memo[sid] = v
        return v

    def _typed(self, sym: ir.Symbol, v):
        # a `getal` is a Decimal, also when its expression yields a whole number
        if sym.type.kind == "dec" and isinstance(v, int) and not isinstance(v, bool):
            return Decimal(v)
        return v

    def _input(self, sym: ir.Symbol):
        if sym.name in self.facts:
            return self.facts[sym.name]
        if sym.default is None:
            raise signals.Missing(sym.id)
        return self._typed(sym, self.ev(sym.default, {}))

    def _decision(self, sym: ir.Symbol):
        d = self.decisions.get(sym.name)
        if d is not None:
            return d.value
        if sym.default is None:
            raise signals.Missing(sym.id)
        return self._typed(sym, self.ev(sym.default, {}))

    def _parameter(self, sym: ir.Symbol):
        for version in sym.versions:
            if self._in_force(version.validity):
                v = version.value
                if sym.type.kind in ("money", "dec", "pct") and isinstance(v, int) and not isinstance(v, bool):
                    return Decimal(v)
                if sym.type.kind == "dur":
                    return Duur(v[0], v[1])
                return v
        raise signals.NoVersion(sym.id)

    def _in_force(self, v: ir.Validity) -> bool:
        p = self.peildatum
        return (v.start is None or v.start <= p) and (v.end is None or p < v.end)

    def _definition(self, sym: ir.Symbol):
        outer, self.frame = self.frame, _Frame(sym.id)
        try:
            if not self._in_force(sym.validity):
                raise signals.NoVersion(sym.id)
            for pre in sym.preconditions:
                if not self.ev(pre.cond, {}):
                    raise signals.Blocked(sym.id, pre.index)
            winner, value = self._level(sym, sym.roots)
            if winner is None:
                if sym.default is None:
                    raise signals.NoRule(sym.id)
                self.frame.rule = -1
                value = self.ev(sym.default, {})
            return self._typed(sym, value)
        except signals.Signal:
            raise
        except ArithmeticError as exc:
            raise signals.Fault(sym.id, self.frame.rule, exc) from None
        finally:
            self.frame = outer

    def _level(self, sym: ir.Symbol, rule_ids: list[int]):
        winner = value = None
        for rid in rule_ids:
            w, v = self._rule(sym, rid)
            if w is None:
                continue
            if winner is not None:
                raise signals.Conflict(sym.id, winner, w)
            winner, value = w, v
        return winner, value

    def _rule(self, sym: ir.Symbol, rid: int):
        rule = self.p.rules[rid]
        if not self._in_force(rule.validity):
            return None, None
        if rule.children:
            w, v = self._level(sym, rule.children)
            if w is not None:
                return w, v
        self.frame.rule = rid
        if rule.cond is not None and not self.ev(rule.cond, {}):
            return None, None
        return rid, self.ev(rule.value, {})

    # -- expressions
    def ev(self, e, env: dict):
        method = getattr(self, "_" + type(e).__name__)
        return method(e, env)

    def _Const(self, e: ir.Const, env):
        v, kind = e.value, e.type.kind
        if kind in ("money", "dec", "pct"):
            return _decimal(v)
        if kind == "dur":
            return Duur(v[0], v[1])
        return v

    def _Ref(self, e: ir.Ref, env):
        return self.get(e.symbol)

    def _Var(self, e: ir.Var, env):
        return env[e.slot]

    def _GetField(self, e: ir.GetField, env):
        return self.ev(e.obj, env)[e.name]

    def _Unary(self, e: ir.Unary, env):
        x = self.ev(e.operand, env)
        return (not x) if e.op == "niet" else -x

    def _Binary(self, e: ir.Binary, env):
        op = e.op
        if op == "en":
            left = self.ev(e.left, env)
            return self.ev(e.right, env) if left else left
        if op == "of":
            left = self.ev(e.left, env)
            return left if left else self.ev(e.right, env)
        a = self.ev(e.left, env)
        b = self.ev(e.right, env)
        if op in ("=", "≠", "<", "<=", ">", ">="):
            return _compare(a, b, op)
        if e.left.type.kind == "date":
            return shift(a, b.amount, b.unit, -1 if op == "-" else 1)
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if op == "/":
            return _decimal(a) / b
        raise ValueError(op)

    def _Between(self, e: ir.Between, env):
        low = self.ev(e.low, env)
        v = self.ev(e.value, env)
        if not _le(low, v):
            return False
        return _le(v, self.ev(e.high, env))

    def _If(self, e: ir.If, env):
        return self.ev(e.then, env) if self.ev(e.cond, env) else self.ev(e.otherwise, env)

    def _Builtin(self, e: ir.Builtin, env):
        args = [self.ev(a, env) for a in e.args]
        name = e.name
        if name in ("minimum", "maximum"):
            best = args[0]
            for x in args[1:]:
                if (x < best) if name == "minimum" else (x > best):
                    best = x
            return best
        if name == "absoluut":
            return abs(args[0])
        if name == "jaarbedrag":
            return args[0] * 12
        if name == "maandbedrag":
            return args[0] / 12
        if name == "kalenderjaar":
            return args[0].year
        if name == "kalendermaand":
            return args[0].month
        if name == "maanden_tussen":
            return months_between(args[0], args[1])
        if name == "kalendermaanden_tussen":
            a, b = args
            return (b.year * 12 + b.month) - (a.year * 12 + a.month)
        if name == "dagen_tussen":
            return args[1].toordinal() - args[0].toordinal()
        if name in ("jaren_tussen", "leeftijd"):
            return years_between(args[0], args[1])
        if name == "eerste_dag_van_maand":
            return _dt.date(args[0].year, args[0].month, 1)
        if name == "laatste_dag_van_maand":
            d = args[0]
            return _dt.date(d.year, d.month, days_in_month(d.year, d.month))
        if name == "begin_kalenderjaar":
            return _dt.date(args[0].year, 1, 1)
        if name == "datum":
            return make_date(*args)
        raise ValueError(f"onbekende functie {name}")

    def _Round(self, e: ir.Round, env):
        return round_to(self.ev(e.expr, env), e.quantum, e.mode)

    def _Aggregate(self, e: ir.Aggregate, env):
        items = self.ev(e.collection, env)
        inner = dict(env)
        if e.kind == "sum":
            total = 0 if e.type.kind == "int" else Decimal(0)
            for item in items:
                inner[e.slot] = item
                if e.filter is None or self.ev(e.filter, inner):
                    total = total + self.ev(e.body, inner)
            return total
        if e.kind == "count":
            n = 0
            for item in items:
                inner[e.slot] = item
                if e.filter is None or self.ev(e.filter, inner):
                    n += 1
            return n
        if e.kind == "exists":
            for item in items:
                inner[e.slot] = item
                if e.filter is None or self.ev(e.filter, inner):
                    return True
            return False
        for item in items:  # all
            inner[e.slot] = item
            if (e.filter is None or self.ev(e.filter, inner)) and not self.ev(e.body, inner):
                return False
        return True


def interpret(program: ir.Program, facts: dict, decisions: dict, peildatum: _dt.date,
              names: list[str] | None = None) -> tuple[Interpreter, dict[str, OutcomeResult]]:
    """Evaluate the named outcomes (default: every `uitkomst`) with the same result shape as
    runtime.evaluate: {name: OutcomeResult(status ok|geblokkeerd|ontbreekt|fout, value, signal)}."""
    _no_float(facts, "een feit")
    _no_float([getattr(d, "value", d) for d in decisions.values()], "een beslissing")
    if names is None:
        names = [s.name for s in program.symbols if s.kind == "uitkomst"]
    index = {s.name: s.id for s in program.symbols}
    it = Interpreter(program, facts, decisions, peildatum)
    results: dict[str, OutcomeResult] = {}
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 20_000))  # one Python frame per IR node: deep but bounded (MAX_DEPTH)
    try:
        with decimal.localcontext(CONTEXT):
            for name in names:
                try:
                    results[name] = OutcomeResult(name, "ok", it.get(index[name]))
                except signals.Blocked as s:
                    results[name] = OutcomeResult(name, "geblokkeerd", None, s)
                except signals.Missing as s:
                    results[name] = OutcomeResult(name, "ontbreekt", None, s)
                except signals.Signal as s:
                    results[name] = OutcomeResult(name, "fout", None, s)
    finally:
        sys.setrecursionlimit(limit)
    return it, results
