"""Exports: record-level files pseudonymised by default, a public subset with no identifying field, and the
linkage files as they are; each one access-checked, audited, and written whole or not at all.

What each field of the canonical record becomes (`RECORD_RULES`; docs/security.md explains why):

- pseudonymised (the default record export): every name field, the mother's name and the free-text notes
  become keyed pseudonyms; so does the record id (keyed with its source, since a group's own ids lead
  straight back to its named list); dates of death and detention are cut to the month; sex, age, birth year
  (already only a year), governorate, district and place of death are kept for analysis. Rows are sorted by
  source and record pseudonym, so their order no longer follows the list's own.
- identified (`--identified`, permission export.identified): every field as stored, in import order.
- public (permission export.public): source, year of death, governorate, sex and a ten-year age band, one row
  per record, sorted by every column; no name, no id, no day or month, no district or place. No person id
  either: any stable id lets rows from different lists be joined, and then a person singled out in one
  published list (the only woman over 70 from a district, say) is revealed to be on the others; the number of
  distinct people is in the capture-history export instead.

A pseudonym is HMAC-SHA-256 (RFC 2104) under a random 256-bit key made once per workspace and kept only in its
store (`workspace_secrets`), over a domain label and the value (Unicode NFC, case-folded, spaces collapsed),
cut to 80 bits in base32. The same value gives the same pseudonym in every export of a workspace and a
different one in another workspace; without the key nobody can compute the pseudonym of a guessed name, so a
dictionary of names does not reverse it. Names share one domain, so a father's pseudonym equals his son's
father-name pseudonym (the name chain survives); record ids and notes have their own.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from uncounted.errors import BadInput, UncountedError
from uncounted.files import write_atomically
from uncounted.ingest.fixity import sha256_file
from uncounted.records import DATE_FIELDS, NAME_FIELDS
from uncounted.store import audit
from uncounted.store.access import require
from uncounted.store.security_models import WorkspaceSecret

if TYPE_CHECKING:
    from uncounted.store.access import Actor
    from uncounted.workspace import Workspace

PSEUDONYM_SECRET = "export-pseudonyms"
_KEY_BYTES = 32
_TOKEN_BYTES = 10  # 80 bits: among a million distinct values a collision has odds of about 1 in 10^12

#: What the pseudonymised export does with each canonical field: keep, token (keyed pseudonym), record (the
#: record id's pseudonym, keyed with the source) or month (dates cut to the month). A field without a rule
#: stops the export, so a field added to the canonical record cannot leak by default.
RECORD_RULES: dict[str, str] = {
    "source": "keep",
    "record_id": "record",
    **{name: "token" for name in (*NAME_FIELDS, "mother_name", "notes")},
    "sex": "keep",
    "age": "keep",
    "birth_year": "keep",
    **{name: "month" for name in DATE_FIELDS},
    "governorate": "keep",
    "district": "keep",
    "place_of_death": "keep",
}

PUBLIC_COLUMNS: tuple[str, ...] = ("source", "year_of_death", "governorate", "sex", "age_band")
AGE_BAND_WIDTH = 10
AGE_BAND_TOP = 70  # "70+": few people are older, and a rare old age singles them out


@dataclass(frozen=True)
class ExportResult:
    """What was written: the file, its rows, its mode and SHA-256 (recorded in the audit log, so a copy found
    later can be traced to the export that made it)."""

    path: Path
    rows: int
    mode: str
    sha256: str


def pseudonym(key: bytes, domain: str, value: str) -> str:
    """The keyed pseudonym of `value` in `domain` ("" stays "": an empty field says nothing about anyone)."""
    if value == "":
        return ""
    normal = " ".join(unicodedata.normalize("NFC", value).casefold().split())
    mac = hmac.digest(key, f"{domain}\x00{normal}".encode(), hashlib.sha256)
    return base64.b32encode(mac[:_TOKEN_BYTES]).decode("ascii").lower()


def pseudonymise(records: pd.DataFrame, key: bytes) -> pd.DataFrame:
    """Canonical records → the pseudonymised export (rules in `RECORD_RULES`), sorted by source and record
    pseudonym."""
    missing = [c for c in records.columns if c not in RECORD_RULES]
    if missing:
        raise UncountedError(f"no export rule for the field(s) {', '.join(missing)}; refusing to export them")
    out = pd.DataFrame(index=records.index)
    for column in records.columns:
        values = records[column].astype(str)
        rule = RECORD_RULES[column]
        if rule == "keep":
            out[column] = values
        elif rule == "token":
            domain = "notes" if column == "notes" else "name"
            out[column] = _mapped(values, lambda v, d=domain: pseudonym(key, d, v))
        elif rule == "month":
            out[column] = _mapped(values, coarsen_date)
        else:
            ids = records["source"].astype(str) + "\x1f" + values
            out[column] = _mapped(ids, lambda v: pseudonym(key, "record", v))
    order = [c for c in ("source", "record_id") if c in out.columns]
    return out.sort_values(order, kind="stable").reset_index(drop=True) if order else out


def public_subset(records: pd.DataFrame) -> pd.DataFrame:
    """Canonical records → the public subset (`PUBLIC_COLUMNS`), one row per record, sorted by every
    column."""
    frame = pd.DataFrame(
        {
            "source": records["source"].astype(str),
            "year_of_death": _mapped(records["date_of_death"].astype(str), death_year),
            "governorate": records["governorate"].astype(str),
            "sex": records["sex"].astype(str),
            "age_band": _mapped(records["age"].astype(str), age_band),
        }
    )
    return frame.sort_values(list(PUBLIC_COLUMNS), kind="stable").reset_index(drop=True)


def coarsen_date(value: str) -> str:
    """A canonical date or EDTF interval cut to month precision: 2013-05-17 → 2013-05, 2013-05-02/2013-05-20 →
    2013-05; a year stays a year (precision is lowered, never invented)."""
    if value == "":
        return ""
    parts = [part[:7] for part in value.split("/")]
    return parts[0] if len(set(parts)) == 1 else "/".join(parts)


def death_year(value: str) -> str:
    """The year of a canonical date, or "2012/2013" for an interval across years."""
    if value == "":
        return ""
    years = [part[:4] for part in value.split("/")]
    return years[0] if len(set(years)) == 1 else f"{years[0]}/{years[-1]}"


def age_band(value: str) -> str:
    """A whole age → its band ("30-39", "70+"); "" when unknown."""
    if not re.fullmatch(r"\d+", value):
        return ""
    age = int(value)
    if age >= AGE_BAND_TOP:
        return f"{AGE_BAND_TOP}+"
    low = age - age % AGE_BAND_WIDTH
    return f"{low}-{low + AGE_BAND_WIDTH - 1}"


def _mapped(values: pd.Series, function: Callable[[str], str]) -> pd.Series:
    """`function` applied once per distinct value (names repeat a lot, and HMAC is the slow part)."""
    table = {value: function(value) for value in values.unique()}
    return values.map(table)


def pseudonym_key(ws: Workspace, by: Actor | str) -> bytes:
    """The workspace's pseudonym key, made (and audited as a write) on first use.

    Two first exports at once: on SQLite the session's write lock makes the second find the first's key; on
    PostgreSQL the second insert fails on the primary key and the key is read again.
    """
    key = _read_secret(ws, PSEUDONYM_SECRET)
    if key is not None:
        return key
    try:
        with ws.session() as session:
            if session.get(WorkspaceSecret, PSEUDONYM_SECRET) is None:
                session.add(WorkspaceSecret(name=PSEUDONYM_SECRET, value=secrets.token_bytes(_KEY_BYTES),
                                            created_at=datetime.now(UTC)))
                session.flush()
                audit.record(session, by, "secret.create", PSEUDONYM_SECRET, {"bytes": _KEY_BYTES})
    except IntegrityError:
        pass  # made by a concurrent export in the meantime
    key = _read_secret(ws, PSEUDONYM_SECRET)
    assert key is not None  # written above or by the concurrent export
    return key


def _read_secret(ws: Workspace, name: str) -> bytes | None:
    with ws.engine.connect() as connection:
        value = connection.execute(select(WorkspaceSecret.value).where(WorkspaceSecret.name == name)).scalar()
    return bytes(value) if value is not None else None


def export_records(ws: Workspace, actor: Actor, out: str | Path, *, identified: bool = False) -> ExportResult:
    """The canonical records, pseudonymised (needs export.records) or, with `identified`, as stored (needs
    export.records and export.identified)."""
    from uncounted.store.records import load_records

    mode = "identified" if identified else "pseudonymised"
    target = check_out_path(out)
    require(actor, "export.records", resource="records")
    if identified:
        require(actor, "export.identified", resource="records")
    records = load_records(ws)
    frame = records if identified else pseudonymise(records, pseudonym_key(ws, actor))
    return _publish(ws, actor, "records", mode, target, len(frame),
                    lambda path: frame.to_csv(path, index=False))


def export_public(ws: Workspace, actor: Actor, out: str | Path) -> ExportResult:
    """The public subset of the records (needs export.public)."""
    from uncounted.store.records import load_records

    target = check_out_path(out)
    require(actor, "export.public", resource="public")
    frame = public_subset(load_records(ws))
    return _publish(ws, actor, "public", "public", target, len(frame),
                    lambda path: frame.to_csv(path, index=False))


def export_file(ws: Workspace, actor: Actor, kind: str, source: Path, out: str | Path) -> ExportResult:
    """A file the linkage wrote (entities.csv, capture_histories.csv), copied as it is (needs export.public:
    it holds no name)."""
    target = check_out_path(out)
    require(actor, "export.public", resource=kind)
    if not source.is_file():
        raise BadInput("nothing to export yet; run 'uncounted link' first", file=str(ws.path))
    data = source.read_bytes()
    rows = max(data.count(b"\n") - 1, 0)  # these files hold no quoted newline: one line per row
    return _publish(ws, actor, kind, "as-linked", target, rows, lambda path: path.write_bytes(data))


def check_out_path(out: str | Path) -> Path:
    """The export's target, refused (BadInput, exit 2) before any work when it cannot be written."""
    target = Path(out)
    if target.is_dir():
        raise BadInput("--out names a folder; give the name of the file to write", file=str(target))
    if not target.parent.is_dir():
        raise BadInput("the folder to write the export in does not exist", file=str(target))
    if not os.access(target.parent, os.W_OK):
        raise BadInput("the folder to write the export in is not writable", file=str(target))
    return target


def _publish(ws: Workspace, actor: Actor, kind: str, mode: str, target: Path, rows: int,
             write: Callable[[Path], object]) -> ExportResult:
    """Write to a temporary file beside `target`, audit, then rename: the file appears whole or not at all,
    and never without its audit entry (a failed rename leaves an entry for a file that did not appear, the
    safe side)."""
    results = []

    def write_and_audit(temporary: Path) -> None:
        write(temporary)
        results.append(ExportResult(target, rows, mode, sha256_file(temporary)))
        with ws.session() as session:
            audit.record(session, actor, "export", kind,
                         {"mode": mode, "file": str(target), "rows": rows, "sha256": results[0].sha256})

    try:
        write_atomically(target, write_and_audit)
    except OSError as exc:
        raise BadInput(f"cannot write the export ({exc.strerror})", file=str(target)) from exc
    return results[0]
