"""Testimony entered through the web: one witness, account or claim per form, imported exactly as a file is.

A form becomes a one-row table in the testimony file format (docs/testimony-format.md), written to a private
staging folder and handed to `uncounted.testimony.persist.import_testimony` under the signed-in user's name.
So an entry gets the same row checks (`witness_from_row`, `account_from_row`, `claim_from_row`), the same
checks against what the workspace already holds, one transaction, the same audit entry, and identity fields
sealed by the vault: the web adds no second way into the store.
"""

from __future__ import annotations

import csv
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path

from uncounted.errors import BadInput
from uncounted.store.access import Actor
from uncounted.testimony.io import COLUMNS
from uncounted.testimony.model import IDENTITY_FIELDS
from uncounted.testimony.persist import ImportSummary, import_testimony
from uncounted.workspace import Workspace

#: What each form enters, and the columns it may fill. An account's `original` names a file beside the table,
#: which a form cannot bring: transcripts are imported from the command line.
FORMS: dict[str, tuple[str, ...]] = {
    "witness": COLUMNS["witnesses"],
    "account": tuple(c for c in COLUMNS["accounts"] if c != "original"),
    "claim": COLUMNS["claims"],
}
TABLE = {"witness": "witnesses", "account": "accounts", "claim": "claims"}
MAX_FIELD = 10_000
VAULT_FIELD = "vault_passphrase"


def enter(
    ws: Workspace,
    staging: Path,
    kind: str,
    form: Mapping[str, str],
    who: Actor,
    vault_passphrase: str = "",
) -> ImportSummary:
    """Import one `kind` ("witness", "account" or "claim") from `form`; BadInput names the form's field.

    Identity fields of a witness need `vault_passphrase` (the vault is never unlocked from the server's
    environment or terminal on a visitor's behalf), and the store asks the access check for identities.write.
    """
    columns = FORMS[kind]
    row = {column: " ".join(str(form.get(column, "")).split()) for column in columns}
    if "quote" in row:  # a quotation keeps its line breaks
        row["quote"] = str(form.get("quote", "")).strip()
    key = columns[0]  # witness_id, account_id, claim_id: a row without it would be skipped as blank
    if not row[key]:
        raise BadInput(f"{key} is empty", column=key)
    for column, value in row.items():
        if len(value) > MAX_FIELD:
            raise BadInput(f"{column} is longer than {MAX_FIELD} characters", column=column)
    sealing = any(row.get(field) for field in IDENTITY_FIELDS)
    if sealing and not vault_passphrase:
        raise BadInput("the vault passphrase is needed to seal the identity fields", column=VAULT_FIELD)
    folder = Path(tempfile.mkdtemp(prefix="testimony-", dir=staging))
    try:
        path = folder / f"{TABLE[kind]}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            writer.writerow([row[c] for c in columns])
        try:
            summary = import_testimony(
                ws, [path], by=who, vault_passphrase=vault_passphrase if sealing else None
            )
        except BadInput as exc:
            # The staging file's path and row mean nothing to the person at the form; the column is its field.
            raise BadInput(exc.message, column=exc.column) from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if summary.skipped:
        raise BadInput(f"this {kind} was entered before")
    return summary
