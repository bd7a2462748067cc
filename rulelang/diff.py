"""Rule-change impact: run every scenario against two versions of the rules and report what changed.

A version is a directory of rules or a git revision (its rules/ folder is extracted with
`git archive`). Changes are outcome values (with the difference for amounts and numbers), statuses
(blocked, missing, error), and reasons (which rules applied, which precondition blocked, which
decisions were used) — a right answer reached another way is reported too.
"""
from __future__ import annotations

import difflib
import io
import subprocess
import tarfile
import tempfile
from decimal import Decimal
from pathlib import Path

import attrs

from .explain import applied_rules, blocked_nodes
from .render.explanation import to_text
from .run import Runner, scenario_files
from .runtime.values import format_value
from .scenario import project_root


@attrs.define
class Change:
    scenario: str
    name: str
    outcome: str
    kind: str  # waarde | reden
    old: str
    new: str
    delta: str | None
    old_reasons: list[str]
    new_reasons: list[str]
    explanation_diff: str


@attrs.define
class DiffReport:
    old_label: str
    new_label: str
    scenarios: int
    changes: list[Change]
    problems: list[str]

    @property
    def changed_scenarios(self) -> int:
        return len({c.scenario for c in self.changes})

    def to_text(self, with_explanations: bool = True) -> str:
        out = [f"Regelwijziging: {self.old_label} → {self.new_label}",
               f"{self.scenarios} scenario's doorgerekend; {self.changed_scenarios} met een andere uitkomst of reden "
               f"({sum(c.kind == 'waarde' for c in self.changes)} uitkomsten anders, "
               f"{sum(c.kind == 'reden' for c in self.changes)} alleen met een andere reden).", ""]
        for c in self.changes:
            if c.kind == "waarde":
                delta = f" ({c.delta})" if c.delta else ""
                out.append(f"ANDERS  {c.scenario} — {c.name}")
                out.append(f"        {c.outcome}: {c.old} → {c.new}{delta}")
            else:
                out.append(f"REDEN   {c.scenario} — {c.name}")
                out.append(f"        {c.outcome}: {c.new} (gelijk), maar via andere regels")
                out.append(f"        was: {', '.join(c.old_reasons) or '—'}")
                out.append(f"        nu:  {', '.join(c.new_reasons) or '—'}")
            if with_explanations and c.explanation_diff:
                out.extend("        " + line for line in c.explanation_diff.splitlines())
            out.append("")
        for p in self.problems:
            out.append(f"PROBLEEM {p}")
        return "\n".join(out).rstrip() + "\n"

    def to_json(self) -> dict:
        return {"oud": self.old_label, "nieuw": self.new_label, "scenarios": self.scenarios,
                "gewijzigde_scenarios": self.changed_scenarios,
                "wijzigingen": [attrs.asdict(c) for c in self.changes], "problemen": self.problems}


def materialise(version: str, workdir: Path, repo: Path, rules_rel: str) -> tuple[Path, str]:
    """A directory for `version`: itself if it is one, else the rules folder at that git revision."""
    p = Path(version)
    if p.is_dir():
        return p, version
    target = workdir / version.replace("/", "_")
    target.mkdir(parents=True, exist_ok=True)
    try:
        data = subprocess.run(["git", "-C", str(repo), "archive", "--format=tar", version, rules_rel],
                              check=True, capture_output=True).stdout
    except (subprocess.CalledProcessError, FileNotFoundError) as e:
        err = getattr(e, "stderr", b"") or b""
        raise ValueError(f"'{version}' is geen map en geen git-revisie met {rules_rel}/ "
                         f"({err.decode(errors='replace').strip()})") from None
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(target, filter="data")
    return target / rules_rel, f"{version} ({rules_rel}/)"


def _reasons(run, name: str) -> list[str]:
    expl = run.explanation(name)
    items = [f"{d}.{l}" if l else f"{d}" for d, l in sorted(applied_rules(expl.root))]
    items += [f"geblokkeerd:{b.blocked['voorwaarde']}" for b in blocked_nodes(expl.root)]
    items += [f"beslissing:{d.name}={d.value_text}" for d in expl.decisions]
    return items


