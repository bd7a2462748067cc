"""The rule catalog as plain data, built from the rule files themselves.

Every `.rule` file under the rules folder is compiled (with its imports); each symbol it declares
becomes a `SymbolInfo` with its citation, validity, uitleg, rules and exceptions (with the source
text of their conditions), what it reads and what reads it, and the scenarios that check it. No
Sphinx here, so the tests can use it directly.
"""
from __future__ import annotations

import datetime as _dt
import os
import re
from pathlib import Path

import attrs
import yaml

from ..compiler import compile_to_python
from ..runtime.values import format_date, format_value
from .citations import Citation, parse_citations

_IMPORT_LINE = re.compile(r'^(?:importeer|import)\s+"((?:[^"\\\n]|\\.)*)"', re.M)
_DECL_LINE = re.compile(r"^(opsomming|enumeration|record)\s+([^\W\d]\w*)\s*:", re.M)

Key = tuple[str, str]  # (rule file relative to the rules folder, name)


@attrs.define
class RuleInfo:
    symbol: Key
    label: str | None
    line: int
    end_line: int
    cond: str | None
    value: str
    source: str | None
    explanation: str | None
    start: _dt.date | None
    end: _dt.date | None  # exclusive
    parent_label: str | None = None
    children: list["RuleInfo"] = attrs.Factory(list)
    scenarios: list[tuple[tuple[str, int], str]] = attrs.Factory(list)  # (scenario key, via|niet_via)
    parent: "RuleInfo | None" = attrs.field(default=None, repr=False, eq=False)

    @property
    def is_exception(self) -> bool:
        return self.parent is not None


@attrs.define
class Precondition:
    label: str | None
    cond: str
    source: str | None
    reason: str | None
    line: int


@attrs.define
class Version:
    value: str
    start: _dt.date | None
    end: _dt.date | None
    source: str | None
    line: int


@attrs.define
class SymbolInfo:
    key: Key
    kind: str
    name: str
    type: str
    line: int
    end_line: int
    source: str | None
    explanation: str | None
    question: str | None
    by: str | None
    default: str | None
    start: _dt.date | None
    end: _dt.date | None
    versions: list[Version] = attrs.Factory(list)
    preconditions: list[Precondition] = attrs.Factory(list)
    rules: list[RuleInfo] = attrs.Factory(list)  # roots of the exception tree
    deps: list[Key] = attrs.Factory(list)
    used_by: list[Key] = attrs.Factory(list)
    scenarios: list[tuple[str, int]] = attrs.Factory(list)  # named in verwacht/redenen
    scenarios_indirect: list[tuple[str, int]] = attrs.Factory(list)  # through something that reads it

    def all_rules(self) -> list[RuleInfo]:
        out, todo = [], list(self.rules)
        while todo:
            r = todo.pop(0)
            out.append(r)
            todo[0:0] = r.children
        return out

    def citations(self, default_law: str) -> list[tuple[Citation, str | None, str]]:
        """(citation, rule label or None, raw text) for the symbol's own bron and each rule's."""
        out = []
        texts = [(self.source, None)] + [(v.source, None) for v in self.versions]
        texts += [(r.source, r.label) for r in self.all_rules()]
        texts += [(p.source, p.label) for p in self.preconditions]
        for text, label in texts:
            for c in parse_citations(text, default_law):
                out.append((c, label, text))
        return out


@attrs.define
class ScenarioInfo:
    key: tuple[str, int]  # (path relative to the project, document index)
    name: str
    path: str
    line: int
    rules: str | None  # rule file relative to the rules folder
    peildatum: str
    source: str | None
    expected: dict[str, str]
    reasons: dict[str, dict]
    decisions: dict[str, str]
    facts: list[str]
    text: str  # the YAML of this document


@attrs.define
class RuleFileInfo:
    rel: str
    path: Path
    shown: str  # path as shown to readers (relative to the project)
    title: str
    header: list[str]
    lang: str
    symbols: list[SymbolInfo] = attrs.Factory(list)
    enums: list[tuple[str, list[str], int]] = attrs.Factory(list)
    records: list[tuple[str, list[tuple[str, str]], int]] = attrs.Factory(list)
    imports: list[str] = attrs.Factory(list)
    imported_by: list[str] = attrs.Factory(list)
    scenarios: list[ScenarioInfo] = attrs.Factory(list)
    files: list[Path] = attrs.Factory(list)  # every file the compilation read


