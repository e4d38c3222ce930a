"""Case table of the Foreign Ministry layouts' labels: real lines from ../shared/corpus (file in the
comment) and what the layout reads in them — or None when the line is text, not a label."""

from __future__ import annotations

import pytest

import briefing_parser as bp
from briefing_parser.foreign_ministry import MFA_EN_QA, MFA_QA
from briefing_parser.layouts import Layout
from briefing_parser.segment import tokenize

NBSP, IDEO = "\u00a0", "\u3000"

# (layout, line, expected (label, role, outlet, follow_up, reply) or None)
CASES: list[tuple[Layout, str, tuple[str, str, str | None, bool, bool] | None]] = [
    (MFA_QA, f"{IDEO}{IDEO}问：近日，美国国务院发布消息称", ("问", "journalist", None, False, False)),  # zh-2016-11-15
    (MFA_QA, "答：中美执法合作是两国关系的重要组成部分。", ("答", "official", None, False, False)),  # zh-2016-11-15
    (MFA_QA, "问:6月22日，韩国总统顾问文正仁", ("问", "journalist", None, False, False)),  # zh-2017-06-23, ASCII colon
    (MFA_QA, "追问：有日本舆论认为，相较于珍珠港", ("追问", "journalist", None, True, False)),  # zh-2016-12-07
    (MFA_QA, "追问一：你能否就“desperate”解释一下？", ("追问一", "journalist", None, True, False)),  # zh-2019-12-20
    (MFA_QA, "记者：我只是一个记者，我看到有很多轮的制裁", ("记者", "journalist", None, False, False)),  # zh-2017-08-29
    (MFA_QA, "记者追问：中国大使是否在谈话中提及", ("记者追问", "journalist", None, True, False)),  # zh-2019-12-11
    (MFA_QA, "记者解释：公司名字叫Badger Sportswear。", ("记者解释", "journalist", None, False, True)),  # zh-2019-01-10
    (MFA_QA, "记者回答：中山公园。", ("记者回答", "journalist", None, False, True)),  # zh-2020-04-29
    (MFA_QA, "法新社记者：澳大利亚外长佩恩表示", ("法新社记者", "journalist", "法新社", False, False)),  # zh-2020-03-25
    # zh-2020-03-25
    (MFA_QA, "北京青年报记者:近期，中方多次发布", ("北京青年报记者", "journalist", "北京青年报", False, False)),
    (MFA_QA, "《澳大利亚人报》记者：包括澳大利亚公民在内的",  # zh-2020-04-23
     ("《澳大利亚人报》记者", "journalist", "《澳大利亚人报》", False, False)),
    (MFA_QA, "中央广播电视总台央视记者：你上周五宣布了",  # zh-2020-03-24
     ("中央广播电视总台央视记者", "journalist", "中央广播电视总台央视", False, False)),
    # zh-2020-06-15
    (MFA_QA, "路透社记者提问：《南华早报》周末报道称", ("路透社记者提问", "journalist", "路透社", False, False)),
    # zh-2020-04-30
    (MFA_QA, "彭博社记者追问：中国是否同其他国家有类似的安排？",
     ("彭博社记者追问", "journalist", "彭博社", True, False)),
    # zh-2020-06-15
    (MFA_QA, "外国记者提问：在澳大利亚，有观点认为", ("外国记者提问", "journalist", None, False, False)),
    (MFA_QA, "赵立坚：谢谢华春莹司长！", ("赵立坚", "official", None, False, False)),  # zh-2020-02-24
    (MFA_QA, "耿爽：你提到了央视的报道，你不是央视的吧？", ("耿爽", "official", None, False, False)),  # zh-2018-05-10
    # Not labels: sentences of an answer that end in a colon, stage directions, clock times.
    (MFA_QA, "我想再强调几点:", None),  # zh-2018-04-18
    (MFA_QA, "中国有句古语：知人者智，自知者明。", None),  # zh-2018-10-26
    (MFA_QA, "今天我有两则消息要发布：", None),  # zh-2018-11-08
    (MFA_QA, "记者笑：我希望你的回答也长一些。", None),  # zh-2019-06-14
    (MFA_QA, "（记者：日本媒体。目前有没有相关计划？）", None),  # zh-2017-06-21
    (MFA_QA, "明天上午10:00，外交部将在蓝厅举行中外媒体吹风会", None),  # zh-2018-06-28
    (MFA_QA, "外交部发言人耿爽宣布：", None),  # zh-2020-03-12, an opening
    (MFA_QA, "首先向大家通报一组数字：根据中国国家卫生健康委", None),  # zh-2020-02-07
    (MFA_EN_QA, "Q: You just announced State Councilor", ("Q", "journalist", None, False, False)),  # en-2018-05-11
    (MFA_EN_QA, "A : This is just as ridiculous", ("A", "official", None, False, False)),  # en-2020-02-07
    (MFA_EN_QA, "Follow-up: The DPRK proposed", ("Follow-up", "journalist", None, True, False)),  # en-2018-05-17
    (MFA_EN_QA, "Journalist: Do you think China", ("Journalist", "journalist", None, False, False)),  # en-2018-06-11
    (MFA_EN_QA, "Reporter: Australian Prime Minister", ("Reporter", "journalist", None, False, False)),  # en-2018-06-08
    (MFA_EN_QA, "Journalist adds: It is called Badger Sportswear.",  # en-2019-01-10
     ("Journalist adds", "journalist", None, False, True)),
    (MFA_EN_QA, "The journalist clarified: yes.", ("The journalist clarified", "journalist", None, False, True)),
    (MFA_EN_QA, "AFP: I wanted to ask about", ("AFP", "journalist", "AFP", False, False)),  # en-2020-03-25
    (MFA_EN_QA, "The Globe and Mail: In addition to New Zealand",  # en-2020-05-11
     ("The Globe and Mail", "journalist", "The Globe and Mail", False, False)),
    (MFA_EN_QA, "ITN&BBC: The Chinese embassy in the UK", ("ITN&BBC", "journalist", "ITN&BBC", False, False)),
    (MFA_EN_QA, "CCTV4: On June 19, the International", ("CCTV4", "journalist", "CCTV4", False, False)),
    (MFA_EN_QA, f"Bloomberg{NBSP}News:{NBSP}A follow-up on the national security law.",  # en-2020-07-01
     (f"Bloomberg{NBSP}News", "journalist", f"Bloomberg{NBSP}News", False, False)),
    (MFA_EN_QA, "Zhao Lijian: Thank you, Director-General", ("Zhao Lijian", "official", None, False, False)),
    (MFA_EN_QA, "Hua chunying: According to international law", ("Hua chunying", "official", None, False, False)),
    (MFA_EN_QA, "But one thing is certain: we are willing", None),  # en-2018-11-15
    (MFA_EN_QA, "A word of advice: Even if driven out of mind", None),  # en-2019-12-12
    (MFA_EN_QA, "At 10:00 a.m. tomorrow morning, the Foreign Ministry", None),  # en-2018-06-28
    (MFA_EN_QA, "As of 24:00 February 5, a total of 1,153", None),  # en-2020-02-06
    (MFA_EN_QA, "Between 00:00 and 24:00, February 10", None),  # en-2020-02-11
    (MFA_EN_QA, "China's position is clear: China's civil flights", None),  # en-2020-02-06
    (MFA_EN_QA, "First: the US side should stop", None),  # an answer's own list
]


