"""Text: UTF-8 with or without a byte-order mark and with either line ending, in every kind of
source; Welsh in the shipped fonts; a character the fonts lack is a warning naming it."""

from __future__ import annotations

import json

import pikepdf
import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from conftest import ISSUE_HEAD, PROJECT, copy_sample_archive, write_issue

ISSUE = "issues/bulletin/2024-06-issue-8.md"
HEAD = ISSUE_HEAD.replace("number: 7", "number: 8").replace("2024-03-01", "2024-06-01")
SHIPPED = ("Source-Sans-3", "Source-Serif-4")


def pdf_fonts(path) -> set[str]:
    """The fonts a PDF embeds, without their subset prefixes."""
    fonts = set()
    for page in PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(font.get_object()["/BaseFont"].split("+", 1)[-1])
    return fonts


# Encodings and line endings, in each kind of source -----------------------------------------

BLOCK = "blocks/quote/why-review.yml"
SERIES = "issues/bulletin/series.yml"


def place_block(site) -> None:
    write_issue(site, "2024-06-issue-8.md", HEAD + "\n[[why-review]]\n")


@pytest.mark.parametrize("path, line", [
    (ISSUE, 2), (BLOCK, 4), (SERIES, 1), ("site.yml", 1)])
def test_a_file_that_is_not_utf8_is_an_error_naming_it(site, run, path, line):
    place_block(site)
    target = site / path
    text = target.read_text(encoding="utf-8")
    lines = text.split("\n")
    lines[line - 1] += " café"
    target.write_bytes("\n".join(lines).encode("cp1252"))
    result = run("build", "--format", "html", cwd=site)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"{path}:{line}: the file is not UTF-8 text; save it again as UTF-8 (in Word or "
        "Notepad: Save As, Encoding: UTF-8)")
    assert not (site / "output").exists()


@pytest.mark.parametrize("path, shows", [
    (ISSUE, "Reviews exist to find what must change"),
    (BLOCK, "Reviews exist to find what must change"),
    (SERIES, "Practice Bulletin"),
    ("site.yml", "Example Safeguarding Children Partnership"),
])
@pytest.mark.parametrize("ending", ["\r\n", "\r"])
def test_a_byte_order_mark_and_windows_line_endings_are_accepted(site, run, path, shows,
                                                                 ending):
    place_block(site)
    target = site / path
    text = target.read_text(encoding="utf-8")
    target.write_bytes(("\ufeff" + text.replace("\n", ending)).encode("utf-8"))
    result = run("build", "--format", "html", cwd=site)
    assert result.exit_code == 0, result.output
    assert shows in (site / "output/bulletin/2024-06-issue-8.html").read_text(encoding="utf-8")


# Welsh --------------------------------------------------------------------------------------

WELSH = """
# Gwrando ar lais y plentyn: ŵyr, tŷ a chân

Mae'r bwrdd yn gofyn i bob tîm wrando'n ofalus. Dŵr, tŷ, cân, pêl, sîl, brôn, hûn:
ŵ ŷ â ê î ô û, and in capitals Ŵ Ŷ Â Ê Î Ô Û; also ä ë ï ö ü ÿ, á é í ó ú, à è ì ò ù, ẃ ẁ ẅ ỳ ý.

## Ŵyr a wyresau

> Gwelodd y gweithiwr cymdeithasol y plentyn bob wythnos.
"""


def test_welsh_renders_in_the_shipped_fonts(site, run):
    write_issue(site, "2024-06-issue-8.md",
                HEAD.replace("summary:", "language: cy\nsummary:") + WELSH)
    result = run("build", ISSUE, cwd=site)
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr
    pdf = site / "output/bulletin/2024-06-issue-8.pdf"
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(pdf).pages).split())
    for letters in ("ŵ ŷ â ê î ô û", "Ŵ Ŷ Â Ê Î Ô Û", "ẃ ẁ ẅ ỳ ý", "ŵyr, tŷ a chân", "Dŵr",
                    "Ŵyr a wyresau"):
        assert letters in text
    fonts = pdf_fonts(pdf)
    assert fonts and all(name.startswith(SHIPPED) for name in fonts), fonts
    with pikepdf.open(pdf) as document:
        assert str(document.Root.Lang) == "cy"
    html = (site / "output/bulletin/2024-06-issue-8.html").read_text(encoding="utf-8")
    assert '<html lang="cy"' in html


