"""Hypothesis strategies: well-typed rule programs (as .rule text, Dutch or English), and typed facts,
decisions and peildata for any compiled rule set (read from its META).

The program generator knows the checker's typing rules (docs/taal.md) and only writes programs that
compile without a diagnostic; the structure of the rule trees (which rule is an exception to which)
is left to the compiler, so the generator does not have to agree with it.
"""
from __future__ import annotations

import datetime as _dt
from decimal import Decimal

from hypothesis import strategies as st

from rulelang.builtins import ENGLISH
from rulelang.runtime import Decision
from rulelang.runtime.values import Duur

# ---------------------------------------------------------------- types
BOOL, INT, DEC, PCT, DATE, DUR, ENUM = ("bool",), ("int",), ("dec",), ("pct",), ("date",), ("dur",), ("enum",)


def money(period=None):
    return ("money", period)


MONEY_TYPES = [money(None), money("maand"), money("jaar")]
VALUE_TYPES = [BOOL, INT, DEC, PCT, DATE, DUR, ENUM, *MONEY_TYPES]
PARAM_TYPES = [BOOL, INT, DEC, PCT, DATE, DUR, *MONEY_TYPES]

ENUM_MEMBERS = ["soort_a", "soort_b", "soort_c"]

WORDS = {
    "nl": {
        "invoer": "invoer", "beslissing": "beslissing", "parameter": "parameter", "definitie": "definitie",
        "uitkomst": "uitkomst", "regel": "regel", "tenzij": "tenzij", "als": "als", "dan": "dan",
        "anders": "anders", "waarde": "waarde", "standaard": "standaard", "bron": "bron", "vereist": "vereist",
        "reden": "reden", "en": "en", "of": "of", "niet": "niet", "som": "som van", "elke": "voor elke",
        "in": "in", "waarvoor": "waarvoor", "aantal": "aantal", "bestaat": "bestaat", "alle": "voor alle",
        "geldt": "geldt", "tussen": "tussen", "per": "per", "maand": "maand", "jaar": "jaar",
        "vanaf": "geldig vanaf", "tot": "tot", "totenmet": "tot en met", "geldig_tot": "geldig tot",
        "uitzondering": "uitzondering op", "ja": ["ja", "waar"], "nee": ["nee", "onwaar"],
        "peildatum": "peildatum", "lijst": "lijst van", "door": "door", "opsomming": "opsomming",
        "procent": "procent",
        "centen": "afgerond op centen", "euro_down": "naar beneden afgerond op hele euro",
        "euro_half": "afgerond op hele euro", "multiple_up": "naar boven afgerond op veelvoud van",
        "multiple_down": "naar beneden afgerond op veelvoud van", "cents_up": "naar boven afgerond op centen",
        "units": {"dagen": ("dag", "dagen"), "weken": ("week", "weken"), "maanden": ("maand", "maanden"),
                  "jaren": ("jaar", "jaren")},
        "months": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
                   "oktober", "november", "december"],
        "types": {BOOL: "ja/nee", INT: "geheel getal", DEC: "getal", PCT: "percentage", DATE: "datum",
                  DUR: "duur", ENUM: "Soort", money(None): "geld", money("maand"): "geld per maand",
                  money("jaar"): "geld per jaar"},
    },
    "en": {
        "invoer": "input", "beslissing": "decision", "parameter": "parameter", "definitie": "definition",
        "uitkomst": "outcome", "regel": "rule", "tenzij": "unless", "als": "if", "dan": "then",
        "anders": "else", "waarde": "value", "standaard": "default", "bron": "source", "vereist": "requires",
        "reden": "reason", "en": "and", "of": "or", "niet": "not", "som": "sum of", "elke": "for each",
        "in": "in", "waarvoor": "where", "aantal": "count", "bestaat": "exists", "alle": "for all",
        "geldt": "holds", "tussen": "between", "per": "per", "maand": "month", "jaar": "year",
        "vanaf": "valid from", "tot": "until", "totenmet": "through", "geldig_tot": "valid until",
        "uitzondering": "exception to", "ja": ["yes", "true"], "nee": ["no", "false"],
        "peildatum": "reference_date", "lijst": "list of", "door": "by", "opsomming": "enumeration",
        "procent": "percent",
        "centen": "rounded to cents", "euro_down": "rounded down to whole euros",
        "euro_half": "rounded to whole euros", "multiple_up": "rounded up to multiple of",
        "multiple_down": "rounded down to multiple of", "cents_up": "rounded up to cents",
        "units": {"dagen": ("day", "days"), "weken": ("week", "weeks"), "maanden": ("month", "months"),
                  "jaren": ("year", "years")},
        "months": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                   "October", "November", "December"],
        "types": {BOOL: "yes/no", INT: "integer", DEC: "number", PCT: "percentage", DATE: "date",
                  DUR: "duration", ENUM: "Soort", money(None): "money", money("maand"): "money per month",
                  money("jaar"): "money per year"},
    },
}


