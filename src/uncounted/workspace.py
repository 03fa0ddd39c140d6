"""A workspace: a folder holding `uncounted.toml` (settings as data), the store, and the kept originals.

Every stage command takes `-w/--workspace`; each stage reads its settings from the TOML so a run can be
repeated exactly, and writes its results to the store. The store is plain SQLite, SQLCipher (`encrypt=True`:
the key comes from a passphrase and lives only in memory) or PostgreSQL (`database_url`); see
docs/security.md.
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
from sqlalchemy import Engine, inspect
from sqlalchemy.orm import Session, sessionmaker

from uncounted.errors import BadInput
from uncounted.files import write_atomically
from uncounted.store import engines, migrations

SETTINGS_FILE = "uncounted.toml"
STORE_FILE = "uncounted.db"
ORIGINALS_DIR = "originals"

#: Modules whose tables belong in every workspace; importing them registers their tables on `Base.metadata`.
TABLE_MODULES: tuple[str, ...] = (
    "uncounted.store.models", "uncounted.store.testimony", "uncounted.store.review",
    "uncounted.store.security_models",
)

ENCRYPTED_NO_PASSPHRASE = "this workspace is encrypted; set UNCOUNTED_PASSPHRASE or run in a terminal"


def default_settings() -> dict[str, Any]:
    """Settings a new workspace starts from; every key is documented in docs/ and may be edited by hand."""
    return {
        "workspace": {"format": 1, "created": datetime.now(UTC).isoformat(timespec="seconds")},
        "store": {"engine": "sqlite", "path": STORE_FILE},
        # one_record_per_source: set it when every list is known to hold each person once (no duplicates).
        # learn_from_labels: reviewers' verdicts also re-estimate the model's m probabilities (they always bind).
        "link": {"backend": "duckdb", "threshold": 0.5, "seed": 1, "one_record_per_source": False,
                 "learn_from_labels": True},
        # LCMCR (Manrique-Vallier 2016), HRDAG's method for such lists, by year of death; log-linear and dga
        # beside it show how much the answer depends on the model. Thinning by 250 keeps the effective sample
        # size of each stratum above 400 on four-list tables (by 50, most strata of the demo fell to 150–300
        # and were flagged); verdata thins by 500 on its 20-list tables.
        "estimate": {"method": "lcmcr", "strata": ["year"], "seed": 1, "K": 10, "burnin": 10000,
                     "samples": 1000, "thin": 250, "sensitivity": ["loglinear", "dga"]},
    }


@dataclass
class Workspace:
    path: Path
    settings: dict[str, Any] = field(default_factory=dict)
    #: The SQLCipher key of an encrypted workspace (derived from the passphrase; memory only, never saved).
    key: bytes | None = field(default=None, repr=False)
    #: The PostgreSQL password given in the URL at creation, for this process only (never saved).
    database_password: str | None = field(default=None, repr=False)

    @classmethod
    def create(cls, path: str | Path, *, encrypt: bool = False, passphrase: str | None = None,
               database_url: str | None = None) -> Workspace:
        """Make a new workspace; refuse a folder that already holds one (nothing there is touched).

        `encrypt=True` makes the store a SQLCipher file whose key is derived from `passphrase` (else
        `UNCOUNTED_PASSPHRASE`, else a prompt). `database_url` puts the store on PostgreSQL instead; its
        password is used now and never written to the settings.
        """
        root = Path(path)
        if (root / SETTINGS_FILE).exists():
            raise BadInput("a workspace already exists here", file=str(root))
        if root.exists() and not root.is_dir():
            raise BadInput("this path is a file, not a folder", file=str(root))
        if encrypt and database_url:
            raise BadInput("--encrypt applies to the SQLite store; a PostgreSQL server encrypts its own "
                           "disks")
        settings = default_settings()
        workspace = cls(root, settings)
        if encrypt:
            secret = engines.read_secret(
                passphrase, engines.PASSPHRASE_ENV, "Passphrase for the new workspace",
                "an encrypted workspace needs a passphrase; set UNCOUNTED_PASSPHRASE or run in a terminal",
                confirm=True)
            kdf = engines.new_kdf()
            settings["store"] = {"engine": "sqlcipher", "path": STORE_FILE, "kdf": kdf}
            workspace.key = engines.derive_key(secret, kdf)
        elif database_url:
            settings["store"] = {"engine": "postgresql", "url": engines.postgres_url(database_url)}
            workspace.database_password = engines.url_password(database_url)
            engines.check_postgres(workspace.engine)
            if inspect(workspace.engine).has_table("audit_log"):
                raise BadInput("this database already holds an uncounted workspace")
        root.mkdir(parents=True, exist_ok=True)
        (root / ORIGINALS_DIR).mkdir(exist_ok=True)
        workspace.create_tables()
        workspace.save_settings()
        return workspace

    @classmethod
    def open(cls, path: str | Path, *, passphrase: str | None = None) -> Workspace:
        """Open a workspace; an encrypted one needs its passphrase (argument, UNCOUNTED_PASSPHRASE, or
        prompt).

        A wrong passphrase is refused here, with one sentence and nothing written. A store on an older schema
        is upgraded to the current one (Alembic, `uncounted.store.migrations`).
        """
        root = Path(path)
        settings_path = root / SETTINGS_FILE
        if not settings_path.is_file():
            raise BadInput(f"not an uncounted workspace (no {SETTINGS_FILE}); create one with 'uncounted init'",
                           file=str(root))
        try:
            settings = tomllib.loads(settings_path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise BadInput(f"the settings file is not valid TOML ({exc})", file=str(settings_path)) from exc
        workspace = cls(root, settings)
        if workspace.encrypted:
            secret = engines.read_secret(passphrase, engines.PASSPHRASE_ENV, "Workspace passphrase",
                                         ENCRYPTED_NO_PASSPHRASE)
            workspace.key = engines.derive_key(secret, workspace.section("store")["kdf"])
            engines.check_sqlcipher_key(workspace.store_path, workspace.key)
        elif workspace.section("store")["engine"] == "postgresql":
            engines.check_postgres(workspace.engine)
        if migrations.current(workspace.engine) != migrations.HEAD:
            migrations.upgrade(workspace.engine)  # an older workspace follows the installed version
        return workspace

    @classmethod
    def open_or_create(cls, path: str | Path) -> Workspace:
        return cls.open(path) if (Path(path) / SETTINGS_FILE).is_file() else cls.create(path)

    @property
    def encrypted(self) -> bool:
        """Whether the store is a SQLCipher file (every page, WAL included, encrypted)."""
        return self.section("store")["engine"] == "sqlcipher"

    @property
    def store_path(self) -> Path:
        """The SQLite or SQLCipher file of the store (not meaningful for PostgreSQL)."""
        return self.path / self.section("store")["path"]

    def save_settings(self) -> None:
        text = tomli_w.dumps(self.settings)
        write_atomically(self.path / SETTINGS_FILE, lambda temporary: temporary.write_text(text, encoding="utf-8"))

    def section(self, name: str) -> dict[str, Any]:
        """One settings section, falling back to the defaults for keys an older workspace lacks."""
        return {**default_settings().get(name, {}), **self.settings.get(name, {})}

    @property
    def originals(self) -> Path:
        return self.path / ORIGINALS_DIR

    @cached_property
    def engine(self) -> Engine:
        kind = self.section("store")["engine"]
        if kind == "sqlite":
            return engines.sqlite_engine(self.store_path)
        if kind == "sqlcipher":
            if self.key is None:
                raise BadInput(ENCRYPTED_NO_PASSPHRASE)
            return engines.sqlcipher_engine(self.store_path, self.key)
        if kind == "postgresql":
            return engines.postgres_engine(self.section("store")["url"], self.database_password)
        raise BadInput(f"unknown store engine '{kind}' in the settings", file=str(self.path / SETTINGS_FILE))

    def create_tables(self) -> None:
        from uncounted.store.base import Base

        for module in TABLE_MODULES:
            importlib.import_module(module)
        Base.metadata.create_all(self.engine)
        migrations.stamp_head(self.engine)  # the models are the head revision's schema

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed if the block finishes, rolled back (store unchanged) if it raises.

        On SQLite it holds the write lock from its first statement (BEGIN IMMEDIATE), so two processes writing
        at once take turns (up to the 30 s busy timeout) instead of one failing; read with `engine.connect()`.
        """
        bind = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        with sessionmaker(bind)() as session, session.begin():
            yield session

