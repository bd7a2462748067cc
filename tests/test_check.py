"""Names, types and units: RL2xx diagnostics, each located and with a Dutch message."""
from __future__ import annotations

import json

import pytest

from rulelang.diagnostics import CODES, render

from .conftest import cli, value


def concise(diags) -> list[str]:
    return [d.concise() for d in sorted(diags, key=lambda d: (d.span.file, d.span.line, d.span.col, d.code))]


def test_rl203_type_errors(project):
    assert concise(project.diagnostics("""
        invoer a: geld
        invoer b: datum
        definitie x: geld
            bron "x"
            waarde a + b
        definitie y: geld
            bron "x"
            waarde a * a
        definitie z: ja/nee
            bron "x"
            waarde ja < nee
    """)) == [
        "r.rule:5:12: RL203 '+' kan niet met geld en datum",
        "r.rule:8:12: RL203 twee bedragen kunnen niet met elkaar vermenigvuldigd worden",
        "r.rule:11:12: RL203 ja/nee heeft geen volgorde; gebruik = of ≠",
    ]


def test_rl204_mixing_money_per_month_and_per_year(project):
    diags = project.diagnostics("""
        invoer m: geld per maand
        invoer j: geld per jaar
        definitie x: geld per maand
            bron "x"
            waarde m + j
        definitie y: ja/nee
            bron "x"
            waarde m < j
        definitie z: geld per maand
            bron "x"
            waarde j
        definitie goed: geld per jaar
            bron "x"
            waarde jaarbedrag(m) + j
    """)
    assert concise(diags) == [
        "r.rule:5:12: RL204 u rekent met een bedrag per maand en een bedrag per jaar",
        "r.rule:8:12: RL204 u vergelijkt een bedrag per maand met een bedrag per jaar",
        "r.rule:11:12: RL204 de waarde van 'z' is geld per jaar, maar moet geld per maand zijn",
    ]
    assert all("jaarbedrag" in d.help for d in diags)


def test_rl204_per_period_does_not_convert(project):
    diags = project.diagnostics("""
        invoer m: geld per maand
        definitie x: geld per jaar
            bron "x"
            waarde m per jaar
    """)
    assert [d.code for d in diags] == ["RL204"]
    assert "rekent niet om" in diags[0].message


def test_yearly_and_monthly_convert_exactly(project):
    rs = project.rules("""
        invoer m: geld per maand
        invoer j: geld per jaar
        definitie per_jaar: geld per jaar
            bron "x"
            waarde jaarbedrag(m) + j
        definitie per_maand: geld per maand
            bron "x"
            waarde maandbedrag(j)
    """)
    from decimal import Decimal, localcontext

    from rulelang.runtime.values import CONTEXT
    facts = {"m": Decimal("100.10"), "j": Decimal("1000")}
    assert value(rs, "per_jaar", facts=facts) == Decimal("2201.20")
    with localcontext(CONTEXT):  # not rounded: 34 significant digits
        assert value(rs, "per_maand", facts=facts) == Decimal(1000) / Decimal(12)
    assert str(value(rs, "per_maand", facts=facts)) == "83.33333333333333333333333333333333"


def test_rl205_value_does_not_fit_the_declared_type(project):
    assert concise(project.diagnostics("""
        invoer d: datum
        definitie x: geld
            bron "x"
            waarde d
        definitie y: geheel getal
            bron "x"
            waarde 2,5
        parameter p: percentage
            bron "x"
            waarde 15
    """)) == [
        "r.rule:4:12: RL205 de waarde van 'x' is datum, maar moet geld zijn",
        "r.rule:7:12: RL205 de waarde van 'y' is getal, maar moet geheel getal zijn",
        "r.rule:10:12: RL205 de waarde van parameter 'p' is geheel getal, maar moet percentage zijn",
    ]


def test_rl206_unknown_field(project):
    diags = project.diagnostics("""
        record Gift:
            bedrag: geld
        invoer g: Gift
        invoer n: geld
        definitie x: geld
            bron "x"
            waarde g.bedarg
        definitie y: geld
            bron "x"
            waarde n.bedrag
    """)
    assert concise(diags) == [
        "r.rule:7:12: RL206 record 'Gift' heeft geen veld 'bedarg' (bedoelde u 'bedrag'?)",
        "r.rule:10:12: RL206 'bedrag' is geen veld: de waarde links van de punt is geld, geen record",
    ]
    assert diags[0].help == "bedoelde u 'bedrag'?"


