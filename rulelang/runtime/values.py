"""Money, rounding, durations and date arithmetic — exact, with stated policies.

Money is `decimal.Decimal` in euros. Rounding happens only where a rule says so, with the mode it
names. Month arithmetic clamps to the last day of the month (31 januari + 1 maand = 28/29 februari),
and `months_between` is the inverse of that addition: the largest n with a + n maanden <= b.
"""
from __future__ import annotations

import calendar
import datetime as _dt
import decimal
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

D = Decimal
ZERO = Decimal(0)

CONTEXT = decimal.Context(prec=34, rounding=decimal.ROUND_HALF_EVEN,
                          traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow,
                                 decimal.FloatOperation])

_MODES = {"half_up": ROUND_HALF_UP, "down": ROUND_FLOOR, "up": ROUND_CEILING}


def round_money(x: Decimal, quantum: Decimal, mode: str) -> Decimal:
    """Round to a multiple of `quantum` euros: half_up (0,005 -> 0,01), down (towards −∞), up (towards +∞).

    Exact: a result that would need more than the 34 digits money is computed with raises
    InvalidOperation (a rekenfout), it is never silently rounded once more."""
    if quantum.as_tuple().digits == (1,):  # 0,01 / 1 / 10: quantize rounds to exactly that power of ten
        return x.quantize(quantum, rounding=_MODES[mode])
    # any other multiple (€ 50, € 0,05, but also € 1,00 whose exponent is that of cents): exact divmod
    digits = x.adjusted() - quantum.adjusted() + 2
    if digits > CONTEXT.prec + 2:
        raise decimal.InvalidOperation("het afgeronde bedrag heeft te veel cijfers")
    exact = decimal.Context(prec=2 * CONTEXT.prec + 4, traps=[decimal.InvalidOperation, decimal.Inexact])
    n, r = exact.divmod(x, quantum)  # n truncated towards zero, r has the sign of x
    if r:
        if mode == "down" and r < 0:
            n = exact.subtract(n, 1)
        elif mode == "up" and r > 0:
            n = exact.add(n, 1)
        elif mode == "half_up" and exact.multiply(r.copy_abs(), 2) >= quantum:
            n = exact.add(n, 1 if x > 0 else -1)
    result = exact.multiply(n, quantum)
    if len(result.as_tuple().digits) > CONTEXT.prec:
        raise decimal.InvalidOperation("het afgeronde bedrag heeft meer dan 34 cijfers")
    return result


class Duur:
    """A calendar duration: whole years, months, weeks or days (one unit, as the law writes it)."""

    __slots__ = ("amount", "unit")

    def __init__(self, amount: int, unit: str):
        self.amount, self.unit = amount, unit

    def __eq__(self, other):
        return isinstance(other, Duur) and self._key() == other._key()

    def __lt__(self, other):
        return self._cmp(other) < 0

    def __le__(self, other):
        return self._cmp(other) <= 0

    def __gt__(self, other):
        return self._cmp(other) > 0

    def __ge__(self, other):
        return self._cmp(other) >= 0

    def __hash__(self):
        return hash(self._key())

    def _key(self):
        if self.unit in ("dagen", "weken"):
            return ("d", self.amount * (7 if self.unit == "weken" else 1))
        return ("m", self.amount * (12 if self.unit == "jaren" else 1))

    def _cmp(self, other: "Duur") -> int:
        a, b = self._key(), other._key()
        if a[0] != b[0]:
            raise decimal.InvalidOperation("dagen en maanden zijn niet met elkaar te vergelijken")
        return (a[1] > b[1]) - (a[1] < b[1])

    def __repr__(self):
        return f"Duur({self.amount}, {self.unit!r})"


class DateError(ArithmeticError):
    """A date that does not exist (datum(2026; 2; 30)) or lies outside the calendar (year 10000).

    An ArithmeticError, so generated code reports it as a rekenfout (RL506) instead of crashing."""


