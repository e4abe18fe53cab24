"""The archive's search index: every article of every listed issue as a Pagefind record,
written to `pagefind/` in the output folder for the search page to query in the browser,
with no server.

Pagefind (https://pagefind.app) splits the index into small chunks, so a phone loads only
those a search needs; its Python package brings its binary, which this module runs. The
records are given to it one by one, each article with its issue, date and filters (series,
year, topic), rather than pointing it at the pages: an issue's page then needs no markup
of Pagefind's, so a published issue's bytes do not move.

Pagefind 1.5.2 writes its filter files and their list in whatever order a hash map gives
(fixed in Pagefind after 1.5.2, unreleased when this was written), so the same records
would give other bytes on each run. `_settled` rewrites them in order, which is what later
Pagefind writes; a test builds the index twice and compares the bytes.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import importlib.metadata
import json
import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from publisher import strictjson as strict
from publisher.errors import RenderError

#: The index's folder in the output folder.
INDEX_FOLDER = "pagefind"
#: The index's own record of what it was made from (a digest of its records) and of its
#: files, so that a build makes it again only when they change, and removes the old files.
LISTING_FILE = "publisher-index.json"
_ABOUT = ("Written by 'publisher build': a digest of what the search index was made from, "
          "and its files. Do not edit it.")
#: What the search page needs of Pagefind's bundle: its script, worker, entry, metadata,
#: word index, fragments and filters, and the WebAssembly of the index's language. Its own
#: ready-made interfaces (pagefind-ui and the like) are left out: the search page is ours.
_KEPT = ("pagefind.js", "pagefind-worker.js", "pagefind-entry.json")
_KEPT_FOLDERS = ("index/", "fragment/", "filter/")
_SIGNATURE = b"pagefind_dcd"
#: How `_settled` rewrites Pagefind's files: a change to it makes every index again.
_SETTLED = 1


@dataclass(frozen=True)
class SearchRecord:
    """One search result: an article, by its address from the output folder."""

    url: str
    content: str
    meta: dict[str, str]
    filters: dict[str, list[str]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"url": self.url, "content": self.content, "meta": self.meta,
                "filters": self.filters}


def records_digest(records: Sequence[SearchRecord], language: str) -> str:
    """A digest of what the index is made from, and of what makes it (Pagefind's version,
    and this module's way of settling its files): the same digest, the same index."""
    data = json.dumps([language, _made_by(), [record.as_json() for record in records]],
                      sort_keys=True)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def index_update(folder: Path, records: Sequence[SearchRecord],
                 language: str) -> tuple[list[tuple[Path, bytes]], list[Path]]:
    """What to write in the index `folder` for `records`, and the files of the index there
    before that the new one does not have, to remove. Nothing, if the index there was made
    from the same records: Pagefind is run only when an article changed."""
    digest = records_digest(records, language)
    listing = folder / LISTING_FILE
    before = _listed(listing)
    if before.get("records") == digest and all((folder / name).is_file()
                                                for name in before["files"]):
        return [], []
    files = index_files(records, language) if records else []
    names = [name for name, _ in files]
    data = json.dumps({"about": _ABOUT, "records": digest, "files": names}, indent=1)
    stale = [folder / name for name in before.get("files", []) if name not in names]
    return [*((folder / name, content) for name, content in files),
            (listing, data.encode("utf-8") + b"\n")], stale


def _made_by() -> str:
    try:
        version = importlib.metadata.version("pagefind_bin")
    except importlib.metadata.PackageNotFoundError:
        version = "missing"  # index_files then says how to install it
    return f"pagefind_bin {version}, settled {_SETTLED}"


def _listed(listing: Path) -> dict[str, Any]:
    """What the index's listing says it was made from and is made of; {} if there is none
    to trust (a damaged listing only costs a new index)."""
    try:
        data = json.loads(listing.read_text(encoding="utf-8"))
        files = data["files"]
        if isinstance(data["records"], str) and all(strict.inside(name) for name in files):
            return {"records": data["records"], "files": files}
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return {}


def index_files(records: Sequence[SearchRecord], language: str) -> list[tuple[str, bytes]]:
    """The files of the index of `records`, as (path in the index folder, bytes), sorted.
    `language` is the site's (BCP 47); words are stemmed by its first part. Raises
    RenderError if Pagefind cannot be run."""
    try:
        return _settled(_kept(_pagefind(records, language.split("-")[0].lower())))
    except (OSError, RuntimeError, ValueError, KeyError, ImportError) as error:
        raise RenderError(f"the search index could not be made: Pagefind failed ({error}); "
                          "reinstall publisher (pip install -e .) so that pagefind[bin] is "
                          "there, or build with --format pdf to leave the pages and index "
                          "alone", path="pagefind") from None


def _pagefind(records: Sequence[SearchRecord], language: str) -> dict[str, bytes]:
    """The index of `records`, as Pagefind makes it: path in the index folder to bytes."""
    with _PagefindService() as service:
        index = service.ask({"type": "NewIndex", "config": {"force_language": language}})
        for record in records:
            service.ask({"type": "AddRecord", "index_id": index["index_id"],
                         "language": language, "sort": None, **record.as_json()})
        # Its files come back in the reply: Pagefind 1.5.2 writing them itself may leave
        # some empty (it does not flush them), on a busy machine.
        files = service.ask({"type": "GetFiles", "index_id": index["index_id"]})["files"]
    return {file["path"]: base64.b64decode(file["content"]) for file in files}


class _PagefindService:
    """Pagefind's binary in its service mode, asked one thing at a time: each request and
    reply is base64-encoded JSON followed by a comma, as its Python package sends them.
    (That package waits a tenth of a second before reading each reply, which made an
    index of 800 articles take 80 seconds.)"""

    def __enter__(self) -> _PagefindService:
        from pagefind.service import get_executable  # the binary of pagefind[bin]

        binary = get_executable()
        if binary is None:
            raise OSError("its binary is not installed")
        self._process = subprocess.Popen([str(binary), "--service"], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._sent = 0
        return self

    def __exit__(self, *_: object) -> None:
        # It stops at the end of its input.
        assert self._process.stdin is not None
        self._process.stdin.close()
        try:
            self._process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self._process.kill()
        self._process.__exit__(None, None, None)  # closes its pipes, and waits for it

    def ask(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Pagefind's reply to `payload`; raises RuntimeError if it fails."""
        assert self._process.stdin is not None and self._process.stdout is not None
        self._sent += 1
        request = json.dumps({"message_id": self._sent, "payload": payload})
        self._process.stdin.write(base64.b64encode(request.encode("utf-8")) + b",")
        self._process.stdin.flush()
        reply = bytearray()
        while not reply.endswith(b","):
            chunk = os.read(self._process.stdout.fileno(), 65536)
            if not chunk:
                raise RuntimeError("it stopped without replying")
            reply += chunk
        answer: dict[str, Any] = json.loads(base64.b64decode(reply[:-1]))["payload"]
        if answer.get("type") == "Error":
            raise RuntimeError(answer.get("message", "it reported an error"))
        return answer


def _kept(files: dict[str, bytes]) -> dict[str, bytes]:
    entry = json.loads(files["pagefind-entry.json"])
    wasm = {f"wasm.{language['wasm'] or 'unknown'}.pagefind"
            for language in entry["languages"].values()}
    return {path: data for path, data in files.items()
            if path in _KEPT or path in wasm or path.startswith(_KEPT_FOLDERS)
            or (path.startswith("pagefind.") and path.endswith(".pf_meta"))}


def _settled(files: dict[str, bytes]) -> list[tuple[str, bytes]]:
    """The index with each filter's values, and the list of filters, in order: the bytes
    the same whatever order Pagefind's hash maps gave."""
    import cbor2  # Pagefind's files are CBOR

    entry = json.loads(files["pagefind-entry.json"])
    for language, details in entry["languages"].items():
        meta_path = f"pagefind.{details['hash']}.pf_meta"
        meta = cbor2.loads(_unpacked(files.pop(meta_path)))
        renamed = {}
        for listed in meta[3]:  # MetaIndex.filters: [filter, hash]
            path = f"filter/{listed[1]}.pf_filter"
            name, values = cbor2.loads(_unpacked(files.pop(path)))
            data = cbor2.dumps([name, sorted(values, key=lambda value: value[0])])
            listed[1] = renamed[path] = f"{language}_{_pagefind_hash(data)[:7]}"
            files[f"filter/{listed[1]}.pf_filter"] = _packed(data)
        meta[3].sort(key=lambda listed: listed[0])
        data = cbor2.dumps(meta)
        details["hash"] = f"{language}_{_pagefind_hash(data)[:len(language) + 8]}"
        files[f"pagefind.{details['hash']}.pf_meta"] = _packed(data)
    files["pagefind-entry.json"] = json.dumps(entry, ensure_ascii=False,
                                              separators=(",", ":")).encode("utf-8")
    return sorted(files.items())


def _pagefind_hash(data: bytes) -> str:
    """SHA-1 as Pagefind names its files by it: each byte in hexadecimal, unpadded."""
    return "".join(f"{byte:x}" for byte in hashlib.sha1(data).digest())


def _unpacked(data: bytes) -> bytes:
    plain = gzip.decompress(data)
    if not plain.startswith(_SIGNATURE):
        raise RenderError("the search index could not be made: Pagefind wrote a file this "
                          "publisher cannot read; install the Pagefind of constraints.txt",
                          path="pagefind")
    return plain[len(_SIGNATURE):]


def _packed(data: bytes) -> bytes:
    return gzip.compress(_SIGNATURE + data, compresslevel=9, mtime=0)
