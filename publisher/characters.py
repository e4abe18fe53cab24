"""Characters that are not text, and characters that cannot be seen.

*Control characters* (U+0000 to U+001F but tab and line endings, U+007F to U+009F) and the
noncharacters U+FFFE and U+FFFF are not text in any language; XML forbids most of them, so
one in a title would make the archive's Atom feeds unreadable to every feed reader. They
arrive with text pasted from terminals and old word processors, or typed as YAML escapes
(`"\\a"`). Every source refuses them where it is read, with the line.

*Invisible characters* are text, but cannot be seen: the controls that reorder text for
right-to-left scripts (U+202A to U+202E, U+2066 to U+2069), which can make a line show
words in another order than they are read ("Trojan Source"), and zero-width spaces and
joiners (U+200B, U+2060, U+FEFF, U+180E), which can hide a name from the deny-list
("Jo\u200bhn" is not "John" to a search). `publisher check` warns of each. The zero-width
joiner and non-joiner (U+200C, U+200D) are left alone: Persian, the Indic scripts and
emoji need them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_INVISIBLE = re.compile("[\u202a-\u202e\u2066-\u2069\u200b\u2060\ufeff\u180e]")
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: Names for the control characters, which Unicode leaves unnamed.
_CONTROL_NAMES = {
    0x00: "NULL", 0x07: "BELL", 0x08: "BACKSPACE", 0x0B: "LINE TABULATION",
    0x0C: "FORM FEED", 0x1B: "ESCAPE", 0x7F: "DELETE",
}


def first_control(text: str) -> re.Match[str] | None:
    """The first control character or noncharacter in `text`, if any."""
    return _CONTROL.search(text)


def invisible_characters(text: str) -> Iterator[re.Match[str]]:
    """Each invisible character in `text`: a reordering control or a zero-width space."""
    return _INVISIBLE.finditer(text)


def is_reordering(character: str) -> bool:
    """Whether `character` is one of the controls that reorder right-to-left text."""
    return character in _BIDI


def describe(character: str) -> str:
    """`U+0007 BELL`: a character's code point and its name."""
    code = ord(character)
    name = _CONTROL_NAMES.get(code) or unicodedata.name(character, "")
    if not name and code < 0x20:
        name = "a control character"
    return f"U+{code:04X} {name}".rstrip()


def control_problem(text: str) -> tuple[int, int, str] | None:
    """Where `text`'s first control character is (line and column, from 1) and what to say
    of it; None if it has none."""
    found = first_control(text)
    if found is None:
        return None
    line = text.count("\n", 0, found.start()) + 1
    column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
    return line, column, control_message(found[0])


def control_message(character: str) -> str:
    return (f"the control character {describe(character)} is not text and would break the "
            "archive's feeds; delete it (it comes with text pasted from some programs, or "
            "from a YAML escape such as \"\\a\" or \"\\x01\")")
