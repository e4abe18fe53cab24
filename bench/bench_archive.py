"""Time publisher on a synthetic archive: one issue, a whole archive, and incremental rebuilds.

    .venv/bin/python bench/bench_archive.py [--issues N] [--no-change-issues M]
                                            [--rounds R] [--throughput-only]

The archive is made in a temporary folder, never in the project: site.yml, blocks/,
templates/, styles/ and each series' series.yml are copied from the project, and N issues
(default 100) are cloned round-robin from the sample issues in issues/<series>/*.md. Each
clone is published, dated the 1st of a month (the first month, on or after its sample's
date, still free in its series, so every block version and design it uses exists), numbered
in date order within its series, and named <date>-issue-<number>.md.

Every build but c's runs as its own process, in the synthetic site, without PYTHON*
settings in its environment, timed in wall seconds with time.perf_counter (so Python's
start-up and imports are included). It prints:

    a. a cold build of one issue (PDF and HTML) into a fresh output folder;
    b. an HTML-only build of one issue, median of 5 runs         target <= 0.25 s
    c. publisher's PDF build against bare WeasyPrint on the same HTML, in CPU seconds:
       bench/bench_build.py run as it stands, then its comparison redone here with its
       functions and every build forced (ratio of the fastest)    target <= 1.15x
    d. the whole archive with --jobs 1 and --jobs 2, fresh output folders, --force;
       the speed-up                                               target >= 1.7x
       and the --jobs 2 time                                      target <= 20 s
       with the page counts of the issues (the aim is about four pages an issue);
   d2. the archive with --jobs 2 again, R rounds (default 3), alternating with bare WeasyPrint
       in a pool of two forked processes making the same PDF copies from the same pages,
       wall seconds; and, sampled from /proc/PID/smaps_rollup while it runs, the largest
       USS (private memory, the target's "unique") and PSS of any worker
                                                                  target <= 20 s, <= 100 MiB
       (--throughput-only runs d2 alone);
    e. a rebuild with nothing changed of an archive of M issues (default 200)
                                                                  target < 1 s
    f. a rebuild after one block changed: issues rebuilt against issues using the block;
    g. peak memory (max RSS): the archive builds of d run through a tiny wrapper that calls
       publisher.cli.main, exactly as the `publisher` command does, and then reports
       RUSAGE_SELF (the build's main process) and RUSAGE_CHILDREN (the largest worker;
       forked workers count the pages they share with the main process too, and the
       children include the short ldconfig/gcc runs of WeasyPrint's import), and the CPU
       seconds of both, to show how busy the cores were.
                                                                  target <= 100 MiB a worker

It ends with a table: figure, value, target, and whether the target is met. A run takes a
few minutes on two cores, most of it WeasyPrint laying out the archive's PDFs.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

PROJECT = Path(__file__).resolve().parent.parent
BENCH_BUILD = PROJECT / "bench/bench_build.py"
BENCH_BUILD_ROUNDS = 5
COMPARE_ROUNDS = 7
HTML_RUNS = 5
STARTUP_RUNS = 3
NO_CHANGE_RUNS = 3
PREFERRED_BLOCK = "ofsted-voice-of-the-child"
MIB = 1024  # ru_maxrss is in KiB on Linux

TARGET_HTML_SECONDS = 0.25
TARGET_RATIO = 1.15
TARGET_SPEEDUP = 1.7
TARGET_ARCHIVE_SECONDS = 20.0
TARGET_NO_CHANGE_SECONDS = 1.0
TARGET_WORKER_MIB = 100.0
TARGET_PAGES = 4

#: Runs the build in this process, as the console script does, then reports peak memory.
WRAPPER = """
import json, resource, sys
from publisher.cli import main
sys.argv = ["publisher", *sys.argv[1:]]
code = 0
try:
    main()
except SystemExit as stop:
    code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
sys.stdout.flush()
usage = {name: resource.getrusage(getattr(resource, name))
         for name in ("RUSAGE_SELF", "RUSAGE_CHILDREN")}
