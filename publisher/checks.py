"""The check pipeline: every problem publisher can find in a site's sources without laying
out a PDF, run by `check`, `build` and `publish` alike. WeasyPrint is never imported here, so
a check of the whole archive takes a moment.

What is looked for is in `rules` (each code, error or warning, and what it finds); how, in
the checkers registered there (`checkers`, `personal_data`). This module gives each checker
the text it reads and keeps what it finds, less what a `silence:` list turns off: an issue's
list, and site.yml's for every issue and block.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import publisher.checkers  # noqa: F401  (registers the checkers)
from publisher.blocks import Block
from publisher.config import SERIES_FILE, Site, read_site
from publisher.errors import ContentError, Problem, RenderError, reading_order
from publisher.pages import PageMaker
from publisher.personal_data import DenyList
from publisher.plan import Gathered, PlannedIssue, gather
from publisher.rules import CHECKERS, ERRORS, WARNINGS, Target, Text
from publisher.sources import Issue
from publisher.validation import did_you_mean

_ID = re.compile(r"\sid=\"([^\"]+)\"")
#: Where the site's own `silence:` list is, for its errors.
SITE_SILENCE_PLACE = ("site.yml", None)


@dataclass
class CheckReport:
    """What a check found, sorted by file and place."""

    problems: list[Problem] = field(default_factory=list)
    #: How many issues were checked.
    issues: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.severity == "warning"]

    def to_json(self) -> str:
        return json.dumps({
            "issues": self.issues,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "problems": [{"path": p.path, "line": p.line, "column": p.column,
                          "severity": p.severity, "code": p.code, "message": p.message}
                         for p in self.problems],
        }, indent=2, ensure_ascii=False)


def check_site(site_root: Path, paths: list[Path] | None = None,
               deny_list: DenyList | None = None) -> CheckReport:
    """Check the site at `site_root`, or the issues at `paths` (issue files or series
    folders): every error a build would stop at, and every warning."""
    deny_list = deny_list or DenyList()
    try:
        site, problems = read_site(site_root)
    except ContentError as error:
        return CheckReport([_coded(problem) for problem in error.problems])
    gathered = gather(site, paths)
    found = [*problems, *gathered.problems]
    planned = {planned.issue.source: planned for planned in gathered.issues}
    found += check_sources(site, gathered.readable,
                           _blocks_to_check(gathered, whole_site=paths is None), deny_list)
    maker = PageMaker(site, site.root / site.settings.output)
    for issue in gathered.readable:
        found += check_page(site, issue, _page(maker, planned.get(issue.source), found),
                            deny_list)
    return CheckReport(sorted({_coded(problem) for problem in found}, key=reading_order),
                       issues=len(gathered.readable))


def check_sources(site: Site, issues: Iterable[Issue], blocks: Iterable[Block],
                  deny_list: DenyList) -> list[Problem]:
    """What can be checked before any page is made: the `silence:` lists of the site and of
    `issues`, the series checkers on `issues` together, and the block checkers on `blocks`."""
    asked = list(issues)
    silenced, problems = _silenced_codes(site.settings.silence, SITE_SILENCE_PLACE)
    for issue in asked:
        problems += _silenced_codes(issue.front.silence,
                                    (issue.shown, issue.front_lines.get(("silence",))))[1]
    problems += _found("series", silenced, site, asked)
    for block in blocks:
        problems += _found("block", silenced, _block_text(site, block, deny_list))
    return problems


def check_page(site: Site, issue: Issue, page: str | None, deny_list: DenyList) -> list[Problem]:
    """What the issue checkers find in `issue`, less what is silenced. `page` is its HTML as
    the build makes it, where links to anchors are looked up; None skips what needs it."""
    silenced = _silenced_codes([*issue.front.silence, *site.settings.silence],
                               SITE_SILENCE_PLACE)[0]
    lines = list(enumerate(issue.text.split("\n"), start=1))
    body = [(number, line) for number, line in lines if number >= issue.body_line]
    ids = frozenset(html.unescape(found) for found in _ID.findall(page)) \
        if page is not None else None
    text = Text(issue.shown, site, lines, body, [body], deny_list, issue, page, ids)
    return _found("issue", silenced, text)


def _found(target: Target, silenced: set[str], *given: object) -> list[Problem]:
    """What the checkers of `target` find in what they are `given`, less the `silenced`."""
    problems = []
    for registered in CHECKERS:
        if target not in registered.on:
            continue
        for problem in registered.find(*given):
            if problem.code not in registered.codes:
                raise AssertionError(f"{registered.find.__name__} found {problem.code!r}, "
                                     f"not one of its codes {registered.codes}")
            if problem.code not in silenced:
                problems.append(problem)
    return problems


def _block_text(site: Site, block: Block, deny_list: DenyList) -> Text:
    """A block's file as checkers read it. A field of plain text is shown as it is written,
    HTML and all, so only the fields read as Markdown are its Markdown."""
    lines = list(enumerate(block.source.read_text(encoding="utf-8-sig").split("\n"), start=1))
    markdown = [_as_in_file(lines, line, text) for line, text in block.markdown_texts()]
    return Text(block.shown, site, lines, lines, markdown, deny_list)

_BLOCK_SCALAR = re.compile(r"^\s*(?:-\s+)?(?:[^:#\s][^:#]*:\s+)?[|>][-+0-9]*\s*(?:#.*)?$")


def _as_in_file(lines: list[tuple[int, str]], line: int, text: str) -> list[tuple[int, str]]:
    """The lines of a YAML file that hold `text`, the value whose key is on `line`: that line
    itself, or for a block ('|' or '>') the lines after it, with the file's indentation, so
    that columns are the file's. (A folded '>' block has fewer lines than the file.)"""
    if line > len(lines) or not _BLOCK_SCALAR.match(lines[line - 1][1]):
        return [lines[line - 1]] if line <= len(lines) else []
    following = lines[line][1] if line < len(lines) else ""
    indent = " " * (len(following) - len(following.lstrip(" ")))
    return [(line + 1 + index, indent + part) for index, part in enumerate(text.split("\n"))]



