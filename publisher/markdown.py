"""Markdown to HTML: the body of an issue, with the structure a bulletin needs.

Authors write `# Heading` for each article; it becomes an `<h2>` (the issue title is the
page's only `<h1>`) and the article a `<section>`. Classes written on a heading
(`# If you have concerns about a child {.panel}`) style the whole article. A line that
places a block is replaced by the block's HTML, rendered beforehand; a block with a heading
of its own stands as an article.

Raw HTML that an author writes among the text is cleaned where Python-Markdown keeps it
aside (its stash), by `publisher.sanitise`; the HTML of placed blocks, which publisher makes
itself from its templates, is stashed as it is (see `SafeHtmlExtension`).
"""

from __future__ import annotations

import functools
import html
import re
import xml.etree.ElementTree as etree
from collections import deque
from collections.abc import Sequence
from copy import deepcopy
from dataclasses import dataclass
from typing import Any

import markdown
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.extensions.footnotes import NBSP_PLACEHOLDER
from markdown.extensions.toc import slugify_unicode
from markdown.inlinepatterns import AUTOMAIL_RE, HTML_RE, HtmlInlineProcessor, InlineProcessor
from markdown.preprocessors import HtmlBlockPreprocessor, Preprocessor
from markdown.treeprocessors import InlineProcessor as MarkdownInlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from publisher.components import ComponentsExtension
from publisher.listnesting import nest_lists
from publisher.sanitise import (
    ALLOWED_TAGS,
    URL_ATTRIBUTES,
    clean_html,
    clean_tag,
    element_end,
    element_removal,
    hidden_marker,
    tag_parts,
    unsafe_scheme,
)

ARTICLE_TAG = "h2"
WEB_SCHEMES = ("http://", "https://")
FRAGMENT_EXTENSIONS = ["tables", "attr_list", "sane_lists", "smarty"]
@dataclass(frozen=True)
class Section:
    """An article of the issue: the id of its heading and the heading's text."""

    anchor: str
    title: str


@dataclass(frozen=True)
class EmbeddedBlock:
    """A block's HTML, to stand in the body where the line `line` places it."""

    line: str
    html: str
    anchor: str | None = None
    title: str | None = None
    source_line: int | None = None


@dataclass(frozen=True)
class RenderedBody:
    html: str
    sections: list[Section]
    images: list[str]
    unplaced: list[EmbeddedBlock]


def render_markdown(text: str, blocks: Sequence[EmbeddedBlock] = ()) -> RenderedBody:
    """Turn an issue's Markdown body into HTML sections and the list of its articles."""
    articles = ArticleExtension(blocks)
    converter = markdown.Markdown(
        extensions=[*FRAGMENT_EXTENSIONS, "footnotes", "toc", LinearInlineExtension(),
                    ComponentsExtension(), SafeHtmlExtension(), LinkExtension(),
                    TableExtension(), NestedListExtension(), FootnoteExtension(), articles],
        extension_configs={"toc": {"baselevel": 2, "slugify": slugify_unicode}},
        output_format="html",
    )
    html = converter.convert(text)
    unplaced = [block for queue in articles.pending.values() for block in queue]
    return RenderedBody(html=html, sections=articles.sections, images=articles.images,
                        unplaced=unplaced)


@functools.lru_cache(maxsize=4096)
def render_fragment(text: str) -> str:
    """A block's Markdown field as HTML: paragraphs, lists, tables, links.

    Remembered: the same block shows the same fields in issue after issue.
    """
    converter = _fragment_converter()
    converter.reset()
    return converter.convert(text)


def render_inline(text: str) -> str:
    """A one-line Markdown field as HTML without a surrounding paragraph."""
    fragment = render_fragment(text)
    if fragment.startswith("<p>") and fragment.endswith("</p>") and fragment.count("<p>") == 1:
        return fragment[3:-4]
    return fragment


@functools.cache
def _fragment_converter() -> markdown.Markdown:
    return markdown.Markdown(extensions=[*FRAGMENT_EXTENSIONS, LinearInlineExtension(),
                                         ComponentsExtension(), SafeHtmlExtension(),
                                         LinkExtension(), TableExtension(),
                                         NestedListExtension()],
                             output_format="html")


