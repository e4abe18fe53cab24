"""What tagging and the archival copy cost: the PDFs of the whole sample archive, untagged,
tagged (PDF/UA-1, the web copy) and tagged with a PDF/A-2a archival copy.

    .venv/bin/python bench/bench_tagging.py [--rounds N]

The pages are made once beforehand; each round lays out and writes every sample issue's
PDF in each configuration, alternating, in CPU seconds. Prints the median and fastest time
of each and how much more than untagged it costs.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from publisher.config import PdfVariant, read_site
from publisher.pages import Page, PageMaker
from publisher.pdf import render_pdf
from publisher.plan import gather
from publisher.resources import SiteResources

PROJECT = Path(__file__).resolve().parent.parent
CONFIGURATIONS: dict[str, list[PdfVariant | None]] = {
    "untagged": [None],
    "tagged (PDF/UA-1)": ["pdf/ua-1"],
    "tagged + PDF/A-2a copy": ["pdf/ua-1", "pdf/a-2a"],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    arguments = parser.parse_args()
    site, _ = read_site(PROJECT)
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder)
        maker = PageMaker(site, output)
        pages = [maker.render(planned.issue, planned.blocks)
                 for planned in gather(site).issues]
        resources = SiteResources(site.root, output, site.styles_folder, site.issues_folder,
                                  site.settings.archive_address)

        def archive(variants: list[PdfVariant | None]) -> float:
            started = time.process_time()
            for page in pages:
                render_pdf(page.html, page.path, resources, page.issue.shown,
                           page.issue.front.date, variants)
            return time.process_time() - started

        sizes = {name: _sizes(pages, resources, variants)
                 for name, variants in CONFIGURATIONS.items()}  # and a warm-up
        timings: dict[str, list[float]] = {name: [] for name in CONFIGURATIONS}
        for _ in range(arguments.rounds):
            for name, variants in CONFIGURATIONS.items():
                timings[name].append(archive(variants))

    base = statistics.median(timings["untagged"])
    print(f"The sample archive's PDFs ({len(pages)} issues), {arguments.rounds} rounds, "
          "CPU seconds")
    for name, values in timings.items():
        median = statistics.median(values)
        print(f"  {name:<24} median {median:.3f} s, fastest {min(values):.3f} s "
              f"({median / base - 1:+.1%} on untagged), {sizes[name] / 1024:.0f} KiB written")


def _sizes(pages: list[Page], resources: SiteResources,
           variants: list[PdfVariant | None]) -> int:
    return sum(len(copy) for page in pages
               for copy in render_pdf(page.html, page.path, resources, page.issue.shown,
                                      page.issue.front.date, variants).copies)


if __name__ == "__main__":
    main()
