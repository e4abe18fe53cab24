"""The command line: help, exit codes, and no tracebacks unless --debug asks for one."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from publisher import __version__
from publisher import build as build_module
from publisher.cli import cli

from conftest import PROJECT, write_issue


def test_help_lists_the_commands_with_examples():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert re.search(r"^  build +Build issues into PDF and HTML\.$", result.output, re.M)
    assert re.search(r"^  blocks +List the block library, and what uses each block\.$",
                     result.output, re.M)
    build_help = CliRunner().invoke(cli, ["build", "--help"]).output
    assert "Examples:" in build_help
    assert "--format [all|email|html|pdf]" in build_help


def every_command(group: click.Group = cli, prefix: str = "publisher"
                  ) -> list[tuple[str, click.Command]]:
    """Each command as typed ('publisher blocks show'), with the command itself."""
    found: list[tuple[str, click.Command]] = [(prefix, group)]
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        assert command is not None
        if isinstance(command, click.Group):
            found += every_command(command, f"{prefix} {name}")
        else:
            found.append((f"{prefix} {name}", command))
    return found


def test_every_command_and_option_is_in_the_readme_or_the_docs():
    documents = [PROJECT / "README.md", *sorted((PROJECT / "docs").glob("*.md"))]
    text = "\n".join(path.read_text() for path in documents)
    for typed, command in every_command():
        assert typed in text, f"{typed!r} is in no document"
        for parameter in command.params:
            if isinstance(parameter, click.Option) and parameter.name != "help":
                longest = max(parameter.opts, key=len)
                assert longest in text, f"{typed} {longest} is in no document"


def test_every_command_has_a_description_and_examples():
    for typed, command in every_command():
        words = typed.split()[1:]
        result = CliRunner().invoke(cli, [*words, "--help"])
        assert result.exit_code == 0, typed
        assert command.help and len(command.help.split(".")[0]) > 10, typed
        assert re.search(r"^  Examples?:$", result.output, re.M), f"{typed} has no examples"


def test_no_colour_off_a_terminal_or_with_no_color(site, run, monkeypatch):
    write_issue(site, "2024-06-issue-8.md", "---\ntitle: T\nnumber: 8\ndate: 2024-06-01\n"
                "status: draft\nsummary: S\n---\n\n[click here](https://example.org)\n")
    monkeypatch.chdir(site)
    coloured = CliRunner().invoke(cli, ["check"], color=True)
    assert "\x1b[" in coloured.stdout
    assert "\x1b[" not in CliRunner().invoke(cli, ["check"]).stdout
    monkeypatch.setenv("NO_COLOR", "1")
    assert "\x1b[" not in CliRunner().invoke(cli, ["check"], color=True).stdout


def test_the_version():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"publisher, version {__version__}\n"


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


def test_a_bug_in_a_worker_process_is_one_line_too(site, run, monkeypatch):
    text = (site / "issues/bulletin/2024-03-issue-7.md").read_text()
    write_issue(site, "2024-06-issue-8.md", text.replace("number: 7", "number: 8")
                .replace("2024-03-01", "2024-06-01"))

    def broken(*args, **kwargs):
        raise RuntimeError(f"the renderer fell over\nin process {os.getpid()}")

    monkeypatch.setattr(build_module, "render_issue", broken)
    arguments = ["--site", str(site), "build", "--format", "html", "--jobs", "2"]
    result = CliRunner().invoke(cli, arguments)
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    found = re.fullmatch(
        r"publisher: something went wrong inside publisher \(RuntimeError: the renderer fell "
        r"over in process (\d+)\)\. This is our bug, not yours: please report it, with the "
        r"output of the same command run again with --debug\.", line)
    assert found, line
    assert int(found[1]) != os.getpid()  # it was raised in a worker
    assert not (site / "output").exists()
    with pytest.raises(RuntimeError, match="the renderer fell over") as raised:
        CliRunner().invoke(cli, ["--debug", *arguments], catch_exceptions=False)
    assert "Traceback" in str(raised.value.__cause__)  # the worker's own traceback


def test_ctrl_c_is_one_line_and_exit_code_130(site, run, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(build_module, "render_issue", interrupted)
    result = run("build", cwd=site)
    assert result.exit_code == 130
    assert result.stderr == "publisher: interrupted; nothing half-written was left\n"
    assert not (site / "output").exists()


@pytest.mark.parametrize("command", [["check"], ["blocks"], ["--help"]])
def test_output_to_a_reader_that_went_away_is_dropped_quietly(sample, command):
    reading, writing = os.pipe()
    os.close(reading)  # publisher check | head, once head has read what it wanted
    try:
        done = subprocess.run([sys.executable, "-m", "publisher.cli", *command], cwd=sample,
                              stdout=writing, stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(writing)
    assert done.stderr == ""
    assert done.returncode == 1


#: Libraries only a PDF, the email edition or a Word import needs: the command line, its
#: help and an HTML-only build leave them unloaded, so those start fast.
PDF_WORD_AND_EMAIL_LIBRARIES = frozenset({"weasyprint", "pikepdf", "pypdf", "mammoth",
                                          "css_inline", "fontTools"})
#: What --help needs none of either: the settings' models, the templates, the Markdown.
CONTENT_LIBRARIES = frozenset({"pydantic", "jinja2", "markdown", "pymdownx", "yaml"})


def modules_loaded(code: str, cwd: Path, tmp_path: Path) -> set[str]:
    """The top-level modules a fresh Python process has loaded once `code` has run (or
    exited): a new process, as nothing the test run imported may count."""
    listing = tmp_path / "modules.txt"
    script = (f"import sys\ntry:\n    {code}\nexcept SystemExit:\n    pass\n"
              f"open({str(listing)!r}, 'w').write('\\n'.join(sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=cwd, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return {name.split(".")[0] for name in listing.read_text().split("\n")}


def test_importing_the_command_line_loads_no_pdf_word_or_email_library(tmp_path):
    loaded = modules_loaded("import publisher.cli", PROJECT, tmp_path)
    assert "publisher" in loaded
    assert not loaded & PDF_WORD_AND_EMAIL_LIBRARIES
    assert not loaded & CONTENT_LIBRARIES


def test_help_loads_nothing_but_the_command_line(tmp_path):
    code = "import sys; sys.argv = ['publisher', '--help']; from publisher.cli import main; main()"
    loaded = modules_loaded(code, PROJECT, tmp_path)
    assert "click" in loaded
    assert not loaded & (PDF_WORD_AND_EMAIL_LIBRARIES | CONTENT_LIBRARIES)


def test_an_html_build_loads_no_pdf_word_or_email_library(sample, tmp_path):
    def build_into(output: Path) -> set[str]:
        code = ("import sys; sys.argv = ['publisher', 'build', "
                "'issues/learning-review/2011-06-issue-1.md', '--format', 'html', '--force', "
                f"'--output', {str(output)!r}]; from publisher.cli import main; main()")
        return modules_loaded(code, sample, tmp_path)

    # The first build on a machine makes the web fonts with fontTools (see web_assets), and
    # keeps them in the user's cache; the builds after it copy them.
    build_into(tmp_path / "first")
    output = tmp_path / "out"
    loaded = build_into(output)
    assert (output / "learning-review/2011-06-issue-1.html").is_file()
    assert "jinja2" in loaded
    assert not loaded & PDF_WORD_AND_EMAIL_LIBRARIES


def test_the_choices_written_out_for_the_options_are_the_librarys():
    from publisher.cli import FORMAT_CHOICES, PDF_VARIANT_CHOICES
    from publisher.formats import choices
    from publisher.variants import PDF_VARIANTS

    assert list(FORMAT_CHOICES) == choices()
    assert PDF_VARIANT_CHOICES == PDF_VARIANTS
