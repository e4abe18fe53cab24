"""The block library: versions by date, placement, errors, commands, and archived issues."""

from __future__ import annotations

import datetime
import hashlib
import shutil
import time
from pathlib import Path

import pytest
from bad_inputs import many_versions
from click.testing import CliRunner
from pypdf import PdfReader

from publisher.blocks import ResolutionError, load_library
from publisher.cli import cli

from conftest import PROJECT, write_issue

NEW = "issues/bulletin/2024-06-issue-8.md"


def issue(body: str, date: str = "2024-06-01", number: int = 8, extra: str = "") -> str:
    return (f"---\ntitle: Blocks\nnumber: {number}\ndate: {date}\nstatus: draft\n"
            f"summary: Placing blocks.\n{extra}---\n\n{body}\n")


def library(site: Path):
    found, problems = load_library(site, [site / "templates"])
    assert problems == []
    return found


@pytest.mark.parametrize("day, number", [
    ("2024-03-31", 1),  # the day before version 2 took effect
    ("2024-04-01", 2),  # the day it took effect
    ("2024-04-02", 2),  # the day after
    ("2020-01-01", 1),
])
def test_an_issue_gets_the_version_in_force_on_its_date(site, day, number):
    _, version = library(site).resolve("duty-team", datetime.date.fromisoformat(day))
    assert version.number == number


def test_no_version_before_the_first_took_effect(site):
    with pytest.raises(ResolutionError) as raised:
        library(site).resolve("duty-team", datetime.date(2019, 12, 31))
    assert str(raised.value) == (
        "block 'duty-team' was not yet in effect on 2019-12-31; its versions: 1 (from "
        "2020-01-01), 2 (from 2024-04-01); pin one with '| version: N' or use another block")


def test_the_block_renders_with_the_version_of_the_issue_date(site, run):
    write_issue(site, "2024-06-issue-8.md", issue("[[duty-team]]"))
    write_issue(site, "2024-01-issue-6.md", issue("[[duty-team]]", "2024-01-01", 6))
    assert run("build", "--format", "html", cwd=site).exit_code == 0
    june = (site / "output/bulletin/2024-06-issue-8.html").read_text()
    january = (site / "output/bulletin/2024-01-issue-6.html").read_text()
    assert "01234 222 333" in june and "01234 567 890" not in june
    assert "01234 567 890" in january and "01234 222 333" not in january
    assert '<h2 id="block-duty-team">Who to call</h2>' in june


@pytest.mark.parametrize("placement, phone", [
    ("[[duty-team | version: 1]]", "01234 567 890"),
    ("[[duty-team | as of: 2021-01-01]]", "01234 567 890"),
    ("[[ duty-team |Version:2 ]]", "01234 222 333"),
])
def test_an_issue_may_pin_a_version(site, run, placement, phone):
    write_issue(site, "2024-06-issue-8.md", issue(placement))
    assert run("build", "--format", "html", cwd=site).exit_code == 0
    assert phone in (site / "output/bulletin/2024-06-issue-8.html").read_text()


def test_heading_and_compact_options(site, run):
    write_issue(site, "2024-06-issue-8.md", issue(
        "# Help\n\n[[duty-team | no heading | compact]]\n\n[[why-review | heading: Our purpose]]"))
    assert run("build", "--format", "html", cwd=site).exit_code == 0
    html = (site / "output/bulletin/2024-06-issue-8.html").read_text()
    assert '<div class="block block--contacts block--compact">' in html
    assert "Who to call" not in html
    assert '<h2 id="block-why-review">Our purpose</h2>' in html


def test_a_retired_block_is_an_error_unless_pinned(site, run):
    write_issue(site, "2024-06-issue-8.md", issue("Text.\n\n[[old-study]]"))
    result = run("build", cwd=site)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"{NEW}:11: [[old-study]]: block 'old-study' was retired on 2015-01-01, before "
        "2024-06-01; its versions: 1 (from 2010-01-01, retired 2015-01-01); pin one with "
        "'| version: N' or use another block")
    write_issue(site, "2024-06-issue-8.md", issue("Text.\n\n[[old-study | version: 1]]"))
    assert run("build", "--format", "html", cwd=site).exit_code == 0


