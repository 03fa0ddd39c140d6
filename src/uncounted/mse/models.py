"""Log-linear models for capture tables, written as generating classes in Rcapture's notation.

A hierarchical log-linear model is named by its generating class: the highest-order interaction terms, each of
which implies all the terms below it (Fienberg 1972; Cormack 1989). `[123][14][34]` on four lists is the
model with every term of the 3-way interaction of lists 1, 2 and 3, plus the 1:4 and 3:4 interactions; the
main effect of every list is always in the model. Lists are named by 1-based position (only for up to nine
lists, one digit each) or by name, `[EXH,ABA,OSCE][EXH,HRW][OSCE,HRW]`. Rcapture's closedpMS.t writes the
terms of one class inside one bracket, `[123,14,34]`; that is read too.

The closed-population models of Rcapture's closedp.t have names: `M0` (one capture probability for all
lists), `Mt` (main effects only), `Mth-Chao`, `Mth-Poisson2`, `Mth-Darroch`, `Mth-Gamma3.5` (main effects
plus a heterogeneity term, Rivest & Baillargeon 2007), the same without list effects as `Mh-...`, and a
heterogeneity model plus interactions, `Mth-Darroch+[12][13][14]` (closedpMS.t with `h`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from uncounted.errors import BadInput
from uncounted.mse.heterogeneity import heterogeneity_columns

#: Heterogeneity models of Rcapture (Rivest & Baillargeon 2007) and the default theta of those that take one.
HETEROGENEITY_DEFAULT_THETA: dict[str, float | None] = {"Chao": None, "Poisson": 2.0, "Darroch": None,
                                                         "Gamma": 3.5}

_NAMED = re.compile(
    r"^(?P<base>M0|Mt|Mh|Mth)(?:-(?P<kind>Chao|LB|Poisson|Darroch|Gamma)(?P<theta>\d+(?:\.\d+)?)?)?$",
    re.IGNORECASE)
_BRACKETS = re.compile(r"^(\[[^\[\]]*\])+$")


@dataclass(frozen=True)
class Model:
    """A hierarchical log-linear model: its generating class, and optionally a heterogeneity term.

    `terms` holds the generating class's interaction terms (two or more lists each) as sorted tuples of
    0-based list indices; terms implied by a larger one are dropped and the rest sorted, so two spellings of
    the same model compare equal. `heterogeneity` is None or one of Chao, Poisson, Darroch, Gamma (with
    `theta` for the last two). `time_effects` is False for M0 and Mh, where all lists share one capture
    probability.
    """

    terms: tuple[tuple[int, ...], ...] = ()
    heterogeneity: str | None = None
    theta: float | None = None
    time_effects: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "terms", _generating_class(self.terms))
        if self.heterogeneity is not None:
            if self.heterogeneity not in HETEROGENEITY_DEFAULT_THETA:
                raise ValueError(f"unknown heterogeneity model {self.heterogeneity!r}")
            default = HETEROGENEITY_DEFAULT_THETA[self.heterogeneity]
            theta = default if self.theta is None and default is not None else self.theta
            if (default is None) != (theta is None) or (theta is not None and theta <= 0):
                raise ValueError(f"heterogeneity model {self.heterogeneity} does not take theta={self.theta}")
            object.__setattr__(self, "theta", None if theta is None else float(theta))
        elif self.theta is not None:
            raise ValueError("theta is only for the Poisson and Gamma heterogeneity models")
        if not self.time_effects and self.terms:
            raise ValueError("a model without list effects (M0, Mh) cannot have interactions")

    def interaction_terms(self) -> list[tuple[int, ...]]:
        """Every interaction term in the model (the generating class and what it implies), lowest first."""
        implied = {sub for term in self.terms for size in range(2, len(term) + 1)
                   for sub in combinations(term, size)}
        return sorted(implied, key=lambda term: (len(term), term))

    def label(self, lists: Sequence[str], by_name: bool = False) -> str:
        """Canonical notation: list positions (up to nine lists) or, with `by_name` or more lists, names."""
        names = by_name or len(lists) > 9
        classes = "".join(
            "[" + (",".join(lists[i] for i in term) if names else "".join(str(i + 1) for i in term)) + "]"
            for term in self.terms
        )
        if self.heterogeneity is None:
            if not self.time_effects:
                return "M0"
            return classes or "Mt"
        kind = self.heterogeneity + (f"{self.theta:g}" if self.theta is not None else "")
        base = f"{'Mth' if self.time_effects else 'Mh'}-{kind}"
        return f"{base}+{classes}" if classes else base


def parse_model(spec: str | Model, lists: Sequence[str]) -> Model:
    """Read a model written in Rcapture's notation against the table's lists; `BadInput` names a bad spec."""
    if isinstance(spec, Model):
        _check_indices(spec, lists)
        return spec
    text = str(spec).strip()
    if not text:
        raise BadInput("the log-linear model is empty; give a generating class such as '[12][13]' or a name "
                       "such as 'Mt'")
    head, _, rest = text.partition("+")
    named = _NAMED.match(head.strip()) if not head.strip().startswith("[") else None
    if named is None:
        if "+" in text:
            raise BadInput(f"cannot read the model '{text}': only a named model such as 'Mth-Darroch' can "
                           "come before '+'")
        return Model(terms=_parse_classes(text, lists, text))
    base = {"m0": "M0", "mt": "Mt", "mh": "Mh", "mth": "Mth"}[named["base"].lower()]
    kind = named["kind"]
    if kind is not None:
        kind = {"chao": "Chao", "lb": "Chao", "poisson": "Poisson", "darroch": "Darroch",
                "gamma": "Gamma"}[kind.lower()]
    elif base in ("Mh", "Mth"):
        kind = "Chao"  # Rcapture's default heterogeneity model (closedp.t, argument h)
    if (kind is None) != (base in ("M0", "Mt")):
        raise BadInput(f"cannot read the model '{text}': heterogeneity (Chao, Poisson, Darroch, Gamma) goes "
                       "with Mh or Mth, as in 'Mth-Chao'")
    theta = float(named["theta"]) if named["theta"] else None
    if kind is not None and HETEROGENEITY_DEFAULT_THETA[kind] is None and theta is not None:
        raise BadInput(f"cannot read the model '{text}': the {kind} model takes no number")
    if kind is not None and theta is not None and theta <= 0:
        raise BadInput(f"cannot read the model '{text}': theta must be positive")
    if kind is not None and len(lists) < 3:
        raise BadInput(f"the heterogeneity model '{text}' needs at least 3 lists; the table has {len(lists)}")
    terms = _parse_classes(rest.strip(), lists, text) if rest.strip() else ()
    if "+" in text and not rest.strip():
        raise BadInput(f"cannot read the model '{text}': nothing follows '+'")
    if base in ("M0", "Mh") and terms:
        raise BadInput(f"cannot read the model '{text}': {base} has no list effects to interact; "
                       "use Mt or Mth")
    return Model(terms=terms, heterogeneity=kind, theta=theta, time_effects=base in ("Mt", "Mth"))


def hierarchical_terms(lists_count: int, max_order: int) -> list[tuple[int, ...]]:
    """All interaction terms of order 2..max_order on `lists_count` lists, lowest order first."""
    return [term for size in range(2, max_order + 1) for term in combinations(range(lists_count), size)]


def _generating_class(terms: Iterable[Iterable[int]]) -> tuple[tuple[int, ...], ...]:
    """Keep the maximal terms of order two or more, each sorted; sort them for a canonical order."""
    cleaned = {tuple(sorted(set(int(i) for i in term))) for term in terms}
    cleaned = {term for term in cleaned if len(term) >= 2}
    maximal = [term for term in cleaned if not any(set(term) < set(other) for other in cleaned)]
    return tuple(sorted(maximal))


def _parse_classes(text: str, lists: Sequence[str], spec: str) -> tuple[tuple[int, ...], ...]:
    compact = re.sub(r"\s*([\[\],])\s*", r"\1", text.strip())
    if not _BRACKETS.match(compact):
        raise BadInput(f"cannot read the model '{spec}': write terms in brackets, such as '[123][14]' or "
                       "'[EXH,ABA][ABA,HRW]', or name a model such as 'Mt' or 'Mth-Chao'")
    terms: list[tuple[int, ...]] = []
    for group in re.findall(r"\[([^\[\]]*)\]", compact):
        terms.extend(_parse_group(group, lists, spec))
    return tuple(terms)


def _parse_group(group: str, lists: Sequence[str], spec: str) -> list[tuple[int, ...]]:
    """One bracket: list names (one term), or digit strings (each one term, as closedpMS.t writes them)."""
    if not group:
        raise BadInput(f"cannot read the model '{spec}': an empty bracket '[]' names no list")
    tokens = [token.strip() for token in group.split(",")]
    if len(tokens) == 1 and tokens[0] not in lists and " " in tokens[0]:
        tokens = tokens[0].split()
    if all(token in lists for token in tokens):
        return [_term([lists.index(token) for token in tokens], spec)]
    if all(token.isdigit() for token in tokens):
        if len(lists) > 9:
            raise BadInput(f"cannot read the model '{spec}': with {len(lists)} lists, name the lists "
                           "(such as '[A,B]') instead of numbering them")
        out = []
        for token in tokens:
            positions = [int(ch) for ch in token]
            bad = [p for p in positions if not 1 <= p <= len(lists)]
            if bad:
                raise BadInput(f"the model '{spec}' names list {bad[0]}, but the table has lists 1 to "
                               f"{len(lists)}")
            out.append(_term([p - 1 for p in positions], spec))
        return out
    unknown = [token for token in tokens if token not in lists and not token.isdigit()]
    raise BadInput(f"the model '{spec}' names no list called '{(unknown or tokens)[0]}'; the lists are "
                   f"{', '.join(lists)}")


def _term(indices: list[int], spec: str) -> tuple[int, ...]:
    if len(set(indices)) != len(indices):
        raise BadInput(f"cannot read the model '{spec}': a term names the same list twice")
    return tuple(sorted(indices))


def _check_indices(model: Model, lists: Sequence[str]) -> None:
    for term in model.terms:
        if max(term) >= len(lists):
            raise BadInput(f"the model refers to list {max(term) + 1}, but the table has {len(lists)} lists")
    if model.heterogeneity is not None and len(lists) < 3:
        raise BadInput(f"heterogeneity models need at least 3 lists; the table has {len(lists)}")


@dataclass(frozen=True)
class Design:
    """A model's design matrix over the capture patterns it can use (the unobserved pattern excluded).

    `cells` are pattern numbers as in `CaptureTable.full_counts()` (list 1 the highest bit); `eta` marks the
    Chao columns whose parameters must not be negative. `impossible` lists interaction terms no one observed
    (an empty overlap): following Chan, Silverman & Vincent (2019), their patterns are treated as structural
    zeros, so their cells and parameters leave the model instead of a parameter running off to -infinity.
    """

    matrix: np.ndarray
    names: tuple[str, ...]
    cells: np.ndarray
    eta: np.ndarray
    impossible: tuple[tuple[int, ...], ...]


def pattern_matrix(lists_count: int) -> np.ndarray:
    """0/1 matrix of the 2^k - 1 observable patterns: row i - 1 is pattern number i (list 1 the high bit)."""
    numbers = np.arange(1, 1 << lists_count)
    shifts = np.arange(lists_count - 1, -1, -1)
    return ((numbers[:, None] >> shifts) & 1).astype(np.float64)


def design_matrix(model: Model, lists: Sequence[str], full_counts: np.ndarray) -> Design:
    """Columns: intercept, list effects (or the number of captures for M0/Mh), interactions, heterogeneity.

    Every pattern but the unobserved one is a row, zero counts included, as Rcapture's closedp.t fits them;
    the unobserved pattern has all covariates 0, so its expected count is exp(intercept).
    """
    k = len(lists)
    patterns = pattern_matrix(k)
    captures = patterns.sum(axis=1)
    observed = np.asarray(full_counts, dtype=np.float64)[1:]
    impossible: list[tuple[int, ...]] = []
    columns = [np.ones(len(patterns))]
    names = ["intercept"]
    if model.time_effects:
        columns.extend(patterns[:, j] for j in range(k))
        names.extend(lists)
    else:
        columns.append(captures)
        names.append("captures")
    for term in model.interaction_terms():
        if any(set(small) <= set(term) for small in impossible):
            continue
        product = patterns[:, list(term)].prod(axis=1)
        if observed @ product == 0:
            impossible.append(term)
            continue
        columns.append(product)
        names.append(":".join(lists[i] for i in term))
    eta = [False] * len(columns)
    if model.heterogeneity is not None:
        het, het_names = heterogeneity_columns(captures, model.heterogeneity, model.theta, k)
        columns.extend(het.T)
        names.extend(het_names)
        eta.extend([model.heterogeneity == "Chao"] * het.shape[1])
    keep = np.ones(len(patterns), dtype=bool)
    for term in impossible:
        keep &= patterns[:, list(term)].prod(axis=1) == 0
    matrix = np.column_stack(columns)[keep]
    return Design(matrix=matrix, names=tuple(names), cells=np.flatnonzero(keep) + 1, eta=np.array(eta),
                  impossible=tuple(impossible))
