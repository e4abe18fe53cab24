"""Topics: a vocabulary in site.yml, named by issues and blocks, each topic with its page and
feed in the archive, and the issue's topics in its page's metadata and its PDF's keywords."""

from __future__ import annotations

import re
from pathlib import Path
from xml.etree import ElementTree

from pypdf import PdfReader

ATOM = "{http://www.w3.org/2005/Atom}"
VOCABULARY = """topics:
  Neglect: Recognising neglect, and acting early.
  Toxic trio: Domestic abuse, substance misuse and parents' mental ill health.
  Voice of the child: Hearing children and seeing their daily lives.
"""
ISSUE = "issues/bulletin/2024-03-issue-7.md"


def with_topics(site: Path, issue_topics: str = "[neglect, Voice of the child]") -> Path:
    """The minimal site with a vocabulary, its issue naming two topics (one in other
    capitals), and its quote block the third; the block placed in the issue."""
    (site / "site.yml").write_text((site / "site.yml").read_text() + VOCABULARY)
    issue = site / ISSUE
    text = issue.read_text().replace("contributors:", f"topics: {issue_topics}\ncontributors:")
    issue.write_text(text.replace("# What comes next", "[[why-review]]\n\n# What comes next"))
    block = site / "blocks/quote/why-review.yml"
    block.write_text(block.read_text().replace("versions:", "topics: [Toxic trio]\nversions:"))
    return site


def built(run, site: Path, output_format: str = "html") -> str:
    result = run("build", "--format", output_format, cwd=site)
    assert result.exit_code == 0, result.output
    return result.output


def test_an_issue_names_a_topic_the_site_lacks_with_its_line_and_the_closest(site, run):
    with_topics(site, "[Neglect, Toxic trios]")
    result = run("build", "--format", "html", cwd=site)
    assert result.exit_code == 1
    line = site.joinpath(ISSUE).read_text().splitlines().index(
        "topics: [Neglect, Toxic trios]") + 1
    assert f"{ISSUE}:{line}: topics: 'Toxic trios' is not one of the site's topics; did you " \
           "mean 'Toxic trio'?" in result.output
    assert not (site / "output").exists()


def test_a_block_names_a_topic_the_site_lacks(site, run):
    with_topics(site)
    block = site / "blocks/quote/why-review.yml"
    block.write_text(block.read_text().replace("[Toxic trio]", "[Domestic abuse]"))
    result = run("build", "--format", "html", cwd=site)
    assert result.exit_code == 1
    assert "blocks/quote/why-review.yml:2: topics: 'Domestic abuse' is not one of the " \
           "site's topics; the topics are: Neglect, Toxic trio, Voice of the child. If it is a " \
           "new topic, add it to 'topics:' in site.yml" in result.output


def test_two_topics_that_would_share_a_page_are_refused(site, run):
    (site / "site.yml").write_text((site / "site.yml").read_text() + VOCABULARY
                                   + "  'Toxic  Trio!': The same page again.\n")
    result = run("check", cwd=site)
    assert result.exit_code == 1
    assert "site.yml:7:1: error: topics: 'Toxic  Trio!' and 'Toxic trio' would share the page " \
           "topics/toxic-trio.html" in result.output


def test_the_issue_page_carries_its_topics_and_links_their_pages(site, run):
    with_topics(site)
    built(run, site)
    html = (site / "output/bulletin/2024-03-issue-7.html").read_text()
    assert '<meta name="keywords" content="voice of the child, neglect, Toxic trio">' in html
    assert re.findall(r'<meta name="dcterms.subject" content="([^"]+)">', html) == [
        "Neglect", "Voice of the child", "Toxic trio"]
    assert ('<p class="topics">More on <a href="../topics/neglect.html">Neglect</a>, '
            '<a href="../topics/voice-of-the-child.html">Voice of the child</a> and '
            '<a href="../topics/toxic-trio.html">Toxic trio</a>: every article we have '
            'published on them.</p>') in html


def test_each_topic_has_a_page_listing_its_issues_and_articles_and_a_feed(site, run):
    with_topics(site)
    later = site / "issues/bulletin/2024-06-issue-8.md"
    later.write_text("---\ntitle: Summer\nnumber: 8\ndate: 2024-06-01\nstatus: published\n"
                     "summary: Toxic trio.\ntopics: [Toxic trio]\n---\n\n# Summer\n\nWords.\n")
    built(run, site)
    output = site / "output"
    trio = (output / "topics/toxic-trio.html").read_text()
    titles = re.findall(r'<h3 class="archive-entry__title"><a href="([^"]+)">', trio)
    assert titles == ["../bulletin/2024-06-issue-8.html", "../bulletin/2024-03-issue-7.html"]
    # The block is about the topic by itself: its article is listed under its issue.
    assert '<a href="../bulletin/2024-03-issue-7.html#block-why-review">Why we review</a>' in trio
    neglect = (output / "topics/neglect.html").read_text()
    assert "2024-06-issue-8" not in neglect and "archive-entry__articles" not in neglect
    index = (output / "topics/index.html").read_text()
    assert '<a href="toxic-trio.html">Toxic trio</a> (2 issues): Domestic abuse' in index
    home = (output / "index.html").read_text()
    assert '<a href="topics/neglect.html">Neglect</a>' in home
    feed = ElementTree.parse(output / "topics/toxic-trio.xml").getroot()
    assert feed.findtext(f"{ATOM}title").endswith(": Toxic trio")
    assert feed.find(f"{ATOM}link[@rel='alternate']").get("href") == \
        "https://www.example.org.uk/topics/toxic-trio.html"
    assert [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")] == [
        "Summer (Practice Bulletin, Issue 8, June 2024)",
        "Seeing the child (Practice Bulletin, Issue 7, March 2024)"]