@pytest.mark.parametrize("body, message", [
    ("[[duty-teams]]", "[[duty-teams]]: there is no block 'duty-teams'; did you mean "
     "'duty-team'?"),
    ("[[nothing-like-it]]", "[[nothing-like-it]]: there is no block 'nothing-like-it'; run "
     "'publisher blocks' to list the blocks"),
    ("[[duty-team | compackt]]", "[[duty-team | compackt]]: unknown option 'compackt'; did you "
     "mean 'compact'?"),
    ("[[duty-team | colour: red]]", "[[duty-team | colour: red]]: unknown option 'colour'; the "
     "options are: heading, no heading, compact, version, as of"),
    ("[[../../secrets]]", "[[../../secrets]]: '../../secrets' is not a block name; a block is "
     "named by its file name alone (for example 'duty-contacts'), and cannot point outside "
     "the library"),
    ("[[contacts/duty-team]]", "[[contacts/duty-team]]: 'contacts/duty-team' is not a block "
     "name; a block is named by its file name alone (for example 'duty-contacts'), and cannot "
     "point outside the library"),
    ("[[duty-team | version: 3]]", "[[duty-team | version: 3]]: block 'duty-team' has no "
     "version 3; its versions: 1 (from 2020-01-01), 2 (from 2024-04-01)"),
    ("[[duty-team | version: 1 | as of: 2021-01-01]]", "[[duty-team | version: 1 | as of: "
     "2021-01-01]]: give either 'version' or 'as of', not both"),
    ("[[duty-team | as of: June 2021]]", "[[duty-team | as of: June 2021]]: as of: 'June 2021' "
     "is not a date; write it as 2021-06-01"),
    ("[[]]", "[[]]: name the block between the brackets, for example [[duty-contacts]]"),
    ("[[duty-team | compact | compact]]", "[[duty-team | compact | compact]]: the option "
     "'compact' is given twice; keep one"),
    ("[[duty-team | heading: A | no heading]]", "[[duty-team | heading: A | no heading]]: give "
     "either 'heading: ...' or 'no heading', not both"),
    ("[[duty-team |]]", "[[duty-team |]]: an empty option after '|'; remove the bar or write "
     "an option after it"),
])
def test_placement_errors(site, run, body, message):
    write_issue(site, "2024-06-issue-8.md", issue("Some text.\n\n" + body))
    result = run("build", "--format", "html", cwd=site)
    assert result.exit_code == 1
    assert result.stderr == f"{NEW}:11: {message}\n1 problem in 1 file; nothing was written.\n"


def test_placement_syntax_inside_a_sentence_is_just_text(site, run):
    write_issue(site, "2024-06-issue-8.md", issue("Wiki users write [[duty-team]] in a line."))
    assert run("build", "--format", "html", cwd=site).exit_code == 0
    assert "Wiki users write [[duty-team]] in a line." in \
        (site / "output/bulletin/2024-06-issue-8.html").read_text()


