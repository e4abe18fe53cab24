"""The Markdown body: articles as sections, printable link addresses, plain email links;
raw HTML cleaned, and the HTML of placed blocks kept as our templates made it."""

from __future__ import annotations

import re

import pytest

from publisher.markdown import EmbeddedBlock, Section, render_fragment, render_markdown


def test_each_top_heading_starts_an_article_section():
    body = render_markdown("Intro.\n\n# One\n\nText.\n\n## Part\n\nMore.\n\n# Two\n\nEnd.\n")
    assert body.html == (
        "<p>Intro.</p>\n"
        '<section aria-labelledby="one" class="article"><h2 id="one">One</h2>\n'
        "<p>Text.</p>\n"
        '<h3 id="part">Part</h3>\n'
        "<p>More.</p>\n"
        '</section><section aria-labelledby="two" class="article"><h2 id="two">Two</h2>\n'
        "<p>End.</p>\n"
        "</section>")
    assert body.sections == [Section("one", "One"), Section("two", "Two")]


def test_classes_on_a_heading_style_its_article():
    body = render_markdown("# Contacts {.panel}\n\nCall us.\n")
    assert body.html.startswith(
        '<section aria-labelledby="contacts" class="article panel"><h2 id="contacts">')


def test_section_titles_are_plain_text():
    body = render_markdown("# What's new?\n\n# Ofsted's *evaluation*\n")
    assert [s.title for s in body.sections] == ["What’s new?", "Ofsted’s evaluation"]


def test_repeated_headings_get_distinct_anchors():
    body = render_markdown("# News\n\n# News\n")
    assert [s.anchor for s in body.sections] == ["news", "news_1"]


def test_external_links_carry_the_address_to_print():
    body = render_markdown("See [the review](https://example.org/review) or "
                           "[email us](mailto:team@example.gov.uk).")
    assert 'data-print-href="https://example.org/review"' in body.html
    assert 'data-print-href="team@example.gov.uk"' in body.html


def test_links_that_show_their_address_do_not_repeat_it():
    body = render_markdown("<https://example.org/> and [www.example.org](https://www.example.org/)"
                           " and [#top](#top) and <team@example.gov.uk>")
    assert "data-print-href" not in body.html


def test_email_addresses_are_written_plainly():
    body = render_markdown("<duty.team@example.gov.uk>")
    assert body.html == ('<p><a href="mailto:duty.team@example.gov.uk">'
                         "duty.team@example.gov.uk</a></p>")


def test_table_header_cells_have_column_scope():
    body = render_markdown("| Area | Phone |\n|---|---|\n| North | 01234 |\n")
    assert '<th scope="col">Area</th>' in body.html


def test_footnotes_stay_outside_the_last_article():
    body = render_markdown("# One\n\nText[^1].\n\n[^1]: A note.\n")
    notes = body.html.index('<section aria-labelledby="notes:heading"')
    assert body.html.index("</section>") < notes
    assert body.sections == [Section("one", "One")]  # the notes are no article


NOTES = ("# One\n\nSeen[^a] and heard[^b], seen again[^a].\n\n"
         "[^a]: From *the audit* of [40 cases](https://example.org/audit).\n"
         "[^b]: A second note.\n\n    Its second paragraph.\n")


def test_a_footnote_reference_is_named_and_followed_by_the_note_for_print():
    html = render_markdown(NOTES).html
    assert ('Seen<sup id="fnref:a"><a aria-label="Note 1" class="footnote-ref" href="#fn:a" '
            'role="doc-noteref">1</a><a aria-label="Note 1" class="footnote-print-ref" hidden '
            'href="#fnp:a">1</a></sup><span class="footnote-print" data-note="1" '
            'data-pdf-tag="Note" hidden id="fnp:a">From <em>the audit</em> of <a '
            'data-print-href="https://example.org/audit" href="https://example.org/audit">40 '
            "cases</a>.</span> and heard") in html
    # A note of several paragraphs is printed as several block spans, each in the note.
    assert ('<span class="footnote-print" data-note="2" data-pdf-tag="Note" hidden '
            'id="fnp:b"><span class="footnote-print__part">A second note.</span><span '
            'class="footnote-print__part">Its second paragraph.</span></span>') in html
    # A note cited twice is printed once; its second reference links to the same copy.
    assert html.count('class="footnote-print"') == 2
    assert ('seen again<sup id="fnref2:a"><a aria-label="Note 1" class="footnote-ref" '
            'href="#fn:a" role="doc-noteref">1</a><a aria-label="Note 1" '
            'class="footnote-print-ref" hidden href="#fnp:a">1</a></sup>.') in html


