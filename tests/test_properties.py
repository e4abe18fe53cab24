"""Whatever an issue or a block file says, the pipeline up to HTML either builds it or
refuses it with a PublisherError (one line for the user); it never fails otherwise, and a
refused issue leaves no file behind."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publisher.build import build
from publisher.errors import PublisherError

from conftest import make_site

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
            build(site, formats=("html",), output_folder=output, force=True)
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
            build(site, formats=("html",), output_folder=output, force=True)
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
