"""HTML responses out of WARC files, streamed record by record (fastwarc, else warcio); a cut archive is reported."""

from __future__ import annotations

import logging
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

log = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")
WARC_SUFFIXES = (".warc", ".warc.gz")
# WARC/1.0\r\nWARC-Type: response\r\n…Content-Length: 8935\r\n\r\n
CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*(\d+)[ \t]*\r\n", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class WarcPage:
    """One HTML response: its target URI, payload bytes, the record's offset in the file, and `cut`, why the
    payload is incomplete when the archive ends inside it."""

    uri: str
    data: bytes
    offset: int
    cut: str | None = None


class WarcUnavailable(RuntimeError):
    """Neither fastwarc nor warcio is installed."""


class WarcTruncated(Exception):
    """The archive ends in a record that could not be read (after yielding every page before it)."""


def is_warc(path: Path) -> bool:
    """Whether a file name says it is a WARC."""
    return path.name.lower().endswith(WARC_SUFFIXES)


def is_html_response(status: int | None, content_type: str | None) -> bool:
    """Only successful HTML responses are pages."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return status is not None and 200 <= status < 300 and media in HTML_TYPES


def read_pages(path: Path) -> Iterator[WarcPage]:
    """Every HTML response of a WARC, one at a time, never the whole archive; raises WarcTruncated at the end
    when the archive is cut after its last whole record."""
    try:
        import fastwarc  # noqa: F401
    except ImportError:
        records = _read_with_warcio(path)
    else:
        records = _read_with_fastwarc(path)
    last, cut = 0, False  # the last record's offset, whether its page was already reported cut
    for offset, page in records:
        last, cut = offset, page is not None and page.cut is not None
        if page is not None:
            yield page
    damage = tail_damage(path, last)
    if damage and not cut:
        raise WarcTruncated(damage)


def _cut(got: int, expected: int | None) -> str | None:
    if expected is None or got >= expected:
        return None
    return f"the archive ends inside this record: {got:,} of {expected:,} payload bytes recovered"


def _read_with_fastwarc(path: Path) -> Iterator[tuple[int, WarcPage | None]]:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    with path.open("rb") as stream:
        for record in ArchiveIterator(stream, parse_http=True):
            http = record.http_headers
            if (record.record_type != WarcRecordType.response or http is None
                    or not is_html_response(http.status_code, record.http_content_type)):
                yield record.stream_pos, None
                continue
            uri = record.headers.get("WARC-Target-URI") or ""
            data = record.reader.read()
            # after the HTTP headers are parsed, content_length is the payload's
            yield record.stream_pos, WarcPage(uri=uri.strip("<>"), data=data, offset=record.stream_pos,
                                              cut=_cut(len(data), record.content_length))


def _read_with_warcio(path: Path) -> Iterator[tuple[int, WarcPage | None]]:
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError as error:
        raise WarcUnavailable("reading WARC files needs fastwarc: pip install 'briefing-parser[warc]'") from error
    with path.open("rb") as stream:
        iterator = ArchiveIterator(stream)
        for record in iterator:
            offset = iterator.get_record_offset()
            if record.rec_type != "response" or record.http_headers is None:
                yield offset, None
                continue
            status = record.http_headers.get_statuscode()
            if not is_html_response(int(status) if status.isdigit() else None,
                                    record.http_headers.get_header("Content-Type")):
                yield offset, None
                continue
            uri = record.rec_headers.get_header("WARC-Target-URI") or ""
            data = record.content_stream().read()
            length = record.http_headers.get_header("Content-Length") or ""
            yield offset, WarcPage(uri=uri.strip("<>"), data=data, offset=offset,
                                   cut=_cut(len(data), int(length) if length.isdigit() else None))


def tail_damage(path: Path, last: int) -> str | None:
    """Why the archive does not end cleanly after its last record (at offset `last`), or None.

    A reader stops quietly at a record it cannot read (a cut header, a cut or broken gzip member), so the
    last record is read again here, whole, and what follows it must be nothing (or blank lines)."""
    size = path.stat().st_size
    with path.open("rb") as stream:
        stream.seek(last)
        end = _member_end(stream, last) if path.name.lower().endswith(".gz") else _record_end(stream, last)
        if not isinstance(end, int):
            return end
        if end > size:
            return f"the archive ends inside the record at offset {last:,}"
        stream.seek(end)
        rest = stream.read(1 << 16)
    if rest.strip() or size - end > len(rest):
        return f"{size - end:,} bytes after the record at offset {last:,} could not be read as WARC records"
    return None


# Each returns where the record (or gzip member) at `start` ends, why it cannot be read, or None when no
# record starts there (an offset of another kind): nothing to check.

def _record_end(stream: IO[bytes], start: int) -> int | str | None:
    head = stream.read(1 << 16)
    if not head.startswith(b"WARC/"):
        return None
    header_end = head.find(b"\r\n\r\n")
    length = CONTENT_LENGTH.search(head, 0, header_end + 2) if header_end >= 0 else None
    if length is None:
        return f"the archive ends inside the header of the record at offset {start:,}"
    return start + header_end + 4 + int(length.group(1)) + 4  # the block, then \r\n\r\n


def _member_end(stream: IO[bytes], start: int) -> int | str | None:
    member = zlib.decompressobj(wbits=31)
    read = 0
    try:
        while not member.eof and (block := stream.read(1 << 20)):
            if read == 0 and not block.startswith(b"\x1f\x8b"):
                return None
            read += len(block)
            member.decompress(block)
    except zlib.error as error:
        return f"the gzip member at offset {start:,} is damaged: {error}"
    if read == 0:
        return None
    if not member.eof:
        return f"the archive ends inside the gzip member at offset {start:,}"
    return start + read - len(member.unused_data)
