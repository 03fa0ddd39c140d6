"""Tables of testimony: imports, witnesses, their protected identities, accounts, claims and findings.

Witnesses are known everywhere by pseudonym. What identifies them (real name, contact, identifying details)
lives only in `testimony_witness_identities`, one sealed value per field: `scheme` says how `sealed` is
protected — the identity vault's AES-GCM token (`uncounted.store.vault.SCHEME`), bound to the table, the
witness's pseudonym and the field, so a value copied elsewhere fails to open. Nothing reads this table back
except the vault itself: the CLI, the JSON outputs and the analyses never touch it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from uncounted.store.base import Base

#: The table named in the vault context of each sealed identity (with the witness_id and the field).
IDENTITY_TABLE = "testimony_witness_identities"


class TestimonyImport(Base):
    """One imported file, by SHA-256: importing the same bytes again is a no-op."""

    __tablename__ = "testimony_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_name: Mapped[str] = mapped_column(String)
    file_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    witnesses: Mapped[int] = mapped_column(Integer, default=0)
    accounts: Mapped[int] = mapped_column(Integer, default=0)
    claims: Mapped[int] = mapped_column(Integer, default=0)


class TestimonyWitness(Base):
    """A witness by pseudonym, with role and Admiralty source reliability; no identifying field here."""

    __tablename__ = "testimony_witnesses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    witness_id: Mapped[str] = mapped_column(String, unique=True)  # the pseudonym
    role: Mapped[str] = mapped_column(String(32))
    reliability: Mapped[str] = mapped_column(String(1), default="F")
    notes: Mapped[str] = mapped_column(Text, default="")
    import_id: Mapped[int] = mapped_column(ForeignKey("testimony_imports.id"))
    source_file: Mapped[str] = mapped_column(String, default="")
    source_row: Mapped[int | None] = mapped_column(Integer, nullable=True)


class TestimonyWitnessIdentity(Base):
    """PROTECTED: one identifying field of one witness, sealed. Vault material; never printed or exported."""

    __tablename__ = "testimony_witness_identities"
    __table_args__ = (UniqueConstraint("witness_pk", "field"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    witness_pk: Mapped[int] = mapped_column(ForeignKey("testimony_witnesses.id"), index=True)
    field: Mapped[str] = mapped_column(String(32))  # protected_name | protected_contact | protected_details
    scheme: Mapped[str] = mapped_column(String(32))
    sealed: Mapped[bytes] = mapped_column(LargeBinary)


class TestimonyAccount(Base):
    """An interview or a document; its original is kept byte for byte under `originals/<sha256>`."""

    __tablename__ = "testimony_accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[str] = mapped_column(String, unique=True)
    witness_id: Mapped[str] = mapped_column(String, default="", index=True)  # pseudonym, or "" for a document
    kind: Mapped[str] = mapped_column(String(16))
    date: Mapped[str] = mapped_column(String(32), default="")
    language: Mapped[str] = mapped_column(String(32), default="")
    interviewer: Mapped[str] = mapped_column(String, default="")
    original: Mapped[str] = mapped_column(String, default="")
    original_sha256: Mapped[str] = mapped_column(String(64), default="")
    reliability: Mapped[str] = mapped_column(String(1), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    import_id: Mapped[int] = mapped_column(ForeignKey("testimony_imports.id"))
    source_file: Mapped[str] = mapped_column(String, default="")
    source_row: Mapped[int | None] = mapped_column(Integer, nullable=True)


class TestimonyClaim(Base):
    """One typed statement of one account (see `uncounted.testimony.model.Claim`)."""

    __tablename__ = "testimony_claims"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[str] = mapped_column(String, unique=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("testimony_accounts.account_id"), index=True)
    claim_type: Mapped[str] = mapped_column(String(32))
    fact_key: Mapped[str] = mapped_column(String, index=True)
    knowledge: Mapped[str] = mapped_column(String(16))
    origin: Mapped[str] = mapped_column(String, default="")
    value: Mapped[str] = mapped_column(String, default="")
    low: Mapped[float | None] = mapped_column(Float, nullable=True)
    high: Mapped[float | None] = mapped_column(Float, nullable=True)
    unit: Mapped[str] = mapped_column(String(16), default="")
    date_from: Mapped[str] = mapped_column(String(32), default="")
    date_to: Mapped[str] = mapped_column(String(32), default="")
    place: Mapped[str] = mapped_column(String, default="")
    quote: Mapped[str] = mapped_column(Text, default="")
    credibility: Mapped[int] = mapped_column(Integer, default=6)
    resolution: Mapped[str] = mapped_column(Text, default="")
    person_name: Mapped[str] = mapped_column(String, default="")
    person_sex: Mapped[str] = mapped_column(String(8), default="")
    person_age: Mapped[float | None] = mapped_column(Float, nullable=True)
    person_governorate: Mapped[str] = mapped_column(String, default="")
    import_id: Mapped[int] = mapped_column(ForeignKey("testimony_imports.id"))
    source_file: Mapped[str] = mapped_column(String, default="")
    source_row: Mapped[int | None] = mapped_column(Integer, nullable=True)


class TestimonyFinding(Base):
    """One finding of the latest corroboration run, under the standard it was judged by."""

    __tablename__ = "testimony_findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    finding_id: Mapped[str] = mapped_column(String, unique=True)
    fact_key: Mapped[str] = mapped_column(String, index=True)
    status: Mapped[str] = mapped_column(String(16))
    standard: Mapped[str] = mapped_column(String)
    independent_sources: Mapped[int] = mapped_column(Integer)
    direct_sources: Mapped[int] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(Text)  # the finding's JSON: claims, lines, contradictions, reasons
    judged_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
