"""Writing and reading the kept originals: one place for lists (ingest) and testimony alike.

Every original is kept under `originals/<sha256>` — the bare SHA-256 of its plaintext, which is both its name
and its fixity reference (older list imports named `<sha256><suffix>` keep their recorded names). In a plain
workspace the file holds the bytes as imported. In an encrypted workspace it holds them encrypted, because a
seized laptop must not give up the lists the SQLCipher store protects: AES-256-GCM in 1 MiB chunks, the
"STREAM" construction of Hoang, Reyhanitabar, Rogaway & Vizár (CRYPTO 2015, §7) — each chunk's nonce is a
random per-file prefix, the chunk counter and a last-chunk flag, so chunks cannot be reordered, dropped or
truncated unnoticed — with the plaintext's SHA-256 as associated data, so a file cannot be swapped for another
kept original. The key is derived from the workspace key with HKDF-SHA256 (RFC 5869) under its own label, so
it is never the SQLCipher key itself.

Writing goes through a temporary name (fsynced) that is renamed only after the store's transaction commits,
so the store never names an original that is not there.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from uncounted.ingest.fixity import PARTIAL

if TYPE_CHECKING:
    from uncounted.workspace import Workspace

MAGIC = b"uncounted original v1\n"
CHUNK = 1 << 20
TAG = 16
PREFIX = 7  # nonce = 7-byte random prefix + 4-byte counter + 1-byte last-chunk flag (12 bytes)


class Unreadable(Exception):
    """An encrypted original that does not decrypt under this workspace's key and recorded hash."""


def name_for(sha256: str) -> str:
    """The file name of a new original: its bare SHA-256."""
    return sha256


def _key(ws: Workspace) -> bytes | None:
    if not ws.encrypted:
        return None
    assert ws.key is not None  # an open encrypted workspace always has its key
    return HKDF(hashes.SHA256(), 32, salt=None, info=b"uncounted originals v1").derive(ws.key)


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + counter.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


def _write(handle: BinaryIO, data: bytes, sha256: str, key: bytes | None) -> None:
    if key is None:
        handle.write(data)
        return
    aead, prefix, ad = AESGCM(key), secrets.token_bytes(PREFIX), sha256.encode()
    handle.write(MAGIC + prefix)
    starts = range(0, max(len(data), 1), CHUNK)
    for counter, start in enumerate(starts):
        last = start + CHUNK >= len(data)
        handle.write(aead.encrypt(_nonce(prefix, counter, last), data[start:start + CHUNK], ad))


def stage(ws: Workspace, data: bytes, sha256: str, name: str | None = None) -> Path | None:
    """Write one original under a temporary name, flushed to disk; None if it is already kept.

    `publish` gives it its final name once the store has committed; `discard` drops it otherwise.
    """
    name = name or name_for(sha256)
    ws.originals.mkdir(parents=True, exist_ok=True)
    if (ws.originals / name).is_file():
        return None
    partial = ws.originals / (name + PARTIAL)
    with partial.open("wb") as handle:
        _write(handle, data, sha256, _key(ws))
        handle.flush()
        os.fsync(handle.fileno())
    return partial


def publish(partial: Path | None) -> None:
    """Rename a staged original to its final name (atomic on one file system)."""
    if partial is not None:
        partial.replace(partial.with_name(partial.name.removesuffix(PARTIAL)))


def discard(partial: Path | None) -> None:
    if partial is not None:
        partial.unlink(missing_ok=True)


def chunks(ws: Workspace, name: str, sha256: str) -> Iterator[bytes]:
    """The plaintext of a kept original, chunk by chunk (decrypted in an encrypted workspace).

    A file without the header is read as it is: originals kept in clear before encryption came stay readable.
    Raises `Unreadable` if an encrypted file was altered or belongs to another hash or workspace.
    """
    with (ws.originals / name).open("rb") as handle:
        if handle.read(len(MAGIC)) != MAGIC:
            handle.seek(0)
            yield from iter(lambda: handle.read(CHUNK), b"")
            return
        key = _key(ws)
        if key is None:
            raise Unreadable(f"{name} is encrypted but this workspace has no key")
        aead, prefix, ad = AESGCM(key), handle.read(PREFIX), sha256.encode()
        block = handle.read(CHUNK + TAG)
        counter = 0
        while True:
            following = handle.read(CHUNK + TAG)
            try:
                yield aead.decrypt(_nonce(prefix, counter, not following), block, ad)
            except InvalidTag:
                raise Unreadable(f"{name} does not decrypt: altered, truncated or not this hash") from None
            if not following:
                return
            block, counter = following, counter + 1


def read(ws: Workspace, name: str, sha256: str) -> bytes:
    """The whole plaintext of a kept original."""
    return b"".join(chunks(ws, name, sha256))


def plaintext_sha256(ws: Workspace, name: str, sha256: str) -> str | None:
    """The SHA-256 of a kept original's plaintext; None if it cannot be decrypted (so it was altered)."""
    digest = hashlib.sha256()
    try:
        for block in chunks(ws, name, sha256):
            digest.update(block)
    except Unreadable:
        return None
    return digest.hexdigest()
