"""The simulated population and its lists: determinism, canonical records, a truth for every record, the
calibration to the published custody figures, and the representation habits that make linkage realistic."""

from __future__ import annotations

import json
import re
import sys

import numpy as np
import pandas as pd
import pytest

from uncounted.errors import BadInput
from uncounted.records import CANONICAL_FIELDS, SEX_VALUES
from uncounted.simulate import CUSTODY_DOCUMENTED_SHARE, simulate, write_simulation
from uncounted.simulate.names import name_table

ARABIC = re.compile(r"[\u0600-\u06FF]")
LATIN = re.compile(r"[A-Za-z]")
PARTIAL_DATE = re.compile(r"^(\d{4}(-\d{2}(-\d{2})?)?)?$")


@pytest.fixture(scope="module")
def sim():
    return simulate(seed=7, population=2000)


def records(sim) -> pd.DataFrame:
    return pd.concat(sim.lists.values(), ignore_index=True)


def test_same_seed_same_lists_other_seed_other_lists(sim):
    again = simulate(seed=7, population=2000)
    for name, frame in sim.lists.items():
        pd.testing.assert_frame_equal(frame, again.lists[name])
    pd.testing.assert_frame_equal(sim.truth, again.truth)
    other = simulate(seed=8, population=2000)
    assert not sim.lists["list_a"].equals(other.lists["list_a"])


def test_people_do_not_change_with_the_number_of_lists(sim):
    more = simulate(seed=7, population=2000, lists=5)
    pd.testing.assert_series_equal(sim.people["given_name"], more.people["given_name"])
    pd.testing.assert_frame_equal(sim.lists["list_a"], more.lists["list_a"])


def test_records_are_canonical(sim):
    for name, frame in sim.lists.items():
        assert list(frame.columns) == list(CANONICAL_FIELDS)
        assert (frame["source"] == name).all()
        assert frame["record_id"].is_unique
        assert frame.map(lambda v: isinstance(v, str)).all().all()
        assert set(frame["sex"]) <= SEX_VALUES
        for column in ("date_of_death", "date_of_detention", "age", "birth_year"):
            assert frame[column].str.match(r"^[\d-]*$").all()
        assert frame["date_of_death"].str.match(PARTIAL_DATE).all()
        named = frame[["full_name", "given_name", "family_name"]].ne("").any(axis=1)
        assert named.all()


def test_every_record_has_one_person_who_exists(sim):
    all_records = records(sim)
    assert len(sim.truth) == len(all_records)
    assert set(map(tuple, sim.truth[["source", "record_id"]].to_numpy())) == set(
        map(tuple, all_records[["source", "record_id"]].to_numpy()))
    assert set(sim.truth["person_id"]) <= set(sim.people["person_id"])
    assert sim.n == len(sim.people) == 2000 and sim.people["person_id"].is_unique


def test_documented_share_matches_the_calibration_at_small_size():
    shares = [simulate(seed=s, population=2000).documented / 2000 for s in (1, 2)]
    for share in shares:
        assert abs(share - CUSTODY_DOCUMENTED_SHARE) < 0.035


@pytest.mark.slow
def test_default_scenario_reproduces_the_published_custody_figures():
    sim = simulate()
    assert sim.n == 17_700 and len(sim.lists) == 4
    assert abs(sim.documented - 12_270) / 12_270 < 0.03
    assert 20_000 <= sum(len(frame) for frame in sim.lists.values()) <= 25_000


def test_people_are_plausible(sim):
    people = sim.people
    assert (people["date_of_detention"] <= people["date_of_death"]).all()
    assert people["date_of_death"].min() >= "2011-03-15" and people["date_of_death"].max() <= "2015-12-31"
    years = people["year_of_death"].value_counts(normalize=True)
    assert years[2013] > years[2011] and years[[2012, 2013, 2014]].sum() > 0.7
    assert 0.93 < (people["sex"] == "male").mean() < 0.995
    assert 0 < (people["age"] < 18).mean() < 0.1 and people["age"].between(25, 40).mean() > 0.3
    assert ((people["year_of_death"] - people["age"] - people["birth_year"]).isin([0, 1])).all()
    assert people["governorate"].nunique() >= 12
    table = name_table()
    assert set(people["father_code"]) <= set(table.codes["male"])
    assert (people.loc[people["sex"] == "female", "given_code"].isin(table.codes["female"])).all()


def test_mohammad_is_the_commonest_name_and_brothers_exist(sim):
    people = sim.people
    assert people["given_name"].value_counts().index[0] == "محمد"
    assert 0.08 < (people["given_name"] == "محمد").mean() < 0.3
    brothers = people.groupby(["lineage_id", "father_code"]).size()
    assert (brothers >= 2).sum() >= 20
    cousins = people.groupby("lineage_id")["father_code"].nunique()
    assert (cousins >= 2).sum() >= 5


