"""Linkage: run it over the workspace, and review uncertain pairs side by side with the keyboard.

The review queue is `uncounted.link.review.review_sample` over the latest run (a stratified sample of the
uncertain band and a smaller draw across the other scores, each pair weighted by the pairs it stands for);
labels go to the store through `store_labels` under the signed-in reviewer's name, so they feed
`label_quality` exactly as labels from review files do.
"""

from __future__ import annotations

import math

import pandas as pd
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from uncounted.errors import BadInput
from uncounted.link.review import PAIR_KEYS, SHOWN_FIELDS, load_labels, store_labels
from uncounted.pipeline import captures_workspace, link_workspace
from uncounted.store import audit
from uncounted.store.access import Actor
from uncounted.web import data
from uncounted.web.context import ACTOR, needs, render, state
from uncounted.web.csrf import check_csrf

router = APIRouter()
LABELS = {"match": "match", "non-match": "non-match", "unsure": "unsure"}


@router.get("/linkage", dependencies=[Depends(needs("records.read"))])
def linkage_status(request: Request) -> Response:
    web = state(request)
    linked = data.people(web)
    summary = None
    if linked is not None:
        summary = {"records": len(linked.entities), "people": linked.count}
        quality = data.label_quality(web)
        if quality is not None:
            summary["quality"] = quality
    return render(request, "linkage.html", {"summary": summary})


@router.post("/linkage/run", dependencies=[Depends(check_csrf)])
def linkage_run(request: Request, who: Actor = ACTOR["records.write"]) -> Response:
    web = state(request)
    if data.sources(web).empty:
        raise BadInput("there are no records to link yet; import a list first")
    linkage = link_workspace(web.ws, step=lambda _: None, by=who)
    captures_workspace(web.ws, linkage)
    with web.ws.session() as session:
        audit.record(
            session,
            who,
            "web.link.run",
            "linkage",
            {"records": len(linkage.entities), "people": linkage.n_entities},
        )
    return RedirectResponse("/linkage", status_code=303)


def _labelled_by(web_labels: pd.DataFrame, reviewer: str) -> set[tuple[str, str, str, str]]:
    mine = web_labels[web_labels["reviewer"] == reviewer]
    return set(zip(*(mine[k] for k in PAIR_KEYS), strict=True))


@router.get("/review")
def review(request: Request, who: Actor = ACTOR["review.label"]) -> Response:
    web = state(request)
    queue = data.review_queue(web)
    if queue is None:
        return render(request, "review.html", {"pair": None, "linked": False})
    done = _labelled_by(load_labels(web.ws), who.name)
    keys = list(zip(*(queue[k] for k in PAIR_KEYS), strict=True))
    waiting = [i for i, key in enumerate(keys) if key not in done]
    pair = queue.iloc[waiting[0]].to_dict() if waiting else None
    return render(
        request,
        "review.html",
        {
            "pair": pair,
            "linked": True,
            "fields": SHOWN_FIELDS,
            "done": len(keys) - len(waiting),
            "total": len(keys),
        },
    )


@router.post("/review", dependencies=[Depends(check_csrf)])
def review_label(
    request: Request,
    source_l: str = Form(..., max_length=200),
    record_id_l: str = Form(..., max_length=200),
    source_r: str = Form(..., max_length=200),
    record_id_r: str = Form(..., max_length=200),
    label: str = Form(..., pattern="^(match|non-match|unsure)$"),
    reason: str = Form("", max_length=2000),
    who: Actor = ACTOR["review.label"],
) -> Response:
    web = state(request)
    queue = data.review_queue(web)
    key = (source_l, record_id_l, source_r, record_id_r)
    found = None
    if queue is not None:
        hit = queue[
            (queue["source_l"] == source_l)
            & (queue["record_id_l"] == record_id_l)
            & (queue["source_r"] == source_r)
            & (queue["record_id_r"] == record_id_r)
        ]
        found = hit.iloc[0] if len(hit) else None
    if found is None:
        raise BadInput("this pair is not in the review queue (the linkage may have been re-run)")
    probability = float(found["match_probability"])
    labels = pd.DataFrame(
        [
            {
                **dict(zip(PAIR_KEYS, key, strict=True)),
                "label": LABELS[label],
                "reviewer": who.name,
                "reason": reason,
                "match_probability": probability if math.isfinite(probability) else math.nan,
                "sample_weight": float(found["sample_weight"]),
            }
        ]
    )
    store_labels(web.ws, labels)
    with web.ws.session() as session:
        audit.record(session, who, "web.review.label", "|".join(key), {"label": label})
    return RedirectResponse("/review", status_code=303)
