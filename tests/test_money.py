"""Money: exact Decimal arithmetic, rounding only where a rule says so, never a float."""
from __future__ import annotations

import datetime as _dt
import decimal
import io
import math
import tokenize
from decimal import Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rulelang.runtime.values import CONTEXT, format_money, format_value, round_money

from .conftest import problem, value

# ---------------------------------------------------------------- round_money against integer arithmetic

QUANTA = {  # quantum in euros -> the same quantum in whole cents
    Decimal("0.01"): 1, Decimal("0.05"): 5, Decimal("1"): 100, Decimal("50"): 5000, Decimal("0.10"): 10,
}


def expected_cents(x: Decimal, q_cents: int, mode: str) -> int:
    """Round x (euros) to a multiple of q_cents cents, using only integers and exact fractions."""
    ratio = Fraction(x) * 100 / q_cents  # how many quanta x is, exactly
    n, d = ratio.numerator, ratio.denominator  # d > 0
    if mode == "down":  # towards minus infinity
        units = n // d
    elif mode == "up":  # towards plus infinity
        units = -((-n) // d)
    else:  # half up: away from zero at exactly one half, symmetric for negative amounts
        units = (2 * abs(n) + d) // (2 * d)
        units = units if n >= 0 else -units
    return units * q_cents


amounts = st.builds(lambda units, exp: Decimal(units).scaleb(-exp),
                    st.integers(min_value=-10 ** 12, max_value=10 ** 12), st.integers(min_value=0, max_value=6))


@st.composite
def amount_and_quantum(draw):
    """An amount and a quantum; half the time the amount lies on or right next to a rounding boundary."""
    quantum = draw(st.sampled_from(sorted(QUANTA)))
    if draw(st.booleans()):
        return draw(amounts), quantum
    k = draw(st.integers(min_value=-10 ** 9, max_value=10 ** 9))
    where = draw(st.sampled_from([Decimal(0), Decimal("0.5")]))  # on a multiple, or exactly half way
    nudge = draw(st.sampled_from([Decimal(0), Decimal("1e-6"), Decimal("-1e-6")]))
    return (k + where) * quantum + nudge, quantum


@settings(max_examples=400, deadline=None)
@given(xq=amount_and_quantum(), mode=st.sampled_from(["half_up", "down", "up"]))
def test_round_money_matches_integer_cents(xq, mode):
    x, quantum = xq
    with localcontext(CONTEXT):
        got = round_money(x, quantum, mode)
    assert isinstance(got, Decimal)
    assert Fraction(got) == Fraction(expected_cents(x, QUANTA[quantum], mode), 100)


@settings(max_examples=200, deadline=None)
@given(x=amounts, mode=st.sampled_from(["half_up", "down", "up"]))
def test_round_to_cents_has_exactly_two_decimals(x, mode):
    with localcontext(CONTEXT):
        got = round_money(x, Decimal("0.01"), mode)
    assert got.as_tuple().exponent == -2
    assert abs(got - x) < Decimal("0.01")


@settings(max_examples=200, deadline=None)
@given(x=amounts, quantum=st.sampled_from(sorted(QUANTA)), mode=st.sampled_from(["half_up", "down", "up"]))
def test_rounding_is_idempotent_and_ordered(x, quantum, mode):
    with localcontext(CONTEXT):
        once = round_money(x, quantum, mode)
        assert round_money(once, quantum, mode) == once
        assert round_money(x, quantum, "down") <= x <= round_money(x, quantum, "up")


@pytest.mark.parametrize("x, quantum, mode, expected", [
    ("1.005", "0.01", "half_up", "1.01"),
    ("1.0049999", "0.01", "half_up", "1.00"),
    ("0.015", "0.01", "half_up", "0.02"),  # not banker's rounding (that would give 0.02 too) ...
    ("0.025", "0.01", "half_up", "0.03"),  # ... but here banker's rounding would give 0.02
    ("-1.005", "0.01", "half_up", "-1.01"),
    ("1.99", "1", "down", "1"),
    ("-1.01", "1", "down", "-2"),
    ("1.01", "1", "up", "2"),
    ("101", "50", "up", "150"),
    ("100", "50", "up", "100"),
    ("124.99", "50", "half_up", "100"),
    ("125", "50", "half_up", "150"),
])
def test_round_money_examples(x, quantum, mode, expected):
    with localcontext(CONTEXT):
        got = round_money(Decimal(x), Decimal(quantum), mode)
    assert got == Decimal(expected)


# ---------------------------------------------------------------- rounding in the language

ROUNDING_RULES = """
    invoer bedrag: geld

    definitie exact: geld
        bron "x"
        waarde bedrag / 3

    definitie centen: geld
        bron "x"
        waarde bedrag / 3 afgerond op centen

    definitie hele_euro: geld
        bron "x"
        waarde bedrag / 3 naar beneden afgerond op hele euro

    definitie vijftig: geld
        bron "x"
        waarde bedrag / 3 naar boven afgerond op veelvoud van € 50

    definitie half: geld
        bron "x"
        waarde bedrag afgerond op centen

    definitie product: geld
        bron "x"
        waarde 15% * bedrag afgerond op centen
"""


@pytest.fixture
def rounding(project):
    return project.rules(ROUNDING_RULES)


def test_no_rounding_unless_written(rounding):
    got = value(rounding, "exact", facts={"bedrag": Decimal("1000")})
    assert str(got) == "333.3333333333333333333333333333333"  # 34 significant digits, not rounded to cents


def test_rounding_where_written(rounding):
    facts = {"bedrag": Decimal("1000")}
    assert str(value(rounding, "centen", facts=facts)) == "333.33"
    assert value(rounding, "hele_euro", facts=facts) == Decimal("333")
    assert value(rounding, "vijftig", facts=facts) == Decimal("350")


def test_half_up_to_cents(rounding):
    assert str(value(rounding, "half", facts={"bedrag": Decimal("10.005")})) == "10.01"
    assert str(value(rounding, "half", facts={"bedrag": Decimal("10.0049")})) == "10.00"
    assert str(value(rounding, "half", facts={"bedrag": Decimal("0.125")})) == "0.13"


def test_rounding_applies_to_the_whole_expression(rounding):
    """`15% * bedrag afgerond op centen` rounds the product, as it reads."""
    assert str(value(rounding, "product", facts={"bedrag": Decimal("10.03")})) == "1.50"  # 1.5045
    assert str(value(rounding, "product", facts={"bedrag": Decimal("10.10")})) == "1.52"  # 1.515


def test_decimal_sums_are_exact(project):
    rs = project.rules("""
        invoer bedragen: lijst van geld
        definitie som_bedragen: geld
            bron "x"
            waarde som van b voor elke b in bedragen
        definitie dertig_cent: ja/nee
            bron "x"
            waarde € 0,10 + € 0,20 = € 0,30
    """)
    assert value(rs, "som_bedragen", facts={"bedragen": (Decimal("0.10"),) * 10}) == Decimal("1.00")
    assert value(rs, "dertig_cent") is True
    assert value(rs, "som_bedragen", facts={"bedragen": ()}) == Decimal(0)


def test_division_by_zero_is_rl506_not_a_crash(project):
    rs = project.rules("""
        invoer n: geheel getal
        uitkomst deel: geld
            bron "x"
            waarde € 100 / n
    """)
    status, text = problem(rs, "deel", facts={"n": 0})
    assert status == "fout"
    assert text == "RL506 rekenfout in 'deel' (r.rule:4): delen door nul"


def test_percentages(project):
    rs = project.rules("""
        invoer inkomen: geld per maand
        parameter vrijlating: percentage
            bron "art. 31 lid 2 onderdeel n"
            waarde 25%
        definitie vrij: geld per maand
            bron "x"
            waarde minimum(inkomen * vrijlating; € 253) afgerond op centen
    """)
    assert value(rs, "vrij", facts={"inkomen": Decimal("501.01")}) == Decimal("125.25")
    assert value(rs, "vrij", facts={"inkomen": Decimal("2000")}) == Decimal("253.00")


# ---------------------------------------------------------------- no float anywhere

def test_float_operations_are_trapped_in_the_runtime_context():
    assert CONTEXT.traps[decimal.FloatOperation]
    with localcontext(CONTEXT):
        with pytest.raises(decimal.FloatOperation):
            Decimal(0.1)
        with pytest.raises(decimal.FloatOperation):
            _ = Decimal("1") < 1.5
        with pytest.raises(decimal.FloatOperation):
            CONTEXT.create_decimal(0.5)


def test_a_float_is_refused_where_it_enters(project):
    """A binary float is never exact money: evaluate() refuses it, naming the fact, before computing."""
    from rulelang.runtime import evaluate

    rs = project.rules("""
        invoer inkomen: geld
        invoer bedragen: lijst van geld
        uitkomst hoog: ja/nee
            bron "x"
            waarde inkomen > € 100
    """)
    assert value(rs, "hoog", facts={"inkomen": Decimal("100.01")}) is True
    with pytest.raises(TypeError, match="feit 'inkomen' is een float"):
        evaluate(rs.cls, {"inkomen": 100.01}, {}, _dt.date(2026, 1, 1))
    with pytest.raises(TypeError, match=r"feit 'bedragen\[2\]' is een float"):
        evaluate(rs.cls, {"inkomen": Decimal(1), "bedragen": (Decimal(1), 0.5)}, {}, _dt.date(2026, 1, 1))


def test_generated_code_contains_no_float_literal(project):
    rs = project.rules(ROUNDING_RULES + """
    definitie getal_x: getal
        bron "x"
        waarde 2,5 * 1,25 + 0,1
    definitie pct: percentage
        bron "x"
        waarde 12,5%
    """)
    numbers = [tok.string for tok in tokenize.generate_tokens(io.StringIO(rs.python_source).readline)
               if tok.type == tokenize.NUMBER]
    assert numbers, "the generated code has integer literals (symbol ids, dates)"
    for text in numbers:
        assert text.isdigit(), f"float or complex literal in generated code: {text}"
    assert "R.D('2.5')" in rs.python_source and "R.D('0.125')" in rs.python_source
    assert value(rs, "getal_x") == Decimal("3.225")
    assert value(rs, "pct") == Decimal("0.125")


def test_results_are_decimals(project):
    rs = project.rules("""
        invoer n: geheel getal
        definitie a: geld
            bron "x"
            waarde € 1 * n / 4
        definitie b: getal
            bron "x"
            waarde n / 4
    """)
    for name in ("a", "b"):
        got = value(rs, name, facts={"n": 3})
        assert type(got) is Decimal and got == Decimal("0.75")


@pytest.mark.parametrize("amount, text", [
    ("1200.5", "€ 1.200,50"), ("0", "€ 0,00"), ("1234567.891", "€ 1.234.567,891"), ("-12.5", "-€ 12,50"),
    ("333.3333333333333333333333333333333", "€ 333,3333333333333333333333333333333"),
])
def test_dutch_money_formatting_never_hides_digits(amount, text):
    assert format_money(Decimal(amount)) == text


def test_fraction_helper_is_independent():
    """The reference implementation agrees with hand-computed values (so the property test can fail)."""
    assert expected_cents(Decimal("1.005"), 1, "half_up") == 101
    assert expected_cents(Decimal("-1.005"), 1, "half_up") == -101
    assert expected_cents(Decimal("101"), 5000, "up") == 15000
    assert expected_cents(Decimal("-0.01"), 100, "down") == -100
    assert math.isclose(expected_cents(Decimal("2.675"), 1, "half_up"), 268)


@settings(max_examples=300, deadline=None)
@given(st.decimals(allow_nan=False, allow_infinity=False, places=None, min_value=Decimal("-1e40"),
                   max_value=Decimal("1e40")),
       st.sampled_from([decimal.getcontext().prec, 6, 34]))
def test_money_and_numbers_are_shown_with_every_digit_in_any_context(x, prec):
    """What an explanation shows is the value itself: formatting never raises, never rounds, whatever
    the caller's decimal context (a 32-digit amount once failed under the default 28 digits)."""
    with decimal.localcontext(decimal.Context(prec=prec)):
        money = format_money(x)
        number = format_value(x, "dec")
        pct = format_value(x, "pct")
    wide = decimal.Context(prec=200)
    assert Decimal(money.replace("€ ", "").replace(".", "").replace(",", ".")) == x
    assert len(money.split(",")[1]) >= 2  # at least the cents, always
    assert Decimal(number.replace(",", ".")) == x
    assert Decimal(pct[:-1].replace(",", ".")) == wide.multiply(x, 100)