class NestedListExtension(Extension):
    """Lists nested as writers indent them: by 2 spaces (or 3, after `1. `), as Word, most
    Markdown editors and CommonMark do, as well as by Python-Markdown's 4."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # Priority 15: after tabs are spaces (30) and raw HTML blocks are stashed (20), so
        # the lines of HTML are left alone.
        md.preprocessors.register(NestedLists(md), "nested_lists", 15)


class NestedLists(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        return nest_lists(lines)


class LinearInlineExtension(Extension):
    """Python-Markdown's inline tree processor, in time proportional to the page.

    Python-Markdown 3.11 looks up each element's place among its siblings with
    `list.index` and takes its work queue from the front of a list, so a list of 30,000
    items or a table of 50,000 rows took minutes (the work grows with the square of the
    elements side by side). This is the same processor with the place counted as it goes
    and a deque for the queue: the same output, in linear time. The caps of
    `publisher.limits` bound what it is given.
    """

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # The smarty extension (typographic quotes) runs a second one, of its own patterns.
        for name, priority in (("inline", 20), ("smarty", 6)):
            if name in md.treeprocessors:
                linear = LinearInlineProcessor(md)
                linear.inlinePatterns = md.treeprocessors[name].inlinePatterns  # type: ignore
                md.treeprocessors.register(linear, name, priority)


class LinearInlineProcessor(MarkdownInlineProcessor):
    """`markdown.treeprocessors.InlineProcessor.run`, without its quadratic steps."""

    def run(self, tree: etree.Element, ancestors: list[str] | None = None) -> etree.Element:
        self.stashed_nodes: dict[str, etree.Element | str] = {}
        handle = self._InlineProcessor__handleInline  # type: ignore[attr-defined]
        placeholders = self._InlineProcessor__processPlaceholders  # type: ignore[attr-defined]
        tree_parents = [] if ancestors is None else ancestors[:]
        self.parent_map = {child: parent for parent in tree.iter() for child in parent}
        self._InlineProcessor__build_ancestors(tree, tree_parents)  # type: ignore[attr-defined]
        stack: deque[tuple[etree.Element, list[str]]] = deque([(tree, tree_parents)])
        while stack:
            element, parents = stack.popleft()
            self.ancestors = parents
            if element is not tree:
                self.ancestors.append(element.tag.lower())
            queue = []
            index = 0
            while index < len(element):  # elements inserted after `child` are visited too
                child = element[index]
                if child.text and not isinstance(child.text, AtomicString):
                    self.ancestors.append(child.tag.lower())
                    text, child.text = child.text, None
                    found = placeholders(handle(text), child)
                    for item in found:
                        self.parent_map[item[0]] = child
                    stack.extend(found)
                    queue.append((child, found))
                    self.ancestors.pop()
                if child.tail:
                    tail = handle(child.tail)
                    holder = etree.Element("d")
                    child.tail = None
                    after = placeholders(tail, holder, False)
                    if holder.tail:
                        child.tail = holder.tail
                    for offset, item in enumerate(after, start=1):
                        self.parent_map[item[0]] = element
                        element.insert(index + offset, item[0])
                if len(child):
                    self.parent_map[child] = element
                    stack.append((child, self.ancestors[:]))
                index += 1
            for parent, found in queue:
                for position, item in enumerate(found):
                    parent.insert(position, item[0])
        return tree


class SafeHtmlExtension(Extension):
    """Only what `publisher.sanitise` allows, from what an author writes.

    Python-Markdown keeps raw HTML aside in its stash and puts it back at the end. The
    author's raw HTML enters the stash in two places, and is cleaned as it does: a block of
    HTML (`SafeHtmlBlocks`) and a tag among the text (`SafeInlineHtml`). The stash also
    holds HTML that is not the author's, and that is stored as it is: the entities and
    typographic quotes Markdown writes, and the HTML of each placed block
    (`BlockPlacements`), which our own block templates make, from Markdown fields that
    `render_fragment` has already cleaned. Markdown's own elements lose unsafe addresses,
    and what an attribute list (`{: onclick=...}`) gives them that could run a script,
    restyle the page or hide text (`SafeElements`).
    """

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.register(SafeHtmlBlocks(md), "html_block", 20)
        md.inlinePatterns.register(SafeInlineHtml(HTML_RE, md), "html", 90)
        # Priority 7: after the inline patterns (20) and attribute lists (8), before the
        # table of contents (5) reads the headings.
        md.treeprocessors.register(SafeElements(md), "safe_elements", 7)


class SafeHtmlBlocks(HtmlBlockPreprocessor):
    """Blocks of raw HTML, stashed by Python-Markdown, cleaned. A block left empty (a
    comment, a script) leaves no trace, not even an empty paragraph."""

    def run(self, lines: list[str]) -> list[str]:
        stash = self.md.htmlStash
        first = stash.html_counter
        lines = super().run(lines)
        emptied = []
        for index in range(first, stash.html_counter):
            cleaned = clean_html(str(stash.rawHtmlBlocks[index]))
            stash.rawHtmlBlocks[index] = cleaned
            if not cleaned.strip():
                emptied.append(stash.get_placeholder(index))
        for placeholder in emptied:
            lines = [line.replace(placeholder, "") for line in lines]
        return lines


class SafeInlineHtml(HtmlInlineProcessor):
    """A tag written among the text, cleaned. An element that is removed whole (a script,
    hidden text) is removed up to its end tag, with the text and Markdown inside it; a
    comment goes; a tag the allow-list does not know goes, leaving the text around it."""

    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[str, int, int]:
        raw = self.backslash_unescape(self.unescape(m.group(1)))
        parts = tag_parts(raw)
        if parts is None:  # a comment, a processing instruction, CDATA
            return "", m.start(0), m.end(0)
        tag, attributes, closing = parts
        if closing:
            kept = f"</{tag}>" if tag in ALLOWED_TAGS else ""
        elif element_removal(tag, attributes) is not None:
            return "", m.start(0), element_end(data, tag, m.end(0))
        else:
            kept = clean_tag(raw, tag)
        return (self.md.htmlStash.store(kept) if kept else ""), m.start(0), m.end(0)


class SafeElements(Treeprocessor):
    """Markdown's own elements: links and images whose address has an unsafe scheme lose
    it (`[x](javascript:...)`); event handlers and `style` attributes go, and a hidden
    element goes whole (both can come from an attribute list); a paragraph left empty by
    what was removed goes too."""

    def run(self, root: etree.Element) -> None:
        for parent in list(root.iter()):
            for child in list(parent):
                if hidden_marker(list(child.attrib.items())) or (
                        child.tag == "p" and not (child.text or "").strip() and not len(child)):
                    _remove_element(parent, child)
                    continue
                for name, value in list(child.attrib.items()):
                    lowered = name.lower()
                    image = child.tag == "img" and lowered == "src"
                    if lowered.startswith("on") or lowered == "style" or (
                            lowered in URL_ATTRIBUTES
                            and unsafe_scheme(html.unescape(value), image=image)):
                        del child.attrib[name]


def _remove_element(parent: etree.Element, child: etree.Element) -> None:
    """Remove `child`, keeping the text that follows it (but not doubling white space)."""
    index = list(parent).index(child)
    before = (parent[index - 1].tail if index else parent.text) or ""
    tail = child.tail or ""
    if not tail.strip() and (not before or before[-1:].isspace()):
        tail = ""
    if index:
        parent[index - 1].tail = before + tail
    else:
        parent.text = before + tail
    parent.remove(child)


class LinkExtension(Extension):
    """Plain mailto links and printable link addresses."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # Replaces the built-in pattern, which hides addresses behind random-looking entities.
        md.inlinePatterns.register(PlainEmailLink(AUTOMAIL_RE, md), "automail", 110)
        md.treeprocessors.register(LinkAddresses(md), "link_addresses", 3)


