"""HTML to PDF with WeasyPrint. The only module that imports WeasyPrint (it is slow to import;
`system_layer.opened_by_soname` makes it less so, and imports it again if that fails).

WeasyPrint may read only the files `SiteResources` hands out, and `data:` URLs. A page is
laid out once and written in each PDF variant asked for (see `variants`): tagged, with its
language, title and bookmarks; a decorative image (`alt=""`) is an artifact, which screen
readers pass over.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import functools
import hashlib
import json
import logging
import math
import os
import re
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from publisher.system_layer import opened_by_soname

with opened_by_soname():  # without ldconfig and gcc runs: a quarter of a second
    import weasyprint
import pydyf
import weasyprint.draw
import weasyprint.pdf
import weasyprint.pdf.tags
from weasyprint import HTML
from weasyprint.formatting_structure import boxes
from weasyprint.formatting_structure.build import create_anonymous_boxes
from weasyprint.layout import LayoutContext
from weasyprint.layout.absolute import AbsolutePlaceholder
from weasyprint.layout.block import block_level_layout
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from publisher.config import PdfVariant
from publisher.errors import Problem, RenderError
from publisher.pdf_structure import complete_structure
from publisher.resources import (
    REMOTE_MAX_BYTES,
    REMOTE_TIMEOUT_SECONDS,
    ResourceRefused,
    SiteResources,
    media_type,
    refuse_remote,
)
from publisher.user_cache import keep, kept


@dataclass(frozen=True)
class RenderedPdf:
    #: The PDF's bytes in each variant asked for, in the order asked (None: untagged).
    copies: list[bytes]
    page_count: int
    #: What laying it out found: characters the fonts lack (code `missing-glyph`), the box
    #: that runs past the pages the house style allows (code `overflow`), and what
    #: WeasyPrint said (code `render`).
    warnings: list[Problem]
    #: The site files WeasyPrint loaded.
    loaded: list[Path]
    #: The https:// images it fetched (with --allow-remote), by address.
    remote: dict[str, bytes] = field(default_factory=dict)


class _Refused(FatalURLFetchingError):  # type: ignore[misc]
    """Carries our refusal through WeasyPrint, which stops rendering on fatal fetch errors."""

    def __init__(self, refusal: ResourceRefused):
        super().__init__(refusal.problem.message)
        self.refusal = refusal


class SiteFetcher(URLFetcher):  # type: ignore[misc]
    """Hands WeasyPrint the site's own files and data: URLs; refuses everything else.

    Every refusal is kept: WeasyPrint stops at one while laying out the page, but inside
    an SVG image it logs a warning and draws on without the file, and the build must still
    fail.
    """

    def __init__(self, resources: SiteResources):
        super().__init__(fail_on_errors=True)
        self.resources = resources
        self.loaded: list[Path] = []
        #: The https:// images fetched (with --allow-remote), by address.
        self.remote: dict[str, bytes] = {}
        self.refused: list[ResourceRefused] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        try:
            return self._fetch(url, headers)
        except _Refused as refused:
            self.refused.append(refused.refusal)
            raise

    def _fetch(self, url: str, headers: dict[str, str] | None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        local = self.resources.path_of(url)
        if local is None and url.startswith("file:"):
            local = Path(url2pathname(urlsplit(url).path))
        if local is None and self.resources.allow_remote and url.startswith("https://"):
            return self._remote_image(url)
        if local is None:
            raise _Refused(refuse_remote(url, self.resources.allow_remote))
        try:
            source = self.resources.source_for(local)
        except ResourceRefused as refusal:
            raise _Refused(refusal) from None
        data = source.read_bytes()
        self.loaded.append(source)
        # The kind the page's name for the file says, which its content was checked against.
        return URLFetcherResponse(url, data, {"Content-Type": media_type(local)})

    def _remote_image(self, url: str) -> URLFetcherResponse:
        """An https:// image (with --allow-remote): within the time-out and the size cap,
        and an image, or refused."""
        def refused(why: str) -> _Refused:
            return _Refused(ResourceRefused(f"{url}: {why}; save the image inside the site "
                                            "instead"))
        request = urllib.request.Request(url, headers={"User-Agent": "publisher"})
        try:
            with urllib.request.urlopen(request, timeout=REMOTE_TIMEOUT_SECONDS) as response:
                kind = response.headers.get_content_type()
                data = response.read(REMOTE_MAX_BYTES + 1)
        except (OSError, ValueError) as error:  # URLError, timeouts and HTTP errors are OSErrors
            raise refused(f"cannot be fetched ({getattr(error, 'reason', error)})") from None
        if len(data) > REMOTE_MAX_BYTES:
            raise refused(f"is larger than {REMOTE_MAX_BYTES // (1024 * 1024)} MB")
        if not kind.startswith("image/"):
            raise refused(f"is not an image (the server says {kind})")
        self.remote[url] = data
        return URLFetcherResponse(url, data, {"Content-Type": kind})


def render_pdf(html: str, page_path: Path, resources: SiteResources, shown: str,
               created: datetime.date,
               variants: Sequence[PdfVariant | None] = ("pdf/ua-1",),
               pages: int | None = None) -> RenderedPdf:
    """Lay out `html` as if it stood at `page_path` (read from its web address) and return
    the PDF's bytes in each of `variants` (None makes an untagged PDF). With `pages`, the
    most pages the house style allows, an issue that runs over is warned of (see
    `_overflow_warnings`).

    The same page, stylesheets, fonts and images give the same bytes: the PDF identifier is
    a hash of the PDF's own content (so a stylesheet edit that changes nothing on the page
    leaves the bytes as they were), and any time stamp a font subsetter writes is the
    issue's date.
    `shown` names the issue in errors.
    """
    for reference in _attachments(html):
        raise RenderError(f"{reference}: a file cannot be attached to the PDF (rel=\"attachment\")"
                          "; link to it instead, so readers see what they open", path=shown)
    fetcher = SiteFetcher(resources)
    with _captured_warnings() as warnings, _source_date(created):
        # An SVG image is drawn, and what it refers to fetched, while the PDF is written.
        with contextlib.suppress(_Refused):  # each refusal is in fetcher.refused
            document = HTML(string=html, base_url=resources.address_of(page_path),
                            url_fetcher=fetcher).render()
            copies = [complete_structure(document.write_pdf(pdf_identifier=True,
                                                            pdf_variant=variant),
                                         claim_pdf_ua=_claims_pdf_ua(variant))
                      for variant in variants]
        if fetcher.refused:
            reasons = list(dict.fromkeys(reason for refusal in fetcher.refused
                                         for reason in refusal.reasons))
            raise RenderError(reasons[0], path=shown, more=reasons[1:])
    logged, glyphs = _font_warnings(document, fetcher.loaded, warnings)
    overflow = _overflow_warnings(document, pages)
    return RenderedPdf(copies=copies, page_count=len(document.pages),
                       warnings=[*(Problem(shown, None, message, severity="warning", code=code)
                                   for code, found in (("render", logged),
                                                       (MISSING_GLYPH, glyphs),
                                                       (OVERFLOW, overflow))
                                   for message in found)],
                       loaded=fetcher.loaded, remote=fetcher.remote)


def _claims_pdf_ua(variant: PdfVariant | None) -> bool:
    """Whether a PDF/A copy says it is PDF/UA-1 too: one of level a (accessible), which is
    tagged as the web copy is."""
    return variant is not None and variant.startswith("pdf/a-") and variant.endswith("a")


def _attachments(html: str) -> list[str]:
    """The files a page asks WeasyPrint to embed in the PDF (`<link rel="attachment">`,
    `<a rel="attachment">`), which would hide files inside it."""
    found: list[str] = []

    class Finder(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            named = dict(attrs)
            if tag in ("link", "a") and "attachment" in (named.get("rel") or "").lower().split():
                found.append(named.get("href") or "(no address)")

    Finder().feed(html)
    return found


# WeasyPrint 70 tags every image as a Figure, which PDF/UA requires to have alternative
# text (Kozea/WeasyPrint#2550). An image the page marks decorative (alt="") is drawn as an
# artifact instead and left out of the structure tree, as PDF/UA asks.

def _decorative(box: Any) -> bool:
    if isinstance(box, AbsolutePlaceholder):  # a positioned image, as the tagger meets it
        box = box._box
    element = getattr(box, "element", None)
    return (isinstance(box, boxes.ReplacedBox) and element is not None
            and element.tag == "img" and element.get("alt") == "")


class _Stream(weasyprint.pdf.Stream):  # type: ignore[misc]
    def clone(self, **kwargs: Any) -> _Stream:
        clone: _Stream = super().clone(**kwargs)  # groups and patterns follow the rule too
        clone.__class__ = _Stream
        return clone

    @contextmanager
    def marked(self, box: Any, tag: str) -> Iterator[None]:
        if (tag == "Figure" and _decorative(box)) or _IN_PAGE_MARGIN.get():
            with self.artifact():
                yield
        else:
            with super().marked(box, tag):
                yield


# WeasyPrint 70 marks the text of the page's margins (running head, page number) as
# content but keeps its structure elements out of the tree. PDF/UA wants it an artifact:
# it repeats on every page, and a screen reader should not read it among the articles.
_IN_PAGE_MARGIN: contextvars.ContextVar[bool] = contextvars.ContextVar("in_page_margin",
                                                                       default=False)
_draw_stacking_context = weasyprint.draw.draw_stacking_context


def _draw_margins_as_artifacts(stream: Any, stacking_context: Any) -> None:
    if not isinstance(stacking_context.box, boxes.MarginBox):
        _draw_stacking_context(stream, stacking_context)
        return
    token = _IN_PAGE_MARGIN.set(True)
    try:
        _draw_stacking_context(stream, stacking_context)
    finally:
        _IN_PAGE_MARGIN.reset(token)


_build_box_tree = weasyprint.pdf.tags._build_box_tree
#: The structure types an element may ask for with `data-pdf-tag` (WeasyPrint 70 tags by
#: the element's name alone: an <aside> is NonStruct, and nothing is a Note).
PDF_TAGS = frozenset({"Note", "Div", "Sect", "Part", "BlockQuote", "Caption",
                      "Figure", "Quote", "Span", "P"})


def _structure_without_decorative(box: Any, *args: Any) -> Iterator[Any]:
    if _decorative(box) or isinstance(box, boxes.MarginBox):
        return  # drawn as artifacts
    asked = _asked_tag(box)
    _name_link(box)
    for element in _build_box_tree(box, *args):
        if asked is not None:
            element["S"] = f"/{asked}"
            if asked == "Note" and box.element.get("id"):
                # PDF/UA-1 (7.9) wants each Note to have an ID; the element's own is
                # unique in the page, and WeasyPrint never splits a footnote over pages.
                element["ID"] = pydyf.String(box.element.get("id"))
        if element["S"] == "/TH":
            # WeasyPrint links each cell to its headers; screen readers and PDF/UA checkers
            # look for the header's own Scope too, as the HTML says it (col by default).
            row = box.element.get("scope") in ("row", "rowgroup")
            element["A"]["Scope"] = "/Row" if row else "/Column"
        yield element


def _name_link(box: Any) -> None:
    """A link's description for screen readers (its annotation's Contents, which PDF/UA
    asks for) is its `aria-label` where it has one: "Note 1" for a footnote's reference,
    rather than the address WeasyPrint gives every link, here the note's id."""
    annotation = getattr(box, "link_annotation", None)
    element = getattr(box, "element", None)
    if annotation is not None and element is not None and element.get("aria-label"):
        annotation["Contents"] = pydyf.String(element.get("aria-label"))


