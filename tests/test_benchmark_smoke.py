"""The benchmark (python -m benchmarks, make bench) on a tiny caseload: it runs and every implementation
agrees with rulelang on every household. Timings are not checked (no timed tests)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from .conftest import REPO

pytest.importorskip("numpy")
pytest.importorskip("openfisca_core")


def test_benchmark_runs_and_all_implementations_agree():
    out = subprocess.run([sys.executable, "-m", "benchmarks", "--klein"], cwd=REPO, capture_output=True, text=True,
                         timeout=300, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert out.returncode == 0, out.stdout + out.stderr
    text = out.stdout
    for label in ("(c) handgeschreven", "(a) evaluate()", "(b) met uitleg", "kolommotor"):
        line = next(x for x in text.splitlines() if x.strip().startswith(label))
        assert ": gelijk" in line, line
    for label in ("(d) OpenFisca per huishouden", "(d) OpenFisca gevectoriseerd"):
        line = next(x for x in text.splitlines() if x.strip().startswith(label))
        assert "op de cent" in line, line
    assert "NIET IN OVEREENSTEMMING" not in text
    assert "geblokkeerd in beide: ja" in text
    assert "getypeerde Parquet" in text and "CSV met JSON-lijsten" in text  # the whole `rulelang batch` command
    for figure in ("per beslissing", "batch:", "het hele commando", "koud vertalen", "warme start", "doelen (issue 6)"):
        assert figure in text