@pytest.mark.parametrize("text, message", [
    ("title: Who\nversions:\n  - from: 2020-01-01\n    entries:\n      - phone: 1\n",
     "blocks/contacts/broken.yml:5: versions > item 1 > entries > item 1 > name: this required "
     "key is missing"),
    ("title: Who\nversions:\n  - from: 2020-01-01\n    entries:\n      - name: A\n"
     "        email: not-an-address\n",
     "blocks/contacts/broken.yml:6: versions > item 1 > entries > item 1 > email: is not an "
     "email address"),
    ("title: Who\nversions:\n  - from: 2020-01-01\n    entries: [{name: A}]\n    fax: 1\n",
     "blocks/contacts/broken.yml:5: versions > item 1 > fax: unknown key; the keys allowed "
     "here are: entries, from, intro, note, out_of_hours, retired"),
    ("title: Who\nversions:\n  - entries: [{name: A}]\n",
     "blocks/contacts/broken.yml:3: versions > item 1 > from: this required key is missing"),
    ("title: Who\nversions:\n  - from: 2024-01-01\n    entries: [{name: A}]\n"
     "  - from: 2020-01-01\n    entries: [{name: B}]\n",
     "blocks/contacts/broken.yml:2: versions: list the versions oldest first, by their 'from' "
     "date"),
    ("title: Who\nversions:\n  - from: 2024-01-01\n    retired: 2023-01-01\n"
     "    entries: [{name: A}]\n",
     "blocks/contacts/broken.yml:4: retired: a version must be retired after it takes effect"),
])
def test_a_block_that_breaks_its_kind_is_reported_with_its_line(site, run, text, message):
    (site / "blocks/contacts/broken.yml").write_text(text)
    result = run("build", "--format", "html", cwd=site)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == message


def test_a_kind_without_a_template(site, run):
    (site / "blocks/event").mkdir()
    (site / "blocks/event/_kind.yml").write_text(
        "description: A training event.\nfields:\n  when:\n    type: date\n"
        "    required: true\n    description: The day.\n")
    result = run("build", "--format", "html", cwd=site)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "blocks/event/_kind.yml: kind 'event' has no template; add "
        "templates/blocks/event.html to lay it out")


def test_a_kind_file_with_a_bad_field(site, run):
    (site / "blocks/event").mkdir()
    (site / "blocks/event/_kind.yml").write_text(
        "description: A training event.\nfields:\n  topics:\n    type: list\n"
        "    description: What it covers.\n")
    result = run("build", "--format", "html", cwd=site)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "blocks/event/_kind.yml:3: fields > topics: a list needs either 'items:' (the type of "
        "each item) or 'fields:' (each item is a group of these fields)")


def test_a_new_kind_needs_no_python(site, run):
    (site / "blocks/event").mkdir()
    (site / "blocks/event/_kind.yml").write_text(
        "description: A training event.\n"
        "fields:\n"
        "  when:\n    type: date\n    required: true\n    description: The day.\n"
        "  topics:\n    type: list\n    items: inline\n    required: true\n"
        "    description: What it covers.\n")
    (site / "templates/blocks/event.html").write_text(
        '<p class="event">On {{ block.when|long_date }}:</p>\n<ul>\n'
        "{% for topic in block.topics %}<li>{{ topic }}</li>{% endfor %}\n</ul>\n")
    (site / "blocks/event/spring-workshop.yml").write_text(
        "title: Spring workshop\nversions:\n  - from: 2024-01-01\n    when: 2024-04-18\n"
        "    topics:\n      - Seeing the *whole* family\n      - Escalation\n")
    write_issue(site, "2024-06-issue-8.md", issue("[[spring-workshop]]"))
    result = run("build", "--format", "html", cwd=site)
    assert result.exit_code == 0, result.output
    html = (site / "output/bulletin/2024-06-issue-8.html").read_text()
    assert ('<section class="block block--event" aria-labelledby="block-spring-workshop">\n'
            '<h2 id="block-spring-workshop">Spring workshop</h2>\n'
            '<p class="event">On 18 April 2024:</p>\n<ul>\n'
            "<li>Seeing the <em>whole</em> family</li><li>Escalation</li></ul>\n"
            "</section>") in html


