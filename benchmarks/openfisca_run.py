"""Feeding the synthetic caseload to the OpenFisca package (benchmarks/openfisca_bijstand).

- `situation(c, i)`: household i as an OpenFisca situation (the JSON-like dict of the web API), for the
  scalar calculation: one simulation per household (`calculate_scalar`).
- `calculate_vector(tbs, c)`: the whole caseload as arrays, one simulation per calendar month (a
  simulation has one period), every variable computed once for all its households.

Both return, per household, the OUTPUTS of caseload.py as floats (and a `geblokkeerd` flag), so the
benchmark can compare them with the exact results to the cent.
"""
from __future__ import annotations

import datetime as _dt

import numpy as np

from . import caseload as C

OF_OUTPUTS = ("algemene_bijstand", "toepasselijke_norm", "middelen", "inkomsten_in_mindering", "giften_als_middel",
              "verlaging_deze_maand", "recht_gelet_op_vermogen", "vermogen_boven_grens")
HOUSEHOLD_INPUTS = [k for k in C.SCALAR_INPUTS if k not in (
    "geboortedatum", "aow_leeftijd_bereikt", "geboortedatum_partner", "partner_aow_leeftijd_bereikt")]
ETERNITY_INPUTS = {"begin_periode", "begin_nieuw_dienstverband", "overtreding_vastgesteld_op",
                   "datum_toelichtingsgesprek", "datum_besluit", "verlengd_tot_en_met", "geboortedatum"}
MB_FIELDS = [k for k in C.MEDEBEWONER_FIELDS if k != "geboortedatum"]


def tax_benefit_system():
    from .openfisca_bijstand import CountryTaxBenefitSystem

    return CountryTaxBenefitSystem()


def _month(c: C.Caseload, i: int) -> str:
    d = _dt.date.fromordinal(int(c.peildatum[i]))
    return f"{d.year}-{d.month:02d}"


def _json(kind: str, name: str, v):
    if kind == "date":
        return _dt.date.fromordinal(int(v)).isoformat()
    if kind == "money":
        return int(v) / 100
    if kind == "bool":
        return bool(v)
    return C.ENUMS[name][int(v)]


def _gifts_by_month(c: C.Caseload, i: int, year: int) -> dict[str, float]:
    """The gifts of household i per month of the peildatum's year, without the voedselbank."""
    out: dict[str, int] = {}
    for j in range(c.bd_offsets[i], c.bd_offsets[i + 1]):
        d = _dt.date.fromordinal(int(c.bd["datum"][j]))
        if d.year == year and C.SOORTEN[int(c.bd["soort"][j])] != "voedselbank":
            key = f"{d.year}-{d.month:02d}"
            out[key] = out.get(key, 0) + int(c.bd["bedrag"][j])
    return {k: v / 100 for k, v in out.items()}


def situation(c: C.Caseload, i: int) -> dict:
    month = _month(c, i)

    def value(name, kind):
        return {"ETERNITY" if name in ETERNITY_INPUTS else month: _json(kind, name, c.cols[name][i])}

    persons = {"aanvrager": {"geboortedatum": {"ETERNITY": _json("date", "", c.cols["geboortedatum"][i])},
                             "aow_leeftijd_bereikt": {month: bool(c.cols["aow_leeftijd_bereikt"][i])}}}
    household: dict = {"aanvragers": ["aanvrager"]}
    if c.present["geboortedatum_partner"][i]:
        persons["partner"] = {"geboortedatum": {"ETERNITY": _json("date", "", c.cols["geboortedatum_partner"][i])},
                              "aow_leeftijd_bereikt": {month: bool(c.cols["partner_aow_leeftijd_bereikt"][i])}}
        household["partners"] = ["partner"]
    mbs = []
    for k, j in enumerate(range(c.mb_offsets[i], c.mb_offsets[i + 1])):
        pid = f"medebewoner_{k + 1}"
        persons[pid] = {"geboortedatum": {"ETERNITY": _json("date", "", c.mb["geboortedatum"][j])},
                        **{f: {month: bool(c.mb[f][j])} for f in MB_FIELDS}}
        mbs.append(pid)
    if mbs:
        household["medebewoners"] = mbs
    for name in HOUSEHOLD_INPUTS:
        if c.present[name][i]:
            household[name] = value(name, C.SCALAR_INPUTS[name])
    for name, kind in C.DECISIONS.items():
        if c.present[name][i]:
            household[name] = value(name, kind)
    gifts = _gifts_by_month(c, i, int(month[:4]))
    if gifts:
        household["giften"] = gifts
    return {"personen": persons, "huishoudens": {"huishouden": household}}


