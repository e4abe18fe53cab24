"""The `publisher` command: parse options, call the API, print, exit.

Exit codes: 0 success, 1 the content has errors, 2 bad usage.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, cast

import click

from publisher import __version__
from publisher.build import FORMATS, BuiltIssue, Format, build

INTERNAL_ERROR = (
    "publisher: something went wrong inside publisher ({kind}: {detail}). This is our bug, "
    "not yours: please report it, with the output of the same command run again with --debug.")


class PublisherGroup(click.Group):
    """Turns an unexpected exception into one line, unless --debug asks for the traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as error:
            if ctx.meta.get("publisher.debug"):
                raise
            click.echo(INTERNAL_ERROR.format(kind=type(error).__name__, detail=error), err=True)
            ctx.exit(1)


@click.group(cls=PublisherGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--site", "site_root", type=click.Path(file_okay=False, path_type=Path),
              default=".", show_default=True, help="The site folder (the one with site.yml).")
@click.option("--debug", is_flag=True, help="Show a full traceback when publisher itself fails.")
@click.version_option(__version__, prog_name="publisher")
@click.pass_context
def cli(ctx: click.Context, site_root: Path, debug: bool) -> None:
    """Publish bulletins from Markdown as designed PDF and HTML.

    Run it in the site folder, the one that holds site.yml and issues/.

    \b
    Examples:
      publisher build                    build every issue
      publisher build issues/learning-review/2011-06-issue-1.md
    """
    ctx.meta["publisher.debug"] = debug
    ctx.obj = site_root


@cli.command("build")
@click.argument("issues", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "output_format", type=click.Choice(["all", *FORMATS]), default="all",
              show_default=True, help="Which files to make.")
@click.option("--output", "output_folder", type=click.Path(file_okay=False, path_type=Path),
              help="Write here instead of the site's output folder (site.yml: output).")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@click.pass_obj
def build_command(site_root: Path, issues: tuple[Path, ...], output_format: str,
                  output_folder: Path | None, quiet: bool) -> None:
    """Build issues into PDF and HTML.

    With no ISSUES, builds every issue of every series. An ISSUE is an issue's Markdown
    file or a series folder. Each issue is written to OUTPUT/<series>/<issue>.pdf and .html.
    Every source is checked first: if any has an error, each error is listed with its
    file and line, and nothing is written.

    \b
    Examples:
      publisher build
      publisher build issues/learning-review/2011-06-issue-1.md --format pdf
      publisher build issues/learning-review --output /tmp/preview
    """
    started = time.perf_counter()
    formats = FORMATS if output_format == "all" else (cast(Format, output_format),)
    paths = [_existing_path(path, site_root) for path in issues]

    def report_issue(built: BuiltIssue) -> None:
        for warning in built.warnings:
            click.echo(f"{built.issue.shown}: warning: {warning}", err=True)
        if not quiet:
            count = built.page_count
            pages = f" ({count} page{'s' if count != 1 else ''})" if count else ""
            names = ", ".join(path.name for path in built.files)
            click.echo(f"built {built.issue.shown} → {names}{pages}")

    report = build(site_root, paths or None, formats, output_folder, report_issue)
    if not report.built:
        click.echo("No issues to build: add Markdown files to issues/<series>/.")
    elif not quiet:
        seconds = time.perf_counter() - started
        count = len(report.built)
        click.echo(
            f"Built {count} issue{'s' if count != 1 else ''} "
            f"({report.count('.pdf')} PDF, {report.count('.html')} HTML) "
            f"into {report.site.shown(report.output_folder)} in {seconds:.2f} s.")


def _existing_path(path: Path, site_root: Path) -> Path:
    """An ISSUE argument, taken from the current folder or else from the site folder."""
    for candidate in (path, site_root / path):
        if candidate.exists():
            return candidate
    raise click.BadParameter(f"{str(path)!r} does not exist, here or in the site folder "
                             f"{site_root}", param_hint="ISSUES")


def main() -> None:
    """Entry point of the `publisher` console command."""
    cli(prog_name="publisher")


if __name__ == "__main__":  # pragma: no cover
    main()
