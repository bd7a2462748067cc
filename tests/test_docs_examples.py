"""Every example in the docs compiles, runs and says what the docs say; every keyword, construct, type
and built-in function of the language has an example; the tutorial's steps run as documented; the
README's snippets match the real files."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from rulelang.builtins import DESCRIPTIONS, ENGLISH
from rulelang.highlight import RuleLexer, grammar_keywords
from rulelang.parser import parse_text, parser_for
from rulelang.sphinxext.checks import check_example, normalized_ast, run_cli
from rulelang.types import TYPE_WORDS

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs"
EXAMPLES = DOCS / "voorbeelden"
TUTORIAL = DOCS / "tutorial"

EXAMPLE_NAMES = sorted(p.stem for p in EXAMPLES.glob("*.yaml"))
DUTCH_FILES = sorted(p for p in EXAMPLES.glob("*.rule") if not p.name.endswith(".en.rule"))
ENGLISH_FILES = sorted(EXAMPLES.glob("*.en.rule"))

# ```{rl:voorbeeld} NAME``` and ```{rl:opdracht} CMD``` blocks in the Markdown pages
DIRECTIVE = re.compile(r"^```\{rl:(?P<name>[a-z]+)\}[ \t]*(?P<arg>.*)\n(?P<body>(?:(?!```).*\n)*?)```", re.M)


def directives(name: str, folder: Path = DOCS):
    for md in sorted(folder.rglob("*.md")):
        for m in DIRECTIVE.finditer(md.read_text(encoding="utf-8")):
            if m.group("name") == name:
                opts = dict(re.findall(r"^:([\w-]+):[ \t]*(.*)$", m.group("body"), re.M))
                yield md, m.group("arg").strip(), opts


def words_in(files: list[Path]) -> set[str]:
    """Every word in the code of these files (not in strings or comments), per the docs' lexer."""
    from pygments.token import Comment, String

    out: set[str] = set()
    for f in files:
        for tok, value in RuleLexer().get_tokens(f.read_text(encoding="utf-8")):
            if tok in String or tok in Comment:
                continue
            out.update(re.findall(r"[^\W\d][\w/]*", value))
    return out


# ------------------------------------------------------------------------------------ examples
@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_docs_example_compiles_runs_and_matches_its_english_twin(name):
    result = check_example(EXAMPLES / f"{name}.rule")
    assert result.ok, "\n".join(result.problems)
    assert result.english is not None, f"{name}.en.rule is missing: every example shows the English keywords too"
    assert result.rows, f"{name}.yaml checks no outcome"


def test_docs_example_english_twin_is_checked_for_sameness(tmp_path):
    nl = (EXAMPLES / "uitzondering.rule").read_text(encoding="utf-8")
    en = (EXAMPLES / "uitzondering.en.rule").read_text(encoding="utf-8")
    (tmp_path / "a.rule").write_text(nl, encoding="utf-8")
    (tmp_path / "a.en.rule").write_text(en.replace("exception to medisch", "exception to niets_vrij"), encoding="utf-8")
    assert normalized_ast(tmp_path / "a.rule") != normalized_ast(tmp_path / "a.en.rule")


def test_docs_every_example_is_shown_and_every_shown_example_exists():
    shown = {arg for _, arg, _ in directives("voorbeeld")}
    assert shown == set(EXAMPLE_NAMES)
    for rule in DUTCH_FILES:
        if not rule.with_suffix(".yaml").exists():  # a helper file must be imported by an example
            assert any(f'"{rule.name}"' in p.read_text(encoding="utf-8") for p in DUTCH_FILES), rule.name


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_docs_examples_use_every_keyword(lang):
    files = DUTCH_FILES if lang == "nl" else ENGLISH_FILES
    used = words_in(files)
    anywhere = words_in(DUTCH_FILES + ENGLISH_FILES)  # the header takes either spelling in either language
    missing = {w for sym, ws in grammar_keywords(lang).items() for w in ws
               if w not in (anywhere if sym == "TAAL" else used)}
    assert not missing, f"keywords without an example ({lang}): {sorted(missing)}"


def _constructs() -> set[str]:
    """Every tree node the grammar can produce: named rules and aliases that are not inlined."""
    out = set()
    for rule in parser_for("nl").rules:
        origin = rule.origin.name
        if origin.startswith("_"):
            continue
        # children that stay in the tree: named terminals, rules, and the `__x_star` helpers lark splices in
        kept = [s for s in rule.expansion
                if (s.is_term and not s.filter_out and not s.name.startswith("_"))
                or (not s.is_term and (not s.name.startswith("_") or s.name.startswith("__")))]
        if rule.alias:
            out.add(str(rule.alias))
        elif not (rule.options.expand1 and len(kept) == 1):
            out.add(str(origin))
    return out


def test_docs_examples_use_every_construct_of_the_grammar():
    seen: set[str] = set()
    for f in DUTCH_FILES + ENGLISH_FILES:
        _, trees, diags = parse_text(f.read_text(encoding="utf-8"), f.name)
        assert not diags, diags
        for _, tree in trees:
            seen.update(t.data for t in tree.iter_subtrees())
    missing = _constructs() - seen
    assert not missing, f"grammar constructs without an example: {sorted(missing)}"


