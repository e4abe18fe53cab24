"""WeasyPrint may read the site's own files and nothing else."""

from __future__ import annotations

import email.message
import io
import os
import urllib.error
import urllib.request

import pytest
from pypdf import PdfReader

from conftest import ISSUE_HEAD, tiny_png, write_issue

ISSUE = "issues/bulletin/2024-03-issue-7.md"


@pytest.mark.parametrize("reference, refused", [
    ("file:///etc/passwd", ": /etc/passwd is outside the site; a page may use only files "
     "inside the site's own folders"),
    ("../../../../../../../../etc/hostname", ":9: ../../../../../../../../etc/hostname is "
     "outside the site; a page may use only files inside the site's own folders"),
    ("https://example.org/logo.png", ": https://example.org/logo.png: addresses on the "
     "internet cannot be used in a page; save the file inside the site and refer to it there "
     "(or build with --allow-remote to fetch an https:// image)"),
    ("missing.png", ":9: missing.png is not in the site; check the name, and put the file "
     "beside the issue in issues/bulletin/"),
])
@pytest.mark.parametrize("output_format", ["pdf", "html"])
def test_a_page_cannot_use_files_from_outside_the_site(site, run, reference, refused,
                                                       output_format):
    write_issue(site, "2024-06-issue-8.md", ISSUE_HEAD.replace("number: 7", "number: 8")
                + f"\n![Logo]({reference})\n")
    result = run("build", "--format", output_format, cwd=site)
    assert result.exit_code == 1
    assert result.stderr == (f"issues/bulletin/2024-06-issue-8.md{refused}\n"
                             "1 problem in 1 file; nothing was written.\n")
    # The good issue, built before the broken one, is not written either.
    assert not (site / "output").exists()


def test_a_link_out_of_the_site_is_refused(site, run, tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not for publishing")
    os.symlink(secret, site / "issues/bulletin/picture.png")
    write_issue(site, "2024-03-issue-7.md", ISSUE_HEAD + "\n![Picture](picture.png)\n")
    result = run("build", "--format", "pdf", cwd=site)
    assert result.exit_code == 1
    assert "is outside the site" in result.stderr


def test_images_inside_the_site_are_used_and_copied_beside_the_page(site, run):
    (site / "issues/bulletin/pictures").mkdir()
    (site / "issues/bulletin/pictures/dot.png").write_bytes(tiny_png())
    write_issue(site, "2024-03-issue-7.md", ISSUE_HEAD + "\n![A black dot](pictures/dot.png)\n")
    result = run("build", cwd=site)
    assert result.exit_code == 0, result.output
    page = PdfReader(site / "output/bulletin/2024-03-issue-7.pdf").pages[0]
    images = [x.get_object()["/Subtype"] for x in page["/Resources"]["/XObject"].values()]
    assert "/Image" in images
    assert (site / "output/bulletin/pictures/dot.png").read_bytes() == tiny_png()
    assert '<img alt="A black dot" src="pictures/dot.png">' in \
        (site / "output/bulletin/2024-03-issue-7.html").read_text()


class FakeResponse(io.BytesIO):
    """What urllib.request.urlopen gives, for a remote image served from memory."""

    def __init__(self, data: bytes, kind: str):
        super().__init__(data)
        self.headers = email.message.Message()
        self.headers["Content-Type"] = kind


@pytest.fixture
def served(monkeypatch):
    """https:// addresses answered from this dict (address: (bytes, type) or an OSError)."""
    answers: dict[str, object] = {}

    def urlopen(request, timeout):
        assert timeout == 10
        answer = answers[request.full_url]
        if isinstance(answer, OSError):
            raise answer
        return FakeResponse(*answer)

    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    return answers


REMOTE = "https://images.example.org/chart.png"


def test_allow_remote_lets_an_https_image_in(site, run, served):
    served[REMOTE] = (tiny_png(), "image/png")
    write_issue(site, "2024-03-issue-7.md", ISSUE_HEAD + f"\n![A chart]({REMOTE})\n")
    refused = run("build", cwd=site)
    assert refused.exit_code == 1
    assert "--allow-remote" in refused.stderr
    result = run("build", "--allow-remote", "--jobs", "1", cwd=site)
    assert result.exit_code == 0, result.output
    page = PdfReader(site / "output/bulletin/2024-03-issue-7.pdf").pages[0]
    assert "/Image" in [x.get_object()["/Subtype"] for x in page["/Resources"]["/XObject"].values()]
    assert f'src="{REMOTE}"' in (site / "output/bulletin/2024-03-issue-7.html").read_text()
    # What an address gives can change, so such an issue is never taken as up to date.
    again = run("build", "--allow-remote", "--jobs", "1", cwd=site)
    assert "Built 1 issue" in again.stdout


@pytest.mark.parametrize("answer, refused", [
    ((b"x" * (5 * 1024 * 1024 + 1), "image/png"), "is larger than 5 MB"),
    ((b"<html></html>", "text/html"), "is not an image (the server says text/html)"),
    (urllib.error.URLError("timed out"), "cannot be fetched (timed out)"),
])
def test_a_remote_image_too_big_not_an_image_or_slow_is_refused(site, run, served, answer,
                                                                 refused):
    served[REMOTE] = answer
    write_issue(site, "2024-03-issue-7.md", ISSUE_HEAD + f"\n![A chart]({REMOTE})\n")
    result = run("build", "--allow-remote", "--jobs", "1", cwd=site)
    assert result.exit_code == 1
    assert result.stderr == (f"issues/bulletin/2024-03-issue-7.md: {REMOTE}: {refused}; save "
                             "the image inside the site instead\n"
                             "1 problem in 1 file; nothing was written.\n")
    assert not (site / "output").exists()


def test_allow_remote_fetches_https_only(site, run, served):
    write_issue(site, "2024-03-issue-7.md",
                ISSUE_HEAD + "\n![A chart](http://images.example.org/chart.png)\n")
    result = run("build", "--allow-remote", "--jobs", "1", cwd=site)
    assert result.exit_code == 1
    assert "http://images.example.org/chart.png: only https:// images can be fetched" \
        in result.stderr


@pytest.mark.parametrize("html", [
    '<link rel="attachment" href="../../site.yml">',
    '<a rel="attachment" href="notes.txt">our notes</a>',
])
def test_a_file_attached_to_the_pdf_is_refused(site, run, html):
    (site / "issues/bulletin/notes.txt").write_text("internal notes")
    issue = site / "issues/bulletin/2024-03-issue-7.md"
    issue.write_text(issue.read_text() + f"\n<p>{html}</p>\n")
    result = run("build", "--format", "pdf", cwd=site)
    assert result.exit_code == 1
    assert "a file cannot be attached to the PDF (rel=\"attachment\"); link to it instead" \
        in result.stderr
    assert result.stderr.startswith("issues/bulletin/2024-03-issue-7.md:52: ")
    assert not (site / "output").exists()
