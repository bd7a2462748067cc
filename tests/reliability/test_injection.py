"""No code injection: whatever names and texts a rule file or a scenario holds, the generated module
does only what the rules say.

Generated (hypothesis) hostile identifiers — Python builtins and keywords, names the generated code
itself uses, Cyrillic look-alikes — and hostile texts (quotes, backslashes, newlines, format braces,
`__import__`, zero-width and bidi characters) in every place a text can go (bron, uitleg, vraag, door,
reden, parameter bron, file name). Properties: the module compiles; its syntax tree contains only the
node kinds and calls the code generator writes; no identifier from the rule file is code; every text
arrives intact as one string constant; loading, evaluating and explaining cause no file, process,
network, exec or compile event (audit hook). Scenario YAML that asks for objects is refused.
"""
from __future__ import annotations

import ast
import datetime as _dt
import io
import json
import re
import sys
import tokenize
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from rulelang import runtime
from rulelang.compiler import compile_rules
from rulelang.explain import explain
from rulelang.render.explanation import RENDERERS
from rulelang.runtime import Decision, evaluate

from .support import REPO, examples, library

SETTINGS = dict(deadline=None, database=None, suppress_health_check=list(HealthCheck))

# ---------------------------------------------------------------- watching for side effects
_EVENTS: list[tuple[str, str]] = []
_WATCHING = [False]
_FORBIDDEN = ("open", "os.system", "os.exec", "os.spawn", "os.posix_spawn", "os.fork", "os.kill", "os.remove",
              "os.rename", "os.mkdir", "os.chdir", "os.putenv", "os.unsetenv", "shutil.", "subprocess.Popen",
              "socket.", "urllib.", "http.", "exec", "compile", "builtins.input", "ctypes.", "code.__new__",
              "marshal.loads", "pickle.", "sys.settrace", "sys.setprofile", "object.__setattr__")


def _hook(event, args):
    if _WATCHING[0] and (event.startswith(_FORBIDDEN) or event == "import"):
        if event == "import" and args and (args[0] in sys.modules or str(args[0]).startswith("rulelang")):
            return  # an already-loaded module (a lazy `from .x import y` inside rulelang)
        _EVENTS.append((event, repr(args)[:200]))


sys.addaudithook(_hook)


def _load_everything():
    """Import every rulelang module now, so that a lazy import while watching is not mistaken for I/O."""
    import importlib
    import pkgutil

    import rulelang

    for mod in pkgutil.walk_packages(rulelang.__path__, "rulelang."):
        if "sphinxext" not in mod.name and not mod.name.endswith("__main__"):
            importlib.import_module(mod.name)


_load_everything()


class watched:
    """No forbidden event inside the block; reading files under `read` (the scenario itself) is allowed."""

    def __init__(self, read: Path | None = None):
        self.read = str(read) if read is not None else None

    def __enter__(self):
        _EVENTS.clear()
        _WATCHING[0] = True

    def __exit__(self, *exc):
        _WATCHING[0] = False
        events = [(e, a) for e, a in _EVENTS
                  if not (self.read and e == "open" and a.startswith(f"('{self.read}") and "'r'" in a)]
        assert not events, events


# ---------------------------------------------------------------- what generated code may contain
NODES = {
    "Module", "ImportFrom", "alias", "Assign", "AugAssign", "Name", "Load", "Store", "Constant", "Call", "Attribute",
    "Dict", "List", "Tuple", "ClassDef", "FunctionDef", "arguments", "arg", "Return", "If", "Compare", "BoolOp",
    "UnaryOp", "BinOp", "IfExp", "Try", "ExceptHandler", "Raise", "GeneratorExp", "comprehension", "Subscript",
    "keyword", "Expr", "Pass", "For", "Break", "Continue", "While", "ListComp", "SetComp", "DictComp", "Set",
    "NamedExpr",
    "Add", "Sub", "Mult", "Div", "And", "Or", "Not", "USub", "Eq", "NotEq", "Lt", "LtE", "Gt", "GtE", "Is", "IsNot",
    "In", "NotIn",
}
DANGEROUS = {"__import__", "eval", "exec", "open", "compile", "getattr", "setattr", "delattr", "globals", "locals",
             "vars", "__builtins__", "input", "breakpoint", "exit", "quit", "help", "memoryview", "type", "object",
             "super", "__subclasses__", "__globals__", "__code__", "__class__", "__dict__", "__bases__", "__mro__",
             "os", "sys", "system", "subprocess", "importlib", "builtins"}
