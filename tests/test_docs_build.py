"""The documentation builds with warnings as errors, the catalog has a page per rule file, and an edit
to a .rule file shows up on the next (incremental) build."""
from __future__ import annotations

import html as _html
import re
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"

pytest.importorskip("sphinx")
pytest.importorskip("myst_parser")
pytest.importorskip("sphinx_click")


def sphinx(src: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "sphinx", "-W", "-n", "--keep-going", "-q", "-b", "html",
           "-d", str(out / ".doctrees"), *extra, str(src), str(out / "html")]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, timeout=300)


def text_of(path: Path) -> str:
    """The visible text of an HTML page, whitespace collapsed."""
    raw = re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8"))
    return " ".join(_html.unescape(raw).replace("\u00a0", " ").split())


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("docs")
    start = time.monotonic()
    res = sphinx(DOCS, out, "-E")
    took = time.monotonic() - start
    assert res.returncode == 0, f"sphinx-build failed ({took:.1f} s):\n{res.stdout}\n{res.stderr}"
    assert took < 60, f"the docs build took {took:.1f} s; keep it under 60 s"
    return out / "html"


def test_docs_build_cleanly_with_warnings_as_errors(site):
    for page in ("index", "tutorial/index", "tutorial/falende_test", "referentie/index", "referentie/trefwoorden",
                 "foutcodes", "scenarios", "cli", "catalogus/index", "catalogus/artikelen", "genindex"):
        assert (site / f"{page}.html").exists(), page


def test_docs_catalog_has_a_page_for_every_rule_file(site):
    rules = sorted((REPO / "rules").rglob("*.rule"))
    assert rules
    index = (site / "catalogus" / "index.html").read_text(encoding="utf-8")
    for rule in rules:
        rel = rule.relative_to(REPO / "rules").with_suffix("")
        page = site / "catalogus" / f"{rel.as_posix()}.html"
        assert page.exists(), f"no catalog page for {rule}"
        assert f"rules/{rel.as_posix()}.rule" in index


def test_docs_catalog_page_shows_definitions_citations_rules_and_scenarios(site):
    html = text_of(site / "catalogus" / "participatiewet" / "giftenvrijlating.html")
    for text in ("giften_vrijgelaten", "giften_meegeteld", "Participatiewet art. 31 lid 2 onderdeel s",
                 "vanaf 1 januari 2026", "binnen_grens", "verantwoord", "uitzondering op binnen_grens",
                 "Het college laat ook giften boven de grens vrij (kan-bepaling)",
                 "rules/participatiewet/giftenvrijlating.rule:"):
        assert text in html, text
    articles = text_of(site / "catalogus" / "artikelen.html")
    assert "art. 31 lid 2 onderdeel m" in articles and "art. 34a lid 1 onderdeel c" in articles


def test_docs_cli_reference_is_generated_from_the_click_app(site):
    html = text_of(site / "cli.html")
    from rulelang.cli import cli

    for name in cli.commands:
        assert f"rulelang {name}" in html, name


def test_docs_pages_use_the_rule_lexer(site):
    html = (site / "tutorial" / "index.html").read_text(encoding="utf-8")
    assert 'class="highlight-rule' in html
    assert '<span class="kd">uitkomst</span>' in html  # Keyword.Declaration from rulelang.highlight


# ------------------------------------------------------------------------------ incremental
CONF = """
extensions = ["rulelang.sphinxext"]
rulelang_rules_dir = "rules"
rulelang_scenarios_dir = "scenarios"
root_doc = "index"
"""

INDEX = """
Test
====

.. toctree::

   catalogus/index
"""


def test_docs_catalog_picks_up_an_edited_rule_on_the_next_build(tmp_path):
    src = tmp_path / "src"
    (src / "rules").mkdir(parents=True)
    (src / "scenarios").mkdir()
    (src / "conf.py").write_text(textwrap.dedent(CONF), encoding="utf-8")
    (src / "index.rst").write_text(textwrap.dedent(INDEX), encoding="utf-8")
    shutil.copy(REPO / "rules" / "participatiewet" / "giftenvrijlating.rule", src / "rules" / "giften.rule")
    scenario = (REPO / "scenarios" / "participatiewet" / "giftenvrijlating" / "precies_op_de_grens.yaml")
    text = scenario.read_text(encoding="utf-8").replace("participatiewet/giftenvrijlating.rule", "giften.rule")
    (src / "scenarios" / "grens.yaml").write_text(text, encoding="utf-8")
    out = tmp_path / "out"

    first = sphinx(src, out)
    assert first.returncode == 0, first.stdout + first.stderr
    page = out / "html" / "catalogus" / "giften.html"
    assert "art. 31 lid 2 onderdeel s" in text_of(page)

    rule = src / "rules" / "giften.rule"
    rule.write_text(rule.read_text(encoding="utf-8").replace(
        'bron "Participatiewet art. 31 lid 2 onderdeel s"', 'bron "Participatiewet art. 31 lid 2 onderdeel t"'),
        encoding="utf-8")
    second = sphinx(src, out)  # incremental: same doctree folder, no -E
    assert second.returncode == 0, second.stdout + second.stderr
    assert "art. 31 lid 2 onderdeel t" in text_of(page)
    assert "onderdeel t" in text_of(out / "html" / "catalogus" / "artikelen.html")

    # a new rule file gets its own page without a clean build
    (src / "rules" / "extra.rule").write_text(
        'uitkomst extra_grens: geld\n    bron "Participatiewet art. 36"\n    waarde € 5\n', encoding="utf-8")
    third = sphinx(src, out)
    assert third.returncode == 0, third.stdout + third.stderr
    assert "extra_grens" in text_of(out / "html" / "catalogus" / "extra.html")
    assert "extra.html" in (out / "html" / "catalogus" / "index.html").read_text(encoding="utf-8")


def test_docs_build_fails_when_a_rule_file_is_broken(tmp_path):
    src = tmp_path / "src"
    (src / "rules").mkdir(parents=True)
    (src / "conf.py").write_text(textwrap.dedent(CONF), encoding="utf-8")
    (src / "index.rst").write_text(textwrap.dedent(INDEX), encoding="utf-8")
    (src / "rules" / "kapot.rule").write_text('uitkomst x: geld\n    waarde onbekend\n', encoding="utf-8")
    res = sphinx(src, tmp_path / "out")
    assert res.returncode != 0
    assert "RL201" in res.stderr or "RL211" in res.stderr
