"""Publishing and verifying the archive.

`publish` marks an issue published, builds it and records the edition in the archive lock;
a correction adds a new edition and keeps the earlier ones. `verify` rebuilds locked issues
in a folder of its own and compares them with their latest edition.
"""

from __future__ import annotations

import codecs
import datetime
import json
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from publisher.archive_lock import (
    LOCK_FILE,
    ArchiveLock,
    Edition,
    LockedIssue,
    OutputRecord,
    read_lock,
)
from publisher.build import BuildOptions, build, checked_output_folder
from publisher.build_mutex import output_lock
from publisher.build_record import IssueRecord
from publisher.config import Site, read_site
from publisher.errors import ContentError, Problem, PublisherError, UsageError
from publisher.fingerprint import digest_bytes
from publisher.formats import FORMATS, named
from publisher.journal import Journal, Repair, begin, end, publication_lock, read_journal, settle
from publisher.output import interrupts_deferred, write_atomically
from publisher.personal_data import DenyList
from publisher.plan import one_issue, record_key
from publisher.sources import Issue, read_issues

Outcome = Literal["identical", "same content", "changed", "not locked", "missing", "fails",
                  "draft"]
#: The outcomes that fail a verification.
FAILURES: frozenset[Outcome] = frozenset({"changed", "not locked", "missing", "fails"})


#: What `publish` says after the problems that stop it.
REFUSED = ("nothing was published; fix them, or silence a warning you have decided is right "
           "(silence: [code])")


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
    #: Whether its files differ only in the addresses of the assets its web page loads.
    asset_addresses: bool = False

    def as_json(self) -> dict[str, object]:
        return {"issue": self.shown, "outcome": self.outcome, "edition": self.edition,
                "inputs_moved": self.moved, "pages_differing": self.pages,
                "details": self.details, "only_asset_addresses_differ": self.asset_addresses}


def publish(site_root: Path, path: Path, correction: str | None = None,
            on: datetime.date | None = None, output_folder: Path | None = None,
            deny_list: DenyList | None = None,
            notice: Callable[[str], None] | None = None) -> Published:
    """Publish the issue at `path`, or with `correction` a corrected edition of it.

    The issue is checked as published first, with `deny_list`: any error or warning stops
    it, and leaves its file as it was (a warning that is right can be silenced). A
    publication stopped earlier is put right first (see `journal`), and `notice` told what
    was done; if it was this one and it had finished, its edition is the one returned.
    """
    site = _read_site(site_root)
    folder = checked_output_folder(site, output_folder)
    # Locked throughout, not only while it builds: two publications at once would each
    # write the archive lock as it was before the other wrote it. The site's lock holds
    # off a publication into another output folder, and any command's repairs.
    with publication_lock(site.root), output_lock(folder, site.shown(folder)):
        repair = _put_right(site, notice)
        issue = one_issue(site, path)
        done = _finished_before(site, issue, correction, repair, folder)
        if done is not None:
            return done
        return _publish(site, issue, correction, on, output_folder, deny_list, notice)


def _put_right(site: Site, notice: Callable[[str], None] | None) -> Repair | None:
    """Put right a publication that was stopped, keeping the journal of one that had
    finished for `_finished_before`."""
    journal = read_journal(site.root)
    if journal is None:
        return None
    repair = settle(site.root, journal, keep_finished=True)
    if repair.message and notice:
        notice(repair.message)
    return repair


def _finished_before(site: Site, issue: Issue, correction: str | None, repair: Repair | None,
                     folder: Path) -> Published | None:
    """The edition a publication stopped after locking it made, if this is that publication
    run again: the same issue, the same correction, the file as it left it. Publishing it
    again would make a second edition of the same change."""
    if repair is None or repair.outcome != "finished":
        return None
    journal = repair.journal
    end(site.root)
    editions = read_lock(site).issues[journal.issue].editions
    if (journal.issue != site.shown(issue.source) or journal.correction != correction
            or issue.source.read_bytes() != journal.edited or len(editions) != journal.edition):
        return None
    return Published(issue.shown, editions[-1], _files(folder, editions[-1]))


