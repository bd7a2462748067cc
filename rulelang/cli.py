"""The `rulelang` command: check, run, explain, test, debug, codes.

Exit codes: 0 clean / all scenarios as expected, 1 errors found or scenarios failed, 2 usage or
internal error. No Python traceback reaches a user for bad input (set RULELANG_DEBUG=1 to see one
for an internal error).
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from . import __version__
from .diagnostics import CODES, Diagnostic, render, summary

FORMATS = click.Choice(["text", "json", "markdown"])


def _diag_format(fmt: str | None) -> str:
    if fmt:
        return fmt
    return "full" if sys.stdout.isatty() else "concise"


def _terminal_highlighter():
    """Colour the excerpt of a .rule line with the rulelang Pygments lexer, only on a real terminal."""
    if not sys.stdout.isatty() or os.environ.get("NO_COLOR"):
        return None
    from pygments import highlight
    from pygments.formatters import TerminalFormatter

    from .highlight import RuleLexer

    lexer, formatter = RuleLexer(), TerminalFormatter()
    return lambda line: highlight(line, lexer, formatter).rstrip("\n")


def _echo_diags(diags: list[Diagnostic], texts: dict[str, str], fmt: str) -> None:
    if not diags:
        return
    click.echo(render(diags, fmt, texts, _terminal_highlighter() if fmt == "full" else None))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="rulelang")
def cli():
    """rulelang — regels van de Participatiewet als code: controleren, doorrekenen en uitleggen."""


@cli.command()
@click.argument("paths", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["concise", "full", "json"]), default=None,
              help="concise: pad:regel:kolom: CODE bericht; full: met uitsnede; json: machineleesbaar.")
def check(paths, fmt):
    """Controleer .rule-bestanden (standaard: rules/) zonder ze uit te voeren."""
    from .compiler import check_paths

    diags, texts, n = check_paths(list(paths) or ["rules"])
    fmt = _diag_format(fmt)
    if fmt == "json":
        click.echo(render(diags, "json"))
    else:
        _echo_diags(diags, texts, fmt)
        click.echo(f"{summary(diags)} ({n} {'bestand' if n == 1 else 'bestanden'} gecontroleerd)")
    sys.exit(1 if any(d.severity == "error" for d in diags) else 0)


def _load_all(runner, paths):
    from .run import scenario_files

    scenarios, problems = [], []
    for f in scenario_files(list(paths)):
        if not f.exists():
            problems.append(Diagnostic("RL401", f"scenario '{f}' bestaat niet",
                                       __import__("rulelang.source", fromlist=["Span"]).Span(str(f), 1, 1)))
            continue
        sc, d = runner.load(f)
        scenarios.extend(sc)
        problems.extend(d)
    return scenarios, problems


@cli.command()
@click.argument("paths", nargs=-1)
@click.option("--uitleg", "--explain", "with_explanation", is_flag=True,
              help="Toon bij elke uitkomst de uitleg (welke regels, waarden en bronnen).")
@click.option("--format", "fmt", type=FORMATS, default="text")
def run(paths, with_explanation, fmt):
    """Reken scenario's door (bestanden of mappen, standaard: scenarios/) en vergelijk met de verwachting."""
    from .render.explanation import RENDERERS
    from .run import Runner

    runner = Runner()
    scenarios, problems = _load_all(runner, paths or ["scenarios"])
    runs = [runner.run(sc, trace=True) for sc in scenarios]
    failed = [r for r in runs if not r.passed]
    if fmt == "json":
        click.echo(json.dumps({
            "scenarios": [_run_json(r, with_explanation) for r in runs],
            "fouten": [d.to_json() for d in problems],
            "samenvatting": {"geslaagd": len(runs) - len(failed), "mislukt": len(failed), "onleesbaar": len(problems)},
        }, ensure_ascii=False, indent=2))
    else:
        for r in runs:
            mark = "OK  " if r.passed else "FOUT"
            click.echo(f"{mark} {r.scenario.path} — {r.scenario.name}")
            for name in _shown_outcomes(r):
                click.echo(f"       {name} = {r.outcome_text(name)}")
            for c in r.checks:
                if not c.ok:
                    click.echo(f"       ✗ {c.outcome} ({c.what}): verwacht {c.expected}, kreeg {c.got}  [{c.location}]")
            if with_explanation:
                for name in _shown_outcomes(r):
                    text = RENDERERS[fmt](r.explanation(name))
                    click.echo("")
                    click.echo("\n".join("       " + line if line else "" for line in text.splitlines()))
                click.echo("")
        if problems:
            click.echo("")
            click.echo(render(problems, "concise"))
        click.echo(f"\n{len(runs) - len(failed)} geslaagd, {len(failed)} mislukt, "
                   f"{len(problems)} {'fout' if len(problems) == 1 else 'fouten'} in scenariobestanden")
    sys.exit(1 if failed or problems else 0)


