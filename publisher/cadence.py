"""How often a series comes out, as date arithmetic: when the next issue is due, and whether
an issue's date fits the series' rhythm.

Months are counted on the calendar, keeping the day of the month where the month has it: a
quarterly issue of 1 June 2011 is followed by one of 1 September 2011, and one of
30 November by one of 28 February (or 29, in a leap year). A termly series follows the
English school year: its issues come out in January, April and September.
"""

from __future__ import annotations

import calendar
import datetime

from publisher.config import Cadence

#: Months between two issues, for the cadences counted in months.
MONTHS_BETWEEN: dict[str, int] = {"monthly": 1, "bimonthly": 2, "quarterly": 3,
                                  "twice-yearly": 6, "yearly": 12}
#: The months a termly series comes out in: the start of the spring, summer and autumn terms.
TERM_MONTHS = (1, 4, 9)
#: How far a weekly issue may stray from its week before its date is said not to fit.
WEEKLY_LEEWAY = datetime.timedelta(days=3)


def next_issue_date(previous: datetime.date, cadence: Cadence,
                    steps: int = 1) -> datetime.date | None:
    """The date `steps` issues after one dated `previous`; None for an occasional series."""
    if cadence == "weekly":
        return previous + datetime.timedelta(weeks=steps)
    if cadence == "termly":
        return _after_terms(previous, steps)
    if cadence in MONTHS_BETWEEN:
        return add_months(previous, MONTHS_BETWEEN[cadence] * steps)
    return None


def fits_cadence(previous: datetime.date, day: datetime.date, cadence: Cadence,
                 steps: int) -> bool:
    """Whether an issue dated `day` fits, `steps` issues after one dated `previous`: the same
    month as expected (within a few days, for a weekly)."""
    expected = next_issue_date(previous, cadence, steps)
    if expected is None:
        return True
    if cadence == "weekly":
        return abs(day - expected) <= WEEKLY_LEEWAY
    return (day.year, day.month) == (expected.year, expected.month)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` moved by whole calendar months, on the same day of the month or the month's last."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return day.replace(year=year, month=month + 1, day=min(day.day, last))


def _after_terms(day: datetime.date, steps: int) -> datetime.date:
    for _ in range(steps):
        later = [month for month in TERM_MONTHS if month > day.month]
        day = (day.replace(month=later[0], day=1) if later
               else day.replace(year=day.year + 1, month=TERM_MONTHS[0], day=1))
    return day
