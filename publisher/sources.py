"""Read issues: a Markdown file with YAML front matter becomes a validated `Issue`.

Every problem in every file is gathered first; `load_issues` raises one ContentError
listing them all, so nothing is written while any source is wrong.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BeforeValidator, Field, model_validator
from pydantic_core import PydanticCustomError

from publisher.config import SERIES_FILE, Series, Site, name_problem
from publisher.errors import ContentError, Problem
from publisher.limits import (
    MAX_ISSUE_BYTES,
    MAX_YAML_BYTES,
    front_matter_too_big,
    markdown_problems,
)
from publisher.organisations import logo_problem
from publisher.validation import (
    IsoDate,
    Language,
    PlacementList,
    Schema,
    Text,
    TextList,
    WholeNumber,
    Why,
    parse_iso_date,
    validate_document,
)
from publisher.yamldoc import Location, YamlDocument, parse_mapping, read_text

#: A headline fits a masthead, and a summary is one or two sentences: many more characters
#: are text pasted in the wrong place.
Headline = Annotated[Text, Field(max_length=200)]
Summary = Annotated[Text, Field(max_length=1000)]

FENCE = "---"
#: Files in a series folder whose names start with this are not issues: the series' starter
#: for new issues, `_starter.md`, say.
NOT_AN_ISSUE = "_"
_LOOKS_LIKE_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")


def date_or_text(value: Any) -> Any:
    """`next_issue` may be a date (2011-09-01) or words ("September 2011", "in the autumn")."""
    if isinstance(value, str) and _LOOKS_LIKE_DATE.match(value.strip()):
        return parse_iso_date(value)
    if isinstance(value, str) and not value.strip():
        return None  # 'next_issue:' with nothing after it: not given
    return value


class Correction(Schema):
    """A correction made to an issue after it was published."""

    date: IsoDate = Field(description="The day the correction was made, YYYY-MM-DD.")
    note: Text = Field(description="What was corrected, as readers should be told.")


class Partner(Schema):
    """A partner of a co-branded issue: its logo is shown in the masthead beside the board's."""

    KEY_HINTS: ClassVar[dict[str, str]] = dict.fromkeys(
        ("alt", "description", "logo_description"),
        "a partner's name is its logo's alternative text, so 'name:' and 'logo:' are all it "
        "needs")

    name: Text = Field(description="The partner's name: the logo's alternative text.",
                       json_schema_extra={"example": "Rutland County Council"})
    logo: Text = Field(description="The partner's logo: an image file in styles/.",
                       json_schema_extra={"example": "logos/rutland-county-council.png"})


