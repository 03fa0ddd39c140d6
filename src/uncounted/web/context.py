"""What every page shares: the app's state, the signed-in actor, permission dependencies and rendering.

Every page and action declares its permission with `needs("...")`, which signs the session's user in and
asks the store's one access check (`uncounted.store.access.require`). Nothing else in the web app decides
access; the route tests walk the app's routes and check that each one declares exactly one permission.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader
from starlette.concurrency import run_in_threadpool

from uncounted.errors import BadInput
from uncounted.store.access import PERMISSIONS, Actor, require
from uncounted.web import i18n, messages
from uncounted.web.auth import COOKIE, LoginGuard, NotSignedIn, SessionStore, current_actor
from uncounted.web.uploads import Staging
from uncounted.workspace import Workspace

TEMPLATES = Path(__file__).with_name("templates")
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
LANG_COOKIE = "uncounted_lang"
#: How long a user's role and status, read from the store, are trusted before being read again. Disabling a
#: user in the app ends their sessions at once; a change made elsewhere (the CLI) counts within this time.
RECHECK_SECONDS = 2.0


@dataclass
class WebState:
    """One app's workspace, sessions, guard, templates and staged uploads."""

    ws: Workspace
    sessions: SessionStore = field(default_factory=SessionStore)
    guard: LoginGuard = field(default_factory=LoginGuard)
    max_upload: int = MAX_UPLOAD_BYTES
    secure_cookies: bool = False
    staging: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="uncounted-web-")))
    env: Environment = field(
        default_factory=lambda: Environment(
            loader=FileSystemLoader(TEMPLATES),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,  # templates are part of the package: compiled once, never re-checked on disk
        )
    )
    actors: dict[tuple[str, str], Actor] = field(default_factory=dict)
    #: user → (when their row was read, their actor or None if disabled): see RECHECK_SECONDS.
    checked: dict[str, tuple[float, Actor | None]] = field(default_factory=dict)
    cache: dict[str, Any] = field(default_factory=dict)
    uploads: Staging = field(init=False)

    def __post_init__(self) -> None:
        self.uploads = Staging(self.staging)

    def close(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)
        self.ws.engine.dispose()


def state(request: Request) -> WebState:
    return request.app.state.web


async def prepare(request: Request) -> None:
    """App-wide dependency: this request's session (or None) and language."""
    web = state(request)
    request.state.session = web.sessions.get(request.cookies.get(COOKIE))
    request.state.lang = i18n.choose(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE))
    request.state.actor = None


async def signed_in(request: Request) -> Actor:
    """The signed-in user as the store knows them (read again after RECHECK_SECONDS); NotSignedIn (→ sign-in
    page) otherwise."""
    web = state(request)
    session = getattr(request.state, "session", None)
    if session is None or session.user is None:
        raise NotSignedIn
    now = time.monotonic()
    checked = web.checked.get(session.user)
    if checked is not None and now - checked[0] < RECHECK_SECONDS:
        who = checked[1]
    else:
        who = await run_in_threadpool(current_actor, web.ws, session.user, web.actors)
        web.checked[session.user] = (now, who)
    if who is None:  # disabled (or removed) since signing in
        web.sessions.drop(session.id)
        raise NotSignedIn
    request.state.actor = who
    return who


def needs(permission: str) -> Callable[..., Awaitable[Actor]]:
    """A dependency that signs the user in and asks the one access check for `permission`.

    Asynchronous, and without a sub-dependency: it runs on the event loop (the store is read in a worker
    thread only when the user's status is due for a fresh look), which saves a thread hop per request.
    """

    async def dependency(request: Request) -> Actor:
        who = await signed_in(request)
        require(who, permission, resource=request.url.path)
        return who

    dependency.permission = permission  # type: ignore[attr-defined] - read by the route tests
    return dependency


def translate(request: Request) -> i18n.Translate:
    return i18n.translator(getattr(request.state, "lang", i18n.DEFAULT))


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HTMLResponse:
    """A page in the request's language; Jinja's autoescape escapes every value (names may hold markup)."""
    web = state(request)
    lang = getattr(request.state, "lang", i18n.DEFAULT)
    session = getattr(request.state, "session", None)
    who: Actor | None = getattr(request.state, "actor", None)
    page = web.env.get_template(template).render(
        _=i18n.translator(lang),
        say=lambda text: messages.say(text, lang),
        explain_error=lambda error: messages.explain(error, lang),
        lang=lang,
        dir=i18n.direction(lang),
        languages=i18n.LANGUAGES,
        path=request.url.path,
        user=who,
        can=(lambda p: who is not None and who.can(p)),
        csrf_token=session.csrf if session else "",
        **(context or {}),
    )
    response = HTMLResponse(page, status_code=status)
    if request.query_params.get("lang") in i18n.LANGUAGES:
        response.set_cookie(
            LANG_COOKIE,
            lang,
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="strict",
            secure=web.secure_cookies,
        )
    return response


def explain(request: Request, error: BadInput) -> str:
    """A library's BadInput as one sentence in the request's language (`uncounted.web.messages`)."""
    return messages.explain(error, getattr(request.state, "lang", i18n.DEFAULT))


def message(request: Request, title: str, text: str, status: int) -> HTMLResponse:
    """A page that says one thing went wrong, in the request's language (`title` is a marked message id)."""
    return render(request, "message.html", {"title": title, "text": text}, status)


#: `who: Actor = ACTOR["records.write"]`: the signed-in actor, holding that permission.
ACTOR = {permission: Depends(needs(permission)) for permission in PERMISSIONS}
