"""HTML to PDF with WeasyPrint. The only module that imports WeasyPrint (it is slow to import).

WeasyPrint may read only the files `SiteResources` hands out, and `data:` URLs.
"""

from __future__ import annotations

import datetime
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from publisher.errors import RenderError
from publisher.resources import ResourceRefused, SiteResources, media_type, refuse_remote


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    page_count: int
    warnings: list[str]
    #: The site files WeasyPrint loaded.
    loaded: list[Path]


class _Refused(FatalURLFetchingError):  # type: ignore[misc]
    """Carries our refusal through WeasyPrint, which stops rendering on fatal fetch errors."""

    def __init__(self, refusal: ResourceRefused):
        super().__init__(refusal.problem.message)
        self.refusal = refusal


class SiteFetcher(URLFetcher):  # type: ignore[misc]
    """Hands WeasyPrint the site's own files and data: URLs; refuses everything else."""

    def __init__(self, resources: SiteResources):
        super().__init__(fail_on_errors=True)
        self.resources = resources
        self.loaded: list[Path] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        local = self.resources.path_of(url)
        if local is None and url.startswith("file:"):
            local = Path(url2pathname(urlsplit(url).path))
        if local is None:
            raise _Refused(refuse_remote(url))
        try:
            source = self.resources.source_for(local)
        except ResourceRefused as refusal:
            raise _Refused(refusal) from None
        data = source.read_bytes()
        self.loaded.append(source)
        return URLFetcherResponse(url, data, {"Content-Type": media_type(source)})


def render_pdf(html: str, page_path: Path, resources: SiteResources, shown: str,
               created: datetime.date) -> RenderedPdf:
    """Lay out `html` as if it stood at `page_path` (read from its web address) and return
    the PDF's bytes.

    The same page, stylesheets, fonts and images give the same bytes: the PDF identifier is
    a hash of the PDF's own content (so a stylesheet edit that changes nothing on the page
    leaves the bytes as they were), and any time stamp a font subsetter writes is the
    issue's date.
    `shown` names the issue in errors.
    """
    fetcher = SiteFetcher(resources)
    with _captured_warnings() as warnings, _source_date(created):
        try:
            document = HTML(string=html, base_url=resources.address_of(page_path),
                            url_fetcher=fetcher).render()
        except _Refused as refused:
            raise RenderError(refused.refusal.problem.message, path=shown) from None
        data = document.write_pdf(pdf_identifier=True)
    return RenderedPdf(data=data, page_count=len(document.pages), warnings=warnings,
                       loaded=fetcher.loaded)


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