class FrontMatter(Schema):
    """The keys at the top of an issue. The README's table is the user's copy of this."""

    title: Headline = Field(description="The issue's headline.",
                        json_schema_extra={"example": "Learning from serious case reviews"})
    subtitle: Headline | None = Field(None, description="A line under the headline, in the "
                                      "masthead and the page's title.",
                                      json_schema_extra={
                                          "example": "a précis of 9 executive summaries"})
    number: Annotated[WholeNumber, Why("issue numbers start at 1")] = Field(
        ge=1, description="Issue number, unique within the series.",
        json_schema_extra={"example": 1})
    date: IsoDate = Field(description="Publication date, written YYYY-MM-DD.",
                          json_schema_extra={"example": "2011-06-01"})
    status: Literal["draft", "published"] = Field(
        description="draft while being written; published once it is out.",
        json_schema_extra={"example": "draft"})
    summary: Summary = Field(description="One or two sentences: the page description and the "
                          "PDF subject.", json_schema_extra={"example": "What our reviews teach."})
    audience: TextList = Field(default_factory=list, description="Who the issue is for.")
    keywords: TextList = Field(default_factory=list, description="Subject words for search "
                               "and the PDF's keywords.")
    topics: TextList = Field(default_factory=list, description="The site's topics the issue "
                             "is about, from 'topics:' in site.yml; with its blocks' topics "
                             "they link the issue from each topic's page, and are its PDF's "
                             "keywords too.", json_schema_extra={"example": ["Neglect"]})
    language: Language | None = Field(None, description="Language of this issue if it differs "
                                  "from the site's (BCP 47, e.g. cy for Welsh).")
    next_issue: Annotated[datetime.date | Text, BeforeValidator(date_or_text)] | None = Field(
        None, description="When the next issue comes out: a date or words.")
    contributors: TextList = Field(default_factory=list, description="Teams or roles that "
                                   "wrote for the issue (never individuals' names).")
    slots: dict[Text, PlacementList] = Field(
        default_factory=dict, description="Blocks for the places the house layout offers, "
        "e.g. 'sidebar: [duty-contacts]'; each item is written as inside [[ ]] in the body.")
    partners: list[Partner] = Field(
        default_factory=list, description="Partners of a co-branded issue, each a name and a "
        "logo (an image file in styles/), shown in the masthead beside the board's logo.")
    silence: TextList = Field(default_factory=list, description="Warnings of 'publisher "
                              "check' not to give for this issue, by their codes, e.g. "
                              "'silence: [date-cadence]' for an issue out of the usual rhythm.")
    corrections: list[Correction] = Field(
        default_factory=list, description="Corrections made since the issue was published, "
        "each a date and a note; 'publisher publish --correction' adds them.")

    @model_validator(mode="after")
    def _corrections_follow_publication(self) -> FrontMatter:
        for correction in self.corrections:
            if correction.date < self.date:
                raise PydanticCustomError(
                    "publisher", f"corrections: the correction of {correction.date.isoformat()} "
                    f"is dated before the issue ({self.date.isoformat()}); check its date")
        return self

    @property
    def last_changed(self) -> datetime.date:
        """The issue's date, or that of its latest correction."""
        return max([self.date, *(correction.date for correction in self.corrections)])


@dataclass(frozen=True)
class Issue:
    """One valid issue: its settings, its Markdown body and where it came from."""

    source: Path
    shown: str
    series: Series
    front: FrontMatter
    body: str
    body_line: int
    front_lines: dict[Location, int]
    #: The whole file as read (without a byte-order mark, lines ending in \n).
    text: str

    @property
    def slug(self) -> str:
        return self.source.stem

    @property
    def style(self) -> str:
        """The house style of the series' design in force on the issue's date."""
        style = self.series.settings.style_on(self.front.date)
        assert style is not None, "read_issue refuses issues older than the first design"
        return style

    @property
    def language(self) -> str | None:
        return self.front.language


def load_issues(site: Site, paths: list[Path] | None = None) -> list[Issue]:
    """Load every issue of `site`, or those at `paths`; raise ContentError if any is wrong."""
    issues, problems = read_issues(site, paths)
    if problems:
        raise ContentError(problems)
    return issues


def read_issues(site: Site, paths: list[Path] | None = None) -> tuple[list[Issue], list[Problem]]:
    """The valid issues of `site` (or those at `paths`: issue files or series folders), and
    what is wrong with the others."""
    problems: list[Problem] = []
    files = _issue_files(site, paths, problems)
    issues = []
    for path, series in files:
        issue = read_issue(site, path, series, problems)
        if issue is not None:
            issues.append(issue)
    problems.extend(_duplicate_numbers(issues, _other_issues(site, files)))
    return issues, problems


def read_issue(site: Site, path: Path, series: Series, problems: list[Problem]) -> Issue | None:
    """Read one issue file; add what is wrong with it to `problems`.

    A file is read once per loaded site (while its size and time stamp stay the same): a
    build of one issue reads every issue of its series and of the archive.
    """
    try:
        status = path.stat()
        key = (path, series.slug, status.st_mtime_ns, status.st_size)
    except OSError:
        key = None
    if key is not None and key in site.read_cache:
        issue, found = site.read_cache[key]
        problems.extend(found)
        return issue  # type: ignore[no-any-return]
    found = []
    issue = _read_issue(site, path, series, found)
    if key is not None:
        site.read_cache[key] = (issue, found)
    problems.extend(found)
    return issue