REDUCERS = {"sum", "any", "all", "min", "max", "abs", "len"}
METHODS = {"get", "replace", "enter", "leave", "reuse", "read", "missing", "rule", "abort", "rounding", "__init__",
           "quantize", "append"}


def shape(source: str) -> str:
    """The generated module's syntax tree with every string constant blanked out."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            node.value = ""
    return ast.dump(tree)


def check_generated_module(source: str) -> ast.Module:
    """Only the code the generator writes: allowed node kinds, calls into the runtime, self and the tracer."""
    tree = ast.parse(source)
    runtime_names = set(runtime.__all__)
    imports = [(n.module, tuple(a.name for a in n.names)) for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert imports == [("rulelang", ("runtime",)), ("rulelang.runtime", ("UNSET", "NONE"))], imports
    for node in ast.walk(tree):
        kind = type(node).__name__
        assert kind in NODES, f"{kind} in de gegenereerde code (regel {getattr(node, 'lineno', '?')})"
        if isinstance(node, ast.Name):
            assert node.id not in DANGEROUS, node.id
        if isinstance(node, ast.Attribute):
            assert node.attr not in DANGEROUS, node.attr
            if isinstance(node.value, ast.Name) and node.value.id == "R":
                assert node.attr in runtime_names or node.attr == "Evaluation", node.attr
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name) and f.id == "tr":  # the tracer's emit: one event tuple, code first
                assert len(node.args) == 1 and isinstance(node.args[0], ast.Tuple), ast.unparse(node)
                assert isinstance(node.args[0].elts[0], ast.Constant) and type(node.args[0].elts[0].value) is int
            elif isinstance(f, ast.Name):
                assert f.id in REDUCERS, f"aanroep van {f.id}"
            else:
                assert isinstance(f, ast.Attribute), ast.dump(f)
                root = f.value
                while isinstance(root, ast.Attribute):
                    root = root.value
                ok = (isinstance(root, ast.Name) and root.id in ("R", "self", "tr")) or f.attr in METHODS
                assert ok, f"aanroep {ast.unparse(f)}"
        if isinstance(node, ast.Subscript):  # record fields: x['veld'] with a constant key
            assert isinstance(node.slice, (ast.Constant, ast.Name)), ast.unparse(node)
        if isinstance(node, ast.ClassDef):
            assert node.name in ("RuleSet", "Untraced") and not node.decorator_list, node.name
        if isinstance(node, ast.FunctionDef):
            assert not node.decorator_list and (node.name == "__init__" or node.name[0] == "s"), node.name
    return tree


def string_constants(tree) -> set[str]:
    return {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


# ---------------------------------------------------------------- hostile material
PYTHONISH = ["__import__", "eval", "exec", "open", "os", "system", "self", "R", "UNSET", "NONE", "META", "K0", "s0",
             "v", "v_1", "tr", "win", "r", "p", "d", "x1", "w1", "e1", "sig", "exc", "RuleSet", "Untraced", "sum",
             "print", "__init__", "__class__", "__dict__", "__builtins__", "None_", "lambda_", "def_", "_",
             "gеld", "bеdrag", "рeildatum", "ΑΒΓ", "日本", "ǅemal", "ﬁle", "straße", "İ", "x٣"]
name_strategy = st.one_of(
    st.sampled_from(PYTHONISH),
    st.from_regex(r"[A-Za-z_\u00c0-\u024f\u0400-\u04ff\u0370-\u03ff][A-Za-z0-9_\u00c0-\u024f\u0400-\u04ff]{0,12}",
                  fullmatch=True),
).filter(lambda n: re.fullmatch(r"[^\W\d]\w*", n) is not None)
TEXT_PIECES = ['"', "'", "\\", "\n", "\t", "{", "}", "{{", "}}", "{waarde}", "{0}", "{waarde!r}", "{__class__}",
               "%s", "__import__('os').system('touch pwned')", '"); open("pwned", "w"); ("', "'''", '"""',
               "\u200b", "\u202e", "\u2028", "\ufeff", "а", "# comment", "\r", "\x0c", "\\n", "${x}", "`id`"]
