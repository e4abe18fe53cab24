"""Tagged PDFs for screen readers, and PDF/A archival copies of published issues."""

from __future__ import annotations

import os
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner

from publisher.cli import cli

from conftest import ISSUE_HEAD, PROJECT, copy_sample_archive, make_site, write_issue

ISSUE = "bulletin/2024-03-issue-7"
BODY = """
# Seeing the child

A paragraph that introduces the article, and [the national review](https://www.gov.uk/).

![A chart of referrals by month](chart.png)

![](rule.png){.decorative}

## Who to call

| Area | Phone |
|---|---|
| North | 01234 567 890 |
| South | 01234 567 891 |

- first point
- second point

# What comes next

The next steps.
"""


def png(grey: int) -> bytes:
    """A 2 x 2 PNG of one grey, so two images differ."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 0, 0, 0, 0)
    rows = (b"\x00" + bytes([grey, grey])) * 2
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


def build(site: Path, *args: str) -> str:
    old = Path.cwd()
    os.chdir(site)
    try:
        result = CliRunner().invoke(cli, ["build", *args], catch_exceptions=False)
    finally:
        os.chdir(old)
    assert result.exit_code == 0, result.output
    assert result.stderr == "", "WeasyPrint warned about the page"
    return result.stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An issue with headings, a described and a decorative image, a table and a list."""
    site = make_site(tmp_path_factory.mktemp("variants") / "site")
    (site / "issues/bulletin/chart.png").write_bytes(png(0))
    (site / "issues/bulletin/rule.png").write_bytes(png(200))
    write_issue(site, "2024-03-issue-7.md", ISSUE_HEAD + BODY)
    build(site)
    return site / "output"


@pytest.fixture(scope="module")
def web(built: Path) -> Iterator[pikepdf.Pdf]:
    with pikepdf.open(built / f"{ISSUE}.pdf") as pdf:
        yield pdf


@pytest.fixture(scope="module")
def archival(built: Path) -> Iterator[pikepdf.Pdf]:
    with pikepdf.open(built / "bulletin/archival/2024-03-issue-7.pdf") as pdf:
        yield pdf