@attrs.define
class Catalog:
    root: Path  # the project folder (parent of the rules folder)
    rules_dir: Path
    scenarios_dir: Path | None
    files: dict[str, RuleFileInfo] = attrs.Factory(dict)
    symbols: dict[Key, SymbolInfo] = attrs.Factory(dict)
    scenarios: dict[tuple[str, int], ScenarioInfo] = attrs.Factory(dict)
    problems: list[str] = attrs.Factory(list)

    @property
    def dependencies(self) -> list[Path]:
        deps = {p for f in self.files.values() for p in f.files} | {f.path for f in self.files.values()}
        deps |= {self.root / s.path for s in self.scenarios.values()}
        return sorted(deps)


# ---------------------------------------------------------------------------------------- text
def validity_text(start: _dt.date | None, end: _dt.date | None) -> str | None:
    """'vanaf 1 januari 2026 tot en met 31 december 2026' ('tot' dates are exclusive in the IR)."""
    if start is None and end is None:
        return None
    parts = []
    if start is not None:
        parts.append(f"vanaf {format_date(start)}")
    if end is not None:
        parts.append(f"tot en met {format_date(end - _dt.timedelta(days=1))}")
    return " ".join(parts)


def span_text(lines: list[str], span) -> str:
    if span is None or span.line <= 0 or span.line > len(lines):
        return ""
    end_line = span.end_line or span.line
    if end_line == span.line:
        end = span.end_col - 1 if span.end_col > span.col else len(lines[span.line - 1])
        out = lines[span.line - 1][span.col - 1:end]
    else:
        chunk = [lines[span.line - 1][span.col - 1:]]
        chunk += lines[span.line:end_line - 1]
        if end_line <= len(lines):
            chunk.append(lines[end_line - 1][:max(span.end_col - 1, 0)])
        out = " ".join(chunk)
    return " ".join(out.split())


def block_end(lines: list[str], start: int, end_line: int, end_col: int) -> int:
    """Last line (1-based) of a block that starts at `start` and whose span ends at end_line:end_col,
    without trailing blank or comment lines."""
    last = end_line if end_line else start
    if last > start and end_col <= 1 + _indent(lines, last):
        last -= 1  # the span stops at the start of the next clause
    last = min(last, len(lines))
    while last > start and (not lines[last - 1].strip() or lines[last - 1].lstrip().startswith("#")):
        last -= 1
    return last


def _indent(lines: list[str], n: int) -> int:
    if 0 < n <= len(lines):
        return len(lines[n - 1]) - len(lines[n - 1].lstrip())
    return 0


def header_comment(text: str) -> list[str]:
    """The comment block at the top of a rule file, without '#'."""
    out = []
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("#"):
            out.append(s[1:][1:] if s[1:2] == " " else s[1:])
        elif not s:
            if out:
                out.append("")
        else:
            break
    while out and not out[-1].strip():
        out.pop()
    return out


def title_of(header: list[str], rel: str) -> str:
    if header and header[0].strip():
        first = header[0].strip()
        for sep in (" — ", " – ", " - ", ": "):
            if sep in first:
                first = first.split(sep)[0]
        first = first.strip(" ,.;:")
        if first and len(first) <= 40:
            return first
    stem = Path(rel).stem.replace("_", " ")
    return stem[:1].upper() + stem[1:]


def _value_text(v, typ) -> str:
    if isinstance(v, tuple) and len(v) == 2:
        return f"{v[0]} {v[1]}"
    try:
        return format_value(v, typ.kind, typ.period)
    except Exception:  # a display problem must never break the catalog
        return str(v)


# ---------------------------------------------------------------------------------------- build
def build_catalog(rules_dir: str | os.PathLike, scenarios_dir: str | os.PathLike | None = None,
                  root: str | os.PathLike | None = None) -> Catalog:
    rules_dir = Path(rules_dir).resolve()
    root = Path(root).resolve() if root else rules_dir.parent
    sdir = Path(scenarios_dir).resolve() if scenarios_dir else None
    cat = Catalog(root, rules_dir, sdir)
    for path in sorted(rules_dir.rglob("*.rule")):
        _add_file(cat, path)
    for f in cat.files.values():
        for imp in f.imports:
            if imp in cat.files and f.rel not in cat.files[imp].imported_by:
                cat.files[imp].imported_by.append(f.rel)
    for key, sym in cat.symbols.items():
        for dep in sym.deps:
            if dep in cat.symbols and key not in cat.symbols[dep].used_by:
                cat.symbols[dep].used_by.append(key)
    if sdir is not None and sdir.is_dir():
        for path in sorted(sdir.rglob("*")):
            if path.suffix in (".yaml", ".yml") and path.is_file():
                _add_scenarios(cat, path)
    return cat


