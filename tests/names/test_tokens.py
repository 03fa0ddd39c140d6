"""Name units: compounds stay whole in both scripts."""

import pytest

from uncounted.names import tokens
from uncounted.names.tokens import units


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("عبد الرحمن", ["عبدالرحمن"]),
        ("عبدالرحمن", ["عبدالرحمن"]),
        ("عبد الله محمد", ["عبدالله", "محمد"]),
        ("نور الدين علي", ["نورالدين", "علي"]),
        ("فتح الله", ["فتحالله"]),
        ("أبو بكر", ["ابوبكر"]),
        ("ابو عبد الله", ["ابوعبدالله"]),
        ("محمد بن علي", ["محمد", "بنعلي"]),
        ("فاطمة بنت أحمد", ["فاطمة", "بنتاحمد"]),
        ("آل سعود", ["السعود"]),
        ("محمد الحلبي", ["محمد", "الحلبي"]),
        ("abd al-rahman", ["abdalrahman"]),
        ("Abdul Rahman", ["abdulrahman"]),
        ("Abdelrahman", ["abdelrahman"]),
        ("Nour Eddine", ["noureddine"]),
        ("Salah ad-Din", ["salahaddin"]),
        ("Abu Bakr", ["abubakr"]),
        ("Mohammed bin Ali al-Halabi", ["mohammed", "binali", "alhalabi"]),
        ("", []),
        (None, []),
    ],
)
def test_compounds_are_one_token(raw, expected):
    assert tokens(raw) == expected


def test_kinship_particles_are_noted_and_removed_from_the_body():
    ibn, bint = units("بن علي")[0], units("bint Ahmad")[0]
    assert (ibn.marker, ibn.body) == ("son", "علي")
    assert (bint.marker, bint.body) == ("daughter", "ahmad")
    assert units("عبد الله")[0].marker == ""


def test_a_trailing_particle_stays_a_unit():
    assert tokens("محمد بن") == ["محمد", "بن"]
