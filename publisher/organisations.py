"""Who publishes an issue: the site's organisation (site.yml), or its series' own.

One site may publish for several partner boards. A series names its board in an
`organisation:` section of its series.yml; each key it leaves out is site.yml's. The
resolved `Organisation` is what the templates show: the name in the masthead, the running
head, the colophon and the PDF's author; the website; the logo; and the accessibility
statement the issues link to. A board with an accessibility contact of its own gets a
statement page of its own, `accessibility-<name>.html`, giving that contact.

Logos, the board's and its partners', are image files in `styles/`, so one copy serves
every issue (the build copies `styles/` to the output's assets).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from pydantic import Field

from publisher.limits import IMAGE_SUFFIXES, image_problems
from publisher.resources import STATEMENT_PAGE
from publisher.validation import Schema, Text, WebAddress

if TYPE_CHECKING:
    from publisher.config import SiteSettings

#: The folder logos are named from.
LOGO_FOLDER = "styles"
#: How long the name part of a board's statement page may be (the page's name stays short).
_SLUG_LENGTH = 60


class AccessibilityContact(Schema):
    """`organisation: accessibility:` in series.yml: where the board's readers ask for an
    issue in another format. Its other details (the formats, how soon a reply comes) are
    site.yml's."""

    email: Text | None = Field(None, description="A team or role address (not a person's) "
                               "to ask for another format or report a problem.",
                               json_schema_extra={"example": "communications@example.gov.uk"})
    phone: Text | None = Field(None, description="A team or switchboard number for the same.",
                               json_schema_extra={"example": "01572 000 000"})


class OrganisationSettings(Schema):
    """`organisation:` in series.yml: the board the series is published for, when it is not
    the site's. Every key is optional; what it leaves out is site.yml's."""

    KEY_HINTS: ClassVar[dict[str, str]] = {
        "colours": "a series' brand colours are set by 'colours:' at the top of series.yml, "
                   "not under organisation:; move it there, without the indent",
        "organisation": "the board's name here is 'name:'",
    }

    name: Text | None = Field(None, description="The board's name: in the masthead, the "
                              "running head, the colophon, and the PDF's author.",
                              json_schema_extra={"example": "Rutland Safeguarding Partnership"})
    website: WebAddress | None = Field(
        None, description="The board's website address, in the colophon.",
        json_schema_extra={"example": "https://www.example.org.uk/"})
    logo: Text | None = Field(None, description="The board's logo: an image file in styles/, "
                              "shown in the masthead of the series' issues.",
                              json_schema_extra={"example": "logos/rutland.svg"})
    logo_description: Text | None = Field(
        None, description="What the logo shows, for people who cannot see it; leave it out "
        "if the logo only spells the board's name, which the masthead prints beside it "
        "(the logo is then decorative).")
    accessibility: AccessibilityContact | None = Field(
        None, description="The board's own contact for requests for another format: its "
        "issues link to an accessibility statement giving it. Without it, site.yml's.")
    contacts: Text | None = Field(
        None, description="The block of the board's contacts that 'publisher new' places in "
        "a new issue where the series' starter says {{ contacts }}.",
        json_schema_extra={"example": "rutland-contacts"})


@dataclass(frozen=True)
class Organisation:
    """The board an issue is published for, with site.yml's values where its series' own
    `organisation:` says nothing."""

    name: str
    website: str
    logo: str | None
    #: The logo's alternative text: "" for a decorative logo.
    logo_description: str
    email: str | None
    phone: str | None
    #: The block 'publisher new' places for `{{ contacts }}` in a starter, or None.
    contacts: str | None
    #: The accessibility statement's page, in the output folder.
    statement: str

    @property
    def statement_details(self) -> tuple[str | None, ...]:
        """What the board's statement page says of it (its masthead shows the logo of the
        first of its series, by title)."""
        return (self.name, self.website, self.email, self.phone)

    @property
    def own_statement(self) -> bool:
        """Whether the board has a statement page of its own (an accessibility contact of its
        own), rather than the site's."""
        return self.statement != STATEMENT_PAGE


def organisation_of(site: SiteSettings, own: OrganisationSettings | None) -> Organisation:
    """The organisation of a series whose series.yml says `own` (None: the site's)."""
    own = own or OrganisationSettings.model_validate({})
    name = own.name or site.organisation
    contact = own.accessibility
    return Organisation(
        name=name,
        website=own.website or site.website,
        logo=own.logo or site.logo,
        logo_description=(own.logo_description if own.logo else site.logo_description) or "",
        email=contact.email if contact else site.accessibility.email,
        phone=contact.phone if contact else site.accessibility.phone,
        contacts=own.contacts or site.contacts,
        statement=statement_page(name) if contact else STATEMENT_PAGE,
    )


def statement_page(name: str) -> str:
    """The statement page of a board with its own accessibility contact, named after the
    board (`accessibility-rutland-safeguarding-partnership.html`), so that its address
    depends on nothing but the board's own settings."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:_SLUG_LENGTH].strip("-")
    if not slug:  # a name in a script without Latin letters
        slug = "board-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]
    return f"accessibility-{slug}.html"


def logo_problem(root: Path, logo: str, key: str) -> str | None:
    """Why `logo` (a file named from styles/) cannot be a logo, as `key: what is wrong;
    what to do`, or None. The image itself is read, as a page's images are, so a logo that
    is not the image its name says is found before anything is laid out."""
    styles = (root / LOGO_FOLDER).resolve()
    path = root / LOGO_FOLDER / logo
    shown = f"{LOGO_FOLDER}/{logo}"
    if not path.resolve().is_relative_to(styles):
        return (f"{key}: {shown} is outside the styles folder; put the image in styles/ and "
                "name it from there, e.g. logos/board.svg")
    if not path.is_file():
        return (f"{key}: there is no {shown}; put the image in the styles folder or correct "
                "the name")
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        return (f"{key}: {shown} is not an image publisher can use; a logo is a PNG, JPEG, "
                "GIF, WebP or SVG file")
    found = image_problems(path.resolve(), shown, root.resolve(), named=path)
    return f"{key}: {found[0]}" if found else None
