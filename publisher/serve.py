"""`publisher serve`: a preview of the site in a browser, built again and reloaded on save.

How it fits together:

* A `Preview` builds the site's HTML, drafts included, with `build()` into a temporary
  folder outside the site, so the site's own output folder is never touched. `build()`
  renders only the issues whose inputs changed, so a rebuild after a save costs little
  more than the issues the save touched.
* Two watcher threads (watchfiles) watch the sources: `issues/`, `blocks/`, `templates/`
  and `styles/` with their subfolders, and the site folder without them, for `site.yml`.
  (A file watched on its own is lost when an editor saves it by renaming a new copy over
  it, and watching the whole site folder would watch `output/`, `.git` and `.venv` too.)
  Each batch of changes rebuilds. A lock keeps builds, these and the PDFs made on
  request, one at a time, so they never write the temporary folder at once.
* Every build, good or bad, is a new *generation*. Each HTML page is sent with a script
  that listens to `/_publisher/events` (server-sent events) and reloads the page when the
  generation moves on; an issue's page also gets a toolbar with a link that makes its PDF.
  Both are added to the HTML as it is sent: the files on disk stay as `build` wrote them.
* A failed build keeps the last good pages, and every HTML page served then opens with a
  panel listing each problem (`file:line: message`): the writer sees what to fix where
  they are looking, and the page reloads by itself once it is fixed. Nothing a build
  raises stops the preview.
* The standard library's HTTP server (a daemon thread per request) listens on 127.0.0.1
  only, answers only requests addressed to 127.0.0.1 or localhost (so a web page cannot
  read the drafts by DNS rebinding), and hands out only files inside the temporary folder.
* SIGINT and SIGTERM only note that they came; the main thread sees the note within a
  tenth of a second and stops, in order: the watchers and the event streams (woken, so an
  open page never holds the server up), the server, a build under way; then it deletes
  the temporary folder.
"""

from __future__ import annotations

import errno
import html
import re
import secrets
import shutil
import signal
import socketserver
import sys
import tempfile
import threading
import time
import webbrowser
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import Any, cast
from urllib.parse import parse_qs, quote, unquote

from watchfiles import Change, DefaultFilter, watch

from publisher.build import BuildOptions, BuildReport, build
from publisher.config import ISSUES_FOLDER, SITE_FILE, SOURCE_FOLDERS, read_site
from publisher.errors import ContentError, PublisherError, UsageError, display_path
from publisher.formats import chosen
from publisher.plan import record_key
from publisher.resources import MEDIA_TYPES

Echo = Callable[[str], None]

HOST = "127.0.0.1"
INDEX_PAGE = "index.html"
EVENTS_PATH = "/_publisher/events"
PDF_PATH = "/_publisher/pdf/"
EMAIL_PATH = "/_publisher/email/"
#: How often an idle event stream says it is still there, which also finds closed tabs.
HEARTBEAT_SECONDS = 15.0
#: How long stopping waits for a build under way (a PDF can take a few seconds).
BUILD_WAIT_SECONDS = 10.0
#: The longest request target (path and query) answered: Linux's PATH_MAX, so no longer
#: address can name a file. Longer ones get 414; the standard library already refuses a
#: request line over 64 KB the same way, before the handler sees it.
MAX_TARGET_BYTES = 4096
#: How much of an error a terminal line about a failed request shows: a hostile address
#: could otherwise fill the screen with one file name.
MAX_ERROR_CHARS = 200

CONTENT_TYPES = {
    **MEDIA_TYPES,
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".pdf": "application/pdf",
    ".xml": "application/xml",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".ico": "image/vnd.microsoft.icon",
}


class NotAnIssue(UsageError):
    """ISSUE names no issue or series of the site: a usage error."""


