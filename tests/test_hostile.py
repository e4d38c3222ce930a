"""Hostile input: whatever a crawler brings back, parse() answers with a Briefing, never a traceback."""

from __future__ import annotations

import random
import tracemalloc

import pytest

import briefing_parser as bp
from briefing_parser import Briefing
from briefing_parser.schema import breaches

# A small transcript page in the reference layout; {charset} is the declared encoding.
PAGE = (
    "<html><head><meta charset='{charset}'><title>新闻发布会实录</title></head><body>"
    "<div id='zoom'><p>2023-03-31&nbsp; 10:00&nbsp;&nbsp; 主持人</p><p>各位记者朋友们，大家好！王堃、朱镕。</p>"
    "<p>2023-03-31&nbsp; 10:01&nbsp;&nbsp; 杨建全</p><p>谢谢主持人。</p></div></body></html>"
)
BIG5_PAGE = PAGE.replace("各位记者朋友们，大家好！王堃、朱镕。", "各位記者朋友們，大家好！") \
    .replace("杨建全", "楊建全").replace("谢谢主持人", "謝謝主持人").replace("新闻发布会实录", "新聞發佈會實錄")


def codes(doc: Briefing) -> set[str]:
    return {d.code for d in doc.diagnostics}


def assert_sound(doc: Briefing) -> None:
    """The model's invariants hold: segments tile the text exactly, spans stay inside it, references resolve."""
    assert breaches(doc) == []


@pytest.mark.parametrize(("data", "code"), [
    (b"", "extract.empty"),
    (b" \n\t\r\n  ", "extract.empty"),
    (b"\x89PNG\r\n\x1a\n" + bytes(random.Random(1).randbytes(4000)), "decode.binary"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + random.Random(2).randbytes(4000),
     "decode.binary"),
    (random.Random(3).randbytes(20000), "decode.binary"),
])
def test_empty_and_binary_input(data: bytes, code: str) -> None:
    doc = bp.parse(data)
    assert code in codes(doc)
    assert any(d.severity == "error" for d in doc.diagnostics)
    assert_sound(doc)


def test_nul_bytes_are_dropped_and_said() -> None:
    doc = bp.parse(PAGE.format(charset="utf-8").replace("谢谢", "谢\x00谢").encode())
    assert "decode.nul_characters" in codes(doc)
    assert "谢谢主持人" in doc.text
    assert_sound(doc)


def test_truncated_utf8_in_a_character() -> None:
    data = PAGE.format(charset="utf-8").encode()
    cut = data[:data.index("谢".encode()) + 2]
    doc = bp.parse(cut)
    assert "decode.truncated" in codes(doc)
    assert doc.source.encoding == "utf-8"
    assert "王堃" in doc.text
    assert_sound(doc)


def test_truncated_gbk_in_a_character() -> None:
    data = PAGE.format(charset="gbk").encode("gbk")
    cut = data[:data.index("谢".encode("gbk")) + 1]
    doc = bp.parse(cut)
    assert "decode.truncated" in codes(doc)
    assert doc.source.encoding == "gb18030"
    assert "王堃" in doc.text
    assert_sound(doc)


def test_meta_charset_that_lies() -> None:
    doc = bp.parse(PAGE.format(charset="utf-8").encode("gbk"))
    assert "decode.declared_encoding_wrong" in codes(doc)
    assert doc.source.encoding == "gb18030"
    assert "杨建全" in doc.text and "王堃" in doc.text
    assert len(doc.turns) == 2
    assert_sound(doc)


def test_gb18030_four_byte_characters() -> None:
    page = PAGE.format(charset="gb18030").replace("谢谢主持人", "𠀀𪚥谢谢主持人€")
    data = page.encode("gb18030")
    assert len("𠀀".encode("gb18030")) == 4
    doc = bp.parse(data)
    assert "𠀀𪚥谢谢主持人€" in doc.text
    assert not any(d.code.startswith("decode.") for d in doc.diagnostics)
    assert_sound(doc)


def test_big5_page() -> None:
    doc = bp.parse(BIG5_PAGE.format(charset="big5").encode("big5"))
    assert doc.source.encoding == "big5hkscs"
    assert "楊建全" in doc.text and "謝謝主持人" in doc.text
    assert len(doc.turns) == 2
    assert_sound(doc)


def test_utf16_with_bom() -> None:
    doc = bp.parse(PAGE.format(charset="utf-16").encode("utf-16"))
    assert doc.source.encoding.startswith("utf-16")
    assert "杨建全" in doc.text
    assert len(doc.turns) == 2
    assert_sound(doc)


