"""The root command: version, help, and errors as one plain sentence whatever the user's values contain."""

from __future__ import annotations

import uncounted


def test_version(run_cli):
    code, out, _ = run_cli("--version")
    assert code in (0, None) and out.strip() == f"uncounted {uncounted.__version__}"


def test_help_lists_the_stages(run_cli):
    code, out, _ = run_cli("--help")
    assert code in (0, None)
    for command in ("demo", "pipeline", "init", "ingest", "link", "review", "estimate", "testimony", "report",
                    "export", "bench"):
        assert command in out


def test_a_value_in_square_brackets_reaches_the_user_intact(run_cli, tmp_path):
    table = tmp_path / "t.csv"
    table.write_text("A,B,count\n1,0,3\n1,1,[bold]x[/bold]\n", encoding="utf-8")
    code, _, err = run_cli("estimate", table, "--method", "loglinear")
    assert code == 2
    assert "[bold]x[/bold]" in err and "row 3" in err and "column 'count'" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
