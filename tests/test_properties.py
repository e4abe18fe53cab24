"""Whatever an issue or a block file says, the pipeline up to HTML either builds it or
refuses it with a PublisherError (one line for the user); it never fails otherwise, and a
refused issue leaves no file behind."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publisher.build import BuildOptions, build
from publisher.errors import PublisherError
from publisher.formats import chosen
from publisher.svg import MAX_PROBLEMS, site_files, svg_problems

from conftest import make_site, tiny_png

ISSUE = Path("issues/bulletin/2024-03-issue-7.md")
BLOCK = Path("blocks/contacts/duty-team.yml")
PAGE = Path("bulletin/2024-03-issue-7.html")
#: Characters that mean something to YAML, Markdown or HTML, and some that are just odd.
SIGNIFICANT = [*":-#[]{}|>*&!%@`'\"\t\n\r\\<>/=_~^$", "\u00a0", "\ufeff", "\u202e", "\x00",
               "\x0c", "é", "ŵ", "😀"]
text = st.text(alphabet=st.one_of(st.sampled_from(SIGNIFICANT), st.characters()), max_size=60)
PROFILE = settings(max_examples=40, deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_site(tmp_path_factory.mktemp("properties") / "site")


@st.composite
def mutated(draw: st.DrawFn, original: str) -> str:
    """`original` with a few slices replaced by random text, deleted or repeated."""
    result = original
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(result)))
        end = draw(st.integers(start, min(len(result), start + 40)))
        action = draw(st.sampled_from(["replace", "delete", "repeat"]))
        middle = {"replace": draw(text), "delete": "",
                  "repeat": result[start:end] * draw(st.integers(2, 5))}[action]
        result = result[:start] + middle + result[end:]
    return result


def build_once(site: Path, path: Path, content: str | bytes) -> None:
    """Build the site as HTML with `path` holding `content`; check the outcome's promise."""
    target = site / path
    original = target.read_bytes()
    target.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8",
                                                                                  "surrogatepass"))
    output = Path(tempfile.mkdtemp(prefix="publisher-property-"))
    try:
        try:
            build(site, options=BuildOptions(chosen("html"), output, force=True))
        except PublisherError:
            assert not (output / PAGE).exists(), "a refused issue left its page behind"
            assert not any(output.rglob("*.tmp"))
        else:
            assert (output / PAGE).is_file(), "a build that succeeded wrote no page"
    finally:
        target.write_bytes(original)
        shutil.rmtree(output)


@pytest.mark.parametrize("path", [ISSUE, BLOCK], ids=["issue", "block file"])
@PROFILE
@given(data=st.data())
def test_mutated_issues_and_block_files_build_or_are_refused_cleanly(site, path, data):
    original = (site / path).read_text()
    build_once(site, path, data.draw(mutated(original)))


@PROFILE
@given(title=text, number=text, date=text, summary=text, status=text, extra=text)
def test_random_front_matter_values_build_or_are_refused_cleanly(site, title, number, date,
                                                                 summary, status, extra):
    issue = (f"---\ntitle: {title}\nnumber: {number}\ndate: {date}\nstatus: {status}\n"
             f"summary: {summary}\n{extra}\n---\n\n# A heading\n\nText.\n")
    build_once(site, ISSUE, issue)


@PROFILE
@given(body=st.lists(st.one_of(text, st.sampled_from([
    "> ", "- ", "1. ", "# ", "```", "[[duty-team]]", "[[duty-team | compact]]", "![](x.png)",
    "<div>", "</div>", "<script>", "<!--", "-->", "| a | b |\n|---|---|", "[^1]", "[link](",
    "{.panel}", "\n\n"])), max_size=30))
def test_random_markdown_bodies_build_or_are_refused_cleanly(site, body):
    head = (site / ISSUE).read_text().split("---\n", 2)
    build_once(site, ISSUE, f"---\n{head[1]}---\n" + "".join(body))


@PROFILE
@given(raw=st.binary(max_size=200))
def test_random_bytes_as_an_issue_are_refused_cleanly(site, raw):
    build_once(site, ISSUE, b"---\n" + raw)


#: Characters that are not text, or cannot be seen, and YAML's escapes for them.
CONTROLS = [chr(code) for code in [*range(0, 9), 11, 12, *range(14, 32), *range(127, 160)]]
INVISIBLE = ["\u202a", "\u202b", "\u202d", "\u202e", "\u2066", "\u2069", "\u200b", "\u2060",
             "\ufeff", "\u200e", "\u200f", "\u200d"]
ESCAPES = ["\\a", "\\b", "\\e", "\\0", "\\x01", "\\x1b", "\\x7f", "\\x85", "\\u202e",
           "\\u200b", "\\uFFFE", "\\t", "\\n", "\\\\", '\\"', "\\N", "\\_", "\\L"]
quoted = st.lists(st.one_of(st.sampled_from(ESCAPES), st.sampled_from(INVISIBLE),
                            st.text(alphabet="abc é", max_size=5)), max_size=8).map("".join)
