"""Case table of the reference layout's turn markers: what counts as a marker and what does not."""

from __future__ import annotations

import pytest

import briefing_parser as bp
from briefing_parser.layouts import TIMESTAMP
from briefing_parser.segment import tokenize

NBSP, IDEO = "\u00a0", "\u3000"

# (line, expected (date, time, label) or None when the line is not a marker)
CASES = [
    (f"2023-03-31{NBSP} 10:01{NBSP}{NBSP}{NBSP} 杨建全", ("2023-03-31", "10:01", "杨建全")),  # the seed page
    ("2023-03-31 10:01 杨建全", ("2023-03-31", "10:01", "杨建全")),  # ASCII spaces
    (f"2023-03-31{IDEO}10:01{IDEO}{IDEO}杨建全", ("2023-03-31", "10:01", "杨建全")),  # U+3000
    ("2023-03-31\t10:01\t杨建全", ("2023-03-31", "10:01", "杨建全")),  # tabs
    ("2023/3/31 10:01 主持人", ("2023/3/31", "10:01", "主持人")),  # slashes, no zero padding
    ("2023年3月31日 10:01 主持人", ("2023年3月31日", "10:01", "主持人")),  # Chinese date
    ("2023-03-31 10:01:30 柳斌", ("2023-03-31", "10:01:30", "柳斌")),  # seconds
    ("2023-03-31 10：01 柳斌", ("2023-03-31", "10：01", "柳斌")),  # full-width colon
    ("10:01 主持人", (None, "10:01", "主持人")),  # time only
    ("2023-03-31 10:01 市科技局党组书记 杨建全", ("2023-03-31", "10:01", "市科技局党组书记 杨建全")),  # title first
    (f"  2023-03-31 10:12{NBSP} 山东商报{NBSP}", ("2023-03-31", "10:12", "山东商报")),  # padded
    ("2023-03-31 10:00，会议开始。", None),  # a sentence that starts with a date
    ("会议于2023-03-31 10:00 开始", None),  # a date inside a sentence
    ("2023-03-31 10:00 主持人宣布：会议开始，请大家就座。", None),  # label with sentence punctuation
    ("2023-03-31", None),  # a bare date
    ("25:61 主持人", None),  # not a time
    ("2023-03-31 10:01", None),  # no label
]


@pytest.mark.parametrize(("line", "expected"), CASES, ids=[c[0] for c in CASES])
def test_marker_case(line: str, expected: tuple[str | None, str, str] | None) -> None:
    text = f"前文\n{line}\n正文。\n"
    markers = tokenize(text, (0, len(text)), TIMESTAMP)
    got = [(m.date, m.time, m.label) for m in markers]
    assert got == ([expected] if expected else [])


def test_marker_span_and_label_span() -> None:
    line = f"2023-03-31{NBSP} 10:01{NBSP}{NBSP}{NBSP} 杨建全"
    text = f"{line}\n正文"
    (marker,) = tokenize(text, (0, len(text)), TIMESTAMP)
    assert marker.span == (0, len(line))
    assert text[marker.label_span[0]:marker.label_span[1]] == "杨建全"


def test_title_in_front_resolves_to_the_introduced_official() -> None:
    text = (
        "2023-03-31 10:00 主持人\n今天邀请市科技局党组书记、一级调研员杨建全先生介绍情况。\n"
        "2023-03-31 10:01 市科技局党组书记 杨建全\n谢谢主持人。\n"
    )
    doc = bp.parse(text)
    official = doc.participant(doc.turns[1].participant_id or "")
    assert (official.name, official.title, official.role) == ("杨建全", "市科技局党组书记、一级调研员", "official")
    assert doc.turns[1].label == "市科技局党组书记 杨建全"


def test_unknown_label_is_flagged_not_guessed() -> None:
    text = "2023-03-31 10:00 主持人\n欢迎。\n2023-03-31 10:01 王某某\n讲话。\n"
    doc = bp.parse(text)
    assert doc.turns[1].role == "unknown"
    assert [d.code for d in doc.diagnostics] == ["speakers.unknown_label"]
    span = doc.diagnostics[0].span
    assert span is not None and doc.text[span.start:span.end] == "王某某"


def test_interpreter_label() -> None:
    text = "2023-03-31 10:00 主持人\n欢迎。\n2023-03-31 10:01 翻译\nWelcome.\n"
    doc = bp.parse(text)
    assert [(t.label, t.role, t.kind) for t in doc.turns] == [
        ("主持人", "host", "opening"), ("翻译", "interpreter", "other")]
    assert doc.diagnostics == []
