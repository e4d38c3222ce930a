"""The manifest of an output folder: what a conversion committed, so that a resumed run skips it."""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import orjson

from .export import (
    ShardWriter,
    rewrite_without,
    sha256_file,
    write_atomically,
)
from .inputs import Item, PageError, PageInput, PageResult, UsageError

log = logging.getLogger(__name__)

MANIFEST, ERRORS = "manifest.jsonl", "errors.jsonl"
FORMATS = ("json", "jsonl", "parquet", "csv")
Format = Literal["json", "jsonl", "parquet", "csv"]


# --- writing an output folder ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Done:
    sha256: str | None
    errors: tuple[PageError, ...]


# A page as a manifest line lists it: its id, its input's SHA-256, its errors.
PageEntry = tuple[str, str | None, tuple[PageError, ...]]


@dataclass(eq=False, slots=True)
class _Commit:
    files: dict[str, str]
    pages: list[PageEntry]


class Manifest:
    """What is complete in an output folder: each commit lists its files (with hashes) and its pages."""

    def __init__(self, out: Path, fmt: Format, resume: bool) -> None:
        self.out, self.fmt = out, fmt
        self.path = out / MANIFEST
        self.done: dict[str, _Done] = {}
        self.files: set[str] = set()
        self.holders: dict[str, _Commit] = {}  # page id -> the intact commit whose files hold its rows
        if resume and self.path.exists():
            self._load()
        else:
            _clear(out)
            write_atomically(self.path, orjson.dumps({"manifest": 1, "format": fmt}) + b"\n")
        _remove_temps_and_orphans(out, fmt, self.files)
        self.handle = self.path.open("ab")
        with self.path.open("rb") as manifest:
            manifest.seek(-1, os.SEEK_END)
            if manifest.read(1) != b"\n":  # a line cut short by a kill: the next line starts on its own
                self.handle.write(b"\n")

    def _load(self) -> None:
        lines = self.path.read_bytes().splitlines()
        header = orjson.loads(lines[0]) if lines else {}
        if header.get("format") != self.fmt:
            raise UsageError(f"{self.out} holds a {header.get('format')!r} conversion; cannot resume it as "
                             f"{self.fmt!r}")
        commits: list[tuple[dict[str, str | None], list[dict[str, Any]]]] = []
        for line in lines[1:]:
            try:
                entry = orjson.loads(line)
            except orjson.JSONDecodeError:
                continue  # a line cut short by a kill: its files are orphans, its pages are redone
            commits.append((entry["files"], entry["pages"]))
        # A file's latest line wins: a shard rewritten without some pages (or removed: digest null), or a
        # page's JSON file written again, supersedes the commit that wrote it before.
        latest = {name: n for n, (files, _) in enumerate(commits) for name in files}
        for n, (files, pages) in enumerate(commits):
            present = {name: digest for name, digest in files.items() if digest is not None}
            if any(latest[name] != n for name in files) or present != files:
                continue
            if all((self.out / name).is_file() and sha256_file(self.out / name) == digest
                   for name, digest in present.items()):
                self._hold(_Commit(present, [
                    (page["id"], page["sha256"], tuple(PageError(code, message) for code, message in page["errors"]))
                    for page in pages
                ]))

    def _hold(self, commit: _Commit) -> None:
        self.files.update(commit.files)
        for pid, sha, errors in commit.pages:
            self.done[pid] = _Done(sha, errors)
            self.holders[pid] = commit

    def record(self, files: Mapping[str, str | None], pages: list[PageEntry]) -> None:
        """Append one commit; written after its files are renamed into place (or removed), so it never lies."""
        entry = {"files": files, "pages": [
            {"id": pid, "sha256": sha, "errors": [[e.code, e.message] for e in errors]} for pid, sha, errors in pages
        ]}
        self.handle.write(orjson.dumps(entry) + b"\n")
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


def _clear(out: Path) -> None:
    """Forget a previous conversion in `out` (its per-page JSON files are overwritten, not deleted)."""
    for name in (MANIFEST, ERRORS):
        (out / name).unlink(missing_ok=True)
    for fmt in ("jsonl", "csv", "parquet"):
        _remove_temps_and_orphans(out, fmt, set())


def _remove_temps_and_orphans(out: Path, fmt: str, keep: set[str]) -> None:
    # Shards not in the manifest were renamed by a run killed before it could record them.
    shard_globs = ["part-*.jsonl"] if fmt == "jsonl" else [f"*/part-*.{fmt}"] if fmt in ("csv", "parquet") else []
    for pattern in shard_globs:
        for path in out.glob(pattern):
            if path.relative_to(out).as_posix() not in keep:
                path.unlink()
    for temp in out.rglob(".*.tmp"):
        temp.unlink(missing_ok=True)
