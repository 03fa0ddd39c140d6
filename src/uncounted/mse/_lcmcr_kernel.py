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


@njit(cache=True)
def _log_gamma(rng, shape):
    """log of a Gamma(shape, 1) draw, exact even for tiny shapes where the draw itself underflows to 0.

    For shape < 1: G = G' U^(1/shape) with G' ~ Gamma(shape + 1) and U ~ Uniform(0, 1) (Robert and Casella
    2004, Monte Carlo Statistical Methods, example 2.11; LCMCR's `dan_log_gamma_1` does the same).
    """
    if shape < 1.0:
        u = 1.0 - rng.random()  # in (0, 1]
        return math.log(rng.standard_gamma(shape + 1.0)) + math.log(u) / shape
    return math.log(rng.standard_gamma(shape))


@njit(cache=True)
def _log_sum(a, b):
    """log(exp(a) + exp(b)) without overflow."""
    if a < b:
        return b + math.log1p(math.exp(a - b))
    return a + math.log1p(math.exp(b - a))


@njit(cache=True)
def _log_beta(rng, a, b):
    """(log X, log(1 - X)) for X ~ Beta(a, b).

    Beta(1, b) and Beta(a, 1) are drawn by inversion from one uniform (X = 1 - U^(1/b), X = U^(1/a)): empty
    classes and lists that record nobody of a class hit these cases every sweep. Otherwise X = G_a / (G_a +
    G_b) from two gamma draws on the log scale.
    """
    if a == 1.0:
        log_rest = math.log(1.0 - rng.random()) / b
        return math.log(-math.expm1(log_rest)), log_rest
    if b == 1.0:
        log_x = math.log(1.0 - rng.random()) / a
        return log_x, math.log(-math.expm1(log_x))
    ga = _log_gamma(rng, a)
    gb = _log_gamma(rng, b)
    s = _log_sum(ga, gb)
    return ga - s, gb - s


@njit(cache=True)
def _categorical(rng, total, weights, order, start, mass, out):
    """Add `total` independent draws over classes order[start:], with weights summing to `mass`, to `out`."""
    K = order.shape[0]
    for _ in range(total):
        u = rng.random() * mass
        chosen = order[K - 1]
        for i in range(start, K):
            k = order[i]
            u -= weights[k]
            if u < 0.0:
                chosen = k
                break
        out[chosen] += 1


@njit(cache=True)
def _multinomial(rng, total, weights, order, tail, out):
    """Draw `out` ~ Multinomial(total, weights / sum(weights)); `order` and `tail` are scratch space.

    Classes are visited by decreasing weight; out_k ~ Binomial(remaining, w_k / sum of the weights not yet
    visited) while many people remain, then the last ones are drawn one by one over the classes left. Both
    steps are exact draws from the same multinomial; the split only saves binomial draws (~100 ns each).
    """
    K = weights.shape[0]
    for k in range(K):
        out[k] = 0
        order[k] = k
    if total == 0:
        return
    for i in range(1, K):  # insertion sort of class indices by decreasing weight (K is small)
        k = order[i]
        w = weights[k]
        pos = i
        while pos > 0 and weights[order[pos - 1]] < w:
            order[pos] = order[pos - 1]
            pos -= 1
        order[pos] = k
    acc = 0.0
    for i in range(K - 1, -1, -1):
        acc += weights[order[i]]
        tail[i] = acc
    remaining = total
    for i in range(K - 1):
        if remaining <= 2 * K:  # one uniform per person beats a binomial per class left (measured)
            _categorical(rng, remaining, weights, order, i, tail[i], out)
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


@njit(cache=True)
def _sample_classes_observed(rng, on_idx, on_len, counts, log_lam1, log_lam0, log_nu, z_counts, base, diff,
                             weights, order, tail, row):
    """Step 1: class counts of the observed people, one multinomial per capture pattern.

    log P(pattern m, class k) = log pi_k + sum_j log(1 - lambda_jk) + sum_{j on m} logit(lambda_jk): the first
    two terms are shared by all patterns, so each pattern costs only the lists it is on (patterns of many-list
    tables are sparse).
    """
    J, K = log_lam1.shape
    M = counts.shape[0]
    for k in range(K):
        b = log_nu[k]
        for j in range(J):
            b += log_lam0[j, k]
            diff[j, k] = log_lam1[j, k] - log_lam0[j, k]
        base[k] = b
    for m in range(M):
        top = -np.inf
        for k in range(K):
            lp = base[k]
            for t in range(on_len[m]):
                lp += diff[on_idx[m, t], k]
            weights[k] = lp
            if lp > top:
                top = lp
        for k in range(K):
            weights[k] = math.exp(weights[k] - top)
        _multinomial(rng, counts[m], weights, order, tail, row)
        for k in range(K):
            z_counts[m, k] = row[k]


@njit(cache=True)
def _sample_lambda(rng, on_idx, on_len, z_counts, z0_counts, class_n, on_list, log_lam1, log_lam0):
    """Step 2: lambda_jk from its Beta full conditional, kept on the log scale (both log p and log(1 - p)).

    Also leaves the class sizes (observed + missed) in `class_n` for step 3.
    """
    J, K = log_lam1.shape
    M = z_counts.shape[0]
    for k in range(K):
        class_n[k] = z0_counts[k]
        for j in range(J):
            on_list[j, k] = 0
    for m in range(M):
        for k in range(K):
            c = z_counts[m, k]
            if c > 0:
                class_n[k] += c
                for t in range(on_len[m]):
                    on_list[on_idx[m, t], k] += c
    for k in range(K):
        for j in range(J):
            on = on_list[j, k]
            log_lam1[j, k], log_lam0[j, k] = _log_beta(rng, 1.0 + on, 1.0 + class_n[k] - on)


