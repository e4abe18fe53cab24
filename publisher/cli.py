"""The `publisher` command: parse options, call the API, print, exit.

Exit codes: 0 success, 1 the content has errors, 2 bad usage, 130 stopped with Ctrl-C (and
128 + its number for another signal that stops it: 143 for SIGTERM, 129 for SIGHUP).
"""

from __future__ import annotations

import datetime
import os
import sys
import time
import traceback
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from publisher import __version__
from publisher.dates import month_year
from publisher.errors import Problem, PublisherError, UsageError
from publisher.output import Stopped, stop_on_signals
from publisher.resources import REMOTE_MAX_BYTES, REMOTE_TIMEOUT_SECONDS
from publisher.workers import uncollected_while_loading

# The library is imported by each command, inside it, for what that command does: an HTML
# build never loads WeasyPrint, pikepdf or the Word reader, and --help loads none of it
# (see tests/test_cli.py, test_imports_*).
if TYPE_CHECKING:
    from publisher.blocks import Block, BlockLibrary, BlockUse
    from publisher.build import Rendered
    from publisher.config import PdfVariant
    from publisher.publishing import Relocked, Verdict
    from publisher.sources import Issue

#: The values of `--format` but for 'all', and of `--pdf-variant`: written out here, so that
#: the options are made without importing the settings' models and the output formats
#: (tests/test_cli.py holds them to `formats.choices()` and `variants.PDF_VARIANTS`).
FORMAT_CHOICES = ("email", "html", "pdf")
PDF_VARIANT_CHOICES = ("pdf/ua-1", "pdf/ua-2", "pdf/a-2a", "pdf/a-3a")

INTERNAL_ERROR = (
    "publisher: something went wrong inside publisher ({error}). This is our bug, "
    "not yours: please report it, with the output of the same command run again with --debug.")
INTERRUPTED = "publisher: interrupted; nothing half-written was left"
STOPPED = "publisher: stopped ({signal}); nothing half-written was left"
#: The exit code of a command stopped with Ctrl-C, as shells give it (128 + SIGINT).
EXIT_INTERRUPTED = 130