# ---------------------------------------------------------------- literals
def number_text(value: Decimal, lang: str, decimals: bool, group: bool) -> str:
    """A non-negative Decimal in the file's notation (nl: 1.234,5 / en: 1,234.5)."""
    text = f"{value:f}"
    whole, _, frac = text.partition(".")
    if decimals and not frac:
        frac = "0"
    if group and len(whole) > 3:
        parts = []
        while len(whole) > 3:
            parts.insert(0, whole[-3:])
            whole = whole[:-3]
        whole = (("." if lang == "nl" else ",").join([whole, *parts]))
    if not frac:
        return whole
    return whole + ("," if lang == "nl" else ".") + frac


def amounts(max_cents=500_000):
    """Decimal amounts: mostly realistic euro-and-cent values, sometimes odd scales or very large."""
    return st.one_of(
        st.integers(0, max_cents).map(lambda c: Decimal(c).scaleb(-2)),
        st.integers(0, max_cents).map(lambda c: Decimal(c).scaleb(-2)),
        st.integers(0, 5000).map(Decimal),
        st.sampled_from([Decimal(0), Decimal("0.00")]),
        st.sampled_from([Decimal("0.005"), Decimal("0.015"), Decimal("1.005"), Decimal("0.125"),
                         Decimal("12.345"), Decimal("0.5"), Decimal("99.995"), Decimal("1200.00")]),
        st.integers(0, 10 ** 33 - 1).map(lambda c: Decimal(c).scaleb(-2)),
    )


def dates(lo=_dt.date(2024, 1, 1), hi=_dt.date(2029, 12, 31)):
    month_ends = st.builds(
        lambda y, m, back: _dt.date(y, m, 1) + _dt.timedelta(days=32) - _dt.timedelta(
            days=(_dt.date(y, m, 1) + _dt.timedelta(days=32)).day + back),
        st.integers(lo.year, hi.year), st.integers(1, 12), st.integers(0, 3))
    # a small pool of days (1st, 15th, 28th-31st) makes equal and clamped days of the month common
    pool = st.builds(lambda y, m, day: _dt.date(y, m, min(day, _month_days(y, m))),
                     st.integers(lo.year, hi.year), st.integers(1, 12), st.sampled_from([1, 15, 28, 29, 30, 31]))
    return st.one_of(st.dates(lo, hi), month_ends, pool, pool,
                     st.sampled_from([_dt.date(2024, 2, 29), _dt.date(2028, 2, 29)]))


def _month_days(y: int, m: int) -> int:
    return ((_dt.date(y + (m == 12), m % 12 + 1, 1)) - _dt.date(y, m, 1)).days


EXTREME_DATES = st.sampled_from([_dt.date(1, 1, 1), _dt.date(9999, 12, 31), _dt.date(9999, 12, 1),
                                 _dt.date(1, 1, 31)])


