"""Which PDF copies an issue gets, and in which PDF variant.

Every issue gets a *web copy*: tagged for screen readers (PDF/UA-1 unless its series or the
build says otherwise). A published issue also gets an *archival copy* as PDF/A-2a, which
viewers must still open in decades: level A keeps the tags and the Unicode text, every font
is embedded, and the colours come with an output intent (sRGB). PDF/A-2 rather than PDF/A-3
because an archive copy carries no attachments, and PDF/A-2 allows none but PDF/A files;
rather than PDF/A-4 because that needs a PDF 2.0 reader.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import get_args

from publisher.config import PdfVariant
from publisher.sources import Issue

#: The variants a series or a build may choose for the web copy: each one tagged.
PDF_VARIANTS: tuple[str, ...] = get_args(PdfVariant)
WEB_VARIANT: PdfVariant = "pdf/ua-1"
ARCHIVAL_VARIANT: PdfVariant = "pdf/a-2a"
#: The folder, inside each series' output folder, that holds the archival copies.
ARCHIVAL_FOLDER = "archival"


@dataclass(frozen=True)
class PdfCopies:
    """The variant of an issue's web copy, and of its archival copy if it has one."""

    web: PdfVariant
    archival: PdfVariant | None

    def describe(self) -> str:
        """How fingerprints record the copies: `pdf/ua-1`, `pdf/ua-1 + archival pdf/a-2a`."""
        return self.web + (f" + archival {self.archival}" if self.archival else "")


def pdf_copies(issue: Issue, web: PdfVariant | None = None) -> PdfCopies:
    """The copies of `issue`: its web copy in `web`, else its series' variant; an archival
    copy if it is published."""
    chosen = web or issue.series.settings.pdf_variant or WEB_VARIANT
    archival = ARCHIVAL_VARIANT if issue.front.status == "published" else None
    return PdfCopies(chosen, archival)


def variant_name(variant: PdfVariant) -> str:
    """How people write a variant: `pdf/ua-1` is PDF/UA-1, `pdf/a-2a` is PDF/A-2a."""
    part, _, level = variant.removeprefix("pdf/").partition("-")
    return f"PDF/{part.upper()}-{level}"


def archival_path(web_copy: Path) -> Path:
    """Where the archival copy of the issue whose web copy is at `web_copy` goes."""
    return web_copy.parent / ARCHIVAL_FOLDER / web_copy.name


def is_archival(relative: str) -> bool:
    """Whether `relative` (a path from the output folder) is an archival copy:
    `<series>/archival/<issue>.pdf`."""
    parts = PurePosixPath(relative).parts
    return len(parts) == 3 and parts[1] == ARCHIVAL_FOLDER and relative.endswith(".pdf")
