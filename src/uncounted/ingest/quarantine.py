"""Quarantine: the rows validation rejected, kept with where they were, what was wrong and what they said.

A rejected row is evidence too — a victim whose date was mistyped is still a victim — so it is stored with its
original values (keyed by the file's own headers) for someone to correct and re-import, never dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from uncounted.errors import BadInput


def quarantine_rows(
    problems: pd.DataFrame,
    raw: pd.DataFrame,
    rows: np.ndarray,
    records: pd.DataFrame,
    origin: Mapping[str, str],
) -> list[dict[str, Any]]:
    """One quarantine entry per bad row: its file row, first bad column (the file's header), all reasons."""
    entries = []
    for position, found in problems.groupby("position", sort=True):
        position = int(position)
        columns = [origin.get(c, c) for c in found["column"]]
        reasons = list(found["reason"])
        reason = (
            reasons[0]
            if len(reasons) == 1
            else "; ".join(f"{c}: {r}" for c, r in zip(columns, reasons, strict=True))
        )
        entries.append(
            {
                "source": str(records["source"].iat[position]),
                "record_id": str(records["record_id"].iat[position]),
                "row": int(rows[position]),
                "column": columns[0],
                "reason": reason,
                "values": {str(k): str(v) for k, v in raw.iloc[position].items()},
            }
        )
    return entries


def refuse(problems: pd.DataFrame, rows: np.ndarray, origin: Mapping[str, str], file: str) -> BadInput:
    """The strict-mode error: the first bad row and column, and how many other rows are bad too."""
    first = problems.iloc[0]
    others = problems["position"].nunique() - 1
    more = f"; {others:,} more row{'s are' if others > 1 else ' is'} bad too" if others else ""
    return BadInput(
        f"{first['reason']}{more}; nothing was imported — fix the file, or import with --quarantine "
        "to set bad rows aside",
        file=file,
        row=int(rows[int(first["position"])]),
        column=origin.get(first["column"], first["column"]),
    )
