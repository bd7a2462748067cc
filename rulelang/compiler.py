"""The driver: one function per stage, plus loading of imports and a content-hash cache.

parse (parser.py) -> AST (transform.py) -> resolve/check to IR (check.py) -> Python (codegen.py)
-> module (this file, cached by a hash of every source file, the grammar and the compiler version).
"""
from __future__ import annotations

import hashlib
import linecache
import marshal
import os
import re
import sys
import types
from pathlib import Path

import attrs

from . import __version__
from .diagnostics import Diagnostic
from .source import Span

# The stages (parser, transform, check, codegen; lark) are imported when something has to be compiled: a
# warm start, with the rule set in the cache, only loads the runtime.

_IMPORT_LINE = re.compile(r'^(?:importeer|import)\s+"((?:[^"\\\n]|\\.)*)"', re.M)


def display_path(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


@attrs.define
class RuleSet:
    """A compiled rule set: the generated module, its class, metadata and sources."""

    root: str
    python_source: str
    module: types.ModuleType
    texts: dict[str, str]
    program: object | None = None  # the IR, when compiled in this process (None when loaded from cache)

    @property
    def cls(self):
        return self.module.RuleSet

    @property
    def meta(self) -> dict:
        return self.module.META


def _read(path: Path, span: Span | None, diags: list[Diagnostic]) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        diags.append(Diagnostic("RL213" if span else "RL001", f"bestand '{display_path(path)}' bestaat niet",
                                span or Span(display_path(path), 1, 1)))
    except (OSError, UnicodeDecodeError) as e:
        diags.append(Diagnostic("RL001", f"bestand '{display_path(path)}' is niet te lezen ({type(e).__name__})",
                                span or Span(display_path(path), 1, 1)))
    return None


def collect_texts(root: Path) -> tuple[dict[Path, str], list[Diagnostic]]:
    """Read the root file and, transitively, every file it imports (cheap scan, no parsing)."""
    diags: list[Diagnostic] = []
    texts: dict[Path, str] = {}
    todo: list[tuple[Path, Span | None]] = [(root.resolve(), None)]
    while todo:
        path, span = todo.pop(0)
        if path in texts:
            continue
        text = _read(path, span, diags)
        if text is None:
            continue
        texts[path] = text
        for m in _IMPORT_LINE.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            span = Span(display_path(path), line, 1, line, len(m.group(0)) + 1)
            try:
                target = (path.parent / m.group(1)).resolve()
            except (ValueError, OSError) as e:  # e.g. a NUL byte in the name: no file can have it
                diags.append(Diagnostic("RL001", f"bestand {m.group(1)!r} is niet te lezen: de naam is geen "
                                                 f"geldige bestandsnaam ({type(e).__name__})", span))
                continue
            todo.append((target, span))
    return texts, diags


COMPILER_STAGES = ("compiler.py", "parser.py", "transform.py", "ast.py", "types.py", "builtins.py", "check.py", "ir.py",
                   "codegen.py", "runtime/__init__.py")


def source_hash(texts: dict[Path, str]) -> str:
    h = hashlib.sha256()
    h.update(__version__.encode())
    gdir = Path(__file__).parent / "grammar"  # the package data, as importlib.resources would find it
    for name in ("core.lark", "nl.lark", "en.lark"):
        h.update((gdir / name).read_bytes())
    # every stage whose change can change the generated module (not only the checker and code generator:
    # a change in how a literal or `tot en met` is read must not be served from a stale cache entry)
    for name in COMPILER_STAGES:
        h.update((Path(__file__).parent / name).read_bytes())
    for path in sorted(texts):
        h.update(display_path(path).encode())
        h.update(b"\0")
        h.update(texts[path].encode())
        h.update(b"\0")
    return h.hexdigest()


def cache_dir() -> Path | None:
    if os.environ.get("RULELANG_NO_CACHE"):
        return None
    base = os.environ.get("RULELANG_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "rulelang")
    return Path(base)


_PARSED: dict[tuple[str, str], tuple[A.Module, list[Diagnostic]]] = {}


def parse_modules(texts: dict[Path, str]) -> tuple[list[A.Module], list[Diagnostic]]:
    """Parse and build each file. A file imported by several rule sets is parsed once per process
    (keyed by its shown path and its whole text; the checker reads the syntax tree, it does not change it)."""
    from .parser import parse_text
    from .transform import build_module

    diags: list[Diagnostic] = []
    modules = []
    for path, text in texts.items():
        shown = display_path(path)
        key = (shown, text)
        hit = _PARSED.get(key)
        if hit is None:
            own: list[Diagnostic] = []
            lang, trees, d = parse_text(text, shown)
            own.extend(d)
            hit = (build_module(shown, lang, trees, own), own)
            if len(_PARSED) >= 256:
                _PARSED.clear()
            _PARSED[key] = hit
        diags.extend(hit[1])
        modules.append(hit[0])
    return modules, diags


def compile_to_python(root: Path) -> tuple[str | None, object | None, dict[str, str], list[Diagnostic]]:
    """All stages up to Python source. Returns (source, IR program, texts, diagnostics)."""
    texts, diags = collect_texts(root)
    shown_texts = {display_path(p): t for p, t in texts.items()}
    if not texts:
        return None, None, shown_texts, diags
    modules, d = parse_modules(texts)
    diags.extend(d)
    from .check import check
    from .codegen import generate

    program, d = check(modules, display_path(root.resolve()))
    diags.extend(d)
    program.source_hash = source_hash(texts)
    if any(x.severity == "error" for x in diags):
        return None, program, shown_texts, _dedupe(diags)
    source = generate(program)
    lines = source.count("\n")
    if lines > MAX_GENERATED_LINES:  # Python's compile() needs ~4 KB of memory per generated line
        diags.append(Diagnostic("RL222", f"de regelset is te groot om te vertalen: {lines} regels Python, het maximum "
                                f"is {MAX_GENERATED_LINES} (ongeveer 50.000 regels regeltekst); splits haar in "
                                "regelsets die elk hun eigen deel importeren", Span(display_path(root.resolve()), 1, 1)))
        return None, program, shown_texts, _dedupe(diags)
    return source, program, shown_texts, _dedupe(diags)


MAX_GENERATED_LINES = 600_000  # docs/betrouwbaarheid.md: bounds compile()'s memory to about 2,5 GB


def _dedupe(diags: list[Diagnostic]) -> list[Diagnostic]:
    seen, out = set(), []
    for d in diags:
        key = (d.code, d.span, d.message)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out


UNTRACED_MARK = "\n\nclass Untraced(RuleSet):"


def split_untraced(source: str) -> tuple[str, str]:
    """The generated module in two parts: everything up to the class without tracing, and that class
    (padded with blank lines so its line numbers are those of the whole module)."""
    i = source.find(UNTRACED_MARK)
    if i < 0:
        return source, ""
    head = source[:i]
    return head, "\n" * head.count("\n") + source[i:]


class _LazyUntraced:
    """`RuleSet.UNTRACED`, compiled on first use: the class without tracing is almost half of the
    generated code, and checking, explaining and most scenarios never need it."""

    def __init__(self, module, source: str, filename: str, code_file: Path | None):
        self.module, self.source, self.filename, self.code_file = module, source, filename, code_file

    def __get__(self, obj, owner=None):
        code = None
        if self.code_file is not None:
            try:
                code = marshal.loads(self.code_file.read_bytes())
            except Exception:  # absent or damaged: compile again
                code = None
        if code is None:
            code = compile(self.source, self.filename, "exec")
            _write_cache(self.code_file, marshal.dumps(code))
        exec(code, self.module.__dict__)  # defines Untraced and sets RuleSet.UNTRACED, replacing this
        return self.module.Untraced


def _write_cache(path: Path | None, data: bytes) -> None:
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.parent / f".{path.name}.{os.getpid()}.tmp"
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        pass  # caching is an optimisation; a read-only home must not break compilation


def load_python(source: str, name: str, code=None, untraced_code_file: Path | None = None) -> types.ModuleType:
    """Load a generated module. `code` is the compiled first part (see split_untraced); the class
    without tracing is compiled when first asked for (and cached in `untraced_code_file`)."""
    filename = f"<rulelang {name}>"
    head, fast = split_untraced(source)
    if code is None:
        code = compile(head, filename, "exec")
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    module = types.ModuleType(f"rulelang_generated_{hashlib.sha1(name.encode()).hexdigest()[:12]}")
    module.__file__ = filename
    exec(code, module.__dict__)
    if fast:
        module.RuleSet.UNTRACED = _LazyUntraced(module, fast, filename, untraced_code_file)
    return module


def compile_rules(path: str | os.PathLike, use_cache: bool = True) -> tuple[RuleSet | None, list[Diagnostic]]:
    """Compile a rule file (with its imports). Returns (rule set or None, diagnostics)."""
    root = Path(path)
    cdir = cache_dir() if use_cache else None
    if cdir is not None:
        texts, diags = collect_texts(root)
        if texts and not diags:
            key = source_hash(texts)
            py_file = cdir / f"{key}.py"
            code_file = cdir / f"{key}.{sys.implementation.cache_tag}.code"
            if py_file.exists() and code_file.exists():
                try:
                    source = py_file.read_text(encoding="utf-8")
                    code = marshal.loads(code_file.read_bytes())
                    module = load_python(source, display_path(root), code, _untraced_file(cdir, key))
                    return RuleSet(display_path(root), source, module,
                                   {display_path(p): t for p, t in texts.items()}), []
                except Exception:  # a damaged cache entry is rebuilt, never trusted
                    pass
    source, program, texts, diags = compile_to_python(root)
    if source is None:
        return None, diags
    code = compile(split_untraced(source)[0], f"<rulelang {display_path(root)}>", "exec")
    key = program.source_hash
    module = load_python(source, display_path(root), code, _untraced_file(cdir, key) if cdir else None)
    if cdir is not None:
        _write_cache(cdir / f"{key}.py", source.encode("utf-8"))
        _write_cache(cdir / f"{key}.{sys.implementation.cache_tag}.code", marshal.dumps(code))
    return RuleSet(display_path(root), source, module, texts, program), diags


def _untraced_file(cdir: Path, key: str) -> Path:
    return cdir / f"{key}.untraced.{sys.implementation.cache_tag}.code"


def check_paths(paths: list[str]) -> tuple[list[Diagnostic], dict[str, str], int]:
    """Check every .rule file under the given paths. Returns (diagnostics, texts, number of files)."""
    files: list[Path] = []
    diags: list[Diagnostic] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            files.extend(sorted(path.rglob("*.rule")))
        elif path.exists():
            files.append(path)
        else:
            diags.append(Diagnostic("RL001", f"'{p}' bestaat niet", Span(p, 1, 1)))
    texts: dict[str, str] = {}
    for f in files:
        _, _, t, d = compile_to_python(f)
        texts.update(t)
        diags.extend(d)
    return _dedupe(diags), texts, len(files)
