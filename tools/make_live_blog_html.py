"""Render the reference page's text in four more page templates that press offices use for live text.

Each template puts the marker's date, time and speaker where such pages do:
  live   a live-blog item: <span class="date">, <span class="time">, <span class="name"> above the words
  table  a table row: the date and time in one cell (<br> between), the speaker in the next, the words in a third
  strong the time and speaker in <strong> with a colon, the words after it in the same paragraph
  clock  the time alone with a full-width colon and an ideographic space: 10：00　主持人
The output files are committed under tests/fixtures/; run this again only when a template should
change:  python tools/make_live_blog_html.py
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).parents[1]
SEED = ROOT / "tests" / "fixtures" / "taian-2023-03-31.txt"
MARKER = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})\u00a0 (?P<time>\d{2}:\d{2})\u00a0+ (?P<name>\S+)$")
IMAGE = re.compile(r"^\s*(微信图片_\d+\.jpg)\s*$")

PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="publishdate" content="2023-03-31">
<title>{title}_泰安新闻发布</title>
</head>
<body>
<div class="nav"><a href="/">首页</a> <a href="/fbh/">新闻发布</a> <a href="/zb/">直播回放</a></div>
<div class="crumb">{breadcrumb}</div>
<h1>{title}</h1>
<div class="info">{dateline}</div>
<div class="article-content" id="zoom">
{body}
</div>
<div class="footer"><p>{footer1}</p><p>{footer2}</p></div>
</body>
</html>
"""


def paragraphs(lines: list[str]) -> str:
    """The words of one entry as paragraphs, an image as an `<img>` of its own."""
    out = []
    for line in lines:
        if image := IMAGE.match(line):
            out.append(f'<p style="text-align:center"><img src="/uploadfiles/202303/{image[1]}"></p>')
        elif line.strip():
            out.append(f"<p>{html.escape(line.strip())}</p>")
    return "\n".join(out)


def live(entry: re.Match[str], words: list[str]) -> str:
    return (f'<div class="live-item">\n<div class="live-head"><span class="date">{entry["date"]}</span> '
            f'<span class="time">{entry["time"]}</span> <span class="name">{html.escape(entry["name"])}</span></div>\n'
            f'<div class="live-text">\n{paragraphs(words)}\n</div>\n</div>')


def table(entry: re.Match[str], words: list[str]) -> str:
    return (f'<tr><td class="time">{entry["date"]}<br>{entry["time"]}</td>'
            f'<td class="speaker">{html.escape(entry["name"])}</td>\n'
            f'<td class="words">\n{paragraphs(words)}\n</td></tr>')


def strong(entry: re.Match[str], words: list[str]) -> str:
    first = next(i for i, line in enumerate(words) if line.strip() and not IMAGE.match(line))
    head = (f'<p><strong>{entry["time"]} {html.escape(entry["name"])}：</strong>'
            f"{html.escape(words[first].strip())}</p>")
    return "\n".join([paragraphs(words[:first]), head, paragraphs(words[first + 1:])]).strip()


def clock(entry: re.Match[str], words: list[str]) -> str:
    hour, minute = entry["time"].split(":")
    return f'<p class="stamp">{hour}：{minute}\u3000{html.escape(entry["name"])}</p>\n{paragraphs(words)}'


TEMPLATES: dict[str, tuple[Callable[[re.Match[str], list[str]], str], str, str]] = {
    "live": (live, '<div class="live">', "</div>"),
    "table": (table, '<table class="live-table">', "</table>"),
    "strong": (strong, "", ""),
    "clock": (clock, "", ""),
}


def render(text: str, template: str) -> str:
    lines = text.split("\n")
    breadcrumb, title, dateline = lines[0], lines[1], lines[2]
    footer = [line for line in lines if "Powered by" in line or "ICP" in line]
    body_lines = lines[lines.index("图文直播——") + 1:lines.index(footer[0])]
    entry_of, before, after = TEMPLATES[template]
    entries: list[tuple[re.Match[str], list[str]]] = []
    for line in body_lines:
        if marker := MARKER.match(line):
            entries.append((marker, []))
        elif entries:
            entries[-1][1].append(line)
    body = "\n".join([before, *(entry_of(m, words) for m, words in entries), after]).strip()
    return PAGE.format(title=html.escape(title), breadcrumb=html.escape(breadcrumb), dateline=html.escape(dateline),
                       body=body, footer1=html.escape(footer[0]), footer2=html.escape(footer[1]))


def main() -> None:
    text = SEED.read_text(encoding="utf-8")
    for name in TEMPLATES:
        (ROOT / "tests" / "fixtures" / f"taian-2023-03-31.{name}.html").write_text(render(text, name), encoding="utf-8")


if __name__ == "__main__":
    main()
