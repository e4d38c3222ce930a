"""`parse()`: compose the stages into one validated Briefing."""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from . import collect, lexicon, registry
from . import layouts as layout_registry
from .classify import Pairing, classify, question_parts
from .decode import decode
from .errors import ParseError, diagnostic
from .general import GENERAL
from .html import Page, PageImage, extract, from_text
from .inputs import PAGE_SUFFIXES
from .layouts import Detection, Layout
from .offices import KNOWN, OFFICES, office
from .schema import Briefing, Diagnostic, Role, SegmentKind, TurnKind, turn_paragraphs, with_words
from .segment import (
    Range,
    RawTurn,
    Reading,
    account,
    descending,
    header_lines,
    question_reader,
    segment,
    strip_span,
)
from .speakers import Cast

log = logging.getLogger(__name__)

# Han (U+4E00–U+9FFF) and Latin letters are counted by C-level `bytes.translate`, which deletes what is
# not counted (cheaper than a character-class regex over the text): Han on the high bytes of the text as
# UTF-16 (4E–9F), Latin letters on its ASCII characters.
NOT_LATIN_BYTES = bytes(b for b in range(256) if not (0x41 <= b <= 0x5A or 0x61 <= b <= 0x7A))
NOT_HAN_HIGH_BYTES = bytes(b for b in range(256) if not 0x4E <= b <= 0x9F)


@dataclass(frozen=True)
class ParseOptions:
    """How to parse: `strict` raises one ParseError for warnings and errors; `layout` forces a layout;
    `area_code` overrides the one inferred from the page's region (for bare local numbers); `aliases` is the
    path of a user's alias table, read after the shipped one (registry ids)."""

    strict: bool = False
    layout: str | None = None
    area_code: str | None = None
    aliases: str | None = None


# The longest `str` that is taken for a path (PATH_MAX on Linux): a longer one is a page.
LONGEST_PATH = 4096


def parse(source: bytes | str | os.PathLike[str], *, uri: str | None = None,
          options: ParseOptions | Mapping[str, Any] | None = None) -> Briefing:
    """Parse one page (HTML bytes in any encoding, HTML or plain text, or a path to either).

    A `str` is the page itself, unless it holds no line break and no `<` and names an existing file:
    then it is that file's path (`parse("saved/page.html")`), as a `Path` would be. Such a `str` that
    ends like a page's file name (.html, .htm, .shtml, .txt) but names no file raises FileNotFoundError
    rather than being parsed as a one-line page (pass bytes to parse such a line as text).

    Content problems never raise: they become `diagnostics`. Raises TypeError for a wrong argument or an
    unknown option, OSError for an unreadable path (or alias table), AliasError (a ValueError) for an alias
    table it cannot read, and ParseError in strict mode.
    """
    opts = parse_options(options)
    if isinstance(source, str) and _names_a_file(source):
        source = Path(source)
    if isinstance(source, os.PathLike):
        path = Path(source)
        data: bytes | str = path.read_bytes()
        uri = uri if uri is not None else str(path)
    elif isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
    elif isinstance(source, str):
        data = source
    else:
        raise TypeError(f"parse() takes bytes, str or a path, not {type(source).__name__}")
    with collection_paused:
        doc = build(data, uri=uri, options=opts)
    if opts.strict:
        problems = [d for d in doc.diagnostics if d.severity in ("error", "warning")]
        if problems:
            raise ParseError(problems)
    return doc


class CollectorPause:
    """Pauses the cyclic garbage collector while a page is parsed and restores it after (with threads, after
    the last parse ends). A parse allocates hundreds of thousands of objects on a long page and frees them
    all at its end; each collection the allocations trigger walks every object alive, so collections made
    a long page's cost grow faster than the page. A parse makes no cycles to collect."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.holders = 0
        self.was_enabled = False

    def __enter__(self) -> None:
        with self.lock:
            if self.holders == 0:
                self.was_enabled = gc.isenabled()
                gc.disable()
            self.holders += 1

    def __exit__(self, *exc: object) -> None:
        with self.lock:
            self.holders -= 1
            if self.holders == 0 and self.was_enabled:
                gc.enable()


collection_paused = CollectorPause()


def _names_a_file(source: str) -> bool:
    """Whether a `str` given to parse() is a path: one line without `<` that names a file. One that ends in a
    page's suffix and names none is a mistyped path, not a page (FileNotFoundError)."""
    if len(source) > LONGEST_PATH or "\n" in source or "\r" in source or "<" in source or not source.strip():
        return False
    if os.path.isfile(source):
        return True
    if source.rstrip().lower().endswith(PAGE_SUFFIXES):
        raise FileNotFoundError(f"parse() was given {source!r}, which looks like a path but names no file "
                                "(pass the page's bytes to parse this line as text)")
    return False


