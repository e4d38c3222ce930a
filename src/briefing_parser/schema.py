"""The document model: a validated, lossless `Briefing` and its parts (pydantic v2)."""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from datetime import date, datetime
from typing import Any, Literal, NamedTuple, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

SCHEMA_VERSION = "1.1.0"
# The largest whole number every output holds (a Parquet int64 column).
INT_MAX = 2**63 - 1

Role = Literal["host", "official", "journalist", "interpreter", "unknown"]
TurnKind = Literal["opening", "statement", "transition", "question", "answer", "closing", "other"]
OutletKind = Literal["newspaper", "web", "tv", "radio", "agency", "magazine", "other"]
OrganizationKind = Literal["newspaper", "web", "tv", "radio", "agency", "magazine", "government", "other"]
SegmentKind = Literal["header", "marker", "turn", "image", "contact", "boilerplate", "unclassified"]
Severity = Literal["error", "warning", "info"]
ContactKind = Literal["landline", "mobile", "hotline", "email", "other"]
# Formats of ids (t1, p1, o1, q1, c1, i1), hashes, codes and numbers: a value in another form is refused.
SHA256 = r"^[0-9a-f]{64}$"
SEMVER = r"^\d+\.\d+\.\d+$"
DOTTED_CODE = r"^[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+$"  # segment.text_before_first_marker
E164 = r"^\+[1-9]\d{1,14}$"  # +865386991152
# A registry id: a slug of the canonical name (hua-chunying, 大众网), a reporter's or a local official's with the
# outlet or region after @ (张明@大众网, 杨建全@泰安市).
REGISTRY_ID = r"^[^\s@]+(?:@[^\s@]+)?$"
COUNTRY = r"^[A-Z]{2}$"  # ISO 3166-1 alpha-2: CN, GB, HK


def id_format(prefix: str) -> str:
    """The pattern of one kind of id: t → t1, t2, …"""
    return rf"^{prefix}[1-9]\d*$"


class Model(BaseModel):
    """Base of every model: unknown fields are refused, values are checked on assignment."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Span(Model):
    """A half-open range `[start, end)` of character offsets into `Briefing.text`."""

    start: int = Field(ge=0, description="Offset of the first character.")
    end: int = Field(ge=0, description="Offset one past the last character.")


class Source(Model):
    """Where the document came from and how it was read."""

    uri: str | None = Field(None, description="Caller-supplied URI or path of the page.")
    sha256: str = Field(pattern=SHA256, description="SHA-256 of the raw input bytes (UTF-8 bytes for `str` input).")
    encoding: str = Field(description="Encoding used to decode the bytes (`utf-8` for `str` input).")
    media_type: Literal["text/html", "text/plain"] = Field(description="What the input was read as.")
    layout: str = Field(description="Name of the detected (or forced) page layout.")
    size: int = Field(ge=0, description="Size of the raw input in bytes.")


class Series(Model):
    """A conference series, e.g. “坚定不移推动高质量发展”系列新闻发布会第九场."""

    name: str | None = Field(None, description="Name of the series without quotes.")
    number: int | None = Field(None, ge=0, le=INT_MAX,
                               description="Number of this conference in the series (第九场 → 9).")


class Participant(Model):
    """Someone who speaks, or is introduced, at the conference."""

    id: str = Field(pattern=id_format("p"), description="Stable id: p1, p2, …")
    name: str | None = Field(None, description="Personal name when known (杨建全, Zhao Lijian).")
    label: str = Field(description="The verbatim marker text that names this speaker (主持人, 山东商报).")
    role: Role = Field(description="host, official, journalist, interpreter or unknown.")
    title: str | None = Field(None, description="Official title from the introduction (市科技局党组书记、一级调研员).")
    organization: str | None = Field(None, description="Organization taken from the title (市科技局).")
    honorific: str | None = Field(None, description="Honorific used in the introduction (先生, 女士).")
    outlet_id: str | None = Field(None, description="For journalists: the outlet they ask for.")
    person_id: str | None = Field(None, pattern=REGISTRY_ID, description=(
        "Registry id of the person, the same on every page (hua-chunying for 华春莹 and Hua Chunying; 张明@大众网 "
        "for a reporter the alias table does not list); None for a participant without a name."))


class Outlet(Model):
    """A media outlet whose journalist asked a question."""

    id: str = Field(pattern=id_format("o"), description="Stable id: o1, o2, …")
    name: str = Field(description="Outlet name without 记者 or 《》 (山东商报, AFP).")
    kind: OutletKind = Field(description="newspaper, web, tv, radio, agency, magazine or other.")
    organization_id: str | None = Field(None, pattern=REGISTRY_ID, description=(
        "Registry id of the outlet, the same on every page (reuters for 路透社 and Reuters)."))


class Turn(Model):
    """One speaker's uninterrupted contribution, opened by a marker."""

    id: str = Field(pattern=id_format("t"), description="Stable id: t1, t2, …")
    index: int = Field(ge=0, description="0-based position in `Briefing.turns`.")
    at: datetime | None = Field(None, description="Time from the marker (Asia/Shanghai, UTC+08:00).")
    participant_id: str | None = Field(None, description="Who speaks, when known.")
    label: str = Field(description="Verbatim speaker label of the marker ('' for an unlabelled turn).")
    role: Role = Field(description="Role of the speaker.")
    kind: TurnKind = Field(description="opening, statement, transition, question, answer, closing or other.")
    text: str = Field(description="The turn's words: paragraphs joined by newlines, without image names.")
    paragraphs: list[str] = Field(default_factory=list, description="Non-empty paragraphs of the turn.")
    image_ids: list[str] = Field(default_factory=list, description="Images that sit in this turn.")
    span: Span = Field(description="The turn body in `text` (after the marker).")
    marker_span: Span | None = Field(None, description="The marker that opens the turn, if any.")


