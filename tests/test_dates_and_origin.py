"""Case tables for what a page says of itself: its origin line and a heading's date."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from briefing_parser.collect import ORIGIN, heading_date, year_before

ORIGINS = [
    ("2023年03月31日 来源于:本站原创", "本站原创"),  # the reference page
    ("2020-08-14 12:10 来源: 新闻办网站", "新闻办网站"),  # wild/d01
    ("来源:退役军人事务部 发布时间:2024-05-31 19:26 浏览量:{{pvCount}}", "退役军人事务部"),  # wild/d12
    ("来源:湖北生态环境2024/10/20 14:08:3022", "湖北生态环境"),  # wild/d35: the dateline glued to it
    ("来源： （供稿） （供稿） \u00a0\u00a0 2018-02-16", None),  # the Foreign Ministry: a note, no origin
    ("来源: | 作者:finance-102 | 发布时间: 2023-12-15", None),  # wild/d04: empty
]


@pytest.mark.parametrize(("line", "origin"), ORIGINS, ids=[o[0][:12] for o in ORIGINS])
def test_origin(line: str, origin: str | None) -> None:
    found = ORIGIN.search(line)
    assert (found.group("origin") if found else None) == origin


def uploaded_on_sept_22(month: int, day: int) -> int | None:
    return year_before([date(2018, 9, 22)], month, day)


HEADINGS = [
    ("Foreign Ministry Spokesperson Geng Shuang's Regular Press Conference on June11, 2018", None, date(2018, 6, 11)),
    ("Foreign Ministry Spokesperson Geng Shuang's Regular Press Conference on September 21", uploaded_on_sept_22,
     date(2018, 9, 21)),
    ("Foreign Ministry Spokesperson Geng Shuang's Regular Press Conference on September 21", None, None),
    ("外交部发言人耿爽2月15日答记者问", lambda month, day: year_before([date(2018, 2, 16)], month, day),
     date(2018, 2, 15)),
    ("2020年1月2日外交部发言人耿爽主持例行记者会", None, date(2020, 1, 2)),
    ("A report of June 2018", None, None),  # a month without its day is no date
]


@pytest.mark.parametrize(("title", "year_of", "day"), HEADINGS, ids=[h[0][-20:] for h in HEADINGS])
def test_heading_date(title: str, year_of: Callable[[int, int], int | None] | None, day: date | None) -> None:
    assert heading_date(title, year_of) == day


def test_year_before_reaches_a_week_back_and_over_new_year() -> None:
    assert year_before([date(2019, 1, 2)], 12, 31) == 2018
    assert year_before([date(2018, 9, 22)], 9, 15) == 2018  # a week before
    assert year_before([date(2018, 9, 22)], 9, 14) is None  # eight days: too far
    assert year_before([date(2018, 9, 22)], 9, 23) is None  # after the day it was known: no
