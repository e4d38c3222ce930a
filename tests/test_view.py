"""The HTML view of one parse: every segment once and in order, the turns with their roles and kinds, the
exchanges, lists and diagnostics; read as HTML here, and in headless Chromium after its script ran."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from chromium import SCREENSHOTS, Browser, start_browser
from selectolax.lexbor import LexborHTMLParser

import briefing_parser as bp
from briefing_parser.cli import main
from briefing_parser.schema import Diagnostic, Span
from briefing_parser.viewer import resolve_src

FIXTURES = Path(__file__).parent / "fixtures"
SEED_HTML = FIXTURES / "taian-2023-03-31.html"
MFA_PAGE = FIXTURES / "corpus" / "zh-2016-11-30-t1420568.html"
WILD_PAGE = FIXTURES / "wild" / "d08.txt"  # a copy of ../shared/wild/d08.txt (国台办): one question, two answers
# A page of each layout, and the layout it is read by.
LAYOUT_PAGES = {
    "timestamp": SEED_HTML, "mfa-qa": MFA_PAGE, "mfa-named": FIXTURES / "corpus" / "zh-2020-03-26-t1761580.html",
    "mfa-en-qa": FIXTURES / "corpus" / "en-2019-08-12-t1688119.html",
    "mfa-en-named": FIXTURES / "corpus" / "en-2020-03-26-t1761753.html", "general": FIXTURES / "wild" / "d05.txt",
    "state-council-information-office": FIXTURES / "wild" / "d01.txt", "taiwan-affairs-office": WILD_PAGE,
    "national-defense": FIXTURES / "wild" / "d12.txt", "commerce": FIXTURES / "wild" / "d16.txt",
    "unknown": FIXTURES / "wild" / "d44.txt",
}
ALL_PAGES = sorted(p for p in FIXTURES.rglob("*") if p.suffix in (".html", ".txt") and p.name != "README.md")
UNLABELLED = "今天天气很好。\n我们去公园散步，看见很多花。\n"  # no speaker labels, no press-conference words


def dom(page: str) -> LexborHTMLParser:
    return LexborHTMLParser(page)


def segments_of(tree: LexborHTMLParser) -> list[tuple[str, str]]:
    return [(node.attributes["data-kind"] or "", node.text(deep=True)) for node in tree.css(".seg")]


def turns_of(tree: LexborHTMLParser) -> list[tuple[str, str, str]]:
    return [(n.attributes["data-turn"] or "", n.attributes["data-role"] or "", n.attributes["data-kind"] or "")
            for n in tree.css("section.turn")]


def in_text_order(doc: bp.Briefing) -> list[tuple[str, str, str]]:
    start = {t.id: (t.marker_span or t.span).start for t in doc.turns}
    return [(t.id, t.role, t.kind) for t in sorted(doc.turns, key=lambda t: start[t.id])]


def test_the_reference_page_in_html() -> None:
    doc = bp.parse(SEED_HTML)
    tree = dom(bp.view(doc))
    segments = segments_of(tree)
    assert [kind for kind, _ in segments] == [s.kind for s in doc.segments]
    assert [text for _, text in segments] == [doc.segment_text(s) for s in doc.segments]
    assert "".join(text for _, text in segments) == doc.text
    assert turns_of(tree) == [
        ("t1", "host", "opening"), ("t2", "official", "statement"), ("t3", "official", "statement"),
        ("t4", "host", "transition"), ("t5", "journalist", "question"), ("t6", "official", "answer"),
        ("t7", "journalist", "question"), ("t8", "official", "answer"), ("t9", "host", "closing"),
    ]
    t5 = tree.css_first("#t5")
    assert (t5.attributes["data-questions"], tree.css_first("#t6").attributes["data-answers"]) == ("q1", "q1")
    assert [n.text() for n in t5.css(".meta > *")][:4] == ["t5", "10:12", "山东商报", "journalist · question"]
    assert tree.css_first("#t2 .meta .who").text() == "杨建全"
    # images: root-relative src (/uploadfiles/…) beside a local file resolves nowhere: a placeholder
    images = tree.css(".seg.k-image")
    assert [n.text() for n in images] == [i.filename for i in doc.images]
    assert all("missing" in (n.attributes["class"] or "") and n.css_first("img") is None for n in images)
    # the lists link to what they list
    assert tree.css_first("#list-contacts a").text() == "6991152"
    assert tree.css_first(tree.css_first("#list-contacts a").attributes["href"] or "").text() == "6991152"
    assert [a.text() for a in tree.css("#list-participants li")[1].css("a")] == ["t2", "t3"]
    assert tree.css_first("html").attributes["lang"] == "zh"
    # one self-contained file: nothing is fetched but images
    assert not tree.css("link, script[src], iframe, object")


@pytest.mark.parametrize("layout", LAYOUT_PAGES)
def test_every_layout(layout: str) -> None:
    doc = bp.parse(LAYOUT_PAGES[layout])
    assert doc.source.layout == layout
    tree = dom(bp.view(doc))
    assert [kind for kind, _ in segments_of(tree)] == [s.kind for s in doc.segments]
    assert "".join(text for _, text in segments_of(tree)) == doc.text
    assert turns_of(tree) == in_text_order(doc)
    assert (tree.css_first(".why") is not None) == (layout == "unknown")


def test_every_fixture_page_keeps_its_text_and_links() -> None:
    """All the bundled pages (the reference page in eight forms, two regression pages, 22 + 4 Foreign Ministry
    pages, 53 excerpts of other press offices): the segments give back the text, every turn has its element,
    every link lands."""
    assert len(ALL_PAGES) == 8 + 2 + 22 + 4 + 53
    for path in ALL_PAGES:
        doc = bp.parse(path)
        tree = dom(bp.view(doc))
        assert "".join(text for _, text in segments_of(tree)) == doc.text, path
        assert len(tree.css(".seg")) == len(doc.segments), path
        assert turns_of(tree) == in_text_order(doc), path
        ids = {node.attributes["id"] for node in tree.css("[id]")}
        assert {a.attributes["href"][1:] for a in tree.css('a[href^="#"]')} <= ids, path  # type: ignore[index]


def test_a_page_no_layout_reads_says_why() -> None:
    doc = bp.parse(UNLABELLED)
    assert (doc.source.layout, [d.code for d in doc.diagnostics]) == ("unknown", ["layout.unknown"])
    tree = dom(bp.view(doc))
    assert tree.css_first(".why li").text() == (
        "layout.unknown: no speaker labels of any form were found; the text is kept as one turn")
    assert turns_of(tree) == [("t1", "unknown", "other")]
    assert "".join(text for _, text in segments_of(tree)) == UNLABELLED


def test_a_non_transcript_says_why() -> None:
    doc = bp.parse(FIXTURES / "wild" / "d44.txt")  # a news report of the Chief Executive's press conference
    why = dom(bp.view(doc)).css_first(".why li").text()
    assert why.startswith("layout.not_a_transcript: the page speaks of a press conference but labels no speakers")


def test_diagnostics_at_their_spans_and_warnings_first() -> None:
    doc = bp.parse(FIXTURES / "wild" / "d05.txt")
    (warning,) = doc.diagnostics
    assert (warning.code, warning.span) == ("segment.text_before_first_marker", Span(start=27, end=140))
    tree = dom(bp.view(doc))
    marked = tree.css('mark[data-diagnostics~="d1"]')
    assert "".join(m.text() for m in marked) == doc.text[27:140]
    assert marked[0].attributes["id"] == "d1" and "warning" in (marked[0].attributes["class"] or "")
    assert tree.css_first("#list-diagnostics a").attributes["href"] == "#d1"
    # the list puts warnings before information, whatever the order in the document
    note = Diagnostic(code="test.note", severity="info", message="a note", span=Span(start=0, end=0))
    doc = doc.model_copy(update={"diagnostics": [note, warning]})
    tree = dom(bp.view(doc))
    assert [n.text() for n in tree.css("#list-diagnostics .sev")] == ["warning", "info"]
    assert tree.css_first('mark[data-diagnostics="d1"]').text() == ""  # a point: an empty mark at offset 0
    assert "".join(m.text() for m in tree.css('mark[data-diagnostics~="d2"]')) == doc.text[27:140]


def png(width: int, height: int) -> bytes:
    """A valid PNG of one colour, made here (a browser decodes it: naturalWidth)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\0" + b"\x2c\x64\xd0" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def page_with_images(folder: Path) -> Path:
    """A page of the reference layout with two images: one beside it, one whose file is gone."""
    (folder / "photos").mkdir()
    (folder / "photos" / "a.png").write_bytes(png(40, 30))
    page = folder / "page.html"
    page.write_text(
        "<html><body><p>2023-03-31 10:00 主持人</p><p>欢迎各位。</p><p><img src=\"photos/a.png\"></p>"
        "<p>2023-03-31 10:01 记者</p><p>请问？</p><p><img src=\"file:///nowhere/b.png\"></p>"
        "<p>2023-03-31 10:02 杨建全</p><p>谢谢。</p></body></html>", encoding="utf-8")
    return page


