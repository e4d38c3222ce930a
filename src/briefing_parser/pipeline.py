"""`parse()`: compose the stages into one validated Briefing."""

from __future__ import annotations

import hashlib
import logging
import os
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from typing import Any

from . import collect, lexicon
from . import layouts as layout_registry
from .classify import TurnFacts, classify, question_parts
from .decode import decode, looks_like_html
from .errors import ParseError, diagnostic
from .general import GENERAL
from .html import Page, extract, from_text
from .layouts import Detection, Layout
from .offices import KNOWN, OFFICES, office
from .schema import Briefing, Diagnostic, SegmentKind
from .segment import (
    Range,
    RawTurn,
    Reading,
    account,
    descending,
    header_lines,
    lines,
    question_reader,
    segment,
    split_bold_questions,
    split_inline_answers,
)
from .speakers import Cast

log = logging.getLogger(__name__)

# Han (U+4E00–U+9FFF) and Latin letters are counted on UTF-8 bytes, where C-level `bytes.translate`
# deletes what is not counted (3x cheaper than a character-class regex over the text). In UTF-8 a
# character of U+5000–U+9FFF starts with a byte E5–E9, one of U+4E00–U+4FFF with E4 then B8–BF.
NOT_LATIN_BYTES = bytes(b for b in range(256) if not (0x41 <= b <= 0x5A or 0x61 <= b <= 0x7A))
NOT_HAN_LEAD_BYTES = bytes(b for b in range(256) if not 0xE5 <= b <= 0xE9)
HAN_E4_PAIRS = tuple(bytes((0xE4, second)) for second in range(0xB8, 0xC0))  # counted at memory speed


@dataclass(frozen=True)
class ParseOptions:
    """How to parse: `strict` raises one ParseError for warnings and errors; `layout` forces a layout;
    `area_code` overrides the one inferred from the page's region (for bare local numbers)."""

    strict: bool = False
    layout: str | None = None
    area_code: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


def parse(source: bytes | str | os.PathLike[str], *, uri: str | None = None,
          options: ParseOptions | Mapping[str, Any] | None = None) -> Briefing:
    """Parse one page (HTML bytes in any encoding, HTML or plain text, or a path to either).

    Content problems never raise: they become `diagnostics`. Raises TypeError for a wrong
    argument, OSError for an unreadable path, and ParseError in strict mode.
    """
    opts = _options(options)
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
    doc = build(data, uri=uri, options=opts)
    if opts.strict:
        problems = [d for d in doc.diagnostics if d.severity in ("error", "warning")]
        if problems:
            raise ParseError(problems)
    return doc


def _options(options: ParseOptions | Mapping[str, Any] | None) -> ParseOptions:
    if options is None:
        return ParseOptions()
    if isinstance(options, ParseOptions):
        return options
    if isinstance(options, Mapping):
        names = {f.name for f in fields(ParseOptions)} - {"extra"}
        known = {k: v for k, v in options.items() if k in names}
        return ParseOptions(**known, extra={k: v for k, v in options.items() if k not in names})
    raise TypeError(f"options must be a ParseOptions or a mapping, not {type(options).__name__}")


@dataclass
class _Read:
    page: Page
    encoding: str
    sha256: str
    size: int
    diagnostics: list[Diagnostic]


