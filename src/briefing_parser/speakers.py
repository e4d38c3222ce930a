"""Who speaks: the roster from the host's introduction, outlets from journalists' labels, roles."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

import regex

from . import lexicon
from .classify import TurnFacts
from .errors import diagnostic
from .layouts import LabelReading, Layout
from .schema import Diagnostic, Role
from .segment import Range, RawTurn

# A personal name: 2-4 Han characters (杨建全, 柳斌), or a capitalized English name (Zhao Lijian).
PERSON_NAME = regex.compile(r"^(?:\p{Han}{2,4}|[A-Z][a-z]+(?: [A-Z][a-z]+){1,2})$")
# Items of an introduction end at a comma, at 以及, or after an honorific (and the 和 after it), never at a
# 和 inside a name (文化和旅游部副部长卢映川先生): 市科技局党组书记、一级调研员杨建全先生,市科技局…
ITEM_SEPARATORS = regex.compile(r"[，,；;]|以及|(?<=先生|女士|同志)和?")
JOURNALIST_SUFFIX = re.compile(r"(?:的)?(?:记者|Journalist|Reporter)$", re.I)
OUTLET_QUOTES = str.maketrans("", "", "《》〈〉<>“”\"")


@dataclass(frozen=True)
class Official:
    """An official named in the host's introduction."""

    name: str
    title: str | None
    organization: str | None
    honorific: str | None


@dataclass
class Cast:
    """The outcome of identification: participants, outlets, and each turn's speaker."""

    # As dicts of the models' fields, validated with the whole document (`Participant`, `Outlet`).
    participants: list[dict[str, Any]] = field(default_factory=list)
    outlets: list[dict[str, Any]] = field(default_factory=list)
    speaker_of_turn: list[str | None] = field(default_factory=list)  # participant id per raw turn
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # What the layout's label rules said of each raw turn (None: no rule applied).
    readings: list[LabelReading | None] = field(default_factory=list)
    # Roles of turns that have no participant (an unnamed spokesperson's statement).
    role_of_turn: dict[int, Role] = field(default_factory=dict)
    _ids: dict[str, str] = field(default_factory=dict)  # participant key → id
    _outlet_ids: dict[str, str] = field(default_factory=dict)  # outlet key → id
    _by_id: dict[str, dict[str, Any]] = field(default_factory=dict)
    first_turn: dict[str, int] = field(default_factory=dict)  # participant key → its first turn, where kept

    def participant(self, key: str, **fields: object) -> str:
        """The id of the participant known by `key` (`outlet:法新社`, `name:杨建全`), made on first use."""
        if key not in self._ids:
            self._ids[key] = f"p{len(self.participants) + 1}"
            self.participants.append({"id": self._ids[key], **fields})
            self._by_id[self._ids[key]] = self.participants[-1]
        return self._ids[key]

    def journalist(self, label: str, outlet: str, person: str | None = None) -> str:
        """The participant asking for `outlet` (registered on first use, kind from its name); a named
        reporter of it (大众网记者 张明) is a participant of their own."""
        name = outlet_name(outlet)
        if f"outlet:{name}" not in self._outlet_ids:
            self._outlet_ids[f"outlet:{name}"] = f"o{len(self.outlets) + 1}"
            self.outlets.append({"id": self._outlet_ids[f"outlet:{name}"], "name": name,
                                 "kind": lexicon.outlet_kind(name) or "other"})
        key = f"outlet:{name}" + (f":{person}" if person else "")
        return self.participant(key, label=label, role="journalist", name=person,
                                outlet_id=self._outlet_ids[f"outlet:{name}"])

    def turn_role(self, index: int) -> Role:
        """The role of a raw turn: its participant's, else what the layout says of it."""
        if index in self.role_of_turn:
            return self.role_of_turn[index]
        return self.role(self.speaker_of_turn[index])

    def role(self, participant_id: str | None) -> Role:
        """The role of a participant id, `unknown` for None."""
        role: Role = "unknown" if participant_id is None else self._by_id[participant_id]["role"]
        return role

    def outlet_of(self, participant_id: str | None) -> str | None:
        """The outlet id of a participant id (a journalist's), None for None."""
        return None if participant_id is None else self._by_id[participant_id].get("outlet_id")


