"""Reading testimony files: CSV, XLSX (one sheet per table) and JSON Lines, in the format of
docs/testimony-format.md.

A file holds witnesses, accounts or claims; which one is told by its columns (a `claim_id` column makes a
claims table, else `account_id` an accounts table, else `witness_id` a witnesses table), so people can keep
the spreadsheets they already have and name them as they like. Unknown columns are refused rather than
ignored: a misspelt `knowlege` column would otherwise silently make every claim direct.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from uncounted.errors import BadInput
from uncounted.ingest.fixity import sha256_file
from uncounted.testimony.model import (
    IDENTITY_FIELDS,
    Account,
    Testimony,
    account_from_row,
    claim_from_row,
    witness_from_row,
)

COLUMNS: dict[str, tuple[str, ...]] = {
    "witnesses": ("witness_id", "role", "reliability", "notes", *IDENTITY_FIELDS),
    "accounts": ("account_id", "witness_id", "kind", "date", "language", "interviewer", "original",
                 "reliability", "notes"),
    "claims": ("claim_id", "account_id", "claim_type", "fact_key", "knowledge", "origin", "value", "low",
               "high", "unit", "date_from", "date_to", "place", "quote", "credibility", "resolution",
               "person_name", "person_sex", "person_age", "person_governorate"),
}
REQUIRED: dict[str, tuple[str, ...]] = {"witnesses": ("witness_id", "role"),
                                        "accounts": ("account_id", "kind"),
                                        "claims": ("claim_id", "account_id", "claim_type")}
SUFFIXES = (".csv", ".xlsx", ".jsonl")


@dataclass
class Table:
    """Rows of one table as read, each with the row number a person would see (header = row 1)."""

    kind: str
    file: str
    rows: list[tuple[int, dict[str, str]]]


def read_testimony(paths: Iterable[str | Path]) -> Testimony:
    """Read and check testimony files into one `Testimony`; originals are hashed where they lie.

    Files may come in any order (claims before the witnesses they name); references are checked once all are
    read.
    """
    testimony = Testimony()
    for path in paths:
        testimony = testimony.merged(read_file(Path(path)))
    testimony.validate()
    return testimony


def read_file(path: Path) -> Testimony:
    """One file's witnesses, accounts and claims, each row checked on its own."""
    out = Testimony()
    for table in read_tables(path):
        part = Testimony()
        for number, row in table.rows:
            if table.kind == "witnesses":
                witness = witness_from_row(row, table.file, number)
                _refuse_repeat(part.witnesses, witness.witness_id, table.file, number)
                part.witnesses[witness.witness_id] = witness
            elif table.kind == "accounts":
                account = account_from_row(row, table.file, number)
                _refuse_repeat(part.accounts, account.account_id, table.file, number)
                _hash_original(account, path.parent)
                part.accounts[account.account_id] = account
            else:
                part.claims.append(claim_from_row(row, table.file, number))
        out = out.merged(part)  # ids repeated across tables, and claim ids, are caught here
    return out


def _refuse_repeat(earlier: dict, key: str, file: str, number: int) -> None:
    if key in earlier:
        raise BadInput(f"'{key}' appears twice in this table", file=file, row=number)


def _hash_original(account: Account, folder: Path) -> None:
    """SHA-256 of the interview transcript (or document) an account names, found relative to its file."""
    if not account.original:
        return
    original = (folder / account.original).resolve()
    if not original.is_file():
        raise BadInput(f"the original '{account.original}' is not there (paths are relative to this file)",
                       file=account.file, row=account.row, column="original")
    account.original_sha256 = sha256_file(original)
    account.original_path = original


def read_tables(path: Path) -> list[Table]:
    """The tables in a file, each told apart by its columns."""
    if not path.is_file():
        raise BadInput("no such file", file=str(path))
    suffix = path.suffix.lower()
    if suffix == ".csv":
        tables = [_csv_table(path)]
    elif suffix == ".xlsx":
        tables = _xlsx_tables(path)
    elif suffix in (".jsonl", ".ndjson"):
        tables = _jsonl_tables(path)
    else:
        raise BadInput(f"cannot read '{suffix or 'no extension'}' files; use {', '.join(SUFFIXES)}",
                       file=str(path))
    return [table for table in tables if table.rows]


