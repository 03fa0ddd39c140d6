"""`write_atomically`: a file appears whole or not at all."""

import stat

import pytest

from uncounted.files import write_atomically


def test_the_file_appears_whole_private_and_with_no_leftover(tmp_path):
    target = tmp_path / "report.html"
    target.write_text("old", encoding="utf-8")
    write_atomically(target, lambda temporary: temporary.write_text("new", encoding="utf-8"))
    assert target.read_text(encoding="utf-8") == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o600  # victims' data is not left readable by others


def test_a_failed_write_leaves_the_old_file_and_nothing_else(tmp_path):
    target = tmp_path / "entities.csv"
    target.write_text("complete", encoding="utf-8")

    def half_then_fail(temporary):
        temporary.write_text("half", encoding="utf-8")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomically(target, half_then_fail)
    assert target.read_text(encoding="utf-8") == "complete"
    assert [p.name for p in tmp_path.iterdir()] == ["entities.csv"]


def test_the_temporary_file_keeps_the_suffix_writers_choose_a_format_by(tmp_path):
    seen = []
    write_atomically(tmp_path / "review.xlsx", lambda temporary: seen.append(temporary.suffix) or temporary.touch())
    assert seen == [".xlsx"]
