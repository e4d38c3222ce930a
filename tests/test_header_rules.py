"""`header_lines` tries the header rules only on lines with a header sign (`lexicon.HEADER_SIGNS`):
it must agree with trying every rule on every line."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from briefing_parser import lexicon
from briefing_parser.segment import Range, header_lines, lines

PIECES = st.sampled_from([
    "首页", " > ", "＞", "›", "→", "\n", " ", "\t", "\u3000", "2023-03-31", "2023年3月31日", "来源：", "信息来源",
    "作者:", "字号", "浏览次数", "阅读次数", "点击量", "图文直播", "视频直播", "现场实录", "：", "—", "新闻发布会",
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



def test_every_header_line_of_the_seed_page_has_a_sign() -> None:
    seed = ("泰安新闻发布> 直播回放> 浏览文章\n“科技赋能新型工业化强市建设” 新闻发布会实录\n"
            "2023年03月31日 来源于:本站原创\n图文直播——\n")
    header, rest = header_lines(seed, (0, len(seed)))
    assert [seed[s:e] for s, e in header] == seed.splitlines()
    assert rest == []