def test_rl201_unknown_name_with_suggestion(project):
    diags = project.diagnostics("""
        invoer inkomen: geld
        opsomming Soort: geld, natura
        definitie x: geld
            bron "x"
            waarde inkomn
        definitie y: geld
            bron "x"
            waarde zzzqqq
        invoer z: Sort
        definitie w: ja/nee
            bron "x"
            waarde Soort.natuur = Soort.geld
    """)
    by_line = {d.span.line: d for d in diags}
    assert concise(diags) == [
        "r.rule:5:12: RL201 onbekende naam 'inkomn' (bedoelde u 'inkomen'?)",
        "r.rule:8:12: RL201 onbekende naam 'zzzqqq'",
        "r.rule:9:11: RL201 onbekend type 'Sort' (bedoelde u 'Soort'?)",
        "r.rule:12:12: RL201 opsomming 'Soort' heeft geen waarde 'natuur' (bedoelde u 'natura'?)",
    ]
    assert by_line[5].help == "bedoelde u 'inkomen'?"
    assert by_line[8].help is None
    assert by_line[9].help == "bedoelde u 'Soort'?"
    assert by_line[12].help == "bedoelde u 'natura'?"
    full = render(diags, "full", {"r.rule": (project.root / "r.rule").read_text()})
    assert "RL201 onbekende naam 'inkomn'\n --> r.rule:5:12\n  |\n5 |     waarde inkomn\n" \
           "  |            ^^^^^^\nhulp: bedoelde u 'inkomen'?" in full


def test_rl207_unknown_exception_label(project):
    diags = project.diagnostics("""
        definitie x: geld
            bron "x"
            regel basis:
                dan € 1
            regel y uitzondering op bassis:
                als 1 > 0
                dan € 2
    """)
    assert concise(diags) == ["r.rule:5:5: RL207 'x' heeft geen regel met label 'bassis' (bedoelde u 'basis'?)"]
    assert diags[0].help == "bedoelde u 'basis'?"


def test_rl207_unless_without_a_rule_above(project):
    diags = project.diagnostics("""
        definitie x: geld
            bron "x"
            tenzij:
                als 1 > 0
                dan € 2
            waarde € 1
    """)
    assert [d.code for d in diags] == ["RL207"]
    assert diags[0].span.line == 3


def test_rl207_exception_cycles(project):
    diags = project.diagnostics("""
        definitie x: geld
            bron "x"
            regel a uitzondering op b:
                dan € 1
            regel b uitzondering op a:
                dan € 2
    """)
    assert {d.code for d in diags} == {"RL207"}
    assert any("uitzondering op zichzelf" in d.message for d in diags)


def test_rl208_same_label_twice(project):
    assert concise(project.diagnostics("""
        definitie x: geld
            bron "x"
            regel a:
                dan € 1
            regel a:
                dan € 2
    """)) == ["r.rule:5:5: RL208 label 'a' komt twee keer voor in 'x' met overlappende geldigheid (zie ook regel 3)"]


def test_rl209_overlapping_validity(project):
    assert concise(project.diagnostics("""
        parameter p: geld
            bron "x"
            waarde € 1 geldig vanaf 2026-01-01 tot 2027-01-01
            waarde € 2 geldig vanaf 2026-07-01
        definitie x: geld
            bron "x"
            regel a:
                dan € 1
                geldig vanaf 2026-01-01 tot en met 2026-12-31
            regel a:
                dan € 2
                geldig vanaf 2026-12-31
        definitie v: geld
            bron "x"
            geldig vanaf 2026-01-01 tot 2027-01-01
            waarde € 1
        definitie v: geld
            bron "x"
            geldig vanaf 2026-06-01
            waarde € 2
    """)) == [
        "r.rule:4:5: RL209 de waarden van parameter 'p' overlappen in geldigheid (zie ook r.rule:3)",
        "r.rule:10:5: RL209 label 'a' komt twee keer voor in 'x' met overlappende geldigheid (zie ook regel 7)",
        "r.rule:19:5: RL209 versies van 'v' overlappen in geldigheid (zie ook r.rule:13)",
    ]


def test_adjacent_validity_periods_do_not_overlap(project):
    """`tot` is exclusive and `tot en met` inclusive: these periods touch but do not overlap."""
    project.rules("""
        parameter p: geld
            bron "x"
            waarde € 1 geldig vanaf 2026-01-01 tot 2027-01-01
            waarde € 2 geldig vanaf 2027-01-01 tot en met 2027-12-31
            waarde € 3 geldig vanaf 2028-01-01
        definitie x: geld
            bron "x"
            regel a:
                dan € 1
                geldig tot en met 2026-12-31
            regel a:
                dan € 2
                geldig vanaf 2027-01-01
        definitie v: geld
            bron "x"
            geldig tot 2027-01-01
            waarde € 1
        definitie v: geld
            bron "x"
            geldig vanaf 2027-01-01
            waarde € 2
    """)


