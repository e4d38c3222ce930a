"""Benchmark `parse()` against the parsing floor and trafilatura, per stage, on real and synthetic pages.

Run:  .venv/bin/python benchmarks/bench_parse.py [--every N] [--repeat R] [--no-trafilatura] [--baseline REF]
      [--paired-only]

Prints, for each page set, medians over its pages of:
  floor      decode + selectolax parse + the page's text + its image srcs (what any tool must pay)
  parse      `briefing_parser.parse(bytes)` in total
  stages     decode, extract, segment (layout, markers, turns, lossless map), identify+classify,
             collect (metadata, images, phones), model (the one validation of the document and the
             few models built on the way); `glue` is the rest
  json       `doc.model_dump_json()`
  render     decode + `html.extract` alone (the page as lines, container, images), outside `parse()`
  validate   `Briefing.model_validate` of the finished document as dicts, outside `parse()`
  invariants `schema.breaches` of the finished document: the model's invariant check, which `validate` and
             the `model` stage include
  trafilatura `trafilatura.extract(bytes)` (optional: `pip install -e '.[bench]'`)
and the ratios parse/floor and trafilatura/parse; the cost of transcripts 10x, 100x and 1000x as
long (HTML and text) with the exponent of its fit, the peak memory of one parse per input byte,
the regular-expression calls per page, the import time of the package, and the general layout's
cost on the excerpts of other press offices (tests/fixtures/wild). `--baseline REF` also times the
code of a git revision on the corpus, paired page by page in this process (imported beside it as
`briefing_parser_baseline`).
Timings are interleaved page by page, so the ratios hold even on a loaded machine; absolute
figures do not.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import math
import re
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import regex
from selectolax.lexbor import LexborHTMLParser

import briefing_parser
from briefing_parser.decode import decode
from briefing_parser.html import extract
from briefing_parser.layouts import container_selectors
from briefing_parser.schema import Briefing, breaches

ROOT = Path(__file__).resolve().parents[1]
SEED_HTML = ROOT / "tests" / "fixtures" / "taian-2023-03-31.html"
CORPUS = ROOT.parent / "shared" / "corpus" / "mfa-html"
WILD = ROOT / "tests" / "fixtures" / "wild"
# The seed page's turns: from the first marker paragraph to the end of the transcript container.
TURNS = re.compile(r"<p><strong>\d{4}-\d{2}-\d{2}.*?(?=</div>\s*<div class=\"share\">)", re.S)
SELECTORS = container_selectors()

# Where each stage's functions live, by the name `parse.py` (or its modules) calls them under.
STAGES: dict[str, list[tuple[str, str]]] = {
    "decode": [("briefing_parser.pipeline", "decode"), ("briefing_parser.decode", "binary_kind")],
    # Bold ranges are found on first use, from `build()`: they count to extraction all the same.
    "extract": [("briefing_parser.pipeline", "extract"), ("briefing_parser.pipeline", "from_text"),
                ("briefing_parser.html", "find_emphasis")],
    "segment": [*[("briefing_parser.pipeline", name) for name in ("_choose_layout", "segment", "header_lines",
                                                                   "account")],
                ("briefing_parser.segment", "tokenize"), ("briefing_parser.general", "read"),
                *[("briefing_parser.foreign_ministry", name) for name in ("split_bold_questions",
                                                                           "split_inline_answers")]],
    "identify": [("briefing_parser.pipeline", "classify"), ("briefing_parser.speakers", "cast_by_roster"),
                 ("briefing_parser.speakers", "cast_by_labels"),
                 ("briefing_parser.general", "identify")],
    "collect": [("briefing_parser.pipeline", "_metadata"),
                *[("briefing_parser.collect", name) for name in
                  ("find_region", "images_in", "phones", "series", "organizer", "parse_date", "marker_time",
                   "captured_at", "heading_date", "first_date")]],
    # The document is validated once at the end; a few diagnostics and participants are built as models.
    "model": [("briefing_parser.pipeline", "to_briefing"), ("briefing_parser.errors", "Diagnostic"),
              ("briefing_parser.errors", "Span"),
              *[("briefing_parser.classify", name) for name in ("QuestionPart", "Span")]],
}


def floor(data: bytes) -> None:
    """What any tool pays: decode, build the tree, take the body's text and the image sources."""
    tree = LexborHTMLParser(decode(data).text)
    body = tree.body
    if body is not None:
        body.text()
    [node.attributes.get("src") for node in tree.css("img")]


