"""`publisher send`: an issue's email edition to a list of addresses, over SMTP, each
recipient once.

The list is a CSV file of addresses (a column headed `email`, or the first column), read
and checked whole before anything is sent. A send keeps a record per issue and list,
`.publisher/sends/<series>--<issue>--<list>.log` in the site folder, with a line written
and flushed to disk around each message: `trying H` before the message is handed over,
`sent H` once the server accepted it, `refused H` when it turned the address down. H is a
digest of the address, never the address: recipients' addresses are kept nowhere but the
list, and shown only when refused.

Run again after a crash, a lost connection or Ctrl-C, a send reaches each recipient not yet
sent to, once. A message the server had been handed when the connection broke, without
saying it accepted it, may have arrived or not: it is never sent again (a duplicate in a
practitioner's inbox does more harm than a copy missing), and the send says how many such
there are. A refused address is reported and tried again on the next run.
"""

from __future__ import annotations

import csv
import datetime
import email.policy
import hashlib
import os
import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from publisher.config import Site, SmtpSettings, check_email_address, read_site
from publisher.errors import ContentError, Problem, PublisherError, UsageError
from publisher.sources import Issue

PASSWORD_VARIABLE = "PUBLISHER_SMTP_PASSWORD"
SENDS_FOLDER = Path(".publisher") / "sends"
#: Times a lost connection is opened again before the send stops.
_RECONNECTS = 3


class SendError(PublisherError):
    """The mail server cannot be reached or will not take mail from us."""


@dataclass
class SendReport:
    recipients: int
    #: Sent before this run, by an earlier send of the same issue to the same list.
    already: int = 0
    sent: int = 0
    #: Addresses the server refused this run (shown: they are the ones to fix).
    refused: list[str] = field(default_factory=list)
    #: Messages handed over when a connection broke, never sent again.
    uncertain: int = 0
    dry_run: bool = True

    @property
    def remaining(self) -> int:
        return self.recipients - self.already - self.sent - len(self.refused) - self.uncertain


