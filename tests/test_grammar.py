"""The surface language: one grammar, two keyword sets (Dutch and English), literals, comments."""
from __future__ import annotations

import datetime as _dt
from decimal import Decimal

import attrs
import pytest

from rulelang import ast as A
from rulelang.builtins import DUTCH
from rulelang.parser import detect_language, parse_text
from rulelang.transform import build_module
from rulelang.types import TYPE_WORDS

from .conftest import dedent, value


def _node(cls):
    """Build an AST node without a span (spans do not take part in equality)."""
    return lambda *args: cls(*args, span=None)


Lit, Name, Binary, Unary, Call, Round, PerPeriod, Between, Validity = map(_node, (
    A.Lit, A.Name, A.Binary, A.Unary, A.Call, A.Round, A.PerPeriod, A.Between, A.Validity))


def parse(text: str, path: str = "r.rule") -> A.Module:
    """Parse text to an AST; fails the test on any syntax diagnostic."""
    text = dedent(text)
    lang, trees, diags = parse_text(text, path)
    module = build_module(path, lang, trees, diags)
    assert not diags, "\n".join(d.concise() for d in diags)
    return module


def decls(module: A.Module) -> tuple:
    return tuple(d for d in module.decls if not isinstance(d, A.Header))


# One program, written twice. The vocabulary that is not a keyword (names of types and built-in
# functions) is the same in both, so the two parse trees must be identical apart from spans.
PROGRAM_NL = """
    # Giften en vrijlating, met elke constructie van de taal
    taal nl

    opsomming Soort: geld, natura, voedselbank

    record Gift:
        datum: datum
        bedrag: geld
        soort: Soort

    invoer giften: lijst van Gift
        vraag "Welke giften ontving u?"

    invoer gehuwd: ja/nee
        standaard nee

    beslissing verlenging: ja/nee
        bron "Participatiewet art. 18 lid 1"
        door "college"
        uitleg "Het college kan verlengen."
        standaard onwaar

    parameter grens: geld per jaar
        bron "Participatiewet art. 31 lid 2 onderdeel m"
        uitleg "De vrijlatingsgrens."
        waarde € 1.200,50 geldig vanaf 1 januari 2026 tot 1 januari 2027
        waarde € 1.300 geldig vanaf 2027-01-01 tot en met 2027-12-31 bron "Regeling 2027"

    definitie totaal: geld per jaar
        bron "art. 31"
        uitleg "Totaal {waarde}"
        waarde som van g.bedrag voor elke g in giften waarvoor g.soort ≠ voedselbank en g.datum >= 2026-01-01

    definitie aantal_giften: geheel getal
        bron "art. 31"
        waarde aantal g in giften waarvoor g.bedrag > € 0

    definitie termijn: duur
        bron "art. 44"
        als gehuwd
        dan 3 maanden

    uitkomst meegeteld: geld per jaar
        bron "art. 31"
        uitleg "Van {totaal} telt {waarde} mee."
        geldig tot en met 31 december 2027
        regel basis:
            als niet gehuwd of bestaat g in giften waarvoor g.soort = natura
            dan maximum(totaal - grens; € 0) afgerond op centen
            bron "art. 31 lid 2"
        tenzij klein:
            als voor alle g in giften geldt g.bedrag < € 10
            dan € 0 per jaar
        regel extra uitzondering op basis:
            als aantal_giften tussen 5 en 10 en ja
            dan als verlenging dan totaal naar beneden afgerond op hele euro anders totaal * 15% naar boven afgerond op veelvoud van € 50
            geldig vanaf 2026-01-01 tot 2027-01-01
            uitleg "extra"
        standaard € 0
"""

