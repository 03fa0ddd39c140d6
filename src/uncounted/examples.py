"""Where the ready-to-run examples are, whether uncounted runs from a source checkout or an installed wheel.

The examples live once, in the repository's `examples/` folder; the wheel carries a copy inside the package
(`uncounted/_examples`, see pyproject.toml) so `uncounted demo` finds them when installed too.
"""

from __future__ import annotations

from pathlib import Path

from uncounted.errors import UncountedError

_PACKAGE = Path(__file__).resolve().parent


def example_path(name: str) -> Path:
    """The folder of example `name` (e.g. "saydnaya")."""
    for root in (_PACKAGE / "_examples", _PACKAGE.parents[1] / "examples"):
        if (root / name).is_dir():
            return root / name
    raise UncountedError(f"the example '{name}' is not installed with this copy of uncounted")
