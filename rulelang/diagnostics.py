"""Diagnostics: stable codes, Dutch messages, and their three renderings (concise, full, JSON).

Every code the compiler, scenario loader or evaluator can emit is registered in CODES; the docs and
the tests read this table, so a code cannot exist without a title.
"""
from __future__ import annotations

import json
from typing import Iterable

import attrs

from .source import Span

# code -> short Dutch title. Families: RL0xx files, RL1xx syntax, RL2xx names/types/units,
# RL4xx scenario files, RL5xx evaluation, RL9xx internal.
CODES: dict[str, str] = {
    "RL001": "bestand niet gevonden of onleesbaar",
    "RL101": "syntaxfout: onverwacht woord of teken",
    "RL102": "syntaxfout: onverwacht teken",
    "RL103": "syntaxfout: inspringing klopt niet",
    "RL104": "onbekende taal in de kop",
    "RL105": "ongeldige datum, getal of bedrag",
    "RL106": "syntaxfout: bestand of blok houdt onverwacht op",
    "RL201": "onbekende naam",
    "RL202": "naam is al gedeclareerd",
    "RL203": "typefout",
    "RL204": "bedragen per maand en per jaar gemengd",
    "RL205": "waarde past niet bij het gedeclareerde type",
    "RL206": "onbekend veld van een record",
    "RL207": "regel verwijst naar onbekend label",
    "RL208": "label komt twee keer voor",
    "RL209": "geldigheidsperioden overlappen",
    "RL210": "kringverwijzing tussen definities",
    "RL211": "bron ontbreekt",
    "RL212": "uitleg verwijst naar onbekende naam",
    "RL213": "import niet gevonden",
    "RL214": "onbekende functie of verkeerd aantal argumenten",
    "RL215": "voorwaarde is geen ja/nee-waarde",
    "RL216": "definitie zonder regels",
    "RL217": "afronding op iets anders dan een bedrag",
    "RL218": "ongeldige geldigheidsperiode",
    "RL219": "parameterwaarde is geen vaste waarde",
    "RL220": "naam in import botst",
    "RL221": "te diep genest: te veel uitzonderingen of afhankelijkheden na elkaar",
    "RL222": "regelset te groot om te vertalen",
    "RL401": "scenario is geen geldige YAML",
    "RL402": "verplicht veld ontbreekt in scenario",
    "RL403": "onbekend veld in scenario",
    "RL404": "onbekende invoer of beslissing",
    "RL405": "waarde past niet bij het type",
    "RL406": "onbekende uitkomst",
    "RL407": "regels van het scenario niet gevonden of niet te vertalen",
    "RL408": "onbekende regel of voorwaarde in verwachte redenen",
    "RL501": "conflict: twee regels tegelijk van toepassing",
    "RL502": "geen regel van toepassing",
    "RL503": "geen versie geldig op de peildatum",
    "RL504": "invoer ontbreekt",
    "RL505": "beslissing van het college ontbreekt",
    "RL506": "rekenfout (bijvoorbeeld delen door nul)",
    "RL507": "uitkomst geblokkeerd door procedurele voorwaarde",
    "RL901": "interne fout",
}


@attrs.frozen
class Diagnostic:
    code: str
    message: str
    span: Span
    severity: str = "error"
    help: str | None = None
    notes: tuple[str, ...] = ()

    def __attrs_post_init__(self) -> None:
        if self.code not in CODES:  # a typo in a code is a bug in rulelang, not in the user's file
            raise ValueError(f"unregistered diagnostic code {self.code}")

    def concise(self) -> str:
        hint = f" ({self.help})" if self.help and self.help.startswith("bedoelde u") else ""
        return f"{self.span}: {self.code} {self.message}{hint}"

    def full(self, source_text: str | None = None, highlight=None) -> str:
        out = [f"{self.code} {self.message}", f" --> {self.span}"]
        if source_text is not None and self.span.line > 0:
            lines = [line.rstrip("\r") for line in source_text.split("\n")]  # as the parser counts lines
            if self.span.line <= len(lines):
                text = lines[self.span.line - 1]
                num = str(self.span.line)
                pad = " " * len(num)
                width = 1
                if self.span.end_line == self.span.line and self.span.end_col > self.span.col:
                    width = self.span.end_col - self.span.col
                shown = highlight(text) if highlight else text
                out += [f"{pad} |", f"{num} | {shown}",
                        f"{pad} | {' ' * (self.span.col - 1)}{'^' * width}"]
        if self.help:
            out.append(f"hulp: {self.help}")
        for note in self.notes:
            out.append(f"let op: {note}")
        return "\n".join(out)

    def to_json(self) -> dict:
        d = {"code": self.code, "severity": self.severity, "message": self.message,
             "title": CODES[self.code], **{"location": self.span.to_json()}}
        if self.help:
            d["help"] = self.help
        if self.notes:
            d["notes"] = list(self.notes)
        return d


def sort_key(d: Diagnostic):
    return (d.span.file, d.span.line, d.span.col, d.code)


def render(diags: Iterable[Diagnostic], fmt: str = "concise", texts: dict[str, str] | None = None,
           highlight=None) -> str:
    diags = sorted(diags, key=sort_key)
    if fmt == "json":
        return json.dumps([d.to_json() for d in diags], ensure_ascii=False, indent=2)
    if fmt == "full":
        texts = texts or {}
        return "\n\n".join(d.full(texts.get(d.span.file), highlight) for d in diags)
    return "\n".join(d.concise() for d in diags)


def summary(diags: list[Diagnostic]) -> str:
    errors = [d for d in diags if d.severity == "error"]
    files = {d.span.file for d in errors}
    if not errors:
        return "Geen fouten gevonden."
    return f"Gevonden: {len(errors)} {'fout' if len(errors) == 1 else 'fouten'} in {len(files)} {'bestand' if len(files) == 1 else 'bestanden'}."


def suggest(name: str, candidates: Iterable[str]) -> str | None:
    """'bedoelde u …?' — the closest known name, if any is close enough."""
    import difflib

    best = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.6)
    return best[0] if best else None


class CompileError(Exception):
    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__("\n".join(d.concise() for d in diagnostics))
        self.diagnostics = diagnostics
