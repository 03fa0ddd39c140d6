"""`uncounted vault init` (through a local Typer app, as the lead registers it) and the refusal it cures."""

from __future__ import annotations

import sys

import pytest
import typer
from typer.testing import CliRunner

from tests.testimony.factory import write_testimony
from uncounted.cli import main, vault
from uncounted.errors import BadInput
from uncounted.store.vault import Vault
from uncounted.testimony.persist import import_testimony
from uncounted.workspace import Workspace

PASS = "invented vault passphrase"


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    app.command("noop")(lambda: None)  # a second command, so `vault` stays a group as in the real CLI
    vault.register(app)
    return app


def test_vault_init_then_identities_import_sealed(app, tmp_path, monkeypatch):
    ws = Workspace.create(tmp_path / "ws")
    monkeypatch.setenv("UNCOUNTED_VAULT_PASSPHRASE", PASS)
    result = CliRunner().invoke(app, ["vault", "init", "-w", str(ws.path)])
    assert result.exit_code == 0, result.output
    assert "identity vault ready" in result.output
    assert Vault.unlock(ws, PASS).key_id in result.output
    assert import_testimony(ws, write_testimony(tmp_path / "in")).witnesses == 6
    again = CliRunner().invoke(app, ["vault", "init", "-w", str(ws.path)])
    assert isinstance(again.exception, BadInput) and "already has an identity vault" in str(again.exception)


def test_without_a_passphrase_vault_init_is_refused_and_writes_nothing(app, tmp_path, monkeypatch):
    ws = Workspace.create(tmp_path / "ws")
    monkeypatch.delenv("UNCOUNTED_VAULT_PASSPHRASE", raising=False)
    result = CliRunner().invoke(app, ["vault", "init", "-w", str(ws.path)])
    assert isinstance(result.exception, BadInput)
    with pytest.raises(BadInput, match="no identity vault"):
        Vault.unlock(ws, PASS)


def test_testimony_import_with_identities_and_no_vault_exits_2_with_one_sentence(
    tmp_path, monkeypatch, capsys
):
    ws = Workspace.create(tmp_path / "ws")
    files = write_testimony(tmp_path / "in")
    argv = ["uncounted", "testimony", "import", *map(str, files), "-w", str(ws.path)]
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as exit_:
        main()
    err = " ".join(capsys.readouterr().err.split())
    assert exit_.value.code == 2
    assert "run 'uncounted vault init -w" in err and "leave the columns protected_name" in err
    assert "Traceback" not in err
