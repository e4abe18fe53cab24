"""Publishing and verifying the archive.

`publish` marks an issue published, builds it and records the edition in the archive lock;
a correction adds a new edition and keeps the earlier ones. `verify` rebuilds locked issues
in a folder of its own and compares them with their latest edition.
"""

from __future__ import annotations

import datetime
import json
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from publisher.build import FORMATS, build, gather, record_key
from publisher.config import Site, read_site
from publisher.errors import ContentError, Problem, PublisherError
from publisher.fingerprint import digest_bytes
from publisher.lock import ArchiveLock, Edition, LockedIssue, OutputRecord, read_lock
from publisher.output import write_atomically
from publisher.sources import Issue, read_issues
from publisher.state import IssueRecord
from publisher.textdigest import html_digest, pdf_page_digests

Outcome = Literal["identical", "same content", "changed", "not locked", "missing", "fails"]
#: The outcomes that fail a verification.
FAILURES: frozenset[Outcome] = frozenset({"changed", "not locked", "missing", "fails"})


@dataclass(frozen=True)
class Published:
    shown: str
    edition: Edition
    files: list[Path]


@dataclass(frozen=True)
class Verdict:
    """How a locked issue compares with the edition it was locked as."""

    shown: str
    outcome: Outcome
    edition: int | None = None
    moved: list[str] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    details: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {"issue": self.shown, "outcome": self.outcome, "edition": self.edition,
                "inputs_moved": self.moved, "pages_differing": self.pages,
                "details": self.details}


def publish(site_root: Path, path: Path, correction: str | None = None,
            on: datetime.date | None = None, output_folder: Path | None = None) -> Published:
    """Publish the issue at `path`, or with `correction` a corrected edition of it."""
    site, issue = _one_issue(site_root, path)
    lock = read_lock(site)
    label = site.shown(issue.source)
    locked = lock.issues.get(label)
    day = on or datetime.date.today()
    text = issue.source.read_text(encoding="utf-8")
    if correction is None:
        if locked is not None:
            raise PublisherError(
                f"{issue.shown} is published already (edition {locked.latest.number}); to "
                "publish a changed version, say what changed: publisher publish "
                f"{issue.shown} --correction \"...\"")
        changed = _with_status_published(text, issue)
    else:
        if locked is None:
            raise PublisherError(f"{issue.shown} has not been published, so it has nothing "
                                 f"to correct; publish it first: publisher publish {issue.shown}")
        changed = _with_correction(text, issue, day, correction)
    if changed != text:
        write_atomically(issue.source, changed.encode("utf-8"))
    try:
        report = build(site_root, [issue.source], FORMATS, output_folder, force=True)
    except BaseException:
        write_atomically(issue.source, text.encode("utf-8"))
        raise
    record = report.records[record_key(issue)]
    edition = Edition(number=len(locked.editions) + 1 if locked else 1, recorded=day,
                      correction=correction, inputs=record.fingerprint,
                      outputs=_output_records(report.output_folder, record))
    earlier = locked.editions if locked else []
    lock.issues[label] = LockedIssue(issue.front.title, issue.front.date, [*earlier, edition])
    write_atomically(lock.path, lock.data())
    files = [report.output_folder / edition.outputs[name].file for name in ("pdf", "html")]
    return Published(issue.shown, edition, files)


def verify(site_root: Path, paths: list[Path] | None = None, jobs: int = 1) -> list[Verdict]:
    """Rebuild the locked issues (all, or those at `paths`) and compare each with its lock."""
    site, problems = read_site(site_root)
    if problems:
        raise ContentError(problems)
    lock = read_lock(site)
    issues, problems = read_issues(site, paths)
    verdicts = [Verdict(problem.path or "", "fails", details=[str(problem)])
                for problem in problems if problem.path]
    failing = {verdict.shown for verdict in verdicts}
    asked = {site.shown(issue.source): issue for issue in issues}
    verdicts.extend(Verdict(shown, "not locked", details=[
        f"published, but not in the archive lock; lock it: publisher publish {shown}"])
        for shown, issue in asked.items()
        if shown not in lock.issues and issue.front.status == "published")
    if paths is None:
        gone = [(label, locked) for label, locked in lock.issues.items()
                if not (site.root / label).exists()]
        verdicts.extend(Verdict(label, "missing", locked.latest.number,
                                details=["locked, but the issue's file is gone; restore it"])
                        for label, locked in gone)
    to_build = [issue for shown, issue in asked.items()
                if shown in lock.issues and shown not in failing]
    verdicts.extend(_rebuild_and_compare(site, lock, to_build, jobs))
    return sorted(verdicts, key=lambda verdict: verdict.shown)


def _rebuild_and_compare(site: Site, lock: ArchiveLock, issues: list[Issue],
                         jobs: int) -> list[Verdict]:
    if not issues:
        return []
    with tempfile.TemporaryDirectory(prefix="publisher-verify-") as folder:
        output = Path(folder)
        try:
            report = build(site.root, [issue.source for issue in issues], FORMATS, output,
                           force=True, jobs=jobs)
        except ContentError as error:
            return _one_by_one(site, lock, issues, error.problems, jobs)
        return [_compare(site.shown(issue.source), lock.issues[site.shown(issue.source)],
                         report.records[record_key(issue)], output) for issue in issues]


