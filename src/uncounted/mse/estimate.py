"""One entry point for every estimator: `estimate(table, method, **options)`.

The CLI, strata, sensitivity runs and the pipeline all go through here, so the checks that protect users
live in one place whatever each estimator does itself: the table is validated, options that do not belong to
the method are refused, LCMCR and dga get at least 3 lists, list names in a log-linear model are checked
against the table, and LCMCR always runs with a recorded seed. Estimators are imported lazily: each pulls in
heavy libraries (statsmodels, Numba) that a user of another method should not wait for.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from uncounted.errors import BadInput
from uncounted.mse.capture import CaptureTable
from uncounted.mse.graphs import generator_members
from uncounted.mse.result import Estimate

METHODS = ("loglinear", "dga", "lcmcr")

#: Options each method accepts (None values are dropped first, so a CLI can pass every flag it has).
OPTIONS: dict[str, frozenset[str]] = {
    "loglinear": frozenset({"model", "criterion", "search", "max_order", "heterogeneity", "interval"}),
    "dga": frozenset({"delta", "max_missing", "log_prior", "graphs"}),
    "lcmcr": frozenset({"K", "burnin", "samples", "thin", "seed", "chains", "a_alpha", "b_alpha"}),
}


def estimate(table: CaptureTable, method: str, **options: Any) -> Estimate:
    """Estimate the population size of `table` with `method` ("loglinear", "dga" or "lcmcr").

    loglinear: `model` (a generating class such as "[123][14][34]" or a closed-population model such as "Mt")
        fits that model; otherwise a search (`criterion` "aic" or "bic", default "bic"; `search`, `max_order`,
        `heterogeneity` passed on) picks one.
    dga: `delta`, `max_missing`, `log_prior`, `graphs` (see `uncounted.mse.dga.dga`).
    lcmcr: `K`, `burnin`, `samples`, `thin`, `seed`, `chains`, `a_alpha`, `b_alpha`; a seed is drawn and
        recorded when none is given, so every run can be repeated exactly.
    """
    method, options = prepare(table, method, options)
    if method == "dga":
        from uncounted.mse.dga import dga

        return dga(table, **options)
    if method == "lcmcr":
        from uncounted.mse.lcmcr import lcmcr

        return lcmcr(table, **options)
    if "model" in options:
        from uncounted.mse.loglinear import loglinear

        return loglinear(table, options["model"], **{k: v for k, v in options.items() if k == "interval"})
    from uncounted.mse.search import search_loglinear

    renamed = {("method" if k == "search" else k): v for k, v in options.items()}
    return search_loglinear(table, **renamed)


def prepare(table: CaptureTable, method: str, options: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Check the table and the options for `method`; return the method's name and the options to pass on."""
    method, options = check_options(method, options)
    if method == "lcmcr" and table.n_lists < 3:
        raise BadInput(f"LCMCR needs at least 3 lists; this table has {table.n_lists}")
    if method == "dga" and not 3 <= table.n_lists <= 5:
        raise BadInput(f"dga averages over graphs of 3 to 5 lists; this table has {table.n_lists}")
    table.validate()
    if method == "lcmcr" and "seed" not in options:
        options["seed"] = secrets.randbelow(2**31)
    if method == "loglinear":
        if "model" in options and "criterion" in options:
            raise BadInput("give a log-linear model or a search criterion, not both")
        if "model" in options:
            check_model_lists(str(options["model"]), table.lists)
        else:
            options.setdefault("criterion", "bic")
            if str(options["criterion"]).lower() not in ("aic", "bic"):
                raise BadInput(f"the search criterion must be aic or bic; got '{options['criterion']}'")
            options["criterion"] = str(options["criterion"]).lower()
    return method, options


def check_options(method: str, options: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The method's canonical name and its options without unset ones; refuse unknown methods and options."""
    method = str(method).strip().lower()
    if method not in METHODS:
        raise BadInput(f"unknown method '{method}'; choose one of {', '.join(METHODS)}")
    options = {k: v for k, v in options.items() if v is not None}
    if method != "lcmcr":
        options.pop("seed", None)  # deterministic methods: a seed changes nothing, so it is not an error
    unknown = sorted(set(options) - OPTIONS[method])
    if unknown:
        raise BadInput(f"option {', '.join(unknown)} does not apply to method {method}")
    return method, options


def check_model_lists(model: str, lists: tuple[str, ...]) -> None:
    """Refuse a generating class that names a list the table does not have (by name or by position)."""
    if "[" not in model:
        return  # a named model such as "Mt"; the log-linear module knows those
    for block in re.findall(r"\[([^\]]*)\]", model):
        generator_members(block, lists, model)
