"""The estimate section shows dga's posterior density over N beside LCMCR's (issue 10)."""

from __future__ import annotations

import re

import numpy as np

from uncounted.report import figures
from uncounted.report.html import _densities


def test_the_estimate_section_has_the_posterior_densities_of_dga_and_lcmcr(html: str) -> None:
    section = re.search(r'<section id="estimate">(.*?)</section>', html, re.S).group(1)
    figures_ = [f for f in section.split("<figure>") if re.search(r"Posterior densities of the\s+total", f)]
    assert len(figures_) == 1, "no posterior density figure in the estimate section"
    svg = figures_[0][: figures_[0].index("</svg>")]
    assert svg.startswith("<svg")
    # one legend entry per curve: the stratified main dga run, dga without strata and LCMCR
    for label in ("main: dga", "dga, no strata", "LCMCR", "true total (600)"):
        assert label in svg, label


def test_no_density_figure_without_dga(report_input) -> None:
    lcmcr_only = [(label, e) for label, e in report_input.sensitivity if e.method == "lcmcr"]
    assert _densities(lcmcr_only, lcmcr_only[0][1], None, 100) is None


def test_draws_density_integrates_to_one_and_peaks_at_the_mode() -> None:
    draws = np.random.default_rng(0).normal(1000, 50, 20000)
    x, y = figures.draws_density(draws, bins=50)
    assert abs((y * np.diff(x).mean()).sum() - 1) < 1e-9
    assert abs(x[np.argmax(y)] - 1000) < 30
