"""The archive's search: a Pagefind index of every article, the same bytes from the same
pages, made again only when a page changed; and the search page, used with the keyboard
alone in Chromium, finding an old issue's article and narrowing by topic."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_accessibility import run_in_chromium

from publisher.articles import read_articles
from publisher.fingerprint import digest_bytes
from publisher.search_index import (
    INDEX_FOLDER,
    LISTING_FILE,
    SearchRecord,
    _kept,
    _packed,
    _pagefind,
    _settled,
    _unpacked,
)

from conftest import built_sample_pages

ISSUE = "issues/bulletin/2024-03-issue-7.md"


def index_files(output: Path) -> dict[str, bytes]:
    folder = output / INDEX_FOLDER
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def built(run, site: Path, *more: str) -> str:
    result = run("build", "--format", "html", *more, cwd=site)
    assert result.exit_code == 0, result.output
    return result.output


def test_an_issue_page_reads_back_as_its_articles(site, run):
    built(run, site)
    page = read_articles((site / "output/bulletin/2024-03-issue-7.html").read_text())
    assert page.intro.text == "An opening paragraph before the first article."
    assert [(article.anchor, article.title) for article in page.articles] == [
        ("seeing-the-child", "Seeing the child"), ("contacts", "Contacts"),
        ("what-comes-next", "What comes next"), ("notes:heading", "Notes")]
    assert page.articles[1].text.startswith("Area Phone North 01234 567 890")


def test_the_same_pages_give_the_same_index_and_no_pagefind_ui(site, run, tmp_path):
    built(run, site)
    first = index_files(site / "output")
    built(run, site, "--force", "--output", str(tmp_path / "again"))
    assert index_files(tmp_path / "again") == first
    assert "pagefind.js" in first and "pagefind-entry.json" in first
    assert any(name.startswith("filter/") for name in first)
    assert not any(name.startswith("pagefind-ui") or "component-ui" in name for name in first)


def shuffled(files: dict[str, bytes]) -> dict[str, bytes]:
    """The index as Pagefind 1.5.2 may write it on another run: each filter's values, and
    the list of filters, in another order, under the same names."""
    import cbor2

    files = dict(files)
    for path in [path for path in files if path.endswith((".pf_filter", ".pf_meta"))]:
        data = cbor2.loads(_unpacked(files[path]))
        data[1 if path.endswith(".pf_filter") else 3].reverse()
        files[path] = _packed(cbor2.dumps(data))
    return files


def test_the_index_is_the_same_whatever_order_pagefind_gave_its_filters():
    import cbor2

    records = [SearchRecord(f"issue-{number}.html", f"Words of issue {number} on neglect.",
                            {"title": f"Issue {number}"},
                            {"year": [str(2010 + number)], "topic": topics})
               for number, topics in enumerate([["Neglect"], ["Toxic trio", "Neglect"],
                                                ["Voice of the child"]])]
    made = _kept(_pagefind(records, "en"))
    settled = _settled(dict(made))
    assert _settled(shuffled(made)) == settled
    for path, data in settled:
        if path.endswith(".pf_filter"):
            values = [value[0] for value in cbor2.loads(_unpacked(data))[1]]
            assert values == sorted(values) and len(values) > 1


def test_the_index_is_made_again_only_when_a_page_changed(site, run):
    built(run, site)
    folder = site / "output" / INDEX_FOLDER
    listing = folder / LISTING_FILE
    stamp = listing.stat().st_mtime_ns
    before = index_files(site / "output")
    built(run, site)
    built(run, site, "--force")
    assert listing.stat().st_mtime_ns == stamp, "the same records made the index again"
    issue = site / ISSUE
    issue.write_text(issue.read_text().replace("Workshops begin in April.",
                                               "Workshops begin in May, on neglect."))
    built(run, site)
    after = index_files(site / "output")
    assert after != before
    # The old index's files that the new one lacks are gone; none of another's is touched.
    assert set(after) == {path.relative_to(folder).as_posix()
                          for path in folder.rglob("*") if path.is_file()}
    assert any(name not in after for name in before)


def test_an_archive_with_nothing_published_says_so_on_its_search_page(site, run):
    issue = site / ISSUE
    issue.write_text(issue.read_text().replace("status: published", "status: draft"))
    built(run, site)
    page = (site / "output/search.html").read_text()
    assert "No issues have been published yet, so there is nothing to search." in page
    # No script to replace that with "the search could not be loaded": there is no index.
    assert "search.js" not in page
    assert not list((site / "output" / INDEX_FOLDER).glob("*.js"))


@pytest.fixture(scope="module")
def searched(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    output = built_sample_pages(tmp_path_factory.mktemp("search") / "site")
    return run_in_chromium("search.mjs", output, [], ["--words", "Munro", "--broad", "babies",
                                                      "--topic", "Neglect"])


def test_the_keyboard_finds_an_old_issues_article_and_follows_it(searched):
    assert searched["errors"] == []
    assert searched["axe"] == [], "axe-core finds the page with its results wanting"
    assert searched["reachedBox"]
    words = searched["words"]
    assert words["status"].endswith("found for “Munro”.")
    assert all("Munro" in result["marked"] for result in words["results"])
    # Only the 2011 issues of Learning Review speak of the Munro review.
    assert {result["meta"].split(": ")[-1] for result in words["results"]} == {
        "Learning Review, Issue 1, June 2011", "Learning Review, Issue 2, September 2011"}
    assert searched["address"].endswith("search.html?q=Munro")
    first = words["results"][0]
    assert searched["reachedResult"]
    followed = searched["followed"]
    assert first["href"].endswith(followed["path"] + followed["hash"])
    assert followed["heading"] == first["title"]


def test_a_topic_filter_narrows_the_results_with_the_keyboard(searched):
    assert searched["reachedFilters"] and searched["reachedTopic"]
    narrowed = searched["narrowed"]
    assert narrowed["status"].endswith("found for “babies” in Neglect.")
    assert 0 < len(narrowed["results"]) < len(searched["broad"]["results"])
    assert searched["narrowedAddress"].endswith("search.html?q=babies&topic=Neglect")
    # Without words, the topic alone lists what is about it: no 2011 issue is.
    topic = searched["topic"]["results"]
    assert topic and not any("2011" in result["meta"] for result in topic)


def test_pages_are_read_back_once_and_a_damaged_record_of_them_costs_nothing(site, run):
    built(run, site)
    kept = site / "output/.publisher/articles.json"
    pages = json.loads(kept.read_text())["pages"]
    page = site / "output/bulletin/2024-03-issue-7.html"
    assert list(pages) == [digest_bytes(page.read_bytes())]
    # What is kept is what the next build uses: the articles of an unchanged page.
    entry = next(iter(pages.values()))
    entry["articles"][0][1] = "Read from the record"
    kept.write_text(json.dumps({"format": 1, "pages": pages}))
    built(run, site)
    assert "Read from the record" in kept.read_text(), "an unchanged page was read again"
    kept.write_text("{ not json")
    built(run, site)
    assert json.loads(kept.read_text())["pages"][digest_bytes(page.read_bytes())][
        "articles"][0][1] == "Seeing the child"
