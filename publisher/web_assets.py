"""What a web page loads, made light: its stylesheets as one file, its fonts as WOFF2 subsets.

A page as its template writes it links the house style's stylesheets one by one (brand,
base, the style's own, screen, print), and the stylesheets load whole TrueType fonts: about
2 MB before the first word shows on a phone. The page as written to the output folder
(`bundle_page`) links instead:

- one stylesheet for the screen, `assets/web/site-<digest>.css`: the same rules in the same
  order, each `@font-face` with `font-display: swap`; and the print rules as one more,
  loaded for print only (`media="print"`), so it does not hold up the page;
- its fonts as WOFF2 (fontTools with brotli), subset to the Latin, Latin Extended, Greek
  and punctuation characters bulletins are written in (a character beyond them falls back
  to the reader's own font on screen; the PDF embeds its own subsets, as before);
- the first font preloaded, and the site's favicon (`styles/favicon.svg`).

File names carry a digest of their content, so a host may cache them for a year. The PDF is
made from the page as the template writes it, so it does not change.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

WEB_FOLDER = "web"
FAVICON = "favicon.svg"
#: The characters the fonts keep: Basic Latin, Latin-1 and Latin Extended-A (English,
#: Welsh, Irish, Scots Gaelic, Polish, Romanian, Lithuanian... as the UK's communities
#: write them), combining accents, General Punctuation, currency, letterlike symbols,
#: arrows, the minus and the ligatures.
SUBSET_RANGES = ((0x20, 0x7E), (0xA0, 0x17F), (0x218, 0x21B), (0x300, 0x36F), (0x2000, 0x206F),
                 (0x20A0, 0x20CF), (0x2100, 0x214F), (0x2190, 0x21FF), (0x2212, 0x2212),
                 (0xFB00, 0xFB06))
_SUBSET_VERSION = "2"
_LINK = re.compile(r'<link rel="stylesheet" href="([^"]*)"(?: media="([^"]*)")?>\n?')
_URL = re.compile(r"""url\(\s*(["']?)([^"')]+)\1\s*\)""")
_FONT_FACE = re.compile(r"@font-face\s*\{([^}]*)\}")


@dataclass(frozen=True)
class Bundle:
    """One page's stylesheets as one: its path under assets/, its bytes, and the fonts it
    loads (path under assets/, the TrueType file the WOFF2 is made from)."""

    path: str
    css: bytes
    fonts: tuple[tuple[str, Path], ...]
    #: The stylesheets loaded with it for print only, as bundles of their own.
    also: tuple[Bundle, ...] = ()
    #: Other files the page loads: the favicon (path under assets/, bytes).
    others: tuple[tuple[str, bytes], ...] = ()

    def files(self) -> list[tuple[str, bytes]]:
        """Its files' paths under assets/, and their bytes."""
        return [(self.path, self.css), *((more.path, more.css) for more in self.also),
                *self.others]


def bundle_page(html: str, styles_folder: Path, assets: str) -> tuple[str, Bundle | None]:
    """`html` linking one stylesheet (see the module's docstring) in place of the house
    style's, and that stylesheet; the page as it was if it links none. `assets` is the
    address of the assets folder from the page (`../assets`)."""
    found = [match for match in _LINK.finditer(html)
             if match[1].startswith(assets + "/")]
    if not found:
        return html, None
    sheets = [(match[1][len(assets) + 1:], match[2] or "all") for match in found]
    screen = tuple(sheet for sheet in sheets if sheet[1] != "print")
    printed = tuple((href, "all") for href, media in sheets if media == "print")
    bundle = _bundle(styles_folder, screen, _stamps(styles_folder, screen))
    tags = [f'<link rel="stylesheet" href="{assets}/{bundle.path}">']
    if printed:  # loaded for print only: it does not hold up the page on screen
        for_print = _bundle(styles_folder, printed, _stamps(styles_folder, printed))
        tags.append(f'<link rel="stylesheet" href="{assets}/{for_print.path}" media="print">')
        bundle = Bundle(bundle.path, bundle.css, bundle.fonts, (for_print,))
    if bundle.fonts:
        tags.insert(0, f'<link rel="preload" href="{assets}/{bundle.fonts[0][0]}" as="font" '
                       'type="font/woff2" crossorigin>')
    icon = _favicon(styles_folder / FAVICON)
    if icon is not None:
        tags.append(f'<link rel="icon" href="{assets}/{icon[0]}" type="image/svg+xml">')
        bundle = Bundle(bundle.path, bundle.css, bundle.fonts, bundle.also, (icon,))
    pieces, at = [], 0
    for index, match in enumerate(found):
        pieces.append(html[at:match.start()])
        if index == 0:
            pieces.append("\n".join(tags) + "\n")
        at = match.end()
    return "".join(pieces) + html[at:], bundle


def _favicon(path: Path) -> tuple[str, bytes] | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return f"{WEB_FOLDER}/favicon-{hashlib.sha256(data).hexdigest()[:12]}.svg", data


def woff2(font: Path) -> bytes:
    """The TrueType or OpenType `font` as a WOFF2 subset (see SUBSET_RANGES)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = [*options.layout_features, "onum", "lnum", "tnum", "pnum", "case",
                               "sups", "subs", "frac"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.hinting = False
    options.desubroutinize = True
    options.notdef_outline = True
    with TTFont(font, recalcTimestamp=False) as opened:
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=[code for start, end in SUBSET_RANGES
                                     for code in range(start, end + 1)])
        subsetter.subset(opened)
        written = io.BytesIO()
        opened.flavor = "woff2"
        opened.save(written, reorderTables=False)
    return written.getvalue()


def _stamps(styles_folder: Path, sheets: tuple[tuple[str, str], ...]) -> tuple[object, ...]:
    """What the cache of bundles is keyed by: each stylesheet's size and time."""
    stamps: list[object] = []
    for href, _ in sheets:
        try:
            status = (styles_folder / href).stat()
            stamps.append((status.st_size, status.st_mtime_ns))
        except OSError:
            stamps.append(None)
    return tuple(stamps)


@functools.lru_cache(maxsize=64)
def _bundle(styles_folder: Path, sheets: tuple[tuple[str, str], ...],
            stamps: tuple[object, ...]) -> Bundle:
    parts, fonts = [], []
    for href, media in sheets:
        try:
            css = (styles_folder / href).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # the page's own check says a stylesheet is missing
        css, found = _rewritten(css, styles_folder, posixpath.dirname(href))
        fonts += [font for font in found if font not in fonts]
        parts.append(css if media == "all" else f"@media {media} {{\n{css}\n}}")
    data = "\n".join(parts).encode("utf-8")
    path = f"{WEB_FOLDER}/site-{hashlib.sha256(data).hexdigest()[:12]}.css"
    return Bundle(path, data, tuple(fonts))


def _rewritten(css: str, styles_folder: Path,
               folder: str) -> tuple[str, list[tuple[str, Path]]]:
    """`css` (a stylesheet in `folder` of the assets) as it reads from assets/web/: its
    addresses rewritten, its fonts as WOFF2, `font-display: swap` in each @font-face."""
    fonts: list[tuple[str, Path]] = []

    def address(match: re.Match[str]) -> str:
        target = match[2]
        if re.match(r"[a-z][a-z0-9+.-]*:|#|/", target, re.IGNORECASE):
            return match[0]
        relative = posixpath.normpath(posixpath.join(folder, target))
        source = styles_folder / relative
        if source.suffix.lower() in (".ttf", ".otf") and source.is_file():
            name = f"{WEB_FOLDER}/fonts/{source.stem}-{_font_digest(source)}.woff2"
            fonts.append((name, source))
            return f'url("{name.removeprefix(WEB_FOLDER + "/")}")'
        return f'url("../{relative}")'

    def face(match: re.Match[str]) -> str:
        body = _URL.sub(address, match[1]).replace('format("truetype")', 'format("woff2")') \
            .replace('format("opentype")', 'format("woff2")')
        swap = "" if "font-display" in body else " font-display: swap;"
        return f"@font-face {{{body.rstrip()}{swap} }}"

    pieces, at = [], 0
    for match in _FONT_FACE.finditer(css):
        pieces += [_URL.sub(address, css[at:match.start()]), face(match)]
        at = match.end()
    return "".join(pieces) + _URL.sub(address, css[at:]), fonts


@functools.lru_cache(maxsize=64)
def _font_digest(font: Path) -> str:
    data = font.read_bytes() + _SUBSET_VERSION.encode()
    return hashlib.sha256(data).hexdigest()[:12]


def fonts_of(css: bytes, styles_folder: Path) -> list[tuple[str, Path]]:
    """The WOFF2 fonts a bundle loads (their paths under assets/), each with its source."""
    names = set(re.findall(rb'url\("(fonts/[^"]+\.woff2)"\)', css))
    sources = {f"fonts/{font.stem}-{_font_digest(font)}.woff2": font
               for font in sorted(styles_folder.rglob("*"))
               if font.suffix.lower() in (".ttf", ".otf") and font.is_file()}
    return [(f"{WEB_FOLDER}/{name.decode()}", sources[name.decode()])
            for name in sorted(names) if name.decode() in sources]


def cached_woff2(font: Path) -> bytes:
    """`woff2(font)`, kept in the user's cache folder: subsetting a font takes a second,
    and the result depends only on the font's bytes."""
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "publisher"
    path = cache / "woff2" / f"{font.stem}-{_font_digest(font)}.woff2"
    try:
        return path.read_bytes()
    except OSError:
        pass
    data = woff2(font)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError:
        pass  # no cache: made again next time
    return data
