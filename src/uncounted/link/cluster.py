"""From scored pairs to people: connected components with guard-rails against chaining.

Connected components alone let one wrong link merge two people, and a chain of wrong links merge dozens
(the classic failure on common names such as محمد أحمد, and on brothers, who share father, grandfather,
family, place and often the date they were killed). Two guard-rails:

- a component holding two records whose given names cannot be one person's (neither equal, one edit
  apart, nor one the other with letters dropped), two records a reviewer judged to be different people, or
  (when asked) two records of one list, is cut between them along the weakest links (a minimum cut, Ford &
  Fulkerson 1956);
- a component too large, or too sparse to be one person recorded a few times, is split by dropping its
  weakest links until every part passes (a very large one first falls into pieces no larger than the limit,
  strongest links first).

Written on networkx because Splink's clustering has no such guard-rails.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import pandas as pd


@dataclass(frozen=True)
class ClusterRules:
    """Guard-rails, as data: saved with each linkage run."""

    threshold: float = 0.5  # more likely the same person than not
    max_size: int = 12  # no person is plausibly on a handful of lists more than a dozen times
    min_density: float = 0.4  # share of record pairs inside a component that the model linked directly
    # A list known to hold each person once: two of its records in one component are two people.
    one_record_per_source: bool = False


def cluster(record_keys: pd.DataFrame, pairs: pd.DataFrame, rules: ClusterRules,
            given: pd.Series | None = None, apart: pd.DataFrame | None = None) -> tuple[pd.DataFrame, int]:
    """Assign an entity to every record; returns (source, record_id, entity_id) and the number of splits.

    `record_keys` has `source` and `record_id`; `pairs` has `source_l, record_id_l, source_r, record_id_r,
    match_probability`; `given`, aligned with `record_keys`, holds each record's given-name key (empty when
    unknown) for the cannot-link rule; `apart` (source_l, record_id_l, source_r, record_id_r) lists pairs that
    must end in different entities. Entity ids are stable for the same input: numbered in the order of each
    entity's first record.
    """
    graph = nx.Graph()
    nodes = list(zip(record_keys["source"], record_keys["record_id"], strict=True))
    graph.add_nodes_from(nodes)
    if given is not None:
        for node, key in zip(nodes, given.fillna("").astype(str), strict=True):
            graph.nodes[node]["given"] = key
    strong = pairs[pairs["match_probability"] >= rules.threshold]
    graph.add_weighted_edges_from(
        zip(zip(strong["source_l"], strong["record_id_l"], strict=True),
            zip(strong["source_r"], strong["record_id_r"], strict=True),
            strong["match_probability"], strict=True)
    )
    if apart is not None:
        for a, b in zip(zip(apart["source_l"], apart["record_id_l"], strict=True),
                        zip(apart["source_r"], apart["record_id_r"], strict=True), strict=True):
            if a in graph and b in graph:
                graph.nodes[a].setdefault("apart", set()).add(b)
                graph.nodes[b].setdefault("apart", set()).add(a)
    components: list[set] = []
    splits = 0
    for component in nx.connected_components(graph):
        # Most people are one or two records, and no order can change how two records split.
        pieces = [component] if len(component) <= rules.max_size else _bounded(graph, component, rules.max_size)
        parts = [part for piece in pieces
                 for part in ([piece] if len(piece) == 1 else _split(_ordered(graph, piece), rules))]
        splits += len(parts) - 1
        components.extend(parts)
    order = {node: i for i, node in enumerate(nodes)}
    components.sort(key=lambda part: min(order[node] for node in part))
    entity_of = {node: f"E{i + 1:07d}" for i, part in enumerate(components) for node in part}
    entities = pd.DataFrame(
        {"source": record_keys["source"].to_numpy(), "record_id": record_keys["record_id"].to_numpy(),
         "entity_id": [entity_of[node] for node in nodes]}
    )
    return entities, splits


def one_edit_apart(a: str, b: str) -> bool:
    """True when b is a with at most one letter inserted, deleted, replaced, or two neighbours swapped."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = next((k for k, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), len(a))
    if len(a) == len(b):
        swapped = i + 1 < len(a) and a[i] == b[i + 1] and a[i + 1] == b[i]
        return a[i + 1:] == b[i + 1:] or (swapped and a[i + 2:] == b[i + 2:])
    return a[i:] == b[i + 1:]