PROGRAM_EN = """
    # Gifts and allowance, with every construct of the language
    language en

    enumeration Soort: geld, natura, voedselbank

    record Gift:
        datum: datum
        bedrag: geld
        soort: Soort

    input giften: list of Gift
        question "Welke giften ontving u?"

    input gehuwd: yes/no
        default no

    decision verlenging: yes/no
        source "Participatiewet art. 18 lid 1"
        by "college"
        explanation "Het college kan verlengen."
        default false

    parameter grens: geld per year
        source "Participatiewet art. 31 lid 2 onderdeel m"
        explanation "De vrijlatingsgrens."
        value € 1,200.50 valid from 1 January 2026 until 1 January 2027
        value € 1,300 valid from 2027-01-01 through 2027-12-31 source "Regeling 2027"

    definition totaal: geld per year
        source "art. 31"
        explanation "Totaal {waarde}"
        value sum of g.bedrag for each g in giften where g.soort ≠ voedselbank and g.datum >= 2026-01-01

    definition aantal_giften: geheel getal
        source "art. 31"
        value count g in giften where g.bedrag > € 0

    definition termijn: duur
        source "art. 44"
        if gehuwd
        then 3 months

    outcome meegeteld: geld per year
        source "art. 31"
        explanation "Van {totaal} telt {waarde} mee."
        valid through 31 December 2027
        rule basis:
            if not gehuwd or exists g in giften where g.soort = natura
            then maximum(totaal - grens, € 0) rounded to cents
            source "art. 31 lid 2"
        unless klein:
            if for all g in giften holds g.bedrag < € 10
            then € 0 per year
        rule extra exception to basis:
            if aantal_giften between 5 and 10 and yes
            then if verlenging then totaal rounded down to whole euros else totaal * 15% rounded up to multiple of € 50
            valid from 2026-01-01 until 2027-01-01
            explanation "extra"
        default € 0
"""


def test_dutch_and_english_spellings_give_equal_asts():
    nl = parse(PROGRAM_NL, "nl.rule")
    en = parse(PROGRAM_EN, "en.rule")
    assert nl.lang == "nl" and en.lang == "en"
    assert len(decls(nl)) == 10
    for a, b in zip(decls(nl), decls(en)):
        assert a == b
    assert decls(nl) == decls(en)


def test_equal_asts_really_are_compared_field_by_field():
    """Guard against an equality that ignores too much: one changed amount makes the trees differ."""
    nl = parse(PROGRAM_NL, "nl.rule")
    en = parse(PROGRAM_EN.replace("€ 1,300", "€ 1,301"), "en.rule")
    assert decls(nl) != decls(en)
    nl2 = parse(PROGRAM_NL.replace("regel extra uitzondering op basis", "regel extra uitzondering op klein"))
    assert decls(nl2) != decls(nl)


def test_the_bilingual_program_has_the_expected_shape():
    nl = {d.name: d for d in decls(parse(PROGRAM_NL)) if hasattr(d, "name")}
    out = nl["meegeteld"]
    assert out.is_outcome and out.validity == Validity(None, _dt.date(2028, 1, 1))
    assert [(r.label, r.exception_to) for r in out.rules] == [("basis", None), ("klein", "basis"),
                                                                ("extra", "basis")]
    basis, klein, extra = out.rules
    assert basis.value == Round(Call("maximum", (Binary("-", Name("totaal"), Name("grens")),
                                                     Lit("money", Decimal("0")))), "half_up", "cent")
    assert klein.value == PerPeriod(Lit("money", Decimal(0)), "jaar")
    assert extra.validity == Validity(_dt.date(2026, 1, 1), _dt.date(2027, 1, 1))
    assert extra.cond.left == Between(Name("aantal_giften"), Lit("number", 5), Lit("number", 10))
    assert extra.cond.right == Lit("bool", True)
    assert extra.value.then == Round(Name("totaal"), "down", "euro")
    assert extra.value.otherwise.mode == "up" and extra.value.otherwise.unit == Decimal("50")
    grens = nl["grens"]
    assert [(v.value.value, v.validity) for v in grens.values] == [
        (Decimal("1200.50"), Validity(_dt.date(2026, 1, 1), _dt.date(2027, 1, 1))),
        # `tot en met 2027-12-31` is inclusive: stored as an exclusive end one day later
        (Decimal("1300"), Validity(_dt.date(2027, 1, 1), _dt.date(2028, 1, 1))),
    ]
    assert grens.values[1].source.value == "Regeling 2027"
    assert nl["verlenging"].discretionary and nl["verlenging"].default == Lit("bool", False)
    assert nl["gehuwd"].default == Lit("bool", False)
    assert nl["termijn"].rules[0].value == Lit("duration", (3, "maanden"))


