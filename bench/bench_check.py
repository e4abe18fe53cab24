"""Time `publisher check`: on the sample archive, and on a synthetic archive of N issues.

    .venv/bin/python bench/bench_check.py [--issues N]

Each check runs as its own process (so Python's start-up and imports count), five times;
the median wall time is printed. The synthetic archive is the one bench_archive.py makes
(N issues, default 200, cloned from the samples). The target: the whole sample archive in
under 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_archive import (
    PROJECT,
    make_site,
    plan_archive,
    publisher_command,
    read_samples,
    wall_times,
)

RUNS = 5


def median_check(site: Path) -> float:
    return statistics.median(wall_times(site, [*publisher_command(), "check", "-q"], RUNS))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=200)
    count = parser.parse_args().issues
    samples = median_check(PROJECT)
    print(f"check of the sample archive: {samples:.2f} s (median of {RUNS}; target < 1 s: "
          f"{'met' if samples < 1 else 'NOT met'})")
    with tempfile.TemporaryDirectory() as folder:
        site = make_site(Path(folder) / "site", plan_archive(read_samples(), count))
        print(f"check of a synthetic archive of {count} issues: {median_check(site):.2f} s "
              f"(median of {RUNS})")


if __name__ == "__main__":
    main()