def structure(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every structure element, in reading order (depth first)."""
    return structure_of(pdf.Root.StructTreeRoot)


def structure_of(root: pikepdf.Object) -> list[pikepdf.Dictionary]:
    found: list[pikepdf.Dictionary] = []

    def walk(element: pikepdf.Object) -> None:
        kids = element.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                found.append(kid)
                walk(kid)

    walk(root)
    return found


def tags(pdf: pikepdf.Pdf) -> list[str]:
    return [str(element.S) for element in structure(pdf)]


def marked_images(pdf: pikepdf.Pdf) -> list[str]:
    """For each image drawn, the marked content around it: /Figure or /Artifact."""
    marks: list[str] = []
    for page in pdf.pages:
        stack: list[str] = []
        for operands, operator in pikepdf.parse_content_stream(page):
            if str(operator) in ("BDC", "BMC"):
                stack.append(str(operands[0]))
            elif str(operator) == "EMC":
                stack.pop()
            elif str(operator) == "Do" and \
                    page.Resources.XObject[operands[0]].Subtype == "/Image":
                marks.append(stack[-1] if stack else "unmarked")
    return marks


def test_the_web_copy_is_tagged_pdf_ua_1_with_language_and_title(web):
    assert "/StructTreeRoot" in web.Root
    assert web.Root.MarkInfo.Marked is True
    assert str(web.Root.Lang) == "en-GB"
    assert web.Root.ViewerPreferences.DisplayDocTitle is True
    assert str(web.docinfo.Title).startswith("Seeing the child | Practice Bulletin, Issue 7")
    metadata = web.open_metadata()
    assert metadata["pdfuaid:part"] == "1"
    assert metadata["dc:title"].startswith("Seeing the child")
    assert web.pdf_version == "1.7"


def test_headings_are_tagged_at_their_levels_in_reading_order(web):
    headings = [tag for tag in tags(web) if tag[1:2] == "H" and tag[2:].isdigit()]
    # The issue's title in the masthead, then the articles and their parts.
    assert headings == ["/H1", "/H2", "/H3", "/H2"]


def test_tables_have_header_cells_that_the_data_cells_point_to(web):
    tables = [element for element in structure(web) if element.S == "/Table"]
    assert tables
    rows = []
    for table in tables:  # a table split over two pages is tagged once on each page
        inside = structure_of(table)
        headers = {bytes(cell.ID): cell for cell in inside if cell.S == "/TH"}
        assert len(headers) == 2  # Area and Phone, repeated on each page
        for cell in (cell for cell in inside if cell.S == "/TD"):
            [header] = cell.A.Headers
            assert bytes(header) in headers
            rows.append(cell)
    assert len(rows) == 4


def test_lists_and_links_are_tagged(web):
    found = tags(web)
    assert "/L" in found and "/LI" in found and "/LBody" in found
    assert "/Link" in found


def test_a_described_image_is_a_figure_with_its_alt_text(web):
    figures = [element for element in structure(web) if element.S == "/Figure"]
    assert [str(figure.Alt) for figure in figures] == ["A chart of referrals by month"]


def test_a_decorative_image_is_an_artifact_outside_the_structure(web):
    assert marked_images(web) == ["/Figure", "/Artifact"]


def test_bookmarks_follow_the_headings(web):
    with web.open_outline() as outline:
        titles = [item.title for item in outline.root]
        nested = [child.title for item in outline.root for child in item.children]
    assert titles == ["Seeing the child"]  # the issue's title, holding its articles
    assert nested == ["Seeing the child", "What comes next"]


def test_the_archival_copy_is_pdf_a_2a_tagged_with_fonts_embedded(archival, web):
    metadata = archival.open_metadata()
    assert (metadata["pdfaid:part"], metadata["pdfaid:conformance"]) == ("2", "A")
    [intent] = archival.Root.OutputIntents
    assert intent.S == "/GTS_PDFA1"
    assert "sRGB" in str(intent.OutputConditionIdentifier)
    assert "/DestOutputProfile" in intent
    assert tags(archival) == tags(web)
    assert marked_images(archival) == ["/Figure", "/Artifact"]
    fonts = [font for page in archival.pages for font in page.Resources.Font.values()]
    assert fonts
    for font in fonts:
        descriptor = font.DescendantFonts[0].FontDescriptor if "/DescendantFonts" in font \
            else font.FontDescriptor
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.keys()), font.BaseFont


def test_a_draft_gets_no_archival_copy(site, tmp_path):
    issue = site / "issues/bulletin/2024-03-issue-7.md"
    issue.write_text(issue.read_text().replace("status: published", "status: draft"))
    assert "archival" not in build(site, "--format", "pdf")
    assert (site / f"output/{ISSUE}.pdf").exists()
    assert not (site / "output/bulletin/archival").exists()


def test_a_series_or_the_build_chooses_the_variant_of_the_web_copy(site):
    series = site / "issues/bulletin/series.yml"
    series.write_text(series.read_text() + "pdf_variant: pdf/ua-2\n")
    build(site, "--format", "pdf")
    with pikepdf.open(site / f"output/{ISSUE}.pdf") as pdf:
        assert pdf.pdf_version == "2.0"
        assert pdf.open_metadata()["pdfuaid:part"] == "2"
    # The build option wins over the series, and the issue is built again for it.
    assert "Built 1 issue" in build(site, "--format", "pdf", "--pdf-variant", "pdf/a-3a")
    with pikepdf.open(site / f"output/{ISSUE}.pdf") as pdf:
        metadata = pdf.open_metadata()
        assert (metadata["pdfaid:part"], metadata["pdfaid:conformance"]) == ("3", "A")
        assert "/StructTreeRoot" in pdf.Root
    with pikepdf.open(site / "output/bulletin/archival/2024-03-issue-7.pdf") as pdf:
        assert pdf.open_metadata()["pdfaid:part"] == "2"


def test_an_unknown_variant_is_refused_naming_the_choices(site, run):
    series = site / "issues/bulletin/series.yml"
    series.write_text(series.read_text() + "pdf_variant: pdf/x-4\n")
    result = run("build", cwd=site)
    assert result.exit_code == 1
    assert "issues/bulletin/series.yml:6" in result.stderr
    assert "pdf/ua-1" in result.stderr
    result = run("build", "--pdf-variant", "pdf/a-1b", cwd=site)
    assert result.exit_code == 2
    assert "'pdf/a-1b' is not one of 'pdf/ua-1', 'pdf/ua-2', 'pdf/a-2a', 'pdf/a-3a'" \
        in result.stderr


@pytest.fixture(scope="module")
def sample_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sample = copy_sample_archive(tmp_path_factory.mktemp("samples") / "sample")
    build(sample, "--format", "pdf")
    return sample / "output"


@pytest.mark.parametrize("issue", sorted(
    f"{path.parent.name}/{path.stem}" for path in (PROJECT / "issues").glob("*/[!_]*.md")
    if "\nstatus: published" in path.read_text()))
def test_every_sample_issue_is_tagged_and_archived_as_pdf_a(sample_output, issue):
    web_copy = sample_output / f"{issue}.pdf"
    archival_copy = web_copy.parent / "archival" / web_copy.name
    published = "\nstatus: published\n" in (PROJECT / "issues" / f"{issue}.md").read_text()
    assert archival_copy.exists() is published  # a draft (the seven-minute sample) has none
    with pikepdf.open(web_copy) as pdf:
        assert pdf.open_metadata()["pdfuaid:part"] == "1"
        assert_tagged(pdf)
    if published:
        with pikepdf.open(archival_copy) as archive:
            assert archive.open_metadata()["pdfaid:conformance"] == "A"
            assert_tagged(archive)


def assert_tagged(copy: pikepdf.Pdf) -> None:
    found = tags(copy)
    headings = [tag for tag in found if tag[1:2] == "H" and tag[2:].isdigit()]
    assert headings[0] == "/H1" and headings.count("/H1") == 1
    assert "/H2" in headings
    assert str(copy.Root.Lang) == "en-GB"
    assert "/Figure" not in found or all(
        "/Alt" in element for element in structure(copy) if element.S == "/Figure")
    if "/Table" in found:
        assert "/TH" in found


def test_a_positioned_decorative_image_is_an_artifact_too(site):
    (site / "issues/bulletin/rule.png").write_bytes(png(200))
    style = site / "styles/newsletter/style.css"  # a house style may position an image
    style.write_text(style.read_text() + "\n.corner-box { position: relative; }\n"
                     ".corner { position: absolute; top: 0; right: 0; width: 1cm; }\n")
    write_issue(site, "2024-03-issue-7.md", ISSUE_HEAD + (
        '\n<div class="corner-box">\n<img class="corner" src="rule.png" alt="">\n\n'
        "<p>Beside a decorative corner.</p>\n</div>\n"))
    build(site, "--format", "pdf")
    with pikepdf.open(site / f"output/{ISSUE}.pdf") as pdf:
        assert marked_images(pdf) == ["/Artifact"]
        assert "/Figure" not in tags(pdf)


def test_an_issue_set_back_to_draft_loses_its_archival_copy(site, run):
    build(site, "--format", "pdf")
    archival_copy = site / "output/bulletin/archival/2024-03-issue-7.pdf"
    assert archival_copy.exists()
    issue = site / "issues/bulletin/2024-03-issue-7.md"
    issue.write_text(issue.read_text().replace("status: published", "status: draft"))
    build(site, "--format", "pdf")
    assert not archival_copy.exists()  # a clean "published" PDF/A of a draft would mislead
    assert (site / f"output/{ISSUE}.pdf").exists()


def test_verify_says_a_locked_issue_set_back_to_draft_changed(sample, run):
    issue = sample / "issues/learning-review/2011-09-issue-2.md"
    issue.write_text(issue.read_text().replace("status: published", "status: draft"))
    result = run("verify", "issues/learning-review/2011-09-issue-2.md", cwd=sample)
    assert result.exit_code == 1
    assert "changed  issues/learning-review/2011-09-issue-2.md (edition " in result.stdout
    assert "it has no archival copy now: it is no longer published" in result.stdout


def test_the_statement_names_the_variant_the_build_chose(site, run):
    assert run("build", "--format", "html", "--pdf-variant", "pdf/a-3a", cwd=site).exit_code == 0
    assert "tagged for screen readers (PDF/A-3a)" in \
        (site / "output/accessibility.html").read_text()