def serve(site_root: Path, start: Path | None = None, *, port: int = 8000,
          open_browser: bool = False, echo: Echo = print) -> None:
    """Preview the site at `site_root` on http://127.0.0.1:`port`/ until SIGINT or SIGTERM.

    Opens with the page of `start` (an issue's file or a series folder), if given. Raises
    PublisherError before serving anything if the port cannot be had; once serving, a
    source's mistakes are shown on the page and never end the preview.
    """
    _refuse_outside_a_site(site_root)
    first_page = start_page(site_root, start)
    server = _bind(port)
    try:
        folder = Path(tempfile.mkdtemp(prefix="publisher-serve-"))
        try:
            preview = Preview(site_root.resolve(), folder, echo)
            server.preview = preview
            _run(server, preview, first_page, open_browser)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    finally:
        server.server_close()
    echo("Stopped.")


def start_page(site_root: Path, start: Path | None) -> str:
    """The address of the first page: `start`'s issue page or series index, or the home page."""
    if start is None:
        return "/" + INDEX_PAGE
    issues = (site_root / ISSUES_FOLDER).resolve()
    path = start.resolve()
    parts = path.relative_to(issues).parts if path.is_relative_to(issues) else None
    if parts == () or (parts and len(parts) == 1 and path.is_dir()):
        return "/" + "".join(quote(part) + "/" for part in parts) + INDEX_PAGE
    if parts and len(parts) == 2 and path.suffix == ".md" and path.is_file():
        return f"/{quote(parts[0])}/{quote(path.stem)}.html"
    raise NotAnIssue(f"{start} is not an issue of this site; name an issue's .md file in "
                     f"{ISSUES_FOLDER}/<series>/, or a series folder")


def _refuse_outside_a_site(site_root: Path) -> None:
    """Stop at once outside a site, with the words every command uses, rather than serve an
    error page about it."""
    if not (site_root / SITE_FILE).is_file():
        read_site(site_root)  # raises SiteNotFound


@dataclass(frozen=True)
class Status:
    """What the latest build left: its generation, its problems, and the issues built.

    Replaced whole, never changed, so a request thread reads one consistent status.
    """

    generation: int = 0
    #: Each problem as `file:line: message`; empty when the build worked.
    problems: tuple[str, ...] = ()
    #: Whether the problems are publisher's own failure rather than mistakes in sources.
    internal: bool = False
    #: The source of each issue the preview has a page for, by `<series>/<issue>`.
    issues: Mapping[str, Path] = field(default_factory=dict)


