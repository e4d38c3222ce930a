"""The `briefing-parser` command line: parse, convert, validate, schema, view, report."""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import signal
import sys
import textwrap
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn

import orjson

from . import __version__
from .batch import (
    FORMATS,
    SHARD_SIZE,
    OutputError,
    PageResult,
    UsageError,
    alias_table,
    convert_to,
    count_pages,
    default_jobs,
)
from .errors import ParseError
from .general import GENERAL
from .layouts import LAYOUTS
from .offices import OFFICES
from .pipeline import parse
from .report import report
from .schema import LEAN, Briefing, Registry
from .validate import check_file
from .viewer import view

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, EXIT_ALL_FAILED, EXIT_OUTPUT = 0, 1, 2, 3, 4
LAYOUT_NAMES = (GENERAL.name, *(office.name for office in OFFICES), *LAYOUTS)
AREA_CODE = re.compile(r"0\d{2,3}")  # 010 (Beijing), 0538 (Tai'an)


class Parser(argparse.ArgumentParser):
    """Usage errors as one line on stderr and exit code 2, without the usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see --help)\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0) and EXIT_USAGE
    try:
        return int(args.run(args))
    except UsageError as error:
        print(f"{parser.prog} {args.verb}: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # the reader of the output stopped early (| head)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit flushes nothing
        return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = Parser(prog="briefing-parser", epilog="briefing-parser VERB --help tells a verb's options.",
                    description="Turn archived pages of press conferences into validated, lossless Briefing "
                                "documents: one page at a time (parse), or archives into JSON, JSON Lines, "
                                "Parquet or CSV tables (convert).")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")

    p = verbs.add_parser(
        "parse", help="print the Briefing of each page (JSON, JSON Lines or a table of turns)",
        description="Parse pages and print one Briefing per page, in input order, as each is parsed. An input "
                    "that cannot be parsed keeps its place as an error object {input, code, message}. "
                    "'-' reads standard input: a list of paths, one a line, when its first line names a file; "
                    "otherwise one page.")
    p.add_argument("files", nargs="+", metavar="FILE", help="a page (HTML or text), or - for standard input")
    p.add_argument("--format", choices=("json", "jsonl", "table"), default="json",
                   help="json: a Briefing (an array for several pages); jsonl: one a line; "
                        "table: a summary of each page's turns (default: json)")
    p.add_argument("--pretty", action="store_true", help="indent the JSON")
    _lean_option(p)
    p.add_argument("--strict", action="store_true", help="fail a page on any warning")
    layout_option(p)
    p.add_argument("--area-code", type=_area_code, metavar="CODE",
                   help="the area code of bare local phone numbers, e.g. 0538 (default: the page's city's)")
    _aliases_option(p)
    p.set_defaults(run=run_parse)

    c = verbs.add_parser(
        "convert", help="convert files, folders, globs, WARC files (or - for paths on stdin)",
        description="Convert many pages, on all cores, into an output folder: one JSON file per page, JSON Lines "
                    "part files, or one folder per table of Parquet or CSV part files. Failed pages are listed "
                    "in errors.jsonl; --resume goes on after an interruption.")
    c.add_argument("inputs", nargs="+", help="files, folders, globs, .warc/.warc.gz, or - (paths on stdin)")
    c.add_argument("-o", "--output", required=True, type=Path, help="output folder")
    c.add_argument("--format", choices=FORMATS, default="jsonl", help="output format (default: jsonl)")
    c.add_argument("--jobs", type=_positive_int, default=None, help="worker processes (default: all cores)")
    c.add_argument("--resume", action="store_true", help="skip pages whose output is already complete")
    c.add_argument("--overwrite", action="store_true", help="replace the conversion already in the output folder")
    c.add_argument("--timeout", type=float, default=60.0,
                   help="seconds per page before its worker is killed and the page fails (0: none)")
    c.add_argument("--quiet", action="store_true", help="no progress bar")
    _lean_option(c)
    layout_option(c)
    _aliases_option(c)
    c.add_argument("--shard-size", type=_positive_int, default=SHARD_SIZE,
                   help=f"pages per jsonl/csv/parquet part file (default: {SHARD_SIZE})")
    c.set_defaults(run=run_convert)

    v = verbs.add_parser(
        "validate", help="check JSON or JSONL documents against the Briefing model",
        description="Check Briefing documents (a .json file of one Briefing or an array of them, or a .jsonl "
                    "file of one a line) against the model; each problem is printed with its JSON path.")
    v.add_argument("files", nargs="+", type=Path, metavar="FILE", help="a .json or .jsonl file")
    v.set_defaults(run=run_validate)

    s = verbs.add_parser("schema", help="print the JSON Schema of Briefing (or of the registry)",
                         description="Print the JSON Schema of the Briefing model, or with --registry of the "
                                     "Registry (people and organizations of a conversion); both are in schema/.")
    s.add_argument("--registry", action="store_true", help="the Registry's schema instead of the Briefing's")
    s.set_defaults(run=run_schema)
    _add_html_verbs(verbs)
    return parser


def layout_option(parser: argparse.ArgumentParser) -> None:
    """`--layout NAME`, with the registered layouts as its choices (parse, convert, view, the Spark job)."""
    parser.add_argument("--layout", choices=LAYOUT_NAMES, metavar="NAME",
                        help=f"force a layout instead of detecting it: {', '.join(LAYOUT_NAMES)}")


def _lean_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lean", action="store_true",
                        help="JSON without the turns' text and paragraphs, which their spans rebuild (half the size)")


def _aliases_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--aliases", metavar="FILE",
                        help="your alias table (TSV, the columns of the shipped data/aliases.tsv), read after the "
                             "shipped one: names of people and organizations that are one entry of the registry")


def _area_code(text: str) -> str:
    if not AREA_CODE.fullmatch(text):
        raise argparse.ArgumentTypeError(f"expected an area code such as 0538 or 010, not {text!r}")
    return text


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def run_parse(args: argparse.Namespace) -> int:
    if args.files.count("-") > 1:
        raise UsageError("- (standard input) can be given once")
    options = {"strict": args.strict, "layout": args.layout, "area_code": args.area_code, "aliases": args.aliases}
    alias_table(args.aliases)
    inputs, several = _inputs(args.files)
    out = sys.stdout
    total = failed = 0
    for name, source in inputs:
        result = _parse_one(name, source, options)
        failed += isinstance(result, dict) or any(d.severity == "error" for d in result.diagnostics)
        if args.format == "table":
            out.write(("\n" if total else "") + _summary(name, result))
        else:
            data = result if isinstance(result, dict) else result.model_dump(exclude=LEAN if args.lean else None)
            text = orjson.dumps(data, option=orjson.OPT_INDENT_2 if args.pretty else 0).decode()
            if args.format == "jsonl" or not several:
                out.write(text + "\n")
            else:  # one array, written as it grows
                out.write(("," if total else "[") + "\n" + (textwrap.indent(text, "  ") if args.pretty else text))
        out.flush()
        total += 1
    if args.format == "json" and several:
        out.write("\n]\n" if total else "[]\n")
    return _exit_code(failed, total)


def _inputs(files: list[str]) -> tuple[Iterator[tuple[str, Path | bytes]], bool]:
    """The pages to parse, by name, and whether they are several (then JSON output is an array)."""
    several = len(files) > 1
    sources: list[Iterable[tuple[str, Path | bytes]]] = []
    for name in files:
        if name != "-":
            sources.append([(name, Path(name))])
            continue
        stdin = sys.stdin.buffer  # read only when asked for: a run without standard input may have none
        first = stdin.readline()
        if first.strip() and Path(os.fsdecode(first.strip())).is_file():
            several = True
            sources.append(_listed(chain([first], stdin)))
        else:
            sources.append([("-", first + stdin.read())])
    return (item for source in sources for item in source), several


def _listed(lines: Iterable[bytes]) -> Iterator[tuple[str, Path]]:
    for line in lines:
        if line.strip():
            name = os.fsdecode(line.strip())
            yield name, Path(name)


def _parse_one(name: str, source: Path | bytes, options: dict[str, Any]) -> Briefing | dict[str, str]:
    """The Briefing of one input, or an error object in its place."""
    try:
        doc = parse(source, options=options)
    except ParseError as error:
        return _failure(name, "parse.strict", str(error))
    except FileNotFoundError:
        return _failure(name, "parse.not_found", "no such file")
    except OSError as error:
        return _failure(name, "parse.unreadable", error.strerror or str(error))
    except Exception as error:  # one page's bug must not end the run
        return _failure(name, "parse.exception", f"{type(error).__name__}: {error}")
    for d in doc.diagnostics:
        if d.severity == "error":
            print(f"{name}: {d.code}: {d.message}", file=sys.stderr)
    return doc


def _failure(name: str, code: str, message: str) -> dict[str, str]:
    """An input that gave no Briefing: said on stderr, and an error object for its place in the output."""
    print(f"{name}: {code}: {message}", file=sys.stderr)
    return {"input": name, "code": code, "message": message}


SUMMARY_TEXT_WIDTH = 48  # display columns of each turn's words in the table


def _summary(name: str, result: Briefing | dict[str, str]) -> str:
    """A page as a person reads it: a heading line, then its turns one a line (time, role, kind, speaker,
    the start of the words), then its diagnostics."""
    if isinstance(result, dict):
        return f"{name}: {result['code']}: {result['message']}\n"
    doc = result
    day = doc.held_on or doc.published
    heading = [f"{name}: {doc.title or '(no title)'}",
               f"{day or 'no date'} · {doc.source.layout} layout · {len(doc.turns)} turns · "
               f"{len(doc.exchanges)} exchanges · {len(doc.participants)} participants"]
    names = {p.id: p.name for p in doc.participants}
    rows = [["turn", "time", "role", "kind", "speaker", "words"]]
    rows += [[t.id, f"{t.at:%H:%M}" if t.at else "", t.role, t.kind,
              (names.get(t.participant_id or "") or t.label or "-"),
              _clip(" ".join(t.text.split()), SUMMARY_TEXT_WIDTH)] for t in doc.turns]
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = ["  ".join(cell + " " * (w - _width(cell)) for cell, w in zip(row, widths, strict=False)) + "  " + row[-1]
             for row in rows]
    lines += [f"{d.severity}: {d.code}: {d.message}" for d in doc.diagnostics]
    return "\n".join([*heading, "", *lines]) + "\n"


def _width(text: str) -> int:
    """Display columns of a text in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _clip(text: str, width: int) -> str:
    if _width(text) <= width:
        return text
    kept, used = [], 0
    for ch in text:
        used += _width(ch)
        if used > width - 1:
            break
        kept.append(ch)
    return "".join(kept) + "…"


