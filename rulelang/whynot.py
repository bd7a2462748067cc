"""Questions a consultant asks after an outcome: what is still needed, why not the other outcome, and
at what value of an input the outcome would flip.

Everything here reads the IR (conditions as written, with their spans) and evaluates it against a
finished evaluation, so the answers use the same values the decision used.
"""
from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path

import attrs

from . import ir
from .check import PEILDATUM
from .runtime import evaluate, signals
from .runtime.values import CONTEXT, add_duration, calendar_months_between, days_between, first_day_of_month, \
    format_value, last_day_of_month, make_date, months_between, round_money, years_between


class _Unknown(Exception):
    """A value needed for the answer could not be computed (missing input, blocked, error)."""


# ------------------------------------------------------------------ evaluating IR against an evaluation
def _builtin(name: str, a: list):
    table = {
        "kalenderjaar": lambda: a[0].year, "kalendermaand": lambda: a[0].month,
        "maanden_tussen": lambda: months_between(a[0], a[1]),
        "kalendermaanden_tussen": lambda: calendar_months_between(a[0], a[1]),
        "dagen_tussen": lambda: days_between(a[0], a[1]), "jaren_tussen": lambda: years_between(a[0], a[1]),
        "leeftijd": lambda: years_between(a[0], a[1]),
        "eerste_dag_van_maand": lambda: first_day_of_month(a[0]), "laatste_dag_van_maand": lambda: last_day_of_month(a[0]),
        "begin_kalenderjaar": lambda: a[0].replace(month=1, day=1), "datum": lambda: make_date(*a),
        "jaarbedrag": lambda: a[0] * 12, "maandbedrag": lambda: a[0] / 12, "absoluut": lambda: abs(a[0]),
        "minimum": lambda: min(a), "maximum": lambda: max(a),
    }
    return table[name]()


def value_of(e, ev, env: dict | None = None):
    """Evaluate an IR expression; names are read from the (memoised) evaluation `ev`."""
    env = env or {}
    try:
        return _eval(e, ev, env)
    except (signals.Signal, ArithmeticError, KeyError, TypeError) as exc:
        raise _Unknown() from exc


def _eval(e, ev, env):
    if isinstance(e, ir.Const):
        v = e.value
        if isinstance(v, tuple):
            from .runtime.values import Duur

            return Duur(*v)
        return Decimal(v) if e.type.kind in ("money", "dec", "pct") and isinstance(v, int) else v
    if isinstance(e, ir.Ref):
        return ev._p if e.symbol == PEILDATUM else ev.GETTERS[e.symbol](ev)
    if isinstance(e, ir.Var):
        return env[e.slot]
    if isinstance(e, ir.GetField):
        return _eval(e.obj, ev, env)[e.name]
    if isinstance(e, ir.Unary):
        x = _eval(e.operand, ev, env)
        return (not x) if e.op == "niet" else -x
    if isinstance(e, ir.Binary):
        if e.op == "en":
            return _eval(e.left, ev, env) and _eval(e.right, ev, env)
        if e.op == "of":
            return _eval(e.left, ev, env) or _eval(e.right, ev, env)
        l, r = _eval(e.left, ev, env), _eval(e.right, ev, env)
        if e.left.type.kind == "date" and e.op in ("+", "-"):
            return add_duration(l, r, -1 if e.op == "-" else 1)
        return {"+": lambda: l + r, "-": lambda: l - r, "*": lambda: l * r,
                "/": lambda: Decimal(l) / r, "=": lambda: l == r, "≠": lambda: l != r, "<": lambda: l < r,
                "<=": lambda: l <= r, ">": lambda: l > r, ">=": lambda: l >= r}[e.op]()
    if isinstance(e, ir.Between):
        v = _eval(e.value, ev, env)
        return _eval(e.low, ev, env) <= v <= _eval(e.high, ev, env)
    if isinstance(e, ir.If):
        return _eval(e.then, ev, env) if _eval(e.cond, ev, env) else _eval(e.otherwise, ev, env)
    if isinstance(e, ir.Builtin):
        return _builtin(e.name, [_eval(a, ev, env) for a in e.args])
    if isinstance(e, ir.Round):
        return round_money(_eval(e.expr, ev, env), e.quantum, e.mode)
    if isinstance(e, ir.Aggregate):
        items = _eval(e.collection, ev, env)
        out = []
        for item in items:
            inner = dict(env)
            inner[e.slot] = item
            if e.filter is None or _eval(e.filter, ev, inner):
                out.append(inner)
        if e.kind == "sum":
            return sum((_eval(e.body, ev, i) for i in out), 0 if e.type.kind == "int" else Decimal(0))
        if e.kind == "count":
            return len(out)
        if e.kind == "exists":
            return bool(out)
        return all(_eval(e.body, ev, i) for i in out)
    raise TypeError(type(e).__name__)