def _shown_outcomes(r) -> list[str]:
    expected = [e.name for e in r.scenario.expect]
    return list(dict.fromkeys(expected + r.ruleset.meta["outcomes"]))


def _run_json(r, with_explanation: bool) -> dict:
    from .runtime.values import json_value

    d = {"bestand": r.scenario.path, "naam": r.scenario.name, "peildatum": r.scenario.peildatum.isoformat(),
         "geslaagd": r.passed,
         "uitkomsten": {n: {"status": r.results[n].status, "waarde": json_value(r.results[n].value),
                            "weergave": r.outcome_text(n)} for n in _shown_outcomes(r)},
         "controles": [{"uitkomst": c.outcome, "soort": c.what, "geslaagd": c.ok, "verwacht": c.expected,
                        "gekregen": c.got, "locatie": c.location} for c in r.checks]}
    if with_explanation:
        d["uitleg"] = {n: r.explanation(n).to_json() for n in _shown_outcomes(r)}
    return d


@cli.command()
@click.argument("scenario", type=click.Path())
@click.argument("outcome", required=False)
@click.option("--geval", "--case", "case", type=int, default=1, help="Welk scenario in een bestand met meerdere (---).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown", "brief", "html"]), default="text",
              help="text: boom; markdown; json; brief/html: motivering in gewone taal voor een beschikking.")
@click.option("--waarom-niet", "--why-not", "why_not_value", default=None, metavar="WAARDE",
              help="Waarom is de uitkomst niet WAARDE? Toont de belemmerende voorwaarden en wat de uitkomst zou veranderen.")
def explain(scenario, outcome, case, fmt, why_not_value):
    """Leg uit hoe de uitkomsten van een scenario tot stand kwamen."""
    from .render.explanation import RENDERERS
    from .run import Runner

    runner = Runner()
    path = Path(scenario)
    if not path.exists():
        click.echo(f"{scenario}:1:1: RL401 scenario '{scenario}' bestaat niet", err=True)
        sys.exit(1)
    scenarios, problems = runner.load(path)
    if problems:
        click.echo(render(problems, "concise"), err=True)
    chosen = [s for s in scenarios if s.index == case - 1]
    if not chosen:
        if not problems:
            click.echo(f"{scenario}: geval {case} bestaat niet", err=True)
        sys.exit(1)
    r = runner.run(chosen[0])
    names = [outcome] if outcome else _shown_outcomes(r)
    if outcome and outcome not in r.ruleset.meta["index"]:
        from .diagnostics import suggest

        hint = suggest(outcome, r.ruleset.meta["index"])
        click.echo(f"onbekende uitkomst '{outcome}'" + (f"; bedoelde u '{hint}'?" if hint else ""), err=True)
        sys.exit(2)
    if outcome and outcome not in r.results:
        from .runtime import evaluate

        ev, results, tracer = evaluate(r.ruleset.cls, r.scenario.facts, r.scenario.decisions, r.scenario.peildatum,
                                       [outcome], trace=True)
        r.results.update(results)
        r.evaluation, r.tracer = ev, tracer
    if why_not_value is not None:
        if not outcome:
            click.echo("--waarom-niet vraagt om een uitkomst: rulelang explain SCENARIO UITKOMST --waarom-niet WAARDE",
                       err=True)
            sys.exit(2)
        from .scenario import parse_scalar
        from .whynot import why_not

        try:
            answer = why_not(r, outcome, why_not_value)
        except ValueError as e:
            click.echo(f"--waarom-niet: {e}", err=True)
            sys.exit(2)
        click.echo(json.dumps(answer.to_json(), ensure_ascii=False, indent=2) if fmt == "json" else answer.to_text(),
                   nl=False)
        sys.exit(0)
    rendered = [RENDERERS[fmt](r.explanation(n)) for n in names]
    missing = [n for n in names if r.results.get(n) is not None and r.results[n].status == "ontbreekt"]
    if missing and fmt == "text":
        from .whynot import missing_inputs, missing_text

        for n in missing:
            rendered.append(missing_text(*missing_inputs(r, n), n))
    if fmt == "json":
        click.echo("[" + ",\n".join(rendered) + "]" if len(rendered) > 1 else rendered[0])
    else:
        click.echo("\n".join(rendered))
    sys.exit(0)


