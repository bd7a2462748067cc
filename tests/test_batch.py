"""`rulelang batch`: CSV and Parquet in and out, every failing row in the errors file with its row number
and reason, the columnar backend against the scalar evaluator, and the same results on a Dask cluster."""
from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from benchmarks import caseload as C
from rulelang.batch import scalar_text
from rulelang.compiler import compile_rules, compile_to_python
from rulelang.runtime import evaluate

from .conftest import REPO, cli

RULES = str(REPO / "rules" / "participatiewet" / "bijstand.rule")
OUTCOMES = ["algemene_bijstand", "toepasselijke_norm", "middelen", "recht_gelet_op_vermogen"]
pa = pytest.importorskip("pyarrow")


@pytest.fixture(scope="module")
def caseload():
    return C.generate(600, 11)


@pytest.fixture(scope="module")
def expected(caseload):
    """Per row (1-based): the outcomes as text, or None when the scalar evaluator says the row fails."""
    rs, _ = compile_rules(RULES, use_cache=False)
    out = {}
    for i, (f, d, p) in enumerate(C.all_facts(caseload)):
        _, res, _ = evaluate(rs.cls, f, d, p, OUTCOMES)
        kinds = [rs.meta["symbols"][rs.meta["index"][n]]["type"]["kind"] for n in OUTCOMES]
        out[i + 1] = (None if any(r.status != "ok" for r in res.values()) else
                      [scalar_text(res[n].value, k) for n, k in zip(OUTCOMES, kinds)])
    return out


def batch(capsys, *args):
    flags = [x for o in OUTCOMES for x in ("--uitkomst", o)]
    return cli(["batch", RULES, *args, *flags, "--geen-voortgang"], capsys)


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_csv_in_and_out_every_row_accounted_for(tmp_path, caseload, expected, capsys):
    C.write_csv(caseload, tmp_path / "gevallen.csv")
    code, out, err = batch(capsys, "-i", str(tmp_path / "gevallen.csv"), "-o", str(tmp_path / "uit.csv"),
                           "--motor", "kolom", "--blok", "250", "--processen", "2")
    failing = sorted(r for r, v in expected.items() if v is None)
    assert failing, "the synthetic caseload has blocked households (art. 22a lid 3)"
    assert code == 1, err  # some rows failed
    assert f"600 rijen" in out and f"{600 - len(failing)} berekend" in out and f"{len(failing)} rijen mislukt" in out
    rows = read_csv(tmp_path / "uit.csv")
    assert [int(r["rij"]) for r in rows] == [r for r, v in expected.items() if v is not None]  # in order
    for r in rows:
        assert [r[n] for n in OUTCOMES] == expected[int(r["rij"])], r
    errors = read_csv(tmp_path / "uit.fouten.csv")
    assert sorted({int(e["rij"]) for e in errors}) == failing
    assert all(e["code"] == "RL507" and "art. 22a lid 3" in e["reden"] for e in errors)


def test_columnar_and_scalar_engines_write_the_same_files(tmp_path, caseload, capsys):
    C.write_csv(caseload, tmp_path / "gevallen.csv")
    for engine in ("kolom", "scalair"):
        batch(capsys, "-i", str(tmp_path / "gevallen.csv"), "-o", str(tmp_path / f"{engine}.csv"), "--motor", engine,
              "--processen", "1")
    assert (tmp_path / "kolom.csv").read_bytes() == (tmp_path / "scalair.csv").read_bytes()
    assert (tmp_path / "kolom.fouten.csv").read_bytes() == (tmp_path / "scalair.fouten.csv").read_bytes()


