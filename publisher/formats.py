"""The files an issue becomes, one output format each, in a registry.

A format says its name (in the build record and the archive lock), which issues it is made
for, which PDF variant it needs laid out (if any), the files it writes (its own first, then
any it copies beside it) from the issue as made, where its own file goes, and how `verify`
reads the text in it. The build, publish, verify, the lock, the build record, the preview
and the command line loop over `FORMATS`; a new format is a class here (or `register`ed by
a site's code) and nothing else.

A format that reads a template or a file does it through `Made.template` and
`Made.read`, so the issue's fingerprint records it: an edit to either builds the issue
again, and `verify` names it.
"""

from __future__ import annotations

import datetime
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import quote, unquote

from markupsafe import Markup

from publisher.config import PdfVariant
from publisher.pages import Page
from publisher.resources import ASSETS_FOLDER
from publisher.sources import Issue
from publisher.textdigest import html_digest, pdf_page_digests
from publisher.variants import ARCHIVAL_FOLDER, ARCHIVAL_VARIANT, PdfCopies


@dataclass
class Made:
    """An issue as rendered for its formats: its page, its PDF laid out once and written
    in each variant the formats ask for (by variant), and the images the page shows, each
    as (where its copy goes, its source). `template` and `read` are how a format reads
    anything else, so that the issue's fingerprint records it."""

    page: Page
    copies: PdfCopies
    pdf: dict[PdfVariant, bytes] = field(default_factory=dict)
    images: list[tuple[Path, Path]] = field(default_factory=list)
    #: Renders a template of the issue's house style with the page's context and more.
    render_template: Callable[[str, dict[str, Any]], str] | None = None
    #: The files read through `read`, for the fingerprint.
    read_files: list[Path] = field(default_factory=list)
    #: The site's styles/ folder, for a format with a stylesheet of its own.
    styles_folder: Path | None = None

    def template(self, name: str, **context: Any) -> str:
        """Template `name` of the issue's style (recorded in the page's templates)."""
        assert self.render_template is not None, "the build gives a Made its renderer"
        return self.render_template(name, context)

    def read(self, path: Path) -> bytes:
        """The bytes of a site file, recorded as one of the issue's inputs."""
        self.read_files.append(path)
        return path.read_bytes()


class OutputFormat(ABC):
    """One kind of file an issue becomes."""

    #: Its name in the build record and the archive lock.
    name: ClassVar[str]
    #: What `verify` calls it: "the web PDF".
    described: ClassVar[str]
    #: The `--format` that makes it (html or pdf).
    choice: ClassVar[str]
    #: Whether its text is read page by page (verify then names the pages that differ).
    paged: ClassVar[bool] = False
    #: Whether `verify` compares its text (the archival copy's is the web copy's).
    compares_text: ClassVar[bool] = True
    #: What `publish` adds after its file's name.
    published_note: ClassVar[str] = ""
    #: Whether every edition in the lock has its file (one locked before the format was
    #: added has not; nor has one of an issue it does not apply to).
    in_every_edition: ClassVar[bool] = False

    @property
    def gone(self) -> str:
        """What `verify` says of an issue locked with this file that no longer gets it."""
        return f"it has no {self.described.removeprefix('the ')} now"

    def applies(self, issue: Issue) -> bool:
        """Whether `issue` gets this file."""
        return True

    def variant(self, copies: PdfCopies) -> PdfVariant | None:
        """The PDF variant it needs laid out, of the issue's `copies`; None for none."""
        return None

    @abstractmethod
    def own_file(self, series: str, slug: str) -> str:
        """Its file's path in the output folder, for the issue `slug` of `series`."""

    @abstractmethod
    def files(self, made: Made, output_folder: Path) -> list[tuple[Path, bytes]]:
        """The files it writes for the issue `made`: its own first."""

    @abstractmethod
    def text(self, data: bytes) -> list[str]:
        """Digests of the text of its file (see `textdigest`), for `verify`."""

    def without_asset_digests(self, data: bytes) -> bytes | None:
        """Its file's bytes with the digests in the addresses of the assets it loads left
        out (see `web_assets`), for `verify`; None if it loads none."""
        return None

    def own_path(self, output_folder: Path, issue: Issue) -> Path:
        return output_folder / self.own_file(issue.series.slug, issue.slug)


class HtmlPage(OutputFormat):
    """The issue's web page, with the images it shows copied beside it."""

    name, described, choice = "html", "the HTML page", "html"
    in_every_edition = True

    def own_file(self, series: str, slug: str) -> str:
        return f"{series}/{slug}.html"

    def files(self, made: Made, output_folder: Path) -> list[tuple[Path, bytes]]:
        """The page, its stylesheets as one file (see `web_assets`), its images."""
        from publisher.web_assets import bundle_page

        html, bundle = made.page.html, None
        if made.styles_folder is not None:
            html, bundle = bundle_page(html, made.styles_folder, made.page.context["assets"])
            made.read_files.extend(bundle.read if bundle else ())
        return [(made.page.path, html.encode("utf-8")),
                *((output_folder / ASSETS_FOLDER / path, css)
                  for path, css in (bundle.files() if bundle else [])),
                *((target, made.read(source)) for target, source in made.images)]

    def text(self, data: bytes) -> list[str]:
        return [html_digest(data)]

    def without_asset_digests(self, data: bytes) -> bytes | None:
        from publisher.web_assets import without_asset_digests

        return without_asset_digests(data)


