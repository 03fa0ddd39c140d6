"""Saving and loading a linkage run inside a workspace, so later stages and exports read the same result."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from uncounted.errors import BadInput
from uncounted.files import write_atomically
from uncounted.link.run import Linkage

LINKAGE_DIR = "linkage"
ENTITIES_FILE = "entities.csv"


def save_linkage(linkage: Linkage, folder: Path) -> None:
    """Write the run's files; entities.csv last, so its presence means the run is complete."""
    target = folder / LINKAGE_DIR
    target.mkdir(parents=True, exist_ok=True)
    linkage.pairs.to_parquet(target / "pairs.parquet", index=False)
    (target / "model.json").write_text(json.dumps(linkage.model, indent=1, default=str), encoding="utf-8")
    (target / "run.json").write_text(
        json.dumps({"settings": linkage.settings, "diagnostics": linkage.diagnostics}, indent=1, default=str),
        encoding="utf-8")
    write_atomically(folder / ENTITIES_FILE, lambda temporary: linkage.entities.to_csv(temporary, index=False))


def load_linkage(folder: Path) -> Linkage:
    entities_path = folder / ENTITIES_FILE
    if not entities_path.is_file():
        raise BadInput("no linkage in this workspace yet; run 'uncounted link' first", file=str(folder))
    run = json.loads((folder / LINKAGE_DIR / "run.json").read_text(encoding="utf-8"))
    return Linkage(
        entities=pd.read_csv(entities_path, dtype=str, keep_default_na=False),
        pairs=pd.read_parquet(folder / LINKAGE_DIR / "pairs.parquet"),
        settings=run["settings"],
        model=json.loads((folder / LINKAGE_DIR / "model.json").read_text(encoding="utf-8")),
        diagnostics=run["diagnostics"],
    )
