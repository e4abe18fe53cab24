"""`publisher schema`: JSON Schemas that accept what publisher accepts, as an editor reads YAML.

The sample site's files are read the way an editor's YAML 1.2 parser reads them (`3` is a
number, `2011-06-01` a string, an empty value null) and checked against the schemas; where a
value is unusual, publisher's own validation is asked too, and the two must agree.
"""

from __future__ import annotations

import json
import re
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar

import pytest
import yaml
from jsonschema import Draft202012Validator

from publisher import schema as schema_module
from publisher.blocks import BlockLibrary, KindSpec, block_model, load_library
from publisher.config import SeriesSettings, SiteSettings, StyleSettings, read_site
from publisher.schema import site_schemas, write_schemas
from publisher.sources import FrontMatter, read_issues, split_front_matter
from publisher.validation import validate_document
from publisher.yamldoc import parse_mapping

from conftest import copy_sample_archive

KINDS = ["case-summary", "checklist", "contacts", "findings", "links", "quote", "table",
         "themes"]
WRITTEN = ["schemas/front-matter.schema.json", "schemas/site.schema.json",
           "schemas/series.schema.json", "schemas/style.schema.json", "schemas/kind.schema.json",
           *(f"schemas/blocks/{kind}.schema.json" for kind in KINDS)]


class EditorLoader(yaml.SafeLoader):
    """YAML as VS Code's YAML extension reads it (YAML 1.2, core schema): no dates, `yes` is
    text, `0116` is 116. PyYAML alone reads YAML 1.1."""

    yaml_implicit_resolvers: ClassVar[dict[Any, Any]] = {}  # not SafeLoader's 1.1 ones


for _tag, _pattern, _first in [
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    ("float", r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
              r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", list("-+0123456789.")),
]:
    EditorLoader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(_pattern), _first)


def _integer(loader: EditorLoader, node: yaml.ScalarNode) -> int:
    text = loader.construct_scalar(node)
    return int(text, 0) if text.startswith(("0o", "0x")) else int(text)  # 0116 is 116


EditorLoader.add_constructor("tag:yaml.org,2002:int", _integer)


def as_editor_reads(text: str) -> Any:
    return yaml.load(text, Loader=EditorLoader)  # a SafeLoader, with YAML 1.2's scalars


def validator(site: Path, name: str) -> Draft202012Validator:
    schema = json.loads((site / "schemas" / name).read_text(encoding="utf-8"))
    return Draft202012Validator(schema)


def schema_accepts(site: Path, name: str, text: str) -> bool:
    return validator(site, name).is_valid(as_editor_reads(text))


def publisher_accepts(model: Any, text: str) -> bool:
    document, problem = parse_mapping(text, "file.yml")
    assert problem is None and document is not None
    return validate_document(model, document)[0] is not None


