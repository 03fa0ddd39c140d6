"""A workspace: a folder holding `uncounted.toml` (settings as data), the store, and the kept originals.

Every stage command takes `-w/--workspace`; each stage reads its settings from the TOML so a run can be
repeated exactly, and writes its results to the store.
"""

from __future__ import annotations

import importlib
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import tomli_w
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from uncounted.errors import BadInput

SETTINGS_FILE = "uncounted.toml"
STORE_FILE = "uncounted.db"
ORIGINALS_DIR = "originals"

#: Modules whose tables belong in every workspace; importing them registers their tables on `Base.metadata`.
TABLE_MODULES: tuple[str, ...] = ("uncounted.store.models", "uncounted.store.testimony", "uncounted.store.review")


def default_settings() -> dict[str, Any]:
    """Settings a new workspace starts from; every key is documented in docs/ and may be edited by hand."""
    return {
        "workspace": {"format": 1, "created": datetime.now(UTC).isoformat(timespec="seconds")},
        "store": {"engine": "sqlite", "path": STORE_FILE},
        "link": {"backend": "duckdb", "threshold": 0.9, "seed": 1},
        "estimate": {"method": "loglinear", "strata": [], "seed": 1},
    }


@dataclass
class Workspace:
    path: Path
    settings: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def create(cls, path: str | Path) -> Workspace:
        """Make a new workspace; refuse a folder that already holds one (nothing there is touched)."""
        root = Path(path)
        if (root / SETTINGS_FILE).exists():
            raise BadInput("a workspace already exists here", file=str(root))
        if root.exists() and not root.is_dir():
            raise BadInput("this path is a file, not a folder", file=str(root))
        root.mkdir(parents=True, exist_ok=True)
        (root / ORIGINALS_DIR).mkdir(exist_ok=True)
        settings = default_settings()
        workspace = cls(root, settings)
        workspace.create_tables()
        workspace.save_settings()
        return workspace

    @classmethod
    def open(cls, path: str | Path) -> Workspace:
        root = Path(path)
        settings_path = root / SETTINGS_FILE
        if not settings_path.is_file():
            raise BadInput(f"not an uncounted workspace (no {SETTINGS_FILE}); create one with 'uncounted init'",
                           file=str(root))
        try:
            settings = tomllib.loads(settings_path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise BadInput(f"the settings file is not valid TOML ({exc})", file=str(settings_path)) from exc
        return cls(root, settings)

    @classmethod
    def open_or_create(cls, path: str | Path) -> Workspace:
        return cls.open(path) if (Path(path) / SETTINGS_FILE).is_file() else cls.create(path)

    def save_settings(self) -> None:
        target = self.path / SETTINGS_FILE
        temporary = target.with_suffix(".toml.tmp")
        temporary.write_text(tomli_w.dumps(self.settings), encoding="utf-8")
        temporary.replace(target)  # atomic: a crash never leaves half a settings file

    def section(self, name: str) -> dict[str, Any]:
        """One settings section, falling back to the defaults for keys an older workspace lacks."""
        return {**default_settings().get(name, {}), **self.settings.get(name, {})}

    @property
    def originals(self) -> Path:
        return self.path / ORIGINALS_DIR

    @cached_property
    def engine(self) -> Engine:
        store = self.section("store")
        engine = create_engine(f"sqlite:///{(self.path / store['path']).resolve()}")
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine

    def create_tables(self) -> None:
        from uncounted.store.base import Base

        for module in TABLE_MODULES:
            importlib.import_module(module)
        Base.metadata.create_all(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed if the block finishes, rolled back (store unchanged) if it raises."""
        with sessionmaker(self.engine)() as session, session.begin():
            yield session


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers (the web app, a report) work while an import writes; foreign keys are off by default.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