def _read_issue(site: Site, path: Path, series: Series, problems: list[Problem]) -> Issue | None:
    shown = site.shown(path)
    text, problem = read_text(path, shown, limit=MAX_ISSUE_BYTES, within=site.root)
    if problem is not None or text is None:
        problems.append(problem or Problem(shown, None, "cannot be read"))
        return None
    split = split_front_matter(text, shown)
    if isinstance(split, Problem):
        problems.append(split)
        return None
    front_text, body, body_line = split
    front_size = len(front_text.encode("utf-8"))
    if front_size > MAX_YAML_BYTES:
        problems.append(Problem(shown, 1, front_matter_too_big(front_size)))
        return None
    document, problem = parse_mapping(front_text, shown, first_line=2)
    if problem is not None or document is None:
        problems.append(problem or Problem(shown, 1, "front matter cannot be read"))
        return None
    front, found = validate_document(FrontMatter, document)
    problems.extend(found)
    if front is not None:
        problems.extend(_partner_problems(site, front, document, shown))
        problems.extend(site.vocabulary.problems(front.topics, document))
    # Nesting deeper, or text longer, than the PDF can be laid out (in good time): reported
    # with the front matter's problems, and the issue goes no further.
    too_much = markdown_problems(body, shown, body_line)
    problems.extend(too_much)
    if front is None or too_much:
        return None
    if series.settings.style_on(front.date) is None:
        first = min(design.effective for design in series.settings.designs or [])
        problems.append(Problem(shown, document.line_of(("date",)), f"date: {series.slug} has "
                                f"no design before {first.isoformat()}, its first; add an "
                                "earlier one to its series.yml 'designs:' or check the date"))
        return None
    return Issue(source=path, shown=shown, series=series, front=front, body=body,
                 body_line=body_line, front_lines=document.lines, text=text)


def _partner_problems(site: Site, front: FrontMatter, document: YamlDocument,
                      shown: str) -> list[Problem]:
    """Each partner logo that is not an image file in styles/, with the line naming it."""
    problems = []
    for index, partner in enumerate(front.partners):
        key = f"partners > item {index + 1} > logo"
        problem = logo_problem(site.root, partner.logo, key)
        if problem is not None:
            problems.append(Problem(shown, document.line_of(("partners", index, "logo")),
                                    problem))
    return problems


