"""One Briefing as a self-contained HTML page: its text by segment kind, its turns and exchanges, its lists."""

from __future__ import annotations

import html
from bisect import bisect_right
from collections import defaultdict
from itertools import pairwise
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urljoin, urlsplit

from .schema import Briefing, Diagnostic, Exchange, Image, Role, Segment, SegmentKind, Turn

# Each segment kind's background and what it means (the legend). Dark text on every one of them reads at a
# contrast above 10:1; each kind also differs by a second sign (weight, style, border), not colour alone.
KINDS: dict[SegmentKind, tuple[str, str, str]] = {
    "header": ("#dbeafe", "border-bottom: 2px solid #93c5fd", "page metadata and headings"),
    "marker": ("#fde68a", "font-weight: 600", "a speaker's label and time"),
    "turn": ("#ffffff", "", "the words of a turn"),
    "image": ("#e9d5ff", "border: 1px solid #a78bfa", "an image, where it sits"),
    "contact": ("#bbf7d0", "text-decoration: underline", "a phone number or address"),
    "boilerplate": ("#e5e7eb", "font-style: italic; color: #374151", "site chrome: menus, share links, bylines"),
    "unclassified": ("#fecdd3", "outline: 1px dashed #be123c", "text no rule accounted for"),
}
ROLES: dict[Role, str] = {"host": "#4b5563", "official": "#1d4ed8", "journalist": "#b45309",
                          "interpreter": "#6d28d9", "unknown": "#b91c1c"}
SEVERITIES = ("error", "warning", "info")  # the order diagnostics are listed in

FONTS = ('system-ui, -apple-system, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", '
         '"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif')
BASE_CSS = f"""
* {{ box-sizing: border-box; }}
body {{ margin: 0; font: 15px/1.6 {FONTS}; color: #111827; background: #f9fafb; }}
header, main, footer {{ max-width: 1400px; margin: 0 auto; padding: 0.75rem 1.25rem; }}
h1 {{ font-size: 1.35rem; margin: 0.3rem 0; }}
h2 {{ font-size: 1.05rem; margin: 1rem 0 0.4rem; }}
a {{ color: #1d4ed8; }}
dl.facts {{ display: flex; flex-wrap: wrap; gap: 0.2rem 1.4rem; margin: 0.3rem 0; }}
dl.facts div {{ display: flex; gap: 0.4rem; }}
dt {{ color: #4b5563; }}
dd {{ margin: 0; font-weight: 600; }}
table {{ border-collapse: collapse; background: #fff; }}
th, td {{ border: 1px solid #d1d5db; padding: 0.2rem 0.5rem; text-align: left; vertical-align: top; }}
td.n, th.n {{ text-align: right; font-variant-numeric: tabular-nums; }}
"""

