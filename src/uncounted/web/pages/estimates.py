"""Estimates: run one with a method, a stratification and a seed; read its result, interval and strata.

The run reads the capture histories of the latest linkage and calls `uncounted.mse.estimate.estimate` (or
`estimate_strata`), the same functions as the CLI; the result is saved as the workspace's estimate.json (the
`--json` contract) and the HTML report is rewritten from it.
"""

from __future__ import annotations

import json
import logging

import numpy as np
import pandas as pd
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from uncounted.errors import BadInput
from uncounted.link.captures import DEFAULT_STRATA, list_columns
from uncounted.mse import CaptureTable, Estimate
from uncounted.mse.estimate import METHODS
from uncounted.pipeline import CAPTURES_FILE, ESTIMATE_FILE, REPORT_FILE, captures_workspace
from uncounted.store import audit
from uncounted.store.access import Actor
from uncounted.web import data, plots
from uncounted.web.context import ACTOR, WebState, needs, render, state
from uncounted.web.csrf import check_csrf

router = APIRouter()
log = logging.getLogger(__name__)


@router.get("/estimates", dependencies=[Depends(needs("records.read"))])
def estimates(request: Request) -> Response:
    web = state(request)
    return render(
        request,
        "estimates.html",
        {
            "result": data.latest_estimate(web),
            "figures": plots.for_language(tuple(data.estimate_figures(web)), request.state.lang),
            "methods": METHODS,
            "strata": DEFAULT_STRATA,
            "linked": data.people(web) is not None,
            "defaults": web.ws.section("estimate"),
        },
    )


def _histories(web: WebState) -> pd.DataFrame:
    path = web.ws.path / CAPTURES_FILE
    if path.is_file():
        return pd.read_csv(path, dtype={"entity_id": str}, keep_default_na=False)
    return captures_workspace(web.ws)  # BadInput when there is no linkage yet


@router.post("/estimates/run", dependencies=[Depends(check_csrf)])
def estimate_run(
    request: Request,
    method: str = Form(...),
    stratum: str = Form(""),
    seed: int = Form(1, ge=0, le=2**31 - 1),
    who: Actor = ACTOR["records.write"],
) -> Response:
    from uncounted.mse.estimate import estimate
    from uncounted.mse.strata import estimate_strata

    web = state(request)
    if method not in METHODS:
        raise BadInput(f"unknown method '{method}'; choose one of {', '.join(METHODS)}")
    if stratum and stratum not in DEFAULT_STRATA:
        raise BadInput(f"unknown stratum '{stratum}'; choose one of {', '.join(DEFAULT_STRATA)}")
    histories = _histories(web)
    lists = list_columns(histories)
    if stratum:
        tables = {
            str(key): CaptureTable.build(
                lists, group[lists].to_numpy(), np.ones(len(group)), name=str(key), check=False
            )
            for key, group in histories.groupby(stratum)
            if str(key) != ""
        }
        result = estimate_strata(tables, method, seed=seed)
    else:
        result = estimate(CaptureTable.from_frame(histories[lists]), method, seed=seed)
    plots.save_draws(web.ws.path, result)
    target = web.ws.path / ESTIMATE_FILE
    target.write_text(json.dumps(result.to_json(), indent=1, ensure_ascii=False), encoding="utf-8")
    with web.ws.session() as session:
        audit.record(
            session,
            who,
            "web.estimate.run",
            "estimate",
            {"method": method, "stratum": stratum, "seed": seed, "input_hash": result.input_hash},
        )
    _write_report(web, histories, lists, result)
    data.estimate_figures(web)  # drawn now, so the page that follows is quick
    return RedirectResponse("/estimates", status_code=303)


def _write_report(web: WebState, histories: pd.DataFrame, lists: list[str], result: Estimate) -> None:
    """Rewrite report.html for the new estimate. The estimate is already saved, so a report that cannot be
    drawn is logged and left out rather than turning a finished estimate into an error page."""
    from uncounted.link.io import load_linkage
    from uncounted.report import ReportInput, write_report
    from uncounted.store.records import list_sources, load_records

    try:
        write_report(
            ReportInput(
                sources=list_sources(web.ws),
                linkage=load_linkage(web.ws.path),
                histories=histories,
                lists=lists,
                estimate=result,
                records=load_records(web.ws),
                workspace=web.ws,
            ),
            web.ws.path / REPORT_FILE,
        )
    except Exception:  # noqa: BLE001 - see the docstring: the saved estimate must stand
        log.exception("the report could not be written")
        (web.ws.path / REPORT_FILE).unlink(missing_ok=True)
