"""The Jinja environment: a house style's templates over the shared base layout.

Autoescaping is on and undefined names are errors, so a typo in a template fails the build
instead of printing nothing.
"""

from __future__ import annotations

import functools
import os
import re
import sys
import traceback
from collections.abc import Iterable, MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import jinja2

from publisher.dates import long_date, month_year
from publisher.errors import RenderError, display_path
from publisher.markdown import printable_address
from publisher.resources import ASSETS_FOLDER
from publisher.user_cache import cache_folder
from publisher.yamldoc import outside_folder

if TYPE_CHECKING:
    from publisher.config import Site
    from publisher.organisations import Organisation


class RecordingEnvironment(jinja2.Environment):
    """An environment that notes every template it looks for while `used` is set: the file
    each name was found in, or None for a name it did not find.

    Extends and includes go through `get_template` and `select_template`, so a page's record
    is complete, misses included (a template that appears later changes the page): it is
    what the build fingerprints to know when the page must be made again.
    """

    used: dict[str, str | None] | None = None

    def get_template(self, name: str | jinja2.Template, parent: str | None = None,
                     globals: MutableMapping[str, Any] | None = None) -> jinja2.Template:
        try:
            template = super().get_template(name, parent, globals)
        except jinja2.TemplateNotFound:
            if self.used is not None and isinstance(name, str):
                self.used.setdefault(name, None)
            raise
        if self.used is not None and template.filename:
            self.used[template.name or template.filename] = template.filename
        return template

    def select_template(self, names: Iterable[str | jinja2.Template] | jinja2.Undefined,
                        parent: str | None = None,
                        globals: MutableMapping[str, Any] | None = None) -> jinja2.Template:
        if not isinstance(names, jinja2.Undefined):
            for name in names:
                if isinstance(name, jinja2.Template):
                    return name
                try:
                    return self.get_template(name, parent, globals)
                except jinja2.TemplateNotFound:
                    continue
        return super().select_template(names, parent, globals)


def page_context(site: Site, organisation: Organisation, output_folder: Path,
                 folder: Path) -> dict[str, Any]:
    """What every page's template is given, for a page in `folder` of the output folder
    published by `organisation`: the site's settings and language, the board, links to
    the stylesheets and to the board's accessibility statement (`link(target)` makes one to
    any path in the output folder)."""
    def link(target: str) -> str:
        """A link to `target` (a path in the output folder) from a page in `folder`, every
        character that means something else in an address (a space, '%') written as %XX."""
        return quote(Path(os.path.relpath(output_folder / target, folder)).as_posix())

    return {
        "site": site.settings,
        "organisation": organisation,
        "language": site.settings.language,
        "assets": link(ASSETS_FOLDER),
        "statement": link(organisation.statement),
        "statement_address": site.settings.archive_address + organisation.statement,
        "link": link,
    }


def search_path(templates_folder: Path, style: str | None) -> list[Path]:
    """Where a style's templates are looked for, in order: its own folder, then the shared one."""
    return [*([templates_folder / style] if style else []), templates_folder]


def find_template(templates_folder: Path, style: str | None, name: str) -> Path | None:
    """The file template `name` resolves to for `style`, as the environment would find it."""
    for folder in search_path(templates_folder, style):
        candidate = folder.joinpath(*name.split("/"))
        if candidate.is_file():
            return candidate
    return None


class SiteTemplateLoader(jinja2.FileSystemLoader):
    """Jinja's loader of template files, which reads none from outside the site: a template
    that is a symbolic link to a file elsewhere (or in a folder that is) is refused."""

    def __init__(self, folders: list[Path], site_root: Path):
        super().__init__(folders)
        self.site_root = site_root

    def get_source(self, environment: jinja2.Environment,
                   template: str) -> tuple[str, str, Any]:
        source, filename, uptodate = super().get_source(environment, template)
        outside = outside_folder(Path(filename), self.site_root)
        if outside is not None:
            shown = display_path(Path(os.path.abspath(filename)), self.site_root)
            raise RenderError(outside, path=shown)
        return source, filename, uptodate


def make_environment(templates_folder: Path, style: str | None) -> RecordingEnvironment:
    """An environment that looks in `templates/<style>/` first, then in `templates/`."""
    environment = RecordingEnvironment(
        loader=SiteTemplateLoader(search_path(templates_folder, style), templates_folder.parent),
        bytecode_cache=_bytecode_cache(),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["month_year"] = month_year
    environment.filters["long_date"] = long_date
    environment.filters["url_path"] = quote  # a file's name in a link: spaces as %20
    environment.globals["printable_address"] = printable_address
    return environment


@functools.cache
def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept between runs (keyed by each template's text), if we can write.

    Compiling the templates costs more than rendering an issue's HTML.
    """
    folder = cache_folder(f"jinja-{jinja2.__version__}")
    if folder is None:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


def render_template(environment: jinja2.Environment, name: str, context: dict[str, Any],
                    site_root: Path) -> str:
    """Render template `name`; a broken template becomes a RenderError naming its file and line."""
    try:
        return environment.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as error:
        raise RenderError(f"template error: {error.message}",
                          path=_shown(error.filename, site_root), line=error.lineno) from error
    except jinja2.TemplateNotFound as error:
        raise RenderError(f"template {error.name!r} not found in "
                          f"{_search_path(environment, site_root)}") from error
    except jinja2.UndefinedError as error:
        filename, line = _template_frame(site_root)
        # "'publisher.config.SeriesSettings object' has no ..." reads better without the module.
        message = re.sub(r"'(?:\w+\.)+(\w+) object'", r"'\1'", error.message or "")
        raise RenderError(f"template error: {message}", path=filename, line=line) from error
    except (TypeError, ValueError, AttributeError, KeyError, IndexError) as error:
        # A template that does something its data does not allow: name where, not a traceback.
        filename, line = _template_frame(site_root)
        if filename is None:
            raise
        raise RenderError(f"template error: {type(error).__name__}: {error}", path=filename,
                          line=line) from error


def _shown(filename: str | None, site_root: Path) -> str | None:
    return display_path(Path(filename), site_root) if filename else None


def _search_path(environment: jinja2.Environment, site_root: Path) -> str:
    loader = environment.loader
    folders = getattr(loader, "searchpath", [])
    return " or ".join(display_path(Path(folder), site_root) for folder in folders)


def _template_frame(site_root: Path) -> tuple[str | None, int | None]:
    """The template file and line the current exception was raised in, as Jinja records it."""
    for frame in reversed(traceback.extract_tb(sys.exc_info()[2])):
        if frame.filename.endswith(".html"):
            return _shown(frame.filename, site_root), frame.lineno
    return None, None
