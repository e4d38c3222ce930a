"""Text to turns: find the markers of a layout, cut the text between them, map every character."""

from __future__ import annotations

import itertools
import re
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import repeat
from typing import TYPE_CHECKING

from . import lexicon
from .schema import Role, SegmentKind, TurnKind

if TYPE_CHECKING:  # the layouts import this module for its helpers; it needs them only as types
    from .layouts import Layout

Range = tuple[int, int]


@dataclass(slots=True)  # not frozen: built by the hundred per page, where frozen costs twice
class Marker:
    """A turn marker found in the text (`2023-03-31  10:01    杨建全`, `问：`).

    A cue (会后有记者问及：…) or a closing line is a marker without a label: it opens a turn, its
    words stay in the turn, and `role`/`kind` say what the layout knows about that turn."""

    span: Range
    label: str
    label_span: Range
    date: str | None = None
    time: str | None = None
    role: Role | None = None
    kind: TurnKind | None = None


@dataclass
class Reading:
    """A layout's reading of a page: the turn markers, and the spans around them that are no turn's words."""

    markers: list[Marker] = field(default_factory=list)
    stamps: list[Range] = field(default_factory=list)  # stamps printed after their entry: its time, not its words
    header: list[Range] = field(default_factory=list)  # metadata lines read as header (主持人：胡强强 …, 嘉宾：…)
    count: int = 0  # labels read, the evidence for the layout


@dataclass(slots=True)  # not frozen: built by the hundred per page, where frozen costs twice
class RawTurn:
    """A marker (None for unlabelled text) and the body that runs to the next marker."""

    marker: Marker | None
    body: Range  # from the end of the marker to the start of the next, white space included


LINE_END = re.compile("\n")


class _LastText(threading.local):
    """The last text whose line starts were asked for, and those starts (one per thread)."""

    text: str | None = None
    starts: tuple[int, ...] = ()


_LAST_TEXT = _LastText()


def line_starts(text: str) -> tuple[int, ...]:
    """Where each line of the text starts: 0 and after every line end. Kept for the last text: the
    stages of a page all ask about its text (detection's four marker passes, then cues and closing
    lines), and a cache of one keeps no earlier page (a 50 MB one) alive. Known by identity, not by
    equality: an equal text of the page before (the same page again) would cost a comparison of
    the whole text on every call."""
    last = _LAST_TEXT
    if last.text is not text:
        last.starts = (0, *map(re.Match.end, LINE_END.finditer(text)))
        last.text = text
    return last.starts


def line_start(text: str, at: int) -> int:
    """Where the line that holds an offset starts (by bisection over the line starts)."""
    starts = line_starts(text)
    return starts[bisect_right(starts, at) - 1]