def test_the_sample_issues_use_only_characters_their_fonts_have(tmp_path, run):
    sample = copy_sample_archive(tmp_path / "sample")
    result = run("build", "--format", "pdf", "--force", cwd=sample)
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr, result.stderr


def test_an_issue_with_a_footnote_builds_without_a_warning_or_a_back_link_in_print(site, run):
    write_issue(site, "2024-06-issue-8.md", HEAD + "\nA claim.[^source]\n\n"
                "[^source]: Where the claim comes from.\n")
    result = run("build", ISSUE, cwd=site)
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr, result.stderr
    html = (site / "output/bulletin/2024-06-issue-8.html").read_text(encoding="utf-8")
    assert 'aria-label="Back to the text of note 1"' in html
    assert ">Back to the text</a>" in html
    for pdf in ("2024-06-issue-8.pdf", "archival/2024-06-issue-8.pdf"):
        text = " ".join(page.extract_text() for page in
                        PdfReader(site / "output/bulletin" / pdf).pages)
        assert "Where the claim comes from." in text
        assert "\u21a9" not in text and "Back to the text" not in text


def test_every_shipped_font_has_the_footnote_back_link():
    label = "Back to the text" + "\u00a0"  # the extension puts a no-break space before
    for font in sorted((PROJECT / "styles/fonts").glob("*/*.ttf")):
        missing = set(label) - {chr(code) for code in TTFont(font).getBestCmap()}
        assert not missing, (font.name, missing)


# Characters the fonts lack ----------------------------------------------------------------

def glyph_warning(character: str, code: str, where: str = "the fonts of this house style"):
    return (f"{ISSUE}: warning: the character '{character}' ({code}) is not in {where}; it may "
            "print as an empty box or in a system font; use another character or add a font "
            "that has it")


def test_a_character_no_shipped_font_has_is_a_warning_naming_it(site, run):
    write_issue(site, "2024-06-issue-8.md", HEAD + "\nRated ★★★ by teams; 中文 too.\n")
    result = run("build", "--format", "pdf", ISSUE, cwd=site)
    assert result.exit_code == 0, result.output
    # Once each, and nothing of WeasyPrint's own (".notdef glyph rendered ..." for 中 and 文,
    # which no font of this machine has), written for each PDF variant.
    assert [line for line in result.stderr.splitlines() if "warning" in line] == [
        glyph_warning("★", "U+2605 BLACK STAR"),
        glyph_warning("中", "U+4E2D CJK UNIFIED IDEOGRAPH-4E2D"),
        glyph_warning("文", "U+6587 CJK UNIFIED IDEOGRAPH-6587"),
    ]
    assert (site / "output/bulletin/2024-06-issue-8.pdf").is_file()


def test_a_character_only_the_other_typeface_has_is_a_warning_naming_the_font(site, run):
    # Source Sans 3 has the heavy check mark; the Source Serif 4 of the headings does not.
    write_issue(site, "2024-06-issue-8.md", HEAD + "\n# Done ✔\n\nChecked ✔ and ✓.\n")
    result = run("build", "--format", "pdf", ISSUE, cwd=site)
    assert result.exit_code == 0, result.output
    assert [line for line in result.stderr.splitlines() if "warning" in line] == [
        glyph_warning("✔", "U+2714 HEAVY CHECK MARK",
                      "Source Serif 4, the font this house style gives the text it is in"),
    ]


def test_many_missing_characters_are_counted_after_the_first_ten(site, run):
    write_issue(site, "2024-06-issue-8.md", HEAD + "\n" + "".join(map(chr, range(0x4E00, 0x4E20)))
                + "\n")
    result = run("build", "--format", "pdf", ISSUE, cwd=site)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if "warning" in line]
    assert len(lines) == 11
    assert lines[0] == glyph_warning("一", "U+4E00 CJK UNIFIED IDEOGRAPH-4E00")
    assert lines[10] == (
        f"{ISSUE}: warning: 22 more characters are not in the fonts of this house style: "
        + " ".join(map(chr, range(0x4E0A, 0x4E1E))) + " ...")


def test_text_in_a_font_the_style_does_not_ship_is_a_warning(site, run):
    # Browsers and WeasyPrint set <kbd> in monospace; no house style ships one.
    write_issue(site, "2024-06-issue-8.md", HEAD + "\nPress <kbd>Ctrl P</kbd> to print.\n")
    result = run("build", "--format", "pdf", ISSUE, cwd=site)
    assert result.exit_code == 0, result.output
    assert [line for line in result.stderr.splitlines() if "warning" in line] == [
        f"{ISSUE}: warning: the text 'Ctrl P' is set in monospace, not in a "
        "font of this house style, so it prints in a font of the computer that builds the "
        "PDF; write it as plain text, or add a font for it to the house style"]


