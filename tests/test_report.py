"""The report of a whole run: its numbers against the tables convert wrote (counted here on their own), its
charts, and the views of the pages it lists; the whole corpus's report in headless Chromium."""

from __future__ import annotations

import os
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from batch_pages import FOLDER_FAILURES, PNG, make_folder
from chromium import SCREENSHOTS, Browser, start_browser
from selectolax.lexbor import LexborHTMLParser

import briefing_parser as bp
from briefing_parser.batch import PageResult, convert_to
from briefing_parser.cli import main
from briefing_parser.export import read_csv_table
from briefing_parser.report import LENGTH_BINS, TOP, report

CORPUS = Path(os.environ.get("BRIEFING_CORPUS", Path(__file__).parents[2] / "shared" / "corpus"))
FIXTURES = Path(__file__).parent / "fixtures"
WILD = ["d05.txt", "d12.txt", "d44.txt"]
CHARTS = ["months", "outlets", "speakers", "lengths", "layouts"]


def csv_table(out: Path, table: str) -> list[dict[str, Any]]:
    return [row for part in sorted((out / table).glob("part-*.csv")) for row in read_csv_table(part)]


def parquet_table(out: Path, table: str) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    return list(pq.read_table(out / table).to_pylist())


def expected(tables: dict[str, list[dict[str, Any]]], errors: list[str]) -> dict[str, Any]:
    """The report's numbers, counted straight from the tables."""
    briefings, turns, exchanges = tables["briefings"], tables["turns"], tables["exchanges"]
    outlet = {(o["document_id"], o["id"]): o["name"] for o in tables["outlets"]}
    speaker = {(p["document_id"], p["id"]): p["name"] or p["label"] or "(no label)" for p in tables["participants"]}
    answers = [t for t in turns if t["kind"] == "answer"]
    months = Counter(b["held_on"].strftime("%Y-%m") for b in briefings if b["held_on"])
    bins = Counter(sum(len(t["text"]) >= low for low in LENGTH_BINS) - 1 for t in answers)
    return {
        "counts": {"pages": len(briefings), "turns": len(turns), "exchanges": len(exchanges),
                   "failed pages": len(set(errors)),
                   "warnings": sum(d["severity"] == "warning" for d in tables["diagnostics"])},
        "months": months,
        "outlets": ranked(Counter(outlet[x["document_id"], x["outlet_id"]] for x in exchanges
                                  if x["question_turn_ids"] and x["outlet_id"])),
        "speakers": ranked(Counter(speaker[t["document_id"], t["participant_id"]] for t in answers
                                   if t["participant_id"])),
        "lengths": [bins[i] for i in range(len(LENGTH_BINS))],
        "layouts": ranked(Counter(b["layout"] for b in briefings), limit=None),
    }


def ranked(counts: Counter[str], limit: int | None = TOP) -> list[list[Any]]:
    order = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if limit is None or len(order) <= limit:
        return [list(item) for item in order]
    rest = [f"({len(order) - limit} others)", sum(n for _, n in order[limit:])]
    return [*(list(item) for item in order[:limit]), rest]


def shown(tree: LexborHTMLParser) -> dict[str, Any]:
    """The numbers the report page shows (its counts and its charts' bars)."""
    bars = {chart: [[bar.attributes["data-label"], int(bar.attributes["data-value"] or "")]
                    for bar in tree.css(f"#chart-{chart} rect.bar")] for chart in CHARTS}
    return {
        "counts": {dd.attributes["data-count"]: int(dd.text().replace(",", "")) for dd in tree.css("dd[data-count]")},
        "months": Counter({label: n for label, n in bars["months"] if n}),
        "outlets": bars["outlets"], "speakers": bars["speakers"], "layouts": bars["layouts"],
        "lengths": [n for _, n in bars["lengths"]],
    }


