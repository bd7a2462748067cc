"""Grammar fuzzing: whatever text a .rule file holds, rulelang answers with a compiled rule set or with
located diagnostics that carry a registered code — never an uncaught exception, a hang or a traceback.

Inputs: programs and expressions derived from the grammar itself (a walker over lark's compiled rules
of core.lark plus nl.lark/en.lark; hypothesis.extra.lark.from_lark mostly overruns on this recursive
grammar and was too slow to be useful), whole well-typed programs (programs.py), and mutations of valid programs (the
shipped rules and generated ones): deleted, duplicated and swapped tokens, truncation, random
characters and bytes, odd Unicode, deep nesting, huge literals, broken indentation.
Short in the normal suite; RULELANG_LONG=1 runs >= 100.000 inputs (docs/betrouwbaarheid.md).
"""
from __future__ import annotations

import datetime as _dt
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lark import Lark

from rulelang.compiler import compile_rules, display_path
from rulelang.diagnostics import CODES, render
from rulelang.runtime import evaluate

from .conftest import COUNTS
from .programs import programs
from .support import REPO, examples

SCRATCH = Path(tempfile.mkdtemp(prefix="rulelang-fuzz-"))
SETTINGS = dict(deadline=None, database=None, suppress_health_check=list(HealthCheck))
SECONDS_PER_INPUT = 20  # far above the slowest input seen; a hang fails the test instead of stalling it
LIBRARY_TEXTS = [p.read_text(encoding="utf-8") for p in sorted((REPO / "rules").rglob("*.rule"))]


# ---------------------------------------------------------------- the property
@contextmanager
def time_limit(seconds: int):
    """Fail an input that takes longer than `seconds`. The alarm raises where the program is, and that
    can be inside a callback whose exceptions Python only reports (hypothesis's GC callback: the long run
    of session 2 had one such input), so the alarm is also remembered and checked afterwards."""
    fired = []

    def alarm(signum, frame):
        fired.append(True)
        raise TimeoutError(f"meer dan {seconds} s voor één invoer")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    assert not fired, f"meer dan {seconds} s voor één invoer (de melding ging verloren in een callback)"


def check_input(data: str | bytes, name: str = "fuzz.rule") -> str:
    """Compile one input; assert the property. Returns 'ok' or 'diagnostics'."""
    path = SCRATCH / name
    if isinstance(data, bytes):
        path.write_bytes(data)
        text = data.decode("utf-8", errors="replace")
    else:
        path.write_bytes(data.encode("utf-8", errors="surrogatepass"))
        text = data
    COUNTS["fuzz-invoer"] += 1
    started = time.perf_counter()
    try:
        with time_limit(SECONDS_PER_INPUT):
            rs, diags = compile_rules(path, use_cache=False)
            shown = display_path(path.resolve())
            errors = [d for d in diags if d.severity == "error"]
            if rs is not None:
                assert not errors, [d.concise() for d in errors]
                # a compiled rule set evaluates without crashing (inputs are simply missing)
                evaluate(rs.cls, {}, {}, _dt.date(2026, 6, 30))
                return "ok"
            assert errors, "no rule set and no error"
            lines = max(1, len(text.splitlines()) + 1)
            for d in diags:
                assert d.code in CODES, d.code
                assert d.span.line >= 1 and d.span.col >= 1, d.concise()
                if d.span.file == shown:
                    assert d.span.line <= lines, (d.concise(), lines)
                else:  # only an imported file may be named instead
                    assert Path(d.span.file).exists() or d.code in ("RL001", "RL213"), d.concise()
                assert d.message and "Traceback" not in d.message
            for fmt in ("concise", "full", "json"):  # every rendering works, also for odd text
                render(diags, fmt, {shown: text})
        return "diagnostics"
    finally:
        if time.perf_counter() - started > 5:  # reported at the end of the run (the long runs)
            COUNTS["fuzz-invoer langer dan 5 s"] += 1


# ---------------------------------------------------------------- programs generated from the grammar
@lru_cache(maxsize=None)
def _grammar(lang: str) -> Lark:
    g = resources.files("rulelang") / "grammar"
    text = (g / "core.lark").read_text(encoding="utf-8") + "\n" + (g / f"{lang}.lark").read_text(encoding="utf-8")
    return Lark(text, parser="lalr", lexer="contextual", start=["start", "expr"])