def _publish(site: Site, issue: Issue, correction: str | None, on: datetime.date | None,
             output_folder: Path | None, deny_list: DenyList | None,
             notice: Callable[[str], None] | None) -> Published:
    lock = read_lock(site)
    label = site.shown(issue.source)
    locked = lock.issues.get(label)
    day = on or datetime.date.today()
    original = issue.source.read_bytes()
    changed = _edited_source(original, issue, locked, correction, day)
    journal = Journal(label, len(locked.editions) + 1 if locked else 1, correction, original,
                      changed)
    if changed != original:
        begin(site.root, journal)  # before the file is touched: a crash now is put right
    try:
        if changed != original:
            write_atomically(issue.source, changed)
        # Checked as 'publisher check --strict' would, in the same build that makes it: any
        # error or warning (a TODO, personal data, a name on the deny-list) stops it.
        options = BuildOptions(output_folder=output_folder, force=True,
                               deny_list=deny_list or DenyList(), strict=True)
        try:
            report = build(site.root, [issue.source], options)
        except ContentError as error:
            raise ContentError(error.problems, outcome=REFUSED) from None
        record = report.records[record_key(issue)]
        edition = Edition(number=journal.edition, recorded=day, correction=correction,
                          inputs=record.fingerprint,
                          outputs=_output_records(report.output_folder, record,
                                                  record_key(issue)))
        lock.issues[label] = LockedIssue(issue.front.title, issue.front.date,
                                         [*(locked.editions if locked else []), edition])
        write_atomically(lock.path, lock.data())
    except BaseException:  # Ctrl-C and SIGTERM included
        if changed != original:
            _undo(site, journal, notice)
        raise
    # Out of the `try`: stopped from here on, the journal stays, and says it had finished.
    end(site.root)
    return Published(issue.shown, edition, _files(report.output_folder, edition))


def _files(folder: Path, edition: Edition) -> list[Path]:
    """The files of `edition` in the output `folder`, in the order of the formats."""
    return [folder / edition.outputs[output_format.name].file for output_format in FORMATS
            if output_format.name in edition.outputs]


def _undo(site: Site, journal: Journal, notice: Callable[[str], None] | None) -> None:
    """After a publication failed or was stopped: its file back as it was, unless it was
    locked already (then the journal stays, to tell a publish run again that it is done).
    Whatever cannot be done now is left to the next command, with the journal."""
    try:
        with interrupts_deferred():  # a second Ctrl-C waits for the file to be put back
            repair = settle(site.root, journal, keep_finished=True)
    except PublisherError:
        return
    if repair.outcome == "left" and repair.message and notice:
        notice(repair.message)


def verify(site_root: Path, paths: list[Path] | None = None, jobs: int = 1) -> list[Verdict]:
    """Rebuild the locked issues (all, or those at `paths`) and compare each with its lock."""
    site = _read_site(site_root)
    return _verdicts(site, read_lock(site), paths, jobs)


#: Told of each issue rebuilt and compared: its label, verdict and record, and the folder
#: its files are in (only while it is told).
Keep = Callable[[str, Verdict, IssueRecord, Path, str], None]


@dataclass(frozen=True)
class Relocked:
    """What `relock` did with one locked issue."""

    shown: str
    outcome: Literal["relocked", "unchanged", "refused"]
    edition: int | None
    details: list[str] = field(default_factory=list)


def relock(site_root: Path, paths: list[Path] | None = None, jobs: int = 1,
           on: datetime.date | None = None) -> list[Relocked]:
    """Record a new edition of each locked issue (all, or those at `paths`) whose readers
    would find nothing new, though what it is made from moved: its files the same byte for
    byte (a stylesheet rule it does not use, say), or the same text on every page with only
    the software or system moved (an upgrade). Every other change is refused, with what
    differs: that is a correction. The earlier editions stay in the lock."""
    site = _read_site(site_root)
    with publication_lock(site.root):
        lock = read_lock(site)
        made: dict[str, Edition] = {}
        day = on or datetime.date.today()

        def keep(shown: str, verdict: Verdict, record: IssueRecord, output: Path,
                 key: str) -> None:
            if verdict.outcome in ("identical", "same content") and verdict.moved:
                edition = lock.issues[shown].latest
                made[shown] = Edition(edition.number + 1, day, None, record.fingerprint,
                                      _output_records(output, record, key), _why(verdict))

        results = [_relocked(verdict, made.get(verdict.shown))
                   for verdict in _verdicts(site, lock, paths, jobs, keep)]
        for shown, edition in made.items():
            lock.issues[shown].editions.append(edition)
        if made:
            write_atomically(lock.path, lock.data())
    return results


def _why(verdict: Verdict) -> str:
    """The reason a re-locked edition records."""
    moved = "; ".join(verdict.moved)
    if verdict.outcome == "identical":
        return f"its files are the same, byte for byte, but its inputs moved: {moved}"
    if verdict.asset_addresses:
        return ("its files are the same but for what its web page loads from the styles "
                f"folder (stylesheet, fonts, favicon); its inputs moved: {moved}")
    return f"its text is the same on every page; only the software moved: {moved}"


