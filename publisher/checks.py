"""The checker: every problem publisher can find in a site's sources without laying out a
PDF. WeasyPrint is never imported here, so a check of the whole archive takes a moment.

Errors are what a build refuses: settings, front matter and blocks that are wrong. Warnings
are what a reader, or a safeguarding board, would mind in a bulletin that builds: an image
without a description, a skipped heading level, a link that says "click here" or leads
nowhere, an issue dated out of its series' rhythm, draft notes left in a published issue,
and personal data: a personal email address or mobile number, a date of birth, or a name
on the deny-list. Each warning has a code, which an issue's front matter or `site.yml`
can silence (`silence: [date-cadence]`).

The rules read the source text, line by line, so that each finding has its line and column;
the anchors a link may point at are taken from the issue's page as the build makes it.
"""

from __future__ import annotations

import html
import itertools
import json
import os
import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markdown.extensions.attr_list import get_attrs_and_remainder

from publisher.blocks import Block
from publisher.cadence import fits_cadence, next_issue_date
from publisher.characters import describe, invisible_characters, is_reordering
from publisher.components import component_problems
from publisher.config import SERIES_FILE, Site, read_site
from publisher.dates import long_date, month_year
from publisher.errors import (
    ContentError,
    Problem,
    RenderError,
    UsageError,
    reading_order,
)
from publisher.pages import PageMaker
from publisher.plan import Gathered, PlannedIssue, gather
from publisher.resources import ASSETS_FOLDER, STATEMENT_PAGE, ResourceRefused, SiteResources
from publisher.sanitise import (
    address_removal,
    attribute_removals,
    element_removal,
    unsafe_parts,
    unsafe_scheme,
)
from publisher.sources import Issue, read_issues
from publisher.validation import did_you_mean
from publisher.variants import ARCHIVAL_FOLDER

#: Every warning, by its code, with what it finds.
WARNINGS: dict[str, str] = {
    "heading-skip": "a heading that skips a level, which confuses screen reader users",
    "link-text": "a link whose text is empty or says nothing of where it goes ('click here')",
    "missing-anchor": "a link to a place in the issue (#name) that does not exist",
    "missing-file": "a link or image whose file is not in the site",
    "date-cadence": "an issue whose date does not fit its series' cadence",
    "issue-order": "an issue dated before the issue numbered before it in its series",
    "draft-note": "a note such as TODO left in a published issue",
    "personal-email": "an email address that looks like a person's, not a team's or role's",
    "personal-phone": "a mobile number, which is usually a person's own",
    "date-of-birth": "a date of birth",
    "denied-name": "a name from the deny-list (--deny-list or PUBLISHER_DENY_LIST)",
    "unsafe-html": "HTML that is removed as unsafe: a script, an event handler (onclick=), a "
                   "javascript: or other unsafe link, a frame or embedded object, a form, a "
                   "style sheet or style attribute, or a <meta>, <link>, <base> or <title>",
    "hidden-text": "text hidden from readers (hidden, aria-hidden=\"true\", display:none), "
                   "which is removed with everything in it",
    "missing-glyph": "a character the house style's fonts lack, which prints as an empty box or "
                     "in a font of the computer that builds the PDF",
    "overflow": "an issue that runs past the pages its house style allows in print (a briefing "
                "made for one sheet), naming the box that runs over and by how much",
    "invisible-character": "a character that cannot be seen: a control that shows words in "
                           "another order than they are read, or a zero-width space, which "
                           "can hide a name from search and from the deny-list",
}
#: Errors with a code of their own, which no `silence:` list can silence.
ERRORS: dict[str, str] = {
    "missing-alt": "an image without a description (alt text) for people who cannot see it, "
                   "and not marked decorative",
    "attachment": "a file attached to the PDF (rel=\"attachment\"), which would hide a file "
                  "inside it",
    "component": "a component (/// callout, grid, figure...) that cannot be made: an unknown "
                 "name or option, a figure without its picture, one never closed",
    "bad-image": "an image file the build refuses: not the image its name says, too big, "
                 "outside the site, or an SVG with a script, an event handler, HTML or a "
                 "reference outside the site",
}
#: The environment variable naming the deny-list file, when --deny-list is not given.
DENY_LIST_VARIABLE = "PUBLISHER_DENY_LIST"

