"""Trace -> explanation tree: rules applied and not applied, values used, citations, discretion.

The tree is built only from the trace and the rule set's metadata, so it is deterministic: the same
case gives byte-identical output in every run.
"""
from __future__ import annotations

import re

import attrs

from .runtime import signals
from .runtime.trace import APPLIED
from .runtime.values import format_value, json_value

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")


@attrs.define
class RuleNote:
    label: str
    status: str
    location: str
    source: str | None
    by: str | None = None  # the exception that set this rule aside


@attrs.define
class ExplNode:
    name: str
    kind: str
    status: str  # berekend | gelezen | geblokkeerd | ontbreekt | fout | niet berekend
    value: object
    value_text: str
    location: str
    source: str | None = None
    explanation: str | None = None
    applied: RuleNote | None = None
    not_applied: list[RuleNote] = attrs.Factory(list)
    roundings: list[str] = attrs.Factory(list)
    version: str | None = None  # parameter: which dated value was used
    decision: dict | None = None  # beslissing: who, when, why
    blocked: dict | None = None
    problem: str | None = None
    question: str | None = None
    children: list["ExplNode"] = attrs.Factory(list)
    repeated: bool = False  # already explained higher up in the tree
    items: list[str] = attrs.Factory(list)  # a list input: one line per item (the ledger)

    def to_json(self) -> dict:
        d = {"naam": self.name, "soort": self.kind, "status": self.status, "waarde": json_value(self.value),
             "weergave": self.value_text, "locatie": self.location}
        for key, val in (("bron", self.source), ("uitleg", self.explanation), ("versie", self.version),
                         ("beslissing", self.decision), ("geblokkeerd", self.blocked), ("probleem", self.problem),
                         ("vraag", self.question)):
            if val is not None:
                d[key] = val
        if self.applied:
            d["toegepast"] = attrs.asdict(self.applied)
        if self.not_applied:
            d["niet_toegepast"] = [attrs.asdict(n) for n in self.not_applied]
        if self.roundings:
            d["afrondingen"] = self.roundings
        if self.repeated:
            d["zie_boven"] = True
        if self.items:
            d["items"] = self.items
        if self.children:
            d["gebruikt"] = [c.to_json() for c in self.children]
        return d


@attrs.define
class Explanation:
    scenario: str
    peildatum: object
    root: ExplNode
    decisions: list[ExplNode]  # every discretionary decision this outcome depends on

    def to_json(self) -> dict:
        return {"scenario": self.scenario, "peildatum": json_value(self.peildatum), "uitkomst": self.root.to_json(),
                "beslissingen": [d.to_json() for d in self.decisions]}


def type_text(t: dict) -> tuple[str, str | None]:
    return t["kind"], t.get("period")


def fmt(meta: dict, sid: int, value) -> str:
    kind, period = type_text(meta["symbols"][sid]["type"])
    return format_value(value, kind, period)


def rule_label(r: dict) -> str:
    return f"regel '{r['label']}'" if r["label"] else "regel"


def _loc(d: dict) -> str:
    return f"{d['file']}:{d['line']}"


