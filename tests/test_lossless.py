"""Property: for any text, including marker-like lines, parse() does not raise and the segments
rebuild the text exactly."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import briefing_parser as bp
from briefing_parser.schema import breaches

NBSP = "\u00a0"
MARKER_LINES = st.sampled_from([
    f"2023-03-31{NBSP} 10:01{NBSP}{NBSP}{NBSP} 杨建全",
    "2023-03-31 10:00 主持人",
    "2023/3/31 10:12 山东商报",
    "10：15 大众网",
    "2023-03-31 25:99 不是时间",
    "问：", "答：", "追问：", "Q:", "A:",
    "微信图片_20230331121901.jpg",
    "会后请联系市科技局机关党委,联系电话:6991152。",
    "Powered by www.example.cn. All rights reserved.",
    "邀请市科技局党组书记、一级调研员杨建全先生介绍情况。",
    "<p>", "</div>", "&nbsp;", "",
])
LINES = st.lists(st.one_of(MARKER_LINES, st.text(max_size=40)), max_size=30)


def assert_lossless(doc: bp.Briefing) -> None:
    assert breaches(doc) == []  # among them: the segments tile the text, none empty
    assert "".join(doc.segment_text(s) for s in doc.segments) == doc.text


@settings(max_examples=150, deadline=None)
@given(LINES, st.sampled_from(["\n", "\r\n", "\n\n"]))
def test_text_input_is_lossless(lines: list[str], newline: str) -> None:
    assert_lossless(bp.parse(newline.join(lines)))


@settings(max_examples=75, deadline=None)
@given(LINES)
def test_html_input_is_lossless(lines: list[str]) -> None:
    page = "<html><body><div id='zoom'>" + "".join(f"<p>{line}</p>" for line in lines) + "</div></body></html>"
    assert_lossless(bp.parse(page.encode("utf-8")))