def test_a_block_in_the_body_and_in_a_slot(site, run):
    write_issue(site, "2024-06-issue-8.md", issue(
        "# News\n\nText.\n\n[[duty-team]]\n\n# More news\n\nText.",
        extra="slots:\n  sidebar: [duty-team | compact]\n  back-page:\n    - why-review\n"))
    result = run("build", "--format", "html", cwd=site)
    assert result.exit_code == 0, result.output
    html = (site / "output/bulletin/2024-06-issue-8.html").read_text()
    sidebar = html[html.index('<aside class="slot slot--sidebar"'):html.index("</aside>")]
    assert 'aria-labelledby="block-duty-team-2"' in sidebar and "block--compact" in sidebar
    main = html[html.index("<main"):html.index("</main>")]
    assert 'aria-labelledby="block-duty-team"' in main and "01234 222 333" in main
    nav = html[html.index("<nav"):html.index("</nav>")]
    assert nav.index('"#news"') < nav.index('"#block-duty-team"') < nav.index('"#more-news"')
    assert 'class="slot slot--back-page"' in html and "Example guidance (2018)" in html


def test_an_unknown_slot(site, run):
    write_issue(site, "2024-06-issue-8.md", issue("Text.", extra="slots:\n  sidebr: [duty-team]\n"))
    result = run("build", cwd=site)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"{NEW}:8: slots: the newsletter layout has no slot 'sidebr'; did you mean 'sidebar'?")


def test_blocks_list_show_and_where(site, run):
    write_issue(site, "2024-06-issue-8.md", issue("Text.\n\n[[duty-team]]",
                                                   extra="slots:\n  sidebar: [duty-team]\n"))
    write_issue(site, "2024-01-issue-6.md", issue("[[duty-team | compact]]", "2024-01-01", 6))
    listing = run("blocks", cwd=site)
    assert listing.exit_code == 0
    assert listing.stdout.splitlines() == [
        "KIND      NAME        VERSIONS                                  USED BY",
        "contacts  duty-team   1 (from 2020-01-01); 2 (from 2024-04-01)  2 issues",
        "findings  old-study   1 (from 2010-01-01, retired 2015-01-01)   0 issues",
        "quote     why-review  1 (from 2018-07-01)                       0 issues",
    ]
    where = run("blocks", "where", "duty-team", cwd=site)
    assert where.stdout.splitlines() == [
        "duty-team is used by 2 issues:",
        "  issues/bulletin/2024-01-issue-6.md:9  2024-01-01  body  version 1 (from 2020-01-01)",
        "  issues/bulletin/2024-06-issue-8.md:8  2024-06-01  slot sidebar  version 2 (from "
        "2024-04-01)",
        "  issues/bulletin/2024-06-issue-8.md:13  2024-06-01  body  version 2 (from 2024-04-01)",
    ]
    show = run("blocks", "show", "duty-team", "--as-of", "2021-01-01", cwd=site)
    assert show.stdout.splitlines()[:4] == [
        'duty-team: contacts block "Who to call" (blocks/contacts/duty-team.yml)',
        "Version 1 of 2, in force from 2020-01-01 (as of 2021-01-01)",
        "",
        "entries:",
    ]
    assert "01234 567 890" in show.stdout


def test_a_block_of_thousands_of_versions_is_listed_briefly_and_read_quickly(site, run):
    (site / "blocks/quote/why-review.yml").write_text(many_versions(5000))
    started = time.perf_counter()
    block = library(site).blocks["why-review"]
    assert time.perf_counter() - started < 2  # 0.3 s; 0.9 s in a build before issue 15
    assert len(block.versions) == 5000
    assert block.version_list() == (
        "1 (from 2011-04-01), 2 (from 2011-04-02), … 4999 (from 2024-12-06), 5000 (from "
        "2024-12-07) (5,000 versions)")
    write_issue(site, "2024-06-issue-8.md", issue("[[why-review | as of: 2000-01-01]]"))
    result = run("check", cwd=site)
    assert result.exit_code == 1
    assert (f"{NEW}:9:1: error: [[why-review | as of: 2000-01-01]]: block 'why-review' was not "
            "yet in effect on 2000-01-01; its versions: 1 (from 2011-04-01), 2 (from "
            "2011-04-02), … 4999 (from 2024-12-06), 5000 (from 2024-12-07) (5,000 versions); "
            "pin one with '| version: N' or use another block [issue]") in result.stdout
    listing = run("blocks", cwd=site).stdout.splitlines()
    assert listing[3] == ("quote     why-review  5,000 versions: 1 (from 2011-04-01) … 5000 "
                          "(from 2024-12-07)  1 issue")
    assert max(len(line) for line in listing) < 100


