"""Make docs/components.md, the component gallery, from the gallery issue.

    .venv/bin/python scripts/component_gallery.py          # the page and its pictures
    .venv/bin/python scripts/component_gallery.py --text   # the page only (no pictures)

Each article of the gallery issue (issues/gallery/) shows one component: the page gives its
description (from publisher/components.py), the Markdown that makes it (from the issue, as
written), and two pictures: in print (the article cropped from the issue's PDF, in the
gallery's house style) and on screen (the article in Chromium, 1280 and 320 pixels wide).
The pictures go in docs/components/. tests/test_components.py checks that the page is what
this makes of the issue, so it cannot drift; run this after changing a component.
"""

from __future__ import annotations

import argparse
import http.server
import re
import shutil
import socketserver
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from publisher.components import COMPONENTS  # noqa: E402

GALLERY = PROJECT / "issues" / "gallery"
PAGE = PROJECT / "docs" / "components.md"
PICTURES = PROJECT / "docs" / "components"
#: How sharp the print pictures are, in dots per inch.
PRINT_DPI = 80


@dataclass(frozen=True)
class Article:
    """One article of the gallery: its heading, its anchor, and its Markdown as written."""

    heading: str
    anchor: str
    markdown: str

    @property
    def components(self) -> list[str]:
        found = re.findall(r"(?m)^ {0,3}/{3,}[ ]*([\w-]+)", self.markdown)
        return list(dict.fromkeys(name for name in found if name in COMPONENTS))


def gallery_issue() -> Path:
    return next(path for path in sorted(GALLERY.glob("*.md")) if not path.name.startswith("_"))


def articles(text: str) -> list[Article]:
    """The gallery issue's articles, each `# Heading` and the Markdown under it."""
    body = text.split("\n---\n", 1)[1]
    found = []
    for part in re.split(r"(?m)^# ", body)[1:]:
        heading, _, markdown = part.partition("\n")
        anchor = re.sub(r"[^\w-]", "", heading.strip().lower().replace(" ", "-"))
        found.append(Article(heading.strip(), anchor, markdown.strip("\n")))
    return found


def gallery_markdown(text: str) -> str:
    """docs/components.md, made from the gallery issue's `text`."""
    lines = [
        "# Component gallery",
        "",
        "Components are written in an issue's Markdown (or in a block's Markdown field), between",
        "a line that opens one, `/// name`, and a line `///` that closes it. Options go on the",
        "lines right after the opening one, indented four spaces, one `name: value` to a line.",
        "`publisher check` says what is wrong with a component it cannot make.",
        "",
        "This page is made by `scripts/component_gallery.py` from the gallery issue,",
        f"`{gallery_issue().relative_to(PROJECT).as_posix()}`, so each example below is "
        "exactly what",
        "that issue says; each picture shows it in print (from the PDF) and on screen.",
        "",
        "| component | what it is | after the bar | options |",
        "| --- | --- | --- | --- |",
    ]
    for spec in COMPONENTS.values():
        options = "; ".join(f"`{name}`: {option.description}"
                            + (f" (default `{option.default}`)" if option.default else "")
                            for name, option in spec.options.items()) or "none"
        lines.append(f"| `{spec.name}` | {spec.description} | {spec.argument or 'nothing'} "
                     f"| {options} |")
    for article in articles(text):
        names = ", ".join(f"`{name}`" for name in article.components)
        title = f"{article.heading} ({names})" if names else article.heading
        lines += ["", f"## {title}", "", "```markdown", article.markdown,
                  "```", "",
                  f"In print: ![{article.heading}, in print](components/"
                  f"{article.anchor}-print.png)",
                  "",
                  f"On screen: ![{article.heading}, on a wide screen](components/"
                  f"{article.anchor}-screen.png) ![{article.heading}, on a phone](components/"
                  f"{article.anchor}-phone.png)"]
    return "\n".join(lines) + "\n"


def print_pictures(pdf: Path, html: Path, folder: Path, anchors: list[str]) -> None:
    """Each article cropped from the pages of the issue's PDF, as it is laid out."""
    import weasyprint
    from PIL import Image

    document = weasyprint.HTML(filename=str(html)).render()
    places = {}
    for number, page in enumerate(document.pages):
        for box in _descendants(page._page_box):
            element = getattr(box, "element", None)
            anchor = element.get("aria-labelledby") if element is not None else None
            if anchor in anchors and anchor not in places and box.element_tag == "section":
                places[anchor] = (number, box.position_x, box.position_y,
                                  box.margin_width(), box.margin_height())
    with tempfile.TemporaryDirectory() as pages:
        subprocess.run(["pdftoppm", "-r", str(PRINT_DPI), "-png", str(pdf), f"{pages}/page"],
                       check=True)
        files = sorted(Path(pages).glob("page-*.png"))
        for anchor, (number, x, y, width, height) in places.items():
            scale = PRINT_DPI / 96  # WeasyPrint lays out in CSS pixels, 96 to the inch
            with Image.open(files[number]) as image:
                box = (int(x * scale), int(y * scale), int((x + width) * scale),
                       min(image.height, int((y + height) * scale)))
                image.crop(box).save(folder / f"{anchor}-print.png", optimize=True)
                print(folder / f"{anchor}-print.png")


def _descendants(box: object) -> Iterator[object]:
    pending = [box]
    while pending:
        current = pending.pop()
        yield current
        pending.extend(reversed(getattr(current, "children", None) or []))


def screen_pictures(output: Path, page: str, folder: Path, anchors: list[str]) -> None:
    """Each article as Chromium shows it, on a wide screen and on a phone."""
    with served(output) as address:
        for width, suffix in ((1280, "screen"), (320, "phone")):
            subprocess.run(["node", str(PROJECT / "tests/browser/element-shots.mjs"),
                            str(folder), f"{address}/{page}", str(width),
                            *(f"{anchor}-{suffix}=section[aria-labelledby='{anchor}']"
                              for anchor in anchors)], check=True)


@contextmanager
def served(folder: Path) -> Iterator[str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(folder), **kwargs)  # type: ignore[misc]

        def log_message(self, format: str, *args: object) -> None:
            pass

    with socketserver.TCPServer(("127.0.0.1", 0), Quiet) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--text", action="store_true", help="make the page only")
    arguments = parser.parse_args()
    issue = gallery_issue()
    text = issue.read_text(encoding="utf-8")
    PAGE.write_text(gallery_markdown(text), encoding="utf-8")
    print(PAGE.relative_to(PROJECT))
    if arguments.text:
        return
    PICTURES.mkdir(exist_ok=True)
    anchors = [article.anchor for article in articles(text)]
    with tempfile.TemporaryDirectory() as folder:
        # Built as a published issue in a copy of the site: a draft's pages say DRAFT.
        site, output = Path(folder) / "site", Path(folder) / "output"
        site.mkdir()
        for name in ("site.yml", "issues", "blocks", "templates", "styles"):
            copy = shutil.copytree if (PROJECT / name).is_dir() else shutil.copy
            copy(PROJECT / name, site / name)
        published = site / issue.relative_to(PROJECT)
        published.write_text(text.replace("\nstatus: draft\n", "\nstatus: published\n"))
        subprocess.run([str(PROJECT / ".venv/bin/publisher"), "--site", str(site), "build",
                        str(published), "--output", str(output), "-q"], check=True)
        built = output / GALLERY.name / issue.with_suffix(".pdf").name
        print_pictures(built, built.with_suffix(".html"), PICTURES, anchors)
        screen_pictures(output, f"{GALLERY.name}/{issue.with_suffix('.html').name}", PICTURES,
                        anchors)


if __name__ == "__main__":
    main()
