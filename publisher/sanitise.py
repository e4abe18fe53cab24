"""Raw HTML that authors write, made safe to publish.

Markdown lets an author write HTML among the text of an issue or a block. What reaches a
bulletin is only what the house styles lay out as article content: headings, paragraphs,
lists, tables, quotations, figures, links and images (the allow-list below), with the
attributes they need. Everything else is removed by nh3 (the Python binding of the Rust
sanitiser Ammonia): scripts and event handlers, `javascript:` and other unsafe addresses,
frames and embedded objects, forms, style sheets and `style` attributes, the `<meta>`,
`<link>`, `<base>` and `<title>` a page's head holds (its details come from the front
matter only), and HTML comments. Hidden text (the `hidden` attribute, `aria-hidden="true"`,
an inline `display: none`, `visibility: hidden`, `font-size: 0` or `opacity: 0`) is removed
with everything in it, since text a reader cannot see could still carry words or data into
the PDF.

`clean_html` makes a fragment safe; `unsafe_parts` says what it would remove, where, and
what to do instead, for `publisher check`. The HTML publisher makes itself (its templates,
the blocks placed in an issue) is trusted and never passes through here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser

import nh3

Attributes = Sequence[tuple[str, str | None]]

#: The elements an author may write, for the article content the house styles lay out.
ALLOWED_TAGS = frozenset({
    "h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "div", "span",
    "a", "em", "strong", "b", "i", "u", "s", "small", "sub", "sup", "abbr", "mark", "cite",
    "q", "dfn", "code", "kbd", "samp", "var", "pre", "del", "ins", "time", "wbr",
    "ul", "ol", "li", "dl", "dt", "dd", "blockquote",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "colgroup", "col",
    "figure", "figcaption", "img", "section", "aside", "article", "header", "footer",
})
#: Attributes every allowed element may have, besides `aria-*`.
GLOBAL_ATTRIBUTES = frozenset({"id", "class", "lang", "dir", "role"})
#: Attributes particular elements may have.
ELEMENT_ATTRIBUTES: dict[str, frozenset[str]] = {
    # rel="attachment" would attach the file to the PDF: the build refuses it, with an error.
    "a": frozenset({"href", "title", "hreflang", "rel"}),
    "abbr": frozenset({"title"}),
    "dfn": frozenset({"title"}),
    "img": frozenset({"src", "alt", "width", "height"}),
    "ol": frozenset({"start", "reversed", "type"}),
    "li": frozenset({"value"}),
    "th": frozenset({"scope", "colspan", "rowspan", "headers"}),
    "td": frozenset({"colspan", "rowspan", "headers"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
    "time": frozenset({"datetime"}),
    "del": frozenset({"datetime"}),
    "ins": frozenset({"datetime"}),
}
#: The schemes a link or an image may use; an address without one (relative, or
#: #somewhere in the page) is kept too. An image may also be a data:image/ address, or a
#: file: one: which files a page may load is for the build to say (`publisher.resources`
#: refuses, with an error, any outside the site).
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
IMAGE_SCHEMES = frozenset({"http", "https", "file"})
#: Attributes holding an address that a browser or WeasyPrint would follow or load.
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster",
                            "background", "data", "ping", "srcset", "longdesc", "cite"})

_SCRIPTS = "bulletins cannot run scripts"
_EMBEDS = "a bulletin cannot embed other pages or media; link to them instead"
_FORMS = "a bulletin cannot hold a form; link to the form's own page instead"
_HEAD = ("a page's title, description and keywords come from the issue's front matter "
         "(title, summary, keywords)")
#: Elements removed with everything in them, and what to say to the author.
REMOVED_ELEMENTS: dict[str, str] = {
    "script": _SCRIPTS, "noscript": _SCRIPTS, "template": "its content is never shown",
    "style": "the house style of the series sets the look of every issue",
    "iframe": _EMBEDS, "frame": _EMBEDS, "frameset": _EMBEDS, "object": _EMBEDS,
    "embed": _EMBEDS, "applet": _EMBEDS, "param": _EMBEDS, "noembed": _EMBEDS,
    "noframes": _EMBEDS, "portal": _EMBEDS,
    "form": _FORMS, "input": _FORMS, "button": _FORMS, "select": _FORMS, "option": _FORMS,
    "optgroup": _FORMS, "textarea": _FORMS, "datalist": _FORMS, "keygen": _FORMS,
    "link": _HEAD, "meta": _HEAD, "base": _HEAD, "title": _HEAD, "head": _HEAD,
}
#: Other elements of HTML, whose tags (not their text) are removed. Read as elements while
#: hidden text is looked for, so that a hidden one takes its text away with it.
_OTHER_ELEMENTS = frozenset({
    "acronym", "address", "area", "audio", "bdi", "bdo", "big", "blink", "canvas", "center",
    "data", "details", "dialog", "fieldset", "font", "hgroup", "label", "legend", "main",
    "map", "marquee", "math", "menu", "meter", "nav", "nobr", "output", "picture",
    "progress", "rb", "rp", "rt", "rtc", "ruby", "search", "slot", "source", "strike",
    "summary", "svg", "tt", "track", "video",
})
VOID_ELEMENTS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input",
                           "keygen", "link", "meta", "param", "source", "track", "wbr"})
#: Elements whose content is text up to their end tag, never markup.
RAW_TEXT_ELEMENTS = frozenset({"script", "style", "textarea", "title", "xmp", "iframe",
                               "noembed", "noframes", "noscript", "plaintext"})

_LINKS = ("link only to http://, https://, mailto: or tel: addresses, or to a page or file "
          "in the site")
_IMAGES = "show an image file kept in the site instead, ![like this](chart.png)"
_HIDDEN = ("text a reader cannot see could still be copied from the PDF or found by search "
           "engines; show it, or delete it")
_STYLE = ("the house style of the series sets the look of every issue; use a class it "
          "offers, such as {.panel} on an article's heading")
_TAG_NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_HIDING = {("display", "none"), ("visibility", "hidden"), ("visibility", "collapse")}
_ZERO = re.compile(r"\+?(?:0+\.?0*|\.0+)(?:[a-z]+|%)?")


@dataclass(frozen=True)
class Removal:
    """One thing `clean_html` removes: what it is, why, and where it starts (line and
    column from 1, in the fragment given)."""

    #: `unsafe-html`, `hidden-text`, or `comment` (publisher check's codes).
    code: str
    #: "a <script> element", "the onclick attribute of <a>", "a javascript: link",
    #: "hidden text (<span hidden>)", "an HTML comment".
    what: str
    #: What to do instead.
    advice: str
    line: int = 1
    column: int = 1

    def message(self, place: str = "issue") -> str:
        """`this <script> element is removed from the issue; bulletins cannot run scripts`"""
        subject = self.what
        for article in ("a ", "an "):
            if subject.startswith(article):
                subject = "this " + subject.removeprefix(article)
        if not subject.startswith(("this ", "the ")):
            subject = "this " + subject
        return f"{subject} is removed from the {place}; {self.advice}"


def clean_html(fragment: str) -> str:
    """`fragment` with only what the allow-list allows, and none of its hidden text.

    Well-formed markup that is allowed comes out as it went in, give or take the spelling
    of entities and quotes, which nh3 writes its own way.
    """
    if "<" not in fragment and "&" not in fragment:
        return fragment
    marked = _cleaner(final=False).clean(fragment)
    cleaned: str = _cleaner(final=True).clean(_without_hidden(marked))
    return cleaned


def unsafe_parts(fragment: str) -> list[Removal]:
    """What `clean_html` would remove from `fragment` that its author should know of, in
    order. (Tags and attributes outside the allow-list that are harmless, such as <font>,
    are removed quietly, keeping their text.)"""
    finder = _UnsafeFinder()
    finder.feed(fragment)
    finder.close()
    return finder.found


def unsafe_scheme(address: str, image: bool = False) -> str | None:
    """The scheme of `address` when it may not be published (`javascript`, `data`,
    `file`...), or None when the address is safe: http(s), mailto, tel or an address
    without a scheme; for an `image` (a src), http(s), file or data:image/. Give `address`
    with its entities already decoded; white space and control characters are ignored, as
    browsers ignore them."""
    compact = _CONTROL.sub("", address).lower()
    match = _SCHEME.match(compact)
    if match is None:
        return None
    if image:
        safe = match[1] in IMAGE_SCHEMES or compact.startswith("data:image/")
    else:
        safe = match[1] in URL_SCHEMES
    return None if safe else match[1]


def address_removal(scheme: str, tag: str | None = "a", attribute: str = "href") -> Removal:
    """The removal of an address with an unsafe `scheme` from `tag`'s `attribute`."""
    if tag == "a" and attribute == "href":
        return Removal("unsafe-html", f"a {scheme}: link", _LINKS)
    if tag == "img" and attribute == "src":
        return Removal("unsafe-html", f"a {scheme}: image address", _IMAGES)
    where = f"{attribute}=" if tag is None else f"the {attribute} of <{tag}>"
    return Removal("unsafe-html", f"a {scheme}: address ({where})", _LINKS)