def _kind(header: list[str], file: str, row: int) -> str:
    kinds = [kind for kind, key in (("claims", "claim_id"), ("accounts", "account_id"),
                                    ("witnesses", "witness_id")) if key in header]
    if not kinds:
        raise BadInput("cannot tell which table this is: it needs a claim_id, account_id or witness_id "
                       "column", file=file, row=row)
    kind = kinds[0]
    for column in header:
        if column not in COLUMNS[kind]:
            raise BadInput(f"unknown column in a {kind} table (see docs/testimony-format.md)", file=file,
                           row=row, column=column)
    for column in REQUIRED[kind]:
        if column not in header:
            raise BadInput(f"a {kind} table needs a '{column}' column", file=file, row=row)
    return kind


def _clean_header(cells: Iterable[object]) -> list[str]:
    return [str(cell or "").strip().lower() for cell in cells]


def _csv_table(path: Path) -> Table:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
    except UnicodeDecodeError:
        raise BadInput("is not UTF-8 text; save it as CSV UTF-8", file=str(path)) from None
    if not rows:
        raise BadInput("the file is empty", file=str(path))
    header = _clean_header(rows[0])
    kind = _kind(header, str(path), 1)
    body = []
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            raise BadInput(f"has {len(cells)} cells but the header has {len(header)}", file=str(path),
                           row=number)
        body.append((number, dict(zip(header, [*cells, *[""] * (len(header) - len(cells))], strict=True))))
    return Table(kind, str(path), body)


def _xlsx_tables(path: Path) -> list[Table]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or mislabelled file
        raise BadInput(f"is not a readable XLSX workbook ({type(exc).__name__})", file=str(path)) from None
    tables = []
    try:
        for sheet in workbook.worksheets:
            rows = list(sheet.iter_rows(values_only=True))
            if not rows or not any(cell not in (None, "") for cell in rows[0]):
                continue
            file = f"{path} [sheet {sheet.title}]"
            header = _clean_header(rows[0])
            while header and not header[-1]:
                header.pop()
            kind = _kind(header, file, 1)
            body = []
            for number, cells in enumerate(rows[1:], start=2):
                texts = [_cell_text(cell) for cell in cells[:len(header)]]
                if any(texts):
                    texts += [""] * (len(header) - len(texts))
                    body.append((number, dict(zip(header, texts, strict=True))))
            tables.append(Table(kind, file, body))
    finally:
        workbook.close()
    return tables


def _cell_text(cell: object) -> str:
    """A spreadsheet cell as the text a person typed: 20.0 → '20', a date cell → its ISO date."""
    if cell is None:
        return ""
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat()
    if isinstance(cell, dt.date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _jsonl_tables(path: Path) -> list[Table]:
    """JSON Lines: one object per line; a `table` key (witnesses, accounts, claims) or the ids tell which."""
    grouped: dict[str, list[tuple[int, dict[str, str]]]] = {kind: [] for kind in COLUMNS}
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except UnicodeDecodeError:
        raise BadInput("is not UTF-8 text", file=str(path)) from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BadInput(f"is not a JSON object ({exc.msg})", file=str(path), row=number) from None
        if not isinstance(record, dict):
            raise BadInput("is not a JSON object", file=str(path), row=number)
        table = record.pop("table", None)
        header = [str(key).lower() for key in record]
        kind = _kind(header, str(path), number)
        if table is not None and table != kind:
            raise BadInput(f"says table '{table}' but its fields make it {kind}", file=str(path), row=number)
        grouped[kind].append((number, {str(k).lower(): _json_text(v) for k, v in record.items()}))
    return [Table(kind, str(path), rows) for kind, rows in grouped.items()]


def _json_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
