"""Name frequency tables, for the linkage model's term-frequency adjustments.

Agreeing on محمد says less about identity than agreeing on a rare name; Splink's term-frequency adjustment
(Fellegi & Sunter 1969, section 3.4; Splink's `term_frequency_adjustments`) needs each value's share of the
pooled lists.
"""

from __future__ import annotations

import pandas as pd


def frequency_table(values: pd.Series) -> pd.DataFrame:
    """One row per distinct non-empty value: `value`, `count`, `share`; the commonest first."""
    text = values.dropna().astype(str)
    text = text[text.str.strip() != ""]
    counts = text.value_counts(sort=False)
    table = pd.DataFrame({"value": counts.index.astype(str), "count": counts.to_numpy(dtype="int64")})
    total = int(table["count"].sum())
    table["share"] = table["count"] / total if total else 0.0
    return table.sort_values(["count", "value"], ascending=[False, True], ignore_index=True)
