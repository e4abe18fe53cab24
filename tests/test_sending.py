"""The email edition and `publisher send`, against a real SMTP server (aiosmtpd) run in the
test process: the messages it receives are parsed with the standard library."""

from __future__ import annotations

import email
import email.policy
import os
import re
import signal
import socket
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner

from publisher.cli import cli

from conftest import copy_sample_archive

ISSUE = "issues/bulletin/2024-03-issue-7.md"
EML = "output/bulletin/email/2024-03-issue-7.eml"
#: Gmail clips a message longer than this, hiding its end behind a link.
GMAIL_CLIPS_AT = 102 * 1024


class Mailbox:
    """An SMTP server's handler that keeps every message; `refuse` addresses get 550, and
    `on_message(count)` runs as each message arrives, before the server answers."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []
        self.refuse: set[str] = set()
        self.on_message: Any = None
        self.on_rcpt: Any = None

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          options: Any) -> str:
        if self.on_rcpt is not None and self.on_rcpt(server, address):
            return "421 closing"
        if address in self.refuse:
            return "550 no such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        if self.on_message is not None:
            self.on_message(len(self.messages))
        return "250 Message accepted"

    def parsed(self) -> list[EmailMessage]:
        return [email.message_from_bytes(content, policy=email.policy.default)  # type: ignore[misc]
                for _, content in self.messages]

    def recipients(self) -> list[str]:
        return [address for addresses, _ in self.messages for address in addresses]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def mailbox() -> Any:
    handler = Mailbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(),
                            data_size_limit=2**24)
    controller.start()
    handler.port = controller.port  # type: ignore[attr-defined]
    yield handler
    controller.stop()


def with_email(site: Path, port: int, series: str = "bulletin") -> Path:
    """Give the series an email edition and the site the test's mail server."""
    settings = site / "issues" / series / "series.yml"
    settings.write_text(settings.read_text() + (
        "email:\n  since: 2000-01-01\n  sender: bulletin@example.org.uk\n"
        "  reply_to: practice@example.org.uk\n"
        "  postal_address: 1 High Street, Anytown AB1 2CD\n"
        "  unsubscribe: https://www.example.org.uk/unsubscribe\n"))
    site_file = site / "site.yml"
    if "smtp:" not in site_file.read_text():
        site_file.write_text(site_file.read_text() + (
            f"smtp:\n  host: 127.0.0.1\n  port: {port}\n  security: none\n"
            "  per_minute: 1000000\n"))
    return site


def addresses(count: int, path: Path) -> Path:
    path.write_text("email\n" + "".join(f"reader{number}@example.org.uk\n"
                                        for number in range(count)))
    return path


def test_the_email_edition_is_a_message_ready_to_send(site, run, mailbox):
    with_email(site, mailbox.port)
    assert run("build", cwd=site).exit_code == 0
    data = (site / EML).read_bytes()
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain",
                                                                          "text/html"]
    assert all(part.get_content_charset() == "utf-8" for part in message.iter_parts())
    assert message["Subject"] == "Practice Bulletin, Issue 7: Seeing the child"
    assert message["From"] == "Example Safeguarding Children Partnership " \
                              "<bulletin@example.org.uk>"
    assert message["Reply-To"] == "practice@example.org.uk"
    assert message["List-Unsubscribe"] == "<https://www.example.org.uk/unsubscribe>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["X-Unsent"] == "1" and message["To"] is None
    html = message.get_body(("html",)).get_content()
    assert "<style" not in html and "<link" not in html
    assert "What recent reviews say about seeing and hearing the child." in html  # preheader
    assert "1 High Street, Anytown AB1 2CD" in html
    for address in re.findall(r'(?:href|src)="([^"]*)"', html):
        assert re.match(r"(https?|mailto|tel):", address), address
    assert "https://www.example.org.uk/bulletin/2024-03-issue-7.pdf" in html
    assert not re.search(r"display:\s*(grid|flex)", html)
    for image in re.findall(r"<img [^>]*>", html):
        assert ' alt="' in image and ' width="' in image and ' height="' in image, image
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "Seeing the child\n================" in text
    assert "(https://www.example.org.uk/bulletin/2024-03-issue-7.html)" in text
    assert all(len(line) <= 72 or " " not in line.strip() for line in text.splitlines())
    assert len(data) < GMAIL_CLIPS_AT
    assert (site / "output/bulletin/email/2024-03-issue-7.txt").read_text() in text + "\n"


