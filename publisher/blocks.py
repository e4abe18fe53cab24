"""The block library: reusable pieces of content with dated versions.

`blocks/<kind>/_kind.yml` describes a kind (its fields, their types, which are required);
`templates/blocks/<kind>.html` lays it out. Every other file in `blocks/<kind>/` is a block
of that kind: a title and a list of versions, each with the date it took effect (`from`) and
perhaps the date it was retired. An issue gets the version in force on its own date, so an
old issue keeps the phone numbers that were right when it was published.

Blocks are placed in an issue's body by a line of their own, `[[duty-contacts]]`, with
options after bars: `[[duty-contacts | heading: Who to call | compact | version: 1]]`; or in
a house layout's slots, listed in the front matter under `slots:`.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import AfterValidator, BaseModel, Field, create_model, model_validator

from publisher.config import BLOCKS_FOLDER, HouseStyle
from publisher.errors import Problem, display_path
from publisher.limits import MAX_NESTING, markdown_problems
from publisher.sources import Issue
from publisher.topics import Topic, Vocabulary
from publisher.validation import (
    IsoDate,
    Schema,
    Text,
    TextList,
    WholeNumber,
    did_you_mean,
    parse_iso_date,
    validate_document,
)
from publisher.yamldoc import Location, YamlDocument, parse_mapping, read_text

KIND_FILE = "_kind.yml"
PARTIALS_FOLDER = "blocks"
RESERVED_FIELDS = ("from", "retired", "note")
NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
PLACEMENT_LINE = re.compile(r"^ {0,3}\[\[(?P<inside>[^\[\]]*)\]\]\s*$")
SLOT_PLACE = re.compile(r"^\s*slot\s*:(?P<name>.*)$", re.IGNORECASE)
OPTIONS = ("heading", "no heading", "compact", "version", "as of")
#: Messages list a block's versions in full up to this many; a longer list is shortened to
#: its first two and last two, and the count, so that a message stays one short line
#: whatever the block (a file of 256 KB can hold 10,000 versions).
LISTED_VERSIONS = 5

ScalarType = Literal["text", "inline", "markdown", "date", "number", "url", "email"]
FieldType = Literal["text", "inline", "markdown", "date", "number", "url", "email", "list",
                    "group"]


class FieldSpec(Schema):
    """One field of a kind, as its `_kind.yml` describes it."""

    type: FieldType
    description: Text
    required: bool = False
    items: ScalarType | None = None
    fields: dict[str, FieldSpec] | None = None

    @model_validator(mode="after")
    def _shape(self) -> FieldSpec:
        if self.type == "group" and not self.fields:
            raise ValueError("a group needs 'fields:', the fields inside it")
        if self.type == "list" and bool(self.items) == bool(self.fields):
            raise ValueError("a list needs either 'items:' (the type of each item) or "
                             "'fields:' (each item is a group of these fields)")
        if self.type not in ("list", "group") and (self.items or self.fields):
            raise ValueError(f"a {self.type} field takes no 'items:' or 'fields:'")
        return self

    def item_spec(self) -> FieldSpec:
        """For a list: the spec of each of its items."""
        if self.fields:
            return FieldSpec(type="group", description=self.description, fields=self.fields)
        return FieldSpec(type=self.items or "text", description=self.description)


class KindSpec(Schema):
    """A kind's `_kind.yml`."""

    description: Text
    fields: dict[str, FieldSpec]


@dataclass(frozen=True)
class Kind:
    name: str
    spec: KindSpec
    source: Path
    shown: str
    block_model: type[BaseModel]


@dataclass(frozen=True)
class Version:
    """One version of a block: the content in force from `effective` until `retired`."""

    number: int
    effective: datetime.date
    retired: datetime.date | None
    note: str | None
    values: dict[str, Any]

    def describe(self) -> str:
        retired = f", retired {self.retired.isoformat()}" if self.retired else ""
        return f"{self.number} (from {self.effective.isoformat()}{retired})"


