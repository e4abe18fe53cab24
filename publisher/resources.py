"""Which files a page may load, and where each comes from.

A built page lives at `<output>/<series>/<issue>.html` and links to its stylesheets and fonts
at `<output>/assets/...`, a copy of the site's `styles/` folder. The PDF is rendered from the
same HTML as if it stood at that place, and each address it asks for is mapped back to the
source file here. Nothing outside the site's own folders is ever handed out.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from publisher.errors import PublisherError, display_path
from publisher.limits import image_problems

ASSETS_FOLDER = "assets"
#: The accessibility statement's page, at the top of the output folder; every page links it.
STATEMENT_PAGE = "accessibility.html"

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

#: Said of a file a page asks for whose name is not an image's, a stylesheet's or a font's.
NOT_LOADABLE = ("is not an image publisher can use (a page shows PNG, JPEG, GIF, WebP and SVG "
                "images, named .png, .jpg, .jpeg, .gif, .webp or .svg); save or export it "
                "again as PNG, JPEG or SVG")


class ResourceRefused(PublisherError):
    """A page asked for a file it may not have, or cannot use. `reasons` are every reason
    found (an SVG may have several problems), the first of them its message."""

    def __init__(self, reason: str, *more: str):
        super().__init__(reason)
        self.reasons = [reason, *more]


@dataclass(frozen=True)
class SiteResources:
    """Maps the addresses a built page uses to the site files they stand for."""

    site_root: Path
    output_folder: Path
    styles_folder: Path
    issues_folder: Path
    #: Where the output folder is on the web, ending in '/'. A PDF is laid out as if read
    #: from there, so a relative link in it becomes that web address, whatever the folder
    #: it was built in.
    web_address: str
    #: Whether pages may show images from https:// addresses (`build --allow-remote`).
    allow_remote: bool = False

    def address_of(self, path: Path) -> str:
        """The web address of `path`, a file in the output folder."""
        relative = Path(os.path.relpath(path, self.output_folder)).as_posix()
        return self.web_address + quote(relative)

    def path_of(self, address: str) -> Path | None:
        """The output folder's file at web `address`, or None if it is not below it."""
        if not address.startswith(self.web_address):
            return None
        relative = unquote(urlsplit(address[len(self.web_address):]).path)
        return Path(os.path.normpath(self.output_folder / relative))

    def source_for(self, path: Path) -> Path:
        """The site file behind `path`, an absolute path as the page sees it.

        Raises ResourceRefused for anything outside the site, including through a link; for
        a file that is not an image, stylesheet or font by its name; and for an image over
        the caps of `limits` (its bytes, or its pixels read from its header), not the kind
        of image its name says, or an SVG holding more than a picture (`publisher.svg`).
        """
        candidate = self._map_output_to_source(Path(path))
        real = candidate.resolve()
        shown = display_path(candidate, self.site_root)
        if not real.is_relative_to(self.site_root.resolve()):
            raise ResourceRefused(f"{shown} is outside the site; a page may use only files "
                                  "inside the site's own folders")
        if not real.is_file():
            raise ResourceRefused(f"{shown} does not exist; check the name and the folder")
        if candidate.suffix.lower() not in MEDIA_TYPES:
            # It would be copied beside the page as it is (an .html file would be a page).
            raise ResourceRefused(f"{shown} {NOT_LOADABLE}")
        problems = image_problems(real, shown, self.site_root, named=candidate)
        if problems:
            raise ResourceRefused(*problems)
        return real

    def page_reference(self, page: Path, reference: str) -> Path | None:
        """Where a page's reference (an image's src) points, as a path beside the page.

        None for data: URLs, which need no file, and for https:// addresses when remote
        images are allowed; ResourceRefused for other internet addresses.
        """
        parts = urlsplit(reference)
        if parts.scheme == "data" or (self.allow_remote and parts.scheme == "https"):
            return None
        if parts.scheme == "file":
            return Path(os.path.normpath(unquote(parts.path)))
        if parts.scheme or parts.netloc:
            raise refuse_remote(reference, self.allow_remote)
        return Path(os.path.normpath(page.parent / unquote(parts.path)))

    def linked_files(self, html: str, page: Path) -> list[Path]:
        """Every site file the page at `page` loads: its stylesheets and what they import,
        fonts and images, and its images. The same files WeasyPrint fetches for the PDF.

        A reference that cannot be served is left out here; rendering reports it.
        """
        found: dict[Path, None] = {}
        pending = [(page, reference, kind == "stylesheet")
                   for reference, kind in _page_references(html)]
        while pending:
            base, reference, stylesheet = pending.pop(0)
            try:
                target = self.page_reference(base, reference)
                source = self.source_for(target) if target is not None else None
            except ResourceRefused:
                continue
            if target is None or source is None or source in found:
                continue
            found[source] = None
            if stylesheet:
                css = source.read_text(encoding="utf-8", errors="replace")
                pending.extend((target, reference, is_import)
                               for reference, is_import in _css_references(css))
        return list(found)

    def _map_output_to_source(self, path: Path) -> Path:
        output = self.output_folder.resolve()
        if not path.is_relative_to(output):
            return path
        relative = path.relative_to(output)
        if relative.parts[:1] == (ASSETS_FOLDER,):
            return self.styles_folder.joinpath(*relative.parts[1:])
        return self.issues_folder / relative