def test_a_short_list_of_versions_is_given_in_full(site):
    versions = "".join(f"  - from: 20{10 + n}-01-01\n    text: T{n}.\n    source: S\n"
                       for n in range(5))
    (site / "blocks/quote/why-review.yml").write_text(f"title: Why\nversions:\n{versions}")
    assert library(site).blocks["why-review"].version_list() == (
        "1 (from 2010-01-01), 2 (from 2011-01-01), 3 (from 2012-01-01), 4 (from 2013-01-01), "
        "5 (from 2014-01-01)")


def test_the_versions_column_is_cut_to_its_width(site, run):
    versions = "".join(f"  - from: 20{10 + n}-01-01\n    retired: 20{11 + n}-01-01\n"
                       f"    text: T{n}.\n    source: S\n" for n in range(3))
    (site / "blocks/quote/why-review.yml").write_text(f"title: Why\nversions:\n{versions}")
    row = run("blocks", cwd=site).stdout.splitlines()[3]
    assert row == ("quote     why-review  3 versions: 1 (from 2010-01-01, retired 2011-01-01) "
                   "… 3 (from…  0 issues")


def test_blocks_where_names_an_unknown_block_as_bad_usage(site, run):
    result = run("blocks", "where", "duty-tem", cwd=site)
    assert result.exit_code == 2
    assert ("Invalid value for NAME: there is no block 'duty-tem'; did you mean 'duty-team'?"
            in result.stderr)


