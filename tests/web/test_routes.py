"""Every route × every role: the permission each route declares, and what each role gets from it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from uncounted.store.access import DEFAULT_ROLES
from uncounted.web import create_app
from uncounted.web.context import needs

from .conftest import ROLES, post, sign_in

#: The permission of every route: the specification the app is checked against (method, path) → permission.
ROUTE_PERMISSIONS = {
    ("GET", "/"): "records.read",
    ("GET", "/lists"): "records.read",
    ("POST", "/lists/upload"): "records.write",
    ("GET", "/lists/mapping/{token}"): "records.write",
    ("POST", "/lists/mapping/{token}"): "records.write",
    ("GET", "/lists/imports/{import_id}"): "records.read",
    ("GET", "/lists/quarantine"): "records.read",
    ("GET", "/records"): "records.read",
    ("GET", "/persons/{entity_id}"): "records.read",
    ("GET", "/linkage"): "records.read",
    ("POST", "/linkage/run"): "records.write",
    ("GET", "/review"): "review.label",
    ("POST", "/review"): "review.label",
    ("GET", "/estimates"): "records.read",
    ("POST", "/estimates/run"): "records.write",
    ("GET", "/testimony"): "testimony.read",
    ("POST", "/testimony/witnesses"): "testimony.write",
    ("POST", "/testimony/accounts"): "testimony.write",
    ("POST", "/testimony/claims"): "testimony.write",
    ("GET", "/audit"): "audit.read",
    ("GET", "/users"): "users.manage",
    ("POST", "/users/add"): "users.manage",
    ("POST", "/users/disable"): "users.manage",
    ("GET", "/report"): "export.public",
}
#: Open to anyone: the sign-in form and signing in or out.
PUBLIC = {("GET", "/login"), ("POST", "/login"), ("POST", "/logout")}


def _routes(ws: Path) -> list[APIRoute]:
    """The app's routes: those of the page routers it includes (FastAPI keeps them behind the inclusion)."""
    from uncounted.web import pages

    app = create_app(ws)
    included = [getattr(r, "original_router", None) for r in app.routes]
    assert included.count(None) <= 1  # the /static mount is the one route of its own
    routers = [r for r in included if r is not None]
    assert routers == [m.router for m in pages.MODULES]
    return [route for router in routers for route in router.routes if isinstance(route, APIRoute)]


def _declared(route: APIRoute) -> list[str]:
    found = []
    stack = list(route.dependant.dependencies)
    while stack:
        dependency = stack.pop()
        if hasattr(dependency.call, "permission"):
            found.append(dependency.call.permission)
        stack.extend(dependency.dependencies)
    return found


def test_every_route_declares_exactly_its_permission(linked_ws: Path) -> None:
    seen = set()
    for route in _routes(linked_ws):
        for method in route.methods:
            key = (method, route.path)
            seen.add(key)
            if key in PUBLIC:
                assert _declared(route) == [], key
            else:
                assert _declared(route) == [ROUTE_PERMISSIONS[key]], key
    assert seen == set(ROUTE_PERMISSIONS) | PUBLIC


def test_every_post_route_checks_csrf(linked_ws: Path) -> None:
    from uncounted.web.csrf import check_csrf

    for route in _routes(linked_ws):
        if "POST" in route.methods:
            calls = [d.call for d in route.dependant.dependencies]
            assert check_csrf in calls, route.path


