"""Stage 1: text -> lark parse trees, with syntax errors as located Dutch diagnostics.

A file is cut into chunks, one per top-level declaration (a line starting in column 0). Each chunk
is parsed on its own, so every broken declaration is reported, not just the first one.
"""
from __future__ import annotations

import os
import re
from functools import lru_cache
from importlib import resources

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken
from lark.indenter import DedentError, Indenter

from .diagnostics import Diagnostic
from .source import Span

LANGUAGES = ("nl", "en")
_HEADER = re.compile(r"^\s*(?:taal|language)\s+(\S+)\s*(?:#.*)?$")

# How a token type is named in a Dutch message ("verwacht: een naam").
_TOKEN_WORDS = {
    "NAME": "een naam", "STRING": "een tekst tussen aanhalingstekens", "NUMBER": "een getal",
    "_NL": "het einde van de regel", "_INDENT": "een ingesprongen blok", "_DEDENT": "het einde van het blok",
    "DATE": "een datum", "EURO": "€", "COLON": "':'", "LPAR": "'('", "RPAR": "')'", "CMP_OP": "een vergelijking",
    "PLUS": "'+'", "MINUS": "'-'", "STAR": "'*'", "SLASH": "'/'", "ARGSEP": "';'", "DOT": "'.'",
    "$END": "het einde van het bestand",
}


class _RuleIndenter(Indenter):
    NL_type = "_NL"
    OPEN_PAREN_types = ["LPAR"]
    CLOSE_PAREN_types = ["RPAR"]
    INDENT_type = "_INDENT"
    DEDENT_type = "_DEDENT"
    tab_len = 4


@lru_cache(maxsize=None)
def parser_for(lang: str) -> Lark:
    grammar_dir = resources.files("rulelang") / "grammar"
    text = (grammar_dir / "core.lark").read_text(encoding="utf-8") + "\n" + (
        grammar_dir / f"{lang}.lark").read_text(encoding="utf-8")
    return Lark(text, parser="lalr", lexer="contextual", postlex=_RuleIndenter(),
                propagate_positions=True, maybe_placeholders=True, start="start", cache=_table_cache(lang))


