"""The Markdown body: articles as sections, printable link addresses, plain email links."""

from __future__ import annotations

from publisher.markdown import Section, render_fragment, render_markdown


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
    assert body.html.index("</section>") < body.html.index('<div class="footnote">')


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
