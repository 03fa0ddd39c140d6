"""Exports through the CLI: names and record ids leave only with --identified (export.identified), the public
subset carries nothing identifying, pseudonyms are stable in a workspace and differ across workspaces, every
export is audited with its mode, and a bad --out is one sentence with nothing written. Imports need
records.write and are audited under the user's name."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.ingest.lists import write_csv
from uncounted.ingest import ingest_file
from uncounted.store import audit, users
from uncounted.workspace import Workspace

ADMIN, ANALYST, VIEWER = ("amal", "a long admin password"), ("nour", "a long analyst password"), (
    "vera", "a long viewer password")
#: A made-up victim: a name, a mother's name, a note and a record id that appear nowhere else in the list.
VICTIM_NAME, MOTHER, NOTE, RECORD_ID = "Zaynab Qutaiba Tarrab", "Wafiqa Salloum", "seen by Ghiath", "DOC-4471"
HEADER = ["record_id", "full_name", "mother_name", "sex", "age", "date_of_death", "governorate", "notes"]
ROWS = [
    [RECORD_ID, VICTIM_NAME, MOTHER, "female", "29", "2013-05-17", "حمص", NOTE],
    ["DOC-4472", "محمد أحمد الحسن", "", "male", "34", "2012", "حلب", ""],
]
NEEDLES = (VICTIM_NAME, MOTHER, NOTE, RECORD_ID, "محمد أحمد الحسن", "2013-05-17")


def make_workspace(path: Path, tmp_path: Path) -> Workspace:
    ws = Workspace.create(path)
    ingest_file(ws, write_csv(tmp_path / f"{path.name}.csv", HEADER, ROWS), source="alpha")
    entities = f"source,record_id,entity_id\nalpha,{RECORD_ID},E0000001\nalpha,DOC-4472,E0000002\n"
    (ws.path / "entities.csv").write_text(entities, encoding="utf-8")
    admin = users.add_user(ws, users.local_actor(ws), ADMIN[0], "admin", ADMIN[1])
    signed = users.authenticate(ws, admin.name, ADMIN[1])
    users.add_user(ws, signed, ANALYST[0], "analyst", ANALYST[1])
    users.add_user(ws, signed, VIEWER[0], "viewer", VIEWER[1])
    return ws


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return make_workspace(tmp_path / "ws", tmp_path)


@pytest.fixture
def export(run_cli, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201 - a small driver
    """`uncounted export KIND --out OUT -w WS --as USER [more]` signed in with that user's password."""

    def run(ws: Workspace, kind: str, out: Path, user: tuple[str, str] = ADMIN, *more: str):  # noqa: ANN202
        monkeypatch.setenv("UNCOUNTED_USER_PASSWORD", user[1])
        return run_cli("export", kind, "--out", out, "-w", ws.path, "--as", user[0], *more)

    return run


def found(path: Path) -> list[str]:
    data = path.read_bytes()
    return [needle for needle in NEEDLES if needle.encode("utf-8") in data]


def test_names_and_record_ids_leave_only_with_identified(export, ws: Workspace, tmp_path: Path) -> None:
    for kind, name, more in (("records", "r.csv", ()), ("public", "p.csv", ()),
                             ("records", "i.csv", ("--identified",))):
        code, out, err = export(ws, kind, tmp_path / name, ANALYST, *more)
        assert code in (0, None), err
    assert found(tmp_path / "r.csv") == [] and found(tmp_path / "p.csv") == []
    assert found(tmp_path / "i.csv") == list(NEEDLES)
    pseudonymised = pd.read_csv(tmp_path / "r.csv", dtype=str, keep_default_na=False)
    assert len(pseudonymised) == 2 and set(pseudonymised["date_of_death"]) == {"2013-05", "2012"}
    assert list(pd.read_csv(tmp_path / "p.csv").columns) == [
        "source", "year_of_death", "governorate", "sex", "age_band"]


def test_a_viewer_takes_the_public_subset_and_entities_but_no_record_level_file(
        export, ws: Workspace, tmp_path: Path) -> None:
    for kind in ("public", "entities"):
        code, _, err = export(ws, kind, tmp_path / f"{kind}.csv", VIEWER)
        assert code in (0, None) and (tmp_path / f"{kind}.csv").is_file(), err
    for more, permission in (((), "export.records"), (("--identified",), "export.records")):
        code, out, err = export(ws, "records", tmp_path / "r.csv", VIEWER, *more)
        assert code == 3 and permission in err and "Traceback" not in err and out == ""
        assert not (tmp_path / "r.csv").exists()


