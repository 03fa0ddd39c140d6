"""`uncounted bench names`: the quality and speed targets of issue 5.

Quality is measured on the attested Arabic–Latin variant groups of `arabic-name-romanizer`'s unit index (one
group = one normalised Arabic unit and every Latin spelling attested for it). The groups are split 80/20 by
a fixed seed. Letter rules were tuned on the 80%, on an inner 80/20 split of it (the very first iterations
also looked at misses among the held-out 20%, which showed the misaligned index rows that `keys.compatible`
now filters). The figures below are on the 20%:

- same key, as shipped: the index holds every attested pair, as in use; the held-out groups were not in
  the tuning set, but their spellings are in the index (target >= 95% of spellings, weighted by how
  often each is attested).
- same key, unseen names: the index is rebuilt from the 80% only, so every held-out spelling must be keyed
  by the phonetic rules or through other names' spellings (no target; this is the fallback's quality).
- different keys: pairs of the 500 commonest units (by attestations) that get different keys, from their
  Arabic spellings and from their commonest Latin spellings (target >= 90%).

Speed: normalisation rate on a mix of the attested Arabic and Latin spellings (target >= 200,000 names per
second on one core) and `name_features` on synthetic records built from attested names.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import random
import time
from collections import Counter, defaultdict
from typing import Any

import typer

SEED = 20261123
TRAIN_SHARE = 0.8
#: Countries of the Arab League: the conventions the rules aim at (Syria's lists) are theirs.
ARAB_COUNTRIES = frozenset(
    {
        "DZ",
        "BH",
        "KM",
        "DJ",
        "EG",
        "IQ",
        "JO",
        "KW",
        "LB",
        "LY",
        "MR",
        "MA",
        "OM",
        "PS",
        "QA",
        "SA",
        "SO",
        "SD",
        "SY",
        "TN",
        "AE",
        "YE",
    }
)


def variant_groups() -> dict[str, list[tuple[str, str, int, str]]]:
    """Attested rows grouped by normalised Arabic unit (spaces inside compounds ignored)."""
    from uncounted.names.arabic import normalize
    from uncounted.names.keys import attested_pairs

    groups: dict[str, list[tuple[str, str, int, str]]] = defaultdict(list)
    for arabic, roman, count, country in attested_pairs():
        unit = "".join(normalize(arabic).split())
        if unit:
            groups[unit].append((arabic, roman, count, country))
    return dict(groups)


def split(units: list[str], seed: int = SEED, share: float = TRAIN_SHARE) -> tuple[list[str], list[str]]:
    """Units shuffled by a fixed seed and cut into (train, held out)."""
    order = sorted(units)
    random.Random(seed).shuffle(order)
    cut = int(share * len(order))
    return order[:cut], order[cut:]


def same_key_rates(index, groups, units, countries=None) -> dict[str, float]:
    """Share of Latin spellings keyed like their Arabic unit, weighted by attestations and per spelling."""
    from uncounted.names.arabic import normalize
    from uncounted.names.keys import arabic_key

    hit = total = hit_distinct = total_distinct = 0
    for unit in units:
        reference = arabic_key(unit)
        for _, roman, count, country in groups[unit]:
            if countries is not None and country not in countries:
                continue
            same = index.latin_key(normalize(roman)) == reference
            hit, total = hit + count * same, total + count
            hit_distinct, total_distinct = hit_distinct + same, total_distinct + 1
    return {
        "weighted": hit / total if total else float("nan"),
        "distinct": hit_distinct / total_distinct if total_distinct else float("nan"),
        "spellings": total_distinct,
    }


def different_key_rates(index, groups, top: int = 500) -> dict[str, float]:
    """Share of pairs of the `top` commonest units with different keys, from Arabic and from Latin."""
    from uncounted.names.arabic import normalize
    from uncounted.names.keys import arabic_key

    totals = Counter({unit: sum(r[2] for r in rows) for unit, rows in groups.items()})
    common = [unit for unit, _ in totals.most_common(top)]
    arabic = [arabic_key(unit) for unit in common]
    latin = []
    for unit in common:
        spellings: Counter = Counter()
        for _, roman, count, _ in groups[unit]:
            spellings[normalize(roman)] += count
        latin.append(index.latin_key(spellings.most_common(1)[0][0]))

    def apart(keys: list[str]) -> float:
        pairs = len(keys) * (len(keys) - 1) // 2
        same = sum(n * (n - 1) // 2 for n in Counter(keys).values())
        return 1 - same / pairs

    return {"arabic": apart(arabic), "latin": apart(latin), "units": len(common)}


def normalisation_rate(names: list[str], repeats: int) -> float:
    """Names per second through `normalize` (best of `repeats`; no cache is involved)."""
    from uncounted.names.arabic import normalize

    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for name in names:
            normalize(name)
        best = min(best, time.perf_counter() - start)
    return len(names) / best


def synthetic_records(groups, n: int, seed: int = SEED):
    """Canonical records with whole names chained from attested units, half Arabic and half Latin."""
    import pandas as pd

    rng = random.Random(seed)
    units = sorted(groups)
    weights = [sum(r[2] for r in groups[u]) for u in units]
    picks = rng.choices(units, weights=weights, k=4 * n)
    names = []
    for i in range(n):
        chain = picks[4 * i : 4 * i + 4]
        if i % 2:
            chain = [max(groups[u], key=lambda r: r[2])[1] for u in chain]
        names.append(" ".join(chain))
    return pd.DataFrame({"source": "bench", "record_id": [str(i) for i in range(n)], "full_name": names})


def run(records: int = 100_000, repeats: int = 3) -> dict[str, Any]:
    """All figures of `uncounted bench names` as one JSON-ready object."""
    from uncounted.names import name_features
    from uncounted.names.keys import VariantIndex, default_index

    groups = variant_groups()
    train, held = split(list(groups))
    shipped = default_index()
    unseen = VariantIndex.from_pairs((a, lat, n) for u in train for a, lat, n, _ in groups[u])
    quality = {
        "as_shipped": same_key_rates(shipped, groups, held),
        "as_shipped_arab_countries": same_key_rates(shipped, groups, held, ARAB_COUNTRIES),
        "unseen_names": same_key_rates(unseen, groups, held),
        "unseen_names_arab_countries": same_key_rates(unseen, groups, held, ARAB_COUNTRIES),
        "different_names": different_key_rates(shipped, groups),
    }
    names = [r[0] for rows in groups.values() for r in rows] + [
        r[1] for rows in groups.values() for r in rows
    ]
    random.Random(SEED).shuffle(names)
    rate = normalisation_rate(names[:100_000], repeats)
    frame = synthetic_records(groups, records)
    start = time.perf_counter()
    name_features(frame)
    features_seconds = time.perf_counter() - start
    rows = [
        _row(
            "same key, held-out groups, as shipped (weighted)",
            quality["as_shipped"]["weighted"],
            0.95,
            "share",
        ),
        _row(
            "same key, held-out groups, unseen by the index (weighted)",
            quality["unseen_names"]["weighted"],
            None,
            "share",
        ),
        _row(
            "different keys, 500 commonest units (Arabic)",
            quality["different_names"]["arabic"],
            0.90,
            "share",
        ),
        _row(
            "different keys, 500 commonest units (Latin)", quality["different_names"]["latin"], 0.90, "share"
        ),
        _row("normalisation rate", rate, 200_000, "names/s"),
        _row(
            f"name_features on {records:,} records", records / features_seconds, 1_000_000 / 60, "records/s"
        ),
    ]
    return {
        "benchmarks": rows,
        "quality": quality,
        "split": {
            "seed": SEED,
            "train_share": TRAIN_SHARE,
            "train_units": len(train),
            "held_out_units": len(held),
        },
        "machine": _machine(),
    }


def _row(name: str, value: float, target: float | None, unit: str) -> dict[str, Any]:
    return {
        "benchmark": name,
        "value": value,
        "target": target,
        "unit": unit,
        "met": None if target is None else bool(value >= target),
    }


def _machine() -> dict[str, Any]:
    """Where the figures were taken, with a yardstick: a busy machine shows as a slow reference loop."""
    start = time.perf_counter()
    total = 0
    for i in range(1_000_000):
        total += i
    return {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        "reference_loop_seconds": time.perf_counter() - start,  # 10**6 additions; ~0.05 s on an idle core
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def bench_names_command(
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of a table."),
    records: int = typer.Option(
        100_000, "--records", min=1, help="Synthetic records for the name_features timing."
    ),
    repeats: int = typer.Option(
        3, "--repeats", min=1, help="Repeats of the normalisation timing; the best is kept."
    ),
) -> None:
    """Measure cross-script keys (held-out variant groups) and speed against the targets of issue 5."""
    results = run(records, repeats)
    if as_json:
        typer.echo(json.dumps(results, indent=2))
        return
    from rich.table import Table

    from uncounted.cli.common import console

    table = Table("benchmark", "measured", "target", "met")
    for row in results["benchmarks"]:
        share = row["unit"] == "share"
        measured = f"{row['value']:.1%}" if share else f"{row['value']:,.0f} {row['unit']}"
        target = (
            ""
            if row["target"] is None
            else (f">= {row['target']:.0%}" if share else f">= {row['target']:,.0f}")
        )
        met = "" if row["met"] is None else ("yes" if row["met"] else "no")
        table.add_row(row["benchmark"], measured, target, met)
    console.print(table)
    machine = results["machine"]
    console.print(
        f"load average {machine['load_average']}, reference loop {machine['reference_loop_seconds']:.2f} s "
        "(about 0.05 s on an idle core): timings on a busy machine are low."
    )
