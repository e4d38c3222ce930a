"""Hostile input: whatever a crawler brings back, parse() answers with a Briefing, never a traceback."""

from __future__ import annotations

import random
import re
import tracemalloc
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

import briefing_parser as bp
from briefing_parser import Briefing
from briefing_parser.bounds import MOST_DEPTH, MOST_OPTIONS, bound_attributes, bound_depth
from briefing_parser.schema import breaches

FIXTURES = Path(__file__).parent / "fixtures"

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


# --- Encoding labels: the WHATWG table, not Python's codec names --------------------------------------

@pytest.mark.parametrize("label", ["rot13", "base64", "hex", "zlib", "bz2", "uu", "quopri", "undefined", "cp500"])
def test_codec_names_that_are_no_encoding_labels_are_ignored(label: str) -> None:
    doc = bp.parse(PAGE.format(charset=label).encode())
    unknown = [d for d in doc.diagnostics if d.code == "decode.unknown_encoding"]
    assert len(unknown) == 1 and repr(label) in unknown[0].message
    assert doc.source.encoding == "utf-8"
    assert [t.label for t in doc.turns] == ["主持人", "杨建全"]
    assert "王堃、朱镕" in doc.text


def test_a_utf16_label_on_utf8_bytes_is_read_as_utf8() -> None:
    doc = bp.parse(PAGE.format(charset="utf-16").encode())  # as browsers do: a <meta> is in no UTF-16
    assert doc.source.encoding == "utf-8"
    assert not any(d.code.startswith("decode.") for d in doc.diagnostics)
    assert [t.label for t in doc.turns] == ["主持人", "杨建全"]


@pytest.mark.parametrize("label", ["iso-8859-1", "ISO8859-1", "latin1", "us-ascii", " Windows-1252 "])
def test_latin1_labels_are_windows_1252(label: str) -> None:
    page = f"<html><head><meta charset='{label}'></head><body><p>\x93quoted\x94 costs \x805.</p></body></html>"
    doc = bp.parse(page.encode("latin-1"))
    assert doc.source.encoding == "cp1252"
    assert doc.text == "“quoted” costs €5."


def test_utf8_bytes_under_a_single_byte_label_are_flagged() -> None:
    page = "<html><head><meta charset='windows-1252'></head><body><p>A naïve café, déjà vu.</p></body></html>"
    doc = bp.parse(page.encode())
    assert doc.text == "A naÃ¯ve cafÃ©, dÃ©jÃ\xa0 vu."  # the label is followed, as browsers do ...
    implausible = [d for d in doc.diagnostics if d.code == "decode.implausible_text"]
    assert len(implausible) == 1 and implausible[0].message.endswith("its bytes are UTF-8")  # ... and said


def test_control_characters_from_a_wrong_single_byte_label_are_flagged() -> None:
    words = "\x93Yes,\x94 he said. " * 20  # windows-1252 quotes, which iso-8859-2 reads as C1 controls
    doc = bp.parse(f"<html><head><meta charset='iso-8859-2'></head><body><p>{words}</p></body></html>"
                   .encode("latin-1"))
    assert doc.source.encoding == "iso8859-2"
    assert doc.text.count("\x93") == 20
    assert "decode.implausible_text" in codes(doc)


def test_windows_1252_page_without_a_label() -> None:
    page = "<html><body><p>This is a naïve café with “quotes” and a résumé.</p></body></html>"
    doc = bp.parse(page.encode("cp1252"))  # neither UTF-8 nor GB18030: the detector's guess
    assert doc.source.encoding == "cp1252"
    assert doc.text == "This is a naïve café with “quotes” and a résumé."


# --- Values that Python refuses ------------------------------------------------------------------------

