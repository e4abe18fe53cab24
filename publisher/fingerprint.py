"""What an issue's files are made from: every input it used, each with a digest.

A fingerprint is a flat map from an input's label to a digest of it:

- a site file, by its path from the site root (the issue, a block kind's `_kind.yml`, each
  stylesheet, font and image the page loads): `sha256:...`;
- `site.yml` and the issue's `series.yml`: `settings sha256:...` of the settings that shape
  the issue (a comment, a later design, or a setting only other issues show leaves it alone:
  site.yml's organisation where the series names its own board, a board's contact, which
  only its statement page shows);
- `block NAME`: the version the issue shows, `from DATE sha256:...` (its content, so pinning
  the version that was shown gives the same digest again);
- `template NAME`: the file the name resolved to in the issue's style, and its digest;
- `software NAME`: the version of publisher, WeasyPrint and the packages that shape the bytes;
- `system NAME`: the version of each system library that does (Pango, HarfBuzz, FreeType,
  fontconfig), and which subsetter subsets the fonts (see `system_layer`);
- `topics`: the names of the topics the issue is about (its own and its blocks'), if any;
- `pdf copies`: the PDF variant of the web copy, and of the archival copy if there is one;
- `remote ADDRESS`: an https:// image fetched with `build --allow-remote`, by its bytes (an
  issue with one is built again every time: what the address gives can change).

Two builds with the same fingerprint make the same bytes. The build compares fingerprints
to skip issues that have not changed, and the archive lock keeps one per published edition.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from publisher import __version__
from publisher.blocks import Block, PlacedBlock, Version, issue_topics
from publisher.config import SERIES_FILE, SITE_FILE, PdfVariant, Site
from publisher.errors import display_path
from publisher.sources import Issue
from publisher.system_layer import SYSTEM, system_libraries
from publisher.templates import find_template
from publisher.variants import PdfCopies, pdf_copies

BLOCK = "block "
TEMPLATE = "template "
SOFTWARE = "software "
MISSING = "missing"
PDF_COPIES = "pdf copies"
REMOTE = "remote "
TOPICS = "topics"
#: The prefixes of the labels of the software layer: what a build runs with, rather than what
#: an issue is made from, Python packages and the system's libraries. Moving one may change
#: the bytes and keep the text (a WeasyPrint upgrade, a missing HarfBuzz-subset).
SOFTWARE_LAYER: tuple[str, ...] = (SOFTWARE, SYSTEM)
#: The software whose version can change the bytes of an issue's files.
SOFTWARE_PACKAGES = ("weasyprint", "pydyf", "tinycss2", "cssselect2", "tinyhtml5", "fonttools",
                     "pillow", "pyphen", "markdown", "jinja2")
#: Settings that never reach an issue's files (the statement page alone shows accessibility;
#: only 'publisher new' reads contacts).
_SITE_SETTINGS_NOT_SHOWN = frozenset({"output", "silence", "accessibility", "contacts", "smtp",
                                      "topics"})
#: The keys of site.yml a series' own `organisation:` stands in for, by its key there: its
#: issues never show site.yml's value then. (site.yml's website is still the archive's
#: address unless archive_url says otherwise: see `_site_keys_replaced`.)
_REPLACED_BY_ORGANISATION = {"name": ("organisation",), "logo": ("logo", "logo_description"),
                             "website": ("website",)}
#: A version or as-of pin inside a placement; pins choose a version, whose content counts.
_PIN = re.compile(r"\s*\|\s*(?:version|as\s+of)\s*:[^|\]\n,]*", re.IGNORECASE)


@dataclass(frozen=True)
class Fingerprint:
    """Labels of the inputs an issue used, each with its digest."""

    inputs: Mapping[str, str]

    def moved(self, other: Fingerprint) -> list[str]:
        """The labels whose digests differ between the two, or that only one has, sorted."""
        labels = set(self.inputs) | set(other.inputs)
        return sorted(label for label in labels
                      if self.inputs.get(label) != other.inputs.get(label))

    def describe_move(self, label: str, now: Fingerprint) -> str:
        """`label` and how it moved from this fingerprint to `now`, in words."""
        before, after = self.inputs.get(label), now.inputs.get(label)
        if label == TOPICS:  # names, not digests: say which
            return f"{label} (were {_names(before)}, now {_names(after)})"
        if before is None:
            return f"{label} (new)"
        if after is None or after == MISSING:
            return f"{label} (gone)"
        if is_software_layer(label) or label == PDF_COPIES:
            return f"{label} ({before} → {after})"
        if label.startswith(BLOCK):
            return f"{label} (was the version {_short(before)}, now {_short(after)})"
        return f"{label} (changed)"

    def without_software(self) -> Fingerprint:
        """The inputs of the issue itself: those of the software layer left out."""
        return Fingerprint({label: digest for label, digest in self.inputs.items()
                            if not is_software_layer(label)})

    def software_moved(self, other: Fingerprint) -> list[str]:
        """The labels of the software layer that moved between the two, sorted."""
        return [label for label in self.moved(other) if is_software_layer(label)]

    def as_json(self) -> dict[str, str]:
        return dict(sorted(self.inputs.items()))

    @classmethod
    def from_json(cls, data: Any) -> Fingerprint:
        """The fingerprint in `data`; raises ValueError unless it maps text to text."""
        if not isinstance(data, dict) or not all(isinstance(digest, str)
                                                 for digest in data.values()):
            raise ValueError("a fingerprint is a map of input to digest")
        return cls(dict(data))


class InputReader:
    """Digests of a site's inputs; each file is read once however many issues use it.

    `pdf_variant`, if given, is the variant of every web copy, whatever the series says.
    """

    def __init__(self, site: Site, pdf_variant: PdfVariant | None = None):
        self.site = site
        self.pdf_variant = pdf_variant
        self._root = site.root.resolve()
        self._digests: dict[Path, str] = {}
        self._labels: dict[Path, str] = {}
        self._templates: dict[tuple[str, str], Path | None] = {}
        self._settings: dict[str, str] = {}
        #: site.yml's digest, by the keys left out (those the issue's series replaces).
        self._site_digests: dict[frozenset[str], str] = {}

    def file(self, path: Path) -> str:
        """The digest of the file at `path`, or MISSING."""
        if path not in self._digests:
            try:
                self._digests[path] = digest_bytes(path.read_bytes())
            except OSError:
                self._digests[path] = MISSING
        return self._digests[path]

    def label(self, path: Path) -> str:
        """The path as inputs are labelled: from the site root."""
        if path not in self._labels:
            self._labels[path] = display_path(path, self._root)
        return self._labels[path]

    def before_rendering(self, issue: Issue, placed: Iterable[PlacedBlock]) -> dict[str, str]:
        """The inputs known without rendering: the issue, its settings, its blocks, software."""
        inputs = {
            self.label(issue.source): digest_bytes(_without_pins(issue, placed).encode("utf-8")),
            SITE_FILE: self._site_settings(issue),
            self.label(issue.series.folder / SERIES_FILE): self._series_settings(issue),
            PDF_COPIES: self.copies(issue).describe(),
        }
        shown: dict[str, set[str]] = {}
        for block in placed:  # a block placed twice may show two versions
            digest = block_digest(block.block, block.version)
            shown.setdefault(block.block.name, set()).add(digest)
            inputs[self.label(block.block.kind.source)] = self.file(block.block.kind.source)
        for name, digests in shown.items():
            inputs[BLOCK + name] = " + ".join(sorted(digests))
        topics = issue_topics(self.site.vocabulary, issue, placed)
        if topics:  # their names as site.yml spells them, which the page shows
            inputs[TOPICS] = ", ".join(topic.name for topic in topics)
        inputs.update(software_versions())
        return inputs

    def copies(self, issue: Issue) -> PdfCopies:
        """The PDF copies `issue` gets, and their variants."""
        return pdf_copies(issue, self.pdf_variant)

    def made(self, issue: Issue, placed: Iterable[PlacedBlock],
             templates: Mapping[str, Path | None], linked: Iterable[Path],
             remote: Mapping[str, bytes] | None = None) -> Fingerprint:
        """The fingerprint of a rendered issue: the `templates` it looked for (name to file,
        None if not found), the site files its page `linked` and the `remote` images it
        fetched (address to bytes)."""
        inputs = self.before_rendering(issue, placed)
        for name, file in templates.items():
            inputs[TEMPLATE + name] = self._template_digest(file)
        for path in linked:
            inputs[self.label(path)] = self.file(path)
        for address, data in (remote or {}).items():
            inputs[REMOTE + address] = digest_bytes(data)
        return Fingerprint(inputs)

    def now(self, issue: Issue, placed: Iterable[PlacedBlock], before: Fingerprint) -> Fingerprint:
        """The fingerprint `issue` would have if made now, given the one it had `before`.

        The templates and files `before` lists are read again; if none moved, the page would
        use the same ones, so this equals the fingerprint a new rendering would record.
        """
        inputs = self.before_rendering(issue, placed)
        for label in before.inputs:
            if label in inputs or label.startswith((BLOCK, *SOFTWARE_LAYER)):
                continue
            if label.startswith(REMOTE):  # not known without fetching it: build again
                inputs[label] = MISSING
                continue
            if label.startswith(TEMPLATE):
                file = self._template(issue.style, label.removeprefix(TEMPLATE))
                inputs[label] = self._template_digest(file)
            else:
                inputs[label] = self.file(self.site.root / label)
        return Fingerprint(inputs)

    def _site_settings(self, issue: Issue) -> str:
        """The settings site.yml gives that shape `issue` (not its comments or layout; a
        setting a later publisher adds, left at its default, leaves the digest alone; nor
        what the issue's series' own organisation replaces)."""
        exclude = _SITE_SETTINGS_NOT_SHOWN | self._site_keys_replaced(issue)
        if exclude not in self._site_digests:
            shown = self.site.settings.model_dump(mode="json", exclude_unset=True,
                                                  exclude=set(exclude))
            self._site_digests[exclude] = _settings_digest(shown)
        return self._site_digests[exclude]

    def _site_keys_replaced(self, issue: Issue) -> frozenset[str]:
        """The keys of site.yml that `issue` does not use, as its series' own organisation
        gives them instead."""
        own = issue.series.settings.organisation
        if own is None:
            return frozenset()
        replaced = {site_key for key, site_keys in _REPLACED_BY_ORGANISATION.items()
                    if getattr(own, key) is not None for site_key in site_keys}
        if self.site.settings.archive_url is None:
            replaced.discard("website")  # it is the archive's address, in links and the PDF
        return frozenset(replaced)

    def _series_settings(self, issue: Issue) -> str:
        """The series' settings as they shape `issue`: with the design of its date, so adding
        a later design leaves earlier issues alone; the organisation's accessibility contact
        as the statement page it leads to, and without its contacts block (read only by
        'publisher new')."""
        # email: shapes only the issues that get an email edition, not those archived before.
        emailed = issue.series.settings.emails_on(issue.front.date)
        key = f"{issue.series.slug} {issue.style} {emailed}"
        if key not in self._settings:
            hidden = {"designs", "style"} | (set() if emailed else {"email"})
            shown = issue.series.settings.model_dump(mode="json", exclude_unset=True,
                                                     exclude=hidden)
            if "organisation" in shown:
                shown["organisation"] = _organisation_shown(issue, shown["organisation"])
            self._settings[key] = _settings_digest({**shown, "style": issue.style})
        return self._settings[key]

    def _template_digest(self, file: Path | None) -> str:
        return f"{self.label(file)} {self.file(file)}" if file is not None else MISSING

    def _template(self, style: str, name: str) -> Path | None:
        if (style, name) not in self._templates:
            self._templates[style, name] = find_template(self.site.templates_folder, style, name)
        return self._templates[style, name]


def is_software_layer(label: str) -> bool:
    """Whether the input `label` is part of the software or system a build runs with."""
    return label.startswith(SOFTWARE_LAYER)


def block_digest(block: Block, version: Version) -> str:
    """A block version's fingerprint: its date and a digest of its title and content."""
    # A block's topics reach its issues' pages; a block without them keeps its old digest.
    content = json.dumps([block.title, version.values, *([list(block.topics)] if block.topics
                                                         else [])], sort_keys=True, default=str)
    return f"from {version.effective.isoformat()} {digest_bytes(content.encode())}"


