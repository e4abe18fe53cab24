"""YAML text in, plain data with line numbers out.

Every scalar is loaded as text (PyYAML's BaseLoader): `title: No` stays "No" and
`date: 2011-06-01` stays "2011-06-01" until the schema says what it should be. Keys keep
the line they were written on, so validation can point at it.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import yaml

from publisher.characters import control_message, control_problem, first_control
from publisher.errors import Problem
from publisher.limits import MAX_YAML_BYTES, MAX_YAML_DEPTH, YAML_TOO_DEEP, file_too_big

Location = tuple[str | int, ...]

# libyaml's parser, where PyYAML was built with it, reads YAML about twenty times faster.
_LOADER = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


@dataclass
class YamlDocument:
    """A YAML mapping read from `path`, with the line each key and item stands on."""

    path: str
    data: dict[str, Any]
    first_line: int
    lines: dict[Location, int] = field(default_factory=dict)

    def line_of(self, location: Location) -> int:
        """The line of the deepest part of `location` that was written down."""
        for end in range(len(location), 0, -1):
            line = self.lines.get(tuple(location[:end]))
            if line is not None:
                return line
        return self.first_line


def format_location(location: Location) -> str:
    """A place in a document as an author reads it: `versions > item 1 > entries`."""
    parts = [f"item {part + 1}" if isinstance(part, int) else str(part) for part in location]
    return " > ".join(parts) if parts else "(top)"


class YamlProblem(Exception):
    """Raised inside this module; turned into a Problem by `parse_mapping`."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def read_text(path: Path, shown_as: str, limit: int = MAX_YAML_BYTES,
              within: Path | None = None) -> tuple[str | None, Problem | None]:
    """Read a UTF-8 text file of at most `limit` bytes, accepting a byte-order mark and
    Windows line endings. A bigger file is not read past its limit, a file with a control
    character (see `characters`) is refused, and with `within` (the site's folder) so is a
    file that is a symbolic link to a place outside it, or inside a folder that is."""
    if within is not None:
        outside = outside_folder(path, within)
        if outside is not None:
            return None, Problem(shown_as, None, outside)
    try:
        with path.open("rb") as file:
            raw = file.read(limit + 1)
            if len(raw) > limit:
                size = max(os.fstat(file.fileno()).st_size, len(raw))
                return None, Problem(shown_as, None, file_too_big(size, limit))
    except OSError as error:
        return None, Problem(shown_as, None, f"the file cannot be read: {error.strerror}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return None, Problem(
            shown_as,
            line,
            "the file is not UTF-8 text; save it again as UTF-8 (in Word or Notepad: Save As, "
            "Encoding: UTF-8)",
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    control = control_problem(text)
    if control is not None:
        return None, Problem(shown_as, control[0], control[2])
    return text, None


def outside_folder(path: Path, folder: Path) -> str | None:
    """Why `path` may not be read as a source of the site at `folder`: it leads out of it
    through a symbolic link (the file, or a folder on the way). None if it does not."""
    real = path.resolve()
    if real.is_relative_to(folder.resolve()):
        return None
    return (f"leads outside the site, to {real}, through a symbolic link; publisher reads "
            "only files inside the site's folder, so copy the file into the site instead of "
            "linking to it")


def parse_mapping(text: str, path: str,
                  first_line: int = 1) -> tuple[YamlDocument | None, Problem | None]:
    """Parse `text` (which starts on `first_line` of `path`) as a YAML mapping of keys."""
    document = YamlDocument(path=path, data={}, first_line=first_line)
    try:
        with _collector_paused():
            data = _EventReader(document).read(text)
    except YamlProblem as problem:
        return None, Problem(path, problem.line, problem.message)
    except yaml.MarkedYAMLError as error:
        # Where an unclosed bracket or quote began is more use than where the text ran out;
        # a tab is found where it stands.
        tab = ("tab" in (error.problem or "") or "\\t" in (error.problem or "")
               or _tab_at(text, error.problem_mark))
        mark = error.problem_mark if tab else error.context_mark or error.problem_mark
        line = first_line + (mark.line if mark else 0)
        hint = "a tab is used to indent; indent with spaces instead" if tab else _yaml_hint(error)
        return None, Problem(path, line, f"this is not valid YAML: {hint}")
    except yaml.reader.ReaderError as error:
        line = first_line + text[: error.position].count("\n")
        code = error.character if isinstance(error.character, int) else ord(error.character)
        return None, Problem(path, line, f"the invisible character U+{code:04X} cannot be used "
                             "here; delete it (it often comes with pasted text)")
    document.data = data
    return document, None


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while YAML is read into data.

    Reading makes tens of thousands of small objects and no cycles, and every 700 of them
    set off a collection that walks the objects the process already holds. Nested use, or
    use from two threads, leaves the collector as it found it: only the caller that found
    it running starts it again.
    """
    running = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if running:
            gc.enable()


class _EventReader:
    """Plain data from the parser's events, in one pass, with the line of every key and
    item, refusing what publisher does not read.

    libyaml's parser hands out events (a scalar, the start or end of a list or a mapping)
    without keeping a stack of calls, so a thousand '[' cost nothing; nesting is counted
    here, and reading stops at the first level deeper than MAX_YAML_DEPTH. (Composing the
    text into nodes first, as PyYAML does, crashes libyaml between 10,000 and 30,000
    levels; and for a block of 5,000 versions, reading the events once is about twice as
    fast as checking the depth, composing, and turning the nodes into data.) An alias is
    refused where it is used, so that a few lines cannot expand into gigabytes.

    A problem in what the text says (not a mapping, an alias, a key given twice) is told
    once the whole text is read, as it was when the text was composed first: text too
    deep, or not YAML at all, is told first, wherever it is, then a second document.
    """

    def __init__(self, document: YamlDocument):
        self.document = document
        #: The open lists and mappings, innermost last: each is [container, its location,
        #: the key whose value comes next (None in a mapping when a key comes next)].
        self.open: list[list[Any]] = []
        self.root: dict[str, Any] = {}
        self.root_mark: Any = None

    def read(self, text: str) -> dict[str, Any]:
        """The document's keys and values (none for an empty document)."""
        depth, documents = 0, 0
        second: yaml.MarkedYAMLError | None = None
        problem: YamlProblem | None = None
        for event in yaml.parse(text, Loader=_LOADER):
            kind = type(event)
            if kind is yaml.DocumentStartEvent:
                documents += 1
                if documents == 2:
                    second = yaml.composer.ComposerError(
                        "expected a single document in the stream", self.root_mark,
                        "but found another document", cast(Any, event.start_mark))
            elif kind is yaml.SequenceEndEvent or kind is yaml.MappingEndEvent:
                depth -= 1
                if problem is None and second is None:
                    self.open.pop()
            elif kind in _NODE_EVENTS:
                line = self.document.first_line + event.start_mark.line  # type: ignore[union-attr]
                if kind is yaml.SequenceStartEvent or kind is yaml.MappingStartEvent:
                    depth += 1
                    if depth > MAX_YAML_DEPTH:
                        raise YamlProblem(line, YAML_TOO_DEEP)
                if problem is None and second is None:
                    try:
                        self._add(event, kind, line)
                    except YamlProblem as found:
                        problem = found  # from here on, only the depth and the syntax
        if second is not None or problem is not None:
            raise second or cast(YamlProblem, problem)
        return self.root

    def _add(self, event: yaml.Event, kind: type[yaml.Event], line: int) -> None:
        if kind is yaml.AliasEvent:
            raise YamlProblem(line, "anchors and aliases ('&name', '*name') are not "
                              "supported; write the value out in full")
        value: Any = (event.value if kind is yaml.ScalarEvent  # type: ignore[attr-defined]
                      else [] if kind is yaml.SequenceStartEvent else {})
        location: Location | None = ()
        if self.open:
            location = self._place(value, line)
        elif isinstance(value, dict):
            self.root, self.root_mark = value, event.start_mark
        else:
            self.root_mark = event.start_mark
            raise YamlProblem(line, "expected keys and values such as 'title: ...', found "
                              f"{_kind_of(value)}")
        if kind is yaml.ScalarEvent and (control := first_control(value)) is not None:
            # A YAML escape ("\a", "\x01"): raw control characters are refused on reading.
            where = location if location is not None else (*self.open[-1][1], value)
            raise YamlProblem(line, f"{format_location(where)}: {control_message(control[0])}")
        if location is not None and kind is not yaml.ScalarEvent:
            self.open.append([value, location, None])

    def _place(self, value: Any, line: int) -> Location | None:
        """Put `value` in the innermost open list or mapping, as an item, a key or a value;
        its location, or None for a key (its value comes next)."""
        frame = self.open[-1]
        container, location, key = frame
        lines = self.document.lines
        if type(container) is list:
            location = (*location, len(container))
            lines[location] = line
            container.append(value)
            return location
        if key is not None:
            container[key] = value
            frame[2] = None
            return (*location, key)
        if not isinstance(value, str):
            raise YamlProblem(line, f"a key must be a plain word, found {_kind_of(value)}")
        if value in container:
            raise YamlProblem(line, f"{value}: this key is given twice (first on line "
                              f"{lines[(*location, value)]}); keep one")
        lines[(*location, value)] = line
        frame[2] = value
        return None


_NODE_EVENTS = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent,
                yaml.AliasEvent)


def _tab_at(text: str, mark: yaml.Mark | None) -> bool:
    """Whether the parser stopped at a tab (libyaml's message does not say which character)."""
    if mark is None:
        return False
    lines = text.split("\n")
    return mark.line < len(lines) and lines[mark.line][mark.column:mark.column + 1] == "\t"


def _yaml_hint(error: yaml.MarkedYAMLError) -> str:
    problem = error.problem or error.context or "it cannot be read"
    if "tab" in problem or "\\t" in problem:
        return "a tab is used to indent; indent with spaces instead"
    if "mapping values are not allowed" in problem:
        return ("a colon followed by a space starts a new key; write each key on its own line "
                "as 'key: value', and put a value that contains ': ' in quotes")
    if "flow sequence" in (error.context or ""):
        return "a list opened with '[' is not closed with ']' on the same line"
    if "quoted scalar" in (error.context or ""):
        return "a value opened with a quotation mark is not closed with the same mark"
    return f"{problem}; check the indentation and that each line reads 'key: value'"


def _kind_of(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a group of keys"
    return f"the text {value!r}"
