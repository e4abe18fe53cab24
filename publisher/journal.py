"""The publication journal, `.publisher/publishing.json` in the site folder: what `publish`
is doing, so that a publication stopped anywhere (a crash, `kill -9`, a power cut) is put
right by the next command.

`publish` edits the issue's file (its `status:` or `corrections:`), builds it, then locks
the edition in the archive lock. Before it touches the file it writes the journal: the
issue, the edition it is making, and the file's bytes before and after the edit. It
deletes the journal once the edition is locked. A journal found later means a publication
was stopped: if the lock holds its edition, it had finished; if not, the file is put back
as it was, unless it has been edited since (then it is left alone, and the user told). A
publish run again after either makes exactly one edition.

While it publishes, `publish` holds the site's publication lock (`.publisher/lock` in the
site folder), so another publish waits its turn, and a command that finds the journal
leaves it to the publish that is writing it.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from publisher import strictjson as strict
from publisher.archive_lock import LOCK_FILE, read_lock_file
from publisher.build_mutex import folder_lock
from publisher.errors import ContentError, PublisherError
from publisher.output import write_atomically

JOURNAL_FILE = Path(".publisher") / "publishing.json"
SHOWN = JOURNAL_FILE.as_posix()
_FORMAT = 1
_ABOUT = ("Written by 'publisher publish' while it publishes an issue, and deleted once the "
          "edition is locked. If you find it, a publication was stopped: the next publisher "
          "command puts it right. Do not edit it.")
#: Larger than two copies of the largest issue publisher reads: no journal it writes is.
_LARGEST = 8 * 2**20

#: What putting right a stopped publication did: the edition was locked (`finished`), the
#: file was put back as it was (`restored`), it had not been edited yet (`untouched`), or
#: it has been edited since and was left alone (`left`).
Outcome = Literal["finished", "restored", "untouched", "left"]


class PublicationBusy(PublisherError):
    """Another publish is under way in the site."""


@dataclass(frozen=True)
class Journal:
    """A publication under way: the issue's file (by its path from the site folder), the
    edition being made, the correction it is for (None for the first edition), and the
    file's bytes before and after `publish` edited it."""

    issue: str
    edition: int
    correction: str | None
    original: bytes
    edited: bytes

    def data(self) -> bytes:
        # The bytes as text: publish edits only a file that is UTF-8 (byte-order mark and
        # line endings are kept in the text), and text in the journal can be read by a
        # person putting things right by hand.
        document = {"about": _ABOUT, "format": _FORMAT, "issue": self.issue,
                    "edition": self.edition, "correction": self.correction,
                    "original": self.original.decode("utf-8"),
                    "edited": self.edited.decode("utf-8")}
        return (json.dumps(document, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


@dataclass(frozen=True)
class Repair:
    """A stopped publication, put right: what was done, and the line saying so (None if
    there is nothing to say)."""

    journal: Journal
    outcome: Outcome
    message: str | None


@contextmanager
def publication_lock(root: Path) -> Iterator[None]:
    """Hold the site's publication lock while the block runs; raise PublicationBusy if
    another publish holds it."""
    with folder_lock(root, _busy, output=False):
        yield
    # The lock deletes the folder it made; one left by a publication that crashed goes too,
    # once it is empty. Another publish making it just now tries again (see `build_mutex`).
    with contextlib.suppress(OSError):
        (root / JOURNAL_FILE.parent).rmdir()


def _busy(process: int | None) -> PublicationBusy:
    which = f" (process {process})" if process is not None else ""
    return PublicationBusy(f"another publisher publish is under way in this site{which}; "
                           "wait for it to finish, then run this again")


def begin(root: Path, journal: Journal) -> None:
    """Record `journal` before the issue's file is touched (publication lock held)."""
    write_atomically(root / JOURNAL_FILE, journal.data())


def end(root: Path) -> None:
    """The edition is locked: the journal is done with."""
    try:
        (root / JOURNAL_FILE).unlink(missing_ok=True)
    except OSError as error:
        raise PublisherError(f"cannot delete {SHOWN}: {error.strerror or error}; the edition "
                             "is locked, so delete the file by hand") from error


def repair_interrupted(root: Path) -> str | None:
    """Put right a publication that was stopped, if the site has one and no publish is
    under way; the line saying what was done, if there is one to say.

    Raises PublisherError if the journal is damaged. If the archive lock cannot be read,
    nothing is done yet (the command that reads the lock says what is wrong with it).
    """
    if not (root / JOURNAL_FILE).exists():
        return None
    try:
        with publication_lock(root):
            journal = read_journal(root)
            return settle(root, journal).message if journal else None
    except PublicationBusy:
        return None  # the journal is that publication's own
    except ContentError:
        return (f"publisher: {SHOWN} holds a publication that was stopped; it will be put "
                f"right once {LOCK_FILE} can be read")


def settle(root: Path, journal: Journal, keep_finished: bool = False) -> Repair:
    """Put right the publication of `journal`, stopped (publication lock held), and delete
    the journal; with `keep_finished`, keep the journal of one that had finished, so that
    running that publish again knows it is done.

    Raises ContentError if the archive lock cannot be read.
    """
    locked = read_lock_file(root / LOCK_FILE).issues.get(journal.issue)
    which = f"publisher: the publication of {journal.issue} as edition {journal.edition} was"
    if locked is not None and len(locked.editions) >= journal.edition:
        if not keep_finished:
            end(root)
        return Repair(journal, "finished", f"{which} stopped after it was locked in "
                      f"{LOCK_FILE}: it is published")
    outcome = _restore(root / journal.issue, journal)
    end(root)
    messages = {
        "restored": f"{which} stopped before it was locked; its file is back as it was before",
        "left": f"{which} stopped before it was locked, and its file has been changed since, "
                "so publisher left it as it is; check its status: and corrections: lines",
        "untouched": None}
    return Repair(journal, outcome, messages[outcome])


def _restore(source: Path, journal: Journal) -> Outcome:
    """Put the issue's file back as it was before the publication, if it is still as the
    publication left it; never over an edit made since."""
    try:
        now = source.read_bytes()
    except FileNotFoundError:
        return "left"
    except OSError as error:
        raise PublisherError(f"cannot read {journal.issue} to put right its publication that "
                             f"was stopped: {error.strerror or error}") from error
    if now == journal.original:
        return "untouched"
    if now != journal.edited:
        return "left"
    write_atomically(source, journal.original)
    return "restored"


def read_journal(root: Path) -> Journal | None:
    """The journal of a publication under way or stopped, if there is one. Raises
    PublisherError, saying what to do, if it is damaged."""
    path = root / JOURNAL_FILE
    try:
        if path.stat().st_size > _LARGEST:
            raise _damaged(None, "it is larger than publisher ever writes one")
        return _journal(strict.mapping(strict.parse(path.read_text(encoding="utf-8")), ()))
    except FileNotFoundError:
        return None
    except UnicodeDecodeError:
        raise _damaged(None, "it is not UTF-8 text") from None
    except OSError as error:
        raise _damaged(None, error.strerror or str(error)) from None
    except strict.Unparsable as error:
        raise _damaged(error.line, error.what) from None
    except strict.Damage as damage:
        raise _damaged(None, str(damage)) from None


def _journal(document: dict[str, Any]) -> Journal:
    """The journal in `document`; raises strictjson.Damage."""
    written = strict.whole(strict.field(document, "format", ()), ("format",), "a format number")
    if written != _FORMAT:
        raise strict.Damage(("format",), f"{written} is not {_FORMAT}, the format this version "
                            "of publisher writes")
    issue = strict.text(strict.field(document, "issue", ()), ("issue",))
    path = PurePosixPath(issue)
    if (path.is_absolute() or ".." in path.parts or path.parts[:1] != ("issues",)
            or path.suffix != ".md"):
        raise strict.Damage(("issue",), f"{strict.shown(issue)} is not the path of an issue's "
                            "file from the site folder")
    correction = strict.field(document, "correction", ())
    if correction is not None:
        strict.text(correction, ("correction",), "text or null")
    return Journal(issue, strict.whole(strict.field(document, "edition", ()), ("edition",),
                                       "an edition number", least=1),
                   correction, _file_bytes(document, "original"), _file_bytes(document, "edited"))


def _file_bytes(document: dict[str, Any], key: str) -> bytes:
    text = strict.text(strict.field(document, key, ()), (key,))
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, written as an escape ("\\udcff")
        raise strict.Damage((key,), "this is not text publisher wrote") from None


def _damaged(line: int | None, what: str) -> PublisherError:
    return PublisherError(
        f"cannot be read: {what}. publish writes this file while it publishes an issue, so "
        "one was stopped, and cannot be put right from it: make sure the issue you were "
        "publishing says nothing (a 'status: published', a corrections: entry) that "
        f"{LOCK_FILE} does not hold ('publisher verify' lists an issue that is not locked), "
        f"then delete {SHOWN}", path=SHOWN, line=line)
