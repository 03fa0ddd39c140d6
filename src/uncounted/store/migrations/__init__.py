"""Schema migrations of the store (Alembic), shipped inside the package so an installed uncounted can upgrade.

A new workspace gets its tables from the models (`create_all`, which also adds the audit log's triggers)
and is stamped with the head revision; `Workspace.open` upgrades an older workspace to the head on its own,
in one transaction (PostgreSQL and SQLite both run DDL transactionally), so nobody is left on an old
schema. A workspace made before migrations existed has the first revision's schema and no version table: it is
stamped with the first revision, then upgraded.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    inspect,
    text,
)

#: The newest revision; `tests/store/test_migrations.py` checks it is the script directory's head.
HEAD = "0002"
FIRST = "0001"
VERSION_TABLE = "alembic_version"


def config(connection: Connection):  # type: ignore[no-untyped-def]  # alembic loads lazily
    """An Alembic configuration bound to this open connection (no alembic.ini: everything is here)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent))
    cfg.attributes["connection"] = connection
    return cfg


def current(engine: Engine) -> str | None:
    """The store's revision; None for a workspace made before migrations (no version table)."""
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        return connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def stamp_head(engine: Engine) -> None:
    """Record the head revision in a store just made from the models.

    Written by hand, as Alembic's own `stamp` would (same table, column and key), because loading Alembic
    costs over a second and every new workspace would pay it.
    """
    version = Table(VERSION_TABLE, MetaData(), Column("version_num", String(32), primary_key=True),
                    PrimaryKeyConstraint("version_num", name="alembic_version_pkc"))
    with engine.begin() as connection:
        version.create(connection)
        connection.execute(version.insert().values(version_num=HEAD))


def stamp(engine: Engine, revision: str) -> None:
    from alembic import command

    with engine.begin() as connection:
        command.stamp(config(connection), revision)


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the store to `revision`; a store with tables but no version table (made before migrations) is
    first stamped FIRST, an empty one is built from nothing."""
    from alembic import command

    if current(engine) is None and inspect(engine).has_table("audit_log"):
        stamp(engine, FIRST)
    with engine.begin() as connection:
        command.upgrade(config(connection), revision)
