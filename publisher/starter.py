"""Start the next issue of a series: its number, its date from the series' cadence, and its
text from the series' starter.

A series keeps its starter in `issues/<series>/_starter.md`: an issue with `{{ title }}`,
`{{ number }}`, `{{ date }}` and `{{ next_issue }}` where the new issue's values go, and the
blocks the series usually shows already placed. `{{ contacts }}` is the block of contacts
its board names (`contacts:` in the series' organisation, or site.yml's; empty if neither
names one), so a starter shared by several boards' series places each board's own. A series
without a starter gets a plain one, which ends with that block.
The new issue is a draft, and an existing file is never overwritten.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass
from pathlib import Path

import jinja2

from publisher.cadence import next_issue_date
from publisher.config import Series, Site
from publisher.dates import month_year
from publisher.errors import Problem, PublisherError
from publisher.sources import FrontMatter, Issue, read_issues, split_front_matter
from publisher.validation import validate_document
from publisher.yamldoc import parse_mapping, read_text

STARTER_FILE = "_starter.md"
#: The word in an issue's file name, by the kind of series, when no issue shows one yet.
FILE_WORD = {"newsletter": "issue", "briefing": "briefing"}
_FILE_NAME = re.compile(r"^\d{4}-\d{2}-(?P<word>[a-z]+(?:-[a-z]+)*)-\d+$")

PLAIN_STARTER = """\
---
title: {{ title|yaml }}
number: {{ number }}
date: {{ date }}
status: draft
summary: "TODO: one or two sentences on what this issue covers."
{%- if next_issue %}
next_issue: {{ next_issue }}
{%- endif %}
---

TODO: a short opening: what this issue is about.

# TODO: the first article's heading

TODO: the article.
{%- if contacts %}

[[{{ contacts }}]]
{%- endif %}
"""


class StarterError(PublisherError):
    """The series' starter cannot make an issue."""


@dataclass(frozen=True)
class NewIssue:
    """An issue just started: where it is and what it says."""

    path: Path
    shown: str
    number: int
    date: datetime.date
    text: str
    #: Problems in the series' other issues, which the number and date were worked out
    #: without.
    problems: list[Problem]


def start_issue(site: Site, series: Series, title: str | None = None,
                day: datetime.date | None = None,
                today: datetime.date | None = None) -> NewIssue:
    """Write the next issue of `series` and return it. Raises PublisherError if its file
    exists already or the starter is wrong; nothing is written then."""
    place = next_issue_place(site, series, day, today)
    path, shown, number, day, problems = (place.path, place.shown, place.number, place.date,
                                          place.problems)
    following = next_issue_date(day, series.settings.cadence)
    text = _fill_starter(site, series, {
        "title": title or "TODO: the issue's headline",
        "number": number,
        "date": day.isoformat(),
        "month": month_year(day),
        "next_issue": following.isoformat() if following else "",
        "series": series.settings.title,
        "contacts": series.organisation.contacts or "",
    })
    check_new_issue(site, series, text)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as file:
            file.write(text)
    except FileExistsError:
        raise PublisherError(f"{shown} already exists; publisher never overwrites an "
                             "issue") from None
    except OSError as error:
        raise PublisherError(f"{shown} cannot be written: {error.strerror}") from None
    return NewIssue(path=path, shown=shown, number=number, date=day, text=text,
                    problems=problems)


def next_issue_place(site: Site, series: Series, day: datetime.date | None = None,
               today: datetime.date | None = None) -> NewIssue:
    """Where the next issue of `series` goes, its number and its date (`day`, or the one
    its cadence gives after the latest issue, or `today`); its text is left empty. Raises
    PublisherError if its file exists already."""
    issues, problems = read_issues(site, [series.folder])
    latest = max(issues, key=lambda issue: issue.front.number, default=None)
    number = latest.front.number + 1 if latest else 1
    day = day or _due_date(latest, series.settings.cadence) or today or datetime.date.today()
    path = series.folder / f"{day:%Y-%m}-{_file_word(series, latest)}-{number}.md"
    shown = site.shown(path)
    if path.exists():
        raise PublisherError(f"{shown} already exists; publisher never overwrites an issue. "
                             "Open it, or give another date with --date")
    return NewIssue(path=path, shown=shown, number=number, date=day, text="",
                    problems=problems)


def _due_date(latest: Issue | None, cadence: str) -> datetime.date | None:
    if latest is None:
        return None
    return next_issue_date(latest.front.date, cadence)  # type: ignore[arg-type]


def _file_word(series: Series, latest: Issue | None) -> str:
    """The word the series' file names use ('issue' in 2011-06-issue-1.md)."""
    match = _FILE_NAME.match(latest.slug) if latest else None
    return match["word"] if match else FILE_WORD.get(series.settings.kind, "issue")


def _fill_starter(site: Site, series: Series, values: dict[str, object]) -> str:
    path = series.folder / STARTER_FILE
    shown = site.shown(path)
    if path.is_file():
        source, problem = read_text(path, shown, within=site.root)
        if problem is not None or source is None:
            raise StarterError(problem.message if problem else "cannot be read", path=shown)
    else:
        source = PLAIN_STARTER
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False,
                                     keep_trailing_newline=True)
    environment.filters["yaml"] = lambda text: json.dumps(str(text), ensure_ascii=False)
    try:
        return environment.from_string(source).render(values)
    except jinja2.TemplateSyntaxError as error:
        raise StarterError(f"{error.message}; the starter is the new issue's text, with "
                           "{{ title }}, {{ number }}, {{ date }} and {{ next_issue }} where "
                           "its values go", path=shown, line=error.lineno) from None
    except jinja2.UndefinedError as error:
        raise StarterError(f"{error.message}; a starter can use title, number, date, month, "
                           "next_issue, series and contacts", path=shown) from None


def check_new_issue(site: Site, series: Series, text: str,
                    shown: str | None = None) -> None:
    """Refuse an issue that would not even read, before writing it; `shown` is what made
    it (the series' starter by default)."""
    shown = shown or site.shown(series.folder / STARTER_FILE)
    split = split_front_matter(text, shown)
    if isinstance(split, Problem):
        raise StarterError(split.message, path=shown, line=split.line)
    document, problem = parse_mapping(split[0], shown, first_line=2)
    if problem is not None or document is None:
        raise StarterError(problem.message if problem else "front matter cannot be read",
                           path=shown, line=problem.line if problem else None)
    _, found = validate_document(FrontMatter, document)
    if found:
        raise StarterError(f"the issue it makes is wrong: {found[0].message}", path=shown,
                           line=found[0].line)
