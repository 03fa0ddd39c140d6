"""CSRF protection: every POST form carries the session's secret token, and the server compares it.

A synchronizer token (OWASP CSRF cheat sheet): the token is random per session, embedded in each form as the
hidden field `csrf_token`, and never in a cookie, so another site cannot read or send it. The SameSite=Strict
session cookie is a second lock; this one also covers browsers that ignore SameSite.
"""

from __future__ import annotations

import secrets

from fastapi import Request

FIELD = "csrf_token"


class CsrfFailed(Exception):
    """The form's token is missing or is not this session's: the form is stale or forged."""


async def check_csrf(request: Request) -> None:
    """Dependency of every POST route: compare the form's token with the session's in constant time."""
    session = request.state.session
    form = await request.form()
    sent = form.get(FIELD)
    if session is None or not isinstance(sent, str) or not secrets.compare_digest(sent, session.csrf):
        raise CsrfFailed
