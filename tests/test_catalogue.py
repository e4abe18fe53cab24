"""The site's own pages: the accessibility statement, linked from every page."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import only_published


def statement_text(output: Path) -> str:
    page = (output / "accessibility.html").read_text()
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def test_the_statement_says_what_the_bulletins_meet_and_how_to_ask(sample, run):
    result = run("build", "--format", "html", cwd=sample)
    assert result.exit_code == 0, result.output
    text = statement_text(sample / "output")
    assert "Accessibility statement | Leicestershire and Rutland Local Safeguarding" in text
    assert ("such as large print, easy read, audio, braille, a Word document, email "
            "lscb@leics.gov.uk or call 0116 260 0004") in text
    assert "We will reply within 10 working days." in text
    assert "WCAG) version 2.2 at level AA" in text and "partially compliant" in text
    assert "tagged for screen readers (PDF/UA-1)" in text
    assert "archival PDF (PDF/A-2a, and tagged for screen readers as PDF/UA-1 too)" in text
    assert "running heads and page numbers are skipped" in text
    assert "last reviewed it on 23 November 2026" in text
    assert "Equality and Human Rights Commission" in text


def test_every_page_links_the_statement_and_the_pdf_prints_its_address(sample, run):
    only_published(sample)
    assert run("build", cwd=sample).exit_code == 0
    output = sample / "output"
    pages = sorted(output.glob("**/*.html"))
    # the issues, the series' pages, the home page, itself, the search page, and the topics'
    # index and pages
    assert len(pages) == 6 + 2 + 2 + 1 + 1 + 10
    for page in pages:
        link = re.search(r'<a href="([^"]+)"[^>]*>Accessibility statement</a>', page.read_text())
        assert link, page
        assert (page.parent / link[1]).resolve() == (output / "accessibility.html").resolve()
    from pypdf import PdfReader

    last_page = PdfReader(output / "learning-review/2011-06-issue-1.pdf").pages[-1]
    assert "Accessibility statement (http://www.lrlscb.org/accessibility.html): how to ask " \
        "for this issue in another format." in \
        " ".join(last_page.extract_text().split())


def test_the_board_adds_its_own_known_problems_and_contact(site, run):
    settings = site / "site.yml"
    settings.write_text(settings.read_text() + (
        "accessibility:\n"
        "  phone: 01234 000 000\n"
        "  known_problems:\n"
        "    - Issues before 2015 were scanned from paper and have no text layer.\n"))
    series = site / "issues/bulletin/series.yml"
    series.write_text(series.read_text() + "pdf_variant: pdf/ua-2\n")
    assert run("build", "--format", "html", cwd=site).exit_code == 0
    text = statement_text(site / "output")
    assert "a Word document, call 01234 000 000." in text
    assert "Issues before 2015 were scanned from paper and have no text layer." in text
    assert "(PDF/UA-1; Practice Bulletin: PDF/UA-2)" in text
    assert "last reviewed" not in text


def test_a_new_contact_leaves_published_issues_untouched(sample, run):
    settings = sample / "site.yml"
    settings.write_text(settings.read_text().replace("lscb@leics.gov.uk", "access@example.org"))
    result = run("build", "--frozen", "--format", "html", cwd=sample)
    assert result.exit_code == 0, result.output
    assert "access@example.org" in (sample / "output/accessibility.html").read_text()


def test_links_to_issues_with_spaces_and_accents_in_their_names_are_encoded(site, run):
    issue = site / "issues/bulletin/2024-03-issue-7.md"
    issue.rename(issue.with_name("2024-03 issue 7 é.md"))
    result = run("build", "--format", "html", cwd=site)
    assert result.exit_code == 0, result.output
    assert (site / "output/bulletin/2024-03 issue 7 é.html").is_file()
    for page, prefix in (("index.html", "bulletin/"), ("bulletin/index.html", "")):
        html = (site / "output" / page).read_text()
        assert f'href="{prefix}2024-03%20issue%207%20%C3%A9.html"' in html
        assert "issue 7 é.html\"" not in html
