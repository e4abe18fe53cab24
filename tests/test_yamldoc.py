"""YAML is read as text, with the line of every key."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from publisher.yamldoc import parse_mapping


def test_every_scalar_stays_text():
    document, problem = parse_mapping("a: No\nb: 2011-06-01\nc: 3\nd: ~\ne: [on, 1.5]\n", "f.md")
    assert problem is None
    assert document.data == {"a": "No", "b": "2011-06-01", "c": "3", "d": "~",
                             "e": ["on", "1.5"]}


def test_lines_are_counted_from_the_first_line_given():
    document, _ = parse_mapping("title: A\nkeywords:\n  - x\n  - y\n", "f.md", first_line=2)
    assert document.line_of(("title",)) == 2
    assert document.line_of(("keywords", 1)) == 5
    assert document.line_of(("missing",)) == 2


def test_a_billion_laughs_is_refused_without_expanding():
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(20))
    document, problem = parse_mapping(laughs, "f.md")
    assert document is None
    assert problem.line == 2
    assert "aliases" in problem.message


@given(st.text(max_size=200))
def test_any_text_gives_a_document_or_a_problem_never_an_exception(text):
    document, problem = parse_mapping(text, "f.md")
    assert (document is None) != (problem is None)
    if problem is not None:
        assert problem.path == "f.md"
        assert problem.message
