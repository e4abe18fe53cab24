"""`publisher import`: real Word documents (tests/docx_files.py) become draft issues that
build; what does not come across is listed; bad files are refused with nothing written."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest
from docx_files import Docx, from_page, run
from pypdf import PdfReader

from conftest import PROJECT, copy_sample_archive, tiny_png

NEW_ISSUE = "issues/bulletin/2024-06-issue-8.md"


def full_document(path: Path) -> Path:
    """A contributor's article with one of each thing an import must handle."""
    docx = Docx()
    docx.text("Bruising in babies", "Title")
    docx.text("What happened", "Heading1")
    docx.paragraph(run("A baby was "), run("seen", bold=True), run(" twice by "),
                   run("different", italic=True), run(" teams"),
                   docx.footnote("The local review, 2019."), run(". Read "),
                   docx.link("the bruising protocol", "https://www.example.org.uk/bruising"),
                   run(" first."))
    docx.bullet("Who saw the baby")
    docx.bullet("The health visitor, at home", 1)
    docx.bullet("What was done")
    docx.numbered("Refer the same day")
    docx.numbered("Arrange a medical assessment")
    docx.text("Who to call", "Heading2")
    docx.table([["Area", "Phone"], ["Leicestershire", "0116 305 0005"]])
    docx.paragraph(docx.picture(tiny_png(), "A chart of referrals by month"))
    docx.paragraph(docx.picture(tiny_png(), None))
    docx.paragraph(run("The plan was agreed"), docx.comment("Is this right?"),
                   docx.inserted(" by everyone"), docx.deleted(" by some"), run("."))
    docx.paragraph(run("See the box."), docx.text_box("A note in a text box"))
    docx.text("Talk about it at your next team meeting.", "PracticePoint")
    docx.text("Words in a style of the contributor's own.", "Fancy")
    docx.text("Every review comes back to the child.", "Quote")
    docx.text("Any bruise on a baby who is not mobile is a concern.", "IntenseQuote")
    return docx.save(path)


def test_a_word_document_becomes_a_draft_issue_and_what_is_lost_is_listed(site, run):
    document = full_document(site / "Bruising article.docx")
    result = run("import", document.name, "bulletin", cwd=site)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{NEW_ISSUE}\n"
    text = (site / NEW_ISSUE).read_text()
    assert text.startswith('---\ntitle: "Bruising in babies"\nnumber: 8\ndate: 2024-06-01\n'
                           "status: draft\n")
    assert 'summary: "A baby was seen twice by different teams. Read the bruising ' \
           'protocol first."' in text
    for expected in [
            "# What happened",
            "A baby was **seen** twice by *different* teams[^1]. Read [the bruising "
            "protocol](https://www.example.org.uk/bruising) first.",
            "- Who saw the baby\n  - The health visitor, at home\n- What was done",
            "1. Refer the same day\n2. Arrange a medical assessment",
            "## Who to call",
            "| Area | Phone |\n| --- | --- |\n| Leicestershire | 0116 305 0005 |",
            "![A chart of referrals by month](2024-06-issue-8-picture-1.png)",
            "![](2024-06-issue-8-picture-2.png)",
            "The plan was agreed by everyone.",
            "> Every review comes back to the child.",
            "/// callout\nAny bruise on a baby who is not mobile is a concern.\n///",
            "[^1]: The local review, 2019."]:
        assert expected in text, expected
    assert "by some" not in text and "Is this right?" not in text
    for picture in ("2024-06-issue-8-picture-1.png", "2024-06-issue-8-picture-2.png"):
        assert (site / "issues/bulletin" / picture).read_bytes() == tiny_png()
    said = result.stderr
    for warning in ["a comment under the heading 'Who to call' was left out",
                    "a tracked insertion under the heading 'Who to call' was accepted",
                    "a tracked deletion under the heading 'Who to call' was accepted",
                    "a text box under the heading 'Who to call' came across as a paragraph",
                    "the paragraph style 'Practice Point' is not one publisher knows",
                    "the paragraph style 'Fancy Heading' is not one publisher knows"]:
        assert f"Bruising article.docx: warning: {warning}" in said, warning
    assert "with 2 pictures (1 without a description: write one between the brackets)" in said

    checked = run("check", NEW_ISSUE, cwd=site)
    assert checked.exit_code == 1
    line = text.split("\n").index("![](2024-06-issue-8-picture-2.png)") + 1
    assert f"{NEW_ISSUE}:{line}:1: error: this image has no description" in checked.stdout

    (site / NEW_ISSUE).write_text(text.replace("![](", "![A second chart]("))
    built = run("build", NEW_ISSUE, cwd=site)
    assert built.exit_code == 0, built.output
    words = " ".join(" ".join(page.extract_text().split()) for page in
                     PdfReader(site / "output/bulletin/2024-06-issue-8.pdf").pages)
    order = ["Bruising in babies", "What happened", "A baby was seen twice",
             "Who saw the baby", "The health visitor, at home", "Refer the same day",
             "Who to call", "Leicestershire", "0116 305 0005", "The plan was agreed by everyone",
             "Every review comes back to the child", "Any bruise on a baby",
             "The local review, 2019."]
    at = 0
    for phrase in order:  # each after the one before
        at = words.find(phrase, at)
        assert at >= 0, phrase