# ------------------------------------------------------------------ naming parts of conditions
class Source:
    def __init__(self, texts: dict[str, str]):
        self.lines = {path: text.splitlines() for path, text in texts.items()}

    def text(self, e) -> str:
        s = e.span
        lines = self.lines.get(s.file)
        if lines and s.line == s.end_line and 0 < s.line <= len(lines):
            return lines[s.line - 1][s.col - 1: s.end_col - 1].strip()
        return "?"


def _fmt(v, t) -> str:
    if t is None:
        return str(v)
    return format_value(v, t.kind, t.period)


@attrs.define
class Obstacle:
    text: str  # a Dutch sentence
    location: str


@attrs.define
class RuleAnswer:
    rule: str
    location: str
    source: str | None
    would_give: str
    obstacles: list[Obstacle]


@attrs.define
class WhyNot:
    outcome: str
    current: str
    wanted: str
    answers: list[RuleAnswer]
    counterfactuals: list[str]
    note: str | None = None

    def to_text(self) -> str:
        out = [f"Waarom is {self.outcome} niet {self.wanted}? De uitkomst is {self.current}."]
        if self.note:
            out.append(self.note)
        for a in self.answers:
            src = f" ({a.source})" if a.source else ""
            out.append("")
            out.append(f"{a.rule} zou {a.would_give} geven{src} — {a.location}")
            if not a.obstacles:
                out.append("  - (geen belemmering gevonden)")
            for o in a.obstacles:
                out.append(f"  - {o.text}")
        if self.counterfactuals:
            out.append("")
            out.append("Wat zou de uitkomst veranderen:")
            out.extend(f"  - {c}" for c in self.counterfactuals)
        return "\n".join(out) + "\n"

    def to_json(self) -> dict:
        return attrs.asdict(self)


def _atoms(cond) -> tuple[str, list]:
    """Split an `en` chain into its parts (or an `of` chain: any part would do)."""
    if isinstance(cond, ir.Binary) and cond.op in ("en", "of"):
        op = cond.op
        parts = []
        stack = [cond]
        while stack:
            c = stack.pop()
            if isinstance(c, ir.Binary) and c.op == op:
                stack.extend([c.right, c.left])
            else:
                parts.append(c)
        return op, parts
    return "en", [cond]


def _describe_false(atom, ev, src: Source, program: ir.Program | None = None, depth: int = 0) -> str:
    """A Dutch sentence saying why a condition part is not met, with the numbers where it compares.

    A yes/no definition computed by one plain rule is opened up (once), so "binnen_eerste_periode is nee"
    also says which comparison made it so."""
    if isinstance(atom, ir.Binary) and atom.op in ("<", "<=", ">", ">=", "=", "≠"):
        l, r = value_of(atom.left, ev), value_of(atom.right, ev)
        ln, rn = src.text(atom.left), src.text(atom.right)
        lt, rt = _fmt(l, atom.left.type), _fmt(r, atom.right.type)
        numeric = isinstance(l, (int, Decimal)) and isinstance(r, (int, Decimal)) and not isinstance(l, bool)
        diff = _fmt(abs(l - r), atom.left.type if atom.left.type.kind != "int" else atom.right.type) if numeric else None
        if atom.op in ("<=", "<"):
            return f"{ln} ({lt}) is {'hoger dan' if l > r else 'gelijk aan'} {rn} ({rt})" + (
                f": {diff} te veel" if numeric and l > r else "")
        if atom.op in (">=", ">"):
            return f"{ln} ({lt}) is {'lager dan' if l < r else 'gelijk aan'} {rn} ({rt})" + (
                f": {diff} te weinig" if numeric and l < r else "")
        if atom.op == "=":
            return f"{ln} is {lt}, niet {rt}"
        return f"{ln} is gelijk aan {rt}"
    if isinstance(atom, ir.Between):
        v = value_of(atom.value, ev)
        return (f"{src.text(atom.value)} ({_fmt(v, atom.value.type)}) ligt niet tussen "
                f"{_fmt(value_of(atom.low, ev), atom.low.type)} en {_fmt(value_of(atom.high, ev), atom.high.type)}")
    if isinstance(atom, ir.Unary) and atom.op == "niet":
        return f"{src.text(atom.operand)} is ja (de regel vraagt: niet {src.text(atom.operand)})"
    if (isinstance(atom, ir.Ref) and program is not None and depth < 2 and atom.symbol >= 0
            and program.symbols[atom.symbol].is_definition):
        sym = program.symbols[atom.symbol]
        rules = [r for r in program.rules if r.symbol == sym.id]
        if len(rules) == 1 and rules[0].cond is None:
            try:
                inner = _describe_false(rules[0].value, ev, src, program, depth + 1)
            except _Unknown:
                inner = None
            if inner:
                return f"{sym.name} is nee: {inner}"
    return f"{src.text(atom)} is nee"


