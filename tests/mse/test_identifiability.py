import numpy as np
import pytest

from uncounted.errors import BadInput
from uncounted.mse.capture import CaptureTable
from uncounted.mse.identifiability import check_identifiable

LISTS = ["A", "B", "C"]


def unchecked(patterns: dict[str, int]) -> CaptureTable:
    rows = np.array([[int(c) for c in p] for p in patterns])
    return CaptureTable.build(LISTS, rows, list(patterns.values()), check=False)


def test_full_table_identifies_every_model_below_saturation():
    table = unchecked({"100": 40, "010": 30, "001": 20, "110": 6, "101": 5, "011": 7, "111": 3})
    for spec in ("M0", "Mt", "[12]", "[12][13][23]", "Mth-Chao", "Mth-Darroch"):
        assert check_identifiable(table, spec).identifiable, spec
    saturated = check_identifiable(table, "[123]")
    assert not saturated.identifiable and not saturated.full_rank
    assert "8 parameters" in saturated.reason and "only 7" in saturated.reason


def test_zero_cell_that_a_model_must_fit_exactly_has_no_mle():
    table = unchecked({"100": 40, "010": 30, "001": 20, "101": 5, "011": 7, "111": 3})
    result = check_identifiable(table, "[12][13][23]")
    assert result.full_rank and not result.mle_exists and not result.identifiable
    assert "Fienberg-Rinaldo" in result.reason
    assert check_identifiable(table, "Mt").identifiable


def test_empty_overlap_is_a_structural_zero_not_a_failure():
    table = unchecked({"100": 40, "010": 30, "001": 20, "110": 6, "011": 8})
    result = check_identifiable(table, "[12][13]")
    assert result.identifiable
    assert "No one is on both A and C" in result.reason


def test_unknown_list_in_the_model_is_bad_input():
    table = unchecked({"100": 40, "010": 30, "001": 20, "110": 6, "011": 8})
    with pytest.raises(BadInput, match="no list called 'Z'"):
        check_identifiable(table, "[A,Z]")