class QuestionPart(Model):
    """One part of a multi-part question, and the part of the answer that replies to it."""

    index: int = Field(ge=1, description="1-based number of the part (第一 → 1).")
    span: Span = Field(description="The part inside the question turn.")
    answer_span: Span | None = Field(None, description="Where the answer addresses this part, if it says so.")


class Exchange(Model):
    """One journalist question (or follow-up) and the answer turns that reply to it."""

    id: str = Field(pattern=id_format("q"), description="Stable id: q1, q2, …")
    question_turn_ids: list[str] = Field(description="The question turn(s).")
    answer_turn_ids: list[str] = Field(default_factory=list, description="The turns that answer it.")
    outlet_id: str | None = Field(None, description="Outlet of the asking journalist, when known.")
    follows: str | None = Field(None, description="For a follow-up: the exchange it follows.")
    parts: list[QuestionPart] = Field(default_factory=list, description="Parts of a multi-part question.")


class Contact(Model):
    """A phone number (or other contact) given on the page."""

    id: str = Field(pattern=id_format("c"), description="Stable id: c1, c2, …")
    kind: ContactKind = Field(description="landline, mobile, hotline, email or other.")
    raw: str = Field(description="As written on the page (6991152).")
    e164: str | None = Field(None, pattern=E164, description="E.164 form where it can be inferred (+865386991152).")
    owner: str | None = Field(None, description="Who answers it (市科技局机关党委).")
    turn_id: str | None = Field(None, description="The turn it appears in.")
    span: Span = Field(description="Where `raw` stands in `text`.")


class Image(Model):
    """An image of the page, placed in `text` as its file name."""

    id: str = Field(pattern=id_format("i"), description="Stable id: i1, i2, …")
    filename: str = Field(description="File name (微信图片_20230331121901.jpg).")
    src: str | None = Field(None, description="The `src` of the `<img>` tag (HTML input).")
    alt: str | None = Field(None, description="The `alt` text of the `<img>` tag (HTML input).")
    captured_at: datetime | None = Field(None, description="Capture time encoded in the name (WeChat style).")
    turn_id: str | None = Field(None, description="The turn it sits in.")
    span: Span = Field(description="Where the file name stands in `text`.")


