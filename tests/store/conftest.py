"""Fixtures of the store's tests: cheap key derivation, and workspaces on SQLite, SQLCipher and a real
PostgreSQL.

The PostgreSQL server is Debian's (`apt-get install -y postgresql`), started once per test session by initdb
and pg_ctl as the postgres user on a free port of 127.0.0.1 with fsync off, and stopped at the end. Without
the package the PostgreSQL cases skip, saying why; under CI=true they fail instead, so CI cannot pass by
skipping.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from argon2 import PasswordHasher, profiles

from uncounted.store import engines, users
from uncounted.workspace import Workspace

PASSPHRASE = "correct horse battery staple"
PG_USER, PG_PASSWORD = "uncounted", "pg-test-password"
ENGINES = ("sqlite", "sqlcipher", pytest.param("postgresql", marks=pytest.mark.postgres))


@pytest.fixture(autouse=True)
def cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests only: argon2id at its minimum cost, so a hundred passphrase attempts take well under a second."""
    monkeypatch.setattr(engines, "KDF_COSTS", {"time_cost": 1, "memory_cost": 8, "parallelism": 1})
    monkeypatch.setattr(users, "PASSWORD_HASHER", PasswordHasher.from_parameters(profiles.CHEAPEST))


class PostgresServer:
    """A throw-away cluster: `database()` makes a fresh database owned by a password-protected role."""

    def __init__(self, bin_dir: Path, data: Path, port: int) -> None:
        self.bin_dir, self.data, self.port = bin_dir, data, port

    def _admin(self) -> psycopg.Connection:
        # The superuser over the Unix socket in the data folder (trust); tests themselves use TCP and a
        # password.
        return psycopg.connect(
            host=str(self.data), port=self.port, user="postgres", dbname="postgres", autocommit=True
        )

    def setup_role(self) -> None:
        with self._admin() as connection:
            connection.execute(f"CREATE ROLE {PG_USER} LOGIN PASSWORD '{PG_PASSWORD}'")

    def database(self) -> str:
        name = f"t_{uuid.uuid4().hex[:12]}"
        with self._admin() as connection:
            connection.execute(f"CREATE DATABASE {name} OWNER {PG_USER}")
        return name

    def drop(self, name: str) -> None:
        with self._admin() as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def url(self, name: str, *, password: bool = False) -> str:
        secret = f":{PG_PASSWORD}" if password else ""
        return f"postgresql://{PG_USER}{secret}@127.0.0.1:{self.port}/{name}"


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    bin_dir = _pg_bin()
    as_root = os.geteuid() == 0  # initdb and pg_ctl refuse root: run them as the postgres user
    if bin_dir is None or (as_root and shutil.which("runuser") is None):
        reason = "PostgreSQL is not installed (apt-get install -y postgresql)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI must run the PostgreSQL tests")
        pytest.skip(reason)
    data = Path(tempfile.mkdtemp(prefix="uncounted-pg-"))
    run_as = ["runuser", "-u", "postgres", "--"] if as_root else []
    if as_root:
        shutil.chown(data, "postgres", "postgres")
    subprocess.run(
        [
            *run_as,
            str(bin_dir / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
            "--no-sync",
        ],
        check=True,
        capture_output=True,
    )
    port = _free_port()
    options = (
        f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={data} -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off"
    )
    subprocess.run(
        [
            *run_as,
            str(bin_dir / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(data / "log"),
            "-w",
            "start",
        ],
        check=True,
        capture_output=True,
    )
    server = PostgresServer(bin_dir, data, port)
    try:
        server.setup_role()
        yield server
    finally:
        subprocess.run(
            [*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
        )
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture
def pg_database(postgres_server: PostgresServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh database's URL (no password in it); the password is in UNCOUNTED_DATABASE_PASSWORD."""
    name = postgres_server.database()
    monkeypatch.setenv(engines.DATABASE_PASSWORD_ENV, PG_PASSWORD)
    yield postgres_server.url(name)
    postgres_server.drop(name)


def make_workspace(kind: str, path: Path, request: pytest.FixtureRequest) -> Workspace:
    if kind == "sqlite":
        return Workspace.create(path)
    if kind == "sqlcipher":
        return Workspace.create(path, encrypt=True, passphrase=PASSPHRASE)
    return Workspace.create(path, database_url=request.getfixturevalue("pg_database"))


@pytest.fixture(params=ENGINES)
def ws(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Workspace]:
    """A new workspace on each engine; reopening it needs no argument (the passphrase is in the
    environment)."""
    monkeypatch.setenv(engines.PASSPHRASE_ENV, PASSPHRASE)
    workspace = make_workspace(request.param, tmp_path / "ws", request)
    yield workspace
    workspace.engine.dispose()
