"""The type system: values, money per period, and how policy writers name the types."""
from __future__ import annotations

import attrs


@attrs.frozen
class Type:
    kind: str  # bool int dec money pct date dur text enum record list any
    period: str | None = None  # money only: None (an amount), "maand" or "jaar"
    name: str | None = None  # enum / record name
    elem: "Type | None" = None  # list element

    def describe(self, lang: str = "nl") -> str:
        if self.kind == "money":
            base = "geld" if lang == "nl" else "money"
            if self.period:
                per = {"maand": "maand", "jaar": "jaar"}[self.period] if lang == "nl" else {
                    "maand": "month", "jaar": "year"}[self.period]
                return f"{base} per {per}"
            return base
        if self.kind in ("enum", "record"):
            return str(self.name)
        if self.kind == "list":
            return ("lijst van " if lang == "nl" else "list of ") + self.elem.describe(lang)
        return (NL_NAMES if lang == "nl" else EN_NAMES)[self.kind]

    def to_json(self):
        d = {"kind": self.kind}
        if self.period:
            d["period"] = self.period
        if self.name:
            d["name"] = self.name
        if self.elem:
            d["elem"] = self.elem.to_json()
        return d


NL_NAMES = {"bool": "ja/nee", "int": "geheel getal", "dec": "getal", "pct": "percentage", "date": "datum",
            "dur": "duur", "text": "tekst", "any": "onbekend", "money": "geld"}
EN_NAMES = {"bool": "yes/no", "int": "integer", "dec": "number", "pct": "percentage", "date": "date",
            "dur": "duration", "text": "text", "any": "unknown", "money": "money"}

BOOL = Type("bool")
INT = Type("int")
DEC = Type("dec")
PCT = Type("pct")
DATE = Type("date")
DUR = Type("dur")
TEXT = Type("text")
ANY = Type("any")


def money(period: str | None = None) -> Type:
    return Type("money", period=period)


# How a type is written in a .rule file (either language) -> its kind.
TYPE_WORDS: dict[tuple[str, ...], Type] = {
    ("booleaans",): BOOL, ("boolean",): BOOL,
    ("geheel", "getal"): INT, ("integer",): INT,
    ("getal",): DEC, ("decimaal",): DEC, ("number",): DEC, ("decimal",): DEC,
    ("geld",): money(), ("bedrag",): money(), ("money",): money(), ("amount",): money(),
    ("percentage",): PCT,
    ("datum",): DATE, ("date",): DATE,
    ("duur",): DUR, ("duration",): DUR,
    ("tekst",): TEXT, ("text",): TEXT,
}

NUMERIC = {"int", "dec"}


def is_numeric(t: Type) -> bool:
    return t.kind in NUMERIC


def unify_period(a: str | None, b: str | None) -> tuple[bool, str | None]:
    """An amount without period adopts the other's; maand and jaar never mix."""
    if a is None:
        return True, b
    if b is None or a == b:
        return True, a
    return False, None


def assignable(target: Type, value: Type) -> bool:
    if value.kind == "any" or target.kind == "any":
        return True
    if target.kind == "money" and value.kind == "money":
        return unify_period(target.period, value.period)[0]
    if target.kind == "dec" and value.kind == "int":
        return True
    if target.kind == "pct" and value.kind in ("dec", "int"):
        return False
    if target.kind == "list" and value.kind == "list":
        return assignable(target.elem, value.elem)
    return target == value
