"""Scenario fixtures: YAML a policy writer can read, loaded with line numbers, typed by the rule set.

Scalars are read as text and converted by the declared type, so no YAML float ever becomes money,
and no tag constructs an object (SafeLoader's composer only builds plain nodes).
"""
from __future__ import annotations

import datetime as _dt
import re
import tomllib
from decimal import Decimal, InvalidOperation
from pathlib import Path

import attrs
import yaml

from .diagnostics import Diagnostic, suggest
from .runtime.evaluator import Decision
from .runtime.values import Duur
from .source import Span
from .transform import DURATION_UNITS, MONTHS

# Dutch key -> English alias
KEYS = {"naam": "name", "omschrijving": "description", "regels": "rules", "peildatum": "reference_date",
        "bron": "source", "feiten": "facts", "beslissingen": "decisions", "verwacht": "expect",
        "redenen": "reasons"}
REQUIRED = ("naam", "regels", "peildatum", "verwacht")
DECISION_KEYS = {"waarde": "value", "door": "by", "datum": "date", "motivering": "motivation"}
REASON_KEYS = {"via": "through", "niet_via": "not_through", "geblokkeerd_door": "blocked_by",
               "beslissingen": "decisions"}
STATUS_WORDS = {"geblokkeerd": "geblokkeerd", "blocked": "geblokkeerd", "ontbreekt": "ontbreekt", "fout": "fout", "error": "fout",
                "missing": "ontbreekt"}
MAX_LIST_ITEMS = 100_000
MAX_SCENARIO_BYTES = 10_000_000  # docs/betrouwbaarheid.md


class ScenarioError(Exception):
    def __init__(self, diagnostics: list[Diagnostic]):
        super().__init__("\n".join(d.concise() for d in diagnostics))
        self.diagnostics = diagnostics


@attrs.define
class Expectation:
    name: str
    status: str  # ok | geblokkeerd | ontbreekt
    value: object
    text: str
    span: Span


@attrs.define
class ReasonExpectation:
    name: str
    through: list[tuple[str, Span]]
    not_through: list[tuple[str, Span]]
    blocked_by: tuple[str, Span] | None
    decisions: list[tuple[str, Span]]
    span: Span


@attrs.define
class Scenario:
    path: str
    index: int  # document number within the file
    name: str
    rules_path: Path
    rules_text: str
    peildatum: _dt.date
    source: str | None
    description: str | None
    facts: dict
    decisions: dict
    expect: list[Expectation]
    reasons: list[ReasonExpectation]
    span: Span


# ------------------------------------------------------------------ project configuration
def project_root(start: Path) -> tuple[Path, dict]:
    for d in [start, *start.parents]:
        pp = d / "pyproject.toml"
        if pp.exists():
            try:
                cfg = tomllib.loads(pp.read_text(encoding="utf-8")).get("tool", {}).get("rulelang")
            except (tomllib.TOMLDecodeError, OSError):
                cfg = None
            if cfg is not None:
                return d, cfg
    return start, {}


def rules_root(start: Path) -> Path:
    root, cfg = project_root(start.resolve())
    return root / cfg.get("rules", "rules")


def resolve_rules_path(scenario_file: Path, ref: str, root: Path | None = None) -> Path:
    """`regels:` is relative to the project's rules folder ([tool.rulelang] rules), else to the scenario."""
    if root is None:
        root = rules_root(scenario_file.parent)
    candidates = [root / ref, scenario_file.parent / ref]
    for c in candidates:
        if c.exists():
            return c
    return candidates[0]


# ------------------------------------------------------------------ YAML with positions
def _span(path: str, node) -> Span:
    m, e = node.start_mark, node.end_mark
    return Span(path, m.line + 1, m.column + 1, e.line + 1, e.column + 1)


