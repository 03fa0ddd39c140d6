"""The audit log: a chain that verifies, and every kind of tampering found and named, on every engine."""

from __future__ import annotations

import json

import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from uncounted.cli import admin
from uncounted.errors import BadInput
from uncounted.store import audit
from uncounted.store.security_models import AuditEntry
from uncounted.workspace import Workspace


def fill(ws: Workspace, n: int = 6) -> None:
    for i in range(1, n + 1):
        with ws.session() as session:
            audit.record(session, "amal", "record.write", f"records/{i}", {"n": i, "name": "زيد المثال"})


def tamper(ws: Workspace, *statements: str) -> None:
    """What an insider with raw database access does: lift the append-only triggers, change rows, put them
    back."""
    with ws.engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            triggers = connection.execute(
                text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_log'")
            ).all()
            for name, _ in triggers:
                connection.exec_driver_sql(f"DROP TRIGGER {name}")
        else:
            connection.exec_driver_sql("ALTER TABLE audit_log DISABLE TRIGGER USER")
        for statement in statements:
            connection.exec_driver_sql(statement)
        if connection.dialect.name == "sqlite":
            for _, sql in triggers:
                connection.exec_driver_sql(sql)
        else:
            connection.exec_driver_sql("ALTER TABLE audit_log ENABLE TRIGGER USER")


def first_bad(problems: list[audit.Problem]) -> int | None:
    return next((p.sequence for p in problems if p.sequence is not None), None)


def test_an_untouched_chain_verifies_and_links_each_entry_to_the_one_before(ws: Workspace) -> None:
    fill(ws)
    assert audit.verify(ws) == []
    rows = audit.entries(ws)
    assert [r["sequence"] for r in rows] == [1, 2, 3, 4, 5, 6]
    assert rows[0]["prev_hash"] == audit.GENESIS
    assert all(b["prev_hash"] == a["hash"] for a, b in zip(rows, rows[1:], strict=False))
    assert rows[2]["details"] == {"n": 3, "name": "زيد المثال"}
    assert audit.head(ws) == (6, rows[-1]["hash"])


def test_an_edited_entry_is_named(ws: Workspace) -> None:
    fill(ws)
    tamper(ws, "UPDATE audit_log SET actor = 'someone-else' WHERE sequence = 3")
    problems = audit.verify(ws)
    assert first_bad(problems) == 3
    assert "edited" in str(problems[0])


def test_an_edited_detail_is_named(ws: Workspace) -> None:
    fill(ws)
    tamper(ws, """UPDATE audit_log SET details = '{"n":40,"name":"x"}' WHERE sequence = 4""")
    assert first_bad(audit.verify(ws)) == 4


def test_a_deleted_entry_is_named(ws: Workspace) -> None:
    fill(ws)
    tamper(ws, "DELETE FROM audit_log WHERE sequence = 3")
    problems = audit.verify(ws)
    assert first_bad(problems) == 3
    assert "missing" in str(problems[0])


def test_reordered_entries_are_named(ws: Workspace) -> None:
    fill(ws)
    tamper(
        ws,
        "UPDATE audit_log SET sequence = -1 WHERE sequence = 2",
        "UPDATE audit_log SET sequence = 2 WHERE sequence = 4",
        "UPDATE audit_log SET sequence = 4 WHERE sequence = -1",
    )
    assert first_bad(audit.verify(ws)) == 2


def test_an_inserted_entry_with_a_valid_hash_of_its_own_is_found(ws: Workspace) -> None:
    fill(ws)
    rows = audit.entries(ws)
    at, details = rows[1]["at"], audit.canonical_details({"forged": True})
    forged = audit.entry_hash(3, at, "amal", "record.write", "records/x", details, rows[1]["hash"])
    tamper(
        ws,
        *(f"UPDATE audit_log SET sequence = {s + 100} WHERE sequence = {s}" for s in range(6, 2, -1)),
        *(f"UPDATE audit_log SET sequence = {s + 1} WHERE sequence = {s + 100}" for s in range(3, 7)),
        f"INSERT INTO audit_log (sequence, at, actor, action, target, details, prev_hash, hash) VALUES "
        f"(3, '{at}', 'amal', 'record.write', 'records/x', '{details}', '{rows[1]['hash']}', '{forged}')",
    )
    assert first_bad(audit.verify(ws)) == 4  # the forged entry itself checks out; the one after it cannot