def test_the_notes_are_listed_under_a_heading_with_back_links_in_words():
    html = render_markdown(NOTES).html
    notes = html[html.index('<section aria-labelledby="notes:heading"'):]
    assert notes.startswith('<section aria-labelledby="notes:heading" class="footnotes" '
                            'role="doc-endnotes">\n<h2 id="notes:heading">Notes</h2>\n<ol>\n'
                            '<li id="fn:a">')
    assert ('<a aria-label="Back to the text of note 1" class="footnote-backref" '
            'href="#fnref:a" role="doc-backlink">Back to the text</a> <a aria-label="Back to '
            'reference 2 of note 1" class="footnote-backref" href="#fnref2:a" '
            'role="doc-backlink">Back to reference 2</a>') in notes
    assert ('<a aria-label="Back to the text of note 2" class="footnote-backref" '
            'href="#fnref:b" role="doc-backlink">Back to the text</a>') in notes
    assert "&#8617;" not in html and "\u21a9" not in html and "title=" not in html
    assert "<hr" not in notes


def test_the_words_of_the_notes_are_in_the_house_fonts():
    """The heading, back-links and names the notes add are drawn in Source Sans 3 and
    Source Serif 4 (the heading's), with no character a system font would have to draw."""
    from fontTools.ttLib import TTFont

    from conftest import PROJECT

    fonts = PROJECT / "styles" / "fonts"
    for path, words in ((fonts / "source-sans-3/SourceSans3-Regular.ttf",
                         "Back to the text of note 1 Back to reference 2\u00a0Note 1. "),
                        (fonts / "source-serif-4/SourceSerif4-Semibold.ttf", "Notes")):
        with TTFont(path) as font:
            cmap = font.getBestCmap()
        assert [c for c in words if ord(c) not in cmap] == [], path.name


def test_a_table_stands_in_a_region_that_can_scroll_sideways():
    body = render_markdown("# Contacts\n\n| Area | *Phone* |\n|---|---|\n| North | 01234 |\n\n"
                           "After.\n")
    assert ('<h2 id="contacts">Contacts</h2>\n'
            '<div aria-label="Table: Area, Phone" class="table-scroll" role="region" '
            'tabindex="0">\n<table>\n<thead>') in body.html
    assert "</table>\n</div>\n<p>After.</p>\n</section>" in body.html


def test_a_table_in_a_block_field_stands_in_a_region_too():
    html = render_fragment("| Year | Reviews |\n|---|---|\n| 2019 | 24 |\n")
    assert html.startswith('<div aria-label="Table: Year, Reviews" class="table-scroll" '
                           'role="region" tabindex="0">\n<table>')
    assert '<th scope="col">Year</th>' in html


# Raw HTML and unsafe addresses (publisher.sanitise)

UNSAFE = ["<script", "alert", "onclick", "onerror", "style=", "hidden", "secret", "<!--",
          "javascript", "<iframe", "<form", "<meta", "<title", "<style"]


def assert_safe(html: str) -> None:
    for unsafe in UNSAFE:
        assert unsafe not in html.lower(), unsafe


def test_raw_html_blocks_are_cleaned():
    body = render_markdown(
        "# News\n\n<script>alert(1)</script>\n\n<div hidden>\n\nsecret words\n\n</div>\n\n"
        "<!-- a note -->\n\n<iframe src=\"https://example.org/\"></iframe>\n\n"
        '<div class="panel" onclick="alert(1)" style="color: red">A panel.</div>\n\n'
        "<style>p { display: none }</style>\n\nThe end.\n")
    assert_safe(body.html)
    assert body.html == (
        '<section aria-labelledby="news" class="article"><h2 id="news">News</h2>\n'
        '<div class="panel">A panel.</div>\n\n'
        "<p>The end.</p>\n"
        "</section>")


def test_raw_html_among_the_text_is_cleaned_with_what_it_hides():
    body = render_markdown(
        'Text <span hidden>secret **words** and [a link](https://x.org)</span> and '
        '<a href="javascript:alert(1)" onclick="alert(1)">a link</a>; '
        "<script>alert(1)</script> <!-- a note --> <b style=\"display:none\">secret</b>"
        '<abbr title="Local Safeguarding Children Board">LSCB</abbr>.\n')
    assert_safe(body.html)
    assert body.html == ('<p>Text  and <a>a link</a>;   '
                         '<abbr title="Local Safeguarding Children Board">LSCB</abbr>.</p>')


def test_html_that_removes_a_whole_paragraph_leaves_no_empty_one():
    body = render_markdown('Before.\n\n<meta name="keywords" content="secret">\n'
                           "<title>Another title</title>\n\nAfter.\n")
    assert body.html == "<p>Before.</p>\n<p>After.</p>"


