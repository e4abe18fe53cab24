"""Every mark on every page of every PDF is in the structure tree or an artifact (Form
XObjects included), every table header has its Scope, and the archival copy says it is
PDF/A-2a and PDF/UA-1: read with pikepdf from the sample archive and the component gallery
in every house style, as built."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from click.testing import CliRunner

from publisher.cli import cli
from publisher.pdf_structure import complete_structure

from conftest import copy_sample_archive, gallery_in_every_style

#: The operators that paint: text, paths, shadings, images and forms.
PAINTING = {"Tj", "TJ", "'", '"', "f", "F", "f*", "B", "B*", "b", "b*", "S", "s", "sh", "EI",
            "Do"}


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Every PDF of the sample archive (web and archival copies) and of the gallery in
    every house style, built once."""
    site = copy_sample_archive(tmp_path_factory.mktemp("structure") / "site")
    gallery_in_every_style(site)
    result = CliRunner().invoke(cli, ["--site", str(site), "build", "--format", "pdf", "-q"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return sorted((site / "output").rglob("*.pdf"))


def tree_elements(pdf: pikepdf.Pdf) -> set[tuple[int, int]]:
    """The structure elements reachable from the root, by object number."""
    found: set[tuple[int, int]] = set()
    pending = [pdf.Root.StructTreeRoot.K]
    while pending:
        kid = pending.pop()
        if isinstance(kid, pikepdf.Array):
            pending.extend(kid)
        elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") not in ("/MCR", "/OBJR"):
            found.add(kid.objgen)
            if "/K" in kid:
                pending.append(kid.K)
    return found


def parent_tree(pdf: pikepdf.Pdf) -> dict[int, Any]:
    numbers = pdf.Root.StructTreeRoot.ParentTree.Nums
    return {int(numbers[index]): numbers[index + 1] for index in range(0, len(numbers), 2)}


def unmarked_paints(pdf: pikepdf.Pdf) -> Iterator[str]:
    """Each painting operator that is neither in an artifact nor in marked content whose
    MCID the parent tree gives to an element of the tree, in page and form streams."""
    in_tree = tree_elements(pdf)
    parents = parent_tree(pdf)

    def walk(stream: Any, resources: Any, key: Any, marks: list[tuple[str, int | None, Any]],
             where: str) -> Iterator[str]:
        for instruction in pikepdf.parse_content_stream(stream):
            operator, operands = str(instruction.operator), instruction.operands
            if operator in ("BDC", "BMC"):
                properties = operands[1] if operator == "BDC" else None
                mcid = (int(properties.MCID) if isinstance(properties, pikepdf.Dictionary)
                        and "/MCID" in properties else None)
                marks.append((str(operands[0]), mcid, key))
            elif operator == "EMC":
                marks.pop()
            elif operator == "Do" and resources.XObject[operands[0]].get("/Subtype") == "/Form":
                form = resources.XObject[operands[0]]
                yield from walk(form, form.get("/Resources", resources),
                                form.get("/StructParents"), marks, f"{where} form")
            elif operator in PAINTING and not marked(marks):
                yield f"{where}: {operator}"

    def marked(marks: list[tuple[str, int | None, Any]]) -> bool:
        for tag, mcid, key in reversed(marks):
            if tag == "/Artifact":
                return True
            if mcid is not None:
                elements = parents.get(int(key)) if key is not None else None
                element = elements[mcid] if elements is not None and mcid < len(elements) \
                    else None
                return isinstance(element, pikepdf.Dictionary) and element.objgen in in_tree
        return False

    for number, page in enumerate(pdf.pages, start=1):
        yield from walk(page.obj, page.obj.Resources, page.obj.get("/StructParents"), [],
                        f"page {number}")


def test_every_paint_is_in_the_tree_or_an_artifact(pdfs):
    assert len(pdfs) >= 8 + 6  # the web copies, the archival copies, the gallery per style
    untagged = {pdf.name if "archival" not in pdf.parts else f"archival/{pdf.name}":
                found for pdf in pdfs
                if (found := list(unmarked_paints(pikepdf.open(pdf))))}
    assert not untagged


def test_running_heads_and_page_numbers_are_artifacts(pdfs):
    """The page's margins hold no structure: each page's marked content is all in the tree
    (the test above), and the margins' text is drawn in /Artifact sequences."""
    briefing = next(pdf for pdf in pdfs if pdf.name == "2019-10-briefing-21.pdf")
    with pikepdf.open(briefing) as pdf:
        for page in pdf.pages[1:]:
            operators = [str(instruction.operator) for instruction in
                         pikepdf.parse_content_stream(page.obj)]
            artifacts = [index for index, operator in enumerate(operators)
                         if operator == "BMC"]
            texts_in_artifacts = sum(1 for start in artifacts
                                     if "TJ" in operators[start:operators.index("EMC", start)])
            assert texts_in_artifacts >= 1  # the running head and the page number


def test_every_table_header_has_its_scope(pdfs):
    scopes = []
    for path in pdfs:
        with pikepdf.open(path) as pdf:
            for objgen in tree_elements(pdf):
                element = pdf.get_object(objgen)
                if element.get("/S") == "/TH":
                    scopes.append(str(element.A.get("/Scope")))
    assert {"/Column", "/Row"} <= set(scopes), "the samples have both kinds of header"
    assert set(scopes) == {"/Column", "/Row"}


def test_the_archival_copy_claims_pdf_a_and_pdf_ua(pdfs):
    archival = [path for path in pdfs if "archival" in path.parts]
    assert archival
    for path in archival:
        with pikepdf.open(path) as pdf, pdf.open_metadata() as xmp:
            assert (xmp.get("pdfaid:part"), xmp.get("pdfaid:conformance")) == ("2", "A")
            assert xmp.get("pdfuaid:part") == "1"
            schema = b"<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>"
            assert schema in pdf.Root.Metadata.read_bytes()


def test_a_web_copy_claims_pdf_ua_once(pdfs):
    web = next(path for path in pdfs if "archival" not in path.parts)
    with pikepdf.open(web) as pdf, pdf.open_metadata() as xmp:
        assert xmp.get("pdfuaid:part") == "1"
        assert pdf.Root.Metadata.read_bytes().count(b"pdfuaid:part") == 1


def test_a_pdf_with_nothing_to_complete_comes_back_as_it_was(pdfs):
    web = next(path for path in pdfs if "archival" not in path.parts)
    data = web.read_bytes()
    assert complete_structure(data) == data
