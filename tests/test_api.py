"""The Python API without traps: a `str` path is read as a file, unknown options and ids are errors."""

from __future__ import annotations

from pathlib import Path

import pytest

import briefing_parser as bp
from briefing_parser.batch import PageResult

FIXTURES = Path(__file__).parent / "fixtures"
SEED_HTML = FIXTURES / "taian-2023-03-31.html"


def test_a_str_that_names_the_bundled_page_is_read_as_that_page(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES.parent.parent)  # the repository, where the README's example runs
    doc = bp.parse("tests/fixtures/taian-2023-03-31.html")
    assert doc.source.uri == "tests/fixtures/taian-2023-03-31.html"
    assert doc == bp.parse(Path("tests/fixtures/taian-2023-03-31.html"))
    assert (len(doc.turns), doc.turns[0].label, doc.source.media_type) == (9, "主持人", "text/html")


def test_a_str_that_looks_like_a_missing_page_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="names no file"):
        bp.parse(str(tmp_path / "taian-2023-03-31.html"))


def test_a_one_line_str_that_names_no_file_is_a_page() -> None:
    doc = bp.parse("问：今年招生有什么新变化？")
    assert doc.source.uri is None
    assert doc.text == "问：今年招生有什么新变化？"


def test_unknown_options_are_refused_with_the_known_names() -> None:
    with pytest.raises(TypeError, match=r"unknown parse option 'stict'; the options are strict, layout, area_code"):
        bp.parse(b"x", options={"stict": True})
    assert bp.parse(SEED_HTML, options={"area_code": "0538", "strict": False}).contacts[0].e164 == "+865386991152"


def test_missing_ids_raise_key_error() -> None:
    doc = bp.parse(SEED_HTML)
    assert doc.turn("t9").label == "主持人"
    with pytest.raises(KeyError, match="t99"):
        doc.turn("t99")
    with pytest.raises(KeyError, match="p99"):
        doc.participant("p99")


def test_a_page_result_validates_its_briefing_once() -> None:
    doc = bp.parse(SEED_HTML)
    result = PageResult(id="seed", origin=str(SEED_HTML), uri=None, document=doc.model_dump_json().encode())
    first = result.briefing
    assert first == doc
    assert result.briefing is first
    assert PageResult(id="gone", origin="gone.html", uri=None).briefing is None
