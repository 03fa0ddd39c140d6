"""The in-memory name index: cross-script matches, parts of words, every word required, and an index that
grows with each import instead of being rebuilt."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from uncounted.ingest import ingest_file
from uncounted.web import data
from uncounted.web.context import WebState
from uncounted.web.search import RecordIndex
from uncounted.workspace import Workspace

FIRST = (
    "source,record_id,full_name,sex\n"
    "a,1,محمد أحمد الحسن,male\n"
    "a,2,Mohammed Khalil,male\n"
    "a,3,فاطمة علي,female\n"
    "a,4,عبد الرحمن يوسف,male\n"
)
SECOND = "source,record_id,full_name,sex\nb,1,Muhammad Ali,male\nb,2,Layla Haddad,female\n"


def _import(ws: Workspace, folder: Path, name: str, text: str) -> None:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    ingest_file(ws, path)


def _found(web: WebState, query: str) -> set[tuple[str, str]]:
    index = data.record_index(web)
    rows = data.records_by_id(web, index.ids[index.search(query)], ("source", "record_id"))
    return {(r["source"], r["record_id"]) for r in rows}


def test_search_across_scripts_and_words(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws")
    _import(ws, tmp_path, "a.csv", FIRST)
    web = WebState(ws, staging=tmp_path)
    assert _found(web, "Muhammad") == {("a", "1"), ("a", "2")}  # محمد and Mohammed share a key
    assert _found(web, "محمد") == {("a", "1"), ("a", "2")}
    assert _found(web, "حمد الحسن") == {("a", "1")}  # a part of a word, and every word must match
    assert _found(web, "عبدالرحمن") == {("a", "4")}  # a compound written as one word or two
    assert _found(web, "فاطمة Khalil") == set()
    assert len(data.record_index(web).search("")) == 4  # no query: every record, in import order


def test_the_index_grows_with_each_import(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws")
    _import(ws, tmp_path, "a.csv", FIRST)
    web = WebState(ws, staging=tmp_path)
    before = data.record_index(web)
    assert _found(web, "Layla") == set()
    _import(ws, tmp_path, "b.csv", SECOND)
    after = data.record_index(web)
    assert after is not before and len(after) == 6 and len(before) == 4  # the old index is left as it was
    assert np.array_equal(after.ids[:4], before.ids)
    assert _found(web, "Layla") == {("b", "2")}
    assert _found(web, "محمد") == {("a", "1"), ("a", "2"), ("b", "1")}
    assert data.record_index(web) is after  # nothing new: the same index, no reload


def test_an_empty_workspace_has_an_empty_index(tmp_path: Path) -> None:
    web = WebState(Workspace.create(tmp_path / "ws"), staging=tmp_path)
    index = data.record_index(web)
    assert len(index) == 0 and len(index.search("محمد")) == 0 and isinstance(index, RecordIndex)
