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