class GrammarWalker:
    """Derives random sentences from the compiled grammar (lark's rules, after EBNF expansion).

    Past a depth budget it takes the alternative with the shortest derivation, so every walk ends.
    _NL/_INDENT/_DEDENT are rendered as line breaks with consistent indentation (what the parser's
    Indenter turns back into those tokens), so the sentences are syntactically valid programs."""

    NAMES = ["x", "d", "g", "peildatum", "reference_date", "bedrag", "onbekend", "giften", "Soort"]

    def __init__(self, lang: str):
        self.lark = _grammar(lang)
        self.rules: dict[str, list] = {}
        for r in self.lark.rules:
            self.rules.setdefault(r.origin.name, []).append(r.expansion)
        self.terms = {t.name: t.pattern for t in self.lark.terminals}
        self.regex = {t.name: st.from_regex(t.pattern.to_regexp(), fullmatch=True)
                      for t in self.lark.terminals if t.pattern.type == "re"}
        self.height = self._heights()

    def _heights(self) -> dict[str, int]:
        inf = 10 ** 9
        h = {nt: inf for nt in self.rules}
        changed = True
        while changed:
            changed = False
            for nt, alts in self.rules.items():
                for exp in alts:
                    v = 1 + max((h.get(sym.name, 0) if not sym.is_term else 0 for sym in exp), default=0)
                    if v < h[nt]:
                        h[nt], changed = v, True
        return h

    def _alt_height(self, exp) -> int:
        return 1 + max((self.height[sym.name] if not sym.is_term else 0 for sym in exp), default=0)

    def derive(self, draw, symbol: str, budget: int) -> list[str]:
        out: list[str] = []
        stack = [(symbol, budget)]
        while stack:
            sym, b = stack.pop()
            if sym in self.terms or sym in ("_INDENT", "_DEDENT"):
                out.append(self.terminal(draw, sym))
                continue
            alts = self.rules[sym]
            if b <= 0:
                best = min(self._alt_height(e) for e in alts)
                alts = [e for e in alts if self._alt_height(e) == best]
            exp = alts[draw(st.integers(0, len(alts) - 1))]
            stack.extend((s.name, b - 1) for s in reversed(exp))
        return out

    def terminal(self, draw, name: str) -> str:
        if name in ("_NL", "_INDENT", "_DEDENT"):
            return name
        if name == "NAME" and draw(st.booleans()):
            return draw(st.sampled_from(self.NAMES))
        if name == "STRING" and draw(st.booleans()):
            return draw(st.sampled_from(['"art. 1"', '"{waarde}"', '"a\\"b"', '""']))
        pattern = self.terms[name]
        if pattern.type == "str":
            return pattern.value
        return draw(self.regex[name])

    @staticmethod
    def render(tokens: list[str]) -> str:
        out, level, at_line_start = [], 0, True
        for tok in tokens:
            if tok == "_NL":
                out.append("\n")
                at_line_start = True
            elif tok == "_INDENT":
                level += 1
            elif tok == "_DEDENT":
                level -= 1
            else:
                out.append(("    " * level) if at_line_start else " ")
                out.append(tok)
                at_line_start = False
        return "".join(out).lstrip(" ") + "\n"


@lru_cache(maxsize=None)
def _walker(lang: str) -> GrammarWalker:
    return GrammarWalker(lang)


@st.composite
def grammar_programs(draw):
    """1-4 declarations derived from the grammar, in Dutch or English."""
    lang = draw(st.sampled_from(["nl", "en"]))
    walker = _walker(lang)
    decls = [walker.render(walker.derive(draw, "decl", draw(st.integers(2, 14)))) for _ in range(draw(
        st.integers(1, 4)))]
    return ("language en\n" if lang == "en" else "") + "\n".join(decls)


@st.composite
def grammar_expressions(draw):
    """An expression derived from the grammar, as the value of a definition."""
    lang = draw(st.sampled_from(["nl", "en"]))
    walker = _walker(lang)
    expr = walker.render(walker.derive(draw, "expr", draw(st.integers(1, 12)))).strip()
    w = {"nl": ("invoer", "definitie", "bron", "waarde", "geld"), "en": ("input", "definition", "source",
                                                                        "value", "money")}[lang]
    header = "language en\n" if lang == "en" else ""
    return f'{header}{w[0]} x: {w[4]}\n\n{w[1]} d: {w[4]}\n    {w[2]} "a"\n    {w[3]} {expr}\n'


