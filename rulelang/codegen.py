"""Stage 3: IR -> Python source. One class per rule set; one memoised method per declared name.

Nothing from a .rule file is pasted into the output as code: names become `s<N>` method names, and
every string (names, citations, uitleg) is written with repr() inside the META literal or comments
are sanitised, so a hostile identifier or citation cannot change what the module does.
"""
from __future__ import annotations

import datetime as _dt
from decimal import Decimal

import attrs

from . import __version__, ir
from .check import PEILDATUM
from .runtime import trace as EV  # the event codes of the tracer's log
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
    text = text[:100]
    return text if text.isprintable() else "".join(c if c.isprintable() else "?" for c in text)


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
        self.fast = False  # writing the untraced class
        self.hoist: dict[str, str] | None = None  # untraced aggregates: invariant code -> local name
        self.loops: dict[int, str] = {}  # untraced: aggregates written as a loop -> the loop's result
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
            "        self._f, self._b, self._p = facts, decisions, peildatum",
            "        self._tr = None if tracer is None else tracer.emit  # R.trace: one tuple per event",
        ]
        if p.symbols:
            cls.append("        " + " = ".join(f"self._m{s.id}" for s in p.symbols) + " = UNSET")
        tail = ["", "",
                "RuleSet.GETTERS = (" + "".join(f"RuleSet.s{s.id}, " for s in p.symbols) + ")",
                ""]
        fast = self.generate_untraced()
        meta = ["", "# What the explanations and the scenario loader need to know about each name and rule.",
                "META = " + pretty_literal(build_meta(p), 0, 2)]
        return "\n".join(head + self.const_lines + meta + cls + methods + tail + fast)

    def generate_untraced(self) -> list[str]:
        """The same rule set without tracing, for evaluations that need no explanation (trace=False).

        Same values, statuses and signals as RuleSet (the reliability tests compare both with the
        reference interpreter); less work per name: no tracer calls,
        the rule tree written straight into the result, parameters with
        one value inlined as constants, and rounding to cents without a runtime call."""
        p = self.p
        self.fast = True
        start = len(self.lines)
        self.indent = 1
        for s in p.symbols:
            self.w()
            getattr(self, "_fast_" + {"invoer": "input", "beslissing": "decision", "parameter": "param",
                                      "definitie": "definition", "uitkomst": "definition"}[s.kind])(s)
        methods = self.lines[start:]
        self.lines = self.lines[:start]
        self.fast = False
        cls = [
            "",
            "",
            "class Untraced(RuleSet):",
            '    """RuleSet without tracing: the same results, for evaluate(..., trace=False) and batches."""',
            "    __slots__ = ()",
            "",
            "    def __init__(self, facts, decisions, peildatum, tracer=None):",
            "        self._f, self._b, self._p, self._tr = facts, decisions, peildatum, None",
        ]
        memo = [f"self._m{s.id}" for s in p.symbols
                if s.id not in self._inlined() and s.id not in self._safe_defs() and not self._memo_free(s)]
        if memo:  # constants and definitions of the peildatum alone have no memo here
            cls.append("        " + " = ".join(memo) + " = UNSET")
        return cls + methods + ["", "",
                                "Untraced.GETTERS = (" + "".join(f"Untraced.s{s.id}, " for s in p.symbols) + ")",
                                "RuleSet.UNTRACED = Untraced", ""]

    _SAFE_BUILTINS = frozenset({"kalenderjaar", "kalendermaand", "eerste_dag_van_maand", "laatste_dag_van_maand",
                                "begin_kalenderjaar", "kalendermaanden_tussen"})

    def _invariant(self, e) -> bool:
        """Can this expression neither raise nor depend on a case's facts? (The peildatum, constants,
        one-value parameters, calendar functions of those, and definitions made only of them.) Such an
        expression may be computed early or more than once without any visible difference."""
        if isinstance(e, ir.Const):
            return e.type.kind not in ("dur",)
        if isinstance(e, ir.Ref):
            return e.symbol == PEILDATUM or e.symbol in self._inlined() or e.symbol in self._safe_defs()
        if isinstance(e, ir.Builtin):
            return e.name in self._SAFE_BUILTINS and all(self._invariant(a) for a in e.args)
        if isinstance(e, ir.Binary):  # comparisons, logic, whole-number arithmetic: nothing that can raise
            if e.op in ("=", "≠", "<", "<=", ">", ">=", "en", "of"):
                kinds = {e.left.type.kind, e.right.type.kind}
                return kinds <= {"int", "date", "bool", "enum", "text"} and self._invariant(e.left) and \
                    self._invariant(e.right)
            return e.op in ("+", "-", "*") and e.type.kind == "int" and e.left.type.kind == "int" and \
                e.right.type.kind == "int" and self._invariant(e.left) and self._invariant(e.right)
        if isinstance(e, ir.Unary):
            return e.op == "niet" and self._invariant(e.operand)
        return False

    def _safe_defs(self) -> dict[int, ir.Rule]:
        """Definitions that are one invariant expression (`kalenderjaar_peildatum`): written inline in
        untraced code, where they are computed from the peildatum without a call."""
        if not hasattr(self, "_safe_def_rules"):
            self._safe_def_rules: dict[int, ir.Rule] = {}
            changed = True
            while changed:  # a safe definition may use another one
                changed = False
                for s in self.p.symbols:
                    if s.id in self._safe_def_rules or not s.is_definition or s.preconditions or \
                            not s.validity.unbounded or len(s.roots) != 1:
                        continue
                    rule = self.p.rules[s.roots[0]]
                    if self._is_simple(rule) and self._invariant(rule.value):
                        self._safe_def_rules[s.id] = rule
                        changed = True
        return self._safe_def_rules

    def _inlined(self) -> set[int]:
        """Parameters with a single value for every date: written as their constant in untraced code."""
        if not hasattr(self, "_inlined_ids"):
            self._inlined_ids = {s.id for s in self.p.symbols if s.kind == "parameter" and len(s.versions) == 1
                                 and s.versions[0].validity.unbounded}
        return self._inlined_ids

    # -- untraced symbols
    def _memo_free(self, s: ir.Symbol) -> bool:
        """An input, decision or parameter read in one place at most (not in a loop) is read at most once
        per evaluation: its untraced method keeps no memo, which spares the slot and the check."""
        return s.kind in ("invoer", "beslissing", "parameter") and self._uses().get(s.id, 0) <= 1

    def _memo_open(self, s: ir.Symbol) -> bool:
        """Start an untraced read method: with a memo (return it when set, else compute into `v`), or none
        (see _memo_free). Returns whether there is one; _memo_close ends the method."""
        memo = not self._memo_free(s)
        if memo:
            self.w(f"v = self._m{s.id}")
            self.w("if v is UNSET:")
            self.indent += 1
        return memo

    def _memo_close(self, s: ir.Symbol, memo: bool):
        if memo:
            self.w(f"self._m{s.id} = v")
            self.indent -= 1
        self.w("return v")
        self.indent -= 1

    def _fast_input(self, s: ir.Symbol):
        self._header(s)
        memo = self._memo_open(s)
        self.w(f"v = self._f.get({s.name!r}, UNSET)")
        self.w("if v is UNSET:")
        self.w(f"    v = {self.value(s.default, s.type)}" if s.default is not None else f"    raise R.Missing({s.id})")
        self._memo_close(s, memo)

    def _fast_decision(self, s: ir.Symbol):
        self._header(s)
        memo = self._memo_open(s)
        self.w(f"d = self._b.get({s.name!r})")
        if s.default is not None:
            self.w(f"v = {self.value(s.default, s.type)} if d is None else d.value")
        else:
            self.w("if d is None:")
            self.w(f"    raise R.Missing({s.id})")
            self.w("v = d.value")
        self._memo_close(s, memo)

    def _fast_param(self, s: ir.Symbol):
        if s.id in self._inlined():
            self._header(s)
            self.w(f"return {self.value_const(s.versions[0].value, s.type)}")
            self.indent -= 1
            return
        self._header(s)
        memo = self._memo_open(s)
        self.w("p = self._p")
        first = True
        # the latest version first: the usual peildatum is recent, and versions never overlap (RL209)
        for pv in sorted(s.versions, key=lambda pv: pv.validity.start or _dt.date.min, reverse=True):
            self.w(f"{'if' if first else 'elif'} {self._in_force(pv.validity)}:  # {_comment(pv.source or s.source or '')}")
            self.w(f"    v = {self.value_const(pv.value, s.type)}")
            first = False
        if not any(pv.validity.unbounded for pv in s.versions):
            if first:
                self.w(f"raise R.NoVersion({s.id})")
            else:
                self.w("else:")
                self.w(f"    raise R.NoVersion({s.id})")
        self._memo_close(s, memo)

    def _fast_definition(self, s: ir.Symbol):
        if s.id in self._safe_defs():  # computed from the peildatum where it is used; no memo
            rule = self._safe_defs()[s.id]
            self._header(s)
            self.w(f"return {self.value(rule.value, s.type)}  # {_comment(rule.span.file)}:{rule.span.line}")
            self.indent -= 1
            return
        self._header(s)
        self.w(f"v = self._m{s.id}")
        self.w("if v is not UNSET:")
        self.w("    return v")
        at = len(self.lines)
        self._fast_definition_body(s)
        self._prelude(at)
        self.w(f"self._m{s.id} = v")
        self.w("return v")
        self.indent -= 1

    def _fast_definition_body(self, s: ir.Symbol):
        simple = len(s.roots) == 1 and self._is_simple(self.p.rules[s.roots[0]])
        guarded = not s.validity.unbounded or bool(s.preconditions)
        if simple and not guarded:  # one unconditional rule: a Fault is always this rule's
            rule = self.p.rules[s.roots[0]]
            self.w("try:")
            self.indent += 1
            self._loop_first(rule.value)
            self.w(f"v = {self.value(rule.value, s.type)}  # {_comment(rule.span.file)}:{rule.span.line}")
            self.indent -= 1
            self.w("except ArithmeticError as exc:")
            self.w(f"    raise R.Fault({s.id}, {rule.id}, exc) from None")
            self.loops = {}
        else:
            self.w("r = -1")
            self.w("try:")
            self.indent += 1
            if not s.validity.unbounded:
                self.w(f"if not ({self._in_force(s.validity, 'self._p')}):")
                self.w(f"    raise R.NoVersion({s.id})")
            for pc in s.preconditions:
                self.w(f"if not {self.expr(pc.cond)}:  # vereist {_comment(pc.label or '')}")
                self.w(f"    raise R.Blocked({s.id}, {pc.index})")
            if any(not r.validity.unbounded for r in self._rules_of.get(s.id, ())):
                self.w("p = self._p")
            if simple:
                rule = self.p.rules[s.roots[0]]
                self.w(f"r = {rule.id}  # {_comment(rule.span.file)}:{rule.span.line}")
                self._loop_first(rule.value)
                self.w(f"v = {self.value(rule.value, s.type)}")
                self.loops = {}
            elif not self._fast_level(s.roots, "v", "w"):  # (when a rule always applies: no default)
                self.w("if w == -1:")
                if s.default is not None:
                    self.w("    r = -1  # the default is no rule")
                    self.w(f"    v = {self.value(s.default, s.type)}")
                else:
                    self.w(f"    raise R.NoRule({s.id})")
            self.indent -= 1
            self.w("except ArithmeticError as exc:")
            self.w(f"    raise R.Fault({s.id}, r, exc) from None")

    def _loop_first(self, e):
        """If the first thing Python evaluates in `e` is a `som van`/`aantal`/`bestaat`/`voor alle`, write
        it as a loop before the expression: the same steps in the same order, without a generator."""
        while not isinstance(e, ir.Aggregate):
            if isinstance(e, ir.Binary):
                e = e.left
            elif isinstance(e, ir.Builtin) and e.args:
                e = e.args[0]
            elif isinstance(e, ir.Unary):
                e = e.operand
            elif isinstance(e, ir.Round):
                e = e.expr
            elif isinstance(e, ir.If):
                e = e.cond
            elif isinstance(e, ir.GetField):
                e = e.obj
            elif isinstance(e, ir.Between):
                e = e.low
            else:
                return
        var, coll, a = f"v_{e.slot}", self.expr(e.collection), self.fresh("a")
        self.hoist = self.method_hoist
        try:
            flt = self.expr(e.filter) if e.filter is not None else None
            body = self.expr(e.body) if e.body is not None else None
        finally:
            self.hoist = None
        start, step = {"sum": ("0" if e.type.kind == "int" else "R.ZERO", f"{a} = {a} + {body}"),
                       "count": ("0", f"{a} += 1"), "exists": ("False", None), "all": ("True", None)}[e.kind]
        self.w(f"{a} = {start}  # {'som' if e.kind == 'sum' else e.kind} over {_comment(e.var)}")
        self.w(f"for {var} in {coll}:")
        if e.kind == "exists":
            self.w(f"    if {flt if flt is not None else 'True'}:")
            self.w(f"        {a} = True")
            self.w("        break")
        elif e.kind == "all":
            pad = "    "
            if flt is not None:
                self.w(f"    if {flt}:")
                pad = "        "
            self.w(f"{pad}if not {body}:")
            self.w(f"{pad}    {a} = False")
            self.w(f"{pad}    break")
        elif flt is not None:
            self.w(f"    if {flt}:")
            self.w(f"        {step}")
        else:
            self.w(f"    {step}")
        self.loops[id(e)] = a

    def _fast_level(self, rule_ids: list[int], out: str, win: str):
        """Sibling rules written straight into (out, win); a second one that applies is a conflict.

        `regel a: als C …` followed by `regel b: als niet C …` (or `x = y` and `x ≠ y`) is written as
        if/else: once C has been evaluated, evaluating it again gives the same answer and cannot fail, so
        exactly one of the two applies and b's condition need not be evaluated again."""
        self.w(f"{win} = -1")
        maybe_won = False  # can `win` be set here? (not before the first rule that can apply)
        decided = False  # does some rule always apply (no condition, or a pair `C` / `niet C`)? returned
        i = 0
        while i < len(rule_ids):
            rule = self.p.rules[rule_ids[i]]
            nxt = self.p.rules[rule_ids[i + 1]] if i + 1 < len(rule_ids) else None
            pair = (nxt is not None and rule.validity.unbounded and nxt.validity.unbounded and not nxt.children
                    and _complementary(rule.cond, nxt.cond))
            sym, rid = rule.symbol, rule.id
            self.w(f"# regel {_comment(rule.label or str(rid))} ({_comment(rule.span.file)}:{rule.span.line})"
                   + (f" en regel {_comment(nxt.label or str(nxt.id))} (het omgekeerde)" if pair else ""))
            guarded = not rule.validity.unbounded
            if guarded:
                self.w(f"if {self._in_force(rule.validity)}:")
                self.indent += 1
            if rule.children:
                ex, exw = self.fresh("e"), self.fresh("ew")
                self._fast_level(rule.children, ex, exw)
                self.w(f"if {exw} != -1:")
                self.indent += 1
                self._fast_apply(ex, exw, out, win, sym, maybe_won)
                if pair:  # the exception decided: the next rule is evaluated as usual
                    self._fast_rule(nxt, out, win, True)
                self.indent -= 1
                self.w("else:")
                self.indent += 1
            if self._may_fault(rule.cond) or self._may_fault(rule.value):
                self.w(f"r = {rid}")
            if rule.cond is not None:
                self.w(f"if {self.expr(rule.cond)}:")
                self.indent += 1
            self._fast_apply(self.value(rule.value, self.p.symbols[sym].type), str(rid), out, win, sym, maybe_won)
            if rule.cond is not None:
                self.indent -= 1
            if pair:
                self.w("else:")
                if self._may_fault(nxt.value):
                    self.w(f"    r = {nxt.id}")
                self.indent += 1
                self._fast_apply(self.value(nxt.value, self.p.symbols[sym].type), str(nxt.id), out, win, sym,
                                 maybe_won)
                self.indent -= 1
            if rule.children:
                self.indent -= 1
            if guarded:
                self.indent -= 1
            maybe_won = True
            decided = decided or (not guarded and (rule.cond is None or pair))
            i += 2 if pair else 1
        return decided

    def _may_fault(self, e) -> bool:
        """Can evaluating `e` raise an ArithmeticError in this method (which the method reports as a Fault
        of the rule in `r`)? Definitions are read through their own methods, which report their own
        faults; an input's or decision's method evaluates its default without that guard (found by the
        long differential run). Logic and comparisons of whole numbers, dates, yes/no and enumerations
        cannot fault. Anything else (arithmetic, rounding, date functions, decimal comparisons: a NaN
        passed in through the API) is assumed to. Where nothing can, `r` need not be set."""
        if e is None or isinstance(e, (ir.Const, ir.Var, ir.GetField)):
            return False
        if isinstance(e, ir.Ref):
            if e.symbol == PEILDATUM:
                return False
            sym = self.p.symbols[e.symbol]
            if sym.kind in ("invoer", "beslissing"):  # their method evaluates the default, unguarded
                return self._may_fault(sym.default)
            safe = self._safe_defs().get(e.symbol)
            return safe is not None and self._may_fault(safe.value)  # written inline here
        if isinstance(e, ir.Unary):
            return e.op != "niet" or self._may_fault(e.operand)
        if isinstance(e, ir.Binary):
            if e.op in ("en", "of") or (e.op in ("=", "≠", "<", "<=", ">", ">=") and all(
                    x.type.kind in ("int", "date", "bool", "enum") for x in (e.left, e.right))):
                return self._may_fault(e.left) or self._may_fault(e.right)
            return True
        if isinstance(e, ir.If):
            return self._may_fault(e.cond) or self._may_fault(e.then) or self._may_fault(e.otherwise)
        return True

    def _fast_rule(self, rule: ir.Rule, out: str, win: str, maybe_won: bool):
        """One rule without exceptions and without validity (the second of a pair, written out)."""
        if self._may_fault(rule.cond) or self._may_fault(rule.value):
            self.w(f"r = {rule.id}")
        if rule.cond is not None:
            self.w(f"if {self.expr(rule.cond)}:")
            self.indent += 1
        self._fast_apply(self.value(rule.value, self.p.symbols[rule.symbol].type), str(rule.id), out, win,
                         rule.symbol, maybe_won)
        if rule.cond is not None:
            self.indent -= 1

    def _fast_apply(self, value: str, rid: str, out: str, win: str, sym: int, maybe_won: bool):
        """A rule applies: its value (evaluated first), then the conflict check, then the result."""
        if maybe_won:
            x = self.fresh("x")
            self.w(f"{x} = {value}")
            self.w(f"if {win} != -1:")
            self.w(f"    raise R.Conflict({sym}, {win}, {rid})")
            self.w(f"{out} = {x}")
        else:
            self.w(f"{out} = {value}")
        self.w(f"{win} = {rid}")

    # -- symbols
    def _header(self, s: ir.Symbol):
        self.w(f"def s{s.id}(self):  # {s.kind} {_comment(s.name)} ({_comment(s.span.file)}:{s.span.line})")
        self.indent += 1
        self.method_hoist = {}

    def _prelude(self, at: int):
        """Insert the hoisted invariants of the method being written at line `at` (they cannot raise)."""
        pad = "    " * self.indent
        self.lines[at:at] = [f"{pad}{name} = {code}" for code, name in self.method_hoist.items()]
        self.method_hoist = {}

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
            self.w(f"    self._tr(({EV.MISSING}, {s.id}))")
            self.w(f"raise R.Missing({s.id})")
        self.indent -= 1
        self.w(f"self._m{s.id} = v")
        self.indent -= 1
        self.w("if self._tr is not None:")
        self.w(f"    self._tr(({EV.READ}, {s.id}, v))")
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
            self.w(f"    self._tr(({EV.MISSING}, {s.id}))")
            self.w(f"raise R.Missing({s.id})")
        self.indent -= 1
        self.w("else:")
        self.w("    v = d.value")
        self.w(f"self._m{s.id} = v")
        self.indent -= 1
        self.w("if self._tr is not None:")
        self.w(f"    self._tr(({EV.READ}, {s.id}, v))")
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
        self.w(f"    self._tr(({EV.READ}, {s.id}, v))")
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
        self.w(f"        tr(({EV.REUSE}, {s.id}))")
        self.w("    return v")
        self.w("if tr is not None:")
        self.w(f"    tr(({EV.ENTER}, {s.id}))")
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
            self.w(f"    tr(({EV.RULE}, {rule.id}, {EV.APPLIED!r}, None))")
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
        self.w(f"        tr(({EV.ABORT}, {s.id}, sig))")
        self.w("    raise")
        self.w("except ArithmeticError as exc:")
        self.w("    if tr is not None:")
        self.w(f"        tr(({EV.ABORT}, {s.id}, exc))")
        self.w(f"    raise R.Fault({s.id}, r, exc) from None")
        self.w(f"self._m{s.id} = v")
        self.w("if tr is not None:")
        self.w(f"    tr(({EV.LEAVE}, {s.id}, v, win))")
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
            self.w(f"    tr(({EV.RULE}, {rid}, {EV.OVERRIDDEN!r}, {exw}))")
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
        self.w(f"    tr(({EV.RULE}, {rid}, {EV.APPLIED!r}, None))")
        if rule.cond is not None:
            self.indent -= 1
            self.w("elif tr is not None:")
            self.w(f"    tr(({EV.RULE}, {rid}, {EV.NOT_APPLICABLE!r}, None))")
        if rule.children:
            self.indent -= 1
        if guarded:
            self.indent -= 1
            self.w("elif tr is not None:")
            self.w(f"    tr(({EV.RULE}, {rid}, {EV.NOT_IN_FORCE!r}, None))")

    # -- expressions
    def expr(self, e) -> str:
        if self.loops and id(e) in self.loops:  # computed by a loop before this expression
            return self.loops[id(e)]
        if self.hoist is not None and not isinstance(e, (ir.Const, ir.Ref, ir.Var)) and self._invariant(e):
            # inside `som van … voor elke …`: computed once before the loop instead of for every item
            code = getattr(self, "_x_" + type(e).__name__)(e)
            if code not in self.hoist:
                self.hoist[code] = f"h{len(self.hoist) + 1}"
            return self.hoist[code]
        return getattr(self, "_x_" + type(e).__name__)(e)

    def _x_Const(self, e: ir.Const) -> str:
        v = e.value
        if e.type.kind in ("money", "dec", "pct"):
            return self.const(Decimal(v) if isinstance(v, int) else v)
        if e.type.kind in ("date", "dur"):
            return self.const(v)
        return repr(v)

    def _x_Ref(self, e: ir.Ref) -> str:
        if e.symbol == PEILDATUM:
            return "self._p"
        if self.fast and e.symbol in self._inlined():
            s = self.p.symbols[e.symbol]
            return self.value_const(s.versions[0].value, s.type)
        if self.fast and e.symbol in self._safe_defs():
            return f"({self.value(self._safe_defs()[e.symbol].value, self.p.symbols[e.symbol].type)})"
        if self.fast and self._uses().get(e.symbol, 0) > 1:
            # used in more places: read the memo here and call the method only the first time
            return f"(self._m{e.symbol} if self._m{e.symbol} is not UNSET else self.s{e.symbol}())"
        return f"self.s{e.symbol}()"

    def _uses(self) -> dict[int, int]:
        """How often each name is read in the program (a read inside 'som van …' counts as many)."""
        if not hasattr(self, "_use_counts"):
            counts: dict[int, int] = {}

            def walk(e, weight):
                if e is None:
                    return
                if isinstance(e, ir.Ref):
                    counts[e.symbol] = counts.get(e.symbol, 0) + weight
                    return
                if isinstance(e, ir.Aggregate):
                    walk(e.collection, weight)
                    walk(e.body, 2)
                    walk(e.filter, 2)
                    return
                for f in attrs.fields(type(e)):
                    x = getattr(e, f.name)
                    if isinstance(x, list):
                        for y in x:
                            walk(y, weight)
                    elif attrs.has(type(x)) and not isinstance(x, (Type,)):
                        walk(x, weight)

            for sym in self.p.symbols:
                walk(sym.default, 1)
                for pc in sym.preconditions:
                    walk(pc.cond, 1)
            for r in self.p.rules:
                walk(r.cond, 1)
                walk(r.value, 1)
            self._use_counts = counts
        return self._use_counts

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
        if not self.fast:
            return f"R.rnd(self._tr, {e.site}, {self.expr(e.expr)}, {self.const(e.quantum)}, {e.mode!r})"
        if e.quantum.as_tuple().digits == (1,):  # 0,01 or 1 (not € 1,00): what round_money does, without the call
            mode = {"half_up": "R.ROUND_HALF_UP", "down": "R.ROUND_FLOOR", "up": "R.ROUND_CEILING"}[e.mode]
            return f"{self.expr(e.expr)}.quantize({self.const(e.quantum)}, {mode})"
        return f"R.round_money({self.expr(e.expr)}, {self.const(e.quantum)}, {e.mode!r})"

    def _x_Aggregate(self, e: ir.Aggregate) -> str:
        var = f"v_{e.slot}"
        coll = self.expr(e.collection)
        outer = self.hoist
        if self.fast and outer is None:
            self.hoist = self.method_hoist
        try:
            return self._aggregate(e, var, coll)
        finally:
            self.hoist = outer

    def _aggregate(self, e: ir.Aggregate, var: str, coll: str) -> str:
        flt = f" if {self.expr(e.filter)}" if e.filter is not None else ""
        if e.kind == "sum":
            zero = "0" if e.type.kind == "int" else "R.ZERO"
            return f"sum(({self.expr(e.body)} for {var} in {coll}{flt}), {zero})"
        if e.kind == "count":  # untraced: a list is quicker than a generator; counting cannot fail
            return f"len([1 for {var} in {coll}{flt}])" if self.fast else f"sum(1 for {var} in {coll}{flt})"
        if e.kind == "exists":
            cond = self.expr(e.filter) if e.filter is not None else "True"
            return f"any({cond} for {var} in {coll})"
        return f"all({self.expr(e.body)} for {var} in {coll}{flt})"


def _shape(e):
    """An IR expression without its source positions: equal shapes are the same computation."""
    if attrs.has(type(e)):
        return (type(e).__name__,) + tuple(_shape(getattr(e, f.name)) for f in attrs.fields(type(e))
                                           if f.name not in ("span", "site"))
    if isinstance(e, (list, tuple)):
        return tuple(_shape(x) for x in e)
    return e


def _complementary(a, b) -> bool:
    """Is condition b the negation of condition a (`C` and `niet C`, or `x = y` and `x ≠ y`)?"""
    if a is None or b is None:
        return False
    if isinstance(b, ir.Unary) and b.op == "niet":
        return _shape(a) == _shape(b.operand)
    if isinstance(a, ir.Unary) and a.op == "niet":
        return _shape(a.operand) == _shape(b)
    if isinstance(a, ir.Binary) and isinstance(b, ir.Binary) and {a.op, b.op} == {"=", "≠"}:
        return _shape(a.left) == _shape(b.left) and _shape(a.right) == _shape(b.right)
    return False


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
