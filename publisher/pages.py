"""An issue becomes an HTML page: its blocks laid out by their partials, its Markdown body,
all in its series' house-style template."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from publisher.blocks import (
    PARTIALS_FOLDER,
    FieldSpec,
    PlacedBlock,
    block_anchors,
    find_slot_places,
    issue_topics,
)
from publisher.config import Site
from publisher.errors import RenderError
from publisher.markdown import EmbeddedBlock, render_fragment, render_inline, render_markdown
from publisher.sources import Issue
from publisher.templates import (
    RecordingEnvironment,
    make_environment,
    page_context,
    render_template,
)

ISSUE_TEMPLATE = "issue.html"
BLOCK_TEMPLATE = f"{PARTIALS_FOLDER}/_block.html"


@dataclass(frozen=True)
class Page:
    """An issue's HTML, and the place in the output folder it is written to."""

    issue: Issue
    html: str
    path: Path
    images: list[str]
    #: Each template the page looked for, by its name, and the file it came from (None if
    #: there was none).
    templates: dict[str, Path | None]
    #: The most pages its house style lets it take in print (`pages:` in the style's
    #: style.yml), or None for no limit.
    pages: int | None = None
    #: What its template was given, for any other template an output format renders.
    context: dict[str, Any] = field(default_factory=dict, repr=False)


class PageMaker:
    """Renders issues with one Jinja environment per house style."""

    def __init__(self, site: Site, output_folder: Path):
        self.site = site
        self.output_folder = output_folder
        self._environments: dict[str, RecordingEnvironment] = {}

    def page_path(self, issue: Issue) -> Path:
        return self.output_folder / issue.series.slug / f"{issue.slug}.html"

    def render(self, issue: Issue, placed: Sequence[PlacedBlock] = ()) -> Page:
        """The page of `issue`, with its resolved blocks in the body and the layout's slots."""
        style = issue.style
        environment = self._environment(style)
        environment.used = {}
        try:
            return self._render(issue, placed, environment)
        finally:
            environment.used = None

    def _render(self, issue: Issue, placed: Sequence[PlacedBlock],
                environment: RecordingEnvironment) -> Page:
        style = issue.style
        embedded, slots = [], {name: Markup("") for name in self.site.styles[style].slots}
        for block, anchor in zip(placed, block_anchors(placed), strict=True):
            html = self._render_block(environment, block, anchor)
            if block.placement.slot is None:
                embedded.append(EmbeddedBlock(line=block.placement.text, html=html,
                                              anchor=anchor if block.heading else None,
                                              title=block.heading,
                                              source_line=block.placement.line))
            else:
                slots[block.placement.slot] += Markup(html)
        for place in find_slot_places(issue.body, issue.body_line):
            if place.slot in slots:  # stood where the author put it, not at the layout's place
                html = f'<div class="slot slot--{place.slot}">\n{slots[place.slot]}\n</div>'
                embedded.append(EmbeddedBlock(line=place.text, html=html,
                                              source_line=place.line))
                slots[place.slot] = Markup("")
        path = self.page_path(issue)
        organisation = issue.series.organisation
        body = render_markdown(issue.body, embedded)
        for lost in body.unplaced:
            raise RenderError(f"{lost.line}: this block cannot be shown here; a block is placed "
                              "by a line of its own in the body, between blank lines, not inside "
                              "HTML, a list or a quotation", path=issue.shown,
                              line=lost.source_line)
        context = {
            **page_context(self.site, organisation, self.output_folder, path.parent),
            "series": issue.series.settings,
            "issue": issue.front,
            "language": issue.language or self.site.settings.language,
            "body": Markup(body.html),
            "sections": body.sections,
            "topics": issue_topics(self.site.vocabulary, issue, placed),
            "slots": slots,
            "style": style,
        }
        html = render_template(environment, ISSUE_TEMPLATE, context, self.site.root)
        templates = {name: Path(file) if file else None
                     for name, file in sorted((environment.used or {}).items())}
        return Page(issue=issue, html=html, path=path, images=body.images, templates=templates,
                    pages=self.site.styles[style].pages, context=context)

    def render_more(self, page: Page, name: str, context: dict[str, Any]) -> str:
        """Template `name` of the page's house style, given the page's context and
        `context`; recorded with the page's templates, so its fingerprint has it."""
        environment = self._environment(page.issue.style)
        environment.used = {}
        try:
            return render_template(environment, name, {**page.context, **context},
                                   self.site.root)
        finally:
            page.templates.update({used: Path(file) if file else None
                                   for used, file in sorted((environment.used or {}).items())})
            environment.used = None

    def _environment(self, style: str) -> RecordingEnvironment:
        if style not in self._environments:
            self._environments[style] = make_environment(self.site.templates_folder, style)
        return self._environments[style]

    def _render_block(self, environment: jinja2.Environment, placed: PlacedBlock,
                      anchor: str) -> str:
        context = {
            "kind": placed.block.kind.name,
            "name": placed.block.name,
            "heading": placed.heading,
            "anchor": anchor,
            "compact": placed.placement.compact,
            "block": _rendered_fields(placed.version.values, placed.block.kind.spec.fields),
        }
        return render_template(environment, BLOCK_TEMPLATE, context, self.site.root).strip()


def _rendered_fields(values: dict[str, Any], fields: dict[str, FieldSpec]) -> dict[str, Any]:
    """A version's values with its Markdown fields turned into HTML, as the kind declares."""
    return {name: _rendered_value(values.get(name), spec) for name, spec in fields.items()}


def _rendered_value(value: Any, spec: FieldSpec) -> Any:
    if value is None:
        return None
    if spec.type == "group":
        return _rendered_fields(value, spec.fields or {})
    if spec.type == "list":
        item = spec.item_spec()
        return [_rendered_value(entry, item) for entry in value]
    if spec.type == "markdown":
        return Markup(render_fragment(value))
    if spec.type == "inline":
        return Markup(render_inline(value))
    return value
