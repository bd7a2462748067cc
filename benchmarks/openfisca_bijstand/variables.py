"""Variables and formulas (vectorised over households; one period = one calendar month)."""
from __future__ import annotations

import datetime

import numpy as np
from openfisca_core import periods
from openfisca_core.indexed_enums import Enum
from openfisca_core.model_api import ADD, ETERNITY, MONTH, Variable, max_, min_, not_, select, where

from .entities import Huishouden, Persoon


class Leefvorm(Enum):
    alleenstaande = "alleenstaande"
    alleenstaande_ouder = "alleenstaande ouder"
    gehuwden = "gehuwden"


class CategorieOvertreding(Enum):
    categorie_1 = "categorie 1"
    categorie_2 = "categorie 2"
    categorie_3 = "categorie 3"


def peildatum(period) -> np.datetime64:
    """The last day of the month."""
    return np.datetime64(str(period.stop), "D")


def round_cents(x):
    """Half up to cents (computed in float64; storage is float32)."""
    return np.floor(np.asarray(x, np.float64) * 100 + 0.5 + 1e-6) / 100


def _ymd(d):
    d = np.asarray(d, "datetime64[D]")
    y, m = d.astype("datetime64[Y]"), d.astype("datetime64[M]")
    return (y.astype(np.int64) + 1970, (m - y.astype("datetime64[M]")).astype(np.int64) + 1,
            (d - m.astype("datetime64[D]")).astype(np.int64) + 1)


def leeftijd_op(geboren, op):
    """Whole years (born on 29 February: a year older on 28 February)."""
    by, bm, bd = _ymd(geboren)
    oy, om, od = _ymd(op)
    op_m = np.asarray(op, "datetime64[D]").astype("datetime64[M]")
    last = ((op_m + 1).astype("datetime64[D]") - op_m.astype("datetime64[D]")).astype(np.int64)
    maanden = (oy - by) * 12 + (om - bm) - (np.minimum(bd, last) > od)
    return maanden // 12


def kalendermaanden_tussen(a, b):
    ay, am, _ = _ymd(a)
    by, bm, _ = _ymd(b)
    return (by - ay) * 12 + (bm - am)


def _input(name, value_type, entity, period=MONTH, label="", default=None):
    attrs = {"value_type": value_type, "entity": entity, "definition_period": period, "label": label or name}
    if default is not None:
        attrs["default_value"] = default
    return type(name, (Variable,), attrs)


