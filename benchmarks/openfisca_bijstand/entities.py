"""Entities: a person, and a household (huishouden) with an aanvrager, a partner and medebewoners."""
from openfisca_core.entities import build_entity

Huishouden = build_entity(
    key="huishouden",
    plural="huishoudens",
    label="Huishouden (de belanghebbende, een partner en medebewoners)",
    roles=[
        {"key": "aanvrager", "plural": "aanvragers", "label": "Belanghebbende", "max": 1},
        {"key": "partner", "plural": "partners", "label": "Echtgenoot", "max": 1},
        {"key": "medebewoner", "plural": "medebewoners", "label": "Medebewoner (geen partner)"},
    ],
)

Persoon = build_entity(key="persoon", plural="personen", label="Persoon", is_person=True)

entities = [Huishouden, Persoon]
