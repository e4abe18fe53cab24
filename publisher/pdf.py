"""HTML to PDF with WeasyPrint. The only module that imports WeasyPrint (it is slow to import).

WeasyPrint may read only the files `SiteResources` hands out, and `data:` URLs.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from publisher.errors import RenderError
from publisher.resources import ResourceRefused, SiteResources, media_type


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    page_count: int
    warnings: list[str]


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

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if not url.startswith("file:"):
            raise _Refused(ResourceRefused(
                f"{url}: addresses on the internet cannot be used in a page; save the file "
                "inside the site and link to it there"))
        try:
            source = self.resources.source_for(Path(url2pathname(urlsplit(url).path)))
        except ResourceRefused as refusal:
            raise _Refused(refusal) from None
        return URLFetcherResponse(url, source.read_bytes(), {"Content-Type": media_type(source)})


def render_pdf(html: str, page_path: Path, resources: SiteResources, shown: str) -> RenderedPdf:
    """Lay out `html` as if it stood at `page_path` and return the PDF's bytes.

    The PDF identifier is taken from the HTML, so the same page gives the same bytes.
    `shown` names the issue in errors.
    """
    with _captured_warnings() as warnings:
        try:
            document = HTML(string=html, base_url=page_path.as_uri(),
                            url_fetcher=SiteFetcher(resources)).render()
        except _Refused as refused:
            raise RenderError(refused.refusal.problem.message, path=shown) from None
        identifier = hashlib.sha256(html.encode()).hexdigest()[:32].encode()
        data = document.write_pdf(pdf_identifier=identifier)
    return RenderedPdf(data=data, page_count=len(document.pages), warnings=warnings)


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