@cli.command()
@click.argument("paths", nargs=-1)
@click.option("--regels", "rules_dir", default=None, help="Map met regels (standaard: de map uit pyproject.toml).")
@click.option("--json", "json_path", type=click.Path(), default=None, help="Schrijf het rapport ook als JSON.")
@click.option("--minimum", type=float, default=None, help="Exitcode 1 als de dekking lager is (procent).")
def coverage(paths, rules_dir, json_path, minimum):
    """Welke regels, uitzonderingen, voorwaarden en versies door geen enkel scenario worden geraakt."""
    from .compiler import compile_rules
    from .coverage import measure
    from .run import Runner
    from .scenario import rules_root

    runner = Runner()
    scenarios, problems = _load_all(runner, paths or ["scenarios"])
    runs = [runner.run(sc, trace=True) for sc in scenarios]
    root = Path(rules_dir) if rules_dir else rules_root(Path.cwd())
    rulesets = []
    for f in sorted(root.rglob("*.rule")) if root.is_dir() else []:
        rs, _ = runner.ruleset(f)
        if rs is not None:
            rulesets.append(rs)
    cov = measure(runs, rulesets)
    click.echo(cov.to_text(), nl=False)
    if problems:
        click.echo(render(problems, "concise"))
    if json_path:
        Path(json_path).write_text(cov.to_json() + "\n", encoding="utf-8")
    sys.exit(1 if problems or (minimum is not None and cov.percentage() < minimum) else 0)


@cli.command()
@click.argument("old")
@click.argument("new")
@click.option("--scenarios", "scenario_paths", multiple=True, help="Scenario's (standaard: scenarios/).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--zonder-uitleg", "--no-explanations", "brief", is_flag=True, help="Toon geen verschil in uitleg.")
def diff(old, new, scenario_paths, fmt, brief):
    """Wat verandert er als de regels van OLD naar NEW gaan (mappen of git-revisies)? Exitcode 1 bij verschil."""
    from .diff import diff_versions

    try:
        report = diff_versions(old, new, list(scenario_paths) or ["scenarios"])
    except ValueError as e:
        click.echo(str(e), err=True)
        sys.exit(2)
    if fmt == "json":
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(report.to_text(with_explanations=not brief), nl=False)
    sys.exit(1 if report.changes or report.problems else 0)


@cli.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("pytest_args", nargs=-1, type=click.UNPROCESSED)
def test(pytest_args):
    """Draai alle scenario's en tests met pytest (argumenten gaan door naar pytest)."""
    import pytest

    sys.exit(pytest.main(list(pytest_args)))


@cli.group()
def debug():
    """Toon een tussenstap van de vertaler (voor ontwikkelaars)."""


@debug.command("ast")
@click.argument("file", type=click.Path())
def debug_ast(file):
    """De syntaxboom van één .rule-bestand."""
    from .compiler import display_path
    from .parser import parse_text
    from .transform import build_module

    path = Path(file)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        click.echo(f"{file}:1:1: RL001 bestand '{file}' bestaat niet of is niet te lezen", err=True)
        sys.exit(1)
    lang, trees, diags = parse_text(text, display_path(path))
    module = build_module(display_path(path), lang, trees, diags)
    for d in module.decls:
        click.echo(repr(d))
    if diags:
        click.echo(render(diags, "concise"), err=True)
        sys.exit(1)


