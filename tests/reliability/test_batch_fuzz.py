"""`rulelang batch` on damaged CSV files: every input gives a summary in which every row is either computed
or in the errors file with a reason, or a clear BatchError (exit code 2) — never an internal error.

Short in the normal suite; RULELANG_LONG=1 tries 5.000 files (docs/betrouwbaarheid.md). This fuzzer found
two crashes that are fixed: a JSON list with an unreadable item made the columnar code read a record
field that was not there (KeyError), and a carriage return inside an unquoted field stopped the careful
CSV reader (csv.Error)."""
from __future__ import annotations

import contextlib
import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import COUNTS
from .support import REPO, examples

pytest.importorskip("pyarrow")

from rulelang import batch  # noqa: E402

RULES = REPO / "rules" / "participatiewet" / "bijstand.rule"
BASE = (REPO / "voorbeelden" / "gevallen.csv").read_bytes()
SETTINGS = dict(deadline=None, database=None, suppress_health_check=list(HealthCheck))
NOISE = b',"\n\r{}[]:\\\x00\xe4\xff abc019-.'


@st.composite
def damaged_csv(draw):
    data = bytearray(BASE)
    for _ in range(draw(st.integers(1, 6))):
        i = draw(st.integers(0, len(data) - 1))
        op = draw(st.integers(0, 2))
        if op == 0:
            del data[i:i + draw(st.integers(1, 5))]
        elif op == 1:
            data[i:i] = bytes(draw(st.lists(st.sampled_from(NOISE), min_size=1, max_size=4)))
        else:
            data[i] = draw(st.integers(0, 255))
    return bytes(data)


@settings(max_examples=examples(25, 5_000), **SETTINGS)
@given(data=damaged_csv(), engine=st.sampled_from(["auto", "kolom", "scalair"]))
def test_damaged_csv_never_crashes_and_loses_no_row(tmp_path_factory, data, engine):
    tmp = tmp_path_factory.mktemp("batch")
    (tmp / "in.csv").write_bytes(data)
    COUNTS["batch-invoer"] += 1
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            summary, _ = batch.run(RULES, tmp / "in.csv", tmp / "uit.csv", workers=1, engine=engine)
    except batch.BatchError as e:  # the file cannot be read at all (e.g. its header): exit code 2
        assert str(e) and "Traceback" not in str(e)
        return
    assert summary is not None
    with open(tmp / "uit.csv", newline="", encoding="utf-8") as fh:
        computed = [int(r["rij"]) for r in csv.DictReader(fh)]
    with open(summary.errors, newline="", encoding="utf-8") as fh:
        failed = {int(r["rij"]) for r in csv.DictReader(fh)}
    assert all(r["reden"] for r in csv.DictReader(open(summary.errors, newline="", encoding="utf-8")))
    assert len(computed) == summary.ok and len(failed) == summary.failed and not set(computed) & failed
    assert sorted(set(computed) | failed) == list(range(1, summary.rows + 1))  # every row, once