def read_list(path: Path, shown: str) -> list[str]:
    """The addresses in the CSV file at `path`, in order; a ContentError listing every bad
    address and every repeated one, with its line, if there is any."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "it is not UTF-8 text"
        raise UsageError(f"the list {shown} cannot be read ({reason}); give a CSV file with "
                         "one address a line", option="--to") from None
    rows = list(csv.reader(text.splitlines()))
    column, first = 0, 0
    if rows and any(cell.strip().lower() in ("email", "e-mail", "address") for cell in rows[0]):
        column = next(index for index, cell in enumerate(rows[0])
                      if cell.strip().lower() in ("email", "e-mail", "address"))
        first = 1
    addresses, problems, seen = [], [], dict[str, int]()
    for number, row in enumerate(rows[first:], start=first + 1):
        address = row[column].strip() if len(row) > column else ""
        if not address:
            continue
        try:
            check_email_address(address)
        except ValueError:
            problems.append(Problem(shown, number, f"{address!r} is not an email address; "
                                    "correct it or delete the line"))
            continue
        if address.lower() in seen:
            problems.append(Problem(shown, number, f"{address!r} is on line "
                                    f"{seen[address.lower()]} already; delete one of them"))
            continue
        seen[address.lower()] = number
        addresses.append(address)
    if problems:
        raise ContentError(problems, outcome="nothing was sent")
    if not addresses:
        raise ContentError([Problem(shown, None, "the list has no addresses; give a CSV file "
                                    "with one address a line, under a heading 'email'")],
                           outcome="nothing was sent")
    return addresses


class SendRecord:
    """What earlier sends of one issue to one list did, read from and appended to its log."""

    def __init__(self, site: Site, issue: Issue, list_path: Path):
        self.salt = f"{issue.series.slug}/{issue.slug}"
        name = f"{issue.series.slug}--{issue.slug}--{list_path.stem}.log"
        self.path = site.root / SENDS_FOLDER / name
        last: dict[str, str] = {}
        if self.path.is_file():
            for line in self.path.read_text(encoding="ascii", errors="replace").splitlines():
                what, _, key = line.partition(" ")
                if key and (last.get(key) != "sent"):
                    last[key] = what
        self.sent = {key for key, what in last.items() if what == "sent"}
        #: Handed over when a connection broke, or a run was killed: never sent again.
        self.trying = {key for key, what in last.items() if what == "trying"}

    def key(self, address: str) -> str:
        return hashlib.sha256(f"{self.salt} {address.lower()}".encode()).hexdigest()[:32]

    def write(self, what: str, key: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="ascii") as log:
            log.write(f"{what} {key}\n")
            log.flush()
            os.fsync(log.fileno())


def send(site: Site, issue: Issue, message: bytes, addresses: list[str], record: SendRecord,
         *, dry_run: bool, pause: Callable[[float], None] = time.sleep) -> SendReport:
    """Send `message` (the issue's `.eml`) to each of `addresses` that `record` has not
    sent it to; with `dry_run`, only count them."""
    report = SendReport(len(addresses), dry_run=dry_run)
    to_send = []
    for address in addresses:
        key = record.key(address)
        if key in record.sent:
            report.already += 1
        elif key in record.trying:
            report.uncertain += 1
        else:
            to_send.append(address)
    if dry_run or not to_send:
        return report
    smtp = _settings(site)
    interval = 60 / smtp.per_minute
    with _Connection(smtp) as connection:
        for address in to_send:
            started = time.monotonic()
            outcome = connection.deliver(_addressed(message, address, record.key(address)),
                                         address, record)
            if outcome == "sent":
                report.sent += 1
            elif outcome == "refused":
                report.refused.append(address)
            else:
                report.uncertain += 1
            pause(max(0.0, interval - (time.monotonic() - started)))
    return report


def send_test(site: Site, message: bytes, address: str) -> None:
    """One copy of `message` to `address`, marked as a test."""
    with _Connection(_settings(site)) as connection:
        outcome = connection.deliver(_addressed(message, address, None, test=True), address,
                                     None)
    if outcome != "sent":
        raise SendError(f"the server did not take the test copy for {address} ({outcome}); "
                        "check the address, and the server's settings (smtp: in site.yml)")


def _settings(site: Site) -> SmtpSettings:
    if site.settings.smtp is None:
        raise SendError("there is no mail server to send with: add smtp: with its host "
                        "(and port, security, username), and put its password in the "
                        f"environment variable {PASSWORD_VARIABLE}", path="site.yml")
    return site.settings.smtp


def _addressed(message: bytes, address: str, key: str | None, test: bool = False) -> bytes:
    """The `.eml` as sent to `address`: its To:, a Message-ID of its own, today's date."""
    mail = email.message_from_bytes(message, policy=email.policy.SMTP)
    assert isinstance(mail, EmailMessage)
    del mail["X-Unsent"]
    del mail["Date"]
    mail["To"] = address
    mail["Date"] = format_datetime(_now())
    sender = str(mail["From"])
    domain = sender.rpartition("@")[2].rstrip(">") or None
    mail["Message-ID"] = f"<{key}@{domain}>" if key else make_msgid(domain=domain)
    if test:
        subject = str(mail["Subject"])
        del mail["Subject"]
        mail["Subject"] = f"Test: {subject}"
    return mail.as_bytes(policy=email.policy.SMTP)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


class _Connection:
    """One connection to the mail server, opened again if it is lost."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None

    def __enter__(self) -> _Connection:
        self._open()
        return self

    def __exit__(self, *_: object) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (smtplib.SMTPException, OSError):
                self.smtp.close()

    def deliver(self, data: bytes, address: str, record: SendRecord | None) -> str:
        """'sent', 'refused', or 'uncertain' (handed over, the connection broke)."""
        key = record.key(address) if record else ""
        for attempt in range(_RECONNECTS + 1):
            try:
                return self._transaction(data, address, record, key)
            except (smtplib.SMTPServerDisconnected, ConnectionError, TimeoutError) as lost:
                if attempt == _RECONNECTS:
                    raise SendError(f"the mail server {self.settings.host} closed the "
                                    f"connection {attempt + 1} times ({lost}); run the same "
                                    "command again later to send to the rest") from None
                self._open()
            except _Handed:
                self._open()
                return "uncertain"
        raise AssertionError("not reached")

    def _transaction(self, data: bytes, address: str, record: SendRecord | None,
                     key: str) -> str:
        assert self.smtp is not None
        sender = self._sender(data)
        self.smtp.ehlo_or_helo_if_needed()
        code, _ = self.smtp.mail(sender)
        if code != 250:
            raise SendError(f"the mail server would not take mail from {sender} ({code})")
        code, _ = self.smtp.rcpt(address)
        if code not in (250, 251):
            self.smtp.rset()
            if record:
                record.write("refused", key)
            return "refused"
        if record:
            record.write("trying", key)
        try:
            self.smtp.data(data)
        except (smtplib.SMTPServerDisconnected, ConnectionError, TimeoutError):
            raise _Handed() from None
        except smtplib.SMTPDataError:
            if record:
                record.write("refused", key)
            return "refused"
        if record:
            record.write("sent", key)
        return "sent"

    def _sender(self, data: bytes) -> str:
        mail = email.message_from_bytes(data, policy=email.policy.SMTP)
        return str(mail["From"]).rpartition("<")[2].rstrip(">").strip()

    def _open(self) -> None:
        settings = self.settings
        if self.smtp is not None:
            self.smtp.close()
        try:
            if settings.security == "tls":
                self.smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=30,
                                             context=ssl.create_default_context())
            else:
                self.smtp = smtplib.SMTP(settings.host, settings.port, timeout=30)
                if settings.security == "starttls":
                    self.smtp.starttls(context=ssl.create_default_context())
            if settings.username:
                self.smtp.login(settings.username, os.environ.get(PASSWORD_VARIABLE, ""))
        except smtplib.SMTPAuthenticationError:
            raise SendError(f"the mail server {settings.host} refused the user "
                            f"{settings.username}; check smtp: username in site.yml and the "
                            f"password in ${PASSWORD_VARIABLE}") from None
        except (OSError, smtplib.SMTPException) as error:
            raise SendError(f"cannot reach the mail server {settings.host}:{settings.port} "
                            f"({error}); check smtp: in site.yml") from None


class _Handed(Exception):
    """The connection broke after the message was handed over."""


def recipients_shown(count: int) -> str:
    return f"{count:,} recipient{'s' if count != 1 else ''}"


@dataclass(frozen=True)
class Sent:
    """What `send_issue` did: the message's subject, and the report of a send to a list
    (None for a test copy)."""

    subject: str
    report: SendReport | None


def send_issue(site_root: Path, path: Path, *, to: Path | None = None,
               test_to: str | None = None, really: bool = False,
               notice: Callable[[str], None] | None = None) -> Sent:
    """Build the email edition of the issue at `path` if it is not up to date, then send a
    test copy to `test_to`, or count (and with `really`, send to) the addresses in `to`."""
    from publisher.build import BuildOptions, build
    from publisher.formats import EmailEdition
    from publisher.plan import one_issue

    site, problems = read_site(site_root)
    if problems:
        raise ContentError(problems)
    issue = one_issue(site, path)
    edition = EmailEdition()
    if not edition.applies(issue):
        raise UsageError(_no_email(issue), path=site.shown(issue.source))
    if test_to is not None:
        try:
            check_email_address(test_to)
        except ValueError:
            raise UsageError(f"{test_to!r} is not an email address", option="--test-to") \
                from None
    elif to is None:
        raise UsageError("say who gets it: --to LIST.csv (the list), or --test-to ADDRESS "
                         "(one copy, to check it first)", option="--to")
    elif issue.front.status != "published":
        raise UsageError(f"{site.shown(issue.source)} is a draft: only a test copy may be "
                         "sent (--test-to ADDRESS); publish it first (publisher publish) to "
                         "send it to the list", option="--to")
    addresses = read_list(to, str(to)) if to is not None and test_to is None else []
    build(site.root, [issue.source], BuildOptions(frozenset({edition.name}), jobs=1))
    output = site.root / site.settings.output
    message = (output / edition.own_file(issue.series.slug, issue.slug)).read_bytes()
    subject = str(email.message_from_bytes(message, policy=email.policy.default)["Subject"])
    if test_to is not None:
        send_test(site, message, test_to)
        return Sent(subject, None)
    assert to is not None
    return Sent(subject, send(site, issue, message, addresses, SendRecord(site, issue, to),
                              dry_run=not really))


def _no_email(issue: Issue) -> str:
    settings = issue.series.settings.email
    if settings is None:
        return ("its series has no email edition; add email: to its series.yml (since, "
                "sender, postal_address), as the README's 'publisher send' shows")
    return (f"its series has an email edition from {settings.since.isoformat()} "
            f"(email: since: in its series.yml), and this issue is dated "
            f"{issue.front.date.isoformat()}")
