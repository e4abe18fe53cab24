"""What a web page loads, made light: its stylesheets as one file, its fonts as WOFF2 subsets.

A page as its template writes it links the house style's stylesheets one by one (brand,
base, the style's own, screen, print), and the stylesheets load whole TrueType fonts: about
2 MB before the first word shows on a phone. The page as written to the output folder
(`bundle_page`) links instead:

- one stylesheet for the screen, `assets/web/site-<digest>.css`: the same rules in the same
  order (an @import'ed sheet in its place), each `@font-face` with `font-display: swap`;
  and the print rules as one more, loaded for print only (`media="print"`), so it does not
  hold up the page;
- its fonts as WOFF2 (fontTools with brotli), subset to the Latin, Latin-1, Latin
  Extended-A and punctuation characters bulletins are written in (SUBSET_RANGES; a
  character beyond them falls back to the reader's own font on screen; the PDF embeds its
  own subsets, as before);
- the fonts of the first screen preloaded, so that the page does not shift when they
  arrive: those a house style names in `--preload-fonts...` custom properties (each
  stylesheet may add its own, `--preload-fonts-issue: url(...) url(...)`); and the site's
  favicon (`styles/favicon.svg`).

File names carry a digest of their content, so a host may cache them for a year. The PDF is
made from the page as the template writes it, so it does not change.
"""

from __future__ import annotations

import functools
import hashlib
import io
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from publisher.user_cache import cached_bytes

WEB_FOLDER = "web"
FAVICON = "favicon.svg"
#: The characters of each font's first file: Basic Latin, Latin-1 and Latin Extended-A
#: (English, Welsh, Irish, Scots Gaelic, Polish, Romanian, Lithuanian... as the UK's
#: communities write them), combining accents, General Punctuation, currency, letterlike
#: symbols, arrows, the minus and the ligatures. Its second file has the font's other
#: characters (Greek, Cyrillic, symbols), and is loaded only by a page that shows one.
SUBSET_RANGES = ((0x20, 0x7E), (0xA0, 0x17F), (0x218, 0x21B), (0x300, 0x36F), (0x2000, 0x206F),
                 (0x20A0, 0x20CF), (0x2100, 0x214F), (0x2190, 0x21FF), (0x2212, 0x2212),
                 (0xFB00, 0xFB06))
_SUBSET_VERSION = "3"
#: The two files of each font: the characters in SUBSET_RANGES, and the others.
LATIN, MORE = "latin", "more"
_LINK = re.compile(r'<link rel="stylesheet" href="([^"]*)"(?: media="([^"]*)")?>\n?')
_URL = re.compile(r"""url\(\s*(["']?)([^"')]+)\1\s*\)""")
_FONT_FACE = re.compile(r"@font-face\s*\{([^}]*)\}")
#: A digest in the address of a file the bundle made: `web/site-<digest>.css`, a font's, the
#: favicon's.
_ASSET_DIGEST = re.compile(rb'(/' + WEB_FOLDER.encode() + rb'/(?:fonts/)?[\w.-]*?-)[0-9a-f]{12}'
                           rb'(\.(?:css|woff2|svg)")')
_ASSET_LINK = re.compile(rb'<link rel="(?:preload|icon)" href="[^"]*/' + WEB_FOLDER.encode()
                         + rb'/[^"]*"[^>]*>\n')
_PRELOAD = re.compile(r"--preload-fonts[\w-]*\s*:([^;}]*)")
_IMPORT = re.compile(r"""@import\s+(?:url\(\s*(["']?)([^"')]+)\1\s*\)|(["'])([^"']+)\3)"""
                     r"""\s*([^;]*);""")


@dataclass(frozen=True)
class Bundle:
    """One page's stylesheets as one: its path under assets/ and its bytes."""

    path: str
    css: bytes
    #: The stylesheets loaded with it for print only, as bundles of their own.
    also: tuple[Bundle, ...] = ()
    #: Other files the page loads: the favicon (path under assets/, bytes).
    others: tuple[tuple[str, bytes], ...] = ()
    #: The site files those others are made from, for the page's fingerprint.
    read: tuple[Path, ...] = ()

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
    bundle = _bundle(styles_folder, screen)
    tags = [f'<link rel="stylesheet" href="{assets}/{bundle.path}">']
    if printed:  # loaded for print only: it does not hold up the page on screen
        for_print = _bundle(styles_folder, printed)
        tags.append(f'<link rel="stylesheet" href="{assets}/{for_print.path}" media="print">')
        bundle = Bundle(bundle.path, bundle.css, (for_print,))
    tags[:0] = [f'<link rel="preload" href="{assets}/{font}" as="font" type="font/woff2" '
                'crossorigin>' for font in _preloaded(bundle.css)]
    icon = _favicon(styles_folder / FAVICON)
    if icon is not None:
        tags.append(f'<link rel="icon" href="{assets}/{icon[0]}" type="image/svg+xml">')
        bundle = Bundle(bundle.path, bundle.css, bundle.also, (icon,),
                        (styles_folder / FAVICON,))
    pieces, at = [], 0
    for index, match in enumerate(found):
        pieces.append(html[at:match.start()])
        if index == 0:
            pieces.append("\n".join(tags) + "\n")
        at = match.end()
    return "".join(pieces) + html[at:], bundle


