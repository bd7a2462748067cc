"""What keeps the documentation honest: run a documented command, check an example, check a
diagnostic's bad example and its fix. Used by the Sphinx directives (a failure is a build warning,
an error under -W) and by the test suite (tests/test_docs_*.py), so both check the same thing.
"""
from __future__ import annotations

import contextlib
import re
import shlex
import tempfile
import traceback
from pathlib import Path

import attrs

from .. import ast as A
from ..builtins import canonical
from ..source import Span
from ..types import TYPE_WORDS

CODE_RE = re.compile(r"\bRL\d{3}\b")


# ------------------------------------------------------------------------------------ commands
@attrs.define
class CommandResult:
    args: list[str]
    exit_code: int
    output: str

    @property
    def shown(self) -> str:
        """As in a terminal: the prompt line, then the output."""
        return "$ rulelang " + " ".join(shlex.quote(a) for a in self.args) + "\n" + self.output.rstrip("\n")


def run_cli(command: str | list[str], cwd: Path) -> CommandResult:
    """Run `rulelang ...` in-process in folder `cwd` (paths in the output are relative to it)."""
    from click.testing import CliRunner

    from ..cli import cli

    args = shlex.split(command) if isinstance(command, str) else list(command)
    if args and args[0] == "rulelang":
        args = args[1:]
    with contextlib.chdir(cwd):
        result = CliRunner().invoke(cli, args, prog_name="rulelang", catch_exceptions=True)
    output = result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        output += "\n" + "".join(traceback.format_exception(result.exception))
        return CommandResult(args, 99, output)
    return CommandResult(args, result.exit_code, output)


# ------------------------------------------------------------------------------------ examples
def normalized_ast(path: Path):
    """The parse tree of a rule file without positions and without spelling: the Dutch and the
    English version of one program give the same value."""
    from ..parser import parse_text
    from ..transform import build_module

    text = path.read_text(encoding="utf-8")
    lang, trees, diags = parse_text(text, path.name)
    module = build_module(path.name, lang, trees, diags)
    if diags:
        raise ValueError("\n".join(d.concise() for d in diags))
    return _norm(tuple(d for d in module.decls if not isinstance(d, A.Header)), lang)


def _norm(x, lang: str):
    if isinstance(x, Span):
        return None
    if isinstance(x, A.TypeRef):
        t = TYPE_WORDS.get(tuple(x.words))
        return ("type", t if t is not None else tuple(x.words), x.period)
    if isinstance(x, A.Name) and x.name == "reference_date":
        return ("Name", "peildatum")
    if isinstance(x, A.Call):
        return ("call", canonical(x.func, lang) or x.func, _norm(x.args, lang))
    if isinstance(x, A.Import):
        rest = tuple(_norm(getattr(x, f.name), lang) for f in attrs.fields(type(x)) if f.name not in ("path", "span"))
        return ("import", re.sub(r"\.en\.rule$", ".rule", x.path)) + rest
    if attrs.has(type(x)):
        return (type(x).__name__,) + tuple(_norm(getattr(x, f.name), lang) for f in attrs.fields(type(x))
                                           if f.name != "span")
    if isinstance(x, (tuple, list)):
        return tuple(_norm(i, lang) for i in x)
    return x


@attrs.define
class OutcomeRow:
    scenario: str
    outcome: str
    got: str
    expected: str | None
    ok: bool


@attrs.define
class ExampleResult:
    rule: Path
    english: Path | None
    scenario: Path | None
    problems: list[str] = attrs.Factory(list)
    rows: list[OutcomeRow] = attrs.Factory(list)

    @property
    def ok(self) -> bool:
        return not self.problems


def example_files(rule: Path) -> tuple[Path | None, Path | None]:
    en = rule.with_name(rule.stem + ".en.rule")
    sc = rule.with_suffix(".yaml")
    return (en if en.exists() else None), (sc if sc.exists() else None)


