"""One small simulated run per test module: 600 people on four lists, linked, estimated, with review labels,
a quarantined row and the fictional Saydnaya-style testimony in the workspace."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.testimony.factory import VAULT_PASSPHRASE
from uncounted.examples import example_path
from uncounted.ingest import ingest_file
from uncounted.link import capture_histories, link_records, linkage_quality
from uncounted.link.review import review_sample, store_labels
from uncounted.mse import CaptureTable
from uncounted.mse.estimate import estimate
from uncounted.mse.strata import estimate_strata
from uncounted.report import ReportInput
from uncounted.simulate import simulate, truth_verdicts, write_simulation
from uncounted.store.records import list_sources, load_records
from uncounted.store.users import local_actor
from uncounted.store.vault import Vault
from uncounted.testimony.persist import import_testimony
from uncounted.workspace import Workspace

#: A name with markup characters, put on a record of the largest linked person: it must come out escaped.
SEED, POPULATION = 3, 600
MARKED_NAME = "سمير <b>&</b> الحلبي"


@pytest.fixture(scope="session")
def report_input(tmp_path_factory: pytest.TempPathFactory) -> ReportInput:
    root = tmp_path_factory.mktemp("report")
    written = write_simulation(simulate(seed=SEED, population=POPULATION), root / "input")
    lists = sorted(p for p in written if p.suffix == ".csv" and p.name != "truth.csv")
    bad = root / "input" / "list_e.csv"
    frame = pd.read_csv(lists[0], dtype=str, keep_default_na=False).head(3).assign(source="list_e")
    frame.loc[1, "date_of_death"] = "2013-02-31"  # no such day: the row is quarantined with its reason
    frame.to_csv(bad, index=False)
    ws = Workspace.create(root / "ws")
    for path in lists:
        ingest_file(ws, path)
    ingest_file(ws, bad, quarantine=True)
    records = load_records(ws)
    records = records[records["source"] != "list_e"].reset_index(drop=True)
    linkage = link_records(records, threshold=0.9, seed=1)
    histories = capture_histories(records, linkage.entities)
    names = [p.stem for p in lists]
    table = CaptureTable.from_frame(histories[names])
    years = {
        str(year): CaptureTable.build(names, group[names].to_numpy(), np.ones(len(group)), check=False)
        for year, group in histories.groupby("year")
    }
    main = estimate_strata(years, "dga")
    sensitivity = [
        ("dga, no strata", estimate(table, "dga")),
        ("log-linear", estimate(table, "loglinear", model="[12][13][34]")),
        ("LCMCR", estimate(table, "lcmcr", seed=3, burnin=200, samples=400, thin=2, chains=2)),
    ]
    truth = pd.read_csv(root / "input" / "truth.csv", dtype=str)
    _label_a_sample(ws, linkage.pairs, records, truth)
    saydnaya = example_path("saydnaya")
    # The example carries (invented) identity columns, which only a vault may hold.
    Vault.initialise(ws, local_actor(ws), VAULT_PASSPHRASE)
    import_testimony(ws, [saydnaya / "witnesses.csv", saydnaya / "accounts.csv", saydnaya / "claims.csv"],
                     vault_passphrase=VAULT_PASSPHRASE)
    big = linkage.entities.groupby("entity_id").size().idxmax()
    marked = linkage.entities[linkage.entities["entity_id"] == big].iloc[0]
    row = (records["source"] == marked["source"]) & (records["record_id"] == marked["record_id"])
    records.loc[row, "full_name"] = MARKED_NAME
    return ReportInput(
        sources=list_sources(ws),
        linkage=linkage,
        histories=histories,
        lists=names,
        estimate=main,
        sensitivity=sensitivity,
        truth_n=POPULATION,
        quality=linkage_quality(linkage.entities, truth).as_dict(),
        inputs=[{"file": p.name, "sha256": "0" * 64} for p in lists],
        records=records,
        workspace=ws,
        testimony_model=saydnaya / "model.toml",
        title="Test report",
    )


def _label_a_sample(ws: Workspace, pairs: pd.DataFrame, records: pd.DataFrame, truth: pd.DataFrame) -> None:
    """Label a review sample from the simulation's truth, as a careful reviewer would."""
    sample = review_sample(pairs, records, size=60, seed=2)
    labels = sample[
        ["source_l", "record_id_l", "source_r", "record_id_r", "match_probability", "sample_weight"]
    ].assign(label=truth_verdicts(sample, truth), reviewer="tester", reason="")
    store_labels(ws, labels)


@pytest.fixture(scope="session")
def html(report_input: ReportInput) -> str:
    from uncounted.report import render_report

    return render_report(report_input)
