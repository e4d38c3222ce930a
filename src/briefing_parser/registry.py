"""The registry: each person and organization once across an archive, under an id made from its canonical name."""

from __future__ import annotations

import hashlib
import os
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, cast, get_args

import orjson
import regex

from .export import REGISTRY_TABLES, Row, read_table, write_atomically, write_table
from .lexicon import fold
from .schema import (
    COUNTRY,
    Affiliation,
    Briefing,
    Organization,
    OrganizationKind,
    Person,
    Registry,
    Role,
)

SHIPPED = Path(__file__).with_name("data") / "aliases.tsv"
KINDS: tuple[str, ...] = get_args(OrganizationKind)
# The words of a name, in any script: Hua Chunying → hua, chunying; 中央广播电视总台央视 is one word.
WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+")
# The files a conversion's registry is written to, per output format.
REGISTRY_FILES = {
    "json": ("people.jsonl", "organizations.jsonl"), "jsonl": ("people.jsonl", "organizations.jsonl"),
    **{fmt: tuple(f"{table}/part-00000.{fmt}" for table in REGISTRY_TABLES) for fmt in ("csv", "parquet")},
}


class AliasError(ValueError):
    """An alias table that cannot be read: the file, the line and why."""


@lru_cache(maxsize=8192)
def slug(name: str) -> str:
    """A name as an id spells it: in simplified characters, lowercase, its words joined by '-'
    (Hua Chunying → hua-chunying, 華春瑩 → 华春莹, Agence France-Presse → agence-france-presse)."""
    words = WORD.findall(fold(unicodedata.normalize("NFKC", name)).casefold())
    # A name without letters or digits (——) still gets an id of its own.
    return "-".join(words) or "x" + hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def key(name: str) -> str:
    """What two spellings of one name share: its slug without a leading "the" (The Global Times → global-times)."""
    return slug(name).removeprefix("the-")


def clean(name: str) -> str:
    """A name as the registry lists it: in its own script, with NFKC's forms and single spaces (Bloomberg\\xa0News)."""
    return " ".join(unicodedata.normalize("NFKC", name).split())


@dataclass(frozen=True, slots=True)
class Entry:
    """A row of the alias table (rows with the same canonical name merged): an id and its names."""

    id: str
    names: tuple[str, ...]
    kind: OrganizationKind | None = None
    country: str | None = None


@dataclass(frozen=True)
class Aliases:
    """The alias table: organizations by the key of each of their names, people by the key of a name and the
    organization they are that person within (None: on any page)."""

    organizations: Mapping[str, Entry]
    people: Mapping[tuple[str, str | None], Entry]
    digest: str  # of the table's files: a conversion resumed with another table would mix two sets of ids

    def organization(self, name: str) -> Entry | None:
        """The listed organization of this name, or None."""
        return self.organizations.get(key(name))

    def organization_id(self, name: str) -> str:
        """The registry id of an organization's name: its entry's, else the name's own (山东商报 → 山东商报)."""
        listed = self.organizations.get(key(name))
        return listed.id if listed else key(name)

    def person_id(self, name: str, within: Iterable[str] = (), outlet: str | None = None,
                  region: str | None = None) -> str:
        """The registry id of a person's name: a listed person's, where the table lists the name within one of
        the organizations `within` (or anywhere); else the name's own, after @ the reporter's outlet or the
        page's region, so that two unlisted people of one name in two outlets or cities stay two
        (张明@大众网, 杨建全@泰安市)."""
        name_key = key(name)
        for organization in sorted(within):
            if (listed := self.people.get((name_key, organization))) is not None:
                return listed.id
        if (listed := self.people.get((name_key, None))) is not None:
            return listed.id
        scope = outlet or (key(region) if region else None)
        return f"{name_key}@{scope}" if scope else name_key


def aliases(path: str | os.PathLike[str] | None = None) -> Aliases:
    """The shipped alias table, extended by the user's file at `path` (same columns, read after it). Raises
    AliasError for a line it cannot read, OSError for a file it cannot open."""
    return _aliases(os.fspath(path) if path is not None else None)