def _describe_holding(expr, ev, src: Source) -> list[str]:
    """Why a yes/no expression is currently ja: the parts that hold, with numbers for comparisons."""
    op, parts = _atoms(expr)
    out = []
    for p in parts:
        try:
            if not value_of(p, ev):
                continue
        except _Unknown:
            continue
        if isinstance(p, ir.Binary) and p.op in ("<", "<=", ">", ">="):
            l, r = value_of(p.left, ev), value_of(p.right, ev)
            ln, rn = src.text(p.left), src.text(p.right)
            rel = "hoger dan" if l > r else ("lager dan" if l < r else "gelijk aan")
            text = f"{ln} ({_fmt(l, p.left.type)}) is {rel} {rn} ({_fmt(r, p.right.type)})"
            if isinstance(l, (int, Decimal)) and not isinstance(l, bool) and l != r:
                text += f": verschil {_fmt(abs(l - r), p.left.type)}"
            out.append(text)
        else:
            out.append(f"{src.text(p)} is ja")
    if op == "en" and len(out) > 1:
        return ["al deze voorwaarden gelden; als één ervan niet zou gelden, was de uitkomst anders: " + "; ".join(out)]
    return out


def _obstacles(rule: ir.Rule, ev, src: Source, program: ir.Program) -> list[Obstacle]:
    loc = f"{rule.span.file}:{rule.span.line}"
    if not rule.validity.contains(ev._p):
        from .explain import _validity_text

        return [Obstacle(f"de regel geldt niet op de peildatum ({_validity_text(rule.validity.start, rule.validity.end)})",
                         loc)]
    out = []
    if rule.cond is not None:
        try:
            holds = value_of(rule.cond, ev)
        except _Unknown:
            return [Obstacle("de voorwaarde kan niet worden beoordeeld: er ontbreken gegevens", loc)]
        if not holds:
            op, parts = _atoms(rule.cond)
            failed = []
            for p in parts:
                try:
                    if not value_of(p, ev):
                        failed.append(_describe_false(p, ev, src, program))
                except _Unknown:
                    failed.append(f"{src.text(p)}: niet te beoordelen (gegevens ontbreken)")
            if op == "of":
                out.append(Obstacle("geen van deze voorwaarden is vervuld (één zou genoeg zijn): " + "; ".join(failed), loc))
            else:
                out.extend(Obstacle(f, loc) for f in failed)
    # an exception that applied overrides this rule
    for cid in rule.children:
        child = program.rules[cid]
        try:
            applies = child.validity.contains(ev._p) and (child.cond is None or value_of(child.cond, ev))
        except _Unknown:
            applies = False
        if applies:
            out.append(Obstacle(f"de uitzondering '{child.label}' ging voor ({child.source or 'zelfde bron'})",
                                f"{child.span.file}:{child.span.line}"))
    return out


def _safe_false(p, ev) -> bool:
    try:
        return not value_of(p, ev)
    except _Unknown:
        return False


def _rule_name(r: ir.Rule) -> str:
    return f"Regel '{r.label}'" if r.label else f"De regel op regel {r.span.line}"


def program_for(run) -> ir.Program:
    if run.ruleset.program is not None:
        return run.ruleset.program
    from .compiler import compile_to_python

    _, program, _, _ = compile_to_python(Path(run.scenario.rules_path))
    run.ruleset.program = program
    return program


