"""Running scenarios: compile their rule sets (once each), evaluate, compare, explain."""
from __future__ import annotations

from pathlib import Path

import attrs

from .compiler import RuleSet, compile_rules
from .diagnostics import Diagnostic
from .explain import Explanation, applied_rules, blocked_nodes, describe_signal, explain
from .runtime import evaluate
from .runtime.values import format_value
from .scenario import Scenario, find_rules, load_scenario, read_documents


@attrs.define
class Check:
    """One comparison a scenario makes, and whether it held."""

    outcome: str
    what: str  # waarde | reden
    ok: bool
    expected: str
    got: str
    location: str


@attrs.define
class ScenarioRun:
    scenario: Scenario
    ruleset: RuleSet
    results: dict
    evaluation: object
    tracer: object
    checks: list[Check]

    @property
    def passed(self) -> bool:
        return all(c.ok for c in self.checks)

    def explanation(self, name: str) -> Explanation:
        res = self.results.get(name)
        signal = res.signal if res is not None else None
        return explain(self.ruleset.meta, self.tracer, self.evaluation, self.scenario.decisions, name,
                       self.scenario.name, signal)

    def outcome_text(self, name: str) -> str:
        meta = self.ruleset.meta
        res = self.results[name]
        if res.status == "ok":
            t = meta["symbols"][meta["index"][name]]["type"]
            return format_value(res.value, t["kind"], t.get("period"))
        if res.status == "fout":
            return "FOUT: " + describe_signal(meta, res.signal, self.scenario.peildatum)
        if res.status == "ontbreekt":
            return "ONBEKEND: " + describe_signal(meta, res.signal, self.scenario.peildatum)
        return "GEBLOKKEERD: " + describe_signal(meta, res.signal, self.scenario.peildatum)


class Runner:
    """Keeps compiled rule sets per file so a directory of scenarios compiles each rule set once."""

    def __init__(self, use_cache: bool = True, rules_root: Path | None = None):
        self.use_cache = use_cache
        self.rules_root = rules_root  # evaluate scenarios against another copy of rules/ (rulelang diff)
        self.rulesets: dict[Path, tuple[RuleSet | None, list[Diagnostic]]] = {}

    def ruleset(self, path: Path) -> tuple[RuleSet | None, list[Diagnostic]]:
        key = path.resolve()
        if key not in self.rulesets:
            self.rulesets[key] = compile_rules(path, use_cache=self.use_cache)
        return self.rulesets[key]

    def load(self, path: Path) -> tuple[list[Scenario], list[Diagnostic]]:
        docs, diags, _ = read_documents(path)
        scenarios = []
        for i, doc in enumerate(docs):
            def meta_for(p: Path):
                rs, _ = self.ruleset(p)
                return rs.meta if rs is not None else None

            sc, d = load_scenario(doc, path, i, meta_for, self.rules_root)
            diags.extend(d)
            if sc is not None:
                scenarios.append(sc)
        return scenarios, diags

    def run(self, sc: Scenario, trace: bool = True) -> ScenarioRun:
        rs, _ = self.ruleset(sc.rules_path)
        meta = rs.meta
        names = list(dict.fromkeys(meta["outcomes"] + [e.name for e in sc.expect] + [r.name for r in sc.reasons]))
        ev, results, tracer = evaluate(rs.cls, sc.facts, sc.decisions, sc.peildatum, names, trace=trace)
        run = ScenarioRun(sc, rs, results, ev, tracer, [])
        for e in sc.expect:
            res = results[e.name]
            loc = str(e.span)
            if e.status == "ok":
                ok = res.status == "ok" and same_value(res.value, e.value)
                t = meta["symbols"][meta["index"][e.name]]["type"]
                exp_text = format_value(e.value, t["kind"], t.get("period"))
            else:
                ok = res.status == e.status
                exp_text = e.status.upper()
            run.checks.append(Check(e.name, "waarde", ok, exp_text, run.outcome_text(e.name), loc))
        for r in sc.reasons:
            expl = run.explanation(r.name)
            applied = applied_rules(expl.root)
            for ref, span in r.through:
                targets = {(meta["symbols"][x["symbol"]]["name"], x["label"]) for x in find_rules(meta, ref, r.name)}
                ok = bool(targets & applied)
                run.checks.append(Check(r.name, "reden", ok, f"via regel '{ref}'",
                                        "toegepast" if ok else _applied_text(applied), str(span)))
            for ref, span in r.not_through:
                targets = {(meta["symbols"][x["symbol"]]["name"], x["label"]) for x in find_rules(meta, ref, r.name)}
                ok = not (targets & applied)
                run.checks.append(Check(r.name, "reden", ok, f"niet via regel '{ref}'",
                                        "niet toegepast" if ok else f"regel '{ref}' is wel toegepast", str(span)))
            if r.blocked_by is not None:
                ref, span = r.blocked_by
                blocked = [b.blocked["voorwaarde"] for b in blocked_nodes(expl.root)]
                ok = ref in blocked
                run.checks.append(Check(r.name, "reden", ok, f"geblokkeerd door '{ref}'",
                                        f"geblokkeerd door {', '.join(map(str, blocked))}" if blocked else
                                        "niet geblokkeerd", str(span)))
            for ref, span in r.decisions:
                used = {d.name for d in expl.decisions}
                ok = ref in used
                run.checks.append(Check(r.name, "reden", ok, f"hangt af van beslissing '{ref}'",
                                        "ja" if ok else (f"alleen van {', '.join(sorted(used))}" if used else
                                                         "van geen enkele beslissing"), str(span)))
        return run


def same_value(got, expected) -> bool:
    """Exact comparison; ja/nee never equals 1/0, and € 1200 equals € 1.200,00."""
    if isinstance(got, bool) or isinstance(expected, bool):
        return got is expected
    return got == expected


def _applied_text(applied: set) -> str:
    if not applied:
        return "geen regel toegepast"
    return "toegepast: " + ", ".join(f"{d}.{l}" for d, l in sorted(applied))


def scenario_files(paths: list[str]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            out.extend(sorted(x for x in path.rglob("*") if x.suffix in (".yaml", ".yml") and x.is_file()))
        else:
            out.append(path)
    return out
