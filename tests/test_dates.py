"""Dates: month arithmetic at month ends, months/years between, leap years.

The properties are checked against dateutil.relativedelta, an independent implementation that clamps
to the end of the month in the same way (31 januari + 1 maand = 28/29 februari).
"""
from __future__ import annotations

import datetime as _dt

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from rulelang.runtime.values import (Duur, add_duration, add_months, calendar_months_between, months_between,
                                     years_between)

from .conftest import problem, value

D = _dt.date
dates = st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 12, 31))
# dates near month ends hit the clamping rules far more often
month_ends = st.builds(lambda y, m, back: (D(y, m, 1) + relativedelta(months=1)) - _dt.timedelta(days=back),
                       st.integers(1900, 2200), st.integers(1, 12), st.integers(1, 4))
any_date = st.one_of(dates, month_ends)


@pytest.mark.parametrize("start, months, expected", [
    (D(2026, 1, 31), 1, D(2026, 2, 28)),
    (D(2024, 1, 31), 1, D(2024, 2, 29)),  # leap year
    (D(2100, 1, 31), 1, D(2100, 2, 28)),  # 2100 is not a leap year
    (D(2000, 1, 31), 1, D(2000, 2, 29)),  # 2000 is
    (D(2026, 3, 31), 1, D(2026, 4, 30)),
    (D(2026, 3, 31), -1, D(2026, 2, 28)),
    (D(2026, 12, 15), 1, D(2027, 1, 15)),
    (D(2026, 1, 15), -1, D(2025, 12, 15)),
    (D(2024, 2, 29), 12, D(2025, 2, 28)),
    (D(2024, 2, 29), 48, D(2028, 2, 29)),
    (D(2026, 1, 31), 0, D(2026, 1, 31)),
])
def test_add_months_clamps_to_the_month_end(start, months, expected):
    assert add_months(start, months) == expected


@settings(max_examples=300, deadline=None)
@given(d=any_date, n=st.integers(-1200, 1200))
def test_add_months_agrees_with_relativedelta(d, n):
    assert add_months(d, n) == d + relativedelta(months=n)


@settings(max_examples=300, deadline=None)
@given(a=any_date, b=any_date)
def test_months_between_is_the_largest_n_with_a_plus_n_months_not_after_b(a, b):
    n = months_between(a, b)
    if b >= a:
        assert n >= 0
        assert a + relativedelta(months=n) <= b
        assert a + relativedelta(months=n + 1) > b
    else:
        assert n == -months_between(b, a)


@settings(max_examples=300, deadline=None)
@given(a=any_date, b=any_date)
def test_years_between_is_the_largest_y_with_a_plus_y_years_not_after_b(a, b):
    assume(b >= a)
    y = years_between(a, b)
    assert a + relativedelta(years=y) <= b
    assert a + relativedelta(years=y + 1) > b


@settings(max_examples=200, deadline=None)
@given(a=any_date, b=any_date)
def test_calendar_months_between_ignores_the_day(a, b):
    assert calendar_months_between(a, b) == (b.year - a.year) * 12 + b.month - a.month


@settings(max_examples=200, deadline=None)
@given(d=any_date, n=st.integers(0, 500), unit=st.sampled_from(["dagen", "weken", "maanden", "jaren"]))
def test_add_duration_agrees_with_relativedelta(d, n, unit):
    delta = {"dagen": relativedelta(days=n), "weken": relativedelta(weeks=n), "maanden": relativedelta(months=n),
             "jaren": relativedelta(years=n)}[unit]
    assert add_duration(d, Duur(n, unit)) == d + delta
    assert add_duration(d, Duur(n, unit), -1) == d - delta


@pytest.mark.parametrize("a, b, expected", [
    (D(2026, 1, 31), D(2026, 2, 28), 1),
    (D(2026, 1, 31), D(2026, 2, 27), 0),
    (D(2026, 1, 30), D(2026, 2, 28), 1),  # 30 januari + 1 maand = 28 februari
    (D(2024, 1, 31), D(2024, 2, 28), 0),  # in a leap year 31 januari + 1 maand = 29 februari
    (D(2024, 1, 31), D(2024, 2, 29), 1),
    (D(2026, 1, 1), D(2026, 12, 31), 11),
    (D(2026, 1, 1), D(2027, 1, 1), 12),
    (D(2026, 3, 31), D(2026, 1, 31), -2),
])
def test_months_between_examples(a, b, expected):
    assert months_between(a, b) == expected


@pytest.mark.parametrize("born, on, age", [
    (D(2004, 2, 29), D(2005, 2, 27), 0),
    (D(2004, 2, 29), D(2005, 2, 28), 1),  # a 29 februari birthday counts on 28 februari in other years
    (D(2004, 2, 29), D(2005, 3, 1), 1),
    (D(2004, 2, 29), D(2008, 2, 28), 3),  # in a leap year the birthday is 29 februari again
    (D(2004, 2, 29), D(2008, 2, 29), 4),
    (D(2000, 6, 15), D(2026, 6, 14), 25),
    (D(2000, 6, 15), D(2026, 6, 15), 26),
])
def test_years_between_on_birthdays(born, on, age):
    assert years_between(born, on) == age


