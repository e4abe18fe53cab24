"""Every rule publisher checks a site by, in one registry: its code, whether a problem it
finds is an error (the build stops) or a warning (which `silence:` may turn off), where it
looks, and one line saying what it finds.

`publisher check`, `build` and `publish` report each problem with its code; the README's
and the writers' guide's tables of codes are tested against this registry, and so are the
checkers that find each one: a function in `checkers` or `personal_data` marked
`@checker(codes..., on=...)`, which `checks` runs on every issue's and block's text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from publisher.errors import Problem

if TYPE_CHECKING:
    from publisher.config import Site
    from publisher.personal_data import DenyList
    from publisher.sources import Issue

Severity = Literal["error", "warning"]
#: Where a rule looks: an issue's file, a block's file (or both), a series' issues taken
#: together, the site's settings, or the PDF once it is laid out (`build` and `publish`
#: then find it; `check`, which never lays one out, does not).
Scope = Literal["issue", "block", "issue and block", "series", "site", "layout"]


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    scope: Scope
    help: str

    @property
    def silenceable(self) -> bool:
        """Whether `silence: [code]` may turn it off: a warning's code may, an error's not."""
        return self.severity == "warning"


RULES: dict[str, Rule] = {rule.code: rule for rule in [
    # Errors in what the sources say: the build refuses them.
    Rule("issue", "error", "issue", "an issue's front matter or body that publisher cannot "
         "read or use: a key misspelt, a date that does not exist, text nested too deep"),
    Rule("block", "error", "block", "a block's file, or its kind's, that publisher cannot "
         "read or use, or a placement of a block that does not resolve"),
    Rule("settings", "error", "site", "site.yml, a series.yml or a style.yml that publisher "
         "cannot read or use"),
    Rule("site", "error", "site", "a file or folder of the site that is not where it belongs"),
    Rule("duplicate-number", "error", "series", "two issues of a series with one number"),
    Rule("silence", "error", "issue", "a code in a silence: list that is no warning's: "
         "misspelt, or an error's"),
    Rule("missing-alt", "error", "issue and block", "an image without a description (alt text) for "
         "people who cannot see it, and not marked decorative"),
    Rule("attachment", "error", "issue and block", "a file attached to the PDF "
         "(rel=\"attachment\"), which would hide a file inside it"),
    Rule("component", "error", "issue and block", "a component (/// callout, grid, "
         "figure...) that cannot be made: an unknown name or option, a figure without its "
         "picture, one never closed"),
    Rule("bad-image", "error", "issue", "an image file the build refuses: not the image its "
         "name says, too big, outside the site, or an SVG with a script, an event handler, "
         "HTML or a reference outside the site"),
    # Warnings: what readers, or a safeguarding board, would mind.
    Rule("heading-skip", "warning", "issue", "a heading that skips a level, which confuses "
         "screen reader users"),
    Rule("link-text", "warning", "issue and block", "a link whose text is empty or says "
         "nothing of where it goes ('click here')"),
    Rule("missing-anchor", "warning", "issue", "a link to a place in the issue (#name) that "
         "does not exist"),
    Rule("missing-file", "warning", "issue", "a link or image whose file is not in the site"),
    Rule("date-cadence", "warning", "series", "an issue whose date does not fit its series' "
         "cadence"),
    Rule("issue-order", "warning", "series", "an issue dated before the issue numbered before "
         "it in its series"),
    Rule("draft-note", "warning", "issue", "a note such as TODO left in a published issue"),
    Rule("personal-email", "warning", "issue and block", "an email address that looks like "
         "a person's, not a team's or role's"),
    Rule("personal-phone", "warning", "issue and block", "a mobile number, which is usually "
         "a person's own"),
    Rule("date-of-birth", "warning", "issue and block", "a date of birth"),
    Rule("denied-name", "warning", "issue and block", "a name from the deny-list "
         "(--deny-list or PUBLISHER_DENY_LIST)"),
    Rule("unsafe-html", "warning", "issue and block", "HTML that is removed as unsafe: a "
         "script, an event handler (onclick=), a javascript: or other unsafe link, a frame or "
         "embedded object, a form, a style sheet or style attribute, or a <meta>, <link>, "
         "<base> or <title>"),
    Rule("hidden-text", "warning", "issue and block", "text hidden from readers (hidden, "
         "aria-hidden=\"true\", display:none), which is removed with everything in it"),
    Rule("invisible-character", "warning", "issue and block", "a character that cannot be "
         "seen: a control that shows words in another order than they are read, or a "
         "zero-width space, which can hide a name from search and from the deny-list"),
    Rule("missing-glyph", "warning", "layout", "a character the house style's fonts lack, "
         "which prints as an empty box or in a font of the computer that builds the PDF"),
    Rule("overflow", "warning", "layout", "an issue that runs past the pages its house style "
         "allows in print (a briefing made for one sheet), naming the box that runs over and "
         "by how much"),
]}

#: Every warning's code, with what it finds: the codes a `silence:` list may name.
WARNINGS: dict[str, str] = {code: rule.help for code, rule in RULES.items()
                            if rule.silenceable}
#: Every error's code, with what it finds: no `silence:` list can silence one.
ERRORS: dict[str, str] = {code: rule.help for code, rule in RULES.items()
                          if not rule.silenceable}


@dataclass(frozen=True)
class Text:
    """What a checker reads: the file of one issue or one block, its lines numbered from 1."""

    shown: str
    site: Site
    #: Every line of the file.
    lines: list[tuple[int, str]]
    #: Where links and headings are looked for: an issue's body; a block's whole file, as
    #: any of its fields may be shown as a link.
    body: list[tuple[int, str]]
    #: The Markdown in the file, each run of it as it is in the file: an issue's body, or
    #: each field of a block that is read as Markdown.
    markdown: list[list[tuple[int, str]]]
    deny_list: DenyList
    #: The issue, for an issue's text; None for a block's.
    issue: Issue | None = None
    #: The issue's page as the build makes it, and the ids on it, where there is one.
    page: str | None = None
    ids: frozenset[str] | None = None

    @property
    def place(self) -> str:
        return "block" if self.issue is None else "issue"

    def warning(self, line: int, column: int, code: str, message: str) -> Problem:
        return Problem(self.shown, line, message, column=column, severity="warning", code=code)

    def error(self, line: int | None, column: int | None, code: str, message: str) -> Problem:
        return Problem(self.shown, line, message, column=column, code=code)


#: What a checker looks at: one issue's or one block's text at a time, or the issues of a
#: series together (such a checker is given the site and the issues asked for).
Target = Literal["issue", "block", "series"]


@dataclass(frozen=True)
class Checker:
    codes: tuple[str, ...]
    on: tuple[Target, ...]
    find: Callable[..., Iterable[Problem]]


#: Every checker, in the order they are run.
CHECKERS: list[Checker] = []


def checker(*codes: str, on: tuple[Target, ...]) -> Callable[[Callable[..., Iterable[Problem]]],
                                                             Callable[..., Iterable[Problem]]]:
    """Register the decorated function as the checker finding the problems with `codes`;
    it may report no other (`checks` makes sure)."""
    unknown = [code for code in codes if code not in RULES]
    if unknown:
        raise ValueError(f"no rule has the code {', '.join(unknown)}; add it to RULES")

    def register(find: Callable[..., Iterable[Problem]]) -> Callable[..., Iterable[Problem]]:
        CHECKERS.append(Checker(codes, on, find))
        return find
    return register
