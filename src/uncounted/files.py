"""Files that appear whole or not at all."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def write_atomically(target: str | Path, write: Callable[[Path], object]) -> Path:
    """Call `write` on a new private file beside `target`, then rename it over `target` (atomic within one file
    system): a crash or a failed write never leaves half a file where a reader looks, and two writers never share
    a temporary name. The temporary file ends with `target`'s suffix, for writers that choose a format by it
    (pandas' Excel writer, NumPy's .npz), and is removed if the write fails."""
    target = Path(target)
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=f".part{target.suffix}")
    os.close(handle)
    temporary = Path(name)
    try:
        write(temporary)
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target
