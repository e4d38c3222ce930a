"""Inputs for the batch tests: real pages, a binary file, an empty file, a GBK page, WARC files built here."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
SEED = FIXTURES / "taian-2023-03-31.txt"
CORPUS = FIXTURES / "corpus"
GOOD = ["en-2018-06-22-t1571009.html", "zh-2013-12-11.txt", "zh-2016-11-30-t1420568.html"]
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def gbk_page() -> bytes:
    """The seed page as HTML, encoded GB18030 and labelled gb2312, as real sites do."""
    body = "".join(f"<p>{line}</p>\n" for line in SEED.read_text(encoding="utf-8").splitlines())
    html = f'<html><head><meta charset="gb2312"><title>新闻发布会</title></head><body>{body}</body></html>'
    return html.encode("gb18030")


def make_folder(root: Path) -> Path:
    """pages/: the seed, three corpus pages, a binary file, an empty file, a GBK page, a file to ignore."""
    folder = root / "pages"
    (folder / "corpus").mkdir(parents=True)
    (folder / "gbk").mkdir()
    shutil.copy(SEED, folder / "taian-2023-03-31.txt")
    for name in GOOD:
        shutil.copy(CORPUS / name, folder / "corpus" / name)
    (folder / "broken.html").write_bytes(PNG)
    (folder / "empty.htm").write_bytes(b"")
    (folder / "gbk" / "taian.shtml").write_bytes(gbk_page())
    (folder / "notes.md").write_text("not a page", encoding="utf-8")
    return folder


# Discovery order (a folder's files sorted, then its sub-folders, sorted) and the expected failures.
FOLDER_IDS = [
    "pages/broken.html", "pages/empty.htm", "pages/taian-2023-03-31.txt",
    "pages/corpus/" + GOOD[0], "pages/corpus/" + GOOD[1], "pages/corpus/" + GOOD[2], "pages/gbk/taian.shtml",
]
FOLDER_FAILURES = {"pages/broken.html": "decode.binary", "pages/empty.htm": "extract.empty"}


def warc_record(kind: str, uri: str, block: bytes, content_type: str, number: int) -> bytes:
    headers = (
        f"WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{number:012d}>\r\n"
        f"WARC-Date: 2023-03-31T04:00:00Z\r\nWARC-Target-URI: {uri}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(block)}\r\n\r\n"
    )
    return headers.encode() + block + b"\r\n\r\n"


def http_response(payload: bytes, content_type: str, status: str = "200 OK") -> bytes:
    head = f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(payload)}\r\n\r\n"
    return head.encode() + payload


# (target URI, HTTP payload) of the HTML responses in the WARC, in order.
def warc_pages() -> list[tuple[str, bytes]]:
    return [
        ("http://www.taian.gov.cn/art/2023/3/31/art_45_1.html", gbk_page()),
        ("https://www.mfa.gov.cn/web/fyrbt_673021/" + GOOD[2], (CORPUS / GOOD[2]).read_bytes()),
    ]


def make_warc(path: Path, compress: bool) -> Path:
    """A WARC with warcinfo, a request, two HTML responses, a PNG response and a 404 HTML response."""
    (gbk_uri, gbk), (mfa_uri, mfa) = warc_pages()
    records = [
        warc_record("warcinfo", "", b"software: test\r\n", "application/warc-fields", 1),
        warc_record("request", gbk_uri, f"GET {gbk_uri} HTTP/1.1\r\n\r\n".encode(),
                    "application/http; msgtype=request", 2),
        warc_record("response", gbk_uri, http_response(gbk, "text/html; charset=gb2312"),
                    "application/http; msgtype=response", 3),
        warc_record("response", "http://www.taian.gov.cn/logo.png", http_response(PNG, "image/png"),
                    "application/http; msgtype=response", 4),
        warc_record("response", "http://www.taian.gov.cn/missing.html",
                    http_response(b"<html><body>Not found</body></html>", "text/html", "404 Not Found"),
                    "application/http; msgtype=response", 5),
        warc_record("response", mfa_uri, http_response(mfa, "text/html"), "application/http; msgtype=response", 6),
    ]
    with path.open("wb") as handle:
        for record in records:
            handle.write(gzip.compress(record) if compress else record)  # one gzip member per record
    return path
