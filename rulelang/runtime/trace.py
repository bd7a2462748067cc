"""The trace: what an evaluation did, recorded only when tracing is switched on.

While the rules run, the tracer only appends small tuples to one list: the generated code calls
`Tracer.emit` (the list's own append) for every name, rule and rounding, with the event codes below, so
this is the whole cost of an explanation. Most events are tuples of constants, which Python builds once.
The nodes that explanations, why-not and coverage read are built from that log the first time they are
asked for, by replaying it; the replay is the only place that knows what the events mean.

Events: (ENTER, symbol) · (REUSE, symbol) · (READ, symbol, value) · (MISSING, symbol) ·
(RULE, rule, status, overriding rule or None) · (ROUND, site, before, after) · (LEAVE, symbol, value,
winning rule) · (ABORT, symbol, signal) · (CLEAR,) after each requested outcome."""
from __future__ import annotations

from .signals import Blocked, Missing

APPLIED = "toegepast"
NOT_APPLICABLE = "niet van toepassing"
NOT_IN_FORCE = "niet geldig op de peildatum"
OVERRIDDEN = "opzij gezet door uitzondering"
DEFAULT = "standaardwaarde"

# event kinds in Tracer.log (written as numbers into generated code by codegen.py)
ENTER, REUSE, READ, MISSING, RULE, ROUND, LEAVE, ABORT, CLEAR = range(9)


class Node:
    """One name as the evaluation used it. A name that was only read (an input, parameter or decision)
    has no rules, dependencies or roundings: it keeps the shared empty tuples, so the replay allocates
    lists only for the names it computes."""

    __slots__ = ("symbol", "value", "status", "rules", "deps", "roundings", "blocked", "winner")

    def __init__(self, symbol: int, value=None, status: str = "bezig", computed: bool = True):
        self.symbol = symbol
        self.value = value
        self.status = status
        # RULE events as logged: (RULE, rule id, status, overriding rule id) · symbol ids in first-use
        # order · (site, before, after)
        self.rules: list[tuple[int, int, str, int | None]] | tuple = [] if computed else ()
        self.deps: list[int] | tuple = [] if computed else ()
        self.roundings: list[tuple[int, object, object]] | tuple = ()
        self.blocked: int | None = None
        self.winner: int | None = None

    def dep(self, symbol: int) -> None:
        if symbol not in self.deps:
            self.deps.append(symbol)


class Tracer:
    __slots__ = ("log", "emit", "_nodes", "_built", "_stack")

    def __init__(self):
        self.log: list[tuple] = []
        self.emit = self.log.append  # what the generated code calls: one tuple per event
        self._nodes: dict[int, Node] = {}
        self._built = 0  # how much of the log _nodes reflects
        self._stack: list[Node] = []  # the replay's open names at that point

    def end_outcome(self) -> None:
        """One requested outcome is done: whatever it left open (a signal) is closed."""
        self.log.append((CLEAR,))

    # -- reading
    @property
    def nodes(self) -> dict[int, Node]:
        """Symbol id -> Node. Replayed incrementally: values looked up later (an explanation filling in
        a template) only add their own events, so the earlier part of the log is never replayed twice."""
        if self._built != len(self.log):
            self._built = _replay(self.log, self._built, self._nodes, self._stack)
        return self._nodes


def _replay(log: list[tuple], start: int, nodes: dict[int, Node], stack: list[Node]) -> int:
    """Replay log[start:] into nodes (the stack carries over between calls); returns where it stopped.
    The branches are ordered by how often the event occurs (RULE, READ, REUSE, ENTER/LEAVE)."""
    push, pop = stack.append, stack.pop
    top = stack[-1] if stack else None  # the name being computed
    end = len(log)
    for i in range(start, end):
        ev = log[i]
        kind = ev[0]
        if kind == RULE:
            top.rules.append(ev)  # kept whole: slicing off the code would cost a new tuple per rule
        elif kind == READ:
            sid = ev[1]
            if sid not in nodes:
                nodes[sid] = Node(sid, ev[2], "gelezen", False)
            if top is not None:
                deps = top.deps
                if sid not in deps:
                    deps.append(sid)
        elif kind == REUSE:
            if top is not None:
                deps = top.deps
                if ev[1] not in deps:
                    deps.append(ev[1])
        elif kind == ENTER:
            sid = ev[1]
            node = nodes[sid] = Node(sid)
            if top is not None:
                deps = top.deps
                if sid not in deps:
                    deps.append(sid)
            push(node)
            top = node
        elif kind == LEAVE:
            node = pop()
            node.value, node.status, node.winner = ev[2], "berekend", ev[3]
            top = stack[-1] if stack else None
        elif kind == CLEAR:
            stack.clear()
            top = None
        elif kind == ROUND:
            if top is not None:
                top.roundings = [*top.roundings, ev[1:]]  # rare: a new list rather than one per node
        elif kind == MISSING:
            nodes[ev[1]] = Node(ev[1], None, "ontbreekt", False)
            if top is not None:
                top.dep(ev[1])
        else:  # ABORT
            node = pop()
            top = stack[-1] if stack else None
            signal = ev[2]
            if isinstance(signal, Blocked):
                node.status = "geblokkeerd"
                if signal.symbol == ev[1]:
                    node.blocked = signal.precondition
            elif isinstance(signal, Missing):
                node.status = "ontbreekt"
            else:
                node.status = "fout"
    return end