def test_both_scripts_and_mixed_lists(sim):
    def script_shares(frame):
        text = frame[["full_name", "given_name"]].agg("".join, axis=1)
        return text.str.contains(ARABIC).mean(), text.str.contains(LATIN).mean()

    shares = {name: script_shares(frame) for name, frame in sim.lists.items()}
    assert shares["list_a"][0] == 1.0
    assert shares["list_b"][1] == 1.0
    assert 0.5 < shares["list_c"][0] < 0.95 and shares["list_c"][1] > 0.05


def test_transliterations_vary_between_lists(sim):
    latin = pd.concat([sim.lists["list_b"]["full_name"], sim.lists["list_d"]["given_name"],
                       sim.lists["list_c"]["full_name"]])
    first = latin.str.split().str[0]
    mohammad = {w for w in first if re.fullmatch(r"M[ou]h?h?am+[ae]d", w or "")}
    assert len(mohammad) >= 3


def test_within_list_duplicates(sim):
    counts = sim.truth.groupby(["source", "person_id"]).size()
    for name in sim.lists:
        twice = (counts.loc[name] > 1).sum()
        assert 0 < twice < 0.06 * counts.loc[name].size


def test_date_precisions_are_mixed(sim):
    dates = records(sim)["date_of_death"]
    lengths = dates.str.len().value_counts()
    for length in (0, 4, 7, 10):
        assert lengths.get(length, 0) > 0
    assert lengths[10] > lengths[4]


def test_chain_shifts_missing_grandfathers_and_articles(sim):
    a = sim.lists["list_a"].merge(sim.truth, on=["source", "record_id"]).merge(
        sim.people[["person_id", "grandfather_name", "family_name"]], on="person_id", suffixes=("", "_true"))
    assert (a["grandfather_name"] == "").mean() > 0.05
    shifted = (a["family_name"] == a["grandfather_name_true"]) & (a["family_name"] != a["family_name_true"])
    assert shifted.sum() > 0
    article = a["family_name_true"].str.startswith("ال")
    dropped = article & ~a["family_name"].str.startswith("ال") & (a["family_name"] != "")
    assert 0 < dropped.sum() < article.sum()


def test_typos_occur_at_a_low_rate(sim):
    a = sim.lists["list_a"].merge(sim.truth, on=["source", "record_id"]).merge(
        sim.people[["person_id", "given_name"]], on="person_id", suffixes=("", "_true"))
    plain = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ي"})
    differ = a["given_name"].str.translate(plain).str.replace(" ", "") != \
        a["given_name_true"].str.translate(plain).str.replace(" ", "")
    assert 0.003 < differ.mean() < 0.06


def test_governorates_are_spelled_each_lists_way(sim):
    from uncounted.places import governorate_code

    arabic = sim.lists["list_a"]["governorate"]
    english = sim.lists["list_b"]["governorate"]
    assert arabic[arabic != ""].str.contains(ARABIC).all()
    assert english[english != ""].str.contains(LATIN).all()
    every = records(sim)["governorate"]
    assert (every[every != ""].map(governorate_code) != "").all()


@pytest.mark.parametrize("lists", [2, 8])
def test_two_to_eight_lists(lists):
    sim = simulate(seed=3, population=300, lists=lists)
    assert len(sim.lists) == lists == len(set(sim.truth["source"]))


@pytest.mark.parametrize("kwargs", [{"population": 0}, {"lists": 1}, {"lists": 9}, {"scenario": "war"},
                                    {"seed": -1}, {"population": 2.5}])
def test_bad_arguments_are_refused(kwargs):
    with pytest.raises(BadInput):
        simulate(**kwargs)


def test_write_simulation(sim, tmp_path):
    written = write_simulation(sim, tmp_path / "out")
    names = sorted(p.name for p in written)
    assert names == sorted([f"{n}.csv" for n in sim.lists] + ["truth.csv", "simulation.json"])
    back = pd.read_csv(tmp_path / "out" / "list_a.csv", dtype=str, keep_default_na=False, encoding="utf-8")
    pd.testing.assert_frame_equal(back, sim.lists["list_a"])
    meta = json.loads((tmp_path / "out" / "simulation.json").read_text(encoding="utf-8"))
    assert meta["n"] == 2000 and meta["seed"] == 7 and meta["settings"]["lists"] == 4
    for column in ("year_of_death", "governorate"):
        strata = meta["strata"][column]
        assert sum(s["n"] for s in strata.values()) == 2000
        assert sum(s["documented"] for s in strata.values()) == sim.documented
    with pytest.raises(BadInput):
        write_simulation(sim, tmp_path / "out" / "truth.csv")
    with pytest.raises(BadInput, match="cannot create"):
        write_simulation(sim, tmp_path / "out" / "truth.csv" / "below")


