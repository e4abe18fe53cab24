"""Personal data in what a board publishes: an email address or mobile number that is a
person's own, a date of birth, and the names on the deny-list (those of children and families
known to the board, kept outside the repository). Found line by line in every issue's and
block's file, as warnings (see `rules`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from publisher.errors import Problem, UsageError
from publisher.rules import Text, checker

#: The environment variable naming the deny-list file, when --deny-list is not given.
DENY_LIST_VARIABLE = "PUBLISHER_DENY_LIST"

_ROLE_WORDS = {
    "team", "teams", "office", "admin", "administration", "info", "information", "enquiries",
    "enquiry", "contact", "contacts", "duty", "hub", "mash", "lscb", "lsab", "lrlscb", "scp",
    "board", "boards", "safeguarding", "service", "services", "unit", "desk", "helpline",
    "help", "referral", "referrals", "mail", "post", "secretariat", "business", "support",
    "reception", "general", "communications", "comms", "press", "media", "web", "webmaster",
    "noreply", "no", "reply", "customer", "customers", "children", "childrens", "social",
    "care", "adult", "adults", "families", "family", "das", "partnership", "learning",
    "training", "development", "review", "reviews", "lado", "police", "health", "nhs",
    "feedback", "complaints", "foi", "data", "protection", "dpo", "school", "schools",
    "education", "early", "advice", "first", "response", "emergency", "out", "hours",
    "edt", "newsletter", "bulletin", "editor", "cp", "child", "manager",
    "managers", "coordinator", "officer", "designated", "lead", "leads", "sub", "group",
    "panel", "chair", "clerk", "secretary",
}
_WEBMAIL = re.compile(r"@(gmail|googlemail|hotmail|outlook|live|yahoo|ymail|icloud|me|aol|"
                      r"btinternet|sky|virginmedia|talktalk|proton|protonmail)\.", re.IGNORECASE)
_EMAIL = re.compile(r"(?<![\w.+-])([A-Za-z0-9][\w.+-]*)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
_MOBILE = re.compile(r"(?<![\d+])(?:\+44\s?(?:\(0\)\s?)?|0)7\d{3}[\s-]?\d{3}[\s-]?\d{3}(?!\d)")
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
_DAY_DATE = (rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}|"
             rf"\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\.?,?\s+\d{{4}}|"
             rf"{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})")
_BIRTH = re.compile(rf"\b(?:date\s+of\s+birth|d\.?o\.?b\.?|born(?:\s+on)?)\b"
                    rf"[\s:,-]*(?:was\s+|is\s+)?{_DAY_DATE}", re.IGNORECASE)


class DenyListError(UsageError):
    """The deny-list file cannot be read: a usage error."""


@dataclass(frozen=True)
class DenyList:
    """Names that must never be published, such as those of children and families known to
    the board. Kept outside the repository; its path comes from an option or a variable."""

    names: tuple[str, ...] = ()
    source: str = ""

    def matches(self, line: str) -> Iterator[re.Match[str]]:
        if self.names:
            yield from self._pattern().finditer(line)

    def _pattern(self) -> re.Pattern[str]:
        words = sorted(self.names, key=len, reverse=True)
        alternatives = "|".join(r"\s+".join(map(re.escape, name.split())) for name in words)
        return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def read_deny_list(path: Path | None) -> DenyList:
    """The deny-list at `path`, or at $PUBLISHER_DENY_LIST, or an empty one.

    One name per line; blank lines and lines starting with # are skipped.
    """
    if path is None:
        variable = os.environ.get(DENY_LIST_VARIABLE, "").strip()
        if not variable:
            return DenyList()
        path = Path(variable)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or "it is not UTF-8 text"
        raise DenyListError(f"the deny-list {path} cannot be read ({reason}); give a text "
                            "file with one name per line") from None
    names = tuple(line.strip() for line in text.splitlines()
                  if line.strip() and not line.lstrip().startswith("#"))
    return DenyList(names, str(path))


@checker("personal-email", "personal-phone", "date-of-birth", "denied-name",
         on=("issue", "block"))
def personal_data(text: Text) -> Iterator[Problem]:
    """Anywhere in the file: front matter, body, every field of a block."""
    rules = [(_EMAIL, "personal-email", "{} looks like a person's own email address; publish "
              "a team or role address instead (such as duty.team@...)"),
             (_MOBILE, "personal-phone", "{} looks like a mobile number, usually a person's "
              "own; publish a team, duty or switchboard number instead"),
             (_BIRTH, "date-of-birth", "'{}' gives a date of birth, which identifies a person; "
              "remove it, or give an age or a year instead")]
    for number, line in text.lines:
        for pattern, code, message in rules:
            for match in pattern.finditer(line):
                if code != "personal-email" or _looks_personal(match[1], match[0]):
                    yield text.warning(number, match.start() + 1, code,
                                       message.format(match[0]))
        for match in text.deny_list.matches(line):
            yield text.warning(number, match.start() + 1, "denied-name",
                               f"'{match[0]}' is a name on the deny-list "
                               f"({text.deny_list.source}); remove it, or use the name the "
                               "case review was published under")


def _looks_personal(local: str, address: str) -> bool:
    """`jane.smith@` or `j.smith@` or any address at a personal webmail service; a single
    word (`lscb@`) or one with a role in it (`duty.team@`) is a team's."""
    if _WEBMAIL.search(address):
        return True
    parts = [part for part in re.split(r"[._-]+", local.lower()) if part]
    if not 2 <= len(parts) <= 3 or not all(part.isalpha() for part in parts):
        return False
    return not any(part in _ROLE_WORDS for part in parts)
