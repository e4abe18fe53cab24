"""The text of built files, as digests: one for each page of a PDF, one for an HTML page.

Two files with the same text digests read the same even when their bytes differ, as they
may after a WeasyPrint upgrade. Whitespace is not significant.
"""

from __future__ import annotations

import io
from html.parser import HTMLParser

from publisher.fingerprint import digest_bytes


def pdf_page_digests(data: bytes) -> list[str]:
    """A digest of the text of each page of the PDF `data`."""
    from pypdf import PdfReader  # only publishing and verifying read PDFs back

    reader = PdfReader(io.BytesIO(data))
    return [_text_digest(page.extract_text()) for page in reader.pages]


def html_digest(data: bytes) -> str:
    """A digest of the text an HTML page shows, its title and image descriptions included."""
    parser = _TextParser()
    parser.feed(data.decode("utf-8", errors="replace"))
    parser.close()
    return _text_digest(" ".join(parser.words))


def _text_digest(text: str) -> str:
    return digest_bytes(" ".join(text.split()).encode("utf-8"))


class _TextParser(HTMLParser):
    _HIDDEN = frozenset({"script", "style"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.words: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._HIDDEN:
            self._hidden += 1
        elif tag == "img":
            self.words.append(dict(attrs).get("alt") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.words.append(data)
