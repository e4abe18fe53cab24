"""The site and its series: `site.yml` at the root, `issues/<series>/series.yml` for each series."""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from publisher.errors import ContentError, Problem, UsageError, display_path
from publisher.organisations import (
    Organisation,
    OrganisationSettings,
    logo_problem,
    organisation_of,
)
from publisher.topics import Vocabulary, vocabulary_problems
from publisher.validation import (
    IsoDate,
    Language,
    Schema,
    SchemaT,
    Text,
    TextList,
    check_web_address,
    did_you_mean,
    parse_whole_number,
    validate_document,
)
from publisher.yamldoc import YamlDocument, parse_mapping, read_text

SITE_FILE = "site.yml"
SERIES_FILE = "series.yml"
STYLE_FILE = "style.yml"
ISSUES_FOLDER = "issues"
TEMPLATES_FOLDER = "templates"
STYLES_FOLDER = "styles"
BLOCKS_FOLDER = "blocks"
#: The folders that hold a site's sources; output never goes in or around them.
SOURCE_FOLDERS = (ISSUES_FOLDER, TEMPLATES_FOLDER, STYLES_FOLDER, BLOCKS_FOLDER)
#: Output names the site keeps for itself (stylesheets and fonts go in output/assets; each
#: series' archival copies in output/<series>/archival).
RESERVED_SERIES = ("assets", "archival")

#: Characters a series folder or an issue file may not have in its name, and why: in a web
#: address `#`, `?` and `%` start a place in the page, a query and an escape, so a link to
#: the file would lead elsewhere; Windows cannot store the others (a copy of the archive on
#: a shared drive would fail).
_UNSAFE_IN_NAMES = {"#": "web", "?": "web", "%": "web",
                    **{character: "windows" for character in '<>:"\\|*'}}
_WHY_NOT = {
    "web": "a web address reads it as the start of something else (a place in the page, a "
           "query or an escape), so links to it would break",
    "windows": "Windows cannot store such a name, so a copy of the archive on a shared drive "
               "would fail",
}


def name_problem(name: str, what: str) -> str | None:
    """Why `name` cannot name a series folder or an issue file (`what`), or None."""
    if name.startswith("."):
        return (f"{what} cannot start with '.': such names are hidden, and publisher keeps "
                "them for its own files (output/.publisher); rename it")
    for character in name:
        reason = _UNSAFE_IN_NAMES.get(character)
        if reason is None and (character < " " or character == "\x7f"):
            reason = "windows"
        if reason is not None:
            shown = character if character.isprintable() else f"U+{ord(character):04X}"
            return (f"{what} cannot have {shown!r} in its name: {_WHY_NOT[reason]}; rename "
                    "it with letters, digits and hyphens")
    return None


#: The PDF variants an issue's web copy may take: each one tagged for screen readers.
PdfVariant = Literal["pdf/ua-1", "pdf/ua-2", "pdf/a-2a", "pdf/a-3a"]

Cadence = Literal["weekly", "monthly", "bimonthly", "quarterly", "termly", "twice-yearly",
                  "yearly", "occasional"]


WordStyle = Literal["quote", "callout", "callout key-message", "callout note", "callout tip",
                    "callout warning"]


def check_email_address(value: str) -> str:
    """An email address, as a mail server takes it: 'bulletin@example.gov.uk'."""
    if not re.fullmatch(r"[^@\s<>\",;]+@[^@\s<>\",;]+\.[^@\s<>\",;]+", value):
        raise PydanticCustomError(
            "publisher", f"{value!r} is not an email address; write it as "
            "name@example.gov.uk, without the name in front")
    return value


EmailAddress = Annotated[Text, AfterValidator(check_email_address)]


class EmailSettings(Schema):
    """`email:` in series.yml: the series' issues also come as an email, to send with
    'publisher send'."""

    since: IsoDate = Field(description="Issues dated on or after this day get an email "
                           "edition; issues published before a series had one keep the "
                           "files they were locked with.",
                           json_schema_extra={"example": "2024-09-01"})
    sender: EmailAddress = Field(description="The address the email comes from, with the "
                                 "series' board as its name: a team or role address.",
                                 json_schema_extra={"example": "bulletin@example.gov.uk"})
    reply_to: EmailAddress | None = Field(None, description="Where replies go, if not to "
                                          "the sender.")
    postal_address: Text = Field(description="The board's postal address, in the footer of "
                                 "every email.", json_schema_extra={
                                     "example": "County Hall, Glenfield, Leicester LE3 8RA"})
    unsubscribe: Text | None = Field(None, description="How a reader stops the emails: an "
                                     "https:// address (one click) or a mailto: address. "
                                     "Sent as List-Unsubscribe and shown in the footer.")

    @field_validator("unsubscribe")
    @classmethod
    def _an_address_to_unsubscribe(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"(https://|mailto:)\S+", value):
            raise PydanticCustomError(
                "publisher", f"{value!r} is not an https:// or mailto: address")
        return value


