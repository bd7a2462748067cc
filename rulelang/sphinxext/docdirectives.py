"""Directives that keep the handwritten docs true: every example is compiled and run while the docs
are built, every command's output is the real output, every table of keywords, types and functions
comes from the code.

- `rl:voorbeeld NAME`   an example (`NAME.rule`, its English twin `NAME.en.rule`, its scenario
                         `NAME.yaml`), compiled and run; the outcomes are shown.
- `rl:opdracht CMD`     runs `rulelang CMD` and shows the output (`:exitcode:`, `:bevat:` checked).
- `rl:bestand PATH`     a file, with the lines changed since `:vorige:` highlighted.
- `rl:foutcodes`        one section per diagnostic code, with its bad example, the real message
                         and the fix (from docs/foutcodes/RLxxx.yaml).
- `rl:trefwoorden`, `rl:typen`, `rl:functies`   tables generated from the grammar and the code.
"""
from __future__ import annotations

import difflib
import os
import re
from importlib import resources
from pathlib import Path

from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from ..builtins import DESCRIPTIONS, ENGLISH
from ..diagnostics import CODES
from ..types import TYPE_WORDS
from .catalog import esc, inline, lit, parse_rst
from .checks import check_diagnostic, check_example, load_diagnostic_entries, run_cli

logger = logging.getLogger(__name__)


def _rel(target: Path, docdir: Path) -> str:
    return os.path.relpath(target, docdir).replace(os.sep, "/")


def _indent(text: str, n: int) -> list[str]:
    pad = " " * n
    return [pad + line if line.strip() else "" for line in text.splitlines()]


class DocDirective(SphinxDirective):
    @property
    def docdir(self) -> Path:
        return (Path(self.env.srcdir) / self.env.docname).parent

    def fail(self, message: str) -> None:
        logger.warning(message, location=self.get_location(), type="rulelang", subtype="docs")

    def parse(self, lines: list[str]):
        return parse_rst(self, "\n".join(lines))


# ------------------------------------------------------------------------------------ examples
class Example(DocDirective):
    """`.. rl:voorbeeld:: uitzondering` — docs/voorbeelden/uitzondering.{rule,en.rule,yaml}."""

    required_arguments = 1
    option_spec = {"map": directives.unchanged, "geen-scenario": directives.flag}

    def run(self):
        folder = Path(self.env.srcdir) / self.options.get("map", self.config.rulelang_examples_dir)
        rule = folder / f"{self.arguments[0]}.rule"
        if not rule.exists():
            self.fail(f"voorbeeld '{rule}' bestaat niet")
            return []
        result = check_example(rule)
        for p in result.problems:
            self.fail(f"voorbeeld {rule.name}: {p}")
        lines = [f".. literalinclude:: {_rel(rule, self.docdir)}",
                 "   :language: rule",
                 f"   :caption: {rule.name}",
                 ""]
        if result.english is not None:
            lines += [f".. rl:inklapbaar:: Hetzelfde in het Engels ({result.english.name})", "",
                      f"   .. literalinclude:: {_rel(result.english, self.docdir)}",
                      "      :language: rule",
                      f"      :caption: {result.english.name}",
                      ""]
        if result.scenario is not None:
            lines += [f".. literalinclude:: {_rel(result.scenario, self.docdir)}",
                      "   :language: yaml",
                      f"   :caption: Scenario {result.scenario.name}",
                      ""]
        if result.rows:
            lines += [".. list-table:: Doorgerekend bij het bouwen van deze pagina",
                      "   :header-rows: 1",
                      "   :class: rl-uitkomsten",
                      "",
                      "   * - Scenario",
                      "     - Uitkomst",
                      "     - Berekend",
                      "     - "]
            for row in result.rows:
                lines += [f"   * - {esc(row.scenario)}", f"     - {lit(row.outcome)}", f"     - {lit(row.got)}",
                          f"     - {'✓ zoals verwacht' if row.ok else '✗ verwacht ' + esc(row.expected or '')}"]
            lines.append("")
        for p in [rule, result.english, result.scenario]:
            if p is not None:
                self.env.note_dependency(str(p))
        return self.parse(lines)