def _vocabulary_to_dutch(node, lang):
    """Map English type words and built-in function names to their Dutch canonical form."""
    if isinstance(node, tuple):
        return tuple(_vocabulary_to_dutch(x, lang) for x in node)
    if not attrs.has(type(node)):
        return node
    changes = {f.name: _vocabulary_to_dutch(getattr(node, f.name), lang)
               for f in attrs.fields(type(node)) if f.name != "span"}
    if isinstance(node, A.TypeRef) and node.words in TYPE_WORDS:
        changes["words"] = tuple(TYPE_WORDS[node.words].describe("nl").split()[:2]) \
            if TYPE_WORDS[node.words].kind != "money" else ("geld",)
    if isinstance(node, A.Call) and lang == "en":
        changes["func"] = DUTCH.get(node.func, node.func)
    return attrs.evolve(node, **changes)


def test_english_type_words_and_function_names_mean_the_same(project):
    """Written naturally (money, integer, calendar_year), the English program is the Dutch one."""
    en_text = (PROGRAM_EN.replace("datum: datum", "datum: date").replace("bedrag: geld", "bedrag: money")
               .replace("geld per year", "money per year").replace("geheel getal", "integer")
               .replace("termijn: duur", "termijn: duration")
               .replace("g.datum >= 2026-01-01", "calendar_year(g.datum) >= 2026"))
    nl_text = PROGRAM_NL.replace("g.datum >= 2026-01-01", "kalenderjaar(g.datum) >= 2026")
    nl, en = parse(nl_text), parse(en_text)
    assert decls(nl) != decls(en)  # the words differ as written ...
    assert _vocabulary_to_dutch(decls(nl), "nl") == _vocabulary_to_dutch(decls(en), "en")  # ... not in meaning
    rs_nl = project.rules(nl_text, "nl.rule")
    rs_en = project.rules(en_text, "en.rule")
    facts = {"giften": ({"datum": _dt.date(2026, 3, 1), "bedrag": Decimal("1500"), "soort": "geld"},
                        {"datum": _dt.date(2026, 4, 1), "bedrag": Decimal("900"), "soort": "voedselbank"}),
             "gehuwd": False}
    for name in ("totaal", "aantal_giften", "meegeteld"):
        assert value(rs_nl, name, facts=facts) == value(rs_en, name, facts=facts)
    assert value(rs_en, "meegeteld", facts=facts) == Decimal("299.50")


@pytest.mark.parametrize("header, lang", [
    ("", "nl"), ("taal nl\n", "nl"), ("taal en\n", "en"), ("language en\n", "en"),
    ("# commentaar vooraf\n\ntaal en\n", "en"), ("language nl\n", "nl"),
])
def test_language_header(header, lang):
    body = {"nl": 'definitie x: geld\n    bron "a"\n    waarde € 1.000,25\n',
            "en": 'definition x: money\n    source "a"\n    value € 1,000.25\n'}[lang]
    text = header + "\n" + body
    assert detect_language(text) == lang
    module = parse(text)
    assert module.lang == lang
    assert module.decls[-1].rules[0].value == Lit("money", Decimal("1000.25"))


def test_unknown_language_is_reported():
    lang, trees, diags = parse_text("taal fr\n\ndefinitie x: geld\n", "r.rule")
    assert [d.concise() for d in diags] == ["r.rule:1:1: RL104 onbekende taal 'fr': kies 'nl' of 'en'"]


def test_english_keywords_are_not_dutch_keywords():
    """A Dutch keyword in an English file is a syntax error (and the other way round)."""
    for text in ('language en\n\ndefinitie x: money\n    source "a"\n    value € 1\n',
                 'definitie x: geld\n    source "a"\n    waarde € 1\n'):
        _, _, diags = parse_text(text, "r.rule")
        assert [d.code for d in diags] == ["RL101"]


@pytest.mark.parametrize("lang, written, expected", [
    ("nl", "€ 1.200,50", Decimal("1200.50")),
    ("nl", "€ 1.200", Decimal("1200")),
    ("nl", "€ 1.234.567,89", Decimal("1234567.89")),
    ("nl", "€ 0,10", Decimal("0.10")),
    ("en", "€ 1,200.50", Decimal("1200.50")),
    ("en", "€ 1,200", Decimal("1200")),
    ("en", "€ 1,234,567.89", Decimal("1234567.89")),
    ("en", "€ 0.10", Decimal("0.10")),
])
def test_money_notation(lang, written, expected):
    kw = {"nl": ("taal nl", "definitie", "geld", "bron", "waarde"),
          "en": ("language en", "definition", "money", "source", "value")}[lang]
    m = parse(f'{kw[0]}\n{kw[1]} x: {kw[2]}\n    {kw[3]} "a"\n    {kw[4]} {written}\n')
    lit = m.decls[-1].rules[0].value
    assert lit == Lit("money", expected)
    assert isinstance(lit.value, Decimal) and str(lit.value) == str(expected)


