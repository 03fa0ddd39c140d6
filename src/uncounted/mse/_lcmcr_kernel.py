"""Numba kernels of the LCMCR Gibbs sampler (Manrique-Vallier 2016, Biometrics 72(4): 1246-1254).

The model (the paper's section 2, "nonparametric latent class model"): each of N people belongs to one of K
latent classes; within class k, list j records a person independently with probability lambda_jk ~ Beta(1, 1).
Class weights pi follow the truncated stick-breaking prior of a Dirichlet process, pi_k = V_k prod_{l<k} (1 -
V_l) with V_k ~ Beta(1, alpha) for k < K and V_K = 1 (Ishwaran and James 2001), and alpha ~ Gamma(a_alpha,
b_alpha). N has the improper prior p(N) proportional to 1/N, under which the number missed, n0, given
everything else is negative binomial (the paper's section 3, data augmentation).

One sweep draws, in this order (the order LCMCR 0.4.14 uses in `CNPLCM_CR_Basic_Freq::Update`):
1. the latent classes of the observed people, one multinomial per observed capture pattern;
2. lambda_jk ~ Beta(1 + people of class k on list j, 1 + people of class k not on list j);
3. V_k ~ Beta(1 + n_k, alpha + sum_{l>k} n_l) (blocked Gibbs step of Ishwaran and James 2001, section 5.2);
4. n0 ~ NegBin(size n, success probability 1 - p0), p0 = sum_k pi_k prod_j (1 - lambda_jk), redrawn while it
   exceeds 20 n (LCMCR's guard);
5. the latent classes of the n0 missed people, one multinomial with weights pi_k prod_j (1 - lambda_jk);
6. alpha ~ Gamma(a_alpha + K - 1, rate b_alpha - sum_{k<K} log(1 - V_k)).

These are the paper's full conditionals; conventions (starting values, 500 warm-up sweeps with alpha fixed at
0.3 / K, classes re-ordered by weight after the warm-up, the 20 n guard) were checked against LCMCR 0.4.14's
C++ source. The code is ours.

Why by hand: no maintained Python library samples this model, and a general-purpose PPL (PyMC, NumPyro) cannot
use the per-pattern multinomial trick or reach R's speed. People who share a capture pattern have the same
full conditional over classes, and given the parameters they are independent, so their class counts are one
multinomial draw: exactly the full conditional of the individual labels, summarised by the counts that steps
2-3 need. That is what makes a sweep cost O(patterns x K x lists), not O(people).

Speed (issue 4 asks for R's rate or better), measured on the Kosovo table: the lambda_jk are kept as
probabilities, not logs, so a pattern's class weights are products (no exp per pattern and class, no log per
Beta draw); classes are put in order of weight once per sweep, and each pattern's heaviest class is moved to
the front, instead of sorting the classes for every pattern; the multinomials switch from binomials to one
uniform per person when few people remain; steps 1 and 2 share one pass, step 1 adding up the class sizes
and list counts as it draws; and every helper is inlined into `run_chain` (`inline='always'`: a call that
passes arrays costs more than a short loop; compiling takes longer, once, since the result is cached). None
of this changes what is sampled.

`NUMBA_CACHE_DIR` is pointed at a per-user cache folder before Numba is imported, unless the user set it, so
compiled kernels survive between runs (compiling costs a couple of seconds per process).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _cache_dir() -> Path:
    """The platform's per-user cache folder for compiled kernels (XDG on Linux, Library/Caches on macOS)."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "uncounted" / "numba"


if "NUMBA_CACHE_DIR" not in os.environ:
    os.environ["NUMBA_CACHE_DIR"] = str(_cache_dir())
    if "numba" in sys.modules:  # imported earlier by someone else: make it read the new setting
        from numba.core import config as _numba_config

        _numba_config.reload_config()

import math  # noqa: E402

import numpy as np  # noqa: E402
from numba import njit  # noqa: E402

