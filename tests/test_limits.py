"""Sources too big or nested too deep: an error naming the file and line, the size or depth
found, the cap and what to do; exit code 1 and nothing written. Never a crash, a
RecursionError or a build that takes minutes."""

from __future__ import annotations

import struct
import time
import zlib

import pytest
from pypdf import PdfReader

from publisher.limits import (
    MAX_HTML_NESTING,
    MAX_IMAGE_BYTES,
    MAX_ISSUE_BYTES,
    MAX_NESTING,
    MAX_TABLE_ROWS,
    MAX_WORD_CHARACTERS,
    MAX_YAML_BYTES,
    layout_size,
    markdown_containers,
    nesting_problems,
    size_in_words,
)

from conftest import ISSUE_HEAD, tiny_png, write_issue

ISSUE = "issues/bulletin/2024-06-issue-8.md"
HEAD = ISSUE_HEAD.replace("number: 7", "number: 8").replace("2024-03-01", "2024-06-01")
#: The body starts on line 9 of an issue with HEAD: line 8 is blank.
BODY = 9


def failed(result, *lines: str) -> None:
    """The build failed with exactly these problems, in one file, and wrote nothing."""
    assert result.exit_code == 1, result.output
    count = len(lines)
    assert result.stderr == "".join(f"{line}\n" for line in lines) + (
        f"{count} problem{'s' if count != 1 else ''} in 1 file; nothing was written.\n")


