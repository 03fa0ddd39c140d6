"""Findings: grouping by fact, time and place; contradictions; status under a named standard."""

import pytest

from tests.testimony.factory import WITNESSES, claim, write_testimony
from uncounted.errors import BadInput
from uncounted.testimony.corroborate import corroborate
from uncounted.testimony.io import read_testimony
from uncounted.testimony.standards import DEFAULT_STANDARD, load_standard


def _findings(tmp_path, claims, standard=DEFAULT_STANDARD, witnesses=WITNESSES):
    testimony = read_testimony(write_testimony(tmp_path, witnesses=witnesses, claims=claims))
    return corroborate(testimony, standard)


def test_claims_group_by_fact_overlapping_time_and_place(tmp_path):
    findings = _findings(tmp_path, [
        claim("C1", "A1", date_from="2012", date_to="2013", place="prison/red-building"),
        claim("C2", "A2", date_from="2013-06", date_to="2015", place="prison"),  # overlaps C1, holds it
        claim("C3", "A6", date_from="2017", date_to="2018"),  # later: a finding of its own
        claim("C4", "A5", date_from="2012", date_to="2013", place="another-prison"),  # elsewhere
        claim("C5", "A1", fact_key="other/fact")])
    assert [(f.finding_id, f.claims) for f in findings] == [
        ("prison/hangings/group_size#1", ["C1", "C2"]), ("prison/hangings/group_size#2", ["C3"]),
        ("prison/hangings/group_size#3", ["C4"]), ("other/fact", ["C5"])]
    first = findings[0]
    assert (first.status, first.independent_sources, first.date_from, first.date_to) == (
        "corroborated", 2, "2012-01-01", "2015-12-31")


def test_ranges_that_cannot_both_hold_contest_the_finding_until_one_is_set_aside(tmp_path):
    claims = [claim("C1", "A1"), claim("C3", "A6", low=80, high=100)]
    contested = _findings(tmp_path / "a", claims)[0]
    assert contested.status == "contested"
    assert [(c.claims, c.kind, c.resolved) for c in contested.contradictions] == [
        (("C1", "C3"), "ranges", False)]
    assert (contested.low, contested.high) == (20, 100)
    claims[1]["resolution"] = "the witness counted everyone moved that night"
    resolved = _findings(tmp_path / "b", claims)[0]
    assert resolved.contradictions[0].resolved and "moved that night" in resolved.contradictions[0].resolution
    assert resolved.counted == ["C1"] and (resolved.low, resolved.high) == (20, 50)
    assert resolved.status == "insufficient"  # one source is left


def test_units_convert_before_ranges_are_compared(tmp_path):
    claims = [claim("C1", "A1", claim_type="frequency", fact_key="f", low=1, high=2, unit="per_week"),
              claim("C2", "A2", claim_type="frequency", fact_key="f", low=4, high=8, unit="per_month"),
              claim("C3", "A6", claim_type="frequency", fact_key="f", low=1, high=1, unit="per_day")]
    finding = _findings(tmp_path, claims)[0]
    assert finding.unit == "per_week" and finding.high == 7
    # 4–8 a month is 0.92–1.84 a week: agrees with 1–2 a week; once a day (7 a week) agrees with neither
    assert sorted(c.claims for c in finding.contradictions) == [("C1", "C3"), ("C2", "C3")]


def test_incompatible_event_values_are_contradictions(tmp_path):
    claims = [claim("C1", "A1", claim_type="event", fact_key="method", value="hanging", low="", unit=""),
              claim("C2", "A2", claim_type="event", fact_key="method", value="Hanging", low="", unit=""),
              claim("C3", "A6", claim_type="event", fact_key="method", value="shooting", low="", unit="")]
    finding = _findings(tmp_path, [{k: v for k, v in c.items() if k not in ("low", "high", "unit")}
                                   for c in claims])[0]
    assert finding.values == ["Hanging", "hanging", "shooting"]
    assert [c.claims for c in finding.unresolved] == [("C1", "C3"), ("C2", "C3")]


def test_the_standard_is_data(tmp_path):
    claims = [claim("C1", "A1"), claim("C2", "A3", knowledge="hearsay", origin="someone")]
    strict, lenient = tmp_path / "strict.toml", tmp_path / "lenient.toml"
    strict.write_text('[standard]\nname = "strict"\nmin_direct_sources = 2\n', encoding="utf-8")
    lenient.write_text('name = "one-direct"\nmin_direct_sources = 1\n', encoding="utf-8")
    assert _findings(tmp_path / "a", claims, load_standard(strict))[0].status == "insufficient"
    finding = _findings(tmp_path / "b", claims, load_standard(lenient))[0]
    assert (finding.status, finding.standard) == ("corroborated", "one-direct")


def test_sources_graded_e_are_set_aside_by_the_default_standard(tmp_path):
    witnesses = [{**w, "reliability": "E"} if w["witness_id"] == "W2" else w for w in WITNESSES]
    finding = _findings(tmp_path, [claim("C1", "A1"), claim("C2", "A2")], witnesses=witnesses)[0]
    assert finding.counted == ["C1"] and "graded E" in finding.set_aside["C2"]
    assert finding.status == "insufficient"



def test_a_misspelt_standard_setting_is_bad_input(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text("min_direct_source = 1\n", encoding="utf-8")
    with pytest.raises(BadInput, match="unknown setting 'min_direct_source'"):
        load_standard(path)


def test_claims_about_different_times_in_one_finding_do_not_contradict(tmp_path):
    # C2 spans the whole period and joins C1 and C3 into one finding; C1 and C3 never overlap in time
    claims = [claim("C1", "A1", low=20, high=20, date_from="2012", date_to="2012"),
              claim("C2", "A2", date_from="2011", date_to="2015"),
              claim("C3", "A6", low=50, high=50, date_from="2014", date_to="2014")]
    finding = _findings(tmp_path, claims)[0]
    assert finding.claims == ["C1", "C2", "C3"] and finding.contradictions == []
    assert finding.status == "corroborated"
