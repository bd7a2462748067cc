"""The trace: what an evaluation did, recorded only when tracing is switched on."""
from __future__ import annotations

APPLIED = "toegepast"
NOT_APPLICABLE = "niet van toepassing"
NOT_IN_FORCE = "niet geldig op de peildatum"
OVERRIDDEN = "opzij gezet door uitzondering"
DEFAULT = "standaardwaarde"


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
    def __init__(self):
        self.nodes: dict[int, Node] = {}
        self.stack: list[Node] = []

    def enter(self, symbol: int) -> None:
        node = Node(symbol)
        self.nodes[symbol] = node
        if self.stack:
            self.stack[-1].dep(symbol)
        self.stack.append(node)

    def reuse(self, symbol: int) -> None:
        if self.stack:
            self.stack[-1].dep(symbol)

    def read(self, symbol: int, value) -> None:
        if symbol not in self.nodes:
            self.nodes[symbol] = Node(symbol, value, "gelezen")
        if self.stack:
            self.stack[-1].dep(symbol)

    def missing(self, symbol: int) -> None:
        """An input or decision was needed but not supplied."""
        self.nodes[symbol] = Node(symbol, None, "ontbreekt")
        if self.stack:
            self.stack[-1].dep(symbol)

    def rule(self, rule: int, status: str, by: int | None = None) -> None:
        self.stack[-1].rules.append((rule, status, by))

    def rounding(self, site: int, before, after) -> None:
        if self.stack:
            self.stack[-1].roundings.append((site, before, after))

    def leave(self, symbol: int, value, winner: int | None) -> None:
        node = self.stack.pop()
        node.value, node.status, node.winner = value, "berekend", winner

    def abort(self, symbol: int, signal) -> None:
        node = self.stack.pop()
        from .signals import Blocked, Missing

        if isinstance(signal, Blocked):
            node.status = "geblokkeerd"
            if signal.symbol == symbol:
                node.blocked = signal.precondition
        elif isinstance(signal, Missing):
            node.status = "ontbreekt"
        else:
            node.status = "fout"
