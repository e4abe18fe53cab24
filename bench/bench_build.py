"""Time publisher's PDF build of a sample issue against bare WeasyPrint on the same HTML.

Bare WeasyPrint does the same work: it lays the page out once and writes the PDF in each
variant the issue gets (a tagged web copy and, for a published issue, a PDF/A archival
copy; see publisher/variants.py).

    .venv/bin/python bench/bench_build.py [ISSUE] [--rounds N]

Both run in this one process, after one warm-up each, alternating so that the machine's
state affects both alike, timed in CPU seconds. Prints, for each, the median and fastest
time, and two ratios: of the fastest times (noise only ever adds time, so this is the one
judged against the 1.15 target) and the median of the per-round ratios. It also times
publisher's own stages alone (settings, blocks, Markdown, templates: everything but
WeasyPrint), which is the real overhead and is far steadier than either whole build.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import weasyprint

from publisher.build import BuildOptions, build
from publisher.config import read_site
from publisher.fingerprint import InputReader
from publisher.formats import chosen
from publisher.pages import PageMaker
from publisher.plan import gather

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_ISSUE = PROJECT / "issues/learning-review/2011-06-issue-1.md"
TARGET = 1.15


def cpu_seconds(run: Callable[[], object]) -> float:
    started = time.process_time()
    run()
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("issue", nargs="?", type=Path, default=DEFAULT_ISSUE)
    parser.add_argument("--rounds", type=int, default=11)
    arguments = parser.parse_args()
    issue = arguments.issue.resolve()

    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder)
        report = build(PROJECT, [issue], BuildOptions(chosen("html"), output))
        html_file = report.built[0].files[0]

        def ours() -> None:
            build(PROJECT, [issue], BuildOptions(chosen("pdf"), output, force=True))

        site, _ = read_site(PROJECT)
        copies = InputReader(site).copies(report.built[0].issue)
        variants = [copies.web, *([copies.archival] if copies.archival else [])]

        def bare() -> None:
            document = weasyprint.HTML(filename=html_file).render()
            for variant in variants:
                document.write_pdf(pdf_variant=variant)

        def own_stages() -> None:
            site, _ = read_site(PROJECT)
            planned = gather(site, [issue]).issues[0]
            PageMaker(site, output).render(planned.issue, planned.blocks)

        ours(), bare()  # warm-up: fonts, caches, lazy imports
        timings: dict[str, list[float]] = {"publisher build": [], "bare WeasyPrint": []}
        for _ in range(arguments.rounds):
            timings["publisher build"].append(cpu_seconds(ours))
            timings["bare WeasyPrint"].append(cpu_seconds(bare))
        stages = [cpu_seconds(own_stages) for _ in range(arguments.rounds)]

    print(f"{report.built[0].issue.shown}: {report.built[0].issue.front.title!r}, "
          f"{arguments.rounds} rounds, CPU seconds, PDF copies {copies.describe()}")
    for name, values in timings.items():
        print(f"  {name:<16} median {statistics.median(values):.3f} s, "
              f"fastest {min(values):.3f} s, slowest {max(values):.3f} s")
    ours_times, bare_times = timings["publisher build"], timings["bare WeasyPrint"]
    ratio = min(ours_times) / min(bare_times)
    per_round = statistics.median(a / b for a, b in zip(ours_times, bare_times, strict=True))
    verdict = "within" if ratio <= TARGET else "OVER"
    print(f"  ratio            {ratio:.3f}x of the fastest ({verdict} the {TARGET}x target); "
          f"{per_round:.3f}x median of rounds")
    print(f"  publisher's own stages: median {statistics.median(stages) * 1000:.0f} ms, "
          f"fastest {min(stages) * 1000:.0f} ms "
          f"({statistics.median(stages) / statistics.median(bare_times):.1%} of bare WeasyPrint)")


if __name__ == "__main__":
    main()
