"""The command line: convert and validate verbs, exit codes, summary line; parse and schema still work."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from batch_pages import SEED, make_folder, make_warc

from briefing_parser.cli import main
from briefing_parser.pipeline import parse
from briefing_parser.schema import Briefing


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    return make_folder(tmp_path)


def test_convert_some_failed_exits_1_with_summary(folder: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["convert", str(folder), "-o", str(out), "--jobs", "2"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    (summary,) = captured.err.splitlines()  # no progress bar when stderr is not a terminal
    assert summary.startswith("7 pages: 5 ok, 2 failed, 0 already done; 7 converted in ")
    assert summary.endswith(f"2 jobs) -> {out}")
    codes = [json.loads(line)["code"] for line in (out / "errors.jsonl").read_text().splitlines()]
    assert codes == ["decode.binary", "extract.empty"]


def test_convert_all_good_exits_0_and_resume_skips_everything(folder: Path, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    args = ["convert", str(folder / "corpus"), str(SEED), "-o", str(out), "--format", "parquet", "--quiet"]
    assert main(args) == 0
    assert main([*args, "--resume"]) == 0
    assert capsys.readouterr().err.splitlines()[-1].startswith("4 pages: 4 ok, 0 failed, 4 already done; 0 converted")


def test_convert_all_failed_exits_3(folder: Path, tmp_path: Path) -> None:
    inputs = [str(folder / "broken.html"), str(folder / "empty.htm"), str(folder / "missing.html")]
    assert main(["convert", *inputs, "-o", str(tmp_path / "out"), "--jobs", "1"]) == 3
    codes = [json.loads(line)["code"] for line in (tmp_path / "out" / "errors.jsonl").read_text().splitlines()]
    assert codes == ["decode.binary", "extract.empty", "convert.not_found"]


@pytest.mark.parametrize("args", [
    ["convert", "x.html"],  # no -o
    ["convert", "x.html", "-o", "out", "--format", "xml"],
    ["convert", "x.html", "-o", "out", "--jobs", "0"],
])
def test_convert_usage_errors_exit_2(args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2


def test_convert_finding_nothing_or_resuming_another_format_exits_2(folder: Path, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["convert", str(empty), "-o", str(tmp_path / "a")]) == 2
    assert "no pages found" in capsys.readouterr().err
    assert main(["convert", str(SEED), "-o", str(tmp_path / "b"), "--format", "csv"]) == 0
    assert main(["convert", str(SEED), "-o", str(tmp_path / "b"), "--format", "jsonl", "--resume"]) == 2
    assert "cannot resume it as 'jsonl'" in capsys.readouterr().err


def test_convert_warc_and_stdin_through_a_real_process(tmp_path: Path) -> None:
    warc = make_warc(tmp_path / "crawl.warc.gz", compress=True)
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "briefing_parser", "convert", "-", "-o", str(out), "--format", "json"],
        input=f"{warc}\n{SEED}\n", text=True, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("3 pages: 3 ok, 0 failed")
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.json"))
    assert written == ["crawl.warc.gz/000001.json", "crawl.warc.gz/000002.json", "taian-2023-03-31.txt.json"]
    first = Briefing.model_validate_json((out / written[0]).read_bytes())
    assert first.source.uri == "http://www.taian.gov.cn/art/2023/3/31/art_45_1.html"


def test_validate_good_and_bad_documents(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = orjson.loads(parse(SEED).model_dump_json())
    good = tmp_path / "good.json"
    good.write_bytes(orjson.dumps(document))
    assert main(["validate", str(good)]) == 0
    assert capsys.readouterr().err == "1 documents: 1 valid, 0 invalid\n"

    document["turns"][3]["role"] = "speaker"
    lines = tmp_path / "mixed.jsonl"
    lines.write_bytes(orjson.dumps(parse(SEED).model_dump(mode="json")) + b"\n" + orjson.dumps(document) + b"\n"
                      + b"{not json\n")
    assert main(["validate", str(good), str(lines)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"{lines}:2: $.turns[3].role: Input should be 'host'")
    assert err[1].startswith(f"{lines}:3: $: not JSON")
    assert err[-1] == "4 documents: 2 valid, 2 invalid"

    assert main(["validate", str(lines.with_name("missing.json"))]) == 3


def test_validate_checks_the_array_parse_prints(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(SEED), str(SEED)]) == 0
    array = tmp_path / "two.json"
    array.write_text(capsys.readouterr().out, encoding="utf-8")
    assert len(json.loads(array.read_text(encoding="utf-8"))) == 2
    assert main(["validate", str(array)]) == 0
    assert "2 documents: 2 valid" in capsys.readouterr().err


def test_parse_and_schema_still_work(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(SEED)]) == 0
    document = json.loads(capsys.readouterr().out)
    assert (len(document["turns"]), len(document["exchanges"])) == (9, 2)
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "Briefing"
