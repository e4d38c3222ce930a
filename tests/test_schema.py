"""The committed JSON Schema matches the model, and documents round-trip through it."""

from __future__ import annotations

import json
from pathlib import Path

import briefing_parser as bp

SCHEMA_FILE = Path(__file__).parents[1] / "schema" / "briefing.schema.json"
SEED = Path(__file__).parent / "fixtures" / "taian-2023-03-31.txt"


def test_committed_schema_is_current() -> None:
    committed = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert committed == bp.Briefing.model_json_schema(), (
        "schema/briefing.schema.json is stale: run `briefing-parser schema > schema/briefing.schema.json`")


def test_every_field_is_documented() -> None:
    schema = bp.Briefing.model_json_schema()
    undocumented = [
        f"{name}.{field}"
        for name, model in schema["$defs"].items()
        for field, spec in model.get("properties", {}).items()
        if "description" not in spec and field != "span"
    ]
    assert undocumented == []


def test_json_round_trip() -> None:
    doc = bp.parse(SEED)
    assert bp.Briefing.model_validate_json(doc.model_dump_json()) == doc