@pytest.fixture(scope="module")
def schemas(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sample site with its schemas written, shared by the tests that only read."""
    site = copy_sample_archive(tmp_path_factory.mktemp("schemas") / "sample")
    write_schemas(site, Path("schemas"))
    return site


@pytest.fixture(scope="module")
def library(schemas: Path) -> BlockLibrary:
    found, problems = load_library(schemas, [schemas / "templates"])
    assert problems == []
    return found


# --- The command ------------------------------------------------------------------------------

def test_schema_writes_a_schema_for_each_kind_of_file_and_says_so(sample, run):
    result = run("schema", cwd=sample)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [f"wrote {path}" for path in WRITTEN]
    for path in WRITTEN:
        text = (sample / path).read_text(encoding="utf-8")
        schema = json.loads(text)
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert text == json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_running_again_changes_no_byte_and_no_time_stamp(sample, run, tmp_path):
    run("schema", cwd=sample)
    before = {path: ((sample / path).read_bytes(), (sample / path).stat().st_mtime_ns)
              for path in WRITTEN}
    assert run("schema", cwd=sample).exit_code == 0
    assert before == {path: ((sample / path).read_bytes(), (sample / path).stat().st_mtime_ns)
                      for path in WRITTEN}
    elsewhere = copy_sample_archive(tmp_path / "another" / "copy")
    assert [file.data() for file in site_schemas(elsewhere)] == [
        before[f"schemas/{file.name}"][0] for file in site_schemas(sample)]


def test_the_output_folder_is_relative_to_the_site(sample, run, tmp_path):
    result = run("--site", str(sample), "schema", "--output", "editor/schemas", cwd=tmp_path)
    assert result.exit_code == 0, result.output
    assert "wrote editor/schemas/front-matter.schema.json" in result.output
    assert (sample / "editor/schemas/blocks/quote.schema.json").is_file()
    assert not (tmp_path / "editor").exists()


@pytest.mark.parametrize("folder", ["blocks", "blocks/schemas", "issues", "."])
def test_schemas_are_not_written_among_the_sources(sample, run, folder):
    result = run("schema", "--output", folder, cwd=sample)
    assert result.exit_code == 2
    assert "overlaps the site's" in result.stderr and "Traceback" not in result.output
    assert not list(sample.rglob("*.schema.json"))


def test_a_broken_kind_is_reported_with_its_file_and_nothing_is_written(sample, run):
    (sample / "blocks/quote/_kind.yml").write_text("description: A quotation.\nfeilds: {}\n")
    (sample / "blocks/themes/_kind.yml").write_text("description: [unclosed\n")
    result = run("schema", cwd=sample)
    assert result.exit_code == 1
    assert "blocks/quote/_kind.yml:2: feilds: unknown key; did you mean 'fields'?" in result.stderr
    assert "blocks/themes/_kind.yml:1: this is not valid YAML" in result.stderr
    assert "Traceback" not in result.output
    assert not (sample / "schemas").exists()


def test_outside_a_site_it_is_bad_usage(run, tmp_path):
    result = run("schema", cwd=tmp_path)
    assert result.exit_code == 2
    assert "no site.yml" in result.stderr


# --- Front matter -----------------------------------------------------------------------------

def test_every_sample_issue_has_front_matter_the_schema_accepts(schemas):
    issues, _ = read_issues(read_site(schemas)[0])
    assert len(issues) >= 6
    check = validator(schemas, "front-matter.schema.json")
    for issue in issues:
        split = split_front_matter(issue.text, issue.shown)
        assert isinstance(split, tuple)
        front = as_editor_reads(split[0])
        assert isinstance(front["date"], str)  # as an editor reads it: not a date object
        errors = [error.message for error in check.iter_errors(front)]
        assert errors == [], issue.shown


BASE = {"title": "Seeing the child", "number": "7", "date": "2024-03-01",
        "status": "published", "summary": "What recent reviews say."}


def front_matter(change: str) -> str:
    """The base front matter with `change`'s key replaced by it (or removed, if it is '-key')."""
    key = change.split(":")[0].lstrip("-")
    lines = [f"{name}: {value}" for name, value in BASE.items() if name != key]
    return "\n".join([*lines, *([] if change.startswith("-") else [change])]) + "\n"


@pytest.mark.parametrize("change, accepted", [
    ("sumary: A typo.", False),                      # unknown key
    ("-summary", False),                             # a required key left out
    ("status: done", False),
    ("status: Published", False),
    ("date: 1 June 2011", False),
    ("date: 2011-6-1", False),
    ("date: 01/06/2011", False),
    ("date: '2011-06-01'", True),
    ("number: 0", False),
    ("number: three", False),
    ("number: 3.5", False),
    ("number: -3", False),
    ("number: '7'", True),                           # text to YAML 1.2, a number to publisher
    ("title: 2011", True),                           # a number to YAML 1.2, text to publisher
    ("title: yes", True),
    ("title:", False),                               # empty
    ("keywords: audits, fathers", True),             # one line, separated by commas
    ("keywords: [audits, fathers]", True),
    ("keywords:", True),                             # no keywords
    ("audience: {practitioners: all}", False),
    ("language: cy", True),
    ("language:", False),
    ("language: Welsh", False),
    ("next_issue: 2024-06-01", True),
    ("next_issue: the autumn", True),
    ("next_issue: 2024", True),
    ("next_issue: 2024-6-1", False),                 # looks like a date, but is not one
    ("next_issue:", False),                          # publisher refuses it, for now
    ("slots: {sidebar: [duty-contacts | compact]}", True),
    ("slots: {sidebar: duty-contacts | compact}", True),
    ("slots:\n  back-page:\n    - board-office | heading: Write to us", True),
    ("slots:\n  back-page:\n    - [[duty-contacts]]", True),
    ("slots: {sidebar: {duty-contacts: compact}}", False),
    ("corrections: [{date: 2024-03-02, note: The number was wrong.}]", True),
    ("corrections: [{date: 2024-03-02}]", False),
    ("corrections: [{date: 2 March 2024, note: The number was wrong.}]", False),
    ("subtitle: a précis of 9 executive summaries", True),
    ("subtitle:", False),
    ("partners: [{name: Rutland County Council, logo: logos/rcc.png}]", True),
    ("partners: [{name: Rutland County Council}]", False),       # no logo
    ("partners: [{name: RCC, logo: rcc.png, alt: RCC}]", False),  # the name is the alt text
    ("partners: Rutland County Council", False),
])
def test_the_front_matter_schema_agrees_with_publisher(schemas, change, accepted):
    text = front_matter(change)
    assert publisher_accepts(FrontMatter, text) is accepted
    assert schema_accepts(schemas, "front-matter.schema.json", text) is accepted


def test_the_front_matter_schema_helps_as_the_officer_types(schemas):
    schema = json.loads((schemas / "schemas/front-matter.schema.json").read_text())
    keys = schema["properties"]
    assert schema["additionalProperties"] is False
    assert keys["status"]["enum"] == ["draft", "published"]
    assert keys["date"]["pattern"] == "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
    assert keys["title"]["description"] == "The issue's headline."
    assert keys["title"]["examples"] == ["Learning from serious case reviews"]
    assert keys["date"]["markdownDescription"].endswith("For example: `date: 2011-06-01`")
    assert set(schema["required"]) == {"title", "number", "date", "status", "summary"}
    assert set(keys) == set(FrontMatter.model_fields)


# --- Settings and blocks ----------------------------------------------------------------------

def test_the_sample_settings_and_kinds_are_accepted(schemas):
    assert schema_accepts(schemas, "site.schema.json", (schemas / "site.yml").read_text())
    series = sorted(schemas.glob("issues/*/series.yml"))
    assert len(series) >= 3
    for path in series:
        assert schema_accepts(schemas, "series.schema.json", path.read_text()), path
    for path in sorted(schemas.glob("blocks/*/_kind.yml")):
        assert schema_accepts(schemas, "kind.schema.json", path.read_text()), path
    styles = sorted(schemas.glob("templates/*/style.yml"))
    assert len(styles) >= 3
    for path in styles:
        assert schema_accepts(schemas, "style.schema.json", path.read_text()), path


@pytest.mark.parametrize("model, name, text, accepted", [
    (SiteSettings, "site.schema.json", "organisation: A board\nwebsite: https://x.org.uk/\n",
     True),
    (SiteSettings, "site.schema.json", "organisation: A board\nwebsite: www.x.org.uk\n", False),
    (SiteSettings, "site.schema.json", "organisation: A board\nwebsite: https://x.org.uk/\n"
     "colour: red\n", False),
    (SeriesSettings, "series.schema.json", "title: T\nkind: briefing\ncadence: monthly\n"
     "style: briefing\nmasthead: M\ncolours: {brand: '#5b2a86'}\n", True),
    (SeriesSettings, "series.schema.json", "title: T\nkind: briefing\ncadence: fortnightly\n"
     "style: briefing\nmasthead: M\n", False),
    (SeriesSettings, "series.schema.json", "title: T\nkind: briefing\ncadence: monthly\n"
     "style: briefing\nmasthead: M\ncolours: {brand: purple}\n", False),
    (SeriesSettings, "series.schema.json", "title: T\nkind: briefing\ncadence: monthly\n"
     "masthead: M\ndesigns: [{from: 2011-01-01, style: briefing}]\n", True),
    (SeriesSettings, "series.schema.json", "title: T\nkind: briefing\ncadence: monthly\n"
     "masthead: M\ndesigns: [{from: January 2011, style: briefing}]\n", False),
    (SeriesSettings, "series.schema.json", "title: T\nkind: briefing\ncadence: monthly\n"
     "style: briefing\nmasthead: M\norganisation:\n  name: Rutland Board\n"
     "  website: https://www.rutland.example.gov.uk/\n  logo: logos/rutland.svg\n"
     "  logo_description: An oak leaf\n  accessibility: {email: a@rutland.example.gov.uk}\n"
     "  contacts: rutland-contacts\n", True),
    (SeriesSettings, "series.schema.json", "title: T\nkind: briefing\ncadence: monthly\n"
     "style: briefing\nmasthead: M\norganisation: Rutland Board\n", False),
    (SeriesSettings, "series.schema.json", "title: T\nkind: briefing\ncadence: monthly\n"
     "style: briefing\nmasthead: M\norganisation: {website: rutland.gov.uk}\n", False),
    (SeriesSettings, "series.schema.json", "title: T\nkind: briefing\ncadence: monthly\n"
     "style: briefing\nmasthead: M\norganisation: {colours: {brand: '#5b2a86'}}\n", False),
    (SiteSettings, "site.schema.json", "organisation: A board\nwebsite: https://x.org.uk/\n"
     "logo: crest.svg\nlogo_description: A crest\ncontacts: board-office\n", True),
    (StyleSettings, "style.schema.json", "description: D\npages: 2\n", True),
    (StyleSettings, "style.schema.json", "slots: {opening: At the top.}\npages: '1'\n", True),
    (StyleSettings, "style.schema.json", "pages: 0\n", False),
    (StyleSettings, "style.schema.json", "pages: two\n", False),
    (StyleSettings, "style.schema.json", "pages: 1.5\n", False),
    (StyleSettings, "style.schema.json", "page: 2\n", False),
    (KindSpec, "kind.schema.json", "description: D\nfields:\n  when: {type: date, "
     "required: yes, description: The day.}\n", True),
    (KindSpec, "kind.schema.json", "description: D\nfields:\n  when: {type: day, "
     "description: The day.}\n", False),
])
def test_the_settings_schemas_agree_with_publisher(schemas, model, name, text, accepted):
    assert publisher_accepts(model, text) is accepted
    assert schema_accepts(schemas, name, text) is accepted


def test_every_sample_block_is_accepted_by_the_schema_of_its_kind(schemas):
    blocks = sorted(path for path in schemas.glob("blocks/*/*.yml") if path.name != "_kind.yml")
    assert len(blocks) >= 12
    assert sorted({path.parent.name for path in blocks}) == KINDS
    for path in blocks:
        check = validator(schemas, f"blocks/{path.parent.name}.schema.json")
        errors = [error.message for error in check.iter_errors(as_editor_reads(path.read_text()))]
        assert errors == [], path


def block_with(schemas: Path, name: str, change: str) -> str:
    """Block `name` with `change` added to its first version."""
    path = next(schemas.glob(f"blocks/*/{name}.yml"))
    text = path.read_text()
    first = re.search(r"^  - from: .*\n", text, re.M)
    assert first is not None
    return text[:first.end()] + "".join(f"    {line}\n" for line in change.splitlines()) \
        + text[first.end():]


@pytest.mark.parametrize("name, change, accepted", [
    ("duty-contacts", "colour: red", False),                   # an unknown field
    ("duty-contacts", "note: 2011", True),                     # a number, to an editor
    ("duty-contacts", "note:", False),
    ("duty-contacts", "retired: 2030-01-01", True),
    ("duty-contacts", "retired: January 2030", False),
    ("munro-review", "reviews: 67", True),
    ("munro-review", "reviews: '67'", True),
    ("munro-review", "children: sixty", False),
    ("munro-review", "children: 6.5", False),
    ("munro-review", "sections: [{heading: Practitioners should, points: [Listen]}]", True),
    ("munro-review", "sections: [{heading: Practitioners should}]", False),
    ("munro-review", "sections: []", False),
    ("working-together-2018", "note: A new version.", True),
])
def test_the_block_schemas_agree_with_publisher(schemas, library, name, change, accepted):
    text = block_with(schemas, name, change)
    block = library.blocks[name]
    assert publisher_accepts(block.kind.block_model, text) is accepted
    assert schema_accepts(schemas, f"blocks/{block.kind.name}.schema.json", text) is accepted


@pytest.mark.parametrize("old, new, accepted", [
    ("email: DAS.Team@leicester.gov.uk", "email: duty@example", False),  # no dot in the domain
    ("- name: Leicester City", "- name: Leicester City\n        website: www.example.org",
     False),                                                              # not a full address
    ("phone: 0116 252 7004", "phone: 01162527004", True),  # figures to an editor: still fine
])
def test_fields_inside_a_list_are_checked_too(schemas, library, old, new, accepted):
    text = (schemas / "blocks/contacts/duty-contacts.yml").read_text().replace(old, new, 1)
    assert publisher_accepts(library.kinds["contacts"].block_model, text) is accepted
    assert schema_accepts(schemas, "blocks/contacts.schema.json", text) is accepted


EVENT_KIND = """\
description: A training event.
fields:
  when:
    type: date
    required: true
    description: The day.
  places:
    type: number
    description: How many can come.
  booking:
    type: url
    description: Where to book.
  contact:
    type: email
    description: Who to ask.
  venue:
    type: group
    description: Where it is.
    fields:
      name: {type: text, required: true, description: The building.}
      notes: {type: markdown, description: How to get there.}
  topics:
    type: list
    items: inline
    required: true
    description: What it covers.
  sessions:
    type: list
    description: The day's sessions.
    fields:
      title: {type: text, required: true, description: The session.}
"""

EVENT = """\
title: Learning day
versions:
  - from: 2024-01-01
    when: 2024-05-14
    places: 40
    booking: https://www.example.org.uk/book
    contact: training@example.gov.uk
    venue: {name: County Hall}
    topics: [Bruising in babies, Was not brought]
    sessions:
      - title: Morning
"""


def test_a_new_kind_of_block_gets_a_schema_without_python(sample, run):
    (sample / "blocks/event").mkdir()
    (sample / "blocks/event/_kind.yml").write_text(EVENT_KIND)
    (sample / "blocks/event/learning-day.yml").write_text(EVENT)
    result = run("schema", cwd=sample)
    assert result.exit_code == 0, result.output
    assert "wrote schemas/blocks/event.schema.json" in result.output
    assert schema_accepts(sample, "blocks/event.schema.json", EVENT)
    for wrong in ["    topics: []\n", "    venue: {notes: Car park at the back.}\n",
                  "    places: many\n", "    when: May 2024\n", "    booking: example.org\n",
                  "    speaker: A colleague\n"]:
        key = wrong.split(":")[0]
        text = re.sub(rf"^{key}:.*\n", "", EVENT, flags=re.M) + wrong
        assert not schema_accepts(sample, "blocks/event.schema.json", text), wrong
    without_topics = re.sub(r"^    topics:.*\n", "", EVENT, flags=re.M)
    assert not schema_accepts(sample, "blocks/event.schema.json", without_topics)


def test_every_validator_has_a_rule_in_the_schema_module():
    """A new validator may accept what its type does not say (or refuse what it does): this
    fails until publisher/schema.py says what the schema should make of it."""
    kind = KindSpec.model_validate(yaml.safe_load(EVENT_KIND))
    models = [FrontMatter, SiteSettings, SeriesSettings, StyleSettings, KindSpec,
              block_model("event", kind)]
    found: set[Any] = set()
    for model in models:
        found |= validators(model.__pydantic_core_schema__)
    unknown = {getattr(function, "__qualname__", function) for function in found
               if function not in schema_module.KNOWN_VALIDATORS}
    assert unknown == set(), "say in publisher/schema.py what these accept"


def validators(node: Any) -> set[Any]:
    found: set[Any] = set()
    if isinstance(node, dict):
        if str(node.get("type", "")).startswith("function-"):
            found.add(node["function"]["function"])
        for value in node.values():
            found |= validators(value)
    elif isinstance(node, list):
        for value in node:
            found |= validators(value)
    return found


# --- VS Code ----------------------------------------------------------------------------------

def test_each_glob_picks_the_files_its_schema_is_for_and_no_other(schemas):
    files = [file for file in site_schemas(schemas) if file.glob]
    sources = sorted(path.relative_to(schemas).as_posix() for path in schemas.rglob("*.yml")
                     if path.parts[len(schemas.parts)] in ("site.yml", "issues", "blocks"))
    for source in sources:
        matches = [file.name for file in files if PurePosixPath(source).match(file.glob or "")]
        if source == "site.yml":
            assert matches == ["site.schema.json"]
        elif source.endswith("/series.yml"):
            assert matches == ["series.schema.json"]
        elif source.endswith("/_kind.yml"):
            assert matches == ["kind.schema.json"]
        else:
            assert matches == [f"blocks/{source.split('/')[1]}.schema.json"], source


def test_vscode_settings_list_the_schemas_and_keep_the_other_settings(sample, run):
    settings = sample / ".vscode/settings.json"
    settings.parent.mkdir()
    settings.write_text(json.dumps({
        "editor.wordWrap": "on",
        "yaml.schemas": {"https://json.schemastore.org/github-workflow.json":
                         ".github/workflows/*.yml",
                         "./schemas/blocks/retired-kind.schema.json": "blocks/retired-kind/*.yml"},
    }))
    result = run("schema", "--vscode", cwd=sample)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "wrote .vscode/settings.json"
    written = json.loads(settings.read_text())
    assert written["editor.wordWrap"] == "on"
    assert written["yaml.schemas"] == {
        "https://json.schemastore.org/github-workflow.json": ".github/workflows/*.yml",
        "./schemas/site.schema.json": "site.yml",
        "./schemas/series.schema.json": "issues/*/series.yml",
        "./schemas/style.schema.json": "templates/*/style.yml",
        "./schemas/kind.schema.json": "blocks/*/_kind.yml",
        **{f"./schemas/blocks/{kind}.schema.json": f"blocks/{kind}/[a-z0-9]*.yml"
           for kind in KINDS},
    }
    before = settings.read_bytes()
    assert run("schema", "--vscode", cwd=sample).exit_code == 0
    assert settings.read_bytes() == before


def test_vscode_settings_with_comments_are_left_alone(sample, run):
    settings = sample / ".vscode/settings.json"
    settings.parent.mkdir()
    original = '{\n    // wrap long lines\n    "editor.wordWrap": "on",\n}\n'
    settings.write_text(original)
    result = run("schema", "--vscode", cwd=sample)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: .vscode/settings.json:2: is not plain JSON")
    assert '"./schemas/site.schema.json": "site.yml"' in result.stderr  # to add by hand
    assert settings.read_text() == original
    assert not (sample / "schemas").exists()


def test_without_vscode_the_settings_are_not_touched(sample, run):
    assert run("schema", cwd=sample).exit_code == 0
    assert not (sample / ".vscode").exists()
