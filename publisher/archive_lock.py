"""The archive lock, `archive-lock.json` at the site root: for each published issue, every
edition with what it was made from (its fingerprint) and what it became (each file's
digest, size and the digests of its text).

It is tracked with the sources. `publisher publish` adds editions, `publisher verify` rebuilds
and compares with the latest, and `publisher build --frozen` refuses to build a published
issue whose inputs moved since.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from publisher import strictjson as strict
from publisher.blocks import BlockLibrary, PlacedBlock
from publisher.config import Site
from publisher.errors import ContentError, Problem
from publisher.fingerprint import BLOCK, Fingerprint, InputReader, block_digest
from publisher.formats import FORMATS
from publisher.sources import Issue

LOCK_FILE = "archive-lock.json"
_FORMAT = 1
_WITHOUT_ASSET_DIGESTS = "sha256-without-asset-digests"
_ABOUT = ("Written by 'publisher publish': what each published issue was made from and what "
          "it became. 'publisher verify' checks the archive against it. Do not edit it by hand.")


@dataclass(frozen=True)
class OutputRecord:
    """One file of an edition: where it is in the output folder, its digest and size, and
    the digests of its text (a PDF's pages, an HTML page's whole text)."""

    file: str
    digest: str
    size: int
    text: list[str]
    #: A web page's digest with the digests in its assets' addresses left out (see
    #: `web_assets`): the same when only the stylesheet or fonts it loads moved.
    without_asset_digests: str | None = None

    def as_json(self) -> dict[str, Any]:
        document: dict[str, Any] = {"file": self.file, "sha256": self.digest,
                                    "bytes": self.size, "text": self.text}
        if self.without_asset_digests is not None:
            document[_WITHOUT_ASSET_DIGESTS] = self.without_asset_digests
        return document

    @classmethod
    def from_json(cls, data: Any, where: tuple[str, ...]) -> OutputRecord:
        """The record in `data`, at `where` in the lock; raises Damage."""
        data = strict.mapping(data, where)
        file = strict.text(strict.field(data, "file", where), (*where, "file"))
        path = PurePosixPath(file)
        if not file or path.is_absolute() or ".." in path.parts or "\\" in file:
            raise strict.Damage((*where, "file"), f"{strict.shown(file)} is not the path of a "
                                "file in the output folder")
        text = strict.items(strict.field(data, "text", where), (*where, "text"),
                            "a list of digests")
        unaddressed = data.get(_WITHOUT_ASSET_DIGESTS)
        return cls(file, strict.digest(strict.field(data, "sha256", where), (*where, "sha256")),
                   strict.whole(strict.field(data, "bytes", where), (*where, "bytes"),
                                "a whole number of bytes"),
                   [strict.digest(digest, (*where, "text", str(number)))
                    for number, digest in enumerate(text, 1)],
                   None if unaddressed is None else
                   strict.digest(unaddressed, (*where, _WITHOUT_ASSET_DIGESTS)))


@dataclass(frozen=True)
class Edition:
    """An issue as published once: first, then again with each correction, and again each
    time it is re-locked (`publisher relock`: its words the same, its inputs or software new,
    and why in `relocked`)."""

    number: int
    recorded: datetime.date
    correction: str | None
    inputs: Fingerprint
    outputs: dict[str, OutputRecord]
    relocked: str | None = None

    def as_json(self) -> dict[str, Any]:
        document = {"edition": self.number, "recorded": self.recorded.isoformat(),
                    "correction": self.correction, "inputs": self.inputs.as_json(),
                    "outputs": {name: record.as_json()
                                for name, record in sorted(self.outputs.items())}}
        if self.relocked is not None:  # an edition that was never re-locked is as it was
            document["relocked"] = self.relocked
        return document

    @classmethod
    def from_json(cls, data: Any, where: tuple[str, ...], number: int) -> Edition:
        """Edition `number` (its place in the list) in `data`, at `where`; raises Damage."""
        data = strict.mapping(data, where)
        written = strict.whole(strict.field(data, "edition", where), (*where, "edition"),
                               "an edition number", least=1)
        if written != number:
            raise strict.Damage((*where, "edition"), f"{written} is not {number}, its place "
                                "in the list of editions")
        correction = data.get("correction")
        if correction is not None:
            strict.text(correction, (*where, "correction"), "text or null")
        relocked = data.get("relocked")
        if relocked is not None:
            strict.text(relocked, (*where, "relocked"), "text")
        return cls(number, strict.day(strict.field(data, "recorded", where),
                                      (*where, "recorded")),
                   correction, _fingerprint(strict.field(data, "inputs", where),
                                            (*where, "inputs")),
                   _outputs(strict.field(data, "outputs", where), (*where, "outputs")),
                   relocked)


@dataclass
class LockedIssue:
    """A published issue's record: every edition, oldest first."""

    title: str
    date: datetime.date
    editions: list[Edition] = field(default_factory=list)

    @property
    def latest(self) -> Edition:
        return self.editions[-1]

    def as_json(self) -> dict[str, Any]:
        return {"title": self.title, "date": self.date.isoformat(),
                "editions": [edition.as_json() for edition in self.editions]}

    @classmethod
    def from_json(cls, data: Any, where: tuple[str, ...]) -> LockedIssue:
        """The issue in `data`, at `where` in the lock; raises Damage."""
        data = strict.mapping(data, where)
        editions = strict.items(strict.field(data, "editions", where), (*where, "editions"),
                                "a list of editions")
        if not editions:
            raise strict.Damage((*where, "editions"), "the list is empty; a locked issue "
                                "has at least one edition")
        return cls(strict.text(strict.field(data, "title", where), (*where, "title")),
                   strict.day(strict.field(data, "date", where), (*where, "date")),
                   [Edition.from_json(edition, (*where, "editions", str(number)), number)
                    for number, edition in enumerate(editions, 1)])