def read(data: bytes | str) -> _Read:
    """Stage 1-2: decode bytes and extract the page text."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    sha = hashlib.sha256(raw).hexdigest()
    diagnostics: list[Diagnostic] = []
    if isinstance(data, str):
        text, encoding, is_html = data, "utf-8", looks_like_html(data)
    else:
        from .decode import binary_kind

        kind = binary_kind(data)
        if kind is not None:
            diagnostics.append(diagnostic("decode.binary", f"the input is {kind}, not a page", "error"))
            return _Read(from_text(""), "binary", sha, len(raw), diagnostics)
        decoded = decode(data)
        text, encoding, is_html = decoded.text, decoded.encoding, decoded.is_html
        diagnostics += decoded.diagnostics
    page = extract(text, layout_registry.container_selectors()) if is_html else from_text(text)
    diagnostics += [diagnostic(code, message) for code, message in page.problems]
    return _Read(page, encoding, sha, len(raw), diagnostics)


def build(data: bytes | str, *, uri: str | None, options: ParseOptions) -> Briefing:
    """Run every stage on one input, in five steps: read the page; find its layout and turns; say who
    speaks and what each turn is; collect metadata, images and contacts; account for every character
    and validate the document once."""
    read_result = read(data)
    page, diagnostics = read_result.page, read_result.diagnostics
    text = page.text

    # --- Layout and turns -------------------------------------------------------------------------
    detection, site = _choose_layout(page, options, diagnostics)
    layout = detection.layout or site
    speaker = layout.speaker(page.title, text, page.content) if layout else None
    names = frozenset({speaker}) if speaker else frozenset()
    reading = detection.reading or (layout.read(text, page.content, names, detection.matches) if layout else Reading())
    markers = reading.markers
    # A page of a known site with too few markers for detection: one question (有记者问：… 答：…) makes
    # it a transcript; without a question it is an announcement (发表谈话), its text one statement.
    not_transcript = site is not None and not any(map(question_reader(site, names), markers))
    if not_transcript:
        markers = []
    photos = frozenset(img.span for img in page.images)  # image lines, which are no paragraphs
    if layout and layout.bold_questions and page.emphasis:
        # Questions in bold, answers not: a plain paragraph after a bold question opens its answer.
        markers = split_bold_questions(text, page.content, markers, page.emphasis, photos, layout, names)
    if layout and layout.inline_answers:
        markers = split_inline_answers(text, page.content, markers, photos, layout, names)
    preamble, raw_turns, footer = segment(text, page.content, markers)
    if layout and layout.preamble_role and _has_words(text, preamble, page):
        # Unlabelled text before the first question is the spokesperson's opening statement.
        raw_turns.insert(0, RawTurn(None, preamble))
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

    header_before = (0, page.content[0])
    head_lines, other_lines = header_lines(text, preamble)
    # A photo above the first question is an image, and a metadata line the layout read is header: no stray text.
    known = photos | set(reading.header)
    other_lines = [line for line in other_lines if _strip(text, line) not in known and line not in known]
    chrome_header, chrome_rest = header_lines(text, header_before)
    header_text_lines = [text[s:e] for s, e in chrome_header + head_lines]

    # --- Who speaks, and what kind of turn each is -------------------------------------------------
    cast: Cast | None = None
    turn_facts: list[TurnFacts] = []
    if layout:
        cast, turn_facts = layout.cast(text, raw_turns, preamble, page.title, speaker, names)
        diagnostics += cast.diagnostics
    roles = [cast.turn_role(i) for i in range(len(raw_turns))] if cast else []
    kinds, pairings = classify(roles, turn_facts, descending=descending(raw_turns))

    # --- Metadata (page header, title, first turns), images, contacts ------------------------------
    meta = _metadata(page, header_text_lines)
    if layout and layout.title_from_heading and page.title:
        meta.update(_heading_metadata(page))
    # A copy of the body without its page opens with the heading: the day it was held, not published.
    opened_on = _opening_date(text, page.content, layout) if layout and not page.title else None
    region = None if layout and layout.national else collect.find_region(
        text, [meta.get("breadcrumb_line") or "", meta.get("title") or ""])
    area = options.area_code or (collect.area_codes().get(region) if region else None)

    turn_spans = [_strip(text, t.body) for t in raw_turns]
    images = collect.images_in(text, [*turn_spans, *(other_lines or [])], page.images)
    phones = [p for span in turn_spans for p in collect.phones(text, span[0], span[1], area)]

    # Without a dateline, the first date of the lead (the text above the first turn), else a stamp's, else a
    # date line that ends the page (Ends/Sunday, March 4, 2012) is its date; a body that opens with its
    # heading dates the conference instead. Dates inside the turns are what the speakers talk of.
    published = meta.get("published") or meta.get("held_on") or (None if opened_on else (
        collect.first_date(text[preamble[0]:preamble[1]])
        or next((day for m in markers if m.date and (day := collect.parse_date(m.date))), None)
        or collect.closing_date(text[page.content[0]:page.content[1]])))
    turns = _turns(text, raw_turns, turn_spans, roles, kinds, cast, images, reading.stamps, published)
    if not raw_turns and text[page.content[0]:page.content[1]].strip():
        turns = [_whole_text_turn(text, page.content)]
        preamble, other_lines = (page.content[0], page.content[0]), []

    # The document is built as plain dicts (keys are the models' fields) and validated once at the
    # end: one pydantic-core call instead of hundreds of model constructions in Python.
    turn_at = _turn_finder(turns)
    diagnostics += collect.check_markers(turns, published)
    image_dicts = [
        {"id": f"i{n}", "filename": img.filename, "src": img.src, "alt": img.alt,
         "captured_at": collect.captured_at(img.filename), "turn_id": turn_at(img.span[0]), "span": _span(img.span)}
        for n, img in enumerate(images, 1)
    ]
    contacts = [
        {"id": f"c{n}", "kind": p.kind, "raw": p.raw, "e164": p.e164, "owner": p.owner,
         "turn_id": turn_at(p.span[0]), "span": _span(p.span)}
        for n, p in enumerate(phones, 1)
    ]
    turn_by_id = {turn["id"]: turn for turn in turns}
    for img in image_dicts:
        if img["turn_id"] is not None:
            turn_by_id[img["turn_id"]]["image_ids"].append(img["id"])
    exchanges = [
        {
            "id": f"q{n}",
            "question_turn_ids": [turns[i]["id"] for i in pairing.questions],
            "answer_turn_ids": [turns[i]["id"] for i in pairing.answers],
            "outlet_id": _outlet_of(cast, pairing.questions[0]) if pairing.questions else None,
            "follows": f"q{n - 1}" if pairing.follow_up and n > 1 else None,
            "parts": question_parts(text, turn_spans[pairing.questions[0]],
                                    [turn_spans[i] for i in pairing.answers]) if pairing.questions else [],
        }
        for n, pairing in enumerate(pairings, 1)
    ]

    # --- The lossless map: every character of the text in exactly one segment ----------------------
    for s, e in other_lines:
        diagnostics.append(diagnostic(
            "segment.text_before_first_marker",
            f"text before the first marker is not a turn: {text[s:e][:40]!r}", span=(s, e)))
    claims: list[tuple[SegmentKind, Range]] = []
    claims += [("header", span) for span in chrome_header + head_lines + reading.header]
    # The chrome's lines that are not header (a site's menu: Home, The Ministry, …) are one segment
    # per run of lines, not one per line: half of an MFA page's segments were menu lines.
    claims += [("boilerplate", span) for span in _runs(text, chrome_rest)]
    claims += [("unclassified", span) for span in other_lines]
    for turn in turns:
        if turn["marker_span"]:
            claims.append(("marker", _range(turn["marker_span"])))
    claims += [("turn", raw.body) for raw in raw_turns] or [("turn", _range(t["span"])) for t in turns]
    claims += [("marker", span) for span in reading.stamps]
    claims += [("image", img.span) for img in images]
    claims += [("contact", p.span) for p in phones]
    claims.append(("boilerplate", footer))
    claims.append(("boilerplate", (page.content[1], len(text))))
    segments = [{"kind": kind, "span": {"start": s, "end": e}} for s, e, kind in account(len(text), claims, text)]

    title = meta.get("title")
    started_at = next((t["at"] for t in turns if t["at"]), None)
    series = collect.series(text[: turn_spans[1][0]] if len(turn_spans) > 1 else text)
    return to_briefing({
        "source": {"uri": uri, "sha256": read_result.sha256, "encoding": read_result.encoding,
                   "media_type": "text/html" if page.is_html else "text/plain",
                   "layout": layout.name if layout else "unknown", "size": read_result.size},
        "language": _language(text),
        "text": text,
        "title": title,
        "topic": meta.get("topic"),
        "published": published,
        "origin": meta.get("origin"),
        "breadcrumb": meta.get("breadcrumb") or [],
        "region": region,
        "series": {"name": series[0], "number": series[1]} if series else None,
        # The body names who holds it (欢迎参加市政府新闻办新闻发布会), else the site does (外交部).
        "organizer": collect.organizer(text[: turn_spans[0][1]] if turn_spans else text)
                     or (layout.official_organization if layout else None),
        "held_on": meta.get("held_on") or opened_on or (started_at.date() if started_at else None),
        "started_at": started_at,
        "ended_at": next((t["at"] for t in reversed(turns) if t["at"]), None),
        "participants": cast.participants if cast else [],
        "outlets": cast.outlets if cast else [],
        "turns": turns,
        "exchanges": exchanges,
        "contacts": contacts,
        "images": image_dicts,
        "segments": segments,
        "diagnostics": diagnostics,
    })


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
    the page's opening names), where it reads any labels."""
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
    reading = GENERAL.read(text, page.content, KNOWN, None)
    if not reading.count:
        return found, None
    # The office that the heading or the text above the first label names (国务院台湾事务办公室今天上午…).
    opening = "\n".join([page.title or "", text[:reading.markers[0].span[0]] if reading.markers else ""])
    return Detection(office(opening), reading.count, reading=reading), None