_VAGUE_LINK_TEXT = {"click here", "here", "click", "this", "this link", "link", "more",
                    "read more", "more info", "more information", "find out more", "this page",
                    "page", "website", "this website", "go", "details"}
_ROLE_WORDS = {
    "team", "teams", "office", "admin", "administration", "info", "information", "enquiries",
    "enquiry", "contact", "contacts", "duty", "hub", "mash", "lscb", "lsab", "lrlscb", "scp",
    "board", "boards", "safeguarding", "service", "services", "unit", "desk", "helpline",
    "help", "referral", "referrals", "mail", "post", "secretariat", "business", "support",
    "reception", "general", "communications", "comms", "press", "media", "web", "webmaster",
    "noreply", "no", "reply", "customer", "customers", "children", "childrens", "social",
    "care", "adult", "adults", "families", "family", "das", "partnership", "learning",
    "training", "development", "review", "reviews", "lado", "police", "health", "nhs",
    "feedback", "complaints", "foi", "data", "protection", "dpo", "school", "schools",
    "education", "early", "advice", "first", "response", "emergency", "out", "hours",
    "edt", "newsletter", "bulletin", "editor", "cp", "child", "manager",
    "managers", "coordinator", "officer", "designated", "lead", "leads", "sub", "group",
    "panel", "chair", "clerk", "secretary",
}
_WEBMAIL = re.compile(r"@(gmail|googlemail|hotmail|outlook|live|yahoo|ymail|icloud|me|aol|"
                      r"btinternet|sky|virginmedia|talktalk|proton|protonmail)\.", re.IGNORECASE)
_EMAIL = re.compile(r"(?<![\w.+-])([A-Za-z0-9][\w.+-]*)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
_MOBILE = re.compile(r"(?<![\d+])(?:\+44\s?(?:\(0\)\s?)?|0)7\d{3}[\s-]?\d{3}[\s-]?\d{3}(?!\d)")
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_DAY_DATE = (rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}|"
             rf"\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\.?,?\s+\d{{4}}|"
             rf"{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})")
_BIRTH = re.compile(rf"\b(?:date\s+of\s+birth|d\.?o\.?b\.?|born(?:\s+on)?)\b"
                    rf"[\s:,-]*(?:was\s+|is\s+)?{_DAY_DATE}", re.IGNORECASE)
_DRAFT_NOTE = re.compile(r"\b(TODO|FIXME|XXX)\b|<!--")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_ATX = re.compile(r"^\s{0,3}(#{1,6})(?:\s+|$)(.*)$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_IMAGE = re.compile(r"!\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*<?([^)\s>]*)>?"
                    r"(?:\s+[\"'][^\"']*[\"'])?\s*\)(\{[^}]*\})?")
_LINK = re.compile(r"(?<![!\\])\[((?:[^\[\]]|\[[^\]]*\])*)\]\(\s*<?([^)\s>]*)>?"
                   r"(?:\s+[\"'][^\"']*[\"'])?\s*\)")
_REFERENCE_LINK = re.compile(r"(?<![!\\\]])\[((?:[^\[\]]|\[[^\]]*\])*)\]\[([^\]]*)\]")
_DEFINITION = re.compile(r"^\s{0,3}\[([^\]]+)\]:\s*<?(\S+?)>?(?:\s|$)")
_PLACEMENT = re.compile(r"^\s{0,3}\[\[")
_AUTOLINK = re.compile(r"<([A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>")
_ATTRIBUTE_LIST = re.compile(r"\{:?[ ]*([^}\n ][^}\n]*)\}")
_ID = re.compile(r"\sid=\"([^\"]+)\"")


class DenyListError(UsageError):
    """The deny-list file cannot be read: a usage error."""


