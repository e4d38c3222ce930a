"""Parsing pages in worker processes: each page isolated, bounded in time, a dead worker's pages retried."""

from __future__ import annotations

import gc
import logging
import os
import signal
import threading
import time
import traceback
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import IO, Any

from .export import (
    dumps_document,
    tabulate,
)
from .inputs import Item, PageError, PageInput, PageResult, discover
from .pipeline import parse

log = logging.getLogger(__name__)

# Chunks amortize the pickling round trip; a few chunks per worker keep every core busy while the
# head of the (ordered) queue is awaited, and bound the pages held in memory.
CHUNK_SIZE, IN_FLIGHT_PER_JOB = 8, 4


@dataclass(frozen=True, slots=True)
class Settings:
    """What every worker needs to know: parse options, per-page timeout, which outputs to build."""

    options: Mapping[str, Any] = field(default_factory=dict)
    timeout: float | None = None
    want_document: bool = True
    want_tables: bool = False

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
