"""The baseline: the monthly bijstand decision of rules/participatiewet/bijstand.rule (with its imports)
written by hand in plain Python — what a careful programmer would write, and the limit for Python.

Same inputs as rulelang (facts with `Decimal` money and `date`s, decisions with a `.value`), same
outcome and the same parts, exact `Decimal` arithmetic in the same context (34 digits), rounding only
where the rules round (half up to cents). An outcome that rulelang reports as geblokkeerd is BLOCKED
here. Parameters are the tables of the rule files, by validity date.

This is a benchmark, not a second source of truth: when it disagrees with rulelang, the benchmark says
so for every household where it happens.
"""
from __future__ import annotations

import calendar
import datetime as _dt
import decimal
from decimal import ROUND_HALF_UP, Decimal

CTX = decimal.Context(prec=34, rounding=decimal.ROUND_HALF_EVEN,
                      traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow])
CENT = Decimal("0.01")
ZERO = Decimal(0)
BLOCKED = "geblokkeerd"

d = _dt.date
H1, H2 = d(2026, 1, 1), d(2026, 7, 1)


def _table(*rows):
    """[(start, end, value)] from (start, value) pairs, the last one ending 1 January 2027."""
    out = []
    for i, (start, value) in enumerate(rows):
        end = rows[i + 1][0] if i + 1 < len(rows) else d(2027, 1, 1)
        out.append((start, end, Decimal(value)))
    return tuple(out)


def _halves(*values):
    starts = (d(2024, 1, 1), d(2024, 7, 1), d(2025, 1, 1), d(2025, 7, 1), d(2026, 1, 1), d(2026, 7, 1))
    return _table(*zip(starts, values))


NORM = {  # Participatiewet art. 20-23, per half year, inclusive of vakantietoeslag
    "alleenstaande_18_20": _halves("316.94", "323.03", "332.17", "337.98", "345.99", "350.42"),
    "gehuwden_beiden_18_20": _halves("633.88", "646.06", "664.34", "675.96", "691.98", "700.84"),
    "gehuwden_een_18_20": _halves("1233.96", "1257.64", "1293.21", "1315.88", "1347.06", "1364.32"),
    "gehuwden_beiden_18_20_kinderen": _halves("1000.69", "1019.90", "1048.75", "1067.12", "1092.41", "1106.40"),
    "gehuwden_een_18_20_kinderen": _halves("1600.77", "1631.48", "1677.62", "1707.04", "1747.49", "1769.88"),
    "alleenstaande": _halves("1283.83", "1308.45", "1345.45", "1369.06", "1401.50", "1419.46"),
    "gehuwden": _halves("1834.04", "1869.21", "1922.07", "1955.80", "2002.13", "2027.79"),
    "alleenstaande_aow": _halves("1425.76", "1456.85", "1501.07", "1530.21", "1564.69", "1587.34"),
    "gehuwden_aow": _halves("1932.32", "1976.64", "2053.48", "2094.98", "2144.16", "2176.10"),
    "inrichting_alleenstaande": _halves("406.51", "414.31", "426.03", "433.49", "443.76", "449.44"),
    "inrichting_gehuwden": _halves("632.31", "644.45", "662.69", "674.29", "690.27", "699.11"),
    "verhoging_inrichting_alleenstaande": _halves("42.00", "42.00", "45.00", "45.00", "47.00", "47.00"),
    "verhoging_inrichting_gehuwden": _halves("95.00", "95.00", "101.00", "101.00", "106.00", "106.00"),
    "verhoging_jongere_zonder_ouders": _table((H1, "746.45"), (H2, "762.24")),
}
VERMOGENSGRENS_ALLEENSTAANDE = _table((d(2024, 1, 1), "7575"), (d(2025, 1, 1), "7770"), (d(2026, 1, 1), "8000"))
VERMOGENSGRENS_GEZIN = _table((d(2024, 1, 1), "15150"), (d(2025, 1, 1), "15540"), (d(2026, 1, 1), "16000"))
VRIJLATINGSGRENS_GIFTEN = _table((H1, "1200.00"))
GEDOOGBESLUIT_VANAF = d(2026, 7, 3)  # mantelzorgontvanger (Verzamelbrief 3 juli 2026)
TOEPASSINGSDATUM_34A = H1
VRIJLATING, VRIJLATING_AOW, MAX_VRIJLATING_AOW = Decimal("0.15"), Decimal("0.25"), Decimal("226")
MAXIMALE_PERIODE = 12
VERLAGING = {"categorie_1": Decimal("0.05"), "categorie_2": Decimal("0.30"), "categorie_3": Decimal("1")}


class NoVersion(Exception):
    pass


class NoRule(Exception):
    pass


class Missing(Exception):
    pass


