"""Candidate pairs: which records the model scores, computed on row numbers before Splink sees them.

Splink's own blocking writes every candidate pair as two composite text keys and removes pairs found by an
earlier rule with a growing OR; on a million Syrian-style records the rules propose ~285 million pairs and
that table alone outgrows memory. Here each rule becomes a 64-bit key per record and pairs are joined on it
in DuckDB as row numbers. A block too large to be informative is not taken whole:

- a rule holds for two records when its key is equal on both (a cross-field rule: one record's key equals
  the other's second key, as when one list dropped the family name and the chain shifted);
- a block proposing more than `max_block_pairs` pairs (a common name: محمد أحمد in one governorate and year)
  keeps only the pairs that also agree on one of the supporting fields the rule does not already use (the
  mother's name, the month of death, the birth year…). Two records of one person usually share one of them;
  two strangers who share a common name rarely do, and a pair with no such agreement could hardly reach the
  link threshold anyway.

Every join is an equality join (one hash join each: no OR, no condition evaluated pair by pair). Written by
hand because Splink has no size-dependent blocking; DuckDB does the joins.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import duckdb
from splink.internals.unique_id_concat import CONCAT_SEPARATOR

#: How Splink writes a record's composite id (source_dataset, unique_id) in its blocked-pairs table; taken from
#: Splink itself, since pairs keyed any other way would silently match no record.
SPLINK_KEY_SEPARATOR = CONCAT_SEPARATOR
PAIRS = "__uncounted_pairs"
ROWS = "__uncounted_rows"


@dataclass(frozen=True)
class BlockingRule:
    """Two records are candidates when the columns `fields` agree. A cross-field rule pairs `fields` on one record
    with `other` on the other, position by position, either way round; `only_if_missing` names a column that must
    be empty on the record giving `fields` (a short name read as given + family)."""

    fields: tuple[str, ...]
    other: tuple[str, ...] | None = None
    only_if_missing: str | None = None

    @property
    def columns(self) -> set[str]:
        return {*self.fields, *(self.other or ())}

    def describe(self) -> str:
        """The rule in Splink's l./r. notation, for settings files and reports."""
        other = self.other or self.fields
        sql = " AND ".join(f"l.{a} = r.{b}" for a, b in zip(self.fields, other, strict=True))
        if self.only_if_missing:
            sql += f" AND l.{self.only_if_missing} IS NULL"
        return sql + (" (either way round)" if self.other else "")


@dataclass(frozen=True)
class SupportingField:
    """A value two records of one person usually share, used to split oversized blocks: `name` (the column it
    is about: a rule already on it gains nothing) and the SQL expression computing it from one record."""

    name: str
    expression: str


@dataclass(frozen=True)
class Blocking:
    """Blocking as data: the rules, and how oversized blocks are split."""

    rules: tuple[BlockingRule, ...]
    supporting: tuple[SupportingField, ...] = ()
    max_block_pairs: int | None = None  # None: every block is taken whole

    def as_dict(self) -> dict:
        return {"rules": [rule.describe() for rule in self.rules], "max_block_pairs": self.max_block_pairs,
                "oversized_blocks_split_by": {field.name: field.expression for field in self.supporting}}


def candidate_pairs(con: duckdb.DuckDBPyConnection, table: str, blocking: Blocking) -> int:
    """Create the table `__uncounted_pairs` (a, b, match_key) of candidate pairs of rows of `table`, and the
    numbered rows `__uncounted_rows` (rid, source_dataset, unique_id) they refer to; returns the pair count.

    `table` needs `source_dataset`, `unique_id` and the columns the rules read. Rows are numbered in the order
    of (source_dataset, unique_id), so the pairs do not depend on the input's row order; a < b always, and a
    pair found by several rules carries the first (Splink's `match_key`).
    """
    keys = ["row_number() OVER (ORDER BY source_dataset, unique_id) - 1 AS rid", "source_dataset", "unique_id"]
    keys += [f"{field.expression} AS sf_{field.name}" for field in blocking.supporting]
    for i, rule in enumerate(blocking.rules):
        keys.append(f"{_hash(rule.fields, rule.only_if_missing)} AS ka{i}")
        keys.append(f"{_hash(rule.other, None)} AS kb{i}" if rule.other else f"ka{i} AS kb{i}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE __uncounted_keyed AS SELECT {', '.join(keys)} FROM {table}")
    _split_oversized_blocks(con, blocking)
    found = []
    for i, rule in enumerate(blocking.rules):
        # Small blocks whole; oversized ones once per supporting field, on pairs that share it.
        joins = [f"x.sa{i} = y.sb{i}"]
        if blocking.max_block_pairs is not None:
            joins += [f"x.ga{i} = y.gb{i} AND x.sf_{field.name} = y.sf_{field.name}"
                      for field in blocking.supporting if field.name not in rule.columns]
        for on in joins:
            if rule.other is None:
                found.append(f"SELECT x.rid AS a, y.rid AS b, {i} AS match_key FROM {ROWS} x "
                             f"JOIN {ROWS} y ON {on} AND x.rid < y.rid")
            else:
                found.append(f"SELECT least(x.rid, y.rid), greatest(x.rid, y.rid), {i} FROM {ROWS} x "
                             f"JOIN {ROWS} y ON {on} AND x.rid <> y.rid")
    con.execute(f"CREATE OR REPLACE TEMP TABLE {PAIRS} AS SELECT a, b, min(match_key) AS match_key, "
                f"row_number() OVER () - 1 AS n FROM ({' UNION ALL '.join(found)}) GROUP BY a, b")
    return int(con.execute(f"SELECT count(*) FROM {PAIRS}").fetchall()[0][0])


