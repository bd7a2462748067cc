"""Built-in functions: their names in both languages and their type signatures."""
from __future__ import annotations

from .types import DATE, DEC, INT, Type

# canonical name -> English name
ENGLISH = {
    "minimum": "minimum", "maximum": "maximum", "absoluut": "absolute",
    "kalenderjaar": "calendar_year", "kalendermaand": "calendar_month",
    "maanden_tussen": "months_between", "kalendermaanden_tussen": "calendar_months_between",
    "dagen_tussen": "days_between", "jaren_tussen": "years_between", "leeftijd": "age",
    "eerste_dag_van_maand": "first_day_of_month", "laatste_dag_van_maand": "last_day_of_month",
    "begin_kalenderjaar": "start_of_calendar_year", "datum": "date",
    "jaarbedrag": "yearly", "maandbedrag": "monthly",
}
DUTCH = {v: k for k, v in ENGLISH.items()}

# Short Dutch description of each builtin, for the language reference and error messages.
DESCRIPTIONS = {
    "minimum": "het kleinste van twee of meer waarden",
    "maximum": "het grootste van twee of meer waarden",
    "absoluut": "de absolute waarde",
    "kalenderjaar": "het kalenderjaar van een datum (geheel getal)",
    "kalendermaand": "het nummer van de maand van een datum (1-12)",
    "maanden_tussen": "het aantal hele maanden van de eerste tot de tweede datum (maandeinde: zie taalreferentie)",
    "kalendermaanden_tussen": "het verschil in kalendermaanden, ongeacht de dag (jan → mrt = 2)",
    "dagen_tussen": "het aantal dagen van de eerste tot de tweede datum",
    "jaren_tussen": "het aantal hele jaren van de eerste tot de tweede datum",
    "leeftijd": "de leeftijd in hele jaren op een datum: leeftijd(geboortedatum; peildatum)",
    "eerste_dag_van_maand": "de eerste dag van de maand van een datum",
    "laatste_dag_van_maand": "de laatste dag van de maand van een datum",
    "begin_kalenderjaar": "1 januari van het jaar van een datum",
    "datum": "een datum uit jaar, maand en dag: datum(2026; 1; 31)",
    "jaarbedrag": "zet een bedrag per maand om naar per jaar (× 12)",
    "maandbedrag": "zet een bedrag per jaar om naar per maand (÷ 12, niet afgerond)",
}

# fixed signatures: name -> (argument kinds, result type). minimum/maximum/absoluut/jaarbedrag/maandbedrag
# are checked specially in check.py because their result depends on the arguments.
FIXED: dict[str, tuple[tuple[str, ...], Type]] = {
    "kalenderjaar": (("date",), INT),
    "kalendermaand": (("date",), INT),
    "maanden_tussen": (("date", "date"), INT),
    "kalendermaanden_tussen": (("date", "date"), INT),
    "dagen_tussen": (("date", "date"), INT),
    "jaren_tussen": (("date", "date"), INT),
    "leeftijd": (("date", "date"), INT),
    "eerste_dag_van_maand": (("date",), DATE),
    "laatste_dag_van_maand": (("date",), DATE),
    "begin_kalenderjaar": (("date",), DATE),
    "datum": (("int", "int", "int"), DATE),
}
SPECIAL = {"minimum", "maximum", "absoluut", "jaarbedrag", "maandbedrag"}


def canonical(name: str, lang: str) -> str | None:
    if lang == "en":
        return DUTCH.get(name)
    return name if name in DESCRIPTIONS else None


def names_for(lang: str) -> list[str]:
    return sorted(ENGLISH.values()) if lang == "en" else sorted(DESCRIPTIONS)


_UNUSED = DEC
