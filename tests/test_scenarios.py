"""Scenario files: typed facts, expectations, and located RL4xx errors that never stop the batch."""
from __future__ import annotations

import datetime as _dt
import json
from decimal import Decimal

import pytest

from rulelang.run import Runner
from rulelang.scenario import parse_decimal_text

from .conftest import cli

RULES = """
    opsomming Soort: geld, natura

    record Gift:
        datum: datum
        bedrag: geld
        soort: Soort

    invoer giften: lijst van Gift
    invoer inkomen: geld
    invoer gehuwd: ja/nee
    invoer termijn: duur
    invoer deel: percentage

    uitkomst totaal: geld
        bron "art. 31"
        regel basis:
            dan som van g.bedrag voor elke g in giften + inkomen
        regel gehuwd_regel uitzondering op basis:
            als gehuwd
            dan € 0

    uitkomst lang: ja/nee
        bron "art. 44"
        waarde termijn >= 6 maanden

    uitkomst aandeel: geld
        bron "art. 9"
        waarde inkomen * deel afgerond op centen
"""

GOOD = """
    naam: goed
    omschrijving: twee giften en een inkomen
    bron: Participatiewet art. 31
    regels: g.rule
    peildatum: 2026-01-01
    feiten:
      giften:
        - {datum: 2026-03-01, bedrag: "€ 1.000,00", soort: geld}
        - {datum: 1 maart 2026, bedrag: 0.5, soort: natura}
      inkomen: 10
      gehuwd: nee
      termijn: 6 maanden
      deel: 12,5%
    verwacht:
      totaal: € 1.010,50
      lang: ja
      aandeel: 1.25
"""


@pytest.fixture
def scen(project):
    project.pyproject()
    project.write("rules/g.rule", RULES)
    project.write("rules/kapot.rule", 'definitie x: geld\n    waarde y\n')
    project.write("scenarios/a_goed.yaml", GOOD)
    return project


def load(project, relpath):
    runner = Runner(use_cache=False)
    scenarios, diags = runner.load(project.root / relpath)
    diags = sorted(diags, key=lambda d: (d.span.line, d.span.col, d.code))
    return runner, scenarios, [d.concise() for d in diags]


def test_good_scenario_loads_typed_values_and_passes(scen):
    runner, scenarios, problems = load(scen, "scenarios/a_goed.yaml")
    assert problems == []
    (sc,) = scenarios
    assert sc.name == "goed" and sc.description == "twee giften en een inkomen"
    assert sc.peildatum == _dt.date(2026, 1, 1)
    assert sc.facts["giften"] == (
        {"datum": _dt.date(2026, 3, 1), "bedrag": Decimal("1000.00"), "soort": "geld"},
        {"datum": _dt.date(2026, 3, 1), "bedrag": Decimal("0.5"), "soort": "natura"},
    )
    assert type(sc.facts["inkomen"]) is Decimal  # a YAML number never becomes a float
    assert sc.facts["deel"] == Decimal("0.125")
    r = runner.run(sc)
    assert r.passed, [(c.expected, c.got) for c in r.checks]
    assert r.results["totaal"].value == Decimal("1010.50")
    assert r.results["aandeel"].value == Decimal("1.25")


def test_rl401_invalid_yaml_with_its_line(scen):
    scen.write("scenarios/b.yaml", """
        naam: kapot
        regels: g.rule
        peildatum: 2026-01-01
        feiten:
          inkomen: [1, 2
        verwacht:
          totaal: 1
    """)
    _, scenarios, problems = load(scen, "scenarios/b.yaml")
    assert scenarios == []
    assert problems == ["scenarios/b.yaml:6:9: RL401 geen geldige YAML: expected ',' or ']', but got ':'"]


def test_rl401_tab_indentation(scen):
    (scen.root / "scenarios/t.yaml").write_text("naam: x\nregels: g.rule\n\tpeildatum: 2026-01-01\n")
    _, _, problems = load(scen, "scenarios/t.yaml")
    assert len(problems) == 1 and problems[0].startswith("scenarios/t.yaml:3:1: RL401 geen geldige YAML")