def _relocked(verdict: Verdict, edition: Edition | None) -> Relocked:
    if edition is not None:
        return Relocked(verdict.shown, "relocked", edition.number, [edition.relocked or ""])
    if verdict.outcome == "identical":
        return Relocked(verdict.shown, "unchanged", verdict.edition,
                        ["as locked: its inputs and its files"])
    details = list(verdict.details)
    if verdict.moved:
        details.append("inputs that moved: " + "; ".join(verdict.moved))
    if verdict.outcome in ("changed", "same content"):
        details.append("a change readers would see is published as a correction: publisher "
                       f"publish {verdict.shown} --correction \"what changed\"")
    return Relocked(verdict.shown, "refused", verdict.edition, details)


def _verdicts(site: Site, lock: ArchiveLock, paths: list[Path] | None, jobs: int,
              keep: Keep | None = None) -> list[Verdict]:
    """Each locked (or published) issue at `paths`, or all, rebuilt and compared."""
    for path in paths or []:
        if not path.exists() and not any(_asked(site, label, [path]) for label in lock.issues):
            raise UsageError(f"{str(path)!r} does not exist, and is not an issue in the archive "
                             "lock", option="ISSUES")
    gone = {label for label in lock.issues
            if not (site.root / label).exists() and _asked(site, label, paths)}
    existing = [path for path in paths or [] if path.exists()]
    issues, problems = (read_issues(site) if paths is None
                        else read_issues(site, existing) if existing else ([], []))
    verdicts = [Verdict(label, "missing", lock.issues[label].latest.number,
                        details=["locked, but the issue's file is gone; restore it"])
                for label in sorted(gone)]
    verdicts.extend(_failing(lock, problems))
    asked = {site.shown(issue.source): issue for issue in issues}
    verdicts.extend(Verdict(shown, "not locked", details=[
        f"published, but not in the archive lock; lock it: publisher publish {shown}"])
        for shown, issue in asked.items()
        if shown not in lock.issues and issue.front.status == "published")
    verdicts.extend(Verdict(shown, "draft", details=["not published, so nothing to verify"])
                    for shown, issue in asked.items()
                    if paths and shown not in lock.issues and issue.front.status == "draft")
    failing = {verdict.shown for verdict in verdicts}
    to_build = [issue for shown, issue in asked.items()
                if shown in lock.issues and shown not in failing]
    verdicts.extend(_rebuild_and_compare(site, lock, to_build, jobs, keep))
    return sorted(verdicts, key=lambda verdict: verdict.shown)


def _asked(site: Site, label: str, paths: list[Path] | None) -> bool:
    """Whether the locked issue `label` is among `paths` (or in a folder among them)."""
    if paths is None:
        return True
    path = (site.root / label).resolve()
    return any(path == asked.resolve() or path.is_relative_to(asked.resolve())
               for asked in paths)


def _failing(lock: ArchiveLock, problems: list[Problem]) -> list[Verdict]:
    """A verdict for each locked issue that has problems; other files are not verify's
    business (a draft being written, say)."""
    by_file: dict[str, list[str]] = {}
    for problem in problems:
        if problem.path in lock.issues:
            by_file.setdefault(problem.path, []).append(str(problem))
    return [Verdict(shown, "fails", lock.issues[shown].latest.number, details=details)
            for shown, details in by_file.items()]


def _rebuild_and_compare(site: Site, lock: ArchiveLock, issues: list[Issue],
                         jobs: int, keep: Keep | None = None) -> list[Verdict]:
    if not issues:
        return []
    with tempfile.TemporaryDirectory(prefix="publisher-verify-") as folder:
        output = Path(folder)
        try:
            report = build(site.root, [issue.source for issue in issues],
                           BuildOptions(output_folder=output, force=True, jobs=jobs))
        except ContentError as error:
            return _after_failure(site, lock, issues, error.problems, jobs, keep)
        verdicts = []
        for issue in issues:
            shown, key = site.shown(issue.source), record_key(issue)
            record = report.records[key]
            verdicts.append(_compare(shown, lock.issues[shown], record, output, key))
            if keep is not None:
                keep(shown, verdicts[-1], record, output, key)
        return verdicts


def _after_failure(site: Site, lock: ArchiveLock, issues: list[Issue],
                   problems: list[Problem], jobs: int, keep: Keep | None) -> list[Verdict]:
    """After a build of them all failed: the issues it names fail, the others are compared
    without them. If it names none of them (a broken block or template), all fail."""
    verdicts = _failing(lock, problems)
    failing = {verdict.shown for verdict in verdicts}
    if not failing & {site.shown(issue.source) for issue in issues}:
        details = [str(problem) for problem in problems]
        return [Verdict(site.shown(issue.source), "fails",
                        lock.issues[site.shown(issue.source)].latest.number, details=details)
                for issue in issues]
    others = [issue for issue in issues if site.shown(issue.source) not in failing]
    return [*verdicts, *_rebuild_and_compare(site, lock, others, jobs, keep)]


