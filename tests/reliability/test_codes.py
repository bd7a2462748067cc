"""Every diagnostic code is tested: one minimal bad input per code, with its message and location.

The registry CASES below must cover every code in diagnostics.CODES and every "RLnnn" literal in the
package source; a code the compiler can emit without a case here fails test_every_code_has_a_case.
"""
from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path

import pytest

from rulelang.compiler import compile_rules
from rulelang.diagnostics import CODES
from rulelang.explain import describe_signal
from rulelang.run import Runner
from rulelang.runtime import evaluate

from .support import REPO

# ---------------------------------------------------------------- compiler: code -> (files, (file, line, col, message))
EXCEPTIONS_33 = 'definitie d: geheel getal\n    bron "a"\n    regel r0:\n        dan 0\n' + "".join(
    f"    regel r{i} uitzondering op r{i - 1}:\n        dan {i}\n" for i in range(1, 34))
CHAIN_101 = "".join(f'definitie d{i}: geheel getal\n    bron "a"\n    waarde {f"d{i - 1} + 1" if i else "1"}\n'
                    for i in range(101))

COMPILER = {
    "RL001": ({"r.rule": b"invoer x: geld\n\xff\n"},
              ("r.rule", 1, 1, "bestand 'r.rule' is niet te lezen (UnicodeDecodeError)")),
    "RL101": ({"r.rule": 'definitie d: geld\n    bron "a"\n    waarde € 1 +\n'},
              ("r.rule", 3, 17, "onverwacht het einde van de regel; verwacht: '(', '-', 'aantal', 'bestaat', 'ja', "
                                "'nee', …")),
    "RL102": ({"r.rule": 'definitie d: geld\n    bron "a"\n    waarde € 1 $\n'},
              ("r.rule", 3, 16, "onverwacht teken '$'; verwacht: ')', '*', '+', '-', '.', '/', …")),
    "RL103": ({"r.rule": 'definitie d: geld\n    regel a:\n        dan € 1\n      bron "a"\n'},
              ("r.rule", 4, 7, "de inspringing komt niet overeen met een eerder blok (gebruik steeds hetzelfde "
                               "aantal spaties)")),
    "RL104": ({"r.rule": "taal fr\n"}, ("r.rule", 1, 1, "onbekende taal 'fr': kies 'nl' of 'en'")),
    "RL105": ({"r.rule": 'definitie d: datum\n    bron "a"\n    waarde 2026-02-30\n'},
              ("r.rule", 3, 12, "'2026-02-30' is geen bestaande datum")),
    "RL106": ({"r.rule": "definitie d: geld\n"},
              ("r.rule", 1, 1, "de declaratie houdt onverwacht op; verwacht: een ingesprongen blok")),
    "RL201": ({"r.rule": 'definitie d: geld\n    bron "a"\n    waarde bedrg\n'},
              ("r.rule", 3, 12, "onbekende naam 'bedrg'")),
    "RL202": ({"r.rule": "invoer x: geld\ninvoer x: geld\n"},
              ("r.rule", 2, 1, "'x' is al gedeclareerd als invoer op r.rule:1:1")),
    "RL203": ({"r.rule": 'definitie d: geld\n    bron "a"\n    waarde € 1 + 2026-01-01\n'},
              ("r.rule", 3, 12, "'+' kan niet met geld en datum")),
    "RL204": ({"r.rule": 'invoer m: geld per maand\ninvoer j: geld per jaar\ndefinitie d: geld\n    bron "a"\n'
                         '    waarde m + j\n'},
              ("r.rule", 5, 12, "u rekent met een bedrag per maand en een bedrag per jaar")),
    "RL205": ({"r.rule": 'definitie d: geld\n    bron "a"\n    waarde 2026-01-01\n'},
              ("r.rule", 3, 12, "de waarde van 'd' is datum, maar moet geld zijn")),
    "RL206": ({"r.rule": 'invoer x: geld\ndefinitie d: geld\n    bron "a"\n    waarde x.bedrag\n'},
              ("r.rule", 4, 12, "'bedrag' is geen veld: de waarde links van de punt is geld, geen record")),
    "RL207": ({"r.rule": 'definitie d: geld\n    bron "a"\n    regel b uitzondering op a:\n        dan € 1\n'},
              ("r.rule", 3, 5, "'d' heeft geen regel met label 'a'")),
    "RL208": ({"r.rule": 'definitie d: geld\n    bron "a"\n    regel a:\n        dan € 1\n    regel a:\n'
                         '        dan € 2\n'},
              ("r.rule", 5, 5, "label 'a' komt twee keer voor in 'd' met overlappende geldigheid (zie ook regel 3)")),
    "RL209": ({"r.rule": 'parameter p: geld\n    bron "a"\n    waarde € 1 geldig vanaf 2026-01-01\n'
                         '    waarde € 2 geldig vanaf 2026-06-01\n'},
              ("r.rule", 4, 5, "de waarden van parameter 'p' overlappen in geldigheid (zie ook r.rule:3)")),
    "RL210": ({"r.rule": 'definitie a: geld\n    bron "x"\n    waarde b\ndefinitie b: geld\n    bron "x"\n'
                         '    waarde a\n'},
              ("r.rule", 1, 1, "kringverwijzing: a → b → a")),
    "RL211": ({"r.rule": "definitie d: geld\n    waarde € 1\n"},
              ("r.rule", 2, 5, "regel in 'd' heeft geen bron: voeg bron \"artikel …\" toe aan de regel of de definitie")),
    "RL212": ({"r.rule": 'definitie d: geld\n    bron "a"\n    uitleg "{onbekend}"\n    waarde € 1\n'},
              ("r.rule", 3, 12, "de uitleg noemt '{onbekend}', maar die naam bestaat niet")),
    "RL213": ({"r.rule": 'importeer "weg.rule"\n'}, ("r.rule", 1, 1, "bestand 'weg.rule' bestaat niet")),
    "RL214": ({"r.rule": 'definitie d: geheel getal\n    bron "a"\n    waarde kalenderjar(peildatum)\n'},
              ("r.rule", 3, 12, "onbekende functie 'kalenderjar'")),
    "RL215": ({"r.rule": 'definitie d: geld\n    bron "a"\n    als € 1\n    dan € 1\n'},
              ("r.rule", 3, 9, "de voorwaarde achter 'als' moet ja of nee opleveren, maar is geld")),
    "RL216": ({"r.rule": 'parameter p: geld\n    bron "a"\n'}, ("r.rule", 1, 1, "parameter 'p' heeft geen waarde")),
    "RL217": ({"r.rule": 'definitie d: getal\n    bron "a"\n    waarde 1,5 afgerond op centen\n'},
              ("r.rule", 3, 12, "afronden kan alleen op een bedrag, niet op getal")),
    "RL218": ({"r.rule": 'definitie d: geld\n    bron "a"\n    geldig vanaf 2026-01-01 tot 2025-01-01\n'
                         '    waarde € 1\n'},
              ("r.rule", 3, 5, "de geldigheid eindigt voordat hij begint")),
    "RL219": ({"r.rule": 'invoer x: geld\nparameter p: geld\n    bron "a"\n    waarde x\n'},
              ("r.rule", 4, 12, "de waarde van parameter 'p' moet een vaste waarde zijn (een bedrag, getal, "
                                "percentage of datum), geen berekening")),
    "RL220": ({"r.rule": 'importeer "lib.rule"\ninvoer x: geld\n', "lib.rule": "invoer x: geld\n"},
              ("lib.rule", 1, 1, "'x' is al gedeclareerd als invoer op r.rule:2:1")),
    "RL221": ({"r.rule": EXCEPTIONS_33},
              ("r.rule", 67, 5, "'d' heeft meer dan 32 niveaus van uitzonderingen op uitzonderingen")),
}

