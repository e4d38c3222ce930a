"""Compare this code's JSON with a git revision's on every real page: which pages differ, in which fields.

Run:  .venv/bin/python tools/compare_json.py REF [FOLDER …]   (default: ../shared/seed, ../shared/corpus,
tests/fixtures/wild). The revision's package is imported beside this one as `briefing_parser_baseline`.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Any

from baseline import load

import briefing_parser

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = [ROOT.parent / "shared" / "seed", ROOT.parent / "shared" / "corpus", ROOT / "tests" / "fixtures" / "wild"]
SUFFIXES = {".html", ".htm", ".shtml", ".txt"}


def fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The top-level fields (and source's) whose values differ."""
    keys = sorted(set(before) | set(after))
    found = [key for key in keys if key != "source" and before.get(key) != after.get(key)]
    found += [f"source.{key}" for key in sorted(set(before["source"]) | set(after["source"]))
              if before["source"].get(key) != after["source"].get(key)]
    return found


def main() -> None:
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    old = load(sys.argv[1])
    folders = [Path(f) for f in sys.argv[2:]] or FOLDERS
    pages = sorted(p for folder in folders for p in folder.rglob("*") if p.suffix in SUFFIXES and p.name != "README.md")
    changed: Counter[str] = Counter()
    differing = 0
    for path in pages:
        data = path.read_bytes()
        before = old.parse(data, uri=path.name).model_dump(mode="json")
        after = briefing_parser.parse(data, uri=path.name).model_dump(mode="json")
        if before != after:
            differing += 1
            names = fields(before, after)
            changed.update(names)
            print(f"{path.relative_to(path.parents[1])}: {', '.join(names)}")
    print(f"\n{differing} of {len(pages)} pages differ; fields: {dict(changed.most_common())}")


if __name__ == "__main__":
    main()
