"""`publisher check`: every rule fires where it should and stays quiet where it should not,
with the file, line and column; JSON, --strict, silencing, the deny-list, and build."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROJECT, tiny_png, write_issue

HEAD = """---
title: Checking
number: 8
date: 2024-06-01
status: {status}
summary: A test issue.
{extra}---
"""


def write(site: Path, body: str, status: str = "published", extra: str = "") -> Path:
    return write_issue(site, "2024-06-issue-8.md",
                       HEAD.format(status=status, extra=extra) + body)


def findings(run, site: Path, *args: str) -> list[tuple[int, int, str]]:
    """(line, column, code) of each problem `check --format json` reports."""
    result = run("check", "--format", "json", *args, cwd=site)
    report = json.loads(result.stdout)
    return [(p["line"], p["column"], p["code"]) for p in report["problems"]
            if p["path"] == "issues/bulletin/2024-06-issue-8.md"]


def codes(run, site: Path, *args: str) -> list[str]:
    return [code for _, _, code in findings(run, site, *args)]


def test_the_sample_archive_has_no_problems(sample, run):
    result = run("check", cwd=sample)
    assert result.exit_code == 0, result.output
    assert result.stdout == "No problems found in 7 issues.\n"


def test_each_problem_is_one_line_with_file_line_and_column(site, run):
    write(site, "\nSee ![](chart.png) here.\n")
    result = run("check", cwd=site)
    assert result.exit_code == 1  # the build cannot lay out a page without its image
    lines = result.stdout.splitlines()
    assert lines[0].startswith("issues/bulletin/2024-06-issue-8.md:9:5: error: this image has "
                               "no description;")
    assert lines[0].endswith("[missing-alt]")
    assert lines[1].startswith("issues/bulletin/2024-06-issue-8.md:9:9: error: chart.png is "
                               "not in the site;")
    assert result.stderr == "2 errors and 0 warnings in 2 issues.\n"


def test_errors_are_listed_in_the_same_form_and_fail(site, run):
    write(site, "\n[[no-such-block]]\n", extra="sumary: oops\n")
    result = run("check", cwd=site)
    assert result.exit_code == 1
    assert result.stdout == ("issues/bulletin/2024-06-issue-8.md:7:1: error: sumary: unknown "
                             "key; did you mean 'summary'? [issue]\n")
    write(site, "\n[[no-such-block]]\n")
    result = run("check", cwd=site)
    assert result.exit_code == 1
    assert result.stdout.startswith("issues/bulletin/2024-06-issue-8.md:9:1: error: "
                                    "[[no-such-block]]: there is no block 'no-such-block'")


@pytest.mark.parametrize(("body", "expected"), [
    ("![](a.png)", [(9, 1, "missing-alt"), (9, 5, "missing-file")]),
    ("![A chart of referrals](a.png)", [(9, 25, "missing-file")]),
    ("![](https://example.org/a.png){.decorative}", []),
    ("### Deep", [(9, 1, "heading-skip")]),
    ("# Article\n\n## Part\n\n### Detail", []),
    ("# Article\n\n### Detail", [(11, 1, "heading-skip")]),
    ("[[duty-team]]\n\n## Part of the contacts", []),
    ("Deep\n====\n\nDeeper\n------", []),
    ("Deeper\n------", [(10, 1, "heading-skip")]),
    ("[click here](https://example.org)", [(9, 1, "link-text")]),
    ("[Here](https://example.org) and [](https://example.org)",
     [(9, 1, "link-text"), (9, 33, "link-text")]),
    ("[the national review](https://example.org)", []),
    ("[read more][review]\n\n[review]: https://example.org", [(9, 1, "link-text")]),
    ("# Who to call\n\n[call us](#who-to-call) or [see](#nowhere)",
     [(11, 34, "missing-anchor")]),
    ("[top](#content) and [contacts](#block-duty-team)\n\n[[duty-team]]", []),
    ("[last issue](2024-03-issue-7.pdf) [home](../index.html) [x](missing.docx)",
     [(9, 61, "missing-file")]),
    ("`[click here](https://example.org)`\n\n```\n![](x.png)\n```", []),
])
def test_page_rules(site, run, body, expected):
    write(site, "\n" + body + "\n")
    assert findings(run, site) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Write to jane.smith@example.gov.uk.", ["personal-email"]),
    ("Write to j.smith@example.gov.uk.", ["personal-email"]),
    ("Write to whoever@gmail.com.", ["personal-email"]),
    ("Write to <duty.team@example.gov.uk> or lscb@example.gov.uk.", []),
    ("Write to safeguarding.board@example.gov.uk.", []),
    ("Call 07700 900123 or +44 7700 900123.", ["personal-phone", "personal-phone"]),
    ("Call 0116 454 1004 or 0800 123 4567.", []),
    ("The baby, date of birth 3 May 2010, was seen.", ["date-of-birth"]),
    ("DOB: 03/05/2010.", ["date-of-birth"]),
    ("Babies born in 2010 were more at risk.", []),
])
def test_personal_data(site, run, text, expected):
    write(site, "\n" + text + "\n")
    assert codes(run, site) == expected


def test_personal_data_in_a_block_file_is_found_too(site, run):
    block = site / "blocks/contacts/duty-team.yml"
    lines = block.read_text().splitlines()
    block.write_text("\n".join([*lines, "# ask mary.jones@example.gov.uk"]) + "\n")
    result = run("check", cwd=site)
    assert f"blocks/contacts/duty-team.yml:{len(lines) + 1}:7: warning: " \
           "mary.jones@example.gov.uk looks like a person's own email address" in result.stdout


def test_names_on_the_deny_list(site, run, tmp_path, monkeypatch):
    names = tmp_path / "names.txt"
    names.write_text("# children known to the board\nAmelia Hart\n\nTobias\n")
    write(site, "\nWe met amelia  hart and Tobias's mother; Tobiasson is another name.\n",
          extra="contributors: [Tobias]\n")
    assert codes(run, site) == []
    assert findings(run, site, "--deny-list", str(names)) == [
        (7, 16, "denied-name"), (10, 8, "denied-name"), (10, 25, "denied-name")]
    monkeypatch.setenv("PUBLISHER_DENY_LIST", str(names))
    assert codes(run, site) == ["denied-name"] * 3
    result = run("check", "--deny-list", str(tmp_path / "gone.txt"), cwd=site)
    assert result.exit_code == 2
    assert "the deny-list" in result.stderr and "gone.txt cannot be read" in result.stderr


def test_draft_notes_matter_only_once_published(site, run):
    body = "\nTODO: the opening.\n\n<!-- check the figures -->\n"
    write(site, body, status="draft")
    assert codes(run, site) == []
    write(site, body)
    assert findings(run, site) == [(9, 1, "draft-note"), (11, 1, "draft-note")]


def test_a_date_out_of_the_cadence(site, run):
    write(site, "\nText.\n")  # June 2024 after March 2024: a quarter on
    assert codes(run, site) == []
    issue = site / "issues/bulletin/2024-06-issue-8.md"
    issue.write_text(issue.read_text().replace("date: 2024-06-01", "date: 2024-08-01"))
    result = run("check", cwd=site)
    assert "2024-06-issue-8.md:4:1: warning: date: Practice Bulletin is quarterly, so after " \
           "Issue 7 (March 2024) Issue 8 is due in June 2024, not August 2024" in result.stdout


def test_duplicate_numbers_are_errors(site, run):
    write_issue(site, "2024-09-issue-7.md", HEAD.format(status="draft", extra="")
                .replace("number: 8", "number: 7").replace("2024-06-01", "2024-09-01"))
    result = run("check", "--format", "json", cwd=site)
    assert result.exit_code == 1
    [problem] = json.loads(result.stdout)["problems"]
    assert (problem["severity"], problem["code"], problem["line"]) == ("error",
                                                                       "duplicate-number", 3)


def test_json_output(site, run):
    write(site, "\n[click here](https://example.org)\n")
    result = run("check", "--format", "json", cwd=site)
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert report["errors"] == 0 and report["warnings"] == 1 and report["issues"] == 2
    assert report["problems"] == [{
        "path": "issues/bulletin/2024-06-issue-8.md", "line": 9, "column": 1,
        "severity": "warning", "code": "link-text",
        "message": report["problems"][0]["message"]}]
    assert report["problems"][0]["message"].startswith("the link text 'click here'")


def test_strict_fails_on_warnings(site, run):
    write(site, "\n[click here](https://example.org)\n")
    assert run("check", cwd=site).exit_code == 0
    assert run("check", "--strict", cwd=site).exit_code == 1
    write(site, "\n[the review](https://example.org)\n")
    assert run("check", "--strict", cwd=site).exit_code == 0


def test_codes_are_silenced_per_issue_and_per_site(site, run):
    write(site, "\n[click here](https://example.org) Write to [the team](mailto:jo.bloggs@x.org)\n",
          extra="silence: [link-text]\n")
    assert codes(run, site) == ["personal-email"]
    settings = site / "site.yml"
    settings.write_text(settings.read_text() + "silence: [personal-email]\n")
    assert codes(run, site) == []


def test_an_image_without_a_description_is_an_error_that_cannot_be_silenced(site, run):
    write(site, "\nSee ![](https://example.org/a.png) here.\n", extra="silence: [missing-alt]\n")
    result = run("check", cwd=site)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "issues/bulletin/2024-06-issue-8.md:7:1: error: silence: 'missing-alt' is an error, not "
        "a warning, and cannot be silenced: an image without a description (alt text) for "
        "people who cannot see it, and not marked decorative [silence]",
        "issues/bulletin/2024-06-issue-8.md:10:5: error: this image has no description; write "
        "what it shows between the brackets, ![like this](...), or mark a purely decorative "
        "image with {.decorative} after it [missing-alt]"]


@pytest.mark.parametrize("html", [
    '<img src="dot.png" alt>',  # an empty alt, written short: decorative
    '<img src="dot.png" alt="">',
    '<!-- <img src="old-banner.png"> -->',  # commented out: not on the page
])
def test_html_images_with_an_alt_or_not_on_the_page_pass(site, run, html):
    (site / "issues/bulletin/dot.png").write_bytes(tiny_png())
    write(site, f"\nA picture:\n\n{html}\n", extra="silence: [draft-note]\n")
    assert "missing-alt" not in run("check", cwd=site).stdout


def test_links_to_the_statement_and_archival_copies_are_not_missing(site, run):
    write(site, "\nSee [our accessibility statement](../accessibility.html) and "
          "[the archival copy of issue 7](archival/2024-03-issue-7.pdf).\n")
    assert codes(run, site) == []


def test_an_html_image_without_alt_stops_the_build_naming_its_line(site, run):
    (site / "issues/bulletin/dot.png").write_bytes(tiny_png())
    write(site, "\nA picture:\n\n<img src=\"dot.png\">\n")
    result = run("build", cwd=site)
    assert result.exit_code == 1
    assert result.stderr == (
        "issues/bulletin/2024-06-issue-8.md:11: the image dot.png has no alt attribute; give it "
        "one that says what it shows (alt=\"...\"), or alt=\"\" if it is purely decorative\n"
        "1 problem in 1 file; nothing was written.\n")
    assert not (site / "output").exists()


def test_an_image_file_the_build_would_refuse_is_an_error_with_the_issues_line(site, run):
    (site / "issues/bulletin/chart.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg">\n<script>alert(1)</script>\n'
        '<image href="file:///etc/hostname"/>\n</svg>\n')
    (site / "issues/bulletin/notes.png").write_text("Not a picture.\n")
    (site / "issues/bulletin/dot.png").write_bytes(tiny_png())
    write(site, "\nA chart: ![A chart](chart.svg)\n\n![Notes](notes.png) ![A dot](dot.png)\n",
          extra="silence: [bad-image]\n")
    result = run("check", cwd=site)
    assert result.exit_code == 1
    issue = "issues/bulletin/2024-06-issue-8.md"
    assert result.stdout.splitlines() == [
        f"{issue}:7:1: error: silence: 'bad-image' is an error, not a warning, and cannot be "
        "silenced: an image file the build refuses: not the image its name says, too big, "
        "outside the site, or an SVG with a script, an event handler, HTML or a reference "
        "outside the site [silence]",
        f"{issue}:10:21: error: issues/bulletin/chart.svg:2: the SVG has a <script> element; "
        "a bulletin's images cannot run scripts; export the picture again without scripts (in "
        "Inkscape: Save As, Plain SVG) or save it as PNG [bad-image]",
        f"{issue}:10:21: error: issues/bulletin/chart.svg:3: the SVG has a reference to "
        "file:///etc/hostname (href on <image>), a file outside the site; a page may use only "
        "files inside the site's own folders; put the file beside the SVG and refer to it by "
        "its name, or save the picture as PNG [bad-image]",
        f"{issue}:12:10: error: issues/bulletin/notes.png is not a PNG image (its content is "
        "not an image publisher can read); save or export it again as PNG, JPEG or SVG "
        "[bad-image]"]
    write(site, "\nA chart: ![A chart](chart.svg)\n")
    built = run("build", "--format", "html", cwd=site)
    assert built.exit_code == 1
    assert built.stderr.splitlines()[0] == (
        f"{issue}:9: issues/bulletin/chart.svg:2: the SVG has a <script> element; a "
        "bulletin's images cannot run scripts; export the picture again without scripts (in "
        "Inkscape: Save As, Plain SVG) or save it as PNG")
    assert not (site / "output").exists()


def test_an_unknown_code_to_silence_is_an_error(site, run):
    write(site, "\nText.\n", extra="silence: [link-txt]\n")
    result = run("check", cwd=site)
    assert result.exit_code == 1
    assert "2024-06-issue-8.md:7:1: error: silence: 'link-txt' is not the code of a warning; " \
           "did you mean 'link-text'? [silence]" in result.stdout
    built = run("build", "--format", "html", cwd=site)
    assert built.exit_code == 1
    assert "silence: 'link-txt' is not the code of a warning" in built.stderr
    assert not (site / "output").exists()


def test_build_shows_the_same_warnings(site, run):
    write(site, "\n[click here](https://example.org)\n")
    result = run("build", "--format", "html", "-q", cwd=site)
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("issues/bulletin/2024-06-issue-8.md:9:1: warning: the link "
                                    "text 'click here'")


def test_paths_limit_the_check(site, run):
    write(site, "\n[click here](https://example.org)\n")
    result = run("check", "issues/bulletin/2024-03-issue-7.md", cwd=site)
    assert result.stdout == "No problems found in 1 issue.\n"


def test_check_never_imports_weasyprint(sample):
    script = ("import sys\nfrom publisher.cli import cli\n"
              "try:\n    cli(['--site', sys.argv[1], 'check'])\nexcept SystemExit as end:\n"
              "    assert end.code == 0, end.code\n"
              "print('weasyprint' in sys.modules)\n")
    result = subprocess.run([sys.executable, "-c", script, str(sample)], capture_output=True,
                            text=True, cwd=PROJECT, check=True)
    assert result.stdout.splitlines()[-1] == "False"


# Raw HTML, unsafe addresses and hidden text: removed from the issue, each a warning

@pytest.mark.parametrize(("body", "expected"), [
    ("Text <script>alert(1)</script>.", [(9, 6, "unsafe-html")]),
    ('<p onclick="alert(1)" style="color: red">Text</p>',
     [(9, 1, "unsafe-html"), (9, 1, "unsafe-html")]),
    ("Text\n<span hidden>secret</span>.", [(10, 1, "hidden-text")]),
    ('<div aria-hidden="true">\nsecret\n</div>', [(9, 1, "hidden-text")]),
    ('See <a href="javascript:alert(1)">this page</a>.', [(9, 5, "unsafe-html")]),
    ("See [the page](javascript:alert(1)).", [(9, 16, "unsafe-html")]),
    ("See [the page][p].\n\n[p]: javascript:alert(1)", [(11, 6, "unsafe-html")]),
    ("See <javascript://%0aalert(1)>.", [(9, 6, "unsafe-html")]),
    ("![A chart](javascript:alert(1))", [(9, 12, "unsafe-html")]),
    ('<iframe src="https://example.org/"></iframe>\n\n<form><input></form>',
     [(9, 1, "unsafe-html"), (11, 1, "unsafe-html")]),
    ("# News {: onclick=\"alert(1)\" }", [(9, 8, "unsafe-html")]),
    ("Text *here*{: style=\"color: red\" }", [(9, 12, "unsafe-html")]),
    ("A set {hidden} in a sentence is text.", []),
    ("A paragraph.\n{: hidden }", [(10, 1, "hidden-text")]),
    ("<script>\nalert(1)\n\nNext paragraph <b onclick=\"x\">b</b>.",
     [(9, 1, "unsafe-html"), (12, 16, "unsafe-html")]),
    # Safe markup, code, Markdown's own angle brackets
    ('<abbr title="Local Safeguarding Children Board">LSCB</abbr> and <span class="x">y</span>',
     []),
    ("`<script>alert(1)</script>` and `{: hidden}`", []),
    ("<https://example.org/hidden> and <duty.team@example.gov.uk>, 1 < 2", []),
    ("[the page](https://example.org/) and ![A dot](data:image/png;base64,AA){.decorative}",
     []),
])
def test_html_rules(site, run, body, expected):
    write(site, "\n" + body + "\n")
    assert findings(run, site) == expected


def test_each_removal_is_a_warning_that_says_what_is_removed_and_what_to_do(site, run):
    write(site, '\nText <script>alert(1)</script> and <span hidden>secret</span>.\n\n'
                '<a href="javascript:alert(1)" onclick="alert(1)">A link</a>\n\n'
                '<meta name="keywords" content="secret">\n')
    result = run("check", cwd=site)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "issues/bulletin/2024-06-issue-8.md:9:6: warning: this <script> element is removed "
        "from the issue; bulletins cannot run scripts [unsafe-html]",
        "issues/bulletin/2024-06-issue-8.md:9:36: warning: this hidden text (<span hidden>) is "
        "removed from the issue; text a reader cannot see could still be copied from the PDF "
        "or found by search engines; show it, or delete it [hidden-text]",
        "issues/bulletin/2024-06-issue-8.md:11:1: warning: the onclick attribute of <a> is "
        "removed from the issue; bulletins cannot run scripts [unsafe-html]",
        "issues/bulletin/2024-06-issue-8.md:11:1: warning: this javascript: link is removed "
        "from the issue; link only to http://, https://, mailto: or tel: addresses, or to a "
        "page or file in the site [unsafe-html]",
        "issues/bulletin/2024-06-issue-8.md:13:1: warning: this <meta> element is removed from "
        "the issue; a page's title, description and keywords come from the issue's front "
        "matter (title, summary, keywords) [unsafe-html]"]
    assert run("check", "--strict", cwd=site).exit_code == 1


def test_html_warnings_are_given_in_drafts_too_but_comments_only_once_published(site, run):
    body = "\n<!-- a note -->\n\n<script>alert(1)</script>\n"
    write(site, body, status="draft")
    assert findings(run, site) == [(11, 1, "unsafe-html")]
    write(site, body)
    assert findings(run, site) == [(9, 1, "draft-note"), (11, 1, "unsafe-html")]


def test_html_warnings_can_be_silenced(site, run):
    write(site, "\n<script>alert(1)</script> <span hidden>x</span>\n",
          extra="silence: [hidden-text]\n")
    assert codes(run, site) == ["unsafe-html"]


def test_html_in_a_block_file_is_found_too(site, run):
    block = site / "blocks/findings/old-study.yml"
    block.write_text(block.read_text() + "    summary: |\n"
                     "      What it did <script>alert(1)</script>.\n")
    result = run("check", cwd=site)
    line = len(block.read_text().splitlines())
    assert (f"blocks/findings/old-study.yml:{line}:19: warning: this <script> element is "
            "removed from the block; bulletins cannot run scripts [unsafe-html]") in result.stdout


HOSTILE = """
# Hostile markup