def parse_options(options: ParseOptions | Mapping[str, Any] | None) -> ParseOptions:
    """The options of `parse()` from a ParseOptions or a mapping of its fields (TypeError for an unknown one)."""
    if options is None:
        return ParseOptions()
    if isinstance(options, ParseOptions):
        return options
    if isinstance(options, Mapping):
        names = [f.name for f in fields(ParseOptions)]
        unknown = sorted(str(key) for key in options if key not in names)
        if unknown:
            raise TypeError(f"unknown parse option{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
                            f"the options are {', '.join(names)}")
        return ParseOptions(**options)
    raise TypeError(f"options must be a ParseOptions or a mapping, not {type(options).__name__}")


# From this input size on, the memory that reading freed (the HTML tree, the page's drafts, several times
# the input) is handed back to the system before the turns are built, so that the peak of a parse is
# not their sum; below it the peak is small anyway and the call not worth its time.
RELEASE_AFTER_READ = 1 << 20


def release_freed_memory() -> None:
    """Return the C heap's free memory to the system (glibc's `malloc_trim`: the allocator keeps freed
    blocks of the tree for reuse, and the Python objects made next do not fit in them); elsewhere nothing."""
    trim = getattr(_libc(), "malloc_trim", None)
    if trim is not None:
        trim(0)


@cache
def _libc() -> Any:
    import ctypes

    try:
        return ctypes.CDLL(None)
    except OSError:  # no C library to load (a static build)
        return None


@dataclass
class _Read:
    page: Page
    encoding: str
    sha256: str
    size: int
    diagnostics: list[Diagnostic]


def read(data: bytes | str) -> _Read:
    """Stage 1-2: decode bytes (or take a str's text) and extract the page text."""
    from .decode import binary_kind

    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    sha = hashlib.sha256(raw).hexdigest()
    if isinstance(data, bytes) and (kind := binary_kind(data)) is not None:
        problem = diagnostic("decode.binary", f"the input is {kind}, not a page", "error")
        return _Read(from_text(""), "binary", sha, len(raw), [problem])
    decoded = decode(data)
    diagnostics = decoded.diagnostics
    page = extract(decoded.text, layout_registry.container_selectors(), layout_registry.title_selectors(),
                   decoded.utf8) if decoded.is_html else from_text(decoded.text)
    diagnostics += [diagnostic(code, message) for code, message in page.problems]
    return _Read(page, decoded.encoding, sha, len(raw), diagnostics)


def build(data: bytes | str, *, uri: str | None, options: ParseOptions) -> Briefing:
    """Run every stage on one input: read the page; find its layout and cut it into turns; say who speaks
    and what each turn is; describe the page; account for every character; give each named person and
    each outlet its registry id; validate the document once."""
    source = read(data)
    if source.size >= RELEASE_AFTER_READ:
        release_freed_memory()
    page, diagnostics = source.page, source.diagnostics
    cut = find_turns(page, options, diagnostics)
    header = split_header(page, cut)
    cast, facts = cut.layout.cast(page.text, cut.raw, cut.preamble, page.title, cut.speaker, cut.names) \
        if cut.layout else (None, [])
    if cast is not None:
        diagnostics += cast.diagnostics
    roles = [cast.turn_role(i) for i in range(len(cut.raw))] if cast else []
    kinds, pairings = classify(roles, facts, descending=descending(cut.raw))
    meta = describe(page, cut, header, options)
    # The document is built as plain dicts (keys are the models' fields) and validated once at the
    # end: one pydantic-core call instead of hundreds of model constructions in Python.
    document = assemble(page, cut, header, meta, cast, roles, kinds, pairings, diagnostics)
    document["participants"], document["outlets"] = registry.link(document, registry.aliases(options.aliases))
    document["source"] = {"uri": uri, "sha256": source.sha256, "encoding": source.encoding,
                          "media_type": "text/html" if page.is_html else "text/plain",
                          "layout": cut.layout.name if cut.layout else "unknown", "size": source.size}
    return to_briefing(document)