def test_a_cut_tail_is_found_only_against_an_anchor_kept_elsewhere(ws: Workspace) -> None:
    fill(ws)
    anchor = audit.head(ws)
    tamper(ws, "DELETE FROM audit_log WHERE sequence >= 5")
    assert audit.verify(ws) == []  # what a hash chain alone cannot see
    problems = audit.verify(ws, anchor=anchor)
    assert problems and "anchor" in str(problems[0])


def test_the_store_refuses_to_update_or_delete_audit_entries(ws: Workspace) -> None:
    fill(ws, 2)
    for statement in ("UPDATE audit_log SET actor = 'x' WHERE sequence = 1", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"), ws.engine.begin() as connection:
            connection.execute(text(statement))
    assert audit.verify(ws) == []
    assert audit.count(ws) == 2


def test_removing_the_append_only_guard_is_itself_reported(tmp_path) -> None:
    ws = Workspace.create(tmp_path / "ws")
    fill(ws, 2)
    with ws.engine.begin() as connection:
        connection.exec_driver_sql("DROP TRIGGER audit_log_no_delete")
    assert [str(p) for p in audit.verify(ws)] == ["the append-only trigger audit_log_no_delete was removed"]


def test_an_entry_commits_with_its_change_or_not_at_all(tmp_path) -> None:
    ws = Workspace.create(tmp_path / "ws")
    with pytest.raises(RuntimeError), ws.session() as session:
        audit.record(session, "amal", "record.write", "records/1")
        raise RuntimeError("the change failed")
    assert audit.count(ws) == 0


@pytest.fixture(scope="module")
def shared_ws(tmp_path_factory) -> Workspace:
    return Workspace.create(tmp_path_factory.mktemp("shared") / "ws")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    actor=st.text(max_size=40),
    target=st.text(max_size=80),
    details=st.dictionaries(st.text(max_size=10), st.one_of(st.text(max_size=30), st.integers(), st.none())),
)
def test_any_text_is_kept_verbatim_and_verifies(
    shared_ws: Workspace, actor: str, target: str, details: dict
) -> None:
    with shared_ws.session() as session:
        audit.record(session, actor, "record.write", target, details)
    [row] = audit.entries(shared_ws, last=1)
    assert (row["actor"], row["target"], row["details"]) == (actor, target, details)
    assert audit.verify(shared_ws) == []


def _cli() -> typer.Typer:
    app = typer.Typer()
    admin.register(app)
    return app


def test_cli_audit_verify_exits_0_when_intact_and_2_naming_the_entry_when_tampered(tmp_path) -> None:
    ws = Workspace.create(tmp_path / "ws")
    fill(ws)
    runner = CliRunner()
    ok = runner.invoke(_cli(), ["audit", "verify", "-w", str(ws.path)])
    assert ok.exit_code == 0, ok.output
    assert "6 entries" in ok.output
    tamper(ws, "UPDATE audit_log SET target = 'records/99' WHERE sequence = 5")
    bad = runner.invoke(_cli(), ["audit", "verify", "-w", str(ws.path)])
    assert isinstance(bad.exception, BadInput) and bad.exception.exit_code == 2
    assert "entry 5" in str(bad.exception)


def test_cli_audit_show_prints_entries_and_the_head(tmp_path) -> None:
    ws = Workspace.create(tmp_path / "ws")
    fill(ws, 3)
    runner = CliRunner()
    shown = runner.invoke(_cli(), ["audit", "show", "-w", str(ws.path), "--json", "--last", "2"])
    assert shown.exit_code == 0, shown.output
    assert [row["sequence"] for row in json.loads(shown.output)] == [2, 3]
    head = runner.invoke(_cli(), ["audit", "show", "-w", str(ws.path), "--head"]).output.strip()
    anchored = runner.invoke(_cli(), ["audit", "verify", "-w", str(ws.path), "--anchor", head])
    assert anchored.exit_code == 0 and head == f"3:{audit.head(ws)[1]}"


def test_entries_are_kept_in_the_audit_table(tmp_path) -> None:
    ws = Workspace.create(tmp_path / "ws")
    fill(ws, 1)
    with ws.engine.connect() as connection:
        stored = connection.execute(text(f"SELECT details FROM {AuditEntry.__tablename__}")).scalar_one()
    assert stored == '{"n":1,"name":"زيد المثال"}'  # canonical JSON, UTF-8 kept, exactly what was hashed