@pytest.mark.parametrize("lang, written, expected", [
    ("nl", "1.200", Lit("number", 1200)),
    ("nl", "2,5", Lit("number", Decimal("2.5"))),
    ("nl", "12,5%", Lit("percent", Decimal("0.125"))),
    ("nl", "15 procent", Lit("percent", Decimal("0.15"))),
    ("en", "1,200", Lit("number", 1200)),
    ("en", "2.5", Lit("number", Decimal("2.5"))),
    ("en", "12.5%", Lit("percent", Decimal("0.125"))),
    ("en", "15 percent", Lit("percent", Decimal("0.15"))),
])
def test_number_and_percent_notation(lang, written, expected):
    kw = {"nl": ("taal nl", "definitie", "bron", "waarde"), "en": ("language en", "definition", "source", "value")}
    k = kw[lang]
    m = parse(f'{k[0]}\n{k[1]} x: getal\n    {k[2]} "a"\n    {k[3]} {written}\n')
    assert m.decls[-1].rules[0].value == expected


@pytest.mark.parametrize("written, expected", [
    ("3 maanden", (3, "maanden")), ("1 maand", (1, "maanden")), ("2 weken", (2, "weken")),
    ("1 week", (1, "weken")), ("10 dagen", (10, "dagen")), ("1 dag", (1, "dagen")),
    ("1 jaar", (1, "jaren")), ("5 jaren", (5, "jaren")),
])
def test_duration_literals(written, expected):
    m = parse(f'definitie x: duur\n    bron "a"\n    waarde {written}\n')
    assert m.decls[-1].rules[0].value == Lit("duration", expected)


def test_dutch_long_dates_equal_iso_dates():
    long = parse('definitie d: datum\n    bron "a"\n    waarde 1 januari 2026\n'
                 '    geldig vanaf 29 februari 2024 tot 31 december 2026\n')
    iso = parse('definitie d: datum\n    bron "a"\n    waarde 2026-01-01\n'
                '    geldig vanaf 2024-02-29 tot 2026-12-31\n')
    assert decls(long) == decls(iso)
    assert long.decls[0].rules[0].value == Lit("date", _dt.date(2026, 1, 1))
    for month, number in [("februari", 2), ("maart", 3), ("mei", 5), ("augustus", 8), ("oktober", 10)]:
        m = parse(f'definitie d: datum\n    bron "a"\n    waarde 15 {month} 2026\n')
        assert m.decls[0].rules[0].value.value == _dt.date(2026, number, 15)
    en = parse('language en\ndefinition d: date\n    source "a"\n    value 1 January 2026\n')
    assert en.decls[-1].rules[0].value == Lit("date", _dt.date(2026, 1, 1))


@pytest.mark.parametrize("written", ["31 februari 2026", "2026-02-30", "29 februari 2025", "2026-13-01"])
def test_impossible_dates_are_reported(written):
    _, trees, diags = parse_text(f'definitie d: datum\n    bron "a"\n    waarde {written}\n', "r.rule")
    build_module("r.rule", "nl", trees, diags)
    assert [d.code for d in diags] == ["RL105"]
    assert diags[0].span.line == 3 and diags[0].span.col == 12
    assert "geen bestaande datum" in diags[0].message


def test_identifiers_with_diacritics(project):
    rs = project.rules("""
        invoer geïnde_bedragen: geld
        invoer financiële_ruimte: geld

        uitkomst één_totaal: geld
            bron "art. 1"
            uitleg "{geïnde_bedragen} en {financiële_ruimte}"
            waarde geïnde_bedragen + financiële_ruimte
    """)
    facts = {"geïnde_bedragen": Decimal("10.05"), "financiële_ruimte": Decimal("0.95")}
    assert value(rs, "één_totaal", facts=facts) == Decimal("11.00")
    assert rs.meta["outcomes"] == ["één_totaal"]