def _mapping(node, path: str, what: str, diags) -> list[tuple[str, object, Span]] | None:
    if not isinstance(node, yaml.MappingNode):
        diags.append(Diagnostic("RL405", f"{what} moet een lijst van 'naam: waarde'-paren zijn", _span(path, node)))
        return None
    out = []
    for k, v in node.value:
        if not isinstance(k, yaml.ScalarNode):
            diags.append(Diagnostic("RL405", "een sleutel moet een naam zijn", _span(path, k)))
            continue
        out.append((k.value, v, _span(path, k)))
    return out


def _scalar(node, path: str, what: str, diags) -> str | None:
    if not isinstance(node, yaml.ScalarNode):
        diags.append(Diagnostic("RL405", f"{what} moet één waarde zijn, geen lijst of blok", _span(path, node)))
        return None
    return node.value


# ------------------------------------------------------------------ typed values
_AMBIGUOUS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


def parse_decimal_text(text: str) -> Decimal:
    """Dutch (1.234,56) or plain (1234.56) notation. '1.200' alone is ambiguous and refused."""
    t = text.strip().replace(" ", "").replace("\u00a0", "")
    if "," in t:
        if "." in t and t.rfind(".") > t.rfind(","):
            raise ValueError("dubbelzinnig")
        t = t.replace(".", "").replace(",", ".")
    elif _AMBIGUOUS.match(t):
        raise ValueError("dubbelzinnig")
    return Decimal(t)


def parse_date_text(text: str) -> _dt.date:
    t = text.strip()
    try:
        return _dt.date.fromisoformat(t)
    except ValueError:
        pass
    parts = t.split()
    if len(parts) == 3 and parts[1].lower() in MONTHS:
        return _dt.date(int(parts[2]), MONTHS[parts[1].lower()], int(parts[0]))
    raise ValueError("geen datum")


def convert(node, typ: dict, meta: dict, path: str, what: str, diags: list[Diagnostic]):
    """Convert a YAML node to a runtime value of the declared type; on error, append RL405 and return None."""
    kind = typ["kind"]
    span = _span(path, node)
    if kind == "list":
        if not isinstance(node, yaml.SequenceNode):
            diags.append(Diagnostic("RL405", f"{what} moet een lijst zijn (regels die met '-' beginnen)", span))
            return None
        if len(node.value) > MAX_LIST_ITEMS:
            diags.append(Diagnostic("RL405", f"{what} heeft {len(node.value)} items; het maximum is "
                                    f"{MAX_LIST_ITEMS}", span))
            return None
        return tuple(convert(n, typ["elem"], meta, path, f"{what}[{i + 1}]", diags) for i, n in enumerate(node.value))
    if kind == "record":
        fields = meta["records"][typ["name"]]
        pairs = _mapping(node, path, what, diags)
        if pairs is None:
            return None
        out = {}
        for key, val, kspan in pairs:
            if key not in fields:
                if key.isdigit():
                    diags.append(Diagnostic("RL403", f"{typ['name']} heeft geen veld '{key}': staat er een bedrag met "
                                            "een komma in {{…}}? Zet het tussen aanhalingstekens, bijvoorbeeld "
                                            "bedrag: \"€ 1.100,00\"", kspan))
                    continue
                hint = suggest(key, fields)
                diags.append(Diagnostic("RL403", f"{typ['name']} heeft geen veld '{key}'", kspan,
                                        help=f"bedoelde u '{hint}'?" if hint else None))
                continue
            out[key] = convert(val, fields[key], meta, path, f"{what}.{key}", diags)
        for f in fields:
            if f not in out and not any(k == f for k, _, _ in pairs):
                diags.append(Diagnostic("RL402", f"{what} mist het veld '{f}'", span))
        return out
    text = _scalar(node, path, what, diags)
    if text is None:
        return None
    try:
        return parse_scalar(text, typ, meta)
    except ValueError as e:
        diags.append(Diagnostic("RL405", f"{what}: {e}", span))
        return None


