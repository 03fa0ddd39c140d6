"""Candidate pairs from `uncounted.link.blocking` against a plain Python reading of the same rules."""

from __future__ import annotations

import itertools

import duckdb
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from uncounted.link.blocking import (
    PAIRS,
    ROWS,
    SPLINK_KEY_SEPARATOR,
    Blocking,
    BlockingRule,
    SupportingField,
    candidate_pairs,
    scoring_chunks,
)

RULES = (
    BlockingRule(("given", "father")),
    BlockingRule(("given", "family"), other=("given", "father"), only_if_missing="father"),
    BlockingRule(("family", "year")),
)
SUPPORT = (SupportingField("mother", "mother"), SupportingField("year", "year"))

value = st.one_of(st.none(), st.sampled_from(["a", "b"]))
row = st.fixed_dictionaries({"given": value, "father": value, "family": value, "mother": value,
                             "year": st.one_of(st.none(), st.sampled_from([2012, 2013]))})


def _frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["given", "father", "family", "mother", "year"]).astype(object)
    frame["year"] = frame["year"].astype("Int64")
    frame.insert(0, "unique_id", [f"r{i:03d}" for i in range(len(frame))])
    frame.insert(0, "source_dataset", ["one" if i % 2 else "two" for i in range(len(frame))])
    return frame


def _pairs(frame: pd.DataFrame, blocking: Blocking) -> dict[tuple, int]:
    with duckdb.connect() as con:
        con.register("records", frame)
        candidate_pairs(con, "records", blocking)
        rows = con.execute(f"SELECT p.match_key, l.source_dataset, l.unique_id, r.source_dataset, r.unique_id "
                           f"FROM {PAIRS} p JOIN {ROWS} l ON l.rid = p.a JOIN {ROWS} r ON r.rid = p.b").fetchall()
    return {(a, b, c, d): key for key, a, b, c, d in rows}


def _key(record: dict, fields: tuple[str, ...], missing: str | None) -> tuple | None:
    values = tuple(record[field] for field in fields)
    if any(pd.isna(v) for v in values) or (missing and not pd.isna(record[missing])):
        return None
    return values


def _reference(frame: pd.DataFrame, blocking: Blocking) -> dict[tuple, int]:
    """Every pair of records, every rule, read literally."""
    records = sorted(frame.to_dict("records"), key=lambda r: (r["source_dataset"], r["unique_id"]))
    found = {}
    for i, rule in enumerate(blocking.rules):
        first = [_key(r, rule.fields, rule.only_if_missing) for r in records]
        second = [_key(r, rule.other, None) for r in records] if rule.other else first
        size = {}
        for key in {k for k in first if k is not None}:
            n_first, n_second = first.count(key), second.count(key)
            size[key] = n_first * (n_first - 1) // 2 if rule.other is None else n_first * n_second
        for x, y in itertools.combinations(range(len(records)), 2):
            ways = [(x, y), (y, x)] if rule.other else [(x, y)]
            joined = [first[a] for a, b in ways if first[a] is not None and first[a] == second[b]]
            if not joined:
                continue
            oversized = blocking.max_block_pairs is not None and size[joined[0]] > blocking.max_block_pairs
            supported = any(not pd.isna(records[x][f.name]) and records[x][f.name] == records[y][f.name]
                            for f in blocking.supporting if f.name not in rule.columns)
            if oversized and not supported:
                continue
            pair = (records[x]["source_dataset"], records[x]["unique_id"],
                    records[y]["source_dataset"], records[y]["unique_id"])
            found.setdefault(pair, i)
    return found


@settings(max_examples=60, deadline=None)
@given(st.lists(row, min_size=2, max_size=14), st.sampled_from([None, 0, 1, 3]))
def test_pairs_are_exactly_the_rules_read_literally(rows: list[dict], cap: int | None) -> None:
    blocking = Blocking(RULES, SUPPORT, cap)
    assert _pairs(_frame(rows), blocking) == _reference(_frame(rows), blocking)


def test_an_oversized_block_keeps_only_pairs_sharing_a_supporting_field() -> None:
    # Five records share given + father (10 pairs); two of them also share the mother's name.
    frame = _frame([{"given": "a", "father": "b", "family": None, "mother": m, "year": None}
                    for m in ("x", "x", "y", None, "z")])
    assert len(_pairs(frame, Blocking(RULES, SUPPORT, None))) == 10
    thinned = _pairs(frame, Blocking(RULES, SUPPORT, 9))
    assert list(thinned) == [("one", "r001", "two", "r000")]
    assert len(_pairs(frame, Blocking(RULES, SUPPORT, 10))) == 10  # at the cap the block is taken whole


def test_pairs_do_not_depend_on_row_order() -> None:
    frame = _frame([{"given": "a", "father": "b", "family": f, "mother": None, "year": 2012 + i % 2}
                    for i, f in enumerate("abababab")])
    blocking = Blocking(RULES, SUPPORT, 2)
    assert _pairs(frame.sample(frac=1, random_state=3), blocking) == _pairs(frame, blocking)


@pytest.mark.parametrize("max_pairs", [1, 4, 1000])
def test_scoring_chunks_hand_every_pair_to_splink_once(max_pairs: int) -> None:
    frame = _frame([{"given": "a", "father": "b", "family": "c", "mother": None, "year": 2012} for _ in range(5)])
    with duckdb.connect() as con:
        con.register("records", frame)
        n = candidate_pairs(con, "records", Blocking(RULES))
        chunks = [con.execute(sql).df() for sql in scoring_chunks(con, max_pairs)]
    handed = pd.concat(chunks, ignore_index=True)
    assert n == 10 and len(handed) == 10
    assert not handed.duplicated(["join_key_l", "join_key_r"]).any()
    assert handed["join_key_l"].str.contains(SPLINK_KEY_SEPARATOR, regex=False).all()
    assert len(chunks) == -(-10 // max_pairs) and all(len(chunk) <= max_pairs for chunk in chunks)


def test_rules_describe_themselves_in_splink_notation() -> None:
    assert RULES[0].describe() == "l.given = r.given AND l.father = r.father"
    assert RULES[1].describe() == ("l.given = r.given AND l.family = r.father AND l.father IS NULL "
                                   "(either way round)")
