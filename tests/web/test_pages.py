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


def test_a_second_file_under_a_list_name_is_refused_unless_appended(fresh_ws: Path) -> None:
    form = {"source": "network", "col_0": "full_name", "col_1": "sex", "col_2": "record_id", "col_3": "age",
            "quarantine": "on", "action": "import"}
    batches = [LIST, "اسم,sex,record_id,age\nسمير خالد,male,r4,41\n".encode()]
    with TestClient(create_app(fresh_ws)) as client:
        sign_in(client, "analyst")
        pages = []
        for name, content in zip(("batch1.csv", "batch2.csv"), batches, strict=True):
            token = csrf_of(client.get("/lists").text)
            url = client.post("/lists/upload", data={"csrf_token": token}, files={"file": (name, content)},
                              follow_redirects=False).headers["location"]
            pages.append((url, post(client, url, form, page=url)))
        (_, first), (url, second) = pages
        assert first.status_code == 303 and second.status_code == 400
        refused = second.text.replace("&#39;", "'")
        assert "source 'network' already holds 2 records from batch1.csv" in refused
        assert 'name="append"' in refused and "Add these rows to the list of this name" in refused
        assert len(load_records(Workspace.open(fresh_ws))) == 2  # nothing of the second file was written
        assert post(client, url, {**form, "append": "on"}, page=url).status_code == 303
    assert sorted(load_records(Workspace.open(fresh_ws))["record_id"]) == ["r1", "r3", "r4"]


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
        # match and non-match count, unsure does not; the linkage page follows each new label
        assert re.search(r"<th>labelled_pairs</th><td>2</td>", client.get("/linkage").text)
        bogus = post(
            client,
            "/review",
            {"source_l": "a", "record_id_l": "1", "source_r": "b", "record_id_r": "2", "label": "match"},
            page="/review",
        )
        assert bogus.status_code == 400
        page = client.get("/review").text
        keys = {
            k: re.search(rf'name="{k}" value="([^"]*)"', page).group(1)
            for k in ("source_l", "record_id_l", "source_r", "record_id_r")
        }
        assert post(client, "/review", {**keys, "label": "match"}, page="/review").status_code == 303
        assert re.search(r"<th>labelled_pairs</th><td>3</td>", client.get("/linkage").text)
    labels = load_labels(Workspace.open(own_linked))
    assert labels["label"].tolist() == ["match", "non-match", "unsure", "match"]
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


def test_every_library_message_template_is_translated_with_its_values() -> None:
    """Each template, filled with values, comes back as its Arabic translation with the same values in it."""
    from uncounted.web import messages

    arabic = i18n.catalogue("ar")
    for template in messages.TEMPLATES:
        names = re.findall(r"%\((\w+)\)s", template)
        values = {name: f"«v{i}»" for i, name in enumerate(names)}
        assert messages.say(template % values, "ar") == arabic[template] % values, template
    assert (
        messages.say("a sentence nobody wrote a template for", "ar")
        == "a sentence nobody wrote a template for"
    )