@dataclass
class Cut:
    """The page cut into turns: its layout, what the layout read, the text before the first turn, the
    turns, and the footer after the last."""

    layout: Layout | None
    reading: Reading
    preamble: Range
    raw: list[RawTurn]
    footer: Range
    speaker: str | None  # the spokesperson the page names
    names: frozenset[str]


def find_turns(page: Page, options: ParseOptions, diagnostics: list[Diagnostic]) -> Cut:
    """The layout that reads the page, its markers with the answers it leaves unlabelled, and the turns
    they open; diagnostics for a page that is no transcript, or that no layout reads."""
    text = page.text
    detection, site = _choose_layout(page, options, diagnostics)
    layout = detection.layout or site
    speaker = layout.speaker(page.title, text, page.content) if layout else None
    names = frozenset({speaker}) if speaker else frozenset()
    reading = detection.reading or (layout.read(page, names, detection.matches) if layout else Reading())
    markers = reading.markers
    # A page of a known site with too few markers for detection: one question (有记者问：… 答：…) makes
    # it a transcript; without a question it is an announcement (发表谈话), its text one statement.
    not_transcript = site is not None and not any(map(question_reader(site, names), markers))
    if not_transcript:
        markers = []
    if layout:
        markers = layout.answers(text, page, markers, names)
    preamble, raw, footer = segment(text, page.content, markers)
    if layout and layout.statement(text, preamble, page):
        raw.insert(0, RawTurn(None, preamble))
        preamble = (preamble[0], preamble[0])
    if not text.strip() and not any(d.severity == "error" for d in diagnostics):
        diagnostics.append(diagnostic("extract.empty", "the page has no text", "error"))
    elif not_transcript:
        diagnostics.append(diagnostic(
            "layout.not_a_transcript",
            f"a {layout.name if layout else ''} page without question or answer markers (a statement or an "
            "announcement); its text is one turn"))
    elif layout is None and lexicon.TITLE_WORDS.search(lexicon.fold(text)):  # 新聞發(fā)布會 too
        diagnostics.append(diagnostic(
            "layout.not_a_transcript", "the page speaks of a press conference but labels no speakers (a report, "
            "a notice or a list); its text is kept as one turn"))
    elif layout is None and text.strip():
        diagnostics.append(diagnostic(
            "layout.unknown", "no speaker labels of any form were found; the text is kept as one turn"))
    return Cut(layout, replace(reading, markers=markers), preamble, raw, footer, speaker, names)


@dataclass
class Header:
    """The lines around the transcript: the page's header lines (breadcrumb, dateline, title, metadata), the
    site's menu, and the text before the first turn that is neither (stray)."""

    lines: list[Range]
    menu: list[Range]
    stray: list[Range]

    def texts(self, text: str) -> list[str]:
        return [text[s:e] for s, e in self.lines]


def split_header(page: Page, cut: Cut) -> Header:
    """The header lines of the chrome before the container and of the preamble; a photo above the first
    question is an image and a metadata line the layout read is header: neither is stray text."""
    text = page.text
    lead, other = header_lines(text, cut.preamble)
    known = frozenset(img.span for img in page.images) | set(cut.reading.header)
    stray = [line for line in other if strip_span(text, line) not in known and line not in known]
    chrome, menu = header_lines(text, (0, page.content[0]))
    return Header(chrome + lead, menu, stray)


@dataclass
class Metadata:
    """What the page says of itself: from its header lines, its heading, its lead and its stamps."""

    title: str | None = None
    topic: str | None = None  # the quoted subject of the title
    published: date | None = None
    held_on: date | None = None  # the conference's day, where the heading says it
    opened_on: date | None = None  # the date of a body that opens with its heading
    origin: str | None = None
    breadcrumb: list[str] = field(default_factory=list)
    breadcrumb_line: str | None = None
    region: str | None = None
    area: str | None = None  # the region's telephone area code, for bare local numbers


def describe(page: Page, cut: Cut, header: Header, options: ParseOptions) -> Metadata:
    """The page's metadata: title, topic, dates, origin, breadcrumb, region and its area code."""
    text, layout = page.text, cut.layout
    meta = _metadata(page, header.texts(text))
    title, held_on = layout.heading(page) if layout else (None, None)
    meta.title, meta.held_on = title or meta.title, held_on or meta.held_on
    # A copy of the body without its page opens with the heading: the day it was held, not published.
    meta.opened_on = layout.opening_date(text, page.content) if layout and not page.title else None
    region_of = layout.region if layout else collect.find_region
    meta.region = region_of(text, [meta.breadcrumb_line or "", meta.title or ""])
    meta.area = options.area_code or (collect.area_codes().get(meta.region) if meta.region else None)
    # Without a dateline, the first date of the lead (the text above the first turn), else a stamp's, else a
    # date line that ends the page (Ends/Sunday, March 4, 2012) is its date; a body that opens with its
    # heading dates the conference instead. Dates inside the turns are what the speakers talk of.
    meta.published = meta.published or meta.held_on or (None if meta.opened_on else (
        collect.first_date(text[cut.preamble[0]:cut.preamble[1]])
        or next((day for m in cut.reading.markers if m.date and (day := collect.parse_date(m.date))), None)
        or collect.closing_date(text[page.content[0]:page.content[1]])))
    return meta


