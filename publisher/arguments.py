"""What is given on the command line, checked before any command uses it: a path that must
be in the site's issues folder, a date, a block's name, text that goes into an issue's file.
Each refusal is a `UsageError` naming the argument or option at fault (exit code 2).
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path

from publisher.blocks import BlockLibrary
from publisher.characters import control_message, first_control
from publisher.config import BLOCKS_FOLDER, ISSUES_FOLDER, Series, Site, read_site
from publisher.errors import ContentError, PublisherError, UsageError
from publisher.validation import did_you_mean, parse_iso_date


def refuse_folders_of_no_series(found: list[Path], site_root: Path,
                                 given: tuple[Path, ...]) -> None:
    """A usage error for a folder given to check that holds no issues of its own and is not
    in the site's issues/ folder (the site's folder, blocks/, an empty folder): say what to
    give instead, with the site's series folders. The issues/ folder itself is every
    series; a folder inside it is reported by the check, as an unknown series or a
    subfolder of one."""
    folders = [(path, shown) for path, shown in zip(found, given, strict=True) if path.is_dir()]
    if not folders:
        return
    try:
        site, _ = read_site(site_root)
    except (ContentError, PublisherError):
        return  # the check says what is wrong with the site itself
    issues = site.issues_folder.resolve()
    for path, shown in folders:
        resolved = path.resolve()
        if resolved == issues or resolved.is_relative_to(issues) or \
                not resolved.is_relative_to(site.root.resolve()):
            continue  # every series; or not this site's, which issue_path says
        what = ("is the site's folder, not" if resolved == site.root.resolve() else
                "is the block library, not" if resolved == (site.root / BLOCKS_FOLDER).resolve()
                else "is an empty folder, not" if not any(resolved.iterdir()) else "is not")
        series = [site.shown(one.folder) for one in site.series.values()]
        listed = (f"a series folder ({' or '.join(sorted(series))})" if series else
                  "a series folder (there is none yet: add issues/<series>/series.yml)")
        raise UsageError(
            f"{str(shown)!r} {what} a series folder; give {listed} or an issue's "
            ".md file, or no PATHS to check the whole site, blocks included",
            option="PATHS")


def is_utf8(text: str) -> bool:
    """Whether `text` can be written as UTF-8: a byte the terminal sent that is not (from a
    Latin-1 terminal, say) reaches Python as a lone surrogate, which cannot."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def known_block(library: BlockLibrary, name: str) -> None:
    if name not in library.blocks:
        raise UsageError(f"there is no block {name!r}{library.suggest(name)}",
                                 option="NAME")


def refuse_control_characters(text: str | None, option: str) -> None:
    """Text given on the command line goes into an issue's file: no control characters."""
    found = first_control(text or "")
    if found is not None:
        raise UsageError(f"{control_message(found[0])}", option=option)


def date_option(text: str, option: str = "--as-of") -> datetime.date:
    try:
        return parse_iso_date(text)
    except ValueError as error:
        raise UsageError(str(error), option=option) from None


def issue_path(path: Path, site_root: Path, hint: str = "ISSUES",
                   must_exist: bool = True) -> Path:
    """An ISSUE argument, taken from the current folder or else from the site folder, that
    is in the site's issues folder (an issue of another site would be read as this one's
    and silently left out). With `must_exist` False, a path that is not there is taken
    as given, if it would be in the issues folder."""
    candidates = list(dict.fromkeys([path, site_root / path]))
    existing = [candidate for candidate in candidates if candidate.exists()]
    if not existing and must_exist:
        where = "" if site_root == Path(".") else f" or in the site folder {site_root}"
        raise UsageError(f"{str(path)!r} does not exist here{where}", option=hint)
    issues = site_root / ISSUES_FOLDER
    for candidate in existing or candidates:
        if _within(candidate, issues):
            return candidate
    in_site = any(_within(candidate, site_root) for candidate in existing or candidates)
    advice = ("name an issue's .md file or a series folder in it" if in_site else
              "run publisher in its own site folder, or name that folder with --site")
    raise UsageError(f"{str(path)!r} is not in this site's issues folder "
                             f"({issues.resolve()}); {advice}", option=hint)


def _within(path: Path, folder: Path) -> bool:
    """Whether `path` is `folder` or inside it, as written (`..` taken away) or with
    symbolic links followed."""
    written = Path(os.path.abspath(path)).is_relative_to(os.path.abspath(folder))
    return written or path.resolve().is_relative_to(folder.resolve())


def series_named(site: Site, name: str) -> Series:
    """The SERIES argument: the series called `name`, or at the folder `name`."""
    slug = Path(name.rstrip("/")).name
    if slug in site.series:
        return site.series[slug]
    hint = did_you_mean(slug, sorted(site.series),
                        "the series are: " + (", ".join(sorted(site.series)) or "none yet"))
    raise UsageError(f"there is no series {name!r}; {hint}", option="SERIES")
