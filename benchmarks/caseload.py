"""A deterministic synthetic caseload for rules/participatiewet/bijstand.rule.

`generate(n, seed)` draws n households with numpy's seeded PCG64 generator and keeps them in columns
(numpy arrays): that one form feeds every implementation in the benchmark —

- `facts(c, i)` gives household i as rulelang facts and decisions (exact `Decimal`, `date`),
- `csv_rows`/`write_csv`/`write_parquet` give the input of `rulelang batch`,
- the OpenFisca adapter and the columnar backend read the arrays directly.

Money is kept in integer cents, dates as proleptic ordinals (`date.toordinal()`), so the same seed gives
byte-identical households on every machine. A household has: a peildatum (the last day of a month in
2026), leefvorm, age (and a partner's), AOW, children, an inrichting, co-residents (medebewoners, some
of them kostendelers), income from work (with the 12-month period of art. 34a, medisch urenbeperkt, a
new job, the college's decisions), other income, gifts and contributions across the year (some after the
peildatum, some in the previous year, voedselbank), vermogen (bezittingen, schulden, savings during
bijstand), and in some months an overtreding with or without a timely toelichtingsgesprek.
"""
from __future__ import annotations

import datetime as _dt
import json
from decimal import Decimal

import numpy as np

from rulelang.runtime import Decision

LEEFVORMEN = ("alleenstaande", "alleenstaande_ouder", "gehuwden")
SOORTEN = ("gift_in_geld", "waardevaste_gift_in_natura", "kostenbesparende_bijdrage", "voedselbank")
CATEGORIEEN = ("categorie_1", "categorie_2", "categorie_3")
YEAR = 2026

# what the benchmark compares: the monthly decision and its parts
OUTPUTS = ("algemene_bijstand", "toepasselijke_norm", "middelen", "inkomsten_in_mindering", "giften_als_middel",
           "verlaging_deze_maand", "recht_gelet_op_vermogen", "vermogen_boven_grens")
MAIN = "algemene_bijstand"

_EPOCH_ORD = _dt.date(1970, 1, 1).toordinal()

# input columns: name -> kind (as in the rule set's META); the order is the column order of a batch file
SCALAR_INPUTS = {
    "leefvorm": "enum", "geboortedatum": "date", "aow_leeftijd_bereikt": "bool",
    "geboortedatum_partner": "date", "partner_aow_leeftijd_bereikt": "bool", "kinderen_ten_laste": "bool",
    "woont_in_inrichting": "bool", "kan_niet_terugvallen_op_ouders": "bool",
    "tijdelijk_elders_voor_mantelzorg": "bool",
    "bezittingen": "money", "schulden": "money", "tijdens_bijstand_opgebouwd": "money",
    "inkomsten_uit_arbeid": "money", "medisch_urenbeperkt": "bool", "begin_periode": "date",
    "nieuw_dienstverband": "bool", "begin_nieuw_dienstverband": "date", "overige_inkomsten": "money",
    "overtreding_in_deze_maand": "bool", "overtreding_vastgesteld_op": "date", "categorie_overtreding": "enum",
    "toelichtingsgesprek_gevoerd": "bool", "datum_toelichtingsgesprek": "date", "datum_besluit": "date",
}
DECISIONS = {
    "draagt_bij_aan_arbeidsinschakeling": "bool", "verlenging": "bool", "verlengd_tot_en_met": "date",
    "opnieuw_toepassen": "bool", "meer_giften_verantwoord": "bool", "verwijtbaarheid_ontbreekt": "bool",
    "afzien_kostendelersnorm": "bool",
}
MEDEBEWONER_FIELDS = {"geboortedatum": "date", "commerciele_overeenkomst": "bool",
                      "familie_eerste_of_tweede_graad": "bool", "volgt_onderwijs_met_studiefinanciering": "bool",
                      "verleent_mantelzorg_aan_aanvrager": "bool"}
BIJDRAGE_FIELDS = {"datum": "date", "bedrag": "money", "soort": "enum"}
ENUMS = {"leefvorm": LEEFVORMEN, "categorie_overtreding": CATEGORIEEN, "soort": SOORTEN}


