"""The columnar backend: one rule set evaluated for a whole column of cases at once, with numpy.

Generated from the same IR as the scalar code (codegen.py): `ColumnarProgram(program, outcomes)` writes a
Python function of numpy operations (see `rulelang debug columnar FILE`), one line per step, in the order
of the dependencies. It is exact, not approximately right:

- money, getallen and percentages are exact fractions n/d of int64 arrays (a column read as cents is
  n/100), so sums, comparisons and rounding give the same answers as `Decimal`; a division keeps its
  denominator. An overflow of int64 is detected per row, never wrapped silently.
- every value carries an error mask: the rows where the scalar evaluator would stop (a missing input, a
  blocked precondition, a conflict, no rule, a rekenfout) or where an exact answer is not guaranteed (an
  int64 overflow; a rounding or comparison that lands exactly on a value that `Decimal`, rounding a
  repeating fraction to 34 digits, could see on the other side). The masks follow Python's evaluation
  order: the right side of `en` counts only where the left side is true, a rule's value only where its
  condition holds, the rules under an exception only where no exception applies.

The result says, per outcome, the values and which rows it does not answer. Those rows — and rows the
caller could not convert — are evaluated by the scalar evaluator, which also says why a row fails.
`rulelang batch` does exactly that, so the columnar backend is an accelerator that never changes a
result; tests/test_batch.py and the benchmark check it against the scalar evaluator on every case.

A rule set that uses something the backend does not have (text, durations that are not constants, a list
of lists, an aggregate over something other than a list input) raises `Unsupported` when it is built: then
the scalar evaluator does everything.
"""
from __future__ import annotations

import datetime as _dt
import math
from decimal import Decimal

import numpy as np

from . import ir
from .check import PEILDATUM

LIMIT = 1 << 62  # |n| of a fraction beyond this is treated as an overflow of int64
EPOCH = _dt.date(1970, 1, 1).toordinal()
TERMINATING = 10 ** 18  # d divides 10^18: the fraction has a finite decimal expansion (Decimal is exact)


class Unsupported(Exception):
    """The rule set uses something the columnar backend cannot evaluate."""


# ====================================================================== runtime: exact fractions
class Num:
    """n / d per row: n an int64 array (or numpy scalar), d > 0 a Python int or an int64 array.
    r: the rows where the value is a repeating decimal (None: nowhere)."""

    __slots__ = ("n", "d", "r")

    def __init__(self, n, d, r=None):
        self.n, self.d, self.r = n, d, r


def _maxabs(x) -> int:
    if isinstance(x, np.ndarray):
        if x.size == 0:
            return 0
        return max(abs(int(x.max())), abs(int(x.min())))
    return abs(int(x))


def _fits(n, factor: int) -> bool:
    """Can n * factor not overflow? (No scan when the factor is 1 or n is a constant.)"""
    return factor == 1 or _maxabs(n) * factor < LIMIT


def _or(*masks):
    out = None
    for m in masks:
        if m is None:
            continue
        out = m if out is None else (out | m)
    return out


def _and(mask, cond):
    """mask & cond, where mask may be None."""
    return None if mask is None else (mask & cond)


def imul(a, b):
    """a * b for int64 arrays/ints: (product, rows that overflow)."""
    if _maxabs(a) * _maxabs(b) < LIMIT:
        return np.multiply(a, b, dtype=np.int64) if isinstance(a, np.ndarray) or isinstance(b, np.ndarray) \
            else np.int64(int(a) * int(b)), None
    big = np.abs(np.asarray(a, np.float64) * np.asarray(b, np.float64)) >= LIMIT
    with np.errstate(over="ignore"):
        return np.multiply(a, b, dtype=np.int64), big


def iadd(a, b, sign=1):
    if _maxabs(a) + _maxabs(b) < LIMIT:
        return (a + b if sign > 0 else a - b), None
    f = np.asarray(a, np.float64) + sign * np.asarray(b, np.float64)
    with np.errstate(over="ignore"):
        return (a + b if sign > 0 else a - b), np.abs(f) >= LIMIT


def num_const(value) -> Num:
    if isinstance(value, bool):
        raise Unsupported("ja/nee als getal")
    if isinstance(value, int):
        value = Decimal(value)
    sign, digits, exp = value.as_tuple()
    if not isinstance(exp, int):
        raise Unsupported(f"getal {value}")
    n = int("".join(map(str, digits)) or "0") * (-1 if sign else 1)
    if exp >= 0:
        n, d = n * 10 ** exp, 1
    else:
        d = 10 ** (-exp)
    if abs(n) >= LIMIT or d >= LIMIT:
        raise Unsupported(f"getal {value}")
    return Num(np.int64(n), d)


def as_num(x) -> Num:
    return x if isinstance(x, Num) else Num(np.asarray(x, np.int64) if isinstance(x, np.ndarray) else np.int64(x), 1)


def _reduce(n, d):
    """Divide n and d by their gcd (d an array)."""
    g = np.gcd(n, d)
    g = np.where(g == 0, 1, g)
    return n // g, d // g


def _repeating(d):
    if isinstance(d, np.ndarray):
        return (TERMINATING % np.where(d == 0, 1, d)) != 0
    return None if TERMINATING % d == 0 else True


