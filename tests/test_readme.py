"""README.md for a first-time reader: its commands and examples run as written, on files the repository has;
what it says the first command prints is what it prints; its reference of diagnostic codes is current."""

from __future__ import annotations

import doctest
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from briefing_parser.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
sys.path.insert(0, str(ROOT / "tools"))
import make_codes  # noqa: E402


def blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", README, flags=re.MULTILINE | re.DOTALL)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where a user who cloned the repository runs the README's commands: `tests/` is theirs."""
    here = tmp_path_factory.mktemp("reader")
    (here / "tests").symlink_to(ROOT / "tests")
    return here


def test_the_first_command_prints_what_the_readme_shows(monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    install, test = blocks("bash")[0].splitlines()[1::2]
    assert install.endswith(".venv/bin/briefing-parser parse tests/fixtures/taian-2023-03-31.html --format table")
    assert test.endswith("pip install -q -e '.[dev]' && .venv/bin/python -m pytest")
    monkeypatch.chdir(ROOT)
    assert main(["parse", "tests/fixtures/taian-2023-03-31.html", "--format", "table"]) == 0
    assert capsys.readouterr().out == blocks("text")[0]


def test_every_command_and_example_runs_as_written(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each shell line after the install block, in order (`convert` makes the tables the examples read), then
    each Python example as a doctest."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    lines = [line for block in blocks("bash")[1:] for line in block.splitlines() if line.strip()]
    assert len(lines) == 15
    for line in lines:
        done = subprocess.run(["bash", "-c", f"set -o pipefail; {line}"], cwd=folder, env=env, capture_output=True,
                              text=True, timeout=300)
        assert done.returncode == 0, (line, done.stderr)
    corpus = sorted((ROOT / "tests" / "fixtures" / "corpus").glob("*.html"))
    assert len((folder / "corpus.jsonl").read_text(encoding="utf-8").splitlines()) == len(corpus) == 20
    assert sorted(p.name for p in (folder / "tables").iterdir() if p.is_dir()) == [
        "affiliations", "briefings", "contacts", "diagnostics", "exchanges", "images", "organizations", "outlets",
        "participants", "parts", "people", "segments", "turns", "views"]  # views/: the report's pages
    assert (folder / "tables" / "report.html").is_file() and (folder / "taian.html").read_text().startswith("<!")
    monkeypatch.chdir(folder)
    assert doctest.testfile(str(ROOT / "README.md"), module_relative=False) == (0, 26)  # (failed, tried)


def test_the_readme_names_only_files_the_repository_has() -> None:
    assert "../shared" not in README and "/work/" not in README
    named = set(re.findall(r"(?<![\w./-])((?:tests|tools|benchmarks|schema|src)/[\w./*-]*[\w*])", README))
    assert "tests/fixtures/taian-2023-03-31.html" in named and "benchmarks/README.md" in named
    for path in named:
        assert list(ROOT.glob(path)) or (ROOT / path).exists(), path


def test_the_reference_of_diagnostic_codes_is_current() -> None:
    assert make_codes.current(README) == README, "run tools/make_codes.py"
    reference = make_codes.reference()
    for code in ("decode.binary", "extract.empty", "layout.unknown", "speakers.unknown_label", "convert.timeout",
                 "parse.not_found", "extract.deep_nesting"):
        assert f"| `{code}` |" in reference, code
    assert "| `decode.fallback_encoding` | info, warning | decoded as {name} / no clean decoding found; guessed " \
           "{name} | decode.py |" in reference
