"""Simulated lists with a known truth through the whole pipeline: every record accounted for, people found,
and an estimate near the truth."""

import json

import pandas as pd
import pytest

from uncounted.link import linkage_quality
from uncounted.pipeline import Truth, run_pipeline
from uncounted.simulate import simulate, write_simulation


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("e2e")
    written = write_simulation(simulate(seed=11, population=3000), root / "input")
    lists = [p for p in written if p.suffix == ".csv" and p.name != "truth.csv"]
    result = run_pipeline(lists, root / "ws", truth=Truth.read(root / "input" / "truth.csv"), step=lambda _: None)
    return root, lists, result


def test_every_input_record_is_in_entities_csv(run):
    root, lists, _ = run
    entities = pd.read_csv(root / "ws" / "entities.csv", dtype=str, keep_default_na=False)
    assert list(entities.columns) == ["source", "record_id", "entity_id"]
    expected = pd.concat([pd.read_csv(p, dtype=str, keep_default_na=False)[["source", "record_id"]] for p in lists])
    assert len(entities) == len(expected)
    assert set(map(tuple, entities[["source", "record_id"]].to_numpy())) == set(map(tuple, expected.to_numpy()))


def test_linkage_finds_the_people(run):
    root, _, result = run
    truth = pd.read_csv(root / "input" / "truth.csv", dtype=str, keep_default_na=False)
    quality = linkage_quality(result.linkage.entities, truth)
    assert quality.pairwise_f1 >= 0.95
    assert quality.bcubed_f1 >= 0.95


def test_estimate_is_near_the_truth_and_follows_the_json_contract(run):
    root, _, result = run
    estimate = json.loads((root / "ws" / "estimate.json").read_text())
    for key in ("method", "n_observed", "estimate", "lower", "upper", "settings", "seed"):
        assert key in estimate
    assert estimate["n_observed"] == len(result.histories)
    assert estimate["lower"] <= estimate["estimate"] <= estimate["upper"]
    assert abs(estimate["estimate"] - 3000) / 3000 < 0.15
    assert estimate["lower"] <= 3000 * 1.05 and estimate["upper"] >= 3000 * 0.95


def test_report_has_its_sections_and_no_outside_url(run):
    root, _, _ = run
    html = (root / "ws" / "report.html").read_text()
    for section in ('id="data"', 'id="linkage"', 'id="overlaps"', 'id="estimate"', 'id="methods"',
                    'id="provenance"'):
        assert section in html
    assert "http://" not in html.replace("http://www.w3.org", "") and "https://" not in html
    assert html.count("<svg") >= 4


def test_report_renders_as_pdf(run, tmp_path):
    import os
    import shutil
    import subprocess

    from uncounted.report.pdf import write_pdf

    root, _, _ = run
    pdf = write_pdf((root / "ws" / "report.html").read_text(), tmp_path / "report.pdf")
    if shutil.which("pdftoppm") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pdftoppm (Debian poppler-utils) is missing under CI")
        pytest.skip("pdftoppm (Debian poppler-utils) is not installed")
    subprocess.run(["pdftoppm", "-png", "-r", "30", str(pdf), str(tmp_path / "page")], check=True)
    assert len(list(tmp_path.glob("page*.png"))) >= 2
