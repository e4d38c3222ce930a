"""Bytes to text: our own encoding sniff, with charset-normalizer as the last resort."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

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
# What HTML makes of an encoding that a `<meta>` names: bytes that can spell the tag are no UTF-16
# (browsers read `<meta charset=utf-16>` as UTF-8), and x-user-defined is read as windows-1252.
META_ENCODING = {"utf-16le": "utf-8", "utf-16be": "utf-8", "x-user-defined": "cp1252"}
# The markup that makes a text HTML: a document element anywhere in its first characters
# (<!DOCTYPE html>, <html>, <head>, <body>, <meta>, <title>), or a tag to open it (<div class=…>, <!-- …),
# or tags of the body throughout (<p>…</p><br>); a stray tag in plain text (…<br>…) is no page.
DOCUMENT_SIGNS = re.compile(r"<(?:!doctype\s+html|html|head|body|meta|title)\b", re.IGNORECASE)
MARKUP_OPENING = re.compile(r"\s*<[!?A-Za-z]")
BODY_SIGNS = re.compile(r"</?(?:div|p|br|table|span)\b", re.IGNORECASE)
LEAST_BODY_SIGNS = 4
SNIFF_BYTES = 4096  # of bytes (binary data) and of characters (HTML)
# C0 controls other than tab, line ends and form feed: text has next to none of them.
CONTROL_BYTES = bytes([*range(0, 9), *range(14, 32)])
# The same as characters, with DEL and the C1 controls: what a wrong single-byte encoding makes of
# another's letters (iso-8859-2 reads windows-1252's “ as U+0093).
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
BINARY_SIGNATURES = {
    b"\x89PNG": "a PNG image", b"%PDF": "a PDF document", b"GIF8": "a GIF image", b"\xff\xd8\xff": "a JPEG image",
    b"PK\x03\x04": "a ZIP archive", b"\x1f\x8b": "gzip data", b"\x7fELF": "an executable",
}
# Characters that show nothing and mean nothing in a page's text, but split its words: zero-width space,
# non-joiner and joiner, word joiner, and U+FEFF (a byte order mark, or a zero-width no-break space).
# 主\u200b持人 is the label 主持人.
INVISIBLE = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass
class Decoded:
    """Text decoded from input bytes, and how."""

    text: str
    encoding: str
    is_html: bool
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # The input bytes when the text is their strict UTF-8 decoding as it is (no BOM, nothing dropped):
    # the HTML parser, which reads UTF-8, takes them rather than the text encoded again.
    utf8: bytes | None = None


def looks_like_html(text: str) -> bool:
    """True when the first characters of the text carry HTML markup."""
    head = text[:SNIFF_BYTES]
    return (MARKUP_OPENING.match(head) is not None or DOCUMENT_SIGNS.search(head) is not None
            or len(BODY_SIGNS.findall(head)) >= LEAST_BODY_SIGNS)


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


@cache
def encoding_labels() -> dict[str, tuple[str, str]]:
    """The WHATWG Encoding Standard's labels → (its encoding, the Python codec that decodes it, '' for none),
    from our data file (tools/make_encoding_labels.py): gb2312 → (gbk, gb18030), latin1 → (windows-1252, cp1252)."""
    table = {}
    data = resources.files(__package__).joinpath("data/encodings.tsv").read_text("utf-8")
    for row in data.splitlines()[1:]:
        label, encoding, codec = row.split("\t")
        table[label] = (encoding, codec)
    return table


def codec_of(label: str) -> str | None:
    """The codec that decodes an encoding label as browsers do (None: no label of the standard, or one
    of an encoding no text is read in). Python's own codec names do not count: rot13 or base64 are none."""
    encoding, codec = encoding_labels().get(label.strip("\t\n\f\r ").lower(), ("", ""))
    return META_ENCODING.get(encoding, codec) or None


def declared_encoding(data: bytes) -> tuple[str | None, str | None]:
    """The label a `<meta>` tag declares, and the codec that decodes it (None: none declared, or not known)."""
    match = META_CHARSET.search(data[:SNIFF_BYTES * 4])
    if not match:
        return None, None
    label = match.group(1).decode("ascii")
    return label, codec_of(label)


