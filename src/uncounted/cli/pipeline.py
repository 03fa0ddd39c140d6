"""Commands of this group are added as they are built; see the module docstring once filled in."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this group's commands to the root app."""
