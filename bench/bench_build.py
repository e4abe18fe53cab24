"""Time publisher's PDF build of a sample issue against bare WeasyPrint on the same HTML.

Bare WeasyPrint does the same work: it lays out the HTML publisher gives WeasyPrint for
the PDF (the page as rendered, linking the print stylesheets and the TTF fonts, not the
screen's bundle the written page links), once, and writes the PDF in each variant the
issue gets (a tagged web copy and, for a published issue, a PDF/A archival copy; see
publisher/variants.py).

    .venv/bin/python bench/bench_build.py [ISSUE] [--rounds N] [--process-rounds M]

First, whole processes, as the target is set: `publisher build ISSUE --force --jobs 1` (the
web and archival PDFs, the HTML page and the archive's pages), and the same with `--format
pdf` (the PDFs alone: the work bare WeasyPrint does), against a bare Python process
that imports WeasyPrint, lays the same HTML out once and writes the same PDF variants to
files; and against the same bare process opening WeasyPrint's libraries by soname, as
publisher now does (see publisher/system_layer.py), to show how much of the ratio that is.
They alternate, M rounds (default 7), timed in wall seconds and in CPU seconds of the
process and its children (ctypes' library search runs ldconfig and gcc), with this
checkout first on the path. The ratio judged is of the fastest CPU times.

Then, in this one process, after one warm-up each, alternating so that the machine's
state affects both alike, timed in CPU seconds. Prints, for each, the median and fastest
time, and two ratios: of the fastest times (noise only ever adds time, so this is the one
judged against the 1.15 target) and the median of the per-round ratios. It also times
publisher's own stages alone (settings, blocks, Markdown, templates: everything but
WeasyPrint), which is the real overhead and is far steadier than either whole build.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
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

#: Bare WeasyPrint as a whole process: argv is the HTML page, the PDF to write (a number is
#: put before its suffix for each variant) and the variants.
BARE_PROCESS = """
import sys
import weasyprint
document = weasyprint.HTML(filename=sys.argv[1]).render()
for number, variant in enumerate(sys.argv[3:]):
    document.write_pdf(sys.argv[2].replace(".pdf", f"-{number}.pdf"), pdf_variant=variant)
"""
#: The same, opening WeasyPrint's libraries by soname as publisher does.
BARE_BY_SONAME = """
import ctypes.util
ctypes.util.find_library = lambda name: None
""" + BARE_PROCESS


def cpu_seconds(run: Callable[[], object]) -> float:
    started = time.process_time()
    run()
    return time.process_time() - started


def process_seconds(args: list[str]) -> tuple[float, float]:
    """Run `args` with this checkout first on the path: its wall seconds, and the CPU seconds
    of it and its children."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    env["PYTHONPATH"] = str(PROJECT)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(args, cwd=PROJECT, env=env, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def whole_processes(issue: Path, html_file: Path, variants: list[str], output: Path,
                    rounds: int) -> None:
    """Publisher's build of `issue` against bare WeasyPrint, each a process of its own."""
    pdf = str(output / "bare.pdf")
    commands = {
        "publisher build": [sys.executable, "-m", "publisher.cli", "build", str(issue),
                            "--force", "--jobs", "1", "--output", str(output / "whole"), "-q"],
        "build --format pdf": [sys.executable, "-m", "publisher.cli", "build", str(issue),
                               "--format", "pdf", "--force", "--jobs", "1", "--output",
                               str(output / "whole-pdf"), "-q"],
        "bare WeasyPrint": [sys.executable, "-c", BARE_PROCESS, str(html_file), pdf, *variants],
        "bare, by soname": [sys.executable, "-c", BARE_BY_SONAME, str(html_file), pdf,
                            *variants],
    }
    for command in commands.values():  # warm-up: the system's file cache
        process_seconds(command)
    timings: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for number in range(rounds):
        order = list(commands) if number % 2 == 0 else list(reversed(commands))
        for name in order:
            timings[name].append(process_seconds(commands[name]))
    print(f"Whole processes, {rounds} rounds alternating: wall and CPU seconds "
          "(process and children)")
    for name, values in timings.items():
        walls, cpus = [wall for wall, _ in values], [cpu for _, cpu in values]
        print(f"  {name:<18} CPU median {statistics.median(cpus):.3f} s, fastest "
              f"{min(cpus):.3f} s; wall median {statistics.median(walls):.3f} s, fastest "
              f"{min(walls):.3f} s")
    for build_name in ("publisher build", "build --format pdf"):
        ours = [cpu for _, cpu in timings[build_name]]
        for name in ("bare WeasyPrint", "bare, by soname"):
            theirs = [cpu for _, cpu in timings[name]]
            ratio = min(ours) / min(theirs)
            per_round = statistics.median(a / b for a, b in zip(ours, theirs, strict=True))
            verdict = "within" if ratio <= TARGET else "OVER"
            print(f"  {build_name} to {name:<16} {ratio:.3f}x of the fastest CPU ({verdict} "
                  f"the {TARGET}x target); {per_round:.3f}x median of rounds")


def page_weasyprint_lays_out(issue: Path, output: Path) -> Path:
    """The HTML publisher hands WeasyPrint for `issue`'s PDF, in a file beside the issue's
    page in `output` (which an HTML build has filled), so that its stylesheets and images
    resolve to the same files. Not the page itself: that links the screen's bundled
    stylesheet and WOFF2 fonts (see publisher/web_assets.py), which the PDF never loads."""
    site, _ = read_site(PROJECT)
    planned = gather(site, [issue]).issues[0]
    page = PageMaker(site, output).render(planned.issue, planned.blocks)
    path = page.path.with_name(f"{page.path.stem}.bare.html")
    path.write_text(page.html, encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("issue", nargs="?", type=Path, default=DEFAULT_ISSUE)
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--process-rounds", type=int, default=7)
    arguments = parser.parse_args()
    issue = arguments.issue.resolve()

    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder)
        report = build(PROJECT, [issue], BuildOptions(chosen("html"), output))
        html_file = page_weasyprint_lays_out(issue, output)

        def ours() -> None:
            build(PROJECT, [issue], BuildOptions(chosen("pdf"), output, force=True))

        site, _ = read_site(PROJECT)
        copies = InputReader(site).copies(report.built[0].issue)
        variants = [copies.web, *([copies.archival] if copies.archival else [])]

        def bare() -> None:
            document = weasyprint.HTML(filename=html_file).render()
            for variant in variants:
                document.write_pdf(pdf_variant=variant)

        whole_processes(issue, html_file, variants, output, arguments.process_rounds)
        print()

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