def _asked_tag(box: Any) -> str | None:
    """The structure type the box's element asks for (`data-pdf-tag="Note"`): the templates
    and Markdown components say what an element is, as its HTML name cannot. The boxes
    WeasyPrint makes inside an element (anonymous ones) keep their own."""
    if isinstance(box, AbsolutePlaceholder):
        box = box._box
    element = getattr(box, "element", None)
    if element is None or type(box).__name__.startswith("Anonymous"):
        return None
    if "::" in (getattr(box, "element_tag", None) or ""):
        return None  # a pseudo-element (a footnote's call or marker) is not the element
    asked = element.get("data-pdf-tag")
    return asked if asked in PDF_TAGS else None


weasyprint.pdf.Stream = _Stream
weasyprint.draw.draw_stacking_context = _draw_margins_as_artifacts
weasyprint.pdf.tags._build_box_tree = _structure_without_decorative


def _update_footnote_area(self: LayoutContext) -> bool:
    """`LayoutContext._update_footnote_area` of WeasyPrint 70, comparing the bottoms with
    `LayoutContext.overflows`, as the rest of its layout does.

    WeasyPrint 70 compares the bottom of the footnote area's last note with the area's own
    bottom exactly, and the two, reached by adding the same lengths in another order, differ
    in the last bit of a float: a note that fits is taken to overflow, and is moved to the
    next page, away from its reference (Kozea/WeasyPrint#2502). Only pages with footnotes
    are laid out differently. Returns whether the notes overflow the area.
    """
    area = self.current_footnote_area
    if area.height != "auto" and not self.in_column:
        self.page_bottom += area.margin_height()
    area.children = self.current_page_footnotes
    if not area.children:
        area.height = 0
        if not self.in_column:
            self.page_bottom -= area.margin_height()
        return False
    laid = block_level_layout(self, create_anonymous_boxes(area.deepcopy()), -math.inf,
                              None, area.page)[0]
    area.height = laid.height
    if not self.in_column:
        self.page_bottom -= laid.margin_height()
    last = laid.children[-1]
    return bool(self.overflows(laid.position_y + laid.margin_height() - laid.margin_bottom,
                               last.position_y + last.margin_height() - last.margin_bottom))


