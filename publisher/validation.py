"""Check YAML data against a schema and say what is wrong in words an author understands.

Schemas are pydantic models; this module holds the field types they share and turns
pydantic's errors into `Problem`s that point at the line of the offending key.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, ClassVar, TypeVar, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
)
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from publisher.dates import MONTHS
from publisher.errors import Problem
from publisher.yamldoc import Location, YamlDocument, format_location

_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
#: The years a date may have. No bulletin is dated outside them: a year such as 0224 or 9999
#: is a slip or a stand-in ("never"), and would stand as the PDF's creation date and in
#: the feeds.
FIRST_YEAR, LAST_YEAR = 1900, 2199


class Schema(BaseModel):
    """Base of every schema: unknown keys are errors, text is trimmed, values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    #: Keys that are not allowed here but are allowed elsewhere, each with where they go:
    #: said instead of the list of keys when one is written in the wrong place.
    KEY_HINTS: ClassVar[dict[str, str]] = {}


def parse_iso_date(value: Any) -> date:
    """Accept only `YYYY-MM-DD`; for anything else, suggest how to write it."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise PydanticCustomError("publisher", "expected a date such as 2011-06-01")
    text = value.strip()
    if _ISO_DATE.match(text):
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise PydanticCustomError(
                "publisher", f"{text!r} is not a real date; check the month and the day") from None
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            raise PydanticCustomError(
                "publisher", f"{text!r} is not a date publisher takes: the year must be from "
                f"{FIRST_YEAR} to {LAST_YEAR}; check the year")
        return day
    suggestion = suggest_iso_date(text)
    hint = (f"write it as {suggestion}" if suggestion
            else "write it as YYYY-MM-DD, for example 2011-06-01")
    raise PydanticCustomError("publisher", f"{text!r} is not a date; {hint}")


def suggest_iso_date(text: str) -> str | None:
    """The ISO form of a date written the British way: 'June 2011', '1 June 2011', '01/06/2011'."""
    words = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text.replace(",", " ")).split()
    month_of = {name.lower()[:3]: number for number, name in enumerate(MONTHS, start=1)}
    day, month, year = 1, None, None
    for word in words:
        lowered = word.lower()
        if lowered[:3] in month_of and lowered.isalpha():
            month = month_of[lowered[:3]]
        elif word.isdigit() and len(word) == 4:
            year = int(word)
        elif word.isdigit() and len(word) <= 2:
            day = int(word)
    numeric = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", text.strip())
    if numeric:
        day, month, year = int(numeric[1]), int(numeric[2]), int(numeric[3])
    if month is None or year is None:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def split_text_list(value: Any) -> Any:
    """Let a list be written as one line of items separated by commas."""
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


def parse_whole_number(value: Any) -> Any:
    """Figures only: '3', not '3.0', '3_000' or 'three'. A minus sign is read, so that '-3'
    is told it is below the least the field takes (`not_negative`, or the field's own `ge=`)
    rather than that it is no number at all."""
    if not isinstance(value, str) or re.fullmatch(r"-?[0-9]{1,9}", value.strip()):
        return value
    if re.fullmatch(r"-?[0-9]+", value.strip()):
        raise PydanticCustomError(
            "publisher", f"{value.strip()} has too many figures; publisher reads whole numbers "
            "of up to nine")
    raise PydanticCustomError(
        "publisher", f"{value!r} is not a whole number; write it in figures, for example 3")


def not_negative(value: int) -> int:
    """A whole number is 0 or more, unless its field asks for more (`Field(ge=1)`), which
    is checked first and says so in its own words."""
    if value < 0:
        raise PydanticCustomError(
            "publisher", f"{value} is below zero; write a whole number, 0 or more")
    return value


@dataclass(frozen=True)
class Why:
    """Why a field's number has the least it has, said after a smaller one is refused: put
    in the field's type, `Annotated[WholeNumber, Why("issue numbers start at 1")]`."""

    text: str


def placement_list(value: Any) -> Any:
    """Slot items as written in YAML, back to the text inside [[ ]].

    One line may list several blocks separated by commas; YAML reads 'heading: Who to call'
    inside an item as a key and value, and '[[name]]' as a list in a list: both are put back.
    """
    if isinstance(value, str):
        return [value] if "|" in value else [part.strip() for part in value.split(",")]
    if isinstance(value, list):
        return [_placement_text(item) for item in value]
    return value


def _placement_text(item: Any) -> Any:
    while isinstance(item, list) and len(item) == 1:
        item = item[0]
    if isinstance(item, dict) and len(item) == 1:
        ((key, value),) = item.items()
        if isinstance(value, str):
            return f"{key}: {value}"
    return item


def check_web_address(value: str) -> str:
    """A web address written in full, as links and feeds need it: 'https://www.x.org.uk/'."""
    if not re.fullmatch(r"https?://[^\s/]+\.[^\s]+", value, flags=re.IGNORECASE):
        raise PydanticCustomError(
            "publisher", f"{value!r} is not a web address; write it in full, for example "
            "https://www.example.org.uk/")
    return value


def check_language(value: Any) -> Any:
    """A language tag as HTML and PDF readers expect it: 'en-GB', 'cy', 'pl'."""
    if isinstance(value, str) and not re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*",
                                                    value.strip()):
        raise PydanticCustomError(
            "publisher", f"{value!r} is not a language tag; write it as screen readers expect, "
            "for example en-GB for British English or cy for Welsh")
    return value