# ---------------------------------------------------------------- mutations
ODD = ["\u0430", "\u200b", "\u200d", "\ufeff", "\u202e", "\u0301", "\u00a0", "\u2028", "\x00", "\x0c", "\r",
       "\t", "€", "≠", "×", "\\", '"', "{", "}", "%", "𝟱", "৪", "\ud800", "\U0010ffff", "ǅ", "ﬁ", "'''"]
TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


@st.composite
def mutated(draw, seed_text=None):
    text = seed_text if seed_text is not None else draw(st.one_of(st.sampled_from(LIBRARY_TEXTS), programs()))
    for _ in range(draw(st.integers(1, 4))):
        tokens = TOKEN.findall(text) or [""]
        i = draw(st.integers(0, len(tokens) - 1))
        op = draw(st.integers(0, 11))
        if op == 0:
            del tokens[i]
        elif op == 1:
            tokens.insert(i, tokens[i])
        elif op == 2 and i + 1 < len(tokens):
            tokens[i], tokens[i + 1] = tokens[i + 1], tokens[i]
        elif op == 3:
            text = text[:draw(st.integers(0, len(text)))]
            continue
        elif op == 4:
            tokens.insert(i, draw(st.sampled_from(ODD)))
        elif op == 5:
            tokens.insert(i, draw(st.text(min_size=1, max_size=8)))
        elif op == 6:  # deep nesting around one token
            n = draw(st.sampled_from([2, 30, 70, 500, 5000]))
            tokens[i] = "(" * n + tokens[i] + ")" * draw(st.sampled_from([n, n - 1, n + 1]))
        elif op == 7:  # a huge or odd literal
            tokens.insert(i, draw(st.sampled_from(["9" * 40, "1" * 5000, "€ " + "9" * 35, "0,000000000000001",
                                                   "1.000.000.000.000.000", "99999 maanden", "31 februari 2026",
                                                   "9999-12-31", "0001-01-01", "10000-01-01", "1,5 dagen"])))
        elif op == 8:  # indentation
            lines = text.split("\n")
            j = draw(st.integers(0, len(lines) - 1))
            lines[j] = draw(st.sampled_from(["", " ", "  ", "\t", "        "])) + lines[j].lstrip(
                " " if draw(st.booleans()) else "")
            text = "\n".join(lines)
            continue
        elif op == 9:  # a line deleted or duplicated
            lines = text.split("\n")
            j = draw(st.integers(0, len(lines) - 1))
            if draw(st.booleans()):
                del lines[j]
            else:
                lines.insert(j, lines[j])
            text = "\n".join(lines)
            continue
        elif op == 10:  # a keyword of the other language
            tokens.insert(i, draw(st.sampled_from(["regel", "rule", "tenzij", "unless", "waarde", "value", "als",
                                                   "if", "dan", "then", "uitzondering op", "exception to"])))
        else:  # a long chain
            op_word = draw(st.sampled_from([" + ", " en ", " of ", " * "]))
            tokens.insert(i, op_word.join(["1"] * draw(st.sampled_from([3, 63, 64, 65, 300]))))
        text = "".join(tokens)
    return text


@st.composite
def mutated_bytes(draw):
    data = bytearray(draw(st.sampled_from(LIBRARY_TEXTS)).encode("utf-8"))
    for _ in range(draw(st.integers(1, 5))):
        i = draw(st.integers(0, len(data)))
        data[i:i + draw(st.integers(0, 3))] = draw(st.binary(min_size=1, max_size=4))
    return bytes(data)


# ---------------------------------------------------------------- the tests
@settings(max_examples=examples(30, 20_000), **SETTINGS)
@given(text=grammar_programs())
def test_programs_from_the_grammar(text):
    check_input(text)


@settings(max_examples=examples(25, 20_000), **SETTINGS)
@given(text=grammar_expressions())
def test_expressions_from_the_grammar(text):
    check_input(text)


def test_grammar_walker_writes_valid_syntax():
    """Most grammar-derived programs parse (RL1xx-free): the walker really follows the grammar."""
    from rulelang.parser import parse_text

    clean = total = 0

    @settings(max_examples=40, **SETTINGS)
    @given(text=grammar_programs())
    def count(text):
        nonlocal clean, total
        total += 1
        _, _, diags = parse_text(text, "g.rule")
        clean += not any(d.code.startswith("RL1") for d in diags)

    count()
    assert clean >= total * 0.5, (clean, total)