@dataclass(frozen=True)
class DenyList:
    """Names that must never be published, such as those of children and families known to
    the board. Kept outside the repository; its path comes from an option or a variable."""

    names: tuple[str, ...] = ()
    source: str = ""

    def matches(self, line: str) -> Iterator[re.Match[str]]:
        if self.names:
            yield from self._pattern().finditer(line)

    def _pattern(self) -> re.Pattern[str]:
        words = sorted(self.names, key=len, reverse=True)
        alternatives = "|".join(r"\s+".join(map(re.escape, name.split())) for name in words)
        return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def read_deny_list(path: Path | None) -> DenyList:
    """The deny-list at `path`, or at $PUBLISHER_DENY_LIST, or an empty one.

    One name per line; blank lines and lines starting with # are skipped.
    """
    if path is None:
        variable = os.environ.get(DENY_LIST_VARIABLE, "").strip()
        if not variable:
            return DenyList()
        path = Path(variable)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "it is not UTF-8 text"
        raise DenyListError(f"the deny-list {path} cannot be read ({reason}); give a text "
                            "file with one name per line") from None
    names = tuple(line.strip() for line in text.splitlines()
                  if line.strip() and not line.lstrip().startswith("#"))
    return DenyList(names, str(path))


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
    maker = PageMaker(site, site.root / site.settings.output)
    for issue in gathered.readable:
        page = _page(maker, planned.get(issue.source), found)
        found += check_issue(site, issue, page, deny_list)
    found += check_series(site, gathered.readable)
    found += check_blocks(site, _blocks_to_check(gathered, whole_site=paths is None), deny_list)
    return CheckReport(sorted({_coded(problem) for problem in found}, key=reading_order),
                       issues=len(gathered.readable))


def check_issue(site: Site, issue: Issue, page: str | None,
                deny_list: DenyList) -> list[Problem]:
    """The warnings of one issue, less those silenced, and the errors of its `silence:`
    list. `page` is its HTML as the build makes it, where links to anchors are looked
    up; None skips those links."""
    problems = silence_problems(site, issue)
    silenced = _silenced_codes(issue.front.silence, (issue.shown, None))[0]
    silenced |= _silenced_codes(site.settings.silence, SITE_SILENCE_PLACE)[0]
    ids = {html.unescape(found) for found in _ID.findall(page)} if page is not None else None
    problems += [problem for problem in _issue_warnings(site, issue, ids, deny_list)
                 if problem.code not in silenced]
    if page is not None:
        problems += _images_without_alt(issue, page)
    return problems


def _images_without_alt(issue: Issue, page: str) -> Iterator[Problem]:
    """An error for each image on the page with no alt attribute at all: written in HTML in
    the issue, or by a block's template. (Markdown images are checked line by line.)"""
    finder = _ImagesWithoutAlt()
    finder.feed(page)
    lines = issue.text.split("\n")
    for source in finder.sources:
        shown = source or "an image"
        line = next((number for number, text in enumerate(lines, start=1)
                     if source and "<img" in text and source in text), None)
        yield Problem(issue.shown, line, f"the image {shown} has no alt attribute; give it "
                      "one that says what it shows (alt=\"...\"), or alt=\"\" if it is "
                      "purely decorative", code="missing-alt")


class _ImagesWithoutAlt(HTMLParser):
    """The sources of the <img> elements with no alt attribute (comments are skipped)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        if tag == "img" and "alt" not in named:
            self.sources.append(named.get("src") or "")

    handle_startendtag = handle_starttag


def silence_problems(site: Site, issue: Issue) -> list[Problem]:
    """An error for each code in the issue's `silence:` list that is no warning's."""
    return _silenced_codes(issue.front.silence,
                           (issue.shown, issue.front_lines.get(("silence",))))[1]


def check_series(site: Site, issues: Iterable[Issue]) -> list[Problem]:
    """Warnings for `issues` dated out of their series' cadence, or before the issue
    numbered before them, and errors in the site's `silence:` list."""
    silenced, problems = _silenced_codes(site.settings.silence, SITE_SILENCE_PLACE)
    asked = list(issues)
    if "date-cadence" not in silenced:
        problems += _cadence_warnings(site, asked)
    if "issue-order" not in silenced:
        problems += _order_warnings(site, asked)
    return problems


