"""The `rl` Sphinx domain: object types for rule files, definitions, outcomes, parameters, inputs,
decisions, labelled rules and scenarios, with roles to refer to them and citations for the index by
article.

Full names: a symbol is `file.rule::name`, a rule `file.rule::definition.label`, a rule file its
path relative to the rules folder, a scenario `path.yaml#n`. A role may also use the short name
(`:rl:def:`giften_meegeteld``) when only one object has it.
"""
from __future__ import annotations

from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.directives import ObjectDescription
from sphinx.domains import Domain, ObjType
from sphinx.roles import XRefRole
from sphinx.util import logging
from sphinx.util.nodes import make_id, make_refnode

from .citations import parse_citations

logger = logging.getLogger(__name__)

SYMBOL_KINDS = ("invoer", "beslissing", "parameter", "definitie", "uitkomst", "opsomming", "record")
KIND_TITLES = {
    "invoer": "invoer", "beslissing": "beslissing van het college", "parameter": "parameter",
    "definitie": "definitie", "uitkomst": "uitkomst", "opsomming": "opsomming", "record": "record",
    "regel": "regel", "scenario": "scenario", "regelbestand": "regelbestand",
}
ROLE_TYPES = {
    "def": SYMBOL_KINDS,
    "regel": ("regel",),
    "scenario": ("scenario",),
    "bestand": ("regelbestand",),
    "obj": SYMBOL_KINDS + ("regel", "scenario", "regelbestand"),
}


class RuleObject(ObjectDescription[str]):
    """`.. rl:uitkomst:: name` and friends. Options say where the object lives and what it cites."""

    has_content = True
    required_arguments = 1
    final_argument_whitespace = True
    option_spec: ClassVar[dict] = {
        "bestand": directives.unchanged,  # the rule file (relative to the rules folder)
        "type": directives.unchanged,
        "bron": directives.unchanged,  # citation text, for the index by article
        "definitie": directives.unchanged,  # rl:regel — the definition it belongs to
        "uitzondering-op": directives.unchanged,  # rl:regel — the rule it is an exception to
        "sleutel": directives.unchanged,  # rl:scenario — full name
        "no-index": directives.flag,
        "noindex": directives.flag,
        "no-index-entry": directives.flag,
        "no-contents-entry": directives.flag,
        "no-typesetting": directives.flag,
    }

    def handle_signature(self, sig: str, signode: addnodes.desc_signature) -> str:
        kind = self.objtype
        word = "tenzij" if kind == "regel" and self.options.get("uitzondering-op") else KIND_TITLES[kind]
        signode += addnodes.desc_annotation(word + " ", word + " ")
        signode += addnodes.desc_name(sig, sig)
        if self.options.get("type"):
            t = ": " + self.options["type"]
            signode += addnodes.desc_annotation(t, t)
        if kind == "regel" and self.options.get("uitzondering-op"):
            t = f"  — uitzondering op {self.options['uitzondering-op']}"
            signode += addnodes.desc_annotation(t, t)
        signode["fullname"] = self.fullname(sig)
        return sig

    def fullname(self, name: str) -> str:
        kind = self.objtype
        file = self.options.get("bestand", "")
        if kind == "regelbestand":
            return name
        if kind == "scenario":
            return self.options.get("sleutel") or name
        if kind == "regel":
            return f"{file}::{self.options.get('definitie', '')}.{name}"
        return f"{file}::{name}"

    def add_target_and_index(self, name: str, sig: str, signode: addnodes.desc_signature) -> None:
        fullname = signode["fullname"]
        term = name if self.objtype not in ("scenario", "regel") else fullname
        node_id = make_id(self.env, self.state.document, self.objtype, term)
        signode["ids"].append(node_id)
        self.state.document.note_explicit_target(signode)
        domain: RuleDomain = self.env.domains["rl"]
        domain.note_object(self.objtype, fullname, node_id, name, signode)
        if "no-index-entry" in self.options:
            return
        if self.objtype in SYMBOL_KINDS:
            self.indexnode["entries"].append(("single", f"{name} ({KIND_TITLES[self.objtype]})", node_id, "", None))
        elif self.objtype == "regel":
            self.indexnode["entries"].append(
                ("single", f"{name} (regel van {self.options.get('definitie', '')})", node_id, "", None))
        source = self.options.get("bron")
        if source:
            default_law = self.env.config.rulelang_default_law
            display = name if self.objtype != "regel" else f"{self.options.get('definitie', '')}.{name}"
            citations = parse_citations(source, default_law)
            for c in citations:
                self.indexnode["entries"].append(("single", f"{c.law}; {c.where}", node_id, "", None))
            domain.note_citations(self.env.docname, node_id, self.objtype, display, source,
                                  [(c.law, c.article, c.member, c.item) for c in citations])

    def _object_hierarchy_parts(self, sig_node: addnodes.desc_signature) -> tuple[str, ...]:
        if self.objtype in SYMBOL_KINDS:
            return (sig_node.get("fullname", ""),)
        return ()

    def _toc_entry_name(self, sig_node: addnodes.desc_signature) -> str:
        if not sig_node.get("_toc_parts"):
            return ""
        return sig_node["_toc_parts"][-1].split("::")[-1]


