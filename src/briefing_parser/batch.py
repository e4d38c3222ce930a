"""Batch conversion: files, folders, globs, WARC files or stdin paths → parsed pages, in parallel, resumable."""

from __future__ import annotations

import errno
import hashlib
import logging
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson

from . import registry
from .export import (
    SHARD_WRITERS,
    ShardWriter,
    Unwritable,
    fit_name,
    temp_path,
    write_atomically,
)
from .inputs import (
    Item,
    OutputError,
    PageError,
    PageInput,
    PageResult,
    UsageError,
    clean_id,
    count_pages,
    discover,
    unique_id,
)
from .manifest import ERRORS, FORMATS, FolderBusy, FolderLock, Format, Manifest, PageEntry, check_empty
from .workers import Settings, check_options, check_timeout, convert, default_jobs, run

log = logging.getLogger(__name__)

SHARD_SIZE = 1000
# The batch API, wherever each part lives.
__all__ = ["FORMATS", "SHARD_SIZE", "Conversion", "FolderBusy", "Format", "OutputError", "PageError", "PageInput",
           "PageResult", "Settings", "UsageError", "alias_table", "clean_id", "convert", "convert_to", "count_pages",
           "default_jobs", "discover", "unique_id"]


@dataclass(slots=True)
class Conversion:
    """What a `convert_to` run did: how many pages its inputs named, failed (see errors.jsonl), were skipped."""

    pages: int = 0
    failed: int = 0
    skipped: int = 0

    @property
    def ok(self) -> int:
        return self.pages - self.failed


def convert_to(inputs: Iterable[str | os.PathLike[str]], out: str | os.PathLike[str], *, fmt: Format = "jsonl",
               jobs: int | None = None, resume: bool = False, overwrite: bool = False, timeout: float | None = None,
               options: Mapping[str, Any] | None = None, shard_size: int = SHARD_SIZE, lean: bool = False,
               stdin: IO[str] | None = None, on_result: Callable[[PageResult], None] | None = None) -> Conversion:
    """Convert the inputs into the folder `out`, now; `on_result` sees each page's result (skipped ones too, without
    its document and tables: they are in the folder) in input order.

    json: one `<id>.json` per page; jsonl: `part-NNNNN.jsonl`; csv/parquet: `<table>/part-NNNNN.<fmt>`.
    `errors.jsonl` lists every failed page (input, code, message); `manifest.jsonl` makes `resume` possible.
    `lean` json/jsonl documents leave out what the spans rebuild (`schema.LEAN`, `schema.with_words`).
    Once every page is committed, the registry of them all: `people.jsonl` and `organizations.jsonl` (json,
    jsonl), else the tables `people`, `affiliations`, `organizations`.
    The folder must be empty unless `resume` or `overwrite`; one run at a time holds it (FolderBusy).
    Raises UsageError for what cannot be asked, OutputError when the folder cannot be written (a full disk).
    """
    out = Path(out)
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "parquet":
        try:
            import pyarrow.parquet  # noqa: F401
        except ImportError as error:
            raise UsageError("Parquet output needs pyarrow: pip install 'briefing-parser[parquet]'") from error
    settings = Settings(options=check_options(options), timeout=check_timeout(timeout),
                        want_document=fmt in ("json", "jsonl"), want_tables=fmt in ("csv", "parquet"), lean=lean)
    table = alias_table(settings.options.get("aliases"))
    try:
        if not resume and not overwrite:
            check_empty(out)
        out.mkdir(parents=True, exist_ok=True)
        lock = FolderLock(out)
        try:
            manifest = Manifest(out, fmt, resume=resume, overwrite=overwrite, aliases=table.digest)
            return _convert(discover(inputs, stdin), out, fmt, manifest, jobs or default_jobs(), settings, shard_size,
                            on_result, table)
        finally:
            lock.release()
    except OSError as error:
        raise OutputError(_output_problem(out, error)) from error


def alias_table(path: str | None) -> registry.Aliases:
    """The alias table of a run, the shipped one and the user's file at `path`: read once, before any page, so
    that one it cannot read is a usage error (UsageError), not every page's."""
    try:
        return registry.aliases(path)
    except (OSError, registry.AliasError) as error:
        raise UsageError(f"cannot read the alias table: {error}") from error


def _output_problem(out: Path, error: OSError) -> str:
    where = f" ({error.filename})" if error.filename else ""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"no space left to write {out}{where}: free some, then run again with --resume"
    return f"cannot write {out}{where}: {error.strerror or error}"


def _convert(items: Iterable[Item], out: Path, fmt: Format, manifest: Manifest, jobs: int, settings: Settings,
             shard_size: int, on_result: Callable[[PageResult], None] | None, table: registry.Aliases) -> Conversion:
    if manifest.done:
        items = map(manifest.skip, items)
    # The registry is made from every committed page once the run completes; one an earlier run left would
    # speak of pages this run changes.
    registry.remove_registry(out, fmt)
    done = Conversion()
    shard: ShardWriter | None = None
    in_shard: list[PageEntry] = []
    part = manifest.next_part()
    # errors.jsonl is rebuilt by every run that completes, in input order: skipped pages bring their recorded
    # errors. Until then the previous one stays.
    errors_path = temp_path(out / ERRORS)
    errors = errors_path.open("wb")
    results = run(items, jobs=jobs, settings=settings)
    try:
        for result in results:
            if result.skipped:
                pass
            elif fmt == "json" and result.document is not None:
                name = fit_name(f"{result.id}.json")
                write_atomically(out / name, result.document)
                manifest.record({name: hashlib.sha256(result.document).hexdigest()},
                                [(result.id, result.sha256, result.errors)])
            elif result.document is not None or result.tables is not None:
                if shard is None:
                    shard = SHARD_WRITERS[fmt](out, f"part-{part:05d}")
                try:
                    shard.add(result.document, result.tables)
                except Unwritable as error:  # that page's problem, not the run's
                    result.errors += (PageError("convert.unwritable", f"the page cannot be written as {fmt}: {error}"),)
                else:
                    in_shard.append((result.id, result.sha256, result.errors))
                if len(in_shard) >= shard_size:
                    manifest.commit(shard, in_shard)
                    shard, in_shard, part = None, [], part + 1
            for problem in result.errors:
                errors.write(orjson.dumps({"input": result.origin, "id": result.id, "uri": result.uri,
                                           "code": problem.code, "message": problem.message}) + b"\n")
            result.document, result.tables = None, None
            done.pages += 1
            done.failed += result.failed
            done.skipped += result.skipped
            if on_result is not None:
                on_result(result)
        if shard is not None and in_shard:
            manifest.commit(shard, in_shard)
            shard = None
        errors.close()
        os.replace(errors_path, out / ERRORS)
        registry.write_registry(out, fmt, registry.gather(registry.committed_pages(out, fmt, manifest.files), table))
    finally:
        results.close()  # the workers are gone before the folder is let go
        if shard is not None:
            shard.abort()
        errors.close()
        errors_path.unlink(missing_ok=True)
        manifest.close()
    return done
