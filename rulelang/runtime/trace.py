"""The trace: what an evaluation did, recorded only when tracing is switched on.

While the rules run, the tracer only appends small tuples to one list (the generated code calls it for
every name, rule and rounding, so this is the cost of an explanation). The nodes that explanations,
why-not and coverage read are built from that log the first time they are asked for, by replaying it;
the replay is the only place that knows what the events mean."""
from __future__ import annotations

APPLIED = "toegepast"
NOT_APPLICABLE = "niet van toepassing"
NOT_IN_FORCE = "niet geldig op de peildatum"
OVERRIDDEN = "opzij gezet door uitzondering"
DEFAULT = "standaardwaarde"

# event kinds in Tracer.log
_ENTER, _REUSE, _READ, _MISSING, _RULE, _ROUND, _LEAVE, _ABORT, _CLEAR = range(9)


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
    __slots__ = ("log", "_nodes", "_built")

    def __init__(self):
        self.log: list[tuple] = []
        self._nodes: dict[int, Node] = {}
        self._built = 0  # len(log) when _nodes was built

    # -- recording (called by the generated code; keep these cheap)
    def enter(self, symbol: int) -> None:
        self.log.append((_ENTER, symbol))

    def reuse(self, symbol: int) -> None:
        self.log.append((_REUSE, symbol))

    def read(self, symbol: int, value) -> None:
        self.log.append((_READ, symbol, value))

    def missing(self, symbol: int) -> None:
        """An input or decision was needed but not supplied."""
        self.log.append((_MISSING, symbol))

    def rule(self, rule: int, status: str, by: int | None = None) -> None:
        self.log.append((_RULE, rule, status, by))

    def rounding(self, site: int, before, after) -> None:
        self.log.append((_ROUND, site, before, after))

    def leave(self, symbol: int, value, winner: int | None) -> None:
        self.log.append((_LEAVE, symbol, value, winner))

    def abort(self, symbol: int, signal) -> None:
        self.log.append((_ABORT, symbol, signal))

    def end_outcome(self) -> None:
        """One requested outcome is done: whatever it left open (a signal) is closed."""
        self.log.append((_CLEAR,))

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
        if kind == _ENTER:
            node = Node(ev[1])
            nodes[ev[1]] = node
            if stack:
                stack[-1].dep(ev[1])
            stack.append(node)
        elif kind == _REUSE:
            if stack:
                stack[-1].dep(ev[1])
        elif kind == _READ:
            if ev[1] not in nodes:
                nodes[ev[1]] = Node(ev[1], ev[2], "gelezen")
            if stack:
                stack[-1].dep(ev[1])
        elif kind == _MISSING:
            nodes[ev[1]] = Node(ev[1], None, "ontbreekt")
            if stack:
                stack[-1].dep(ev[1])
        elif kind == _RULE:
            stack[-1].rules.append((ev[1], ev[2], ev[3]))
        elif kind == _ROUND:
            if stack:
                stack[-1].roundings.append((ev[1], ev[2], ev[3]))
        elif kind == _LEAVE:
            node = stack.pop()
            node.value, node.status, node.winner = ev[2], "berekend", ev[3]
        elif kind == _ABORT:
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
        else:  # _CLEAR
            stack.clear()
    return nodes
