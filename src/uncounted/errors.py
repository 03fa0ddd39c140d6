"""The two kinds of failure the CLI and the web app tell apart.

`BadInput` is the user's to fix (a file, a row, a column): one clear sentence, exit status 2.
`UncountedError` is ours: exit status 1. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass


class UncountedError(Exception):
    """A failure of ours that we can explain in one sentence (exit status 1)."""

    exit_code = 1


@dataclass
class BadInput(UncountedError):
    """Input the user must fix; the message names the file, row and column where known.

    Rows are counted as a person reading the file would: the header is row 1, so the first data row is row 2
    of a CSV. Pass `row` already in that convention.
    """

    message: str
    file: str | None = None
    row: int | None = None
    column: str | None = None

    exit_code = 2

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        sentence = self.message.rstrip()
        if not sentence.endswith((".", "?", "!")):
            sentence += "."
        return f"{', '.join(where)}: {sentence}" if where else sentence