text_strategy = st.lists(st.one_of(st.sampled_from(TEXT_PIECES), st.text(max_size=5)), max_size=8).map("".join)


def rule_string(text: str) -> str:
    """A text as a .rule string literal (the escapes are \\\\, \\" and \\n; other characters stand as they are)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def braces(text: str) -> str:
    """A text inside an uitleg template, where { and } are written {{ and }}."""
    return text.replace("{", "{{").replace("}", "}}")


def _reserved() -> set[str]:
    from rulelang.parser import keyword_words
    from rulelang.types import TYPE_WORDS

    words = {w for v in keyword_words("nl").values() for w in v.split()} | {w for ws in TYPE_WORDS for w in ws}
    return {w.casefold() for w in words} | {"peildatum", "reference_date", "soort", "ander_lid", "g", "geldig",
                                            "met", "voor", "elke", "alle", "uitzondering", "op", "hele", "euro",
                                            "naar", "boven", "beneden", "afgerond", "veelvoud"}


RESERVED = _reserved()


@st.composite
def hostile_programs(draw):
    names = draw(st.lists(name_strategy, min_size=9, max_size=9, unique_by=lambda n: n.casefold()))
    names = [n if n.casefold() not in RESERVED else n + "_x" for n in names]
    # a lone carriage return is a line break when a file is read (universal newlines): not string content
    texts = [t.replace("\r", "") for t in draw(st.lists(text_strategy, min_size=7, max_size=7))]
    return names, texts, program_text(names, texts)


def program_text(names, texts) -> str:
    enum, member, record, field, inp, lst, dec, param, out = names
    return f"""opsomming {enum}: {member}, ander_lid

record {record}:
    {field}: geld
    soort: {enum}

invoer {inp}: tekst
    vraag {rule_string(texts[0])}

invoer {lst}: lijst van {record}

beslissing {dec}: ja/nee
    bron {rule_string("art. " + texts[1])}
    door {rule_string(texts[2])}
    standaard nee

parameter {param}: geld
    bron {rule_string("art. " + texts[3])}
    waarde € 1 bron {rule_string("art. " + texts[4])}

uitkomst {out}: geld
    bron {rule_string("art. " + texts[5])}
    uitleg {rule_string(braces(texts[6]) + " {waarde}")}
    vereist {names[0]}_pre: niet {dec}
        reden {rule_string(texts[6])}
    regel {names[1]}_r:
        als {inp} ≠ {rule_string(texts[0])} en {member} = {member}
        dan {param} + som van g.{field} voor elke g in {lst} waarvoor g.soort = {enum}.{member}
        uitleg {rule_string("art. " + braces(texts[2]) + " {" + inp + "}")}
    standaard € 0