def split_front_matter(text: str, shown: str) -> tuple[str, str, int] | Problem:
    """Split a file into its front matter, its body and the line the body starts on."""
    if not text.strip():
        return Problem(shown, None, "the file is empty; start it with front matter: a line "
                       "'---', the keys (title, number, date, status, summary), then '---'")
    lines = text.split("\n")
    if lines[0].rstrip() != FENCE:
        return Problem(shown, 1, "the file has no front matter; its first line must be '---', "
                       "followed by the keys (title, number, date, ...) and another '---'")
    for index, line in enumerate(lines[1:], start=1):
        if line.rstrip() in (FENCE, "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1:]), index + 2
    return Problem(shown, 1, "the front matter is not closed; add a line '---' after its "
                   "last key")


def _issue_files(site: Site, paths: list[Path] | None,
                 problems: list[Problem]) -> list[tuple[Path, Series]]:
    files: list[tuple[Path, Series]] = []
    for path in [site.issues_folder] if paths is None else paths:
        resolved = path.resolve()
        if resolved == site.issues_folder.resolve():
            candidates = sorted(p for p in resolved.glob("*/**/*.md") if _is_issue_file(p))
        elif resolved.is_dir():
            candidates = sorted(p for p in resolved.glob("*.md") if _is_issue_file(p))
            if not candidates and _series_of(site, resolved / "x.md") is None:
                problems.append(_not_in_a_series(site, resolved / "x.md", folder=True))
        else:  # the file as named: a link is not followed here, but refused when read
            candidates = [path.parent.resolve() / path.name]
        for candidate in candidates:
            series = _series_of(site, candidate)
            if series is None:
                if not _has_broken_settings(site, candidate.parent):
                    problems.append(_not_in_a_series(site, candidate))
            elif candidate.suffix != ".md":
                problems.append(Problem(site.shown(candidate), None,
                                        "is not an issue; issues are Markdown files ending in .md"))
            elif candidate.name.startswith(NOT_AN_ISSUE):
                problems.append(Problem(site.shown(candidate), None, "is not an issue: a name "
                                        f"starting with {NOT_AN_ISSUE!r} marks a file the "
                                        "series keeps for itself, such as its starter"))
            elif (unsafe := name_problem(candidate.name, "an issue's file")) is not None:
                problems.append(Problem(site.shown(candidate), None, unsafe))
            elif candidate.stem == "index":
                problems.append(Problem(site.shown(candidate), None,
                                        "an issue cannot be called 'index', the name of the "
                                        "series' page in the archive; rename the file"))
            else:
                files.append((candidate, series))
    return list({path: (path, series) for path, series in files}.values())


def _is_issue_file(path: Path) -> bool:
    """A Markdown file of a series folder, but for the series' own (`_starter.md`) and
    hidden files (an editor's or the operating system's: `.#draft.md`, `._issue.md`)."""
    return path.is_file() and not path.name.startswith((NOT_AN_ISSUE, "."))


def _series_of(site: Site, issue_path: Path) -> Series | None:
    """The series whose folder holds the file at `issue_path`, directly."""
    for series in site.series.values():
        if issue_path.parent == series.folder.resolve():
            return series
    return None


def _has_broken_settings(site: Site, folder: Path) -> bool:
    """A series folder of this site with a series.yml the site could not load: its error is
    reported already. (A folder of another site's is not this site's to load.)"""
    return (folder.parent == site.issues_folder.resolve()
            and (folder / SERIES_FILE).is_file())


def _not_in_a_series(site: Site, path: Path, folder: bool = False) -> Problem:
    where = path.parent if folder else path
    shown = site.shown(where)
    try:
        relative = path.relative_to(site.issues_folder.resolve())
    except ValueError:
        return Problem(shown, None, "is not in this site's issues folder; issues live in "
                       "issues/<series>/, next to the series' series.yml")
    if len(relative.parts) > 2:
        return Problem(shown, None, "is in a subfolder; issues live directly in their series "
                       f"folder, issues/{relative.parts[0]}/")
    known = ", ".join(sorted(site.series)) or "none yet"
    return Problem(shown, None, f"unknown series {relative.parts[0]!r}: there is no "
                   f"issues/{relative.parts[0]}/series.yml; add one, or move the issue into a "
                   f"series folder (series: {known})")


def _other_issues(site: Site, files: list[tuple[Path, Series]]) -> list[Issue]:
    """The issues of the same series that were not asked for, so numbers stay unique."""
    asked = {path for path, _ in files}
    others = []
    for series in {series.slug: series for _, series in files}.values():
        for path in sorted(series.folder.resolve().glob("*.md")):
            if path not in asked and _is_issue_file(path):
                issue = read_issue(site, path, series, [])
                if issue is not None:
                    others.append(issue)
    return others


def _duplicate_numbers(issues: list[Issue], others: list[Issue]) -> list[Problem]:
    groups: dict[tuple[str, int], list[Issue]] = {}
    for issue in sorted([*issues, *others], key=lambda i: i.source):
        groups.setdefault((issue.series.slug, issue.front.number), []).append(issue)
    asked = {issue.source for issue in issues}
    problems = []
    for group in groups.values():
        for index, issue in enumerate(group):
            # Each clash is reported once, on the later file, unless only the earlier was asked for.
            other = group[0] if index else next(iter(group[1:]), None)
            if other is None or issue.source not in asked:
                continue
            if index == 0 and any(later.source in asked for later in group[1:]):
                continue
            problems.append(Problem(
                issue.shown, issue.front_lines.get(("number",)),
                f"number: issue {issue.front.number} of {issue.series.settings.title} is "
                f"also {other.shown}; give each issue its own number",
                code="duplicate-number"))
    return problems