def assemble(page: Page, cut: Cut, header: Header, meta: Metadata, cast: Cast | None, roles: list[Role],
             kinds: list[TurnKind], pairings: list[Pairing], diagnostics: list[Diagnostic]) -> dict[str, Any]:
    """The document as dicts of the models' fields: turns, images and contacts in their turns, exchanges,
    the lossless map, and the page's metadata."""
    text = page.text
    spans = [strip_span(text, t.body) for t in cut.raw]
    images = collect.images_in(text, [*spans, *header.stray], page.images)
    phones = collect.phones_in(text, spans, meta.area)
    # Stamps printed after an entry and metadata lines the layout read (责任编辑：… under the last answer) are
    # no turn's words.
    turns = _turns(text, cut.raw, spans, roles, kinds, cast, images, cut.reading.stamps + cut.reading.header,
                   meta.published)
    stray = header.stray
    if not cut.raw and text[page.content[0]:page.content[1]].strip():
        turns, stray = [_whole_text_turn(text, page.content)], []
    turn_at = _turn_finder(turns)
    diagnostics += collect.check_markers(turns, meta.published)
    image_dicts = [
        {"id": f"i{n}", "filename": img.filename, "src": img.src, "alt": img.alt,
         "captured_at": collect.captured_at(img.filename), "turn_id": turn_at(img.span[0]), "span": _span(img.span)}
        for n, img in enumerate(images, 1)
    ]
    turn_by_id = {turn["id"]: turn for turn in turns}
    for img in image_dicts:
        if img["turn_id"] is not None:
            turn_by_id[img["turn_id"]]["image_ids"].append(img["id"])
    diagnostics += [diagnostic("segment.text_before_first_marker",
                               f"text before the first marker is not a turn: {text[s:e][:40]!r}", span=(s, e))
                    for s, e in stray]
    started_at = next((t["at"] for t in turns if t["at"]), None)
    series = collect.series(text[: spans[1][0]] if len(spans) > 1 else text)
    segments = account_for(page, cut, header, stray, turns, images, phones)
    if not cut.raw and turns:
        # The one turn of a page without markers has the words the lossless map leaves it (no image names, no
        # header lines), as a lean document's turns get theirs back.
        with_words({"text": text, "segments": segments, "turns": turns})
    return {
        "language": _language(text), "text": text, "title": meta.title, "topic": meta.topic,
        "published": meta.published, "origin": meta.origin, "breadcrumb": meta.breadcrumb,
        "region": meta.region, "series": {"name": series[0], "number": series[1]} if series else None,
        # The body names who holds it (欢迎参加市政府新闻办新闻发布会), else the site does (外交部).
        "organizer": collect.organizer(text[: spans[0][1]] if spans else text)
                     or (cut.layout.official_organization if cut.layout else None),
        "held_on": meta.held_on or meta.opened_on or (started_at.date() if started_at else None),
        "started_at": started_at, "ended_at": next((t["at"] for t in reversed(turns) if t["at"]), None),
        "participants": cast.participants if cast else [], "outlets": cast.outlets if cast else [],
        "turns": turns, "exchanges": _exchanges(text, pairings, turns, spans, cast),
        "contacts": [{"id": f"c{n}", "kind": p.kind, "raw": p.raw, "e164": p.e164, "owner": p.owner,
                      "turn_id": turn_at(p.span[0]), "span": _span(p.span)} for n, p in enumerate(phones, 1)],
        "images": image_dicts,
        "segments": segments,
        "diagnostics": diagnostics,
    }


