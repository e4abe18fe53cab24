"""`publisher import`: a Word document (.docx) as a draft issue, or as an article added to one.

The document is read by mammoth (python-mammoth, made for this: it turns a .docx into clean
HTML by a *style map*, from Word's paragraph styles to elements, and never reads a file the
document links to), and that HTML is written as the Markdown of an issue:

- headings (Word's Title is the issue's title), paragraphs, bold and italic, lists with
  their nesting, tables with their header row, links;
- Word's Quote style as a quotation, Intense Quote as a key-message callout, and any style
  the site names in `word_styles:` in site.yml (`"Practice Point": callout tip`);
- footnotes and endnotes as Markdown footnotes;
- pictures saved beside the issue, with the description Word holds as their alt text (one
  without gets the build's missing-description error, so `check` shows what to fill in).

What does not come across is listed, with where it was, as warnings (`inventory`):
comments, tracked changes (insertions kept, deletions left out: the changes accepted),
text boxes, SmartArt, charts, headers and footers, macros, linked files, and paragraph
styles nobody mapped. Nothing is lost silently.
"""

from __future__ import annotations

import datetime
import io
import json
import re
import xml.etree.ElementTree as etree
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import mammoth
import tinyhtml5

from publisher.arguments import series_named
from publisher.config import Site, read_site
from publisher.errors import ContentError, Problem, UsageError
from publisher.output import write_atomically
from publisher.plan import one_issue
from publisher.sources import Issue
from publisher.starter import check_new_issue, next_issue_place

#: The largest .docx read, and the most its parts may hold unzipped (a zip bomb is refused).
MAX_DOCX_BYTES = 25 * 2**20
MAX_UNZIPPED_BYTES = 200 * 2**20
MAX_PARTS = 2000
#: What Word's own styles become; a site adds its own with `word_styles:` in site.yml.
DEFAULT_STYLES = {"Quote": "quote", "Intense Quote": "callout key-message"}
#: The kinds of picture a page can show, by the type Word stores them as.
PICTURE_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif"}
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HTML = "{http://www.w3.org/1999/xhtml}"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class Converted:
    """A document as an issue's Markdown: its title (Word's Title, if it had one), its
    body, the pictures to save beside it (file name, bytes), and what did not come across."""

    title: str | None
    body: str
    pictures: list[tuple[str, bytes]] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def summary(self) -> str | None:
        """The first paragraph's first sentence or two, for the issue's summary."""
        for block in self.body.split("\n\n"):
            text = block.strip()
            if text and not text.startswith(("#", "-", "|", "!", "///", ">", "[^")) and \
                    not re.match(r"\d+\.", text):
                plain = re.sub(r"\[\^[^\]]+\]", "", text)
                plain = re.sub(r"[*_`\\]|\[([^\]]*)\]\([^)]*\)", r"\1", plain)
                sentences = re.findall(r".+?[.!?](?=\s|$)", " ".join(plain.split()))
                summary = " ".join(sentence.strip() for sentence in sentences[:2]) \
                    if sentences else plain
                return summary[:600]
        return None