class Caseload:
    """Columns of a caseload. `present[name]` says where an optional input or decision is given."""

    def __init__(self, n: int, seed: int):
        self.n, self.seed = n, seed
        self.peildatum = np.zeros(n, np.int64)  # ordinal
        self.cols: dict[str, np.ndarray] = {}  # scalar inputs and decisions (enums as codes, money in cents)
        self.present: dict[str, np.ndarray] = {}  # optional columns: where given
        self.mb_offsets = np.zeros(n + 1, np.int64)  # medebewoners (CSR)
        self.mb: dict[str, np.ndarray] = {}
        self.bd_offsets = np.zeros(n + 1, np.int64)  # ontvangen_bijdragen (CSR)
        self.bd: dict[str, np.ndarray] = {}

    def __len__(self):
        return self.n

    def subset(self, idx) -> "Caseload":
        """The households idx (an index array), renumbered from 0; lists follow their household."""
        idx = np.asarray(idx, np.int64)
        out = Caseload(len(idx), self.seed)
        out.peildatum = self.peildatum[idx]
        out.cols = {k: v[idx] for k, v in self.cols.items()}
        out.present = {k: v[idx] for k, v in self.present.items()}
        for offs_name, items_name in (("mb_offsets", "mb"), ("bd_offsets", "bd")):
            offs, items = getattr(self, offs_name), getattr(self, items_name)
            counts = offs[idx + 1] - offs[idx]
            new_offs = np.zeros(len(idx) + 1, np.int64)
            np.cumsum(counts, out=new_offs[1:])
            take = _ranges(offs[idx], counts)
            setattr(out, offs_name, new_offs)
            setattr(out, items_name, {k: v[take] for k, v in items.items()})
        return out