def strip_span(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """A span without the white space at its edges (an image's line is then the image's span)."""
    start, end = span
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def followed(markers: list[Marker]) -> Iterator[tuple[Marker, Marker | None]]:
    """Each marker with the one after it (None after the last): where its turn ends."""
    return zip(markers, [*markers[1:], None], strict=False)


def line_matches(pattern: re.Pattern[str], text: str, start: int, end: int) -> list[re.Match[str]]:
    """What `pattern.finditer(text, start, end)` finds, for a pattern that can only match at a line
    start (`^` with re.MULTILINE) and, where it can match empty, has no other match there: `match` is
    tried at each line start only, in one C-level `map` (finditer tries every offset and fails on `^`
    at all but a few). Matches do not overlap: one that runs over a line end (a date broken by a line
    end, 2023-\n03-31 10:01 杨建全) hides the line starts inside it, as in finditer."""
    starts = line_starts(text)
    tried = starts[bisect_left(starts, start):bisect_left(starts, end)]
    matches = []
    covered = start  # where the last match ends
    for match in filter(None, map(pattern.match, repeat(text), tried, repeat(end))):
        if match.start() >= covered:
            matches.append(match)
            covered = match.end()
    return matches


def merged(markers: list[Marker], added: list[Marker]) -> list[Marker]:
    """Markers with others added, in text order (the markers as they are when none is added)."""
    return sorted([*markers, *added], key=lambda m: m.span[0]) if added else markers


def tokenize(text: str, content: Range, layout: Layout, names: frozenset[str] = frozenset(),
             matches: Iterable[re.Match[str]] | None = None) -> list[Marker]:
    """Every marker of `layout` that opens a line inside the content region: labels the layout's
    rules can read (with the page's spokesperson `names`), cues, and closing lines after a marker.
    `matches` are the layout's marker matches in the content when detection has found them."""
    known = names | layout.spokespersons
    if matches is None:
        matches = line_matches(layout.marker, text, content[0], content[1])
    readable: dict[str, bool] = {}  # labels repeat (问, 答, the spokesperson): each is read once
    # Markers by the start of their line: a marker opens its line (a match starts at the line start where
    # it was tried), so a line holds one (a cue replaces it).
    by_line: dict[int, Marker] = {}
    for match in matches:
        groups = match.groupdict()
        label = (groups.get("label") or "").strip()
        if label not in readable:
            readable[label] = layout.read_label(label, known) is not None
        if not readable[label]:
            continue  # 记者笑：…, 中国有句古语：… are sentences to the Foreign Ministry's rules
        by_line[match.start()] = Marker(
            span=match.span(),
            label=label,
            label_span=match.span("label"),
            date=groups.get("date"),
            time=groups.get("time"),
        )
    for pattern, cue in layout.cue_patterns(known):
        # A cue (^ *(?=有记者问)) matches empty only where the line has no indent to take.
        for match in line_matches(pattern, text, content[0], content[1]):
            at = match.end()
            by_line[match.start()] = Marker(span=(at, at), label="", label_span=(at, at), role=cue.role, kind=cue.kind)
    if layout.closing and by_line:
        first = by_line[min(by_line)].span[0]  # closing lines come after the first marker
        for match in line_matches(layout.closing, text, first, content[1]):
            if match.start() in by_line:  # a marker's or a cue's line
                continue
            found = match.group(0)
            at = match.start() + len(found) - len(found.lstrip(" \t\u00a0\u3000"))
            by_line[match.start()] = Marker(span=(at, at), label="", label_span=(at, at), role=layout.preamble_role,
                                            kind="closing")
    markers = [by_line[start] for start in sorted(by_line)]  # in text order: each marker is on its line
    if layout.closing:
        # One closing turn holds consecutive closing paragraphs (通知 … 祝大家新年快乐！).
        markers = [m for i, m in enumerate(markers)
                   if not (m.kind == "closing" and i and markers[i - 1].kind == "closing")]
    return markers


def question_reader(layout: Layout, names: frozenset[str] = frozenset(),
                    replies: bool = True) -> Callable[[Marker], bool]:
    """Whether a marker opens a question: a cue that says so (会后有记者问及：) or a label the layout
    reads as a journalist's (问, 法新社记者; with `replies`, also 记者解释); each label is read once."""
    known = names | layout.spokespersons
    asks: dict[str, bool] = {}

    def asks_question(marker: Marker) -> bool:
        if marker.kind is not None or not marker.label:  # a cue or a closing line
            return marker.kind == "question"
        if marker.label not in asks:
            reading = layout.read_label(marker.label, known)
            asks[marker.label] = (reading is not None and reading.role == "journalist"
                                  and (replies or not reading.reply))
        return asks[marker.label]

    return asks_question


CLOCK_PARTS = re.compile(r"\d+")  # 12:47 → 12, 47


def descending(turns: list[RawTurn]) -> bool:
    """Whether the turns are a live blog printed newest first: their stamped markers go back in time."""
    clocks = [tuple(map(int, CLOCK_PARTS.findall(t.marker.time))) for t in turns if t.marker and t.marker.time]
    return len(clocks) >= 3 and clocks[0] > clocks[-1] and all(a >= b for a, b in itertools.pairwise(clocks))


def segment(text: str, content: Range, markers: list[Marker]) -> tuple[Range, list[RawTurn], Range]:
    """Cut the content at the markers: (text before the first marker, turns, trailing footer)."""
    if not markers:
        return content, [], (content[1], content[1])
    turns = []
    for marker, following in followed(markers):
        end = following.span[0] if following else content[1]
        turns.append(RawTurn(marker, (marker.span[1], end)))
    last = turns[-1]
    footer_start = find_footer(text, last.body)
    turns[-1] = RawTurn(last.marker, (last.body[0], footer_start))
    return (content[0], markers[0].span[0]), turns, (footer_start, content[1])


def find_footer(text: str, span: Range) -> int:
    """Where a run of site-footer lines (Powered by …, 鲁ICP备…) at the end of `span` begins."""
    start, end = span
    footer_start = end
    pos = end
    while pos > start:
        line_start = max(text.rfind("\n", start, pos) + 1, start)
        line = text[line_start:pos]
        if line.strip() and not lexicon.FOOTER.search(line):
            break
        if line.strip():
            footer_start = line_start
        pos = line_start - 1 if line_start > start else start
    return footer_start


def lines(text: str, span: Range) -> list[Range]:
    """The non-blank lines of a span, without their line ends."""
    found = []
    start = span[0]
    for line in text[span[0]:span[1]].split("\n"):  # one C-level cut, not a find per line
        if line.strip():
            found.append((start, start + len(line)))
        start += len(line) + 1
    return found


def header_lines(text: str, span: Range) -> tuple[list[Range], list[Range]]:
    """Split the lines before the transcript into page-header lines and the rest."""
    # Only a line with a header sign can match a header rule: the signed lines are found in one C-level
    # scan of the whole span and the rules tried on those lines alone (a navigation block has many lines,
    # a few of them header; a rule searched line by line tries every offset of every line).
    signed = set(map(re.Match.end, lexicon.HEADER_SIGN.finditer(text, span[0], span[1])))
    headers: list[Range] = []
    others: list[Range] = []
    for line in lines(text, span):
        (headers if line[1] in signed and is_header(text[line[0]:line[1]]) else others).append(line)
    return headers, others


@lru_cache(maxsize=4096)  # a site's chrome repeats its lines (menus, section names) on every page
def is_header(value: str) -> bool:
    """Whether a line describes the page (breadcrumb, dateline, live label, title) rather than belongs to it."""
    return (
        lexicon.BREADCRUMB.search(value) is not None
        or lexicon.DATELINE.search(value) is not None
        or lexicon.LIVE_LABEL.match(value) is not None
        or (lexicon.TITLE_WORDS.search(value) is not None and len(value.strip()) <= 80)
    )


def account(length: int, claims: Iterable[tuple[SegmentKind, Range]], text: str) -> list[tuple[int, int, SegmentKind]]:
    """The lossless map: claimed ranges in order, gaps of white space joined to a neighbour,
    gaps with text `unclassified`. Later claims that fall inside earlier ones (an image in a
    turn) split them. Returns `(start, end, kind)` triples, the `Segment`s to be."""
    # In text order, the longest first at one start (an enclosing claim before those inside it), and
    # claims of one span in the order given: sorted as tuples, without a key function call per claim.
    ordered = sorted((start, start - end, index, kind)
                     for index, (kind, (start, end)) in enumerate(claims) if end > start)
    pieces: list[tuple[int, int, SegmentKind]] = []
    for start, minus_length, _, kind in ordered:
        end = start - minus_length
        # Drop the part of an enclosing claim that this one overrides.
        while pieces and pieces[-1][1] > start:
            p_start, p_end, p_kind = pieces.pop()
            if p_start < start:
                pieces.append((p_start, start, p_kind))
            if p_end > end:
                pieces.append((start, end, kind))
                pieces.append((end, p_end, p_kind))
                break
        else:
            pieces.append((start, end, kind))
    segments: list[tuple[int, int, SegmentKind]] = []
    pos = 0
    pieces.append((length, length, "unclassified"))  # the gap after the last claim
    for start, end, kind in pieces:
        if start < pos:
            start = pos
        if start > pos:
            if text[pos:start].strip():
                segments.append((pos, start, "unclassified"))
            elif segments:  # white space joins the segment before it ...
                segments[-1] = (segments[-1][0], start, segments[-1][2])
            else:  # ... or, at the very start, the one after it
                start = pos
        if end > start:
            segments.append((start, end, kind))
            pos = end
    return segments