def _preloaded(css: bytes) -> list[str]:
    """The fonts the stylesheets ask to be preloaded (their paths under assets/): those of
    the page's first screen, which would otherwise shift the page when they arrive. A house
    style names them in a `--preload-fonts` custom property, in `url()`s."""
    found: list[str] = []
    for declaration in _PRELOAD.finditer(css.decode("utf-8")):
        found += [f"{WEB_FOLDER}/{match[2]}" for match in _URL.finditer(declaration[1])
                  if match[2].startswith("fonts/")]
    return list(dict.fromkeys(found))


def without_asset_digests(html: bytes) -> bytes:
    """The page `html` without what its stylesheets and the favicon put in it: the digests in
    its assets' addresses, the fonts preloaded and the favicon's link. Two pages the same but
    for the stylesheets, fonts or favicon they load are the same here."""
    return _ASSET_DIGEST.sub(rb"\1\2", _ASSET_LINK.sub(b"", html))


def _favicon(path: Path) -> tuple[str, bytes] | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return f"{WEB_FOLDER}/favicon-{hashlib.sha256(data).hexdigest()[:12]}.svg", data


def woff2(font: Path, part: str = LATIN) -> bytes:
    """One of the files of the TrueType or OpenType `font` as WOFF2: LATIN, its characters
    in SUBSET_RANGES, or MORE, its others."""
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
    latin = {code for start, end in SUBSET_RANGES for code in range(start, end + 1)}
    with TTFont(font, recalcTimestamp=False) as opened:
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=sorted(latin if part == LATIN
                                           else set(opened.getBestCmap()) - latin))
        subsetter.subset(opened)
        written = io.BytesIO()
        opened.flavor = "woff2"
        opened.save(written, reorderTables=False)
    return written.getvalue()


#: A file a bundle was made from (or looked for), with its size and time before reading.
_Read = tuple[Path, tuple[int, int] | None]


#: Bundles made in this process, by styles folder and sheets: with the size and time of
#: each file they were made from, the sheets they import and the fonts they name included
#: (`serve` builds again after an edit in the same process).
_bundles: dict[tuple[Path, tuple[tuple[str, str], ...]], tuple[tuple[_Read, ...], Bundle]] = {}


def _bundle(styles_folder: Path, sheets: tuple[tuple[str, str], ...]) -> Bundle:
    kept = _bundles.get((styles_folder, sheets))
    if kept is not None and all(_stamp(path) == stamp for path, stamp in kept[0]):
        return kept[1]
    read: list[_Read] = []
    parts = []
    for href, media in sheets:
        css = _inlined(styles_folder, href, (), read)
        if css is not None:
            parts.append(css if media == "all" else f"@media {media} {{\n{css}\n}}")
    data = "\n".join(parts).encode("utf-8")
    path = f"{WEB_FOLDER}/site-{hashlib.sha256(data).hexdigest()[:12]}.css"
    bundle = Bundle(path, data)
    _bundles[(styles_folder, sheets)] = (tuple(dict.fromkeys(read)), bundle)
    return bundle


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns


def _inlined(styles_folder: Path, href: str, importing: tuple[str, ...],
             read: list[_Read]) -> str | None:
    """The stylesheet at `href` (under the styles folder) as it reads from assets/web/, with
    the sheets it @imports put in its place: an @import after the first rule of one file is
    ignored by browsers, so the sheets cannot simply be put one after another. None if it
    cannot be read (the page's check says so). Each file looked for is added to `read`."""
    if href in importing:  # a sheet importing itself, at some remove: once is enough
        return ""
    file = styles_folder / href
    read.append((file, _stamp(file)))
    try:
        css = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    folder = posixpath.dirname(href)

    def imported(match: re.Match[str]) -> str:
        target = match[2] or match[4]
        if re.match(r"[a-z][a-z0-9+.-]*:|/", target, re.IGNORECASE):
            return match[0]  # not one of ours: left to the browser
        path = posixpath.normpath(posixpath.join(folder, target))
        sheet = None if path.startswith("../") else _inlined(styles_folder, path,
                                                            (*importing, href), read)
        media = match[5].strip()
        if sheet is None:
            return ""  # outside the styles folder, or missing: the page's check says so
        return sheet if not media or media == "all" else f"@media {media} {{\n{sheet}\n}}"

    # The imported sheets go in after this one's addresses are rewritten: theirs already are.
    inner: list[str] = []

    def placeholder(match: re.Match[str]) -> str:
        inner.append(imported(match))
        return f"/*@import {len(inner) - 1}*/"

    css = _rewritten(_IMPORT.sub(placeholder, css), styles_folder, folder, read)
    return re.sub(r"/\*@import (\d+)\*/", lambda match: inner[int(match[1])], css)