def _rel(cat: Catalog, path: Path) -> str:
    try:
        return path.resolve().relative_to(cat.rules_dir).as_posix()
    except ValueError:
        return os.path.relpath(path.resolve(), cat.rules_dir).replace(os.sep, "/")


def _shown(cat: Catalog, path: Path) -> str:
    try:
        return path.resolve().relative_to(cat.root).as_posix()
    except ValueError:
        return path.resolve().as_posix()


def _add_file(cat: Catalog, path: Path) -> None:
    rel = _rel(cat, path)
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    header = header_comment(text)
    source, program, texts, diags = compile_to_python(path)
    errors = [d for d in diags if d.severity == "error"]
    info = RuleFileInfo(rel, path.resolve(), _shown(cat, path), title_of(header, rel), header, "nl")
    info.imports = [_rel(cat, (path.parent / m.group(1))) for m in _IMPORT_LINE.finditer(text)]
    for m in _DECL_LINE.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        name = m.group(2)
        if program is not None and m.group(1) in ("opsomming", "enumeration") and name in program.enums:
            info.enums.append((name, list(program.enums[name]), line))
        elif program is not None and name in program.records:
            info.records.append((name, [(f, t.describe(info.lang)) for f, t in program.records[name]], line))
    cat.files[rel] = info
    if errors or program is None:
        cat.problems.extend(f"{rel}: {d.concise()}" for d in errors)
        return
    info.files = [Path(f).resolve() for f in program.files]
    info.lang = program.languages.get(program.files[0], "nl") if program.files else "nl"
    own = path.resolve()
    file_lines = {Path(f).resolve(): t.splitlines() for f, t in texts.items()}
    keys = {s.id: (_rel(cat, Path(s.span.file)), s.name) for s in program.symbols}
    rules_by_id = {r.id: r for r in program.rules}
    for s in program.symbols:
        if Path(s.span.file).resolve() != own:
            continue
        sl = file_lines.get(own, lines)
        sym = SymbolInfo(
            key=keys[s.id], kind=s.kind, name=s.name, type=s.type.describe(info.lang), line=s.span.line,
            end_line=block_end(sl, s.span.line, s.span.end_line, s.span.end_col),
            source=s.source, explanation=s.explanation, question=s.question, by=s.by,
            default=span_text(sl, s.default.span) if s.default is not None else None,
            start=s.validity.start, end=s.validity.end)
        sym.versions = [Version(_value_text(v.value, s.type), v.validity.start, v.validity.end, v.source,
                                v.span.line) for v in s.versions]
        sym.preconditions = [Precondition(p.label, span_text(sl, p.cond.span), p.source, p.reason, p.span.line)
                             for p in s.preconditions]
        sym.deps = [keys[d] for d in s.deps if d in keys and d != s.id]

        def rule_info(rid: int, parent: RuleInfo | None) -> RuleInfo:
            r = rules_by_id[rid]
            info_r = RuleInfo(
                symbol=sym.key, label=r.label, line=r.span.line,
                end_line=block_end(sl, r.span.line, r.span.end_line, r.span.end_col),
                cond=span_text(sl, r.cond.span) if r.cond is not None else None,
                value=span_text(sl, r.value.span), source=r.source, explanation=r.explanation,
                start=r.validity.start, end=r.validity.end,
                parent_label=parent.label if parent is not None else None, parent=parent)
            info_r.children = [rule_info(c, info_r) for c in r.children]
            return info_r

        sym.rules = [rule_info(rid, None) for rid in s.roots]
        info.symbols.append(sym)
        cat.symbols[sym.key] = sym


def _scalar_text(v) -> str:
    if isinstance(v, dict):
        return ", ".join(f"{k}: {_scalar_text(x)}" for k, x in v.items())
    if isinstance(v, list):
        return "[" + ", ".join(_scalar_text(x) for x in v) + "]"
    return str(v)


def _names(v) -> list[str]:
    if isinstance(v, list):
        return [str(x) for x in v]
    if v is None or v == "":
        return []
    return [str(v)]


