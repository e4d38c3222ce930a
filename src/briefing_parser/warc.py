"""HTML responses out of WARC files, streamed record by record (fastwarc, else warcio)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")
WARC_SUFFIXES = (".warc", ".warc.gz")


@dataclass(frozen=True, slots=True)
class WarcPage:
    """One HTML response: its target URI, payload bytes and the record's offset in the file."""

    uri: str
    data: bytes
    offset: int


class WarcUnavailable(RuntimeError):
    """Neither fastwarc nor warcio is installed."""


def is_warc(path: Path) -> bool:
    """Whether a file name says it is a WARC."""
    return path.name.lower().endswith(WARC_SUFFIXES)


def is_html_response(status: int | None, content_type: str | None) -> bool:
    """Only successful HTML responses are pages."""
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return status is not None and 200 <= status < 300 and media in HTML_TYPES


def read_pages(path: Path) -> Iterator[WarcPage]:
    """Every HTML response of a WARC, one at a time, never the whole archive."""
    try:
        import fastwarc  # noqa: F401
    except ImportError:
        yield from _read_with_warcio(path)
        return
    yield from _read_with_fastwarc(path)


def _read_with_fastwarc(path: Path) -> Iterator[WarcPage]:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    with path.open("rb") as stream:
        for record in ArchiveIterator(stream, record_types=WarcRecordType.response, parse_http=True):
            http = record.http_headers
            if http is None or not is_html_response(http.status_code, record.http_content_type):
                continue
            uri = record.headers.get("WARC-Target-URI") or ""
            yield WarcPage(uri=uri.strip("<>"), data=record.reader.read(), offset=record.stream_pos)


def _read_with_warcio(path: Path) -> Iterator[WarcPage]:
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError as error:
        raise WarcUnavailable("reading WARC files needs fastwarc: pip install 'briefing-parser[warc]'") from error
    with path.open("rb") as stream:
        iterator = ArchiveIterator(stream)
        for record in iterator:
            if record.rec_type != "response" or record.http_headers is None:
                continue
            status = record.http_headers.get_statuscode()
            if not is_html_response(int(status) if status.isdigit() else None,
                                    record.http_headers.get_header("Content-Type")):
                continue
            uri = record.rec_headers.get_header("WARC-Target-URI") or ""
            yield WarcPage(uri=uri.strip("<>"), data=record.content_stream().read(),
                           offset=iterator.get_record_offset())
