"""Flat tables derived from the model (`TABLES`, `tabulate`), the shard writers for jsonl, csv and parquet,
and `read_table`."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import logging
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache, partial
from operator import attrgetter
from pathlib import Path
from types import UnionType
from typing import IO, Any, Literal, Protocol, get_args, get_origin

import orjson
from pydantic import BaseModel

from .schema import LEAN, Affiliation, Briefing, Organization, Person

log = logging.getLogger(__name__)

ColumnType = Literal["string", "int", "date", "timestamp", "strings"]
Row = dict[str, Any]
Tables = dict[str, list[Row]]

# The tables are derived from the model (schema.py), the one definition of the output's fields: the
# Briefing is one row of `briefings`; each list of models in it (turns, exchanges, …, and the parts of an
# exchange) is a table of its own; a nested model's fields become columns with a prefix (span → span_start,
# span_end; marker_span → marker_start; series → series_name), a list of strings one list column.
NESTED_PREFIX = {"source": ""}  # source's fields are the briefing's own columns (uri, sha256, …)
# Ids that name a row of another table, and the column that gives that row's archive-wide key.
REFERENCES = {"participant_id": "participant_key", "outlet_id": "outlet_key", "turn_id": "turn_key",
              "follows": "follows_key"}
SCALARS: dict[Any, ColumnType] = {str: "string", int: "int", date: "date", datetime: "timestamp"}


@dataclass(frozen=True, slots=True)
class Item:
    """What one row stands for: a model value (as dumped) in one document, with its archive-wide key."""

    document_id: str
    key: str
    parent_key: str | None
    position: int
    value: Row
    lookup: Lookup


@dataclass(frozen=True, slots=True)
class Column:
    """A typed column: `get` gives its cell for an item; `path` says which model field it holds (field
    names from the item down), and is empty for keys and computed columns."""

    name: str
    kind: ColumnType
    get: Callable[[Item], Any] = field(repr=False, compare=False)
    path: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Table:
    """A table: the list fields from the Briefing down to its items (`()` for `briefings`), its columns."""

    name: str
    path: tuple[str, ...]
    columns: tuple[Column, ...]


class Lookup:
    """The parts of one dumped Briefing by id, for the computed columns."""

    def __init__(self, data: Row) -> None:
        self.turns = {t["id"]: t for t in data["turns"]}
        self.participants = {p["id"]: p for p in data["participants"]}
        self.outlets = {o["id"]: o for o in data["outlets"]}

    def texts(self, turn_ids: list[str]) -> str | None:
        """The words of these turns, a line apart; None for no turn."""
        return "\n".join(self.turns[t]["text"] for t in turn_ids) if turn_ids else None

    def speakers(self, turn_ids: list[str], field: str = "name") -> list[str]:
        """The names (or another field: person_id) of those who speak these turns, each once, in order (unnamed
        speakers left out)."""
        names = (self.participants.get(self.turns[t]["participant_id"] or "", {}).get(field) for t in turn_ids)
        return list(dict.fromkeys(n for n in names if n))


# Columns a person asks for that the model holds only by reference: what each exchange asks and answers,
# the outlet and the people by name ("which outlet asked what, and who answered" in one table).
COMPUTED: dict[str, tuple[tuple[str, ColumnType, Callable[[Row, Lookup], Any]], ...]] = {
    "briefings": (
        ("turn_count", "int", lambda b, _: len(b["turns"])),
        ("exchange_count", "int", lambda b, _: len(b["exchanges"])),
        ("error_count", "int", lambda b, _: sum(d["severity"] == "error" for d in b["diagnostics"])),
    ),
    "exchanges": (
        ("question", "string", lambda x, by_id: by_id.texts(x["question_turn_ids"])),
        ("answer", "string", lambda x, by_id: by_id.texts(x["answer_turn_ids"])),
        ("outlet", "string", lambda x, by_id: by_id.outlets[x["outlet_id"]]["name"] if x["outlet_id"] else None),
        ("asker", "string", lambda x, by_id: next(iter(by_id.speakers(x["question_turn_ids"])), None)),
        ("answerers", "strings", lambda x, by_id: by_id.speakers(x["answer_turn_ids"])),
        # Registry ids: questions per outlet, or answers per spokesperson, across every page in one group-by.
        ("organization_id", "string",
         lambda x, by_id: by_id.outlets[x["outlet_id"]]["organization_id"] if x["outlet_id"] else None),
        ("answerer_person_ids", "strings", lambda x, by_id: by_id.speakers(x["answer_turn_ids"], "person_id")),
    ),
}


def derive_tables() -> dict[str, Table]:
    """Every table and its columns, from the model."""
    tables: dict[str, Table] = {}

    def visit(name: str, model: type[BaseModel], path: tuple[str, ...], parent: str | None) -> None:
        columns = [Column("document_id", "string", attrgetter("document_id")),
                   Column("key", "string", attrgetter("key"))]
        if parent is not None and len(path) > 1:  # items of items: their parent's key (exchange_key)
            columns.append(Column(f"{parent.removesuffix('s')}_key", "string", attrgetter("parent_key")))
        if path and not {"id", "index"} & set(model.model_fields):  # items known by position (segments)
            columns.append(Column("index", "int", attrgetter("position")))
        children: list[tuple[str, type[BaseModel]]] = []
        columns += _model_columns(model, (), "", children)
        columns += [Column(column, kind, partial(_computed, compute))
                    for column, kind, compute in COMPUTED.get(name, ())]
        tables[name] = Table(name, path, tuple(columns))
        for child, child_model in children:
            visit(child, child_model, (*path, child), name)

    visit("briefings", Briefing, (), None)
    return tables


def _model_columns(model: type[BaseModel], path: tuple[str, ...], prefix: str,
                   children: list[tuple[str, type[BaseModel]]]) -> list[Column]:
    columns = []
    for name, info in model.model_fields.items():
        kind = _without_none(info.annotation)
        at = (*path, name)
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            nested = prefix + NESTED_PREFIX.get(name, name.removesuffix("_span") + "_")
            columns += _model_columns(kind, at, nested, children)
        elif get_origin(kind) is list and issubclass(get_args(kind)[0], BaseModel):
            children.append((name, get_args(kind)[0]))
        else:
            columns.append(Column(prefix + name, _column_type(kind, ".".join(at)), partial(_field, at), at))
            if not path and name in REFERENCES:
                columns.append(Column(REFERENCES[name], "string", partial(_reference, name)))
    return columns


def _without_none(annotation: Any) -> Any:
    if isinstance(annotation, UnionType):
        (kind,) = [a for a in get_args(annotation) if a is not type(None)]
        return kind
    return annotation


def _column_type(kind: Any, where: str) -> ColumnType:
    if get_origin(kind) is Literal and all(isinstance(a, str) for a in get_args(kind)):
        return "string"
    if get_origin(kind) is list and get_args(kind) == (str,):
        return "strings"
    if kind in SCALARS:
        return SCALARS[kind]
    raise TypeError(f"no table column type for the model field {where} ({kind})")


def _field(path: tuple[str, ...], item: Item) -> Any:
    value: Any = item.value
    for name in path:
        value = value[name]
        if value is None:
            return None
    return value


def _reference(name: str, item: Item) -> str | None:
    target = item.value[name]
    return f"{item.document_id}#{target}" if target is not None else None


def _computed(compute: Callable[[Row, Lookup], Any], item: Item) -> Any:
    return compute(item.value, item.lookup)


TABLES: dict[str, Table] = derive_tables()


def flat_table(name: str, model: type[BaseModel], lead: tuple[Column, ...] = ()) -> Table:
    """A table of one row per model value: its scalar fields, after the `lead` columns (its lists of models are
    tables of their own)."""
    return Table(name, (), (*lead, *_model_columns(model, (), "", [])))


# A conversion's registry (registry.py) as tables: people, their affiliations over time, organizations.
REGISTRY_TABLES: dict[str, Table] = {
    "people": flat_table("people", Person),
    "affiliations": flat_table("affiliations", Affiliation,
                               (Column("person_id", "string", partial(_field, ("person_id",))),)),
    "organizations": flat_table("organizations", Organization),
}


def _columns(table: str) -> tuple[Column, ...]:
    return (TABLES.get(table) or REGISTRY_TABLES[table]).columns


def tabulate(doc: Briefing, document_id: str) -> Tables:
    """The rows of every table in `TABLES` for one Briefing. Every row has a `key` unique across an archive:
    the page's `document_id`, then `#` and the item's id (`pages/a.html#t3`) or its list and position
    (`#segments[4]`, `#q2/parts[1]`)."""
    data = doc.model_dump()
    root = Item(document_id, document_id, None, 0, data, Lookup(data))
    return {name: [{c.name: c.get(item) for c in table.columns} for item in _items(root, table.path)]
            for name, table in TABLES.items()}


def _items(parent: Item, path: tuple[str, ...]) -> Iterator[Item]:
    if not path:
        yield parent
        return
    for position, value in enumerate(parent.value[path[0]]):
        local = value.get("id") or f"{path[0]}[{value.get('index', position)}]"
        key = f"{parent.key}{'/' if parent.parent_key else '#'}{local}"
        yield from _items(Item(parent.document_id, key, parent.key, position, value, parent.lookup), path[1:])


def encode_cell(value: Any, kind: ColumnType) -> str | None:
    """A cell as CSV text: None for null (written as an empty cell, where an empty string is `""`),
    ISO 8601 for dates and times, a JSON array for lists."""
    if value is None:
        return None
    if kind == "strings":
        return orjson.dumps(value).decode()
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def csv_line(cells: list[str | None], kinds: list[ColumnType]) -> str:
    """One CSV record: null unquoted and empty, numbers bare, every other value quoted (so `""` is the empty
    string, as PostgreSQL, DuckDB and pyarrow read it)."""
    return ",".join("" if cell is None else cell if kind == "int" else '"' + cell.replace('"', '""') + '"'
                    for cell, kind in zip(cells, kinds, strict=True)) + "\r\n"


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
        for table in TABLES.values():
            handle = self.open(out, f"{table.name}/{name}.csv", lambda temp: temp.open("wb"))
            handle.write(_utf8(",".join(c.name for c in table.columns) + "\r\n"))
            self.handles[table.name] = handle

    def add(self, document: bytes | None, tables: Tables | None) -> None:
        # Every table's rows of the page are encoded before any is written: a page goes in whole or not at all.
        encoded = {}
        for name, rows in (tables or {}).items():
            columns = TABLES[name].columns
            kinds = [c.kind for c in columns]
            encoded[name] = _utf8("".join(csv_line([encode_cell(row[c.name], c.kind) for c in columns], kinds)
                                          for row in rows))
        for name, data in encoded.items():
            self.handles[name].write(data)


def _utf8(text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as error:  # a lone surrogate
        raise Unwritable(f"text that UTF-8 cannot encode: {error}") from error


PANDAS_METADATA_VERSION = "2.0.0"  # the pandas metadata format pyarrow reads


@cache
def arrow_schema(table: str) -> Any:
    """The pyarrow schema of one table (pyarrow is imported here, only when Parquet is asked for). Its
    pandas metadata makes `to_pandas()` and `pandas.read_parquet` give nullable integers (Int64) and dates
    (date32), not floats and objects."""
    import pyarrow as pa

    types = {
        "string": pa.string(), "int": pa.int64(), "date": pa.date32(),
        "timestamp": pa.timestamp("us", tz="+08:00"), "strings": pa.list_(pa.string()),
    }
    pandas_types = {"int": ("int64", "Int64"), "date": ("date", "date32[day][pyarrow]")}
    columns = _columns(table)
    pandas = {"index_columns": [], "column_indexes": [], "pandas_version": PANDAS_METADATA_VERSION, "columns": [
        {"name": c.name, "field_name": c.name, "pandas_type": pandas_types[c.kind][0],
         "numpy_type": pandas_types[c.kind][1], "metadata": None} for c in columns if c.kind in pandas_types]}
    return pa.schema([(c.name, types[c.kind]) for c in columns], metadata={"pandas": orjson.dumps(pandas)})


def write_table(path: Path, table: str, rows: list[Row]) -> None:
    """Write one whole table of `TABLES` or `REGISTRY_TABLES` as a Parquet or CSV file (by the suffix of
    `path`), atomically."""
    if path.suffix == ".csv":
        columns = _columns(table)
        kinds = [c.kind for c in columns]
        write_atomically(path, _utf8(",".join(c.name for c in columns) + "\r\n" + "".join(
            csv_line([encode_cell(row[c.name], c.kind) for c in columns], kinds) for row in rows)))
        return
    import pyarrow as pa
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    temp = temp_path(path)
    pq.write_table(pa.Table.from_pylist(rows, schema=arrow_schema(table)), temp, compression="zstd")
    os.replace(temp, path)


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
        # Records are copied as written (a null stays an empty cell, an empty string `""`).
        with path.open(encoding="utf-8", newline="") as source, temp.open("w", encoding="utf-8", newline="") as target:
            records = csv_records(source)
            target.write(next(records))
            target.writelines(r for r in records if next(csv.reader([r]))[0] not in drop)  # document_id first
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


def csv_records(lines: IO[str]) -> Iterator[str]:
    """The records of a CSV file as written, line ends included: a quoted cell may hold line breaks, so a
    record ends at the first line end where the quotes seen are even."""
    record = ""
    for line in lines:
        record += line
        if record.count('"') % 2 == 0:
            yield record
            record = ""
    if record:
        yield record


SHARD_WRITERS: Mapping[str, type[JsonlShard] | type[CsvShard] | type[ParquetShard]] = {
    "jsonl": JsonlShard, "csv": CsvShard, "parquet": ParquetShard,
}


def read_table(path: str | os.PathLike[str], columns: list[str] | None = None) -> Any:
    """A table as one pyarrow Table, with the column types: a folder of part files (`out/turns`) or one
    part file, Parquet or CSV; only the `columns` named, if given. `.to_pandas()` gives a DataFrame
    (nullable integers, dates, times at +08:00, None apart from the empty string)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    parts = sorted(path.glob("part-*.csv")) if path.is_dir() else [path] if path.suffix == ".csv" else []
    if not parts:
        return pq.read_table(path, columns=columns)
    schema = arrow_schema(path.name if path.is_dir() else path.parent.name)
    table = pa.concat_tables([_read_csv_part(part, schema) for part in parts]) if len(parts) > 1 else \
        _read_csv_part(parts[0], schema)
    return table.select(columns) if columns is not None else table