@cache
def _aliases(path: str | None) -> Aliases:
    files = [(str(SHIPPED), SHIPPED.read_text(encoding="utf-8"))]
    if path is not None:
        files.append((path, Path(path).read_text(encoding="utf-8")))
    return read_aliases(files)


@dataclass
class _Draft:
    names: list[str] = field(default_factory=list)
    kind: OrganizationKind | None = None
    country: str | None = None


def read_aliases(files: list[tuple[str, str]]) -> Aliases:
    """An alias table from the text of its files (name, text), in order: the rows of one type and canonical name
    are one entry; a name belongs to the last row that gives it."""
    drafts: dict[tuple[str, str], _Draft] = {}  # (type, id) → its names, kind, country
    claims: list[tuple[str, str, str, str]] = []  # (type, name, id, organization spoken for), in row order
    for where, text in files:
        for number, line in enumerate(text.splitlines(), 1):
            cells = [cell.strip() for cell in line.split("\t")]
            if not line.strip() or line.startswith("#") or cells[:2] == ["type", "names"]:
                continue
            row_type, names, kind, country, organization = (*cells, "", "", "")[:5]
            problem = _problem(cells, row_type, names, kind, country, organization)
            if problem:
                raise AliasError(f"{where}:{number}: {problem}")
            listed = [clean(name) for name in names.split("|") if name.strip()]
            entry_id = slug(listed[0])
            draft = drafts.setdefault((row_type, entry_id), _Draft())
            draft.names += [name for name in listed if name not in draft.names]
            draft.kind = cast(OrganizationKind, kind) if kind else draft.kind
            draft.country = country or draft.country
            claims += [(row_type, name, entry_id, organization) for name in listed]
    owner = {key(name): entry_id for row_type, name, entry_id, _ in claims if row_type == "organization"}
    organizations = {entry_id: Entry(entry_id, tuple(n for n in draft.names if owner[key(n)] == entry_id), draft.kind,
                                     draft.country)
                     for (row_type, entry_id), draft in drafts.items() if row_type == "organization"}
    people = {entry_id: Entry(entry_id, tuple(draft.names))
              for (row_type, entry_id), draft in drafts.items() if row_type == "person"}
    return Aliases(
        {name_key: organizations[entry_id] for name_key, entry_id in owner.items()},
        {(key(name), owner.get(key(within), key(within)) if within else None): people[entry_id]
         for row_type, name, entry_id, within in claims if row_type == "person"},
        hashlib.sha256(orjson.dumps([text for _, text in files])).hexdigest())


def _problem(cells: list[str], row_type: str, names: str, kind: str, country: str, organization: str) -> str | None:
    """What is wrong with a row of the alias table, or None."""
    if row_type not in ("person", "organization"):
        return f"the type is {row_type!r}, not person or organization"
    if len(cells) > 5:
        return f"{len(cells)} columns, more than the 5 of type, names, kind, country, organization"
    if not any(n.strip() for n in names.split("|")):
        return "no names"
    if kind and row_type == "person":
        return f"a person has no kind ({kind!r})"
    if kind and kind not in KINDS:
        return f"the kind is {kind!r}, not one of {', '.join(KINDS)}"
    if country and not regex.fullmatch(COUNTRY, country):
        return f"the country is {country!r}, not an ISO 3166-1 code such as CN or GB"
    if organization and row_type == "organization":
        return "an organization speaks for no organization (that column is for people)"
    return None


# --- ids on a page --------------------------------------------------------------------------------


def link(document: Mapping[str, Any], table: Aliases) -> tuple[list[Row], list[Row]]:
    """A page's participants and outlets (dicts of their fields) with their registry ids: each outlet's
    `organization_id`, each named participant's `person_id`."""
    outlets = [{**o, "organization_id": table.organization_id(o["name"])} for o in document["outlets"]]
    of_outlet = {o["id"]: o["organization_id"] for o in outlets}
    organizer = table.organization_id(document["organizer"]) if document.get("organizer") else None
    participants = []
    for p in document["participants"]:
        person = None
        if p.get("name"):
            outlet = of_outlet.get(p.get("outlet_id") or "")
            speaks_for = table.organization_id(p["organization"]) if p.get("organization") else None
            within = {x for x in (outlet, organizer, speaks_for) if x}
            person = table.person_id(p["name"], within, outlet, document.get("region"))
        participants.append({**p, "person_id": person})
    return participants, outlets


