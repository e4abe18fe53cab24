"""The user's cache folder, `$XDG_CACHE_HOME/publisher` (or `~/.cache/publisher`): what is
slow to make and follows from given bytes alone (compiled templates, WOFF2 subsets of the
fonts, the characters a font has), kept between runs. Nothing in it is ever needed: a cache
that cannot be read or written, or a user with no home folder, only costs making the thing
again.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path


def cache_folder(kind: str) -> Path | None:
    """The folder of the user's cache that keeps one `kind` of thing (not made here); None
    if the user has no home folder to keep it in."""
    try:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    except RuntimeError:  # no HOME, and no home in the password database
        return None
    return base / "publisher" / kind


def kept(kind: str, name: str) -> bytes | None:
    """The bytes kept as `name` in the `kind` folder of the user's cache, if any."""
    folder = cache_folder(kind)
    try:
        return None if folder is None else (folder / name).read_bytes()
    except OSError:
        return None


def keep(kind: str, name: str, data: bytes) -> None:
    """Keep `data` as `name` in the `kind` folder of the user's cache, if it can be written.
    `name` must say everything the bytes follow from (a digest of the source's bytes, a
    format's version)."""
    folder = cache_folder(kind)
    if folder is None:
        return
    path = folder / name
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        temporary.write_bytes(data)
        os.replace(temporary, path)  # another process reading it sees all of it or nothing
    except OSError:
        pass  # no cache: made again next time


def cached_bytes(kind: str, name: str, make: Callable[[], bytes]) -> bytes:
    """The bytes kept as `name` in the `kind` folder of the user's cache, or, if there are
    none, those `make()` returns, then kept there."""
    data = kept(kind, name)
    if data is None:
        data = make()
        keep(kind, name, data)
    return data