def test_cli_writes_the_files_and_a_summary(run_cli, tmp_path):
    code, out, err = run_cli("simulate", "--out", tmp_path / "sim", "--population", 500,
                             "--lists", 3, "--seed", 5)
    assert code in (0, None), err
    assert "500 people" in out and "list_c" in out
    assert {p.name for p in (tmp_path / "sim").iterdir()} == {
        "list_a.csv", "list_b.csv", "list_c.csv", "truth.csv", "simulation.json"}
    truth = pd.read_csv(tmp_path / "sim" / "truth.csv", dtype=str)
    assert np.all(truth.columns == ["source", "record_id", "person_id"])


@pytest.mark.parametrize("args", [["--population", 0], ["--lists", 1], ["--lists", 9], ["--seed", -3],
                                  ["--out-is-file"]])
def test_cli_refuses_bad_input(run_cli, tmp_path, args):
    target = tmp_path / "sim"
    if args == ["--out-is-file"]:
        target.write_text("x")
        args = []
    code, out, err = run_cli("simulate", "--out", target, *args)
    assert code == 2
    assert "Traceback" not in err and err.strip().count("\n") == 0
    assert not (tmp_path / "sim").is_dir()


def mantel_haenszel(people: pd.DataFrame, x: str, y: str) -> float:
    """Common odds ratio of being on lists x and y within visibility classes (Mantel and Haenszel 1959)."""
    top = bottom = 0.0
    for _, q in people.groupby("visibility_class"):
        both = ((q[x] == 1) & (q[y] == 1)).sum()
        neither = ((q[x] == 0) & (q[y] == 0)).sum()
        only_x = ((q[x] == 1) & (q[y] == 0)).sum()
        only_y = ((q[x] == 0) & (q[y] == 1)).sum()
        top += both * neither / len(q)
        bottom += only_x * only_y / len(q)
    return top / bottom


def test_copying_makes_two_lists_dependent_beyond_the_classes(sim):
    copied = mantel_haenszel(sim.people, "list_a", "list_b")
    independent = mantel_haenszel(sim.people, "list_a", "list_c")
    assert copied > 1.3 and copied > independent + 0.3


def test_capture_is_heterogeneous_by_class_and_place(sim):
    people = sim.people
    by_class = people.groupby("visibility_class")["list_a"].mean()
    assert by_class[0] > by_class[1] > by_class[2] and by_class[0] > 1.3 * by_class[2]
    lists = list(sim.lists)
    documented = people[lists].any(axis=1)
    centre = people["governorate"].isin(["DAM", "RDA"])
    east = people["governorate"].isin(["RAQ", "DEZ", "HAS"])
    visible = people["visibility_class"] == 0
    assert visible[centre].mean() - visible[east].mean() > 0.1
    assert documented[centre].mean() > documented[east].mean()
    early = people["year_of_death"] <= 2012
    assert visible[early].mean() > visible[people["year_of_death"] == 2015].mean()


def test_written_lists_import_strictly_with_nothing_quarantined(tmp_path):
    """The lists are what `uncounted ingest` accepts without a mapping: strict import of every row."""
    from uncounted.ingest import ingest_file
    from uncounted.workspace import Workspace

    sim = simulate(seed=9, population=800, lists=8)
    written = write_simulation(sim, tmp_path / "lists")
    ws = Workspace.create(tmp_path / "ws")
    for path in written:
        if path.suffix == ".csv" and path.stem in sim.lists:
            result = ingest_file(ws, path)
            assert result.n_records == len(sim.lists[path.stem]) and result.n_quarantined == 0


def test_same_files_whatever_the_process_hash_seed(tmp_path):
    import os
    import subprocess

    write_simulation(simulate(seed=4, population=300, lists=3), tmp_path / "here")
    code = ("from uncounted.simulate import simulate, write_simulation; "
            f"write_simulation(simulate(seed=4, population=300, lists=3), {str(tmp_path / 'there')!r})")
    subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ, "PYTHONHASHSEED": "12345"})
    for path in (tmp_path / "here").iterdir():
        assert path.read_bytes() == (tmp_path / "there" / path.name).read_bytes(), path.name


@pytest.mark.parametrize("seed", [11, 12])
def test_with_perfect_linkage_a_loglinear_search_lands_near_the_truth(seed):
    """Heterogeneity is calibrated to be estimable: the lists' true capture histories give a log-linear
    estimate near N, so the demo's error measures linkage and estimation, not an unknowable bias."""
    from uncounted.mse.capture import CaptureTable
    from uncounted.mse.estimate import estimate

    sim = simulate(seed=seed, population=3000)
    lists = list(sim.lists)
    seen = sim.people[sim.people[lists].any(axis=1)]
    result = estimate(CaptureTable.from_frame(seen[lists], lists), "loglinear")
    assert abs(result.estimate - 3000) / 3000 < 0.08
    assert result.lower <= 3000 * 1.02 and result.upper >= 3000 * 0.98