"""


@settings(max_examples=examples(25, 2_000), **SETTINGS)
@given(case=hostile_programs(), value=text_strategy)
def test_hostile_names_and_texts_stay_data(case, value, tmp_path_factory):
    names, texts, src = case
    tmp = tmp_path_factory.mktemp("kwaad")
    path = tmp / "r.rule"
    path.write_text(src, encoding="utf-8")
    rs, diags = compile_rules(path, use_cache=False)
    assert rs is not None and not diags, [d.concise() for d in diags]
    tree = check_generated_module(rs.python_source)
    # names and texts change only string constants: the code is the same as for plain names and texts
    plain = tmp / "plain.rule"
    plain.write_text(program_text([f"naam{i}" for i in range(9)], ["t"] * 7), encoding="utf-8")
    rs_plain, diags = compile_rules(plain, use_cache=False)
    assert not diags and shape(rs.python_source) == shape(rs_plain.python_source)
    constants = string_constants(tree)
    # each text arrives intact, as one string constant (bron and uitleg lose surrounding blanks)
    for t in (texts[0], texts[2], "art. " + texts[4]):
        assert t in constants, t
    for t in ("art. " + texts[1], "art. " + texts[3], "art. " + texts[5], texts[6]):
        assert t.strip() in constants, t
    assert (braces(texts[6]) + " {waarde}").strip() in constants
    assert ("art. " + braces(texts[2]) + " {" + names[4] + "}").strip() in constants
    for tok in tokenize.generate_tokens(io.StringIO(rs.python_source).readline):
        if "pwned" in tok.string or "__import__" in tok.string:
            assert tok.type in (tokenize.STRING, tokenize.COMMENT), tok
    enum, member, record, field, inp, lst, dec, param, out = names
    facts = {inp: value, lst: ({field: Decimal("2.50"), "soort": member}, {field: Decimal("1"), "soort": "ander_lid"})}
    decisions = {dec: Decision(False, value, _dt.date(2026, 1, 1), value)}
    # loading ends with the class without tracing, compiled on first use from the same checked source
    # (rulelang/compiler.py: _LazyUntraced); from here on nothing may be compiled, executed or opened
    assert rs.cls.UNTRACED.__name__ == "Untraced"
    with watched():
        for trace in (False, True):
            ev, results, tracer = evaluate(rs.cls, facts, decisions, _dt.date(2026, 1, 1), trace=trace)
            res = results[out]
            expected = Decimal("3.50") if value != texts[0] else Decimal("0")
            assert res.status == "ok" and res.value == expected, res
        for fmt, render in RENDERERS.items():
            text = render(explain(rs.meta, tracer, ev, decisions, out, value, None))
            assert isinstance(text, str)
        root = json.loads(RENDERERS["json"](explain(rs.meta, tracer, ev, decisions, out, value, None)))
    # the uitleg is filled once: the input's text, braces and all, is shown as it is (never filled again)
    if value != texts[0]:  # the rule applied: its uitleg names the input
        assert json.dumps(root, ensure_ascii=False).count(json.dumps(" " + value, ensure_ascii=False)[1:-1]) >= 1
    assert not list(tmp.glob("pwned*")) and not list(Path.cwd().glob("pwned*"))


def test_every_shipped_rule_module_passes_the_allowlist():
    for path in sorted((REPO / "rules").rglob("*.rule")):
        check_generated_module(library(path.resolve())[2])


def test_the_allowlist_rejects_injected_code():
    good = "from rulelang import runtime as R\nfrom rulelang.runtime import UNSET, NONE\n"
    check_generated_module(good + "K0 = R.D('1')\n")
    for bad in ("__import__('os').system('x')\n", "open('x', 'w')\n", "import os\n", "K0 = eval('1')\n",
                "K0 = (lambda: 1)()\n", "K0 = R.__class__\n", "K0 = f'{R.D}'\n", "del R\n",
                "K0 = R.D.__globals__\n", "K0 = sorted(())\n",
                "class RuleSet:\n    def s0(self):\n        return self.__dict__\n"):
        with pytest.raises(AssertionError):
            check_generated_module(good + bad)


def test_file_names_with_newlines_and_quotes_stay_comments(tmp_path):
    path = tmp_path / "a\nimport os\n'\"\\ ‮.rule"
    path.write_text('invoer x: geld\nuitkomst y: geld\n    bron "a"\n    waarde x\n', encoding="utf-8")
    rs, diags = compile_rules(path, use_cache=False)
    assert rs is not None and not diags
    check_generated_module(rs.python_source)
    assert "\nimport os" not in rs.python_source.split("META")[0]


# ---------------------------------------------------------------- scenarios
SCENARIO_RULES = """invoer naam: tekst
invoer geheim: tekst
invoer bedrag: geld
uitkomst groet: tekst
    bron "art. 1"
    uitleg "Naam: {naam}."
    waarde naam