EPOCH = datetime.date(1970, 1, 1)
INPUTS = [
    # the household (the values of rulelang's standaard are OpenFisca's default values)
    type("leefvorm", (Variable,), {"value_type": Enum, "possible_values": Leefvorm, "default_value": Leefvorm.alleenstaande,
                                   "entity": Huishouden, "definition_period": MONTH, "label": "Leefvorm"}),
    _input("kinderen_ten_laste", bool, Huishouden),
    _input("woont_in_inrichting", bool, Huishouden),
    _input("kan_niet_terugvallen_op_ouders", bool, Huishouden),
    _input("tijdelijk_elders_voor_mantelzorg", bool, Huishouden),
    _input("afzien_kostendelersnorm", bool, Huishouden, label="Beslissing art. 18 lid 1"),
    _input("bezittingen", float, Huishouden),
    _input("schulden", float, Huishouden),
    _input("tijdens_bijstand_opgebouwd", float, Huishouden),
    _input("inkomsten_uit_arbeid", float, Huishouden),
    _input("overige_inkomsten", float, Huishouden),
    _input("medisch_urenbeperkt", bool, Huishouden),
    _input("begin_periode", datetime.date, Huishouden, ETERNITY),
    _input("nieuw_dienstverband", bool, Huishouden),
    _input("begin_nieuw_dienstverband", datetime.date, Huishouden, ETERNITY),
    _input("draagt_bij_aan_arbeidsinschakeling", bool, Huishouden, label="Beslissing art. 34a lid 1 a"),
    _input("verlenging", bool, Huishouden, label="Beslissing art. 34a lid 2"),
    _input("verlengd_tot_en_met", datetime.date, Huishouden, ETERNITY),
    _input("opnieuw_toepassen", bool, Huishouden, label="Beslissing art. 34a lid 3"),
    _input("giften", float, Huishouden, label="Giften en kostenbesparende bijdragen in de maand (zonder voedselbank)"),
    _input("meer_giften_verantwoord", bool, Huishouden, label="Beslissing art. 31 lid 2 s"),
    _input("overtreding_in_deze_maand", bool, Huishouden),
    _input("overtreding_vastgesteld_op", datetime.date, Huishouden, ETERNITY),
    type("categorie_overtreding", (Variable,), {
        "value_type": Enum, "possible_values": CategorieOvertreding, "default_value": CategorieOvertreding.categorie_1,
        "entity": Huishouden, "definition_period": MONTH, "label": "Categorie"}),
    _input("toelichtingsgesprek_gevoerd", bool, Huishouden),
    _input("datum_toelichtingsgesprek", datetime.date, Huishouden, ETERNITY),
    _input("datum_besluit", datetime.date, Huishouden, ETERNITY),
    _input("verwijtbaarheid_ontbreekt", bool, Huishouden, label="Beslissing art. 18 lid 9"),
    # persons
    _input("geboortedatum", datetime.date, Persoon, ETERNITY),
    _input("aow_leeftijd_bereikt", bool, Persoon),
    _input("commerciele_overeenkomst", bool, Persoon),
    _input("familie_eerste_of_tweede_graad", bool, Persoon),
    _input("volgt_onderwijs_met_studiefinanciering", bool, Persoon),
    _input("verleent_mantelzorg_aan_aanvrager", bool, Persoon),
]


# ------------------------------------------------------------------ belanghebbende, normen
class leeftijd(Variable):
    value_type = int
    entity = Persoon
    definition_period = MONTH
    label = "Leeftijd op de peildatum (art. 20-22)"

    def formula(persoon, period):
        return leeftijd_op(persoon("geboortedatum", period), peildatum(period))


class leeftijd_aanvrager(Variable):
    value_type = int
    entity = Huishouden
    definition_period = MONTH

    def formula(huishouden, period):
        return huishouden.value_from_person(huishouden.members("leeftijd", period), role=Huishouden.AANVRAGER)


class leeftijd_partner(Variable):
    value_type = int
    entity = Huishouden
    definition_period = MONTH

    def formula(huishouden, period):
        return huishouden.value_from_person(huishouden.members("leeftijd", period), role=Huishouden.PARTNER)


class aow_aanvrager(Variable):
    value_type = bool
    entity = Huishouden
    definition_period = MONTH

    def formula(huishouden, period):
        return huishouden.value_from_person(huishouden.members("aow_leeftijd_bereikt", period),
                                            role=Huishouden.AANVRAGER, default=False)


class aow_partner(Variable):
    value_type = bool
    entity = Huishouden
    definition_period = MONTH

    def formula(huishouden, period):
        return huishouden.value_from_person(huishouden.members("aow_leeftijd_bereikt", period),
                                            role=Huishouden.PARTNER, default=False)


class gehuwd(Variable):
    value_type = bool
    entity = Huishouden
    definition_period = MONTH

    def formula(huishouden, period):
        return huishouden("leefvorm", period) == Leefvorm.gehuwden


