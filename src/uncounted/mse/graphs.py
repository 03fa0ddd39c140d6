"""Decomposable graphical models over the lists of a capture table, for Bayesian model averaging (dga).

A decomposable (chordal) graph factorises the cell probabilities into clique marginals divided by separator
marginals (Lauritzen 1996, section 3.2; Madigan & York 1997, section 2), which is what makes dga's marginal
likelihood exact and cheap. networkx tests chordality and finds the cliques; the separators come from a
maximum-weight spanning tree of the clique-intersection graph, which is a junction tree for a chordal graph
(Jensen & Jensen 1994). Empty separators (between connected components) contribute nothing and are left out.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import networkx as nx

from uncounted.errors import BadInput


@dataclass(frozen=True)
class DecomposableGraph:
    """One graphical model: lists are vertices 0..n-1; cliques and non-empty separators are sorted tuples."""

    n: int
    edges: tuple[tuple[int, int], ...]
    cliques: tuple[tuple[int, ...], ...]
    separators: tuple[tuple[int, ...], ...]

    def label(self, lists: Sequence[str]) -> str:
        """Generating-class notation with list names, e.g. ``[EXH,ABA,OSCE][EXH,OSCE,HRW]``."""
        return "".join("[" + ",".join(lists[i] for i in clique) + "]" for clique in self.cliques)

    def positional_label(self) -> str:
        """Generating class by list position (1-based), e.g. ``[12][3]``, as dga's papers write it."""
        sep = "" if self.n <= 9 else ","
        return "".join("[" + sep.join(str(i + 1) for i in clique) + "]" for clique in self.cliques)


def graph_from_edges(n: int, edges: Sequence[tuple[int, int]]) -> DecomposableGraph | None:
    """The decomposable graph with these edges, or None if the graph is not chordal."""
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from(edges)
    if not nx.is_chordal(graph):
        return None
    cliques = sorted(tuple(sorted(c)) for c in nx.find_cliques(graph))
    return DecomposableGraph(
        n=n,
        edges=tuple(sorted(tuple(sorted(e)) for e in graph.edges)),
        cliques=tuple(cliques),
        separators=_separators(cliques),
    )


def _separators(cliques: list[tuple[int, ...]]) -> tuple[tuple[int, ...], ...]:
    """Separators of a junction tree: edges of a maximum spanning tree of the clique-intersection graph."""
    if len(cliques) < 2:
        return ()
    overlap = nx.Graph()
    overlap.add_nodes_from(range(len(cliques)))
    for a, b in itertools.combinations(range(len(cliques)), 2):
        common = set(cliques[a]) & set(cliques[b])
        if common:
            overlap.add_edge(a, b, weight=len(common))
    tree = nx.maximum_spanning_tree(overlap)
    return tuple(sorted(tuple(sorted(set(cliques[a]) & set(cliques[b]))) for a, b in tree.edges))


@lru_cache(maxsize=8)
def decomposable_graphs(n: int) -> tuple[DecomposableGraph, ...]:
    """Every decomposable graph on n labelled vertices (8 for 3, 61 for 4, 822 for 5), in a fixed order."""
    pairs = list(itertools.combinations(range(n), 2))
    found = []
    for mask in range(1 << len(pairs)):
        graph = graph_from_edges(n, [pair for k, pair in enumerate(pairs) if mask >> k & 1])
        if graph is not None:
            found.append(graph)
    return tuple(found)


def parse_graph(spec: str, lists: Sequence[str]) -> DecomposableGraph:
    """A decomposable graph from its generating class, by name (``[A,B][B,C]``) or position (``[12][23]``).

    Lists not named are independent of the others. The generating class must be the cliques of a chordal
    graph:
    ``[12][13][23]`` is refused, because the graph it draws is the triangle, whose only clique is ``[123]``.
    """
    blocks = re.findall(r"\[([^\]]*)\]", spec)
    if not blocks or re.sub(r"\[[^\]]*\]", "", spec).strip():
        raise BadInput(f"graph '{spec}' is not written as cliques in brackets, such as [A,B][B,C]")
    cliques = []
    for block in blocks:
        members = generator_members(block, lists, spec)
        cliques.append(tuple(sorted(set(members))))
    edges = {pair for clique in cliques for pair in itertools.combinations(clique, 2)}
    graph = graph_from_edges(len(lists), sorted(edges))
    maximal = {c for c in cliques if not any(set(c) < set(d) for d in cliques)}
    unnamed = {(i,) for i in range(len(lists)) if not any(i in c for c in cliques)}
    if graph is None or set(graph.cliques) != maximal | unnamed:
        raise BadInput(f"graph '{spec}' is not a decomposable graphical model (its cliques would differ)")
    return graph


def generator_members(block: str, lists: Sequence[str], spec: str) -> list[int]:
    """Positions of the lists named inside one bracket of a generating class (names, or 1-based positions)."""
    tokens = [t for t in re.split(r"[,\s]+", block.strip()) if t]
    if not tokens:
        raise BadInput(f"'{spec}' has an empty term []")
    if len(tokens) == 1 and tokens[0] not in lists and tokens[0].isdigit() and len(lists) <= 9:
        tokens = list(tokens[0])  # positional shorthand: [123] means lists 1, 2 and 3
    index = []
    for token in tokens:
        if token in lists:
            index.append(lists.index(token))
        elif token.isdigit() and 1 <= int(token) <= len(lists):
            index.append(int(token) - 1)
        else:
            raise BadInput(f"'{spec}' names '{token}', which is not one of the lists "
                           f"{', '.join(lists)}")
    return index