def roster(introduction: str, labels: Iterable[str]) -> list[Official]:
    """Officials and their titles from an introduction such as
    邀请市科技局党组书记、一级调研员杨建全先生,市科技局发展规划科科长、一级主任科员徐海鹏先生,…"""
    known = name_endings({words[-1] for label in labels if (words := label.split())})
    officials: dict[str, Official] = {}  # by name: each is introduced once
    for match in lexicon.INTRODUCTION.finditer(introduction):
        for item in ITEM_SEPARATORS.split(match.group("list")):
            # 出席今天新闻发布会的有：市教育局党组书记、局长张三先生 → the item starts after the colon
            official = _official(item.strip().lstrip("：:、 "), known)
            if official:
                officials.setdefault(official.name, official)
    return list(officials.values())


def name_endings(names: Collection[str]) -> Callable[[str], str | None]:
    """A finder of the longest of `names` that ends a text and is shorter than it (市教育局副局长李四 → 李四):
    a look-up per length of name rather than a test of every name, as a page may name thousands."""
    lengths = sorted({len(name) for name in names}, reverse=True)

    def ending(text: str) -> str | None:
        for length in lengths:
            if length < len(text) and text[-length:] in names:
                return text[-length:]
        return None

    return ending


def _official(item: str, known_name: Callable[[str], str | None]) -> Official | None:
    honorific = next((h for h in lexicon.HONORIFICS if item.endswith(h)), None)
    core = item[: -len(honorific)] if honorific else item
    name = known_name(core)
    if name is None:
        if honorific is None:
            return None  # without 先生/女士 or a speaker we know, the split is a guess
        for ending in sorted(lexicon.TITLE_ENDINGS, key=len, reverse=True):
            at = core.rfind(ending)
            rest = core[at + len(ending):] if at >= 0 else ""
            if at >= 0 and PERSON_NAME.match(rest):
                name = rest
                break
        if name is None:
            return None
    title = core[: -len(name)].strip("、 ") or None
    if (title is None or not any(title.endswith(e) for e in lexicon.TITLE_ENDINGS)) and honorific is None:
        return None
    organization = None
    if title:
        org = lexicon.ORGANIZATION.match(title)
        organization = org.group(0) if org and org.group(0) != title else None
    return Official(name, title, organization, honorific)


def outlet_name(label: str) -> str:
    """The outlet a journalist's label names: 《南华早报》记者 → 南华早报."""
    return JOURNALIST_SUFFIX.sub("", label).translate(OUTLET_QUOTES).strip()


def identify_by_labels(turns: list[RawTurn], layout: Layout, speaker: str | None,
                       names: frozenset[str]) -> Cast:
    """Participants of a layout whose labels say who speaks (问/答, 法新社记者, 赵立坚, AFP): the
    spokesperson answers, journalists ask for outlets; unlabelled openings are the layout's role."""
    cast = Cast()
    known = names | layout.spokespersons

    def official(name: str | None, label: str) -> str:
        if name is None:  # 答 on a page that names no spokesperson
            return cast.participant("official:", label=label, role="official", title=layout.official_title,
                                    organization=layout.official_organization)
        return cast.participant(f"official:{name}", name=name, label=name, role="official",
                                title=layout.official_title, organization=layout.official_organization)

    if speaker:
        official(speaker, speaker)
    readings: dict[str, LabelReading | None] = {"": None}  # labels repeat (问, 答, 赵立坚): each is read once
    for index, turn in enumerate(turns):
        marker = turn.marker
        label = marker.label if marker else ""
        if label not in readings:
            readings[label] = layout.read_label(label, known)
        reading = readings[label]
        cast.readings.append(reading)
        role = reading.role if reading else (marker.role if marker and marker.role else layout.preamble_role)
        if role == "official":
            cast.speaker_of_turn.append(official(reading.name if reading and reading.name else speaker, label))
        elif role == "journalist" and reading and reading.outlet:
            cast.speaker_of_turn.append(cast.journalist(label, reading.outlet))
        else:
            # A label that names nobody (问, Q, 追问, 记者解释, Journalist adds) or a cue (会后有记者问及：…): the page
            # does not say who asks, so no participant stands for all its questions.
            cast.speaker_of_turn.append(None)
            cast.role_of_turn[index] = role or "unknown"
    return cast


