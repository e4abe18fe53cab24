"""How big and how deep the sources may be.

Each cap is generous for a real bulletin and well below where a tool publisher uses fails,
takes minutes, or could be made to fill the memory; a source over a cap is an error that
names the file, the line where it can, what was found, the cap, and what to do. The depths
at which the tools fail were measured with WeasyPrint 70, Python-Markdown 3.11 and PyYAML
6.0 (libyaml 0.2) on the sample house styles; `tests/test_limits.py` keeps the checks.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from publisher.errors import Problem
from publisher.listnesting import nest_lists

KB = 1024
MB = 1024 * KB

#: An issue's file: front matter and Markdown body. The longest sample issue is 7 KB; a
#: file this big is nearly always a picture pasted into the text as a data: address.
MAX_ISSUE_BYTES = 1 * MB
#: A YAML file (site.yml, a series.yml, a block, a kind's _kind.yml) and an issue's front
#: matter. The largest sample block is 5 KB.
MAX_YAML_BYTES = 256 * KB
#: Lists and groups of keys inside one another in YAML (a block file uses 5 levels).
#: Reading fails from about 1,000 levels (RecursionError), and libyaml's composer crashes
#: the whole process (its C stack overflows) between 10,000 and 30,000 levels, which 256 KB
#: of '[' reach, and libyaml's scanner slows with the square of the depth (0.4 s for 10,000
#: levels, a minute for 128,000): the data is built from the parser's events, never
#: composed, with the depth counted as it goes, and reading stops at the first level too deep.
MAX_YAML_DEPTH = 40
#: Quotations and lists inside one another in Markdown (`> > >`, items indented under
#: items). WeasyPrint 70's layout is recursive: a page fails (RecursionError) at 133
#: quotations (132 pass), 94 lists (92 pass; each level is a list and an item) or 140 HTML
#: <div>s (130 pass) inside one another. Long before that the time goes: building a small
#: newsletter issue takes 2 s with 5 quotations, 4 s with 12, 15 s with 20 and 50 s with 30;
#: 3 s with 10 lists, 10 s with 20, 70 s with 60 and 200 s with 92. From about 12 levels
#: the newsletter's column has no room left, and the text stands a letter or two to the
#: line. Real bulletins use 2 or 3.
MAX_NESTING = 10
#: Elements of raw HTML inside one another (a table in a figure in a <div> is 6).
#: WeasyPrint fails at 140 plain <div>s (see MAX_NESTING); their <blockquote>, <ul> and
#: <ol> also count as quotations and lists, against MAX_NESTING.
MAX_HTML_NESTING = 30
#: An image file, and the pixels of a PNG, JPEG, GIF or WebP (read from its header only,
#: so a small file that would decode into gigabytes, a decompression bomb, is refused
#: before it is opened). A photo from a phone is 3 to 8 MB and 12 to 50 million pixels;
#: a page of print needs no more than about 9 million (2,480 x 3,508 at 300 dpi).
MAX_IMAGE_BYTES = 20 * MB
MAX_IMAGE_PIXELS = 50_000_000

RASTER_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp"})
IMAGE_SUFFIXES = RASTER_SUFFIXES | {".svg"}


def size_in_words(size: int) -> str:
    """A file size as Windows shows it (1 KB = 1,024 bytes), rounded up, so that a file
    over a cap never reads as the cap itself."""
    if size < MB:
        return f"{max(1, math.ceil(size / KB))} KB"
    tenths = math.ceil(size * 10 / MB)
    return f"{tenths // 10} MB" if tenths % 10 == 0 else f"{tenths / 10:.1f} MB"


def file_too_big(size: int, cap: int) -> str:
    """What to say of a source file of `size` bytes, over `cap`."""
    if cap == MAX_ISSUE_BYTES:
        return (f"the file is {size_in_words(size)}, more than the {size_in_words(cap)} an "
                "issue may be; if a picture is pasted into the text (an address starting "
                "'data:'), save it as a file beside the issue and use its name; otherwise "
                "split the issue in two")
    return (f"the file is {size_in_words(size)}, more than the {size_in_words(cap)} "
            "publisher reads in a file of settings or blocks; shorten it, or split it in two "
            "(a block into several blocks)")


def front_matter_too_big(size: int) -> str:
    return (f"the front matter is {size_in_words(size)}, more than the "
            f"{size_in_words(MAX_YAML_BYTES)} publisher reads; shorten it (the text of the "
            "issue goes after the closing '---')")


YAML_TOO_DEEP = (f"lists and keys are nested more than {MAX_YAML_DEPTH} deep here, one inside "
                 "another; publisher reads at most that many levels; write them less deep")


# Nesting in Markdown: counted on each line from the markers that open quotations and list
# items, as Python-Markdown reads them (a nested item is indented 4 spaces under its parent),
# on the lines as the renderer gives them to it: with lists indented 2 or 3 spaces a level
# re-indented to 4 (publisher.listnesting.nest_lists); and in raw HTML from the elements left
# open.

_LIST_MARKER = re.compile(r"(?:[*+-]|\d+\.) +")
_RULE = re.compile(r" {0,3}(?:(?:- *){3,}|(?:\* *){3,}|(?:_ *){3,})$")
_TAG_NAME = re.compile(r"^[a-z][a-z0-9-]*$")
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "param", "source", "track", "wbr"})
#: An element whose end tag may be left out is closed by the start of these.
_CLOSED_BY = {"li": {"li"}, "dt": {"dt", "dd"}, "dd": {"dt", "dd"}, "p": {"p"},
              "tr": {"tr", "td", "th"}, "td": {"td", "th"}, "th": {"td", "th"},
              "thead": {"thead", "tbody", "tr", "td", "th"},
              "tbody": {"thead", "tbody", "tr", "td", "th"}, "option": {"option"}}
_QUOTES = frozenset({"blockquote"})
_LISTS = frozenset({"ul", "ol", "dl"})


@dataclass
class _Deepest:
    """The deepest point of one kind of nesting: its depth, line and what it is made of."""

    depth: int = 0
    line: int = 0
    quotes: int = 0
    lists: int = 0

    def consider(self, line: int, quotes: int, lists: int) -> None:
        if quotes + lists > self.depth:
            self.depth, self.line, self.quotes, self.lists = quotes + lists, line, quotes, lists


def markdown_containers(line: str) -> tuple[int, int]:
    """The quotations and list items a line of Markdown stands in, by its own markers."""
    quotes = lists = 0
    rest = line.expandtabs(4)
    while True:
        stripped = rest.lstrip(" ")
        indent = len(rest) - len(stripped)
        if _RULE.match(rest):  # '- - -' is a horizontal rule, not three lists
            break
        if stripped.startswith(">"):
            quotes += 1
            rest = stripped[1:]
            rest = rest[1:] if rest.startswith(" ") else rest
            continue
        marker = _LIST_MARKER.match(stripped)
        if marker and stripped[marker.end():].strip():
            lists += indent // 4 + 1
            rest = stripped[marker.end():]
            continue
        break
    return quotes, lists


class _HtmlNesting(HTMLParser):
    """The elements of raw HTML open on each line: all of them, and the quotations and lists
    among them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.elements = _Deepest()
        self.containers = _Deepest()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not _TAG_NAME.match(tag) or tag in _VOID:
            return
        closes = _CLOSED_BY.get(tag, set())
        while self.stack and self.stack[-1] in closes:
            self.stack.pop()
        self.stack.append(tag)
        line = self.getpos()[0]
        self.elements.consider(line, 0, len(self.stack))
        if tag in _QUOTES or tag in _LISTS:
            self.containers.consider(line, sum(t in _QUOTES for t in self.stack),
                                     sum(t in _LISTS for t in self.stack))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack.pop() != tag:
                pass