@dataclass(frozen=True)
class Block:
    name: str
    kind: Kind
    title: str
    description: str | None
    versions: list[Version]
    source: Path
    shown: str
    #: The site's topics the block is about: every issue that shows it is about them too.
    topics: tuple[str, ...] = ()
    #: The line of each key and item in the block's file (see `YamlDocument.lines`).
    lines: dict[Location, int] = field(default_factory=dict, compare=False, repr=False)

    def markdown_texts(self) -> Iterator[tuple[int, str]]:
        """Each text of the block's versions that is read as Markdown (its `markdown` and
        `inline` fields), with the line of the file its key (or list item) is on."""
        for version in self.versions:
            location: Location = ("versions", version.number - 1)
            for field_location, text in _markdown_values(self.kind.spec.fields, version.values,
                                                          location):
                yield self.lines.get(field_location, 1), text

    def version_list(self) -> str:
        """The versions, for a message: '1 (from 2011-04-01), 2 (from 2012-04-01)', or for a
        long list '1 (...), 2 (...), … 4999 (...), 5000 (...) (5,000 versions)'."""
        versions = self.versions
        if len(versions) <= LISTED_VERSIONS:
            return ", ".join(version.describe() for version in versions)
        first = ", ".join(version.describe() for version in versions[:2])
        last = ", ".join(version.describe() for version in versions[-2:])
        return f"{first}, … {last} ({len(versions):,} versions)"


class ResolutionError(Exception):
    """A block cannot be given for a date: `reason` says why and what exists, and
    `pinnable` whether pinning a version would give one (the message then says how)."""

    PIN = "pin one with '| version: N' or use another block"

    def __init__(self, reason: str, pinnable: bool = False):
        super().__init__(f"{reason}; {self.PIN}" if pinnable else reason)
        self.reason = reason
        self.pinnable = pinnable


@dataclass(frozen=True)
class Placement:
    """Where an issue asks for a block, and how it wants it shown."""

    name: str
    line: int
    text: str
    slot: str | None = None
    heading: str | None = None
    show_heading: bool = True
    compact: bool = False
    version: int | None = None
    as_of: datetime.date | None = None

    @property
    def where(self) -> str:
        return f"slot {self.slot}" if self.slot else "body"


@dataclass(frozen=True)
class PlacedBlock:
    """A placement with the block and version it resolved to."""

    placement: Placement
    block: Block
    version: Version

    @property
    def heading(self) -> str | None:
        if not self.placement.show_heading:
            return None
        return self.placement.heading or self.block.title


@dataclass
class BlockLibrary:
    """Every kind and block of a site, validated."""

    folder: Path
    kinds: dict[str, Kind] = field(default_factory=dict)
    blocks: dict[str, Block] = field(default_factory=dict)
    broken: set[str] = field(default_factory=set)

    def resolve(self, name: str, as_of: datetime.date,
                version: int | None = None) -> tuple[Block, Version]:
        """The block `name` and its version in force on `as_of`, or its version `version`."""
        block = self.blocks[name]
        if version is not None:
            if not 1 <= version <= len(block.versions):
                raise ResolutionError(f"block {name!r} has no version {version}; its versions: "
                                      f"{block.version_list()}")
            return block, block.versions[version - 1]
        in_force = [v for v in block.versions if v.effective <= as_of]
        if not in_force:
            raise ResolutionError(
                f"block {name!r} was not yet in effect on {as_of.isoformat()}; its versions: "
                f"{block.version_list()}", pinnable=True)
        current = in_force[-1]
        if current.retired is not None and current.retired <= as_of:
            raise ResolutionError(
                f"block {name!r} was retired on {current.retired.isoformat()}, before "
                f"{as_of.isoformat()}; its versions: {block.version_list()}", pinnable=True)
        return block, current

    def suggest(self, name: str) -> str:
        return "; " + did_you_mean(name, list(self.blocks),
                                   "run 'publisher blocks' to list the blocks")


