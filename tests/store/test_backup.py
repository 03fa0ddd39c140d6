"""Backup and restore: round trips that verify, an encrypted archive that holds only ciphertext, damage
refused."""

from __future__ import annotations

import io
from pathlib import Path
from unittest.mock import patch

import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from uncounted.cli import admin
from uncounted.errors import BadInput
from uncounted.ingest import ingest_file
from uncounted.store import audit, engines, fixity, users
from uncounted.store import backup as backup_module
from uncounted.store.access import PermissionDenied, actor
from uncounted.store.backup import backup, restore
from uncounted.store.records import load_records
from uncounted.store.vault import FieldContext, Vault
from uncounted.workspace import Workspace

from .conftest import PASSPHRASE
from .test_engines import VICTIM, WITNESS, forms

CSV = f"record_id,full_name,notes\r\n1,{VICTIM},x\r\n2,{WITNESS},y\r\n"


def filled(tmp_path: Path, *, encrypt: bool) -> Workspace:
    ws = Workspace.create(tmp_path / "ws", encrypt=encrypt, passphrase=PASSPHRASE if encrypt else None)
    source = tmp_path / "list.csv"
    source.write_text(CSV, encoding="utf-8")
    ingest_file(ws, source, source="A")
    with ws.session() as session:
        audit.record(session, "amal", "import", "list.csv", {"records": 2})
    return ws


