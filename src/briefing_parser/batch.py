"""Batch conversion: files, folders, globs, WARC files or stdin paths → parsed pages, in parallel, resumable."""

from __future__ import annotations

import gc
import glob
import hashlib
import logging
import os
import re
import signal
import threading
import time
import traceback
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import FrameType
from typing import IO, Any, Literal

import orjson

from .export import (
    SHARD_WRITERS,
    ShardWriter,
    Tables,
    dumps_document,
    rewrite_without,
    sha256_file,
    tabulate,
    write_atomically,
)
from .pipeline import parse
from .schema import Briefing
from .warc import WarcUnavailable, is_warc, read_pages

log = logging.getLogger(__name__)

PAGE_SUFFIXES = (".html", ".htm", ".shtml", ".txt")
FORMATS = ("json", "jsonl", "parquet", "csv")
MANIFEST, ERRORS = "manifest.jsonl", "errors.jsonl"
# Chunks amortize the pickling round trip; a few chunks per worker keep every core busy while the
# head of the (ordered) queue is awaited, and bound the pages held in memory.
CHUNK_SIZE, IN_FLIGHT_PER_JOB = 8, 4
SHARD_SIZE = 1000
Format = Literal["json", "jsonl", "parquet", "csv"]


class UsageError(ValueError):
    """The caller asked for something impossible (unknown format, missing extra, resuming another format)."""


@dataclass(frozen=True, slots=True)
class PageInput:
    """One page to convert: from a file (`path`) or from memory (`data`, e.g. a WARC record)."""

    id: str
    origin: str
    uri: str | None
    path: str | None = None
    data: bytes | None = None


@dataclass(frozen=True, slots=True)
class PageError:
    """Why a page failed: a dotted code and a message."""

    code: str
    message: str


@dataclass(slots=True)
class PageResult:
    """What became of one page: its JSON and/or table rows, its errors, whether it was skipped (resume)."""

    id: str
    origin: str
    uri: str | None
    sha256: str | None = None
    errors: tuple[PageError, ...] = ()
    document: bytes | None = None
    tables: Tables | None = None
    seconds: float = 0.0
    skipped: bool = False

    @property
    def failed(self) -> bool:
        return bool(self.errors)

    @property
    def briefing(self) -> Briefing | None:
        """The Briefing (validated from the JSON the worker sent), when one was produced."""
        return Briefing.model_validate_json(self.document) if self.document is not None else None


@dataclass(frozen=True, slots=True)
class Settings:
    """What every worker needs to know: parse options, per-page timeout, which outputs to build."""

    options: Mapping[str, Any] = field(default_factory=dict)
    timeout: float | None = None
    want_document: bool = True
    want_tables: bool = False


Item = PageInput | PageResult


# --- discovering inputs ---------------------------------------------------------------------------


def discover(inputs: Iterable[str | os.PathLike[str]], stdin: IO[str] | None = None) -> Iterator[Item]:
    """Every page named by the inputs, lazily, with unique ids; unusable inputs come out as failed results."""
    seen: set[str] = set()
    for item in _expand(inputs, stdin):
        if isinstance(item, PageInput):
            unique = unique_id(item.id, seen)
            yield item if unique == item.id else replace(item, id=unique)
        else:
            yield item


def unique_id(candidate: str, seen: set[str]) -> str:
    """`candidate`, or `candidate~2`, `~3`… when two inputs would write the same output."""
    unique, n = candidate, 1
    while unique in seen:
        n += 1
        unique = f"{candidate}~{n}"
    seen.add(unique)
    return unique


def _expand(inputs: Iterable[str | os.PathLike[str]], stdin: IO[str] | None) -> Iterator[Item]:
    for spec in inputs:
        text = os.fspath(spec)
        if text == "-":
            for line in stdin if stdin is not None else ():
                if line.strip():
                    yield from _expand_one(line.strip())
        else:
            yield from _expand_one(text)


