"""JSON Schemas of what an officer types, so that an editor completes and checks keys as they type.

`publisher schema` writes, into a folder of the site (`schemas/` unless told otherwise):

    front-matter.schema.json     an issue's front matter
    site.schema.json             site.yml
    series.schema.json           issues/<series>/series.yml
    style.schema.json            templates/<style>/style.yml, a house style's slots and pages
    kind.schema.json             blocks/<kind>/_kind.yml
    blocks/<kind>.schema.json    the block files of each kind, blocks/<kind>/<name>.yml

and, with `--vscode`, adds them to the site's `.vscode/settings.json` under `yaml.schemas`,
the setting of the YAML extension for VS Code, keeping every other setting.

How it is made:

- Each schema is generated from the pydantic model that validates the file, with
  `model_json_schema`, so its keys, which of them are required, its choices and its
  descriptions cannot drift from the validation. A kind's block model is built from its
  `_kind.yml` alone (`blocks.block_model`, the one `publisher build` uses): a new kind of
  block gets a schema without a change to Python.
- The models see YAML as text (`yamldoc` reads every scalar as a string), and some of their
  validators accept more than their type says (`keywords: a, b` is a list, `number: "3"` a
  number). An editor reads YAML 1.2, in which `3` is a number, `2011-06-01` a string and an
  empty value null. `EditorSchema` says what a model accepts *as the editor sees the file*:
  text may be written as a number (`phone: 01162527004`), whole numbers as figures with or
  without quotes, dates as `YYYY-MM-DD` strings, and an empty value (null) is refused,
  except where publisher accepts it (`keywords:` is an empty list).
- Validators are functions the generator cannot read, so each one that changes what a value
  may look like has a rule here, found by the function itself (`_BEFORE`, `_AFTER`);
  `CHECKED_ON_BUILD` lists those a schema cannot express (a correction dated before its
  issue), which `publisher build` still reports. The tests fail on a validator in neither.
- The bytes are the same on every run (sorted keys, two-space indent, a final newline, no
  time stamps), and a file is written only when they change. Everything is read and checked
  before anything is written: a broken `_kind.yml`, or a `.vscode/settings.json` publisher
  cannot read, is reported with its file and nothing is written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from publisher import blocks, config, sources, validation
from publisher.config import SITE_FILE, SOURCE_FOLDERS, SiteNotFound
from publisher.errors import ContentError, Problem, PublisherError, UsageError, display_path
from publisher.output import write_if_changed
from publisher.validation import validate_document

DIALECT = "https://json-schema.org/draft/2020-12/schema"
FRONT_MATTER = "front-matter.schema.json"
SITE = "site.schema.json"
SERIES = "series.schema.json"
STYLE = "style.schema.json"
KIND = "kind.schema.json"
BLOCKS = "blocks"
VSCODE_SETTINGS = Path(".vscode") / "settings.json"
YAML_SCHEMAS = "yaml.schemas"

#: YAML 1.2 reads `2011` as a number; publisher reads every scalar as text.
_TEXT_TYPES = ["number", "string"]
_LOOKS_LIKE_DATE = r"^\s*[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}\s*$"
_MOST_FIGURES = 999_999_999  # validation.parse_whole_number takes up to nine figures

JsonSchema = dict[str, Any]


def _text(json_schema: JsonSchema) -> JsonSchema:
    return {**json_schema, "type": _TEXT_TYPES}


def _string(pattern: str, message: str) -> JsonSchema:
    """A string matching `pattern`; `patternErrorMessage` is what VS Code says if it does not."""
    return {"type": "string", "pattern": pattern, "patternErrorMessage": message}


_DATE: JsonSchema = {**_string(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
                               "write the date as YYYY-MM-DD, for example 2011-06-01"),
                     "format": "date"}


def _date(_: JsonSchema) -> JsonSchema:
    return dict(_DATE)


def _whole_number(inner: JsonSchema) -> JsonSchema:
    """Figures, quoted or not: `3` or `"3"`; never `3.0`, `-3` or `three`."""
    number = {**inner, "minimum": max(inner.get("minimum", 0), 0), "maximum": _MOST_FIGURES}
    figures = r"^(?!0+$)[0-9]{1,9}$" if number["minimum"] >= 1 else r"^[0-9]{1,9}$"
    return {"anyOf": [number, _string(figures, "write it in figures, for example 3")]}


def _as_it_is(inner: JsonSchema) -> JsonSchema:
    """A check the schema makes already (`_whole_number` refuses a number below 0)."""
    return inner


def _text_list(inner: JsonSchema) -> JsonSchema:
    """A list, or one line of items separated by commas; empty is an empty list."""
    return {"anyOf": [inner, {"type": _TEXT_TYPES}, {"type": "null"}]}


def _placement_list(inner: JsonSchema) -> JsonSchema:
    """Blocks as written inside [[ ]]: a list, or one line. YAML reads an unquoted
    `- board-office | heading: Write to us` as a key and value, and `- [[name]]` as a list in
    a list; publisher puts both back, so both are accepted."""
    text = _text(inner.get("items", {}))
    key_and_value = {"type": "object", "minProperties": 1, "maxProperties": 1,
                     "additionalProperties": {"type": "string"}}
    in_brackets = {"type": "array", "minItems": 1, "maxItems": 1}
    return {"anyOf": [text, {**inner, "items": {"anyOf": [text, key_and_value, in_brackets]}}]}


def _language(_: JsonSchema) -> JsonSchema:
    return _string(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$",
                   "write a language tag, for example en-GB for British English or cy for Welsh")


def date_or_text(_: JsonSchema) -> JsonSchema:
    """`next_issue`: a date, or words that do not look like a date. (`date_or_text` turns an
    empty value into None, but the model then refuses None, so null is refused here too.)"""
    words = {"type": _TEXT_TYPES, "minLength": 1,
             "not": {"type": "string", "pattern": _LOOKS_LIKE_DATE}}
    return {"anyOf": [dict(_DATE), words]}


def _web_address(_: JsonSchema) -> JsonSchema:
    return _string(r"^[hH][tT][tT][pP][sS]?://[^\s/]+\.\S+$",
                   "write the address in full, for example https://www.example.org.uk/")


def _url(_: JsonSchema) -> JsonSchema:
    return _string(r"^(https?://|mailto:)", "write the full address, starting with https://")


def _email(_: JsonSchema) -> JsonSchema:
    return _string(r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                   "write an email address, for example team@example.gov.uk")


def _unsubscribe(_: JsonSchema) -> JsonSchema:
    return _string(r"^(https://|mailto:)\S+$",
                   "write an https:// address, or mailto: and an email address")


def _colour(_: JsonSchema) -> JsonSchema:
    return _string(r"^#[0-9a-fA-F]{6}$",
                   "write # and six hexadecimal digits, in quotes, for example \"#14506e\"")


def _as_is(inner: JsonSchema) -> JsonSchema:
    """A validator that only words a refusal the schema already makes."""
    return inner


Rule = Callable[[JsonSchema], JsonSchema]

#: BeforeValidators, by function: what they let through, as an editor sees it.
_BEFORE: dict[Any, Rule] = {
    validation.parse_iso_date: _date,
    validation.parse_whole_number: _whole_number,
    validation.split_text_list: _text_list,
    validation.placement_list: _placement_list,
    validation.check_language: _language,
    sources.date_or_text: date_or_text,
    config.organisation_section: _as_is,
}
#: AfterValidators (and field validators) that narrow a string in a way a pattern can say.
_AFTER: dict[Any, Rule] = {
    validation.not_negative: _as_it_is,
    config.SiteSettings._web_address: _web_address,
    validation.check_web_address: _web_address,
    config.check_colour: _colour,
    blocks.check_url: _url,
    blocks.check_email: _email,
    config.check_email_address: _email,
    config.EmailSettings._an_address_to_unsubscribe: _unsubscribe,
}
#: Validators whose checks a schema cannot express; `publisher build` still makes them.
CHECKED_ON_BUILD: frozenset[Any] = frozenset({
    sources.FrontMatter._corrections_follow_publication,
    config.SeriesSettings._one_way_to_name_the_style,
    blocks.FieldSpec._shape,
})
#: Every validator function this module knows of.
KNOWN_VALIDATORS: frozenset[Any] = frozenset({*_BEFORE, *_AFTER, *CHECKED_ON_BUILD})


class EditorSchema(GenerateJsonSchema):
    """pydantic's JSON Schema, as what an editor reading YAML 1.2 should accept."""

    def str_schema(self, schema: core_schema.StringSchema) -> JsonSchemaValue:
        return _text(super().str_schema(schema))

    def bool_schema(self, schema: core_schema.BoolSchema) -> JsonSchemaValue:
        # pydantic reads the text 'yes', 'on', 'true', '1' (and their opposites) as booleans.
        words = r"^([tT][rR][uU][eE]|[fF][aA][lL][sS][eE]|[yY]([eE][sS])?|[nN][oO]?|[tTfF]|" \
                r"[oO][nN]|[oO][fF][fF]|[01])$"
        return {"anyOf": [{"type": "boolean"}, {"enum": [0, 1]},
                          _string(words, "write true or false")]}

    def nullable_schema(self, schema: core_schema.NullableSchema) -> JsonSchemaValue:
        # `X | None` means the key may be left out: an empty value is "" to publisher, and
        # refused, so null is not offered. Validators that accept it add it themselves.
        return self.generate_inner(schema["schema"])

    def default_schema(self, schema: core_schema.WithDefaultSchema) -> JsonSchemaValue:
        json_schema = super().default_schema(schema)
        if json_schema.get("default", "") is None:
            del json_schema["default"]  # completion would insert 'key: null'
        return json_schema

    def dict_schema(self, schema: core_schema.DictSchema) -> JsonSchemaValue:
        json_schema = super().dict_schema(schema)
        names = json_schema.get("propertyNames")
        if isinstance(names, dict):
            names.pop("type", None)  # a key is a string; saying so again adds nothing
            if not names:
                del json_schema["propertyNames"]
        return json_schema

    def function_before_schema(
            self, schema: core_schema.BeforeValidatorFunctionSchema) -> JsonSchemaValue:
        return self._apply(_BEFORE, schema, super().function_before_schema(schema))

    def function_after_schema(
            self, schema: core_schema.AfterValidatorFunctionSchema) -> JsonSchemaValue:
        return self._apply(_AFTER, schema, super().function_after_schema(schema))

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False  # 'Next Issue' for next_issue: the key says it better

    @staticmethod
    def _apply(rules: dict[Any, Rule], schema: Any, inner: JsonSchemaValue) -> JsonSchemaValue:
        rule = rules.get(schema["function"]["function"])
        return rule(inner) if rule else inner