def _has_words(text: str, span: Range, page: Page) -> bool:
    """Whether a span holds more than white space and image names."""
    rest = text[span[0]:span[1]]
    for img in page.images:
        if span[0] <= img.span[0] < span[1]:
            rest = rest.replace(img.filename, "")
    return bool(rest.strip())


def _runs(text: str, spans: list[Range]) -> list[Range]:
    """Spans in text order joined where only white space stands between them (lines of a block)."""
    runs: list[Range] = []
    for start, end in spans:
        if runs and not text[runs[-1][1]:start].strip():
            runs[-1] = (runs[-1][0], end)
        else:
            runs.append((start, end))
    return runs


def _strip(text: str, span: Range) -> Range:
    start, end = span
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _turns(text: str, raw_turns: list[RawTurn], spans: list[Range], roles: list[Any], kinds: list[Any],
           cast: Any, images: list[Any], stamps: list[Range], published: date | None) -> list[dict[str, Any]]:
    """The turns as dicts with the fields of `Turn` (validated with the whole Briefing); image names and
    stamps printed after an entry are not its words."""
    turns = []
    holes = sorted([img.span for img in images] + stamps)
    hole_starts = [start for start, _ in holes]
    for index, (raw, span) in enumerate(zip(raw_turns, spans, strict=True)):
        marker = raw.marker
        # Holes are in text order: bisect instead of scanning all of them for every turn.
        own = holes[bisect_left(hole_starts, span[0]):bisect_left(hole_starts, span[1])]
        paragraphs = _paragraphs(text, span, own)
        day = collect.parse_date(marker.date) if marker and marker.date else published
        turns.append({
            "id": f"t{index + 1}",
            "index": index,
            "at": collect.marker_time(day, marker.time if marker else None),
            "participant_id": cast.speaker_of_turn[index] if cast else None,
            "label": marker.label if marker else "",
            "role": roles[index],
            "kind": kinds[index],
            "text": "\n".join(paragraphs),
            "paragraphs": paragraphs,
            "image_ids": [],
            "span": _span(span),
            "marker_span": _span(marker.span) if marker else None,
        })
    return turns


