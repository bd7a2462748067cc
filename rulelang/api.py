"""The Python API: the same operations as the CLI, for notebooks and other programs.

    from rulelang import api
    run = api.run_scenario("scenarios/participatiewet/giftenvrijlating/een_cent_boven_de_grens.yaml")
    print(api.explain_text(run, "giften_meegeteld"))
    print(api.why_not(run, "meldingsplichtig", "nee").to_text())
"""
from __future__ import annotations

from pathlib import Path

from .compiler import compile_rules  # noqa: F401  (re-exported)
from .coverage import Coverage, measure
from .diff import DiffReport, diff_versions
from .render.explanation import RENDERERS
from .run import Runner, ScenarioRun
from .scenario import ScenarioError
from .whynot import NeededInput, WhyNot, missing_inputs, why_not  # noqa: F401


def load_scenarios(path: str | Path, runner: Runner | None = None):
    """All scenarios in a YAML file; raises ScenarioError with located RL4xx diagnostics."""
    runner = runner or Runner()
    scenarios, problems = runner.load(Path(path))
    if problems:
        raise ScenarioError(problems)
    return scenarios


def run_scenario(path: str | Path, case: int = 1, runner: Runner | None = None) -> ScenarioRun:
    runner = runner or Runner()
    scenarios = load_scenarios(path, runner)
    chosen = [s for s in scenarios if s.index == case - 1]
    if not chosen:
        raise ValueError(f"{path}: geval {case} bestaat niet")
    return runner.run(chosen[0])


def explain_text(run: ScenarioRun, outcome: str, fmt: str = "text") -> str:
    """fmt: text | markdown | json | brief | html."""
    return RENDERERS[fmt](run.explanation(outcome))


def coverage(scenario_paths: list[str]) -> Coverage:
    from .run import scenario_files

    runner = Runner()
    runs = []
    for f in scenario_files(scenario_paths):
        scenarios, _ = runner.load(f)
        runs.extend(runner.run(s) for s in scenarios)
    return measure(runs)


def diff(old: str, new: str, scenario_paths: list[str] | None = None) -> DiffReport:
    return diff_versions(old, new, scenario_paths or ["scenarios"])