@dataclass(frozen=True)
class SchemaFile:
    """One schema: its path in the schema folder, and the files of a site it describes."""

    name: str
    schema: JsonSchema
    #: The files it describes, as a glob for `yaml.schemas`; None for front matter, which
    #: the YAML extension does not read inside Markdown.
    glob: str | None

    def data(self) -> bytes:
        return render(self.schema)


def render(value: Any) -> bytes:
    """A schema's bytes: sorted keys, two-space indent, UTF-8, a final newline."""
    return (json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def model_schema(model: type[BaseModel], title: str, description: str) -> JsonSchema:
    """The editor's schema of `model`, with the title and description an officer sees."""
    schema = model.model_json_schema(schema_generator=EditorSchema)
    _tidy(schema)
    return {**schema, "$schema": DIALECT, "title": title, "description": description}


def site_schemas(root: Path) -> list[SchemaFile]:
    """Every schema of the site at `root`; raises ContentError if a `_kind.yml` is wrong."""
    files = [
        SchemaFile(FRONT_MATTER, model_schema(
            sources.FrontMatter, "Issue front matter",
            "The keys between the two '---' lines at the top of an issue."), None),
        SchemaFile(SITE, model_schema(
            config.SiteSettings, "site.yml",
            "The site: who publishes the bulletins, where, and in which language."),
            config.SITE_FILE),
        SchemaFile(SERIES, model_schema(
            config.SeriesSettings, "series.yml",
            "A series: its title, kind, cadence, house style and masthead line."),
            f"{config.ISSUES_FOLDER}/*/{config.SERIES_FILE}"),
        SchemaFile(STYLE, model_schema(
            config.StyleSettings, "style.yml",
            "A house style's layout: the slots it offers blocks, and the most pages an issue "
            "may take."), f"{config.TEMPLATES_FOLDER}/*/{config.STYLE_FILE}"),
        _kind_schema(),
    ]
    kinds, problems = _read_kinds(root)
    if problems:
        raise ContentError(problems)
    return files + [_block_schema(name, spec) for name, spec in kinds]


def _read_kinds(root: Path) -> tuple[list[tuple[str, blocks.KindSpec]], list[Problem]]:
    """Each kind's spec from its `_kind.yml`, checked as `publisher build` checks it."""
    kinds: list[tuple[str, blocks.KindSpec]] = []
    problems: list[Problem] = []
    folder = root / config.BLOCKS_FOLDER
    for kind_folder in sorted(p for p in folder.glob("*") if p.is_dir()):
        spec = _read_kind(kind_folder, root, problems)
        if spec is not None:
            kinds.append((kind_folder.name, spec))
    return kinds, problems


def _read_kind(folder: Path, root: Path, problems: list[Problem]) -> blocks.KindSpec | None:
    shown = display_path(folder, root)
    if not blocks.NAME.match(folder.name):
        problems.append(Problem(shown, None, f"{folder.name!r} cannot name a kind of block; "
                                "rename the folder with lower-case letters, digits and "
                                "hyphens only"))
        return None
    path = folder / blocks.KIND_FILE
    if not path.is_file():
        problems.append(Problem(shown, None, f"this folder of blocks has no {blocks.KIND_FILE} "
                                "describing its kind; add one with a description and the "
                                "kind's fields"))
        return None
    document = blocks.read_block_yaml(path, display_path(path, root), root, problems)
    if document is None:
        return None
    spec, found = validate_document(blocks.KindSpec, document)
    found += blocks.bad_field_names(spec.fields, document, ("fields",)) if spec else []
    problems.extend(found)
    return None if found else spec


#: What the keys every block file has are for, where the block model does not say.
_BLOCK_KEYS = {
    "description": "What the block is, for the 'publisher blocks' listing.",
    "versions": "The block's versions, oldest first; each holds the whole content, and an "
                "issue gets the version in force on its date.",
}
_VERSION_KEYS = {
    "from": "The date this version took effect, YYYY-MM-DD.",
    "retired": "The date from which this version is no longer to be used, YYYY-MM-DD.",
    "note": "What changed in this version, for the block's history.",
}
#: The same for `_kind.yml`, whose model describes none of its keys.
_KIND_KEYS = {
    "description": "What a block of this kind is, in a sentence or two.",
    "fields": "The kind's fields, by name (lower-case letters, digits and underscores).",
}
_FIELD_KEYS = {
    "type": "text (plain), inline (one line of Markdown), markdown (paragraphs and lists), "
            "date, number, url, email, group (with fields:) or list (with items: or fields:).",
    "description": "What the field holds, shown to whoever writes a block of this kind.",
    "required": "true if every version of a block must give this field.",
    "items": "For a list of one type: the type of each item.",
    "fields": "For a group, or a list of groups: the fields inside it.",
}


def _kind_schema() -> SchemaFile:
    schema = model_schema(blocks.KindSpec, "_kind.yml",
                          "A kind of block: what it is for, and its fields.")
    _describe(schema["properties"], _KIND_KEYS)
    field = _resolve(schema, schema["properties"]["fields"]["additionalProperties"])
    _describe(field["properties"], _FIELD_KEYS)
    _add_markdown_descriptions(schema)
    return SchemaFile(KIND, schema, f"{config.BLOCKS_FOLDER}/*/{blocks.KIND_FILE}")


def _block_schema(kind: str, spec: blocks.KindSpec) -> SchemaFile:
    model = blocks.block_model(kind, spec)
    schema = model_schema(model, f"{kind} block", f"A block of kind '{kind}' (blocks/{kind}/"
                          f"NAME.yml): {spec.description}")
    _describe(schema["properties"], _BLOCK_KEYS)
    version = _resolve(schema, schema["properties"]["versions"]["items"])
    _describe(version["properties"], _VERSION_KEYS)
    _add_markdown_descriptions(schema)
    return SchemaFile(f"{BLOCKS}/{kind}.schema.json", schema,
                      f"{config.BLOCKS_FOLDER}/{kind}/[a-z0-9]*.yml")


def _describe(properties: dict[str, JsonSchema], descriptions: dict[str, str]) -> None:
    for key, text in descriptions.items():
        if key in properties and "description" not in properties[key]:
            properties[key]["description"] = text


def _resolve(schema: JsonSchema, node: JsonSchema) -> JsonSchema:
    """`node`, or the definition its `$ref` points at."""
    ref = node.get("$ref")
    if not isinstance(ref, str):
        return node
    found: Any = schema
    for part in ref.removeprefix("#/").split("/"):
        found = found[part]
    return found  # type: ignore[no-any-return]


# --- Tidying what pydantic generates -----------------------------------------------------------

_SCHEMA_MAPS = ("properties", "$defs", "patternProperties")
_SCHEMA_LISTS = ("anyOf", "allOf", "oneOf", "prefixItems")
_SCHEMA_VALUES = ("items", "additionalProperties", "propertyNames", "not", "contains")


def _subschemas(schema: JsonSchema) -> Iterator[JsonSchema]:
    """The schemas directly inside `schema` (not the names of its properties)."""
    for key in _SCHEMA_MAPS:
        yield from (value for value in schema.get(key, {}).values() if isinstance(value, dict))
    for key in _SCHEMA_LISTS:
        yield from (value for value in schema.get(key, []) if isinstance(value, dict))
    for key in _SCHEMA_VALUES:
        if isinstance(schema.get(key), dict):
            yield schema[key]


def _tidy(schema: JsonSchema) -> None:
    """Titles of nested models go (the keys name them better); `example` becomes the
    standard `examples`, and a described property with one gets a `markdownDescription`."""
    for inner in _subschemas(schema):
        inner.pop("title", None)
        _tidy(inner)
    if "example" in schema:
        schema["examples"] = [schema.pop("example")]
    _add_markdown_descriptions(schema, deep=False)


def _add_markdown_descriptions(schema: JsonSchema, deep: bool = True) -> None:
    """VS Code shows `markdownDescription` rather than `description`: the same words, with an
    example of the key written out as the officer would type it, where there is one."""
    for key, inner in schema.get("properties", {}).items():
        if isinstance(inner, dict) and "description" in inner:
            markdown = _markdown(key, inner)
            if markdown != inner["description"]:
                inner["markdownDescription"] = markdown
    if deep:
        for inner in _subschemas(schema):
            _add_markdown_descriptions(inner)


def _markdown(key: str, schema: JsonSchema) -> str:
    text = re.sub(r"([\\`*_<>])", r"\\\1", schema["description"])
    examples = schema.get("examples")
    if isinstance(examples, list) and examples:
        return f"{text}\n\nFor example: `{key}: {examples[0]}`"
    return text


# --- Writing ----------------------------------------------------------------------------------


class SchemaFolderError(UsageError):
    """The schema folder was given where it would mix schemas into the sources: bad usage."""


def write_schemas(site_root: Path, folder: Path, vscode: bool = False) -> list[str]:
    """Write the site's schemas into `folder` (relative to the site) and, if `vscode`, add them
    to `.vscode/settings.json`; return the paths written, as the user knows them."""
    root = site_root.resolve()
    if not (root / SITE_FILE).is_file():
        raise SiteNotFound(f"no {SITE_FILE} in {root}; run publisher in the folder that holds "
                           f"{SITE_FILE}, or name that folder with --site")
    target = _schema_folder(root, folder)
    files = site_schemas(root)
    outputs = [(target / file.name, file.data()) for file in files]
    if vscode:  # read and checked before anything is written
        outputs.append(vscode_settings(root, target, files))
    for path, data in outputs:
        write_if_changed(path, data)
    return [display_path(path, root) for path, _ in outputs]


def _schema_folder(root: Path, folder: Path) -> Path:
    target = (root / folder).resolve()  # an absolute `folder` stays as it is
    for name in SOURCE_FOLDERS:
        source = (root / name).resolve()
        if target == source or target.is_relative_to(source) or source.is_relative_to(target):
            raise SchemaFolderError(
                f"the schema folder {display_path(target, root)} overlaps the site's {name}/ "
                "folder; write the schemas somewhere of their own, such as schemas/")
    return target


# --- VS Code ----------------------------------------------------------------------------------


def vscode_settings(root: Path, target: Path, files: list[SchemaFile]) -> tuple[Path, bytes]:
    """`.vscode/settings.json` with our schemas in `yaml.schemas`, other settings kept.

    Entries for schema files in `target` are publisher's: they are replaced, so a kind that
    is gone loses its entry. The file is written with VS Code's four-space indent.
    """
    path = root / VSCODE_SETTINGS
    ours = {_schema_key(root, target / file.name): file.glob for file in files if file.glob}
    settings = _read_settings(path, display_path(path, root), ours)
    current = settings.get(YAML_SCHEMAS, {})
    prefix = _schema_key(root, target) + "/"
    kept = {key: value for key, value in current.items()
            if not (key.startswith(prefix) and key.endswith(".schema.json"))}
    settings[YAML_SCHEMAS] = {**kept, **dict(sorted(ours.items()))}
    data = json.dumps(settings, indent=4, ensure_ascii=False) + "\n"
    return path, data.encode()


def _schema_key(root: Path, path: Path) -> str:
    """How `yaml.schemas` names a schema file: from the workspace folder (the site), starting
    './' so that a workspace folder's name is never mistaken for its first part."""
    try:
        return "./" + path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _read_settings(path: Path, shown: str, ours: dict[str, str]) -> dict[str, Any]:
    if not path.is_file():
        return {}
    by_hand = ("add these entries to its \"yaml.schemas\" by hand:\n"
               + json.dumps({YAML_SCHEMAS: ours}, indent=4, sort_keys=True))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise PublisherError("is not UTF-8 text, so publisher leaves it alone; " + by_hand,
                             path=shown) from None
    if not text.strip():
        return {}
    try:
        settings = json.loads(text)
    except json.JSONDecodeError as error:
        raise PublisherError(
            f"is not plain JSON ({error.msg}): VS Code allows comments and trailing commas "
            "there, but publisher cannot keep them, so it leaves the file alone; remove them "
            "and run again, or " + by_hand, path=shown, line=error.lineno) from None
    if not isinstance(settings, dict) or not isinstance(settings.get(YAML_SCHEMAS, {}), dict):
        raise PublisherError(f"expected settings between {{ }}, with \"{YAML_SCHEMAS}\" as "
                             "keys and values between { }; correct the file, or " + by_hand,
                             path=shown)
    return settings
