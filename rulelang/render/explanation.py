"""Explanations rendered as a terminal tree, Markdown for a consultant, or JSON."""
from __future__ import annotations

import json

from ..explain import Explanation, ExplNode

KIND_WORDS = {"uitkomst": "uitkomst", "definitie": "definitie", "invoer": "invoer", "beslissing": "beslissing",
              "parameter": "parameter"}


def _lines(node: ExplNode) -> list[str]:
    """The detail lines under a node's heading."""
    out = []
    if node.repeated:
        return ["(zie hierboven)"]
    if node.blocked:
        b = node.blocked
        out.append(f"GEBLOKKEERD: {b['reden']}")
        if b.get("bron"):
            out.append(f"  bron: {b['bron']} — {b['locatie']}")
    if node.problem:
        out.append(node.problem)
    if node.explanation:
        out.append(f"uitleg: {node.explanation}")
    if node.decision:
        d = node.decision
        if d.get("door"):
            when = f" op {d['datum_tekst']}" if d.get("datum_tekst") else ""
            out.append(f"beslissing van {d['door']}{when}: {d['motivering']}")
        else:
            out.append(d["motivering"])
    if node.kind in ("invoer", "beslissing") and node.status == "ontbreekt" and node.question:
        out.append(f"vraag: {node.question}")
    for item in node.items:
        out.append(f"• {item}")
    if node.version:
        out.append(f"versie: {node.version}")
    if node.source:
        out.append(f"bron: {node.source}")
    if node.applied:
        a = node.applied
        extra = f" (bron: {a.source})" if a.source and a.source != node.source else ""
        out.append(f"toegepast: {_rule_name(a.label)} — {a.location}{extra}")
    for n in node.not_applied:
        by = f" '{n.by}'" if n.by else ""
        out.append(f"niet toegepast: {_rule_name(n.label)} — {n.status}{by} — {n.location}")
    for r in node.roundings:
        out.append(r)
    return out


def decision_line(d: ExplNode) -> str:
    """One discretionary decision in words: what, by whom, when, why — or that it is still to be made."""
    info = d.decision or {}
    if d.status == "ontbreekt":
        return f"{d.name}: nog te beslissen door het college" + (f" — {d.question}" if d.question else "")
    if info.get("door"):
        when = f", {info['datum_tekst']}" if info.get("datum_tekst") else ""
        return f"{d.name} = {d.value_text} (door {info['door']}{when}): {info.get('motivering', '')}"
    return f"{d.name} = {d.value_text}: geen beslissing vastgelegd, de standaardwaarde geldt"


def _rule_name(label: str) -> str:
    return f"regel '{label}'" if label else "regel"


def _heading(node: ExplNode) -> str:
    return f"{node.name} = {node.value_text}  [{KIND_WORDS.get(node.kind, node.kind)}, {node.location}]"


def to_text(expl: Explanation) -> str:
    from ..runtime.values import format_value

    out = [f"Scenario: {expl.scenario}", f"Peildatum: {format_value(expl.peildatum, 'date')}"]
    if expl.decisions:
        out.append("Deze uitkomst hangt af van beslissingen van het college (kan-bepaling):")
        for d in expl.decisions:
            out.append("  - " + decision_line(d))
    out.append("")

    def walk(node: ExplNode, prefix: str, last: bool, top: bool):
        connector = "" if top else ("└── " if last else "├── ")
        out.append(prefix + connector + _heading(node))
        child_prefix = prefix + ("" if top else ("    " if last else "│   "))
        detail_prefix = child_prefix + ("│   " if node.children and not node.repeated else "    ")
        for line in _lines(node):
            out.append(detail_prefix + line)
        if node.repeated:
            return
        for i, c in enumerate(node.children):
            walk(c, child_prefix, i == len(node.children) - 1, False)

    walk(expl.root, "", True, True)
    return "\n".join(out).rstrip() + "\n"


def to_markdown(expl: Explanation) -> str:
    from ..runtime.values import format_value

    out = [f"## {expl.root.name}: {expl.root.value_text}", "",
           f"*Scenario:* {expl.scenario}  ", f"*Peildatum:* {format_value(expl.peildatum, 'date')}", ""]
    if expl.decisions:
        out.append("**Beslissingen van het college (kan-bepaling)**")
        out.append("")
        for d in expl.decisions:
            out.append("- " + decision_line(d))
        out.append("")

    def walk(node: ExplNode, depth: int):
        ind = "  " * depth
        out.append(f"{ind}- **{node.name}** = {node.value_text} *({node.kind}, {node.location})*")
        for line in _lines(node):
            out.append(f"{ind}  - {line}")
        if not node.repeated:
            for c in node.children:
                walk(c, depth + 1)

    walk(expl.root, 0)
    return "\n".join(out) + "\n"


def to_json(expl: Explanation) -> str:
    return json.dumps(expl.to_json(), ensure_ascii=False, indent=2, sort_keys=False)


def _letter_md(expl):
    from .letter import to_letter_markdown

    return to_letter_markdown(expl)


def _letter_html(expl):
    from .letter import to_letter_html

    return to_letter_html(expl)


RENDERERS = {"text": to_text, "markdown": to_markdown, "json": to_json, "brief": _letter_md, "html": _letter_html}
