"""Components written in the Markdown (publisher/components.py): the HTML each makes, what
`publisher check` says of one written wrong, their use in a block's Markdown field, a slot
placed in the body, and the gallery issue in every house style: built with no warning, its
PDF tagged (a figure's image with its description and its caption, callouts as Notes with
their kind in words)."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from publisher.cli import cli
from publisher.components import COMPONENTS, component_problems, read_options
from publisher.markdown import render_fragment, render_markdown

from conftest import ISSUE_HEAD, copy_sample_archive, gallery_in_every_style, write_issue

ISSUE = "issues/bulletin/2024-03-issue-7.md"


def html(text: str) -> str:
    return render_markdown(text).html


# The HTML of each component ------------------------------------------------------------

def test_a_callout_says_its_kind_in_words_and_is_a_note():
    made = html("/// callout | Do not wait\n    kind: warning\nRefer the **same** day.\n///")
    assert ('<div aria-label="Warning: Do not wait" class="callout callout--warning" '
            'data-pdf-tag="Note" role="note">') in made
    assert ('<p class="callout__label"><strong class="callout__kind">Warning</strong>: '
            '<span class="callout__title">Do not wait</span></p>') in made
    assert "<p>Refer the <strong>same</strong> day.</p>" in made


@pytest.mark.parametrize("kind, label", [("key-message", "Key message"), ("note", "Note"),
                                         ("tip", "Tip"), ("warning", "Warning")])
def test_every_kind_of_callout_is_named(kind, label):
    made = html(f"/// callout\n    kind: {kind}\nText.\n///")
    assert f'aria-label="{label}" class="callout callout--{kind}"' in made
    assert f'<strong class="callout__kind">{label}</strong></p>' in made


def test_a_callout_is_a_key_message_unless_it_says_otherwise():
    assert "callout--key-message" in html("/// callout | Key message\nFocus on the child.\n///")
    assert "Key message</strong>:" not in html("/// callout | Key message\nText.\n///")


def test_questions_for_reflection_have_no_tick_boxes():
    made = html("/// prompts\n1. Who saw the child?\n2. What did the child say?\n///")
    assert ('<div aria-label="Questions to talk about" class="prompts" data-pdf-tag="Note" '
            'role="note">') in made
    assert "<ol>\n<li>Who saw the child?</li>" in made
    assert "checklist" not in made and "checkbox" not in made


def test_a_grid_makes_cards_of_a_list_and_keeps_it_a_list():
    made = html("/// grid | Themes\n    columns: 2\n- **One**: a.\n- **Two**: b.\n///")
    assert '<div class="grid grid--2">\n<p class="grid__title">Themes</p>' in made
    assert '<ul class="grid__cards" role="list">\n<li class="card"><strong>One</strong>' in made


def test_a_grid_of_card_blocks():
    made = html("/// grid\n//// card | First\nOne.\n////\n//// card\nTwo.\n////\n///")
    assert '<div class="grid grid--3">\n<div class="grid__cards">' in made
    assert ('<div class="card">\n<p class="card__title"><strong>First</strong></p>\n'
            "<p>One.</p>\n</div>") in made
    assert made.count('class="card"') == 2


def test_a_figure_holds_its_image_caption_and_credit():
    made = render_markdown("/// figure | Referrals by month\n    credit: Source: the board\n"
                           "    size: inline\n![A bar chart](chart.png)\n///")
    assert made.images == ["chart.png"]
    assert ('<figure class="figure figure--inline" data-pdf-tag="Div">\n<img alt="A bar chart" '
            'src="chart.png">\n<figcaption class="figure__caption">Referrals by month '
            '<span class="figure__credit">Source: the board</span></figcaption>') in made.html


def test_a_pull_quote_names_its_source():
    made = html("/// pullquote | Working Together, 2018\nEveryone has a role to play.\n///")
    assert ('<figure class="pullquote" data-pdf-tag="Div">\n<blockquote>\n<p>Everyone has a '
            'role to play.</p>\n</blockquote>\n<figcaption class="pullquote__source">Working '
            "Together, 2018</figcaption>\n</figure>") in made


def test_two_columns():
    assert '<div class="columns">\n<p>One.</p>\n<p>Two.</p>\n</div>' in html(
        "/// columns\nOne.\n\nTwo.\n///")


def test_components_work_in_a_blocks_markdown_fields_too():
    made = render_fragment("/// callout\n    kind: note\nFrom a *block*.\n///")
    assert 'class="callout callout--note"' in made and "<em>block</em>" in made


def test_an_author_cannot_set_attributes_or_handlers_on_a_component():
    made = html('/// callout\n    attrs: {onclick: "steal()", style: "display:none"}\nText.\n///')
    # Refused, the component stays the text it was (and check says why): no element, and so
    # no attribute, is made.
    assert 'onclick="' not in made and 'style="' not in made and 'class="callout' not in made


def test_options_are_read_as_written_and_never_as_yaml():
    assert read_options("credit: Source: the board\nsize: half") == {
        "credit": "Source: the board", "size": "half"}
    assert read_options("a: &x [1]\nb: *x") == {"a": "&x [1]", "b": "*x"}
    assert read_options("no colon here") == (1, "write each option on a line of its own as "
                                             "'name: value', indented four spaces under the "
                                             "line that opens the component")


# What check says of a component written wrong -------------------------------------------

def problems_of(text: str) -> list[tuple[int, int, str]]:
    return component_problems(list(enumerate(text.split("\n"), start=1)))


@pytest.mark.parametrize("text, expected", [
    ("/// calout\nx\n///", (1, 5, "there is no component 'calout'; did you mean 'callout'?")),
    ("/// callout\n    kind: urgent\nx\n///", (2, 5, "kind: 'urgent' is not one of the choices; "
                                              "use 'key-message', 'note', 'warning' or 'tip'")),
    ("/// callout\n    colour: red\nx\n///", (2, 5, "colour: a callout has no such option; its "
                                             "options are: kind")),
    ("/// figure\n![A](a.png)\n///", (1, 5, "a figure needs the caption after a bar: "
                                      "/// figure | ...")),
    ("/// figure | A chart\nNo picture.\n///", (1, 1, "a figure holds one picture, ![what it "
                                                "shows](file.png), and its caption after the "
                                                "bar; this one has 0")),
    ("/// columns | Two\nx\n///", (1, 5, "a columns takes nothing after the bar; remove "
                                   "'| Two'")),
    ("//// card | A\nx\n////", (1, 6, "a card stands inside a grid; put it between '/// grid' "
                                "and '///', with four slashes")),
    ("/// callout\nNever closed.", (1, 1, "this callout is not closed; end it with a line '///' "
                                    "after its last line")),
    ("Text.\n///", (2, 1, "/// closes no component; remove it, or open one above it "
                    "(/// callout)")),
    ("/// grid\n/// card\nx\n///\n///", (2, 1, "a card inside a grid needs more slashes than it: "
                                         "open it with //// and close it the same way")),
])
def test_a_component_written_wrong_is_found(text, expected):
    assert expected in problems_of(text)


def test_components_written_right_have_no_problem():
    gallery = next((Path(__file__).parent.parent / "issues/gallery").glob("[!_]*.md"))
    assert problems_of(gallery.read_text()) == []
    assert problems_of("```\n/// calout\n```") != []  # code is left out by the caller


def test_check_reports_a_component_written_wrong_with_its_line(site, run):
    write_issue(site, "2024-03-issue-7.md", ISSUE_HEAD + "\n/// callout\n    kind: urgent\n"
                "Text.\n///\n\n```\n/// not read in code\n```\n")
    result = run("check", cwd=site)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        f"{ISSUE}:10:5: error: kind: 'urgent' is not one of the choices; use 'key-message', "
        "'note', 'warning' or 'tip' [component]")
    assert "not read in code" not in result.stdout


def test_a_component_written_wrong_in_a_block_names_the_block(site, run):
    block = site / "blocks/findings/old-study.yml"
    block.write_text(block.read_text() + "    summary: |\n      /// callot\n      Text.\n"
                     "      ///\n")
    result = run("check", cwd=site)
    assert ("blocks/findings/old-study.yml:13:11: error: there is no component 'callot'; did "
            "you mean 'callout'? [component]") in result.stdout.splitlines()


def test_every_component_is_in_the_writing_guide():
    guide = (Path(__file__).parent.parent / "docs/writing-an-issue.md").read_text()
    for name in COMPONENTS:
        assert f"/// {name}" in guide or f"//// {name}" in guide, name


# A slot's blocks where the author puts them ----------------------------------------------

SLOT_HEAD = ISSUE_HEAD.replace("---\n", "---\nslots:\n  sidebar: [why-review]\n", 1).replace(
    "date: 2024-03-01", "date: 2024-03-01\nsilence: [heading-skip]")


def test_a_slot_placed_in_the_body_stands_there_and_not_at_the_layouts_place(site, run):
    write_issue(site, "2024-03-issue-7.md", SLOT_HEAD + "\n# First\n\nBefore.\n\n"
                "[[slot: sidebar]]\n\nAfter.\n")
    assert run("build", "--format", "html", cwd=site).exit_code == 0
    page = (site / "output/bulletin/2024-03-issue-7.html").read_text()
    assert page.count("Reviews exist to find what must change") == 1
    assert page.index("Before.") < page.index('<div class="slot slot--sidebar">') < \
        page.index("Reviews exist") < page.index("After.")
    assert "slot slot--sidebar\" aria-label" not in page  # the layout's place is empty


@pytest.mark.parametrize("line, message", [
    ("[[slot: sidebr]]", "[[slot: sidebr]]: the newsletter layout has no slot 'sidebr'; did "
                         "you mean 'sidebar'?"),
    ("[[slot: back-page]]", "[[slot: back-page]]: the slot has no blocks; list them in the "
                            "front matter, under 'slots: back-page:'"),
])
def test_a_slot_placed_wrong(site, run, line, message):
    write_issue(site, "2024-03-issue-7.md", SLOT_HEAD + f"\nText.\n\n{line}\n")
    result = run("build", "--format", "html", cwd=site)
    assert result.exit_code == 1
    assert f"{ISSUE}:14: {message}" in result.stderr.splitlines()


# The gallery in every house style ------------------------------------------------------

@pytest.fixture(scope="module")
def galleries(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The sample archive with the gallery in each house style, built once (HTML and PDF)."""
    site = copy_sample_archive(tmp_path_factory.mktemp("components") / "site")
    made = gallery_in_every_style(site)
    result = CliRunner().invoke(cli, ["--site", str(site), "build", *map(str, made.values())],
                                catch_exceptions=False)
    return {"site": site, "issues": made, "result": result}