#: Sweeps run before burn-in with alpha held at 0.3 / K, then classes are sorted by weight (as LCMCR does).
WARMUP = 500
#: n0 draws above this multiple of the observed count are redrawn (LCMCR's guard against runaway chains).
N0_CEILING = 20
#: Redraws allowed before n0 is set to the ceiling and the event counted (only a degenerate chain gets there).
MAX_REDRAWS = 1000
#: With this many people or fewer left, a multinomial draws them one by one: a binomial costs about as much as
#: a dozen uniforms with Numba's generators (measured on Kosovo; 8-16 are equally fast, 32 is slower).
ONE_BY_ONE = 12
#: When a pattern's largest class weight (relative to the heaviest class) could fall below this, the sweep's
#: weights are computed on the log scale, so products of many small probabilities cannot underflow.
UNDERFLOW = 1e-200


@njit(cache=True, inline='always')
def _log_gamma(rng, shape):
    """log of a Gamma(shape, 1) draw, exact even for tiny shapes where the draw itself underflows to 0.

    For shape < 1: G = G' U^(1/shape) with G' ~ Gamma(shape + 1) and U ~ Uniform(0, 1) (Robert and Casella
    2004, Monte Carlo Statistical Methods, example 2.11; LCMCR's `dan_log_gamma_1` does the same).
    """
    if shape < 1.0:
        u = 1.0 - rng.random()  # in (0, 1]
        return math.log(rng.standard_gamma(shape + 1.0)) + math.log(u) / shape
    return math.log(rng.standard_gamma(shape))


@njit(cache=True, inline='always')
def _log_sum(a, b):
    """log(exp(a) + exp(b)) without overflow."""
    if a < b:
        return b + math.log1p(math.exp(a - b))
    return a + math.log1p(math.exp(b - a))


@njit(cache=True, inline='always')
def _log_beta(rng, a, b):
    """(log X, log(1 - X)) for X ~ Beta(a, b), for the stick-breaking weights (b = alpha can be tiny).

    Beta(1, b) and Beta(a, 1) are drawn by inversion from one uniform (X = 1 - U^(1/b), X = U^(1/a)): empty
    classes hit these cases every sweep. Otherwise X = G_a / (G_a + G_b) from two gamma draws, on the log
    scale only when a shape is below 1 (a gamma draw with a tiny shape can underflow to 0).
    """
    if a == 1.0:
        log_rest = math.log(1.0 - rng.random()) / b
        return math.log(-math.expm1(log_rest)), log_rest
    if b == 1.0:
        log_x = math.log(1.0 - rng.random()) / a
        return log_x, math.log(-math.expm1(log_x))
    if a > 1.0 and b > 1.0:
        ga = rng.standard_gamma(a)
        gb = rng.standard_gamma(b)
        log_s = math.log(ga + gb)
        return math.log(ga) - log_s, math.log(gb) - log_s
    ga = _log_gamma(rng, a)
    gb = _log_gamma(rng, b)
    s = _log_sum(ga, gb)
    return ga - s, gb - s


@njit(cache=True, inline='always')
def _beta_pair(rng, a, b):
    """(X, 1 - X) for X ~ Beta(a, b) with a, b >= 1, both computed without cancellation (for lambda_jk).

    Same draws as `_log_beta` (inversion when a shape is 1, two gammas otherwise), left as probabilities.
    """
    if a == 1.0:
        log_rest = math.log(1.0 - rng.random()) / b
        return -math.expm1(log_rest), math.exp(log_rest)
    if b == 1.0:
        log_x = math.log(1.0 - rng.random()) / a
        return math.exp(log_x), -math.expm1(log_x)
    ga = rng.standard_gamma(a)
    gb = rng.standard_gamma(b)
    s = ga + gb
    return ga / s, gb / s


@njit(cache=True, inline='always')
def _order_by_weight(weights, order):
    """Fill `order` with class indices by decreasing weight (insertion sort: K is small)."""
    K = weights.shape[0]
    for i in range(K):
        k = i
        w = weights[k]
        pos = i
        while pos > 0 and weights[order[pos - 1]] < w:
            order[pos] = order[pos - 1]
            pos -= 1
        order[pos] = k


@njit(cache=True, inline='always')
def _move_to_front(order, k):
    """Put class k first in `order`, the others keeping their places: a pattern's heaviest class then takes
    most of its people in the first binomial (the order changes only the speed, never the distribution)."""
    pos = 0
    while order[pos] != k:
        pos += 1
    while pos > 0:
        order[pos] = order[pos - 1]
        pos -= 1
    order[0] = k


