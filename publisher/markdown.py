"""Markdown to HTML: the body of an issue, with the structure a bulletin needs.

Authors write `# Heading` for each article; it becomes an `<h2>` (the issue title is the
page's only `<h1>`) and the article a `<section>`. Classes written on a heading
(`# If you have concerns about a child {.panel}`) style the whole article.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from typing import Any

import markdown
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.inlinepatterns import AUTOMAIL_RE, InlineProcessor
from markdown.treeprocessors import Treeprocessor

EXTENSIONS_BEFORE_OURS = ["tables", "attr_list", "footnotes", "sane_lists", "smarty"]
ARTICLE_LEVEL = "h2"
ARTICLE_HEADING_LEVEL = 2
WEB_SCHEMES = ("http://", "https://")


@dataclass(frozen=True)
class Section:
    """An article of the issue: the id of its heading and the heading's text."""

    anchor: str
    title: str


@dataclass(frozen=True)
class RenderedBody:
    html: str
    sections: list[Section]


def render_markdown(text: str) -> RenderedBody:
    """Turn an issue's Markdown body into HTML sections and the list of their headings."""
    converter = markdown.Markdown(
        extensions=[*EXTENSIONS_BEFORE_OURS, "toc", BulletinExtension()],
        extension_configs={"toc": {"baselevel": 2, "slugify": slugify_unicode}},
        output_format="html",
    )
    html = converter.convert(text)
    return RenderedBody(html=html, sections=_article_sections(converter.toc_tokens))  # type: ignore[attr-defined]


def _article_sections(tokens: list[dict[str, Any]]) -> list[Section]:
    sections = []
    for token in tokens:
        if token["level"] == ARTICLE_HEADING_LEVEL:
            sections.append(Section(anchor=token["id"], title=html.unescape(token["name"])))
        sections.extend(_article_sections(token["children"]))
    return sections


class BulletinExtension(Extension):
    """Sections per article, printable link addresses, plain mailto links, table scopes."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # Replaces the built-in pattern, which hides addresses behind random-looking entities.
        md.inlinePatterns.register(PlainEmailLink(AUTOMAIL_RE, md), "automail", 110)
        # Priority 4: after the toc extension (5) has given every heading its id.
        md.treeprocessors.register(ArticleSections(md), "bulletin_sections", 4)


class PlainEmailLink(InlineProcessor):
    """`<team@example.gov.uk>` becomes a mailto link showing the address as written."""

    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element, int, int]:
        address = m.group(1)
        link = etree.Element("a", {"href": f"mailto:{address}"})
        link.text = address
        return link, m.start(0), m.end(0)


class ArticleSections(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        self._wrap_articles(root)
        for link in root.iter("a"):
            _mark_printable_address(link)
        for row in root.iter("thead"):
            for cell in row.iter("th"):
                cell.set("scope", "col")

    def _wrap_articles(self, root: etree.Element) -> None:
        children = list(root)
        section: etree.Element | None = None
        for child in children:
            if child.tag == ARTICLE_LEVEL:
                section = self._start_section(root, child)
            elif child.tag == "div" and child.get("class") == "footnote":
                section = None
            elif section is not None:
                root.remove(child)
                section.append(child)

    def _start_section(self, root: etree.Element, heading: etree.Element) -> etree.Element:
        anchor = heading.get("id", "")
        classes = " ".join(["article", *heading.attrib.pop("class", "").split()])
        section = etree.Element("section", {"class": classes, "aria-labelledby": anchor})
        root.insert(list(root).index(heading), section)
        root.remove(heading)
        section.append(heading)
        return section


def _mark_printable_address(link: etree.Element) -> None:
    """Give external links the address to print after them, unless their text is the address."""
    href = link.get("href", "")
    if href.startswith(WEB_SCHEMES):
        address = href
    elif href.startswith("mailto:"):
        address = href.removeprefix("mailto:")
    else:
        return
    shown = _text_of(link).strip()
    if _bare(shown) != _bare(address):
        link.set("data-print-href", address)


def _bare(address: str) -> str:
    for prefix in (*WEB_SCHEMES, "www."):
        address = address.removeprefix(prefix)
    return address.rstrip("/").lower()


def _text_of(element: etree.Element) -> str:
    return "".join(element.itertext())
