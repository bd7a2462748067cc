"""The rule catalog's data: citations parsed to law/article/member/item, every rule file and symbol
present, rules with their exceptions and conditions, scenarios linked to what they check."""
from __future__ import annotations

from pathlib import Path

import pytest

from rulelang.sphinxext.citations import Citation, parse_citations
from rulelang.sphinxext.model import build_catalog, citation_index, header_comment, title_of, validity_text

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("text, expected", [
    ("Participatiewet art. 31 lid 2 onderdeel m", ["Participatiewet art. 31 lid 2 onderdeel m"]),
    ("Participatiewet art. 31 lid 2 onderdeel m en art. 18 lid 8",
     ["Participatiewet art. 31 lid 2 onderdeel m", "Participatiewet art. 18 lid 8"]),
    ("Participatiewet art. 34a lid 1 onderdelen a en b",
     ["Participatiewet art. 34a lid 1 onderdeel a", "Participatiewet art. 34a lid 1 onderdeel b"]),
    ("Participatiewet art. 18 lid 2; afstemmingsverordening art. 9 lid 1",
     ["Participatiewet art. 18 lid 2", "Afstemmingsverordening art. 9 lid 1"]),
    ("Afstemmingsverordening Diemen 2015, art. 9 lid 1 onder c (voorbeeld)",
     ["Afstemmingsverordening Diemen 2015 art. 9 lid 1 onderdeel c"]),
    ("Participatiewet art. 18 lid 8 (tweede lid 8, tekst geldig vanaf 2026-01-01)", ["Participatiewet art. 18 lid 8"]),
    ("Feitenblad §4.2: art. 34a geldt vanaf 2026", ["Participatiewet art. 34a"]),
    ("Verzamelbrief Participatiewet 3 juli 2026 (seed r. 61)", []),
    (None, []),
])
def test_docs_citations_are_parsed(text, expected):
    assert [str(c) for c in parse_citations(text)] == expected


def test_docs_citations_sort_by_article_number():
    cites = [Citation("Participatiewet", a, l) for a, l in (("34a", "1"), ("9", None), ("31", "2"), ("34", None))]
    assert [c.where for c in sorted(cites, key=lambda c: c.sort_key)] == [
        "art. 9", "art. 31 lid 2", "art. 34", "art. 34a lid 1"]


@pytest.fixture(scope="module")
def catalog():
    return build_catalog(REPO / "rules", REPO / "scenarios")


def test_docs_catalog_covers_every_rule_file_and_declaration(catalog):
    assert not catalog.problems
    files = sorted(p.relative_to(REPO / "rules").as_posix() for p in (REPO / "rules").rglob("*.rule"))
    assert sorted(catalog.files) == files
    for rel, info in catalog.files.items():
        text = (REPO / "rules" / rel).read_text(encoding="utf-8")
        declared = {line.split()[1].rstrip(":") for line in text.splitlines()
                    if line.split()[:1] and line.split()[0] in ("invoer", "beslissing", "parameter", "definitie",
                                                                "uitkomst")}
        assert {s.name for s in info.symbols} == declared, rel


def test_docs_catalog_rules_have_exceptions_conditions_and_scenarios(catalog):
    s = catalog.symbols[("participatiewet/giftenvrijlating.rule", "giften_vrijgelaten")]
    assert s.kind == "uitkomst" and s.source == "Participatiewet art. 31 lid 2 onderdeel m"
    assert validity_text(s.start, s.end) == "vanaf 1 januari 2026"
    (main,) = s.rules
    assert main.label == "binnen_grens" and main.cond is None
    (exc,) = main.children
    assert exc.label == "verantwoord" and exc.parent is main
    assert exc.cond == "giften_in_kalenderjaar > vrijlatingsgrens_giften en meer_giften_verantwoord"
    assert exc.source == "Participatiewet art. 31 lid 2 onderdeel s"
    lines = (REPO / "rules" / "participatiewet" / "giftenvrijlating.rule").read_text(encoding="utf-8").splitlines()
    assert lines[exc.line - 1].strip() == "tenzij verantwoord:"
    scenario = ("scenarios/participatiewet/giftenvrijlating/college_acht_meer_verantwoord.yaml", 0)
    assert scenario in s.scenarios
    assert (scenario, "via") in exc.scenarios
    # what reads what, both ways
    grens = ("participatiewet/giftenvrijlating.rule", "vrijlatingsgrens_giften")
    assert grens in s.deps and s.key in catalog.symbols[grens].used_by


def test_docs_catalog_links_imports_both_ways(catalog):
    maatregel = catalog.files["handhaving/maatregel.rule"]
    assert "voorbeeldgemeente/afstemmingsverordening.rule" in maatregel.imports
    assert "handhaving/maatregel.rule" in catalog.files["voorbeeldgemeente/afstemmingsverordening.rule"].imported_by


def test_docs_catalog_index_by_article(catalog):
    by_citation, uncited = citation_index(catalog)
    m = Citation("Participatiewet", "31", "2", "m")
    assert ("participatiewet/giftenvrijlating.rule", "giften_meegeteld") in [k for k, _ in by_citation[m]]
    s = Citation("Participatiewet", "31", "2", "s")
    assert (("participatiewet/giftenvrijlating.rule", "giften_vrijgelaten"), "verantwoord") in by_citation[s]


def test_docs_catalog_titles_from_the_header_comment():
    header = header_comment("# Giftenvrijlating — art. 31\n#\n# Bronnen:\n#   - x\n\nuitkomst a: geld\n")
    assert header == ["Giftenvrijlating — art. 31", "", "Bronnen:", "  - x"]
    assert title_of(header, "p/giften.rule") == "Giftenvrijlating"
    assert title_of(["Een heel lange eerste regel zonder streepje die maar doorgaat"], "p/giften.rule") == "Giften"