class _Stopped(BaseException):
    """A signal asked the run to stop (raised where the run is, so that it unwinds cleanly)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, frame: FrameType | None) -> None:
    raise _Stopped(signum)


def run_convert(args: argparse.Namespace) -> int:
    jobs = args.jobs or default_jobs()
    options = {name: value for name, value in (("layout", args.layout), ("aliases", args.aliases)) if value}
    started = time.perf_counter()
    bar = _progress_bar(args)
    logging.basicConfig(format="briefing-parser: %(message)s")  # the library's warnings (a damaged manifest)
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        done = convert_to(args.inputs, args.output, fmt=args.format, jobs=jobs, resume=args.resume,
                          overwrite=args.overwrite, timeout=args.timeout, options=options,
                          shard_size=args.shard_size, lean=args.lean, stdin=sys.stdin, on_result=_advancing(bar))
    except UsageError as error:
        print(f"briefing-parser convert: {error}", file=sys.stderr)
        return EXIT_USAGE
    except OutputError as error:
        print(f"briefing-parser convert: {error}", file=sys.stderr)
        return EXIT_OUTPUT
    except (KeyboardInterrupt, _Stopped) as stop:
        signum = stop.signum if isinstance(stop, _Stopped) else signal.SIGINT
        print(f"stopped by {signal.Signals(signum).name}: what was committed stays; run again with --resume to "
              "continue", file=sys.stderr)
        return 128 + signum
    finally:
        signal.signal(signal.SIGTERM, previous)
        if bar is not None:
            bar.close()
    if done.pages == 0:
        print("briefing-parser convert: no pages found in the inputs", file=sys.stderr)
        return EXIT_USAGE
    seconds = time.perf_counter() - started
    converted = done.pages - done.skipped
    print(f"{done.pages} pages: {done.ok} ok, {done.failed} failed, {done.skipped} already done; "
          f"{converted} converted in {seconds:.1f} s ({converted / seconds:.1f} pages/s, {jobs} jobs) "
          f"-> {args.output}", file=sys.stderr)
    return _exit_code(done.failed, done.pages)


def _advancing(bar: Any) -> Callable[[PageResult], None] | None:
    """What moves the progress bar on by a page, counting the failed ones."""
    if bar is None:
        return None
    failed = 0

    def advance(result: PageResult) -> None:
        nonlocal failed
        failed += result.failed
        bar.update(1)
        bar.set_postfix(failed=failed, refresh=False)

    return advance


def _progress_bar(args: argparse.Namespace) -> Any:
    """A tqdm bar on a terminal (when tqdm is installed), else None."""
    if args.quiet or not sys.stderr.isatty():
        return None
    try:
        import tqdm
    except ImportError:
        return None
    tqdm.tqdm.monitor_interval = 0  # no monitor thread: worker processes are forked from this one
    return tqdm.tqdm(total=count_pages(args.inputs), unit="page", dynamic_ncols=True)


def run_validate(args: argparse.Namespace) -> int:
    for path in args.files:
        if path.is_dir():
            raise UsageError(f"{path} is a folder; give the .json or .jsonl files in it")
        if path.suffix.lower() not in (".json", ".jsonl"):
            raise UsageError(f"{path} is not a .json or .jsonl file")
    documents, invalid = 0, 0
    for path in args.files:
        try:
            for problems in check_file(path):
                documents += 1
                invalid += bool(problems)
                for problem in problems:
                    print(problem, file=sys.stderr)
        except OSError as error:
            print(f"{path}: {error.strerror or error}", file=sys.stderr)
            documents, invalid = documents + 1, invalid + 1
    print(f"{documents} documents: {documents - invalid} valid, {invalid} invalid", file=sys.stderr)
    return _exit_code(invalid, documents) if documents else EXIT_USAGE


def run_schema(args: argparse.Namespace) -> int:
    model = Registry if args.registry else Briefing
    sys.stdout.write(json.dumps(model.model_json_schema(), ensure_ascii=False, indent=2) + "\n")
    return EXIT_OK


def _exit_code(failed: int, total: int) -> int:
    if failed == 0:
        return EXIT_OK
    return EXIT_ALL_FAILED if failed == total else EXIT_SOME_FAILED


def _add_html_verbs(verbs: Any) -> None:
    w = verbs.add_parser("view", help="write one page's parse as a self-contained HTML page",
                         description="Parse one page and write it as one HTML file: its text by segment kind, each "
                                     "turn with its speaker, role and kind, exchanges as links, diagnostics at their "
                                     "spans.")
    w.add_argument("page", type=Path, help="a page (HTML or text)")
    w.add_argument("-o", "--output", type=Path, help="the HTML file to write (default: standard output)")
    layout_option(w)
    w.set_defaults(run=run_view)

    r = verbs.add_parser("report", help="write an HTML report of the tables convert wrote (csv or parquet)",
                         description="Read the tables and errors.jsonl of a convert run (csv or parquet) and write "
                                     "one HTML report: counts, failures by code, charts, and the pages with the most "
                                     "warnings, each with its view.")
    r.add_argument("out", type=Path, help="the output folder of convert --format csv or parquet")
    r.add_argument("-o", "--output", type=Path, help="the HTML file to write (default: OUT/report.html)")
    r.add_argument("--top", type=_positive_int, default=20,
                   help="how many pages with the most warnings to list, each with its view (default: 20)")
    r.set_defaults(run=run_report)


def run_view(args: argparse.Namespace) -> int:
    try:
        doc = parse(args.page, options={"layout": args.layout})
    except OSError as error:
        print(f"{args.page}: {error.strerror or error}", file=sys.stderr)
        return EXIT_ALL_FAILED
    for d in doc.diagnostics:
        if d.severity == "error":
            print(f"{args.page}: {d.code}: {d.message}", file=sys.stderr)
    page = view(doc)
    if args.output is None:
        sys.stdout.write(page)
    else:
        args.output.write_text(page, encoding="utf-8")
        print(f"{args.page} -> {args.output}", file=sys.stderr)
    return _exit_code(any(d.severity == "error" for d in doc.diagnostics), 1)


def run_report(args: argparse.Namespace) -> int:
    try:
        written = report(args.out, args.output, top=args.top)
    except UsageError as error:
        print(f"briefing-parser report: {error}", file=sys.stderr)
        return EXIT_USAGE
    print(f"{written.report} and {len(written.views)} page views in {written.report.parent / 'views'}",
          file=sys.stderr)
    return EXIT_OK
