"""A publication stopped anywhere (SIGTERM, kill -9, a crash) leaves the issue as it was, or
a journal the next command puts right; a publish run again makes exactly one edition."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from publisher import publishing as publishing_module
from publisher.cli import cli
from publisher.journal import JOURNAL_FILE
from publisher.output import Stopped

from conftest import make_site

ISSUE = "issues/bulletin/2024-03-issue-7.md"
NOTE = "The duty team's number was wrong."
STOPPED_BEFORE = (f"publisher: the publication of {ISSUE} as edition 2 was stopped before it "
                  "was locked; its file is back as it was before")


@pytest.fixture(scope="module")
def locked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small site with its issue published once (edition 1), built and locked."""
    site = make_site(tmp_path_factory.mktemp("locked") / "site")
    result = CliRunner().invoke(cli, ["--site", str(site), "publish", str(site / ISSUE)])
    assert result.exit_code == 0, result.output
    return site


@pytest.fixture
def site(locked: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(locked, tmp_path / "site", symlinks=True))


def editions(site: Path) -> list[dict]:
    lock = json.loads((site / "archive-lock.json").read_text())
    return lock["issues"][ISSUE]["editions"]


def publishing(site: Path, *args: str) -> subprocess.Popen[str]:
    """`publisher publish` in a process of its own, as a user runs it."""
    return subprocess.Popen([sys.executable, "-m", "publisher.cli", "publish", ISSUE, *args],
                            cwd=site, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def wait_for(condition: Callable[[], bool], process: subprocess.Popen[str]) -> None:
    """Wait until `condition` holds while `process` runs."""
    deadline = time.monotonic() + 60
    while not condition():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_sigterm_during_a_correction_puts_the_file_back(site, monkeypatch):
    source = site / ISSUE
    before = source.read_bytes()
    process = publishing(site, "--correction", NOTE)
    try:
        wait_for(lambda: source.read_bytes() != before, process)  # edited: it is building
        process.send_signal(signal.SIGTERM)
        output, errors = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 143
    assert (output, errors) == ("", "publisher: stopped (SIGTERM); nothing half-written was "
                                    "left\n")
    assert source.read_bytes() == before
    assert len(editions(site)) == 1
    assert not (site / ".publisher").exists()

    monkeypatch.chdir(site)
    result = CliRunner().invoke(cli, ["publish", ISSUE, "--correction", NOTE])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert [edition["correction"] for edition in editions(site)] == [None, NOTE]
    assert source.read_text().count(NOTE) == 1


def test_kill_9_during_a_correction_is_put_right_by_the_next_publish(site, monkeypatch):
    source = site / ISSUE
    before = source.read_bytes()
    process = publishing(site, "--correction", NOTE)
    try:
        wait_for(lambda: source.read_bytes() != before, process)
    finally:
        process.kill()  # SIGKILL: no clean-up at all
        process.communicate()
    edited = source.read_bytes()
    assert NOTE.encode() in edited
    journal = json.loads((site / JOURNAL_FILE).read_text())
    assert (journal["issue"], journal["edition"], journal["correction"]) == (ISSUE, 2, NOTE)
    assert (journal["original"].encode(), journal["edited"].encode()) == (before, edited)
    assert len(editions(site)) == 1

    monkeypatch.chdir(site)
    result = CliRunner().invoke(cli, ["publish", ISSUE, "--correction", NOTE])
    assert result.exit_code == 0, result.output
    assert result.stderr == STOPPED_BEFORE + "\n"
    assert result.stdout.startswith(f"Published {ISSUE} as edition 2 (a corrected edition")
    assert [edition["correction"] for edition in editions(site)] == [None, NOTE]
    assert source.read_text().count(NOTE) == 1
    assert not (site / ".publisher").exists()
    result = CliRunner().invoke(cli, ["verify"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"identical  {ISSUE} (edition 2)")


def crashed(site: Path, edition: int, correction: str | None, original: bytes,
            edited: bytes) -> None:
    """Leave the journal a publish leaves when it is killed."""
    journal = {"format": 1, "issue": ISSUE, "edition": edition, "correction": correction,
               "original": original.decode(), "edited": edited.decode()}
    (site / JOURNAL_FILE).parent.mkdir(exist_ok=True)
    (site / JOURNAL_FILE).write_text(json.dumps(journal))


def test_a_publish_killed_after_locking_is_not_published_twice(site, monkeypatch):
    """Killed between writing the lock and deleting the journal: run again, the same
    publish finds its edition locked, and makes no other."""
    source = site / ISSUE
    published = source.read_bytes()
    crashed(site, 1, None, published.replace(b"status: published", b"status: draft"),
            published)
    monkeypatch.chdir(site)
    result = CliRunner().invoke(cli, ["publish", ISSUE])
    assert result.exit_code == 0, result.output
    assert result.stderr == (f"publisher: the publication of {ISSUE} as edition 1 was stopped "
                             "after it was locked in archive-lock.json: it is published\n")
    assert result.stdout.startswith(f"Published {ISSUE} as edition 1 (the first edition, ")
    assert len(editions(site)) == 1
    assert source.read_bytes() == published
    assert not (site / ".publisher").exists()


def test_a_journal_is_put_right_by_check_build_and_verify_too(site, monkeypatch):
    source = site / ISSUE
    before = source.read_bytes()
    edited = before + b"\nA sentence the correction added.\n"
    monkeypatch.chdir(site)
    for command in (["check"], ["build", "--format", "html"], ["verify"]):
        source.write_bytes(edited)
        crashed(site, 2, NOTE, before, edited)
        result = CliRunner().invoke(cli, command)
        assert result.exit_code == 0, result.output
        assert result.stderr.splitlines()[0] == STOPPED_BEFORE, command
        assert source.read_bytes() == before
        assert not (site / ".publisher").exists()


def test_a_journal_of_a_publish_under_way_is_left_to_it(site, monkeypatch):
    """Another process holds the site's publication lock: a second publish is refused,
    and check leaves the journal (and the file) to the publish that wrote it."""
    source = site / ISSUE
    before = source.read_bytes()
    source.write_bytes(before + b"\nNew.\n")
    crashed(site, 2, NOTE, before, source.read_bytes())
    descriptor = os.open(site / ".publisher/lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        os.write(descriptor, b"4242\n")
        monkeypatch.chdir(site)
        result = CliRunner().invoke(cli, ["check"])
        assert result.exit_code == 0, result.output
        assert result.stderr == ""
        assert (site / JOURNAL_FILE).exists()
        assert source.read_bytes() == before + b"\nNew.\n"
        result = CliRunner().invoke(cli, ["publish", ISSUE, "--correction", NOTE])
        assert result.exit_code == 1
        assert result.stderr == ("Error: another publisher publish is under way in this site "
                                 "(process 4242); wait for it to finish, then run this again\n")
    finally:
        os.close(descriptor)
    result = CliRunner().invoke(cli, ["check"])
    assert result.stderr.splitlines()[0] == STOPPED_BEFORE
    assert source.read_bytes() == before


def test_a_failed_publish_leaves_no_journal(site, monkeypatch):
    source = site / ISSUE
    before = source.read_bytes()
    source.write_bytes(before + b"\nTODO: the ending.\n")
    monkeypatch.chdir(site)
    result = CliRunner().invoke(cli, ["publish", ISSUE, "--correction", NOTE])
    assert result.exit_code == 1
    assert "a draft note ('TODO') is left in a published issue" in result.stderr
    assert source.read_bytes() == before + b"\nTODO: the ending.\n"
    assert not (site / ".publisher").exists()
    assert len(editions(site)) == 1


def test_stopped_just_after_locking_a_correction_is_not_made_twice(site, monkeypatch):
    """SIGTERM as the lock is written: publish stops (143), the edition stays locked, and
    the same publish run again says it is done rather than making a second one."""
    written = publishing_module.write_atomically

    def lock_then_sigterm(path: Path, data: bytes, **options: object) -> None:
        written(path, data, **options)
        if path.name == "archive-lock.json":
            raise Stopped(signal.SIGTERM)

    monkeypatch.setattr(publishing_module, "write_atomically", lock_then_sigterm)
    monkeypatch.chdir(site)
    result = CliRunner().invoke(cli, ["publish", ISSUE, "--correction", NOTE])
    assert result.exit_code == 143
    assert result.stderr == "publisher: stopped (SIGTERM); nothing half-written was left\n"
    assert len(editions(site)) == 2
    assert (site / JOURNAL_FILE).exists()
    corrected = (site / ISSUE).read_bytes()

    monkeypatch.undo()
    monkeypatch.chdir(site)
    result = CliRunner().invoke(cli, ["publish", ISSUE, "--correction", NOTE])
    assert result.exit_code == 0, result.output
    assert result.stderr == (f"publisher: the publication of {ISSUE} as edition 2 was stopped "
                             "after it was locked in archive-lock.json: it is published\n")
    assert result.stdout.startswith(f"Published {ISSUE} as edition 2 (a corrected edition")
    assert [edition["correction"] for edition in editions(site)] == [None, NOTE]
    assert (site / ISSUE).read_bytes() == corrected
    assert not (site / ".publisher").exists()
