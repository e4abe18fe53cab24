"""Put bytes on disk safely: a temporary name first, then a rename into place; and, for a
build, only inside its output folder.

A reader or a web server never sees a half-written file, and a failed or interrupted build
leaves the previous good file where it was. Given the output folder (`within`), a write is
refused if it would land outside it: a path that leads out with `..`, or one that goes
through a link in the folder to a place outside it.
"""

from __future__ import annotations

import errno
import os
import signal
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

from publisher.errors import PublisherError


class OutsideOutputFolder(PublisherError):
    """A file that would be written outside the output folder."""


def check_inside(path: Path, folder: Path) -> None:
    """Raise OutsideOutputFolder unless writing `path` puts a file inside `folder`.

    `path` is taken as written, `..` and all; a link on the way from `folder` to it is
    followed only if it leads to a place inside `folder` (`folder` itself may be a link).
    """
    folder = Path(os.path.abspath(folder))
    absolute = Path(os.path.abspath(path))
    if absolute == folder or not absolute.is_relative_to(folder):
        raise OutsideOutputFolder(f"cannot write {shown(path)}: it is outside the output "
                                  f"folder {shown(folder)}, and publisher writes only inside it")
    real_folder = folder.resolve()
    current = folder
    for part in absolute.relative_to(folder).parts[:-1]:
        current = current / part
        if current.is_symlink():
            target = current.resolve()
            if not target.is_relative_to(real_folder):
                raise OutsideOutputFolder(
                    f"cannot write {shown(path)}: {shown(current)} is a link to {target}, "
                    "outside the output folder, and publisher does not write through it; "
                    "delete the link, or build into another folder with --output")
        elif not current.exists():
            return


def write_atomically(path: Path, data: bytes, *, within: Path | None = None) -> None:
    """Write `data` to `path` through a temporary file in the same folder; with `within`,
    only if `path` is inside that folder (see `check_inside`)."""
    if within is not None:
        check_inside(path, within)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp",
                                             dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.chmod(temporary, 0o644)
            os.replace(temporary, path)
        except BaseException:  # Ctrl-C included: no temporary file is left behind
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError as error:
        raise cannot_write(path, error, output=within is not None) from error


def write_if_changed(path: Path, data: bytes, *, within: Path | None = None) -> None:
    """Write `data` to `path` unless the file holds it already, so its time stamp stays."""
    if within is not None:
        check_inside(path, within)
    try:
        if path.is_file() and path.read_bytes() == data:
            return
    except OSError:
        pass
    write_atomically(path, data, within=within)


def remove(path: Path, *, within: Path) -> None:
    """Delete the file at `path`, inside the folder `within`, if it is there."""
    check_inside(path, within)
    try:
        path.unlink(missing_ok=True)
    except OSError as error:
        raise cannot_write(path, error, output=True, doing="delete") from error


def mirror_copies(source: Path, target: Path, *,
                  within: Path | None = None) -> list[tuple[Path, Path]]:
    """Each file of `source` (links left out) with where its copy in `target` goes; with
    `within`, each copy checked to be inside it (see `check_inside`)."""
    copies = [(path, target / path.relative_to(source)) for path in sorted(source.rglob("*"))
              if path.is_file() and not path.is_symlink()]
    if within is not None:
        for _, copy in copies:
            check_inside(copy, within)
    return copies


def copy_files(copies: list[tuple[Path, Path]], *, within: Path | None = None) -> None:
    """Copy each file to its place, rewriting only what differs."""
    for path, copy in copies:
        write_if_changed(copy, path.read_bytes(), within=within)


def cannot_write(path: Path, error: OSError, *, output: bool,
                 doing: str = "write") -> PublisherError:
    """The error for a file that could not be written: what went wrong, and what to do.
    `output`: the file is in a build's output folder (which --output can move)."""
    elsewhere = ", or build into another folder with --output" if output else ""
    folder = "the output folder" if output else f"the folder {shown(path.parent)}"
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        full = "the disk is full" if error.errno == errno.ENOSPC else "your disk quota is used up"
        reason = f"{full}; free some space and run it again{elsewhere}"
    elif error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        reason = f"{folder} is read-only; make it writable{elsewhere}"
    else:
        reason = (f"{error.strerror or error}; check that {folder} exists and is "
                  f"writable{elsewhere}")
    return PublisherError(f"cannot {doing} {shown(path)}: {reason}")


def shown(path: Path) -> str:
    """`path` as the user knows it: from the current folder if it is inside it, links kept."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path.cwd()).as_posix() or "."
    except (ValueError, OSError):
        return str(absolute)


class InterruptHere:
    """A SIGINT handler that raises KeyboardInterrupt in the process that set it, and does
    nothing in the processes forked from it (a build's workers).

    Ctrl-C reaches every process of the terminal's group. The build stops its workers
    itself; left to the default handler, each worker would print a traceback on its way.
    """

    def __init__(self) -> None:
        self.process = os.getpid()

    def __call__(self, number: int, frame: FrameType | None) -> None:
        if os.getpid() == self.process:
            raise KeyboardInterrupt


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Let a Ctrl-C that comes while the block runs take effect when it is done, so a build
    writes all of its files or none; a second Ctrl-C interrupts at once (each file is
    still whole: see `write_atomically`).

    Only where Ctrl-C would raise KeyboardInterrupt (in the main thread, with Python's
    handler or `InterruptHere`): a handler of another kind, such as the preview's, is left
    to do what it does.
    """
    current = signal.getsignal(signal.SIGINT)
    if (threading.current_thread() is not threading.main_thread()
            or not (current is signal.default_int_handler or isinstance(current,
                                                                        InterruptHere))):
        yield
        return
    received: list[int] = []

    def note(number: int, frame: FrameType | None) -> None:
        if received and os.getpid() == owner:
            raise KeyboardInterrupt
        received.append(number)

    owner = os.getpid()
    signal.signal(signal.SIGINT, note)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, current)
    if received:
        raise KeyboardInterrupt
