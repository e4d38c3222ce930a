"""Page layouts as data: how each kind of page marks its turns, names its speakers and wraps its text."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

from . import collect, lexicon
from .schema import Role, TurnKind
from .segment import Marker, Range, RawTurn, Reading, line_matches, tokenize

if TYPE_CHECKING:  # the stages import this module for `Layout`; the hooks import the stages when they run
    from .classify import TurnFacts
    from .html import Page
    from .speakers import Cast

# White space that pages put inside markers: ASCII, NBSP (&nbsp;), U+3000 and the en/em spaces.
SPACE = r"[ \t\u00a0\u3000\u2002\u2003]"
# A line start and its indent (　　问：…), the indent taken whole: what follows it in a marker, cue or
# closing pattern never starts with white space, so a space given back could make no match, and re
# would try the pattern's alternatives again once for each space of the indent.
INDENT = rf"^{SPACE}*+"
# A clock time: 10:01, 9:05, 10：01:30, and in full-width digits as a Chinese input method types them
# (１０：００; `\d` takes them, the ranges of the first digits spell them out).
CLOCK = r"(?:[01０１]?\d|[2２][0-3０-３])[:：][0-5０-５]\d(?:[:：][0-5０-５]\d)?"


@dataclass(frozen=True)
class Cue:
    """A phrase that opens an unlabelled turn and stays part of its text (会后有记者问及：…, 华春莹表示，…).

    `pattern` is matched at each line start; `{name}` in it stands for the page's spokesperson names.
    """

    pattern: str
    role: Role
    kind: TurnKind | None = None


@dataclass(frozen=True)
class LabelReading:
    """What a layout's rules say about one label: who speaks and how the turn counts."""

    role: Role | None  # None: the layout leaves it to the roster (the timestamp layout)
    outlet: str | None = None  # 法新社 for 法新社记者
    name: str | None = None  # 赵立坚 for 赵立坚
    follow_up: bool = False  # 追问, Follow-up: a question that follows the last exchange
    reply: bool = False  # 记者解释, Journalist adds: a journalist answering back, not asking


