"""Fuzzing `parse()` with mutated real pages, for a bounded time: no exception, every Briefing serializes,
its segments tile its text exactly, and a page gives the same Briefing as UTF-8 bytes and as str.

Case `i` of seed `s` is the same input on every machine: a failure names both, and `case(s, i)` rebuilds it.
FUZZ_SEED and FUZZ_SECONDS (default 40) change the seed and the time; more time runs more cases.
"""

from __future__ import annotations

import os
import random
import signal
import time
from functools import cache
from pathlib import Path

import briefing_parser as bp

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
CORPUS = ROOT.parent / "shared" / "corpus"  # the development corpus, where it is laid beside the clone
SEED = int(os.environ.get("FUZZ_SEED", "2023"))
SECONDS = float(os.environ.get("FUZZ_SECONDS", "40"))
LARGEST = 400_000  # bytes a mutated page may grow to: time goes to many cases, not to a few big ones
# What hostile pages and crawlers put into pages: lying and odd encoding labels, invisible and separator
# characters, broken URLs and numbers, markers in odd forms, markup that nests, opens or never closes.
SNIPPETS = (
    "<meta charset=rot13>", "<meta charset='utf-16'>", "<meta charset=x-user-defined>", "<meta charset=cp500>",
    "<meta http-equiv=Content-Type content='text/html; charset=iso-8859-1'>", "<meta charset=hz-gb-2312>",
    "\ufeff", "\x00", "\u200b", "\u2028", "\u2029", "\x85", "\v", "\f", "\r", "\ufdd0", "\ufdd3", "\ufffe", "🀄",
    "<img src='http://[IMAGE_URL]/a.jpg'>", "<img src=https://a]b/c.jpg>", "<img src=''>", "<img>",
    "“稳经济”系列新闻发布会第99999999999999999999场", "第" + "9" * 5000 + "场",
    "\n2023-03-31 10:01 杨建全\n", "\n１０：００ 主持人\n", "\n问：", "\n答：", "\n主持人：", "\n记者：", "\n追问：",
    "\n新华社记者：", "\n主\u200b持人：", "\nQ:", "\nA:", "\n25:99 主持人\n", "\n2023-02-30 10:00 主持人\n",
    "<div>" * 300, "</div>" * 50, "<div>x" * 300, "<ul><li>x" * 300, "<select>" + "<option>x" * 300,
    "<img src=W0201.jpg><br>" * 150,
    "<p " + " ".join(f"a{i}" for i in range(600)) + ">", "<table><tr><td>", "<b><i><u>", "</p></p>",
    "<!--", "-->", "<script>", "</script>", "<![CDATA[", "<?xml version='1.0'?>", "&#0;", "&#xD800;", "&#x110000;",
    "&nbsp;" * 50, "<br>" * 200, "电话：0538-6991152", "+86 99999999999999999999", "2023年13月45日",
)
ENCODINGS = ("utf-8", "gb18030", "gbk", "big5", "utf-16", "utf-16-be", "cp1252", "shift_jis", "euc-kr")


@cache
def pages() -> tuple[Path, ...]:
    """The real pages mutated: the fixtures, and the development corpus where it is there."""
    found = [p for p in FIXTURES.rglob("*") if p.suffix in (".html", ".txt")]
    if CORPUS.is_dir():
        found += [p for p in CORPUS.rglob("*") if p.suffix in (".html", ".txt")]
    return tuple(sorted(found))


def case(seed: int, index: int) -> bytes | str:
    """Input `index` of a seed: a real page with one to four mutations, as bytes or as str."""
    rng = random.Random(f"{seed}:{index}")
    data = rng.choice(pages()).read_bytes()
    for _ in range(rng.randint(1, 4)):
        data = rng.choice(MUTATIONS)(rng, data)[:LARGEST]
    if rng.random() < 0.3:  # as str: the bytes' text, invalid bytes as lone surrogates now and then
        return data.decode("utf-8", rng.choice(("replace", "surrogateescape", "ignore")))
    return data


def _at(rng: random.Random, data: bytes) -> int:
    return rng.randrange(len(data) + 1)


