"""SVG images, read safely and refused when they hold anything but a picture.

An SVG is a document, not only a picture: it can carry scripts and event handlers, HTML
(`<foreignObject>`), frames, and references that load files from the computer or the
internet. The build copies an issue's images byte for byte beside its HTML page, where
the web server hands an SVG out as `image/svg+xml`; a reader who opens it directly runs
whatever it holds, on the site's own address. WeasyPrint, laying out the PDF, follows its
references, and turns a refused one into a mere warning.

So an SVG is read here before it is used, and refused with an error for each problem
rather than cleaned. Refusing is deterministic: the file in `output/` is always the file
in the site, so an archived issue never silently differs from its sources, and a
rebuild years later gives the same bytes. The officer learns what is wrong and fixes the
picture once (drawing programs export plain SVG); a cleaner would have to rewrite XML it
only partly understands, and a picture with something taken out may not show what its
author drew.

The file is read with the standard library's expat, which never fetches anything: a
DOCTYPE's external parts are not loaded, and a DOCTYPE that declares entities is refused
as soon as the declaration is met, before any could be expanded (a "billion laughs" file
of a few lines would expand into gigabytes). Each problem has its line.

Allowed: drawing, text, styles, gradients and filters; references within the picture
(`#id`), to pictures in `data:image/...` addresses (an SVG one is read the same way), and
to other files inside the site by a relative path; links (`<a href>`) to http://,
https://, mailto: and tel: addresses or within the site.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit
from xml.parsers import expat

#: Problems reported for one file; reading stops at the next, so that a hostile file of a
#: million handlers gives a screenful, not a million lines.
MAX_PROBLEMS = 10
#: SVG pictures inside one another in data: addresses, at most; each one is read too.
MAX_DATA_DEPTH = 3

_SCRIPTS = "a bulletin's images cannot run scripts"
_EXPORT_PLAIN = ("export the picture again without scripts (in Inkscape: Save As, Plain SVG) "
                 "or save it as PNG")
_EMBEDS = "a bulletin's images cannot embed other pages or media"
_OUTSIDE = "a page may use only files inside the site's own folders"
_LINKS = ("an SVG may link only to http://, https://, mailto: and tel: addresses, and use "
          "only pictures in data:image/ addresses and files inside the site")

#: Elements that run scripts, by their name in lower case, in any namespace.
SCRIPT_ELEMENTS = frozenset({"script", "handler", "listener"})
#: Elements that embed another document or media.
EMBED_ELEMENTS = frozenset({"iframe", "frame", "frameset", "embed", "object", "applet",
                            "audio", "video", "animation", "portal"})
#: Animations, which can set an attribute to any value while the picture is shown.
ANIMATION_ELEMENTS = frozenset({"set", "animate", "animatecolor", "animatemotion",
                                "animatetransform"})
#: Schemes a link (`<a href>`) may use.
LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
#: Schemes that run a script when followed.
SCRIPT_SCHEMES = frozenset({"javascript", "vbscript", "livescript"})

_XLINK = "http://www.w3.org/1999/xlink"
_XML = "http://www.w3.org/XML/1998/namespace"
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
_LINE_BREAKS = re.compile(r"[\t\n\r]+")
_SPACES = "".join(map(chr, range(0x21)))
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")
_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|$)", re.DOTALL)
_CSS_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})[ \t\r\n\f]?|(\n)|(.))", re.DOTALL)
_CSS_NAMESPACE = re.compile(r"@namespace[^;]*;?", re.IGNORECASE)
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)|'([^']*)|([^)\s"']*))""", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"""@import\s*(?:"([^"]*)|'([^']*))""", re.IGNORECASE)
_CSS_IMAGE_SET = re.compile(r"image(?:-set)?\(([^)]*)", re.IGNORECASE)
_CSS_STRING = re.compile(r""""([^"]*)"|'([^']*)'""")
_PSEUDO_ATTRIBUTE = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


@dataclass(frozen=True)
class SvgProblem:
    """One thing wrong in an SVG: where (its line, or None for the whole file) and what is
    wrong and what to do."""

    line: int | None
    #: `the SVG has a <script> element; ...`, or for the whole file `is not an SVG ...`,
    #: which follows the file's name.
    text: str

    def message(self, shown: str) -> str:
        """The problem said of the file `shown`: `chart.svg:3: the SVG has ...`."""
        if self.line is None:
            return f"{shown} {self.text}"
        return f"{shown}:{self.line}: {self.text}"


