"""Foreign Ministry pages end to end: follow-ups, multi-part questions, closings, dialogue, announcements."""

from __future__ import annotations

import os
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest

import briefing_parser as bp

PAGES = Path(__file__).parent / "fixtures" / "corpus"
CORPUS = Path(os.environ.get("BRIEFING_CORPUS", Path(__file__).parents[2] / "shared" / "corpus"))
# Pages of the shared corpus beside the checkout, not copied into tests/fixtures.
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"corpus not found at {CORPUS}")


def parse(name: str) -> bp.Briefing:
    return bp.parse(PAGES / name)


def test_follow_up_links_to_the_exchange_it_follows() -> None:
    doc = parse("zh-2020-05-26-t1782879.html")  # 埃菲社记者 … 追问：个别香港律师团体表示…
    follow_ups = [(e.id, e.follows, doc.turn(e.question_turn_ids[0]).label) for e in doc.exchanges if e.follows]
    assert follow_ups == [("q7", "q6", "追问"), ("q9", "q8", "追问")]
    assert doc.source.layout == "mfa-named"


def test_multi_part_question_and_the_answers_to_each_part() -> None:
    doc = parse("zh-2014-09-10.txt")  # 问：第一，据称，… 第二，据报道，… / 答：关于第一个问题，… 关于第二个问题，…
    (exchange,) = [e for e in doc.exchanges if e.parts]
    assert exchange.id == "q3"
    parts = [(p.index, doc.text[p.span.start:p.span.end][:8],
              doc.text[p.answer_span.start:p.answer_span.end][:8] if p.answer_span else None) for p in exchange.parts]
    assert parts == [(1, "第一，据称，美国", "关于第一个问题，"), (2, "第二，据报道，越", "关于第二个问题，")]


@needs_corpus
def test_multi_part_question_in_english() -> None:
    doc = bp.parse(CORPUS / "mfa-html" / "en-2020-03-25-t1761102.html")  # RIA Novosti: First, … Second, …
    (exchange,) = [e for e in doc.exchanges if e.parts]
    assert [doc.text[p.answer_span.start:p.answer_span.end][:26] for p in exchange.parts if p.answer_span] == [
        "Regarding your first quest", "As to the second question,"]


def test_closing_and_post_conference_question() -> None:
    doc = parse("zh-2017-12-29-t1522838.html")
    tail = [(t.label, t.role, t.kind, t.text[:7]) for t in doc.turns[-3:]]
    assert tail == [("", "official", "closing", "如果没有问题了"), ("", "journalist", "question", "会后有记者问及"),
                    ("", "official", "answer", "华春莹表示，我")]
    assert doc.exchanges[-1].question_turn_ids == ["t12"] and doc.exchanges[-1].answer_turn_ids == ["t13"]
    assert doc.exchanges[0].parts[1].answer_span is not None  # 答：关于第二个问题，我不掌握有关情况。


def test_dialogue_inside_an_exchange() -> None:
    doc = parse("zh-2020-01-02-t1729222.html")  # 记者：第二个问题 → 耿爽：这是谁说的？ → 记者：路透社… → 答：
    assert [(t.label, t.kind) for t in doc.turns[7:11]] == [
        ("记者", "question"), ("耿爽", "other"), ("记者", "other"), ("答", "answer")]
    spokesperson = doc.participant(doc.turns[10].participant_id or "")
    assert (spokesperson.name, spokesperson.title, spokesperson.organization) == ("耿爽", "外交部发言人", "外交部")


def test_announcement_is_a_statement_not_a_failure() -> None:
    doc = parse("zh-2020-06-30-t1793459.html")
    assert [(d.code, d.severity) for d in doc.diagnostics] == [("layout.not_a_transcript", "warning")]
    assert [(t.role, t.kind) for t in doc.turns] == [("official", "statement")]
    assert doc.exchanges == []


def test_english_heading_gives_title_spokesperson_and_date() -> None:
    doc = parse("en-2020-06-02-t1785090.html")
    assert doc.title == "Foreign Ministry Spokesperson Zhao Lijian's Regular Press Conference on June 2, 2020"
    assert doc.published == date(2020, 6, 2)
    assert doc.held_on == date(2020, 6, 2)  # from the heading: the page shows no date line
    official = next(p for p in doc.participants if p.role == "official")
    assert (official.name, official.title, official.organization) == (
        "Zhao Lijian", "Foreign Ministry Spokesperson", "Ministry of Foreign Affairs")
    assert [(o.name, o.kind) for o in doc.outlets][:3] == [("China Daily", "newspaper"), ("Shenzhen TV", "tv"),
                                                          ("Macau Monthly", "magazine")]


