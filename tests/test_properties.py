"""Properties over generated pages and text: parse never raises, and its output is self-consistent."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import briefing_parser as bp
from briefing_parser import Briefing
from briefing_parser.schema import LEAN, breaches, with_words

REGRESSIONS = Path(__file__).parent / "fixtures" / "regressions"
SPACE = st.sampled_from([" ", "\u00a0", "\u3000", "\t", "\n", "&nbsp;"])
WORDS = st.sampled_from(["主持人", "杨建全", "问", "答", "谢谢。", "2023-03-31", "10:01", "电话:6991152",
                         "微信图片_20230331121901.jpg", "记者", "：", "？", "Q:", "A:", "&amp;", "<", ">",
                         "\ufdd0", "\x00", "\ufffd", "𠀀"])
TEXT = st.lists(st.one_of(WORDS, SPACE, st.text(max_size=4)), max_size=30).map("".join)
MARKER = st.builds(lambda h, m, who: f"2023-03-31\u00a0 {h:02d}:{m:02d}\u00a0\u00a0 {who}",
                   st.integers(0, 23), st.integers(0, 59), st.sampled_from(["主持人", "杨建全", "大众日报记者"]))
LINE = st.one_of(MARKER, TEXT)


def element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    tag = st.sampled_from(["p", "div", "span", "strong", "td", "li", "a", "h1", "script", "pre"])
    return st.one_of(
        st.builds(lambda t, c: f"<{t}>{''.join(c)}</{t}>", tag, st.lists(children, max_size=4)),
        st.just("<br>"), st.builds(lambda n: f"<img src='/u/{n}.jpg'>", st.integers(0, 9)))


NODES = st.recursive(LINE, element, max_leaves=25)
PAGES = st.builds(
    lambda before, inside, container, encoding: (
        f"<html><head><meta charset='{encoding}'><title>发布会实录</title></head><body>{''.join(before)}"
        + (f"<div id='zoom'>{''.join(inside)}</div>" if container else "".join(inside)) + "</body></html>"
    ).encode(encoding, "replace"),
    st.lists(NODES, max_size=4), st.lists(NODES, max_size=8), st.booleans(),
    st.sampled_from(["utf-8", "gb18030", "utf-16"]))
INPUTS = st.one_of(PAGES, st.lists(LINE, max_size=20).map("\n".join), st.binary(max_size=300))


def check(doc: Briefing) -> None:
    """The model's invariants hold (spans, the lossless map, ids, references), and the JSON round-trips, lean
    too."""
    assert breaches(doc) == []
    assert Briefing.model_validate_json(doc.model_dump_json()) == doc
    assert Briefing.model_validate(with_words(doc.model_dump(mode="json", exclude=LEAN))) == doc


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(INPUTS)
def test_parse_never_raises_and_is_consistent(source: bytes | str) -> None:
    check(bp.parse(source))


@pytest.mark.parametrize("path", sorted(REGRESSIONS.iterdir()), ids=lambda p: p.name)
def test_regressions(path: Path) -> None:
    """Inputs that once failed (a crash, a lost character, a quadratic step): replayed as they are."""
    check(bp.parse(path.read_bytes()))