def _add_scenarios(cat: Catalog, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    shown = _shown(cat, path)
    try:
        loader = yaml.BaseLoader(text)  # every scalar as text, as written
        docs = []
        try:
            while loader.check_node():
                node = loader.get_node()
                docs.append((node, loader.construct_document(node)))
        finally:
            loader.dispose()
    except yaml.YAMLError as e:
        cat.problems.append(f"{shown}: geen geldige YAML ({e})")
        return
    all_lines = text.splitlines()
    for index, (node, doc) in enumerate(docs):
        if not isinstance(doc, dict):
            continue

        def get(*names):
            for n in names:
                if n in doc:
                    return doc[n]
            return None

        ref = get("regels", "rules")
        rules_rel = None
        if isinstance(ref, str):
            for cand in (cat.rules_dir / ref, path.parent / ref):
                if cand.exists():
                    rules_rel = _rel(cat, cand)
                    break
        expected = get("verwacht", "expect") or {}
        reasons = get("redenen", "reasons") or {}
        decisions = get("beslissingen", "decisions") or {}
        facts = get("feiten", "facts") or {}
        first, last = node.start_mark.line, node.end_mark.line
        sc = ScenarioInfo(
            key=(shown, index), name=str(get("naam", "name") or f"{path.stem} ({index + 1})"), path=shown,
            line=first + 1, rules=rules_rel, peildatum=str(get("peildatum", "reference_date") or ""),
            source=get("bron", "source") if isinstance(get("bron", "source"), str) else None,
            expected={str(k): _scalar_text(v) for k, v in expected.items()} if isinstance(expected, dict) else {},
            reasons={str(k): v for k, v in reasons.items() if isinstance(v, dict)} if isinstance(reasons, dict) else {},
            decisions={str(k): _scalar_text(v.get("waarde", v.get("value")) if isinstance(v, dict) else v)
                       for k, v in decisions.items()} if isinstance(decisions, dict) else {},
            facts=[str(k) for k in facts] if isinstance(facts, dict) else [],
            text="\n".join(all_lines[first:last]).strip("\n"))
        cat.scenarios[sc.key] = sc
        if rules_rel is None or rules_rel not in cat.files:
            continue
        cat.files[rules_rel].scenarios.append(sc)
        _link_scenario(cat, sc, rules_rel)


def _program_symbols(cat: Catalog, rules_rel: str) -> dict[str, SymbolInfo]:
    """Name -> symbol for everything the rule file can see (its own declarations and its imports)."""
    out: dict[str, SymbolInfo] = {}
    todo, seen = [rules_rel], set()
    while todo:
        rel = todo.pop(0)
        if rel in seen or rel not in cat.files:
            continue
        seen.add(rel)
        for s in cat.files[rel].symbols:
            out.setdefault(s.name, s)
        todo.extend(cat.files[rel].imports)
    return out


def _link_scenario(cat: Catalog, sc: ScenarioInfo, rules_rel: str) -> None:
    visible = _program_symbols(cat, rules_rel)
    direct = [visible[n] for n in list(sc.expected) + list(sc.reasons) if n in visible]
    for s in direct:
        if sc.key not in s.scenarios:
            s.scenarios.append(sc.key)
    todo, seen = [d for s in direct for d in s.deps], set()
    while todo:
        k = todo.pop()
        if k in seen or k not in cat.symbols:
            continue
        seen.add(k)
        s = cat.symbols[k]
        if sc.key not in s.scenarios and sc.key not in s.scenarios_indirect:
            s.scenarios_indirect.append(sc.key)
        todo.extend(s.deps)
    for outcome, reasons in sc.reasons.items():
        for what in ("via", "through", "niet_via", "not_through"):
            for ref in _names(reasons.get(what)):
                kind = "via" if what in ("via", "through") else "niet_via"
                for r in _find_rules(visible, ref, outcome):
                    if (sc.key, kind) not in r.scenarios:
                        r.scenarios.append((sc.key, kind))


def _find_rules(visible: dict[str, SymbolInfo], ref: str, outcome: str) -> list[RuleInfo]:
    if "." in ref:
        name, label = ref.split(".", 1)
        s = visible.get(name)
        return [r for r in s.all_rules() if r.label == label] if s else []
    own = visible.get(outcome)
    mine = [r for r in own.all_rules() if r.label == ref] if own else []
    return mine or [r for s in visible.values() for r in s.all_rules() if r.label == ref]


def citation_index(cat: Catalog, default_law: str = "Participatiewet"):
    """Citation -> [(symbol key, rule label or None)], and the sources that cite no article."""
    by_citation: dict[Citation, list[tuple[Key, str | None]]] = {}
    uncited: dict[str, list[tuple[Key, str | None]]] = {}
    for key, s in cat.symbols.items():
        found = s.citations(default_law)
        for c, label, _ in found:
            by_citation.setdefault(c, [])
            if (key, label) not in by_citation[c]:
                by_citation[c].append((key, label))
        for text, label in [(s.source, None)] + [(r.source, r.label) for r in s.all_rules()]:
            if text and not parse_citations(text, default_law):
                uncited.setdefault(text, []).append((key, label))
    return by_citation, uncited
