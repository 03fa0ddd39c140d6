"""`uncounted simulate`: simulated Syrian-style victim lists with their known truth (design.md, contracts).

A thin shell over `uncounted.simulate`: it checks the options, draws, writes the files and prints a summary.
"""

from __future__ import annotations

from pathlib import Path

import typer

from uncounted.cli.common import console, progress
from uncounted.errors import BadInput
from uncounted.simulate.profiles import MAX_LISTS, MIN_LISTS  # plain data, cheap to import

OutOption = typer.Option(..., "--out", help="Folder to write the lists, truth.csv and simulation.json to.")


def register(app: typer.Typer) -> None:
    """Add `uncounted simulate` to the root app."""
    app.command("simulate")(simulate_command)


def simulate_command(
    out: Path = OutOption,
    seed: int = typer.Option(2015, "--seed", help="Random seed; the same seed writes the same files."),
    population: int | None = typer.Option(None, "--population", help="How many people died (default 17,700, "
                                          "the custody scenario)."),
    lists: int = typer.Option(4, "--lists", help=f"How many lists, {MIN_LISTS} to {MAX_LISTS}."),
) -> None:
    """Simulate people who died in detention in Syria 2011–2015 and the lists that documented them."""
    if seed < 0:
        raise BadInput(f"--seed must be 0 or more, not {seed}")
    if population is not None and population < 1:
        raise BadInput(f"--population must be at least 1, not {population}")
    if not MIN_LISTS <= lists <= MAX_LISTS:
        raise BadInput(f"--lists must be from {MIN_LISTS} to {MAX_LISTS}, not {lists}")
    if out.exists() and not out.is_dir():
        raise BadInput("--out must be a folder, and this is a file", file=str(out))
    from uncounted.simulate import simulate, write_simulation

    with progress("simulating lists"):
        sim = simulate(seed=seed, population=population, lists=lists)
        write_simulation(sim, out)
    records = sum(len(frame) for frame in sim.lists.values())
    console.print(f"{sim.n:,} people died; {len(sim.lists)} lists hold {records:,} records of "
                  f"{sim.documented:,} of them ({sim.documented / sim.n:.0%}).", highlight=False)
    for name, frame in sim.lists.items():
        console.print(f"  {name}: {len(frame):,} records", highlight=False)
    console.print(f"written to {out}", highlight=False)
