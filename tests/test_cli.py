"""The command line: usage errors, parse (streamed, in input order, stdin, formats), convert and validate verbs,
exit codes, summary line; schema."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from batch_pages import CORPUS, PNG, SEED, make_folder, make_warc

from briefing_parser import cli
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


@pytest.mark.parametrize(("args", "message"), [
    (["parse", "--layout", "foo", str(SEED)], "briefing-parser parse: argument --layout: invalid choice: 'foo'"),
    (["parse", "--area-code", "53", str(SEED)], "briefing-parser parse: argument --area-code: expected an area code"),
    (["parse", "-", "-"], "briefing-parser parse: - (standard input) can be given once"),
    (["parse", str(SEED), "--format", "xml"], "briefing-parser parse: argument --format: invalid choice: 'xml'"),
    (["validate", str(SEED.parent)], f"briefing-parser validate: {SEED.parent} is a folder; give the .json or"),
    (["validate", "out/turns/part-00000.parquet"],
     "briefing-parser validate: out/turns/part-00000.parquet is not a .json or .jsonl file"),
    (["convert", "x.html", "--layout", "foo", "-o", "out"], "briefing-parser convert: argument --layout: invalid"),
    (["convert", "x.html"], "briefing-parser convert: the following arguments are required: -o/--output"),
    (["frobnicate"], "briefing-parser: argument VERB: invalid choice: 'frobnicate' (choose from 'parse', 'convert'"),
])
def test_usage_errors_exit_2_with_one_line(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.splitlines()
    assert line.startswith(message)


def test_help_lists_the_layouts_and_describes_every_verb(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    overview = capsys.readouterr().out
    for verb in ("parse", "convert", "validate", "schema"):
        assert f"    {verb}  " in overview
        assert main([verb, "--help"]) == 0
        text = " ".join(capsys.readouterr().out.split())
        description = {"parse": "Parse pages and print one Briefing per page, in input order",
                       "convert": "Convert many pages, on all cores, into an output folder",
                       "validate": "Check Briefing documents (a .json file of one Briefing or an array of them",
                       "schema": "Print the JSON Schema of the Briefing model"}[verb]
        assert description in text, verb
        if verb in ("parse", "convert"):
            assert ("--layout NAME force a layout instead of detecting it: general, taiwan-affairs-office, "
                    "national-defense, commerce, state-council-information-office, timestamp, mfa-qa, mfa-named, "
                    "mfa-en-qa, mfa-en-named") in text


def test_parse_keeps_each_input_in_its_place(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    binary = tmp_path / "image.html"
    binary.write_bytes(PNG)
    missing = tmp_path / "missing.html"
    files = [str(SEED), str(missing), str(binary), str(CORPUS / "zh-2013-12-11.txt")]
    assert main(["parse", *files, "--format", "jsonl"]) == 1
    captured = capsys.readouterr()
    first, error, damaged, last = (json.loads(line) for line in captured.out.splitlines())
    assert (first["source"]["uri"], len(first["turns"])) == (str(SEED), 9)
    assert error == {"input": str(missing), "code": "parse.not_found", "message": "no such file"}
    assert [d["code"] for d in damaged["diagnostics"]] == ["decode.binary"]
    assert (last["source"]["uri"], len(last["turns"])) == (files[3], 11)
    assert captured.err.splitlines() == [f"{missing}: parse.not_found: no such file",
                                         f"{binary}: decode.binary: the input is a PNG image, not a page"]
    assert main(["parse", *files]) == 1  # json: one array, the same objects
    assert [d.get("code") for d in json.loads(capsys.readouterr().out)] == [None, "parse.not_found", None, None]
    assert main(["parse", str(missing)]) == 3
    assert json.loads(capsys.readouterr().out)["code"] == "parse.not_found"


def test_parse_prints_each_page_before_it_reads_the_next(monkeypatch: pytest.MonkeyPatch) -> None:
    out, seen = io.StringIO(), []

    def parse_and_look(source: object, **kwargs: object) -> object:
        seen.append(out.getvalue().count('"schema_version"'))  # Briefings already printed
        return cli_parse(source, **kwargs)

    cli_parse = cli.parse
    monkeypatch.setattr(cli, "parse", parse_and_look)
    monkeypatch.setattr(sys, "stdout", out)
    assert main(["parse", *[str(SEED)] * 5, "--format", "jsonl"]) == 0
    assert seen == [0, 1, 2, 3, 4]
    out.truncate(0), out.seek(0), seen.clear()
    assert main(["parse", *[str(SEED)] * 3]) == 0  # the array too: "[", a page a line, "]" at the end
    assert seen == [0, 1, 2]
    assert len(json.loads(out.getvalue())) == 3


def _stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def test_parse_reads_a_list_of_paths_or_one_page_from_stdin(monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    page = CORPUS / "zh-2013-12-11.txt"
    _stdin(monkeypatch, f"{SEED}\n\n{page}\n".encode())
    assert main(["parse", "-"]) == 0
    documents = json.loads(capsys.readouterr().out)
    assert [d["source"]["uri"] for d in documents] == [str(SEED), str(page)]  # a list gives an array
    _stdin(monkeypatch, SEED.read_bytes())
    assert main(["parse", "-", "--format", "table"]) == 0
    assert capsys.readouterr().out.splitlines()[:2] == [
        "-: “科技赋能新型工业化强市建设” 新闻发布会实录",
        "2023-03-31 · timestamp layout · 9 turns · 2 exchanges · 6 participants"]
    _stdin(monkeypatch, SEED.read_bytes())
    assert main(["parse", "-"]) == 0
    document = json.loads(capsys.readouterr().out)  # one page gives one object
    assert (document["source"]["uri"], document["source"]["sha256"]) == (None, parse(SEED).source.sha256)


def test_parse_area_code_and_layout_are_the_library_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(SEED), "--area-code", "0633"]) == 0
    assert [c["e164"] for c in json.loads(capsys.readouterr().out)["contacts"]] == ["+866336991152"]
    assert main(["parse", str(SEED)]) == 0  # the page's city, 泰安市: 0538
    assert [c["e164"] for c in json.loads(capsys.readouterr().out)["contacts"]] == ["+865386991152"]
    assert main(["parse", str(CORPUS / "zh-2013-12-11.txt"), "--layout", "general"]) == 0
    assert json.loads(capsys.readouterr().out)["source"]["layout"] == "general"


def test_parse_table_is_a_summary_of_the_turns(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", str(SEED), "--format", "table"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[3] == "turn  time   role        kind        speaker   words"
    assert lines[8] == "t5    10:12  journalist  question    山东商报  前段时间,我市举办了“百名专家泰安行 百家企业进院…"
    assert len(lines) == 4 + 9


def test_lean_output_of_parse_and_convert_rebuilds_the_full_briefing(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """--lean leaves out the turns' text and paragraphs; `with_words` gives the same Briefing back."""
    from briefing_parser.schema import with_words

    full = parse(SEED)
    assert main(["parse", str(SEED), "--lean"]) == 0
    lean = orjson.loads(capsys.readouterr().out)
    first = lean["turns"][0]
    assert {"text", "paragraphs"}.isdisjoint(first) and first["span"] == {"start": 102, "end": 322}
    assert Briefing.model_validate(with_words(lean)) == full
    assert main(["convert", str(SEED), "-o", str(tmp_path / "out"), "--lean", "--quiet"]) == 0
    (line,) = (tmp_path / "out" / "part-00000.jsonl").read_bytes().splitlines()
    converted = orjson.loads(line)
    assert "text" not in converted["turns"][0] and len(converted["turns"]) == 9
    assert Briefing.model_validate(with_words(converted)).turns == full.turns


def test_convert_refuses_an_unknown_option_before_any_page(tmp_path: Path) -> None:
    from briefing_parser.batch import UsageError, convert_to

    with pytest.raises(UsageError, match=r"unknown parse option 'stict'; the options are strict, layout, area_code"):
        convert_to([SEED], tmp_path / "out", options={"stict": True})
    assert not (tmp_path / "out").exists()