# ------------------------------------------------------------------------------------ commands
class Command(DocDirective):
    """`.. rl:opdracht:: rulelang check giften.rule` with `:map: 01_leeg` (relative to the page)."""

    required_arguments = 1
    final_argument_whitespace = True
    option_spec = {"map": directives.unchanged, "exitcode": directives.nonnegative_int,
                   "bevat": directives.unchanged}

    def run(self):
        cwd = (self.docdir / self.options.get("map", ".")).resolve()
        if not cwd.is_dir():
            self.fail(f"map '{cwd}' bestaat niet")
            return []
        for p in cwd.iterdir():
            if p.suffix in (".rule", ".yaml", ".yml"):
                self.env.note_dependency(str(p))
        res = run_cli(self.arguments[0], cwd)
        want = self.options.get("exitcode", 0)
        if res.exit_code != want:
            self.fail(f"'{self.arguments[0]}' in {cwd.name}: exitcode {res.exit_code}, verwacht {want}\n{res.output}")
        expected = self.options.get("bevat")
        if expected and expected not in res.output:
            self.fail(f"'{self.arguments[0]}' in {cwd.name}: de uitvoer bevat niet '{expected}'\n{res.output}")
        return self.parse([".. code-block:: console", "   :class: rl-opdracht", ""] + _indent(res.shown, 3) + [""])


class ShowFile(DocDirective):
    """`.. rl:bestand:: 03_uitzondering/giften.rule` with `:vorige: 02_parameter/giften.rule`."""

    required_arguments = 1
    option_spec = {"vorige": directives.unchanged, "caption": directives.unchanged}

    def run(self):
        path = (self.docdir / self.arguments[0]).resolve()
        if not path.exists():
            self.fail(f"bestand '{self.arguments[0]}' bestaat niet")
            return []
        language = {".rule": "rule", ".yaml": "yaml", ".yml": "yaml"}.get(path.suffix, "text")
        lines = [f".. literalinclude:: {_rel(path, self.docdir)}", f"   :language: {language}",
                 f"   :caption: {self.options.get('caption', path.name)}", "   :linenos:"]
        if self.options.get("vorige"):
            prev = (self.docdir / self.options["vorige"]).resolve()
            if not prev.exists():
                self.fail(f"bestand '{self.options['vorige']}' bestaat niet")
            else:
                self.env.note_dependency(str(prev))
                changed = changed_lines(prev.read_text(encoding="utf-8"), path.read_text(encoding="utf-8"))
                if changed:
                    lines.append(f"   :emphasize-lines: {','.join(map(str, changed))}")
        return self.parse(lines + [""])


def changed_lines(old: str, new: str) -> list[int]:
    """1-based numbers of the lines in `new` that are not in `old` (blank lines never count)."""
    a, b = old.splitlines(), new.splitlines()
    out = []
    for tag, _, _, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("replace", "insert"):
            out += [j + 1 for j in range(j1, j2) if b[j].strip()]
    return out


# ------------------------------------------------------------------------------------ diagnostics
FAMILIES = (
    ("RL0", "Bestanden"),
    ("RL1", "Schrijfwijze (syntaxis)"),
    ("RL2", "Namen, typen en eenheden"),
    ("RL4", "Scenariobestanden"),
    ("RL5", "Doorrekenen"),
    ("RL9", "Interne fouten"),
)


