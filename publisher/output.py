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
    current = folder
    for part in absolute.relative_to(folder).parts[:-1]:
        current = current / part
        if current.is_symlink():
            target = current.resolve()
            if not target.is_relative_to(folder.resolve()):
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


#: The signals that stop publisher: Ctrl-C, a polite request to end (`kill`, a service
#: manager, a CI runner's time-out), and the terminal going away.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where publisher is so that its clean-up runs as for Ctrl-C.

    A KeyboardInterrupt, so that whatever lets Ctrl-C through (a pool of workers stopping
    them, a temporary file deleted) treats these alike.
    """

    def __init__(self, number: int):
        super().__init__(number)
        self.number = number

    @property
    def name(self) -> str:
        return signal.Signals(self.number).name


def interruption(number: int) -> KeyboardInterrupt:
    """The exception that signal `number` raises: KeyboardInterrupt for Ctrl-C, else Stopped."""
    return KeyboardInterrupt() if number == signal.SIGINT else Stopped(number)


class InterruptHere:
    """A handler of the stop signals that raises their exception (see `interruption`) in
    the process that set it. In the processes forked from it (a build's workers), Ctrl-C
    does nothing, and SIGTERM or SIGHUP makes the worker leave quietly.

    Ctrl-C reaches every process of the terminal's group. The build stops its workers
    itself; left to the default handler, each worker would print a traceback on its way.
    """

    def __init__(self) -> None:
        self.process = os.getpid()

    def __call__(self, number: int, frame: FrameType | None) -> None:
        if os.getpid() == self.process:
            raise interruption(number)
        if number != signal.SIGINT:
            _leave_worker(number)


def stop_on_signals() -> None:
    """Make the stop signals interrupt publisher where it is (see `InterruptHere`).

    A SIGHUP that is ignored stays ignored: `nohup publisher build` asks for that.
    """
    handler = InterruptHere()
    for number in STOP_SIGNALS:
        if number != signal.SIGHUP or signal.getsignal(number) is not signal.SIG_IGN:
            signal.signal(number, handler)


def _leave_worker(number: int) -> None:
    """End a worker process on SIGTERM (a service manager stopping the process group) or
    SIGHUP, quietly, as SystemExit leaves it; the worker sets the default handlers itself
    as soon as it starts (see `workers`), this is for the moment before."""
    raise SystemExit(128 + number)


def _ours(handler: object) -> bool:
    """Whether a stop signal with this handler raises an interruption where publisher is."""
    return handler is signal.default_int_handler or isinstance(handler, InterruptHere)


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Let a Ctrl-C (or SIGTERM, SIGHUP) that comes while the block runs take effect when it
    is done, so a build writes all of its files or none; a second one interrupts at once
    (each file is still whole: see `write_atomically`).

    Only where the signal would raise an interruption (in the main thread, with Python's
    handler or `InterruptHere`): a handler of another kind, such as the preview's, is left
    to do what it does.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    current = {number: handler for number in STOP_SIGNALS
               if _ours(handler := signal.getsignal(number))}
    received: list[int] = []
    owner = os.getpid()

    def note(number: int, frame: FrameType | None) -> None:
        if os.getpid() != owner:  # a worker forked in the block: as InterruptHere does
            if number != signal.SIGINT:
                _leave_worker(number)
            return
        if received:
            raise interruption(number)
        received.append(number)

    for number in current:
        signal.signal(number, note)
    try:
        yield
    finally:
        for number, handler in current.items():
            signal.signal(number, handler)
    if received:
        raise interruption(received[0])
