"""Synthetic victim lists with a known truth: a closed population of people who died in detention in Syria
2011–2015, and K lists that record some of them the way documentation groups' lists do.

`simulate()` draws the people (`population`), who each list records (`visibility`), and how each list writes
them (`render`); `write_simulation()` saves the lists as canonical CSVs plus the truth. The default "custody"
scenario is calibrated to the published custody figures (design.md): about 17,700 dead, four lists, about
12,300 of them documented. Everything is drawn from one seed, so the same seed gives the same files.

This module imports only the standard library at import time; numpy and pandas load when `simulate()` runs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from uncounted.errors import BadInput

if TYPE_CHECKING:
    import pandas as pd

SCENARIOS = ("custody",)
#: The people's columns that the custody figures are stratified by (design.md).
STRATA = ("year_of_death", "governorate")
#: The custody scenario's population: about 17,700 people died in custody (design.md, reference figures).
CUSTODY_POPULATION = 17_700
#: Share of them documented by at least one of the four lists: 12,270 of about 17,700.
CUSTODY_DOCUMENTED_SHARE = 12_270 / 17_700


@dataclass
class Simulation:
    """A simulated population and its lists: canonical records per list, and the truth behind them."""

    lists: dict[str, pd.DataFrame]  # list name → records in canonical columns
    truth: pd.DataFrame  # source, record_id, person_id: one row per record
    people: pd.DataFrame  # everyone, documented or not, with their true attributes
    n: int
    settings: dict[str, Any]

    @property
    def documented(self) -> int:
        """How many people at least one list recorded."""
        return int(self.truth["person_id"].nunique())


def simulate(*, seed: int = 2015, population: int | None = None, lists: int = 4,
             scenario: str = "custody") -> Simulation:
    """Draw a population and `lists` lists of it. Same arguments, same result (numpy Generator streams)."""
    from uncounted.simulate.profiles import MAX_LISTS, MIN_LISTS, PROFILES

    n = CUSTODY_POPULATION if population is None else population
    if scenario not in SCENARIOS:
        raise BadInput(f"unknown scenario '{scenario}'; choose one of: {', '.join(SCENARIOS)}")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise BadInput(f"the seed must be a whole number of at least 0, not {seed!r}")
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise BadInput(f"the population must be a whole number of at least 1, not {n!r}")
    if isinstance(lists, bool) or not isinstance(lists, int) or not MIN_LISTS <= lists <= MAX_LISTS:
        raise BadInput(f"the number of lists must be from {MIN_LISTS} to {MAX_LISTS}, not {lists!r}")
    return _draw(seed, n, PROFILES[:lists], scenario)


def _draw(seed: int, n: int, profiles: tuple, scenario: str) -> Simulation:
    import numpy as np
    import pandas as pd

    from uncounted.simulate.names import name_table
    from uncounted.simulate.population import make_people
    from uncounted.simulate.render import ListWriter, render_list
    from uncounted.simulate.visibility import capture, visibility_classes

    # Separate streams per stage and per list, so the people do not change with the number of lists and
    # list_a does not change when list_e is added.
    people_seq, class_seq, capture_seq, *list_seqs = np.random.SeedSequence(seed).spawn(3 + len(profiles))
    table = name_table()
    people = make_people(np.random.default_rng(people_seq), n, table)
    classes = visibility_classes(np.random.default_rng(class_seq), people)
    people["visibility_class"] = classes
    recorded = capture(np.random.default_rng(capture_seq), people, classes, profiles)
    rows = people.to_dict("records")
    frames: dict[str, pd.DataFrame] = {}
    truths = []
    for profile, seq in zip(profiles, list_seqs, strict=True):
        rng = np.random.default_rng(seq)
        writer = ListWriter.create(rng, profile, table)
        frames[profile.name], truth = render_list(rng, writer, rows, recorded[profile.name])
        truths.append(truth)
    for profile in profiles:
        people[profile.name] = recorded[profile.name].astype(int)
    people["documented"] = people[[p.name for p in profiles]].any(axis=1)
    settings = {
        "scenario": scenario, "seed": seed, "population": n, "lists": len(profiles),
        "profiles": [p.as_dict() for p in profiles],
    }
    return Simulation(frames, pd.concat(truths, ignore_index=True), people, n, settings)


def _stratum_counts(people: pd.DataFrame, column: str) -> dict[str, dict[str, int]]:
    """True and documented counts per stratum, for comparing a stratified estimate with the truth."""
    groups = people.groupby(column)["documented"]
    return {str(key): {"n": int(group.size), "documented": int(group.sum())} for key, group in groups}


def write_simulation(sim: Simulation, out_dir: str | Path) -> list[Path]:
    """Write `<list>.csv` for each list (UTF-8, canonical columns), `truth.csv` and `simulation.json`.

    Each file is written under a temporary name and renamed, so an interrupted run leaves no half file.
    """
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise BadInput("the output must be a folder, and this is a file", file=str(out))
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BadInput(f"cannot create the output folder ({exc.strerror})", file=str(out)) from exc
    summary = {
        "n": sim.n, "seed": sim.settings["seed"], "documented": sim.documented,
        "records": {name: len(frame) for name, frame in sim.lists.items()},
        "strata": {column: _stratum_counts(sim.people, column) for column in STRATA},
        "settings": sim.settings,
    }
    contents: list[tuple[Path, str]] = [(out / f"{name}.csv", frame.to_csv(index=False))
                                        for name, frame in sim.lists.items()]
    contents.append((out / "truth.csv", sim.truth.to_csv(index=False)))
    contents.append((out / "simulation.json", json.dumps(summary, ensure_ascii=False, indent=2) + "\n"))
    written = []
    for path, text in contents:
        partial = path.with_name(path.name + ".part")
        try:
            partial.write_text(text, encoding="utf-8", newline="")
            partial.replace(path)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise BadInput(f"cannot write the file ({exc.strerror})", file=str(path)) from exc
        written.append(path)
    return written


def truth_verdicts(pairs: pd.DataFrame, truth: pd.DataFrame) -> list[str]:
    """A reviewer who is always right: "match" or "non-match" for each pair (source_l, record_id_l, source_r,
    record_id_r), read from the simulation's truth (source, record_id, person_id), for benchmarks and tests of
    the review loop."""
    person = truth.astype(str).set_index(["source", "record_id"])["person_id"]
    left = person.reindex(list(zip(pairs["source_l"], pairs["record_id_l"], strict=True))).to_numpy()
    right = person.reindex(list(zip(pairs["source_r"], pairs["record_id_r"], strict=True))).to_numpy()
    return ["match" if a == b else "non-match" for a, b in zip(left, right, strict=True)]


__all__ = ["Simulation", "simulate", "truth_verdicts", "write_simulation"]
