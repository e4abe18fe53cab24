"""The seven-minute house style: the articles of an issue as a grid of coloured boxes, on
the pages its style.yml allows; and the overflow warning of an issue that runs past them,
which the build finds when it lays out the PDF (`check` never lays one out)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from pypdf import PdfReader

from publisher.cli import cli

from conftest import ISSUE_HEAD, PROJECT

STYLE = PROJECT / "templates/seven-minute/style.yml"
SAMPLE = PROJECT / "issues/seven-minute/2024-09-briefing-1.md"
ISSUE = "issues/bulletin/2024-03-issue-7.md"
SENTENCE = "Practitioners saw the baby several times before the injury was found. "
#: The five boxes of a briefing, each with a count of sentences; the last does not fit.
TOO_LONG = [("What happened", 14), ("Why it matters", 14), ("What to do", 12),
            ("Questions to ask {.wide}", 8), ("Where to find more", 12)]

Run = Callable[..., Result]


def page_budget() -> int:
    return int(yaml.safe_load(STYLE.read_text())["pages"])


def pages(pdf: Path) -> int:
    return len(PdfReader(pdf).pages)


# -- The sample ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """The sample briefing, built on its own: what the build said, and the series' folder."""
    output = tmp_path_factory.mktemp("seven-minute")
    result = CliRunner().invoke(cli, ["--site", str(PROJECT), "build", str(SAMPLE),
                                      "--output", str(output), "-q"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stderr, output / "seven-minute"


def test_the_sample_fits_its_pages_with_no_warning_at_all(built):
    said, folder = built
    assert said == ""
    assert page_budget() == 2
    assert pages(folder / f"{SAMPLE.stem}.pdf") <= page_budget()


def test_the_sample_is_a_draft_of_2024_or_later_in_a_series_of_its_own():
    front = yaml.safe_load(SAMPLE.read_text().split("---\n")[1])
    assert front["status"] == "draft" and front["date"].year >= 2024
    series = yaml.safe_load((SAMPLE.parent / "series.yml").read_text())
    assert (series["title"], series["style"]) == ("Seven-Minute Briefing", "seven-minute")


def test_each_article_is_a_box_under_its_heading_and_a_wide_one_says_so(built):
    _, folder = built
    html = (folder / f"{SAMPLE.stem}.html").read_text()
    boxes = re.findall(r'<section aria-labelledby="([^"]+)" class="([^"]+)"><h2 id="\1">'
                       r"([^<]+)</h2>", html)
    assert [(classes, heading) for _, classes, heading in boxes] == [
        ("article", "What happened"), ("article", "Why it matters"), ("article", "What to do"),
        ("article", "Where to find more"), ("article wide", "Questions to ask")]
    assert 'class="briefing style-seven-minute draft"' in html
    assert '<p class="masthead__org">' in html and '<p class="masthead__issue">' in html


def test_the_pdf_reads_box_by_box_with_a_bookmark_for_each(built):
    _, folder = built
    reader = PdfReader(folder / f"{SAMPLE.stem}.pdf")
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    order = [text.index(heading) for heading in ("What happened", "Why it matters",
                                                 "What to do", "Where to find more",
                                                 "Questions to ask")]
    assert order == sorted(order)
    assert [item.title for item in reader.outline[1] if not isinstance(item, list)] == [
        "What happened", "Why it matters", "What to do", "Where to find more",
        "Questions to ask"]
    assert "Page 1 of 2" in text and "Seven-Minute Briefing, Issue 1" in text


def test_a_new_briefing_starts_with_the_five_boxes(sample: Path, run: Run):
    result = run("new", "seven-minute", "--title", "Neglect", "--date", "2025-01-15",
                 cwd=sample)
    assert result.exit_code == 0, result.output
    text = (sample / result.stdout.strip()).read_text()
    body = text.split("---\n", 2)[2]
    assert re.findall(r"^# (.+)$", body, flags=re.MULTILINE) == [
        "What happened", "Why it matters", "What to do", "Where to find more",
        "Questions to ask {.wide}"]
    assert "[[duty-contacts | no heading | compact]]" in text
    assert run("check", result.stdout.strip(), cwd=sample).exit_code == 0


# -- An issue that runs over --------------------------------------------------------------

def briefing(site: Path, boxes: list[tuple[str, int]], front: str = "") -> None:
    """Put the fixture's series in the seven-minute style, with a draft of these boxes (a
    heading and a count of sentences each)."""
    (site / "issues/bulletin/series.yml").write_text(
        "title: Practice Bulletin\nkind: briefing\ncadence: quarterly\nstyle: seven-minute\n"
        "masthead: News for practitioners\n")
    head = ISSUE_HEAD.replace("status: published\n", "status: draft\n" + front)
    body = "".join(f"\n# {heading}\n\n{(SENTENCE * count).strip()}\n" for heading, count in boxes)
    (site / ISSUE).write_text(head + body)


def overflow(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if ": warning: " in line]


def test_an_issue_past_its_pages_is_warned_of_naming_the_box_and_by_how_much(site, run):
    briefing(site, TOO_LONG)
    result = run("build", "--format", "pdf", cwd=site)
    assert result.exit_code == 0, result.output
    [warning] = overflow(result)
    assert re.fullmatch(
        rf"{ISSUE}: warning: the box 'Where to find more' runs onto page 3, past the 2 pages "
        r"its house style allows: the issue is about \d+ mm \(\d+ lines\) too long; shorten "
        r"it, or the boxes before it, by that much", warning), warning
    assert pages(site / "output/bulletin/2024-03-issue-7.pdf") == 3


def test_how_much_is_right_to_the_line(site, run):
    """A box a sentence too long is a line too long; a sentence shorter, it fits."""
    briefing(site, [*TOO_LONG[:-1], ("Where to find more", 3)])
    result = run("build", "--format", "pdf", cwd=site)
    assert [line.split(": the issue is ")[1] for line in overflow(result)] == [
        "about 3 mm (1 line) too long; shorten it, or the boxes before it, by that much"]
    briefing(site, [*TOO_LONG[:-1], ("Where to find more", 2)])
    result = run("build", "--format", "pdf", cwd=site)
    assert result.stderr == ""
    assert pages(site / "output/bulletin/2024-03-issue-7.pdf") == 2


def test_the_boxes_after_the_first_one_over_are_named_too(site, run):
    briefing(site, [("What happened", 14), ("Why it matters", 14), ("What to do", 20),
                    ("Questions to ask {.wide}", 8), ("Where to find more", 12)])
    [warning] = overflow(run("build", "--format", "pdf", cwd=site))
    assert "the box 'Questions to ask' runs onto page 3, past the 2 pages its house style " \
           "allows, with 'Where to find more' after it: the issue is about" in warning
    assert warning.endswith("too long; shorten the boxes by that much")


def test_a_box_taller_than_a_page_is_named_as_cut_off(site, run):
    briefing(site, [("What happened", 60), ("Why it matters", 2)])
    result = run("build", "--format", "pdf", cwd=site)
    assert result.exit_code == 0
    assert overflow(result) == [
        f"{ISSUE}: warning: the box 'What happened' is taller than a page, so 363 mm "
        "(64 lines) of it is cut off at the foot of page 2; shorten it, or make it two boxes, "
        "each with a heading"]


def test_publish_refuses_an_issue_past_its_pages_and_leaves_it_a_draft(site, run):
    briefing(site, TOO_LONG)
    before = (site / ISSUE).read_text()
    result = run("publish", ISSUE, cwd=site)
    assert result.exit_code == 1
    assert "runs onto page 3, past the 2 pages its house style allows" in result.stderr
    assert result.stderr.splitlines()[0].endswith("[overflow]")
    assert "nothing was published" in result.stderr
    assert (site / ISSUE).read_text() == before
    assert not (site / "archive-lock.json").exists()


def test_the_warning_can_be_silenced_and_check_never_gives_it(site, run):
    briefing(site, TOO_LONG)
    check = run("check", "--strict", cwd=site)  # no PDF is laid out, so no overflow to find
    assert check.exit_code == 0, check.output
    briefing(site, TOO_LONG, front="silence: [overflow]\n")
    result = run("build", "--format", "pdf", cwd=site)
    assert result.exit_code == 0 and result.stderr == ""
    assert pages(site / "output/bulletin/2024-03-issue-7.pdf") == 3


def test_a_style_without_a_page_budget_lets_an_issue_run_on(site, run: Run):
    briefing(site, TOO_LONG)
    (site / "templates/seven-minute/style.yml").write_text("description: No budget.\n")
    result = run("build", "--format", "pdf", cwd=site)
    assert result.exit_code == 0 and result.stderr == ""
