"""Testimony, read-only: witnesses by pseudonym, accounts, claims, and the corroboration of each fact.

Witnesses are loaded with `uncounted.testimony.persist.load_testimony`, which never reads the protected
identity table: no page of the app can show a witness's real name, contact or identifying details to anyone.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from uncounted.testimony import DEFAULT_STANDARD, corroborate
from uncounted.testimony.persist import load_testimony
from uncounted.web.context import needs, render, state

router = APIRouter()


@router.get("/testimony", dependencies=[Depends(needs("testimony.read"))])
def testimony(request: Request) -> Response:
    found = load_testimony(state(request).ws)
    findings = corroborate(found, DEFAULT_STANDARD) if found.claims else []
    return render(
        request,
        "testimony.html",
        {
            "witnesses": list(found.witnesses.values()),
            "accounts": list(found.accounts.values()),
            "claims": found.claims,
            "findings": findings,
        },
    )
