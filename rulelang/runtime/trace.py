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

APPLIED = "toegepast"
NOT_APPLICABLE = "niet van toepassing"
NOT_IN_FORCE = "niet geldig op de peildatum"
OVERRIDDEN = "opzij gezet door uitzondering"
DEFAULT = "standaardwaarde"

# event kinds in Tracer.log (written as numbers into generated code by codegen.py)
ENTER, REUSE, READ, MISSING, RULE, ROUND, LEAVE, ABORT, CLEAR = range(9)


class Node:
    __slots__ = ("symbol", "value", "status", "rules", "deps", "roundings", "blocked", "winner")

    def __init__(self, symbol: int, value=None, status: str = "bezig"):
        self.symbol = symbol
        self.value = value
        self.status = status
        self.rules: list[tuple[int, str, int | None]] = []  # (rule id, status, overriding rule id)
        self.deps: list[int] = []
        self.roundings: list[tuple[int, object, object]] = []
        self.blocked: int | None = None
        self.winner: int | None = None

    def dep(self, symbol: int) -> None:
        if symbol not in self.deps:
            self.deps.append(symbol)


class Tracer:
    __slots__ = ("log", "emit", "_nodes", "_built")

    def __init__(self):
        self.log: list[tuple] = []
        self.emit = self.log.append  # what the generated code calls: one tuple per event
        self._nodes: dict[int, Node] = {}
        self._built = 0  # len(log) when _nodes was built

    def end_outcome(self) -> None:
        """One requested outcome is done: whatever it left open (a signal) is closed."""
        self.log.append((CLEAR,))

    # -- reading
    @property
    def nodes(self) -> dict[int, Node]:
        if self._built != len(self.log):
            self._nodes = _replay(self.log)
            self._built = len(self.log)
        return self._nodes


def _replay(log: list[tuple]) -> dict[int, Node]:
    from .signals import Blocked, Missing

    nodes: dict[int, Node] = {}
    stack: list[Node] = []
    for ev in log:
        kind = ev[0]
        if kind == ENTER:
            node = Node(ev[1])
            nodes[ev[1]] = node
            if stack:
                stack[-1].dep(ev[1])
            stack.append(node)
        elif kind == REUSE:
            if stack:
                stack[-1].dep(ev[1])
        elif kind == READ:
            if ev[1] not in nodes:
                nodes[ev[1]] = Node(ev[1], ev[2], "gelezen")
            if stack:
                stack[-1].dep(ev[1])
        elif kind == MISSING:
            nodes[ev[1]] = Node(ev[1], None, "ontbreekt")
            if stack:
                stack[-1].dep(ev[1])
        elif kind == RULE:
            stack[-1].rules.append((ev[1], ev[2], ev[3]))
        elif kind == ROUND:
            if stack:
                stack[-1].roundings.append((ev[1], ev[2], ev[3]))
        elif kind == LEAVE:
            node = stack.pop()
            node.value, node.status, node.winner = ev[2], "berekend", ev[3]
        elif kind == ABORT:
            node = stack.pop()
            signal = ev[2]
            if isinstance(signal, Blocked):
                node.status = "geblokkeerd"
                if signal.symbol == ev[1]:
                    node.blocked = signal.precondition
            elif isinstance(signal, Missing):
                node.status = "ontbreekt"
            else:
                node.status = "fout"
        else:  # CLEAR
            stack.clear()
    return nodes
