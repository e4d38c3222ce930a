"""The whole development corpus (../shared/corpus, 1,699 Foreign Ministry pages): no exceptions,
every page lossless, every press conference with at least one exchange.

Marked `corpus` (deselect with `-m "not corpus"`); it parses every page once, in about 25 s.
"""

from __future__ import annotations

import csv
import os
from functools import cache
from pathlib import Path

import pytest

import briefing_parser as bp
from briefing_parser import Briefing, layouts
from briefing_parser.schema import LEAN, breaches, with_words

CORPUS = Path(os.environ.get("BRIEFING_CORPUS", Path(__file__).parents[2] / "shared" / "corpus"))
# Indexed as a press conference, but the page holds only an opening announcement (corpus README,
# "Known oddities"): a correct parse has no exchange.
NO_QA = {"mfa-html/zh-2017-10-24-t1504209.html"}

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(not (CORPUS / "index.csv").is_file(), reason=f"corpus not found at {CORPUS}"),
]


@cache
def rows() -> list[dict[str, str]]:
    with (CORPUS / "index.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@cache
def results() -> dict[str, bp.Briefing | Exception]:
    out: dict[str, bp.Briefing | Exception] = {}
    for row in rows():
        try:
            out[row["file"]] = bp.parse(CORPUS / row["file"])
        except Exception as error:  # the test reports every crash, not the first
            out[row["file"]] = error
    return out


def docs() -> dict[str, bp.Briefing]:
    return {name: doc for name, doc in results().items() if isinstance(doc, bp.Briefing)}


def test_no_page_raises() -> None:
    crashes = {name: repr(doc) for name, doc in results().items() if isinstance(doc, Exception)}
    assert crashes == {}
    assert len(results()) == len(rows()) == 1699


def test_every_page_is_lossless() -> None:
    """The model's invariants hold on every page (the segments tile the text among them), and a lean dump
    gives the same document back once its turns' words are rebuilt from the spans."""
    broken = {name: breaches(doc) for name, doc in docs().items() if breaches(doc)}
    assert broken == {}
    lossy = [name for name, doc in docs().items()
             if Briefing.model_validate(with_words(doc.model_dump(mode="json", exclude=LEAN))) != doc]
    assert lossy == []


def test_every_press_conference_has_an_exchange() -> None:
    kinds = {row["file"]: row["kind"] for row in rows()}
    without = [name for name, doc in docs().items()
               if kinds[name] == "press-conference" and not doc.exchanges and name not in NO_QA]
    assert without == []


def test_no_page_fails_and_announcements_say_so() -> None:
    """No error diagnostics; pages without markers are announcements (warning), never `unknown`."""
    kinds = {row["file"]: row["kind"] for row in rows()}
    errors = [(name, d.code) for name, doc in docs().items() for d in doc.diagnostics if d.severity == "error"]
    assert errors == []
    unknown = [name for name, doc in docs().items() if doc.source.layout == "unknown"]
    assert unknown == []
    statements = sorted(name for name, doc in docs().items()
                        if any(d.code == "layout.not_a_transcript" for d in doc.diagnostics))
    assert all(kinds[name] != "press-conference" or name in NO_QA for name in statements)
    # Of the single-question pages (有记者问：… 答：…), only one is a statement: 答记者问 in its title,
    # no 问/答 inside (corpus README).
    assert [name for name in statements if kinds[name] == "qa-single"] == ["mfa-html/zh-2019-09-28-t1703309.html"]


def test_layouts_by_period() -> None:
    """问/答 and Q/A before 2020-03-24, named labels from then on (corpus README, "Layouts seen"); a text
    copy that names neither the ministry nor a spokesperson (44 bodies of 问/答 alone) is no page of
    the site as far as it shows, and the general layout reads it."""
    wrong = []
    for row in rows():
        doc = docs().get(row["file"])
        if doc is None or row["kind"] != "press-conference" or row["file"] in NO_QA:
            continue
        named = row["date"] >= "2020-03-24"
        expected = {("zh", False): "mfa-qa", ("zh", True): "mfa-named",
                    ("en", False): "mfa-en-qa", ("en", True): "mfa-en-named"}[(row["lang"], named)]
        profile = layouts.get(expected)
        if profile is not None and not profile.claims(doc.text):
            expected = "general"
        if doc.source.layout != expected:
            wrong.append((row["file"], doc.source.layout))
    assert wrong == []
    assert sum(doc.source.layout == "general" for doc in docs().values()) == 44


# Every question has an answer turn: a Foreign Ministry answer need not be labelled (a plain paragraph
# after a bold question; the paragraphs after the first of a question that no answer follows, as in
# dialogue such as <B>记者：</B>是的。 and plain-text pages' 追问).
def test_every_question_has_an_answer() -> None:
    unanswered = [(name, e.id) for name, doc in docs().items() for e in doc.exchanges if not e.answer_turn_ids]
    assert unanswered == []


def test_what_the_pages_say_of_themselves() -> None:
    """Over the corpus: （供稿） is no origin (it was the origin of 994 pages); every page but two is dated (7
    were not: headings such as "June11, 2018" and "September 21"); and 15 questions raised after the press
    conference are turns of their own, no longer words of the answer before them."""
    assert {doc.origin for doc in docs().values()} == {None}
    undated = sorted(name for name, doc in docs().items() if doc.held_on is None and doc.published is None
                     and name.startswith("mfa-html/"))
    assert undated == ["mfa-html/en-2019-08-06-t1686638.html", "mfa-html/en-2019-08-07-t1687014.html"]
    asked_after = [name for name, doc in docs().items() for t in doc.turns
                   if t.kind == "question" and not t.label and "after the press conference" in t.text.lower()]
    assert len(asked_after) == len(set(asked_after)) == 15


def test_who_speaks() -> None:
    """The spokesperson is named wherever the page names one: 142 pages name none (156 had no name), 136
    text bodies that start at their first question and six pages of the site (two headed 外交部发言人答记者问,
    four statements). A journalist who is neither named nor of a named outlet (问, Q, 记者) is no participant."""
    unnamed = sorted(name for name, doc in docs().items()
                     if not any(p.name for p in doc.participants if p.role == "official"))
    assert len(unnamed) == 142
    assert [name for name in unnamed if not name.startswith("mfa-text/")] == [
        "mfa-html/zh-2020-01-31-t1738079.html", "mfa-html/zh-2020-03-18-t1757128.html",
        "mfa-html/zh-2020-03-31-t1764241.html", "mfa-html/zh-2020-03-31-t1764242.html",
        "mfa-html/zh-2020-05-22-t1781766.html", "mfa-html/zh-2020-06-30-t1793459.html"]
    anonymous = [(name, p.label) for name, doc in docs().items() for p in doc.participants
                 if p.role == "journalist" and p.outlet_id is None and p.name is None]
    assert anonymous == []