class Segment(Model):
    """One piece of the lossless map: segments cover every character of `text` once, in order."""

    kind: SegmentKind = Field(
        description="header, marker, turn, image, contact, boilerplate or unclassified."
    )
    span: Span


class Diagnostic(Model):
    """A problem found while parsing, instead of an exception."""

    code: str = Field(pattern=DOTTED_CODE, description="Dotted code, e.g. segment.text_before_first_marker.")
    severity: Severity = Field(description="error, warning or info.")
    message: str = Field(description="What happened, for a person.")
    span: Span | None = Field(None, description="Where in `text`, when it applies to a place.")


class Briefing(Model):
    """One press-conference page, parsed."""

    schema_version: str = Field(SCHEMA_VERSION, pattern=SEMVER, description="Semver of this model.")
    source: Source
    language: str | None = Field(None, description="Main language of the page (zh, en).")
    text: str = Field(description="The normalized body text; every span is `[start, end)` into it.")
    title: str | None = Field(None, description="Page title.")
    topic: str | None = Field(None, description="The quoted subject of the title.")
    published: date | None = Field(None, description="Publication date of the page.")
    held_on: date | None = Field(
        None, description="Date the conference was held: from the page heading, else the first marker.")
    origin: str | None = Field(None, description="Where the page says it comes from (来源: 本站原创).")
    breadcrumb: list[str] = Field(default_factory=list, description="Navigation path of the page.")
    region: str | None = Field(None, description="City or province of the organizer (泰安市).")
    series: Series | None = Field(None, description="Conference series, when named.")
    organizer: str | None = Field(None, description="Who holds the conference (市政府新闻办).")
    started_at: datetime | None = Field(None, description="Time of the first marker (UTC+08:00).")
    ended_at: datetime | None = Field(None, description="Time of the last marker (UTC+08:00).")
    participants: list[Participant] = Field(default_factory=list)
    outlets: list[Outlet] = Field(default_factory=list)
    turns: list[Turn] = Field(default_factory=list)
    exchanges: list[Exchange] = Field(default_factory=list)
    contacts: list[Contact] = Field(default_factory=list)
    images: list[Image] = Field(default_factory=list)
    segments: list[Segment] = Field(default_factory=list)
    diagnostics: list[Diagnostic] = Field(default_factory=list)

    @model_validator(mode="after")
    def _hold_invariants(self) -> Self:
        """Refuse a document that breaks an invariant (see `breaches`), one error per breach at its place."""
        found = breaches(self)
        if found:
            raise ValidationError.from_exception_data(type(self).__name__, [
                InitErrorDetails(type=PydanticCustomError("invariant", b.message), loc=b.location, input=b.value)
                for b in found])
        return self

    def segment_text(self, segment: Segment) -> str:
        """The characters of `text` a segment covers."""
        return self.text[segment.span.start : segment.span.end]

    def turn(self, turn_id: str) -> Turn:
        """The turn with this id (KeyError when there is none)."""
        for turn in self.turns:
            if turn.id == turn_id:
                return turn
        raise KeyError(turn_id)

    def participant(self, participant_id: str) -> Participant:
        """The participant with this id (KeyError when there is none)."""
        for participant in self.participants:
            if participant.id == participant_id:
                return participant
        raise KeyError(participant_id)


