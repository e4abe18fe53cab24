"""One site, several boards: a series' own organisation (name, website, logo, accessibility
contact, contacts block), an issue's subtitle and its partners' logos; and the settings an
issue does not use never move its fingerprint, so locked issues of other series stay as
they were."""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
from pypdf import PdfReader

from publisher.archive_lock import LOCK_FILE
from publisher.config import read_site
from publisher.fingerprint import InputReader
from publisher.plan import gather

from conftest import ISSUE_HEAD, write_issue

ATOM = "{http://www.w3.org/2005/Atom}"
BULLETIN = "issues/bulletin/2024-03-issue-7.md"
PARTNER_ISSUE = "issues/rutland/2024-05-briefing-1.md"
STATEMENT = "accessibility-rutland-safeguarding-partnership.html"

LOGO = ('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="48">'
        '<rect width="120" height="48" fill="#2d6a1f"/></svg>\n')

PARTNER_SERIES = """\
title: Rutland Briefing
kind: briefing
cadence: occasional
style: briefing
masthead: Practice briefings from the Rutland Safeguarding Partnership
organisation:
  name: Rutland Safeguarding Partnership
  website: https://www.rutland.example.gov.uk/safeguarding
  logo: logos/rutland.svg
  accessibility:
    email: safeguarding@rutland.example.gov.uk
    phone: 01572 722 577
  contacts: rutland-contacts
"""

PARTNER_CONTACTS = """\
title: Rutland contacts
description: The Rutland board's duty team.
versions:
  - from: 2020-01-01
    entries:
      - name: Rutland duty team
        phone: 01572 758 407
        email: childrens.duty@rutland.example.gov.uk
"""

PARTNER_BRIEFING = """\
---
title: Learning from nine reviews
subtitle: a précis of 9 executive summaries
number: 1
date: 2024-05-01
status: draft
summary: What nine local reviews tell practitioners in Rutland.
partners:
  - name: Rutland County Council
    logo: logos/county-council.svg
---

Nine reviews, one message: see the child.

# What the reviews found

Practitioners did not always see the child alone.

# What to do

- See the child alone at every visit.

[[rutland-contacts]]
"""


def add_partner_series(site: Path) -> None:
    """Series B: another board's, with its logo, contacts and an issue of its own."""
    (site / "styles/logos").mkdir(exist_ok=True)
    for name in ("rutland.svg", "county-council.svg"):
        (site / "styles/logos" / name).write_text(LOGO)
    (site / "blocks/contacts/rutland-contacts.yml").write_text(PARTNER_CONTACTS)
    (site / "issues/rutland").mkdir()
    (site / "issues/rutland/series.yml").write_text(PARTNER_SERIES)
    (site / PARTNER_ISSUE).write_text(PARTNER_BRIEFING)


