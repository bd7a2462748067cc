"""Parse tree -> AST. Literals are decoded here (Dutch or English number notation, dates)."""
from __future__ import annotations

import datetime as _dt
import decimal
from decimal import Decimal, InvalidOperation

from lark import Token, Transformer, Tree, v_args
from lark.exceptions import VisitError

from . import ast as A
from .diagnostics import Diagnostic
from .source import Span

MONTHS = {name: i for i, name in enumerate(
    ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
     "oktober", "november", "december"], start=1)}
MONTHS.update({name: i for i, name in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)})

DURATION_UNITS = {
    "dag": "dagen", "dagen": "dagen", "week": "weken", "weken": "weken", "maand": "maanden",
    "maanden": "maanden", "jaar": "jaren", "jaren": "jaren",
    "day": "dagen", "days": "dagen", "weeks": "weken", "month": "maanden", "months": "maanden",
    "year": "jaren", "years": "jaren",
}
PERIODS = {"maand": "maand", "jaar": "jaar", "month": "maand", "year": "jaar"}
_VALUE_TOKENS = {"NAME", "STRING", "NUMBER", "DATE", "CMP_OP", "PLUS", "MINUS", "STAR", "SLASH", "MAAND", "JAAR",
                 "DEFINITIE", "UITKOMST", "JA", "NEE", "CENTEN", "DAG", "DAGEN", "WEEK", "WEKEN", "MAANDEN", "JAREN"}
_MONTH_TOKENS = {f"M{i}": i for i in range(1, 13)}


def parse_number(text: str, lang: str) -> Decimal:
    """'1.200,50' (nl) or '1,200.50' (en) -> Decimal('1200.50'), exactly."""
    if lang == "nl":
        text = text.replace(".", "").replace(",", ".")
    else:
        text = text.replace(",", "")
    return Decimal(text)


def unquote(s: str) -> str:
    body = s[1:-1]
    out, i = [], 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            out.append({"n": "\n", "t": "\t"}.get(nxt, nxt))
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


# Limits that keep every later stage (checker, code generator, Python's own compiler) far from its
# recursion and nesting limits. Documented in docs/betrouwbaarheid.md.
MAX_DEPTH = 64  # nesting levels of one declaration (an `en`/`of` chain of n terms counts as n - 1)
MAX_DIGITS = 34  # digits in one number: the precision money is computed with


def nesting_too_deep(tree: Tree) -> Tree | None:
    """The first node of a parse tree nested deeper than MAX_DEPTH, or None. Iterative, so a
    10.000-level tree is measured without recursion."""
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            return node
        subtrees = [c for c in node.children if isinstance(c, Tree)]
        # `a en b en c` is one flat parse node but becomes a left-nested chain in the AST
        extra = max(0, len(subtrees) - 2) if node.data in ("or_expr", "and_expr") else 0
        stack.extend((c, depth + 1 + extra) for c in subtrees)
    return None


def _first_line(tree: Tree) -> tuple[int, int] | None:
    """(line, column) of a parse tree node: its own position, or that of its first token."""
    meta = tree.meta
    if not getattr(meta, "empty", True):
        return meta.line, meta.column
    stack = [tree]
    while stack:
        node = stack.pop()
        for c in node.children:
            if isinstance(c, Token) and c.line is not None:
                return c.line, c.column
        stack.extend(reversed([c for c in node.children if isinstance(c, Tree)]))
    return None


class _Clauses(list):
    """Marker for a list of already-built clause objects."""