def why_not(run, outcome: str, wanted_text: str) -> WhyNot:
    from .scenario import parse_scalar

    meta = run.ruleset.meta
    sid = meta["index"][outcome]
    typ = meta["symbols"][sid]["type"]
    wanted = parse_scalar(wanted_text, typ, meta)
    program = program_for(run)
    src = Source(run.ruleset.texts)
    ev = run.evaluation
    current = run.outcome_text(outcome)
    wanted_shown = format_value(wanted, typ["kind"], typ.get("period"))
    res = run.results.get(outcome)
    result = WhyNot(outcome, current, wanted_shown, [], [])
    if res is not None and res.status == "ok" and res.value == wanted and type(res.value) is type(wanted):
        result.note = "De uitkomst is al gelijk aan die waarde."
        return result
    sym = program.symbols[sid]
    for pc in sym.preconditions:
        try:
            if not value_of(pc.cond, ev):
                result.answers.append(RuleAnswer(f"Voorwaarde '{pc.label or pc.index}'", f"{pc.span.file}:{pc.span.line}",
                                                 pc.source, "toegang tot de uitkomst",
                                                 [Obstacle(pc.reason or "procedurele voorwaarde niet vervuld",
                                                           f"{pc.span.file}:{pc.span.line}")]))
        except _Unknown:
            pass
    with __import__("decimal").localcontext(CONTEXT):
        for rule in (r for r in program.rules if r.symbol == sid):
            try:
                gives = value_of(rule.value, ev)
            except _Unknown:
                continue
            if isinstance(wanted, bool) and not isinstance(rule.value, ir.Const):
                # a yes/no outcome computed by an expression: say what makes it come out the other way
                if isinstance(gives, bool) and gives != wanted and rule.validity.contains(ev._p):
                    loc = f"{rule.span.file}:{rule.span.line}"
                    texts = (_describe_holding(rule.value, ev, src) if gives else
                             [_describe_false(p, ev, src, program) for p in _atoms(rule.value)[1]
                              if _safe_false(p, ev)])
                    result.answers.append(RuleAnswer(_rule_name(rule), loc, rule.source or sym.source,
                                                     format_value(wanted, "bool"),
                                                     [Obstacle(t, loc) for t in texts]))
                continue
            if gives != wanted or type(gives) is not type(wanted) and isinstance(wanted, bool):
                continue
            result.answers.append(RuleAnswer(_rule_name(rule), f"{rule.span.file}:{rule.span.line}",
                                             rule.source or sym.source,
                                             format_value(gives, typ["kind"], typ.get("period")),
                                             _obstacles(rule, ev, src, program)))
        if not result.answers:
            result.note = ("Geen regel van deze uitkomst geeft die waarde bij deze feiten; de uitkomst volgt uit "
                           "een berekening. Zie de uitleg voor de gebruikte waarden.")
        result.counterfactuals = counterfactuals(run, outcome, wanted)
    return result


# ------------------------------------------------------------------ counterfactuals
def _numeric_inputs(run, outcome: str) -> list[int]:
    meta = run.ruleset.meta
    seen, todo, out = set(), [meta["index"][outcome]], []
    while todo:
        sid = todo.pop(0)
        if sid in seen:
            continue
        seen.add(sid)
        s = meta["symbols"][sid]
        if s["kind"] == "invoer" and s["type"]["kind"] in ("money", "int", "dec") and s["name"] in run.scenario.facts:
            out.append(sid)
        todo.extend(s["deps"])
    return out