@pytest.mark.parametrize(("layout", "line", "expected"), CASES, ids=[c[1][:24] for c in CASES])
def test_label_case(layout: Layout, line: str, expected: tuple[str, str, str | None, bool, bool] | None) -> None:
    text = f"{line}\n"
    markers = [m for m in tokenize(text, (0, len(text)), layout) if m.label]
    if expected is None:
        assert markers == []
        return
    (marker,) = markers
    reading = layout.read_label(marker.label, layout.spokespersons)
    assert reading is not None
    assert (marker.label, reading.role, reading.outlet, reading.follow_up, reading.reply) == expected


def test_label_split_across_tags_is_one_label() -> None:
    """<B><SPAN><B>日本广播协会记者</B></SPAN></B><B><SPAN><B>：北海道… (zh-2020-03-26): one label."""
    html = ("<html><body><div id='News_Body_Txt_A' class='content'>"
            "<P>\u3000\u3000<B><SPAN><B>日本广播协会记者</B></SPAN></B><B><SPAN><B>：北海道教育大学袁克勤教授回国后一直失联。"
            "</B></SPAN></B></P><P>\u3000\u3000耿爽：袁克勤是中国公民。</P></div></body></html>")
    doc = bp.parse(html.encode())
    assert [(t.label, t.role, t.kind) for t in doc.turns] == [
        ("日本广播协会记者", "journalist", "question"), ("耿爽", "official", "answer")]
    assert [o.name for o in doc.outlets] == ["日本广播协会"]