class bijstandsnorm(Variable):
    value_type = float
    entity = Huishouden
    definition_period = MONTH
    label = "Bijstandsnorm (art. 20-23)"
    reference = "Participatiewet art. 20-23"

    def formula(huishouden, period, parameters):
        n = parameters(period).participatiewet.normen
        gehuwd = huishouden("gehuwd", period)
        la, lp = huishouden("leeftijd_aanvrager", period), huishouden("leeftijd_partner", period)
        aow, paow = huishouden("aow_aanvrager", period), huishouden("aow_partner", period)
        kinderen = huishouden("kinderen_ten_laste", period)
        jong, pjong = (la >= 18) * (la <= 20), (lp >= 18) * (lp <= 20)
        een_jong = jong * (lp >= 21) + pjong * (la >= 21)
        zelfstandig = select(
            [not_(gehuwd) * (la >= 21) * not_(aow), not_(gehuwd) * aow, not_(gehuwd) * jong,
             gehuwd * (la >= 21) * (lp >= 21) * not_(aow) * not_(paow), gehuwd * (la >= 21) * (lp >= 21) * (aow + paow),
             gehuwd * jong * pjong * not_(kinderen), gehuwd * jong * pjong * kinderen,
             gehuwd * een_jong * not_(kinderen), gehuwd * een_jong * kinderen],
            [n.alleenstaande, n.alleenstaande_aow, n.alleenstaande_18_20, n.gehuwden, n.gehuwden_aow,
             n.gehuwden_beiden_18_20, n.gehuwden_beiden_18_20_kinderen, n.gehuwden_een_18_20,
             n.gehuwden_een_18_20_kinderen])
        verhoging_jongere = where(not_(gehuwd) * jong * huishouden("kan_niet_terugvallen_op_ouders", period),
                                  min_(n.verhoging_jongere_zonder_ouders, n.alleenstaande - n.alleenstaande_18_20), 0)
        inrichting = huishouden("woont_in_inrichting", period)
        inrichtingsnorm = where(gehuwd, n.inrichting_gehuwden + n.verhoging_inrichting_gehuwden,
                                n.inrichting_alleenstaande + n.verhoging_inrichting_alleenstaande)
        return where(inrichting, inrichtingsnorm, zelfstandig + verhoging_jongere)


# ------------------------------------------------------------------ kostendelersnorm (art. 19a, 22a)
class kostendeler(Variable):
    value_type = bool
    entity = Persoon
    definition_period = MONTH
    label = "Kostendelende medebewoner (art. 19a lid 1)"

    def formula(persoon, period, parameters):
        gedoog = parameters(period.stop).participatiewet.gedoogbesluit_mantelzorgontvanger
        return ((persoon("leeftijd", period) >= 27)
                * not_(persoon("commerciele_overeenkomst", period) * not_(persoon("familie_eerste_of_tweede_graad", period)))
                * not_(persoon("volgt_onderwijs_met_studiefinanciering", period))
                * not_(gedoog * persoon("verleent_mantelzorg_aan_aanvrager", period)))


class aantal_kostendelers(Variable):
    value_type = int
    entity = Huishouden
    definition_period = MONTH

    def formula(huishouden, period):
        return huishouden.sum(huishouden.members("kostendeler", period), role=Huishouden.MEDEBEWONER)


class kostendelersnorm_geblokkeerd(Variable):
    value_type = bool
    entity = Huishouden
    definition_period = MONTH
    label = "Art. 22a lid 3 (jonge partner met kostendelers) is niet uitgewerkt"

    def formula(huishouden, period):
        lp = huishouden("leeftijd_partner", period)
        return huishouden("gehuwd", period) * (lp >= 18) * (lp <= 20) * (huishouden("aantal_kostendelers", period) > 0)


class toepasselijke_norm(Variable):
    value_type = float
    entity = Huishouden
    definition_period = MONTH
    label = "De norm, met de kostendelersnorm (art. 20-23 en 22a)"

    def formula(huishouden, period, parameters):
        n = parameters(period).participatiewet.normen
        gehuwd = huishouden("gehuwd", period)
        ak = huishouden("aantal_kostendelers", period)
        lp = huishouden("leeftijd_partner", period)
        van_toepassing = ((ak > 0) * (huishouden("leeftijd_aanvrager", period) >= 21)
                          * not_(huishouden("woont_in_inrichting", period))
                          * not_(huishouden("tijdelijk_elders_voor_mantelzorg", period))
                          * not_(huishouden("afzien_kostendelersnorm", period)))
        a = ak + 1 + gehuwd * (lp >= 21)
        basis = where(huishouden("aow_aanvrager", period) + gehuwd * huishouden("aow_partner", period),
                      n.gehuwden_aow, n.gehuwden)
        per_persoon = round_cents((40 + a * 30) / (a * 100) * basis)
        return where(van_toepassing, where(gehuwd, 2 * per_persoon, per_persoon), huishouden("bijstandsnorm", period))


