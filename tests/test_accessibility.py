"""The HTML pages in a real browser: WCAG 2.2 AA, checked by axe-core in Debian's Chromium,
and what axe cannot see (reflow at 320 CSS pixels, the skip link, keyboard focus, reduced
motion, the reader's font size).

The sample archive is built as HTML into a folder of its own and served from 127.0.0.1;
tests/browser/check.mjs (playwright-core and axe-core, pinned in tests/browser/package.json)
opens every .html file in it, at 320 and 1280 pixels wide, and reports what it found as
JSON; the tests here judge it. Each page's count of axe violations is printed at the end of
the run. `./scripts/test` installs Chromium, Node.js and the two npm packages; without them
these tests fail rather than skip. With PUBLISHER_SCREENSHOTS=DIR set, a full-page PNG of
every page at both widths is written to DIR, to be looked at after a change of style.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_organisations import add_partner_series

from publisher.cli import cli

from conftest import PROJECT, copy_sample_archive, gallery_in_every_style, summary

BROWSER = PROJECT / "tests" / "browser"
CHROMIUM = Path(os.environ.get("PUBLISHER_CHROMIUM", "/usr/bin/chromium"))
NARROW, WIDE = "320", "1280"

Page = dict[str, Any]


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def served(folder: Path) -> Iterator[str]:
    """`folder` served over HTTP from 127.0.0.1 on a free port, so relative links load."""
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def html_pages(output: Path) -> list[str]:
    """The .html pages in `output`, by their paths in it."""
    return sorted(path.relative_to(output).as_posix() for path in output.rglob("*.html")
                  if not any(part.startswith(".") for part in path.relative_to(output).parts))


def run_in_chromium(script: str, output: Path, pages: list[str],
                    more: list[str] | None = None) -> dict[str, Any]:
    """The JSON report of tests/browser/`script` run on `pages` of `output`, served."""
    command = [*browser_command(script), *(more or [])]
    with served(output) as base:
        finished = subprocess.run([*command, "--base", base, *pages], capture_output=True,
                                  text=True, timeout=300, check=False)
    if finished.returncode != 0:
        pytest.fail(f"tests/browser/{script} failed ({finished.returncode}):\n"
                    f"{finished.stderr[-4000:]}", pytrace=False)
    report: dict[str, Any] = json.loads(finished.stdout)
    return report


def browser_command(script: str) -> list[str]:
    """The command that runs tests/browser/`script` in Node.js with Debian's Chromium; the
    test fails, saying how to install them, where they are missing."""
    node = shutil.which("node")
    missing = [what for what, there in (
        ("Node.js (`node`)", node is not None),
        (f"Chromium ({CHROMIUM})", CHROMIUM.exists()),
        ("the npm packages in tests/browser/node_modules",
         (BROWSER / "node_modules" / "playwright-core").is_dir()
         and (BROWSER / "node_modules" / "axe-core").is_dir()),
    ) if not there]
    if missing:
        pytest.fail(f"The browser check needs {', '.join(missing)}: run ./scripts/test, which "
                    "installs them (Debian's chromium, nodejs and npm; `npm ci` in "
                    "tests/browser).", pytrace=False)
    assert node is not None
    return [node, str(BROWSER / script), "--chromium", str(CHROMIUM)]


def check_pages(output: Path, screenshots: str | None = None) -> dict[str, Any]:
    """Every .html page in `output`, checked in Chromium: check.mjs's report, each page
    named by its path in `output`."""
    return run_in_chromium("check.mjs", output, html_pages(output),
                           ["--screenshots", screenshots] if screenshots else [])


def screenshots_folder(name: str) -> str | None:
    folder = os.environ.get("PUBLISHER_SCREENSHOTS")
    return str((Path(folder) / name).resolve()) if folder else None


def summarise(title: str, report: dict[str, Any]) -> None:
    """Each page's count of violations, for the end of the run's output."""
    lines = [f"axe-core {report['axe']} in Chromium {report['chromium']}, "
             f"{len(report['pages'])} pages at 320 and 1280 px, {report['seconds']:.1f} s"]
    for page in report["pages"]:
        count = len(page["axe"]["violations"])
        line = f"{page['page']}: {count} violation{'s' if count != 1 else ''}"
        if page["axe"]["bestPractice"]:
            line += " (best practice: " + ", ".join(
                rule["id"] for rule in page["axe"]["bestPractice"]) + ")"
        if "error" in page:
            line += " (not checked: the check failed)"
        lines.append(line)
    summary(title, lines)


# Each check takes one page's report and returns what is wrong with it, in words.

def loaded(page: Page) -> list[str]:
    problems = [f"the check failed: {page['error']}"] if "error" in page else []
    problems += [f"a file did not load: {request}" for request in page["failedRequests"]]
    return problems


def axe_violations(page: Page) -> list[str]:
    return [f"axe {rule['id']} ({rule['impact']}, at {'/'.join(map(str, rule['widths']))} px):"
            f" {rule['help']} ({rule['helpUrl']}); "
            + "; ".join(f"{' '.join(node['target'])}: {node['failureSummary']}"
                        for node in rule["nodes"][:5])
            for rule in page["axe"]["violations"]]


def reflow(page: Page) -> list[str]:
    problems = []
    for width, measured in page["widths"].items():
        for what, overflow in (("", measured["overflow"]),
                               (" with WCAG's text spacing", measured["textSpacing"])):
            if overflow["scrollWidth"] > overflow["viewportWidth"]:
                problems.append(
                    f"at {width} px{what} the page scrolls sideways (it is "
                    f"{overflow['scrollWidth']} px wide); too wide: "
                    + ", ".join(f"{o['element']} ({o['right']} px: {o['text']!r})"
                                for o in overflow["offenders"]))
    return problems


def skip_link(page: Page) -> list[str]:
    problems = []
    for width, measured in page["widths"].items():
        skip = measured["skipLink"]
        if not skip["isSkipLink"]:
            problems.append(f"at {width} px the first Tab goes to {skip['element']}, not the "
                            "skip link")
            continue
        if skip["targetTag"] != "main":
            problems.append(f"the skip link's target {skip['href']} is not the page's <main>")
        if not skip["visible"]:
            problems.append(f"at {width} px the focused skip link is not on screen: "
                            f"{skip['rect']}")
        if not skip["works"]:
            problems.append(f"at {width} px following the skip link does not move the next "
                            f"Tab into {skip['href']} (it went to {skip.get('afterSkip')})")
    return problems


def focus_visible(page: Page) -> list[str]:
    problems = []
    for width, measured in page["widths"].items():
        focus = measured["focus"]
        if focus["stops"] == 0:
            problems.append(f"at {width} px nothing takes keyboard focus")
        for stop in focus["invisible"]:
            problems.append(
                f"at {width} px {stop['element']} ({stop['text']!r}) shows no clear focus: "
                f":focus-visible {stop['focusVisible']}, outline {stop['outlineStyle']} "
                f"{stop['outlineWidth']}px {stop['outlineColor']}, contrast {stop['contrast']}"
                f":1 with {', '.join(stop['backgrounds'])} on {stop['sidesOnScreen']} sides, "
                f"on screen {stop['onScreen']}, not covered {stop['notObscured']}")
    return problems


def landmarks(page: Page) -> list[str]:
    found = page["landmarks"]
    problems = [f"{count} {name} landmarks, not one" for name, count in (
        ("banner (<header>)", found["banner"]), ("main", found["main"]),
        ("contentinfo (<footer>)", found["contentinfo"])) if count != 1]
    # The issues and the archive's pages have a navigation landmark: "In this issue", the
    # list of series, the way back to the archive.
    name = page["page"]
    if ("/" in name or name == "index.html") and not found["navigation"]:
        problems.append("no navigation landmark (<nav>)")
    if found["h1"] != 1:
        problems.append(f"{found['h1']} <h1> headings, not one")
    if not found["lang"] or not found["title"]:
        problems.append("no language or no title")
    return problems


def print_stylesheet(page: Page) -> list[str]:
    sheets = page["printStylesheets"]
    if not any(sheet["rules"] > 0 for sheet in sheets):
        return [f"no print stylesheet with rules in it: {sheets}"]
    return []


def reduced_motion(page: Page) -> list[str]:
    motion = page["reducedMotion"]
    if not motion["matchesReduce"]:
        return ["the browser did not report prefers-reduced-motion: reduce"]
    return [f"moves when reduced motion is asked for: {what}" for what in motion["reduced"]]


def font_size(page: Page) -> list[str]:
    size = page["fontSize"]
    problems = []
    if abs(size["rootRatio"] - 2) > 0.05 or abs(size["bodyRatio"] - 2) > 0.1:
        problems.append(
            "the text does not follow the browser's font size: at 16px and 32px the root is "
            f"{size['normal']['root']}px and {size['large']['root']}px, the body text "
            f"{size['normal']['body']}px and {size['large']['body']}px")
    if size["overflowAt1280"]["scrollWidth"] > size["overflowAt1280"]["viewportWidth"]:
        problems.append("with a 32px font size the page scrolls sideways at 1280 px: "
                        + str(size["overflowAt1280"]["offenders"]))
    return problems


CHECKS: dict[str, Callable[[Page], list[str]]] = {
    "loaded": loaded, "axe": axe_violations, "reflow": reflow, "skip-link": skip_link,
    "focus-visible": focus_visible, "landmarks": landmarks,
    "print-stylesheet": print_stylesheet, "reduced-motion": reduced_motion,
    "font-size": font_size,
}


def problems(report: dict[str, Any], checks: list[str]) -> list[str]:
    return [f"{page['page']}: {problem}" for page in report["pages"] for check in checks
            for problem in ([] if check != "loaded" and "error" in page
                            else CHECKS[check](page))]


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The sample archive's pages, with the component gallery in every house style, built
    as HTML and checked in Chromium once."""
    site = copy_sample_archive(tmp_path_factory.mktemp("accessibility") / "site")
    gallery_in_every_style(site)
    output = site / "output"
    result = CliRunner().invoke(cli, ["--site", str(site), "build", "--format", "html",
                                      "--output", str(output), "-q"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report = check_pages(output, screenshots_folder("sample"))
    summarise("accessibility: axe-core violations per page of the sample archive", report)
    return report


def test_every_page_of_the_sample_archive_is_checked(sample_report):
    pages = {page["page"] for page in sample_report["pages"]}
    issues = {path.relative_to(PROJECT / "issues").with_suffix(".html").as_posix()
              for path in (PROJECT / "issues").glob("*/[!_]*.md")}
    series = {f"{path.name}/index.html" for path in (PROJECT / "issues").iterdir()
              if path.is_dir()}
    assert len(issues) >= 7
    assert issues | series | {"index.html"} <= pages
    assert "seven-minute/2024-09-briefing-1.html" in pages  # the grid of boxes, a draft


@pytest.mark.parametrize("check", CHECKS)
def test_the_sample_archive_in_a_browser(sample_report, check):
    found = problems(sample_report, [check])
    assert not found, "\n".join(found)


def test_the_fixture_site_passes_every_check(site, run):
    """The fixture site has what the samples lack: a Markdown table, a long article."""
    result = run("build", "--format", "html", cwd=site)
    assert result.exit_code == 0, result.output
    report = check_pages(site / "output", screenshots_folder("fixture"))
    summarise("accessibility: axe-core violations per page of the fixture site", report)
    assert any(page["page"] == "bulletin/2024-03-issue-7.html" for page in report["pages"])
    found = problems(report, list(CHECKS))
    assert not found, "\n".join(found)


def test_a_partner_board_s_pages_pass_every_check(site, run):
    """A series published for another board: its logo, a subtitle, partners' logos, and the
    board's own statement page."""
    add_partner_series(site)
    issue = site / "issues/rutland/2024-05-briefing-1.md"
    issue.write_text(issue.read_text().replace("status: draft", "status: published"))
    result = run("build", "--format", "html", cwd=site)
    assert result.exit_code == 0, result.output
    report = check_pages(site / "output", screenshots_folder("partner"))
    summarise("accessibility: axe-core violations per page of a partner board's series", report)
    pages = {page["page"] for page in report["pages"]}
    assert {"rutland/2024-05-briefing-1.html", "rutland/index.html",
            "accessibility-rutland-safeguarding-partnership.html"} <= pages
    found = problems(report, list(CHECKS))
    assert not found, "\n".join(found)
