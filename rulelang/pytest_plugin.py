"""pytest plugin (entry point `pytest11`): every scenario under a `scenarios/` folder is a test item.

A failing scenario shows each expectation that did not hold (verwacht / kreeg, with its file:line)
and the explanation of the outcome, so the reader sees why the rules decided otherwise.
"""
from __future__ import annotations

from pathlib import Path

import pytest

_RUNNER = None
_RUNS: list = []  # finished scenario runs, for --rulelang-coverage


def _runner():
    global _RUNNER
    if _RUNNER is None:
        from .run import Runner

        _RUNNER = Runner()
    return _RUNNER


def pytest_addoption(parser):
    group = parser.getgroup("rulelang")
    group.addoption("--rulelang-coverage", action="store_true", default=False,
                    help="report which rules, exceptions, conditions and dated versions no scenario exercised")
    group.addoption("--rulelang-coverage-json", metavar="PATH", default=None,
                    help="also write the rule coverage report as JSON to PATH")
    parser.addini("rulelang_scenario_dirs", "folder names whose YAML files are rulelang scenarios",
                 type="linelist", default=["scenarios"])


def pytest_collect_file(parent, file_path: Path):
    if file_path.suffix not in (".yaml", ".yml"):
        return None
    dirs = set(parent.config.getini("rulelang_scenario_dirs"))
    if not dirs.intersection(file_path.parts[:-1]):
        return None
    return ScenarioFile.from_parent(parent, path=file_path)


class ScenarioFile(pytest.File):
    def collect(self):
        scenarios, problems = _runner().load(self.path)
        for p in problems:
            yield BrokenScenarioItem.from_parent(self, name=f"{p.code} regel {p.span.line}", diagnostic=p)
        for sc in scenarios:
            yield ScenarioItem.from_parent(self, name=sc.name, scenario=sc)


class ScenarioFailure(Exception):
    pass


class ScenarioItem(pytest.Item):
    def __init__(self, *, scenario, **kwargs):
        super().__init__(**kwargs)
        self.scenario = scenario
        self.run_result = None

    def runtest(self):
        self.run_result = _runner().run(self.scenario, trace=True)
        _RUNS.append(self.run_result)
        if not self.run_result.passed:
            raise ScenarioFailure(self.run_result)

    def repr_failure(self, excinfo, style=None):
        if not isinstance(excinfo.value, ScenarioFailure):
            return super().repr_failure(excinfo, style)
        from .render.explanation import to_text

        r = self.run_result
        lines = [f"Scenario '{r.scenario.name}' ({r.scenario.path}) klopt niet:"]
        for c in r.checks:
            if not c.ok:
                lines.append(f"  {c.location}: {c.outcome} ({c.what})")
                lines.append(f"    verwacht: {c.expected}")
                lines.append(f"    kreeg:    {c.got}")
        shown = list(dict.fromkeys(c.outcome for c in r.checks if not c.ok))
        for name in shown:
            lines.append("")
            lines.append(f"Uitleg van {name}:")
            lines.extend("  " + line for line in to_text(r.explanation(name)).splitlines())
        return "\n".join(lines)

    def reportinfo(self):
        return self.path, self.scenario.span.line - 1, f"scenario: {self.scenario.name}"


class BrokenScenarioItem(pytest.Item):
    """A scenario file with an error is a failing test, never silently skipped."""

    def __init__(self, *, diagnostic, **kwargs):
        super().__init__(**kwargs)
        self.diagnostic = diagnostic

    def runtest(self):
        raise ScenarioFailure(self.diagnostic)

    def repr_failure(self, excinfo, style=None):
        return self.diagnostic.concise() + (f"\n  hulp: {self.diagnostic.help}" if self.diagnostic.help else "")

    def reportinfo(self):
        return self.path, self.diagnostic.span.line - 1, f"scenariobestand: {self.diagnostic.code}"


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    want_text = config.getoption("--rulelang-coverage")
    json_path = config.getoption("--rulelang-coverage-json")
    if not (want_text or json_path) or not _RUNS:
        return
    from .coverage import measure

    cov = measure(_RUNS)
    if want_text:
        terminalreporter.write_sep("-", "rulelang: dekking van de regels")
        terminalreporter.write(cov.to_text())
    if json_path:
        Path(json_path).write_text(cov.to_json() + "\n", encoding="utf-8")