def test_a_site_says_what_its_own_word_styles_are(site, run):
    settings = site / "site.yml"
    settings.write_text(settings.read_text() + 'word_styles:\n  "Practice Point": callout tip\n')
    document = full_document(site / "article.docx")
    result = run("import", str(document), "bulletin", "--title", "Our own title", cwd=site)
    assert result.exit_code == 0, result.output
    text = (site / NEW_ISSUE).read_text()
    assert text.startswith('---\ntitle: "Our own title"\n')
    assert "/// callout\n    kind: tip\nTalk about it at your next team meeting.\n///" in text
    assert "'Practice Point' is not one" not in result.stderr


def test_into_adds_an_article_to_a_draft_and_never_to_a_published_issue(site, run):
    draft = site / NEW_ISSUE
    draft.write_text("---\ntitle: Next\nnumber: 8\ndate: 2024-06-01\nstatus: draft\n"
                     "summary: Soon.\n---\n\nThe opening.[^1]\n\n[^1]: An earlier note.\n")
    document = full_document(site / "Partner update.docx")
    result = run("import", str(document), "--into", NEW_ISSUE, cwd=site)
    assert result.exit_code == 0, result.output
    text = draft.read_text()
    assert text.startswith("---\ntitle: Next\n") and "[^1]: An earlier note." in text
    assert "\n# Bruising in babies\n\n## What happened\n" in text
    assert "teams[^partner-update-1]." in text
    assert "[^partner-update-1]: The local review, 2019." in text
    assert (site / "issues/bulletin/2024-06-issue-8-partner-update-picture-1.png").is_file()

    published = run("import", str(document), "--into", "issues/bulletin/2024-03-issue-7.md",
                    cwd=site)
    assert published.exit_code == 2
    assert "is published; an article can only be added to a draft" in published.stderr


def test_an_import_never_overwrites_and_writes_nothing_when_it_stops(site, run):
    document = full_document(site / "article.docx")
    taken = site / "issues/bulletin/2024-06-issue-8-picture-2.png"
    taken.write_bytes(b"the officer's own picture")
    result = run("import", str(document), "bulletin", cwd=site)
    assert result.exit_code == 2
    assert "issues/bulletin/2024-06-issue-8-picture-2.png exists already; publisher never " \
           "overwrites a file" in result.stderr
    assert not (site / NEW_ISSUE).exists()
    assert not (site / "issues/bulletin/2024-06-issue-8-picture-1.png").exists()
    assert taken.read_bytes() == b"the officer's own picture"