def fingerprints(site: Path) -> dict[str, dict[str, str]]:
    """Every issue's settings inputs as the build sees them now, by issue."""
    loaded, problems = read_site(site)
    assert problems == []
    reader = InputReader(loaded)
    return {planned.issue.shown: reader.before_rendering(planned.issue, planned.blocks)
            for planned in gather(loaded).issues}


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_a_partner_series_has_its_own_board_and_the_locked_series_stays_identical(site, run):
    # Series A: one issue, published and locked before series B arrives.
    issue = site / BULLETIN
    issue.write_text(issue.read_text().replace("status: published", "status: draft"))
    assert run("publish", BULLETIN, cwd=site).exit_code == 0
    locked = json.loads((site / LOCK_FILE).read_text())["issues"][BULLETIN]["editions"][0]
    before = fingerprints(site)[BULLETIN]

    add_partner_series(site)
    assert fingerprints(site)[BULLETIN] == before
    result = run("verify", BULLETIN, "--format", "json", cwd=site)
    assert result.exit_code == 0, result.output
    [verdict] = json.loads(result.stdout)["issues"]
    assert (verdict["outcome"], verdict["inputs_moved"]) == ("identical", [])
    result = run("build", "--frozen", cwd=site)
    assert result.exit_code == 0, result.output
    assert json.loads((site / LOCK_FILE).read_text())["issues"][BULLETIN]["editions"][0] \
        == locked

    output = site / "output"
    html = (output / "rutland/2024-05-briefing-1.html").read_text()
    assert '<meta name="author" content="Rutland Safeguarding Partnership">' in html
    assert '<img class="masthead__logo" src="../assets/logos/rutland.svg" alt="">' in html
    assert ('<p class="masthead__partners">In partnership with <img class="masthead__partner" '
            'src="../assets/logos/county-council.svg" alt="Rutland County Council"></p>') in html
    assert '<p class="masthead__org">Rutland Safeguarding Partnership</p>' in html
    assert "<title>Learning from nine reviews: a précis of 9 executive summaries | Rutland " \
        "Briefing, Issue 1, May 2024</title>" in html
    assert '<p class="masthead__subtitle">a précis of 9 executive summaries</p>' in html
    assert "Published by Rutland Safeguarding Partnership, " \
        '<a href="https://www.rutland.example.gov.uk/safeguarding">' in html
    assert f'<a href="../{STATEMENT}" data-print-href="https://www.example.org.uk/{STATEMENT}">' \
        "Accessibility statement</a>" in html
    assert "Rutland duty team" in html and "01572 758 407" in html
    assert (output / "assets/logos/rutland.svg").is_file()

    # The other board's issue is as it was: the site's name, its own statement.
    bulletin = (output / "bulletin/2024-03-issue-7.html").read_text()
    assert '<meta name="author" content="Example Safeguarding Children Partnership">' in bulletin
    assert 'href="../accessibility.html"' in bulletin and "masthead__logo" not in bulletin

    statement = text_of((output / STATEMENT).read_text())
    assert "Accessibility statement | Rutland Safeguarding Partnership" in statement
    assert "email safeguarding@rutland.example.gov.uk or call 01572 722 577" in statement
    assert "Rutland Safeguarding Partnership" not in text_of(
        (output / "accessibility.html").read_text())

    pdf = PdfReader(output / "rutland/2024-05-briefing-1.pdf")
    assert pdf.metadata.author == "Rutland Safeguarding Partnership"
    assert pdf.metadata.title.startswith("Learning from nine reviews: a précis of 9 executive")
    assert pdf.metadata.subject == "What nine local reviews tell practitioners in Rutland."
    first_page = " ".join(pdf.pages[0].extract_text().split())
    assert "Learning from nine reviews a précis of 9 executive summaries" in first_page
    assert f"Accessibility statement (https://www.example.org.uk/{STATEMENT})" in first_page


def test_the_feeds_name_each_issue_s_board(site, run):
    add_partner_series(site)
    partner = site / PARTNER_ISSUE
    partner.write_text(partner.read_text().replace("status: draft", "status: published"))
    assert run("build", "--format", "html", cwd=site).exit_code == 0
    everything = ElementTree.parse(site / "output/feed.xml").getroot()
    assert everything.findtext(f"{ATOM}author/{ATOM}name") == \
        "Example Safeguarding Children Partnership"
    authors = {entry.findtext(f"{ATOM}title"): entry.findtext(f"{ATOM}author/{ATOM}name")
               for entry in everything.findall(f"{ATOM}entry")}
    assert authors == {
        "Learning from nine reviews (Rutland Briefing, Issue 1, May 2024)":
            "Rutland Safeguarding Partnership",
        "Seeing the child (Practice Bulletin, Issue 7, March 2024)": None}
    own = ElementTree.parse(site / "output/rutland/feed.xml").getroot()
    assert own.findtext(f"{ATOM}author/{ATOM}name") == "Rutland Safeguarding Partnership"
    assert own.findtext(f"{ATOM}author/{ATOM}uri") == \
        "https://www.rutland.example.gov.uk/safeguarding"
    series_page = (site / "output/rutland/index.html").read_text()
    assert '<p class="masthead__org">Rutland Safeguarding Partnership</p>' in series_page
    assert f'href="../{STATEMENT}"' in series_page


