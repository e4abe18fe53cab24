"""Dates written the British way get the ISO form suggested back."""

from __future__ import annotations

import pytest

from publisher.validation import suggest_iso_date


@pytest.mark.parametrize("written, suggested", [
    ("June 2011", "2011-06-01"),
    ("Jun 2011", "2011-06-01"),
    ("7 June 2011", "2011-06-07"),
    ("7th June 2011", "2011-06-07"),
    ("June 7, 2011", "2011-06-07"),
    ("07/06/2011", "2011-06-07"),
    ("7.6.2011", "2011-06-07"),
    ("31/02/2011", None),
    ("Summer 2011", None),
    ("soon", None),
])
def test_suggested_iso_dates(written, suggested):
    assert suggest_iso_date(written) == suggested
