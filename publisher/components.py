"""Components an officer writes in an issue's Markdown, or in a block's Markdown fields:
callouts, questions for reflection, grids of cards, figures, pull quotes and two columns.

They are pymdown-extensions' generic blocks, as MkDocs-Material users write them: a line
`/// name | argument`, options indented four spaces on the lines right after it, the
content in Markdown, and a line `///` to close it:

    /// callout | Focus on the child
        kind: warning
    Ask what a day is like for the child.
    ///

We chose them over HTML with `markdown="1"` (attr_list and md_in_html) because an officer
learns one pattern in a minute and never writes a tag, the options are named and checked,
and blocks nest (a grid of `//// card`s) without a parser of our own.

Each component makes plain, semantic HTML with classes the house styles lay out (see
`styles/base.css`), says in words what it is (a callout's kind, not its colour alone), and
asks the PDF for the structure type a screen reader needs (`data-pdf-tag`, see `pdf.py`):
a callout or a box of questions is a Note, a figure groups its image (a Figure, with the
image's description as its alternate text) and its Caption. `COMPONENTS` describes each
one, for the extension here and for `publisher check`, which says what is wrong with a
component that cannot be made (an unknown name, option or value; one never closed).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import markdown
import pymdownx.blocks
from pymdownx.blocks import BlocksExtension, BlocksProcessor
from pymdownx.blocks.block import Block

from publisher.validation import did_you_mean


@dataclass(frozen=True)
class Option:
    """An option of a component: its choices (None for any text) and its default."""

    description: str
    choices: tuple[str, ...] | None = None
    default: str = ""


@dataclass(frozen=True)
class ComponentSpec:
    """What a component is, and what it takes."""

    name: str
    description: str
    #: What the text after the bar is ("" if the component takes none), and whether it
    #: must be given.
    argument: str = ""
    argument_required: bool = False
    options: dict[str, Option] = field(default_factory=dict)
    #: The component it must stand in, if any (a card, in a grid).
    inside: str | None = None


CALLOUT_KINDS = {"key-message": "Key message", "note": "Note", "warning": "Warning",
                 "tip": "Tip"}
FIGURE_SIZES = ("full", "half", "inline")

COMPONENTS: dict[str, ComponentSpec] = {spec.name: spec for spec in [
    ComponentSpec("callout", "A key message, note, warning or tip, set apart in a box that "
                  "says which it is in words.", "a title (optional)",
                  options={"kind": Option("What it is: " + ", ".join(CALLOUT_KINDS),
                                          tuple(CALLOUT_KINDS), "key-message")}),
    ComponentSpec("prompts", "Questions for reflection, for a team meeting: a box with its "
                  "heading and the questions, with no tick-boxes.",
                  "its heading (optional; 'Questions to talk about' if not given)"),
    ComponentSpec("grid", "Small cards side by side, two or three to a row (one on a phone), "
                  "for many short items: each item of a list is a card, or each card block.",
                  "a heading over the cards (optional)",
                  options={"columns": Option("How many cards to a row: 2 or 3", ("2", "3"),
                                             "3")}),
    ComponentSpec("card", "One card of a grid, with its title.", "the card's title (optional)",
                  inside="grid"),
    ComponentSpec("figure", "A picture or diagram with its caption, and its credit if "
                  "given; the picture needs a description, as every image does.",
                  "the caption", argument_required=True,
                  options={"credit": Option("Whose picture it is, printed after the caption"),
                           "size": Option("How wide: full, half or inline (beside the text)",
                                          FIGURE_SIZES, "full")}),
    ComponentSpec("pullquote", "A quotation set large, with who said it.",
                  "who said it, and where (optional)"),
    ComponentSpec("columns", "The text inside in two columns where the page is wide enough "
                  "(one on a phone)."),
]}


_OPTION = re.compile(r"^\s*([A-Za-z][\w-]*)\s*:(?:\s+(.*?))?\s*$")


def read_options(text: str) -> dict[str, str] | tuple[int, str]:
    """A component's options, one `name: value` to a line, the value being the rest of the
    line as written (`credit: Source: the board` needs no quotes); or the line (from 1) that
    is not an option, and what to say of it."""
    options: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _OPTION.match(line)
        if match is None:
            return number, ("write each option on a line of its own as 'name: value', "
                            "indented four spaces under the line that opens the component")
        if match[1] in options:
            return number, f"{match[1]}: this option is given twice; keep one"
        options[match[1]] = (match[2] or "").strip()
    return options


def _options(text: str) -> dict[str, Any] | None:
    """`read_options` for pymdown-extensions, which would read the options as YAML with
    yaml.safe_load (an alias can expand a few lines into gigabytes); None if they cannot be
    read, and then `publisher check` says why."""
    found = read_options(text)
    return found if isinstance(found, dict) else None


pymdownx.blocks.get_frontmatter = _options


class Component(Block):  # type: ignore[misc]
    """What every component does: refuse what its spec does not allow (pymdown-extensions
    then leaves the text as it was, and `publisher check` says what is wrong)."""

    SPEC: ComponentSpec

    def _validate(self, parent: etree.Element, arg: Any, **options: Any) -> bool:
        if "attrs" in options or not set(options) <= set(self.SPEC.options):
            return False  # an author sets no attributes: they could restyle or hide text
        for name, value in options.items():
            choices = self.SPEC.options[name].choices
            if not isinstance(value, str) or (choices and value.strip() not in choices):
                return False
        return bool(super()._validate(parent, arg, **{
            name: value.strip() for name, value in options.items()}))

    def option(self, name: str) -> str:
        value = self.options.get(name) or self.SPEC.options[name].default
        return str(value)


def _spec_options(spec: ComponentSpec) -> dict[str, tuple[Any, Callable[[Any], Any]]]:
    return {name: (option.default, str) for name, option in spec.options.items()}


def _label(parent: etree.Element, css: str, label: str, title: str | None) -> None:
    """The words that say what a box is, `Warning: Do not wait`, as its first line."""
    line = etree.SubElement(parent, "p", {"class": f"{css}__label"})
    strong = etree.SubElement(line, "strong", {"class": f"{css}__kind"})
    strong.text = label
    if title and title.strip().casefold() != label.casefold():
        strong.tail = ": "
        etree.SubElement(line, "span", {"class": f"{css}__title"}).text = title.strip()


class Callout(Component):
    SPEC = COMPONENTS["callout"]
    NAME = SPEC.name
    ARGUMENT = None
    OPTIONS = _spec_options(SPEC)

    def on_create(self, parent: etree.Element) -> etree.Element:
        kind = self.option("kind")
        label = CALLOUT_KINDS[kind]
        title = (self.argument or "").strip()
        box = etree.SubElement(parent, "div", {
            "class": f"callout callout--{kind}", "role": "note",
            "aria-label": label + (f": {title}" if title and title != label else ""),
            "data-pdf-tag": "Note"})
        _label(box, "callout", label, title)
        return box


class Prompts(Component):
    SPEC = COMPONENTS["prompts"]
    NAME = SPEC.name
    ARGUMENT = None
    OPTIONS = _spec_options(SPEC)
    DEFAULT_LABEL = "Questions to talk about"

    def on_create(self, parent: etree.Element) -> etree.Element:
        label = (self.argument or "").strip() or self.DEFAULT_LABEL
        box = etree.SubElement(parent, "div", {"class": "prompts", "role": "note",
                                               "aria-label": label, "data-pdf-tag": "Note"})
        _label(box, "prompts", label, None)
        return box


class Grid(Component):
    SPEC = COMPONENTS["grid"]
    NAME = SPEC.name
    ARGUMENT = None
    OPTIONS = _spec_options(SPEC)

    def on_create(self, parent: etree.Element) -> etree.Element:
        grid = etree.SubElement(parent, "div", {
            "class": f"grid grid--{self.option('columns')}"})
        if (self.argument or "").strip():
            etree.SubElement(grid, "p", {"class": "grid__title"}).text = self.argument.strip()
        self.cards = etree.SubElement(grid, "div", {"class": "grid__cards"})
        return grid

    def on_add(self, block: etree.Element) -> etree.Element:
        return self.cards

    def on_end(self, block: etree.Element) -> None:
        """The cards: each item of a list written inside (the list stays a list, for screen
        readers), or each card block."""
        lists = [child for child in self.cards if child.tag in ("ul", "ol")]
        if len(lists) == 1 and len(self.cards) == 1:
            cards = lists[0]
            cards.set("class", "grid__cards")
            cards.set("role", "list")  # a list styled as cards is still read as a list
            for item in cards:
                if item.tag == "li":
                    item.set("class", "card")
            block.remove(self.cards)
            block.append(cards)


class Card(Component):
    SPEC = COMPONENTS["card"]
    NAME = SPEC.name
    ARGUMENT = None
    OPTIONS = _spec_options(SPEC)

    def on_create(self, parent: etree.Element) -> etree.Element:
        card = etree.SubElement(parent, "div", {"class": "card"})
        if (self.argument or "").strip():
            # Not a heading: the table of contents would number it among the articles', and
            # a grid of them would be a long run of headings to a screen reader.
            title = etree.SubElement(card, "p", {"class": "card__title"})
            etree.SubElement(title, "strong").text = self.argument.strip()
        return card


class Figure(Component):
    SPEC = COMPONENTS["figure"]
    NAME = SPEC.name
    ARGUMENT = True
    OPTIONS = _spec_options(SPEC)

    def on_create(self, parent: etree.Element) -> etree.Element:
        return etree.SubElement(parent, "figure", {
            "class": f"figure figure--{self.option('size')}", "data-pdf-tag": "Div"})

    def on_inline_end(self, block: etree.Element) -> None:
        """The picture stands in the figure itself, not in a paragraph (as Markdown makes it
        once it has read the line), and its caption (and credit) after it."""
        for paragraph in [child for child in block if child.tag == "p"]:
            images = list(paragraph)
            if images and all(image.tag == "img" for image in images) and not (
                    paragraph.text or "").strip():
                index = list(block).index(paragraph)
                block.remove(paragraph)
                for offset, image in enumerate(images):
                    image.tail = "\n"
                    block.insert(index + offset, image)
        block.text = "\n"
        caption = etree.SubElement(block, "figcaption", {"class": "figure__caption"})
        caption.text = self.argument.strip()
        credit = self.option("credit").strip()
        if credit:
            caption.text += " "
            etree.SubElement(caption, "span", {"class": "figure__credit"}).text = credit


class PullQuote(Component):
    SPEC = COMPONENTS["pullquote"]
    NAME = SPEC.name
    ARGUMENT = None
    OPTIONS = _spec_options(SPEC)

    def on_create(self, parent: etree.Element) -> etree.Element:
        self.figure = etree.SubElement(parent, "figure", {"class": "pullquote",
                                                          "data-pdf-tag": "Div"})
        return etree.SubElement(self.figure, "blockquote")

    def on_end(self, block: etree.Element) -> None:
        source = (self.argument or "").strip()
        if source:
            caption = etree.SubElement(self.figure, "figcaption",
                                       {"class": "pullquote__source"})
            caption.text = source


class Columns(Component):
    SPEC = COMPONENTS["columns"]
    NAME = SPEC.name
    ARGUMENT = False
    OPTIONS = _spec_options(SPEC)

    def on_create(self, parent: etree.Element) -> etree.Element:
        return etree.SubElement(parent, "div", {"class": "columns"})


class ComponentsExtension(BlocksExtension):  # type: ignore[misc]
    """Every component, for a Markdown converter."""

    def extendMarkdownBlocks(self, md: markdown.Markdown,
                             block_mgr: BlocksProcessor) -> None:
        for component in (Callout, Prompts, Grid, Card, Figure, PullQuote, Columns):
            block_mgr.register(component, {})


# What `publisher check` says of components written wrong. pymdown-extensions leaves a
# component it cannot make as the text it was, so each mistake must be found here.

_OPENING = re.compile(r"^ {0,3}(/{3,})[ ]*([\w-]+)[ ]*(?:\|[ ]*(.*?)[ ]*)?$")
_CLOSING = re.compile(r"^ {0,3}(/{3,})[ ]*$")
_OPTION_LINE = re.compile(r"^ {4,}\S")


@dataclass
class _Open:
    """A component opened and not yet closed."""

    spec: ComponentSpec
    slashes: int
    line: int
    images: int = 0


def component_problems(lines: list[tuple[int, str]]) -> list[tuple[int, int, str]]:
    """Each mistake in the components of Markdown `lines` (numbered, code already left
    out), as (line, column, message)."""
    problems: list[tuple[int, int, str]] = []
    stack: list[_Open] = []
    numbered = list(lines)
    index = 0
    while index < len(numbered):
        number, line = numbered[index]
        index += 1
        closing = _CLOSING.match(line)
        if closing:
            slashes = len(closing[1])
            if stack and stack[-1].slashes == slashes:
                _closed(stack.pop(), problems)
            elif not any(entry.slashes == slashes for entry in stack):
                problems.append((number, 1, f"{line.strip()} closes no component; remove it, "
                                 "or open one above it (/// callout)"))
            continue
        opening = _OPENING.match(line)
        if opening is None:
            if stack and ("![" in line or "<img" in line):
                stack[-1].images += 1
            continue
        options: list[tuple[int, str]] = []
        while index < len(numbered) and _OPTION_LINE.match(numbered[index][1]):
            options.append(numbered[index])
            index += 1
        entry = _opened(number, line, opening, options, stack, problems)
        if entry is not None:
            stack.append(entry)
    for entry in stack:
        problems.append((entry.line, 1, f"this {entry.spec.name} is not closed; end it with a "
                         f"line '{'/' * entry.slashes}' after its last line"))
    return problems


def _opened(number: int, line: str, opening: re.Match[str], options: list[tuple[int, str]],
            stack: list[_Open], problems: list[tuple[int, int, str]]) -> _Open | None:
    slashes, name, argument = len(opening[1]), opening[2], (opening[3] or "").strip()
    spec = COMPONENTS.get(name.lower())
    column = line.index(name) + 1
    if spec is None:
        hint = did_you_mean(name.lower(), list(COMPONENTS),
                            f"the components are: {', '.join(COMPONENTS)}")
        problems.append((number, column, f"there is no component {name!r}; {hint}"))
        return _Open(COMPONENTS["columns"], slashes, number)  # its end is still its end
    if stack and slashes <= stack[-1].slashes:
        problems.append((number, 1, f"a {spec.name} inside a {stack[-1].spec.name} needs more "
                         f"slashes than it: open it with {'/' * (stack[-1].slashes + 1)} and "
                         f"close it the same way"))
    if spec.inside and not (stack and stack[-1].spec.name == spec.inside):
        problems.append((number, column, f"a {spec.name} stands inside a {spec.inside}; put it "
                         f"between '/// {spec.inside}' and '///', with four slashes"))
    if spec.argument_required and not argument:
        problems.append((number, column, f"a {spec.name} needs {spec.argument} after a bar: "
                         f"/// {spec.name} | ..."))
    if argument and not spec.argument:
        problems.append((number, column, f"a {spec.name} takes nothing after the bar; remove "
                         "'| " + argument + "'"))
    problems.extend(_option_problems(spec, options))
    return _Open(spec, slashes, number)


def _option_problems(spec: ComponentSpec,
                     options: list[tuple[int, str]]) -> list[tuple[int, int, str]]:
    if not options:
        return []
    found = read_options("\n".join(line for _, line in options))
    if not isinstance(found, dict):
        return [(options[found[0] - 1][0], 5, f"the options of this {spec.name}: {found[1]}")]
    lines = {match[1]: number for number, line in options if (match := _OPTION.match(line))}
    problems = []
    for name, value in found.items():
        line = lines[name]
        option = spec.options.get(name)
        if option is None:
            known = list(spec.options)
            hint = did_you_mean(name, known, f"its options are: {', '.join(known)}" if known
                                else "it takes none")
            problems.append((line, 5, f"{name}: a {spec.name} has no such option; {hint}"))
        elif not value:
            problems.append((line, 5, f"{name}: give its value after the colon"))
        elif option.choices and value.strip() not in option.choices:
            choices = [repr(choice) for choice in option.choices]
            problems.append((line, 5, f"{name}: {value.strip()!r} is not one of the choices; use "
                             + ", ".join(choices[:-1]) + f" or {choices[-1]}"))
    return problems


def _closed(entry: _Open, problems: list[tuple[int, int, str]]) -> None:
    if entry.spec.name == "figure" and entry.images != 1:
        problems.append((entry.line, 1, "a figure holds one picture, "
                         "![what it shows](file.png), and its caption after the bar; "
                         f"this one has {entry.images}"))