report = {name: [use.ru_maxrss, use.ru_utime + use.ru_stime] for name, use in usage.items()}
print("@@rusage " + json.dumps(report), file=sys.stderr)
sys.exit(code)
"""

_DATE = re.compile(r"^date:\s*(\d{4}-\d{2}-\d{2})\s*$", re.M)
_BUILT_ISSUE = re.compile(r"^rendered (\S+) → .*\((\d+) pages?\)$", re.M)
_BUILT = re.compile(r"^Built (\d+) issues? .* in ([\d.]+) s(?:; (\d+) unchanged)?\.$", re.M)
_NOTHING = re.compile(r"^Nothing to build: (\d+) issues? up to date", re.M)
_RATIO = re.compile(r"ratio\s+([\d.]+)x")
_USED_BY = re.compile(r"is used by (\d+) issues?")
_BLOCK_ROW = re.compile(r"^(\S+)\s+(\S+)\s+.*\s(\d+) issues?$", re.M)


# ----------------------------------------------------------------- running publisher


@dataclass(frozen=True)
class Run:
    """One finished process: its wall time, exit code and output."""

    seconds: float
    code: int
    out: str
    err: str


def clean_env() -> dict[str, str]:
    """This environment without PYTHON* settings (hash seed, path, start-up file...), but
    with this checkout first on the path: the `publisher` script of a shared virtual
    environment may be installed from another checkout, and the benchmark times this one."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    env["PYTHONPATH"] = str(PROJECT)
    return env


def publisher_command() -> list[str]:
    """The `publisher` console script beside this interpreter, or `python -m publisher.cli`."""
    script = Path(sys.executable).with_name("publisher")
    return [str(script)] if script.exists() else [sys.executable, "-m", "publisher.cli"]


def run(args: list[str], cwd: Path) -> Run:
    """Run `args` in `cwd`, timed; stop the benchmark if it fails."""
    started = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, env=clean_env(), capture_output=True,
                          text=True, encoding="utf-8")
    result = Run(time.perf_counter() - started, done.returncode, done.stdout, done.stderr)
    if result.code != 0:
        sys.exit(f"FAILED (exit {result.code}): {' '.join(args)}\n{result.out[-3000:]}"
                 f"\n{result.err[-3000:]}")
    return result


def publisher(site: Path, *args: str) -> Run:
    return run([*publisher_command(), *args], site)


@dataclass(frozen=True)
class Usage:
    """What the wrapper reports: peak RSS in MiB and CPU seconds, of itself and its children."""

    self_mib: float
    children_mib: float
    cpu_seconds: float


def wrapped_build(site: Path, *args: str) -> tuple[Run, Usage]:
    """`publisher build ARGS` in the memory wrapper: the run, and its resource usage."""
    result = run([sys.executable, "-c", WRAPPER, "build", *args], site)
    marker = next(line for line in result.err.splitlines() if line.startswith("@@rusage "))
    usage = json.loads(marker.removeprefix("@@rusage "))
    own, children = usage["RUSAGE_SELF"], usage["RUSAGE_CHILDREN"]
    return result, Usage(own[0] / MIB, children[0] / MIB, own[1] + children[1])


def progress(message: str) -> None:
    print(f"  .. {message}", flush=True)


# ----------------------------------------------------------------- the synthetic archive


@dataclass(frozen=True)
class Sample:
    """A sample issue of the project, to clone."""

    series: str
    name: str
    date: datetime.date
    text: str


@dataclass(frozen=True)
class Clone:
    sample: Sample
    date: datetime.date
    number: int = 0

    @property
    def shown(self) -> str:
        """How publisher names the clone: its path from the site folder."""
        return f"issues/{self.sample.series}/{self.date.isoformat()}-issue-{self.number}.md"


def read_samples() -> list[Sample]:
    samples = []
    for path in sorted(PROJECT.glob("issues/*/[!_]*.md")):
        text = path.read_text(encoding="utf-8")
        found = _DATE.search(front_matter(text))
        if found is None:
            sys.exit(f"{path}: no 'date: YYYY-MM-DD' in the front matter")
        samples.append(Sample(path.parent.name, path.name,
                              datetime.date.fromisoformat(found[1]), text))
    return samples


def front_matter(text: str) -> str:
    return text.split("\n---\n", 1)[0]


