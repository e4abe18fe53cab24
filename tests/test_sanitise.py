"""The sanitiser: each hostile construct is removed (with what it holds, where it is a
container or hidden text) and reported with its line and column; safe markup is kept as
written."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from publisher.sanitise import ALLOWED_TAGS, Removal, clean_html, unsafe_parts, unsafe_scheme


@pytest.mark.parametrize("html", [
    '<abbr title="Local Safeguarding Children Board">LSCB</abbr>',
    '<p class="note" lang="cy" dir="ltr">Croeso. <em>Welcome</em>, <strong>all</strong>.</p>',
    '<p><a href="https://example.org/review" title="The review">the review</a>, '
    '<a href="../index.html">every issue</a>, <a href="#contacts">contacts</a>, '
    '<a href="mailto:duty.team@example.gov.uk">email</a>, <a href="tel:+441164541004">call</a></p>',
    '<ol start="3"><li>Three</li><li>Four</li></ol>',
    '<dl><dt>LADO</dt><dd>Local authority designated officer</dd></dl>',
    '<blockquote><p>Words <q>quoted</q>, from <cite>Working Together</cite>.</p></blockquote>',
    '<table><caption>Reviews</caption><thead><tr><th scope="col">Year</th>'
    '<th scope="col" colspan="2">Reviews</th></tr></thead><tbody><tr><td>2019</td>'
    '<td colspan="2">24</td></tr></tbody></table>',
    '<figure><img src="chart.png" alt="Referrals by month" width="300" height="200" '
    'class="wide"><figcaption>Referrals</figcaption></figure>',
    '<img src="data:image/png;base64,iVBORw0KGgo=" alt="A dot">',
    '<section aria-label="Case summary" role="region"><h3 id="child-a">Child A</h3>'
    '<aside class="panel">Aside</aside></section>',
    '<p>H<sub>2</sub>O, x<sup>2</sup>, <mark>new</mark>, <small>small</small>, '
    '<span class="highlight">span</span>, <u>u</u>, <i>i</i>, <b>b</b><br>next</p><hr>',
    '<pre><code>publisher build</code></pre>',
    '<div class="panel">\n<p>Two lines,\nkept.</p>\n</div>',
])
def test_safe_markup_is_kept_as_written(html):
    assert clean_html(html) == html
    assert unsafe_parts(html) == []


@pytest.mark.parametrize(("html", "kept", "what"), [
    ('<script>alert("x")</script><p>Text</p>', "<p>Text</p>", "a <script> element"),
    ("<SCRIPT SRC=https://evil.example/x.js></SCRIPT><p>Text</p>", "<p>Text</p>",
     "a <script> element"),
    ("<noscript><p>No scripts</p></noscript><p>Text</p>", "<p>Text</p>",
     "a <noscript> element"),
    ("<style>body { display: none }</style><p>Text</p>", "<p>Text</p>", "a <style> element"),
    ('<iframe src="https://example.org/"></iframe><p>Text</p>', "<p>Text</p>",
     "an <iframe> element"),
    ('<object data="movie.swf">A film</object><p>Text</p>', "<p>Text</p>",
     "an <object> element"),
    ('<embed src="movie.swf"><p>Text</p>', "<p>Text</p>", "an <embed> element"),
    ('<form action="https://example.org/"><label>Name <input name="n"></label>'
     "<button>Send</button></form><p>Text</p>", "<p>Text</p>", "a <form> element"),
    ("<p>Text<textarea>notes</textarea></p>", "<p>Text</p>", "a <textarea> element"),
    ('<p>Text<select><option>a</option></select></p>', "<p>Text</p>", "a <select> element"),
    ('<link rel="stylesheet" href="x.css"><p>Text</p>', "<p>Text</p>", "a <link> element"),
    ('<meta name="keywords" content="secret"><p>Text</p>', "<p>Text</p>", "a <meta> element"),
    ('<base href="https://evil.example/"><p>Text</p>', "<p>Text</p>", "a <base> element"),
    ("<title>Another title</title><p>Text</p>", "<p>Text</p>", "a <title> element"),
    ('<p onclick="alert(1)" onmouseover="x()">Text</p>', "<p>Text</p>",
     "the onclick attribute of <p>"),
    ('<img src="a.png" alt="A" onerror="alert(1)">', '<img src="a.png" alt="A">',
     "the onerror attribute of <img>"),
    ('<p style="color: red">Text</p>', "<p>Text</p>", "the style attribute of <p>"),
    ('<a href="javascript:alert(1)">Text</a>', "<a>Text</a>", "a javascript: link"),
    ('<a href=" JaVaScRiPt:alert(1)">Text</a>', "<a>Text</a>", "a javascript: link"),
    ('<a href="java&#x09;script&colon;alert(1)">Text</a>', "<a>Text</a>", "a javascript: link"),
    ('<a href="vbscript:msgbox(1)">Text</a>', "<a>Text</a>", "a vbscript: link"),
    ('<a href="data:text/html,<script>alert(1)</script>">Text</a>', "<a>Text</a>",
     "a data: link"),
    ('<a href="file:///etc/passwd">Text</a>', "<a>Text</a>", "a file: link"),
    ('<img src="javascript:alert(1)" alt="A">', '<img alt="A">',
     "a javascript: image address"),
    ('<img src="data:text/html,x" alt="A">', '<img alt="A">', "a data: image address"),
    ("<p>Text<!-- a note to self --></p>", "<p>Text</p>", "an HTML comment"),
    ("<p>Text</p>\n<!--\nlines\nof notes\n-->", "<p>Text</p>\n", "an HTML comment"),
])
def test_each_hostile_construct_is_removed_and_reported(html, kept, what):
    assert clean_html(html) == kept
    assert what in [removal.what for removal in unsafe_parts(html)]


@pytest.mark.parametrize(("html", "what"), [
    ("<span hidden>secret words</span>", "hidden text (<span hidden>)"),
    ('<div hidden="until-found"><p>secret words</p></div>', "hidden text (<div hidden>)"),
    ('<span aria-hidden="true">secret words</span>',
     'hidden text (<span aria-hidden="true">)'),
    ('<span style="display:none">secret words</span>',
     'hidden text (<span style="display:none">)'),
    ('<span style="color: red; DISPLAY : None !important">secret words</span>',
     'hidden text (<span style="display:none">)'),
    ('<span style="visibility: hidden">secret words</span>',
     'hidden text (<span style="visibility:hidden">)'),
    ('<span style="font-size: 0px">secret words</span>',
     'hidden text (<span style="font-size:0px">)'),
    ('<span style="opacity:0">secret words</span>', 'hidden text (<span style="opacity:0">)'),
    ('<span style="display:/**/none">secret words</span>',
     'hidden text (<span style="display:none">)'),
    ("<details hidden><summary>secret</summary>secret words</details>",
     "hidden text (<details hidden>)"),
    ("<font hidden>secret words</font>", "hidden text (<font hidden>)"),
    ("<span hidden/>secret words</span>", "hidden text (<span hidden>)"),
    ("<svg hidden><text>secret words</text></svg>", "hidden text (<svg hidden>)"),
])
def test_hidden_text_is_removed_with_its_content(html, what):
    cleaned = clean_html(f"<div>Before {html} after.</div>")
    assert "secret" not in cleaned
    assert cleaned == "<div>Before  after.</div>"
    [removal] = unsafe_parts(html)
    assert (removal.code, removal.what) == ("hidden-text", what)


def test_visible_styles_are_not_hidden_text():
    html = '<span style="font-size: 10px; opacity: 0.5" aria-hidden="false">shown</span>'
    assert clean_html(html) == '<span aria-hidden="false">shown</span>'
    assert [removal.code for removal in unsafe_parts(html)] == ["unsafe-html"]


def test_what_is_inside_a_removed_element_is_reported_once():
    html = ('<div hidden><script>alert(1)</script><a onclick="x">a</a>'
            '<div><span hidden>b</span></div></div>\n<p onclick="y">Text</p>')
    assert [(removal.what, removal.line) for removal in unsafe_parts(html)] == [
        ("hidden text (<div hidden>)", 1), ("the onclick attribute of <p>", 2)]
    assert clean_html(html) == "\n<p>Text</p>"


def test_removals_have_their_line_and_column():
    html = 'First line.\n  <script>alert(1)</script>\nThird <a href="javascript:x">line</a>.'
    assert [(r.line, r.column, r.code) for r in unsafe_parts(html)] == [
        (2, 3, "unsafe-html"), (3, 7, "unsafe-html")]


def test_markdown_around_the_html_is_not_mistaken_for_it():
    text = ("See <https://example.org/hidden> or write to <duty.team@example.gov.uk>; "
            "a < b and b > a.")
    assert unsafe_parts(text) == []


def test_a_removal_says_what_is_removed_and_what_to_do():
    [script, link, handler, hidden, comment] = unsafe_parts(
        '<script>x</script><a href="javascript:x" onclick="x">a</a><b hidden>c</b><!-- d -->')
    assert script.message() == ("this <script> element is removed from the issue; bulletins "
                                "cannot run scripts")
    assert link.message("block") == (
        "this javascript: link is removed from the block; link only to http://, https://, "
        "mailto: or tel: addresses, or to a page or file in the site")
    assert handler.message() == ("the onclick attribute of <a> is removed from the issue; "
                                 "bulletins cannot run scripts")
    assert hidden.message().startswith("this hidden text (<b hidden>) is removed from the "
                                       "issue; text a reader cannot see")
    assert comment == Removal("comment", "an HTML comment", "comments are never published",
                              1, 74)


@pytest.mark.parametrize(("address", "image", "scheme"), [
    ("https://example.org/", False, None),
    ("HTTP://example.org/", False, None),
    ("mailto:team@example.gov.uk", False, None),
    ("tel:+441164541004", False, None),
    ("../index.html", False, None),
    ("#contacts", False, None),
    ("//example.org/x", False, None),
    ("a/b:c", False, None),
    ("javascript:alert(1)", False, "javascript"),
    ("\x01java\nscript:alert(1)", False, "javascript"),
    ("data:image/png;base64,AA", False, "data"),
    ("data:image/png;base64,AA", True, None),
    ("file:///srv/site/issues/a.png", True, None),  # the build says which files may be used
    ("file:///etc/passwd", False, "file"),
    ("javascript:alert(1)", True, "javascript"),
])
def test_unsafe_schemes(address, image, scheme):
    assert unsafe_scheme(address, image=image) == scheme


PIECES = ["<script>", "</script>", "<style>", "<span hidden>", "</span>", "<div>", "</div>",
          "<p>", "</p>", "<!--", "-->", '<a href="javascript:x" onclick="y">', "</a>",
          '<b style="display:none">', "</b>", "<iframe>", "<svg>", "<title>", "<textarea>",
          "<noscript>", "<xmp>", "<plaintext>", "<table><tr><td>", "<math><mi>",
          '"', "'", "<", ">", "&", "&lt;", "secret", "text", "\n", " ", "=", "/"]


class _Markup(HTMLParser):
    """The tags, attributes and comments of clean HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=25).map("".join))
def test_cleaned_html_holds_nothing_unsafe_and_cleans_to_itself(fragment):
    cleaned = clean_html(fragment)
    assert clean_html(cleaned) == cleaned
    markup = _Markup()
    markup.feed(cleaned)
    markup.close()
    assert markup.comments == []
    for tag, attributes in markup.tags:
        assert tag in ALLOWED_TAGS
        assert not any(name.startswith("on") or name in ("style", "hidden", "aria-hidden")
                       for name in attributes)
        assert not any(unsafe_scheme(value or "") for name, value in attributes.items()
                       if name == "href")