# ---------------------------------------------------------------- programs
class ProgramWriter:
    """Draws one program. `draw` is hypothesis's draw function."""

    def __init__(self, draw, lang: str):
        self.draw, self.lang, self.w = draw, lang, WORDS[lang]
        self.names: dict[tuple, list[str]] = {}
        self.var_count = 0
        self.label_count = 0

    # -- helpers
    def pick(self, seq):
        return self.draw(st.sampled_from(seq))

    def chance(self, p: float) -> bool:
        return self.draw(st.integers(0, 999)) < p * 1000

    def kw(self, key: str) -> str:
        v = self.w[key]
        return self.pick(v) if isinstance(v, list) else v

    def fn(self, dutch: str) -> str:
        return ENGLISH[dutch] if self.lang == "en" else dutch

    def typename(self, t) -> str:
        return self.w["types"][t]

    def declare(self, name: str, t):
        self.names.setdefault(t, []).append(name)

    def refs(self, t, scope) -> list[str]:
        """Names (and variables in scope) usable where a value of type t is expected."""
        if t[0] == "money":
            ok = [money(None)] if t[1] is None else [money(None), t]
        else:
            ok = [t]
        out = [n for k in ok for n in self.names.get(k, [])]
        for var, vt in scope:
            if vt == "post":
                if t == DATE:
                    out.append(f"{var}.datum")
                elif t[0] == "money":
                    out.append(f"{var}.bedrag")
                elif t == ENUM:
                    out.append(f"{var}.soort")
                elif t == INT:
                    out.append(f"{var}.aantal")
            elif vt in ok:
                out.append(var)
        if t == DATE:
            out.append(self.w["peildatum"])
        return out

    # -- literals
    def lit(self, t) -> str:
        lang = self.lang
        if t == BOOL:
            return self.kw(self.pick(["ja", "nee"]))
        if t == INT:
            return str(self.draw(st.one_of(st.integers(0, 40), st.sampled_from([0, 0, 1, 12]),
                                           st.integers(0, 10 ** 6))))
        if t == DEC:
            v = self.draw(st.integers(0, 10 ** 6)).__int__()
            k = self.draw(st.integers(1, 3))
            return number_text(Decimal(v).scaleb(-k), lang, True, self.chance(0.3))
        if t == PCT:
            v = Decimal(self.draw(st.integers(0, 1000))).scaleb(-self.draw(st.integers(0, 1)))
            return number_text(v, lang, False, False) + self.pick(["%", " %", " " + self.w["procent"]])
        if t[0] == "money":
            v = self.draw(amounts())
            text = "€ " + number_text(v, lang, False, self.chance(0.5))
            if t[1] is not None and self.chance(0.3):
                text = f"({text}) {self.w['per']} {self.w[t[1]]}"
            return text
        if t == DATE:
            d = self.draw(dates(_dt.date(2023, 1, 1), _dt.date(2030, 12, 31)))
            if self.chance(0.5):
                return d.isoformat()
            return f"{d.day} {self.w['months'][d.month - 1]} {d.year}"
        if t == DUR:
            unit = self.pick(["dagen", "weken", "maanden", "jaren"])
            n = self.draw(st.integers(0, 30))
            singular, plural = self.w["units"][unit]
            return f"{n} {self.pick([singular, plural])}"
        if t == ENUM:
            m = self.pick(ENUM_MEMBERS)
            return m if self.chance(0.6) else f"Soort.{m}"
        raise AssertionError(t)

    # -- expressions
    def expr(self, t, depth: int, scope=()) -> str:
        """An expression whose type fits t (for money(P): period P or none)."""
        refs = self.refs(t, scope)
        leaf = self.chance(0.35) or depth <= 0
        if leaf:
            if refs and self.chance(0.6):
                return self.pick(refs)
            return self.lit(t)
        d = depth - 1
        gen = getattr(self, "_" + t[0])
        return gen(t, d, scope)

    def _if(self, t, d, scope):
        w = self.w
        return (f"({w['als']} {self.expr(BOOL, d, scope)} {w['dan']} {self.expr(t, d, scope)} "
                f"{w['anders']} {self.expr(t, d, scope)})")

    def _minmax(self, t, d, scope, arg_type=None):
        n = self.draw(st.integers(2, 3))
        args = "; ".join(self.expr(arg_type or t, d, scope) for _ in range(n))
        return f"{self.fn(self.pick(['minimum', 'maximum']))}({args})"

    def _aggregate_var(self):
        self.var_count += 1
        return f"g{self.var_count}"

    def _bool(self, t, d, scope):
        w = self.w
        c = self.draw(st.integers(0, 12))
        if c == 0:
            return f"({w['niet']} {self.expr(BOOL, d, scope)})"
        if c == 1:
            return f"({self.expr(BOOL, d, scope)} {self.kw(self.pick(['en', 'of']))} {self.expr(BOOL, d, scope)})"
        if c in (2, 3):  # numbers of any kind compare with each other
            a, b = self.pick([INT, DEC, PCT]), self.pick([INT, DEC, PCT])
            return f"({self.expr(a, d, scope)} {self._cmp()} {self.expr(b, d, scope)})"
        if c == 4:
            m = self.pick(MONEY_TYPES)
            return f"({self.expr(m, d, scope)} {self._cmp()} {self.expr(m, d, scope)})"
        if c == 5:
            x = self.pick([DATE, DUR])
            return f"({self.expr(x, d, scope)} {self._cmp()} {self.expr(x, d, scope)})"
        if c == 6:
            x = self.pick([BOOL, ENUM])
            return f"({self.expr(x, d, scope)} {self.pick(['=', '≠', '!=', '<>'])} {self.expr(x, d, scope)})"
        if c == 7:
            x = self.pick([INT, DEC, DATE, money(None), money("maand")])
            return (f"(({self.expr(x, d, scope)}) {w['tussen']} ({self.expr(x, d, scope)}) {w['en']} "
                    f"({self.expr(x, d, scope)}))")
        if c == 8:
            return self._if(t, d, scope)
        if c in (9, 10):
            var = self._aggregate_var()
            inner = (*scope, (var, "post"))
            if self.chance(0.5):
                flt = f" {w['waarvoor']} {self.expr(BOOL, d, inner)}" if self.chance(0.7) else ""
                return f"({w['bestaat']} {var} {w['in']} posten{flt})"
            return f"({w['alle']} {var} {w['in']} posten {w['geldt']} {self.expr(BOOL, d, inner)})"
        return f"({self.expr(ENUM, d, scope)} = {self.lit(ENUM)})"

    def _cmp(self):
        return self.pick(["=", "≠", "!=", "<", "<=", ">", ">=", "≤", "≥"])

    def _int(self, t, d, scope):
        c = self.draw(st.integers(0, 10))
        if c in (0, 1):
            return f"({self.expr(INT, d, scope)} {self.pick(['+', '-', '*', '×'])} {self.expr(INT, d, scope)})"
        if c == 10:
            c = 4
        if c == 2:
            return f"(-{self.expr(INT, d, scope)})"
        if c == 3:
            f = self.pick(["kalenderjaar", "kalendermaand"])
            return f"{self.fn(f)}({self.expr(DATE, d, scope)})"
        if c == 4:
            f = self.pick(["maanden_tussen", "kalendermaanden_tussen", "dagen_tussen", "jaren_tussen", "leeftijd"])
            a = self.expr(DATE, d, scope)
            # often a date and a date a whole number of months or years later: the month-end edge cases
            b = f"({a} {self.pick(['+', '-'])} {self.lit(DUR)})" if self.chance(0.5) else self.expr(DATE, d, scope)
            return f"{self.fn(f)}({a}; {b})"
        if c == 5:
            return self._minmax(t, d, scope)
        if c == 6:
            return f"{self.fn('absoluut')}({self.expr(INT, d, scope)})"
        if c == 7:
            var = self._aggregate_var()
            inner = (*scope, (var, "post"))
            flt = f" {self.w['waarvoor']} {self.expr(BOOL, d, inner)}" if self.chance(0.6) else ""
            if self.chance(0.5):
                return f"({self.w['aantal']} {var} {self.w['in']} posten{flt})"
            return f"({self.w['som']} ({self.expr(INT, d, inner)}) {self.w['elke']} {var} {self.w['in']} posten{flt})"
        return self._if(t, d, scope)

    def _dec(self, t, d, scope):
        c = self.draw(st.integers(0, 8))
        num = lambda: self.expr(self.pick([INT, DEC]), d, scope)  # noqa: E731
        if c in (0, 1):
            return f"({num()} {self.pick(['+', '-', '*', '/'])} {num()})"
        if c == 2:
            m = self.pick(MONEY_TYPES)
            return f"({self.expr(m, d, scope)} / {self.expr(m, d, scope)})"
        if c == 3:
            return f"({self.expr(PCT, d, scope)} * {self.expr(PCT, d, scope)})"
        if c == 4:
            return self._minmax(t, d, scope, self.pick([INT, DEC]))
        if c == 5:
            return f"(-{self.expr(DEC, d, scope)})"
        if c == 6:
            return self.expr(INT, d, scope)
        if c == 7:
            return f"{self.fn('absoluut')}({num()})"
        return self._if(t, d, scope)

    def _pct(self, t, d, scope):
        c = self.draw(st.integers(0, 6))
        if c == 0:
            return f"({self.expr(PCT, d, scope)} {self.pick(['+', '-'])} {self.expr(PCT, d, scope)})"
        if c == 1:
            return f"({self.expr(PCT, d, scope)} * {self.expr(self.pick([INT, DEC]), d, scope)})"
        if c == 2:
            return f"({self.expr(self.pick([INT, DEC]), d, scope)} * {self.expr(PCT, d, scope)})"
        if c == 3:
            return f"({self.expr(PCT, d, scope)} / {self.expr(self.pick([INT, DEC]), d, scope)})"
        if c == 4:
            return self._minmax(t, d, scope)
        if c == 5:
            return f"(-{self.expr(PCT, d, scope)})"
        return self._if(t, d, scope)

    def _money(self, t, d, scope):
        w = self.w
        period = t[1]
        same = lambda: self.expr(money(self.pick([None, period]) if period else None), d, scope)  # noqa: E731
        c = self.draw(st.integers(0, 12))
        if c in (0, 1):
            return f"({same()} {self.pick(['+', '-'])} {same()})"
        if c == 2:
            return f"({same()} * {self.expr(self.pick([INT, DEC, PCT]), d, scope)})"
        if c == 3:
            return f"({self.expr(self.pick([INT, DEC, PCT]), d, scope)} × {same()})"
        if c == 4:
            return f"({same()} / {self.expr(self.pick([INT, DEC, PCT]), d, scope)})"
        if c == 5:
            unit = self.pick(["centen", "euro_down", "euro_half", "cents_up", "multiple_up", "multiple_down"])
            text = w[unit]
            if unit.startswith("multiple"):
                text += " € " + number_text(self.pick([Decimal("50"), Decimal("0.05"), Decimal("2.50"),
                                                       Decimal("1.00"), Decimal("0.01"), Decimal("3")]),
                                            self.lang, False, False)
            return f"({same()} {text})"
        if c == 6:
            if period == "jaar":
                return f"{self.fn('jaarbedrag')}({self.expr(money('maand'), d, scope)})"
            if period == "maand":
                return f"{self.fn('maandbedrag')}({self.expr(money('jaar'), d, scope)})"
            return same()
        if c == 7 and period is not None:
            return f"({self.expr(money(None), d, scope)}) {w['per']} {w[period]}"
        if c == 8:
            return self._minmax(t, d, scope)
        if c == 9:
            return f"(-{same()})"
        if c == 10:
            var = self._aggregate_var()
            inner = (*scope, (var, "post"))
            flt = f" {w['waarvoor']} {self.expr(BOOL, d, inner)}" if self.chance(0.6) else ""
            return f"({w['som']} ({self.expr(money(None), d, inner)}) {w['elke']} {var} {w['in']} posten{flt})"
        if c == 11:
            return f"{self.fn('absoluut')}({same()})"
        return self._if(t, d, scope)

    def _date(self, t, d, scope):
        c = self.draw(st.integers(0, 6))
        if c in (0, 1):
            return f"({self.expr(DATE, d, scope)} {self.pick(['+', '-'])} {self.expr(DUR, d, scope)})"
        if c == 2:
            f = self.pick(["eerste_dag_van_maand", "laatste_dag_van_maand", "begin_kalenderjaar"])
            return f"{self.fn(f)}({self.expr(DATE, d, scope)})"
        if c == 3:
            y = self.pick(["2026", "2025", "2028", "0", "10000", self.expr(INT, d, scope)])
            m = self.pick(["1", "2", "12", "13", self.expr(INT, d, scope)])
            day = self.pick(["1", "28", "29", "30", "31", self.expr(INT, d, scope)])
            return f"{self.fn('datum')}({y}; {m}; {day})"
        if c == 4:
            return self._minmax(t, d, scope)
        return self._if(t, d, scope)

    def _dur(self, t, d, scope):
        return self._if(t, d, scope)

    def _enum(self, t, d, scope):
        return self._if(t, d, scope)

    # -- declarations
    def validity(self, clause: bool) -> str:
        """`geldig vanaf D [tot D']` with D < D' (or `geldig tot D`)."""
        w = self.w
        start = self.draw(dates(_dt.date(2024, 1, 1), _dt.date(2028, 12, 31)))
        end = start + _dt.timedelta(days=self.draw(st.integers(1, 2500)))
        fmt = lambda x: x.isoformat() if self.chance(0.5) else f"{x.day} {w['months'][x.month - 1]} {x.year}"  # noqa
        c = self.draw(st.integers(0, 3))
        if c == 0:
            return f"{w['vanaf']} {fmt(start)}"
        if c == 1:
            return f"{w['vanaf']} {fmt(start)} {w['tot']} {fmt(end)}"
        if c == 2:
            return f"{w['vanaf']} {fmt(start)} {w['totenmet']} {fmt(end)}"
        return f"{w['geldig_tot']} {fmt(end)}"

    def label(self) -> str:
        self.label_count += 1
        return f"r{self.label_count}"

    def definition(self, name: str, t, depth: int) -> list[str]:
        w = self.w
        kind = self.kw(self.pick(["definitie", "uitkomst", "uitkomst"]))
        lines = [f"{kind} {name}: {self.typename(t)}", f'    {w["bron"]} "art. {name}"']
        if self.chance(0.1):
            lines.append(f"    {self.validity(True)}")
        for i in range(self.draw(st.integers(0, 2)) if self.chance(0.3) else 0):
            label = f"{self.label()}: " if self.chance(0.6) else ""
            lines.append(f"    {w['vereist']} {label}{self.expr(BOOL, depth, ())}")
            if self.chance(0.5):
                lines.append(f'        {w["reden"]} "voorwaarde {i}"')
        shape = self.draw(st.integers(0, 3))
        if shape == 0:
            lines.append(f"    {w['waarde']} {self.expr(t, depth, ())}")
        elif shape == 1:
            lines.append(f"    {w['als']} {self.expr(BOOL, depth, ())}")
            lines.append(f"    {w['dan']} {self.expr(t, depth, ())}")
        else:
            labels: list[str] = []
            for i in range(self.draw(st.integers(1, 5))):
                unless = i > 0 and self.chance(0.4)
                lab = self.label() if self.chance(0.8) else None
                if unless:
                    head = f"    {w['tenzij']}{' ' + lab if lab else ''}:"
                elif labels and self.chance(0.35):
                    head = f"    {w['regel']} {lab or self.label()} {w['uitzondering']} {self.pick(labels)}:"
                    lab = lab or head.split()[1]
                else:
                    head = f"    {w['regel']}{' ' + lab if lab else ''}:"
                lines.append(head)
                if lab:
                    labels.append(lab)
                if self.chance(0.75):
                    lines.append(f"        {w['als']} {self.expr(BOOL, depth, ())}")
                lines.append(f"        {w['dan']} {self.expr(t, depth, ())}")
                if self.chance(0.2):
                    lines.append(f"        {self.validity(True)}")
        if self.chance(0.35):
            lines.append(f"    {w['standaard']} {self.expr(t, max(0, depth - 1), ())}")
        return lines

    def program(self) -> str:
        w = self.w
        out = ["language en" if self.lang == "en" else self.pick(["taal nl", "# nl"]), ""]
        out += [f"{w['opsomming']} Soort: {', '.join(ENUM_MEMBERS)}", "",
                "record Post:", f"    datum: {self.typename(DATE)}", f"    bedrag: {self.typename(money(None))}",
                f"    soort: Soort", f"    aantal: {self.typename(INT)}", "",
                f"{w['invoer']} posten: {w['lijst']} Post", ""]
        for i in range(self.draw(st.integers(1, 6))):
            t = self.pick(VALUE_TYPES)
            out.append(f"{w['invoer']} i{i}: {self.typename(t)}")
            if self.chance(0.3):
                out.append(f"    {w['standaard']} {self.expr(t, 1, ())}")
            out.append("")
            self.declare(f"i{i}", t)
        for i in range(self.draw(st.integers(0, 2))):
            t = self.pick([BOOL, INT, DATE, money("maand")])
            out += [f"{w['beslissing']} b{i}: {self.typename(t)}", f'    {w["bron"]} "art. b{i}"']
            if self.chance(0.4):
                out.append(f"    {w['standaard']} {self.lit(t)}")
            out.append("")
            self.declare(f"b{i}", t)
        for i in range(self.draw(st.integers(0, 3))):
            t = self.pick(PARAM_TYPES)
            out += [f"{w['parameter']} p{i}: {self.typename(t)}", f'    {w["bron"]} "art. p{i}"']
            n = self.draw(st.integers(1, 3))
            bounds = sorted(self.draw(st.sets(dates(_dt.date(2024, 1, 1), _dt.date(2029, 1, 1)),
                                              min_size=n + 1, max_size=n + 1)))
            for k in range(n):
                value = ("€ " + number_text(self.draw(amounts()), self.lang, False, self.chance(0.5))
                         if t[0] == "money" else self.lit(t))
                lo, hi = bounds[k], bounds[k + 1]
                open_start, open_end = k == 0 and self.chance(0.6), k == n - 1 and self.chance(0.7)
                if open_start and open_end:
                    valid = ""
                elif open_start:
                    valid = f" {w['geldig_tot']} {hi.isoformat()}"
                elif open_end:
                    valid = f" {w['vanaf']} {lo.isoformat()}"
                else:
                    valid = f" {w['vanaf']} {lo.isoformat()} {w['tot']} {hi.isoformat()}"
                neg = "-" if t in (INT, DEC, PCT) or t[0] == "money" else ""
                out.append(f"    {w['waarde']} {neg if self.chance(0.2) else ''}{value}{valid}")
            out.append("")
            self.declare(f"p{i}", t)
        for i in range(self.draw(st.integers(1, 6))):
            t = self.pick(VALUE_TYPES)
            depth = self.draw(st.integers(0, 3))
            out += self.definition(f"d{i}", t, depth)
            out.append("")
            self.declare(f"d{i}", t)
        return "\n".join(out) + "\n"


