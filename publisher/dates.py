"""Dates written the way British readers read them, whatever the machine's locale."""

from __future__ import annotations

from datetime import date

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def month_year(value: date) -> str:
    """`2011-06-01` as 'June 2011'."""
    return f"{MONTHS[value.month - 1]} {value.year}"


def long_date(value: date) -> str:
    """`2011-06-07` as '7 June 2011'."""
    return f"{value.day} {month_year(value)}"