LayoutContext._update_footnote_area = _update_footnote_area


@contextmanager
def _source_date(day: datetime.date) -> Iterator[None]:
    """Set SOURCE_DATE_EPOCH to `day` while rendering.

    With libharfbuzz-subset0 WeasyPrint stamps no time; without it, fontTools subsets the
    fonts and would stamp the clock, unless this variable says otherwise.
    """
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    midnight = datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)
    os.environ["SOURCE_DATE_EPOCH"] = str(int(midnight.timestamp()))
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


@contextmanager
def _captured_warnings() -> Iterator[list[str]]:
    """Collect what WeasyPrint logs (unsupported CSS and the like) so the build can show it."""
    messages: list[str] = []

    class Collector(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    logger = logging.getLogger("weasyprint")
    handler = Collector(level=logging.WARNING)
    logger.addHandler(handler)
    previous = logger.propagate
    logger.propagate = False
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = previous


# Characters the house style's fonts lack. Pango draws such a character in whatever font of
# the machine has it (so the PDF differs from machine to machine) or, if none has, as an
# empty box; WeasyPrint says nothing in the first case. So after layout, each character of
# the page's text is looked up in the fonts its CSS gives that text, among those the page
# loaded (by the names their @font-face rules give them, or their own): one warning per
# character missing, and one per text set in no font of the house style.

#: The code of a warning of characters the fonts lack, which an issue may silence.
MISSING_GLYPH = "missing-glyph"
_FONT_SUFFIXES = (".ttf", ".otf", ".woff", ".woff2")
_FONT_FACE = re.compile(r"@font-face\s*\{([^}]*)\}", re.IGNORECASE)
_FONT_FAMILY = re.compile(r"font-family\s*:\s*([^;]+)", re.IGNORECASE)
_FONT_SOURCE = re.compile(r"""url\(\s*["']?([^"')]+)""", re.IGNORECASE)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
#: Warnings about characters, at most; the rest are counted in one more.
_MAX_GLYPH_WARNINGS = 10


def _font_warnings(document: Any, loaded: list[Path],
                   logged: list[str]) -> tuple[list[str], list[str]]:
    """`logged` (WeasyPrint's warnings), less its notes of empty boxes for characters this
    names itself; and a warning for each character of the laid-out `document` that the
    fonts its CSS gives that text (among the `loaded` files) lack."""
    import unicodedata

    families = _page_fonts(loaded)
    if not families:
        return logged, []  # a page with no fonts of its own: nothing to hold it to
    everything = set().union(*(has for has in families.values() if has is not None))
    missing: dict[str, str | None] = {}  # character: the font of the text it is in, or None
    unstyled: dict[str, str] = {}  # CSS font list: some of its text
    coverage: dict[tuple[str, ...], tuple[str, set[int] | None]] = {}
    for box in _text_boxes(document):
        text = box.text or ""
        listed = tuple(box.style["font_family"])
        if listed not in coverage:
            own = [name for name in listed if name.casefold() in families]
            sets = [families[name.casefold()] for name in own]
            coverage[listed] = (own[0] if own else "", None if None in sets else
                                set().union(*(has for has in sets if has is not None)))
        font, characters = coverage[listed]
        if not font:
            if text.strip():
                unstyled.setdefault(", ".join(listed), text.strip())
            continue
        if characters is None:
            continue  # a font whose file cannot be read: nothing to hold its text to
        for character in text:
            if (ord(character) not in characters and character not in missing
                    and unicodedata.category(character)[0] not in "CZ"
                    and not 0xFE00 <= ord(character) <= 0xFE0F):
                missing[character] = font if ord(character) in everything else None
    if not missing and not unstyled:
        return logged, []
    kept = [message for message in logged if not (
        message.startswith(".notdef glyph rendered")
        and any(f"(U+{ord(character):04X})" in message for character in missing))]
    messages = []
    for character, lacking in list(missing.items())[:_MAX_GLYPH_WARNINGS]:
        name = unicodedata.name(character, "")
        described = f"'{character}' (U+{ord(character):04X}{' ' + name if name else ''})"
        where = ("the fonts of this house style" if lacking is None
                 else f"{lacking}, the font this house style gives the text it is in")
        messages.append(f"the character {described} is not in {where}; it may print as an "
                        "empty box or in a system font; use another character or add a font "
                        "that has it")
    if len(missing) > _MAX_GLYPH_WARNINGS:
        others = list(missing)[_MAX_GLYPH_WARNINGS:]
        messages.append(f"{len(others)} more characters are not in the fonts of this house "
                        f"style: {' '.join(others[:20])}{' ...' if len(others) > 20 else ''}")
    for fonts, text in unstyled.items():
        sample = text if len(text) <= 40 else text[:39] + "…"
        messages.append(f"the text '{sample}' is set in {fonts}, not in a font of this house "
                        "style, so it prints in a font of the computer that builds the PDF; "
                        "write it as plain text, or add a font for it to the house style")
    return kept, messages


def _page_fonts(loaded: list[Path]) -> dict[str, frozenset[int] | None]:
    """The font families of a page's own (folded), each with the characters its loaded
    files have: named as the @font-face rules of the page's stylesheets name them, and as
    the files name themselves. None for a family whose file cannot be looked into (a
    data: URL, a WOFF2 fontTools cannot read)."""
    files = {path: _font_coverage(path, *_stamp(path)) for path in dict.fromkeys(loaded)
             if path.suffix.lower() in _FONT_SUFFIXES}
    families: dict[str, frozenset[int] | None] = {}

    def add(name: str, has: frozenset[int] | None) -> None:
        if name in families:
            before = families[name]
            has = None if before is None or has is None else before | has
        families[name] = has

    for names, has in files.values():
        for name in names:
            add(name, has)
    for stylesheet in dict.fromkeys(path for path in loaded if path.suffix.lower() == ".css"):
        for name, source in _font_faces(stylesheet, *_stamp(stylesheet)):
            target = Path(os.path.normpath(stylesheet.parent / source))
            add(name, files[target][1] or None if target in files else None)
    return families


def _stamp(path: Path) -> tuple[int, int]:
    status = path.stat()
    return status.st_mtime_ns, status.st_size


@functools.lru_cache(maxsize=64)
def _font_faces(stylesheet: Path, mtime: int, size: int) -> tuple[tuple[str, str], ...]:
    """The (family, file) of each @font-face source in a stylesheet; family folded."""
    from urllib.parse import unquote

    css = _CSS_COMMENT.sub("", stylesheet.read_text(encoding="utf-8", errors="replace"))
    faces = []
    for rule in _FONT_FACE.finditer(css):
        family = _FONT_FAMILY.search(rule[1])
        if family:
            name = family[1].strip().strip("\"'").casefold()
            faces += [(name, unquote(source.strip())) for source in _FONT_SOURCE.findall(rule[1])]
    return tuple(faces)


#: The format of a font's entry in the user's cache (see `_font_coverage`).
_COVERAGE_FORMAT = "coverage-1"


@functools.lru_cache(maxsize=64)
def _font_coverage(path: Path, mtime: int, size: int) -> tuple[frozenset[str], frozenset[int]]:
    """The family names a font file gives itself (folded) and the characters it has; none
    of either for a font that cannot be read (a WOFF2 without brotli, say). Kept in the
    user's cache by the digest of the file's bytes: looking into a font costs more than the
    rest of the check, in a build of one issue. A font that could not be read is not kept,
    nor is a damaged entry trusted: the font is looked into again, and kept right."""
    try:
        data = path.read_bytes()
    except OSError:
        return frozenset(), frozenset()
    name = f"{hashlib.sha256(data).hexdigest()}.json"
    coverage = _coverage_of(kept(_COVERAGE_FORMAT, name))
    if coverage is None:
        coverage = _read_coverage(data)
        if coverage is None:
            return frozenset(), frozenset()
        keep(_COVERAGE_FORMAT, name, _coverage_json(*coverage))
    names, ranges = coverage
    characters = (code for first, last in ranges for code in range(first, last + 1))
    return frozenset(names), frozenset(characters)


_Coverage = tuple[list[str], list[tuple[int, int]]]


def _read_coverage(data: bytes) -> _Coverage | None:
    """The family names (folded) and the characters, as ranges, of the font file `data`;
    None if fontTools cannot read it."""
    import io

    from fontTools.ttLib import TTFont

    names: set[str] = set()
    try:
        with TTFont(io.BytesIO(data), lazy=True, fontNumber=0) as font:
            for record in font["name"].names:
                if record.nameID in (1, 16):
                    try:
                        names.add(record.toUnicode().casefold())
                    except UnicodeDecodeError:
                        continue
            codes = sorted(font.getBestCmap() or {})
    except Exception:  # a font fontTools cannot read (a WOFF2 without brotli, say)
        return None
    ranges: list[tuple[int, int]] = []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    return sorted(names), ranges


def _coverage_json(names: list[str], ranges: list[tuple[int, int]]) -> bytes:
    return json.dumps({"names": names, "ranges": ranges}).encode("utf-8")


def _coverage_of(entry: bytes | None) -> _Coverage | None:
    """A font's coverage as the user's cache keeps it; None for none, or for an entry that
    is not as `_coverage_json` writes it."""
    if entry is None:
        return None
    try:
        data = json.loads(entry)
        names, ranges = data["names"], data["ranges"]
        if all(isinstance(name, str) for name in names) and all(
                type(first) is int and type(last) is int and 0 <= first <= last <= 0x10FFFF
                for first, last in ranges):
            return list(names), [(first, last) for first, last in ranges]
    except (ValueError, KeyError, TypeError):
        pass
    return None


# An issue longer than its house style allows. A style made to be printed on one sheet
# (`pages: 2` in its style.yml) says so, and an issue that runs over must not go out
# unnoticed. After layout, the parts of the issue (the children of <main>, each article a
# box, and anything else in the body) are found on each page. Those on the pages beyond the
# budget are named, the first being the box that runs onto the first page too many, with
# how much too long the issue is: how deep the pages beyond are filled, less the room left at
# the foot of the last page allowed. A part that reaches past the foot of a page is named
# too: such a style may keep its boxes unbreakable (an inline block), and one taller than a
# page is cut off.

#: The code of the warning of an issue that runs past its house style's pages.
OVERFLOW = "overflow"
_MM_PER_PX = 25.4 / 96  # WeasyPrint lays out in CSS pixels
_HEADINGS = ("h2", "h3", "h4", "h1")
_POSITIONED = ("absolute", "fixed")
#: Boxes named after the first one, at most; the rest are counted.
_MAX_NAMED = 3
#: How far past the foot of a page a box may reach unnoticed (rounding), in CSS pixels.
_SLACK = 1.0


@dataclass(frozen=True)
class _Placed:
    """A box of a part of the issue, laid out: the part's name, its page (from 1), the
    bottom of its border box and of its margin (which the line of boxes it stands in takes
    room for), and the height of a line of its text, in CSS pixels."""

    name: str
    page: int
    bottom: float
    end: float
    line: float


def _overflow_warnings(document: Any, budget: int | None) -> list[str]:
    """If the house style allows `budget` pages: a warning naming the box that runs past
    them, and by how much, and one for each box cut off at the foot of a page."""
    if budget is None:
        return []
    placed = _placed_parts(document)
    warnings = _cut_off(document, placed)
    if len(document.pages) > budget:
        warnings.append(_past_the_budget(document, placed, budget))
    return warnings


def _past_the_budget(document: Any, placed: list[_Placed], budget: int) -> str:
    """The warning of an issue longer than `budget` pages: the box that runs onto the next
    page, those after it, and how much too long the issue is."""
    allowed = f"past the {budget} page{'s' if budget != 1 else ''} its house style allows"
    beyond = [box for box in placed if box.page > budget]
    if not beyond:
        return f"the issue runs onto page {budget + 1}, {allowed}; shorten it"
    names = list(dict.fromkeys(box.name for box in beyond))
    followers = names[1:1 + _MAX_NAMED] + ([f"{len(names) - 1 - _MAX_NAMED} more"]
                                           if len(names) > 1 + _MAX_NAMED else [])
    after = f", with {_and(followers)} after it" if followers else ""
    cut = "the boxes" if followers else "it, or the boxes before it,"
    too_long = _size(_too_long(document, placed, budget), beyond[0].line)
    return (f"{_box(names[0])} runs onto page {beyond[0].page}, {allowed}{after}: the issue is "
            f"about {too_long} too long; shorten {cut} by that much")


def _too_long(document: Any, placed: list[_Placed], budget: int) -> float:
    """How much shorter the issue must be to fit `budget` pages, about: how deep the pages
    after them are filled, less the room left at the foot of the last (none below a box
    that is cut off there)."""
    depth = sum(_depth(document, placed, number)
                for number in range(budget + 1, len(document.pages) + 1))
    room = max(_foot(document, budget) - _foot(document, budget, top=True)
               - _depth(document, placed, budget), 0.0)
    return max(depth - room, 1.0)


def _cut_off(document: Any, placed: list[_Placed]) -> list[str]:
    """A warning for each part that reaches past the foot of a page."""
    found: dict[str, str] = {}
    for box in placed:
        over = box.bottom - _foot(document, box.page)
        if over > _SLACK and box.name not in found:
            found[box.name] = (f"{_box(box.name)} is taller than a page, so "
                               f"{_size(over, box.line)} of it is cut off at the foot of page "
                               f"{box.page}; shorten it, or make it two boxes, each with a "
                               "heading")
    return list(found.values())


def _placed_parts(document: Any) -> list[_Placed]:
    """Every box of a part of the issue, page by page, in reading order. The parts are the
    children of <main> (the articles, each a box) and the other children of <body>."""
    root = document.pages[0]._page_box.children[0].element
    body = next(root.iter("body"), root)
    main = next(body.iter("main"), None)
    parts = {id(element): element for element in
             [*(main if main is not None else []), *(child for child in body if child is not main)]}
    return [_Placed(_part_name(box.element), number,
                    box.position_y + box.margin_top + box.border_height(),
                    box.position_y + box.margin_height(), _line_height(box))
            for number, page in enumerate(document.pages, start=1)
            for box in _flow_boxes(page._page_box.children[0], parts)]


def _foot(document: Any, number: int, top: bool = False) -> float:
    """The foot (or with `top`, the top) of the area the content of page `number` (from 1)
    is laid out in."""
    page = document.pages[number - 1]._page_box
    return float(page.content_box_y() + (0 if top else page.height))


def _depth(document: Any, placed: list[_Placed], number: int) -> float:
    """How deep page `number` is filled, from the top of its content area."""
    ends = [box.end for box in placed if box.page == number]
    return max(ends) - _foot(document, number, top=True) if ends else 0.0


def _size(pixels: float, line: float) -> str:
    lines = math.ceil(pixels / line)
    return f"{math.ceil(pixels * _MM_PER_PX)} mm ({lines} line{'s' if lines != 1 else ''})"


def _flow_boxes(root: Any, parts: dict[int, Any]) -> Iterator[Any]:
    """The outermost boxes of `parts` (elements, by id) under `root`, in reading order;
    positioned boxes (the draft mark, repeated on every page) take no room in the flow and
    are passed over."""
    pending = [root]
    while pending:
        box = pending.pop()
        if isinstance(box, AbsolutePlaceholder) or box.style["position"] in _POSITIONED:
            continue
        if id(getattr(box, "element", None)) in parts:
            yield box
            continue
        pending.extend(reversed(getattr(box, "children", None) or []))


def _part_name(element: Any) -> str:
    """A part of the issue as its writer knows it: its heading, quoted, or else the text it
    begins with."""
    for tag in _HEADINGS:
        heading = next(element.iter(tag), None)
        if heading is not None:
            return f"'{' '.join(''.join(heading.itertext()).split())}'"
    text = " ".join("".join(element.itertext()).split())
    return f"the text beginning '{text[:40]}{'…' if len(text) > 40 else ''}'"


def _box(name: str) -> str:
    return f"the box {name}" if name.startswith("'") else name


def _line_height(box: Any) -> float:
    """The height of a line of the box's text, in CSS pixels."""
    size, height = float(box.style["font_size"]), box.style["line_height"]
    if height == "normal":
        return size * 1.2
    if isinstance(height, int | float):  # a number: times the font size
        return float(height) * size
    return float(height.value)  # a length, computed in pixels


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _text_boxes(document: Any) -> Iterator[Any]:
    """The text boxes of every page, in reading order, without recursion (a page may nest
    deeper than Python's stack)."""
    pending = [page._page_box for page in reversed(document.pages)]
    while pending:
        box = pending.pop()
        if isinstance(box, AbsolutePlaceholder):
            box = box._box
        if isinstance(box, boxes.TextBox):
            yield box
        pending.extend(reversed(getattr(box, "children", None) or []))