def check_example(rule: Path) -> ExampleResult:
    """Compile the example, check that its English twin is the same program, run its scenario."""
    from ..compiler import compile_rules
    from ..run import Runner

    rule = Path(rule).resolve()
    en, sc_path = example_files(rule)
    res = ExampleResult(rule, en, sc_path)
    rs, diags = compile_rules(rule, use_cache=False)
    errors = [d for d in diags if d.severity == "error"]
    if rs is None or errors:
        res.problems += [f"{rule.name}: {d.concise()}" for d in errors] or [f"{rule.name}: niet te vertalen"]
        return res
    if en is not None:
        rs_en, d_en = compile_rules(en, use_cache=False)
        if rs_en is None or any(d.severity == "error" for d in d_en):
            res.problems += [f"{en.name}: {d.concise()}" for d in d_en]
        elif normalized_ast(rule) != normalized_ast(en):
            res.problems.append(f"{en.name} is niet hetzelfde programma als {rule.name}")
    if sc_path is None:
        res.problems.append(f"{rule.name}: geen scenario ({rule.stem}.yaml)")
        return res
    runner = Runner(use_cache=False)
    scenarios, problems = runner.load(sc_path)
    res.problems += [d.concise() for d in problems]
    if not scenarios and not problems:
        res.problems.append(f"{sc_path.name}: geen scenario's")
    for sc in scenarios:
        run = runner.run(sc)
        expected = {c.outcome: c for c in run.checks if c.what == "waarde"}
        for name in dict.fromkeys([e.name for e in sc.expect]):
            c = expected.get(name)
            res.rows.append(OutcomeRow(sc.name, name, run.outcome_text(name), c.expected if c else None,
                                       c.ok if c else True))
        for c in run.checks:
            if not c.ok:
                res.problems.append(f"{sc_path.name} ({sc.name}): {c.outcome} ({c.what}): verwacht {c.expected}, "
                                    f"kreeg {c.got}")
        if en is not None and not res.problems:
            sc_en = attrs.evolve(sc, rules_path=en)
            run_en = runner.run(sc_en)
            for c in run_en.checks:
                if not c.ok:
                    res.problems.append(f"{en.name} ({sc.name}): {c.outcome}: verwacht {c.expected}, kreeg {c.got}")
    return res


# ------------------------------------------------------------------------------------ diagnostics
@attrs.define
class CaseResult:
    files: dict[str, str]
    start: str
    command: CommandResult
    codes: list[str]


@attrs.define
class DiagnosticCheck:
    code: str
    bad: CaseResult | None
    fix: CaseResult | None
    problems: list[str] = attrs.Factory(list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _case_start(case: dict) -> str:
    files = case.get("bestanden") or {}
    if case.get("controleer"):
        return str(case["controleer"])
    yamls = [f for f in files if f.endswith((".yaml", ".yml"))]
    rules = [f for f in files if f.endswith(".rule")]
    return (yamls or rules or ["r.rule"])[0]


def run_case(case: dict) -> CaseResult:
    """Write the case's files to a fresh folder and run `rulelang check` (for a .rule) or
    `rulelang run` (for a scenario) on its start file."""
    files = {str(k): str(v) for k, v in (case.get("bestanden") or {}).items()}
    start = _case_start(case)
    with tempfile.TemporaryDirectory(prefix="rulelang-doc-") as tmp:
        root = Path(tmp)
        # a project of its own: scenario paths resolve here, never in the real rules/
        (root / "pyproject.toml").write_text('[tool.rulelang]\nrules = "."\n', encoding="utf-8")
        for name, text in files.items():
            p = root / name
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text, encoding="utf-8")
        if start.endswith((".yaml", ".yml")):
            cmd = run_cli(["run", start], root)
        else:
            cmd = run_cli(["check", "--format", "full", start], root)
    return CaseResult(files, start, cmd, sorted(set(CODE_RE.findall(cmd.output))))


def check_diagnostic(code: str, entry: dict) -> DiagnosticCheck:
    """The bad example must report `code` and fail; the fix must pass (exit 0; a checked rule file
    reports no code at all)."""
    if entry.get("geen_voorbeeld"):
        return DiagnosticCheck(code, None, None)
    out = DiagnosticCheck(code, None, None)
    if "fout" not in entry or "herstel" not in entry:
        out.problems.append(f"{code}: 'fout' en 'herstel' ontbreken")
        return out
    out.bad = run_case(entry["fout"])
    out.fix = run_case(entry["herstel"])
    if code not in out.bad.codes:
        out.problems.append(f"{code}: het foute voorbeeld meldt {', '.join(out.bad.codes) or 'geen code'} "
                            f"(exitcode {out.bad.command.exit_code}):\n{out.bad.command.output}")
    if out.bad.command.exit_code == 0:
        out.problems.append(f"{code}: het foute voorbeeld eindigt met exitcode 0")
    # a scenario may expect `fout` or `geblokkeerd`, so a passing run may mention a code
    fix_clean = out.fix.command.exit_code == 0 and (out.fix.start.endswith((".yaml", ".yml")) or not out.fix.codes)
    if not fix_clean:
        out.problems.append(f"{code}: het herstelde voorbeeld is niet in orde (exitcode "
                            f"{out.fix.command.exit_code}):\n{out.fix.command.output}")
    return out


def load_diagnostic_entries(folder: Path) -> dict[str, dict]:
    """docs/foutcodes/RLxxx.yaml -> {code: entry}."""
    import yaml

    out = {}
    for p in sorted(Path(folder).glob("RL*.yaml")):
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
        out[p.stem.upper()] = data
    return out