def decode(data: bytes | str) -> Decoded:
    """The text of a page given as bytes or as str, by one path: bytes are decoded (BOM, then `<meta
    charset>`, then strict UTF-8 and GB18030, then a detector), and the text of either is cleaned alike
    (lone surrogates replaced, NUL and invisible characters dropped) before HTML is sniffed in it."""
    decoded = Decoded(data, "utf-8", False) if isinstance(data, str) else _decode(data)
    text, diagnostics = decoded.text, decoded.diagnostics
    if isinstance(data, str) and not text.isascii():
        try:
            text.encode("utf-8")  # fails on lone surrogates alone
        except UnicodeEncodeError:
            text, count = LONE_SURROGATE.subn("\ufffd", text)
            diagnostics.append(diagnostic(
                "decode.lone_surrogates", f"{count} lone surrogate(s), which are no text, became U+FFFD"))
    count = text.count("\x00") if _may_hold_nul(data, decoded.encoding, text) else 0
    if count:
        text = text.replace("\x00", "")
        diagnostics.append(diagnostic("decode.nul_characters", f"{count} NUL character(s) removed from the text"))
    for invisible in INVISIBLE:
        if invisible in text:
            text = text.replace(invisible, "")
    utf8 = decoded.utf8 if text is decoded.text else None  # each cleaning above makes a new text
    return Decoded(text, decoded.encoding, looks_like_html(text), diagnostics, utf8)


def _may_hold_nul(data: bytes | str, encoding: str, text: str) -> bool:
    """Whether the text may hold NUL (False: it holds none), so most pages skip `count`."""
    # Decoded from UTF-8, a NUL comes from a 0 byte (an error becomes U+FFFD): the bytes are searched at
    # memory speed. A search of the text is slow past Latin-1: the 0 byte it skips to is half of every
    # ASCII character there.
    if isinstance(data, bytes) and encoding == "utf-8":
        return b"\x00" in data
    return "\x00" in text


def _decode(data: bytes) -> Decoded:
    diagnostics: list[Diagnostic] = []
    for bom, name in BOMS:
        if data.startswith(bom):
            text = data[len(bom):].decode(name, "replace")
            return Decoded(text, name, False, _replaced(text, name))
    label, declared = declared_encoding(data)
    if label is not None and declared is None:
        diagnostics.append(diagnostic(
            "decode.unknown_encoding", f"the page declares the encoding {label!r}, which browsers do not decode "
            "pages in; ignored"))
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
                return Decoded(text, name, False, diagnostics)
            if name == declared:
                diagnostics.append(diagnostic(
                    "decode.declared_encoding_wrong",
                    f"the page declares {declared} but its bytes are not {declared}"))
            continue
        if name != candidates[0] or (declared is None and name != "utf-8"):
            diagnostics.append(diagnostic("decode.fallback_encoding", f"decoded as {name}", "info"))
        return Decoded(text, name, False, diagnostics + _implausible(data, text, name),
                       data if name == "utf-8" else None)
    return _detect(data, diagnostics)


def _detect(data: bytes, diagnostics: list[Diagnostic]) -> Decoded:
    """Last resort: ask charset-normalizer, else UTF-8 with replacement characters. Only encodings of the
    standard count, and of equally good guesses windows-1252 wins: browsers fall back to it for Latin text,
    and a Windows-1252 page (naïve) reads as well in windows-1250 to a detector (naďve)."""
    from charset_normalizer import from_bytes  # imported lazily: only damaged pages pay for it

    guesses = [(match.chaos, -match.coherence, codec != "cp1252", codec) for match in from_bytes(data[: 1 << 20])
               if (codec := _codec_of_guess(match.encoding))]
    name = min(guesses)[3] if guesses else "utf-8"
    text = data.decode(name, "replace")
    diagnostics.append(diagnostic("decode.fallback_encoding", f"no clean decoding found; guessed {name}"))
    return Decoded(text, name, False, diagnostics + _replaced(text, name) + _implausible(data, text, name))


def _codec_of_guess(name: str) -> str | None:
    """The codec for a detector's guess (a Python codec name): as a label of the standard (gb2312 → gb18030),
    else as a codec the standard's encodings use (cp949), else none (cp775, mac_latin2)."""
    python_name = codecs.lookup(name).name
    codec = codec_of(python_name)
    if codec is None and python_name in {codec for _, codec in encoding_labels().values()}:
        codec = python_name
    return codec


def _implausible(data: bytes, text: str, encoding: str) -> list[Diagnostic]:
    """A warning for text that decoded without error but is unlikely to be the page's: control characters
    (a wrong single-byte encoding), or UTF-8 read in a single-byte encoding (é as Ã©)."""
    if encoding == "utf-8":
        return []
    sample = text[:SNIFF_BYTES * 16]
    controls = len(CONTROL_CHARACTERS.findall(sample))
    if controls * 100 > len(sample):
        why = f"{controls} of its first {len(sample)} characters are control characters"
    elif len(text) == len(data) and not data.isascii() and _is_utf8(data):  # one character a byte: single-byte
        why = "its bytes are UTF-8"
    else:
        return []
    return [diagnostic("decode.implausible_text", f"decoded as {encoding}, the text is likely garbled: {why}")]


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _replaced(text: str, encoding: str) -> list[Diagnostic]:
    count = text.count("\ufffd")
    if not count:
        return []
    return [diagnostic("decode.replacement_characters",
                       f"{count} byte sequence(s) could not be decoded as {encoding} and became U+FFFD")]
