"""The output folder: nothing is written outside it, one build at a time writes to it, and a
full disk, a read-only folder or Ctrl-C leave no half-written file behind."""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from publisher import output as output_module
from publisher.build_mutex import OUTPUT_LOCK_FILE
from publisher.build_record import read_state
from publisher.cli import cli
from publisher.output import (
    InterruptHere,
    OutsideOutputFolder,
    Stopped,
    check_inside,
    interrupts_deferred,
    write_atomically,
)

from conftest import tiny_png, write_issue

ISSUE = "issues/bulletin/2024-03-issue-7.md"


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under `folder` (links as links), by path, with a digest of its content."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            found[path.relative_to(folder).as_posix()] = f"-> {os.readlink(path)}"
        elif path.is_file():
            found[path.relative_to(folder).as_posix()] = hashlib.sha256(
                path.read_bytes()).hexdigest()
    return found


def leftovers(folder: Path) -> list[str]:
    """Temporary files and the lock, which no build may leave behind."""
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*")
                  if path.name.endswith(".tmp") or path.name == OUTPUT_LOCK_FILE.name)


# Only inside the output folder.


def test_a_path_leading_out_with_dot_dot_is_refused(tmp_path):
    folder = tmp_path / "output"
    check_inside(folder / "bulletin" / "2024-03-issue-7.html", folder)
    check_inside(folder / "bulletin" / ".." / "index.html", folder)
    for path in (folder / ".." / "index.html", folder / "bulletin" / ".." / ".." / "x.pdf",
                 tmp_path / "output-other" / "x.html", folder):
        with pytest.raises(OutsideOutputFolder, match="is outside the output folder"):
            check_inside(path, folder)
    with pytest.raises(OutsideOutputFolder):
        write_atomically(folder / ".." / "escaped.html", b"x", within=folder)
    assert not (tmp_path / "escaped.html").exists()


def test_a_link_out_of_the_output_folder_is_not_written_through(tmp_path):
    folder, elsewhere = tmp_path / "output", tmp_path / "elsewhere"
    (folder / "inside").mkdir(parents=True)
    elsewhere.mkdir()
    (folder / "learning-review").symlink_to(elsewhere)
    (folder / "nested").symlink_to(folder / "inside")  # a link that stays inside is fine
    (folder / "inside" / "out").symlink_to(elsewhere)
    with pytest.raises(OutsideOutputFolder) as refused:
        write_atomically(folder / "learning-review" / "index.html", b"x", within=folder)
    assert str(refused.value) == (
        f"cannot write {folder}/learning-review/index.html: {folder}/learning-review is a "
        f"link to {elsewhere}, outside the output folder, and publisher does not write through "
        "it; delete the link, or build into another folder with --output")
    with pytest.raises(OutsideOutputFolder):
        write_atomically(folder / "nested" / "out" / "index.html", b"x", within=folder)
    assert list(elsewhere.iterdir()) == []
    write_atomically(folder / "nested" / "index.html", b"inside", within=folder)
    assert (folder / "inside" / "index.html").read_bytes() == b"inside"
    # A link in the place of the file itself is replaced, not written through.
    (elsewhere / "keep.html").write_bytes(b"kept")
    (folder / "page.html").symlink_to(elsewhere / "keep.html")
    write_atomically(folder / "page.html", b"new", within=folder)
    assert not (folder / "page.html").is_symlink()
    assert (elsewhere / "keep.html").read_bytes() == b"kept"


@pytest.mark.parametrize("link, output_format", [
    ("bulletin", "html"), ("assets", "html"), (".publisher", "html"),
    ("bulletin/archival", "pdf")])
def test_a_build_refuses_a_link_in_the_output_folder_that_leads_out(site, run, tmp_path, link,
                                                                     output_format):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (site / "output" / link).parent.mkdir(parents=True, exist_ok=True)
    (site / "output" / link).symlink_to(elsewhere)
    before = snapshot(site)
    # --force: an output folder without a build record is refused before anything else.
    result = run("build", "--force", "--format", output_format, cwd=site)
    assert result.exit_code == 1
    assert f"output/{link} is a link to {elsewhere}, outside the output folder" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(elsewhere.iterdir()) == []
    assert snapshot(site) == before  # nothing written, anywhere


