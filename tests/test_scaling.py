"""Cost at size, counted rather than timed: the lines of the package that a parse runs grow as the page, not
faster, on the shapes that made it quadratic (benchmarks/bench_shapes.py times them)."""

from __future__ import annotations

import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

import briefing_parser as bp
from briefing_parser import collect, general

PACKAGE = str(Path(bp.__file__).parent)


def lines_run(data: bytes) -> int:
    """How many lines of the package one parse runs (its C code and the libraries' are not counted)."""
    for cached in (collect.parse_date, collect.marker_time, general.read_label):
        cached.cache_clear()  # each run reads its strings afresh
    count = 0

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if not frame.f_code.co_filename.startswith(PACKAGE):
            return None
        if event == "line":
            count += 1
        return tracer

    sys.settrace(tracer)
    try:
        bp.parse(data)
    finally:
        sys.settrace(None)
    return count


def introduced(n: int) -> bytes:
    """The host introduces n officials, and each answers (the timestamp layout reads them by the roster)."""
    officials = "，".join(f"市{i}局局长张{i}先生" for i in range(n))
    turns = "".join(f"2023-03-31 10:{i % 60:02d} 市{i}局局长张{i}\n回答。\n" for i in range(n))
    return f"2023-03-31 10:00 主持人\n今天邀请{officials}出席发布会。\n{turns}".encode()


SHAPES: dict[str, Callable[[int], bytes]] = {
    "introduced officials": introduced,
    "distinct outlets": lambda n: "".join(f"媒体{i}记者：问题？\n发言人：回答。\n" for i in range(n)).encode(),
    "short turns": lambda n: ("问：\n答：\n" * n).encode(),
    "timestamp markers": lambda n: "".join(f"2023-03-31 {10 + i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d} "
                                           f"{('主持人', '杨建全')[i % 2]}\n第{i}句。\n" for i in range(n)).encode(),
}


@pytest.mark.parametrize("shape", SHAPES)
def test_lines_run_grow_linearly(shape: str) -> None:
    make = SHAPES[shape]
    bp.parse(make(10))  # imports and caches of the process
    small, large = lines_run(make(400)), lines_run(make(1600))
    assert large < 4.4 * small, f"{shape}: {small} lines for 400, {large} for 1600"  # quadratic: 16x


def peak_memory(data: bytes) -> int:
    """The most memory one parse holds at once, the returned Briefing included (tracemalloc: Python's
    allocations, which a page's turns are)."""
    tracemalloc.start()
    try:
        bp.parse(data)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("shape", ["short turns", "timestamp markers", "distinct outlets"])
def test_peak_memory_grows_linearly(shape: str) -> None:
    make = SHAPES[shape]
    bp.parse(make(10))
    small, large = peak_memory(make(1000)), peak_memory(make(4000))
    assert large < 4.4 * small, f"{shape}: {small} bytes at the peak for 1,000, {large} for 4,000"
