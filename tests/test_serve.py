"""`publisher serve`, run for real: the command in a subprocess on a copy of the sample site,
read over HTTP, edited, broken, fixed and stopped as a writer would.

Starting a server costs about a second and a half, so the tests that only read share one.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from watchfiles import Change

from publisher import serve as serve_module
from publisher.serve import (
    NotAnIssue,
    Preview,
    Status,
    decorate,
    file_for,
    source_filter,
    start_page,
)

from conftest import copy_sample_archive

ISSUE = "issues/learning-review/2011-06-issue-1.md"
PAGE = "learning-review/2011-06-issue-1.html"
PDF_LINK = "/_publisher/pdf/learning-review/2011-06-issue-1.pdf"
PANEL = '<section class="publisher-preview-errors"'
SERVING = re.compile(r"^Serving (http://127\.0\.0\.1:(\d+)/\S*) \(drafts included\); "
                     r"press Ctrl-C to stop\.$", re.M)


def wait_for(condition: Callable[[], Any], what: str, timeout: float = 10.0) -> Any:
    """The first true value of `condition()`, tried every 20 ms for `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout} s for {what}")
        time.sleep(0.02)
    return value


@dataclass
class Served:
    """A `publisher serve` process, its output files, and the TMPDIR it was given."""

    process: subprocess.Popen[bytes]
    stdout: Path
    stderr: Path
    tmp: Path
    url: str = ""
    port: int = 0

    def output(self) -> str:
        return self.stdout.read_text(encoding="utf-8")

    def errors(self) -> str:
        return self.stderr.read_text(encoding="utf-8")

    def get(self, path: str) -> tuple[int, Message, bytes]:
        return get(f"http://127.0.0.1:{self.port}{path}")

    def page(self, path: str = "/" + PAGE) -> str:
        status, _, body = self.get(path)
        assert status == 200, body
        return body.decode("utf-8")

    def events(self, page: str) -> Any:
        """The event stream `page` listens to, opened, past its first line."""
        token, generation = generation_of(page)
        stream = urllib.request.urlopen(
            f"http://127.0.0.1:{self.port}/_publisher/events?server={token}"
            f"&generation={generation}", timeout=10)
        assert stream.headers["Content-Type"] == "text/event-stream"
        assert stream.readline() == b"retry: 1000\n"
        return stream

    def temporary_folders(self) -> list[Path]:
        return list(self.tmp.glob("publisher-serve-*"))


def start_serve(site: Path, work: Path, *args: str, port: int = 0,
                ready: bool = True) -> Served:
    """`publisher serve ARGS` on `site`, with its output and TMPDIR in the new folder
    `work`; once `ready`, with the address it printed."""
    tmp = work / "tmp"
    tmp.mkdir(parents=True)
    command = [sys.executable, "-m", "publisher.cli", "--site", str(site), "serve",
               "--port", str(port), *args]
    env = {**os.environ, "TMPDIR": str(tmp), "PYTHONUNBUFFERED": "1"}
    with (work / "stdout.txt").open("wb") as stdout, (work / "stderr.txt").open("wb") as stderr:
        process = subprocess.Popen(command, cwd=site, env=env, stdout=stdout, stderr=stderr)
    served = Served(process, work / "stdout.txt", work / "stderr.txt", tmp)
    if ready:
        found = wait_for(lambda: SERVING.search(served.output()) or process.poll() is not None,
                         "the Serving line")
        assert found is not True, f"serve ended: {served.output()}{served.errors()}"
        served.url, served.port = found.group(1), int(found.group(2))
    return served


def end(served: Served) -> None:
    """Kill the process if a test left it running, so a failure leaves nothing behind."""
    if served.process.poll() is None:
        served.process.kill()
    served.process.wait(timeout=10)


@pytest.fixture
def serve(sample: Path, tmp_path: Path) -> Iterator[Callable[..., Served]]:
    """Start `publisher serve` on this test's copy of the sample site."""
    started: list[Served] = []

    def start(*args: str, port: int = 0, ready: bool = True) -> Served:
        started.append(start_serve(sample, tmp_path / f"serve{len(started)}", *args,
                                   port=port, ready=ready))
        return started[-1]

    yield start
    for served in started:
        end(served)


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """One server for the tests that only read from it."""
    work = tmp_path_factory.mktemp("shared")
    served = start_serve(copy_sample_archive(work / "sample"), work / "serve")
    yield served
    end(served)


def get(url: str, headers: dict[str, str] | None = None) -> tuple[int, Message, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read()


def raw_get(port: int, path: str, host: str | None = None) -> tuple[int, bytes]:
    """A request sent exactly as written: urllib would tidy the path."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": host or f"127.0.0.1:{port}"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def generation_of(page: str) -> tuple[str, int]:
    found = re.search(r'EventSource\("/_publisher/events\?server=(\w+)&generation=(\d+)"\)',
                      page)
    assert found, "no reload script in the page"
    return found.group(1), int(found.group(2))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_it_serves_the_issue_with_a_reload_script_and_a_pdf_link(serve, sample):
    served = serve(ISSUE)
    assert served.url == f"http://127.0.0.1:{served.port}/{PAGE}"
    status, headers, body = served.get("/" + PAGE)
    page = body.decode()
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Where are we now?" in page and "Welcome to the first issue" in page
    generation_of(page)
    assert '<nav class="publisher-preview" lang="en" aria-label="Preview">' in page
    assert f'<a href="{PDF_LINK}">Make the PDF of this issue</a>' in page
    assert PANEL not in page
    # Added to the page as it is sent: the file on disk is as `publisher build` writes it,
    # in a temporary folder; the site's own output folder is not touched.
    [folder] = served.temporary_folders()
    assert "EventSource" not in (folder / PAGE).read_text()
    assert not (sample / "output").exists()
    assert listening_addresses(served.port) == ["127.0.0.1"]


def test_the_archive_and_its_files_are_served_with_their_types(shared):
    assert shared.url == f"http://127.0.0.1:{shared.port}/index.html"
    home = shared.page("/")
    assert "learning-review/2011-06-issue-1.html" in home and "EventSource" in home
    assert 'aria-label="Preview"' not in home  # the toolbar is for an issue's page
    assert shared.get("/learning-review")[2] == shared.get("/learning-review/index.html")[2]
    for path, media_type in [("/assets/base.css", "text/css; charset=utf-8"),
                             ("/assets/fonts/source-sans-3/SourceSans3-Regular.ttf", "font/ttf"),
                             ("/feed.xml", "application/xml")]:
        status, headers, _ = shared.get(path)
        assert (status, headers["Content-Type"]) == (200, media_type), path
    status, headers, body = shared.get("/learning-review/no-such-issue.html")
    assert status == 404 and b"Not found" in body and b"EventSource" in body


def listening_addresses(port: int) -> list[str]:
    """The addresses something listens on at TCP `port`, from /proc/net."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, _, hex_port = local.partition(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.append(socket.inet_ntop(socket.AF_INET, bytes.fromhex(address)[::-1])
                             if len(address) == 8 else address)
    return found


def test_a_saved_source_is_served_again_and_open_pages_are_told(serve, sample):
    served = serve(ISSUE)
    page = served.page()
    _, generation = generation_of(page)
    with served.events(page) as stream:
        saved = time.monotonic()
        edit(sample / ISSUE, "Welcome to the first issue", "Welcome to the edited issue")
        lines = [stream.readline() for _ in range(3)]
    assert lines[:2] == [b"\n", b"event: reload\n"]
    assert int(lines[2].removeprefix(b"data: ")) > generation
    page = wait_for(lambda: "Welcome to the edited issue" in (text := served.page()) and text,
                    "the edited page", timeout=5)
    assert time.monotonic() - saved < 5
    assert generation_of(page)[1] > generation
    assert f"{ISSUE} changed: built 1 issue in" in served.output()
    # A page from an earlier run of the server reloads at once.
    earlier = page.replace(generation_of(page)[0], "0" * 16)
    with served.events(earlier) as stream:
        assert stream.read() == b"\nevent: reload\ndata: %d\n\n" % generation_of(page)[1]
    stops_cleanly(served, signal.SIGTERM)


def test_a_mistake_is_shown_on_every_page_until_it_is_fixed(serve, sample):
    served = serve(ISSUE)
    edit(sample / ISSUE, "number: 1\n", "number: <b>one</b>\n")
    page = wait_for(lambda: PANEL in (text := served.page()) and text, "the error panel")
    assert ("<li><code>issues/learning-review/2011-06-issue-1.md:3: number: "
            "&#x27;&lt;b&gt;one&lt;/b&gt;&#x27; is not a whole number") in page
    assert "The preview could not be built: 1 problem" in page
    assert "Where are we now?" in page  # the last page built, below the panel
    assert PANEL in served.page("/index.html")
    assert PANEL.encode() in served.get("/no-such-page.html")[2]
    assert served.process.poll() is None
    assert "  issues/learning-review/2011-06-issue-1.md:3: number:" in served.output()
    edit(sample / ISSUE, "number: <b>one</b>\n", "number: 1\n")
    wait_for(lambda: PANEL not in served.page(), "the panel to go")
    # An issue renamed: its old page goes.
    (sample / ISSUE).rename(sample / ISSUE.replace("issue-1", "issue-one"))
    wait_for(lambda: served.get("/" + PAGE)[0] == 404, "the old page to go")
    assert "Where are we now?" in served.page("/" + PAGE.replace("issue-1", "issue-one"))


def test_the_email_edition_is_shown_at_600_and_320_pixels(shared):
    briefing = "seven-minute/2024-09-briefing-1"
    assert f'href="/_publisher/email/{briefing}">See the email edition' in \
        shared.page(f"/{briefing}.html")
    page = shared.page(f"/_publisher/email/{briefing}")
    frames = re.findall(r'<iframe src="([^"]+)"[^>]* width="(\d+)"', page)
    assert frames == [("/seven-minute/email/2024-09-briefing-1.html", "600"),
                      ("/seven-minute/email/2024-09-briefing-1.html", "320")]
    email = shared.page(frames[0][0])
    assert "What the 2019 reviews ask of us" in email and "<link" not in email
    assert "See the email edition" not in shared.page("/" + PAGE)
    assert shared.get("/_publisher/email/learning-review/2011-06-issue-1")[0] == 404


def test_the_pdf_link_makes_the_pdf(shared):
    status, headers, body = shared.get(PDF_LINK)
    assert status == 200 and headers["Content-Type"] == "application/pdf"
    assert body.startswith(b"%PDF")
    # The archive's own address of the PDF makes it too; unchanged, it is not made again.
    assert shared.get("/learning-review/2011-06-issue-1.pdf")[2] == body
    assert shared.output().count("Made learning-review/2011-06-issue-1.pdf") == 1
    assert shared.get("/_publisher/pdf/learning-review/no-such-issue.pdf")[0] == 404


def test_it_serves_nothing_outside_its_folder(shared):
    [folder] = shared.temporary_folders()
    (shared.tmp / "secret.txt").write_text("secret")
    (folder / "link-out.txt").symlink_to(shared.tmp / "secret.txt")
    (folder / "site-link").symlink_to(shared.tmp.parent.parent / "sample")
    for path in ["/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt",
                 "/assets/../../secret.txt", "/assets/%2e%2e/%2e%2e/secret.txt",
                 f"/{'..%2f' * 12}etc/passwd", "//etc/passwd", "/link-out.txt",
                 "/site-link/site.yml", "/.publisher/builds.json", "/%00", "/%ff",
                 f"{folder}/index.html", "http://example.org/index.html"]:
        status, body = raw_get(shared.port, path)
        assert status in (400, 403, 404), path
        assert b"secret" not in body and b"organisation:" not in body and b"root:" not in body
    # A web page cannot reach the drafts by pointing a name of its own at this computer.
    status, body = raw_get(shared.port, "/index.html", host=f"attacker.example:{shared.port}")
    assert status == 403 and b"Learning Review" not in body
    assert raw_get(shared.port, "/index.html", host=f"localhost:{shared.port}")[0] == 200


def test_an_address_the_file_system_cannot_look_up_is_not_found_and_too_long_is_414(shared):
    said, complained = shared.output(), shared.errors()
    too_long = ["/" + "a" * 5000, "/" + "a/" * 3000, "/index.html?" + "q" * 5000]
    cannot_be_looked_up = [
        "/" + "a" * 300, "/learning-review/" + "b" * 256 + ".html",  # a name over 255 bytes
        "/" + "c" * 300 + "/index.html", "/index.html/feed.xml",  # a file used as a folder
        "/a%00b", "/%00/index.html", "/_publisher/pdf/" + "d" * 400 + ".pdf",
        "/" + "%e2%80%a8" * 100, "/" + "/".join(["e" * 255] * 15)]
    for path in too_long + cannot_be_looked_up:
        status, body = raw_get(shared.port, path)
        assert status == (414 if path in too_long else 404), path[:60]
        assert b"EventSource" in body  # one of the preview's own pages
    # The standard library refuses a request line over 64 KB before the handler sees it.
    with socket.create_connection(("127.0.0.1", shared.port), timeout=10) as connection:
        connection.sendall(b"GET /" + b"f" * 70_000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert connection.recv(64).startswith(b"HTTP/1.0 414 ")
    # A reload script from a page that says its generation in other figures reloads.
    status, _, body = shared.get("/_publisher/events?server=x&generation=%C2%B2")
    assert status == 200 and b"event: reload" in body
    assert shared.get("/index.html")[0] == 200  # and the preview goes on, quietly
    assert (shared.output(), shared.errors()) == (said, complained)


def test_a_failure_answering_is_a_short_line_and_a_500_page(tmp_path, monkeypatch):
    lines: list[str] = []
    server = serve_module._bind(0)
    server.preview = Preview(tmp_path, tmp_path / "out", lines.append)

    def broken(folder: Path, path: str) -> None:
        raise OSError(36, "File name too long", "/tmp/" + "a" * 5000)

    monkeypatch.setattr(serve_module, "file_for", broken)
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    serving.start()
    try:
        status, body = raw_get(server.port, "/index.html")
    finally:
        server.shutdown()
        serving.join()
        server.server_close()
    assert status == 500 and b"This is a bug in publisher" in body
    [line] = lines
    assert line.startswith("publisher: a request failed (OSError: [Errno 36] File name too long")
    assert len(line) < 300 and line.endswith("this is a bug in publisher, please report it")


def test_ctrl_c_stops_it_cleanly_even_with_a_page_open(serve):
    served = serve(ISSUE)
    with served.events(served.page()):
        stops_cleanly(served, signal.SIGINT)


def stops_cleanly(served: Served, stop: signal.Signals) -> None:
    """`stop` ends the process at once with code 0 and "Stopped.", no traceback, and no
    temporary folder or process of its own left."""
    children = descendants(served.process.pid)
    assert served.temporary_folders()
    sent = time.monotonic()
    served.process.send_signal(stop)
    assert served.process.wait(timeout=5) == 0
    assert time.monotonic() - sent < 3
    assert served.output().endswith("\nStopped.\n")
    assert "Traceback" not in served.errors()
    assert served.temporary_folders() == []
    assert not [pid for pid in children if Path(f"/proc/{pid}").exists()]


def descendants(pid: int) -> set[int]:
    """Every process below `pid`, from /proc."""
    children: dict[int, set[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # ended meanwhile
        children.setdefault(int(fields[1]), set()).add(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        below = children.get(todo.pop(), set())
        found |= below
        todo.extend(below)
    return found


def test_a_port_in_use_is_one_clear_error(serve):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        served = serve(port=port, ready=False)
        assert served.process.wait(timeout=10) == 1
    assert served.errors() == (f"Error: port {port} on 127.0.0.1 is in use by another program; "
                               "try another port with --port, or --port 0 to pick a free one\n")
    assert served.output() == ""
    assert served.temporary_folders() == []


# The parts, in this process.


def test_file_for_refuses_what_is_not_a_file_of_the_folder(tmp_path):
    folder = tmp_path / "out"
    (folder / "series").mkdir(parents=True)
    (folder / "index.html").write_text("home")
    (folder / "series" / "index.html").write_text("series")
    (folder / ".publisher").mkdir()
    (folder / ".publisher" / "builds.json").write_text("{}")
    (tmp_path / "secret.txt").write_text("secret")
    (folder / "out.txt").symlink_to(tmp_path / "secret.txt")
    (folder / "in.html").symlink_to(folder / "index.html")
    real = folder.resolve()
    assert file_for(folder, "/") == real / "index.html"
    assert file_for(folder, "/series") == real / "series" / "index.html"
    assert file_for(folder, "/in.html") == real / "index.html"
    for path in ["/../secret.txt", "/series/../../secret.txt", "/%2e%2e/secret.txt",
                 "/out.txt", "/.publisher/builds.json", "/nothing.html", "series/index.html",
                 "/series\\..\\..\\secret.txt", "/%00", "/%ff", "/" + "a" * 256,
                 "/index.html/x", "/" + "b/" * 3000, "/series/" + "c" * 300 + "/index.html"]:
        assert file_for(folder, path) is None, path[:60]


def test_decorate_puts_the_problems_first_and_the_tools_last():
    page = '<html><head><title>t</title></head><body class="a>b">text</body></html>'
    status = Status(generation=4, problems=("issues/x.md:2: title: '<script>' is wrong",))
    decorated = decorate(page, status, "abc", "series/x")
    assert decorated.index("<style>") < decorated.index("</head>")
    body = decorated.split('<body class="a>b">', 1)[1]
    assert body.startswith(PANEL + ' lang="en" aria-labelledby="publisher-preview-errors">')
    assert "<code>issues/x.md:2: title: &#x27;&lt;script&gt;&#x27; is wrong</code>" in body
    assert "<script>" not in body.split("</section>")[0]
    assert body.index("text") < body.index('aria-label="Preview"') < body.index(
        "/_publisher/events?server=abc&generation=4") < body.index("</body>")
    assert PANEL not in decorate(page, Status(1), "abc")


def test_editors_temporary_files_and_the_output_are_no_reason_to_rebuild(tmp_path):
    keep = source_filter(tmp_path / "out")
    assert keep(Change.modified, str(tmp_path / "issues" / "s" / "a.md"))
    for name in ["out/s/a.html", "issues/s/.a.md.swp", "issues/s/#a.md#", "issues/s/4913",
                 "issues/s/a.md~", "issues/s/a.md.tmp", "issues/s/.~lock.a.md#",
                 "styles/.git/index"]:
        assert not keep(Change.modified, str(tmp_path / name)), name


def test_start_page(sample):
    assert start_page(sample, None) == "/index.html"
    assert start_page(sample, sample / ISSUE) == "/" + PAGE
    assert start_page(sample, sample / "issues" / "learning-review") == \
        "/learning-review/index.html"
    with pytest.raises(NotAnIssue) as refused:
        start_page(sample, sample / "site.yml")
    assert refused.value.exit_code == 2


def test_an_unexpected_failure_is_shown_and_the_preview_goes_on(sample, tmp_path, monkeypatch):
    lines: list[str] = []
    preview = Preview(sample, tmp_path / "out", lines.append)
    good = preview.rebuild()
    assert good.problems == () and "learning-review/2011-06-issue-1" in good.issues

    def broken(*args: object, **options: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(serve_module, "build", broken)
    failed = preview.rebuild("styles/base.css")
    assert failed.internal and failed.problems == ("RuntimeError: a bug",)
    assert failed.issues == good.issues and failed.generation == good.generation + 1
    assert lines[-2:] == ["styles/base.css changed: publisher failed (a bug); shown on the "
                          "page until fixed:", "  RuntimeError: a bug"]


def test_importing_the_server_does_not_import_weasyprint():
    check = "import sys, publisher.serve; sys.exit('weasyprint' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", check], check=False).returncode == 0
