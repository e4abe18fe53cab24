"""An issue becomes an HTML page: its Markdown body in its series' house-style template."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup

from publisher.config import Site
from publisher.markdown import render_markdown
from publisher.resources import ASSETS_FOLDER
from publisher.sources import Issue
from publisher.templates import make_environment, render_template

ISSUE_TEMPLATE = "issue.html"


@dataclass(frozen=True)
class Page:
    """An issue's HTML, and the place in the output folder it is written to."""

    issue: Issue
    html: str
    path: Path


class PageMaker:
    """Renders issues with one Jinja environment per house style."""

    def __init__(self, site: Site, output_folder: Path):
        self.site = site
        self.output_folder = output_folder
        self._environments: dict[str, jinja2.Environment] = {}

    def page_path(self, issue: Issue) -> Path:
        return self.output_folder / issue.series.slug / f"{issue.slug}.html"

    def render(self, issue: Issue) -> Page:
        style = issue.series.settings.style
        if style not in self._environments:
            self._environments[style] = make_environment(self.site.templates_folder, style)
        path = self.page_path(issue)
        body = render_markdown(issue.body)
        context = {
            "site": self.site.settings,
            "series": issue.series.settings,
            "issue": issue.front,
            "language": issue.language or self.site.settings.language,
            "body": Markup(body.html),
            "sections": body.sections,
            "style": style,
            "assets": Path(os.path.relpath(self.output_folder / ASSETS_FOLDER,
                                           path.parent)).as_posix(),
        }
        html = render_template(self._environments[style], ISSUE_TEMPLATE, context, self.site.root)
        return Page(issue=issue, html=html, path=path)