def hashes(folder: Path) -> dict[str, str]:
    """The hash of each issue's files (the archive's pages and feeds list every issue)."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.glob("*.*")
            if p.name not in ("index.html", "feed.xml")}


def test_a_new_version_leaves_an_old_issue_byte_identical(site, run):
    contacts = site / "blocks/contacts/duty-team.yml"
    with_change = contacts.read_text()
    contacts.write_text(with_change.split("  - from: 2024-04-01")[0])  # before the change
    write_issue(site, "2024-01-issue-6.md", issue("[[duty-team]]", "2024-01-01", 6))
    assert run("build", cwd=site).exit_code == 0
    before = hashes(site / "output/bulletin")

    contacts.write_text(with_change)  # the new number, in force from April 2024
    write_issue(site, "2024-06-issue-8.md", issue("[[duty-team]]"))
    assert run("build", cwd=site).exit_code == 0
    after = hashes(site / "output/bulletin")
    assert {name: after[name] for name in before} == before
    june = (site / "output/bulletin/2024-06-issue-8.html").read_text()
    assert "01234 222 333" in june and "01234 567 890" not in june


def test_the_2020_contacts_leave_the_june_2011_issue_as_published(tmp_path, run):
    site = tmp_path / "site"
    site.mkdir()
    for name in ("site.yml", "issues", "blocks", "templates", "styles"):
        source = PROJECT / name
        if source.is_dir():
            shutil.copytree(source, site / name)
        else:
            shutil.copy(source, site / name)
    contacts = site / "blocks/contacts/duty-contacts.yml"
    with_2020 = contacts.read_text()
    contacts.write_text(with_2020.split("  - from: 2020-04-01")[0])
    june_2011 = "issues/learning-review/2011-06-issue-1.md"
    assert run("build", june_2011, cwd=site).exit_code == 0
    before = hashes(site / "output/learning-review")

    contacts.write_text(with_2020)
    (site / "issues/learning-review/2020-06-issue-37.md").write_text(
        "---\ntitle: Who to call\nnumber: 37\ndate: 2020-06-01\nstatus: draft\n"
        "summary: The duty teams.\n---\n\n[[duty-contacts]]\n")
    assert run("build", cwd=site).exit_code == 0
    after = hashes(site / "output/learning-review")
    assert {name: after[name] for name in before} == before
    assert set(before) == {"2011-06-issue-1.pdf", "2011-06-issue-1.html"}
    issue_2020 = (site / "output/learning-review/2020-06-issue-37.html").read_text()
    assert "0116 454 1004" in issue_2020 and "0116 252 7004" not in issue_2020
    assert "0116 252 7004" in (site / "output/learning-review/2011-06-issue-1.html").read_text()


def test_placements_on_adjacent_lines_and_brackets_in_lists_quotes_and_code(site, run):
    write_issue(site, "2024-06-issue-8.md", issue(
        "- [[why-review]]\n\n> [[why-review]]\n\n    [[why-review]]\n\n"
        "[[why-review]]\n[[duty-team | compact]]\nText right after.\n[[why-review | no heading]]"))
    assert run("build", "--format", "html", cwd=site).exit_code == 0
    html = (site / "output/bulletin/2024-06-issue-8.html").read_text()
    main = html[html.index("<main"):html.index("</main>")]
    assert "<li>[[why-review]]</li>" in main
    assert "<blockquote>\n<p>[[why-review]]</p>\n</blockquote>" in main
    assert "<pre><code>[[why-review]]\n</code></pre>" in main
    assert main.count('class="block block--quote"') == 2
    assert main.count('class="block block--contacts block--compact"') == 1
    assert "<p>Text right after.</p>" in main


SHIPPED = sorted(p.stem for p in (PROJECT / "blocks").glob("*/*.yml") if p.name != "_kind.yml")


@pytest.fixture(scope="module")
def every_block(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site of each house style, with an issue placing every shipped block, built once."""
    root = tmp_path_factory.mktemp("every-block")
    for name in ("site.yml", "blocks", "templates", "styles"):
        source = PROJECT / name
        copy = shutil.copytree if source.is_dir() else shutil.copy
        copy(source, root / name)
    body = "\n\n".join(
        f"# Around {name}\n\nBefore.\n\n[[{name}]]\n\n[[{name} | no heading | compact]]\n\n"
        f"[[{name} | heading: {name} again | as of: 2024-06-01]]\n\nAfter."
        for name in SHIPPED)
    for style, kind in (("newsletter", "newsletter"), ("newsletter-2019", "newsletter"),
                        ("briefing", "briefing")):
        folder = root / "issues" / style
        folder.mkdir(parents=True)
        (folder / "series.yml").write_text(f"title: {style}\nkind: {kind}\ncadence: occasional\n"
                                           f"style: {style}\nmasthead: Every block\n")
        (folder / "2024-06-every-block.md").write_text(
            "---\ntitle: Every block\nnumber: 1\ndate: 2024-06-01\nstatus: draft\n"
            f"summary: Every shipped block.\n---\n\n{body}\n")
    result = CliRunner().invoke(cli, ["--site", str(root), "build"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.stderr == "", "WeasyPrint warned"
    return root / "output"


@pytest.mark.parametrize("style", ["newsletter", "newsletter-2019", "briefing"])
def test_every_shipped_block_reaches_the_pdf_in_every_style(every_block, style):
    text = "".join("".join(page.extract_text().split())
                   for page in PdfReader(every_block / style / "2024-06-every-block.pdf").pages)
    html = (every_block / style / "2024-06-every-block.html").read_text()
    for name in SHIPPED:
        assert f"Around{name}" in text
        assert f"{name}again".replace(" ", "") in text
        assert html.count(f'aria-labelledby="block-{name}') == 2
    # Every row of the audit table, and the headings after it, survive in the PDF.
    for row in ("Followingprocedures", "Managementoversight"):
        assert text.count(row) == 3, row
    assert "0116454" in text  # the 2020 contacts, as of 2024


def test_a_placement_markdown_cannot_show_is_an_error_not_bracketed_text(site, run):
    write_issue(site, "2024-06-issue-8.md", issue("<div>\n[[duty-team]]\n</div>"))
    result = run("build", "--format", "html", cwd=site)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"{NEW}:10: [[duty-team]]: this block cannot be shown here; a block is placed by a "
        "line of its own in the body, between blank lines, not inside HTML, a list or a "
        "quotation")


def test_a_tab_in_a_placement_is_spacing_like_any_other(site, run):
    write_issue(site, "2024-06-issue-8.md", issue("[[why-review |\tno heading]]"))
    assert run("build", "--format", "html", cwd=site).exit_code == 0
    assert '<div class="block block--quote">' in \
        (site / "output/bulletin/2024-06-issue-8.html").read_text()


@pytest.mark.parametrize("slots", [
    "slots:\n  sidebar: [duty-team | heading: Call us]\n",
    "slots:\n  sidebar:\n    - duty-team | heading: Call us\n",
    "slots:\n  sidebar:\n    - [[duty-team | heading: Call us]]\n",
])
def test_slot_items_are_read_as_written(site, run, slots):
    write_issue(site, "2024-06-issue-8.md", issue("Text.", extra=slots))
    result = run("build", "--format", "html", cwd=site)
    assert result.exit_code == 0, result.output
    assert '<h2 id="block-duty-team">Call us</h2>' in \
        (site / "output/bulletin/2024-06-issue-8.html").read_text()


def test_a_slot_may_list_blocks_on_one_line(site, run):
    write_issue(site, "2024-06-issue-8.md",
                issue("Text.", extra="slots:\n  back-page: duty-team, why-review\n"))
    assert run("build", "--format", "html", cwd=site).exit_code == 0
    html = (site / "output/bulletin/2024-06-issue-8.html").read_text()
    assert "block-duty-team" in html and "block-why-review" in html


def test_a_broken_block_is_reported_once_not_again_where_it_is_placed(site, run):
    (site / "blocks/quote/why-review.yml").write_text("title: Why\nversions: []\n")
    write_issue(site, "2024-06-issue-8.md", issue("[[why-review]]"))
    result = run("build", cwd=site)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "blocks/quote/why-review.yml:2: versions: needs at least one item",
        "1 problem in 1 file; nothing was written.",
    ]