class TableExtension(Extension):
    """Tables that screen readers can follow, and that fit a phone's screen."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # Priority 2: after the articles' sections (4) are made.
        md.treeprocessors.register(TableHeaders(md), "table_headers", 2)


class FootnoteExtension(Extension):
    """Footnotes at the foot of the printed page, and a list of notes on screen.

    Python-Markdown's footnotes extension gives each reference (`text[^1]`) a superscript
    link and lists the notes at the end of the body, each with a back-arrow. That list
    suits a screen; on paper a note belongs at the foot of the page that cites it, which
    WeasyPrint lays out (CSS `float: footnote`) from an element standing where the note is
    cited. So `PrintedNotes` gives each note a copy at its first reference, shown in print
    only, and makes the list a headed section of notes for the screen only (print.css and
    base.css do the showing and hiding)."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # Priority 4.5: after the footnotes extension has made its list and its duplicate
        # back-links (15), the inline patterns have run (20), SafeElements (7), which would
        # remove the copies as hidden text, and the table of contents (5), so the "Notes"
        # heading is no article; before the articles' sections (4), which keep the notes
        # out of the last article, and the printable addresses (3), which the copies' links
        # get too.
        md.treeprocessors.register(PrintedNotes(md), "printed_notes", 4.5)


#: The class of the section listing the notes on screen, and its heading.
ENDNOTES_CLASS = "footnotes"
ENDNOTES_HEADING = "Notes"
#: An id no other can take: a heading's has no colon (see slugify_unicode), and a note's
#: starts with "fn".
ENDNOTES_HEADING_ID = "notes:heading"
#: Elements that cannot stand inside a paragraph, which a note's copy writes as spans.
_BLOCK_TAGS = frozenset({"p", "div", "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "pre",
                         "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
                         "figure", "figcaption", "section", "aside", "h1", "h2", "h3", "h4",
                         "h5", "h6", "hr"})