#: Says why a relative reference to another file (its path, unquoted) cannot be used, and
#: what to do, after the words naming it (`which is outside the site; ...`); None if it can.
LocalCheck = Callable[[str], str | None]


def svg_problems(data: bytes, local: LocalCheck | None = None) -> list[SvgProblem]:
    """Every problem in the SVG document `data` (at most MAX_PROBLEMS, then a note that
    reading stopped), in the order found; none for a picture that is safe to publish.

    `local` judges references to other files by a relative path (see `site_files`); without
    it they are not looked at.
    """
    return _Reader(local, depth=0).read(data)


def site_files(folder: Path, site_root: Path) -> LocalCheck:
    """A check of references from an SVG in `folder`: each must be a file inside the site
    at `site_root` (after symbolic links are followed), and be there."""
    root = site_root.resolve()

    def check(path: str) -> str | None:
        target = (folder / path).resolve()
        if not target.is_relative_to(root):
            return (f"which is outside the site; {_OUTSIDE}; put the file beside the SVG and "
                    "refer to it by its name, or save the picture as PNG")
        if not target.is_file():
            return ("which is not in the site, so the picture would be drawn without it; "
                    "check the name, or put the file beside the SVG")
        return None

    return check


class _Stop(Exception):
    """Reading ends here: a DOCTYPE declares entities, or enough problems are found."""


