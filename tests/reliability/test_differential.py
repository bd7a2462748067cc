"""Differential testing: the compiled rule set and the reference interpreter (rulelang.interpret) agree
on every outcome value, every blocked precondition and every error.

(a) on generated, well-typed rule programs with generated facts and peildata;
(b) on every shipped rule file (rules/**/*.rule) with random scenarios typed from its META.

Short in the normal suite; RULELANG_LONG=1 runs >= 10.000 programs and >= 10.000 library scenarios
(docs/betrouwbaarheid.md).
"""
from __future__ import annotations

import datetime as _dt
import itertools
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rulelang import interpret as I
from rulelang.runtime import Decision
from rulelang.runtime.values import CONTEXT

from .conftest import COUNTS
from .programs import cases, programs
from .support import LONG, REPO, compare, compile_text, describe_case, examples, library

SCRATCH = Path(tempfile.mkdtemp(prefix="rulelang-diff-"))
LIBRARY = sorted((REPO / "rules").rglob("*.rule"))
SETTINGS = dict(deadline=None, database=None, suppress_health_check=list(HealthCheck))


@settings(max_examples=examples(40, 10_000), **SETTINGS)
@given(text=programs(), data=st.data())
def test_generated_programs_agree(text, data):
    program, cls, diags = compile_text(SCRATCH, text)
    assert not diags, "de generator schreef een programma met fouten:\n" + text + "\n".join(
        d.concise() for d in diags)
    COUNTS["programma's"] += 1
    for _ in range(3):
        facts, decisions, peildatum = data.draw(cases(cls.META))
        COUNTS["programma-gevallen"] += 1
        problems = compare(program, cls, facts, decisions, peildatum)
        assert not problems, "\n".join(problems) + "\n" + describe_case(text, facts, decisions, peildatum)
        explain_everything(cls, facts, decisions, peildatum)


def explain_everything(cls, facts, decisions, peildatum):
    """Every outcome's explanation, in every form, for any program and case: it never fails, and its
    root says what the evaluation said (the value in words, or why there is none)."""
    from rulelang.explain import explain
    from rulelang.render.explanation import RENDERERS
    from rulelang.runtime import evaluate

    ev, results, tracer = evaluate(cls, facts, decisions, peildatum, trace=True)
    for name, res in results.items():
        expl = explain(cls.META, tracer, ev, decisions, name, "gegenereerd", res.signal)
        assert expl.root.name == name
        if res.status == "ok":
            assert expl.root.status == "berekend" and expl.root.value == res.value
        else:
            # why not: its own precondition (blocked), or the problem underneath (RL5xx)
            assert expl.root.status != "berekend" and (expl.root.problem or expl.root.blocked), (name, res.status)
        for fmt, render in RENDERERS.items():
            assert render(expl).strip(), fmt


def _library(path: Path):
    program, cls, _ = library(path.resolve())
    return program, cls