def element_removal(tag: str | None, attributes: Attributes) -> Removal | None:
    """The removal of a whole element, with its content: a removed element such as
    <script>, or a hidden one. None for an element that stays. `tag` None is an element of
    Markdown's own, given attributes by an attribute list ({: hidden})."""
    if tag in REMOVED_ELEMENTS:
        return Removal("unsafe-html", f"{_article(tag)} <{tag}> element", REMOVED_ELEMENTS[tag])
    marker = hidden_marker(attributes)
    if marker is None:
        return None
    written = f"{{: {marker}}}" if tag is None else f"<{tag} {marker}>"
    return Removal("hidden-text", f"hidden text ({written})", _HIDDEN)


def attribute_removals(tag: str | None, attributes: Attributes) -> list[Removal]:
    """The removals of an element's unsafe attributes (for an element that stays): event
    handlers, `style`, unsafe addresses. `tag` None is an element of Markdown's own, given
    attributes by an attribute list ({: onclick=...})."""
    found = []
    of = "" if tag is None else f" of <{tag}>"
    for name, value in attributes:
        name = name.lower()
        if name.startswith("on"):
            found.append(Removal("unsafe-html", f"the {name} attribute{of}", _SCRIPTS))
        elif name == "style":
            found.append(Removal("unsafe-html", f"the style attribute{of}", _STYLE))
        elif name in URL_ATTRIBUTES and value:
            scheme = unsafe_scheme(value, image=(tag in ("img", None) and name == "src"))
            if scheme is not None:
                found.append(address_removal(scheme, tag, name))
    return found


