"""The any-site gate: excerpts of other press offices' pages, read by a person, against pinned floors.

The pages and their readings are `tests/fixtures/wild` (format in its README). Floors live in
tests/wild_floors.json and only go up, as the Foreign Ministry gate's do. Run this file as a script
(`python tests/test_wild_gate.py [d09 …]`) for the scores and each page's turns beside the reading.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

import briefing_parser as bp

WILD = Path(__file__).parent / "fixtures" / "wild"
FLOORS = Path(__file__).parent / "wild_floors.json"
SLACK = 0.01
PREFIX = 8  # non-space characters of a turn's text that must agree with the reading's `start`
SPACE = re.compile(r"\s+")


def prefix(text: str) -> str:
    return SPACE.sub("", text)[:PREFIX]


def golds() -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((WILD / "gold").glob("*.json"))]


@cache
def parsed(page_id: str) -> bp.Briefing:
    return bp.parse((WILD / f"{page_id}.txt").read_bytes(), uri=f"{page_id}.txt")


def align(gold: dict, doc: bp.Briefing) -> dict[int, int]:
    """Gold turn index → the parser's turn index with the same opening words, in order."""
    found, start = {}, 0
    got = [prefix(t.text) for t in doc.turns]
    for i, turn in enumerate(gold["turns"]):
        for j in range(start, len(got)):
            if got[j] == prefix(turn["start"]):
                found[i], start = j, j + 1
                break
    return found


def page_score(gold: dict) -> dict[str, tuple[int, int, int]]:
    """(matches, expected, got) per measure for one transcript."""
    doc = parsed(gold["id"])
    expected = Counter((t["label"] or "", prefix(t["start"])) for t in gold["turns"])
    got = Counter((t.label, prefix(t.text)) for t in doc.turns)
    matched = align(gold, doc)
    roles = sum(doc.turns[j].role == gold["turns"][i]["role"] for i, j in matched.items())
    kinds = sum(doc.turns[j].kind == gold["turns"][i]["kind"] for i, j in matched.items())
    back = {j: i for i, j in matched.items()}
    index = {t.id: t.index for t in doc.turns}

    def mapped(ids: list[str]) -> tuple[int, ...]:
        return tuple(back.get(index[i], -1) for i in ids)

    gold_x = Counter((tuple(x["q"]), tuple(x["a"])) for x in gold["exchanges"])
    doc_x = Counter((mapped(x.question_turn_ids), mapped(x.answer_turn_ids)) for x in doc.exchanges)
    n = len(gold["turns"])
    return {
        "turn": (sum((expected & got).values()), n, len(doc.turns)),
        "role": (roles, n, n),
        "kind": (kinds, n, n),
        "exchange": (sum((gold_x & doc_x).values()), len(gold["exchanges"]), len(doc.exchanges)),
    }


def score() -> dict[str, float]:
    totals = {name: [0, 0, 0] for name in ("turn", "role", "kind", "exchange")}
    flagged = negatives = titles = dates = 0
    for gold in golds():
        doc = parsed(gold["id"])
        titles += doc.title == gold["title"]
        dates += (doc.published.isoformat() if doc.published else None) == gold["published"]
        if not gold["turns"]:
            negatives += 1
            flagged += any(d.code == "layout.not_a_transcript" for d in parsed(gold["id"]).diagnostics)
            continue
        for name, part in page_score(gold).items():
            for i in range(3):
                totals[name][i] += part[i]

    def harmonic(m: int, e: int, g: int) -> float:
        return round(2 * m / (e + g), 4) if e + g else 1.0

    return {
        "turn_f1": harmonic(*totals["turn"]),
        "role_accuracy": round(totals["role"][0] / totals["role"][1], 4),
        "kind_accuracy": round(totals["kind"][0] / totals["kind"][1], 4),
        "exchange_f1": harmonic(*totals["exchange"]),
        "not_a_transcript": round(flagged / negatives, 4),
        # Over every page, transcripts or not: the heading as the reading gives it, and the page's date.
        "title_accuracy": round(titles / len(golds()), 4),
        "published_accuracy": round(dates / len(golds()), 4),
    }


def test_fixtures_are_complete() -> None:
    index = json.loads((WILD / "index.json").read_text(encoding="utf-8"))
    assert len(index) == len(golds()) == 53
    assert all((WILD / entry["file"]).is_file() for entry in index)


@pytest.mark.parametrize("metric", ["turn_f1", "role_accuracy", "kind_accuracy", "exchange_f1", "not_a_transcript",
                                    "title_accuracy", "published_accuracy"])
def test_wild_gate(metric: str) -> None:
    floors = json.loads(FLOORS.read_text(encoding="utf-8"))
    measured = score()[metric]
    assert measured >= floors[metric], f"{metric} fell to {measured} below its floor {floors[metric]}"
    assert measured <= floors[metric] + SLACK, f"{metric} is {measured}: raise the floor to {measured} in {FLOORS.name}"


def report(ids: list[str]) -> None:
    """Print the scores, and for each page asked for (all that differ, without ids) its turns beside the reading."""
    print(json.dumps(score()))
    for gold in golds():
        if ids and gold["id"] not in ids:
            continue
        doc = parsed(gold["id"])
        want = [(t["label"] or "", t["role"], t["kind"], prefix(t["start"])) for t in gold["turns"]]
        got = [(t.label, t.role, t.kind, prefix(t.text)) for t in doc.turns]
        if not ids and want == got:
            continue
        codes = sorted({d.code for d in doc.diagnostics})
        print(f"\n== {gold['id']} layout={doc.source.layout} {codes}")
        for row in want:
            print("  want", *row)
        for row in got:
            print("  got ", *row)


if __name__ == "__main__":
    report(sys.argv[1:])
