"""The build: gather and check everything, then render what changed, then write.

Nothing is written until every source has been read, found valid and rendered, so a
problem found anywhere, even while laying out a PDF, leaves the output folder as it was.
An issue whose fingerprint (see `fingerprint`) and files are as the last build left them
is not rendered again.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from publisher.archive_lock import frozen_problem, inputs_moved, read_lock
from publisher.articles import PageText, PageTexts
from publisher.blocks import BlockLibrary, PlacedBlock
from publisher.build_mutex import output_lock
from publisher.build_record import STATE_FILE, BuildState, IssueRecord, as_written, read_state
from publisher.catalogue import archive_entries, output_sizes, render_archive
from publisher.checks import check_page, check_sources
from publisher.config import SOURCE_FOLDERS, PdfVariant, Site, read_site
from publisher.discovery import found_issues, search_records, topic_listings
from publisher.errors import (
    ContentError,
    Problem,
    RenderError,
    UsageError,
    reading_order,
)
from publisher.feeds import render_feeds
from publisher.fingerprint import Fingerprint, InputReader, digest_bytes
from publisher.formats import FORMATS, HtmlPage, Made, OutputFormat, WebPdf, chosen
from publisher.output import (
    OutsideOutputFolder,
    check_inside,
    copy_files,
    interrupts_deferred,
    mirror_copies,
    remove,
    write_atomically,
    write_if_changed,
)
from publisher.pages import Page, PageMaker
from publisher.personal_data import DenyList
from publisher.plan import Gathered, PlannedIssue, gather, record_key
from publisher.resources import ASSETS_FOLDER, ResourceRefused, SiteResources
from publisher.rules import WARNINGS
from publisher.search_index import INDEX_FOLDER, index_update
from publisher.site_files import LISTING_FILE as SITE_LISTING
from publisher.site_files import site_listing, stale_site_files
from publisher.sources import Issue, read_issues
from publisher.system_layer import subsetter_missing
from publisher.web_assets import bundle_page, cached_woff2, fonts_of
from publisher.workers import loaded_set_aside, run_each

#: The articles of the pages, kept between builds (see `articles.PageTexts`).
ARTICLES_FILE = STATE_FILE.parent / "articles.json"


@dataclass(frozen=True)
class BuildOptions:
    """How a build goes, from the command line (build, publish, verify, relock, serve).

    `formats` are the names of the output formats to make (see `formats`), all by default.
    `output_folder` is where, if not site.yml's. With `force` every issue is made again
    (and a folder of other files may be written into). With `frozen`, a published issue
    whose inputs moved since it was locked is an error. With `drafts`, the archive's pages
    and feeds list drafts too. `pdf_variant` is every web copy's variant, over the
    series'. With `allow_remote`, pages may show https:// images. `jobs` worker processes
    render. `deny_list` is the checker's. With `strict`, the checker's warnings, and the
    render's that an issue could silence, stop the build too (as `publish` wants).
    """

    formats: frozenset[str] = field(default_factory=lambda: chosen("all"))
    output_folder: Path | None = None
    force: bool = False
    frozen: bool = False
    drafts: bool = False
    pdf_variant: PdfVariant | None = None
    allow_remote: bool = False
    jobs: int = 1
    deny_list: DenyList = field(default_factory=DenyList)
    strict: bool = False

    def formats_for(self, issue: Issue) -> list[OutputFormat]:
        """The formats asked for that `issue` gets, in the registry's order."""
        return [output_format for output_format in FORMATS
                if output_format.name in self.formats and output_format.applies(issue)]