def hidden_marker(attributes: Attributes) -> str | None:
    """How an element with these attributes is hidden from readers, as written for a
    message (`hidden`, `aria-hidden="true"`, `style="display:none"`), or None."""
    for name, value in attributes:
        name = name.lower()
        if name == "hidden":
            return "hidden"
        if name == "aria-hidden" and (value or "").strip().lower() == "true":
            return 'aria-hidden="true"'
        if name == "style" and value:
            declaration = _hiding_declaration(value)
            if declaration:
                return f'style="{declaration}"'
    return None


def _hiding_declaration(style: str) -> str | None:
    """The first declaration of an inline `style` that hides its element, or None."""
    for declaration in _CSS_COMMENT.sub("", style).split(";"):
        prop, _, value = declaration.partition(":")
        prop = "".join(prop.split()).lower()
        value = "".join(value.split()).lower().removesuffix("!important")
        if (prop, value) in _HIDING or (prop in ("font-size", "opacity")
                                        and _ZERO.fullmatch(value)):
            return f"{prop}:{value}"
    return None


def _article(tag: str | None) -> str:
    return "an" if tag and tag[0] in "aeio" else "a"


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    """nh3 keeps data: and file: addresses for images only."""
    if attribute in URL_ATTRIBUTES and unsafe_scheme(value, image=tag == "img"
                                                      and attribute == "src"):
        return None
    return value


@functools.cache
def _cleaner(final: bool) -> nh3.Cleaner:
    """The final cleaner; or (not `final`) the first pass, which keeps every element of
    HTML and the attributes that hide one, so that hidden text can be found and cut."""
    tags = ALLOWED_TAGS if final else ALLOWED_TAGS | _OTHER_ELEMENTS
    attributes = {tag: set(names) for tag, names in ELEMENT_ATTRIBUTES.items()}
    attributes["*"] = set(GLOBAL_ATTRIBUTES) if final else {*GLOBAL_ATTRIBUTES, "hidden",
                                                           "style"}
    return nh3.Cleaner(
        tags=set(tags), clean_content_tags=set(REMOVED_ELEMENTS), attributes=attributes,
        generic_attribute_prefixes={"aria-"}, attribute_filter=_attribute_filter,
        strip_comments=True, link_rel=None, url_schemes={*URL_SCHEMES, *IMAGE_SCHEMES, "data"},
        url_relative="pass_through")