# the second case of RL221 (a chain of definitions) and other codes with more than one cause
MORE_COMPILER = {
    "RL221-keten": ("RL221", {"r.rule": CHAIN_101},
                    ("r.rule", 301, 1, "'d100' hangt af van een keten van meer dan 100 definities die elkaar "
                                       "gebruiken")),
    "RL101-diep": ("RL101", {"r.rule": 'definitie d: geheel getal\n    bron "a"\n    waarde ' + "(1 + " * 70 + "1"
                             + ")" * 70 + "\n"},
                   ("r.rule", 3, 318, "de declaratie is te diep genest (meer dan 64 niveaus haakjes, bewerkingen of "
                                      "'en'/'of'); splits haar op in definities")),
    "RL105-cijfers": ("RL105", {"r.rule": 'definitie d: geheel getal\n    bron "a"\n    waarde ' + "9" * 35 + "\n"},
                      ("r.rule", 3, 12, "een getal heeft ten hoogste 34 cijfers; dit getal heeft er 35")),
    "RL105-unicode": ("RL105", {"r.rule": 'definitie d: geld\n    bron "a"\n    waarde € ৪00\n'},
                      ("r.rule", 3, 12, "'৪' (U+09EA) is geen cijfer 0-9; schrijf getallen met de cijfers 0 tot en "
                                        "met 9")),
    "RL105-duur": ("RL105", {"r.rule": 'definitie d: duur\n    bron "a"\n    waarde 1,5 maanden\n'},
                   ("r.rule", 3, 12, "een duur is een heel aantal maanden, niet 1,5")),
    "RL210-invoer": ("RL210", {"r.rule": 'invoer x: geheel getal\n    standaard y\ndefinitie y: geheel getal\n'
                               '    bron "a"\n    waarde x + 1\n'},
                     ("r.rule", 1, 1, "kringverwijzing: x → y → x")),
    "RL001-ontbreekt": ("RL001", {}, ("weg.rule", 1, 1, "bestand 'weg.rule' bestaat niet")),
}