@st.composite
def programs(draw, lang=None):
    lang = lang or draw(st.sampled_from(["nl", "nl", "en"]))
    return ProgramWriter(draw, lang).program()


# ---------------------------------------------------------------- facts from META
def value_strategy(t: dict, meta: dict, extreme: bool = True):
    kind = t["kind"]
    if kind == "bool":
        return st.booleans()
    if kind == "int":
        return st.one_of(st.integers(-3, 40), st.integers(-10 ** 6, 10 ** 6)) | (
            st.integers(-10 ** 30, 10 ** 30) if extreme else st.nothing())
    if kind == "dec":
        return st.builds(lambda n, k: Decimal(n).scaleb(-k), st.integers(-10 ** 7, 10 ** 7), st.integers(0, 4))
    if kind == "money":
        sign = st.sampled_from([1, 1, 1, 1, -1])
        return st.builds(lambda s, v: v if s > 0 else -v, sign, amounts())
    if kind == "pct":
        return st.builds(lambda n, k: Decimal(n).scaleb(-k), st.integers(-100, 10_000), st.integers(2, 4))
    if kind == "date":
        return (dates() | EXTREME_DATES) if extreme else dates()
    if kind == "dur":
        return st.builds(Duur, st.integers(0, 40), st.sampled_from(["dagen", "weken", "maanden", "jaren"]))
    if kind == "text":
        return st.text(max_size=20)
    if kind == "enum":
        return st.sampled_from(meta["enums"][t["name"]])
    if kind == "record":
        fields = meta["records"][t["name"]]
        return st.fixed_dictionaries({f: value_strategy(ft, meta, extreme) for f, ft in fields.items()})
    if kind == "list":
        return st.lists(value_strategy(t["elem"], meta, extreme), max_size=6).map(tuple)
    raise AssertionError(kind)


@st.composite
def cases(draw, meta: dict, omit: float = 0.15):
    """(facts, decisions, peildatum) for a rule set: every input and decision typed from META, some left out."""
    facts, decisions = {}, {}
    for s in meta["symbols"]:
        if s["kind"] not in ("invoer", "beslissing"):
            continue
        if draw(st.integers(0, 99)) < omit * 100:
            continue
        v = draw(value_strategy(s["type"], meta))
        if s["kind"] == "invoer":
            facts[s["name"]] = v
        else:
            decisions[s["name"]] = Decision(v, "college van B&W", draw(dates()), "maatwerk")
    peildatum = draw(st.one_of(*[dates()] * 12, EXTREME_DATES))
    return facts, decisions, peildatum
