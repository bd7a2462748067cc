"""Stage 2: name resolution, type and unit checking, rule trees -> IR (with diagnostics in Dutch).

Errors never stop the checker: an ill-typed expression gets the type `any` so one mistake is reported
once, and every other mistake in the rule set is still found.
"""
from __future__ import annotations

import datetime as _dt
import re
from decimal import Decimal
from graphlib import CycleError, TopologicalSorter

from . import ast as A
from . import ir
from .builtins import DUTCH, ENGLISH, FIXED, SPECIAL, canonical, names_for
from .diagnostics import Diagnostic, suggest
from .source import Span
from .types import (ANY, BOOL, DATE, DEC, DUR, INT, PCT, TEXT, TYPE_WORDS, Type, assignable, is_numeric,
                    money, unify_period)

PEILDATUM = -1
PEILDATUM_NAMES = {"nl": "peildatum", "en": "reference_date"}
VALUE_PLACEHOLDERS = {"waarde", "value"}
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
# Structural limits (docs/betrouwbaarheid.md): generated code nests one block per exception level and
# one Python call per dependency level, so both stay far below Python's indentation and recursion limits.
MAX_EXCEPTION_DEPTH = 32
MAX_DEPENDENCY_DEPTH = 100
KIND_WORDS = {"invoer": "invoer", "beslissing": "beslissing", "parameter": "parameter",
              "definitie": "definitie", "uitkomst": "uitkomst"}


def _text(t: A.Text | None) -> str | None:
    return t.value if t is not None else None


