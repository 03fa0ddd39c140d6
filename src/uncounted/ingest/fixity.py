"""Fixity: each imported file is kept byte for byte, named by its SHA-256, and can be re-verified.

The original is the evidence; everything in the store is derived from it. It is written under a temporary name
(and fsynced) before the import's transaction commits and renamed only after, so the store never names an
original that is not there — and if a crash falls between commit and rename, the next import of the same file
(recognised by its hash) puts the original back.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

PARTIAL = ".partial"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def original_name(sha256: str, file_name: str) -> str:
    """`<sha256><suffix>`: the hash makes it unique, the suffix tells a person what program opens it."""
    return sha256 + Path(file_name).suffix.lower()


def stage_original(folder: Path, name: str, data: bytes) -> Path:
    """Write the bytes under a temporary name, flushed to disk; `publish` makes them the kept original."""
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / (name + PARTIAL)
    with partial.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return partial


def publish(partial: Path) -> Path:
    """Rename a staged original to its final name (atomic on one file system)."""
    final = partial.with_name(partial.name.removesuffix(PARTIAL))
    partial.replace(final)
    return final


def discard(partial: Path) -> None:
    partial.unlink(missing_ok=True)


def verify(path: Path, sha256: str) -> bool:
    """Whether a kept original is still exactly the bytes that were imported."""
    return path.is_file() and sha256_file(path) == sha256