"""


def _scenario_project(tmp_path: Path, body: str) -> Path:
    (tmp_path / "pyproject.toml").write_text('[tool.rulelang]\nrules = "rules"\n', encoding="utf-8")
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "g.rule").write_text(SCENARIO_RULES, encoding="utf-8")
    (tmp_path / "s.yaml").write_text(body, encoding="utf-8")
    return tmp_path / "s.yaml"


@pytest.mark.parametrize("tagged", [
    "!!python/object/apply:os.system ['touch {dir}/pwned']",
    "!!python/object/new:os.system ['touch {dir}/pwned']",
    "!!python/name:os.system",
    "!!python/module:os",
    "!!python/object:rulelang.runtime.Decision {{value: 1}}",
    "!!python/str x",
    "!custom x",
    "!!binary aGFsbG8=",
], ids=["apply", "new", "name", "module", "object", "str", "custom", "binary"])
@pytest.mark.parametrize("where", ["feit", "naam", "verwacht"])
def test_yaml_tags_are_refused_not_executed(tmp_path, tagged, where):
    from rulelang.run import Runner

    tagged = tagged.format(dir=tmp_path)
    body = {
        "feit": f"naam: t\nregels: g.rule\npeildatum: 2026-01-01\nfeiten:\n  naam: {tagged}\nverwacht:\n  groet: x\n",
        "naam": f"naam: {tagged}\nregels: g.rule\npeildatum: 2026-01-01\nverwacht:\n  groet: x\n",
        "verwacht": f"naam: t\nregels: g.rule\npeildatum: 2026-01-01\nfeiten:\n  naam: x\nverwacht:\n"
                    f"  groet: {tagged}\n",
    }[where]
    path = _scenario_project(tmp_path, body)
    with watched(read=tmp_path):
        scenarios, problems = Runner(use_cache=False).load(path)
    assert not scenarios
    assert [p.code for p in problems] == ["RL401"], [p.concise() for p in problems]
    assert problems[0].span.line == (5 if where == "feit" else 1 if where == "naam" else 7)
    assert "is niet toegestaan" in problems[0].message
    assert not list(tmp_path.glob("pwned*"))


@settings(max_examples=examples(15, 1_000), **SETTINGS)
@given(value=text_strategy.filter(lambda t: t.strip() and "\x00" not in t))
def test_hostile_scenario_values_are_text(value, tmp_path_factory):
    """A scenario value with braces or code is a value: shown as written, never evaluated or re-filled."""
    import yaml

    from rulelang.run import Runner

    doc = {"naam": value, "regels": "g.rule", "peildatum": "2026-01-01",
           "feiten": {"naam": value, "geheim": "GEHEIM", "bedrag": "1,00"}, "verwacht": {"groet": value}}
    body = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    assume(yaml.safe_load(body) == doc)  # YAML itself cannot carry every string (e.g. lone surrogates)
    tmp = tmp_path_factory.mktemp("scen")
    path = _scenario_project(tmp, body)
    runner = Runner(use_cache=False)
    rs, _ = runner.ruleset(tmp / "rules" / "g.rule")  # compiling the rules (compile, exec) is not the scenario's doing
    assert rs.cls.UNTRACED.__name__ == "Untraced"  # nor is the lazily compiled class without tracing
    with watched(read=tmp):
        scenarios, problems = runner.load(path)
        assert not problems, [p.concise() for p in problems]
        run = runner.run(scenarios[0])
        text = RENDERERS["text"](run.explanation("groet"))
    got = run.results["groet"].value
    assert got == value.strip()  # scalars are read as text and trimmed, never constructed or evaluated
    assert run.passed
    assert "GEHEIM" not in text  # "{geheim}" in a value is not filled in
    assert not list(tmp.glob("pwned*"))