def parse_scalar(text: str, typ: dict, meta: dict):
    kind = typ["kind"]
    t = text.strip()
    if kind == "bool":
        low = t.lower()
        if low in ("ja", "waar", "true", "yes"):
            return True
        if low in ("nee", "onwaar", "false", "no"):
            return False
        raise ValueError(f"'{t}' is geen ja/nee")
    if kind == "int":
        if not re.fullmatch(r"-?\d+", t):
            raise ValueError(f"'{t}' is geen geheel getal")
        return int(t)
    if kind in ("dec", "money"):
        body = t
        if kind == "money":
            body = body.replace("€", "").strip()
            for suffix in (" per maand", " per jaar", " per month", " per year"):
                if body.endswith(suffix):
                    body = body[: -len(suffix)]
        try:
            if "€" in t and "," not in body and _AMBIGUOUS.match(body.replace(" ", "")):
                body = body.replace(".", "")  # with a euro sign the notation is Dutch: € 1.100 is 1100
            return parse_decimal_text(body)
        except ValueError:
            raise ValueError(f"'{t}' is dubbelzinnig: schrijf 1200 of 1.200,00 (Nederlands) of 1200.00") from None
        except InvalidOperation:
            raise ValueError(f"'{t}' is geen {'bedrag' if kind == 'money' else 'getal'}") from None
    if kind == "pct":
        m = re.fullmatch(r"(-?[\d.,]+)\s*(%|procent)", t)
        if not m:
            raise ValueError(f"'{t}' is geen percentage (schrijf bijvoorbeeld 15%)")
        try:
            return parse_decimal_text(m.group(1)) / 100
        except (ValueError, InvalidOperation):
            raise ValueError(f"'{t}' is geen percentage") from None
    if kind == "date":
        try:
            return parse_date_text(t)
        except ValueError:
            raise ValueError(f"'{t}' is geen datum (schrijf 2026-01-31 of 31 januari 2026)") from None
    if kind == "dur":
        m = re.fullmatch(r"(\d+)\s+(\w+)", t)
        if not m or m.group(2) not in DURATION_UNITS:
            raise ValueError(f"'{t}' is geen duur (schrijf bijvoorbeeld 12 maanden)")
        return Duur(int(m.group(1)), DURATION_UNITS[m.group(2)])
    if kind == "enum":
        members = meta["enums"][typ["name"]]
        if t not in members:
            hint = suggest(t, members)
            raise ValueError(f"'{t}' is geen waarde van {typ['name']} ({', '.join(members)})"
                             + (f"; bedoelde u '{hint}'?" if hint else ""))
        return t
    return t


# ------------------------------------------------------------------ loading
def read_documents(path: Path) -> tuple[list, list[Diagnostic], str]:
    shown = _display(path)
    try:
        size = path.stat().st_size
        if size > MAX_SCENARIO_BYTES:  # reading YAML costs ~0,3 ms per value: refuse before spending minutes
            return [], [Diagnostic("RL401", f"het scenariobestand is te groot ({size} bytes; het maximum is "
                                   f"{MAX_SCENARIO_BYTES})", Span(shown, 1, 1))], ""
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        return [], [Diagnostic("RL401", f"scenario niet te lezen ({type(e).__name__})", Span(shown, 1, 1))], ""
    try:
        docs = [d for d in yaml.compose_all(text, Loader=yaml.SafeLoader) if d is not None]
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return [], [Diagnostic("RL401", f"geen geldige YAML: {e.problem or e.context}", Span(shown, line, col))], text
    except yaml.YAMLError as e:
        return [], [Diagnostic("RL401", f"geen geldige YAML: {e}", Span(shown, 1, 1))], text
    except RecursionError:
        return [], [Diagnostic("RL401", "geen geldige YAML: te diep genest", Span(shown, 1, 1))], text
    for doc in docs:
        problem = _unsafe_yaml(doc, shown)
        if problem is not None:
            return [], [problem], text
    return docs, [], text


# Tags the YAML resolver gives plain values. Anything else (!!python/object, !!python/name, a custom
# !tag) is refused: a scenario is data, and a tag that asks for an object is a mistake or an attack.
_PLAIN_TAGS = {"tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map",
                                                  "merge")}
