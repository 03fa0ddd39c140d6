"""The linkage model as data: Splink settings built from the names layer, saved with every run.

Each comparison is a list of SQL levels, most specific first (Splink evaluates them as one CASE). Name keys
are ASCII (see `uncounted.names`), so DuckDB's byte-counting Jaro-Winkler is character-true on them.
Blocking rules are chosen so that a person written in Arabic on one list and in Latin on another still meets
itself: every rule compares keys, never raw text.
"""

from __future__ import annotations

from typing import Any

from uncounted.link.blocking import Blocking, BlockingRule, SupportingField

#: Jaro-Winkler similarity above which two name keys count as a near match (typos, one letter apart).
NEAR_NAME = 0.92
#: Keys this long or longer may also match one edit apart; shorter ones may not (Ahmad "hmd" and Mohammad
#: "mhmd" are one edit apart).
ONE_EDIT_MIN_LENGTH = 4

#: Rules that propose candidate pairs; a pair is scored if any rule holds (see `uncounted.link.blocking`, and
#: `uncounted bench linkage` for their recall on simulated truth). Every rule joins on at least three fields:
#: Syrian names are so concentrated (محمد أحمد) that a rule on two names alone proposes pairs by the square of
#: the list's size (7.6 million pairs from given + father on 100,000 records). Rules are never written with an
#: OR: each is one hash join.
BLOCKING_RULES: tuple[BlockingRule, ...] = (
    BlockingRule(("given_key", "father_key", "family_key")),
    BlockingRule(("given_key", "father_key", "grandfather_key")),
    BlockingRule(("given_key", "father_key", "death_year", "governorate")),
    # A family name mistyped on one side: its first letter usually survives.
    BlockingRule(("given_key", "father_key", "governorate", "family_initial")),
    BlockingRule(("given_key", "family_key", "death_year")),
    BlockingRule(("given_key", "family_key", "governorate")),
    # The chain shifted by one (a list that dropped the family name).
    BlockingRule(("given_key", "father_key", "family_key"), other=("given_key", "father_key", "grandfather_key")),
    # A short name ("Ahmad Munir") read as given + family where the other list has Munir as the father.
    BlockingRule(("given_key", "governorate", "family_key"), other=("given_key", "governorate", "father_key"),
                 only_if_missing="father_key"),
    BlockingRule(("given_key", "death_year", "death_month", "governorate")),
    # A mistyped given name: the rest of the record must carry the pair.
    BlockingRule(("father_key", "family_key", "death_year")),
    BlockingRule(("father_key", "family_key", "governorate")),
    BlockingRule(("family_key", "death_year", "governorate")),
    BlockingRule(("father_key", "mother_key")),
)

#: A block proposing more than MAX_BLOCK_PAIRS pairs (a common name in one governorate and year) keeps only the
#: pairs that also share one of these fields, each a separate join; measured on the simulation of population
#: 870,000 (~1,000,000 records), see benchmarks/RESULTS.md.
SUPPORTING_FIELDS: tuple[SupportingField, ...] = (
    *(SupportingField(name, name) for name in
      ("given_key", "father_key", "grandfather_key", "family_key", "mother_key", "governorate", "birth_year")),
    SupportingField("death_month", "death_year * 100 + death_month"),
)
MAX_BLOCK_PAIRS = 1_000

#: The blocking of every canonical linkage run, saved with it.
BLOCKING = Blocking(BLOCKING_RULES, SUPPORTING_FIELDS, MAX_BLOCK_PAIRS)

#: Blocks on which EM is trained; each leaves the other comparisons free to be estimated (Splink leaves
#: out of a session every comparison that reads a blocked column; the given comparison reads the father
#: too, and the family comparison reads father and grandfather). Brothers share father, grandfather,
#: family and place, and a block full of them teaches EM that one person's given name often differs,
#: which then merges brothers: the given and father names are trained on a block brothers rarely share
#: (they differ in birth year), the family name on one that needs the same given name, birth year and month
#: of death. Each block must hold mostly matches even on a million records, where namesakes abound: EM on
#: a block of 1% matches (given + month of death + governorate there) settles on the wrong class (m of an
#: equal family name 0.02). Share of true matches in each block at 20,000 / 100,000 / 1,000,000 simulated
#: records: 0.97 / 0.93 / 0.53, 0.98 / 0.94 / 0.58, 0.92 / 0.75 / 0.23. Every comparison is trained by at
#: least one of them.
TRAINING_BLOCKS: tuple[tuple[str, ...], ...] = (
    ("given_key", "father_key", "grandfather_key", "family_key"),
    ("family_key", "birth_year", "death_year", "death_month", "governorate"),
    ("given_key", "death_year", "death_month", "governorate", "birth_year", "detention_year"),
)

#: Rules believed to catch only matches, used to estimate the prior probability that two records match.
DETERMINISTIC_RULES: tuple[str, ...] = (
    "l.chain_key = r.chain_key AND l.death_year = r.death_year AND l.governorate = r.governorate",
    "l.given_key = r.given_key AND l.father_key = r.father_key AND l.mother_key = r.mother_key",
)


def _level(sql: str, label: str, *, null: bool = False, tf: str | None = None) -> dict[str, Any]:
    level: dict[str, Any] = {"sql_condition": sql, "label_for_charts": label}
    if null:
        level["is_null_level"] = True
    if tf:
        level["tf_adjustment_column"] = tf
        level["tf_adjustment_weight"] = 1.0
    return level


