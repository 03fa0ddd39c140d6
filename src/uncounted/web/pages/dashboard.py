"""The dashboard: lists, people, the latest estimate, and recent activity for those who may read the log."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from uncounted.store import audit
from uncounted.store.access import Actor
from uncounted.web import data
from uncounted.web.context import ACTOR, render, state

router = APIRouter()


@router.get("/")
def dashboard(request: Request, who: Actor = ACTOR["records.read"]) -> Response:
    web = state(request)
    linked = data.people(web)
    activity = audit.entries(web.ws, last=10)[::-1] if who.can("audit.read") else []
    return render(
        request,
        "dashboard.html",
        {
            "sources": data.sources(web).to_dict("records"),
            "people": linked.count if linked is not None else None,
            "estimate": data.latest_estimate(web),
            "activity": activity,
        },
    )