class Preview:
    """The temporary output folder and what was last built into it, kept up to date."""

    def __init__(self, site_root: Path, output_folder: Path, echo: Echo):
        self.site_root = site_root
        self.output_folder = output_folder
        self.echo = echo
        #: Tells pages from an earlier run of `serve` (their generations mean nothing now).
        self.token = secrets.token_hex(8)
        self.stopping = threading.Event()
        self.status = Status()
        self._build_lock = threading.Lock()
        self._changed = threading.Condition()
        #: Pages as the build makes them, drafts listed; a PDF only when asked for.
        self.options = BuildOptions(chosen("html") | chosen("email"), output_folder,
                                    drafts=True)

    def rebuild(self, reason: str | None = None) -> Status:
        """Build the HTML again and start a new generation. A failure becomes the status's
        problems, to be shown on the page, instead of being raised."""
        started = time.perf_counter()
        report: BuildReport | None = None
        with self._build_lock:
            if self.stopping.is_set():
                return self.status
            try:
                report = build(self.site_root, None, self.options)
            except PublisherError as error:
                status = self._publish(problem_lines(error))
            except Exception as error:  # publisher's own bug: shown, and the preview goes on
                status = self._publish((f"{type(error).__name__}: {error}",), internal=True)
            else:
                status = self._publish((), issues=_issue_sources(report))
        self._tell(status, report, time.perf_counter() - started, reason)
        return status

    def make_pdf(self, key: str) -> bytes:
        """The PDF of issue `key` (`<series>/<issue>`), built now if its inputs changed.

        Raises PublisherError for a mistake in the sources or an unknown issue.
        """
        source = self.status.issues.get(key)
        if source is None:
            raise PublisherError(f"there is no issue {key} in the preview")
        started = time.perf_counter()
        with self._build_lock:
            if self.stopping.is_set():
                raise PublisherError("the preview is stopping")
            report = build(self.site_root, [source],
                           replace(self.options, formats=chosen("pdf")))
            data = (self.output_folder / f"{key}.pdf").read_bytes()
        for built in report.built:
            for warning in built.warnings:
                self.echo(f"{built.issue.shown}: warning: {warning.message}")
            self.echo(f"Made {key}.pdf in {time.perf_counter() - started:.2f} s.")
        return data

    def wait_for_change(self, seen: int, timeout: float) -> int:
        """The generation once it is no longer `seen`, or after `timeout` seconds, or at once
        when the preview stops."""
        with self._changed:
            self._changed.wait_for(
                lambda: self.status.generation != seen or self.stopping.is_set(), timeout)
            return self.status.generation

    def stop(self) -> None:
        """Stop the watchers and wake every event stream, so nothing holds the server up."""
        self.stopping.set()
        with self._changed:
            self._changed.notify_all()

    def wait_for_builds(self, timeout: float) -> None:
        """Let a build under way finish before its folder is deleted (no new one starts once
        `stop` was called)."""
        if self._build_lock.acquire(timeout=timeout):
            self._build_lock.release()

    def start_watching(self) -> list[threading.Thread]:
        """Watch the source folders, and `site.yml` through the site folder, in threads."""
        folders = [self.site_root / name for name in SOURCE_FOLDERS
                   if (self.site_root / name).is_dir()]
        watches: list[tuple[list[Path], bool, Callable[[Change, str], bool]]] = [
            ([self.site_root], False, _is_site_file)]
        if folders:
            watches.append((folders, True, source_filter(self.output_folder)))
        threads = [threading.Thread(target=self._watch, args=watched, daemon=True,
                                    name="publisher-serve-watch") for watched in watches]
        for thread in threads:
            thread.start()
        return threads

    def _watch(self, paths: list[Path], recursive: bool,
               keep: Callable[[Change, str], bool]) -> None:
        try:
            for changes in watch(*paths, watch_filter=keep, stop_event=self.stopping,
                                 recursive=recursive, step=50, raise_interrupt=False):
                self.rebuild(self._describe(changes))
        except Exception as error:  # e.g. the system's limit of watched folders
            self.echo(f"publisher: stopped watching for changes ({type(error).__name__}: "
                      f"{error}); stop the preview with Ctrl-C and start it again")

    def _describe(self, changes: set[tuple[Change, str]]) -> str:
        """The files changed, for the terminal: not an editor's file made and gone at once."""
        lasting = {path for _, path in changes
                   if Path(path).exists() or (Change.added, path) not in changes}
        names = sorted(display_path(Path(path), self.site_root)
                       for path in lasting or {path for _, path in changes})
        return names[0] + (f" and {len(names) - 1} more" if len(names) > 1 else "")

    def _publish(self, problems: tuple[str, ...], internal: bool = False,
                 issues: Mapping[str, Path] | None = None) -> Status:
        """Start the next generation, keeping the issues of the last good build on failure,
        and wake the event streams."""
        with self._changed:
            last = self.status
            self.status = Status(last.generation + 1, problems, internal,
                                 last.issues if issues is None else issues)
            self._changed.notify_all()
            return self.status

    def _tell(self, status: Status, report: BuildReport | None, seconds: float,
              reason: str | None) -> None:
        """One line on the terminal for each build, and each problem after a failure."""
        when = f"{reason} changed: " if reason else ""
        if report is None:
            what = ("publisher failed (a bug)" if status.internal
                    else "the preview could not be built")
            self.echo(f"{when}{what}; shown on the page until fixed:")
            for line in status.problems:
                self.echo(f"  {line}")
            return
        count = len(report.built)
        done = f"{count} issue{'s' if count != 1 else ''} in {seconds:.2f} s"
        if not reason:
            self.echo(f"Built {done} (HTML).")
        else:
            self.echo(f"{when}built {done}." if count else
                      f"{when}every issue was up to date ({seconds:.2f} s).")


