"""The Spark job on a local session: the rows `convert --format parquet` writes in every table, from page files and a
WARC file; bad, missing and cut inputs and a page past the timeout as diagnostics; pages already in a DataFrame;
URIs pyarrow opens; the README's recipe."""

from __future__ import annotations

import gzip
import os
import re
import shlex
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from batch_pages import CORPUS, GOOD, SEED, http_response, make_folder, make_warc, warc_record

pytest.importorskip("pyspark", reason="the Spark tests need pyspark: pip install -e '.[spark]'")
if shutil.which("java") is None:
    pytest.skip("Spark needs Java (17 or later) on the PATH", allow_module_level=True)

from pyspark.sql import SparkSession

from briefing_parser import spark as bps
from briefing_parser.batch import convert, convert_to
from briefing_parser.export import REGISTRY_TABLES, TABLES, read_table, tabulate
from briefing_parser.inputs import PageResult
from briefing_parser.pipeline import parse

# pyspark warns of pandas 3 on import; mapInArrow does not use pandas.
pytestmark = pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")
ROOT = Path(__file__).resolve().parents[1]
SHARED_CORPUS = ROOT.parent / "shared" / "corpus" / "mfa-html"


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    """One local session for the module: two cores, no UI, bound to the loopback address."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYSPARK_PYTHON", sys.executable)  # the workers run this Python, which has the package
        patch.setenv("SPARK_LOCAL_IP", "127.0.0.1")  # every service of the session on the loopback address
        session = (SparkSession.builder.master("local[2]").appName("briefing-parser tests")
                   .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
                   .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                   .config(map=bps.SESSION_CONFIG).getOrCreate())
        session.sparkContext.setLogLevel("ERROR")
        yield session
        session.stop()


def rows(folder: Path) -> dict[str, list[dict[str, Any]]]:
    """Every table in a folder of tables, its rows sorted by key."""
    return {name: sorted(read_table(folder / name).to_pylist(), key=lambda row: row["key"]) for name in TABLES}


def written(pages: Any, out: Path) -> dict[str, list[dict[str, Any]]]:
    bps.write_tables(pages.persist(), out)
    pages.unpersist()
    return rows(out)


def errors(pages: Any) -> list[tuple[str, str, str]]:
    """The error-severity diagnostics of the pages: (document_id, code, message)."""
    found = bps.tables(pages)["diagnostics"].where("severity = 'error'").select("document_id", "code", "message")
    return sorted((row.document_id, row.code, row.message) for row in found.collect())


def write_warc(path: Path, pages: list[Path]) -> Path:
    """A WARC file of these pages as HTML responses, one gzip member each."""
    with path.open("wb") as handle:
        for number, page in enumerate(pages, 1):
            response = http_response(page.read_bytes(), "text/html; charset=utf-8")
            handle.write(gzip.compress(warc_record("response", f"https://www.mfa.gov.cn/web/{page.name}", response,
                                                   "application/http; msgtype=response", number)))
    return path


def test_the_spark_job_writes_the_rows_convert_writes_in_every_table(spark: SparkSession, tmp_path: Path) -> None:
    """A few hundred pages of the corpus (every fifth) and a WARC file of 60 of them, through `convert --format
    parquet` and through the Spark job's command line."""
    corpus = SHARED_CORPUS if SHARED_CORPUS.is_dir() else CORPUS
    sample = sorted(corpus.glob("*.html"))[:: 5 if corpus == SHARED_CORPUS else 1]
    folder = tmp_path / "pages"
    folder.mkdir()
    for page in sample:
        shutil.copy(page, folder / page.name)
    warc = write_warc(tmp_path / "crawl.warc.gz", sample[:60])
    inputs = [str(folder), str(warc)]

    done = convert_to(inputs, tmp_path / "convert", fmt="parquet", jobs=2)
    assert bps.main([*inputs, "-o", str(tmp_path / "spark")]) == 0

    assert done.pages == done.ok == len(sample) + 60
    assert sorted(p.name for p in (tmp_path / "spark").iterdir()) == sorted([*TABLES, *REGISTRY_TABLES])
    assert all(p.name.startswith("part-") for p in (tmp_path / "spark" / "turns").glob("*.parquet"))
    expected, got = rows(tmp_path / "convert"), rows(tmp_path / "spark")
    assert {name: len(table) for name, table in got.items()} == {name: len(table) for name, table in expected.items()}
    assert all(expected.values())  # every table has rows to compare
    for name in TABLES:
        assert got[name] == expected[name], name
    for name in REGISTRY_TABLES:  # the run's people and organizations, as convert gathers them
        assert read_table(tmp_path / "spark" / name).to_pylist() == read_table(tmp_path / "convert" / name).to_pylist()
    assert got["briefings"][0]["document_id"] == "crawl.warc.gz/000001"
    assert got["briefings"][0]["uri"] == f"https://www.mfa.gov.cn/web/{sample[0].name}"