def test_text_body_has_no_title_and_names_its_spokesperson() -> None:
    doc = parse("zh-2013-12-11.txt")
    # Its opening line is the heading: 2013年12月11日，外交部发言人洪磊主持例行记者会。
    assert (doc.title, doc.published, doc.held_on, doc.source.layout) == (None, None, date(2013, 12, 11), "mfa-qa")
    assert doc.organizer == "外交部"
    assert doc.turns[0].kind == "statement" and doc.turns[0].text.startswith("2013年12月11日，外交部发言人洪磊")
    assert [p.name for p in doc.participants if p.role == "official"] == ["洪磊"]


def test_forcing_a_layout() -> None:
    doc = bp.parse(PAGES / "zh-2019-09-04-t1694495.html", options={"layout": "mfa-named"})
    assert doc.source.layout == "mfa-named"
    assert len(doc.exchanges) == 5


def test_site_menu_is_one_boilerplate_segment() -> None:
    """The menu above the breadcrumb (عربي … Spokesperson's Remarks, 27 lines) is one segment, and
    the header line below it (Regular Press Conference) stays a segment of its own."""
    doc = parse("en-2019-09-04-t1694560.html")
    first, second = doc.segments[:2]
    assert (first.kind, first.span.start, first.span.end) == ("boilerplate", 0, 517)
    assert doc.segment_text(first).count("\n") == 27
    assert (second.kind, doc.segment_text(second)) == ("header", "Regular Press Conference\n")
    kinds = [s.kind for s in doc.segments]
    assert ("boilerplate", "boilerplate") not in set(pairwise(kinds))
    assert len(doc.segments) == 28  # 80 when each menu line was a segment


@needs_corpus
def test_answer_inside_an_unanswered_question_turn() -> None:
    """No 答： follows the reporter's reply (<B>记者：</B>是的。) or a plain-text page's 追问: the
    paragraphs after the first are the spokesperson's answer. A reply to an answer that asks back
    (…是吗？) is dialogue inside that exchange, not a question of its own."""
    doc = bp.parse(CORPUS / "mfa-html" / "zh-2019-06-21-t1674409.html")
    assert [(t.label, t.kind, t.text[:9]) for t in doc.turns[4:12]] == [
        ("问", "question", "据美国大学预修课程"), ("答", "answer", "你说和中美贸易摩擦"),
        ("记者", "other", "这是部分人的猜测。"), ("", "answer", "你刚才说，有报道称"),
        ("记者", "other", "对。"), ("", "answer", "那你向中国教育部求"),
        ("记者", "other", "我的同事应该已经向"), ("", "answer", "我不了解你说的情况")]
    assert [(e.question_turn_ids, e.answer_turn_ids) for e in doc.exchanges[:3]] == [
        (["t1"], ["t2", "t4"]), (["t5"], ["t6", "t8", "t10", "t12"]), (["t13"], ["t14"])]
    doc = bp.parse(CORPUS / "mfa-text" / "zh-2014-05-07.txt")
    assert [(t.label, t.kind, t.text[:9]) for t in doc.turns[10:14]] == [
        ("追问", "question", "中国政府对挪威公众"), ("", "answer", "我刚才讲的信息，你"),
        ("追问", "question", "你是否是说挪威公众"), ("", "answer", "关于达赖到外国窜访")]
    assert [(e.question_turn_ids, e.answer_turn_ids, e.follows) for e in doc.exchanges[5:7]] == [
        (["t11"], ["t12"], "q5"), (["t13"], ["t14"], "q6")]


def test_national_ministry_has_no_region() -> None:
    """The Foreign Ministry speaks for no city: 武汉, named 17 times in a briefing on the epidemic, is
    what the page is about, not where it comes from: the profile of a national body looks for no region."""
    doc = parse("zh-2020-02-03-t1739521.html")
    assert doc.text.count("武汉") == 17
    assert doc.region is None


@needs_corpus
def test_a_single_question_is_a_transcript() -> None:
    """有记者问：…？ then 答：…: one marker and one cue, too few for detection, yet a question, so not the
    announcement that a page of the site without any question is."""
    doc = bp.parse(CORPUS / "mfa-html" / "zh-2016-11-21-t1416955.html")
    assert (doc.source.layout, doc.diagnostics) == ("mfa-qa", [])
    assert [(t.label, t.role, t.kind, t.text[:5]) for t in doc.turns] == [
        ("", "journalist", "question", "有记者问："), ("答", "official", "answer", "在出席亚太")]
    assert [(e.question_turn_ids, e.answer_turn_ids) for e in doc.exchanges] == [(["t1"], ["t2"])]
