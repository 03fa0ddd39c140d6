"""The units a claim's numbers may carry, and conversion within one dimension.

A claim says "twice a month" or "three times a week"; a model parameter wants one unit. Each unit belongs to a
dimension and has a factor to that dimension's base unit (per week for rates, weeks for durations). A month is
30.4375 days and a year 365.25 days (the Gregorian averages).
"""

from __future__ import annotations

#: unit → (dimension, factor to the base unit of that dimension)
UNITS: dict[str, tuple[str, float]] = {
    "people": ("count", 1.0),
    "per_day": ("rate", 7.0),
    "per_week": ("rate", 1.0),
    "per_month": ("rate", 7.0 / 30.4375),
    "per_year": ("rate", 7.0 / 365.25),
    "minutes": ("duration", 1.0 / (7 * 24 * 60)),
    "hours": ("duration", 1.0 / (7 * 24)),
    "days": ("duration", 1.0 / 7),
    "weeks": ("duration", 1.0),
    "months": ("duration", 30.4375 / 7),
    "years": ("duration", 365.25 / 7),
}

#: The dimension each numeric claim type must be stated in.
DIMENSION_OF_TYPE: dict[str, str] = {"frequency": "rate", "group_size": "count", "count": "count",
                                     "period": "duration", "duration": "duration"}


def dimension(unit: str) -> str:
    return UNITS[unit][0]


def convert(value: float, unit: str, target: str) -> float:
    """`value` in `unit` expressed in `target`; both must be known units of one dimension."""
    source_dimension, source_factor = UNITS[unit]
    target_dimension, target_factor = UNITS[target]
    if source_dimension != target_dimension:
        raise ValueError(f"cannot convert {unit} ({source_dimension}) to {target} ({target_dimension})")
    return value * source_factor / target_factor