class Affiliation(Model):
    """A person's role at an organization over the pages that show it (外交部发言人 at 外交部, a reporter of 大众网)."""

    role: Role = Field(description="host, official, journalist, interpreter or unknown, as the pages say.")
    organization_id: str | None = Field(None, pattern=REGISTRY_ID, description=(
        "Registry id of the organization: a reporter's outlet, or one the alias table lists."))
    organization: str | None = Field(None, description="The organization as the pages name it (外交部, 大众网).")
    title: str | None = Field(None, description="The title as the pages give it (外交部发言人).")
    first_seen: date | None = Field(None, description="Date of the first page that shows it.")
    last_seen: date | None = Field(None, description="Date of the last page that shows it.")
    pages: int = Field(ge=1, description="Pages that show it.")


class Person(Model):
    """One person across an archive: every name and label they appear under, their affiliations over time."""

    id: str = Field(pattern=REGISTRY_ID, description="Stable id, from the canonical name (hua-chunying).")
    name: str = Field(description="Canonical name: the alias table's first, else the name pages give most.")
    names: list[str] = Field(description="Every name, in every script: the alias table's and the pages'.")
    labels: list[str] = Field(description="The speaker labels that named the person on the pages.")
    languages: list[str] = Field(description="Languages of the pages the person appears on (en, zh).")
    affiliations: list[Affiliation] = Field(description="Roles, organizations and titles, in order of first seen.")
    first_seen: date | None = Field(None, description="Date of the first page the person appears on.")
    last_seen: date | None = Field(None, description="Date of the last page the person appears on.")
    pages: int = Field(ge=1, description="Pages the person appears on.")


class Organization(Model):
    """One outlet (or an organization a person speaks for) across an archive, under all its names."""

    id: str = Field(pattern=REGISTRY_ID, description="Stable id, from the canonical name (reuters, cctv).")
    name: str = Field(description="Canonical name: the alias table's first, else the name pages give most.")
    names: list[str] = Field(description="Every name and abbreviation: the alias table's and the pages'.")
    labels: list[str] = Field(description="The speaker labels of its journalists on the pages (路透社记者).")
    kind: OrganizationKind = Field(description="newspaper, web, tv, radio, agency, magazine, government or other.")
    country: str | None = Field(None, pattern=COUNTRY, description="ISO 3166-1 code, where the alias table knows it.")
    languages: list[str] = Field(description="Languages of the pages it appears on (en, zh).")
    first_seen: date | None = Field(None, description="Date of the first page it appears on.")
    last_seen: date | None = Field(None, description="Date of the last page it appears on.")
    pages: int = Field(ge=1, description="Pages it appears on.")


class Registry(Model):
    """The people and organizations of an archive, each once, under stable ids."""

    schema_version: str = Field(SCHEMA_VERSION, pattern=SEMVER, description="Semver of this model.")
    people: list[Person] = Field(default_factory=list, description="Sorted by id.")
    organizations: list[Organization] = Field(default_factory=list, description="Sorted by id.")

    @model_validator(mode="after")
    def _hold_references(self) -> Self:
        """Ids are unique, and each affiliation's organization is in the registry."""
        counts = Counter([*(f"organization {o.id!r}" for o in self.organizations),
                          *(f"person {p.id!r}" for p in self.people)])
        problems = [f"{what} is listed {n} times" for what, n in counts.items() if n > 1]
        organizations = {o.id for o in self.organizations}
        problems += [f"person {p.id!r} is affiliated with {a.organization_id!r}, which the registry does not hold"
                     for p in self.people for a in p.affiliations
                     if a.organization_id is not None and a.organization_id not in organizations]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def person(self, person_id: str) -> Person:
        """The person with this id (KeyError when there is none)."""
        for person in self.people:
            if person.id == person_id:
                return person
        raise KeyError(person_id)

    def organization(self, organization_id: str) -> Organization:
        """The organization with this id (KeyError when there is none)."""
        for organization in self.organizations:
            if organization.id == organization_id:
                return organization
        raise KeyError(organization_id)

Location = tuple[int | str, ...]


class Breach(NamedTuple):
    """One broken invariant: where (a location such as ('turns', 3, 'span', 'end')), why, and the value there."""

    location: Location
    message: str
    value: Any


