"""Batch conversion engine: discovery, isolation of bad pages, WARC input, timeouts, crashes, resume."""

from __future__ import annotations

import hashlib
import importlib
import io
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import orjson
import pytest
from batch_pages import (
    CORPUS,
    FOLDER_FAILURES,
    FOLDER_IDS,
    GOOD,
    SEED,
    make_folder,
    make_warc,
    warc_pages,
)

from briefing_parser.batch import PageResult, UsageError, clean_id, convert, convert_to, unique_id
from briefing_parser.export import TABLES, read_csv_table
from briefing_parser.pipeline import parse
from briefing_parser.schema import Briefing

batch_module = importlib.import_module("briefing_parser.batch")
workers_module = importlib.import_module("briefing_parser.workers")  # where the workers call parse()


def dump(doc: Briefing) -> dict[str, Any]:
    return orjson.loads(doc.model_dump_json())


def jsonl_lines(out: Path) -> list[bytes]:
    return [line for part in sorted(out.glob("part-*.jsonl")) for line in part.read_bytes().splitlines()]


def converted(inputs: list[Any], out: Path, **options: Any) -> list[PageResult]:
    """Run convert_to, returning the result of every page it went through."""
    results: list[PageResult] = []
    convert_to(inputs, out, on_result=results.append, **options)
    return results


def error_lines(out: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in (out / "errors.jsonl").read_bytes().splitlines()]


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    return make_folder(tmp_path)


@pytest.mark.parametrize("jobs", [1, 2])
def test_folder_pages_come_out_in_order_with_failures_isolated(folder: Path, jobs: int) -> None:
    results = list(convert([folder], jobs=jobs))
    assert [r.id for r in results] == FOLDER_IDS
    assert {r.id: r.errors[0].code for r in results if r.failed} == FOLDER_FAILURES
    by_id = {r.id: r for r in results}
    for result in results:
        # every page, failed or not, still has its (partial) Briefing, equal to a direct parse
        assert result.briefing is not None
        assert dump(result.briefing) == dump(parse(Path(result.origin)))
    seed = by_id["pages/taian-2023-03-31.txt"].briefing
    assert seed is not None and (len(seed.turns), len(seed.exchanges)) == (9, 2)
    gbk = by_id["pages/gbk/taian.shtml"].briefing
    assert gbk is not None
    assert (gbk.source.encoding, gbk.source.media_type) == ("gb18030", "text/html")
    assert (len(gbk.turns), len(gbk.exchanges)) == (9, 2)
    assert "杨建全" in gbk.text
    for name in GOOD:
        doc = by_id[f"pages/corpus/{name}"].briefing
        assert doc is not None and len(doc.turns) >= 1
    assert by_id["pages/broken.html"].briefing.source.encoding == "binary"  # type: ignore[union-attr]