DATE_RULES = """
    invoer geboren: datum
    invoer start: datum

    definitie plus_maand: datum
        bron "x"
        waarde start + 1 maand
    definitie min_maand: datum
        bron "x"
        waarde start - 1 maand
    definitie plus_jaar: datum
        bron "x"
        waarde start + 1 jaar
    definitie plus_weken: datum
        bron "x"
        waarde start + 2 weken
    definitie plus_dagen: datum
        bron "x"
        waarde start + 30 dagen
    definitie maanden: geheel getal
        bron "x"
        waarde maanden_tussen(start; peildatum)
    definitie kalendermaanden: geheel getal
        bron "x"
        waarde kalendermaanden_tussen(start; peildatum)
    definitie dagen: geheel getal
        bron "x"
        waarde dagen_tussen(start; peildatum)
    definitie leeftijd_nu: geheel getal
        bron "x"
        waarde leeftijd(geboren; peildatum)
    definitie jaren: geheel getal
        bron "x"
        waarde jaren_tussen(geboren; peildatum)
    definitie maandeinde: datum
        bron "x"
        waarde laatste_dag_van_maand(start)
    definitie maandbegin: datum
        bron "x"
        waarde eerste_dag_van_maand(start)
    definitie jaarbegin: datum
        bron "x"
        waarde begin_kalenderjaar(start)
    definitie jaar_en_maand: geheel getal
        bron "x"
        waarde kalenderjaar(start) * 100 + kalendermaand(start)
    definitie gemaakt: datum
        bron "x"
        waarde datum(2024; 2; 29)
    definitie termijn_verstreken: ja/nee
        bron "x"
        waarde start + 3 maanden <= peildatum
    definitie in_termijn: ja/nee
        bron "x"
        waarde peildatum tussen start en start + 6 maanden
"""


@pytest.fixture
def dates_rs(project):
    return project.rules(DATE_RULES)


def test_date_functions_in_the_language(dates_rs):
    facts = {"geboren": D(2004, 2, 29), "start": D(2024, 1, 31)}
    p = D(2025, 2, 28)
    expected = {
        "plus_maand": D(2024, 2, 29), "min_maand": D(2023, 12, 31), "plus_jaar": D(2025, 1, 31),
        "plus_weken": D(2024, 2, 14), "plus_dagen": D(2024, 3, 1), "maanden": 13, "kalendermaanden": 13,
        "dagen": 394, "leeftijd_nu": 21, "jaren": 21, "maandeinde": D(2024, 1, 31), "maandbegin": D(2024, 1, 1),
        "jaarbegin": D(2024, 1, 1), "jaar_en_maand": 202401, "gemaakt": D(2024, 2, 29),
        "termijn_verstreken": True, "in_termijn": False,
    }
    got = {name: value(dates_rs, name, p, facts) for name in expected}
    assert got == expected


def test_birthday_on_29_february_in_the_language(dates_rs):
    born = {"geboren": D(2008, 2, 29), "start": D(2026, 1, 1)}
    assert value(dates_rs, "leeftijd_nu", D(2026, 2, 27), born) == 17
    assert value(dates_rs, "leeftijd_nu", D(2026, 2, 28), born) == 18


def test_month_end_of_a_leap_february(dates_rs):
    facts = {"geboren": D(2000, 1, 1), "start": D(2024, 2, 10)}
    assert value(dates_rs, "maandeinde", D(2026, 1, 1), facts) == D(2024, 2, 29)
    facts = {"geboren": D(2000, 1, 1), "start": D(2026, 1, 31)}
    assert value(dates_rs, "plus_maand", D(2026, 1, 1), facts) == D(2026, 2, 28)


def test_a_date_that_does_not_exist_is_a_reported_error(project):
    rs = project.rules("""
        invoer dag: geheel getal
        uitkomst d: datum
            bron "x"
            waarde datum(2026; 2; dag)
        uitkomst ver: datum
            bron "x"
            waarde peildatum + 10000 jaren
    """)
    assert value(rs, "d", facts={"dag": 28}) == D(2026, 2, 28)
    status, text = problem(rs, "d", facts={"dag": 30})
    assert status == "fout" and text.startswith("RL506 rekenfout in 'd' (r.rule:4)")
    status, text = problem(rs, "ver", facts={"dag": 1})
    assert status == "fout" and text.startswith("RL506 rekenfout in 'ver' (r.rule:7)")


def test_durations_compare_within_their_kind():
    assert Duur(1, "jaren") == Duur(12, "maanden")
    assert Duur(2, "weken") == Duur(14, "dagen")
    assert Duur(11, "maanden") < Duur(1, "jaren")
    with pytest.raises(ArithmeticError):
        _ = Duur(30, "dagen") < Duur(1, "maanden")
