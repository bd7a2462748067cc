"""Pygments lexer for `.rule` files (Dutch and English keywords in one lexer).

The keywords are read from the grammar files (rulelang/grammar/nl.lark and en.lark), so the
highlighter cannot drift from the language. Registered as the `pygments.lexers` entry point
`rulelang`; aliases `rule` and `rulelang`.
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from pygments.lexer import RegexLexer, bygroups, default, words
from pygments.token import (Comment, Keyword, Literal, Name, Number, Operator, Punctuation, String,
                            Text, Whitespace)

from .builtins import DESCRIPTIONS, ENGLISH
from .types import TYPE_WORDS

__all__ = ["RuleLexer", "grammar_keywords", "keyword_classes"]

LANGUAGES = ("nl", "en")

# Terminal name -> token class. Terminals not listed here are plain keywords.
_DECLARATION = {"TAAL", "IMPORTEER", "OPSOMMING", "RECORD", "INVOER", "BESLISSING", "PARAMETER",
                "DEFINITIE", "UITKOMST"}
_WORD_OPERATORS = {"EN", "OF", "NIET", "TUSSEN"}
_CONSTANTS = {"JA", "JA_ALT", "NEE", "NEE_ALT"}
_TYPES = {"LIJST", "BOOLTYPE"}
_UNITS = {"DAG", "DAGEN", "WEEK", "WEKEN", "MAAND", "MAANDEN", "JAAR", "JAREN", "CENTEN", "PCT_WORD"}
_MONTHS = {f"M{i}" for i in range(1, 13)}

_LINE = re.compile(r"^(\??[A-Za-z_][A-Za-z0-9_]*)(?:\.\d+)?\s*:(.*)$")
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')


@lru_cache(maxsize=None)
def grammar_keywords(lang: str) -> dict[str, tuple[str, ...]]:
    """Grammar symbol (terminal or keyword rule) -> the words it is spelled with, for one language.

    Only quoted strings that are words count (not '%' or ':'). A keyword rule such as
    `_valid_from_kw: "geldig" "vanaf"` contributes each of its words.
    """
    text = (resources.files("rulelang") / "grammar" / f"{lang}.lark").read_text(encoding="utf-8")
    out: dict[str, tuple[str, ...]] = {}
    for line in text.splitlines():
        m = _LINE.match(line.strip())
        if not m:
            continue
        found = tuple(w for w in _QUOTED.findall(m.group(2)) if re.fullmatch(r"[^\W\d][\w/]*", w))
        if found:
            out[m.group(1)] = found
    return out


@lru_cache(maxsize=None)
def keyword_classes() -> dict[str, object]:
    """Every keyword of both languages -> its Pygments token type."""
    out: dict[str, object] = {}
    for lang in LANGUAGES:
        for sym, spelled in grammar_keywords(lang).items():
            if sym in _DECLARATION:
                tok = Keyword.Declaration
            elif sym in _WORD_OPERATORS:
                tok = Operator.Word
            elif sym in _CONSTANTS:
                tok = Keyword.Constant
            elif sym in _TYPES:
                tok = Keyword.Type
            elif sym in _UNITS:
                tok = Keyword.Pseudo
            elif sym in _MONTHS:
                tok = Literal.Date
            else:
                tok = Keyword
            for w in spelled:
                # a word that is an operator in one place (en, of) stays an operator word
                if w not in out or out[w] is Keyword:
                    out[w] = tok
    return out


def _type_words() -> set[str]:
    return {w for ws in TYPE_WORDS for w in ws}


def _builtins() -> set[str]:
    return set(DESCRIPTIONS) | set(ENGLISH.values()) | {"peildatum", "reference_date"}


_IDENT = r"[^\W\d]\w*"


def _word_callback(lexer, match):
    word = match.group(0)
    tok = keyword_classes().get(word)
    if tok is None:
        if word in _type_words():
            tok = Keyword.Type
        elif word in _builtins():
            tok = Name.Builtin
        else:
            tok = Name
    yield match.start(), tok, word


def _declaration_words() -> list[str]:
    return sorted((w for w, t in keyword_classes().items() if t is Keyword.Declaration
                   and w not in ("taal", "language", "importeer", "import")), key=len, reverse=True)


def _month_words() -> list[str]:
    return [w for w, t in keyword_classes().items() if t is Literal.Date]


def _label_words() -> list[str]:
    return [w for lang in LANGUAGES for sym in ("REGEL", "TENZIJ", "VEREIST")
            for w in grammar_keywords(lang).get(sym, ())]


class RuleLexer(RegexLexer):
    """Lexer for rulelang `.rule` files (Participatiewet rules as code)."""

    name = "rulelang"
    aliases = ["rule", "rulelang"]
    filenames = ["*.rule"]
    mimetypes = ["text/x-rulelang"]
    flags = re.UNICODE | re.MULTILINE

    tokens = {
        "root": [
            (r"[ \t]+", Whitespace),
            (r"\r?\n", Whitespace),
            (r"#.*?$", Comment.Single),
            (r'"', String.Double, "string"),
            # a declaration names something: `uitkomst giften_meegeteld: ...`
            (r"(%s)([ \t]+)(%s)" % ("|".join(_declaration_words()), _IDENT),
             bygroups(Keyword.Declaration, Whitespace, Name.Function)),
            (r"(%s)([ \t]+)(%s)(?=[ \t]*[:\n]|[ \t]+(?:uitzondering|exception)\b)"
             % ("|".join(_label_words()), _IDENT),
             bygroups(Keyword, Whitespace, Name.Label)),
            (r"(uitzondering[ \t]+op|exception[ \t]+to)([ \t]+)(%s)" % _IDENT,
             bygroups(Keyword, Whitespace, Name.Label)),
            (words(("ja/nee", "yes/no"), suffix=r"\b"), Keyword.Type),
            (r"\d{4}-\d{2}-\d{2}", Literal.Date),
            (r"\d{1,2}[ \t]+(?:%s)[ \t]+\d{4}\b" % "|".join(_month_words()), Literal.Date),
            (r"€[ \t]*\d[\d.,]*", Number),
            (r"\d[\d.,]*[ \t]*%", Number),
            (r"\d[\d.,]*", Number),
            (r"(\.)(%s)" % _IDENT, bygroups(Punctuation, Name.Attribute)),
            (_IDENT, _word_callback),
            (r"<=|>=|!=|<>|[≠≤≥<>=+\-*×/]", Operator),
            (r"[():;,.]", Punctuation),
            (r".", Text),  # never an error token: the docs build treats those as failures
        ],
        "string": [
            (r'\\.', String.Escape),
            (r"\{%s\}" % _IDENT, String.Interpol),
            (r'[^"\\{\n]+', String.Double),
            (r"\{", String.Double),
            (r'"', String.Double, "#pop"),
            (r"\n", Whitespace, "#pop"),
            default("#pop"),
        ],
    }