def nesting_problems(text: str, shown: str, first_line: int) -> list[Problem]:
    """Quotations and lists, and elements of raw HTML, nested deeper than publisher lays out,
    in Markdown `text` that starts on line `first_line` of `shown`: one problem for each,
    at its deepest line."""
    markdown = _Deepest()
    for index, line in enumerate(nest_lists(text.expandtabs(4).split("\n"))):
        markdown.consider(index + 1, *markdown_containers(line))
    html = _HtmlNesting()
    if "<" in text:
        try:
            html.feed(text)
            html.close()
        except Exception:  # an HTML parser's complaint is not ours to report
            pass
    problems = []
    containers = max(markdown, html.containers, key=lambda deepest: deepest.depth)
    if containers.depth > MAX_NESTING:
        what = ("quotes and lists" if containers.quotes and containers.lists
                else "quotes" if containers.quotes else "lists")
        advice = {"quotes": "use fewer '>' at the start of the line",
                  "lists": "indent the deepest items less",
                  "quotes and lists": "use fewer '>', or indent the items less"}[what]
        problems.append(Problem(shown, first_line + containers.line - 1,
                                f"{what} nested {containers.depth} deep, one inside another; "
                                f"publisher allows at most {MAX_NESTING}; {advice}"))
    if html.elements.depth > MAX_HTML_NESTING:
        problems.append(Problem(shown, first_line + html.elements.line - 1,
                                f"HTML elements nested {html.elements.depth} deep, one inside "
                                f"another; publisher allows at most {MAX_HTML_NESTING}; close "
                                "each element (</div>) before the next one opens, or put fewer "
                                "inside one another"))
    return problems


