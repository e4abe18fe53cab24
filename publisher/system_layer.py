"""The system's libraries that shape a PDF's bytes: Pango (text layout), HarfBuzz (shaping),
HarfBuzz-subset (font subsetting, without which WeasyPrint subsets fonts with fontTools,
more slowly and into other bytes), FreeType and fontconfig.

Each is opened by the names WeasyPrint opens it by, so the dynamic loader gives the same
library (in a process that has loaded WeasyPrint, the very one), and asked its version. The
versions are part of every issue's fingerprint (`fingerprint`), so the archive lock records
them and `verify` can say which one moved when bytes differ and the text does not.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import io
import os
import sys
from collections.abc import Iterator

SYSTEM = "system "
#: What the subsetter's label says when HarfBuzz-subset cannot be used.
NO_HARFBUZZ_SUBSET = "not found: fonts subset by fontTools"
#: The names WeasyPrint 70 opens each library by (weasyprint/text/ffi.py), on Linux, macOS
#: and Windows.
_NAMES = {
    "pango": ("libpango-1.0-0", "pango-1.0-0", "pango-1.0", "libpango-1.0.so.0",
              "libpango-1.0.dylib", "libpango-1.0-0.dll"),
    "harfbuzz": ("libharfbuzz-0", "harfbuzz", "harfbuzz-0.0", "libharfbuzz.so.0",
                 "libharfbuzz.0.dylib", "libharfbuzz-0.dll"),
    "harfbuzz-subset": ("libharfbuzz-subset-0", "harfbuzz-subset", "harfbuzz-subset-0.0",
                        "libharfbuzz-subset.so.0", "libharfbuzz-subset.0.dylib",
                        "libharfbuzz-subset-0.dll"),
    "fontconfig": ("libfontconfig-1", "fontconfig-1", "fontconfig", "libfontconfig.so.1",
                   "libfontconfig.1.dylib", "libfontconfig-1.dll"),
    "freetype": ("libfreetype.so.6", "libfreetype.6.dylib", "libfreetype-6.dll", "freetype"),
}
#: HarfBuzz-subset is used from this HarfBuzz version on (weasyprint/pdf/fonts.py).
_SUBSET_FROM = (4, 1, 0)


@functools.cache
def system_libraries() -> dict[str, str]:
    """The version of each library, by its label (`system pango`...); 'missing' for one
    that cannot be opened, and for the subsetter, which one subsets the fonts."""
    harfbuzz = _version_string(_open("harfbuzz"), "hb_version_string")
    subset = _open("harfbuzz-subset")
    usable = subset is not None and harfbuzz != "missing" and \
        tuple(int(part) for part in harfbuzz.split(".")[:3]) >= _SUBSET_FROM
    return {
        SYSTEM + "pango": _version_string(_open("pango"), "pango_version_string"),
        SYSTEM + "harfbuzz": harfbuzz,
        SYSTEM + "harfbuzz-subset": f"HarfBuzz-subset {harfbuzz}" if usable
        else NO_HARFBUZZ_SUBSET,
        SYSTEM + "freetype": _freetype_version(_open("freetype")),
        SYSTEM + "fontconfig": _fontconfig_version(_open("fontconfig")),
    }


def subsetter_missing() -> str | None:
    """Why fonts are subset by fontTools on this machine, or None when HarfBuzz-subset is
    used: what `build` warns of, once."""
    if system_libraries()[SYSTEM + "harfbuzz-subset"] != NO_HARFBUZZ_SUBSET:
        return None
    return ("HarfBuzz-subset is not installed, so fonts are subset by fontTools: each PDF "
            "takes longer, and its bytes differ from a build that had it (verify says "
            "'same content'); install it (Debian: apt-get install libharfbuzz-subset0)")


@contextlib.contextmanager
def opened_by_soname() -> Iterator[None]:
    """While WeasyPrint is imported in the block: its libraries opened by the names the
    dynamic loader knows, without ctypes' search.

    WeasyPrint tries several names for each library, and cffi hands each name the loader
    does not open to `ctypes.util.find_library`, which on Linux runs ldconfig, gcc and ld:
    some fifty programs, about 0.25 s of CPU at every start (half of what a one-issue build
    spends beyond WeasyPrint's own work). Each list also holds the library's soname
    (libpango-1.0.so.0), which the loader opens as `_open` does: the same files, which
    find_library would have named by the same soname. On a system where no name opens, the
    import is done again with the full search (and WeasyPrint's own advice about missing
    libraries, printed on the first try, is held back until then).
    """
    search = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            yield
    except OSError:
        ctypes.util.find_library = search
        for module in [name for name in sys.modules if name.startswith("weasyprint")]:
            del sys.modules[module]
        import weasyprint  # noqa: F401  (with the full search; raises as WeasyPrint does)
    finally:
        ctypes.util.find_library = search


def _open(name: str) -> ctypes.CDLL | None:
    for candidate in _NAMES[name]:
        try:
            return ctypes.CDLL(candidate, mode=os.RTLD_NOW if hasattr(os, "RTLD_NOW") else 0)
        except OSError:
            continue
    return None


def _version_string(library: ctypes.CDLL | None, function: str) -> str:
    if library is None:
        return "missing"
    version = getattr(library, function)
    version.restype = ctypes.c_char_p
    return str(version().decode("ascii"))


def _fontconfig_version(library: ctypes.CDLL | None) -> str:
    if library is None:
        return "missing"
    number = int(library.FcGetVersion())  # 21400 for 2.14.0
    return f"{number // 10000}.{number // 100 % 100}.{number % 100}"


def _freetype_version(library: ctypes.CDLL | None) -> str:
    if library is None:
        return "missing"
    handle = ctypes.c_void_p()
    if library.FT_Init_FreeType(ctypes.byref(handle)) != 0:
        return "missing"
    major, minor, patch = ctypes.c_int(), ctypes.c_int(), ctypes.c_int()
    library.FT_Library_Version(handle, ctypes.byref(major), ctypes.byref(minor),
                               ctypes.byref(patch))
    library.FT_Done_FreeType(handle)
    return f"{major.value}.{minor.value}.{patch.value}"
