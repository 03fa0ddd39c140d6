"""The identity vault: witnesses' identifying fields encrypted one by one, readable only by allowed roles.

Each value is sealed with AES-256-GCM under the vault key, a random 256-bit key that is stored only wrapped
(AES-GCM again) under a key derived with argon2id from the *vault passphrase* (`UNCOUNTED_VAULT_PASSPHRASE`).
That passphrase is separate from the workspace's: a stolen laptop, plain or encrypted, and a co-worker who
knows the workspace passphrase, still cannot read identities without it. On an encrypted workspace the wrapped
key sits inside the SQLCipher file too, so there are two locks.

Each ciphertext's associated data names its table, row and column, so a sealed value copied to another witness
or another field fails to open instead of lying. Opening checks `identities.read` through the one access check
and writes an audit entry (never the value) for every decryption and every refusal.
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select
from sqlalchemy.orm import Session

from uncounted.errors import BadInput, UncountedError
from uncounted.store import audit, engines
from uncounted.store.access import Actor, PermissionDenied, require
from uncounted.store.security_models import VaultKey
from uncounted.workspace import Workspace

VAULT_PASSPHRASE_ENV = "UNCOUNTED_VAULT_PASSPHRASE"
#: The scheme name a table stores next to a sealed value (see `uncounted.store.testimony`).
SCHEME = "vault-aes256gcm-v1"
_TOKEN_PREFIX = "uv1"
_NONCE_BYTES = 12
WRONG_VAULT_PASSPHRASE = "wrong vault passphrase"
NO_VAULT_PASSPHRASE = "the identity vault is locked; set UNCOUNTED_VAULT_PASSPHRASE or run in a terminal"


@dataclass(frozen=True)
class FieldContext:
    """Where a sealed value belongs: bound into its ciphertext so it cannot be moved."""

    table: str
    row: str | int
    column: str

    def __str__(self) -> str:
        return f"{self.table}/{self.row}/{self.column}"

    def associated_data(self, key_id: str) -> bytes:
        return json.dumps(
            ["uncounted-vault", 1, key_id, self.table, str(self.row), self.column],
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode("utf-8")


class Vault:
    """An unlocked vault: the data key in memory, for this process only."""

    def __init__(self, ws: Workspace, key_id: str, key: bytes) -> None:
        self._ws = ws
        self.key_id = key_id
        self._key = key
        self._aead = AESGCM(key)

    @classmethod
    def initialise(cls, ws: Workspace, by: Actor, passphrase: str | None = None) -> Vault:
        """Make the workspace's vault key (once), wrapped under the vault passphrase; needs
        identities.write."""
        require(by, "identities.write", resource="vault")
        secret = engines.read_secret(
            passphrase,
            VAULT_PASSPHRASE_ENV,
            "New vault passphrase",
            "a new identity vault needs a passphrase; set UNCOUNTED_VAULT_PASSPHRASE or run in a terminal",
            confirm=True,
        )
        key, key_id, kdf = AESGCM.generate_key(bit_length=256), secrets.token_hex(8), engines.new_kdf()
        nonce = secrets.token_bytes(_NONCE_BYTES)
        wrapped = AESGCM(engines.derive_key(secret, kdf)).encrypt(nonce, key, _wrap_data(key_id))
        with ws.session() as session:
            if session.execute(select(VaultKey.id)).first():
                raise BadInput("this workspace already has an identity vault")
            session.add(
                VaultKey(
                    key_id=key_id,
                    kdf=json.dumps(kdf),
                    nonce=nonce,
                    wrapped=wrapped,
                    active=True,
                    created_at=datetime.now(UTC),
                )
            )
            audit.record(session, by, "vault.initialise", "vault", {"key_id": key_id})
        return cls(ws, key_id, key)

    @classmethod
    def unlock(cls, ws: Workspace, passphrase: str | None = None) -> Vault:
        """Unwrap the vault key with the vault passphrase (argument, UNCOUNTED_VAULT_PASSPHRASE, or
        prompt)."""
        with ws.engine.connect() as connection:
            row = connection.execute(select(VaultKey).where(VaultKey.active.is_(True))).first()
        if row is None:
            raise BadInput("this workspace has no identity vault yet")
        secret = engines.read_secret(
            passphrase, VAULT_PASSPHRASE_ENV, "Vault passphrase", NO_VAULT_PASSPHRASE
        )
        kek = engines.derive_key(secret, json.loads(row.kdf))
        try:
            key = AESGCM(kek).decrypt(row.nonce, row.wrapped, _wrap_data(row.key_id))
        except InvalidTag:
            raise BadInput(WRONG_VAULT_PASSPHRASE) from None
        return cls(ws, row.key_id, key)

    def change_passphrase(self, by: Actor, new_passphrase: str | None = None) -> None:
        """Re-wrap the vault key under a new vault passphrase; no sealed value changes (that is why the key is
        wrapped rather than derived). Needs identities.read: only someone who may read identities may
        re-lock."""
        require(by, "identities.read", resource="vault")
        secret = engines.read_secret(
            new_passphrase,
            VAULT_PASSPHRASE_ENV,
            "New vault passphrase",
            "set UNCOUNTED_VAULT_PASSPHRASE or run in a terminal to give the new vault passphrase",
            confirm=True,
        )
        kdf, nonce = engines.new_kdf(), secrets.token_bytes(_NONCE_BYTES)
        wrapped = AESGCM(engines.derive_key(secret, kdf)).encrypt(nonce, self._key, _wrap_data(self.key_id))
        with self._ws.session() as session:
            row = session.execute(select(VaultKey).where(VaultKey.key_id == self.key_id)).scalar_one()
            row.kdf, row.nonce, row.wrapped = json.dumps(kdf), nonce, wrapped
            audit.record(session, by, "vault.passphrase_change", "vault", {"key_id": self.key_id})

    def seal(self, value: str, context: FieldContext) -> str:
        """The value encrypted for exactly this table/row/column, as printable text (`uv1.<key>.<base64>`)."""
        nonce = secrets.token_bytes(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, value.encode("utf-8"), context.associated_data(self.key_id))
        return f"{_TOKEN_PREFIX}.{self.key_id}.{base64.urlsafe_b64encode(nonce + sealed).decode('ascii')}"

    def open_sealed(
        self, token: str, context: FieldContext, actor: Actor, *, session: Session | None = None
    ) -> str:
        """Decrypt one value for `actor` if their role may read identities; audit the read or the refusal.

        With `session`, the audit entry joins the caller's transaction; without, it is committed on its own.
        """
        try:
            require(actor, "identities.read", resource=str(context))
        except PermissionDenied:
            self._audit(session, actor, "identity.read.denied", context)
            raise
        prefix, _, rest = token.partition(".")
        key_id, _, body = rest.partition(".")
        if prefix != _TOKEN_PREFIX or key_id != self.key_id:
            raise UncountedError(f"the sealed value at {context} was not made by this vault")
        try:
            raw = base64.urlsafe_b64decode(body.encode("ascii"))
            value = self._aead.decrypt(
                raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], context.associated_data(key_id)
            )
        except (InvalidTag, ValueError):
            raise UncountedError(
                f"the sealed value at {context} is damaged or was moved from another field"
            ) from None
        self._audit(session, actor, "identity.read", context)
        return value.decode("utf-8")

    def _audit(self, session: Session | None, actor: Actor, action: str, context: FieldContext) -> None:
        details = {"key_id": self.key_id}
        if session is not None:
            audit.record(session, actor, action, str(context), details)
            return
        with self._ws.session() as own:
            audit.record(own, actor, action, str(context), details)


def _wrap_data(key_id: str) -> bytes:
    return f"uncounted vault key {key_id}".encode()
