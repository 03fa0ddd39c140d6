"""Tables of imported lists and of the results computed from them.

`records` keeps every canonical field as text ("" when empty) so that nothing a group wrote is reinterpreted
by the database; `imports` holds each original's SHA-256, which makes re-importing a file a no-op and lets
fixity be re-checked; `quarantine` keeps every row that failed validation with its reason and its original
values, so no row is ever lost silently.

`linkage_runs` (with each run's `linkage_entities`) and `estimate_results` keep every linkage run and every
estimate with its settings, seed, input hash and author, so a published figure can be traced to the run that
made it and re-run exactly; the workspace's entities.csv and estimate.json are copies of the latest ones.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from uncounted.records import CANONICAL_FIELDS
from uncounted.store.base import Base


class Import(Base):
    """One imported file (an original kept byte for byte under the workspace's originals folder)."""

    __tablename__ = "imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    file_name: Mapped[str] = mapped_column(Text)  # the name it had when imported
    original: Mapped[str] = mapped_column(Text)  # its name under originals/: <sha256><suffix>
    size_bytes: Mapped[int] = mapped_column(Integer)
    format: Mapped[str] = mapped_column(String(16))  # csv, xlsx, parquet
    encoding: Mapped[str] = mapped_column(String(32), default="")
    delimiter: Mapped[str] = mapped_column(String(4), default="")
    mapping_file: Mapped[str] = mapped_column(Text, default="")
    mapping_sha256: Mapped[str] = mapped_column(String(64), default="")
    sources: Mapped[list[str]] = mapped_column(JSON, default=list)
    n_rows: Mapped[int] = mapped_column(Integer, default=0)
    n_records: Mapped[int] = mapped_column(Integer, default=0)
    n_quarantined: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[list[str]] = mapped_column(JSON, default=list)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


#: One canonical record per row. A Core table (not an ORM class) because imports write it in bulk with
#: executemany, and readers load it straight into a DataFrame. `id` orders records as they were imported.
records = Table(
    "records",
    Base.metadata,
    Column("id", Integer, primary_key=True),
    Column("import_id", Integer, ForeignKey("imports.id"), nullable=False, index=True),
    Column("row", Integer, nullable=False),  # row number in the original file (header = 1)
    *(Column(name, Text, nullable=False, default="") for name in CANONICAL_FIELDS),
    UniqueConstraint("source", "record_id", name="uq_records_source_record_id"),
)


class Quarantined(Base):
    """A row that failed validation: where it was, what was wrong, and its values exactly as read."""

    __tablename__ = "quarantine"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id"), index=True)
    source: Mapped[str] = mapped_column(Text, default="", index=True)
    record_id: Mapped[str] = mapped_column(Text, default="")
    row: Mapped[int] = mapped_column(Integer)
    column: Mapped[str] = mapped_column(Text)  # the file's own header of the first bad column
    reason: Mapped[str] = mapped_column(Text)  # every problem of the row, "; "-separated
    values: Mapped[dict[str, Any]] = mapped_column(JSON)  # header → value, as read


class Record(Base):
    """ORM view of `records`, for code that wants objects rather than bulk rows."""

    __table__ = records


class LinkageRun(Base):
    """One linkage run: what it was given (input hash), how it was set (settings, seed), what it found, by
    whom."""

    __tablename__ = "linkage_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(64))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)  # the workspace's [link] and Splink's settings
    seed: Mapped[int] = mapped_column(Integer)
    input_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 of the records and review labels linked
    n_records: Mapped[int] = mapped_column(Integer)
    n_entities: Mapped[int] = mapped_column(Integer)
    n_links: Mapped[int] = mapped_column(Integer)
    diagnostics: Mapped[dict[str, Any]] = mapped_column(JSON)


#: Each run's assignment of records to people (entities.csv of that run). A Core table for bulk writes, like
#: `records`; (source, record_id) names the record as the lists do, so a run stays readable after re-imports.
linkage_entities = Table(
    "linkage_entities",
    Base.metadata,
    Column("run_id", Integer, ForeignKey("linkage_runs.id"), primary_key=True),
    Column("source", Text, primary_key=True),
    Column("record_id", Text, primary_key=True),
    Column("entity_id", Text, nullable=False),
)


class EstimateResult(Base):
    """One estimate (`uncounted.mse.Estimate`): its headline columns for queries, and the whole result as
    the `--json` object. `role` is "main" for the workspace's estimate, "sensitivity" for the methods beside
    it."""

    __tablename__ = "estimate_results"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    method: Mapped[str] = mapped_column(String(32))
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    seed: Mapped[int | None] = mapped_column(Integer, nullable=True)
    input_hash: Mapped[str] = mapped_column(String(64), default="")
    n_observed: Mapped[int] = mapped_column(Integer)
    estimate: Mapped[float | None] = mapped_column(Float, nullable=True)  # None when not finite
    lower: Mapped[float | None] = mapped_column(Float, nullable=True)
    upper: Mapped[float | None] = mapped_column(Float, nullable=True)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)  # Estimate.to_json()
