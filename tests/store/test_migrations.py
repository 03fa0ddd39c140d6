"""Migrations: the head revision builds exactly the models' schema on SQLite and PostgreSQL, and an older
workspace is upgraded on open with its data intact."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, select, text

from tests.ingest.lists import write_csv
from uncounted.ingest import ingest_file
from uncounted.store import audit, migrations
from uncounted.store.base import Base
from uncounted.store.models import records
from uncounted.workspace import Workspace


def test_head_is_the_script_directorys_head(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws")
    with ws.engine.connect() as connection:
        script = ScriptDirectory.from_config(migrations.config(connection))
    assert script.get_current_head() == migrations.HEAD
    assert [r.revision for r in script.walk_revisions()][-1] == migrations.FIRST
    assert migrations.current(ws.engine) == migrations.HEAD


def test_the_head_migration_builds_exactly_the_models(ws: Workspace) -> None:
    engine = ws.engine
    with engine.begin() as connection:
        command.downgrade(migrations.config(connection), "base")  # drops every table and trigger
    with engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) <= {migrations.VERSION_TABLE}
    migrations.upgrade(engine)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    assert migrations.current(engine) == migrations.HEAD
    assert audit.verify(ws) == []  # the append-only triggers are back


def test_a_workspace_from_before_migrations_is_upgraded_on_open_with_its_data(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws")
    ingest_file(ws, write_csv(tmp_path / "list.csv"), source="alpha")
    with ws.engine.begin() as connection:
        connection.execute(text(f"DROP TABLE {migrations.VERSION_TABLE}"))  # as made by an earlier release
        before = connection.execute(select(func.count()).select_from(records)).scalar_one()
    ws.engine.dispose()
    assert before > 0 and migrations.current(ws.engine) is None
    again = Workspace.open(ws.path)
    assert migrations.current(again.engine) == migrations.HEAD
    with again.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(records)).scalar_one() == before
    assert audit.verify(again) == []


def test_a_workspace_at_the_first_revision_keeps_its_data_up_to_head(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws")
    with ws.engine.begin() as connection:
        command.downgrade(migrations.config(connection), "base")
        command.upgrade(migrations.config(connection), migrations.FIRST)
    ingest_file(ws, write_csv(tmp_path / "list.csv"), source="alpha")
    with ws.engine.connect() as connection:
        before = connection.execute(select(records)).all()
    migrations.upgrade(ws.engine)
    with ws.engine.connect() as connection:
        assert connection.execute(select(records)).all() == before
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    assert audit.verify(Workspace.open(ws.path)) == []
