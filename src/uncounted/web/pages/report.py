"""Download the self-contained HTML report written with the latest estimate."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, Response
from starlette.exceptions import HTTPException

from uncounted.pipeline import REPORT_FILE
from uncounted.web.context import needs, state

router = APIRouter()


@router.get("/report", dependencies=[Depends(needs("export.public"))])
def report(request: Request) -> Response:
    path = state(request).ws.path / REPORT_FILE
    if not path.is_file():
        raise HTTPException(404, "no report yet: run an estimate first")
    # An attachment, never shown inside the app: the report carries its own inline styles and figures.
    return FileResponse(
        path,
        media_type="text/html; charset=utf-8",
        filename="uncounted-report.html",
        content_disposition_type="attachment",
    )