@dataclass(frozen=True)
class Layout:
    """Everything one page layout needs: marker rule, label rules, site rules.

    `marker` is matched at each line start (re.MULTILINE); its named groups are `label` and,
    where the layout has them, `date` and `time`. The turn's body starts where the match ends.
    """

    name: str
    marker: re.Pattern[str]
    # Labels whose role is fixed by the layout (主持人 is always the host, 问 always a journalist).
    fixed_roles: Mapping[str, Role] = field(default_factory=dict)
    # Labels that ask again within the same topic (追问, Follow-up): their exchange `follows` the last.
    follow_up_labels: frozenset[str] = frozenset()
    # CSS selectors of the element that holds the transcript, most specific first, and of the heading.
    container_selectors: tuple[str, ...] = ()
    title_selectors: tuple[str, ...] = ()
    # Fewest markers a page must have for this layout to be detected.
    min_markers: int = 2
    # --- label rules ---
    # Anonymous answer labels (答, A): on a page that uses them, a spokesperson's name label before
    # the next one is dialogue (耿爽：你是哪家媒体的？), not the answer.
    answer_labels: frozenset[str] = frozenset()
    # Bare reporter labels (记者, Journalist): a question, or the reporter answering back in a dialogue.
    soft_labels: frozenset[str] = frozenset()
    # Unlabelled turn openers kept in the text, and lines that open a closing turn after an answer.
    cues: tuple[Cue, ...] = ()
    closing: re.Pattern[str] | None = None
    # Role of unlabelled text before the first marker (an opening statement), None: header/unclassified.
    preamble_role: Role | None = None
    # --- site rules ---
    # Where the spokesperson is named (group `name`), tried on the heading, then on the text.
    spokesperson: tuple[re.Pattern[str], ...] = ()
    # Spokespersons known from earlier pages: names on a page before any heading is read.
    spokespersons: frozenset[str] = frozenset()
    # Officials known to host the site's conferences (国新办's press bureau hosts for the ministries).
    hosts: frozenset[str] = frozenset()
    official_title: str | None = None
    official_organization: str | None = None
    # Labels that are evidence for this layout rather than a sibling (问/答 vs 法新社记者/赵立坚).
    detect_labels: re.Pattern[str] | None = None
    # A page heading of this site: a page that matches it but has no markers is not a transcript.
    site: re.Pattern[str] | None = None
    # Words that every page of the site carries somewhere (its name, its spokespersons): a page without
    # them is no page of the site, whatever labels it shares with it, and the general layout reads it.
    claim: re.Pattern[str] | None = None

    def read_label(self, label: str, names: frozenset[str] = frozenset()) -> LabelReading | None:
        """What the label says under this layout's rules (a role where the label fixes one); None when it
        is no label of the layout and its line is text (a layout with label rules of its own says so)."""
        return LabelReading(self.fixed_roles.get(label), follow_up=label in self.follow_up_labels)

    def speaker(self, heading: str | None, text: str, content: tuple[int, int]) -> str | None:
        """The spokesperson the page names: in its heading (外交部发言人耿爽主持例行记者会), else in
        the first lines of its content (2013年12月11日，外交部发言人洪磊主持例行记者会。)."""
        opening = text[content[0]:min(content[1], content[0] + 800)]
        for where in (heading or "", opening):
            for pattern in self.spokesperson:
                if match := pattern.search(where):
                    return match.group("name")
        return None

    def cue_patterns(self, names: frozenset[str]) -> tuple[tuple[re.Pattern[str], Cue], ...]:
        """The cues compiled for one page's spokesperson names (a cue without `{name}` needs none)."""
        return compile_cues(self.cues, names)

    # --- hooks: what a layout does at each step; a layout that reads pages otherwise overrides them ---

    def claims(self, text: str) -> bool:
        """Whether the page is this site's (it carries the site's words), or the layout is of no one site."""
        return self.claim is None or self.claim.search(text) is not None

    def read(self, page: Page, names: frozenset[str], matches: tuple[re.Match[str], ...] | None) -> Reading:
        """The page's turn markers under this layout's rules (`matches`: the marker matches detection found)."""
        markers = tokenize(page.text, page.content, self, names, matches)
        return Reading(markers, count=len(markers))

    def answers(self, text: str, page: Page, markers: list[Marker], names: frozenset[str]) -> list[Marker]:
        """The markers with those of the answers that the layout's pages leave unlabelled (none here)."""
        return markers

    def statement(self, text: str, preamble: Range, page: Page) -> bool:
        """Whether the unlabelled text before the first marker is a turn: where the layout gives it a role
        (the spokesperson's statement before the questions) and it holds a sentence besides image names; a
        heading that a copy of the page keeps above the first question is none (Regular Press Conference on
        November 5, 2021)."""
        if self.preamble_role is None:
            return False
        rest = text[preamble[0]:preamble[1]]
        for img in page.images:
            if preamble[0] <= img.span[0] < preamble[1]:
                rest = rest.replace(img.filename, "")
        return lexicon.SENTENCE_END.search(rest) is not None

    def cast(self, text: str, turns: list[RawTurn], preamble: Range, heading: str | None,
             speaker: str | None, names: frozenset[str]) -> tuple[Cast, list[TurnFacts]]:
        """Who speaks each turn, and what its label says beyond that: the roster of the host's introduction
        names the officials, outlets the journalists."""
        from .speakers import cast_by_roster

        return cast_by_roster(self, text, turns, preamble)

    def heading(self, page: Page) -> tuple[str | None, date | None]:
        """The title and the conference's day as the page's heading gives them, beyond its header lines;
        nothing for a layout whose header lines say it all."""
        return None, None

    def opening_date(self, text: str, content: Range) -> date | None:
        """The date of a body that opens with its heading, as text copies of a page do:
        2013年11月29日，外交部发言人秦刚主持例行记者会。 → 2013-11-29 (where the layout knows how its pages
        name their spokesperson)."""
        if not self.spokesperson:
            return None
        start, end = content[0], min(content[1], content[0] + 800)
        first = next((line for line in text[start:end].split("\n") if line.strip()), "")
        return collect.parse_date(first) if any(p.search(first) for p in self.spokesperson) else None

    def region(self, text: str, lines: list[str]) -> str | None:
        """The city or province the page speaks for: the one its header lines name, else its text most."""
        return collect.find_region(text, lines)


@lru_cache(maxsize=64)
def casefolded(names: frozenset[str]) -> Mapping[str, str]:
    """Names by their casefolded form (zhao lijian → Zhao Lijian), kept: a page reads its labels with one set."""
    return {n.casefold(): n for n in names}


@lru_cache(maxsize=64)
def compile_cues(cues: tuple[Cue, ...], names: frozenset[str]) -> tuple[tuple[re.Pattern[str], Cue], ...]:
    """`Layout.cue_patterns`, kept for the next page: pages of one site share their cues and names."""
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    compiled = []
    for cue in cues:
        if "{name}" in cue.pattern and not alternatives:
            continue
        body = cue.pattern.replace("{name}", alternatives)
        compiled.append((re.compile(rf"{INDENT}(?={body})", re.MULTILINE), cue))
    return tuple(compiled)


LAYOUTS: dict[str, Layout] = {}
# Each layout's name → the first registered layout that finds and reads markers alike (itself, or a
# sibling that differs only in name and evidence, as mfa-named does from mfa-qa).
READS_LIKE: dict[str, str] = {}


def register(layout: Layout) -> Layout:
    """Add a layout to the registry (later entries win ties in detection)."""
    LAYOUTS[layout.name] = layout
    READS_LIKE.clear()  # rebuilt whole: a layout registered again under its name may read otherwise now
    for name, entry in LAYOUTS.items():
        READS_LIKE[name] = next(other.name for other in LAYOUTS.values()
                                if replace(other, name=name, detect_labels=entry.detect_labels) == entry)
    return layout