def _table_cache(lang: str) -> str | bool:
    """Where lark keeps the LALR tables of the grammar (0,2 s to compute, 0,02 s to load). Like Python's
    .pyc files they depend only on the grammar (lark checks its hash), not on any rule file, so they are
    kept even with RULELANG_NO_CACHE; a cache that cannot be written or read is rebuilt."""
    base = os.environ.get("RULELANG_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "rulelang")
    try:
        os.makedirs(base, exist_ok=True)
    except OSError:
        return False
    return os.path.join(base, f"grammar-{lang}.lark-cache")


def keyword_words(lang: str) -> dict[str, str]:
    """Terminal name -> the keyword text in this language (for messages and the highlighter)."""
    out = {}
    for term in parser_for(lang).terminals:
        pat = term.pattern
        if pat.type == "str":
            out[term.name] = pat.value
    return out


def source_lines(text: str) -> list[str]:
    """The lines of a file as editors and lark count them: split at '\n' only (a form feed or U+2028
    inside a string or comment is text, not a line break, which str.splitlines would make it)."""
    lines = [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def detect_language(text: str) -> str:
    for line in source_lines(text):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        m = _HEADER.match(line)
        return m.group(1) if m else "nl"
    return "nl"


def split_chunks(text: str) -> list[tuple[int, str]]:
    """Cut the text into (first_line_number, chunk_text) pairs, one per top-level declaration."""
    lines = source_lines(text)
    chunks: list[tuple[int, list[str]]] = []
    for i, line in enumerate(lines, start=1):
        starts_decl = line[:1] not in ("", " ", "\t", "#")
        if starts_decl or not chunks:
            chunks.append((i, [line]))
        else:
            chunks[-1][1].append(line)
    out = []
    for first, body in chunks:
        while body and (not body[-1].strip() or body[-1].lstrip().startswith("#")):
            body.pop()
        if body and any(l.strip() and not l.lstrip().startswith("#") for l in body):
            # skip leading comment lines so the chunk starts with its declaration
            skip = 0
            while body[skip].lstrip().startswith("#") or not body[skip].strip():
                skip += 1
            out.append((first + skip, "\n".join(body[skip:]) + "\n"))
    return out


def _describe_expected(expected, lang: str) -> str:
    words = keyword_words(lang)
    names = []
    for e in sorted(expected):
        if e.startswith("__ANON") or e.startswith("_"):
            if e in _TOKEN_WORDS:
                names.append(_TOKEN_WORDS[e])
            continue
        if e in words:
            names.append(f"'{words[e]}'")
        elif e in _TOKEN_WORDS:
            names.append(_TOKEN_WORDS[e])
        else:
            names.append(e.lower())
    names = sorted(set(names))
    if not names:
        return ""
    if len(names) > 6:
        names = names[:6] + ["…"]
    return "; verwacht: " + ", ".join(names)


def _token_text(tok: Token) -> str:
    if tok.type == "_NL":
        return "het einde van de regel"
    if tok.type == "_INDENT":
        return "een ingesprongen regel"
    if tok.type == "_DEDENT":
        return "het einde van het blok"
    if tok.type == "$END":
        return "het einde van het bestand"
    return f"'{tok.value}'"


def _code_lines(chunk: str):
    """(line number, indentation width) of every line that is not blank or a comment."""
    for i, line in enumerate(source_lines(chunk), start=1):
        stripped = line.lstrip(" \t")
        if stripped and not stripped.startswith("#"):
            ws = line[:len(line) - len(stripped)]
            yield i, ws.count(" ") + ws.count("\t") * _RuleIndenter.tab_len


def _next_code_line(chunk: str, after: int) -> tuple[int, int] | None:
    return next(((i, width + 1) for i, width in _code_lines(chunk) if i > after), None)


def _bad_dedent(chunk: str) -> tuple[int, int] | None:
    """The first line whose indentation matches no enclosing block (what lark's DedentError means)."""
    stack = [0]
    for i, width in _code_lines(chunk):
        if width > stack[-1]:
            stack.append(width)
            continue
        while width < stack[-1]:
            stack.pop()
        if width != stack[-1]:
            return i, width + 1
    return None


def parse_text(text: str, path: str, lang: str | None = None) -> tuple[str, list[tuple[int, Tree]], list[Diagnostic]]:
    """Parse a whole file. Returns (language, [(line_offset, tree)], diagnostics)."""
    lang = lang or detect_language(text)
    diags: list[Diagnostic] = []
    if lang not in LANGUAGES:
        m_line = next((i for i, l in enumerate(source_lines(text), 1) if _HEADER.match(l)), 1)
        diags.append(Diagnostic("RL104", f"onbekende taal '{lang}': kies 'nl' of 'en'", Span(path, m_line, 1)))
        return "nl", [], diags
    parser = parser_for(lang)
    trees = []
    for first_line, chunk in split_chunks(text):
        offset = first_line - 1
        try:
            tree = parser.parse(chunk)
        except UnexpectedCharacters as e:
            diags.append(Diagnostic("RL102", f"onverwacht teken '{chunk[e.pos_in_stream]}'"
                                    f"{_describe_expected(e.allowed or set(), lang)}",
                                    Span(path, e.line + offset, e.column, e.line + offset, e.column + 1)))
            continue
        except UnexpectedToken as e:
            tok = e.token
            if tok.type == "$END":
                diags.append(Diagnostic("RL106", "de declaratie houdt onverwacht op"
                                        f"{_describe_expected(e.expected, lang)}",
                                        Span(path, first_line + chunk.count("\n") - 1, 1)))
                continue
            line = (tok.line or 1) + offset
            col = tok.column or 1
            end_col = col + max(1, len(str(tok.value))) if tok.type not in ("_NL", "_INDENT", "_DEDENT") else col + 1
            if tok.type == "_INDENT":  # the token borrows the position of the line break before it
                nxt = _next_code_line(chunk, tok.line or 1)
                if nxt is not None:
                    line, col, end_col = nxt[0] + offset, nxt[1], nxt[1] + 1
            diags.append(Diagnostic("RL101", f"onverwacht {_token_text(tok)}{_describe_expected(e.expected, lang)}",
                                    Span(path, line, col, line, end_col)))
            continue
        except UnexpectedEOF as e:
            diags.append(Diagnostic("RL106", "de declaratie houdt onverwacht op"
                                    f"{_describe_expected(e.expected, lang)}",
                                    Span(path, first_line + chunk.count("\n") - 1, 1)))
            continue
        except DedentError as e:
            bad = _bad_dedent(chunk)
            line, col = (bad[0] + offset, bad[1]) if bad else (first_line, 1)
            diags.append(Diagnostic("RL103", "de inspringing komt niet overeen met een eerder blok "
                                    "(gebruik steeds hetzelfde aantal spaties)", Span(path, line, col)))
            continue
        except UnexpectedInput as e:  # pragma: no cover - other lark subclasses
            diags.append(Diagnostic("RL101", "syntaxfout", Span(path, getattr(e, "line", 1) + offset,
                                                                 getattr(e, "column", 1))))
            continue
        except RecursionError:
            diags.append(Diagnostic("RL101", "de declaratie is te diep genest om te lezen",
                                    Span(path, first_line, 1)))
            continue
        trees.append((offset, tree))
    return lang, trees, diags