class PrintedNotes(Treeprocessor):
    """Each footnote twice: in the list of notes for the screen, and copied into the text
    right after its first reference, for print.

    On screen, the reference is a link named "Note 1" to the note in a section headed
    "Notes" (an `h2` in the page's outline, `role="doc-endnotes"`), and each note has a
    text link back ("Back to the text", named "Back to the text of note 1": the house fonts
    have no back-arrow). The copies are `hidden`, so a screen reader, or a browser without
    the stylesheets, meets each note once.

    In print, the list is hidden and each copy (`<span class="footnote-print">`) floats to
    the foot of its page, holding the note's links and emphasis. In the PDF's tags the copy
    is a `Note` (asked for by `data-pdf-tag`, with its id as the Note's ID, as PDF/UA-1
    wants), and the reference stays a `Link` to it: a print-only link (`footnote-print-ref`)
    to the copy's id, beside the screen's link to the list. The Note does not follow the
    reference in reading order: WeasyPrint tags each page's body and then its footnote
    area, so a Note comes after the page's text; the Link lets a reader go to it and, with
    the note's number, say which text it belongs to, as PDF/UA allows for notes.
    """

    def run(self, root: etree.Element) -> None:
        holder = next((element for element in root.iter("div")
                       if element.get("class") == "footnote"), None)
        notes = holder.find("ol") if holder is not None else None
        if holder is None or notes is None:
            return
        copies: dict[str, tuple[int, etree.Element | None]] = {}
        for number, item in enumerate(notes, start=1):
            copies[item.get("id", "")] = (number, _printed_note(item, number))
            _name_back_links(item, number)
        in_notes = set(holder.iter())
        for parent in list(root.iter()):
            if parent in in_notes:
                continue
            for child in list(parent):
                link = child.find("a") if child.tag == "sup" else None
                if link is None or link.get("class") != "footnote-ref":
                    continue
                target = link.get("href", "").removeprefix("#")
                if target in copies:
                    number, copy = copies[target]
                    _printed_reference(parent, child, link, number, copy)
                    copies[target] = (number, None)  # a note is printed once
        _endnotes_section(holder, notes)


def _printed_note(item: etree.Element, number: int) -> etree.Element:
    """A copy of the note in list item `item`, for print: a span holding its text, links
    and emphasis, without its back-links, ids and block elements (a span stands in a
    paragraph; a second paragraph is a block span of its own)."""
    note_id = item.get("id", "").replace("fn", "fnp", 1)
    copy = etree.Element("span", {"class": "footnote-print", "id": note_id,
                                  "data-note": str(number), "data-pdf-tag": "Note",
                                  "hidden": "hidden"})
    parts = [_inline_copy(part) for part in item]
    parts = [part for part in parts if "".join(part.itertext()).strip() or len(part)]
    if len(parts) == 1:
        copy.text, copy[:] = parts[0].text, list(parts[0])
    else:
        for part in parts:
            part.set("class", "footnote-print__part")
            copy.append(part)
    return copy


def _inline_copy(element: etree.Element) -> etree.Element:
    """A deep copy of `element` fit to stand in a paragraph: block elements become spans,
    back-links go, a reference to another note becomes its plain number, and ids go (the
    list keeps them)."""
    duplicate = deepcopy(element)
    for parent in list(duplicate.iter()):
        for child in list(parent):
            if child.tag == "a" and child.get("class") == "footnote-backref":
                _remove_element(parent, child)
    for node in duplicate.iter():
        node.text = (node.text or "").replace(NBSP_PLACEHOLDER, "") or None
        node.tail = (node.tail or "").replace(NBSP_PLACEHOLDER, "") or None
        node.attrib.pop("id", None)
        if node.tag in _BLOCK_TAGS or (node.tag == "a" and
                                       node.get("class") == "footnote-ref"):
            node.tag = "span"
            node.attrib.clear()
    duplicate.tail = None
    return duplicate


