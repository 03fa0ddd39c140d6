"""Testimony in a workspace: import files in one transaction, read claims back, save findings.

An import is all or nothing: every file is read and checked together with what the workspace already holds,
originals are staged under `originals/` only once everything has passed, the rows are written in one
transaction, and the originals get their final names (`<sha256>`) only after it commits. A file whose bytes
were imported before is skipped (its SHA-256 is on record).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete, select

from uncounted.errors import BadInput
from uncounted.ingest.fixity import sha256_file
from uncounted.store import audit, originals
from uncounted.store import testimony as tables
from uncounted.store.access import Actor, require
from uncounted.store.security_models import VaultKey
from uncounted.store.users import LOCAL
from uncounted.store.vault import SCHEME, FieldContext, Vault
from uncounted.testimony.corroborate import Finding
from uncounted.testimony.io import read_file
from uncounted.testimony.model import IDENTITY_FIELDS, Account, Claim, Testimony, Witness
from uncounted.workspace import Workspace


@dataclass
class ImportSummary:
    witnesses: int = 0
    accounts: int = 0
    claims: int = 0
    originals: int = 0
    skipped: list[str] = field(default_factory=list)  # files imported before


def import_testimony(ws: Workspace, paths: list[Path], *, by: Actor | str = LOCAL,
                     vault_passphrase: str | None = None) -> ImportSummary:
    """Import testimony files into the workspace; on any bad row nothing at all is written.

    The import is audited as `by` in the same transaction as the rows. Identity columns are sealed by the
    vault, unlocked with `vault_passphrase` (else UNCOUNTED_VAULT_PASSPHRASE, else a prompt).
    """
    summary = ImportSummary()
    existing = load_testimony(ws)
    with ws.session() as session:
        known = set(session.scalars(select(tables.TestimonyImport.file_sha256)))
    fresh: list[tuple[Path, str, Testimony]] = []
    combined = existing
    for path in paths:
        digest = sha256_file(path) if Path(path).is_file() else ""
        if digest and (digest in known or digest in {d for _, d, _ in fresh}):
            summary.skipped.append(str(path))
            continue
        part = read_file(Path(path))
        combined = combined.merged(part)
        fresh.append((Path(path), digest, part))
    combined.validate()
    vault = _vault_for(ws, [w for _, _, part in fresh for w in part.witnesses.values()], by, vault_passphrase)
    staged = _stage_originals(ws, [a for _, _, part in fresh for a in part.accounts.values()])
    summary.originals = len(staged)
    try:
        with ws.session() as session:
            records = []
            for path, digest, part in fresh:
                records.append(tables.TestimonyImport(
                    file_name=path.name, file_sha256=digest, imported_at=datetime.now(UTC),
                    witnesses=len(part.witnesses), accounts=len(part.accounts), claims=len(part.claims)))
                session.add(records[-1])
            session.flush()
            # Table by table across files, so claims may come in a file before the accounts they name.
            for record, (_, _, part) in zip(records, fresh, strict=True):
                for witness in part.witnesses.values():
                    _add_witness(session, witness, record.id, vault)
            session.flush()
            for record, (_, _, part) in zip(records, fresh, strict=True):
                session.add_all(_account_row(a, record.id) for a in part.accounts.values())
            session.flush()
            for record, (_, _, part) in zip(records, fresh, strict=True):
                session.add_all(_claim_row(c, record.id) for c in part.claims)
                summary.witnesses += len(part.witnesses)
                summary.accounts += len(part.accounts)
                summary.claims += len(part.claims)
            if fresh:
                audit.record(session, by, "testimony.import", ", ".join(p.name for p, _, _ in fresh), {
                    "files": [{"file": p.name, "sha256": d} for p, d, _ in fresh],
                    "witnesses": summary.witnesses, "accounts": summary.accounts, "claims": summary.claims})
    except BaseException:
        for partial in staged:  # the store is unchanged, so the originals staged for it go too
            originals.discard(partial)
        raise
    for partial in staged:
        originals.publish(partial)
    return summary


def _stage_originals(ws: Workspace, accounts: list[Account]) -> list[Path]:
    """Stage each new original as `originals/<sha256>` (published once the store commits).

    Written through `uncounted.store.originals`, like the lists, so it is encrypted in an encrypted workspace
    and a crash never leaves half an original under its final name.
    """
    staged: dict[str, Path] = {}
    for account in accounts:
        digest = account.original_sha256
        if account.original_path is None or digest in staged:
            continue
        partial = originals.stage(ws, account.original_path.read_bytes(), digest)
        if partial is not None:
            staged[digest] = partial
    return list(staged.values())


def _vault_for(ws: Workspace, witnesses: list[Witness], by: Actor | str,
               passphrase: str | None) -> Vault | None:
    """The unlocked vault if any witness brings identity fields; refused, before anything is written, when
    the workspace has no vault: identities are never stored in clear."""
    holding = [w for w in witnesses if w.identity]
    if not holding:
        return None
    with ws.engine.connect() as connection:
        has_vault = connection.execute(select(VaultKey.id)).first() is not None
    if not has_vault:
        raise BadInput("these witnesses have identity columns but the workspace has no identity vault; run "
                       f"'uncounted vault init -w {ws.path}' first, or leave the columns "
                       f"{', '.join(IDENTITY_FIELDS)} out", file=holding[0].file, row=holding[0].row)
    if isinstance(by, Actor):
        require(by, "identities.write", resource="vault")
    return Vault.unlock(ws, passphrase)


def _add_witness(session, witness: Witness, import_id: int, vault: Vault | None) -> None:  # noqa: ANN001
    row = tables.TestimonyWitness(witness_id=witness.witness_id, role=witness.role,
                                  reliability=witness.reliability, notes=witness.notes, import_id=import_id,
                                  source_file=witness.file, source_row=witness.row)
    session.add(row)
    session.flush()
    for name, value in witness.identity.items():
        assert vault is not None  # `_vault_for` gave one whenever a witness has identity fields
        token = vault.seal(value, FieldContext(tables.IDENTITY_TABLE, witness.witness_id, name))
        session.add(tables.TestimonyWitnessIdentity(witness_pk=row.id, field=name, scheme=SCHEME,
                                                    sealed=token.encode("ascii")))


def _account_row(account: Account, import_id: int) -> tables.TestimonyAccount:
    return tables.TestimonyAccount(
        account_id=account.account_id, witness_id=account.witness_id, kind=account.kind, date=account.date,
        language=account.language, interviewer=account.interviewer, original=account.original,
        original_sha256=account.original_sha256, reliability=account.reliability, notes=account.notes,
        import_id=import_id, source_file=account.file, source_row=account.row)


_CLAIM_FIELDS = ("claim_id", "account_id", "claim_type", "fact_key", "knowledge", "origin", "value", "low",
                 "high", "unit", "date_from", "date_to", "place", "quote", "credibility", "resolution",
                 "person_name", "person_sex", "person_age", "person_governorate")


def _claim_row(claim: Claim, import_id: int) -> tables.TestimonyClaim:
    return tables.TestimonyClaim(**{name: getattr(claim, name) for name in _CLAIM_FIELDS},
                                 import_id=import_id, source_file=claim.file, source_row=claim.row)


def load_testimony(ws: Workspace) -> Testimony:
    """Witnesses (without identities), accounts and claims of a workspace, in import order."""
    out = Testimony()
    with ws.session() as session:
        for w in session.scalars(select(tables.TestimonyWitness).order_by(tables.TestimonyWitness.id)):
            out.witnesses[w.witness_id] = Witness(w.witness_id, w.role, w.reliability, w.notes, {},
                                                  w.source_file, w.source_row)
        for a in session.scalars(select(tables.TestimonyAccount).order_by(tables.TestimonyAccount.id)):
            out.accounts[a.account_id] = Account(a.account_id, a.kind, a.witness_id, a.date, a.language,
                                                 a.interviewer, a.original, a.original_sha256, a.reliability,
                                                 a.notes, None, a.source_file, a.source_row)
        for c in session.scalars(select(tables.TestimonyClaim).order_by(tables.TestimonyClaim.id)):
            out.claims.append(Claim(**{name: getattr(c, name) for name in _CLAIM_FIELDS}, file=c.source_file,
                                    row=c.source_row))
    return out


def save_findings(ws: Workspace, findings: list[Finding]) -> None:
    """Replace the stored findings with this run's (a finding is only as current as its claims)."""
    now = datetime.now(UTC)
    with ws.session() as session:
        session.execute(delete(tables.TestimonyFinding))
        session.add_all(tables.TestimonyFinding(
            finding_id=f.finding_id, fact_key=f.fact_key, status=f.status, standard=f.standard,
            independent_sources=f.independent_sources, direct_sources=f.count("direct"),
            detail=json.dumps(f.to_json(), ensure_ascii=False), judged_at=now) for f in findings)
