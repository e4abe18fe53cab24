"""Cadences as dates: when the next issue is due, and whether an issue's date fits."""

from __future__ import annotations

from datetime import date

import pytest

from publisher.cadence import add_months, fits_cadence, next_issue_date


@pytest.mark.parametrize(("previous", "cadence", "expected"), [
    (date(2011, 6, 1), "quarterly", date(2011, 9, 1)),
    (date(2011, 11, 30), "quarterly", date(2012, 2, 29)),
    (date(2024, 12, 15), "monthly", date(2025, 1, 15)),
    (date(2024, 12, 1), "bimonthly", date(2025, 2, 1)),
    (date(2024, 9, 1), "twice-yearly", date(2025, 3, 1)),
    (date(2024, 2, 29), "yearly", date(2025, 2, 28)),
    (date(2024, 12, 30), "weekly", date(2025, 1, 6)),
    (date(2024, 9, 5), "termly", date(2025, 1, 1)),
    (date(2025, 1, 1), "termly", date(2025, 4, 1)),
    (date(2025, 6, 1), "termly", date(2025, 9, 1)),
    (date(2025, 6, 1), "occasional", None),
])
def test_the_next_issue_date(previous, cadence, expected):
    assert next_issue_date(previous, cadence) == expected


def test_several_issues_on():
    assert next_issue_date(date(2011, 9, 1), "quarterly", 24) == date(2017, 9, 1)
    assert add_months(date(2020, 1, 31), -2) == date(2019, 11, 30)


def test_a_date_fits_by_the_month_or_within_days_for_a_weekly():
    assert fits_cadence(date(2011, 6, 1), date(2011, 9, 20), "quarterly", 1)
    assert not fits_cadence(date(2011, 6, 1), date(2011, 10, 1), "quarterly", 1)
    assert fits_cadence(date(2024, 1, 1), date(2024, 1, 10), "weekly", 1)
    assert not fits_cadence(date(2024, 1, 1), date(2024, 1, 12), "weekly", 1)
    assert fits_cadence(date(2024, 1, 1), date(2030, 1, 12), "occasional", 1)