class _Reader:
    """One SVG document read with expat, its problems gathered as its events come."""

    def __init__(self, local: LocalCheck | None, depth: int):
        self.local = local
        self.depth = depth
        self.problems: list[SvgProblem] = []
        self.root: str | None = None
        self.style: list[str] | None = None  # the text of a <style> element being read
        self.style_line = 0
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.namespace_prefixes = True
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._text
        self.parser.EntityDeclHandler = self._entity
        self.parser.ProcessingInstructionHandler = self._instruction

    def read(self, data: bytes) -> list[SvgProblem]:
        not_svg = _not_svg(data)
        if not_svg is not None:
            return [SvgProblem(None, not_svg)]
        try:
            self.parser.Parse(data, True)
        except _Stop:
            pass
        except expat.ExpatError as error:
            with contextlib.suppress(_Stop):  # the note that reading stopped is there already
                self._add(error.lineno, f"the SVG is not well-formed XML "
                          f"({_expat_reason(error)}); open it in a drawing program and save it "
                          "again, or save it as PNG")
            return self.problems
        if self.root is not None and self.root != "svg":
            return [SvgProblem(None, f"is not an SVG image (its first element is <{self.root}>, "
                                     "not <svg>); save or export it again as PNG, JPEG or SVG")]
        return self.problems

    def _add(self, line: int | None, text: str) -> None:
        if len(self.problems) == MAX_PROBLEMS:
            self.problems.append(SvgProblem(line, f"the SVG has more problems from here on; "
                                            f"publisher stops reading after {MAX_PROBLEMS}; "
                                            "fix these, or save the picture as PNG"))
            raise _Stop
        self.problems.append(SvgProblem(line, text))

    @property
    def line(self) -> int:
        return self.parser.CurrentLineNumber

    # expat's events

    def _entity(self, name: str, *_: object) -> None:
        self._add(self.line, f"the SVG declares entities in its DOCTYPE (<!ENTITY {name} ...>); "
                  "publisher does not expand entities, as a few lines of them can grow into "
                  "gigabytes; export the picture again (in Inkscape: Save As, Plain SVG; in "
                  "Illustrator: Export As, SVG) or save it as PNG")
        raise _Stop  # before anything could be expanded

    def _instruction(self, target: str, data: str) -> None:
        if target.lower() != "xml-stylesheet":
            return
        pseudo = {match[1].lower(): match[2] if match[2] is not None else match[3]
                  for match in _PSEUDO_ATTRIBUTE.finditer(data)}
        if pseudo.get("type", "text/css").strip().lower() != "text/css":
            self._add(self.line, "the SVG has a <?xml-stylesheet?> of type "
                      f"{pseudo['type']}, a transformation that can add scripts; {_SCRIPTS}; "
                      + _EXPORT_PLAIN)
        elif "href" in pseudo:
            self._reference(pseudo["href"], "href of <?xml-stylesheet?>")

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        _, local, shown = _name(name)
        element = local.lower()
        if self.root is None:
            self.root = local
        self._element(element, shown, attributes)
        for attribute, value in attributes.items():
            self._attribute(element, shown, attribute, value)
        if element == "style":
            self.style, self.style_line = [], self.line

    def _end(self, name: str) -> None:
        if self.style is not None and _name(name)[1].lower() == "style":
            self._css("".join(self.style), "in <style>", self.style_line)
            self.style = None

    def _text(self, text: str) -> None:
        if self.style is not None:
            if not self.style:
                self.style_line = self.line
            self.style.append(text)

    # What each element and attribute may hold

    def _element(self, element: str, shown: str, attributes: dict[str, str]) -> None:
        if element in SCRIPT_ELEMENTS:
            self._add(self.line, f"the SVG has {_a(shown)} element; {_SCRIPTS}; {_EXPORT_PLAIN}")
        elif element == "foreignobject":
            self._add(self.line, f"the SVG has {_a(shown)} element (HTML inside the picture); "
                      "a bulletin's images can hold only drawing and text; export the picture "
                      "again with its text as SVG text (in Inkscape: Save As, Plain SVG) or "
                      "save it as PNG")
        elif element in EMBED_ELEMENTS:
            self._add(self.line, f"the SVG has {_a(shown)} element; {_EMBEDS}; remove it, or "
                      "save the picture as PNG")
        elif element in ANIMATION_ELEMENTS:
            target = attributes.get("attributeName", "").split(":")[-1].strip().lower()
            if target in ("href", "src", "base") or target.startswith("on"):
                self._add(self.line, f"the SVG has {_a(shown)} that changes {target}= while "
                          "the picture is shown, which publisher cannot check; remove the "
                          "animation (a printed page does not move), or save the picture as PNG")

    def _attribute(self, element: str, shown: str, attribute: str, value: str) -> None:
        namespace, local, written = _name(attribute)
        where = f"{written} on <{shown}>"
        if not namespace and local.lower().startswith("on"):
            self._add(self.line, f"the SVG has an event handler ({where}), which runs a "
                      f"script; {_SCRIPTS}; {_EXPORT_PLAIN}")
        elif namespace == _XML and local == "base":
            self._add(self.line, f"the SVG has {where}, which changes where its references "
                      "lead, so publisher cannot check them; remove it, or export the picture "
                      "again (in Inkscape: Save As, Plain SVG)")
        elif local in ("href", "src") and namespace in ("", _XLINK):
            self._reference(value, where, link=element == "a" and local == "href")
        elif local == "style" or "(" in value or "@" in value:
            self._css(value, where, self.line)

    def _css(self, css: str, where: str, line: int) -> None:
        """The references in CSS (a <style> element, or an attribute) starting on `line`."""
        for offset, reference in _css_references(css):
            self._reference(reference, where, line=line + offset)

    def _reference(self, address: str, where: str, link: bool = False,
                   line: int | None = None) -> None:
        problem = self._reference_problem(address, where, link)
        if problem is not None:
            self._add(line or self.line, problem)

    def _reference_problem(self, address: str, where: str, link: bool) -> str | None:
        """Why the SVG may not use (or, as a `link`, link to) `address`, or None."""
        # Browsers drop tabs and line breaks anywhere in an address, and spaces and control
        # characters around it; its scheme is read with every one of them dropped.
        cleaned = _LINE_BREAKS.sub("", address).strip(_SPACES)
        scheme = _SCHEME.match(_CONTROL.sub("", address).lower())
        name = scheme[1] if scheme else None
        if not cleaned or cleaned.startswith("#"):
            return None
        if name == "data":
            return self._data_problem(cleaned, where)
        if name in SCRIPT_SCHEMES:
            return f"the SVG has a {name}: address ({where}); {_SCRIPTS}; {_EXPORT_PLAIN}"
        if link:
            return None if name is None or name in LINK_SCHEMES else (
                f"the SVG has a {name}: link ({where}); {_LINKS}; remove it, or save the "
                "picture as PNG")
        shown = cleaned if len(cleaned) <= 60 else cleaned[:57] + "..."
        found = f"the SVG has a reference to {shown} ({where})"
        if name is None and not cleaned.startswith(("/", "\\")):
            why = self.local(unquote(urlsplit(cleaned).path)) if self.local else None
            return None if why is None else f"{found}, {why}"
        if cleaned.startswith("//") or (name not in (None, "file") and len(name or "") > 1
                                        and "//" in cleaned[:len(name or "") + 4]):
            return (f"{found}, an address on the internet; {_OUTSIDE}; save the file inside "
                    "the site and refer to it by its name, or save the picture as PNG")
        if name is None or name == "file" or len(name) == 1:  # /home/..., file:, C:\...
            return (f"{found}, a file outside the site; {_OUTSIDE}; put the file beside the "
                    "SVG and refer to it by its name, or save the picture as PNG")
        return (f"the SVG has a {name}: address ({where}); {_LINKS}; remove it, or save the "
                "picture as PNG")

    def _data_problem(self, address: str, where: str) -> str | None:
        """Why a data: address cannot be used: not a picture, or an SVG picture with a
        problem of its own (read as this one is)."""
        header, _, payload = address[len("data:"):].partition(",")
        kind = header.split(";")[0].strip().lower()
        if not kind.startswith("image/"):
            return (f"the SVG has a data: address that is not a picture ({kind or 'text'}, "
                    f"{where}); {_LINKS}; remove it, or save the picture as PNG")
        if kind != "image/svg+xml":
            return None
        if self.depth + 1 > MAX_DATA_DEPTH:
            return (f"the SVG has SVG pictures in data: addresses more than {MAX_DATA_DEPTH} "
                    f"deep, one inside another ({where}); save the picture as PNG")
        inner = _decoded(payload, base64_encoded=";base64" in header.lower())
        if inner is None:
            return (f"the SVG has a data: picture that cannot be decoded ({where}); export "
                    "the picture again, or save it as PNG")
        found = _Reader(None, self.depth + 1).read(inner)
        if not found:
            return None
        text = found[0].text if found[0].line is not None else f"it {found[0].text}"
        return f"in the SVG picture in a data: address ({where}), {text}"


