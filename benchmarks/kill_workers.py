"""Fault injection: `convert` a corpus while every worker is SIGKILLed every --interval s, then `--resume` it.

Checks that the run finishes, that every page is in the output once or listed in errors.jsonl, and that the
resumed run has every page once; prints the figures; exits 1 when a check fails.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import orjson

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO / ".." / "shared" / "corpus" / "mfa-html"
PAGE_SUFFIXES = (".html", ".htm", ".shtml", ".txt")


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (its workers), from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def convert(folder: Path, out: Path, jobs: int, interval: float | None, resume: bool) -> tuple[int, int, float]:
    """Run the CLI, killing all its workers every `interval` s; its exit code, the kills, the seconds taken."""
    command = [sys.executable, "-m", "briefing_parser", "convert", str(folder), "-o", str(out), "--jobs", str(jobs),
               "--quiet", *(["--resume"] if resume else [])]
    started = time.perf_counter()
    process = subprocess.Popen(command, stderr=subprocess.PIPE)
    kills = 0
    while process.poll() is None:
        try:
            process.wait(interval)
        except subprocess.TimeoutExpired:
            for pid in children(process.pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                    kills += 1
                except ProcessLookupError:
                    pass
    _, err = process.communicate()
    sys.stderr.write(err.decode("utf-8", "replace"))
    return process.returncode, kills, time.perf_counter() - started


def copies(out: Path) -> Counter[str]:
    """How many times each page (by its source path) is in the jsonl output."""
    return Counter(orjson.loads(line)["source"]["uri"] for part in sorted(out.glob("part-*.jsonl"))
                   for line in part.read_bytes().splitlines())


def errors(out: Path) -> dict[str, str]:
    """Each failed page's input path and its code, from errors.jsonl."""
    lines = (out / "errors.jsonl").read_bytes().splitlines()
    return {error["input"]: error["code"] for error in map(orjson.loads, lines)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--pages", type=int, default=0, help="the first N pages only (0: all)")
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between two rounds of kills")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    pages = sorted(p for p in args.corpus.resolve().rglob("*") if p.suffix.lower() in PAGE_SUFFIXES)
    pages = pages[: args.pages] if args.pages else pages
    with tempfile.TemporaryDirectory() as temp:
        folder, out = Path(temp, "pages"), Path(temp, "out")
        folder.mkdir()
        for n, page in enumerate(pages):
            (folder / f"{n:05d}-{page.name}").symlink_to(page)
        paths = {str(path) for path in folder.iterdir()}

        code, kills, seconds = convert(folder, out, args.jobs, args.interval, resume=False)
        found, failed = copies(out), errors(out)
        twice = sorted(path for path, count in found.items() if count > 1)
        missing = sorted(paths - set(found) - set(failed))
        print(f"killed run: exit {code}, {len(pages)} pages in {seconds:.1f} s, {kills} workers killed; "
              f"{len(found)} pages in the output, {len(paths - set(found))} without output, all listed in "
              f"errors.jsonl: {not missing}; failures by code: {dict(Counter(failed.values()))}")

        resumed, _, resume_seconds = convert(folder, out, args.jobs, None, resume=True)
        after = copies(out)
        incomplete = sorted(paths - set(after))
        print(f"resumed run: exit {resumed} in {resume_seconds:.1f} s; {len(after)} pages in the output, "
              f"{sum(count > 1 for count in after.values())} twice, {len(incomplete)} missing")
    problems = [
        *(["the killed run did not finish"] if code not in (0, 1) else []),
        *([f"{len(twice)} pages twice, e.g. {twice[0]}"] if twice else []),
        *([f"{len(missing)} pages neither in the output nor in errors.jsonl, e.g. {missing[0]}"] if missing else []),
        *(["the resumed run did not finish"] if resumed not in (0, 1) else []),
        *([f"{len(incomplete)} pages missing after --resume"] if incomplete else []),
        *(["a page twice after --resume"] if any(count > 1 for count in after.values()) else []),
    ]
    for problem in problems:
        print(f"FAILED: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