def _silenced_codes(codes: list[str], place: tuple[str, int | None]) -> tuple[set[str],
                                                                              list[Problem]]:
    """The codes a `silence:` list names, and an error for each code that is no warning's."""
    problems = []
    for code in codes:
        if code in ERRORS:
            problems.append(Problem(place[0], place[1], f"silence: {code!r} is an error, not a "
                                    f"warning, and cannot be silenced: {ERRORS[code]}",
                                    code="silence"))
        elif code not in WARNINGS:
            hint = did_you_mean(code, sorted(WARNINGS),
                                f"the codes are: {', '.join(sorted(WARNINGS))}")
            problems.append(Problem(place[0], place[1], f"silence: {code!r} is not the code "
                                    f"of a warning; {hint}", code="silence"))
    return set(codes) & set(WARNINGS), problems


def _blocks_to_check(gathered: Gathered, whole_site: bool) -> list[Block]:
    if whole_site:
        return sorted(gathered.library.blocks.values(), key=lambda block: block.name)
    used = {placed.block.name: placed.block for planned in gathered.issues
            for placed in planned.blocks}
    return [used[name] for name in sorted(used)]


def _page(maker: PageMaker, planned: PlannedIssue | None, problems: list[Problem]) -> str | None:
    """The issue's page as the build would make it; None if it cannot be made."""
    if planned is None:
        return None
    try:
        return maker.render(planned.issue, planned.blocks).html
    except RenderError as error:
        problems.extend(error.problems)
        return None


def _coded(problem: Problem) -> Problem:
    """An error with the code of the kind of file it is in, if it has none of its own."""
    if problem.code is not None:
        return problem
    path = problem.path or ""
    if path.endswith((".yml", ".yaml")) and path.startswith("blocks/"):
        code = "block"
    elif path.endswith(("site.yml", SERIES_FILE, "style.yml")):
        code = "settings"
    elif path.endswith(".md"):
        code = "issue"
    else:
        code = "site"
    return Problem(problem.path, problem.line, problem.message, problem.column,
                   problem.severity, code)