def add(a, b, sign=1):
    a, b = as_num(a), as_num(b)
    if isinstance(a.d, int) and isinstance(b.d, int):
        L = a.d * b.d // math.gcd(a.d, b.d)
        an, e1 = imul(a.n, L // a.d)
        bn, e2 = imul(b.n, L // b.d)
        s, e3 = iadd(an, bn, sign)
        return Num(s, L, _or(a.r, b.r)), _or(e1, e2, e3)
    an, e1 = imul(a.n, b.d)
    bn, e2 = imul(b.n, a.d)
    d, e3 = imul(a.d, b.d)
    s, e4 = iadd(an, bn, sign)
    n, d = _reduce(s, d)
    return Num(n, d, _or(a.r, b.r)), _or(e1, e2, e3, e4)


def sub(a, b):
    return add(a, b, -1)


def mul(a, b):
    a, b = as_num(a), as_num(b)
    n, e1 = imul(a.n, b.n)
    if isinstance(a.d, int) and isinstance(b.d, int):
        d, e2 = a.d * b.d, (True if a.d * b.d >= LIMIT else None)
        if e2:
            raise Unsupported("te veel decimalen")
        return Num(n, d, _or(a.r, b.r)), e1
    d, e2 = imul(a.d, b.d)
    n, d = _reduce(n, d)
    return Num(n, d, _or(a.r, b.r)), _or(e1, e2)


def div(a, b):
    """a / b; rows where b = 0 are a rekenfout (error)."""
    a, b = as_num(a), as_num(b)
    zero = b.n == 0
    n, e1 = imul(a.n, b.d)
    d, e2 = imul(a.d, np.where(zero, 1, b.n))
    neg = d < 0
    n, d = np.where(neg, -n, n), np.where(neg, -d, d)
    n, d = _reduce(np.asarray(n, np.int64), np.asarray(d, np.int64))
    err = _or(e1, e2, zero if isinstance(zero, np.ndarray) else (np.bool_(zero) if zero else None))
    return Num(n, d, _or(a.r, b.r, _repeating(d))), err


def neg(a):
    return (Num(-a.n, a.d, a.r) if isinstance(a, Num) else -a), None


def absolute(a):
    return (Num(np.abs(a.n), a.d, a.r) if isinstance(a, Num) else np.abs(a)), None


_CMP = {"=": np.equal, "≠": np.not_equal, "<": np.less, "<=": np.less_equal, ">": np.greater,
        ">=": np.greater_equal}


def compare(op, a, b):
    """A comparison of numbers: (bool array, rows that are not safe)."""
    if not isinstance(a, Num) and not isinstance(b, Num):
        return _CMP[op](a, b), None
    a, b = as_num(a), as_num(b)
    if isinstance(a.d, int) and isinstance(b.d, int):
        L = a.d * b.d // math.gcd(a.d, b.d)
        an, e1 = imul(a.n, L // a.d)
        bn, e2 = imul(b.n, L // b.d)
    else:
        an, e1 = imul(a.n, b.d)
        bn, e2 = imul(b.n, a.d)
    out = _CMP[op](an, bn)
    r = _or(a.r, b.r)
    # a repeating fraction exactly equal to the other side: Decimal (34 digits) may see it either way
    return out, _or(e1, e2, None if r is None else (r & (an == bn)))


def minmax(which, *args):
    best, err = args[0], None
    for x in args[1:]:
        if isinstance(best, Num) or isinstance(x, Num):
            better, e = compare("<" if which == "min" else ">", x, best)
            err = _or(err, e)
            best = _Runtime.where(better, x, best)
        else:
            best = np.minimum(best, x) if which == "min" else np.maximum(best, x)
    return best, err


_MODES = {"half_up", "down", "up"}


def round_to(a, quantum: Decimal, mode: str):
    """Round to a multiple of quantum (Decimal's ROUND_HALF_UP / ROUND_FLOOR / ROUND_CEILING)."""
    a = as_num(a)
    q = num_const(quantum)
    qn, qd = int(q.n), q.d
    N, e1 = imul(a.n, qd)
    D, e2 = imul(a.d, qn)
    if mode == "half_up":
        absn = np.abs(N)
        two, e3 = imul(absn, 2)
        units = np.sign(N) * ((two + D) // (2 * D))
        tie = (absn % D) * 2 == D
    elif mode == "down":
        units, e3, tie = N // D, None, None
    else:
        units, e3, tie = -((-N) // D), None, None
    n, e4 = imul(units, qn)
    unsafe = None if (a.r is None or tie is None) else (a.r & tie)
    return Num(np.asarray(n, np.int64), qd), _or(e1, e2, e3, e4, unsafe)


# ---------------------------------------------------------------------- dates (proleptic ordinals)
_YMD_CACHE: dict = {}  # id(array) -> (array, (y, m, d)): the peildatum is split once per run


def _ymd(o):
    """(year, month, day) of proleptic ordinals, in integer arithmetic (H. Hinnant's civil_from_days)."""
    hit = _YMD_CACHE.get(id(o))
    if hit is not None and hit[0] is o:
        return hit[1]
    # ordinals 1 … 3.652.059 and every intermediate fit in int32 (faster division than int64)
    z = (np.asarray(o, np.int64) - 719163 + 719468).astype(np.int32)  # days since 0000-03-01
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = (doy - (153 * mp + 2) // 5 + 1).astype(np.int64)
    m = np.where(mp < 10, mp + 3, mp - 9).astype(np.int64)
    y = (yoe + era * 400).astype(np.int64) + (m <= 2)
    if isinstance(o, np.ndarray):
        if len(_YMD_CACHE) > 64:
            _YMD_CACHE.clear()
        _YMD_CACHE[id(o)] = (o, (y, m, d))
    return y, m, d


_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], np.int64)


def _month_length(y, m):
    leap = (y % 4 == 0) & ((y % 100 != 0) | (y % 400 == 0))
    return _DAYS[m] + ((m == 2) & leap)


def _from_ymd(y, m, d):
    """Proleptic ordinals of (year, month, day) (days_from_civil)."""
    y = np.asarray(y, np.int64) - (np.asarray(m) <= 2)
    m = np.asarray(m, np.int64)
    era = y // 400
    yoe = y - era * 400
    doy = (153 * np.where(m > 2, m - 3, m + 9) + 2) // 5 + np.asarray(d, np.int64) - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468 + 719163


def year(o):
    return _ymd(o)[0]


def month(o):
    return _ymd(o)[1]


def first_day_of_month(o):
    y, m, _ = _ymd(o)
    return _from_ymd(y, m, 1)


def last_day_of_month(o):
    y, m, _ = _ymd(o)
    return _from_ymd(y, m, _month_length(y, m))


def start_of_year(o):
    y, _, _ = _ymd(o)
    return _from_ymd(y, 1, 1)


def calendar_months_between(a, b):
    ay, am, _ = _ymd(a)
    by, bm, _ = _ymd(b)
    return (by - ay) * 12 + (bm - am)


def months_between(a, b):
    """runtime.values.months_between: the largest n with a + n maanden <= b (negative if b < a)."""
    ay, am, ad = _ymd(a)  # split each column once (the peildatum is cached for the whole run)
    by, bm, bd = _ymd(b)
    swap = np.asarray(b) < np.asarray(a)
    if swap.any():
        ly, lm, ld = np.where(swap, by, ay), np.where(swap, bm, am), np.where(swap, bd, ad)
        hy, hm, hd = np.where(swap, ay, by), np.where(swap, am, bm), np.where(swap, ad, bd)
    else:
        ly, lm, ld, hy, hm, hd = ay, am, ad, by, bm, bd
    n = (hy - ly) * 12 + (hm - lm)
    n = n - ((n > 0) & (np.minimum(ld, _month_length(hy, hm)) > hd))
    return np.where(swap, -n, n)


def years_between(a, b):
    m = months_between(a, b)
    return np.where(m >= 0, m // 12, -((-m) // 12))


def add_duration(o, amount: int, unit: str, sign: int):
    n = amount * sign
    if unit == "dagen":
        return o + n, None
    if unit == "weken":
        return o + 7 * n, None
    months = n * (12 if unit == "jaren" else 1)
    y, m, d = _ymd(o)
    total = y * 12 + (m - 1) + months
    ny, nm = total // 12, total % 12 + 1
    bad = (ny < 1) | (ny > 9999)
    ny = np.where(bad, 2000, ny)
    return _from_ymd(ny, nm, np.minimum(d, _month_length(ny, nm))), (bad if bad.any() else None)


def make_date(y, m, d):
    y, m, d = np.broadcast_arrays(np.asarray(y, np.int64), np.asarray(m, np.int64), np.asarray(d, np.int64))
    ok = (y >= 1) & (y <= 9999) & (m >= 1) & (m <= 12)
    ys, ms = np.where(ok, y, 2000), np.where(ok, m, 1)
    ok &= (d >= 1) & (d <= _month_length(ys, ms))
    return _from_ymd(ys, ms, np.where(ok, d, 1)), ~ok


# ---------------------------------------------------------------------- aggregates over CSR lists
def group_sum(values, owner, n: int, offsets):
    """Sum per row of item values (int64, exact): reduceat over the CSR offsets."""
    if len(owner) == 0:
        return np.zeros(n, np.int64), None
    bound = _maxabs(values) * (int(np.diff(offsets).max()) if n else 0)
    starts = offsets[:-1]
    nonempty = starts < offsets[1:]
    out = np.zeros(n, np.int64)
    if nonempty.any():
        out[nonempty] = np.add.reduceat(np.asarray(values, np.int64), starts[nonempty])
    if bound < LIMIT:
        return out, None
    f = np.zeros(n)
    np.add.at(f, owner, np.asarray(values, np.float64))
    return out, np.abs(f) >= LIMIT


def group_any(mask, owner, n: int):
    if mask is None:
        return None
    out = np.zeros(n, bool)
    out[owner[mask]] = True
    return out


def group_all(mask, owner, n: int):
    bad = np.zeros(n, bool)
    bad[owner[~mask]] = True
    return ~bad


class Columns:
    """The input of a columnar evaluation (what `rulelang batch` or the benchmark converts a table to).

    n: number of rows; peildatum: ordinals (int64). scalars: name -> (values, present): bool, int64,
    date ordinals, enum codes (index in the enumeration, int64), money/getal/percentage as (numerators,
    denominator) — value = numerators / denominator. lists: name -> (offsets (n+1), present, fields)
    with the fields of all items one after the other, in the same encodings."""

    def __init__(self, n: int, peildatum, scalars=None, lists=None):
        self.n, self.peildatum = n, np.asarray(peildatum, np.int64)
        self.scalars: dict = scalars or {}
        self.lists: dict = lists or {}

    def scalar(self, name: str, kind: str):
        """(values, present) of an input or decision; a column that is not there is absent everywhere."""
        if name not in self.scalars:
            zeros = (np.zeros(self.n, np.int64), 1) if kind in ("money", "dec", "pct") else np.zeros(
                self.n, bool if kind == "bool" else np.int64)
            return _Runtime.value(zeros, kind), np.zeros(self.n, bool)
        v, present = self.scalars[name]
        return _Runtime.value(v, kind), present

    def list(self, name: str):
        """(offsets, present, fields, owner) of a list input (owner: the row of each item)."""
        if name not in self.lists:
            return (np.zeros(self.n + 1, np.int64), np.zeros(self.n, bool), {}, np.zeros(0, np.int64))
        offsets, present, fields = self.lists[name]
        owner = np.repeat(np.arange(self.n), np.diff(offsets))
        return offsets, present, fields, owner


# ====================================================================== code generation
class ColumnarProgram:
    """Columnar code for the named outcomes of a program (IR). `run(columns)` gives, per outcome,
    (values, rows not answered); values are numpy arrays, a `Num` for money and numbers."""

    def __init__(self, program: ir.Program, outcomes: list[str]):
        self.p = program
        self.outcomes = list(outcomes)
        self.lines: list[str] = []
        self.tmp = 0
        self.done: dict[int, tuple[str, str | None]] = {}
        self.enum_codes = {name: {m: i for i, m in enumerate(members)} for name, members in program.enums.items()}
        self.rules_of: dict[int, list[ir.Rule]] = {}
        for r in program.rules:
            self.rules_of.setdefault(r.symbol, []).append(r)
        self.consts: dict[str, object] = {}
        index = {s.name: s for s in program.symbols}
        results = []
        for name in self.outcomes:
            s = index[name]
            if s.type.kind not in ("bool", "int", "money", "dec", "pct", "date", "enum"):
                raise Unsupported(f"uitkomst {name} van type {s.type.kind}")
            v, e = self.symbol(s.id)
            results.append(f"{name!r}: ({v}, {e or 'None'})")
        body = "\n".join("    " + line for line in self.lines)
        consts = "".join(f"    # {k} = {_const_text(v)}\n" for k, v in self.consts.items())
        self.source = ("def evaluate(X, C, K):\n"
                       "    # X: the input columns, C: columnar runtime, K: the constants\n"
                       f"{consts}"
                       "    P = X.peildatum\n"
                       f"{body}\n"
                       "    return {" + ", ".join(results) + "}\n")
        self.code = compile(self.source, "<rulelang columnar>", "exec")
        ns: dict = {}
        exec(self.code, ns)
        self._fn = ns["evaluate"]

    @classmethod
    def from_source(cls, source: str, consts: list, outcomes: list[str]) -> "ColumnarProgram":
        """The generated function again, in another process (a batch worker): no IR needed."""
        self = cls.__new__(cls)
        self.outcomes, self.source = list(outcomes), source
        self.consts = {f"K[{i}]": c for i, c in enumerate(consts)}
        self.code = compile(source, "<rulelang columnar>", "exec")
        ns: dict = {}
        exec(self.code, ns)
        self._fn = ns["evaluate"]
        return self

    # -- helpers
    def w(self, line: str):
        self.lines.append(line)

    def t(self, prefix="t") -> str:
        self.tmp += 1
        return f"{prefix}{self.tmp}"

    def const(self, value) -> str:
        name = f"K[{len(self.consts)}]"
        self.consts[name] = value
        return name

    def run(self, X: Columns) -> dict:
        with np.errstate(all="ignore"):
            K = list(self.consts.values())
            try:
                return self._fn(X, _Runtime, K)
            finally:
                _YMD_CACHE.clear()
                _Runtime._VERSION.clear()

    # -- symbols: (value name, error name or None), computed once for all rows
    def symbol(self, sid: int) -> tuple[str, str | None]:
        if sid in self.done:
            return self.done[sid]
        s = self.p.symbols[sid]
        getattr(self, "_sym_" + {"invoer": "input", "beslissing": "input", "parameter": "param",
                                 "definitie": "definition", "uitkomst": "definition"}[s.kind])(s)
        return self.done[sid]

    def _sym_input(self, s: ir.Symbol):
        v, e = f"s{s.id}", f"se{s.id}"
        self.w(f"# {s.kind} {_comment(s.name)}")
        if s.type.kind == "list":
            if s.type.elem.kind != "record":
                raise Unsupported("een lijst van iets anders dan records")
            self.w(f"{v} = X.list({s.name!r})")
            self.w(f"{e} = ~{v}[1]")
            self.done[s.id] = (v, e)
            return
        self._check_kind(s.type)
        pres = f"sp{s.id}"
        self.w(f"{v}, {pres} = X.scalar({s.name!r}, {s.type.kind!r})")
        if s.default is None:
            self.w(f"{e} = ~{pres}")
        else:
            dv, de = self.expr(s.default, None)
            self.w(f"{v} = C.where({pres}, {v}, {dv})")
            self.w(f"{e} = {_mask(_when(de, '~' + pres))}")
        self.done[s.id] = (v, e)

    def _sym_param(self, s: ir.Symbol):
        v, e = f"s{s.id}", f"se{s.id}"
        self._check_kind(s.type)
        self.w(f"# parameter {_comment(s.name)}")
        if len(s.versions) == 1 and s.versions[0].validity.unbounded:
            self.w(f"{v} = {self._const_value(s.versions[0].value, s.type)}")
            self.done[s.id] = (v, None)
            return
        bounds = tuple((pv.validity.start.toordinal() if pv.validity.start else None,
                        pv.validity.end.toordinal() if pv.validity.end else None) for pv in s.versions)
        values = [self._const_value(pv.value, s.type) for pv in s.versions]
        self.w(f"{v}, {e} = C.param(P, {bounds!r}, [{', '.join(values)}])")
        self.done[s.id] = (v, e)

    def _in_force(self, v: ir.Validity) -> str:
        parts = []
        if v.start is not None:
            parts.append(f"(P >= {v.start.toordinal()})")
        if v.end is not None:
            parts.append(f"(P < {v.end.toordinal()})")
        return " & ".join(parts) if parts else "C.TRUE(P)"

    def _sym_definition(self, s: ir.Symbol):
        self._check_kind(s.type)
        self.w(f"# {s.kind} {_comment(s.name)} ({_comment(s.span.file)}:{s.span.line})")
        errs: list[str] = []
        if not s.validity.unbounded:
            errs.append(f"~({self._in_force(s.validity)})")
        for pc in s.preconditions:  # each one stops the evaluation where it does not hold (or fails)
            cv, ce = self.expr(pc.cond, None)
            errs += [f"~{cv}", *ce]
        applies, value, err = self._level(s.roots, s.type)
        v, e = f"s{s.id}", f"se{s.id}"
        if s.default is not None:
            dv, de = self.expr(s.default, None)
            self.w(f"{v} = C.where({applies}, {value}, {dv})")
            errs += [*err, *_when(de, "~" + applies)]
        else:
            self.w(f"{v} = {value}")
            errs += [*err, f"~{applies}"]
        self.w(f"{e} = {_mask(errs)}")
        self.done[s.id] = (v, e)

    def _level(self, rule_ids, typ) -> tuple[str, str, list[str]]:
        """Sibling rules: (applies, value, error terms). Two that apply: a conflict (error)."""
        parts = [self._rule(rid, typ) for rid in rule_ids]
        if len(parts) == 1:
            return parts[0]
        applies, value, err = self.t("a"), self.t("x"), self.t("te")
        self.w(f"{applies}, {value}, {err} = C.level([{', '.join(p[0] for p in parts)}], "
               f"[{', '.join(p[1] for p in parts)}], [{', '.join(_mask(p[2]) for p in parts)}])")
        return applies, value, [err]

    def _rule(self, rid: int, typ) -> tuple[str, str, list[str]]:
        rule = self.p.rules[rid]
        self.w(f"# regel {_comment(rule.label or str(rid))} ({_comment(rule.span.file)}:{rule.span.line})")
        force = None if rule.validity.unbounded else self._in_force(rule.validity)
        if rule.children:
            ca, cv, ce = self._level(rule.children, typ)
        if rule.cond is not None:
            cond, cerr = self.expr(rule.cond, None)
        else:
            cond, cerr = "C.T", []
        val, verr = self.expr(rule.value, None)
        a, x = self.t("a"), self.t("x")
        own = [*cerr, *_when(verr, cond)]  # the value counts where the condition holds
        if rule.children:  # an exception that applies sets the rule itself aside
            self.w(f"{a} = {ca} | (~{ca} & {cond})")
            self.w(f"{x} = C.where({ca}, {cv}, {val})")
            err = [*ce, *_when(own, "~" + ca)]
        else:
            self.w(f"{a} = C.full({cond}, X.n)")
            self.w(f"{x} = {val}")
            err = own
        if force is not None:
            self.w(f"{a} = {a} & {force}")
            err = _when(err, force)
        return a, x, err

    def _check_kind(self, t):
        if t.kind not in ("bool", "int", "money", "dec", "pct", "date", "enum"):
            raise Unsupported(f"type {t.kind}")

    def _const_value(self, value, t) -> str:
        if t.kind in ("money", "dec", "pct"):
            return self.const(num_const(value if not isinstance(value, int) else Decimal(value)))
        if t.kind == "date":
            return str(value.toordinal())
        if t.kind == "enum":
            return str(self.enum_codes[t.name][value])
        if t.kind == "bool":
            return "C.T" if value else "C.F"
        if t.kind == "int":
            if abs(value) >= LIMIT:  # beyond int64: the scalar engine computes it exactly
                raise Unsupported(f"geheel getal {value}")
            return f"C.i64({value!r})"
        raise Unsupported(f"constante van type {t.kind}")

    # -- expressions: (value code, error terms); `item` is (list value name, var slot) inside an aggregate
    def expr(self, e, item) -> tuple[str, list[str]]:
        return getattr(self, "_x_" + type(e).__name__)(e, item)

    def _emit(self, code: str, errs: list[str]) -> tuple[str, list[str]]:
        """A step that may fail or overflow: `value, error = step` on its own line."""
        v, ev = self.t(), self.t("te")
        self.w(f"{v}, {ev} = {code}")
        return v, [*errs, ev]

    def _x_Const(self, e: ir.Const, item):
        if e.type.kind == "dur":
            raise Unsupported("een duur buiten datum ± duur")
        return self._const_value(e.value, e.type), []

    def _x_Ref(self, e: ir.Ref, item):
        if e.symbol == PEILDATUM:
            return ("P" if item is None else f"P[{item[0]}[3]]"), []
        if self.p.symbols[e.symbol].type.kind == "list":
            raise Unsupported("een lijst buiten 'som van/aantal/bestaat/voor alle'")
        v, err = self.symbol(e.symbol)
        if item is None:
            return v, ([err] if err else [])
        owner = f"{item[0]}[3]"
        return f"C.at({v}, {owner})", ([f"C.at({err}, {owner})"] if err else [])

    def _x_Var(self, e: ir.Var, item):
        raise Unsupported("een record als waarde")

    def _x_GetField(self, e: ir.GetField, item):
        if not (isinstance(e.obj, ir.Var) and item is not None and e.obj.slot == item[1]):
            raise Unsupported("een veld van iets anders dan het element van de lijst")
        self._check_kind(e.type)
        return f"C.field({item[0]}, {e.name!r}, {e.type.kind!r})", []

    def _x_Unary(self, e: ir.Unary, item):
        v, err = self.expr(e.operand, item)
        if e.op == "niet":
            return f"(~{v})", err
        return self._emit(f"C.neg({v})", err)

    def _x_Binary(self, e: ir.Binary, item):
        op = e.op
        lv, le = self.expr(e.left, item)
        rv, re = self.expr(e.right, item)
        if op == "en":  # the right side is evaluated where the left side holds
            return f"({lv} & {rv})", [*le, *_when(re, lv)]
        if op == "of":
            return f"({lv} | {rv})", [*le, *_when(re, "~" + lv)]
        err = [*le, *re]
        lk, rk = e.left.type.kind, e.right.type.kind
        numeric = {"money", "dec", "pct"}
        if op in ("=", "≠", "<", "<=", ">", ">="):
            if lk in numeric or rk in numeric:
                return self._emit(f"C.compare({op!r}, {lv}, {rv})", err)
            if lk in ("text", "dur", "record", "list") or rk in ("text", "dur", "record", "list"):
                raise Unsupported(f"vergelijken van {lk}")
            return f"({lv} {_PYOP[op]} {rv})", err
        if lk == "date":
            if not isinstance(e.right, ir.Const) or rk != "dur":
                raise Unsupported("datum ± een duur die geen constante is")
            amount, unit = e.right.value
            return self._emit(f"C.add_duration({lv}, {amount}, {unit!r}, {-1 if op == '-' else 1})", err)
        if op == "/":
            return self._emit(f"C.div({lv}, {rv})", err)
        if lk == rk == "int" and e.type.kind == "int":
            fn = {"+": "C.iadd({0}, {1})", "-": "C.iadd({0}, {1}, -1)", "*": "C.imul({0}, {1})"}[op]
            return self._emit(fn.format(lv, rv), err)
        fn = {"+": "C.add", "-": "C.sub", "*": "C.mul"}[op]
        return self._emit(f"{fn}({lv}, {rv})", err)

    def _x_Between(self, e: ir.Between, item):
        # Python's `lo <= v <= hi`: lo, then v; hi only where lo <= v
        lo, loe = self.expr(e.low, item)
        v, ve = self.expr(e.value, item)
        hi, hie = self.expr(e.high, item)
        a, ae = self._emit(f"C.compare('<=', {lo}, {v})", [])
        b, be = self._emit(f"C.compare('<=', {v}, {hi})", [])
        return f"({a} & {b})", [*loe, *ve, *ae, *_when([*hie, *be], a)]

    def _x_If(self, e: ir.If, item):
        c, ce = self.expr(e.cond, item)
        x, xe = self.expr(e.then, item)
        y, ye = self.expr(e.otherwise, item)
        return f"C.where({c}, {x}, {y})", [*ce, *_when(xe, c), *_when(ye, "~" + c)]

    _DATES = {"kalenderjaar": "C.year", "kalendermaand": "C.month", "eerste_dag_van_maand": "C.first_day_of_month",
              "laatste_dag_van_maand": "C.last_day_of_month", "begin_kalenderjaar": "C.start_of_year",
              "maanden_tussen": "C.months_between", "kalendermaanden_tussen": "C.calendar_months_between",
              "jaren_tussen": "C.years_between", "leeftijd": "C.years_between"}

    def _x_Builtin(self, e: ir.Builtin, item):
        args = [self.expr(a, item) for a in e.args]
        err = [t for _, es in args for t in es]
        vals = [x[0] for x in args]
        n = e.name
        if n in self._DATES:
            return f"{self._DATES[n]}({', '.join(vals)})", err
        if n == "dagen_tussen":
            return f"({vals[1]} - {vals[0]})", err
        if n == "datum":
            return self._emit(f"C.make_date({', '.join(vals)})", err)
        if n in ("minimum", "maximum"):
            return self._emit(f"C.minmax({'min' if n == 'minimum' else 'max'!r}, {', '.join(vals)})", err)
        if n == "absoluut":
            return self._emit(f"C.absolute({vals[0]})", err)
        if n == "jaarbedrag":
            return self._emit(f"C.mul({vals[0]}, 12)", err)
        if n == "maandbedrag":
            return self._emit(f"C.div({vals[0]}, 12)", err)
        raise Unsupported(f"functie {n}")

    def _x_Round(self, e: ir.Round, item):
        v, err = self.expr(e.expr, item)
        return self._emit(f"C.round_to({v}, {self.const(e.quantum)}, {e.mode!r})", err)

    def _x_Aggregate(self, e: ir.Aggregate, item):
        if item is not None:
            raise Unsupported("een lijst binnen een lijst")
        if not isinstance(e.collection, ir.Ref) or self.p.symbols[e.collection.symbol].type.kind != "list":
            raise Unsupported("een aggregaat over iets anders dan een lijst-invoer")
        lv, le = self.symbol(e.collection.symbol)
        inner = (lv, e.slot)
        owner = f"{lv}[3]"
        fv, fe = self.expr(e.filter, inner) if e.filter is not None else ("C.T", [])
        out = self.t("g")
        errs = [le]
        if e.kind in ("sum", "all"):
            bv, be = self.expr(e.body, inner)
            item_err = [*fe, *_when(be, fv)]  # the body where the filter holds
        else:
            item_err = fe
        if e.kind in ("sum", "count"):
            ge = self.t("te")
            body = bv if e.kind == "sum" else "1"
            kind = "int" if e.type.kind == "int" else "num"
            self.w(f"{out}, {ge} = C.group_sum_of({body}, C.full_items({fv}, {owner}), {lv}, X.n, {kind!r})")
            errs.append(ge)
        elif e.kind == "exists":
            self.w(f"{out} = C.group_any(C.full_items({fv}, {owner}), {owner}, X.n)")
        else:
            self.w(f"{out} = C.group_all(C.full_items(~C.full_items({fv}, {owner}) | {bv}, {owner}), {owner}, X.n)")
        if item_err:
            errs.append(f"C.group_any({_mask(item_err)}, {owner}, X.n)")
        return out, errs


_PYOP = {"=": "==", "≠": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


def _mask(terms: list[str]) -> str:
    """Code for the union of error terms ('None': no row fails)."""
    terms = [t for t in terms if t and t != "None"]
    if not terms:
        return "None"
    return terms[0] if len(terms) == 1 else f"C.any_({', '.join(terms)})"


def _when(terms: list[str], cond: str) -> list[str]:
    """Error terms that count only where cond holds (Python did not evaluate them elsewhere)."""
    terms = [t for t in terms if t and t != "None"]
    if not terms or cond == "C.T":
        return terms
    return [f"C.and_({_mask(terms)}, {cond})"]


def _const_text(v) -> str:
    if isinstance(v, Num):
        return str(Decimal(int(v.n)) / Decimal(v.d)) if v.d != 1 else str(int(v.n))
    return repr(v)


def _comment(text: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in text)[:80]


class _Runtime:
    """The functions generated columnar code calls (as `C.…`)."""

    CMP = _CMP
    T, F = np.True_, np.False_

    @staticmethod
    def i64(x):
        return np.int64(x)

    @staticmethod
    def field(lst, name, kind):
        v = lst[2][name]
        if kind in ("money", "dec", "pct"):
            return v if isinstance(v, Num) else Num(np.asarray(v[0], np.int64), int(v[1]))
        return v
    add, sub, mul, div, neg, absolute, compare, minmax, round_to = (staticmethod(f) for f in (
        add, sub, mul, div, neg, absolute, compare, minmax, round_to))
    imul, iadd = staticmethod(imul), staticmethod(iadd)
    year, month, first_day_of_month, last_day_of_month, start_of_year = (staticmethod(f) for f in (
        year, month, first_day_of_month, last_day_of_month, start_of_year))
    months_between, calendar_months_between, years_between = (staticmethod(f) for f in (
        months_between, calendar_months_between, years_between))
    add_duration, make_date, group_any, group_all = (staticmethod(f) for f in (
        add_duration, make_date, group_any, group_all))

    @staticmethod
    def TRUE(p):
        return np.ones(len(p), bool)

    @staticmethod
    def value(v, kind):
        """A column as the backend computes with it: money/getal/percentage as Num."""
        if kind in ("money", "dec", "pct"):
            return v if isinstance(v, Num) else Num(np.asarray(v[0], np.int64), int(v[1]))
        return v

    @staticmethod
    def any_(*masks):
        return _or(*masks)

    @staticmethod
    def and_(mask, cond):
        if mask is None:
            return None
        return mask & cond

    @staticmethod
    def and_not(mask, cond):
        if mask is None:
            return None
        return mask & ~cond

    @staticmethod
    def full(x, n):
        return np.broadcast_to(np.asarray(x, bool), (n,)) if np.ndim(x) == 0 else x

    @staticmethod
    def full_items(x, owner):
        if isinstance(x, (bool, np.bool_)):
            return np.full(len(owner), bool(x))
        return x

    @staticmethod
    def at(v, owner):
        if v is None:
            return None
        if isinstance(v, Num):
            return Num(v.n[owner] if isinstance(v.n, np.ndarray) else v.n,
                       v.d[owner] if isinstance(v.d, np.ndarray) else v.d,
                       None if v.r is None else v.r[owner])
        return v[owner] if isinstance(v, np.ndarray) else v

    @staticmethod
    def where(c, x, y):
        if isinstance(x, Num) or isinstance(y, Num):
            x, y = as_num(x), as_num(y)
            static = isinstance(x.d, int) and isinstance(y.d, int)
            if static and x.d == y.d:
                n, d = np.where(c, x.n, y.n), x.d
            elif static and _fits(x.n, (L := x.d * y.d // math.gcd(x.d, y.d)) // x.d) and _fits(y.n, L // y.d):
                n, d = np.where(c, x.n * (L // x.d), y.n * (L // y.d)), L  # one denominator, no overflow
            else:  # a denominator per row: exact, whatever the scales
                n, d = np.where(c, x.n, y.n), np.where(c, x.d, y.d)
            r = None if x.r is None and y.r is None else np.where(c, False if x.r is None else x.r,
                                                                   False if y.r is None else y.r)
            return Num(n, d, r)
        return np.where(c, x, y)

    _VERSION = {}  # (id(P), bounds) -> (P, index of the version in force, rows without one)

    @staticmethod
    def param(P, bounds, values):
        """A parameter: per row the value of the version in force on its peildatum (error where none is).
        The versions of many parameters start on the same dates: the index is computed once per run."""
        key = (id(P), bounds)
        hit = _Runtime._VERSION.get(key)
        if hit is None or hit[0] is not P:
            idx = np.full(len(P), -1, np.int8)
            for k, (start, end) in enumerate(bounds):
                m = np.ones(len(P), bool) if start is None else (P >= start)
                if end is not None:
                    m &= P < end
                idx[m] = k
            none = idx < 0
            hit = _Runtime._VERSION[key] = (P, np.maximum(idx, 0), none if none.any() else None)
        _, idx, none = hit
        if isinstance(values[0], Num):
            L = 1
            for x in values:
                L = L * x.d // math.gcd(L, x.d)
            table = np.array([int(x.n) * (L // x.d) for x in values], np.int64)
            return Num(table[idx], L), none
        return np.asarray(values)[idx], none

    @staticmethod
    def level(applies, values, errors):
        """Siblings: the value of the one that applies; two or more apply is a conflict (error)."""
        count = np.zeros(np.broadcast(*[np.asarray(a) for a in applies]).shape or (1,), np.int64)
        for a in applies:
            count = count + a
        any_ = count > 0
        out = values[-1]
        for a, v in zip(reversed(applies[:-1]), reversed(values[:-1])):
            out = _Runtime.where(a, v, out)
        return any_, out, _or(*errors, count > 1)

    @staticmethod
    def group_sum_of(body, flt, lst, n, kind):
        offsets, _, _, owner = lst
        if isinstance(body, Num):
            if not isinstance(body.d, int):
                raise Unsupported("een som van breuken")
            vals = np.where(flt, body.n, 0)
            s, e = group_sum(vals, owner, n, offsets)
            r = group_any(None if body.r is None else (body.r & flt), owner, n)
            return Num(s, body.d, r), e
        vals = np.where(flt, body, 0)
        return group_sum(vals, owner, n, offsets)


# ====================================================================== results
def to_decimals(x, rows) -> list:
    """Exact Decimal values of some rows of a Num (each n/d divided in the rulelang context)."""
    import decimal

    from .runtime.values import CONTEXT

    n = np.broadcast_to(np.asarray(x.n), (max(rows) + 1 if len(rows) else 0,)) if np.ndim(x.n) == 0 else x.n
    d = x.d
    out = []
    with decimal.localcontext(CONTEXT):
        for i in rows:
            out.append(Decimal(int(n[i])) / Decimal(int(d[i] if isinstance(d, np.ndarray) else d)))
    return out


def columns_from_cases(meta: dict, cases: list) -> tuple[Columns, np.ndarray]:
    """In-memory cases [(facts, decisions, peildatum)] as Columns, and the rows it could not encode
    exactly (a value of another type, a non-finite or too long number, a datetime): those rows are the
    scalar evaluator's."""
    n = len(cases)
    bad = np.zeros(n, bool)
    peil = np.zeros(n, np.int64)
    for i, (_, _, p) in enumerate(cases):
        if type(p) is _dt.date:
            peil[i] = p.toordinal()
        else:
            bad[i] = True
    scalars, lists = {}, {}
    for s in meta["symbols"]:
        if s["kind"] not in ("invoer", "beslissing"):
            continue
        name, typ = s["name"], s["type"]
        raw = []
        for facts, decisions, _ in cases:
            if s["kind"] == "invoer":
                raw.append(facts.get(name, _ABSENT))
            else:
                d = decisions.get(name)
                raw.append(_ABSENT if d is None else getattr(d, "value", d))
        present = np.array([v is not _ABSENT for v in raw], bool)
        if typ["kind"] == "list":
            if typ["elem"]["kind"] != "record":
                continue
            fields = meta["records"][typ["elem"]["name"]]
            counts = np.array([len(v) if isinstance(v, (list, tuple)) else 0 for v in raw], np.int64)
            bad |= present & np.array([not isinstance(v, (list, tuple)) for v in raw])
            offsets = np.zeros(n + 1, np.int64)
            np.cumsum(counts, out=offsets[1:])
            items = [item for v in raw if isinstance(v, (list, tuple)) for item in v]
            owner = np.repeat(np.arange(n), counts)
            out = {}
            for f, ft in fields.items():
                vals = [item.get(f, _ABSENT) if isinstance(item, dict) else _ABSENT for item in items]
                enc, ok = _encode(vals, ft, meta)
                bad[owner[~ok]] = True
                out[f] = enc
            lists[name] = (offsets, present & ~bad, out)
        elif typ["kind"] in ("bool", "int", "money", "dec", "pct", "date", "enum"):
            enc, ok = _encode([v if p else None for v, p in zip(raw, present)], typ, meta, present)
            bad |= present & ~ok
            scalars[name] = (enc, present)
    return Columns(n, peil, scalars, lists), bad


_ABSENT = object()


def _encode(values: list, typ: dict, meta: dict, present=None):
    """(encoded column, rows encoded exactly); absent values (present False) encode as 0."""
    kind = typ["kind"]
    n = len(values)
    ok = np.ones(n, bool)
    if present is None:
        present = np.array([v is not _ABSENT and v is not None for v in values], bool)
        ok = present.copy()
    if kind == "bool":
        enc = np.zeros(n, bool)
        for i, v in enumerate(values):
            if present[i]:
                ok[i] = type(v) is bool
                enc[i] = v is True
        return enc, ok
    if kind == "int":
        enc = np.zeros(n, np.int64)
        for i, v in enumerate(values):
            if present[i]:
                ok[i] = type(v) is int and abs(v) < LIMIT
                enc[i] = v if ok[i] else 0
        return enc, ok
    if kind == "date":
        enc = np.zeros(n, np.int64)
        for i, v in enumerate(values):
            if present[i]:
                ok[i] = type(v) is _dt.date
                enc[i] = v.toordinal() if ok[i] else 0
        return enc, ok
    if kind == "enum":
        members = {m: k for k, m in enumerate(meta["enums"][typ["name"]])}
        enc = np.zeros(n, np.int64)
        for i, v in enumerate(values):
            if present[i]:
                ok[i] = isinstance(v, str) and v in members
                enc[i] = members.get(v, 0) if ok[i] else 0
        return enc, ok
    # money, getal, percentage: exact numerators over one power of ten
    scale, parsed = 0, [None] * n
    for i, v in enumerate(values):
        if not present[i]:
            continue
        if isinstance(v, int) and not isinstance(v, bool):
            v = Decimal(v)
        if not isinstance(v, Decimal) or not v.is_finite():
            ok[i] = False
            continue
        sign, digits, exp = v.as_tuple()
        if len(digits) > 17 or exp < -9 or exp > 9:
            ok[i] = False
            continue
        parsed[i] = (sign, int("".join(map(str, digits)) or "0"), exp)
        scale = max(scale, -exp)
    enc = np.zeros(n, np.int64)
    for i, t in enumerate(parsed):
        if t is None:
            continue
        sign, coef, exp = t
        num = coef * 10 ** (exp + scale)
        if num >= LIMIT:
            ok[i] = False
            continue
        enc[i] = -num if sign else num
    return (enc, 10 ** scale), ok