def calculate_scalar(tbs, c: C.Caseload, i: int, sit: dict | None = None):
    """One household, one simulation: (outputs as floats, geblokkeerd)."""
    from openfisca_core.simulation_builder import SimulationBuilder

    sim = SimulationBuilder().build_from_entities(tbs, sit if sit is not None else situation(c, i))
    month = _month(c, i)
    out = tuple(float(sim.calculate(v, month)[0]) for v in OF_OUTPUTS)
    return out, bool(sim.calculate("kostendelersnorm_geblokkeerd", month)[0])


def calculate_vector(tbs, c: C.Caseload):
    """The whole caseload: one simulation per month. Returns ({output: float64 array}, blocked array)."""
    from openfisca_core.simulation_builder import SimulationBuilder

    results = {v: np.zeros(c.n) for v in OF_OUTPUTS}
    blocked = np.zeros(c.n, bool)
    months = (c.peildatum - C._EPOCH_ORD).astype("datetime64[D]").astype("datetime64[M]")
    for m in np.unique(months):
        idx = np.nonzero(months == m)[0]
        sub = c.subset(idx)
        period = str(m)
        sim = _simulation(SimulationBuilder(), tbs, sub, period)
        for v in OF_OUTPUTS:
            results[v][idx] = sim.calculate(v, period)
        blocked[idx] = sim.calculate("kostendelersnorm_geblokkeerd", period)
    return results, blocked


def _simulation(sb, tbs, c: C.Caseload, period: str):
    """Households and persons as arrays (aanvrager, partner where gehuwd, medebewoners)."""
    n = c.n
    has_partner = c.present["geboortedatum_partner"]
    n_mb = np.diff(c.mb_offsets)
    per_household = 1 + has_partner.astype(np.int64) + n_mb
    hh_of_person = np.repeat(np.arange(n), per_household)
    starts = np.concatenate(([0], np.cumsum(per_household)[:-1]))
    rank = np.arange(len(hh_of_person)) - starts[hh_of_person]  # 0 aanvrager, then partner, then medebewoners
    role = np.where(rank == 0, 0, np.where(has_partner[hh_of_person] & (rank == 1), 1, 2))
    sb.create_entities(tbs)
    sb.declare_person_entity("persoon", np.arange(len(hh_of_person)))
    hh = sb.declare_entity("huishouden", np.arange(n))
    sb.join_with_persons(hh, hh_of_person, role)
    sim = sb.build(tbs)

    def to_date(ordinals):
        return (np.asarray(ordinals) - C._EPOCH_ORD).astype("datetime64[D]")

    # persons: the aanvrager, the partner, the medebewoners (in that order within a household)
    birth = np.zeros(len(hh_of_person), np.int64)
    aow = np.zeros(len(hh_of_person), bool)
    birth[role == 0] = c.cols["geboortedatum"]
    aow[role == 0] = c.cols["aow_leeftijd_bereikt"]
    birth[role == 1] = c.cols["geboortedatum_partner"][has_partner]
    aow[role == 1] = c.cols["partner_aow_leeftijd_bereikt"][has_partner]
    birth[role == 2] = c.mb["geboortedatum"]
    sim.set_input("geboortedatum", "ETERNITY", to_date(birth))
    sim.set_input("aow_leeftijd_bereikt", period, aow)
    for f in MB_FIELDS:
        x = np.zeros(len(hh_of_person), bool)
        x[role == 2] = c.mb[f]
        sim.set_input(f, period, x)
    # households (absent values are the default of the variable, as rulelang's `standaard`)
    for name in HOUSEHOLD_INPUTS + list(C.DECISIONS):
        kind = C.SCALAR_INPUTS.get(name) or C.DECISIONS[name]
        vals, pres = c.cols[name], c.present[name]
        if kind == "date":
            sim.set_input(name, "ETERNITY", to_date(np.where(pres, vals, C._EPOCH_ORD)))
        elif kind == "money":
            sim.set_input(name, period, np.where(pres, vals, 0) / 100)
        elif kind == "enum":
            sim.set_input(name, period, np.where(pres, vals, 0).astype(np.int16))
        else:
            sim.set_input(name, period, np.where(pres, vals, False))
    # gifts per month of the year, without the voedselbank
    year = int(period[:4])
    owner = np.repeat(np.arange(n), np.diff(c.bd_offsets))
    y, mo, _ = C.ymd(c.bd["datum"])
    keep = (y == year) & (np.asarray(C.SOORTEN)[c.bd["soort"]] != "voedselbank")
    for month in range(1, int(period[5:7]) + 1):
        sel = keep & (mo == month)
        cents = np.bincount(owner[sel], weights=c.bd["bedrag"][sel], minlength=n)
        sim.set_input("giften", f"{year}-{month:02d}", cents / 100)
    return sim