def test_the_gallery_builds_in_every_house_style_with_no_warning(galleries):
    result = galleries["result"]
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr, result.stderr
    assert len(galleries["issues"]) >= 3


def pdf_of(galleries: dict[str, Any], style: str) -> Path:
    issue = galleries["issues"][style]
    return galleries["site"] / "output" / issue.parent.name / issue.with_suffix(".pdf").name


def structure(pdf: pikepdf.Pdf) -> list[tuple[str, pikepdf.Dictionary]]:
    """Every structure element of the PDF, with its type, in reading order."""
    found: list[tuple[str, pikepdf.Dictionary]] = []
    pending = [pdf.Root.StructTreeRoot.K]
    while pending:
        item = pending.pop()
        if isinstance(item, pikepdf.Array):
            pending.extend(reversed(list(item)))
        elif isinstance(item, pikepdf.Dictionary) and "/S" in item:
            found.append((str(item.S), item))
            if "/K" in item:
                pending.append(item.K)
    return found


def text_of(element: pikepdf.Dictionary, page_texts: Any = None) -> str:
    return str(element.get("/Alt", ""))


def test_the_gallerys_pdf_is_tagged_in_every_style(galleries):
    for style in galleries["issues"]:
        with pikepdf.open(pdf_of(galleries, style)) as pdf:
            tags = structure(pdf)
        kinds = [kind for kind, _ in tags]
        figures = [element for kind, element in tags if kind == "/Figure"]
        assert any(str(figure.get("/Alt", "")).startswith("A bar split 45% to 55%")
                   for figure in figures), style
        assert kinds.count("/Note") >= 5, style  # four callouts and the questions
        assert "/Caption" in kinds, style
        index = kinds.index("/Figure")
        assert "/Caption" in kinds[index:index + 3], style  # the caption follows its image