raw = st.text(alphabet=st.one_of(st.sampled_from(CONTROLS + INVISIBLE),
                                 st.sampled_from("abc é:-")), max_size=20)


@PROFILE
@given(title=quoted, summary=raw, keyword=quoted, body=raw)
def test_control_and_invisible_characters_never_reach_a_feed(site, title, summary, keyword,
                                                             body):
    """Written raw or as YAML escapes, in the front matter or the body: the issue is refused
    with a PublisherError, or built with feeds that are well-formed XML and pages without a
    control character."""
    from xml.etree import ElementTree

    issue = (f'---\ntitle: "A {title}"\nnumber: 7\ndate: 2024-03-01\nstatus: published\n'
             f"summary: A {summary}\nkeywords: [\"{keyword}\"]\n---\n\n# A heading\n\n"
             f"Text {body}.\n")
    target = site / ISSUE
    original = target.read_bytes()
    target.write_text(issue, encoding="utf-8")
    output = Path(tempfile.mkdtemp(prefix="publisher-property-"))
    try:
        try:
            build(site, options=BuildOptions(chosen("html"), output, force=True))
        except PublisherError:
            assert not (output / PAGE).exists()
        else:
            for feed in output.rglob("feed.xml"):
                ElementTree.parse(feed)  # raises on a character XML forbids
            page = (output / PAGE).read_text(encoding="utf-8")
            assert not any(character in page for character in CONTROLS)
    finally:
        target.write_bytes(original)
        shutil.rmtree(output)


# SVG pictures: whatever an issue's SVG holds, the build copies it only if it is a plain
# picture; a script, an event handler or a reference out of the site never reaches the output.

SVG = Path("issues/bulletin/chart.svg")
OPEN = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'width="40" height="30">\n')
PROLOGUES = ["", '<?xml version="1.0" encoding="UTF-8"?>\n', "\ufeff",
             '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
             '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n',
             '<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>\n',
             '<!DOCTYPE svg [<!ENTITY s SYSTEM "file:///etc/hostname">]>\n',
             '<?xml-stylesheet type="text/xsl" href="x.xsl"?>\n',
             '<?xml-stylesheet type="text/css" href="https://example.org/a.css"?>\n']
PLAIN_PARTS = [
    '<rect width="3" height="4" fill="url(#g)" transform="rotate(3)"/>',
    '<linearGradient id="g"><stop offset="0" stop-color="#14506e"/></linearGradient>',
    '<text x="1" y="9">Referrals &amp; reviews</text>', "<!-- a comment -->",
    '<a href="https://example.org/"><text>the report</text></a>', '<use href="#g"/>',
    '<image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>',
    '<image xlink:href="photo.png" width="3" height="3"/>',
    "<style>rect { fill: url(#g) } /* a comment */</style>", "<![CDATA[ x < y ]]>",
]
HOSTILE_PARTS = [
    "<script>alert(1)</script>", '<svg:script xmlns:svg="http://www.w3.org/2000/svg"/>',
    '<rect onload="alert(1)"/>', '<g onclick="steal()"><rect/></g>', '<rect ONMOUSEOVER="x"/>',
    '<foreignObject><p xmlns="http://www.w3.org/1999/xhtml">Hi</p></foreignObject>',
    '<iframe src="https://example.org/"/>', '<embed src="x.swf"/>',
    '<a href="javascript:alert(1)"><text>x</text></a>', '<a href=" jav&#x09;ascript:x"/>',
    '<a xlink:href="data:text/html;base64,PHNjcmlwdD4="/>', '<a href="vbscript:x"/>',
    '<image href="file:///etc/hostname"/>', '<image xlink:href="https://example.org/a.png"/>',
    '<image href="//example.org/a.png"/>', '<image href="/etc/hostname"/>',
    '<image href="../../../../../../etc/hostname"/>', '<feImage href="C:\\secret.png"/>',
    '<use href="https://example.org/icons.svg#i"/>', '<g xml:base="file:///etc/"><use/></g>',
    "<style>@import url(https://example.org/a.css);</style>",
    "<style>@import 'file:///etc/a.css';</style>",
    "<style>rect { fill: \\75 rl(https://example.org/a.svg#g) }</style>",
    '<rect style="fill: url(http://example.org/a.svg#g)"/>',
    '<rect filter="url(file:///etc/f.svg#f)"/>',
    '<a href="#x"><set attributeName="href" to="javascript:alert(1)"/></a>',
    '<animate attributeName="onclick" to="alert(1)"/>',
    '<image href="data:image/svg+xml,%3Csvg%20xmlns%3D%22http://www.w3.org/2000/svg%22%20'
    'onload%3D%22alert(1)%22/%3E"/>',
    "<text>&b;</text>", "<text>&s;</text>", "<text>&undefined;</text>",
]


