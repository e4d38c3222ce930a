"""Flat tables from a Briefing (one function, `tabulate`) and the shard writers for jsonl, csv and parquet."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import logging
import os
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from functools import cache, partial
from pathlib import Path
from typing import IO, Any, Literal, Protocol

import orjson

from .schema import Briefing, Span

log = logging.getLogger(__name__)

ColumnType = Literal["string", "int", "date", "timestamp", "strings"]
Row = dict[str, Any]
Tables = dict[str, list[Row]]

# Every table and its typed columns; `tabulate` fills exactly these, the writers only encode them.
TABLES: dict[str, tuple[tuple[str, ColumnType], ...]] = {
    "briefings": (
        ("document_id", "string"), ("uri", "string"), ("sha256", "string"), ("encoding", "string"),
        ("media_type", "string"), ("layout", "string"), ("size", "int"), ("schema_version", "string"),
        ("language", "string"), ("title", "string"), ("topic", "string"), ("published", "date"),
        ("held_on", "date"), ("origin", "string"), ("breadcrumb", "strings"), ("region", "string"),
        ("series_name", "string"), ("series_number", "int"), ("organizer", "string"), ("started_at", "timestamp"),
        ("ended_at", "timestamp"), ("turn_count", "int"), ("exchange_count", "int"),
        ("error_count", "int"), ("text", "string"),
    ),
    "turns": (
        ("document_id", "string"), ("id", "string"), ("index", "int"), ("at", "timestamp"),
        ("participant_id", "string"), ("label", "string"), ("role", "string"), ("kind", "string"),
        ("text", "string"), ("image_ids", "strings"), ("span_start", "int"), ("span_end", "int"),
        ("marker_start", "int"), ("marker_end", "int"),
    ),
    "exchanges": (
        ("document_id", "string"), ("id", "string"), ("question_turn_ids", "strings"),
        ("answer_turn_ids", "strings"), ("outlet_id", "string"), ("follows", "string"),
    ),
    "participants": (
        ("document_id", "string"), ("id", "string"), ("name", "string"), ("label", "string"),
        ("role", "string"), ("title", "string"), ("organization", "string"), ("honorific", "string"),
        ("outlet_id", "string"),
    ),
    "outlets": (("document_id", "string"), ("id", "string"), ("name", "string"), ("kind", "string")),
    "contacts": (
        ("document_id", "string"), ("id", "string"), ("kind", "string"), ("raw", "string"),
        ("e164", "string"), ("owner", "string"), ("turn_id", "string"), ("span_start", "int"),
        ("span_end", "int"),
    ),
    "images": (
        ("document_id", "string"), ("id", "string"), ("filename", "string"), ("src", "string"),
        ("alt", "string"), ("captured_at", "timestamp"), ("turn_id", "string"), ("span_start", "int"),
        ("span_end", "int"),
    ),
    "diagnostics": (
        ("document_id", "string"), ("index", "int"), ("code", "string"), ("severity", "string"),
        ("message", "string"), ("span_start", "int"), ("span_end", "int"),
    ),
}


def tabulate(doc: Briefing, document_id: str) -> Tables:
    """The rows of every table in `TABLES` for one Briefing, keyed by `document_id`."""
    src, series = doc.source, doc.series
    briefing = {
        "document_id": document_id, "uri": src.uri, "sha256": src.sha256, "encoding": src.encoding,
        "media_type": src.media_type, "layout": src.layout, "size": src.size,
        "schema_version": doc.schema_version, "language": doc.language, "title": doc.title,
        "topic": doc.topic, "published": doc.published, "held_on": doc.held_on, "origin": doc.origin,
        "breadcrumb": list(doc.breadcrumb), "region": doc.region,
        "series_name": series.name if series else None, "series_number": series.number if series else None,
        "organizer": doc.organizer, "started_at": doc.started_at, "ended_at": doc.ended_at,
        "turn_count": len(doc.turns), "exchange_count": len(doc.exchanges),
        "error_count": sum(d.severity == "error" for d in doc.diagnostics), "text": doc.text,
    }
    key = {"document_id": document_id}
    return {
        "briefings": [briefing],
        "turns": [
            {**key, "id": t.id, "index": t.index, "at": t.at, "participant_id": t.participant_id,
             "label": t.label, "role": t.role, "kind": t.kind, "text": t.text, "image_ids": list(t.image_ids),
             **_span(t.span), **_span(t.marker_span, "marker")}
            for t in doc.turns
        ],
        "exchanges": [
            {**key, "id": q.id, "question_turn_ids": list(q.question_turn_ids),
             "answer_turn_ids": list(q.answer_turn_ids), "outlet_id": q.outlet_id, "follows": q.follows}
            for q in doc.exchanges
        ],
        "participants": [
            {**key, "id": p.id, "name": p.name, "label": p.label, "role": p.role, "title": p.title,
             "organization": p.organization, "honorific": p.honorific, "outlet_id": p.outlet_id}
            for p in doc.participants
        ],
        "outlets": [{**key, "id": o.id, "name": o.name, "kind": o.kind} for o in doc.outlets],
        "contacts": [
            {**key, "id": c.id, "kind": c.kind, "raw": c.raw, "e164": c.e164, "owner": c.owner,
             "turn_id": c.turn_id, **_span(c.span)}
            for c in doc.contacts
        ],
        "images": [
            {**key, "id": i.id, "filename": i.filename, "src": i.src, "alt": i.alt,
             "captured_at": i.captured_at, "turn_id": i.turn_id, **_span(i.span)}
            for i in doc.images
        ],
        "diagnostics": [
            {**key, "index": n, "code": d.code, "severity": d.severity, "message": d.message,
             **_span(d.span)}
            for n, d in enumerate(doc.diagnostics)
        ],
    }


def _span(span: Span | None, prefix: str = "span") -> Row:
    return {f"{prefix}_start": span.start if span else None, f"{prefix}_end": span.end if span else None}


def encode_cell(value: Any, kind: ColumnType) -> str:
    """A cell as CSV text: '' for null (so '' and null read back alike), ISO 8601 for dates and times,
    a JSON array for lists."""
    if value is None:
        return ""
    if kind == "strings":
        return orjson.dumps(value).decode()
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def sha256_file(path: Path) -> str:
    """SHA-256 of a file, read in blocks so big shards never sit in memory."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# A file name's longest length in bytes on the usual filesystems (ext4, XFS, btrfs, tmpfs, NTFS in UTF-16 units).