Text <span hidden>SECRETWORDS</span> and <b style="display:none">SECRETBOLD</b> and
<a href="javascript:alert('LINKSCRIPT')" onclick="alert('HANDLER')">a link</a>.

<script>document.write('SCRIPTTEXT')</script>

<!-- COMMENTTEXT -->

<div hidden>
SECRETBLOCK
</div>

<meta name="keywords" content="SECRETKEYWORD">
<title>SECRETTITLE</title>

<style>p::after { content: "STYLETEXT" }</style>

A paragraph *here*{: onclick="alert('ATTRHANDLER')" }

The visible text.
"""
REMOVED = ["SECRETWORDS", "SECRETBOLD", "LINKSCRIPT", "HANDLER", "SCRIPTTEXT", "COMMENTTEXT",
           "SECRETBLOCK", "SECRETKEYWORD", "SECRETTITLE", "STYLETEXT", "<script", "onclick",
           "javascript:", " hidden", "<!--"]


def test_a_build_removes_what_is_unsafe_or_hidden_and_succeeds_with_warnings(site, run):
    write(site, HOSTILE, extra="keywords: [neglect, voice of the child]\n",
          status="draft")  # a draft: the comment is no warning; everything else is
    result = run("build", cwd=site)
    assert result.exit_code == 0, result.output
    warned = [line for line in result.stderr.splitlines() if "2024-06-issue-8.md" in line]
    assert len(warned) == 10 and all(line.endswith(("[unsafe-html]", "[hidden-text]"))
                                    for line in warned), result.stderr
    page = (site / "output/bulletin/2024-06-issue-8.html").read_text()
    main = page[page.index("<main"):page.index("</main>")]
    for removed in REMOVED:
        assert removed not in main, removed
    assert "The visible text." in main and "a link" in main
    from pypdf import PdfReader

    reader = PdfReader(site / "output/bulletin/2024-06-issue-8.pdf")
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for removed in REMOVED[:10]:
        assert removed not in text, removed
    assert "The visible text." in text


def test_the_pdf_metadata_comes_from_the_front_matter_only(site, run):
    write(site, '\n<meta name="keywords" content="secret">\n<title>x</title>\n\n'
                '<meta name="author" content="secret"><meta name="description" content="secret">'
                "\n\nText.\n", extra="keywords: [neglect, voice of the child]\n")
    result = run("build", "--format", "pdf", cwd=site)
    assert result.exit_code == 0, result.output
    from pypdf import PdfReader

    info = PdfReader(site / "output/bulletin/2024-06-issue-8.pdf").metadata
    assert info["/Keywords"] == "neglect, voice of the child"
    assert info.title == "Checking | Practice Bulletin, Issue 8, June 2024"
    assert info.author == "Example Safeguarding Children Partnership"
    assert info.subject == "A test issue."
    assert "secret" not in str(dict(info))


def test_publish_refuses_an_issue_with_unsafe_html(site, run):
    write(site, "\nText <script>alert(1)</script>.\n", status="draft")
    result = run("publish", "issues/bulletin/2024-06-issue-8.md", cwd=site)
    assert result.exit_code == 1
    assert "this <script> element is removed from the issue" in result.output
    assert "status: draft" in (site / "issues/bulletin/2024-06-issue-8.md").read_text()


def test_html_in_a_plain_text_field_is_shown_as_written_and_not_called_removed(site, run):
    """A `text` field is never read as Markdown or HTML: its <script> is shown as the words
    it is, so saying that it "is removed" would be untrue."""
    block = site / "blocks/quote/why-review.yml"
    block.write_text(block.read_text().replace(
        "Reviews exist", "Reviews <script>alert(1)</script> exist"))
    issue = site / "issues/bulletin/2024-03-issue-7.md"
    issue.write_text(issue.read_text() + "\n[[why-review]]\n")
    result = run("check", cwd=site)
    assert "unsafe-html" not in result.stdout, result.stdout
    assert run("build", "--format", "html", cwd=site).exit_code == 0
    page = (site / "output/bulletin/2024-03-issue-7.html").read_text()
    assert "Reviews &lt;script&gt;alert(1)&lt;/script&gt; exist" in page
    assert "<script>" not in page
