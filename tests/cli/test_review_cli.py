"""The review loop through the CLI, as a documentation group runs it: link, export a sample with a draw across
all scores, reviewers fill it in (here the simulation's truth), import, read the summary, link again."""

from __future__ import annotations

import re

import pandas as pd

from uncounted.simulate import simulate, truth_verdicts, write_simulation


def test_review_loop_estimates_every_score_and_trains_the_next_run(tmp_path, run_cli) -> None:
    written = write_simulation(simulate(seed=4, population=800), tmp_path / "lists")
    ws = tmp_path / "ws"
    assert run_cli("init", ws)[0] == 0
    for path in sorted(p for p in written if p.suffix == ".csv" and p.name != "truth.csv"):
        assert run_cli("ingest", path, "-w", ws)[0] == 0
    assert run_cli("link", "-w", ws)[0] == 0

    review = tmp_path / "review.csv"
    code, out, _ = run_cli("review", "export", "-w", ws, "--out", review, "--size", "60", "--spread", "40")
    assert code == 0 and out.startswith("wrote ")
    sample = pd.read_csv(review, dtype=str, keep_default_na=False)
    scores = sample["match_probability"].astype(float)
    assert (scores < 0.2).any() and (scores >= 0.98).any() and scores.between(0.2, 0.98, "left").any()

    sample["label"] = truth_verdicts(sample, pd.read_csv(tmp_path / "lists" / "truth.csv", dtype=str))
    sample.to_csv(review, index=False)
    code, out, _ = run_cli("review", "import", review, "-w", ws, "--reviewer", "tester")
    assert code == 0 and f"stored {len(sample)} labels" in out

    code, out, _ = run_cli("review", "summary", "-w", ws)
    assert code == 0 and f"{len(sample)} labelled pairs, covering match probabilities 0.01–1" in out
    precision = re.search(r"precision: (\d\.\d+) \(95%: (\d\.\d+)–(\d\.\d+)\)", out)
    assert precision and float(precision[2]) <= float(precision[1]) <= float(precision[3])
    assert float(precision[1]) > 0.9  # over every score, most links are right (the band alone is far worse)

    code, out, _ = run_cli("link", "-w", ws)
    assert code == 0 and f"training: m re-estimated with {len(sample)} reviewed pairs" in out.replace("\n", " ")