@dataclass(frozen=True)
class Rendered:
    """An issue's files, ready to write (output path and bytes), with what they were made of."""

    #: Each format's files, by the format's name: its own file first.
    outputs: dict[str, list[tuple[Path, bytes]]]
    page_count: int | None
    fingerprint: Fingerprint
    #: What laying out the PDF found (see `pdf.RenderedPdf.warnings`), less what the issue
    #: or the site silences.
    warnings: list[Problem] = field(default_factory=list)
    #: What the checker found on the issue's page (see `checks`).
    checked: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class BuiltIssue:
    """An issue rendered by this build."""

    issue: Issue
    rendered: Rendered

    @property
    def files(self) -> list[Path]:
        return [path for files in self.rendered.outputs.values() for path, _ in files]

    @property
    def page_count(self) -> int | None:
        return self.rendered.page_count

    @property
    def warnings(self) -> list[Problem]:
        return self.rendered.warnings


@dataclass
class BuildReport:
    site: Site
    output_folder: Path
    built: list[BuiltIssue] = field(default_factory=list)
    #: Issues whose files were already up to date.
    unchanged: list[Issue] = field(default_factory=list)
    #: The record of every issue asked for, by `<series>/<issue>`, as the output now holds it.
    records: dict[str, IssueRecord] = field(default_factory=dict)
    #: The checker's warnings about the issues built, their series and their blocks.
    warnings: list[Problem] = field(default_factory=list)
    #: What is said once of the machine the build ran on (a missing HarfBuzz-subset).
    notices: list[str] = field(default_factory=list)
    #: The files removed: those of issues gone or renamed, and those an issue no longer makes.
    removed: list[Path] = field(default_factory=list)

    def count(self, name: str) -> int:
        """How many issues this build wrote the file of the format `name` for."""
        return sum(1 for built in self.built if name in built.rendered.outputs)


class Progress(Protocol):
    """What a build tells its caller while it renders."""

    def start(self, to_render: int, unchanged: int) -> None: ...

    def rendered(self, issue: Issue, result: Rendered | None) -> None:
        """`issue` is rendered: `result`, or None if it failed."""


def build(site_root: Path, paths: list[Path] | None = None,
          options: BuildOptions | None = None, progress: Progress | None = None) -> BuildReport:
    """Build the issues of the site at `site_root` (all, or those at `paths`), as `options`
    say. Issues whose files are up to date are skipped unless `options.force`.

    The issues rendered are checked as `publisher check` does; its warnings are in the
    report. Raises ContentError listing every problem, the checker's errors included, before
    anything is written.
    """
    options = options or BuildOptions()
    site, problems = read_site(site_root)
    gathered = gather(site, paths)
    if problems or gathered.problems:
        raise ContentError([*problems, *gathered.problems])
    output_folder = checked_output_folder(site, options.output_folder, take_over=options.force)
    with output_lock(output_folder, site.shown(output_folder)):
        return _build_locked(site, gathered, paths, options, output_folder, progress)