#: How long a remote image may take to arrive, and how big it may be (`--allow-remote`).
REMOTE_TIMEOUT_SECONDS = 10
REMOTE_MAX_BYTES = 5 * 1024 * 1024


def refuse_remote(url: str, allowed: bool = False) -> ResourceRefused:
    if allowed:
        return ResourceRefused(f"{url}: only https:// images can be fetched with "
                               "--allow-remote; use the https:// address, or save the file "
                               "inside the site")
    return ResourceRefused(f"{url}: addresses on the internet cannot be used in a page; save "
                           "the file inside the site and refer to it there (or build with "
                           "--allow-remote to fetch an https:// image)")


def media_type(path: Path) -> str:
    """The media type of a file by its ending, the same on every machine."""
    return MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")


_CSS_IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?["']?([^"')\s;]+)""", re.IGNORECASE)
_CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+?)["']?\s*\)""", re.IGNORECASE)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


def _css_references(css: str) -> list[tuple[str, bool]]:
    """The addresses a stylesheet loads, each with whether it is another stylesheet."""
    css = _CSS_COMMENT.sub("", css)
    imports = [match[1] for match in _CSS_IMPORT.finditer(css)]
    others = [match[1] for match in _CSS_URL.finditer(css) if match[1] not in imports]
    return [*((reference, True) for reference in imports),
            *((reference, False) for reference in others if not reference.startswith("#"))]


def _page_references(html: str) -> list[tuple[str, str]]:
    """The stylesheets and images an HTML page links, as (address, 'stylesheet' | 'image')."""
    parser = _ReferenceParser()
    parser.feed(html)
    parser.close()
    return parser.references


#: The attributes that name a file to show, by element.
_SOURCES = {"img": ("src",), "object": ("data",), "embed": ("src",), "source": ("src",),
            "image": ("href", "xlink:href"), "input": ("src",), "video": ("poster",)}


class _ReferenceParser(HTMLParser):
    """Finds what a page loads: stylesheets, images (also in `srcset`, `<object>`,
    `<embed>`), and the files named by CSS in `style` attributes and `<style>` elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.references: list[tuple[str, str]] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "link" and "stylesheet" in values.get("rel", "").lower().split():
            self.references.append((values.get("href", ""), "stylesheet"))
        for attribute in _SOURCES.get(tag, ()):
            if values.get(attribute):
                self.references.append((values[attribute], "image"))
        for candidate in values.get("srcset", "").split(","):
            if candidate.strip():
                self.references.append((candidate.split()[0], "image"))
        if values.get("style"):
            self._css(values["style"])
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self._css(data)

    def _css(self, css: str) -> None:
        self.references.extend((reference, "stylesheet" if is_import else "image")
                               for reference, is_import in _css_references(css))
