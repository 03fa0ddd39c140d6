"""The shipped name table: realistic size and skew, both scripts, and exactly what the build script makes."""

from __future__ import annotations

import importlib.util
import runpy
from pathlib import Path

import numpy as np
import pytest

from uncounted.simulate.names import name_table

DATA = Path(__file__).parents[2] / "src" / "uncounted" / "simulate" / "data"


def test_table_has_realistic_size_and_skew():
    table = name_table()
    assert len(table.codes["male"]) >= 200 and len(table.codes["female"]) >= 80
    assert len(table.codes["family"]) >= 500
    male = dict(zip((table.arabic[c] for c in table.codes["male"]), table.probabilities["male"], strict=True))
    assert max(male, key=male.get) == "محمد"
    assert 0.1 < male["محمد"] < 0.3 and male["أحمد"] > male["خالد"] > np.median(list(male.values()))
    for kind in ("male", "female", "family"):
        assert np.isclose(table.probabilities[kind].sum(), 1.0)


def test_names_have_arabic_and_attested_latin_spellings():
    table = name_table()
    mohammad = table.arabic.index("محمد")
    assert {"Muhammad", "Mohammad", "Mohammed", "Mohamed"} <= set(table.latin[mohammad])
    assert np.isclose(table.latin_weights[mohammad].sum(), 1.0)
    for code in range(len(table.arabic)):
        assert any("\u0600" <= ch <= "\u06ff" for ch in table.arabic[code])
        assert table.latin[code] and all(s.isascii() for s in table.latin[code])
    female = {table.arabic[c] for c in table.codes["female"]}
    assert {"فاطمة", "زينب", "مريم"} <= female
    assert not female & {table.arabic[c] for c in table.codes["male"]}
    families = [table.arabic[c] for c in table.codes["family"]]
    with_article = sum(f.startswith("ال") for f in families)
    assert 0.1 * len(families) < with_article < 0.7 * len(families)
    assert "أحمد" in {table.arabic[c] for c in table.codes["male"]}  # hamza written out


@pytest.mark.skipif(importlib.util.find_spec("arabic_name_romanizer") is None,
                    reason="arabic-name-romanizer is not installed")
def test_shipped_table_is_what_the_build_script_makes(tmp_path):
    build = runpy.run_path(str(DATA / "build_names.py"))["build"]
    assert build(tmp_path / "names.csv") == len(name_table().arabic)
    assert (tmp_path / "names.csv").read_bytes() == (DATA / "names.csv").read_bytes()