class PublisherCommand(click.Command):
    """A command whose library call says it was used wrongly (`UsageError`, naming an
    argument or option) reports it as click reports a bad parameter, with the usage."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as error:
            if error.option is None:
                raise
            raise click.BadParameter(error.problem.message, ctx=ctx,
                                     param_hint=error.option) from None


class _CommandGroup(click.Group):
    """`publisher blocks`: its commands are PublisherCommands too."""

    command_class = PublisherCommand


class PublisherGroup(click.Group):
    """Reports what the library raises (a PublisherError) once, with its exit code; turns
    an unexpected exception into one line, unless --debug asks for the traceback, and
    Ctrl-C into one line and exit code 130.

    An exception raised in a build's worker process comes here too: the worker hands it
    to the build, which raises it again.
    """

    command_class = PublisherCommand
    group_class = _CommandGroup

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except PublisherError as error:
            click.echo(error.report(), err=True)
            ctx.exit(error.exit_code)
        except KeyboardInterrupt as interrupted:
            if ctx.meta.get("publisher.debug"):
                traceback.print_exc()
            elif sys.stderr.isatty() and not isinstance(interrupted, Stopped):
                click.echo(err=True)  # after the terminal's ^C
            ctx.exit(_say_interrupted(interrupted))
        except BrokenPipeError:
            raise  # the reader of our output went away (publisher check | head): click is quiet
        except Exception as error:
            if ctx.meta.get("publisher.debug"):
                raise
            detail = " ".join(str(error).split())  # one line, whatever the message
            described = f"{type(error).__name__}: {detail}" if detail else type(error).__name__
            click.echo(INTERNAL_ERROR.format(error=described), err=True)
            ctx.exit(1)


@click.group(cls=PublisherGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--site", "site_root", type=click.Path(file_okay=False, path_type=Path),
              default=".", show_default=True, help="The site folder (the one with site.yml).")
@click.option("--debug", is_flag=True, help="Show a full traceback when publisher itself fails.")
@click.version_option(__version__, prog_name="publisher")
@click.pass_context
def cli(ctx: click.Context, site_root: Path, debug: bool) -> None:
    """Publish bulletins from Markdown as designed PDF and HTML.

    Run it in the site folder, the one that holds site.yml and issues/. Exit codes: 0
    success, 1 a problem in the content (or a failed check or verify), 2 bad usage, 130
    stopped with Ctrl-C (143 with SIGTERM).
    Colour is used only on a terminal, and never when NO_COLOR is set.

    \b
    Examples:
      publisher new learning-review      start the next issue
      publisher check                    list every problem, without building
      publisher serve                    preview in a browser as you write
      publisher build                    build every issue that changed
      publisher publish issues/learning-review/2021-03-issue-40.md
      publisher verify                   prove the published issues are unchanged
      publisher send ISSUE --to LIST.csv email an issue to a list (--send to send)
      publisher import FILE.docx SERIES  a Word document as a draft issue
    """
    ctx.meta["publisher.debug"] = debug
    ctx.obj = site_root
    if os.environ.get("NO_COLOR"):  # https://no-color.org: any value turns colour off
        ctx.color = False


def _jobs_option(function: Any) -> Any:
    return click.option(
        "-j", "--jobs", type=click.IntRange(min=1), default=None, metavar="N",
        help="Worker processes that render PDFs at once (default: one per core).")(function)


def _deny_list_option(function: Any) -> Any:
    return click.option(
        "--deny-list", "deny_list", type=click.Path(dir_okay=False, path_type=Path),
        metavar="FILE", help="A file of names never to publish, one per line (default: the "
        "file named by $PUBLISHER_DENY_LIST). Keep it out of the repository.")(function)


@cli.command("build")
@click.argument("issues", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["all", *FORMAT_CHOICES]),
              default="all", show_default=True, help="Which files to make.")
@click.option("--output", "output_folder", type=click.Path(file_okay=False, path_type=Path),
              help="Write here instead of the site's output folder (site.yml: output).")
@click.option("--force", is_flag=True, help="Build every issue, even those already up to date.")
@click.option("--frozen", is_flag=True,
              help="Refuse to build a published issue whose inputs changed since it was "
              "locked by 'publisher publish'.")
@click.option("--drafts", is_flag=True,
              help="List drafts in the archive's pages and feeds too (they are always built).")
@click.option("--pdf-variant", type=click.Choice(PDF_VARIANT_CHOICES),
              help="The PDF variant of every issue's web copy, whatever its series says "
              "(series.yml: pdf_variant; default pdf/ua-1).")
@click.option("--allow-remote", is_flag=True,
              help="Let pages show images from https:// addresses, fetched within "
              f"{REMOTE_TIMEOUT_SECONDS} s and {REMOTE_MAX_BYTES // 2**20} MB each (publish "
              "never does: an archive must not depend on the network).")
@_jobs_option
@_deny_list_option
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and warnings.")
@click.option("-v", "--verbose", is_flag=True,
              help="Also name each issue that was up to date, and each file written.")
@click.pass_obj
@uncollected_while_loading
def build_command(site_root: Path, issues: tuple[Path, ...], output_format: str,
                  output_folder: Path | None, force: bool, frozen: bool, drafts: bool,
                  pdf_variant: PdfVariant | None, allow_remote: bool, jobs: int | None,
                  deny_list: Path | None, quiet: bool, verbose: bool) -> None:
    """Build issues into PDF and HTML.

    With no ISSUES, builds every issue of every series. An ISSUE is an issue's Markdown
    file or a series folder. Each issue is written to OUTPUT/<series>/<issue>.pdf and .html,
    with the archive's pages and Atom feeds. The PDF is tagged for screen readers
    (PDF/UA-1); a published issue also gets an archival copy in PDF/A-2a, in
    OUTPUT/<series>/archival/<issue>.pdf; a series with an email edition (email: in its
    series.yml) gets OUTPUT/<series>/email/<issue>.eml, with its .html and .txt parts.
    Every source is checked first: if any has an
    error, each error is listed with its file and line, and nothing is written.

    An issue is built again only when something it is made from changed since the last
    build (its text, a block it shows, a template, stylesheet, font or image it uses, or
    the software), or its files in the output folder did.

    \b
    Examples:
      publisher build
      publisher build issues/learning-review/2011-06-issue-1.md --format pdf
      publisher build issues/learning-review --output /tmp/preview
      publisher build --frozen --jobs 4
    """
    from publisher.arguments import issue_path
    from publisher.build import BuildOptions, build
    from publisher.formats import chosen
    from publisher.personal_data import read_deny_list
    from publisher.workers import available_cores

    started = time.perf_counter()
    paths = [issue_path(path, site_root) for path in issues]
    options = BuildOptions(chosen(output_format), output_folder, force=force, frozen=frozen,
                           drafts=drafts, pdf_variant=pdf_variant, allow_remote=allow_remote,
                           jobs=jobs or available_cores(), deny_list=read_deny_list(deny_list))
    _repair_interrupted(site_root)
    display = _BuildDisplay(quiet)
    try:
        report = build(site_root, paths or None, options, display)
    finally:
        display.close()
    for problem in report.warnings:
        click.echo(_styled(problem), err=True)
    for notice in report.notices:
        click.echo(f"warning: {notice}", err=True)
    if quiet:
        return
    if verbose:
        for issue in report.unchanged:
            click.echo(f"up to date {issue.shown}")
        for built in report.built:
            for path in built.files:
                click.echo(f"wrote {report.site.shown(path)}")
        for path in report.removed:
            click.echo(f"removed {report.site.shown(path)}")
    where = report.site.shown(report.output_folder)
    unchanged = len(report.unchanged)
    if not report.built and not unchanged:
        click.echo("No issues to build: add Markdown files to issues/<series>/.")
    elif not report.built:
        click.echo(f"Nothing to build: {_issues(unchanged)} up to date in {where} "
                   "(--force builds them again).")
    else:
        seconds = time.perf_counter() - started
        archival, emails = report.count("archival"), report.count("email")
        click.echo(f"Built {_issues(len(report.built))} ({report.count('pdf')} PDF, "
                   f"{report.count('html')} HTML"
                   + (f", {archival} archival PDF/A" if archival else "")
                   + (f", {emails} email" if emails else "")
                   + f") into {where} in {seconds:.2f} s"
                   + (f"; {unchanged} unchanged." if unchanged else "."))


class _BuildDisplay:
    """Progress while rendering: a bar on a terminal, a line per issue elsewhere."""

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.bar: Any = None

    def start(self, to_render: int, unchanged: int) -> None:
        if self.quiet or to_render < 2 or not sys.stdout.isatty():
            return
        self.bar = click.progressbar(length=to_render, label="Building", show_pos=True,
                                     show_eta=True, item_show_func=lambda item: item)
        self.bar.__enter__()

    def rendered(self, issue: Issue, result: Rendered | None) -> None:
        if result is not None:
            for warning in result.warnings:
                click.echo(f"{issue.shown}: warning: {warning.message}", err=True)
        if self.bar is not None:
            self.bar.update(1, issue.shown)
        elif not self.quiet and result is not None:
            count = result.page_count
            pages = f" ({count} page{'s' if count != 1 else ''})" if count else ""
            names = ", ".join(dict.fromkeys(path.name for files in result.outputs.values()
                                            for path, _ in files[:1]))
            click.echo(f"rendered {issue.shown} → {names}{pages}")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _issues(count: int) -> str:
    return f"{count} issue{'s' if count != 1 else ''}"


@cli.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="How to report: lines for people, or JSON for tools.")
@click.option("--strict", is_flag=True, help="Fail on warnings too, not only on errors.")
@_deny_list_option
@click.option("-q", "--quiet", is_flag=True, help="Print the problems only, not the summary.")
@click.option("-v", "--verbose", is_flag=True,
              help="Also say what each warning code finds, and how long the check took.")
@click.pass_obj
def check_command(site_root: Path, paths: tuple[Path, ...], output_format: str, strict: bool,
                  deny_list: Path | None, quiet: bool, verbose: bool) -> None:
    """Check issues for every problem, without building them.

    With no PATHS, checks the whole site: its settings, the block library and every issue.
    A PATH is an issue's Markdown file or a series folder (issues/ for every series); any
    other folder is a usage error. Errors are what 'publisher build' refuses to build, images
    without a description among them; warnings are what readers would mind: skipped heading
    levels, links that say "click here" or lead nowhere, a date out of the series' rhythm or
    before the issue numbered before it, draft notes in a published issue, and personal data
    (personal email addresses and mobile numbers, dates of birth, names on the deny-list).

    Each problem is one line, 'file:line:column: error|warning: message [code]'. Silence a
    warning by its code in an issue's front matter or in site.yml: 'silence: [date-cadence]'.
    Exit code 0 when there are no errors (and, with --strict, no warnings), 1 otherwise.

    \b
    Examples:
      publisher check
      publisher check issues/learning-review/2021-03-issue-40.md --strict
      publisher check --deny-list ~/private/names.txt
      publisher check --format json
    """
    from publisher.arguments import issue_path, refuse_folders_of_no_series
    from publisher.checks import check_site
    from publisher.personal_data import read_deny_list
    from publisher.rules import WARNINGS

    started = time.perf_counter()
    names = read_deny_list(deny_list)
    # A folder of the site that is no series is told what to give first; then any path
    # outside the site's issues/ (another site's) is told so.
    refuse_folders_of_no_series([path if path.exists() else site_root / path
                                  for path in paths], site_root, paths)
    found = [issue_path(path, site_root, "PATHS") for path in paths]
    _repair_interrupted(site_root)
    report = check_site(site_root, found or None, names)
    if output_format == "json":
        click.echo(report.to_json())
    else:
        for problem in report.problems:
            click.echo(_styled(problem))
        if verbose:
            for code in sorted({str(problem.code) for problem in report.warnings}):
                click.echo(f"[{code}] is {WARNINGS.get(code, code)}", err=True)
        if not quiet:
            summary = _check_summary(len(report.errors), len(report.warnings), report.issues)
            if verbose:
                summary = f"{summary[:-1]} ({time.perf_counter() - started:.2f} s)."
            click.echo(summary, err=bool(report.problems))
    if report.errors or (strict and report.warnings):
        raise click.exceptions.Exit(1)


def _styled(problem: Problem) -> str:
    """A problem's line, its severity in colour (shown only on a terminal, never with
    NO_COLOR)."""
    line = problem.located()
    colour = "red" if problem.severity == "error" else "yellow"
    label = f"{problem.severity}:"
    return line.replace(label, click.style(label, fg=colour, bold=True), 1)


def _check_summary(errors: int, warnings: int, issues: int) -> str:
    if not errors and not warnings:
        return f"No problems found in {_issues(issues)}."
    return (f"{errors} error{'s' if errors != 1 else ''} and {warnings} "
            f"warning{'s' if warnings != 1 else ''} in {_issues(issues)}.")


@cli.command("new")
@click.argument("series")
@click.option("--title", help="The new issue's headline (default: a TODO to replace).")
@click.option("--date", "day", metavar="YYYY-MM-DD",
              help="The issue's date (default: the next one the series' cadence gives, or "
              "today for an occasional series).")
@click.pass_obj
def new_command(site_root: Path, series: str, title: str | None, day: str | None) -> None:
    """Start the next issue of SERIES, as a draft, and print its path.

    SERIES is the series' folder name (learning-review) or its folder. The issue gets the
    next number, the date the series' cadence gives after its latest issue (a quarterly
    after June 2011 is September 2011), and the text of the series' starter,
    issues/<series>/_starter.md, with the blocks it usually shows. An existing file is
    never overwritten.

    \b
    Examples:
      publisher new learning-review
      publisher new safeguarding-matters --title "Neglect" --date 2024-06-01
      $EDITOR "$(publisher new learning-review)"
    """
    from publisher.arguments import date_option, refuse_control_characters, series_named
    from publisher.config import load_site
    from publisher.starter import start_issue

    site = load_site(site_root)
    chosen = series_named(site, series)
    when = date_option(day, "--date") if day else None
    if title is not None and not title.strip():
        raise click.BadParameter("give the headline, or leave --title out", param_hint="--title")
    refuse_control_characters(title, "--title")
    new = start_issue(site, chosen, title.strip() if title else None, when)
    click.echo(new.shown)
    click.echo(f"Started {chosen.settings.title}, Issue {new.number}, {month_year(new.date)}, "
               f"as a draft. Replace its TODOs, then run: publisher check {new.shown}",
               err=True)
    if new.problems:
        click.echo(f"note: {len(new.problems)} problem(s) in the series' other issues, "
                   "which the number and date do not count; 'publisher check' lists them",
                   err=True)


@cli.command("import")
@click.argument("document", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("series", required=False)
@click.option("--title", help="The issue's (or the article's) title, over the document's.")
@click.option("--date", "day", metavar="YYYY-MM-DD",
              help="The new issue's date (default: the next one by the series' cadence).")
@click.option("--into", "into", type=click.Path(path_type=Path), metavar="ISSUE",
              help="Add the document as a new article at the end of this draft issue.")
@click.pass_obj
def import_command(site_root: Path, document: Path, series: str | None, title: str | None,
                   day: str | None, into: Path | None) -> None:
    """Turn a Word document (.docx) into a draft issue of SERIES, and print its path.

    The next number and date come from the series, as 'publisher new' gives them. Headings,
    paragraphs, bold and italic, lists, tables, links, quotes, footnotes and pictures come
    across (pictures saved beside the issue, with the description Word holds); what does
    not (comments, tracked changes, text boxes, charts, SmartArt, headers and footers,
    styles publisher does not know) is listed as warnings. With --into, the document is
    added to an existing draft as a new article instead. Nothing is ever overwritten.

    \b
    Examples:
      publisher import "Neglect article.docx" safeguarding-matters
      publisher import briefing.docx seven-minute --title "Bruising in babies" --date 2025-03-01
      publisher import partner-update.docx --into issues/learning-review/2021-03-issue-40.md
    """
    from publisher.arguments import date_option, issue_path, refuse_control_characters
    from publisher.word_import import import_document

    if (series is None) == (into is None):
        raise click.UsageError("give the SERIES to start a new issue in, or --into ISSUE to "
                               "add the document to a draft, not both")
    refuse_control_characters(title, "--title")
    when = date_option(day, "--date") if day else None
    imported = import_document(site_root, document, series, title=title, day=when,
                               into=issue_path(into, site_root, "--into") if into else None)
    click.echo(imported.shown)
    for warning in imported.warnings:  # none has a line: what was lost is in Word's file
        click.echo(_styled(replace(warning, line=None)).replace(":1:1: ", ": ", 1), err=True)
    pictures = len(imported.pictures)
    undescribed = pictures - imported.described
    did = "Imported into a new draft" if imported.new else "Added as an article at the end"
    click.echo(f"{did}, with {pictures} picture{'s' if pictures != 1 else ''}"
               + (f" ({undescribed} without a description: write one between the brackets)"
                  if undescribed else "")
               + f". Read it through, then run: publisher check {imported.shown}", err=True)


@cli.command("publish")
@click.argument("issue", type=click.Path(path_type=Path))
@click.option("--correction", metavar="NOTE",
              help="Publish a corrected edition of an issue published before, with this note "
              "saying what was corrected; readers see it in a corrections notice.")
@click.option("--date", "day", metavar="YYYY-MM-DD",
              help="The date of the correction (default: today).")
@click.option("--output", "output_folder", type=click.Path(file_okay=False, path_type=Path),
              help="Write here instead of the site's output folder (site.yml: output).")
@_deny_list_option
@click.pass_obj
@uncollected_while_loading
def publish_command(site_root: Path, issue: Path, correction: str | None, day: str | None,
                    output_folder: Path | None, deny_list: Path | None) -> None:
    """Publish ISSUE: mark it published, build it, and lock it in archive-lock.json.

    The lock records everything the issue was made from and a fingerprint of its PDF and
    HTML, so 'publisher verify' can prove years later that it still comes out the same.
    An issue is published once; to change it afterwards, edit it and publish a correction,
    which is shown to readers and recorded as a new edition beside the earlier ones.

    The issue is checked as 'publisher check --strict' would check it once published: any
    error or warning (a draft note, personal data, a name on the deny-list) stops it.

    \b
    Examples:
      publisher publish issues/learning-review/2021-03-issue-40.md
      publisher publish issues/learning-review/2021-03-issue-40.md \\
          --correction "The duty team's number was wrong; it is 0116 454 1004."
    """
    from publisher.archive_lock import LOCK_FILE
    from publisher.arguments import date_option, is_utf8, issue_path, refuse_control_characters
    from publisher.formats import FORMATS
    from publisher.personal_data import read_deny_list
    from publisher.publishing import publish

    if day and correction is None:
        raise click.UsageError("--date is the date of a correction; give --correction too")
    if correction is not None and not correction.strip():
        raise click.BadParameter("say what was corrected", param_hint="--correction")
    refuse_control_characters(correction, "--correction")
    if correction is not None and not is_utf8(correction):
        raise click.BadParameter("the note is not UTF-8 text; set your terminal to UTF-8 and "
                                 "type it again", param_hint="--correction")
    when = date_option(day, "--date") if day else None
    published = publish(site_root, issue_path(issue, site_root, "ISSUE"), correction, when,
                        output_folder, read_deny_list(deny_list), notice=_notice)
    edition = published.edition
    pages = edition.outputs["pdf"].text
    kind = "a corrected edition" if edition.correction else "the first edition"
    files = ", ".join(edition.outputs[output_format.name].file + output_format.published_note
                      for output_format in FORMATS if output_format.name in edition.outputs)
    click.echo(f"Published {published.shown} as edition {edition.number} ({kind}, "
               f"{len(pages)} page{'s' if len(pages) != 1 else ''}): {files}; "
               f"locked in {LOCK_FILE}.")


@cli.command("send")
@click.argument("issue", type=click.Path(path_type=Path))
@click.option("--to", "to", type=click.Path(dir_okay=False, path_type=Path), metavar="LIST.csv",
              help="The list: a CSV file of addresses, under a heading 'email'.")
@click.option("--test-to", metavar="ADDRESS",
              help="Send one copy to this address, marked as a test (a draft may go only here).")
@click.option("--send", "really", is_flag=True,
              help="Send to the list for real; without it, only say how many would get it.")
@click.pass_obj
def send_command(site_root: Path, issue: Path, to: Path | None, test_to: str | None,
                 really: bool) -> None:
    """Send an issue's email edition: a test copy, or to a list, each recipient once.

    The issue's series needs an email edition (email: in its series.yml), and site.yml the
    mail server (smtp:); its password is read from $PUBLISHER_SMTP_PASSWORD. Without
    --send, nothing is sent: the list is checked, and the count of those who would get it
    said. Only a published issue goes to a list; a draft only as a test copy.

    A send stopped anywhere (Ctrl-C, a lost connection, a crash) is finished by running the
    same command again: each recipient gets the email once. Addresses are shown only when
    the server refuses one; those are tried again on the next run.

    \b
    Examples:
      publisher send issues/seven-minute/2024-09-briefing-1.md --test-to me@example.gov.uk
      publisher send issues/seven-minute/2024-09-briefing-1.md --to practitioners.csv
      publisher send issues/seven-minute/2024-09-briefing-1.md --to practitioners.csv --send
    """
    from publisher.arguments import issue_path
    from publisher.sending import recipients_shown, send_issue

    if test_to is not None and (to is not None or really):
        raise click.UsageError("--test-to sends one copy; give it without --to and --send")
    sent = send_issue(site_root, issue_path(issue, site_root, "ISSUE"), to=to,
                      test_to=test_to, really=really, notice=_notice)
    if sent.report is None:
        click.echo(f"Sent a test copy of '{sent.subject}' to {test_to}.")
        return
    report = sent.report
    for address in report.refused:
        click.echo(f"refused  {address}: the server turned it down; it is tried again on the "
                   "next run", err=True)
    if report.dry_run:
        click.echo(f"Would send '{sent.subject}' to {recipients_shown(report.remaining)}"
                   + (f" ({report.already:,} had it already)" if report.already else "")
                   + f", of {recipients_shown(report.recipients)} in {to}; add --send to "
                   "send it.")
    else:
        click.echo(f"Sent '{sent.subject}' to {recipients_shown(report.sent)}"
                   + (f"; {report.already:,} had it already" if report.already else "")
                   + (f"; {len(report.refused):,} refused" if report.refused else "") + ".")
    if report.uncertain:
        click.echo(f"{recipients_shown(report.uncertain)}: the connection broke as the email "
                   "went, so it may or may not have arrived; it is not sent again (ask the "
                   "mail server's administrator to check its log)", err=True)
    if report.refused:
        raise click.exceptions.Exit(1)


@cli.command("verify")
@click.argument("issues", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="How to report.")
@_jobs_option
@click.pass_obj
@uncollected_while_loading
def verify_command(site_root: Path, issues: tuple[Path, ...], output_format: str,
                   jobs: int | None) -> None:
    """Rebuild published issues and prove they are as they were locked.

    Each locked issue (all, or ISSUES) is built again in a temporary folder and compared
    with the latest edition in archive-lock.json: identical (the same bytes); same content
    (the same text on the same pages, different bytes, as after a WeasyPrint upgrade, or a
    web page whose stylesheet's address moved with its contents); or changed, naming the
    inputs that moved and the pages whose text differs. A published
    issue that is not locked, or a locked one that is gone or fails to build, also fails.

    Exit code 0 when nothing changed, 1 otherwise.

    \b
    Examples:
      publisher verify
      publisher verify issues/learning-review/2011-06-issue-1.md --format json
    """
    from publisher.arguments import issue_path
    from publisher.publishing import FAILURES, verdicts_json, verify
    from publisher.workers import available_cores

    # A locked issue whose file is gone can still be named: verify reports it missing.
    paths = [issue_path(path, site_root, must_exist=False) for path in issues]
    _repair_interrupted(site_root)
    verdicts = verify(site_root, paths or None, jobs or available_cores())
    if output_format == "json":
        click.echo(verdicts_json(verdicts))
    else:
        _print_verdicts(verdicts)
    if any(verdict.outcome in FAILURES for verdict in verdicts):
        raise click.exceptions.Exit(1)


def _print_verdicts(verdicts: list[Verdict]) -> None:
    if not verdicts:
        click.echo("No published issues to verify: lock one with 'publisher publish ISSUE'.")
        return
    width = max(len(verdict.outcome) for verdict in verdicts)
    for verdict in verdicts:
        edition = f" (edition {verdict.edition})" if verdict.edition else ""
        click.echo(f"{verdict.outcome.ljust(width)}  {verdict.shown}{edition}")
        for detail in verdict.details:
            click.echo(f"{'':{width}}    {detail}")
        if verdict.moved and verdict.outcome != "identical":
            click.echo(f"{'':{width}}    inputs that moved: {'; '.join(verdict.moved)}")
    counts: dict[str, int] = {}
    for verdict in verdicts:
        counts[verdict.outcome] = counts.get(verdict.outcome, 0) + 1
    click.echo(f"{_issues(len(verdicts))}: "
               + ", ".join(f"{count} {outcome}" for outcome, count in counts.items()) + ".")


@cli.command("relock")
@click.argument("issues", nargs=-1, type=click.Path(path_type=Path))
@click.option("--date", "day", metavar="YYYY-MM-DD",
              help="The date the new editions record (default: today).")
@_jobs_option
@click.pass_obj
@uncollected_while_loading
def relock_command(site_root: Path, issues: tuple[Path, ...], day: str | None,
                   jobs: int | None) -> None:
    """Lock published issues again after an upgrade, where readers would find nothing new.

    Each locked issue (all, or ISSUES) is built again and compared with its latest edition,
    as 'publisher verify' does. Where its files are the same byte for byte though its inputs
    moved (a stylesheet rule it does not use; its web page may load the stylesheet by its
    new address), or its text is the same on every page and only the software moved (a new
    WeasyPrint), a new edition is added to archive-lock.json
    saying why; the earlier editions stay. Anything else is refused, naming the pages that
    differ: a change readers would see is published as a correction.

    Exit code 0 when nothing was refused, 1 otherwise.

    \b
    Examples:
      publisher relock
      publisher relock issues/learning-review/2011-06-issue-1.md
    """
    from publisher.arguments import date_option, issue_path
    from publisher.publishing import relock
    from publisher.workers import available_cores

    paths = [issue_path(path, site_root) for path in issues]
    when = date_option(day, "--date") if day else None
    _repair_interrupted(site_root)
    results = relock(site_root, paths or None, jobs or available_cores(), when)
    _print_relocked(results)
    if any(result.outcome == "refused" for result in results):
        raise click.exceptions.Exit(1)


def _print_relocked(results: list[Relocked]) -> None:
    from publisher.archive_lock import LOCK_FILE

    if not results:
        click.echo("No published issues to lock again: lock one with 'publisher publish "
                   "ISSUE'.")
        return
    width = max(len(result.outcome) for result in results)
    for result in results:
        edition = f" (edition {result.edition})" if result.edition else ""
        click.echo(f"{result.outcome.ljust(width)}  {result.shown}{edition}")
        for detail in result.details:
            click.echo(f"{'':{width}}    {detail}")
    counts: dict[str, int] = {}
    for result in results:
        counts[result.outcome] = counts.get(result.outcome, 0) + 1
    click.echo(f"{_issues(len(results))}: "
               + ", ".join(f"{count} {outcome}" for outcome, count in counts.items())
               + (f"; written to {LOCK_FILE}." if counts.get("relocked") else "."))


@cli.group("blocks", invoke_without_command=True)
@click.pass_context
def blocks_command(ctx: click.Context) -> None:
    """List the block library, and what uses each block.

    For each block: its kind, name, versions with their dates, and how many issues use it.

    \b
    Examples:
      publisher blocks
      publisher blocks show duty-contacts --as-of 2011-06-01
      publisher blocks where duty-contacts
    """
    if ctx.invoked_subcommand is not None:
        return
    library, uses = _library_and_uses(ctx.obj)
    issues_using: dict[str, set[Path]] = {}
    for use in uses:
        issues_using.setdefault(use.placement.name, set()).add(use.issue.source)
    rows = [("KIND", "NAME", "VERSIONS", "USED BY")]
    for block in sorted(library.blocks.values(), key=lambda b: (b.kind.name, b.name)):
        count = len(issues_using.get(block.name, ()))
        rows.append((block.kind.name, block.name, _versions_cell(block),
                     f"{count} issue{'s' if count != 1 else ''}"))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
                   + "  " + row[3])


#: The widest the VERSIONS column of 'publisher blocks' grows: three dated versions.
VERSIONS_WIDTH = 62


def _versions_cell(block: Block) -> str:
    """The versions of `block` for the listing: all of them where they fit in VERSIONS_WIDTH,
    or else the count, the first and the latest (cut with '…' if even that is too wide)."""
    from publisher.blocks import LISTED_VERSIONS

    versions = block.versions
    if len(versions) <= LISTED_VERSIONS:
        every = "; ".join(version.describe() for version in versions)
        if len(every) <= VERSIONS_WIDTH:
            return every
    cell = f"{len(versions):,} versions: {versions[0].describe()} … {versions[-1].describe()}"
    return cell if len(cell) <= VERSIONS_WIDTH else cell[:VERSIONS_WIDTH - 1] + "…"


@blocks_command.command("show")
@click.argument("name")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD",
              help="Show the version in force on this date (default: today).")
@click.option("--version", "version", type=click.IntRange(min=1),
              help="Show this version instead.")
@click.pass_obj
def blocks_show(site_root: Path, name: str, as_of: str | None, version: int | None) -> None:
    """Print the content of block NAME as an issue of a given date gets it.

    \b
    Examples:
      publisher blocks show duty-contacts
      publisher blocks show duty-contacts --as-of 2011-06-01
      publisher blocks show duty-contacts --version 1
    """
    from publisher.arguments import date_option, known_block
    from publisher.blocks import ResolutionError, yaml_text

    if as_of and version:
        raise click.UsageError("give either --as-of or --version, not both")
    library, _ = _library_and_uses(site_root, with_uses=False)
    known_block(library, name)
    day = date_option(as_of) if as_of else datetime.date.today()
    try:
        block, chosen = library.resolve(name, day, version)
    except ResolutionError as error:
        message = f"{error.reason}; show one with --version N" if error.pinnable else str(error)
        if version:
            raise click.BadParameter(message, param_hint="--version") from None
        raise PublisherError(message) from None
    when = f"version {version}" if version else f"as of {day.isoformat()}"
    click.echo(f"{block.name}: {block.kind.name} block \"{block.title}\" ({block.shown})")
    click.echo(f"Version {chosen.number} of {len(block.versions)}, in force from "
               f"{chosen.effective.isoformat()}"
               + (f" until {chosen.retired.isoformat()}" if chosen.retired else "")
               + f" ({when})")
    if chosen.note:
        click.echo(f"Note: {chosen.note}")
    click.echo("")
    click.echo(yaml_text(chosen.values).rstrip())


@blocks_command.command("where")
@click.argument("name")
@click.pass_obj
def blocks_where(site_root: Path, name: str) -> None:
    """List every issue that uses block NAME, and the version each gets.

    Run it before editing a block, to see which issues a change would reach.

    \b
    Example:
      publisher blocks where duty-contacts
    """
    from publisher.arguments import known_block

    library, uses = _library_and_uses(site_root, name=name)
    known_block(library, name)
    count = len({use.issue.source for use in uses})
    click.echo(f"{name} is used by {count} issue{'s' if count != 1 else ''}"
               + (":" if uses else "."))
    for use in uses:
        got = (f"version {use.version.describe()}" if use.version
               else f"no version: {use.problem}")
        click.echo(f"  {use.issue.shown}:{use.placement.line}  {use.issue.front.date.isoformat()}"
                   f"  {use.placement.where}  {got}")


@cli.command("serve")
@click.argument("issue", required=False, type=click.Path(path_type=Path))
@click.option("-p", "--port", type=click.IntRange(min=0, max=65535), default=8000,
              show_default=True, help="The port to serve on; 0 picks a free one.")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in a web browser.")
@click.pass_obj
def serve_command(site_root: Path, issue: Path | None, port: int, open_browser: bool) -> None:
    """Preview the site in a browser, rebuilt and reloaded as you save.

    Serves the site's issues (drafts included) and archive on http://127.0.0.1:PORT/, for
    this computer only. When an issue, block, template or style is saved, what changed is
    built again and the open page reloads itself. A mistake in a source is shown on the
    page, and the preview goes on. Each issue's page has a link that makes its PDF. Stop
    it with Ctrl-C.

    \b
    Examples:
      publisher serve
      publisher serve issues/learning-review/2021-03-issue-40.md --open
      publisher serve --port 8080
    """
    from publisher.arguments import issue_path
    from publisher.serve import serve  # the web server and file watcher: only for this command

    start = issue_path(issue, site_root, "ISSUE") if issue else None
    serve(site_root, start, port=port, open_browser=open_browser, echo=click.echo)


@cli.command("schema")
@click.option("--output", "folder", type=click.Path(file_okay=False, path_type=Path),
              default=Path("schemas"), show_default=True,
              help="The folder to write the schemas in, inside the site folder.")
@click.option("--vscode", is_flag=True,
              help="Also list the schemas under \"yaml.schemas\" in the site's "
              ".vscode/settings.json, keeping its other settings.")
@click.pass_obj
def schema_command(site_root: Path, folder: Path, vscode: bool) -> None:
    """Write JSON Schemas of the front matter, the settings and every kind of block.

    An editor such as VS Code reads them to complete and check keys as you type (the
    README says how to set it up). Run it again after adding a kind of block or
    changing one's fields.

    \b
    Examples:
      publisher schema
      publisher schema --vscode          and tell VS Code's YAML extension about them
      publisher schema --output .vscode/schemas
    """
    from publisher.schema import write_schemas

    for path in write_schemas(site_root, folder, vscode=vscode):
        click.echo(f"wrote {path}")


def _notice(message: str) -> None:
    click.echo(message, err=True)


def _repair_interrupted(site_root: Path) -> None:
    """Put right a publication that was stopped, before reading the sources it changed."""
    from publisher.journal import repair_interrupted

    message = repair_interrupted(site_root)
    if message:
        _notice(message)


def _library_and_uses(site_root: Path, name: str | None = None,
                      with_uses: bool = True) -> tuple[BlockLibrary, list[BlockUse]]:
    """The library and its uses (see `plan.block_uses`), noting the site's other problems."""
    from publisher.plan import block_uses

    library, uses, others = block_uses(site_root, name, with_uses)
    if others:
        click.echo(f"note: {others} problem{'s' if others != 1 else ''} in the site's issues or "
                   "settings; 'publisher build' lists them", err=True)
    return library, uses


def _say_interrupted(interrupted: KeyboardInterrupt) -> int:
    """Say that publisher was stopped, and by what; the exit code, as shells give it."""
    if isinstance(interrupted, Stopped):
        click.echo(STOPPED.format(signal=interrupted.name), err=True)
        return 128 + interrupted.number
    click.echo(INTERRUPTED, err=True)
    return EXIT_INTERRUPTED


def main() -> None:
    """Entry point of the `publisher` console command."""
    # Ctrl-C, SIGTERM and SIGHUP stop publisher where it is, and its clean-up runs; the
    # worker processes a build forks leave Ctrl-C to the build.
    stop_on_signals()
    try:
        cli(prog_name="publisher")
    except KeyboardInterrupt as interrupted:  # between commands' code: while quitting, say
        sys.exit(_say_interrupted(interrupted))
    finally:
        _flush_output()


def _flush_output() -> None:
    """Write out what is left of the output now: if its reader went away (publisher check |
    head), the rest is dropped quietly and the exit code is 1, rather than Python printing
    a traceback on its way out."""
    try:
        for stream in dict.fromkeys([sys.stdout, sys.__stdout__]):
            if stream is not None:
                stream.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