# The reference layout (泰安 图文直播): a line that holds a date, a time and the speaker, e.g.
#   2023-03-31\u00a0 10:01\u00a0\u00a0\u00a0 杨建全
#   2023/3/31 10:01:30 市科技局党组书记 杨建全       10：01 主持人
# or the three on lines of their own, as the cells of a table row give them (2023-03-31 / 10:01 / 杨建全).
# The label is short and has no sentence punctuation, so a sentence that starts with a date is
# not a marker ("2023-03-31 10:00，会议开始。").
_STAMP_GAP = rf"(?:{SPACE}+|{SPACE}*\n{SPACE}*)"
TIMESTAMP = register(Layout(
    name="timestamp",
    marker=re.compile(
        rf"{INDENT}"
        r"(?:(?P<date>\d{4}\s?[-/.年]\s?\d{1,2}\s?[-/.月]\s?\d{1,2}日?)" rf"{_STAMP_GAP})?"
        rf"(?P<time>{CLOCK})"
        rf"{_STAMP_GAP}"
        r"(?P<label>[^\s\u00a0\u3000，,。.！!？?；;：:“”\"'（）()]"
        r"[^\n，,。！!？?；;：:“”\"]{0,30}?)"
        rf"{SPACE}*$",
        re.MULTILINE,
    ),
    fixed_roles={"主持人": "host", "主持": "host", "主持人发言": "host",
                 "翻译": "interpreter", "现场翻译": "interpreter", "口译": "interpreter"},
    container_selectors=("#zoom", "div.TRS_Editor", "div.article-content", "div.article_content",
                         "div.content", "#content", "article"),
))


def get(name: str) -> Layout | None:
    """The registered layout of that name."""
    return LAYOUTS.get(name)


@dataclass(frozen=True)
class Detection:
    """The layout found, how many of its evidence labels it read, and its marker matches in the
    content (`tokenize` takes them rather than searching the text again; None: not searched)."""

    layout: Layout | None
    count: int = 0
    matches: tuple[re.Match[str], ...] | None = None
    reading: Reading | None = None  # the page as the layout read it, where detection had to read it whole


def detect(text: str, content: tuple[int, int], heading: str | None = None) -> Detection:
    """The layout whose rules read most markers of the content, how many it read, and its matches.

    A layout counts only its evidence labels (`detect_labels`); ties go to the later entry."""
    best: Layout | None = None
    best_count = 0
    best_matches: list[re.Match[str]] = []
    # Sibling layouts (mfa-qa and mfa-named) differ only in their evidence: their markers are
    # found and read once and counted for each.
    found: dict[str, tuple[list[re.Match[str]], dict[str, int]]] = {}
    for layout in LAYOUTS.values():
        reader = READS_LIKE[layout.name]
        if reader not in found:
            found[reader] = _read_markers(LAYOUTS[reader], text, content, heading)
        matches, labels = found[reader]
        evidence = layout.detect_labels
        count = sum(times for label, times in labels.items() if evidence is None or is_evidence(evidence, label))
        if count >= layout.min_markers and count >= best_count:
            best, best_count, best_matches = layout, count, matches
    return Detection(best, best_count, tuple(best_matches)) if best is not None else Detection(None)


@lru_cache(maxsize=4096)  # pages of a site share their labels (问, 答, 赵立坚)
def is_evidence(evidence: re.Pattern[str], label: str) -> bool:
    """Whether a label is evidence for a layout (问 for mfa-qa, 法新社记者 for mfa-named)."""
    return evidence.fullmatch(label) is not None


def _read_markers(layout: Layout, text: str, content: tuple[int, int],
                  heading: str | None) -> tuple[list[re.Match[str]], dict[str, int]]:
    """The layout's marker matches in the content, and how often each label its rules can read
    occurs (labels repeat: each distinct one is read and checked as evidence once)."""
    matches = line_matches(layout.marker, text, content[0], content[1])
    if not matches:  # no label to read with the page's spokesperson (the Chinese rules on an English page)
        return matches, {}
    speaker = layout.speaker(heading, text, content) if layout.spokesperson else None
    known = layout.spokespersons | ({speaker} if speaker else set())
    labels: dict[str, int] = {}
    for match in matches:
        label = (match.group("label") or "").strip()
        labels[label] = labels.get(label, 0) + 1
    return matches, {label: times for label, times in labels.items() if layout.read_label(label, known) is not None}


def recognize(heading: str | None, chrome: str = "") -> Layout | None:
    """The first layout whose site rule knows the page, by its heading, else by its navigation and
    footer (中华人民共和国外交部　版权所有): for pages without markers."""
    for where in (heading or "", chrome):
        for layout in LAYOUTS.values():
            if where and layout.site and layout.site.search(where):
                return layout
    return None


def container_selectors() -> tuple[str, ...]:
    """Every layout's container selectors, in registry order, without repeats."""
    return tuple(dict.fromkeys(s for layout in LAYOUTS.values() for s in layout.container_selectors))


def title_selectors() -> tuple[str, ...]:
    """Every layout's heading selectors, in registry order, without repeats."""
    return tuple(dict.fromkeys(s for layout in LAYOUTS.values() for s in layout.title_selectors))


from . import foreign_ministry  # noqa: E402, F401  (the built-in site profiles register themselves)