def breaches(doc: Briefing) -> list[Breach]:
    """Every invariant the document breaks, in one pass over it: spans inside `text` (start <= end <= its
    length); segments that cover `text` exactly once, in order, none empty; turns at their index, in text
    order, none overlapping the one before, each marker before its body; ids unique within their list; every
    id that an item names (a turn's participant and images, an exchange's turns, outlet and the exchange it
    follows, a participant's outlet, a contact's or an image's turn) found in its list; a contact's `raw` and
    an image's `filename` what `text` holds at their spans. Each check is a comparison inline; a breach is
    described only when one is found (a sound document costs a few percent of its parse)."""
    found: list[Breach] = []
    text, size = doc.text, len(doc.text)

    def outside(span: Span, *where: int | str) -> None:
        if span.end > size:
            found.append(Breach((*where, "end"), f"ends at {span.end}, past the end of text ({size} characters)",
                                span.end))
        else:
            found.append(Breach((*where, "start"), f"starts at {span.start}, after its end ({span.end})", span.start))

    def missing(value: str, kind: str, *where: int | str) -> None:
        found.append(Breach(where, f"names {kind} {value!r}, which the document does not hold", value))

    def unique(name: str, items: list[Any]) -> set[str]:
        seen: set[str] = set()
        for index, item in enumerate(items):
            if item.id in seen:
                found.append(Breach((name, index, "id"), f"{item.id!r} is the id of an earlier item", item.id))
            seen.add(item.id)
        return seen

    participants, outlets = unique("participants", doc.participants), unique("outlets", doc.outlets)
    turns, exchanges = unique("turns", doc.turns), unique("exchanges", doc.exchanges)
    images = unique("images", doc.images)
    unique("contacts", doc.contacts)
    for index, participant in enumerate(doc.participants):
        if participant.outlet_id is not None and participant.outlet_id not in outlets:
            missing(participant.outlet_id, "outlet", "participants", index, "outlet_id")
    previous_end = 0
    for index, turn in enumerate(doc.turns):
        span, marker = turn.span, turn.marker_span
        if turn.index != index:
            found.append(Breach(("turns", index, "index"), f"is {turn.index}, not the turn's position {index}",
                                turn.index))
        if turn.participant_id is not None and turn.participant_id not in participants:
            missing(turn.participant_id, "participant", "turns", index, "participant_id")
        for n, image_id in enumerate(turn.image_ids):
            if image_id not in images:
                missing(image_id, "image", "turns", index, "image_ids", n)
        if not span.start <= span.end <= size:
            outside(span, "turns", index, "span")
        start = span.start
        if marker is not None:
            if not marker.start <= marker.end <= size:
                outside(marker, "turns", index, "marker_span")
            elif marker.end > start:
                found.append(Breach(("turns", index, "marker_span", "end"),
                                    f"ends at {marker.end}, inside the turn's body (from {start})", marker.end))
            start = marker.start
        if start < previous_end:
            found.append(Breach(("turns", index, "marker_span" if marker else "span", "start"),
                                f"starts at {start}, inside the turn before (to {previous_end})", start))
        if span.end > previous_end:
            previous_end = span.end
    for index, exchange in enumerate(doc.exchanges):
        for field in ("question_turn_ids", "answer_turn_ids"):
            for n, turn_id in enumerate(getattr(exchange, field)):
                if turn_id not in turns:
                    missing(turn_id, "turn", "exchanges", index, field, n)
        if exchange.outlet_id is not None and exchange.outlet_id not in outlets:
            missing(exchange.outlet_id, "outlet", "exchanges", index, "outlet_id")
        if exchange.follows == exchange.id:
            found.append(Breach(("exchanges", index, "follows"), "names the exchange itself", exchange.follows))
        elif exchange.follows is not None and exchange.follows not in exchanges:
            missing(exchange.follows, "exchange", "exchanges", index, "follows")
        for n, part in enumerate(exchange.parts):
            if not part.span.start <= part.span.end <= size:
                outside(part.span, "exchanges", index, "parts", n, "span")
            if part.answer_span is not None and not part.answer_span.start <= part.answer_span.end <= size:
                outside(part.answer_span, "exchanges", index, "parts", n, "answer_span")
    placed: list[tuple[str, int, Contact | Image, str, str]] = [
        *(("contacts", index, c, "raw", c.raw) for index, c in enumerate(doc.contacts)),
        *(("images", index, i, "filename", i.filename) for index, i in enumerate(doc.images))]
    for name, index, item, field, written in placed:
        if item.turn_id is not None and item.turn_id not in turns:
            missing(item.turn_id, "turn", name, index, "turn_id")
        if not item.span.start <= item.span.end <= size:
            outside(item.span, name, index, "span")
        elif text[item.span.start:item.span.end] != written:
            found.append(Breach((name, index, field), f"is not what text holds at {item.span.start}:{item.span.end}",
                                written))
    for index, diagnostic in enumerate(doc.diagnostics):
        if diagnostic.span is not None and not diagnostic.span.start <= diagnostic.span.end <= size:
            outside(diagnostic.span, "diagnostics", index, "span")
    covered = 0  # the segments cover text[:covered] so far
    for index, segment in enumerate(doc.segments):
        span = segment.span
        if span.start != covered:
            found.append(Breach(("segments", index, "span", "start"), f"starts at {span.start}, not where the "
                                f"segment before ends ({covered})" if index else f"starts at {span.start}, not 0",
                                span.start))
        if span.end <= span.start:
            found.append(Breach(("segments", index, "span", "end"), f"ends at {span.end}: the segment is empty",
                                span.end))
        elif span.end > covered:
            covered = span.end
    if covered != size:
        last = len(doc.segments) - 1
        found.append(Breach(("segments", last, "span", "end") if doc.segments else ("segments",),
                            f"the segments cover text up to {covered}, not its {size} characters", covered))
    return found


