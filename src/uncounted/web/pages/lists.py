"""Lists: the imported sources, uploading a file with a mapping preview, import results and the quarantine.

An upload is checked by content and staged; the next page shows the file's columns, each mapped onto a
canonical field (guessed from its header), with the first rows as they would be imported. Importing
goes through `uncounted.ingest.ingest_file` with a mapping file written from the form, so the web and the CLI
import in exactly the same way; invalid rows are quarantined with their reasons (or refuse the file).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import tomli_w
from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from uncounted.errors import BadInput
from uncounted.ingest import ingest_file
from uncounted.ingest.mapping import Mapping, apply_mapping
from uncounted.ingest.read import read_table
from uncounted.records import CANONICAL_FIELDS
from uncounted.store import audit
from uncounted.store.access import Actor
from uncounted.store.models import Import
from uncounted.store.records import load_quarantine
from uncounted.web import data
from uncounted.web.context import ACTOR, explain, needs, render, state
from uncounted.web.csrf import check_csrf
from uncounted.web.uploads import Staged

router = APIRouter()
UPLOAD = File(...)
PREVIEW_ROWS = 5
QUARANTINE_PAGE = 500


@router.get("/lists", dependencies=[Depends(needs("records.read"))])
def lists(request: Request) -> Response:
    web = state(request)
    with web.ws.engine.connect() as connection:
        imports = (
            connection.execute(select(Import.__table__).order_by(Import.id.desc()).limit(50)).mappings().all()
        )
    return render(
        request, "lists.html", {"sources": data.sources(web).to_dict("records"), "imports": imports}
    )


@router.post("/lists/upload", dependencies=[Depends(check_csrf)])
async def upload(
    request: Request, file: UploadFile = UPLOAD, who: Actor = ACTOR["records.write"]
) -> Response:
    web = state(request)
    data = await file.read(web.max_upload + 1)
    if len(data) > web.max_upload:
        raise BadInput(f"the file is larger than {web.max_upload // (1024 * 1024)} MB")
    # Checking the content reads the file (a workbook is unzipped): off the event loop, like every slow step.
    staged = await run_in_threadpool(web.uploads.add, who.name, file.filename or "", data)
    return RedirectResponse(f"/lists/mapping/{staged.token}", status_code=303)


def _raw(staged: Staged) -> pd.DataFrame:
    return read_table(staged.path.read_bytes(), staged.name, Mapping()).frame


def _guess(header: str) -> str:
    plain = header.strip().lower().replace(" ", "_").replace("-", "_")
    return plain if plain in CANONICAL_FIELDS else ""


def _mapping_page(
    request: Request,
    staged: Staged,
    headers: list[str],
    chosen: list[str],
    source: str,
    quarantine: bool,
    raw: pd.DataFrame,
    error: str = "",
    status: int = 200,
    *,
    append: bool = False,
) -> Response:
    preview: list[dict[str, Any]] = []
    columns: list[str] = []
    if not error:
        try:
            frame, _, _ = apply_mapping(raw.head(PREVIEW_ROWS), _rules(headers, chosen), staged.name)
            columns = [f for f in CANONICAL_FIELDS if f in frame.columns]
            preview = frame[columns].to_dict("records")
        except BadInput as exc:
            error, status = explain(request, exc), 400
    return render(
        request,
        "mapping.html",
        {
            "staged": staged,
            "headers": list(enumerate(headers)),
            "chosen": chosen,
            "fields": CANONICAL_FIELDS,
            "source": source,
            "quarantine": quarantine,
            "append": append,
            "preview": preview,
            "columns": columns,
            "error": error,
            "n_rows": len(raw),
        },
        status,
    )


def _rules(headers: list[str], chosen: list[str]) -> Mapping:
    return Mapping(columns={h: c for h, c in zip(headers, chosen, strict=True) if c})


@router.get("/lists/mapping/{token}")
def mapping_form(request: Request, token: str, who: Actor = ACTOR["records.write"]) -> Response:
    web = state(request)
    staged = web.uploads.get(token, who.name)
    raw = _raw(staged)
    headers = [str(h) for h in raw.columns]
    stem = staged.name.rsplit(".", 1)[0]
    return _mapping_page(request, staged, headers, [_guess(h) for h in headers], stem, True, raw)


@router.post("/lists/mapping/{token}", dependencies=[Depends(check_csrf)])
async def mapping_submit(
    request: Request,
    token: str,
    source: str = Form(..., max_length=200),
    action: str = Form("preview", pattern="^(preview|import)$"),
    quarantine: str = Form(""),
    append: str = Form(""),
    who: Actor = ACTOR["records.write"],
) -> Response:
    # The form's columns (col_0, col_1, …) depend on the file, so they are read from the parsed form; reading
    # the file and importing it run in a worker thread, never on the event loop.
    form = await request.form()
    return await run_in_threadpool(_submit, request, token, source, action, quarantine == "on", append == "on",
                                   who, form)


def _submit(
    request: Request, token: str, source: str, action: str, keep: bool, append: bool, who: Actor, form: Any
) -> Response:
    web = state(request)
    staged = web.uploads.get(token, who.name)
    raw = _raw(staged)
    headers = [str(h) for h in raw.columns]
    chosen = []
    for i in range(len(headers)):
        value = form.get(f"col_{i}", "")
        if not isinstance(value, str) or value not in ("", *CANONICAL_FIELDS):
            raise BadInput(f"'{value}' is not a canonical field", column=headers[i])
        chosen.append(value)
    twice = sorted({c for c in chosen if c and chosen.count(c) > 1})
    if twice:
        return _mapping_page(
            request,
            staged,
            headers,
            chosen,
            source,
            keep,
            raw,
            f"several columns are mapped onto {', '.join(twice)}",
            400,
            append=append,
        )
    if action == "preview":
        return _mapping_page(request, staged, headers, chosen, source, keep, raw, append=append)
    mapping_path = staged.path.parent / "mapping.toml"
    mapping_path.write_text(tomli_w.dumps({"columns": _rules(headers, chosen).columns}), encoding="utf-8")
    try:
        result = ingest_file(
            web.ws, staged.path, source=source.strip() or None, mapping=mapping_path, quarantine=keep, append=append
        )
    except BadInput as exc:
        return _mapping_page(request, staged, headers, chosen, source, keep, raw, explain(request, exc), 400,
                             append=append)
    with web.ws.session() as session:
        audit.record(
            session,
            who,
            "web.list.import",
            f"import {result.import_id}",
            {
                "file": staged.name,
                "records": result.n_records,
                "quarantined": result.n_quarantined,
                "already_imported": result.already_imported,
            },
        )
    web.uploads.done(token)
    return RedirectResponse(f"/lists/imports/{result.import_id}", status_code=303)


@router.get("/lists/imports/{import_id}", dependencies=[Depends(needs("records.read"))])
def import_result(request: Request, import_id: int) -> Response:
    web = state(request)
    with web.ws.engine.connect() as connection:
        row = connection.execute(select(Import.__table__).where(Import.id == import_id)).mappings().first()
    if row is None:
        raise HTTPException(404, "no such import")
    held = load_quarantine(web.ws)
    held = held[held["import_id"] == import_id].head(QUARANTINE_PAGE)
    return render(request, "import.html", {"imp": row, "quarantine": held.to_dict("records")})


@router.get("/lists/quarantine", dependencies=[Depends(needs("records.read"))])
def quarantine_view(request: Request) -> Response:
    held = load_quarantine(state(request).ws)
    return render(
        request,
        "quarantine.html",
        {"quarantine": held.head(QUARANTINE_PAGE).to_dict("records"), "total": len(held)},
    )
