"""Discretion (`beslissing`, a kan-bepaling of the college) and procedural preconditions (`vereist`)."""
from __future__ import annotations

import datetime as _dt
import json
from decimal import Decimal

import pytest

from .conftest import cli, decision, problem, run, value

RULES = """
    invoer inkomen: geld per maand
    invoer gesprek_datum: datum
    invoer besluit_datum: datum

    beslissing verlenging: ja/nee
        bron "Participatiewet art. 31 lid 2 onderdeel n"
        door "college van B&W"
        vraag "Verlengt het college de vrijlating?"

    beslissing percentage_gekozen: percentage
        bron "Afstemmingsverordening art. 9"
        standaard 20%

    uitkomst vrijlating: geld per maand
        bron "art. 31"
        regel basis:
            dan € 0
        regel verlengd uitzondering op basis:
            als verlenging
            dan inkomen * 25% afgerond op centen

    uitkomst maatregel: geld per maand
        bron "art. 18"
        vereist gesprek: gesprek_datum <= besluit_datum
            reden "Er is geen toelichtingsgesprek gevoerd voor het besluit."
            bron "Participatiewet art. 18 lid 4"
        waarde inkomen * percentage_gekozen

    uitkomst na_maatregel: geld per maand
        bron "art. 18"
        waarde inkomen - maatregel
"""

FACTS = {"inkomen": Decimal("1000"), "gesprek_datum": _dt.date(2026, 1, 1), "besluit_datum": _dt.date(2026, 1, 1)}


@pytest.fixture
def rs(project):
    return project.rules(RULES)


def test_supplied_decision_is_used(rs):
    assert value(rs, "vrijlating", facts=FACTS, decisions={"verlenging": decision(True)}) == Decimal("250.00")
    assert value(rs, "vrijlating", facts=FACTS, decisions={"verlenging": decision(False)}) == Decimal("0")


def test_missing_decision_is_status_ontbreekt_with_rl505(rs):
    status, text = problem(rs, "vrijlating", facts=FACTS)
    assert status == "ontbreekt"
    assert text == "RL505 beslissing van het college 'verlenging' ontbreekt: Verlengt het college de vrijlating?"


def test_decision_with_a_default(rs):
    assert value(rs, "maatregel", facts=FACTS) == Decimal("200")
    assert value(rs, "maatregel", facts=FACTS,
                 decisions={"percentage_gekozen": decision(Decimal("0.1"))}) == Decimal("100")


def test_unmet_precondition_blocks_the_outcome_and_its_dependents(rs):
    late = dict(FACTS, gesprek_datum=_dt.date(2026, 2, 1))
    results = run(rs, facts=late, names=["maatregel", "na_maatregel", "vrijlating"],
                  decisions={"verlenging": decision(True)})
    assert results["maatregel"].status == "geblokkeerd"
    assert results["na_maatregel"].status == "geblokkeerd"
    assert results["vrijlating"].status == "ok"  # not every outcome depends on the blocked one
    for name in ("maatregel", "na_maatregel"):
        assert problem(rs, name, facts=late) == (
            "geblokkeerd", "RL507 'maatregel' is geblokkeerd: Er is geen toelichtingsgesprek gevoerd voor het besluit.")


def test_met_precondition_lets_the_outcome_through(rs):
    assert value(rs, "na_maatregel", facts=FACTS) == Decimal("800")


def test_precondition_metadata(rs):
    sym = rs.meta["symbols"][rs.meta["index"]["maatregel"]]
    assert sym["preconditions"] == [{"label": "gesprek", "source": "Participatiewet art. 18 lid 4",
                                     "reason": "Er is geen toelichtingsgesprek gevoerd voor het besluit.",
                                     "line": 24, "col": 5}]


SCENARIOS = """
    naam: verlengd
    regels: d.rule
    peildatum: 2026-03-01
    feiten:
      inkomen: 1000
      gesprek_datum: 2026-02-01
      besluit_datum: 2026-01-01
    beslissingen:
      verlenging:
        waarde: ja
        door: wethouder Jansen
        datum: 2026-02-15
        motivering: bijzondere omstandigheden
    verwacht:
      vrijlating: € 250,00
      maatregel: geblokkeerd
      na_maatregel: geblokkeerd
    redenen:
      maatregel:
        geblokkeerd_door: gesprek
      vrijlating:
        via: verlengd
        niet_via: basis
        beslissingen: verlenging
    ---
    naam: zonder beslissing
    regels: d.rule
    peildatum: 2026-03-01
    feiten:
      inkomen: 1000
      gesprek_datum: 2026-01-01
      besluit_datum: 2026-01-01
    verwacht:
      vrijlating: ontbreekt
      maatregel: € 200
"""


