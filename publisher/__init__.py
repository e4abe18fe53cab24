"""publisher: safeguarding bulletins from Markdown to designed PDF and HTML.

The stages, one module each: `config` (site and series settings), `sources` (issues and
their front matter), `markdown` (the body), `pages` (templates), `pdf` (WeasyPrint),
`output` (safe writes), and `build`, which runs them in order. Importing this package is
cheap: nothing is read and WeasyPrint is not imported until a PDF is made.
"""

__version__ = "0.6.0"