@settings(max_examples=examples(10, 10_000), **SETTINGS)
@given(text=programs())
def test_generated_programs_compile_cleanly(text):
    assert check_input(text) == "ok"


@settings(max_examples=examples(60, 50_000), **SETTINGS)
@given(text=mutated())
def test_mutated_programs(text):
    check_input(text)


@settings(max_examples=examples(30, 10_000), **SETTINGS)
@given(data=mutated_bytes())
def test_mutated_bytes(data):
    check_input(data)


@pytest.mark.parametrize("text", [
    "(" * 10_000 + "1" + ")" * 10_000,
    "(" * 10_000 + "1",
    " + ".join(["1"] * 10_000),
    " en ".join(["ja"] * 10_000),
    "niet " * 10_000 + "ja",
    "-" * 10_000 + "1",
    "als ja dan " * 2_000 + "1" + " anders 2" * 2_000,
    "minimum(1; " * 2_000 + "1" + ")" * 2_000,
    "9" * 100_000,
    "€ " + "9" * 100_000,
    "1" * 5_000 + " dagen",
    '"' + "x" * 1_000_000 + '"',
], ids=["parens", "open-parens", "plus-chain", "en-chain", "niet", "minus", "als", "calls", "big-int",
        "big-money", "big-duration", "long-string"])
def test_pathological_expressions(text):
    src = f'definitie d: geheel getal\n    bron "a"\n    waarde {text}\n'
    assert check_input(src) in ("ok", "diagnostics")


def test_a_crash_would_be_noticed(monkeypatch):
    """The property fails when the compiler raises (the fuzz tests can fail)."""
    import rulelang.check

    def boom(*a, **k):
        raise RuntimeError("kapot")

    monkeypatch.setattr(rulelang.check.Checker, "run", boom)
    with pytest.raises(RuntimeError, match="kapot"):
        check_input('definitie d: geheel getal\n    bron "a"\n    waarde 1\n')


# ---------------------------------------------------------------- through the command line
CLI_INPUTS = {
    "diep.rule": f'definitie d: geheel getal\n    bron "a"\n    waarde {"(1 + " * 3000}1{")" * 3000}\n',
    "bytes.rule": b"definitie d: geld\n    bron \"a\xff\xfe\"\n    waarde \x00\x01\n",
    "groot.rule": 'definitie d: geld\n    bron "a"\n    waarde € ' + "9" * 5000 + "\n",
    "leeg.rule": "",
    "goed.rule": 'invoer x: geld\nuitkomst d: geld\n    bron "a"\n    waarde x afgerond op centen\n',
    "unicode.rule": 'definitie bedrаg: geld\n    bron "\u202e\u200b"\n    waarde bedrag\n',
}


def _cli(args, cwd):
    env = {**os.environ, "RULELANG_NO_CACHE": "1", "PYTHONIOENCODING": "utf-8"}
    env.pop("RULELANG_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "rulelang", *args], capture_output=True, text=True, env=env,
                          timeout=120, cwd=cwd)


@pytest.mark.parametrize("fmt", ["concise", "full", "json"])
def test_cli_check_exit_codes_and_no_traceback(fmt, tmp_path):
    for name, data in CLI_INPUTS.items():
        (tmp_path / name).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    good = ["goed.rule", "leeg.rule"]
    bad = sorted(set(CLI_INPUTS) - set(good))
    proc = _cli(["check", "--format", fmt, *bad], tmp_path)
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    output = proc.stdout + proc.stderr
    assert "Traceback" not in output and "RL901" not in output
    for name in bad:  # every broken file has its own located diagnostic
        assert f"{name}:" in output or f'"file": "{name}"' in output, name
    proc = _cli(["check", "--format", fmt, *good], tmp_path)
    assert proc.returncode == 0 and "Traceback" not in proc.stdout + proc.stderr, (proc.stdout, proc.stderr)


def test_a_swallowed_timeout_still_fails_the_input():
    """The alarm can fire inside code that swallows exceptions (a GC callback): the input still fails."""
    with pytest.raises(AssertionError, match="meer dan 1 s"):
        with time_limit(1):
            try:
                time.sleep(1.5)
            except TimeoutError:
                pass
