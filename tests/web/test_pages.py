"""What each page does: import with a mapping, search across scripts, a person's records, review, estimates,
the two languages and the completeness of the Arabic catalogue."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from fastapi.testclient import TestClient

from uncounted.link.review import load_labels
from uncounted.store import audit
from uncounted.store.records import load_quarantine, load_records
from uncounted.web import create_app, i18n
from uncounted.workspace import Workspace

from .conftest import csrf_of, post, sign_in

WEB = Path(__file__).parents[2] / "src" / "uncounted" / "web"
LIST = (
    "اسم,sex,record_id,age\n"
    "محمد أحمد الحسن,male,r1,34\n"
    "Mohammed Ahmad Al-Hassan,male,r2,abc\n"
    "فاطمة علي,female,r3,20\n"
).encode()


@pytest.fixture
def own_linked(linked_ws: Path, tmp_path: Path) -> Path:
    """A private copy of the linked workspace, for tests that write."""
    return Path(shutil.copytree(linked_ws, tmp_path / "copy"))


def test_upload_preview_fix_mapping_and_import(fresh_ws: Path) -> None:
    with TestClient(create_app(fresh_ws)) as client:
        sign_in(client, "analyst")
        token = csrf_of(client.get("/lists").text)
        response = client.post(
            "/lists/upload",
            data={"csrf_token": token},
            files={"file": ("شبكة.csv", LIST, "text/csv")},
            follow_redirects=False,
        )
        mapping_url = response.headers["location"]
        page = client.get(mapping_url).text
        # Guessed: canonical headers map to themselves; the Arabic header is left for the user.
        assert re.search(r'name="col_1".*?<option value="sex" selected>', page, re.S)
        assert not re.search(r'name="col_0".*?selected>.*?name="col_1"', page, re.S)
        form = {
            "source": "network",
            "col_0": "full_name",
            "col_1": "sex",
            "col_2": "record_id",
            "col_3": "age",
            "quarantine": "on",
        }
        preview = post(client, mapping_url, {**form, "action": "preview"}, page=mapping_url)
        assert (
            preview.status_code == 200
            and "<th>full_name</th>" in preview.text
            and "فاطمة علي" in preview.text
        )
        twice = post(client, mapping_url, {**form, "col_3": "sex", "action": "preview"}, page=mapping_url)
        assert twice.status_code == 400 and "several columns are mapped onto sex" in twice.text
        done = post(client, mapping_url, {**form, "action": "import"}, page=mapping_url)
        assert done.status_code == 303
        result = client.get(done.headers["location"]).text
        assert "2 records imported, 1 rows quarantined" in result and "r2" in result and "age" in result
    ws = Workspace.open(fresh_ws)
    records = load_records(ws)
    assert sorted(records["record_id"]) == ["r1", "r3"] and set(records["source"]) == {"network"}
    assert load_quarantine(ws)["record_id"].tolist() == ["r2"]
    assert any(e["action"] == "web.list.import" and e["actor"] == "analyst" for e in audit.entries(ws))


def test_strict_import_refuses_the_file_with_the_row(fresh_ws: Path) -> None:
    with TestClient(create_app(fresh_ws)) as client:
        sign_in(client, "analyst")
        token = csrf_of(client.get("/lists").text)
        url = client.post(
            "/lists/upload",
            data={"csrf_token": token},
            files={"file": ("l.csv", LIST)},
            follow_redirects=False,
        ).headers["location"]
        form = {
            "source": "net",
            "col_0": "full_name",
            "col_1": "sex",
            "col_2": "record_id",
            "col_3": "age",
            "action": "import",
        }
        response = post(client, url, form, page=url)
        assert response.status_code == 400 and "row 3" in response.text
    assert load_records(Workspace.open(fresh_ws)).empty


def test_search_finds_names_across_scripts(linked_ws: Path) -> None:
    records = load_records(Workspace.open(linked_ws))
    arabic = records[records["full_name"].str.contains("محمد")]
    assert len(arabic), "the simulated lists hold Arabic names"
    with TestClient(create_app(linked_ws)) as client:
        sign_in(client, "viewer")
        in_arabic = client.get("/records", params={"q": "محمد"}).text
        in_latin = client.get("/records", params={"q": "Mohammed"}).text
        count = int(re.search(r"<p>(\d+) records</p>", in_latin).group(1))
        assert count >= len(arabic)
        assert arabic["record_id"].iloc[0] in in_arabic or "محمد" in in_arabic
        nothing = client.get("/records", params={"q": "Qqqqzzz"}).text
        assert "<p>0 records</p>" in nothing


def test_person_page_shows_records_from_each_list(linked_ws: Path) -> None:
    entities = pd.read_csv(linked_ws / "entities.csv", dtype=str)
    sizes = entities.groupby("entity_id")["source"].nunique()
    person = sizes[sizes >= 2].index[0]
    mine = entities[entities["entity_id"] == person]
    with TestClient(create_app(linked_ws)) as client:
        sign_in(client, "viewer")
        page = client.get(f"/persons/{person}").text
        for source, record_id in zip(mine["source"], mine["record_id"], strict=True):
            assert source in page and record_id in page
        assert client.get("/persons/nobody").status_code == 404


def test_review_pairs_are_labelled_by_the_signed_in_reviewer(own_linked: Path) -> None:
    with TestClient(create_app(own_linked)) as client:
        sign_in(client, "reviewer")
        first = client.get("/review").text
        total = int(re.search(r"0 of (\d+) pairs labelled", first).group(1))
        for label in ("match", "non-match", "unsure"):
            page = client.get("/review").text
            keys = {
                k: re.search(rf'name="{k}" value="([^"]*)"', page).group(1)
                for k in ("source_l", "record_id_l", "source_r", "record_id_r")
            }
            assert post(client, "/review", {**keys, "label": label}, page="/review").status_code == 303
        assert f"3 of {total} pairs labelled" in client.get("/review").text
        bogus = post(
            client,
            "/review",
            {"source_l": "a", "record_id_l": "1", "source_r": "b", "record_id_r": "2", "label": "match"},
            page="/review",
        )
        assert bogus.status_code == 400
    labels = load_labels(Workspace.open(own_linked))
    assert labels["label"].tolist() == ["match", "non-match", "unsure"]
    assert set(labels["reviewer"]) == {"reviewer"} and labels["match_probability"].notna().all()


@pytest.mark.parametrize("stratum", ["", "sex"])
def test_estimate_run_and_result(own_linked: Path, stratum: str) -> None:
    with TestClient(create_app(own_linked)) as client:
        sign_in(client, "analyst")
        response = post(client, "/estimates/run", {"method": "loglinear", "stratum": stratum, "seed": "3"})
        assert response.status_code == 303
        page = client.get("/estimates").text
    saved = json.loads((own_linked / "estimate.json").read_text(encoding="utf-8"))
    assert saved["lower"] <= saved["estimate"] <= saved["upper"] and saved["n_observed"] > 0
    assert f"{saved['estimate']:.0f}" in page and f"{saved['lower']:.0f} – {saved['upper']:.0f}" in page
    if stratum:
        assert "By stratum" in page and {"male", "female"} <= {row["stratum"] for row in saved["strata"]}
        for row in saved["strata"]:
            assert f"<bdi>{row['stratum']}</bdi>" in page


def test_arabic_pages_are_right_to_left_and_translated(linked_ws: Path) -> None:
    with TestClient(create_app(linked_ws)) as client:
        sign_in(client, "admin")
        arabic = client.get("/estimates", params={"lang": "ar"}).text
        assert (
            '<html lang="ar" dir="rtl">' in arabic
            and "أحدث تقدير" in arabic
            and "Latest estimate" not in arabic
        )
        assert '<html lang="ar" dir="rtl">' in client.get("/records").text  # the choice is remembered
        english = client.get("/", params={"lang": "en"}).text
        assert '<html lang="en" dir="ltr">' in english and "Dashboard" in english
        assert '<html lang="en"' in client.get("/", params={"lang": "xx"}).text


MARKED = re.compile(r"""_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*\)""")


def test_every_interface_string_has_an_arabic_translation() -> None:
    sources = [*WEB.glob("templates/*.html"), *WEB.rglob("*.py")]
    marked = {a or b for path in sources for a, b in MARKED.findall(path.read_text(encoding="utf-8"))}
    assert len(marked) > 100
    arabic = i18n.catalogue("ar")
    missing = sorted(m for m in marked if not arabic.get(m))
    assert not missing, missing
    for message in marked:  # placeholders survive translation
        assert sorted(re.findall(r"%\(\w+\)s", message)) == sorted(re.findall(r"%\(\w+\)s", arabic[message]))
        assert re.search(r"[\u0600-\u06FF]", arabic[message]), message
    assert not sorted(set(arabic) - marked), "translations of strings no longer used"