def at(table, p: _dt.date) -> Decimal:
    for start, end, value in table:
        if start <= p < end:
            return value
    raise NoVersion(p)


def age(birth: _dt.date, on: _dt.date) -> int:
    """Whole years; born on 29 February means a year older on 28 February in a common year."""
    months = (on.year - birth.year) * 12 + on.month - birth.month
    if min(birth.day, calendar.monthrange(on.year, on.month)[1]) > on.day:
        months -= 1
    return months // 12


def _decision(decisions: dict, name: str, default=None):
    x = decisions.get(name)
    if x is None:
        if default is None:
            raise Missing(name)
        return default
    return x.value


def norm(f: dict, p: _dt.date, gehuwd: bool, la: int, lp: int | None) -> Decimal:
    """bijstandsnorm (art. 20-23)."""
    inrichting = f.get("woont_in_inrichting", False)
    if inrichting:
        if gehuwd:
            return at(NORM["inrichting_gehuwden"], p) + at(NORM["verhoging_inrichting_gehuwden"], p)
        return at(NORM["inrichting_alleenstaande"], p) + at(NORM["verhoging_inrichting_alleenstaande"], p)
    aow = f["aow_leeftijd_bereikt"]
    jong = 18 <= la <= 20
    if not gehuwd:
        if la >= 21 and not aow:
            base = at(NORM["alleenstaande"], p)
        elif aow:
            base = at(NORM["alleenstaande_aow"], p)
        elif jong:
            base = at(NORM["alleenstaande_18_20"], p)
        else:
            raise NoRule("norm_zelfstandig")
        if jong and f.get("kan_niet_terugvallen_op_ouders", False) and p >= H1:
            base += min(at(NORM["verhoging_jongere_zonder_ouders"], p),
                        at(NORM["alleenstaande"], p) - at(NORM["alleenstaande_18_20"], p))
        return base
    paow = f.get("partner_aow_leeftijd_bereikt", False)
    pjong = 18 <= lp <= 20
    kinderen = f.get("kinderen_ten_laste", False)
    if la >= 21 and lp >= 21:
        return at(NORM["gehuwden_aow" if aow or paow else "gehuwden"], p)
    if jong and pjong:
        return at(NORM["gehuwden_beiden_18_20_kinderen" if kinderen else "gehuwden_beiden_18_20"], p)
    if (jong and lp >= 21) or (pjong and la >= 21):
        return at(NORM["gehuwden_een_18_20_kinderen" if kinderen else "gehuwden_een_18_20"], p)
    raise NoRule("norm_zelfstandig")


def kostendelers(f: dict, p: _dt.date) -> int:
    gedoog = p >= GEDOOGBESLUIT_VANAF
    n = 0
    for m in f["medebewoners"]:
        if (age(m["geboortedatum"], p) >= 27
                and not (m["commerciele_overeenkomst"] and not m["familie_eerste_of_tweede_graad"])
                and not m["volgt_onderwijs_met_studiefinanciering"]
                and not (gedoog and m["verleent_mantelzorg_aan_aanvrager"])):
            n += 1
    return n


def toepasselijke_norm(f: dict, decisions: dict, p: _dt.date, gehuwd: bool, la: int, lp: int | None):
    """art. 20-23 and the kostendelersnorm (art. 22a; not for a mantelzorger, lid 4, nor when the college
    decides otherwise, art. 18 lid 1); BLOCKED for art. 22a lid 3."""
    ak = kostendelers(f, p)
    if gehuwd and 18 <= lp <= 20 and ak > 0:
        return BLOCKED  # art. 22a lid 3 is not in the rule set
    inrichting = f.get("woont_in_inrichting", False)
    if (not (ak > 0 and la >= 21 and not inrichting) or (p >= H1 and f.get("tijdelijk_elders_voor_mantelzorg", False))
            or _decision(decisions, "afzien_kostendelersnorm", False)):
        return norm(f, p, gehuwd, la, lp)
    a = ak + 1 + (1 if gehuwd and lp >= 21 else 0)
    aow = f["aow_leeftijd_bereikt"]
    basis = at(NORM["gehuwden_aow" if aow or (gehuwd and f.get("partner_aow_leeftijd_bereikt", False))
                    else "gehuwden"], p)
    per_persoon = (Decimal(40 + a * 30) / (a * 100) * basis).quantize(CENT, ROUND_HALF_UP)
    return 2 * per_persoon if gehuwd else per_persoon


def months_between_calendar(a: _dt.date, b: _dt.date) -> int:
    return (b.year - a.year) * 12 + (b.month - a.month)


