"""Temporal validity: `geldig vanaf … tot …` (exclusive) and `tot en met` (inclusive), chosen by peildatum."""
from __future__ import annotations

import datetime as _dt
from decimal import Decimal

import pytest

from .conftest import cli, problem, value

D = _dt.date.fromisoformat

RULES = """
    parameter norm: geld per maand
        bron "Participatiewet art. 21"
        waarde € 1.000 geldig vanaf 2025-01-01 tot 2026-01-01
        waarde € 1.100 geldig vanaf 2026-01-01 tot en met 2026-06-30 bron "wijziging juli"
        waarde € 1.200 geldig vanaf 1 juli 2026

    definitie toeslag: geld
        bron "art. 2"
        regel oud:
            dan € 10
            geldig tot 2026-01-01
        regel nieuw:
            dan € 20
            geldig vanaf 2026-01-01 tot en met 2026-12-31

    definitie v: geld
        bron "x"
        geldig vanaf 2026-01-01 tot 2027-01-01
        waarde € 1

    definitie v: geld
        bron "x"
        geldig vanaf 2027-01-01 tot en met 2027-12-31
        waarde € 2

    definitie enkel: geld
        bron "x"
        geldig vanaf 2026-01-01
        waarde € 3

    uitkomst u: geld
        bron "x"
        waarde toeslag + enkel
"""


@pytest.fixture
def rs(project):
    return project.rules(RULES)


@pytest.mark.parametrize("peildatum, expected", [
    ("2025-01-01", "1000"), ("2025-12-31", "1000"),
    ("2026-01-01", "1100"), ("2026-06-30", "1100"),  # `tot en met 2026-06-30` includes that day
    ("2026-07-01", "1200"), ("2099-12-31", "1200"),  # open-ended
])
def test_parameter_value_by_peildatum(rs, peildatum, expected):
    assert value(rs, "norm", D(peildatum)) == Decimal(expected)


def test_parameter_before_its_first_version_is_rl503(rs):
    status, text = problem(rs, "norm", D("2024-12-31"))
    assert status == "fout"
    assert text == "RL503 geen versie van 'norm' is geldig op de peildatum (r.rule:1)"


@pytest.mark.parametrize("peildatum, expected", [
    ("2020-01-01", "10"), ("2025-12-31", "10"),  # `tot 2026-01-01` excludes that day
    ("2026-01-01", "20"), ("2026-12-31", "20"),
])
def test_rule_validity(rs, peildatum, expected):
    assert value(rs, "toeslag", D(peildatum)) == Decimal(expected)


def test_no_rule_in_force_is_rl503_naming_the_definition(rs):
    status, text = problem(rs, "toeslag", D("2027-01-01"))
    assert (status, text) == ("fout", "RL503 geen versie van 'toeslag' is geldig op de peildatum (r.rule:7)")


@pytest.mark.parametrize("peildatum, expected", [
    ("2026-01-01", "1"), ("2026-12-31", "1"), ("2027-01-01", "2"), ("2027-12-31", "2"),
])
def test_versioned_definition(rs, peildatum, expected):
    assert value(rs, "v", D(peildatum)) == Decimal(expected)


@pytest.mark.parametrize("peildatum", ["2025-12-31", "2028-01-01"])
def test_versioned_definition_outside_every_version(rs, peildatum):
    assert problem(rs, "v", D(peildatum)) == (
        "fout", "RL503 geen versie van 'v' is geldig op de peildatum (r.rule:16)")


def test_dependent_outcome_names_the_definition_without_a_version(rs):
    assert problem(rs, "u", D("2025-06-01")) == (
        "fout", "RL503 geen versie van 'enkel' is geldig op de peildatum (r.rule:26)")
    assert problem(rs, "u", D("2027-06-01")) == (
        "fout", "RL503 geen versie van 'toeslag' is geldig op de peildatum (r.rule:7)")
    assert value(rs, "u", D("2026-06-01")) == Decimal(23)


def test_exception_with_its_own_validity(project):
    rs = project.rules("""
        invoer kind: ja/nee
        definitie bedrag: geld
            bron "art. 1"
            regel basis:
                dan € 100
            regel tijdelijk uitzondering op basis:
                als kind
                dan € 150
                geldig vanaf 2026-03-01 tot en met 2026-03-31
    """)
    assert value(rs, "bedrag", D("2026-02-28"), {"kind": True}) == Decimal(100)
    assert value(rs, "bedrag", D("2026-03-01"), {"kind": True}) == Decimal(150)
    assert value(rs, "bedrag", D("2026-03-31"), {"kind": True}) == Decimal(150)
    assert value(rs, "bedrag", D("2026-04-01"), {"kind": True}) == Decimal(100)
    assert value(rs, "bedrag", D("2026-03-15"), {"kind": False}) == Decimal(100)


def test_english_validity_keywords(project):
    rs = project.rules("""
        language en
        parameter norm: money per month
            source "art. 21"
            value € 1,000 valid from 2025-01-01 until 2026-01-01
            value € 1,100 valid from 1 January 2026 through 30 June 2026
        definition t: money
            source "art. 2"
            valid until 2026-01-01
            value € 5
        definition w: money
            source "art. 2"
            valid through 31 December 2025
            value € 6
    """)
    assert value(rs, "norm", D("2025-12-31")) == Decimal(1000)
    assert value(rs, "norm", D("2026-06-30")) == Decimal(1100)
    assert problem(rs, "norm", D("2026-07-01"))[0] == "fout"
    assert value(rs, "t", D("2025-12-31")) == Decimal(5)
    assert problem(rs, "t", D("2026-01-01"))[1].startswith("RL503 geen versie van 't'")
    assert value(rs, "w", D("2025-12-31")) == Decimal(6)
    assert problem(rs, "w", D("2026-01-01"))[1].startswith("RL503 geen versie van 'w'")


def test_peildatum_in_a_scenario_selects_the_version(project, capsys):
    project.pyproject()
    project.write("rules/r.rule", RULES + """
    uitkomst norm_nu: geld per maand
        bron "x"
        waarde norm
    """)
    project.write("scenarios/s.yaml", """
        naam: juni
        regels: r.rule
        peildatum: 30 juni 2026
        verwacht:
          norm_nu: € 1.100,00
        ---
        naam: juli
        regels: r.rule
        peildatum: 2026-07-01
        verwacht:
          norm_nu: 1200
        ---
        naam: te vroeg
        regels: r.rule
        peildatum: 2024-01-01
        verwacht:
          norm_nu: fout
    """)
    code, out, _ = cli(["run", "scenarios"], capsys)
    assert code == 0, out
    assert "       norm_nu = FOUT: RL503 geen versie van 'norm' is geldig op de peildatum (rules/r.rule:1)" \
        in out.splitlines()
