"""Parsing pages in worker processes: each page isolated, bounded in time by killing its worker, the dead replaced."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import math
import os
import pickle
import queue
import signal
import socket
import struct
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Generator, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path
from typing import IO, Any

from .export import dumps_document, tabulate
from .inputs import Item, PageError, PageInput, PageResult, UsageError, discover
from .pipeline import parse, parse_options

log = logging.getLogger(__name__)

# Tasks of a few pages amortize the round trip; a few tasks per worker keep every core busy while the
# head of the (ordered) output is awaited, and bound the pages held in memory.
CHUNK_SIZE, IN_FLIGHT_PER_JOB = 8, 4
# A page is tried twice: a worker that dies on it (segfault, OOM kill, a kill from outside) is replaced
# and the page given to another one; a second death lists it as failed.
ATTEMPTS = 2


@dataclass(frozen=True, slots=True)
class Settings:
    """What every worker needs to know: parse options, per-page timeout, which outputs to build."""

    options: Mapping[str, Any] = field(default_factory=dict)
    timeout: float | None = None
    want_document: bool = True
    want_tables: bool = False
    lean: bool = False  # documents without what the spans rebuild (schema.LEAN)


def check_timeout(timeout: float | None) -> float | None:
    """The per-page timeout in seconds (None or 0: none); a negative or non-finite one is a usage error."""
    if timeout is None or timeout == 0:
        return None
    if not math.isfinite(timeout) or timeout < 0:
        raise UsageError(f"--timeout must be a number of seconds ≥ 0 (0: none), not {timeout}")
    return timeout


def check_options(options: Mapping[str, Any] | None) -> dict[str, Any]:
    """The parse options, checked once before any page is read: an unknown one is a usage error, not every
    page's failure in the workers."""
    try:
        parse_options(options)
    except TypeError as error:
        raise UsageError(str(error)) from error
    return dict(options or {})


# --- converting one page (in a worker) ------------------------------------------------------------


def process_page(page: PageInput, settings: Settings) -> PageResult:
    """Parse one page: never raises; failures become `errors` (after the problems its input came with)."""
    started = time.perf_counter()
    result = PageResult(id=page.id, origin=page.origin, uri=page.uri, errors=page.errors)
    try:
        data = page.data if page.data is not None else Path(page.path or "").read_bytes()
        doc = parse(data, uri=page.uri, options=settings.options)
        result.sha256 = doc.source.sha256
        result.document = dumps_document(doc, settings.lean) if settings.want_document else None
        result.tables = tabulate(doc, page.id) if settings.want_tables else None
        result.errors += tuple(PageError(d.code, d.message) for d in doc.diagnostics if d.severity == "error")
    except OSError as error:
        result.errors += (PageError("convert.unreadable", f"{type(error).__name__}: {error}"),)
    except Exception as error:  # one page's bug must not end the batch
        log.debug("parsing %s raised", page.origin, exc_info=True)
        result.errors += (PageError("convert.exception", f"{type(error).__name__}: {error}{_where(error)}"),)
    result.seconds = time.perf_counter() - started
    return result


def _where(error: BaseException) -> str:
    """Where an exception was raised (file:line in function), so errors.jsonl points at the bug."""
    frames = traceback.extract_tb(error.__traceback__)
    return f" (at {Path(frames[-1].filename).name}:{frames[-1].lineno} in {frames[-1].name})" if frames else ""


# A short page that touches every lazily built part of the parser (layouts, phone numbers, area
# codes, the model's validator).
WARM_UP_PAGE = "2023-03-31 10:00 主持人\n欢迎。会后请联系市科技局,联系电话:6991152。\n问：有何评论？\n答：谢谢。\n"


def warm_up() -> None:
    """Load and build in the parent what every worker would otherwise build on its own first page:
    forked workers inherit it. Freezing the heap keeps the collector from walking (and so copying)
    the inherited objects in every worker."""
    parse(WARM_UP_PAGE)
    gc.freeze()


# --- messages between the parent and a worker: a length, then a pickle --------------------------------

_LENGTH = struct.Struct("!Q")


def _send(channel: socket.socket, message: object) -> None:
    payload = pickle.dumps(message, pickle.HIGHEST_PROTOCOL)
    channel.sendall(_LENGTH.pack(len(payload)) + payload)


def _receive(channel: socket.socket) -> Any:
    """The next whole message, blocking (the worker's side); None when the other side is gone."""
    head = _read_exactly(channel, _LENGTH.size)
    payload = _read_exactly(channel, _LENGTH.unpack(head)[0]) if head is not None else None
    return pickle.loads(payload) if payload is not None else None


def _read_exactly(channel: socket.socket, size: int) -> bytes | None:
    data = bytearray()
    while len(data) < size:
        block = channel.recv(min(size - len(data), 1 << 20))
        if not block:
            return None
        data += block
    return bytes(data)


