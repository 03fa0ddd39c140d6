"""Engines under attack: a seized encrypted workspace, a passphrase guesser, injection strings, two writers at
once."""

from __future__ import annotations

import hashlib
import multiprocessing
import sys
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, insert, inspect, select, text
from sqlalchemy.engine import URL, make_url

from uncounted.errors import BadInput
from uncounted.records import CANONICAL_FIELDS
from uncounted.store import audit, engines, users
from uncounted.store.access import PermissionDenied, actor
from uncounted.store.models import Import, records
from uncounted.workspace import ENCRYPTED_NO_PASSPHRASE, Workspace

from .conftest import PASSPHRASE, PG_PASSWORD

WITNESS, VICTIM = "زيد المثال", "Zayd Almithal"


def add_import(connection, name: str = "list.csv") -> int:  # type: ignore[no-untyped-def]
    return connection.execute(
        insert(Import.__table__).values(
            sha256=hashlib.sha256(name.encode()).hexdigest(),
            file_name=name,
            original=name,
            size_bytes=0,
            format="csv",
            imported_at=datetime.now(UTC),
        )
    ).inserted_primary_key[0]


def record_rows(import_id: int, n: int, name: str, prefix: str = "r") -> list[dict[str, object]]:
    empty = dict.fromkeys(CANONICAL_FIELDS, "")
    return [
        {
            **empty,
            "import_id": import_id,
            "row": i + 2,
            "source": "A",
            "record_id": f"{prefix}{i}",
            "full_name": f"{name} {i}",
            "notes": f"{VICTIM} / {WITNESS}",
        }
        for i in range(n)
    ]


def forms(*names: str) -> dict[str, bytes]:
    """Each name as raw bytes in the encodings a database or a temp file could hold it in."""
    return {
        f"{name} ({encoding})": name.encode(encoding)
        for name in names
        for encoding in ("utf-8", "utf-16-le", "utf-16-be")
    }


def leaks(folders: list[Path], needles: dict[str, bytes]) -> list[str]:
    found = []
    for folder in folders:
        for path in folder.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                found += [f"{path.name}: {label}" for label, needle in needles.items() if needle in data]
    return found


def snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("encrypt", [False, True])
def test_every_connection_gets_the_store_pragmas(tmp_path: Path, encrypt: bool) -> None:
    ws = Workspace.create(tmp_path / "ws", encrypt=encrypt, passphrase=PASSPHRASE if encrypt else None)
    with ws.engine.connect() as connection:
        pragmas = {
            name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "foreign_keys", "busy_timeout", "temp_store")
        }
    assert pragmas == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 30000, "temp_store": 2}


