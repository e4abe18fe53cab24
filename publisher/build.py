"""The build: gather and validate everything, then render, then write.

Nothing is written until every source has been read and found valid. Each issue's files
are written only once both of them have been rendered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from publisher.blocks import BlockLibrary, PlacedBlock, issue_placements, load_library, place_blocks
from publisher.config import Site, read_site
from publisher.errors import ContentError, Problem, RenderError
from publisher.output import mirror_folder, write_atomically
from publisher.pages import Page, PageMaker
from publisher.resources import ASSETS_FOLDER, SiteResources
from publisher.sources import Issue, read_issues

Format = Literal["html", "pdf"]
FORMATS: tuple[Format, ...] = ("html", "pdf")


@dataclass(frozen=True)
class BuiltIssue:
    issue: Issue
    files: list[Path]
    page_count: int | None
    warnings: list[str] = field(default_factory=list)


@dataclass
class BuildReport:
    site: Site
    output_folder: Path
    built: list[BuiltIssue] = field(default_factory=list)

    def count(self, suffix: str) -> int:
        return sum(1 for built in self.built for path in built.files if path.suffix == suffix)


def build(site_root: Path, paths: list[Path] | None = None,
          formats: Iterable[Format] = FORMATS, output_folder: Path | None = None,
          on_built: Callable[[BuiltIssue], None] | None = None) -> BuildReport:
    """Build the issues of the site at `site_root` (all, or those at `paths`).

    Raises ContentError listing every problem in the sources before anything is written.
    """
    formats = tuple(formats)
    site, problems = read_site(site_root)
    gathered = gather(site, paths)
    if problems or gathered.problems:
        raise ContentError([*problems, *gathered.problems])
    output_folder = (output_folder or site.root / site.settings.output).resolve()
    maker = PageMaker(site, output_folder)
    pages = [maker.render(planned.issue, planned.blocks) for planned in gathered.issues]
    report = BuildReport(site=site, output_folder=output_folder)
    if "html" in formats and pages:
        mirror_folder(site.styles_folder, output_folder / ASSETS_FOLDER)
    resources = SiteResources(site.root, output_folder, site.styles_folder, site.issues_folder)
    problems: list[Problem] = []
    for page in pages:
        try:
            built = _write_issue(page, formats, resources)
        except RenderError as error:
            problems.append(error.problem)
            continue
        report.built.append(built)
        if on_built:
            on_built(built)
    if problems:
        raise ContentError(problems, outcome="the issues named were not written")
    return report


@dataclass(frozen=True)
class PlannedIssue:
    """An issue and the block versions it will show."""

    issue: Issue
    blocks: list[PlacedBlock]


@dataclass(frozen=True)
class Gathered:
    library: BlockLibrary
    issues: list[PlannedIssue]
    problems: list[Problem]


def gather(site: Site, paths: list[Path] | None = None) -> Gathered:
    """Read the block library and the issues, and resolve every block each issue places.

    Nothing is raised for content: the valid issues come back with every problem found.
    """
    template_folders = [site.templates_folder,
                        *(site.templates_folder / style for style in site.styles)]
    library, problems = load_library(site.root, template_folders)
    issues, found = read_issues(site, paths)
    problems.extend(found)
    planned = []
    for issue in issues:
        placements, found = issue_placements(issue, site.styles[issue.series.settings.style])
        placed, unresolved = place_blocks(library, placements, issue.front.date, issue.shown)
        problems.extend(found + unresolved)
        if not found and not unresolved:
            planned.append(PlannedIssue(issue, placed))
    return Gathered(library=library, issues=planned, problems=problems)


def _write_issue(page: Page, formats: tuple[Format, ...], resources: SiteResources) -> BuiltIssue:
    outputs: list[tuple[Path, bytes]] = []
    page_count = None
    warnings: list[str] = []
    if "pdf" in formats:
        from publisher.pdf import render_pdf  # WeasyPrint costs half a second to import

        pdf = render_pdf(page.html, page.path, resources, page.issue.shown)
        outputs.append((page.path.with_suffix(".pdf"), pdf.data))
        page_count, warnings = pdf.page_count, pdf.warnings
    if "html" in formats:
        outputs.append((page.path, page.html.encode("utf-8")))
    for path, data in outputs:
        write_atomically(path, data)
    return BuiltIssue(issue=page.issue, files=[path for path, _ in outputs],
                      page_count=page_count, warnings=warnings)
