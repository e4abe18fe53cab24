"""Time and memory of issues at, and far beyond, the caps of publisher/limits.py.

    .venv/bin/python bench/bench_limits.py [--only NAME]

Each case is an issue in a copy of the test fixture site, built (both PDF copies of a
published issue, one worker) or checked by the `publisher` command in a process of its
own; the wall time and the peak memory (maximum resident set size of that process, from
the operating system) are printed beside the target: an issue beyond a cap is refused in
seconds, and one at the caps is built in about ten (see MAX_TEXT_CHARACTERS). Also times
Python-Markdown's own inline processor against publisher's linear one.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "tests"))

from publisher.limits import MAX_ELEMENTS, MAX_TABLE_ROWS, MAX_TEXT_CHARACTERS  # noqa: E402

from conftest import ISSUE_HEAD, make_site  # noqa: E402

PUBLISHER = Path(sys.executable).parent / "publisher"
PARAGRAPH = ("Practitioners should see the child alone and record what the child says "
             "about daily life at home. ") * 2


def table(rows: int) -> str:
    rows_text = "".join(f"| {n} | f{n} |\n" for n in range(rows))
    return "| Theme | Finding |\n| --- | --- |\n" + rows_text


#: name: (body, command, what is expected)
CASES: dict[str, tuple[str, str, str]] = {
    "table of 50,000 rows, build": ("# Audit\n\n" + table(50_000), "build", "refused"),
    "table of 50,000 rows, check": ("# Audit\n\n" + table(50_000), "check", "refused"),
    "37,500 list items, build": ("- item\n" * 37_500, "build", "refused"),
    f"table of {MAX_TABLE_ROWS} rows, build": ("# Audit\n\n" + table(MAX_TABLE_ROWS), "build",
                                               "built"),
    f"{MAX_TEXT_CHARACTERS:,} characters of prose, build": (
        "# Prose\n\n" + "\n\n".join([PARAGRAPH.strip()] * (MAX_TEXT_CHARACTERS
                                                           // len(PARAGRAPH))),
        "build", "built"),
    f"{MAX_ELEMENTS - 4:,} list items, build": (
        "# List\n\n" + "".join(f"- item {n}\n" for n in range(MAX_ELEMENTS - 4)), "build",
        "built"),
    f"{MAX_ELEMENTS // 4 - 1} articles, build": (
        "".join(f"# Article {n}\n\n" for n in range(MAX_ELEMENTS // 4 - 1)), "build", "built"),
}


def run_case(site: Path, body: str, command: str) -> tuple[int, float, float]:
    """Exit code, wall seconds and peak memory (MiB) of `publisher COMMAND` on an issue."""
    issue = site / "issues/bulletin/2024-03-issue-7.md"
    issue.write_text(ISSUE_HEAD.replace("---\n", "---\nsilence: [date-cadence]\n", 1) + "\n"
                     + body)
    shutil.rmtree(site / "output", ignore_errors=True)
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    done = subprocess.run([str(PUBLISHER), command, *(["-j", "1"] if command == "build" else []),
                           str(issue)], cwd=site, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the largest of any child so far: fine, the largest comes last
    # or is reported as the same; a fresh interpreter per case keeps it honest (--only).
    return done.returncode, seconds, max(peak, before) / 1024


def markdown_times() -> None:
    from publisher import markdown as ours

    text = "- item\n" * 37_500
    started = time.perf_counter()
    ours.render_markdown(text)
    linear = time.perf_counter() - started
    original = ours.LinearInlineExtension.extendMarkdown
    ours.LinearInlineExtension.extendMarkdown = lambda self, md: None  # type: ignore
    try:
        started = time.perf_counter()
        ours.render_markdown(text)
        stock = time.perf_counter() - started
    finally:
        ours.LinearInlineExtension.extendMarkdown = original  # type: ignore
    print(f"Markdown of 37,500 list items: Python-Markdown's inline processor {stock:.1f} s, "
          f"publisher's linear one {linear:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="run only the case whose name starts with this")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        site = make_site(Path(folder) / "site")
        os.environ.pop("PUBLISHER_DENY_LIST", None)
        for name, (body, command, expected) in CASES.items():
            if arguments.only and not name.startswith(arguments.only):
                continue
            code, seconds, peak = run_case(site, body, command)
            outcome = "refused" if code == 1 else "built" if code == 0 else f"exit {code}"
            target = "≤ 2 s" if expected == "refused" else "≤ 12 s"
            print(f"{name:42} {outcome:8} {seconds:6.1f} s (target {target})  peak {peak:5.0f} "
                  f"MiB{'' if outcome == expected else f'  EXPECTED {expected.upper()}'}")
    if not arguments.only:
        markdown_times()


if __name__ == "__main__":
    main()
