"""Page layouts as data: how each kind of page marks its turns, names its speakers and wraps its text."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from .schema import Role

# White space that pages put inside markers: ASCII, NBSP (&nbsp;), U+3000 and the en/em spaces.
SPACE = r"[ \t\u00a0\u3000\u2002\u2003]"


@dataclass(frozen=True)
class Layout:
    """Everything one page layout needs: marker rule, fixed labels, site rules.

    `marker` is matched at each line start (re.MULTILINE); its named groups are `label` and,
    where the layout has them, `date` and `time`. The turn's body starts where the match ends.
    """

    name: str
    marker: re.Pattern[str]
    # Labels whose role is fixed by the layout (主持人 is always the host, 问 always a journalist).
    fixed_roles: Mapping[str, Role] = field(default_factory=dict)
    # Labels that ask again within the same topic (追问, Follow-up): their exchange `follows` the last.
    follow_up_labels: frozenset[str] = frozenset()
    # CSS selectors of the element that holds the transcript, most specific first.
    container_selectors: tuple[str, ...] = ()
    # Fewest markers a page must have for this layout to be detected.
    min_markers: int = 2


LAYOUTS: dict[str, Layout] = {}


def register(layout: Layout) -> Layout:
    """Add a layout to the registry (later entries win ties in detection)."""
    LAYOUTS[layout.name] = layout
    return layout


# The reference layout (泰安 图文直播): a line that holds a date, a time and the speaker, e.g.
#   2023-03-31\u00a0 10:01\u00a0\u00a0\u00a0 杨建全
#   2023/3/31 10:01:30 市科技局党组书记 杨建全       10：01 主持人
# The label is short and has no sentence punctuation, so a sentence that starts with a date is
# not a marker ("2023-03-31 10:00，会议开始。").
TIMESTAMP = register(Layout(
    name="timestamp",
    marker=re.compile(
        rf"^{SPACE}*"
        r"(?:(?P<date>\d{4}\s?[-/.年]\s?\d{1,2}\s?[-/.月]\s?\d{1,2}日?)" rf"{SPACE}+)?"
        r"(?P<time>(?:[01]?\d|2[0-3])[:：][0-5]\d(?:[:：][0-5]\d)?)"
        rf"{SPACE}+"
        r"(?P<label>[^\s\u00a0\u3000，,。.！!？?；;：:“”\"'（）()]"
        r"[^\n，,。！!？?；;：:“”\"]{0,30}?)"
        rf"{SPACE}*$",
        re.MULTILINE,
    ),
    fixed_roles={"主持人": "host", "主持": "host", "主持人发言": "host"},
    container_selectors=("#zoom", "div.TRS_Editor", "div.article-content", "div.article_content",
                         "div.content", "#content", "article"),
))


def get(name: str) -> Layout | None:
    """The registered layout of that name."""
    return LAYOUTS.get(name)


def detect(text: str, content: tuple[int, int]) -> tuple[Layout | None, int]:
    """The layout whose marker rule matches most lines of the content, and how many it matched."""
    region = text[content[0]:content[1]]
    best: tuple[Layout | None, int] = (None, 0)
    for layout in LAYOUTS.values():
        count = sum(1 for _ in layout.marker.finditer(region))
        if count >= layout.min_markers and count >= best[1]:
            best = (layout, count)
    return best


def container_selectors() -> tuple[str, ...]:
    """Every layout's container selectors, in registry order, without repeats."""
    return tuple(dict.fromkeys(s for layout in LAYOUTS.values() for s in layout.container_selectors))