def _expand_one(spec: str) -> Iterator[Item]:
    path = Path(spec)
    if path.is_dir():
        for file in walk(path):
            yield from _from_file(file, f"{path.resolve().name}/{file.relative_to(path).as_posix()}")
    elif path.is_file():
        yield from _from_file(path, path.name)
    elif glob.has_magic(spec):
        root = Path(_static_root(spec))
        for match in sorted(glob.iglob(spec, recursive=True)):
            file = Path(match)
            if file.is_file():
                yield from _from_file(file, file.relative_to(root).as_posix() if root.parts else file.as_posix())
    else:
        yield PageResult(id=clean_id(path.name or spec), origin=spec, uri=None,
                         errors=(PageError("convert.not_found", f"no such file, folder or glob match: {spec}"),))


def walk(folder: Path) -> Iterator[Path]:
    """Page files and WARC files under a folder, recursively, in a stable (sorted) order."""
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            file = Path(root, name)
            if file.suffix.lower() in PAGE_SUFFIXES or is_warc(file):
                yield file


def _static_root(pattern: str) -> str:
    parts = Path(pattern).parts
    static = [p for p in parts[: next((i for i, p in enumerate(parts) if glob.has_magic(p)), len(parts))]]
    return str(Path(*static)) if static else ""


def _from_file(path: Path, name: str) -> Iterator[Item]:
    if is_warc(path):
        yield from _from_warc(path, name)
    else:
        yield PageInput(id=clean_id(name), origin=str(path), uri=str(path), path=str(path))


def _from_warc(path: Path, name: str) -> Iterator[Item]:
    number = 0
    try:
        for page in read_pages(path):
            number += 1
            yield PageInput(id=clean_id(f"{name}/{number:06d}"), origin=f"{path}@{page.offset}",
                            uri=page.uri, data=page.data)
    except WarcUnavailable as error:
        yield _input_failure(path, name, "convert.warc_unavailable", str(error))
    except Exception as error:  # a corrupt archive ends that archive, not the run
        yield _input_failure(path, name, "convert.warc_unreadable", f"{type(error).__name__}: {error}")


def _input_failure(path: Path, name: str, code: str, message: str) -> PageResult:
    return PageResult(id=clean_id(name), origin=str(path), uri=None, errors=(PageError(code, message),))


def clean_id(name: str) -> str:
    """A relative, forward-slashed id that cannot climb out of the output folder."""
    parts = [p for p in re.split(r"[\\/]+", name) if p not in ("", ".", "..")]
    return "/".join(parts) or "page"


def count_pages(inputs: Iterable[str | os.PathLike[str]]) -> int | None:
    """How many pages the inputs hold, when that is cheap to know (None for stdin and WARC files)."""
    total = 0
    for spec in inputs:
        text = os.fspath(spec)
        path = Path(text)
        if text == "-" or is_warc(path):
            return None
        if path.is_dir():
            files = list(walk(path))
            if any(is_warc(f) for f in files):
                return None
            total += len(files)
        elif glob.has_magic(text):
            total += sum(1 for m in glob.iglob(text, recursive=True) if Path(m).is_file())
        else:
            total += 1
    return total


# --- converting pages -----------------------------------------------------------------------------


class PageTimeout(Exception):
    """Raised inside a page's parse when it runs past the timeout."""


def process_page(page: PageInput, settings: Settings) -> PageResult:
    """Parse one page in isolation: never raises; failures and timeouts become `errors`."""
    started = time.perf_counter()
    result = PageResult(id=page.id, origin=page.origin, uri=page.uri)
    try:
        with deadline(settings.timeout):
            data = page.data if page.data is not None else Path(page.path or "").read_bytes()
            doc = parse(data, uri=page.uri, options=settings.options)
            result.sha256 = doc.source.sha256
            result.document = dumps_document(doc) if settings.want_document else None
            result.tables = tabulate(doc, page.id) if settings.want_tables else None
        result.errors = tuple(PageError(d.code, d.message) for d in doc.diagnostics if d.severity == "error")
    except PageTimeout:
        result.errors = (PageError("convert.timeout", f"parsing took longer than {settings.timeout} s"),)
    except OSError as error:
        result.errors = (PageError("convert.unreadable", f"{type(error).__name__}: {error}"),)
    except Exception as error:  # one page's bug must not end the batch
        log.debug("parsing %s raised", page.origin, exc_info=True)
        result.errors = (PageError("convert.exception", f"{type(error).__name__}: {error}{_where(error)}"),)
    result.seconds = time.perf_counter() - started
    return result


