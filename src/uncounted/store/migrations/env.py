"""Alembic environment: the models' metadata (every table module imported) and the caller's connection."""

from __future__ import annotations

import importlib

from alembic import context

from uncounted.store.base import Base
from uncounted.workspace import TABLE_MODULES

for module in TABLE_MODULES:
    importlib.import_module(module)

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata,
                  render_as_batch=connection.dialect.name == "sqlite")  # SQLite alters tables by copying them
with context.begin_transaction():
    context.run_migrations()
