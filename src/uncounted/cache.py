"""A per-user cache for derived public data that is slow to build and cheap to read back.

Only data computed from what ships with the software goes here (the names layer's variant index), never
anything from a workspace: the cache folder is not encrypted and not audited. Entries are JSON, not
pickle, so a file planted in the folder cannot run code; each is named by a fingerprint of what it was
built from, so a changed input or a changed algorithm simply misses. A folder that cannot be written to
costs only the time of building again.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from uncounted.files import write_atomically


def cache_dir() -> Path:
    """`UNCOUNTED_CACHE_DIR`, else the XDG cache folder (`~/.cache/uncounted`)."""
    if os.environ.get("UNCOUNTED_CACHE_DIR"):
        return Path(os.environ["UNCOUNTED_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "uncounted"


def fingerprint(files: Iterable[Path]) -> str:
    """SHA-256 over the bytes of the given files (their names included), in the order given."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes())
    return digest.hexdigest()


def cached_json(name: str, key: str, build: Callable[[], Any]) -> Any:
    """The JSON value stored under `name`-`key`, or `build()` stored there first."""
    path = cache_dir() / f"{name}-{key[:32]}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    value = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(value, ensure_ascii=False)
        write_atomically(path, lambda temporary: temporary.write_text(text, encoding="utf-8"))
    except OSError:
        pass
    return value