def _build_locked(site: Site, gathered: Gathered, paths: list[Path] | None,
                  options: BuildOptions, output_folder: Path,
                  progress: Progress | None) -> BuildReport:
    """The build, once no other build can write to the output folder (see `build_mutex`)."""
    reader = InputReader(site, options.pdf_variant)
    if options.frozen:
        _check_frozen(site, gathered, reader)
    state = read_state(output_folder)
    report = BuildReport(site=site, output_folder=output_folder)
    to_render = _changed_issues(gathered.issues, state, reader, options, report)
    if not options.frozen:
        report.notices += _moved_since_locked(site, to_render, reader)
    if progress:
        progress.start(len(to_render), len(report.unchanged))
    checks = _checks_before_rendering(site, to_render, options.deny_list)
    if any(problem.severity == "error" for problem in checks):
        raise ContentError([problem for problem in checks if problem.severity == "error"])
    report.built = _render_all(site, output_folder, to_render, options, reader, progress)
    if any(built.rendered.page_count for built in report.built) and subsetter_missing():
        report.notices.append(str(subsetter_missing()))
    report.warnings = sorted([*checks, *(problem for built in report.built
                                         for problem in built.rendered.checked)],
                             key=reading_order)
    refused = [problem for problem in [*report.warnings, *(warning for built in report.built
                                                           for warning in built.warnings)]
               if problem.code in WARNINGS]
    if options.strict and refused:
        raise ContentError(refused)
    _check_inside(output_folder, report.built)
    dropped: list[Path] = []
    for built in report.built:
        key = record_key(built.issue)
        report.records[key] = _record(built, output_folder, state.records.get(key))
        dropped += _dropped_files(state.records.get(key), report.records[key],
                                  options.formats, output_folder)
    every_issue = gathered.readable if paths is None else read_issues(site)[0]
    recorded = len(state.records)
    dropped += _stale_files(state, {record_key(issue) for issue in every_issue}, report,
                            output_folder)
    report.removed = [path for path in dropped if path.is_file()]
    state_changed = _update_state(state, report.records, forget_others=paths is None) \
        or len(state.records) != recorded
    pages = HtmlPage.name in options.formats
    site_files, replaced = _site_files(site, output_folder, report.built, state, every_issue,
                                       gathered.library, pages=pages, record=state_changed,
                                       options=options)
    replaced = [path for path in replaced if path.is_file()]
    dropped += replaced
    # The index's old chunks go unremarked: a page or feed of the archive is worth naming.
    report.removed += [path for path in replaced
                       if not path.is_relative_to(output_folder / INDEX_FOLDER)]
    _write(output_folder, report.built, site_files, dropped,
           site.styles_folder if pages else None)
    return report


def _check_inside(output_folder: Path, built: list[BuiltIssue]) -> None:
    """Refuse an issue whose files would land outside the output folder, naming it."""
    for issue in built:
        for path in issue.files:
            try:
                check_inside(path, output_folder)
            except OutsideOutputFolder as error:
                image = path.suffix.lower() not in (".html", ".pdf")
                raise OutsideOutputFolder(
                    error.problem.message + ("; an image is copied beside the page, so name it "
                                             "by a path from the issue's own folder"
                                             if image else ""), path=issue.issue.shown) from None


def _write(output_folder: Path, built: list[BuiltIssue], site_files: list[tuple[Path, bytes]],
           dropped: list[Path], styles_folder: Path | None) -> None:
    """Write what the build made, and delete the files it `dropped`; with `styles_folder`,
    copy it to the assets.

    Every file is checked to be inside the output folder before any is written. The build
    record goes last, so a build stopped on the way (a full disk) never records a file it
    did not write; a Ctrl-C waits until everything is written (see `interrupts_deferred`).
    """
    record = output_folder / STATE_FILE
    files = list(dict(pair for issue in built for files in issue.rendered.outputs.values()
                      for pair in files).items())  # a stylesheet many pages share, once
    for path in [*(path for path, _ in [*files, *site_files]), *dropped]:
        check_inside(path, output_folder)
    assets = ([] if styles_folder is None else
              mirror_copies(styles_folder, output_folder / ASSETS_FOLDER, within=output_folder))
    fonts = [] if styles_folder is None else _web_fonts(output_folder, styles_folder,
                                                        [*files, *site_files])
    with interrupts_deferred():
        if not record.is_file():
            # A record of nothing yet: from its first file on, the folder is publisher's, so a
            # build stopped half-way is not taken for a folder of someone else's files.
            write_atomically(record, BuildState().data(), within=output_folder)
        copy_files(assets, within=output_folder)
        for path, data in [*fonts, *files]:
            write_atomically(path, data, within=output_folder)
        for path, data in site_files:
            if path != record:
                write_if_changed(path, data, within=output_folder)
        for path in dropped:
            remove(path, within=output_folder)
        for path, data in site_files:
            if path == record:
                write_if_changed(path, data, within=output_folder)


