"""`uncounted estimate` end to end through `main()`: exit codes, stderr sentences, the JSON contract."""

import json
import subprocess
import sys

import pytest

from uncounted.cli import main

KOSOVO = {"1000": 1131, "0100": 845, "1100": 177, "0010": 936, "1010": 228, "0110": 217, "1110": 181,
          "0001": 306, "1001": 106, "0101": 31, "1101": 18, "0011": 123, "1011": 42, "0111": 32, "1111": 27}


def run(monkeypatch, capsys, *args):
    monkeypatch.setattr(sys, "argv", ["uncounted", "estimate", *map(str, args)])
    with pytest.raises(SystemExit) as exit_:
        main()
    out, err = capsys.readouterr()
    return exit_.value.code, out, err


def write(path, header, rows):
    path.write_text("\n".join([",".join(header)] + [",".join(map(str, r)) for r in rows]) + "\n")
    return path


@pytest.fixture
def kosovo_csv(tmp_path):
    rows = [[*pattern, count] for pattern, count in KOSOVO.items()]
    return write(tmp_path / "kosovo.csv", ["EXH", "ABA", "OSCE", "HRW", "count"], rows)


def test_dga_json_follows_the_contract(monkeypatch, capsys, kosovo_csv):
    code, out, err = run(monkeypatch, capsys, kosovo_csv, "--method", "dga", "--delta", "0.0625",
                         "--max-missing", "40000", "--json")
    assert code == 0, err
    data = json.loads(out)
    for key in ("method", "n_observed", "estimate", "lower", "upper", "settings", "seed", "graph_weights"):
        assert key in data
    assert data["method"] == "dga" and data["n_observed"] == 4400
    assert (data["estimate"], data["lower"], data["upper"]) == (12595, 9827, 16544)
    assert data["settings"]["delta"] == 0.0625
    assert data["graph_weights"][0]["graph"] == "[EXH,ABA,OSCE][EXH,OSCE,HRW]"