@debug.command("python")
@click.argument("file", type=click.Path())
def debug_python(file):
    """De Python-code die voor een .rule-bestand (met imports) wordt gemaakt."""
    from .compiler import compile_to_python

    source, _, texts, diags = compile_to_python(Path(file))
    if source is None:
        click.echo(render(diags, "concise"), err=True)
        sys.exit(1)
    click.echo(source)


@debug.command("columnar")
@click.argument("file", type=click.Path())
@click.option("--uitkomst", "--outcome", "outcomes", multiple=True, help="Uitkomst(en) (standaard: die van het bestand).")
def debug_columnar(file, outcomes):
    """De numpy-code van de kolommotor (rulelang batch) voor een regelbestand."""
    from .columnar import ColumnarProgram, Unsupported
    from .compiler import compile_to_python

    source, program, texts, diags = compile_to_python(Path(file))
    if source is None:
        click.echo(render(diags, "concise"), err=True)
        sys.exit(1)
    names = list(outcomes) or [s.name for s in program.symbols if s.kind == "uitkomst" and s.span.file == program.root]
    try:
        click.echo(ColumnarProgram(program, names).source)
    except Unsupported as e:
        click.echo(f"de kolommotor kan deze regels niet doorrekenen: {e}", err=True)
        sys.exit(1)
    except KeyError as e:
        click.echo(f"onbekende uitkomst {e}", err=True)
        sys.exit(2)


@debug.command("ir")
@click.argument("file", type=click.Path())
def debug_ir(file):
    """De tussenvorm: symbolen, regelbomen met uitzonderingen, geldigheid en bronnen."""
    from .codegen import build_meta
    from .compiler import compile_to_python
    from .runtime.values import json_value

    source, program, texts, diags = compile_to_python(Path(file))
    if program is None or any(d.severity == "error" for d in diags):
        click.echo(render(diags, "concise"), err=True)
        sys.exit(1)
    click.echo(json.dumps(json_value(build_meta(program)), ensure_ascii=False, indent=2))


@cli.command()
@click.argument("code", required=False)
def codes(code):
    """De lijst van foutcodes, of de uitleg van één code."""
    if code:
        if code.upper() not in CODES:
            click.echo(f"onbekende code '{code}'", err=True)
            sys.exit(2)
        click.echo(f"{code.upper()}: {CODES[code.upper()]}")
        return
    for c, title in CODES.items():
        click.echo(f"{c}  {title}")


@cli.command()
@click.argument("rules", type=click.Path())
@click.option("--input", "-i", "input_path", required=True, type=click.Path(),
              help="Gevallen: .csv, .parquet of een map met .parquet-bestanden (kolommen: invoer, peildatum, "
                   "beslissing.<naam>; lijsten als JSON).")
@click.option("--output", "-o", "output_path", type=click.Path(), default=None,
              help="Resultaten: .csv of .parquet (rij, id en één kolom per uitkomst).")
@click.option("--fouten", "--errors", "errors_path", type=click.Path(), default=None,
              help="Rijen die mislukken, met rijnummer en reden (standaard: <output>.fouten.csv).")
@click.option("--uitkomst", "--outcome", "outcomes", multiple=True,
              help="Welke uitkomst(en) (standaard: de uitkomsten van het regelbestand zelf).")
@click.option("--peildatum", "--reference-date", "peildatum", default=None,
              help="Peildatum voor alle rijen (als de invoer geen kolom peildatum heeft).")
@click.option("--id", "id_column", default=None, help="Kolom die ongewijzigd mee gaat naar de resultaten "
              "(standaard: de kolom 'id' als die er is).")
@click.option("--processen", "--workers", "workers", type=int, default=None,
              help="Aantal processen (standaard: alle kernen).")
@click.option("--blok", "--chunk-size", "chunk_size", type=int, default=50_000, show_default=True,
              help="Rijen per blok.")
@click.option("--motor", "--engine", "engine", type=click.Choice(["auto", "kolom", "scalair"]), default="auto",
              show_default=True, help="kolom: numpy over alle rijen tegelijk (met de scalaire motor voor rijen "
              "die hij niet beantwoordt); scalair: rij voor rij.")
