"""The checkers: each finds the problems of a few codes in an issue's or a block's text, or
in a series' issues together, without laying out a PDF (see `rules` for what each code
means, and `checks` for how they are run).

They read the source text line by line, so that each finding has its line and column; the
anchors a link may point at are taken from the issue's page as the build makes it.
"""

from __future__ import annotations

import html
import itertools
import posixpath
import re
from collections.abc import Iterator
from dataclasses import replace
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

from markdown.extensions.attr_list import get_attrs_and_remainder

from publisher.cadence import fits_cadence, next_issue_date
from publisher.characters import describe, invisible_characters, is_reordering
from publisher.components import component_problems
from publisher.config import Site
from publisher.dates import long_date, month_year
from publisher.errors import Problem
from publisher.resources import ASSETS_FOLDER, STATEMENT_PAGE, ResourceRefused, SiteResources
from publisher.rules import Text, checker
from publisher.sanitise import (
    address_removal,
    attribute_removals,
    element_removal,
    unsafe_parts,
    unsafe_scheme,
)
from publisher.sources import Issue, read_issues
from publisher.variants import ARCHIVAL_FOLDER

_VAGUE_LINK_TEXT = {"click here", "here", "click", "this", "this link", "link", "more",
                    "read more", "more info", "more information", "find out more", "this page",
                    "page", "website", "this website", "go", "details"}
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

#: An element asking for a file to be embedded in the PDF, in HTML or by an attribute
#: list on a Markdown link (`[the form](form.pdf){rel=attachment}`).
_ATTACHMENT = re.compile(r"<(?:link|a)\b[^>]*\brel\s*=\s*[\"']?[^\"'>]*\battachment\b"
                         r"|\{[^}\n]*\brel\s*=\s*[\"']?[^\"'}]*\battachment\b", re.IGNORECASE)


@checker("missing-alt", on=("issue",))
def images_without_alt(text: Text) -> Iterator[Problem]:
    """An error for each image on the page with no alt attribute at all: written in HTML in
    the issue, or by a block's template. (Markdown images are checked line by line.)"""
    if text.page is None or text.issue is None:
        return
    finder = _ImagesWithoutAlt()
    finder.feed(text.page)
    lines = text.issue.text.split("\n")
    for source in finder.sources:
        shown = source or "an image"
        line = next((number for number, written in enumerate(lines, start=1)
                     if source and "<img" in written and source in written), None)
        yield text.error(line, None, "missing-alt", f"the image {shown} has no alt attribute; "
                         "give it one that says what it shows (alt=\"...\"), or alt=\"\" if "
                         "it is purely decorative")


@checker("invisible-character", on=("issue", "block"))
def invisible(text: Text) -> Iterator[Problem]:
    for number, line in text.lines:
        for match in invisible_characters(line):
            effect = ("it shows the words after it in another order than they are read, so "
                      "what readers see is not what is checked" if is_reordering(match[0]) else
                      "it can hide a word from search and from the deny-list")
            yield text.warning(number, match.start() + 1, "invisible-character",
                               f"an invisible character, {describe(match[0])}, is here; "
                               f"{effect}; delete it (it comes with text pasted from some "
                               "programs)")


@checker("draft-note", on=("issue",))
def draft_notes(text: Text) -> Iterator[Problem]:
    if text.issue is None or text.issue.front.status != "published":
        return
    for number, line in text.lines:
        for match in _DRAFT_NOTE.finditer(line):
            note = "an HTML comment" if match[0] == "<!--" else f"'{match[0]}'"
            yield text.warning(number, match.start() + 1, "draft-note",
                               f"a draft note ({note}) is left in a published issue; finish "
                               "the text or remove the note")


@checker("heading-skip", on=("issue",))
def headings(text: Text) -> Iterator[Problem]:
    """Heading levels may go down by one at a time: `#` (an article) after the title, `##`
    inside an article, and so on. A block with a heading counts as an article."""
    level = 0
    previous = ""
    for number, line in _prose(text.body):
        heading = _heading_level(line, previous)
        previous = line
        if heading is None:
            continue
        found, column = heading
        if found > level + 1:
            marks = "#" * (level + 1)
            yield text.warning(number, column, "heading-skip",
                               f"this heading is {'#' * found} right after "
                               + ("the issue's title" if level == 0
                                  else f"a {'#' * level} heading")
                               + f", skipping a level; make it {marks}, or add a {marks} "
                               "heading before it")
        level = found


@checker("link-text", "missing-anchor", "missing-file", "missing-alt", "bad-image",
         on=("issue", "block"))
def links(text: Text) -> Iterator[Problem]:
    """Links and images: their text or description, and whether what they point at is
    there. A block's links are not followed: it may be placed in any issue."""
    return _link_warnings(text.shown, text.body, text.site, text.issue, text.ids)


@checker("unsafe-html", "hidden-text", on=("issue", "block"))
def unsafe_html(text: Text) -> Iterator[Problem]:
    for run in text.markdown:
        yield from _html_warnings(text.shown, run, text.place)


@checker("attachment", on=("issue", "block"))
def attachments(text: Text) -> Iterator[Problem]:
    """An error for each element asking for a file to be embedded in the PDF."""
    for number, line in _prose([numbered for run in text.markdown for numbered in run]):
        for match in _ATTACHMENT.finditer(line):
            yield text.error(number, match.start() + 1, "attachment", "a file cannot be "
                             "attached to the PDF (rel=\"attachment\"); link to it instead, so "
                             "readers see what they open")


@checker("component", on=("issue", "block"))
def components(text: Text) -> Iterator[Problem]:
    """An error for each component written so that it cannot be made (see `components`); a
    run of Markdown indented as a whole, as in a YAML file, is read without the indent."""
    for run in text.markdown:
        indent = min((len(line) - len(line.lstrip(" ")) for _, line in run if line.strip()),
                     default=0)
        prose = [(number, line[indent:]) for number, line in _prose(run)]
        for line, column, message in component_problems(prose):
            yield text.error(line, column + indent, "component", message)


@checker("date-cadence", on=("series",))
def cadence(site: Site, asked: list[Issue]) -> Iterator[Problem]:
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


@checker("issue-order", on=("series",))
def issue_order(site: Site, asked: list[Issue]) -> Iterator[Problem]:
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
                   ids: frozenset[str] | None) -> Iterator[Problem]:
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
            if removal.code in ("unsafe-html", "hidden-text"):  # not comments: draft-note
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
                     issue: Issue | None, ids: frozenset[str] | None,
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