def test_rl402_rl403_rl404_rl405_rl406_each_located(scen):
    scen.write("scenarios/c.yaml", """
        naam: sleutels
        regels: g.rule
        peldatum: 2026-01-01
        feiten:
          inkomen: 10
          inkomn: 5
          gehuwd: misschien
          giften:
            - {datum: 2026-13-01, bedrag: "1.200", soort: geldd, extra: 1}
            - {datum: 2026-01-01, soort: geld}
          termijn: een jaar
          deel: 15
        verwacht:
          totaal: € 1
          totaaal: € 2
          lang: 1
    """)
    _, scenarios, problems = load(scen, "scenarios/c.yaml")
    assert scenarios == []
    assert problems == [
        "scenarios/c.yaml:1:1: RL402 het scenario mist 'peildatum'",
        "scenarios/c.yaml:3:1: RL403 onbekend veld 'peldatum' in scenario (bedoelde u 'peildatum'?)",
        "scenarios/c.yaml:6:3: RL404 de regels kennen geen invoer 'inkomn' (bedoelde u 'inkomen'?)",
        "scenarios/c.yaml:7:11: RL405 gehuwd: 'misschien' is geen ja/nee",
        "scenarios/c.yaml:9:15: RL405 giften[1].datum: '2026-13-01' is geen datum "
        "(schrijf 2026-01-31 of 31 januari 2026)",
        "scenarios/c.yaml:9:35: RL405 giften[1].bedrag: '1.200' is dubbelzinnig: "
        "schrijf 1200 of 1.200,00 (Nederlands) of 1200.00",
        "scenarios/c.yaml:9:51: RL405 giften[1].soort: 'geldd' is geen waarde van Soort (geld, natura); "
        "bedoelde u 'geld'?",
        "scenarios/c.yaml:9:58: RL403 Gift heeft geen veld 'extra'",
        "scenarios/c.yaml:10:7: RL402 giften[2] mist het veld 'bedrag'",
        "scenarios/c.yaml:11:12: RL405 termijn: 'een jaar' is geen duur (schrijf bijvoorbeeld 12 maanden)",
        "scenarios/c.yaml:12:9: RL405 deel: '15' is geen percentage (schrijf bijvoorbeeld 15%)",
        "scenarios/c.yaml:15:3: RL406 de regels kennen geen uitkomst 'totaaal' (bedoelde u 'totaal'?)",
        "scenarios/c.yaml:16:9: RL405 verwacht lang: '1' is geen ja/nee",
    ]


def test_rl403_and_rl406_suggest_the_intended_name(scen):
    scen.write("scenarios/c.yaml", """
        naam: x
        regels: g.rule
        peildatum: 2026-01-01
        feitn: {}
        verwacht:
          totaaal: € 2
    """)
    runner = Runner(use_cache=False)
    _, diags = runner.load(scen.root / "scenarios/c.yaml")
    assert [(d.code, d.help) for d in diags] == [("RL403", "bedoelde u 'feiten'?"),
                                                 ("RL406", "bedoelde u 'totaal'?")]


@pytest.mark.parametrize("text, ok", [
    ("1200", Decimal("1200")), ("1.200,00", Decimal("1200.00")), ("1200.50", Decimal("1200.50")),
    ("1.234.567,89", Decimal("1234567.89")), ("0,5", Decimal("0.5")), ("-12,50", Decimal("-12.50")),
    ("1.200", None), ("12.345.678", None), ("1,234.56", None),
])
def test_ambiguous_money_is_refused(text, ok):
    if ok is None:
        with pytest.raises(ValueError):
            parse_decimal_text(text)
    else:
        assert parse_decimal_text(text) == ok


def test_rl407_missing_or_broken_rules(scen):
    scen.write("scenarios/d.yaml", """
        naam: regels weg
        regels: bestaat_niet.rule
        peildatum: 2026-01-01
        verwacht:
          totaal: 1
        ---
        naam: regels kapot
        regels: kapot.rule
        peildatum: 2026-01-01
        verwacht:
          x: 1
    """)
    _, scenarios, problems = load(scen, "scenarios/d.yaml")
    assert scenarios == []
    assert problems == [
        "scenarios/d.yaml:2:1: RL407 de regels 'bestaat_niet.rule' zijn niet gevonden of bevatten fouten "
        "(zie 'rulelang check')",
        "scenarios/d.yaml:8:1: RL407 de regels 'kapot.rule' zijn niet gevonden of bevatten fouten "
        "(zie 'rulelang check')",
    ]


def test_rl408_unknown_rule_label_in_reasons(scen):
    scen.write("scenarios/e.yaml", """
        naam: redenen
        regels: g.rule
        peildatum: 2026-01-01
        feiten: {giften: [], inkomen: 1, gehuwd: ja}
        verwacht:
          totaal: 0
        redenen:
          totaal:
            via: gehuwd_regl
            niet_via: [basis, onbekend]
            geblokkeerd_door: niets
            beslissingen: geen
            anders: x
    """)
    runner = Runner(use_cache=False)
    _, diags = runner.load(scen.root / "scenarios/e.yaml")
    diags.sort(key=lambda d: (d.span.line, d.span.col))
    assert [d.concise() for d in diags] == [
        "scenarios/e.yaml:9:10: RL408 er is geen regel met label 'gehuwd_regl' (bedoelde u 'gehuwd_regel'?)",
        "scenarios/e.yaml:10:23: RL408 er is geen regel met label 'onbekend'",
        "scenarios/e.yaml:11:23: RL408 er is geen voorwaarde ('vereist') met label 'niets'",
        "scenarios/e.yaml:12:19: RL408 er is geen beslissing 'geen'",
        "scenarios/e.yaml:13:5: RL403 onbekend veld 'anders' in redenen (verwacht: via, niet_via, "
        "geblokkeerd_door, beslissingen)",
    ]
    assert diags[0].help == "bedoelde u 'gehuwd_regel'?"


