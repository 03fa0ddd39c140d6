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
    # Plain arrays and one pass over the problems (sorted by position): a list whose every row is bad must not
    # cost a pandas lookup per row.
    if problems.empty:
        return []
    positions = problems["position"].to_numpy(dtype=int)
    columns = [origin.get(c, c) for c in problems["column"]]
    reasons = problems["reason"].tolist()
    headers = [str(h) for h in raw.columns]
    values = raw.to_numpy(dtype=object)
    sources, ids = records["source"].to_numpy(), records["record_id"].to_numpy()
    starts = np.flatnonzero(np.r_[True, positions[1:] != positions[:-1]])
    entries = []
    for start, end in zip(starts, [*starts[1:], len(positions)], strict=True):
        position = positions[start]
        found = list(zip(columns[start:end], reasons[start:end], strict=True))
        reason = found[0][1] if len(found) == 1 else "; ".join(f"{c}: {r}" for c, r in found)
        entries.append(
            {
                "source": str(sources[position]),
                "record_id": str(ids[position]),
                "row": int(rows[position]),
                "column": found[0][0],
                "reason": reason,
                "values": dict(zip(headers, map(str, values[position]), strict=True)),
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
