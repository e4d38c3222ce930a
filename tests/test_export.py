"""Flat tables: one function derives them from the model; Parquet and CSV read back to the same rows."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import orjson
import pytest
from batch_pages import FOLDER_IDS, SEED, make_folder

from briefing_parser.batch import convert_to
from briefing_parser.export import TABLES, decode_cell, encode_cell, read_csv_table, tabulate
from briefing_parser.pipeline import parse
from briefing_parser.schema import Briefing
from briefing_parser.validate import check_document, check_file, json_path

SHANGHAI = timezone(timedelta(hours=8))


@pytest.fixture(scope="module")
def seed() -> Briefing:
    return parse(SEED)


def test_seed_tables_mirror_the_model(seed: Briefing) -> None:
    tables = tabulate(seed, "seed")
    assert list(tables) == list(TABLES)
    for table, rows in tables.items():
        assert all(list(row) == [c for c, _ in TABLES[table]] for row in rows), table
    counts = {table: len(rows) for table, rows in tables.items()}
    assert counts == {
        "briefings": 1, "turns": 9, "exchanges": 2, "participants": len(seed.participants),
        "outlets": len(seed.outlets), "contacts": len(seed.contacts), "images": len(seed.images),
        "diagnostics": len(seed.diagnostics),
    }
    (briefing,) = tables["briefings"]
    assert briefing["sha256"] == seed.source.sha256
    assert briefing["published"] == date(2023, 3, 31)
    assert briefing["held_on"] == date(2023, 3, 31)
    assert (briefing["turn_count"], briefing["exchange_count"], briefing["error_count"]) == (9, 2, 0)
    assert briefing["text"] == seed.text
    for row, turn in zip(tables["turns"], seed.turns, strict=True):
        assert (row["document_id"], row["id"], row["index"], row["label"], row["role"], row["kind"]) == (
            "seed", turn.id, turn.index, turn.label, turn.role, turn.kind)
        assert (row["text"], row["image_ids"], row["at"]) == (turn.text, turn.image_ids, turn.at)
        assert (row["span_start"], row["span_end"]) == (turn.span.start, turn.span.end)
    for row, exchange in zip(tables["exchanges"], seed.exchanges, strict=True):
        assert row["question_turn_ids"] == exchange.question_turn_ids
        assert row["answer_turn_ids"] == exchange.answer_turn_ids
        assert row["outlet_id"] == exchange.outlet_id
    image = tables["images"][0]
    assert image["filename"] == seed.images[0].filename
    assert image["captured_at"] == seed.images[0].captured_at
    for row, contact in zip(tables["contacts"], seed.contacts, strict=True):
        assert (row["raw"], row["e164"], row["turn_id"]) == (contact.raw, contact.e164, contact.turn_id)


def test_seed_rows_exact_values(seed: Briefing) -> None:
    tables = tabulate(seed, "seed")
    assert [r["id"] for r in tables["turns"]] == [f"t{n}" for n in range(1, 10)]
    assert tables["images"][0]["captured_at"] == datetime(2023, 3, 31, 12, 19, 1, tzinfo=SHANGHAI)
    assert {(c["raw"], c["e164"]) for c in tables["contacts"]} >= {("6991152", "+865386991152")}


@pytest.mark.parametrize(("value", "kind", "text"), [
    (None, "string", ""), ("a,b", "string", "a,b"), (3, "int", "3"), (["t1", "t2"], "strings", '["t1","t2"]'),
    ([], "strings", "[]"), (date(2023, 3, 31), "date", "2023-03-31"),
    (datetime(2023, 3, 31, 10, 1, tzinfo=SHANGHAI), "timestamp", "2023-03-31T10:01:00+08:00"),
])
def test_csv_cells_round_trip(value: Any, kind: Any, text: str) -> None:
    assert encode_cell(value, kind) == text
    assert decode_cell(text, kind) == value


def _expected_rows(folder: Path) -> dict[str, list[dict[str, Any]]]:
    expected: dict[str, list[dict[str, Any]]] = {table: [] for table in TABLES}
    for page_id in FOLDER_IDS:
        for table, rows in tabulate(parse(folder.parent / page_id), page_id).items():
            expected[table] += rows
    return expected


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Path]]:
    root = tmp_path_factory.mktemp("export")
    folder = make_folder(root)
    outs = {}
    for fmt in ("parquet", "csv", "jsonl", "json"):
        outs[fmt] = root / fmt
        convert_to([folder], outs[fmt], fmt=fmt, jobs=2, shard_size=4)  # type: ignore[arg-type]
    return folder, outs


def test_parquet_reads_back_to_the_same_rows(converted: tuple[Path, dict[str, Path]]) -> None:
    import pyarrow.parquet as pq

    folder, outs = converted
    expected = _expected_rows(folder)
    for table in TABLES:
        assert len(list((outs["parquet"] / table).glob("part-*.parquet"))) == 2  # 7 pages, 4 per shard
        rows = pq.read_table(outs["parquet"] / table).to_pylist()  # a folder of parts reads as one table
        rows.sort(key=lambda r: FOLDER_IDS.index(r["document_id"]))  # dataset order is by part, stable sort
        assert rows == expected[table], table
    seed_turns = [r for r in expected["turns"] if r["document_id"] == "pages/taian-2023-03-31.txt"]
    assert len(seed_turns) == 9


def test_csv_reads_back_to_the_same_rows(converted: tuple[Path, dict[str, Path]]) -> None:
    folder, outs = converted
    expected = _expected_rows(folder)
    for table in TABLES:
        rows = [row for part in sorted((outs["csv"] / table).glob("part-*.csv")) for row in read_csv_table(part)]
        # CSV cannot tell an empty string from null: both are an empty cell.
        want = [{k: (None if v == "" else v) for k, v in row.items()} for row in expected[table]]
        assert rows == want, table


def test_jsonl_and_json_hold_the_briefings(converted: tuple[Path, dict[str, Path]]) -> None:
    folder, outs = converted
    lines = [line for part in sorted(outs["jsonl"].glob("part-*.jsonl")) for line in part.read_bytes().splitlines()]
    for line, page_id in zip(lines, FOLDER_IDS, strict=True):
        doc = Briefing.model_validate_json(line)
        assert doc == parse(folder.parent / page_id)
        json_file = outs["json"] / f"{page_id}.json"
        assert orjson.loads(json_file.read_bytes()) == orjson.loads(line)


def test_validate_accepts_every_output(converted: tuple[Path, dict[str, Path]]) -> None:
    _, outs = converted
    files = [*outs["jsonl"].glob("part-*.jsonl"), *outs["json"].rglob("*.json")]
    assert len(files) == 2 + 7
    assert all(problems == [] for file in files for problems in check_file(file))


def test_json_paths() -> None:
    assert json_path(("turns", 3, "role")) == "$.turns[3].role"
    assert json_path(("source",), "$[2]") == "$[2].source"
    assert json_path(("weird key",)) == '$["weird key"]'


def test_validate_names_the_bad_field(seed: Briefing) -> None:
    document = orjson.loads(seed.model_dump_json())
    document["turns"][3]["role"] = "speaker"
    document["exchanges"][1]["question_turn_ids"] = "t5"
    del document["source"]["sha256"]
    document["colour"] = "red"
    problems = check_document(document, "x.json")
    assert sorted(p.path for p in problems) == [
        "$.colour", "$.exchanges[1].question_turn_ids", "$.source.sha256", "$.turns[3].role"]
    role = next(p for p in problems if p.path == "$.turns[3].role")
    assert str(role).startswith("x.json: $.turns[3].role: Input should be 'host', 'official'")
