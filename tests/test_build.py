"""A good issue becomes a PDF and an HTML page with everything a reader relies on."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from publisher.cli import cli

from conftest import PROJECT, make_site, only_published, write_issue

SECTIONS = ["Seeing the child", "Contacts", "What comes next"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal site, built once (PDF and HTML) for the tests of this module."""
    site = make_site(tmp_path_factory.mktemp("built") / "site")
    old = Path.cwd()
    os.chdir(site)
    try:
        result = CliRunner().invoke(cli, ["build"], catch_exceptions=False)
    finally:
        os.chdir(old)
    assert result.exit_code == 0, result.output
    assert result.stderr == "", "WeasyPrint warned about the page or its styles"
    assert re.fullmatch(
        r"rendered issues/bulletin/2024-03-issue-7.md → 2024-03-issue-7.pdf, 2024-03-issue-7.html "
        r"\(\d+ pages\)\nBuilt 1 issue \(1 PDF, 1 HTML, 1 archival PDF/A\) into output in "
        r"\d+\.\d\d s\.\n",
        result.stdout), result.stdout
    return site / "output" / "bulletin" / "2024-03-issue-7"


@pytest.fixture(scope="module")
def pdf(built: Path) -> PdfReader:
    return PdfReader(built.with_suffix(".pdf"))


@pytest.fixture(scope="module")
def html(built: Path) -> str:
    return built.with_suffix(".html").read_text(encoding="utf-8")


def page_texts(reader: PdfReader) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def test_pdf_has_masthead_sections_and_page_numbers(pdf):
    pages = page_texts(pdf)
    first = pages[0]
    for masthead in ("Practice Bulletin", "Issue 7 · March 2024",
                     "Example Safeguarding Children Partnership", "Seeing the child"):
        assert masthead in first
    everything = " ".join(pages)
    for heading in [*SECTIONS, "Workshops"]:
        assert heading in everything
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
    # The running header is on every page but the first, which has the masthead instead.
    running_header = "Practice Bulletin, Issue 7 · March 2024"
    assert len(pages) >= 2
    assert running_header not in first
    assert all(running_header in text for text in pages[1:])


def test_pdf_prints_the_address_of_external_links(pdf):
    # Long addresses wrap, so compare the text without its line breaks and spaces.
    text = "".join("".join(page_texts(pdf)).split())
    assert "nationalreview(https://www.gov.uk/government/publications/example)" in text
    # A link that shows its own address is not followed by it a second time.
    assert "https://procedures.example.org.uk/." in text
    assert "duty.team@example.gov.uk." in text


def test_pdf_metadata(pdf):
    info = pdf.metadata
    assert info.title == "Seeing the child | Practice Bulletin, Issue 7, March 2024"
    assert info.author == "Example Safeguarding Children Partnership"
    assert info.subject == "What recent reviews say about seeing and hearing the child."
    assert info["/Keywords"] == "voice of the child, neglect"
    assert info["/CreationDate"] == "D:20240301"
    assert pdf.trailer["/Root"]["/Lang"] == "en-GB"


def test_pdf_bookmarks_follow_the_headings(pdf):
    def titles(outline, depth=0):
        for item in outline:
            if isinstance(item, list):
                yield from titles(item, depth + 1)
            else:
                yield depth, item.title

    assert list(titles(pdf.outline)) == [
        (0, "Seeing the child"),
        (1, "Seeing the child"), (1, "Contacts"), (1, "What comes next"), (2, "Workshops"),
    ]


def test_pdf_uses_only_the_shipped_fonts(pdf):
    fonts = set()
    for page in pdf.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(font.get_object()["/BaseFont"].split("+", 1)[-1])
    assert fonts, "the PDF names no fonts"
    assert all(name.startswith(("Source-Sans-3", "Source-Serif-4")) for name in fonts), fonts


