"""Issue 4: why-not, counterfactuals, missing inputs, letter text, reasons, coverage and rule-change impact,
asserted on the shipped rules as a consultant or test suite sees them."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rulelang import api

ROOT = Path(__file__).resolve().parent.parent
SC = ROOT / "scenarios"


def cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "rulelang", *args], cwd=cwd, capture_output=True, text=True)


def test_why_not_names_the_failed_condition_with_numbers():
    run = api.run_scenario(SC / "participatiewet/bijverdiengrens/maand_13_afgelopen.yaml")
    text = api.why_not(run, "vrijgelaten_inkomsten", "€ 150,00").to_text()
    assert text.startswith("Waarom is vrijgelaten_inkomsten niet € 150,00 per maand? De uitkomst is € 0,00 per maand.")
    assert "Regel 'eerste_periode' zou € 150,00 per maand geven (Participatiewet art. 34a lid 1 onderdeel a)" in text
    assert "binnen_eerste_periode is nee: maand_van_periode (13) ligt niet tussen 1 en 12" in text
    assert "Regel 'verlengd' zou € 150,00 per maand geven (Participatiewet art. 34a lid 2)" in text
    assert "  - verlenging is nee" in text


def test_why_not_for_a_yes_no_outcome_gives_the_threshold_and_the_excess():
    r = cli("explain", "scenarios/participatiewet/giftenvrijlating/een_cent_boven_de_grens.yaml", "meldingsplichtig",
            "--waarom-niet", "nee")
    assert r.returncode == 0, r.stderr
    assert ("giften_in_kalenderjaar (€ 1.200,01) is hoger dan vrijlatingsgrens_giften "
            "(€ 1.200,00): verschil € 0,01") in r.stdout


def test_counterfactual_finds_the_nearest_income_that_gives_the_wanted_amount():
    run = api.run_scenario(SC / "participatiewet/bijverdiengrens/aow_boven_maximum.yaml")
    answer = api.why_not(run, "vrijgelaten_inkomsten", "€ 200")
    assert answer.counterfactuals == [
        "als inkomsten_uit_arbeid € 800,01 per maand was (nu € 1.500,00 per maand), "
        "dan was vrijgelaten_inkomsten € 200,00 per maand"]


def test_missing_decision_lists_what_is_needed_and_what_is_known():
    r = cli("explain", "scenarios/participatiewet/bijverdiengrens/beslissing_ontbreekt.yaml", "vrijgelaten_inkomsten")
    assert r.returncode == 0
    out = r.stdout
    assert "  - draagt_bij_aan_arbeidsinschakeling: nog te beslissen door het college" in out
    assert "Voor vrijgelaten_inkomsten zijn nog nodig:\n  - draagt_bij_aan_arbeidsinschakeling (beslissing van het college, ja/nee)\n" in out
    assert "nodig voor: vrijgelaten_inkomsten (rules/participatiewet/bijverdiengrens.rule:" in out
    assert "Wat al wel bekend is:\n  - maand_van_periode = 1\n  - binnen_eerste_periode = ja\n  - vijftien_procent = € 120,00 per maand" in out
    needed, computed = api.missing_inputs(api.run_scenario(SC / "participatiewet/bijverdiengrens/beslissing_ontbreekt.yaml"),
                                          "vrijgelaten_inkomsten")
    assert [n.name for n in needed if n.certain] == ["draagt_bij_aan_arbeidsinschakeling"]
    assert needed[0].question.startswith("Draagt de vrijlating")


def test_letter_is_plain_dutch_from_uitleg_and_is_byte_identical_across_runs():
    path = "scenarios/participatiewet/bijverdiengrens/maand_13_verlengd.yaml"
    first = cli("explain", path, "vrijgelaten_inkomsten", "--format", "brief")
    second = cli("explain", path, "vrijgelaten_inkomsten", "--format", "brief")
    assert first.returncode == 0 and first.stdout == second.stdout
    assert "Uitkomst op 28 februari 2027: **€ 150,00 per maand**" in first.stdout
    assert ("Reden: Door mantelzorg voor haar moeder kan mevrouw niet meer dan 20 uur werken; meer uren zijn nu niet "
            "mogelijk. (besloten door M. Jansen, klantmanager werk op 20 januari 2027; Participatiewet art. 34a lid 2)"
            ) in first.stdout
    html = cli("explain", path, "vrijgelaten_inkomsten", "--format", "html").stdout
    assert html.startswith('<section class="rulelang-motivering">') and "<cite>(Participatiewet art. 34a lid 2)</cite>" in html


def test_right_answer_for_the_wrong_reason_fails(tmp_path):
    src = (SC / "participatiewet/giftenvrijlating/college_acht_meer_verantwoord.yaml").read_text(encoding="utf-8")
    proj = tmp_path / "p"
    shutil.copytree(ROOT / "rules", proj / "rules")
    (proj / "pyproject.toml").write_text('[tool.rulelang]\nrules = "rules"\n', encoding="utf-8")
    (proj / "scenarios").mkdir()
    (proj / "scenarios/wrong_reason.yaml").write_text(src.replace("via: [verantwoord]", "via: [binnen_grens]"),
                                                     encoding="utf-8")
    r = cli("run", "scenarios", cwd=proj)
    assert r.returncode == 1
    assert "giften_vrijgelaten (reden): verwacht via regel 'binnen_grens', kreeg toegepast:" in r.stdout
    assert "giften_vrijgelaten.verantwoord" in r.stdout


def test_coverage_report_text_and_json(tmp_path):
    out = tmp_path / "cov.json"
    r = cli("coverage", "--json", str(out))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Dekking van de regels door de scenario's" in r.stdout
    assert "rules/participatiewet/giftenvrijlating.rule" in r.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["totaal"] > 0 and 0 <= data["percentage"] <= 100
    assert "rules/handhaving/maatregel.rule" in data["bestanden"]


def test_coverage_reports_an_unexercised_rule(tmp_path):
    proj = tmp_path / "p"
    shutil.copytree(ROOT / "rules", proj / "rules")
    (proj / "pyproject.toml").write_text('[tool.rulelang]\nrules = "rules"\n', encoding="utf-8")
    shutil.copytree(SC / "participatiewet/giftenvrijlating", proj / "scenarios")
    for exercising in (proj / "scenarios").glob("college_acht_meer_verantwoord*.yaml"):  # the only ones using it
        exercising.unlink()
    r = cli("coverage", "scenarios", cwd=proj)
    assert "uitzondering giften_vrijgelaten.verantwoord nooit toegepast" in r.stdout
    assert "rules/participatiewet/bijverdiengrens.rule" in r.stdout and "0.0%" in r.stdout


def test_diff_reports_changed_outcomes_for_a_real_rule_change(tmp_path):
    new = tmp_path / "rules_1500"
    shutil.copytree(ROOT / "rules", new)
    f = new / "participatiewet/giftenvrijlating.rule"
    f.write_text(f.read_text(encoding="utf-8").replace("waarde € 1.200,00 geldig", "waarde € 1.500,00 geldig"),
                 encoding="utf-8")
    r = cli("diff", str(ROOT / "rules"), str(new), "--zonder-uitleg")
    assert r.returncode == 1
    assert "ANDERS  scenarios/participatiewet/giftenvrijlating/een_cent_boven_de_grens.yaml" in r.stdout
    assert "giften_meegeteld: € 0,01 → € 0,00 (−€ 0,01)" in r.stdout
    same = cli("diff", str(ROOT / "rules"), str(ROOT / "rules"))
    assert same.returncode == 0 and "0 met een andere uitkomst of reden" in same.stdout


def test_diff_reports_a_change_of_reason_only(tmp_path):
    new = tmp_path / "rules_reason"
    shutil.copytree(ROOT / "rules", new)
    f = new / "participatiewet/giftenvrijlating.rule"
    # the same amounts, computed by two labelled rules instead of one formula: only the reasons change
    old_text = "    waarde maximum(vrijlatingsgrens_giften - giften_in_kalenderjaar; € 0)\n"
    new_text = ("    regel onder_grens:\n        als giften_in_kalenderjaar <= vrijlatingsgrens_giften\n"
                "        dan vrijlatingsgrens_giften - giften_in_kalenderjaar\n"
                "    regel boven_grens:\n        als giften_in_kalenderjaar > vrijlatingsgrens_giften\n"
                "        dan € 0\n")
    text = f.read_text(encoding="utf-8")
    assert old_text in text
    f.write_text(text.replace(old_text, new_text), encoding="utf-8")
    r = cli("diff", str(ROOT / "rules"), str(new), "--zonder-uitleg")
    assert r.returncode == 1
    assert "REDEN   scenarios/participatiewet/giftenvrijlating/een_cent_boven_de_grens.yaml" in r.stdout
    assert "vrijlating_resterend: € 0,00 (gelijk), maar via andere regels" in r.stdout
    assert "vrijlating_resterend.boven_grens" in r.stdout
    assert "ANDERS" not in r.stdout


def test_docs_uitleg_page_shows_current_output():
    """The outputs quoted in docs/uitleg.md are what the commands print today (no rotting examples)."""
    import re

    page = (ROOT / "docs/uitleg.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```text\n(.*?)\n```", page, re.S)
    why = cli("explain", "scenarios/participatiewet/bijverdiengrens/maand_13_afgelopen.yaml", "vrijgelaten_inkomsten",
              "--waarom-niet", "€ 150,00").stdout
    cf = cli("explain", "scenarios/participatiewet/bijverdiengrens/aow_boven_maximum.yaml", "vrijgelaten_inkomsten",
             "--waarom-niet", "€ 200").stdout
    missing = cli("explain", "scenarios/participatiewet/bijverdiengrens/beslissing_ontbreekt.yaml",
                  "vrijgelaten_inkomsten").stdout
    letter = cli("explain", "scenarios/participatiewet/bijverdiengrens/maand_13_verlengd.yaml", "vrijgelaten_inkomsten",
                 "--format", "brief").stdout
    assert blocks[0] == "\n".join(why.splitlines()[:12])
    assert blocks[1] == "\n".join(cf.splitlines()[-3:])
    assert blocks[2] == missing[missing.index("Voor vrijgelaten_inkomsten"):].rstrip("\n")
    assert blocks[3] == letter.rstrip("\n")
