"""The Pygments lexer for .rule files: registered as an entry point, keywords from the grammar."""
from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path

import pytest
from pygments.lexers import get_lexer_by_name, get_lexer_for_filename
from pygments.token import Comment, Error, Keyword, Literal, Name, Number, Operator, String

from rulelang.highlight import RuleLexer, grammar_keywords, keyword_classes

REPO = Path(__file__).resolve().parents[1]
RULE_FILES = sorted((REPO / "rules").rglob("*.rule")) + sorted((REPO / "docs").rglob("*.rule"))


def tokens(text: str) -> list[tuple[object, str]]:
    return [(t, v) for t, v in RuleLexer().get_tokens(text) if v.strip()]


def kind(text: str, word: str):
    return next(t for t, v in tokens(text) if v == word)


def test_highlight_lexer_is_a_pygments_entry_point():
    eps = {ep.name: ep.value for ep in entry_points(group="pygments.lexers")}
    assert eps.get("rulelang") == "rulelang.highlight:RuleLexer"
    assert isinstance(get_lexer_by_name("rule"), RuleLexer)
    assert isinstance(get_lexer_by_name("rulelang"), RuleLexer)
    assert isinstance(get_lexer_for_filename("giften.rule"), RuleLexer)


def test_highlight_keywords_are_the_grammar_keywords():
    import re

    from importlib import resources

    for lang in ("nl", "en"):
        text = (resources.files("rulelang") / "grammar" / f"{lang}.lark").read_text(encoding="utf-8")
        quoted = {w for w in re.findall(r'"([^"\\]+)"', text) if re.fullmatch(r"[^\W\d][\w/]*", w)}
        derived = {w for ws in grammar_keywords(lang).values() for w in ws}
        assert derived == quoted
        assert derived <= set(keyword_classes())
    for word in ("uitkomst", "outcome", "tenzij", "unless", "geldig", "valid", "through", "afgerond", "rounded",
                 "waarvoor", "where", "ja/nee", "yes/no"):
        assert word in keyword_classes(), word


@pytest.mark.parametrize("path", RULE_FILES, ids=lambda p: str(p.relative_to(REPO)))
def test_highlight_lexes_every_rule_file_without_errors(path):
    text = path.read_text(encoding="utf-8")
    toks = list(RuleLexer().get_tokens(text))
    expected = text if text.endswith("\n") else text + "\n"  # Pygments ends the last line
    assert "".join(v for _, v in toks) == expected
    assert not [v for t, v in toks if t in Error]


def test_highlight_token_classes():
    src = (REPO / "docs" / "tutorial" / "stap5" / "giften.rule").read_text(encoding="utf-8")
    assert kind(src, "uitkomst") in Keyword.Declaration
    assert kind(src, "giften_vrijgelaten") in Name.Function
    assert kind(src, "tot_de_grens") in Name.Label
    assert kind(src, "tenzij") in Keyword
    assert kind(src, "en") in Operator.Word
    assert kind(src, "nee") in Keyword.Constant
    assert kind(src, "minimum") in Name.Builtin
    assert kind(src, "geld") in Keyword.Type
    assert kind(src, "€ 1.200,00") in Number
    assert kind(src, "1 januari 2026") in Literal.Date
    assert any(t in String.Interpol and v == "{vrijlatingsgrens}" for t, v in tokens(src))
    assert kind(src, "# Giften en de vrijlating van Participatiewet art. 31 lid 2 onderdeel m.") in Comment
    en = 'language en\noutcome x: money per month\n    source "a"\n    value 15% * y rounded to cents\n'
    assert kind(en, "outcome") in Keyword.Declaration
    assert kind(en, "rounded") in Keyword
    assert kind(en, "month") in Keyword.Pseudo