class AstBuilder(Transformer):
    def __init__(self, path: str, lang: str, line_offset: int):
        super().__init__()
        self.path, self.lang, self.offset = path, lang, line_offset
        self.diagnostics: list[Diagnostic] = []

    # -- helpers
    def _span(self, meta) -> Span:
        if getattr(meta, "empty", True) and not hasattr(meta, "line"):
            return Span(self.path, self.offset + 1, 1)
        return Span(self.path, meta.line + self.offset, meta.column,
                    meta.end_line + self.offset, meta.end_column)

    def _tok_span(self, tok: Token) -> Span:
        return Span(self.path, tok.line + self.offset, tok.column,
                    (tok.end_line or tok.line) + self.offset, tok.end_column or tok.column + len(tok))

    @staticmethod
    def _vals(children):
        return [c for c in children if not (isinstance(c, Token) and c.type not in _VALUE_TOKENS)]

    def _error(self, span: Span, msg: str, code: str = "RL105"):
        self.diagnostics.append(Diagnostic(code, msg, span))

    # -- top level
    @v_args(meta=True)
    def start(self, meta, children):
        return children[0] if children else None

    @v_args(meta=True)
    def header(self, meta, c):
        return A.Header(str(self._vals(c)[0]), self._span(meta))

    @v_args(meta=True)
    def import_decl(self, meta, c):
        v = [x for x in self._vals(c) if x is not None]
        return A.Import(unquote(v[0]), tuple(v[1:]), self._span(meta))

    @v_args(meta=True)
    def import_binding(self, meta, c):
        name, op, value = self._vals(c)
        if str(op) != "=":
            self._error(self._span(meta), f"koppel een invoer met '=', niet met '{op}'", "RL101")
        return A.ImportBinding(str(name), value, self._span(meta))

    @v_args(meta=True)
    def enum_decl(self, meta, c):
        v = self._vals(c)
        return A.EnumDecl(str(v[0]), tuple(v[1:]), self._span(meta))

    @v_args(meta=True)
    def enum_inline(self, meta, c):
        v = [t for t in c if isinstance(t, Token) and t.type == "NAME"]
        return A.EnumDecl(str(v[0]), tuple((str(t), self._tok_span(t)) for t in v[1:]), self._span(meta))

    def enum_member(self, c):
        tok = self._vals(c)[0]
        return (str(tok), self._tok_span(tok))

    @v_args(meta=True)
    def record_decl(self, meta, c):
        v = self._vals(c)
        return A.RecordDecl(str(v[0]), tuple(v[1:]), self._span(meta))

    @v_args(meta=True)
    def record_field(self, meta, c):
        v = self._vals(c)
        return A.RecordField(str(v[0]), v[1], self._span(meta))

    def _input(self, meta, c, discretionary: bool):
        v = self._vals(c)
        name, typ = str(v[0]), v[1]
        clauses = {k: None for k in ("question", "source", "explanation", "default", "by")}
        for item in v[2:]:
            if item is None:
                continue
            kind, value = item
            clauses[kind] = value
        return A.InputDecl(name, typ, discretionary, clauses["question"], clauses["source"],
                           clauses["explanation"], clauses["default"], clauses["by"], self._span(meta))

    @v_args(meta=True)
    def input_decl(self, meta, c):
        return self._input(meta, c, False)

    @v_args(meta=True)
    def decision_decl(self, meta, c):
        return self._input(meta, c, True)

    @v_args(meta=True)
    def param_decl(self, meta, c):
        v = self._vals(c)
        name, typ = str(v[0]), v[1]
        source = explanation = None
        values = []
        for item in v[2:]:
            if isinstance(item, A.ParamValue):
                values.append(item)
            elif item[0] == "source":
                source = item[1]
            elif item[0] == "explanation":
                explanation = item[1]
        return A.ParamDecl(name, typ, source, explanation, tuple(values), self._span(meta))

    @v_args(meta=True)
    def param_value(self, meta, c):
        v = self._vals(c)
        expr, validity, src = v[0], v[1], v[2] if len(v) > 2 else None
        text = A.Text(unquote(src), self._tok_span(src)) if src is not None else None
        return A.ParamValue(expr, validity, text, self._span(meta))

    def def_kind(self, c):
        return c[0].type == "UITKOMST"

    @v_args(meta=True)
    def def_decl(self, meta, c):
        v = self._vals(c)
        is_outcome, name, typ = v[0], str(v[1]), v[2]
        source = explanation = validity = default = None
        pres, rules = [], []
        last_target: A.Rule | None = None
        auto = 0
        for item in v[3:]:
            if isinstance(item, A.Precondition):
                pres.append(item)
            elif isinstance(item, tuple) and item[0] == "rule":
                _, rule, is_unless = item
                if is_unless:
                    if last_target is None:
                        self._error(rule.span, "'tenzij' staat niet na een regel waarop het een uitzondering is",
                                    "RL207")
                        continue
                    if last_target.label is None:  # give the target an internal label so it can be referred to
                        auto += 1
                        idx = rules.index(last_target)
                        last_target = rules[idx] = _relabel(last_target, f"regel {idx + 1}")
                    rule = _retarget(rule, last_target.label)
                else:
                    last_target = rule
                rules.append(rule)
            elif isinstance(item, A.Validity):
                validity = item
            elif isinstance(item, tuple):
                kind, value = item
                if kind == "source":
                    source = value
                elif kind == "explanation":
                    explanation = value
                elif kind == "default":
                    default = value
        return A.DefDecl(name, typ, is_outcome, source, explanation, validity, default, tuple(pres),
                         tuple(rules), self._span(meta))

    @v_args(meta=True)
    def value_clause(self, meta, c):
        v = self._vals(c)
        return ("rule", A.Rule(None, None, None, v[0], None, None, None, self._span(meta)), False)

    @v_args(meta=True)
    def cond_value_clause(self, meta, c):
        v = self._vals(c)
        return ("rule", A.Rule(None, None, v[0], v[1], None, None, None, self._span(meta)), False)

    def _rule(self, meta, c, is_unless):
        v = self._vals(c)
        label = exc = None
        rest = []
        for item in v:
            if isinstance(item, Token) and item.type == "NAME":
                label = str(item)
            elif isinstance(item, tuple) and item and item[0] == "exception_to":
                exc = item[1]
            elif item is None:
                continue
            else:
                rest.append(item)
        cond = value = source = explanation = validity = None
        span = self._span(meta)
        for item in rest:
            if isinstance(item, A.Validity):
                validity = item
                continue
            kind, val = item
            if kind == "if":
                if cond is not None:
                    self._error(span, "een regel heeft maar één 'als'; combineer voorwaarden met 'en'", "RL101")
                cond = val
            elif kind == "then":
                if value is not None:
                    self._error(span, "een regel heeft maar één 'dan'", "RL101")
                value = val
            elif kind == "source":
                source = val
            elif kind == "explanation":
                explanation = val
            elif kind == "validity":
                validity = val
        return ("rule", A.Rule(label, exc, cond, value, source, explanation, validity, span), is_unless)

    @v_args(meta=True)
    def rule_block(self, meta, c):
        return self._rule(meta, c, False)

    @v_args(meta=True)
    def unless_block(self, meta, c):
        return self._rule(meta, c, True)

    def exception_to(self, c):
        return ("exception_to", str(self._vals(c)[0]))

    def if_clause(self, c):
        return ("if", self._vals(c)[0])

    def then_clause(self, c):
        return ("then", self._vals(c)[0])

    def validity_clause(self, c):
        return c[0]

    @v_args(meta=True)
    def precondition(self, meta, c):
        v = [x for x in self._vals(c) if x is not None]
        label = None
        if isinstance(v[0], Token) and v[0].type == "NAME":
            label = str(v[0])
            v = v[1:]
        cond = v[0]
        source = reason = None
        for kind, val in v[1:]:
            if kind == "source":
                source = val
            elif kind == "reason":
                reason = val
        return A.Precondition(label, cond, source, reason, self._span(meta))

    def question(self, c):
        tok = self._vals(c)[0]
        return ("question", A.Text(unquote(tok), self._tok_span(tok)))

    def by(self, c):
        tok = self._vals(c)[0]
        return ("by", A.Text(unquote(tok), self._tok_span(tok)))

    def source(self, c):
        return ("source", self._vals(c)[0])

    def explanation(self, c):
        return ("explanation", self._vals(c)[0])

    def reason(self, c):
        return ("reason", self._vals(c)[0])

    def default(self, c):
        return ("default", self._vals(c)[0])

    @v_args(meta=True)
    def text(self, meta, c):
        parts = [unquote(t) for t in self._vals(c)]
        return A.Text(" ".join(p.strip() for p in parts), self._span(meta))

    # -- validity
    @v_args(meta=True)
    def validity(self, meta, c):
        v = self._vals(c)
        start, end = v[0], (v[1] if len(v) > 1 else None)
        return A.Validity(_date(start), _date(end), self._span(meta))

    @v_args(meta=True)
    def validity_until(self, meta, c):
        return A.Validity(None, _date(self._vals(c)[0]), self._span(meta))

    @v_args(meta=True)
    def validity_until_incl(self, meta, c):
        d = _date(self._vals(c)[0])
        return A.Validity(None, d + _dt.timedelta(days=1) if d else None, self._span(meta))

    def until(self, c):
        return self._vals(c)[0]

    def until_incl(self, c):
        d = self._vals(c)[0]
        if isinstance(d, A.Lit) and isinstance(d.value, _dt.date):
            return A.Lit("date", d.value + _dt.timedelta(days=1), d.span)
        return d

    # -- types
    @v_args(meta=True)
    def list_type(self, meta, c):
        return A.ListType(self._vals(c)[0], self._span(meta))

    @v_args(meta=True)
    def named_type(self, meta, c):
        v = [x for x in self._vals(c) if x is not None]
        words = tuple(str(t) for t in v if isinstance(t, Token) and t.type == "NAME")
        period = next((x for x in v if isinstance(x, str) and not isinstance(x, Token)), None)
        return A.TypeRef(words, period, self._span(meta))

    @v_args(meta=True)
    def bool_type(self, meta, c):
        return A.BoolType(self._span(meta))

    def period(self, c):
        return PERIODS[str(c[0])]

    # -- expressions
    @v_args(meta=True)
    def if_expr(self, meta, c):
        v = self._vals(c)
        return A.IfExpr(v[0], v[1], v[2], self._span(meta))

    def _chain(self, meta, c, op):
        v = self._vals(c)
        out = v[0]
        for nxt in v[1:]:
            out = A.Binary(op, out, nxt, self._span(meta))
        return out

    @v_args(meta=True)
    def or_expr(self, meta, c):
        return self._chain(meta, c, "of")

    @v_args(meta=True)
    def and_expr(self, meta, c):
        return self._chain(meta, c, "en")

    @v_args(meta=True)
    def not_expr(self, meta, c):
        return A.Unary("niet", self._vals(c)[0], self._span(meta))

    @v_args(meta=True)
    def compare(self, meta, c):
        left, op, right = self._vals(c)
        op = {"!=": "≠", "<>": "≠", "≤": "<=", "≥": ">="}.get(str(op), str(op))
        return A.Binary(op, left, right, self._span(meta))

    @v_args(meta=True)
    def between(self, meta, c):
        v = self._vals(c)
        return A.Between(v[0], v[1], v[2], self._span(meta))

    @v_args(meta=True)
    def binop(self, meta, c):
        left, op, right = self._vals(c)
        return A.Binary({"×": "*"}.get(str(op), str(op)), left, right, self._span(meta))

    @v_args(meta=True)
    def neg(self, meta, c):
        return A.Unary("neg", self._vals(c)[-1], self._span(meta))

    @v_args(meta=True)
    def field(self, meta, c):
        v = self._vals(c)
        return A.Field(v[0], str(v[1]), self._span(meta))

    @v_args(meta=True)
    def per_period(self, meta, c):
        v = self._vals(c)
        return A.PerPeriod(v[0], v[-1], self._span(meta))

    @v_args(meta=True)
    def round(self, meta, c):
        v = self._vals(c)
        mode, unit = v[1]
        return A.Round(v[0], mode, unit, self._span(meta))

    def round_half_up(self, c):
        return ("half_up", self._vals(c)[0])

    def round_down(self, c):
        return ("down", self._vals(c)[0])

    def round_up(self, c):
        return ("up", self._vals(c)[0])

    def unit_cents(self, c):
        return "cent"

    def unit_euros(self, c):
        return "euro"

    def unit_multiple(self, c):
        lit = self._vals(c)[0]
        return lit.value

    @v_args(meta=True)
    def ref(self, meta, c):
        return A.Name(str(c[0]), self._span(meta))

    @v_args(meta=True)
    def call(self, meta, c):
        v = [x for x in self._vals(c) if x is not None]
        return A.Call(str(v[0]), tuple(v[1:]), self._span(meta))

    def _agg(self, meta, kind, c):
        v = self._vals(c)
        if kind == "sum":
            body, var, coll, flt = v[0], str(v[1]), v[2], v[3] if len(v) > 3 else None
        elif kind == "all":
            var, coll, body, flt = str(v[0]), v[1], v[2], None
        else:
            var, coll, flt, body = str(v[0]), v[1], v[2] if len(v) > 2 else None, None
        return A.Aggregate(kind, var, coll, body, flt, self._span(meta))

    @v_args(meta=True)
    def agg_sum(self, meta, c):
        return self._agg(meta, "sum", c)

    @v_args(meta=True)
    def agg_count(self, meta, c):
        return self._agg(meta, "count", c)

    @v_args(meta=True)
    def agg_exists(self, meta, c):
        return self._agg(meta, "exists", c)

    @v_args(meta=True)
    def agg_all(self, meta, c):
        return self._agg(meta, "all", c)

    # -- literals
    def _digits_ok(self, text: str, meta) -> bool:
        odd = next((ch for ch in text if ch.isdigit() and not "0" <= ch <= "9"), None)
        if odd is not None:  # '৪' (Bengali four) looks like 8 but Python reads it as 4
            self._error(self._span(meta), f"'{odd}' (U+{ord(odd):04X}) is geen cijfer 0-9; schrijf getallen met "
                        "de cijfers 0 tot en met 9")
            return False
        if sum(ch.isdigit() for ch in text) <= MAX_DIGITS:
            return True
        self._error(self._span(meta), f"een getal heeft ten hoogste {MAX_DIGITS} cijfers; dit getal heeft er "
                    f"{sum(ch.isdigit() for ch in text)}")
        return False

    @v_args(meta=True)
    def number(self, meta, c):
        text = str(c[0])
        if not self._digits_ok(text, meta):
            return A.Lit("number", 0, self._span(meta))
        value = parse_number(text, self.lang)
        decimal_mark = "," if self.lang == "nl" else "."
        if decimal_mark not in text:  # written without decimals: a whole number
            return A.Lit("number", int(value), self._span(meta))
        return A.Lit("number", value, self._span(meta))

    @v_args(meta=True)
    def string(self, meta, c):
        return A.Lit("string", unquote(str(c[0])), self._span(meta))

    @v_args(meta=True)
    def money(self, meta, c):
        num = next(t for t in c if isinstance(t, Token) and t.type == "NUMBER")
        if not self._digits_ok(str(num), meta):
            return A.Lit("money", Decimal(0), self._span(meta))
        return A.Lit("money", parse_number(str(num), self.lang), self._span(meta))

    @v_args(meta=True)
    def percent(self, meta, c):
        num = next(t for t in c if isinstance(t, Token) and t.type == "NUMBER")
        if not self._digits_ok(str(num), meta):
            return A.Lit("percent", Decimal(0), self._span(meta))
        value = parse_number(str(num), self.lang)
        # divide with enough precision to be exact (the default context would round beyond 28 digits)
        return A.Lit("percent", decimal.Context(prec=MAX_DIGITS + 3).divide(value, 100), self._span(meta))

    @v_args(meta=True)
    def iso_date(self, meta, c):
        text = str(c[0])
        try:
            d = _dt.date.fromisoformat(text)
        except ValueError:
            self._error(self._span(meta), f"'{text}' is geen bestaande datum")
            d = _dt.date(1, 1, 1)
        return A.Lit("date", d, self._span(meta))

    def monthname(self, c):
        return _MONTH_TOKENS[c[0].type]

    @v_args(meta=True)
    def long_date(self, meta, c):
        day, month, year = c
        if not (self._digits_ok(str(day), meta) and self._digits_ok(str(year), meta)):
            return A.Lit("date", _dt.date(1, 1, 1), self._span(meta))
        try:
            d = _dt.date(int(str(year).replace(".", "").replace(",", "")), month, int(str(day)))
        except (ValueError, OverflowError):
            self._error(self._span(meta), f"'{day} {month} {year}' is geen bestaande datum")
            d = _dt.date(1, 1, 1)
        return A.Lit("date", d, self._span(meta))

    @v_args(meta=True)
    def duration(self, meta, c):
        num, unit = c
        if not self._digits_ok(str(num), meta):
            return A.Lit("duration", (0, DURATION_UNITS[str(unit)]), self._span(meta))
        amount = parse_number(str(num), self.lang)
        if amount != amount.to_integral_value():
            self._error(self._span(meta), f"een duur is een heel aantal {DURATION_UNITS[str(unit)]}, niet {num}")
        return A.Lit("duration", (int(amount), DURATION_UNITS[str(unit)]), self._span(meta))

    @v_args(meta=True)
    def bool(self, meta, c):
        return A.Lit("bool", c[0].type in ("JA", "JA_ALT"), self._span(meta))