def load_library(site_root: Path, template_folders: list[Path],
                 vocabulary: Vocabulary | None = None) -> tuple[BlockLibrary, list[Problem]]:
    """Read every kind and block under `blocks/`; a kind needs a partial in a template folder,
    and a block's topics must be in the site's `vocabulary` (if given: without it they are
    taken as written)."""
    library = BlockLibrary(folder=site_root / BLOCKS_FOLDER)
    problems: list[Problem] = []
    for stray in sorted(p for p in library.folder.glob("*") if p.is_file()):
        problems.append(Problem(display_path(stray, site_root), None, "a block belongs in the "
                                "folder of its kind, blocks/<kind>/; move it there"))
    kind_folders = sorted(p for p in library.folder.glob("*") if p.is_dir())
    for folder in kind_folders:
        kind = _load_kind(folder, site_root, template_folders, problems)
        if kind is None:
            library.broken.update(path.stem for path in folder.glob("*.yml"))
            continue
        library.kinds[kind.name] = kind
        for path in sorted(folder.glob("*.yaml")):
            problems.append(Problem(display_path(path, site_root), None, "block files end in "
                                    f".yml; rename it {path.stem}.yml"))
        for path in sorted(folder.glob("*.yml")):
            if path.name == KIND_FILE:
                continue
            block = _load_block(path, kind, site_root, problems, vocabulary)
            if block is None:
                library.broken.add(path.stem)
                continue
            if block.name in library.blocks:
                other = library.blocks[block.name]
                problems.append(Problem(block.shown, None, f"there is already a block called "
                                        f"{block.name!r} ({other.shown}); block names must be "
                                        "unique across the library, so rename one"))
                continue
            library.blocks[block.name] = block
    return library, problems


@dataclass(frozen=True)
class SlotPlace:
    """A line `[[slot: reflect]]` of an issue's body: the place where the blocks of one of
    its layout's slots stand, instead of the layout's own place for them."""

    slot: str
    line: int
    text: str


def find_slot_places(body: str, body_line: int) -> list[SlotPlace]:
    """Every `[[slot: name]]` line of an issue body, with its line in the file."""
    places = []
    for offset, line in enumerate(body.split("\n")):
        match = PLACEMENT_LINE.match(line)
        slot = SLOT_PLACE.match(match["inside"]) if match else None
        if slot:
            places.append(SlotPlace(slot["name"].strip(), body_line + offset, line.strip()))
    return places


def find_placements(body: str, body_line: int,
                    shown: str) -> tuple[list[Placement], list[Problem]]:
    """Every `[[block | options]]` line of an issue body, with its line in the file."""
    placements, problems = [], []
    for offset, line in enumerate(body.split("\n")):
        match = PLACEMENT_LINE.match(line)
        if match and not SLOT_PLACE.match(match["inside"]):
            placement = parse_placement(match["inside"], body_line + offset, line.strip())
            if isinstance(placement, str):
                problems.append(Problem(shown, body_line + offset, f"{line.strip()}: {placement}"))
            else:
                placements.append(placement)
    return placements, problems


def parse_placement(inside: str, line: int, text: str, slot: str | None = None) -> Placement | str:
    """Read `name | option | option: value`; return a Placement or what is wrong with it."""
    name, *options = [part.strip() for part in inside.split("|")]
    if not name:
        return "name the block between the brackets, for example [[duty-contacts]]"
    if "/" in name or "\\" in name or ".." in name:
        return (f"{name!r} is not a block name; a block is named by its file name alone "
                "(for example 'duty-contacts'), and cannot point outside the library")
    if not NAME.match(name):
        return (f"{name!r} is not a block name; names are lower-case letters, digits and "
                "hyphens, as in the block's file name")
    values: dict[str, Any] = {"name": name, "line": line, "text": text, "slot": slot}
    seen: set[str] = set()
    for option in options:
        key, _, value = (part.strip() for part in option.partition(":"))
        key = " ".join(key.lower().split())
        if key in seen:
            return f"the option {key!r} is given twice; keep one"
        seen.add(key)
        problem = _read_option(key, value, values)
        if problem:
            return problem
    if "version" in values and "as_of" in values:
        return "give either 'version' or 'as of', not both"
    if "heading" in values and values.get("show_heading") is False:
        return "give either 'heading: ...' or 'no heading', not both"
    return Placement(**values)