def _exchanges(text: str, pairings: list[Pairing], turns: list[dict[str, Any]], spans: list[Range],
               cast: Cast | None) -> list[dict[str, Any]]:
    """The exchanges as dicts: their turns, the asking outlet, the exchange they follow, a question's parts."""
    number = {id(pairing): n for n, pairing in enumerate(pairings, 1)}  # the exchange's id, q1, q2, …
    return [
        {
            "id": f"q{n}",
            "question_turn_ids": [turns[i]["id"] for i in pairing.questions],
            "answer_turn_ids": [turns[i]["id"] for i in pairing.answers],
            "outlet_id": cast.outlet_of(cast.speaker_of_turn[pairing.questions[0]]) if cast and pairing.questions
                         else None,
            "follows": f"q{number[id(pairing.follows)]}" if pairing.follows else None,
            "parts": question_parts(text, spans[pairing.questions[0]],
                                    [spans[i] for i in pairing.answers]) if pairing.questions else [],
        }
        for n, pairing in enumerate(pairings, 1)
    ]


def account_for(page: Page, cut: Cut, header: Header, stray: list[Range], turns: list[dict[str, Any]],
                images: list[PageImage], phones: list[collect.FoundPhone]) -> list[dict[str, Any]]:
    """The lossless map: every character of the text in exactly one segment."""
    text = page.text
    claims: list[tuple[SegmentKind, Range]] = [("header", span) for span in header.lines + cut.reading.header]
    # The chrome's lines that are not header (a site's menu: Home, The Ministry, …) are one segment
    # per run of lines, not one per line: half of an MFA page's segments were menu lines.
    claims += [("boilerplate", span) for span in _runs(header.menu, header.lines)]
    claims += [("unclassified", span) for span in stray]
    claims += [("marker", _range(turn["marker_span"])) for turn in turns if turn["marker_span"]]
    claims += [("turn", raw.body) for raw in cut.raw] or [("turn", _range(t["span"])) for t in turns]
    claims += [("marker", span) for span in cut.reading.stamps]
    claims += [("image", img.span) for img in images]
    claims += [("contact", p.span) for p in phones]
    claims += [("boilerplate", cut.footer), ("boilerplate", (page.content[1], len(text)))]
    return [{"kind": kind, "span": {"start": s, "end": e}} for s, e, kind in account(len(text), claims, text)]


def to_briefing(document: dict[str, Any]) -> Briefing:
    """Validate the whole document at once (raises pydantic's ValidationError on a bug of ours)."""
    return Briefing.model_validate(document)


def _span(span: Range) -> dict[str, int]:
    """A `Span` as the dict it is validated from."""
    return {"start": span[0], "end": span[1]}


def _range(span: Mapping[str, int]) -> Range:
    return span["start"], span["end"]


def _choose_layout(page: Page, options: ParseOptions,
                   diagnostics: list[Diagnostic]) -> tuple[Detection, Layout | None]:
    """The layout that reads the page, and the site whose profile knows a page without enough markers.

    The forced layout; else the profile whose markers the page has most, where the page is that site's;
    else the site that the heading or the navigation names; else the general layout (as the office that
    the page's opening names), where it reads any labels; else what detection found, if anything (a
    profile's markers on a page that is not the site's, which no other layout reads)."""
    if options.layout:
        forced = next((o for o in (GENERAL, *OFFICES) if o.name == options.layout), None) or layout_registry.get(
            options.layout)
        if forced is not None:
            return Detection(forced), None
        diagnostics.append(diagnostic("layout.not_registered", f"no layout named {options.layout!r}; detecting"))
    text = page.text
    found = layout_registry.detect(text, page.content)
    if found.layout is not None and found.layout.claims(text):
        return found, None
    if found.layout is None and page.is_html:
        site = layout_registry.recognize(page.title, text[:page.content[0]] + text[page.content[1]:])
        if site is not None:
            return found, site
    reading = GENERAL.read(page, KNOWN, None)
    if not reading.count:
        return found, None
    # The office that the heading or the text above the first label names (国务院台湾事务办公室今天上午…).
    opening = "\n".join([page.title or "", text[:reading.markers[0].span[0]] if reading.markers else ""])
    return Detection(office(opening), reading.count, reading=reading), None


def _runs(lines: list[Range], breaks: list[Range]) -> list[Range]:
    """Non-blank lines in text order joined into runs where no line of `breaks` (in text order) stands
    between them: the chrome's menu lines between its header lines (only white space is left between).
    The lines and the breaks are distinct lines of one text, so the runs are cut where a break starts: a
    bisection per break (a page has a few) rather than per line (its menu has dozens)."""
    line_starts = [start for start, _ in lines]
    cuts = [0, *(bisect_left(line_starts, start) for start, _ in breaks), len(lines)]
    return [(lines[first][0], lines[stop - 1][1]) for first, stop in pairwise(cuts) if stop > first]