def _paragraphs(text: str, span: Range, holes: list[Range]) -> list[str]:
    """The non-empty lines of a span, with image names cut out and edges stripped."""
    pieces, pos = [], span[0]
    for start, end in holes:
        pieces.append(text[pos:start])
        pos = end
    pieces.append(text[pos:span[1]])
    joined = "".join(pieces)
    return [line.strip() for line in joined.split("\n") if line.strip()]


def _whole_text_turn(text: str, content: Range) -> dict[str, Any]:
    span = _strip(text, content)
    paragraphs = _paragraphs(text, span, [])
    return {"id": "t1", "index": 0, "at": None, "participant_id": None, "label": "", "role": "unknown",
            "kind": "other", "text": "\n".join(paragraphs), "paragraphs": paragraphs, "image_ids": [],
            "span": _span(span), "marker_span": None}


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


def _outlet_of(cast: Any, index: int) -> str | None:
    if cast is None or cast.speaker_of_turn[index] is None:
        return None
    pid = cast.speaker_of_turn[index]
    return next((p.outlet_id for p in cast.participants if p.id == pid), None)


def _metadata(page: Page, header: list[str]) -> dict[str, Any]:
    # An HTML heading beats a guess from the header lines.
    meta: dict[str, Any] = {"title": page.title} if page.title else {}
    for line in header:
        if "breadcrumb" not in meta and lexicon.BREADCRUMB.search(line):
            parts = [p.strip() for p in lexicon.BREADCRUMB_SPLIT.split(line) if p.strip()]
            meta["breadcrumb"], meta["breadcrumb_line"] = parts, line
        elif "title" not in meta and lexicon.TITLE_WORDS.search(line) and not lexicon.LIVE_LABEL.match(line) \
                and not lexicon.CAPTION.search(line) and not lexicon.SENTENCE.search(line):
            meta["title"] = line.strip()
        if "published" not in meta and lexicon.DATELINE.search(line):
            meta["published"] = collect.parse_date(line)
        if "origin" not in meta and (origin := collect.ORIGIN.search(line)):
            meta["origin"] = origin.group("origin")
    if meta.get("published") is None:
        meta.pop("published", None)
        for key in ("publishdate", "pubdate", "article:published_time", "firstpublishedtime"):
            if key in page.meta and (day := collect.parse_date(page.meta[key])):
                meta["published"] = day
                break
    if meta.get("title") and (topic := collect.TOPIC.search(meta["title"])):
        meta["topic"] = topic.group("topic")
    return meta


