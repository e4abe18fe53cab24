"""How readers find what the bulletins have said: each listed issue's topics and articles,
for the archive's topic pages, its topic feeds and its search index.

An issue is about the topics its front matter names and those of its blocks; an article
that is a block is about the block's topics. The articles are read back from the issue's
page (see `articles`), so what is found is what was published.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from publisher.articles import Article, PageText
from publisher.blocks import (
    BlockLibrary,
    block_anchors,
    issue_placements,
    issue_topics,
    place_blocks,
)
from publisher.catalogue import ArchiveEntry
from publisher.config import Site
from publisher.dates import month_year
from publisher.search_index import SearchRecord
from publisher.topics import Topic


@dataclass(frozen=True)
class FoundArticle:
    """An article of an issue, with the topics it is about by itself (its block's)."""

    article: Article
    topics: list[Topic]


@dataclass(frozen=True)
class FoundIssue:
    """A listed issue with the topics it is about, and its words, article by article."""

    entry: ArchiveEntry
    #: The topics it is about: those its front matter names, then its blocks'.
    topics: list[Topic]
    #: Those its front matter names: every one of its articles is about them.
    named: list[Topic]
    intro: str
    articles: list[FoundArticle]

    def about(self, topic: Topic) -> list[FoundArticle]:
        """Its articles about `topic` by themselves."""
        return [found for found in self.articles if topic in found.topics]


@dataclass(frozen=True)
class TopicListing:
    """A topic's page: each issue about it, newest first."""

    topic: Topic
    issues: list[FoundIssue]

    @property
    def entries(self) -> list[ArchiveEntry]:
        return [found.entry for found in self.issues]


def found_issues(site: Site, library: BlockLibrary, entries: list[ArchiveEntry],
                 page_text: Callable[[str], PageText | None]) -> list[FoundIssue]:
    """Each of `entries` with its topics and articles; `page_text` gives the words of an
    entry's page by its path in the output folder (see `articles`; None if it cannot be
    read: it is listed without its articles)."""
    found = []
    for entry in entries:
        issue = entry.issue
        placements, _ = issue_placements(issue, site.styles[issue.style])
        placed, _ = place_blocks(library, placements, issue.front.date, issue.shown)
        blocks = dict(zip(block_anchors(placed), placed, strict=True))
        page = page_text(entry.html)
        articles = []
        for article in page.articles if page else []:
            block = blocks.get(article.anchor)
            topics = site.vocabulary.of(block.block.topics) if block is not None else []
            articles.append(FoundArticle(article, topics))
        found.append(FoundIssue(entry, issue_topics(site.vocabulary, issue, placed),
                                site.vocabulary.of(issue.front.topics),
                                page.intro.text if page else "", articles))
    return found


def topic_listings(site: Site, found: list[FoundIssue]) -> list[TopicListing]:
    """Every topic of the site's vocabulary with the issues about it (in `found`'s order,
    newest first), in the vocabulary's order."""
    return [TopicListing(topic, [issue for issue in found if topic in issue.topics])
            for topic in site.vocabulary.topics]


def search_records(found: list[FoundIssue]) -> list[SearchRecord]:
    """A search record for each issue's opening words and for each of its articles: one
    result per article, with its issue, date and filters. The opening is about every topic
    of the issue; an article, about those its issue names and its own (a block's)."""
    records = []
    for issue in found:
        entry, front = issue.entry, issue.entry.issue.front
        series = entry.issue.series.settings.title
        where = {"issue": f"{series}, Issue {front.number}", "date": month_year(front.date),
                 "issue_title": front.title}
        filters = {"series": [series], "year": [str(front.date.year)],
                   "topic": [topic.name for topic in issue.topics]}
        records.append(SearchRecord(
            url=entry.html, content=" ".join(filter(None, [front.title, front.summary,
                                                            issue.intro])),
            meta={"title": front.title, **where}, filters=_without_empty(filters)))
        for found_article in issue.articles:
            article = found_article.article
            if not article.text:
                continue
            topics = [topic.name for topic in dict.fromkeys([*issue.named,
                                                             *found_article.topics])]
            records.append(SearchRecord(
                url=f"{entry.html}#{article.anchor}",
                content=f"{article.title}. {article.text}",
                meta={"title": article.title or front.title, **where},
                filters=_without_empty({**filters, "topic": topics})))
    return records


def _without_empty(filters: dict[str, list[str]]) -> dict[str, list[str]]:
    return {name: values for name, values in filters.items() if values}
