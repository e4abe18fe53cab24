"""Atom feeds: one for the archive and one per series, valid, complete and stable."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

from conftest import write_issue

ATOM = "{http://www.w3.org/2005/Atom}"


def read_feed(path: Path) -> ElementTree.Element:
    root = ElementTree.parse(path).getroot()
    assert root.tag == f"{ATOM}feed"
    # RFC 4287: a feed has an id, a title, an updated date and an author (or every entry has).
    for required in ("id", "title", "updated", "author/" + ATOM + "name"):
        assert root.find(ATOM + required) is not None, required
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    return root


def entries(root: ElementTree.Element) -> list[dict[str, str]]:
    found = []
    for entry in root.findall(f"{ATOM}entry"):
        links = {link.get("rel"): link.get("href") for link in entry.findall(f"{ATOM}link")}
        found.append({"id": entry.findtext(f"{ATOM}id"), "title": entry.findtext(f"{ATOM}title"),
                      "updated": entry.findtext(f"{ATOM}updated"),
                      "summary": entry.findtext(f"{ATOM}summary"), **links})
    return found


def test_the_feeds_list_every_published_issue_newest_first(sample, run):
    issue = sample / "issues/safeguarding-matters/2024-02-briefing-38.md"
    issue.write_text(issue.read_text().replace("status: published", "status: draft"))
    assert run("build", "--format", "html", cwd=sample).exit_code == 0
    everything = entries(read_feed(sample / "output/feed.xml"))
    assert [entry["id"] for entry in everything] == [
        "tag:www.lrlscb.org,2020-06-01:learning-review/2020-06-issue-37.html",
        "tag:www.lrlscb.org,2019-10-01:safeguarding-matters/2019-10-briefing-21.html",
        "tag:www.lrlscb.org,2017-09-01:learning-review/2017-09-issue-26.html",
        "tag:www.lrlscb.org,2011-09-01:learning-review/2011-09-issue-2.html",
        "tag:www.lrlscb.org,2011-06-01:learning-review/2011-06-issue-1.html"]
    first = everything[-1]
    assert first == {
        "id": "tag:www.lrlscb.org,2011-06-01:learning-review/2011-06-issue-1.html",
        "title": "Where are we now? (Learning Review, Issue 1, June 2011)",
        "updated": "2026-12-05T00:00:00Z",  # its correction: the topics added
        "summary": first["summary"],
        "alternate": "http://www.lrlscb.org/learning-review/2011-06-issue-1.html"}
    assert first["summary"].startswith("The first Learning Review: ")
    series = entries(read_feed(sample / "output/safeguarding-matters/feed.xml"))
    assert [entry["title"].split(" (")[1] for entry in series] == [
        "Safeguarding Matters, Issue 21, October 2019)"]


def test_a_feed_links_the_pdf_and_is_stable_across_rebuilds(site, run):
    (site / "site.yml").write_text((site / "site.yml").read_text()
                                   + "archive_url: https://www.example.org.uk/bulletins\n")
    write_issue(site, "2024-06-issue-8.md", "---\ntitle: Summer\nnumber: 8\ndate: 2024-06-01\n"
                "status: published\nsummary: Summer & safety.\n---\n\nText.\n")
    assert run("build", cwd=site).exit_code == 0
    feed = site / "output/bulletin/feed.xml"
    first = feed.read_bytes()
    [newest, _] = read_feed(feed).findall(f"{ATOM}entry")
    enclosure = newest.find(f"{ATOM}link[@rel='enclosure']")
    assert enclosure is not None
    pdf = site / "output/bulletin/2024-06-issue-8.pdf"
    assert enclosure.attrib == {
        "rel": "enclosure", "type": "application/pdf", "title": enclosure.get("title"),
        "href": "https://www.example.org.uk/bulletins/bulletin/2024-06-issue-8.pdf",
        "length": str(pdf.stat().st_size)}
    assert newest.findtext(f"{ATOM}summary") == "Summer & safety."
    assert read_feed(feed).findtext(f"{ATOM}updated") == "2024-06-01T00:00:00Z"
    assert run("build", "--force", cwd=site).exit_code == 0
    assert feed.read_bytes() == first