class SmtpSettings(Schema):
    """`smtp:` in site.yml: the mail server 'publisher send' hands each email to. Its
    password is never written in a file: it is read from $PUBLISHER_SMTP_PASSWORD."""

    host: Text = Field(description="The mail server.",
                       json_schema_extra={"example": "smtp.office365.com"})
    port: int = Field(587, ge=1, le=65535, description="Its port: 587 with starttls, 465 "
                      "with tls.")
    security: Literal["starttls", "tls", "none"] = Field(
        "starttls", description="starttls (the default), tls (implicit, port 465), or none "
        "(a relay on the local network only).")
    username: Text | None = Field(None, description="The account to log in as, if the "
                                  "server asks for one.")
    per_minute: int = Field(30, ge=1, description="At most this many emails a minute, as "
                            "mail services limit senders.")


class AccessibilitySettings(Schema):
    """`accessibility:` in site.yml: what the accessibility statement page tells readers."""

    email: Text | None = Field(None, description="A team or role address (not a person's) "
                               "to ask for another format or report a problem.",
                               json_schema_extra={"example": "communications@example.gov.uk"})
    phone: Text | None = Field(None, description="A team or switchboard number for the same.",
                               json_schema_extra={"example": "0116 000 0000"})
    reply_within: Text = Field("10 working days", description="How soon a request is "
                               "answered.", json_schema_extra={"example": "5 working days"})
    formats: TextList = Field(
        default_factory=lambda: ["large print", "easy read", "audio", "braille",
                                 "a Word document"],
        description="The other formats an issue can be asked for.")
    known_problems: TextList = Field(
        default_factory=list, description="Parts of the bulletins the board knows are not "
        "accessible yet, each a sentence, listed in the statement.")
    reviewed: IsoDate | None = Field(None, description="The date the board last reviewed "
                                     "the statement.")


