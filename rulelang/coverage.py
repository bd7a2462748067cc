"""Rule coverage: which rules, exceptions, condition branches and dated versions the scenarios exercise.

Counted items, per rule set:
  - every rule: applied in at least one scenario ("toegepast");
  - every rule with a condition: its condition false in at least one scenario ("voorwaarde onwaar");
  - every dated parameter value: in force on the peildatum of a scenario that read the parameter.
"""
from __future__ import annotations

import json

import attrs

from .runtime.trace import APPLIED, NOT_APPLICABLE


@attrs.define
class Item:
    file: str
    line: int
    what: str  # a Dutch description
    kind: str  # regel | voorwaarde | versie
    covered: bool = False


@attrs.define
class Coverage:
    items: dict[tuple, Item] = attrs.Factory(dict)
    scenarios: int = 0

    def register(self, meta: dict) -> None:
        syms = meta["symbols"]
        for r in meta["rules"]:
            s = syms[r["symbol"]]
            name = f"{s['name']}.{r['label']}" if r["label"] else f"{s['name']} (regel r. {r['line']})"
            kind = "uitzondering" if r["parent"] is not None else "regel"
            self.items.setdefault(("regel", r["file"], r["line"], r["col"]),
                                  Item(r["file"], r["line"], f"{kind} {name} nooit toegepast", "regel"))
            if r["conditional"]:
                self.items.setdefault(("voorwaarde", r["file"], r["line"], r["col"]),
                                      Item(r["file"], r["line"], f"voorwaarde van {name} nooit onwaar", "voorwaarde"))
        for s in syms:
            if s["kind"] == "parameter" and len(s["versions"]) > 1:
                for v in s["versions"]:
                    self.items.setdefault(("versie", s["file"], v["line"], 0),
                                          Item(s["file"], v["line"], f"versie van {s['name']} "
                                               f"({_period(v)}) door geen scenario gebruikt", "versie"))

    def record(self, meta: dict, tracer, peildatum) -> None:
        self.register(meta)
        self.scenarios += 1
        rules = meta["rules"]
        for node in tracer.nodes.values():
            for _, rid, status, _ in node.rules:
                r = rules[rid]
                if status == APPLIED:
                    self.items[("regel", r["file"], r["line"], r["col"])].covered = True
                elif status == NOT_APPLICABLE:
                    self.items[("voorwaarde", r["file"], r["line"], r["col"])].covered = True
            s = meta["symbols"][node.symbol]
            if s["kind"] == "parameter" and len(s["versions"]) > 1 and node.status == "gelezen":
                for v in s["versions"]:
                    if (v["start"] is None or v["start"] <= peildatum) and (v["end"] is None or peildatum < v["end"]):
                        self.items[("versie", s["file"], v["line"], 0)].covered = True

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def covered(self) -> int:
        return sum(1 for i in self.items.values() if i.covered)

    def percentage(self, items=None) -> float:
        items = list(self.items.values()) if items is None else items
        return 100.0 if not items else 100.0 * sum(i.covered for i in items) / len(items)

    def by_file(self) -> dict[str, list[Item]]:
        out: dict[str, list[Item]] = {}
        for item in sorted(self.items.values(), key=lambda i: (i.file, i.line, i.kind)):
            out.setdefault(item.file, []).append(item)
        return out

    def to_text(self) -> str:
        lines = ["Dekking van de regels door de scenario's", ""]
        width = max((len(f) for f in self.by_file()), default=10)
        for file, items in self.by_file().items():
            got = sum(i.covered for i in items)
            lines.append(f"{file.ljust(width)}  {got:>3}/{len(items):<3}  {self.percentage(items):5.1f}%")
        lines.append(f"{'totaal'.ljust(width)}  {self.covered:>3}/{self.total:<3}  {self.percentage():5.1f}%"
                     f"  ({self.scenarios} scenario's)")
        missing = [i for i in self.items.values() if not i.covered]
        if missing:
            lines += ["", "Niet gedekt:"]
            for i in sorted(missing, key=lambda i: (i.file, i.line, i.kind)):
                lines.append(f"  {i.file}:{i.line}: {i.what}")
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        return json.dumps({
            "scenarios": self.scenarios, "totaal": self.total, "gedekt": self.covered,
            "percentage": round(self.percentage(), 1),
            "bestanden": {f: {"gedekt": sum(i.covered for i in items), "totaal": len(items),
                              "percentage": round(self.percentage(items), 1),
                              "niet_gedekt": [{"regel": i.line, "soort": i.kind, "wat": i.what}
                                              for i in items if not i.covered]}
                          for f, items in self.by_file().items()},
        }, ensure_ascii=False, indent=2)


def _period(v: dict) -> str:
    from .explain import _validity_text

    return _validity_text(v["start"], v["end"])


def measure(runs, all_rule_files=()) -> Coverage:
    """Coverage of finished scenario runs; rule sets in `all_rule_files` with no scenario count as 0%."""
    cov = Coverage()
    for rs in all_rule_files:
        cov.register(rs.meta)
    for r in runs:
        cov.record(r.ruleset.meta, r.tracer, r.scenario.peildatum)
    return cov