def inkomsten_in_mindering(f: dict, decisions: dict, p: _dt.date):
    """art. 31 lid 1 and art. 34a: income from work minus what is left free."""
    ink = f["inkomsten_uit_arbeid"]
    if ink == 0:
        return ZERO
    if ink < 0:
        raise NoRule("inkomsten_in_mindering")
    if p < TOEPASSINGSDATUM_34A:
        return BLOCKED
    aow = f["aow_leeftijd_bereikt"]
    medisch = f.get("medisch_urenbeperkt", False)
    if aow:
        vrij = min((VRIJLATING_AOW * ink).quantize(CENT, ROUND_HALF_UP), MAX_VRIJLATING_AOW)
    elif medisch:
        vrij = (VRIJLATING * ink).quantize(CENT, ROUND_HALF_UP)
    else:
        maand = months_between_calendar(f["begin_periode"], p) + 1
        if 1 <= maand <= MAXIMALE_PERIODE:
            vrij_ok = _decision(decisions, "draagt_bij_aan_arbeidsinschakeling")
        elif maand > MAXIMALE_PERIODE:
            if _decision(decisions, "verlenging", False):
                vrij_ok = p <= _decision(decisions, "verlengd_tot_en_met")
            else:
                vrij_ok = (f.get("nieuw_dienstverband", False) and _decision(decisions, "opnieuw_toepassen", False)
                           and 1 <= months_between_calendar(f["begin_nieuw_dienstverband"], p) + 1 <= MAXIMALE_PERIODE)
        else:
            vrij_ok = False
        vrij = (VRIJLATING * ink).quantize(CENT, ROUND_HALF_UP) if vrij_ok else ZERO
    return ink - vrij


def giften_als_middel(f: dict, decisions: dict, p: _dt.date) -> Decimal:
    """art. 31 lid 2 m: the part of this month's gifts above the yearly limit (keuze 2 of bijstand.rule)."""
    grens = at(VRIJLATINGSGRENS_GIFTEN, p)
    year, first = p.year, p.replace(day=1)
    tot_peildatum = tot_vorige_maand = ZERO
    for b in f["ontvangen_bijdragen"]:
        datum = b["datum"]
        if datum.year == year and b["soort"] != "voedselbank":
            if datum <= p:
                tot_peildatum += b["bedrag"]
            if datum < first:
                tot_vorige_maand += b["bedrag"]
    if tot_peildatum > grens and _decision(decisions, "meer_giften_verantwoord", False):
        meegeteld = ZERO * tot_peildatum
    else:
        meegeteld = tot_peildatum - min(tot_peildatum, grens)
    return meegeteld - max(tot_vorige_maand - grens, ZERO)


def vermogen(f: dict, p: _dt.date):
    """art. 34: (vermogen boven de grens, recht gelet op het vermogen)."""
    grens = at(VERMOGENSGRENS_ALLEENSTAANDE if f["leefvorm"] == "alleenstaande" else VERMOGENSGRENS_GEZIN, p)
    v = max(f["bezittingen"] - f.get("schulden", ZERO) - f.get("tijdens_bijstand_opgebouwd", ZERO), ZERO)
    return max(v - grens, ZERO), v <= grens


def tijdig(f: dict) -> bool:
    return f["toelichtingsgesprek_gevoerd"] and (
        f["overtreding_vastgesteld_op"] <= f["datum_toelichtingsgesprek"] <= f["datum_besluit"])


def decide(f: dict, decisions: dict, p: _dt.date) -> tuple:
    """The monthly decision: a value (or BLOCKED) for each name in caseload.OUTPUTS, in that order."""
    with decimal.localcontext(CTX):
        gehuwd = f["leefvorm"] == "gehuwden"
        la = age(f["geboortedatum"], p)
        lp = age(f["geboortedatum_partner"], p) if gehuwd else None
        boven, recht = vermogen(f, p)
        tn = toepasselijke_norm(f, decisions, p, gehuwd, la, lp)
        inkomsten = inkomsten_in_mindering(f, decisions, p)
        giften = giften_als_middel(f, decisions, p)
        middelen = BLOCKED if inkomsten is BLOCKED else inkomsten + f.get("overige_inkomsten", ZERO) + giften
        if f.get("overtreding_in_deze_maand", False) and tijdig(f):
            if tn is BLOCKED:
                verlaging = BLOCKED
            elif _decision(decisions, "verwijtbaarheid_ontbreekt", False):
                verlaging = (ZERO * tn).quantize(CENT, ROUND_HALF_UP)
            else:
                verlaging = (VERLAGING[f["categorie_overtreding"]] * tn).quantize(CENT, ROUND_HALF_UP)
        else:
            verlaging = ZERO
        if not recht:
            bijstand = ZERO
        elif BLOCKED in (tn, middelen, verlaging):
            bijstand = BLOCKED
        else:
            bijstand = max(tn - middelen - verlaging, ZERO)
        return bijstand, tn, middelen, inkomsten, giften, verlaging, recht, boven