def test_an_image_outside_the_output_folder_is_not_written(site, run):
    picture = site / "issues" / "bulletin" / "picture.png"
    picture.write_bytes(tiny_png())
    issue = site / ISSUE
    issue.write_text(issue.read_text() + f"\n![A dot]({picture.as_uri()})\n")
    before = snapshot(site)
    result = run("build", "--format", "html", cwd=site)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {ISSUE}: ") or result.stderr.startswith(ISSUE)
    assert "Traceback" not in result.stderr and "went wrong" not in result.stderr
    assert snapshot(site) == before


def test_an_issue_named_with_dots_is_hidden_and_never_written(site, run):
    text = (site / ISSUE).read_text()
    for number, name in ((8, "...md"), (9, "..md")):
        write_issue(site, name, text.replace("number: 7", f"number: {number}")
                    .replace("2024-03-01", f"2024-0{number - 2}-01"))
    result = run("build", "--format", "html", cwd=site)
    assert result.exit_code == 0, result.output  # hidden files, as an editor's, are not issues
    assert "bulletin/2024-03-issue-7.html" in snapshot(site / "output")
    assert not [name for name in snapshot(site / "output") if name.startswith("bulletin/..")]
    assert sorted(path.name for path in site.parent.iterdir()) == ["site"]
    result = run("build", "--format", "html", "issues/bulletin/..md", cwd=site)
    assert result.exit_code == 1
    assert result.stderr.startswith("issues/bulletin/..md: an issue's file cannot start with "
                                    "'.': such names are hidden")


def test_a_series_folder_linked_from_elsewhere_is_refused_not_written_to(site, run, tmp_path):
    shared = tmp_path / "shared-series"
    (site / "issues" / "bulletin").rename(shared)
    (site / "issues" / "bulletin").symlink_to(shared)
    sources = snapshot(shared)
    result = run("build", "--format", "html", cwd=site)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(
        f"issues/bulletin/series.yml: leads outside the site, to {shared}/series.yml, through a "
        "symbolic link; publisher reads only files inside the site's folder")
    assert snapshot(shared) == sources
    assert sorted(path.name for path in tmp_path.iterdir()) == ["shared-series", "site"]


# One build at a time.


def hold_lock(output: Path, process: int) -> int:
    """Lock the output folder as another build would, with its process number."""
    path = output / OUTPUT_LOCK_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT)
    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    os.write(descriptor, f"{process}\n".encode())
    return descriptor


def test_a_second_build_into_the_same_folder_stops_at_once(site, run):
    descriptor = hold_lock(site / "output", 4242)
    try:
        for command in (["build"], ["publish", ISSUE]):
            before = snapshot(site)
            started = time.perf_counter()
            result = run(*command, cwd=site)
            assert result.exit_code == 1
            assert result.stderr == (
                "Error: another publisher build is writing to output (process 4242); wait for "
                "it to finish, or build into another folder with --output\n")
            assert time.perf_counter() - started < 5
            assert snapshot(site) == before  # publish did not mark the issue published
    finally:
        os.close(descriptor)
    assert run("build", "--format", "html", cwd=site).exit_code == 0
    assert leftovers(site / "output") == []  # the lock goes with the build
    assert run("publish", ISSUE, cwd=site).exit_code == 0  # it holds the lock, then builds


def test_a_lock_left_by_a_build_that_died_is_no_obstacle(site, run):
    lock = site / "output" / OUTPUT_LOCK_FILE
    lock.parent.mkdir(parents=True)
    lock.write_text("999999\n")  # its process is gone, and with it the lock
    result = run("build", "--format", "html", cwd=site)
    assert result.exit_code == 0, result.output
    assert not lock.exists()