def test_hidden_text_stays_out_of_headings_and_the_list_of_articles():
    body = render_markdown("# Findings <span hidden>secret keywords</span>\n\nText.\n")
    assert body.sections == [Section("findings", "Findings")]
    assert_safe(body.html)


@pytest.mark.parametrize("link", [
    "[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x](javascript&#58;alert(1))",
    "[x](vbscript:msgbox(1))", "[x](data:text/html,hello)",
    "[x][ref]\n\n[ref]: javascript:alert(1)", "<javascript://%0aalert(1)>",
])
def test_markdown_links_lose_an_unsafe_address(link):
    html = render_markdown(link + "\n").html
    assert "href" not in html and "data-print-href" not in html
    assert "<a>" in html


def test_markdown_links_and_images_keep_safe_addresses():
    html = render_markdown("[a](https://example.org) [b](mailto:team@example.gov.uk) "
                           "[c](tel:+441164541004) [d](../index.html) [e](#top) "
                           "![A dot](data:image/png;base64,AA) ![A chart](chart.png)\n").html
    for address in ('href="https://example.org"', 'href="mailto:team@example.gov.uk"',
                    'href="tel:+441164541004"', 'href="../index.html"', 'href="#top"',
                    'src="data:image/png;base64,AA"', 'src="chart.png"'):
        assert address in html


def test_an_image_with_an_unsafe_address_loses_it_and_is_not_fetched():
    body = render_markdown("![A picture](javascript:alert(1)) ![A chart](chart.png)\n")
    assert body.images == ["chart.png"]
    assert '<img alt="A picture">' in body.html


def test_attribute_lists_cannot_add_scripts_styles_or_hidden_text():
    body = render_markdown('# News {: onclick="alert(1)" .panel }\n\n'
                           'Text *here*{: style="color: red" onmouseover="alert(1)"}.\n\n'
                           "A secret paragraph.\n{: hidden }\n\n"
                           'Another secret.\n{: style="display: none" }\n\n'
                           '[x](https://example.org){: href="javascript:alert(1)" }\n')
    assert_safe(body.html)
    assert body.html == (
        '<section aria-labelledby="news" class="article panel"><h2 id="news">News</h2>\n'
        "<p>Text <em>here</em>.</p>\n"
        "<p><a>x</a></p>\n"
        "</section>")


def test_block_fields_are_cleaned_too():
    html = render_fragment('Did <span hidden>secret</span> this <script>alert(1)</script>.\n\n'
                           '<p onclick="alert(1)">More.</p>\n')
    assert html == "<p>Did  this .</p>\n<p>More.</p>"


def test_placed_blocks_are_made_by_our_templates_and_kept_as_they_are():
    made = ('<aside class="block" data-kind="contacts" style="--accent: red">'
            '<span aria-hidden="true">·</span><a href="#x" onclick="void 0">x</a></aside>')
    body = render_markdown("Intro.\n\n[[duty-team]]\n",
                           [EmbeddedBlock(line="[[duty-team]]", html=made)])
    assert made in body.html


def test_the_linear_inline_processor_renders_as_python_markdown_does(monkeypatch):
    """Our linear-time copy of Python-Markdown's inline processor (LinearInlineExtension)
    gives the same page as Python-Markdown's own, on text with every kind of inline markup,
    tails after inline elements, raw HTML, lists, tables, footnotes and typographic quotes."""
    from publisher import markdown as ours

    text = "\n\n".join([
        "# An article {.panel}",
        "Some *emphasis*, **strong** text, `code`, a [link](https://example.org/ \"t\"), an "
        "![image](chart.png) and <team@example.gov.uk>; \"quotes\" -- and dashes... done.",
        "- one *a* tail\n- two **b** tail\n    - nested [c](https://x.org) tail\n- three",
        "| A | B |\n| --- | --- |\n| *x* tail | [y](https://y.org) tail |\n| `z` | w |",
        "> A *quoted* line with a footnote[^1].\n> And <abbr title=\"T\">T</abbr> tail.",
        "<div class=\"box\">Raw *HTML* block</div>",
        "Text with <em>inline</em> HTML and &amp; entities &copy; tail.",
        "[^1]: The *note* itself.",
    ])
    linear = ours.render_markdown(text)
    monkeypatch.setattr(ours.LinearInlineExtension, "extendMarkdown", lambda self, md: None)
    stock = ours.render_markdown(text)
    assert linear.html == stock.html
    assert "<em>" in linear.html and "&ldquo;" in linear.html



# Lists nested as writers indent them (NestedListExtension)

