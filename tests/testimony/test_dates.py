from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from uncounted.testimony import dates


def test_partial_dates_stand_for_every_day_they_could_be():
    assert dates.parse_partial("2013") == (date(2013, 1, 1), date(2013, 12, 31))
    assert dates.parse_partial("2012-02") == (date(2012, 2, 1), date(2012, 2, 29))
    assert dates.parse_partial("2013-05-17") == (date(2013, 5, 17), date(2013, 5, 17))
    assert dates.parse_partial("2013-05/2013-07") == (date(2013, 5, 1), date(2013, 7, 31))


@pytest.mark.parametrize("text", ["2013-13", "2013-02-30", "May 2013", "13", "2014/2013", ""])
def test_not_dates_are_refused(text):
    with pytest.raises(ValueError):
        dates.parse_partial(text)


def test_the_published_period_is_226_completed_weeks():
    assert dates.completed_weeks("2011-09-01", "2015-12-31") == (226.0, 226.0)
    # month precision leaves the ends uncertain: from 30 Sep–1 Dec (217 weeks) to 1 Sep–31 Dec (226 weeks)
    assert dates.completed_weeks("2011-09", "2015-12") == (217.0, 226.0)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)), st.sampled_from([4, 7, 10]))
def test_a_partial_date_contains_the_day_it_was_cut_from(day, length):
    text = day.isoformat()[:length]
    start, end = dates.parse_partial(text)
    assert start <= day <= end
    assert start.isoformat().startswith(text) and end.isoformat().startswith(text)


@given(st.tuples(st.dates(), st.dates()), st.tuples(st.dates(), st.dates()))
def test_overlap_is_symmetric_and_matches_day_sets(a, b):
    a, b = tuple(sorted(a)), tuple(sorted(b))
    assert dates.overlaps(a, b) == dates.overlaps(b, a) == (max(a[0], b[0]) <= min(a[1], b[1]))
    assert dates.overlaps((None, None), a)