def test_a_new_issue_places_the_board_s_contacts(site, run):
    add_partner_series(site)
    result = run("new", "rutland", "--title", "Neglect", "--date", "2024-08-01", cwd=site)
    assert result.exit_code == 0, result.output
    text = (site / "issues/rutland/2024-08-briefing-2.md").read_text()
    assert text.endswith("TODO: the article.\n\n[[rutland-contacts]]\n")
    result = run("new", "bulletin", cwd=site)  # no board names contacts: none placed
    assert result.exit_code == 0, result.output
    assert "[[" not in Path(site / result.stdout.splitlines()[0]).read_text()


@pytest.mark.parametrize("change, moves", [
    # What series B's issues never show leaves them alone...
    (("site.yml", "organisation: Example", "organisation: Another"), False),
    (("issues/rutland/series.yml", "01572 722 577", "01572 000 000"), False),
    (("issues/rutland/series.yml", "  contacts: rutland-contacts\n", ""), False),
    (("site.yml", "\n", "\naccessibility:\n  email: access@example.org.uk\n"), False),
    # ...what they show moves them.
    (("issues/rutland/series.yml", "logos/rutland.svg", "logos/county-council.svg"), True),
    (("issues/rutland/series.yml", "  accessibility:\n    email: safeguarding@rutland."
      "example.gov.uk\n    phone: 01572 722 577\n", ""), True),  # the statement it links
    (("site.yml", "https://www.example.org.uk/", "https://www.example.net/"), True),
])
def test_settings_an_issue_does_not_use_leave_its_fingerprint_alone(site, change, moves):
    add_partner_series(site)
    before = fingerprints(site)
    path, old, new = change
    text = (site / path).read_text()
    assert old in text
    (site / path).write_text(text.replace(old, new, 1))
    after = fingerprints(site)
    assert (after[PARTNER_ISSUE] != before[PARTNER_ISSUE]) is moves
    if path != "site.yml":
        assert after[BULLETIN] == before[BULLETIN]


def test_the_site_s_website_still_counts_where_it_is_the_archive_s_address(site):
    """A partner's website replaces the site's in the colophon, but without archive_url the
    site's website is where the PDF's links and statement address point."""
    add_partner_series(site)
    settings = site / "site.yml"
    settings.write_text(settings.read_text() + "archive_url: https://www.example.org.uk/b/\n")
    before = fingerprints(site)[PARTNER_ISSUE]
    settings.write_text(settings.read_text().replace("website: https://www.example.org.uk/",
                                                     "website: https://www.example.net/"))
    assert fingerprints(site)[PARTNER_ISSUE] == before


@pytest.mark.parametrize("style", ["newsletter", "newsletter-2019", "briefing"])
def test_every_house_style_shows_the_subtitle_under_the_title(site, run, style):
    series = site / "issues/bulletin/series.yml"
    series.write_text(series.read_text().replace("style: newsletter", f"style: {style}"))
    write_issue(site, "2024-03-issue-7.md", ISSUE_HEAD.replace(
        "title: Seeing the child\n", "title: Seeing the child\nsubtitle: what we heard\n")
        + "\nText.\n")
    assert run("build", "--format", "html", cwd=site).exit_code == 0
    html = (site / "output/bulletin/2024-03-issue-7.html").read_text()
    assert ('<h1 class="masthead__title">Seeing the child</h1>\n'
            '<p class="masthead__subtitle">what we heard</p>\n') in html
    assert "<title>Seeing the child: what we heard | Practice Bulletin" in html


def test_the_samples_settings_fingerprints_are_those_locked(sample):
    """Adding organisations, subtitles and partners leaves what the six locked issues' settings
    digest to exactly what the lock recorded."""
    lock = json.loads((sample / LOCK_FILE).read_text())["issues"]
    now = fingerprints(sample)
    assert len(lock) == 6
    for issue, record in lock.items():
        inputs = record["editions"][-1]["inputs"]
        series = issue.rsplit("/", 1)[0] + "/series.yml"
        for label in ("site.yml", series, issue, "pdf copies"):
            assert now[issue][label] == inputs[label], (issue, label)