PER_FILE = max(1, -(-10_000 // max(1, len(LIBRARY)))) if LONG else 12


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: str(p.relative_to(REPO / "rules")))
def test_shipped_rules_agree_on_random_scenarios(path):
    program, cls = _library(path)

    @settings(max_examples=examples(PER_FILE, PER_FILE), **SETTINGS)
    @given(case=cases(cls.META))
    def check(case):
        facts, decisions, peildatum = case
        COUNTS["bibliotheek-scenario's"] += 1
        problems = compare(program, cls, facts, decisions, peildatum)
        assert not problems, "\n".join(problems) + f"\n{path}\nfeiten {facts!r}\nbeslissingen {decisions!r}\n" \
                                                   f"peildatum {peildatum}"
        explain_everything(cls, facts, decisions, peildatum)

    check()


def test_shipped_scenarios_agree():
    """Every hand-written scenario in scenarios/ also agrees, outcome by outcome and definition by definition."""
    from rulelang.run import Runner, scenario_files

    runner = Runner(use_cache=False)
    seen = 0
    for f in scenario_files([str(REPO / "scenarios")]):
        scenarios, _ = runner.load(f)
        for sc in scenarios:
            program, cls = _library(sc.rules_path.resolve())
            problems = compare(program, cls, sc.facts, sc.decisions, sc.peildatum)
            assert not problems, f"{f}: " + "\n".join(problems)
            seen += 1
    assert seen >= 20


# ---------------------------------------------------------------- the interpreter's own arithmetic
def test_interpreter_context_is_the_runtime_context():
    for attr in ("prec", "rounding", "Emax", "Emin", "capitals", "clamp"):
        assert getattr(I.CONTEXT, attr) == getattr(CONTEXT, attr), attr
    assert {k for k, v in I.CONTEXT.traps.items() if v} == {k for k, v in CONTEXT.traps.items() if v}


def test_the_differential_test_notices_a_wrong_answer(tmp_path):
    """A deliberately wrong compiled answer is reported (the comparison can fail)."""
    program, cls, diags = compile_text(tmp_path, 'invoer x: geld\nuitkomst y: geld\n    bron "a"\n    waarde x + € 1\n')
    assert not diags

    class Broken(cls):
        __slots__ = ()

    broken_getters = list(cls.GETTERS)
    broken_getters[1] = lambda self: Decimal("0")
    Broken.GETTERS = tuple(broken_getters)
    Broken.UNTRACED = Broken  # also when evaluate() picks a class without tracing
    facts = {"x": Decimal("2.00")}
    assert compare(program, cls, facts, {}, _dt.date(2026, 1, 1)) == []
    problems = compare(program, Broken, facts, {}, _dt.date(2026, 1, 1))
    assert problems and problems[0].startswith("y: gecompileerd ('ok', ('dec', '0'), None) ≠ interpreter")


def test_interpreter_reports_signals_like_the_runtime(tmp_path):
    text = """
invoer x: geheel getal
beslissing b: ja/nee
    bron "art. 1"
uitkomst deling: getal
    bron "art. 2"
    vereist b
    regel a:
        als x > 0
        dan 10 / x
    regel c:
        als x > 5
        dan 1
    standaard 1 / 0
"""
    program, cls, diags = compile_text(tmp_path, text)
    assert not diags
    p = _dt.date(2026, 1, 1)
    yes = {"b": Decision(True, "college", p, "m")}
    for facts, decisions, status in [({"x": 2}, yes, "ok"), ({"x": 7}, yes, "fout"), ({"x": 0}, yes, "fout"),
                                     ({}, yes, "ontbreekt"), ({"x": 2}, {}, "ontbreekt"),
                                     ({"x": 2}, {"b": Decision(False, "college", p, "m")}, "geblokkeerd")]:
        _, results = I.interpret(program, facts, decisions, p)
        assert results["deling"].status == status
        assert compare(program, cls, facts, decisions, p) == []
    _, results = I.interpret(program, {"x": 0}, yes, p)
    assert results["deling"].signal.rule == -1  # a fault in the default is no rule's fault


EXCLUSIVE = """\
invoer a: ja/nee
invoer b: ja/nee
invoer c: ja/nee
invoer x: geld
definitie y: geld
    bron "art. 1"
    regel eerste:
        als a en b
        dan € 1
    regel uitgesloten:
        als a en niet b en x > € 0
        dan € 2
    regel niet_uitgesloten:
        als a en c
        dan € 3
    regel paar:
        als niet a
        dan € 4
    regel rest:
        als niet a en c
        dan x
    regel met_uitzondering:
        als a en niet b
        dan € 6
    tenzij:
        als c
        dan € 7
"""


def test_sibling_rules_agree_in_every_combination():
    """Overlapping and exclusive siblings, a pair, an exception: every combination of a, b, c, with x
    given or missing, gives the same value, conflict or missing input in both classes and the interpreter."""
    program, cls, diags = compile_text(SCRATCH, EXCLUSIVE, "exclusief.rule")
    assert not diags
    seen = set()
    for a, b, c in itertools.product((True, False), repeat=3):
        for x in (None, Decimal("0"), Decimal("5")):
            facts = {"a": a, "b": b, "c": c} | ({} if x is None else {"x": x})
            problems = compare(program, cls, facts, {}, _dt.date(2026, 1, 1))
            assert not problems, f"{facts}: " + "\n".join(problems)
            _, res = I.interpret(program, facts, {}, _dt.date(2026, 1, 1), ["y"])
            seen.add(res["y"].status)
    assert {"ok", "fout", "ontbreekt"} <= seen  # values, conflicts and missing inputs were all compared


def test_a_fault_in_an_inputs_default_is_the_rule_s_that_reads_it():
    """Found by the long run: the class without tracing sets `r` (the rule a fault is reported for) only
    before code that can fault; reading an input whose default is an impossible date can."""
    text = """\
invoer i1: datum
    standaard datum(2025; 2; 31)
definitie d0: datum
    bron "art. d0"
    regel r1:
        dan peildatum
    regel r2 uitzondering op r1:
        dan i1
"""
    program, cls, diags = compile_text(SCRATCH, text, "standaardfout.rule")
    assert not diags
    assert compare(program, cls, {}, {}, _dt.date(2026, 1, 1)) == []
    _, res = I.interpret(program, {}, {}, _dt.date(2026, 1, 1), ["d0"])
    assert (res["d0"].status, res["d0"].signal.rule) == ("fout", 1)  # r2, the exception that read i1
