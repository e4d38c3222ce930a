"""Fault injection into `convert`: killed workers and parents, stuck C calls, signals, two runs at once, full
disks, values and names the outputs cannot hold, cut WARC files and manifests."""

from __future__ import annotations

import gzip
import importlib
import os
import pickle
import resource
import shutil
import signal
import subprocess
import sys
import time
import zlib
from pathlib import Path
from typing import Any

import orjson
import pytest
from batch_pages import CORPUS, FOLDER_IDS, GOOD, SEED, make_folder, make_warc, warc_pages
from pydantic import ValidationError

from briefing_parser.batch import OutputError, PageResult, UsageError, convert, convert_to
from briefing_parser.cli import main
from briefing_parser.export import NAME_MAX, SHARD_WRITERS, Unwritable, fit_name, read_csv_table
from briefing_parser.pipeline import parse
from briefing_parser.schema import INT_MAX, Series

workers = importlib.import_module("briefing_parser.workers")
REPO = Path(__file__).parents[1]
SHARED_CORPUS = Path(__file__).parents[2] / "shared" / "corpus"
slow = pytest.mark.slow


def converted(inputs: list[Any], out: Path, **options: Any) -> list[PageResult]:
    results: list[PageResult] = []
    convert_to(inputs, out, on_result=results.append, **options)
    return results


def error_lines(out: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in (out / "errors.jsonl").read_bytes().splitlines()]


def jsonl_uris(out: Path) -> list[str]:
    return [orjson.loads(line)["source"]["uri"] for part in sorted(out.glob("part-*.jsonl"))
            for line in part.read_bytes().splitlines()]


def alive(pid: int) -> bool:
    """Whether a process runs (a zombie waiting for its new parent to reap it does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def wait_for(condition: Any, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the condition never came true"
        time.sleep(0.05)


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    return make_folder(tmp_path)


# --- 1. a worker dying, even in the middle of sending a result ------------------------------------------

def _dying_while_sending(target: str, once: Path | None) -> Any:
    """A `_send` that, for the result of page `target`, sends half the message and SIGKILLs its own worker
    (every time, or only the first time when `once` names a file to leave behind)."""
    real = workers._send

    def send(channel: Any, message: object) -> None:
        if isinstance(message, PageResult) and message.id == target and not (once and once.exists()):
            if once:
                once.touch()
            payload = pickle.dumps(message)
            frame = workers._LENGTH.pack(len(payload)) + payload
            channel.sendall(frame[: len(frame) // 2])
            os.kill(os.getpid(), signal.SIGKILL)
        real(channel, message)

    return send


def test_a_worker_killed_while_sending_a_result_costs_nothing_when_the_retry_works(
        folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "_send", _dying_while_sending("pages/taian-2023-03-31.txt", tmp_path / "died"))
    results = list(convert([folder], jobs=2, timeout=30))
    assert (tmp_path / "died").exists()
    assert [r.id for r in results] == FOLDER_IDS
    assert {r.id: r.errors[0].code for r in results if r.failed} == {
        "pages/broken.html": "decode.binary", "pages/empty.htm": "extract.empty"}
    seed = results[2].briefing
    assert seed is not None and (len(seed.turns), len(seed.exchanges)) == (9, 2)


def test_a_page_that_kills_every_worker_is_listed_and_the_run_goes_on(folder: Path, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workers, "_send", _dying_while_sending("pages/taian-2023-03-31.txt", None))
    out = tmp_path / "out"
    done = convert_to([folder], out, jobs=2, shard_size=3)
    assert (done.pages, done.failed) == (7, 3)
    assert [(e["id"], e["code"], e["message"]) for e in error_lines(out)] == [
        ("pages/broken.html", "decode.binary", "the input is a PNG image, not a page"),
        ("pages/empty.htm", "extract.empty", "the page has no text"),
        ("pages/taian-2023-03-31.txt", "convert.worker_died",
         "the worker process died while parsing this page (2 tries)"),
    ]
    assert len(jsonl_uris(out)) == 6  # every page but the one without a Briefing
    monkeypatch.undo()
    again = converted([folder], out, jobs=2, shard_size=3, resume=True)
    assert [r.id for r in again if not r.skipped] == ["pages/taian-2023-03-31.txt"]
    assert sorted(jsonl_uris(out)) == sorted(str(folder.parent / page_id) for page_id in FOLDER_IDS)


def _kill_workers_script(corpus: Path, pages: int, interval: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(REPO / "benchmarks" / "kill_workers.py"), str(corpus),
                           "--pages", str(pages), "--interval", str(interval)],
                          capture_output=True, text=True, timeout=600)


@slow
def test_killing_both_workers_every_fifth_of_a_second_loses_no_page() -> None:
    """The fault-injection script on a subset of the corpus: the run finishes, each page is in the output once
    or in errors.jsonl, and --resume completes it (the script checks and exits 1 otherwise)."""
    corpus = SHARED_CORPUS if SHARED_CORPUS.is_dir() else CORPUS
    done = _kill_workers_script(corpus, 300, 0.2)
    assert done.returncode == 0, done.stdout + done.stderr
    killed, resumed = [line for line in done.stdout.splitlines() if "run:" in line]
    assert "all listed in errors.jsonl: True" in killed
    assert ", 0 twice, 0 missing" in resumed
    kills = int(killed.split(" workers killed")[0].rsplit(" ", 1)[1])
    assert kills >= 2


# --- 2. workers die with their parent; SIGTERM and SIGINT stop a run cleanly ----------------------------

# The CLI with a parse that, on a page holding STUCK, blocks in a C call that no signal handler interrupts.
STUCK_CLI = """
import ctypes, sys
import briefing_parser.workers as workers
from briefing_parser.cli import main
real = workers.parse
def parse(source, **options):
    if isinstance(source, bytes) and source.startswith(b"STUCK"):
        ctypes.CDLL(None).sleep(600)
    return real(source, **options)