def _read_option(key: str, value: str, values: dict[str, Any]) -> str | None:
    if key == "heading":
        if not value:
            return "'heading:' needs the text to show, or write 'no heading'"
        values["heading"] = value
    elif key == "no heading":
        if value:
            return "'no heading' takes no value"
        values["show_heading"] = False
    elif key == "compact":
        if value:
            return "'compact' takes no value"
        values["compact"] = True
    elif not key:
        return "an empty option after '|'; remove the bar or write an option after it"
    elif key == "version":
        if not value.isdigit() or int(value) < 1:
            return f"'version: {value}' needs a version number: 1, 2, ..."
        values["version"] = int(value)
    elif key == "as of":
        try:
            values["as_of"] = parse_iso_date(value)
        except ValueError as error:  # PydanticCustomError is a ValueError
            return f"as of: {error}"
    else:
        hint = did_you_mean(key, OPTIONS, f"the options are: {', '.join(OPTIONS)}")
        return f"unknown option {key!r}; {hint}"
    return None


def issue_placements(issue: Issue, style: HouseStyle) -> tuple[list[Placement], list[Problem]]:
    """The blocks an issue asks for: in its body, then in its layout's slots (and what is
    wrong with the places in the body where it puts a slot's blocks)."""
    placements, problems = find_placements(issue.body, issue.body_line, issue.shown)
    problems += _slot_place_problems(issue, style)
    for slot, items in issue.front.slots.items():
        slot_line = issue.front_lines.get(("slots", slot))
        if slot not in style.slots:
            offered = ", ".join(style.slots) or "none"
            hint = did_you_mean(slot, list(style.slots), f"its slots: {offered}")
            problems.append(Problem(issue.shown, slot_line, f"slots: the {style.name} layout "
                                    f"has no slot {slot!r}; {hint}"))
            continue
        for index, item in enumerate(items):
            line = issue.front_lines.get(("slots", slot, index), slot_line or 1)
            match = PLACEMENT_LINE.match(item)
            placement = parse_placement(match["inside"] if match else item, line, item, slot)
            if isinstance(placement, str):
                problems.append(Problem(issue.shown, line, f"slots > {slot}: {placement}"))
            else:
                placements.append(placement)
    return placements, problems


def _slot_place_problems(issue: Issue, style: HouseStyle) -> list[Problem]:
    problems, seen = [], set()
    for place in find_slot_places(issue.body, issue.body_line):
        if place.slot not in style.slots:
            offered = ", ".join(style.slots) or "none"
            hint = did_you_mean(place.slot, list(style.slots), f"its slots: {offered}")
            problems.append(Problem(issue.shown, place.line, f"{place.text}: the {style.name} "
                                    f"layout has no slot {place.slot!r}; {hint}"))
        elif place.slot in seen:
            problems.append(Problem(issue.shown, place.line, f"{place.text}: the slot is "
                                    "placed already, above; a slot's blocks stand in one place"))
        elif not issue.front.slots.get(place.slot):
            problems.append(Problem(issue.shown, place.line, f"{place.text}: the slot has no "
                                    "blocks; list them in the front matter, under 'slots: "
                                    f"{place.slot}:'"))
        seen.add(place.slot)
    return problems


def place_blocks(library: BlockLibrary, placements: list[Placement], as_of: datetime.date,
                 shown: str) -> tuple[list[PlacedBlock], list[Problem]]:
    """Resolve each placement of an issue dated `as_of`; say what is wrong with each that fails."""
    placed, problems = [], []
    for placement in placements:
        if placement.name in library.broken:
            continue  # its own file's problems are reported; saying more here would mislead
        outcome = resolve_placement(library, placement, as_of)
        if isinstance(outcome, str):
            problems.append(Problem(shown, placement.line, f"{placement.text}: {outcome}"))
        else:
            placed.append(outcome)
    return placed, problems


