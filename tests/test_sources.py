"""Broken front matter: each case gets its exact message and exit code 1, and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from publisher.config import read_site
from publisher.sources import read_issues

from conftest import ISSUE_HEAD, make_site, write_issue

NEW = "issues/bulletin/2024-06-issue-8.md"
NAMED = "issues/bulletin/2024-03-issue-7.md"


def front(**changes: str | None) -> str:
    """The good front matter with some keys changed (None removes a key)."""
    keys = {"title": "Next steps", "number": "8", "date": "2024-06-01", "status": "draft",
            "summary": "What to do next."}
    keys.update(changes)
    lines = [f"{key}: {value}" for key, value in keys.items() if value is not None]
    return "---\n" + "\n".join(lines) + "\n---\n\nBody text.\n"


BROKEN = {
    "missing key": (
        front(summary=None),
        f"{NEW}:2: summary: this required key is missing; add a line such as "
        "'summary: What our reviews teach.'"),
    "unknown key": (
        front(sumary="typo"),
        f"{NEW}:7: sumary: unknown key; did you mean 'summary'?"),
    "unknown key with no near match": (
        front(colour="blue"),
        f"{NEW}:7: colour: unknown key; the keys allowed here are: audience, contributors, "
        "corrections, date, keywords, language, next_issue, number, partners, silence, slots, "
        "status, subtitle, summary, title, topics"),
    "date in words": (
        front(date="June 2011"),
        f"{NEW}:4: date: 'June 2011' is not a date; write it as 2011-06-01"),
    "British numeric date": (
        front(date="07/06/2011"),
        f"{NEW}:4: date: '07/06/2011' is not a date; write it as 2011-06-07"),
    "impossible date": (
        front(date="2024-02-30"),
        f"{NEW}:4: date: '2024-02-30' is not a real date; check the month and the day"),
    "duplicate number": (
        front(number="7"),
        f"{NEW}:3: number: issue 7 of Practice Bulletin is also "
        "issues/bulletin/2024-03-issue-7.md; give each issue its own number"),
    "bad YAML": (
        front(summary="Read this: now"),
        f"{NEW}:6: this is not valid YAML: a colon followed by a space starts a new key; write "
        "each key on its own line as 'key: value', and put a value that contains ': ' in "
        "quotes"),
    "unclosed bracket": (
        front(keywords="[neglect, babies"),
        f"{NEW}:7: this is not valid YAML: a list opened with '[' is not closed with ']' on "
        "the same line"),
    "unclosed quotation mark": (
        front(title='"Next steps'),
        f"{NEW}:2: this is not valid YAML: a value opened with a quotation mark is not closed "
        "with the same mark"),
    "control character": (
        front(summary="What to do\x07 next."),
        f"{NEW}:6: the control character U+0007 BELL is not text and would break the archive's "
        "feeds; delete it (it comes with text pasted from some programs, or from a YAML escape "
        "such as \"\\a\" or \"\\x01\")"),
    "number in words": (
        front(number="eight"),
        f"{NEW}:3: number: 'eight' is not a whole number; write it in figures, for example 3"),
    "number zero": (
        front(number="0"),
        f"{NEW}:3: number: 0 is not a positive whole number; issue numbers start at 1"),
    "number negative": (
        front(number="-3"),
        f"{NEW}:3: number: -3 is not a positive whole number; issue numbers start at 1"),
    "number too long": (
        front(number="1234567890"),
        f"{NEW}:3: number: 1234567890 has too many figures; publisher reads whole numbers of "
        "up to nine"),
    "status not a choice": (
        front(status="final"),
        f"{NEW}:5: status: 'final' is not one of the choices; use 'draft' or 'published'"),
    "title as a list": (
        front(title="\n  - Next\n  - steps"),
        f"{NEW}:2: title: expected text, found a list"),
    "empty title": (
        front(title=""),
        f"{NEW}:2: title: is empty; write the text after the colon"),
    "language in words": (
        front(language="English"),
        f"{NEW}:7: language: 'English' is not a language tag; write it as screen readers "
        "expect, for example en-GB for British English or cy for Welsh"),
    "keywords as keys": (
        front(keywords="\n  first: a"),
        f"{NEW}:7: keywords: expected a list, with each item on its own line starting with '- '"),
    "key given twice": (
        "---\ntitle: Next\ntitle: Steps\nnumber: 8\ndate: 2024-06-01\nstatus: draft\n"
        "summary: x\n---\n",
        f"{NEW}:3: title: this key is given twice (first on line 2); keep one"),
    "empty file": (
        "",
        f"{NEW}: the file is empty; start it with front matter: a line '---', the keys "
        "(title, number, date, status, summary), then '---'"),
    "no front matter": (
        "# Next steps\n\nBody.\n",
        f"{NEW}:1: the file has no front matter; its first line must be '---', followed by "
        "the keys (title, number, date, ...) and another '---'"),
    "front matter not closed": (
        "---\ntitle: Next steps\n",
        f"{NEW}:1: the front matter is not closed; add a line '---' after its last key"),
    "front matter a list": (
        "---\n- title\n- number\n---\n",
        f"{NEW}:2: expected keys and values such as 'title: ...', found a list"),
    "tab indentation": (
        "---\ntitle: Next steps\n\tnumber: 8\n---\n",
        f"{NEW}:3: this is not valid YAML: a tab is used to indent; indent with spaces instead"),
    "alias": (
        "---\ntitle: &t Next\nsummary: *t\nnumber: 8\ndate: 2024-06-01\nstatus: draft\n---\n",
        f"{NEW}:3: anchors and aliases ('&name', '*name') are not supported; write the value "
        "out in full"),
    "YAML nested too deep": (
        front(keywords="[" * 10_000 + "]" * 10_000),
        f"{NEW}:7: lists and keys are nested more than 40 deep here, one inside another; "
        "publisher reads at most that many levels; write them less deep"),
    "quotes nested too deep": (
        front() + "\n" + "> " * 45 + "Deep.\n",
        f"{NEW}:11: quotes nested 45 deep, one inside another; publisher allows at most 10; "
        "use fewer '>' at the start of the line"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_front_matter_is_reported_with_file_and_line(case, site, run):
    text, message = BROKEN[case]
    write_issue(site, "2024-06-issue-8.md", text)
    result = run("build", "--format", "html", cwd=site)
    assert result.exit_code == 1
    assert result.stderr == f"{message}\n1 problem in 1 file; nothing was written.\n"
    assert not (site / "output").exists()


def test_every_problem_in_every_file_is_reported_together(site, run):
    write_issue(site, "2024-06-issue-8.md", front(date="Summer", status="final"))
    write_issue(site, "2024-09-issue-9.md", front(number="9", title=None, titel="Typo"))
    result = run("build", cwd=site)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{NEW}:4: date: 'Summer' is not a date; write it as YYYY-MM-DD, for example 2011-06-01",
        f"{NEW}:5: status: 'final' is not one of the choices; use 'draft' or 'published'",
        "issues/bulletin/2024-09-issue-9.md:2: title: this required key is missing; "
        "add a line such as 'title: Learning from serious case reviews'",
        "issues/bulletin/2024-09-issue-9.md:6: titel: unknown key; did you mean 'title'?",
        "4 problems in 2 files; nothing was written.",
    ]
    assert not (site / "output").exists()


def test_yes_and_no_stay_text(site, run):
    write_issue(site, "2024-06-issue-8.md", front(title="No", summary="yes", number="8"))
    result = run("build", "--format", "html", cwd=site)
    assert result.exit_code == 0, result.output
    html = (site / "output/bulletin/2024-06-issue-8.html").read_text()
    assert '<h1 class="masthead__title">No</h1>' in html
    assert '<meta name="description" content="yes">' in html


def test_numbers_and_dates_stay_text_where_text_is_wanted(site, run):
    write_issue(site, "2024-06-issue-8.md",
                front(title="2024-06-01", summary="1.50", keywords="[on, off, 12]"))
    result = run("build", "--format", "html", cwd=site)
    assert result.exit_code == 0, result.output
    html = (site / "output/bulletin/2024-06-issue-8.html").read_text()
    assert "<title>2024-06-01 | Practice Bulletin" in html
    assert '<meta name="keywords" content="on, off, 12">' in html


def test_unknown_series(site, run):
    stray = write_issue(site, "2024-06-issue-8.md", ISSUE_HEAD, series="nope")
    for args in (("build",), ("build", str(stray))):
        result = run(*args, cwd=site)
        assert result.exit_code == 1
        assert result.stderr.splitlines()[0] == (
            "issues/nope/2024-06-issue-8.md: unknown series 'nope': there is no "
            "issues/nope/series.yml; add one, or move the issue into a series folder "
            "(series: bulletin)")
    assert not (site / "output").exists()


def test_an_issue_outside_the_issues_folder(site, run):
    (site / "draft.md").write_text(ISSUE_HEAD)
    result = run("build", "draft.md", cwd=site)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"Error: Invalid value for ISSUES: 'draft.md' is not in this site's issues folder "
        f"({site.resolve()}/issues); name an issue's .md file or a series folder in it")


@pytest.mark.parametrize("command, argument", [
    ("build", "ISSUES"), ("check", "PATHS"), ("publish", "ISSUE"), ("verify", "ISSUES"),
    ("serve", "ISSUE")])
def test_an_issue_of_another_site_is_bad_usage(tmp_path, site, run, command, argument):
    other = make_site(tmp_path / "other")
    for named in [other / NAMED, other / "issues/bulletin", Path("../other") / NAMED]:
        result = run(command, str(named), cwd=site)
        assert result.exit_code == 2, result.output
        assert result.stderr.splitlines()[-1] == (
            f"Error: Invalid value for {argument}: '{named}' is not in this site's issues "
            f"folder ({site.resolve()}/issues); run publisher in its own site folder, or name "
            "that folder with --site")
    assert not (site / "output").exists() and not (other / "output").exists()


def test_with_site_an_issue_is_taken_from_that_site(tmp_path, site, run):
    other = make_site(tmp_path / "other")
    result = run("--site", str(other), "build", "--format", "html", NAMED, cwd=site)
    assert result.exit_code == 0, result.output
    assert (other / "output/bulletin/2024-03-issue-7.html").exists()
    assert not (site / "output").exists()


def test_reading_an_issue_of_another_site_is_a_problem_not_silence(tmp_path, site):
    # The command line refuses it first; called directly, the reader says so too, rather
    # than take the other site's series.yml for one of its own that could not be loaded.
    other = make_site(tmp_path / "other")
    issues, problems = read_issues(read_site(site)[0], [other / NAMED])
    assert issues == []
    assert [problem.message for problem in problems] == [
        "is not in this site's issues folder; issues live in issues/<series>/, next to the "
        "series' series.yml"]


def test_not_utf8(site, run):
    (site / NEW).write_bytes("---\ntitle: Caf\xe9\n---\n".encode("latin-1"))
    result = run("build", cwd=site)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"{NEW}:2: the file is not UTF-8 text; save it again as UTF-8 (in Word or Notepad: "
        "Save As, Encoding: UTF-8)")


def test_byte_order_mark_and_windows_line_endings_are_accepted(site, run):
    text = "\ufeff" + front(title="Windows").replace("\n", "\r\n")
    (site / NEW).write_bytes(text.encode("utf-8"))
    result = run("build", "--format", "html", cwd=site)
    assert result.exit_code == 0, result.output
    assert "<title>Windows |" in (site / "output/bulletin/2024-06-issue-8.html").read_text()


def test_a_path_that_does_not_exist_is_bad_usage(site, run):
    result = run("build", "issues/bulletin/missing.md", cwd=site)
    assert result.exit_code == 2
    assert result.stderr.endswith(
        "Invalid value for ISSUES: 'issues/bulletin/missing.md' does not exist here\n")


def test_issue_paths_may_be_given_from_the_site_folder(site, run, tmp_path):
    result = run("--site", str(site), "build", "--format", "html",
                 "issues/bulletin/2024-03-issue-7.md", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert (site / "output/bulletin/2024-03-issue-7.html").is_file()


def test_a_broken_issue_stops_the_good_one_being_written(site, run):
    good_output = site / "output/bulletin/2024-03-issue-7.html"
    write_issue(site, "2024-06-issue-8.md", front(date="soon"))
    result = run("build", "--format", "html", cwd=site)
    assert result.exit_code == 1
    assert not good_output.exists()


@pytest.mark.parametrize("settings, message", [
    ("title: Practice Bulletin\nkind: magazine\ncadence: quarterly\nstyle: newsletter\n"
     "masthead: x\n",
     "issues/bulletin/series.yml:2: kind: 'magazine' is not one of the choices; use "
     "'newsletter' or 'briefing'"),
    ("title: Practice Bulletin\nkind: newsletter\ncadence: quarterly\nstyle: newsleter\n"
     "masthead: x\n",
     "issues/bulletin/series.yml:4: style: 'newsleter' is not a house style; did you mean "
     "'newsletter'?"),
])
def test_broken_series_settings(site, run, settings, message):
    (site / "issues/bulletin/series.yml").write_text(settings)
    result = run("build", cwd=site)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == message


def test_no_site_file(tmp_path: Path, run):
    result = run("build", cwd=tmp_path)
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: no site.yml in {tmp_path.resolve()}; run publisher in the folder that holds "
        "site.yml, or name that folder with --site\n")


def test_a_named_issue_is_checked_against_the_rest_of_its_series(site, run):
    write_issue(site, "2024-01-issue-6.md", front(number="7", date="2024-01-01"))
    result = run("build", "--format", "html", NEW.replace("2024-06-issue-8", "2024-01-issue-6"),
                 cwd=site)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "issues/bulletin/2024-01-issue-6.md:3: number: issue 7 of Practice Bulletin is also "
        "issues/bulletin/2024-03-issue-7.md; give each issue its own number")


def test_the_issues_folder_itself_means_every_issue(site, run):
    result = run("build", "--format", "html", "issues", cwd=site)
    assert result.exit_code == 0, result.output
    assert (site / "output/bulletin/2024-03-issue-7.html").is_file()


def test_issues_in_a_subfolder_of_a_series_are_refused(site, run):
    write_issue(site, "old/2024-03-issue-7.md", ISSUE_HEAD)
    for args in (("build",), ("build", "issues/bulletin/old")):
        result = run(*args, cwd=site)
        assert result.exit_code == 1, args
        assert result.stderr.splitlines()[0] == (
            "issues/bulletin/old/2024-03-issue-7.md: is in a subfolder; issues live directly in "
            "their series folder, issues/bulletin/")


def test_a_broken_series_and_a_broken_issue_are_reported_together(site, run):
    (site / "issues/other").mkdir()
    (site / "issues/other/series.yml").write_text("title: Other\n")
    write_issue(site, "2024-06-issue-8.md", front(date="soon"))
    write_issue(site, "x.md", ISSUE_HEAD, series="other")
    result = run("build", cwd=site)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == f"{NEW}:4: date: 'soon' is not a date; write it as YYYY-MM-DD, for " \
        "example 2011-06-01"
    assert lines[1].startswith("issues/other/series.yml:1: cadence: this required key is missing")
    assert not any(line.startswith("issues/other/x.md") for line in lines)
