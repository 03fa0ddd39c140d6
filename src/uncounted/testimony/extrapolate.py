"""Extrapolated counts: a stated rule over parameters bound to corroborated claims, with bounds, a Monte Carlo
distribution and sensitivity.

Where no list exists, investigators reason "it happened about this often, to about this many, for this long".
A model file (TOML) makes that reasoning explicit: the rule (e.g. `weeks * hangings_per_week *
people_per_hanging`), and for each parameter either the fact or claims it rests on (its range comes from them)
or a hand-set range with a stated reason, plus a distribution for the Monte Carlo. The result says which
claims and how many independent sources stand behind each parameter, and which parameter makes the range wide.

Method: the bounds are the rule at every corner of the parameter box (exact for rules monotone in each
parameter, such as products and sums of non-negative parameters); the distribution is plain Monte Carlo over
independent parameters (Morgan & Henrion 1990, *Uncertainty*, ch. 8); sensitivity is a tornado table (the rule
at each parameter's low and high, others at their medians) and first-order variance shares S_i = V[E(Y|X_i)] /
V(Y) estimated by binning the draws on X_i (Saltelli et al. 2008, *Global Sensitivity Analysis: The Primer*,
§1.2).
"""

from __future__ import annotations

import ast
import hashlib
import itertools
import json
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

import uncounted
from uncounted.errors import BadInput
from uncounted.testimony.corroborate import Finding, corroborate
from uncounted.testimony.expression import evaluate, parse_rule, rule_names
from uncounted.testimony.model import NUMERIC_TYPES, Claim, Testimony
from uncounted.testimony.standards import DEFAULT_STANDARD, Standard, standard_from_dict
from uncounted.testimony.units import UNITS, convert, dimension

if TYPE_CHECKING:
    from uncounted.workspace import Workspace

DISTRIBUTIONS = ("uniform", "triangular", "lognormal", "discrete")
COMBINATIONS = ("envelope", "median_of_sources")
MODEL_KEYS = {"name", "description", "rule", "testimony", "seed", "draws", "require_standard", "standard",
              "parameters"}
PARAMETER_KEYS = {"fact", "claims", "range", "reason", "unit", "combine", "distribution", "mode", "values",
                  "weights", "description"}
Z_975 = 1.959963984540054  # standard normal 97.5% quantile: a log-normal's low–high is its central 95%
VARIANCE_BINS = 100


@dataclass
class Model:
    """A parsed, checked model file. `testimony` are the claim files it names, resolved against its folder."""

    name: str
    rule: str
    tree: ast.Expression
    parameters: dict[str, dict[str, Any]]
    seed: int = 1
    draws: int = 100_000
    standard: Standard = DEFAULT_STANDARD
    require_standard: bool = True
    testimony: list[Path] = field(default_factory=list)
    file: str = ""


@dataclass
class Parameter:
    """One bound parameter: its range, distribution, and what stands behind it."""

    name: str
    low: float
    high: float
    unit: str
    distribution: dict[str, Any]
    claims: list[str] = field(default_factory=list)
    independent_sources: int = 0
    direct_sources: int = 0
    sources: list[dict[str, Any]] = field(default_factory=list)  # one per line: origin, kind, claims, range
    fact: str = ""
    finding_status: str = ""
    combine: str = ""
    reason: str = ""

    def to_json(self) -> dict[str, Any]:
        out = {"range": [self.low, self.high], "unit": self.unit, "distribution": self.distribution,
               "claims": self.claims, "independent_sources": self.independent_sources,
               "direct_sources": self.direct_sources}
        if self.fact or self.claims:
            out.update({"fact": self.fact, "finding_status": self.finding_status, "combine": self.combine,
                        "sources": self.sources})
        if self.reason:
            out["reason"] = self.reason
        return out


