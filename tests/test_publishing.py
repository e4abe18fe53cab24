"""Publishing locks an issue; verify proves it still comes out the same; --frozen refuses a
published issue whose inputs moved; a correction is a new edition, shown to readers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import PROJECT, write_issue

JUNE_2011 = "issues/learning-review/2011-06-issue-1.md"
#: The latest edition of the sample issues in the project's lock (each was locked again, by
#: publisher relock, after upgrades that left their files as they were).
EDITION = len(json.loads((PROJECT / "archive-lock.json").read_text())["issues"][JUNE_2011]
              ["editions"])
OFSTED = "blocks/findings/ofsted-voice-of-the-child.yml"


def lock_of(site: Path) -> dict:
    return json.loads((site / "archive-lock.json").read_text())["issues"]


def pdf_text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(path).pages)


def test_verify_reports_every_sample_issue_identical(sample, run):
    result = run("verify", cwd=sample)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    locked = sorted(lock_of(sample))
    assert len(locked) == 6
    assert lines[:-1] == [f"identical  {issue} (edition {EDITION})" for issue in locked]
    assert lines[-1] == "6 issues: 6 identical."


def test_a_changed_block_is_named_and_frozen_builds_refuse_it(sample, run):
    block = sample / OFSTED
    block.write_text(block.read_text().replace("reviews: 67", "reviews: 76"))

    result = run("verify", JUNE_2011, "--format", "json", cwd=sample)
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    [verdict] = report["issues"]
    assert verdict["issue"] == JUNE_2011
    assert verdict["outcome"] == "changed"
    assert [moved.split(" (")[0] for moved in verdict["inputs_moved"]] == [
        "block ofsted-voice-of-the-child"]
    assert verdict["pages_differing"] == [4]

    result = run("build", "--frozen", cwd=sample)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"{JUNE_2011}: published (edition {EDITION}), but 1 of its inputs changed since it was "
        "locked: block ofsted-voice-of-the-child (was the version from 2011-04-01 (")
    assert "restore it, or publish a correction: publisher publish" in result.stderr
    assert result.stderr.endswith("1 problem in 1 file; nothing was written (--frozen).\n")
    assert not (sample / "output").exists()


def test_pinning_the_version_it_showed_makes_it_identical_again(sample, run):
    # The block gains a version dated before the issue: the issue would now show it.
    block = sample / OFSTED
    text = block.read_text()
    first = text[text.index("  - from: 2011-04-01"):]
    block.write_text(text + first.replace("from: 2011-04-01", "from: 2011-05-01")
                     .replace("reviews: 67", "reviews: 76"))
    result = run("build", "--frozen", "--format", "html", JUNE_2011, cwd=sample)
    assert result.exit_code == 1
    assert "pin the version it showed ([[ofsted-voice-of-the-child | version: 1]])" \
        in result.stderr
    assert run("verify", JUNE_2011, cwd=sample).stdout.startswith("changed")

    issue = sample / JUNE_2011
    issue.write_text(issue.read_text().replace(
        "[[ofsted-voice-of-the-child | no heading]]",
        "[[ofsted-voice-of-the-child | no heading | version: 1]]"))
    result = run("verify", JUNE_2011, cwd=sample)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"identical  {JUNE_2011} (edition {EDITION})\n")
    result = run("build", "--frozen", "--format", "html", cwd=sample)
    assert result.exit_code == 0, result.output


def test_a_correction_is_a_new_edition_shown_to_readers(sample, run):
    before = lock_of(sample)[JUNE_2011]["editions"]
    issue = sample / JUNE_2011
    issue.write_text(issue.read_text().replace("Where are we now?", "Where we are now"))
    result = run("publish", JUNE_2011, "--correction", "The headline was mistyped.",
                 "--date", "2026-12-20", cwd=sample)
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"Published {JUNE_2011} as edition {EDITION + 1} (a corrected edition, 5 pages): "
        "learning-review/2011-06-issue-1.pdf, learning-review/archival/2011-06-issue-1.pdf "
        "(archival, PDF/A-2a), learning-review/2011-06-issue-1.html; locked in "
        "archive-lock.json.\n")

    editions = lock_of(sample)[JUNE_2011]["editions"]
    assert editions[0] == before[0]
    assert [e["edition"] for e in editions] == list(range(1, EDITION + 2))
    corrected = editions[-1]
    assert corrected["correction"] == "The headline was mistyped."
    assert corrected["outputs"]["pdf"]["sha256"] != before[-1]["outputs"]["pdf"]["sha256"]
    archival = corrected["outputs"]["archival"]
    assert archival["file"] == "learning-review/archival/2011-06-issue-1.pdf"
    assert archival["text"] == corrected["outputs"]["pdf"]["text"]  # the same pages
    assert archival["sha256"] != corrected["outputs"]["pdf"]["sha256"]  # PDF/A, not PDF/UA
    # After the correction the sample has already (its topics, 5 December 2026).
    assert ("corrections:\n  - date: 2026-12-05\n" in issue.read_text())
    assert ("\n  - date: 2026-12-20\n    note: \"The headline was mistyped.\"\n---"
            in issue.read_text())

    output = sample / "output/learning-review/2011-06-issue-1"
    first_page = " ".join(PdfReader(output.with_suffix(".pdf")).pages[0].extract_text().split())
    assert ("Corrections This issue was corrected after it was published. "
            "5 December 2026: Topics added") in first_page
    assert "20 December 2026: The headline was mistyped." in first_page
    html = output.with_suffix(".html").read_text()
    assert '<time datetime="2026-12-20">20 December 2026</time>: The headline was mistyped.' \
        in html
    assert run("verify", JUNE_2011, cwd=sample).exit_code == 0


def test_publishing_an_issue_twice_is_refused(sample, run):
    result = run("publish", JUNE_2011, cwd=sample)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {JUNE_2011} is published already (edition {EDITION}); to publish a changed "
        f"version, say what changed: publisher publish {JUNE_2011} --correction \"...\"\n")


def test_publishing_a_draft_marks_it_published_and_locks_it(site, run):
    issue = site / "issues/bulletin/2024-03-issue-7.md"
    issue.write_text(issue.read_text().replace("status: published", "status: draft  # for now"))
    result = run("publish", "--correction", "x", "issues/bulletin/2024-03-issue-7.md", cwd=site)
    assert result.exit_code == 1
    assert "has not been published, so it has nothing to correct" in result.stderr

    assert run("publish", "issues/bulletin/2024-03-issue-7.md", cwd=site).exit_code == 0
    assert "status: published  # for now\n" in issue.read_text()
    [edition] = lock_of(site)["issues/bulletin/2024-03-issue-7.md"]["editions"]
    pdf = site / "output/bulletin/2024-03-issue-7.pdf"
    assert edition["outputs"]["pdf"]["file"] == "bulletin/2024-03-issue-7.pdf"
    assert edition["outputs"]["pdf"]["bytes"] == pdf.stat().st_size
    assert len(edition["outputs"]["pdf"]["text"]) == len(PdfReader(pdf).pages)
    inputs = edition["inputs"]
    for label in ("issues/bulletin/2024-03-issue-7.md", "site.yml", "template issue.html",
                  "styles/base.css", "styles/fonts/source-sans-3/SourceSans3-Regular.ttf",
                  "software publisher", "software weasyprint"):
        assert label in inputs, label
    assert run("verify", cwd=site).stdout.startswith("identical")


def test_a_publish_that_fails_leaves_the_issue_a_draft(site, run):
    issue = write_issue(site, "2024-06-issue-8.md", (
        "---\ntitle: Next\nnumber: 8\ndate: 2024-06-01\nstatus: draft\nsummary: Soon.\n---\n\n"
        "![A chart](missing-chart.png)\n"))
    result = run("publish", "issues/bulletin/2024-06-issue-8.md", cwd=site)
    assert result.exit_code == 1
    assert "2024-06-issue-8.md:9: missing-chart.png is not in the site" in result.stderr
    assert "status: draft" in issue.read_text()
    assert not (site / "archive-lock.json").exists()


def test_verify_fails_for_a_published_issue_that_is_not_locked(site, run):
    result = run("verify", cwd=site)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == "not locked  issues/bulletin/2024-03-issue-7.md"


def edit_lock(site: Path, change) -> None:
    path = site / "archive-lock.json"
    document = json.loads(path.read_text())
    change(document["issues"][JUNE_2011]["editions"][-1])
    path.write_text(json.dumps(document))


def test_new_software_with_the_same_text_is_the_same_content(sample, run):
    def as_if_locked_by_older_software(edition: dict) -> None:
        edition["inputs"]["software weasyprint"] = "60.0"
        edition["outputs"]["pdf"]["sha256"] = "sha256:" + "0" * 64

    edit_lock(sample, as_if_locked_by_older_software)
    result = run("verify", JUNE_2011, cwd=sample)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"same content  {JUNE_2011} (edition {EDITION})"
    assert lines[1].startswith("                inputs that moved: software weasyprint (60.0 → ")
    assert lines[2:] == ["1 issue: 1 same content."]


def test_a_new_colour_with_the_same_text_is_a_change(sample, run):
    brand = sample / "styles/brand.css"
    brand.write_text(brand.read_text().replace("--brand: #14506e", "--brand: #7a1f5c"))
    result = run("verify", JUNE_2011, cwd=sample)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:3] == [
        f"changed  {JUNE_2011} (edition {EDITION})",
        "           the text is the same, but the issue's own inputs moved",
        "           inputs that moved: styles/brand.css (changed)"]


def test_a_locked_issue_that_is_gone_or_broken_fails(sample, run):
    (sample / "issues/learning-review/2011-09-issue-2.md").unlink()
    issue = sample / JUNE_2011
    issue.write_text(issue.read_text().replace("number: 1", "number: one"))
    result = run("verify", "issues/learning-review", cwd=sample)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == f"fails      {JUNE_2011} (edition {EDITION})"
    assert lines[1] == (f"             {JUNE_2011}:3: number: 'one' is not a whole number; "
                        "write it in figures, for example 3")
    assert f"missing    issues/learning-review/2011-09-issue-2.md (edition {EDITION})" in lines
    assert lines[-1] == "4 issues: 1 fails, 1 missing, 2 identical."


def test_a_broken_block_fails_every_issue_it_stops(sample, run):
    block = sample / "blocks/findings/munro-review.yml"
    block.write_text(block.read_text() + "  bogus: [\n")
    result = run("verify", JUNE_2011, "issues/learning-review/2011-09-issue-2.md", cwd=sample)
    assert result.exit_code == 1
    assert [line.split()[0] for line in result.stdout.splitlines()[:-1]
            if not line.startswith(" ")] == ["fails", "fails"]
    assert "blocks/findings/munro-review.yml" in result.stdout


def test_a_damaged_lock_is_reported_with_its_line(sample, run):
    lock = sample / "archive-lock.json"
    lock.write_text(lock.read_text().replace('"format": 1,', '"format": 1', 1))
    result = run("verify", cwd=sample)
    assert result.exit_code == 1
    assert result.stderr == (
        "archive-lock.json:4: cannot be read: this is not valid JSON (expecting ',' delimiter, "
        "column 2); restore it from version control, where it is tracked (git checkout -- "
        "archive-lock.json)\n1 problem in 1 file; nothing was done.\n")


def test_a_wrong_value_in_the_lock_is_named_by_its_path(sample, run):
    lock = sample / "archive-lock.json"
    text = lock.read_text()
    size = f'"bytes": {lock_of(sample)[JUNE_2011]["editions"][0]["outputs"]["pdf"]["bytes"]}'
    lock.write_text(text.replace(size, '"bytes": 1e400', 1))
    result = run("verify", cwd=sample)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        f"archive-lock.json: cannot be read: issues > {JUNE_2011} > editions > 1 > outputs > "
        "pdf > bytes: 1e400 is not a whole number of bytes; restore it from version control, "
        "where it is tracked (git checkout -- archive-lock.json)")


def test_a_correction_keeps_the_files_own_layout(sample, run):
    issue = sample / JUNE_2011
    # The sample's own correction (its topics) written in the file's way instead.
    text = re.sub(r"corrections:\n(?:  .*\n)+", "", issue.read_text())
    text = text.replace("status: published\n", "status: published\n"
                        "corrections:\n- date: 2011-06-20\n  note: First.\n")
    issue.write_bytes(text.replace("\n", "\r\n").encode())
    result = run("publish", JUNE_2011, "--correction", "Second.", "--date", "2011-07-01",
                 cwd=sample)
    assert result.exit_code == 0, result.output
    after = issue.read_bytes().decode()
    assert ("corrections:\r\n- date: 2011-06-20\r\n  note: First.\r\n- date: 2011-07-01\r\n"
            "  note: \"Second.\"\r\n") in after
    assert "\n" not in after.replace("\r\n", "")
    result = run("publish", JUNE_2011, "--correction", "Third.", "--date", "2011-06-30",
                 cwd=sample)
    assert result.exit_code == 2
    assert "2011-06-30 is before 2011-07-01" in result.stderr


def test_settings_that_do_not_reach_the_issues_leave_them_frozen(sample, run):
    series = sample / "issues/learning-review/series.yml"
    series.write_text(series.read_text().replace(
        "    style: newsletter-2019\n",
        "    style: newsletter-2019\n"
        "  - from: 2030-01-01  # a later design\n    style: briefing\n"))
    site = sample / "site.yml"
    site.write_text("# The board's settings.\n" + site.read_text())
    result = run("build", "--frozen", "--format", "html", cwd=sample)
    assert result.exit_code == 0, result.output


def test_a_folder_is_not_an_issue_to_publish(sample, run):
    result = run("publish", "issues/safeguarding-matters", cwd=sample)
    assert result.exit_code == 2
    assert "is a folder; give one issue's Markdown file" in result.stderr


def test_verify_says_a_named_draft_has_nothing_to_verify(site, run):
    write_issue(site, "2024-06-issue-8.md", "---\ntitle: Next\nnumber: 8\ndate: 2024-06-01\n"
                "status: draft\nsummary: Soon.\n---\n\nText.\n")
    result = run("verify", "issues/bulletin/2024-06-issue-8.md", cwd=site)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "draft  issues/bulletin/2024-06-issue-8.md",
        "         not published, so nothing to verify",
        "1 issue: 1 draft."]


def test_publishing_is_refused_while_check_finds_anything(site, run, tmp_path):
    names = tmp_path / "names.txt"
    names.write_text("Amelia Hart\n")
    source = write_issue(site, "2024-06-issue-8.md", "---\ntitle: Nearly\nnumber: 8\n"
                         "date: 2024-06-01\nstatus: draft\nsummary: Almost ready.\n---\n\n"
                         "TODO: the ending. We thank Amelia Hart.\n")
    before = source.read_bytes()
    result = run("publish", "issues/bulletin/2024-06-issue-8.md", "--deny-list", str(names),
                 cwd=site)
    assert result.exit_code == 1
    assert "2024-06-issue-8.md:9:1: warning: a draft note ('TODO') is left in a published " \
           "issue" in result.stderr
    assert "2024-06-issue-8.md:9:28: warning: 'Amelia Hart' is a name on the deny-list" \
        in result.stderr
    assert result.stderr.endswith("nothing was published; fix them, or silence a warning you "
                                  "have decided is right (silence: [code]).\n")
    assert source.read_bytes() == before
    assert not (site / "archive-lock.json").exists()
    assert not (site / "output").exists()

    source.write_text(before.decode().replace("TODO: the ending. We thank Amelia Hart.",
                                              "The end."))
    result = run("publish", "issues/bulletin/2024-06-issue-8.md", "--deny-list", str(names),
                 cwd=site)
    assert result.exit_code == 0, result.stderr


def test_bytes_that_differ_with_no_input_moved_are_a_wrong_lock(sample, run):
    def with_wrong_hashes(edition: dict) -> None:
        for output in edition["outputs"].values():
            output["sha256"] = "sha256:" + "0" * 64
            output["bytes"] = 0

    edit_lock(sample, with_wrong_hashes)
    result = run("verify", JUNE_2011, cwd=sample)
    assert result.exit_code == 1
    unexplained = (
        "the bytes of the web PDF (learning-review/2011-06-issue-1.pdf), the archival PDF "
        "(learning-review/archival/2011-06-issue-1.pdf) and the HTML page "
        "(learning-review/2011-06-issue-1.html) differ from the lock, yet none of the inputs "
        "moved: the lock or the build is not what it was; restore archive-lock.json from "
        "version control (git checkout -- archive-lock.json) and verify again, and if it "
        "still differs, find what changed on this machine since the issue was locked")
    assert result.stdout.splitlines() == [
        f"changed  {JUNE_2011} (edition {EDITION})", f"           {unexplained}",
        "1 issue: 1 changed."]

    result = run("verify", JUNE_2011, "--format", "json", cwd=sample)
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert report["issues"] == [{"issue": JUNE_2011, "outcome": "changed", "edition": EDITION,
                                 "inputs_moved": [], "pages_differing": [],
                                 "details": [unexplained],
                                 "only_asset_addresses_differ": False}]


def test_a_size_that_disagrees_with_its_digest_is_not_identical(sample, run):
    def with_a_wrong_size(edition: dict) -> None:
        edition["outputs"]["html"]["bytes"] += 1

    edit_lock(sample, with_a_wrong_size)
    result = run("verify", JUNE_2011, cwd=sample)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[1] == (
        "           the bytes of the HTML page (learning-review/2011-06-issue-1.html) differ "
        "from the lock, yet none of the inputs moved: the lock or the build is not what it "
        "was; restore archive-lock.json from version control (git checkout -- "
        "archive-lock.json) and verify again, and if it still differs, find what changed on "
        "this machine since the issue was locked")


# Locking again after an upgrade: publisher relock ----------------------------------------

BULLETIN = "issues/bulletin/2024-03-issue-7.md"


def published(site: Path, run) -> None:
    result = run("publish", BULLETIN, cwd=site)
    assert result.exit_code == 0, result.output


def test_relock_records_an_edition_when_only_unused_styles_moved(site, run):
    published(site, run)
    page = site / "output/bulletin/2024-03-issue-7.html"
    linked_before = page.read_text()
    base = site / "styles/base.css"
    base.write_text(base.read_text() + "\n.nowhere-in-the-issue { color: #000; }\n")
    assert run("build", "--frozen", BULLETIN, cwd=site).exit_code == 1

    # The PDFs are the same bytes; the web page loads the stylesheet by its new address.
    result = run("verify", cwd=site)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:2] == [
        f"same content  {BULLETIN} (edition 1)",
        "                its files differ only in what its web page loads from the styles "
        "folder: the addresses of its stylesheet and fonts, which carry their digests, the "
        "fonts it preloads, its favicon"]

    result = run("relock", "--date", "2025-01-02", cwd=site)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"relocked  {BULLETIN} (edition 2)",
        "            its files are the same but for what its web page loads from the styles "
        "folder (stylesheet, fonts, favicon); its inputs moved: styles/base.css (changed)",
        "1 issue: 1 relocked; written to archive-lock.json."]
    first, second = lock_of(site)[BULLETIN]["editions"]
    assert "relocked" not in first and first["recorded"] != "2025-01-02"
    assert second["recorded"] == "2025-01-02" and second["correction"] is None
    assert second["outputs"]["pdf"] == first["outputs"]["pdf"]
    assert second["outputs"]["html"]["sha256"] != first["outputs"]["html"]["sha256"]
    assert second["outputs"]["html"]["sha256-without-asset-digests"] == \
        first["outputs"]["html"]["sha256-without-asset-digests"]
    assert run("build", BULLETIN, cwd=site).exit_code == 0
    assert page.read_text() != linked_before
    assert run("verify", cwd=site).stdout.startswith(f"identical  {BULLETIN} (edition 2)")
    assert run("build", "--frozen", BULLETIN, cwd=site).exit_code == 0
    again = run("relock", cwd=site)  # nothing new to record
    assert again.stdout.splitlines()[0] == f"unchanged  {BULLETIN} (edition 2)"
    assert len(lock_of(site)[BULLETIN]["editions"]) == 2


def test_relock_records_an_edition_when_the_files_are_the_same_bytes(site, run):
    published(site, run)
    template = site / "templates/page.html"
    template.write_text(template.read_text() + "{# a note for whoever edits this next #}\n")
    result = run("relock", "--date", "2025-01-02", cwd=site)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"relocked  {BULLETIN} (edition 2)",
        "            its files are the same, byte for byte, but its inputs moved: "
        "template page.html (changed)",
        "1 issue: 1 relocked; written to archive-lock.json."]


def test_a_web_page_whose_words_moved_with_its_stylesheet_is_changed(site, run):
    published(site, run)
    base = site / "styles/base.css"
    base.write_text(base.read_text() + "\n.nowhere-in-the-issue { color: #000; }\n")
    issue = site / BULLETIN
    issue.write_text(issue.read_text().replace("Seeing the child", "Seeing every child", 1))
    result = run("relock", cwd=site)
    assert result.exit_code == 1
    assert result.stdout.startswith(f"refused  {BULLETIN} (edition 1)")


def test_relock_records_new_software_when_the_text_is_the_same(site, run):
    published(site, run)

    def as_if_locked_by_older_software(document: dict) -> None:
        edition = document["issues"][BULLETIN]["editions"][-1]
        edition["inputs"]["software weasyprint"] = "60.0"
        edition["outputs"]["pdf"]["sha256"] = "sha256:" + "0" * 64

    path = site / "archive-lock.json"
    document = json.loads(path.read_text())
    as_if_locked_by_older_software(document)
    path.write_text(json.dumps(document))
    result = run("relock", cwd=site)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1].startswith(
        "            its text is the same on every page; only the software moved: software "
        "weasyprint (60.0 → ")
    assert run("verify", cwd=site).exit_code == 0


def test_relock_refuses_a_change_readers_would_see(site, run):
    published(site, run)
    issue = site / BULLETIN
    issue.write_text(issue.read_text().replace("Workshops begin in April.",
                                               "Workshops begin in May."))
    before = (site / "archive-lock.json").read_bytes()
    result = run("relock", cwd=site)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == f"refused  {BULLETIN} (edition 1)"
    assert "the text differs on page" in result.stdout
    assert (f"a change readers would see is published as a correction: publisher publish "
            f"{BULLETIN} --correction \"what changed\"") in result.stdout
    assert (site / "archive-lock.json").read_bytes() == before


@pytest.fixture
def without_harfbuzz_subset(monkeypatch):
    """This machine as if libharfbuzz-subset were not installed: publisher cannot open it,
    and WeasyPrint subsets fonts with fontTools."""
    import weasyprint.pdf.fonts

    from publisher import fingerprint, system_layer

    monkeypatch.setitem(system_layer._NAMES, "harfbuzz-subset", ("libnot-installed.so.0",))
    monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)
    for cached in (system_layer.system_libraries, fingerprint.software_versions):
        cached.cache_clear()
    yield
    for cached in (system_layer.system_libraries, fingerprint.software_versions):
        cached.cache_clear()


def test_verify_names_a_missing_harfbuzz_subset_and_build_warns_once(sample, run,
                                                                    without_harfbuzz_subset):
    result = run("verify", JUNE_2011, cwd=sample)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"same content  {JUNE_2011} (edition {EDITION})"
    assert re.search(r"system harfbuzz-subset \(HarfBuzz-subset [\d.]+ → not found: fonts "
                     r"subset by fontTools\)", lines[1]), lines[1]

    built = run("build", JUNE_2011, "issues/learning-review/2011-09-issue-2.md", cwd=sample)
    assert built.exit_code == 0
    warned = [line for line in built.stderr.splitlines() if "HarfBuzz-subset" in line]
    assert warned == ["warning: HarfBuzz-subset is not installed, so fonts are subset by "
                      "fontTools: each PDF takes longer, and its bytes differ from a build "
                      "that had it (verify says 'same content'); install it (Debian: apt-get "
                      "install libharfbuzz-subset0)"]