def test_docs_examples_use_every_type_and_function():
    nl, en = words_in(DUTCH_FILES), words_in(ENGLISH_FILES)
    for words in TYPE_WORDS:
        assert set(words) <= nl | en, f"type '{' '.join(words)}' has no example"
    for name in DESCRIPTIONS:
        assert name in nl, f"function {name} has no Dutch example"
        assert ENGLISH[name] in en, f"function {ENGLISH[name]} has no English example"
    assert "peildatum" in nl and "reference_date" in en


def test_docs_keyword_table_describes_every_keyword():
    from rulelang.sphinxext.docdirectives import KEYWORD_DOCS

    symbols = set(grammar_keywords("nl")) | set(grammar_keywords("en"))
    assert symbols - set(KEYWORD_DOCS) == set(), "describe new keywords in rulelang/sphinxext/docdirectives.py"
    for sym, (_, page) in KEYWORD_DOCS.items():
        assert (DOCS / f"{page}.md").exists(), page


# ------------------------------------------------------------------------------------ tutorial
COMMANDS = list(directives("opdracht", TUTORIAL))


@pytest.mark.parametrize("md, command, opts", COMMANDS,
                         ids=[f"{md.stem}:{cmd}" for md, cmd, _ in COMMANDS])
def test_docs_tutorial_command_runs_as_documented(md, command, opts):
    cwd = (md.parent / opts.get("map", ".")).resolve()
    res = run_cli(command, cwd)
    assert res.exit_code == int(opts.get("exitcode", 0)), res.output
    if "bevat" in opts:
        assert opts["bevat"] in res.output


def test_docs_tutorial_has_the_documented_steps():
    assert len(COMMANDS) >= 10
    files = [arg for _, arg, _ in directives("bestand", TUTORIAL)]
    for f in files:
        assert (TUTORIAL / f).exists(), f
    # from an empty file ...
    first = (TUTORIAL / "stap1" / "giften.rule").read_text(encoding="utf-8")
    assert all(line.startswith("#") for line in first.splitlines() if line.strip())
    # ... to a rule with an exception, validity dates and an explanation
    last = (TUTORIAL / "stap5" / "giften.rule").read_text(encoding="utf-8")
    for word in ("tenzij", "geldig vanaf", "tot en met", "uitleg", "beslissing", "bron"):
        assert word in last, word


def test_docs_tutorial_failing_step_fails_with_the_documented_message():
    md = TUTORIAL / "falende_test.md"
    failing = [(cmd, o) for m, cmd, o in COMMANDS if m == md and o.get("exitcode") == "1"]
    assert failing, "the failing-test step documents a command that fails"
    cmd, opts = failing[0]
    res = run_cli(cmd, TUTORIAL / opts["map"])
    assert res.exit_code == 1
    message = "verwacht € 1.500,00, kreeg € 1.200,00"
    assert message in opts["bevat"] and message in res.output
    assert f"**{message}**" in md.read_text(encoding="utf-8"), "the prose quotes the message"


def test_docs_tutorial_scenarios_pass_except_the_failing_one():
    from rulelang.run import Runner, scenario_files

    runner = Runner(use_cache=False)
    results = {}
    for f in scenario_files([str(TUTORIAL)]):
        scenarios, problems = runner.load(f)
        assert not problems, problems
        for sc in scenarios:
            results[f.name] = runner.run(sc).passed
    assert results.pop("wasmachine.yaml") is False
    assert results and all(results.values()), results


# ------------------------------------------------------------------------------------ README
README = (REPO / "README.md").read_text(encoding="utf-8")
FENCE = re.compile(r"^```(?P<lang>\w*)\n(?P<body>.*?)^```", re.M | re.S)
DECLARATION = re.compile(r"^(?:uitkomst|definitie|invoer|beslissing|parameter|opsomming|record|outcome|definition)\b")


def readme_blocks(lang: str) -> list[str]:
    return [m.group("body") for m in FENCE.finditer(README) if m.group("lang") == lang]


def test_readme_rule_snippets_are_copied_from_real_rule_files():
    snippets = [b for lang in ("text", "rule") for b in readme_blocks(lang) if DECLARATION.match(b)]
    assert snippets, "the README shows a rule"
    sources = [p.read_text(encoding="utf-8") for p in (REPO / "rules").rglob("*.rule")]
    for snippet in snippets:
        assert any(snippet in s for s in sources), f"README snippet not found in rules/:\n{snippet}"


def test_readme_scenario_snippets_pass(tmp_path):
    from rulelang.run import Runner

    blocks = readme_blocks("yaml")
    assert blocks
    (tmp_path / "pyproject.toml").write_text(f'[tool.rulelang]\nrules = "{(REPO / "rules").as_posix()}"\n',
                                             encoding="utf-8")
    runner = Runner(use_cache=False)
    for i, block in enumerate(blocks):
        path = tmp_path / f"readme_{i}.yaml"
        path.write_text(block, encoding="utf-8")
        assert yaml.safe_load(block)["regels"]
        scenarios, problems = runner.load(path)
        assert scenarios and not problems, problems
        for sc in scenarios:
            run = runner.run(sc)
            assert run.passed, [c for c in run.checks if not c.ok]


def test_readme_commands_run():
    commands = [line.split("#")[0].strip() for block in readme_blocks("sh") for line in block.splitlines()]
    rulelang = [c.split(None, 1)[1] for c in commands if c.startswith(".venv/bin/rulelang ")]
    assert rulelang
    for command in rulelang:
        res = run_cli(command, REPO)
        assert res.exit_code == 0, f"rulelang {command}\n{res.output}"