class WebPdf(OutputFormat):
    """The PDF readers download and print: tagged, in the series' variant (PDF/UA-1)."""

    name, described, choice, paged = "pdf", "the web PDF", "pdf", True
    in_every_edition = True

    def variant(self, copies: PdfCopies) -> PdfVariant | None:
        return copies.web

    def own_file(self, series: str, slug: str) -> str:
        return f"{series}/{slug}.pdf"

    def files(self, made: Made, output_folder: Path) -> list[tuple[Path, bytes]]:
        return [(made.page.path.with_suffix(".pdf"), made.pdf[made.copies.web])]

    def text(self, data: bytes) -> list[str]:
        return pdf_page_digests(data)


class ArchivalPdf(OutputFormat):
    """The copy kept for the archive, of a published issue only: PDF/A-2a (see variants)."""

    name, described, choice, paged = "archival", "the archival PDF", "pdf", True
    compares_text = False
    published_note = " (archival, PDF/A-2a)"

    gone = "it has no archival copy now: it is no longer published"

    def applies(self, issue: Issue) -> bool:
        return issue.front.status == "published"

    def variant(self, copies: PdfCopies) -> PdfVariant | None:
        return ARCHIVAL_VARIANT

    def own_file(self, series: str, slug: str) -> str:
        return f"{series}/{ARCHIVAL_FOLDER}/{slug}.pdf"

    def files(self, made: Made, output_folder: Path) -> list[tuple[Path, bytes]]:
        return [(self.own_path(output_folder, made.page.issue), made.pdf[ARCHIVAL_VARIANT])]

    def text(self, data: bytes) -> list[str]:
        return pdf_page_digests(data)


class EmailEdition(OutputFormat):
    """The issue as an email (see `email_edition`), for a series with `email:` in its
    series.yml, from the day it says: the `.eml` file to send, and its HTML and plain-text
    parts beside it, in `<series>/email/`."""

    name, described, choice = "email", "the email", "email"

    def applies(self, issue: Issue) -> bool:
        return issue.series.settings.emails_on(issue.front.date)

    def own_file(self, series: str, slug: str) -> str:
        return f"{series}/email/{slug}.eml"

    def files(self, made: Made, output_folder: Path) -> list[tuple[Path, bytes]]:
        from publisher import email_edition as edition

        issue, page = made.page.issue, made.page
        settings = issue.series.settings.email
        assert settings is not None and made.styles_folder is not None
        address = page.context["site"].archive_address
        page_address = address + quote(page.path.relative_to(output_folder).as_posix())
        sources = {target.resolve(): source for target, source in made.images}

        def image_file(src: str) -> bytes | None:
            source = sources.get((page.path.parent / unquote(src)).resolve())
            return made.read(source) if source is not None else None

        body = edition.email_body(str(page.context["body"]), page_address, image_file)
        slots = {name: Markup(edition.email_body(str(html), page_address, image_file))
                 for name, html in page.context["slots"].items()}
        stylesheet = made.read(made.styles_folder / edition.EMAIL_STYLESHEET).decode("utf-8")
        html = edition.inline_styles(made.template(
            edition.EMAIL_TEMPLATE, body=Markup(body), slots=slots, email=settings,
            stylesheet=Markup(stylesheet), page_address=page_address,
            pdf_address=page_address.removesuffix(".html") + ".pdf"))
        parts = edition.EmailParts(html, edition.plain_text(html))
        organisation = page.context["organisation"]
        subject = f"{issue.series.settings.title}, Issue {issue.front.number}: " \
                  f"{issue.front.title}"
        message = edition.message(
            parts, subject=subject, sender=settings.sender, sender_name=organisation.name,
            reply_to=settings.reply_to, unsubscribe=settings.unsubscribe,
            date=datetime.datetime.combine(issue.front.date, datetime.time(8),
                                           datetime.UTC))
        own = self.own_path(output_folder, issue)
        return [(own, message), (own.with_suffix(".html"), html.encode("utf-8")),
                (own.with_suffix(".txt"), parts.text.encode("utf-8"))]

    def text(self, data: bytes) -> list[str]:
        from publisher.email_edition import html_part

        return [html_digest(html_part(data).encode("utf-8"))]


#: Every format, in the order publish lists their files.
FORMATS: list[OutputFormat] = [WebPdf(), ArchivalPdf(), HtmlPage(), EmailEdition()]


def register(output_format: OutputFormat) -> None:
    """Add a format (or put it in the place of the one of the same name)."""
    FORMATS[:] = [known for known in FORMATS if known.name != output_format.name]
    FORMATS.append(output_format)


def named(name: str) -> OutputFormat:
    return next(output_format for output_format in FORMATS if output_format.name == name)


def choices() -> list[str]:
    """The values of `--format`, but for 'all'."""
    return sorted({output_format.choice for output_format in FORMATS})


def chosen(choice: str) -> frozenset[str]:
    """The names of the formats `--format choice` makes ('all': every one)."""
    return frozenset(output_format.name for output_format in FORMATS
                     if choice in ("all", output_format.choice))
