"""The diagnostics reference: every code rulelang can emit has an entry with a bad example that
reports it and a fix that is clean."""
from __future__ import annotations

from pathlib import Path

import pytest

from rulelang.diagnostics import CODES
from rulelang.sphinxext.checks import check_diagnostic, load_diagnostic_entries

FOLDER = Path(__file__).resolve().parents[1] / "docs" / "foutcodes"
ENTRIES = load_diagnostic_entries(FOLDER)
# codes that cannot be shown with a short example; each entry says why and how to fix it
WITHOUT_EXAMPLE = {"RL901", "RL221", "RL222"}


def test_docs_every_diagnostic_code_is_documented():
    missing = sorted(set(CODES) - set(ENTRIES))
    assert not missing, f"add docs/foutcodes/<code>.yaml for {missing}"
    unknown = sorted(set(ENTRIES) - set(CODES))
    assert not unknown, f"docs/foutcodes/ describes codes rulelang does not have: {unknown}"


@pytest.mark.parametrize("code", sorted(ENTRIES))
def test_docs_diagnostic_bad_example_reports_the_code_and_fix_is_clean(code):
    entry = ENTRIES[code]
    assert str(entry.get("uitleg", "")).strip(), f"{code} has no uitleg"
    if code in WITHOUT_EXAMPLE:
        assert entry.get("geen_voorbeeld"), f"{code}: say why there is no example"
        return
    assert not entry.get("geen_voorbeeld"), f"{code} needs a bad example and a fix"
    result = check_diagnostic(code, entry)
    assert result.ok, "\n".join(result.problems)
    assert result.bad.command.exit_code == 1


def test_docs_diagnostic_check_notices_a_wrong_example():
    entry = dict(ENTRIES["RL204"])
    result = check_diagnostic("RL211", entry)  # the RL204 example does not report RL211
    assert not result.ok