def test_a_document_too_large_or_a_zip_bomb_is_refused(site, run, monkeypatch):
    from publisher import word_import

    document = full_document(site / "article.docx")
    monkeypatch.setattr(word_import, "MAX_DOCX_BYTES", 1000)
    result = run("import", str(document), "bulletin", cwd=site)
    assert result.exit_code == 2
    assert "MB, more than the" in result.stderr
    monkeypatch.setattr(word_import, "MAX_DOCX_BYTES", 25 * 2**20)
    monkeypatch.setattr(word_import, "MAX_UNZIPPED_BYTES", 1000)
    result = run("import", str(document), "bulletin", cwd=site)
    assert result.exit_code == 2 and "more than a Word document holds" in result.stderr
    assert not (site / NEW_ISSUE).exists()


@pytest.mark.parametrize("source", ["issues/learning-review/2011-06-issue-1.md",
                                    "issues/seven-minute/2024-09-briefing-1.md"])
def test_a_sample_issue_exported_to_word_comes_back(tmp_path, run, capsys, source):
    """A sample issue's page, as a Word document, imported again: its headings, lists,
    tables and links come back."""
    site = copy_sample_archive(tmp_path / "site")
    assert run("build", "--format", "html", source, cwd=site).exit_code == 0
    series = source.split("/")[1]
    page = (site / "output" / series / Path(source).with_suffix(".html").name).read_text()
    document = from_page(page).save(tmp_path / "sample.docx")
    result = run("import", str(document), series, "--date", "2030-01-01", cwd=site)
    assert result.exit_code == 0, result.output
    # The page sets typographic quotes; the source has plain ones.
    imported = (site / result.stdout.strip()).read_text().translate(
        str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'}))
    original = (site / source).read_text()

    def headings(text: str) -> list[str]:
        body = text.split("---\n", 2)[2]
        return [re.sub(r"\s*\{[^}]*\}$", "", heading).replace("\u2019", "'")
                for heading in re.findall(r"^#+ (.*)$", body, re.M)]

    def items(text: str) -> list[str]:
        """Each list item's first four words (the source wraps long items; the page sets
        typographic quotes)."""
        found = re.findall(r"^\s*(?:-|\d+\.) (.*)$", text.split("---\n", 2)[2], re.M)
        return [" ".join(re.sub(r"\*\*|\[|\]\([^)]*\)|[^\w\s]", "", item).split()[:4])
                for item in found]

    def links(text: str) -> set[tuple[str, str]]:
        return {(" ".join(label.split()), address) for label, address in
                re.findall(r"\[([^\]]+)\]\((https?://[^)]+)\)", text)}

    # In order; the page also has the headings of the blocks the source places.
    came_back = iter(headings(imported))
    assert headings(original) and all(heading in came_back for heading in headings(original))
    assert items(original) and set(items(original)) <= set(items(imported))
    assert links(original) and links(original) <= links(imported)
    if "learning-review" in source:  # its contacts are a table (the seven-minute's a list)
        assert "| Area or team | Phone | Email |\n| --- | --- | --- |\n| Leicestershire | " \
               "0116 305 0005 | childrensduty@leics.gov.uk |" in imported
    body = original.split("---\n", 2)[2].splitlines()
    diff = difflib.unified_diff(body, imported.split("---\n", 2)[2].splitlines(),
                                "original", "imported", lineterm="", n=0)
    with capsys.disabled():
        print("\n".join(list(diff)[:80]))


@pytest.mark.parametrize("name", ["article.txt", "article.doc"])
def test_only_a_docx_is_imported(site, run, name):
    (site / name).write_bytes(b"not a document")
    result = run("import", str(site / name), "bulletin", cwd=site)
    assert result.exit_code == 2 and "is not a .docx file" in result.stderr
    assert PROJECT.is_dir()
