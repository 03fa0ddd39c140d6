"""Administration: the audit log (with its chain verified) and users (add, disable)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from uncounted.store import audit, users
from uncounted.store.access import Actor, roles
from uncounted.web.context import ACTOR, needs, render, state
from uncounted.web.csrf import check_csrf

router = APIRouter()
AUDIT_PAGE = 200


@router.get("/audit", dependencies=[Depends(needs("audit.read"))])
def audit_log(request: Request) -> Response:
    ws = state(request).ws
    return render(
        request,
        "audit.html",
        {
            "entries": audit.entries(ws, last=AUDIT_PAGE)[::-1],
            "problems": [str(p) for p in audit.verify(ws)],
            "total": audit.count(ws),
        },
    )


@router.get("/users")
def user_list(request: Request, who: Actor = ACTOR["users.manage"]) -> Response:
    ws = state(request).ws
    return render(request, "users.html", {"users": users.list_users(ws, who), "roles": sorted(roles(ws))})


@router.post("/users/add", dependencies=[Depends(check_csrf)])
def user_add(
    request: Request,
    name: str = Form(..., max_length=64),
    role: str = Form(..., max_length=32),
    password: str = Form(..., max_length=1024),
    who: Actor = ACTOR["users.manage"],
) -> Response:
    users.add_user(state(request).ws, who, name, role, password)
    return RedirectResponse("/users", status_code=303)


@router.post("/users/disable", dependencies=[Depends(check_csrf)])
def user_disable(
    request: Request, name: str = Form(..., max_length=64), who: Actor = ACTOR["users.manage"]
) -> Response:
    web = state(request)
    users.disable_user(web.ws, who, name)
    web.sessions.drop_user(name)
    web.checked.pop(name, None)
    return RedirectResponse("/users", status_code=303)
