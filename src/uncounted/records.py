"""The canonical record: one row of a victim list, whatever its group's own columns were.

Every reader and mapping ends here; every later stage (names, linkage, capture histories) starts here.
"""

from __future__ import annotations

#: Canonical columns, in the order exports write them (design.md, "Canonical record").
CANONICAL_FIELDS: tuple[str, ...] = (
    "source",
    "record_id",
    "full_name",
    "given_name",
    "father_name",
    "grandfather_name",
    "family_name",
    "mother_name",
    "sex",
    "age",
    "birth_year",
    "date_of_death",
    "date_of_detention",
    "governorate",
    "district",
    "place_of_death",
    "notes",
)

#: Columns any of which carries a name; a record needs at least one of them filled.
NAME_FIELDS: tuple[str, ...] = (
    "full_name",
    "given_name",
    "father_name",
    "grandfather_name",
    "family_name",
)

#: Columns holding partial ISO 8601 dates or EDTF intervals.
DATE_FIELDS: tuple[str, ...] = ("date_of_death", "date_of_detention")

SEX_VALUES: frozenset[str] = frozenset({"male", "female", ""})
