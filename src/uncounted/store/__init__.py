"""The store: every table of a workspace, behind SQLAlchemy (SQLite by default)."""
