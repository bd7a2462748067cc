"""The runtime library: the only module generated rule code imports. It must not import the compiler."""
from .evaluator import NONE, UNSET, Decision, Evaluation, OutcomeResult, evaluate
from .signals import Blocked, Conflict, Fault, Missing, NoRule, NoVersion, Signal
from .trace import ROUND, APPLIED, DEFAULT, NOT_APPLICABLE, NOT_IN_FORCE, OVERRIDDEN, Tracer
from .values import (D, ZERO, Duur, add_duration, add_months, calendar_months_between, days_between,
                     first_day_of_month, last_day_of_month, make_date, months_between, round_money, years_between)
from datetime import date
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP


def rnd(tracer, site: int, x, quantum, mode: str):
    y = round_money(x, quantum, mode)
    if tracer is not None:  # Tracer.emit
        tracer((ROUND, site, x, y))
    return y


__all__ = ["NONE", "UNSET", "Decision", "Evaluation", "OutcomeResult", "evaluate", "Blocked", "Conflict", "Fault",
           "Missing", "NoRule", "NoVersion", "Signal", "APPLIED", "DEFAULT", "NOT_APPLICABLE", "NOT_IN_FORCE",
           "OVERRIDDEN", "Tracer", "D", "ZERO", "Duur", "add_duration", "add_months", "calendar_months_between",
           "days_between", "first_day_of_month", "last_day_of_month", "make_date", "months_between",
           "round_money", "years_between", "date", "rnd", "ROUND_CEILING", "ROUND_FLOOR", "ROUND_HALF_UP"]
