"""The declarative base every table of the store hangs from, so one metadata creates and migrates them all."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Base class of all store tables."""
