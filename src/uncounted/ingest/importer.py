"""`ingest_file`: one victim list into the store, as one transaction, with its original kept byte for byte.

The order matters. Everything that only needs the file (reading, mapping, file-level checks) happens before
the store is touched. The transaction then claims the file's hash first — which also takes SQLite's write
lock, so two processes importing at once queue rather than race — checks record_ids against the store, writes
records and quarantine in bulk, and stages the original. The original gets its final name only after the
commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from uncounted.errors import BadInput, UncountedError
from uncounted.ingest import fixity
from uncounted.ingest.mapping import Mapping, apply_mapping, load_mapping
from uncounted.ingest.quarantine import quarantine_rows, refuse
from uncounted.ingest.read import RawTable, read_table
from uncounted.ingest.validate import check_file, normalise, validate
from uncounted.records import CANONICAL_FIELDS
from uncounted.store import audit, originals
from uncounted.store.access import Actor
from uncounted.store.models import Import, Quarantined, records
from uncounted.store.users import LOCAL
from uncounted.workspace import Workspace

CHUNK = 50_000  # rows per executemany: big enough to be fast, small enough to report progress

Progress = Callable[[int, int], None]  # (records written so far, records to write)


@dataclass
class ImportResult:
    """What one call of `ingest_file` did (or found already done)."""

    import_id: int
    sources: tuple[str, ...]
    sha256: str
    n_rows: int
    n_records: int
    n_quarantined: int
    already_imported: bool
    warnings: list[str] = field(default_factory=list)
    file: str = ""

    @property
    def source(self) -> str:
        """The list's name, or the names joined when the file's source column holds several."""
        return ", ".join(self.sources)


def ingest_file(
    ws: Workspace,
    path: str | Path,
    *,
    source: str | None = None,
    mapping: str | Path | None = None,
    quarantine: bool = False,
    append: bool = False,
    progress: Progress | None = None,
    by: Actor | str = LOCAL,
) -> ImportResult:
    """Import one CSV, XLSX or Parquet list into the workspace's store.

    The source name is `source` if given, else the mapping's fixed `source`, else the file's `source` column
    (per row), else the file's stem. Strict by default: any invalid row raises BadInput and nothing is
    written; with `quarantine=True` valid rows are imported and invalid ones go to the quarantine table with
    reasons. Re-importing the same bytes (same SHA-256) does nothing and says so. A source that already holds
    records from another file is refused unless `append=True` (a list delivered in batches): two lists given
    one name would otherwise become one list, and every capture history with them. The import is audited as
    `by` in the same transaction as the rows.
    """
    path = Path(path)
    file = str(path)
    if not path.is_file():
        raise BadInput("no such file", file=file)
    data = path.read_bytes()
    sha256 = fixity.sha256_bytes(data)
    rules = load_mapping(mapping)
    done = _already_imported(ws, sha256, data, file)
    if done is not None:
        return done

    raw = read_table(data, file, rules)
    frame, origin, warnings = _canonical(raw, rules, path, source)
    warnings = raw.warnings + warnings

    name = originals.name_for(sha256)
    staged: Path | None = None
    try:
        with ws.session() as session:
            connection = session.connection()
            import_id = _claim(
                connection,
                sha256=sha256,
                file_name=path.name,
                original=name,
                size_bytes=len(data),
                format=raw.format,
                encoding=raw.encoding,
                delimiter=raw.delimiter,
                mapping_file=str(mapping or ""),
                mapping_sha256=rules.sha256,
            )
            stored = _stored_ids(connection, frame["source"].unique().tolist())
            if stored and not append:
                raise _source_taken(connection, stored, file)
            clean, problems = validate(frame, raw.rows, date_formats=rules.date_formats, stored=stored)
            if len(problems) and not quarantine:
                raise refuse(problems, raw.rows, origin, file)
            bad = np.zeros(len(clean), dtype=bool)
            bad[problems["position"].to_numpy(dtype=int)] = True
            _insert_records(connection, clean.loc[~bad], raw.rows[~bad], import_id, progress)
            entries = quarantine_rows(problems, raw.frame, raw.rows, clean, origin)
            if entries:
                connection.execute(
                    insert(Quarantined.__table__), [{**e, "import_id": import_id} for e in entries]
                )
                warnings.append(f"{len(entries):,} rows quarantined")
            sources = tuple(s for s in dict.fromkeys(clean["source"]) if s)
            n_records = int((~bad).sum())
            connection.execute(
                update(Import.__table__)
                .where(Import.__table__.c.id == import_id)
                .values(
                    sources=list(sources),
                    n_rows=len(clean),
                    n_records=n_records,
                    n_quarantined=len(entries),
                    warnings=warnings,
                )
            )
            audit.record(session, by, "import", path.name, {
                "sha256": sha256, "sources": list(sources), "rows": len(clean), "records": n_records,
                "quarantined": len(entries)})
            staged = originals.stage(ws, data, sha256, name)
    except _Claimed:  # another process committed these bytes while we were reading them
        done = _already_imported(ws, sha256, data, file)
        if done is None:
            raise UncountedError("the store refused this file's hash but holds no import of it") from None
        return done
    except BaseException as exc:
        if staged is not None:
            originals.discard(staged)
        if isinstance(exc, OperationalError) and "locked" in str(exc.orig):
            raise UncountedError(
                "the store is busy with another import; nothing was written, try again when it has finished"
            ) from None
        raise
    originals.publish(staged)
    return ImportResult(
        import_id, sources, sha256, len(clean), n_records, len(entries), False, warnings, file
    )


class _Claimed(Exception):
    """The file's hash is already in the store: raised inside the transaction so that it rolls back."""