def test_bad_missing_and_cut_inputs_are_the_errors_convert_lists(spark: SparkSession, tmp_path: Path) -> None:
    folder = make_folder(tmp_path)  # a PNG named .html, an empty page, good pages
    whole = make_warc(tmp_path / "whole.warc", compress=False).read_bytes()
    cut = tmp_path / "cut.warc"
    cut.write_bytes(whole[: len(whole) - 4 - 1000])  # its last page is 1,000 payload bytes short
    inputs = [str(folder), str(cut), str(tmp_path / "missing.html")]

    listed = sorted((r.id, e.code, e.message) for r in convert(inputs, jobs=2) for e in r.errors)
    pages = bps.parse_paths(spark, inputs)
    assert errors(pages) == listed
    assert [(page_id, code) for page_id, code, _ in listed] == [
        ("cut.warc/000002", "convert.warc_truncated"), ("missing.html", "convert.not_found"),
        ("pages/broken.html", "decode.binary"), ("pages/empty.htm", "extract.empty")]
    # the job went on: every page that gave a Briefing has its row
    assert sorted(row.document_id for row in bps.tables(pages)["briefings"].select("document_id").collect()) == [
        "cut.warc/000001", "cut.warc/000002", "pages/broken.html", "pages/corpus/" + GOOD[0],
        "pages/corpus/" + GOOD[1], "pages/corpus/" + GOOD[2], "pages/empty.htm", "pages/gbk/taian.shtml",
        "pages/taian-2023-03-31.txt"]


def test_a_page_past_the_timeout_is_a_diagnostic_and_the_others_are_parsed(spark: SparkSession,
                                                                           tmp_path: Path) -> None:
    folder = tmp_path / "slow"
    folder.mkdir()
    shutil.copy(SEED, folder / "seed.txt")
    (folder / "big.txt").write_bytes(SEED.read_bytes() * 4000)  # 47 MB: seconds of parsing
    pages = bps.parse_paths(spark, [folder], timeout=0.5)
    assert errors(pages) == [("slow/big.txt", "convert.timeout", "parsing took longer than 0.5 s")]
    found = bps.tables(pages)
    assert [(row.document_id, row.turn_count) for row in found["briefings"].collect()] == [("slow/seed.txt", 9)]
    assert found["diagnostics"].where("document_id = 'slow/big.txt'").select("key", "index", "span_start") \
        .collect() == [("slow/big.txt#diagnostics[0]", 0, None)]


def test_pages_in_a_dataframe_give_the_rows_of_their_briefings(spark: SparkSession, tmp_path: Path) -> None:
    """Spark's binaryFile source: one row per file, its bytes in `content`, its URI in `path`."""
    files = spark.read.format("binaryFile").load(str(CORPUS / "*.txt"))
    got = written(bps.parse_content(files, uri="path"), tmp_path / "tables")
    expected: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    for page in sorted(CORPUS.glob("*.txt")):
        uri = page.absolute().as_uri().replace("file:///", "file:/")  # as Hadoop names a local file
        for name, table in tabulate(parse(page.read_bytes(), uri=uri), uri).items():
            expected[name] += table
    assert len(expected["briefings"]) == 2
    for name in TABLES:
        assert got[name] == sorted(expected[name], key=lambda row: row["key"]), name


