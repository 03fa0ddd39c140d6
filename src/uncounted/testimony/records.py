"""Victims named in testimony as one more list: person claims in the canonical record columns.

A relative who says "my brother was taken in May 2013" names a victim as surely as a list does. Turned into
canonical records (source "testimony"), such claims go through linkage like any list, so a person named by a
witness and by a documentation group becomes one person, and one more capture history.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from uncounted.records import CANONICAL_FIELDS
from uncounted.testimony.model import Claim

SOURCE = "testimony"


def claims_to_records(claims: Iterable[Claim], source: str = SOURCE) -> pd.DataFrame:
    """One canonical record per `person_detained` / `person_killed` claim; other claims are not persons.

    The claim id is the record id; the claim's dates go to `date_of_detention` or `date_of_death` as an EDTF
    interval when it has two ends; the claim's place is the place of death of a killed person. Witness
    pseudonyms and knowledge are kept in `notes` for the reviewer; nothing identifying a witness is.
    """
    rows = []
    for claim in claims:
        if claim.claim_type not in ("person_detained", "person_killed"):
            continue
        when = _interval(claim.date_from, claim.date_to)
        killed = claim.claim_type == "person_killed"
        rows.append({
            "source": source, "record_id": claim.claim_id, "full_name": claim.person_name,
            "sex": claim.person_sex,
            "age": "" if claim.person_age is None else f"{claim.person_age:g}",
            "date_of_death": when if killed else "", "date_of_detention": "" if killed else when,
            "governorate": claim.person_governorate, "place_of_death": claim.place if killed else "",
            "notes": f"{claim.claim_type.replace('_', ' ')} per account {claim.account_id} "
                     f"({claim.knowledge})",
        })
    return pd.DataFrame(rows, columns=list(CANONICAL_FIELDS)).fillna("").astype(str)


def _interval(date_from: str, date_to: str) -> str:
    if date_from and date_to and date_from != date_to:
        return f"{date_from}/{date_to}"
    return date_from or date_to