def _name(column: str, *, tf: bool = False, extra: tuple[dict[str, Any], ...] = ()) -> dict[str, Any]:
    """Exact key (term-frequency adjusted for common names) > cross-field levels > near key > else."""
    left, right = f"{column}_l", f"{column}_r"
    return {
        "output_column_name": column,
        "comparison_levels": [
            _level(f"{left} IS NULL OR {right} IS NULL", "missing", null=True),
            _level(f"{left} = {right}", "same name", tf=column if tf else None),
            *extra,
            _level(f"jaro_winkler_similarity({left}, {right}) >= {NEAR_NAME}", "near"),
            _level(f"length({left}) >= {ONE_EDIT_MIN_LENGTH} AND length({right}) >= {ONE_EDIT_MIN_LENGTH} "
                   f"AND damerau_levenshtein({left}, {right}) <= 1", "one edit apart"),
            _level("ELSE", "different"),
        ],
    }


def _given() -> dict[str, Any]:
    swapped = _level("given_key_l = father_key_r AND father_key_l = given_key_r", "given and father swapped")
    return _name("given_key", tf=True, extra=(swapped,))


def _family() -> dict[str, Any]:
    """The family name, with the two ways a chain slips between lists.

    A list that drops the family name makes the grandfather look like one (chain shift); a short name such
    as "Ahmad Munir" is read as given + family on one list where another has Munir as the father. In both
    cases both family names are present, so the null level can come first as Splink expects.
    """
    comparison = _name("family_key", tf=True)
    shifted = _level("family_key_l = grandfather_key_r OR grandfather_key_l = family_key_r",
                     "chain shifted by one")
    short = _level("(family_key_l = father_key_r AND father_key_l IS NULL) "
                   "OR (father_key_l = family_key_r AND father_key_r IS NULL)",
                   "short name: the family name here is the father there")
    levels = comparison["comparison_levels"]
    comparison["comparison_levels"] = [levels[0], levels[1], shifted, short, *levels[2:]]
    return comparison


def _exact(column: str) -> dict[str, Any]:
    left, right = f"{column}_l", f"{column}_r"
    return {
        "output_column_name": column,
        "comparison_levels": [
            _level(f"{left} IS NULL OR {right} IS NULL", "missing", null=True),
            _level(f"{left} = {right}", "same"),
            _level("ELSE", "different"),
        ],
    }


def _death_date() -> dict[str, Any]:
    """Agreement at the precision both sides share: a year-only date agrees with any day of that year."""
    y, m, d = "death_year", "death_month", "death_day"
    both_known = f"{m}_l IS NOT NULL AND {m}_r IS NOT NULL"
    return {
        "output_column_name": "date_of_death",
        "comparison_levels": [
            _level(f"{y}_l IS NULL OR {y}_r IS NULL", "missing", null=True),
            _level(f"{y}_l = {y}_r AND {m}_l = {m}_r AND {d}_l = {d}_r", "same day"),
            _level(f"{y}_l = {y}_r AND {m}_l = {m}_r AND ({d}_l IS NULL OR {d}_r IS NULL)",
                   "same month, day unknown on one side"),
            _level(f"{y}_l = {y}_r AND ({m}_l IS NULL OR {m}_r IS NULL)", "same year, month unknown on one side"),
            _level(f"{both_known} AND abs(({y}_l * 12 + {m}_l) - ({y}_r * 12 + {m}_r)) <= 1",
                   "within a month"),
            _level(f"abs({y}_l - {y}_r) <= 1", "within a year"),
            _level("ELSE", "different"),
        ],
    }


def _detention_date() -> dict[str, Any]:
    y, m = "detention_year", "detention_month"
    return {
        "output_column_name": "date_of_detention",
        "comparison_levels": [
            _level(f"{y}_l IS NULL OR {y}_r IS NULL", "missing", null=True),
            _level(f"{y}_l = {y}_r AND ({m}_l = {m}_r OR {m}_l IS NULL OR {m}_r IS NULL)",
                   "same month or compatible"),
            _level(f"{y}_l = {y}_r", "same year"),
            _level("ELSE", "different"),
        ],
    }


def _birth_year() -> dict[str, Any]:
    return {
        "output_column_name": "birth_year",
        "comparison_levels": [
            _level("birth_year_l IS NULL OR birth_year_r IS NULL", "missing", null=True),
            _level("abs(birth_year_l - birth_year_r) <= 1", "within a year"),
            _level("abs(birth_year_l - birth_year_r) <= 4", "within four years"),
            _level("ELSE", "different"),
        ],
    }


def splink_settings(prior: float = 1e-4) -> dict[str, Any]:
    """The untrained model: Splink settings as a plain dictionary, saved with every linkage run."""
    return {
        "link_type": "link_and_dedupe",
        "unique_id_column_name": "unique_id",
        "source_dataset_column_name": "source_dataset",
        "probability_two_random_records_match": prior,
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": False,
        "comparisons": [
            _given(),
            _name("father_key", tf=True),
            _name("grandfather_key"),
            _family(),
            _name("mother_key"),
            _exact("sex"),
            _exact("governorate"),
            _death_date(),
            _detention_date(),
            _birth_year(),
        ],
        # Candidate pairs come from `uncounted.link.blocking` (BLOCKING), registered with Splink for scoring.
        "blocking_rules_to_generate_predictions": [],
    }
