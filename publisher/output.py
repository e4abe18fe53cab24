"""Put bytes on disk safely: a temporary name first, then a rename into place.

A reader or a web server never sees a half-written file, and a failed build leaves the
previous good file where it was.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from publisher.errors import PublisherError


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file in the same folder."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp",
                                             dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.chmod(temporary, 0o644)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise PublisherError(f"cannot write {path}: {error.strerror}; check that the output "
                             "folder exists, is writable and the disk is not full") from error


def write_if_changed(path: Path, data: bytes) -> None:
    """Write `data` to `path` unless the file holds it already, so its time stamp stays."""
    try:
        if path.is_file() and path.read_bytes() == data:
            return
    except OSError:
        pass
    write_atomically(path, data)


def mirror_folder(source: Path, target: Path) -> None:
    """Make `target` hold a copy of every file in `source`, rewriting only what differs."""
    for path in sorted(source.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        write_if_changed(target / path.relative_to(source), path.read_bytes())