def test_an_image_is_shown_where_its_src_resolves(tmp_path: Path) -> None:
    doc = bp.parse(page_with_images(tmp_path))
    assert [(i.filename, i.src) for i in doc.images] == [("a.png", "photos/a.png"), ("b.png", "file:///nowhere/b.png")]
    images = dom(bp.view(doc)).css(".seg.k-image")
    assert images[0].css_first("img").attributes["src"] == (tmp_path / "photos" / "a.png").as_uri()
    assert images[1].css_first("img").attributes["src"] == "file:///nowhere/b.png"  # the browser finds it missing
    assert [n.text() for n in images] == ["a.png", "b.png"]


@pytest.mark.parametrize(("src", "uri", "resolved"), [
    (None, "a.html", None),
    ("https://www.fmprc.gov.cn/img/a.jpg", None, "https://www.fmprc.gov.cn/img/a.jpg"),
    ("./W020161130583774343336.jpg", "https://www.fmprc.gov.cn/web/fyrbt/t1420568.shtml",
     "https://www.fmprc.gov.cn/web/fyrbt/W020161130583774343336.jpg"),
    ("/uploadfiles/202303/微信图片_20230331121901.jpg", "http://www.taian.gov.cn/art/2023/3/31/art_45_1.html",
     "http://www.taian.gov.cn/uploadfiles/202303/微信图片_20230331121901.jpg"),
    ("/uploadfiles/202303/微信图片_20230331121901.jpg", "tests/fixtures/taian-2023-03-31.html", None),  # no site root
    ("./W020161130583774343336.jpg", str(MFA_PAGE), None),  # the image was not saved with the page
])
def test_resolve_src(src: str | None, uri: str | None, resolved: str | None) -> None:
    assert resolve_src(src, uri) == resolved


