"""The `briefing-parser` command line: parse, schema (and the batch verbs)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import ParseError
from .parse import parse
from .schema import Briefing

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

    s = verbs.add_parser("schema", help="print the JSON Schema of Briefing")
    s.set_defaults(run=run_schema)
    return parser


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


def run_schema(args: argparse.Namespace) -> int:
    sys.stdout.write(json.dumps(Briefing.model_json_schema(), ensure_ascii=False, indent=2) + "\n")
    return EXIT_OK


def _exit_code(failed: int, total: int) -> int:
    if failed == 0:
        return EXIT_OK
    return EXIT_ALL_FAILED if failed == total else EXIT_SOME_FAILED
