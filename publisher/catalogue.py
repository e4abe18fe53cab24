"""The archive's pages: `index.html`, listing every series and published issue, and a page
per series, `<series>/index.html`; the accessibility statement, `accessibility.html`,
with one more for each partner board that has an accessibility contact of its own; the
search page, `search.html`; and a page per topic, `topics/<topic>.html`, with their index.

They list the published issues whose pages are in the output folder, newest first, with
links to the HTML and the PDF and the PDF's size and page count (from the build record, so
a build of one issue can still list the others with theirs).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

from publisher.config import PdfVariant, Series, Site
from publisher.organisations import Organisation
from publisher.resources import STATEMENT_PAGE
from publisher.sources import Issue
from publisher.templates import make_environment, page_context, render_template
from publisher.topics import TOPICS_FOLDER
from publisher.variants import ARCHIVAL_VARIANT, WEB_VARIANT, variant_name

if TYPE_CHECKING:
    from publisher.discovery import TopicListing

INDEX_PAGE = "index.html"
HOME_TEMPLATE = "archive/index.html"
SERIES_TEMPLATE = "archive/series.html"
TOPIC_TEMPLATE = "archive/topic.html"
TOPICS_TEMPLATE = "archive/topics.html"
SEARCH_TEMPLATE = "archive/search.html"
#: The search page, at the top of the output folder.
SEARCH_PAGE = "search.html"
#: The accessibility statement: what the bulletins meet and how to ask for another format.
STATEMENT_TEMPLATE = "archive/accessibility.html"


@dataclass(frozen=True)
class ArchiveEntry:
    """A published issue as the archive lists it; links are relative to the output folder."""

    issue: Issue
    html: str
    pdf: str | None
    pdf_bytes: int | None
    pdf_pages: int | None

    @property
    def pdf_size(self) -> str:
        size = self.pdf_bytes or 0
        return f"{size / 1_000_000:.1f} MB" if size >= 1_000_000 else f"{max(1, size // 1000)} KB"


def output_sizes(output_folder: Path) -> dict[str, int]:
    """The size of every issue page and PDF already in the output folder, by its path there."""
    return {path.relative_to(output_folder).as_posix(): path.stat().st_size
            for pattern in ("*/*.html", "*/*.pdf") for path in output_folder.glob(pattern)
            if path.is_file()}


def archive_entries(issues: list[Issue], sizes: dict[str, int], page_counts: dict[str, int],
                    drafts: bool = False) -> list[ArchiveEntry]:
    """The published issues (and the drafts too, if `drafts`) whose pages are in the output
    (`sizes`: path there to size), newest first."""
    entries = []
    for issue in issues:
        html = f"{issue.series.slug}/{issue.slug}.html"
        if (issue.front.status != "published" and not drafts) or html not in sizes:
            continue
        pdf = f"{issue.series.slug}/{issue.slug}.pdf"
        entries.append(ArchiveEntry(issue=issue, html=html,
                                    pdf=pdf if pdf in sizes else None,
                                    pdf_bytes=sizes.get(pdf), pdf_pages=page_counts.get(pdf)))
    return sorted(entries, key=lambda e: (e.issue.front.date, e.issue.front.number,
                                          e.issue.series.slug), reverse=True)


def render_archive(site: Site, output_folder: Path, entries: list[ArchiveEntry],
                   pdf_variant: PdfVariant | None = None,
                   topics: Sequence[TopicListing] = ()) -> list[tuple[Path, bytes]]:
    """The archive's home page, one page per series, the accessibility statement, the
    search page, and a page per topic with their index, as (path, bytes) to write.
    `pdf_variant`, if given, is every web copy's variant (as `build --pdf-variant` makes
    them); `topics` lists each topic's issues."""
    environment = make_environment(site.templates_folder, None)
    series_list = sorted(site.series.values(), key=lambda s: s.settings.title)
    shared: dict[str, object] = {"series_list": series_list, "topics": topics}
    pages = [(output_folder / INDEX_PAGE,
              _render(site, environment, HOME_TEMPLATE, output_folder, output_folder,
                      site.organisation, {**shared, "entries": entries})),
             (output_folder / SEARCH_PAGE,
              _render(site, environment, SEARCH_TEMPLATE, output_folder, output_folder,
                      site.organisation, {**shared, "entries": entries}))]
    if topics:
        folder = output_folder / TOPICS_FOLDER
        pages.append((folder / INDEX_PAGE,
                      _render(site, environment, TOPICS_TEMPLATE, output_folder, folder,
                              site.organisation, shared)))
        pages += [(output_folder / listing.topic.page,
                   _render(site, environment, TOPIC_TEMPLATE, output_folder, folder,
                           site.organisation, {**shared, "listing": listing}))
                  for listing in topics]
    for organisation, its_series in _statements(site, series_list):
        pages.append((output_folder / organisation.statement,
                      _render(site, environment, STATEMENT_TEMPLATE, output_folder,
                              output_folder, organisation, {
                                  "web_variant": variant_name(pdf_variant or WEB_VARIANT),
                                  "archival_variant": variant_name(ARCHIVAL_VARIANT),
                                  "series_variants": [] if pdf_variant
                                  else _series_variants(its_series)})))
    for series in series_list:
        folder = output_folder / series.slug
        own = [entry for entry in entries if entry.issue.series.slug == series.slug]
        pages.append((folder / INDEX_PAGE,
                      _render(site, environment, SERIES_TEMPLATE, output_folder, folder,
                              series.organisation, {"series": series, "entries": own})))
    return pages


def _statements(site: Site, series_list: list[Series]) -> list[tuple[Organisation, list[Series]]]:
    """Each accessibility statement page to write: the site's, for the series that link to it
    (every series without a contact of its own), then each partner board's, for its series."""
    pages: dict[str, tuple[Organisation, list[Series]]] = {
        STATEMENT_PAGE: (site.organisation, [])}
    for series in series_list:
        organisation = series.organisation
        if organisation.statement not in pages:
            pages[organisation.statement] = (organisation, [])
        pages[organisation.statement][1].append(series)
    return list(pages.values())


def _series_variants(series_list: list[Series]) -> list[tuple[str, str]]:
    """The title and web copy variant of each series that chose its own."""
    return [(series.settings.title, variant_name(series.settings.pdf_variant))
            for series in series_list
            if series.settings.pdf_variant not in (None, WEB_VARIANT)]


def _render(site: Site, environment: jinja2.Environment, template: str, output_folder: Path,
            folder: Path, organisation: Organisation, context: dict[str, object]) -> bytes:
    """A page of the archive, published by `organisation` (a series' page by the series'
    board, linking that board's statement)."""
    full = {**page_context(site, organisation, output_folder, folder), **context}
    return render_template(environment, template, full, site.root).encode("utf-8")
