"""Regenerate src/briefing_parser/data/encodings.tsv from the WHATWG Encoding Standard's encodings.json."""

from __future__ import annotations

import codecs
import json
import pathlib
import sys

OUT = pathlib.Path(__file__).parents[1] / "src" / "briefing_parser" / "data" / "encodings.tsv"
# The Python codec that decodes each encoding of the standard as browsers do: GBK pages are decoded as
# GB18030 (its superset, as the standard's GBK decoder is), Big5 with the Hong Kong extensions, Shift_JIS
# and EUC-KR as Windows' code pages. No codec: the encoding is no text a page can be read in (the
# `replacement` encoding of HZ and ISO-2022-KR/CN labels; x-user-defined, which `<meta>` cannot declare).
CODECS = {
    "utf-8": "utf-8", "ibm866": "cp866", "koi8-r": "koi8-r", "koi8-u": "koi8-u", "macintosh": "mac-roman",
    "x-mac-cyrillic": "mac-cyrillic", "iso-8859-8-i": "iso8859-8", "windows-874": "cp874",
    "gbk": "gb18030", "gb18030": "gb18030", "big5": "big5hkscs", "euc-jp": "euc-jp", "iso-2022-jp": "iso2022-jp",
    "shift_jis": "cp932", "euc-kr": "cp949", "utf-16be": "utf-16-be", "utf-16le": "utf-16-le",
    "replacement": "", "x-user-defined": "",
    **{f"iso-8859-{n}": f"iso8859-{n}" for n in (2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15, 16)},
    **{f"windows-{n}": f"cp{n}" for n in range(1250, 1259)},
}


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit("usage: make_encoding_labels.py PATH/TO/encodings.json")
    groups = json.loads(pathlib.Path(sys.argv[1]).read_text("utf-8"))
    rows = []
    for group in groups:
        for encoding in group["encodings"]:
            name = encoding["name"]
            codec = CODECS[name] and codecs.lookup(CODECS[name]).name  # KeyError: a new encoding to map
            rows += [(label, name, codec) for label in encoding["labels"]]
    OUT.write_text("label\tencoding\tcodec\n" + "".join("\t".join(row) + "\n" for row in sorted(rows)), "utf-8")
    print(f"wrote {len(rows)} labels to {OUT}")


if __name__ == "__main__":
    main()