def could_be_one_name(a: str, b: str) -> bool:
    """True when two given-name keys may be one person's: one edit apart, or one holding the other's letters in
    order ("mst" in "mstfy", "mwd" in "mhmwd"): lists drop letters when a name is typed or read in haste, and
    a dropped letter must not pass for another name."""
    if one_edit_apart(a, b):
        return True
    shorter, longer = sorted((a, b), key=len)
    letters = iter(longer)
    return all(letter in letters for letter in shorter)


def _conflict(graph: nx.Graph, rules: ClusterRules) -> tuple | None:
    """Two records of the component that cannot be one person, or None."""
    for node, apart in graph.nodes(data="apart", default=None):
        for other in sorted(apart or ()):
            if other in graph:
                return node, other
    if rules.one_record_per_source:
        first_of_source: dict = {}
        for node in graph.nodes:  # nodes are (source, record_id)
            if node[0] in first_of_source:
                return first_of_source[node[0]], node
            first_of_source[node[0]] = node
    named = [(node, key) for node, key in graph.nodes(data="given", default="") if key]
    distinct = {key: node for node, key in named}
    keys = list(distinct)
    for i, first in enumerate(keys):
        for second in keys[i + 1:]:
            if not could_be_one_name(first, second):
                return distinct[first], distinct[second]
    return None


def _acceptable(graph: nx.Graph, rules: ClusterRules) -> bool:
    size = graph.number_of_nodes()
    if size <= 2:
        return True
    return size <= rules.max_size and nx.density(graph) >= rules.min_density


def _ordered(graph: nx.Graph, nodes: set) -> nx.Graph:
    """The subgraph on `nodes` with nodes and edges in sorted order.

    Components come out of networkx as sets, whose order changes with Python's string hashing from one
    process to the next; a minimum cut or a choice among equally weak links must not depend on it. Two
    records need no copy: whichever order, they stay together or part.
    """
    if len(nodes) <= 2:
        return graph.subgraph(nodes)
    ordered = nx.Graph()
    ordered.add_nodes_from(sorted((node, graph.nodes[node]) for node in nodes))
    edges = graph.subgraph(nodes).edges(data=True)
    ordered.add_edges_from(sorted((min(u, v), max(u, v), data) for u, v, data in edges))
    return ordered


def _bounded(graph: nx.Graph, nodes: set, max_size: int) -> list[set]:
    """Pieces of an oversized component, none larger than `max_size`: its links taken strongest first, each
    joining two pieces unless together they would be too large (Kruskal's algorithm with a size bound).

    On a million records common names chain thousands of records into one component; cutting it a weakest
    link at a time would take time in the square of its size. Each piece then goes through `_split` as any
    small component does. Ties between equal links are broken by the records' keys, so runs repeat.
    """
    parent = {node: node for node in nodes}
    size = dict.fromkeys(nodes, 1)

    def root(node: tuple) -> tuple:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    edges = sorted((-weight, min(u, v), max(u, v)) for u, v, weight in graph.subgraph(nodes).edges(data="weight"))
    for _, u, v in edges:
        a, b = root(u), root(v)
        if a != b and size[a] + size[b] <= max_size:
            parent[b] = a
            size[a] += size[b]
    pieces: dict[tuple, set] = {}
    for node in sorted(nodes):
        pieces.setdefault(root(node), set()).add(node)
    return list(pieces.values())


def _split(graph: nx.Graph, rules: ClusterRules) -> list[set]:
    """Cut conflicting given names apart, then drop the weakest links of an unacceptable component until
    it falls apart, checking each part again. `graph` comes from `_ordered` and is not changed."""
    conflict = _conflict(graph, rules) if graph.number_of_nodes() > 1 else None
    if conflict is not None:
        _, (side, other) = nx.minimum_cut(graph, *conflict, capacity="weight")
        return [part for nodes in (side, other) for part in _split(_ordered(graph, nodes), rules)]
    if _acceptable(graph, rules):
        return [set(graph.nodes)]
    graph = graph.copy()
    edges = sorted(graph.edges(data="weight"), key=lambda edge: edge[2])
    for u, v, _ in edges:
        graph.remove_edge(u, v)
        if not nx.has_path(graph, u, v):
            break
    return [part for component in nx.connected_components(graph)
            for part in _split(_ordered(graph, component), rules)]
