"""Time publisher's PDF build of a sample issue against bare WeasyPrint on the same HTML.

    .venv/bin/python bench/bench_build.py [ISSUE] [--rounds N]

Both run in this one process, after one warm-up each, alternating so that the machine's
state affects both alike. Prints the median of each and their ratio (target: 1.15 or less).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import weasyprint

from publisher.build import build

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_ISSUE = PROJECT / "issues/learning-review/2011-06-issue-1.md"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("issue", nargs="?", type=Path, default=DEFAULT_ISSUE)
    parser.add_argument("--rounds", type=int, default=7)
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder)
        report = build(PROJECT, [arguments.issue], ("html",), output)
        html_file = report.built[0].files[0]

        def ours() -> None:
            build(PROJECT, [arguments.issue], ("pdf",), output)

        def bare() -> None:
            weasyprint.HTML(filename=html_file).write_pdf()

        ours(), bare()  # warm-up: fonts, caches, lazy imports
        timings: dict[str, list[float]] = {"publisher build": [], "bare WeasyPrint": []}
        for _ in range(arguments.rounds):
            for name, run in (("publisher build", ours), ("bare WeasyPrint", bare)):
                started = time.perf_counter()
                run()
                timings[name].append(time.perf_counter() - started)

    medians = {name: statistics.median(values) for name, values in timings.items()}
    issue = report.built[0].issue.shown
    print(f"{issue}: {report.built[0].issue.front.title!r}, {arguments.rounds} rounds")
    for name, median in medians.items():
        spread = f"{min(timings[name]):.3f}-{max(timings[name]):.3f}"
        print(f"  {name:<16} median {median:.3f} s  (range {spread} s)")
    ratio = medians["publisher build"] / medians["bare WeasyPrint"]
    print(f"  ratio            {ratio:.3f}x  (target <= 1.15x)")


if __name__ == "__main__":
    main()
