"""Print a tagged PDF's text in the order of its structure tree, one element per line with its
type, as a screen reader would read it: `python scripts/read_aloud.py FILE.pdf`.

Text in artifacts (running heads, page numbers, decorative images) is not in the tree, so it
is not printed.
"""

from __future__ import annotations

import sys
from typing import Any

import pikepdf
from pypdf import PdfReader


def marked_texts(path: str) -> dict[tuple[int, int], str]:
    """The text of each marked-content sequence, by (page index, MCID)."""
    texts: dict[tuple[int, int], str] = {}
    for index, page in enumerate(PdfReader(path).pages):
        _read_page(index, page, texts)
    return texts


def _read_page(index: int, page: Any, texts: dict[tuple[int, int], str]) -> None:
    stack: list[int | None] = []

    def before(operator: bytes, operands: list[Any], *_: Any) -> None:
        if operator in (b"BDC", b"BMC"):
            properties = operands[1] if operator == b"BDC" else None
            stack.append(properties.get("/MCID") if hasattr(properties, "get") else None)
        elif operator == b"EMC" and stack:
            stack.pop()

    def text(found: str, *_: Any) -> None:
        mcid = next((mcid for mcid in reversed(stack) if mcid is not None), None)
        if mcid is not None:
            key = (index, int(mcid))
            texts[key] = texts.get(key, "") + found

    page.extract_text(visitor_operand_before=before, visitor_text=text)


def read_aloud(path: str) -> list[str]:
    texts = marked_texts(path)
    lines: list[str] = []
    with pikepdf.open(path) as pdf:
        pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}

        def visit(kid: Any, page: int | None, kind: str) -> str:
            if isinstance(kid, pikepdf.Array):
                return " ".join(visit(item, page, kind) for item in kid)
            if isinstance(kid, pikepdf.Dictionary):
                if kid.get("/Type") == "/MCR":
                    owner = kid.get("/Pg")
                    return texts.get((pages.get(owner.objgen, page or 0), int(kid.MCID)), "")
                if kid.get("/Type") == "/OBJR":
                    return ""
                own_page = pages.get(kid.Pg.objgen, page) if "/Pg" in kid else page
                inner = visit(kid.get("/K", pikepdf.Array()), own_page, str(kid.get("/S")))
                if str(kid.get("/S")) in ("/Span", "/Link", "/NonStruct", "/LBody", "/Lbl"):
                    return inner
                said = " ".join(inner.split())
                if said:
                    lines.append(f"{str(kid.get('/S'))[1:]}: {said}")
                return ""
            return texts.get((page or 0, int(kid)), "")

        visit(pdf.Root.StructTreeRoot.K, None, "")
    return lines


if __name__ == "__main__":
    for line in read_aloud(sys.argv[1]):
        print(line)
