"""What the sample archive's web pages cost a phone on a first visit, in Chromium: each issue
page at most 300 KB transferred with the cache empty, the archive's own pages (its home, each
series' list, the accessibility statement) at most 200 KB; one stylesheet that blocks the
first paint, no more; no console error; and no layout shift (see tests/browser/weight.mjs,
and publisher/web_assets.py for how the pages are made light). Each page's figures are
printed at the end of the run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_accessibility import html_pages, run_in_chromium

from conftest import PROJECT, built_sample_pages, summary

ISSUE_PAGE_BYTES = 300_000
ARCHIVE_PAGE_BYTES = 200_000


@pytest.fixture(scope="module")
def weights(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    output = built_sample_pages(tmp_path_factory.mktemp("weight") / "site")
    report = run_in_chromium("weight.mjs", output, html_pages(output))
    summary("web weight: each page's first visit at 390 px, cache empty", [
        f"Chromium {report['chromium']}", *(
            f"{page['page']}: {page['bytes'] / 1000:.0f} KB in {len(page['files'])} files, "
            f"{len(page['blocking'])} blocking stylesheet, layout shift "
            + ", ".join(f"{shift:.3f}" for shift in page["layoutShifts"])
            for page in report["pages"])])
    return {page["page"]: page for page in report["pages"]}


def is_issue(page: str) -> bool:
    return (PROJECT / "issues" / page).with_suffix(".md").is_file()


def test_every_sample_page_is_weighed(weights):
    issues = {path.relative_to(PROJECT / "issues").with_suffix(".html").as_posix()
              for path in (PROJECT / "issues").glob("*/[!_]*.md")}
    assert issues <= set(weights)
    assert {"index.html", "accessibility.html", "learning-review/index.html"} <= set(weights)


def test_each_page_is_light_on_a_first_visit(weights):
    heavy = [f"{page}: {weighed['bytes']:,} bytes; the largest: " + ", ".join(
        f"{file['file']} {file['bytes']:,}" for file in sorted(
            weighed["files"], key=lambda file: -file["bytes"])[:4])
        for page, weighed in weights.items()
        if weighed["bytes"] > (ISSUE_PAGE_BYTES if is_issue(page) else ARCHIVE_PAGE_BYTES)]
    assert not heavy, "\n".join(heavy)


def test_one_stylesheet_blocks_the_first_paint(weights):
    for page, weighed in weights.items():
        assert len(weighed["blocking"]) == 1, (page, weighed["blocking"])
        assert Path(weighed["blocking"][0]).name.startswith("site-"), (page, weighed["blocking"])


def test_no_console_error(weights):
    errors = {page: weighed["errors"] for page, weighed in weights.items() if weighed["errors"]}
    assert not errors


def test_no_layout_shift(weights):
    """A page that shifted on every one of three loads shifts for its readers; see
    weight.mjs for why one load of three may lose a race on a busy machine."""
    shifting = {page: weighed["shiftsEachTime"] for page, weighed in weights.items()
                if min(weighed["layoutShifts"]) > 0}
    assert not shifting