def _read_csv_part(path: Path, schema: Any) -> Any:
    import pyarrow as pa
    import pyarrow.csv as pcsv

    lists = [f.name for f in schema if pa.types.is_list(f.type)]
    options = pcsv.ConvertOptions(
        column_types={f.name: pa.string() if f.name in lists else f.type for f in schema},
        strings_can_be_null=True, quoted_strings_can_be_null=False)
    # Cells hold line breaks: without saying so, a file longer than pyarrow's block (1 MB) is cut inside one.
    table = pcsv.read_csv(path, parse_options=pcsv.ParseOptions(newlines_in_values=True), convert_options=options)
    for name in lists:  # JSON arrays in the file
        cells = [orjson.loads(cell) for cell in table[name].to_pylist()]
        table = table.set_column(table.schema.get_field_index(name), name, pa.array(cells, pa.list_(pa.string())))
    return table.replace_schema_metadata(schema.metadata)


def read_csv_table(path: Path) -> list[Row]:
    """One CSV part file's rows, each cell of its column's type (for checks)."""
    rows: list[Row] = read_table(path).to_pylist()
    return rows


def dumps_document(doc: Briefing, lean: bool = False) -> bytes:
    """Canonical JSON of a Briefing, via orjson (same bytes as `model_dump_json`, faster); `lean` leaves out
    what the spans rebuild (`schema.LEAN`: the turns' text and paragraphs)."""
    return orjson.dumps(doc.model_dump(exclude=LEAN if lean else None))

