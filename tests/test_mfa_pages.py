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


def test_every_answer_part_cue_ends_in_a_word_its_search_stops_at() -> None:
    # An answer is searched for part cues only up to the last of lexicon.ANSWER_PART_END: each cue ends in one.
    from briefing_parser.lexicon import ANSWER_PART, ANSWER_PART_END

    for cue in ("关于第一个问题", "至于你提到的第二个问题", "针对您的第三个问题", "On your first question",
                "As for the second question", "with regard to your fourth question"):
        found = ANSWER_PART.fullmatch(cue)
        ending = ANSWER_PART_END.search(cue)
        assert found is not None and ending is not None and ending.end() == len(cue), cue


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


def test_a_copy_that_keeps_the_heading_above_the_first_question_has_no_statement() -> None:
    # A reprint (tests/fixtures/wild/d31.txt): the heading, split over two lines, stands where the page has its
    # spokesperson's statement; it holds no sentence, so it is header and stray text, not the statement.
    doc = bp.parse(Path(__file__).parent / "fixtures" / "wild" / "d31.txt")
    assert [(t.label, t.role, t.kind) for t in doc.turns] == [
        ("China News Service", "journalist", "question"), ("Wang Wenbin", "official", "answer")]
    assert [doc.segment_text(s).strip() for s in doc.segments[:4]] == [
        "regular字体:【双语】例行记者会/Regular Press Conference(2021-11-5)-字体教程免费ppt模版下载-道格办公",
        "【双语】例行记者会/Regular Press Conference(2021-11-5)", "Foreign Ministry Spokesperson Wang Wenbin's",
        "Regular Press Conference on November 5, 2021"]
    assert [s.kind for s in doc.segments[:4]] == ["header", "header", "unclassified", "header"]
    assert doc.published == date(2021, 11, 5)


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


@needs_corpus
@pytest.mark.parametrize(("name", "turns", "exchange"), [
    ("en-2020-06-11-t1787995.html",
     [("t18", "Hua Chunying", "answer", "Your question is very specific."),
      ("t19", "", "question", "Question raised after the press conference: Media reports say a US C-40A"),
      ("t20", "Hua Chunying", "answer", "China firmly opposes and strongly condemns")],
     ("q10", ["t19"], ["t20"])),
    ("en-2019-04-04-t1651487.html",
     [("t14", "A", "answer", "You may need to ask Huawei and ZTE"),
      ("t15", "", "question", "After the Press Conference, a journalist asked if China is going to offer"),
      ("t16", "A", "answer", "I answered a question on the severe flooding in Iran")],
     ("q8", ["t15"], ["t16"])),
])
def test_a_question_raised_after_the_press_conference_is_its_own_turn(
        name: str, turns: list[tuple[str, str, str, str]], exchange: tuple[str, list[str], list[str]]) -> None:
    """It stood at the end of the answer before it; now it asks, anonymously, and the next answer replies."""
    doc = bp.parse(CORPUS / "mfa-html" / name)
    first = int(turns[0][0][1:]) - 1
    assert [(t.id, t.label, t.kind, t.text[:len(text)]) for t, (_, _, _, text)
            in zip(doc.turns[first:], turns, strict=False)] == turns
    asked = doc.turn(exchange[1][0])
    assert (asked.role, asked.participant_id) == ("journalist", None)
    assert [(e.id, e.question_turn_ids, e.answer_turn_ids) for e in doc.exchanges if e.id == exchange[0]] == [
        exchange]


@needs_corpus
@pytest.mark.parametrize(("name", "held_on", "published"), [
    ("en-2018-06-11-t1567808.html", date(2018, 6, 11), date(2018, 6, 11)),  # … Conference on June11, 2018
    ("en-2018-06-12-t1568234.html", date(2018, 6, 12), date(2018, 6, 12)),
    ("en-2018-06-13-t1568643.html", date(2018, 6, 13), date(2018, 6, 13)),
    ("en-2018-06-14-t1568944.html", date(2018, 6, 14), date(2018, 6, 14)),
    # … on September 21: the year of the images uploaded the day after (W020180922…)
    ("en-2018-09-21-t1597725.html", date(2018, 9, 21), date(2018, 9, 21)),
    # 外交部发言人耿爽2月15日答记者问, the dateline 2018-02-16: held the day before it was published
    ("zh-2018-02-16-t1535833.html", date(2018, 2, 15), date(2018, 2, 16)),
    # Remarks on US House Speaker …: neither the heading nor anything else on the page dates it
    ("en-2019-08-06-t1686638.html", None, None),
    ("en-2019-08-07-t1687014.html", None, None),
])
def test_a_heading_without_a_year_or_a_space_dates_the_page(name: str, held_on: date | None,
                                                             published: date | None) -> None:
    doc = bp.parse(CORPUS / "mfa-html" / name)
    assert (doc.held_on, doc.published) == (held_on, published)


@needs_corpus
def test_a_contributed_note_is_no_origin() -> None:
    doc = bp.parse(CORPUS / "mfa-html" / "zh-2018-02-16-t1535833.html")  # 来源： （供稿） （供稿）   2018-02-16
    assert doc.origin is None


@needs_corpus
@pytest.mark.parametrize(("name", "spokesperson"), [
    ("mfa-html/zh-2016-11-21-t1416955.html", "陆慷"),  # 中国代表团发言人陆慷答记者问
    ("mfa-html/zh-2017-04-08-t1452273.html", "陆慷"),  # 中国代表团发言人陆慷就中美元首会晤谈及叙利亚问题答记者问
    ("mfa-html/zh-2017-11-24-t1513833.html", "耿爽"),  # 外交部发言人耿爽<br>就津巴布韦新任总统就职答记者问
    ("mfa-html/zh-2018-02-16-t1535833.html", "耿爽"),  # 外交部发言人耿爽2月15日答记者问
    ("mfa-text/zh-2014-05-14.txt", "华春莹"),  # a body without its heading: 华春莹首先介绍了今天上午…
    ("mfa-text/zh-2015-06-23.txt", "陆慷"),  # 陆慷表示，我们注意到有关报道
])
def test_the_spokesperson_is_named_where_the_page_names_them(name: str, spokesperson: str) -> None:
    doc = bp.parse(CORPUS / name)
    answers = {t.participant_id for t in doc.turns if t.kind == "answer"}
    assert [(p.id, p.name, p.role) for p in doc.participants if p.id in answers] == [("p1", spokesperson, "official")]


@needs_corpus
def test_questions_labelled_ask_belong_to_no_participant() -> None:
    """问 and 记者 say a journalist asks, not who: their turns have the role and no participant, where all the
    page's questions were one participant 问."""
    doc = bp.parse(CORPUS / "mfa-html" / "zh-2019-06-21-t1674409.html")
    assert [(p.id, p.name, p.label, p.role) for p in doc.participants] == [("p1", "陆慷", "陆慷", "official")]
    assert [(t.label, t.role, t.participant_id) for t in doc.turns[:4]] == [
        ("问", "journalist", None), ("答", "official", "p1"), ("记者", "journalist", None), ("", "official", "p1")]