IsoDate = Annotated[date, BeforeValidator(parse_iso_date)]
Language = Annotated[str, BeforeValidator(check_language)]
WholeNumber = Annotated[int, BeforeValidator(parse_whole_number), AfterValidator(not_negative)]
Text = Annotated[str, Field(min_length=1)]
WebAddress = Annotated[Text, AfterValidator(check_web_address)]
TextList = Annotated[list[Text], BeforeValidator(split_text_list)]
PlacementList = Annotated[list[Text], BeforeValidator(placement_list)]

SchemaT = TypeVar("SchemaT", bound=BaseModel)


def validate_document(schema: type[SchemaT],
                      document: YamlDocument) -> tuple[SchemaT | None, list[Problem]]:
    """Validate `document` against `schema`; return the model or every problem found."""
    try:
        return schema.model_validate(document.data), []
    except ValidationError as error:
        problems = [
            Problem(document.path, document.line_of(tuple(detail["loc"])),
                    describe_error(schema, detail))
            for detail in error.errors(include_url=False)
        ]
        return None, problems


def describe_error(schema: type[BaseModel], detail: Any) -> str:
    """One pydantic error as 'key: what is wrong; how to fix it'."""
    location: Location = tuple(detail["loc"])
    key = format_location(location)
    kind, value, context = detail["type"], detail.get("input"), detail.get("ctx") or {}
    if kind == "missing":
        model = _model_at(schema, location[:-1])
        field = model.model_fields.get(str(location[-1])) if model else None
        extra = field.json_schema_extra if field else None
        example = extra.get("example") if isinstance(extra, dict) else None
        name = location[-1]
        return (f"{key}: this required key is missing; add a line such as "
                f"'{name}: {example}'" if example else f"{key}: this required key is missing")
    if kind == "extra_forbidden":
        return f"{key}: unknown key; {_suggest_key(schema, location)}"
    if kind == "publisher":
        return f"{key}: {detail['msg']}"
    if kind == "value_error":
        return f"{key}: {context['error']}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"{key}: {_show(value)} is not a whole number; write it in figures, for example 3"
    if kind == "greater_than_equal":
        return f"{key}: {_too_small(value, context['ge'], _field_at(schema, location))}"
    if kind == "literal_error":
        return f"{key}: {_show(value)} is not one of the choices; use {context['expected']}"
    if kind == "string_too_short":
        return f"{key}: is empty; write the text after the colon"
    if kind == "string_too_long":
        return (f"{key}: {len(str(value).strip()):,} characters is more than the "
                f"{context['max_length']:,} it may have; shorten it, and say the rest in the text")
    if kind == "too_short":
        return f"{key}: needs at least one item"
    if kind == "string_type" and isinstance(value, dict):
        return (f"{key}: expected text, found a group of keys; a colon followed by a space "
                "makes YAML read 'key: value', so put text that contains ': ' in quotes")
    if kind == "string_type":
        return f"{key}: expected text, found {_show(value)}"
    if kind == "list_type":
        return f"{key}: expected a list, with each item on its own line starting with '- '"
    if kind in ("dict_type", "model_type"):
        return f"{key}: expected a group of keys, found {_show(value)}"
    return f"{key}: {detail['msg']}"


def _too_small(value: Any, least: Any, field: FieldInfo | None) -> str:
    """'-3 is not a positive whole number; issue numbers start at 1': what is wrong, then
    the field's reason (`Why`) or what to write."""
    shown = str(value).strip() if re.fullmatch(r"\s*-?[0-9]+\s*", str(value)) else _show(value)
    why = next((item.text for item in field.metadata if isinstance(item, Why)), None
               ) if field else None
    if least == 1:
        return f"{shown} is not a positive whole number; {why or 'write 1 or more'}"
    return f"{shown} is too small; {why or f'it must be {least} or more'}"


def did_you_mean(word: str, choices: list[str] | tuple[str, ...], otherwise: str) -> str:
    """'did you mean 'x'?' for the closest of `choices`, or `otherwise` if none is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else otherwise


def _suggest_key(schema: type[BaseModel], location: Location) -> str:
    model = _model_at(schema, location[:-1])
    hints: dict[str, str] = getattr(model, "KEY_HINTS", {})
    if str(location[-1]) in hints:
        return hints[str(location[-1])]
    known = _known_keys(schema, location[:-1])
    return did_you_mean(str(location[-1]), known,
                        f"the keys allowed here are: {', '.join(known)}")


def _known_keys(schema: type[BaseModel], parent: Location) -> list[str]:
    """The keys the model at `parent` (inside lists and optional values) accepts."""
    model = _model_at(schema, parent)
    if model is None:
        return []
    return sorted(field.alias or name for name, field in model.model_fields.items())


def _model_at(schema: type[BaseModel], parent: Location) -> type[BaseModel] | None:
    """The model whose keys are written at `parent` (inside lists and optional values)."""
    model: type[BaseModel] | None = schema
    for part in parent:
        if isinstance(part, int) or model is None:
            continue
        field = _fields_by_key(model).get(str(part))
        model = _model_within(field.annotation) if field else None
    return model


def _field_at(schema: type[BaseModel], location: Location) -> FieldInfo | None:
    """The field of the key at `location`, if it is one a model declares."""
    if not location or isinstance(location[-1], int):
        return None  # an item of a list, not a key
    model = _model_at(schema, location[:-1])
    return _fields_by_key(model).get(location[-1]) if model else None


def _fields_by_key(model: type[BaseModel]) -> dict[str, FieldInfo]:
    return {field.alias or name: field for name, field in model.model_fields.items()}


def _model_within(annotation: Any) -> type[BaseModel] | None:
    """The model an annotation such as `list[Entry] | None` holds, if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in get_args(annotation):
        model = _model_within(argument)
        if model is not None:
            return model
    return None


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a group of keys"
    return repr(value)