def _date(lit) -> _dt.date | None:
    if lit is None:
        return None
    return lit.value if isinstance(lit, A.Lit) else lit


def _relabel(rule: A.Rule, label: str) -> A.Rule:
    import attrs

    return attrs.evolve(rule, label=label)


def _retarget(rule: A.Rule, target: str) -> A.Rule:
    import attrs

    return attrs.evolve(rule, exception_to=target)


def build_module(path: str, lang: str, trees, diagnostics: list[Diagnostic]) -> A.Module:
    decls = []
    for offset, tree in trees:
        builder = AstBuilder(path, lang, offset)
        deep = nesting_too_deep(tree)
        if deep is not None:
            line, col = _first_line(deep) or (1, 1)
            diagnostics.append(Diagnostic("RL101", f"de declaratie is te diep genest (meer dan {MAX_DEPTH} niveaus "
                                          "haakjes, bewerkingen of 'en'/'of'); splits haar op in definities",
                                          Span(path, line + offset, col)))
            continue
        try:
            decl = builder.transform(tree)
        except (RecursionError, VisitError) as e:
            if isinstance(e, VisitError) and not isinstance(e.orig_exc, RecursionError):
                raise e.orig_exc from None
            diagnostics.append(Diagnostic("RL101", "de declaratie is te diep genest om te lezen",
                                          Span(path, offset + 1, 1)))
            continue
        diagnostics.extend(builder.diagnostics)
        if decl is not None:
            decls.append(decl)
    return A.Module(path, lang, tuple(decls))
