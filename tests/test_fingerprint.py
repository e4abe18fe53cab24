"""An issue's fingerprint names every input that shapes its files, and nothing that does not."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

from publisher.build import render_issue
from publisher.config import read_site
from publisher.fingerprint import SOFTWARE, SOFTWARE_PACKAGES, InputReader, software_versions
from publisher.formats import FORMATS
from publisher.pages import PageMaker
from publisher.pdf import render_pdf
from publisher.plan import gather
from publisher.resources import SiteResources

from conftest import ISSUE_HEAD, tiny_png, write_issue


def rendered(site: Path):
    loaded_site, _ = read_site(site)
    [planned] = gather(loaded_site).issues
    output = site / "output"
    resources = SiteResources(site, output, site / "styles", site / "issues",
                              loaded_site.settings.archive_address)
    maker = PageMaker(loaded_site, output)
    page = maker.render(planned.issue, planned.blocks)
    result = render_issue(page, FORMATS, resources, InputReader(loaded_site), planned.blocks,
                          maker)
    pdf = render_pdf(page.html, page.path, resources, "issue", planned.issue.front.date)
    return result, pdf


def test_every_file_weasyprint_loads_is_in_the_fingerprint(site):
    (site / "issues/bulletin/pictures").mkdir()
    (site / "issues/bulletin/pictures/dot.png").write_bytes(tiny_png())
    write_issue(site, "2024-03-issue-7.md", ISSUE_HEAD + "\n![A black dot](pictures/dot.png)\n"
                "\n[[duty-team]]\n")
    result, pdf = rendered(site)
    labels = set(result.fingerprint.inputs)
    loaded = {path.relative_to(site.resolve()).as_posix() for path in pdf.loaded}
    assert "issues/bulletin/pictures/dot.png" in loaded
    assert any(label.endswith(".ttf") for label in loaded)
    assert loaded <= labels
    assert {"block duty-team", "blocks/contacts/_kind.yml", "template blocks/contacts.html",
            "template issue.html", "issues/bulletin/series.yml"} <= labels
    assert not any(label.startswith("blocks/findings") for label in labels)


def test_files_named_in_raw_html_are_inputs(site):
    (site / "issues/bulletin/pictures").mkdir()
    for name in ("a.png", "b.png", "c.png"):
        (site / "issues/bulletin/pictures" / name).write_bytes(tiny_png())
    write_issue(site, "2024-03-issue-7.md", ISSUE_HEAD + (
        '\n<div style="background-image: url(pictures/a.png)">A</div>\n\n'
        '<style>.z { background: url("pictures/b.png") }</style>\n\n'
        '<p><img srcset="pictures/c.png 1x" src="pictures/c.png" alt="C"></p>\n'))
    result, _ = rendered(site)
    # Authors' styles are removed from the page (see sanitise), so only the image is used.
    assert "issues/bulletin/pictures/c.png" in result.fingerprint.inputs
    assert not {"issues/bulletin/pictures/a.png", "issues/bulletin/pictures/b.png"} \
        & set(result.fingerprint.inputs)


def test_a_template_that_appears_later_rebuilds_the_issues(site, run):
    base = site / "templates/base.html"
    base.write_text(base.read_text().replace(
        "{% block footer %}", '{% block footer %}\n{% include "notice.html" ignore missing %}'))
    assert run("build", "--format", "html", cwd=site).exit_code == 0
    (site / "templates/notice.html").write_text("<p>A notice to every reader.</p>\n")
    result = run("build", "--format", "html", cwd=site)
    assert result.stdout.splitlines()[-1].startswith("Built 1 issue")
    page = site / "output/bulletin/2024-03-issue-7.html"
    assert "A notice to every reader." in page.read_text()


def test_the_software_s_versions_are_those_its_packages_give():
    # Read from the first lines of each package's METADATA, for speed: the same as
    # importlib.metadata parsing it whole, or every published issue's lock would differ.
    versions = software_versions()
    assert {package: versions[SOFTWARE + package] for package in SOFTWARE_PACKAGES} == \
        {package: metadata.version(package) for package in SOFTWARE_PACKAGES}