MAX_YAML_VALUES = 2_000_000  # after expanding aliases (&a / *a): no "billion laughs"


def _unsafe_yaml(doc, shown: str) -> Diagnostic | None:
    """A refused tag, or a document that expands (through aliases) to too many values. Iterative."""
    size: dict[int, int] = {}
    stack = [(doc, False)]
    while stack:
        node, done = stack.pop()
        if id(node) in size and not done:
            continue
        if node.tag not in _PLAIN_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!", 1)
            return Diagnostic("RL401", f"YAML-tag '{tag}' is niet toegestaan in een scenario; "
                              "schrijf de waarde als gewone tekst", _span(shown, node))
        if isinstance(node, yaml.ScalarNode):
            bad = next((c for c in node.value if "\ud800" <= c <= "\udfff"), None)
            if bad is not None:  # "\ud800" in a double-quoted string: no character, cannot be shown or saved
                return Diagnostic("RL405", f"de tekst bevat U+{ord(bad):04X}, een half teken (surrogaat) dat "
                                  "geen letter is", _span(shown, node))
        children = [c for pair in node.value for c in pair] if isinstance(node, yaml.MappingNode) else (
            node.value if isinstance(node, yaml.SequenceNode) else [])
        if not done:
            stack.append((node, True))
            stack.extend((c, False) for c in reversed(children) if id(c) not in size)  # in document order
            continue
        size[id(node)] = 1 + sum(size.get(id(c), 0) for c in children)
        if size[id(node)] > MAX_YAML_VALUES:
            return Diagnostic("RL401", f"het scenario is te groot: meer dan {MAX_YAML_VALUES} waarden "
                              "(ook via YAML-aliassen)", _span(shown, node))
    return None


def _display(path: Path) -> str:
    from .compiler import display_path

    return display_path(path)


def load_header(doc, path: Path, index: int) -> tuple[dict, list[Diagnostic]]:
    """First pass: the keys, the name and the rules path (needed before the rule set can type the rest)."""
    shown = _display(path)
    diags: list[Diagnostic] = []
    pairs = _mapping(doc, shown, "een scenario", diags) or []
    fields: dict[str, tuple[object, Span]] = {}
    aliases = {v: k for k, v in KEYS.items()}
    for key, node, span in pairs:
        canon = key if key in KEYS else aliases.get(key)
        if canon is None:
            hint = suggest(key, list(KEYS))
            diags.append(Diagnostic("RL403", f"onbekend veld '{key}' in scenario", span,
                                    help=f"bedoelde u '{hint}'?" if hint else None))
            continue
        fields[canon] = (node, span)
    for req in REQUIRED:
        if req not in fields:
            diags.append(Diagnostic("RL402", f"het scenario mist '{req}'", _span(shown, doc)))
    return fields, diags