@dataclass
class ArchiveLock:
    """Every locked issue, by the path of its file from the site root."""

    path: Path
    issues: dict[str, LockedIssue] = field(default_factory=dict)

    def data(self) -> bytes:
        document = {"about": _ABOUT, "format": _FORMAT,
                    "issues": {label: issue.as_json()
                               for label, issue in sorted(self.issues.items())}}
        return (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def read_lock(site: Site) -> ArchiveLock:
    """The site's archive lock; an empty one if the site has none yet."""
    return read_lock_file(site.root / LOCK_FILE)


def read_lock_file(path: Path) -> ArchiveLock:
    """The archive lock at `path`; an empty one if there is none. Raises ContentError, saying
    where, if it is damaged."""
    if not path.exists():
        return ArchiveLock(path)
    try:
        document = strict.parse(path.read_text(encoding="utf-8"))
        return ArchiveLock(path, _issues(strict.mapping(document, (), "a map of settings")))
    except UnicodeDecodeError:
        raise _damaged(None, "it is not UTF-8 text") from None
    except OSError as error:
        raise _damaged(None, error.strerror or str(error)) from None
    except strict.Unparsable as error:
        raise _damaged(error.line, error.what) from None
    except strict.Damage as damage:
        raise _damaged(None, str(damage)) from None


#: How to put a damaged lock right: it is tracked in version control with the sources.
RESTORE = f"restore it from version control, where it is tracked (git checkout -- {LOCK_FILE})"


def _damaged(line: int | None, what: str) -> ContentError:
    return ContentError([Problem(LOCK_FILE, line, f"cannot be read: {what}; {RESTORE}")],
                        outcome="nothing was done")


def _issues(document: dict[str, Any]) -> dict[str, LockedIssue]:
    """The locked issues of the lock `document`; raises Damage."""
    written = strict.field(document, "format", ())
    if strict.whole(written, ("format",), "a format number") != _FORMAT:
        raise strict.Damage(("format",), f"{written} is not {_FORMAT}, the format this version "
                            "of publisher reads; a newer publisher may have written it")
    issues = strict.mapping(strict.field(document, "issues", ()), ("issues",),
                            "a map of issues")
    for label in issues:
        path = PurePosixPath(label)
        if (path.is_absolute() or ".." in path.parts or path.parts[:1] != ("issues",)
                or path.suffix != ".md"):
            raise strict.Damage(("issues", label), "this is not the path of an issue's file "
                                "from the site folder, such as issues/<series>/<issue>.md")
    return {label: LockedIssue.from_json(issue, ("issues", label))
            for label, issue in issues.items()}


def _fingerprint(data: Any, where: tuple[str, ...]) -> Fingerprint:
    inputs = strict.mapping(data, where, "a map of inputs")
    return Fingerprint({label: strict.text(digest, (*where, label))
                        for label, digest in inputs.items()})


def _outputs(data: Any, where: tuple[str, ...]) -> dict[str, OutputRecord]:
    """The files of an edition, by the names of their formats (read when the lock is, so a
    format registered later is known)."""
    outputs = strict.mapping(data, where, "a map of files")
    known = [output_format.name for output_format in FORMATS]
    for name in outputs:
        if name not in known:
            raise strict.Damage((*where, name), "is not a file an edition has (they are "
                                f"{', '.join(known)})")
    for output_format in FORMATS:
        if output_format.in_every_edition:
            strict.field(outputs, output_format.name, where)
    return {name: OutputRecord.from_json(record, (*where, name))
            for name, record in outputs.items()}


def frozen_problem(lock: ArchiveLock, reader: InputReader, issue: Issue,
                   placed: list[PlacedBlock], library: BlockLibrary) -> Problem | None:
    """Why `issue` may not be built with --frozen, or None if it may."""
    locked = lock.issues.get(reader.label(issue.source))
    if locked is None:
        if issue.front.status != "published":
            return None
        return Problem(issue.shown, issue.front_lines.get(("status",)), "is published but "
                       f"not in {LOCK_FILE}, so --frozen cannot vouch for it; lock it with "
                       f"'publisher publish {issue.shown}'")
    edition = locked.latest
    before, now, moved = inputs_moved(edition, reader, issue, placed)
    if not moved:
        return None
    what = "; ".join(before.describe_move(label, now) for label in moved)
    pins = [pin for label in moved if (pin := _pin(label, before, library))]
    advice = ("restore " + ("it" if len(moved) == 1 else "them") + ", "
              + (f"pin the version it showed ({', '.join(pins)}), " if pins else "")
              + f"or publish a correction: publisher publish {issue.shown} "
              "--correction \"what changed\"")
    return Problem(issue.shown, None, f"published (edition {edition.number}), but "
                   f"{len(moved)} of its inputs changed since it was locked: {what}; {advice}")


def inputs_moved(edition: Edition, reader: InputReader, issue: Issue,
                 placed: list[PlacedBlock]) -> tuple[Fingerprint, Fingerprint, list[str]]:
    """The inputs of the locked `edition` of `issue` and those it has now, the software left
    out (a new WeasyPrint is for `verify` to judge by the bytes); and the labels of the
    inputs that moved between the two."""
    before = edition.inputs.without_software()
    now = reader.now(issue, placed, edition.inputs).without_software()
    return before, now, before.moved(now)


def _pin(label: str, before: Fingerprint, library: BlockLibrary) -> str | None:
    """The placement that pins the block version the locked edition showed, if it exists."""
    if not label.startswith(BLOCK):
        return None
    name = label.removeprefix(BLOCK)
    block = library.blocks.get(name)
    if block is None:
        return None
    for version in block.versions:
        if block_digest(block, version) == before.inputs.get(label):
            return f"[[{name} | version: {version.number}]]"
    return None