NESTED = ("<ul>\n<li>Seen<ul>\n<li>at home<ul>\n<li>in the bedroom</li>\n</ul>\n</li>\n"
          "<li>at school</li>\n</ul>\n</li>\n<li>Heard</li>\n</ul>")


@pytest.mark.parametrize("step", ["  ", "   ", "    "], ids=["2 spaces", "3", "4"])
def test_a_nested_list_nests_whatever_its_indentation(step):
    text = (f"- Seen\n{step}- at home\n{step * 2}- in the bedroom\n{step}- at school\n"
            "- Heard\n")
    assert render_markdown(text).html == NESTED
    assert render_fragment(text) == NESTED  # a block's Markdown field, the same


def test_mixed_indentation_nests_by_where_each_item_stands():
    text = "- Seen\n    - at home\n      - in the bedroom\n  - at school\n- Heard\n"
    assert render_markdown(text).html == NESTED


def test_ordered_lists_nest_by_2_or_3_spaces():
    expected = ("<ol>\n<li>Ask<ol>\n<li>the child</li>\n</ol>\n</li>\n<li>Record<ul>\n"
                "<li>what was said</li>\n</ul>\n</li>\n</ol>")
    assert render_markdown("1. Ask\n   1. the child\n2. Record\n  - what was said\n"
                           ).html == expected
    assert render_markdown("1. Ask\n  1. the child\n2. Record\n    - what was said\n"
                           ).html == expected


def test_an_item_keeps_its_paragraphs_and_code_by_2_spaces():
    html = render_markdown("- Seen\n\n  More about seeing.\n\n  - at home\n\n"
                           "          code under it\n\n- Heard\n").html
    assert html == ("<ul>\n<li>\n<p>Seen</p>\n<p>More about seeing.</p>\n<ul>\n<li>at home"
                    "<pre><code>code under it\n</code></pre>\n</li>\n</ul>\n</li>\n<li>\n"
                    "<p>Heard</p>\n</li>\n</ul>")


def test_a_paragraph_indented_2_spaces_outside_a_list_is_no_code():
    html = render_markdown("Intro.\n\n  An indented paragraph.\n\n- a list\n\nAfter.\n\n"
                           "  Indented again.\n\n    Code, as ever.\n").html
    assert html == ("<p>Intro.</p>\n<p>An indented paragraph.</p>\n<ul>\n<li>a list</li>\n"
                    "</ul>\n<p>After.</p>\n<p>Indented again.</p>\n<pre><code>Code, as ever.\n"
                    "</code></pre>")


def test_a_list_in_a_quotation_nests_by_2_spaces():
    html = render_markdown("> Ask:\n>\n> - Seen\n>   - at home\n> - Heard\n").html
    assert html == ("<blockquote>\n<p>Ask:</p>\n<ul>\n<li>Seen<ul>\n<li>at home</li>\n"
                    "</ul>\n</li>\n<li>Heard</li>\n</ul>\n</blockquote>")


def test_a_block_placed_after_a_nested_list_is_placed():
    made = '<aside class="block">Contacts</aside>'
    body = render_markdown("- Seen\n  - at home\n\n[[duty-team]]\n\n  After, indented.\n",
                           [EmbeddedBlock(line="[[duty-team]]", html=made)])
    assert body.unplaced == []
    assert body.html == ("<ul>\n<li>Seen<ul>\n<li>at home</li>\n</ul>\n</li>\n</ul>\n"
                         f"{made}\n<p>After, indented.</p>")


def test_nesting_changes_only_the_spaces_at_the_start_of_list_lines():
    from publisher.markdown import nest_lists

    lines = ["Intro.", "", "- a", "  - b", "  more of b", "", "   - c", "", "# Next",
             "  not a list", "", "> 1. q", ">   2. r", "[[block]]"]
    assert nest_lists(lines) == ["Intro.", "", "- a", "    - b", "    more of b", "",
                                 "    - c", "", "# Next", "  not a list", "", "> 1. q",
                                 ">     2. r", "[[block]]"]


def test_a_note_named_notes_keeps_an_id_of_its_own():
    html = render_markdown("Text[^notes].\n\n[^notes]: A note.\n").html
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids)) and "fn:notes" in ids and "notes:heading" in ids


def test_a_list_right_after_a_placement_or_a_heading_nests_by_2_spaces():
    made = '<aside class="block">Contacts</aside>'
    body = render_markdown("[[duty-team]]\n- Seen\n  - at home\n\n## Part\n- Heard\n"
                           "  - at school\n", [EmbeddedBlock(line="[[duty-team]]", html=made)])
    assert body.html.count("<ul>") == 4