@pytest.mark.parametrize(("src", "filename"), [
    ("http://[IMAGE_URL]/a.jpg", "a.jpg"), ("http://[x/a.jpg", "a.jpg"), ("https://a]b/c.jpg", "c.jpg"),
    ("https://[::1]:8080/p/W020230331.jpg?x=1#top", "W020230331.jpg"), ("./W0201901026.jpg", "W0201901026.jpg"),
])
def test_image_urls_that_urlsplit_refuses(src: str, filename: str) -> None:
    page = PAGE.format(charset="utf-8").replace("<p>谢谢主持人。</p>", f"<p>谢谢主持人。</p><img src='{src}'>")
    doc = bp.parse(page.encode())
    assert [(img.filename, img.src) for img in doc.images] == [(filename, src)]
    assert_sound(doc)


@pytest.mark.parametrize(("number", "expected"), [("9" * 5000, None), ("9" * 20, None), ("9" * 18, 10**18 - 1),
                                                  ("十二", 12)])
def test_series_numbers_too_long_for_a_number(number: str, expected: int | None) -> None:
    lead = f"欢迎参加“稳经济”系列新闻发布会第{number}场。"
    doc = bp.parse(PAGE.format(charset="utf-8").replace("各位记者朋友们", lead + "各位记者朋友们").encode())
    assert doc.series is not None
    assert (doc.series.name, doc.series.number) == ("稳经济", expected)


# --- One decoding path: a page as str is the page as bytes ---------------------------------------------

SEED_TEXT = (FIXTURES / "taian-2023-03-31.txt").read_text(encoding="utf-8")
SEED_LABELS = [t.label for t in bp.parse(SEED_TEXT).turns]


def same_apart_from_source(a: Briefing, b: Briefing) -> bool:
    return a.model_dump(exclude={"source"}) == b.model_dump(exclude={"source"})


@pytest.mark.parametrize("path", [FIXTURES / "taian-2023-03-31.html", FIXTURES / "taian-2023-03-31.gbk.html",
                                  FIXTURES / "taian-2023-03-31.txt", *sorted((FIXTURES / "corpus").iterdir())[:4]],
                         ids=lambda path: path.name)
def test_a_page_as_str_and_as_bytes(path: Path) -> None:
    data = path.read_bytes()
    as_bytes = bp.parse(data)
    assert same_apart_from_source(bp.parse(data.decode(as_bytes.source.encoding)), as_bytes)


def test_str_with_a_bom() -> None:
    page = PAGE.format(charset="utf-8")
    as_str, as_bytes = bp.parse("\ufeff" + page), bp.parse(("\ufeff" + page).encode())
    assert as_str.text.startswith("2023-03-31")  # the title stays in the head
    assert as_str.title == "新闻发布会实录"
    assert same_apart_from_source(as_str, as_bytes)
    assert same_apart_from_source(bp.parse("\ufeff" + SEED_TEXT), bp.parse(SEED_TEXT))


@pytest.mark.parametrize("separator", ["\r\n", "\r", "\u2028", "\u2029", "\x85", "\v", "\f"])
def test_other_line_separators_in_plain_text(separator: str) -> None:
    text = SEED_TEXT.replace("\n", separator)
    for doc in (bp.parse(text), bp.parse(text.encode())):
        assert [t.label for t in doc.turns] == SEED_LABELS
        assert len(SEED_LABELS) == 9
        assert same_apart_from_source(doc, bp.parse(SEED_TEXT))


def test_plain_text_with_a_stray_tag() -> None:
    text = SEED_TEXT.replace("新闻发布会实录\n", "新闻发布会实录<br>\n", 1)
    assert text.index("<br>") < 4096
    for doc in (bp.parse(text), bp.parse(text.encode())):
        assert doc.source.media_type == "text/plain"
        assert [t.label for t in doc.turns] == SEED_LABELS
        assert "新闻发布会实录<br>" in doc.text


def test_lone_surrogates_become_replacement_characters() -> None:
    doc = bp.parse(SEED_TEXT.replace("谢谢", "谢\ud800谢", 1))
    assert "decode.lone_surrogates" in codes(doc)
    assert doc.text.count("\ufffd") == 1
    assert "谢\ufffd谢" in doc.text
    assert doc.model_dump_json()  # the text is valid Unicode again
    html = bp.parse(PAGE.format(charset="utf-8").replace("谢谢", "谢\udfff谢"))
    assert "谢\ufffd谢主持人" in html.text
    assert html.model_dump_json()