def test_identified_needs_its_own_permission(export, ws: Workspace, tmp_path: Path) -> None:
    settings = ws.path / "uncounted.toml"
    narrower = '\n[access.roles]\nanalyst = ["records.read", "export.records"]\n'
    settings.write_text(settings.read_text(encoding="utf-8") + narrower, encoding="utf-8")
    code, _, err = export(ws, "records", tmp_path / "i.csv", ANALYST, "--identified")
    assert code == 3 and "export.identified" in err and not (tmp_path / "i.csv").exists()
    code, _, err = export(ws, "records", tmp_path / "r.csv", ANALYST)
    assert code in (0, None), err


def test_pseudonyms_are_stable_in_a_workspace_and_differ_across_workspaces(
        export, ws: Workspace, tmp_path: Path) -> None:
    other = make_workspace(tmp_path / "other", tmp_path)
    for target, name in ((ws, "first.csv"), (ws, "second.csv"), (other, "elsewhere.csv")):
        code, _, err = export(target, "records", tmp_path / name)
        assert code in (0, None), err
    first, second, elsewhere = (pd.read_csv(tmp_path / n, dtype=str, keep_default_na=False)
                                for n in ("first.csv", "second.csv", "elsewhere.csv"))
    assert first.equals(second)
    assert set(first["record_id"]).isdisjoint(elsewhere["record_id"])
    assert set(first["full_name"]).isdisjoint(elsewhere["full_name"])
    kept = ["sex", "age", "governorate", "date_of_death"]
    assert sorted(first[kept].itertuples(index=False)) == sorted(elsewhere[kept].itertuples(index=False))


def test_every_export_is_audited_with_its_mode(export, ws: Workspace, tmp_path: Path) -> None:
    cases = [("records", (), "pseudonymised"), ("records", ("--identified",), "identified"),
             ("public", (), "public"), ("entities", (), "as-linked")]
    for kind, more, mode in cases:
        out = tmp_path / f"{kind}-{mode}.csv"
        code, _, err = export(ws, kind, out, ADMIN, *more)
        assert code in (0, None), err
        last = audit.entries(ws, last=1)[0]
        assert (last["actor"], last["action"], last["target"]) == (ADMIN[0], "export", kind)
        assert last["details"]["mode"] == mode and last["details"]["file"] == str(out)
        assert last["details"]["rows"] == 2
    assert audit.verify(ws) == []


@pytest.mark.parametrize("bad", ["no-such-folder/r.csv", "."])
def test_a_bad_out_path_is_one_sentence_and_writes_nothing(export, ws: Workspace, tmp_path: Path,
                                                           bad: str) -> None:
    before = audit.count(ws)
    listing = sorted(p.name for p in tmp_path.iterdir())
    code, out, err = export(ws, "records", tmp_path / bad)
    assert code == 2 and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == listing and audit.count(ws) == before


def test_identified_applies_to_records_only(export, ws: Workspace, tmp_path: Path) -> None:
    code, _, err = export(ws, "public", tmp_path / "p.csv", ADMIN, "--identified")
    assert code == 2 and "--identified" in err and not (tmp_path / "p.csv").exists()


def test_imports_need_records_write_and_are_audited_under_the_users_name(ws, run_cli, monkeypatch, tmp_path):
    path = write_csv(tmp_path / "more.csv", delimiter=";")  # other bytes than the list already imported
    monkeypatch.setenv("UNCOUNTED_USER_PASSWORD", VIEWER[1])
    code, _, err = run_cli("ingest", path, "--source", "beta", "-w", ws.path, "--as", VIEWER[0])
    assert code == 3 and "records.write" in err
    monkeypatch.setenv("UNCOUNTED_USER_PASSWORD", ADMIN[1])
    code, _, err = run_cli("ingest", path, "--source", "beta", "-w", ws.path, "--as", ADMIN[0])
    assert code in (0, None), err
    last = audit.entries(ws, last=1)[0]
    assert (last["actor"], last["action"]) == (ADMIN[0], "import")


def test_linking_and_estimating_need_records_write_under_a_signed_in_user(ws, run_cli, monkeypatch):
    # The viewer and the anonymous operator are refused before any work; nothing is stored under "local".
    for as_user in ((), ("--as", VIEWER[0])):
        monkeypatch.setenv("UNCOUNTED_USER_PASSWORD", VIEWER[1])
        for command in ("link", "report"):
            code, _, err = run_cli(command, "-w", ws.path, *as_user)
            assert code == 3, (command, as_user, err)
    assert all(entry["action"] not in {"link.run", "estimate"} for entry in audit.entries(ws))