# A lean document leaves out what `text` and the spans give back: each turn's `text` and `paragraphs` (the page
# text three times over in a full document). `with_words` rebuilds them.
LEAN: dict[str, Any] = {"turns": {"__all__": {"text", "paragraphs"}}}
# Segments inside a turn's span that are none of its words: image names, stamps printed after an entry, metadata
# lines (责编：…).
NOT_WORDS = frozenset({"image", "marker", "header"})


def turn_paragraphs(text: str, span: tuple[int, int], holes: list[tuple[int, int]]) -> list[str]:
    """The non-empty lines of `text[span]` with the `holes` (spans in text order) cut out, edges stripped."""
    if holes:
        pieces, pos = [], span[0]
        for start, end in holes:
            pieces.append(text[pos:start])
            pos = max(pos, end)
        pieces.append(text[pos:span[1]])
        joined = "".join(pieces)
    else:
        joined = text[span[0]:span[1]]
    return [stripped for line in joined.split("\n") if (stripped := line.strip())]


def with_words(document: dict[str, Any]) -> dict[str, Any]:
    """A lean document (`doc.model_dump(mode="json", exclude=LEAN)`, or its JSON decoded) with each turn's
    `text` and `paragraphs` rebuilt from `text`, the turn's span and the segments: what
    `Briefing.model_validate` takes. The document is changed in place and returned."""
    text = document["text"]
    holes = [(s["span"]["start"], s["span"]["end"]) for s in document.get("segments", ()) if s["kind"] in NOT_WORDS]
    starts = [start for start, _ in holes]
    for turn in document.get("turns", ()):
        if "text" in turn and "paragraphs" in turn:
            continue
        start, end = turn["span"]["start"], turn["span"]["end"]
        paragraphs = turn_paragraphs(text, (start, end), holes[bisect_left(starts, start):bisect_left(starts, end)])
        turn["paragraphs"], turn["text"] = paragraphs, "\n".join(paragraphs)
    return document