def counterfactuals(run, outcome: str, wanted, limit: int = 60) -> list[str]:
    """For each numeric input the outcome depends on: the nearest value at which it becomes `wanted`."""
    meta = run.ruleset.meta
    sc = run.scenario
    out_t = meta["symbols"][meta["index"][outcome]]["type"]
    lines = []
    for sid in _numeric_inputs(run, outcome):
        s = meta["symbols"][sid]
        kind = s["type"]["kind"]
        unit = Decimal("0.01") if kind == "money" else (1 if kind == "int" else Decimal("0.01"))
        base = sc.facts[s["name"]]

        def value_at(x):
            facts = dict(sc.facts)
            facts[s["name"]] = x
            _, res, _ = evaluate(run.ruleset.cls, facts, sc.decisions, sc.peildatum, [outcome])
            r = res[outcome]
            return r.value if r.status == "ok" else None

        current = value_at(base)
        numeric = isinstance(wanted, (int, Decimal)) and not isinstance(wanted, bool) and current is not None

        def hits(x) -> bool:
            v = value_at(x)
            if v is None:
                return False
            if numeric:  # reach (or pass) the wanted amount: a monotone test that bisection can use
                return v <= wanted if current > wanted else v >= wanted
            return v == wanted

        best = None
        for direction in (1, -1):
            step, prev, found = unit, base, None
            for _ in range(limit):
                x = base + direction * step
                if kind == "money" and x < 0:
                    break
                if hits(x):
                    found = x
                    break
                prev, step = x, step * 2
            if found is None:
                continue
            lo, hi = prev, found  # hits(hi) is true, hits(lo) false: bisect to one unit
            while abs(hi - lo) > unit:
                mid = lo + (hi - lo) / 2
                mid = (mid // unit) * unit if kind != "int" else int(mid)
                if mid in (lo, hi):
                    break
                if hits(mid):
                    hi = mid
                else:
                    lo = mid
            if best is None or abs(hi - base) < abs(best - base):
                best = hi
        if best is not None:
            reached = value_at(best)
            lines.append(f"als {s['name']} {format_value(best, kind, s['type'].get('period'))} was "
                         f"(nu {format_value(base, kind, s['type'].get('period'))}), dan was {outcome} "
                         f"{format_value(reached, out_t['kind'], out_t.get('period'))}")
    return lines


# ------------------------------------------------------------------ missing inputs
@attrs.define
class NeededInput:
    name: str
    kind: str  # invoer | beslissing
    type: str
    question: str | None
    needed_by: list[str]  # "definitie (bestand:regel)"
    certain: bool  # hit by the evaluation (True) or reachable depending on other answers (False)


def missing_inputs(run, outcome: str) -> tuple[list[NeededInput], dict[str, str]]:
    """The inputs still needed for `outcome`, and every value that could be computed without them."""
    meta = run.ruleset.meta
    sc = run.scenario
    syms = meta["symbols"]
    users: dict[int, list[str]] = {}
    for s in syms:
        for d in s["deps"]:
            users.setdefault(d, []).append(f"{s['name']} ({s['file']}:{s['line']})")
    _, _, tracer = evaluate(run.ruleset.cls, sc.facts, sc.decisions, sc.peildatum, [outcome], trace=True)
    hit = {sid for sid, n in tracer.nodes.items() if n.status == "ontbreekt"}
    reach, todo = [], [meta["index"][outcome]]
    seen = set()
    while todo:
        sid = todo.pop(0)
        if sid in seen:
            continue
        seen.add(sid)
        reach.append(sid)
        todo.extend(syms[sid]["deps"])
    supplied = set(sc.facts) | set(sc.decisions)
    needed = []
    for sid in sorted((s for s in reach if syms[s]["kind"] in ("invoer", "beslissing")),
                      key=lambda s: (s not in hit, s)):
        s = syms[sid]
        if s["name"] in supplied or s["has_default"]:
            continue
        t = s["type"]
        needed.append(NeededInput(s["name"], s["kind"], _type_words(t), s["question"], users.get(sid, []),
                                  sid in hit))
    # evaluate every definition the outcome uses on its own: what does not need the missing input is known
    names = [syms[sid]["name"] for sid in reach if syms[sid]["kind"] in ("definitie", "uitkomst")]
    _, results, _ = evaluate(run.ruleset.cls, sc.facts, sc.decisions, sc.peildatum, names)
    computed = {}
    for name in names:
        res = results[name]
        if res.status == "ok":
            t = syms[meta["index"][name]]["type"]
            computed[name] = format_value(res.value, t["kind"], t.get("period"))
    return needed, computed


def _type_words(t: dict) -> str:
    if t["kind"] == "list":
        return "lijst van " + _type_words(t["elem"])
    if t["kind"] in ("enum", "record"):
        return t["name"]
    from .types import NL_NAMES

    base = NL_NAMES.get(t["kind"], t["kind"])
    return f"{base} per {t['period']}" if t.get("period") else base


def missing_text(needed: list[NeededInput], computed: dict[str, str], outcome: str) -> str:
    out = [f"Voor {outcome} zijn nog nodig:"]
    for n in needed:
        what = "beslissing van het college" if n.kind == "beslissing" else "invoer"
        tag = "" if n.certain else " (mogelijk, afhankelijk van andere antwoorden)"
        out.append(f"  - {n.name} ({what}, {n.type}){tag}")
        if n.question:
            out.append(f"      vraag: {n.question}")
        if n.needed_by:
            out.append(f"      nodig voor: {', '.join(n.needed_by)}")
    if computed:
        out.append("Wat al wel bekend is:")
        out.extend(f"  - {k} = {v}" for k, v in computed.items())
    return "\n".join(out) + "\n"
