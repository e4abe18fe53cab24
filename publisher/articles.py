"""An issue's articles, read back from its page: each section with a heading (an article of
the body or a block) by its anchor, heading and words, and the words before them.

The archive's topic pages and its search index are made from these, so they find what the
published page says, whatever built it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

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


class PageTexts:
    """The articles of pages, by the digest of each page's bytes, kept between builds (in
    `output/.publisher/articles.json`): a page is read back only when it has changed.

    `read(path, digest, html)` gives a page's text, reading it from `html()` only when the
    digest is new; `data()` is what to keep: the pages read this build, no others.
    """

    def __init__(self, kept: bytes | None):
        self._kept: dict[str, Any] = {}
        try:
            loaded = json.loads(kept) if kept else {}
            if isinstance(loaded, dict) and loaded.get("format") == _FORMAT:
                self._kept = loaded["pages"]
        except (ValueError, KeyError, TypeError):
            pass  # a damaged cache costs only reading the pages again
        self._used: dict[str, Any] = {}

    def read(self, digest: str, html: Callable[[], str | None]) -> PageText | None:
        entry = self._kept.get(digest)
        page = _from_json(entry) if entry is not None else None
        if page is None:
            source = html()
            if source is None:
                return None
            page = read_articles(source)
        self._used[digest] = _as_json(page)
        return page

    def data(self) -> bytes:
        document = {"about": _ABOUT, "format": _FORMAT, "pages": dict(sorted(self._used.items()))}
        return json.dumps(document, ensure_ascii=False, indent=0).encode("utf-8") + b"\n"


_FORMAT = 1
_ABOUT = ("Written by 'publisher build': the articles of each page, by its digest, so that a "
          "build reads a page back only when it changed. Safe to delete.")


def _as_json(page: PageText) -> dict[str, Any]:
    return {"intro": page.intro.text,
            "articles": [[article.anchor, article.title, article.text]
                         for article in page.articles]}


def _from_json(entry: Any) -> PageText | None:
    try:
        return PageText(intro=Article(anchor="", words=[str(entry["intro"])]),
                        articles=[Article(anchor=str(anchor), title=str(title),
                                          words=[str(text)])
                                  for anchor, title, text in entry["articles"]])
    except (KeyError, TypeError, ValueError):
        return None