class Diagnostics(DocDirective):
    """`.. rl:foutcodes::` — every code of rulelang.diagnostics.CODES with its examples."""

    option_spec = {"map": directives.unchanged}

    def run(self):
        folder = Path(self.env.srcdir) / self.options.get("map", "foutcodes")
        entries = load_diagnostic_entries(folder)
        lines: list[str] = []
        for code in CODES:
            if code not in entries:
                self.fail(f"foutcode {code} staat niet in {folder.name}/ ({code}.yaml ontbreekt)")
        for code in entries:
            if code not in CODES:
                self.fail(f"{folder.name}/{code}.yaml beschrijft een code die rulelang niet kent")
        for prefix, family in FAMILIES:
            codes = [c for c in CODES if c.startswith(prefix) and c in entries]
            if not codes:
                continue
            lines += [family, "-" * len(family), ""]
            for code in codes:
                entry = entries[code]
                self.env.note_dependency(str(folder / f"{code}.yaml"))
                lines += self.entry(code, entry)
        return parse_rst(self, "\n".join(lines), sections=True)

    def entry(self, code: str, entry: dict) -> list[str]:
        title = f"{code} — {CODES[code]}"
        out = [f".. _rl-code-{code.lower()}:", "", title, "~" * len(title), ""]
        out += [inline(line) if line.strip() else "" for line in str(entry.get("uitleg", "")).strip().splitlines()]
        out.append("")
        if entry.get("geen_voorbeeld"):
            out += [inline(str(entry["geen_voorbeeld"]).strip()), ""]
            return out
        check = check_diagnostic(code, entry)
        for p in check.problems:
            self.fail(p)
        for label, case in (("Fout", check.bad), ("Herstel", check.fix)):
            if case is None:
                continue
            out += [f".. rubric:: {label}", ""]
            for name, text in case.files.items():
                language = "rule" if name.endswith(".rule") else "yaml" if name.endswith((".yaml", ".yml")) else "text"
                out += [".. code-block:: " + language, f"   :caption: {name}", ""] + _indent(text.rstrip("\n"), 3)
                out.append("")
            if label == "Fout" and entry.get("fout", {}).get("toelichting"):
                out += [inline(str(entry["fout"]["toelichting"]).strip()), ""]
            out += [".. code-block:: console", "   :class: rl-opdracht", ""] + _indent(case.command.shown, 3) + [""]
        if entry.get("herstel", {}).get("toelichting"):
            out += [inline(str(entry["herstel"]["toelichting"]).strip()), ""]
        return out