class StageClock:
    """Wraps the stage functions so each call's exclusive time is added to its stage."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = defaultdict(float)
        self.stack: list[list[float]] = []  # [start, time spent in nested wrapped calls]
        self.originals: list[tuple[Any, str, Any]] = []

    def wrap(self, stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            frame = [time.perf_counter(), 0.0]
            self.stack.append(frame)
            try:
                return function(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - frame[0]
                self.stack.pop()
                self.totals[stage] += elapsed - frame[1]
                if self.stack:
                    self.stack[-1][1] += elapsed
        return timed

    @contextmanager
    def installed(self) -> Iterator[StageClock]:
        for stage, targets in STAGES.items():
            for module_name, name in targets:
                module = importlib.import_module(module_name)
                original = getattr(module, name, None)
                if original is not None:
                    self.originals.append((module, name, original))
                    setattr(module, name, self.wrap(stage, original))
        try:
            yield self
        finally:
            for module, name, original in reversed(self.originals):
                setattr(module, name, original)
            self.originals.clear()


def best_of(repeat: int, function: Callable[[], Any]) -> float:
    """The fastest of `repeat` runs: the least disturbed by other processes."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def measure(pages: list[bytes], repeat: int, trafilatura: Any) -> dict[str, list[float]]:
    """Per-page timings of every measure, interleaved page by page."""
    results: dict[str, list[float]] = defaultdict(list)
    for data in pages:
        try:
            briefing_parser.parse(data)
        except Exception as error:  # parse() must never raise on content: count it, keep measuring
            results["raised"].append(1.0)
            print(f"parse() raised {error!r}", file=sys.stderr)
            continue
        results["floor"].append(best_of(repeat, lambda d=data: floor(d)))
        results["parse"].append(best_of(repeat, lambda d=data: briefing_parser.parse(d)))
        doc = briefing_parser.parse(data)
        results["json"].append(best_of(repeat, doc.model_dump_json))
        # What no design of this pipeline avoids: rendering the page to lines and validating the result.
        results["render"].append(best_of(repeat, lambda d=data: extract(decode(d).text, SELECTORS)))
        results["validate"].append(best_of(repeat, partial(Briefing.model_validate, doc.model_dump())))
        results["invariants"].append(best_of(repeat, partial(breaches, doc)))
        stage_runs = []
        for _ in range(repeat):
            clock = StageClock()
            with clock.installed():
                start = time.perf_counter()
                briefing_parser.parse(data)
                total = time.perf_counter() - start
            stage_runs.append((total, dict(clock.totals)))
        total, stages = min(stage_runs, key=lambda run: run[0])
        for stage in STAGES:
            results[stage].append(stages.get(stage, 0.0))
        results["glue"].append(max(0.0, total - sum(stages.values())))
        if trafilatura is not None:
            results["trafilatura"].append(best_of(max(1, repeat // 2), lambda d=data: trafilatura.extract(d)))
    return results


def regex_calls(pages: list[bytes], parse: Callable[[bytes], Any] = briefing_parser.parse) -> float:
    """Calls of compiled patterns' methods (search, match, finditer, sub, …) per page, `re` and `regex`,
    made from Python code (those that `map` makes from C, as in `line_matches`, are not seen)."""
    calls = 0

    def count(frame: Any, event: str, arg: Any) -> None:
        nonlocal calls
        if event == "c_call" and type(getattr(arg, "__self__", None)) in PATTERN_TYPES:
            calls += 1

    sys.setprofile(count)
    try:
        for data in pages:
            parse(data)
    finally:
        sys.setprofile(None)
    return calls / len(pages)


PATTERN_TYPES = (re.Pattern, type(regex.compile("")))


def baseline(ref: str) -> Callable[[bytes], Any]:
    """`parse` of the package as it was at a git revision (tools/baseline.py), beside this one."""
    sys.path.insert(0, str(ROOT / "tools"))
    from baseline import load

    parse: Callable[[bytes], Any] = load(ref).parse
    return parse


def paired(pages: list[bytes], repeat: int, before: Callable[[bytes], Any]) -> None:
    """This code's parse time against `before`'s, page by page in turns."""
    now, then = [], []
    for data in pages:
        now.append(best_of(repeat, lambda d=data: briefing_parser.parse(d)))
        then.append(best_of(repeat, lambda d=data: before(d)))
    ratios = sorted(a / b for a, b in zip(now, then, strict=True))
    quartiles = statistics.quantiles(ratios, n=4)
    print(f"\n## paired against the baseline ({len(pages)} corpus pages)")
    print(f"median parse {ms(statistics.median(now))} ms now, {ms(statistics.median(then))} ms before: "
          f"{statistics.median(now) / statistics.median(then):.3f}x; per-page ratio median "
          f"{statistics.median(ratios):.3f}x (quartiles {quartiles[0]:.3f}–{quartiles[2]:.3f})")
    print(f"regular-expression calls per page: {regex_calls(pages):.0f} now, {regex_calls(pages, before):.0f} before")


def synthetic(times: int) -> bytes:
    """The seed page with its turns repeated `times` times."""
    page = SEED_HTML.read_text(encoding="utf-8")
    match = TURNS.search(page)
    if match is None:
        raise SystemExit(f"cannot find the turns in {SEED_HTML}")
    return (page[:match.start()] + match.group(0) * times + page[match.end():]).encode("utf-8")


SIZES = (1, 10, 100, 1000)


def as_text(data: bytes) -> bytes:
    """The page's text as a plain-text input (UTF-8): the same transcript without its HTML."""
    return briefing_parser.parse(data).text.encode("utf-8")


def scaling(repeat: int) -> dict[str, dict[int, float]]:
    """Parse time of the seed's turns repeated x1 … x1000, as HTML and as text, with the exponent of a
    least-squares fit of log time on log size (1.0 is linear)."""
    print("\n## cost at size: the seed's turns repeated, parse() in ms (fastest run)")
    found: dict[str, dict[int, float]] = {}
    for kind in ("html", "text"):
        times: dict[int, float] = {}
        for size in SIZES:
            data = synthetic(size) if kind == "html" else as_text(synthetic(size))
            runs = repeat if size < 1000 else max(1, repeat - 1)
            times[size] = best_of(runs, lambda d=data: briefing_parser.parse(d))
        found[kind] = times
        exponent = fitted_exponent(times)
        tail = fitted_exponent({size: times[size] for size in SIZES[1:]})
        cells = "  ".join(f"x{size} {ms(t).strip()} ({t / times[1]:.0f}x)" for size, t in times.items())
        print(f"{kind:4}  {cells}   exponent {exponent:.3f} (x10..x1000: {tail:.3f})")
    return found


def fitted_exponent(times: dict[int, float]) -> float:
    """The slope of log(time) over log(size): time grows as size to this power."""
    xs, ys = [math.log(size) for size in times], [math.log(t) for t in times.values()]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sum((x - mean_x) ** 2 for x in xs)


# Run in a fresh interpreter per page: the peak resident memory that one parse adds, per input byte
# (Linux: the peak is reset after the input is built; elsewhere the lifetime peak is taken).
PEAK_PROBE = """
import resource, sys
sys.path.insert(0, {benchmarks!r})
import bench_parse, briefing_parser
data = bench_parse.synthetic({size})
data = bench_parse.as_text(data) if {kind!r} == "text" else data
def status(key):
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) * 1024 for line in f if line.startswith(key))
try:
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    before, peak = status("VmRSS"), lambda: status("VmHWM")
except OSError:
    lifetime = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    before, peak = lifetime(), lifetime
doc = briefing_parser.parse(data)
print((peak() - before) / len(data))
"""


def peak_memory() -> dict[str, float]:
    """Peak memory of one parse per input byte, for the x100 and x1000 pages as HTML and as text."""
    print("\n## peak memory of one parse, bytes per input byte (the returned Briefing included)")
    found = {}
    for kind in ("html", "text"):
        cells = []
        for size in (100, 1000):
            code = PEAK_PROBE.format(benchmarks=str(ROOT / "benchmarks"), size=size, kind=kind)
            run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
            found[f"{kind} x{size}"] = float(run.stdout)
            cells.append(f"x{size} {float(run.stdout):.1f}")
        print(f"{kind:4}  " + "   ".join(cells))
    return found


def import_time(runs: int = 7) -> float:
    """Median wall time of `import briefing_parser` in a fresh interpreter."""
    code = "import time; t = time.perf_counter(); import briefing_parser; print(time.perf_counter() - t)"
    samples = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
               for _ in range(runs)]
    return statistics.median(samples)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.3f}"


def report(name: str, results: dict[str, list[float]], pages: int) -> dict[str, float]:
    raised = len(results.pop("raised", []))
    medians = {key: statistics.median(values) for key, values in results.items() if values}
    print(f"\n## {name}  ({pages} page{'s' if pages != 1 else ''})  — medians in ms")
    if raised:
        print(f"!! parse() raised on {raised} page(s); they are left out")
    columns = ["floor", "parse", *STAGES, "glue", "json", "render", "validate", "invariants", "trafilatura"]
    print(" | ".join(f"{c:>11}" for c in columns))
    print(" | ".join(f"{ms(medians[c]):>11}" if c in medians else f"{'-':>11}" for c in columns))
    ratios = [f"parse/floor {medians['parse'] / medians['floor']:.2f}x"]
    if "trafilatura" in medians:
        ratios.append(f"trafilatura/parse {medians['trafilatura'] / medians['parse']:.1f}x")
    print("   ".join(ratios))
    return medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=int, default=1, help="take every Nth corpus page (default: all)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per page and measure; the fastest counts")
    parser.add_argument("--no-trafilatura", action="store_true", help="skip the trafilatura reference")
    parser.add_argument("--baseline", metavar="REF", help="also time this git revision's parse() on the corpus, paired")
    parser.add_argument("--paired-only", action="store_true", help="only the paired timing against --baseline")
    args = parser.parse_args()
    if args.paired_only and not args.baseline:
        parser.error("--paired-only needs --baseline REF")
    before = baseline(args.baseline) if args.baseline else None
    if args.paired_only and before is not None:
        corpus = [path.read_bytes() for path in sorted(CORPUS.glob("*.html"))[:: args.every]]
        for data in corpus[:20]:  # warm caches and lazy imports
            briefing_parser.parse(data)
            before(data)
        paired(corpus, args.repeat, before)
        return

    trafilatura = None
    if not args.no_trafilatura:
        try:
            import trafilatura  # type: ignore[import-not-found, no-redef]
        except ImportError:
            print("trafilatura is not installed (pip install -e '.[bench]'); its column stays empty")

    seed = SEED_HTML.read_bytes()
    corpus = [path.read_bytes() for path in sorted(CORPUS.glob("*.html"))[:: args.every]]
    long_pages = {times: synthetic(times) for times in (1, 10, 100)}
    wild = [path.read_bytes() for path in sorted(WILD.glob("d*.txt"))]
    for data in (seed, *corpus[:3], *long_pages.values(), *wild[:3]):  # warm caches and lazy imports
        briefing_parser.parse(data)
        if before is not None:
            before(data)
        if trafilatura is not None:
            trafilatura.extract(data)

    print(f"briefing_parser {briefing_parser.__version__}, Python {sys.version.split()[0]}, "
          f"repeat {args.repeat} (fastest run per page)")
    gc.collect()
    found = {}
    found["seed"] = report("seed page as HTML (tests/fixtures/taian-2023-03-31.html)",
                           measure([seed], args.repeat, trafilatura), 1)
    found["corpus"] = report(f"MFA corpus ({CORPUS})", measure(corpus, args.repeat, trafilatura), len(corpus))
    for times, data in long_pages.items():
        found[f"x{times}"] = report(f"seed turns x{times} ({len(data) // 1024} KiB)",
                                    measure([data], args.repeat, trafilatura), 1)
    found["wild"] = report(f"other press offices, the general layout ({WILD}, text)",
                           measure(wild, args.repeat, trafilatura), len(wild))
    if before is not None:
        paired(corpus, args.repeat, before)
    sizes = scaling(args.repeat)
    memory = peak_memory()

    print("\n## targets")
    corpus_ratio = found["corpus"]["parse"] / found["corpus"]["floor"]
    print(f"parse/floor over the corpus: {corpus_ratio:.2f}x  (target <= 6x)")
    least = (found["corpus"]["render"] + found["corpus"]["validate"]) / found["corpus"]["floor"]
    print(f"  of which no design of this pipeline avoids (render + validate alone): {least:.2f}x the floor")
    print(f"the invariant check over the corpus: {found['corpus']['invariants'] / found['corpus']['parse']:.1%} of "
          "parse (medians; target < 5%)")
    if "trafilatura" in found["corpus"]:
        speedup = found["corpus"]["trafilatura"] / found["corpus"]["parse"]
        print(f"trafilatura/parse over the corpus: {speedup:.1f}x  (target >= 7x)")
    for kind, times in sizes.items():
        print(f"x1000 {kind} transcript costs {times[1000] / times[1]:.0f}x the x1 time, exponent "
              f"{fitted_exponent(times):.3f}  (target <= 1100x)")
    print(f"regular-expression calls per page: {regex_calls(corpus):.0f} on the corpus, {regex_calls(wild):.0f} on the "
          "excerpts")
    print(f"general layout on the excerpts of other offices: {ms(found['wild']['parse']).strip()} ms per page, the "
          f"Foreign Ministry's layouts on the corpus: {ms(found['corpus']['parse']).strip()} ms (medians)")
    print(f"peak memory of HTML x1000: {memory['html x1000']:.1f} bytes per input byte  (target <= 12)")
    print(f"import briefing_parser: {import_time() * 1000:.0f} ms  (target < 150 ms)")


if __name__ == "__main__":
    main()
