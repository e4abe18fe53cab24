"""An issue as an email: the same page, made to hold in mail programs that are not browsers.

Outlook on Windows draws mail with Word's engine, Gmail drops most `<style>` and clips a
message over about 102 KB, and phones are narrow. So the email is:

- the issue's body from its page, every box in it (a component, a block, a slot) turned
  into a one-cell table that keeps its classes, so a grid's cards stack as rows and
  nothing needs CSS grid, flex or floats;
- every link and image address made absolute under the site's `archive_url`, every image
  given its width and height (an SVG, which mail programs do not show, becomes a link to
  the picture on the web page, named by its description);
- laid out by `templates/email/issue.html`, about 600 px wide, styled by
  `styles/email.css` with every rule inlined (css-inline), so no `<style>` is left;
- with a plain-text part (`plain_text`) that reads well on its own, and a `.eml` file
  (multipart/alternative) that opens in Outlook ready to send.
"""

from __future__ import annotations

import email.policy
import hashlib
import io
import re
import textwrap
import xml.etree.ElementTree as etree
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from typing import Any
from urllib.parse import urljoin, urlsplit

import css_inline
import tinyhtml5
from PIL import Image

EMAIL_TEMPLATE = "email/issue.html"
EMAIL_STYLESHEET = "email.css"
#: The widest an image is drawn: the email's 600 px less its margins.
IMAGE_WIDTH = 552
#: Elements that are boxes on the page; in the email each becomes a table.
_BOXES = {"div", "section", "aside", "figure", "nav", "article", "header", "footer"}
_HTML = "{http://www.w3.org/1999/xhtml}"
#: A line break (<br>) in text on its way to being wrapped, where other newlines are spaces.
_BREAK = "\x00"


@dataclass(frozen=True)
class EmailParts:
    html: str
    text: str


def email_body(body: str, page_address: str, image_file: Any) -> str:
    """The page's body HTML made safe for mail programs (see the module's docstring).
    `image_file(src)` gives the source file of an image the page shows, or None."""
    root = _parse(body)
    for element in list(root.iter()):
        if element.tag == "img":
            _absolute_image(element, page_address, image_file)
        elif element.tag == "a" and element.get("href"):
            element.set("href", _absolute(element.get("href", ""), page_address))
    _tables_for_boxes(root)
    return "".join(etree.tostring(child, encoding="unicode", method="html")
                   for child in root) + (root.text or "")


def inline_styles(html: str) -> str:
    """`html` with its `<style>` rules written into each element's style attribute."""
    return str(css_inline.inline(html, keep_style_tags=False, keep_link_tags=False,
                                 load_remote_stylesheets=False))