@dataclass
class Extrapolation:
    """The result: median and 95% range of the Monte Carlo, min–max bounds, parameters and sensitivity."""

    model: str
    rule: str
    estimate: float
    lower: float
    upper: float
    bounds: tuple[float, float]
    seed: int
    draws: int
    parameters: list[Parameter]
    sensitivity: list[dict[str, Any]]
    standard: Standard
    input_hash: str
    samples: np.ndarray = field(repr=False, default_factory=lambda: np.empty(0))
    version: str = uncounted.__version__

    def to_json(self) -> dict[str, Any]:
        """The `--json` object: estimate, lower, upper, bounds, rule, seed and one entry per parameter."""
        return {"model": self.model, "rule": self.rule, "estimate": self.estimate, "lower": self.lower,
                "upper": self.upper, "bounds": list(self.bounds), "seed": self.seed, "draws": self.draws,
                "parameters": {p.name: p.to_json() for p in self.parameters}, "sensitivity": self.sensitivity,
                "standard": self.standard.to_json(), "input_hash": self.input_hash, "version": self.version}


# --- the model file -----------------------------------------------------------------------------------------


def load_model(path: str | Path) -> Model:
    """Read and check a model file; every problem is bad input naming the file (and the parameter)."""
    path = Path(path)
    file = str(path)
    if not path.is_file():
        raise BadInput("no such model file", file=file)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BadInput(f"the model file is not valid TOML ({exc})", file=file) from None
    unknown = sorted(set(data) - MODEL_KEYS)
    if unknown:
        raise BadInput(f"unknown setting '{unknown[0]}' (known: {', '.join(sorted(MODEL_KEYS))})", file=file)
    parameters = data.get("parameters")
    if not isinstance(parameters, dict) or not parameters:
        raise BadInput("the model declares no [parameters.NAME] tables", file=file)
    tree = parse_rule(data.get("rule", ""), set(parameters), file)
    unused = sorted(set(parameters) - rule_names(tree))
    if unused:
        raise BadInput(f"parameter '{unused[0]}' is declared but the rule does not use it", file=file)
    for name, spec in parameters.items():
        _check_parameter(name, spec, file)
    testimony = data.get("testimony", [])
    if isinstance(testimony, str):
        testimony = [testimony]
    if not isinstance(testimony, list) or not all(isinstance(t, str) for t in testimony):
        raise BadInput("testimony must name a file or a list of files", file=file)
    seed, draws = data.get("seed", 1), data.get("draws", 100_000)
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise BadInput("seed must be a whole number, 0 or more", file=file)
    if not isinstance(draws, int) or isinstance(draws, bool) or not 100 <= draws <= 10_000_000:
        raise BadInput("draws must be a whole number from 100 to 10,000,000", file=file)
    if not isinstance(data.get("require_standard", True), bool):
        raise BadInput("require_standard must be true or false", file=file)
    if not isinstance(data.get("standard", {}), dict):
        raise BadInput("standard must be a table [standard]", file=file)
    standard = standard_from_dict(data["standard"], file) if "standard" in data else DEFAULT_STANDARD
    return Model(str(data.get("name", path.stem)), data["rule"].strip(), tree, parameters, seed, draws,
                 standard, data.get("require_standard", True), [path.parent / t for t in testimony],
                 file)


