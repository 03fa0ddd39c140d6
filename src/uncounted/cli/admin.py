"""Administration commands: users, the audit log, fixity of the originals, backup and restore.

Once a workspace has users, commands that need a permission ask who you are: `--as NAME` (or UNCOUNTED_USER)
and the password (UNCOUNTED_USER_PASSWORD, or a hidden prompt). `audit verify` and `fixity check` reveal no
content and need no sign-in, so anyone holding the workspace (an outside auditor included) can check its
integrity.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from uncounted.cli.common import AsOption, WorkspaceOption, console, err_console, signed_in
from uncounted.errors import BadInput

users_app = typer.Typer(no_args_is_help=True, help="Add, list and disable the users of a workspace.")
audit_app = typer.Typer(no_args_is_help=True, help="Check and read the hash-chained audit log.")
fixity_app = typer.Typer(no_args_is_help=True, help="Re-verify the kept originals against their SHA-256.")


@users_app.command("add")
def users_add(
    name: str = typer.Argument(..., help="User name (1 to 64 printable characters)."),
    role: str = typer.Option(
        ..., "--role", help="admin, analyst, reviewer or viewer (or a role of the settings)."
    ),
    workspace: Path = WorkspaceOption,
    as_user: str | None = AsOption,
) -> None:
    """Add a user; the password is prompted (twice) or read from UNCOUNTED_PASSWORD. The first user is an
    admin."""
    from uncounted.store import engines, users
    from uncounted.workspace import Workspace

    ws = Workspace.open(workspace)
    by = signed_in(ws, as_user)
    password = engines.read_secret(
        None,
        "UNCOUNTED_PASSWORD",
        f"Password for {name}",
        "set UNCOUNTED_PASSWORD or run in a terminal to give the new user a password",
        confirm=True,
    )
    info = users.add_user(ws, by, name, role, password)
    console.print(f"added {info.name} ({info.role})", highlight=False, markup=False)


@users_app.command("list")
def users_list(workspace: Path = WorkspaceOption, as_user: str | None = AsOption) -> None:
    """List users with their role and whether they are active."""
    from uncounted.store import users
    from uncounted.workspace import Workspace

    ws = Workspace.open(workspace)
    for info in users.list_users(ws, signed_in(ws, as_user)):
        state = "active" if info.active else "disabled"
        typer.echo(f"{info.name}\t{info.role}\t{state}")  # tab-separated, for scripts


@users_app.command("disable")
def users_disable(
    name: str = typer.Argument(..., help="User to disable (kept in the log, never deleted)."),
    workspace: Path = WorkspaceOption,
    as_user: str | None = AsOption,
) -> None:
    """Disable a user: they can no longer sign in; what they did stays in the audit log."""
    from uncounted.store import users
    from uncounted.workspace import Workspace

    ws = Workspace.open(workspace)
    users.disable_user(ws, signed_in(ws, as_user), name)
    console.print(f"disabled {name}", highlight=False, markup=False)


@audit_app.command("verify")
def audit_verify(
    workspace: Path = WorkspaceOption,
    anchor: str | None = typer.Option(
        None,
        "--anchor",
        help="SEQUENCE:HASH from an earlier 'audit show --head', kept outside the workspace.",
    ),
) -> None:
    """Check the hash chain: exit 0 if intact, 2 naming the first bad entry if anything was edited, deleted,
    inserted or reordered."""
    from uncounted.store import audit
    from uncounted.workspace import Workspace

    ws = Workspace.open(workspace)
    problems = audit.verify(ws, anchor=_parse_anchor(anchor) if anchor else None)
    if problems:
        for problem in problems:
            err_console.print(f"  {problem}", highlight=False, markup=False)
        raise BadInput(
            f"the audit log fails verification: {problems[0]} ({len(problems)} problem"
            f"{'' if len(problems) == 1 else 's'})"
        )
    sequence, digest = audit.head(ws)
    console.print(
        f"audit log intact: {sequence} entries, head {sequence}:{digest}", highlight=False, markup=False
    )


@audit_app.command("show")
def audit_show(
    workspace: Path = WorkspaceOption,
    last: int = typer.Option(20, "--last", min=1, help="How many of the latest entries to show."),
    as_json: bool = typer.Option(False, "--json", help="One JSON array of entries."),
    head_only: bool = typer.Option(
        False,
        "--head",
        help="Print only SEQUENCE:HASH of the last entry, to keep "
        "elsewhere and pass to 'audit verify --anchor'.",
    ),
    as_user: str | None = AsOption,
) -> None:
    """Show the latest audit entries (needs audit.read)."""
    from uncounted.store import audit
    from uncounted.store.access import require
    from uncounted.workspace import Workspace

    ws = Workspace.open(workspace)
    require(signed_in(ws, as_user), "audit.read", resource="audit log")
    if head_only:
        sequence, digest = audit.head(ws)
        console.print(f"{sequence}:{digest}", highlight=False, markup=False)
        return
    rows = audit.entries(ws, last=last)
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, default=str))
        return
    for row in rows:
        console.print(
            f"{row['sequence']:>6}  {row['at']}  {row['actor']}  {row['action']}  {row['target']}  "
            f"{json.dumps(row['details'], ensure_ascii=False)}",
            highlight=False,
            markup=False,
        )


@fixity_app.command("check")
def fixity_check(workspace: Path = WorkspaceOption) -> None:
    """Re-hash every kept original; exit 2 naming any altered or missing file."""
    from uncounted.store import fixity
    from uncounted.workspace import Workspace

    report = fixity.check(Workspace.open(workspace))
    for name in report.unrecorded:
        err_console.print(
            f"  note: {name} is in the originals folder but recorded nowhere", highlight=False, markup=False
        )
    problems = report.problems()
    if problems:
        for problem in problems:
            err_console.print(f"  {problem}", highlight=False, markup=False)
        raise BadInput(
            f"{len(problems)} original{'' if len(problems) == 1 else 's'} failed the fixity check; "
            f"first: {problems[0]}"
        )
    console.print(f"{len(report.ok)} originals intact", highlight=False, markup=False)


def backup(
    out: Path = typer.Option(..., "--out", help="Archive to write (must not exist)."),
    workspace: Path = WorkspaceOption,
    as_user: str | None = AsOption,
) -> None:
    """Back up the workspace (store snapshot, originals, settings) to one archive; an encrypted workspace's
    archive is encrypted as a whole."""
    from uncounted.store import backup as store_backup
    from uncounted.workspace import Workspace

    ws = Workspace.open(workspace)
    result = store_backup.backup(ws, out, signed_in(ws, as_user))
    kind = "encrypted " if result.encrypted else ""
    console.print(
        f"wrote {kind}backup {result.path} ({result.files} files, {result.size_bytes:,} bytes)",
        highlight=False,
        markup=False,
    )


def restore(
    archive: Path = typer.Argument(..., help="Archive made by 'uncounted backup'."),
    out: Path = typer.Option(..., "--out", help="New workspace folder (must not exist or be empty)."),
) -> None:
    """Restore a backup into a new workspace, then verify its audit log and originals (exit 2 if either
    fails)."""
    from uncounted.store import backup as store_backup

    result = store_backup.restore(archive, out)
    problems = [str(p) for p in result.audit_problems] + result.fixity.problems()
    if problems:
        raise BadInput(f"restored to {result.path}, but it fails verification: {problems[0]}")
    console.print(
        f"restored to {result.path}; audit log and {len(result.fixity.ok)} originals verified",
        highlight=False,
        markup=False,
    )


def _parse_anchor(value: str) -> tuple[int, str]:
    sequence, _, digest = value.partition(":")
    if not sequence.isdigit() or len(digest) != 64:
        raise BadInput("--anchor takes SEQUENCE:HASH as printed by 'uncounted audit show --head'")
    return int(sequence), digest.lower()


def register(app: typer.Typer) -> None:
    """Add `users`, `audit`, `fixity`, `backup` and `restore` to the root app."""
    app.add_typer(users_app, name="users")
    app.add_typer(audit_app, name="audit")
    app.add_typer(fixity_app, name="fixity")
    app.command("backup")(backup)
    app.command("restore")(restore)