def _rewritten(css: str, styles_folder: Path, folder: str, read: list[_Read]) -> str:
    """`css` (a stylesheet in `folder` of the assets) as it reads from assets/web/: its
    addresses rewritten, and each @font-face of a TrueType or OpenType font as two of its
    WOFF2 files (see SUBSET_RANGES), each with its `unicode-range`, with `font-display:
    swap`. Each file it names is added to `read`: a font's address holds its digest."""

    def source(target: str) -> Path | None:
        if re.match(r"[a-z][a-z0-9+.-]*:|#|/", target, re.IGNORECASE):
            return None  # not a file of ours
        path = styles_folder / posixpath.normpath(posixpath.join(folder, target))
        read.append((path, _stamp(path)))
        return path

    def address(match: re.Match[str], part: str = LATIN) -> str:
        path = source(match[2])
        if path is None:
            return match[0]
        if _is_font(path):
            return f'url("{_font_name(path, part)}")'
        return f'url("../{path.relative_to(styles_folder).as_posix()}")'

    def face(match: re.Match[str]) -> str:
        if not any(_is_font(path) for url in _URL.finditer(match[1])
                   if (path := source(url[2])) is not None):
            return f"@font-face {{{_URL.sub(address, match[1])}}}"
        faces = []
        for part, ranges in ((LATIN, _LATIN_RANGE), (MORE, _MORE_RANGE)):
            body = _URL.sub(lambda url, part=part: address(url, part), match[1]) \
                .replace('format("truetype")', 'format("woff2")') \
                .replace('format("opentype")', 'format("woff2")').rstrip()
            swap = "" if "font-display" in body else " font-display: swap;"
            faces.append(f"@font-face {{{body}{swap} unicode-range: {ranges}; }}")
        return "\n".join(faces)

    pieces, at = [], 0
    for match in _FONT_FACE.finditer(css):
        pieces += [_URL.sub(address, css[at:match.start()]), face(match)]
        at = match.end()
    return "".join(pieces) + _URL.sub(address, css[at:])


def _is_font(path: Path) -> bool:
    return path.suffix.lower() in (".ttf", ".otf") and path.is_file()


def _unicode_range(ranges: list[tuple[int, int]]) -> str:
    return ", ".join(f"U+{start:X}" if start == end else f"U+{start:X}-{end:X}"
                     for start, end in ranges)


def _others(ranges: tuple[tuple[int, int], ...]) -> list[tuple[int, int]]:
    """The code points not in `ranges` (sorted, apart)."""
    gaps, at = [], 0
    for start, end in ranges:
        if start > at:
            gaps.append((at, start - 1))
        at = end + 1
    return [*gaps, (at, 0x10FFFF)]


_LATIN_RANGE = _unicode_range(list(SUBSET_RANGES))
_MORE_RANGE = _unicode_range(_others(SUBSET_RANGES))


def _font_name(font: Path, part: str) -> str:
    """The path under assets/web/ of one of the WOFF2 files of `font`."""
    status = font.stat()
    digest = _font_digest(font, status.st_mtime_ns, status.st_size)
    return f"fonts/{font.stem}.{part}-{digest}.woff2"


@functools.lru_cache(maxsize=64)
def _font_digest(font: Path, mtime: int, size: int) -> str:
    """A digest of the font's bytes; kept while its time and size stay (`serve` builds again
    in one process after a font is replaced)."""
    data = font.read_bytes() + _SUBSET_VERSION.encode()
    return hashlib.sha256(data).hexdigest()[:12]


def fonts_of(bundles: list[bytes], styles_folder: Path) -> list[tuple[str, Path, str]]:
    """The WOFF2 files the `bundles` load (their paths under assets/), each with its source
    font and which of its files it is (LATIN or MORE). All at once: the styles folder is
    looked through, and each font's name made, once for every bundle of a build."""
    names = {name for css in bundles
             for name in re.findall(rb'url\("(fonts/[^"]+\.woff2)"\)', css)}
    if not names:
        return []
    sources = {_font_name(font, part): (font, part)
               for font in sorted(styles_folder.rglob("*"))
               if font.suffix.lower() in (".ttf", ".otf") and font.is_file()
               for part in (LATIN, MORE)}
    return [(f"{WEB_FOLDER}/{name}", *sources[name])
            for name in sorted(name.decode() for name in names) if name in sources]


def cached_woff2(font: Path, part: str) -> bytes:
    """`woff2(font, part)`, kept in the user's cache folder: subsetting a font takes a
    second, and the result depends only on the font's bytes."""
    return cached_bytes("woff2", _font_name(font, part).removeprefix("fonts/"),
                        lambda: woff2(font, part))
