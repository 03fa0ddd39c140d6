"""Findings: claims about the same fact grouped, their independent lines counted, contradictions shown, and
each finding judged against a named standard.

Claims are about the same fact when they share a fact key and overlap in time and place (a place is a path
such as `saydnaya/red-building`; a claim about `saydnaya` covers every part of it). Overlap is not transitive,
so a finding is a connected component of the overlap graph: a claim joins if it overlaps any claim already in
it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from itertools import combinations
from typing import Any

import networkx as nx

from uncounted.testimony import dates
from uncounted.testimony.model import BASE_UNIT, NUMERIC_TYPES, Claim, Testimony
from uncounted.testimony.sources import Line, independent_lines
from uncounted.testimony.standards import DEFAULT_STANDARD, Standard
from uncounted.testimony.units import dimension


@dataclass
class Contradiction:
    """Two claims that cannot both hold; resolved when one of them is set aside with a stated reason."""

    claims: tuple[str, str]
    kind: str  # "ranges" (numbers that do not overlap) or "facts" (different values for one event)
    detail: str
    resolved: bool
    resolution: str = ""


@dataclass
class Finding:
    """What the claims about one fact, at one time and place, establish — and how well."""

    finding_id: str
    fact_key: str
    claim_type: str
    claims: list[str]
    counted: list[str]
    set_aside: dict[str, str]
    lines: list[Line]
    unit: str
    low: float | None
    high: float | None
    values: list[str]
    date_from: str
    date_to: str
    places: list[str]
    contradictions: list[Contradiction]
    status: str  # corroborated | insufficient | contested
    standard: str
    reasons: list[str] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(line.kind == kind for line in self.lines)

    @property
    def independent_sources(self) -> int:
        return len(self.lines)

    @property
    def unresolved(self) -> list[Contradiction]:
        return [c for c in self.contradictions if not c.resolved]

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["independent_sources"] = self.independent_sources
        out["direct_sources"] = self.count("direct")
        out["documentary_sources"] = self.count("documentary")
        out["hearsay_sources"] = self.count("hearsay")
        out["contradictions"] = [{**asdict(c), "claims": list(c.claims)} for c in self.contradictions]
        return out


def corroborate(testimony: Testimony, standard: Standard = DEFAULT_STANDARD,
                claim_ids: set[str] | None = None) -> list[Finding]:
    """Findings over all claims (or only `claim_ids`), in the order their facts first appear.

    Hearsay chains are followed through every claim on the fact, even claims outside `claim_ids`.
    """
    by_fact: dict[str, list[Claim]] = defaultdict(list)
    for claim in testimony.claims:
        by_fact[claim.fact_key].append(claim)
    findings: list[Finding] = []
    for fact, all_claims in by_fact.items():
        chosen = [c for c in all_claims if claim_ids is None or c.claim_id in claim_ids]
        groups = _overlap_groups(chosen)
        for number, group in enumerate(groups, start=1):
            finding_id = fact if len(groups) == 1 else f"{fact}#{number}"
            findings.append(_finding(testimony, standard, finding_id, group, all_claims))
    return findings


def _overlap_groups(claims: list[Claim]) -> list[list[Claim]]:
    graph = nx.Graph()
    graph.add_nodes_from(range(len(claims)))
    spans = [claim.span for claim in claims]
    for i, j in combinations(range(len(claims)), 2):
        if dates.overlaps(spans[i], spans[j]) and _same_place(claims[i].place, claims[j].place):
            graph.add_edge(i, j)
    groups = [sorted(component) for component in nx.connected_components(graph)]
    return [[claims[i] for i in group] for group in sorted(groups)]


def _same_place(a: str, b: str) -> bool:
    """Places are paths (`saydnaya/red-building`); one contains the other, or either is unstated."""
    pa, pb = _place_path(a), _place_path(b)
    shorter = min(len(pa), len(pb))
    return pa[:shorter] == pb[:shorter]


def _place_path(place: str) -> list[str]:
    return [" ".join(part.casefold().split()) for part in place.split("/") if part.strip()]


def _finding(testimony: Testimony, standard: Standard, finding_id: str, group: list[Claim],
             all_claims: list[Claim]) -> Finding:
    set_aside: dict[str, str] = {}
    for claim in group:
        reliability = testimony.reliability_of(claim)
        if claim.resolution:
            set_aside[claim.claim_id] = f"set aside: {claim.resolution}"
        elif reliability in standard.ignore_reliability:
            set_aside[claim.claim_id] = f"source graded {reliability}, which the standard does not count"
        elif claim.credibility in standard.ignore_credibility:
            set_aside[claim.claim_id] = (f"information graded {claim.credibility}, which the standard does "
                                         "not count")
    counted = [c for c in group if c.claim_id not in set_aside]
    lines = independent_lines(testimony, counted, all_claims)
    claim_type = group[0].claim_type
    numeric = claim_type in NUMERIC_TYPES
    unit = BASE_UNIT[dimension(group[0].unit)] if numeric else ""
    ranges = [c.base_range() for c in counted] if numeric else []
    contradictions = _contradictions(group, set_aside, numeric, unit)
    starts = [c.span[0] for c in group]
    ends = [c.span[1] for c in group]
    finding = Finding(
        finding_id=finding_id, fact_key=group[0].fact_key, claim_type=claim_type,
        claims=[c.claim_id for c in group], counted=[c.claim_id for c in counted], set_aside=set_aside,
        lines=lines, unit=unit,
        low=min(r[0] for r in ranges) if ranges else None, high=max(r[1] for r in ranges) if ranges else None,
        values=sorted({c.value for c in counted if c.value}),
        date_from="" if None in starts else min(starts).isoformat(),
        date_to="" if None in ends else max(ends).isoformat(),
        places=sorted({c.place for c in group if c.place}), contradictions=contradictions,
        status="", standard=standard.name)
    finding.status, finding.reasons = judge(finding, standard)
    return finding


def _contradictions(group: list[Claim], set_aside: dict[str, str], numeric: bool,
                    unit: str) -> list[Contradiction]:
    found = []
    for a, b in combinations(group, 2):
        if not (dates.overlaps(a.span, b.span) and _same_place(a.place, b.place)):
            continue  # once a week in 2012 and twice a week in 2014 can both be true
        if numeric:
            (a_low, a_high), (b_low, b_high) = a.base_range(), b.base_range()
            if a_high >= b_low and b_high >= a_low:
                continue
            detail = f"{a.claim_id} says {a_low:g}–{a_high:g} {unit}, {b.claim_id} says {b_low:g}–{b_high:g}"
            kind = "ranges"
        elif a.value and b.value and a.value.casefold() != b.value.casefold():
            detail = f"{a.claim_id} says '{a.value}', {b.claim_id} says '{b.value}'"
            kind = "facts"
        else:
            continue
        reasons = [f"{c.claim_id} {set_aside[c.claim_id]}" for c in (a, b) if c.claim_id in set_aside]
        found.append(Contradiction((a.claim_id, b.claim_id), kind, detail, bool(reasons), "; ".join(reasons)))
    return found


def judge(finding: Finding, standard: Standard) -> tuple[str, list[str]]:
    """The finding's status under `standard`, with the reasons a reader needs to check it."""
    direct = finding.count("direct")
    if standard.documents_count_as_direct:
        direct += finding.count("documentary")
    reasons = [f"{finding.independent_sources} independent sources ({finding.count('direct')} direct, "
               f"{finding.count('documentary')} documentary, {finding.count('hearsay')} hearsay) from "
               f"{len(finding.counted)} counted claims"]
    status = "corroborated"
    if finding.unresolved and not standard.allow_unresolved_contradictions:
        status = "contested"
        reasons.append(f"{len(finding.unresolved)} unresolved contradictions")
    if finding.independent_sources < standard.min_independent_sources:
        status = "contested" if status == "contested" else "insufficient"
        reasons.append(f"needs at least {standard.min_independent_sources} independent sources")
    if direct < standard.min_direct_sources:
        status = "contested" if status == "contested" else "insufficient"
        reasons.append(f"needs at least {standard.min_direct_sources} independent direct sources")
    return status, reasons
