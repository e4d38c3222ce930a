"""Unlabelled answers after bold questions (issue 3): Foreign Ministry pages set questions in bold."""

from __future__ import annotations

from pathlib import Path

import briefing_parser as bp
from briefing_parser.html import extract

PAGES = Path(__file__).parent / "fixtures" / "corpus"
CONTAINER = '<html><body><div id="News_Body_Txt_A">{}</div></body></html>'
SPEAKER = "<p>2017年2月15日外交部发言人耿爽主持例行记者会。</p>"


def parse_body(paragraphs: str) -> bp.Briefing:
    return bp.parse(CONTAINER.format(SPEAKER + paragraphs).encode("utf-8"))


def shape(doc: bp.Briefing) -> list[tuple[str, str, str]]:
    return [(t.label, t.kind, t.text) for t in doc.turns]


def test_bold_ranges_of_the_container() -> None:
    html = CONTAINER.format(SPEAKER + "<p>　　<B><SPAN>追问：你认为<b>如何</b>？</SPAN></B> </p>"
                                      "<p>　　刚才我已经说过。</p>")
    page = extract(html, ("#News_Body_Txt_A",))
    assert [page.text[s:e] for s, e in page.emphasis] == ["追问：你认为如何？"]


def test_bold_outside_the_container_is_not_emphasis() -> None:
    html = f'<html><body><b>导航</b><div id="News_Body_Txt_A">{SPEAKER}<p>问：这是问题吗？</p></div></body></html>'
    page = extract(html, ("#News_Body_Txt_A",))
    assert page.emphasis == []


def test_plain_paragraph_after_a_bold_question_is_its_answer() -> None:
    doc = parse_body("<p><b>问：第一段问题？</b></p><p><b>问题的第二段？</b></p><p><img src='a/p1.jpg'></p>"
                     "<p>这是回答。</p><p>回答的第二段。</p><p><b>问：下一个问题？</b></p><p>答：好。</p>")
    assert shape(doc)[1:] == [
        ("问", "question", "第一段问题？\n问题的第二段？"),
        ("", "answer", "这是回答。\n回答的第二段。"),
        ("问", "question", "下一个问题？"),
        ("答", "answer", "好。"),
    ]
    assert [e.answer_turn_ids for e in doc.exchanges] == [["t3"], ["t5"]]
    assert doc.turns[2].participant_id == doc.turns[4].participant_id
    assert doc.turns[2].marker_span is not None and doc.turns[2].marker_span.start == doc.turns[2].marker_span.end
    assert [s.kind for s in doc.segments if s.span.start == doc.turns[2].span.start] == ["turn"]


def test_bold_label_with_plain_question_text_is_left_alone() -> None:
    doc = parse_body("<p><b>问：</b>这是问题？</p><p>问题的第二段。</p><p>答：好。</p>")
    assert shape(doc)[1:] == [("问", "question", "这是问题？\n问题的第二段。"), ("答", "answer", "好。")]


def test_page_that_bolds_nothing_and_plain_text_are_unchanged() -> None:
    doc = parse_body("<p>问：这是问题？</p><p>问题的第二段。</p><p>答：好。</p>")
    assert shape(doc)[1:] == [("问", "question", "这是问题？\n问题的第二段。"), ("答", "answer", "好。")]
    text = bp.parse("2017年2月15日外交部发言人耿爽主持例行记者会。\n问：这是问题？\n问题的第二段。\n答：好。\n")
    assert [t.kind for t in text.turns][-2:] == ["question", "answer"]


def test_follow_ups_answered_without_a_label() -> None:
    """zh-2017-02-15: 追问 in bold, then the answer with no 答 (the example of issue 3)."""
    doc = bp.parse(PAGES / "zh-2017-02-15-t1438768.html")
    turns = {t.id: t for t in doc.turns}
    follow_ups = [e for e in doc.exchanges if e.follows]
    assert [(turns[e.question_turn_ids[0]].text, [turns[a].text for a in e.answer_turn_ids]) for e in follow_ups] == [
        ("你认为印度是如何违反了一个中国原则？",
         ["刚才我已经说过，我们坚决反对任何与中国建交的国家同台湾方面进行任何形式的官方接触和往来。"
          "到印度访问的是台湾几个所谓的“立法委员”，他们的身份是不言自明的。"]),
        ("中国何时提出的交涉？是在北京还是在新德里？",
         ["不是所有外交活动的情况都可以对外公开的。我可以告诉你的是，中方已经向印方提出了交涉。"]),
    ]
    answer = turns[follow_ups[0].answer_turn_ids[0]]
    assert (answer.label, answer.role, answer.kind, answer.participant_id) == ("", "official", "answer", "p1")
    assert all(e.answer_turn_ids for e in doc.exchanges)


def test_english_question_answered_without_a_label() -> None:
    doc = bp.parse(PAGES / "en-2019-07-04-t1678570.html")
    turns = {t.id: t for t in doc.turns}
    assert all(e.answer_turn_ids for e in doc.exchanges)
    unlabelled = [t for t in doc.turns if t.kind == "answer" and not t.label]
    assert len(unlabelled) == 1
    exchange = next(e for e in doc.exchanges if unlabelled[0].id in e.answer_turn_ids)
    assert turns[exchange.question_turn_ids[0]].paragraphs[-1] == "I wonder if you could add more to that?"
    assert unlabelled[0].paragraphs[0] == ("Yesterday, State Councilor and Foreign Minister Wang Yi met with "
                                           "Nepalese Foreign Minister Gyawali in Beijing.")


def test_two_part_question_with_an_unlabelled_answer_has_answered_parts() -> None:
    doc = bp.parse(PAGES / "zh-2017-09-12-t1492279.html")
    exchange = next(e for e in doc.exchanges if e.parts)
    answer = next(t for t in doc.turns if t.id == exchange.answer_turn_ids[0])
    assert (answer.label, answer.kind) == ("", "answer")
    assert [(p.index, doc.text[p.answer_span.start:p.answer_span.start + 7]) for p in exchange.parts if p.answer_span] \
        == [(1, "关于第一个问题"), (2, "关于第二个问题")]