workers.parse = parse
sys.exit(main(sys.argv[1:]))
"""


def _stuck_page(folder: Path) -> Path:
    page = folder / "zz-stuck.txt"
    page.write_bytes(b"STUCK\n" + SEED.read_bytes())
    return page


def _start(out: Path, *options: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", STUCK_CLI, "convert", "-", "-o", str(out), "--quiet", *options],
                            stdin=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_parent_killed_takes_its_workers_along_even_one_stuck_in_c(folder: Path, tmp_path: Path) -> None:
    process = _start(tmp_path / "out", "--jobs", "2", "--timeout", "0")
    assert process.stdin is not None
    process.stdin.write(f"{_stuck_page(folder)}\n")
    process.stdin.flush()
    wait_for(lambda: len(children(process.pid)) == 2)
    pids = children(process.pid)
    time.sleep(0.5)  # the stuck page reaches a worker
    process.kill()
    process.wait()
    wait_for(lambda: not any(alive(pid) for pid in pids), seconds=10)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_the_run_cleanly_and_resume_goes_on(folder: Path, tmp_path: Path, signum: int) -> None:
    out = tmp_path / "out"
    process = _start(out, "--jobs", "2", "--shard-size", "2", "--format", "jsonl")
    assert process.stdin is not None
    pages = [folder.parent / page_id for page_id in FOLDER_IDS]
    process.stdin.write("".join(f"{page}\n" for page in pages[:5]))
    process.stdin.flush()
    wait_for(lambda: len(jsonl_uris(out)) == 4)  # two part files committed, the fifth page in the open one
    pids = children(process.pid)
    process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 128 + signum
    assert err.splitlines()[-1] == (f"stopped by {signal.Signals(signum).name}: what was committed stays; run again "
                                    "with --resume to continue")
    assert not any(alive(pid) for pid in pids)
    assert jsonl_uris(out) == [str(page) for page in pages[:4]]
    assert not list(out.rglob("*.tmp"))
    resumed = subprocess.run([sys.executable, "-m", "briefing_parser", "convert", "-", "-o", str(out), "--quiet",
                              "--shard-size", "2", "--resume"], input="".join(f"{p}\n" for p in pages),
                             capture_output=True, text=True, timeout=120)
    assert resumed.returncode == 1, resumed.stderr
    assert "7 pages: 5 ok, 2 failed, 4 already done; 3 converted" in resumed.stderr
    assert sorted(jsonl_uris(out)) == sorted(map(str, pages))


# --- 3. the timeout is hard: a page stuck in C has its worker killed -------------------------------------

def _stuck_in_c(source: Any, **options: Any) -> Any:
    if isinstance(source, bytes) and source.startswith(b"STUCK"):
        import ctypes

        ctypes.CDLL(None).sleep(600)  # a C call: no Python signal handler runs until it returns
    return parse(source, **options)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_page_stuck_in_a_c_call_fails_at_the_timeout(folder: Path, monkeypatch: pytest.MonkeyPatch,
                                                        jobs: int) -> None:
    monkeypatch.setattr(workers, "parse", _stuck_in_c)
    stuck = _stuck_page(folder)
    started = time.monotonic()
    results = list(convert([folder], jobs=jobs, timeout=1))
    assert time.monotonic() - started < 300  # far below the stuck call's 600 s
    by_id = {r.id: r for r in results}
    assert [r.id for r in results] == [*FOLDER_IDS[:3], "pages/zz-stuck.txt", *FOLDER_IDS[3:]]
    assert [(e.code, e.message) for e in by_id["pages/zz-stuck.txt"].errors] == [
        ("convert.timeout", "parsing took longer than 1 s")]
    assert str(stuck) == by_id["pages/zz-stuck.txt"].origin
    assert {r.id for r in results if r.failed} == {"pages/broken.html", "pages/empty.htm", "pages/zz-stuck.txt"}


def test_a_negative_timeout_is_a_usage_error(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "briefing_parser", "convert", str(SEED), "-o", str(tmp_path / "out"),
               "--timeout", "-1"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr) == (
        2, "briefing-parser convert: --timeout must be a number of seconds ≥ 0 (0: none), not -1.0\n")
    assert not (tmp_path / "out").exists()
    with pytest.raises(UsageError, match="not nan"):
        convert([SEED], timeout=float("nan"))


# --- 4. values that do not fit their column --------------------------------------------------------------

SERIES_PAGE = ("“高质量发展”系列新闻发布会第99999999999999999999场\n2023-03-31 10:00 主持人\n欢迎。\n问：有何评论？\n"
               "答：谢谢。\n")


def test_a_series_number_past_int64_is_no_number_and_the_model_refuses_one() -> None:
    doc = parse(SERIES_PAGE)
    assert doc.series is not None
    assert (doc.series.name, doc.series.number) == ("高质量发展", None)
    assert parse(SERIES_PAGE.replace("99999999999999999999", "9223372036854775807")).series == Series(
        name="高质量发展", number=INT_MAX)
    with pytest.raises(ValidationError):
        Series(name="高质量发展", number=INT_MAX + 1)


def _oversized(doc: Any, document_id: str) -> Any:
    tables = workers_tabulate(doc, document_id)
    if document_id == "pages/taian-2023-03-31.txt":
        tables["briefings"][0]["series_number"] = 10**20
        tables["turns"][0]["text"] = "lone \ud800 surrogate"
    return tables


workers_tabulate = workers.tabulate


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_a_page_that_cannot_be_written_is_that_pages_error(folder: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    monkeypatch.setattr(workers, "tabulate", _oversized)
    out = tmp_path / "out"
    done = convert_to([folder], out, fmt=fmt, jobs=2, shard_size=2)  # type: ignore[arg-type]
    assert (done.pages, done.failed) == (7, 3)
    (unwritable,) = [e for e in error_lines(out) if e["code"] == "convert.unwritable"]
    assert unwritable["id"] == "pages/taian-2023-03-31.txt"
    assert unwritable["message"].startswith(f"the page cannot be written as {fmt}: ")
    ids = _briefing_ids(out, fmt)
    assert ids == [page_id for page_id in FOLDER_IDS if page_id != "pages/taian-2023-03-31.txt"]
    monkeypatch.undo()
    again = converted([folder], out, fmt=fmt, jobs=2, shard_size=2, resume=True)  # type: ignore[arg-type]
    assert [r.id for r in again if not r.skipped] == ["pages/taian-2023-03-31.txt"]
    assert sorted(_briefing_ids(out, fmt)) == sorted(FOLDER_IDS)


def _briefing_ids(out: Path, fmt: str) -> list[str]:
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return [row["document_id"] for part in sorted((out / "briefings").glob("part-*.parquet"))
                for row in pq.read_table(part).to_pylist()]
    return [row["document_id"] for part in sorted((out / "briefings").glob("part-*.csv"))
            for row in read_csv_table(part)]


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_a_shard_refuses_a_page_it_cannot_hold_whole_and_keeps_the_others(tmp_path: Path, fmt: str) -> None:
    tables = workers.tabulate(parse(SEED), "seed")
    bad = workers.tabulate(parse(SEED), "bad")
    bad["briefings"][0]["series_number"] = 2**64  # past int64
    bad["turns"][-1]["text"] = "lone \ud800 surrogate"  # past UTF-8
    shard = SHARD_WRITERS[fmt](tmp_path, "part-00000")
    shard.add(None, tables)
    with pytest.raises(Unwritable):
        shard.add(None, bad)
    shard.commit()
    if fmt == "parquet":
        import pyarrow.parquet as pq

        turns = [row["document_id"] for row in pq.read_table(tmp_path / "turns" / "part-00000.parquet").to_pylist()]
    else:
        turns = [row["document_id"] for row in read_csv_table(tmp_path / "turns" / "part-00000.csv")]
    assert turns == ["seed"] * len(tables["turns"]) == ["seed"] * 9
    assert _briefing_ids(tmp_path, fmt) == ["seed"]


# --- 5. every name the filesystem allows ------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "parquet"])
def test_names_that_are_not_utf8_or_are_as_long_as_a_name_can_be(tmp_path: Path, fmt: str) -> None:
    folder = tmp_path / "names"
    folder.mkdir()
    long_name = "长" * 83 + ".html"  # 254 bytes: its .json output name would be 259
    assert len(long_name.encode()) == 254
    shutil.copy(SEED, folder / long_name)
    shutil.copy(SEED, os.fsdecode(bytes(folder).rstrip(b"/") + b"/bad-\xff\xfe.html"))
    out = tmp_path / "out"
    results = converted([folder], out, fmt=fmt, jobs=2)  # type: ignore[arg-type]
    assert [r.id for r in results] == ["names/bad-\\xff\\xfe.html", f"names/{long_name}"]
    assert [r.origin for r in results] == [f"{folder}/bad-\\xff\\xfe.html", f"{folder}/{long_name}"]
    assert not any(r.failed for r in results)
    if fmt == "json":
        names = sorted(p.name for p in (out / "names").iterdir())
        fitted = fit_name(f"names/{long_name}.json").split("/")[1]
        assert names == ["bad-\\xff\\xfe.html.json", fitted]
        # cut between characters of 3 bytes: 77 of them, "~", 16 hex digits, ".json"
        assert fitted == "长" * 77 + "~" + fitted[78:94] + ".json"
        assert NAME_MAX - 2 <= len(fitted.encode()) == 253 <= NAME_MAX
    # a list of paths on stdin, read as bytes
    stdin_out = tmp_path / "stdin"
    done = subprocess.run([sys.executable, "-m", "briefing_parser", "convert", "-", "-o", str(stdin_out),
                           "--format", fmt, "--quiet"], input=bytes(folder) + b"/bad-\xff\xfe.html\n",
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert b"1 pages: 1 ok" in done.stderr


def test_a_missing_input_with_a_name_that_is_not_utf8_is_listed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    missing = os.fsdecode(bytes(tmp_path) + b"/gone-\xff.html")
    converted([missing, SEED], out)
    assert [(e["id"], e["code"], e["input"]) for e in error_lines(out)] == [
        ("gone-\\xff.html", "convert.not_found", f"{tmp_path}/gone-\\xff.html")]


# --- 6. cut WARC files --------------------------------------------------------------------------------------

def _cut_results(tmp_path: Path, name: str, cut: int) -> list[PageResult]:
    whole = make_warc(tmp_path / f"whole-{name}", compress=name.endswith(".gz"))
    warc = tmp_path / name
    warc.write_bytes(whole.read_bytes()[:cut])
    return list(convert([warc], jobs=1))


def _members(tmp_path: Path) -> list[int]:
    """Where each gzip member (one record each) starts in the compressed test WARC, and its end."""
    data = make_warc(tmp_path / "members.warc.gz", compress=True).read_bytes()
    starts = [0]
    while starts[-1] < len(data):
        member = zlib.decompressobj(wbits=31)
        member.decompress(data[starts[-1]:])
        starts.append(len(data) - len(member.unused_data))
    return starts


def test_a_warc_cut_inside_a_payload_reports_the_page_with_what_was_recovered(tmp_path: Path) -> None:
    whole = make_warc(tmp_path / "whole.warc", compress=False).read_bytes()
    _, mfa = warc_pages()[1]
    results = _cut_results(tmp_path, "crawl.warc", len(whole) - 4 - 1000)  # 1,000 payload bytes short
    assert [r.id for r in results] == ["crawl.warc/000001", "crawl.warc/000002"]
    assert not results[0].failed
    recovered = len(mfa) - 1000
    assert results[1].errors[0] == workers.PageError(
        "convert.warc_truncated", f"the archive ends inside this record: {recovered:,} of {len(mfa):,} payload "
                                  "bytes recovered")
    assert results[1].briefing is not None  # what was recovered is still parsed
    assert results[1].briefing.source.size == recovered


def test_a_warc_cut_inside_a_header_or_a_gzip_member_is_reported(tmp_path: Path) -> None:
    whole = make_warc(tmp_path / "whole.warc", compress=False).read_bytes()
    last = whole.rindex(b"WARC/1.0")
    results = _cut_results(tmp_path, "header.warc", last + 40)  # inside the last record's header
    assert [(r.id, r.failed) for r in results] == [("header.warc/000001", False), ("header.warc", True)]
    assert results[1].errors[0].code == "convert.warc_truncated"
    assert results[1].errors[0].message == (f"the archive ends inside the header of the record at offset {last:,} "
                                            "(1 pages recovered before it)")

    members = _members(tmp_path)
    for cut, recovered in [(members[-2] + 10, 1), (members[-2] + (members[-1] - members[-2]) // 2, 2)]:
        results = _cut_results(tmp_path, "crawl.warc.gz", cut)
        codes = [(r.id, r.errors[0].code if r.errors else None) for r in results]
        if recovered == 1:  # the member's header is cut: the reader drops the record, the check finds it
            assert codes == [("crawl.warc.gz/000001", None), ("crawl.warc.gz", "convert.warc_truncated")]
            assert results[1].errors[0].message == (
                f"{10:,} bytes after the record at offset {members[-3]:,} could not be read as WARC records "
                "(1 pages recovered before it)")
        else:  # cut inside the compressed payload: the page is reported with what was recovered
            assert codes == [("crawl.warc.gz/000001", None), ("crawl.warc.gz/000002", "convert.warc_truncated")]
            assert results[1].errors[0].message.startswith("the archive ends inside this record: ")


def test_a_whole_warc_reports_nothing(tmp_path: Path) -> None:
    for name in ("a.warc", "a.warc.gz"):
        warc = make_warc(tmp_path / name, compress=name.endswith(".gz"))
        assert not any(r.failed for r in convert([warc], jobs=1))
    blank = tmp_path / "blank-lines.warc"
    blank.write_bytes(make_warc(tmp_path / "b.warc", compress=False).read_bytes() + b"\r\n\r\n")
    assert not any(r.failed for r in convert([blank], jobs=1))
    assert gzip.decompress((tmp_path / "a.warc.gz").read_bytes()).startswith(b"WARC/1.0")


# --- 7. one run at a time in a folder ---------------------------------------------------------------------

def test_a_second_run_into_a_busy_folder_says_who_holds_it_and_exits_2(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = _start(out, "--jobs", "1", "--shard-size", "2")
    assert first.stdin is not None
    pages = [folder.parent / page_id for page_id in FOLDER_IDS]
    first.stdin.write("".join(f"{page}\n" for page in pages[:3]))
    first.stdin.flush()
    wait_for(lambda: len(jsonl_uris(out)) == 2)
    def committed() -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and not p.name.endswith(".tmp")}

    before = committed()
    second = subprocess.run([sys.executable, "-m", "briefing_parser", "convert", str(SEED), "-o", str(out),
                             "--resume"], capture_output=True, text=True, timeout=60)
    assert second.returncode == 2
    (line,) = second.stderr.splitlines()
    assert line.startswith(f"briefing-parser convert: {out} is being written by another conversion: "
                           f"pid {first.pid} on ")
    assert committed() == before
    first.stdin.write("".join(f"{page}\n" for page in pages[3:]))
    first.stdin.close()
    assert first.wait(timeout=120) == 1
    assert jsonl_uris(out) == list(map(str, pages))


# --- 8. a full disk ------------------------------------------------------------------------------------------

def _limit_file_size() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
    resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))


def test_an_output_that_cannot_be_written_stops_with_its_own_exit_code(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, "-m", "briefing_parser", "convert", str(folder), "-o", str(out),
                           "--jobs", "1"], capture_output=True, text=True, timeout=120, preexec_fn=_limit_file_size)
    assert done.returncode == 4, done.stderr
    (line,) = done.stderr.splitlines()
    assert line == f"briefing-parser convert: cannot write {out}: File too large"
    assert not list(out.rglob("*.tmp"))


def test_a_full_disk_is_said_so_and_resume_goes_on_after(folder: Path, tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(disk)],
                      capture_output=True).returncode != 0:
        pytest.skip("no tmpfs can be mounted here (not root)")
    try:
        out = disk / "out"
        with pytest.raises(OutputError, match=f"^no space left to write {out}: free some, then run again "
                                              "with --resume$"):
            convert_to([folder, *(CORPUS / name for name in sorted(os.listdir(CORPUS)))], out, jobs=1,
                       shard_size=1)
        assert not list(out.rglob("*.tmp"))
        committed = jsonl_uris(out)
        assert committed == [str(folder.parent / page_id) for page_id in FOLDER_IDS][: len(committed)]
        assert 1 <= len(committed) < len(FOLDER_IDS)
        shutil.move(str(out), tmp_path / "moved")  # room again
    finally:
        subprocess.run(["umount", str(disk)], check=True)
    inputs = [folder, *(CORPUS / name for name in sorted(os.listdir(CORPUS)))]
    again = converted(inputs, tmp_path / "moved", jobs=1, shard_size=1, resume=True)
    assert sum(r.skipped for r in again) == len(committed)
    uris = jsonl_uris(tmp_path / "moved")
    assert sorted(uris) == sorted({*map(str, (folder.parent / page_id for page_id in FOLDER_IDS)),
                                   *(str(CORPUS / name) for name in os.listdir(CORPUS))})


# --- 9. a damaged manifest, an interrupted errors.jsonl ----------------------------------------------------

# What the first line becomes, and how many of the 7 pages are still taken as done: every commit whose files
# check out (a cut header without its newline swallows the first commit, of 3 pages; an empty manifest, all).
@pytest.mark.parametrize(("damage", "kept"), [(b"", 0), (b'{"manifest": 1, "for', 4), (b"\x00garbage\n", 7),
                                              (b"[1, 2]\n", 7)])
def test_a_damaged_manifest_is_reported_and_its_pages_redone(folder: Path, tmp_path: Path, damage: bytes, kept: int,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    converted([folder], fresh, jobs=1, shard_size=3)
    converted([folder], out, jobs=1, shard_size=3)
    manifest = out / "manifest.jsonl"
    lines = manifest.read_bytes().splitlines(keepends=True)
    manifest.write_bytes(damage + b"".join(lines[1:]) if damage else b"")
    results = converted([folder], out, jobs=1, shard_size=3, resume=True)
    assert f"{manifest} is damaged (its first line)" in caplog.text
    assert sum(r.skipped for r in results) == kept
    assert sorted(jsonl_uris(out)) == sorted(jsonl_uris(fresh))
    assert (out / "errors.jsonl").read_bytes() == (fresh / "errors.jsonl").read_bytes()
    caplog.clear()
    assert all(r.skipped for r in converted([folder], out, jobs=1, shard_size=3, resume=True))
    assert "damaged" not in caplog.text


def test_a_garbage_line_in_the_middle_is_damage_its_pages_redone(folder: Path, tmp_path: Path,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    out = tmp_path / "out"
    converted([folder], out, jobs=1, shard_size=3)
    manifest = out / "manifest.jsonl"
    lines = manifest.read_bytes().splitlines(keepends=True)
    manifest.write_bytes(lines[0] + b"\x00\x01 not a commit\n" + b"".join(lines[2:]))  # the first commit is lost
    results = converted([folder], out, jobs=1, shard_size=3, resume=True)
    assert f"{manifest} is damaged (line 2)" in caplog.text
    assert [r.skipped for r in results] == [False] * 3 + [True] * 4
    assert len(jsonl_uris(out)) == 7


def test_an_interrupted_run_leaves_the_previous_errors_file_whole(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    converted([folder], out, jobs=1)
    before = (out / "errors.jsonl").read_bytes()
    assert before.count(b"\n") == 2

    def interrupt(result: PageResult) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        convert_to([folder], out, jobs=1, resume=True, on_result=interrupt)
    assert (out / "errors.jsonl").read_bytes() == before
    assert not list(out.rglob("*.tmp"))


def test_convert_to_works_when_called(tmp_path: Path) -> None:
    done = convert_to([SEED, CORPUS / GOOD[0]], str(tmp_path / "out"))
    assert (done.pages, done.ok, done.failed, done.skipped) == (2, 2, 0, 0)
    assert len(jsonl_uris(tmp_path / "out")) == 2


def test_the_cli_reports_a_busy_folder_and_overwrite(folder: Path, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["convert", str(SEED), "-o", str(out), "--quiet"]) == 0
    assert main(["convert", str(SEED), "-o", str(out), "--quiet"]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"briefing-parser convert: {out} is not empty: give --resume to go on with the conversion in it, or "
        "--overwrite to replace it")
    assert main(["convert", str(folder), "-o", str(out), "--quiet", "--overwrite"]) == 1
    assert len(jsonl_uris(out)) == 7