def test_jsonl_output_and_errors_file(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    results = converted([folder], out, fmt="jsonl", jobs=2)
    assert sum(r.failed for r in results) == 2
    lines = jsonl_lines(out)
    assert len(lines) == 7  # failed pages keep their partial Briefing
    for line, page_id in zip(lines, FOLDER_IDS, strict=True):
        path = folder.parent / page_id
        assert orjson.loads(line) == dump(parse(path))
    assert error_lines(out) == [
        {"input": str(folder / "broken.html"), "id": "pages/broken.html", "uri": str(folder / "broken.html"),
         "code": "decode.binary", "message": "the input is a PNG image, not a page"},
        {"input": str(folder / "empty.htm"), "id": "pages/empty.htm", "uri": str(folder / "empty.htm"),
         "code": "extract.empty", "message": "the page has no text"},
    ]
    assert not list(out.rglob("*.tmp"))


def test_json_format_mirrors_input_names(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    converted([folder], out, fmt="json", jobs=1)
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.json"))
    assert written == sorted(f"{page_id}.json" for page_id in FOLDER_IDS)
    seed = Briefing.model_validate_json((out / "pages/taian-2023-03-31.txt.json").read_bytes())
    assert seed == parse(folder / "taian-2023-03-31.txt")


@pytest.mark.parametrize("compress", [True, False])
def test_warc_html_responses_only_with_target_uri(tmp_path: Path, compress: bool) -> None:
    warc = make_warc(tmp_path / ("crawl.warc.gz" if compress else "crawl.warc"), compress)
    results = list(convert([warc], jobs=1))
    expected = warc_pages()  # the PNG response, the 404, the request and warcinfo are not pages
    assert [r.id for r in results] == [f"{warc.name}/000001", f"{warc.name}/000002"]
    assert [r.uri for r in results] == [uri for uri, _ in expected]
    for result, (uri, payload) in zip(results, expected, strict=True):
        assert not result.failed
        assert result.origin.startswith(f"{warc}@")
        assert dump(result.briefing) == dump(parse(payload, uri=uri))  # type: ignore[arg-type]
    gbk = results[0].briefing
    assert gbk is not None and gbk.source.encoding == "gb18030" and len(gbk.turns) == 9


def test_warc_inside_a_folder_and_a_corrupt_warc(tmp_path: Path) -> None:
    folder = tmp_path / "archive"
    folder.mkdir()
    make_warc(folder / "a.warc.gz", compress=True)
    (folder / "b.warc.gz").write_bytes(b"\x1f\x8b\x08\x00garbage that is not gzip")
    results = list(convert([folder], jobs=2))
    assert [r.id for r in results][:2] == ["archive/a.warc.gz/000001", "archive/a.warc.gz/000002"]
    assert [(r.id, r.errors[0].code) for r in results if r.failed] == [
        ("archive/b.warc.gz", "convert.warc_unreadable")]


def test_glob_stdin_missing_and_duplicate_names(folder: Path) -> None:
    pattern = str(folder / "**" / "*.txt")
    assert [r.id for r in convert([pattern], jobs=1)] == ["corpus/" + GOOD[1], "taian-2023-03-31.txt"]
    stdin = io.StringIO(f"{SEED}\n\n{folder / 'taian-2023-03-31.txt'}\n")
    results = list(convert(["-", str(folder / "nope.html")], jobs=1, stdin=stdin))
    assert [r.id for r in results] == ["taian-2023-03-31.txt", "taian-2023-03-31.txt~2", "nope.html"]
    assert [r.errors[0].code for r in results if r.failed] == ["convert.not_found"]


def test_public_functions_survive_submodule_imports() -> None:
    # The package loads lazily; importing its submodules must not replace the public functions.
    check = ("import types, briefing_parser.cli, briefing_parser as bp; "
             "assert not isinstance(bp.convert, types.ModuleType), bp.convert; "
             "assert not isinstance(bp.parse, types.ModuleType), bp.parse")
    subprocess.run([sys.executable, "-c", check], check=True, capture_output=True, timeout=60)


def test_ids_cannot_escape_the_output_folder() -> None:
    assert clean_id("../../etc/passwd") == "etc/passwd"
    assert clean_id("a\\b/./c.html") == "a/b/c.html"
    seen: set[str] = set()
    assert [unique_id("x", seen) for _ in range(3)] == ["x", "x~2", "x~3"]


def _slow_on_empty(source: Any, **kwargs: Any) -> Briefing:
    if source == b"":
        time.sleep(30)
    return parse(source, **kwargs)


def _exit_on_binary(source: Any, **kwargs: Any) -> Briefing:
    if isinstance(source, bytes) and source.startswith(b"\x89PNG"):
        os._exit(9)  # a worker dying (segfault, OOM kill) must cost only this page
    return parse(source, **kwargs)


def _raise_on_seed(source: Any, **kwargs: Any) -> Briefing:
    if isinstance(source, bytes) and source.startswith(SEED.read_bytes()[:50]):
        raise RuntimeError("injected")
    return parse(source, **kwargs)


# Injected failures reach the workers because they are forked after the monkeypatch.
needs_fork = pytest.mark.skipif(multiprocessing.get_start_method() != "fork", reason="workers are not forked")


@pytest.mark.parametrize("jobs", [1, pytest.param(2, marks=needs_fork)])
def test_a_page_past_the_timeout_fails_alone(folder: Path, monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    monkeypatch.setattr(workers_module, "parse", _slow_on_empty)  # workers are forked, so they see it too
    started = time.perf_counter()
    results = list(convert([folder], jobs=jobs, timeout=0.5))
    assert time.perf_counter() - started < 20
    assert {r.id: r.errors[0].code for r in results if r.failed} == {
        "pages/broken.html": "decode.binary", "pages/empty.htm": "convert.timeout"}
    assert next(r for r in results if r.id == "pages/empty.htm").briefing is None


@needs_fork
def test_a_crashing_worker_costs_one_page(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers_module, "parse", _exit_on_binary)
    results = list(convert([folder], jobs=2))
    assert [r.id for r in results] == FOLDER_IDS
    assert {r.id: r.errors[0].code for r in results if r.failed} == {
        "pages/broken.html": "convert.worker_died", "pages/empty.htm": "extract.empty"}


def test_an_exception_is_a_failed_page(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers_module, "parse", _raise_on_seed)
    results = {r.id: r for r in convert([folder], jobs=1)}
    seed = results["pages/taian-2023-03-31.txt"]
    (error,) = seed.errors
    assert error.code == "convert.exception"
    assert error.message.startswith("RuntimeError: injected (at test_convert.py:")
    assert error.message.endswith(" in _raise_on_seed)")
    assert seed.briefing is None
    assert not results["pages/gbk/taian.shtml"].failed


def _stdin_paths(folder: Path) -> list[str]:
    return [str(folder.parent / page_id) for page_id in FOLDER_IDS] + [str(SEED)]


def _command(out: Path) -> list[str]:
    return [sys.executable, "-m", "briefing_parser", "convert", "-", "-o", str(out), "--format", "jsonl",
            "--jobs", "1", "--shard-size", "2", "--quiet"]


def _manifest_lines(out: Path) -> int:
    path = out / "manifest.jsonl"
    return len(path.read_bytes().splitlines()) if path.exists() else 0


def test_a_killed_run_resumes_to_the_same_output(folder: Path, tmp_path: Path) -> None:
    paths = _stdin_paths(folder)
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    done = subprocess.run(_command(whole), input="\n".join(paths), text=True, capture_output=True, timeout=120)
    assert done.returncode == 1, done.stderr

    # Feed five paths, wait until two shards are committed, then SIGKILL while it waits for more.
    process = subprocess.Popen(_command(killed), stdin=subprocess.PIPE, text=True)
    assert process.stdin is not None
    process.stdin.write("\n".join(paths[:5]) + "\n")
    process.stdin.flush()
    deadline = time.monotonic() + 60
    while _manifest_lines(killed) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # let the fifth page reach the open (temporary) shard
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert _manifest_lines(killed) == 3
    assert len(jsonl_lines(killed)) == 4

    resumed = subprocess.run([*_command(killed), "--resume"], input="\n".join(paths), text=True,
                             capture_output=True, timeout=120)
    assert resumed.returncode == 1, resumed.stderr
    assert "4 already done" in resumed.stderr
    assert jsonl_lines(killed) == jsonl_lines(whole)
    assert len(jsonl_lines(whole)) == len(paths)
    assert (killed / "errors.jsonl").read_bytes() == (whole / "errors.jsonl").read_bytes()
    assert not list(killed.rglob("*.tmp"))


@pytest.mark.parametrize("fmt", ["parquet", "csv", "json"])
def test_an_interrupted_run_resumes_to_the_same_tables(folder: Path, tmp_path: Path, fmt: str) -> None:
    whole, cut = tmp_path / "whole", tmp_path / "cut"
    converted([folder], whole, fmt=fmt, jobs=1, shard_size=3)  # type: ignore[arg-type]
    seen: list[PageResult] = []

    def stop_after_five(result: PageResult) -> None:
        seen.append(result)
        if len(seen) == 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):  # one shard of three committed, two pages dropped with their temp files
        convert_to([folder], cut, fmt=fmt, jobs=2, shard_size=3, on_result=stop_after_five)  # type: ignore[arg-type]
    assert not list(cut.rglob("*.tmp"))
    results = converted([folder], cut, fmt=fmt, jobs=2, resume=True, shard_size=3)  # type: ignore[arg-type]
    assert [r.skipped for r in results] == [True] * (5 if fmt == "json" else 3) + [False] * (2 if fmt == "json" else 4)
    assert [(r.id, r.failed) for r in results] == [(page_id, page_id in FOLDER_FAILURES) for page_id in FOLDER_IDS]
    assert _table_bytes(cut, fmt) == _table_bytes(whole, fmt)
    assert (cut / "errors.jsonl").read_bytes() == (whole / "errors.jsonl").read_bytes()


def _table_bytes(out: Path, fmt: str) -> dict[str, Any]:
    if fmt == "json":
        return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*.json"))}
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    tables = {}
    for table in TABLES:
        parts = sorted((out / table).glob(f"part-*.{fmt}"))
        read = pq.read_table if fmt == "parquet" else pcsv.read_csv
        tables[table] = [row for part in parts for row in read(part).to_pylist()]
    return tables


def test_resume_reconverts_changed_inputs_and_skips_the_rest(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    converted([folder], out, fmt="json", jobs=1)
    (folder / "empty.htm").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    results = converted([folder], out, fmt="json", jobs=1, resume=True)
    assert [r.id for r in results if not r.skipped] == ["pages/empty.htm"]
    assert [r.id for r in results if r.failed] == ["pages/broken.html"]
    assert [e["id"] for e in error_lines(out)] == ["pages/broken.html"]
    empty = Briefing.model_validate_json((out / "pages/empty.htm.json").read_bytes())
    assert len(empty.turns) == 9


def test_resume_after_a_manifest_line_cut_short(folder: Path, tmp_path: Path) -> None:
    """A kill in the middle of a manifest line: the next run's lines start on a line of their own, so
    the run after it skips what that run did."""
    out = tmp_path / "out"
    converted([folder], out, fmt="json", jobs=1)
    with (out / "manifest.jsonl").open("ab") as manifest:
        manifest.write(b'{"files": {"pages/a')
    (folder / "empty.htm").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    results = converted([folder], out, fmt="json", jobs=1, resume=True)
    assert [r.id for r in results if not r.skipped] == ["pages/empty.htm"]
    again = converted([folder], out, fmt="json", jobs=1, resume=True)
    assert [r.id for r in again if not r.skipped] == []


def test_resume_repairs_a_damaged_shard(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    converted([folder], out, fmt="jsonl", jobs=1, shard_size=4)
    expected = jsonl_lines(out)
    (out / "part-00001.jsonl").write_bytes(b"truncated")
    results = converted([folder], out, fmt="jsonl", jobs=1, resume=True, shard_size=4)
    assert [r.skipped for r in results] == [True] * 4 + [False] * 3
    assert jsonl_lines(out) == expected


def test_resume_refuses_another_format(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    converted([folder], out, fmt="jsonl", jobs=1)
    with pytest.raises(UsageError, match="cannot resume it as 'csv'"):
        converted([folder], out, fmt="csv", resume=True)


def test_overwrite_removes_the_previous_conversion_and_nothing_else(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    converted([folder], out, fmt="jsonl", jobs=1, shard_size=2)
    assert [p.name for p in sorted(out.glob("part-*"))] == [f"part-0000{n}.jsonl" for n in range(4)]
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    (out / "part-9.jsonl.bak").write_bytes(b"a copy")
    converted([SEED], out, fmt="jsonl", jobs=1, shard_size=2, overwrite=True)
    assert len(jsonl_lines(out)) == 1
    assert error_lines(out) == []
    assert sorted(p.name for p in out.iterdir()) == [
        ".briefing-parser.lock", "errors.jsonl", "manifest.jsonl", "notes.txt", "organizations.jsonl",
        "part-00000.jsonl", "part-9.jsonl.bak", "people.jsonl"]


def test_a_folder_that_is_not_empty_is_refused_untouched(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    converted([folder], out, fmt="jsonl", jobs=1, shard_size=2)
    before = _snapshot(out)
    with pytest.raises(UsageError, match=r"out is not empty: give --resume .* or --overwrite"):
        convert_to([SEED], out, fmt="jsonl", jobs=1)
    assert _snapshot(out) == before
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(UsageError, match="mine is not empty"):
        convert_to([SEED], str(mine))  # a str is a folder too
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]  # not even a lock file left


def _changing_folder(root: Path) -> tuple[Path, list[str]]:
    """Three real pages (their ids); with shard_size=2 the first two share part 0, the third is alone in part 1."""
    folder = root / "changing"
    folder.mkdir()
    for name in GOOD:
        shutil.copy(CORPUS / name, folder / name)
    return folder, [f"changing/{name}" for name in GOOD]


def _change_two_pages(folder: Path) -> dict[str, str]:
    """Give page 2 the seed's bytes, page 3 page 1's (part 0 shrinks, part 1 empties); every id's new SHA-256."""
    (folder / GOOD[1]).write_bytes(SEED.read_bytes())
    (folder / GOOD[2]).write_bytes((CORPUS / GOOD[0]).read_bytes())
    return {f"changing/{name}": hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in GOOD}


def _shas_by_id(out: Path, fmt: str) -> list[tuple[str, str]]:
    """(page id, source SHA-256) of every page in the output folder, one pair per copy found."""
    if fmt == "json":
        return sorted((p.relative_to(out).as_posix().removesuffix(".json"), orjson.loads(p.read_bytes())["source"]
                       ["sha256"]) for p in out.rglob("*.json"))
    if fmt == "jsonl":
        # A document does not carry its page id; in these tests its uri is the input path.
        docs = [orjson.loads(line) for line in jsonl_lines(out)]
        return sorted((f"changing/{Path(d['source']['uri']).name}", d["source"]["sha256"]) for d in docs)
    rows = _table_bytes(out, fmt)["briefings"]
    return sorted((row["document_id"], row["sha256"]) for row in rows)


def _rows(out: Path, fmt: str) -> dict[str, list[Any]]:
    """Every table's rows (jsonl: every document), order-free, for comparing two output folders."""
    if fmt == "json":
        return {"json": sorted(p.read_bytes() for p in out.rglob("*.json"))}
    if fmt == "jsonl":
        return {"jsonl": sorted(jsonl_lines(out))}
    if fmt == "csv":
        # pyarrow infers each CSV file's column types on its own; the project's reader does not guess
        return {table: sorted((row for part in sorted((out / table).glob("part-*.csv"))
                               for row in read_csv_table(part)), key=repr) for table in TABLES}
    return {table: sorted(rows, key=repr) for table, rows in _table_bytes(out, fmt).items()}


def _snapshot(out: Path) -> dict[str, bytes]:
    # the lock file says who held the folder last, and when
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != ".briefing-parser.lock"}


def _format_or_skip(fmt: str) -> Any:
    if fmt == "parquet":
        pytest.importorskip("pyarrow.parquet")
    return fmt


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet", "json"])
def test_resume_replaces_changed_pages_in_their_old_shards(tmp_path: Path, fmt: str) -> None:
    fmt = _format_or_skip(fmt)
    folder, ids = _changing_folder(tmp_path)
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    converted([folder], out, fmt=fmt, jobs=1, shard_size=2)
    new = _change_two_pages(folder)
    results = converted([folder], out, fmt=fmt, jobs=1, resume=True, shard_size=2)
    assert [(r.id, r.skipped) for r in results] == [(ids[0], True), (ids[1], False), (ids[2], False)]
    # Each page once, in its new version: the seed's SHA-256 for the second, the first's for the third.
    assert _shas_by_id(out, fmt) == sorted(new.items())
    assert new[ids[1]] == hashlib.sha256(SEED.read_bytes()).hexdigest()
    assert new[ids[2]] == new[ids[0]]
    converted([folder], fresh, fmt=fmt, jobs=1, shard_size=2)
    assert _rows(out, fmt) == _rows(fresh, fmt)
    if fmt != "json":
        # part 0 kept the first page, part 1 (the third page alone) is gone, part 2 holds the two changed pages
        parts = {p.name for p in out.rglob("part-*")}
        assert parts == {f"part-0000{n}.{fmt}" for n in (0, 2)}

    before = _snapshot(out)
    again = converted([folder], out, fmt=fmt, jobs=1, resume=True, shard_size=2)
    assert all(r.skipped for r in again)
    assert _snapshot(out) == before


class _Killed(Exception):
    """Stands for a SIGKILL at one step of a run."""


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_a_kill_at_any_step_of_replacing_changed_pages_resumes_to_each_page_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    fmt = _format_or_skip(fmt)
    folder, _ids = _changing_folder(tmp_path)
    first, fresh = tmp_path / "first", tmp_path / "fresh"
    converted([folder], first, fmt=fmt, jobs=1, shard_size=2)
    new = _change_two_pages(folder)
    converted([folder], fresh, fmt=fmt, jobs=1, shard_size=2)
    real_replace, real_unlink, real_record = os.replace, Path.unlink, batch_module.Manifest.record
    steps = {"left": -1}

    def step() -> None:
        # every file renamed or removed and every manifest line written is a place a kill may land
        if steps["left"] == 0:
            raise _Killed
        steps["left"] -= 1

    def replace(src: Any, dst: Any) -> None:
        step()
        real_replace(src, dst)

    def unlink(self: Path, missing_ok: bool = False) -> None:
        step()
        real_unlink(self, missing_ok=missing_ok)

    def record(self: Any, files: Any, pages: Any) -> None:
        step()
        real_record(self, files, pages)

    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(Path, "unlink", unlink)
    monkeypatch.setattr(batch_module.Manifest, "record", record)
    kill_at = 0
    while True:
        out = tmp_path / f"killed-{kill_at}"
        shutil.copytree(first, out)
        steps["left"] = kill_at
        try:
            converted([folder], out, fmt=fmt, jobs=1, resume=True, shard_size=2)
        except _Killed:
            killed = True
        else:
            killed = False
        steps["left"] = -1
        converted([folder], out, fmt=fmt, jobs=1, resume=True, shard_size=2)
        assert _shas_by_id(out, fmt) == sorted(new.items()), kill_at
        assert _rows(out, fmt) == _rows(fresh, fmt), kill_at
        before = _snapshot(out)
        assert all(r.skipped for r in converted([folder], out, fmt=fmt, jobs=1, resume=True, shard_size=2))
        assert _snapshot(out) == before
        if not killed:
            break
        kill_at += 1
    assert kill_at > 5  # the run was cut at every one of its steps