def _issue_sources(report: BuildReport) -> dict[str, Path]:
    issues = [*(built.issue for built in report.built), *report.unchanged]
    return {record_key(issue): issue.source for issue in issues}


def problem_lines(error: PublisherError) -> tuple[str, ...]:
    """Each problem in `error` as `file:line: message`."""
    if isinstance(error, ContentError):
        return tuple(str(problem) for problem in error.problems)
    return (str(error.problem),)


#: Editors' temporary and backup files, beyond watchfiles' own list (`.git`, swap files,
#: `~` backups): saving them is no reason to rebuild.
EDITOR_FILES = (
    r"^#.*#$",        # Emacs auto-save
    r"^4913$",        # Vim's test of whether it may write in a folder
    r"\.(tmp|bak|part|orig|kate-swp)$",
    r"^\.~lock\.",    # LibreOffice
)


def source_filter(output_folder: Path) -> Callable[[Change, str], bool]:
    """Which changes in the source folders are worth a rebuild."""
    keep: Callable[[Change, str], bool] = DefaultFilter(
        ignore_entity_patterns=(*DefaultFilter.ignore_entity_patterns, *EDITOR_FILES),
        ignore_paths=[output_folder])
    return keep


def _is_site_file(change: Change, path: str) -> bool:
    return Path(path).name == SITE_FILE


# The server.