def read_docx(path: Path, shown: str) -> bytes:
    """The bytes of the .docx at `path`; a UsageError for a file that is not one."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise UsageError(f"{shown} does not exist", option="FILE") from None
    except OSError as error:
        raise UsageError(f"{shown} cannot be read ({error.strerror})", option="FILE") from None
    if size == 0:
        raise UsageError(f"{shown} is empty; give a Word document (.docx)", option="FILE")
    if size > MAX_DOCX_BYTES:
        raise UsageError(f"{shown} is {size / 2**20:.1f} MB, more than the "
                         f"{MAX_DOCX_BYTES // 2**20} MB publisher imports; save its pictures "
                         "smaller (Word: File > Compress Pictures) and try again",
                         option="FILE")
    data = path.read_bytes()
    if data.startswith(_OLE):
        raise UsageError(f"{shown} is password-protected, or a Word 97-2003 .doc: remove the "
                         "password, or save it as a Word Document (.docx), and try again",
                         option="FILE")
    if not data.startswith(b"PK\x03\x04"):
        raise UsageError(f"{shown} is not a Word document (.docx); in Word, save it with "
                         "File > Save As > Word Document", option="FILE")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            names = {part.filename for part in parts}
            unzipped = sum(part.file_size for part in parts)
    except zipfile.BadZipFile:
        raise UsageError(f"{shown} is damaged: it is not a readable .docx; open it in Word and "
                         "save it again", option="FILE") from None
    if "word/document.xml" not in names:
        raise UsageError(f"{shown} is a zip file but not a Word document (it has no "
                         "word/document.xml); save it from Word as a .docx", option="FILE")
    if len(parts) > MAX_PARTS or unzipped > MAX_UNZIPPED_BYTES:
        raise UsageError(f"{shown} unpacks to {unzipped / 2**20:.0f} MB in {len(parts)} "
                         "parts, more than a Word document holds; it is not imported",
                         option="FILE")
    return data


def convert(data: bytes, shown: str, styles: dict[str, str], picture_name: Callable[[int, str],
                                                                                   str],
            footnote_label: Callable[[str], str] = lambda number: number) -> Converted:
    """The document `data` (a .docx, checked by `read_docx`) as Markdown."""
    pictures: list[tuple[str, bytes]] = []
    warnings = list(inventory(data, shown))

    def save_picture(image: object) -> dict[str, str]:
        content_type = getattr(image, "content_type", "") or ""
        alt = (getattr(image, "alt_text", None) or "").strip()
        ending = PICTURE_TYPES.get(content_type)
        if ending is None:
            stored = content_type or "an unknown type"
            warnings.append(Problem(shown, None, f"a picture stored as {stored} cannot be "
                                    "shown on a page and was left out; save it as PNG or JPEG "
                                    "and add it to the issue", severity="warning"))
            return {}
        with image.open() as opened:  # type: ignore[attr-defined]
            picture = opened.read()
        name = picture_name(len(pictures) + 1, ending)
        pictures.append((name, picture))
        return {"src": name, "alt": alt}

    result = mammoth.convert_to_html(io.BytesIO(data), style_map=_style_map(styles),
                                     convert_image=mammoth.images.img_element(save_picture),
                                     external_file_access=False)
    for message in result.messages:
        text = str(getattr(message, "message", message))
        warnings.append(Problem(shown, None, _unmapped(text), severity="warning"))
    title, body = _markdown(result.value, footnote_label)
    return Converted(title, body, pictures, warnings)


def _style_map(styles: dict[str, str]) -> str:
    lines = ["p[style-name='Title'] => h1.title:fresh",
             "r[style-name='Strong'] => strong", "r[style-name='Emphasis'] => em"]
    for name, becomes in {**DEFAULT_STYLES, **styles}.items():
        quoted = name.replace("'", "\\'")
        if becomes == "quote":
            lines.append(f"p[style-name='{quoted}'] => blockquote > p:fresh")
        else:
            kind = becomes.partition(" ")[2] or "key-message"
            lines.append(f"p[style-name='{quoted}'] => div.callout.{kind} > p:fresh")
    return "\n".join(lines)


def _unmapped(message: str) -> str:
    found = re.match(r"Unrecognised (paragraph|run) style: '?(.+?)'? \(Style ID", message)
    if found:
        return (f"the {found[1]} style '{found[2]}' is not one publisher knows, so its "
                f"{'paragraphs' if found[1] == 'paragraph' else 'words'} came across as "
                "plain text; if it means something (a callout, a quote), say so in "
                f"word_styles: in site.yml, as '\"{found[2]}\": callout note'")
    return f"Word import: {message}"


def inventory(data: bytes, shown: str) -> Iterator[Problem]:
    """A warning for each kind of thing in the document that does not come across, with
    the heading it was under."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        document = etree.fromstring(archive.read("word/document.xml"))
        found: Counter[tuple[str, str]] = Counter()
        heading = "before the first heading"
        body = document.find(f"{_W}body")
        for paragraph in (body.iter(f"{_W}p") if body is not None else ()):
            style = paragraph.find(f"{_W}pPr/{_W}pStyle")
            if style is not None and re.match(r"(?i)(heading\s*\d|title)",
                                              style.get(f"{_W}val", "")):
                text = "".join(node.text or "" for node in paragraph.iter(f"{_W}t")).strip()
                heading = f"under the heading '{text[:60]}'" if text else heading
            for what in _things_in(paragraph):
                found[(what, heading)] += 1
        for part in sorted(names):
            if re.fullmatch(r"word/(header|footer)\d*\.xml", part):
                text = "".join(node.text or "" for node in
                               etree.fromstring(archive.read(part)).iter(f"{_W}t")).strip()
                if text:
                    kind = "header" if "header" in part else "footer"
                    found[(f"a page {kind} ('{text[:40]}')", "")] += 1
        if "word/vbaProject.bin" in names:
            found[("macros, which were never run", "")] += 1
        for relations in sorted(name for name in names if name.endswith(".rels")):
            for relation in etree.fromstring(archive.read(relations)):
                if relation.get("TargetMode") == "External" and not relation.get(
                        "Type", "").endswith("/hyperlink"):
                    target = relation.get("Target", "")[:60]
                    found[(f"a link to the file {target}, which was not followed",
                           "")] += 1
    for (what, where), count in found.items():
        kind = what.split(" (")[0].split(",")[0]
        sentence = _SAID.get(kind, "{what} {where} was left out; add it by hand if it matters")
        times = f" ({count} of them)" if count > 1 else ""
        yield Problem(shown, None, sentence.format(what=what + times, where=where),
                      severity="warning")


