"""Shared helpers for the rulelang test suite.

Every test works in its own temporary directory (the working directory is changed there, so paths in
diagnostics are short and predictable, e.g. `r.rule:3:5`), and the compiled-module cache is pointed at
a temporary directory so no test reads or writes ~/.cache.
"""
from __future__ import annotations

import datetime as _dt
import sys
import textwrap
from pathlib import Path

import pytest

from rulelang.compiler import compile_rules
from rulelang.explain import describe_signal
from rulelang.runtime import Decision, evaluate

pytest_plugins = ["pytester"]

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("RULELANG_CACHE_DIR", str(tmp_path_factory.mktemp("rulelang-cache")))
    monkeypatch.delenv("RULELANG_NO_CACHE", raising=False)
    monkeypatch.delenv("RULELANG_DEBUG", raising=False)


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


class Project:
    """A scratch rule project in tmp_path (which is also the working directory)."""

    def __init__(self, root: Path):
        self.root = root

    def write(self, relpath: str, text: str) -> Path:
        path = self.root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(text), encoding="utf-8")
        return path

    def compile(self, text: str, name: str = "r.rule"):
        """(rule set or None, diagnostics) for a rule file with this text."""
        path = self.write(name, text)
        return compile_rules(path, use_cache=False)

    def rules(self, text: str, name: str = "r.rule"):
        """A compiled rule set; fails the test if the checker reports anything."""
        rs, diags = self.compile(text, name)
        assert not diags, "\n".join(d.concise() for d in diags)
        assert rs is not None
        return rs

    def diagnostics(self, text: str, name: str = "r.rule"):
        rs, diags = self.compile(text, name)
        assert diags, "expected diagnostics, the file compiled cleanly"
        assert rs is None, "a rule set with errors must not be compiled to a module"
        return diags

    def codes(self, text: str, name: str = "r.rule") -> list[str]:
        return sorted(d.code for d in self.diagnostics(text, name))

    def pyproject(self, rules_dir: str = "rules") -> Path:
        return self.write("pyproject.toml", f'[tool.rulelang]\nrules = "{rules_dir}"\n')


@pytest.fixture
def project(tmp_path, monkeypatch) -> Project:
    monkeypatch.chdir(tmp_path)
    return Project(tmp_path)


def run(rs, peildatum=_dt.date(2026, 6, 1), facts=None, decisions=None, names=None):
    """Evaluate a compiled rule set; returns {outcome name: OutcomeResult}."""
    _, results, _ = evaluate(rs.cls, facts or {}, decisions or {}, peildatum, names)
    return results


def value(rs, name, peildatum=_dt.date(2026, 6, 1), facts=None, decisions=None):
    """The value of one definition or outcome; fails the test if its status is not ok."""
    res = run(rs, peildatum, facts, decisions, [name])[name]
    assert res.status == "ok", describe_signal(rs.meta, res.signal, peildatum)
    return res.value


def problem(rs, name, peildatum=_dt.date(2026, 6, 1), facts=None, decisions=None):
    """(status, Dutch sentence) for an outcome that could not be computed."""
    res = run(rs, peildatum, facts, decisions, [name])[name]
    assert res.status != "ok", f"{name} was computed: {res.value!r}"
    return res.status, describe_signal(rs.meta, res.signal, peildatum)


def decision(value, by="college van B&W", date=_dt.date(2026, 3, 1), motivation="maatwerk"):
    return Decision(value, by, date, motivation)


def cli(args: list[str], capsys) -> tuple[int, str, str]:
    """Run the `rulelang` entry point in-process: (exit code, stdout, stderr)."""
    from rulelang.cli import main

    try:
        main(list(args))
        code = 0
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    out, err = capsys.readouterr()
    return code, out, err


# `pytest --hypothesis-profile=zonder-verkleinen`: report a failing input at once instead of spending
# minutes shrinking it (for the long fuzz and differential runs; the default profile shrinks).
from hypothesis import HealthCheck, Phase, settings as _hsettings  # noqa: E402

# No per-example deadline and no "too slow" health check in any profile: a loaded CI runner (two cores,
# other jobs) makes an example slower, not wrong; a real hang is caught by the fuzz harness's own alarm.
_CALM = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow])
_hsettings.register_profile("rulelang", **_CALM)
_hsettings.register_profile("zonder-verkleinen", phases=[Phase.explicit, Phase.reuse, Phase.generate], **_CALM)
_hsettings.load_profile("rulelang")