def _not_svg(data: bytes) -> str | None:
    """What the file is instead of an SVG document, said after its name, or None if it may
    be one (XML, in UTF-8 or UTF-16)."""
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not start:
        return "is not an SVG image (the file is empty); save or export it again as SVG"
    if start.startswith((b"<", b"\xff\xfe", b"\xfe\xff")):
        return None
    return ("is not an SVG image (its content is not an image publisher can read); save or "
            "export it again as PNG, JPEG or SVG")


def _a(element: str) -> str:
    """`<element>` with its article: `an <iframe>`, `a <script>`."""
    return f"{'an' if element[:1].lower() in 'aeiou' else 'a'} <{element}>"


def _name(name: str) -> tuple[str, str, str]:
    """An expat name `uri local prefix` as its namespace, local name and the name as
    written (`xlink:href`)."""
    parts = name.split(" ")
    if len(parts) == 1:
        return "", name, name
    written = f"{parts[2]}:{parts[1]}" if len(parts) == 3 else parts[1]
    return parts[0], parts[1], written


def _expat_reason(error: expat.ExpatError) -> str:
    return f"{expat.ErrorString(error.code)}, column {error.offset + 1}"


def _decoded(payload: str, base64_encoded: bool) -> bytes | None:
    if not base64_encoded:
        return unquote_to_bytes(payload)
    try:
        return base64.b64decode(_CONTROL.sub("", unquote(payload)), validate=True)
    except (binascii.Error, ValueError):
        return None


def _css_references(css: str) -> list[tuple[int, str]]:
    """The addresses CSS loads (url(), @import, image-set()), each with the number of lines
    before it; its escapes (`\\75 rl(`) decoded and comments dropped first, as browsers
    read it."""
    css = _CSS_COMMENT.sub(lambda match: "\n" * match[0].count("\n"), css)
    css = _CSS_ESCAPE.sub(_unescape, css)
    css = _CSS_NAMESPACE.sub("", css)  # @namespace url(...) names, and loads nothing
    found = [(match.start(), next(group for group in match.groups() if group is not None))
             for pattern in (_CSS_URL, _CSS_IMPORT) for match in pattern.finditer(css)]
    for function in _CSS_IMAGE_SET.finditer(css):
        found += [(function.start() + string.start(), string[1] if string[1] is not None
                   else string[2]) for string in _CSS_STRING.finditer(function[1])]
    return [(css.count("\n", 0, start), reference) for start, reference in sorted(found)]


def _unescape(match: re.Match[str]) -> str:
    if match[1]:
        code = int(match[1], 16)
        return chr(code) if 0 < code <= 0x10FFFF else "\ufffd"
    return "" if match[2] else match[3]