@pytest.mark.parametrize("encrypt", [False, True])
def test_a_backup_restores_to_a_workspace_that_opens_and_verifies(
    tmp_path: Path, encrypt: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(engines.PASSPHRASE_ENV, PASSPHRASE)
    ws = filled(tmp_path, encrypt=encrypt)
    admin_actor = actor("amal", "admin", ws)
    vault = Vault.initialise(ws, admin_actor, "vault passphrase")
    place = FieldContext("testimony_witness_identities", 1, "protected_name")
    token = vault.seal(WITNESS, place)
    result = backup(ws, tmp_path / "ws.backup", admin_actor)
    assert result.encrypted is encrypt and result.files == 3  # settings, store, one original
    restored = restore(result.path, tmp_path / "restored")
    assert restored.verified, (restored.audit_problems, restored.fixity)
    again = Workspace.open(restored.path)
    assert again.encrypted is encrypt
    assert load_records(again).equals(load_records(ws))
    assert audit.entries(again)[-1]["action"] == "store.backup"
    assert fixity.check(again).ok == fixity.check(ws).ok != []
    assert Vault.unlock(again, "vault passphrase").open_sealed(token, place, admin_actor) == WITNESS


def test_an_encrypted_backup_holds_only_ciphertext(tmp_path: Path) -> None:
    ws = filled(tmp_path, encrypt=True)
    archive = backup(ws, tmp_path / "ws.backup", actor("amal", "admin", ws)).path
    data = archive.read_bytes()
    needles = {
        **forms(WITNESS, VICTIM),
        "the original list": CSV.encode(),
        "settings": b"[store]",
        "a tar header": b"ustar",
        "SQLite's header": b"SQLite format 3",
    }
    assert [label for label, needle in needles.items() if needle in data] == []
    plain = backup(filled(tmp_path / "plain", encrypt=False), tmp_path / "plain.backup", actor("a", "admin"))
    import gzip

    assert VICTIM.encode() in gzip.decompress(plain.path.read_bytes())  # the same search finds a plain one


def test_a_wrong_passphrase_or_a_damaged_archive_restores_nothing(tmp_path: Path) -> None:
    ws = filled(tmp_path, encrypt=True)
    archive = backup(ws, tmp_path / "ws.backup", actor("amal", "admin", ws)).path
    with pytest.raises(BadInput, match="wrong passphrase"):
        restore(archive, tmp_path / "r1", passphrase="not it")
    data = archive.read_bytes()
    flipped = tmp_path / "flipped.backup"
    flipped.write_bytes(data[:-40] + bytes([data[-40] ^ 1]) + data[-39:])
    cut = tmp_path / "cut.backup"
    cut.write_bytes(data[: len(data) // 2])
    for bad in (flipped, cut):
        with pytest.raises(BadInput):
            restore(bad, tmp_path / "r2", passphrase=PASSPHRASE)
    assert not (tmp_path / "r1").exists() and not (tmp_path / "r2").exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".uncounted")) == []


def test_a_plain_archive_that_does_not_match_its_manifest_is_refused(tmp_path: Path) -> None:
    import gzip
    import io
    import tarfile

    ws = filled(tmp_path, encrypt=False)
    archive = backup(ws, tmp_path / "ws.backup", actor("amal", "admin", ws)).path
    out = io.BytesIO()
    with (
        tarfile.open(fileobj=io.BytesIO(gzip.decompress(archive.read_bytes()))) as source,
        tarfile.open(fileobj=out, mode="w") as target,
    ):
        for member in source:
            content = source.extractfile(member).read()  # type: ignore[union-attr]
            if member.name.startswith("originals/"):
                content = content.replace(b"Zayd", b"Zeyd")
            target.addfile(member, io.BytesIO(content))
    forged = tmp_path / "forged.backup"
    forged.write_bytes(gzip.compress(out.getvalue()))
    with pytest.raises(BadInput, match="does not match its manifest"):
        restore(forged, tmp_path / "r")
    assert not (tmp_path / "r").exists()


def test_backup_needs_the_permission_and_a_new_file(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws")
    with pytest.raises(PermissionDenied):
        backup(ws, tmp_path / "b", actor("nour", "analyst", ws))
    (tmp_path / "exists").write_text("x")
    with pytest.raises(BadInput, match="already exists"):
        backup(ws, tmp_path / "exists", actor("amal", "admin", ws))
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x").write_text("x")
    with pytest.raises(BadInput, match="not empty"):
        restore(tmp_path / "exists", tmp_path / "full")


def test_cli_backup_and_restore_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(engines.PASSPHRASE_ENV, PASSPHRASE)
    ws = filled(tmp_path, encrypt=True)
    monkeypatch.setenv("UNCOUNTED_PASSWORD", "a long enough password")
    users.add_user(ws, users.local_actor(ws), "amal", "admin", "a long enough password")
    app = typer.Typer()
    admin.register(app)
    runner = CliRunner()
    monkeypatch.setenv("UNCOUNTED_USER_PASSWORD", "a long enough password")
    made = runner.invoke(app, ["backup", "-w", str(ws.path), "--out", str(tmp_path / "b"), "--as", "amal"])
    assert made.exit_code == 0, made.output
    assert "encrypted backup" in made.output
    back = runner.invoke(app, ["restore", str(tmp_path / "b"), "--out", str(tmp_path / "ws2")])
    assert back.exit_code == 0, back.output
    assert "audit log and 1 originals verified" in back.output


@settings(max_examples=30, deadline=None)
@given(data=st.binary(max_size=400), pieces=st.lists(st.integers(1, 90), max_size=8), cut=st.integers(1, 400))
def test_the_chunked_stream_round_trips_and_refuses_any_cut(data: bytes, pieces: list[int], cut: int) -> None:
    """The hand-written STREAM layer: any data, written in any pieces, reads back; any shortened stream
    fails."""
    kdf = {"algorithm": "argon2id", "salt": "00" * 16, "time_cost": 1, "memory_cost": 8, "parallelism": 1}
    sink = io.BytesIO()
    with patch.object(backup_module, "CHUNK", 64):
        writer = backup_module._EncryptingWriter(sink, engines.derive_key(PASSPHRASE, kdf), kdf)
        position = 0
        for size in [*pieces, len(data)]:
            writer.write(data[position : position + size])
            position += size
        writer.close()
    sealed = sink.getvalue()
    assert sealed.startswith(backup_module.MAGIC)

    def read(stream: bytes) -> bytes:
        reader = backup_module._DecryptingReader(
            io.BytesIO(stream[len(backup_module.MAGIC) :]), PASSPHRASE, "x"
        )
        return reader.read()

    assert read(sealed) == data
    header_end = len(backup_module.MAGIC) + 4 + int.from_bytes(sealed[len(backup_module.MAGIC) :][:4], "big")
    shortened = sealed[: max(header_end, len(sealed) - cut)]
    with pytest.raises(BadInput):
        read(shortened)


def test_a_file_slipped_into_a_plain_archive_is_refused(tmp_path: Path) -> None:
    import gzip
    import tarfile

    ws = filled(tmp_path, encrypt=False)
    archive = backup(ws, tmp_path / "ws.backup", actor("amal", "admin", ws)).path
    out = io.BytesIO()
    with (
        tarfile.open(fileobj=io.BytesIO(gzip.decompress(archive.read_bytes()))) as source,
        tarfile.open(fileobj=out, mode="w") as target,
    ):
        for member in source:
            target.addfile(member, source.extractfile(member))
        extra = tarfile.TarInfo("originals/" + "0" * 64)
        extra.size = 5
        target.addfile(extra, io.BytesIO(b"extra"))
    forged = tmp_path / "forged.backup"
    forged.write_bytes(gzip.compress(out.getvalue()))
    with pytest.raises(BadInput, match="differ from its manifest"):
        restore(forged, tmp_path / "r")
    assert not (tmp_path / "r").exists()