def png_header(width: int, height: int) -> bytes:
    """A PNG that says it is `width` x `height` pixels (Pillow reads no further)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                              0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00")) + chunk(b"IEND", b""))


# Nesting in Markdown -------------------------------------------------------------------

QUOTES_45 = "> " * 45 + "Deep.\n"
LISTS_45 = "".join("    " * level + f"- item {level}\n" for level in range(45))
LISTS_12_BY_2 = "".join("  " * level + f"- item {level}\n" for level in range(12))
DIVS_45 = "<div>" * 45 + "Deep." + "</div>" * 45 + "\n"


@pytest.mark.parametrize("body, message", [
    ("Intro.\n\n" + QUOTES_45,
     f"{ISSUE}:{BODY + 2}: quotes nested 45 deep, one inside another; publisher allows at "
     "most 10; use fewer '>' at the start of the line"),
    (LISTS_45,
     f"{ISSUE}:{BODY + 44}: lists nested 45 deep, one inside another; publisher allows at "
     "most 10; indent the deepest items less"),
    (LISTS_12_BY_2,  # 2 spaces nest as 4 do, and count as deep
     f"{ISSUE}:{BODY + 11}: lists nested 12 deep, one inside another; publisher allows at "
     "most 10; indent the deepest items less"),
    ("> Quoted:\n>\n" + "".join("> " + "  " * level + f"1. item {level}\n"
                                  for level in range(10)),
     f"{ISSUE}:{BODY + 11}: quotes and lists nested 11 deep, one inside another; publisher "
     "allows at most 10; use fewer '>', or indent the items less"),
    ("- > - > - > - > - > - > Deep.\n",
     f"{ISSUE}:{BODY}: quotes and lists nested 12 deep, one inside another; publisher "
     "allows at most 10; use fewer '>', or indent the items less"),
    (DIVS_45,
     f"{ISSUE}:{BODY}: HTML elements nested 45 deep, one inside another; publisher allows "
     "at most 30; close each element (</div>) before the next one opens, or put fewer "
     "inside one another"),
    ("".join(f"{'  ' * level}<blockquote>\n" for level in range(12)) + "Deep.\n",
     f"{ISSUE}:{BODY + 11}: quotes nested 12 deep, one inside another; publisher allows at "
     "most 10; use fewer '>' at the start of the line"),
], ids=["quotes", "lists", "lists by 2", "lists by 2 in a quote", "quotes and lists", "html",
        "html quotes"])
@pytest.mark.parametrize("command", ["build", "check"])
def test_nesting_too_deep_is_an_error_with_its_line(site, run, body, message, command):
    write_issue(site, "2024-06-issue-8.md", HEAD + "\n" + body)
    result = run(command, cwd=site)
    assert result.exit_code == 1
    if command == "build":
        failed(result, message)
    else:
        where, _, rest = message.partition(": ")
        assert f"{where}:1: error: {rest} [issue]" in result.stdout
    assert not (site / "output").exists()


def test_very_deep_nesting_is_refused_quickly_never_a_recursion_error(site, run):
    write_issue(site, "2024-06-issue-8.md", HEAD + "\n" + "> " * 100_000 + "Deep.\n"
                + "<span>" * 100_000 + "\n")
    started = time.perf_counter()
    result = run("build", cwd=site)
    assert time.perf_counter() - started < 10
    failed(result,
           f"{ISSUE}:{BODY}: quotes nested 100000 deep, one inside another; publisher allows "
           "at most 10; use fewer '>' at the start of the line",
           f"{ISSUE}:{BODY + 1}: HTML elements nested 100000 deep, one inside another; "
           "publisher allows at most 30; close each element (</div>) before the next one "
           "opens, or put fewer inside one another")


def test_nesting_at_the_cap_is_laid_out(site, run):
    lists = "".join("    " * level + f"- item {level}\n" for level in range(MAX_NESTING))
    write_issue(site, "2024-06-issue-8.md", HEAD + "\n" + "> " * MAX_NESTING + "Deep.\n\n"
                + lists + "\n" + "<div>" * MAX_HTML_NESTING + "x" + "</div>" * MAX_HTML_NESTING
                + "\n")
    started = time.perf_counter()
    result = run("build", "--format", "pdf", ISSUE, cwd=site)
    assert result.exit_code == 0, result.output
    assert time.perf_counter() - started < 60
    assert "warning" not in result.stderr


@pytest.mark.parametrize("line, depth", [
    ("> > > text", (3, 0)),
    ("- item", (0, 1)),
    ("        - item", (0, 3)),
    ("1. item", (0, 1)),
    ("> - > 1. text", (2, 2)),
    ("\t\t- item", (0, 3)),
    ("- - -", (0, 0)),  # a horizontal rule
    ("* * * * * * * * * * * * *", (0, 0)),
    ("> - - - - - - - - - - - - -", (1, 0)),
    ("-not a list", (0, 0)),
    ("# Heading", (0, 0)),
])
def test_markdown_containers_are_counted_as_python_markdown_reads_them(line, depth):
    assert markdown_containers(line) == depth


@pytest.mark.parametrize("step", ["  ", "   ", "    "])
def test_lists_at_the_cap_pass_and_one_deeper_fails_whatever_the_indentation(step):
    """The nesting count follows the renderer: 2, 3 or 4 spaces make a level."""
    def lists(depth: int) -> str:
        return "".join(step * level + f"- item {level}\n" for level in range(depth))

    assert nesting_problems(lists(MAX_NESTING), ISSUE, 1) == []
    [problem] = nesting_problems(lists(MAX_NESTING + 1), ISSUE, 1)
    assert (problem.line, problem.message.split(";")[0]) == (
        MAX_NESTING + 1, f"lists nested {MAX_NESTING + 1} deep, one inside another")


def test_a_long_horizontal_rule_and_unclosed_tags_are_not_nesting(site, run):
    write_issue(site, "2024-06-issue-8.md", HEAD + "\n" + "- " * 40 + "\n\n"
                + "<ul>" + "<li>item" * 40 + "</ul>\n\n<p>one<p>two<p>three\n\n"
                + "Write to <team@example.gov.uk> or see <https://example.org/>.\n" * 40)
    result = run("build", "--format", "html", cwd=site)
    assert result.exit_code == 0, result.output


def test_nesting_too_deep_in_a_block_is_an_error_in_the_block_file(site, run):
    block = site / "blocks/findings/deep-study.yml"
    block.write_text("title: A deep study\nversions:\n  - from: 2020-01-01\n"
                     "    report: A study\n    publisher: Example\n    year: 2020\n"
                     "    summary: |\n      What it did.\n      " + "> " * 12 + "Deep.\n"
                     "    sections:\n      - points:\n          - One.\n")
    result = run("build", cwd=site)
    failed(result, "blocks/findings/deep-study.yml:9: quotes nested 12 deep, one inside "
           "another; publisher allows at most 10; use fewer '>' at the start of the line")


# Sizes ------------------------------------------------------------------------------------

def test_size_in_words_rounds_up():
    assert size_in_words(1) == "1 KB"
    assert size_in_words(256 * 1024) == "256 KB"
    assert size_in_words(256 * 1024 + 1) == "257 KB"
    assert size_in_words(1024 * 1024) == "1 MB"
    assert size_in_words(1024 * 1024 + 1) == "1.1 MB"
    assert size_in_words(20 * 1024 * 1024) == "20 MB"


def test_an_issue_too_big(site, run):
    text = HEAD + "\n" + ("A paragraph of text. " * 40 + "\n\n") * 1300
    assert len(text) > MAX_ISSUE_BYTES
    write_issue(site, "2024-06-issue-8.md", text)
    result = run("build", cwd=site)
    failed(result, f"{ISSUE}: the file is 1.1 MB, more than the 1 MB an issue may be; if a "
           "picture is pasted into the text (an address starting 'data:'), save it as a file "
           "beside the issue and use its name; otherwise split the issue in two")


def test_an_issue_at_the_cap_is_read(site, run):
    text = HEAD + "\nWords.\n"
    write_issue(site, "2024-06-issue-8.md", text + " " * (MAX_ISSUE_BYTES - len(text)))
    result = run("build", "--format", "html", cwd=site)
    assert result.exit_code == 0, result.output


def test_front_matter_too_big(site, run):
    keywords = "".join(f"  - keyword {number}\n" for number in range(20_000))
    write_issue(site, "2024-06-issue-8.md",
                HEAD.replace("---\n", "---\nkeywords:\n" + keywords, 1) + "\nBody.\n")
    result = run("build", cwd=site)
    failed(result, f"{ISSUE}:1: the front matter is 341 KB, more than the 256 KB publisher "
           "reads; shorten it (the text of the issue goes after the closing '---')")


@pytest.mark.parametrize("path", ["blocks/findings/huge.yml", "issues/bulletin/series.yml",
                                  "site.yml"])
def test_a_yaml_file_too_big(site, run, path):
    target = site / path
    original = target.read_text() if target.exists() else "title: Huge\n"
    target.write_text(original + "# " + "x" * MAX_YAML_BYTES + "\n")
    result = run("build", cwd=site)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"{path}: the file is 257 KB, more than the 256 KB publisher reads in a file of "
        "settings or blocks; shorten it, or split it in two (a block into several blocks)")
    assert not (site / "output").exists()


@pytest.mark.parametrize("nested", ["[" * 10_000 + "]" * 10_000,
                                    "{a: " * 10_000 + "x" + "}" * 10_000,
                                    "[" * 120_000,
                                    "\n" + "".join(f"{'  ' * n}- \n" for n in range(1, 60))])
def test_yaml_nested_too_deep_is_an_error_not_a_crash(site, run, nested):
    write_issue(site, "2024-06-issue-8.md", HEAD.replace("---\n", f"---\naudience: {nested}\n", 1))
    started = time.perf_counter()
    result = run("build", cwd=site)
    assert time.perf_counter() - started < 10
    line = 2 if not nested.startswith("\n") else 42  # the 41st level; the front matter is 1
    failed(result, f"{ISSUE}:{line}: lists and keys are nested more than 40 deep here, one "
           "inside another; publisher reads at most that many levels; write them less deep")


def test_a_block_nested_too_deep(site, run):
    (site / "blocks/findings/deep.yml").write_text("title: Deep\nversions: " + "[" * 50_000
                                                   + "\n")
    result = run("build", cwd=site)
    failed(result, "blocks/findings/deep.yml:2: lists and keys are nested more than 40 deep "
           "here, one inside another; publisher reads at most that many levels; write them "
           "less deep")


# Images -----------------------------------------------------------------------------------

def picture_issue(site, picture: bytes, name: str = "picture.png") -> None:
    folder = site / "issues/bulletin/pictures"
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(picture)
    write_issue(site, "2024-06-issue-8.md", HEAD + f"\n![A chart](pictures/{name})\n")


@pytest.mark.parametrize("output_format", ["html", "pdf"])
def test_an_image_too_big(site, run, output_format):
    picture_issue(site, tiny_png())
    with (site / "issues/bulletin/pictures/picture.png").open("r+b") as picture:
        picture.truncate(MAX_IMAGE_BYTES + 1)  # sparse: no 20 MB written
    result = run("build", "--format", output_format, cwd=site)
    failed(result, f"{ISSUE}:{BODY}: issues/bulletin/pictures/picture.png is 20.1 MB, more "
           "than the 20 MB an image may be; save it smaller (2,000 pixels across is plenty for "
           "a page), as a JPEG if it is a photograph")


@pytest.mark.parametrize("width, height, found", [
    (10_000, 6_000, "10,000 x 6,000 pixels (60 million)"),
    (7_072, 7_072, "7,072 x 7,072 pixels (50.1 million)"),
    (30_000, 30_000, "900 million pixels"),  # over twice Pillow's own cap: a bomb
])
@pytest.mark.parametrize("output_format", ["html", "pdf"])
def test_an_image_with_too_many_pixels(site, run, width, height, found, output_format):
    picture_issue(site, png_header(width, height))
    result = run("build", "--format", output_format, cwd=site)
    failed(result, f"{ISSUE}:{BODY}: issues/bulletin/pictures/picture.png is {found}, more "
           "than the 50 million pixels an image may have; save it smaller (2,000 pixels across "
           "is plenty for a page)")


def test_an_image_under_the_caps_is_used(site, run):
    picture_issue(site, png_header(7_000, 7_000))
    result = run("build", "--format", "html", cwd=site)
    assert result.exit_code == 0, result.output


# How much an issue asks to be laid out ---------------------------------------------------

def table(rows: int) -> str:
    rows_text = "".join(f"| {n} | f{n} |\n" for n in range(rows))
    return "| Theme | Finding |\n| --- | --- |\n" + rows_text


@pytest.mark.parametrize("command", ["build", "check"])
def test_a_table_of_fifty_thousand_rows_is_refused_at_once(site, run, command):
    # 700 KB, under the 1 MB cap: this once ran for over 20 minutes and took 3 GB.
    write_issue(site, "2024-06-issue-8.md", HEAD + "\n# Audit\n\n" + table(50_000))
    result = run(command, cwd=site)
    assert result.exit_code == 1
    message = (f"{ISSUE}:{BODY + 4 + MAX_TABLE_ROWS}: the text has 50,000 table rows, more "
               f"than the {MAX_TABLE_ROWS} publisher lays out in an issue; publish a table that "
               "long as a spreadsheet and link to it, or shorten it")
    if command == "build":
        assert result.stderr.splitlines()[0] == message
    else:
        where, _, rest = message.partition(": ")
        assert f"{where}:1: error: {rest} [issue]" in result.stdout.splitlines()
    assert not (site / "output").exists()


def test_an_issue_at_the_caps_is_built(site, run):
    paragraph = "word " * 30 + "\n\n"
    body = "# Audit\n\n" + table(MAX_TABLE_ROWS) + "\n" + paragraph * 600
    size, crossed = layout_size(body)
    assert size.table_rows == MAX_TABLE_ROWS and not crossed
    write_issue(site, "2024-06-issue-8.md", HEAD + "\n" + body)
    result = run("build", "--format", "html", cwd=site)
    assert result.exit_code == 0, result.output
    assert (site / "output/bulletin/2024-06-issue-8.html").read_text().count("<tr>") == 301


@pytest.mark.parametrize("body, measure", [
    (("word " * 200 + "\n\n") * 101, "is 100,899 characters long, more than the 100,000"),
    ("".join(f"- item {n}\n" for n in range(1_001)),
     "makes 1,001 paragraphs, headings, list items and other elements, more than the 1,000"),
    ("".join(f"# Article {n}\n\n" for n in range(251)), "makes 1,004 paragraphs"),
])
def test_too_much_text_or_too_many_elements(site, run, body, measure):
    write_issue(site, "2024-06-issue-8.md", HEAD + "\n" + body)
    result = run("build", "--format", "html", cwd=site)
    assert result.exit_code == 1
    assert f"the text {measure}" in result.stderr


def test_an_issue_with_its_blocks_is_measured_whole(site, run):
    block = site / "blocks/findings/audit.yml"
    rows = "".join(f"      | {n} | f{n} |\n" for n in range(200))
    block.write_text("title: Audit\nversions:\n  - from: 2020-01-01\n    report: An audit\n"
                     "    publisher: The board\n    year: 2020\n    summary: |\n"
                     "      | Theme | Finding |\n      | --- | --- |\n" + rows)
    write_issue(site, "2024-06-issue-8.md", HEAD + "\n[[audit]]\n\n[[audit | heading: Again]]\n")
    result = run("build", "--format", "html", cwd=site)
    assert result.exit_code == 1, result.output
    assert result.stderr.splitlines()[0] == (
        f"{ISSUE}: with the blocks it places, the issue has 400 table rows, more than the "
        f"{MAX_TABLE_ROWS} publisher lays out in an issue; publish a table that long as a "
        "spreadsheet and link to it, or shorten it")


def test_pictures_pasted_in_are_not_text():
    picture = "![A chart](data:image/png;base64," + "A" * 200_000 + ")\n"
    assert layout_size(picture)[0].characters < 20


def test_a_word_longer_than_a_line_can_hold(site, run):
    write_issue(site, "2024-06-issue-8.md", HEAD + "\nA code: " + "x" * 20_000 + " ends here.\n")
    result = run("check", cwd=site)
    assert result.exit_code == 1
    assert (f"{ISSUE}:{BODY}:1: error: the text has a word of 20,000 characters with no space "
            f"in it, more than the {MAX_WORD_CHARACTERS} publisher lays out; break it with "
            "spaces, or, for a web address, link to a shorter one (the page that lists it, say) "
            "[issue]") in result.stdout.splitlines()


def test_a_long_word_wraps_inside_the_page_in_print(site, run):
    word = "x" * MAX_WORD_CHARACTERS
    write_issue(site, "2024-06-issue-8.md", HEAD + f"\nA code: {word} ends here.\n")
    result = run("build", "--format", "pdf", "issues/bulletin/2024-06-issue-8.md", cwd=site)
    assert result.exit_code == 0, result.output
    reader = PdfReader(site / "output/bulletin/2024-06-issue-8.pdf")
    text = "".join(page.extract_text() for page in reader.pages)
    lines = [line for line in text.splitlines() if "xxxx" in line]
    assert len(lines) > 5  # broken over lines of the column, not run off the page
    assert sum(line.count("x") for line in lines) == MAX_WORD_CHARACTERS
