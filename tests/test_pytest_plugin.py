"""The pytest plugin: every YAML file under a `scenarios/` folder is a test, failures explain themselves."""
from __future__ import annotations

import textwrap

import pytest

from .conftest import cli

RULES = """
uitkomst totaal: geld
    bron "Participatiewet art. 31"
    uitleg "Het inkomen plus de giften."
    regel basis:
        dan inkomen + giften
    regel gehuwd_regel uitzondering op basis:
        als gehuwd
        dan € 0

invoer inkomen: geld
invoer giften: geld
invoer gehuwd: ja/nee
"""

PASSING = """
naam: klopt
regels: g.rule
peildatum: 2026-01-01
feiten: {inkomen: 10, giften: "2,50", gehuwd: nee}
verwacht:
  totaal: € 12,50
"""

FAILING = """
naam: verkeerde verwachting
regels: g.rule
peildatum: 2026-01-01
feiten: {inkomen: 10, giften: "2,50", gehuwd: ja}
verwacht:
  totaal: € 12,50
"""


@pytest.fixture
def rule_project(pytester):
    pytester.makefile(".toml", pyproject='[tool.rulelang]\nrules = "rules"\n')
    (pytester.path / "rules").mkdir()
    (pytester.path / "rules" / "g.rule").write_text(textwrap.dedent(RULES).lstrip(), encoding="utf-8")
    (pytester.path / "scenarios").mkdir()
    return pytester


def runpytest(pytester, *args):
    # the hypothesis plugin is not needed inside and makes every inner session slow to start
    return pytester.runpytest("-p", "no:hypothesispytest", "-p", "no:cacheprovider", *args)


def write(pytester, name, text):
    (pytester.path / "scenarios" / name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


def test_passing_scenario_is_a_passing_test(rule_project):
    write(rule_project, "goed.yaml", PASSING)
    result = runpytest(rule_project, "-v")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*scenarios/goed.yaml::klopt PASSED*"])
    assert result.ret == 0


def test_wrong_expectation_fails_with_expected_got_and_explanation(rule_project):
    write(rule_project, "goed.yaml", PASSING)
    write(rule_project, "fout.yaml", FAILING)
    result = runpytest(rule_project)
    result.assert_outcomes(passed=1, failed=1)
    assert result.ret == 1
    result.stdout.fnmatch_lines([
        "*Scenario 'verkeerde verwachting' (scenarios/fout.yaml) klopt niet:",
        "*scenarios/fout.yaml:6:11: totaal (waarde)",
        "*verwacht: € 12,50",
        "*kreeg:    € 0,00",
        "*Uitleg van totaal:",
        "*totaal = € 0,00  ?uitkomst, rules/g.rule:1?",
        "*toegepast: regel 'gehuwd_regel'*rules/g.rule:6*",
        "*niet toegepast: regel 'basis'*opzij gezet door uitzondering 'gehuwd_regel'*",
        "*gehuwd = ja*",
    ])
    assert "Traceback" not in result.stdout.str()


def test_several_documents_are_several_tests(rule_project):
    write(rule_project, "twee.yaml", PASSING + "---\n" + FAILING)
    result = runpytest(rule_project, "-v")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*twee.yaml::klopt PASSED*", "*twee.yaml::verkeerde verwachting FAILED*"])


def test_broken_scenario_file_is_a_failing_test_not_skipped(rule_project):
    write(rule_project, "kapot.yaml", """
        naam: kapot
        regels: g.rule
        peildatum: 2026-01-01
        feiten: {inkomn: 10}
        verwacht:
          totaal: 1
    """)
    result = runpytest(rule_project)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*scenarios/kapot.yaml:4:10: RL404 de regels kennen geen invoer 'inkomn' (bedoelde u 'inkomen'?)",
        "*hulp: bedoelde u 'inkomen'?",
    ])


def test_yaml_outside_a_scenarios_folder_is_not_collected(rule_project):
    (rule_project.path / "config.yaml").write_text("naam: geen scenario\n")
    write(rule_project, "goed.yaml", PASSING)
    result = runpytest(rule_project, "-v")
    result.assert_outcomes(passed=1)
    assert "config.yaml" not in result.stdout.str()


def test_rulelang_test_command_runs_pytest(rule_project, capsys):
    write(rule_project, "goed.yaml", PASSING)
    code, out, _ = cli(["test", "-q", "-p", "no:cacheprovider", "-p", "no:hypothesispytest",
                        str(rule_project.path / "scenarios")], capsys)
    assert code == 0
    assert "1 passed" in out
