"""House styles: the sample archive, re-branding, designs by date, contrast, archive pages."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from publisher.cli import cli

from conftest import PROJECT, write_issue


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's sample archive, built once (PDF and HTML) into a folder of its own."""
    output = tmp_path_factory.mktemp("archive")
    result = CliRunner().invoke(cli, ["--site", str(PROJECT), "build", "--output", str(output)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.stderr == "", "a sample issue made WeasyPrint warn"
    return output


SAMPLES = sorted(p.relative_to(PROJECT / "issues").with_suffix("").as_posix()
                 for p in (PROJECT / "issues").glob("*/[!_]*.md"))


def test_the_sample_archive_spans_the_series_and_2011_to_2024():
    assert len(SAMPLES) >= 8
    assert {sample.split("/")[0] for sample in SAMPLES} >= {"learning-review",
                                                           "safeguarding-matters",
                                                           "seven-minute", "gallery"}
    years = {int(sample.split("/")[1][:4]) for sample in SAMPLES}
    assert min(years) == 2011 and max(years) == 2024


@pytest.mark.parametrize("sample", SAMPLES)
def test_every_sample_issue_is_built(archive, sample):
    reader = PdfReader(archive / f"{sample}.pdf")
    assert len(reader.pages) >= 2
    assert (archive / f"{sample}.html").read_text().startswith("<!DOCTYPE html>")


def test_an_issue_is_laid_out_in_the_design_of_its_date(archive):
    before = (archive / "learning-review/2017-09-issue-26.html").read_text()
    after = (archive / "learning-review/2020-06-issue-37.html").read_text()
    assert 'class="newsletter style-newsletter"' in before
    assert 'class="newsletter style-newsletter-2019"' in after
    # Each page's one stylesheet holds its design's rules: the 2019 brand colour, and the
    # 2011 newsletter's that the redesign imports.
    assert "--brand: #5b2a86" not in screen_stylesheet(archive, before)
    assert "--brand: #5b2a86" in screen_stylesheet(archive, after)
    assert ".masthead__series" in screen_stylesheet(archive, after)
    # The redesign's purple band is in the 2020 PDF and not in the 2017 one.
    assert purple(archive / "learning-review/2020-06-issue-37.pdf")
    assert not purple(archive / "learning-review/2017-09-issue-26.pdf")


def screen_stylesheet(archive: Path, page: str) -> str:
    """The stylesheet an issue page links for the screen (see publisher/web_assets.py)."""
    found = re.search(r'<link rel="stylesheet" href="\.\./([^"]+)">', page)
    assert found, "the page links no stylesheet for the screen"
    return (archive / found[1]).read_text()


def purple(pdf: Path) -> bool:
    return rgb("#5b2a86") in fill_colours(pdf)


def test_a_design_is_needed_from_the_first_issue(site, run):
    (site / "issues/bulletin/series.yml").write_text(
        "title: Practice Bulletin\nkind: newsletter\ncadence: quarterly\nmasthead: x\n"
        "designs:\n  - from: 2024-01-01\n    style: newsletter\n")
    write_issue(site, "2023-06-issue-3.md", "---\ntitle: Old\nnumber: 3\ndate: 2023-06-01\n"
                "status: draft\nsummary: x\n---\n")
    result = run("build", cwd=site)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "issues/bulletin/2023-06-issue-3.md:4: date: bulletin has no design before "
        "2024-01-01, its first; add an earlier one to its series.yml 'designs:' or check the "
        "date")


def fill_colours(pdf: Path) -> set[tuple[float, float, float]]:
    """Every fill colour the PDF's pages paint with, rounded to two places."""
    colours = set()
    for page in PdfReader(pdf).pages:
        data = page.get_contents().get_data().decode("latin-1")
        for match in re.finditer(r"([\d.]+) ([\d.]+) ([\d.]+) (?:rg|RG)\b", data):
            colours.add(tuple(round(float(value), 2) for value in match.groups()))
    return colours


def rgb(hex_colour: str) -> tuple[float, float, float]:
    red, green, blue = (int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return round(red, 2), round(green, 2), round(blue, 2)


def test_a_rebrand_changes_only_brand_css_and_the_output_follows(site, run):
    brand = site / "styles/brand.css"
    brand.write_text(brand.read_text().replace("--brand: #14506e;", "--brand: #7a1f3d;"))
    result = run("build", cwd=site)
    assert result.exit_code == 0, result.output
    colours = fill_colours(site / "output/bulletin/2024-03-issue-7.pdf")
    assert rgb("#7a1f3d") in colours
    assert rgb("#14506e") not in colours


def test_a_series_can_override_a_brand_colour(site, run):
    settings = site / "issues/bulletin/series.yml"
    settings.write_text(settings.read_text() + 'colours:\n  brand: "#7A1F3D"\n')
    assert run("build", cwd=site).exit_code == 0
    html = (site / "output/bulletin/2024-03-issue-7.html").read_text()
    assert '<body class="newsletter style-newsletter" style="--brand: #7a1f3d;">' in html
    assert rgb("#7a1f3d") in fill_colours(site / "output/bulletin/2024-03-issue-7.pdf")


def test_a_colour_must_be_a_colour(site, run):
    settings = site / "issues/bulletin/series.yml"
    settings.write_text(settings.read_text() + "colours:\n  brand: red;background:url(x)\n")
    result = run("build", cwd=site)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "issues/bulletin/series.yml:7: colours > brand: 'red;background:url(x)' is not a "
        "colour; write it as # and six hexadecimal digits, in quotes, e.g. \"#14506e\"")


# -- Contrast (WCAG 2.2 AA): 4.5:1 for body text, 3:1 for large text and rules. -------------

#: (foreground, background, minimum): the pairs of custom properties the styles put together.
PAIRS = [
    ("--text", "--white", 4.5), ("--muted", "--white", 4.5), ("--brand", "--white", 4.5),
    ("--brand-dark", "--white", 4.5), ("--accent", "--white", 4.5),
    ("--text", "--panel", 4.5), ("--muted", "--panel", 4.5), ("--brand", "--panel", 4.5),
    ("--brand-dark", "--panel", 4.5), ("--on-brand", "--brand", 4.5),
    ("--on-brand", "--brand-dark", 4.5), ("--rule", "--white", 1.5),
    # Callouts: their words on their tints.
    ("--text", "--warning-tint", 4.5), ("--accent-dark", "--warning-tint", 4.5),
    ("--text", "--tip-tint", 4.5), ("--tip", "--tip-tint", 4.5), ("--tip", "--white", 3),
]
STYLESHEETS = ["brand.css", *sorted(p.relative_to(PROJECT / "styles").as_posix()
                                    for p in (PROJECT / "styles").glob("*/style.css"))]


def custom_properties(css: str) -> dict[str, str]:
    return dict(re.findall(r"(--[\w-]+):\s*(#[0-9a-fA-F]{6})", css))


def luminance(hex_colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(one: str, two: str) -> float:
    light, dark = sorted((luminance(one), luminance(two)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("stylesheet", STYLESHEETS)
def test_every_style_keeps_text_readable(stylesheet):
    colours = {"--white": "#ffffff",
               **custom_properties((PROJECT / "styles/brand.css").read_text()),
               **custom_properties((PROJECT / "styles" / stylesheet).read_text())}
    failures = [f"{fore} on {back}: {contrast(colours[fore], colours[back]):.2f} < {minimum}"
                for fore, back, minimum in PAIRS
                if contrast(colours[fore], colours[back]) < minimum]
    assert failures == []


def test_every_box_of_the_seven_minute_style_keeps_its_text_readable():
    """Each box has a tint and a band: body text and links (the brand's colour in print) on
    the tint, white on the band, the band's colour (its subheadings) on the tint, and the
    focus ring (the accent, 3:1) on the tint."""
    css = (PROJECT / "styles/seven-minute/style.css").read_text()
    colours = {"--white": "#ffffff",
               **custom_properties((PROJECT / "styles/brand.css").read_text()),
               **custom_properties(css)}
    for name, other in re.findall(r"(--[\w-]+):\s*var\((--[\w-]+)\)", css):
        colours.setdefault(name, colours[other])
    boxes = sorted({int(number) for number in re.findall(r"--box-(\d+):", css)})
    assert len(boxes) == 5
    failures = [f"{fore} on {back}: {contrast(colours[fore], colours[back]):.2f} < {minimum}"
                for box in boxes
                for fore, back, minimum in [
                    ("--text", f"--box-{box}", 4.5), ("--brand", f"--box-{box}", 4.5),
                    ("--white", f"--box-{box}-band", 4.5),
                    (f"--box-{box}-band", f"--box-{box}", 4.5),
                    ("--accent", f"--box-{box}", 3)]
                if contrast(colours[fore], colours[back]) < minimum]
    assert failures == []


def test_contrast_is_computed_as_wcag_defines_it():
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#777777", "#ffffff"), 2) == 4.48


# -- The archive's pages. -----------------------------------------------------------------

class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag in ("a", "link") and values.get("href"):
            self.hrefs.append(str(values["href"]))


def parse(page: Path) -> Links:
    links = Links()
    links.feed(page.read_text(encoding="utf-8"))
    return links


def test_every_link_on_the_archive_pages_works(archive):
    pages = [archive / "index.html", archive / "learning-review/index.html",
             archive / "safeguarding-matters/index.html"]
    followed = 0
    for page in pages:
        for href in parse(page).hrefs:
            parts = urlsplit(href)
            if parts.scheme:
                assert parts.scheme in ("http", "https"), href
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            assert target.is_file(), f"{page.relative_to(archive)}: {href} is broken"
            if parts.fragment:
                assert parts.fragment in parse(target).ids, href
            followed += 1
    assert followed > 30


def test_the_archive_lists_every_published_issue_newest_first(archive):
    index = (archive / "index.html").read_text()
    titles = re.findall(r'<h3 class="archive-entry__title"><a href="[^"]+">([^<]+)</a></h3>',
                        index)
    assert titles == ["Bruising in babies who are not yet mobile",
                      "The national picture, and what it means here", "Learning from reviews",
                      "Six themes from our reviews", "From learning to practice",
                      "Where are we now?"]
    pages = len(PdfReader(archive / "learning-review/2011-06-issue-1.pdf").pages)
    size = (archive / "learning-review/2011-06-issue-1.pdf").stat().st_size // 1000
    assert (f'<a href="learning-review/2011-06-issue-1.pdf">Download the PDF<span '
            f'class="visually-hidden"> of Where are we now?</span></a> ({size} KB, {pages} pages)'
            ) in index
    series = (archive / "safeguarding-matters/index.html").read_text()
    assert series.count('class="archive-entry"') == 2


def test_drafts_and_unbuilt_issues_stay_off_the_archive(site, run):
    write_issue(site, "2024-06-issue-8.md", "---\ntitle: Not yet\nnumber: 8\ndate: 2024-06-01\n"
                "status: draft\nsummary: x\n---\n")
    assert run("build", "--format", "html", cwd=site).exit_code == 0
    index = (site / "output/index.html").read_text()
    assert "Seeing the child" in index
    assert "Not yet" not in index
    assert "Download the PDF" not in index  # no PDF was built


def test_the_logo_named_in_site_settings_is_in_every_masthead(site, run):
    (site / "styles/mark.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40">'
        '<circle cx="20" cy="20" r="18" fill="#14506e"/></svg>')
    (site / "site.yml").write_text((site / "site.yml").read_text() + "logo: mark.svg\n")
    assert run("build", cwd=site).exit_code == 0
    html = (site / "output/bulletin/2024-03-issue-7.html").read_text()
    assert '<img class="masthead__logo" src="../assets/mark.svg" alt="">' in html
    (site / "styles/mark.svg").unlink()
    result = run("build", cwd=site)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "site.yml:3: logo: there is no styles/mark.svg; put the image in the styles folder or "
        "correct the name")
