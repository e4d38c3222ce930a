"""Flat tables: derived from the model with no field lost, keys unique across an archive, typed columns that
Parquet and CSV read back alike (pandas, pyarrow), the exchanges in words."""

from __future__ import annotations

import io
import shutil
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import orjson
import pytest
from batch_pages import CORPUS, FIXTURES, FOLDER_IDS, SEED, make_folder

from briefing_parser import read_table
from briefing_parser.batch import convert_to
from briefing_parser.export import (
    TABLES,
    CsvShard,
    csv_line,
    csv_records,
    encode_cell,
    read_csv_table,
    rewrite_without,
    tabulate,
)
from briefing_parser.pipeline import parse
from briefing_parser.schema import Briefing
from briefing_parser.validate import check_document, check_file, json_path

SHANGHAI = timezone(timedelta(hours=8))
REAL_PAGES = [SEED, FIXTURES / "taian-2023-03-31.html", *sorted(CORPUS.iterdir()),
              *sorted((FIXTURES / "wild").glob("d*.txt"))]


@pytest.fixture(scope="module")
def seed() -> Briefing:
    return parse(SEED)


def rebuild(tables: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """The dumped Briefing again, from its tables alone: each model column put back where its path says,
    each row into the list of the row its key names (`doc#q2/parts[1]` into `doc#q2`)."""
    items: dict[str, dict[str, Any]] = {}
    for table in TABLES.values():  # a table comes after the table of its parents
        lists = [t.path[-1] for t in TABLES.values() if t.path[:-1] == table.path and t.path]
        for row in tables[table.name]:
            value: dict[str, Any] = {name: [] for name in lists}
            for column in table.columns:
                if column.path:
                    target = value
                    for name in column.path[:-1]:
                        target = target.setdefault(name, {})
                    target[column.path[-1]] = row[column.name]
            for name, nested in list(value.items()):  # a nested model that was None (series, marker_span)
                if isinstance(nested, dict) and all(v is None for v in nested.values()):
                    value[name] = None
            if table.path:
                parent = row["document_id"] if len(table.path) == 1 else row["key"].rpartition("/")[0]
                items[parent][table.path[-1]].append(value)
            items[row["key"]] = value
    return items[tables["briefings"][0]["key"]]


@pytest.mark.parametrize("page", REAL_PAGES, ids=lambda p: p.name)
def test_tables_hold_every_field_of_the_model(page: Path) -> None:
    doc = parse(page)
    tables = tabulate(doc, f"pages/{page.name}")
    assert list(tables) == list(TABLES)
    for name, rows in tables.items():
        assert all(list(row) == [c.name for c in TABLES[name].columns] for row in rows), name
    assert rebuild(tables) == doc.model_dump()
    assert Briefing.model_validate(rebuild(tables)) == doc


def test_seed_rows_exact_values(seed: Briefing) -> None:
    tables = tabulate(seed, "seed")
    counts = {table: len(rows) for table, rows in tables.items()}
    assert counts == {"briefings": 1, "participants": 6, "outlets": 2, "turns": 9, "exchanges": 2, "parts": 0,
                      "contacts": 1, "images": 5, "segments": len(seed.segments), "diagnostics": 0}
    (briefing,) = tables["briefings"]
    assert (briefing["key"], briefing["published"], briefing["held_on"]) == ("seed", date(2023, 3, 31),
                                                                             date(2023, 3, 31))
    assert (briefing["turn_count"], briefing["exchange_count"], briefing["error_count"]) == (9, 2, 0)
    assert (briefing["series_name"], briefing["series_number"]) == ("坚定不移推动高质量发展", 9)
    assert [r["key"] for r in tables["turns"]] == [f"seed#t{n}" for n in range(1, 10)]
    assert tables["turns"][0]["paragraphs"] == seed.turns[0].paragraphs
    assert tables["images"][0]["captured_at"] == datetime(2023, 3, 31, 12, 19, 1, tzinfo=SHANGHAI)
    assert (tables["images"][0]["turn_key"], tables["contacts"][0]["turn_key"]) == ("seed#t1", "seed#t9")
    assert [(c["raw"], c["e164"], c["owner"]) for c in tables["contacts"]] == [
        ("6991152", "+865386991152", "市科技局机关党委")]
    segments = tables["segments"]
    assert [(s["key"], s["index"]) for s in segments[:2]] == [("seed#segments[0]", 0), ("seed#segments[1]", 1)]
    assert [(s["kind"], s["span_start"], s["span_end"]) for s in segments] == [
        (s.kind, s.span.start, s.span.end) for s in seed.segments]


def test_exchanges_say_who_asked_what_and_who_answered(seed: Briefing) -> None:
    q1, q2 = tabulate(seed, "seed")["exchanges"]
    assert (q1["outlet"], q1["outlet_key"], q1["answerers"]) == ("山东商报", "seed#o1", ["柳斌"])
    assert (q2["outlet"], q2["answerers"]) == ("大众网", ["徐海鹏"])
    assert q1["question"] == seed.turn("t5").text
    assert q1["question"].startswith("前段时间,我市举办了“百名专家泰安行 百家企业进院所”行动启动仪式")
    assert q1["answer"] == seed.turn("t6").text
    assert q1["asker"] is None  # the label names the outlet only
    page = CORPUS / "en-2020-03-26-t1761753.html"
    rows = tabulate(parse(page), page.name)["exchanges"]
    assert [(x["outlet"], x["answerers"]) for x in rows] == [
        ("The Paper", ["Geng Shuang"]), ("AFP", ["Geng Shuang"]), ("NHK", ["Geng Shuang"]),
        ("Reuters", ["Geng Shuang"])]
    assert rows[1]["question"].startswith("Just one follow-up question on Secretary of State Pompeo's")
    macau = tabulate(parse(FIXTURES / "wild" / "d45.txt"), "d45")["exchanges"]
    assert [x["asker"] for x in macau] == ["陳虹", "黃潔貞", "黃潔貞", "李靜儀", "梁孫旭"]
    assert all(x["answerers"] == ["黃少澤"] for x in macau)


def test_parts_of_a_question_are_rows_keyed_under_their_exchange() -> None:
    page = CORPUS / "en-2019-07-04-t1678570.html"
    doc = parse(page)
    parts = tabulate(doc, "en")["parts"]
    assert [(p["key"], p["exchange_key"]) for p in parts] == [
        ("en#q3/parts[1]", "en#q3"), ("en#q3/parts[2]", "en#q3"), ("en#q8/parts[1]", "en#q8"),
        ("en#q8/parts[2]", "en#q8"), ("en#q9/parts[1]", "en#q9"), ("en#q9/parts[2]", "en#q9")]
    first = parts[0]
    assert doc.text[first["span_start"]:first["span_end"]].startswith("First question, Chinese Ambassador to the UK")
    assert (parts[1]["answer_start"], parts[1]["answer_end"]) == (6125, 6710)
    assert (first["answer_start"], first["answer_end"]) == (None, None)


def test_csv_cells_and_records() -> None:
    kinds: list[Any] = ["string", "string", "string", "int", "strings", "timestamp"]
    at = datetime(2023, 3, 31, 10, 1, tzinfo=SHANGHAI)
    cells = [encode_cell(v, k) for v, k in zip([None, "", '说"好"\n下一行', 3, ["t1", "t2"], at], kinds, strict=True)]
    line = csv_line(cells, kinds)
    assert line == ',"","说""好""\n下一行",3,"[""t1"",""t2""]","2023-03-31T10:01:00+08:00"\r\n'
    file = io.StringIO("a,b\r\n" + line + "x,1\r\n", newline="")  # as a part file is read
    assert list(csv_records(file)) == ["a,b\r\n", line, "x,1\r\n"]


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
        assert rows == expected[table], table
    # The Ministry's opening statement has no marker: an empty label (""), and no time or marker span (null).
    page = "pages/corpus/zh-2013-12-11.txt"
    (unlabelled,) = [r for r in read_table(outs["csv"] / "turns").to_pylist() if r["document_id"] == page
                     and r["label"] == ""]
    assert (unlabelled["key"], unlabelled["at"], unlabelled["marker_start"]) == (f"{page}#t1", None, None)
    text = "".join(part.read_text(encoding="utf-8") for part in (outs["csv"] / "turns").glob("part-*.csv"))
    # an empty string is `""`, a null an empty cell
    assert f'"{page}","{page}#t1","t1",0,,"p1","{page}#p1","","official","statement",' in text


def test_pandas_reads_either_format_with_the_column_types(converted: tuple[Path, dict[str, Path]]) -> None:
    import pandas as pd

    _, outs = converted
    for table in TABLES:
        frame = pd.read_parquet(outs["parquet"] / table)  # two part files, one table
        assert frame.equals(read_table(outs["csv"] / table).to_pandas()), table
    turns = pd.read_parquet(outs["parquet"] / "turns")
    kinds = {name: str(kind) for name, kind in turns.dtypes.items()}
    assert (kinds["marker_start"], kinds["index"], kinds["at"]) == ("Int64", "Int64", "datetime64[us, UTC+08:00]")
    seed = turns[turns.document_id == "pages/taian-2023-03-31.txt"]
    assert seed["at"].iloc[1] == pd.Timestamp("2023-03-31 10:01:00+08:00")  # `.at` is pandas' own
    briefings = pd.read_parquet(outs["parquet"] / "briefings").set_index("document_id")
    assert str(briefings.dtypes["published"]) == "date32[day][pyarrow]"
    assert briefings.loc["pages/taian-2023-03-31.txt", "published"] == date(2023, 3, 31)
    mfa = turns[turns.document_id == "pages/corpus/zh-2013-12-11.txt"]
    assert mfa.marker_start.isna().sum() == 1 and mfa.label.eq("").sum() == 1  # null and "" kept apart


def test_keys_join_across_an_archive(converted: tuple[Path, dict[str, Path]]) -> None:
    import pandas as pd

    _, outs = converted
    turns, people = pd.read_parquet(outs["parquet"] / "turns"), pd.read_parquet(outs["parquet"] / "participants")
    for table in TABLES:
        keys = pd.read_parquet(outs["parquet"] / table, columns=["key"]).key
        assert keys.is_unique, table
    # The seed page is in the folder twice (as text and as GBK HTML): both have turns t1…t9 and p1…p6.
    assert turns.id.eq("t1").sum() == 5
    joined = turns.merge(people, left_on="participant_key", right_on="key", suffixes=("", "_p"))
    assert len(turns) == 9 + 8 + 11 + 8 + 9
    # Every turn with a speaker meets it once; an anonymous question (问：, Q:) has none.
    assert len(joined) == turns.participant_key.notna().sum() == 32
    assert set(turns[turns.participant_key.isna()].label) == {"问", "Q"}
    assert (joined.document_id == joined.document_id_p).all() and (joined.role == joined.role_p).all()
    # ids alone: every p1 meets every p1 of the archive
    assert len(turns.merge(people, left_on="participant_id", right_on="id")) == 124


def test_a_csv_part_rewritten_without_a_page_keeps_its_records(tmp_path: Path) -> None:
    pages = {"seed": parse(SEED), "mfa": parse(CORPUS / "zh-2013-12-11.txt")}
    both, alone = CsvShard(tmp_path / "both", "part-00000"), CsvShard(tmp_path / "alone", "part-00000")
    for page_id, doc in pages.items():
        both.add(None, tabulate(doc, page_id))
    alone.add(None, tabulate(pages["mfa"], "mfa"))
    both.commit(), alone.commit()
    for table in TABLES:
        path = tmp_path / "both" / table / "part-00000.csv"
        rewrite_without(path, list(pages), {"seed"})
        assert path.read_bytes() == (tmp_path / "alone" / table / "part-00000.csv").read_bytes(), table
    shutil.rmtree(tmp_path / "alone")


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
