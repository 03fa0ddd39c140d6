"""Dates as witnesses give them: partial ISO 8601 (`2013`, `2013-05`, `2013-05-17`) or an EDTF interval.

Precision is kept, never invented: a partial date stands for every day it could be, so `2013-05` is the span
1–31 May 2013. Comparisons (do two claims overlap in time?) and durations use those spans.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

_PARTIAL = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def parse_partial(text: str) -> tuple[date, date]:
    """The first and last day a partial ISO date (or an EDTF interval `A/B`) may stand for.

    Raises ValueError with a readable reason; callers turn it into `BadInput` with the row.
    """
    text = text.strip()
    if "/" in text:
        start_text, _, end_text = text.partition("/")
        start, _ = parse_partial(start_text)
        _, end = parse_partial(end_text)
        if end < start:
            raise ValueError(f"the interval '{text}' ends before it starts")
        return start, end
    match = _PARTIAL.match(text)
    if not match:
        raise ValueError(f"'{text}' is not a date (use 2013, 2013-05 or 2013-05-17)")
    year, month, day = (int(part) if part else None for part in match.groups())
    assert year is not None
    try:
        if month is None:
            return date(year, 1, 1), date(year, 12, 31)
        if day is None:
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        exact = date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"'{text}' is not a calendar date") from exc
    return exact, exact


def span(date_from: str, date_to: str) -> tuple[date | None, date | None]:
    """The widest span a claim's `date_from`–`date_to` may cover; an empty end is open."""
    start = parse_partial(date_from)[0] if date_from else None
    end = parse_partial(date_to)[1] if date_to else None
    return start, end


def overlaps(a: tuple[date | None, date | None], b: tuple[date | None, date | None]) -> bool:
    """Whether two spans (open ends allowed) share at least one day."""
    a_start, a_end = a
    b_start, b_end = b
    if a_end is not None and b_start is not None and a_end < b_start:
        return False
    return not (b_end is not None and a_start is not None and b_end < a_start)


def completed_weeks(date_from: str, date_to: str) -> tuple[float, float]:
    """Whole weeks from `date_from` to `date_to` inclusive, as (shortest, longest) the precision allows.

    The shortest runs from the last day the start may be to the first day the end may be; the longest from
    the first possible start to the last possible end. 1 Sep 2011 – 31 Dec 2015 is 1,583 days: 226 weeks.
    """
    earliest_start, latest_start = parse_partial(date_from)
    earliest_end, latest_end = parse_partial(date_to)
    shortest = max((earliest_end - latest_start).days + 1, 0) // 7
    longest = ((latest_end - earliest_start).days + 1) // 7
    return float(shortest), float(longest)
