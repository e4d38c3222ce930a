"""Benchmark `briefing-parser report`: the time to write the report of a run, and to render it in headless
Chromium (navigation to the end of the load event, the page's own clock, and the wall time around it)."""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))  # the tests' Chromium driver

from chromium import Browser, executable  # noqa: E402

from briefing_parser.batch import convert_to  # noqa: E402
from briefing_parser.report import report  # noqa: E402

DEFAULT_CORPUS = REPO / ".." / "shared" / "corpus"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", nargs="?", type=Path, help="a convert output folder (csv or parquet); "
                        "default: the corpus converted to Parquet here first")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-report-") as temp:
        out = args.out
        if out is None:
            out = Path(temp) / "out"
            started = time.perf_counter()
            pages = convert_to([DEFAULT_CORPUS / "mfa-html", DEFAULT_CORPUS / "mfa-text"], out, fmt="parquet",
                               jobs=2).pages
            print(f"convert: {pages} pages to Parquet in {time.perf_counter() - started:.1f} s (2 jobs)")
        written, seconds = None, []
        for _ in range(args.repeat):
            started = time.perf_counter()
            written = report(out)
            seconds.append(time.perf_counter() - started)
        assert written is not None
        size = written.report.stat().st_size
        print(f"report: median {statistics.median(seconds):.2f} s of {args.repeat} (reading the tables, "
              f"{len(written.views)} views parsed again); {size / 1024:.0f} KiB")
        program = executable()
        if program is None:
            print("render: no chromium on PATH")
            return
        browser = Browser(program)
        try:
            loads, walls = [], []
            for _ in range(args.repeat):
                started = time.perf_counter()
                loads.append(browser.open(written.report))
                walls.append(time.perf_counter() - started)
            elements = browser.evaluate("document.getElementsByTagName('*').length")
        finally:
            browser.close()
        print(f"render in Chromium: median {statistics.median(loads):.3f} s to the end of the load event "
              f"({statistics.median(walls):.3f} s wall, target < 5 s); {elements} elements")


if __name__ == "__main__":
    main()