def test_rl218_validity_ending_before_it_starts(project):
    assert concise(project.diagnostics("""
        parameter p: geld
            bron "x"
            waarde € 1 geldig vanaf 2027-01-01 tot 2026-01-01
    """)) == ["r.rule:3:16: RL218 de geldigheid eindigt voordat hij begint"]


def test_rl210_cycle_is_named_in_reading_order(project):
    assert concise(project.diagnostics("""
        definitie a: geld
            bron "x"
            waarde b
        definitie b: geld
            bron "x"
            waarde c + € 1
        definitie c: geld
            bron "x"
            waarde a
    """)) == ["r.rule:1:1: RL210 kringverwijzing: a → b → c → a"]


def test_rl210_self_reference(project):
    assert concise(project.diagnostics("""
        definitie a: geld
            bron "x"
            als a > € 0
            dan € 1
    """)) == ["r.rule:1:1: RL210 kringverwijzing: a → a"]


def test_rl211_missing_source(project):
    assert concise(project.diagnostics("""
        definitie a: geld
            waarde € 1
        beslissing b: ja/nee
        parameter p: geld
            waarde € 1
        definitie d: geld
            regel r:
                dan € 1
                bron "ok"
            regel s uitzondering op r:
                als 1 > 2
                dan € 2
        definitie e: geld
            vereist v: 1 > 0
            regel r:
                dan € 1
                bron "art. 3"
    """)) == [
        "r.rule:2:5: RL211 regel in 'a' heeft geen bron: voeg bron \"artikel …\" toe aan de regel of de definitie",
        "r.rule:3:1: RL211 beslissing 'b' heeft geen bron: noem het artikel dat het college deze ruimte geeft "
        "(bron \"…\")",
        "r.rule:5:5: RL211 waarde van parameter 'p' heeft geen bron",
        "r.rule:10:5: RL211 regel in 'd' heeft geen bron: voeg bron \"artikel …\" toe aan de regel of de definitie",
        "r.rule:14:5: RL211 procedurele voorwaarde zonder bron",
    ]


def test_rl212_unknown_name_in_explanation_template(project):
    diags = project.diagnostics("""
        invoer inkomen: geld
        definitie a: geld
            bron "x"
            uitleg "Op {peildatum} is {inkomn} {waarde}; {{letterlijk}}"
            regel r:
                dan inkomen
                uitleg "regel {onbekend}"
    """)
    assert concise(diags) == [
        "r.rule:4:12: RL212 de uitleg noemt '{inkomn}', maar die naam bestaat niet (bedoelde u '{inkomen}'?)",
        "r.rule:7:16: RL212 de uitleg noemt '{onbekend}', maar die naam bestaat niet",
    ]
    assert diags[0].help == "bedoelde u '{inkomen}'?"


def test_rl213_missing_import(project):
    assert concise(project.diagnostics("""
        # kop
        importeer "bestaat_niet.rule"
        definitie a: geld
            bron "x"
            waarde € 1
    """)) == ["r.rule:2:1: RL213 bestand 'bestaat_niet.rule' bestaat niet"]


def test_imports_are_followed_and_clashes_reported(project):
    project.write("lib/basis.rule", """
        parameter norm: geld per maand
            bron "Participatiewet art. 21"
            waarde € 1.401,51
    """)
    rs = project.rules("""
        importeer "lib/basis.rule"
        uitkomst u: geld per maand
            bron "x"
            waarde norm * 2
    """)
    from decimal import Decimal
    assert value(rs, "u") == Decimal("2803.02")
    diags = project.diagnostics("""
        importeer "lib/basis.rule"
        parameter norm: geld per maand
            bron "eigen"
            waarde € 1
    """, "dup.rule")
    assert [(d.code, d.span.file) for d in diags] == [("RL220", "lib/basis.rule")]
    assert "dup.rule:2:1" in diags[0].message