def _check_parameter(name: str, spec: Any, file: str) -> None:
    def bad(message: str) -> BadInput:
        return BadInput(f"parameter '{name}': {message}", file=file)

    if not isinstance(spec, dict):
        raise bad("must be a table [parameters.NAME]")
    unknown = sorted(set(spec) - PARAMETER_KEYS)
    if unknown:
        raise bad(f"unknown setting '{unknown[0]}' (known: {', '.join(sorted(PARAMETER_KEYS))})")
    bound = "fact" in spec or "claims" in spec
    if not bound and "range" not in spec:
        raise bad("is bound to no claims and has no range; give fact = \"...\", claims = [...] or range = "
                  "[low, high] with a reason")
    if bound and "range" in spec:
        raise bad("has both claims and a hand-set range; give one")
    if "fact" in spec and "claims" in spec:
        raise bad("give fact or claims, not both")
    if "claims" in spec and (not isinstance(spec["claims"], list) or not spec["claims"]):
        raise bad("claims must be a non-empty list of claim ids")
    if "range" in spec:
        values = spec["range"]
        if not isinstance(values, list) or len(values) != 2 or not all(map(_is_number, values)):
            raise bad("range must be two numbers, [low, high]")
        if min(values) < 0:
            raise bad("range is negative")
        if values[0] > values[1]:
            raise bad(f"range is inverted ({values[0]} is above {values[1]})")
        if not str(spec.get("reason", "")).strip():
            raise bad("a hand-set range needs a stated reason")
    if "unit" in spec and (not isinstance(spec["unit"], str) or spec["unit"] not in UNITS):
        raise bad(f"unknown unit '{spec['unit']}'")
    if spec.get("combine", "envelope") not in COMBINATIONS:
        raise bad(f"combine must be one of {', '.join(COMBINATIONS)}")
    distribution = spec.get("distribution", "uniform")
    if distribution not in DISTRIBUTIONS:
        raise bad(f"distribution must be one of {', '.join(DISTRIBUTIONS)}")
    if "fact" in spec and not isinstance(spec["fact"], str):
        raise bad("fact must be a fact key in quotes")
    if "mode" in spec and not _is_number(spec["mode"]):
        raise bad("mode must be a number")
    if distribution == "discrete":
        values, weights = spec.get("values"), spec.get("weights", [1] * len(spec.get("values") or []))
        if not isinstance(values, list) or not values or not isinstance(weights, list) \
                or len(weights) != len(values) or not all(map(_is_number, [*values, *weights])) \
                or min(weights) < 0 or sum(weights) <= 0:
            raise bad("a discrete distribution needs values = [...] and as many non-negative weights")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# --- binding parameters to claims ---------------------------------------------------------------------------


def bind(model: Model, testimony: Testimony) -> list[Parameter]:
    """Each parameter's range and distribution, from its claims (via their finding) or its hand-set range."""
    return [_bind_one(model, testimony, name, spec) for name, spec in model.parameters.items()]


def _bind_one(model: Model, testimony: Testimony, name: str, spec: dict[str, Any]) -> Parameter:
    def bad(message: str) -> BadInput:
        return BadInput(f"parameter '{name}': {message}", file=model.file)

    if "range" in spec:
        low, high = (float(v) for v in spec["range"])
        parameter = Parameter(name, low, high, spec.get("unit", ""), {}, reason=str(spec["reason"]).strip())
    else:
        finding, claims = _finding_for(model, testimony, spec, bad)
        if finding.claim_type not in NUMERIC_TYPES:
            raise bad(f"fact '{finding.fact_key}' is a {finding.claim_type} claim and carries no numbers")
        unit = spec.get("unit", finding.unit)
        if dimension(unit) != dimension(finding.unit):
            raise bad(f"unit {unit} does not measure what the claims give ({finding.unit})")
        by_id = {c.claim_id: c for c in claims}
        sources = []
        for line in finding.lines:
            ranges = [by_id[c].base_range() for c in line.claims]
            sources.append({"origin": line.root.split(":", 1)[1], "kind": line.kind, "claims": line.claims,
                            "range": [convert(min(r[0] for r in ranges), finding.unit, unit),
                                      convert(max(r[1] for r in ranges), finding.unit, unit)]})
        combine = spec.get("combine", "envelope")
        if combine == "envelope":
            low, high = min(s["range"][0] for s in sources), max(s["range"][1] for s in sources)
        else:  # the range the middle source gives: one outlying source cannot stretch it
            low = float(np.median([s["range"][0] for s in sources]))
            high = float(np.median([s["range"][1] for s in sources]))
        parameter = Parameter(name, low, high, unit, {}, claims=finding.counted,
                              independent_sources=finding.independent_sources,
                              direct_sources=finding.count("direct"), sources=sources, fact=finding.fact_key,
                              finding_status=finding.status, combine=combine,
                              reason=str(spec.get("reason", "")))
    parameter.distribution = _distribution(spec, parameter, bad)
    return parameter