def _one_by_one(site: Site, lock: ArchiveLock, issues: list[Issue], problems: list[Problem],
                jobs: int) -> list[Verdict]:
    """After a build of them all failed: the failing issues with their problems, the others
    compared one by one."""
    failing = {problem.path for problem in problems if problem.path}
    verdicts = [Verdict(shown, "fails", lock.issues[shown].latest.number,
                        details=[str(p) for p in problems if p.path == shown])
                for shown in sorted(failing) if shown in lock.issues]
    others = [issue for issue in issues if site.shown(issue.source) not in failing]
    return [*verdicts, *_rebuild_and_compare(site, lock, others, jobs)]


def _compare(shown: str, locked: LockedIssue, record: IssueRecord, output: Path) -> Verdict:
    edition = locked.latest
    moved = [edition.inputs.describe_move(label, record.fingerprint)
             for label in edition.inputs.moved(record.fingerprint)]
    now = _output_records(output, record, with_text=False)
    if all(now[name].digest == edition.outputs[name].digest for name in edition.outputs):
        return Verdict(shown, "identical", edition.number, moved)
    now = _output_records(output, record)
    pages, details = _text_differences(edition, now)
    outcome: Outcome = "same content" if not pages and not details else "changed"
    return Verdict(shown, outcome, edition.number, moved, pages, details)


def _text_differences(edition: Edition, now: dict[str, OutputRecord]) -> tuple[list[int],
                                                                                 list[str]]:
    before_pages, now_pages = edition.outputs["pdf"].text, now["pdf"].text
    pages = [number for number in range(1, max(len(before_pages), len(now_pages)) + 1)
             if before_pages[number - 1:number] != now_pages[number - 1:number]]
    details = []
    if len(before_pages) != len(now_pages):
        details.append(f"the PDF has {len(now_pages)} pages; it had {len(before_pages)}")
    if pages:
        details.append("the text differs on page" + ("s " if len(pages) > 1 else " ")
                       + ", ".join(str(page) for page in pages))
    if edition.outputs["html"].text != now["html"].text:
        details.append("the text of the HTML page differs")
    return pages, details


def _output_records(output: Path, record: IssueRecord,
                    with_text: bool = True) -> dict[str, OutputRecord]:
    """The lock's record of an issue's PDF and HTML page, read from the output folder."""
    records = {}
    for name in ("pdf", "html"):
        file = next(file for file in record.outputs[name] if file.endswith(f".{name}"))
        data = (output / file).read_bytes()
        text = []
        if with_text:
            text = pdf_page_digests(data) if name == "pdf" else [html_digest(data)]
        records[name] = OutputRecord(file, digest_bytes(data), len(data), text)
    return records


def _one_issue(site_root: Path, path: Path) -> tuple[Site, Issue]:
    site, problems = read_site(site_root)
    if problems:
        raise ContentError(problems)
    gathered = gather(site, [path])
    if gathered.problems:
        raise ContentError(gathered.problems)
    if len(gathered.readable) != 1:
        raise PublisherError(f"{path}: give one issue's Markdown file to publish, not a folder")
    return site, gathered.readable[0]


_STATUS = re.compile(r"^(\s*status\s*:\s*)([^#\n]*?)(\s*(?:#.*)?)$")


def _with_status_published(text: str, issue: Issue) -> str:
    line = issue.front_lines.get(("status",))
    lines = text.split("\n")
    if line is None or not _STATUS.match(lines[line - 1]):
        raise PublisherError(f"{issue.shown}: cannot find the line 'status: ...' to mark it "
                             "published; write it as a line of its own")
    lines[line - 1] = _STATUS.sub(r"\1published\3", lines[line - 1])
    return "\n".join(lines)


def _with_correction(text: str, issue: Issue, day: datetime.date, note: str) -> str:
    """`text` with a correction added to the end of its front matter's `corrections:` list."""
    if not note.strip():
        raise PublisherError("--correction needs a note saying what was corrected")
    lines = text.split("\n")
    closing = issue.body_line - 2  # the index of the front matter's closing '---'
    item = [f"  - date: {day.isoformat()}",
            f"    note: {json.dumps(' '.join(note.split()), ensure_ascii=False)}"]
    start = issue.front_lines.get(("corrections",))
    if start is None:
        return "\n".join([*lines[:closing], "corrections:", *item, *lines[closing:]])
    if lines[start - 1].split(":", 1)[1].strip():
        raise PublisherError(f"{issue.shown}:{start}: corrections: write the list one item "
                             "per line ('  - date: ...' then '    note: ...') so a correction "
                             "can be added to it")
    end = start
    while end < closing and (not lines[end].strip() or lines[end][:1] in (" ", "-")):
        end += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return "\n".join([*lines[:end], *item, *lines[end:]])


def verdicts_json(verdicts: list[Verdict]) -> str:
    return json.dumps({"issues": [verdict.as_json() for verdict in verdicts],
                       "ok": not any(verdict.outcome in FAILURES for verdict in verdicts)},
                      indent=2, ensure_ascii=False)