def test_names_that_start_with_a_keyword_stay_names(project):
    """`jaarinkomen`, `nee_teller`, `waarde_oud`, `januari_bedrag` are names, not keyword + name."""
    rs = project.rules("""
        invoer jaarinkomen: geld per jaar
        invoer nee_teller: geheel getal
        invoer waarde_oud: geld
        invoer januari_bedrag: geld
        invoer ja_of_nee: ja/nee

        uitkomst som_totaal: geld
            bron "x"
            als ja_of_nee en nee_teller > 0
            dan waarde_oud + januari_bedrag + maandbedrag(jaarinkomen) * 0
    """)
    facts = {"jaarinkomen": Decimal("1200"), "nee_teller": 1, "waarde_oud": Decimal("1"),
             "januari_bedrag": Decimal("2"), "ja_of_nee": True}
    assert value(rs, "som_totaal", facts=facts) == Decimal("3")


@pytest.mark.parametrize("lang, yes, no", [("nl", "ja", "nee"), ("nl", "waar", "onwaar"),
                                           ("en", "yes", "no"), ("en", "true", "false")])
def test_boolean_literals_and_type(project, lang, yes, no):
    if lang == "nl":
        text = f"""
            definitie a: ja/nee
                bron "x"
                waarde {yes}
            definitie b: ja/nee
                bron "x"
                waarde {no}
            definitie c: booleaans
                bron "x"
                waarde a en niet b
        """
    else:
        text = f"""
            language en
            definition a: yes/no
                source "x"
                value {yes}
            definition b: yes/no
                source "x"
                value {no}
            definition c: boolean
                source "x"
                value a and not b
        """
    rs = project.rules(text)
    assert value(rs, "a") is True
    assert value(rs, "b") is False
    assert value(rs, "c") is True


def test_comments_are_ignored_everywhere():
    with_comments = parse("""
        # kop
        taal nl   # de taal

        # een parameter
        parameter p: geld # type
            bron "art. 1"  # bron
            # tussen clausules
        # op kolom 0 binnen een blok
            waarde € 5 # vijf euro

        definitie d: geld
            bron "art. 2" # "geen tekst"
            regel a: # label
                # binnen een regel
                als p > € 1 # voorwaarde
                dan p * 2 # waarde
        # slot
    """)
    without = parse("""
        taal nl
        parameter p: geld
            bron "art. 1"
            waarde € 5
        definitie d: geld
            bron "art. 2"
            regel a:
                als p > € 1
                dan p * 2
    """)
    assert decls(with_comments) == decls(without)
    assert len(decls(without)) == 2


def test_hash_inside_a_string_is_not_a_comment():
    m = parse('definitie d: geld\n    bron "art. 1 # lid 2"\n    waarde € 1\n')
    assert m.decls[0].source.value == "art. 1 # lid 2"


def test_string_escapes_and_multiline_text():
    m = parse("""
        definitie d: geld
            bron
                "Participatiewet"
                "art. 31 lid 2"
            uitleg "een \\"citaat\\", een backslash \\\\ en {{accolades}}"
            waarde € 1
    """)
    d = m.decls[0]
    assert d.source.value == "Participatiewet art. 31 lid 2"
    assert d.explanation.value == 'een "citaat", een backslash \\ en {{accolades}}'


def test_unless_without_label_targets_the_rule_above():
    m = parse("""
        definitie d: geld
            bron "x"
            regel:
                dan € 1
            tenzij:
                als 1 > 0
                dan € 2
    """)
    base, exc = m.decls[0].rules
    assert base.label == "regel 1" and exc.exception_to == "regel 1"


def test_precedence_of_operators():
    m = parse("""
        definitie d: ja/nee
            bron "x"
            waarde niet 1 + 2 * 3 = 7 of 1 < 2 en 2 < 1
    """)
    e = m.decls[0].rules[0].value
    seven = Binary("+", Lit("number", 1), Binary("*", Lit("number", 2), Lit("number", 3)))
    assert e == Binary("of", Unary("niet", Binary("=", seven, Lit("number", 7))),
                         Binary("en", Binary("<", Lit("number", 1), Lit("number", 2)),
                                  Binary("<", Lit("number", 2), Lit("number", 1))))


def test_comparison_operator_spellings():
    for op, canonical in [("<=", "<="), ("≤", "<="), (">=", ">="), ("≥", ">="), ("!=", "≠"), ("<>", "≠"),
                          ("≠", "≠"), ("=", "=")]:
        m = parse(f'definitie d: ja/nee\n    bron "x"\n    waarde 1 {op} 2\n')
        assert m.decls[0].rules[0].value.op == canonical
