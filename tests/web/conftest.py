"""Fixtures of the web tests: workspaces with a user of every role, simulated lists, and signed-in clients.

`linked_ws` is built once per session (two simulated lists of a population of 300, linked with Splink, one
estimate) and only read by the tests that use it; tests that change a workspace get their own `fresh_ws`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from argon2 import PasswordHasher, profiles
from fastapi.testclient import TestClient

from uncounted.store import engines, users
from uncounted.store.access import actor
from uncounted.store.vault import Vault
from uncounted.testimony.persist import import_testimony
from uncounted.workspace import Workspace

PASSWORD = "a-long-test-password"
ROLES = ("admin", "analyst", "reviewer", "viewer")
VAULT_PASSPHRASE = "an invented vault passphrase"
#: Sealed into the vault as a witness's name: no page may ever show it.
SECRET_IDENTITY = "Zubayda Qamar-Secret"
#: A name carrying markup, imported as a record: it must come back escaped.
HOSTILE_NAME = '<script>alert("x")</script> Karim'


@pytest.fixture(scope="session", autouse=True)
def cheap_hasher() -> Iterator[None]:
    """argon2id at its cheapest, so signing in and unlocking the vault many times stays fast (tests only)."""
    cheapest = profiles.CHEAPEST
    kdf = {"time_cost": cheapest.time_cost, "memory_cost": cheapest.memory_cost, "parallelism": 1}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(users, "PASSWORD_HASHER", PasswordHasher.from_parameters(cheapest))
        patch.setattr(engines, "KDF_COSTS", kdf)
        yield


def make_workspace(path: Path) -> Workspace:
    """A workspace with one user per role (named after the role) and a witness whose identity the vault
    sealed on import, as `uncounted testimony import` does."""
    ws = Workspace.create(path)
    local = actor("local", "admin", ws)
    for role in ROLES:
        users.add_user(ws, local if role == "admin" else actor("admin", "admin", ws), role, role, PASSWORD)
    admin = actor("admin", "admin", ws)
    Vault.initialise(ws, admin, VAULT_PASSPHRASE)
    witnesses = path.parent / f"{path.name}-witnesses.csv"
    witnesses.write_text(
        f"witness_id,role,reliability,protected_name\nW-ALPHA,former_detainee,B,{SECRET_IDENTITY}\n",
        encoding="utf-8",
    )
    import_testimony(ws, [witnesses], by=admin, vault_passphrase=VAULT_PASSPHRASE)
    witnesses.unlink()
    return ws


def simulated_linkage(ws: Workspace, truth: pd.DataFrame) -> None:
    """Save a linkage built from the simulation's truth: people are the true persons, and the scored pairs are
    every true pair (probability 0.9) and as many false ones (0.3), so the review queue has both kinds.

    The route tests exercise the app, not Splink, so they do not wait for (or depend on) a trained model; the
    browser test runs the real linkage.
    """
    from uncounted.link.io import save_linkage
    from uncounted.link.run import Linkage

    entities = truth.rename(columns={"person_id": "entity_id"})[["source", "record_id", "entity_id"]]
    entities["entity_id"] = "p" + entities["entity_id"].astype(str)
    pairs = entities.merge(entities, on="entity_id", suffixes=("_l", "_r"))
    pairs = pairs[pairs["source_l"] < pairs["source_r"]].head(40)
    shuffled = entities.sample(frac=1, random_state=1).reset_index(drop=True)
    false = pd.DataFrame(
        {
            "source_l": entities["source"],
            "record_id_l": entities["record_id"],
            "source_r": shuffled["source"],
            "record_id_r": shuffled["record_id"],
        }
    )
    false = false[false["source_l"] < false["source_r"]].head(40)
    scored = pd.concat([pairs.assign(match_probability=0.9), false.assign(match_probability=0.3)])
    scored = scored[["source_l", "record_id_l", "source_r", "record_id_r", "match_probability"]]
    scored["match_weight"] = 0.0
    settings = {"threshold": 0.5, "max_cluster_size": 12, "min_cluster_density": 0.4}
    save_linkage(Linkage(entities, scored.reset_index(drop=True), settings, {}, {}), ws.path)


@pytest.fixture(scope="session")
def linked_ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three simulated lists imported and linked by their truth, one log-linear estimate, and a record whose
    name is markup (imported after the estimate, so it belongs to no person)."""
    import json

    from uncounted.ingest import ingest_file
    from uncounted.link.captures import list_columns
    from uncounted.mse import CaptureTable
    from uncounted.mse.estimate import estimate
    from uncounted.pipeline import ESTIMATE_FILE, captures_workspace
    from uncounted.simulate import simulate

    root = tmp_path_factory.mktemp("linked")
    ws = make_workspace(root / "ws")
    sim = simulate(seed=7, population=300, lists=3)
    (root / "lists").mkdir()
    for name, frame in sim.lists.items():
        frame.to_csv(root / "lists" / f"{name}.csv", index=False)
        ingest_file(ws, root / "lists" / f"{name}.csv")
    simulated_linkage(ws, sim.truth)
    histories = captures_workspace(ws)
    lists = list_columns(histories)
    result = estimate(CaptureTable.from_frame(histories[lists]), "loglinear", seed=1)
    (root / "ws" / ESTIMATE_FILE).write_text(json.dumps(result.to_json()), encoding="utf-8")
    hostile = root / "hostile.csv"
    hostile.write_text(f"source,record_id,full_name,sex\nhostile,h1,{HOSTILE_NAME},male\n", encoding="utf-8")
    ingest_file(ws, hostile)
    ws.engine.dispose()
    return root / "ws"


@pytest.fixture
def fresh_ws(tmp_path: Path) -> Path:
    make_workspace(tmp_path / "ws").engine.dispose()
    return tmp_path / "ws"


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> TestClient:
    page = client.get("/login")
    response = client.post(
        "/login",
        data={"name": name, "password": password, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return client


def post(client: TestClient, url: str, data: dict | None = None, page: str = "/", **kwargs) -> object:
    """POST a form with the CSRF token taken from `page`, as a browser would."""
    token = csrf_of(client.get(page).text)
    return client.post(url, data={**(data or {}), "csrf_token": token}, follow_redirects=False, **kwargs)