class Explainer:
    def __init__(self, meta: dict, tracer, evaluation, decisions: dict):
        self.meta, self.tracer, self.ev, self.decisions = meta, tracer, evaluation, decisions

    def value_of(self, name: str):
        sid = self.meta["index"].get(name)
        if sid is None:
            return None, "?"
        node = self.tracer.nodes.get(sid)
        if node is not None and node.status in ("berekend", "gelezen"):
            return node.value, fmt(self.meta, sid, node.value)
        try:
            v = self.ev.value(name)
        except (signals.Signal, ArithmeticError):
            return None, "?"
        return v, fmt(self.meta, sid, v)

    def fill(self, template: str, own_value_text: str) -> str:
        def sub(m):
            if m.group(0) == "{{":
                return "{"
            if m.group(0) == "}}":
                return "}"
            name = m.group(1).strip()
            if name in ("waarde", "value"):
                return own_value_text
            if name in ("peildatum", "reference_date"):
                return format_value(self.ev._p, "date")
            return self.value_of(name)[1]

        return _PLACEHOLDER.sub(sub, template)

    def build(self, sid: int, seen: set[int], signal=None) -> ExplNode:
        meta = self.meta
        s = meta["symbols"][sid]
        node = self.tracer.nodes.get(sid)
        status = node.status if node is not None else "niet berekend"
        value = node.value if node is not None and status in ("berekend", "gelezen") else None
        value_text = fmt(meta, sid, value) if status in ("berekend", "gelezen") else {
            "geblokkeerd": "GEBLOKKEERD", "fout": "FOUT",
            "ontbreekt": {"beslissing": "ONBEKEND (beslissing ontbreekt)", "invoer": "ONBEKEND (invoer ontbreekt)"}.get(
                s["kind"], "ONBEKEND (gegevens ontbreken)"),
        }.get(status, "niet berekend")
        out = ExplNode(s["name"], s["kind"], status, value, value_text, _loc(s), s["source"],
                       question=s["question"])
        if sid in seen:
            out.repeated = True
            return out
        seen.add(sid)  # shared across the tree: each name is explained once, where it is first used
        if s["kind"] == "parameter" and status == "gelezen":
            for v in s["versions"]:
                if (v["start"] is None or v["start"] <= self.ev._p) and (v["end"] is None or self.ev._p < v["end"]):
                    out.version = _validity_text(v["start"], v["end"]) if (v["start"] or v["end"]) else None
                    out.source = v["source"] or s["source"]
        if s["kind"] == "beslissing":
            d = self.decisions.get(s["name"])
            if d is not None:
                out.decision = {"door": d.by, "datum": json_value(d.date), "motivering": d.motivation,
                                "datum_tekst": format_value(d.date, "date") if d.date else None}
            elif status == "gelezen":
                out.decision = {"door": None, "datum": None, "motivering": "standaardwaarde (geen beslissing vastgelegd)"}
        if s["type"]["kind"] == "list" and status == "gelezen" and value:
            out.items = [format_item(meta, s["type"]["elem"], item) for item in value]
        if s["kind"] in ("invoer", "beslissing") and status == "niet berekend":
            out.status = "ontbreekt"
            out.value_text = "ONBEKEND (beslissing ontbreekt)" if s["kind"] == "beslissing" else "ONBEKEND (invoer ontbreekt)"
        if node is None:
            return out
        # rules
        for rid, rstatus, by in node.rules:
            r = meta["rules"][rid]
            note = RuleNote(r["label"] or "", rstatus, _loc(r), r["source"] or s["source"],
                            meta["rules"][by]["label"] if by is not None else None)
            if rstatus == APPLIED:
                out.applied = note
                template = r["explanation"] or s["explanation"]
                if template:
                    out.explanation = self.fill(template, value_text)
                out.source = r["source"] or s["source"]
            else:
                out.not_applied.append(note)
        if out.applied is None and s["explanation"] and status == "berekend":
            out.explanation = self.fill(s["explanation"], value_text)
        for site, before, after in node.roundings:
            rs = meta["roundings"][site]
            out.roundings.append(f"{_round_text(rs)}: {format_value(before, 'money')} → "
                                 f"{format_value(after, 'money')} ({rs['file']}:{rs['line']})")
        if node.blocked is not None:
            pre = s["preconditions"][node.blocked]
            out.blocked = {"voorwaarde": pre["label"], "reden": pre["reason"] or "niet voldaan aan een "
                           "procedurele voorwaarde", "bron": pre["source"], "locatie": f"{s['file']}:{pre['line']}"}
        if signal is not None and (status in ("fout", "ontbreekt") or (status == "geblokkeerd" and node.blocked is None)):
            out.problem = describe_signal(meta, signal, self.ev._p)
        for dep in node.deps:
            out.children.append(self.build(dep, seen))
        return out


def format_item(meta: dict, typ: dict, item) -> str:
    """One list element in words: a record as 'veld waarde, …' with each value in Dutch notation."""
    if typ["kind"] != "record":
        return format_value(item, typ["kind"], typ.get("period"))
    fields = meta["records"][typ["name"]]
    return ", ".join(f"{name} {format_value(item.get(name), t['kind'], t.get('period'))}"
                     for name, t in fields.items())