def test_the_email_is_built_verified_and_locked_like_the_other_files(site, run, mailbox):
    with_email(site, mailbox.port)
    issue = site / ISSUE
    issue.write_text(issue.read_text().replace("status: published", "status: draft"))
    assert run("publish", ISSUE, cwd=site).exit_code == 0
    lock = (site / "archive-lock.json").read_text()
    assert '"email"' in lock and "bulletin/email/2024-03-issue-7.eml" in lock
    assert "template email/issue.html" in lock and "styles/email.css" in lock
    assert run("verify", cwd=site).stdout.startswith("identical")
    stylesheet = site / "styles/email.css"
    stylesheet.write_text(stylesheet.read_text().replace("#14506e", "#7a1f5c"))
    verified = run("verify", cwd=site)
    assert verified.exit_code == 1 and "styles/email.css (changed)" in verified.stdout


def test_a_test_copy_goes_to_one_address_and_a_draft_only_there(site, run, mailbox):
    with_email(site, mailbox.port)
    issue = site / ISSUE
    issue.write_text(issue.read_text().replace("status: published", "status: draft"))
    result = run("send", ISSUE, "--test-to", "officer@example.org.uk", cwd=site)
    assert result.exit_code == 0, result.output
    [message] = mailbox.parsed()
    assert mailbox.recipients() == ["officer@example.org.uk"]
    assert message["To"] == "officer@example.org.uk"
    assert message["Subject"] == "Test: Practice Bulletin, Issue 7: Seeing the child"
    assert message["X-Unsent"] is None and message["Message-ID"]

    refused = run("send", ISSUE, "--to", str(addresses(2, site / "list.csv")), "--send",
                  cwd=site)
    assert refused.exit_code == 2 and "only a test copy may be sent" in refused.stderr
    assert len(mailbox.messages) == 1


def test_without_send_nothing_is_sent_and_the_count_is_said(site, run, mailbox):
    with_email(site, mailbox.port)
    result = run("send", ISSUE, "--to", str(addresses(3, site / "list.csv")), cwd=site)
    assert result.exit_code == 0, result.output
    assert result.stdout == ("Would send 'Practice Bulletin, Issue 7: Seeing the child' to 3 "
                             f"recipients, of 3 recipients in {site / 'list.csv'}; add --send "
                             "to send it.\n")
    assert mailbox.messages == []


def test_a_list_with_bad_or_repeated_addresses_is_refused_whole(site, run, mailbox):
    with_email(site, mailbox.port)
    listed = site / "list.csv"
    listed.write_text("name,email\nA,one@example.org.uk\nB,not an address\n"
                      "C,One@example.org.uk\n")
    result = run("send", ISSUE, "--to", str(listed), "--send", cwd=site)
    assert result.exit_code == 1
    assert f"{listed}:3: 'not an address' is not an email address" in result.stderr
    assert f"{listed}:4: 'One@example.org.uk' is on line 2 already" in result.stderr
    assert "nothing was sent" in result.stderr
    assert mailbox.messages == []


def test_each_recipient_gets_it_once_however_often_it_is_sent(site, run, mailbox):
    with_email(site, mailbox.port)
    listed = addresses(3, site / "list.csv")
    first = run("send", ISSUE, "--to", str(listed), "--send", cwd=site)
    assert first.exit_code == 0, first.output
    assert first.stdout == "Sent 'Practice Bulletin, Issue 7: Seeing the child' to 3 " \
                           "recipients.\n"
    again = run("send", ISSUE, "--to", str(listed), "--send", cwd=site)
    assert "to 0 recipients; 3 had it already" in again.stdout
    assert sorted(mailbox.recipients()) == [f"reader{n}@example.org.uk" for n in range(3)]
    [message, *_] = mailbox.parsed()
    assert message["To"] in mailbox.recipients() and message["X-Unsent"] is None

    written = [path for folder in (site / "output", site / ".publisher")
               for path in folder.rglob("*") if path.is_file()]
    assert any("sends" in path.parts for path in written)
    for path in written:
        assert b"reader0@" not in path.read_bytes(), path


