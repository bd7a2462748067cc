"""The `rulelang` command: exit codes 0 (clean), 1 (errors / failed scenarios), 2 (usage / internal)."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from rulelang import __version__
from rulelang.diagnostics import CODES

from .conftest import VENV_BIN, cli

GOOD_RULE = 'uitkomst a: geld\n    bron "art. 1"\n    waarde € 1\n'
BAD_RULE = 'uitkomst a: geld\n    bron "art. 1"\n    waarde b\n'
GOOD_SCENARIO = "naam: een euro\nregels: a.rule\npeildatum: 2026-01-01\nverwacht:\n  a: € 1\n"


@pytest.fixture
def small(project):
    project.pyproject()
    project.write("rules/a.rule", GOOD_RULE)
    project.write("scenarios/a.yaml", GOOD_SCENARIO)
    return project


@pytest.mark.parametrize("args", [["frobnicate"], ["check", "--bogus"], ["run", "--format", "xml"],
                                  ["explain"], ["codes", "RL999"], ["debug", "nope"], []])
def test_usage_errors_exit_2(small, capsys, args):
    code, out, err = cli(args, capsys)
    assert code == 2
    assert "Traceback" not in out + err


def test_unknown_command_says_so(small, capsys):
    code, _, err = cli(["frobnicate"], capsys)
    assert code == 2 and "No such command 'frobnicate'" in err


def test_codes(capsys):
    code, out, _ = cli(["codes", "RL204"], capsys)
    assert (code, out) == (0, "RL204: bedragen per maand en per jaar gemengd\n")
    code, out, _ = cli(["codes", "rl501"], capsys)
    assert (code, out) == (0, "RL501: conflict: twee regels tegelijk van toepassing\n")
    code, out, _ = cli(["codes"], capsys)
    assert code == 0
    assert out.splitlines() == [f"{c}  {t}" for c, t in CODES.items()]
    code, _, err = cli(["codes", "RL999"], capsys)
    assert code == 2 and err.strip() == "onbekende code 'RL999'"


def test_version(capsys):
    code, out, _ = cli(["--version"], capsys)
    assert (code, out.strip()) == (0, f"rulelang, version {__version__}")


def test_python_dash_m_rulelang_version():
    proc = subprocess.run([sys.executable, "-m", "rulelang", "--version"], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"rulelang, version {__version__}"


def test_installed_script_check_exit_codes(small, tmp_path):
    exe = VENV_BIN / "rulelang"
    if not exe.exists():
        pytest.skip("the rulelang script is not installed next to this Python")
    ok = subprocess.run([str(exe), "check", "rules"], capture_output=True, text=True, cwd=small.root, timeout=60)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert ok.stdout.strip() == "Geen fouten gevonden. (1 bestand gecontroleerd)"
    small.write("rules/b.rule", BAD_RULE)
    bad = subprocess.run([str(exe), "check", "rules"], capture_output=True, text=True, cwd=small.root, timeout=60)
    assert bad.returncode == 1
    assert bad.stdout.splitlines()[0] == "rules/b.rule:3:12: RL201 onbekende naam 'b'"
    usage = subprocess.run([str(exe), "chek"], capture_output=True, text=True, cwd=small.root, timeout=60)
    assert usage.returncode == 2


def test_check_exit_codes(small, capsys):
    assert cli(["check"], capsys)[0] == 0
    small.write("rules/b.rule", BAD_RULE)
    code, out, _ = cli(["check"], capsys)
    assert code == 1
    assert out.splitlines() == ["rules/b.rule:3:12: RL201 onbekende naam 'b'",
                                "Gevonden: 1 fout in 1 bestand. (2 bestanden gecontroleerd)"]
    code, out, _ = cli(["check", "bestaat_niet"], capsys)
    assert code == 1 and out.startswith("bestaat_niet:1:1: RL001 'bestaat_niet' bestaat niet")


def test_run_exit_codes(small, capsys):
    code, out, _ = cli(["run"], capsys)  # default folder: scenarios/
    assert code == 0
    assert out.splitlines() == ["OK   scenarios/a.yaml — een euro", "       a = € 1,00", "",
                                "1 geslaagd, 0 mislukt, 0 fouten in scenariobestanden"]
    small.write("scenarios/b.yaml", GOOD_SCENARIO.replace("a: € 1", "a: € 2"))
    code, out, _ = cli(["run"], capsys)
    assert code == 1
    assert out.splitlines()[-1] == "1 geslaagd, 1 mislukt, 0 fouten in scenariobestanden"


def test_run_with_explanation(small, capsys):
    code, out, _ = cli(["run", "--uitleg"], capsys)
    assert code == 0
    assert "       a = € 1,00  [uitkomst, rules/a.rule:1]" in out.splitlines()
    assert "bron: art. 1" in out


def test_explain_exit_codes(small, capsys):
    code, out, _ = cli(["explain", "scenarios/a.yaml"], capsys)
    assert code == 0 and "a = € 1,00" in out
    code, out, _ = cli(["explain", "scenarios/a.yaml", "a", "--format", "json"], capsys)
    assert code == 0 and json.loads(out)["uitkomst"]["waarde"] == "1"
    code, _, err = cli(["explain", "scenarios/bestaat_niet.yaml"], capsys)
    assert code == 1 and "RL401" in err
    code, _, err = cli(["explain", "scenarios/a.yaml", "b"], capsys)
    assert code == 2 and "onbekende uitkomst 'b'" in err
    code, _, err = cli(["explain", "scenarios/a.yaml", "--geval", "5"], capsys)
    assert code == 1 and "geval 5 bestaat niet" in err


def test_debug_ast_and_ir(small, capsys):
    code, out, _ = cli(["debug", "ast", "rules/a.rule"], capsys)
    assert code == 0 and out.startswith("DefDecl(name='a'")
    code, out, _ = cli(["debug", "ir", "rules/a.rule"], capsys)
    assert code == 0
    meta = json.loads(out)
    assert meta["outcomes"] == ["a"] and meta["rules"][0]["line"] == 3
    code, _, err = cli(["debug", "ast", "rules/bestaat_niet.rule"], capsys)
    assert code == 1 and "RL001" in err


def test_internal_error_is_reported_plainly(small, capsys, monkeypatch):
    import rulelang.compiler

    def broken(paths):
        raise RuntimeError("kapot")

    monkeypatch.setattr(rulelang.compiler, "check_paths", broken)
    code, out, err = cli(["check"], capsys)
    assert code == 2
    assert err.startswith("RL901 interne fout in rulelang (RuntimeError: kapot).")
    assert "Traceback" not in out + err