def _round_text(rs: dict) -> str:
    q = rs["quantum"]
    unit = "centen" if str(q) == "0.01" else ("hele euro's" if q == 1 else f"een veelvoud van {format_value(q, 'money')}")
    mode = {"half_up": "afgerond op", "down": "naar beneden afgerond op", "up": "naar boven afgerond op"}[rs["mode"]]
    return f"{mode} {unit}"


def _validity_text(start, end) -> str:
    parts = []
    if start is not None:
        parts.append(f"geldig vanaf {format_value(start, 'date')}")
    if end is not None:
        import datetime as _dt

        parts.append(f"tot en met {format_value(end - _dt.timedelta(days=1), 'date')}")
    return " ".join(parts) or "altijd geldig"


def describe_signal(meta: dict, sig, peildatum=None) -> str:
    """A Dutch sentence (with RL5xx code and location) for why an outcome could not be computed."""
    syms, rules = meta["symbols"], meta["rules"]
    if isinstance(sig, signals.Conflict):
        a, b = rules[sig.first], rules[sig.second]
        return (f"RL501 conflict in '{syms[sig.symbol]['name']}': {rule_label(a)} ({_loc(a)}) en "
                f"{rule_label(b)} ({_loc(b)}) zijn allebei van toepassing")
    if isinstance(sig, (signals.NoRule, signals.NoVersion)):
        s = syms[sig.symbol]
        if isinstance(sig, signals.NoVersion) or (s["roots"] and not any(
                _in_force(r, peildatum) for r in _all_rules(meta, sig.symbol))):
            return (f"RL503 geen versie van '{s['name']}' is geldig op de peildatum ({_loc(s)})")
        return f"RL502 geen regel van '{s['name']}' is van toepassing en er is geen standaardwaarde ({_loc(s)})"
    if isinstance(sig, signals.Fault):
        where = _loc(rules[sig.rule]) if sig.rule >= 0 else _loc(syms[sig.symbol])
        return f"RL506 rekenfout in '{syms[sig.symbol]['name']}' ({where}): {_arith_text(sig.error)}"
    if isinstance(sig, signals.Missing):
        s = syms[sig.symbol]
        code = "RL505" if s["kind"] == "beslissing" else "RL504"
        what = "beslissing van het college" if s["kind"] == "beslissing" else "invoer"
        return f"{code} {what} '{s['name']}' ontbreekt" + (f": {s['question']}" if s["question"] else "")
    if isinstance(sig, signals.Blocked):
        s = syms[sig.symbol]
        pre = s["preconditions"][sig.precondition]
        return f"RL507 '{s['name']}' is geblokkeerd: {pre['reason'] or 'procedurele voorwaarde niet vervuld'}"
    return str(sig)


def _all_rules(meta, sid):
    return [r for r in meta["rules"] if r["symbol"] == sid]


def _in_force(rule, p) -> bool:
    if p is None:
        return True
    return (rule["start"] is None or rule["start"] <= p) and (rule["end"] is None or p < rule["end"])


def _arith_text(err) -> str:
    import decimal

    if isinstance(err, (decimal.DivisionByZero, ZeroDivisionError)) or "DivisionByZero" in type(err).__name__:
        return "delen door nul"
    return "ongeldige berekening"


def collect_decisions(node: ExplNode, out: list[ExplNode] | None = None) -> list[ExplNode]:
    out = [] if out is None else out
    if node.kind == "beslissing" and not node.repeated and all(n.name != node.name for n in out):
        out.append(node)
    for c in node.children:
        collect_decisions(c, out)
    return out


def explain(meta: dict, tracer, evaluation, decisions: dict, name: str, scenario: str, signal=None) -> Explanation:
    sid = meta["index"][name]
    root = Explainer(meta, tracer, evaluation, decisions).build(sid, set(), signal)
    return Explanation(scenario, evaluation._p, root, collect_decisions(root))


def applied_rules(node: ExplNode, out: set | None = None) -> set[tuple[str, str]]:
    """(definition name, rule label) of every rule applied anywhere in the tree."""
    out = set() if out is None else out
    if node.applied is not None:
        out.add((node.name, node.applied.label))
    for c in node.children:
        applied_rules(c, out)
    return out


def blocked_nodes(node: ExplNode, out: list | None = None) -> list[ExplNode]:
    out = [] if out is None else out
    if node.blocked is not None:
        out.append(node)
    for c in node.children:
        blocked_nodes(c, out)
    return out
