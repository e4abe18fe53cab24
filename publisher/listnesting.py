"""Lists nested as writers indent them: an item indented 2 or 3 spaces past the item above
it nests under it, as 4 spaces do. Python-Markdown nests only by 4 (its tab length), and a
list indented by 2, as Word and most Markdown tools write it, was flattened to one level
without a word. `nest_lists` re-indents the lines of lists to what Python-Markdown reads,
changing only leading spaces, so every line keeps its number; `publisher.limits` counts
nesting on the same lines.
"""

from __future__ import annotations

import re

#: How many spaces Python-Markdown needs to nest a list item, or to continue one.
MARKDOWN_INDENT = 4
_LIST_MARKER = re.compile(r"( *)(?:[*+-]|\d+\.) +\S")
_RULE_LINE = re.compile(r" {0,3}(?:(?:- *){3,}|(?:\* *){3,}|(?:_ *){3,})$")
_HEADING_LINE = re.compile(r" {0,3}#{1,6}(?:\s|$)")
_PLACEMENT_LINE = re.compile(r" {0,3}\[\[[^\[\]]*\]\]\s*$")
_QUOTE_PREFIX = re.compile(r"(?: {0,3}> ?)+")


def nest_lists(lines: list[str]) -> list[str]:
    """`lines` of Markdown (tabs expanded) with each list item re-indented as
    Python-Markdown needs it to stand where the writer put it: 4 spaces a level.

    A line starting a list item nests under the item above when it is indented 2 spaces or
    more past that item's marker, whatever the step (2, 3 or 4); a line of text after a
    blank line belongs to the deepest item it is indented 2 spaces past, and is code when it
    is 8 past (Python-Markdown's 4 for the item and 4 for code). Lines already indented as
    Python-Markdown reads them are left as they are, so are lines outside lists, the lines
    of text within a paragraph, headings and block placements (`[[name]]` stays a
    placement, at the start of its line). Lists in quotations are re-indented inside the
    quotation. Only spaces at the start of lines change, so each line keeps its number.
    `publisher.limits` counts the depth of lists on the same lines.
    """
    result: list[str] = []
    run: list[str] = []
    depth = 0  # quotations around the lines of the current run
    for line in lines:
        prefix = _QUOTE_PREFIX.match(line)
        quotes = prefix[0].count(">") if prefix else 0
        if quotes != depth and run:
            result += _nested_run(run, depth)
            run = []
        depth = quotes
        run.append(line)
    return result + (_nested_run(run, depth) if run else [])


def _nested_run(lines: list[str], quotes: int) -> list[str]:
    """Lines all in `quotes` quotations, re-indented inside them."""
    if not quotes:
        return _reindented(lines)
    prefixes = [prefix[0] if (prefix := _QUOTE_PREFIX.match(line)) else "" for line in lines]
    inner = _reindented([line[len(prefix):]
                         for prefix, line in zip(prefixes, lines, strict=True)])
    return [prefix + line for prefix, line in zip(prefixes, inner, strict=True)]


def _reindented(lines: list[str]) -> list[str]:
    """Lines outside quotations, each list item and its text re-indented (see nest_lists)."""
    result = []
    open_items: list[int] = []  # the indentation of each open item's marker, outermost first
    blank = True  # whether the line before was blank (or there was none)
    heading = False
    for line in lines:
        if not line.strip():
            result.append(line)
            blank = True
            continue
        indent = len(line) - len(line.lstrip(" "))
        text = line[indent:]
        marker = bool(_LIST_MARKER.match(line)) and not _RULE_LINE.match(line)
        if _PLACEMENT_LINE.match(line) or _HEADING_LINE.match(line):
            if blank:
                open_items.clear()  # the list has ended
            result.append(line)
        elif not open_items:
            if marker and indent <= 3 and (blank or heading):
                open_items.append(indent)  # a list starts
            result.append(line)
        elif marker or blank:
            while open_items and indent < open_items[-1] + 2:
                open_items.pop()
            result.append(_item_line(line, text, indent, open_items, marker))
        else:  # a line of the paragraph above, in the last item
            level = MARKDOWN_INDENT * (len(open_items) - 1)
            result.append(" " * level + text if 0 < indent < level else line)
        # A list may start right after a heading or a placement, which end their block.
        heading = bool(_HEADING_LINE.match(line) or _PLACEMENT_LINE.match(line))
        blank = False
    return result


def _item_line(line: str, text: str, indent: int, open_items: list[int], marker: bool) -> str:
    """A list item's line (`marker`), or a line of text after a blank line, placed under
    the `open_items` it is indented past, which it joins (as an item, when `marker`)."""
    if marker:
        level = MARKDOWN_INDENT * len(open_items)
        open_items.append(indent)
        if not level:  # an item of the outermost list
            return line if indent <= 3 else text
        return " " * level + text
    if not open_items:
        return line  # text after the list
    extra = max(0, indent - open_items[-1] - MARKDOWN_INDENT)  # code, 4 more than an item
    return " " * (MARKDOWN_INDENT * len(open_items) + extra) + text
