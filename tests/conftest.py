"""Fixtures: a small site built in a temporary folder, the CLI runner, and PDF readers."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import struct
import tempfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from publisher.cli import cli

PROJECT = Path(__file__).resolve().parent.parent
SITES = Path(__file__).resolve().parent / "sites"


def make_site(target: Path, name: str = "minimal") -> Path:
    """Copy fixture site `name` to `target`, with the project's own templates, styles and
    kinds of block (the product), around the fixture's own content."""
    shutil.copytree(SITES / name, target)
    shutil.copytree(PROJECT / "templates", target / "templates")
    shutil.copytree(PROJECT / "styles", target / "styles")
    for kind in (PROJECT / "blocks").glob("*/_kind.yml"):
        (target / "blocks" / kind.parent.name).mkdir(parents=True, exist_ok=True)
        shutil.copy(kind, target / "blocks" / kind.parent.name / kind.name)
    return target


def copy_sample_archive(target: Path) -> Path:
    """A copy of the project's own site: the sample issues, blocks, styles and archive lock."""
    target.mkdir(parents=True)
    for name in ("site.yml", "archive-lock.json", "issues", "blocks", "templates", "styles"):
        source = PROJECT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy(source, target / name)
    return target


def built_sample_pages(target: Path) -> Path:
    """The output folder of an HTML build of a copy of the sample archive made in `target`."""
    site = copy_sample_archive(target)
    output = site / "output"
    result = CliRunner().invoke(cli, ["--site", str(site), "build", "--format", "html",
                                      "--output", str(output), "-q"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return output


#: The folder where tests leave lines to show at the end of the run, whatever its outcome,
#: under a title each (tests/test_accessibility.py reports each page's axe-core violations
#: there). A folder, not a dictionary, as the tests may run in several worker processes
#: (pytest-xdist: scripts/test runs them with -n auto); the workers inherit its name.
SUMMARY_VARIABLE = "PUBLISHER_TEST_SUMMARY"


def pytest_configure(config: pytest.Config) -> None:
    if SUMMARY_VARIABLE not in os.environ:  # the first process: the workers have it
        os.environ[SUMMARY_VARIABLE] = tempfile.mkdtemp(prefix="publisher-test-summary-")
        warm_font_cache()


def warm_font_cache() -> None:
    """Make the web fonts of the project's styles once, before any test builds a page: the
    first build on a fresh machine would make them (about a second each, see
    publisher/web_assets.py), and a test that waits a few seconds for a page would fail."""
    from concurrent.futures import ProcessPoolExecutor

    from publisher.web_assets import LATIN, MORE, cached_woff2

    fonts = [(font, part) for font in sorted((PROJECT / "styles").rglob("*.ttf"))
             for part in (LATIN, MORE)]
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        list(pool.map(cached_woff2, *zip(*fonts, strict=True)))


def summary(title: str, lines: list[str]) -> None:
    """Show `lines` under `title` at the end of the run."""
    folder = Path(os.environ[SUMMARY_VARIABLE])
    name = hashlib.sha256(title.encode()).hexdigest()[:16]
    (folder / f"{name}.json").write_text(json.dumps([title, lines]))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if hasattr(terminalreporter.config, "workerinput"):
        return  # a worker: the first process shows every worker's
    folder = Path(os.environ[SUMMARY_VARIABLE])
    for path in sorted(folder.glob("*.json"), key=lambda path: path.stat().st_mtime):
        title, lines = json.loads(path.read_text())
        terminalreporter.section(title)
        for line in lines:
            terminalreporter.write_line(line)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    return copy_sample_archive(tmp_path / "sample")


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path / "site")


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run `publisher ARGS...` in the site folder given as `cwd`."""

    def invoke(*args: str, cwd: Path) -> Result:
        monkeypatch.chdir(cwd)
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)

    return invoke


ISSUE_HEAD = """---
title: Seeing the child
number: 7
date: 2024-03-01
status: published
summary: What recent reviews say.
---
"""


def write_issue(site: Path, name: str, text: str, series: str = "bulletin") -> Path:
    path = site / "issues" / series / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def tiny_png() -> bytes:
    """A 1 x 1 black PNG, made here so the tests need no image library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b""))


GALLERY = PROJECT / "issues" / "gallery"


def gallery_in_every_style(site: Path) -> dict[str, Path]:
    """Add to `site` a series for each house style of the project holding a copy of the
    component gallery (issues/gallery), but for the style of the gallery the site has
    already; the gallery issue in each style, by style."""
    from publisher.config import house_styles

    issue = next(GALLERY.glob("[!_]*.md"))
    own = site / "issues" / "gallery" / "series.yml"
    has = re.search(r"(?m)^style: (.*)$", own.read_text())[1] if own.is_file() else None
    made = {}
    for style in house_styles(PROJECT):
        if style == has:
            made[style] = own.parent / issue.name
            continue
        folder = site / "issues" / f"gallery-{style}"
        shutil.copytree(GALLERY, folder, dirs_exist_ok=True)
        settings = (folder / "series.yml").read_text()
        (folder / "series.yml").write_text(re.sub(r"(?m)^style: .*$", f"style: {style}",
                                                  settings))
        made[style] = folder / issue.name
    return made


def only_published(site: Path) -> Path:
    """`site` without its draft issues (the component gallery, say) and the series left with
    none: for tests that count the published samples."""
    for issue in site.glob("issues/*/[!_]*.md"):
        if re.search(r"(?m)^status: draft\b", issue.read_text(encoding="utf-8")):
            issue.unlink()
    for series in site.glob("issues/*/"):
        if not list(series.glob("[!_]*.md")):
            shutil.rmtree(series)
    return site
