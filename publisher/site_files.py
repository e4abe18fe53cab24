"""The output folder's record of the archive's own files: its pages and feeds (home page,
series pages, topic pages, search page, statement, Atom feeds), each with its digest.

Kept in `<output>/.publisher/site-files.json`. An archive file is made again every build,
but one that is no longer made (the page of a topic renamed or dropped from site.yml, a
series' feed after the series went) would otherwise stay in the folder, still linked from
search engines and feed readers, and taken for current. The next build removes each file
this record holds that the build no longer makes, if it is still as the build wrote it:
a file someone changed since is left alone.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from publisher import strictjson as strict
from publisher.build_record import as_written
from publisher.fingerprint import digest_bytes

LISTING_FILE = Path(".publisher") / "site-files.json"
_FORMAT = 1
_ABOUT = ("Written by 'publisher build': the archive's pages and feeds it made, so that the "
          "next build removes those it no longer makes. Safe to delete.")


def site_listing(output_folder: Path, files: Iterable[tuple[Path, bytes]]) -> bytes:
    """The record of the archive's `files` (paths inside `output_folder`, and their bytes)."""
    listed = {path.relative_to(output_folder).as_posix(): digest_bytes(data)
              for path, data in files}
    document = {"about": _ABOUT, "format": _FORMAT, "files": dict(sorted(listed.items()))}
    return json.dumps(document, indent=1).encode("utf-8") + b"\n"


def stale_site_files(output_folder: Path, made: Iterable[Path]) -> list[Path]:
    """The archive files the last build recorded that this one does not make (`made`), and
    that are still as that build wrote them, sorted."""
    now = {path.relative_to(output_folder).as_posix() for path in made}
    stale = []
    for file, digest in sorted(_recorded(output_folder).items()):
        path = output_folder / file
        if file not in now and as_written(path, digest):
            stale.append(path)
    return stale


def _recorded(output_folder: Path) -> dict[str, str]:
    """The last build's record; {} if there is none to trust (then nothing is removed)."""
    try:
        document = json.loads((output_folder / LISTING_FILE).read_text(encoding="utf-8"))
        files = document["files"] if document.get("format") == _FORMAT else {}
        return {file: digest for file, digest in files.items()
                if isinstance(digest, str) and strict.inside(file)}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}

