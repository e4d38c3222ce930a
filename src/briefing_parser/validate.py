"""Check JSON / JSONL documents against the Briefing model, with messages located by JSON path."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from pydantic import ValidationError

from .schema import Briefing, with_words

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one document: where (file, line), what (JSON path) and why."""

    where: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.path}: {self.message}"


def json_path(location: tuple[int | str, ...], root: str = "$") -> str:
    """A pydantic error location as a JSON path: ('turns', 3, 'role') → $.turns[3].role."""
    path = root
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        elif _IDENTIFIER.match(part):
            path += f".{part}"
        else:
            path += "[" + orjson.dumps(part).decode() + "]"
    return path


def check_document(document: Any, where: str, root: str = "$") -> list[Problem]:
    """Problems of one decoded JSON value against `Briefing` (empty when it is valid): a field of the wrong
    type or form, or a breach of the model's invariants (`schema.breaches`), each at its JSON path. A lean
    document (turns without `text` and `paragraphs`) is checked with its turns' words rebuilt."""
    try:
        Briefing.model_validate(_with_words(document))
    except ValidationError as error:
        return [Problem(where, json_path(tuple(e["loc"]), root), e["msg"]) for e in error.errors()]
    return []


def _with_words(document: Any) -> Any:
    """A lean document with its turns' words rebuilt; anything else as it is (the model says what is wrong)."""
    try:
        lean = any("text" not in turn or "paragraphs" not in turn for turn in document["turns"])
        return with_words(document) if lean else document
    except (KeyError, TypeError, AttributeError):
        return document


def check_file(path: Path) -> Iterator[list[Problem]]:
    """One list of problems per document in a .json file (a Briefing or an array of them) or a JSONL file."""
    if path.suffix.lower() == ".jsonl":
        with path.open("rb") as handle:
            for number, line in enumerate(handle, 1):
                if line.strip():
                    yield _check_text(line, f"{path}:{number}")
        return
    data = path.read_bytes()
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        yield [Problem(str(path), "$", f"not JSON: {error}")]
        return
    if isinstance(value, list):
        for index, document in enumerate(value):
            yield check_document(document, str(path), f"$[{index}]")
    else:
        yield check_document(value, str(path))


def _check_text(text: bytes, where: str) -> list[Problem]:
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        return [Problem(where, "$", f"not JSON: {error}")]
    return check_document(value, where)
