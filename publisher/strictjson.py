"""Reading the JSON files publisher writes for itself (the archive lock, the build record, the
publication journal) strictly: each value must be of the type publisher wrote there.

These files are meant to be written only by publisher, but they live on disk where anything
can happen to them. A damaged one must give a message that says where, never an
OverflowError from `1e400` or a RecursionError from brackets nested a thousand deep.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

#: Deeper than any file publisher writes (the lock goes 7 levels down); nesting past this
#: is where a file too deep to parse is said to go wrong.
_DEEPEST = 100
#: The largest whole number taken; a size or a count beyond it is damage, not a file.
_LARGEST = 2**53
_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class Damage(ValueError):
    """A value that is not what publisher writes there: `where` it is (the keys and list
    positions leading to it) and `what` is wrong."""

    def __init__(self, where: Sequence[str], what: str):
        self.where = tuple(where)
        self.what = what
        super().__init__(f"{' > '.join(self.where)}: {what}" if self.where else what)


class Unparsable(ValueError):
    """Text that is not JSON at all: `line` is where it stops making sense, if known."""

    def __init__(self, line: int | None, what: str):
        self.line = line
        self.what = what
        super().__init__(what)


@dataclass(frozen=True)
class Literal:
    """A number as it is written in the file, where it is not a whole number publisher
    takes (`1e400`, `12.5`, `NaN`): kept as text to be named in a message, and a type
    no check takes for a number or a string."""

    text: str

    def __str__(self) -> str:
        return self.text


def parse(text: str) -> Any:
    """The JSON document in `text`; raises Unparsable."""
    try:
        return json.loads(text, parse_float=Literal, parse_constant=Literal,
                          parse_int=_whole_number)
    except json.JSONDecodeError as error:
        message = error.msg[:1].lower() + error.msg[1:]
        raise Unparsable(error.lineno, f"this is not valid JSON ({message}, column "
                         f"{error.colno})") from None
    except RecursionError:
        raise Unparsable(_too_deep(text), f"lists and maps are nested more than {_DEEPEST} "
                         "deep here, one inside another, deeper than publisher ever "
                         "writes") from None


def _whole_number(text: str) -> int | Literal:
    # Python refuses to read more than 4,300 digits (a ValueError from inside the parser),
    # and no count publisher writes is more than 16.
    return int(text) if len(text) <= 18 else Literal(text)


def _too_deep(text: str) -> int | None:
    """The line where `text` nests lists and maps deeper than `_DEEPEST`."""
    depth, line, in_string, escaped = 0, 1, False, False
    for character in text:
        if in_string:
            in_string = escaped or character != '"'
            escaped = not escaped and character == "\\"
        elif character == '"':
            in_string = True
        elif character in "[{":
            depth += 1
            if depth > _DEEPEST:
                return line
        elif character in "]}":
            depth -= 1
        if character == "\n":
            line += 1
    return None


def shown(value: Any) -> str:
    """A value as it is written in the file, short enough for a message."""
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, Literal | int):
        text = str(value)
        return text if len(text) <= 24 else f"{text[:20]}... ({len(text)} digits)"
    if isinstance(value, str):
        return json.dumps(value if len(value) <= 60 else value[:57] + "...",
                          ensure_ascii=False)
    return "a list" if isinstance(value, list) else "a map"


def mapping(value: Any, where: Sequence[str], what: str = "a map") -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Damage(where, f"{shown(value)} is not {what}")
    return value


def items(value: Any, where: Sequence[str], what: str) -> list[Any]:
    if not isinstance(value, list):
        raise Damage(where, f"{shown(value)} is not {what}")
    return value


def field(data: dict[str, Any], key: str, where: Sequence[str]) -> Any:
    """`data[key]`; a key that is missing is damage to the map at `where`."""
    if key not in data:
        raise Damage(where, f"'{key}' is missing")
    return data[key]


def text(value: Any, where: Sequence[str], what: str = "text") -> str:
    if not isinstance(value, str):
        raise Damage(where, f"{shown(value)} is not {what}")
    return value


def whole(value: Any, where: Sequence[str], what: str, least: int = 0) -> int:
    """A whole number from `least` up; `true`, `12.0` or `1e400` is damage, not a number."""
    if type(value) is not int or not least <= value <= _LARGEST:
        raise Damage(where, f"{shown(value)} is not {what}")
    return value


def digest(value: Any, where: Sequence[str]) -> str:
    """A digest as `fingerprint.digest_bytes` writes it."""
    if not isinstance(value, str) or not _DIGEST.fullmatch(value):
        raise Damage(where, f"{shown(value)} is not a digest ('sha256:' and 64 hexadecimal "
                     "digits)")
    return value


def day(value: Any, where: Sequence[str]) -> datetime.date:
    """A date written YYYY-MM-DD, as publisher writes dates."""
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            pass
    raise Damage(where, f"{shown(value)} is not a date written YYYY-MM-DD")


def inside(path: Any) -> bool:
    """Whether `path`, as a file publisher writes for itself records it, is a path inside
    the output folder: text, relative (not `/x`, nor `//x`), never climbing out with `..`.
    Any other character is allowed, as publisher writes any name the system allows."""
    if not isinstance(path, str):
        return False
    parts = PurePosixPath(path).parts
    return bool(parts) and not PurePosixPath(path).is_absolute() and ".." not in parts
