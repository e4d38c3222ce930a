"""Validated means it: the model refuses documents that break its invariants, and `validate` says where."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from pydantic import ValidationError

import briefing_parser as bp
from briefing_parser.schema import LEAN, breaches, with_words
from briefing_parser.validate import check_document, check_file, json_path

SEED_HTML = Path(__file__).parent / "fixtures" / "taian-2023-03-31.html"
SEED = bp.parse(SEED_HTML.read_bytes(), uri="taian-2023-03-31.html")
SIZE = len(SEED.text)  # 4394 characters


def tenth_of_the_text(doc: dict[str, Any]) -> None:
    doc["segments"] = [s for s in doc["segments"] if s["span"]["end"] <= SIZE // 10]


def set_at(*path: str | int, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        target = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


# The six broken documents: the seed page's, each with one thing wrong, and what `validate` says of it.
BROKEN = {
    "span past the text": (set_at("turns", 8, "span", "end", value=10_000_000), [
        ("$.turns[8].span.end", "ends at 10000000, past the end of text (4394 characters)")]),
    "exchange names t999": (set_at("exchanges", 0, "question_turn_ids", 0, value="t999"), [
        ("$.exchanges[0].question_turn_ids[0]", "names turn 't999', which the document does not hold")]),
    "turn names p77": (set_at("turns", 0, "participant_id", value="p77"), [
        ("$.turns[0].participant_id", "names participant 'p77', which the document does not hold")]),
    # t2 is gone, so the image that sits in it names a turn the document does not hold.
    "turns share an id": (set_at("turns", 1, "id", value="t1"), [
        ("$.turns[1].id", "'t1' is the id of an earlier item"),
        ("$.images[1].turn_id", "names turn 't2', which the document does not hold")]),
    "segments cover a tenth": (tenth_of_the_text, [
        ("$.segments[10].span.end", "the segments cover text up to 386, not its 4394 characters")]),
    "sha256 is zz": (set_at("source", "sha256", value="zz"), [
        ("$.source.sha256", "String should match pattern '^[0-9a-f]{64}$'")]),
}


def broken(name: str) -> dict[str, Any]:
    doc = copy.deepcopy(SEED.model_dump(mode="json"))
    BROKEN[name][0](doc)
    return doc


@pytest.mark.parametrize("name", BROKEN)
def test_validate_names_each_breach_by_its_json_path(name: str) -> None:
    found = [(problem.path, problem.message) for problem in check_document(broken(name), "seed.json")]
    assert found == BROKEN[name][1]


@pytest.mark.parametrize("name", BROKEN)
def test_the_model_refuses_the_broken_document(name: str) -> None:
    with pytest.raises(ValidationError) as raised:
        bp.Briefing.model_validate(broken(name))
    assert [json_path(tuple(e["loc"])) for e in raised.value.errors()] == [path for path, _ in BROKEN[name][1]]
    with pytest.raises(ValidationError):  # from JSON too
        bp.Briefing.model_validate_json(orjson.dumps(broken(name)))


def test_the_seed_page_breaks_nothing() -> None:
    assert breaches(SEED) == []
    assert check_document(SEED.model_dump(mode="json"), "seed.json") == []


def test_more_invariants() -> None:
    """A participant of an outlet not held, turns out of text order, a marker inside its body, a follow-up of
    itself and one of an exchange not held, a contact whose raw is not at its span, a gap between segments."""
    doc = copy.deepcopy(SEED.model_dump(mode="json"))
    doc["turns"][3]["span"], doc["turns"][3]["marker_span"] = doc["turns"][2]["span"], None
    doc["turns"][5]["marker_span"]["end"] = doc["turns"][5]["span"]["start"] + 3
    doc["contacts"][0]["raw"] = "6991153"
    doc["exchanges"][0]["follows"] = "q1"
    doc["exchanges"][1]["follows"] = "q99"
    doc["participants"][2]["outlet_id"] = "o9"
    doc["segments"][4]["span"]["start"] += 1
    start = doc["turns"][2]["span"]["start"]
    assert [(p.path, p.message) for p in check_document(doc, "x")] == [
        ("$.participants[2].outlet_id", "names outlet 'o9', which the document does not hold"),
        ("$.turns[3].span.start", f"starts at {start}, inside the turn before (to {doc['turns'][2]['span']['end']})"),
        ("$.turns[5].marker_span.end", f"ends at {doc['turns'][5]['span']['start'] + 3}, inside the turn's body "
                                       f"(from {doc['turns'][5]['span']['start']})"),
        ("$.exchanges[0].follows", "names the exchange itself"),
        ("$.exchanges[1].follows", "names exchange 'q99', which the document does not hold"),
        ("$.contacts[0].raw", f"is not what text holds at {doc['contacts'][0]['span']['start']}:"
                              f"{doc['contacts'][0]['span']['end']}"),
        ("$.segments[4].span.start", f"starts at {doc['segments'][4]['span']['start']}, not where the segment "
                                     f"before ends ({doc['segments'][3]['span']['end']})"),
    ]


def test_check_file_locates_each_document(tmp_path: Path) -> None:
    """A JSONL file of the six broken documents and the sound one: one list of problems per line."""
    path = tmp_path / "docs.jsonl"
    lines = [orjson.dumps(broken(name)) for name in BROKEN] + [SEED.model_dump_json().encode()]
    path.write_bytes(b"\n".join(lines) + b"\n")
    found = [[(p.where, p.path) for p in problems] for problems in check_file(path)]
    assert found == [[(f"{path}:{n}", where) for where, _ in expected]
                     for n, (_, expected) in enumerate(BROKEN.values(), 1)] + [[]]


def test_a_lean_document_is_the_document_without_its_turns_words() -> None:
    full, lean = SEED.model_dump_json(), SEED.model_dump_json(exclude=LEAN)
    assert (len(full), len(lean)) == (19234, 11295)
    data = orjson.loads(lean)
    assert all("text" not in turn and "paragraphs" not in turn for turn in data["turns"])
    assert check_document(orjson.loads(lean), "lean.json") == []
    rebuilt = bp.Briefing.model_validate(with_words(data))
    assert rebuilt == SEED
    assert rebuilt.turns[6].paragraphs[0].startswith("可否再详细介绍一下“双十工程”实施的有关")
