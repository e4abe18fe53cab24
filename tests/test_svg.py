"""The SVG reader (publisher/svg.py): a picture passes; a script, an event handler, HTML,
an embed, an unsafe address or a reference outside the site is a problem with its line and
what to do; entities are refused before anything is expanded; nothing is ever fetched."""

from __future__ import annotations

import base64
import time
from pathlib import Path
from urllib.parse import quote

import pytest

from publisher.svg import MAX_PROBLEMS, site_files, svg_problems

OPEN = ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'width="40" height="30">\n')
SHOWN = "issues/bulletin/chart.svg"
EXPORT = ("a bulletin's images cannot run scripts; export the picture again without scripts "
          "(in Inkscape: Save As, Plain SVG) or save it as PNG")
OUTSIDE = ("a page may use only files inside the site's own folders; put the file beside the "
           "SVG and refer to it by its name, or save the picture as PNG")
INTERNET = ("a page may use only files inside the site's own folders; save the file inside "
            "the site and refer to it by its name, or save the picture as PNG")


def said(document: str | bytes, local=None) -> list[str]:
    data = document.encode() if isinstance(document, str) else document
    return [problem.message(SHOWN) for problem in svg_problems(data, local)]


def picture(body: str) -> str:
    return OPEN + body + "\n</svg>\n"


@pytest.fixture
def site(tmp_path: Path) -> Path:
    (tmp_path / "issues/bulletin").mkdir(parents=True)
    (tmp_path / "issues/bulletin/photo.png").write_bytes(b"a picture")
    (tmp_path / "outside.png").write_bytes(b"a picture")
    return tmp_path


def test_a_plain_picture_has_no_problems(site):
    document = picture(
        '<defs><linearGradient id="g"><stop offset="0" stop-color="#14506e"/></linearGradient>'
        '<style>@namespace url(http://www.w3.org/2000/svg); rect { fill: url(#g) }</style></defs>'
        '<rect width="10" height="10" style="fill:url(#g)" transform="rotate(4)"/>'
        '<use href="#g"/><use xlink:href="#g"/>'
        '<image href="photo.png" width="5" height="5"/>'
        '<image href="data:image/png;base64,iVBORw0KGgo=" width="5" height="5"/>'
        '<a href="https://example.org/report"><text x="1" y="9">Read the report</text></a>'
        '<a xlink:href="mailto:duty.team@example.gov.uk"><text>Write</text></a>')
    doctype = ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG '
               '1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n')
    assert said(doctype + document, site_files(site / "issues/bulletin", site)) == []
    assert said(b"\xef\xbb\xbf" + document.encode()) == []
    assert said(document.encode("utf-16")) == []


@pytest.mark.parametrize("body, message", [
    ("<script>alert(1)</script>", f"{SHOWN}:2: the SVG has a <script> element; {EXPORT}"),
    ('<svg:script xmlns:svg="http://www.w3.org/2000/svg"/>',
     f"{SHOWN}:2: the SVG has a <svg:script> element; {EXPORT}"),
    ('<rect onclick="steal()" width="1" height="1"/>',
     f"{SHOWN}:2: the SVG has an event handler (onclick on <rect>), which runs a script; "
     f"{EXPORT}"),
    ('<handler type="application/ecmascript">x</handler>',
     f"{SHOWN}:2: the SVG has a <handler> element; {EXPORT}"),
    ('<a xlink:href="javascript:alert(1)"><text>x</text></a>',
     f"{SHOWN}:2: the SVG has a javascript: address (xlink:href on <a>); {EXPORT}"),
    ('<a href=" java&#9;script:alert(1)"><text>x</text></a>',
     f"{SHOWN}:2: the SVG has a javascript: address (href on <a>); {EXPORT}"),
    ('<foreignObject><p xmlns="http://www.w3.org/1999/xhtml">Hi</p></foreignObject>',
     f"{SHOWN}:2: the SVG has a <foreignObject> element (HTML inside the picture); a "
     "bulletin's images can hold only drawing and text; export the picture again with its "
     "text as SVG text (in Inkscape: Save As, Plain SVG) or save it as PNG"),
    ('<iframe width="10" height="10"/>',
     f"{SHOWN}:2: the SVG has an <iframe> element; a bulletin's images cannot embed other "
     "pages or media; remove it, or save the picture as PNG"),
    ('<a href="data:text/html;base64,PHNjcmlwdD4="><text>x</text></a>',
     f"{SHOWN}:2: the SVG has a data: address that is not a picture (text/html, href on <a>); "
     "an SVG may link only to http://, https://, mailto: and tel: addresses, and use only "
     "pictures in data:image/ addresses and files inside the site; remove it, or save the "
     "picture as PNG"),
    ('<a href="ftp://example.org/x"><text>x</text></a>',
     f"{SHOWN}:2: the SVG has a ftp: link (href on <a>); an SVG may link only to http://, "
     "https://, mailto: and tel: addresses, and use only pictures in data:image/ addresses "
     "and files inside the site; remove it, or save the picture as PNG"),
    ('<a href="#top"><set attributeName="href" to="javascript:alert(1)"/></a>',
     f"{SHOWN}:2: the SVG has a <set> that changes href= while the picture is shown, which "
     "publisher cannot check; remove the animation (a printed page does not move), or save "
     "the picture as PNG"),
    ('<g xml:base="file:///etc/"><image href="passwd"/></g>',
     f"{SHOWN}:2: the SVG has xml:base on <g>, which changes where its references lead, so "
     "publisher cannot check them; remove it, or export the picture again (in Inkscape: Save "
     "As, Plain SVG)"),
], ids=["script", "prefixed script", "handler", "svg tiny handler", "javascript link",
        "hidden javascript link", "foreignObject", "iframe", "data html link", "ftp link",
        "animated href", "xml base"])