def resolve_placement(library: BlockLibrary, placement: Placement,
                      as_of: datetime.date) -> PlacedBlock | str:
    """The block and version a placement in an issue dated `as_of` gets, or why it gets none."""
    if placement.name not in library.blocks:
        return f"there is no block {placement.name!r}{library.suggest(placement.name)}"
    try:
        block, version = library.resolve(placement.name, placement.as_of or as_of,
                                         placement.version)
    except ResolutionError as error:
        return str(error)
    return PlacedBlock(placement, block, version)


@dataclass(frozen=True)
class BlockUse:
    """One place an issue uses a block: the version it gets, or why it gets none."""

    issue: Issue
    placement: Placement
    version: Version | None
    problem: str | None


def issue_topics(vocabulary: Vocabulary, issue: Issue,
                 placed: Iterable[PlacedBlock]) -> list[Topic]:
    """The topics `issue` is about: those its front matter names, then its blocks'."""
    return vocabulary.of(issue.front.topics, *(block.block.topics for block in placed))


def block_anchors(placed: Sequence[PlacedBlock]) -> list[str]:
    """The id of each placed block's section on the issue's page, as links to it and the
    search's results name it: 'block-<name>', and 'block-<name>-2' on for a block placed
    again."""
    placings: Counter[str] = Counter()
    anchors = []
    for block in placed:
        placings[block.block.name] += 1
        count = placings[block.block.name]
        anchors.append(f"block-{block.block.name}" + (f"-{count}" if count > 1 else ""))
    return anchors


def find_uses(library: BlockLibrary, issues: list[tuple[Issue, HouseStyle]],
              name: str | None = None) -> list[BlockUse]:
    """Every use of every block (or of block `name`) by `issues`, in issue order."""
    uses = []
    for issue, style in issues:
        placements, _ = issue_placements(issue, style)
        for placement in sorted(placements, key=lambda p: p.line):
            if placement.name not in library.blocks or name not in (None, placement.name):
                continue
            outcome = resolve_placement(library, placement, issue.front.date)
            if isinstance(outcome, str):
                uses.append(BlockUse(issue, placement, None, outcome))
            else:
                uses.append(BlockUse(issue, placement, outcome.version, None))
    return uses


def yaml_text(values: dict[str, Any]) -> str:
    """A version's values written back as YAML, as an officer would type them."""
    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items() if item is not None}
        if isinstance(value, list):
            return [plain(item) for item in value]
        if isinstance(value, datetime.date):
            return value.isoformat()
        return value

    return yaml.safe_dump(plain(values), sort_keys=False, allow_unicode=True, width=88)


def _load_kind(folder: Path, site_root: Path, template_folders: list[Path],
               problems: list[Problem]) -> Kind | None:
    if not NAME.match(folder.name):
        problems.append(Problem(display_path(folder, site_root), None,
                                f"{folder.name!r} cannot name a kind of block; rename the folder "
                                "with lower-case letters, digits and hyphens only"))
        return None
    kind_file = folder / KIND_FILE
    shown = display_path(kind_file, site_root)
    if not kind_file.is_file():
        problems.append(Problem(display_path(folder, site_root), None,
                                f"this folder of blocks has no {KIND_FILE} describing its kind; "
                                "add one with a description and the kind's fields"))
        return None
    document = read_block_yaml(kind_file, shown, site_root, problems)
    if document is None:
        return None
    spec, found = validate_document(KindSpec, document)
    problems.extend(found)
    if spec is None:
        return None
    bad = bad_field_names(spec.fields, document, ("fields",))
    if bad:
        problems.extend(bad)
        return None
    partial = f"{PARTIALS_FOLDER}/{folder.name}.html"
    if not any((templates / partial).is_file() for templates in template_folders):
        problems.append(Problem(shown, None, f"kind {folder.name!r} has no template; add "
                                f"templates/{partial} to lay it out"))
        return None
    return Kind(name=folder.name, spec=spec, source=kind_file, shown=shown,
                block_model=block_model(folder.name, spec))


FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
#: Names a template cannot reach as block.NAME (dictionary methods) or that the validator keeps.
UNUSABLE_FIELDS = frozenset({"items", "keys", "values", "get", "pop",
                             "update", "copy", "clear", "setdefault", "popitem", "fromkeys",
                             "dict", "json", "schema", "validate", "construct"})


def bad_field_names(fields: dict[str, FieldSpec], document: YamlDocument,
                     location: Location) -> list[Problem]:
    """Field names a template could not reach, or that versions keep for themselves."""
    kept = UNUSABLE_FIELDS | (set(RESERVED_FIELDS) if location == ("fields",) else set())
    problems = []
    for name, spec in fields.items():
        where = (*location, name)
        if not FIELD_NAME.match(name) or name.startswith("model_") or name in kept:
            problems.append(Problem(document.path, document.line_of(where), f"fields: {name!r} "
                                    "cannot name a field; use lower-case letters, digits and "
                                    "underscores, and not a name publisher keeps for itself "
                                    f"({', '.join(sorted(kept))})"))
        problems.extend(bad_field_names(spec.fields or {}, document, (*where, "fields")))
    return problems


def _load_block(path: Path, kind: Kind, site_root: Path, problems: list[Problem],
                vocabulary: Vocabulary | None) -> Block | None:
    shown = display_path(path, site_root)
    if not NAME.match(path.stem):
        problems.append(Problem(shown, None, f"{path.stem!r} cannot name a block; rename the file "
                                "with lower-case letters, digits and hyphens only"))
        return None
    document = read_block_yaml(path, shown, site_root, problems)
    if document is None:
        return None
    model, found = validate_document(kind.block_model, document)
    problems.extend(found)
    if model is None:
        return None
    data = model.model_dump(by_alias=True)
    versions, found = _versions(data["versions"], document)
    if vocabulary is not None:
        found += vocabulary.problems(data["topics"], document)
    problems.extend(found)
    if found:
        return None
    topics = data["topics"] if vocabulary is None else \
        [topic.name for topic in vocabulary.of(data["topics"])]
    return Block(name=path.stem, kind=kind, title=data["title"],
                 description=data.get("description"), versions=versions, source=path, shown=shown,
                 topics=tuple(topics), lines=document.lines)


def _versions(entries: list[dict[str, Any]],
              document: YamlDocument) -> tuple[list[Version], list[Problem]]:
    problems = []
    order = sorted(range(len(entries)), key=lambda i: entries[i]["from"])
    if order != list(range(len(entries))):
        problems.append(Problem(document.path, document.line_of(("versions",)),
                                "versions: list the versions oldest first, by their 'from' date"))
    seen: set[datetime.date] = set()
    for index, entry in enumerate(entries):
        location: Location = ("versions", index, "from")
        if entry["from"] in seen:
            problems.append(Problem(
                document.path, document.line_of(location),
                f"from: two versions take effect on {entry['from'].isoformat()}; give each "
                "version its own date"))
        seen.add(entry["from"])
        if entry["retired"] is not None and entry["retired"] <= entry["from"]:
            problems.append(Problem(
                document.path, document.line_of(("versions", index, "retired")),
                "retired: a version must be retired after it takes effect"))
    versions = [
        Version(number=index + 1, effective=entry["from"], retired=entry["retired"],
                note=entry["note"],
                values={k: v for k, v in entry.items() if k not in RESERVED_FIELDS})
        for index, entry in enumerate(entries)
    ]
    return versions, problems


def read_block_yaml(path: Path, shown: str, site_root: Path,
               problems: list[Problem]) -> YamlDocument | None:
    text, problem = read_text(path, shown, within=site_root)
    document = None
    if problem is None:
        document, problem = parse_mapping(text or "", shown)
    if problem is not None:
        problems.append(problem)
    if document is not None:
        too_deep = _markdown_problems(document)
        problems.extend(too_deep)
        if too_deep:
            return None
    return document


