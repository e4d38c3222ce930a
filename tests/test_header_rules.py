"""`header_lines` skips lines where a whole-block search proves a rule cannot match: it must agree
with trying every rule on every line."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from briefing_parser import lexicon
from briefing_parser.segment import Range, header_lines, lines

PIECES = st.sampled_from([
    "首页", " > ", "＞", "›", "→", "\n", " ", "\t", "\u3000", "2023-03-31", "2023年3月31日", "来源：", "信息来源",
    "作者:", "字号", "图文直播", "文字实录", "：", "—", "新闻发布会",
    "Press Conference", "briefing", "x" * 90, "a", "Home",
])


def every_line(text: str, span: Range) -> tuple[list[Range], list[Range]]:
    header: list[Range] = []
    rest: list[Range] = []
    for line in lines(text, span):
        value = text[line[0]:line[1]]
        is_header = (
            lexicon.BREADCRUMB.search(value) is not None
            or lexicon.DATELINE.search(value) is not None
            or lexicon.LIVE_LABEL.match(value) is not None
            or (lexicon.TITLE_WORDS.search(value) is not None and len(value.strip()) <= 80)
        )
        (header if is_header else rest).append(line)
    return header, rest


@given(st.lists(PIECES, max_size=40).map("".join), st.integers(0, 5), st.integers(0, 5))
def test_header_lines_agree_with_every_line(text: str, cut_start: int, cut_end: int) -> None:
    span = (min(cut_start, len(text)), max(min(cut_start, len(text)), len(text) - cut_end))
    assert header_lines(text, span) == every_line(text, span)


def test_header_rules_have_no_look_arounds() -> None:
    # The whole-block search finds every line's match only for rules without look-arounds.
    for rule in (lexicon.BREADCRUMB, lexicon.DATELINE, lexicon.LIVE_LABEL, lexicon.TITLE_WORDS):
        assert not any(sign in rule.pattern for sign in ("(?=", "(?!", "(?<", "\\b", "\\B", "\\Z", "\\A"))