# ------------------------------------------------------------------ vermogen (art. 34)
class vermogen_in_aanmerking(Variable):
    value_type = float
    entity = Huishouden
    definition_period = MONTH

    def formula(huishouden, period):
        return max_(huishouden("bezittingen", period) - huishouden("schulden", period)
                    - huishouden("tijdens_bijstand_opgebouwd", period), 0)


class vermogensgrens(Variable):
    value_type = float
    entity = Huishouden
    definition_period = MONTH

    def formula(huishouden, period, parameters):
        p = parameters(period).participatiewet
        return where(huishouden("leefvorm", period) == Leefvorm.alleenstaande, p.vermogensgrens_alleenstaande,
                     p.vermogensgrens_gezin)


class vermogen_boven_grens(Variable):
    value_type = float
    entity = Huishouden
    definition_period = MONTH

    def formula(huishouden, period):
        return max_(huishouden("vermogen_in_aanmerking", period) - huishouden("vermogensgrens", period), 0)


class recht_gelet_op_vermogen(Variable):
    value_type = bool
    entity = Huishouden
    definition_period = MONTH

    def formula(huishouden, period):
        return huishouden("vermogen_in_aanmerking", period) <= huishouden("vermogensgrens", period)


# ------------------------------------------------------------------ inkomsten (art. 31, 34a)
class vrijgelaten_inkomsten(Variable):
    value_type = float
    entity = Huishouden
    definition_period = MONTH
    reference = "Participatiewet art. 34a"

    def formula(huishouden, period, parameters):
        p = parameters(period).participatiewet
        peil = peildatum(period)
        ink = huishouden("inkomsten_uit_arbeid", period)
        aow = huishouden("aow_aanvrager", period)
        medisch = huishouden("medisch_urenbeperkt", period)
        maand = kalendermaanden_tussen(huishouden("begin_periode", period), peil) + 1
        nieuw = kalendermaanden_tussen(huishouden("begin_nieuw_dienstverband", period), peil) + 1
        verlenging = huishouden("verlenging", period)
        m = p.maximale_periode_maanden
        vijftien = round_cents(p.vrijlatingspercentage * ink)
        eerste = (maand >= 1) * (maand <= m) * huishouden("draagt_bij_aan_arbeidsinschakeling", period)
        verlengd = (maand > m) * verlenging * (peil <= huishouden("verlengd_tot_en_met", period))
        opnieuw = ((maand > m) * not_(verlenging) * huishouden("nieuw_dienstverband", period)
                   * huishouden("opnieuw_toepassen", period) * (nieuw >= 1) * (nieuw <= m))
        return select([aow, medisch, eerste + verlengd + opnieuw],
                      [min_(round_cents(p.vrijlatingspercentage_aow * ink), p.maximum_vrijlating_aow), vijftien,
                       vijftien], 0)


class inkomsten_in_mindering(Variable):
    value_type = float
    entity = Huishouden
    definition_period = MONTH

    def formula(huishouden, period):
        ink = huishouden("inkomsten_uit_arbeid", period)
        return where(ink > 0, ink - huishouden("vrijgelaten_inkomsten", period), 0)


class giften_in_kalenderjaar(Variable):
    value_type = float
    entity = Huishouden
    definition_period = MONTH

    def formula(huishouden, period):
        jan_tot_nu = periods.period(f"month:{period.start.year}-01:{period.start.month}")
        return huishouden("giften", jan_tot_nu, options=[ADD])