class Outline(HTMLParser):
    """The elements of a page, in order, with their attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Outline()
    parser.feed(html)
    return parser.elements


def test_html_head(html):
    assert html.startswith('<!DOCTYPE html>\n<html lang="en-GB">')
    assert "<title>Seeing the child | Practice Bulletin, Issue 7, March 2024</title>" in html
    assert ('<meta name="description" content="What recent reviews say about seeing and '
            'hearing the child.">') in html
    assert '<meta name="dcterms.created" content="2024-03-01">' in html
    assert '<meta name="dcterms.modified" content="2024-03-01">' in html


def test_html_landmarks_and_sections(html):
    tags = [tag for tag, _ in elements(html)]
    assert tags.index("header") < tags.index("nav") < tags.index("main") < tags.index("footer")
    assert tags.count("h1") == 1
    sections = [attrs for tag, attrs in elements(html) if tag == "section"]
    assert [s["aria-labelledby"] for s in sections] == ["seeing-the-child", "contacts",
                                                         "what-comes-next", "notes:heading"]
    assert sections[-1]["role"] == "doc-endnotes"  # the notes, after the last article
    assert sections[1]["class"] == "article panel"
    header = html[html.index("<header"):html.index("</header>")]
    for text in ("Practice Bulletin", "Issue 7", "March 2024",
                 "Example Safeguarding Children Partnership"):
        assert text in header


def test_html_contents_list_links_every_section(html):
    nav = html[html.index("<nav"):html.index("</nav>")]
    assert re.findall(r'<a href="#([^"]+)">([^<]+)</a>', nav) == [
        ("seeing-the-child", "Seeing the child"), ("contacts", "Contacts"),
        ("what-comes-next", "What comes next")]


def test_html_footer_names_the_organisation_and_next_issue(html):
    footer = html[html.index("<footer"):html.index("</footer>")]
    assert "The next issue of Practice Bulletin is due in June 2024." in footer
    assert "Published by Example Safeguarding Children Partnership" in footer
    assert "Learning and Improvement Group" in footer


def test_html_links_its_stylesheets_fonts_and_icon_from_the_output_folder(built, html):
    hrefs = [attrs["href"] for tag, attrs in elements(html) if tag == "link"]
    assert len(hrefs) >= 4  # fonts preloaded, a stylesheet for screen and print, the icon
    for href in hrefs:
        assert href and href.startswith("../assets/web/")
        assert (built.parent / href).is_file()


def test_no_contents_list_for_a_short_issue(site, run):
    write_issue(site, "2024-03-issue-7.md", (site / "issues/bulletin/2024-03-issue-7.md")
                .read_text().split("# Contacts")[0])
    result = run("build", "--format", "html", cwd=site)
    assert result.exit_code == 0
    assert "<nav" not in (site / "output/bulletin/2024-03-issue-7.html").read_text()


def hashes(folder: Path) -> dict[str, str]:
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def test_builds_are_byte_identical_across_folders_and_time_zones(tmp_path):
    outputs = []
    for name, zone, epoch, locale in (("one", "UTC", "1000000000", "C"),
                                      ("two", "Pacific/Auckland", "1700000000", "C.UTF-8")):
        site = make_site(tmp_path / name)
        issue = site / "issues/bulletin/2024-03-issue-7.md"
        issue.write_text(issue.read_text() + "\nSee [every issue](index.html).\n")
        environment = {**os.environ, "TZ": zone, "SOURCE_DATE_EPOCH": epoch, "LC_ALL": locale}
        subprocess.run([sys.executable, "-m", "publisher.cli", "build", "-q"], cwd=site,
                       env=environment, check=True)
        outputs.append(hashes(site / "output"))
    assert outputs[0] == outputs[1]
    assert "bulletin/2024-03-issue-7.pdf" in outputs[0]
    # A relative link points where the issue is published, not into the folder it was built in.
    pdf = PdfReader(site / "output/bulletin/2024-03-issue-7.pdf")
    links = [annotation.get_object().get("/A", {}).get("/URI") for page in pdf.pages
             for annotation in page.get("/Annots", [])]
    assert "https://www.example.org.uk/bulletin/index.html" in links
    assert not any(str(link).startswith("file:") for link in links)


def test_html_only_build_does_not_import_weasyprint(site):
    probe = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from publisher.cli import cli\n"
        "result = CliRunner().invoke(cli, ['build', '--format', 'html'])\n"
        "assert result.exit_code == 0, result.output\n"
        "print('weasyprint' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", probe], cwd=site, capture_output=True,
                          text=True, check=True)
    assert done.stdout == "False\n"
    assert (site / "output/bulletin/2024-03-issue-7.html").is_file()
    assert not (site / "output/bulletin/2024-03-issue-7.pdf").exists()


@pytest.mark.parametrize("output", ["issues", "styles/out", "templates", "blocks", "."])
def test_output_folder_cannot_overlap_the_sources(site, run, output):
    result = run("build", "--output", output, cwd=site)
    assert result.exit_code == 2
    folder = (site / output).resolve()
    name = {"styles/out": "styles", ".": "issues"}.get(output, output)
    assert result.stderr == (
        f"Error: the output folder {folder} overlaps the site's {name}/ folder; write the "
        "output somewhere of its own, such as the site's output/ folder\n")


def test_output_option_and_pdf_only(site, run, tmp_path):
    target = tmp_path / "elsewhere"
    result = run("build", "--format", "pdf", "--output", str(target), "-q", cwd=site)
    assert result.exit_code == 0
    assert result.output == ""
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()) \
        == [".publisher/builds.json", "bulletin/2024-03-issue-7.pdf",
            "bulletin/archival/2024-03-issue-7.pdf"]  # published: an archival copy too


def test_the_bundled_june_2011_issue_builds_with_all_its_parts(run, tmp_path):
    result = run("build", "--format", "html", "--output", str(tmp_path), cwd=PROJECT)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    html = (tmp_path / "learning-review/2011-06-issue-1.html").read_text()
    headings = re.findall(r"<h2 id=\"[^\"]+\">(.+?)</h2>", html)
    headings = headings[headings.index("In this issue") + 1:]  # after its corrections, contents
    assert headings == [
        "Learning from our serious case reviews", "Supporting staff through a review",
        "What does the LSCB do?", "If you are worried about a child",
        "The Munro review of child protection",
        "Themes for practice", "How we will support practitioners",
        "Ofsted&rsquo;s evaluation of 67 serious case reviews", "What&rsquo;s new?",
        "Have your say"]
    assert "The next issue of Learning Review is due in September 2011." in html
    assert "0116 255 1606" in html  # out of hours, for all areas


def summary(result) -> str:
    """The build's last line, without its time."""
    return re.sub(r" in \d+\.\d\d s", "", result.stdout.splitlines()[-1])


