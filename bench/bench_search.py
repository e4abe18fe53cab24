"""The archive's search index: its size and the time to make it, for the sample archive and
a synthetic one of 100 issues (made as bench/bench_archive.py makes it).

    .venv/bin/python bench/bench_search.py [--issues N]

For each archive it builds the HTML pages (`build --format html --force -j 2`, its own
process, wall seconds), then, in this process, reads the pages back as the build does and
times Pagefind making the index of their articles alone (median of 3). It prints the
number of records (articles and issues' openings), the index's files and bytes, its
largest file, and what a phone fetches for a first search: Pagefind's script, worker,
WebAssembly, entry and metadata, with the filters and the largest word-index chunk (the
fragments of the ten results shown come on top, a few hundred bytes each).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "bench"))

import bench_archive  # noqa: E402

from publisher.articles import read_articles  # noqa: E402
from publisher.build_record import read_state  # noqa: E402
from publisher.catalogue import archive_entries, output_sizes  # noqa: E402
from publisher.config import load_site  # noqa: E402
from publisher.discovery import found_issues, search_records  # noqa: E402
from publisher.plan import gather  # noqa: E402
from publisher.search_index import INDEX_FOLDER, index_files  # noqa: E402

SOURCES = ("site.yml", "issues", "blocks", "templates", "styles")


def sample_site(folder: Path) -> Path:
    folder.mkdir(parents=True)
    for name in SOURCES:
        source = PROJECT / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, folder / name)
    return folder


def build_seconds(site: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "publisher.cli", "build", "--format", "html",
                    "--force", "-j", "2", "-q"], cwd=site, check=True, capture_output=True,
                   env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(PROJECT)})
    return time.perf_counter() - start


def measure(name: str, site: Path) -> None:
    seconds = build_seconds(site)
    output = site / "output"
    loaded = load_site(site)
    gathered = gather(loaded)
    entries = archive_entries(gathered.readable, output_sizes(output),
                              read_state(output).page_counts())
    found = found_issues(loaded, gathered.library, entries,
                         lambda path: read_articles((output / path).read_text(encoding="utf-8")))
    records = search_records(found)
    times = []
    for _ in range(3):
        start = time.perf_counter()
        files = dict(index_files(records, loaded.settings.language))
        times.append(time.perf_counter() - start)
    on_disk = sorted((output / INDEX_FOLDER).rglob("*"))
    total = sum(path.stat().st_size for path in on_disk if path.is_file())
    largest = max(files.items(), key=lambda item: len(item[1]))
    first = sum(len(data) for path, data in files.items()
                if not path.startswith(("index/", "fragment/")))
    first += max(len(data) for path, data in files.items() if path.startswith("index/"))
    print(f"{name}: {len(entries)} issues, {len(records)} records")
    print(f"  HTML build, --force -j 2 (whole process): {seconds:.2f} s")
    print(f"  making the index alone (median of 3):     {statistics.median(times):.2f} s")
    print(f"  index: {len(files)} files, {total / 1000:.0f} KB on disk "
          f"(largest {largest[0]}, {len(largest[1]) / 1000:.0f} KB)")
    print(f"  a first search fetches about {first / 1000:.0f} KB, and the results' fragments")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issues", type=int, default=100)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-search-") as scratch:
        measure("sample archive", sample_site(Path(scratch) / "samples"))
        clones = bench_archive.plan_archive(bench_archive.read_samples(), arguments.issues)
        measure(f"synthetic archive of {arguments.issues}",
                bench_archive.make_site(Path(scratch) / "archive", clones))


if __name__ == "__main__":
    main()