def test_nul_in_str_input_is_dropped_as_in_bytes() -> None:
    text = SEED_TEXT.replace("谢谢", "谢\x00谢", 1)
    as_str = bp.parse(text)
    assert "\x00" not in as_str.text
    assert "decode.nul_characters" in codes(as_str)
    assert same_apart_from_source(as_str, bp.parse(text.encode()))


@pytest.mark.parametrize("invisible", ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"])
def test_zero_width_characters_inside_a_label(invisible: str) -> None:
    doc = bp.parse(SEED_TEXT.replace("主持人", f"主{invisible}持人"))
    assert [t.label for t in doc.turns] == SEED_LABELS
    assert doc.turns[0].role == "host"
    assert invisible not in doc.text


def test_full_width_clock_times_are_markers() -> None:
    plain = bp.parse(SEED_TEXT)
    full_width = str.maketrans("0123456789:", "０１２３４５６７８９：")
    doc = bp.parse(re.sub(r"\b\d\d:\d\d\b", lambda clock: clock.group(0).translate(full_width), SEED_TEXT))
    assert "2023-03-31\u00a0 １０：０１" in doc.text
    assert [(t.label, t.at) for t in doc.turns] == [(t.label, t.at) for t in plain.turns]
    assert str(doc.turns[1].at) == "2023-03-31 10:01:00+08:00"


# --- Shapes that HTML tree building pays for quadratically ---------------------------------------------

def test_text_between_deeply_nested_tags() -> None:
    html = "<html><body>" + "<div>x" * 128_000 + "</div>" * 128_000 + "</body></html>"
    bounded, dropped = bound_depth(html)
    kept = MOST_DEPTH  # <html> and <body> are the document's, no nesting
    assert dropped == 2 * (128_000 - kept)  # the opening tags past the bound and their closing tags
    assert bounded.count("<div>") == bounded.count("</div>") == kept
    assert bounded.count("x") == 128_000
    doc = bp.parse(html.encode())
    assert "extract.deep_nesting" in codes(doc)
    assert doc.text.count("x") == 128_000
    assert_sound(doc)


def test_a_tag_with_128000_attributes() -> None:
    html = ("<html><body><div id='zoom'><p " + " ".join(f"a{i}='{i}'" for i in range(128_000)) + ">主持人：你好</p>"
            "<p>记者：请问？</p></div></body></html>")
    bounded, cut = bound_attributes(html)
    assert cut == 1
    assert re.search(r"<p [^>]*>", bounded).group(0) == "<p " + " ".join(f"a{i}='{i}'" for i in range(256)) + ">"
    doc = bp.parse(html.encode())
    assert "extract.many_attributes" in codes(doc)
    assert "主持人：你好" in doc.text
    assert_sound(doc)


@pytest.mark.parametrize("attributes", [
    " ".join(f"a{i}" for i in range(1000)),  # bare
    "/".join(f"a{i}" for i in range(1000)),  # apart by slashes
    "".join(f'a{i}="{i}"' for i in range(1000)),  # each glued to the quoted value before it
    'x" ' + " ".join(f"a{i}" for i in range(1000)),  # a quote inside the first name
    "\n".join(f"data-a{i} = 'x y {i}'" for i in range(1000)),
])
def test_attributes_as_the_tokenizer_reads_them(attributes: str) -> None:
    bounded, cut = bound_attributes(f"<div><p {attributes}>text</p></div>")
    assert cut == 1
    assert bounded.endswith(">text</p></div>")
    paragraph = LexborHTMLParser(bounded).css_first("p")
    assert paragraph is not None and len(paragraph.attributes) == 256
    assert paragraph.text() == "text"


def test_a_long_tag_of_ambiguous_attributes_below_the_bound() -> None:
    # a="x y" reads as one attribute, or as a="x and y": each read once, or this takes 2**255 steps
    html = "<div><p " + " ".join(f'a{i}="x y"' for i in range(255)) + " " * 600 + ">text</p></div>"
    assert bound_attributes(html) == (html, 0)


def test_a_run_of_tag_openings_is_one_tag() -> None:
    # <a<a<a… is one tag named a<a<a…, read once: read again from each `<`, 20,000 of them took 8 s
    html = "<p>" + "x" * 600 + "<a" * 80_000 + ">"
    assert bound_attributes(html) == (html, 0)
    # … and <a b0<a b1<a … one of 1,000 attributes (b0<a, b1<a, …)
    spaced = "<div><p>" + "x" * 600 + "".join(f"<a b{i}" for i in range(1000)) + ">text</p></div>"
    bounded, cut = bound_attributes(spaced)
    assert cut == 1
    anchor = LexborHTMLParser(bounded).css_first("a")
    assert anchor is not None and len(anchor.attributes) == 256


def test_a_long_tag_of_few_attributes_is_kept() -> None:
    html = "<p><img alt='a b c' src=data:image/png;base64," + "A" * 100_000 + " title='x y'>text</p>"
    assert bound_attributes(html) == (html, 0)


@pytest.mark.parametrize("html", [
    "<div>" + "<p>para<br><img src=a.jpg><li>item<a href=#>link" * 2000 + "</div>",
    "<ul>" + "<li><span>item<b>bold" * 2000 + "</ul>",  # an <li> closes the open <li> across inline elements
    "<table>" + "<tr><td>cell<td><p>cell<th>head" * 2000 + "</table>",
    "<dl>" + "<dt>term<dd>definition" * 3000 + "</dl>", "<h1>heading<h2>heading" * 3000,
    "<div>" + "<p>x<div>y</div>" * 3000 + "</div>",
    "<select>" + "<optgroup><option>x" * 120 + "</select>" + "<span></span>" * 3000,
])
def test_siblings_void_elements_and_closed_blocks_are_no_nesting(html: str) -> None:
    assert bound_depth(html) == (html, 0)


@pytest.mark.parametrize(("unit", "dropped"), [
    ("<b>x", 5000 - 256),
    ("<p>x<div>y", 2 * (5000 - 256)),  # a <div> closes the <p>: the divs nest, one a unit
    ("<li><ul>x", 2 * (5000 - 128)),  # an <li> closes no <li> across a <ul>: two a unit
    ("<ul><li>x", 5000 - 128),  # past the bound the lists are dropped and the items are siblings
    ("<table><tr><td>x", 2 + 3 * (5000 - 86)),  # three a unit: 85 units and a table fill the bound
])
def test_nesting_that_the_tree_builder_keeps(unit: str, dropped: int) -> None:
    bounded, found = bound_depth(unit * 5000)
    assert found == dropped
    assert bounded.count("x") == 5000


def test_options_past_the_bound_are_dropped() -> None:
    html = "<select>" + "<option>x</option>" * 5000 + "</select>"
    bounded, dropped = bound_depth(html)
    assert dropped == 2 * (5000 - MOST_OPTIONS)
    assert bounded.count("<option>") == MOST_OPTIONS
    assert bounded.count("x") == 5000


def test_a_photo_gallery_keeps_its_images() -> None:
    photos = "".join(f"<img src='/pic/W0202303311219{i:03d}.jpg'><br>" for i in range(130))
    filler = "<span>·</span>" * 2000  # a page of more than 4,096 tags
    page = PAGE.format(charset="utf-8").replace("<p>谢谢主持人。</p>", f"<p>谢谢主持人。</p>{photos}{filler}")
    assert page.count("<") > 4096
    doc = bp.parse(page.encode())
    assert "extract.deep_nesting" not in codes(doc)
    assert [img.filename for img in doc.images] == [f"W0202303311219{i:03d}.jpg" for i in range(130)]
    assert_sound(doc)