def scoring_chunks(con: duckdb.DuckDBPyConnection, max_pairs: int, *, with_source: bool = True) -> Iterator[str]:
    """Queries giving the candidate pairs as Splink's blocked-pairs table (match_key, join_key_l, join_key_r),
    in pieces of at most `max_pairs`, so that scoring a million records never holds every pair's text keys at
    once. Splink's key is the source and the id, or the id alone when it deduplicates one list
    (`with_source=False`)."""
    total = con.execute(f"SELECT count(*) FROM {PAIRS}").fetchall()[0][0]
    prefix = f"{{side}}.source_dataset || '{SPLINK_KEY_SEPARATOR}' || " if with_source else ""
    left, right = prefix.format(side="l"), prefix.format(side="r")
    for start in range(0, total, max_pairs):
        yield (
            "SELECT CAST(p.match_key AS VARCHAR) AS match_key, "
            f"{left}l.unique_id AS join_key_l, {right}r.unique_id AS join_key_r "
            f"FROM {PAIRS} p JOIN {ROWS} l ON l.rid = p.a JOIN {ROWS} r ON r.rid = p.b "
            f"WHERE p.n >= {start} AND p.n < {start + max_pairs}")


def drop_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"DROP TABLE IF EXISTS {PAIRS}")
    con.execute(f"DROP TABLE IF EXISTS {ROWS}")


def _split_oversized_blocks(con: duckdb.DuckDBPyConnection, blocking: Blocking) -> None:
    """Number the rows and give each rule's keys in two columns: `sa`/`sb` when the block is small enough to
    take whole, `ga`/`gb` when it proposes more than `max_block_pairs` pairs (only `sa`/`sb` when blocks are
    never split). A cross rule's block is every record whose first or second key has that value: n_first ×
    n_second pairs."""
    cap = blocking.max_block_pairs
    if cap is None:
        columns = [f"ka{i} AS sa{i}, kb{i} AS sb{i}" for i in range(len(blocking.rules))]
        con.execute(f"CREATE OR REPLACE TEMP TABLE {ROWS} AS SELECT rid, source_dataset, unique_id, "
                    f"{', '.join(columns)} FROM __uncounted_keyed ORDER BY rid")
        con.execute("DROP TABLE __uncounted_keyed")
        return
    oversized, joins, columns = [], [], [f"r.sf_{field.name}" for field in blocking.supporting]
    for i, rule in enumerate(blocking.rules):
        if rule.other is None:
            oversized.append(f"big{i} AS (SELECT ka{i} AS k FROM __uncounted_keyed GROUP BY 1 "
                             f"HAVING count(*) * (count(*) - 1) / 2 > {cap})")
            joins.append(f"LEFT JOIN big{i} ON big{i}.k = r.ka{i}")
            columns += [f"CASE WHEN big{i}.k IS NULL THEN r.ka{i} END AS sa{i}", f"sa{i} AS sb{i}",
                        f"big{i}.k AS ga{i}", f"ga{i} AS gb{i}"]
            continue
        oversized.append(f"big{i} AS (SELECT k FROM (SELECT ka{i} AS k, 1 AS na, 0 AS nb FROM __uncounted_keyed "
                         f"UNION ALL SELECT kb{i}, 0, 1 FROM __uncounted_keyed) WHERE k IS NOT NULL GROUP BY 1 "
                         f"HAVING sum(na) * sum(nb) > {cap})")
        joins.append(f"LEFT JOIN big{i} bl{i} ON bl{i}.k = r.ka{i} LEFT JOIN big{i} br{i} ON br{i}.k = r.kb{i}")
        columns += [f"CASE WHEN bl{i}.k IS NULL THEN r.ka{i} END AS sa{i}",
                    f"CASE WHEN br{i}.k IS NULL THEN r.kb{i} END AS sb{i}", f"bl{i}.k AS ga{i}", f"br{i}.k AS gb{i}"]
    con.execute(f"CREATE OR REPLACE TEMP TABLE {ROWS} AS WITH {', '.join(oversized)} SELECT r.rid, "
                f"r.source_dataset, r.unique_id, {', '.join(columns)} FROM __uncounted_keyed r {' '.join(joins)} "
                "ORDER BY r.rid")
    con.execute("DROP TABLE __uncounted_keyed")


def _hash(fields: tuple[str, ...], missing: str | None) -> str:
    """A 64-bit hash of the fields, null when one is empty (an empty field never blocks). Two different values
    sharing a hash only add a pair for the model to score."""
    condition = " AND ".join(f"{field} IS NOT NULL" for field in fields)
    if missing:
        condition += f" AND {missing} IS NULL"
    return f"CASE WHEN {condition} THEN hash({', '.join(fields)}) END"