def test_a_build_skips_what_has_not_changed(sample, run):
    only_published(sample)

    def build(*options: str) -> str:
        result = run("build", "--format", "html", *options, cwd=sample)
        assert result.exit_code == 0, result.output
        return summary(result)

    assert build() == "Built 6 issues (0 PDF, 6 HTML) into output."
    assert build() == "Nothing to build: 6 issues up to date in output (--force builds them again)."
    # A block: exactly the issues that show the version that changed.
    block = sample / "blocks/findings/munro-review.yml"
    block.write_text(block.read_text() + "\n# reviewed\n")
    assert build().startswith("Nothing to build")  # a comment changes no content
    block.write_text(block.read_text().replace("published: May 2011", "published: June 2011"))
    assert build() == "Built 2 issues (0 PDF, 2 HTML) into output; 4 unchanged."
    # A style: the issues of the designs that use it (newsletter-2019 imports newsletter).
    for stylesheet, rebuilt in (("briefing/style.css", 2), ("newsletter/style.css", 4),
                                ("newsletter-2019/style.css", 1), ("seven-minute/style.css", 0),
                                ("base.css", 6)):
        path = sample / "styles" / stylesheet
        path.write_text(path.read_text() + "\n/* changed */\n")
        if not rebuilt:  # no published sample is in that design
            assert build().startswith("Nothing to build"), stylesheet
            continue
        unchanged = f"; {6 - rebuilt} unchanged." if rebuilt < 6 else "."
        assert build() == (f"Built {rebuilt} issue{'s' if rebuilt > 1 else ''} (0 PDF, "
                           f"{rebuilt} HTML) into output{unchanged}"), stylesheet
    # A template of one design; an output file edited or deleted; --force.
    template = sample / "templates/briefing/issue.html"
    template.write_text(template.read_text() + "\n")
    assert build() == "Built 2 issues (0 PDF, 2 HTML) into output; 4 unchanged."
    (sample / "output/learning-review/2011-06-issue-1.html").write_text("tampered")
    (sample / "output/learning-review/2017-09-issue-26.html").unlink()
    assert build() == "Built 2 issues (0 PDF, 2 HTML) into output; 4 unchanged."
    assert build("--force") == "Built 6 issues (0 PDF, 6 HTML) into output."


def test_a_pdf_build_after_an_html_build_makes_the_pdfs(site, run):
    assert run("build", "--format", "html", cwd=site).exit_code == 0
    result = run("build", cwd=site)
    assert summary(result) == "Built 1 issue (1 PDF, 1 HTML, 1 archival PDF/A) into output."
    assert summary(run("build", "--format", "pdf", cwd=site)).startswith("Nothing to build")


def test_parallel_and_serial_builds_give_the_same_bytes_and_leave_no_temporary_files(
        tmp_path):
    """One process laying out both issues and two workers laying out one each give the
    same bytes; and neither leaves behind the copies of the fonts WeasyPrint makes in the
    temporary folder (a worker is ended by os._exit, which collects nothing)."""
    outputs = []
    for name, jobs in (("serial", "1"), ("parallel", "2")):
        site = make_site(tmp_path / name)
        text = (site / "issues/bulletin/2024-03-issue-7.md").read_text()
        write_issue(site, "2024-06-issue-8.md", text.replace("number: 7", "number: 8")
                    .replace("2024-03-01", "2024-06-01"))
        temporary = tmp_path / f"{name}-tmp"
        temporary.mkdir()
        subprocess.run([sys.executable, "-m", "publisher.cli", "build", "-q", "--jobs", jobs],
                       cwd=site, check=True, env={**os.environ, "TMPDIR": str(temporary)})
        outputs.append(hashes(site / "output"))
        assert list(temporary.iterdir()) == []
    assert outputs[0] == outputs[1]
    assert {"bulletin/2024-03-issue-7.pdf", "bulletin/2024-06-issue-8.pdf"} <= set(outputs[0])


