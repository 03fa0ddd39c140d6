"""Sign in and sign out."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from uncounted.store.access import PermissionDenied
from uncounted.store.users import has_users
from uncounted.web.auth import COOKIE, LockedOut, sign_in
from uncounted.web.context import render, state
from uncounted.web.csrf import check_csrf

router = APIRouter()


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never `//other.host` or a full address (no open redirect)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:  # noqa: A002 - the query parameter's name
    web = state(request)
    session = request.state.session
    if session is None:
        session = web.sessions.new()
        request.state.session = session
    response = render(request, "login.html", {"next": _safe_next(next), "no_users": not has_users(web.ws)})
    _set_cookie(response, session.id, web.secure_cookies, web.sessions.absolute)
    return response


@router.post("/login", dependencies=[Depends(check_csrf)])
def login(
    request: Request,
    name: str = Form(..., max_length=200),
    password: str = Form(..., max_length=1024),
    next: str = Form("/"),
) -> Response:  # noqa: A002
    web = state(request)
    address = request.client.host if request.client else "?"
    try:
        who = sign_in(web.ws, web.guard, name, password, address)
    except LockedOut as locked:
        minutes = locked.seconds // 60 + 1
        return render(
            request,
            "login.html",
            {"next": _safe_next(next), "error": "locked", "minutes": minutes, "no_users": False},
            429,
        )
    except PermissionDenied:
        return render(
            request, "login.html", {"next": _safe_next(next), "error": "failed", "no_users": False}, 401
        )
    session = web.sessions.sign_in(request.state.session, who.name)
    response = RedirectResponse(_safe_next(next), status_code=303)
    _set_cookie(response, session.id, web.secure_cookies, web.sessions.absolute)
    return response


@router.post("/logout", dependencies=[Depends(check_csrf)])
def logout(request: Request) -> Response:
    web = state(request)
    if request.state.session is not None:
        web.sessions.drop(request.state.session.id)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, httponly=True, samesite="strict", secure=web.secure_cookies)
    return response


def _set_cookie(response: Response, value: str, secure: bool, max_age: float) -> None:
    response.set_cookie(
        COOKIE, value, max_age=int(max_age), httponly=True, samesite="strict", secure=secure, path="/"
    )
