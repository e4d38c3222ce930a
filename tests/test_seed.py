"""The reference page (泰安, 2023-03-31) as text, as UTF-8 HTML and as GBK HTML labelled gb2312."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

import briefing_parser as bp

FIXTURES = Path(__file__).parent / "fixtures"
SEED_TXT = FIXTURES / "taian-2023-03-31.txt"
SEED_HTML = FIXTURES / "taian-2023-03-31.html"
SEED_GBK = FIXTURES / "taian-2023-03-31.gbk.html"
GOLDEN = FIXTURES / "golden" / "taian-2023-03-31.json"

EXPECTED_TURNS = [
    ("10:00", "主持人", "host", "opening", "新闻界的各位朋友"),
    ("10:01", "杨建全", "official", "statement", "女士们、先生们、媒体朋友们"),
    ("10:06", "杨建全", "official", "statement", "二是实施科技创新“双十工程”"),
    ("10:11", "主持人", "host", "transition", "接下来,请各位记者朋友"),
    ("10:12", "山东商报", "journalist", "question", "前段时间,我市举办了"),
    ("10:12", "柳斌", "official", "answer", "泰安市“百名专家泰安行"),
    ("10:15", "大众网", "journalist", "question", "可否再详细介绍一下"),
    ("10:16", "徐海鹏", "official", "answer", "“双十工程”实施主要分"),
    ("10:18", "主持人", "host", "closing", "现场提问就到这里"),
]
EXPECTED_OFFICIALS = {
    "杨建全": "市科技局党组书记、一级调研员",
    "徐海鹏": "市科技局发展规划科科长、一级主任科员",
    "柳斌": "市科技局外国专家服务与科技合作科科长",
}
EXPECTED_IMAGES = [
    ("微信图片_20230331121901.jpg", "t1"),
    ("微信图片_202303311219015.jpg", "t2"),
    ("微信图片_202303311219017.jpg", "t5"),
    ("微信图片_202303311219016.jpg", "t7"),
    ("微信图片_202303311219014.jpg", "t8"),
]


def parse_file(path: Path) -> bp.Briefing:
    return bp.parse(path.read_bytes(), uri=path.name)


@pytest.fixture(scope="module", params=[SEED_TXT, SEED_HTML, SEED_GBK], ids=["text", "html-utf8", "html-gbk"])
def doc(request: pytest.FixtureRequest) -> bp.Briefing:
    return parse_file(request.param)


def test_turns(doc: bp.Briefing) -> None:
    got = [(t.at.strftime("%H:%M") if t.at else None, t.label, t.role, t.kind, t.text[: len(words)])
           for t, (*_, words) in zip(doc.turns, EXPECTED_TURNS, strict=True)]
    assert got == EXPECTED_TURNS
    assert [t.id for t in doc.turns] == [f"t{n}" for n in range(1, 10)]
    assert [t.index for t in doc.turns] == list(range(9))


def test_turn_times_are_china_time(doc: bp.Briefing) -> None:
    assert doc.started_at == datetime(2023, 3, 31, 2, 0, tzinfo=UTC)
    assert doc.ended_at == datetime(2023, 3, 31, 2, 18, tzinfo=UTC)
    assert doc.started_at is not None and doc.started_at.isoformat() == "2023-03-31T10:00:00+08:00"


def test_exchanges(doc: bp.Briefing) -> None:
    outlets = {o.id: o.name for o in doc.outlets}
    got = [(outlets[x.outlet_id] if x.outlet_id else None, x.question_turn_ids, x.answer_turn_ids)
           for x in doc.exchanges]
    assert got == [("山东商报", ["t5"], ["t6"]), ("大众网", ["t7"], ["t8"])]
    assert [doc.participant(doc.turn(x.answer_turn_ids[0]).participant_id or "").name for x in doc.exchanges] == [
        "柳斌", "徐海鹏"]


def test_officials(doc: bp.Briefing) -> None:
    officials = [p for p in doc.participants if p.role == "official"]
    assert {p.name: p.title for p in officials} == EXPECTED_OFFICIALS
    assert {p.organization for p in officials} == {"市科技局"}
    assert {p.honorific for p in officials} == {"先生"}
    hosts = [p for p in doc.participants if p.role == "host"]
    assert [(p.label, p.name) for p in hosts] == [("主持人", None)]


def test_outlets(doc: bp.Briefing) -> None:
    assert [(o.id, o.name, o.kind) for o in doc.outlets] == [("o1", "山东商报", "newspaper"), ("o2", "大众网", "web")]
    journalists = [p for p in doc.participants if p.role == "journalist"]
    assert [(p.label, p.outlet_id) for p in journalists] == [("山东商报", "o1"), ("大众网", "o2")]


def test_contact(doc: bp.Briefing) -> None:
    assert len(doc.contacts) == 1
    contact = doc.contacts[0]
    assert (contact.raw, contact.e164, contact.owner, contact.turn_id, contact.kind) == (
        "6991152", "+865386991152", "市科技局机关党委", "t9", "landline")
    assert doc.text[contact.span.start:contact.span.end] == "6991152"


def test_images(doc: bp.Briefing) -> None:
    assert [(i.filename, i.turn_id) for i in doc.images] == EXPECTED_IMAGES
    assert doc.images[0].captured_at == datetime.fromisoformat("2023-03-31T12:19:01+08:00")
    for image in doc.images:
        assert doc.text[image.span.start:image.span.end] == image.filename
        assert image.id in doc.turn(image.turn_id or "").image_ids
        assert image.filename not in doc.turn(image.turn_id or "").text


def test_metadata(doc: bp.Briefing) -> None:
    assert doc.title == "“科技赋能新型工业化强市建设” 新闻发布会实录"
    assert doc.topic == "科技赋能新型工业化强市建设"
    assert doc.published == date(2023, 3, 31)
    assert doc.held_on == date(2023, 3, 31)  # from the first marker
    assert doc.origin == "本站原创"
    assert doc.breadcrumb == ["泰安新闻发布", "直播回放", "浏览文章"]
    assert doc.region == "泰安市"
    assert doc.series is not None and (doc.series.name, doc.series.number) == ("坚定不移推动高质量发展", 9)
    assert doc.organizer == "市政府新闻办"
    assert doc.language == "zh"
    assert doc.source.layout == "timestamp"


def test_no_warnings(doc: bp.Briefing) -> None:
    assert [d.code for d in doc.diagnostics if d.severity != "info"] == []


def test_segments_are_lossless(doc: bp.Briefing) -> None:
    assert "".join(doc.segment_text(s) for s in doc.segments) == doc.text
    kinds = {s.kind for s in doc.segments}
    assert {"header", "marker", "turn", "image", "contact", "boilerplate"} <= kinds
    assert "unclassified" not in kinds
    markers = [doc.segment_text(s) for s in doc.segments if s.kind == "marker"]
    assert len(markers) == 9 and markers[0].endswith("主持人")


def test_footer_is_boilerplate() -> None:
    doc = parse_file(SEED_TXT)
    boilerplate = "".join(doc.segment_text(s) for s in doc.segments if s.kind == "boilerplate")
    assert "Powered by www.newstaian.cn.All rights reserved." in boilerplate
    assert "鲁ICP备14011259号" in boilerplate
    assert "ICP" not in doc.turns[-1].text
    assert doc.turns[-1].text.endswith("本场新闻发布会到此结束。谢谢大家!")


def test_source() -> None:
    text = parse_file(SEED_TXT).source
    assert (text.media_type, text.encoding, text.size, text.uri) == ("text/plain", "utf-8", 11689, SEED_TXT.name)
    html = parse_file(SEED_HTML).source
    assert (html.media_type, html.encoding) == ("text/html", "utf-8")
    gbk = parse_file(SEED_GBK).source
    assert (gbk.media_type, gbk.encoding) == ("text/html", "gb18030")


def test_gbk_page_keeps_characters_outside_gb2312() -> None:
    data = SEED_GBK.read_bytes()
    assert b'charset=gb2312' in data
    with pytest.raises(UnicodeDecodeError):
        data.decode("gb2312")  # a strict gb2312 decoder (or lxml) would stop here
    doc = bp.parse(data)
    assert "责任编辑：王堃\u3000审核：朱镕" in doc.text
    assert "首页 · 新闻发布 · 直播回放 · 网站导航" in doc.text
    assert doc.text.rstrip().endswith("鲁ICP备14011259号")
    utf8 = parse_file(SEED_HTML)
    assert doc.text == utf8.text
    assert doc.model_dump(exclude={"source"}) == utf8.model_dump(exclude={"source"})


def test_html_images_keep_their_source() -> None:
    doc = parse_file(SEED_HTML)
    assert doc.images[0].src == "/uploadfiles/202303/微信图片_20230331121901.jpg"
    text_doc = parse_file(SEED_TXT)
    assert text_doc.images[0].src is None


def test_text_and_html_agree() -> None:
    text, html = parse_file(SEED_TXT), parse_file(SEED_HTML)
    assert [t.model_dump(exclude={"span", "marker_span", "text", "paragraphs"}) for t in text.turns] == [
        t.model_dump(exclude={"span", "marker_span", "text", "paragraphs"}) for t in html.turns]
    assert [t.paragraphs[:1] for t in text.turns] == [t.paragraphs[:1] for t in html.turns]
    for field in ("exchanges", "participants", "outlets"):
        assert getattr(text, field) == getattr(html, field)
    assert [c.model_dump(exclude={"span"}) for c in text.contacts] == [
        c.model_dump(exclude={"span"}) for c in html.contacts]
    assert [i.model_dump(exclude={"span", "src"}) for i in text.images] == [
        i.model_dump(exclude={"span", "src"}) for i in html.images]


@pytest.mark.parametrize("template", ["live", "table", "strong", "bold", "clock"])
def test_live_text_templates_agree_with_the_text(template: str) -> None:
    """The reference page in the live-text templates of tools/make_seed_html.py: live-blog items, table rows,
    <strong>10:00 主持人：</strong> before the words, <b>2023-03-31 10:00 主持人</b> glued to them, 10：00　主持人
    with the time alone."""
    text, page = parse_file(SEED_TXT), parse_file(FIXTURES / f"taian-2023-03-31.{template}.html")
    assert [(t.at, t.label, t.role, t.kind, t.text) for t in page.turns] == [
        (t.at, t.label, t.role, t.kind, t.text) for t in text.turns]
    assert [(x.question_turn_ids, x.answer_turn_ids) for x in page.exchanges] == [(["t5"], ["t6"]), (["t7"], ["t8"])]
    officials = {p.name: p.title for p in page.participants if p.role == "official"}
    assert officials == EXPECTED_OFFICIALS
    assert [(i.filename, i.turn_id) for i in page.images] == EXPECTED_IMAGES
    assert [c.e164 for c in page.contacts] == ["+865386991152"]
    assert page.diagnostics == []


def test_golden_json() -> None:
    """The whole document, field for field. Regenerate with UPDATE_GOLDEN=1 and review the diff."""
    got = json.loads(parse_file(SEED_TXT).model_dump_json())
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert got == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_path_and_str_inputs_agree() -> None:
    from_path = bp.parse(SEED_TXT)
    from_str = bp.parse(SEED_TXT.read_text(encoding="utf-8"), uri=str(SEED_TXT))
    assert from_path.source.uri == str(SEED_TXT)
    assert from_path == from_str


def test_strict_mode_passes_on_the_reference_page() -> None:
    assert len(bp.parse(SEED_TXT, options={"strict": True}).turns) == 9


def test_wrong_argument_type_raises() -> None:
    with pytest.raises(TypeError):
        bp.parse(12345)  # type: ignore[arg-type]


@pytest.mark.parametrize("enabled", [True, False])
def test_parse_leaves_the_garbage_collector_as_it_found_it(enabled: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """parse() pauses the cyclic collector (its cost grew faster than the page) and restores the caller's setting."""
    import gc

    from briefing_parser import pipeline

    paused = []
    original = pipeline.build

    def build(data: bytes | str, **kwargs: Any) -> bp.Briefing:
        paused.append(not gc.isenabled())
        return original(data, **kwargs)

    monkeypatch.setattr(pipeline, "build", build)
    was = gc.isenabled()
    try:
        gc.enable() if enabled else gc.disable()
        doc = bp.parse(SEED_TXT)
        assert (paused, gc.isenabled()) == ([True], enabled)
    finally:
        gc.enable() if was else gc.disable()
    assert [t.label for t in doc.turns][:2] == ["主持人", "杨建全"]


def test_same_page_twice_as_equal_texts() -> None:
    """An equal text of the page before (the same page again, another object) reads the same."""
    text = SEED_TXT.read_text(encoding="utf-8")
    first, second = bp.parse(text), bp.parse("".join(list(text)))
    assert first.model_dump(exclude={"source"}) == second.model_dump(exclude={"source"})
    assert len(second.turns) == 9