NAME_MAX = 255


def temp_path(path: Path) -> Path:
    """Where `path` is written before the rename that makes it appear complete (short whatever the name)."""
    digest = hashlib.sha256(os.fsencode(path.name)).hexdigest()[:16]
    return path.with_name(f".{digest}.{os.getpid()}.tmp")


def fit_name(relative: str) -> str:
    """`relative` with a last part too long for a file name cut and told apart by a hash of the whole
    (a 300-byte page name → its first 230 bytes + '~' + 16 hex digits + its suffix)."""
    head, _, name = relative.rpartition("/")
    raw = os.fsencode(name)
    if len(raw) <= NAME_MAX:
        return relative
    suffix = os.fsencode(Path(name).suffix)[:16]
    mark = b"~" + hashlib.sha256(raw).hexdigest()[:16].encode() + suffix
    kept = raw[: NAME_MAX - len(mark)].decode("utf-8", "ignore").encode()  # not inside a character
    fitted = os.fsdecode(kept + mark)
    return f"{head}/{fitted}" if head else fitted


def write_atomically(path: Path, data: bytes) -> None:
    """Write a whole file so readers see either nothing or all of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = temp_path(path)
    temp.write_bytes(data)
    os.replace(temp, path)


class Unwritable(ValueError):
    """One page's rows do not fit the output (a value outside its column's type, text that cannot be encoded)."""


class ShardWriter(Protocol):
    """Receives pages (`add` raises Unwritable for a page it cannot hold, and holds none of it), then either
    commits its files (renamed into place) or aborts them."""

    def add(self, document: bytes | None, tables: Tables | None) -> None: ...

    def commit(self) -> dict[str, str]: ...

    def abort(self) -> None: ...


class Files:
    """The files of one shard, written as temporary files beside their names: a commit closes them, renames
    each into place and gives their SHA-256 by path (relative to the output folder); an abort removes them."""

    def __init__(self) -> None:
        self.files: dict[str, tuple[Path, Path, Any]] = {}  # relative name → (path, temp, open handle or writer)

    def open(self, out: Path, relative: str, opener: Callable[[Path], Any]) -> Any:
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = temp_path(path)
        handle = opener(temp)
        self.files[relative] = (path, temp, handle)
        return handle

    def commit(self) -> dict[str, str]:
        digests = {}
        for relative, (path, temp, handle) in self.files.items():
            handle.close()
            digests[relative] = sha256_file(temp)
            os.replace(temp, path)
        return digests

    def abort(self) -> None:
        for _path, temp, handle in self.files.values():
            # the disk that made the run stop may refuse the last write too: the file goes anyway
            with contextlib.suppress(OSError):
                handle.close()
            temp.unlink(missing_ok=True)


class JsonlShard(Files):
    """One JSON Briefing per line, streamed into a temp file."""

    def __init__(self, out: Path, name: str) -> None:
        super().__init__()
        self.handle: IO[bytes] = self.open(out, f"{name}.jsonl", lambda temp: temp.open("wb"))

    def add(self, document: bytes | None, tables: Tables | None) -> None:
        if document is not None:
            self.handle.write(document + b"\n")


class CsvShard(Files):
    """One CSV file per table (header first), each page's rows encoded whole, then streamed into temp files."""

    def __init__(self, out: Path, name: str) -> None:
        super().__init__()
        self.handles: dict[str, IO[bytes]] = {}
        for table, columns in TABLES.items():
            self.handles[table] = self.open(out, f"{table}/{name}.csv", lambda temp: temp.open("wb"))
            self.handles[table].write(_csv_bytes([[column for column, _ in columns]]))

    def add(self, document: bytes | None, tables: Tables | None) -> None:
        encoded = {table: _csv_bytes([encode_cell(row[c], kind) for c, kind in TABLES[table]] for row in rows)
                   for table, rows in (tables or {}).items()}
        for table, data in encoded.items():
            self.handles[table].write(data)


