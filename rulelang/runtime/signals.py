"""Why an evaluation stopped. These travel up through generated code as exceptions."""
from __future__ import annotations


class Signal(Exception):
    """Base class: not a crash, an answer ("needs input X", "blocked because …")."""


class Missing(Signal):
    def __init__(self, symbol: int):
        super().__init__(symbol)
        self.symbol = symbol


class Blocked(Signal):
    def __init__(self, symbol: int, precondition: int):
        super().__init__(symbol, precondition)
        self.symbol, self.precondition = symbol, precondition


class NoRule(Signal):
    """No rule applied and no default (RL502), or no version in force on the peildatum (RL503)."""

    def __init__(self, symbol: int):
        super().__init__(symbol)
        self.symbol = symbol


class NoVersion(Signal):
    def __init__(self, symbol: int):
        super().__init__(symbol)
        self.symbol = symbol


class Conflict(Signal):
    def __init__(self, symbol: int, first: int, second: int):
        super().__init__(symbol, first, second)
        self.symbol, self.first, self.second = symbol, first, second


class Fault(Signal):
    """An arithmetic error inside a rule (RL506)."""

    def __init__(self, symbol: int, rule: int, error: BaseException):
        super().__init__(symbol, rule, str(error))
        self.symbol, self.rule, self.error = symbol, rule, error