class SiteSettings(Schema):
    """`site.yml`: who publishes, where, in which language, and where the output goes."""

    organisation: Text = Field(description="The board's name, shown on every issue and set as "
                               "the PDF author.",
                               json_schema_extra={"example": "Safeguarding Children Partnership"})
    website: Text = Field(description="The board's website address.",
                          json_schema_extra={"example": "https://www.example.org.uk/"})
    language: Language = Field("en-GB", description="Default language of the issues (BCP 47).")
    output: Text = Field("output", description="Folder the built issues are written to.")
    logo: Text | None = Field(None, description="The board's logo: an image file in styles/, "
                              "shown in every masthead.")
    logo_description: Text | None = Field(
        None, description="What the logo shows, for people who cannot see it; leave it out "
        "if the logo only spells the board's name, which the masthead prints beside it "
        "(the logo is then decorative).")
    contacts: Text | None = Field(
        None, description="The block of the board's contacts that 'publisher new' places in "
        "a new issue where the series' starter says {{ contacts }}.",
        json_schema_extra={"example": "board-office"})
    archive_url: Text | None = Field(
        None, description="The web address the output folder is published at, which the "
        "feeds link issues from (default: website).",
        json_schema_extra={"example": "https://www.example.org.uk/bulletins/"})
    silence: TextList = Field(default_factory=list, description="Warnings of 'publisher "
                              "check' not to give for any issue, by their codes.")
    word_styles: dict[Text, WordStyle] = Field(
        default_factory=dict, description="What 'publisher import' makes of a Word paragraph "
        "style, by its name: quote, or callout with its kind (callout note, callout tip, "
        "callout warning, callout key-message). Quote and Intense Quote are known already.",
        json_schema_extra={"example": {"Practice Point": "callout tip"}})
    smtp: SmtpSettings | None = Field(
        None, description="The mail server 'publisher send' uses: host, port, security, "
        "user name and how many emails a minute. The password comes from the environment "
        "variable PUBLISHER_SMTP_PASSWORD, never from a file.")
    accessibility: AccessibilitySettings = Field(
        default_factory=AccessibilitySettings,  # type: ignore[arg-type]
        description="What the accessibility statement page (accessibility.html in the output) "
        "says: whom to ask for another format.")
    topics: dict[Text, Text] = Field(
        default_factory=dict, description="The themes the bulletins come back to, each its "
        "name and a line saying what it covers. Issues and blocks name their topics from "
        "these; each gets a page and a feed in the archive, and a filter in its search.",
        json_schema_extra={"example": {"Neglect": "Recognising neglect, and acting early."}})

    @field_validator("website", "archive_url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        return value if value is None else check_web_address(value)

    @property
    def archive_address(self) -> str:
        """Where the output folder is on the web, ending in '/'."""
        return (self.archive_url or self.website).rstrip("/") + "/"

    @property
    def organisation_settings(self) -> OrganisationSettings:
        """The site's organisation, as a series' `organisation:` would say it."""
        return OrganisationSettings.model_validate(
            {"name": self.organisation, "website": self.website, "logo": self.logo,
             "logo_description": self.logo_description})


def check_colour(value: str) -> str:
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", value):
        raise PydanticCustomError("publisher", f"{value!r} is not a colour; write it as # and "
                                  "six hexadecimal digits, in quotes, e.g. \"#14506e\"")
    return value.lower()


Colour = Annotated[str, AfterValidator(check_colour)]


def organisation_section(value: Any) -> Any:
    """site.yml names the board in one line; a series' organisation is a section, and the
    one line is the likely slip."""
    if isinstance(value, str) and not value.strip():
        raise PydanticCustomError(
            "publisher", "is empty; write the board's settings under it, indented (name:, "
            "website:, logo:...), or remove the line")
    if isinstance(value, str):
        raise PydanticCustomError(
            "publisher", "in series.yml this is a section, not a line; write the board's name "
            f"under it, indented: 'organisation:', then '  name: {value}'")
    return value


class Design(Schema):
    """One design of a series: a house style, from a date on."""

    effective: IsoDate = Field(alias="from", description="The date the design took effect.")
    style: Text = Field(description="The house style.")


class SeriesSettings(Schema):
    """`issues/<series>/series.yml`: what the series is and how it looks."""

    title: Text = Field(description="The series title in the masthead.",
                        json_schema_extra={"example": "Learning Review"})
    kind: Literal["newsletter", "briefing"] = Field(
        description="newsletter or briefing.", json_schema_extra={"example": "newsletter"})
    cadence: Cadence = Field(description="How often an issue comes out.",
                             json_schema_extra={"example": "quarterly"})
    style: Text | None = Field(None, description="The house style: a folder in templates/ "
                               "and styles/. Use 'designs' instead when the series has changed "
                               "its design.", json_schema_extra={"example": "newsletter"})
    designs: list[Design] | None = Field(
        None, description="The series' designs, each a house style with the date it took "
        "effect; an issue is laid out in the design in force on its date.")
    masthead: Text = Field(description="The line under the series title in the masthead.",
                           json_schema_extra={"example": "Learning from reviews"})
    colours: dict[Text, Colour] = Field(
        default_factory=dict, description="Brand colours of this series, overriding the "
        "site's (styles/brand.css), e.g. 'brand: \"#5b2a86\"'.")
    organisation: Annotated[OrganisationSettings | None,
                            BeforeValidator(organisation_section)] = Field(
        None, description="The board this series is published for, if not the site's: its "
        "name, website, logo, accessibility contact and contacts block. Each key left out is "
        "site.yml's.")
    pdf_variant: PdfVariant | None = Field(
        None, description="The PDF variant of the issues' web copy: pdf/ua-1 (the default), "
        "pdf/ua-2, pdf/a-2a or pdf/a-3a. Published issues also get an archival copy in "
        "PDF/A-2a whatever this says.", json_schema_extra={"example": "pdf/ua-1"})
    email: EmailSettings | None = Field(
        None, description="An email edition of the issues, to send with 'publisher send': "
        "from when, from whom, the board's postal address and how to unsubscribe.")

    @model_validator(mode="after")
    def _one_way_to_name_the_style(self) -> SeriesSettings:
        if (self.style is None) == (self.designs is None):
            raise PydanticCustomError(
                "publisher", "give the series either 'style:' (one design) or 'designs:' (a "
                "list of styles with the dates they took effect)")
        return self

    def emails_on(self, day: datetime.date) -> bool:
        """Whether an issue dated `day` gets an email edition."""
        return self.email is not None and day >= self.email.since

    def style_on(self, day: datetime.date) -> str | None:
        """The house style in force on `day`, or None before the first design."""
        if self.style is not None:
            return self.style
        in_force = [design for design in self.designs or [] if design.effective <= day]
        return max(in_force, key=lambda design: design.effective).style if in_force else None

    def style_names(self) -> list[str]:
        return [self.style] if self.style else [design.style for design in self.designs or []]


#: A count of pages: figures, 1 or more (the bound inside, so that a schema can say it).
PageCount = Annotated[int, Field(ge=1), BeforeValidator(parse_whole_number)]


class StyleSettings(Schema):
    """`templates/<style>/style.yml`: what a house layout offers issues."""

    description: Text | None = Field(None, description="What the style is for.")
    slots: dict[Text, Text] = Field(
        default_factory=dict, description="The named places the layout shows blocks in, each "
        "with a line saying where it is on the page.")
    pages: PageCount | None = Field(
        None, description="The most pages an issue in this style may take in print (a "
        "briefing printed on one sheet, say); the build warns of an issue that runs over, "
        "naming the box that does (code overflow).", json_schema_extra={"example": 2})


@dataclass(frozen=True)
class HouseStyle:
    name: str
    slots: dict[str, str]
    #: The most pages an issue in this style may take in print, or None for no limit.
    pages: int | None = None


class SiteNotFound(UsageError):
    """publisher was run outside a site: a usage error."""


@dataclass(frozen=True)
class Series:
    slug: str
    folder: Path
    settings: SeriesSettings
    #: The board the series is published for: its own `organisation:`, over site.yml's.
    organisation: Organisation


@dataclass(frozen=True)
class Site:
    """A loaded, valid site: its root folder, settings and series by folder name."""

    root: Path
    settings: SiteSettings
    series: dict[str, Series]
    styles: dict[str, HouseStyle]
    #: Issue files already read with these settings, for `sources` to reuse: by path, series,
    #: time stamp and size.
    read_cache: dict[tuple[Path, str, int, int], Any] = field(default_factory=dict, compare=False,
                                                         repr=False)

    @property
    def issues_folder(self) -> Path:
        return self.root / ISSUES_FOLDER

    @property
    def templates_folder(self) -> Path:
        return self.root / TEMPLATES_FOLDER

    @property
    def styles_folder(self) -> Path:
        return self.root / STYLES_FOLDER

    def shown(self, path: Path) -> str:
        return display_path(path, self.root)

    @property
    def organisation(self) -> Organisation:
        """The site's own organisation: the archive's pages and feeds are published by it."""
        return organisation_of(self.settings, None)

    @functools.cached_property
    def vocabulary(self) -> Vocabulary:
        """The topics site.yml names, for issues and blocks to name theirs from."""
        return Vocabulary(self.settings.topics)


def load_site(root: Path) -> Site:
    """Load and validate `site.yml` and every series' settings under `root`.

    Raises ContentError with every problem found, or SiteNotFound if `root` is no site.
    """
    site, problems = read_site(root)
    if problems:
        raise ContentError(problems)
    return site


def read_site(root: Path) -> tuple[Site, list[Problem]]:
    """The site at `root` with its valid series, and what is wrong with the others.

    Raises ContentError if site.yml itself is wrong: nothing can be built without it.
    """
    root = root.resolve()
    site_file = root / SITE_FILE
    if not site_file.is_file():
        raise SiteNotFound(
            f"no {SITE_FILE} in {root}; run publisher in the folder that holds {SITE_FILE}, "
            "or name that folder with --site")
    problems: list[Problem] = []
    settings, document = _load_settings(SiteSettings, site_file, root, problems)
    if settings is not None and document is not None:
        problems.extend(_organisation_problems(settings.organisation_settings, settings.contacts,
                                               document, (), root))
        problems.extend(vocabulary_problems(settings.topics, document))
    series = {}
    issues_folder = root / ISSUES_FOLDER
    folders = sorted(p for p in issues_folder.glob("*") if p.is_dir())
    for folder in folders:
        if not (folder / SERIES_FILE).is_file():
            continue  # not a series; issues found in it are reported by the issue loader
        if folder.name in RESERVED_SERIES:
            problems.append(Problem(display_path(folder, root), None,
                                    f"a series cannot be called {folder.name!r}, a name the "
                                    "output folder keeps for itself; rename the folder"))
            continue
        unsafe = name_problem(folder.name, "a series folder")
        if unsafe is not None:
            problems.append(Problem(display_path(folder, root), None, unsafe))
            continue
        series_settings, document = _load_settings(SeriesSettings, folder / SERIES_FILE, root,
                                                   problems)
        if series_settings is not None and document is not None and settings is not None:
            problems.extend(_check_style(series_settings, document, root))
            own = series_settings.organisation
            if own is not None:
                problems.extend(_organisation_problems(own, own.contacts, document,
                                                       ("organisation",), root))
            series[folder.name] = Series(folder.name, folder, series_settings,
                                         organisation_of(settings, own))
            problems.extend(_statement_clash(series, folder.name, document, root))
    styles = {name: _load_style(root, name, problems)
              for name in sorted({name for s in series.values()
                                  for name in s.settings.style_names()})}
    if settings is None:
        raise ContentError(problems)
    return Site(root=root, settings=settings, series=series, styles=styles), problems


def _organisation_problems(own: OrganisationSettings, contacts: str | None,
                           document: YamlDocument, where: tuple[str, ...],
                           root: Path) -> list[Problem]:
    """What is wrong with an organisation's logo and contacts block, which the schema cannot
    see: files and blocks of the site. `where` is the section it is written in."""
    problems = []

    def problem(key: str, message: str) -> None:
        location = (*where, key)
        problems.append(Problem(document.path, document.line_of(location),
                                f"{' > '.join(location)}: {message}"))

    if own.logo:
        found = logo_problem(root, own.logo, "logo")
        if found:
            problem("logo", found.removeprefix("logo: "))
    elif own.logo_description:
        problem("logo_description", "describes a logo, and there is none here; add 'logo:' "
                "(an image file in styles/) or remove logo_description")
    if own.accessibility is not None and not (own.accessibility.email
                                              or own.accessibility.phone):
        problem("accessibility", "give the board's 'email:' or 'phone:' (a team's) for "
                "requests for another format, or leave accessibility out to use site.yml's")
    if contacts and contacts not in _block_names(root):
        hint = did_you_mean(contacts, _block_names(root), "'publisher blocks' lists the blocks")
        problem("contacts", f"there is no block {contacts!r}; {hint}")
    return problems


def _block_names(root: Path) -> list[str]:
    """The names of the blocks in the library, from their files (the library itself is read
    after the settings)."""
    return sorted({path.stem for path in (root / BLOCKS_FOLDER).glob("*/*.yml")
                   if not path.name.startswith("_")})


def _statement_clash(series: dict[str, Series], slug: str, document: YamlDocument,
                     root: Path) -> list[Problem]:
    """A board with an accessibility contact of its own has one statement page, named after
    it, so two series whose boards' names give the same page must give the same details."""
    mine = series[slug].organisation
    if not mine.own_statement:
        return []
    for other in series.values():
        theirs = other.organisation
        if other.slug != slug and theirs.statement == mine.statement and \
                theirs.statement_details != mine.statement_details:
            shown = display_path(other.folder / SERIES_FILE, root)
            return [Problem(document.path, document.line_of(("organisation",)),
                            f"organisation: its accessibility statement would be "
                            f"{mine.statement}, as would that of the board of {shown}, whose "
                            "name, website or accessibility contact differ; give the two series "
                            "the same details if they are one board's (or, if they are two "
                            "boards', names that differ in more than capitals and punctuation)")]
    return []


def house_styles(root: Path) -> list[str]:
    """The house styles a site offers: folders with both templates and a stylesheet."""
    styles = root / STYLES_FOLDER
    return sorted(
        folder.name for folder in styles.iterdir()
        if (folder / "style.css").is_file() and (root / TEMPLATES_FOLDER / folder.name).is_dir()
    ) if styles.is_dir() else []


def _load_style(root: Path, name: str, problems: list[Problem]) -> HouseStyle:
    path = root / TEMPLATES_FOLDER / name / STYLE_FILE
    settings = None
    if path.is_file():
        settings, _ = _load_settings(StyleSettings, path, root, problems)
    return HouseStyle(name=name, slots=dict(settings.slots) if settings else {},
                      pages=settings.pages if settings else None)


def _check_style(settings: SeriesSettings, document: YamlDocument, root: Path) -> list[Problem]:
    available = house_styles(root)
    problems = []
    locations = ([("style",)] if settings.style else
                 [("designs", index, "style") for index in range(len(settings.designs or []))])
    for name, location in zip(settings.style_names(), locations, strict=True):
        if name in available:
            continue
        hint = did_you_mean(name, available, f"the styles are: {', '.join(available)}"
                            if available else f"add templates/{name}/ and styles/{name}/style.css")
        problems.append(Problem(document.path, document.line_of(location),
                                f"style: {name!r} is not a house style; {hint}"))
    return problems


def _load_settings(schema: type[SchemaT], path: Path, root: Path,
                   problems: list[Problem]) -> tuple[SchemaT | None, YamlDocument | None]:
    shown = display_path(path, root)
    text, problem = read_text(path, shown, within=root)
    document = None
    if problem is None:
        document, problem = parse_mapping(text or "", shown)
    if problem is not None or document is None:
        if problem is not None:
            problems.append(problem)
        return None, None
    settings, found = validate_document(schema, document)
    problems.extend(found)
    return settings, document