def _compare(shown: str, locked: LockedIssue, record: IssueRecord, output: Path,
             key: str) -> Verdict:
    edition = locked.latest
    moved = [edition.inputs.describe_move(label, record.fingerprint)
             for label in edition.inputs.moved(record.fingerprint)]
    now = _output_records(output, record, key, with_text=False)
    differing = _differing_files(edition.outputs, now)
    if not differing:
        return Verdict(shown, "identical", edition.number, moved)
    if moved and _only_asset_addresses(differing, edition.outputs, now):
        return Verdict(shown, "same content", edition.number, moved, details=[
            "its files differ only in what its web page loads from the styles folder: the "
            "addresses of its stylesheet and fonts, which carry their digests, the fonts it "
            "preloads, its favicon"], asset_addresses=True)
    now = _output_records(output, record, key)
    pages, details = _text_differences(edition, now)
    details += [output_format.gone for output_format in FORMATS
                if output_format.name in edition.outputs and output_format.name not in now]
    # Only new software may change the bytes and keep the reading: a new stylesheet, image
    # or link address keeps the words but is a change a reader would see.
    by_issue = edition.inputs.without_software().moved(record.fingerprint.without_software())
    if by_issue and not details:
        details.append("the text is the same, but the issue's own inputs moved")
    if not by_issue and not edition.inputs.software_moved(record.fingerprint):
        details.append(_unexplained(differing))
    outcome: Outcome = "same content" if not pages and not details else "changed"
    return Verdict(shown, outcome, edition.number, moved, pages, details)


def _differing_files(locked: dict[str, OutputRecord],
                     now: dict[str, OutputRecord]) -> list[tuple[str, str]]:
    """The files whose path, digest or size is not as locked: each by its lock name, with its
    path in the output folder. A size that disagrees with a digest that agrees is a lock that
    was tampered with, not a match."""
    differing = []
    for output_format in FORMATS:
        before, after = locked.get(output_format.name), now.get(output_format.name)
        either = after or before
        if either is not None and _as_locked(before) != _as_locked(after):
            differing.append((output_format.name, either.file))
    return differing


def _only_asset_addresses(differing: list[tuple[str, str]], locked: dict[str, OutputRecord],
                          now: dict[str, OutputRecord]) -> bool:
    """Whether the files that differ do so only in what they load from the styles folder
    (see `web_assets.without_asset_digests`): a web page whose stylesheet moved, which
    before bundling loaded it by the same name and did not change."""
    for name, _ in differing:
        before, after = locked.get(name), now.get(name)
        if before is None or after is None or before.without_asset_digests is None or \
                (before.file, before.without_asset_digests) != \
                (after.file, after.without_asset_digests):
            return False
    return True


def _as_locked(record: OutputRecord | None) -> tuple[str, str, int] | None:
    return None if record is None else (record.file, record.digest, record.size)


def _unexplained(differing: list[tuple[str, str]]) -> str:
    """Why bytes that moved with none of the inputs are a failure, and what to do."""
    files = [f"{named(name).described} ({file})" for name, file in differing]
    listed = files[0] if len(files) == 1 else ", ".join(files[:-1]) + " and " + files[-1]
    return (f"the bytes of {listed} differ from the lock, yet none of the inputs moved: the "
            f"lock or the build is not what it was; restore {LOCK_FILE} from version control "
            f"(git checkout -- {LOCK_FILE}) and verify again, and if it still differs, find "
            "what changed on this machine since the issue was locked")


def _text_differences(edition: Edition, now: dict[str, OutputRecord]) -> tuple[list[int],
                                                                                 list[str]]:
    """The pages whose text differs, and what differs in words, in each format whose text
    verify compares (see `formats`)."""
    pages: list[int] = []
    details = []
    for output_format in FORMATS:
        before, after = edition.outputs.get(output_format.name), now.get(output_format.name)
        if not output_format.compares_text or before is None or after is None:
            continue
        if not output_format.paged:
            if before.text != after.text:
                details.append(f"the text of {output_format.described} differs")
            continue
        differ = [number for number in range(1, max(len(before.text), len(after.text)) + 1)
                  if before.text[number - 1:number] != after.text[number - 1:number]]
        if len(before.text) != len(after.text):
            details.append(f"the PDF has {len(after.text)} pages; it had {len(before.text)}")
        if differ:
            details.append("the text differs on page" + ("s " if len(differ) > 1 else " ")
                           + ", ".join(str(page) for page in differ))
        pages += differ
    return pages, details