@njit(cache=True, inline='always')
def _categorical(rng, total, order, start, tail, out):
    """Add `total` independent draws over classes order[start:] to `out`; tail[i] is the weight of order[i:].

    A draw v, uniform on (0, tail[start]], picks the last position i with tail[i] >= v: position i is picked
    with probability (tail[i] - tail[i + 1]) / tail[start], its class's share. Counting instead of searching
    avoids a mispredicted branch per class.
    """
    K = order.shape[0]
    mass = tail[start]
    for _ in range(total):
        v = mass * (1.0 - rng.random())
        pos = start
        for i in range(start + 1, K):
            pos += tail[i] >= v
        out[order[pos]] += 1


@njit(cache=True, inline='always')
def _multinomial(rng, total, weights, order, tail, out):
    """Draw `out` ~ Multinomial(total, weights / sum(weights)); `tail` is scratch space.

    Classes are visited in `order` (any order is exact; decreasing weight is fastest): out_k ~
    Binomial(remaining, w_k / sum of the weights not yet visited) while many people remain, then the last
    ones are drawn one by one over the classes left. Both are exact draws from the same multinomial.
    """
    K = weights.shape[0]
    for k in range(K):
        out[k] = 0
    if total == 0:
        return
    acc = 0.0
    for i in range(K - 1, -1, -1):
        acc += weights[order[i]]
        tail[i] = acc
    remaining = total
    for i in range(K - 1):
        if remaining <= ONE_BY_ONE:
            _categorical(rng, remaining, order, i, tail, out)
            return
        k = order[i]
        p = weights[k] / tail[i]
        if p >= 1.0:
            out[k] = remaining
            return
        x = rng.binomial(remaining, p)
        out[k] = x
        remaining -= x
    out[order[K - 1]] += remaining


@njit(cache=True, inline='always')
def _pattern_weights(pattern, lam, nu, weights):
    """Class weights of a person with capture `pattern`, pi_k prod_j lambda_jk^x_j (1 - lambda_jk)^(1 - x_j),
    up to a common factor (`nu` is pi rescaled so its largest entry is 1); returns the class of the largest.

    `lam[x, j, k]` is the probability that list j records (x = 1) or misses (x = 0) a person of class k, so a
    weight is a product of table look-ups. Callers check with `_products_are_safe` that it cannot underflow.
    """
    J = pattern.shape[0]
    K = nu.shape[0]
    top = 0.0
    for k in range(K):
        w = nu[k]
        for j in range(J):
            w *= lam[pattern[j], j, k]
        weights[k] = w
        top = max(top, w)
    best = 0
    while best < K - 1 and weights[best] != top:
        best += 1
    return best


@njit(cache=True)
def _log_pattern_weights(pattern, lam, log_nu, weights):
    """`_pattern_weights` computed from logs and rescaled by the largest: for sweeps where products of many
    small probabilities could underflow (tables with dozens of lists)."""
    J = pattern.shape[0]
    K = log_nu.shape[0]
    top = -np.inf
    best = 0
    for k in range(K):
        lp = log_nu[k]
        for j in range(J):
            lp += math.log(lam[pattern[j], j, k])
        weights[k] = lp
        if lp > top:
            top = lp
            best = k
    for k in range(K):
        weights[k] = math.exp(weights[k] - top)
    return best


@njit(cache=True, inline='always')
def _products_are_safe(lam, nu):
    """True when no pattern's largest class weight can fall below UNDERFLOW: the heaviest class (nu = 1)
    gives every pattern at least prod_j min(lambda_j, 1 - lambda_j). One check per sweep keeps the
    per-pattern loop free of a fallback branch (which made it twice as slow)."""
    J = lam.shape[1]
    k = np.argmax(nu)
    bound = 1.0
    for j in range(J):
        bound *= min(lam[0, j, k], lam[1, j, k])
    return bound >= UNDERFLOW


