"""Source files and spans: every node, diagnostic and trace entry points back here."""
from __future__ import annotations

import attrs


@attrs.frozen(order=True)
class Span:
    """A 1-based location range in a `.rule` (or scenario) file."""

    file: str
    line: int
    col: int
    end_line: int = 0
    end_col: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"

    def to_json(self) -> dict:
        return {"file": self.file, "line": self.line, "column": self.col,
                "end_line": self.end_line or self.line, "end_column": self.end_col or self.col}


NO_SPAN = Span("<onbekend>", 0, 0)


@attrs.frozen
class SourceFile:
    path: str
    text: str

    def line(self, n: int) -> str:
        lines = self.text.splitlines()
        return lines[n - 1] if 0 < n <= len(lines) else ""
