"""The errors publisher reports to its users.

Every stage raises these where it finds a problem, with the file and line it knows of;
only the command line catches them, and prints each one once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one source file, said so that its author can fix it.

    An error stops a build; a warning (found by `checks`) is shown, and stops a build only
    when asked to be strict. `code` names the rule, so that it can be silenced.
    """

    path: str | None
    line: int | None
    message: str
    column: int | None = None
    severity: Severity = "error"
    code: str | None = None

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"

    def located(self) -> str:
        """`path:line:column: severity: message [code]`, as editors and CI read it."""
        where = "" if self.path is None else f"{self.path}:{self.line or 1}:{self.column or 1}: "
        code = f" [{self.code}]" if self.code else ""
        return f"{where}{self.severity}: {self.message}{code}"


class PublisherError(Exception):
    """A problem the user can fix, said in one message. The command line prints `report()`
    and exits with `exit_code`: 1, something in the content."""

    exit_code = 1

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        self.problem = Problem(path, line, message)
        super().__init__(str(self.problem))

    def report(self) -> str:
        """What the command line prints."""
        return f"Error: {self}"


class UsageError(PublisherError):
    """The command was given something it cannot use (a path that names no issue, a date
    out of order): exit code 2. `option` is the argument or option at fault, as `--help`
    names it (ISSUE, --date), if there is one."""

    exit_code = 2

    def __init__(self, message: str, *, option: str | None = None, path: str | None = None,
                 line: int | None = None):
        super().__init__(message, path=path, line=line)
        self.option = option


class ContentError(PublisherError):
    """All the problems found in the site's sources, gathered before anything is written."""

    def __init__(self, problems: Iterable[Problem], outcome: str = "nothing was written"):
        self.outcome = outcome
        self.problems = sorted(set(problems), key=reading_order)
        files = {p.path for p in self.problems}
        lines = [p.located() if p.severity == "warning" else str(p) for p in self.problems]
        count = len(self.problems)
        summary = (
            f"{count} problem{'s' if count != 1 else ''} in "
            f"{len(files)} file{'s' if len(files) != 1 else ''}; {outcome}."
        )
        Exception.__init__(self, "\n".join([*lines, summary]))
        self.problem = self.problems[0]

    def report(self) -> str:
        return str(self)

    def __reduce__(self) -> tuple[type[ContentError], tuple[list[Problem], str]]:
        return (ContentError, (self.problems, self.outcome))  # from a worker process


class RenderError(PublisherError):
    """A template, stylesheet or resource that could not be turned into a page. `problems`
    are all that were found at once (an SVG image may have several), the first of them its
    message, each at `path` and `line`."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 more: Iterable[str] = ()):
        super().__init__(message, path=path, line=line)
        self.problems = [self.problem, *(Problem(path, line, text) for text in more)]


def reading_order(problem: Problem) -> tuple[str, int, int, str]:
    """Problems sorted by file, then by where they are in it."""
    return (problem.path or "", problem.line or 0, problem.column or 0, problem.message)


def display_path(path: Path, root: Path) -> str:
    """The path as the user knows it: relative to the site root where it lies inside it."""
    if path.is_absolute() and root.is_absolute() and ".." not in path.parts:
        try:  # the common case, without asking the file system
            return path.relative_to(root).as_posix()
        except ValueError:
            pass
    resolved = path.resolve()
    try:
        return resolved.relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(resolved)