def _compile(tmp_path, monkeypatch, files: dict, root: str = "r.rule"):
    monkeypatch.chdir(tmp_path)
    for name, text in files.items():
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        (tmp_path / name).write_bytes(data)
    return compile_rules(Path(root) if files else Path("weg.rule"), use_cache=False)


def _first(diags, code):
    found = [d for d in diags if d.code == code]
    assert found, [d.concise() for d in diags]
    d = found[0]
    return d.span.file, d.span.line, d.span.col, d.message


@pytest.mark.parametrize("code", sorted(COMPILER))
def test_compiler_code(code, tmp_path, monkeypatch):
    files, expected = COMPILER[code]
    rs, diags = _compile(tmp_path, monkeypatch, files)
    assert rs is None
    assert _first(diags, code) == expected


@pytest.mark.parametrize("case", sorted(MORE_COMPILER))
def test_compiler_code_other_causes(case, tmp_path, monkeypatch):
    code, files, expected = MORE_COMPILER[case]
    rs, diags = _compile(tmp_path, monkeypatch, files)
    assert rs is None
    assert _first(diags, code) == expected


def test_rule_set_too_large_to_translate(tmp_path, monkeypatch):
    import rulelang.compiler

    monkeypatch.setattr(rulelang.compiler, "MAX_GENERATED_LINES", 10)
    rs, diags = _compile(tmp_path, monkeypatch, {"r.rule": 'invoer x: geld\nuitkomst y: geld\n    bron "a"\n'
                                                            '    waarde x\n'})
    assert rs is None
    file, line, col, message = _first(diags, "RL222")
    assert (file, line, col) == ("r.rule", 1, 1)
    assert message.startswith("de regelset is te groot om te vertalen: ") and "het maximum is 10 " in message


# ---------------------------------------------------------------- scenario files
SCENARIO_RULES = 'invoer bedrag: geld\nuitkomst dubbel: geld\n    bron "art. 1"\n    regel gewoon:\n' \
                 '        dan bedrag * 2\n'