def _web_fonts(output_folder: Path, styles_folder: Path,
               files: list[tuple[Path, bytes]]) -> list[tuple[Path, bytes]]:
    """The WOFF2 fonts the web pages' stylesheets load that the output folder lacks."""
    assets = output_folder / ASSETS_FOLDER
    bundles = [data for path, data in files
               if path.suffix == ".css" and path.parent.parent == assets]
    wanted = {assets / name: (source, part)
              for name, source, part in fonts_of(bundles, styles_folder)}
    return [(path, cached_woff2(*made_from)) for path, made_from in sorted(wanted.items())
            if not path.is_file()]


def _dropped_files(before: IssueRecord | None, now: IssueRecord, formats: frozenset[str],
                   output_folder: Path) -> list[Path]:
    """The files of `formats` an issue had and no longer makes (the archival copy of an
    issue set back to draft): left in place, they would be taken for current."""
    if before is None:
        return []
    kept = {file for files in now.outputs.values() for file in files}
    gone = {file for name in formats for file in before.outputs.get(name, {})
            if as_written(output_folder / file, before.outputs[name][file])} - kept
    folder = output_folder.resolve()
    return [output_folder / file for file in sorted(gone)
            if (output_folder / file).resolve().is_relative_to(folder)]


def _stale_files(state: BuildState, issues: set[str], report: BuildReport,
                 output_folder: Path) -> list[Path]:
    """The files of the issues the build record holds that are no longer in the site
    (deleted, or renamed): their records are forgotten, and each of their files that is
    still as the build wrote it, and that no remaining issue has, is to be removed. A file
    someone changed since is left alone: the build never deletes what it did not write."""
    gone = sorted(key for key in state.records if key not in issues)
    kept = {file for key, record in [*state.records.items(), *report.records.items()]
            if key not in gone for files in record.outputs.values() for file in files}
    stale = []
    for key in gone:
        for files in state.records.pop(key).outputs.values():
            for file, digest in sorted(files.items()):
                path = output_folder / file
                if file not in kept and as_written(path, digest):
                    stale.append(path)
    return stale


def _changed_issues(planned: list[PlannedIssue], state: BuildState, reader: InputReader,
                    options: BuildOptions, report: BuildReport) -> list[PlannedIssue]:
    """The issues to render; those up to date go into `report` as unchanged."""
    to_render = []
    for issue in planned:
        record = state.records.get(issue.key)
        names = [output_format.name for output_format in options.formats_for(issue.issue)]
        if not options.force and record and _up_to_date(record, issue, reader,
                                                         report.output_folder, names):
            report.unchanged.append(issue.issue)
            report.records[issue.key] = record
        else:
            to_render.append(issue)
    return to_render


def _update_state(state: BuildState, records: dict[str, IssueRecord],
                  forget_others: bool) -> bool:
    """Put this build's `records` into `state`; with `forget_others` (a build of every
    issue), drop the records of issues that are gone. Whether anything changed."""
    before = dict(state.records)
    state.records.update(records)
    if forget_others:
        state.records = {key: record for key, record in state.records.items()
                         if key in records}
    return state.records != before


def render_issue(page: Page, formats: list[OutputFormat], resources: SiteResources,
                 reader: InputReader, blocks: list[PlacedBlock],
                 maker: PageMaker) -> Rendered:
    """The bytes of each file an issue becomes in those of `formats` it gets (its PDF laid
    out once, if any of them needs it), and what they were made from. Raises RenderError
    naming the issue."""
    formats = [output_format for output_format in formats if output_format.applies(page.issue)]
    made = Made(page, reader.copies(page.issue), images=_images(page, resources),
                render_template=lambda name, context: maker.render_more(page, name, context),
                styles_folder=maker.site.styles_folder)
    page_count, warnings, remote = None, [], {}
    linked = resources.linked_files(page.html, page.path)
    variants = list(dict.fromkeys(variant for output_format in formats
                                  if (variant := output_format.variant(made.copies))))
    if variants:
        from publisher.pdf import render_pdf  # WeasyPrint costs half a second to import

        pdf = render_pdf(page.html, page.path, resources, page.issue.shown,
                         created=page.issue.front.date, variants=variants, pages=page.pages)
        made.pdf = dict(zip(variants, pdf.copies, strict=True))
        page_count, warnings, remote = pdf.page_count, pdf.warnings, pdf.remote
        linked = [*linked, *pdf.loaded]
    outputs = {output_format.name: output_format.files(made, maker.output_folder)
               for output_format in formats}
    fingerprint = reader.made(page.issue, blocks, page.templates,
                              list(dict.fromkeys([*linked, *made.read_files])), remote)
    return Rendered(outputs=outputs, page_count=page_count, fingerprint=fingerprint,
                    warnings=warnings)