def test_the_gallerys_callouts_say_their_kind_in_words_in_print(galleries):
    text = "\n".join(page.extract_text() for page in PdfReader(
        io.BytesIO(pdf_of(galleries, "briefing").read_bytes())).pages)
    for words in ("Key message: Focus on the child", "Warning: A bruise on a baby",
                  "Note", "Tip: Read it with your team", "Questions for your next team"):
        assert words in " ".join(text.split()), words


def test_the_component_gallery_page_is_made_from_the_gallery_issue():
    """docs/components.md is what scripts/component_gallery.py makes of the gallery issue,
    and every picture it shows is there."""
    import sys

    project = Path(__file__).parent.parent
    sys.path.insert(0, str(project / "scripts"))
    from component_gallery import PAGE, gallery_issue, gallery_markdown

    assert PAGE.read_text() == gallery_markdown(gallery_issue().read_text()), (
        "run .venv/bin/python scripts/component_gallery.py")
    for picture in re.findall(r"\]\((components/[^)]+\.png)\)", PAGE.read_text()):
        assert (project / "docs" / picture).is_file(), picture
    made = {name for article in re.findall(r"(?m)^## .*\((.*)\)$", PAGE.read_text())
            for name in re.findall(r"`([\w-]+)`", article)}
    assert made == set(COMPONENTS), "the gallery issue must use every component"