def check_blocks(site: Site, blocks: Iterable[Block], deny_list: DenyList) -> list[Problem]:
    """Warnings in block files: personal data, and links and images in their Markdown; and
    errors for files attached to the PDF. A field of plain text is shown as it is written,
    HTML and all, so only the fields read as Markdown are looked at for HTML."""
    silenced = _silenced_codes(site.settings.silence, SITE_SILENCE_PLACE)[0]
    problems = []
    for block in blocks:
        lines = _numbered(block.source.read_text(encoding="utf-8-sig").split("\n"), 1)
        texts = [_as_in_file(lines, line, text) for line, text in block.markdown_texts()]
        markdown = [numbered for text in texts for numbered in text]
        for problem in [*_personal_data(block.shown, lines, deny_list),
                        *_invisible(block.shown, lines),
                        *_link_warnings(block.shown, lines, site, None, None),
                        *_html_warnings(block.shown, markdown, "block"),
                        *_attachments(block.shown, markdown),
                        *(problem for text in texts
                          for problem in _component_errors(block.shown, text))]:
            if problem.code not in silenced:
                problems.append(problem)
    return problems


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


SITE_SILENCE_PLACE = ("site.yml", None)


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


def _issue_warnings(site: Site, issue: Issue, ids: set[str] | None,
                    deny_list: DenyList) -> Iterator[Problem]:
    lines = _numbered(issue.text.split("\n"), 1)
    body = [(number, line) for number, line in lines if number >= issue.body_line]
    yield from _personal_data(issue.shown, lines, deny_list)
    yield from _invisible(issue.shown, lines)
    if issue.front.status == "published":
        yield from _draft_notes(issue.shown, lines)
    yield from _heading_warnings(issue.shown, body)
    yield from _link_warnings(issue.shown, body, site, issue, ids)
    yield from _html_warnings(issue.shown, body, "issue")
    yield from _attachments(issue.shown, body)
    yield from _component_errors(issue.shown, body)


#: An element asking for a file to be embedded in the PDF, in HTML or by an attribute
#: list on a Markdown link (`[the form](form.pdf){rel=attachment}`).
_ATTACHMENT = re.compile(r"<(?:link|a)\b[^>]*\brel\s*=\s*[\"']?[^\"'>]*\battachment\b"
                         r"|\{[^}\n]*\brel\s*=\s*[\"']?[^\"'}]*\battachment\b", re.IGNORECASE)


def _attachments(shown: str, lines: list[tuple[int, str]]) -> Iterator[Problem]:
    """An error for each element asking for a file to be embedded in the PDF."""
    for number, line in _prose(lines):
        for match in _ATTACHMENT.finditer(line):
            yield Problem(shown, number, "a file cannot be attached to the PDF "
                          "(rel=\"attachment\"); link to it instead, so readers see what "
                          "they open", column=match.start() + 1, code="attachment")


def _component_errors(shown: str, lines: list[tuple[int, str]]) -> Iterator[Problem]:
    """An error for each component written so that it cannot be made (see `components`), in
    the Markdown `lines`; indented as a whole, as in a YAML file, they are read without it."""
    indent = min((len(line) - len(line.lstrip(" ")) for _, line in lines if line.strip()),
                 default=0)
    prose = [(number, line[indent:]) for number, line in _prose(lines)]
    for line, column, message in component_problems(prose):
        yield Problem(shown, line, message, column=column + indent, code="component")


def _numbered(lines: list[str], first: int) -> list[tuple[int, str]]:
    return list(enumerate(lines, start=first))


