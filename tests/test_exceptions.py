"""Default and exception semantics (as in Catala): exceptions win, siblings must not both apply."""
from __future__ import annotations

from decimal import Decimal

import pytest

from .conftest import cli, problem, run, value

RULES = """
    invoer a: ja/nee
    invoer b: ja/nee
    invoer c: ja/nee
    invoer d: ja/nee

    definitie x: geld
        bron "art. 1"
        regel basis:
            als a
            dan € 100
        tenzij hoog:
            als b
            dan € 200
        regel laag uitzondering op basis:
            als c
            dan € 50
        regel heel_laag uitzondering op laag:
            als d
            dan € 5

    definitie y: geld
        bron "art. 2"
        regel een:
            als a
            dan € 1
        regel twee:
            als b
            dan € 2

    definitie z: geld
        bron "art. 3"
        standaard € 7
        regel een:
            als a
            dan € 1
"""


def facts(a=False, b=False, c=False, d=False):
    return {"a": a, "b": b, "c": c, "d": d}


@pytest.fixture
def rs(project):
    return project.rules(RULES)


def test_base_rule_applies_without_exceptions(rs):
    assert value(rs, "x", facts=facts(a=True)) == Decimal(100)


def test_applicable_exception_overrides_an_applicable_base(rs):
    assert value(rs, "x", facts=facts(a=True, b=True)) == Decimal(200)
    assert value(rs, "x", facts=facts(a=True, c=True)) == Decimal(50)


def test_exception_applies_even_when_its_base_does_not(rs):
    assert value(rs, "x", facts=facts(b=True)) == Decimal(200)


def test_exception_to_an_exception(rs):
    assert value(rs, "x", facts=facts(a=True, c=True, d=True)) == Decimal(5)
    assert value(rs, "x", facts=facts(d=True)) == Decimal(5)


def test_two_applicable_exceptions_conflict(rs):
    status, text = problem(rs, "x", facts=facts(a=True, b=True, c=True))
    assert status == "fout"
    assert text == ("RL501 conflict in 'x': regel 'hoog' (r.rule:11) en regel 'laag' (r.rule:14) "
                    "zijn allebei van toepassing")


def test_two_applicable_rules_at_top_level_conflict(rs):
    status, text = problem(rs, "y", facts=facts(a=True, b=True))
    assert status == "fout"
    assert text == ("RL501 conflict in 'y': regel 'een' (r.rule:23) en regel 'twee' (r.rule:26) "
                    "zijn allebei van toepassing")
    assert value(rs, "y", facts=facts(b=True)) == Decimal(2)


def test_a_conflict_below_an_applicable_exception_is_not_reached(rs):
    """The exception 'heel_laag' wins over 'laag'; nothing conflicts with it at its own level."""
    assert value(rs, "x", facts=facts(c=True, d=True)) == Decimal(5)


def test_no_applicable_rule_and_no_default_is_rl502(rs):
    status, text = problem(rs, "x", facts=facts())
    assert status == "fout"
    assert text == "RL502 geen regel van 'x' is van toepassing en er is geen standaardwaarde (r.rule:6)"


def test_default_is_used_only_when_no_rule_applies(rs):
    assert value(rs, "z", facts=facts()) == Decimal(7)
    assert value(rs, "z", facts=facts(a=True)) == Decimal(1)


def test_errors_propagate_to_dependents(project):
    rs = project.rules(RULES + """
    uitkomst som: geld
        bron "art. 4"
        waarde x + z
    """)
    status, text = problem(rs, "som", facts=facts())
    assert status == "fout" and text.startswith("RL502 geen regel van 'x'")
    results = run(rs, facts=facts(a=True))
    assert results["som"].status == "ok" and results["som"].value == Decimal(101)


def test_missing_input_is_reported_not_raised(rs):
    status, text = problem(rs, "x", facts={"a": True})
    assert status == "ontbreekt"
    assert text == "RL504 invoer 'b' ontbreekt"


def test_conflict_is_shown_by_rulelang_run_with_both_locations(project, capsys):
    project.pyproject()
    project.write("rules/r.rule", RULES)
    project.write("scenarios/s.yaml", """
        naam: conflict verwacht
        regels: r.rule
        peildatum: 2026-01-01
        feiten: {a: ja, b: ja, c: nee, d: nee}
        verwacht:
          y: fout
          x: € 200
        ---
        naam: conflict niet verwacht
        regels: r.rule
        peildatum: 2026-01-01
        feiten: {a: ja, b: ja, c: nee, d: nee}
        verwacht:
          y: € 1
    """)
    code, out, _ = cli(["run", "scenarios"], capsys)
    assert code == 1
    lines = out.splitlines()
    assert "OK   scenarios/s.yaml — conflict verwacht" in lines
    assert "FOUT scenarios/s.yaml — conflict niet verwacht" in lines
    conflict = ("FOUT: RL501 conflict in 'y': regel 'een' (rules/r.rule:23) en regel 'twee' (rules/r.rule:26) "
                "zijn allebei van toepassing")
    assert f"       y = {conflict}" in lines
    assert f"       ✗ y (waarde): verwacht € 1,00, kreeg {conflict}  [scenarios/s.yaml:14:6]" in lines
    assert lines[-1] == "1 geslaagd, 1 mislukt, 0 fouten in scenariobestanden"


def test_unlabelled_rules_get_a_position_label(project):
    rs = project.rules("""
        invoer a: ja/nee
        definitie x: geld
            bron "x"
            regel:
                als a
                dan € 1
            regel:
                als niet a
                dan € 2
            tenzij:
                als a
                dan € 3
    """)
    assert [(r["label"], r["parent"]) for r in rs.meta["rules"]] == [(None, None), ("regel 2", None), (None, 1)]
    assert value(rs, "x", facts={"a": False}) == Decimal(2)
    # `tenzij` belongs to the second rule, so with a = ja the first rule and that exception collide
    status, text = problem(rs, "x", facts={"a": True})
    assert (status, text) == ("fout", "RL501 conflict in 'x': regel (r.rule:4) en regel (r.rule:10) "
                                      "zijn allebei van toepassing")


def test_cond_value_shorthand_and_default(project):
    rs = project.rules("""
        invoer leeftijd: geheel getal
        definitie jong: ja/nee
            bron "x"
            standaard nee
            als leeftijd < 27
            dan ja
    """)
    assert value(rs, "jong", facts={"leeftijd": 26}) is True
    assert value(rs, "jong", facts={"leeftijd": 27}) is False


def test_evaluation_is_lazy(project):
    """An outcome only reads the inputs its applicable path needs."""
    rs = project.rules("""
        invoer a: ja/nee
        invoer alleen_als_a: geld
        definitie x: geld
            bron "x"
            standaard € 0
            als a
            dan alleen_als_a + alleen_als_a
    """)
    assert value(rs, "x", facts={"a": False}) == Decimal(0)
    assert value(rs, "x", facts={"a": True, "alleen_als_a": Decimal("1.5")}) == Decimal(3)
