"""Time an HTML-only build of one sample issue, the whole process, against its target.

    .venv/bin/python bench/bench_html.py [--runs N] [--issue PATH]

Each build runs as its own process (so Python's start-up and imports count) in the project
folder, on the sample site, with --format html --force --jobs 1 into a temporary folder.
The process imports this checkout's publisher (PYTHONPATH is set to it, and the other
PYTHON* settings are dropped, so bytecode is cached as in an installed copy); one run
first, untimed, writes that bytecode. It prints the median wall time of N runs (default
7) beside the target, and for comparison the medians of a bare Python start, of one that
only runs 'import publisher.cli', and of one that imports only the libraries an HTML build
needs (LIBRARIES), which is as fast as any build of ours could be. The machine's other
work moves single runs a lot: read the medians, and compare two checkouts in the same
minute.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
SAMPLE = "issues/learning-review/2011-06-issue-1.md"
RUNS = 7
TARGET_SECONDS = 0.25
#: What an HTML build cannot do without: the command line, the templates, Markdown and its
#: blocks, YAML, the sanitiser and the validation of every source.
LIBRARIES = ("import click, jinja2, markdown, pymdownx.blocks, yaml, nh3; "
             "from pydantic import BaseModel, Field, create_model")


def environment() -> dict[str, str]:
    """This environment without PYTHON* settings, but with this checkout first on the path:
    an editable install elsewhere (another worktree's) would otherwise be the one timed."""
    kept = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    return {**kept, "PYTHONPATH": str(PROJECT)}


def wall_seconds(args: list[str]) -> float:
    """Run `args` in the project folder; its wall seconds. Stops the benchmark if it fails."""
    started = time.perf_counter()
    done = subprocess.run(args, cwd=PROJECT, env=environment(), capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"FAILED (exit {done.returncode}): {' '.join(args)}\n{done.stderr[-3000:]}")
    return seconds


def median_seconds(args: list[str], runs: int) -> tuple[float, list[float]]:
    wall_seconds(args)  # untimed: writes the bytecode the timed runs read
    times = [wall_seconds(args) for _ in range(runs)]
    return statistics.median(times), times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS, metavar="N")
    parser.add_argument("--issue", default=SAMPLE, metavar="PATH",
                        help=f"the issue to build, from the project folder (default {SAMPLE})")
    arguments = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="bench-html-") as folder:
        build = [python, "-m", "publisher.cli", "build", arguments.issue, "--format", "html",
                 "--force", "--jobs", "1", "--quiet", "--output", folder]
        built, times = median_seconds(build, arguments.runs)
    bare, _ = median_seconds([python, "-c", "pass"], arguments.runs)
    imported, _ = median_seconds([python, "-c", "import publisher.cli"], arguments.runs)
    libraries, _ = median_seconds([python, "-c", LIBRARIES], arguments.runs)
    print(f"publisher HTML-only build of {arguments.issue}, whole process, "
          f"{arguments.runs} runs, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    print(f"  build, median wall        {built:.3f} s   target <= {TARGET_SECONDS} s   "
          f"{'met' if built <= TARGET_SECONDS else 'NOT met'}"
          f"   (fastest {min(times):.3f} s, slowest {max(times):.3f} s)")
    print(f"  import publisher.cli      {imported:.3f} s   (start-up included)")
    print(f"  its libraries, imported   {libraries:.3f} s   (start-up included; no publisher code: "
          "the least any HTML build could take)")
    print(f"  bare Python start-up      {bare:.3f} s")


if __name__ == "__main__":
    main()