@pytest.fixture
def scenario_project(project):
    project.pyproject()
    project.write("rules/d.rule", RULES)
    project.write("scenarios/s.yaml", SCENARIOS)
    return project


def test_scenarios_with_decisions_and_preconditions_pass(scenario_project, capsys):
    code, out, _ = cli(["run", "scenarios"], capsys)
    assert code == 0, out
    lines = out.splitlines()
    assert "OK   scenarios/s.yaml — verlengd" in lines
    assert "OK   scenarios/s.yaml — zonder beslissing" in lines
    assert ("       vrijlating = ONBEKEND: RL505 beslissing van het college 'verlenging' ontbreekt: "
            "Verlengt het college de vrijlating?") in lines
    assert ("       maatregel = GEBLOKKEERD: RL507 'maatregel' is geblokkeerd: Er is geen toelichtingsgesprek "
            "gevoerd voor het besluit.") in lines
    assert lines[-1] == "2 geslaagd, 0 mislukt, 0 fouten in scenariobestanden"


def test_explanation_shows_who_decided_when_and_why(scenario_project, capsys):
    code, out, _ = cli(["explain", "scenarios/s.yaml", "vrijlating"], capsys)
    assert code == 0
    assert "verlenging = ja (door wethouder Jansen, 15 februari 2026): bijzondere omstandigheden" in out
    assert "beslissing van wethouder Jansen op 15 februari 2026: bijzondere omstandigheden" in out
    assert "bron: Participatiewet art. 31 lid 2 onderdeel n" in out
    code, out, _ = cli(["explain", "scenarios/s.yaml", "maatregel"], capsys)
    assert code == 0
    assert "GEBLOKKEERD: Er is geen toelichtingsgesprek gevoerd voor het besluit." in out
    assert "bron: Participatiewet art. 18 lid 4" in out


def test_explanation_json_records_the_decision(scenario_project, capsys):
    code, out, _ = cli(["explain", "scenarios/s.yaml", "vrijlating", "--format", "json"], capsys)
    assert code == 0
    data = json.loads(out)
    recorded = data["beslissingen"][0]["beslissing"]
    expected = {"door": "wethouder Jansen", "datum": "2026-02-15", "motivering": "bijzondere omstandigheden"}
    assert expected.items() <= recorded.items()


def test_missing_decision_does_not_crash_any_output_format(scenario_project, capsys):
    for fmt in ("text", "markdown", "json"):
        code, out, err = cli(["explain", "scenarios/s.yaml", "vrijlating", "--geval", "2", "--format", fmt], capsys)
        assert code == 0, err
        assert "verlenging" in out and "Traceback" not in out + err


def test_decision_without_provenance_is_refused(scenario_project, capsys):
    scenario_project.write("scenarios/s.yaml", """
        naam: half
        regels: d.rule
        peildatum: 2026-03-01
        feiten: {inkomen: 1000, gesprek_datum: 2026-01-01, besluit_datum: 2026-01-01}
        beslissingen:
          verlenging:
            waarde: ja
            door: wethouder Jansen
        verwacht:
          vrijlating: € 250,00
    """)
    code, out, _ = cli(["run", "scenarios"], capsys)
    assert code == 1
    missing = [line for line in out.splitlines() if "RL402" in line]
    assert missing == [
        "scenarios/s.yaml:7:5: RL402 beslissing verlenging mist 'datum': een beslissing van het college vermeldt "
        "wie besliste, wanneer, en waarom",
        "scenarios/s.yaml:7:5: RL402 beslissing verlenging mist 'motivering': een beslissing van het college "
        "vermeldt wie besliste, wanneer, en waarom",
    ]


def test_decision_given_as_a_fact_is_refused(scenario_project, capsys):
    scenario_project.write("scenarios/s.yaml", """
        naam: verkeerd
        regels: d.rule
        peildatum: 2026-03-01
        feiten: {inkomen: 1000, gesprek_datum: 2026-01-01, besluit_datum: 2026-01-01, verlenging: ja}
        verwacht:
          vrijlating: € 250,00
    """)
    code, out, _ = cli(["run", "scenarios"], capsys)
    assert code == 1
    assert "scenarios/s.yaml:4:79: RL404 'verlenging' is een beslissing, geen invoer" in out
