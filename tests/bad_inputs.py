# ruff: noqa: E501  (each message is one line, as users see it)
"""The catalogue of bad inputs: each a change to the small fixture site, the command run on
it, and exactly what the user is told. `tests/test_bad_inputs.py` runs every case;
`docs/bad-input.md` lists them for users (a test keeps the two the same).

A case's `files` maps a path in the site to its new content (text, or bytes for what is not
text; `+text` appends to the file; None deletes it). `expected` is the line of what the
command prints (on stderr; for `check`, on stdout) that says what is wrong (`{issue}` stands
for the issue's path).
"""

from __future__ import annotations

import datetime
import json
import struct
import zlib
from dataclasses import dataclass, field

from conftest import ISSUE_HEAD as HEAD
from conftest import tiny_png

ISSUE = "issues/bulletin/2024-03-issue-7.md"


@dataclass(frozen=True)
class Case:
    name: str
    files: dict[str, str | bytes | None]
    args: tuple[str, ...]
    exit_code: int
    expected: str
    stream: str = "stderr"
    #: Whether the build must leave no output folder (it refused before writing).
    nothing_written: bool = True
    links: dict[str, str] = field(default_factory=dict)  # symbolic links: path -> target


def issue(body: str, head: str = HEAD) -> dict[str, str | bytes | None]:
    return {ISSUE: head + body}


def front(extra: str) -> dict[str, str | bytes | None]:
    return {ISSUE: HEAD.replace("---\n", "---\n" + extra, 1) + "\nText.\n"}


def zip_of(files: dict[str, str]) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


ZIP_OF_NOTES = zip_of({"notes.txt": "Ideas for issue 8."})


def huge_png() -> bytes:
    """A PNG that says it is 30,000 pixels square: a decompression bomb, in a few bytes."""
    header = struct.pack(">IIBBBBB", 30_000, 30_000, 8, 0, 0, 0, 0)
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I",
                                                                       zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b""))
            + chunk(b"IEND", b""))


def svg(body: str) -> str:
    """An SVG picture with `body` on its second line."""
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30">\n{body}\n</svg>\n'


def svg_image(body: str, name: str = "chart.svg") -> dict[str, str | bytes | None]:
    """An issue showing the SVG picture `name`, with `body` on its second line."""
    return issue(f"\n![A chart]({name})\n") | {f"issues/bulletin/{name}": svg(body)}


def many_versions(count: int) -> str:
    """A quote block of `count` versions, a day apart from 1 April 2011: 5,000 fit in
    256 KB (and in the years a date may have)."""
    first = datetime.date(2011, 4, 1)
    return "title: Why we review\nversions:\n" + "".join(
        f"- {{from: {first + datetime.timedelta(days=n)}, text: V{n + 1}, source: S}}\n"
        for n in range(count))


def lock(written: str = "", instead: str = "") -> str:
    """An archive-lock.json locking the issue, as publish writes one; with `instead` in
    place of the first `written`, if given."""
    digest = "sha256:" + "0" * 64
    outputs = {name: {"file": f"bulletin/2024-03-issue-7.{suffix}", "sha256": digest,
                      "bytes": 48213, "text": [digest]}
               for name, suffix in (("html", "html"), ("pdf", "pdf"))}
    edition = {"edition": 1, "recorded": "2024-03-01", "correction": None,
               "inputs": {"software publisher": "0.3.0"}, "outputs": outputs}
    text = json.dumps({"format": 1, "issues": {ISSUE: {
        "title": "Seeing the child", "date": "2024-03-01", "editions": [edition]}}}, indent=1)
    assert written in text
    return text.replace(written, instead, 1) if written else text


def journal(issue_path: str = ISSUE, edition: int = 1) -> str:
    """The journal of a publication that was stopped: the issue as a draft (`DRAFT`), edited
    to published (`PUBLISHED`)."""
    return json.dumps({"format": 1, "issue": issue_path, "edition": edition,
                       "correction": None, "original": DRAFT, "edited": PUBLISHED}, indent=1)


PUBLISHED = HEAD + "\nText.\n"
DRAFT = PUBLISHED.replace("status: published", "status: draft")
JOURNAL = ".publisher/publishing.json"
#: The fixture's series in the seven-minute style, whose issues may take two pages.
SEVEN_MINUTE: dict[str, str | bytes | None] = {
    "issues/bulletin/series.yml": "title: Practice Bulletin\nkind: briefing\ncadence: quarterly\n"
                                  "style: seven-minute\nmasthead: News for practitioners\n"}


def briefing(*boxes: tuple[str, int]) -> dict[str, str | bytes | None]:
    """A draft seven-minute briefing with a box for each (heading, count of sentences)."""
    sentence = "Practitioners saw the baby several times before the injury was found. "
    body = "".join(f"\n# {heading}\n\n{(sentence * count).strip()}\n" for heading, count in boxes)
    return SEVEN_MINUTE | {ISSUE: HEAD.replace("published", "draft") + body}


#: Five boxes, the last of which does not fit on the second page.
TOO_LONG = briefing(("What happened", 14), ("Why it matters", 14), ("What to do", 12),
                    ("Questions to ask {.wide}", 8), ("Where to find more", 12))

