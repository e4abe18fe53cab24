"""Atom feeds (RFC 4287): one for the whole archive, `feed.xml`, one per series,
`<series>/feed.xml`, and one per topic, `topics/<topic>.xml`, each listing its published
issues newest first.

Every date in a feed comes from the issues themselves, never the clock, so a rebuild gives
the same bytes and feed readers see an entry as new only when an issue is.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit
from xml.etree import ElementTree

from publisher import __version__
from publisher.catalogue import ArchiveEntry
from publisher.config import Site
from publisher.dates import month_year
from publisher.organisations import Organisation

if TYPE_CHECKING:
    from publisher.discovery import TopicListing

FEED_FILE = "feed.xml"
ATOM = "http://www.w3.org/2005/Atom"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
#: The `updated` of a feed with no entries: Atom requires one, and the clock would move it.
_NO_ENTRIES = datetime.date(2000, 1, 1)


def render_feeds(site: Site, output_folder: Path, entries: list[ArchiveEntry],
                 topics: Sequence[TopicListing] = ()) -> list[tuple[Path, bytes]]:
    """The archive's feed, one per series and one per topic (of `topics`), as (path, bytes)
    to write."""
    base = site.settings.archive_address
    feeds = [(output_folder / FEED_FILE,
              _feed(site, base, FEED_FILE, "index.html",
                    f"{site.settings.organisation}: bulletins", entries, site.organisation))]
    for series in sorted(site.series.values(), key=lambda s: s.slug):
        own = [entry for entry in entries if entry.issue.series.slug == series.slug]
        feeds.append((output_folder / series.slug / FEED_FILE,
                      _feed(site, base, f"{series.slug}/{FEED_FILE}", f"{series.slug}/index.html",
                            series.settings.title, own, series.organisation)))
    for listing in topics:
        topic = listing.topic
        feeds.append((output_folder / topic.feed,
                      _feed(site, base, topic.feed, topic.page,
                            f"{site.settings.organisation}: {topic.name}", listing.entries,
                            site.organisation)))
    return feeds


def _feed(site: Site, base: str, path: str, page: str, title: str,
          entries: list[ArchiveEntry], publisher: Organisation) -> bytes:
    """The feed at `path` (in the output folder) of `entries`, shown as a page at `page`,
    written by `publisher` (the site's board, or a series' own); an entry of another board's
    series names its board as its own author."""
    ElementTree.register_namespace("", ATOM)
    feed = ElementTree.Element(_atom("feed"), {_XML_LANG: site.settings.language})
    _text(feed, "id", base + path)
    _text(feed, "title", title)
    updated = max((entry.issue.front.last_changed for entry in entries), default=_NO_ENTRIES)
    _text(feed, "updated", _timestamp(updated))
    _link(feed, "self", base + path, "application/atom+xml")
    _link(feed, "alternate", base + page, "text/html")
    _author(feed, publisher)
    generator = _text(feed, "generator", "publisher")
    generator.set("version", __version__)
    host = urlsplit(site.settings.website).hostname or "localhost"
    for entry in entries:
        _entry(feed, base, entry, host, publisher)
    ElementTree.indent(feed)
    data: bytes = ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def _author(parent: ElementTree.Element, organisation: Organisation) -> None:
    author = ElementTree.SubElement(parent, _atom("author"))
    _text(author, "name", organisation.name)
    _text(author, "uri", organisation.website)


def _entry(feed: ElementTree.Element, base: str, entry: ArchiveEntry, host: str,
           publisher: Organisation) -> None:
    issue, series = entry.issue.front, entry.issue.series.settings
    element = ElementTree.SubElement(feed, _atom("entry"))
    if issue.language:
        element.set(_XML_LANG, issue.language)
    # A tag URI (RFC 4151) names the issue itself, so moving the archive keeps its id.
    _text(element, "id", f"tag:{host},{issue.date.isoformat()}:{quote(entry.html)}")
    _text(element, "title", f"{issue.title} ({series.title}, Issue {issue.number}, "
                            f"{month_year(issue.date)})")
    _text(element, "published", _timestamp(issue.date))
    _text(element, "updated", _timestamp(issue.last_changed))
    board = entry.issue.series.organisation
    if (board.name, board.website) != (publisher.name, publisher.website):
        _author(element, board)  # Atom: an entry's own author, over the feed's
    _text(element, "summary", issue.summary)
    _link(element, "alternate", base + quote(entry.html), "text/html")
    if entry.pdf:
        pdf = _link(element, "enclosure", base + quote(entry.pdf), "application/pdf")
        pdf.set("title", f"PDF, {entry.pdf_size}")
        if entry.pdf_bytes:
            pdf.set("length", str(entry.pdf_bytes))
    for keyword in issue.keywords:
        ElementTree.SubElement(element, _atom("category"), {"term": keyword})


def _atom(tag: str) -> str:
    return f"{{{ATOM}}}{tag}"


def _text(parent: ElementTree.Element, tag: str, text: str) -> ElementTree.Element:
    element = ElementTree.SubElement(parent, _atom(tag))
    element.text = text
    return element


def _link(parent: ElementTree.Element, rel: str, href: str,
          media_type: str) -> ElementTree.Element:
    return ElementTree.SubElement(parent, _atom("link"),
                                  {"rel": rel, "type": media_type, "href": href})


def _timestamp(day: datetime.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"
