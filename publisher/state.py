"""The output folder's record of what it holds: for each issue, the fingerprint its files were
made from, each file with its digest, and its PDF's page count.

Kept in `<output>/.publisher/builds.json`. The next build skips an issue whose fingerprint
has not moved and whose files are still there, unchanged; the archive pages take the page
counts from it. A missing or unreadable record only means everything is built again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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

    def intact(self, output_folder: Path, formats: tuple[str, ...]) -> bool:
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
    def from_json(cls, data: Any) -> IssueRecord:
        outputs = {str(name): {str(path): str(digest) for path, digest in files.items()}
                   for name, files in data["outputs"].items()}
        pages = data.get("pdf_pages")
        return cls(Fingerprint.from_json(data["fingerprint"]), outputs,
                   int(pages) if pages is not None else None)


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
    """The record of the last build into `output_folder`; empty if there is none to trust."""
    try:
        document = json.loads((output_folder / STATE_FILE).read_text(encoding="utf-8"))
        if document.get("format") != _FORMAT:
            return BuildState()
        return BuildState({str(key): IssueRecord.from_json(value)
                           for key, value in document["issues"].items()})
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return BuildState()
