"""`publisher new`: the next issue of a series, numbered and dated by its cadence, from the
series' starter, never over an existing file."""

from __future__ import annotations

import datetime
from pathlib import Path

import yaml

from conftest import write_issue


def front_matter(path: Path) -> dict[str, object]:
    text = path.read_text(encoding="utf-8")
    return yaml.load(text.split("---\n")[1], Loader=yaml.BaseLoader)


def issue(number: int, day: str, cadence_note: str = "") -> str:
    return (f"---\ntitle: Issue {number}\nnumber: {number}\ndate: {day}\nstatus: published\n"
            f"summary: The issue of {day}.{cadence_note}\n---\n\n# News\n\nText.\n")


def test_the_next_quarterly_issue_of_the_samples(sample, run):
    result = run("new", "learning-review", cwd=sample)
    assert result.exit_code == 0, result.output
    assert result.stdout == "issues/learning-review/2020-09-issue-38.md\n"
    assert "Issue 38, September 2020, as a draft" in result.stderr
    made = sample / "issues/learning-review/2020-09-issue-38.md"
    front = front_matter(made)
    assert (front["number"], front["date"], front["status"]) == ("38", "2020-09-01", "draft")
    assert front["next_issue"] == "2020-12-01"
    assert front["slots"] == {"back-page": ["duty-contacts | compact",
                                            "board-office | heading: Write to the board"]}
    assert "[[procedures | heading: The procedures]]" in made.read_text()
    # The new issue is a valid draft: it checks without errors and builds.
    checked = run("check", str(made.relative_to(sample)), cwd=sample)
    assert checked.exit_code == 0, checked.output
    built = run("build", "--format", "html", str(made.relative_to(sample)), cwd=sample)
    assert built.exit_code == 0, built.output


def test_numbering_and_dates_across_a_year_end(site, run):
    write_issue(site, "2024-11-issue-9.md", issue(9, "2024-11-30"))
    result = run("new", "bulletin", cwd=site)
    assert result.exit_code == 0, result.output
    assert result.stdout == "issues/bulletin/2025-02-issue-10.md\n"
    front = front_matter(site / "issues/bulletin/2025-02-issue-10.md")
    # 30 November plus a quarter is the last day of February.
    assert (front["number"], front["date"], front["next_issue"]) == ("10", "2025-02-28",
                                                                     "2025-05-28")


def test_monthly_and_termly_cadences(site, run):
    series = site / "issues/bulletin/series.yml"
    series.write_text(series.read_text().replace("quarterly", "monthly"))
    write_issue(site, "2024-12-issue-9.md", issue(9, "2024-12-15"))
    assert run("new", "bulletin", cwd=site).stdout == "issues/bulletin/2025-01-issue-10.md\n"

    series.write_text(series.read_text().replace("monthly", "termly"))
    assert run("new", "bulletin", cwd=site).stdout == "issues/bulletin/2025-04-issue-11.md\n"


def test_it_never_overwrites_an_issue(site, run):
    write_issue(site, "2024-11-issue-9.md", issue(9, "2024-11-01"))
    existing = write_issue(site, "2025-02-issue-10.md", "my own words\n")
    result = run("new", "bulletin", "--date", "2025-02-01", cwd=site)
    assert result.exit_code == 1
    assert "issues/bulletin/2025-02-issue-10.md already exists; publisher never overwrites" \
        in result.stderr
    assert existing.read_text() == "my own words\n"


def test_a_title_with_a_colon_and_a_chosen_date(site, run):
    result = run("new", "issues/bulletin/", "--title", "Babies: who sees them?",
                 "--date", "2024-05-01", cwd=site)
    assert result.exit_code == 0, result.output
    made = site / result.stdout.strip()
    assert made.name == "2024-05-issue-8.md"
    assert front_matter(made)["title"] == "Babies: who sees them?"


def test_a_series_without_a_starter_gets_a_plain_one(site, run):
    made = site / run("new", "bulletin", cwd=site).stdout.strip()
    text = made.read_text()
    assert "status: draft" in text and "# TODO: the first article's heading" in text
    assert front_matter(made)["date"] == "2024-06-01"


def test_an_occasional_series_is_dated_today(site, run):
    series = site / "issues/bulletin/series.yml"
    series.write_text(series.read_text().replace("quarterly", "occasional"))
    made = site / run("new", "bulletin", cwd=site).stdout.strip()
    front = front_matter(made)
    assert front["date"] == datetime.date.today().isoformat()
    assert "next_issue" not in front


def test_a_starter_that_makes_a_wrong_issue_is_refused(site, run):
    (site / "issues/bulletin/_starter.md").write_text(
        "---\ntitle: {{ title|yaml }}\nnumber: {{ number }}\ndate: {{ date }}\n"
        "status: ready\nsummary: x\n---\n\n{{ nonsense }}\n")
    result = run("new", "bulletin", cwd=site)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: issues/bulletin/_starter.md: 'nonsense' is "
                                    "undefined; a starter can use title")
    (site / "issues/bulletin/_starter.md").write_text(
        "---\ntitle: {{ title|yaml }}\nnumber: {{ number }}\ndate: {{ date }}\n"
        "status: ready\nsummary: x\n---\n")
    result = run("new", "bulletin", cwd=site)
    assert result.exit_code == 1
    assert "_starter.md:5: the issue it makes is wrong: status: 'ready' is not one of" \
        in result.stderr
    assert sorted(p.name for p in (site / "issues/bulletin").glob("*.md")) == [
        "2024-03-issue-7.md", "_starter.md"]


def test_an_unknown_series_is_bad_usage(sample, run):
    result = run("new", "learning-reveiw", cwd=sample)
    assert result.exit_code == 2
    assert "there is no series 'learning-reveiw'; did you mean 'learning-review'?" \
        in result.stderr


def test_the_starter_is_not_an_issue(sample, run):
    result = run("build", "--format", "html", "issues/learning-review/_starter.md", cwd=sample)
    assert result.exit_code == 1
    assert "is not an issue: a name starting with '_'" in result.stderr
