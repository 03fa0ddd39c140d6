"""Validation of canonical records: pure functions over a DataFrame, no I/O, no store.

Each check looks at one column, works on the distinct values (a million-row list has few distinct dates), and
reports problems as (position, column, reason) rather than raising, so the caller can either refuse the file
(strict, the default) or set the bad rows aside in quarantine with their reasons. File-level problems — no
name column, no names at all — are refused at once: no row of such a file could be imported.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from datetime import date

import numpy as np
import pandas as pd

from uncounted.errors import BadInput
from uncounted.ingest.dates import ascii_digits, parse_date
from uncounted.records import CANONICAL_FIELDS, DATE_FIELDS, NAME_FIELDS

#: Words for sex that need no mapping: English, their initials, and Arabic (with and without hamza).
SEX_WORDS: dict[str, str] = {
    "male": "male",
    "m": "male",
    "man": "male",
    "ذكر": "male",
    "female": "female",
    "f": "female",
    "woman": "female",
    "أنثى": "female",
    "انثى": "female",
    "إنثى": "female",
    "": "",
}
MAX_AGE = 120
EARLIEST_YEAR = 1880  # nobody alive in the periods these lists cover was born before this
PROBLEM_COLUMNS = ["position", "column", "reason"]

_AGE = re.compile(r"[0-9]{1,3}")
_YEAR = re.compile(r"[0-9]{4}")


def check_file(frame: pd.DataFrame, file: str) -> None:
    """Refuse a list with no name column, or whose name columns are all empty."""
    present = [name for name in NAME_FIELDS if name in frame.columns]
    if not present:
        raise BadInput(
            f"the list has none of the required name columns ({', '.join(NAME_FIELDS)}); "
            "rename its headers or map them with a mapping file (--map)",
            file=file,
        )
    if not (frame[present] != "").to_numpy().any():
        raise BadInput(
            f"the list has no names at all: every name column ({', '.join(present)}) is empty", file=file
        )


def normalise(frame: pd.DataFrame, values: Mapping[str, Mapping[str, str]]) -> pd.DataFrame:
    """All canonical columns present (missing ones empty), in canonical order, with mapped values replaced."""
    out = frame.reindex(columns=list(CANONICAL_FIELDS), fill_value="")
    for column, table in values.items():
        mapped = out[column].map(dict(table))
        out[column] = mapped.where(mapped.notna(), out[column])
    return out


def validate(
    frame: pd.DataFrame,
    rows: np.ndarray,
    *,
    date_formats: Mapping[str, tuple[str, ...]] | None = None,
    stored: Mapping[str, Collection[str]] | None = None,
    today: date | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Check canonical records and return them cleaned, with their problems.

    `frame` has the canonical columns (see `normalise`), `rows` the file row number of each record (for
    messages about duplicates), `stored` the record_ids already in the store per source. Returns the frame
    with sex, ages, years and dates in canonical form, and a problems frame (position, column, reason) with
    one row per problem, positions being row positions in `frame`.
    """
    date_formats = date_formats or {}
    today = today or date.today()
    out = frame.copy()
    problems: list[pd.DataFrame] = []

    def record(mask: np.ndarray, column: str, reasons: pd.Series | str) -> None:
        if mask.any():
            positions = np.flatnonzero(mask)
            text = reasons[mask].to_numpy() if isinstance(reasons, pd.Series) else reasons
            problems.append(pd.DataFrame({"position": positions, "column": column, "reason": text}))

    for column in ("source", "record_id"):
        record((out[column] == "").to_numpy(), column, f"{column} is empty")
    names = (out[list(NAME_FIELDS)] != "").to_numpy().any(axis=1)
    record(~names, "full_name", "no name in any name column")

    for column, check in _checks(date_formats, today).items():
        cleaned, reasons = _by_value(out[column], check)
        out[column] = cleaned
        record((reasons != "").to_numpy(), column, reasons)

    keys = out["source"] + "\x1f" + out["record_id"]
    has_id = (out["record_id"] != "").to_numpy()
    again = keys.duplicated(keep="first").to_numpy() & has_id
    if again.any():
        first_row = pd.Series(rows, index=keys.index).groupby(keys).transform("first")
        reasons = (
            "record_id '" + out["record_id"] + "' appears again (first at row " + first_row.astype(str) + ")"
        )
        record(again, "record_id", reasons)
    if stored:
        known = np.zeros(len(out), dtype=bool)
        for source, ids in stored.items():
            if ids:
                known |= ((out["source"] == source) & out["record_id"].isin(ids)).to_numpy()
        reasons = (
            "record_id '" + out["record_id"] + "' of source '" + out["source"] + "' is already in the store"
        )
        record(known & has_id & ~again, "record_id", reasons)

    found = pd.concat(problems, ignore_index=True) if problems else pd.DataFrame(columns=PROBLEM_COLUMNS)
    return out, found.sort_values("position", kind="stable").reset_index(drop=True)


Check = Callable[[str], tuple[str, str]]  # value → (cleaned value, reason or "")


def _checks(date_formats: Mapping[str, tuple[str, ...]], today: date) -> dict[str, Check]:
    checks: dict[str, Check] = {"sex": _sex, "age": _age, "birth_year": lambda v: _birth_year(v, today)}
    for column in DATE_FIELDS:
        checks[column] = _date_check(tuple(date_formats.get(column, ())), today)
    return checks


def _by_value(column: pd.Series, check: Check) -> tuple[pd.Series, pd.Series]:
    """Run a check once per distinct value and spread the results back over the rows."""
    results = {value: check(value) for value in column.unique()}
    cleaned = column.map({value: result[0] for value, result in results.items()})
    reasons = column.map({value: result[1] for value, result in results.items()})
    return cleaned, reasons


def _sex(value: str) -> tuple[str, str]:
    word = SEX_WORDS.get(value.casefold())
    if word is None:
        return (
            value,
            f"sex '{value}' is not male, female or empty; map it in the values.sex section of a mapping file",
        )
    return word, ""


def _age(value: str) -> tuple[str, str]:
    if value == "":
        return "", ""
    digits = ascii_digits(value)
    if not _AGE.fullmatch(digits) or int(digits) > MAX_AGE:
        return value, f"age '{value}' is not a whole number from 0 to {MAX_AGE}"
    return str(int(digits)), ""


def _birth_year(value: str, today: date) -> tuple[str, str]:
    if value == "":
        return "", ""
    digits = ascii_digits(value)
    if not _YEAR.fullmatch(digits) or not EARLIEST_YEAR <= int(digits) <= today.year:
        return value, f"birth year '{value}' is not a year from {EARLIEST_YEAR} to {today.year}"
    return digits, ""


def _date_check(formats: tuple[str, ...], today: date) -> Check:
    latest = today.isoformat()

    def check(value: str) -> tuple[str, str]:
        try:
            parsed = parse_date(value, formats)
        except BadInput as exc:
            return value, f"date {exc.message}"
        start = parsed.split("/")[0]
        if parsed and (int(start[:4]) < EARLIEST_YEAR or start > latest[: len(start)]):
            return value, f"date '{value}' is outside {EARLIEST_YEAR}–{today.year}"
        return parsed, ""

    return check
