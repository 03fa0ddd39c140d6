"""Backup and restore of a whole workspace: a consistent snapshot of the store, the originals and the
settings.

The store is copied with SQLite's online backup API (through the store's own connection, so an encrypted store
is copied page by page as ciphertext under the same key) while other processes may keep working. Everything
goes into one tar archive with a manifest of SHA-256 sums, checked on restore.

An encrypted workspace's archive is encrypted as a whole, settings and originals included, so the archive
holds only ciphertext: AES-256-GCM in 1 MiB chunks under a key derived (HKDF) from the workspace key, after a
small clear header that carries only the argon2id salt and costs. `cryptography` has no streaming AEAD, so the
chunking is written here, following the STREAM construction (Hoang, Reyhanitabar, Rogaway & Vizár, CRYPTO
2015, §7): each chunk's nonce holds its counter and a last-chunk flag, so chunks cannot be reordered, dropped
or the archive cut.
"""

from __future__ import annotations

import io
import json
import secrets
import shutil
import struct
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from uncounted.errors import BadInput
from uncounted.ingest.fixity import PARTIAL, sha256_file
from uncounted.store import audit, engines, fixity
from uncounted.store.access import Actor, require
from uncounted.workspace import ORIGINALS_DIR, SETTINGS_FILE, Workspace

MAGIC = b"UNCOUNTED-BACKUP\n"
MANIFEST = "MANIFEST.json"
CHUNK = 1 << 20
_PREFIX_BYTES = 7  # + 4-byte counter + 1-byte last flag = the 12-byte GCM nonce


@dataclass(frozen=True)
class BackupResult:
    path: Path
    encrypted: bool
    files: int
    size_bytes: int


@dataclass(frozen=True)
class RestoreResult:
    path: Path
    audit_problems: list[audit.Problem]
    fixity: fixity.FixityReport

    @property
    def verified(self) -> bool:
        return not self.audit_problems and self.fixity.intact


def backup(ws: Workspace, out: str | Path, by: Actor) -> BackupResult:
    """Write the workspace to one archive at `out` (written under a temporary name, renamed when complete)."""
    require(by, "store.backup", resource=str(ws.path))
    if ws.section("store")["engine"] == "postgresql":
        raise BadInput(
            "a PostgreSQL workspace is backed up by the server's own tools (pg_dump); back up the "
            "workspace folder alongside"
        )
    out = Path(out)
    if out.exists():
        raise BadInput("the backup file already exists; choose a new name", file=str(out))
    out.parent.mkdir(parents=True, exist_ok=True)
    with ws.session() as session:  # recorded first, so the snapshot holds the entry describing it
        audit.record(session, by, "store.backup", str(out.name), {"encrypted": ws.encrypted})
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".uncounted-backup-") as work:
        snapshot = Path(work) / ws.section("store")["path"]
        _snapshot(ws, snapshot)
        members = {SETTINGS_FILE: ws.path / SETTINGS_FILE, snapshot.name: snapshot}
        if ws.originals.is_dir():
            members.update(
                {
                    f"{ORIGINALS_DIR}/{p.name}": p
                    for p in sorted(ws.originals.iterdir())
                    if p.is_file() and not p.name.endswith(PARTIAL)
                }
            )
        manifest = json.dumps({name: sha256_file(path) for name, path in members.items()}, indent=1).encode()
        partial = out.with_name(out.name + PARTIAL)
        try:
            with partial.open("wb") as handle:
                if ws.encrypted:
                    assert ws.key is not None
                    stream: IO[bytes] = _EncryptingWriter(handle, ws.key, ws.section("store")["kdf"])
                    _write_tar(stream, "w|", manifest, members)
                    stream.close()
                else:
                    _write_tar(handle, "w:gz", manifest, members)
            partial.replace(out)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return BackupResult(out, ws.encrypted, len(members), out.stat().st_size)


def restore(archive: str | Path, out: str | Path, *, passphrase: str | None = None) -> RestoreResult:
    """Unpack an archive into the new workspace `out`, then open it and verify its audit log and originals.

    Nothing appears at `out` unless the whole archive unpacked and matched its manifest.
    """
    archive, out = Path(archive), Path(out)
    if not archive.is_file():
        raise BadInput("no such backup file", file=str(archive))
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BadInput("the restore folder already exists and is not empty", file=str(out))
    out.parent.mkdir(parents=True, exist_ok=True)
    with (
        archive.open("rb") as handle,
        tempfile.TemporaryDirectory(dir=out.parent, prefix=".uncounted-restore-") as work,
    ):
        staging = Path(work) / "ws"
        encrypted = handle.read(len(MAGIC)) == MAGIC
        if encrypted:
            _extract(_DecryptingReader(handle, passphrase, str(archive)), "r|", staging, str(archive))
        else:
            handle.seek(0)
            _extract(handle, "r:gz", staging, str(archive))
        (staging / ORIGINALS_DIR).mkdir(exist_ok=True)  # an empty folder has no entry in the archive
        if out.exists():
            out.rmdir()
        shutil.move(staging, out)
    ws = Workspace.open(out, passphrase=passphrase)
    return RestoreResult(out, audit.verify(ws), fixity.check(ws))


