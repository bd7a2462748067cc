"""Sphinx extension for rulelang: the rule catalog, the `rl` domain, and directives that check the docs.

In conf.py::

    extensions = ["rulelang.sphinxext"]
    rulelang_rules_dir = "../rules"          # relative to conf.py
    rulelang_scenarios_dir = "../scenarios"
    rulelang_catalog_dir = "catalogus"       # generated pages, relative to the source folder

The catalog pages are generated at every build; `.rule` and scenario files are registered as
dependencies, so an edit shows on the next (incremental) build.
"""
from __future__ import annotations

from pathlib import Path

from .. import __version__


def _add_static_path(app, config) -> None:
    static = str(Path(__file__).with_name("static"))
    if static not in config.html_static_path:
        config.html_static_path.append(static)


def setup(app):
    from ..highlight import RuleLexer
    from . import catalog, docdirectives
    from .domain import RuleDomain

    app.add_config_value("rulelang_rules_dir", "../rules", "env", [str])
    app.add_config_value("rulelang_scenarios_dir", "../scenarios", "env", [str])
    app.add_config_value("rulelang_catalog_dir", "catalogus", "env", [str])
    app.add_config_value("rulelang_catalog_title", "Regelcatalogus", "env", [str])
    app.add_config_value("rulelang_default_law", "Participatiewet", "env", [str])
    app.add_config_value("rulelang_examples_dir", "voorbeelden", "env", [str])

    app.add_lexer("rule", RuleLexer)
    app.add_domain(RuleDomain)
    app.add_directive_to_domain("rl", "autorule", catalog.AutoRule)
    app.add_directive_to_domain("rl", "catalogusoverzicht", catalog.CatalogOverview)
    app.add_directive_to_domain("rl", "artikelindex", catalog.ArticleIndex)
    app.add_directive_to_domain("rl", "toelichting", catalog.Explanatory)
    app.add_directive_to_domain("rl", "inklapbaar", catalog.Collapsible)
    app.add_directive_to_domain("rl", "voorbeeld", docdirectives.Example)
    app.add_directive_to_domain("rl", "opdracht", docdirectives.Command)
    app.add_directive_to_domain("rl", "bestand", docdirectives.ShowFile)
    app.add_directive_to_domain("rl", "foutcodes", docdirectives.Diagnostics)
    app.add_directive_to_domain("rl", "trefwoorden", docdirectives.Keywords)
    app.add_directive_to_domain("rl", "functies", docdirectives.Functions)
    app.add_directive_to_domain("rl", "typen", docdirectives.TypesTable)
    app.add_directive_to_domain("rl", "scenariosleutels", docdirectives.ScenarioKeys)

    plain = (catalog._visit_plain, catalog._visit_plain)
    app.add_node(catalog.details, html=(catalog.visit_details_html, catalog.depart_details_html),
                 latex=plain, text=plain, man=plain, texinfo=plain)
    app.add_node(catalog.artikelindex)

    app.connect("builder-inited", catalog.write_stubs)
    app.connect("env-get-outdated", catalog.env_get_outdated)
    app.connect("env-get-updated", catalog.env_get_updated)
    app.connect("doctree-resolved", catalog.resolve_article_index)

    app.connect("config-inited", _add_static_path)
    app.add_css_file("rulelang.css")
    return {"version": __version__, "parallel_read_safe": False, "parallel_write_safe": True,
            "env_version": 1}
