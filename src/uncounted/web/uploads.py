"""Uploaded lists: a safe file name, a content check, and a staging area until the mapping is confirmed.

The kind of a file is told from its bytes (`uncounted.ingest.encoding.sniff_format`, plus a look inside a ZIP
for an Excel workbook), never from its name. The name a browser sends is only a label: path separators, dot
segments and control characters are removed, and the staged copy lives under a random token in the app's own
temporary folder, so no name can point the server at another file.
"""

from __future__ import annotations

import io
import re
import secrets
import threading
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from uncounted.errors import BadInput
from uncounted.ingest.encoding import sniff_format

TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
SUFFIX = {"xlsx": ".xlsx", "parquet": ".parquet", "text": ".csv"}


def safe_name(name: str | None) -> str:
    """A file's base name fit to show and to keep: letters (any script), digits, '-', '_', '.', ' '."""
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", name or ""))[-1]
    base = "".join(c for c in base if c.isalnum() or c in "-_. ")
    base = base.strip(" .")[:100]
    return base or "list"


def check_content(data: bytes, name: str) -> str:
    """'xlsx', 'parquet' or 'text' by content; BadInput for anything else (images, programs, archives…)."""
    kind = sniff_format(data, name)
    if kind == "xlsx":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                if "xl/workbook.xml" not in archive.namelist():
                    raise BadInput("this ZIP archive is not an Excel workbook", file=name)
        except zipfile.BadZipFile:
            raise BadInput("this file looks like an Excel workbook but is damaged", file=name) from None
    elif kind == "parquet" and not data.endswith(b"PAR1"):
        raise BadInput("this Parquet file is truncated", file=name)
    elif kind == "text" and b"\x00" in data[:65536] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BadInput("this is a binary file, not a table (CSV, XLSX or Parquet)", file=name)
    return kind


@dataclass
class Staged:
    token: str
    owner: str
    name: str  # safe name, with the suffix of the detected kind
    path: Path


@dataclass
class Staging:
    """Uploads waiting for their mapping, each visible only to the user who uploaded it."""

    root: Path
    _items: dict[str, Staged] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, owner: str, original_name: str, data: bytes) -> Staged:
        name = safe_name(original_name)
        kind = check_content(data, name)
        stem = name.rsplit(".", 1)[0] if "." in name else name
        token = secrets.token_urlsafe(24)
        folder = self.root / token
        folder.mkdir(parents=True)
        path = folder / f"{stem or 'list'}{SUFFIX[kind]}"
        path.write_bytes(data)
        staged = Staged(token, owner, path.name, path)
        with self._lock:
            self._items[token] = staged
        return staged

    def get(self, token: str, owner: str) -> Staged:
        with self._lock:
            staged = self._items.get(token) if TOKEN.match(token) else None
        if staged is None or staged.owner != owner:
            raise BadInput("this upload is no longer waiting; upload the file again")
        return staged

    def done(self, token: str) -> None:
        with self._lock:
            staged = self._items.pop(token, None)
        if staged is not None:
            for child in staged.path.parent.iterdir():
                child.unlink()
            staged.path.parent.rmdir()