def test_rl214_unknown_function_and_wrong_arity(project):
    diags = project.diagnostics("""
        invoer d: datum
        definitie a: geheel getal
            bron "x"
            waarde kalenderjar(d)
        definitie b: geheel getal
            bron "x"
            waarde kalenderjaar(d; d)
        definitie c: geld
            bron "x"
            waarde maximum(€ 1)
    """)
    assert concise(diags) == [
        "r.rule:4:12: RL214 onbekende functie 'kalenderjar' (bedoelde u 'kalenderjaar'?)",
        "r.rule:7:12: RL214 kalenderjaar heeft 1 waarde nodig, maar kreeg er 2",
        "r.rule:10:12: RL214 maximum heeft minstens twee waarden nodig",
    ]
    assert diags[0].help == "bedoelde u 'kalenderjaar'?"


def test_rl214_english_files_use_english_function_names(project):
    diags = project.diagnostics("""
        language en
        input d: date
        definition a: integer
            source "x"
            value kalenderjaar(d)
    """)
    assert [d.code for d in diags] == ["RL214"]
    assert diags[0].help == "bedoelde u 'calendar_year'?"


def test_rl215_condition_is_not_yes_no(project):
    assert concise(project.diagnostics("""
        invoer n: geld
        definitie a: geld
            bron "x"
            als n
            dan € 1
        definitie b: ja/nee
            bron "x"
            waarde n en ja
        definitie c: geld
            bron "x"
            vereist 3
            waarde € 1
        definitie d: geheel getal
            bron "x"
            waarde aantal g in lijst_niet waarvoor 1
    """.replace("lijst_niet", "n"))) == [
        "r.rule:4:9: RL215 de voorwaarde achter 'als' moet ja of nee opleveren, maar is geld",
        "r.rule:8:12: RL215 'en' verbindt ja/nee-waarden, maar kreeg geld",
        "r.rule:11:13: RL215 de voorwaarde achter 'vereist' moet ja of nee opleveren, maar is geheel getal",
        "r.rule:15:24: RL203 'g' moet door een lijst lopen, maar kreeg geld",
        "r.rule:15:35: RL215 de voorwaarde achter 'waarvoor' moet ja of nee opleveren, maar is geheel getal",
    ]


def test_rl216_definition_without_rules(project):
    assert concise(project.diagnostics("""
        definitie a: geld
            bron "x"
        parameter p: geld
            bron "x"
        definitie c: geld
            bron "x"
            regel r:
                als 1 > 0
    """)) == [
        "r.rule:1:1: RL216 'a' heeft geen regels: schrijf 'waarde …' of een 'regel'",
        "r.rule:3:1: RL216 parameter 'p' heeft geen waarde",
        "r.rule:7:5: RL216 deze regel heeft geen waarde: voeg 'dan …' toe",
    ]


def test_rl217_rounding_something_that_is_not_money(project):
    assert concise(project.diagnostics("""
        invoer n: getal
        definitie a: getal
            bron "x"
            waarde n afgerond op centen
        definitie b: geld
            bron "x"
            waarde € 1 afgerond op veelvoud van € 0
        definitie c: datum
            bron "x"
            waarde peildatum naar beneden afgerond op hele euro
    """)) == [
        "r.rule:4:12: RL217 afronden kan alleen op een bedrag, niet op getal",
        "r.rule:7:12: RL217 afronden op een veelvoud van een positief bedrag",
        "r.rule:10:12: RL217 afronden kan alleen op een bedrag, niet op datum",
    ]


def test_rl219_computed_parameter_value(project):
    assert concise(project.diagnostics("""
        parameter p: geld
            bron "x"
            waarde € 1 + € 2
        parameter q: geld
            bron "x"
            waarde p
        parameter r: datum
            bron "x"
            waarde peildatum
    """)) == [
        "r.rule:3:12: RL219 de waarde van parameter 'p' moet een vaste waarde zijn (een bedrag, getal, "
        "percentage of datum), geen berekening",
        "r.rule:6:12: RL219 de waarde van parameter 'q' moet een vaste waarde zijn (een bedrag, getal, "
        "percentage of datum), geen berekening",
        "r.rule:9:12: RL219 de waarde van parameter 'r' moet een vaste waarde zijn (een bedrag, getal, "
        "percentage of datum), geen berekening",
    ]


def test_negative_parameter_values_are_fixed_values(project):
    from decimal import Decimal
    rs = project.rules("""
        parameter correctie: geld
            bron "x"
            waarde -€ 12,50
        parameter stap: geheel getal
            bron "x"
            waarde -3
        definitie d: geld
            bron "x"
            waarde correctie * stap
    """)
    assert value(rs, "d") == Decimal("37.50")