def _images(page: Page, resources: SiteResources) -> list[tuple[Path, Path]]:
    """The images the page shows: where each is copied beside it, and its source."""
    images = []
    for reference in page.images:
        try:
            target = resources.page_reference(page.path, reference)
            if target is not None:
                images.append((target, resources.source_for(target)))
        except ResourceRefused as refusal:
            raise RenderError(refusal.reasons[0], path=page.issue.shown,
                              more=refusal.reasons[1:]) from None
    return images


def _up_to_date(record: IssueRecord, planned: PlannedIssue, reader: InputReader,
                output_folder: Path, names: list[str]) -> bool:
    now = reader.now(planned.issue, planned.blocks, record.fingerprint)
    return now == record.fingerprint and record.intact(output_folder, names)


def _checks_before_rendering(site: Site, planned: list[PlannedIssue],
                             deny_list: DenyList) -> list[Problem]:
    """What the checker finds, before rendering, in the issues about to be rendered: their
    `silence:` lists, their series' rhythm and their blocks."""
    blocks = {placed.block.name: placed.block for issue in planned for placed in issue.blocks}
    return check_sources(site, [issue.issue for issue in planned],
                         [blocks[name] for name in sorted(blocks)], deny_list)


def _render_all(site: Site, output_folder: Path, planned: list[PlannedIssue],
                options: BuildOptions, reader: InputReader,
                progress: Progress | None) -> list[BuiltIssue]:
    """Render and check each planned issue, in worker processes if `jobs` > 1; in the
    planned order."""
    if planned and any(output_format.variant(reader.copies(task.issue))
                       for task in planned for output_format in options.formats_for(task.issue)):
        import publisher.pdf  # noqa: F401  (once here, rather than once in every worker)
    resources = SiteResources(site.root, output_folder, site.styles_folder, site.issues_folder,
                              site.settings.archive_address, options.allow_remote)
    maker = PageMaker(site, output_folder)

    def render(task: PlannedIssue) -> Rendered | list[Problem]:
        try:
            page = maker.render(task.issue, task.blocks)
            checked = check_page(site, task.issue, page.html, options.deny_list)
            errors = [problem for problem in checked if problem.severity == "error"]
            if errors:
                return errors
            rendered = render_issue(page, options.formats_for(task.issue), resources, reader,
                                    task.blocks, maker)
            silenced = {*task.issue.front.silence, *site.settings.silence}
            return replace(rendered, checked=checked, warnings=[
                warning for warning in rendered.warnings if warning.code not in silenced])
        except RenderError as error:
            return error.problems

    results: dict[int, Rendered] = {}
    problems = []
    with loaded_set_aside():
        for index, outcome in run_each(render, planned, options.jobs):
            if isinstance(outcome, list):
                problems.extend(outcome)
            else:
                results[index] = outcome
            if progress:
                progress.rendered(planned[index].issue, results.get(index))
    if problems:
        raise ContentError(problems)
    return [BuiltIssue(planned[index].issue, results[index]) for index in sorted(results)]


