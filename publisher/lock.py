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
from pathlib import Path
from typing import Any

from publisher.blocks import BlockLibrary, PlacedBlock
from publisher.config import Site
from publisher.errors import ContentError, Problem
from publisher.fingerprint import BLOCK, Fingerprint, InputReader, block_digest
from publisher.sources import Issue

LOCK_FILE = "archive-lock.json"
_FORMAT = 1
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

    def as_json(self) -> dict[str, Any]:
        return {"file": self.file, "sha256": self.digest, "bytes": self.size,
                "text": self.text}

    @classmethod
    def from_json(cls, data: Any) -> OutputRecord:
        return cls(str(data["file"]), str(data["sha256"]), int(data["bytes"]),
                   [str(digest) for digest in data["text"]])


@dataclass(frozen=True)
class Edition:
    """An issue as published once: first, then again with each correction."""

    number: int
    recorded: datetime.date
    correction: str | None
    inputs: Fingerprint
    outputs: dict[str, OutputRecord]

    def as_json(self) -> dict[str, Any]:
        return {"edition": self.number, "recorded": self.recorded.isoformat(),
                "correction": self.correction, "inputs": self.inputs.as_json(),
                "outputs": {name: record.as_json()
                            for name, record in sorted(self.outputs.items())}}

    @classmethod
    def from_json(cls, data: Any) -> Edition:
        return cls(int(data["edition"]), datetime.date.fromisoformat(data["recorded"]),
                   data.get("correction"), Fingerprint.from_json(data["inputs"]),
                   {str(name): OutputRecord.from_json(record)
                    for name, record in data["outputs"].items()})


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
    def from_json(cls, data: Any) -> LockedIssue:
        return cls(str(data["title"]), datetime.date.fromisoformat(data["date"]),
                   [Edition.from_json(edition) for edition in data["editions"]])


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
    path = site.root / LOCK_FILE
    if not path.exists():
        return ArchiveLock(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        if document.get("format") != _FORMAT:
            raise ValueError(f"format {document.get('format')!r}, not {_FORMAT}")
        issues = {str(label): LockedIssue.from_json(issue)
                  for label, issue in document["issues"].items()}
        empty = [label for label, issue in issues.items() if not issue.editions]
        if empty:
            raise ValueError(f"{empty[0]} has no editions")
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        line = error.lineno if isinstance(error, json.JSONDecodeError) else None
        raise ContentError([Problem(LOCK_FILE, line, f"cannot be read ({error}); restore it "
                                    "from version control, where it is tracked")],
                           outcome="nothing was done") from None
    return ArchiveLock(path, issues)


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
    before = edition.inputs.without_software()
    now = reader.now(issue, placed, edition.inputs).without_software()
    moved = before.moved(now)
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
