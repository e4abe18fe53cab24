"""Real Word documents for the tests of `publisher import`, written part by part as Word
writes them (WordprocessingML in a zip), so that each feature a test needs is there: styles,
nested lists, tables with a header row, links, footnotes, pictures with and without a
description, comments, tracked changes, text boxes."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

NAMESPACES = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
    'xmlns:v="urn:schemas-microsoft-com:vml"')
RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#: Paragraph styles, by id: Word's built-in names, and two of a board's own.
STYLES = {"Title": "Title", "Heading1": "heading 1", "Heading2": "heading 2",
          "Quote": "Quote", "IntenseQuote": "Intense Quote", "ListParagraph": "List Paragraph",
          "PracticePoint": "Practice Point", "Fancy": "Fancy Heading"}


def run(text: str, bold: bool = False, italic: bool = False) -> str:
    properties = ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "")
    return (f"<w:r>{f'<w:rPr>{properties}</w:rPr>' if properties else ''}"
            f'<w:t xml:space="preserve">{escape(text)}</w:t></w:r>')


@dataclass
class Docx:
    """A document, paragraph by paragraph."""

    body: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    pictures: list[bytes] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    def paragraph(self, *runs: str, style: str | None = None,
                  numbering: tuple[int, int] | None = None) -> Docx:
        properties = f'<w:pStyle w:val="{style}"/>' if style else ""
        if numbering:
            properties += (f'<w:numPr><w:ilvl w:val="{numbering[1]}"/>'
                           f'<w:numId w:val="{numbering[0]}"/></w:numPr>')
        self.body.append(f"<w:p>{f'<w:pPr>{properties}</w:pPr>' if properties else ''}"
                         f"{''.join(runs)}</w:p>")
        return self

    def text(self, text: str, style: str | None = None) -> Docx:
        return self.paragraph(run(text), style=style)

    def bullet(self, text: str, level: int = 0) -> Docx:
        return self.paragraph(run(text), style="ListParagraph", numbering=(1, level))

    def numbered(self, text: str, level: int = 0) -> Docx:
        return self.paragraph(run(text), style="ListParagraph", numbering=(2, level))

    def link(self, text: str, address: str) -> str:
        self.links.append(address)
        return (f'<w:hyperlink r:id="rIdLink{len(self.links)}"><w:r><w:t>{escape(text)}'
                "</w:t></w:r></w:hyperlink>")

    def footnote(self, text: str) -> str:
        self.footnotes.append(text)
        return f'<w:r><w:footnoteReference w:id="{len(self.footnotes)}"/></w:r>'

    def comment(self, text: str) -> str:
        self.comments.append(text)
        number = len(self.comments) - 1
        return f'<w:r><w:commentReference w:id="{number}"/></w:r>'

    @staticmethod
    def inserted(text: str) -> str:
        return (f'<w:ins w:id="90" w:author="Editor" w:date="2024-01-01T00:00:00Z">'
                f"{run(text)}</w:ins>")

    @staticmethod
    def deleted(text: str) -> str:
        return (f'<w:del w:id="91" w:author="Editor" w:date="2024-01-01T00:00:00Z"><w:r>'
                f'<w:delText xml:space="preserve">{escape(text)}</w:delText></w:r></w:del>')

    @staticmethod
    def text_box(text: str) -> str:
        return ("<w:r><w:pict><v:shape><v:textbox><w:txbxContent>"
                f"<w:p>{run(text)}</w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>")

    def picture(self, png: bytes, description: str | None) -> str:
        self.pictures.append(png)
        number = len(self.pictures)
        described = f" descr={quoteattr(description)}" if description is not None else ""
        return (f'<w:r><w:drawing><wp:inline><wp:extent cx="914400" cy="914400"/>'
                f'<wp:docPr id="{number}" name="Picture {number}"{described}/>'
                '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/'
                '2006/picture"><pic:pic><pic:nvPicPr><pic:cNvPr id="0" name="p.png"/>'
                f'<pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="rIdPic{number}"/>'
                "</pic:blipFill><pic:spPr/></pic:pic></a:graphicData></a:graphic></wp:inline>"
                "</w:drawing></w:r>")

    def table(self, rows: list[list[str]], header: bool = True) -> Docx:
        xml = []
        for index, row in enumerate(rows):
            heading = "<w:trPr><w:tblHeader/></w:trPr>" if header and index == 0 else ""
            cells = "".join(f"<w:tc><w:p>{run(cell)}</w:p></w:tc>" for cell in row)
            xml.append(f"<w:tr>{heading}{cells}</w:tr>")
        self.body.append(f"<w:tbl>{''.join(xml)}</w:tbl>")
        return self

    def save(self, path: Path) -> Path:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, xml in self._parts().items():
                archive.writestr(name, xml)
            for number, png in enumerate(self.pictures, start=1):
                archive.writestr(f"word/media/image{number}.png", png)
        return path

    def _parts(self) -> dict[str, str]:
        head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        main = "application/vnd.openxmlformats-officedocument.wordprocessingml"
        relations = [("rIdStyles", "styles", "styles.xml", ""),
                     ("rIdNumbering", "numbering", "numbering.xml", ""),
                     ("rIdFootnotes", "footnotes", "footnotes.xml", ""),
                     ("rIdComments", "comments", "comments.xml", "")]
        relations += [(f"rIdLink{number}", "hyperlink", address, ' TargetMode="External"')
                      for number, address in enumerate(self.links, start=1)]
        relations += [(f"rIdPic{number}", "image", f"media/image{number}.png", "")
                      for number in range(1, len(self.pictures) + 1)]
        styles = "".join(f'<w:style w:type="paragraph" w:styleId="{style}"><w:name '
                         f'w:val="{name}"/></w:style>' for style, name in STYLES.items())
        levels = lambda kind: "".join(  # noqa: E731
            f'<w:lvl w:ilvl="{level}"><w:numFmt w:val="{kind}"/></w:lvl>' for level in range(3))
        notes = "".join(f'<w:footnote w:id="{number}"><w:p>{run(text)}</w:p></w:footnote>'
                        for number, text in enumerate(self.footnotes, start=1))
        comments = "".join(f'<w:comment w:id="{number}" w:author="Reviewer"><w:p>{run(text)}'
                           "</w:p></w:comment>" for number, text in enumerate(self.comments))
        return {
            "[Content_Types].xml": head + (
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
                'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
                '<Default Extension="png" ContentType="image/png"/>'
                f'<Override PartName="/word/document.xml" ContentType="{main}.document.main+xml"/>'
                "</Types>"),
            "_rels/.rels": head + (
                f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                f'relationships"><Relationship Id="rId1" Type="{RELATIONSHIP}/officeDocument" '
                'Target="word/document.xml"/></Relationships>'),
            "word/_rels/document.xml.rels": head + (
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                'relationships">' + "".join(
                    f'<Relationship Id="{id_}" Type="{RELATIONSHIP}/{kind}" '
                    f"Target={quoteattr(target)}{mode}/>"
                    for id_, kind, target, mode in relations) + "</Relationships>"),
            "word/document.xml": head + (f"<w:document {NAMESPACES}><w:body>"
                                         f"{''.join(self.body)}</w:body></w:document>"),
            "word/styles.xml": head + f"<w:styles {NAMESPACES}>{styles}</w:styles>",
            "word/numbering.xml": head + (
                f'<w:numbering {NAMESPACES}><w:abstractNum w:abstractNumId="0">'
                f'{levels("bullet")}</w:abstractNum><w:abstractNum w:abstractNumId="1">'
                f'{levels("decimal")}</w:abstractNum><w:num w:numId="1"><w:abstractNumId '
                'w:val="0"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>'
                "</w:numbering>"),
            "word/footnotes.xml": head + f"<w:footnotes {NAMESPACES}>{notes}</w:footnotes>",
            "word/comments.xml": head + f"<w:comments {NAMESPACES}>{comments}</w:comments>",
        }


def from_page(html: str) -> Docx:
    """The article text of an issue's HTML page as a Word document, as an officer would
    have it: headings, paragraphs with bold, italic and links, nested lists and tables."""
    import tinyhtml5

    document = tinyhtml5.parse(html)
    main = next(element for element in document.iter() if _tag(element) == "main")
    docx = Docx()
    docx.text(next(" ".join(_text(element).split()) for element in document.iter()
                   if _tag(element) == "h1"), "Title")
    _export(main, docx, level=0)
    return docx


def _tag(element) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.rpartition("}")[2]


def _text(element) -> str:
    return "".join(element.itertext())


def _runs(element, docx: Docx) -> list[str]:
    runs = [run(element.text)] if element.text else []
    for child in element:
        tag = _tag(child)
        if tag == "a" and child.get("href", "").startswith(("http", "mailto")):
            runs.append(docx.link(" ".join(_text(child).split()), child.get("href")))
        elif tag in ("strong", "b", "em", "i"):
            runs.append(run(_text(child), bold=tag in ("strong", "b"),
                            italic=tag in ("em", "i")))
        elif tag not in ("ul", "ol", "sup") and "visually-hidden" not in child.get("class", ""):
            runs.extend(_runs(child, docx))
        if child.tail:
            runs.append(run(child.tail))
    return runs


def _export(element, docx: Docx, level: int) -> None:
    for child in element:
        tag = _tag(child)
        classes = child.get("class", "")
        if tag in ("h2", "h3", "h4") and "visually-hidden" not in classes:
            docx.text(" ".join(_text(child).split()), f"Heading{min(int(tag[1]) - 1, 2)}")
        elif tag == "p":
            docx.paragraph(*_runs(child, docx))
        elif tag in ("ul", "ol"):
            for item in child:
                if _tag(item) == "li":
                    docx.paragraph(*_runs(item, docx), style="ListParagraph",
                                   numbering=(1 if tag == "ul" else 2, level))
                    for nested in item:
                        if _tag(nested) in ("ul", "ol"):
                            wrapper = type(item)("div")
                            wrapper.append(nested)
                            _export(wrapper, docx, level + 1)
        elif tag == "table":
            docx.table([[" ".join(_text(cell).split()) for cell in row
                         if _tag(cell) in ("td", "th")]
                        for row in child.iter() if _tag(row) == "tr"])
        elif tag not in ("nav", "script", "style", "aside") or "block" in classes:
            _export(child, docx, level)