def _record(built: BuiltIssue, output_folder: Path, before: IssueRecord | None) -> IssueRecord:
    """The record of an issue just built, keeping the files of formats not built this time
    where they were made from the same inputs."""
    rendered = built.rendered
    outputs: dict[str, dict[str, str]] = {
        name: {path.relative_to(output_folder).as_posix(): digest_bytes(data)
               for path, data in files}
        for name, files in rendered.outputs.items()}
    pages = rendered.page_count
    if before is not None and before.fingerprint == rendered.fingerprint:
        for name, files in before.outputs.items():
            outputs.setdefault(name, files)
        if pages is None:
            pages = before.pdf_pages
    return IssueRecord(rendered.fingerprint, outputs,
                       pages if WebPdf.name in outputs else None)


def _moved_since_locked(site: Site, to_render: list[PlannedIssue],
                        reader: InputReader) -> list[str]:
    """One notice if locked issues are about to be built from inputs that moved since they
    were published (a block's new topic, an edited contact, a stylesheet): their files will
    not be the editions published, which `verify` would find later. --frozen refuses them."""
    published = [planned for planned in to_render if planned.issue.front.status == "published"]
    if not published:
        return []
    try:
        lock = read_lock(site)
    except ContentError as error:
        return [str(problem) for problem in error.problems]
    issues, inputs = [], {}
    for planned in published:
        locked = lock.issues.get(reader.label(planned.issue.source))
        if locked is None:
            continue
        _, _, moved = inputs_moved(locked.latest, reader, planned.issue, planned.blocks)
        if moved:
            issues.append(planned.issue.shown)
            inputs.update(dict.fromkeys(moved))
    if not issues:
        return []
    one = len(issues) == 1
    which = issues[0] if one else f"{len(issues)} published issues"
    return [f"{which} {'is' if one else 'are'} built from inputs that changed since "
            f"{'it was' if one else 'they were'} published ({', '.join(sorted(inputs))}), so "
            f"the files here are not {'the edition' if one else 'the editions'} published; "
            "'publisher verify' shows how they differ. Restore the inputs, or "
            "publish a correction (publisher publish ISSUE --correction \"what changed\"), or, "
            "where verify says 'same content', lock the new files with 'publisher relock'"]


def _check_frozen(site: Site, gathered: Gathered, reader: InputReader) -> None:
    lock = read_lock(site)
    problems = []
    for planned in gathered.issues:
        problem = frozen_problem(lock, reader, planned.issue, planned.blocks, gathered.library)
        if problem is not None:
            problems.append(problem)
    if problems:
        raise ContentError(problems, outcome="nothing was written (--frozen)")


def _site_files(site: Site, output_folder: Path, built: list[BuiltIssue], state: BuildState,
                every_issue: list[Issue], library: BlockLibrary, pages: bool, record: bool,
                options: BuildOptions) -> tuple[list[tuple[Path, bytes]], list[Path]]:
    """The build record if `record`, and the archive's pages, feeds and search index if
    `pages` (listing drafts if `drafts`), as they will be once `built` is written; and the
    files to remove: those of the search index the new one replaces, and the archive's
    pages and feeds an earlier build made that this one does not (a topic renamed)."""
    # Only files the record vouches for: an old PDF left by an HTML-only build is not listed.
    recorded = {path for record_of in state.records.values()
                for files in record_of.outputs.values() for path in files}
    sizes = {path: size for path, size in output_sizes(output_folder).items()
             if path in recorded}
    written: dict[str, bytes] = {}
    for issue in built:
        for path, data in (pair for files in issue.rendered.outputs.values() for pair in files):
            sizes[path.relative_to(output_folder).as_posix()] = len(data)
            written[path.relative_to(output_folder).as_posix()] = data
    files = [(output_folder / STATE_FILE, state.data())] if record else []
    if not pages:
        return files, []
    entries = archive_entries(every_issue, sizes, state.page_counts(), options.drafts)
    texts = PageTexts(_read_or_none(output_folder / ARTICLES_FILE))
    found = found_issues(site, library, entries,
                         _page_reader(texts, output_folder, state, written))
    topics = topic_listings(site, found)
    archive = [bundled for page in render_archive(site, output_folder, entries,
                                                  options.pdf_variant, topics)
               for bundled in _bundled(page, site.styles_folder, output_folder)]
    feeds = render_feeds(site, output_folder, entries, topics)
    index, stale = index_update(output_folder / INDEX_FOLDER, search_records(found),
                                site.settings.language)
    # Its stylesheets are the assets' (content-named, shared with the issues' pages): not listed.
    assets = output_folder / ASSETS_FOLDER
    made = [(path, data) for path, data in [*archive, *feeds] if not path.is_relative_to(assets)]
    stale += stale_site_files(output_folder, (path for path, _ in made))
    return [*archive, *feeds, *index, (output_folder / ARTICLES_FILE, texts.data()),
            (output_folder / SITE_LISTING, site_listing(output_folder, made)), *files], stale


