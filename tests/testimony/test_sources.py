"""Independent lines of evidence: chains count as their origin, shared origins and documents count once."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.testimony.factory import ACCOUNTS, claim, write_testimony
from uncounted.errors import BadInput
from uncounted.testimony.corroborate import corroborate
from uncounted.testimony.io import read_testimony
from uncounted.testimony.model import Account, Claim, Witness
from uncounted.testimony.model import Testimony as Bundle
from uncounted.testimony.sources import independent_lines


def _finding(tmp_path, claims, accounts=ACCOUNTS):
    findings = corroborate(read_testimony(write_testimony(tmp_path, accounts=accounts, claims=claims)))
    assert len(findings) == 1
    return findings[0]


def test_a_hearsay_chain_counts_as_its_origin(tmp_path):
    # W2 saw it; W1 heard it from W2; W3 heard it from W1: one line, and it is direct (W2's).
    finding = _finding(tmp_path, [claim("C1", "A2"), claim("C2", "A1", knowledge="hearsay", origin="W2"),
                                  claim("C3", "A3", knowledge="hearsay", origin="W1")])
    assert [(line.root, line.kind, line.claims) for line in finding.lines] == [
        ("witness:W2", "direct", ["C1", "C2", "C3"])]


def test_two_witnesses_who_heard_it_from_the_same_person_count_once(tmp_path):
    finding = _finding(tmp_path, [claim("C1", "A3", knowledge="hearsay", origin="neighbour X"),
                                  claim("C2", "A4", knowledge="hearsay", origin="neighbour X"),
                                  claim("C3", "A1")])
    assert finding.independent_sources == 2
    assert (finding.count("direct"), finding.count("hearsay")) == (1, 1)
    assert finding.status == "insufficient"  # one direct source only


def test_claims_citing_one_document_count_once_and_a_document_account_speaks_for_itself(tmp_path):
    accounts = [*ACCOUNTS, {"account_id": "D1", "kind": "document", "reliability": "C"}]
    finding = _finding(tmp_path, [claim("C1", "A5", knowledge="documentary", origin="D1"),
                                  claim("C2", "A6", knowledge="documentary", origin="D1"),
                                  claim("C3", "D1", knowledge="documentary", origin="D1")], accounts)
    assert [(line.root, line.kind) for line in finding.lines] == [("document:D1", "documentary")]


def test_a_witness_who_heard_it_from_a_witness_who_saw_nothing_rests_on_that_witness(tmp_path):
    # W1 heard it from W2, who made no direct claim: the line ends at W2 and is hearsay.
    finding = _finding(tmp_path, [claim("C1", "A1", knowledge="hearsay", origin="W2"), claim("C2", "A6")])
    assert {(line.root, line.kind) for line in finding.lines} == {("witness:W2", "hearsay"),
                                                                  ("witness:W6", "direct")}


def test_a_circular_hearsay_chain_is_bad_input_naming_the_row(tmp_path):
    paths = write_testimony(tmp_path, claims=[claim("C1", "A1", knowledge="hearsay", origin="W2"),
                                              claim("C2", "A6"),
                                              claim("C3", "A2", knowledge="hearsay", origin="W1")])
    with pytest.raises(BadInput, match="circular hearsay chain") as caught:
        read_testimony(paths)
    assert (caught.value.file, caught.value.row) == (str(paths[2]), 4)


def test_a_witness_citing_themselves_is_circular(tmp_path):
    with pytest.raises(BadInput, match="circular"):
        read_testimony(write_testimony(tmp_path, claims=[claim("C1", "A1", knowledge="hearsay",
                                                               origin="W1")]))


def test_hearsay_on_different_facts_is_not_circular(tmp_path):
    claims = [claim("C1", "A1", knowledge="hearsay", origin="W2"),
              claim("C2", "A2", knowledge="hearsay", origin="W1", fact_key="other/fact")]
    assert len(read_testimony(write_testimony(tmp_path, claims=claims)).claims) == 2



@given(st.integers(1, 5), st.lists(st.tuples(st.integers(0, 100), st.booleans()), max_size=15))
def test_hearsay_never_adds_a_line_when_every_chain_ends_at_a_witness_who_saw_it(direct, hearers):
    """k witnesses saw it; every other witness heard it from someone earlier (a witness, or an outsider named
    after nobody). The lines are exactly the k observers plus the distinct outsiders."""
    testimony = Bundle()
    outsiders = set()
    for i in range(direct + len(hearers)):
        testimony.witnesses[f"W{i}"] = Witness(f"W{i}", "other", "B")
        testimony.accounts[f"A{i}"] = Account(f"A{i}", "interview", f"W{i}")
    for i in range(direct):
        testimony.claims.append(Claim(f"C{i}", f"A{i}", "group_size", "f", low=20, high=50, unit="people"))
    for j, (pick, outside) in enumerate(hearers):
        i = direct + j
        origin = f"outsider {pick % 3}" if outside else f"W{pick % i}"
        outsiders |= {origin} if outside else set()
        testimony.claims.append(Claim(f"C{i}", f"A{i}", "group_size", "f", knowledge="hearsay", origin=origin,
                                      low=20, high=50, unit="people"))
    testimony.validate()
    lines = independent_lines(testimony, testimony.claims, testimony.claims)
    assert {line.root for line in lines} == {f"witness:W{i}" for i in range(direct)} | {
        f"person:{o}" for o in outsiders}
    assert sum(line.kind == "direct" for line in lines) == direct
    assert sorted(c for line in lines for c in line.claims) == sorted(c.claim_id for c in testimony.claims)
