"""Every bad input in the catalogue (tests/bad_inputs.py) gets exactly its message and exit
code, no traceback, and nothing written."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from bad_inputs import CASES, ISSUE, Case, catalogue_markdown
from click.testing import CliRunner

from publisher.cli import cli

from conftest import PROJECT, make_site


def with_case(site: Path, case: Case) -> Path:
    for relative, content in case.files.items():
        path = site / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if content is None:
            path.unlink()
        elif isinstance(content, bytes):
            path.write_bytes(content)
        elif content.startswith("+"):
            path.write_text(path.read_text() + content[1:])
        else:
            path.write_text(content)
    for relative, target in case.links.items():
        os.symlink(target, site / relative)
    return site


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_bad_input_gets_its_message_and_exit_code(tmp_path, monkeypatch, case):
    site = with_case(make_site(tmp_path / "site"), case)
    monkeypatch.chdir(site)
    result = CliRunner().invoke(cli, list(case.args), prog_name="publisher")
    said = (result.stderr if case.stream == "stderr" else result.stdout)
    said = said.replace(str(site.resolve()), "SITE")
    assert result.exit_code == case.exit_code, said
    assert case.expected.replace("{issue}", ISSUE) in said.splitlines(), said
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception,
                                                                      SystemExit)
    if case.nothing_written:
        assert not (site / "output").exists()


def test_the_catalogue_has_at_least_forty_cases():
    assert len(CASES) >= 40
    assert len({case.name for case in CASES}) == len(CASES)


def test_the_users_list_is_the_catalogue():
    assert (PROJECT / "docs/bad-input.md").read_text() == catalogue_markdown()
