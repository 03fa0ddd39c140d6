"""Records (searchable in Arabic or Latin script) and people (a person's records from each list).

A search asks the in-memory name index (`uncounted.web.search`) for the positions of the matching records and
reads from the store only the page of rows it shows.
"""

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
    index = data.record_index(web)
    found = index.search(q)
    shown = index.ids[found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]]
    rows = data.records_by_id(web, shown, SHOWN)
    linked = data.people(web)
    people = {}
    if linked is not None:
        people = {
            (r["source"], r["record_id"]): linked.person_of.get((r["source"], r["record_id"])) for r in rows
        }
    return render(
        request,
        "records.html",
        {
            "q": q,
            "page": page,
            "total": len(found),
            "pages": max(1, -(-len(found) // PAGE_SIZE)),
            "rows": rows,
            "columns": SHOWN,
            "people": people,
        },
    )


@router.get("/persons/{entity_id}", dependencies=[Depends(needs("records.read"))])
def person(request: Request, entity_id: str) -> Response:
    web = state(request)
    linked = data.people(web)
    if linked is None:
        raise HTTPException(404, "no linkage yet")
    members = linked.records_of(entity_id)
    if not members:
        raise HTTPException(404, "no such person")
    found = data.records_of(web, members)
    by_list = {
        source: group[list(CANONICAL_FIELDS)].to_dict("records")
        for source, group in found.groupby("source", sort=True)
    }
    shown = [
        f for f in CANONICAL_FIELDS if f not in ("source", "record_id") and found[f].astype(str).ne("").any()
    ]
    return render(request, "person.html", {"entity_id": entity_id, "by_list": by_list, "fields": shown})