def test_50_mb_page_in_bounded_memory() -> None:
    # 50 MB from a crawler: a transcript with a huge inline image and a huge script.
    blob = "A" * (30 * 1024 * 1024)
    script = "var x = 1;\n" * (2 * 1024 * 1024)
    page = PAGE.format(charset="utf-8").replace(
        "<p>谢谢主持人。</p>", f"<p>谢谢主持人。</p><img src='data:image/png;base64,{blob}'><script>{script}</script>")
    data = page.encode()
    assert len(data) > 50_000_000
    tracemalloc.start()
    try:
        doc = bp.parse(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 12 * len(data)  # a bounded multiple of the input
    assert "谢谢主持人" in doc.text
    assert [img.filename for img in doc.images] == ["image"]  # an inline image has no file name
    assert len(doc.text) < 10_000
    assert_sound(doc)


def test_5_mb_of_text_without_markers() -> None:
    paragraphs = "<p>这是一段很长的正文，包含一些文字和标点。</p>\n" * 100_000
    data = f"<html><body><div id=zoom>{paragraphs}</div></body></html>".encode()
    doc = bp.parse(data)
    assert "layout.unknown" in codes(doc)
    assert doc.text.count("这是一段很长的正文") == 100_000
    assert_sound(doc)


def test_100000_nested_tags() -> None:
    data = ("<html><body>" + "<div>" * 100_000 + "深处的文字" + "</div>" * 100_000 + "</body></html>").encode()
    doc = bp.parse(data)
    assert "extract.deep_nesting" in codes(doc)
    assert "深处的文字" in doc.text
    assert_sound(doc)


def test_100000_markers() -> None:
    seconds = [i * 86_399 // 100_000 for i in range(100_000)]  # one day, never backwards
    speakers = ("主持人", "杨建全")
    text = "".join(f"2023-03-31 {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d} {speakers[i % 2]}\n第{i}句。\n"
                   for i, s in enumerate(seconds))
    doc = bp.parse(text.encode())
    assert len(doc.turns) == 100_000
    assert doc.turns[-1].text == "第99999句。"
    assert_sound(doc)


def test_page_that_lost_its_line_ends() -> None:
    """d25's form (…不辱使命。 王超: 非常感谢…) 10,000 times on one line: every label inside the line is a turn."""
    entry = "王超: 下面开始提问。 中央广播电视总台记者: 第{}个问题? 李强: 谢谢你的问题"
    line = "。 ".join(entry.format(i) for i in range(10_000))
    doc = bp.parse(line)
    assert doc.source.layout == "general"
    assert len(doc.turns) == 30_000
    assert [(t.label, t.kind) for t in doc.turns[:3]] == [("王超", "opening"), ("中央广播电视总台记者", "question"),
                                                         ("李强", "answer")]
    assert len(doc.exchanges) == 10_000
    assert_sound(doc)


def test_markers_whose_time_goes_backwards() -> None:
    page = PAGE.format(charset="utf-8").replace("10:01", "09:58")
    doc = bp.parse(page.encode())
    backwards = [d for d in doc.diagnostics if d.code == "segment.time_goes_backwards"]
    assert len(backwards) == 1 and backwards[0].span is not None
    assert doc.text[backwards[0].span.start:backwards[0].span.end].startswith("2023-03-31")
    assert_sound(doc)


def test_marker_date_disagrees_with_the_page() -> None:
    page = PAGE.format(charset="utf-8").replace(
        "<div id='zoom'>", "<div class='info'>2023年03月31日 来源于:本站原创</div><div id='zoom'>"
    ).replace("2023-03-31&nbsp; 10:01", "2023-04-02&nbsp; 10:01")
    doc = bp.parse(page.encode())
    assert doc.published is not None and str(doc.published) == "2023-03-31"
    assert "segment.date_mismatch" in codes(doc)
    assert_sound(doc)


def test_duplicate_markers() -> None:
    marker = "<p>2023-03-31&nbsp; 10:01&nbsp;&nbsp; 杨建全</p>"
    page = PAGE.format(charset="utf-8").replace(marker, marker + marker)
    doc = bp.parse(page.encode())
    assert "segment.duplicate_marker" in codes(doc)
    assert len(doc.turns) == 3
    assert "谢谢主持人" in doc.turns[-1].text
    assert_sound(doc)


def test_noncharacters_in_the_page_do_not_break_rendering() -> None:
    # The renderer's own line marks are Unicode noncharacters; a page carrying them keeps its text.
    page = PAGE.format(charset="utf-8").replace("谢谢主持人", "谢\ufdd0谢\ufdd1主持人")
    doc = bp.parse(page.encode())
    assert "谢\ufffd谢\ufffd主持人" in doc.text
    assert_sound(doc)