def test_a_refused_recipient_is_reported_and_tried_again_next_time(site, run, mailbox):
    with_email(site, mailbox.port)
    mailbox.refuse = {"reader1@example.org.uk"}
    listed = addresses(3, site / "list.csv")
    result = run("send", ISSUE, "--to", str(listed), "--send", cwd=site)
    assert result.exit_code == 1
    assert "refused  reader1@example.org.uk" in result.stderr
    assert "to 2 recipients; 1 refused" in result.stdout
    mailbox.refuse = set()
    again = run("send", ISSUE, "--to", str(listed), "--send", cwd=site)
    assert again.exit_code == 0 and "to 1 recipient; 2 had it already" in again.stdout
    assert sorted(mailbox.recipients()) == [f"reader{n}@example.org.uk" for n in range(3)]


def test_a_broken_connection_half_way_loses_and_repeats_no_one(site, mailbox, monkeypatch):
    with_email(site, mailbox.port)
    listed = addresses(1000, site / "list.csv")
    broken = []

    def break_once(server: Any, address: str) -> bool:
        if address == "reader500@example.org.uk" and not broken:
            broken.append(address)
            server.transport.close()
            return True
        return False

    mailbox.on_rcpt = break_once
    monkeypatch.chdir(site)
    result = CliRunner().invoke(cli, ["send", ISSUE, "--to", str(listed), "--send"])
    assert result.exit_code == 0, result.output
    assert broken
    delivered = mailbox.recipients()
    assert len(delivered) == 1000 and len(set(delivered)) == 1000


def test_a_send_killed_half_way_and_run_again_reaches_everyone_once(site, mailbox):
    with_email(site, mailbox.port)
    listed = addresses(1000, site / "list.csv")
    command = [sys.executable, "-c", "from publisher.cli import main; main()", "send", ISSUE,
               "--to", str(listed), "--send"]
    process: list[subprocess.Popen[bytes]] = []

    def kill_at_500(count: int) -> None:
        if count == 500:
            os.kill(process[0].pid, signal.SIGKILL)

    mailbox.on_message = kill_at_500
    started = time.perf_counter()
    process.append(subprocess.Popen(command, cwd=site, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE))
    process[0].communicate(timeout=120)
    assert process[0].returncode == -signal.SIGKILL
    assert len(mailbox.messages) == 500
    mailbox.on_message = None
    finished = subprocess.run(command, cwd=site, capture_output=True, text=True, timeout=120)
    elapsed = time.perf_counter() - started
    assert finished.returncode == 0, finished.stderr
    delivered = mailbox.recipients()
    assert len(delivered) == 1000 and len(set(delivered)) == 1000
    assert "Sent 'Practice Bulletin, Issue 7: Seeing the child' to 500 recipients; 499 had " \
           "it already." in finished.stdout  # and the 500th, handed over when it was killed
    assert "1 recipient: the connection broke as the email went" in finished.stderr
    print(f"1,000 recipients, killed at 500 and run again: {elapsed:.1f} s")


def test_every_sample_issue_makes_an_email_gmail_does_not_clip(tmp_path, run):
    site = copy_sample_archive(tmp_path / "site")
    for series in sorted((site / "issues").iterdir()):
        if (series / "series.yml").is_file() and "email:" not in \
                (series / "series.yml").read_text():
            with_email(site, 25, series.name)
    result = run("build", "--format", "email", cwd=site)
    assert result.exit_code == 0, result.output
    messages = sorted((site / "output").rglob("email/*.eml"))
    assert len(messages) >= 8
    for path in messages:
        data = path.read_bytes()
        html = email.message_from_bytes(data, policy=email.policy.default) \
            .get_body(("html",)).get_content()
        assert len(data) < GMAIL_CLIPS_AT, (path.name, len(data))
        assert "<style" not in html and "<link" not in html and "<svg" not in html
        assert not re.search(r'(?:href|src)="(?!https?:|mailto:|tel:)', html), path.name


def test_without_a_mail_server_in_the_settings_nothing_is_sent(site, run, mailbox):
    with_email(site, mailbox.port)
    settings = site / "site.yml"
    settings.write_text(settings.read_text().split("smtp:")[0])
    result = run("send", ISSUE, "--test-to", "officer@example.org.uk", cwd=site)
    assert result.exit_code == 1
    assert result.stderr == ("Error: site.yml: there is no mail server to send with: add "
                             "smtp: with its host (and port, security, username), and put its "
                             "password in the environment variable PUBLISHER_SMTP_PASSWORD\n")
    assert mailbox.messages == []
