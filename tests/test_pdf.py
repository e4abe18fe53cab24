"""WeasyPrint may read the site's own files and nothing else."""

from __future__ import annotations

import os

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
     "internet cannot be used in a page; save the file inside the site and refer to it there"),
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