def test_cli_view(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "seed.html"
    assert main(["view", str(SEED_HTML), "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == bp.view(bp.parse(SEED_HTML))
    assert capsys.readouterr().err == f"{SEED_HTML} -> {out}\n"
    assert main(["view", str(WILD_PAGE), "--layout", "general"]) == 0
    page = capsys.readouterr().out
    assert page == bp.view(bp.parse(WILD_PAGE, options={"layout": "general"}))
    assert "<dt>layout</dt><dd>general</dd>" in page


def test_cli_view_of_a_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["view", str(tmp_path / "missing.html")]) == 3
    assert capsys.readouterr().err == f"{tmp_path / 'missing.html'}: No such file or directory\n"
    binary = tmp_path / "broken.html"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    assert main(["view", str(binary), "-o", str(tmp_path / "broken.view.html")]) == 3  # failed, as parse says
    assert capsys.readouterr().err.startswith(f"{binary}: decode.binary: ")
    why = dom((tmp_path / "broken.view.html").read_text(encoding="utf-8")).css_first(".why li").text()
    assert why.startswith("decode.binary: ")


# --- in headless Chromium ----------------------------------------------------------------------------

SEGMENTS_JS = "[...document.querySelectorAll('.seg')].map(e => [e.dataset.kind, e.textContent])"
TURNS_JS = "[...document.querySelectorAll('section.turn')].map(e => [e.id, e.dataset.role, e.dataset.kind])"
PRESSED_JS = "[...document.querySelectorAll('button[aria-pressed=true]')].map(e => e.dataset.exchange)"
HIGHLIGHTED_JS = ("[[...document.querySelectorAll('.turn.asked')].map(e => e.id),"
                  " [...document.querySelectorAll('.turn.answering')].map(e => e.id)]")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    started = start_browser()
    yield started
    started.close()


@pytest.mark.parametrize("path", [SEED_HTML, MFA_PAGE, WILD_PAGE], ids=lambda p: p.stem)
def test_in_chromium(browser: Browser, path: Path, tmp_path: Path) -> None:
    doc = bp.parse(path)
    page = tmp_path / f"{path.name}.html"
    page.write_text(bp.view(doc), encoding="utf-8")
    browser.open(page)
    assert browser.evaluate(SEGMENTS_JS) == [[s.kind, doc.segment_text(s)] for s in doc.segments]
    assert "".join(text for _, text in browser.evaluate(SEGMENTS_JS)) == doc.text
    assert browser.evaluate(TURNS_JS) == [list(turn) for turn in in_text_order(doc)]
    assert doc.exchanges
    for exchange in doc.exchanges:
        if exchange.question_turn_ids:
            question = exchange.question_turn_ids[0]
            browser.click(f'#{question} button[data-exchange="{exchange.id}"]')
            assert browser.evaluate(HIGHLIGHTED_JS) == [exchange.question_turn_ids, exchange.answer_turn_ids]
            if exchange is doc.exchanges[0]:  # for a person to look at: the page with its first exchange lit
                browser.screenshot(SCREENSHOTS / f"view-{path.stem}.png")
            browser.click(f'#{question} button[data-exchange="{exchange.id}"]')  # again: all cleared
            assert browser.evaluate(HIGHLIGHTED_JS) == [[], []]
        for answer in exchange.answer_turn_ids:  # and back, from each answer
            browser.click(f'#{answer} button[data-exchange="{exchange.id}"]')
            assert browser.evaluate(HIGHLIGHTED_JS) == [exchange.question_turn_ids, exchange.answer_turn_ids]
            # its buttons (beside each of its turns and in the list), and only those, say so to assistive
            # technology
            turns = len(exchange.question_turn_ids) + len(exchange.answer_turn_ids)
            assert browser.evaluate(PRESSED_JS) == [exchange.id] * (turns + 1)
            browser.click(f'#{answer} button[data-exchange="{exchange.id}"]')
            assert browser.evaluate(HIGHLIGHTED_JS) == [[], []]


def test_wild_page_answers_in_chromium(browser: Browser, tmp_path: Path) -> None:
    """国台办: one question (t2), answered in two turns (t3, t4): clicking the question lights exactly those."""
    doc = bp.parse(WILD_PAGE)
    assert [(x.id, x.question_turn_ids, x.answer_turn_ids) for x in doc.exchanges] == [("q1", ["t2"], ["t3", "t4"])]
    page = tmp_path / "d08.html"
    page.write_text(bp.view(doc), encoding="utf-8")
    browser.open(page)
    browser.click('#t2 button[data-exchange="q1"]')
    assert browser.evaluate(HIGHLIGHTED_JS) == [["t2"], ["t3", "t4"]]


def test_images_in_chromium(browser: Browser, tmp_path: Path) -> None:
    page = tmp_path / "images.html"
    page.write_text(bp.view(bp.parse(page_with_images(tmp_path))), encoding="utf-8")
    browser.open(page)
    shown = browser.evaluate("[...document.querySelectorAll('.seg.k-image')].map(e => "
                             "[e.classList.contains('missing'), e.querySelector('img')?.naturalWidth ?? null,"
                             " e.textContent])")
    assert shown == [[False, 40, "a.png"], [True, None, "b.png"]]  # the missing file became a placeholder


def test_no_chromium_is_a_skip_with_a_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHROMIUM", "/nonexistent/chromium")
    with pytest.raises(pytest.skip.Exception, match=r"chromium \(/nonexistent/chromium\) does not start headless"):
        start_browser()
    monkeypatch.delenv("CHROMIUM")
    monkeypatch.setenv("PATH", "")
    with pytest.raises(pytest.skip.Exception, match="no chromium on PATH"):
        start_browser()