def test_a_topic_added_to_a_block_rebuilds_the_issues_that_show_it(site, run):
    with_topics(site)
    built(run, site)
    block = site / "blocks/quote/why-review.yml"
    block.write_text(block.read_text().replace("[Toxic trio]", "[Toxic trio, Neglect]"))
    result = run("build", "--format", "html", cwd=site)
    assert "rendered issues/bulletin/2024-03-issue-7.md" in result.output
    neglect = (site / "output/topics/neglect.html").read_text()
    assert "#block-why-review" in neglect


def test_the_pdf_lists_the_topics_as_keywords(site, run):
    with_topics(site)
    built(run, site, "pdf")
    reader = PdfReader(site / "output/bulletin/2024-03-issue-7.pdf")
    assert reader.metadata["/Keywords"] == "voice of the child, neglect, Toxic trio"


def test_a_renamed_topic_leaves_no_page_or_feed_of_its_old_name(site, run):
    with_topics(site)
    built(run, site)
    output = site / "output"
    site_yml = site / "site.yml"
    site_yml.write_text(site_yml.read_text().replace("  Neglect:", "  Child neglect:"))
    issue = site / ISSUE
    issue.write_text(issue.read_text().replace("[neglect,", "[Child neglect,"))
    result = run("build", "--format", "html", "--verbose", cwd=site)
    assert result.exit_code == 0, result.output
    assert "removed output/topics/neglect.html" in result.output
    assert not (output / "topics/neglect.html").exists()
    assert not (output / "topics/neglect.xml").exists()
    assert "child-neglect.html" in (output / "topics/index.html").read_text()
    # Without the topics, their pages go too: all but a file someone changed since.
    (output / "topics/voice-of-the-child.xml").write_text("kept: changed by hand")
    site_yml.write_text(site_yml.read_text().split("topics:")[0])
    issue.write_text(issue.read_text().replace("topics: [Child neglect, Voice of the child]\n",
                                               ""))
    block = site / "blocks/quote/why-review.yml"
    block.write_text(block.read_text().replace("topics: [Toxic trio]\n", ""))
    built(run, site)
    assert sorted(path.name for path in (output / "topics").iterdir()) == [
        "voice-of-the-child.xml"]
    assert "topics/" not in (output / "index.html").read_text()


def test_a_published_issue_s_block_that_drops_a_topic_is_named_by_the_build(site, run):
    with_topics(site)
    result = run("publish", ISSUE, cwd=site)
    assert result.exit_code == 0, result.output
    # Built again as it was published, even as a page alone: nothing to say.
    result = run("build", "--format", "html", "--force", cwd=site)
    assert result.exit_code == 0 and "inputs that changed" not in result.output
    block = site / "blocks/quote/why-review.yml"
    block.write_text(block.read_text().replace("topics: [Toxic trio]\n", ""))
    moved = "topics (were 'Neglect, Voice of the child, Toxic trio', now 'Neglect, Voice of " \
            "the child'); restore them, or publish a correction"
    result = run("build", "--frozen", cwd=site)
    assert result.exit_code == 1
    assert moved in result.output
    # A build without --frozen builds it, and says its copy is no longer the one published.
    result = run("build", "--format", "html", cwd=site)
    assert result.exit_code == 0
    assert f"warning: {ISSUE} is built from inputs that changed since it was published " \
           "(block why-review, topics), so the files here are not the edition published; " \
           "'publisher verify' shows how they differ." in result.output


def test_a_topic_is_found_whatever_its_capitals_and_spacing(site, run):
    with_topics(site, "[' NEGLECT', voice  of the  child]")
    html = built(run, site) and (site / "output/bulletin/2024-03-issue-7.html").read_text()
    assert re.findall(r'<meta name="dcterms.subject" content="([^"]+)">', html) == [
        "Neglect", "Voice of the child", "Toxic trio"]


def test_a_topic_with_no_latin_letters_to_name_its_page_is_refused(site, run):
    (site / "site.yml").write_text((site / "site.yml").read_text() + VOCABULARY
                                   + "  Безпека: Safety, in Ukrainian.\n")
    result = run("check", cwd=site)
    assert result.exit_code == 1
    assert "site.yml:7:1: error: topics: 'Безпека' has no Latin letters or digits, which name " \
           "a topic's page (topics/<name>.html); add some to the name, or spell it in Latin " \
           "letters" in result.output