def load_scenario(doc, path: Path, index: int, meta_for, root: Path | None = None
                  ) -> tuple[Scenario | None, list[Diagnostic]]:
    """Load one scenario document. `meta_for(rules_path)` compiles its rule set and returns META (or None)."""
    shown = _display(path)
    fields, diags = load_header(doc, path, index)
    if "regels" not in fields or "naam" not in fields:
        return None, diags
    name = _scalar(fields["naam"][0], shown, "naam", diags) or f"scenario {index + 1}"
    rules_ref = _scalar(fields["regels"][0], shown, "regels", diags)
    if rules_ref is None:
        return None, diags
    rules_path = resolve_rules_path(path, rules_ref, root)
    meta = meta_for(rules_path)
    if meta is None:
        diags.append(Diagnostic("RL407", f"de regels '{rules_ref}' zijn niet gevonden of bevatten fouten "
                                "(zie 'rulelang check')", fields["regels"][1]))
        return None, diags
    peildatum = None
    if "peildatum" in fields:
        text = _scalar(fields["peildatum"][0], shown, "peildatum", diags)
        try:
            peildatum = parse_date_text(text) if text is not None else None
        except ValueError:
            diags.append(Diagnostic("RL405", f"peildatum '{text}' is geen datum (schrijf 2026-01-31)",
                                    _span(shown, fields["peildatum"][0])))
    symbols = {s["name"]: s for s in meta["symbols"]}
    facts: dict = {}
    if "feiten" in fields:
        for key, node, span in _mapping(fields["feiten"][0], shown, "feiten", diags) or []:
            sym = symbols.get(key)
            if sym is None or sym["kind"] != "invoer":
                _unknown(key, span, symbols, "invoer", diags)
                continue
            facts[key] = convert(node, sym["type"], meta, shown, key, diags)
    decisions: dict = {}
    if "beslissingen" in fields:
        for key, node, span in _mapping(fields["beslissingen"][0], shown, "beslissingen", diags) or []:
            sym = symbols.get(key)
            if sym is None or sym["kind"] != "beslissing":
                _unknown(key, span, symbols, "beslissing", diags)
                continue
            decisions[key] = _decision(node, sym, meta, shown, key, diags)
    expect: list[Expectation] = []
    for key, node, span in _mapping(fields["verwacht"][0], shown, "verwacht", diags) or [] \
            if "verwacht" in fields else []:
        sym = symbols.get(key)
        if sym is None or sym["kind"] not in ("uitkomst", "definitie"):
            _unknown(key, span, symbols, "uitkomst", diags)
            continue
        text = _scalar(node, shown, key, diags)
        if text is None:
            continue
        status = STATUS_WORDS.get(text.strip().lower())
        if status and not (sym["type"]["kind"] == "enum" and text.strip() in meta["enums"][sym["type"]["name"]]):
            expect.append(Expectation(key, status, None, text, _span(shown, node)))
            continue
        try:
            expect.append(Expectation(key, "ok", parse_scalar(text, sym["type"], meta), text, _span(shown, node)))
        except ValueError as e:
            diags.append(Diagnostic("RL405", f"verwacht {key}: {e}", _span(shown, node)))
    reasons: list[ReasonExpectation] = []
    if "redenen" in fields:
        for key, node, span in _mapping(fields["redenen"][0], shown, "redenen", diags) or []:
            if key not in symbols or symbols[key]["kind"] not in ("uitkomst", "definitie"):
                _unknown(key, span, symbols, "uitkomst", diags)
                continue
            r = _reason(node, key, meta, shown, diags)
            if r is not None:
                reasons.append(r)
    source = description = None
    if "bron" in fields:
        source = _scalar(fields["bron"][0], shown, "bron", diags)
    if "omschrijving" in fields:
        description = _scalar(fields["omschrijving"][0], shown, "omschrijving", diags)
    if diags or peildatum is None:
        return None, diags
    try:
        rules_text = _display(rules_path)
    except Exception:  # pragma: no cover
        rules_text = str(rules_path)
    return Scenario(shown, index, name, rules_path, rules_text, peildatum, source, description, facts, decisions,
                    expect, reasons, _span(shown, doc)), diags


def _unknown(key: str, span: Span, symbols: dict, kind: str, diags):
    same_kind = [n for n, s in symbols.items() if s["kind"] == kind or (kind == "uitkomst" and s["kind"] == "definitie")]
    hint = suggest(key, same_kind)
    other = symbols.get(key)
    if other is not None:
        msg = f"'{key}' is een {other['kind']}, geen {kind}"
    else:
        msg = f"de regels kennen geen {kind} '{key}'"
    diags.append(Diagnostic("RL406" if kind == "uitkomst" else "RL404", msg, span,
                            help=f"bedoelde u '{hint}'?" if hint else None))


