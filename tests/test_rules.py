"""The registry of check rules (publisher/rules.py): every code publisher reports is a rule,
each rule is in the README's and the writers' guide's tables, and each checker reports
only the codes it registered."""

from __future__ import annotations

import re

import pytest
from bad_inputs import CASES

from publisher import rules
from publisher.checks import check_page
from publisher.config import read_site
from publisher.personal_data import DenyList
from publisher.rules import CHECKERS, RULES, checker
from publisher.sources import read_issues

from conftest import PROJECT, make_site


@pytest.mark.parametrize("document", ["README.md", "docs/writing-an-issue.md"])
def test_every_rule_has_a_row_in_the_documents(document):
    text = (PROJECT / document).read_text()
    missing = [code for code in RULES if f"| `{code}` |" not in text]
    assert not missing, f"{document} has no row for {missing}"


@pytest.mark.parametrize("document", ["README.md", "docs/writing-an-issue.md"])
def test_the_documents_tables_of_codes_list_only_rules(document):
    tables = re.findall(r"^\| code \|.*\n((?:\|.*\n)+)", (PROJECT / document).read_text(),
                        re.MULTILINE)
    codes = [row for table in tables for row in re.findall(r"^\| `([^`]+)` \|", table,
                                                           re.MULTILINE)]
    assert len(tables) >= 2 and sorted(codes) == sorted(RULES)


def test_every_code_the_catalogue_shows_is_a_rule():
    shown = {match[1] for case in CASES
             if (match := re.search(r" \[([a-z-]+)\]$", case.expected))}
    assert shown and shown <= set(RULES)


def test_every_warning_found_in_the_sources_has_a_checker():
    found = {code for registered in CHECKERS for code in registered.codes}
    unfound = [rule.code for rule in RULES.values()
               if rule.severity == "warning" and rule.scope != "layout" and rule.code not in found]
    assert not unfound


def test_a_warning_may_be_silenced_and_an_error_not():
    assert RULES["date-cadence"].silenceable
    assert not RULES["missing-alt"].silenceable
    assert set(rules.WARNINGS) | set(rules.ERRORS) == set(RULES)


def test_a_checker_with_a_code_no_rule_has_is_refused():
    with pytest.raises(ValueError, match="no rule has the code not-a-rule"):
        checker("not-a-rule", on=("issue",))


def test_a_checker_reporting_a_code_it_did_not_register_is_caught(tmp_path, monkeypatch):
    site, _ = read_site(make_site(tmp_path / "site"))
    issue = read_issues(site)[0][0]

    def wrong(text):
        yield text.warning(1, 1, "heading-skip", "reported under another checker's code")

    monkeypatch.setattr(rules, "CHECKERS", [])
    monkeypatch.setattr("publisher.checks.CHECKERS", rules.CHECKERS)
    checker("link-text", on=("issue",))(wrong)
    with pytest.raises(AssertionError, match="'heading-skip', not one of its codes"):
        check_page(site, issue, None, DenyList())
