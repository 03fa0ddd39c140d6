"""Dates as lists write them → ISO 8601 partial dates or EDTF intervals, without inventing precision.

A list that says "2013" means the year, not 1 January 2013; a list that says "05/2013" means May. So a parsed
date keeps exactly the precision it was written with: `2013`, `2013-05`, `2013-05-17`, or an interval
`2013-05/2013-07` (EDTF level 0, ISO 8601-2:2019 §3.1.1). Python's `datetime` cannot hold a partial date, so
the small grammar here is written by hand; `strptime` still does the work for declared source formats.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime

from uncounted.errors import BadInput

#: Arabic-Indic (U+0660…) and Eastern Arabic-Indic (U+06F0…) digits to ASCII, plus the Arabic date separator.
_DIGITS = str.maketrans(
    {
        **{chr(0x0660 + i): str(i) for i in range(10)},
        **{chr(0x06F0 + i): str(i) for i in range(10)},
        "\u066b": ".",
        "\u066c": ",",
        "\u060c": ",",
    }
)
_PARTIAL = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_LONGEST = 64  # no date is longer; refusing early keeps garbage from costing time


def ascii_digits(value: str) -> str:
    """Arabic-Indic digits (both blocks) as ASCII digits; every other character unchanged."""
    return value.translate(_DIGITS)


def _partial(text: str, original: str) -> tuple[str, tuple[int, int, int], tuple[int, int, int]]:
    """One ISO partial date: its canonical text and its earliest and latest possible days (for ordering)."""
    match = _PARTIAL.fullmatch(text)
    if match is None:
        raise BadInput(f"'{original}' is not a date (expected 2013, 2013-05, 2013-05-17 or 2013-05/2013-07)")
    year, month, day = (int(g) if g else None for g in match.groups())
    if year == 0:
        raise BadInput(f"'{original}' has year 0")
    if month is not None and not 1 <= month <= 12:
        raise BadInput(f"'{original}' has month {month:02d}, which does not exist")
    if day is not None:
        try:
            date(year, month, day)  # type: ignore[arg-type]
        except ValueError:
            raise BadInput(f"'{original}' is not a day of the calendar") from None
        return text, (year, month, day), (year, month, day)  # type: ignore[return-value]
    if month is not None:
        return text, (year, month, 1), (year, month, 31)
    return text, (year, 1, 1), (year, 12, 31)


def parse_iso(value: str) -> str:
    """Check one ISO partial date or EDTF interval and return it in canonical form ("" stays "").

    Raises BadInput (and nothing else) for anything that is not one; an interval may not end before it starts.
    """
    original = value
    if not isinstance(value, str):
        raise BadInput(f"'{value!r}' is not a date")
    text = ascii_digits(value).strip()
    if text == "":
        return ""
    if len(text) > _LONGEST:
        raise BadInput(f"'{original[:20]}…' is too long to be a date")
    if "/" in text:
        parts = text.split("/")
        if len(parts) != 2:
            raise BadInput(f"'{original}' is not a date or an interval of two dates")
        start, first, _ = _partial(parts[0], original)
        end, _, last = _partial(parts[1], original)
        if last < first:
            raise BadInput(f"the interval '{original}' ends before it starts")
        return f"{start}/{end}"
    return _partial(text, original)[0]


def _with_precision(parsed: datetime, fmt: str) -> str:
    """The parsed date written to the precision its format pins down: the day, the month, or only the year."""
    if "%d" in fmt or "%j" in fmt:
        return f"{parsed.year:04d}-{parsed.month:02d}-{parsed.day:02d}"
    if any(code in fmt for code in ("%m", "%b", "%B")):
        return f"{parsed.year:04d}-{parsed.month:02d}"
    return f"{parsed.year:04d}"


def parse_date(value: str, formats: Sequence[str] = ()) -> str:
    """A date as a list wrote it → canonical ISO partial date or EDTF interval, with its precision kept.

    `formats` are the source's own strptime formats (e.g. day-first `%d/%m/%Y`, `%m/%Y`), tried in order
    before ISO; the result has the precision the matching format carries (`%m/%Y` gives `2013-05`).
    Arabic-Indic digits are read as digits. Anything else raises BadInput, never another exception.
    """
    if not isinstance(value, str):
        raise BadInput(f"'{value!r}' is not a date")
    text = ascii_digits(value).strip()
    if text == "" or len(text) > _LONGEST:
        return parse_iso(text)
    for fmt in formats:
        try:
            parsed = datetime.strptime(text, fmt)
        except ValueError:
            continue
        return _with_precision(parsed, fmt)
    try:
        return parse_iso(text)
    except BadInput:
        if formats:
            raise BadInput(
                f"'{value}' matches neither the declared format "
                f"{' or '.join(repr(f) for f in formats)} nor ISO 8601"
            ) from None
        raise


def date_year(value: str) -> int | None:
    """The year a canonical date (or the start of an interval) falls in, for plausibility checks."""
    return int(value[:4]) if value else None