def _decision(node, sym, meta, shown, key, diags) -> Decision | None:
    pairs = _mapping(node, shown, f"beslissing {key}", diags)
    if pairs is None:
        return None
    aliases = {v: k for k, v in DECISION_KEYS.items()}
    got: dict[str, object] = {}
    for k, v, span in pairs:
        canon = k if k in DECISION_KEYS else aliases.get(k)
        if canon is None:
            diags.append(Diagnostic("RL403", f"onbekend veld '{k}' in beslissing {key} "
                                    "(verwacht: waarde, door, datum, motivering)", span))
            continue
        got[canon] = v
    for req in DECISION_KEYS:
        if req not in got:
            diags.append(Diagnostic("RL402", f"beslissing {key} mist '{req}': een beslissing van het college "
                                    "vermeldt wie besliste, wanneer, en waarom", _span(shown, node)))
    if any(r not in got for r in DECISION_KEYS):
        return None
    value = convert(got["waarde"], sym["type"], meta, shown, f"{key}.waarde", diags)
    by = _scalar(got["door"], shown, "door", diags)
    motivation = _scalar(got["motivering"], shown, "motivering", diags)
    date_text = _scalar(got["datum"], shown, "datum", diags)
    try:
        date = parse_date_text(date_text) if date_text else None
    except ValueError:
        diags.append(Diagnostic("RL405", f"datum '{date_text}' is geen datum", _span(shown, got["datum"])))
        date = None
    return Decision(value, by or "", date, motivation or "")


def _reason(node, key, meta, shown, diags) -> ReasonExpectation | None:
    pairs = _mapping(node, shown, f"redenen voor {key}", diags)
    if pairs is None:
        return None
    aliases = {v: k for k, v in REASON_KEYS.items()}
    r = ReasonExpectation(key, [], [], None, [], _span(shown, node))
    for k, v, span in pairs:
        canon = k if k in REASON_KEYS else aliases.get(k)
        if canon is None:
            diags.append(Diagnostic("RL403", f"onbekend veld '{k}' in redenen (verwacht: via, niet_via, "
                                    "geblokkeerd_door, beslissingen)", span))
            continue
        items = v.value if isinstance(v, yaml.SequenceNode) else [v]
        values = []
        for item in items:
            text = _scalar(item, shown, k, diags)
            if text is not None:
                values.append((text.strip(), _span(shown, item)))
        if canon == "via":
            r.through = values
        elif canon == "niet_via":
            r.not_through = values
        elif canon == "geblokkeerd_door":
            r.blocked_by = values[0] if values else None
        else:
            r.decisions = values
    _validate_reason_refs(r, meta, diags)
    return r


def find_rules(meta: dict, ref: str, outcome: str) -> list[dict]:
    """'label' (in the outcome's own definition first, then anywhere) or 'definitie.label'."""
    rules = meta["rules"]
    symbols = meta["symbols"]
    if "." in ref:
        sym_name, label = ref.split(".", 1)
        return [r for r in rules if r["label"] == label and symbols[r["symbol"]]["name"] == sym_name]
    own = meta["index"][outcome]
    mine = [r for r in rules if r["label"] == ref and r["symbol"] == own]
    return mine or [r for r in rules if r["label"] == ref]


def _validate_reason_refs(r: ReasonExpectation, meta: dict, diags):
    labels = sorted({x["label"] for x in meta["rules"] if x["label"]})
    for ref, span in r.through + r.not_through:
        if not find_rules(meta, ref, r.name):
            hint = suggest(ref.split(".")[-1], labels)
            diags.append(Diagnostic("RL408", f"er is geen regel met label '{ref}'", span,
                                    help=f"bedoelde u '{hint}'?" if hint else None))
    if r.blocked_by is not None:
        ref, span = r.blocked_by
        pre_labels = {p["label"] for s in meta["symbols"] for p in s["preconditions"] if p["label"]}
        if ref not in pre_labels:
            hint = suggest(ref, pre_labels)
            diags.append(Diagnostic("RL408", f"er is geen voorwaarde ('vereist') met label '{ref}'", span,
                                    help=f"bedoelde u '{hint}'?" if hint else None))
    for ref, span in r.decisions:
        sym = meta["index"].get(ref)
        if sym is None or meta["symbols"][sym]["kind"] != "beslissing":
            diags.append(Diagnostic("RL408", f"er is geen beslissing '{ref}'", span))
