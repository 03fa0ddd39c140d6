"""Migrations: the head revision builds exactly the models' schema on SQLite, SQLCipher and PostgreSQL, and an
older workspace is upgraded (on open, or from 0001 with data in it) with its data intact."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, select, text

from tests.ingest.lists import write_csv
from uncounted.ingest import ingest_file
from uncounted.link import Linkage
from uncounted.store import audit, migrations, results, users
from uncounted.store.base import Base
from uncounted.store.models import records
from uncounted.store.security_models import User
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


def _at_first_revision(ws: Workspace) -> None:
    """Put a new workspace back to the first released schema (0001), as an older version made it."""
    with ws.engine.begin() as connection:
        command.downgrade(migrations.config(connection), "base")
        command.upgrade(migrations.config(connection), migrations.FIRST)


def test_a_workspace_from_before_migrations_is_upgraded_on_open_with_its_data(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws")
    _at_first_revision(ws)
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


def test_a_workspace_at_the_first_revision_keeps_its_data_up_to_head(ws: Workspace, tmp_path: Path) -> None:
    """0001 → head with records, a user and audit entries in it, on every engine (PostgreSQL included): the
    rows are unchanged, the schema is the models', and the tables added since work."""
    _at_first_revision(ws)
    assert migrations.current(ws.engine) == migrations.FIRST
    ingest_file(ws, write_csv(tmp_path / "list.csv"), source="alpha")
    users.add_user(ws, users.local_actor(ws), "amal", "admin", "a long admin password")
    with ws.engine.connect() as connection:
        before = connection.execute(select(records).order_by(records.c.id)).all()
        kept_users = connection.execute(select(User.name, User.role, User.password_hash)).all()
    log_before = audit.entries(ws)
    assert len(before) == 4 and len(log_before) == 2

    migrations.upgrade(ws.engine)
    assert migrations.current(ws.engine) == migrations.HEAD
    with ws.engine.connect() as connection:
        assert connection.execute(select(records).order_by(records.c.id)).all() == before
        assert connection.execute(select(User.name, User.role, User.password_hash)).all() == kept_users
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    assert audit.entries(ws) == log_before and audit.verify(ws) == []

    entities = pd.DataFrame({"source": ["alpha"] * 4, "record_id": ["007", "008", "009", "010"],
                             "entity_id": ["E1", "E1", "E2", "E3"]})
    linkage = Linkage(entities=entities, pairs=pd.DataFrame(), settings={}, model={},
                      diagnostics={"n_links": 1})
    run = results.save_linkage_run(ws, linkage, seed=1, input_hash="0" * 64)
    assert results.load_entities(ws, run).equals(entities)
    assert audit.entries(ws, last=1)[0]["action"] == "link.run" and audit.verify(ws) == []
