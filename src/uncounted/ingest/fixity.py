"""Fixity: the SHA-256 that names each kept original and lets it be re-verified.

Writing and reading originals (staged under a temporary name, encrypted in an encrypted workspace) lives in
`uncounted.store.originals`; if a crash falls between the store's commit and the rename, the next import of
the same file (recognised by its hash) puts the original back.
"""

from __future__ import annotations

import hashlib
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
