"""YAML is read as text, with the line of every key."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from publisher.limits import MAX_YAML_DEPTH
from publisher.yamldoc import parse_mapping, read_text


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


def test_aliases_are_refused_where_they_are_used():
    document, problem = parse_mapping("a: &x [1, 2]\nc: 3\nb: *x\n", "f.yml")
    assert document is None
    assert (problem.line, problem.message) == (
        3, "anchors and aliases ('&name', '*name') are not supported; write the value out "
        "in full")


def test_a_key_given_twice_is_an_error_on_its_second_line():
    document, problem = parse_mapping("title: A\nversions:\n  - from: x\n    from: y\n", "f.yml")
    assert document is None
    assert (problem.line, problem.message) == (
        4, "from: this key is given twice (first on line 3); keep one")


def test_a_tab_is_an_error_on_its_line():
    document, problem = parse_mapping("title: A\n\tnumber: 8\n", "f.yml", first_line=2)
    assert document is None
    assert (problem.line, problem.message) == (
        3, "this is not valid YAML: a tab is used to indent; indent with spaces instead")
    # libyaml names the tab only where a key's indentation is expected; elsewhere it says
    # only "found character that cannot start any token", and the tab is found by looking.
    document, problem = parse_mapping("title: A\nversions:\n\t- from: x\n", "f.yml")
    assert document is None
    assert (problem.line, problem.message) == (
        3, "this is not valid YAML: a tab is used to indent; indent with spaces instead")


@pytest.mark.parametrize("text, line", [
    ("a: " + "[" * 10_000 + "]" * 10_000, 1),
    ("a: " + "{b: " * 10_000 + "x" + "}" * 10_000, 1),
    ("a: " + "[" * 200_000, 1),  # unclosed, and deep enough to crash libyaml's composer
    ("a:\n  " + "- " * 200_000 + "x", 2),
    ("a:\n" + "".join(f"{'  ' * n}k{n}:\n" for n in range(1, 60)), 41),
    ("x: 1\n" * 3 + "a: [" + "{b: [" * 30 + "]}" * 30 + "]", 4),
])
def test_deep_nesting_is_a_problem_found_quickly_not_a_crash(text, line):
    started = time.perf_counter()
    document, problem = parse_mapping(text, "f.yml")
    assert time.perf_counter() - started < 1
    assert document is None
    assert (problem.line, problem.message) == (
        line, f"lists and keys are nested more than {MAX_YAML_DEPTH} deep here, one inside "
        "another; publisher reads at most that many levels; write them less deep")


def test_nesting_up_to_the_cap_is_read():
    text = "a: " + "[" * (MAX_YAML_DEPTH - 1) + "x" + "]" * (MAX_YAML_DEPTH - 1)
    document, problem = parse_mapping(text, "f.yml")
    assert problem is None
    value = document.data["a"]
    for _ in range(MAX_YAML_DEPTH - 2):
        value = value[0]
    assert value == ["x"]


def test_read_text_stops_at_its_limit(tmp_path):
    path = tmp_path / "big.yml"
    path.write_bytes(b"a: b\n" * 1000)
    text, problem = read_text(path, "big.yml", limit=5000)
    assert problem is None and text == "a: b\n" * 1000
    text, problem = read_text(path, "big.yml", limit=4999)
    assert text is None
    assert str(problem) == ("big.yml: the file is 5 KB, more than the 5 KB publisher reads "
                            "in a file of settings or blocks; shorten it, or split it in two "
                            "(a block into several blocks)")
