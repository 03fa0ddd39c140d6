"""Small made-up victim lists for the ingest tests (invented names; no real person's data)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlalchemy import func, select

from uncounted.store.models import Import, Quarantined, records
from uncounted.workspace import Workspace

HEADER = ["record_id", "full_name", "sex", "age", "date_of_death", "governorate"]
ROWS = [
    ["007", "محمد أحمد الحسن", "male", "34", "2013-05-17", "حلب"],
    ["008", "فاطمة علي الخطيب", "female", "", "2014-02", "حمص"],
    ["009", "Omar Khaled al-Masri", "male", "٢٥", "2012", "Idlib"],
    ["010", "عبد الله يوسف", "", "51", "2013-05/2013-07", "دمشق"],
]

#: The same people under a documentation group's own Arabic headers and words.
ARABIC_HEADER = ["الرقم", "الاسم الكامل", "الجنس", "العمر", "تاريخ الوفاة", "المحافظة"]
ARABIC_ROWS = [
    ["1", "محمد أحمد الحسن", "ذكر", "٣٤", "17/05/2013", "حلب"],
    ["2", "فاطمة علي الخطيب", "أنثى", "", "02/02/2014", "حمص"],
    ["3", "عمر خالد المصري", "ذكر", "25", "01/01/2012", "إدلب"],
]


def csv_text(header: list[str] = HEADER, rows: list[list[str]] = ROWS, delimiter: str = ",") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def write_csv(
    path: Path,
    header: list[str] = HEADER,
    rows: list[list[str]] = ROWS,
    *,
    encoding: str = "utf-8",
    delimiter: str = ",",
) -> Path:
    path.write_bytes(csv_text(header, rows, delimiter).encode(encoding))
    return path


def store_state(ws: Workspace) -> tuple[int, int, int, tuple[str, ...]]:
    """Row counts of the ingest tables and the names under originals/: what 'unchanged' means."""
    with ws.engine.connect() as connection:
        counts = [
            connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (Import.__table__, records, Quarantined.__table__)
        ]
    kept = tuple(sorted(p.name for p in ws.originals.iterdir())) if ws.originals.exists() else ()
    return counts[0], counts[1], counts[2], kept
