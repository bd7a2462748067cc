"""Syntax errors: located `path:line:col: RL1xx` diagnostics in Dutch, every broken declaration reported."""
from __future__ import annotations

from rulelang.diagnostics import CODES, render
from rulelang.parser import parse_text, split_chunks

from .conftest import dedent


def syntax(text: str, path: str = "r.rule") -> list[str]:
    _, _, diags = parse_text(dedent(text), path)
    return [d.concise() for d in sorted(diags, key=lambda d: (d.span.line, d.span.col))]


def test_incomplete_expression_is_located_at_the_end_of_its_line():
    out = syntax("""
        definitie a: geld
            bron "x"
            waarde € 1 +
    """)
    assert len(out) == 1
    assert out[0].startswith("r.rule:3:17: RL101 onverwacht het einde van de regel; verwacht: ")
    assert "'('" in out[0] and "'aantal'" in out[0] and out[0].endswith("…")  # long lists are cut short


def test_missing_colon_names_the_token_and_what_was_expected():
    assert syntax("""
        definitie b geld
            bron "x"
            waarde € 2
    """) == ["r.rule:1:13: RL101 onverwacht 'geld'; verwacht: ':', het einde van de regel"]


def test_unterminated_string():
    out = syntax("""
        definitie d: geld
            bron "x
            waarde € 4
    """)
    assert len(out) == 1 and out[0].startswith("r.rule:2:10: RL102 onverwacht teken '\"'")


def test_unexpected_character():
    out = syntax("""
        definitie d: geld
            bron "x"
            waarde € 1 $ 2
    """)
    assert len(out) == 1 and out[0].startswith("r.rule:3:16: RL102 onverwacht teken '$'; verwacht: ")


def test_over_indented_line_is_reported_on_that_line():
    out = syntax("""
        definitie e: geld
            bron "x"
              waarde € 5
    """)
    assert len(out) == 1 and out[0].startswith("r.rule:3:7: RL101 onverwacht een ingesprongen regel")


def test_inconsistent_dedent_is_reported_on_the_offending_line():
    assert syntax("""
        definitie e: geld
            bron "x"
            regel a:
                dan € 5
              bron "y"
    """) == ["r.rule:5:7: RL103 de inspringing komt niet overeen met een eerder blok "
             "(gebruik steeds hetzelfde aantal spaties)"]


def test_keyword_from_the_other_language_is_an_unexpected_word():
    out = syntax("""
        definitie d: geld
            source "x"
            waarde € 1
    """)
    assert len(out) == 1 and out[0].startswith("r.rule:2:5: RL101 onverwacht 'source'; verwacht: ")
    assert "'bron'" in out[0]


def test_english_file_gets_english_keywords_in_the_expected_list():
    out = syntax("""
        language en
        definition d: money
            bron "x"
            value € 1
    """)
    assert len(out) == 1 and out[0].startswith("r.rule:3:5: RL101 onverwacht 'bron'; verwacht: ")
    assert "'source'" in out[0] and "'bron'" not in out[0].split("verwacht:")[1]


def test_every_broken_declaration_in_a_file_is_reported():
    text = """
        taal nl

        definitie a: geld
            bron "x"
            waarde € 1 +

        definitie b geld
            bron "x"
            waarde € 2

        definitie goed: geld
            bron "x"
            waarde € 3

        definitie d: geld
            bron "x
            waarde € 4

        parameter f: geld
            bron "x"
            waarde € 1 geldig vanaf
    """
    out = syntax(text)
    assert [line.split(" ")[0:2] for line in out] == [
        ["r.rule:5:17:", "RL101"], ["r.rule:7:13:", "RL101"], ["r.rule:16:10:", "RL102"],
        ["r.rule:21:28:", "RL101"]]
    lang, trees, diags = parse_text(dedent(text), "r.rule")
    # the header and the intact declaration are still parsed
    assert len(trees) == 2


def test_chunks_start_at_column_zero_and_keep_their_line_numbers():
    text = dedent("""
        # kop
        taal nl

        definitie a: geld
            bron "x"
        # commentaar op kolom 0 hoort bij het blok erboven
            waarde € 1

        definitie b: geld
            bron "y"
    """)
    chunks = split_chunks(text)
    assert [first for first, _ in chunks] == [2, 4, 9]
    assert chunks[1][1].splitlines()[0] == "definitie a: geld"
    assert "waarde € 1" in chunks[1][1]


def test_full_format_shows_the_source_line_and_a_caret():
    text = dedent("""
        definitie b geld
            bron "x"
            waarde € 2
    """)
    _, _, diags = parse_text(text, "r.rule")
    full = render(diags, "full", {"r.rule": text})
    assert full.splitlines() == [
        "RL101 onverwacht 'geld'; verwacht: ':', het einde van de regel",
        " --> r.rule:1:13",
        "  |",
        "1 | definitie b geld",
        "  |             ^^^^",
    ]


def test_all_syntax_codes_are_registered_with_a_dutch_title():
    for code in ("RL101", "RL102", "RL103", "RL104", "RL105", "RL106"):
        assert CODES[code].startswith(("syntaxfout", "onbekende", "ongeldige"))


def test_redundant_parentheses_nest_without_limit(project):
    from .conftest import value

    rs = project.rules('definitie d: getal\n    bron "x"\n    waarde ' + "(" * 3000 + "2,5" + ")" * 3000 + "\n")
    assert str(value(rs, "d")) == "2.5"


def test_overlong_expression_is_a_located_diagnostic_not_a_crash(project):
    diags = project.diagnostics('definitie d: getal\n    bron "x"\n    waarde 1' + " + 1" * 5000 + "\n")
    assert [(d.code, d.span.file, d.span.line) for d in diags] == [("RL101", "r.rule", 3)]
