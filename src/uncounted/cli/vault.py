"""`uncounted vault init`: give a workspace its identity vault, so witness identities can be imported sealed.

The vault passphrase is separate from the workspace passphrase (see docs/security.md, "The identity vault");
it is prompted twice, or read from UNCOUNTED_VAULT_PASSPHRASE.
"""

from __future__ import annotations

from pathlib import Path

import typer

from uncounted.cli.common import AsOption, WorkspaceOption, console, signed_in

vault_app = typer.Typer(no_args_is_help=True, help="The identity vault that seals witnesses' identities.")


@vault_app.command("init")
def vault_init(workspace: Path = WorkspaceOption, as_user: str | None = AsOption) -> None:
    """Create the workspace's identity vault (once); needs identities.write."""
    from uncounted.store.vault import Vault
    from uncounted.workspace import Workspace

    ws = Workspace.open(workspace)
    vault = Vault.initialise(ws, signed_in(ws, as_user))
    console.print(f"identity vault ready (key {vault.key_id}); keep its passphrase apart from the "
                  "workspace's", highlight=False, markup=False)


def register(app: typer.Typer) -> None:
    app.add_typer(vault_app, name="vault")