BUILD = ("build",)
VERIFY = ("verify",)
#: Where a damaged lock goes wrong, in words, and what to do about it.
LOCKED = "archive-lock.json: cannot be read: issues > {issue} > editions > 1"
RESTORE = "restore it from version control, where it is tracked (git checkout -- archive-lock.json)"
#: Issue 8 of the fixture's series, dated two years before its Issue 7.
EARLIER = "issues/bulletin/2022-03-issue-8.md"
EARLIER_ISSUE = HEAD.replace("number: 7", "number: 8").replace("2024-03-01", "2022-03-01") + "\nText.\n"
CASES: list[Case] = [
    # Front matter
    Case("a front matter key misspelt", front("sumary: oops\n"), BUILD, 1,
         "{issue}:2: sumary: unknown key; did you mean 'summary'?"),
    Case("a required key missing", {ISSUE: HEAD.replace("summary: What recent reviews say.\n",
                                                        "") + "\nText.\n"}, BUILD, 1,
         "{issue}:2: summary: this required key is missing; add a line such as 'summary: "
         "What our reviews teach.'"),
    Case("a date that does not exist", {ISSUE: HEAD.replace("2024-03-01", "2024-02-30")
                                        + "\nText.\n"}, BUILD, 1, "{issue}:4: date: '2024-02-30' is not a real date; check the month and the day"),
    Case("a number that is not a number", {ISSUE: HEAD.replace("number: 7", "number: seven")
                                           + "\nText.\n"}, BUILD, 1, "{issue}:3: number: 'seven' is not a whole number; write it in figures, for example 3"),
    Case("a status that is neither draft nor published",
         {ISSUE: HEAD.replace("status: published", "status: final") + "\nText.\n"}, BUILD, 1,
         "{issue}:5: status: 'final' is not one of the choices; use 'draft' or 'published'"),
    Case("no front matter at all", {ISSUE: "# Just a heading\n\nText.\n"}, BUILD, 1, "{issue}:1: the file has no front matter; its first line must be '---', followed by the keys (title, number, date, ...) and another '---'"),
    Case("front matter never closed", {ISSUE: HEAD.rstrip("-\n") + "\n\nText.\n"}, BUILD, 1,
         "{issue}:1: the front matter is not closed; add a line '---' after its last key"),
    Case("a tab indenting YAML", front("keywords:\n\t- neglect\n"), BUILD, 1, "{issue}:3: this is not valid YAML: a tab is used to indent; indent with spaces instead"),
    Case("a key given twice", front("title: Again\n"), BUILD, 1, "{issue}:3: title: this key is given twice (first on line 2); keep one"),
    Case("a YAML alias", front("keywords: &k [a]\naudience: *k\n"), BUILD, 1, "{issue}:3: anchors and aliases ('&name', '*name') are not supported; write the value out in full"),
    Case("an unclosed quote", front('masthead_note: "open\n'), BUILD, 1, "{issue}:2: this is not valid YAML: a value opened with a quotation mark is not closed with the same mark"),
    Case("two issues with the same number",
         {"issues/bulletin/2024-06-issue-7.md": HEAD.replace("2024-03-01", "2024-06-01")
          + "\nText.\n"}, BUILD, 1, "issues/bulletin/2024-06-issue-7.md:3: number: issue 7 of Practice Bulletin is also {issue}; give each issue its own number"),
    Case("silencing a code that does not exist", front("silence: [link-txt]\n"), BUILD, 1,
         "{issue}:2: silence: 'link-txt' is not the code of a warning; did you mean 'link-text'?"),
    Case("silencing an error", front("silence: [missing-alt]\n"), BUILD, 1, "{issue}:2: silence: 'missing-alt' is an error, not a warning, and cannot be silenced: an image without a description (alt text) for people who cannot see it, and not marked decorative"),
    # Text encoding
    Case("an issue saved as Windows-1252", {ISSUE: (HEAD + "\nCaf\u00e9 culture.\n")
                                            .encode("cp1252")}, BUILD, 1, "{issue}:9: the file is not UTF-8 text; save it again as UTF-8 (in Word or Notepad: Save As, Encoding: UTF-8)"),
    Case("a block file saved as Latin-1",
         {"blocks/quote/why-review.yml": "title: Why review\nversions:\n  - from: 2020-01-01"
          "\n    text: Caf\u00e9\n    source: Working Together\n".encode("latin-1")},
         BUILD, 1, "blocks/quote/why-review.yml:4: the file is not UTF-8 text; save it again as UTF-8 (in Word or Notepad: Save As, Encoding: UTF-8)"),
    # Settings
    Case("site.yml without the organisation", {"site.yml": "website: https://x.org.uk/\n"},
         BUILD, 1, "site.yml:1: organisation: this required key is missing; add a line such as 'organisation: Safeguarding Children Partnership'"),
    Case("a website that is not a web address",
         {"site.yml": "organisation: Board\nwebsite: www.example\n"}, BUILD, 1, "site.yml:2: website: 'www.example' is not a web address; write it in full, for example https://www.example.org.uk/"),
    Case("a series colour that is not a colour",
         {"issues/bulletin/series.yml": "+colours:\n  brand: purple\n"}, BUILD, 1, 'issues/bulletin/series.yml:7: colours > brand: \'purple\' is not a colour; write it as # and six hexadecimal digits, in quotes, e.g. "#14506e"'),
    Case("an unknown house style",
         {"issues/bulletin/series.yml": "title: Practice Bulletin\nkind: newsletter\n"
          "cadence: quarterly\nstyle: glossy\nmasthead: News\n"}, BUILD, 1, "issues/bulletin/series.yml:4: style: 'glossy' is not a house style; the styles are: briefing, newsletter, newsletter-2019, seven-minute"),
    Case("an unknown cadence",
         {"issues/bulletin/series.yml": "title: Practice Bulletin\nkind: newsletter\n"
          "cadence: fortnightly\nstyle: newsletter\nmasthead: News\n"}, BUILD, 1, "issues/bulletin/series.yml:3: cadence: 'fortnightly' is not one of the choices; use 'weekly', 'monthly', 'bimonthly', 'quarterly', 'termly', 'twice-yearly', 'yearly' or 'occasional'"),
    Case("an unknown PDF variant",
         {"issues/bulletin/series.yml": "+pdf_variant: pdf/x-4\n"}, BUILD, 1, "issues/bulletin/series.yml:6: pdf_variant: 'pdf/x-4' is not one of the choices; use 'pdf/ua-1', 'pdf/ua-2', 'pdf/a-2a' or 'pdf/a-3a'"),
    Case("a series named as the output keeps for itself",
         {"issues/assets/series.yml": "title: Assets\nkind: newsletter\ncadence: quarterly\n"
          "style: newsletter\nmasthead: News\n"}, BUILD, 1, "issues/assets: a series cannot be called 'assets', a name the output folder keeps for itself; rename the folder"),
    # Blocks
    Case("a block that does not exist", issue("\n[[duty-teams]]\n"), BUILD, 1, "{issue}:9: [[duty-teams]]: there is no block 'duty-teams'; did you mean 'duty-team'?"),
    Case("a block placed before its first version",
         {ISSUE: HEAD.replace("2024-03-01", "2019-03-01") + "\n[[duty-team]]\n"}, BUILD, 1,
         "{issue}:9: [[duty-team]]: block 'duty-team' was not yet in effect on 2019-03-01; its versions: 1 (from 2020-01-01), 2 (from 2024-04-01); pin one with '| version: N' or use another block"),
    Case("a block version that does not exist", issue("\n[[duty-team | version: 9]]\n"),
         BUILD, 1, "{issue}:9: [[duty-team | version: 9]]: block 'duty-team' has no version 9; its versions: 1 (from 2020-01-01), 2 (from 2024-04-01)"),
    Case("an unknown block option", issue("\n[[duty-team | tiny]]\n"), BUILD, 1, "{issue}:9: [[duty-team | tiny]]: unknown option 'tiny'; the options are: heading, no heading, compact, version, as of"),
    Case("a block field of the wrong kind",
         {"blocks/contacts/duty-team.yml": "title: Who to call\nversions:\n  - from: "
          "2020-01-01\n    entries: none\n"}, BUILD, 1, "blocks/contacts/duty-team.yml:4: versions > item 1 > entries: expected a list, with each item on its own line starting with '- '"),
    Case("a block file that is not a mapping", {"blocks/contacts/duty-team.yml": "- a\n- b\n"},
         BUILD, 1, "blocks/contacts/duty-team.yml:1: expected keys and values such as 'title: ...', found a list"),
    # Images, links and files
    Case("an image without a description", issue("\n![](https://x.org/a.png)\n"), BUILD, 1,
         "{issue}:9: this image has no description; write what it shows between the brackets, ![like this](...), or mark a purely decorative image with {.decorative} after it"),
    Case("an HTML image without alt", issue('\n<img src="dot.png">\n') | {
        "issues/bulletin/dot.png": b"\x89PNG\r\n\x1a\n"}, BUILD, 1, '{issue}:9: the image dot.png has no alt attribute; give it one that says what it shows (alt="..."), or alt="" if it is purely decorative'),
    Case("a missing image", issue("\n![A chart](chart.png)\n"), BUILD, 1, "{issue}:9: chart.png is not in the site; check the name, and put the file beside the issue in issues/bulletin/"),
    Case("an image outside the site", issue("\n![Secrets](../../../../../../etc/hostname)\n"),
         BUILD, 1, "{issue}:9: ../../../../../../etc/hostname is outside the site; a page may use only files inside the site's own folders"),
    Case("a file: address", issue("\n![Secrets](file:///etc/passwd)\n"), BUILD, 1, "{issue}: /etc/passwd is outside the site; a page may use only files inside the site's own folders"),
    Case("an image on the internet", issue("\n![A chart](https://example.org/chart.png)\n"),
         BUILD, 1, "{issue}: https://example.org/chart.png: addresses on the internet cannot be used in a page; save the file inside the site and refer to it there (or build with --allow-remote to fetch an https:// image)"),
    Case("a symbolic link out of the site", issue("\n![Picture](picture.png)\n"), BUILD, 1,
         "{issue}:9: issues/bulletin/picture.png is outside the site; a page may use only files inside the site's own folders", links={"issues/bulletin/picture.png": "/etc/hostname"}),
    Case("a file attached to the PDF",
         issue('\n<p><link rel="attachment" href="../../site.yml"></p>\n'), BUILD, 1, '{issue}:9: a file cannot be attached to the PDF (rel="attachment"); link to it instead, so readers see what they open'),
    Case("silencing the attachment error", front("silence: [attachment]\n"), BUILD, 1, '{issue}:2: silence: \'attachment\' is an error, not a warning, and cannot be silenced: a file attached to the PDF (rel="attachment"), which would hide a file inside it'),
    # Authors' HTML: removed, with a warning (the build goes on; publish refuses warnings)
    Case("a script in an issue", issue("\n<script>alert(1)</script>\n"), ("check",), 0, "{issue}:9:1: warning: this <script> element is removed from the issue; bulletins cannot run scripts [unsafe-html]",
         stream="stdout", nothing_written=False),
    Case("an event handler", issue('\n<p onclick="steal()">Text</p>\n'), ("check",), 0, "{issue}:9:1: warning: the onclick attribute of <p> is removed from the issue; bulletins cannot run scripts [unsafe-html]",
         stream="stdout", nothing_written=False),
    Case("a javascript: link", issue("\n[The referral form](javascript:alert(1))\n"), ("check",), 0, "{issue}:9:21: warning: this javascript: link is removed from the issue; link only to http://, https://, mailto: or tel: addresses, or to a page or file in the site [unsafe-html]",
         stream="stdout", nothing_written=False),
    Case("an iframe", issue('\n<iframe src="https://example.org/"></iframe>\n'), ("check",),
         0, "{issue}:9:1: warning: this <iframe> element is removed from the issue; a bulletin cannot embed other pages or media; link to them instead [unsafe-html]", stream="stdout", nothing_written=False),
    Case("a form", issue('\n<form action="https://example.org/"><input name="q"></form>\n'),
         ("check",), 0, "{issue}:9:1: warning: this <form> element is removed from the issue; a bulletin cannot hold a form; link to the form's own page instead [unsafe-html]", stream="stdout", nothing_written=False),
    Case("a style block", issue("\n<style>p { color: red }</style>\n"), ("check",), 0, "{issue}:9:1: warning: this <style> element is removed from the issue; the house style of the series sets the look of every issue [unsafe-html]",
         stream="stdout", nothing_written=False),
    Case("hidden text", issue('\n<span style="display:none">keywords</span> Text.\n'),
         ("check",), 0, '{issue}:9:1: warning: this hidden text (<span style="display:none">) is removed from the issue; text a reader cannot see could still be copied from the PDF or found by search engines; show it, or delete it [hidden-text]', stream="stdout", nothing_written=False),
    Case("publishing an issue with a script",
         {ISSUE: HEAD.replace("published", "draft") + "\n<script>alert(1)</script>\n"},
         ("publish", ISSUE), 1, "{issue}:9:1: warning: this <script> element is removed from the issue; bulletins cannot run scripts [unsafe-html]"),
    # Limits
    Case("quotes nested too deep", issue("\n" + "> " * 12 + "Deep.\n"), BUILD, 1, "{issue}:9: quotes nested 12 deep, one inside another; publisher allows at most 10; use fewer '>' at the start of the line"),
    Case("lists nested too deep",
         issue("\n" + "".join("    " * level + "- item\n" for level in range(12))), BUILD, 1,
         "{issue}:20: lists nested 12 deep, one inside another; publisher allows at most 10; indent the deepest items less"),
    Case("an issue larger than 1 MB", issue("\n" + "Words. " * 160_000 + "\n"), BUILD, 1,
         "{issue}: the file is 1.1 MB, more than the 1 MB an issue may be; if a picture is pasted into the text (an address starting 'data:'), save it as a file beside the issue and use its name; otherwise split the issue in two"),
    Case("a block file larger than 256 KB",
         {"blocks/quote/why-review.yml": "title: Why\n# " + "x" * 270_000 + "\nversions: []\n"},
         BUILD, 1, "blocks/quote/why-review.yml: the file is 264 KB, more than the 256 KB publisher reads in a file of settings or blocks; shorten it, or split it in two (a block into several blocks)"),
    Case("YAML nested too deep", front("keywords: " + "[" * 60 + "]" * 60 + "\n"), BUILD, 1,
         "{issue}:2: lists and keys are nested more than 40 deep here, one inside another; publisher reads at most that many levels; write them less deep"),
    Case("an image of too many pixels", issue("\n![A huge picture](huge.png)\n") | {
        "issues/bulletin/huge.png": huge_png()}, BUILD, 1, "{issue}:9: issues/bulletin/huge.png is 900 million pixels, more than the 50 million pixels an image may have; save it smaller (2,000 pixels across is plenty for a page)"),
    Case("a character the fonts lack", issue("\nA star: \u2605.\n"), BUILD, 0, "{issue}: warning: the character '★' (U+2605 BLACK STAR) is not in the fonts of this house style; it may print as an empty box or in a system font; use another character or add a font that has it",
         nothing_written=False),
    # Command line
    Case("an issue that does not exist", {}, ("build", "issues/bulletin/2099-01-issue-99.md"),
         2, "Error: Invalid value for ISSUES: 'issues/bulletin/2099-01-issue-99.md' does not exist here"),
    Case("an unknown option", {}, ("build", "--colour"), 2, "Error: No such option '--colour'."),
    Case("an output folder inside the sources", {}, ("build", "--output", "issues/out"), 2,
         "Error: the output folder SITE/issues/out overlaps the site's issues/ folder; write the output somewhere of its own, such as the site's output/ folder"),
    Case("a deny-list that cannot be read", {}, ("check", "--deny-list", "nowhere.txt"), 2,
         "Error: the deny-list nowhere.txt cannot be read (No such file or directory); give a text file with one name per line"),
    Case("a date for publish that is not a date", {}, ("publish", ISSUE, "--correction", "x",
                                                       "--date", "yesterday"), 2, "Error: Invalid value for --date: 'yesterday' is not a date; write it as YYYY-MM-DD, for example 2011-06-01"),
    Case("correcting an issue never published", {ISSUE: HEAD.replace("published", "draft")
                                                  + "\nText.\n"},
         ("publish", ISSUE, "--correction", "A typo."), 1, "Error: {issue} has not been published, so it has nothing to correct; publish it first: publisher publish {issue}"),
    # Issue 15: sizes, characters, names and links
    Case("a table of 50,000 rows", issue("\n# Audit\n\n| Theme | Finding |\n| --- | --- |\n"
                                         + "".join(f"| {n} | f{n} |\n" for n in range(50_000))),
         BUILD, 1, "{issue}:313: the text has 50,000 table rows, more than the 300 publisher lays out in an issue; publish a table that long as a spreadsheet and link to it, or shorten it"),
    Case("a list of 5,000 items", issue("\n" + "- item\n" * 5_000), BUILD, 1,
         "{issue}:1009: the text makes 5,000 paragraphs, headings, list items and other elements, more than the 1,000 publisher lays out in an issue; split it into two issues, or link to a document that holds the rest"),
    Case("a word of 20,000 characters", issue("\nA code: " + "x" * 20_000 + "\n"), BUILD, 1,
         "{issue}:9: the text has a word of 20,000 characters with no space in it, more than the 500 publisher lays out; break it with spaces, or, for a web address, link to a shorter one (the page that lists it, say)"),
    Case("a control character in the text", issue("\nA bell \x07 rings.\n"), BUILD, 1,
         '{issue}:9: the control character U+0007 BELL is not text and would break the archive\'s feeds; delete it (it comes with text pasted from some programs, or from a YAML escape such as "\\a" or "\\x01")'),
    Case("a control character written as a YAML escape", front('keywords: ["Bell\\a", "\\e[31m"]\n'),
         BUILD, 1, '{issue}:2: keywords > item 1: the control character U+0007 BELL is not text and would break the archive\'s feeds; delete it (it comes with text pasted from some programs, or from a YAML escape such as "\\a" or "\\x01")'),
    Case("a control character in a correction", {}, ("publish", ISSUE, "--correction", "A \x1b[31m typo."), 2,
         'Error: Invalid value for --correction: the control character U+001B ESCAPE is not text and would break the archive\'s feeds; delete it (it comes with text pasted from some programs, or from a YAML escape such as "\\a" or "\\x01")'),
    Case("a right-to-left override in the title", {ISSUE: HEAD.replace("Seeing the child", "Seeing \u202eeht child") + "\nText.\n"},
         ("check",), 0, "{issue}:2:15: warning: an invisible character, U+202E RIGHT-TO-LEFT OVERRIDE, is here; it shows the words after it in another order than they are read, so what readers see is not what is checked; delete it (it comes with text pasted from some programs) [invisible-character]",
         stream="stdout", nothing_written=False),
    Case("a zero-width space inside a name", issue("\nWe spoke to Jo\u200bhn.\n"), ("check",), 0,
         "{issue}:9:15: warning: an invisible character, U+200B ZERO WIDTH SPACE, is here; it can hide a word from search and from the deny-list; delete it (it comes with text pasted from some programs) [invisible-character]",
         stream="stdout", nothing_written=False),
    Case("a date in the year 1", {ISSUE: HEAD.replace("2024-03-01", "0001-03-01") + "\nText.\n"}, BUILD, 1,
         "{issue}:4: date: '0001-03-01' is not a date publisher takes: the year must be from 1900 to 2199; check the year"),
    Case("a title of 5,000 characters", {ISSUE: HEAD.replace("Seeing the child", "Seeing " * 714 + "it") + "\nText.\n"}, BUILD, 1,
         "{issue}:2: title: 5,000 characters is more than the 200 it may have; shorten it, and say the rest in the text"),
    Case("an issue file that is a link out of the site", {}, BUILD, 1,
         "issues/bulletin/2024-06-issue-8.md: leads outside the site, to /etc/hostname, through a symbolic link; publisher reads only files inside the site's folder, so copy the file into the site instead of linking to it",
         links={"issues/bulletin/2024-06-issue-8.md": "/etc/hostname"}),
    Case("a block file that is a link out of the site", {}, BUILD, 1,
         "blocks/quote/elsewhere.yml: leads outside the site, to /etc/hostname, through a symbolic link; publisher reads only files inside the site's folder, so copy the file into the site instead of linking to it",
         links={"blocks/quote/elsewhere.yml": "/etc/hostname"}),
    Case("a hidden series folder", {"issues/.secret/series.yml": "title: Secret\nkind: newsletter\n"
                                    "cadence: quarterly\nstyle: newsletter\nmasthead: News\n"}, BUILD, 1,
         "issues/.secret: a series folder cannot start with '.': such names are hidden, and publisher keeps them for its own files (output/.publisher); rename it"),
    Case("an issue named with # and ?", {"issues/bulletin/issue#8?.md": HEAD.replace("number: 7", "number: 8") + "\nText.\n"},
         BUILD, 1, "issues/bulletin/issue#8?.md: an issue's file cannot have '#' in its name: a web address reads it as the start of something else (a place in the page, a query or an escape), so links to it would break; rename it with letters, digits and hyphens"),
    Case("an output folder of someone else's files", {"elsewhere/index.html": "<p>My own page</p>\n"},
         ("build", "--output", "elsewhere"), 2, "Error: the output folder elsewhere already holds files that publisher did not write (it has no build record, .publisher/builds.json), and a build would overwrite its index.html and add its own files; build into a new or empty folder, or add --force to build there all the same"),
    Case("a file attached to the PDF from a block",
         {"blocks/findings/old-study.yml": "+    summary: Read [the form](form.pdf){rel=attachment}.\n"},
         ("check",), 1, 'blocks/findings/old-study.yml:12:39: error: a file cannot be attached to the PDF (rel="attachment"); link to it instead, so readers see what they open [attachment]',
         stream="stdout", nothing_written=False),
    Case("publishing an issue with a character the fonts lack",
         {ISSUE: HEAD.replace("published", "draft") + "\nA star: \u2605.\n"}, ("publish", ISSUE), 1,
         "{issue}:1:1: warning: the character '★' (U+2605 BLACK STAR) is not in the fonts of this house style; it may print as an empty box or in a system font; use another character or add a font that has it [missing-glyph]"),
    # Issue 15: SVG and image files
    Case("an SVG with a script", svg_image("<script>alert(1)</script>"), BUILD, 1, "{issue}:9: issues/bulletin/chart.svg:2: the SVG has a <script> element; a bulletin's images cannot run scripts; export the picture again without scripts (in Inkscape: Save As, Plain SVG) or save it as PNG"),
    Case("an SVG with an event handler", svg_image('<rect width="9" height="9" onclick="steal()"/>'), BUILD, 1, "{issue}:9: issues/bulletin/chart.svg:2: the SVG has an event handler (onclick on <rect>), which runs a script; a bulletin's images cannot run scripts; export the picture again without scripts (in Inkscape: Save As, Plain SVG) or save it as PNG"),
    Case("a javascript: link in an SVG", svg_image('<a href="javascript:alert(1)"><text>Go</text></a>'), BUILD, 1, "{issue}:9: issues/bulletin/chart.svg:2: the SVG has a javascript: address (href on <a>); a bulletin's images cannot run scripts; export the picture again without scripts (in Inkscape: Save As, Plain SVG) or save it as PNG"),
    Case("HTML inside an SVG", svg_image('<foreignObject width="9" height="9"><p xmlns="http://www.w3.org/1999/xhtml">Hi</p></foreignObject>'), BUILD, 1, "{issue}:9: issues/bulletin/chart.svg:2: the SVG has a <foreignObject> element (HTML inside the picture); a bulletin's images can hold only drawing and text; export the picture again with its text as SVG text (in Inkscape: Save As, Plain SVG) or save it as PNG"),
    Case("an SVG showing a file from the computer", svg_image('<image href="file:///etc/hostname" width="9" height="9"/>'), BUILD, 1, "{issue}:9: issues/bulletin/chart.svg:2: the SVG has a reference to file:///etc/hostname (href on <image>), a file outside the site; a page may use only files inside the site's own folders; put the file beside the SVG and refer to it by its name, or save the picture as PNG"),
    Case("an SVG showing a picture from the internet", svg_image('<image href="https://example.org/logo.png" width="9" height="9"/>'), BUILD, 1, "{issue}:9: issues/bulletin/chart.svg:2: the SVG has a reference to https://example.org/logo.png (href on <image>), an address on the internet; a page may use only files inside the site's own folders; save the file inside the site and refer to it by its name, or save the picture as PNG"),
    Case("an SVG showing a picture outside the site", svg_image('<image href="../../../secret.png" width="9" height="9"/>'), BUILD, 1, "{issue}:9: issues/bulletin/chart.svg:2: the SVG has a reference to ../../../secret.png (href on <image>), which is outside the site; a page may use only files inside the site's own folders; put the file beside the SVG and refer to it by its name, or save the picture as PNG"),
    Case("an SVG style loading from the internet", svg_image("<style>@import url(https://example.org/fonts.css);</style>"), BUILD, 1, "{issue}:9: issues/bulletin/chart.svg:2: the SVG has a reference to https://example.org/fonts.css (in <style>), an address on the internet; a page may use only files inside the site's own folders; save the file inside the site and refer to it by its name, or save the picture as PNG"),
    Case("an SVG declaring entities", issue("\n![A chart](chart.svg)\n") | {"issues/bulletin/chart.svg": '<?xml version="1.0"?>\n<!DOCTYPE svg [\n<!ENTITY lol "lol">\n<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n]>\n' + svg("<text>&lol2;</text>")}, BUILD, 1, "{issue}:9: issues/bulletin/chart.svg:3: the SVG declares entities in its DOCTYPE (<!ENTITY lol ...>); publisher does not expand entities, as a few lines of them can grow into gigabytes; export the picture again (in Inkscape: Save As, Plain SVG; in Illustrator: Export As, SVG) or save it as PNG"),
    Case("an SVG that is not well-formed", svg_image('<rect width="9" height="9">'), BUILD, 1, "{issue}:9: issues/bulletin/chart.svg:3: the SVG is not well-formed XML (mismatched tag, column 3); open it in a drawing program and save it again, or save it as PNG"),
    Case("a scripted SVG shown with HTML", issue('\n<p><img src="chart.svg" alt="A chart"></p>\n') | {"issues/bulletin/chart.svg": svg("<script>alert(1)</script>")}, BUILD, 1, "{issue}: issues/bulletin/chart.svg:2: the SVG has a <script> element; a bulletin's images cannot run scripts; export the picture again without scripts (in Inkscape: Save As, Plain SVG) or save it as PNG"),
    Case("checking an SVG with a script", svg_image("<script>alert(1)</script>"), ("check",), 1, "{issue}:9:12: error: issues/bulletin/chart.svg:2: the SVG has a <script> element; a bulletin's images cannot run scripts; export the picture again without scripts (in Inkscape: Save As, Plain SVG) or save it as PNG [bad-image]", stream="stdout"),
    Case("a text file named as a PNG", issue("\n![A chart](chart.png)\n") | {"issues/bulletin/chart.png": "Referrals rose by a third.\n"}, BUILD, 1, "{issue}:9: issues/bulletin/chart.png is not a PNG image (its content is not an image publisher can read); save or export it again as PNG, JPEG or SVG"),
    Case("a PNG named as an SVG", issue("\n![A chart](chart.svg)\n") | {"issues/bulletin/chart.svg": tiny_png()}, BUILD, 1, "{issue}:9: issues/bulletin/chart.svg is not an SVG image (its content is a PNG image); rename it chart.png, and use that name in the issue"),
    Case("an SVG named as a PNG", issue("\n![A chart](chart.png)\n") | {"issues/bulletin/chart.png": svg('<rect width="9" height="9"/>')}, BUILD, 1, "{issue}:9: issues/bulletin/chart.png is not a PNG image (its content is an SVG picture); rename it chart.svg, and use that name in the issue"),
    Case("an image cut short", issue("\n![A chart](chart.png)\n") | {"issues/bulletin/chart.png": tiny_png()[:-20]}, BUILD, 1, "{issue}:9: issues/bulletin/chart.png is damaged or cut short (its PNG data cannot be read to the end); save or export it again as PNG, JPEG or SVG"),
    Case("a file that is not an image", issue("\n![The minutes](minutes.html)\n") | {"issues/bulletin/minutes.html": "<p>The minutes.</p>\n"}, BUILD, 1, "{issue}:9: issues/bulletin/minutes.html is not an image publisher can use (a page shows PNG, JPEG, GIF, WebP and SVG images, named .png, .jpg, .jpeg, .gif, .webp or .svg); save or export it again as PNG, JPEG or SVG"),
    Case("silencing the bad-image error", front("silence: [bad-image]\n"), BUILD, 1, "{issue}:2: silence: 'bad-image' is an error, not a warning, and cannot be silenced: an image file the build refuses: not the image its name says, too big, outside the site, or an SVG with a script, an event handler, HTML or a reference outside the site"),
    # Issue 15: command line, serve and messages
    Case("an issue number below 1", {ISSUE: HEAD.replace("number: 7", "number: -3") + "\nText.\n"},
         BUILD, 1, "{issue}:3: number: -3 is not a positive whole number; issue numbers start at 1"),
    Case("an issue number of 0", {ISSUE: HEAD.replace("number: 7", "number: 0") + "\nText.\n"},
         BUILD, 1, "{issue}:3: number: 0 is not a positive whole number; issue numbers start at 1"),
    Case("a number of ten figures", {ISSUE: HEAD.replace("number: 7", "number: 1234567890")
                                     + "\nText.\n"}, BUILD, 1, "{issue}:3: number: 1234567890 has too many figures; publisher reads whole numbers of up to nine"),
    Case("a block's number below zero",
         {"blocks/findings/old-study.yml": "title: An old study\nversions:\n  - from: 2010-01-01\n"
          "    report: A study\n    publisher: A board\n    year: 2010\n    reviews: -5\n"
          "    sections:\n      - points: [Children were not seen.]\n"},
         BUILD, 1, "blocks/findings/old-study.yml:7: versions > item 1 > reviews: -5 is below zero; write a whole number, 0 or more"),
    Case("an issue of another site", {"../site2/issues/news/2024-01-issue-1.md": HEAD + "\nText.\n"},
         ("build", "../site2/issues/news/2024-01-issue-1.md"), 2, "Error: Invalid value for ISSUES: '../site2/issues/news/2024-01-issue-1.md' is not in this site's issues folder (SITE/issues); run publisher in its own site folder, or name that folder with --site"),
    Case("checking a file that is not in issues/", {}, ("check", "site.yml"), 2, "Error: Invalid value for PATHS: 'site.yml' is not in this site's issues folder (SITE/issues); name an issue's .md file or a series folder in it"),
    Case("a version a block of 5,000 versions lacks", issue("\n[[why-review | version: 9999]]\n") | {
        "blocks/quote/why-review.yml": many_versions(5000)}, BUILD, 1, "{issue}:9: [[why-review | version: 9999]]: block 'why-review' has no version 9999; its versions: 1 (from 2011-04-01), 2 (from 2011-04-02), … 4999 (from 2024-12-06), 5000 (from 2024-12-07) (5,000 versions)"),
    # Issue 15: verify, publish and the lock
    Case("an archive lock that is not JSON", {"archive-lock.json": lock('"format": 1,', '"format": 1')},
         VERIFY, 1, f"archive-lock.json:3: cannot be read: this is not valid JSON (expecting ',' delimiter, column 2); {RESTORE}"),
    Case("an archive lock that is not UTF-8", {"archive-lock.json": lock().encode("utf-16")},
         VERIFY, 1, f"archive-lock.json: cannot be read: it is not UTF-8 text; {RESTORE}"),
    Case("an archive lock nested too deep",
         {"archive-lock.json": '{"format": 1, "issues":\n' + "[" * 5000 + "]" * 5000 + "}"},
         VERIFY, 1, f"archive-lock.json:2: cannot be read: lists and maps are nested more than 100 deep here, one inside another, deeper than publisher ever writes; {RESTORE}"),
    Case("a size in the lock too large to be a number",
         {"archive-lock.json": lock('"bytes": 48213', '"bytes": 1e400')}, VERIFY, 1,
         f"{LOCKED} > outputs > html > bytes: 1e400 is not a whole number of bytes; {RESTORE}"),
    Case("a size in the lock that is a fraction",
         {"archive-lock.json": lock('"bytes": 48213', '"bytes": 48213.5')}, VERIFY, 1,
         f"{LOCKED} > outputs > html > bytes: 48213.5 is not a whole number of bytes; {RESTORE}"),
    Case("an edition number in the lock that is true",
         {"archive-lock.json": lock('"edition": 1', '"edition": true')}, ("publish", ISSUE), 1,
         f"{LOCKED} > edition: true is not an edition number; {RESTORE}"),
    Case("a digest in the lock that is not one",
         {"archive-lock.json": lock('"sha256": "sha256:' + "0" * 64, '"sha256": "sha256:abc')},
         VERIFY, 1, f"{LOCKED} > outputs > html > sha256: \"sha256:abc\" is not a digest ('sha256:' and 64 hexadecimal digits); {RESTORE}"),
    Case("a value missing from the lock",
         {"archive-lock.json": lock('"bytes": 48213,', "")}, ("build", "--frozen"), 1,
         f"{LOCKED} > outputs > html: 'bytes' is missing; {RESTORE}"),
    Case("a date in the lock that is not a date",
         {"archive-lock.json": lock('"recorded": "2024-03-01"', '"recorded": "2024-13-01"')},
         VERIFY, 1, f"{LOCKED} > recorded: \"2024-13-01\" is not a date written YYYY-MM-DD; {RESTORE}"),
    Case("an issue in the lock outside the site",
         {"archive-lock.json": lock(ISSUE, "../../etc/passwd.md")}, VERIFY, 1,
         f"archive-lock.json: cannot be read: issues > ../../etc/passwd.md: this is not the path of an issue's file from the site folder, such as issues/<series>/<issue>.md; {RESTORE}"),
    Case("an archive lock of a later format", {"archive-lock.json": lock('"format": 1', '"format": 2')},
         VERIFY, 1, f"archive-lock.json: cannot be read: format: 2 is not 1, the format this version of publisher reads; a newer publisher may have written it; {RESTORE}"),
    Case("a publication stopped before it was locked", {ISSUE: PUBLISHED, JOURNAL: journal()},
         ("check",), 0, "publisher: the publication of {issue} as edition 1 was stopped before it was locked; its file is back as it was before"),
    Case("a publication stopped, the file edited since", {ISSUE: PUBLISHED + "More.\n", JOURNAL: journal()},
         ("build", "--format", "html"), 0, "publisher: the publication of {issue} as edition 1 was stopped before it was locked, and its file has been changed since, so publisher left it as it is; check its status: and corrections: lines",
         nothing_written=False),
    Case("a publication stopped after it was locked", {ISSUE: PUBLISHED, JOURNAL: journal(), "archive-lock.json": lock()},
         ("check",), 0, "publisher: the publication of {issue} as edition 1 was stopped after it was locked in archive-lock.json: it is published"),
    Case("a damaged publication journal", {JOURNAL: journal()[:40]}, ("check",), 1,
         "Error: .publisher/publishing.json:3: cannot be read: this is not valid JSON (unterminated string starting at, column 11). publish writes this file while it publishes an issue, so one was stopped, and cannot be put right from it: make sure the issue you were publishing says nothing (a 'status: published', a corrections: entry) that archive-lock.json does not hold ('publisher verify' lists an issue that is not locked), then delete .publisher/publishing.json"),
    Case("a publication journal naming a file outside the site", {JOURNAL: journal("../../etc/hostname")},
         ("publish", ISSUE), 1, "Error: .publisher/publishing.json: cannot be read: issue: \"../../etc/hostname\" is not the path of an issue's file from the site folder. publish writes this file while it publishes an issue, so one was stopped, and cannot be put right from it: make sure the issue you were publishing says nothing (a 'status: published', a corrections: entry) that archive-lock.json does not hold ('publisher verify' lists an issue that is not locked), then delete .publisher/publishing.json"),
    Case("a correction note that is not UTF-8", {}, ("publish", ISSUE, "--correction", "Caf\udce9."), 2,
         "Error: Invalid value for --correction: the note is not UTF-8 text; set your terminal to UTF-8 and type it again"),
    # Issue 16: organisations, subtitles and partners
    Case("a subtitle of 300 characters", {ISSUE: HEAD.replace("title: Seeing the child\n", "title: Seeing the child\nsubtitle: " + "long " * 60 + "\n") + "\nText.\n"}, BUILD, 1, "{issue}:3: subtitle: 299 characters is more than the 200 it may have; shorten it, and say the rest in the text"),
    Case("a partner's logo that is not in styles/", front("partners:\n  - name: Rutland County Council\n    logo: logos/rcc.png\n"), BUILD, 1, "{issue}:4: partners > item 1 > logo: there is no styles/logos/rcc.png; put the image in the styles folder or correct the name"),
    Case("a partner's logo outside the styles folder", front("partners:\n  - name: Rutland County Council\n    logo: ../site.yml\n"), BUILD, 1, "{issue}:4: partners > item 1 > logo: styles/../site.yml is outside the styles folder; put the image in styles/ and name it from there, e.g. logos/board.svg"),
    Case("a partner's logo that is not an image", front("partners:\n  - name: Rutland County Council\n    logo: base.css\n"), BUILD, 1, "{issue}:4: partners > item 1 > logo: styles/base.css is not an image publisher can use; a logo is a PNG, JPEG, GIF, WebP or SVG file"),
    Case("a partner without a name", front("partners:\n  - logo: logos/rcc.png\n"), BUILD, 1, "{issue}:3: partners > item 1 > name: this required key is missing; add a line such as 'name: Rutland County Council'"),
    Case("a partner's logo described apart from its name", front("partners:\n  - name: Rutland County Council\n    logo: logos/rcc.png\n    alt: RCC\n"), BUILD, 1, "{issue}:5: partners > item 1 > alt: unknown key; a partner's name is its logo's alternative text, so 'name:' and 'logo:' are all it needs"),
    Case("a series' organisation written as one line", {"issues/bulletin/series.yml": "+organisation: Rutland Safeguarding Partnership\n"}, BUILD, 1, "issues/bulletin/series.yml:6: organisation: in series.yml this is a section, not a line; write the board's name under it, indented: 'organisation:', then '  name: Rutland Safeguarding Partnership'"),
    Case("an empty organisation section", {"issues/bulletin/series.yml": "+organisation:\n"}, BUILD, 1, "issues/bulletin/series.yml:6: organisation: is empty; write the board's settings under it, indented (name:, website:, logo:...), or remove the line"),
    Case("a board's logo that is not there", {"issues/bulletin/series.yml": "+organisation:\n  logo: logos/rutland.png\n"}, BUILD, 1, "issues/bulletin/series.yml:7: organisation > logo: there is no styles/logos/rutland.png; put the image in the styles folder or correct the name"),
    Case("a board's logo that is not the image its name says", {"issues/bulletin/series.yml": "+organisation:\n  logo: logos/rutland.png\n", "styles/logos/rutland.png": "Rutland\n"}, BUILD, 1, "issues/bulletin/series.yml:7: organisation > logo: styles/logos/rutland.png is not a PNG image (its content is not an image publisher can read); save or export it again as PNG, JPEG or SVG"),
    Case("a logo description without a logo", {"issues/bulletin/series.yml": "+organisation:\n  logo_description: An oak leaf\n"}, BUILD, 1, "issues/bulletin/series.yml:7: organisation > logo_description: describes a logo, and there is none here; add 'logo:' (an image file in styles/) or remove logo_description"),
    Case("brand colours under organisation:", {"issues/bulletin/series.yml": "+organisation:\n  name: Rutland Safeguarding Partnership\n  colours:\n    brand: \"#2d6a1f\"\n"}, BUILD, 1, "issues/bulletin/series.yml:8: organisation > colours: unknown key; a series' brand colours are set by 'colours:' at the top of series.yml, not under organisation:; move it there, without the indent"),
    Case("a board's website that is not a web address", {"issues/bulletin/series.yml": "+organisation:\n  website: rutland.gov.uk\n"}, BUILD, 1, "issues/bulletin/series.yml:7: organisation > website: 'rutland.gov.uk' is not a web address; write it in full, for example https://www.example.org.uk/"),
    Case("an accessibility contact with no email or phone", {"issues/bulletin/series.yml": "+organisation:\n  accessibility: {}\n"}, BUILD, 1, "issues/bulletin/series.yml:7: organisation > accessibility: give the board's 'email:' or 'phone:' (a team's) for requests for another format, or leave accessibility out to use site.yml's"),
    Case("a board's contacts block that does not exist", {"issues/bulletin/series.yml": "+organisation:\n  contacts: duty-teams\n"}, BUILD, 1, "issues/bulletin/series.yml:7: organisation > contacts: there is no block 'duty-teams'; did you mean 'duty-team'?"),
    Case("two boards whose names give one statement page",
         {"issues/bulletin/series.yml": "+organisation:\n  name: Rutland Board\n  accessibility:\n    email: board@rutland.example.gov.uk\n",
          "issues/other/series.yml": "title: Other\nkind: briefing\ncadence: occasional\nstyle: briefing\nmasthead: News\norganisation:\n  name: Rutland board\n  accessibility:\n    email: office@rutland.example.gov.uk\n"}, BUILD, 1,
         "issues/other/series.yml:6: organisation: its accessibility statement would be accessibility-rutland-board.html, as would that of the board of issues/bulletin/series.yml, whose name, website or accessibility contact differ; give the two series the same details if they are one board's (or, if they are two boards', names that differ in more than capitals and punctuation)"),
    Case("a site logo description without a logo", {"site.yml": "+logo_description: The board's crest\n"}, BUILD, 1, "site.yml:3: logo_description: describes a logo, and there is none here; add 'logo:' (an image file in styles/) or remove logo_description"),
    # Issue 16: footnotes, lists and checks
    Case("an issue dated before the issue numbered before it", {EARLIER: EARLIER_ISSUE}, ("check",), 0,
         f"{EARLIER}:4:1: warning: date: Issue 8 is dated March 2022, before Issue 7 (March 2024, {ISSUE}), though its number comes after; correct this date, Issue 7's date, or the numbers [issue-order]",
         stream="stdout", nothing_written=False),
    Case("building an issue dated before the issue numbered before it", {EARLIER: EARLIER_ISSUE}, ("build", "--format", "html"), 0,
         f"{EARLIER}:4:1: warning: date: Issue 8 is dated March 2022, before Issue 7 (March 2024, {ISSUE}), though its number comes after; correct this date, Issue 7's date, or the numbers [issue-order]",
         nothing_written=False),
    Case("the issue-order code misspelt", front("silence: [issue-ordr]\n"), ("check",), 1,
         "{issue}:2:1: error: silence: 'issue-ordr' is not the code of a warning; did you mean 'issue-order'? [silence]",
         stream="stdout"),
    Case("checking the block library", {}, ("check", "blocks"), 2,
         "Error: Invalid value for PATHS: 'blocks' is the block library, not a series folder; give a series folder (issues/bulletin) or an issue's .md file, or no PATHS to check the whole site, blocks included"),
    Case("checking the site's folder", {}, ("check", "."), 2,
         "Error: Invalid value for PATHS: '.' is the site's folder, not a series folder; give a series folder (issues/bulletin) or an issue's .md file, or no PATHS to check the whole site, blocks included"),
    Case("checking a folder of other files", {"drafts/notes.txt": "Ideas for issue 8.\n"}, ("check", "drafts"), 2,
         "Error: Invalid value for PATHS: 'drafts' is not a series folder; give a series folder (issues/bulletin) or an issue's .md file, or no PATHS to check the whole site, blocks included"),
    # Issue 16: the seven-minute style
    Case("a seven-minute briefing that runs past its pages", TOO_LONG, BUILD, 0, "{issue}: warning: the box 'Where to find more' runs onto page 3, past the 2 pages its house style allows: the issue is about 89 mm (16 lines) too long; shorten it, or the boxes before it, by that much", nothing_written=False),
    Case("publishing a seven-minute briefing that runs past its pages", TOO_LONG, ("publish", ISSUE), 1, "{issue}:1:1: warning: the box 'Where to find more' runs onto page 3, past the 2 pages its house style allows: the issue is about 89 mm (16 lines) too long; shorten it, or the boxes before it, by that much [overflow]"),
    Case("a box of a seven-minute briefing taller than a page", briefing(("What happened", 60), ("Why it matters", 2)), BUILD, 0, "{issue}: warning: the box 'What happened' is taller than a page, so 363 mm (64 lines) of it is cut off at the foot of page 2; shorten it, or make it two boxes, each with a heading", nothing_written=False),
    Case("a page budget that is not a number", SEVEN_MINUTE | {"templates/seven-minute/style.yml": "pages: two\n"}, BUILD, 1, "templates/seven-minute/style.yml:1: pages: 'two' is not a whole number; write it in figures, for example 3"),
    Case("a page budget of no pages", SEVEN_MINUTE | {"templates/seven-minute/style.yml": "pages: 0\n"}, BUILD, 1, "templates/seven-minute/style.yml:1: pages: 0 is not a positive whole number; write 1 or more"),
    # Issue 20: Word documents
    Case("importing a text file named .docx", {"article.docx": "Dear all, here is my article.\n"}, ("import", "article.docx", "bulletin"), 2,
         "Error: Invalid value for FILE: article.docx is not a Word document (.docx); in Word, save it with File > Save As > Word Document"),
    Case("importing a password-protected document", {"article.docx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)}, ("import", "article.docx", "bulletin"), 2,
         "Error: Invalid value for FILE: article.docx is password-protected, or a Word 97-2003 .doc: remove the password, or save it as a Word Document (.docx), and try again"),
    Case("importing an empty file", {"article.docx": ""}, ("import", "article.docx", "bulletin"), 2,
         "Error: Invalid value for FILE: article.docx is empty; give a Word document (.docx)"),
    Case("importing a zip that is not a Word document", {"article.docx": ZIP_OF_NOTES}, ("import", "article.docx", "bulletin"), 2,
         "Error: Invalid value for FILE: article.docx is a zip file but not a Word document (it has no word/document.xml); save it from Word as a .docx"),
    Case("importing a damaged document", {"article.docx": b"PK\x03\x04 and then nothing a zip holds"}, ("import", "article.docx", "bulletin"), 2,
         "Error: Invalid value for FILE: article.docx is damaged: it is not a readable .docx; open it in Word and save it again"),
    Case("importing a Word 97-2003 .doc", {"article.doc": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)}, ("import", "article.doc", "bulletin"), 2,
         "Error: Invalid value for FILE: article.doc is not a .docx file; in Word, save it with File > Save As > Word Document"),
    Case("importing into a series that does not exist", {}, ("import", "article.docx", "bulletn"), 2,
         "Error: Invalid value for SERIES: there is no series 'bulletn'; did you mean 'bulletin'?"),
    Case("importing a document that is not there", {}, ("import", "artcle.docx", "bulletin"), 2,
         "Error: Invalid value for FILE: artcle.docx does not exist"),
    Case("importing into a published issue", {"article.docx": ZIP_OF_NOTES}, ("import", "article.docx", "--into", ISSUE), 2,
         "Error: Invalid value for --into: {issue} is published; an article can only be added to a draft (a published issue changes by a correction)"),
    Case("importing with neither a series nor --into", {}, ("import", "article.docx"), 2,
         "Error: give the SERIES to start a new issue in, or --into ISSUE to add the document to a draft, not both"),
]