def _key(run, name: str):
    """What counts as 'the same outcome': status and exact value, or the kind of stop and where (not line numbers)."""
    res = run.results[name]
    if res.status == "ok":
        return ("ok", type(res.value).__name__, res.value)
    sig = res.signal
    meta = run.ruleset.meta
    detail = getattr(sig, "symbol", None)
    return (res.status, type(sig).__name__, meta["symbols"][detail]["name"] if detail is not None else None,
            getattr(sig, "precondition", None))


def _normalise(text: str, root: Path) -> str:
    """Show both versions' file locations as rules/…, so only real differences remain."""
    from .compiler import display_path

    return text.replace(display_path(root.resolve()) + "/", "rules/")


def _delta(old, new, typ: dict) -> str | None:
    if old.status != "ok" or new.status != "ok":
        return None
    if isinstance(old.value, bool) or not isinstance(old.value, (int, Decimal)):
        return None
    d = new.value - old.value
    text = format_value(abs(d), typ["kind"], typ.get("period"))
    return ("+" if d > 0 else "−") + text if d else None


def compare(old_root: Path, new_root: Path, scenario_paths: list[str], old_label: str, new_label: str) -> DiffReport:
    old_runner, new_runner = Runner(rules_root=old_root), Runner(rules_root=new_root)
    changes, problems, count = [], [], 0
    for f in scenario_files(scenario_paths):
        old_sc, old_d = old_runner.load(f)
        new_sc, new_d = new_runner.load(f)
        for label, diags in (("oud", old_d), ("nieuw", new_d)):
            problems.extend(f"{label}: {d.concise()}" for d in diags)
        new_by_index = {s.index: s for s in new_sc}
        for o in old_sc:
            n = new_by_index.get(o.index)
            if n is None:
                continue
            count += 1
            ro, rn = old_runner.run(o), new_runner.run(n)
            names = list(dict.fromkeys(ro.ruleset.meta["outcomes"] + rn.ruleset.meta["outcomes"]
                                       + [e.name for e in o.expect]))
            for name in names:
                if name not in ro.results or name not in rn.results:
                    problems.append(f"{o.path}: uitkomst '{name}' bestaat maar in één van beide versies")
                    continue
                old_text = _normalise(ro.outcome_text(name), old_root)
                new_text = _normalise(rn.outcome_text(name), new_root)
                old_r, new_r = _reasons(ro, name), _reasons(rn, name)
                same_value = _key(ro, name) == _key(rn, name)
                if same_value and old_r == new_r:
                    continue
                e_old = _normalise(to_text(ro.explanation(name)), old_root)
                e_new = _normalise(to_text(rn.explanation(name)), new_root)
                udiff = "".join(difflib.unified_diff(e_old.splitlines(True), e_new.splitlines(True),
                                                     f"{old_label}", f"{new_label}", n=1))
                typ = rn.ruleset.meta["symbols"][rn.ruleset.meta["index"][name]]["type"]
                kind = "reden" if same_value else "waarde"
                changes.append(Change(o.path, o.name, name, kind, old_text, new_text,
                                      _delta(ro.results[name], rn.results[name], typ), old_r, new_r, udiff))
    return DiffReport(old_label, new_label, count, changes, problems)


def diff_versions(old: str, new: str, scenario_paths: list[str]) -> DiffReport:
    repo, cfg = project_root(Path.cwd())
    rules_rel = cfg.get("rules", "rules")
    with tempfile.TemporaryDirectory(prefix="rulelang-diff-") as tmp:
        old_root, old_label = materialise(old, Path(tmp) / "oud", repo, rules_rel)
        new_root, new_label = materialise(new, Path(tmp) / "nieuw", repo, rules_rel)
        return compare(old_root, new_root, scenario_paths, old_label, new_label)
