"""What a PDF's structure still lacks once WeasyPrint has written it, completed in one pass
with pikepdf. (What can be done while WeasyPrint draws is done there, in `pdf`: the page's
margins drawn as artifacts, and each table header's Scope.)

- **Marked content inside a Form XObject.** WeasyPrint draws a box with `opacity` in a
  transparency group, a Form XObject, and numbers the text marked in it as if it were on
  the page: the structure tree points at the page, where that content is not. The form is
  given a place of its own in the parent tree, and each element a reference (an MCR) that
  names the form (`/Stm`), as PDF 1.7 (14.7.4.2) has it.
- **The archival copy's claim to PDF/UA-1.** WeasyPrint writes one identification in a
  PDF's XMP metadata; the archival copy, PDF/A-2a, is tagged as the web copy is and says
  it is PDF/UA-1 too, with the extension schema PDF/A asks for a property it does not know.

A PDF with nothing to complete comes back as it was, byte for byte; one that is completed
is written again with an identifier made from its content, so it stays deterministic.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name

#: The XMP that says a PDF/A file is PDF/UA-1 too: the identification, and the schema of
#: its one property, without which a PDF/A validator refuses a property it does not know.
_PDF_UA_XMP = b"""<rdf:Description rdf:about="" \
xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" \
xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" \
xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>The part of ISO 14289 followed</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" \
pdfuaid:part="1"/>
"""


def complete_structure(data: bytes, *, claim_pdf_ua: bool = False) -> bytes:
    """The PDF `data` with its structure completed, and with `claim_pdf_ua` (for a PDF/A
    copy) saying it is PDF/UA-1 as well."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        changed = _place_forms_in_the_tree(pdf)
        if claim_pdf_ua:
            changed |= _claim_pdf_ua(pdf)
        if not changed:
            return data
        written = io.BytesIO()
        pdf.save(written, deterministic_id=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.preserve)
        return written.getvalue()


def _place_forms_in_the_tree(pdf: pikepdf.Pdf) -> bool:
    """Give each form drawn on a page with content marked for the tree its own entry in the
    parent tree, and point the elements at the form; whether any needed it."""
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return False
    numbers = root.ParentTree.get("/Nums")
    if numbers is None:  # not the flat parent tree WeasyPrint writes
        return False
    entries = {int(numbers[index]): numbers[index + 1] for index in range(0, len(numbers), 2)}
    next_key = max(entries, default=-1) + 1
    changed = False
    for page in pdf.pages:
        key = page.obj.get("/StructParents")
        if key is None or int(key) not in entries:
            continue
        on_page = entries[int(key)]
        for form in _forms_drawn(page.obj.get("/Resources"), set()):
            identifiers = [mcid for mcid in _marked_content_ids(form) if mcid < len(on_page)]
            if "/StructParents" in form or not identifiers:
                continue
            in_form: Any = Array([None] * (max(identifiers) + 1))
            for mcid in identifiers:
                element = on_page[mcid]
                if not isinstance(element, Dictionary):
                    continue
                in_form[mcid] = element
                on_page[mcid] = None
                _point_at_form(element, mcid, page.obj, form)
            form.StructParents = next_key
            numbers.append(next_key)
            numbers.append(pdf.make_indirect(in_form))
            next_key += 1
            changed = True
    if changed:
        root.ParentTreeNextKey = next_key
    return changed


def _forms_drawn(resources: Any, seen: set[tuple[int, int]]) -> Iterator[Any]:
    """The Form XObjects in `resources`, and those they draw in turn."""
    if resources is None or "/XObject" not in resources:
        return
    for _, drawn in resources.XObject.items():
        if drawn.get("/Subtype") != "/Form" or drawn.objgen in seen:
            continue
        seen.add(drawn.objgen)
        yield drawn
        yield from _forms_drawn(drawn.get("/Resources"), seen)


def _marked_content_ids(form: Any) -> list[int]:
    return [int(found.operands[1].MCID) for found in pikepdf.parse_content_stream(form)
            if str(found.operator) == "BDC" and isinstance(found.operands[1], Dictionary)
            and "/MCID" in found.operands[1]]


def _point_at_form(element: Any, mcid: int, page: Any, form: Any) -> None:
    """Replace the element's kid `mcid` (content on the page) with a reference to the
    same content in `form`."""
    reference = Dictionary(Type=Name.MCR, Pg=page, Stm=form, MCID=mcid)
    kids = element.get("/K")
    if isinstance(kids, Array):
        for index, kid in enumerate(kids):
            if not isinstance(kid, Dictionary) and int(kid) == mcid:
                kids[index] = reference
    else:
        element.K = Array([reference])


def _claim_pdf_ua(pdf: pikepdf.Pdf) -> bool:
    metadata = pdf.Root.get("/Metadata")
    if metadata is None:
        return False
    xmp = metadata.read_bytes()
    if b"pdfuaid" in xmp or b"</rdf:RDF>" not in xmp:
        return False
    metadata.write(xmp.replace(b"</rdf:RDF>", _PDF_UA_XMP + b"</rdf:RDF>", 1))
    return True