@pytest.fixture()
def small_run(tmp_path: Path) -> Path:
    """The batch tests' folder (the reference page, three corpus pages, a GBK copy, a binary and an empty
    file) and three excerpts of other press offices with warnings, converted to CSV tables."""
    out = tmp_path / "out"
    folder = make_folder(tmp_path)
    (folder / "wild").mkdir()
    for name in WILD:
        shutil.copy(FIXTURES / "wild" / name, folder / "wild" / name)
    results: list[PageResult] = []
    convert_to([folder], out, fmt="csv", jobs=1, on_result=results.append)
    assert {r.id: r.errors[0].code for r in results if r.failed} == FOLDER_FAILURES
    return out


def test_report_of_a_small_csv_run(small_run: Path) -> None:
    written = report(small_run)
    assert written.report == small_run / "report.html"
    tree = LexborHTMLParser(written.report.read_text(encoding="utf-8"))
    tables = {name: csv_table(small_run, name) for name in
              ("briefings", "turns", "exchanges", "participants", "outlets", "diagnostics")}
    numbers = shown(tree)
    assert numbers == expected(tables, list(FOLDER_FAILURES))
    assert (numbers["counts"]["pages"], numbers["counts"]["failed pages"], numbers["counts"]["warnings"]) == (10, 2, 3)
    assert numbers["layouts"] == [["unknown", 3], ["mfa-qa", 2], ["timestamp", 2], ["general", 1], ["mfa-en-qa", 1],
                                  ["national-defense", 1]]
    assert [[td.text() for td in tr.css("td")] for tr in tree.css("#failures tbody tr")] == [
        ["decode.binary", "1"], ["extract.empty", "1"]]
    assert numbers["months"] == Counter({"2013-12": 1, "2016-11": 1, "2018-06": 1, "2023-03": 2})
    assert [bar.attributes["data-label"] for bar in tree.css("#chart-months rect.bar")][:3] == [
        "2013-12", "2014-01", "2014-02"]  # every month from the first to the last, the empty ones too


def test_the_pages_with_most_warnings_link_to_their_views(small_run: Path) -> None:
    written = report(small_run, top=2)
    rows = LexborHTMLParser(written.report.read_text(encoding="utf-8")).css("#worst tbody tr")
    # one warning each (text before the first marker twice, not a transcript once): the first two by id
    assert [[td.text() for td in tr.css("td")[:5]] for tr in rows] == [
        ["pages/wild/d05.txt", "中共中央宣传部举行新时代宣传文化工作举措与成效发布会", "general", "1",
         "segment.text_before_first_marker ×1"],
        ["pages/wild/d12.txt", "2024年5月国防部例行记者会文字实录", "national-defense", "1",
         "segment.text_before_first_marker ×1"]]
    uris = {b["document_id"]: b["uri"] for b in csv_table(small_run, "briefings")}
    for tr in rows:
        page_id = tr.css("td")[0].text()
        link = tr.css_first("a").attributes["href"] or ""
        view = written.report.parent / link
        assert view == written.views[page_id] and view.is_file()
        assert view.read_text(encoding="utf-8") == bp.view(bp.parse(Path(uris[page_id])))


