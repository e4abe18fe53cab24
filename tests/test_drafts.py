"""A draft says so: "DRAFT" on every page of its PDF, a banner on its HTML page; it stays off
the archive's pages and feeds unless the build is asked for drafts."""

from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader

from conftest import write_issue

DRAFT = ("---\ntitle: Not yet out\nnumber: 8\ndate: 2024-06-01\nstatus: draft\n"
         "summary: Still being written.\n---\n\n# First\n\n" + "A paragraph of text.\n\n" * 60)


def test_a_draft_is_marked_on_every_pdf_page_and_its_html(site, run):
    write_issue(site, "2024-06-issue-8.md", DRAFT)
    result = run("build", "issues/bulletin/2024-06-issue-8.md", cwd=site)
    assert result.exit_code == 0, result.output
    pdf = PdfReader(BytesIO((site / "output/bulletin/2024-06-issue-8.pdf").read_bytes()))
    assert len(pdf.pages) >= 2
    assert all("DRAFT" in page.extract_text() for page in pdf.pages)
    html = (site / "output/bulletin/2024-06-issue-8.html").read_text()
    assert ('<p class="draft-banner" role="note"><strong>Draft</strong>: this issue is not '
            'published yet.') in html
    assert '<body class="newsletter style-newsletter draft">' in html


def test_a_published_issue_has_no_draft_mark(site, run):
    assert run("build", cwd=site).exit_code == 0
    pdf = PdfReader(BytesIO((site / "output/bulletin/2024-03-issue-7.pdf").read_bytes()))
    assert not any("DRAFT" in page.extract_text() for page in pdf.pages)
    assert "draft" not in (site / "output/bulletin/2024-03-issue-7.html").read_text().lower()


def test_drafts_join_the_archive_and_feeds_only_when_asked(site, run):
    write_issue(site, "2024-06-issue-8.md", DRAFT)
    assert run("build", "--format", "html", cwd=site).exit_code == 0
    for name in ("index.html", "feed.xml", "bulletin/index.html", "bulletin/feed.xml"):
        assert "Not yet out" not in (site / "output" / name).read_text(), name
    assert run("build", "--format", "html", "--drafts", cwd=site).exit_code == 0
    for name in ("index.html", "feed.xml", "bulletin/index.html", "bulletin/feed.xml"):
        assert "Not yet out" in (site / "output" / name).read_text(), name
    index = (site / "output/index.html").read_text()
    assert '<strong class="archive-entry__draft">Draft</strong>: ' in index