def first_of_month_from(day: datetime.date, months: int = 0) -> datetime.date:
    """The 1st of the month `months` after the first 1st-of-month on or after `day`."""
    index = day.year * 12 + day.month - 1 + months + (day.day > 1)
    return datetime.date(index // 12, index % 12 + 1, 1)


def plan_archive(samples: list[Sample], count: int) -> list[Clone]:
    """`count` clones, round-robin over the samples, one a month in each series."""
    taken: dict[str, set[datetime.date]] = defaultdict(set)
    clones = []
    for index in range(count):
        sample = samples[index % len(samples)]
        day = first_of_month_from(sample.date)
        while day in taken[sample.series]:
            day = first_of_month_from(day, 1)
        taken[sample.series].add(day)
        clones.append(Clone(sample, day))
    return number_in_date_order(clones)


def number_in_date_order(clones: list[Clone]) -> list[Clone]:
    numbered: list[Clone] = []
    counters: Counter[str] = Counter()
    for clone in sorted(clones, key=lambda clone: (clone.sample.series, clone.date)):
        counters[clone.sample.series] += 1
        numbered.append(Clone(clone.sample, clone.date, counters[clone.sample.series]))
    return numbered


def clone_text(clone: Clone) -> str:
    """The sample's text with this clone's number, date and status in its front matter."""
    head, sep, body = clone.sample.text.partition("\n---\n")
    for key, value in (("number", str(clone.number)), ("date", clone.date.isoformat()),
                       ("status", "published")):
        head, found = re.subn(rf"^{key}:.*$", f"{key}: {value}", head, count=1, flags=re.M)
        if not found:
            sys.exit(f"{clone.sample.name}: no '{key}:' in the front matter")
    return head + sep + body


def make_site(folder: Path, clones: list[Clone]) -> Path:
    """A site in `folder`: the project's settings, library and styles, and the clones."""
    folder.mkdir(parents=True)
    shutil.copy2(PROJECT / "site.yml", folder / "site.yml")
    for name in ("blocks", "templates", "styles"):
        shutil.copytree(PROJECT / name, folder / name)
    for series_file in PROJECT.glob("issues/*/series.yml"):
        target = folder / "issues" / series_file.parent.name
        target.mkdir(parents=True)
        # series.yml, and the images the issues show from beside them (the gallery's SVG)
        for source in series_file.parent.iterdir():
            if source.is_file() and source.suffix != ".md":
                shutil.copy2(source, target / source.name)
    for clone in clones:
        (folder / clone.shown).write_text(clone_text(clone), encoding="utf-8")
    return folder


def describe_archive(clones: list[Clone]) -> None:
    today = datetime.date.today()
    for series in sorted({clone.sample.series for clone in clones}):
        days = [clone.date for clone in clones if clone.sample.series == series]
        print(f"     {series}: {len(days)} issues, {min(days)} to {max(days)}")
    future = sum(clone.date > today for clone in clones)
    if future:
        print(f"     note: {future} issues are dated after today ({today})")


# ----------------------------------------------------------------- the figures


@dataclass
class Row:
    figure: str
    value: str
    target: str = "-"
    met: str = "-"


@dataclass
class Results:
    rows: list[Row] = field(default_factory=list)

    def add(self, figure: str, value: str, target: str = "-", met: bool | None = None) -> None:
        self.rows.append(Row(figure, value, target, "-" if met is None else
                             ("yes" if met else "NO")))


def reported_seconds(result: Run) -> str:
    found = _BUILT.search(result.out)
    return f"{float(found[2]):.3f} s" if found else "?"


def wall_times(site: Path, args: list[str], runs: int) -> list[float]:
    return [run(args, site).seconds for _ in range(runs)]


@dataclass(frozen=True)
class StartUp:
    """Median wall seconds of a bare Python start, and of one that imports a module."""

    python: float
    publisher_cli: float
    weasyprint: float

    def __str__(self) -> str:
        return (f"bare Python start-up {self.python:.3f} s; start-up + 'import publisher.cli' "
                f"{self.publisher_cli:.3f} s; start-up + 'import weasyprint' "
                f"{self.weasyprint:.3f} s")


def start_up_costs(site: Path) -> StartUp:
    def timed(code: str) -> float:
        return statistics.median(wall_times(site, [sys.executable, "-c", code], STARTUP_RUNS))

    return StartUp(timed("pass"), timed("import publisher.cli"), timed("import weasyprint"))


def cold_single(site: Path, issue: str, scratch: Path, start_up: StartUp,
                results: Results) -> None:
    print("\na. Cold build of one issue (PDF + HTML), fresh output folder, --jobs 1")
    result = publisher(site, "build", issue, "--force", "--jobs", "1",
                       "--output", str(scratch / "out-cold"))
    print(f"   {issue}: {result.seconds:.3f} s wall "
          f"(publisher's own report, timed after its command-line imports: "
          f"{reported_seconds(result)})")
    print(f"   for comparison, medians of {STARTUP_RUNS}: {start_up}")
    results.add("a. cold single-issue build, wall", f"{result.seconds:.2f} s")


def html_only(site: Path, issue: str, scratch: Path, start_up: StartUp,
              results: Results) -> None:
    print(f"\nb. HTML-only build of one issue, --force --jobs 1, {HTML_RUNS} runs")
    args = ["build", issue, "--format", "html", "--force", "--jobs", "1",
            "--output", str(scratch / "out-html")]
    times = wall_times(site, [*publisher_command(), *args], HTML_RUNS)
    median = statistics.median(times)
    last = publisher(site, *args)
    print(f"   median {median:.3f} s wall, fastest {min(times):.3f} s, slowest {max(times):.3f} s")
    print(f"   of which: start-up + 'import publisher.cli' {start_up.publisher_cli:.3f} s "
          f"(bare Python {start_up.python:.3f} s); publisher's own report of the build "
          f"{reported_seconds(last)}")
    results.add("b. HTML-only single-issue build, median wall", f"{median:.3f} s",
                f"<= {TARGET_HTML_SECONDS} s", median <= TARGET_HTML_SECONDS)


def load_bench_build() -> ModuleType:
    """bench/bench_build.py as a module (without writing bytecode into the project)."""
    spec = importlib.util.spec_from_file_location("bench_build", BENCH_BUILD)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    writes, sys.dont_write_bytecode = sys.dont_write_bytecode, True
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = writes
    return module


def compare_builds(site: Path, issue: Path, rounds: int) -> dict[str, list[float]]:
    """bench_build.py's comparison, with every build forced: CPU seconds of publisher's PDF
    build and of bare WeasyPrint, alternating.

    Runs in a child process (`--compare-builds`): Linux carries a process's peak RSS over
    to the programs it starts, so this benchmark must never load WeasyPrint itself, or g's
    figures would be this process's.
    """
    bench = load_bench_build()
    timings: dict[str, list[float]] = {"ours": [], "bare": []}
    with tempfile.TemporaryDirectory(prefix="bench-archive-c-") as folder:
        output = Path(folder)
        html_file = bench.build(site, [issue], bench.BuildOptions(bench.chosen("html"), output)
                                ).built[0].files[0]

        def ours() -> None:
            bench.build(site, [issue], bench.BuildOptions(bench.chosen("pdf"), output,
                                                          force=True))

        def bare() -> None:
            bench.weasyprint.HTML(filename=html_file).write_pdf()

        ours()  # warm-up, as bench_build.py does
        bare()
        for _ in range(rounds):
            timings["ours"].append(bench.cpu_seconds(ours))
            timings["bare"].append(bench.cpu_seconds(bare))
    return timings


def run_bench_build(site: Path) -> float | None:
    """Run bench/bench_build.py as it stands; print its output and return its ratio."""
    result = run([sys.executable, str(BENCH_BUILD), "--rounds", str(BENCH_BUILD_ROUNDS)], site)
    for line in result.out.splitlines():
        print(f"   | {line}")
    found = _RATIO.search(result.out)
    return float(found[1]) if found else None


def against_weasyprint(site: Path, issue: str, results: Results) -> None:
    print("\nc. publisher's PDF build against bare WeasyPrint on the same HTML (CPU seconds)")
    print(f"   bench/bench_build.py as it stands ({BENCH_BUILD_ROUNDS} rounds, the project's "
          "issue 1, the source of the first clone):")
    script_ratio = run_bench_build(site)
    progress(f"the same comparison in the synthetic archive, {COMPARE_ROUNDS} rounds, {issue} "
             "(a build of one issue also updates the archive's pages and feeds)")
    compared = json.loads(run([sys.executable, str(Path(__file__).resolve()),
                               "--compare-builds", issue], site).out)
    timings = compared["timings"]
    ours, bare = timings["ours"], timings["bare"]
    ratio = min(ours) / min(bare)
    per_round = statistics.median(a / b for a, b in zip(ours, bare, strict=True))
    for name, values in (("publisher build", ours), ("bare WeasyPrint", bare)):
        print(f"   {name:<16} median {statistics.median(values):.3f} s, "
              f"fastest {min(values):.3f} s")
    print(f"   ratio {ratio:.3f}x of the fastest; {per_round:.3f}x median of rounds")
    results.add("c. ours / bare, in the synthetic archive (CPU, fastest)", f"{ratio:.3f}x",
                f"<= {TARGET_RATIO}x", ratio <= TARGET_RATIO)
    if script_ratio is not None:
        results.add("c. ours / bare, bench_build.py on the sample site", f"{script_ratio:.3f}x",
                    f"<= {TARGET_RATIO}x", script_ratio <= TARGET_RATIO)


def page_counts(result: Run, clones: list[Clone]) -> dict[str, int]:
    counts = {shown: int(pages) for shown, pages in _BUILT_ISSUE.findall(result.out)}
    missing = [clone.shown for clone in clones if clone.shown not in counts]
    if missing:
        print(f"   WARNING: no page count printed for {len(missing)} issues, e.g. {missing[0]}")
    return counts


def report_pages(counts: dict[str, int], clones: list[Clone], results: Results) -> None:
    spread = Counter(counts.values())
    print("   page counts: " + ", ".join(f"{pages} pages x {spread[pages]}"
                                        for pages in sorted(spread)))
    by_sample: dict[str, Counter[int]] = defaultdict(Counter)
    for clone in clones:
        if clone.shown in counts:
            by_sample[f"{clone.sample.series}/{clone.sample.name}"][counts[clone.shown]] += 1
    for name, pages in sorted(by_sample.items()):
        print(f"     clones of {name}: " + ", ".join(
            f"{count} pages x {times}" for count, times in sorted(pages.items())))
    mean = statistics.mean(counts.values()) if counts else 0.0
    shorter = sum(times for pages, times in spread.items() if pages < TARGET_PAGES)
    longer = sum(times for pages, times in spread.items() if pages > TARGET_PAGES)
    print(f"   mean {mean:.2f} pages; against the aim of about {TARGET_PAGES} pages an issue: "
          f"{spread[TARGET_PAGES]} issues have {TARGET_PAGES}, {shorter} are SHORTER, "
          f"{longer} are LONGER (each clone is as long as its sample)")
    results.add("d. pages an issue, mean (min-max)",
                f"{mean:.2f} ({min(spread, default=0)}-{max(spread, default=0)})",
                f"about {TARGET_PAGES}", spread[TARGET_PAGES] * 2 > len(counts))


def whole_archive(site: Path, clones: list[Clone], scratch: Path,
                  results: Results) -> dict[str, Usage]:
    count = len(clones)
    print(f"\nd. Whole archive of {count} issues, --force, fresh output folders "
          "(g. measured in the same runs)")
    usages, seconds = {}, {}
    for jobs in ("1", "2"):
        progress(f"building {count} issues with --jobs {jobs}")
        result, usages[jobs] = wrapped_build(site, "--force", "--jobs", jobs,
                                             "--output", str(scratch / f"out-jobs{jobs}"))
        seconds[jobs] = result.seconds
        cpu = usages[jobs].cpu_seconds
        print(f"   --jobs {jobs}: {result.seconds:.2f} s wall ({result.seconds / count:.3f} s an "
              f"issue); {cpu:.1f} CPU s, {cpu / result.seconds:.2f} cores busy on average")
        if jobs == "1":
            report_pages(page_counts(result, clones), clones, results)
    speedup = seconds["1"] / seconds["2"]
    print(f"   speed-up --jobs 2 over --jobs 1: {speedup:.2f}x")
    results.add(f"d. archive of {count}, --jobs 1, wall", f"{seconds['1']:.2f} s")
    results.add(f"d. archive of {count}, --jobs 2, wall", f"{seconds['2']:.2f} s",
                f"<= {TARGET_ARCHIVE_SECONDS:.0f} s", seconds["2"] <= TARGET_ARCHIVE_SECONDS)
    results.add("d. speed-up --jobs 2 / --jobs 1", f"{speedup:.2f}x", f">= {TARGET_SPEEDUP}x",
                speedup >= TARGET_SPEEDUP)
    return usages


def no_change_rebuild(site: Path, count: int, results: Results) -> None:
    print(f"\ne. Rebuild with nothing changed, archive of {count} issues")
    progress(f"first build of {count} issues with --jobs 2")
    first = publisher(site, "build", "--jobs", "2")
    print(f"   first build: {first.seconds:.2f} s wall")
    reruns = [publisher(site, "build", "--jobs", "2") for _ in range(NO_CHANGE_RUNS)]
    times = [rerun.seconds for rerun in reruns]
    median = statistics.median(times)
    found = _NOTHING.search(reruns[-1].out)
    unchanged = int(found[1]) if found else None
    print(f"   no-change rebuild: median {median:.3f} s wall of {NO_CHANGE_RUNS} "
          f"(fastest {min(times):.3f} s); publisher reported "
          f"{unchanged if unchanged is not None else 'NO'} issues up to date "
          f"(of {count})")
    if found is None:
        print(f"   its output was: {reruns[-1].out.strip()!r}")
    results.add(f"e. no-change rebuild of {count}, median wall", f"{median:.3f} s",
                f"< {TARGET_NO_CHANGE_SECONDS:.0f} s", median < TARGET_NO_CHANGE_SECONDS)
    results.add("e. issues reported up to date", str(unchanged), str(count), unchanged == count)


def pick_block(site: Path, count: int) -> tuple[str, str, int]:
    """A block used by some issues but not all: its kind, name and user count."""
    rows = [(kind, name, int(used))
            for kind, name, used in _BLOCK_ROW.findall(publisher(site, "blocks").out)]
    some = [row for row in rows if 0 < row[2] < count]
    if not some:
        sys.exit("no block is used by only some of the issues")
    preferred = [row for row in some if row[1] == PREFERRED_BLOCK]
    return (preferred or sorted(some, key=lambda row: row[2]))[0]


def change_a_word(path: Path) -> str:
    """Change 'the' to 'this' in the block's last content line that has it; return the line."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for index in range(len(lines) - 1, -1, -1):
        line = lines[index]
        if not line.lstrip().startswith("#") and re.search(r"\bthe\b", line):
            lines[index] = re.sub(r"\bthe\b", "this", line, count=1)
            path.write_text("".join(lines), encoding="utf-8")
            return lines[index].strip()
    sys.exit(f"{path}: no word 'the' to change")


def block_change_rebuild(site: Path, count: int, results: Results) -> None:
    print("\nf. Rebuild after one block changed")
    kind, name, listed = pick_block(site, count)
    where = publisher(site, "blocks", "where", name)
    found = _USED_BY.search(where.out)
    users = int(found[1]) if found else listed
    edited = change_a_word(site / "blocks" / kind / f"{name}.yml")
    print(f"   changed blocks/{kind}/{name}.yml (now: {edited!r})")
    print(f"   'publisher blocks' lists it as used by {listed}; 'blocks where' says {users}")
    result = publisher(site, "build", "--jobs", "2")
    built = _BUILT.search(result.out)
    rebuilt = int(built[1]) if built else 0
    unchanged = int(built[3]) if built and built[3] else 0
    print(f"   rebuild: {result.seconds:.2f} s wall; publisher built {rebuilt} issues, "
          f"{unchanged} unchanged (of {count}); the block is used by {users}")
    if rebuilt + unchanged != count:
        print(f"   WARNING: built + unchanged = {rebuilt + unchanged}, not {count}")
    results.add(f"f. rebuild after changing block {name}, wall", f"{result.seconds:.2f} s")
    results.add("f. issues rebuilt / issues using the block", f"{rebuilt} / {users}",
                "equal", rebuilt == users)


#: Runs bare WeasyPrint over the HTML pages named on stdin in a pool of N forked processes,
#: each page laid out once and written in the PDF variants publisher gives a published issue.
BARE_POOL = """
import multiprocessing, sys, time
import weasyprint
def make(line):
    page, variants = line.split("\t")
    document = weasyprint.HTML(filename=page).render()
    for variant in variants.split(","):
        document.write_pdf(pdf_identifier=True, pdf_variant=variant)
pages = sys.stdin.read().splitlines()
started = time.perf_counter()
with multiprocessing.get_context("fork").Pool(int(sys.argv[1])) as pool:
    pool.map(make, pages, chunksize=1)
print(time.perf_counter() - started)
"""


@dataclass(frozen=True)
class WorkerMemory:
    """The largest unique (USS) and proportional (PSS) set of any worker, in MiB, from
    /proc/PID/smaps_rollup sampled every SAMPLE_SECONDS while the build ran."""

    uss: float
    pss: float
    workers: int


SAMPLE_SECONDS = 0.1


def _rollup_mib(pid: int) -> tuple[float, float] | None:
    """USS (private clean + dirty, swap included) and PSS of process `pid`, in MiB."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return None
    kib = {line.split(":")[0]: int(line.split()[1]) for line in text.splitlines()[1:]}
    private = kib.get("Private_Clean", 0) + kib.get("Private_Dirty", 0) + kib.get("Swap", 0)
    return private / MIB, kib.get("Pss", 0) / MIB


def _children(pid: int) -> list[int]:
    try:
        return [int(child) for child in
                Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def build_sampled(site: Path, *args: str) -> tuple[float, WorkerMemory]:
    """`publisher build ARGS` in `site`: wall seconds, and its workers' largest USS and PSS."""
    started = time.perf_counter()
    process = subprocess.Popen([*publisher_command(), "build", *args], cwd=site, env=clean_env(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak: dict[int, tuple[float, float]] = {}
    while process.poll() is None:
        for child in _children(process.pid):
            sizes = _rollup_mib(child)
            if sizes is not None:
                before = peak.get(child, (0.0, 0.0))
                peak[child] = (max(before[0], sizes[0]), max(before[1], sizes[1]))
        time.sleep(SAMPLE_SECONDS)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        sys.exit(f"FAILED: publisher build {' '.join(args)}\n{process.stderr.read()[-3000:]}")
    return seconds, WorkerMemory(max((uss for uss, _ in peak.values()), default=0.0),
                                 max((pss for _, pss in peak.values()), default=0.0), len(peak))


def bare_pages(site: Path, output: Path) -> list[tuple[Path, list[str]]]:
    """The HTML publisher hands WeasyPrint for each issue's PDF, written beside the issue's
    page in `output` (so that its stylesheets and images resolve to the same files), with
    the PDF variants publisher makes of it. Not the written page: that links the screen's
    bundled stylesheet and WOFF2 fonts (see publisher/web_assets.py), which the PDF never
    loads, and which bare WeasyPrint took three times as long to lay out."""
    from publisher.config import read_site
    from publisher.fingerprint import InputReader
    from publisher.pages import PageMaker
    from publisher.plan import gather

    loaded, _ = read_site(site)
    maker, reader = PageMaker(loaded, output), InputReader(loaded)
    pages: list[tuple[Path, list[str]]] = []
    for planned in gather(loaded).issues:
        page = maker.render(planned.issue, planned.blocks)
        path = page.path.with_name(f"{page.path.stem}.bare.html")
        path.write_text(page.html, encoding="utf-8")
        copies = reader.copies(planned.issue)
        pages.append((path, [str(copies.web),
                             *([str(copies.archival)] if copies.archival else [])]))
    return pages


def bare_pool(pages: list[tuple[Path, list[str]]], jobs: int) -> float:
    """Wall seconds of bare WeasyPrint making the PDFs of `pages` (each with its variants)
    in `jobs` processes."""
    lines = "\n".join(f"{page}\t{','.join(variants)}" for page, variants in pages)
    done = subprocess.run([sys.executable, "-c", BARE_POOL, str(jobs)], env=clean_env(),
                          input=lines, capture_output=True, text=True, check=True)
    return float(done.stdout.split()[-1])


def throughput(site: Path, clones: list[Clone], scratch: Path, results: Results,
               rounds: int) -> None:
    """The archive with --jobs 2 against bare WeasyPrint in a pool of two making the same
    PDFs from the same pages, alternating, and the workers' memory."""
    count = len(clones)
    print(f"\nd2. Archive of {count} issues, --force --jobs 2, against bare WeasyPrint in a "
          f"pool of 2 on the same pages; {rounds} rounds, alternating, wall seconds")
    ours, bare, memories = [], [], []
    pages: list[tuple[Path, list[str]]] = []
    for round_number in range(rounds):
        output = scratch / f"out-throughput-{round_number}"
        seconds, memory_used = build_sampled(site, "--force", "--jobs", "2", "--output",
                                             str(output))
        ours.append(seconds)
        memories.append(memory_used)
        pages = pages or bare_pages(site, output)
        bare.append(bare_pool(pages, 2))
        print(f"   round {round_number + 1}: publisher {seconds:.2f} s, bare {bare[-1]:.2f} s; "
              f"largest worker USS {memory_used.uss:.1f} MiB, PSS {memory_used.pss:.1f} MiB "
              f"({memory_used.workers} workers seen)")
    fastest, median = min(ours), statistics.median(ours)
    uss = max(memory.uss for memory in memories)
    pss = max(memory.pss for memory in memories)
    print(f"   publisher: fastest {fastest:.2f} s, median {median:.2f} s; bare WeasyPrint: "
          f"fastest {min(bare):.2f} s, median {statistics.median(bare):.2f} s; ratio of the "
          f"fastest {fastest / min(bare):.3f}x")
    results.add(f"d2. archive of {count}, --jobs 2, wall (fastest of {rounds})",
                f"{fastest:.2f} s", f"<= {TARGET_ARCHIVE_SECONDS:.0f} s",
                fastest <= TARGET_ARCHIVE_SECONDS)
    results.add(f"d2. bare WeasyPrint, pool of 2, same PDFs (fastest of {rounds})",
                f"{min(bare):.2f} s")
    results.add("d2. largest worker USS (smaps_rollup)", f"{uss:.1f} MiB",
                f"<= {TARGET_WORKER_MIB:.0f} MiB", uss <= TARGET_WORKER_MIB)
    results.add("d2. largest worker PSS (smaps_rollup)", f"{pss:.1f} MiB")


def memory(usages: dict[str, Usage], results: Results) -> None:
    two, one = usages["2"], usages["1"]
    print("\ng. Peak memory (max RSS) of the archive builds of d")
    print(f"   --jobs 2: main process {two.self_mib:.1f} MiB, largest child "
          f"{two.children_mib:.1f} MiB (the workers are forked, so this counts the pages they "
          "share with the main process)")
    print(f"   --jobs 1: {one.self_mib:.1f} MiB, all in one process")
    print(f"   children also include the ldconfig/gcc/ld runs of WeasyPrint's import (cffi "
          f"looking up its libraries): {one.children_mib:.1f} MiB at most with --jobs 1, "
          "where there is no worker")
    results.add("g. peak RSS, largest worker (--jobs 2)", f"{two.children_mib:.1f} MiB",
                f"<= {TARGET_WORKER_MIB:.0f} MiB", two.children_mib <= TARGET_WORKER_MIB)
    results.add("g. peak RSS, main process (--jobs 2)", f"{two.self_mib:.1f} MiB")
    results.add("g. peak RSS, --jobs 1", f"{one.self_mib:.1f} MiB")


def print_table(rows: list[Row]) -> None:
    header = Row("figure", "value", "target", "met")
    widths = [max(len(getattr(row, name)) for row in [header, *rows])
              for name in ("figure", "value", "target")]
    print("\nSummary")
    for row in [header, *rows]:
        print(f"  {row.figure:<{widths[0]}}  {row.value:>{widths[1]}}  "
              f"{row.target:<{widths[2]}}  {row.met}")


# ----------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=100, metavar="N",
                        help="issues in the archive of a, b, d and g (default 100)")
    parser.add_argument("--no-change-issues", type=int, default=200, metavar="M",
                        help="issues in the archive of e and f (default 200)")
    parser.add_argument("--throughput-only", action="store_true",
                        help="only d2: the archive with --jobs 2 against bare WeasyPrint, "
                             "and the workers' memory")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of d2 (default 3)")
    parser.add_argument("--compare-builds", metavar="ISSUE", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.compare_builds:  # c's child process, in the synthetic site
        timings = compare_builds(Path.cwd(), Path.cwd() / arguments.compare_builds,
                                          COMPARE_ROUNDS)
        print(json.dumps({"timings": timings}))
        return
    samples = read_samples()
    results = Results()
    print(f"publisher archive benchmark: {len(samples)} sample issues, "
          f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {publisher_command()[0]}")
    with tempfile.TemporaryDirectory(prefix="bench-archive-") as folder:
        scratch = Path(folder)
        clones = plan_archive(samples, arguments.issues)
        progress(f"generating an archive of {len(clones)} issues in {scratch / 'site'}")
        site = make_site(scratch / "site", clones)
        describe_archive(clones)
        if arguments.throughput_only:
            throughput(site, clones, scratch, results, arguments.rounds)
            print_table(results.rows)
            return
        first = next(clone for clone in clones if clone.sample == samples[0]).shown
        progress(f"timing Python start-up and imports, {STARTUP_RUNS} runs each")
        start_up = start_up_costs(site)
        cold_single(site, first, scratch, start_up, results)
        html_only(site, first, scratch, start_up, results)
        against_weasyprint(site, first, results)
        usages = whole_archive(site, clones, scratch, results)
        throughput(site, clones, scratch, results, arguments.rounds)
        big = plan_archive(samples, arguments.no_change_issues)
        progress(f"generating an archive of {len(big)} issues in {scratch / 'site-big'}")
        big_site = make_site(scratch / "site-big", big)
        describe_archive(big)
        no_change_rebuild(big_site, len(big), results)
        block_change_rebuild(big_site, len(big), results)
        memory(usages, results)
    print_table(results.rows)


if __name__ == "__main__":
    main()