def test_an_encrypted_store_keeps_neither_key_nor_passphrase_and_is_not_sqlite(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws", encrypt=True, passphrase=PASSPHRASE)
    settings = tomllib.loads((ws.path / "uncounted.toml").read_text(encoding="utf-8"))
    assert settings["store"]["engine"] == "sqlcipher"
    assert set(settings["store"]["kdf"]) == {"algorithm", "salt", "time_cost", "memory_cost", "parallelism"}
    toml_text = (ws.path / "uncounted.toml").read_text(encoding="utf-8")
    assert PASSPHRASE not in toml_text and ws.key is not None and ws.key.hex() not in toml_text
    assert not ws.store_path.read_bytes().startswith(b"SQLite format 3")
    assert ws.key == engines.derive_key(PASSPHRASE, settings["store"]["kdf"])


def test_names_written_to_an_encrypted_workspace_are_in_none_of_its_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The seized laptop: database, WAL, shared memory, journal and SQLite temp files hold no name in clear.

    The same writes to a plain workspace are found by the same search, so the search itself is shown to work.
    """
    temp = tmp_path / "sqlite-temp"
    temp.mkdir()
    monkeypatch.setenv("SQLITE_TMPDIR", str(temp))
    needles = forms(WITNESS, VICTIM)
    found: dict[bool, list[str]] = {}
    for encrypt in (False, True):
        ws = Workspace.create(tmp_path / f"ws-{encrypt}", encrypt=encrypt, passphrase=PASSPHRASE)
        with ws.session() as session:
            import_id = add_import(session.connection())
            session.connection().execute(insert(records), record_rows(import_id, 3000, WITNESS))
            audit.record(session, "amal", "record.write", "records", {"names": [WITNESS, VICTIM]})
        with ws.engine.connect() as connection:  # a sort big enough to need temporary storage
            connection.execute(text("SELECT full_name FROM records ORDER BY notes || full_name DESC")).all()
            during = leaks([ws.path, temp], needles)  # WAL not yet checkpointed, a reader open
        with ws.engine.connect() as connection, connection.begin():  # uncommitted, then rolled back
            connection.execute(insert(records), record_rows(import_id, 3000, VICTIM, prefix="x"))
            during += leaks([ws.path, temp], needles)
            connection.rollback()
        ws.engine.dispose()
        found[encrypt] = during + leaks([ws.path, temp], needles)
    assert found[False], "the search must find the names in a plain workspace"
    assert found[True] == []


def test_an_imported_original_in_an_encrypted_workspace_is_not_in_clear(tmp_path: Path) -> None:
    from uncounted.ingest import ingest_file

    csv = tmp_path / "list.csv"
    csv.write_text(f"record_id,full_name\n1,{WITNESS}\n2,{VICTIM}\n", encoding="utf-8")
    ws = Workspace.create(tmp_path / "ws", encrypt=True, passphrase=PASSPHRASE)
    ingest_file(ws, csv, source="A")
    ws.engine.dispose()
    assert leaks([ws.path], forms(WITNESS, VICTIM)) == []


def test_a_hundred_wrong_passphrases_give_bad_input_and_change_nothing(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    ws = Workspace.create(tmp_path / "ws", encrypt=True, passphrase=PASSPHRASE)
    with ws.session() as session:
        session.connection().execute(
            insert(records), record_rows(add_import(session.connection()), 5, WITNESS)
        )
    ws.engine.dispose()
    before = snapshot(ws.path)
    for attempt in range(100):
        with pytest.raises(BadInput) as refused:
            Workspace.open(ws.path, passphrase=f"guess number {attempt}")
        assert str(refused.value) == "wrong passphrase for this workspace."
        assert refused.value.exit_code == 2
    assert snapshot(ws.path) == before
    assert "hmac" not in capfd.readouterr().err
    reopened = Workspace.open(ws.path, passphrase=PASSPHRASE)
    with reopened.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(records)).scalar_one() == 5


def test_an_encrypted_workspace_without_a_passphrase_says_how_to_give_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Workspace.create(tmp_path / "ws", encrypt=True, passphrase=PASSPHRASE).engine.dispose()
    monkeypatch.delenv(engines.PASSPHRASE_ENV, raising=False)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    with pytest.raises(BadInput, match="^" + ENCRYPTED_NO_PASSPHRASE):
        Workspace.open(tmp_path / "ws")
    monkeypatch.setenv(engines.PASSPHRASE_ENV, PASSPHRASE)
    assert Workspace.open(tmp_path / "ws").encrypted


def test_encryption_is_for_sqlite_only(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="PostgreSQL server encrypts its own disks"):
        Workspace.create(
            tmp_path / "ws", encrypt=True, passphrase=PASSPHRASE, database_url="postgresql://u@127.0.0.1/db"
        )
    assert not (tmp_path / "ws").exists()


INJECTIONS = [
    "'); DROP TABLE records; --",
    '" OR 1=1 --',
    "Robert'); DROP TABLE audit_log;--",
    "1; DELETE FROM users WHERE 1=1",
    "%s %(name)s ? :name $1",
    "\\'; SELECT pg_sleep(5); --",
    "' UNION SELECT password_hash FROM users --",
    f"{WITNESS}'; --",
]


def test_injection_strings_are_stored_verbatim_on_every_engine(ws: Workspace) -> None:
    local = users.local_actor(ws)
    users.add_user(ws, local, "admin-1", "admin", "a long enough password")
    with ws.session() as session:
        import_id = add_import(session.connection(), INJECTIONS[0])
        empty = dict.fromkeys(CANONICAL_FIELDS, "")
        session.connection().execute(
            insert(records),
            [
                {
                    **empty,
                    **dict.fromkeys(CANONICAL_FIELDS, value),
                    "import_id": import_id,
                    "row": i + 2,
                    "source": "A",
                    "record_id": str(i),
                }
                for i, value in enumerate(INJECTIONS)
            ],
        )
        for value in INJECTIONS:
            audit.record(session, value, value, value, {value: value})
    for i, value in enumerate(INJECTIONS[:4]):
        users.add_user(
            ws,
            users.authenticate(ws, "admin-1", "a long enough password"),
            f"user{i}{value}"[:64],
            "viewer",
            value + " padding to length",
        )
    with ws.engine.connect() as connection:
        stored = connection.execute(select(records).order_by(records.c.id)).mappings().all()
        assert {"records", "audit_log", "users"} <= set(inspect(connection).get_table_names())
    for row, value in zip(stored, INJECTIONS, strict=True):
        assert all(row[name] == value for name in CANONICAL_FIELDS if name not in ("source", "record_id"))
    logged = [e for e in audit.entries(ws) if e["action"] in INJECTIONS]
    assert [(e["actor"], e["target"], e["details"]) for e in logged] == [(v, v, {v: v}) for v in INJECTIONS]
    assert audit.verify(ws) == []
    assert [
        u.name for u in users.list_users(ws, users.authenticate(ws, "admin-1", "a long enough password"))
    ][1:] == sorted(f"user{i}{v}"[:64] for i, v in enumerate(INJECTIONS[:4]))


def write_many(path: str, name: str, import_id: int) -> None:
    """One writer process: 25 transactions, each a record and its audit entry."""
    ws = Workspace.open(path)
    for i in range(25):
        with ws.session() as session:  # reads first (the log's last entry), then writes: the risky order
            audit.record(session, name, "record.write", f"{name}/{i}")
            session.connection().execute(
                insert(records).values(
                    {
                        **dict.fromkeys(CANONICAL_FIELDS, ""),
                        "import_id": import_id,
                        "row": i + 2,
                        "source": name,
                        "record_id": str(i),
                        "full_name": f"{name} {i}",
                    }
                )
            )


def test_two_processes_writing_at_once_lose_nothing(ws: Workspace) -> None:
    """SQLite: WAL, BEGIN IMMEDIATE and the busy timeout make writers take turns; PostgreSQL: its own locking
    and the audit log's advisory lock. Forked processes, so neither pays for importing the package again."""
    with ws.session() as session:
        import_id = add_import(session.connection())
    ws.engine.dispose()  # no connection may cross a fork
    context = multiprocessing.get_context("fork")
    writers = [
        context.Process(target=write_many, args=(str(ws.path), name, import_id)) for name in ("A", "B")
    ]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join(timeout=120)
    assert [w.exitcode for w in writers] == [0, 0]
    with ws.engine.connect() as connection:
        kept = connection.execute(select(records.c.source, func.count()).group_by(records.c.source)).all()
    assert sorted(kept) == [("A", 25), ("B", 25)]
    assert audit.count(ws) == 50 and audit.verify(ws) == []


@pytest.mark.postgres
def test_postgresql_keeps_the_password_out_of_the_settings(
    tmp_path: Path, postgres_server, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    name = postgres_server.database()
    try:
        monkeypatch.delenv(engines.DATABASE_PASSWORD_ENV, raising=False)
        ws = Workspace.create(tmp_path / "ws", database_url=postgres_server.url(name, password=True))
        ws.engine.dispose()
        toml_text = (ws.path / "uncounted.toml").read_text(encoding="utf-8")
        assert PG_PASSWORD not in toml_text and "postgresql+psycopg://uncounted@127.0.0.1" in toml_text
        with pytest.raises(BadInput, match="cannot connect to the PostgreSQL database"):
            Workspace.open(ws.path)
        monkeypatch.setenv(engines.DATABASE_PASSWORD_ENV, "not the password")
        with pytest.raises(BadInput, match="password authentication failed"):
            Workspace.open(ws.path)
        monkeypatch.setenv(engines.DATABASE_PASSWORD_ENV, PG_PASSWORD)
        reopened = Workspace.open(ws.path)
        assert reopened.engine.dialect.name == "postgresql"
        with pytest.raises(BadInput, match="already holds an uncounted workspace"):
            Workspace.create(tmp_path / "ws2", database_url=postgres_server.url(name))
        reopened.engine.dispose()
    finally:
        postgres_server.drop(name)


@settings(max_examples=60, deadline=None)
@given(
    user=st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True),
    password=st.text(st.characters(codec="ascii", exclude_categories=("Cc",)), min_size=6, max_size=20),
    host=st.sampled_from(["127.0.0.1", "db.example.org", "localhost"]),
    port=st.integers(1, 65535),
    database=st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True),
)
def test_the_stored_database_url_never_holds_the_password(
    user: str, password: str, host: str, port: int, database: str
) -> None:
    url = URL.create("postgresql", username=user, password=password, host=host, port=port, database=database)
    given_url = url.render_as_string(hide_password=False)
    stored = engines.postgres_url(given_url)
    parsed = make_url(stored)
    assert parsed.password is None
    assert stored.split("//", 1)[1].rsplit("@", 1)[0] == user  # the user-info part holds the user name only
    assert (parsed.drivername, parsed.username, parsed.host, parsed.port, parsed.database) == (
        "postgresql+psycopg",
        user,
        host,
        port,
        database,
    )
    assert engines.url_password(given_url) == password


def test_a_new_passphrase_opens_the_store_and_the_old_one_no_longer_does(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws", encrypt=True, passphrase=PASSPHRASE)
    with ws.session() as session:
        session.connection().execute(
            insert(records), record_rows(add_import(session.connection()), 3, WITNESS)
        )
    with pytest.raises(PermissionDenied):
        engines.change_passphrase(ws, actor("sami", "analyst", ws), "a new passphrase")
    engines.change_passphrase(ws, actor("amal", "admin", ws), "a new passphrase")
    assert audit.entries(ws)[-1]["action"] == "store.passphrase_change"  # the same object keeps working
    ws.engine.dispose()
    with pytest.raises(BadInput, match="wrong passphrase"):
        Workspace.open(ws.path, passphrase=PASSPHRASE)
    reopened = Workspace.open(ws.path, passphrase="a new passphrase")
    with reopened.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(records)).scalar_one() == 3
    assert audit.verify(reopened) == []
    with pytest.raises(BadInput, match="not encrypted"):
        plain = Workspace.create(tmp_path / "plain")
        engines.change_passphrase(plain, actor("amal", "admin", plain), "x")
