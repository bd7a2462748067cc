"""Stage 3: IR -> Python source. One class per rule set; one memoised method per declared name.

Nothing from a .rule file is pasted into the output as code: names become `s<N>` method names, and
every string (names, citations, uitleg) is written with repr() inside the META literal or comments
are sanitised, so a hostile identifier or citation cannot change what the module does.
"""
from __future__ import annotations

import datetime as _dt
from decimal import Decimal

from . import __version__, ir
from .check import PEILDATUM
from .types import Type


def pretty_literal(v, indent: int = 0, depth: int = 3) -> str:
    """Like pyliteral, with one entry per line for the outer `depth` levels (readable META)."""
    pad = "    " * (indent + 1)
    if depth > 0 and isinstance(v, dict) and v:
        items = [f"{pad}{pyliteral(k)}: {pretty_literal(x, indent + 1, depth - 1)}," for k, x in v.items()]
        return "{\n" + "\n".join(items) + "\n" + "    " * indent + "}"
    if depth > 0 and isinstance(v, list) and v:
        items = [f"{pad}{pretty_literal(x, indent + 1, depth - 1)}," for x in v]
        return "[\n" + "\n".join(items) + "\n" + "    " * indent + "]"
    return pyliteral(v)


def pyliteral(v) -> str:
    """Render plain data (dict/list/str/int/Decimal/date/None/bool) as a Python literal."""
    if v is None or isinstance(v, (bool, int, str)):
        return repr(v)
    if isinstance(v, Decimal):
        return f"R.D({str(v)!r})"
    if isinstance(v, _dt.date):
        return f"R.date({v.year}, {v.month}, {v.day})"
    if isinstance(v, tuple) and len(v) == 2 and isinstance(v[0], int) and isinstance(v[1], str):
        return f"R.Duur({v[0]}, {v[1]!r})"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{pyliteral(k)}: {pyliteral(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(pyliteral(x) for x in v) + "]"
    if isinstance(v, tuple):
        return "(" + "".join(pyliteral(x) + ", " for x in v) + ")"
    raise TypeError(f"cannot write {type(v).__name__} as a literal")


def _comment(text: str) -> str:
    return "".join(c if c.isprintable() else "?" for c in text)[:100]


def _validity_meta(v: ir.Validity):
    return {"start": v.start, "end": v.end}


def build_meta(p: ir.Program) -> dict:
    return {
        "root": p.root,
        "files": list(p.files),
        "languages": dict(p.languages),
        "source_hash": p.source_hash,
        "index": {s.name: s.id for s in p.symbols},
        # the outcomes a run shows: those of the root file (imported files' outcomes stay evaluable by name)
        "outcomes": [s.name for s in p.symbols if s.kind == "uitkomst" and s.span.file == p.root],
        "enums": {k: list(v) for k, v in p.enums.items()},
        "records": {k: {f: t.to_json() for f, t in fs} for k, fs in p.records.items()},
        "symbols": [{
            "id": s.id, "kind": s.kind, "name": s.name, "type": s.type.to_json(),
            "file": s.span.file, "line": s.span.line, "col": s.span.col,
            "source": s.source, "explanation": s.explanation, "question": s.question, "by": s.by,
            "has_default": s.default is not None,
            "versions": [{"value": pv.value, **_validity_meta(pv.validity), "source": pv.source,
                          "line": pv.span.line} for pv in s.versions],
            "validity": _validity_meta(s.validity),
            "preconditions": [{"label": pc.label, "source": pc.source, "reason": pc.reason,
                               "line": pc.span.line, "col": pc.span.col} for pc in s.preconditions],
            "roots": list(s.roots), "deps": list(s.deps),
        } for s in p.symbols],
        "rules": [{
            "id": r.id, "symbol": r.symbol, "label": r.label, "parent": r.parent, "children": list(r.children),
            "file": r.span.file, "line": r.span.line, "col": r.span.col, "source": r.source,
            "explanation": r.explanation, "conditional": r.cond is not None, **_validity_meta(r.validity),
        } for r in p.rules],
        "roundings": [{"mode": s.mode, "quantum": s.quantum, "file": s.span.file, "line": s.span.line,
                       "col": s.span.col} for s in p.roundings],
    }


class CodeGenerator:
    def __init__(self, program: ir.Program):
        self.p = program
        self.lines: list[str] = []
        self.consts: dict[tuple, str] = {}
        self.const_lines: list[str] = []
        self.indent = 0
        self.tmp = 0
        self._rules_of: dict[int, list[ir.Rule]] = {}
        for r in program.rules:
            self._rules_of.setdefault(r.symbol, []).append(r)

    # -- output helpers
    def w(self, line: str = "") -> None:
        self.lines.append("    " * self.indent + line if line else "")

    def const(self, value) -> str:
        key = (type(value).__name__, str(value))
        if key not in self.consts:
            name = f"K{len(self.consts)}"
            self.consts[key] = name
            self.const_lines.append(f"{name} = {pyliteral(value)}")
        return self.consts[key]

    def value(self, e, t: Type) -> str:
        """An expression assigned to a name of type t. A `getal` is always a Decimal, also when the
        expression may yield a whole number (`waarde 3`, `als c dan 1 anders 0,5`)."""
        code = self.expr(e)
        return f"R.D({code})" if t.kind == "dec" and _maybe_int(e) else code

    def fresh(self, prefix: str) -> str:
        self.tmp += 1
        return f"{prefix}{self.tmp}"

    # -- module
    def generate(self) -> str:
        p = self.p
        body_start = len(self.lines)
        self.indent = 1
        for s in p.symbols:
            self.w()
            getattr(self, "_sym_" + {"invoer": "input", "beslissing": "decision", "parameter": "param",
                                     "definitie": "definition", "uitkomst": "definition"}[s.kind])(s)
        methods = self.lines[body_start:]
        self.lines = self.lines[:body_start]
        head = [
            f"# Generated by rulelang {__version__} from {_comment(p.root)} — do not edit.",
            f"# source hash: {p.source_hash}",
            "from rulelang import runtime as R",
            "from rulelang.runtime import UNSET, NONE",
            "",
        ]
        slots = ", ".join(f"'_m{s.id}'" for s in p.symbols)
        cls = [
            "",
            "",
            "class RuleSet(R.Evaluation):",
            f"    __slots__ = ({slots}{',' if len(p.symbols) == 1 else ''})",
            "    META = META",
            "",
            "    def __init__(self, facts, decisions, peildatum, tracer=None):",
            "        R.Evaluation.__init__(self, facts, decisions, peildatum, tracer)",
        ]
        if p.symbols:
            cls.append("        " + " = ".join(f"self._m{s.id}" for s in p.symbols) + " = UNSET")
        tail = ["", "",
                "RuleSet.GETTERS = (" + "".join(f"RuleSet.s{s.id}, " for s in p.symbols) + ")",
                ""]
        meta = ["", "# What the explanations and the scenario loader need to know about each name and rule.",
                "META = " + pretty_literal(build_meta(p), 0, 2)]
        return "\n".join(head + self.const_lines + meta + cls + methods + tail)

    # -- symbols
    def _header(self, s: ir.Symbol):
        self.w(f"def s{s.id}(self):  # {s.kind} {_comment(s.name)} ({_comment(s.span.file)}:{s.span.line})")
        self.indent += 1

    def _sym_input(self, s: ir.Symbol):
        self._header(s)
        self.w(f"v = self._m{s.id}")
        self.w("if v is UNSET:")
        self.indent += 1
        self.w(f"v = self._f.get({s.name!r}, UNSET)")
        self.w("if v is UNSET:")
        self.indent += 1
        if s.default is not None:
            self.w(f"v = {self.value(s.default, s.type)}")
        else:
            self.w("if self._tr is not None:")
            self.w(f"    self._tr.missing({s.id})")
            self.w(f"raise R.Missing({s.id})")
        self.indent -= 1
        self.w(f"self._m{s.id} = v")
        self.indent -= 1
        self.w("if self._tr is not None:")
        self.w(f"    self._tr.read({s.id}, v)")
        self.w("return v")
        self.indent -= 1

    def _sym_decision(self, s: ir.Symbol):
        self._header(s)
        self.w(f"v = self._m{s.id}")
        self.w("if v is UNSET:")
        self.indent += 1
        self.w(f"d = self._b.get({s.name!r})")
        self.w("if d is None:")
        self.indent += 1
        if s.default is not None:
            self.w(f"v = {self.value(s.default, s.type)}")
        else:
            self.w("if self._tr is not None:")
            self.w(f"    self._tr.missing({s.id})")
            self.w(f"raise R.Missing({s.id})")
        self.indent -= 1
        self.w("else:")
        self.w("    v = d.value")
        self.w(f"self._m{s.id} = v")
        self.indent -= 1
        self.w("if self._tr is not None:")
        self.w(f"    self._tr.read({s.id}, v)")
        self.w("return v")
        self.indent -= 1

    def _sym_param(self, s: ir.Symbol):
        self._header(s)
        self.w(f"v = self._m{s.id}")
        self.w("if v is UNSET:")
        self.indent += 1
        self.w("p = self._p")
        first = True
        for pv in s.versions:
            test = self._in_force(pv.validity)
            kw = "if" if first else "elif"
            self.w(f"{kw} {test}:  # {_comment(pv.source or s.source or '')}")
            self.w(f"    v = {self.value_const(pv.value, s.type)}")
            first = False
        if not s.versions or not any(pv.validity.unbounded for pv in s.versions):
            if first:
                self.w(f"raise R.NoVersion({s.id})")
            else:
                self.w("else:")
                self.w(f"    raise R.NoVersion({s.id})")
        self.w(f"self._m{s.id} = v")
        self.indent -= 1
        self.w("if self._tr is not None:")
        self.w(f"    self._tr.read({s.id}, v)")
        self.w("return v")
        self.indent -= 1

    def value_const(self, value, t: Type) -> str:
        if isinstance(value, (Decimal, _dt.date)) or (isinstance(value, tuple)):
            return self.const(value if not (t.kind in ("money", "dec", "pct") and isinstance(value, int))
                              else Decimal(value))
        if t.kind in ("money", "dec", "pct") and isinstance(value, int):
            return self.const(Decimal(value))
        return repr(value)

    def _in_force(self, v: ir.Validity, var: str = "p") -> str:
        parts = []
        if v.start is not None:
            parts.append(f"{self.const(v.start)} <= {var}")
        if v.end is not None:
            parts.append(f"{var} < {self.const(v.end)}")
        if len(parts) == 2:
            return f"{self.const(v.start)} <= {var} < {self.const(v.end)}"
        return parts[0] if parts else "True"

    def _sym_definition(self, s: ir.Symbol):
        self._header(s)
        self.w(f"v = self._m{s.id}")
        self.w("tr = self._tr")
        self.w("if v is not UNSET:")
        self.w("    if tr is not None:")
        self.w(f"        tr.reuse({s.id})")
        self.w("    return v")
        self.w("if tr is not None:")
        self.w(f"    tr.enter({s.id})")
        self.w("r = -1")
        self.w("try:")
        self.indent += 1
        if not s.validity.unbounded:
            self.w("p = self._p")
            self.w(f"if not ({self._in_force(s.validity)}):")
            self.w(f"    raise R.NoVersion({s.id})")
        for pc in s.preconditions:
            self.w(f"if not {self.expr(pc.cond)}:  # vereist {_comment(pc.label or '')}")
            self.w(f"    raise R.Blocked({s.id}, {pc.index})")
        uses_p = any(not r.validity.unbounded for r in self._rules_of.get(s.id, ()))
        if uses_p and s.validity.unbounded:
            self.w("p = self._p")
        simple = len(s.roots) == 1 and self._is_simple(self.p.rules[s.roots[0]])
        if simple:  # one unconditional rule: no rule tree to walk
            rule = self.p.rules[s.roots[0]]
            self.w(f"r = {rule.id}  # {_comment(rule.span.file)}:{rule.span.line}")
            self.w(f"v = {self.value(rule.value, s.type)}")
            self.w(f"win = {rule.id}")
            self.w("if tr is not None:")
            self.w(f"    tr.rule({rule.id}, R.APPLIED)")
        else:
            self._level(s.roots, "v", "win")
        if not simple:
            self.w("if win == -1:")
        self.indent += 1
        if simple:
            pass
        elif s.default is not None:
            self.w("r = -1  # the default is no rule")
            self.w(f"v = {self.value(s.default, s.type)}")
        else:
            self.w(f"raise R.NoRule({s.id})")
        self.indent -= 1
        self.indent -= 1
        self.w("except R.Signal as sig:")
        self.w("    if tr is not None:")
        self.w(f"        tr.abort({s.id}, sig)")
        self.w("    raise")
        self.w("except ArithmeticError as exc:")
        self.w("    if tr is not None:")
        self.w(f"        tr.abort({s.id}, exc)")
        self.w(f"    raise R.Fault({s.id}, r, exc) from None")
        self.w(f"self._m{s.id} = v")
        self.w("if tr is not None:")
        self.w(f"    tr.leave({s.id}, v, win)")
        self.w("return v")
        self.indent -= 1

    @staticmethod
    def _is_simple(rule: ir.Rule) -> bool:
        return rule.cond is None and not rule.children and rule.validity.unbounded


    def _level(self, rule_ids: list[int], out: str, win: str):
        """Evaluate sibling rules; at most one may apply (else a conflict, RL501)."""
        self.w(f"{out} = NONE")
        self.w(f"{win} = -1")
        for rid in rule_ids:
            x, xw = self.fresh("x"), self.fresh("w")
            self._rule(rid, x, xw)
            self.w(f"if {xw} != -1:")
            self.indent += 1
            self.w(f"if {win} != -1:")
            self.w(f"    raise R.Conflict({self.p.rules[rid].symbol}, {win}, {xw})")
            self.w(f"{out} = {x}")
            self.w(f"{win} = {xw}")
            self.indent -= 1

    def _rule(self, rid: int, out: str, win: str):
        rule = self.p.rules[rid]
        self.w(f"# regel {_comment(rule.label or str(rid))} ({_comment(rule.span.file)}:{rule.span.line})")
        self.w(f"{out} = NONE")
        self.w(f"{win} = -1")
        guarded = not rule.validity.unbounded
        if guarded:
            self.w(f"if {self._in_force(rule.validity)}:")
            self.indent += 1
        if rule.children:
            ex, exw = self.fresh("e"), self.fresh("ew")
            self._level(rule.children, ex, exw)
            self.w(f"if {exw} != -1:")
            self.indent += 1
            self.w(f"{out} = {ex}")
            self.w(f"{win} = {exw}")
            self.w("if tr is not None:")
            self.w(f"    tr.rule({rid}, R.OVERRIDDEN, {exw})")
            self.indent -= 1
            self.w("else:")
            self.indent += 1
        self.w(f"r = {rid}")
        if rule.cond is not None:
            self.w(f"if {self.expr(rule.cond)}:")
            self.indent += 1
        self.w(f"{out} = {self.value(rule.value, self.p.symbols[rule.symbol].type)}")
        self.w(f"{win} = {rid}")
        self.w("if tr is not None:")
        self.w(f"    tr.rule({rid}, R.APPLIED)")
        if rule.cond is not None:
            self.indent -= 1
            self.w("elif tr is not None:")
            self.w(f"    tr.rule({rid}, R.NOT_APPLICABLE)")
        if rule.children:
            self.indent -= 1
        if guarded:
            self.indent -= 1
            self.w("elif tr is not None:")
            self.w(f"    tr.rule({rid}, R.NOT_IN_FORCE)")

    # -- expressions
    def expr(self, e) -> str:
        return getattr(self, "_x_" + type(e).__name__)(e)

    def _x_Const(self, e: ir.Const) -> str:
        v = e.value
        if e.type.kind in ("money", "dec", "pct"):
            return self.const(Decimal(v) if isinstance(v, int) else v)
        if e.type.kind in ("date", "dur"):
            return self.const(v)
        return repr(v)

    def _x_Ref(self, e: ir.Ref) -> str:
        return "self._p" if e.symbol == PEILDATUM else f"self.s{e.symbol}()"

    def _x_Var(self, e: ir.Var) -> str:
        return f"v_{e.slot}"

    def _x_GetField(self, e: ir.GetField) -> str:
        return f"{self.expr(e.obj)}[{e.name!r}]"

    def _x_Unary(self, e: ir.Unary) -> str:
        return f"(not {self.expr(e.operand)})" if e.op == "niet" else f"(-{self.expr(e.operand)})"

    def _x_Binary(self, e: ir.Binary) -> str:
        l, r = self.expr(e.left), self.expr(e.right)
        op = e.op
        if op in ("en", "of"):
            return f"({l} {'and' if op == 'en' else 'or'} {r})"
        if op in ("=", "≠"):
            return f"({l} {'==' if op == '=' else '!='} {r})"
        if op in ("<", "<=", ">", ">="):
            return f"({l} {op} {r})"
        if e.left.type.kind == "date":
            return f"R.add_duration({l}, {r}{', -1' if op == '-' else ''})"
        if op == "/":
            if _maybe_int(e.left):  # int / int would be a float in Python
                l = f"R.D({l})"
            return f"({l} / {r})"
        return f"({l} {op} {r})"

    def _x_Between(self, e: ir.Between) -> str:
        return f"({self.expr(e.low)} <= {self.expr(e.value)} <= {self.expr(e.high)})"

    def _x_If(self, e: ir.If) -> str:
        return f"({self.expr(e.then)} if {self.expr(e.cond)} else {self.expr(e.otherwise)})"

    _SIMPLE = {
        "kalenderjaar": "{0}.year", "kalendermaand": "{0}.month",
        "maanden_tussen": "R.months_between({0}, {1})",
        "kalendermaanden_tussen": "R.calendar_months_between({0}, {1})",
        "dagen_tussen": "R.days_between({0}, {1})", "jaren_tussen": "R.years_between({0}, {1})",
        "leeftijd": "R.years_between({0}, {1})",
        "eerste_dag_van_maand": "R.first_day_of_month({0})", "laatste_dag_van_maand": "R.last_day_of_month({0})",
        "begin_kalenderjaar": "{0}.replace(month=1, day=1)", "datum": "R.make_date({0}, {1}, {2})",
        "jaarbedrag": "({0} * 12)", "maandbedrag": "({0} / 12)", "absoluut": "abs({0})",
    }

    def _x_Builtin(self, e: ir.Builtin) -> str:
        args = [self.expr(a) for a in e.args]
        if e.name in ("minimum", "maximum"):
            return f"{'min' if e.name == 'minimum' else 'max'}({', '.join(args)})"
        return f"({self._SIMPLE[e.name].format(*args)})"

    def _x_Round(self, e: ir.Round) -> str:
        return f"R.rnd(self._tr, {e.site}, {self.expr(e.expr)}, {self.const(e.quantum)}, {e.mode!r})"

    def _x_Aggregate(self, e: ir.Aggregate) -> str:
        var = f"v_{e.slot}"
        coll = self.expr(e.collection)
        flt = f" if {self.expr(e.filter)}" if e.filter is not None else ""
        if e.kind == "sum":
            zero = "0" if e.type.kind == "int" else "R.ZERO"
            return f"sum(({self.expr(e.body)} for {var} in {coll}{flt}), {zero})"
        if e.kind == "count":
            return f"sum(1 for {var} in {coll}{flt})"
        if e.kind == "exists":
            cond = self.expr(e.filter) if e.filter is not None else "True"
            return f"any({cond} for {var} in {coll})"
        return f"all({self.expr(e.body)} for {var} in {coll}{flt})"


def _maybe_int(e) -> bool:
    """Can this expression yield a Python int at run time? (Then `/` and a `getal` need R.D.)"""
    if isinstance(e, ir.Const):
        return isinstance(e.value, int) and not isinstance(e.value, bool)
    if isinstance(e, ir.If):
        return _maybe_int(e.then) or _maybe_int(e.otherwise)
    if isinstance(e, ir.Builtin) and e.name in ("minimum", "maximum", "absoluut"):
        return any(_maybe_int(a) for a in e.args)
    if isinstance(e, ir.Unary) and e.op == "neg":
        return _maybe_int(e.operand)
    if isinstance(e, ir.Binary) and e.op in ("+", "-", "*") and e.type.kind in ("int", "dec"):
        return _maybe_int(e.left) and _maybe_int(e.right)
    return e.type.kind == "int"


def generate(program: ir.Program) -> str:
    return CodeGenerator(program).generate()
