"""The corpus gate: the parser scored on hand-annotated Foreign Ministry pages against pinned floors.

Floors live in tests/gate_floors.json and only go up: a score below its floor fails, and so does a
score more than `SLACK` above it (the message says which floor to raise), so a gain is recorded
where a later loss would show.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

import briefing_parser as bp

FIXTURES = Path(__file__).parent / "fixtures"
GOLD = FIXTURES / "gold"
PAGES = FIXTURES / "corpus"
FLOORS = Path(__file__).parent / "gate_floors.json"
SLACK = 0.01
PREFIX = 8  # non-space characters of a turn's text that must agree
SPACE = re.compile(r"\s+")

GoldTurn = tuple[str, str, str, str]  # label, role, kind, first characters


def gold_files() -> list[Path]:
    return sorted(GOLD.glob("*.json"))


def prefix(text: str) -> str:
    """The first non-space characters of a turn (NBSP, U+3000 and line ends ignored)."""
    return SPACE.sub("", text)[:PREFIX]


@cache
def parsed(name: str) -> bp.Briefing:
    return bp.parse(PAGES / name)


def gold_turns(gold: dict) -> list[GoldTurn]:
    return [(t["label"], t["role"], t["kind"], prefix(t["start"])) for t in gold["turns"]]


def doc_turns(doc: bp.Briefing) -> list[GoldTurn]:
    return [(t.label, t.role, t.kind, prefix(t.text)) for t in doc.turns]


def gold_exchanges(gold: dict) -> list[tuple[int, tuple[int, ...]]]:
    return [(e["question"], tuple(e["answers"])) for e in gold["exchanges"]]


def doc_exchanges(doc: bp.Briefing) -> list[tuple[int, tuple[int, ...]]]:
    index = {t.id: t.index for t in doc.turns}
    return [(index[e.question_turn_ids[0]], tuple(index[a] for a in e.answer_turn_ids)) for e in doc.exchanges]


def f1(expected: list, got: list) -> tuple[int, int, int]:
    """(matches, expected, got) of two multisets."""
    matches = sum((Counter(expected) & Counter(got)).values())
    return matches, len(expected), len(got)


def role_hits(expected: list[GoldTurn], got: list[GoldTurn]) -> int:
    """Gold turns whose text the parser found as a turn with the same role (in order)."""
    hits, start = 0, 0
    for _label, role, _kind, text in expected:
        for j in range(start, len(got)):
            if got[j][3] == text:
                hits += got[j][1] == role
                start = j + 1
                break
    return hits


def score() -> dict[str, float]:
    turn = [0, 0, 0]
    exchange = [0, 0, 0]
    roles = [0, 0]
    for path in gold_files():
        gold = json.loads(path.read_text(encoding="utf-8"))
        doc = parsed(gold["file"])
        expected, got = gold_turns(gold), doc_turns(doc)
        for total, part in ((turn, f1(expected, got)), (exchange, f1(gold_exchanges(gold), doc_exchanges(doc)))):
            for i in range(3):
                total[i] += part[i]
        roles[0] += role_hits(expected, got)
        roles[1] += len(expected)

    def harmonic(m: int, e: int, g: int) -> float:
        return 2 * m / (e + g) if e + g else 1.0

    return {
        "turn_f1": round(harmonic(*turn), 4),
        "role_accuracy": round(roles[0] / roles[1], 4),
        "exchange_f1": round(harmonic(*exchange), 4),
    }


def test_gold_set_is_complete() -> None:
    files = gold_files()
    assert len(files) >= 15
    for path in files:
        gold = json.loads(path.read_text(encoding="utf-8"))
        assert (PAGES / gold["file"]).is_file(), gold["file"]


@pytest.mark.parametrize("metric", ["turn_f1", "role_accuracy", "exchange_f1"])
def test_gate(metric: str) -> None:
    floors = json.loads(FLOORS.read_text(encoding="utf-8"))
    measured = score()[metric]
    floor = floors[metric]
    assert measured >= floor, f"{metric} fell to {measured} below its floor {floor}"
    assert measured <= floor + SLACK, f"{metric} is {measured}: raise the floor to {measured} in {FLOORS.name}"


@pytest.mark.parametrize("path", gold_files(), ids=lambda p: p.stem)
def test_gold_page(path: Path) -> None:
    """Each gold page on its own, so a regression names its page; metadata too."""
    gold = json.loads(path.read_text(encoding="utf-8"))
    doc = parsed(gold["file"])
    assert doc_turns(doc) == gold_turns(gold)
    assert doc_exchanges(doc) == gold_exchanges(gold)
    assert doc.title == gold["title"]
    assert (doc.published.isoformat() if doc.published else None) == gold["published"]
    officials = [{"name": p.name, "title": p.title} for p in doc.participants if p.role == "official" and p.name]
    assert officials == gold["officials"]
    assert [o.name for o in doc.outlets] == gold["outlets"]
    assert len(doc.images) == gold["images"]
