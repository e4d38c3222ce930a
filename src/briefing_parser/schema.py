"""The document model: a validated, lossless `Briefing` and its parts (pydantic v2)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.0.0"
# The largest whole number every output holds (a Parquet int64 column).
INT_MAX = 2**63 - 1

Role = Literal["host", "official", "journalist", "interpreter", "unknown"]
TurnKind = Literal["opening", "statement", "transition", "question", "answer", "closing", "other"]
OutletKind = Literal["newspaper", "web", "tv", "radio", "agency", "magazine", "other"]
SegmentKind = Literal["header", "marker", "turn", "image", "contact", "boilerplate", "unclassified"]
Severity = Literal["error", "warning", "info"]
ContactKind = Literal["landline", "mobile", "hotline", "email", "other"]


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
    sha256: str = Field(description="SHA-256 of the raw input bytes (UTF-8 bytes for `str` input).")
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

    id: str = Field(description="Stable id: p1, p2, …")
    name: str | None = Field(None, description="Personal name when known (杨建全, Zhao Lijian).")
    label: str = Field(description="The verbatim marker text that names this speaker (主持人, 山东商报).")
    role: Role = Field(description="host, official, journalist, interpreter or unknown.")
    title: str | None = Field(None, description="Official title from the introduction (市科技局党组书记、一级调研员).")
    organization: str | None = Field(None, description="Organization taken from the title (市科技局).")
    honorific: str | None = Field(None, description="Honorific used in the introduction (先生, 女士).")
    outlet_id: str | None = Field(None, description="For journalists: the outlet they ask for.")


class Outlet(Model):
    """A media outlet whose journalist asked a question."""

    id: str = Field(description="Stable id: o1, o2, …")
    name: str = Field(description="Outlet name without 记者 or 《》 (山东商报, AFP).")
    kind: OutletKind = Field(description="newspaper, web, tv, radio, agency, magazine or other.")


class Turn(Model):
    """One speaker's uninterrupted contribution, opened by a marker."""

    id: str = Field(description="Stable id: t1, t2, …")
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

    id: str = Field(description="Stable id: q1, q2, …")
    question_turn_ids: list[str] = Field(description="The question turn(s).")
    answer_turn_ids: list[str] = Field(default_factory=list, description="The turns that answer it.")
    outlet_id: str | None = Field(None, description="Outlet of the asking journalist, when known.")
    follows: str | None = Field(None, description="For a follow-up: the exchange it follows.")
    parts: list[QuestionPart] = Field(default_factory=list, description="Parts of a multi-part question.")


class Contact(Model):
    """A phone number (or other contact) given on the page."""

    id: str = Field(description="Stable id: c1, c2, …")
    kind: ContactKind = Field(description="landline, mobile, hotline, email or other.")
    raw: str = Field(description="As written on the page (6991152).")
    e164: str | None = Field(None, description="E.164 form where it can be inferred (+865386991152).")
    owner: str | None = Field(None, description="Who answers it (市科技局机关党委).")
    turn_id: str | None = Field(None, description="The turn it appears in.")
    span: Span = Field(description="Where `raw` stands in `text`.")


class Image(Model):
    """An image of the page, placed in `text` as its file name."""

    id: str = Field(description="Stable id: i1, i2, …")
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

    code: str = Field(description="Dotted code, e.g. segment.text_before_first_marker.")
    severity: Severity = Field(description="error, warning or info.")
    message: str = Field(description="What happened, for a person.")
    span: Span | None = Field(None, description="Where in `text`, when it applies to a place.")


class Briefing(Model):
    """One press-conference page, parsed."""

    schema_version: str = Field(SCHEMA_VERSION, description="Semver of this model.")
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

    def segment_text(self, segment: Segment) -> str:
        """The characters of `text` a segment covers."""
        return self.text[segment.span.start : segment.span.end]

    def turn(self, turn_id: str) -> Turn:
        """The turn with this id."""
        return next(t for t in self.turns if t.id == turn_id)

    def participant(self, participant_id: str) -> Participant:
        """The participant with this id."""
        return next(p for p in self.participants if p.id == participant_id)
