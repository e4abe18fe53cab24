"""HTML to PDF with WeasyPrint. The only module that imports WeasyPrint (it is slow to import).

WeasyPrint may read only the files `SiteResources` hands out, and `data:` URLs. A page is
laid out once and written in each PDF variant asked for (see `variants`): tagged, with its
language, title and bookmarks; a decorative image (`alt=""`) is an artifact, which screen
readers pass over.
"""

from __future__ import annotations

import datetime
import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

import weasyprint.pdf
import weasyprint.pdf.tags
from weasyprint import HTML
from weasyprint.formatting_structure import boxes
from weasyprint.layout.absolute import AbsolutePlaceholder
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from publisher.config import PdfVariant
from publisher.errors import RenderError
from publisher.resources import ResourceRefused, SiteResources, media_type, refuse_remote


@dataclass(frozen=True)
class RenderedPdf:
    #: The PDF's bytes in each variant asked for, in the order asked (None: untagged).
    copies: list[bytes]
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
               created: datetime.date,
               variants: Sequence[PdfVariant | None] = ("pdf/ua-1",)) -> RenderedPdf:
    """Lay out `html` as if it stood at `page_path` (read from its web address) and return
    the PDF's bytes in each of `variants` (None makes an untagged PDF).

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
        copies = [document.write_pdf(pdf_identifier=True, pdf_variant=variant)
                  for variant in variants]
    return RenderedPdf(copies=copies, page_count=len(document.pages), warnings=warnings,
                       loaded=fetcher.loaded)


# WeasyPrint 70 tags every image as a Figure, which PDF/UA requires to have alternative
# text (Kozea/WeasyPrint#2550). An image the page marks decorative (alt="") is drawn as an
# artifact instead and left out of the structure tree, as PDF/UA asks.

def _decorative(box: Any) -> bool:
    if isinstance(box, AbsolutePlaceholder):  # a positioned image, as the tagger meets it
        box = box._box
    element = getattr(box, "element", None)
    return (isinstance(box, boxes.ReplacedBox) and element is not None
            and element.tag == "img" and element.get("alt") == "")


class _Stream(weasyprint.pdf.Stream):  # type: ignore[misc]
    def clone(self, **kwargs: Any) -> _Stream:
        clone: _Stream = super().clone(**kwargs)  # groups and patterns follow the rule too
        clone.__class__ = _Stream
        return clone

    @contextmanager
    def marked(self, box: Any, tag: str) -> Iterator[None]:
        if tag == "Figure" and _decorative(box):
            with self.artifact():
                yield
        else:
            with super().marked(box, tag):
                yield


_build_box_tree = weasyprint.pdf.tags._build_box_tree


def _structure_without_decorative(box: Any, *args: Any) -> Iterator[Any]:
    if not _decorative(box):
        yield from _build_box_tree(box, *args)


weasyprint.pdf.Stream = _Stream
weasyprint.pdf.tags._build_box_tree = _structure_without_decorative


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