def test_rl202_duplicates(project):
    assert concise(project.diagnostics("""
        opsomming S: a, b, a
        invoer x: geld
        definitie x: geld
            bron "x"
            waarde € 1
        definitie peildatum: datum
            bron "x"
            waarde 2026-01-01
        record R:
            v: geld
            v: datum
    """)) == [
        "r.rule:1:20: RL202 'a' komt twee keer voor in opsomming 'S'",
        "r.rule:3:1: RL202 'x' is al gedeclareerd als invoer op r.rule:2:1",
        "r.rule:6:1: RL202 'peildatum' is een vaste naam (de peildatum) en kan niet opnieuw worden gedeclareerd",
        "r.rule:11:5: RL202 veld 'v' komt twee keer voor in record 'R'",
    ]


def test_one_mistake_is_reported_once(project):
    """An ill-typed expression gets type `any`: its dependents are not reported again."""
    diags = project.diagnostics("""
        invoer a: geld
        definitie x: geld
            bron "x"
            waarde a + onbekend
        definitie y: geld
            bron "x"
            waarde x * 2 + x
    """)
    assert concise(diags) == ["r.rule:4:16: RL201 onbekende naam 'onbekend'"]


THREE_MISTAKES = """
    invoer inkomen: geld per maand
    invoer vermogen: geld per jaar

    definitie x: geld per maand
        bron "art. 1"
        waarde inkomen + vermogen

    definitie y: geld
        bron "art. 2"
        waarde inkomn

    uitkomst z: geld
        bron "art. 3"
        als inkomen
        dan € 1
"""


def test_three_mistakes_three_located_diagnostics_and_exit_1(project, capsys):
    project.write("rules/drie.rule", THREE_MISTAKES)
    project.write("rules/goed.rule", 'definitie a: geld\n    bron "x"\n    waarde € 1\n')
    code, out, err = cli(["check", "rules"], capsys)
    assert code == 1
    assert out.splitlines() == [
        "rules/drie.rule:6:12: RL204 u rekent met een bedrag per maand en een bedrag per jaar",
        "rules/drie.rule:10:12: RL201 onbekende naam 'inkomn' (bedoelde u 'inkomen'?)",
        "rules/drie.rule:14:9: RL215 de voorwaarde achter 'als' moet ja of nee opleveren, maar is geld per maand",
        "Gevonden: 3 fouten in 1 bestand. (2 bestanden gecontroleerd)",
    ]


def test_check_clean_files_exit_0(project, capsys):
    project.write("rules/goed.rule", 'definitie a: geld\n    bron "x"\n    waarde € 1\n')
    code, out, _ = cli(["check"], capsys)  # default folder: rules/
    assert code == 0
    assert out.strip() == "Geen fouten gevonden. (1 bestand gecontroleerd)"


def test_check_json_format(project, capsys):
    project.write("drie.rule", THREE_MISTAKES)
    code, out, _ = cli(["check", "--format", "json", "drie.rule"], capsys)
    assert code == 1
    data = json.loads(out)
    assert [(d["code"], d["location"]["line"], d["location"]["column"]) for d in data] == [
        ("RL204", 6, 12), ("RL201", 10, 12), ("RL215", 14, 9)]
    assert data[1] == {
        "code": "RL201", "severity": "error", "message": "onbekende naam 'inkomn'", "title": "onbekende naam",
        "location": {"file": "drie.rule", "line": 10, "column": 12, "end_line": 10, "end_column": 18},
        "help": "bedoelde u 'inkomen'?",
    }
    code, out, _ = cli(["check", "--format", "json", "bestaat_niet.rule"], capsys)
    assert code == 1 and json.loads(out)[0]["code"] == "RL001"
    project.write("goed.rule", 'definitie a: geld\n    bron "x"\n    waarde € 1\n')
    code, out, _ = cli(["check", "--format", "json", "goed.rule"], capsys)
    assert code == 0 and json.loads(out) == []


def test_check_full_format_has_snippet_and_help(project, capsys):
    project.write("drie.rule", THREE_MISTAKES)
    code, out, _ = cli(["check", "--format", "full", "drie.rule"], capsys)
    assert code == 1
    assert "RL201 onbekende naam 'inkomn'\n --> drie.rule:10:12\n   |\n10 |     waarde inkomn\n" \
           "   |            ^^^^^^\nhulp: bedoelde u 'inkomen'?" in out


@pytest.mark.parametrize("code", sorted(c for c in CODES if c.startswith("RL2")))
def test_every_checker_code_has_a_title(code):
    assert CODES[code] and CODES[code] == CODES[code].strip()