@click.option("--dask", "dask", default=None, metavar="SCHEDULER|local",
              help="Reken op een Dask-cluster (adres van de scheduler, of 'local'); invoer: Parquet.")
@click.option("--geen-voortgang", "--no-progress", "quiet", is_flag=True, help="Geen voortgangsbalk.")
@click.option("--uitleg-rij", "--explain-row", "explain_row", type=click.IntRange(min=1), default=None,
              metavar="RIJ", help="Schrijf geen resultaten, maar leg uit hoe de uitkomsten van deze rij (het "
              "rijnummer uit de resultaten of het foutenbestand) tot stand kwamen.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown", "brief", "html"]), default="text",
              help="Vorm van de uitleg bij --uitleg-rij.")
def batch(rules, input_path, output_path, errors_path, outcomes, peildatum, id_column, workers, chunk_size, engine,
          dask, quiet, explain_row, fmt):
    """Reken een regelbestand door voor elke rij van een bestand (alle kernen, of een Dask-cluster).

    Rijen die mislukken (onleesbare waarde, ontbrekende invoer, conflict, geblokkeerd) staan met rijnummer en
    reden in het foutenbestand; exitcode 1 als er één mislukt. Met --uitleg-rij RIJ: de uitleg van die ene
    rij, zoals `rulelang explain` hem voor een scenario geeft."""
    try:
        from .batch import BatchError, run
    except ImportError as e:
        click.echo(f"rulelang batch vraagt numpy en pyarrow ({e}): pip install 'rulelang[batch]'", err=True)
        sys.exit(2)

    date = None
    if peildatum:
        from .scenario import parse_date_text

        try:
            date = parse_date_text(peildatum)
        except ValueError:
            click.echo(f"--peildatum '{peildatum}' is geen datum (schrijf 2026-01-31)", err=True)
            sys.exit(2)

    if explain_row is not None:
        _explain_batch_row(rules, input_path, explain_row, list(outcomes) or None, date, id_column, fmt)
    if output_path is None:
        click.echo("geef --output (waar de resultaten heen gaan) of --uitleg-rij RIJ", err=True)
        sys.exit(2)

    def bar(total):
        return click.progressbar(length=total, label="doorrekenen", file=sys.stderr, show_eta=True)

    try:
        summary, diags = run(rules, input_path, output_path, errors_path, list(outcomes) or None, date, id_column,
                             workers, chunk_size, engine, dask, None if quiet else bar)
    except BatchError as e:
        click.echo(str(e), err=True)
        sys.exit(2)
    if summary is None:
        _echo_diags(diags, {}, "concise")
        sys.exit(1)
    click.echo(summary.text())
    sys.exit(1 if summary.failed else 0)


def _explain_batch_row(rules, input_path, row, outcomes, date, id_column, fmt):
    from .batch import BatchError, explain_row

    try:
        text, problems, diags = explain_row(rules, input_path, row, outcomes, date, id_column, fmt)
    except BatchError as e:
        click.echo(str(e), err=True)
        sys.exit(2)
    if text is None and not problems:  # the rules do not compile
        _echo_diags(diags, {}, "concise")
        sys.exit(1)
    if problems:  # the row itself cannot be evaluated: say where, as the errors file would
        for column, code, reason in problems:
            click.echo(f"{input_path}: rij {row}, {column}: {code} {reason}", err=True)
        sys.exit(1)
    click.echo(text, nl=False)
    sys.exit(0)


def main(argv=None):
    try:
        cli.main(args=argv, prog_name="rulelang", standalone_mode=False)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except click.ClickException as e:
        e.show()
        sys.exit(2)
    except click.exceptions.Abort:
        sys.exit(2)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.exit(2)
    except Exception as e:  # an internal error: say so plainly, never dump a traceback on a policy writer
        if os.environ.get("RULELANG_DEBUG"):
            raise
        click.echo(f"RL901 interne fout in rulelang ({type(e).__name__}: {e}). Meld dit aan de beheerders; "
                   "zet RULELANG_DEBUG=1 voor details.", err=True)
        sys.exit(2)


if __name__ == "__main__":  # pragma: no cover
    main()
