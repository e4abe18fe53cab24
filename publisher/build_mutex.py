"""One build at a time in an output folder: a lock, `<output>/.publisher/lock`. The same
lock in the site folder lets one publication at a time through (see `journal`).

A build holds it from reading the folder's record until it has written its files, and
`publish` for the whole of a publication; a second one into the same folder stops at once,
naming the process that holds it. The lock is the operating system's (`flock`), so it goes
with its process however that process ends: a build that crashed or was killed leaves no
lock behind. The file holds the process number, for the message, and is deleted when the
lock is let go.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from publisher.errors import PublisherError
from publisher.output import cannot_write, check_inside

OUTPUT_LOCK_FILE = Path(".publisher") / "lock"
#: How many times to open the lock file again when another process deleted it just then.
_ATTEMPTS = 20


class OutputFolderBusy(PublisherError):
    """Another build is writing to the output folder."""


@dataclass
class _Held:
    descriptor: int
    thread: int
    depth: int
    #: The folders made to hold the lock file, deleted with it if nothing else went in.
    made: list[Path]


#: The locks this process holds, by output folder: `publish` holds one while it builds.
_held: dict[Path, _Held] = {}
_guard = threading.Lock()


@contextmanager
def output_lock(folder: Path, shown: str) -> Iterator[None]:
    """Hold the lock of the output folder `folder` (`shown` as the user knows it) while
    the block runs; raise OutputFolderBusy if another build holds it. The same thread may
    take it again inside the block."""
    with folder_lock(folder, lambda process: OutputFolderBusy(_busy(shown, process))):
        yield


@contextmanager
def folder_lock(folder: Path, busy: Callable[[int | None], PublisherError], *,
                output: bool = True) -> Iterator[None]:
    """Hold the lock `.publisher/lock` of `folder` while the block runs; raise `busy(the
    process holding it, if known)` if another holds it. The same thread may take it again
    inside the block. `output`: `folder` is an output folder (which --output can move), for
    the message if the lock cannot be written."""
    key = Path(os.path.abspath(folder))
    with _guard:
        held = _held.get(key)
        if held is not None and held.thread != threading.get_ident():
            raise busy(os.getpid())
        if held is None:
            held = _held[key] = _acquire(key, busy, output)
        held.depth += 1
    try:
        yield
    finally:
        with _guard:
            held.depth -= 1
            if held.depth == 0:
                del _held[key]
                _release(key, held)


def _acquire(folder: Path, busy: Callable[[int | None], PublisherError], output: bool) -> _Held:
    path = folder / OUTPUT_LOCK_FILE
    check_inside(path, folder)
    made = [candidate for candidate in (folder, path.parent) if not candidate.exists()]
    try:
        return _open_and_lock(path, busy, made, output)
    except BaseException:
        _remove_empty(made)
        raise


def _open_and_lock(path: Path, busy: Callable[[int | None], PublisherError],
                   made: list[Path], output: bool) -> _Held:
    for _ in range(_ATTEMPTS):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC,
                                 0o644)
        except FileNotFoundError:  # its folder was deleted by a build that just finished
            continue
        except OSError as error:
            raise cannot_write(path, error, output=output) from error
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(descriptor)
            os.close(descriptor)
            raise busy(holder) from None
        except OSError as error:
            os.close(descriptor)
            raise cannot_write(path, error, output=output) from error
        if not _is_at(descriptor, path):  # deleted by its last holder before we locked it
            os.close(descriptor)
            continue
        os.ftruncate(descriptor, 0)
        os.write(descriptor, f"{os.getpid()}\n".encode())
        return _Held(descriptor, threading.get_ident(), 0, made)
    raise busy(None)


def _release(folder: Path, held: _Held) -> None:
    """Delete the lock file while still holding it (a build waiting to lock the deleted
    file sees that it is gone, and opens the new one), then let it go."""
    path = folder / OUTPUT_LOCK_FILE
    try:
        if _is_at(held.descriptor, path):
            path.unlink()
    except OSError:
        pass  # a lock file left behind is harmless: the lock went with the descriptor
    finally:
        os.close(held.descriptor)
    _remove_empty(held.made)


def _remove_empty(folders: list[Path]) -> None:
    for folder in reversed(folders):
        with contextlib.suppress(OSError):  # not empty: the build wrote there, or another
            folder.rmdir()                   # build has started


def _is_at(descriptor: int, path: Path) -> bool:
    """Whether the open file `descriptor` is the file at `path` now."""
    try:
        now = os.stat(path, follow_symlinks=False)
    except OSError:
        return False
    opened = os.fstat(descriptor)
    return (now.st_dev, now.st_ino) == (opened.st_dev, opened.st_ino)


def _holder(descriptor: int) -> int | None:
    """The process number the lock file holds, if it holds one yet."""
    try:
        return int(os.pread(descriptor, 32, 0).decode("ascii").strip())
    except (OSError, ValueError):
        return None


def _busy(shown: str, process: int | None) -> str:
    which = f" (process {process})" if process is not None else ""
    return (f"another publisher build is writing to {shown}{which}; wait for it to finish, "
            "or build into another folder with --output")
