"""Shared helpers for the reliability tests: exact comparison of two evaluations, run budgets."""
from __future__ import annotations

import datetime as _dt
import decimal
import os
import traceback
from functools import lru_cache
from decimal import Decimal
from pathlib import Path

from rulelang.compiler import compile_to_python, load_python
from rulelang.interpret import CalendarError, interpret
from rulelang.runtime import evaluate, signals
from rulelang.runtime.values import DateError, Duur

REPO = Path(__file__).resolve().parents[2]
LONG = os.environ.get("RULELANG_LONG") == "1"


def examples(short: int, long: int) -> int:
    """Hypothesis example budget: short in the normal suite, long with RULELANG_LONG=1 (or an explicit
    RULELANG_EXAMPLES=n)."""
    if os.environ.get("RULELANG_EXAMPLES"):
        return int(os.environ["RULELANG_EXAMPLES"])
    return long if LONG else short


# ---------------------------------------------------------------- canonical forms
def canon(v):
    """A value as comparable data: exact, including the Decimal's exponent (not the sign of zero)."""
    if v is None:
        return None
    if isinstance(v, bool):
        return ("ja/nee", v)
    if isinstance(v, int):
        return ("int", v)
    if isinstance(v, Decimal):
        return ("dec", str(v.copy_abs() if v.is_zero() else v))
    if isinstance(v, _dt.datetime):
        return ("datetime", v.isoformat())
    if isinstance(v, _dt.date):
        return ("date", v.isoformat())
    if isinstance(v, Duur):
        return ("duur", v.amount, v.unit)
    if isinstance(v, str):
        return ("text", v)
    if isinstance(v, dict):
        return ("record", tuple(sorted((k, canon(x)) for k, x in v.items())))
    if isinstance(v, (list, tuple)):
        return ("list", tuple(canon(x) for x in v))
    return ("other", type(v).__name__, repr(v))


def error_kind(err) -> str:
    if isinstance(err, (decimal.DivisionByZero, ZeroDivisionError)):
        return "deling door nul"
    if isinstance(err, (DateError, CalendarError, OverflowError)):
        return "kalender"
    if isinstance(err, decimal.Overflow):
        return "overloop"
    if isinstance(err, decimal.InvalidOperation):
        return "ongeldig"
    return type(err).__name__


def canon_signal(s):
    if s is None:
        return None
    if isinstance(s, signals.Fault):
        return ("Fault", s.symbol, s.rule, error_kind(s.error))
    if isinstance(s, signals.Conflict):
        return ("Conflict", s.symbol, s.first, s.second)
    if isinstance(s, signals.Blocked):
        return ("Blocked", s.symbol, s.precondition)
    return (type(s).__name__, s.symbol)


def canon_result(r):
    return (r.status, canon(r.value), canon_signal(r.signal))


# ---------------------------------------------------------------- representation invariant
def representation_problem(value, t: dict) -> str | None:
    """Does a value have the Python type its declared rulelang type promises? (No float, ever.)"""
    kind = t["kind"]
    expected = {"bool": bool, "int": int, "dec": Decimal, "money": Decimal, "pct": Decimal, "date": _dt.date,
                "dur": Duur, "text": str, "enum": str, "record": dict, "list": (tuple, list)}[kind]
    if not isinstance(value, expected) or (kind == "int" and isinstance(value, bool)) or (
            kind == "date" and isinstance(value, _dt.datetime)):
        return f"{type(value).__name__} {value!r} voor type {kind}"
    return None


# ---------------------------------------------------------------- one comparison
def compare(program, cls, facts, decisions, peildatum, names=None) -> list[str]:
    """Evaluate with the compiled rule set and with the interpreter; every disagreement as text."""
    meta = cls.META
    if names is None:
        names = [s["name"] for s in meta["symbols"] if s["kind"] in ("uitkomst", "definitie")]
    try:
        _, interpreted = interpret(program, facts, decisions, peildatum, names)
    except Exception:
        return ["interpreter: " + traceback.format_exc()]
    problems = []
    for trace in (False, True):  # the plain evaluation and the traced one (used for explanations)
        what = "gecompileerd" + (" met uitleg" if trace else "")
        try:
            _, compiled, _ = evaluate(cls, facts, decisions, peildatum, names, trace=trace)
        except Exception:  # the compiled evaluator must never raise for typed facts
            return [f"{what}: " + traceback.format_exc()]
        for name in names:
            a, b = canon_result(compiled[name]), canon_result(interpreted[name])
            if a != b:
                problems.append(f"{name}: {what} {a} ≠ interpreter {b}")
            if compiled[name].status == "ok":
                t = meta["symbols"][meta["index"][name]]["type"]
                bad = representation_problem(compiled[name].value, t)
                if bad:
                    problems.append(f"{name}: {what}: {bad}")
    return problems


def compile_text(tmp: Path, text: str, name: str = "r.rule"):
    """(program IR, RuleSet class, diagnostics) for rule text written to tmp/name."""
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    source, program, _, diags = compile_to_python(path)
    if source is None:
        return program, None, diags
    module = load_python(source, str(path))
    return program, module.RuleSet, diags


def describe_case(text: str, facts, decisions, peildatum) -> str:
    return f"--- programma\n{text}\n--- feiten {facts!r}\n--- beslissingen {decisions!r}\n--- peildatum {peildatum}"


@lru_cache(maxsize=None)
def library(path: Path):
    """(program IR, RuleSet class, Python source) of a shipped rule file, compiled once per test session."""
    source, program, _, diags = compile_to_python(path)
    assert source is not None, "\n".join(d.concise() for d in diags)
    return program, load_python(source, str(path)).RuleSet, source