# ------------------------------------------------------------------------------------ tables
# A short Dutch description for every keyword of the grammar (terminal or keyword rule). The test
# suite checks that every symbol in nl.lark and en.lark is described here, so a new keyword cannot
# go undocumented.
KEYWORD_DOCS: dict[str, tuple[str, str]] = {
    # symbol: (meaning, page#anchor in the reference)
    "TAAL": ("taal van het bestand (eerste regel)", "referentie/bestand"),
    "IMPORTEER": ("declaraties uit een ander bestand overnemen", "referentie/bestand"),
    "OPSOMMING": ("een vaste lijst waarden", "referentie/declaraties"),
    "RECORD": ("een samengestelde waarde met velden", "referentie/declaraties"),
    "INVOER": ("een feit dat het scenario levert", "referentie/declaraties"),
    "BESLISSING": ("een beslissing van het college (kan-bepaling)", "referentie/declaraties"),
    "PARAMETER": ("een vaste waarde met bron, per geldigheidsperiode", "referentie/declaraties"),
    "DEFINITIE": ("een berekende tussenwaarde", "referentie/declaraties"),
    "UITKOMST": ("een berekende uitkomst die scenario's tonen", "referentie/declaraties"),
    "REGEL": ("een regel met label, voorwaarde en waarde", "referentie/regels"),
    "TENZIJ": ("een uitzondering op de regel erboven", "referentie/regels"),
    "_exception_to_kw": ("een regel als uitzondering op een regel met label", "referentie/regels"),
    "ALS": ("voorwaarde van een regel of een keuze-uitdrukking", "referentie/regels"),
    "DAN": ("de waarde als de voorwaarde geldt", "referentie/regels"),
    "ANDERS": ("de waarde als de voorwaarde niet geldt (in een uitdrukking)", "referentie/uitdrukkingen"),
    "WAARDE": ("de waarde van een regel zonder voorwaarde, of van een parameter", "referentie/regels"),
    "STANDAARD": ("de waarde als geen regel van toepassing is, of als een invoer ontbreekt",
                  "referentie/regels"),
    "BRON": ("de rechtsgrond: wet, artikel, lid, onderdeel", "referentie/regels"),
    "UITLEG": ("een zin voor de uitleg, met {namen} erin", "referentie/regels"),
    "VRAAG": ("de vraag aan de aanvrager of het college", "referentie/declaraties"),
    "VEREIST": ("een procedurele voorwaarde; zonder haar is de uitkomst geblokkeerd", "referentie/regels"),
    "REDEN": ("waarom een vereiste voorwaarde nodig is", "referentie/regels"),
    "DOOR": ("wie de beslissing neemt", "referentie/declaraties"),
    "_valid_from_kw": ("begin van de geldigheid", "referentie/geldigheid"),
    "_valid_until_excl_kw": ("geldig tot een datum (die datum niet meer)", "referentie/geldigheid"),
    "_valid_until_incl_kw": ("geldig tot en met een datum", "referentie/geldigheid"),
    "TOT": ("einde van de geldigheid, exclusief", "referentie/geldigheid"),
    "_until_incl_kw": ("einde van de geldigheid, inclusief", "referentie/geldigheid"),
    "EN": ("beide voorwaarden (ook in 'tussen … en …')", "referentie/uitdrukkingen"),
    "OF": ("minstens één van de voorwaarden", "referentie/uitdrukkingen"),
    "NIET": ("het omgekeerde van een voorwaarde", "referentie/uitdrukkingen"),
    "TUSSEN": ("tussen twee grenzen, grenzen inbegrepen", "referentie/uitdrukkingen"),
    "SOM": ("som over een lijst", "referentie/uitdrukkingen"),
    "VAN": ("in 'som van', 'lijst van' en 'veelvoud van'", "referentie/uitdrukkingen"),
    "_for_each_kw": ("de lijst die de som doorloopt", "referentie/uitdrukkingen"),
    "IN": ("de lijst die wordt doorlopen", "referentie/uitdrukkingen"),
    "WAARVOOR": ("alleen de elementen die aan een voorwaarde voldoen", "referentie/uitdrukkingen"),
    "AANTAL": ("het aantal elementen van een lijst", "referentie/uitdrukkingen"),
    "BESTAAT": ("of minstens één element aan een voorwaarde voldoet", "referentie/uitdrukkingen"),
    "_for_all_kw": ("of elk element aan een voorwaarde voldoet", "referentie/uitdrukkingen"),
    "GELDT": ("de voorwaarde bij 'voor alle'", "referentie/uitdrukkingen"),
    "PER": ("de periode van een bedrag: per maand, per jaar", "referentie/typen"),
    "MAAND": ("periode of duur van een maand", "referentie/typen"),
    "JAAR": ("periode of duur van een jaar", "referentie/typen"),
    "LIJST": ("een lijst van waarden (type)", "referentie/typen"),
    "BOOLTYPE": ("het type ja/nee", "referentie/typen"),
    "JA": ("waar", "referentie/typen"),
    "JA_ALT": ("waar (andere schrijfwijze)", "referentie/typen"),
    "NEE": ("niet waar", "referentie/typen"),
    "NEE_ALT": ("niet waar (andere schrijfwijze)", "referentie/typen"),
    "PCT_WORD": ("percentage in woorden: 15 procent", "referentie/typen"),
    "DAG": ("duur: één dag", "referentie/typen"),
    "DAGEN": ("duur in dagen", "referentie/typen"),
    "WEEK": ("duur: één week", "referentie/typen"),
    "WEKEN": ("duur in weken", "referentie/typen"),
    "MAANDEN": ("duur in maanden", "referentie/typen"),
    "JAREN": ("duur in jaren", "referentie/typen"),
    "CENTEN": ("afronden op centen", "referentie/uitdrukkingen"),
    "_round_kw": ("afronden, half naar boven", "referentie/uitdrukkingen"),
    "_round_down_kw": ("afronden naar beneden", "referentie/uitdrukkingen"),
    "_round_up_kw": ("afronden naar boven", "referentie/uitdrukkingen"),
    "_whole_euros_kw": ("afronden op hele euro's", "referentie/uitdrukkingen"),
    "_multiple_of_kw": ("afronden op een veelvoud van een bedrag", "referentie/uitdrukkingen"),
    **{f"M{i}": ("maand in een datum", "referentie/typen") for i in range(1, 13)},
}

_GRAMMAR_LINE = re.compile(r"^(\??[A-Za-z_][A-Za-z0-9_]*)(?:\.\d+)?\s*:(.*)$")


def grammar_phrases(lang: str) -> dict[str, str]:
    """Keyword symbol -> how it is written ('geldig tot en met'), resolving terminal references."""
    text = (resources.files("rulelang") / "grammar" / f"{lang}.lark").read_text(encoding="utf-8")
    bodies: dict[str, str] = {}
    for line in text.splitlines():
        m = _GRAMMAR_LINE.match(line.strip())
        if m and not line.strip().startswith("//"):
            bodies[m.group(1)] = m.group(2).strip()

    def phrase(sym: str, depth: int = 0) -> str:
        body = bodies.get(sym, "")
        if depth > 5:
            return sym
        alts = []
        for alt in body.split("|"):
            words = []
            for tok in re.findall(r'"[^"]*"|[A-Za-z_][A-Za-z0-9_]*', alt):
                if tok.startswith('"'):
                    words.append(tok[1:-1])
                elif tok in bodies:
                    words.append(phrase(tok, depth + 1).split(" / ")[0])
            alts.append(" ".join(words))
        return " / ".join(a for a in alts if a)

    from ..highlight import grammar_keywords

    return {sym: phrase(sym) for sym in grammar_keywords(lang)}


