"""The web page's stylesheet, fonts and favicon (publisher/web_assets.py): one stylesheet for
the screen and one for print, named by their digests; fonts as WOFF2 in two files each, the
first screen's preloaded; the PDF made from the page as its template writes it."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import pikepdf
from fontTools.ttLib import TTFont

from publisher.web_assets import without_asset_digests

from conftest import write_issue

PAGE = "output/bulletin/2024-03-issue-7.html"


def links(page: str) -> list[dict[str, str]]:
    return [dict(re.findall(r'([\w-]+)(?:="([^"]*)")?', tag))
            for tag in re.findall(r"<link ([^>]*)>", page)]


def built(site: Path, run) -> tuple[str, list[dict[str, str]]]:
    result = run("build", "--format", "html", cwd=site)
    assert result.exit_code == 0, result.output
    page = (site / PAGE).read_text()
    return page, links(page)


def assets_file(site: Path, href: str) -> Path:
    return (site / PAGE).parent / href


def test_the_page_links_one_stylesheet_for_the_screen_one_for_print(site, run):
    _, linked = built(site, run)
    sheets = [link for link in linked if link["rel"] == "stylesheet"]
    assert [link.get("media") for link in sheets] == [None, "print"]
    for link in sheets:
        assert re.fullmatch(r"\.\./assets/web/site-[0-9a-f]{12}\.css", link["href"])
        data = assets_file(site, link["href"]).read_bytes()
        assert link["href"][-16:-4] == hashlib.sha256(data).hexdigest()[:12]
    screen = assets_file(site, sheets[0]["href"]).read_text()
    printed = assets_file(site, sheets[1]["href"]).read_text()
    # The house style's rules in their order: brand, base, the style's, screen's for the
    # screen only; print's in the sheet loaded for print.
    assert screen.index("--body-font") < screen.index(".masthead__series") \
        < screen.index("@media screen")
    assert "@page" in printed and "@page" not in screen


def test_fonts_are_woff2_in_two_files_with_swap(site, run):
    _, linked = built(site, run)
    screen = assets_file(site, linked[[link["rel"] for link in linked].index("stylesheet")]
                         ["href"]).read_text()
    faces = re.findall(r"@font-face \{([^}]*)\}", screen)
    assert len(faces) == 14  # each of the 7 fonts of base.css in two files
    for face in faces:
        assert "font-display: swap" in face and 'format("woff2")' in face
        assert "unicode-range: U+" in face and ".ttf" not in face
    regular = [face for face in faces if "SourceSans3-Regular." in face]
    latin, more = (TTFont(io.BytesIO((site / "output/assets/web" / re.search(
        r'url\("([^"]+)"\)', face)[1]).read_bytes())) for face in regular)
    assert latin.flavor == "woff2" and more.flavor == "woff2"
    # Welsh is in the first file; Greek in the second, loaded only by a page that shows it.
    assert {ord("ŵ"), ord("ŷ"), ord("’"), ord("€")} <= set(latin.getBestCmap())
    assert ord("α") not in latin.getBestCmap() and ord("α") in more.getBestCmap()
    assert "U+370-1FFF" in regular[1] and "U+A0-17F" in regular[0]


def test_the_first_screen_s_fonts_are_preloaded_and_exist(site, run):
    _, linked = built(site, run)
    preloaded = [link["href"] for link in linked if link["rel"] == "preload"]
    # base.css's three, and the newsletter style's masthead face, italic and bold.
    assert [Path(href).name.split(".")[0] for href in preloaded] == [
        "SourceSans3-Regular", "SourceSans3-Semibold", "SourceSerif4-Semibold",
        "SourceSerif4Display-Semibold", "SourceSans3-It", "SourceSans3-Bold"]
    for href in preloaded:
        assert ".latin-" in href
        assert assets_file(site, href).read_bytes()[:4] == b"wOF2"
    assert all(link.get("crossorigin") is not None for link in linked
               if link["rel"] == "preload")


def test_a_favicon_named_by_its_digest(site, run):
    _, linked = built(site, run)
    [icon] = [link for link in linked if link["rel"] == "icon"]
    assert icon["type"] == "image/svg+xml"
    assert assets_file(site, icon["href"]).read_bytes() == \
        (site / "styles/favicon.svg").read_bytes()


def test_an_edit_to_a_stylesheet_gives_it_a_new_address(site, run):
    before, linked = built(site, run)
    screen = next(link["href"] for link in linked if link["rel"] == "stylesheet")
    sheet = site / "styles/screen.css"
    sheet.write_text(sheet.read_text() + "\n.masthead { outline: none; }\n")
    after, relinked = built(site, run)
    moved = next(link["href"] for link in relinked if link["rel"] == "stylesheet")
    assert moved != screen
    assert assets_file(site, moved).read_text().endswith(".masthead { outline: none; }\n\n}")
    assert after != before
    assert without_asset_digests(after.encode()) == without_asset_digests(before.encode())


def test_the_pdf_is_made_from_the_page_as_its_template_writes_it(site, run):
    result = run("build", cwd=site)
    assert result.exit_code == 0, result.output
    # Its fonts are its own subsets of the TrueType fonts, as before the web page was made
    # light, not the web's WOFF2 files.
    with pikepdf.open(site / "output/bulletin/2024-03-issue-7.pdf") as pdf:
        embedded = [descriptor for item in pdf.objects
                    if isinstance(item, pikepdf.Dictionary)
                    and item.get("/Type") == "/FontDescriptor" for descriptor in [item]]
        assert embedded
        for descriptor in embedded:
            assert "/FontFile2" in descriptor
            assert descriptor.FontFile2.read_bytes()[:4] == b"\x00\x01\x00\x00"


def test_an_imported_stylesheet_is_put_in_its_place(site, run):
    style = site / "styles/newsletter/style.css"
    (site / "styles/newsletter/extra.css").write_text(".from-the-import { color: #123456; }\n")
    style.write_text('@import url("extra.css");\n' + style.read_text())
    write_issue(site, "2024-06-issue-8.md", (site / "issues/bulletin/2024-03-issue-7.md")
                .read_text().replace("number: 7", "number: 8")
                .replace("2024-03-01", "2024-06-01"))
    _, linked = built(site, run)
    screen = assets_file(site, next(link["href"] for link in linked
                                    if link["rel"] == "stylesheet")).read_text()
    assert "@import" not in screen
    assert screen.index(".from-the-import") < screen.index(".masthead__series")
    # Edited in the same process, as under `serve`: the bundle is made again.
    (site / "styles/newsletter/extra.css").write_text(".from-the-edit { color: #654321; }\n")
    _, linked = built(site, run)
    screen = assets_file(site, next(link["href"] for link in linked
                                    if link["rel"] == "stylesheet")).read_text()
    assert ".from-the-edit" in screen and ".from-the-import" not in screen


def test_a_replaced_font_gets_a_new_address_in_the_same_process(site, run):
    # As under `serve`: the bundle names each font by its digest, so it is made again.
    def regular_fonts(linked) -> set[str]:
        screen = assets_file(site, next(link["href"] for link in linked
                                        if link["rel"] == "stylesheet")).read_text()
        return set(re.findall(r"fonts/SourceSans3-Regular\.latin-\w+\.woff2", screen))

    _, linked = built(site, run)
    before = regular_fonts(linked)
    fonts = site / "styles/fonts/source-sans-3"
    (fonts / "SourceSans3-Regular.ttf").write_bytes((fonts / "SourceSans3-Bold.ttf").read_bytes())
    _, relinked = built(site, run)
    after = regular_fonts(relinked)
    assert len(before) == len(after) == 1 and before != after
    assert (site / "output/assets/web" / after.pop()).is_file()
