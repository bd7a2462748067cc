"""Counts of what the reliability tests tried, printed at the end of a run (for the long runs' report)."""
from __future__ import annotations

from collections import Counter

COUNTS: Counter = Counter()


def pytest_terminal_summary(terminalreporter):
    if COUNTS:
        terminalreporter.write_sep("-", "rulelang betrouwbaarheid: geprobeerd")
        for key, n in sorted(COUNTS.items()):
            terminalreporter.write_line(f"{key}: {n}")

