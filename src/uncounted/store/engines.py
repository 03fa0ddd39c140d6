"""The three engines a workspace's store can live on: SQLite, SQLCipher (encrypted SQLite) and PostgreSQL.

Plain SQLite is the default for a single laptop. SQLCipher encrypts every page of the database and of its WAL
with a 256-bit key; we derive that key ourselves from the passphrase with argon2id (memory-hard, so a seized
laptop's passphrase is expensive to guess on GPUs) and hand SQLCipher the raw key, so its own, weaker PBKDF2
step is skipped. Only the salt and the KDF's costs are kept in `uncounted.toml`; the key and the passphrase
never touch the disk. PostgreSQL serves teams; its URL is stored without a password, which comes at run time
from `UNCOUNTED_DATABASE_PASSWORD` (or libpq's own `~/.pgpass` / `PGPASSWORD`).
"""

from __future__ import annotations

import getpass
import os
import secrets
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from argon2.low_level import Type, hash_secret_raw
from sqlalchemy import Engine, create_engine, event, pool
from sqlalchemy.engine import URL, make_url

from uncounted.errors import BadInput

if TYPE_CHECKING:
    from uncounted.store.access import Actor
    from uncounted.workspace import Workspace

PASSPHRASE_ENV = "UNCOUNTED_PASSPHRASE"
NEW_PASSPHRASE_ENV = "UNCOUNTED_NEW_PASSPHRASE"
DATABASE_PASSWORD_ENV = "UNCOUNTED_DATABASE_PASSWORD"

#: argon2id costs for new workspaces (RFC 9106 §4's second recommended option: 64 MiB, 3 passes). Stored per
#: workspace, so raising them later does not lock anyone out; tests lower them through this dictionary only.
KDF_COSTS: dict[str, int] = {"time_cost": 3, "memory_cost": 64 * 1024, "parallelism": 2}
KEY_BYTES = 32
SALT_BYTES = 16

#: Sent as the first query on every encrypted connection: a wrong key fails here, before anything is written.
CHECK_QUERY = "SELECT count(*) FROM sqlite_master"

WRONG_PASSPHRASE = "wrong passphrase for this workspace"


def new_kdf() -> dict[str, Any]:
    """Fresh KDF settings (random salt, current costs) for a new key; they go in the TOML, the key does
    not."""
    return {"algorithm": "argon2id", "salt": secrets.token_hex(SALT_BYTES), **KDF_COSTS}


def derive_key(passphrase: str, kdf: dict[str, Any]) -> bytes:
    """The 256-bit key a passphrase gives under these KDF settings (argon2id, RFC 9106)."""
    if kdf.get("algorithm") != "argon2id":
        raise BadInput(f"unknown key derivation '{kdf.get('algorithm')}' in the settings")
    return hash_secret_raw(
        passphrase.encode("utf-8"),
        bytes.fromhex(kdf["salt"]),
        time_cost=int(kdf["time_cost"]),
        memory_cost=int(kdf["memory_cost"]),
        parallelism=int(kdf["parallelism"]),
        hash_len=KEY_BYTES,
        type=Type.ID,
    )


def read_secret(explicit: str | None, env: str, prompt: str, missing: str, *, confirm: bool = False) -> str:
    """A secret from the argument, else the environment variable, else a hidden prompt on a terminal.

    Scripts and CI set the environment variable; people at a terminal are asked without echo. With neither,
    `missing` is the one sentence the user sees (exit 2): we never block on a prompt nobody can answer.
    """
    value = explicit if explicit is not None else os.environ.get(env)
    if value is None:
        if not sys.stdin.isatty():
            raise BadInput(missing)
        value = getpass.getpass(f"{prompt}: ")
        if confirm and getpass.getpass(f"{prompt} (again): ") != value:
            raise BadInput("the two entries differ")
    if not value:
        raise BadInput(f"an empty value is not accepted ({env})")
    return value


def change_passphrase(ws: Workspace, by: Actor, new_passphrase: str | None = None) -> None:
    """Re-encrypt an encrypted store under a new passphrase (SQLCipher's rekey, one transaction).

    The salt and costs in the settings stay, so the settings file is not rewritten and a crash leaves the
    store under either the old key or the new one, never half of each. Other programs using the workspace must
    be closed first: their connections hold the old key.
    """
    from uncounted.store import audit
    from uncounted.store.access import require

    require(by, "store.passphrase", resource=str(ws.path))
    if not ws.encrypted or ws.key is None:
        raise BadInput("this workspace is not encrypted; make an encrypted one and restore into it")
    secret = read_secret(
        new_passphrase,
        NEW_PASSPHRASE_ENV,
        "New passphrase for the workspace",
        "set UNCOUNTED_NEW_PASSPHRASE or run in a terminal to give the new passphrase",
        confirm=True,
    )
    new_key = derive_key(secret, ws.section("store")["kdf"])
    ws.engine.dispose()
    import sqlcipher3

    connection = sqlcipher3.connect(str(ws.store_path))
    try:
        connection.execute("PRAGMA cipher_log_level = NONE")
        connection.execute(f'PRAGMA key = "{_raw_key(ws.key)}"')
        connection.execute("PRAGMA busy_timeout = 30000")
        connection.execute(f'PRAGMA rekey = "{_raw_key(new_key)}"')
    finally:
        connection.close()
    ws.key = new_key
    ws.__dict__.pop("engine", None)  # the cached engine holds the old key
    with ws.session() as session:
        audit.record(session, by, "store.passphrase_change", "store")