def _markdown_problems(document: YamlDocument) -> list[Problem]:
    """Quotations, lists or HTML in a block's Markdown fields nested deeper, or text
    longer, than the PDF can be laid out (see `limits`). Every text value is looked at: a
    text field nested that deep is as much a mistake."""
    problems = []
    pending: list[tuple[Location, Any]] = [((), document.data)]
    while pending:
        location, value = pending.pop()
        if isinstance(value, dict):
            pending.extend(((*location, key), item) for key, item in value.items())
        elif isinstance(value, list):
            pending.extend(((*location, index), item) for index, item in enumerate(value))
        elif isinstance(value, str) and len(value) > MAX_NESTING:
            line = document.line_of(location)
            # A value of several lines is a block ('|') that starts on the line after its key.
            problems += markdown_problems(value, document.path,
                                          line + 1 if "\n" in value else line)
    return problems


def _markdown_values(fields: dict[str, FieldSpec], values: dict[str, Any],
                     location: Location) -> Iterator[tuple[Location, str]]:
    """Each value among `values` (at `location` in the file) that a field of `fields`
    reads as Markdown, with its location."""
    for name, spec in fields.items():
        value = values.get(name)
        pending: list[tuple[FieldSpec, Any, Location]] = [(spec, value, (*location, name))]
        while pending:
            spec, value, where = pending.pop(0)
            if value is None:
                continue
            if spec.type in ("markdown", "inline") and isinstance(value, str):
                yield where, value
            elif spec.type == "group" and isinstance(value, dict):
                yield from _markdown_values(spec.fields or {}, value, where)
            elif spec.type == "list" and isinstance(value, list):
                item = spec.item_spec()
                pending.extend((item, entry, (*where, index)) for index, entry in enumerate(value))


def block_model(kind: str, spec: KindSpec) -> type[BaseModel]:
    """The pydantic model of a block file of this kind: title, description, topics, versions."""
    version = create_model(
        f"{_model_name(kind)}Version",
        __base__=Schema,
        effective=(IsoDate, Field(alias="from")),
        retired=(IsoDate | None, None),
        note=(Text | None, None),
        **_field_definitions(kind, spec.fields),
    )
    return create_model(
        f"{_model_name(kind)}Block",
        __base__=Schema,
        title=(Text, Field(description="The heading shown where the block is placed.")),
        description=(Text | None, None),
        topics=(TextList, Field(default_factory=list, description="The site's topics (from "
                                "site.yml) the block is about; every issue that shows it is "
                                "about them too.")),
        versions=(list[version], Field(min_length=1)),  # type: ignore[valid-type]
    )


def _field_definitions(owner: str, fields: dict[str, FieldSpec]) -> dict[str, Any]:
    definitions = {}
    for name, spec in fields.items():
        annotation = _annotation(f"{owner}-{name}", spec)
        default = ... if spec.required else None
        definitions[name] = (annotation if spec.required else annotation | None,
                             Field(default, description=spec.description))
    return definitions


def _annotation(owner: str, spec: FieldSpec) -> Any:
    if spec.type == "group":
        assert spec.fields is not None
        return create_model(_model_name(owner), __base__=Schema,
                            **_field_definitions(owner, spec.fields))
    if spec.type == "list":
        item = _annotation(owner, spec.item_spec())
        return Annotated[list[item], Field(min_length=1)]  # type: ignore[valid-type]
    return SCALAR_TYPES[spec.type]


def check_url(value: str) -> str:
    if not value.startswith(("https://", "http://", "mailto:")):
        raise ValueError("write the full address, starting with https://")
    return value


def check_email(value: str) -> str:
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        raise ValueError("is not an email address")
    return value


SCALAR_TYPES: dict[str, Any] = {
    "text": Text,
    "inline": Text,
    "markdown": Text,
    "date": IsoDate,
    "number": WholeNumber,
    "url": Annotated[str, AfterValidator(check_url)],
    "email": Annotated[str, AfterValidator(check_email)],
}


def _model_name(name: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[^a-zA-Z0-9]+", name))