def _output_records(output: Path, record: IssueRecord, key: str,
                    with_text: bool = True) -> dict[str, OutputRecord]:
    """The lock's record of the issue `key`'s files, read from the output folder: each
    format's own file (see `formats`), by the format's name."""
    series, _, slug = key.partition("/")
    records = {}
    for output_format in FORMATS:
        if output_format.name not in record.outputs:
            continue
        file = output_format.own_file(series, slug)
        data = (output / file).read_bytes()
        text = output_format.text(data) if with_text else []
        unaddressed = output_format.without_asset_digests(data)
        records[output_format.name] = OutputRecord(
            file, digest_bytes(data), len(data), text,
            None if unaddressed is None else digest_bytes(unaddressed))
    return records


def _read_site(site_root: Path) -> Site:
    site, problems = read_site(site_root)
    if problems:
        raise ContentError(problems)
    return site


_STATUS = re.compile(r"^(\s*status\s*:\s*)([^#\n]*?)(\s*(?:#.*)?)$")


def _edited_source(original: bytes, issue: Issue, locked: LockedIssue | None,
                   correction: str | None, day: datetime.date) -> bytes:
    """The issue's file marked published, or with `correction` added; its byte-order mark
    and line endings kept."""
    bom = codecs.BOM_UTF8 if original.startswith(codecs.BOM_UTF8) else b""
    text = original[len(bom):].decode("utf-8")
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.replace("\r\n", "\n").split("\n")
    if correction is None:
        if locked is not None:
            raise PublisherError(
                f"{issue.shown} is published already (edition {locked.latest.number}); to "
                "publish a changed version, say what changed: publisher publish "
                f"{issue.shown} --correction \"...\"")
        lines = _with_status_published(lines, issue)
    else:
        if locked is None:
            raise PublisherError(f"{issue.shown} has not been published, so it has nothing "
                                 f"to correct; publish it first: publisher publish {issue.shown}")
        lines = _with_correction(lines, issue, day, correction)
    return bom + newline.join(lines).encode("utf-8")


def _with_status_published(lines: list[str], issue: Issue) -> list[str]:
    line = issue.front_lines.get(("status",))
    if line is None or not _STATUS.match(lines[line - 1]):
        raise PublisherError("cannot find the line 'status: ...' to mark the issue published; "
                             "write it as a line of its own", path=issue.shown, line=line)
    return [*lines[:line - 1], _STATUS.sub(r"\1published\3", lines[line - 1]), *lines[line:]]


def _with_correction(lines: list[str], issue: Issue, day: datetime.date,
                     note: str) -> list[str]:
    """`lines` with a correction added to the end of the front matter's `corrections:`."""
    last = issue.front.corrections[-1].date if issue.front.corrections else issue.front.date
    if day < last:
        raise UsageError(f"{day.isoformat()} is before {last.isoformat()}, the date of the "
                         "issue or its last correction", option="--date")
    note = json.dumps(" ".join(note.split()), ensure_ascii=False)
    closing = issue.body_line - 2  # the index of the front matter's closing '---'
    start = issue.front_lines.get(("corrections",))
    if start is None:
        return [*lines[:closing], "corrections:", f"  - date: {day.isoformat()}",
                f"    note: {note}", *lines[closing:]]
    value = lines[start - 1].split(":", 1)[1].split("#")[0].strip()
    if value == "[]":
        lines = [*lines[:start - 1], lines[start - 1].replace("[]", "", 1).rstrip(),
                 *lines[start:]]
    elif value:
        raise PublisherError("corrections: write the list one item per line ('  - date: ...' "
                             "then '    note: ...') so a correction can be added to it",
                             path=issue.shown, line=start)
    end = start
    while end < closing and (not lines[end].strip() or lines[end][:1] in (" ", "-")):
        end += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    items = [line for line in lines[start:end] if line.lstrip().startswith("-")]
    indent = items[0][:len(items[0]) - len(items[0].lstrip())] if items else "  "
    return [*lines[:end], f"{indent}- date: {day.isoformat()}", f"{indent}  note: {note}",
            *lines[end:]]


def verdicts_json(verdicts: list[Verdict]) -> str:
    return json.dumps({"issues": [verdict.as_json() for verdict in verdicts],
                       "ok": not any(verdict.outcome in FAILURES for verdict in verdicts)},
                      indent=2, ensure_ascii=False)