def _finding_for(model: Model, testimony: Testimony, spec: dict[str, Any],
                 bad: Callable[[str], BadInput]) -> tuple[Finding, list[Claim]]:
    if "fact" in spec:
        claims = [c for c in testimony.claims if c.fact_key == spec["fact"]]
        if not claims:
            raise bad(f"no claim is about fact '{spec['fact']}'")
    else:
        wanted = [str(c) for c in spec["claims"]]
        by_id = {c.claim_id: c for c in testimony.claims}
        missing = [c for c in wanted if c not in by_id]
        if missing:
            raise bad(f"claim '{missing[0]}' is not among the claims")
        claims = [by_id[c] for c in wanted]
    findings = corroborate(testimony, model.standard, {c.claim_id for c in claims})
    if len(findings) != 1:
        names = ", ".join(f.finding_id for f in findings)
        raise bad(f"its claims make {len(findings)} separate findings ({names}); bind it to the claims of "
                  "one")
    finding = findings[0]
    if not finding.counted:
        raise bad(f"every claim of finding '{finding.finding_id}' is set aside")
    if model.require_standard and finding.status != "corroborated":
        raise bad(f"finding '{finding.finding_id}' is {finding.status} under standard "
                  f"'{model.standard.name}' "
                  f"({'; '.join(finding.reasons)})")
    return finding, claims


def _distribution(spec: dict[str, Any], parameter: Parameter,
                  bad: Callable[[str], BadInput]) -> dict[str, Any]:
    kind = spec.get("distribution", "uniform")
    low, high = parameter.low, parameter.high
    out: dict[str, Any] = {"kind": kind}
    if kind == "triangular":
        mode = float(spec.get("mode", (low + high) / 2))
        if not low <= mode <= high:
            raise bad(f"mode {mode:g} lies outside the range {low:g}–{high:g}")
        out["mode"] = mode
    elif kind == "lognormal":
        if low <= 0:
            raise bad("a log-normal range must start above 0")
        out["meaning"] = "low and high are the 2.5% and 97.5% quantiles"
    elif kind == "discrete":
        values = [float(v) for v in spec["values"]]
        if not all(low <= v <= high for v in values):
            raise bad(f"discrete values must lie within the range {low:g}–{high:g}")
        weights = [float(w) for w in spec.get("weights", [1] * len(values))]
        out.update(values=values, weights=[w / sum(weights) for w in weights])
    return out


# --- the run ------------------------------------------------------------------------------------------------


def extrapolate(model: Model, testimony: Testimony, seed: int | None = None,
                draws: int | None = None) -> Extrapolation:
    """Bind, bound, simulate and explain. Same model, claims and seed → the same figures."""
    parameters = bind(model, testimony)
    seed = model.seed if seed is None else seed
    draws = model.draws if draws is None else draws
    rng = np.random.default_rng(seed)
    samples = {p.name: _draw(p, rng, draws) for p in parameters}
    outcome = _checked(np.broadcast_to(evaluate(model.tree, samples), (draws,)), model)
    names = [p.name for p in parameters]
    corners = [_checked(evaluate(model.tree, dict(zip(names, corner, strict=True))), model)
               for corner in itertools.product(*[(p.low, p.high) for p in parameters])]
    return Extrapolation(
        model=model.name, rule=model.rule, estimate=float(np.median(outcome)),
        lower=float(np.percentile(outcome, 2.5)), upper=float(np.percentile(outcome, 97.5)),
        bounds=(float(np.min(corners)), float(np.max(corners))), seed=seed, draws=draws,
        parameters=parameters,
        sensitivity=sensitivity(model, parameters, samples, outcome), standard=model.standard,
        input_hash=_input_hash(model, testimony, parameters), samples=outcome)