VIEW_CSS = BASE_CSS + """
.legend { display: flex; flex-wrap: wrap; gap: 0.3rem 1rem; list-style: none; padding: 0; margin: 0.4rem 0; }
.legend li { display: flex; align-items: center; gap: 0.35rem; }
.swatch { display: inline-block; width: 1.1rem; height: 1.1rem; border: 1px solid #6b7280; }
.why { background: #fff7ed; border: 2px solid #c2410c; padding: 0.5rem 0.9rem; margin: 0.5rem 0; }
main { display: grid; grid-template-columns: minmax(0, 1fr) 24rem; gap: 1.25rem; align-items: start; }
#text { background: #fff; border: 1px solid #d1d5db; }
.turn, .block { display: grid; grid-template-columns: 10.5rem minmax(0, 1fr); border-top: 1px solid #e5e7eb; }
.turn { border-left: 5px solid var(--role); }
.block { border-left: 5px solid transparent; }
.meta { padding: 0.35rem 0.5rem; font-size: 0.85rem; color: #374151; user-select: none;
        display: flex; flex-direction: column; gap: 0.1rem; background: #f3f4f6; }
.meta .who { font-weight: 600; color: #111827; overflow-wrap: anywhere; }
.meta .role { color: var(--role); font-weight: 600; }
.body { padding: 0.35rem 0.75rem; white-space: pre-wrap; overflow-wrap: anywhere; line-height: 1.75; }
.turn.asked, .swatch.asked { outline: 3px solid #1d4ed8; outline-offset: -3px; }
.turn.answering, .swatch.answering { outline: 3px solid #a16207; outline-offset: -3px; }
.turn.answering .body, .swatch.answering { background: #fefce8; }
button.exchange { font: inherit; cursor: pointer; border: 1px solid #6b7280; border-radius: 3px;
                  background: #fff; color: #111827; padding: 0 0.3rem; }
button.exchange[aria-pressed="true"] { background: #1d4ed8; color: #fff; }
.seg.k-image { display: inline-block; padding: 0.2rem; margin: 0.2rem 0; vertical-align: top; }
.seg.k-image img { display: block; max-width: 22rem; max-height: 16rem; }
.seg.k-image.missing { min-width: 12rem; min-height: 4.5rem; padding: 1.4rem 0.6rem 0.4rem;
                       border: 2px dashed #7c3aed; position: relative; }
.seg.k-image.missing::before { content: "image not found"; position: absolute; top: 0.2rem; left: 0.6rem;
                               font-size: 0.75rem; color: #5b21b6; }
mark.diag { background: none; color: inherit; text-decoration: underline wavy #c2410c 2px;
            text-underline-offset: 3px; }
mark.diag.error { text-decoration: underline solid #b91c1c 3px; }
mark.diag.info { text-decoration: underline dotted #1d4ed8 2px; }
mark.diag:empty::after { content: "\\25C6"; color: #c2410c; }
aside { position: sticky; top: 0; max-height: 100vh; overflow: auto; font-size: 0.9rem; }
aside ul { padding-left: 1.1rem; margin: 0.2rem 0; }
aside li { margin: 0.15rem 0; }
.sev { font-weight: 600; }
.sev.error { color: #b91c1c; } .sev.warning { color: #c2410c; } .sev.info { color: #1d4ed8; }
code { font-size: 0.85em; }
@media (max-width: 900px) { main { grid-template-columns: 1fr; } aside { position: static; max-height: none; } }
""" + "".join(f".k-{kind} {{ background: {colour}; {style} }}\n" for kind, (colour, style, _) in KINDS.items()) \
    + "".join(f".r-{role} {{ --role: {colour}; }}\n" for role, colour in ROLES.items())

# Clicking an exchange's button (beside its question or an answer) outlines the question turns and
# highlights exactly the answer turns; clicking it again clears them.
VIEW_SCRIPT = """
document.addEventListener("click", function (event) {
  var button = event.target.closest("button.exchange");
  if (!button) return;
  var id = button.dataset.exchange, on = button.getAttribute("aria-pressed") !== "true";
  document.querySelectorAll(".asked, .answering").forEach(function (turn) {
    turn.classList.remove("asked", "answering");
  });
  document.querySelectorAll("button.exchange").forEach(function (other) {
    other.setAttribute("aria-pressed", String(on && other.dataset.exchange === id));
  });
  if (!on) return;
  document.querySelectorAll('.turn[data-questions~="' + id + '"]').forEach(function (turn) {
    turn.classList.add("asked");
  });
  document.querySelectorAll('.turn[data-answers~="' + id + '"]').forEach(function (turn) {
    turn.classList.add("answering");
  });
});
"""


def view(doc: Briefing) -> str:
    """The HTML page of one Briefing: one file with its CSS and script inline, nothing fetched but the
    page's own images (where their `src` resolves)."""
    title = doc.title or doc.source.uri or "Briefing"
    body = "".join([
        "<header>", f"<h1>{esc(title)}</h1>", _facts(doc), _why(doc), _legend(doc), "</header>",
        "<main>", _text(doc), _lists(doc), "</main>",
    ])
    return page(title, VIEW_CSS, body, VIEW_SCRIPT, lang=doc.language or "zh")