def test_code_is_set_in_the_house_font(site, run):
    write_issue(site, "2024-06-issue-8.md", HEAD + "\nRun `publisher check --strict` first.\n")
    result = run("build", "--format", "pdf", ISSUE, cwd=site)
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr, result.stderr


def test_characters_that_print_nothing_are_not_warned_of(site, run):
    # A soft hyphen, zero-width and no-break spaces, a variation selector, a word joiner.
    write_issue(site, "2024-06-issue-8.md",
                HEAD + "\nSafe\u00adguarding\u200b and\u00a0more\u2060 ✓\ufe0f.\n")
    result = run("build", "--format", "pdf", ISSUE, cwd=site)
    assert result.exit_code == 0, result.output
    assert "missing-glyph" not in result.stderr and "fonts" not in result.stderr, result.stderr
    # The zero-width ones are text that cannot be seen, which check warns of for itself.
    assert [line.split("[")[-1] for line in result.stderr.splitlines()] == [
        "invisible-character]", "invisible-character]"]


def test_fonts_are_known_by_the_names_their_font_face_rules_give_them(site, run):
    brand = site / "styles/brand.css"
    brand.write_text(brand.read_text().replace('--body-font: "Source Sans 3", sans-serif;',
                                               '--body-font: "Body Text", sans-serif;'))
    base = site / "styles/base.css"
    base.write_text("".join(
        f'@font-face {{ font-family: "Body Text"; font-weight: {weight}; src: '
        f'url("fonts/source-sans-3/SourceSans3-{name}.ttf"); }}\n'
        for weight, name in ((400, "Regular"), (600, "Semibold"), (700, "Bold")))
        + base.read_text())
    write_issue(site, "2024-06-issue-8.md", HEAD + "\nRated ★ by teams.\n")
    result = run("build", "--format", "pdf", ISSUE, cwd=site)
    assert result.exit_code == 0, result.output
    assert [line for line in result.stderr.splitlines() if "warning" in line] == [
        glyph_warning("★", "U+2605 BLACK STAR")]


def test_the_check_of_characters_is_right_from_a_damaged_cache(site, run, tmp_path, monkeypatch):
    # What a font has is kept in the user's cache by the digest of its bytes; an entry that
    # cannot be read is looked into again, never taken for a font with no characters.
    from publisher.pdf import _font_coverage

    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    write_issue(site, "2024-06-issue-8.md", HEAD + "\nRated ★ by teams, ✔ and ✓.\n")
    expected = [glyph_warning("★", "U+2605 BLACK STAR")]
    for damaged in (False, True):
        if damaged:
            for number, entry in enumerate(sorted((cache / "publisher/coverage-1").iterdir())):
                entry.write_text(("{not json", '{"names": 1, "ranges": [[1]]}')[number % 2])
        _font_coverage.cache_clear()  # as a new process would
        result = run("build", "--format", "pdf", "--force", ISSUE, cwd=site)
        assert result.exit_code == 0, result.output
        assert [line for line in result.stderr.splitlines() if "warning" in line] == expected
        shipped = {path.read_bytes() for path in (site / "styles/fonts").rglob("*.ttf")}
        entries = sorted((cache / "publisher/coverage-1").glob("*.json"))
        assert len(entries) == len(shipped)
        # Made right again, not left damaged for every later build to look into the fonts.
        assert all(json.loads(entry.read_text())["names"] for entry in entries)


def test_a_font_that_cannot_be_read_is_not_kept_as_one_with_no_characters(tmp_path,
                                                                           monkeypatch):
    # It may be readable later (brotli installed for a WOFF2): kept empty, the check
    # would pass over its text for good.
    from publisher.pdf import _font_coverage

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    font = tmp_path / "broken.ttf"
    font.write_bytes(b"not a font at all")
    assert _font_coverage(font, 1, 1) == (frozenset(), frozenset())
    assert not (tmp_path / "cache/publisher/coverage-1").exists()
    shipped = PROJECT / "styles/fonts/source-sans-3/SourceSans3-Regular.ttf"
    names, characters = _font_coverage(shipped, 1, 1)
    assert names == {"source sans 3"} and ord("ŵ") in characters
    assert len(list((tmp_path / "cache/publisher/coverage-1").iterdir())) == 1
