"""Sessions, CSRF, sign-in limits, headers, uploads and escaping: each one attacked, each must hold."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from uncounted.store import audit
from uncounted.web import create_app
from uncounted.web.auth import COOKIE, LoginGuard, SessionStore
from uncounted.web.security import CSP
from uncounted.web.uploads import safe_name
from uncounted.workspace import Workspace

from .conftest import HOSTILE_NAME, PASSWORD, SECRET_IDENTITY, csrf_of, post, sign_in


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_headers_on_every_answer(fresh_ws: Path) -> None:
    with TestClient(create_app(fresh_ws)) as client:
        for url in ("/login", "/", "/static/app.css", "/no-such-page"):
            headers = client.get(url, follow_redirects=False).headers
            assert headers["content-security-policy"] == CSP, url
            assert headers["x-content-type-options"] == "nosniff"
            assert headers["referrer-policy"] == "no-referrer"
    assert "default-src 'self'" in CSP and "frame-ancestors 'none'" in CSP
    assert "unsafe-inline" not in CSP and "http" not in CSP


def test_session_cookie_flags_and_sign_out(fresh_ws: Path) -> None:
    with TestClient(create_app(fresh_ws)) as client:
        page = client.get("/login")
        response = client.post(
            "/login",
            data={"name": "admin", "password": PASSWORD, "csrf_token": csrf_of(page.text)},
            follow_redirects=False,
        )
        cookie = response.headers["set-cookie"]
        assert cookie.startswith(f"{COOKIE}=")
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Max-Age=" in cookie
        # A new session id at sign-in: the anonymous one from the form is not reused (no fixation).
        assert page.cookies.get(COOKIE) != response.cookies.get(COOKIE)
        assert client.get("/", follow_redirects=False).status_code == 200
        assert post(client, "/logout").status_code == 303
        assert client.get("/", follow_redirects=False).status_code == 303


def test_expired_session_redirects_to_sign_in(fresh_ws: Path) -> None:
    clock = Clock()
    with TestClient(
        create_app(fresh_ws, sessions=SessionStore(clock=clock, idle=60, absolute=600))
    ) as client:
        sign_in(client, "viewer")
        clock.now += 30
        assert client.get("/", follow_redirects=False).status_code == 200
        clock.now += 61
        response = client.get("/records", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/login?next=/records"


def test_forged_session_cookie_is_refused(fresh_ws: Path) -> None:
    with TestClient(create_app(fresh_ws)) as client:
        client.cookies.set(COOKIE, "made-up-value")
        assert client.get("/", follow_redirects=False).status_code == 303


def test_csrf_missing_or_wrong_is_refused(fresh_ws: Path) -> None:
    with TestClient(create_app(fresh_ws)) as client:
        sign_in(client, "admin")
        form = {"name": "eve", "role": "viewer", "password": "0123456789abc"}
        for token in (None, "", "x" * 43):
            data = form if token is None else {**form, "csrf_token": token}
            response = client.post("/users/add", data=data, follow_redirects=False)
            assert response.status_code == 403, token
        assert "eve" not in client.get("/users").text
        assert post(client, "/users/add", form).status_code == 303
        assert "eve" in client.get("/users").text


def test_login_form_needs_its_csrf_token(fresh_ws: Path) -> None:
    with TestClient(create_app(fresh_ws)) as client:
        client.get("/login")
        response = client.post("/login", data={"name": "admin", "password": PASSWORD}, follow_redirects=False)
        assert response.status_code == 403


def _try(client: TestClient, name: str, password: str) -> int:
    page = client.get("/login")
    return client.post(
        "/login",
        data={"name": name, "password": password, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    ).status_code


def test_lockout_after_repeated_failures(fresh_ws: Path) -> None:
    clock = Clock()
    guard = LoginGuard(clock=clock, per_name=5, per_address=100, window=900, lockout=900)
    with TestClient(create_app(fresh_ws, guard=guard)) as client:
        assert [_try(client, "admin", "wrong-password") for _ in range(5)] == [401] * 5
        # Locked: even the right password is refused, with a message saying to wait.
        page = client.get("/login")
        response = client.post(
            "/login", data={"name": "admin", "password": PASSWORD, "csrf_token": csrf_of(page.text)}
        )
        assert response.status_code == 429 and "Try again in" in response.text
        assert _try(client, "analyst", PASSWORD) == 303  # other names are not locked
        clock.now += 901
        assert _try(client, "admin", PASSWORD) == 303
    actions = [e["action"] for e in audit.entries(Workspace.open(fresh_ws))]
    assert actions.count("auth.failed") == 5 and "auth.locked" in actions


def test_one_address_cannot_sweep_many_names(fresh_ws: Path) -> None:
    guard = LoginGuard(clock=Clock(), per_name=5, per_address=8)
    with TestClient(create_app(fresh_ws, guard=guard)) as client:
        codes = [_try(client, f"guess{i}", "wrong-password") for i in range(8)]
        assert codes == [401] * 8
        assert _try(client, "viewer", PASSWORD) == 429


def test_disabled_user_is_signed_out_at_once(fresh_ws: Path) -> None:
    app = create_app(fresh_ws)
    with TestClient(app) as admin, TestClient(app) as viewer:
        sign_in(admin, "admin")
        sign_in(viewer, "viewer")
        assert viewer.get("/", follow_redirects=False).status_code == 200
        assert post(admin, "/users/disable", {"name": "viewer"}).status_code == 303
        assert viewer.get("/", follow_redirects=False).status_code == 303
        assert _try(viewer, "viewer", PASSWORD) == 401


def test_sign_in_never_redirects_off_site(fresh_ws: Path) -> None:
    with TestClient(create_app(fresh_ws)) as client:
        for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
            page = client.get("/login")
            response = client.post(
                "/login",
                data={
                    "name": "admin",
                    "password": PASSWORD,
                    "next": target,
                    "csrf_token": csrf_of(page.text),
                },
                follow_redirects=False,
            )
            assert response.headers["location"] == "/", target
            post(client, "/logout")


def test_malformed_forms_give_a_clear_400(fresh_ws: Path) -> None:
    with TestClient(create_app(fresh_ws), raise_server_exceptions=True) as client:
        sign_in(client, "admin")
        cases = [
            ("/users/add", {"name": "x"}),
            ("/estimates/run", {"method": "loglinear", "seed": "abc"}),
            ("/estimates/run", {"method": "no-such-method"}),
            ("/review", {"label": "maybe"}),
            ("/users/add", {"name": "x", "role": "emperor", "password": "0123456789abc"}),
        ]
        for url, form in cases:
            response = post(client, url, form)
            assert response.status_code == 400, (url, response.text[:300])
            assert "<h1>" in response.text and "Traceback" not in response.text


def test_estimate_without_linkage_is_a_message(fresh_ws: Path) -> None:
    with TestClient(create_app(fresh_ws)) as client:
        sign_in(client, "analyst")
        response = post(client, "/estimates/run", {"method": "loglinear", "seed": "1"})
        assert response.status_code == 400 and "no linkage" in response.text


def _upload(client: TestClient, name: str, data: bytes) -> object:
    token = csrf_of(client.get("/lists").text)
    return client.post(
        "/lists/upload", data={"csrf_token": token}, files={"file": (name, data)}, follow_redirects=False
    )


def test_oversized_upload_is_refused(fresh_ws: Path) -> None:
    with TestClient(create_app(fresh_ws, max_upload=10_000)) as client:
        sign_in(client, "analyst")
        response = _upload(client, "big.csv", b"full_name\n" + b"Ahmad\n" * 5000)
        assert response.status_code == 413 and "too large" in response.text
        assert not list(Path(client.app.state.web.staging).iterdir())


@pytest.mark.parametrize(
    "name,data,says",
    [
        ("photo.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "not a table"),
        ("list.xlsx", b"%PDF-1.7\n1 0 obj", "not a table"),
        ("list.csv", b"\x00\x01\x02binary\x00" * 20, "binary"),
        ("list.xlsx", b"PK\x03\x04" + b"\x00" * 40, "damaged"),
    ],
)
def test_wrong_type_is_told_by_content(fresh_ws: Path, name: str, data: bytes, says: str) -> None:
    with TestClient(create_app(fresh_ws)) as client:
        sign_in(client, "analyst")
        response = _upload(client, name, data)
        assert response.status_code == 400 and says in response.text


def test_a_zip_that_is_not_a_workbook_is_refused(fresh_ws: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("evil.sh", "rm -rf /")
    with TestClient(create_app(fresh_ws)) as client:
        sign_in(client, "analyst")
        response = _upload(client, "list.xlsx", buffer.getvalue())
        assert response.status_code == 400 and "not an Excel workbook" in response.text


def test_path_traversal_in_file_names_is_neutralised(fresh_ws: Path) -> None:
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("..\\..\\windows\\system.ini") == "system.ini"
    assert safe_name("....") == "list" and safe_name("") == "list" and safe_name("/") == "list"
    assert safe_name("قائمة الشهداء.csv") == "قائمة الشهداء.csv"
    assert "\x00" not in safe_name("a\x00b.csv")
    with TestClient(create_app(fresh_ws)) as client:
        sign_in(client, "analyst")
        response = _upload(client, "../../../../tmp/evil.csv", b"full_name,sex\nAhmad,male\n")
        assert response.status_code == 303
        staged = list(Path(client.app.state.web.staging).rglob("*.csv"))
        assert [p.name for p in staged] == ["evil.csv"]
        assert staged[0].resolve().is_relative_to(Path(client.app.state.web.staging).resolve())
        assert not Path("/tmp/evil.csv").exists()
        # Someone else's (or a made-up) staging token reaches nothing.
        assert client.get("/lists/mapping/..%2F..%2Fetc").status_code in (400, 404)


def test_markup_in_names_is_escaped(linked_ws: Path) -> None:
    with TestClient(create_app(linked_ws)) as client:
        sign_in(client, "viewer")
        page = client.get("/records", params={"q": "Karim"}).text
        assert "&lt;script&gt;alert(" in page and HOSTILE_NAME not in page
        search = client.get("/records", params={"q": '"><script>alert(1)</script>'}).text
        assert "<script>alert(1)" not in search


def test_identity_fields_are_never_rendered(linked_ws: Path) -> None:
    """The planted identity appears on no page for any role (the app never reads the protected table)."""
    with TestClient(create_app(linked_ws)) as client:
        for role in ("viewer", "admin"):
            sign_in(client, role)
            for url in ("/", "/testimony", "/records", "/audit", "/lists"):
                page = client.get(url)
                assert SECRET_IDENTITY not in page.text, (role, url)
            assert "W-ALPHA" in client.get("/testimony").text
            post(client, "/logout")


def test_pages_load_nothing_from_another_origin(linked_ws: Path) -> None:
    templates = Path(__file__).parents[2] / "src" / "uncounted" / "web" / "templates"
    for template in templates.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not re.search(r"(src|href|action)=\"(https?:)?//", text), template.name
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), f"inline script in {template.name}"
        assert " style=" not in text and "<style" not in text and " on" + "click=" not in text
    with TestClient(create_app(linked_ws)) as client:
        sign_in(client, "admin")
        for url in ("/", "/records", "/estimates", "/review", "/testimony", "/audit", "/users", "/lists"):
            assert not re.search(r"(src|href)=\"(https?:)?//", client.get(url).text), url


def test_a_user_disabled_outside_the_app_is_signed_out_after_the_recheck(
    fresh_ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Disabled with the store's own function (as `uncounted users disable` does), not through the app: the
    next look at the user's row, due after RECHECK_SECONDS, ends the session."""
    from uncounted.store import users
    from uncounted.store.access import actor
    from uncounted.web import context

    with TestClient(create_app(fresh_ws)) as client:
        sign_in(client, "viewer")
        assert client.get("/", follow_redirects=False).status_code == 200
        ws = Workspace.open(fresh_ws)
        users.disable_user(ws, actor("admin", "admin", ws), "viewer")
        monkeypatch.setattr(context, "RECHECK_SECONDS", 0.0)
        assert client.get("/", follow_redirects=False).status_code == 303