def _name_back_links(item: etree.Element, number: int) -> None:
    """The back-links of note `number` in words: the house fonts have no back-arrow, and a
    screen reader says which note each one leaves."""
    links = [link for link in item.iter("a") if link.get("class") == "footnote-backref"]
    for count, link in enumerate(links, start=1):
        link.attrib.pop("title", None)
        link.set("role", "doc-backlink")
        if count == 1:
            link.text = "Back to the text"
            link.set("aria-label", f"Back to the text of note {number}")
        else:  # a note cited more than once has a link back to each reference
            links[count - 2].tail = " "
            link.text = f"Back to reference {count}"
            link.set("aria-label", f"Back to reference {count} of note {number}")


def _printed_reference(parent: etree.Element, sup: etree.Element, link: etree.Element,
                       number: int, copy: etree.Element | None) -> None:
    """The reference `sup` (in `parent`): named for the screen, with a print-only link to
    the note's copy, and the copy itself after its first reference."""
    link.set("aria-label", f"Note {number}")
    link.set("role", "doc-noteref")
    target = link.get("href", "").replace("#fn", "#fnp", 1)
    printed = etree.SubElement(sup, "a", {"class": "footnote-print-ref", "href": target,
                                          "aria-label": f"Note {number}", "hidden": "hidden"})
    printed.text = link.text
    if copy is not None:
        copy.tail, sup.tail = sup.tail, None
        parent.insert(list(parent).index(sup) + 1, copy)


def _endnotes_section(holder: etree.Element, notes: etree.Element) -> None:
    """The footnotes extension's list of notes as a section headed "Notes"."""
    holder.tag = "section"
    holder.attrib.clear()
    holder.attrib.update({"class": ENDNOTES_CLASS, "role": "doc-endnotes",
                          "aria-labelledby": ENDNOTES_HEADING_ID})
    heading = etree.Element("h2", {"id": ENDNOTES_HEADING_ID})
    heading.text = ENDNOTES_HEADING
    heading.tail = "\n"
    holder[:] = [heading, notes]


class ArticleExtension(Extension):
    """Sections per article, embedded blocks, and the list of articles in reading order."""

    def __init__(self, blocks: Sequence[EmbeddedBlock]):
        super().__init__()
        self.blocks = blocks
        self.sections: list[Section] = []
        self.images: list[str] = []
        self.pending: dict[str, list[EmbeddedBlock]] = {}

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        markers: dict[str, EmbeddedBlock] = {}
        for block in self.blocks:
            self.pending.setdefault(placement_key(block.line), []).append(block)
        md.parser.blockprocessors.register(
            BlockPlacements(md.parser, self.pending, markers), "block_placements", 85)
        # Priority 4: after the toc extension (5) has given every heading its id.
        md.treeprocessors.register(ArticleSections(md, markers, self.sections),
                                   "article_sections", 4)
        md.treeprocessors.register(ImageSources(md, self.images), "image_sources", 1)


def placement_key(line: str) -> str:
    """A placement line with its spacing evened out (Markdown turns tabs into spaces)."""
    return " ".join(line.split())


class PlainEmailLink(InlineProcessor):
    """`<team@example.gov.uk>` becomes a mailto link showing the address as written."""

    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element, int, int]:
        address = m.group(1)
        link = etree.Element("a", {"href": f"mailto:{address}"})
        link.text = address
        return link, m.start(0), m.end(0)


class BlockPlacements(BlockProcessor):
    """Replaces each placement line with a placeholder for its block's HTML."""

    def __init__(self, parser: Any, pending: dict[str, list[EmbeddedBlock]],
                 markers: dict[str, EmbeddedBlock]):
        super().__init__(parser)
        self.pending = pending
        self.markers = markers

    def test(self, parent: etree.Element, block: str) -> bool:
        # Only lines of the body itself: in a list or a quotation the brackets stay text, as
        # the placements found in the source (blocks.find_placements) do not include them.
        if parent is not self.parser.root:
            return False
        return any(self._placement(line) for line in block.split("\n"))

    def _placement(self, line: str) -> bool:
        # Four spaces of indentation make a code block, where the brackets are text.
        return placement_key(line) in self.pending and not line.startswith("    ")

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        lines = blocks.pop(0).split("\n")
        index = next(i for i, line in enumerate(lines) if self._placement(line))
        if lines[index + 1:]:
            blocks.insert(0, "\n".join(lines[index + 1:]))
        if lines[:index]:
            self.parser.parseBlocks(parent, ["\n".join(lines[:index])])
        key = placement_key(lines[index])
        embedded = self.pending[key].pop(0)
        if not self.pending[key]:
            del self.pending[key]
        # Trusted: made by our block templates, so stashed as it is (see SafeHtmlExtension).
        placeholder = self.parser.md.htmlStash.store(embedded.html)
        etree.SubElement(parent, "p").text = placeholder
        self.markers[placeholder] = embedded