def catalogue_markdown() -> str:
    """docs/bad-input.md: every case, for users."""
    lines = [
        "# What publisher says about bad input",
        "",
        "Every mistake gets one line naming the file (and the line, where there is one), what",
        "is wrong and what to do; never a traceback, and nothing is written. Here is what",
        "publisher says for each of the mistakes the tests make on purpose (`ISSUE` is the",
        "issue's file, `SITE` the site's folder), with the exit code: **1** for a problem in",
        "the content, **2** for a mistake on the command line. Raw HTML that a bulletin",
        "cannot carry (scripts, forms, hidden text...) is removed from the issue with a warning",
        "(exit 0 for `check`; `publish` refuses any warning).",
        "",
        "This list is made from `tests/bad_inputs.py` (run `.venv/bin/python",
        "tests/bad_inputs.py > docs/bad-input.md` after changing it); a test checks that the",
        "two agree and that each message is what publisher really says.",
        "",
        "| mistake | command | exit | what publisher says |",
        "| --- | --- | --- | --- |",
    ]
    for case in CASES:
        message = case.expected.replace("{issue}", "ISSUE").replace("|", "\\|")
        command = "publisher " + " ".join(case.args).replace(ISSUE, "ISSUE")
        # A byte that is not UTF-8, as a terminal would send it, shown as its escape.
        command = command.encode("utf-8", "backslashreplace").decode("utf-8")
        lines.append(f"| {case.name} | `{command}` | {case.exit_code} | {message} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(catalogue_markdown(), end="")
