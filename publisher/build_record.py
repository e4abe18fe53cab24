"""The output folder's record of what it holds: for each issue, the fingerprint its files were
made from, each file with its digest, and its PDF's page count.

Kept in `<output>/.publisher/builds.json`. The next build skips an issue whose fingerprint
has not moved and whose files are still there, unchanged; the archive pages take the page
counts from it. A missing or unreadable record only means everything is built again.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publisher import strictjson as strict
from publisher.fingerprint import Fingerprint, digest_bytes

STATE_FILE = Path(".publisher") / "builds.json"
_FORMAT = 1


@dataclass(frozen=True)
class IssueRecord:
    """What the output folder holds for one issue, and what it was made from."""

    fingerprint: Fingerprint
    #: For each format, the files it wrote (paths from the output folder) and their digests.
    outputs: dict[str, dict[str, str]]
    pdf_pages: int | None = None

    def intact(self, output_folder: Path, formats: Iterable[str]) -> bool:
        """Whether every file of `formats` is in the output folder as it was written."""
        for output_format in formats:
            files = self.outputs.get(output_format)
            if not files:
                return False
            for relative, digest in files.items():
                try:
                    data = (output_folder / relative).read_bytes()
                except OSError:
                    return False
                if digest_bytes(data) != digest:
                    return False
        return True

    def as_json(self) -> dict[str, Any]:
        return {"fingerprint": self.fingerprint.as_json(),
                "outputs": {name: dict(sorted(files.items()))
                            for name, files in sorted(self.outputs.items())},
                "pdf_pages": self.pdf_pages}

    @classmethod
    def from_json(cls, data: Any, where: tuple[str, ...] = ()) -> IssueRecord:
        """The record in `data`; raises strictjson.Damage if it is not as a build writes it."""
        data = strict.mapping(data, where)
        outputs = {name: _files(files, (*where, "outputs", name)) for name, files in
                   strict.mapping(strict.field(data, "outputs", where),
                                      (*where, "outputs")).items()}
        pages = data.get("pdf_pages")
        return cls(Fingerprint.from_json(strict.field(data, "fingerprint", where)), outputs,
                   None if pages is None else strict.whole(pages, (*where, "pdf_pages"),
                                                           "a page count"))


def _files(data: Any, where: tuple[str, ...]) -> dict[str, str]:
    """A format's files, each a path inside the output folder with its digest."""
    files = strict.mapping(data, where)
    for path in files:
        if not strict.inside(path):
            raise strict.Damage(where, f"{strict.shown(path)} is not inside the output folder")
    return {path: strict.digest(digest, (*where, path)) for path, digest in files.items()}


@dataclass
class BuildState:
    """Every issue's record, by `<series>/<issue>`."""

    records: dict[str, IssueRecord] = field(default_factory=dict)

    def page_counts(self) -> dict[str, int]:
        """The page count of each PDF, by its path in the output folder."""
        counts = {}
        for record in self.records.values():
            for relative in record.outputs.get("pdf", {}):
                if record.pdf_pages is not None:
                    counts[relative] = record.pdf_pages
        return counts

    def data(self) -> bytes:
        """The record file's bytes: sorted, no clock, so an unchanged build rewrites nothing."""
        document = {"format": _FORMAT,
                    "issues": {key: record.as_json()
                               for key, record in sorted(self.records.items())}}
        return (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def read_state(output_folder: Path) -> BuildState:
    """The record of the last build into `output_folder`; empty if there is none to trust.

    Whatever is wrong with it (a damaged file, a number too large, nesting too deep), the
    cost is only a build of everything: the record is written again after it.
    """
    try:
        document = strict.mapping(
            strict.parse((output_folder / STATE_FILE).read_text(encoding="utf-8")), ())
        if document.get("format") != _FORMAT:
            return BuildState()
        issues = strict.mapping(strict.field(document, "issues", ()), ("issues",))
        return BuildState({key: IssueRecord.from_json(value, ("issues", key))
                           for key, value in issues.items()})
    except (OSError, ValueError):  # strictjson's Damage and Unparsable are ValueErrors too
        return BuildState()


def as_written(path: Path, digest: str) -> bool:
    """Whether the file at `path` is still as a build wrote it (with `digest`): not changed,
    and not replaced by a link, since. A build removes only such files."""
    try:
        return path.is_file() and not path.is_symlink() and \
            digest_bytes(path.read_bytes()) == digest
    except OSError:
        return False