def test_a_page_changed_since_the_run_has_no_view(small_run: Path, tmp_path: Path) -> None:
    page = tmp_path / "pages" / "wild" / "d12.txt"
    page.write_text(page.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    written = report(small_run)
    assert sorted(written.views) == ["pages/wild/d05.txt", "pages/wild/d44.txt"]
    rows = LexborHTMLParser(written.report.read_text(encoding="utf-8")).css("#worst tbody tr")
    assert [tr.css_first("a") is not None for tr in rows] == [True, False, True]
    assert rows[1].css("td")[0].text() == "pages/wild/d12.txt (no view: its input is not where the run read it)"


def test_cli_report(small_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "elsewhere" / "run.html"
    assert main(["report", str(small_run), "-o", str(target), "--top", "1"]) == 0
    assert capsys.readouterr().err == f"{target} and 1 page views in {target.parent / 'views'}\n"
    assert len(LexborHTMLParser(target.read_text(encoding="utf-8")).css("#worst tbody tr")) == 1


def test_cli_report_of_what_is_no_table_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    jsonl = tmp_path / "jsonl"
    convert_to([Path(__file__).parent / "fixtures" / "taian-2023-03-31.txt"], jsonl, jobs=1)
    assert main(["report", str(jsonl)]) == 2
    assert capsys.readouterr().err == (f"briefing-parser report: {jsonl / 'briefings'} holds no table: report "
                                       "reads the output of convert --format csv or parquet\n")
    assert not (jsonl / "report.html").exists()


# --- the whole corpus, in headless Chromium ------------------------------------------------------------

@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 1,699 corpus pages and two pages that fail (binary, empty), converted to Parquet on two cores."""
    if not (CORPUS / "index.csv").is_file():
        pytest.skip(f"corpus not found at {CORPUS}")
    root = tmp_path_factory.mktemp("corpus")
    bad = root / "bad"
    bad.mkdir()
    (bad / "broken.html").write_bytes(PNG)
    (bad / "empty.htm").write_bytes(b"")
    out = root / "out"
    convert_to([CORPUS / "mfa-html", CORPUS / "mfa-text", bad], out, fmt="parquet", jobs=2)
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    started = start_browser()
    yield started
    started.close()


@pytest.mark.corpus
def test_report_of_the_corpus_in_chromium(corpus_run: Path, browser: Browser) -> None:
    written = report(corpus_run)
    browser.open(written.report)
    browser.screenshot(SCREENSHOTS / "report-corpus.png", height=2000)
    tree = LexborHTMLParser(browser.evaluate("document.documentElement.outerHTML"))
    tables = {name: parquet_table(corpus_run, name) for name in
              ("briefings", "turns", "exchanges", "participants", "outlets", "diagnostics")}
    numbers = shown(tree)
    assert numbers == expected(tables, ["bad/broken.html", "bad/empty.htm"])
    assert numbers["counts"]["pages"] == 1699 + 2
    assert {chart: len(tree.css(f"#chart-{chart} rect.bar")) > 1 for chart in CHARTS} == dict.fromkeys(CHARTS, True)
    assert browser.evaluate("document.querySelectorAll('figure svg').length") == len(CHARTS)
    assert [[td.text() for td in tr.css("td")] for tr in tree.css("#failures tbody tr")] == [
        ["decode.binary", "1"], ["extract.empty", "1"]]
    # the listed pages' views: each opens in the browser as the view of its page
    links = [a.attributes["href"] or "" for a in tree.css("#worst a")]
    assert len(links) == 20 == len(written.views)
    first = written.report.parent / links[0]
    browser.open(first)
    assert browser.evaluate("document.querySelectorAll('.seg').length") > 0
    uri = browser.evaluate("[...document.querySelectorAll('dl.facts dd')][0].textContent")
    assert Path(uri).is_file() and str(first).endswith(Path(uri).name + ".html")


def test_cli_report_of_tables_without_a_column_it_reads(small_run: Path, capsys: pytest.CaptureFixture[str]) -> None:
    part = small_run / "outlets" / "part-00000.csv"
    lines = part.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "document_id,key,id,name,kind,organization_id"
    part.write_text("\n".join(["document_id,key,id,outlet_name,kind,organization_id", *lines[1:]]) + "\n",
                    encoding="utf-8")
    assert main(["report", str(small_run)]) == 2
    assert capsys.readouterr().err == (f"briefing-parser report: {small_run / 'outlets'}: unknown or missing "
                                       "column 'name'; report reads document_id, id, name\n")


def test_cli_report_of_parquet_tables_without_a_column_it_reads(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    import pyarrow.parquet as pq

    out = tmp_path / "out"
    convert_to([FIXTURES / "taian-2023-03-31.txt"], out, fmt="parquet", jobs=1)
    part = out / "turns" / "part-00000.parquet"
    table = pq.read_table(part)
    pq.write_table(table.rename_columns(["turn_kind" if c == "kind" else c for c in table.column_names]), part)
    assert main(["report", str(out)]) == 2
    assert capsys.readouterr().err == (f"briefing-parser report: {out / 'turns'}: unknown or missing column "
                                       "'kind'; report reads document_id, participant_id, kind, text\n")