def test_ctrl_c_stops_a_build_and_a_concurrent_build_is_refused(sample):
    """A real build in another process: a second build is refused while it runs; Ctrl-C
    (to the whole process group, as a terminal sends it) stops it and its workers."""
    command = [sys.executable, "-m", "publisher.cli", "build", "--jobs", "2"]
    first = subprocess.Popen(command, cwd=sample, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert first.stdout is not None
        assert first.stdout.readline().startswith("rendered ")  # it is rendering now
        second = subprocess.run(command, cwd=sample, capture_output=True, text=True,
                                timeout=120)
        assert second.returncode == 1
        assert second.stderr == (
            f"Error: another publisher build is writing to output (process {first.pid}); "
            "wait for it to finish, or build into another folder with --output\n")
        os.killpg(first.pid, signal.SIGINT)
        _, errors = first.communicate(timeout=60)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
            first.wait()
    assert first.returncode == 130
    assert errors == "publisher: interrupted; nothing half-written was left\n"
    output = sample / "output"
    assert not output.exists() or leftovers(output) == []
    # Stopped while rendering, it wrote nothing; while writing, it finished first.
    for record in read_state(output).records.values():
        assert record.intact(output, ("html", "pdf"))


# A full disk, a read-only folder, an interruption while writing.


def fail_replacing(monkeypatch: pytest.MonkeyPatch, ending: str, error: BaseException) -> None:
    """Make the rename into place of a file whose name ends with `ending` fail."""
    replace = os.replace

    def failing(source: str, target: str) -> None:
        if str(target).endswith(ending):
            raise error
        replace(source, target)

    monkeypatch.setattr(output_module.os, "replace", failing)


@pytest.mark.parametrize("number, said", [
    (errno.ENOSPC, "the disk is full; free some space and run it again"),
    (errno.EROFS, "the output folder is read-only; make it writable"),
    (errno.EACCES, "the output folder is read-only; make it writable")])
def test_a_full_disk_or_a_read_only_folder_is_one_clear_line(site, run, monkeypatch, number,
                                                               said):
    fail_replacing(monkeypatch, ".html", OSError(number, os.strerror(number)))
    result = run("build", "--format", "html", cwd=site)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: cannot write output/bulletin/2024-03-issue-7.html: {said}, or build into "
        "another folder with --output\n")
    assert leftovers(site / "output") == []
    assert read_state(site / "output").records == {}  # it records nothing


def test_a_disk_that_fills_while_writing_leaves_no_temporary_file(site, run, monkeypatch):
    opened = os.fdopen
    output = site / "output"

    class Full:
        """A file in the output folder that takes no more than 1000 bytes at once."""

        def __init__(self, descriptor: int, *args: object, **options: object):
            self.ours = Path(os.readlink(f"/proc/self/fd/{descriptor}")).is_relative_to(output)
            self.file = opened(descriptor, *args, **options)  # type: ignore[call-overload]

        def __getattr__(self, name: str) -> object:
            return getattr(self.file, name)

        def __enter__(self) -> Full:
            return self

        def __exit__(self, *exception: object) -> None:
            self.file.close()

        def write(self, data: bytes) -> int:
            if self.ours and len(data) > 1000:
                raise OSError(errno.ENOSPC, "No space left on device")
            return int(self.file.write(data))

    monkeypatch.setattr(output_module.os, "fdopen", Full)
    result = run("build", "--format", "html", cwd=site)
    assert result.exit_code == 1
    assert ": the disk is full; free some space and run it again" in result.stderr
    assert leftovers(output) == []
    assert read_state(output).records == {}


def test_ctrl_c_between_writes_records_nothing_it_did_not_write(site, run, monkeypatch):
    fail_replacing(monkeypatch, ".html", KeyboardInterrupt())
    result = run("build", "--format", "html", cwd=site)
    assert result.exit_code == 130
    assert result.stderr == "publisher: interrupted; nothing half-written was left\n"
    assert leftovers(site / "output") == []
    assert read_state(site / "output").records == {}
    monkeypatch.undo()
    assert run("build", "--format", "html", cwd=site).exit_code == 0  # and the next one builds


def test_ctrl_c_while_writing_waits_for_the_writing_to_finish():
    done = []
    with pytest.raises(KeyboardInterrupt), interrupts_deferred():
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)  # the handler runs here, and only notes it
        done.append("written")
    assert done == ["written"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    with pytest.raises(KeyboardInterrupt), interrupts_deferred():  # a second one: at once
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.05)
        done.append("never")
    assert done == ["written"]


@pytest.fixture
def sigterm_and_sighup_raise():
    """SIGTERM and SIGHUP handled here as `publisher` handles them (see `stop_on_signals`)."""
    previous = {number: signal.signal(number, InterruptHere())
                for number in (signal.SIGTERM, signal.SIGHUP)}
    yield
    for number, handler in previous.items():
        signal.signal(number, handler)


