"""The monthly bijstand decision of rules/participatiewet/bijstand.rule as an OpenFisca country package.

Written the way OpenFisca packages are written: entities (a household with roles), variables with
vectorised numpy formulas per month, parameters in YAML by date. Money is OpenFisca's `float` (float32
storage); rounding half up to cents. Gifts are a monthly household variable (the sum of the gifts and
contributions of that month, without the voedselbank), since OpenFisca has no list inputs.

Scope: peildata in 2026 (the giftenvrijlating and art. 34a start on 1 January 2026). An outcome that
rulelang reports as geblokkeerd (art. 22a lid 3) is a separate boolean variable here.
"""
from pathlib import Path

from openfisca_core.taxbenefitsystems import TaxBenefitSystem

from .entities import entities

HERE = Path(__file__).parent


class CountryTaxBenefitSystem(TaxBenefitSystem):
    def __init__(self):
        super().__init__(entities)
        from . import variables

        self.add_variables(*variables.ALL)
        self.load_parameters(str(HERE / "parameters"))
