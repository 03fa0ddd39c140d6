"""The web app: `create_app(workspace_path)` builds a FastAPI app over one workspace.

Plain HTML forms, server-rendered Jinja2 pages, one small script for keyboard shortcuts; no framework in the
browser and nothing loaded from another origin, so it works offline and under a strict CSP.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from uncounted.errors import BadInput, UncountedError
from uncounted.store.access import PermissionDenied
from uncounted.web import pages
from uncounted.web.auth import LoginGuard, NotSignedIn, SessionStore
from uncounted.web.context import MAX_UPLOAD_BYTES, WebState, explain, message, prepare
from uncounted.web.csrf import CsrfFailed
from uncounted.web.i18n import N_
from uncounted.web.security import BodyLimit, BodyTooLarge, SecurityHeaders
from uncounted.workspace import Workspace

log = logging.getLogger(__name__)
STATIC = Path(__file__).with_name("static")


def create_app(
    workspace_path: str | Path,
    *,
    max_upload: int = MAX_UPLOAD_BYTES,
    secure_cookies: bool = False,
    sessions: SessionStore | None = None,
    guard: LoginGuard | None = None,
) -> FastAPI:
    """The app over the workspace at `workspace_path` (opened now: a wrong path or passphrase fails here).

    `secure_cookies=True` marks cookies Secure, (behind HTTPS). `sessions` and `guard` let tests
    use a clock they control.
    """
    ws = Workspace.open(workspace_path)
    web = WebState(ws, max_upload=max_upload, secure_cookies=secure_cookies)
    if sessions is not None:
        web.sessions = sessions
    if guard is not None:
        web.guard = guard

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # The name index takes seconds on 100,000 records: built now, in the background, rather than by the
        # first person who searches.
        threading.Thread(target=_warm, args=(web,), name="uncounted-index", daemon=True).start()
        yield
        web.close()

    app = FastAPI(
        title="uncounted",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
        dependencies=[Depends(prepare)],
    )
    app.state.web = web
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in pages.MODULES:
        app.include_router(module.router)
    _handlers(app)
    app.add_middleware(BodyLimit, limit=max_upload)
    app.add_middleware(SecurityHeaders)  # outermost: every answer gets the headers, errors included
    return app


def _warm(web: WebState) -> None:
    from uncounted.web import data

    try:
        data.record_index(web)
    except Exception:  # noqa: BLE001 - a page that needs the index builds it again and shows its own error
        log.warning("the record index could not be built in advance", exc_info=True)


def _handlers(app: FastAPI) -> None:
    """Every failure becomes a page that says what happened; none shows a traceback."""

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, _: Exception) -> Response:
        target = request.url.path if request.method == "GET" else "/"
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    @app.exception_handler(PermissionDenied)
    async def denied(request: Request, exc: Exception) -> Response:
        return message(request, N_("Not allowed"), str(exc), 403)

    @app.exception_handler(CsrfFailed)
    async def csrf(request: Request, _: Exception) -> Response:
        return message(
            request,
            N_("This form has expired"),
            N_("The form was not sent from this session. Reload the page and try again."),
            403,
        )

    @app.exception_handler(BadInput)
    async def bad_input(request: Request, exc: BadInput) -> Response:
        return message(request, N_("This cannot be done"), explain(request, exc), 400)

    @app.exception_handler(RequestValidationError)
    async def malformed(request: Request, exc: RequestValidationError) -> Response:
        fields = sorted({str(e.get("loc", ["", "?"])[-1]) for e in exc.errors()})
        return message(
            request, N_("The form is incomplete or malformed"), "fields: " + ", ".join(fields), 400
        )

    @app.exception_handler(BodyTooLarge)
    async def too_large(request: Request, _: Exception) -> Response:
        limit = request.app.state.web.max_upload // (1024 * 1024)
        return message(request, N_("The file is too large"), f"limit: {limit} MB", 413)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        title = N_("Page not found") if exc.status_code == 404 else N_("This cannot be done")
        return message(request, title, str(exc.detail), exc.status_code)

    @app.exception_handler(UncountedError)
    async def ours(request: Request, exc: Exception) -> Response:
        return message(request, N_("Something went wrong"), str(exc), 500)

    @app.exception_handler(Exception)
    async def bug(request: Request, exc: Exception) -> Response:
        # A bug, ours or a library's: logged in full for the operator, one sentence for the user.
        log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        return message(request, N_("Something went wrong"), type(exc).__name__, 500)
