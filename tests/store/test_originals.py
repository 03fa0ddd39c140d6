"""Kept originals: as they are in a plain workspace, AES-GCM chunks in an encrypted one; changes detected."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.testimony.factory import ACCOUNTS, vaulted, write_testimony
from uncounted.ingest import ingest_file
from uncounted.store import fixity, originals
from uncounted.testimony.persist import import_testimony
from uncounted.workspace import Workspace

from .conftest import PASSPHRASE

SECRET = b"Zayd Almithal, invented"


def kept(ws: Workspace, data: bytes) -> tuple[str, Path]:
    digest = hashlib.sha256(data).hexdigest()
    originals.publish(originals.stage(ws, data, digest))
    return digest, ws.originals / digest


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(originals, "CHUNK", 64)  # so a few hundred bytes span several chunks


@pytest.mark.parametrize("size", [0, 1, 63, 64, 65, 640, 1000])
def test_an_encrypted_original_reads_back_exactly_and_holds_no_plaintext(
    tmp_path: Path, small_chunks: None, size: int
) -> None:
    ws = Workspace.create(tmp_path / "ws", encrypt=True, passphrase=PASSPHRASE)
    data = (SECRET * 100)[:size]
    digest, path = kept(ws, data)
    raw = path.read_bytes()
    assert raw.startswith(originals.MAGIC)
    assert SECRET[:8] not in raw
    assert originals.read(ws, digest, digest) == data
    reopened = Workspace.open(ws.path, passphrase=PASSPHRASE)
    assert originals.plaintext_sha256(reopened, digest, digest) == digest


def test_a_plain_workspace_keeps_the_bytes_as_they_are(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws")
    digest, path = kept(ws, SECRET)
    assert path.read_bytes() == SECRET
    assert originals.read(ws, digest, digest) == SECRET


def test_flipped_truncated_reordered_or_swapped_ciphertext_is_refused(
    tmp_path: Path, small_chunks: None
) -> None:
    ws = Workspace.create(tmp_path / "ws", encrypt=True, passphrase=PASSPHRASE)
    data = SECRET * 20
    digest, path = kept(ws, data)
    good = path.read_bytes()
    start = len(originals.MAGIC) + originals.PREFIX
    head, body = good[:start], good[start:]
    block = originals.CHUNK + originals.TAG
    blocks = [body[i:i + block] for i in range(0, len(body), block)]
    flipped = bytearray(good)
    flipped[-5] ^= 1
    damaged = {
        "flipped": bytes(flipped),
        "last chunk dropped": head + b"".join(blocks[:-1]),
        "reordered": head + blocks[1] + blocks[0] + b"".join(blocks[2:]),
    }
    for how, content in damaged.items():
        path.write_bytes(content)
        assert originals.plaintext_sha256(ws, digest, digest) is None, how
    path.write_bytes(good)
    other = hashlib.sha256(b"another file").hexdigest()
    assert originals.plaintext_sha256(ws, digest, other) is None  # the hash is bound to the ciphertext


def test_fixity_decrypts_an_encrypted_import_and_names_an_altered_one(tmp_path: Path) -> None:
    csv = tmp_path / "list.csv"
    csv.write_text("record_id,full_name\n1,Invented Person\n", encoding="utf-8")
    ws = Workspace.create(tmp_path / "ws", encrypt=True, passphrase=PASSPHRASE)
    result = ingest_file(ws, csv, source="A")
    path = ws.originals / result.sha256
    assert b"Invented Person" not in path.read_bytes()
    assert fixity.check(ws).ok == [result.sha256]
    raw = bytearray(path.read_bytes())
    raw[-1] ^= 1
    path.write_bytes(bytes(raw))
    assert fixity.check(ws).altered == [result.sha256]


def test_an_original_kept_in_clear_before_encryption_still_verifies(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws", encrypt=True, passphrase=PASSPHRASE)
    digest = hashlib.sha256(SECRET).hexdigest()
    (ws.originals / (digest + ".csv")).write_bytes(SECRET)  # the old `<sha256><suffix>` name, in clear
    assert fixity.check(ws).ok == [digest + ".csv"]


def test_a_testimony_transcript_in_an_encrypted_workspace_is_not_in_clear(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a1.txt").write_bytes(SECRET)
    files = write_testimony(tmp_path / "in", accounts=[{**ACCOUNTS[0], "original": "a1.txt"}, *ACCOUNTS[1:]])
    ws = vaulted(Workspace.create(tmp_path / "ws", encrypt=True, passphrase=PASSPHRASE), monkeypatch)
    import_testimony(ws, files)
    digest = hashlib.sha256(SECRET).hexdigest()
    assert SECRET not in (ws.originals / digest).read_bytes()
    assert originals.read(ws, digest, digest) == SECRET
    assert fixity.check(ws).ok == [digest]
