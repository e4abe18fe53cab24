"""What a build or a check works on: the site's issues, each with the block versions it
shows, and every problem found on the way. Nothing is raised for content here (but for a
broken block library asked about), the callers decide what the problems stop."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from publisher.blocks import (
    BlockLibrary,
    BlockUse,
    PlacedBlock,
    find_uses,
    issue_placements,
    load_library,
    place_blocks,
)
from publisher.config import Site, read_site
from publisher.errors import ContentError, Problem, UsageError
from publisher.limits import issue_size_problems
from publisher.sources import Issue, read_issues


@dataclass(frozen=True)
class PlannedIssue:
    """An issue and the block versions it will show."""

    issue: Issue
    blocks: list[PlacedBlock]

    @property
    def key(self) -> str:
        return record_key(self.issue)


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



def gather(site: Site, paths: list[Path] | None = None) -> Gathered:
    """Read the block library and the issues, and resolve every block each issue places.

    Nothing is raised for content: the valid issues come back with every problem found.
    """
    template_folders = [site.templates_folder,
                        *(site.templates_folder / style for style in site.styles)]
    library, library_problems = load_library(site.root, template_folders, site.vocabulary)
    issues, problems = read_issues(site, paths)
    planned = []
    for issue in issues:
        placements, found = issue_placements(issue, site.styles[issue.style])
        placed, unresolved = place_blocks(library, placements, issue.front.date, issue.shown)
        too_much = issue_size_problems(issue.shown, issue.body,
                                       [block.version.values for block in placed])
        problems.extend(found + unresolved + too_much)
        if not found and not unresolved and not too_much:
            planned.append(PlannedIssue(issue, placed))
    return Gathered(library=library, issues=planned, readable=issues,
                    library_problems=library_problems, issue_problems=problems)


def block_uses(site_root: Path, name: str | None = None,
               with_uses: bool = True) -> tuple[BlockLibrary, list[BlockUse], int]:
    """The block library of the site at `site_root`, each use of its blocks (or of block
    `name`) by every issue that could be read, and how many other problems the site has
    (its issues' and settings'). Raises ContentError if the library itself is wrong."""
    site, problems = read_site(site_root)
    gathered = gather(site)
    if gathered.library_problems:
        raise ContentError(gathered.library_problems,
                           outcome="fix the block library before asking about it")
    uses = []
    if with_uses:
        issues = [(issue, site.styles[issue.style]) for issue in gathered.readable]
        uses = find_uses(gathered.library, issues, name)
    return gathered.library, uses, len(problems) + len(gathered.issue_problems)


def record_key(issue: Issue) -> str:
    """How the build record and the output folder name an issue: `<series>/<issue>`."""
    return f"{issue.series.slug}/{issue.slug}"




def one_issue(site: Site, path: Path) -> Issue:
    """The issue whose file is at `path`; a usage error for a folder."""
    gathered = gather(site, [path])
    if gathered.problems:
        raise ContentError(gathered.problems)
    if len(gathered.readable) != 1 or path.is_dir():
        raise UsageError(f"{str(path)!r} is a folder; give one issue's Markdown file",
                         option="ISSUE")
    return gathered.readable[0]