def _get_urls(ws: Path) -> dict[str, tuple[str, int]]:
    """GET url → (permission, status when allowed)."""
    entity = pd.read_csv(ws / "entities.csv", dtype=str)["entity_id"].iloc[0]
    return {
        "/": ("records.read", 200),
        "/lists": ("records.read", 200),
        "/lists/imports/1": ("records.read", 200),
        "/lists/quarantine": ("records.read", 200),
        "/records": ("records.read", 200),
        "/records?q=Karim": ("records.read", 200),
        f"/persons/{entity}": ("records.read", 200),
        "/linkage": ("records.read", 200),
        "/review": ("review.label", 200),
        "/estimates": ("records.read", 200),
        "/testimony": ("testimony.read", 200),
        "/audit": ("audit.read", 200),
        "/users": ("users.manage", 200),
        "/report": ("export.public", 200),
        # A token nobody staged: refused by permission first, else "no longer waiting" (400).
        "/lists/mapping/AAAAAAAAAAAAAAAAAAAAAAAA": ("records.write", 400),
    }


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_get(linked_ws: Path, role: str) -> None:
    (linked_ws / "report.html").write_text("<!doctype html><title>report</title>", encoding="utf-8")
    with TestClient(create_app(linked_ws)) as client:
        sign_in(client, role)
        for url, (permission, allowed) in _get_urls(linked_ws).items():
            response = client.get(url, follow_redirects=False)
            expected = allowed if permission in DEFAULT_ROLES[role] else 403
            assert response.status_code == expected, (role, url, response.text[:300])


POSTS = {
    "/lists/upload": "records.write",
    "/lists/mapping/AAAAAAAAAAAAAAAAAAAAAAAA": "records.write",
    "/linkage/run": "records.write",
    "/review": "review.label",
    "/estimates/run": "records.write",
    "/testimony/witnesses": "testimony.write",
    "/testimony/accounts": "testimony.write",
    "/testimony/claims": "testimony.write",
    "/users/add": "users.manage",
    "/users/disable": "users.manage",
}
FORMS = {
    "/lists/mapping/AAAAAAAAAAAAAAAAAAAAAAAA": {"source": "x", "action": "import"},
    "/review": {"source_l": "a", "record_id_l": "1", "source_r": "b", "record_id_r": "2", "label": "match"},
    "/estimates/run": {"method": "loglinear", "seed": "1"},
    "/testimony/witnesses": {"witness_id": "W-X", "role": "judge"},
    "/testimony/accounts": {"account_id": "A-X", "kind": "interview", "witness_id": "W-ALPHA"},
    "/testimony/claims": {"claim_id": "C-X", "account_id": "A-X", "claim_type": "event", "fact_key": "f"},
    "/users/add": {"name": "mallory", "role": "admin", "password": "0123456789abc"},
    "/users/disable": {"name": "admin"},
}


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_post_refused(linked_ws: Path, role: str) -> None:
    """A role without the permission gets 403 from every action, (valid CSRF token) and nothing changes."""
    from uncounted.store import audit
    from uncounted.workspace import Workspace

    before = audit.count(Workspace.open(linked_ws))
    with TestClient(create_app(linked_ws)) as client:
        sign_in(client, role)
        for url, permission in POSTS.items():
            if permission in DEFAULT_ROLES[role]:
                continue
            files = {"file": ("x.csv", b"full_name\nA\n", "text/csv")} if url == "/lists/upload" else None
            response = post(client, url, FORMS.get(url, {}), files=files)
            assert response.status_code == 403, (role, url, response.text[:300])
    after = Workspace.open(linked_ws)
    actions = [e["action"] for e in audit.entries(after)[before:]]
    assert not any(a.startswith(("web.", "user.", "testimony.")) for a in actions), actions


def test_signed_out_visitor_is_sent_to_sign_in(linked_ws: Path) -> None:
    with TestClient(create_app(linked_ws)) as client:
        for url in ("/", "/records", "/audit", "/persons/x", "/report"):
            response = client.get(url, follow_redirects=False)
            assert response.status_code == 303
            assert response.headers["location"].startswith("/login?next=")


def test_needs_refuses_an_unknown_permission() -> None:
    """A typo in a route's permission is a bug caught by the one access check, not a silent grant."""
    from uncounted.store.access import actor, require

    assert needs("records.read").permission == "records.read"
    with pytest.raises(ValueError):
        require(actor("a", "admin"), "records.raed")