def extrapolate_file(path: str | Path, workspace: Workspace | None = None, seed: int | None = None,
                     draws: int | None = None) -> Extrapolation:
    """Run a model file on the claims of `workspace`, or else on the testimony files the model names.

    The one entry point the CLI, the demo and the web app share.
    """
    from uncounted.testimony.io import read_testimony

    model = load_model(path)
    if workspace is not None:
        from uncounted.testimony.persist import load_testimony

        testimony = load_testimony(workspace)
        if not testimony.claims:
            raise BadInput("the workspace holds no claims yet; import some with 'uncounted testimony import'",
                           file=str(workspace.path))
    elif model.testimony:
        testimony = read_testimony(model.testimony)
    else:
        raise BadInput("the model names no testimony files; add testimony = [...] or give a workspace",
                       file=model.file)
    return extrapolate(model, testimony, seed=seed, draws=draws)


def _draw(parameter: Parameter, rng: np.random.Generator, n: int) -> np.ndarray:
    low, high, spec = parameter.low, parameter.high, parameter.distribution
    kind = spec["kind"]
    if kind == "discrete":
        return rng.choice(np.asarray(spec["values"]), size=n, p=np.asarray(spec["weights"]))
    if low == high:
        return np.full(n, low)
    if kind == "triangular":
        return rng.triangular(low, spec["mode"], high, size=n)
    if kind == "lognormal":
        mu, sigma = (np.log(low) + np.log(high)) / 2, (np.log(high) - np.log(low)) / (2 * Z_975)
        return rng.lognormal(mu, sigma, size=n)
    return rng.uniform(low, high, size=n)


def _checked(values: Any, model: Model) -> Any:
    if not np.all(np.isfinite(values)):
        raise BadInput("the rule gives no finite number for some parameter values (a division by zero?)",
                       file=model.file)
    return values


def sensitivity(model: Model, parameters: list[Parameter], samples: dict[str, np.ndarray],
                outcome: np.ndarray) -> list[dict[str, Any]]:
    """Per parameter: the rule at its low and high (others at their medians), the swing, and its share of the
    variance of the outcome; widest swing first."""
    medians = {name: float(np.median(values)) for name, values in samples.items()}
    total = float(np.var(outcome))
    rows = []
    for parameter in parameters:
        at = {}
        for end, value in (("low", parameter.low), ("high", parameter.high)):
            at[end] = float(evaluate(model.tree, {**medians, parameter.name: value}))
        rows.append({"parameter": parameter.name, "output_at_low": at["low"], "output_at_high": at["high"],
                     "swing": abs(at["high"] - at["low"]),
                     "variance_share": _first_order_share(samples[parameter.name], outcome, total)})
    return sorted(rows, key=lambda row: -row["swing"])


def _first_order_share(x: np.ndarray, y: np.ndarray, total: float) -> float:
    """V[E(Y|X)] / V(Y): variance of the outcome's mean within bins of X (a discrete X: one bin a value)."""
    if total == 0 or np.ptp(x) == 0:
        return 0.0
    values, labels = np.unique(x, return_inverse=True)
    if len(values) > VARIANCE_BINS:
        labels = (np.argsort(np.argsort(x, kind="stable"), kind="stable") * VARIANCE_BINS) // len(x)
    counts = np.bincount(labels)
    means = np.bincount(labels, weights=y) / counts
    return float(np.sum(counts * (means - y.mean()) ** 2) / len(y) / total)


def _input_hash(model: Model, testimony: Testimony, parameters: list[Parameter]) -> str:
    """SHA-256 of the settings and every claim the parameters rest on: a run can be matched to its input."""
    used = {c for p in parameters for c in p.claims}
    claims = [{k: v for k, v in vars(c).items() if k not in ("file", "row")}
              for c in testimony.claims if c.claim_id in used]
    payload = {"rule": model.rule, "parameters": model.parameters, "standard": model.standard.to_json(),
               "claims": claims}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()