def _prose(lines: list[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    """The lines outside fenced code, with inline code blanked out (keeping columns)."""
    fence: str | None = None
    for number, line in lines:
        opening = _FENCE.match(line)
        if fence is None and opening:
            fence = opening[1]
            continue
        if fence is not None:
            if line.strip().startswith(fence):
                fence = None
            continue
        yield number, _CODE_SPAN.sub(lambda match: " " * len(match[0]), line)


def _warning(shown: str, line: int, column: int, code: str, message: str) -> Problem:
    return Problem(shown, line, message, column=column, severity="warning", code=code)


def _personal_data(shown: str, lines: list[tuple[int, str]],
                   deny_list: DenyList) -> Iterator[Problem]:
    rules = [(_EMAIL, "personal-email", "{} looks like a person's own email address; publish "
              "a team or role address instead (such as duty.team@...)"),
             (_MOBILE, "personal-phone", "{} looks like a mobile number, usually a person's "
              "own; publish a team, duty or switchboard number instead"),
             (_BIRTH, "date-of-birth", "'{}' gives a date of birth, which identifies a person; "
              "remove it, or give an age or a year instead")]
    for number, line in lines:
        for pattern, code, message in rules:
            for match in pattern.finditer(line):
                if code != "personal-email" or _looks_personal(match[1], match[0]):
                    yield _warning(shown, number, match.start() + 1, code,
                                   message.format(match[0]))
        for match in deny_list.matches(line):
            yield _warning(shown, number, match.start() + 1, "denied-name",
                           f"'{match[0]}' is a name on the deny-list ({deny_list.source}); "
                           "remove it, or use the name the case review was published under")


def _invisible(shown: str, lines: list[tuple[int, str]]) -> Iterator[Problem]:
    for number, line in lines:
        for match in invisible_characters(line):
            effect = ("it shows the words after it in another order than they are read, so "
                      "what readers see is not what is checked" if is_reordering(match[0]) else
                      "it can hide a word from search and from the deny-list")
            yield _warning(shown, number, match.start() + 1, "invisible-character",
                           f"an invisible character, {describe(match[0])}, is here; {effect}; "
                           "delete it (it comes with text pasted from some programs)")


def _looks_personal(local: str, address: str) -> bool:
    """`jane.smith@` or `j.smith@` or any address at a personal webmail service; a single
    word (`lscb@`) or one with a role in it (`duty.team@`) is a team's."""
    if _WEBMAIL.search(address):
        return True
    parts = [part for part in re.split(r"[._-]+", local.lower()) if part]
    if not 2 <= len(parts) <= 3 or not all(part.isalpha() for part in parts):
        return False
    return not any(part in _ROLE_WORDS for part in parts)


def _draft_notes(shown: str, lines: list[tuple[int, str]]) -> Iterator[Problem]:
    for number, line in lines:
        for match in _DRAFT_NOTE.finditer(line):
            note = "an HTML comment" if match[0] == "<!--" else f"'{match[0]}'"
            yield _warning(shown, number, match.start() + 1, "draft-note",
                           f"a draft note ({note}) is left in a published issue; finish the "
                           "text or remove the note")


def _heading_warnings(shown: str, body: list[tuple[int, str]]) -> Iterator[Problem]:
    """Heading levels may go down by one at a time: `#` (an article) after the title, `##`
    inside an article, and so on. A block with a heading counts as an article."""
    level = 0
    previous = ""
    for number, line in _prose(body):
        heading = _heading_level(line, previous)
        previous = line
        if heading is None:
            continue
        found, column = heading
        if found > level + 1:
            marks = "#" * (level + 1)
            yield _warning(shown, number, column, "heading-skip",
                           f"this heading is {'#' * found} right after "
                           + ("the issue's title" if level == 0 else f"a {'#' * level} heading")
                           + f", skipping a level; make it {marks}, or add a {marks} heading "
                           "before it")
        level = found


def _heading_level(line: str, previous: str) -> tuple[int, int] | None:
    """The level and column of a heading on `line` (given the line before it), if it is one."""
    atx = _ATX.match(line)
    if atx:
        return len(atx[1]), atx.start(1) + 1
    if _PLACEMENT.match(line) and "no heading" not in line.replace("  ", " "):
        return 1, line.index("[") + 1
    setext = _SETEXT.match(line)
    if setext and previous.strip() and not previous.lstrip().startswith(("-", "*", "+", ">")):
        return (1 if setext[1][0] == "=" else 2), 1
    return None


def _link_warnings(shown: str, lines: list[tuple[int, str]], site: Site, issue: Issue | None,
                   ids: set[str] | None) -> Iterator[Problem]:
    prose = list(_prose(lines))
    definitions = {match[1].lower(): match[2] for _, line in prose
                   if (match := _DEFINITION.match(line))}
    for number, line in prose:
        for match in _IMAGE.finditer(line):
            decorative = match[3] and ".decorative" in match[3]
            if not match[1].strip() and not decorative:
                yield Problem(shown, number, "this image has no description; write what it "
                              "shows between the brackets, ![like this](...), or mark a purely "
                              "decorative image with {.decorative} after it",
                              column=match.start() + 1, code="missing-alt")
            yield from _target_warnings(shown, number, match.start(2) + 1, match[2], site,
                                        issue, ids, image=True)
        for match in _LINK.finditer(_blank(line, _IMAGE)):
            yield from _link_text_warning(shown, number, match.start() + 1, match[1])
            yield from _target_warnings(shown, number, match.start(2) + 1, match[2], site,
                                        issue, ids)
        for match in _REFERENCE_LINK.finditer(_blank(line, _IMAGE)):
            yield from _link_text_warning(shown, number, match.start() + 1, match[1])
            target = definitions.get((match[2] or match[1]).lower())
            if target is not None:
                yield from _target_warnings(shown, number, match.start() + 1, target, site,
                                            issue, ids)


def _html_warnings(shown: str, lines: list[tuple[int, str]], place: str) -> Iterator[Problem]:
    """What the sanitiser removes from the raw HTML among the text (publisher.sanitise), and
    from Markdown's own links and attribute lists: unsafe HTML, unsafe addresses and hidden
    text. (An HTML comment is a `draft-note` in a published issue, and removed from every
    issue.) Only code spans are skipped: the renderer has no fenced code blocks, so HTML
    between ``` lines is HTML to it, and is cleaned."""
    prose = [(number, _CODE_SPAN.sub(lambda match: " " * len(match[0]), line))
             for number, line in lines]
    # Read a paragraph at a time, as Markdown does: an element left open (a <script>
    # without its end tag) ends with its paragraph.
    paragraphs = [list(group) for blank, group in
                  itertools.groupby(prose, key=lambda numbered: not numbered[1].strip())
                  if not blank]
    for paragraph in paragraphs:
        text = "\n".join(line for _, line in paragraph)
        for removal in unsafe_parts(text):
            if removal.code in WARNINGS:
                yield _warning(shown, paragraph[0][0] + removal.line - 1, removal.column,
                               removal.code, removal.message(place))
    for number, line in prose:
        targets = [(match.start(2), match[2], True) for match in _IMAGE.finditer(line)]
        targets += [(match.start(2), match[2], False)
                    for match in _LINK.finditer(_blank(line, _IMAGE))]
        targets += [(match.start(1), match[1], False) for match in _AUTOLINK.finditer(line)]
        targets += [(match.start(2), match[2], False)
                    for match in [_DEFINITION.match(line)] if match]
        for column, target, image in sorted(targets):
            scheme = unsafe_scheme(html.unescape(target), image=image)
            if scheme is not None:
                removal = address_removal(scheme, "img" if image else "a",
                                          "src" if image else "href")
                yield _warning(shown, number, column + 1, removal.code, removal.message(place))
        if place == "issue":  # in a block file, {...} is more likely YAML than Markdown
            yield from _attribute_list_warnings(shown, number, line)


def _attribute_list_warnings(shown: str, number: int, line: str) -> Iterator[Problem]:
    """Event handlers, styles, unsafe addresses and hidden text given to Markdown's own
    elements by an attribute list: `# Heading {: onclick="..."}`, `Text.\n{: hidden}`."""
    for match in _ATTRIBUTE_LIST.finditer(line):
        before, after = line[:match.start()], line[match.end():].strip()
        if not ((not before.strip() and not after)  # on a line of its own, after a block
                or (_ATX.match(line) and before.endswith(" ") and not after)  # a heading's
                or before[-1:] in ("*", "_", ")", "]", ">")):  # right after an inline element
            continue  # not an attribute list: Markdown shows it as text
        attributes = [(name, value) for name, value in get_attrs_and_remainder(match[1])[0]
                      if name not in (".", "id")]
        hidden = element_removal(None, attributes)
        removals = [hidden] if hidden is not None else attribute_removals(None, attributes)
        for removal in removals:
            yield _warning(shown, number, match.start() + 1, removal.code, removal.message())


def _blank(line: str, pattern: re.Pattern[str]) -> str:
    return pattern.sub(lambda match: "x" * len(match[0]), line)


def _link_text_warning(shown: str, line: int, column: int, text: str) -> Iterator[Problem]:
    words = " ".join(re.sub(r"[*_`!.:…]+", " ", text).split()).lower()
    if _IMAGE.search(text) and not re.search(r"!\[\s*\]", text):
        return  # a linked image is named by its description
    if not words:
        yield _warning(shown, line, column, "link-text",
                       "this link has no text; say where it goes, [like this](...)")
    elif words in _VAGUE_LINK_TEXT:
        yield _warning(shown, line, column, "link-text",
                       f"the link text '{text.strip()}' does not say where it goes; screen "
                       "reader users hear links out of context, so name the page, e.g. "
                       "[the procedures manual](...)")


def _target_warnings(shown: str, line: int, column: int, target: str, site: Site,
                     issue: Issue | None, ids: set[str] | None,
                     image: bool = False) -> Iterator[Problem]:
    """A link's (or, with `image`, an image's) target that is missing. A missing image is
    an error, as the build cannot lay out the page without it; so is an image file the build
    would refuse."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target:
        return
    if not parts.path:
        if ids is not None and unquote(parts.fragment) not in ids:
            yield _warning(shown, line, column, "missing-anchor",
                           f"there is no #{parts.fragment} in this issue; link to a heading by "
                           "its id (the heading in lower case, with hyphens for spaces)")
        return
    if issue is None:
        return
    if not _local_target_exists(site, issue, unquote(parts.path)):
        outside = _climbs_out(issue, unquote(parts.path))
        problem = _warning(shown, line, column, "missing-file",
                           f"{parts.path} is outside the site; a page may use only files inside "
                           "the site's own folders" if outside else
                           f"{parts.path} is not in the site; check the name, and put the file "
                           f"beside the issue in issues/{issue.series.slug}/")
        yield replace(problem, severity="error") if image else problem
    elif image:
        yield from _image_file_problems(shown, line, column, target, site, issue)


def _image_file_problems(shown: str, line: int, column: int, target: str, site: Site,
                         issue: Issue) -> Iterator[Problem]:
    """An error for each reason the build would refuse the image file at `target`, found as
    the build finds them (`SiteResources.source_for`): not an image, not the kind its name
    says, too big, or an SVG holding more than a picture."""
    output = (site.root / site.settings.output).resolve()
    resources = SiteResources(site.root, output, site.styles_folder, site.issues_folder,
                              site.settings.archive_address)
    try:
        path = resources.page_reference(output / issue.series.slug / "page.html", target)
        if path is not None:
            resources.source_for(path)
    except ResourceRefused as refusal:
        for reason in refusal.reasons:
            yield Problem(shown, line, reason, column=column, code="bad-image")


def _climbs_out(issue: Issue, path: str) -> bool:
    """Whether a relative reference from the issue's page leaves the output folder."""
    target = posixpath.normpath(posixpath.join(issue.series.slug, path))
    return path.startswith("/") or target == ".." or target.startswith("../")


def _local_target_exists(site: Site, issue: Issue, path: str) -> bool:
    """Whether a relative link from the issue's page reaches a file the build publishes: an
    issue's page or PDF, the archive's pages and feeds, a stylesheet, or a file kept beside
    the issues."""
    if path.startswith("/"):
        return False
    target = posixpath.normpath(posixpath.join(issue.series.slug, path))
    if target.startswith("../") or target == "..":
        return False
    folder, _, name = target.rpartition("/")
    stem, _, suffix = name.rpartition(".")
    statements = {STATEMENT_PAGE, *(series.organisation.statement
                                    for series in site.series.values())}
    if target in ("index.html", "feed.xml", *statements) or (
            folder in site.series and name in ("index.html", "feed.xml")):
        return True
    series, _, archival = folder.partition("/")
    if series in site.series and archival == ARCHIVAL_FOLDER and suffix == "pdf":
        return (site.issues_folder / series / f"{stem}.md").is_file()
    if folder in site.series and suffix in ("html", "pdf") and \
            (site.issues_folder / folder / f"{stem}.md").is_file():
        return True
    if target.startswith(f"{ASSETS_FOLDER}/"):
        return (site.styles_folder / target.removeprefix(f"{ASSETS_FOLDER}/")).is_file()
    return (site.issues_folder / target).is_file()


def _numbered_pairs(site: Site, asked: list[Issue]) -> Iterator[tuple[Issue, Issue]]:
    """Each issue asked for with the issue before it by number in its series (every issue of
    the series is read, asked for or not), in the order of their numbers."""
    wanted = {issue.source for issue in asked}
    for series in {issue.series.slug: issue.series for issue in asked}.values():
        every, _ = read_issues(site, [series.folder])
        ordered = sorted(every, key=lambda issue: issue.front.number)
        for before, issue in itertools.pairwise(ordered):
            if issue.source in wanted and issue.front.number > before.front.number:
                yield before, issue


def _order_warnings(site: Site, asked: list[Issue]) -> Iterator[Problem]:
    """Each issue asked for that is dated before the issue numbered before it: one of the
    two dates, or the numbers, is wrong. Said once, on the later number, naming the other."""
    for before, issue in _numbered_pairs(site, asked):
        if issue.front.date >= before.front.date or "issue-order" in issue.front.silence:
            continue
        same_month = month_year(issue.front.date) == month_year(before.front.date)
        when = long_date if same_month else month_year
        yield _warning(issue.shown, issue.front_lines.get(("date",)) or 1, 1, "issue-order",
                       f"date: Issue {issue.front.number} is dated {when(issue.front.date)}, "
                       f"before Issue {before.front.number} ({when(before.front.date)}, "
                       f"{before.shown}), though its number comes after; correct this date, "
                       f"Issue {before.front.number}'s date, or the numbers")


def _cadence_warnings(site: Site, asked: list[Issue]) -> Iterator[Problem]:
    """Each issue asked for whose date is not where its series' cadence puts it after the
    issue before it (by number).

    An issue dated before the one before it is left to `issue-order`: the date the cadence
    would give assumes that the earlier issue's date and the numbers are right, which is
    what such an issue puts in doubt, so its advice ("due in September 2020") could send the
    writer to change the one date that was right; and one mistake gets one warning.
    """
    for before, issue in _numbered_pairs(site, asked):
        steps = issue.front.number - before.front.number
        cadence = issue.series.settings.cadence
        if "date-cadence" in issue.front.silence or issue.front.date < before.front.date:
            continue
        if fits_cadence(before.front.date, issue.front.date, cadence, steps):
            continue
        due = next_issue_date(before.front.date, cadence, steps)
        assert due is not None
        yield _warning(issue.shown, issue.front_lines.get(("date",)) or 1, 1, "date-cadence",
                       f"date: {issue.series.settings.title} is {cadence}, so after Issue "
                       f"{before.front.number} ({month_year(before.front.date)}) "
                       f"Issue {issue.front.number} is due in {month_year(due)}, not "
                       f"{month_year(issue.front.date)}; check the date or the number, "
                       "or add 'silence: [date-cadence]' to an issue out of the usual "
                       "rhythm")


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
