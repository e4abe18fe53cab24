"""An issue's articles, read back from its page: each section with a heading (an article of
the body or a block) by its anchor, heading and words, and the words before them.

The archive's topic pages and its search index are made from these, so they find what the
published page says, whatever built it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

#: Elements whose text is not the article's: scripts and the like, and what is shown to
#: sighted readers only as decoration.
_SKIPPED = frozenset({"script", "style", "template", "svg", "nav"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                   "source", "track", "wbr"})
_SPACE = re.compile(r"\s+")


@dataclass
class Article:
    """A section of an issue's page: `anchor` is its id (its heading's), for a link to it."""

    anchor: str
    title: str = ""
    words: list[str] = field(default_factory=list, repr=False)

    @property
    def text(self) -> str:
        return _SPACE.sub(" ", " ".join(self.words)).strip()


@dataclass
class PageText:
    """The words of an issue's page: its main text before the first article, its articles."""

    intro: Article
    articles: list[Article]


def read_articles(html: str) -> PageText:
    """The articles of the page `html`: each outermost `<section aria-labelledby>`, in page
    order (the slots' blocks included), and the rest of `<main>`'s text as the intro."""
    reader = _ArticleReader()
    reader.feed(html)
    reader.close()
    return PageText(intro=reader.intro, articles=reader.articles)


class _ArticleReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.intro = Article(anchor="")
        self.articles: list[Article] = []
        self._open: list[str] = []
        self._section_depth: int | None = None  # where the current article's section opened
        self._in_main = False
        self._skipping: int | None = None
        self._heading: int | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        self._open.append(tag)
        attributes = dict(attrs)
        if tag == "main":
            self._in_main = True
        if self._skipping is None and (tag in _SKIPPED or attributes.get("aria-hidden") == "true"
                                       or "visually-hidden" in (attributes.get("class") or "")):
            self._skipping = len(self._open)
        if tag == "section" and self._section_depth is None and attributes.get("aria-labelledby"):
            self._section_depth = len(self._open)
            self.articles.append(Article(anchor=attributes["aria-labelledby"] or ""))
        elif (self._section_depth is not None and self._heading is None
              and attributes.get("id") == self.articles[-1].anchor):
            self._heading = len(self._open)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or tag not in self._open:
            return
        while self._open:
            depth = len(self._open)
            closed = self._open.pop()
            if self._skipping == depth:
                self._skipping = None
            if self._heading == depth:
                self._heading = None
                self.articles[-1].title = _SPACE.sub(" ", self.articles[-1].title).strip()
            if self._section_depth == depth:
                self._section_depth = None
            if closed == "main":
                self._in_main = False
            if closed == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._skipping is not None:
            return
        if self._section_depth is not None:
            article = self.articles[-1]
            if self._heading is not None:
                article.title += data
            else:
                article.words.append(data)
        elif self._in_main:
            self.intro.words.append(data)
