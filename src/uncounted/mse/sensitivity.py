"""Sensitivity of an estimate to the lists (issue 4, point 6).

Two standard checks of multiple systems estimation (Bird & King 2018, section 5; Lum, Price & Banks 2013):
leave each list out in turn and re-estimate, and merge lists suspected of strong dependence (for example two
lists fed by the same sources) and re-estimate. Both estimate the same population, so a stable estimate should
not move much. A re-estimation that fails is returned as a result with status "not estimated" and its reason,
so that no check disappears from a report.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from uncounted.errors import BadInput, UncountedError
from uncounted.mse.capture import CaptureTable
from uncounted.mse.estimate import estimate
from uncounted.mse.result import Estimate


def leave_one_list_out(table: CaptureTable, method: str, **options: Any) -> list[Estimate]:
    """One estimate per list, made from all the other lists (`extras["left_out"]` names the list).

    People seen only on the left-out list become part of what the others miss, so each estimate is of the
    same total; `n_observed` is what the remaining lists document.
    """
    if table.n_lists < 3:
        raise BadInput(f"leaving a list out needs at least 3 lists; this table has {table.n_lists}")
    results = []
    for name in table.lists:
        kept = [x for x in table.lists if x != name]
        result = _attempt(lambda kept=kept: table.select(kept), method, options, table.name)
        result.extras["left_out"] = name
        results.append(result)
    return results


def merge_lists(table: CaptureTable, groups: Mapping[str, Sequence[str]]) -> CaptureTable:
    """The table with each group of lists merged into one list (a person is on it if on any of the group).

    `groups` maps a new list name to the lists it replaces; lists in no group are kept as they are. The merged
    list takes the place of the first of its members.
    """
    owner: dict[str, str] = {}
    for new, members in groups.items():
        if len(members) < 2:
            raise BadInput(f"merging into '{new}' needs at least two lists; got {list(members)}")
        for member in members:
            if member not in table.lists:
                raise BadInput(f"cannot merge '{member}': the table has no such list "
                               f"({', '.join(table.lists)})")
            if member in owner:
                raise BadInput(f"list '{member}' is in two merge groups ('{owner[member]}' and '{new}')")
            owner[member] = new
    names = list(dict.fromkeys(owner.get(x, x) for x in table.lists))
    columns = []
    for name in names:
        members = groups.get(name, [name]) if name not in table.lists or name in groups else [name]
        index = [table.lists.index(m) for m in members]
        columns.append(table.patterns[:, index].max(axis=1))
    return CaptureTable.build(names, np.stack(columns, axis=1), table.counts, name=table.name, check=False)


def merged_list_estimates(
    table: CaptureTable,
    method: str,
    *,
    groups: Sequence[Mapping[str, Sequence[str]]] | None = None,
    **options: Any,
) -> list[Estimate]:
    """Re-estimate after each merge in `groups` (default: every pair of lists, one pair at a time).

    `extras["merged"]` records the merge of each result.
    """
    if groups is None:
        groups = [{f"{a}+{b}": [a, b]} for a, b in itertools.combinations(table.lists, 2)]
    results = []
    for group in groups:
        merged = merge_lists(table, group)
        result = _attempt(lambda merged=merged: merged, method, options, table.name)
        result.extras["merged"] = {new: list(members) for new, members in group.items()}
        results.append(result)
    return results


def _attempt(make_table: Any, method: str, options: dict[str, Any], name: str) -> Estimate:
    """Estimate, or return a placeholder result that says why it could not be done."""
    try:
        reduced = make_table()
        result = estimate(reduced, method, **options)
    except UncountedError as exc:
        return Estimate(method=method, n_observed=0, estimate=math.nan, lower=math.nan, upper=math.nan,
                        settings=dict(options), warnings=[str(exc)],
                        extras={"status": "not estimated", "reason": str(exc)})
    result.extras["status"] = "estimated"
    result.extras["lists"] = list(reduced.lists)
    return result
