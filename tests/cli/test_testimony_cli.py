"""`uncounted testimony` end to end through `main()`: import, corroborate, extrapolate; bad input exits 2."""

import json
import sys
from pathlib import Path

import pytest

from tests.testimony.factory import CLAIMS, FREQ, SIZE, claim, vaulted, write_testimony
from uncounted.cli import main
from uncounted.workspace import Workspace

EXAMPLE = Path(__file__).parents[2] / "examples" / "saydnaya"


def run(monkeypatch, capsys, *args):
    monkeypatch.setattr(sys, "argv", ["uncounted", "testimony", *map(str, args)])
    with pytest.raises(SystemExit) as exit_:
        main()
    out, err = capsys.readouterr()
    return exit_.value.code, out, " ".join(err.split())


MODEL = f"""
rule = "weeks * rate * size"
testimony = ["witnesses.csv", "accounts.csv", "claims.csv"]
[parameters.weeks]
range = [226, 226]
reason = "1 Sep 2011 - 31 Dec 2015"
[parameters.rate]
fact = "{FREQ}"
[parameters.size]
fact = "{SIZE}"
combine = "median_of_sources"
"""


def test_import_corroborate_extrapolate_through_a_workspace(monkeypatch, capsys, tmp_path):
    ws = vaulted(Workspace.create(tmp_path / "ws"), monkeypatch)
    paths = write_testimony(tmp_path / "in")
    code, out, err = run(monkeypatch, capsys, "import", *paths, "-w", ws.path)
    assert code == 0, err
    assert "imported 6 witnesses, 6 accounts, 6 claims" in " ".join(out.split())
    code, out, err = run(monkeypatch, capsys, "corroborate", "-w", ws.path, "--json")
    assert code == 0, err
    findings = {f["finding_id"]: f for f in json.loads(out)["findings"]}
    assert findings[SIZE]["status"] == "corroborated" and findings[SIZE]["independent_sources"] == 3
    model = tmp_path / "model.toml"
    model.write_text(MODEL.replace('testimony = ["witnesses.csv", "accounts.csv", "claims.csv"]\n', ""))
    code, out, err = run(monkeypatch, capsys, "extrapolate", model, "-w", ws.path, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["bounds"] == [4520, 22600]
    assert data["parameters"]["size"]["claims"] == ["C3", "C4", "C5"]


def test_extrapolate_reads_the_files_its_model_names(monkeypatch, capsys, tmp_path):
    write_testimony(tmp_path)
    (tmp_path / "model.toml").write_text(MODEL)
    code, out, err = run(monkeypatch, capsys, "extrapolate", tmp_path / "model.toml", "--seed", "5")
    assert code == 0, err
    text = " ".join(out.split())
    assert "bounds (min–max of the rule over the parameter ranges): 4,520–22,600" in text
    assert "seed 5" in text and "size: 20–50 people, uniform" in text


def test_witness_identities_never_reach_the_output(monkeypatch, capsys, tmp_path):
    ws = vaulted(Workspace.create(tmp_path / "ws"), monkeypatch)
    paths = write_testimony(tmp_path / "in")
    outputs = [run(monkeypatch, capsys, "import", *paths, "-w", ws.path)]
    outputs.append(run(monkeypatch, capsys, "corroborate", "-w", ws.path, "--json"))
    outputs.append(run(monkeypatch, capsys, "corroborate", *paths))
    (tmp_path / "in" / "model.toml").write_text(MODEL)
    outputs.append(run(monkeypatch, capsys, "extrapolate", tmp_path / "in" / "model.toml", "--json"))
    for code, out, err in outputs:
        assert code == 0, err
        assert "Secret Name One" not in out + err and "secret-contact-1" not in out + err


BAD = [
    ("unknown account", [claim("C11", "A77")], "claim 'C11' names account 'A77'"),
    ("inverted range", [claim("C11", "A1", low=50, high=20)], "the range is inverted"),
    ("negative range", [claim("C11", "A1", low=-20)], "low is negative"),
    ("unknown unit", [claim("C11", "A1", unit="cartloads")], "unknown unit 'cartloads'"),
    ("circular chain", [claim("C11", "A1", knowledge="hearsay", origin="W2"),
                        claim("C12", "A2", knowledge="hearsay", origin="W1")], "circular hearsay chain"),
]


@pytest.mark.parametrize(("case", "claims", "words"), BAD, ids=[b[0] for b in BAD])
def test_bad_claims_exit_2_naming_file_and_row_and_import_nothing(monkeypatch, capsys, tmp_path, case, claims,
                                                                 words):
    ws = vaulted(Workspace.create(tmp_path / "ws"), monkeypatch)
    paths = write_testimony(tmp_path / "in", claims=[*CLAIMS[:2], *claims])
    code, out, err = run(monkeypatch, capsys, "import", *paths, "-w", ws.path)
    assert code == 2
    assert words in err and f"{paths[2]}, row {2 + len(claims) + 1}" in err
    assert err.count("\n") == 0 and "Traceback" not in err
    from uncounted.testimony.persist import load_testimony

    assert not load_testimony(ws).witnesses


def test_unknown_witness_exits_2_naming_the_accounts_row(monkeypatch, capsys, tmp_path):
    ws = vaulted(Workspace.create(tmp_path / "ws"), monkeypatch)
    accounts = [{"account_id": "A1", "witness_id": "W1", "kind": "interview"},
                {"account_id": "A2", "witness_id": "W404", "kind": "interview"}]
    paths = write_testimony(tmp_path / "in", accounts=accounts, claims=[claim("C1", "A1")])
    code, _, err = run(monkeypatch, capsys, "import", *paths, "-w", ws.path)
    assert code == 2 and f"{paths[1]}, row 3" in err and "witness 'W404'" in err


@pytest.mark.parametrize(("text", "words"), [
    ('rule = "weeks * nights"\n[parameters.weeks]\nrange = [1, 2]\nreason = "r"\n', "'nights', which is not"),
    ('rule = "weeks"\n[parameters.weeks]\ndistribution = "uniform"\n', "bound to no claims and has no range"),
    ('rule = "weeks.__class__"\n[parameters.weeks]\nrange = [1, 2]\nreason = "r"\n', "is not allowed"),
])
def test_malformed_model_files_exit_2(monkeypatch, capsys, tmp_path, text, words):
    write_testimony(tmp_path)
    model = tmp_path / "model.toml"
    model.write_text('testimony = ["witnesses.csv", "accounts.csv", "claims.csv"]\n' + text)
    code, out, err = run(monkeypatch, capsys, "extrapolate", model)
    assert code == 2 and words in err and str(model) in err and not out


def test_the_example_runs_as_it_is_from_the_repository_root(monkeypatch, capsys):
    monkeypatch.chdir(EXAMPLE.parents[1])
    code, out, err = run(monkeypatch, capsys, "extrapolate", "examples/saydnaya/model.toml", "--json",
                         "--draws", "2000")
    assert code == 0, err
    assert json.loads(out)["bounds"] == [4520, 22600]


def test_a_workspace_may_hold_its_own_standard(monkeypatch, capsys, tmp_path):
    ws = vaulted(Workspace.create(tmp_path / "ws"), monkeypatch)
    ws.settings["testimony"] = {"standard": {"name": "three-direct", "min_direct_sources": 3}}
    ws.save_settings()
    assert run(monkeypatch, capsys, "import", *write_testimony(tmp_path / "in"), "-w", ws.path)[0] == 0
    code, out, err = run(monkeypatch, capsys, "corroborate", "-w", ws.path, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["standard"]["name"] == "three-direct"
    size = next(f for f in data["findings"] if f["finding_id"] == SIZE)
    assert (size["direct_sources"], size["status"]) == (3, "corroborated")
    freq = next(f for f in data["findings"] if f["finding_id"] == FREQ)
    assert (freq["direct_sources"], freq["status"]) == (2, "insufficient")
