"""Records (searchable in Arabic or Latin script) and people (a person's records from each list)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException

from uncounted.records import CANONICAL_FIELDS
from uncounted.web import data
from uncounted.web.context import needs, render, state

router = APIRouter()
PAGE_SIZE = 50
SHOWN = ("source", "record_id", "full_name", "sex", "age", "date_of_death", "governorate")


@router.get("/records", dependencies=[Depends(needs("records.read"))])
def record_list(
    request: Request, q: str = Query("", max_length=200), page: int = Query(1, ge=1, le=100_000)
) -> Response:
    web = state(request)
    frame = data.indexed_records(web)
    found = data.search(frame, q) if q.strip() else frame
    entities = data.entities(web)
    rows = found.iloc[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    people = {}
    if entities is not None and len(rows):
        keyed = entities.set_index(["source", "record_id"])["entity_id"]
        people = {(s, r): keyed.get((s, r)) for s, r in zip(rows["source"], rows["record_id"], strict=True)}
    return render(
        request,
        "records.html",
        {
            "q": q,
            "page": page,
            "total": len(found),
            "pages": max(1, -(-len(found) // PAGE_SIZE)),
            "rows": rows[list(SHOWN)].to_dict("records"),
            "columns": SHOWN,
            "people": people,
        },
    )


@router.get("/persons/{entity_id}", dependencies=[Depends(needs("records.read"))])
def person(request: Request, entity_id: str) -> Response:
    web = state(request)
    entities = data.entities(web)
    if entities is None:
        raise HTTPException(404, "no linkage yet")
    members = entities[entities["entity_id"] == entity_id]
    if members.empty:
        raise HTTPException(404, "no such person")
    frame = data.indexed_records(web)
    linked = frame.merge(members[["source", "record_id"]], on=["source", "record_id"])
    by_list = {
        source: group[list(CANONICAL_FIELDS)].to_dict("records")
        for source, group in linked.groupby("source", sort=True)
    }
    shown = [
        f for f in CANONICAL_FIELDS if f not in ("source", "record_id") and linked[f].astype(str).ne("").any()
    ]
    return render(request, "person.html", {"entity_id": entity_id, "by_list": by_list, "fields": shown})