#: What became of each kind of thing that does not come across as it was.
_SAID = {
    "a comment": "{what} {where} was left out: comments are never published; read them in "
                 "Word before you import",
    "a tracked insertion": "{what} {where} was accepted: its words are in the issue; check "
                           "they say what was agreed",
    "a tracked deletion": "{what} {where} was accepted: its words were left out; check that "
                          "was agreed",
    "a text box": "{what} {where} came across as a paragraph where it stood; check where its "
                  "words belong",
    "SmartArt": "{what} {where} was left out; redraw it as a list, or as a picture with a "
                "description",
    "a chart": "{what} {where} was left out; add it as a picture with a description, or as a "
               "table",
    "a page header": "{what} was left out: the house style sets the page's header",
    "a page footer": "{what} was left out: the house style sets the page's footer",
    "macros": "the document holds {what}; they were not imported",
    "a link to the file": "{what}",
}


def _things_in(paragraph: etree.Element) -> Iterator[str]:
    for element in paragraph.iter():
        tag = element.tag
        if tag == f"{_W}commentReference":
            yield "a comment"
        elif tag == f"{_W}ins":
            yield "a tracked insertion"
        elif tag == f"{_W}del":
            yield "a tracked deletion"
        elif tag == f"{_W}txbxContent":
            yield "a text box"
        elif tag.endswith("}graphicData"):
            uri = element.get("uri", "")
            if uri.endswith("/diagram"):
                yield "SmartArt"
            elif uri.endswith("/chart"):
                yield "a chart"


# HTML (as mammoth writes it) to Markdown.

def _markdown(html: str, footnote_label: Callable[[str], str]) -> tuple[str | None, str]:
    root = _parse(html)
    title = None
    notes: list[str] = []
    blocks: list[str] = []
    for element in list(root):
        if element.tag == "h1" and "title" in (element.get("class") or "") and title is None:
            title = " ".join(_inline(element, footnote_label).split())
            continue
        if element.tag == "ol" and any((item.get("id") or "").startswith(("footnote-",
                                                                          "endnote-"))
                                       for item in element):
            notes += [_note(item, footnote_label) for item in element]
            continue
        blocks += _block(element, footnote_label)
    body = "\n\n".join(block for block in blocks if block.strip())
    if notes:
        body += "\n\n" + "\n".join(notes)
    return title, body.strip() + "\n"


def _parse(html: str) -> etree.Element:
    document: etree.Element = tinyhtml5.parse(f"<!DOCTYPE html><html><body>{html}</body></html>")
    for element in document.iter():
        if isinstance(element.tag, str) and element.tag.startswith(_HTML):
            element.tag = element.tag[len(_HTML):]
    body: etree.Element | None = document.find("body")
    assert body is not None
    return body


def _block(element: etree.Element, label: Callable[[str], str], indent: str = "") -> list[str]:
    tag = element.tag
    if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        return [f"{'#' * int(tag[1])} {' '.join(_inline(element, label).split())}"]
    if tag == "p":
        text = _paragraph(element, label)
        return [text] if text else []
    if tag in ("ul", "ol"):
        return ["\n".join(_list(element, label, ""))]
    if tag == "table":
        return [_table(element, label)]
    if tag == "blockquote":
        inner = "\n\n".join(block for child in element for block in _block(child, label))
        return ["\n".join(f"> {line}".rstrip() for line in inner.split("\n"))]
    if tag == "div" and "callout" in (element.get("class") or ""):
        kind = (element.get("class") or "").split()[-1]
        inner = "\n\n".join(block for child in element for block in _block(child, label))
        option = "" if kind == "key-message" else f"\n    kind: {kind}"
        return [f"/// callout{option}\n{inner}\n///"]
    return ["\n\n".join(block for child in element for block in _block(child, label))]


