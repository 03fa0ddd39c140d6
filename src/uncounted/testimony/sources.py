"""Who had each claim from whom: the source graph, circular chains, and independent lines of evidence.

Corroboration counts *lines of evidence*, not witnesses. For one fact, every hearsay or documentary claim is
an edge from its witness to its origin (a person, a witness, a document). A claim's line is where its chain
ends: a witness who saw it for themselves, a document, or a person nobody interviewed. So a hearsay chain
counts as its origin, two witnesses who heard it from the same person count once, and claims citing one
document count once. networkx holds the graph; a cycle (A heard it from B, who heard it from A) has no origin
at all and is rejected as bad input.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx

from uncounted.errors import BadInput
from uncounted.testimony.model import Claim, Testimony


@dataclass
class Line:
    """One independent line of evidence: its root node, its kind, and the claims that rest on it."""

    root: str  # "witness:W03", "document:D1", or "person:<label>" for someone not interviewed
    kind: str  # direct (a witness who saw it), documentary, or hearsay (an origin nobody interviewed)
    claims: list[str] = field(default_factory=list)


def node_of_witness(testimony: Testimony, claim: Claim) -> str:
    witness = testimony.witness_of(claim)
    # A document with no witness speaks for itself.
    return f"witness:{witness}" if witness else f"document:{claim.account_id}"


def node_of_origin(testimony: Testimony, claim: Claim) -> str:
    if claim.knowledge == "documentary":
        return f"document:{claim.origin}"
    return f"witness:{claim.origin}" if claim.origin in testimony.witnesses else f"person:{claim.origin}"


def source_graph(testimony: Testimony, claims: Iterable[Claim]) -> nx.DiGraph:
    """Edges witness → origin for the indirect claims given; each edge keeps the claims that made it."""
    graph = nx.DiGraph()
    for claim in claims:
        start = node_of_witness(testimony, claim)
        graph.add_node(start)
        end = node_of_origin(testimony, claim) if claim.knowledge != "direct" else start
        if claim.knowledge != "direct" and not (end == start and start.startswith("document:")):
            # (a document citing itself is its own origin; a witness citing themselves is a circle)
            if graph.has_edge(start, end):
                graph.edges[start, end]["claims"].append(claim)
            else:
                graph.add_edge(start, end, claims=[claim])
    return graph


def check_chains(testimony: Testimony) -> None:
    """Refuse a circular hearsay chain on any fact, naming the row of the claim that closes the circle."""
    by_fact: dict[str, list[Claim]] = defaultdict(list)
    for claim in testimony.claims:
        by_fact[claim.fact_key].append(claim)
    for fact, claims in by_fact.items():
        graph = source_graph(testimony, claims)
        try:
            cycle = nx.find_cycle(graph)
        except nx.NetworkXNoCycle:
            continue
        culprits = [c for edge in cycle for c in graph.edges[edge[0], edge[1]]["claims"]]
        last = max(culprits, key=lambda c: (c.file, c.row or 0))
        path = " → ".join([edge[0].split(":", 1)[1] for edge in cycle] + [cycle[0][0].split(":", 1)[1]])
        raise BadInput(f"claim '{last.claim_id}' closes a circular hearsay chain on fact '{fact}' ({path}): "
                       "a chain must end at someone who saw it, a document, or a person not interviewed",
                       file=last.file, row=last.row, column="origin")


def independent_lines(testimony: Testimony, claims: list[Claim], chain_claims: list[Claim]) -> list[Line]:
    """Group `claims` by the origin their chains end at.

    `chain_claims` are all claims on the fact (the chain A→B→C may pass through a claim outside `claims`).
    A witness counts as an observer (a line of its own) if they made a direct claim among `claims`; a chain
    stops there. Otherwise it follows every origin to its ends. A claim whose chain ends at several origins
    (heard it from two people) rests on all of them.
    """
    graph = source_graph(testimony, chain_claims)
    observers = {node_of_witness(testimony, c) for c in claims if c.knowledge == "direct"}
    lines: dict[str, Line] = {}
    for claim in claims:
        start = node_of_witness(testimony, claim)
        roots = {start} if claim.knowledge == "direct" else _roots(graph, node_of_origin(testimony, claim),
                                                                     observers)
        for root in sorted(roots):
            if root not in lines:
                kind = ("direct" if root in observers else
                        "documentary" if root.startswith("document:") else "hearsay")
                lines[root] = Line(root, kind)
            lines[root].claims.append(claim.claim_id)
    return list(lines.values())


def _roots(graph: nx.DiGraph, node: str, observers: set[str]) -> set[str]:
    """Where the chains from `node` end: at an observer, or at a node with no origin of its own."""
    roots: set[str] = set()
    stack, seen = [node], set()
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        successors = list(graph.successors(current)) if current in graph else []
        if current in observers or not successors:
            roots.add(current)
        else:
            stack.extend(successors)
    return roots