def _without_hidden(html: str) -> str:
    """`html`, as nh3 writes it (every element closed), without its hidden elements."""
    if "hidden" not in html and "style=" not in html:
        return html
    cutter = _HiddenCutter(html)
    cutter.feed(html)
    cutter.close()
    kept, start = [], 0
    for begin, end in cutter.cuts:
        kept.append(html[start:begin])
        start = end
    kept.append(html[start:])
    return "".join(kept)


class _HiddenCutter(HTMLParser):
    """The spans of `html` that hidden elements take, from start tag to end tag."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.html = html
        self.line_starts = [0]
        for line in html.split("\n")[:-1]:
            self.line_starts.append(self.line_starts[-1] + len(line) + 1)
        self.open: list[str] = []
        self.cut_from: int | None = None
        self.cut_depth = 0
        self.cuts: list[tuple[int, int]] = []

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._offset()
        if tag in VOID_ELEMENTS:
            if self.cut_from is None and hidden_marker(attrs):
                self.cuts.append((start, start + len(self.get_starttag_text() or "")))
            return
        self.open.append(tag)
        if self.cut_from is None and hidden_marker(attrs):
            self.cut_from, self.cut_depth = start, len(self.open)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._offset()
        if self.cut_from is None and hidden_marker(attrs):
            self.cuts.append((start, start + len(self.get_starttag_text() or "")))

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.open:
            return
        while self.open.pop() != tag:
            pass
        if self.cut_from is not None and len(self.open) < self.cut_depth:
            end = self.html.index(">", self._offset()) + 1
            self.cuts.append((self.cut_from, end))
            self.cut_from = None

    def close(self) -> None:
        super().close()
        if self.cut_from is not None:
            self.cuts.append((self.cut_from, len(self.html)))
            self.cut_from = None


class _UnsafeFinder(HTMLParser):
    """The removals `unsafe_parts` reports. An element removed whole is reported once,
    and nothing inside it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Removal] = []
        #: The element being removed whole, once for each level of its nesting.
        self.inside: list[str] = []

    def _add(self, removal: Removal) -> None:
        line, column = self.getpos()
        self.found.append(Removal(removal.code, removal.what, removal.advice, line,
                                  column + 1))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not _TAG_NAME.fullmatch(tag):
            return  # not an element: <https://...> or <team@...> in Markdown
        opens = tag not in VOID_ELEMENTS  # `<span/>` opens a span in HTML
        if self.inside:
            if opens and tag == self.inside[0]:
                self.inside.append(tag)
            return
        removal = element_removal(tag, attrs)
        if removal is not None:
            self._add(removal)
            if opens:
                self.inside.append(tag)
            return
        for found in attribute_removals(tag, attrs):
            self._add(found)

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if self.inside and tag == self.inside[0]:
            self.inside.pop()

    def handle_comment(self, data: str) -> None:
        if not self.inside:
            self._add(Removal("comment", "an HTML comment", "comments are never published"))


def tag_parts(raw: str) -> tuple[str, Attributes, bool] | None:
    """The name, attributes and whether it is an end tag of one tag written alone
    (`<span hidden>`, `</span>`); None for a comment or anything else."""
    reader = _TagReader()
    reader.feed(raw)
    reader.close()
    return reader.tag


class _TagReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tag: tuple[str, Attributes, bool] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.tag is None:
            self.tag = (tag, attrs, False)

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if self.tag is None:
            self.tag = (tag, [], True)


def clean_tag(raw: str, tag: str) -> str:
    """One start tag written alone, `<a href="..." onclick="...">`, as the allow-list keeps
    it (`<a href="...">`), or '' if its element is not allowed."""
    if tag not in ALLOWED_TAGS:
        return ""
    if tag in VOID_ELEMENTS:
        return clean_html(raw)
    end = f"</{tag}>"
    return clean_html(raw + end).removesuffix(end)


def element_end(text: str, tag: str, start: int) -> int:
    """Where the element whose start tag ends at `start` in `text` ends: after its end tag,
    counting elements of the same name opened inside it; the end of `text` if it is never
    closed; `start` for a void element."""
    if tag in VOID_ELEMENTS:
        return start
    if tag in RAW_TEXT_ELEMENTS:
        end = re.compile(rf"</{re.escape(tag)}\s*>", re.IGNORECASE).search(text, start)
        return end.end() if end else len(text)
    depth = 1
    for match in re.compile(rf"<(/?){re.escape(tag)}(?=[\s/>])[^>]*>",
                            re.IGNORECASE).finditer(text, start):
        depth += -1 if match[1] else 1
        if depth == 0:
            return match.end()
    return len(text)
