"""The fixture site's HTML, compared with the copy kept in tests/golden/.

When a change to the templates or the Markdown is meant to change the page, regenerate the
copy and review its diff before committing:

    PUBLISHER_REGENERATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py

The digests in the addresses of the page's stylesheet and fonts are left out of both: they
move with every edit to styles/, which tests/test_web_assets.py covers.
"""

from __future__ import annotations

import os
from pathlib import Path

from publisher.web_assets import without_asset_digests

GOLDEN = Path(__file__).resolve().parent / "golden" / "minimal"


def test_fixture_site_html_matches_the_golden_copy(site, run):
    result = run("build", "--format", "html", cwd=site)
    assert result.exit_code == 0, result.output
    built = site / "output" / "bulletin" / "2024-03-issue-7.html"
    golden = GOLDEN / "bulletin" / "2024-03-issue-7.html"
    if os.environ.get("PUBLISHER_REGENERATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_bytes(without_asset_digests(built.read_bytes()))
    page = without_asset_digests(built.read_bytes()).decode("utf-8")
    assert page == golden.read_text(encoding="utf-8")
