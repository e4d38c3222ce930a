"""The manifest of an output folder: what a conversion committed, so that a resumed run skips it."""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import re
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal

import orjson

from .export import (
    TABLES,
    ShardWriter,
    rewrite_without,
    sha256_file,
    write_atomically,
)
from .inputs import Item, PageError, PageInput, PageResult, UsageError

log = logging.getLogger(__name__)

MANIFEST, ERRORS, LOCK = "manifest.jsonl", "errors.jsonl", ".briefing-parser.lock"
FORMATS = ("json", "jsonl", "parquet", "csv")
Format = Literal["json", "jsonl", "parquet", "csv"]
# What a conversion names its files: part-00000.jsonl, turns/part-00000.csv, pages/a.html.json; and its
# temporary files (.0123456789abcdef.4242.tmp).
TABLE_NAMES = "|".join(TABLES)
FILE_NAMES = {
    "jsonl": re.compile(r"part-\d+\.jsonl"), "csv": re.compile(rf"(?:{TABLE_NAMES})/part-\d+\.csv"),
    "parquet": re.compile(rf"(?:{TABLE_NAMES})/part-\d+\.parquet"), "json": re.compile(r".+\.json", re.DOTALL),
}
TEMP_NAME = re.compile(r"\..+\.\d+\.tmp", re.DOTALL)


def check_empty(out: Path) -> None:
    """A fresh run goes into an empty folder (or one holding only a lock): it must not mix with what is there."""
    if out.is_dir() and any(entry.name != LOCK for entry in out.iterdir()):
        raise UsageError(f"{out} is not empty: give --resume to go on with the conversion in it, or --overwrite "
                         "to replace it")


class FolderBusy(UsageError):
    """Another conversion holds the output folder."""


class FolderLock:
    """An output folder held by one run at a time: a lock the kernel drops when the run (and its workers) end,
    in a file that says who holds it."""

    def __init__(self, out: Path) -> None:
        self.handle: IO[bytes] = (out / LOCK).open("a+b")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.seek(0)
            holder = self.handle.read().decode("utf-8", "replace").strip() or "another process"
            self.handle.close()
            raise FolderBusy(f"{out} is being written by another conversion: {holder}") from None
        self.handle.truncate(0)
        self.handle.write(f"pid {os.getpid()} on {socket.gethostname()}, since "
                          f"{time.strftime('%Y-%m-%d %H:%M:%S')}\n".encode())
        self.handle.flush()

    def release(self) -> None:
        self.handle.close()


# --- writing an output folder ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Done:
    sha256: str | None
    errors: tuple[PageError, ...]


# A page as a manifest line lists it: its id, its input's SHA-256, its errors.
PageEntry = tuple[str, str | None, tuple[PageError, ...]]


@dataclass(eq=False, slots=True)
class _Commit:
    files: Mapping[str, str | None]  # name → SHA-256, or None: removed
    pages: list[PageEntry]


