"""Enumerations, records, lists and text: declared, checked and evaluated."""
from __future__ import annotations

import datetime as _dt

import pytest

from .conftest import value

RULES = """
    opsomming Soort: geld, natura
    opsomming Ander: natura, iets

    record Persoon:
        naam: tekst
        geboren: datum
        kinderen: lijst van Persoon

    invoer aanvrager: Persoon
    invoer soort: Soort

    definitie omgekeerd: Soort
        bron "x"
        als soort = geld
        dan Soort.natura
    definitie is_jan: ja/nee
        bron "x"
        waarde aanvrager.naam = "Jan"
    definitie minderjarige_kinderen: geheel getal
        bron "x"
        waarde aantal k in aanvrager.kinderen waarvoor leeftijd(k.geboren; peildatum) < 18
    definitie heeft_kinderen: ja/nee
        bron "x"
        waarde bestaat k in aanvrager.kinderen
    definitie alle_kinderen_jong: ja/nee
        bron "x"
        waarde voor alle k in aanvrager.kinderen geldt kalenderjaar(k.geboren) > 1999
    definitie kleinkinderen: geheel getal
        bron "x"
        waarde som van aantal kk in k.kinderen voor elke k in aanvrager.kinderen
    definitie omschrijving: tekst
        bron "x"
        waarde als omgekeerd = Soort.natura dan "natura" anders "geld"
"""


def kind(year, kinderen=()):
    return {"naam": f"kind {year}", "geboren": _dt.date(year, 1, 1), "kinderen": tuple(kinderen)}


@pytest.fixture
def rs(project):
    return project.rules(RULES)


def test_enums_records_lists_and_text(rs):
    facts = {"aanvrager": {"naam": "Jan", "geboren": _dt.date(1980, 1, 1),
                           "kinderen": (kind(2010), kind(2000, [kind(2020), kind(2022)]))},
             "soort": "geld"}
    p = _dt.date(2026, 1, 1)
    assert value(rs, "omgekeerd", p, facts) == "natura"
    assert value(rs, "is_jan", p, facts) is True
    assert value(rs, "minderjarige_kinderen", p, facts) == 1
    assert value(rs, "heeft_kinderen", p, facts) is True
    assert value(rs, "alle_kinderen_jong", p, facts) is True
    assert value(rs, "kleinkinderen", p, facts) == 2
    assert value(rs, "omschrijving", p, facts) == "natura"


def test_empty_lists(rs):
    facts = {"aanvrager": {"naam": "Piet", "geboren": _dt.date(1980, 1, 1), "kinderen": ()}, "soort": "natura"}
    assert value(rs, "minderjarige_kinderen", facts=facts) == 0
    assert value(rs, "heeft_kinderen", facts=facts) is False
    assert value(rs, "alle_kinderen_jong", facts=facts) is True  # vacuously
    assert value(rs, "kleinkinderen", facts=facts) == 0
    assert value(rs, "is_jan", facts=facts) is False


def test_member_of_two_enums_must_be_qualified(project):
    diags = project.diagnostics(RULES + """
    definitie dubbel: ja/nee
        bron "x"
        waarde soort = natura
    """)
    assert [d.concise() for d in diags] == [
        "r.rule:37:20: RL201 'natura' komt voor in meerdere opsommingen (Soort, Ander); schrijf Soort.natura"]


def test_values_of_different_enums_do_not_compare(project):
    diags = project.diagnostics(RULES + """
    definitie appels_peren: ja/nee
        bron "x"
        waarde soort = Ander.iets
    """)
    assert [d.code for d in diags] == ["RL203"]
    assert diags[0].message == "kan Soort niet vergelijken met Ander"