def insert_snippet(rng: random.Random, data: bytes) -> bytes:
    at, snippet = _at(rng, data), rng.choice(SNIPPETS)
    return data[:at] + snippet.encode("utf-8", "surrogatepass") + data[at:]


def flip_bytes(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 64)):
        if out:
            out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def cut(rng: random.Random, data: bytes) -> bytes:
    start = _at(rng, data)
    return data[:start] + data[start + rng.randint(1, 4096):] if rng.random() < 0.7 else data[:start]


def repeat_range(rng: random.Random, data: bytes) -> bytes:
    start = _at(rng, data)
    piece = data[start:start + rng.randint(1, 2048)]
    return data[:start] + piece * rng.randint(2, 200) + data[start:]


def splice(rng: random.Random, data: bytes) -> bytes:
    other = rng.choice(pages()).read_bytes()
    start = rng.randrange(len(other) + 1)
    return data[:_at(rng, data)] + other[start:start + rng.randint(1, 20_000)]


def reencode(rng: random.Random, data: bytes) -> bytes:
    """The page in another encoding, its label kept: a lying label, or UTF-16 without a BOM."""
    text = data.decode("utf-8", "replace")
    return text.encode(rng.choice(ENCODINGS), "replace")


def random_text(rng: random.Random, data: bytes) -> bytes:
    """Characters from anywhere in Unicode: controls, surrogates (as UTF-8 would spell them), private use."""
    chars = "".join(chr(rng.choice((rng.randrange(0x20), rng.randrange(0x110000), rng.randrange(0x4E00, 0xA000))))
                    for _ in range(rng.randint(1, 200)))
    at = _at(rng, data)
    return data[:at] + chars.encode("utf-8", "surrogatepass") + data[at:]


MUTATIONS = (insert_snippet, insert_snippet, insert_snippet, flip_bytes, cut, repeat_range, splice, reencode,
             random_text)


# What only bytes can have: a label, a guess, bytes that are no text. A str has none of these.
BYTES_ONLY = frozenset({"decode.declared_encoding_wrong", "decode.fallback_encoding", "decode.unknown_encoding",
                        "decode.implausible_text"})


def check(data: bytes | str) -> None:
    """What every parse must give: a Briefing that serializes, whose segments tile its text in order; and
    bytes read as UTF-8 give the Briefing that their text gives as a str, apart from `source`."""
    doc = bp.parse(data)
    doc.model_dump_json()
    position = 0
    for segment in doc.segments:
        assert segment.span.start == position < segment.span.end, f"segment {segment} after offset {position}"
        position = segment.span.end
    assert position == len(doc.text), f"the segments end at {position} of {len(doc.text)}"
    if isinstance(data, bytes) and doc.source.encoding == "utf-8" and _is_utf8(data):
        as_bytes, as_str = doc.model_dump(exclude={"source"}), bp.parse(data.decode()).model_dump(exclude={"source"})
        as_bytes["diagnostics"] = [d for d in as_bytes["diagnostics"] if d["code"] not in BYTES_ONLY]
        assert as_bytes == as_str, "as str: " + ", ".join(key for key in as_str if as_str[key] != as_bytes[key])


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode()
    except UnicodeDecodeError:
        return False
    return True


class Hung(Exception):
    """A case ran for HUNG seconds: no page takes a hundredth of that, so the parse does not end."""


HUNG = 120


def _hung(signum: int, frame: object) -> None:
    raise Hung(f"no answer after {HUNG} s")


def test_mutated_real_pages() -> None:
    assert len(pages()) >= 20
    failures: list[str] = []
    deadline = time.monotonic() + SECONDS
    index = 0
    previous = signal.signal(signal.SIGALRM, _hung)  # a hang is a failure of its case, not of the run
    try:
        while time.monotonic() < deadline and len(failures) < 5:
            signal.alarm(HUNG)
            try:
                check(case(SEED, index))
            except Exception as error:  # every failure is reported with the case that rebuilds it
                failures.append(f"case({SEED}, {index}): {type(error).__name__}: {error}"[:500])
            finally:
                signal.alarm(0)
            index += 1
    finally:
        signal.signal(signal.SIGALRM, previous)
    assert not failures, f"{len(failures)} of {index} cases failed:\n" + "\n".join(failures)
    assert index >= 50  # a run that tried next to nothing proves nothing