class RuleXRefRole(XRefRole):
    def __init__(self, inner=nodes.literal) -> None:
        super().__init__(innernodeclass=inner)

    def process_link(self, env, refnode, has_explicit_title, title, target):
        if not has_explicit_title and "::" in title:
            title = title.split("::")[-1]
        return title, target


class RuleDomain(Domain):
    name = "rl"
    label = "rulelang"
    object_types: ClassVar[dict[str, ObjType]] = {
        **{k: ObjType(KIND_TITLES[k], "def", "obj") for k in SYMBOL_KINDS},
        "regel": ObjType("regel", "regel", "obj"),
        "scenario": ObjType("scenario", "scenario", "obj"),
        "regelbestand": ObjType("regelbestand", "bestand", "obj"),
    }
    directives: ClassVar[dict] = {k: RuleObject for k in list(SYMBOL_KINDS) + ["regel", "scenario", "regelbestand"]}
    roles: ClassVar[dict] = {r: RuleXRefRole(nodes.inline if r == "scenario" else nodes.literal) for r in ROLE_TYPES}
    initial_data: ClassVar[dict[str, Any]] = {
        "objects": {},  # (objtype, fullname) -> (docname, node_id, display)
        "citations": [],  # (docname, node_id, objtype, display, raw source, [(law, art, lid, item)])
        "index_pages": set(),  # documents with an rl:artikelindex
    }

    @property
    def objects(self) -> dict[tuple[str, str], tuple[str, str, str]]:
        return self.data.setdefault("objects", {})

    def note_object(self, objtype: str, fullname: str, node_id: str, display: str, location=None) -> None:
        key = (objtype, fullname)
        if key in self.objects and self.objects[key][0] != self.env.docname:
            other = self.objects[key][0]
            logger.warning("%s '%s' is al beschreven in %s", KIND_TITLES.get(objtype, objtype), fullname, other,
                           location=location)
        self.objects[key] = (self.env.docname, node_id, display)

    def note_citations(self, docname, node_id, objtype, display, raw, citations) -> None:
        self.data.setdefault("citations", []).append((docname, node_id, objtype, display, raw, citations))

    def clear_doc(self, docname: str) -> None:
        for key, (doc, _, _) in list(self.objects.items()):
            if doc == docname:
                del self.objects[key]
        self.data["citations"] = [c for c in self.data.get("citations", []) if c[0] != docname]
        self.data.setdefault("index_pages", set()).discard(docname)

    def merge_domaindata(self, docnames, otherdata: dict) -> None:
        for key, val in otherdata.get("objects", {}).items():
            if val[0] in docnames:
                self.objects[key] = val
        self.data.setdefault("citations", []).extend(c for c in otherdata.get("citations", []) if c[0] in docnames)
        self.data.setdefault("index_pages", set()).update(d for d in otherdata.get("index_pages", ()) if d in docnames)

    def _find(self, types, target: str) -> list[tuple[str, str, tuple[str, str, str]]]:
        exact = [(t, target, self.objects[(t, target)]) for t in types if (t, target) in self.objects]
        if exact:
            return exact
        out = []
        for (t, full), val in self.objects.items():
            if t not in types:
                continue
            short = full.split("::")[-1]
            if short == target or full.endswith("/" + target):
                out.append((t, full, val))
        return out

    def resolve_xref(self, env, fromdocname, builder, typ, target, node, contnode):
        found = self._find(ROLE_TYPES.get(typ, ()), target)
        if not found:
            return None
        if len(found) > 1:
            logger.warning("'%s' is niet eenduidig: %s; schrijf bestand::naam", target,
                           ", ".join(f for _, f, _ in found), location=node)
        _, full, (doc, node_id, _) = found[0]
        return make_refnode(builder, fromdocname, doc, node_id, contnode, full)

    def resolve_any_xref(self, env, fromdocname, builder, target, node, contnode):
        out = []
        for t, full, (doc, node_id, _) in self._find(ROLE_TYPES["obj"], target):
            role = next(r for r, types in ROLE_TYPES.items() if t in types and r != "obj")
            out.append((f"rl:{role}", make_refnode(builder, fromdocname, doc, node_id, contnode, full)))
        return out

    def get_objects(self):
        for (t, full), (doc, node_id, display) in self.objects.items():
            yield full, display, t, doc, node_id, 1