@st.composite
def svg_documents(draw: st.DrawFn) -> bytes:
    """An SVG document of plain and hostile parts, maybe mutated; or random bytes."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=300))
    parts = draw(st.permutations([*draw(st.lists(st.sampled_from(PLAIN_PARTS), max_size=5)),
                                  *draw(st.lists(st.sampled_from(HOSTILE_PARTS), max_size=2))]))
    document = draw(st.sampled_from(PROLOGUES)) + OPEN + "\n".join(parts) + "\n</svg>\n"
    if draw(st.booleans()):
        document = draw(mutated(document))
    return document.encode("utf-8", "surrogatepass")


def harmless(data: bytes, folder: Path) -> bool:
    """Whether an SVG in `folder` holds no entity, script, event handler or reference out of
    the folder's site: read with minidom, apart from the reader the build uses."""
    from xml.dom import minidom

    document = minidom.parseString(data)
    if document.doctype is not None and document.doctype.entities.length:
        return False
    return all(_harmless_element(element, folder)
               for element in document.getElementsByTagName("*"))


def _harmless_element(element: Any, folder: Path) -> bool:
    tag = element.localName.lower()
    if tag in {"script", "handler", "foreignobject", "iframe", "embed", "object"}:
        return False
    values = []
    for index in range(element.attributes.length):
        attribute = element.attributes.item(index)
        local, namespace = attribute.localName.lower(), attribute.namespaceURI
        address = "".join(attribute.value.split()).lower()
        values.append(attribute.value)
        if (local.startswith("on") and not namespace) or local == "base":
            return False
        if local == "attributename" and (address.split(":")[-1] in ("href", "base")
                                         or address.startswith("on")):
            return False
        if local in ("href", "src") and not _harmless_address(address, folder, tag == "a"):
            return False
    if tag == "style":
        values += [node.data for node in element.childNodes
                   if node.nodeType in (node.TEXT_NODE, node.CDATA_SECTION_NODE)]
    css = re.sub(r"\\([0-9a-f]{1,6})\s?", lambda code: chr(int(code[1], 16) or 0xFFFD),
                 " ".join(values).lower())
    css = re.sub(r"\\(.)", r"\1", css)
    return "@import" not in css and all(
        _harmless_address(url.strip("'\" "), folder, link=False)
        for url in re.findall(r"url\(([^)]*)", css))


def _harmless_address(address: str, folder: Path, link: bool) -> bool:
    if address.startswith(("javascript:", "vbscript:", "file:", "/", "\\", "c:")):
        return False
    if address.startswith("data:"):
        return address.startswith("data:image/")
    if address.startswith(("http:", "https:", "//")):
        return link
    return link or ":" in address or os.path.normpath(folder / address).startswith(
        str(folder.parent.parent))


@pytest.fixture(scope="module")
def svg_site(site: Path) -> Path:
    (site / "issues/bulletin/photo.png").write_bytes(tiny_png())
    return site


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(picture=svg_documents())
def test_the_svg_reader_never_fails_and_passes_only_plain_pictures(svg_site, picture):
    folder = svg_site / SVG.parent
    problems = svg_problems(picture, site_files(folder, svg_site))
    assert all(problem.text for problem in problems)
    assert len(problems) <= MAX_PROBLEMS + 1
    if not problems:
        assert harmless(picture, folder), picture


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(picture=svg_documents())
def test_an_svg_image_is_copied_only_when_it_is_a_plain_picture(svg_site, picture):
    issue = svg_site / ISSUE
    original = issue.read_text()
    issue.write_text(original + "\n![A chart](chart.svg)\n")
    (svg_site / SVG).write_bytes(picture)
    output = Path(tempfile.mkdtemp(prefix="publisher-property-"))
    try:
        build(svg_site, options=BuildOptions(chosen("html"), output, force=True))
    except PublisherError:
        assert not (output / PAGE).exists(), "a refused issue left its page behind"
        assert not (output / "bulletin/chart.svg").exists()
    else:
        copied = (output / "bulletin/chart.svg").read_bytes()
        assert copied == picture
        assert harmless(copied, svg_site / SVG.parent), copied
    finally:
        issue.write_text(original)
        (svg_site / SVG).unlink()
        shutil.rmtree(output)


@pytest.mark.parametrize("part", HOSTILE_PARTS)
def test_each_hostile_part_alone_is_refused_and_the_plain_ones_pass(svg_site, part):
    folder = svg_site / SVG.parent
    plain = (OPEN + "\n".join(PLAIN_PARTS) + "\n</svg>\n").encode()
    declared = {"&b;": PROLOGUES[4], "&s;": PROLOGUES[5]}
    prologue = next((text for entity, text in declared.items() if entity in part), "")
    hostile = (prologue + OPEN + part + "\n</svg>\n").encode()
    assert svg_problems(plain, site_files(folder, svg_site)) == [] and harmless(plain, folder)
    assert svg_problems(hostile, site_files(folder, svg_site)) != []
    if "&undefined;" not in part and "image/svg+xml" not in part:  # the checker's blind spots
        assert not harmless(hostile, folder), "the property test's checker misses this"