BASE = "naam: t\nregels: g.rule\npeildatum: 2026-01-01\n"
SCENARIO = {
    "RL401": ("naam: [t\n", (2, 1, "geen geldige YAML: expected ',' or ']', but got '<stream end>'")),
    "RL402": ("naam: t\nregels: g.rule\nverwacht:\n  dubbel: € 2\n", (1, 1, "het scenario mist 'peildatum'")),
    "RL403": (BASE + "feitjes: {}\nverwacht:\n  dubbel: € 2\n", (4, 1, "onbekend veld 'feitjes' in scenario")),
    "RL404": (BASE + "feiten:\n  bedrg: € 1\nverwacht:\n  dubbel: € 2\n",
              (5, 3, "de regels kennen geen invoer 'bedrg'")),
    "RL405": (BASE + "feiten:\n  bedrag: 1.200\nverwacht:\n  dubbel: € 2\n",
              (5, 11, "bedrag: '1.200' is dubbelzinnig: schrijf 1200 of 1.200,00 (Nederlands) of 1200.00")),
    "RL406": (BASE + "feiten:\n  bedrag: € 1\nverwacht:\n  dubbell: € 2\n",
              (7, 3, "de regels kennen geen uitkomst 'dubbell'")),
    "RL407": ("naam: t\nregels: weg.rule\npeildatum: 2026-01-01\nverwacht:\n  dubbel: € 2\n",
              (2, 1, "de regels 'weg.rule' zijn niet gevonden of bevatten fouten (zie 'rulelang check')")),
    "RL408": (BASE + "feiten:\n  bedrag: € 1\nverwacht:\n  dubbel: € 2\nredenen:\n  dubbel:\n    via: [gewon]\n",
              (10, 11, "er is geen regel met label 'gewon'")),
}
MORE_SCENARIO = {
    "RL401-tag": ("RL401", BASE + "feiten:\n  bedrag: !!python/object/apply:os.system ['true']\nverwacht:\n"
                  "  dubbel: € 2\n",
                  (5, 11, "YAML-tag '!!python/object/apply:os.system' is niet toegestaan in een scenario; schrijf "
                          "de waarde als gewone tekst")),
    "RL401-diep": ("RL401", BASE + "feiten:\n  bedrag: " + "[" * 5000 + "]" * 5000 + "\nverwacht:\n  dubbel: € 2\n",
                   (1, 1, "geen geldige YAML: te diep genest")),
    "RL405-surrogaat": ("RL405", 'naam: "a\\ud800"\nregels: g.rule\npeildatum: 2026-01-01\nverwacht:\n  dubbel: € 2\n',
                        (1, 7, "de tekst bevat U+D800, een half teken (surrogaat) dat geen letter is")),
}


def _load(tmp_path, monkeypatch, body: str):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.rulelang]\nrules = "rules"\n', encoding="utf-8")
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "g.rule").write_text(SCENARIO_RULES, encoding="utf-8")
    (tmp_path / "s.yaml").write_text(body, encoding="utf-8")
    return Runner(use_cache=False).load(Path("s.yaml"))


@pytest.mark.parametrize("code", sorted(SCENARIO))
def test_scenario_code(code, tmp_path, monkeypatch):
    body, expected = SCENARIO[code]
    scenarios, problems = _load(tmp_path, monkeypatch, body)
    assert not scenarios
    assert _first(problems, code) == ("s.yaml", *expected)


@pytest.mark.parametrize("case", sorted(MORE_SCENARIO))
def test_scenario_code_other_causes(case, tmp_path, monkeypatch):
    code, body, expected = MORE_SCENARIO[case]
    scenarios, problems = _load(tmp_path, monkeypatch, body)
    assert not scenarios
    assert _first(problems, code) == ("s.yaml", *expected)