def message(parts: EmailParts, *, subject: str, sender: str, sender_name: str,
            reply_to: str | None, unsubscribe: str | None, date: Any) -> bytes:
    """The `.eml` file: multipart/alternative, the plain text first, in UTF-8; no To:, and
    marked unsent, so a mail program opens it as a message ready to send. The same parts
    give the same bytes (the MIME boundary is made from them)."""
    mail = EmailMessage(policy=email.policy.SMTP)
    mail["Subject"] = subject
    mail["From"] = formataddr((sender_name, sender))
    if reply_to:
        mail["Reply-To"] = reply_to
    mail["Date"] = format_datetime(date)
    if unsubscribe:
        mail["List-Unsubscribe"] = f"<{unsubscribe}>"
        if unsubscribe.startswith("https://"):
            mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail["X-Unsent"] = "1"
    mail.set_content(parts.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    mail.add_alternative(parts.html, subtype="html", charset="utf-8", cte="quoted-printable")
    digest = hashlib.sha256((parts.text + parts.html).encode()).hexdigest()[:32]
    mail.set_boundary(f"=_publisher_{digest}")
    return mail.as_bytes()


def html_part(data: bytes) -> str:
    """The HTML part of an `.eml` file made by `message`."""
    parsed = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    part = parsed.get_body(preferencelist=("html",))
    return str(part.get_content()) if part is not None else ""


def plain_text(html: str) -> str:
    """The text of the email's HTML, to read without it: headings underlined, lists with
    their marks, links with their addresses written out, lines at most 72 characters."""
    root = _parse(html)
    body = next((element for element in root.iter() if element.tag == "body"), root)
    blocks = list(_text_blocks(body, ""))
    text = "\n\n".join(block for block in blocks if block.strip())
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _parse(html: str) -> etree.Element:
    """`html` as a tree of plain tag names (no namespace), under a <body> or a <div>."""
    document: etree.Element = tinyhtml5.parse(
        f"<!DOCTYPE html><html><body><div>{html}</div></body></html>"
        if not html.lstrip().lower().startswith("<!doctype") else html)
    for element in document.iter():
        if isinstance(element.tag, str) and element.tag.startswith(_HTML):
            element.tag = element.tag[len(_HTML):]
    if html.lstrip().lower().startswith("<!doctype"):
        return document
    found: etree.Element | None = document.find("body/div")
    assert found is not None
    return found


def _absolute(address: str, page_address: str) -> str:
    if urlsplit(address).scheme:
        return address
    return urljoin(page_address, address)


def _absolute_image(image: etree.Element, page_address: str, image_file: Any) -> None:
    source = image.get("src", "")
    image.set("src", _absolute(source, page_address))
    if source.lower().endswith(".svg"):
        _svg_as_link(image, page_address)
        return
    file = image_file(source)
    if file is not None:
        with Image.open(io.BytesIO(file)) as opened:
            width, height = opened.size
        if width > IMAGE_WIDTH:
            width, height = IMAGE_WIDTH, round(height * IMAGE_WIDTH / width)
        image.set("width", str(width))
        image.set("height", str(height))
    image.set("style", "display:block;max-width:100%;height:auto;border:0")


def _svg_as_link(image: etree.Element, page_address: str) -> None:
    """Mail programs do not show SVG: the picture becomes a link to it on the web page."""
    description = image.get("alt") or "a picture"
    for name in list(image.attrib):
        del image.attrib[name]
    image.tag = "a"
    image.set("href", page_address)
    image.set("class", "email-picture-link")
    image.text = f"See the picture on the web page: {description}"


def _tables_for_boxes(root: etree.Element) -> None:
    """Each box becomes `<table role="presentation"><tr><td class="its classes">`."""
    for parent in list(root.iter()):
        for index, child in enumerate(list(parent)):
            if child.tag not in _BOXES:
                continue
            table = etree.Element("table", {"role": "presentation", "width": "100%",
                                            "cellpadding": "0", "cellspacing": "0",
                                            "border": "0", "class": "box"})
            if child.get("id"):
                table.set("id", child.get("id", ""))
            row = etree.SubElement(table, "tr")
            cell = etree.SubElement(row, "td", {"class": child.get("class") or child.tag})
            if child.get("lang"):
                cell.set("lang", child.get("lang", ""))
            cell.text = child.text
            cell.extend(list(child))
            table.tail = child.tail
            parent[index] = table


def _text_blocks(element: etree.Element, indent: str) -> Iterator[str]:
    """The plain text of `element`'s children, a block (a paragraph, a list...) at a time."""
    if element.text and element.text.strip():
        yield _wrap(element.text, indent)
    for child in element:
        tag = child.tag
        if not isinstance(tag, str) or tag in ("style", "script", "head", "title") \
                or _hidden(child):
            pass  # a comment (Outlook's [if mso]), or what is not read
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            heading = " ".join(_inline(child).split())
            line = {"h1": "=", "h2": "-"}.get(tag)
            yield f"{indent}{heading}" + (f"\n{indent}{line * min(len(heading), 72)}"
                                          if line else "")
        elif tag in ("ul", "ol"):
            yield "\n".join(_list_items(child, indent, ordered=tag == "ol"))
        elif tag == "table" and child.get("role") != "presentation":
            yield "\n".join(_table_rows(child, indent))
        elif tag == "blockquote":
            quoted = "\n\n".join(_text_blocks(child, ""))
            yield "\n".join(f"{indent}> {line}".rstrip() for line in quoted.split("\n"))
        elif tag in ("p", "figcaption", "dt", "dd", "li", "caption") or _inline_only(child):
            yield _wrap(_inline(child), indent)
        elif tag == "hr":
            yield indent + "-" * 20
        elif len(child) or (child.text or "").strip():
            yield from _text_blocks(child, indent)
        if child.tail and child.tail.strip():
            yield _wrap(child.tail, indent)


_INLINE = {"a", "strong", "b", "em", "i", "span", "code", "kbd", "abbr", "time", "br", "img",
           "sup", "sub", "small", "mark", "cite", "q", "s", "u"}


def _inline_only(element: etree.Element) -> bool:
    """Whether an element holds text and inline elements only: read as one paragraph."""
    return all(child.tag in _INLINE or not isinstance(child.tag, str)
               for child in element.iter() if child is not element)


def _hidden(element: etree.Element) -> bool:
    """The preheader, and what the page hides from screen readers: not read as text."""
    return "preheader" in (element.get("class") or "") or element.get("aria-hidden") == "true"


def _list_items(element: etree.Element, indent: str, ordered: bool) -> Iterator[str]:
    items = [child for child in element if child.tag == "li"]
    for number, item in enumerate(items, start=1):
        mark = f"{number}. " if ordered else "- "
        nested = [child for child in item if child.tag in ("ul", "ol")]
        for child in nested:
            item.remove(child)
        text = _wrap(_inline(item), indent + " " * len(mark))
        yield indent + mark + text.lstrip()
        for child in nested:
            yield from _list_items(child, indent + "   ", ordered=child.tag == "ol")


def _table_rows(table: etree.Element, indent: str) -> Iterator[str]:
    for row in table.iter("tr"):
        cells = [" ".join(_inline(cell).split()) for cell in row if cell.tag in ("td", "th")]
        yield _wrap(" | ".join(cells), indent)


def _inline(element: etree.Element) -> str:
    """The text of an inline run: a link as 'its text (its address)', a picture as its
    description in brackets, a line break kept."""
    parts = [element.text or ""]
    for child in element:
        if not isinstance(child.tag, str):
            pass  # a comment
        elif child.tag == "a":
            text, address = _inline(child).strip(), child.get("href", "")
            shown = address.removeprefix("mailto:").removeprefix("tel:")
            parts.append(text if shown in (text, "") else f"{text} ({shown})")
        elif child.tag == "img":
            parts.append(f"[{child.get('alt')}]" if child.get("alt") else "")
        elif child.tag == "br":
            parts.append(_BREAK)
        elif child.tag in ("ul", "ol", "table", "p", "div"):
            holder = etree.Element("div")
            holder.append(_without_tail(child))
            parts.append(_BREAK + _BREAK.join(_text_blocks(holder, "")) + _BREAK)
        else:
            parts.append(_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _without_tail(element: etree.Element) -> etree.Element:
    copy = etree.Element(element.tag, dict(element.attrib))
    copy.text = element.text
    copy.extend(list(element))
    return copy


def _wrap(text: str, indent: str) -> str:
    lines = [" ".join(line.split()) for line in text.split(_BREAK)]
    return "\n".join(textwrap.fill(line, 72, initial_indent=indent, subsequent_indent=indent,
                                   break_long_words=False, break_on_hyphens=False)
                     for line in lines if line)