@njit(cache=True, inline='always')
def _sample_classes_observed(rng, patterns, counts, lam, nu, log_nu, order, weights, tail, row, class_n,
                             on_list):
    """Step 1: class counts of the observed people, one multinomial per capture pattern.

    Adds them to `class_n` (which holds the missed people's classes on entry) and to `on_list` (people of
    class k on list j, zero on entry): the counts step 2 needs, gathered without storing the labels.
    """
    M, J = patterns.shape
    K = nu.shape[0]
    safe = _products_are_safe(lam, nu)
    for m in range(M):
        if counts[m] == 0:
            continue
        if safe:
            best = _pattern_weights(patterns[m], lam, nu, weights)
        else:
            best = _log_pattern_weights(patterns[m], lam, log_nu, weights)
        _move_to_front(order, best)
        _multinomial(rng, counts[m], weights, order, tail, row)
        for k in range(K):
            class_n[k] += row[k]
        for j in range(J):
            if patterns[m, j] == 1:
                for k in range(K):
                    on_list[j, k] += row[k]


@njit(cache=True, inline='always')
def _sample_lambda(rng, class_n, on_list, lam):
    """Step 2: lambda_jk ~ Beta(1 + on list, 1 + not on list), kept as the pair (lambda, 1 - lambda)."""
    J, K = on_list.shape
    for j in range(J):
        for k in range(K):
            on = on_list[j, k]
            lam[1, j, k], lam[0, j, k] = _beta_pair(rng, 1.0 + on, 1.0 + class_n[k] - on)


@njit(cache=True, inline='always')
def _sample_nu(rng, class_n, alpha, log_nu):
    """Step 3: stick-breaking weights given the class sizes; return sum_{k<K} log(1 - V_k) and the number of
    occupied classes."""
    K = log_nu.shape[0]
    total = 0
    occupied = 0
    for k in range(K):
        total += class_n[k]
        if class_n[k] > 0:
            occupied += 1
    log_rest = 0.0  # log prod_{l<k} (1 - V_l)
    after = total
    for k in range(K - 1):
        after -= class_n[k]
        log_v, log_1mv = _log_beta(rng, 1.0 + class_n[k], alpha + after)
        log_nu[k] = log_v + log_rest
        log_rest += log_1mv
    log_nu[K - 1] = log_rest
    return log_rest, occupied


@njit(cache=True, inline='always')
def _rescale(log_nu, nu):
    """nu = pi / max(pi): class weights as probabilities without underflow of the largest."""
    top = log_nu.max()
    for k in range(log_nu.shape[0]):
        nu[k] = math.exp(log_nu[k] - top)


@njit(cache=True, inline='always')
def _missed_weights(lam, nu, weights):
    """Class weights of a missed person, pi_k prod_j (1 - lambda_jk), and the odds p0 / (1 - p0) of being
    missed, all up to the common factor of `nu`.

    1 - prod_j (1 - lambda_jk) is accumulated as a sum of positive terms (seen by list j and missed by the
    lists before it), so it keeps its precision when p0 is close to 1.
    """
    J, K = lam.shape[1], lam.shape[2]
    p0 = 0.0
    seen = 0.0
    for k in range(K):
        missed_k = 1.0
        seen_k = 0.0
        for j in range(J):
            seen_k += missed_k * lam[1, j, k]
            missed_k *= lam[0, j, k]
        weights[k] = nu[k] * missed_k
        p0 += weights[k]
        seen += nu[k] * seen_k
    return p0, seen


@njit(cache=True, inline='always')
def _sample_n0(rng, n, p0, seen):
    """Step 4: n0 ~ NegBin(n, 1 - p0) as a gamma-Poisson mixture, redrawn above the ceiling.

    Returns (n0, hit) where hit is 1 when the redraw budget ran out and n0 was set to the ceiling.
    """
    ceiling = N0_CEILING * n
    if seen <= 0.0:
        return ceiling, 1
    odds = p0 / seen
    for _ in range(MAX_REDRAWS):
        n0 = rng.poisson(rng.standard_gamma(float(n)) * odds)
        if n0 <= ceiling:
            return n0, 0
    return ceiling, 1