# ---------------------------------------------------------------- evaluation: the RL5xx sentences
RUNTIME_RULES = '''invoer x: geheel getal
beslissing b: ja/nee
    bron "art. 1"
parameter p: geld
    bron "art. 2"
    waarde € 1 geldig vanaf 2026-01-01
uitkomst conflict: geheel getal
    bron "art. 3"
    regel a:
        dan 1
    regel c:
        dan 2
uitkomst geen_regel: geheel getal
    bron "art. 4"
    als nee
    dan 1
uitkomst geen_versie: geld
    bron "art. 5"
    waarde p
uitkomst invoer_weg: geheel getal
    bron "art. 6"
    waarde x
uitkomst beslissing_weg: ja/nee
    bron "art. 7"
    waarde b
uitkomst rekenfout: getal
    bron "art. 8"
    regel deling:
        dan 1 / (x - x)
uitkomst geblokkeerd: geheel getal
    bron "art. 9"
    vereist toestemming: nee
        reden "Zonder toestemming geen uitkomst."
    waarde 1
'''
RUNTIME = {
    "RL501": ("conflict", {}, "fout", "RL501 conflict in 'conflict': regel 'a' (rt.rule:9) en regel 'c' (rt.rule:11) "
                                      "zijn allebei van toepassing"),
    "RL502": ("geen_regel", {}, "fout", "RL502 geen regel van 'geen_regel' is van toepassing en er is geen "
                                        "standaardwaarde (rt.rule:13)"),
    "RL503": ("geen_versie", {}, "fout", "RL503 geen versie van 'p' is geldig op de peildatum (rt.rule:4)"),
    "RL504": ("invoer_weg", {}, "ontbreekt", "RL504 invoer 'x' ontbreekt"),
    "RL505": ("beslissing_weg", {}, "ontbreekt", "RL505 beslissing van het college 'b' ontbreekt"),
    "RL506": ("rekenfout", {"x": 3}, "fout", "RL506 rekenfout in 'rekenfout' (rt.rule:28): delen door nul"),
    "RL507": ("geblokkeerd", {}, "geblokkeerd", "RL507 'geblokkeerd' is geblokkeerd: Zonder toestemming geen "
                                                "uitkomst."),
}


@pytest.mark.parametrize("code", sorted(RUNTIME))
def test_evaluation_code(code, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("rt.rule").write_text(RUNTIME_RULES, encoding="utf-8")
    rs, diags = compile_rules(Path("rt.rule"), use_cache=False)
    assert not diags
    name, facts, status, sentence = RUNTIME[code]
    peildatum = _dt.date(2025, 1, 1)
    for trace in (False, True):
        _, results, _ = evaluate(rs.cls, facts, {}, peildatum, [name], trace=trace)
        assert results[name].status == status
        assert describe_signal(rs.meta, results[name].signal, peildatum) == sentence


# ---------------------------------------------------------------- internal error
def test_internal_error_code(monkeypatch, capsys, tmp_path):
    """RL901: an internal error is one line with the code, never a traceback."""
    import rulelang.compiler
    from rulelang.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RULELANG_DEBUG", raising=False)
    (tmp_path / "r.rule").write_text("invoer x: geld\n", encoding="utf-8")

    def broken(paths):
        raise RuntimeError("kapot")

    monkeypatch.setattr(rulelang.compiler, "check_paths", broken)
    with pytest.raises(SystemExit) as e:
        main(["check", "r.rule"])
    out, err = capsys.readouterr()
    assert e.value.code == 2
    assert err.startswith("RL901 interne fout in rulelang (RuntimeError: kapot).")
    assert "Traceback" not in out + err


TESTED = set(COMPILER) | {c for c, _, _ in MORE_COMPILER.values()} | set(SCENARIO) | \
    {c for c, _, _ in MORE_SCENARIO.values()} | set(RUNTIME) | {"RL222", "RL901"}


def test_every_code_has_a_case():
    """Every registered code, and every code written anywhere in the package, has a case above."""
    in_source = set()
    for path in (REPO / "rulelang").rglob("*.py"):
        in_source |= set(re.findall(r"\bRL\d{3}\b", path.read_text(encoding="utf-8")))
    assert in_source <= set(CODES), f"niet geregistreerd: {sorted(in_source - set(CODES))}"
    missing = (set(CODES) | in_source) - TESTED
    assert not missing, f"codes zonder test: {sorted(missing)}"
    assert TESTED <= set(CODES)
