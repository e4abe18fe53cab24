"""Topics: the themes a site's bulletins come back to (neglect, the toxic trio, bruising in
babies who are not yet mobile), named once in `site.yml` and given to issues and blocks.

`site.yml`'s `topics:` is the vocabulary: each topic's name and a line saying what it
covers. An issue names its topics in its front matter, a block in its file; an issue is
about the topics it names and those of every block it shows. Each topic has a page in the
archive, `topics/<slug>.html`, and a feed, `topics/<slug>.xml`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from publisher.errors import Problem
from publisher.validation import did_you_mean
from publisher.yamldoc import Location, YamlDocument

#: The archive's folder of topic pages and feeds.
TOPICS_FOLDER = "topics"


@dataclass(frozen=True)
class Topic:
    name: str
    slug: str
    description: str

    @property
    def page(self) -> str:
        """The topic's page, by its path in the output folder."""
        return f"{TOPICS_FOLDER}/{self.slug}.html"

    @property
    def feed(self) -> str:
        return f"{TOPICS_FOLDER}/{self.slug}.xml"


def topic_slug(name: str) -> str:
    """The file name a topic's page takes: 'Toxic trio' → 'toxic-trio'."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def _key(name: str) -> str:
    """A name as the vocabulary finds it: capitals and runs of spaces do not matter."""
    return " ".join(name.split()).casefold()


class Vocabulary:
    """The site's topics, found by their names whatever their capitals and spacing."""

    def __init__(self, topics: dict[str, str]):
        self.topics = [Topic(name, topic_slug(name), description)
                       for name, description in topics.items()]
        self._by_name = {_key(topic.name): topic for topic in self.topics}

    def __bool__(self) -> bool:
        return bool(self.topics)

    def find(self, name: str) -> Topic | None:
        return self._by_name.get(_key(name))

    def problems(self, names: Sequence[str], document: YamlDocument,
                 key: Location = ("topics",)) -> list[Problem]:
        """What is wrong with the topics `names`, given at `key` of `document`: each one the
        vocabulary lacks, with the closest it has."""
        problems = []
        for index, name in enumerate(names):
            if self.find(name) is not None:
                continue
            known = [topic.name for topic in self.topics]
            if known:
                hint = did_you_mean(name, known, "the topics are: " + ", ".join(known) + "."
                                    if len(known) <= 12 else "site.yml's 'topics:' lists them.")
                hint += (" If it is a new topic, add it to 'topics:' in site.yml, with a line "
                         "saying what it covers")
            else:
                hint = ("site.yml has no 'topics:' yet; name the site's topics there, each with "
                        "a line saying what it covers")
            problems.append(Problem(document.path, document.line_of((*key, index)),
                                    f"topics: {name!r} is not one of the site's topics; {hint}"))
        return problems

    def of(self, *name_lists: Iterable[str]) -> list[Topic]:
        """The topics `name_lists` name, in the order first named, each once; names the
        vocabulary lacks (already reported) are left out."""
        found: dict[str, Topic] = {}
        for names in name_lists:
            for name in names:
                topic = self.find(name)
                if topic is not None:
                    found.setdefault(topic.slug, topic)
        return list(found.values())


def vocabulary_problems(topics: dict[str, str], document: YamlDocument) -> list[Problem]:
    """Two names in site.yml's `topics:` that would share a page, or one that gives no page."""
    problems = []
    seen: dict[str, str] = {}
    for name in topics:
        slug = topic_slug(name)
        line = document.line_of(("topics", name))
        if not slug:
            problems.append(Problem(document.path, line, f"topics: {name!r} has no Latin letters "
                                    "or digits, which name a topic's page (topics/<name>.html); "
                                    "add some to the name, or spell it in Latin letters"))
        elif slug in seen:
            problems.append(Problem(document.path, line, f"topics: {name!r} and {seen[slug]!r} "
                                    f"would share the page topics/{slug}.html; merge them or "
                                    "name them apart"))
        else:
            seen[slug] = name
    return problems
