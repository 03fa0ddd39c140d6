"""The dashboard: lists, people, the latest estimate, and recent activity for those who may read the log."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from uncounted.pipeline import ESTIMATE_FILE
from uncounted.store import audit
from uncounted.store.access import Actor
from uncounted.web import data
from uncounted.web.context import ACTOR, WebState, render, state

router = APIRouter()


def latest_estimate(web: WebState) -> dict[str, Any] | None:
    path = web.ws.path / ESTIMATE_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


@router.get("/")
def dashboard(request: Request, who: Actor = ACTOR["records.read"]) -> Response:
    web = state(request)
    entities = data.entities(web)
    activity = audit.entries(web.ws, last=10)[::-1] if who.can("audit.read") else []
    return render(
        request,
        "dashboard.html",
        {
            "sources": data.sources(web).to_dict("records"),
            "people": int(entities["entity_id"].nunique()) if entities is not None else None,
            "estimate": latest_estimate(web),
            "activity": activity,
        },
    )
