"""What a batch run reads: files, folders, globs, WARC archives and lists of paths, as pages with ids."""

from __future__ import annotations

import glob
import logging
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO

from .export import (
    Tables,
)
from .schema import Briefing
from .warc import WarcTruncated, WarcUnavailable, is_warc, read_pages

log = logging.getLogger(__name__)

PAGE_SUFFIXES = (".html", ".htm", ".shtml", ".txt")


class UsageError(ValueError):
    """The caller asked for something impossible (unknown format, missing extra, resuming another format)."""


class OutputError(RuntimeError):
    """The output folder cannot be written (a full disk, no permission): the run stops, what it committed stays."""


@dataclass(frozen=True, slots=True)
class PageError:
    """Why a page failed: a dotted code and a message (made valid text: it may quote a file name)."""

    code: str
    message: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "message", printable(self.message))


@dataclass(frozen=True, slots=True)
class PageInput:
    """One page to convert: from a file (`path`) or from memory (`data`, e.g. a WARC record), with the
    problems its input already had (a WARC record cut short)."""

    id: str
    origin: str
    uri: str | None
    path: str | None = None
    data: bytes | None = None
    errors: tuple[PageError, ...] = ()


@dataclass(slots=True)
class PageResult:
    """What became of one page: its JSON and/or table rows, its errors, whether it was skipped (resume)."""

    id: str
    origin: str
    uri: str | None
    sha256: str | None = None
    errors: tuple[PageError, ...] = ()
    document: bytes | None = None
    tables: Tables | None = None
    seconds: float = 0.0
    skipped: bool = False
    _briefing: Briefing | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def failed(self) -> bool:
        return bool(self.errors)

    @property
    def briefing(self) -> Briefing | None:
        """The Briefing (validated from the JSON the worker sent, on first access only), when one was produced."""
        if self._briefing is None and self.document is not None:
            self._briefing = Briefing.model_validate_json(self.document)
        return self._briefing

Item = PageInput | PageResult

# --- discovering inputs ---------------------------------------------------------------------------


def discover(inputs: Iterable[str | os.PathLike[str]], stdin: IO[str] | None = None) -> Iterator[Item]:
    """Every page named by the inputs, lazily, with unique ids; unusable inputs come out as failed results."""
    seen: set[str] = set()
    for item in _expand(inputs, stdin):
        if isinstance(item, PageInput):
            unique = unique_id(item.id, seen)
            yield item if unique == item.id else replace(item, id=unique)
        else:
            yield item


def unique_id(candidate: str, seen: set[str]) -> str:
    """`candidate`, or `candidate~2`, `~3`… when two inputs would write the same output."""
    unique, n = candidate, 1
    while unique in seen:
        n += 1
        unique = f"{candidate}~{n}"
    seen.add(unique)
    return unique


def _expand(inputs: Iterable[str | os.PathLike[str]], stdin: IO[str] | None) -> Iterator[Item]:
    for spec in inputs:
        text = os.fspath(spec)
        if text == "-":
            for line in _lines(stdin):
                if line.strip():
                    yield from _expand_one(line.strip())
        else:
            yield from _expand_one(text)


def _lines(stdin: IO[str] | None) -> Iterator[str]:
    """The lines of a list of paths; read as bytes where possible, so a name that is not UTF-8 still opens."""
    if stdin is None:
        return
    binary = getattr(stdin, "buffer", None)
    yield from (os.fsdecode(line.rstrip(b"\r\n")) for line in binary) if binary is not None else stdin


def _expand_one(spec: str) -> Iterator[Item]:
    for found in files(spec):
        if isinstance(found, PageResult):
            yield found
        else:
            yield from from_file(*found)


def files(spec: str) -> Iterator[tuple[Path, str] | PageResult]:
    """The files one input names (itself, a folder's pages and WARC files, a glob's matches), each with the name
    its ids start from; an input that names nothing is a failed result."""
    path = Path(spec)
    if path.is_dir():
        for file in walk(path):
            yield file, f"{path.resolve().name}/{file.relative_to(path).as_posix()}"
    elif path.is_file():
        yield path, path.name
    elif glob.has_magic(spec):
        root = Path(_static_root(spec))
        for match in sorted(glob.iglob(spec, recursive=True)):
            file = Path(match)
            if file.is_file():
                yield file, file.relative_to(root).as_posix() if root.parts else file.as_posix()
    else:
        yield PageResult(id=clean_id(path.name or spec), origin=printable(spec), uri=None,
                         errors=(PageError("convert.not_found", f"no such file, folder or glob match: {spec}"),))


def walk(folder: Path) -> Iterator[Path]:
    """Page files and WARC files under a folder, recursively, in a stable (sorted) order."""
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            file = Path(root, name)
            if file.suffix.lower() in PAGE_SUFFIXES or is_warc(file):
                yield file


def _static_root(pattern: str) -> str:
    parts = Path(pattern).parts
    static = [p for p in parts[: next((i for i, p in enumerate(parts) if glob.has_magic(p)), len(parts))]]
    return str(Path(*static)) if static else ""


def from_file(path: Path, name: str) -> Iterator[Item]:
    """The pages of one file: itself, or a WARC file's HTML responses (`name/000001`, …)."""
    if is_warc(path):
        yield from _from_warc(path, name)
    else:
        yield PageInput(id=clean_id(name), origin=printable(str(path)), uri=printable(str(path)), path=str(path))


def _from_warc(path: Path, name: str) -> Iterator[Item]:
    number = 0
    try:
        for page in read_pages(path):
            number += 1
            cut = (PageError("convert.warc_truncated", page.cut),) if page.cut else ()
            yield PageInput(id=clean_id(f"{name}/{number:06d}"), origin=printable(f"{path}@{page.offset}"),
                            uri=printable(page.uri), data=page.data, errors=cut)
    except WarcTruncated as error:
        yield _input_failure(path, name, "convert.warc_truncated", f"{error} ({number} pages recovered before it)")
    except WarcUnavailable as error:
        yield _input_failure(path, name, "convert.warc_unavailable", str(error))
    except Exception as error:  # a corrupt archive ends that archive, not the run
        yield _input_failure(path, name, "convert.warc_unreadable", f"{type(error).__name__}: {error}")


def _input_failure(path: Path, name: str, code: str, message: str) -> PageResult:
    return PageResult(id=clean_id(name), origin=printable(str(path)), uri=None, errors=(PageError(code, message),))


def clean_id(name: str) -> str:
    """A relative, forward-slashed id that cannot climb out of the output folder, in valid text."""
    parts = [printable(p) for p in re.split(r"[\\/]+", name) if p not in ("", ".", "..")]
    return "/".join(parts) or "page"


def printable(text: str) -> str:
    """`text` as valid Unicode: the bytes of a name that are not UTF-8 (bad-\\udcff.html) shown as escapes
    (bad-\\xff.html), so that JSON and the terminal can carry it."""
    try:
        raw = text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that no file name decoded to
        raw = text.encode("utf-8", "backslashreplace")
    return raw.decode("utf-8", "backslashreplace")


def count_pages(inputs: Iterable[str | os.PathLike[str]]) -> int | None:
    """How many pages the inputs hold, when that is cheap to know (None for stdin and WARC files)."""
    total = 0
    for spec in inputs:
        text = os.fspath(spec)
        path = Path(text)
        if text == "-" or is_warc(path):
            return None
        if path.is_dir():
            files = list(walk(path))
            if any(is_warc(f) for f in files):
                return None
            total += len(files)
        elif glob.has_magic(text):
            total += sum(1 for m in glob.iglob(text, recursive=True) if Path(m).is_file())
        else:
            total += 1
    return total