def _paragraph(element: etree.Element, label: Callable[[str], str]) -> str:
    text = _inline(element, label).strip()
    text = re.sub(r"^(#|\d+\.\s|[-+*]\s|>|///)", lambda match: "\\" + match[0], text)
    return text


def _list(element: etree.Element, label: Callable[[str], str], indent: str) -> Iterator[str]:
    ordered = element.tag == "ol"
    for number, item in enumerate((child for child in element if child.tag == "li"), start=1):
        mark = f"{number}. " if ordered else "- "
        nested = [child for child in item if child.tag in ("ul", "ol")]
        own = etree.Element("li")
        own.text = item.text
        own.extend(child for child in item if child not in nested)
        text = " ".join(_inline(own, label).split())
        yield f"{indent}{mark}{text}"
        for child in nested:
            yield from _list(child, label, indent + " " * len(mark))


def _table(element: etree.Element, label: Callable[[str], str]) -> str:
    rows = [[" ".join(_inline(cell, label).split()).replace("|", "\\|")
             for cell in row if cell.tag in ("td", "th")] for row in element.iter("tr")]
    if not rows:
        return ""
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * width]
    lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
    return "\n".join(lines)


def _note(item: etree.Element, label: Callable[[str], str]) -> str:
    number = (item.get("id") or "").rpartition("-")[2]
    text = " ".join(" ".join(_inline(child, label).split()) for child in item)
    return f"[^{label(number)}]: {text.strip()}"


def _inline(element: etree.Element, label: Callable[[str], str]) -> str:
    parts = [_escape(element.text or "")]
    for child in element:
        tag = child.tag
        inner = _inline(child, label)
        if not isinstance(tag, str):
            pass
        elif tag in ("strong", "b") and inner.strip():
            parts.append(_wrap_marks(inner, "**"))
        elif tag in ("em", "i") and inner.strip():
            parts.append(_wrap_marks(inner, "*"))
        elif tag == "a":
            href = child.get("href", "")
            if re.fullmatch(r"#(footnote|endnote)-(\d+)", href):
                parts.append(f"[^{label(href.rpartition('-')[2])}]")
            elif href.startswith("#footnote-ref-") or href.startswith("#endnote-ref-"):
                pass  # a note's link back to where it is cited
            elif href and not href.startswith("#"):
                parts.append(f"[{inner.strip() or href}]({href.replace(' ', '%20')})")
            else:
                parts.append(inner)
        elif tag == "sup" and child.find("a") is not None:
            parts.append(inner)
        elif tag == "img":
            parts.append(f"![{_escape(child.get('alt') or '')}]({child.get('src', '')})")
        elif tag == "br":
            parts.append("  \n")
        else:
            parts.append(inner)
        parts.append(_escape(child.tail or ""))
    return "".join(parts)


def _wrap_marks(text: str, mark: str) -> str:
    """`text` between `mark`s, with its own leading and trailing spaces kept outside."""
    stripped = text.strip()
    lead, trail = text[:len(text) - len(text.lstrip())], text[len(text.rstrip()):]
    return f"{lead}{mark}{stripped}{mark}{trail}"


def _escape(text: str) -> str:
    return re.sub(r"([\\`*_\[\]])", r"\\\1", text).replace("<", "&lt;")


@dataclass(frozen=True)
class Imported:
    """What `import_document` wrote: the issue (new, or added to), the pictures saved
    beside it, and what did not come across."""

    shown: str
    pictures: list[str]
    warnings: list[Problem]
    described: int
    new: bool


