"""Benchmark `parse()` on the shapes of input that made it quadratic: each should cost in proportion to its size.

Run:  .venv/bin/python benchmarks/bench_shapes.py [--repeat R] [--largest BYTES] [SHAPE …]

Prints, for each shape, `parse(bytes)` at five sizes from 1/16 of `--largest` (default 512 KB) up to it
(the fastest of R runs), the exponent of a least-squares fit of log time on log size (1.0 is linear, 2.0
quadratic), and the peak memory that one parse of the largest size adds, per input byte, measured in a
fresh interpreter (Linux: the resident set's high-water mark; target <= 50 on inputs of 100 KB or more).
Absolute times depend on the machine and its load; the exponents do not, much.
"""

from __future__ import annotations

import argparse
import math
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

import briefing_parser


def distinct_speakers(n: int) -> str:
    """Every question from an outlet not seen before (the general layout): 媒体17记者：问题？"""
    return "".join(f"媒体{i}记者：问题？\n发言人：回答。\n" for i in range(n))


def introduced_officials(n: int) -> str:
    """The host introduces n officials, and each answers (the timestamp layout's roster)."""
    officials = "，".join(f"市{i}局局长张{i}先生" for i in range(n))
    turns = "".join(f"2023-03-31 10:{i % 60:02d} 市{i}局局长张{i}\n回答。\n" for i in range(n))
    return f"2023-03-31 10:00 主持人\n今天邀请{officials}出席发布会。\n{turns}"


def short_turns(n: int) -> str:
    """Labels without words: 问：\\n答：\\n, the most turns per byte."""
    return "问：\n答：\n" * n


def timestamp_markers(n: int) -> str:
    """The reference layout's markers, a short sentence each, one day's clock running on."""
    return "".join(f"2023-03-31 {i * 86_399 // n // 3600:02d}:{i * 86_399 // n // 60 % 60:02d}:"
                   f"{i * 86_399 // n % 60:02d} {('主持人', '杨建全')[i % 2]}\n第{i}句。\n" for i in range(n))


def nested_text(n: int) -> str:
    """Text between opening tags that never close: <div>x<div>x…, nesting as deep as the page is long."""
    return "<html><body>" + "<div>x" * n + "</div>" * n + "</body></html>"


def nested_tags(n: int) -> str:
    """Opening tags without text between them, closed at the end."""
    return "<html><body>" + "<div>" * n + "深处的文字" + "</div>" * n + "</body></html>"


def nested_lists(n: int) -> str:
    """A list in each item that never closes: <ul><li>x<ul><li>x… (an <li> closes no <li> across a <ul>)."""
    return "<html><body>" + "<ul><li>x" * n + "</body></html>"


def options(n: int) -> str:
    """One <select> of n options (each option added checks all the others)."""
    return "<html><body><div id=zoom><p>主持人：你好</p><select>" + "<option>x" * n + "</select></div></body></html>"


def many_attributes(n: int) -> str:
    """One <p> with n attributes."""
    attributes = " ".join(f"a{i}='{i}'" for i in range(n))
    return f"<html><body><div id=zoom><p {attributes}>主持人：你好</p></div></body></html>"


def gallery(n: int) -> str:
    """A photo gallery: n images, each on its line (<img><br>), in a transcript."""
    photos = "".join(f"<img src='/pic/W020230331{i:07d}.jpg'><br>" for i in range(n))
    return (f"<html><body><div id=zoom><p>主持人：请看图片。</p>{photos}<p>记者：请问？</p><p>答：谢谢。</p>"
            "</div></body></html>")


def one_line(n: int) -> str:
    """A page that lost its line ends: every label inside one line."""
    return "。 ".join(f"王超: 下面开始提问。 中央广播电视总台记者: 第{i}个问题? 李强: 谢谢你的问题" for i in range(n))


SHAPES: dict[str, Callable[[int], str]] = {shape.__name__: shape for shape in (
    distinct_speakers, introduced_officials, short_turns, timestamp_markers, nested_text, nested_tags,
    nested_lists, options, many_attributes, gallery, one_line)}
MEMORY_TARGET = 50  # bytes of peak memory per input byte


def sized(shape: Callable[[int], str], size: int) -> bytes:
    """The shape's input of about `size` bytes (by its size per unit at 1,000 units)."""
    unit = len(shape(1000).encode()) / 1000
    return shape(max(1, round(size / unit))).encode()


def best_of(repeat: int, data: bytes) -> float:
    best = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        briefing_parser.parse(data)
        best = min(best, time.perf_counter() - start)
    return best


def fitted_exponent(times: dict[int, float]) -> float:
    """The slope of log(time) over log(size): time grows as size to this power."""
    xs, ys = [math.log(size) for size in times], [math.log(t) for t in times.values()]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sum((x - mean_x) ** 2 for x in xs)


def peak_per_byte(name: str, size: int) -> float:
    """Peak memory of one parse per input byte, in a fresh interpreter (`--probe`)."""
    run = subprocess.run([sys.executable, __file__, "--probe", name, str(size)], capture_output=True, text=True,
                         check=True)
    return float(run.stdout)


def probe(name: str, size: int) -> None:
    """Print the memory one parse adds at its peak, per input byte (the returned Briefing included)."""
    data = sized(SHAPES[name], size)
    briefing_parser.parse(b"<p>warm</p>")  # imports, tables and caches are no cost of the input

    def status(key: str) -> int:
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) * 1024 for line in f if line.startswith(key))

    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # resets the high-water mark to the resident set now
        before, peak = status("VmRSS"), lambda: status("VmHWM")
    except OSError:  # not Linux: the lifetime peak, the imports included
        def peak() -> int:
            return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        before = peak()
    doc = briefing_parser.parse(data)
    print((peak() - before) / len(data))
    del doc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shapes", nargs="*", metavar="SHAPE", help="of " + ", ".join(SHAPES) + " (default: all)")
    parser.add_argument("--repeat", type=int, default=2, help="runs per size; the fastest counts")
    parser.add_argument("--largest", type=int, default=512 * 1024, help="bytes of the largest input")
    parser.add_argument("--probe", nargs=2, metavar=("SHAPE", "BYTES"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if unknown := set(args.shapes) - set(SHAPES):
        parser.error(f"no shape named {', '.join(sorted(unknown))}")
    if args.probe:
        probe(args.probe[0], int(args.probe[1]))
        return
    sizes = [args.largest >> shift for shift in (4, 3, 2, 1, 0)]
    briefing_parser.parse(b"<p>warm</p>")
    print(f"briefing_parser {briefing_parser.__version__}, Python {sys.version.split()[0]}, repeat {args.repeat}")
    print(f"{'shape':21} " + "  ".join(f"{size // 1024:>5} KB" for size in sizes)
          + "   exponent   peak memory per byte")
    over = []
    for name in args.shapes or SHAPES:
        times = {}
        for size in sizes:
            data = sized(SHAPES[name], size)
            times[len(data)] = best_of(args.repeat, data)
        memory = peak_per_byte(name, sizes[-1])
        if memory > MEMORY_TARGET:
            over.append(name)
        cells = "  ".join(f"{t * 1000:>6.0f}ms" for t in times.values())
        print(f"{name:21} {cells}   {fitted_exponent(times):8.2f}   {memory:8.1f}", flush=True)
    print(f"\npeak memory per input byte, target <= {MEMORY_TARGET} on inputs of 100 KB or more: "
          + (f"over it: {', '.join(over)}" if over else "all shapes within it"))


if __name__ == "__main__":
    main()