def test_reasons_are_checked(scen, capsys):
    scen.write("scenarios/e.yaml", """
        naam: via de uitzondering
        regels: g.rule
        peildatum: 2026-01-01
        feiten: {giften: [], inkomen: 1, gehuwd: ja}
        verwacht:
          totaal: 0
        redenen:
          totaal:
            via: gehuwd_regel
            niet_via: basis
        ---
        naam: verkeerde reden
        regels: g.rule
        peildatum: 2026-01-01
        feiten: {giften: [], inkomen: 1, gehuwd: ja}
        verwacht:
          totaal: 0
        redenen:
          totaal:
            via: basis
    """)
    code, out, _ = cli(["run", "scenarios/e.yaml"], capsys)
    assert code == 1
    lines = out.splitlines()
    assert "OK   scenarios/e.yaml — via de uitzondering" in lines
    assert "FOUT scenarios/e.yaml — verkeerde reden" in lines
    assert ("       ✗ totaal (reden): verwacht via regel 'basis', kreeg toegepast: totaal.gehuwd_regel  "
            "[scenarios/e.yaml:20:10]") in lines


def test_the_rest_of_the_batch_still_runs(scen, capsys):
    scen.write("scenarios/b.yaml", "naam: kapot\nregels: g.rule\npeildatum: 2026-01-01\nfeiten:\n  inkomen: [1, 2\n")
    scen.write("scenarios/c_mis.yaml", """
        naam: mislukt
        regels: g.rule
        peildatum: 2026-01-01
        feiten: {giften: [], inkomen: 1, gehuwd: nee}
        verwacht:
          totaal: € 2
    """)
    scen.write("scenarios/d_ook_goed.yaml", """
        naam: ook goed
        regels: g.rule
        peildatum: 2026-01-01
        feiten: {giften: [], inkomen: 1, gehuwd: nee}
        verwacht:
          totaal: € 1
    """)
    code, out, _ = cli(["run", "scenarios"], capsys)
    assert code == 1
    lines = out.splitlines()
    assert "OK   scenarios/a_goed.yaml — goed" in lines
    assert "OK   scenarios/d_ook_goed.yaml — ook goed" in lines
    assert "FOUT scenarios/c_mis.yaml — mislukt" in lines
    assert "       ✗ totaal (waarde): verwacht € 2,00, kreeg € 1,00  [scenarios/c_mis.yaml:6:11]" in lines
    assert "scenarios/b.yaml:6:1: RL401 geen geldige YAML: expected ',' or ']', but got '<stream end>'" in lines
    assert lines[-1] == "2 geslaagd, 1 mislukt, 1 fout in scenariobestanden"


def test_only_good_scenarios_exit_0(scen, capsys):
    code, out, _ = cli(["run", "scenarios"], capsys)
    assert code == 0
    assert out.splitlines()[-1] == "1 geslaagd, 0 mislukt, 0 fouten in scenariobestanden"


def test_run_json(scen, capsys):
    scen.write("scenarios/b.yaml", "naam: [kapot\n")
    code, out, _ = cli(["run", "scenarios", "--format", "json"], capsys)
    assert code == 1
    data = json.loads(out)
    assert data["samenvatting"] == {"geslaagd": 1, "mislukt": 0, "onleesbaar": 1}
    assert [f["code"] for f in data["fouten"]] == ["RL401"]
    (sc,) = data["scenarios"]
    assert sc["naam"] == "goed" and sc["geslaagd"] is True
    assert sc["uitkomsten"]["totaal"]["waarde"] == "1010.50"  # exact, as a string
    assert sc["uitkomsten"]["totaal"]["weergave"] == "€ 1.010,50"


def test_english_scenario_keys(scen):
    scen.write("scenarios/en.yaml", """
        name: english keys
        rules: g.rule
        reference_date: 2026-01-01
        facts: {giften: [], inkomen: 3, gehuwd: no, termijn: 1 jaar, deel: 50%}
        expect:
          totaal: 3
          lang: yes
          aandeel: 1.50
    """)
    runner, scenarios, problems = load(scen, "scenarios/en.yaml")
    assert problems == []
    assert runner.run(scenarios[0]).passed


def test_nonexistent_scenario_path(scen, capsys):
    code, out, _ = cli(["run", "scenarios/bestaat_niet.yaml"], capsys)
    assert code == 1
    assert "scenarios/bestaat_niet.yaml:1:1: RL401 scenario 'scenarios/bestaat_niet.yaml' bestaat niet" in out


def test_yaml_tags_never_construct_objects(scen):
    scen.write("scenarios/tag.yaml", """
        naam: !!python/object/apply:os.system ["touch pwned"]
        regels: g.rule
        peildatum: 2026-01-01
        feiten: {giften: [], inkomen: !!python/object/apply:os.system ["touch pwned2"], gehuwd: nee}
        verwacht:
          totaal: 1
    """)
    _, _, problems = load(scen, "scenarios/tag.yaml")
    # the whole file is refused at the first tag outside plain YAML, before anything is constructed
    assert problems == ["scenarios/tag.yaml:1:7: RL401 YAML-tag '!!python/object/apply:os.system' is niet "
                        "toegestaan in een scenario; schrijf de waarde als gewone tekst"]
    assert not list(scen.root.glob("pwned*"))