#: How much an issue may ask to be laid out: its text, and the elements and table rows its
#: Markdown makes (with the blocks it places). Each is generous for a bulletin: the longest
#: real one we hold is 20 KB of text with about 200 elements and a table of 12 rows. Beyond
#: them the time goes. Building a published issue (both PDF copies) at each cap took, with
#: WeasyPrint 70 on one core of the machines we test on: 100,000 characters of prose (30
#: pages) 9.6 s; 1,000 list items 8.8 s, 1,000 paragraphs 5.1 s, 1,000 subheadings 7.0 s,
#: 300 articles 8.6 s (an article's heading is counted as the four elements it makes: a
#: section, its heading, its line in "In this issue" and its PDF bookmark); 300 table rows
#: 6.4 s. Python-Markdown reads about 15,000 elements a second. An issue of 50,000 table
#: rows (700 KB, under the 1 MB cap) ran for over 20 minutes before these caps.
MAX_TEXT_CHARACTERS = 100_000
MAX_ELEMENTS = 1_000
MAX_TABLE_ROWS = 300
#: A word with no space to break the line at: print.css breaks it where it must, so that it
#: does not run off the page, but WeasyPrint's time for that grows faster than the square
#: of the word's length (+0.1 s for 500 characters, +0.7 s for 1,000, over 2 minutes for
#: 20,000). A web address is seldom over 200 characters.
MAX_WORD_CHARACTERS = 500
#: The elements an article's heading (`# Heading`) makes; see MAX_ELEMENTS.
ARTICLE_ELEMENTS = 4

