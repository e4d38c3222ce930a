"""The `briefing-parser` command line: parse, convert, validate, schema, view, report."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .batch import FORMATS, SHARD_SIZE, PageResult, UsageError, convert_to, count_pages, default_jobs
from .errors import ParseError
from .pipeline import parse
from .report import report
from .schema import Briefing
from .validate import check_file
from .viewer import view

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, EXIT_ALL_FAILED = 0, 1, 2, 3


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0) and EXIT_USAGE
    return int(args.run(args))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="briefing-parser", description=__doc__)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    verbs = parser.add_subparsers(dest="verb", required=True)

    p = verbs.add_parser("parse", help="print one Briefing per file as JSON")
    p.add_argument("files", nargs="+", type=Path)
    p.add_argument("--pretty", action="store_true", help="indent the JSON")
    p.add_argument("--strict", action="store_true", help="fail a file on any warning")
    p.add_argument("--layout", help="force a layout instead of detecting it")
    p.set_defaults(run=run_parse)

    c = verbs.add_parser("convert", help="convert files, folders, globs, WARC files (or - for paths on stdin)")
    c.add_argument("inputs", nargs="+", help="files, folders, globs, .warc/.warc.gz, or - (paths on stdin)")
    c.add_argument("-o", "--output", required=True, type=Path, help="output folder")
    c.add_argument("--format", choices=FORMATS, default="jsonl", help="output format (default: jsonl)")
    c.add_argument("--jobs", type=_positive_int, default=None, help="worker processes (default: all cores)")
    c.add_argument("--resume", action="store_true", help="skip pages whose output is already complete")
    c.add_argument("--timeout", type=float, default=60.0, help="seconds per page before it fails (0: none)")
    c.add_argument("--quiet", action="store_true", help="no progress bar")
    c.add_argument("--layout", help="force a layout instead of detecting it")
    c.add_argument("--shard-size", type=_positive_int, default=SHARD_SIZE,
                   help=f"pages per jsonl/csv/parquet part file (default: {SHARD_SIZE})")
    c.set_defaults(run=run_convert)

    v = verbs.add_parser("validate", help="check JSON or JSONL documents against the Briefing model")
    v.add_argument("files", nargs="+", type=Path)
    v.set_defaults(run=run_validate)

    s = verbs.add_parser("schema", help="print the JSON Schema of Briefing")
    s.set_defaults(run=run_schema)
    _add_html_verbs(verbs)
    return parser


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def run_parse(args: argparse.Namespace) -> int:
    documents, failed = [], 0
    for path in args.files:
        try:
            doc = parse(path, options={"strict": args.strict, "layout": args.layout})
        except ParseError as error:
            print(f"{path}: {error}", file=sys.stderr)
            failed += 1
            continue
        except OSError as error:
            print(f"{path}: {error.strerror or error}", file=sys.stderr)
            failed += 1
            continue
        if any(d.severity == "error" for d in doc.diagnostics):
            failed += 1
            for d in doc.diagnostics:
                if d.severity == "error":
                    print(f"{path}: {d.code}: {d.message}", file=sys.stderr)
        documents.append(doc.model_dump(mode="json"))
    indent = 2 if args.pretty else None
    payload = documents[0] if len(args.files) == 1 and documents else documents
    if documents:
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=indent) + "\n")
    return _exit_code(failed, len(args.files))


def run_convert(args: argparse.Namespace) -> int:
    jobs = args.jobs or default_jobs()
    options = {"layout": args.layout} if args.layout else {}
    started = time.perf_counter()
    counts = {"ok": 0, "failed": 0, "skipped": 0}
    bar = _progress_bar(args)
    try:
        results = convert_to(args.inputs, args.output, fmt=args.format, jobs=jobs, resume=args.resume,
                             timeout=args.timeout or None, options=options, shard_size=args.shard_size,
                             stdin=sys.stdin)
        for result in results:
            _count(counts, result)
            if bar is not None:
                bar.update(1)
                bar.set_postfix(failed=counts["failed"], refresh=False)
    except UsageError as error:
        print(f"briefing-parser convert: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted: run again with --resume to continue", file=sys.stderr)
        return 130
    finally:
        if bar is not None:
            bar.close()
    total = counts["ok"] + counts["failed"]
    if total == 0:
        print("briefing-parser convert: no pages found in the inputs", file=sys.stderr)
        return EXIT_USAGE
    seconds = time.perf_counter() - started
    converted = total - counts["skipped"]
    print(f"{total} pages: {counts['ok']} ok, {counts['failed']} failed, {counts['skipped']} already done; "
          f"{converted} converted in {seconds:.1f} s ({converted / seconds:.1f} pages/s, {jobs} jobs) "
          f"-> {args.output}", file=sys.stderr)
    return _exit_code(counts["failed"], total)


def _count(counts: dict[str, int], result: PageResult) -> None:
    counts["failed" if result.failed else "ok"] += 1
    counts["skipped"] += result.skipped


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
    sys.stdout.write(json.dumps(Briefing.model_json_schema(), ensure_ascii=False, indent=2) + "\n")
    return EXIT_OK


def _exit_code(failed: int, total: int) -> int:
    if failed == 0:
        return EXIT_OK
    return EXIT_ALL_FAILED if failed == total else EXIT_SOME_FAILED


def _add_html_verbs(verbs: Any) -> None:
    w = verbs.add_parser("view", help="write one page's parse as a self-contained HTML page")
    w.add_argument("page", type=Path, help="a page (HTML or text)")
    w.add_argument("-o", "--output", type=Path, help="the HTML file to write (default: standard output)")
    w.add_argument("--layout", help="force a layout instead of detecting it")
    w.set_defaults(run=run_view)

    r = verbs.add_parser("report", help="write an HTML report of the tables convert wrote (csv or parquet)")
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
