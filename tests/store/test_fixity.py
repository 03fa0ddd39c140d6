"""Fixity: kept originals re-hashed against the store's record; altered, missing and stray files named."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from uncounted.cli import admin
from uncounted.errors import BadInput
from uncounted.ingest import ingest_file
from uncounted.store import fixity
from uncounted.workspace import Workspace

CSV = "record_id,full_name,sex\r\n1,Zayd Almithal,male\r\n2,زيد المثال,male\r\n"


@pytest.fixture
def imported(tmp_path: Path) -> tuple[Workspace, Path]:
    ws = Workspace.create(tmp_path / "ws")
    source = tmp_path / "list.csv"
    source.write_text(CSV, encoding="utf-8")
    result = ingest_file(ws, source, source="A")
    return ws, ws.originals / result.sha256


def test_intact_originals_pass_with_the_hashes_the_import_recorded(imported: tuple[Workspace, Path]) -> None:
    ws, kept = imported
    assert fixity.expected_hashes(ws) == {kept.name: hashlib.sha256(CSV.encode()).hexdigest()}
    report = fixity.check(ws)
    assert (report.ok, report.altered, report.missing, report.intact) == ([kept.name], [], [], True)


def test_an_altered_original_is_named(imported: tuple[Workspace, Path]) -> None:
    ws, kept = imported
    kept.write_bytes(kept.read_bytes().replace(b"male", b"mala", 1))  # same size, one byte changed
    report = fixity.check(ws)
    assert report.altered == [kept.name] and not report.intact
    assert report.problems() == [f"{kept.name}: altered (its SHA-256 no longer matches)"]


def test_a_missing_original_is_named(imported: tuple[Workspace, Path]) -> None:
    ws, kept = imported
    kept.unlink()
    assert fixity.check(ws).missing == [kept.name]


def test_files_the_store_does_not_name_are_checked_by_their_hash_name(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws")
    good = b"an account of an interview"
    (ws.originals / hashlib.sha256(good).hexdigest()).write_bytes(good)
    (ws.originals / ("0" * 64 + ".csv")).write_bytes(b"not what the name says")
    (ws.originals / "notes.txt").write_bytes(b"a stray file")
    report = fixity.check(ws)
    assert report.ok == [hashlib.sha256(good).hexdigest()]
    assert report.altered == ["0" * 64 + ".csv"]
    assert report.unrecorded == ["notes.txt"]


def test_cli_fixity_check_exit_codes(imported: tuple[Workspace, Path]) -> None:
    ws, kept = imported
    app = typer.Typer()
    admin.register(app)
    runner = CliRunner()
    ok = runner.invoke(app, ["fixity", "check", "-w", str(ws.path)])
    assert ok.exit_code == 0 and "1 originals intact" in ok.output
    kept.write_bytes(b"tampered")
    bad = runner.invoke(app, ["fixity", "check", "-w", str(ws.path)])
    assert isinstance(bad.exception, BadInput) and kept.name in str(bad.exception)