def test_a_build_off_a_terminal_prints_a_line_per_issue_and_quiet_prints_nothing(sample, run):
    result = run("build", "--format", "html", "--jobs", "2", cwd=sample)
    lines = result.stdout.splitlines()
    assert sorted(lines[:-1]) == sorted(
        f"rendered {path.relative_to(sample).as_posix()} → {path.stem}.html"
        for path in (sample / "issues").glob("*/[!_]*.md"))
    assert run("build", "--format", "html", "--force", "-q", cwd=sample).stdout == ""


@pytest.mark.parametrize("damage", [
    lambda text: text.replace('"pdf_pages": null', '"pdf_pages": 1e400'),
    lambda text: text.replace('"pdf_pages": null', '"pdf_pages": true'),
    lambda text: text.replace('"pdf_pages": null', '"pdf_pages": ' + "9" * 5000),
    lambda text: text.replace('"pdf_pages": null', '"pdf_pages": NaN'),
    lambda text: text.replace('"bulletin/2024-03-issue-7.html"', '"../../site.yml"'),
    lambda text: text.replace('"sha256:', '"md5:', 1),
    lambda text: '{"format": 1, "issues": ' + "[" * 100_000 + "]" * 100_000 + "}",
    lambda text: "[1, 2]",
    lambda text: "\udcff",
], ids=["1e400", "true", "5000 digits", "NaN", "outside", "digest", "nested", "list",
        "not UTF-8"])
def test_a_damaged_build_record_only_means_building_again(site, run, damage):
    assert run("build", "--format", "html", cwd=site).exit_code == 0
    record = site / "output/.publisher/builds.json"
    damaged = damage(record.read_text())
    assert damaged != record.read_text()
    record.write_bytes(damaged.encode("utf-8", "surrogateescape"))
    result = run("build", "--format", "html", cwd=site)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1].startswith("Built 1 issue (0 PDF, 1 HTML)")
    assert "Nothing to build" in run("build", "--format", "html", cwd=site).stdout


def test_a_build_removes_the_files_of_issues_gone_or_renamed_and_nothing_else(site, run):
    draft = write_issue(site, "2024-06-issue-8.md", (
        "---\ntitle: Next\nnumber: 8\ndate: 2024-06-01\nstatus: draft\nsummary: Soon.\n---\n\n"
        "Some text.\n"))
    assert run("build", cwd=site).exit_code == 0
    output = site / "output" / "bulletin"
    own_notes = output / "notes.txt"
    own_notes.write_text("the officer's own file")
    assert (output / "2024-06-issue-8.pdf").is_file()

    draft.rename(draft.with_name("2024-06-issue-8-renamed.md"))
    result = run("build", "-v", cwd=site)
    assert result.exit_code == 0, result.output
    removed = sorted(line for line in result.stdout.splitlines() if line.startswith("removed"))
    assert removed == ["removed output/bulletin/2024-06-issue-8.html",
                       "removed output/bulletin/2024-06-issue-8.pdf"]
    assert not (output / "2024-06-issue-8.pdf").exists()
    assert (output / "2024-06-issue-8-renamed.pdf").is_file()
    assert (output / "2024-03-issue-7.pdf").is_file() and own_notes.is_file()
    assert "2024-06-issue-8\"" not in (site / "output/.publisher/builds.json").read_text()

    assert (output / "archival" / "2024-03-issue-7.pdf").is_file()
    (output / "2024-03-issue-7.html").write_text("edited by hand after the build")
    (site / "issues/bulletin/2024-03-issue-7.md").unlink()
    result = run("build", "-v", cwd=site)
    assert result.exit_code == 0, result.output
    assert not (output / "2024-03-issue-7.pdf").exists()
    assert not (output / "archival" / "2024-03-issue-7.pdf").exists()
    assert (output / "2024-03-issue-7.html").read_text() == "edited by hand after the build"
    assert own_notes.is_file()


def test_building_one_issue_also_removes_the_files_of_one_gone(site, run):
    assert run("build", cwd=site).exit_code == 0
    (site / "issues/bulletin/2024-03-issue-7.md").rename(
        site / "issues/bulletin/2024-03-issue-7-seeing-the-child.md")
    result = run("build", "issues/bulletin/2024-03-issue-7-seeing-the-child.md", "-v", cwd=site)
    assert result.exit_code == 0, result.output
    assert "removed output/bulletin/2024-03-issue-7.pdf" in result.stdout
    assert not (site / "output/bulletin/2024-03-issue-7.pdf").exists()