def _ranges(starts, counts):
    """Concatenated aranges start..start+count (the item indices of a set of CSR rows)."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, np.int64)
    rep = np.repeat(starts - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
    return rep + np.arange(total)


def _month_end(year: int, month: np.ndarray) -> np.ndarray:
    """Ordinal of the last day of each month (vectorised)."""
    first_next = (np.array(f"{year}-01", dtype="datetime64[M]") + month).astype("datetime64[D]")
    return first_next.astype(np.int64) - 1 + _EPOCH_ORD


def _month_start(ordinal: np.ndarray) -> np.ndarray:
    d = (ordinal - _EPOCH_ORD).astype("datetime64[D]")
    return d.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64) + _EPOCH_ORD


def _add_months(ordinal: np.ndarray, months) -> np.ndarray:
    """The first day of the month `months` after the month of each ordinal."""
    m = (ordinal - _EPOCH_ORD).astype("datetime64[D]").astype("datetime64[M]") + np.asarray(months)
    return m.astype("datetime64[D]").astype(np.int64) + _EPOCH_ORD


def ymd(ordinal: np.ndarray):
    """(year, month, day) arrays of ordinals."""
    d = (np.asarray(ordinal) - _EPOCH_ORD).astype("datetime64[D]")
    y = d.astype("datetime64[Y]")
    m = d.astype("datetime64[M]")
    return (y.astype(np.int64) + 1970, (m - y.astype("datetime64[M]")).astype(np.int64) + 1,
            (d - m.astype("datetime64[D]")).astype(np.int64) + 1)


def age(birth: np.ndarray, on: np.ndarray) -> np.ndarray:
    """Whole years from birth to `on` (born on 29 February: a year older on 28 February), vectorised."""
    by, bm, bd = ymd(birth)
    oy, om, od = ymd(on)
    last = (_add_months(np.asarray(on), 1) - _month_start(np.asarray(on)))  # days in the month of `on`
    months = (oy - by) * 12 + (om - bm) - (np.minimum(bd, last) > od)
    return months // 12


def _born(peil: np.ndarray, years: np.ndarray, days: np.ndarray) -> np.ndarray:
    """A birth date on which someone is `years` old at the peildatum (days: how far past the birthday)."""
    birth = peil - (years * 365.25).astype(np.int64) - days
    return np.where(age(birth, peil) < years, birth - 2, birth)


def generate(n: int, seed: int = 2026) -> Caseload:
    rng = np.random.Generator(np.random.PCG64(seed))
    c = Caseload(n, seed)
    cols, present = c.cols, c.present
    month = rng.integers(1, 13, n)
    peil = _month_end(YEAR, month)
    c.peildatum = peil
    month_start = _month_start(peil)

    # --- the household
    leefvorm = rng.choice(3, n, p=[0.55, 0.2, 0.25])
    gehuwd = leefvorm == 2
    cols["leefvorm"] = leefvorm
    group = rng.choice(3, n, p=[0.06, 0.84, 0.10])  # 18-20, 21 to AOW, AOW
    years = np.where(group == 0, rng.integers(18, 21, n), np.where(group == 1, rng.integers(21, 67, n),
                                                                     rng.integers(67, 85, n)))
    birth = _born(peil, years, rng.integers(0, 365, n))
    cols["geboortedatum"] = birth
    cols["aow_leeftijd_bereikt"] = age(birth, peil) >= 67
    p_years = np.clip(years + rng.integers(-6, 7, n), 18, 90)
    young_partner = rng.random(n) < 0.06
    p_years = np.where(young_partner, rng.integers(18, 21, n), p_years)
    p_birth = _born(peil, p_years, rng.integers(0, 365, n))
    cols["geboortedatum_partner"] = p_birth
    present["geboortedatum_partner"] = gehuwd.copy()
    cols["partner_aow_leeftijd_bereikt"] = age(p_birth, peil) >= 67
    present["partner_aow_leeftijd_bereikt"] = gehuwd.copy()
    cols["kinderen_ten_laste"] = np.where(gehuwd, rng.random(n) < 0.4, leefvorm == 1)
    present["kinderen_ten_laste"] = leefvorm != 0
    cols["woont_in_inrichting"] = rng.random(n) < 0.02
    present["woont_in_inrichting"] = rng.random(n) < 0.5  # often left out: the default is nee
    jong = age(birth, peil) <= 20
    cols["kan_niet_terugvallen_op_ouders"] = jong & (rng.random(n) < 0.35)
    present["kan_niet_terugvallen_op_ouders"] = jong.copy()

    # --- medebewoners: 0-3 co-residents, some around the age of 27
    counts = rng.choice(4, n, p=[0.68, 0.2, 0.08, 0.04])
    c.mb_offsets[1:] = np.cumsum(counts)
    k = int(counts.sum())
    owner = np.repeat(np.arange(n), counts)
    mb_years = np.where(rng.random(k) < 0.2, rng.integers(25, 29, k), rng.integers(16, 85, k))
    c.mb = {
        "geboortedatum": peil[owner] - (mb_years * 365.25).astype(np.int64) - rng.integers(0, 365, k),
        "commerciele_overeenkomst": rng.random(k) < 0.15,
        "familie_eerste_of_tweede_graad": rng.random(k) < 0.5,
        "volgt_onderwijs_met_studiefinanciering": rng.random(k) < 0.1,
        "verleent_mantelzorg_aan_aanvrager": rng.random(k) < 0.06,
    }
    # tijdelijk elders voor mantelzorg (art. 22a lid 4) only where the kostendelersnorm would apply: for
    # anyone else the exception and the rule 'geen_kostendelers' of kostendelersnorm.rule both apply (RL501)
    gedoog = peil[owner] >= _dt.date(2026, 7, 3).toordinal()
    deler = ((age(c.mb["geboortedatum"], peil[owner]) >= 27)
             & ~(c.mb["commerciele_overeenkomst"] & ~c.mb["familie_eerste_of_tweede_graad"])
             & ~c.mb["volgt_onderwijs_met_studiefinanciering"] & ~(gedoog & c.mb["verleent_mantelzorg_aan_aanvrager"]))
    n_delers = np.bincount(owner, weights=deler, minlength=n)
    norm_applies = (n_delers > 0) & (age(birth, peil) >= 21) & ~(cols["woont_in_inrichting"] & present["woont_in_inrichting"])
    cols["tijdelijk_elders_voor_mantelzorg"] = norm_applies & (rng.random(n) < 0.05)
    present["tijdelijk_elders_voor_mantelzorg"] = cols["tijdelijk_elders_voor_mantelzorg"] | (rng.random(n) < 0.3)
    # the college's maatwerk (art. 18 lid 1): likewise only where the kostendelersnorm would apply
    cols["afzien_kostendelersnorm"] = norm_applies & ~cols["tijdelijk_elders_voor_mantelzorg"] & (rng.random(n) < 0.1)
    present["afzien_kostendelersnorm"] = cols["afzien_kostendelersnorm"].copy()

    # --- vermogen: mostly small, some above the limit, some exactly on it
    limit = np.where(leefvorm == 0, 800_000, 1_600_000)
    bez = np.round(rng.lognormal(7.0, 1.3, n) * 100).astype(np.int64)
    bez = np.where(rng.random(n) < 0.06, limit + rng.integers(1, 2_000_000, n), bez)
    bez = np.where(rng.random(n) < 0.01, limit, bez)
    cols["bezittingen"] = bez
    debts = rng.random(n) < 0.2
    cols["schulden"] = np.where(debts, rng.integers(1, 1_500_000, n), 0)
    present["schulden"] = debts | (rng.random(n) < 0.3)
    saved = rng.random(n) < 0.1
    cols["tijdens_bijstand_opgebouwd"] = np.where(saved, rng.integers(1, 300_000, n), 0)
    present["tijdens_bijstand_opgebouwd"] = saved

    # --- work (art. 34a)
    works = rng.random(n) < 0.35
    cols["inkomsten_uit_arbeid"] = np.where(works, rng.integers(5_000, 250_000, n), 0)
    cols["medisch_urenbeperkt"] = works & (rng.random(n) < 0.06)
    present["medisch_urenbeperkt"] = works.copy()
    start_back = rng.integers(0, 20, n)  # months since the period began
    cols["begin_periode"] = _add_months(month_start, -start_back) + rng.integers(0, 28, n)
    present["begin_periode"] = works.copy()
    new_job = works & (start_back >= 12) & (rng.random(n) < 0.3)
    cols["nieuw_dienstverband"] = new_job
    present["nieuw_dienstverband"] = works.copy()
    cols["begin_nieuw_dienstverband"] = _add_months(month_start, -rng.integers(0, 15, n)) + rng.integers(0, 28, n)
    present["begin_nieuw_dienstverband"] = new_job.copy()
    cols["draagt_bij_aan_arbeidsinschakeling"] = rng.random(n) < 0.85
    present["draagt_bij_aan_arbeidsinschakeling"] = works.copy()
    extended = works & (start_back >= 12) & (rng.random(n) < 0.25)
    cols["verlenging"] = extended
    present["verlenging"] = extended.copy()
    cols["verlengd_tot_en_met"] = peil + rng.integers(-60, 200, n)
    present["verlengd_tot_en_met"] = extended.copy()
    cols["opnieuw_toepassen"] = new_job & (rng.random(n) < 0.6)
    present["opnieuw_toepassen"] = new_job.copy()
    other = rng.random(n) < 0.15
    cols["overige_inkomsten"] = np.where(other, rng.integers(2_000, 90_000, n), 0)
    present["overige_inkomsten"] = other.copy()

    # --- gifts across the year (and some outside it): 0-8, around the € 1.200 limit
    g_counts = np.where(rng.random(n) < 0.5, 0, rng.integers(1, 9, n))
    c.bd_offsets[1:] = np.cumsum(g_counts)
    g = int(g_counts.sum())
    g_owner = np.repeat(np.arange(n), g_counts)
    jan1 = _dt.date(YEAR, 1, 1).toordinal()
    day = jan1 + rng.integers(0, 365, g)
    day = np.where(rng.random(g) < 0.05, jan1 - rng.integers(1, 60, g), day)  # last year
    c.bd = {
        "datum": day,
        "bedrag": np.where(rng.random(g) < 0.02, 120_000, rng.integers(1_000, 60_000, g)),
        "soort": rng.choice(4, g, p=[0.5, 0.15, 0.2, 0.15]),
    }
    cols["meer_giften_verantwoord"] = rng.random(n) < 0.3
    present["meer_giften_verantwoord"] = (rng.random(n) < 0.08) & (g_counts > 0)

    # --- an overtreding this month: a toelichtingsgesprek in time, too early, too late, or none
    ov = rng.random(n) < 0.08
    cols["overtreding_in_deze_maand"] = ov
    present["overtreding_in_deze_maand"] = ov | (rng.random(n) < 0.4)
    vast = month_start + rng.integers(0, 15, n)
    besluit = vast + rng.integers(5, 25, n)
    cols["overtreding_vastgesteld_op"] = vast
    present["overtreding_vastgesteld_op"] = ov.copy()
    cols["categorie_overtreding"] = rng.choice(3, n, p=[0.5, 0.35, 0.15])
    present["categorie_overtreding"] = ov.copy()
    talk = ov & (rng.random(n) < 0.7)
    cols["toelichtingsgesprek_gevoerd"] = talk
    present["toelichtingsgesprek_gevoerd"] = ov.copy()
    offset = np.where(rng.random(n) < 0.8, rng.integers(0, 6, n), np.where(rng.random(n) < 0.5, -3, 30))
    cols["datum_toelichtingsgesprek"] = vast + offset
    present["datum_toelichtingsgesprek"] = talk.copy()
    cols["datum_besluit"] = besluit
    present["datum_besluit"] = ov.copy()
    cols["verwijtbaarheid_ontbreekt"] = ov & (rng.random(n) < 0.1)
    present["verwijtbaarheid_ontbreekt"] = cols["verwijtbaarheid_ontbreekt"] | (ov & (rng.random(n) < 0.2))
    for name in cols:
        present.setdefault(name, np.ones(n, bool))
    return c


# ------------------------------------------------------------------ household i as rulelang values
def _date(o) -> _dt.date:
    return _dt.date.fromordinal(int(o))


def _money(cents) -> Decimal:
    return Decimal(int(cents)).scaleb(-2)


def _value(kind: str, name: str, v):
    if kind == "date":
        return _date(v)
    if kind == "money":
        return _money(v)
    if kind == "bool":
        return bool(v)
    if kind == "enum":
        return ENUMS[name][int(v)]
    raise TypeError(kind)


def facts(c: Caseload, i: int) -> tuple[dict, dict, _dt.date]:
    """Household i as (facts, decisions, peildatum) for rulelang (Decisions with who/when/why)."""
    f = {}
    for name, kind in SCALAR_INPUTS.items():
        if c.present[name][i]:
            f[name] = _value(kind, name, c.cols[name][i])
    a, b = c.mb_offsets[i], c.mb_offsets[i + 1]
    f["medebewoners"] = tuple({k: _value(kind, k, c.mb[k][j]) for k, kind in MEDEBEWONER_FIELDS.items()}
                              for j in range(a, b))
    a, b = c.bd_offsets[i], c.bd_offsets[i + 1]
    f["ontvangen_bijdragen"] = tuple({k: _value(kind, k, c.bd[k][j]) for k, kind in BIJDRAGE_FIELDS.items()}
                                     for j in range(a, b))
    d = {}
    for name, kind in DECISIONS.items():
        if c.present[name][i]:
            d[name] = Decision(_value(kind, name, c.cols[name][i]), "synthetisch", None, "benchmark")
    return f, d, _date(c.peildatum[i])


def all_facts(c: Caseload) -> list[tuple[dict, dict, _dt.date]]:
    return [facts(c, i) for i in range(c.n)]


# ------------------------------------------------------------------ batch input files
def _text(kind: str, name: str, v) -> str:
    if kind == "date":
        return _date(v).isoformat()
    if kind == "money":
        return f"{_money(v):f}"
    if kind == "bool":
        return "ja" if v else "nee"
    return ENUMS[name][int(v)]


def column_names(c: Caseload) -> list[str]:
    return (["peildatum"] + list(SCALAR_INPUTS) + ["medebewoners", "ontvangen_bijdragen"]
            + [f"beslissing.{d}" for d in DECISIONS])


def text_columns(c: Caseload) -> dict[str, list]:
    """The caseload as text columns for `rulelang batch` (None where a value is not given).

    Lists are JSON arrays of objects with the same textual values (a JSON column)."""
    out: dict[str, list] = {"peildatum": [_date(o).isoformat() for o in c.peildatum]}
    for name, kind in SCALAR_INPUTS.items():
        vals, pres = c.cols[name], c.present[name]
        out[name] = [_text(kind, name, vals[i]) if pres[i] else None for i in range(c.n)]
    for col, offs, items, fields in (("medebewoners", c.mb_offsets, c.mb, MEDEBEWONER_FIELDS),
                                     ("ontvangen_bijdragen", c.bd_offsets, c.bd, BIJDRAGE_FIELDS)):
        texts = {k: [_text(kind, k, v) for v in items[k]] for k, kind in fields.items()}
        out[col] = [json.dumps([{k: texts[k][j] for k in fields} for j in range(offs[i], offs[i + 1])],
                               separators=(",", ":")) for i in range(c.n)]
    for name, kind in DECISIONS.items():
        vals, pres = c.cols[name], c.present[name]
        out[f"beslissing.{name}"] = [_text(kind, name, vals[i]) if pres[i] else None for i in range(c.n)]
    return out


def write_csv(c: Caseload, path) -> None:
    import csv

    cols = text_columns(c)
    names = list(cols)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(names)
        for i in range(c.n):
            w.writerow(["" if cols[k][i] is None else cols[k][i] for k in names])


def write_parquet(c: Caseload, path, row_group_size: int | None = None, typed: bool = False) -> None:
    """Text columns (as the CSV), or typed ones: bool, date32, decimal(18, 2), and the lists as
    list<struct> — what `rulelang batch` reads without parsing text."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if not typed:
        cols = text_columns(c)
        pq.write_table(pa.table({k: pa.array(v, pa.string()) for k, v in cols.items()}), path,
                       row_group_size=row_group_size)
        return

    def arrow(kind, name, values, present=None):
        mask = None if present is None else ~present
        if kind == "date":
            return pa.array((values - _EPOCH_ORD).astype(np.int32), pa.int32(), mask=mask).cast(pa.date32())
        if kind == "money":
            return _decimal_array(values, mask)
        if kind == "bool":
            return pa.array(values.astype(bool), pa.bool_(), mask=mask)
        return pa.array(np.asarray(ENUMS[name], object)[values], pa.string(), mask=mask)

    data = {"peildatum": arrow("date", "", c.peildatum)}
    for name, kind in SCALAR_INPUTS.items():
        data[name] = arrow(kind, name, c.cols[name], c.present[name])
    for col, offs, items, fields in (("medebewoners", c.mb_offsets, c.mb, MEDEBEWONER_FIELDS),
                                     ("ontvangen_bijdragen", c.bd_offsets, c.bd, BIJDRAGE_FIELDS)):
        struct = pa.StructArray.from_arrays([arrow(kind, k, items[k]) for k, kind in fields.items()],
                                            list(fields))
        data[col] = pa.ListArray.from_arrays(pa.array(offs.astype(np.int32)), struct)
    for name, kind in DECISIONS.items():
        data[f"beslissing.{name}"] = arrow(kind, name, c.cols[name], c.present[name])
    pq.write_table(pa.table(data), path, row_group_size=row_group_size)


