"""YAML text in, plain data with line numbers out.

Every scalar is loaded as text (PyYAML's BaseLoader): `title: No` stays "No" and
`date: 2011-06-01` stays "2011-06-01" until the schema says what it should be. Keys keep
the line they were written on, so validation can point at it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
    try:
        _check_depth(text, first_line)
        node = yaml.compose(text, Loader=_LOADER)
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
    document = YamlDocument(path=path, data={}, first_line=first_line)
    if node is None:
        return document, None
    if not isinstance(node, yaml.MappingNode):
        line = first_line + node.start_mark.line
        return None, Problem(path, line, "expected keys and values such as 'title: ...', "
                             f"found {_kind_of(node)}")
    try:
        document.data = _to_python(node, (), document, set(), first_line)
    except YamlProblem as problem:
        return None, Problem(path, problem.line, problem.message)
    return document, None


def _tab_at(text: str, mark: yaml.Mark | None) -> bool:
    """Whether the parser stopped at a tab (libyaml's message does not say which character)."""
    if mark is None:
        return False
    lines = text.split("\n")
    return mark.line < len(lines) and lines[mark.line][mark.column:mark.column + 1] == "\t"


def _check_depth(text: str, first_line: int) -> None:
    """Raise YamlProblem, where it happens, if lists and keys nest deeper than
    MAX_YAML_DEPTH. Read from the parser's events, which keep no stack of Python calls, and
    stopped there: composing 30,000 nested lists crashes libyaml, 1,000 overflow
    `_to_python`, and libyaml takes a minute to scan 100,000."""
    depth = 0
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                mark = event.start_mark
                raise YamlProblem(first_line + (mark.line if mark else 0), YAML_TOO_DEEP)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


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


def _to_python(node: yaml.Node, location: Location, document: YamlDocument,
               seen: set[int], used_at: int) -> Any:
    """Plain data from `node`; `used_at` is the line that refers to it (for aliases)."""
    if id(node) in seen:
        # An alias: refused, so that a few lines of YAML cannot expand into gigabytes.
        raise YamlProblem(used_at, "anchors and aliases ('&name', '*name') are not supported; "
                          "write the value out in full")
    seen.add(id(node))
    if isinstance(node, yaml.ScalarNode):
        control = first_control(node.value)
        if control is not None:  # a YAML escape ("\a", "\x01"): raw ones are refused on reading
            line = document.first_line + node.start_mark.line
            raise YamlProblem(line, f"{format_location(location)}: "
                              f"{control_message(control[0])}")
        return node.value
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            item_line = used_at if id(item) in seen else document.first_line + item.start_mark.line
            document.lines[(*location, index)] = item_line
            items.append(_to_python(item, (*location, index), document, seen, item_line))
        return items
    mapping: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key_line = document.first_line + key_node.start_mark.line
        if not isinstance(key_node, yaml.ScalarNode):
            raise YamlProblem(key_line, f"a key must be a plain word, found {_kind_of(key_node)}")
        key = key_node.value
        if key in mapping:
            first = document.lines[(*location, key)]
            raise YamlProblem(key_line, f"{key}: this key is given twice (first on line "
                              f"{first}); keep one")
        document.lines[(*location, key)] = key_line
        mapping[key] = _to_python(value_node, (*location, key), document, seen, key_line)
    return mapping


def _kind_of(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    if isinstance(node, yaml.MappingNode):
        return "a group of keys"
    return f"the text {node.value!r}"
