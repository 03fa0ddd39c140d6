"""Reviewers' judgements on candidate pairs: who said what about which two records, when, and why."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from uncounted.store.base import Base

LABELS = ("match", "non-match", "unsure")


class ReviewLabel(Base):
    """One reviewer's label on one pair. Later labels on the same pair are kept too: disagreement is data."""

    __tablename__ = "review_labels"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_l: Mapped[str] = mapped_column(String, index=True)
    record_id_l: Mapped[str] = mapped_column(String)
    source_r: Mapped[str] = mapped_column(String, index=True)
    record_id_r: Mapped[str] = mapped_column(String)
    label: Mapped[str] = mapped_column(String(12))
    reviewer: Mapped[str] = mapped_column(String)
    reason: Mapped[str] = mapped_column(Text, default="")
    match_probability: Mapped[float | None] = mapped_column(Float, nullable=True)  # the model's, when exported
    sample_weight: Mapped[float] = mapped_column(Float, default=1.0)  # pairs of its export stratum it stands for
    labelled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    file_sha256: Mapped[str] = mapped_column(String(64), default="")