def test_what_runs_or_embeds_is_a_problem_with_its_line(body, message):
    assert said(picture(body)) == [message]


@pytest.mark.parametrize("reference, found", [
    ("file:///etc/hostname", "a file outside the site; " + OUTSIDE),
    ("/home/officer/photo.png", "a file outside the site; " + OUTSIDE),
    ("C:\\Users\\officer\\photo.png", "a file outside the site; " + OUTSIDE),
    ("https://example.org/photo.png", "an address on the internet; " + INTERNET),
    ("//example.org/photo.png", "an address on the internet; " + INTERNET),
    ("../../../secret.png", "which is outside the site; " + OUTSIDE),
    ("missing.png", "which is not in the site, so the picture would be drawn without it; "
                    "check the name, or put the file beside the SVG"),
])
@pytest.mark.parametrize("element", ['<image href="{}"/>', '<image xlink:href="{}"/>',
                                     '<use href="{}#icon"/>', '<feImage href="{}"/>'])
def test_a_reference_outside_the_site_or_missing_is_a_problem(site, reference, found, element):
    tag = element.split()[0].lstrip("<")
    attribute = element.split()[1].split("=")[0]
    shown = reference + ("#icon" if "#icon" in element else "")
    assert said(picture(element.format(reference)),
                site_files(site / "issues/bulletin", site)) == [
        f"{SHOWN}:2: the SVG has a reference to {shown} ({attribute} on <{tag}>), {found}"]


def test_a_relative_reference_to_any_file_inside_the_site_is_fine(site):
    document = picture('<image href="photo.png"/><image href="../../outside.png"/>'
                       '<image href="./photo.png?v=2"/><image href="photo%2Epng"/>')
    assert said(document, site_files(site / "issues/bulletin", site)) == []