def test_bad_rows_go_to_the_errors_file_with_row_number_and_reason(tmp_path, capsys):
    good = {"peildatum": "2026-03-31", "leefvorm": "alleenstaande", "geboortedatum": "1970-06-01",
            "aow_leeftijd_bereikt": "nee", "medebewoners": "[]", "bezittingen": "€ 1.100,00",
            "inkomsten_uit_arbeid": "0", "ontvangen_bijdragen": "[]", "id": "A-1"}
    rows = [
        good,
        {**good, "id": "A-2", "bezittingen": "veel"},                          # bad data
        {**good, "id": "A-3", "geboortedatum": ""},                             # missing input
        {**good, "id": "A-4", "leefvorm": "samenwonend"},                       # not a value of Leefvorm
        {**good, "id": "A-5", "tijdelijk_elders_voor_mantelzorg": "ja"},        # two rules apply (RL501)
        {**good, "id": "A-6", "ontvangen_bijdragen": '[{"datum": "2026-02-01", "bedrag": "10.00"}]'},  # field
        {**good, "id": "A-7", "peildatum": "31-03-2026"},
        {**good, "id": "A-8", "inkomsten_uit_arbeid": "600.00", "begin_periode": "2026-03-01"},  # decision missing
        {**good, "id": "A-9", "ontvangen_bijdragen": json.dumps([{"datum": "2026-02-01", "bedrag": 1300.5,
                                                                   "soort": "gift_in_geld"}])},  # a JSON number
    ]
    names = list(dict.fromkeys(k for r in rows for k in r))
    with open(tmp_path / "in.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, names)
        w.writeheader()
        w.writerows(rows)
    code, out, err = cli(["batch", RULES, "-i", str(tmp_path / "in.csv"), "-o", str(tmp_path / "uit.csv"),
                          "--fouten", str(tmp_path / "fout.csv"), "--motor", "kolom", "--geen-voortgang"], capsys)
    assert code == 1, err
    assert "9 rijen" in out and "2 berekend" in out and "7 rijen mislukt" in out
    results = read_csv(tmp_path / "uit.csv")
    assert [(r["rij"], r["id"], r["algemene_bijstand"]) for r in results] == [("1", "A-1", "1401.50"),
                                                                             ("9", "A-9", "1401.50")]
    errors = {(e["rij"], e["id"]): (e["kolom_of_uitkomst"], e["code"], e["reden"]) for e in read_csv(tmp_path / "fout.csv")}
    assert errors[("2", "A-2")][:2] == ("bezittingen", "RL405") and "'veel'" in errors[("2", "A-2")][2]
    assert errors[("3", "A-3")][1] == "RL504" and "geboortedatum" in errors[("3", "A-3")][2]
    assert errors[("4", "A-4")][:2] == ("leefvorm", "RL405") and "samenwonend" in errors[("4", "A-4")][2]
    assert errors[("5", "A-5")][1] == "RL501"
    assert errors[("6", "A-6")][:2] == ("ontvangen_bijdragen", "RL405") and "soort" in errors[("6", "A-6")][2]
    assert errors[("7", "A-7")][:2] == ("peildatum", "RL405")
    assert errors[("8", "A-8")][1] == "RL505" and "draagt_bij_aan_arbeidsinschakeling" in errors[("8", "A-8")][2]


@pytest.mark.parametrize("engine", ["kolom", "scalair"])
def test_broken_csv_records_are_reported_and_the_rest_is_evaluated(tmp_path, capsys, engine):
    """A record with too many or too few fields, or bytes that are not UTF-8, is no row: it goes to the
    errors file under its own row number, and every other row (also after it, also in later blocks) is
    evaluated as if the broken record were not there."""
    lines = (REPO / "voorbeelden" / "gevallen.csv").read_bytes().splitlines()
    header, rows = lines[0], lines[1:]
    assert len(rows) == 12
    broken = list(rows)
    broken[6] = rows[6] + b",te veel"                      # row 7: 35 fields
    broken[8] = rows[8].split(b",")[0]                      # row 9: 1 field
    broken[10] = rows[10].replace(b"alleenstaande", b"alleenst\xe4ande", 1)  # row 11: Latin-1, not UTF-8
    (tmp_path / "goed.csv").write_bytes(b"\n".join([header, *rows]) + b"\n")
    (tmp_path / "kapot.csv").write_bytes(b"\n".join([header, *broken]) + b"\n")
    common = ["--geen-voortgang", "--motor", engine, "--blok", "4", "--processen", "1"]
    assert cli(["batch", RULES, "-i", str(tmp_path / "goed.csv"), "-o", str(tmp_path / "goed_uit.csv"), *common],
               capsys)[0] == 0
    code, out, err = cli(["batch", RULES, "-i", str(tmp_path / "kapot.csv"), "-o", str(tmp_path / "uit.csv"),
                          "--fouten", str(tmp_path / "fout.csv"), *common], capsys)
    assert code == 1, err
    assert "12 rijen" in out and "9 berekend" in out and "3 rijen mislukt" in out
    good = {r["rij"]: r for r in read_csv(tmp_path / "goed_uit.csv")}
    got = read_csv(tmp_path / "uit.csv")
    assert [r["rij"] for r in got] == [str(i) for i in range(1, 13) if i not in (7, 9, 11)]
    assert all(r == good[r["rij"]] for r in got)  # the same answers as without the broken records
    errors = [(e["rij"], e["kolom_of_uitkomst"], e["code"], e["reden"]) for e in read_csv(tmp_path / "fout.csv")]
    assert errors == [
        ("7", "rij", "RL405", "de rij heeft 35 velden, de kop 34; de rij is niet gelezen (regel 8 van het bestand)"),
        ("9", "rij", "RL405", "de rij heeft 1 veld, de kop 34; de rij is niet gelezen (regel 10 van het bestand)"),
        ("11", "rij", "RL405", "de rij bevat bytes die geen UTF-8 zijn; de rij is niet gelezen (regel 12 van het "
                               "bestand)"),
    ]


def test_unreadable_input_files_are_a_clear_error_not_an_internal_one(tmp_path, capsys):
    (tmp_path / "kapot.parquet").write_bytes(b"geen parquet")
    code, out, err = cli(["batch", RULES, "-i", str(tmp_path / "kapot.parquet"), "-o", str(tmp_path / "u.csv"),
                          "--geen-voortgang"], capsys)
    assert code == 2 and "is geen leesbaar Parquet-bestand" in err and "RL901" not in err
    (tmp_path / "latin1.csv").write_bytes("peildatum,leefvorm,gebo\xf6rtedatum\n".encode("latin-1"))
    code, out, err = cli(["batch", RULES, "-i", str(tmp_path / "latin1.csv"), "-o", str(tmp_path / "u.csv"),
                          "--geen-voortgang"], capsys)
    assert code == 2 and "de kopregel" in err and "geen UTF-8" in err and "RL901" not in err


def test_parquet_in_and_out(tmp_path, caseload, expected, capsys):
    import pyarrow.parquet as pq

    C.write_parquet(caseload, tmp_path / "gevallen.parquet", row_group_size=200)
    code, out, err = batch(capsys, "-i", str(tmp_path / "gevallen.parquet"), "-o", str(tmp_path / "uit.parquet"),
                           "--processen", "1")
    assert code == 1, err
    table = pq.read_table(tmp_path / "uit.parquet")
    assert table.schema.field("recht_gelet_op_vermogen").type == pa.bool_()
    for row in table.to_pylist():
        want = expected[row["rij"]]
        assert [row["algemene_bijstand"], row["toepasselijke_norm"], row["middelen"]] == want[:3]
        assert row["recht_gelet_op_vermogen"] == (want[3] == "ja")
    assert table.num_rows == sum(v is not None for v in expected.values())


def test_unknown_column_is_refused_with_a_hint(tmp_path, capsys):
    (tmp_path / "in.csv").write_text("peildatum,leefvorm,bezitingen\n2026-03-31,alleenstaande,0\n", encoding="utf-8")
    code, out, err = cli(["batch", RULES, "-i", str(tmp_path / "in.csv"), "-o", str(tmp_path / "uit.csv")], capsys)
    assert code == 2
    assert "kolom 'bezitingen'" in err and "bedoelde u 'bezittingen'?" in err


def test_columnar_backend_agrees_with_the_scalar_evaluator_on_the_synthetic_caseload():
    from rulelang.columnar import ColumnarProgram, Num, to_decimals

    c = C.generate(3000, 5)
    names = list(C.OUTPUTS)
    rs, _ = compile_rules(RULES, use_cache=False)
    _, program, _, _ = compile_to_python(REPO / "rules" / "participatiewet" / "bijstand.rule")
    out = ColumnarProgram(program, names).run(C.columns(c, rs.meta))
    flagged = np.zeros(c.n, bool)
    for v, e in out.values():
        if e is not None:
            flagged |= np.broadcast_to(e, (c.n,))
    assert 0 < flagged.sum() < c.n * 0.05
    for i, (f, d, p) in enumerate(C.all_facts(c)):
        _, res, _ = evaluate(rs.cls, f, d, p, names)
        if flagged[i]:
            continue  # the scalar evaluator answers these rows; here they all fail there too
        for n in names:
            v = out[n][0]
            got = to_decimals(v, [i])[0] if isinstance(v, Num) else np.broadcast_to(v, (c.n,))[i]
            assert res[n].status == "ok" and got == res[n].value, (i, n, got, res[n])
    failing = [i for i, (f, d, p) in enumerate(C.all_facts(c)) if flagged[i]]
    assert all(any(r.status != "ok" for r in evaluate(rs.cls, *C.facts(c, i), names)[1].values()) for i in failing)


def test_exact_where_floats_are_not(tmp_path, capsys):
    """A kostendelersnorm of 50% on € 2.002,13 is € 1.001,065: exactly half a cent, rounded up."""
    row = {"peildatum": "2026-03-31", "leefvorm": "alleenstaande", "geboortedatum": "1980-01-01",
           "aow_leeftijd_bereikt": "nee", "bezittingen": "0", "inkomsten_uit_arbeid": "0", "ontvangen_bijdragen": "[]",
           "medebewoners": json.dumps([{"geboortedatum": "1950-01-01", "commerciele_overeenkomst": "nee",
                                        "familie_eerste_of_tweede_graad": "ja",
                                        "volgt_onderwijs_met_studiefinanciering": "nee",
                                        "verleent_mantelzorg_aan_aanvrager": "nee"}])}
    with open(tmp_path / "in.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, list(row))
        w.writeheader()
        w.writerows([row] * 3)
    code, out, err = cli(["batch", RULES, "-i", str(tmp_path / "in.csv"), "-o", str(tmp_path / "uit.csv"),
                          "--motor", "kolom", "--uitkomst", "toepasselijke_norm", "--geen-voortgang"], capsys)
    assert code == 0, err
    assert [r["toepasselijke_norm"] for r in read_csv(tmp_path / "uit.csv")] == ["1001.07"] * 3


def test_dask_local_cluster_gives_the_same_files(tmp_path, caseload, capsys):
    pytest.importorskip("distributed")
    import pyarrow.parquet as pq

    # a partitioned dataset: three files, each with several row groups
    parts = tmp_path / "gevallen"
    parts.mkdir()
    for k, idx in enumerate(np.array_split(np.arange(caseload.n), 3)):
        C.write_parquet(caseload.subset(idx), parts / f"deel-{k}.parquet", row_group_size=90)
    assert sum(pq.ParquetFile(p).metadata.num_row_groups for p in parts.iterdir()) >= 6
    code, _, err = batch(capsys, "-i", str(parts), "-o", str(tmp_path / "een.csv"), "--processen", "1")
    assert code == 1, err
    code, out, err = batch(capsys, "-i", str(parts), "-o", str(tmp_path / "dask.csv"), "--dask", "local",
                           "--processen", "2")
    assert code == 1, err
    assert "Dask (local)" in out
    assert (tmp_path / "dask.csv").read_bytes() == (tmp_path / "een.csv").read_bytes()
    assert (tmp_path / "dask.fouten.csv").read_bytes() == (tmp_path / "een.fouten.csv").read_bytes()


def test_columnar_backend_agrees_on_generated_programs(tmp_path):
    """The reliability tests' generated rule programs and cases: where the columnar backend answers, it gives
    the scalar evaluator's value (and never answers a row the scalar evaluator does not)."""
    hypothesis = pytest.importorskip("hypothesis")
    from hypothesis import strategies as st

    from rulelang.columnar import ColumnarProgram, Num, Unsupported, columns_from_cases, to_decimals

    from .reliability.programs import cases, programs
    from .reliability.support import compile_text

    kinds = ("bool", "int", "money", "dec", "pct", "date", "enum")

    @hypothesis.settings(max_examples=25, deadline=None, database=None,
                         suppress_health_check=list(hypothesis.HealthCheck))
    @hypothesis.given(text=programs(), data=st.data())
    def check(text, data):
        program, cls, diags = compile_text(tmp_path, text)
        names = [s["name"] for s in cls.META["symbols"] if s["kind"] in ("uitkomst", "definitie")
                 and s["type"]["kind"] in kinds]
        try:
            cp = ColumnarProgram(program, names)
        except Unsupported:
            return
        rows = [data.draw(cases(cls.META)) for _ in range(30)]
        X, bad = columns_from_cases(cls.META, rows)
        out = cp.run(X)
        for name in names:
            v, e = out[name]
            typ = cls.META["symbols"][cls.META["index"][name]]["type"]
            for i, (f, d, p) in enumerate(rows):
                if bad[i] or (e is not None and np.broadcast_to(e, (len(rows),))[i]):
                    continue
                res = evaluate(cls, f, d, p, [name])[1][name]
                got = to_decimals(v, [i])[0] if isinstance(v, Num) else np.broadcast_to(v, (len(rows),))[i]
                if typ["kind"] == "enum":
                    got = cls.META["enums"][typ["name"]][int(got)]
                elif typ["kind"] == "date":
                    got = __import__("datetime").date.fromordinal(int(got))
                elif typ["kind"] == "bool":
                    got = bool(got)
                assert res.status == "ok" and got == res.value, (name, got, res, text, f, d, p)

    check()


# ---------------------------------------------------------------- --uitleg-rij: why did this row come out so?
def _rows_file(tmp_path):
    good = {"peildatum": "2026-03-31", "leefvorm": "alleenstaande", "geboortedatum": "1970-06-01",
            "aow_leeftijd_bereikt": "nee", "medebewoners": "[]", "bezittingen": "€ 1.100,00",
            "inkomsten_uit_arbeid": "600.00", "begin_periode": "2026-02-01", "ontvangen_bijdragen": "[]",
            "beslissing.draagt_bij_aan_arbeidsinschakeling": "ja", "id": "A-1"}
    rows = [good, {**good, "id": "A-2", "bezittingen": "veel"},
            {**good, "id": "A-3", "tijdelijk_elders_voor_mantelzorg": "ja"}]
    with open(tmp_path / "in.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, list(dict.fromkeys(k for r in rows for k in r)))
        w.writeheader()
        w.writerows(rows)
    return str(tmp_path / "in.csv")


def test_explain_row_gives_the_tree_behind_the_batch_result(tmp_path, capsys):
    path = _rows_file(tmp_path)
    code, out, err = cli(["batch", RULES, "-i", path, "-o", str(tmp_path / "uit.csv"), "--geen-voortgang"], capsys)
    assert code == 1, err  # rows 2 and 3 fail
    (row1,) = read_csv(tmp_path / "uit.csv")
    code, out, err = cli(["batch", RULES, "-i", path, "--uitleg-rij", "1"], capsys)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "Scenario: in.csv, rij 1 (id A-1)" and lines[1] == "Peildatum: 31 maart 2026"
    # the same amount as in the results file, with the rules and the decision read from the row
    assert f"algemene_bijstand = € {row1['algemene_bijstand'].replace('.', ',')} per maand  [uitkomst, " \
           "rules/participatiewet/bijstand.rule:69]" in out
    assert "  - draagt_bij_aan_arbeidsinschakeling = ja (door in.csv, rij 1): kolom " \
           "beslissing.draagt_bij_aan_arbeidsinschakeling van het invoerbestand" in out
    assert "toegepast: regel 'eerste_periode' — rules/participatiewet/bijverdiengrens.rule:114" in out


def test_explain_row_of_a_failing_row(tmp_path, capsys):
    path = _rows_file(tmp_path)
    code, out, err = cli(["batch", RULES, "-i", path, "--uitleg-rij", "2"], capsys)  # a value that is no amount
    assert code == 1 and out == ""
    assert err.startswith(f"{path}: rij 2, bezittingen: RL405 kolom bezittingen: ") and "'veel'" in err
    code, out, err = cli(["batch", RULES, "-i", path, "--uitleg-rij", "3", "--format", "json"], capsys)
    assert code == 0, err  # a conflict is an outcome that can be explained
    doc = json.loads(out)
    assert (doc["rij"], doc["id"]) == (3, "A-3")
    tree = doc["uitleg"]["algemene_bijstand"]["uitkomst"]
    assert tree["status"] == "fout"
    assert "RL501 conflict in 'kostendelersnorm_van_toepassing'" in json.dumps(doc, ensure_ascii=False)


def test_explain_row_that_does_not_exist_or_without_output(tmp_path, capsys):
    path = _rows_file(tmp_path)
    code, out, err = cli(["batch", RULES, "-i", path, "--uitleg-rij", "4"], capsys)
    assert code == 2 and err.strip() == "rij 4 bestaat niet: de invoer heeft 3 rijen (de eerste is rij 1)"
    code, out, err = cli(["batch", RULES, "-i", path], capsys)
    assert code == 2 and err.strip() == "geef --output (waar de resultaten heen gaan) of --uitleg-rij RIJ"


def test_explain_row_in_a_later_row_group_of_parquet(tmp_path, caseload, expected, capsys):
    C.write_parquet(caseload, tmp_path / "gevallen.parquet", row_group_size=200)
    row = next(r for r in range(450, 600) if expected[r] is not None)  # in the third row group
    code, out, err = cli(["batch", RULES, "-i", str(tmp_path / "gevallen.parquet"), "--uitleg-rij", str(row),
                          "--uitkomst", "algemene_bijstand"], capsys)
    assert code == 0, err
    assert out.startswith(f"Scenario: gevallen.parquet, rij {row}")
    amount = expected[row][0].replace(".", ",")
    whole, cents = amount.split(",")
    grouped = f"{int(whole):,}".replace(",", ".") + "," + cents
    assert f"\nalgemene_bijstand = € {grouped} per maand  [uitkomst, " in out


def test_amounts_beyond_28_digits_are_written_exactly_not_an_internal_error(tmp_path, capsys):
    """Found by the explanation fuzzing: a 36-digit amount once crashed the output (quantize under the
    default 28-digit context: RL901) and the columnar engine (an integer constant beyond int64)."""
    rules = tmp_path / "groot.rule"
    rules.write_text('invoer x: geld\nuitkomst y: geld\n    bron "art. 1"\n'
                     '    waarde x * 1000000000000000000000000000000\n', encoding="utf-8")
    (tmp_path / "in.csv").write_text("peildatum,x\n2026-01-01,12345.67\n2026-01-01,1.5\n", encoding="utf-8")
    want = [("1", "12345670000000000000000000000000000.00"), ("2", "1500000000000000000000000000000.00")]
    for engine in ("auto", "scalair"):
        code, out, err = cli(["batch", str(rules), "-i", str(tmp_path / "in.csv"), "-o", str(tmp_path / "uit.csv"),
                              "--motor", engine, "--geen-voortgang"], capsys)
        assert code == 0, err
        assert [(r["rij"], r["y"]) for r in read_csv(tmp_path / "uit.csv")] == want
    code, out, err = cli(["batch", str(rules), "-i", str(tmp_path / "in.csv"), "-o", str(tmp_path / "uit.csv"),
                          "--motor", "kolom", "--geen-voortgang"], capsys)
    assert code == 2 and err.strip() == ("de kolommotor kan deze regels niet doorrekenen: geheel getal "
                                         "1000000000000000000000000000000")
    code, out, err = cli(["batch", str(rules), "-i", str(tmp_path / "in.csv"), "--uitleg-rij", "1"], capsys)
    assert code == 0 and "y = € 12.345.670.000.000.000.000.000.000.000.000.000,00  [uitkomst, " in out
