"""The HTML report on a small simulated run: every section, a figure in each, nothing from outside, names
escaped, numbers that agree with the run."""

from __future__ import annotations

import html as htmllib
import re

from tests.report.conftest import MARKED_NAME
from uncounted.link.review import load_labels
from uncounted.report import ReportInput, render_report
from uncounted.report.checks import linkage_share

FIGURE_SECTIONS = ("data", "linkage", "overlaps", "estimate", "sensitivity", "testimony", "methods")


def _section(html: str, name: str) -> str:
    match = re.search(rf'<section id="{name}">(.*?)</section>', html, re.S)
    assert match, f"section {name} is missing"
    return match.group(1)


def test_every_section_is_there_with_a_figure(html: str) -> None:
    for name in (*FIGURE_SECTIONS, "provenance"):
        _section(html, name)
    for name in FIGURE_SECTIONS:
        assert "<svg" in _section(html, name), f"section {name} has no figure"


def test_nothing_is_loaded_from_outside_and_there_is_no_script(html: str) -> None:
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", html))
    assert urls <= {"http://www.w3.org/2000/svg"}, urls
    assert "<script" not in html.lower()
    assert not re.search(r"""\b(?:src|href)\s*=\s*["'](?!#|data:)""", html)


def test_arabic_names_are_shown_and_markup_in_them_is_escaped(html: str) -> None:
    linkage = _section(html, "linkage")
    assert htmllib.escape(MARKED_NAME, quote=False) in linkage
    assert MARKED_NAME not in html  # the raw <b> never reaches the page
    assert re.search(r'dir="auto">[^<]*[\u0600-\u06FF]', linkage), "no Arabic name in the linked examples"
    assert "Noto Naskh Arabic" in html


def test_the_data_section_counts_the_quarantined_row(html: str, report_input: ReportInput) -> None:
    data = _section(html, "data")
    assert report_input.sources["quarantined"].sum() == 1
    assert "1 rows were set aside" in data
    assert 'id="quarantine"' in data


def test_linkage_section_reports_review_and_truth(html: str, report_input: ReportInput) -> None:
    linkage = _section(html, "linkage")
    assert 'id="review-quality"' in linkage and "precision" in linkage
    labelled = len(load_labels(report_input.workspace))
    assert labelled >= 10
    assert f"{labelled} pairs were reviewed by 1 reviewer" in linkage
    assert 'id="linkage-quality"' in linkage


def test_estimate_section_shows_every_method_detail(html: str, report_input: ReportInput) -> None:
    estimate = _section(html, "estimate")
    assert f"{report_input.estimate.estimate:,.0f}" in estimate
    assert 'id="strata"' in estimate and "Each stratum's estimate" in estimate  # the main run is by year
    assert "Graph weights (dga, dga, no strata)" in estimate
    assert 'id="loglinear"' in estimate and "AIC" in estimate
    assert "LCMCR chains (LCMCR)" in estimate and "R-hat of N" in estimate
    assert "Posterior draws of the total" in estimate


def test_sensitivity_uses_a_cheap_method_and_splits_the_uncertainty(
    html: str, report_input: ReportInput
) -> None:
    section = _section(html, "sensitivity")
    assert "re-estimate with <strong>dga</strong>" in section
    for name in report_input.lists:
        assert f'dir="auto">{name}</td>' in section  # a leave-one-out row per list
    assert "Linkage replicates" in section
    share = re.search(r"<strong>(\d+)%</strong> of the variance", section)
    assert share and 0 <= int(share.group(1)) <= 100


def test_testimony_section_corroborates_and_extrapolates(html: str) -> None:
    section = _section(html, "testimony")
    assert "saydnaya/hangings/frequency" in section
    assert 'id="parameters"' in section and "Tornado plot" in section
    assert section.count("<svg") >= 3  # matrix, tornado, draws


def test_provenance_names_versions_seeds_and_inputs(html: str, report_input: ReportInput) -> None:
    section = htmllib.unescape(_section(html, "provenance"))
    for package in ("uncounted", "splink", "duckdb", "numpy", "python"):
        assert f'<td class="text">{package}</td>' in section
    assert "0" * 64 in section
    assert '"seed": 20170207' in section  # the testimony model's seed, in the manifest


def test_the_same_run_gives_the_same_report(report_input: ReportInput, html: str) -> None:
    again = render_report(report_input)
    strip = re.compile(r"generated \S+")
    assert strip.sub("", again) == strip.sub("", html)


def test_linkage_share_is_the_between_part_of_rubins_variance(report_input: ReportInput) -> None:
    from uncounted.mse import Estimate

    combined = Estimate(
        method="dga",
        n_observed=10,
        estimate=20,
        lower=15,
        upper=30,
        settings={"replicates": 4},
        extras={"within_variance": 0.3, "between_variance": 0.16},
    )
    # (1 + 1/4) * 0.16 = 0.2 of a total 0.5
    assert abs(linkage_share(combined) - 0.4) < 1e-12


def test_without_a_workspace_or_records_the_report_says_what_it_could_not_show(
    report_input: ReportInput,
) -> None:
    from dataclasses import replace

    bare = render_report(replace(report_input, workspace=None, records=None, checks=True))
    assert '<section id="testimony">' not in bare
    assert "No workspace was given, so no review labels were read." in bare
    assert "Linkage replicates need the records and the scored pairs" in bare
    assert "<svg" in _section(bare, "sensitivity")  # leave-one-list-out still runs


def test_methods_say_how_candidate_pairs_were_found(html: str, report_input: ReportInput) -> None:
    methods = _section(html, "methods")
    blocking = report_input.linkage.settings["blocking"]
    assert f"Candidate pairs came from {len(blocking['rules'])} blocking rules" in methods
    assert f"more than {blocking['max_block_pairs']:,} pairs kept only the pairs" in methods
    assert "mother" in methods and "birth year" in methods


def test_a_run_trained_with_labels_shows_what_they_said_bin_by_bin(report_input: ReportInput) -> None:
    import dataclasses

    from uncounted.link import link_records
    from uncounted.link.review import latest_labels
    from uncounted.report import render_report

    labels = latest_labels(load_labels(report_input.workspace))
    relinked = link_records(report_input.records, threshold=0.9, seed=1, labels=labels)
    linkage = _section(render_report(dataclasses.replace(report_input, linkage=relinked)), "linkage")
    table = re.search(r'<table id="label-training">(.*?)</table>', linkage, re.S)
    assert table, "no bin-by-bin table of the labels' training"
    reviewed = [int(cells[2].replace(",", "")) for cells in
                re.findall(r"<tr><td[^>]*>([^<]*)</td>\s*<td>([^<]*)</td><td>([^<]*)</td>", table.group(1))]
    assert sum(reviewed) == len(labels)