def identify(turns: list[RawTurn], layout: Layout, officials: list[Official]) -> Cast:
    """Give every turn a participant: fixed labels, then the roster, then outlets; else unknown."""
    cast = Cast()
    by_name = {o.name: o for o in officials}
    introduced_name = name_endings(by_name)
    unknown: set[str] = set()
    for turn in turns:
        marker = turn.marker
        if marker is None or not marker.label:
            cast.speaker_of_turn.append(None)
            continue
        label = marker.label
        words = label.split()
        name = words[-1] if words else label
        role = layout.fixed_roles.get(label)
        # A role word or an outlet before a name: 主持人 王军 (the host, 王军), 大众网记者 张明 (张明 of 大众网).
        lead = label[:-len(name)].strip() if len(words) > 1 and PERSON_NAME.match(name) else ""
        if name not in by_name:  # the whole label (Zhao Lijian), or a title in front: 市教育局副局长李四 is 李四
            name = label if label in by_name else introduced_name(label) or name
        if role is not None:
            cast.speaker_of_turn.append(cast.participant(f"fixed:{label}", label=label, role=role))
        elif name in by_name:
            cast.speaker_of_turn.append(_introduced(cast, by_name[name], label))
        elif lead and lead in layout.fixed_roles:
            cast.speaker_of_turn.append(cast.participant(f"fixed:{lead}:{name}", label=label, name=name,
                                                         role=layout.fixed_roles[lead]))
        elif lead and (JOURNALIST_SUFFIX.search(lead) or lexicon.outlet_kind(lead) is not None):
            cast.speaker_of_turn.append(cast.journalist(label, lead, person=name))
        elif lexicon.outlet_kind(label) is not None or JOURNALIST_SUFFIX.search(label):
            cast.speaker_of_turn.append(cast.journalist(label, label))
        else:
            cast.speaker_of_turn.append(cast.participant(f"label:{label}", label=label, role="unknown",
                                                         name=name if PERSON_NAME.match(name) else None))
            if label not in unknown:
                unknown.add(label)
                cast.diagnostics.append(diagnostic(
                    "speakers.unknown_label",
                    f"speaker label {label!r} matches no introduced official and no outlet",
                    span=marker.label_span))
    # Officials introduced by the host who never speak are participants too.
    for o in officials:
        _introduced(cast, o, o.name)
    return cast


def _introduced(cast: Cast, official: Official, label: str) -> str:
    return cast.participant(f"name:{official.name}", name=official.name, label=label, role="official",
                            title=official.title, organization=official.organization,
                            honorific=official.honorific)


def cast_by_roster(layout: Layout, text: str, turns: list[RawTurn], preamble: Range) -> tuple[Cast, list[TurnFacts]]:
    """Who speaks where the roster of the host's introduction names the officials, and what each turn's
    label or cue says beyond its role."""
    introduction = "\n".join([text[preamble[0]:preamble[1]], *(text[t.body[0]:t.body[1]] for t in turns[:3])])
    found = identify(turns, layout, roster(introduction, [t.marker.label for t in turns if t.marker]))
    return found, facts(text, turns, found, layout)


def cast_by_labels(layout: Layout, text: str, turns: list[RawTurn], speaker: str | None,
                   names: frozenset[str]) -> tuple[Cast, list[TurnFacts]]:
    """Who speaks where the labels say it (问/答, 法新社记者, 赵立坚, AFP), and what each turn's label or cue
    says beyond its role."""
    found = identify_by_labels(turns, layout, speaker, names)
    return found, facts(text, turns, found, layout)


def facts(text: str, turns: list[RawTurn], found: Cast, layout: Layout) -> list[TurnFacts]:
    """What each turn's label or cue (and its first and last words) says beyond its role."""
    result = []
    roles = [found.turn_role(index) for index in range(len(turns))]
    # A greeting counts in a host's turn, and in an official's only where a host speaks too (it opens the
    # conference before the host's next turn, classify); a farewell in a host's: other turns are not searched.
    greeters = ("host", "official") if "host" in roles else ()
    for index, raw in enumerate(turns):
        marker = raw.marker
        reading = found.readings[index] if index < len(found.readings) else None
        label = marker.label if marker else ""
        start, end = raw.body
        while end > start and text[end - 1].isspace():  # the body's end, without copying it
            end -= 1
        role = roles[index]
        result.append(TurnFacts(
            follow_up=reading.follow_up if reading else label in layout.follow_up_labels,
            reply=bool(reading and reading.reply),
            kind=marker.kind if marker else None,
            answer_label=label in layout.answer_labels,
            named=bool(reading and reading.name),
            soft=label in layout.soft_labels,
            asks_back=end > start and text[end - 1] in "？?",
            greets=role in greeters and lexicon.GREETS.search(text, start, min(end, start + 200)) is not None,
            closes=role == "host" and lexicon.CLOSES.search(text, max(start, end - 120), end) is not None,
        ))
    return result