def page(title: str, css: str, body: str, script: str = "", lang: str = "en") -> str:
    """A whole HTML document, self-contained."""
    script_tag = f"<script>{script}</script>" if script else ""
    return (f'<!DOCTYPE html>\n<html lang="{esc(lang)}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{esc(title)}</title><style>{css}</style></head>\n<body>{body}{script_tag}</body></html>\n")


def esc(text: str) -> str:
    """Text for HTML, kept character for character: a carriage return would be read as a line feed."""
    return html.escape(text).replace("\r", "&#13;")


def _facts(doc: Briefing) -> str:
    src = doc.source
    facts = [("page", src.uri), ("layout", src.layout), ("language", doc.language), ("encoding", src.encoding),
             ("held on", doc.held_on and doc.held_on.isoformat()), ("organizer", doc.organizer),
             ("region", doc.region), ("turns", str(len(doc.turns))), ("exchanges", str(len(doc.exchanges))),
             ("characters", str(len(doc.text)))]
    return '<dl class="facts">' + "".join(f"<div><dt>{name}</dt><dd>{esc(value)}</dd></div>"
                                          for name, value in facts if value) + "</dl>"


def _why(doc: Briefing) -> str:
    """Why the page reads as it does, when no layout read it, it is no transcript, or it failed."""
    reasons = [d for d in doc.diagnostics if d.code.startswith("layout.") or d.severity == "error"]
    if not reasons:
        return ""
    items = "".join(f"<li><code>{esc(d.code)}</code>: {esc(d.message)}</li>" for d in reasons)
    return (f'<section class="why" role="note"><h2>Why this page has no transcript reading (layout '
            f"{esc(doc.source.layout)})</h2><ul>{items}</ul></section>")


def _legend(doc: Briefing) -> str:
    counts: dict[str, int] = defaultdict(int)
    for segment in doc.segments:
        counts[segment.kind] += 1
    kinds = "".join(f'<li><span class="swatch k-{kind}"></span><b>{kind}</b> {note} ({counts[kind]})</li>'
                    for kind, (_, _, note) in KINDS.items())
    roles = "".join(f'<li class="r-{role}"><span class="swatch" style="background: var(--role)"></span>'
                    f"<b>{role}</b></li>" for role in ROLES)
    exchanges = ('<li><span class="swatch asked"></span>the question of the exchange whose button is pressed'
                 '</li><li><span class="swatch answering"></span>its answers</li>')
    return (f'<h2 id="legend">Segments</h2><ul class="legend" aria-label="segment kinds">{kinds}</ul>'
            f'<ul class="legend" aria-label="roles (the bar left of each turn)">{roles}</ul>'
            f'<ul class="legend" aria-label="exchanges">{exchanges}</ul>')


def _text(doc: Briefing) -> str:
    """Every segment as one element, in order, grouped into the turns they belong to."""
    marks = _diagnostic_marks(doc)
    names = {p.id: p.name for p in doc.participants}
    images = {i.span.start: i for i in doc.images}
    asks: dict[str, list[Exchange]] = defaultdict(list)  # turn id → the exchanges it asks, answers
    answers: dict[str, list[Exchange]] = defaultdict(list)
    for exchange in doc.exchanges:
        for turn_id in exchange.question_turn_ids:
            asks[turn_id].append(exchange)
        for turn_id in exchange.answer_turn_ids:
            answers[turn_id].append(exchange)
    parts = ['<article id="text" aria-label="the page text by segment">']
    for turn, segments in _blocks(doc):
        body = "".join(_segment(doc, n, marks.get(n, []), images) for n in segments)
        if turn is None:
            parts.append(f'<div class="block"><div class="meta"></div><div class="body">{body}</div></div>')
            continue
        asked, answered = asks.get(turn.id, []), answers.get(turn.id, [])
        data = "".join(f' data-{name}="{" ".join(x.id for x in exchanges)}"'
                       for name, exchanges in (("questions", asked), ("answers", answered)) if exchanges)
        parts.append(f'<section class="turn r-{turn.role}" id="{turn.id}" data-turn="{turn.id}" '
                     f'data-role="{turn.role}" data-kind="{turn.kind}"{data} '
                     f'aria-label="{turn.id}, {turn.role}, {turn.kind}">'
                     f'<div class="meta">{_turn_meta(turn, names, asked, answered)}</div>'
                     f'<div class="body">{body}</div></section>')
    parts.append("</article>")
    return "".join(parts)


def _blocks(doc: Briefing) -> list[tuple[Turn | None, list[int]]]:
    """The segments (by index) in runs that one turn owns, or none: a segment belongs to the turn whose
    marker or body it overlaps (the blank before a body without a marker too); blank text right after a
    turn (the line break before the next marker) stays with it."""
    turns = sorted(doc.turns, key=_start)
    starts = [_start(t) for t in turns]
    blocks: list[tuple[Turn | None, list[int]]] = []
    for n, segment in enumerate(doc.segments):
        at = bisect_right(starts, segment.span.end - 1)
        turn: Turn | None = turns[at - 1] if at else None
        if turn is not None and segment.span.start >= turn.span.end and not (
                blocks and blocks[-1][0] is turn and not doc.segment_text(segment).strip()):
            turn = None
        if blocks and blocks[-1][0] is turn:
            blocks[-1][1].append(n)
        else:
            blocks.append((turn, [n]))
    return blocks


def _start(turn: Turn) -> int:
    return turn.marker_span.start if turn.marker_span else turn.span.start


def _turn_meta(turn: Turn, names: dict[str, str | None], asked: list[Exchange], answered: list[Exchange]) -> str:
    who = names.get(turn.participant_id or "") or turn.label or "(no label)"
    parts = [f'<a href="#{turn.id}">{turn.id}</a>']
    if turn.at is not None:
        shown = turn.at.strftime("%H:%M:%S" if turn.at.second else "%H:%M")
        parts.append(f'<time datetime="{turn.at.isoformat()}">{shown}</time>')
    parts.append(f'<span class="who">{esc(who)}</span>')
    parts.append(f'<span><span class="role">{turn.role}</span> · <span class="kind">{turn.kind}</span></span>')
    for exchange in asked:
        parts.append(f"<span>{_exchange_button(exchange.id)} → {_links(exchange.answer_turn_ids, 'no answer')}</span>")
    for exchange in answered:
        parts.append(f"<span>{_links(exchange.question_turn_ids, 'no question')} ← {_exchange_button(exchange.id)}"
                     "</span>")
    return "".join(parts)


def _links(turn_ids: list[str], none: str = "") -> str:
    return " ".join(f'<a href="#{t}">{t}</a>' for t in turn_ids) or none


def _exchange_button(exchange_id: str) -> str:
    return (f'<button type="button" class="exchange" data-exchange="{exchange_id}" aria-pressed="false" '
            f'title="highlight the question and answers of {exchange_id}">{exchange_id}</button>')


class Mark(NamedTuple):
    """A diagnostic's span, and its number in the list (1-based)."""

    number: int
    start: int
    end: int
    diagnostic: Diagnostic


def _diagnostic_marks(doc: Briefing) -> dict[int, list[Mark]]:
    """The diagnostics with a span, by the index of each segment their span touches."""
    starts = [s.span.start for s in doc.segments]
    marks: dict[int, list[Mark]] = defaultdict(list)
    for number, diagnostic in enumerate(doc.diagnostics, 1):
        if diagnostic.span is None or not doc.segments:
            continue
        span = diagnostic.span
        first = max(bisect_right(starts, span.start) - 1, 0)
        for n in range(first, len(doc.segments)):
            if n > first and doc.segments[n].span.start >= span.end:
                break
            marks[n].append(Mark(number, span.start, span.end, diagnostic))
    return marks


def _segment(doc: Briefing, n: int, marks: list[Mark], images: dict[int, Image]) -> str:
    segment = doc.segments[n]
    start, end = segment.span.start, segment.span.end
    attributes = (f'class="seg k-{segment.kind}" id="s{n}" data-kind="{segment.kind}" data-start="{start}" '
                  f'data-end="{end}" title="{segment.kind} {start}–{end}"')
    if segment.kind == "image":
        return _image(doc, segment, images.get(start), attributes)
    return f"<span {attributes}>{_marked(doc.text, start, end, marks)}</span>"


def _marked(text: str, start: int, end: int, marks: list[Mark]) -> str:
    """The characters [start, end) with the parts that diagnostics point at inside <mark> elements (a point
    as an empty one); the first mark of each diagnostic has its id, d1, d2, …, for the list to link to."""
    if not marks:
        return esc(text[start:end])
    opened: set[int] = set()

    def mark(covering: list[Mark], piece: str) -> str:
        first = next((m.number for m in covering if m.number not in opened), None)
        opened.update(m.number for m in covering)
        severity = min((m.diagnostic.severity for m in covering), key=SEVERITIES.index)
        note = "; ".join(f"{m.diagnostic.code}: {m.diagnostic.message}" for m in covering)
        ident = f' id="d{first}"' if first is not None else ""
        numbers = " ".join(f"d{m.number}" for m in covering)
        return (f'<mark class="diag {severity}"{ident} data-diagnostics="{numbers}" title="{esc(note)}">'
                f"{piece}</mark>")

    out: list[str] = []
    cuts = sorted({start, end} | {p for m in marks for p in (m.start, m.end) if start < p < end})
    for left, right in pairwise(cuts):
        out.extend(mark([m], "") for m in marks if m.start == m.end == left)
        covering = [m for m in marks if m.start <= left < m.end]
        piece = esc(text[left:right])
        out.append(mark(covering, piece) if covering else piece)
    out.extend(mark([m], "") for m in marks if m.start == m.end == end)
    return "".join(out)


def _image(doc: Briefing, segment: Segment, image: Image | None, attributes: str) -> str:
    name = esc(doc.segment_text(segment))
    src = resolve_src(image.src, doc.source.uri) if image else None
    if image is None or src is None:
        return f"<span {attributes.replace('k-image', 'k-image missing', 1)}>{name}</span>"
    alt = esc(image.alt) if image.alt else name
    # A src that does not load (no network, a moved file) turns into the placeholder.
    fallback = "this.parentNode.classList.add('missing'); this.remove()"
    return f'<span {attributes}><img src="{esc(src)}" alt="{alt}" onerror="{fallback}">{name}</span>'


def resolve_src(src: str | None, uri: str | None) -> str | None:
    """Where a browser can load an image from: an absolute URL as it is, a relative one joined to the page's
    URL, or a file beside a local page; None when it resolves nowhere."""
    if not src:
        return None
    if urlsplit(src).scheme in ("http", "https", "data", "file"):
        return src
    if uri and urlsplit(uri).scheme in ("http", "https"):
        return urljoin(uri, src)
    if uri and not src.startswith("/"):
        file = Path(uri).parent / unquote(urlsplit(src).path)
        if file.is_file():
            return file.resolve().as_uri()
    return None


def _lists(doc: Briefing) -> str:
    starts = [s.span.start for s in doc.segments]

    def at(offset: int) -> str:  # the element of the segment an offset lies in
        return f"#s{max(bisect_right(starts, offset) - 1, 0)}"

    speaks: dict[str | None, list[str]] = defaultdict(list)
    for turn in doc.turns:
        speaks[turn.participant_id].append(turn.id)
    asks: dict[str | None, list[str]] = defaultdict(list)
    for exchange in doc.exchanges:
        asks[exchange.outlet_id].extend(exchange.question_turn_ids)

    ordered = sorted(enumerate(doc.diagnostics, 1), key=lambda item: SEVERITIES.index(item[1].severity))
    diagnostics = [
        f'<li><span class="sev {d.severity}">{d.severity}</span> '
        + (f'<a href="#d{number}"><code>{esc(d.code)}</code></a>' if d.span else f"<code>{esc(d.code)}</code>")
        + f" {esc(d.message)}" + ("" if d.span else " (the whole page)") + "</li>"
        for number, d in ordered]
    participants = [
        f"<li>{p.id} <b>{esc(p.name or p.label)}</b> {p.role}"
        + "".join(f", {esc(v)}" for v in (p.title, p.organization) if v) + f": {_links(speaks[p.id])}</li>"
        for p in doc.participants]
    outlets = [f"<li>{o.id} <b>{esc(o.name)}</b> {o.kind}: {_links(asks[o.id])}</li>" for o in doc.outlets]
    exchanges = [
        f"<li>{_exchange_button(x.id)} {_links(x.question_turn_ids, 'no question')} → "
        f"{_links(x.answer_turn_ids, 'no answer')}" + (f" (follows {x.follows})" if x.follows else "")
        + "</li>" for x in doc.exchanges]
    contacts = [f'<li><a href="{at(c.span.start)}">{esc(c.raw)}</a> {c.kind}'
                + "".join(f", {esc(v)}" for v in (c.e164, c.owner) if v) + "</li>" for c in doc.contacts]
    images = [f'<li><a href="{at(i.span.start)}">{esc(i.filename)}</a>'
              + (f", taken {i.captured_at:%Y-%m-%d %H:%M:%S}" if i.captured_at else "") + "</li>"
              for i in doc.images]
    sections = [("Diagnostics", diagnostics), ("Participants", participants), ("Outlets", outlets),
                ("Exchanges", exchanges), ("Contacts", contacts), ("Images", images)]
    return '<aside aria-label="what the parse found">' + "".join(
        f'<h2>{name} ({len(items)})</h2><ul id="list-{name.lower()}">{"".join(items)}</ul>'
        for name, items in sections) + "</aside>"