def test_negative_binomial_prior_from_the_command_line(monkeypatch, capsys, tmp_path):
    counts = {"100": 60, "010": 49, "110": 4, "001": 247, "101": 112, "011": 142, "111": 12}
    path = write(tmp_path / "sb.csv", ["rehab", "death", "birth", "count"],
                 [[*p, c] for p, c in counts.items()])
    code, out, err = run(monkeypatch, capsys, path, "--method", "dga", "--delta", "1", "--max-missing", "300",
                         "--prior", "negbin:13.14,55.17", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert round(data["bayes_relsq"]) == 731  # Madigan & York (1997)
    assert data["settings"]["log_prior"] == "negative binomial (a=13.14, b=55.17)"
    code, _, err = run(monkeypatch, capsys, path, "--method", "dga", "--prior", "negbin:13")
    assert code == 2 and "negbin:A,B" in err


def test_summary_is_readable(monkeypatch, capsys, kosovo_csv):
    code, out, _ = run(monkeypatch, capsys, kosovo_csv, "--method", "dga", "--max-missing", "40000")
    assert code == 0
    assert "4,400 people documented" in out
    assert "12,595" in out and "9,827" in out
    # The graph's notation is printed as text: its brackets are not console markup to be swallowed.
    assert "Most probable graph: [EXH,ABA,OSCE][EXH,OSCE,HRW] (posterior weight 0.986)" in out


def test_the_summary_names_the_log_linear_model_in_its_own_notation(monkeypatch, capsys, kosovo_csv):
    code, out, _ = run(monkeypatch, capsys, kosovo_csv, "--method", "loglinear", "--model", "[123][14][34]")
    assert code == 0
    assert "Model: [" in out


def test_strata_are_estimated_and_reported(monkeypatch, capsys, tmp_path):
    rows = [[*p, "north", c] for p, c in KOSOVO.items()]
    rows += [[*p, "south", c // 3] for p, c in KOSOVO.items()]
    rows += [["1", "0", "0", "0", "west", 5], ["0", "1", "0", "0", "west", 4]]  # west: no overlaps at all
    path = write(tmp_path / "strata.csv", ["EXH", "ABA", "OSCE", "HRW", "region", "count"], rows)
    code, out, err = run(monkeypatch, capsys, path, "--method", "dga", "--strata", "region", "--json")
    assert code == 0, err
    data = json.loads(out)
    status = {row["stratum"]: row["status"] for row in data["strata"]}
    assert status == {"north": "estimated", "south": "estimated", "west": "not estimated"}
    assert data["n_observed"] == 4400 + sum(c // 3 for c in KOSOVO.values())
    assert any("west (9 documented)" in w for w in data["warnings"])


def test_loglinear_model_by_name(monkeypatch, capsys, kosovo_csv):
    pytest.importorskip("uncounted.mse.loglinear")
    code, out, err = run(monkeypatch, capsys, kosovo_csv, "--method", "loglinear", "--model",
                         "[EXH,ABA,OSCE][EXH,HRW][OSCE,HRW]", "--json")
    assert code == 0, err
    assert json.loads(out)["estimate"] == pytest.approx(10356.5, abs=0.5)


def test_lcmcr_options_reach_the_sampler(monkeypatch, capsys, kosovo_csv):
    pytest.importorskip("uncounted.mse.lcmcr")
    code, out, err = run(monkeypatch, capsys, kosovo_csv, "--method", "lcmcr", "--K", "4", "--burnin", "300",
                         "--samples", "50", "--thin", "2", "--seed", "9", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["method"] == "lcmcr" and data["seed"] == 9
    assert data["lower"] <= data["estimate"] <= data["upper"]


def bad_tables(tmp_path):
    four = ["A", "B", "C", "D", "count"]
    six = ["A", "B", "C", "D", "E", "F", "count"]
    return {
        "all-zero": (write(tmp_path / "zero.csv", four, [[1, 1, 0, 0, 3], [0, 0, 0, 0, 2], [0, 1, 1, 1, 4]]),
                     ["--method", "dga"], "all zeros"),
        "negative": (write(tmp_path / "neg.csv", four, [[1, 1, 0, 0, -3], [0, 1, 1, 1, 4]]),
                     ["--method", "dga"], "whole number"),
        "fractional": (write(tmp_path / "frac.csv", four, [[1, 1, 0, 0, 2.5], [0, 1, 1, 1, 4]]),
                       ["--method", "dga"], "whole number"),
        "one list": (write(tmp_path / "one.csv", ["A", "count"], [[1, 7]]), ["--method", "dga"],
                     "at least 2"),
        "never observed": (write(tmp_path / "never.csv", four, [[1, 1, 0, 0, 3], [0, 1, 1, 0, 4]]),
                           ["--method", "dga"], "'D' records nobody"),
        "six lists to dga": (write(tmp_path / "six.csv", six, [[1, 1, 1, 1, 1, 1, 3], [1, 0, 1, 0, 1, 0, 2]]),
                             ["--method", "dga"], "3 to 5 lists"),
        "two lists to lcmcr": (write(tmp_path / "two.csv", ["A", "B", "count"],
                                     [[1, 1, 3], [1, 0, 4], [0, 1, 2]]),
                               ["--method", "lcmcr"], "LCMCR needs at least 3 lists"),
        "unknown list in model": (write(tmp_path / "m.csv", four, [[1, 1, 1, 1, 3], [1, 0, 1, 0, 2],
                                                                   [0, 1, 0, 1, 4]]),
                                  ["--method", "loglinear", "--model", "[A,B][C,X]"], "'X'"),
        "missing file": (tmp_path / "nope.csv", ["--method", "dga"], "no such file"),
        "not csv": (tmp_path / "book.xlsx", ["--method", "dga"], "not a CSV file"),
        "unknown method": (write(tmp_path / "u.csv", four, [[1, 1, 1, 1, 3]]), ["--method", "bayes"],
                           "unknown method"),
    }


@pytest.mark.parametrize("case", ["all-zero", "negative", "fractional", "one list", "never observed",
                                  "six lists to dga", "two lists to lcmcr", "unknown list in model",
                                  "missing file", "not csv", "unknown method"])
def test_bad_input_exits_2_with_one_sentence(monkeypatch, capsys, tmp_path, case):
    (tmp_path / "book.xlsx").write_bytes(b"PK\x03\x04" + bytes(200))
    path, args, words = bad_tables(tmp_path)[case]
    code, out, err = run(monkeypatch, capsys, path, *args)
    assert code == 2
    assert words in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) <= 2  # one sentence (Rich may wrap a long path)
    assert out == ""


def test_installed_command_runs_as_a_process(kosovo_csv):
    done = subprocess.run([sys.executable, "-c", "from uncounted.cli import main; main()", "estimate",
                           str(kosovo_csv), "--method", "dga", "--json"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["method"] == "dga"
