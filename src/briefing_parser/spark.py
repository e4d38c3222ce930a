"""Archives parsed on Spark into the tables of `convert --format parquet`: `parse_paths`, `parse_content`, `tables`."""

from __future__ import annotations

import argparse
import math
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache, partial
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

from . import registry
from .cli import EXIT_ALL_FAILED, EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE, Parser, layout_option
from .export import TABLES, Row, arrow_schema
from .inputs import (
    PAGE_SUFFIXES,
    Item,
    PageError,
    PageInput,
    PageResult,
    UsageError,
    clean_id,
    files,
    from_file,
    printable,
    unique_id,
)
from .warc import is_warc
from .workers import Settings, check_options, check_timeout, run

MISSING = "briefing_parser.spark needs pyspark: pip install 'briefing-parser[spark]'"
try:
    import pyarrow as pa
    from pyspark.errors import AnalysisException
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql import types as spark_types
except ImportError as error:  # the base install stays without Spark
    if __name__ == "__main__":
        print(f"python -m briefing_parser.spark: {MISSING}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE) from error
    raise ImportError(MISSING) from error

# What keeps the times' meaning: they are shown, cast and cut (hour()) at +08:00, where the pages were
# held, and written as Parquet's TIMESTAMP_MICROS, which every reader takes as an instant (Spark's default,
# INT96, is read by pyarrow and pandas as a time without zone).
SESSION_CONFIG = {"spark.sql.session.timeZone": "+08:00", "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS"}
DEFAULT_TIMEOUT = 60.0
URI = re.compile(r"[A-Za-z][\w+.-]*:/")  # s3://bucket/crawls, file:///data, dbfs:/mnt/tables
PAGES_PER_TASK = 250  # page files per task, about a second of one core's parsing; a WARC file is a task of its own
PAGES_PER_BATCH = 64  # pages per Arrow batch sent back by a task
# What pyarrow raises for a value its column cannot hold (an integer past int64, a lone surrogate).
ARROW_ERRORS = (pa.ArrowException, OverflowError, ValueError, TypeError)
TASK_SCHEMA = ("files array<struct<name: string, uri: string, filesystem: string, path: binary, warc: boolean, "
               "code: string, message: string>>")  # a task: its files, each an Entry


class Entry(NamedTuple):
    """A file of a task: the id of its page (of its pages' ids, for a WARC file), the URI its Briefings name as
    their source, the filesystem to open it from (a URI pyarrow opens; empty for a local path), the path to open
    (bytes: a local file's name need not be UTF-8), and the error of an input that names nothing."""

    name: str
    uri: str
    filesystem: str
    path: bytes
    warc: bool
    code: str | None = None
    message: str | None = None


def spark_schema(table: str) -> spark_types.StructType:
    """The Spark schema of one table, from its columns in `export.TABLES` (the types of its Parquet files)."""
    types = {"string": spark_types.StringType(), "int": spark_types.LongType(), "date": spark_types.DateType(),
             "timestamp": spark_types.TimestampType(), "strings": spark_types.ArrayType(spark_types.StringType())}
    return spark_types.StructType([spark_types.StructField(c.name, types[c.kind]) for c in TABLES[table].columns])


def page_schema() -> spark_types.StructType:
    """A page's row: its id and URI, then its rows of every table."""
    return spark_types.StructType([
        spark_types.StructField("document_id", spark_types.StringType()),
        spark_types.StructField("uri", spark_types.StringType()),
        *(spark_types.StructField(name, spark_types.ArrayType(spark_schema(name))) for name in TABLES)])


@cache
def _page_type() -> Any:
    """`page_schema()` in Arrow, with the column types of the Parquet files `convert` writes."""
    return pa.struct([("document_id", pa.string()), ("uri", pa.string()),
                      *((name, pa.list_(pa.struct(list(arrow_schema(name))))) for name in TABLES)])


# --- the DataFrames of pages ------------------------------------------------------------------------


def parse_paths(spark: SparkSession, paths: Iterable[str | os.PathLike[str]], *,
                options: Mapping[str, Any] | None = None, partitions: int | None = None,
                timeout: float | None = DEFAULT_TIMEOUT) -> DataFrame:
    """One row per page of the files, folders, globs and WARC files that `paths` name, with the ids `convert`
    gives them. Local paths are listed here and read by the executors (a cluster needs them on a disk every
    node mounts); a URI that pyarrow opens (s3://, gs://, hdfs://, file://) names a file or a folder. Each
    WARC file is read by one task, record by record; the page files are spread over `partitions` tasks
    (default: about PAGES_PER_TASK each, a multiple of the cores). Pages are parsed as `convert` parses them:
    an input that names nothing, a page that raises or runs past `timeout` seconds is a row whose
    `diagnostics` say so (`convert.not_found`, `convert.exception`, `convert.timeout`)."""
    if partitions is not None and partitions < 1:
        raise UsageError(f"partitions must be at least 1, not {partitions}")
    settings = _settings(options, timeout)
    seen: set[str] = set()
    listed = [entry for spec in paths for entry in _list(os.fspath(spec), seen)]
    warcs, pages = [e for e in listed if e.warc], [e for e in listed if not e.warc]
    cores = spark.sparkContext.defaultParallelism
    count = partitions or cores * max(1, math.ceil(len(pages) / (cores * PAGES_PER_TASK)))
    # WARC files first: the longest tasks start first.
    tasks = [[warc] for warc in warcs] + [task for task in (pages[i::count] for i in range(count)) if task]
    rows = spark.createDataFrame([(task,) for task in tasks], TASK_SCHEMA)
    # Round robin from one partition gives each task row a partition of its own.
    return rows.coalesce(1).repartition(max(1, len(tasks))).mapInArrow(partial(_parse_files, settings), page_schema())


def parse_content(df: DataFrame, content: str = "content", uri: str = "uri", *, document_id: str | None = None,
                  options: Mapping[str, Any] | None = None, timeout: float | None = DEFAULT_TIMEOUT) -> DataFrame:
    """One row per row of `df`, a DataFrame of pages: the column `content` holds a page's bytes, `uri` its URI
    (the Briefing's `source.uri`) and `document_id` its id, unique across the archive (default: the URI).
    Parsed in `df`'s partitions, as `parse_paths` parses."""
    columns = df.select(df[document_id or uri].alias("document_id"), df[uri].alias("uri"),
                        df[content].alias("content"))
    return columns.mapInArrow(partial(_parse_content, _settings(options, timeout)), page_schema())


def tables(pages: DataFrame) -> dict[str, DataFrame]:
    """The tables of `convert --format parquet` from the pages of `parse_paths` or `parse_content`. Each table
    reads the pages: persist them before using more than one, or each parses them again."""
    return {name: pages.selectExpr(f"inline({name})") for name in TABLES}


def write_tables(pages: DataFrame, out: str | os.PathLike[str], *, mode: str = "errorifexists") -> None:
    """Write every table as `convert --format parquet` lays them out, `out/<table>/part-….parquet`, compressed
    as pyarrow compresses them (zstd, level 1). Persist `pages` first."""
    pages.sparkSession.conf.set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
    # Spark takes a relative path from where the JVM started, not from this process's folder.
    folder = os.fspath(out) if is_uri(os.fspath(out)) else os.path.abspath(out)

    def write(name: str, table: DataFrame) -> None:
        table.write.mode(mode).option("compression", "zstd").option("parquet.compression.codec.zstd.level", "1") \
            .parquet(f"{folder.rstrip('/')}/{name}")

    # One job per table, all at once: the small tables' jobs fill the cores the big ones leave idle.
    with ThreadPoolExecutor(len(TABLES)) as pool:
        for done in [pool.submit(write, name, table) for name, table in tables(pages).items()]:
            done.result()


def is_uri(path: str) -> bool:
    """Whether a path names its filesystem (s3://bucket/crawls, dbfs:/mnt/tables) rather than a local file."""
    return URI.match(path) is not None


def _settings(options: Mapping[str, Any] | None, timeout: float | None) -> Settings:
    return Settings(options=check_options(options), timeout=check_timeout(timeout), want_document=False,
                    want_tables=True)


# --- listing the inputs (on the driver) ----------------------------------------------------------------

def _list(spec: str, seen: set[str]) -> Iterator[Entry]:
    """The files one input names, with the ids `convert` gives them."""
    remote = is_uri(spec)
    for found in _remote_files(spec) if remote else _local_files(spec):
        if isinstance(found, PageResult):
            error = found.errors[0]
            yield Entry(found.id, found.origin, "", b"", False, error.code, error.message)
        else:
            path, uri, name = found
            yield Entry(unique_id(clean_id(name), seen), uri, spec if remote else "", path, is_warc(Path(name)))


def _local_files(spec: str) -> Iterator[tuple[bytes, str, str] | PageResult]:
    """`inputs.files`: each file's absolute path (for the executors), its path as given (the URI of its pages, as
    `convert` names them) and its name."""
    for found in files(spec):
        if isinstance(found, PageResult):
            yield found
        else:
            path, name = found
            yield os.fsencode(path.absolute()), printable(str(path)), name


def _remote_files(spec: str) -> Iterator[tuple[bytes, str, str] | PageResult]:
    """`inputs.files` for a URI pyarrow opens (a file or a folder; no globs): each file's path in its filesystem,
    its URI and its name."""
    from pyarrow import fs

    try:
        filesystem, root = fs.FileSystem.from_uri(spec)
        info = filesystem.get_file_info(root)
        found = filesystem.get_file_info(fs.FileSelector(root, recursive=True)) if info.type == fs.FileType.Directory \
            else []
    except (OSError, pa.ArrowException) as error:  # a scheme pyarrow does not know, a store refusing access
        yield _failed(spec, "convert.unreadable", f"{type(error).__name__}: {error}")
        return
    if info.is_file:
        yield os.fsencode(root), spec, PurePosixPath(root).name
    elif info.type == fs.FileType.Directory:
        for file in sorted(found, key=lambda f: f.path):
            relative = file.path[len(root):].lstrip("/")
            if file.is_file and (PurePosixPath(relative).suffix.lower() in PAGE_SUFFIXES or is_warc(Path(relative))):
                yield os.fsencode(file.path), f"{spec.rstrip('/')}/{relative}", f"{PurePosixPath(root).name}/{relative}"
    else:
        yield _failed(spec, "convert.not_found", f"no such file, folder or glob match: {spec}")


def _failed(spec: str, code: str, message: str) -> PageResult:
    return PageResult(id=clean_id(PurePosixPath(spec).name or spec), origin=spec, uri=None,
                      errors=(PageError(code, message),))


# --- parsing (in the executors' tasks) -----------------------------------------------------------------


def _parse_files(settings: Settings, batches: Iterable[Any]) -> Iterator[Any]:
    """A task of `parse_paths`: the pages of its files, parsed as `convert` parses them (in a worker process
    that a page past the timeout, or one that crashes it, costs only that page)."""
    entries = (entry for batch in batches for task in batch.column("files").to_pylist() for entry in task)
    yield from _batches(run((page for entry in entries for page in _pages(entry)), settings=settings))


def _parse_content(settings: Settings, batches: Iterable[Any]) -> Iterator[Any]:
    """A task of `parse_content`: its pages' bytes, parsed as `parse_paths` parses."""
    def pages() -> Iterator[Item]:
        for batch in batches:
            ids, uris, contents = (batch.column(name) for name in ("document_id", "uri", "content"))
            for i in range(batch.num_rows):  # one page's bytes at a time out of the batch
                uri = uris[i].as_py()
                yield PageInput(id=ids[i].as_py(), origin=uri, uri=uri, data=contents[i].as_py())

    yield from _batches(run(pages(), settings=settings))


def _pages(entry: Row) -> Iterator[Item]:
    """The pages of one file of a task: itself, a WARC file's responses, or the error of its input."""
    name, uri, path = entry["name"], entry["uri"], os.fsdecode(entry["path"])
    if entry["code"] is not None:
        yield PageResult(id=name, origin=uri, uri=None, errors=(PageError(entry["code"], entry["message"]),))
    elif entry["filesystem"]:
        yield from _remote_pages(entry["filesystem"], path, name, uri, entry["warc"])
    elif entry["warc"]:
        yield from from_file(Path(path), name)
    else:
        yield PageInput(id=name, origin=uri, uri=uri, path=path)


def _remote_pages(filesystem: str, path: str, name: str, uri: str, warc: bool) -> Iterator[Item]:
    """A file of a filesystem pyarrow opens: a page read whole, or a WARC file copied to a local file first (so
    that it is read as a local one is, record by record, never whole in memory)."""
    from pyarrow import fs

    try:
        source = fs.FileSystem.from_uri(filesystem)[0]
        if not warc:
            with source.open_input_stream(path) as stream:
                data = stream.read()
            yield PageInput(id=name, origin=uri, uri=uri, data=data)
            return
        with tempfile.NamedTemporaryFile(suffix=".warc.gz" if path.lower().endswith(".gz") else ".warc") as copy:
            with source.open_input_stream(path) as stream:
                shutil.copyfileobj(stream, copy)
            copy.flush()
            yield from from_file(Path(copy.name), name)
    except (OSError, pa.ArrowException) as error:
        yield PageResult(id=name, origin=uri, uri=uri,
                         errors=(PageError("convert.unreadable", f"{type(error).__name__}: {error}"),))


def _batches(results: Iterable[PageResult]) -> Iterator[Any]:
    """The pages' rows as Arrow record batches of `page_schema()`, PAGES_PER_BATCH pages each."""
    pages: list[PageResult] = []
    for result in results:
        pages.append(result)
        if len(pages) == PAGES_PER_BATCH:
            yield _record_batch(pages)
            pages = []
    if pages:
        yield _record_batch(pages)


def _record_batch(pages: list[PageResult]) -> Any:
    try:  # a batch at a time: converting each page on its own costs six times more
        array = pa.array([_page_row(page) for page in pages], _page_type())
    except ARROW_ERRORS:  # a page's rows do not fit: found one page at a time
        array = pa.concat_arrays([_page_array(page) for page in pages])
    return pa.RecordBatch.from_struct_array(array)


def _page_array(result: PageResult) -> Any:
    """One page's row of `page_schema()` as an Arrow array of one (see `_page_row`); a page whose rows do not fit
    their columns has none but the row that says so."""
    try:
        return pa.array([_page_row(result)], _page_type())
    except ARROW_ERRORS as error:
        unwritable = PageError("convert.unwritable", f"the page cannot be written as Arrow: {error}")
        return pa.array([_page_row(result, unwritable)], _page_type())


def _page_row(result: PageResult, unwritable: PageError | None = None) -> Row:
    """A page's rows of every table, and in `diagnostics` a row more for each problem it has beyond its Briefing
    (the `convert.*` errors that `convert` lists in errors.jsonl)."""
    rows = result.tables or {} if unwritable is None else {}
    problems = [error for error in result.errors if error.code.startswith("convert.")]
    if unwritable is not None:
        problems.append(unwritable)
    diagnostics = rows.get("diagnostics", [])
    # keyed as export.tabulate keys an item known by its position (the span columns stay null)
    extra = [{"document_id": result.id, "key": f"{result.id}#diagnostics[{index}]", "index": index,
              "code": problem.code, "severity": "error", "message": problem.message}
             for index, problem in enumerate(problems, len(diagnostics))]
    return {"document_id": result.id, "uri": result.uri, **{name: rows.get(name, []) for name in TABLES},
            "diagnostics": [*diagnostics, *extra]}


# --- the command line (spark-submit, or python -m briefing_parser.spark) -------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = Parser(prog="python -m briefing_parser.spark",
                    description="Parse files, folders, globs and WARC files on Spark into the Parquet tables of "
                                "`briefing-parser convert --format parquet` (one folder per table). A page that "
                                "fails has its error in the diagnostics table.")
    parser.add_argument("inputs", nargs="+", help="files, folders, globs, .warc/.warc.gz, or URIs pyarrow opens")
    parser.add_argument("-o", "--output", required=True, help="output folder (a path or a URI Spark writes to)")
    parser.add_argument("--overwrite", action="store_true", help="replace the tables already in the output folder")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                        help="seconds per page before its worker is killed and the page fails (0: none)")
    parser.add_argument("--partitions", type=int, default=None,
                        help="tasks for the page files (default: about 250 pages each; a WARC file is one task)")
    layout_option(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the Spark job of the command line (on the session there is, or a new one); returns the exit code."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0) and EXIT_USAGE
    out = Path(args.output)
    if not is_uri(args.output) and not args.overwrite and out.is_dir() and any(out.iterdir()):
        print(f"{parser.prog}: {out} is not empty: give --overwrite to replace the tables in it", file=sys.stderr)
        return EXIT_USAGE
    if "PYSPARK_GATEWAY_PORT" not in os.environ:  # run by python, not spark-submit: the workers run this Python
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = SparkSession.builder.appName("briefing-parser").getOrCreate()
    for key, value in SESSION_CONFIG.items():
        spark.conf.set(key, value)
    started = time.perf_counter()
    try:
        pages = parse_paths(spark, args.inputs, options={"layout": args.layout} if args.layout else {},
                            partitions=args.partitions, timeout=args.timeout).persist()
    except UsageError as error:
        print(f"{parser.prog}: {error}", file=sys.stderr)
        return EXIT_USAGE
    try:
        total = pages.count()
        if total == 0:
            print(f"{parser.prog}: no pages found in the inputs", file=sys.stderr)
            return EXIT_USAGE
        write_tables(pages, args.output, mode="overwrite" if args.overwrite else "errorifexists")
        if not is_uri(args.output):  # the registry of the run, from its tables, as convert writes it
            registry.write_registry(Path(args.output), "parquet",
                                    registry.gather(registry.table_pages(Path(args.output))))
        failed = pages.where("exists(diagnostics, d -> d.severity = 'error')").count()
    except AnalysisException as error:  # a table folder already there
        print(f"{parser.prog}: {str(error).splitlines()[0]}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        pages.unpersist()
    seconds = time.perf_counter() - started
    print(f"{total} pages: {total - failed} ok, {failed} failed (their errors are in the diagnostics table); "
          f"{seconds:.1f} s ({total / seconds:.1f} pages/s) -> {args.output}", file=sys.stderr)
    return EXIT_OK if failed == 0 else EXIT_ALL_FAILED if failed == total else EXIT_SOME_FAILED


if __name__ == "__main__":
    raise SystemExit(main())