def test_uris_that_pyarrow_opens_give_the_rows_of_local_paths(spark: SparkSession, tmp_path: Path) -> None:
    folder = make_folder(tmp_path)
    warc = make_warc(tmp_path / "crawl.warc.gz", compress=True)
    local = written(bps.parse_paths(spark, [folder, warc]), tmp_path / "local")
    uris = [folder.as_uri(), warc.as_uri(), (tmp_path / "missing.html").as_uri(), "nosuch://bucket/page.html"]
    remote = written(bps.parse_paths(spark, uris), tmp_path / "remote")

    page_uris = {row["document_id"]: row.pop("uri") for row in remote["briefings"]}
    for row in local["briefings"]:
        row.pop("uri")
    assert page_uris["pages/gbk/taian.shtml"] == f"{folder.as_uri()}/gbk/taian.shtml"
    assert page_uris["crawl.warc.gz/000001"] == "http://www.taian.gov.cn/art/2023/3/31/art_45_1.html"
    failed = [row for row in remote["diagnostics"] if row["document_id"] in ("missing.html", "page.html")]
    assert [(row["document_id"], row["code"], row["message"]) for row in failed] == [
        ("missing.html", "convert.not_found", f"no such file, folder or glob match: {uris[2]}"),
        ("page.html", "convert.unreadable", "ArrowInvalid: Unrecognized filesystem type in URI: "
                                            "nosuch://bucket/page.html")]
    remote["diagnostics"] = [row for row in remote["diagnostics"] if row not in failed]
    assert remote == local


def test_a_page_is_one_row_of_every_table_and_of_what_cannot_be_written(spark: SparkSession) -> None:
    tables = tabulate(parse(SEED), "seed.txt")
    bad = {**tables, "briefings": [{**tables["briefings"][0], "series_number": 2**63}]}  # past int64
    results = [PageResult(id="seed.txt", origin="seed.txt", uri=None, tables=tables),
               PageResult(id="bad.txt", origin="bad.txt", uri="bad.txt", tables=bad)]
    (batch,) = bps._batches(results)
    good, page = batch.to_pylist()
    assert good == {"document_id": "seed.txt", "uri": None, **tables}
    assert [name for name in TABLES if page[name]] == ["diagnostics"]
    (row,) = page["diagnostics"]
    assert (page["document_id"], page["uri"], row["key"], row["index"], row["code"], row["severity"]) == (
        "bad.txt", "bad.txt", "bad.txt#diagnostics[0]", 0, "convert.unwritable", "error")
    assert row["message"].startswith("the page cannot be written as Arrow: ")


def test_the_tables_have_the_columns_and_types_of_the_parquet_files(spark: SparkSession) -> None:
    assert bps.page_schema().names == ["document_id", "uri", *TABLES]
    for name, table in TABLES.items():
        assert bps.spark_schema(name).names == [column.name for column in table.columns]
    turns = {field.name: field.dataType.simpleString() for field in bps.spark_schema("turns").fields}
    assert (turns["index"], turns["at"], turns["paragraphs"], turns["text"]) == (
        "bigint", "timestamp", "array<string>", "string")
    assert bps.spark_schema("briefings")["published"].dataType.simpleString() == "date"


def test_the_command_line_refuses_a_folder_that_is_not_empty(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "notes.txt").write_text("mine", encoding="utf-8")
    assert bps.main([str(SEED), "-o", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == (f"python -m briefing_parser.spark: {tmp_path / 'out'} is not empty: give "
                                       "--overwrite to replace the tables in it\n")
    for option, message in [("--timeout=-1", "--timeout must be a number of seconds ≥ 0 (0: none), not -1.0"),
                            ("--partitions=0", "partitions must be at least 1, not 0")]:
        assert bps.main([str(SEED), "-o", str(tmp_path / "new"), option]) == 2
        assert capsys.readouterr().err == f"python -m briefing_parser.spark: {message}\n"


def test_the_readme_recipe_runs_as_written(spark: SparkSession, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    """The local run of the README's Spark section, then its Python, in a folder where `tests/` is the repository's."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Batch conversion on Spark"):readme.index("## Development")]
    (command,) = [line.split("#")[0] for line in re.findall(r"^python -m briefing_parser\.spark .*$", section,
                                                             flags=re.MULTILINE)]
    (python,) = re.findall(r"^```python\n(.*?)^```", section, flags=re.MULTILINE | re.DOTALL)
    (printed,) = re.findall(r"^```text\n(.*?)^```", section, flags=re.MULTILINE | re.DOTALL)
    (tmp_path / "tests").symlink_to(ROOT / "tests")
    monkeypatch.chdir(tmp_path)
    assert bps.main(shlex.split(command)[3:]) == 0
    assert sorted(os.listdir("spark-tables")) == sorted([*TABLES, *REGISTRY_TABLES])
    capsys.readouterr()
    exec(python, {})
    assert capsys.readouterr().out == printed