def _turns(text: str, raw_turns: list[RawTurn], spans: list[Range], roles: list[Role], kinds: list[TurnKind],
           cast: Cast | None, images: list[PageImage], holes: list[Range],
           published: date | None) -> list[dict[str, Any]]:
    """The turns as dicts with the fields of `Turn` (validated with the whole Briefing); image names and the
    `holes` (stamps, metadata lines) are not their words."""
    turns = []
    holes = sorted([img.span for img in images] + holes)
    hole_starts = [start for start, _ in holes]
    speakers = cast.speaker_of_turn if cast else [None] * len(raw_turns)
    for index, (raw, span) in enumerate(zip(raw_turns, spans, strict=True)):
        marker = raw.marker
        # Holes are in text order: bisect instead of scanning all of them for every turn.
        own = holes[bisect_left(hole_starts, span[0]):bisect_left(hole_starts, span[1])]
        paragraphs = turn_paragraphs(text, span, own)
        at = None
        if marker is not None and marker.time is not None:  # a marker without a clock time has no moment
            at = collect.marker_time(collect.parse_date(marker.date) if marker.date else published, marker.time)
        turns.append({
            "id": f"t{index + 1}",
            "index": index,
            "at": at,
            "participant_id": speakers[index],
            "label": marker.label if marker else "",
            "role": roles[index],
            "kind": kinds[index],
            "text": "\n".join(paragraphs),
            "paragraphs": paragraphs,
            "image_ids": [],
            "span": {"start": span[0], "end": span[1]},
            "marker_span": {"start": marker.span[0], "end": marker.span[1]} if marker else None,
        })
    return turns


def _whole_text_turn(text: str, content: Range) -> dict[str, Any]:
    """The one turn of a page without markers, without its words (they come from the lossless map)."""
    return {"id": "t1", "index": 0, "at": None, "participant_id": None, "label": "", "role": "unknown",
            "kind": "other", "image_ids": [], "span": _span(strip_span(text, content)), "marker_span": None}


def _turn_finder(turns: list[dict[str, Any]]) -> Callable[[int], str | None]:
    """A lookup of the turn holding an offset, by bisection over the turns' starts (in text order)."""
    starts = [(turn["marker_span"] or turn["span"])["start"] for turn in turns]
    ends = [turn["span"]["end"] for turn in turns]

    def turn_at(offset: int) -> str | None:
        index = bisect_right(starts, offset) - 1
        if index < 0:
            return None
        return turns[index]["id"] if offset < max(ends[index], starts[index] + 1) else None

    return turn_at


def _metadata(page: Page, header: list[str]) -> Metadata:
    """Title, topic, dateline, origin and breadcrumb from the header lines; an HTML heading beats a guess."""
    meta = Metadata(title=page.title or None)
    dated = False  # the first dateline decides, even where it holds no date
    for line in header:
        if not meta.breadcrumb and lexicon.BREADCRUMB.search(line):
            meta.breadcrumb = [p.strip() for p in lexicon.BREADCRUMB_SPLIT.split(line) if p.strip()]
            meta.breadcrumb_line = line
        elif meta.title is None and lexicon.TITLE_WORDS.search(line) and not lexicon.LIVE_LABEL.match(line) \
                and not lexicon.CAPTION.search(line) and not lexicon.SENTENCE.search(line):
            meta.title = line.strip().lstrip("-•· ")  # - 環保部長陳吉寧就…答問
        if not dated and lexicon.DATELINE.search(line):
            meta.published, dated = collect.parse_date(line), True
        if meta.origin is None and (origin := collect.ORIGIN.search(line)):
            meta.origin = origin.group("origin")
    if meta.published is None:
        meta.published = next((day for key in ("publishdate", "pubdate", "article:published_time", "firstpublishedtime")
                               if key in page.meta and (day := collect.parse_date(page.meta[key]))), None)
    if meta.title and (topic := collect.TOPIC.search(meta.title)):
        meta.topic = topic.group("topic")
    return meta


def _language(text: str) -> str | None:
    sample = text[:4000]
    han = len(sample.encode("utf-16-le", "surrogatepass")[1::2].translate(None, NOT_HAN_HIGH_BYTES))
    latin = len(sample.encode("ascii", "ignore").translate(None, NOT_LATIN_BYTES))
    if not han and not latin:
        return None
    return "zh" if han * 2 >= latin else "en"