def import_document(site_root: Path, document: Path, series_name: str | None = None, *,
                    title: str | None = None, day: datetime.date | None = None,
                    into: Path | None = None) -> Imported:
    """Write the Word document at `document` as the next draft issue of the series named
    `series_name`, or with `into` as a new article at the end of that draft issue. Nothing
    is written if anything is wrong, and nothing is ever overwritten."""
    site, problems = read_site(site_root)
    if problems:
        raise ContentError(problems)
    shown = str(document)
    if document.suffix.lower() != ".docx":
        raise UsageError(f"{shown} is not a .docx file; in Word, save it with File > Save As "
                         "> Word Document", option="FILE")
    target = one_issue(site, into) if into is not None else None
    if target is not None and target.front.status != "draft":
        raise UsageError(f"{target.shown} is published; an article can only be added to a "
                         "draft (a published issue changes by a correction)", option="--into")
    series = series_named(site, series_name or "") if target is None else target.series
    data = read_docx(document, shown)
    styles: dict[str, str] = {name: str(becomes) for name, becomes in
                              site.settings.word_styles.items()}
    if target is not None:
        return _add_article(site, target, data, shown, styles, title)
    place = next_issue_place(site, series, day)
    converted = convert(data, shown, styles,
                        lambda number, ending: f"{place.path.stem}-picture-{number}.{ending}")
    heading = title or converted.title or _title_from(document)
    text = _issue_text(heading, place.number, place.date, converted)
    check_new_issue(site, series, text, shown)
    pictures = _save_pictures(site, series.folder, converted.pictures)
    try:
        with place.path.open("x", encoding="utf-8", newline="\n") as file:
            file.write(text)
    except OSError as error:
        for picture in pictures:
            picture.unlink(missing_ok=True)
        raise UsageError(f"{place.shown} cannot be written ({error.strerror}); nothing was "
                         "imported") from None
    warnings = converted.warnings
    if not (title or converted.title):
        warnings.append(Problem(shown, None, f"the document has no Title, so the issue is "
                                f"called '{heading}' after the file; change title: in the "
                                "issue", severity="warning"))
    return Imported(place.shown, [site.shown(path) for path in pictures], warnings,
                    sum(1 for _ in re.finditer(r"!\[[^\]]+\]", converted.body)), new=True)


def _add_article(site: Site, issue: Issue, data: bytes, shown: str, styles: dict[str, str],
                 title: str | None) -> Imported:
    stem = re.sub(r"[^a-z0-9]+", "-", Path(shown).stem.lower()).strip("-") or "word"
    converted = convert(data, shown, styles,
                        lambda number, ending: f"{issue.slug}-{stem}-picture-{number}.{ending}",
                        footnote_label=lambda number: f"{stem}-{number}")
    heading = title or converted.title or _title_from(Path(shown))
    body = re.sub(r"^(#+) ", lambda match: "#" + match[0], converted.body, flags=re.M) \
        if re.search(r"^# ", converted.body, flags=re.M) else converted.body
    original = issue.source.read_bytes()
    pictures = _save_pictures(site, issue.series.folder, converted.pictures)
    addition = f"\n# {heading}\n\n{body}"
    text = original.decode("utf-8-sig").rstrip("\n") + "\n" + addition
    try:
        write_atomically(issue.source, text.encode("utf-8"), within=site.root)
    except OSError as error:
        for picture in pictures:
            picture.unlink(missing_ok=True)
        raise UsageError(f"{issue.shown} cannot be written ({error.strerror}); nothing was "
                         "imported") from None
    return Imported(issue.shown, [site.shown(path) for path in pictures], converted.warnings,
                    sum(1 for _ in re.finditer(r"!\[[^\]]+\]", body)), new=False)


def _title_from(document: Path) -> str:
    words = re.sub(r"[_-]+", " ", document.stem).strip()
    return words[:1].upper() + words[1:] if words else "An imported article"


def _issue_text(title: str, number: int, day: datetime.date, converted: Converted) -> str:
    summary = converted.summary or "TODO: one or two sentences saying what the issue is about."
    return (f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\nnumber: {number}\n"
            f"date: {day.isoformat()}\nstatus: draft\n"
            f"summary: {json.dumps(summary, ensure_ascii=False)}\n---\n\n{converted.body}")


def _save_pictures(site: Site, folder: Path, pictures: list[tuple[str, bytes]]) -> list[Path]:
    """Save the pictures beside the issue, never over a file; all or none."""
    paths = [folder / name for name, _ in pictures]
    for path in paths:
        if path.exists():
            raise UsageError(f"{site.shown(path)} exists already; publisher never overwrites "
                             "a file: move it, or import into another issue")
    written: list[Path] = []
    try:
        for path, (_, data) in zip(paths, pictures, strict=True):
            with path.open("xb") as file:
                file.write(data)
            written.append(path)
    except OSError as error:
        for path in written:
            path.unlink(missing_ok=True)
        raise UsageError(f"a picture cannot be saved in {site.shown(folder)} "
                         f"({error.strerror}); nothing was imported") from None
    return written