def _where(error: BaseException) -> str:
    """Where an exception was raised (file:line in function), so errors.jsonl points at the bug."""
    frames = traceback.extract_tb(error.__traceback__)
    return f" (at {Path(frames[-1].filename).name}:{frames[-1].lineno} in {frames[-1].name})" if frames else ""


def process_chunk(pages: list[PageInput], settings: Settings) -> list[PageResult]:
    """Worker entry point: a few pages per round trip."""
    return [process_page(page, settings) for page in pages]


@contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Interrupt the block with PageTimeout after `seconds` (SIGALRM; only in a process's main thread)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not seconds or not usable:
        yield
        return
    previous = signal.signal(signal.SIGALRM, _raise_timeout)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _raise_timeout(signum: int, frame: FrameType | None) -> None:
    raise PageTimeout


# A short page that touches every lazily built part of the parser (layouts, phone numbers, area
# codes, the model's validator).
WARM_UP_PAGE = "2023-03-31 10:00 主持人\n欢迎。会后请联系市科技局,联系电话:6991152。\n问：有何评论？\n答：谢谢。\n"


def warm_up() -> None:
    """Load and build in the parent what every worker would otherwise build on its own first page:
    forked workers inherit it. Freezing the heap keeps the collector from walking (and so copying)
    the inherited objects in every worker."""
    parse(WARM_UP_PAGE)
    gc.freeze()


def _ignore_interrupts() -> None:
    # Ctrl-C goes to the whole process group; the parent alone decides how to stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@dataclass(slots=True)
class _Pending:
    chunk: list[Item]
    future: Future[list[PageResult]] | None
    generation: int


class _Pool:
    """A process pool that survives a worker dying: the pages it held are retried one by one."""

    def __init__(self, jobs: int, settings: Settings) -> None:
        self.jobs, self.settings, self.generation = jobs, settings, 0
        warm_up()
        self.executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.jobs, initializer=_ignore_interrupts)

    def submit(self, chunk: list[Item]) -> _Pending:
        pages = [item for item in chunk if isinstance(item, PageInput)]
        future = self.executor.submit(process_chunk, pages, self.settings) if pages else None
        return _Pending(chunk, future, self.generation)

    def settle(self, pending: _Pending) -> Iterator[PageResult]:
        pages = [item for item in pending.chunk if isinstance(item, PageInput)]
        results: list[PageResult] = []
        if pending.future is not None:
            try:
                results = pending.future.result()
            except BrokenProcessPool:
                if pending.generation == self.generation:
                    self._restart()
                results = [self._retry(page) for page in pages]
        done = iter(results)
        for item in pending.chunk:
            yield item if isinstance(item, PageResult) else next(done)

    def _retry(self, page: PageInput) -> PageResult:
        try:
            return self.executor.submit(process_chunk, [page], self.settings).result()[0]
        except BrokenProcessPool:
            log.warning("a worker died while parsing %s", page.origin)
            self._restart()
            return PageResult(id=page.id, origin=page.origin, uri=page.uri, errors=(
                PageError("convert.crashed", "the worker process died while parsing this page"),))

    def _restart(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.executor = self._start()
        self.generation += 1

    def shutdown(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)


def run(items: Iterable[Item], *, jobs: int = 1, settings: Settings | None = None,
        chunk_size: int = CHUNK_SIZE) -> Iterator[PageResult]:
    """Process pages on `jobs` processes, yielding results in input order; finished results pass through."""
    settings = settings or Settings()
    if jobs <= 1:
        for item in items:
            yield item if isinstance(item, PageResult) else process_page(item, settings)
        return
    pool = _Pool(jobs, settings)
    try:
        pending: deque[_Pending] = deque()
        for chunk in _chunks(items, chunk_size):
            pending.append(pool.submit(chunk))
            while len(pending) >= jobs * IN_FLIGHT_PER_JOB:
                yield from pool.settle(pending.popleft())
        while pending:
            yield from pool.settle(pending.popleft())
    finally:
        pool.shutdown()


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    chunk: list[Item] = []
    pages = 0
    for item in items:
        chunk.append(item)
        pages += isinstance(item, PageInput)
        if pages >= size:
            yield chunk
            chunk, pages = [], 0
    if chunk:
        yield chunk


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def convert(inputs: Iterable[str | os.PathLike[str]], *, jobs: int | None = None, timeout: float | None = None,
            options: Mapping[str, Any] | None = None, tables: bool = False,
            stdin: IO[str] | None = None) -> Iterator[PageResult]:
    """Parse every page the inputs name, in parallel, yielding one `PageResult` per page in input order.

    The engine under `briefing-parser convert`: `result.briefing` is the Briefing, `result.tables`
    its flat rows when `tables=True`, `result.errors` why it failed.
    """
    settings = Settings(options=dict(options or {}), timeout=timeout, want_document=True, want_tables=tables)
    yield from run(discover(inputs, stdin), jobs=jobs or default_jobs(), settings=settings)


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


def convert_to(inputs: Iterable[str | os.PathLike[str]], out: Path, *, fmt: Format = "jsonl",
               jobs: int | None = None, resume: bool = False, timeout: float | None = None,
               options: Mapping[str, Any] | None = None, shard_size: int = SHARD_SIZE,
               stdin: IO[str] | None = None) -> Iterator[PageResult]:
    """Convert the inputs into the folder `out`, yielding each page's result (skipped ones too) in input order.

    json: one `<id>.json` per page; jsonl: `part-NNNNN.jsonl`; csv/parquet: `<table>/part-NNNNN.<fmt>`.
    `errors.jsonl` lists every failed page (input, code, message); `manifest.jsonl` makes `resume` possible.
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "parquet":
        try:
            import pyarrow.parquet  # noqa: F401
        except ImportError as error:
            raise UsageError("Parquet output needs pyarrow: pip install 'briefing-parser[parquet]'") from error
    out.mkdir(parents=True, exist_ok=True)
    manifest = Manifest(out, fmt, resume)
    items: Iterable[Item] = discover(inputs, stdin)
    if resume:
        items = map(manifest.skip, items)
    settings = Settings(options=dict(options or {}), timeout=timeout, want_document=fmt in ("json", "jsonl"),
                        want_tables=fmt in ("csv", "parquet"))
    shard: ShardWriter | None = None
    in_shard: list[PageEntry] = []
    part = manifest.next_part()
    # errors.jsonl is rebuilt on every run, in input order: skipped pages bring their recorded errors.
    errors = (out / ERRORS).open("wb")
    try:
        for result in run(items, jobs=jobs or default_jobs(), settings=settings):
            for problem in result.errors:
                errors.write(orjson.dumps({"input": result.origin, "id": result.id, "uri": result.uri,
                                           "code": problem.code, "message": problem.message}) + b"\n")
            errors.flush()
            if not result.skipped and fmt == "json" and result.document is not None:
                name = f"{result.id}.json"
                write_atomically(out / name, result.document)
                manifest.record({name: hashlib.sha256(result.document).hexdigest()},
                                [(result.id, result.sha256, result.errors)])
            elif not result.skipped and (result.document is not None or result.tables is not None):
                if shard is None:
                    shard = SHARD_WRITERS[fmt](out, f"part-{part:05d}")
                shard.add(result.document, result.tables)
                in_shard.append((result.id, result.sha256, result.errors))
                if len(in_shard) >= shard_size:
                    manifest.commit(shard, in_shard)
                    shard, in_shard, part = None, [], part + 1
            yield result
        if shard is not None:
            manifest.commit(shard, in_shard)
            shard = None
    finally:
        if shard is not None:
            shard.abort()
        errors.close()
        manifest.close()