_TABLE_DELIMITER = re.compile(r"^ {0,3}\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_BLOCK_START = re.compile(r"^ *(?:#{1,6}(?:\s|$)|>|(?:[*+-]|\d+[.)])\s)")
_ARTICLE_HEADING = re.compile(r"^ {0,3}#(?:\s|$)")
_HTML_START = re.compile(r"<[A-Za-z]")
_DATA_ADDRESS = re.compile(r"data:[^\s)\"'>]*")
_INLINE_MARKS = re.compile(r"[*_`\[]")


@dataclass
class _Crossing:
    """A running count, and the line on which it first went over its cap."""

    cap: int
    count: int = 0
    line: int | None = None

    def add(self, amount: int, line: int) -> None:
        self.count += amount
        if self.line is None and self.count > self.cap:
            self.line = line


@dataclass(frozen=True)
class LayoutSize:
    """How much a Markdown text asks to be laid out (see MAX_TEXT_CHARACTERS)."""

    characters: int = 0
    elements: int = 0
    table_rows: int = 0
    #: The longest word: characters with no space between them.
    longest_word: int = 0

    def __add__(self, other: LayoutSize) -> LayoutSize:
        return LayoutSize(self.characters + other.characters, self.elements + other.elements,
                          self.table_rows + other.table_rows,
                          max(self.longest_word, other.longest_word))


def layout_size(text: str) -> tuple[LayoutSize, dict[str, int]]:
    """The size of Markdown `text`, counted line by line in linear time before anything is
    rendered, and the line (from 1) on which each measure first went over its cap.

    Elements are counted as Markdown will make them: a paragraph, heading, list item,
    quotation line or table row for each line that starts one (an article's heading makes
    four, see ARTICLE_ELEMENTS), an element for each HTML
    start tag, and one for each pair of inline marks (`*`, `_`, `` ` ``, `[`). Pictures
    pasted in as data: addresses are not text.
    """
    characters = _Crossing(MAX_TEXT_CHARACTERS)
    elements = _Crossing(MAX_ELEMENTS)
    rows = _Crossing(MAX_TABLE_ROWS)
    longest = _Crossing(MAX_WORD_CHARACTERS)
    lines = text.split("\n")
    in_table = False
    previous_blank = True
    for number, line in enumerate(lines, start=1):
        blank = not line.strip()
        if blank:
            in_table = False
        elif (_TABLE_DELIMITER.match(line) and not previous_blank
              and "|" in line + lines[number - 2]):  # not a heading underlined with ---
            in_table = True
        elif in_table:
            rows.add(1, number)
        html_rows = line.lower().count("<tr")
        if html_rows:
            rows.add(html_rows, number)
        words = _DATA_ADDRESS.sub("", line).split()
        characters.add(len(" ".join(words)), number)
        word = max(map(len, words), default=0)
        if word > longest.count:
            longest.add(word - longest.count, number)
        starts = 0 if blank else int(previous_blank or in_table or bool(_BLOCK_START.match(line)))
        if _ARTICLE_HEADING.match(line):
            starts = ARTICLE_ELEMENTS
        marks = len(_INLINE_MARKS.findall(line)) // 2
        elements.add(starts + len(_HTML_START.findall(line)) + marks, number)
        previous_blank = blank
    crossed = {name: measure.line for name, measure in
               (("characters", characters), ("elements", elements), ("table rows", rows),
                ("word", longest))
               if measure.line is not None}
    return LayoutSize(characters.count, elements.count, rows.count, longest.count), crossed


#: The measures of a text, the one that says most about what to change first: a text over
#: several caps is told of one (a table of 50,000 rows is over all four).
_MEASURES = ("table rows", "word", "elements", "characters")


def size_problems(text: str, shown: str, first_line: int) -> list[Problem]:
    """A problem if Markdown `text` (starting on line `first_line` of `shown`) is over one of
    the caps, at the line where it went over: the first of `_MEASURES` it is over."""
    size, crossed = layout_size(text)
    over = [measure for measure in _MEASURES if measure in crossed]
    return [Problem(shown, first_line + crossed[over[0]] - 1, too_much(over[0], size))
            ] if over else []


def markdown_problems(text: str, shown: str, first_line: int) -> list[Problem]:
    """Markdown `text` nested deeper, or bigger, than publisher lays out (see the caps); a
    text nested too deep is told of that alone."""
    return (nesting_problems(text, shown, first_line)
            or size_problems(text, shown, first_line))


def issue_size_problems(shown: str, body: str, blocks: list[Any]) -> list[Problem]:
    """A problem for each measure over its cap in an issue's `body` with the content of the
    `blocks` it places (each text and markdown field counted as Markdown), when neither is
    over it alone (that is said where it is, with its line)."""
    if not blocks:
        return []
    size = layout_size(body)[0]
    for values in blocks:
        size += sum((layout_size(text)[0] for text in _texts(values)), LayoutSize())
    over = [measure for measure, count, cap in (
        ("table rows", size.table_rows, MAX_TABLE_ROWS),
        ("elements", size.elements, MAX_ELEMENTS),
        ("characters", size.characters, MAX_TEXT_CHARACTERS)) if count > cap]
    return [Problem(shown, None, too_much(over[0], size, "with the blocks it places, the issue"))
            ] if over else []


def _texts(value: Any) -> Iterator[str]:
    """Every string in a block version's values, however deep."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)


def too_much(measure: str, size: LayoutSize, whole: str = "") -> str:
    """What to say of a text (or, with `whole`, of an issue with its blocks) that has
    more of `measure` than publisher lays out."""
    what = whole or "the text"
    if measure == "word":
        return (f"{what} has a word of {size.longest_word:,} characters with no space in it, "
                f"more than the {MAX_WORD_CHARACTERS} publisher lays out; break it with spaces, "
                "or, for a web address, link to a shorter one (the page that lists it, say)")
    if measure == "table rows":
        return (f"{what} has {size.table_rows:,} table rows, more than the {MAX_TABLE_ROWS} "
                "publisher lays out in an issue; publish a table that long as a spreadsheet "
                "and link to it, or shorten it")
    if measure == "elements":
        return (f"{what} makes {size.elements:,} paragraphs, headings, list items and other "
                f"elements, more than the {MAX_ELEMENTS:,} publisher lays out in an issue; "
                "split it into two issues, or link to a document that holds the rest")
    return (f"{what} is {size.characters:,} characters long, more than the "
            f"{MAX_TEXT_CHARACTERS:,} (about 16,000 words) publisher lays out in an issue; "
            "split it into two issues, or link to a document that holds the rest")


def image_problems(path: Path, shown: str, site_root: Path,
                   named: Path | None = None) -> list[str]:
    """Why the image file at `path` cannot be used, or nothing if it can: too big, not the
    kind of image its name says (its content is checked, the first bytes for a raster
    image), or an SVG that holds more than a picture (see `publisher.svg`). `named` is the
    path the page uses, when `path` is reached through a symbolic link: its ending says what
    the file must be, and an SVG's references are followed from its folder. A file whose
    name is not an image's is not looked at."""
    name = named or path
    suffix = name.suffix.lower()
    if suffix not in IMAGE_SUFFIXES:
        return []
    size = path.stat().st_size
    if size > MAX_IMAGE_BYTES:
        return [f"{shown} is {size_in_words(size)}, more than the "
                f"{size_in_words(MAX_IMAGE_BYTES)} an image may be; save it smaller (2,000 "
                "pixels across is plenty for a page), as a JPEG if it is a photograph"]
    header = _raster_header(path)
    if suffix == ".svg":
        return _svg_problems(path, name, shown, site_root, header)
    if header.pixels is not None and header.pixels > MAX_IMAGE_PIXELS:
        return [f"{shown} is {header.dimensions}, more than the "
                f"{MAX_IMAGE_PIXELS // 1_000_000} million pixels an image may have; save it "
                "smaller (2,000 pixels across is plenty for a page)"]
    return _raster_problems(path, name, shown, header)


#: The raster images a page may show, as Pillow names them (an MPO is a phone camera's
#: JPEG), each with the ending of its name.
RASTER_FORMATS = {"PNG": ".png", "JPEG": ".jpg", "MPO": ".jpg", "GIF": ".gif", "WEBP": ".webp"}
_KINDS = {".png": "a PNG", ".jpg": "a JPEG", ".jpeg": "a JPEG", ".gif": "a GIF",
          ".webp": "a WebP", ".svg": "an SVG"}
_EXPORT_AGAIN = "save or export it again as PNG, JPEG or SVG"


@dataclass(frozen=True)
class _Header:
    """What Pillow reads of a file: its format (None if Pillow cannot read it), its pixels
    and their description, and whether the data after the header is damaged."""

    format: str | None = None
    pixels: int | None = None
    dimensions: str = ""
    damaged: bool = False


def _raster_problems(path: Path, name: Path, shown: str, header: _Header) -> list[str]:
    """A PNG, JPEG, GIF or WebP by its name that is not one of those in its content. (One
    of them under another's name is shown all the same, by browsers and WeasyPrint.)"""
    kind = _KINDS[name.suffix.lower()]
    if header.format is None:
        if _looks_like_svg(path):
            return [f"{shown} is not {kind} image (its content is an SVG picture); rename it "
                    f"{name.stem}.svg, and use that name in the issue"]
        return [f"{shown} is not {kind} image (its content is not an image publisher can "
                f"read); {_EXPORT_AGAIN}"]
    if header.format not in RASTER_FORMATS:
        return [f"{shown} is not {kind} image (its content is a {header.format} image, which "
                f"web browsers do not all show); {_EXPORT_AGAIN}"]
    if header.damaged:
        return [f"{shown} is damaged or cut short (its {header.format} data cannot be read "
                f"to the end); {_EXPORT_AGAIN}"]
    return []


def _svg_problems(path: Path, name: Path, shown: str, site_root: Path,
                  header: _Header) -> list[str]:
    """An SVG by its name that is a raster image in its content, or that has problems."""
    from publisher.svg import site_files, svg_problems

    if header.format is not None:
        ending = RASTER_FORMATS.get(header.format)
        advice = (f"rename it {name.stem}{ending}, and use that name in the issue" if ending
                  else _EXPORT_AGAIN)
        return [f"{shown} is not an SVG image (its content is a {header.format} image); "
                + advice]
    found = svg_problems(path.read_bytes(), site_files(name.parent, site_root))
    return [problem.message(shown) for problem in found]


def _looks_like_svg(path: Path) -> bool:
    with path.open("rb") as file:
        start = file.read(1024).lstrip(b"\xef\xbb\xbf \t\r\n")
    return start.startswith(b"<") and b"<svg" in start


def _raster_header(path: Path) -> _Header:
    """The format and pixels of a raster image from its header, and whether its data is
    whole (Pillow's verify: for a PNG, every chunk's checksum, without decompressing)."""
    from PIL import Image  # only when a page has an image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Pillow warns of odd files, which are reported
            with Image.open(path) as image:
                width, height = image.size
                pixels, found = width * height, image.format or "unknown"
                dimensions = f"{width:,} x {height:,} pixels ({_millions(pixels)})"
                if pixels > MAX_IMAGE_PIXELS:
                    return _Header(found, pixels, dimensions)
                try:
                    image.verify()
                except Exception:  # a damaged file: Pillow's plugins raise many kinds
                    return _Header(found, pixels, dimensions, damaged=True)
                return _Header(found, pixels, dimensions)
    except Image.DecompressionBombError as bomb:  # over twice Pillow's own cap
        number = re.search(r"\((\d+) pixels\)", str(bomb))
        pixels = int(number[1]) if number else MAX_IMAGE_PIXELS + 1
        return _Header(None, pixels, f"{_millions(pixels)} pixels")
    except Exception:  # not an image Pillow reads; its plugins raise many kinds on odd bytes
        return _Header()


def _millions(pixels: int) -> str:
    """Millions of pixels, rounded up to a tenth."""
    tenths = math.ceil(pixels / 100_000)
    return f"{tenths // 10:,} million" if tenths % 10 == 0 else f"{tenths / 10:,.1f} million"