def sqlite_engine(path: Path) -> Engine:
    """Plain SQLite, with the pragmas every connection of the store needs."""
    engine = create_engine(f"sqlite:///{path.resolve()}", poolclass=pool.QueuePool)
    _sqlite_events(engine)
    return engine


def sqlcipher_engine(path: Path, key: bytes) -> Engine:
    """SQLCipher under a raw 256-bit key (already derived with argon2id), same pragmas as plain SQLite."""
    url = URL.create("sqlite+pysqlcipher", password=_raw_key(key), database=str(path.resolve()))
    engine = create_engine(url, poolclass=pool.QueuePool)
    _sqlite_events(engine)
    return engine


def check_sqlcipher_key(path: Path, key: bytes) -> None:
    """Refuse a wrong key with one sentence and without writing a byte: a read-only check query, then
    close."""
    import sqlcipher3

    if not path.is_file():
        raise BadInput("the encrypted store is missing from this workspace", file=str(path))
    connection = sqlcipher3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
    try:
        connection.execute("PRAGMA cipher_log_level = NONE")  # a wrong key must not print "hmac check failed"
        connection.execute(f'PRAGMA key = "{_raw_key(key)}"')
        connection.execute(CHECK_QUERY).fetchall()
    except sqlcipher3.DatabaseError as exc:
        raise BadInput(WRONG_PASSPHRASE) from exc
    finally:
        connection.close()


def postgres_engine(url: str, password: str | None = None) -> Engine:
    """PostgreSQL through psycopg 3; the password, if any, is given here and never stored."""
    parsed = make_url(postgres_url(url))
    if password is None:
        password = os.environ.get(DATABASE_PASSWORD_ENV)
    if password is not None:
        parsed = parsed.set(password=password)
    return create_engine(parsed, pool_pre_ping=True)


def check_postgres(engine: Engine) -> None:
    """Connect once, so a wrong password or an unreachable server is one sentence, not a traceback."""
    from sqlalchemy.exc import OperationalError

    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[-1] if exc.orig else "no reason given"
        raise BadInput(
            f"cannot connect to the PostgreSQL database ({reason}); the password comes from "
            f"{DATABASE_PASSWORD_ENV} or ~/.pgpass"
        ) from None


def postgres_url(url: str) -> str:
    """The URL with the psycopg 3 driver named and the password removed: what the TOML may keep."""
    try:
        parsed = make_url(url)
    except (
        Exception
    ) as exc:  # SQLAlchemy raises ArgumentError with the whole URL; keep the password out of it
        raise BadInput(
            "the database URL cannot be read; expected postgresql://USER@HOST[:PORT]/DATABASE"
        ) from exc
    if parsed.get_backend_name() != "postgresql":
        raise BadInput("only PostgreSQL URLs are accepted (postgresql://USER@HOST[:PORT]/DATABASE)")
    # URL.set() ignores None, so build the URL anew to be sure the password is gone.
    stripped = URL.create(
        "postgresql+psycopg",
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query=parsed.query,
    )
    return stripped.render_as_string(hide_password=False)


def url_password(url: str) -> str | None:
    """The password written in a URL, used for this process only."""
    return make_url(url).password


def _raw_key(key: bytes) -> str:
    # SQLCipher's raw-key syntax: the 64 hex digits are used as the key itself, without SQLCipher's PBKDF2.
    return f"x'{key.hex()}'"


def _sqlite_events(engine: Engine) -> None:
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _sqlite_begin)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers (the web app, a report) work while an import writes; foreign keys are off by default;
    # the busy timeout makes a second writer wait its turn instead of failing; temp_store=MEMORY keeps sort
    # and temporary tables off the disk, where SQLCipher would not encrypt them.
    cursor = dbapi_connection.cursor()
    if _is_sqlcipher(dbapi_connection):
        cursor.execute("PRAGMA cipher_log_level = NONE")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()
    # We issue BEGIN ourselves (see _sqlite_begin); the driver's implicit transactions would start too late.
    dbapi_connection.isolation_level = None


def _sqlite_begin(connection: Any) -> None:
    # A write transaction that starts by reading (check a hash, read the last audit entry) must hold the write
    # lock from its first statement: with a plain BEGIN, two processes both read, then one fails to upgrade
    # ("database is locked") instead of waiting. Sessions ask for IMMEDIATE; plain connections stay DEFERRED
    # so readers never wait behind a long import.
    mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
    connection.exec_driver_sql(f"BEGIN {mode}")


def _is_sqlcipher(dbapi_connection: Any) -> bool:
    return type(dbapi_connection).__module__.startswith("sqlcipher3")