def _csv_bytes(rows: Iterable[list[str]]) -> bytes:
    text = io.StringIO(newline="")
    csv.writer(text).writerows(rows)
    try:
        return text.getvalue().encode("utf-8")
    except UnicodeEncodeError as error:
        raise Unwritable(f"text that UTF-8 cannot encode: {error}") from error


@cache
def arrow_schema(table: str) -> Any:
    """The pyarrow schema of one table (pyarrow is imported here, only when Parquet is asked for)."""
    import pyarrow as pa

    types = {
        "string": pa.string(), "int": pa.int64(), "date": pa.date32(),
        "timestamp": pa.timestamp("us", tz="+08:00"), "strings": pa.list_(pa.string()),
    }
    return pa.schema([(column, types[kind]) for column, kind in TABLES[table]])


class ParquetShard(Files):
    """One Parquet file per table; each page's rows are made Arrow columns on arrival (so a value that does not
    fit is that page's problem), and flushed as row groups every `pages_per_group` pages."""

    def __init__(self, out: Path, name: str, pages_per_group: int = 64) -> None:
        import pyarrow.parquet as pq

        super().__init__()
        self.pages_per_group, self.pending_pages = pages_per_group, 0
        self.buffers: dict[str, list[Any]] = {table: [] for table in TABLES}
        self.writers = {table: self.open(out, f"{table}/{name}.parquet",
                                         partial(pq.ParquetWriter, schema=arrow_schema(table), compression="zstd"))
                        for table in TABLES}

    def add(self, document: bytes | None, tables: Tables | None) -> None:
        import pyarrow as pa

        if tables is None:
            return
        try:
            converted = {table: pa.Table.from_pylist(rows, schema=arrow_schema(table))
                         for table, rows in tables.items() if rows}
        except (pa.ArrowException, OverflowError, ValueError, TypeError) as error:
            raise Unwritable(f"{type(error).__name__}: {error}") from error
        for table, columns in converted.items():
            self.buffers[table].append(columns)
        self.pending_pages += 1
        if self.pending_pages >= self.pages_per_group:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        for table, parts in self.buffers.items():
            if parts:
                self.writers[table].write_table(pa.concat_tables(parts))
            self.buffers[table] = []
        self.pending_pages = 0

    def commit(self) -> dict[str, str]:
        self._flush()
        return super().commit()


def rewrite_without(path: Path, pages: list[str], drop: set[str]) -> str:
    """Atomically rewrite a committed shard file without the rows of the `drop` pages; its new SHA-256."""
    temp = temp_path(path)
    if path.suffix == ".jsonl":
        # A line carries no page id: lines follow `pages`, the pages the manifest lists for this file.
        with path.open("rb") as source, temp.open("wb") as target:
            for page, line in zip(pages, source, strict=True):
                if page not in drop:
                    target.write(line)
    elif path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as source, temp.open("w", encoding="utf-8", newline="") as target:
            rows, writer = csv.reader(source), csv.writer(target)
            header = next(rows)
            writer.writerow(header)
            key = header.index("document_id")
            writer.writerows(row for row in rows if row[key] not in drop)
    else:
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        table = pq.read_table(path)
        kept = table.filter(pc.invert(pc.is_in(table["document_id"], value_set=pa.array(sorted(drop), pa.string()))))
        # written as ParquetShard writes (no empty row group), so the file matches a fresh one of the
        # same pages, up to where row groups end
        with pq.ParquetWriter(temp, arrow_schema(path.parent.name), compression="zstd") as writer:
            if kept.num_rows:
                writer.write_table(kept)
    digest = sha256_file(temp)
    os.replace(temp, path)
    return digest


SHARD_WRITERS: Mapping[str, type[JsonlShard] | type[CsvShard] | type[ParquetShard]] = {
    "jsonl": JsonlShard, "csv": CsvShard, "parquet": ParquetShard,
}


def read_csv_table(path: Path) -> list[Row]:
    """Read one CSV table back with its cells decoded to the column types (for checks and notebooks)."""
    table = path.parent.name
    kinds = dict(TABLES[table])
    with path.open(encoding="utf-8", newline="") as handle:
        return [{c: decode_cell(v, kinds[c]) for c, v in row.items()} for row in csv.DictReader(handle)]


def decode_cell(text: str, kind: ColumnType) -> Any:
    """The inverse of `encode_cell`."""
    if text == "":
        return [] if kind == "strings" else None
    if kind == "int":
        return int(text)
    if kind == "strings":
        return orjson.loads(text)
    if kind == "date":
        return date.fromisoformat(text)
    if kind == "timestamp":
        return datetime.fromisoformat(text)
    return text


def dumps_document(doc: Briefing) -> bytes:
    """Canonical JSON of a Briefing, via orjson (same bytes as `model_dump_json`, faster)."""
    return orjson.dumps(doc.model_dump())

