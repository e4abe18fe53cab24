"""The registry of output formats (publisher/formats.py): a format registered from outside
the package is built, fingerprinted, recorded in the build record and the lock, and
verified, with no edit to the build, lock or verify code; and publish renders an issue once."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from publisher import formats
from publisher.formats import FORMATS, Made, OutputFormat, register
from publisher.pages import PageMaker

ISSUE = "issues/bulletin/2024-03-issue-7.md"


class PlainText(OutputFormat):
    """A toy format: the issue's text, without its markup, through a template of its own."""

    name, described, choice = "text", "the plain text", "html"

    def own_file(self, series: str, slug: str) -> str:
        return f"{series}/{slug}.txt"

    def files(self, made: Made, output_folder: Path) -> list[tuple[Path, bytes]]:
        words = " ".join(re.sub(r"<[^>]+>", " ", made.page.html).split())
        text = made.template("plain.txt", title=made.page.issue.front.title, words=words)
        return [(self.own_path(output_folder, made.page.issue), text.encode("utf-8"))]

    def text(self, data: bytes) -> list[str]:
        words = " ".join(data.decode("utf-8").split())
        return ["sha256:" + hashlib.sha256(words.encode()).hexdigest()]


@pytest.fixture
def plain_text():
    saved = list(FORMATS)
    register(PlainText())
    yield
    FORMATS[:] = saved


def test_a_registered_format_is_built_recorded_locked_and_verified(site, run, plain_text):
    template = site / "templates/plain.txt"
    template.write_text("{{ title }}\n\n{{ words }}\n")
    issue = site / ISSUE
    issue.write_text(issue.read_text().replace("status: published", "status: draft"))

    assert run("build", cwd=site).exit_code == 0
    written = (site / "output/bulletin/2024-03-issue-7.txt").read_text()
    assert written.startswith("Seeing the child\n\n")
    record = json.loads((site / "output/.publisher/builds.json").read_text())
    assert "text" in json.dumps(record)

    assert "up to date" in run("build", "--verbose", cwd=site).stdout
    template.write_text("Plain text: {{ title }}\n\n{{ words }}\n")
    rebuilt = run("build", "--verbose", cwd=site)
    assert "up to date" not in rebuilt.stdout, "the format's template is in the fingerprint"
    assert (site / "output/bulletin/2024-03-issue-7.txt").read_text().startswith("Plain text:")

    assert run("publish", ISSUE, cwd=site).exit_code == 0
    [edition] = json.loads((site / "archive-lock.json").read_text())["issues"][ISSUE]["editions"]
    assert edition["outputs"]["text"]["file"] == "bulletin/2024-03-issue-7.txt"
    assert "template plain.txt" in edition["inputs"]
    verified = run("verify", cwd=site)
    assert verified.stdout.startswith("identical"), verified.output

    template.write_text("Text only: {{ title }}\n\n{{ words }}\n")
    verified = run("verify", cwd=site)
    assert verified.exit_code == 1
    assert verified.stdout.splitlines()[1:3] == [
        "           the text of the plain text differs",
        "           inputs that moved: template plain.txt (changed)"]


def test_publish_renders_the_issue_once(site, run, monkeypatch):
    issue = site / ISSUE
    issue.write_text(issue.read_text().replace("status: published", "status: draft"))
    calls = []
    render = PageMaker.render

    def counted(self, *args, **kwargs):
        calls.append(args[0].shown)
        return render(self, *args, **kwargs)

    monkeypatch.setattr(PageMaker, "render", counted)
    result = run("publish", ISSUE, cwd=site)
    assert result.exit_code == 0, result.output
    assert calls == [ISSUE]


def test_the_formats_are_the_registry():
    assert [output_format.name for output_format in formats.FORMATS] == ["pdf", "archival",
                                                                         "html", "email"]
