"""A motivation a consultant can paste into a beschikking: plain Dutch, built only from the rule
files' `uitleg` sentences, citations and the recorded decisions. Deterministic: the same case gives
byte-identical text."""
from __future__ import annotations

import html

from ..explain import Explanation, ExplNode
from ..runtime.values import format_value


def _steps(node: ExplNode, seen: set[str], out: list[tuple[str, str | None]]) -> None:
    """Dependencies first, each name once: the order in which a reader can follow the reasoning."""
    if node.repeated or node.name in seen:
        return
    seen.add(node.name)
    for c in node.children:
        _steps(c, seen, out)
    if node.explanation:
        out.append((node.explanation, node.source))
    if node.blocked:
        out.append((node.blocked["reden"], node.blocked.get("bron")))


def _title(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _parts(expl: Explanation):
    root = expl.root
    steps: list[tuple[str, str | None]] = []
    _steps(root, set(), steps)
    decisions = []
    for d in expl.decisions:
        info = d.decision or {}
        if d.status == "ontbreekt":
            decisions.append(f"Hierover moet het college nog beslissen: {d.question or d.name}")
        elif info.get("door"):
            when = f" op {info['datum_tekst']}" if info.get("datum_tekst") else ""
            decisions.append(f"{d.question or _title(d.name)} Ons besluit: {d.value_text}. "
                             f"Reden: {info['motivering']} (besloten door {info['door']}{when}; {d.source})")
    return root, steps, decisions


def to_letter_markdown(expl: Explanation) -> str:
    root, steps, decisions = _parts(expl)
    out = [f"### {_title(root.name)}", "",
           f"Uitkomst op {format_value(expl.peildatum, 'date')}: **{root.value_text}**", ""]
    if steps:
        out += ["Zo komen wij tot deze uitkomst:", ""]
        out += [f"{i}. {text}" + (f" ({src})" if src else "") for i, (text, src) in enumerate(steps, 1)]
        out.append("")
    if decisions:
        out += ["Wat het college zelf heeft afgewogen:", ""]
        out += [f"- {d}" for d in decisions]
        out.append("")
    return "\n".join(out)


def to_letter_html(expl: Explanation) -> str:
    root, steps, decisions = _parts(expl)
    e = html.escape
    out = [f"<section class=\"rulelang-motivering\">", f"<h3>{e(_title(root.name))}</h3>",
           f"<p>Uitkomst op {e(format_value(expl.peildatum, 'date'))}: <strong>{e(root.value_text)}</strong></p>"]
    if steps:
        out.append("<p>Zo komen wij tot deze uitkomst:</p>")
        out.append("<ol>")
        out += [f"<li>{e(text)}" + (f" <cite>({e(src)})</cite>" if src else "") + "</li>" for text, src in steps]
        out.append("</ol>")
    if decisions:
        out.append("<p>Wat het college zelf heeft afgewogen:</p>")
        out.append("<ul>")
        out += [f"<li>{e(d)}</li>" for d in decisions]
        out.append("</ul>")
    out.append("</section>")
    return "\n".join(out) + "\n"
