"""Benchmark the Spark job against `convert`: pages/s of `local[2]` and of `convert --jobs 2` writing the same Parquet
tables from the same pages, the session's fixed start-up cost, the per-page cost once it is up, and peak memory
(proportional set size of the process tree)."""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from bench_convert import DEFAULT_CORPUS, REPO, busy_processes, list_pages

SEED = REPO / "tests" / "fixtures" / "taian-2023-03-31.txt"


@dataclass(frozen=True)
class Run:
    """One timed run: how many pages, how long, the memory of its process tree at its peak (MB by command)."""

    pages: int
    seconds: float
    peak: dict[str, float]

    @property
    def ms_per_page(self) -> float:
        return 1000 * self.seconds / self.pages

    @property
    def peak_mb(self) -> float:
        return sum(self.peak.values())

    def memory(self) -> str:
        parts = ", ".join(f"{name} {mb:.0f}" for name, mb in sorted(self.peak.items()))
        return f"{self.peak_mb:.0f} MB ({parts})"


def tree_memory(root: int) -> dict[str, float]:
    """Memory of a process and all its descendants, in MB by command (java, python): their proportional set
    size, which splits the pages a forked worker shares with its parent between them (the sum of their RSS
    counts those pages twice). Short-lived helpers (a vfork'd child before its exec) are left out."""
    children: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        names[int(entry)] = stat[stat.index("(") + 1:stat.rindex(")")]
        children.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry))
    memory: dict[str, float] = {}
    todo = [root]
    while todo:
        pid = todo.pop()
        todo += children.get(pid, [])
        name = names.get(pid, "")
        if name != "java" and not name.startswith("python"):
            continue
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        kb = next((int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")), 0)
        memory[name] = memory.get(name, 0) + kb / 1024
    return memory


def measured(pages: int, root: int, work: Callable[[], object]) -> Run:
    """Time `work`, sampling the memory of the process tree under `root` every 0.1 s meanwhile."""
    peak: dict[str, float] = {}
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            now = tree_memory(root)
            if sum(now.values()) > sum(peak.values()):
                peak = now
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    try:
        work()
    finally:
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
    return Run(pages, seconds, peak)


def run_convert(inputs: list[str], pages: int, out: Path) -> Run:
    """`briefing-parser convert --format parquet --jobs 2` in its own process (its start-up of ~0.5 s included)."""
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, "-m", "briefing_parser", "convert", *inputs, "-o", str(out), "--format", "parquet",
               "--jobs", "2", "--quiet"]
    process = subprocess.Popen(command, stderr=subprocess.DEVNULL, cwd=REPO)
    run = measured(pages, process.pid, process.wait)
    if process.returncode not in (0, 1):
        raise SystemExit(f"convert exited {process.returncode}")
    return run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS,
                        help="folder of pages (default: ../shared/corpus/mfa-html)")
    parser.add_argument("--copies", type=int, default=2, help="the big run gives the corpus this many times")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of the four runs (the best of each is kept)")
    args = parser.parse_args()
    if args.copies < 2:
        parser.error("--copies must be at least 2: the per-page cost is what the pages beyond the first copy cost")

    corpus = args.corpus.resolve()
    count = len(list_pages(corpus))
    if not count:
        print(f"no pages under {corpus}", file=sys.stderr)
        return 2
    print(f"corpus: {corpus} ({count} pages); cores: {os.cpu_count()}; load average before: {os.getloadavg()[0]:.2f}")
    print("  other busy processes:\n" + busy_processes())
    scratch = Path(tempfile.mkdtemp(prefix="bench_spark_"))
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    try:
        from pyspark.sql import SparkSession

        from briefing_parser import spark as bps

        def spark_job(inputs: list[str]) -> None:
            shutil.rmtree(scratch / "spark", ignore_errors=True)
            if bps.main([*inputs, "-o", str(scratch / "spark")]) not in (0, 1):
                raise SystemExit("the Spark job failed")

        started = time.perf_counter()
        session = (SparkSession.builder.master("local[2]").config("spark.ui.enabled", "false")
                   .config("spark.ui.showConsoleProgress", "false").config("spark.driver.host", "127.0.0.1")
                   .config("spark.driver.bindAddress", "127.0.0.1").config(map=bps.SESSION_CONFIG).getOrCreate())
        session.sparkContext.setLogLevel("ERROR")
        up = time.perf_counter() - started
        first = measured(1, os.getpid(), lambda: spark_job([str(SEED)]))
        print(f"Spark start-up: session {up:.1f} s, then a first job of one page {first.seconds:.1f} s "
              f"(workers started, code loaded): {up + first.seconds:.1f} s fixed")
        # The JVM compiles its hot code in the first big job; a long run pays that once.
        warm = measured(count, os.getpid(), partial(spark_job, [str(corpus)]))
        print(f"  spark   {count:>6} pages, the first time in the session: {warm.seconds:.1f} s "
              f"({count / warm.seconds:.1f} pages/s)")

        best: dict[tuple[str, int], Run] = {}
        pair_ratios = []  # Spark's time over convert's, in each round's big runs (back to back: the same drift)
        for _ in range(args.repeat):
            for copies in (1, args.copies):
                inputs, pages = [str(corpus)] * copies, count * copies
                runs = {"convert": run_convert(inputs, pages, scratch / "convert"),
                        "spark": measured(pages, os.getpid(), partial(spark_job, inputs))}
                for engine, run in runs.items():
                    print(f"  {engine:7} {pages:>6} pages: {run.seconds:6.1f} s, {pages / run.seconds:6.1f} pages/s, "
                          f"peak memory {run.memory()} (load {os.getloadavg()[0]:.2f})")
                    key = (engine, copies)
                    if key not in best or run.seconds < best[key].seconds:
                        best[key] = run
                if copies > 1:
                    pair_ratios.append(runs["spark"].seconds / runs["convert"].seconds)
        parse_only = measured(count, os.getpid(), lambda: bps.parse_paths(session, [str(corpus)]).write.format("noop")
                              .mode("overwrite").save())
        print(f"  spark   {count:>6} pages parsed, not written: {parse_only.seconds:.1f} s, "
              f"{count / parse_only.seconds:.1f} pages/s")

        extra = count * (args.copies - 1)
        slopes = {engine: 1000 * (best[(engine, args.copies)].seconds - best[(engine, 1)].seconds) / extra
                  for engine in ("convert", "spark")}
        print(f"per page, from the {extra} pages more of the big run (best runs): convert {slopes['convert']:.2f} ms, "
              f"Spark {slopes['spark']:.2f} ms: {slopes['spark'] / slopes['convert']:.2f}x (target <= 1.5x)")
        big = {engine: best[(engine, args.copies)] for engine in ("convert", "spark")}
        print(f"per page, the whole big run: convert {big['convert'].ms_per_page:.2f} ms, Spark "
              f"{big['spark'].ms_per_page:.2f} ms: {big['spark'].ms_per_page / big['convert'].ms_per_page:.2f}x; "
              f"peak memory convert {big['convert'].memory()}, Spark {big['spark'].memory()}")
        print(f"paired big runs, Spark's time over convert's: {', '.join(f'{r:.2f}x' for r in pair_ratios)}; "
              f"median {statistics.median(pair_ratios):.2f}x")
        print(f"load average after: {os.getloadavg()[0]:.2f}")
        print("  other busy processes:\n" + busy_processes())
        session.stop()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
