"""Mapping files: how one group's own spreadsheet becomes canonical records, written as data (TOML).

A group keeps its list the way it always has — Arabic headers, its own words for sex, day-first dates. Rather
than asking it to reshape the file, a small TOML file says which of its columns is which canonical field,
which values mean what, and how its dates are written. The format is documented in docs/mapping.md.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from uncounted.errors import BadInput
from uncounted.records import CANONICAL_FIELDS, DATE_FIELDS

_SECTIONS = {"columns", "values", "fixed", "dates", "read"}
_READ_KEYS = {"sheet", "encoding", "delimiter"}


@dataclass(frozen=True)
class Mapping:
    """A parsed mapping file. The empty mapping (no file) takes canonical headers as they are."""

    columns: dict[str, str] = field(default_factory=dict)  # the file's header → canonical field
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # canonical field → {file value: value}
    fixed: dict[str, str] = field(default_factory=dict)  # canonical field → the same value on every row
    date_formats: dict[str, tuple[str, ...]] = field(default_factory=dict)  # date field → strptime formats
    sheet: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    path: str | None = None
    sha256: str = ""


def load_mapping(path: str | Path | None) -> Mapping:
    """Read and check a mapping file; every mistake is a BadInput naming the mapping file."""
    if path is None:
        return Mapping()
    path = Path(path)
    where = str(path)
    try:
        raw = path.read_bytes()
        data = tomllib.loads(raw.decode("utf-8"))
    except FileNotFoundError:
        raise BadInput("no such mapping file", file=where) from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise BadInput(f"the mapping is not valid UTF-8 TOML ({exc})", file=where) from None
    unknown = set(data) - _SECTIONS
    if unknown:
        raise BadInput(f"unknown section {_names(unknown)}; a mapping has {_names(_SECTIONS)}", file=where)
    columns = _table(data, "columns", where)
    for header, target in columns.items():
        _canonical(target, where, f"section 'columns', header '{header}'")
    targets = list(columns.values())
    twice = {t for t in targets if targets.count(t) > 1}
    if twice:
        raise BadInput(f"section 'columns' maps several headers onto {_names(twice)}", file=where)
    values = {}
    for target, table in _table(data, "values", where).items():
        _canonical(target, where, "section 'values'")
        if not isinstance(table, dict):
            raise BadInput(
                f'section \'values.{target}\' must be a table of "value" = "canonical value"', file=where
            )
        values[target] = {
            str(k).strip(): _text(v, where, f"section 'values.{target}'") for k, v in table.items()
        }
    fixed = {
        target: _text(value, where, "section 'fixed'")
        for target, value in _table(data, "fixed", where).items()
    }
    for target in fixed:
        _canonical(target, where, "section 'fixed'")
    both = set(fixed) & set(targets)
    if both:
        raise BadInput(
            f"{_names(both)} is set both in section 'columns' and in section 'fixed'; keep one", file=where
        )
    read = _table(data, "read", where)
    if set(read) - _READ_KEYS:
        raise BadInput(
            f"unknown key in section 'read': {_names(set(read) - _READ_KEYS)}; known: {_names(_READ_KEYS)}",
            file=where,
        )
    return Mapping(
        columns=columns,
        values=values,
        fixed=fixed,
        date_formats=_date_formats(data, where),
        sheet=_optional_text(read, "sheet", where),
        encoding=_optional_text(read, "encoding", where),
        delimiter=_optional_text(read, "delimiter", where),
        path=where,
        sha256=hashlib.sha256(raw).hexdigest(),
    )


def apply_mapping(
    frame: pd.DataFrame, mapping: Mapping, file: str
) -> tuple[pd.DataFrame, dict[str, str], list[str]]:
    """The file's columns renamed to canonical fields, with fixed values added and unknown columns set aside.

    Returns the canonical frame (only canonical columns that the file or the mapping provides), a map from
    canonical field back to the file's own header (for messages a person can find in their file), and
    warnings.
    """
    missing = [header for header in mapping.columns if header not in frame.columns]
    if missing:
        raise BadInput(
            f"the mapping {mapping.path} names column{'s' if len(missing) > 1 else ''} {_names(missing)}, "
            f"which the file lacks "
            f"(its columns: {_names(frame.columns)})",
            file=file,
        )
    rename: dict[str, str] = {}
    canonical = {name.casefold(): name for name in CANONICAL_FIELDS}  # "Record_ID" is record_id too
    for header in frame.columns:
        target = canonical.get(header.casefold())
        if header in mapping.columns:
            rename[header] = mapping.columns[header]
        elif target is not None and target not in mapping.columns.values():
            if target in rename.values():
                raise BadInput(f"two columns stand for '{target}'; keep one, or map them", file=file, row=1)
            rename[header] = target
    ignored = [h for h in frame.columns if h not in rename]
    warnings = (
        [f"columns not imported (not canonical and not in the mapping): {_names(ignored)}"] if ignored else []
    )
    out = frame[list(rename)].rename(columns=rename)
    for target, value in mapping.fixed.items():
        if target in out.columns:
            raise BadInput(
                f"the mapping {mapping.path} fixes '{target}', but the file has that column too", file=file
            )
        out[target] = value
    origin = {target: header for header, target in rename.items()}
    origin.update({target: f"(fixed {target})" for target in mapping.fixed})
    return out, origin, warnings


def _date_formats(data: dict[str, Any], where: str) -> dict[str, tuple[str, ...]]:
    """`[dates] format = "%d/%m/%Y"` for every date field, or `[dates] date_of_death = [...]` per field."""
    dates = _table(data, "dates", where)
    formats: dict[str, tuple[str, ...]] = {}
    for key, value in dates.items():
        fields = DATE_FIELDS if key == "format" else (key,)
        if key != "format" and key not in DATE_FIELDS:
            raise BadInput(
                f"section 'dates': '{key}' is not a date field; use 'format' or one of {_names(DATE_FIELDS)}",
                file=where,
            )
        listed = [value] if isinstance(value, str) else value
        if (
            not isinstance(listed, list)
            or not listed
            or not all(isinstance(f, str) and "%" in f for f in listed)
        ):
            raise BadInput(
                f"section 'dates': '{key}' must be a strptime format like \"%d/%m/%Y\" or a list of them",
                file=where,
            )
        for name in fields:
            formats[name] = tuple(listed)
    return formats


def _table(data: dict[str, Any], name: str, where: str) -> dict[str, Any]:
    table = data.get(name, {})
    if not isinstance(table, dict):
        raise BadInput(f"section '{name}' must be a table", file=where)
    return table


def _canonical(target: Any, where: str, context: str) -> None:
    if target not in CANONICAL_FIELDS:
        raise BadInput(
            f"{context} names '{target}', which is not a canonical column "
            f"(one of {', '.join(CANONICAL_FIELDS)})",
            file=where,
        )


def _text(value: Any, where: str, context: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise BadInput(f"{context} values must be text, not {value!r}", file=where)
    return str(value).strip()


def _optional_text(table: dict[str, Any], key: str, where: str) -> str | None:
    return _text(table[key], where, f"section 'read', key '{key}'") if key in table else None


def _names(items: Any) -> str:
    return ", ".join(f"'{item}'" for item in sorted(map(str, items)))
