"""Write src/briefing_parser/data/traditional.tsv: each traditional Han character and its simplified form.

Read from OpenCC's character table (`pip install opencc`, a tool dependency only): every character of
U+3400–U+9FFF that OpenCC's t2s converts, on its own, to one other character. The parser folds labels
and word lists with it (記者 → 记者); it never changes a page's text.
"""

from __future__ import annotations

from pathlib import Path

import opencc

OUT = Path(__file__).parents[1] / "src" / "briefing_parser" / "data" / "traditional.tsv"


def main() -> None:
    converter = opencc.OpenCC("t2s")
    rows = []
    for code in range(0x3400, 0xA000):
        char = chr(code)
        simple = converter.convert(char)
        if len(simple) == 1 and simple != char:
            rows.append(f"{char}\t{simple}\n")
    OUT.write_text("".join(rows), encoding="utf-8")
    print(f"{len(rows)} characters → {OUT}")


if __name__ == "__main__":
    main()