def _snapshot(ws: Workspace, target: Path) -> None:
    """A consistent copy of the store through SQLite's online backup API (ciphertext stays ciphertext)."""
    if ws.encrypted:
        import sqlcipher3

        destination = sqlcipher3.connect(str(target))
        destination.execute(f"PRAGMA key = \"x'{ws.key.hex()}'\"")  # type: ignore[union-attr]
    else:
        import sqlite3

        destination = sqlite3.connect(str(target))
    raw = ws.engine.raw_connection()
    try:
        raw.driver_connection.backup(destination)  # type: ignore[union-attr]
    finally:
        raw.close()
        destination.close()


def _write_tar(stream: IO[bytes], mode: str, manifest: bytes, members: dict[str, Path]) -> None:
    with tarfile.open(fileobj=stream, mode=mode) as tar:
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(manifest)
        tar.addfile(info, io.BytesIO(manifest))
        for name, path in members.items():
            tar.add(path, arcname=name, recursive=False)


def _extract(stream: IO[bytes], mode: str, staging: Path, file: str) -> None:
    """Unpack regular files only (the 'data' filter refuses links and paths outside), then check the
    manifest."""
    try:
        with tarfile.open(fileobj=stream, mode=mode) as tar:
            for member in tar:
                if not member.isfile():
                    raise BadInput(f"unexpected entry '{member.name}' in the archive", file=file)
                tar.extract(member, staging, filter="data")
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BadInput(f"the backup is damaged or incomplete ({exc})", file=file) from exc
    manifest_path = staging / MANIFEST
    if not manifest_path.is_file():
        raise BadInput("the archive has no manifest; it is not an uncounted backup", file=file)
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest_path.unlink()
    unpacked = {str(p.relative_to(staging)) for p in staging.rglob("*") if p.is_file()}
    if unpacked != set(manifest):
        raise BadInput("the archive's files differ from its manifest: the backup is damaged", file=file)
    for name, sha in manifest.items():
        if not (staging / name).is_file() or sha256_file(staging / name) != sha:
            raise BadInput(
                f"'{name}' in the archive does not match its manifest: the backup is damaged", file=file
            )


def _backup_key(workspace_key: bytes, salt: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"uncounted backup v1").derive(
        workspace_key
    )


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">I?", counter, last)


class _EncryptingWriter(io.RawIOBase):
    """A write-only stream that seals what it is given in CHUNK-sized AES-GCM pieces (STREAM, see above)."""

    def __init__(self, handle: IO[bytes], workspace_key: bytes, kdf: dict[str, object]) -> None:
        salt, self._prefix = secrets.token_bytes(16), secrets.token_bytes(_PREFIX_BYTES)
        header = json.dumps(
            {
                "version": 1,
                "kdf": kdf,
                "hkdf_salt": salt.hex(),
                "nonce_prefix": self._prefix.hex(),
                "chunk": CHUNK,
            }
        ).encode()
        self._handle, self._header = handle, header
        self._aead = AESGCM(_backup_key(workspace_key, salt))
        self._buffer, self._counter = bytearray(), 0
        handle.write(MAGIC + struct.pack(">I", len(header)) + header)

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self._buffer += data
        while len(self._buffer) > CHUNK:
            self._seal(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def close(self) -> None:
        if not self.closed:
            self._seal(bytes(self._buffer), last=True)
        super().close()

    def _seal(self, chunk: bytes, *, last: bool) -> None:
        sealed = self._aead.encrypt(_nonce(self._prefix, self._counter, last), chunk, self._header)
        self._handle.write(struct.pack(">I", len(sealed)) + sealed)
        self._counter += 1


class _DecryptingReader(io.RawIOBase):
    """The read side: opens each chunk in order and refuses a stream that stops before its last chunk."""

    def __init__(self, handle: IO[bytes], passphrase: str | None, file: str) -> None:
        (length,) = struct.unpack(">I", handle.read(4))
        self._header = handle.read(length)
        header = json.loads(self._header)
        secret = engines.read_secret(
            passphrase,
            engines.PASSPHRASE_ENV,
            "Workspace passphrase",
            "this backup is encrypted; set UNCOUNTED_PASSPHRASE or run in a terminal",
        )
        key = _backup_key(engines.derive_key(secret, header["kdf"]), bytes.fromhex(header["hkdf_salt"]))
        self._aead, self._prefix = AESGCM(key), bytes.fromhex(header["nonce_prefix"])
        self._handle, self._file = handle, file
        self._chunks = self._open_chunks()
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target: bytearray) -> int:  # type: ignore[override]
        while not self._buffer:
            chunk = next(self._chunks, None)
            if chunk is None:
                return 0
            self._buffer = chunk
        n = min(len(target), len(self._buffer))
        target[:n], self._buffer = self._buffer[:n], self._buffer[n:]
        return n

    def _open_chunks(self) -> Iterator[bytes]:
        counter = 0
        while True:
            size = self._handle.read(4)
            if len(size) < 4:
                raise BadInput("the backup is cut short (its last part is missing)", file=self._file)
            sealed = self._handle.read(struct.unpack(">I", size)[0])
            for last in (False, True):
                try:
                    chunk = self._aead.decrypt(_nonce(self._prefix, counter, last), sealed, self._header)
                except InvalidTag:
                    continue
                yield chunk
                if last:
                    return
                break
            else:
                message = engines.WRONG_PASSPHRASE if counter == 0 else "the backup is damaged"
                raise BadInput(message, file=self._file if counter else None)
            counter += 1
