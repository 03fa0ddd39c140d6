"""Standards of proof as data: what a finding needs before it counts as corroborated.

Investigators state their standard in advance and apply it to every finding alike; a standard is a named TOML
table, so a report can say which one it used and a reader can re-run it with another. The default is the
common one in human-rights fact-finding: at least two independent direct sources and no unresolved
contradiction.
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from uncounted.errors import BadInput
from uncounted.testimony.model import CREDIBILITY, RELIABILITY


@dataclass(frozen=True)
class Standard:
    name: str = "two-direct"
    description: str = "corroborated: at least 2 independent direct sources and no unresolved contradiction"
    min_independent_sources: int = 2
    min_direct_sources: int = 2
    documents_count_as_direct: bool = False
    allow_unresolved_contradictions: bool = False
    #: claims from sources graded so (Admiralty scale) are set aside, not counted
    ignore_reliability: tuple[str, ...] = ("E",)
    ignore_credibility: tuple[int, ...] = (5,)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["ignore_reliability"] = list(self.ignore_reliability)
        out["ignore_credibility"] = list(self.ignore_credibility)
        return out


DEFAULT_STANDARD = Standard()


def standard_from_dict(data: dict[str, Any], file: str = "") -> Standard:
    """A standard from a TOML table; unknown keys and wrong types are bad input naming the key."""
    known = {f.name for f in fields(Standard)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise BadInput(f"unknown setting '{unknown[0]}' in the standard (known: {', '.join(sorted(known))})",
                       file=file or None)
    values = {**DEFAULT_STANDARD.to_json(), **data}
    for key in ("min_independent_sources", "min_direct_sources"):
        if not isinstance(values[key], int) or isinstance(values[key], bool) or values[key] < 0:
            raise BadInput(f"{key} must be a whole number of sources, 0 or more", file=file or None)
    for key in ("documents_count_as_direct", "allow_unresolved_contradictions"):
        if not isinstance(values[key], bool):
            raise BadInput(f"{key} must be true or false", file=file or None)
    for key in ("ignore_reliability", "ignore_credibility"):
        if not isinstance(values[key], (list, tuple)):
            raise BadInput(f"{key} must be a list, e.g. [\"E\"] or [5]", file=file or None)
    if not set(values["ignore_reliability"]) <= set(RELIABILITY):
        raise BadInput("ignore_reliability lists grades A to F only", file=file or None)
    if not set(values["ignore_credibility"]) <= set(CREDIBILITY):
        raise BadInput("ignore_credibility lists grades 1 to 6 only", file=file or None)
    return Standard(str(values["name"]), str(values["description"]), values["min_independent_sources"],
                    values["min_direct_sources"], values["documents_count_as_direct"],
                    values["allow_unresolved_contradictions"], tuple(values["ignore_reliability"]),
                    tuple(values["ignore_credibility"]))


def load_standard(path: str | Path) -> Standard:
    """Read a standard from a TOML file: its `[standard]` table, or the whole file if it has none."""
    path = Path(path)
    if not path.is_file():
        raise BadInput("no such standard file", file=str(path))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BadInput(f"not valid TOML ({exc})", file=str(path)) from None
    return standard_from_dict(data.get("standard", data), str(path))
