"""The provenance manifest: what went in (hashes), how it was processed (settings, seeds) and with what
(versions), so that anyone can re-run the job and get the same numbers."""

from __future__ import annotations

import json
import platform
from importlib import metadata
from typing import Any

from uncounted.link import Linkage
from uncounted.mse import Estimate
from uncounted.workspace import Workspace

#: The libraries whose versions change the numbers: linkage (splink, duckdb), estimation (numpy, scipy,
#: statsmodels, numba) and tables (pandas).
PACKAGES = (
    "uncounted",
    "splink",
    "duckdb",
    "numpy",
    "scipy",
    "pandas",
    "statsmodels",
    "numba",
    "arviz",
    "matplotlib",
    "weasyprint",
)


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def manifest(
    inputs: list[dict[str, str]],
    linkage: Linkage,
    estimate: Estimate,
    sensitivity: list[tuple[str, Estimate]],
    workspace: Workspace | None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A JSON-able record of the run; `extra` holds what the report computed itself (checks, testimony)."""
    link_settings = {k: v for k, v in linkage.settings.items() if _plain(v)}
    out: dict[str, Any] = {
        "inputs": inputs,
        "linkage": {
            "settings": link_settings,
            "diagnostics": {k: v for k, v in linkage.diagnostics.items() if _plain(v)},
        },
        "estimate": {
            "method": estimate.method,
            "settings": estimate.settings,
            "seed": estimate.seed,
            "input_hash": estimate.input_hash,
        },
        "sensitivity": [
            {
                "label": label,
                "method": e.method,
                "settings": e.settings,
                "seed": e.seed,
                "input_hash": e.input_hash,
            }
            for label, e in sensitivity
        ],
        "versions": versions(),
        "platform": platform.platform(),
    }
    if workspace is not None:
        out["workspace_settings"] = workspace.settings
    if extra:
        out.update(extra)
    return json.loads(json.dumps(out, default=str))


def _plain(value: Any) -> bool:
    """Small values only: the trained model and large tables are saved in the workspace, not the report."""
    return isinstance(value, str | int | float | bool | type(None)) or (
        isinstance(value, list | tuple | dict) and len(json.dumps(value, default=str)) < 2000
    )
