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


@attrs.frozen
class RuleNote:
    label: str
    status: str
    location: str
    source: str | None
    by: str | None = None  # the exception that set this rule aside


_LAZY = ("value_text", "source", "explanation", "version", "decision", "problem", "roundings", "items")


class ExplNode:
    """One name in the explanation tree. The structure (name, status, value, rules applied and not,
    children) is built by `explain`; the texts (`_LAZY`: formatted value, citation, filled-in uitleg,
    version, decision, problem, roundings, list items) are written the first time one of them is read,
    so a caller that only walks the tree (why-not, coverage, the scenario checks) does not pay for them."""

    __slots__ = ("status", "value", "applied", "not_applied", "blocked", "children", "repeated", "_x", "_sym",
                 "_node", "_signal", "__dict__")  # the texts go into __dict__ once written

    def __init__(self, x: "Explainer", sym: "_Sym", status: str, value, node, signal=None):
        self._x, self._sym, self._node, self._signal = x, sym, node, signal
        self.status, self.value = status, value
        self.applied: RuleNote | None = None
        self.not_applied: list[RuleNote] | tuple = ()  # a list once there is one
        self.blocked: dict | None = None  # precondition not met: voorwaarde, reden, bron, locatie
        self.children: list[ExplNode] = []
        self.repeated = False  # already explained higher up in the tree

    # what the rule set says of this name (the same for every case)
    name = property(lambda self: self._sym.name)
    kind = property(lambda self: self._sym.kind)
    location = property(lambda self: self._sym.location)
    question = property(lambda self: self._sym.question)

    def __getattr__(self, field: str):
        """Only called for an attribute not yet set: the first read of a text writes all of them (after
        that they are ordinary attributes, read without this call)."""
        if field not in _LAZY or "value_text" in self.__dict__:
            raise AttributeError(field)
        self._x.texts(self)
        return self.__dict__[field]

    def __repr__(self) -> str:
        return f"ExplNode({self.name}={self.value_text}, {self.status}, {len(self.children)} gebruikt)"

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


def rule_label(r: dict) -> str:
    return f"regel '{r['label']}'" if r["label"] else "regel"


def _loc(d: dict) -> str:
    return f"{d['file']}:{d['line']}"


_UNKNOWN = {"beslissing": "ONBEKEND (beslissing ontbreekt)", "invoer": "ONBEKEND (invoer ontbreekt)"}
_STATUS_TEXT = {"geblokkeerd": "GEBLOKKEERD", "fout": "FOUT", "niet berekend": "niet berekend"}


@attrs.define(slots=True)
class _Sym:
    """What the explanation needs of one symbol, read once per rule set (see _statics)."""

    sid: int
    name: str
    kind: str
    location: str
    source: str | None
    question: str | None
    template: str | None
    tkind: str
    period: str | None
    elem: dict | None


class _Statics:
    """The rule set's metadata in the form the explainer reads it: per symbol a _Sym, and every RuleNote
    (rule, status, overriding rule) made once and shared, since they do not depend on the case."""

    def __init__(self, meta: dict):
        self.syms = [_Sym(i, s["name"], s["kind"], _loc(s), s["source"], s["question"], s["explanation"],
                          s["type"]["kind"], s["type"].get("period"),
                          s["type"].get("elem") if s["type"]["kind"] == "list" else None)
                     for i, s in enumerate(meta["symbols"])]
        self.notes: dict[tuple, RuleNote] = {}
        self._templates: dict[str, list] = {}
        self._versions: dict[int, list] = {}

    def template(self, text: str) -> list:
        """An uitleg template split once into literal text (str) and placeholders (a 1-tuple: the name)."""
        parts = self._templates.get(text)
        if parts is None:
            parts, at = [], 0
            for m in _PLACEHOLDER.finditer(text):
                parts.append(text[at:m.start()])
                tok = m.group(0)
                parts.append("{" if tok == "{{" else "}" if tok == "}}" else (m.group(1).strip(),))
                at = m.end()
            parts.append(text[at:])
            parts = self._templates[text] = [p for p in parts if p != ""]
        return parts

    def versions(self, meta: dict, sid: int) -> list[tuple]:
        """A parameter's versions as (start, end, validity text or None, source)."""
        out = self._versions.get(sid)
        if out is None:
            out = self._versions[sid] = [
                (v["start"], v["end"], _validity_text(v["start"], v["end"]) if (v["start"] or v["end"]) else None,
                 v["source"]) for v in meta["symbols"][sid]["versions"]]
        return out

    def note(self, meta: dict, key: tuple) -> RuleNote:
        """key: the RULE event (RULE, rule id, status, overriding rule id)."""
        _, rid, status, by = key
        r = meta["rules"][rid]
        note = self.notes[key] = RuleNote(r["label"] or "", status, _loc(r),
                                          r["source"] or meta["symbols"][r["symbol"]]["source"],
                                          meta["rules"][by]["label"] if by is not None else None)
        return note


_STATICS: dict[int, tuple[dict, _Statics]] = {}


def _statics(meta: dict) -> _Statics:
    hit = _STATICS.get(id(meta))
    if hit is None or hit[0] is not meta:  # the meta is kept alive with it, so its id is not reused
        hit = _STATICS[id(meta)] = (meta, _Statics(meta))
    return hit[1]


