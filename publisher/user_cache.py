"""The user's cache folder, `$XDG_CACHE_HOME/publisher` (or `~/.cache/publisher`): what is
slow to make and follows from given bytes alone (compiled templates, WOFF2 subsets of the
fonts, the characters a font has), kept between runs. Nothing in it is ever needed: a cache
that cannot be read or written only costs making the thing again.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path


def cache_folder(kind: str) -> Path:
    """The folder of the user's cache that keeps one `kind` of thing (not made here)."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "publisher" / kind


def cached_bytes(kind: str, name: str, make: Callable[[], bytes]) -> bytes:
    """The bytes kept as `name` in the `kind` folder of the user's cache, or, if there are
    none, those `make()` returns, then kept there. `name` must say everything the bytes
    follow from (a digest of the source's bytes, a format's version)."""
    path = cache_folder(kind) / name
    try:
        return path.read_bytes()
    except OSError:
        pass
    data = make()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        temporary.write_bytes(data)
        os.replace(temporary, path)  # another process reading it sees all of it or nothing
    except OSError:
        pass  # no cache: made again next time
    return data
