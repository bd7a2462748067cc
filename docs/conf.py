# Sphinx configuration for the rulelang documentation.
# Build (warnings are errors):  make docs
#   = .venv/bin/python -m sphinx -W -n --keep-going -b html docs docs/_build/html
from __future__ import annotations

import rulelang

project = "rulelang"
author = "de makers van rulelang"
copyright = "2026, de makers van rulelang"
version = release = rulelang.__version__
language = "nl"

extensions = [
    "myst_parser",
    "sphinx_click",
    "rulelang.sphinxext",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
nitpicky = True
highlight_language = "rule"
pygments_style = "friendly"

myst_enable_extensions = ["colon_fence", "deflist", "fieldlist"]
myst_heading_anchors = 3

# rulelang.sphinxext: where the rule catalog comes from (relative to this file)
rulelang_rules_dir = "../rules"
rulelang_scenarios_dir = "../scenarios"
rulelang_catalog_dir = "catalogus"
rulelang_examples_dir = "voorbeelden"

html_theme = "alabaster"
html_title = "rulelang"
html_theme_options = {
    "description": "Regels van de Participatiewet als code",
    "fixed_sidebar": True,
    "page_width": "1180px",
    "sidebar_width": "250px",
    "show_relbars": True,
}
html_sidebars = {"**": ["about.html", "navigation.html", "relations.html", "searchbox.html"]}
html_static_path: list[str] = []
html_show_sourcelink = False
