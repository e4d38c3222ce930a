"""Bytes to text: our own encoding sniff, with charset-normalizer as the last resort."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

from .errors import diagnostic
from .schema import Diagnostic

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: its BOM starts the same way
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Only a charset inside a <meta> tag counts: pages also carry `document.charset='gb2312'` in scripts.
# <meta charset="gb2312">  /  <meta http-equiv="Content-Type" content="text/html; charset=GBK">
META_CHARSET = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.IGNORECASE)
# Labels whose pages are in practice GBK/GB18030: decoding as gb2312 would fail on 堃, 镕, ·.
WIDER_ENCODING = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
                  "gb_2312-80": "gb18030", "big5": "big5hkscs", "iso-8859-1": "cp1252", "ascii": "cp1252"}
# Encodings in which only a zero byte decodes to NUL, even with replacement (not so UTF-16 or UTF-7's `+AAA-`).
NUL_IS_A_ZERO_BYTE = frozenset({"utf-8", "gb18030", "cp1252", "big5hkscs"})
HTML_SIGNS = re.compile(rb"<(?:!doctype\s+html|html|head|body|meta|div|p|br|table|span|title)\b", re.IGNORECASE)
SNIFF_BYTES = 4096
# C0 controls other than tab, line ends and form feed: text has next to none of them.
CONTROL_BYTES = bytes([*range(0, 9), *range(14, 32)])
BINARY_SIGNATURES = {
    b"\x89PNG": "a PNG image", b"%PDF": "a PDF document", b"GIF8": "a GIF image", b"\xff\xd8\xff": "a JPEG image",
    b"PK\x03\x04": "a ZIP archive", b"\x1f\x8b": "gzip data", b"\x7fELF": "an executable",
}


@dataclass
class Decoded:
    """Text decoded from input bytes, and how."""

    text: str
    encoding: str
    is_html: bool
    diagnostics: list[Diagnostic] = field(default_factory=list)


def looks_like_html(head: bytes | str) -> bool:
    """True when the first kilobytes carry HTML tags."""
    data = head[:SNIFF_BYTES]
    sample = data.encode("utf-8", "replace") if isinstance(data, str) else data
    return HTML_SIGNS.search(sample) is not None


def binary_kind(data: bytes) -> str | None:
    """Name the binary format of `data`, or None when it may be text."""
    for signature, name in BINARY_SIGNATURES.items():
        if data.startswith(signature):
            return name
    sample = data[:SNIFF_BYTES]
    if not sample or sample.startswith(BOMS[3][0]) or sample.startswith(BOMS[4][0]):
        return None
    controls = len(sample) - len(sample.translate(None, CONTROL_BYTES))
    return "binary data" if controls > len(sample) // 10 else None


def declared_encoding(data: bytes) -> str | None:
    """The encoding a `<meta>` tag declares, normalized to a Python codec name."""
    match = META_CHARSET.search(data[:SNIFF_BYTES * 4])
    if not match:
        return None
    try:
        name = codecs.lookup(match.group(1).decode("ascii", "replace")).name
    except LookupError:
        return None
    return WIDER_ENCODING.get(name, name)


def decode(data: bytes) -> Decoded:
    """Decode raw page bytes: BOM, then `<meta charset>`, then strict UTF-8, then a detector;
    NUL characters are dropped (HTML parsers drop them anyway) and said so."""
    decoded = _decode(data)
    if decoded.encoding in NUL_IS_A_ZERO_BYTE and b"\x00" not in data:
        return decoded  # `bytes` finds a byte at memory speed, `str.count` decodes every character
    count = decoded.text.count("\x00")
    if count:
        decoded.text = decoded.text.replace("\x00", "")
        decoded.diagnostics.append(diagnostic(
            "decode.nul_characters", f"{count} NUL character(s) removed from the text"))
    return decoded


def _decode(data: bytes) -> Decoded:
    diagnostics: list[Diagnostic] = []
    for bom, name in BOMS:
        if data.startswith(bom):
            text = data[len(bom):].decode(name, "replace")
            return Decoded(text, name, looks_like_html(text), _replaced(text, name))
    declared = declared_encoding(data)
    candidates = [declared] if declared else []
    candidates += [enc for enc in ("utf-8", "gb18030") if enc not in candidates]
    for name in candidates:
        try:
            text = data.decode(name)
        except UnicodeDecodeError as error:
            if error.end == len(data) and error.start >= len(data) - 4:  # gb18030 says "incomplete"
                # Cut off in the middle of the last character: keep the encoding, mark the loss.
                text = data.decode(name, "replace")
                diagnostics.append(diagnostic(
                    "decode.truncated", f"the input ends inside a {name} character"))
                return Decoded(text, name, looks_like_html(data), diagnostics)
            if name == declared:
                diagnostics.append(diagnostic(
                    "decode.declared_encoding_wrong",
                    f"the page declares {declared} but its bytes are not {declared}"))
            continue
        if name != candidates[0] or (declared is None and name != "utf-8"):
            diagnostics.append(diagnostic("decode.fallback_encoding", f"decoded as {name}", "info"))
        return Decoded(text, name, looks_like_html(data), diagnostics)
    return _detect(data, diagnostics)


def _detect(data: bytes, diagnostics: list[Diagnostic]) -> Decoded:
    """Last resort: ask charset-normalizer, else UTF-8 with replacement characters."""
    from charset_normalizer import from_bytes  # imported lazily: only damaged pages pay for it

    best = from_bytes(data[: 1 << 20]).best()
    name = codecs.lookup(best.encoding).name if best is not None else "utf-8"
    name = WIDER_ENCODING.get(name, name)
    text = data.decode(name, "replace")
    diagnostics.append(diagnostic("decode.fallback_encoding", f"no clean decoding found; guessed {name}"))
    return Decoded(text, name, looks_like_html(data), diagnostics + _replaced(text, name))


def _replaced(text: str, encoding: str) -> list[Diagnostic]:
    count = text.count("\ufffd")
    if not count:
        return []
    return [diagnostic("decode.replacement_characters",
                       f"{count} byte sequence(s) could not be decoded as {encoding} and became U+FFFD")]