def _page_reader(texts: PageTexts, output_folder: Path, state: BuildState,
                 written: dict[str, bytes]) -> Callable[[str], PageText | None]:
    """What reads a page's articles (by its path in the output folder) as this build leaves
    it, from `texts` where the page's digest is known there."""
    digests = {path: digest for record_of in state.records.values()
               for outputs in record_of.outputs.values() for path, digest in outputs.items()}
    digests.update((path, digest_bytes(data)) for path, data in written.items())

    def page_text(path: str) -> PageText | None:
        return texts.read(digests[path], lambda: _page_html(output_folder, path, written)) \
            if path in digests else None

    return page_text


def _read_or_none(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _page_html(output_folder: Path, path: str, written: dict[str, bytes]) -> str | None:
    """The page at `path` in the output folder as this build leaves it: just made, or as an
    earlier build wrote it."""
    try:
        data = written.get(path) or (output_folder / path).read_bytes()
        return data.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _bundled(page: tuple[Path, bytes], styles_folder: Path,
             output_folder: Path) -> list[tuple[Path, bytes]]:
    """An archive page linking its stylesheets as one (see `web_assets`), and that one."""
    path, data = page
    if path.suffix != ".html":
        return [page]
    assets = Path(os.path.relpath(output_folder / ASSETS_FOLDER, path.parent)).as_posix()
    html, bundle = bundle_page(data.decode("utf-8"), styles_folder, assets)
    if bundle is None:
        return [page]
    return [(path, html.encode("utf-8")),
            *((output_folder / ASSETS_FOLDER / name, css) for name, css in bundle.files())]


def checked_output_folder(site: Site, requested: Path | None, take_over: bool = False) -> Path:
    """The output folder, refused where writing would mix outputs into the sources, or, unless
    `take_over`, into a folder of other files (a home folder, a project) whose own
    index.html and the like a build would overwrite."""
    folder = (requested or site.root / site.settings.output).resolve()
    for name in SOURCE_FOLDERS:
        source = (site.root / name).resolve()
        if folder == source or folder.is_relative_to(source) or source.is_relative_to(folder):
            raise OutputFolderError(
                f"the output folder {folder} overlaps the site's {name}/ folder; write the "
                "output somewhere of its own, such as the site's output/ folder")
    if not take_over and _holds_other_files(folder):
        raise OutputFolderError(
            f"the output folder {site.shown(folder)} already holds files that publisher did not "
            f"write (it has no build record, {STATE_FILE.as_posix()}), and a build would "
            "overwrite its index.html and add its own files; build into a new or empty folder, "
            "or add --force to build there all the same")
    return folder


def _holds_other_files(folder: Path) -> bool:
    """Whether `folder` has files in it but no record of a publisher build."""
    try:
        entries = [entry.name for entry in folder.iterdir()]
    except (FileNotFoundError, NotADirectoryError):
        return False
    except OSError:
        return False  # unreadable: the write reports it, with its reason
    return any(name != STATE_FILE.parts[0] for name in entries) and \
        not (folder / STATE_FILE).is_file()


class OutputFolderError(UsageError):
    """The output folder was given where it would overwrite sources: a usage error."""
