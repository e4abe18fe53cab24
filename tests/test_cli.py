"""The command line: help, exit codes, and no tracebacks unless --debug asks for one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from publisher import build as build_module
from publisher.cli import cli

from conftest import PROJECT


def test_help_lists_the_commands_with_examples():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert re.search(r"^  build +Build issues into PDF and HTML\.$", result.output, re.M)
    assert re.search(r"^  blocks +List the block library, and what uses each block\.$",
                     result.output, re.M)
    build_help = CliRunner().invoke(cli, ["build", "--help"]).output
    assert "Examples:" in build_help
    assert "--format [all|html|pdf]" in build_help


def test_every_command_is_in_the_readme():
    readme = (PROJECT / "README.md").read_text()
    for name in cli.list_commands(None):  # type: ignore[arg-type]
        assert f"publisher {name}" in readme


def test_an_unknown_option_is_bad_usage(site, run):
    result = run("build", "--colour", cwd=site)
    assert result.exit_code == 2
    assert "Error: No such option '--colour'." in result.stderr


def test_our_own_bug_is_one_line_without_debug(site, run, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the renderer fell over")

    monkeypatch.setattr(build_module, "read_site", broken)
    result = CliRunner().invoke(cli, ["--site", str(site), "build"])
    assert result.exit_code == 1
    assert result.stderr == (
        "publisher: something went wrong inside publisher (RuntimeError: the renderer fell "
        "over). This is our bug, not yours: please report it, with the output of the same "
        "command run again with --debug.\n")
    with pytest.raises(RuntimeError, match="the renderer fell over"):
        CliRunner().invoke(cli, ["--debug", "--site", str(site), "build"],
                           catch_exceptions=False)


def test_a_template_error_names_the_template_and_line(site, run):
    template = site / "templates/newsletter/issue.html"
    lines = template.read_text().splitlines()
    line = next(i for i, text in enumerate(lines, 1) if "masthead__strap" in text)
    lines[line - 1] = "<p>{{ series.strapline }}</p>"
    template.write_text("\n".join(lines) + "\n")
    result = run("build", "--format", "html", cwd=site)
    assert result.exit_code == 1
    assert result.stderr == (
        f"templates/newsletter/issue.html:{line}: template error: "
        "'SeriesSettings' has no attribute 'strapline'\n"
        "1 problem in 1 file; nothing was written.\n")
    assert not (site / "output/bulletin").exists()


def test_a_site_with_no_issues_says_so(site: Path, run):
    for issue in (site / "issues").rglob("*.md"):
        issue.unlink()
    result = run("build", cwd=site)
    assert result.exit_code == 0
    assert re.fullmatch(r"No issues to build: add Markdown files to issues/<series>/\.\n",
                        result.output)