def add_months(d: _dt.date, months: int) -> _dt.date:
    """Month-end policy: clamp to the last day of the target month."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    if not _dt.MINYEAR <= year <= _dt.MAXYEAR:
        raise DateError(f"jaar {year} valt buiten de kalender")
    last = calendar.monthrange(year, month)[1]
    return _dt.date(year, month, min(d.day, last))


def add_duration(d: _dt.date, dur: Duur, sign: int = 1) -> _dt.date:
    n = dur.amount * sign
    if dur.unit == "dagen":
        return d + _dt.timedelta(days=n)
    if dur.unit == "weken":
        return d + _dt.timedelta(weeks=n)
    if dur.unit == "maanden":
        return add_months(d, n)
    return add_months(d, 12 * n)


_MONTH_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def months_between(a: _dt.date, b: _dt.date) -> int:
    """Whole months from a to b: the largest n with add_months(a, n) <= b (negative if b < a).

    add_months(a, n) for n = the calendar-month difference lies in b's month, on a's day clamped to that
    month's length; if that is after b, n - 1 months lands in the month before b, so one step back is
    enough (no loop, no calendar call: this runs for every age)."""
    if b < a:
        return -months_between(b, a)
    y, m = b.year, b.month
    n = (y - a.year) * 12 + (m - a.month)
    if n > 0:
        last = 29 if m == 2 and y % 4 == 0 and (y % 100 != 0 or y % 400 == 0) else _MONTH_DAYS[m]
        if (a.day if a.day < last else last) > b.day:
            n -= 1
    return n


def calendar_months_between(a: _dt.date, b: _dt.date) -> int:
    return (b.year - a.year) * 12 + (b.month - a.month)


def years_between(a: _dt.date, b: _dt.date) -> int:
    """Whole years from a to b; someone born on 29 februari turns a year older on 28 februari."""
    if b < a:
        return -(months_between(b, a) // 12)
    return months_between(a, b) // 12


def days_between(a: _dt.date, b: _dt.date) -> int:
    return (b - a).days


_FIRST: dict = {}  # date.replace is slow (keyword parsing) and these run for every case: remember them
_LAST: dict = {}


def first_day_of_month(d: _dt.date) -> _dt.date:
    f = _FIRST.get(d)
    if f is None:
        if len(_FIRST) > 4096:
            _FIRST.clear()
        f = _FIRST[d] = d.replace(day=1)
    return f


def last_day_of_month(d: _dt.date) -> _dt.date:
    f = _LAST.get(d)
    if f is None:
        if len(_LAST) > 4096:
            _LAST.clear()
        f = _LAST[d] = d.replace(day=calendar.monthrange(d.year, d.month)[1])
    return f


def make_date(y: int, m: int, d: int) -> _dt.date:
    try:
        return _dt.date(y, m, d)
    except ValueError:
        raise DateError(f"de datum {d}-{m}-{y} bestaat niet") from None


# ---------------------------------------------------------------- formatting (Dutch)
MONTH_NAMES = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
               "oktober", "november", "december"]


_CENT = Decimal("0.01")
_DUTCH = str.maketrans(",.", ".,")
# Formatting shows a value, it never rounds one: whatever the caller's context, every digit is kept (a
# 32-digit amount quantized to cents under the default 28 digits would raise, or be rounded).
SHOW_CONTEXT = decimal.Context(prec=decimal.MAX_PREC, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)


def format_money(x: Decimal) -> str:
    """€ 1.234,50 (cents when the amount is whole cents, else every decimal). Explanations call this for
    every amount they show, so it is one quantize and one format."""
    c = x.quantize(_CENT, rounding=ROUND_HALF_UP, context=SHOW_CONTEXT)
    q = c if x == c else x
    # copy_abs is exact (abs() would round to the current precision); ',f' groups by thousands
    text = format(q.copy_abs(), ",f").translate(_DUTCH)
    whole, sep, frac = text.partition(",")
    return f"{'-' if q < 0 else ''}€ {whole},{(frac or '00').ljust(2, '0')}"


def format_decimal(x) -> str:
    if isinstance(x, int):
        return str(x)
    text = f"{x.normalize(SHOW_CONTEXT):f}" if x == x.to_integral_value() else f"{x:f}"
    return text.replace(".", ",")


def format_date(d: _dt.date) -> str:
    return f"{d.day} {MONTH_NAMES[d.month - 1]} {d.year}"


_SINGULAR = {"jaren": "jaar", "maanden": "maand", "weken": "week", "dagen": "dag"}


def format_value(v, kind: str, period: str | None = None) -> str:
    if v is None:
        return "—"
    if kind == "money":
        s = format_money(v)
        return f"{s} per {period}" if period else s
    if kind == "pct":
        return format_decimal(Decimal(v).scaleb(2, SHOW_CONTEXT)) + "%"
    if kind in ("int", "dec"):
        return format_decimal(v)
    if kind == "date":
        return format_date(v)
    if kind == "bool":
        return "ja" if v else "nee"
    if kind == "dur":  # "1 jaar", "3 maanden": the singular where Dutch uses it
        return f"{v.amount} {_SINGULAR.get(v.unit, v.unit) if v.amount in (1, -1) else v.unit}"
    if kind == "list":
        return f"{len(v)} {'item' if len(v) == 1 else 'items'}"
    if kind == "record":
        return "{" + ", ".join(f"{k}: {_plain(x)}" for k, x in v.items()) + "}"
    return str(v)


def _plain(x) -> str:
    if isinstance(x, Decimal):
        return format_decimal(x)
    if isinstance(x, _dt.date):
        return format_date(x)
    if isinstance(x, bool):
        return "ja" if x else "nee"
    return str(x)


def json_value(v):
    """A JSON-safe rendering: Decimal as an exact string, dates in ISO."""
    if isinstance(v, bool) or v is None or isinstance(v, (int, str)):
        return v
    if isinstance(v, Decimal):
        return f"{v + 0:f}" if v == 0 else f"{v:f}"  # never "-0"
    if isinstance(v, _dt.date):
        return v.isoformat()
    if isinstance(v, Duur):
        return {"amount": v.amount, "unit": v.unit}
    if isinstance(v, dict):
        return {k: json_value(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [json_value(x) for x in v]
    return str(v)
