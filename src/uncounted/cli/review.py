"""`uncounted review export|import|summary`: people who read the names judge the pairs the model is unsure of."""

from __future__ import annotations

from pathlib import Path

import typer

from uncounted.cli.common import WorkspaceOption, console

review_app = typer.Typer(no_args_is_help=True, help="Send uncertain pairs to reviewers and take their labels back.")


@review_app.command("export")
def export_pairs(
    out: Path = typer.Option(..., "--out", help="Review file to write: .csv or .xlsx."),
    size: int = typer.Option(200, "--size", min=1, help="How many pairs to sample from the uncertain band."),
    low: float = typer.Option(0.2, "--low", min=0.0, max=1.0, help="Lower edge of the uncertain band."),
    high: float = typer.Option(0.98, "--high", min=0.0, max=1.0, help="Upper edge of the uncertain band."),
    seed: int = typer.Option(1, "--seed", help="Seed of the sample."),
    spread: int = typer.Option(0, "--spread", min=0,
                               help="Also draw this many pairs scored below and above the band, so that the labels "
                                    "estimate precision and recall over every score, not the band alone."),
    workspace: Path = WorkspaceOption,
) -> None:
    """Write a stratified sample of uncertain pairs, the two records side by side, with label columns."""
    from uncounted.link.io import load_linkage
    from uncounted.link.review import review_sample, write_review_file
    from uncounted.store.records import load_records
    from uncounted.workspace import Workspace

    ws = Workspace.open(workspace)
    sample = review_sample(load_linkage(ws.path).pairs, load_records(ws), low=low, high=high, size=size, seed=seed,
                           spread=spread)
    write_review_file(sample, out)
    console.print(f"wrote {len(sample)} pairs to {out}; fill 'label' with match, non-match or unsure",
                  highlight=False)


@review_app.command("import")
def import_labels(
    file: Path = typer.Argument(..., help="A review file with the label column filled in."),
    reviewer: str | None = typer.Option(None, "--reviewer", help="Reviewer for rows that name none."),
    workspace: Path = WorkspaceOption,
) -> None:
    """Store reviewers' labels with reviewer, time and reason; they feed evaluation and the next training."""
    from uncounted.errors import BadInput
    from uncounted.ingest.fixity import sha256_file
    from uncounted.link.review import read_review_file, store_labels
    from uncounted.workspace import Workspace

    if not file.is_file():
        raise BadInput("no such file", file=str(file))
    ws = Workspace.open(workspace)
    labels = read_review_file(file, reviewer)
    stored = store_labels(ws, labels, sha256_file(file))
    console.print(f"stored {stored} labels from {file}", highlight=False)


@review_app.command("summary")
def summary(workspace: Path = WorkspaceOption) -> None:
    """Estimated precision and recall of the links among the scores reviewed, from the labels so far."""
    from uncounted.link.io import load_linkage
    from uncounted.link.review import label_quality, load_labels
    from uncounted.workspace import Workspace

    ws = Workspace.open(workspace)
    linkage = load_linkage(ws.path)
    quality = label_quality(load_labels(ws), float(linkage.settings["threshold"]), linkage.pairs)
    if not quality["labelled_pairs"]:
        console.print("no pair has been labelled yet; see 'uncounted review export'", highlight=False)
        return
    console.print(f"{quality['labelled_pairs']} labelled pairs, covering match probabilities {quality['covers']}",
                  highlight=False)
    for name in ("precision", "recall"):
        value = quality[name]
        text = "not enough labels" if value is None else \
            f"{value:.3f} (95%: {quality[f'{name}_lower']:.3f}–{quality[f'{name}_upper']:.3f})"
        console.print(f"{name}: {text}", highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(review_app, name="review")