@njit(cache=True, inline='always')
def _sweep(rng, patterns, counts, n, a_alpha, b_alpha, update_alpha, state_f, lam, log_nu, z0_counts, work_f,
           work_i):
    """One Gibbs sweep. `state_f` holds (alpha, n0, occupied classes, ceiling hits) as floats; `work_f` and
    `work_i` are scratch arrays (see `run_chain`)."""
    K = log_nu.shape[0]
    nu, weights, tail = work_f[0, :], work_f[1, :], work_f[2, :]
    order, row, class_n, on_list = work_i[0, :], work_i[1, :], work_i[2, :], work_i[3:, :]
    _rescale(log_nu, nu)
    _order_by_weight(nu, order)
    for k in range(K):
        class_n[k] = z0_counts[k]
    on_list[:, :] = 0
    _sample_classes_observed(rng, patterns, counts, lam, nu, log_nu, order, weights, tail, row, class_n,
                             on_list)
    _sample_lambda(rng, class_n, on_list, lam)
    log_rest, occupied = _sample_nu(rng, class_n, state_f[0], log_nu)
    _rescale(log_nu, nu)
    p0, seen = _missed_weights(lam, nu, weights)
    n0, hit = _sample_n0(rng, n, p0, seen)
    _order_by_weight(weights, order)
    _multinomial(rng, n0, weights, order, tail, z0_counts)
    if update_alpha:
        state_f[0] = rng.standard_gamma(a_alpha + K - 1.0) / (b_alpha - log_rest)
    state_f[1] = n0
    state_f[2] = occupied
    state_f[3] += hit


@njit(cache=True)
def _sort_classes_by_weight(lam, log_nu, z0_counts):
    """Relabel classes by decreasing weight, as LCMCR does once after its warm-up."""
    order = np.argsort(-log_nu)
    lam[:, :, :] = lam[:, :, order]
    log_nu[:] = log_nu[order]
    z0_counts[:] = z0_counts[order]


@njit(cache=True)
def run_chain(rng, patterns, counts, K, burnin, samples, thin, a_alpha, b_alpha, warmup):
    """Run one chain on `rng` (a NumPy Generator); return traces of n0, alpha and occupied classes (one value
    every `thin` sweeps after `burnin`) and the number of n0 draws that hit the ceiling.

    Starting values follow LCMCR: lambda_jk at list j's observed share, weights from one stick-breaking draw
    with V_k ~ Beta(1, 1), n0 = 0, alpha = 0.3 / K held fixed for `warmup` sweeps.
    """
    M, J = patterns.shape
    n = 0
    for m in range(M):
        n += counts[m]
    lam = np.empty((2, J, K))  # lam[1, j, k] = lambda_jk, lam[0, j, k] = 1 - lambda_jk
    for j in range(J):
        on = 0
        for m in range(M):
            if patterns[m, j] == 1:
                on += counts[m]
        for k in range(K):
            lam[1, j, k] = on / n
            lam[0, j, k] = (n - on) / n
    log_nu = np.empty(K)
    log_rest = 0.0
    for k in range(K - 1):
        log_v, log_1mv = _log_beta(rng, 1.0, 1.0)
        log_nu[k] = log_v + log_rest
        log_rest += log_1mv
    log_nu[K - 1] = log_rest
    z0_counts = np.zeros(K, dtype=np.int64)
    work_f = np.zeros((3, K))
    work_i = np.zeros((3 + J, K), dtype=np.int64)
    state_f = np.array([0.3 / K, 0.0, 0.0, 0.0])

    for _ in range(warmup):
        _sweep(rng, patterns, counts, n, a_alpha, b_alpha, False, state_f, lam, log_nu, z0_counts,
               work_f, work_i)
    if warmup > 0:
        _sort_classes_by_weight(lam, log_nu, z0_counts)
    for _ in range(burnin):
        _sweep(rng, patterns, counts, n, a_alpha, b_alpha, True, state_f, lam, log_nu, z0_counts,
               work_f, work_i)
    n0_trace = np.empty(samples, dtype=np.int64)
    alpha_trace = np.empty(samples)
    occupied_trace = np.empty(samples, dtype=np.int64)
    for s in range(samples):
        for _ in range(thin):
            _sweep(rng, patterns, counts, n, a_alpha, b_alpha, True, state_f, lam, log_nu, z0_counts,
                   work_f, work_i)
        n0_trace[s] = np.int64(state_f[1])
        alpha_trace[s] = state_f[0]
        occupied_trace[s] = np.int64(state_f[2])
    return n0_trace, alpha_trace, occupied_trace, np.int64(state_f[3])