class Manifest:
    """What is complete in an output folder: each commit lists its files (with hashes) and its pages.

    `overwrite` first removes what an earlier conversion wrote (the files its manifest lists), nothing else.
    `aliases` is the digest of the alias table the pages' registry ids come from: a conversion is resumed only
    with the table it began with."""

    def __init__(self, out: Path, fmt: Format, *, resume: bool = False, overwrite: bool = False,
                 aliases: str | None = None) -> None:
        self.out, self.fmt, self.aliases = out, fmt, aliases
        self.path = out / MANIFEST
        self.header = orjson.dumps({"manifest": 1, "format": fmt, "aliases": aliases}) + b"\n"
        self.done: dict[str, _Done] = {}
        self.files: set[str] = set()
        self.holders: dict[str, _Commit] = {}  # page id -> the intact commit whose files hold its rows
        if resume and self.path.exists():
            self._load()
        else:
            if overwrite:
                _forget(out)
            write_atomically(self.path, self.header)
        _remove_temps_and_orphans(out, fmt, self.files)
        self.handle = self.path.open("ab")
        with self.path.open("rb") as manifest:
            manifest.seek(-1, os.SEEK_END)
            if manifest.read(1) != b"\n":  # a line cut short by a kill: the next line starts on its own
                self.handle.write(b"\n")

    def _load(self) -> None:
        """The intact commits; a damaged line (or header) is reported, its pages redone, the manifest rewritten."""
        lines = self.path.read_bytes().splitlines()
        header = _json(lines[0]) if lines else None
        damaged = []
        if not isinstance(header, dict) or header.get("manifest") != 1:
            damaged.append("its first line")
        elif header.get("format") != self.fmt:
            raise UsageError(f"{self.out} holds a {header.get('format')!r} conversion; cannot resume it as "
                             f"{self.fmt!r}")
        elif header.get("aliases") != self.aliases:
            raise UsageError(f"{self.out} was converted with another alias table (or a version without one): its "
                             "registry ids would not match; give the table it was converted with, or --overwrite")
        commits: list[_Commit] = []
        for number, line in enumerate(lines[1:], 2):
            commit = _commit(_json(line), self.fmt)
            if commit is not None:
                commits.append(commit)
            elif line.strip() and not line.startswith(b'{"files":'):  # a line cut short by a kill is no damage
                damaged.append(f"line {number}")
        # A file's latest line wins: a shard rewritten without some pages (or removed: digest null), or a
        # page's JSON file written again, supersedes the commit that wrote it before.
        latest = {name: n for n, commit in enumerate(commits) for name in commit.files}
        for n, commit in enumerate(commits):
            present = {name: digest for name, digest in commit.files.items() if digest is not None}
            if any(latest[name] != n for name in commit.files) or present != commit.files:
                continue
            if all((self.out / name).is_file() and sha256_file(self.out / name) == digest
                   for name, digest in present.items()):
                self._hold(commit)
        if damaged:
            log.warning("%s is damaged (%s): its pages there are converted again", self.path, ", ".join(damaged))
            held = list(dict.fromkeys(self.holders.values()))
            write_atomically(self.path, self.header + b"".join(_line(commit.files, commit.pages) for commit in held))

    def _hold(self, commit: _Commit) -> None:
        self.files.update(commit.files)
        for pid, sha, errors in commit.pages:
            self.done[pid] = _Done(sha, errors)
            self.holders[pid] = commit

    def record(self, files: Mapping[str, str | None], pages: list[PageEntry]) -> None:
        """Append one commit; written after its files are renamed into place (or removed), so it never lies."""
        self.handle.write(_line(files, pages))
        self.handle.flush()
        for name, digest in files.items():
            if digest is None:
                self.files.discard(name)
            else:
                self.files.add(name)

    def commit(self, shard: ShardWriter, pages: list[PageEntry]) -> None:
        """Commit a shard and record it, after taking its pages' old rows out of the shards that held them."""
        # Old rows leave (and are recorded as gone) before the new ones are recorded: a kill in between
        # leaves the page in no intact commit, so it is redone, never listed twice.
        self.release({pid for pid, _, _ in pages})
        self.record(shard.commit(), pages)

    def release(self, ids: set[str]) -> None:
        """Rewrite each committed shard holding some of these pages without them; remove one left empty."""
        leaving: dict[_Commit, set[str]] = {}
        for pid in ids:
            if (commit := self.holders.pop(pid, None)) is not None:
                leaving.setdefault(commit, set()).add(pid)
        for commit, drop in leaving.items():
            order = [pid for pid, _, _ in commit.pages]
            kept = [page for page in commit.pages if page[0] not in drop]
            if kept:
                files = {name: rewrite_without(self.out / name, order, drop) for name in commit.files}
                self.record(files, kept)
                self._hold(_Commit(files, kept))
            else:
                for name in commit.files:
                    (self.out / name).unlink(missing_ok=True)
                self.record(dict.fromkeys(commit.files), [])

    def skip(self, item: Item) -> Item:
        """A skipped result for a page whose output is complete and whose bytes are unchanged, else the page."""
        if not isinstance(item, PageInput) or item.id not in self.done:
            return item
        done = self.done[item.id]
        if done.sha256 != _input_sha256(item):
            return item
        return PageResult(id=item.id, origin=item.origin, uri=item.uri, sha256=done.sha256, errors=done.errors,
                          skipped=True)

    def next_part(self) -> int:
        numbers = [int(m.group(1)) for name in self.files if (m := re.search(r"part-(\d+)\.", name))]
        return max(numbers, default=-1) + 1

    def close(self) -> None:
        self.handle.close()


def _input_sha256(page: PageInput) -> str | None:
    if page.data is not None:
        return hashlib.sha256(page.data).hexdigest()
    try:
        return sha256_file(Path(page.path or ""))
    except OSError:
        return None


def _line(files: Mapping[str, str | None], pages: list[PageEntry]) -> bytes:
    return orjson.dumps({"files": files, "pages": [
        {"id": pid, "sha256": sha, "errors": [[e.code, e.message] for e in errors]} for pid, sha, errors in pages
    ]}) + b"\n"


def _json(line: bytes) -> Any:
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        return None


def _commit(entry: Any, fmt: Format) -> _Commit | None:
    """A manifest line read back, or None when it is not one this format writes (cut, garbage, another's)."""
    try:
        files: dict[str, str | None] = entry["files"]
        pages = [(page["id"], page["sha256"], tuple(PageError(code, message) for code, message in page["errors"]))
                 for page in entry["pages"]]
    except (KeyError, TypeError, ValueError):
        return None
    names_fit = isinstance(files, dict) and all(FILE_NAMES[fmt].fullmatch(name) for name in files)
    texts = all(isinstance(pid, str) and isinstance(sha, str | None) for pid, sha, _ in pages)
    return _Commit(files, pages) if names_fit and texts else None


def _forget(out: Path) -> None:
    """Remove an earlier conversion from `out`: every file its manifest ever listed, its errors and manifest."""
    path = out / MANIFEST
    lines = path.read_bytes().splitlines() if path.is_file() else []
    header = _json(lines[0]) if lines else None
    fmt = header.get("format") if isinstance(header, dict) else None
    for line in lines[1:]:
        commit = _commit(_json(line), fmt) if fmt in FILE_NAMES else None
        for name in commit.files if commit else ():
            (out / name).unlink(missing_ok=True)
    for name in (MANIFEST, ERRORS):
        (out / name).unlink(missing_ok=True)
    if fmt in FILE_NAMES:
        _remove_temps_and_orphans(out, fmt, set())


def _remove_temps_and_orphans(out: Path, fmt: str, keep: set[str]) -> None:
    # Shards not in the manifest were renamed by a run killed before it could record them.
    shard_globs = ["part-*.jsonl"] if fmt == "jsonl" else [f"*/part-*.{fmt}"] if fmt in ("csv", "parquet") else []
    for pattern in shard_globs:
        for path in out.glob(pattern):
            name = path.relative_to(out).as_posix()
            if name not in keep and FILE_NAMES[fmt].fullmatch(name):
                path.unlink()
    for temp in out.rglob(".*.tmp"):
        if TEMP_NAME.fullmatch(temp.name):
            temp.unlink(missing_ok=True)