@njit(cache=True)
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


@njit(cache=True)
def _missed_weights(log_lam0, log_nu, weights):
    """Class weights of a missed person, pi_k prod_j (1 - lambda_jk) rescaled, and the probability of being
    missed p0 together with 1 - p0 computed without cancellation (p0 can be close to 1)."""
    J, K = log_lam0.shape
    p0 = 0.0
    seen = 0.0
    top = -np.inf
    for k in range(K):
        s = 0.0
        for j in range(J):
            s += log_lam0[j, k]
        lp = log_nu[k] + s
        weights[k] = lp
        if lp > top:
            top = lp
        p0 += math.exp(lp)
        seen += math.exp(log_nu[k]) * -math.expm1(s)
    for k in range(K):
        weights[k] = math.exp(weights[k] - top)
    return p0, seen


@njit(cache=True)
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


@njit(cache=True)
def _sweep(rng, on_idx, on_len, counts, n, a_alpha, b_alpha, update_alpha, state_f, log_lam1, log_lam0,
           log_nu, z_counts, z0_counts, work_f, work_i):
    """One Gibbs sweep. `state_f` holds (alpha, n0, occupied classes, ceiling hits) as floats; `work_f` and
    `work_i` are scratch arrays (see `_workspace`)."""
    K = log_nu.shape[0]
    base, weights, tail, diff = work_f[0, :], work_f[1, :], work_f[2, :], work_f[3:, :]
    order, row, class_n, on_list = work_i[0, :], work_i[1, :], work_i[2, :], work_i[3:, :]
    _sample_classes_observed(rng, on_idx, on_len, counts, log_lam1, log_lam0, log_nu, z_counts, base, diff,
                             weights, order, tail, row)
    _sample_lambda(rng, on_idx, on_len, z_counts, z0_counts, class_n, on_list, log_lam1, log_lam0)
    log_rest, occupied = _sample_nu(rng, class_n, state_f[0], log_nu)
    p0, seen = _missed_weights(log_lam0, log_nu, weights)
    n0, hit = _sample_n0(rng, n, p0, seen)
    _multinomial(rng, n0, weights, order, tail, z0_counts)
    if update_alpha:
        state_f[0] = rng.standard_gamma(a_alpha + K - 1.0) / (b_alpha - log_rest)
    state_f[1] = n0
    state_f[2] = occupied
    state_f[3] += hit


@njit(cache=True)
def _sort_classes_by_weight(log_lam1, log_lam0, log_nu, z_counts, z0_counts):
    """Relabel classes by decreasing weight, as LCMCR does once after its warm-up."""
    order = np.argsort(-log_nu)
    log_lam1[:, :] = log_lam1[:, order]
    log_lam0[:, :] = log_lam0[:, order]
    log_nu[:] = log_nu[order]
    z_counts[:, :] = z_counts[:, order]
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
    log_lam1 = np.empty((J, K))
    log_lam0 = np.empty((J, K))
    for j in range(J):
        on = 0
        for m in range(M):
            if patterns[m, j] == 1:
                on += counts[m]
        share = on / n
        for k in range(K):
            log_lam1[j, k] = math.log(share)
            log_lam0[j, k] = math.log1p(-share)
    log_nu = np.empty(K)
    log_rest = 0.0
    for k in range(K - 1):
        log_v, log_1mv = _log_beta(rng, 1.0, 1.0)
        log_nu[k] = log_v + log_rest
        log_rest += log_1mv
    log_nu[K - 1] = log_rest
    on_len = np.zeros(M, dtype=np.int64)
    on_idx = np.zeros((M, J), dtype=np.int64)
    for m in range(M):
        for j in range(J):
            if patterns[m, j] == 1:
                on_idx[m, on_len[m]] = j
                on_len[m] += 1
    z_counts = np.zeros((M, K), dtype=np.int64)
    z0_counts = np.zeros(K, dtype=np.int64)
    work_f = np.zeros((3 + J, K))
    work_i = np.zeros((3 + J, K), dtype=np.int64)
    state_f = np.array([0.3 / K, 0.0, 0.0, 0.0])

    for _ in range(warmup):
        _sweep(rng, on_idx, on_len, counts, n, a_alpha, b_alpha, False, state_f, log_lam1, log_lam0, log_nu,
               z_counts, z0_counts, work_f, work_i)
    if warmup > 0:
        _sort_classes_by_weight(log_lam1, log_lam0, log_nu, z_counts, z0_counts)
    for _ in range(burnin):
        _sweep(rng, on_idx, on_len, counts, n, a_alpha, b_alpha, True, state_f, log_lam1, log_lam0, log_nu,
               z_counts, z0_counts, work_f, work_i)
    n0_trace = np.empty(samples, dtype=np.int64)
    alpha_trace = np.empty(samples)
    occupied_trace = np.empty(samples, dtype=np.int64)
    for s in range(samples):
        for _ in range(thin):
            _sweep(rng, on_idx, on_len, counts, n, a_alpha, b_alpha, True, state_f, log_lam1, log_lam0,
                   log_nu, z_counts, z0_counts, work_f, work_i)
        n0_trace[s] = np.int64(state_f[1])
        alpha_trace[s] = state_f[0]
        occupied_trace[s] = np.int64(state_f[2])
    return n0_trace, alpha_trace, occupied_trace, np.int64(state_f[3])