class giften_tot_vorige_maand(Variable):
    value_type = float
    entity = Huishouden
    definition_period = MONTH

    def formula(huishouden, period):
        if period.start.month == 1:
            return huishouden.filled_array(0)
        jan_tot_vorige = periods.period(f"month:{period.start.year}-01:{period.start.month - 1}")
        return huishouden("giften", jan_tot_vorige, options=[ADD])


class giften_als_middel(Variable):
    value_type = float
    entity = Huishouden
    definition_period = MONTH
    reference = "Participatiewet art. 31 lid 2 m; keuze 2 van bijstand.rule"

    def formula(huishouden, period, parameters):
        grens = parameters(period).participatiewet.vrijlatingsgrens_giften
        totaal = huishouden("giften_in_kalenderjaar", period)
        verantwoord = (totaal > grens) * huishouden("meer_giften_verantwoord", period)
        meegeteld = where(verantwoord, 0, totaal - min_(totaal, grens))
        return meegeteld - max_(huishouden("giften_tot_vorige_maand", period) - grens, 0)


class middelen(Variable):
    value_type = float
    entity = Huishouden
    definition_period = MONTH

    def formula(huishouden, period):
        return (huishouden("inkomsten_in_mindering", period) + huishouden("overige_inkomsten", period)
                + huishouden("giften_als_middel", period))


# ------------------------------------------------------------------ maatregel (art. 18 lid 2)
class toelichtingsgesprek_tijdig(Variable):
    value_type = bool
    entity = Huishouden
    definition_period = MONTH

    def formula(huishouden, period):
        gesprek = huishouden("datum_toelichtingsgesprek", period)
        return (huishouden("toelichtingsgesprek_gevoerd", period)
                * (huishouden("overtreding_vastgesteld_op", period) <= gesprek)
                * (gesprek <= huishouden("datum_besluit", period)))


class maatregel_in_deze_maand(Variable):
    value_type = bool
    entity = Huishouden
    definition_period = MONTH

    def formula(huishouden, period):
        return huishouden("overtreding_in_deze_maand", period) * huishouden("toelichtingsgesprek_tijdig", period)


class verlaging_deze_maand(Variable):
    value_type = float
    entity = Huishouden
    definition_period = MONTH
    reference = "Participatiewet art. 18 lid 2; afstemmingsverordening art. 9"

    def formula(huishouden, period, parameters):
        p = parameters(period).participatiewet
        categorie = huishouden("categorie_overtreding", period)
        percentage = select([categorie == CategorieOvertreding.categorie_1, categorie == CategorieOvertreding.categorie_2],
                            [p.verlaging_categorie_1, p.verlaging_categorie_2], p.verlaging_categorie_3)
        percentage = where(huishouden("verwijtbaarheid_ontbreekt", period), 0, percentage)
        return where(huishouden("maatregel_in_deze_maand", period),
                     round_cents(percentage * huishouden("toepasselijke_norm", period)), 0)


class algemene_bijstand(Variable):
    value_type = float
    entity = Huishouden
    definition_period = MONTH
    label = "Algemene bijstand in deze maand"
    reference = "Participatiewet art. 11 en art. 19 lid 1"

    def formula(huishouden, period):
        bedrag = max_(huishouden("toepasselijke_norm", period) - huishouden("middelen", period)
                      - huishouden("verlaging_deze_maand", period), 0)
        return where(huishouden("recht_gelet_op_vermogen", period), bedrag, 0)


ALL = INPUTS + [leeftijd, leeftijd_aanvrager, leeftijd_partner, aow_aanvrager, aow_partner, gehuwd, bijstandsnorm,
                kostendeler, aantal_kostendelers, kostendelersnorm_geblokkeerd, toepasselijke_norm,
                vermogen_in_aanmerking, vermogensgrens, vermogen_boven_grens, recht_gelet_op_vermogen,
                vrijgelaten_inkomsten, inkomsten_in_mindering, giften_in_kalenderjaar, giften_tot_vorige_maand,
                giften_als_middel, middelen, toelichtingsgesprek_tijdig, maatregel_in_deze_maand,
                verlaging_deze_maand, algemene_bijstand]