# --- the registry of many pages -------------------------------------------------------------------


class _Seen:
    """What the pages show of one person, organization or affiliation: its names and labels, the languages and
    dates of its pages, how many pages."""

    def __init__(self) -> None:
        self.names: Counter[str] = Counter()
        self.labels: set[str] = set()
        self.kinds: Counter[str] = Counter()
        self.languages: set[str] = set()
        self.first: date | None = None
        self.last: date | None = None
        self.pages, self._page = 0, -1
        self.affiliations: dict[tuple[Role, str | None, str | None, str | None], _Seen] = {}

    def on(self, page: int, day: date | None, language: str | None) -> _Seen:
        """Seen on this page (counted once however often the page names it)."""
        if page != self._page:
            self._page, self.pages = page, self.pages + 1
            if language:
                self.languages.add(language)
            if day is not None:
                self.first, self.last = min(self.first or day, day), max(self.last or day, day)
        return self

    def canonical(self, entry: Entry | None) -> str:
        """The alias table's first name, else the one the pages give most (the first in order among equals)."""
        return entry.names[0] if entry and entry.names else min(self.names, key=lambda n: (-self.names[n], n))


def build_registry(briefings: Iterable[Briefing], table: Aliases | None = None) -> Registry:
    """The registry of these Briefings: each person and organization once, with every name, label and
    affiliation the pages give, the alias table's names, and the dates, languages and number of their pages.
    The same Briefings in any order give the same registry."""
    return gather(({"held_on": doc.held_on, "published": doc.published, "language": doc.language,
                    "organizer": doc.organizer, "region": doc.region,
                    "participants": [p.model_dump() for p in doc.participants],
                    "outlets": [o.model_dump() for o in doc.outlets]} for doc in briefings), table)


def gather(pages: Iterable[Mapping[str, Any]], table: Aliases | None = None) -> Registry:
    """The registry of pages given as dicts of a Briefing's fields (`held_on`, `published`, `language`,
    `organizer`, `region`, `participants`, `outlets`; dates as dates or ISO strings), as `build_registry`."""
    table = table or aliases()
    people: dict[str, _Seen] = {}
    organizations: dict[str, _Seen] = {}
    for number, page in enumerate(pages):
        day, language = _day(page.get("held_on")) or _day(page.get("published")), page.get("language")
        participants, outlets = page["participants"], page["outlets"]
        if any(o.get("organization_id") is None for o in outlets) or \
                any(p.get("name") and p.get("person_id") is None for p in participants):
            participants, outlets = link(page, table)  # a document from before registry ids
        outlet_of = {o["id"]: o for o in outlets}
        for o in outlets:
            seen = organizations.setdefault(o["organization_id"], _Seen()).on(number, day, language)
            seen.names[clean(o["name"])] += 1
            seen.kinds[o["kind"]] += 1
        for p in participants:
            outlet = outlet_of.get(p.get("outlet_id") or "")
            if outlet is not None:
                organizations[outlet["organization_id"]].labels.add(p["label"])
            if not p.get("person_id"):
                continue
            seen = people.setdefault(p["person_id"], _Seen()).on(number, day, language)
            seen.names[clean(p["name"])] += 1
            seen.labels.add(p["label"])
            if outlet is not None:
                where = (outlet["organization_id"], clean(outlet["name"]), p.get("title"))
            else:
                speaks_for = table.organization(p["organization"]) if p.get("organization") else None
                where = (speaks_for.id if speaks_for else None, p.get("organization"), p.get("title"))
                if speaks_for is not None:
                    at = organizations.setdefault(speaks_for.id, _Seen()).on(number, day, language)
                    at.names[clean(p["organization"])] += 1
            seen.affiliations.setdefault((p["role"], *where), _Seen()).on(number, day, language)
    listed_people = {entry.id: entry for entry in table.people.values()}
    listed = {entry.id: entry for entry in table.organizations.values()}
    return Registry(people=[_person(i, seen, listed_people.get(i)) for i, seen in sorted(people.items())],
                    organizations=[_organization(i, seen, listed.get(i)) for i, seen in sorted(organizations.items())])