class ArticleSections(Treeprocessor):
    def __init__(self, md: markdown.Markdown, markers: dict[str, EmbeddedBlock],
                 sections: list[Section]):
        super().__init__(md)
        self.markers = markers
        self.sections = sections

    def run(self, root: etree.Element) -> None:
        names = _heading_names(getattr(self.md, "toc_tokens", []))
        section: etree.Element | None = None
        kept: list[etree.Element] = []  # the root's children, rebuilt in one pass
        for child in root:
            embedded = self.markers.get(child.text or "") if child.tag == "p" else None
            if child.tag == ARTICLE_TAG:
                section = self._section(child)
                kept.append(section)
                anchor = child.get("id", "")
                self.sections.append(Section(anchor, names.get(anchor, "")))
                continue
            if embedded is not None and embedded.anchor:
                section = None  # a block with its own heading is an article of its own
                self.sections.append(Section(embedded.anchor, embedded.title or ""))
            elif child.tag == "section" and child.get("class") == ENDNOTES_CLASS:
                section = None
            if section is None:
                kept.append(child)
            else:
                section.append(child)
        root[:] = kept

    @staticmethod
    def _section(heading: etree.Element) -> etree.Element:
        """A section for the article that `heading` starts, holding it."""
        anchor = heading.get("id", "")
        classes = " ".join(["article", *heading.attrib.pop("class", "").split()])
        section = etree.Element("section", {"class": classes, "aria-labelledby": anchor})
        section.append(heading)
        return section


class TableHeaders(Treeprocessor):
    """Header cells say they head their column, for screen readers and PDF tags; and each
    table stands in a region of its own, which screen.css lets scroll sideways when the
    table is wider than a phone's screen (the page itself never does). Keyboard users can
    focus the region to scroll it, and screen readers name it by the table's column
    headings. On paper the region is a plain box."""

    def run(self, root: etree.Element) -> None:
        for row in root.iter("thead"):
            for cell in row.iter("th"):
                cell.set("scope", "col")
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag == "table":
                    parent.remove(child)
                    parent.insert(index, _scroll_region(child))


def _scroll_region(table: etree.Element) -> etree.Element:
    headings = [" ".join("".join(cell.itertext()).split())
                for head in table.iter("thead") for cell in head.iter("th")]
    label = "Table: " + ", ".join(heading for heading in headings if heading)
    region = etree.Element("div", {"class": "table-scroll", "role": "region",
                                   "aria-label": label.rstrip(": "), "tabindex": "0"})
    region.text = "\n"
    region.tail, table.tail = table.tail, "\n"
    region.append(table)
    return region


class ImageSources(Treeprocessor):
    """Collects the address of every image, so the build can check and copy the files."""

    def __init__(self, md: markdown.Markdown, images: list[str]):
        super().__init__(md)
        self.images = images

    def run(self, root: etree.Element) -> None:
        # An image whose unsafe address SafeElements removed has no src left to check.
        self.images.extend(image.get("src", "") for image in root.iter("img")
                           if "src" in image.attrib)


class LinkAddresses(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for link in root.iter("a"):
            _mark_printable_address(link)


def _heading_names(tokens: list[dict[str, Any]]) -> dict[str, str]:
    """Heading ids to their text, as the toc extension read them (entities resolved)."""
    names = {}
    for token in tokens:
        names[token["id"]] = html.unescape(token["name"])
        names.update(_heading_names(token["children"]))
    return names


def _mark_printable_address(link: etree.Element) -> None:
    address = printable_address(link.get("href", ""), "".join(link.itertext()))
    if address:
        link.set("data-print-href", address)


def printable_address(href: str, text: str) -> str:
    """The address to print after an external link on paper, or '' if its text shows it."""
    if href.lower().startswith(WEB_SCHEMES):
        address = href
    elif href.lower().startswith("mailto:"):
        address = href.removeprefix("mailto:")
    else:
        return ""
    return "" if _bare(text.strip()) == _bare(address) else address


def _bare(address: str) -> str:
    for prefix in (*WEB_SCHEMES, "www."):
        address = address.removeprefix(prefix)
    return address.rstrip("/").lower()
