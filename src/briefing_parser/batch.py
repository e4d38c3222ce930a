"""Batch conversion: files, folders, globs, WARC files or stdin paths → parsed pages, in parallel, resumable."""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

import orjson

from .export import (
    SHARD_WRITERS,
    ShardWriter,
    write_atomically,
)
from .inputs import Item, PageError, PageInput, PageResult, UsageError, clean_id, count_pages, discover, unique_id
from .manifest import ERRORS, FORMATS, Format, Manifest, PageEntry
from .workers import Settings, convert, default_jobs, run

log = logging.getLogger(__name__)

SHARD_SIZE = 1000
# The batch API, wherever each part lives.
__all__ = ["FORMATS", "SHARD_SIZE", "Format", "PageError", "PageInput", "PageResult", "Settings", "UsageError",
           "clean_id", "convert", "convert_to", "count_pages", "default_jobs", "discover", "unique_id"]


def convert_to(inputs: Iterable[str | os.PathLike[str]], out: Path, *, fmt: Format = "jsonl",
               jobs: int | None = None, resume: bool = False, timeout: float | None = None,
               options: Mapping[str, Any] | None = None, shard_size: int = SHARD_SIZE,
               stdin: IO[str] | None = None) -> Iterator[PageResult]:
    """Convert the inputs into the folder `out`, yielding each page's result (skipped ones too) in input order.

    json: one `<id>.json` per page; jsonl: `part-NNNNN.jsonl`; csv/parquet: `<table>/part-NNNNN.<fmt>`.
    `errors.jsonl` lists every failed page (input, code, message); `manifest.jsonl` makes `resume` possible.
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "parquet":
        try:
            import pyarrow.parquet  # noqa: F401
        except ImportError as error:
            raise UsageError("Parquet output needs pyarrow: pip install 'briefing-parser[parquet]'") from error
    out.mkdir(parents=True, exist_ok=True)
    manifest = Manifest(out, fmt, resume)
    items: Iterable[Item] = discover(inputs, stdin)
    if resume:
        items = map(manifest.skip, items)
    settings = Settings(options=dict(options or {}), timeout=timeout, want_document=fmt in ("json", "jsonl"),
                        want_tables=fmt in ("csv", "parquet"))
    shard: ShardWriter | None = None
    in_shard: list[PageEntry] = []
    part = manifest.next_part()
    # errors.jsonl is rebuilt on every run, in input order: skipped pages bring their recorded errors.
    errors = (out / ERRORS).open("wb")
    try:
        for result in run(items, jobs=jobs or default_jobs(), settings=settings):
            for problem in result.errors:
                errors.write(orjson.dumps({"input": result.origin, "id": result.id, "uri": result.uri,
                                           "code": problem.code, "message": problem.message}) + b"\n")
            errors.flush()
            if not result.skipped and fmt == "json" and result.document is not None:
                name = f"{result.id}.json"
                write_atomically(out / name, result.document)
                manifest.record({name: hashlib.sha256(result.document).hexdigest()},
                                [(result.id, result.sha256, result.errors)])
            elif not result.skipped and (result.document is not None or result.tables is not None):
                if shard is None:
                    shard = SHARD_WRITERS[fmt](out, f"part-{part:05d}")
                shard.add(result.document, result.tables)
                in_shard.append((result.id, result.sha256, result.errors))
                if len(in_shard) >= shard_size:
                    manifest.commit(shard, in_shard)
                    shard, in_shard, part = None, [], part + 1
            yield result
        if shard is not None:
            manifest.commit(shard, in_shard)
            shard = None
    finally:
        if shard is not None:
            shard.abort()
        errors.close()
        manifest.close()