def _day(value: date | str | None) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _person(person_id: str, seen: _Seen, entry: Entry | None) -> Person:
    affiliations = [Affiliation(role=role, organization_id=organization_id, organization=organization, title=title,
                                first_seen=at.first, last_seen=at.last, pages=at.pages)
                    for (role, organization_id, organization, title), at in seen.affiliations.items()]
    affiliations.sort(key=lambda a: (a.first_seen is None, a.first_seen or date.min, a.role, a.organization_id or "",
                                     a.organization or "", a.title or ""))
    names = sorted({*seen.names, *(entry.names if entry else ())})
    return Person(id=person_id, name=seen.canonical(entry), names=names, labels=sorted(seen.labels),
                  languages=sorted(seen.languages), affiliations=affiliations, first_seen=seen.first,
                  last_seen=seen.last, pages=seen.pages)


def _organization(organization_id: str, seen: _Seen, entry: Entry | None) -> Organization:
    kind = entry.kind if entry and entry.kind else min(seen.kinds, key=lambda k: (-seen.kinds[k], k), default="other")
    return Organization(id=organization_id, name=seen.canonical(entry),
                        names=sorted({*seen.names, *(entry.names if entry else ())}), labels=sorted(seen.labels),
                        kind=kind, country=entry.country if entry else None, languages=sorted(seen.languages),
                        first_seen=seen.first, last_seen=seen.last, pages=seen.pages)


# --- a conversion's registry ----------------------------------------------------------------------

# The columns of a conversion's tables that the registry reads.
PAGE_COLUMNS = ("document_id", "held_on", "published", "language", "organizer", "region")


def committed_pages(out: Path, fmt: str, files: Iterable[str]) -> Iterator[dict[str, Any]]:
    """The pages of a conversion's committed files, as `gather` reads them: each JSON document, or each
    shard's rows of briefings, participants and outlets."""
    if fmt in ("json", "jsonl"):
        for name in sorted(files):
            for line in (out / name).read_bytes().splitlines():
                yield orjson.loads(line)
        return
    for shard in sorted(name.removeprefix("briefings/") for name in files if name.startswith("briefings/")):
        yield from table_pages(out, shard)


def table_pages(out: Path, part: str | None = None) -> Iterator[dict[str, Any]]:
    """The pages of the tables briefings, participants and outlets in `out`, as `gather` reads them: of one
    part file each (`part-00000.parquet`), or of the whole folders (the Spark job's)."""
    def read(table: str, columns: list[str] | None = None) -> list[dict[str, Any]]:
        return list(read_table(out / table / part if part else out / table, columns).to_pylist())

    pages = {row["document_id"]: {**row, "participants": [], "outlets": []}
             for row in read("briefings", list(PAGE_COLUMNS))}
    for table in ("participants", "outlets"):
        for row in read(table):
            pages[row["document_id"]][table].append(row)
    yield from pages.values()


def write_registry(out: Path, fmt: str, registry: Registry) -> None:
    """Write a conversion's registry: people.jsonl and organizations.jsonl beside JSON output (a Person or an
    Organization a line), else the tables people, affiliations and organizations."""
    if fmt in ("json", "jsonl"):
        people_file, organizations_file = REGISTRY_FILES[fmt]
        write_atomically(out / people_file, b"".join(orjson.dumps(p.model_dump()) + b"\n" for p in registry.people))
        write_atomically(out / organizations_file,
                         b"".join(orjson.dumps(o.model_dump()) + b"\n" for o in registry.organizations))
        return
    people = [person.model_dump(exclude={"affiliations"}) for person in registry.people]
    affiliations = [{"person_id": person.id, **a.model_dump()} for person in registry.people
                    for a in person.affiliations]
    organizations = [organization.model_dump() for organization in registry.organizations]
    for name, rows in (("people", people), ("affiliations", affiliations), ("organizations", organizations)):
        write_table(out / name / f"part-00000.{fmt}", name, rows)


def remove_registry(out: Path, fmt: str) -> None:
    """Remove a registry an earlier run wrote (a run rewrites it once its pages are all committed)."""
    for name in REGISTRY_FILES[fmt]:
        (out / name).unlink(missing_ok=True)
