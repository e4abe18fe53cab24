"""The build: gather and check everything, then render everything, then write.

Nothing is written until every source has been read, found valid and rendered, so a
problem found anywhere, even while laying out a PDF, leaves the output folder as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from publisher.blocks import BlockLibrary, PlacedBlock, issue_placements, load_library, place_blocks
from publisher.catalogue import (
    CATALOGUE_FILE,
    archive_entries,
    catalogue_data,
    output_sizes,
    read_page_counts,
    render_archive,
)
from publisher.config import SOURCE_FOLDERS, Site, read_site
from publisher.errors import ContentError, Problem, PublisherError, RenderError
from publisher.output import mirror_folder, write_atomically
from publisher.pages import Page, PageMaker
from publisher.resources import ASSETS_FOLDER, ResourceRefused, SiteResources
from publisher.sources import Issue, read_issues

Format = Literal["html", "pdf"]
FORMATS: tuple[Format, ...] = ("html", "pdf")


@dataclass(frozen=True)
class BuiltIssue:
    """An issue's rendered files, ready to write: output path and bytes, page count, warnings."""

    issue: Issue
    outputs: list[tuple[Path, bytes]]
    page_count: int | None
    warnings: list[str] = field(default_factory=list)

    @property
    def files(self) -> list[Path]:
        return [path for path, _ in self.outputs]


@dataclass
class BuildReport:
    site: Site
    output_folder: Path
    built: list[BuiltIssue] = field(default_factory=list)

    def count(self, suffix: str) -> int:
        return sum(1 for built in self.built for path in built.files if path.suffix == suffix)


@dataclass(frozen=True)
class PlannedIssue:
    """An issue and the block versions it will show."""

    issue: Issue
    blocks: list[PlacedBlock]


@dataclass(frozen=True)
class Gathered:
    library: BlockLibrary
    issues: list[PlannedIssue]
    readable: list[Issue]
    library_problems: list[Problem]
    issue_problems: list[Problem]

    @property
    def problems(self) -> list[Problem]:
        return [*self.library_problems, *self.issue_problems]


def build(site_root: Path, paths: list[Path] | None = None,
          formats: Iterable[Format] = FORMATS, output_folder: Path | None = None,
          on_built: Callable[[BuiltIssue], None] | None = None) -> BuildReport:
    """Build the issues of the site at `site_root` (all, or those at `paths`).

    Raises ContentError listing every problem before anything is written.
    """
    formats = tuple(formats)
    site, problems = read_site(site_root)
    gathered = gather(site, paths)
    if problems or gathered.problems:
        raise ContentError([*problems, *gathered.problems])
    output_folder = _checked_output_folder(site, output_folder)
    resources = SiteResources(site.root, output_folder, site.styles_folder, site.issues_folder)
    maker = PageMaker(site, output_folder)
    report = BuildReport(site=site, output_folder=output_folder)
    problems = []
    for planned in gathered.issues:
        try:
            page = maker.render(planned.issue, planned.blocks)
            report.built.append(render_issue(page, formats, resources))
        except RenderError as error:
            problems.append(error.problem)
    if problems:
        raise ContentError(problems)
    archive = _archive_files(site, output_folder, report.built, pages="html" in formats)
    if "html" in formats:
        mirror_folder(site.styles_folder, output_folder / ASSETS_FOLDER)
    for built in report.built:
        for path, data in built.outputs:
            write_atomically(path, data)
        if on_built:
            on_built(built)
    for path, data in archive:
        write_atomically(path, data)
    return report


def gather(site: Site, paths: list[Path] | None = None) -> Gathered:
    """Read the block library and the issues, and resolve every block each issue places.

    Nothing is raised for content: the valid issues come back with every problem found.
    """
    template_folders = [site.templates_folder,
                        *(site.templates_folder / style for style in site.styles)]
    library, library_problems = load_library(site.root, template_folders)
    issues, problems = read_issues(site, paths)
    planned = []
    for issue in issues:
        placements, found = issue_placements(issue, site.styles[issue.style])
        placed, unresolved = place_blocks(library, placements, issue.front.date, issue.shown)
        problems.extend(found + unresolved)
        if not found and not unresolved:
            planned.append(PlannedIssue(issue, placed))
    return Gathered(library=library, issues=planned, readable=issues,
                    library_problems=library_problems, issue_problems=problems)


def render_issue(page: Page, formats: tuple[Format, ...], resources: SiteResources) -> BuiltIssue:
    """The bytes of each file an issue becomes. Raises RenderError naming the issue."""
    outputs: list[tuple[Path, bytes]] = []
    images = []
    for reference in page.images:
        try:
            target = resources.page_reference(page.path, reference)
            if target is not None:
                images.append((target, resources.source_for(target)))
        except ResourceRefused as refusal:
            raise RenderError(refusal.problem.message, path=page.issue.shown) from None
    page_count, warnings = None, []
    if "pdf" in formats:
        from publisher.pdf import render_pdf  # WeasyPrint costs half a second to import

        pdf = render_pdf(page.html, page.path, resources, page.issue.shown,
                         created=page.issue.front.date)
        outputs.append((page.path.with_suffix(".pdf"), pdf.data))
        page_count, warnings = pdf.page_count, pdf.warnings
    if "html" in formats:
        outputs.append((page.path, page.html.encode("utf-8")))
        outputs.extend((target, source.read_bytes()) for target, source in images)
    return BuiltIssue(issue=page.issue, outputs=outputs, page_count=page_count,
                      warnings=warnings)


def _archive_files(site: Site, output_folder: Path, built: list[BuiltIssue],
                   pages: bool) -> list[tuple[Path, bytes]]:
    """The catalogue, and the archive's pages if `pages`, as they will be once `built` is
    written."""
    sizes = output_sizes(output_folder)
    counts = read_page_counts(output_folder)
    for issue in built:
        for path, data in issue.outputs:
            sizes[path.relative_to(output_folder).as_posix()] = len(data)
            if path.suffix == ".pdf" and issue.page_count:
                counts[path.relative_to(output_folder).as_posix()] = issue.page_count
    counts = {path: count for path, count in counts.items() if path in sizes}
    catalogue = [(output_folder / CATALOGUE_FILE, catalogue_data(counts))]
    if not pages:
        return catalogue
    every_issue, _ = read_issues(site)
    entries = archive_entries(every_issue, sizes, counts)
    return [*render_archive(site, output_folder, entries), *catalogue]


def _checked_output_folder(site: Site, requested: Path | None) -> Path:
    """The output folder, refused where writing would mix outputs into the sources."""
    folder = (requested or site.root / site.settings.output).resolve()
    for name in SOURCE_FOLDERS:
        source = (site.root / name).resolve()
        if folder == source or folder.is_relative_to(source) or source.is_relative_to(folder):
            raise OutputFolderError(
                f"the output folder {folder} overlaps the site's {name}/ folder; write the "
                "output somewhere of its own, such as the site's output/ folder")
    return folder


class OutputFolderError(PublisherError):
    """The output folder was given where it would overwrite sources: a usage error."""

    exit_code = 2