@pytest.mark.parametrize("path, message", [
    ("blocks/stray.yml", "blocks/stray.yml: a block belongs in the folder of its kind, "
     "blocks/<kind>/; move it there"),
    ("blocks/quote/other.yaml", "blocks/quote/other.yaml: block files end in .yml; rename it "
     "other.yml"),
])
def test_block_files_in_the_wrong_place(site, run, path, message):
    (site / path).write_text("title: x\n")
    result = run("build", cwd=site)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == message


@pytest.mark.parametrize("name", ["items", "model_config", "Bad Name", "from"])
def test_a_kind_cannot_use_a_field_name_templates_cannot_reach(site, run, name):
    (site / "blocks/event").mkdir()
    (site / "blocks/event/_kind.yml").write_text(
        f"description: x\nfields:\n  {name}:\n    type: text\n    description: x\n")
    result = run("build", cwd=site)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith(
        f"blocks/event/_kind.yml:3: fields: {name!r} cannot name a field; use lower-case "
        "letters, digits and underscores")


def test_blocks_show_options(site, run):
    both = run("blocks", "show", "duty-team", "--as-of", "2021-01-01", "--version", "1", cwd=site)
    assert both.exit_code == 2
    assert "give either --as-of or --version, not both" in both.stderr
    beyond = run("blocks", "show", "duty-team", "--version", "5", cwd=site)
    assert beyond.exit_code == 2
    assert "block 'duty-team' has no version 5" in beyond.stderr
    early = run("blocks", "show", "duty-team", "--as-of", "2019-01-01", cwd=site)
    assert early.exit_code == 1
    assert early.stderr == (
        "Error: block 'duty-team' was not yet in effect on 2019-01-01; its versions: 1 (from "
        "2020-01-01), 2 (from 2024-04-01); show one with --version N\n")