# --- the worker process ---------------------------------------------------------------------------

PR_SET_PDEATHSIG = 1


def _serve(channel: socket.socket, settings: Settings, parent: int) -> None:
    """A worker's life: parse the pages of each task it is sent, one message per page, until the parent goes."""
    _die_with(parent)
    # Ctrl-C and a SIGTERM to the process group reach the workers too: the parent alone decides how to
    # stop, and kills them.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        while (pages := _receive(channel)) is not None:
            for page in pages:
                _send(channel, process_page(page, settings))
    except OSError:
        pass  # the parent went away mid-message


def _die_with(parent: int) -> None:
    """Have the kernel kill this process when its parent dies, even inside a C call that never returns."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    # Elsewhere, and if the parent died before the line above, the closed channel ends an idle worker.
    if os.getppid() != parent:
        os._exit(0)


class _Worker:
    """One worker process, seen from the parent: its channel, the task it holds, its deadline."""

    def __init__(self, settings: Settings, others: list[socket.socket]) -> None:
        ours, theirs = socket.socketpair()
        for stream in (sys.stdout, sys.stderr):
            stream.flush()  # what is buffered now would be written again by the child
        parent = os.getpid()
        self.pid = os.fork()
        if self.pid == 0:  # the child: it keeps no other worker's channel, so each one's EOF is its death
            code = 1
            try:
                for channel in (ours, *others):
                    channel.close()
                _serve(theirs, settings, parent)
                code = 0
            finally:
                os._exit(code)
        theirs.close()
        self.channel = ours
        self.received = bytearray()
        self.task: list[tuple[int, PageInput]] = []  # (position in the input, page) not yet answered
        self.deadline = math.inf

    def give(self, task: list[tuple[int, PageInput]], timeout: float | None) -> bool:
        """Send a task; False when the worker is gone."""
        self.task, self.deadline = task, time.monotonic() + (timeout or math.inf)
        try:
            _send(self.channel, [page for _, page in task])
        except OSError:
            return False
        return True

    def read(self) -> list[PageResult] | None:
        """The results that arrived whole (never blocks: called when the channel is readable); None on EOF."""
        try:
            block = self.channel.recv(1 << 20)
        except OSError:
            block = b""
        if not block:
            return None
        self.received += block
        results = []
        while len(self.received) >= _LENGTH.size:
            (size,) = _LENGTH.unpack_from(self.received)
            if len(self.received) < _LENGTH.size + size:
                break
            results.append(pickle.loads(self.received[_LENGTH.size:_LENGTH.size + size]))
            del self.received[:_LENGTH.size + size]
        return results

    def stop(self) -> None:
        """Kill the process (a stuck C call ignores everything else) and reap it."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        self.channel.close()