@functools.cache
def software_versions() -> dict[str, str]:
    """The version of publisher, of each package and of each system library that shapes
    the output's bytes."""
    versions = {SOFTWARE + "publisher": __version__, **system_libraries()}
    for package in SOFTWARE_PACKAGES:
        try:
            versions[SOFTWARE + package] = _version(package)
        except metadata.PackageNotFoundError:
            versions[SOFTWARE + package] = MISSING
    return versions


def _version(package: str) -> str:
    """`metadata.version(package)`, found among the headers at the top of its METADATA:
    parsing the whole file as email took a millisecond a package, in every build."""
    distribution = metadata.distribution(package)
    for line in (distribution.read_text("METADATA") or "").splitlines():
        if not line:
            break  # the headers end: the description follows
        if line.startswith("Version:"):
            return line.removeprefix("Version:").strip()
    return distribution.version  # PKG-INFO, or an unusual METADATA


def digest_bytes(data: bytes) -> str:
    """The digest fingerprints and records use: `sha256:` and the hexadecimal hash."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _organisation_shown(issue: Issue, settings: dict[str, Any]) -> dict[str, Any]:
    """A series' `organisation:` as it reaches its issues: the contact itself is shown only
    on the statement page, so a new phone number leaves published issues alone, while the
    page the issues link to counts."""
    shown = {key: value for key, value in settings.items()
             if key not in ("accessibility", "contacts")}
    if "accessibility" in settings:
        shown["statement"] = issue.series.organisation.statement
    return shown


def _settings_digest(settings: dict[str, Any]) -> str:
    return "settings " + digest_bytes(json.dumps(settings, sort_keys=True).encode("utf-8"))


def _names(topics: str | None) -> str:
    return f"'{topics}'" if topics else "none"


def _short(digest: str) -> str:
    """`from 2011-04-01 sha256:abcdef...` as `from 2011-04-01 (abcdef12)`."""
    words = digest.split()
    if words and words[-1].startswith("sha256:"):
        words[-1] = f"({words[-1].removeprefix('sha256:')[:8]})"
    return " ".join(words)


def _without_pins(issue: Issue, placed: Iterable[PlacedBlock]) -> str:
    """The issue's file with its version pins taken out of the lines that place blocks.

    What a pin chooses is fingerprinted as the block's content; the pin itself changes
    nothing on the page, so pinning the version a published issue showed keeps it unchanged.
    """
    text = issue.text
    pinned = {block.placement.line for block in placed
              if block.placement.version is not None or block.placement.as_of is not None}
    if not pinned:
        return text
    lines = text.split("\n")
    for line in pinned:
        if 0 < line <= len(lines):
            lines[line - 1] = _PIN.sub("", lines[line - 1])
    return "\n".join(lines)
