"""The date parser keeps precision, reads source formats and Arabic-Indic digits, fails only with BadInput."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from uncounted.errors import BadInput
from uncounted.ingest.dates import ascii_digits, parse_date, parse_iso

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
EASTERN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")

days = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
precisions = st.sampled_from([4, 7, 10])  # year, year-month, full date
partial_dates = st.builds(lambda d, n: d.isoformat()[:n], days, precisions)


@given(partial_dates)
def test_every_valid_partial_date_round_trips(text):
    assert parse_iso(text) == text
    assert parse_date(text) == text
    assert parse_date(text, ["%d/%m/%Y"]) == text  # a declared format does not shadow ISO


@given(days, days, precisions, precisions)
def test_every_ordered_interval_round_trips(a, b, n, m):
    start, end = min(a, b), max(a, b)
    text = f"{start.isoformat()[:n]}/{end.isoformat()[:m]}"
    assert parse_iso(text) == text


@given(partial_dates)
def test_arabic_indic_digits_read_as_digits(text):
    assert parse_date(text.translate(ARABIC_INDIC)) == text
    assert parse_date(text.translate(EASTERN)) == text


@given(st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)))
def test_day_first_source_format(day):
    assert parse_date(day.strftime("%d/%m/%Y"), ["%d/%m/%Y"]) == day.isoformat()
    assert parse_date(day.strftime("%m/%Y"), ["%d/%m/%Y", "%m/%Y"]) == day.isoformat()[:7]  # precision kept
    assert parse_date(day.strftime("%d/%m/%Y").translate(ARABIC_INDIC), ["%d/%m/%Y"]) == day.isoformat()


@given(st.text(max_size=40), st.lists(st.sampled_from(["%d/%m/%Y", "%Y", "%m/%Y", "%d.%m.%Y"]), max_size=2))
def test_garbage_raises_bad_input_or_gives_a_canonical_date(text, formats):
    try:
        parsed = parse_date(text, formats)
    except BadInput:
        return
    assert parse_iso(parsed) == parsed  # whatever is accepted comes out canonical


@pytest.mark.parametrize(
    "text",
    [
        "2013-13",
        "2013-02-29",
        "2013-5-1",
        "13",
        "2013-05-17T10:00",
        "0000",
        "2013-07/2013-05",
        "2013/2014/2015",
        "17/05/2013",
        "yesterday",
        "2013-00",
        "٢٠١٣-١٣",
        "²⁰¹³",
    ],
)
def test_malformed_dates_are_bad_input(text):
    with pytest.raises(BadInput):
        parse_iso(text)


def test_examples_keep_their_precision():
    assert parse_iso("2012-02-29") == "2012-02-29"
    assert parse_iso(" 2013/2014 ") == "2013/2014"
    assert parse_iso("") == ""
    assert parse_date("٠٥/٢٠١٣", ["%m/%Y"]) == "2013-05"
    assert parse_date("2013", ["%d/%m/%Y"]) == "2013"  # no day invented
    assert ascii_digits("عمره ٣٤ سنة") == "عمره 34 سنة"
