"""Footnotes in print: each note at the foot of the page that cites it, tagged as a Note
that its reference links to; on screen, a list of notes (tests/test_markdown.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from test_variants import structure

from publisher.cli import cli

from conftest import ISSUE_HEAD, make_site, write_issue

PARAGRAPH = ("Each workshop takes a real case, with identifying details removed, and asks what "
             "the child's day was like, who saw the child, and what the professionals around "
             "the family knew but did not share.\n\n")
#: Enough text before the first reference to put it on page 2 of the newsletter's two
#: columns, and a second reference near the foot of a column, where a note has least room.
BODY = ("\n# Seeing the child\n\n" + PARAGRAPH * 14
        + "Teams that kept a doorstep visit FIRSTREF saw more.[^audit] After it.\n\n"
        + PARAGRAPH * 3 + "A second mark SECONDREF here.[^two]\n\n" + PARAGRAPH * 2
        + "[^audit]: From the board's *audit* of 40 cases, [the audit report]"
          "(https://example.org/audit), July 2020 FIRSTNOTE.\n"
        + "[^two]: Another note SECONDNOTE.\n")
ISSUE = "bulletin/2024-03-issue-7"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The fixture site with a long article citing two notes, built; and what it said."""
    site = make_site(tmp_path_factory.mktemp("footnotes") / "site")
    write_issue(site, "2024-03-issue-7.md", ISSUE_HEAD + BODY)
    result = CliRunner().invoke(cli, ["--site", str(site), "build", "-q"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    yield site / "output", result.output


def pages_text(pdf: Path) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(pdf).pages]


def test_an_issue_with_footnotes_builds_without_a_warning(built):
    assert built[1] == ""


def test_each_note_is_printed_once_on_the_page_that_cites_it(built):
    pages = pages_text(built[0] / f"{ISSUE}.pdf")
    for reference, note in (("FIRSTREF", "FIRSTNOTE"), ("SECONDREF", "SECONDNOTE")):
        cited = [number for number, text in enumerate(pages) if reference in text]
        printed = [number for number, text in enumerate(pages) if note in text]
        assert len(cited) == 1 and cited == printed, (reference, cited, printed)
        assert cited[0] >= 1  # on page 2 or later, after a page of text
        assert " ".join(pages).count(note) == 1  # the list of notes is not printed


def test_a_printed_note_keeps_its_words_and_links_and_has_no_back_link(built):
    text = " ".join(pages_text(built[0] / f"{ISSUE}.pdf"))
    assert ("1. From the board\u2019s audit of 40 cases, the audit report "
            "(https://example.org/audit), July 2020 FIRSTNOTE.") in text
    assert "\u21a9" not in text and "Back to" not in text and "Notes" not in text


def test_each_note_is_a_note_with_an_id_that_its_reference_links_to(built):
    with pikepdf.open(built[0] / f"{ISSUE}.pdf") as pdf:
        notes = [element for element in structure(pdf) if element.S == "/Note"]
        assert [bytes(note.ID) for note in notes] == [b"fnp:audit", b"fnp:two"]
        pages = {page.objgen: number for number, page in enumerate(pdf.pages)}
        destinations = dict(pdf.Root.Names.Dests.Names.as_list()[i:i + 2]
                            for i in range(0, len(pdf.Root.Names.Dests.Names), 2))
        links = {str(annotation.Dest): annotation for page in pdf.pages
                 for annotation in page.get("/Annots", []) if "/Dest" in annotation}
        for number, note in enumerate(notes, start=1):
            link = links[bytes(note.ID).decode()]
            assert str(link.Contents) == f"Note {number}"  # read out as the note's name
            target = destinations[pikepdf.String(bytes(note.ID))]
            assert pages[target[0].objgen] == pages[note.Pg.objgen]
        # The references are Links in the structure, each holding its annotation.
        referring = [element for element in structure(pdf) if element.S == "/Link"
                     and any(isinstance(kid, pikepdf.Dictionary) and kid.get("/Obj") is not None
                             and "/Dest" in kid.Obj for kid in element.K)]
        assert len(referring) == 2


def test_the_html_page_lists_the_notes_for_the_screen(built):
    page = (built[0] / f"{ISSUE}.html").read_text()
    assert '<h2 id="notes:heading">Notes</h2>' in page
    assert page.index('<span class="footnote-print"') < page.index('role="doc-endnotes"')
    assert 'aria-label="Back to the text of note 2"' in page