class _Pool:
    """Worker processes that cannot hang or end the run: a worker past its page's deadline is killed,
    a dead one replaced, and the page it held retried or listed as failed."""

    def __init__(self, jobs: int, settings: Settings) -> None:
        self.settings = settings
        warm_up()
        self.workers: list[_Worker] = []
        for _ in range(jobs):
            self.workers.append(self._spawn())
        self.queue: deque[list[tuple[int, PageInput]]] = deque()
        self.ready: dict[int, PageResult] = {}
        self.deaths: dict[int, int] = {}  # position in the input → workers that died on it

    def _spawn(self) -> _Worker:
        return _Worker(self.settings, [worker.channel for worker in self.workers])

    def map(self, items: Iterable[Item], chunk_size: int) -> Iterator[PageResult]:
        """Every item's result, in input order, holding at most a few tasks per worker in memory."""
        feed, window = _Feed(items, chunk_size), len(self.workers) * chunk_size * IN_FLIGHT_PER_JOB
        read = emitted = 0
        chunk: list[tuple[int, PageInput]] = []
        try:
            while True:
                while not feed.ended and read - emitted < window and (item := feed.take()) is not None:
                    if isinstance(item, PageResult):
                        self.ready[read] = item
                    else:
                        chunk.append((read, item))
                    read += 1
                    if len(chunk) >= chunk_size:
                        self.queue.append(chunk)
                        chunk = []
                # a part of a task goes when there is nothing else to do: a worker must not wait for input
                if chunk and (feed.ended or (not self.queue and any(not worker.task for worker in self.workers))):
                    self.queue.append(chunk)
                    chunk = []
                while emitted in self.ready:
                    yield self.ready.pop(emitted)
                    emitted += 1
                if feed.ended and emitted == read:
                    return
                self._dispatch()
                self._collect(None if feed.ended or read - emitted >= window else feed.wake)
        finally:
            feed.close()

    def _dispatch(self) -> None:
        for worker in self.workers:
            if not worker.task and self.queue:
                task = self.queue.popleft()
                if not worker.give(task, self.settings.timeout):
                    self._replace(worker)
                    self.queue.appendleft(task)  # none of it started

    def _collect(self, wake: socket.socket | None) -> None:
        """Wait for results, a death, the next deadline or (on `wake`) new input, and act on what happened."""
        busy = [worker for worker in self.workers if worker.task]
        timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic()) if busy else math.inf
        channels = [worker.channel for worker in self.workers] + ([wake] if wake is not None else [])
        readable = wait(channels, None if timeout == math.inf else timeout)
        now = time.monotonic()
        for worker in list(self.workers):
            if worker.channel in readable:
                results = worker.read()
                if results is None:
                    self._lost(worker, timed_out=False)
                    continue
                for result in results:
                    self.ready[worker.task.pop(0)[0]] = result
                    worker.deadline = now + (self.settings.timeout or math.inf)
            elif worker.task and now >= worker.deadline:
                self._lost(worker, timed_out=True)

    def _lost(self, worker: _Worker, *, timed_out: bool) -> None:
        """A worker died or ran past the deadline: replace it; its current page fails or goes again."""
        task = worker.task
        self._replace(worker)
        if not task:
            return  # it died idle
        (position, page), rest = task[0], task[1:]
        if rest:
            self.queue.appendleft(rest)  # not started: no cost to them
        if timed_out:
            log.info("%s ran past the %s s timeout; its worker was killed", page.origin, self.settings.timeout)
            self.ready[position] = _failed(page, "convert.timeout",
                                           f"parsing took longer than {self.settings.timeout} s")
            return
        self.deaths[position] = self.deaths.get(position, 0) + 1
        if self.deaths[position] < ATTEMPTS:
            self.queue.appendleft([(position, page)])
        else:
            log.info("a worker died on %s, twice", page.origin)
            self.ready[position] = _failed(page, "convert.worker_died",
                                           f"the worker process died while parsing this page ({ATTEMPTS} tries)")

    def _replace(self, worker: _Worker) -> None:
        self.workers.remove(worker)
        worker.stop()
        self.workers.append(self._spawn())

    def close(self) -> None:
        for worker in self.workers:
            worker.stop()
        self.workers = []


class _Feed:
    """The items, read ahead on a thread, so that a source that blocks (paths arriving on a pipe) never holds
    up the results of the pages already read; `wake` turns readable when an item arrives."""

    def __init__(self, items: Iterable[Item], size: int) -> None:
        self.items: queue.Queue[Item | BaseException | None] = queue.Queue(maxsize=size)  # None: the end
        self.wake, self._waker = socket.socketpair()
        self.wake.setblocking(False)
        self._waker.setblocking(False)
        self.ended, self._stopped = False, threading.Event()
        threading.Thread(target=self._read, args=(items,), name="briefing-parser-inputs", daemon=True).start()

    def _read(self, items: Iterable[Item]) -> None:
        try:
            for item in items:
                if not self._put(item):
                    return
            self._put(None)
        except BaseException as error:  # raised where the items are awaited
            self._put(error)

    def _put(self, value: Item | BaseException | None) -> bool:
        while not self._stopped.is_set():
            try:
                self.items.put(value, timeout=0.1)
            except queue.Full:
                continue
            with contextlib.suppress(OSError):  # a full wake-up buffer already says it
                self._waker.send(b"!")
            return True
        return False

    def take(self) -> Item | None:
        """The next item if one is there (never waits); None when there is none yet, or no more (`ended`)."""
        with contextlib.suppress(OSError):
            self.wake.recv(4096)  # the wake-ups so far: the queue is looked at now
        try:
            value = self.items.get_nowait()
        except queue.Empty:
            return None
        if isinstance(value, BaseException):
            raise value
        self.ended = value is None
        return value

    def close(self) -> None:
        self._stopped.set()
        self.wake.close()
        self._waker.close()


def _failed(page: PageInput, code: str, message: str) -> PageResult:
    return PageResult(id=page.id, origin=page.origin, uri=page.uri, errors=(*page.errors, PageError(code, message)))


def run(items: Iterable[Item], *, jobs: int = 1, settings: Settings | None = None,
        chunk_size: int = CHUNK_SIZE) -> Generator[PageResult, None, None]:
    """Process pages on `jobs` worker processes, yielding results in input order; finished results pass through."""
    pool = _Pool(max(1, jobs), settings or Settings())
    try:
        yield from pool.map(items, chunk_size)
    finally:
        pool.close()


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
    its flat rows when `tables=True`, `result.errors` why it failed. A page past `timeout` seconds has its
    worker killed.
    """
    settings = Settings(options=check_options(options), timeout=check_timeout(timeout), want_document=True,
                        want_tables=tables)
    return run(discover(inputs, stdin), jobs=jobs or default_jobs(), settings=settings)