def _claim(connection, **values) -> int:  # type: ignore[no-untyped-def]
    """Insert the import's row first: it takes the write lock and claims the file's hash."""
    try:
        return connection.execute(
            insert(Import.__table__).values(**values, sources=[], warnings=[], imported_at=datetime.now(UTC))
        ).inserted_primary_key[0]
    except IntegrityError:
        raise _Claimed() from None


def _canonical(
    raw: RawTable, rules: Mapping, path: Path, source: str | None
) -> tuple[pd.DataFrame, dict[str, str], list[str]]:
    """Map the file's columns, decide each row's source and record_id, and check the list as a whole."""
    file = str(path)
    frame, origin, warnings = apply_mapping(raw.frame, rules, file)
    check_file(frame, file)
    if source is not None:
        if not source.strip():
            raise BadInput("the source name is empty", file=file)
        if "source" in frame.columns and (frame["source"] != source.strip()).any():
            warnings.append(f"the file's own source column was replaced by --source '{source.strip()}'")
        frame["source"] = source.strip()
        origin["source"] = "--source"
    elif "source" not in frame.columns:
        frame["source"] = path.stem
        origin["source"] = "(file name)"
    if "record_id" not in frame.columns:
        frame["record_id"] = pd.Series(raw.rows, index=frame.index).map("row-{}".format)
        origin["record_id"] = "(row number)"
        warnings.append(
            "the file has no record_id column: records are numbered by their row ('row-2' is the "
            "first data row); these ids are stable only while the file's rows keep their order"
        )
    return normalise(frame, rules.values), origin, warnings


def _already_imported(ws: Workspace, sha256: str, data: bytes, file: str) -> ImportResult | None:
    """The earlier import of these exact bytes, with its original put back if a crash lost the rename."""
    with ws.engine.connect() as connection:
        row = (
            connection.execute(select(Import.__table__).where(Import.__table__.c.sha256 == sha256))
            .mappings()
            .first()
        )
    if row is None:
        return None
    originals.publish(originals.stage(ws, data, sha256, row["original"]))
    return ImportResult(
        row["id"],
        tuple(row["sources"]),
        sha256,
        row["n_rows"],
        row["n_records"],
        row["n_quarantined"],
        True,
        [f"already imported (import {row['id']}); nothing to do"],
        file,
    )


def _source_taken(connection, stored: dict[str, set[str]], file: str) -> BadInput:  # type: ignore[no-untyped-def]
    """The sentence refusing a second list under a name a first one already has."""
    name = sorted(stored)[0]
    earlier = connection.execute(
        select(Import.__table__.c.file_name).join(records, records.c.import_id == Import.__table__.c.id)
        .where(records.c.source == name).limit(1)).scalar()
    return BadInput(f"source '{name}' already holds {len(stored[name]):,} records from {earlier}; give this list "
                    "a name of its own, or append it (--append) if it is more of the same list", file=file)


def _stored_ids(connection, sources: list[str]) -> dict[str, set[str]]:  # type: ignore[no-untyped-def]
    """The record_ids already in the store for these sources, to refuse duplicates across imports."""
    stored: dict[str, set[str]] = {}
    column = records.c
    for start in range(0, len(sources), 500):
        query = select(column.source, column.record_id).where(column.source.in_(sources[start : start + 500]))
        for found_source, record_id in connection.execute(query):
            stored.setdefault(found_source, set()).add(record_id)
    return stored


def _insert_records(
    connection,
    frame: pd.DataFrame,
    rows: np.ndarray,
    import_id: int,  # type: ignore[no-untyped-def]
    progress: Progress | None,
) -> None:
    """Bulk insert in chunks, each one DBAPI executemany, inside the caller's transaction.

    The statement is compiled once for the connection's dialect and the rows go to the driver as plain tuples:
    SQLAlchemy's per-row parameter processing would otherwise cost more than SQLite's own work.
    """
    keys = ["import_id", "row", *CANONICAL_FIELDS]
    compiled = insert(records).compile(dialect=connection.dialect, column_keys=keys)
    order = list(compiled.positiontup) if compiled.positional else keys  # type: ignore[arg-type]
    columns = {
        "import_id": np.full(len(frame), import_id).tolist(),
        "row": rows.astype(int).tolist(),
        **{name: frame[name].tolist() for name in CANONICAL_FIELDS},
    }
    ordered = [columns[key] for key in order]
    total = len(frame)
    for start in range(0, total, CHUNK):
        chunk = [column[start : start + CHUNK] for column in ordered]
        if compiled.positional:
            params: list = list(zip(*chunk, strict=True))
        else:
            params = [dict(zip(order, values, strict=True)) for values in zip(*chunk, strict=True)]
        connection.exec_driver_sql(str(compiled), params)
        if progress is not None:
            progress(min(start + CHUNK, total), total)