class Keywords(DocDirective):
    """`.. rl:trefwoorden::` — every keyword in Dutch and English, from the grammar."""

    def run(self):
        nl, en = grammar_phrases("nl"), grammar_phrases("en")
        lines = [".. list-table::", "   :header-rows: 1", "   :class: rl-trefwoorden", "",
                 "   * - Nederlands", "     - English", "     - Betekenis"]
        for sym in list(dict.fromkeys(list(nl) + list(en))):
            meaning, page = KEYWORD_DOCS.get(sym, (None, None))
            if meaning is None:
                self.fail(f"trefwoord {sym} ({nl.get(sym) or en.get(sym)}) heeft geen beschrijving in KEYWORD_DOCS")
                meaning = ""
            link = f" (:doc:`zie <{'/' + page}>`)" if page else ""
            lines += [f"   * - {lit(nl.get(sym, '—'))}", f"     - {lit(en.get(sym, '—'))}",
                      f"     - {esc(meaning)}{link}"]
        return self.parse(lines + [""])


class Functions(DocDirective):
    """`.. rl:functies::` — the built-in functions, from rulelang.builtins."""

    def run(self):
        lines = [".. list-table::", "   :header-rows: 1", "   :class: rl-functies", "",
                 "   * - Nederlands", "     - English", "     - Wat"]
        for name, text in DESCRIPTIONS.items():
            lines += [f"   * - {lit(name + '(…)')}", f"     - {lit(ENGLISH[name] + '(…)')}", f"     - {esc(text)}"]
        return self.parse(lines + [""])


class TypesTable(DocDirective):
    """`.. rl:typen::` — how each type can be written, from rulelang.types.TYPE_WORDS."""

    def run(self):
        by_kind: dict[str, list[str]] = {"ja/nee": ["ja/nee", "yes/no"]}
        for words, t in TYPE_WORDS.items():
            by_kind.setdefault(t.describe("nl"), []).append(" ".join(words))
        lines = [".. list-table::", "   :header-rows: 1", "   :class: rl-typen", "",
                 "   * - Type", "     - Zo schrijft u het (Nederlands en Engels)"]
        for kind, spelled in by_kind.items():
            lines += [f"   * - {esc(kind)}", f"     - {', '.join(lit(s) for s in spelled)}"]
        lines += ["   * - geld per maand, geld per jaar",
                  f"     - {lit('geld per maand')}, {lit('money per month')}, {lit('bedrag per jaar')}, …"]
        lines += ["   * - lijst", f"     - {lit('lijst van T')}, {lit('list of T')}"]
        lines += ["   * - opsomming of record", "     - de naam van een eigen opsomming of record"]
        return self.parse(lines + [""])


class ScenarioKeys(DocDirective):
    """`.. rl:scenariosleutels::` — the keys of a scenario file in Dutch and English, from rulelang.scenario."""

    def run(self):
        from .. import scenario as S

        groups = (("scenario", "KEYS"), ("beslissing", "DECISION_KEYS"), ("redenen", "REASON_KEYS"))
        lines = [".. list-table::", "   :header-rows: 1", "   :class: rl-sleutels", "",
                 "   * - Waar", "     - Nederlands", "     - English"]
        for where, attr in groups:
            table = getattr(S, attr, None)
            if not isinstance(table, dict):
                self.fail(f"rulelang.scenario.{attr} bestaat niet meer; werk deze tabel bij")
                continue
            for nl, en in table.items():
                lines += [f"   * - {esc(where)}", f"     - {lit(nl)}", f"     - {lit(en)}"]
        status = getattr(S, "STATUS_WORDS", {})
        by_status: dict[str, list[str]] = {}
        for word, canon in status.items():
            by_status.setdefault(canon, []).append(word)
        for canon, spelled in by_status.items():
            others = [w for w in spelled if w != canon]
            lines += ["   * - verwacht", f"     - {lit(canon)}", f"     - {', '.join(lit(w) for w in others) or '—'}"]
        return self.parse(lines + [""])
