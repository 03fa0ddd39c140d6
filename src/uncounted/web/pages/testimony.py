"""Testimony: witnesses by pseudonym, accounts, claims, the corroboration of each fact, and entry by form.

Witnesses are loaded with `uncounted.testimony.persist.load_testimony`, which never reads the protected
identity table: no page of the app shows a witness's real name, contact or identifying details. Entering a
witness, an account or a claim goes through `uncounted.web.entry.enter`, which imports it like a file; a form
that fails a check comes back with what was typed and the reason, in the page's language.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from uncounted.errors import BadInput
from uncounted.store.access import Actor
from uncounted.testimony import DEFAULT_STANDARD, corroborate, units
from uncounted.testimony.model import (
    ACCOUNT_KINDS,
    CLAIM_TYPES,
    CREDIBILITY,
    IDENTITY_FIELDS,
    KNOWLEDGE,
    RELIABILITY,
    ROLES,
    Testimony,
)
from uncounted.testimony.persist import load_testimony
from uncounted.web import entry
from uncounted.web.context import ACTOR, needs, render, state
from uncounted.web.csrf import check_csrf
from uncounted.web.i18n import N_

router = APIRouter()
PREFIX = {"witness": "W-", "account": "A-", "claim": "C-"}
ENTERED = {
    "witness": N_("The witness was added."),
    "account": N_("The account was added."),
    "claim": N_("The claim was entered."),
}


def _next_id(taken: set[str], prefix: str, start: int) -> str:
    """A suggested id the workspace does not hold yet (the person entering may type their own)."""
    number = start + 1
    while f"{prefix}{number:04d}" in taken:
        number += 1
    return f"{prefix}{number:04d}"


def _page(
    request: Request,
    found: Testimony,
    errors: dict[str, BadInput] | None = None,
    values: dict[str, dict[str, str]] | None = None,
    status: int = 200,
) -> Response:
    findings = corroborate(found, DEFAULT_STANDARD) if found.claims else []
    suggested = {
        "witness": _next_id(set(found.witnesses), PREFIX["witness"], len(found.witnesses)),
        "account": _next_id(set(found.accounts), PREFIX["account"], len(found.accounts)),
        "claim": _next_id({c.claim_id for c in found.claims}, PREFIX["claim"], len(found.claims)),
    }
    entered = request.query_params.get("entered", "")
    return render(
        request,
        "testimony.html",
        {
            "witnesses": list(found.witnesses.values()),
            "accounts": list(found.accounts.values()),
            "claims": found.claims,
            "findings": findings,
            "errors": errors or {},
            "values": values or {},
            "suggested": suggested,
            "entered": ENTERED.get(entered, ""),
            "choices": {
                "role": ROLES,
                "reliability": RELIABILITY,
                "kind": ACCOUNT_KINDS,
                "claim_type": CLAIM_TYPES,
                "knowledge": KNOWLEDGE,
                "unit": tuple(units.UNITS),
                "credibility": CREDIBILITY,
                "person_sex": ("male", "female"),
            },
            "identity_fields": IDENTITY_FIELDS,
        },
        status,
    )


@router.get("/testimony", dependencies=[Depends(needs("testimony.read"))])
def testimony(request: Request) -> Response:
    return _page(request, load_testimony(state(request).ws))


async def _enter(request: Request, kind: str, who: Actor) -> Response:
    form = await request.form()
    typed = {key: value for key, value in form.items() if isinstance(value, str) and key in entry.FORMS[kind]}
    passphrase = form.get(entry.VAULT_FIELD, "")
    web = state(request)
    try:
        await run_in_threadpool(
            entry.enter,
            web.ws,
            web.staging,
            kind,
            typed,
            who,
            passphrase if isinstance(passphrase, str) else "",
        )
    except BadInput as exc:
        found = await run_in_threadpool(load_testimony, web.ws)
        kept = {key: value for key, value in typed.items() if key not in IDENTITY_FIELDS}  # never sent back
        return await run_in_threadpool(_page, request, found, {kind: exc}, {kind: kept}, 400)
    return RedirectResponse(f"/testimony?entered={kind}#{kind}-form", status_code=303)


@router.post("/testimony/witnesses", dependencies=[Depends(check_csrf)])
async def witness_add(request: Request, who: Actor = ACTOR["testimony.write"]) -> Response:
    return await _enter(request, "witness", who)


@router.post("/testimony/accounts", dependencies=[Depends(check_csrf)])
async def account_add(request: Request, who: Actor = ACTOR["testimony.write"]) -> Response:
    return await _enter(request, "account", who)


@router.post("/testimony/claims", dependencies=[Depends(check_csrf)])
async def claim_add(request: Request, who: Actor = ACTOR["testimony.write"]) -> Response:
    return await _enter(request, "claim", who)
