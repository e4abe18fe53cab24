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
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from publisher.errors import Problem

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
# and in raw HTML from the elements left open.

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
    for index, line in enumerate(text.split("\n")):
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


def image_problem(path: Path, shown: str) -> str | None:
    """Why the image file at `path` is too big to use, or None (also for a file that is not
    an image publisher knows: WeasyPrint reports those)."""
    suffix = path.suffix.lower()
    if suffix not in IMAGE_SUFFIXES:
        return None
    size = path.stat().st_size
    if size > MAX_IMAGE_BYTES:
        return (f"{shown} is {size_in_words(size)}, more than the "
                f"{size_in_words(MAX_IMAGE_BYTES)} an image may be; save it smaller (2,000 "
                "pixels across is plenty for a page), as a JPEG if it is a photograph")
    if suffix not in RASTER_SUFFIXES:
        return None
    pixels, dimensions = _pixels(path)
    if pixels is not None and pixels > MAX_IMAGE_PIXELS:
        return (f"{shown} is {dimensions}, more than the {MAX_IMAGE_PIXELS // 1_000_000} "
                "million pixels an image may have; save it smaller (2,000 pixels across is "
                "plenty for a page)")
    return None


def _pixels(path: Path) -> tuple[int | None, str]:
    """The pixel count of a raster image and its size in words, from its header alone."""
    from PIL import Image  # only when a page has an image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                width, height = image.size
    except Image.DecompressionBombError as bomb:  # over twice Pillow's own cap
        found = re.search(r"\((\d+) pixels\)", str(bomb))
        pixels = int(found[1]) if found else MAX_IMAGE_PIXELS + 1
        return pixels, f"{_millions(pixels)} pixels"
    except (OSError, ValueError, SyntaxError):  # not an image Pillow reads
        return None, ""
    return width * height, f"{width:,} x {height:,} pixels ({_millions(width * height)})"


def _millions(pixels: int) -> str:
    """Millions of pixels, rounded up to a tenth."""
    tenths = math.ceil(pixels / 100_000)
    return f"{tenths // 10:,} million" if tenths % 10 == 0 else f"{tenths / 10:,.1f} million"