def test_a_symbolic_link_out_of_the_site_is_outside_it(site, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "secret.png"
    elsewhere.write_bytes(b"secret")
    (site / "issues/bulletin/linked.png").symlink_to(elsewhere)
    assert said(picture('<image href="linked.png"/>'),
                site_files(site / "issues/bulletin", site)) == [
        f"{SHOWN}:2: the SVG has a reference to linked.png (href on <image>), which is outside "
        f"the site; {OUTSIDE}"]


@pytest.mark.parametrize("css, line", [
    ("@import url(https://example.org/a.css);", 3),
    ("@import 'https://example.org/a.css';", 3),
    ("rect { fill: url('https://example.org/a.svg#g') }", 3),
    ("rect { fill: \\75 rl(https://example.org/a.svg#g) }", 3),  # a CSS escape
    ("rect { fill: u/**/rl(https://example.org/a.svg#g) }", 3),
    ("/* a\nlong\ncomment */\nrect { background: image-set('https://example.org/a.png' 1x) }",
     6),
])
def test_css_in_a_style_element_is_read_as_a_browser_reads_it(css, line):
    document = picture(f"<style>\n{css}\n</style>")
    problems = said(document)
    assert len(problems) == 1
    assert problems[0].startswith(f"{SHOWN}:{line}: the SVG has a reference to https://")
    assert "(in <style>), an address on the internet" in problems[0]


@pytest.mark.parametrize("attribute", ['style="fill: url(http://example.org/a.svg#g)"',
                                       'fill="url(http://example.org/a.svg#g)"',
                                       'filter="url(http://example.org/f.svg#f)"'])
def test_css_in_attributes_is_read_too(attribute):
    problems = said(picture(f"<rect {attribute}/>"))
    name = attribute.split("=")[0]
    assert problems == [f"{SHOWN}:2: the SVG has a reference to "
                        f"{attribute.split('url(')[1].split(')')[0]} ({name} on <rect>), an "
                        f"address on the internet; {INTERNET}"]


def test_an_xml_stylesheet_instruction_is_read():
    xslt = '<?xml-stylesheet type="text/xsl" href="x.xsl"?>\n' + picture("")
    assert said(xslt) == [f"{SHOWN}:1: the SVG has a <?xml-stylesheet?> of type text/xsl, a "
                          f"transformation that can add scripts; {EXPORT}"]
    css = '<?xml-stylesheet type="text/css" href="https://example.org/a.css"?>\n' + picture("")
    assert said(css) == [f"{SHOWN}:1: the SVG has a reference to https://example.org/a.css "
                         f"(href of <?xml-stylesheet?>), an address on the internet; {INTERNET}"]


def test_an_svg_inside_a_data_address_is_read_as_well():
    inner = '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
    for address in ("data:image/svg+xml," + quote(inner),
                    "data:image/svg+xml;base64," + base64.b64encode(inner.encode()).decode()):
        assert said(picture(f'<image href="{address}"/>')) == [
            f"{SHOWN}:2: in the SVG picture in a data: address (href on <image>), the SVG has "
            f"an event handler (onload on <svg>), which runs a script; {EXPORT}"]
    safe = '<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>'
    assert said(picture(f'<image href="data:image/svg+xml,{quote(safe)}"/>')) == []


def test_svgs_nested_in_data_addresses_too_deep_are_refused():
    document = '<svg xmlns="http://www.w3.org/2000/svg"/>'
    for _ in range(6):
        document = (f'<svg xmlns="http://www.w3.org/2000/svg"><image href="data:image/svg+xml,'
                    f'{quote(document)}"/></svg>')
    problems = said(document)
    assert len(problems) == 1 and "more than 3 deep" in problems[0]


def test_entities_are_refused_before_any_is_expanded():
    laughs = ('<?xml version="1.0"?>\n<!DOCTYPE svg [\n  <!ENTITY lol "lol">\n'
              + "".join(f'  <!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">\n'.replace("&lol0;", "&lol;")
                        for n in range(1, 10))
              + ']>\n<svg xmlns="http://www.w3.org/2000/svg"><text>&lol9;</text></svg>\n')
    started = time.perf_counter()
    assert said(laughs) == [
        f"{SHOWN}:3: the SVG declares entities in its DOCTYPE (<!ENTITY lol ...>); publisher "
        "does not expand entities, as a few lines of them can grow into gigabytes; export the "
        "picture again (in Inkscape: Save As, Plain SVG; in Illustrator: Export As, SVG) or "
        "save it as PNG"]
    assert time.perf_counter() - started < 1


def test_an_external_entity_is_refused_and_never_read():
    document = ('<!DOCTYPE svg [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n'
                '<svg xmlns="http://www.w3.org/2000/svg"><text>&secret;</text></svg>')
    problems = said(document)
    assert len(problems) == 1 and "(<!ENTITY secret ...>)" in problems[0]


@pytest.mark.parametrize("document, message", [
    ('<svg xmlns="http://www.w3.org/2000/svg">\n<rect>\n</svg>',
     f"{SHOWN}:3: the SVG is not well-formed XML (mismatched tag, column 3); open it in a "
     "drawing program and save it again, or save it as PNG"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><x:rect/></svg>',
     f"{SHOWN}:1: the SVG is not well-formed XML (unbound prefix, column 41); open it in a "
     "drawing program and save it again, or save it as PNG"),
    ("", f"{SHOWN} is not an SVG image (the file is empty); save or export it again as SVG"),
    ("Just some text.", f"{SHOWN} is not an SVG image (its content is not an image publisher "
                        "can read); save or export it again as PNG, JPEG or SVG"),
    ("<html><body><p>A page</p></body></html>",
     f"{SHOWN} is not an SVG image (its first element is <html>, not <svg>); save or export "
     "it again as PNG, JPEG or SVG"),
], ids=["mismatched", "unbound prefix", "empty", "text", "html"])
def test_a_file_that_is_not_an_svg_document(document, message):
    assert said(document) == [message]


def test_every_problem_is_reported_up_to_a_cap():
    handlers = "".join(f'<rect onclick="x{n}()"/>\n' for n in range(500))
    problems = said(picture(handlers))
    assert len(problems) == MAX_PROBLEMS + 1
    assert [problem.split(":")[1] for problem in problems[:3]] == ["2", "3", "4"]
    assert problems[-1] == (f"{SHOWN}:12: the SVG has more problems from here on; publisher "
                            f"stops reading after {MAX_PROBLEMS}; fix these, or save the "
                            "picture as PNG")


def test_several_kinds_of_problem_in_one_file_each_have_their_line():
    document = picture('<script>x()</script>\n<rect onload="y()"/>\n'
                       '<image href="https://example.org/a.png"/>')
    assert [problem.split(": the SVG has ")[0] for problem in said(document)] == [
        f"{SHOWN}:2", f"{SHOWN}:3", f"{SHOWN}:4"]


def test_a_large_picture_is_read_quickly():
    rectangles = "".join(f'<rect x="{n}" y="{n}" width="3" height="3" fill="#{n % 999:03d}"/>\n'
                         for n in range(100_000))
    started = time.perf_counter()
    assert said(picture(rectangles)) == []
    assert time.perf_counter() - started < 5
