"""Log-linear models of a capture table, with the figures Rcapture's closedp.t and closedpCI.t report.

The 2^k - 1 observable capture patterns are Poisson counts whose logarithm is linear in the model's terms
(Fienberg 1972; Cormack 1989). The unobserved pattern has every covariate 0, so its expected count is
exp(intercept) and N-hat = n + exp(intercept); its asymptotic standard error is
sqrt(exp(b0) + exp(2 b0) var(b0)) (Rivest & Baillargeon 2007; Rcapture's getN). AIC is -2 log L + 2p with the
Poisson log-likelihood of the observed cells, and BIC replaces 2 by log(n), n the number of people observed
(Rcapture's closedp.fitone), so both are on Rcapture's scale.

The 95% interval is the multinomial profile-likelihood interval of closedpCI.t (Cormack 1992; Baillargeon &
Rivest 2007, section 2.2): for a candidate N, the unobserved cell gets N - n, the model is refitted as a
Poisson log-linear model on all 2^k cells, and the multinomial profile log-likelihood is
-D(N)/2 + log(N! (N-n)^(N-n) / (N^N (N-n)!)), D the Poisson deviance. The interval is the set of N within
chi2_1(0.95)/2 of its maximum; the upper limit is sought up to three times N-hat, as closedpCI.t does.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from scipy.linalg.lapack import dposv
from scipy.optimize import brentq, minimize_scalar
from scipy.special import gammaln, xlogy
from scipy.stats import chi2

from uncounted.errors import BadInput
from uncounted.mse.capture import CaptureTable
from uncounted.mse.heterogeneity import drop_negative_eta
from uncounted.mse.identifiability import check_design, structural_zero_note
from uncounted.mse.models import Design, Model, design_matrix, parse_model
from uncounted.mse.result import Estimate

#: closedpCI.t's fmaxSupCL: the upper limit is sought up to this multiple of N-hat.
_MAX_UPPER_FACTOR = 3.0
_LEVEL = 0.95
#: Log expected counts are capped here so a wild Newton step cannot overflow (it is halved instead).
_MAX_LOG_MEAN = 700.0


@dataclass
class PoissonFit:
    """One Poisson log-linear fit."""

    coef: np.ndarray
    mu: np.ndarray
    deviance: float
    converged: bool
    iterations: int


def poisson_deviance(y: np.ndarray, mu: np.ndarray) -> float:
    return float(2.0 * np.sum(xlogy(y, y) - xlogy(y, mu) - y + mu))


def poisson_loglik(y: np.ndarray, mu: np.ndarray) -> float:
    return float(np.sum(xlogy(y, mu) - mu - gammaln(y + 1.0)))


def fit_poisson(X: np.ndarray, y: np.ndarray, start: np.ndarray | None = None, max_iter: int = 200,
                tol: float = 1e-11) -> PoissonFit:
    """Newton-Raphson (iteratively reweighted least squares) for a Poisson model with log link.

    Written by hand because the profile likelihood and the model search fit thousands of tiny models (at
    most 2^k cells); statsmodels' per-fit overhead would dominate them, so statsmodels fits only the reported
    model. Starts like R's glm (mu = y + 0.1) unless given coefficients; halves a step that raises the
    deviance.
    """
    if start is None:
        eta = np.log(y + 0.1)
        mu = np.exp(eta)
        coef = np.zeros(X.shape[1])
        deviance = math.inf
    else:
        coef = start
        eta = X @ coef
        mu = np.exp(eta)
        deviance = poisson_deviance(y, mu)
    for iteration in range(1, max_iter + 1):
        z = eta + (y - mu) / mu
        weighted = X.T * mu
        # Cholesky through LAPACK directly: X'WX is symmetric positive definite for a full-rank design, and
        # numpy's solve costs more in call overhead than in arithmetic on matrices this small.
        _, new, info = dposv(weighted @ X, weighted @ z)
        if info != 0:
            new = np.linalg.lstsq(weighted @ X, weighted @ z, rcond=None)[0]
        for _ in range(30):
            new_mu = np.exp(np.minimum(X @ new, _MAX_LOG_MEAN))
            new_deviance = poisson_deviance(y, new_mu)
            if new_deviance <= deviance * (1 + 1e-12) + 1e-12 or not math.isfinite(deviance):
                break
            new = (new + coef) / 2
        change = abs(new_deviance - deviance) / (abs(new_deviance) + 0.1)
        coef, mu, eta, deviance = new, new_mu, X @ new, new_deviance
        if change < tol:
            return PoissonFit(coef, mu, deviance, True, iteration)
    return PoissonFit(coef, mu, deviance, False, max_iter)


def fit_constrained(X: np.ndarray, y: np.ndarray, eta: np.ndarray, *, start: np.ndarray | None = None,
                    tol: float = 1e-11,
                    fitter: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, object]] | None = None,
                    ) -> tuple[np.ndarray, list[int], object]:
    """Fit on all columns, refitting without negative Chao etas (see `drop_negative_eta`) when there are any.

    Returns the kept columns, the dropped ones, and the fit: a `PoissonFit` from `fit_poisson` (from `start`
    if given, else from scratch) unless `fitter` is given.
    """

    def newton(columns: np.ndarray) -> tuple[np.ndarray, object]:
        result = fit_poisson(X[:, columns], y, start=None if start is None else start[columns], tol=tol)
        if not result.converged and start is not None:
            result = fit_poisson(X[:, columns], y, tol=tol)
        return result.coef, result

    if fitter is None:
        return drop_negative_eta(newton, eta)
    return drop_negative_eta(lambda columns: fitter(X[:, columns], y), eta)


@dataclass
class ProfileInterval:
    """The multinomial profile-likelihood interval of closedpCI.t, and where the profile peaks."""

    lower: float
    upper: float
    maximum: float
    warnings: list[str] = field(default_factory=list)


def profile_interval(design: Design, y: np.ndarray, n_observed: int, n_hat: float,
                     level: float = _LEVEL) -> ProfileInterval:
    """Profile the multinomial likelihood in N (closedpCI.t; Cormack 1992), as the module docstring says.

    closedpCI.t approximates the constant log(N!/(N-n)!) by Stirling's formula when N > 100; the exact value
    (through log-gamma) is used here. The two differ by less than 1/(12 (N - n)) in log-likelihood. Chao's
    constraint (no negative eta) is applied at every N, as closedpCI.t does for m = "Mth", h = "Chao" (it
    skips it when interactions are given through mX, which looks unintended; here it always applies).
    """
    X = np.vstack([design.matrix, np.zeros(design.matrix.shape[1])])
    X[-1, 0] = 1.0
    starts: dict[tuple[int, ...], np.ndarray] = {}

    def fitter(Xs: np.ndarray, ys: np.ndarray, key: tuple[int, ...]) -> tuple[np.ndarray, PoissonFit]:
        result = fit_poisson(Xs, ys, start=starts.get(key))
        if not result.converged:
            result = fit_poisson(Xs, ys)
        starts[key] = result.coef
        return result.coef, result

    def loglik(total: float) -> float:
        missing = max(total - n_observed, 0.0)
        cells = np.append(y, missing)
        _, _, fit = drop_negative_eta(lambda cols: fitter(X[:, cols], cells, tuple(cols)), design.eta)
        constant = (gammaln(total + 1) - gammaln(missing + 1) + xlogy(missing, missing)
                    - total * math.log(total))
        return -fit.deviance / 2 + constant

    ceiling = _MAX_UPPER_FACTOR * n_hat
    peak = minimize_scalar(lambda total: -loglik(total), bounds=(n_observed, ceiling), method="bounded",
                           options={"xatol": 1e-4})
    maximum, top = float(peak.x), -float(peak.fun)
    cutoff = top - chi2.ppf(level, 1) / 2
    notes: list[str] = []

    def excess(total: float) -> float:
        return loglik(total) - cutoff

    if excess(n_observed) > 0:
        lower = float(n_observed)
        notes.append(f"the profile-likelihood interval reaches down to the {n_observed:,} people observed: "
                     "the data cannot rule out that no one was missed")
    else:
        lower = brentq(excess, n_observed, maximum, xtol=1e-4)
    if excess(ceiling) > 0:
        upper = math.nan
        notes.append(f"the upper limit of the profile-likelihood interval could not be found below "
                     f"{ceiling:,.0f} (three times the estimate): the data do not bound N from above under "
                     "this model")
    else:
        upper = brentq(excess, maximum, ceiling, xtol=1e-4)
    return ProfileInterval(lower=lower, upper=upper, maximum=maximum, warnings=notes)


def loglinear(table: CaptureTable, model: str | Model = "Mt", *, interval: bool = True) -> Estimate:
    """Fit one log-linear model (Poisson GLM, statsmodels) and estimate N with its profile interval.

    Refuses (BadInput, with the reason) a model that is not identifiable or whose MLE does not exist.
    """
    table.validate()
    parsed = parse_model(model, table.lists)
    label = parsed.label(table.lists)
    full = table.full_counts()
    design = design_matrix(parsed, table.lists, full)
    check = check_design(design, full, table.lists)
    if not check.identifiable:
        raise BadInput(f"the log-linear model {label} cannot be estimated from this table: {check.reason}")
    y = full[design.cells].astype(np.float64)
    n = table.n_observed
    kept, dropped, result = fit_constrained(design.matrix, y, design.eta, fitter=_statsmodels_fit)
    coef = np.asarray(result.params)
    rank = len(kept)
    intercept = float(coef[0])
    var_intercept = float(np.asarray(result.cov_params())[0, 0])
    missing = math.exp(intercept)
    estimate = n + missing
    aic = -2.0 * float(result.llf) + 2.0 * rank
    notes: list[str] = []
    if design.impossible:
        notes.append(structural_zero_note(design, table.lists))
    if dropped:
        names = ", ".join(design.names[i] for i in dropped)
        notes.append(f"Chao's model: {names} would be negative and was set to 0, as Rcapture does")
    if not result.converged:
        notes.append("the Poisson fit did not converge; treat the estimate with suspicion")
    lower = upper = multinomial = math.nan
    if interval:
        profile = profile_interval(design, y, n, estimate)
        lower, upper, multinomial = profile.lower, profile.upper, profile.maximum
        notes.extend(profile.warnings)
    return Estimate(
        method="loglinear",
        n_observed=n,
        estimate=estimate,
        lower=lower,
        upper=upper,
        settings={"model": label, "model_by_name": parsed.label(table.lists, by_name=True),
                  "interval": "multinomial profile likelihood, 95%" if interval else None},
        input_hash=table.digest(),
        diagnostics={"converged": bool(result.converged), "iterations": int(result.fit_history["iteration"])},
        extras={
            "model": label,
            "aic": aic,
            "bic": aic + (math.log(n) - 2.0) * rank,
            "deviance": float(result.deviance),
            "df": int(len(y) - rank),
            "se": math.sqrt(missing + missing**2 * var_intercept),
            "multinomial_mle": multinomial,
            "coefficients": {design.names[i]: float(c) for i, c in zip(kept, coef, strict=True)},
            "structural_zeros": [[table.lists[i] for i in term] for term in design.impossible],
        },
        warnings=notes,
    )


def _statsmodels_fit(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, object]:
    import statsmodels.api as sm
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", (ConvergenceWarning, PerfectSeparationWarning, RuntimeWarning))
        result = sm.GLM(y, X, family=sm.families.Poisson()).fit(tol=1e-11, maxiter=200)
    return np.asarray(result.params), result