def _decimal_array(cents: np.ndarray, mask):
    """decimal128(18, 2) from integer cents, exactly (the unscaled values are the cents)."""
    import pyarrow as pa

    words = np.zeros((len(cents), 2), np.int64)
    words[:, 0] = cents
    words[:, 1] = np.where(cents < 0, -1, 0)
    validity = None if mask is None else pa.array(~mask).buffers()[1]
    return pa.Array.from_buffers(pa.decimal128(18, 2), len(cents), [validity, pa.py_buffer(words.tobytes())],
                                 null_count=-1 if mask is not None else 0)


# ------------------------------------------------------------------ the columnar backend's input
def columns(c: Caseload, meta: dict):
    """The caseload as rulelang.columnar.Columns (no text in between: the arrays themselves)."""
    from rulelang.columnar import Columns

    def encode(name, kind, values):
        if kind == "money":
            return (values.astype(np.int64), 100)
        if kind == "enum":
            enum = meta["symbols"][meta["index"][name]]["type"]["name"] if name in meta["index"] else None
            members = meta["enums"][enum] if enum else list(ENUMS[name])
            lookup = np.array([members.index(m) for m in ENUMS[name]], np.int64)
            return lookup[values]
        return values

    scalars = {}
    for name, kind in {**SCALAR_INPUTS, **DECISIONS}.items():
        scalars[name] = (encode(name, kind, c.cols[name]), c.present[name])
    soort = meta["enums"]["SoortBijdrage"]
    lists = {
        "medebewoners": (c.mb_offsets, np.ones(c.n, bool), {k: c.mb[k] for k in MEDEBEWONER_FIELDS}),
        "ontvangen_bijdragen": (c.bd_offsets, np.ones(c.n, bool), {
            "datum": c.bd["datum"], "bedrag": (c.bd["bedrag"].astype(np.int64), 100),
            "soort": np.array([soort.index(m) for m in SOORTEN], np.int64)[c.bd["soort"]]}),
    }
    return Columns(c.n, c.peildatum, scalars, lists)