def _heading_metadata(page: Page) -> dict[str, Any]:
    """Title and dates from a heading such as 2020年1月2日外交部发言人耿爽主持例行记者会 or
    Foreign Ministry Spokesperson Geng Shuang's Regular Press Conference on June 22, 2018."""
    title = collect.join_broken_heading(page.title or "")
    meta: dict[str, Any] = {"title": title}
    held = collect.heading_date(title, [img.filename for img in page.images])
    if held:
        meta["held_on"] = held
    return meta


def _opening_date(text: str, content: Range, layout: Layout) -> date | None:
    """The date of a body that opens with its heading, as text copies of a page do:
    2013年11月29日，外交部发言人秦刚主持例行记者会。 → 2013-11-29."""
    opening = next(iter(lines(text, (content[0], min(content[1], content[0] + 800)))), None)
    if opening is None:
        return None
    line = text[opening[0]:opening[1]]
    return collect.parse_date(line) if any(p.search(line) for p in layout.spokesperson) else None


def _language(text: str) -> str | None:
    sample = text[:4000].encode("utf-8", "surrogatepass")
    han = len(sample.translate(None, NOT_HAN_LEAD_BYTES)) + sum(sample.count(pair) for pair in HAN_E4_PAIRS)
    latin = len(sample.translate(None, NOT_LATIN_BYTES))
    if not han and not latin:
        return None
    return "zh" if han * 2 >= latin else "en"
