"""The colon layout of other government sites (主持人：…, 张三：…, 人民日报记者：…).

No page of this layout is in the shared corpus yet: the page below is written in the form such
transcripts take, and the case table pins what counts as a label."""

from __future__ import annotations

from pathlib import Path

import pytest

import briefing_parser as bp
from briefing_parser.layouts import COLON
from briefing_parser.segment import tokenize

PAGE = """“推进教育高质量发展”新闻发布会文字实录
2023年05月12日 来源：市政府新闻办
主持人：各位记者朋友们，大家上午好！出席今天新闻发布会的有：市教育局党组书记、局长张三先生；市教育局党组成员、副局长李四女士。首先，请张三先生介绍有关情况。
张三：各位记者朋友：大家好！今年我们重点做好以下工作：
具体安排如下：
一是……
【主持人】下面进入提问环节。
泰安广播电视台记者：请问今年招生有哪些新变化？
市教育局副局长李四：谢谢你的提问。我想强调几点：
第一，……
齐鲁晚报记者：请问有何举措？
张三：……
主持人：今天的发布会到此结束。谢谢大家！"""


def test_page() -> None:
    doc = bp.parse(PAGE)
    assert doc.source.layout == "colon"
    assert [(t.label, t.role, t.kind) for t in doc.turns] == [
        ("主持人", "host", "opening"), ("张三", "official", "statement"), ("主持人", "host", "transition"),
        ("泰安广播电视台记者", "journalist", "question"), ("市教育局副局长李四", "official", "answer"),
        ("齐鲁晚报记者", "journalist", "question"), ("张三", "official", "answer"), ("主持人", "host", "closing"),
    ]
    assert doc.turns[1].text.startswith("各位记者朋友：大家好！") and "具体安排如下：" in doc.turns[1].text
    officials = {p.name: (p.title, p.organization, p.honorific) for p in doc.participants if p.role == "official"}
    assert officials == {"张三": ("市教育局党组书记、局长", "市教育局", "先生"),
                         "李四": ("市教育局党组成员、副局长", "市教育局", "女士")}
    assert [(o.name, o.kind) for o in doc.outlets] == [("泰安广播电视台", "tv"), ("齐鲁晚报", "newspaper")]
    assert [(x.question_turn_ids, x.answer_turn_ids) for x in doc.exchanges] == [(["t4"], ["t5"]), (["t6"], ["t7"])]
    assert doc.diagnostics == []


LABELS = [
    ("主持人：欢迎。", "主持人"), ("【主持人】欢迎。", "主持人"), ("张三：谢谢。", "张三"),
    ("人民日报记者：请问…", "人民日报记者"), ("市教育局副局长李四：谢谢。", "市教育局副局长李四"),
    ("具体安排如下：", None), ("我想强调几点：", None), ("10:30：开始", None), ("（记者：日本媒体。）", None),
]


@pytest.mark.parametrize(("line", "label"), LABELS, ids=[c[0] for c in LABELS])
def test_label(line: str, label: str | None) -> None:
    text = f"前文\n{line}\n"
    markers = tokenize(text, (0, len(text)), COLON)
    assert [m.label for m in markers] == ([label] if label else [])


def test_a_foreign_ministry_page_stays_a_foreign_ministry_page() -> None:
    # The colon layout reads the same 记者 labels; the Foreign Ministry layouts win those pages.
    page = Path(__file__).parent / "fixtures" / "corpus" / "zh-2020-05-26-t1782879.html"
    assert bp.parse(page).source.layout == "mfa-named"
