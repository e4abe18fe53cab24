"""Which files a page may load, and where each comes from.

A built page lives at `<output>/<series>/<issue>.html` and links to its stylesheets and fonts
at `<output>/assets/...`, a copy of the site's `styles/` folder. The PDF is rendered from the
same HTML as if it stood at that place, and each address it asks for is mapped back to the
source file here. Nothing outside the site's own folders is ever handed out.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from publisher.errors import PublisherError, display_path

ASSETS_FOLDER = "assets"

MEDIA_TYPES = {
    ".css": "text/css",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
}


class ResourceRefused(PublisherError):
    """A page asked for a file it may not have."""


@dataclass(frozen=True)
class SiteResources:
    """Maps the addresses a built page uses to the site files they stand for."""

    site_root: Path
    output_folder: Path
    styles_folder: Path
    issues_folder: Path

    def source_for(self, path: Path) -> Path:
        """The site file behind `path`, an absolute path as the page sees it.

        Raises ResourceRefused for anything outside the site, including through a link.
        """
        candidate = self._map_output_to_source(Path(path))
        real = candidate.resolve()
        shown = display_path(candidate, self.site_root)
        if not real.is_relative_to(self.site_root.resolve()):
            raise ResourceRefused(f"{shown} is outside the site; a page may use only files "
                                  "inside the site's own folders")
        if not real.is_file():
            raise ResourceRefused(f"{shown} does not exist; check the name and the folder")
        return real

    def page_reference(self, page: Path, reference: str) -> Path | None:
        """Where a page's reference (an image's src) points, as a path beside the page.

        None for data: URLs, which need no file; ResourceRefused for internet addresses.
        """
        parts = urlsplit(reference)
        if parts.scheme == "data":
            return None
        if parts.scheme == "file":
            return Path(unquote(parts.path))
        if parts.scheme or parts.netloc:
            raise refuse_remote(reference)
        return page.parent / unquote(parts.path)

    def _map_output_to_source(self, path: Path) -> Path:
        output = self.output_folder.resolve()
        if not path.is_relative_to(output):
            return path
        relative = path.relative_to(output)
        if relative.parts[:1] == (ASSETS_FOLDER,):
            return self.styles_folder.joinpath(*relative.parts[1:])
        return self.issues_folder / relative


def refuse_remote(url: str) -> ResourceRefused:
    return ResourceRefused(f"{url}: addresses on the internet cannot be used in a page; save "
                           "the file inside the site and refer to it there")


def media_type(path: Path) -> str:
    """The media type of a file by its ending, the same on every machine."""
    return MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")