class Checker:
    def __init__(self, modules: list[A.Module], root: str):
        self.modules = modules
        self.root = root
        self.diags: list[Diagnostic] = []
        self.enums: dict[str, list[str]] = {}
        self.enum_spans: dict[str, Span] = {}
        self.members: dict[str, list[str]] = {}  # member -> enums that have it
        self.records: dict[str, list[tuple[str, Type]]] = {}
        self.record_decls: dict[str, A.RecordDecl] = {}
        self.symbols: list[ir.Symbol] = []
        self.by_name: dict[str, int] = {}
        self.rules: list[ir.Rule] = []
        self.roundings: list[ir.RoundingSite] = []
        self.decl_lang: dict[str, str] = {m.path: m.lang for m in modules}
        self._def_decls: dict[int, list[A.DefDecl]] = {}
        self._param_decls: dict[int, A.ParamDecl] = {}
        self._input_decls: dict[int, A.InputDecl] = {}
        self._deps: set[int] = set()
        self._slots = 0

    def error(self, code: str, msg: str, span: Span, help: str | None = None):
        self.diags.append(Diagnostic(code, msg, span, help=help))

    # ------------------------------------------------------------------ declarations
    def run(self) -> ir.Program:
        decls = [d for m in self.modules for d in m.decls]
        for d in decls:
            if isinstance(d, A.EnumDecl):
                self._declare_type_name(d.name, d.span)
                self.enums[d.name] = []
                self.enum_spans[d.name] = d.span
                for member, span in d.members:
                    if member in self.enums[d.name]:
                        self.error("RL202", f"'{member}' komt twee keer voor in opsomming '{d.name}'", span)
                        continue
                    self.enums[d.name].append(member)
                    self.members.setdefault(member, []).append(d.name)
            elif isinstance(d, A.RecordDecl):
                self._declare_type_name(d.name, d.span)
                self.record_decls[d.name] = d
        for name, d in self.record_decls.items():
            fields, seen = [], set()
            for f in d.fields:
                if f.name in seen:
                    self.error("RL202", f"veld '{f.name}' komt twee keer voor in record '{name}'", f.span)
                seen.add(f.name)
                fields.append((f.name, self.resolve_type(f.type)))
            self.records[name] = fields
        for d in decls:
            if isinstance(d, (A.InputDecl, A.ParamDecl, A.DefDecl)):
                self._declare_symbol(d)
        self._bindings: dict[int, A.ImportBinding] = {}
        for m in self.modules:
            for d in m.decls:
                if isinstance(d, A.Import):
                    for b in d.bindings:
                        self._bind(b, m.lang)
        for sym in self.symbols:
            self._deps = set()
            if sym.id in self._bindings:
                self._check_binding(sym, self._bindings[sym.id])
            elif sym.id in self._input_decls:
                self._check_input(sym, self._input_decls[sym.id])
            elif sym.id in self._param_decls:
                self._check_param(sym, self._param_decls[sym.id])
            else:
                self._check_definition(sym, self._def_decls[sym.id])
            sym.deps = sorted(self._deps)
        self._check_cycles()
        return ir.Program(self.root, [m.path for m in self.modules], dict(self.decl_lang), self.enums,
                          self.records, self.symbols, self.rules, self.roundings)

    def _bind(self, b: A.ImportBinding, lang: str):
        sid = self.by_name.get(b.name)
        if sid is None or sid not in self._input_decls:
            what = "bestaat niet" if sid is None else f"is een {self.symbols[sid].kind}, geen invoer"
            hint = suggest(b.name, [self.symbols[i].name for i in self._input_decls])
            self.error("RL201", f"'{b.name}' {what}: alleen een invoer van het geïmporteerde bestand kan worden "
                       "gekoppeld", b.span, help=f"bedoelde u '{hint}'?" if hint else None)
            return
        if sid in self._bindings:
            prev = self._bindings[sid].span
            self.error("RL202", f"invoer '{b.name}' is al gekoppeld op {prev.file}:{prev.line}", b.span)
            return
        self._bindings[sid] = b

    def _check_binding(self, sym: ir.Symbol, b: A.ImportBinding):
        """An imported input bound to an expression becomes a definition with one rule."""
        lang = self.decl_lang.get(b.span.file, "nl")
        value = self.expr(b.value, {}, lang)
        self._expect(sym.type, value, b.value.span, f"de koppeling van '{sym.name}'")
        sym.kind = "definitie"
        sym.source = f"gekoppeld bij het importeren ({b.span.file}:{b.span.line})"
        sym.question = None
        rule = ir.Rule(len(self.rules), sym.id, None, None, [], None, value, sym.source, None, ir.Validity(), b.span)
        self.rules.append(rule)
        sym.roots.append(rule.id)

    def _declare_type_name(self, name: str, span: Span):
        if name in self.enums or name in self.record_decls:
            self.error("RL202", f"type '{name}' is al gedeclareerd", span)

    def _declare_symbol(self, d):
        kind = ("beslissing" if d.discretionary else "invoer") if isinstance(d, A.InputDecl) else (
            "parameter" if isinstance(d, A.ParamDecl) else ("uitkomst" if d.is_outcome else "definitie"))
        if d.name in self.by_name:
            prev = self.symbols[self.by_name[d.name]]
            # several `definitie X` blocks, each with its own `geldig`, are versions of one definition
            if isinstance(d, A.DefDecl) and prev.id in self._def_decls and d.validity is not None and all(
                    p.validity is not None for p in self._def_decls[prev.id]) and prev.kind == kind:
                self._def_decls[prev.id].append(d)
                return
            # the same name in two files (one imports the other) is a clash between files: RL220
            code = "RL202" if d.span.file == prev.span.file else "RL220"
            self.error(code, f"'{d.name}' is al gedeclareerd als {prev.kind} op {prev.span}", d.span)
            return
        if d.name in PEILDATUM_NAMES.values():
            self.error("RL202", f"'{d.name}' is een vaste naam (de peildatum) en kan niet opnieuw worden gedeclareerd",
                       d.span)
            return
        sym = ir.Symbol(len(self.symbols), kind, d.name, ANY, d.span, source=_text(d.source),
                        explanation=_text(getattr(d, "explanation", None)))
        sym.type = self.resolve_type(d.type)
        self.symbols.append(sym)
        self.by_name[d.name] = sym.id
        if isinstance(d, A.InputDecl):
            self._input_decls[sym.id] = d
        elif isinstance(d, A.ParamDecl):
            self._param_decls[sym.id] = d
        else:
            self._def_decls[sym.id] = [d]

    def resolve_type(self, t) -> Type:
        if isinstance(t, A.BoolType):
            return BOOL
        if isinstance(t, A.ListType):
            return Type("list", elem=self.resolve_type(t.elem))
        words = t.words
        if words in TYPE_WORDS:
            base = TYPE_WORDS[words]
            if t.period:
                if base.kind != "money":
                    self.error("RL203", f"alleen geld kan 'per {t.period}' zijn, niet {base.describe()}", t.span)
                    return base
                return money(t.period)
            return base
        name = " ".join(words)
        if len(words) == 1 and name in self.enums:
            return Type("enum", name=name)
        if len(words) == 1 and name in self.record_decls:
            return Type("record", name=name)
        known = [" ".join(w) for w in TYPE_WORDS] + list(self.enums) + list(self.record_decls)
        hint = suggest(name, known)
        self.error("RL201", f"onbekend type '{name}'", t.span, help=f"bedoelde u '{hint}'?" if hint else None)
        return ANY

    # ------------------------------------------------------------------ symbols
    def _check_input(self, sym: ir.Symbol, d: A.InputDecl):
        sym.question = _text(d.question)
        sym.by = _text(d.by)
        if d.discretionary and not sym.source:
            self.error("RL211", f"beslissing '{d.name}' heeft geen bron: noem het artikel dat het college "
                       "deze ruimte geeft (bron \"…\")", d.span)
        if d.default is not None:
            e = self.expr(d.default, {}, self.decl_lang.get(d.span.file, "nl"))
            self._expect(sym.type, e, d.default.span, f"de standaardwaarde van '{d.name}'")
            sym.default = e
        if sym.explanation:
            self._check_template(sym.explanation, d.explanation.span, d.span.file)

    def _check_param(self, sym: ir.Symbol, d: A.ParamDecl):
        lang = self.decl_lang.get(d.span.file, "nl")
        if not d.values:
            self.error("RL216", f"parameter '{d.name}' heeft geen waarde", d.span)
        for pv in d.values:
            if not (sym.source or pv.source):
                self.error("RL211", f"waarde van parameter '{d.name}' heeft geen bron", pv.span)
            e = self.expr(pv.value, {}, lang)
            if isinstance(e, ir.Unary) and e.op == "neg" and isinstance(e.operand, ir.Const) \
                    and isinstance(e.operand.value, (int, Decimal)) and not isinstance(e.operand.value, bool):
                e = ir.Const(-e.operand.value, e.type, e.span)  # a negative amount is still a fixed value
            self._expect(sym.type, e, pv.value.span, f"de waarde van parameter '{d.name}'")
            if not isinstance(e, ir.Const):
                self.error("RL219", f"de waarde van parameter '{d.name}' moet een vaste waarde zijn "
                           "(een bedrag, getal, percentage of datum), geen berekening", pv.value.span)
                continue
            validity = self._validity(pv.validity)
            for other in sym.versions:
                if other.validity.overlaps(validity):
                    self.error("RL209", f"de waarden van parameter '{d.name}' overlappen in geldigheid "
                               f"(zie ook {other.span.file}:{other.span.line})", pv.span)
            sym.versions.append(ir.ParamVersion(e.value, validity, _text(pv.source), pv.span))
        self._deps = set()

    def _validity(self, v: A.Validity | None) -> ir.Validity:
        if v is None:
            return ir.Validity()
        if v.start is not None and v.end is not None and v.end <= v.start:
            self.error("RL218", "de geldigheid eindigt voordat hij begint", v.span)
        return ir.Validity(v.start, v.end)

    def _check_definition(self, sym: ir.Symbol, versions: list[A.DefDecl]):
        if len(versions) > 1:
            for i, a in enumerate(versions):
                for b in versions[:i]:
                    if self._validity(a.validity).overlaps(self._validity(b.validity)):
                        self.error("RL209", f"versies van '{sym.name}' overlappen in geldigheid "
                                   f"(zie ook {b.span.file}:{b.span.line})", a.validity.span)
            sym.validity = ir.Validity()
        else:
            sym.validity = self._validity(versions[0].validity)
        first = versions[0]
        lang = self.decl_lang.get(first.span.file, "nl")
        for d in versions:
            sym.source = sym.source or _text(d.source)
            sym.explanation = sym.explanation or _text(d.explanation)
            if d.explanation:
                self._check_template(d.explanation.value, d.explanation.span, d.span.file)
        if first.default is not None:
            e = self.expr(first.default, {}, lang)
            self._expect(sym.type, e, first.default.span, f"de standaardwaarde van '{sym.name}'")
            sym.default = e
        for d in versions:
            for p in d.preconditions:
                cond = self.expr(p.cond, {}, lang)
                self._expect_bool(cond, p.cond.span, "de voorwaarde achter 'vereist'")
                src = _text(p.source) or sym.source
                if not src:
                    self.error("RL211", "procedurele voorwaarde zonder bron", p.span)
                sym.preconditions.append(ir.Precondition(len(sym.preconditions), p.label, cond, src,
                                                         _text(p.reason), p.span))
        # rules: build all, then link exceptions by label
        all_rules: list[tuple[A.Rule, ir.Rule, A.DefDecl]] = []
        for d in versions:
            outer = self._validity(d.validity) if len(versions) > 1 else ir.Validity()
            if not d.rules:
                self.error("RL216", f"'{sym.name}' heeft geen regels: schrijf 'waarde …' of een 'regel'", d.span)
            for r in d.rules:
                all_rules.append((r, self._build_rule(sym, r, outer, lang), d))
        by_label: dict[str, list[ir.Rule]] = {}
        for r, rule, _ in all_rules:
            if rule.label is not None:
                for other in by_label.get(rule.label, []):
                    if other.validity.overlaps(rule.validity):
                        self.error("RL208" if other.validity.unbounded and rule.validity.unbounded else "RL209",
                                   f"label '{rule.label}' komt twee keer voor in '{sym.name}' met overlappende "
                                   f"geldigheid (zie ook regel {other.span.line})", r.span)
                by_label.setdefault(rule.label, []).append(rule)
        for r, rule, _ in all_rules:
            if r.exception_to is None:
                sym.roots.append(rule.id)
                continue
            targets = by_label.get(r.exception_to)
            if not targets:
                hint = suggest(r.exception_to, by_label)
                self.error("RL207", f"'{sym.name}' heeft geen regel met label '{r.exception_to}'", r.span,
                           help=f"bedoelde u '{hint}'?" if hint else None)
                continue
            if rule in targets:
                self.error("RL207", f"regel '{rule.label}' kan geen uitzondering op zichzelf zijn", r.span)
                continue
            rule.parent = targets[0].id
            for t in targets:
                t.children.append(rule.id)
        self._check_exception_cycles(sym)

    def _check_exception_cycles(self, sym: ir.Symbol):
        seen_roots = set()
        too_deep = None
        for rid in sym.roots:
            stack = [(rid, 1)]
            while stack:
                cur, depth = stack.pop()
                if depth > MAX_EXCEPTION_DEPTH and too_deep is None:
                    too_deep = self.rules[cur]
                if cur in seen_roots:
                    continue
                seen_roots.add(cur)
                stack.extend((c, depth + 1) for c in self.rules[cur].children)
        if too_deep is not None:
            self.error("RL221", f"'{sym.name}' heeft meer dan {MAX_EXCEPTION_DEPTH} niveaus van uitzonderingen op "
                       "uitzonderingen", too_deep.span)
        mine = []  # this definition's rules are the last ones built (looking only at them keeps this linear)
        for rule in reversed(self.rules):
            if rule.symbol != sym.id:
                break
            mine.append(rule)
        for rule in reversed(mine):
            if rule.id not in seen_roots and rule.parent is not None:
                self.error("RL207", f"regel '{rule.label}' in '{sym.name}' is via uitzonderingen een uitzondering "
                           "op zichzelf", rule.span)

    def _build_rule(self, sym: ir.Symbol, r: A.Rule, outer: ir.Validity, lang: str) -> ir.Rule:
        cond = None
        if r.cond is not None:
            cond = self.expr(r.cond, {}, lang)
            self._expect_bool(cond, r.cond.span, "de voorwaarde achter 'als'")
        if r.value is None:
            self.error("RL216", "deze regel heeft geen waarde: voeg 'dan …' toe", r.span)
            value = ir.Const(None, ANY, r.span)
        else:
            value = self.expr(r.value, {}, lang)
            self._expect(sym.type, value, r.value.span, f"de waarde van '{sym.name}'")
        if not (r.source or sym.source):
            self.error("RL211", f"regel in '{sym.name}' heeft geen bron: voeg bron \"artikel …\" toe aan de "
                       "regel of de definitie", r.span)
        if r.explanation:
            self._check_template(r.explanation.value, r.explanation.span, r.span.file)
        validity = self._validity(r.validity)
        if not outer.unbounded:
            validity = ir.Validity(max(filter(None, [validity.start, outer.start]), default=None),
                                   min(filter(None, [validity.end, outer.end]), default=None))
        rule = ir.Rule(len(self.rules), sym.id, r.label, None, [], cond, value, _text(r.source),
                       _text(r.explanation), validity, r.span)
        self.rules.append(rule)
        return rule

    def _check_template(self, template: str, span: Span, file: str):
        for m in _PLACEHOLDER.finditer(template.replace("{{", "").replace("}}", "")):
            name = m.group(1).strip()
            if name in VALUE_PLACEHOLDERS or name in self.by_name or name in PEILDATUM_NAMES.values():
                continue
            hint = suggest(name, list(self.by_name) + ["waarde"])
            self.error("RL212", f"de uitleg noemt '{{{name}}}', maar die naam bestaat niet", span,
                       help=f"bedoelde u '{{{hint}}}'?" if hint else None)

    def _check_cycles(self):
        # every symbol that computes something: definitions, and inputs whose default reads other names
        graph = {s.id: list(s.deps) for s in self.symbols if s.deps}
        try:
            order = list(TopologicalSorter(graph).static_order())
        except CycleError as e:
            # graphlib lists each node before the ones that depend on it; show "a → b" as "a uses b"
            cycle = e.args[1][::-1]
            names = " → ".join(self.symbols[i].name for i in cycle)
            self.error("RL210", f"kringverwijzing: {names}", self.symbols[cycle[0]].span)
            return
        depth: dict[int, int] = {}
        for sid in order:  # dependencies come first
            depth[sid] = 1 + max((depth[d] for d in graph.get(sid, ())), default=0)
            if depth[sid] > MAX_DEPENDENCY_DEPTH:
                sym = self.symbols[sid]
                self.error("RL221", f"'{sym.name}' hangt af van een keten van meer dan {MAX_DEPENDENCY_DEPTH} "
                           "definities die elkaar gebruiken", sym.span)
                return

    # ------------------------------------------------------------------ expressions
    def _expect(self, target: Type, e, span: Span, what: str):
        if target.kind == "money" and e.type.kind == "money":
            ok, _ = unify_period(target.period, e.type.period)
            if not ok:
                self.error("RL204", f"{what} is {e.type.describe()}, maar moet {target.describe()} zijn",
                           span, help="reken om met jaarbedrag(…) of maandbedrag(…)")
                return
        if not assignable(target, e.type):
            self.error("RL205", f"{what} is {e.type.describe()}, maar moet {target.describe()} zijn", span)

    def _expect_bool(self, e, span: Span, what: str):
        if e.type.kind not in ("bool", "any"):
            self.error("RL215", f"{what} moet ja of nee opleveren, maar is {e.type.describe()}", span)

    def expr(self, e, env: dict, lang: str):
        m = getattr(self, "_e_" + type(e).__name__)
        return m(e, env, lang)

    def _e_Lit(self, e: A.Lit, env, lang):
        if e.kind == "money":
            return ir.Const(e.value, money(), e.span)
        if e.kind == "number":
            return ir.Const(e.value, INT if isinstance(e.value, int) else DEC, e.span)
        if e.kind == "percent":
            return ir.Const(e.value, PCT, e.span)
        if e.kind == "date":
            return ir.Const(e.value, DATE, e.span)
        if e.kind == "duration":
            return ir.Const(e.value, DUR, e.span)
        if e.kind == "bool":
            return ir.Const(e.value, BOOL, e.span)
        return ir.Const(e.value, TEXT, e.span)

    def _e_Name(self, e: A.Name, env, lang):
        if e.name in env:
            slot, typ = env[e.name]
            return ir.Var(slot, e.name, typ, e.span)
        if e.name in PEILDATUM_NAMES.values():
            return ir.Ref(PEILDATUM, DATE, e.span)
        if e.name in self.by_name:
            sid = self.by_name[e.name]
            self._deps.add(sid)
            return ir.Ref(sid, self.symbols[sid].type, e.span)
        if e.name in self.members:
            enums = self.members[e.name]
            if len(enums) > 1:
                self.error("RL201", f"'{e.name}' komt voor in meerdere opsommingen ({', '.join(enums)}); "
                           f"schrijf {enums[0]}.{e.name}", e.span)
            return ir.Const(e.name, Type("enum", name=enums[0]), e.span)
        if e.name in self.enums:
            self.error("RL203", f"'{e.name}' is een opsomming; kies een waarde, bijvoorbeeld "
                       f"{e.name}.{self.enums[e.name][0] if self.enums[e.name] else '…'}", e.span)
            return ir.Const(None, ANY, e.span)
        candidates = list(env) + list(self.by_name) + list(self.members) + [PEILDATUM_NAMES[lang]]
        hint = suggest(e.name, candidates)
        self.error("RL201", f"onbekende naam '{e.name}'", e.span, help=f"bedoelde u '{hint}'?" if hint else None)
        return ir.Const(None, ANY, e.span)

    def _e_Field(self, e: A.Field, env, lang):
        # Enum.member
        if isinstance(e.obj, A.Name) and e.obj.name in self.enums and e.obj.name not in env \
                and e.obj.name not in self.by_name:
            if e.name not in self.enums[e.obj.name]:
                hint = suggest(e.name, self.enums[e.obj.name])
                self.error("RL201", f"opsomming '{e.obj.name}' heeft geen waarde '{e.name}'", e.span,
                           help=f"bedoelde u '{hint}'?" if hint else None)
                return ir.Const(None, ANY, e.span)
            return ir.Const(e.name, Type("enum", name=e.obj.name), e.span)
        obj = self.expr(e.obj, env, lang)
        if obj.type.kind == "any":
            return ir.GetField(obj, e.name, ANY, e.span)
        if obj.type.kind != "record":
            self.error("RL206", f"'{e.name}' is geen veld: de waarde links van de punt is "
                       f"{obj.type.describe()}, geen record", e.span)
            return ir.GetField(obj, e.name, ANY, e.span)
        fields = dict(self.records.get(obj.type.name, []))
        if e.name not in fields:
            hint = suggest(e.name, fields)
            self.error("RL206", f"record '{obj.type.name}' heeft geen veld '{e.name}'", e.span,
                       help=f"bedoelde u '{hint}'?" if hint else None)
            return ir.GetField(obj, e.name, ANY, e.span)
        return ir.GetField(obj, e.name, fields[e.name], e.span)

    def _e_Unary(self, e: A.Unary, env, lang):
        x = self.expr(e.operand, env, lang)
        if e.op == "niet":
            self._expect_bool(x, e.operand.span, "wat achter 'niet' staat")
            return ir.Unary("niet", x, BOOL, e.span)
        if x.type.kind not in ("int", "dec", "money", "pct", "any"):
            self.error("RL203", f"kan {x.type.describe()} niet negatief maken", e.span)
            return ir.Unary("neg", x, ANY, e.span)
        return ir.Unary("neg", x, x.type, e.span)

    def _e_Binary(self, e: A.Binary, env, lang):
        l = self.expr(e.left, env, lang)
        r = self.expr(e.right, env, lang)
        t = self._binary_type(e.op, l.type, r.type, e.span)
        return ir.Binary(e.op, l, r, t, e.span)

    def _binary_type(self, op: str, a: Type, b: Type, span: Span) -> Type:
        if a.kind == "any" or b.kind == "any":
            return BOOL if op in ("en", "of", "=", "≠", "<", "<=", ">", ">=") else ANY
        if op in ("en", "of"):
            if a.kind != "bool" or b.kind != "bool":
                bad = a if a.kind != "bool" else b
                self.error("RL215", f"'{op}' verbindt ja/nee-waarden, maar kreeg {bad.describe()}", span)
            return BOOL
        if op in ("=", "≠", "<", "<=", ">", ">="):
            self._comparable(a, b, span, ordered=op not in ("=", "≠"))
            return BOOL
        if a.kind == "money" and b.kind == "money":
            ok, per = unify_period(a.period, b.period)
            if not ok:
                self.error("RL204", f"u rekent met een bedrag {_per(a)} en een bedrag {_per(b)}",
                           span, help="reken eerst om met jaarbedrag(…) of maandbedrag(…)")
                return ANY
            if op in ("+", "-"):
                return money(per)
            if op == "/":
                return DEC
            self.error("RL203", "twee bedragen kunnen niet met elkaar vermenigvuldigd worden", span)
            return ANY
        scalar = ("int", "dec", "pct")
        if op in ("+", "-"):
            if a.kind == "date" and b.kind == "dur":
                return DATE
            if a.kind in ("int", "dec") and b.kind in ("int", "dec"):
                return INT if a.kind == b.kind == "int" else DEC
            if a.kind == b.kind == "pct":
                return PCT
        elif op == "*":
            if a.kind == "money" and b.kind in scalar:
                return a
            if b.kind == "money" and a.kind in scalar:
                return b
            if a.kind in ("int", "dec") and b.kind in ("int", "dec"):
                return INT if a.kind == b.kind == "int" else DEC
            if a.kind == "pct" and b.kind in scalar or b.kind == "pct" and a.kind in scalar:
                return PCT if (a.kind == "pct") != (b.kind == "pct") else DEC
        elif op == "/":
            if a.kind == "money" and b.kind in scalar:
                return a
            if a.kind in scalar and b.kind in ("int", "dec"):
                return PCT if a.kind == "pct" else DEC
        self.error("RL203", f"'{op}' kan niet met {a.describe()} en {b.describe()}", span)
        return ANY

    def _comparable(self, a: Type, b: Type, span: Span, ordered: bool):
        if a.kind == "money" and b.kind == "money":
            if not unify_period(a.period, b.period)[0]:
                self.error("RL204", f"u vergelijkt een bedrag {_per(a)} met een bedrag {_per(b)}", span,
                           help="reken eerst om met jaarbedrag(…) of maandbedrag(…)")
            return
        nums = ("int", "dec", "pct")
        if a.kind in nums and b.kind in nums:
            return
        if a == b and (not ordered or a.kind in ("date", "dur")):
            return
        if a == b and a.kind in ("bool", "enum", "text"):
            self.error("RL203", f"{a.describe()} heeft geen volgorde; gebruik = of ≠", span)
            return
        self.error("RL203", f"kan {a.describe()} niet vergelijken met {b.describe()}", span)

    def _e_Between(self, e: A.Between, env, lang):
        v, lo, hi = (self.expr(x, env, lang) for x in (e.value, e.low, e.high))
        self._comparable(v.type, lo.type, e.span, True) if "any" not in (v.type.kind, lo.type.kind) else None
        self._comparable(v.type, hi.type, e.span, True) if "any" not in (v.type.kind, hi.type.kind) else None
        return ir.Between(v, lo, hi, BOOL, e.span)

    def _e_IfExpr(self, e: A.IfExpr, env, lang):
        c = self.expr(e.cond, env, lang)
        self._expect_bool(c, e.cond.span, "de voorwaarde achter 'als'")
        a = self.expr(e.then, env, lang)
        b = self.expr(e.otherwise, env, lang)
        return ir.If(c, a, b, self._join(a.type, b.type, e.span, "'dan' en 'anders'"), e.span)

    def _join(self, a: Type, b: Type, span: Span, what: str) -> Type:
        if a.kind == "any":
            return b
        if b.kind == "any":
            return a
        if a.kind == "money" and b.kind == "money":
            ok, per = unify_period(a.period, b.period)
            if not ok:
                self.error("RL204", f"{what} geven een bedrag {_per(a)} en een bedrag {_per(b)}", span)
                return ANY
            return money(per)
        if {a.kind, b.kind} <= {"int", "dec"}:
            return INT if a.kind == b.kind == "int" else DEC
        if a == b:
            return a
        self.error("RL203", f"{what} hebben verschillende typen: {a.describe()} en {b.describe()}", span)
        return ANY

    def _e_Call(self, e: A.Call, env, lang):
        name = canonical(e.func, lang)
        args = [self.expr(a, env, lang) for a in e.args]
        if name is None:
            # a built-in written in the other language: suggest its name in this one
            hint = (ENGLISH if lang == "en" else DUTCH).get(e.func) or suggest(e.func, names_for(lang))
            self.error("RL214", f"onbekende functie '{e.func}'", e.span,
                       help=f"bedoelde u '{hint}'?" if hint else None)
            return ir.Builtin("?", args, ANY, e.span)
        if name in ("minimum", "maximum"):
            if len(args) < 2:
                self.error("RL214", f"{e.func} heeft minstens twee waarden nodig", e.span)
                return ir.Builtin(name, args, ANY, e.span)
            t = args[0].type
            for a in args[1:]:
                t = self._join(t, a.type, e.span, f"de waarden in {e.func}(…)")
            if t.kind not in ("int", "dec", "money", "pct", "date", "any"):
                self.error("RL203", f"{e.func} werkt op getallen, bedragen, percentages en datums, "
                           f"niet op {t.describe()}", e.span)
            return ir.Builtin(name, args, t, e.span)
        if name == "absoluut":
            if len(args) != 1:
                self.error("RL214", f"{e.func} heeft één waarde nodig", e.span)
                return ir.Builtin(name, args, ANY, e.span)
            return ir.Builtin(name, args, args[0].type, e.span)
        if name in ("jaarbedrag", "maandbedrag"):
            want_from, to = ("maand", "jaar") if name == "jaarbedrag" else ("jaar", "maand")
            if len(args) != 1:
                self.error("RL214", f"{e.func} heeft één bedrag nodig", e.span)
                return ir.Builtin(name, args, ANY, e.span)
            t = args[0].type
            if t.kind == "money" and t.period in (want_from, None):
                return ir.Builtin(name, args, money(to), e.span)
            if t.kind != "any":
                self.error("RL204", f"{e.func} zet een bedrag per {want_from} om, maar kreeg {t.describe()}",
                           e.args[0].span)
            return ir.Builtin(name, args, ANY, e.span)
        kinds, result = FIXED[name]
        if len(args) != len(kinds):
            self.error("RL214", f"{e.func} heeft {len(kinds)} {'waarde' if len(kinds) == 1 else 'waarden'} "
                       f"nodig, maar kreeg er {len(args)}", e.span)
            return ir.Builtin(name, args, result, e.span)
        for a, k, src in zip(args, kinds, e.args):
            if a.type.kind not in (k, "any"):
                self.error("RL203", f"{e.func} verwacht {Type(k).describe()}, maar kreeg {a.type.describe()}",
                           src.span)
        return ir.Builtin(name, args, result, e.span)

    def _e_PerPeriod(self, e: A.PerPeriod, env, lang):
        x = self.expr(e.expr, env, lang)
        if x.type.kind == "any":
            return x
        if x.type.kind != "money":
            self.error("RL203", f"alleen een bedrag kan 'per {e.period}' zijn, niet {x.type.describe()}", e.span)
            x.type = ANY  # reported once: the enclosing expression does not report it again
            return x
        if x.type.period not in (None, e.period):
            self.error("RL204", f"dit bedrag is al {_per(x.type)}; 'per {e.period}' rekent niet om", e.span,
                       help="reken om met jaarbedrag(…) of maandbedrag(…)")
            x.type = ANY
            return x
        x.type = money(e.period)
        return x

    def _e_Round(self, e: A.Round, env, lang):
        x = self.expr(e.expr, env, lang)
        if x.type.kind not in ("money", "any"):
            self.error("RL217", f"afronden kan alleen op een bedrag, niet op {x.type.describe()}", e.span)
        quantum = {"cent": Decimal("0.01"), "euro": Decimal("1")}.get(e.unit, e.unit)
        if not isinstance(quantum, Decimal) or quantum <= 0:
            self.error("RL217", "afronden op een veelvoud van een positief bedrag", e.span)
            quantum = Decimal("0.01")
        site = ir.RoundingSite(len(self.roundings), e.mode, quantum, e.span)
        self.roundings.append(site)
        return ir.Round(x, e.mode, quantum, x.type, e.span, site.index)

    def _e_Aggregate(self, e: A.Aggregate, env, lang):
        coll = self.expr(e.collection, env, lang)
        elem = ANY
        if coll.type.kind == "list":
            elem = coll.type.elem
        elif coll.type.kind != "any":
            self.error("RL203", f"'{e.var}' moet door een lijst lopen, maar kreeg {coll.type.describe()}",
                       e.collection.span)
        self._slots += 1
        slot = self._slots
        inner = dict(env)
        inner[e.var] = (slot, elem)
        flt = None
        if e.filter is not None:
            flt = self.expr(e.filter, inner, lang)
            self._expect_bool(flt, e.filter.span, "de voorwaarde achter 'waarvoor'")
        body = None
        if e.kind == "sum":
            body = self.expr(e.body, inner, lang)
            if body.type.kind not in ("int", "dec", "money", "pct", "any"):
                self.error("RL203", f"kan geen som maken van {body.type.describe()}", e.body.span)
            t = body.type
        elif e.kind == "count":
            t = INT
        else:
            if e.kind == "all":
                body = self.expr(e.body, inner, lang)
                self._expect_bool(body, e.body.span, "de voorwaarde achter 'geldt'")
            t = BOOL
        return ir.Aggregate(e.kind, slot, e.var, coll, body, flt, t, e.span)


def _per(t: Type) -> str:
    return f"per {t.period}" if t.period else "zonder periode"


def check(modules: list[A.Module], root: str) -> tuple[ir.Program, list[Diagnostic]]:
    checker = Checker(modules, root)
    program = checker.run()
    return program, checker.diags
