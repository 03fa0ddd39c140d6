"""Fixity check: every kept original is re-hashed and compared with the SHA-256 recorded when it came in.

The originals are the evidence; a court, a partner or the group itself may ask years later whether they are
still the bytes that were imported. Expected hashes come from the store (imported lists in `imports`,
testimony originals in `testimony_accounts`); any other file in the originals folder whose name is a SHA-256
is checked against its own name. Files the store names but the folder lacks are reported missing. In an
encrypted workspace the originals are decrypted on the fly; one that no longer decrypts counts as altered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import inspect, text

from uncounted.ingest.fixity import PARTIAL
from uncounted.store import originals
from uncounted.workspace import Workspace

_SHA256 = re.compile(r"^[0-9a-f]{64}")


@dataclass
class FixityReport:
    """Outcome of one check: `ok` lists the intact files; the other lists name what needs a person's
    attention."""

    ok: list[str] = field(default_factory=list)
    altered: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    unrecorded: list[str] = field(default_factory=list)  # in the folder, named by no record and by no hash

    @property
    def intact(self) -> bool:
        return not (self.altered or self.missing)

    def problems(self) -> list[str]:
        return [f"{name}: altered (its SHA-256 no longer matches)" for name in self.altered] + [
            f"{name}: missing" for name in self.missing
        ]


def expected_hashes(ws: Workspace) -> dict[str, str]:
    """File name under originals/ → SHA-256 recorded in the store (tables that do not exist yet are
    skipped)."""
    queries = {
        "imports": "SELECT original, sha256 FROM imports",
        "testimony_accounts": "SELECT original_sha256, original_sha256 FROM testimony_accounts "
        "WHERE original_sha256 <> ''",
    }
    expected: dict[str, str] = {}
    with ws.engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        for table, query in queries.items():
            if table in tables:
                expected.update({name: sha for name, sha in connection.execute(text(query))})
    return expected


def check(ws: Workspace) -> FixityReport:
    """Re-hash every original the store records or the folder holds."""
    expected = expected_hashes(ws)
    folder: Path = ws.originals
    present = {p.name for p in folder.iterdir() if p.is_file()} if folder.is_dir() else set()
    for name in present - set(expected):
        match = _SHA256.match(name)
        if match and not name.endswith(PARTIAL):
            expected[name] = match.group(0)
    report = FixityReport()
    for name in sorted(expected):
        if name not in present:
            report.missing.append(name)
        elif originals.plaintext_sha256(ws, name, expected[name]) == expected[name]:
            report.ok.append(name)
        else:
            report.altered.append(name)
    report.unrecorded = sorted(present - set(expected))
    return report