def test_sigterm_and_sighup_interrupt_as_ctrl_c_does(sigterm_and_sighup_raise):
    for number, name in ((signal.SIGTERM, "SIGTERM"), (signal.SIGHUP, "SIGHUP")):
        with pytest.raises(Stopped) as stopped:
            os.kill(os.getpid(), number)
            time.sleep(0.05)
        assert (stopped.value.number, stopped.value.name) == (number, name)
        assert isinstance(stopped.value, KeyboardInterrupt)  # what lets Ctrl-C through


def test_sigterm_while_writing_waits_for_the_writing_to_finish(sigterm_and_sighup_raise):
    done = []
    with pytest.raises(Stopped) as stopped, interrupts_deferred():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.05)
        done.append("written")
    assert done == ["written"]
    assert stopped.value.number == signal.SIGTERM
    assert isinstance(signal.getsignal(signal.SIGTERM), InterruptHere)


def children(pid: int) -> set[int]:
    """The processes whose parent is `pid`, from /proc."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rpartition(")")[2].split()[1]) == pid:
                found.add(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue  # ended meanwhile
    return found


@pytest.mark.parametrize("to_group", [True, False], ids=["to its group", "to publisher"])
def test_sigterm_stops_a_build_and_its_workers_quietly(site, to_group):
    """As a service manager stops a process group, or `kill` one process: the build stops
    with 143 and one line, its workers end without a traceback, nothing half-written."""
    write_issue(site, "2024-06-issue-8.md", (site / ISSUE).read_text().replace(
        "number: 7", "number: 8").replace("2024-03-01", "2024-06-01").replace(
        "next_issue: 2024-06-01", "next_issue: 2024-09-01"))
    command = [sys.executable, "-m", "publisher.cli", "build", "--jobs", "2"]
    build = subprocess.Popen(command, cwd=site, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while len(workers := children(build.pid)) < 2:  # both rendering
            assert build.poll() is None and time.monotonic() < deadline, build.communicate()
            time.sleep(0.005)
        if to_group:
            os.killpg(build.pid, signal.SIGTERM)
        else:
            build.send_signal(signal.SIGTERM)
        _, errors = build.communicate(timeout=60)
    finally:
        if build.poll() is None:
            os.killpg(build.pid, signal.SIGKILL)
            build.wait()
    assert build.returncode == 143
    assert errors == "publisher: stopped (SIGTERM); nothing half-written was left\n"
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()]
    output = site / "output"
    assert not output.exists() or leftovers(output) == []


def test_an_unwritable_output_folder_is_named(site, run, tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    result = CliRunner().invoke(cli, ["--site", str(site), "build", "--format", "html",
                                      "--output", str(blocked / "output")])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: cannot write {blocked}/output/.publisher/lock: ")
    assert "Traceback" not in result.stderr


def test_a_folder_of_other_files_is_built_into_only_when_forced(site, run, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "notes.txt").write_text("mine\n")
    result = run("build", "--format", "html", "--output", str(home), cwd=site)
    assert result.exit_code == 2
    assert "already holds files that publisher did not write" in result.stderr
    assert sorted(path.name for path in home.iterdir()) == ["notes.txt"]
    assert run("build", "--format", "html", "--output", str(home), "--force",
               cwd=site).exit_code == 0
    assert (home / "notes.txt").read_text() == "mine\n"
    # From then on it is publisher's folder, with its record: no --force needed.
    assert run("build", "--format", "html", "--output", str(home), cwd=site).exit_code == 0


def test_files_publisher_recorded_outside_the_output_folder_are_never_touched(site, run,
                                                                             tmp_path):
    # A damaged record of the site's files or of the search index naming /x or //x (a
    # path that is absolute too): ignored, so the build goes on and leaves the file alone.
    result = run("build", "--format", "html", cwd=site)
    assert result.exit_code == 0, result.output
    victim = tmp_path / "victim.html"
    victim.write_text("someone else's")
    digest = "sha256:" + hashlib.sha256(victim.read_bytes()).hexdigest()
    listing = site / "output/.publisher/site-files.json"
    data = json.loads(listing.read_text())
    data["files"].update({f"/{victim}": digest, f"/{victim}".replace("/", "//", 1): digest})
    listing.write_text(json.dumps(data))
    index = site / "output/pagefind/publisher-index.json"
    data = json.loads(index.read_text())
    data["files"].append(f"/{victim}")
    index.write_text(json.dumps(data))
    result = run("build", "--format", "html", "--force", cwd=site)
    assert result.exit_code == 0, result.output
    assert victim.read_text() == "someone else's"