class _Server(ThreadingHTTPServer):
    """The standard library's threaded server, with the preview it serves."""

    daemon_threads = True  # an open event stream never keeps the process alive
    allow_reuse_port = False  # a port another server listens on is "in use", not shared
    preview: Preview

    def server_bind(self) -> None:
        """Bind, without HTTPServer's look-up of the address's host name, which can be slow."""
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = HOST, self.port

    @property
    def port(self) -> int:
        return cast(int, self.socket.getsockname()[1])

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser that leaves mid-answer is no error; anything else is one short line."""
        error = sys.exc_info()[1]
        if not isinstance(error, ConnectionError | TimeoutError):
            self.preview.echo(request_failed(error))


def request_failed(error: BaseException | None) -> str:
    """The terminal's line about a request that failed: publisher's own bug, said briefly
    (never the whole of a path a browser sent, which can be kilobytes)."""
    detail = " ".join(f"{type(error).__name__}: {error}".split())
    if len(detail) > MAX_ERROR_CHARS:
        detail = detail[:MAX_ERROR_CHARS - 1] + "…"
    return f"publisher: a request failed ({detail}); this is a bug in publisher, please report it"


def _bind(port: int) -> _Server:
    """The server, listening; a port that cannot be had is one clear error."""
    try:
        return _Server((HOST, port), _Handler)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            reason = "is in use by another program"
        elif error.errno == errno.EACCES:
            reason = "needs special permission (ports below 1024 do)"
        else:
            reason = f"cannot be used ({error.strerror or error})"
        raise PublisherError(f"port {port} on {HOST} {reason}; try another port with "
                             "--port, or --port 0 to pick a free one") from None


def _run(server: _Server, preview: Preview, first_page: str, open_browser: bool) -> None:
    """Build, watch and serve until a signal or `preview.stop()`, then stop each part."""
    threads: list[threading.Thread] = []
    serving = None
    with _stop_signals() as signalled:
        try:
            threads = preview.start_watching()
            preview.rebuild()
            url = f"http://{HOST}:{server.port}{first_page}"
            preview.echo(f"Serving {url} (drafts included); press Ctrl-C to stop.")
            serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                                       name="publisher-serve-http")
            serving.start()
            if open_browser:
                webbrowser.open(url)
            while not signalled and not preview.stopping.wait(0.1):
                pass
        finally:
            preview.stop()
            if serving is not None:
                server.shutdown()  # only once serve_forever runs: otherwise it waits forever
                serving.join()
            for thread in threads:
                thread.join(timeout=5)
            preview.wait_for_builds(BUILD_WAIT_SECONDS)


@contextmanager
def _stop_signals() -> Iterator[list[int]]:
    """Take SIGINT and SIGTERM as requests to stop, collected in the list yielded.

    The handler only appends to a list: a handler runs between two bytecodes of the main
    thread, wherever it is, and taking a lock there (as Event.set does) could deadlock. A
    second Ctrl-C while stopping is collected too, rather than interrupting the clean-up.
    """
    received: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield received  # signals can only be caught in the main thread
        return

    def note(number: int, frame: FrameType | None) -> None:
        received.append(number)

    previous = {number: signal.signal(number, note)
                for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield received
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler if handler is not None else signal.SIG_DFL)


# Answering requests.


class _Handler(BaseHTTPRequestHandler):
    """Routes a request: the event stream, a PDF, or a file of the temporary folder."""

    timeout = 30  # a connection that sends nothing for this long is closed

    def version_string(self) -> str:
        return "publisher-preview"

    @property
    def preview(self) -> Preview:
        return cast(_Server, self.server).preview

    #: Whether this request's status line was sent: after it, an error page cannot be.
    responded = False

    def do_GET(self) -> None:
        self.responded = False
        try:
            self._answer()
        except (ConnectionError, TimeoutError):
            pass  # the browser went away
        except Exception as error:  # publisher's own bug: a 500 page, and the preview goes on
            self.preview.echo(request_failed(error))
            if not self.responded:
                self._send_page(HTTPStatus.INTERNAL_SERVER_ERROR, "Something went wrong",
                                "<p>publisher failed to answer this request. This is a bug in "
                                "publisher, not a mistake in your sources.</p>")

    do_HEAD = do_GET

    def send_response(self, code: int, message: str | None = None) -> None:
        self.responded = True
        super().send_response(code, message)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the terminal shows builds, not every request."""

    def _answer(self) -> None:
        if len(self.path.encode("utf-8", "surrogateescape")) > MAX_TARGET_BYTES:
            self._send_page(HTTPStatus.REQUEST_URI_TOO_LONG, "Address too long",
                            f"<p>The preview's addresses are short; this one is longer than "
                            f"{MAX_TARGET_BYTES:,} bytes.</p>")
            return
        if not self._addressed_to_us():
            port = cast(_Server, self.server).port
            self._send_page(HTTPStatus.FORBIDDEN, "Not this address",
                            f"<p>The preview answers only at http://{HOST}:{port}/.</p>")
            return
        path, _, query = self.path.partition("?")
        if path == EVENTS_PATH and self.command == "GET":
            self._send_events(parse_qs(query))
        elif path.startswith(PDF_PATH):
            self._send_pdf(unquote(path[len(PDF_PATH):]))
        elif path.startswith(EMAIL_PATH):
            self._send_email_preview(unquote(path[len(EMAIL_PATH):]))
        else:
            self._send_file(path)

    def _addressed_to_us(self) -> bool:
        """Whether the request names this computer, not a web site's name made to point here."""
        host = self.headers.get("Host", "").rpartition(":")[0] or self.headers.get("Host", "")
        return host.lower() in {"", HOST, "localhost"}

    def _send_file(self, path: str) -> None:
        status = self.preview.status  # before reading: a page older than its generation reloads
        folder = self.preview.output_folder
        wanted = unquote(path).lstrip("/")
        if wanted.endswith(".pdf") and wanted[:-4] in status.issues:
            self._send_pdf(wanted)  # the archive's "Download the PDF": made, or remade, now
            return
        found = file_for(folder, path)
        if found is None:
            self._send_page(HTTPStatus.NOT_FOUND, "Not found",
                            "<p>There is no such page in the preview.</p>", status)
        elif found.name == INDEX_PAGE and not path.endswith(("/", INDEX_PAGE)):
            self._redirect(path + "/")  # so the index's relative links work
        elif found.suffix == ".html" and _stale(found, folder, status):
            self._send_page(HTTPStatus.NOT_FOUND, "Not found",
                            "<p>This issue is no longer in the site.</p>", status)
        elif (data := _read(found)) is None:
            self._send_page(HTTPStatus.NOT_FOUND, "Not found",
                            "<p>This page was removed while the preview was rebuilt; reload "
                            "it.</p>", status)
        elif found.suffix == ".html":
            key = found.relative_to(folder.resolve()).with_suffix("").as_posix()
            issue = key if key in status.issues else None
            self._send_html(HTTPStatus.OK, data, status, issue,
                            email=issue is not None and _email_page(folder, issue).is_file())
        else:
            self._send(HTTPStatus.OK, CONTENT_TYPES.get(found.suffix.lower(),
                                                        "application/octet-stream"), data)

    def _send_pdf(self, name: str) -> None:
        key = name.removesuffix(".pdf")
        if not name.endswith(".pdf") or key not in self.preview.status.issues:
            self._send_page(HTTPStatus.NOT_FOUND, "Not found",
                            "<p>There is no such issue in the preview.</p>")
            return
        try:
            data = self.preview.make_pdf(key)
        except PublisherError as error:
            self._send_pdf_failure(problem_lines(error))
        except Exception as error:  # publisher's own bug: said on the page, the preview goes on
            self._send_pdf_failure((f"{type(error).__name__}: {error}",), internal=True)
        else:
            filename = quote(key.rpartition("/")[2] + ".pdf")
            self._send(HTTPStatus.OK, "application/pdf", data,
                       {"Content-Disposition": f"inline; filename*=UTF-8''{filename}"})

    def _send_email_preview(self, key: str) -> None:
        """The issue's email edition as a phone and a desktop mail program would show it."""
        status = self.preview.status
        if key not in status.issues or not _email_page(self.preview.output_folder,
                                                       key).is_file():
            self._send_page(HTTPStatus.NOT_FOUND, "No email edition",
                            "<p>This issue has no email edition: give its series one with "
                            "<code>email:</code> in its series.yml (see the README's "
                            "<code>publisher send</code>).</p>", status)
            return
        address = html.escape("/" + quote(_email_page(Path(), key).as_posix()))
        frames = "".join(
            f'<figure class="publisher-email"><figcaption>{width} px wide</figcaption>'
            f'<iframe src="{address}" title="The email, {width} px wide" width="{width}" '
            f'height="900" style="border:1px solid #767676"></iframe></figure>\n'
            for width in (600, 320))
        self._send_page(HTTPStatus.OK, "The email edition",
                        f'<div style="display:flex;gap:24px;flex-wrap:wrap">{frames}</div>',
                        status)

    def _send_pdf_failure(self, problems: tuple[str, ...], internal: bool = False) -> None:
        """The error page, listing the PDF's problems (and reloading, to try again, on save)."""
        status = replace(self.preview.status, problems=problems, internal=internal)
        self._send_page(HTTPStatus.INTERNAL_SERVER_ERROR, "The PDF could not be made",
                        "<p>The problems are listed above.</p>", status)

    def _send_events(self, query: dict[str, list[str]]) -> None:
        """Server-sent events: `reload` once the generation moves on from the page's own.

        A page from an earlier run of the server reloads at once. Returns when the preview
        stops, or the browser leaves (found by the heartbeat's failed write).
        """
        preview = self.preview
        generation = query.get("generation", [""])[0]
        same_server = query.get("server", [""])[0] == preview.token
        # ASCII figures only: str.isdigit() is also true of '²', which int() refuses.
        seen = int(generation) if _FIGURES.fullmatch(generation) and same_server else -1
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(b"retry: 1000\n\n")
        while True:
            current = preview.wait_for_change(seen, HEARTBEAT_SECONDS)
            if preview.stopping.is_set():
                return
            if current != seen:
                self.wfile.write(f"event: reload\ndata: {current}\n\n".encode())
                return
            self.wfile.write(b": still here\n\n")

    def _send_html(self, code: HTTPStatus, page: bytes, status: Status,
                   issue: str | None = None, email: bool = False) -> None:
        decorated = decorate(page.decode("utf-8", "surrogateescape"), status,
                             self.preview.token, issue, email)
        self._send(code, CONTENT_TYPES[".html"], decorated.encode("utf-8", "surrogateescape"))

    def _send_page(self, code: HTTPStatus, title: str, body: str,
                   status: Status | None = None) -> None:
        self._send_html(code, plain_page(title, body).encode(), status or self.preview.status)

    def _redirect(self, location: str) -> None:
        self._send(HTTPStatus.MOVED_PERMANENTLY, "text/plain; charset=utf-8", b"",
                   {"Location": location})

    def _send(self, code: HTTPStatus, content_type: str, body: bytes,
              headers: Mapping[str, str] | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")  # a preview is never stale
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


_FIGURES = re.compile(r"[0-9]{1,18}")


def _read(path: Path) -> bytes | None:
    """The file's bytes, or None if it went (a rebuild can delete a page as it is asked for)."""
    try:
        return path.read_bytes()
    except OSError:
        return None


def _stale(page: Path, folder: Path, status: Status) -> bool:
    """Whether `page` is an issue's page left by an issue since deleted or renamed: a build
    leaves such files, but the preview should not show them."""
    relative = page.relative_to(folder.resolve())
    return (page.name != INDEX_PAGE and len(relative.parts) == 2
            and relative.with_suffix("").as_posix() not in status.issues)


def file_for(folder: Path, path: str) -> Path | None:
    """The file in `folder` that the address path `path` names (a folder's `index.html`), or
    None if there is none, or if it could be anywhere else.

    Refused: segments `..` and `.`, hidden names (such as the build record in `.publisher`),
    backslashes and NULs, and whatever, symbolic links followed, lies outside `folder`; and
    any path the file system cannot look up (a name over 255 bytes, a file used as a folder).
    """
    try:
        text = unquote(path, errors="strict")
    except UnicodeDecodeError:
        return None
    if not text.startswith("/") or "\\" in text or "\0" in text:
        return None
    parts = [part for part in text.split("/") if part]
    if any(part.startswith(".") for part in parts):
        return None
    try:
        return _existing_file(folder, folder.joinpath(*parts))
    except (OSError, ValueError):  # ENAMETOOLONG, ENOTDIR, ELOOP, EINVAL...; ValueError: a NUL
        return None


def _existing_file(folder: Path, candidate: Path) -> Path | None:
    if candidate.is_dir():
        candidate = candidate / INDEX_PAGE
    real = candidate.resolve()
    if not real.is_relative_to(folder.resolve()) or not real.is_file():
        return None
    return real


# What is added to the HTML as it is served.

STYLE = """<style>
.publisher-preview, .publisher-preview-errors { font: 1rem/1.5 system-ui, sans-serif;
  color: #0b0c0c; background: #fff; text-align: left; }
.publisher-preview { position: sticky; bottom: 0; z-index: 2147483647; margin: 0;
  padding: .5rem 1rem; border-top: 3px solid #0b0c0c; display: flex; flex-wrap: wrap;
  gap: .25rem 1.5rem; }
.publisher-preview ul { display: flex; flex-wrap: wrap; gap: .25rem 1.5rem; margin: 0;
  padding: 0; list-style: none; }
.publisher-preview-errors { margin: 1rem; padding: 1rem 1.25rem; border: 5px solid #b00020; }
.publisher-preview-errors h2 { margin: 0 0 .5rem; color: #b00020; font-size: 1.25rem; }
.publisher-preview-errors p { margin: 0 0 .5rem; }
.publisher-preview-errors code { font-family: ui-monospace, monospace;
  overflow-wrap: anywhere; white-space: pre-wrap; }
.publisher-preview a, .publisher-preview-errors a { color: #1d4f91; text-decoration: underline; }
.publisher-preview a:focus-visible, .publisher-preview-errors a:focus-visible {
  outline: 3px solid #0b0c0c; outline-offset: 2px; background: #fd0; color: #0b0c0c; }
@media print { .publisher-preview, .publisher-preview-errors { display: none; } }
</style>
"""

_BODY_START = re.compile(r"<body\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.IGNORECASE)


def decorate(page: str, status: Status, token: str, issue: str | None = None,
             email: bool = False) -> str:
    """`page` with the preview's additions: the problems of the last build at the top, and
    at the end the toolbar of `issue` (`<series>/<issue>`) if it is one, and the script
    that reloads the page when a later generation is built."""
    head_end = max(page.lower().find("</head>"), 0)
    page = page[:head_end] + STYLE + page[head_end:]
    panel = error_panel(status.problems, status.internal) if status.problems else ""
    body = _BODY_START.search(page)
    at = body.end() if body else 0
    page = page[:at] + panel + page[at:]
    ending = (toolbar(issue, email) if issue else "") + reload_script(token, status.generation)
    body_end = page.lower().rfind("</body>")
    at = body_end if body_end >= 0 else len(page)
    return page[:at] + ending + page[at:]


def error_panel(problems: Sequence[str], internal: bool = False) -> str:
    """A region listing each problem, first on the page: what went wrong and what to do."""
    count = len(problems)
    if internal:
        heading = "publisher failed while building the preview"
        advice = ("This is a bug in publisher, not a mistake in your sources: please report "
                  "it. Pages show the last build that worked.")
    else:
        heading = f"The preview could not be built: {count} problem{'s' if count != 1 else ''}"
        advice = ("Fix each one and save: this page reloads by itself. Until then, pages show "
                  "the last build that worked.")
    items = "".join(f"<li><code>{html.escape(line)}</code></li>\n" for line in problems)
    return (f'<section class="publisher-preview-errors" lang="en" '
            f'aria-labelledby="publisher-preview-errors">\n'
            f'<h2 id="publisher-preview-errors">{html.escape(heading)}</h2>\n'
            f"<p>{advice}</p>\n<ul>\n{items}</ul>\n</section>\n")


def toolbar(issue: str, email: bool = False) -> str:
    """The preview's tools for an issue's page, as a navigation landmark of real links."""
    pdf = PDF_PATH + quote(issue) + ".pdf"
    shown = (f'<li><a href="{html.escape(EMAIL_PATH + quote(issue))}">See the email '
             "edition</a></li>\n" if email else "")
    return ('<nav class="publisher-preview" lang="en" aria-label="Preview">\n'
            "<strong>Preview</strong>\n<ul>\n"
            f'<li><a href="{html.escape(pdf)}">Make the PDF of this issue</a></li>\n{shown}'
            f'<li><a href="/{INDEX_PAGE}">Every issue, drafts included</a></li>\n'
            "</ul>\n</nav>\n")


def _email_page(folder: Path, issue: str) -> Path:
    """Where the preview keeps the HTML of issue `issue`'s email edition."""
    series, _, slug = issue.partition("/")
    return folder / series / "email" / f"{slug}.html"


def reload_script(token: str, generation: int) -> str:
    """The script that reloads the page once the server reports a newer generation."""
    address = f"{EVENTS_PATH}?server={token}&generation={generation}"
    return ("<script>/* publisher serve: reload when a source is saved */\n"
            f'(function () {{ var events = new EventSource("{address}");\n'
            'events.addEventListener("reload", function () { events.close(); '
            "location.reload(); }); }());\n</script>\n")


def plain_page(title: str, body: str) -> str:
    """A page of the preview's own (not found, a PDF that failed), in plain HTML."""
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title)} | publisher preview</title>\n"
            "<style>body { max-width: 40rem; margin: 2rem auto; padding: 0 1rem; "
            "font: 1.125rem/1.5 system-ui, sans-serif; color: #0b0c0c; }</style>\n"
            "</head>\n<body>\n"
            f"<main>\n<h1>{html.escape(title)}</h1>\n{body}\n"
            f'<p><a href="/{INDEX_PAGE}">Every issue</a></p>\n</main>\n</body>\n</html>\n')