class Explainer:
    def __init__(self, meta: dict, tracer, evaluation, decisions: dict):
        self.meta, self.tracer, self.ev, self.decisions = meta, tracer, evaluation, decisions
        self.st = _statics(meta)
        self.nodes = tracer.nodes  # replayed once here; texts filled in later may extend the log
        self.decision_nodes: list[ExplNode] = []  # each decision, where it is first explained (pre-order)
        self._texts: dict[int, str] = {}  # symbol id -> its value in words (a value is often shown twice)

    def value_text(self, sid: int, value) -> str:
        text = self._texts.get(sid)
        if text is None:
            sym = self.st.syms[sid]
            text = self._texts[sid] = format_value(value, sym.tkind, sym.period)
        return text

    def value_of(self, name: str):
        sid = self.meta["index"].get(name)
        if sid is None:
            return None, "?"
        node = self.tracer.nodes.get(sid)
        if node is not None and node.status in ("berekend", "gelezen"):
            return node.value, self.value_text(sid, node.value)
        try:
            v = self.ev.value(name)
        except (signals.Signal, ArithmeticError):
            return None, "?"
        return v, self.value_text(sid, v)

    def fill(self, template: str, own_value_text: str) -> str:
        out = []
        for part in self.st.template(template):
            if part.__class__ is str:
                out.append(part)
            elif part[0] in ("waarde", "value"):
                out.append(own_value_text)
            elif part[0] in ("peildatum", "reference_date"):
                out.append(format_value(self.ev._p, "date"))
            else:
                out.append(self.value_of(part[0])[1])
        return "".join(out)

    def build(self, sid: int, seen: set[int], signal=None) -> ExplNode:
        """The tree's structure: statuses, values, the rules applied and not applied, the children."""
        sym = self.st.syms[sid]
        node = self.nodes.get(sid)
        if node is None:
            status, value = ("ontbreekt" if sym.kind in ("invoer", "beslissing") else "niet berekend"), None
        else:
            status = node.status
            value = node.value if status in ("berekend", "gelezen") else None
        out = ExplNode(self, sym, status, value, node, signal)
        if sid in seen:
            out.repeated = True
            return out
        seen.add(sid)  # shared across the tree: each name is explained once, where it is first used
        if sym.kind == "beslissing":
            self.decision_nodes.append(out)
        if node is None:
            return out
        notes, meta = self.st.notes, self.meta
        not_applied = []
        for key in node.rules:
            note = notes.get(key) or self.st.note(meta, key)
            if note.status == APPLIED:
                out.applied = note
            else:
                not_applied.append(note)
        if not_applied:
            out.not_applied = not_applied
        if node.blocked is not None:
            s = meta["symbols"][sid]
            pre = s["preconditions"][node.blocked]
            out.blocked = {"voorwaarde": pre["label"], "reden": pre["reason"] or "niet voldaan aan een "
                           "procedurele voorwaarde", "bron": pre["source"], "locatie": f"{s['file']}:{pre['line']}"}
        children = out.children
        for dep in node.deps:
            children.append(self.build(dep, seen))
        return out

    def texts(self, out: ExplNode) -> None:
        """Write a node's texts (the `_LAZY` fields), the first time any of them is read."""
        meta, sym, node, status = self.meta, out._sym, out._node, out.status
        sid = sym.sid
        if status in ("berekend", "gelezen"):
            value_text = self.value_text(sid, out.value)
        elif status == "ontbreekt":
            value_text = _UNKNOWN.get(sym.kind, "ONBEKEND (gegevens ontbreken)")
        else:
            value_text = _STATUS_TEXT.get(status, "niet berekend")
        out.value_text, out.source, out.explanation, out.version = value_text, sym.source, None, None
        out.decision = out.problem = None
        out.roundings, out.items = [], []
        if out.repeated:
            return
        if sym.kind == "parameter" and status == "gelezen":
            p = self.ev._p
            for start, end, text, source in self.st.versions(meta, sid):
                if (start is None or start <= p) and (end is None or p < end):
                    out.version = text
                    out.source = source or sym.source
        if sym.kind == "beslissing":
            d = self.decisions.get(sym.name)
            if d is not None:
                out.decision = {"door": d.by, "datum": json_value(d.date), "motivering": d.motivation,
                                 "datum_tekst": format_value(d.date, "date") if d.date else None}
            elif status == "gelezen":
                out.decision = {"door": None, "datum": None,
                                 "motivering": "standaardwaarde (geen beslissing vastgelegd)"}
        if sym.elem is not None and status == "gelezen" and out.value:
            out.items = [format_item(meta, sym.elem, item) for item in out.value]
        if node is None:
            return
        if out.applied is not None:
            r = _applied_rule(meta, node)
            template = r["explanation"] or sym.template
            if template:
                out.explanation = self.fill(template, value_text)
            out.source = r["source"] or sym.source
        elif sym.template and status == "berekend":
            out.explanation = self.fill(sym.template, value_text)
        for site, before, after in node.roundings:
            rs = meta["roundings"][site]
            out.roundings.append(f"{_round_text(rs)}: {format_value(before, 'money')} → "
                                  f"{format_value(after, 'money')} ({rs['file']}:{rs['line']})")
        if out._signal is not None and (status in ("fout", "ontbreekt")
                                        or (status == "geblokkeerd" and node.blocked is None)):
            out.problem = describe_signal(meta, out._signal, self.ev._p)


def _applied_rule(meta: dict, node) -> dict:
    """The rule recorded as applied (the last one, as the tree shows it)."""
    rid = [key[1] for key in node.rules if key[2] == APPLIED][-1]
    return meta["rules"][rid]


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


def explain(meta: dict, tracer, evaluation, decisions: dict, name: str, scenario: str, signal=None) -> Explanation:
    sid = meta["index"][name]
    x = Explainer(meta, tracer, evaluation, decisions)
    root = x.build(sid, set(), signal)
    found, x.decision_nodes = x.decision_nodes, None  # no cycle back from the explainer to the nodes
    return Explanation(scenario, evaluation._p, root, found)


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