def test_real_library_errors_read_in_arabic(fresh_ws: Path) -> None:
    """Sentences raised by ingest and testimony (not copies of them) are matched and translated."""
    from uncounted.errors import BadInput
    from uncounted.ingest.dates import parse_iso
    from uncounted.testimony.model import claim_from_row
    from uncounted.web import messages

    raised = []
    for call in (
        lambda: parse_iso("2013-13"),
        lambda: claim_from_row({"claim_id": "c", "account_id": "a", "claim_type": "rumour"}, "f.csv", 4),
        lambda: claim_from_row(
            {
                "claim_id": "c",
                "account_id": "a",
                "claim_type": "frequency",
                "fact_key": "f",
                "low": "2",
                "unit": "people",
            },
            "/srv/private/f.csv",
            5,
        ),
    ):
        try:
            call()
        except BadInput as exc:
            raised.append(messages.explain(exc, "ar"))
    assert raised[0] == "في '2013-13' الشهر 13، وهو غير موجود."
    assert raised[1].startswith("f.csv، الصف 4، العمود 'claim_type': 'rumour' ليست من القيم المقبولة")
    assert raised[2].startswith("f.csv، الصف 5، العمود 'unit': people ليست وحدة من نوع rate")
    assert "/srv/private" not in raised[2]  # a server path is never shown
    with TestClient(create_app(fresh_ws)) as client:
        sign_in(client, "analyst")
        token = csrf_of(client.get("/lists", params={"lang": "ar"}).text)
        url = client.post(
            "/lists/upload",
            data={"csrf_token": token},
            files={"file": ("l.csv", LIST)},
            follow_redirects=False,
        ).headers["location"]
        form = {"source": "net", "col_0": "full_name", "col_1": "sex", "col_2": "record_id", "col_3": "age"}
        refused = post(client, url, {**form, "action": "import"}, page=url).text
        assert "العمر 'abc' ليس عددًا صحيحًا من 0 إلى" in refused.replace("&#39;", "'")
        assert "لم يُستورد شيء" in refused and "nothing was imported" not in refused
        done = post(client, url, {**form, "action": "import", "quarantine": "on"}, page=url)
        result = client.get(done.headers["location"]).text.replace("&#39;", "'")
        assert "العمر 'abc' ليس عددًا صحيحًا" in result and "is not a whole number" not in result


@pytest.mark.parametrize(
    ("method", "stratum", "titles"),
    [
        ("loglinear", "sex", ["Estimate and 95% interval, overall and by stratum"]),
        ("dga", "", ["Estimate and 95% interval, overall and by stratum", "Posterior weights of the graphs"]),
    ],
)
def test_estimate_page_shows_the_estimates_plots(
    own_linked: Path, method: str, stratum: str, titles: list[str]
) -> None:
    import base64

    with TestClient(create_app(own_linked)) as client:
        sign_in(client, "analyst")
        run = post(client, "/estimates/run", {"method": method, "stratum": stratum, "seed": "2"})
        assert run.status_code == 303
        page = client.get("/estimates").text
        arabic = client.get("/estimates", params={"lang": "ar"}).text
    shown = re.findall(r'<img src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]+)">', page)
    assert [alt for _, alt in shown] == titles
    svgs = [base64.b64decode(encoded).decode("utf-8") for encoded, _ in shown]
    for svg in svgs:  # a standalone image: no undeclared prefix, no outside address
        assert svg.startswith("<svg") and "xlink:" not in svg
        assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert 'alt="التقدير ومجال الثقة 95%، إجمالًا وحسب الطبقة"' in arabic
    arabic_svg = base64.b64decode(re.findall(r'<img src="data:image/svg\+xml;base64,([^"]+)"', arabic)[0]).decode()
    assert ">all<" in svgs[0] and ">الكل<" in arabic_svg and ">all<" not in arabic_svg  # the plot's words too
    assert ">أشخاص<" in arabic_svg and re.search(r">الموثَّقون \([\d,]+\)<", arabic_svg)
    if stratum:  # one interval per stratum, labelled on the plot
        assert ">male<" in svgs[0] and ">female<" in svgs[0]


def test_posterior_draws_are_kept_for_their_own_estimate_only(tmp_path: Path) -> None:
    import numpy as np

    from uncounted.mse import Estimate
    from uncounted.web import plots

    draws = np.random.default_rng(1).normal(1000, 50, 400)
    result = Estimate(
        method="lcmcr",
        n_observed=700,
        estimate=1000.0,
        lower=900.0,
        upper=1100.0,
        settings={},
        seed=3,
        input_hash="abc",
        draws=draws,
    )
    plots.save_draws(tmp_path, result)
    saved = result.to_json()
    assert np.array_equal(plots.draws_for(tmp_path, saved), draws)
    assert plots.draws_for(tmp_path, {**saved, "input_hash": "other"}) is None  # a later CLI estimate
    titles = [f.title for f in plots.figures(saved, draws)]
    assert titles == ["Estimate and 95% interval, overall and by stratum", "Posterior density of the total"]
    plots.save_draws(tmp_path, Estimate("loglinear", 700, 1000.0, 900.0, 1100.0, {}, None, "abc"))
    assert plots.draws_for(tmp_path, saved) is None
