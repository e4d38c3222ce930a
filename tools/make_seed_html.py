"""Render the reference page's text as a typical government CMS article page (UTF-8 and GBK), and in five
templates that press offices use for live text, each putting the marker's date, time and speaker where
such pages do:
  live   a live-blog item: <span class="date">, <span class="time">, <span class="name"> above the words
  table  a table row: date and time in one cell (<br> between), the speaker in the next, the words in a third
  strong the time and speaker in <strong> with a colon, the words after it in the same paragraph
  bold   the date, time and speaker in <b> without a colon, the words right after it
  clock  the time alone with a full-width colon and an ideographic space: 10：00　主持人

The output files are committed under tests/fixtures/; run this again only when a template should
change:  python tools/make_seed_html.py
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).parents[1]
SEED = ROOT / "tests" / "fixtures" / "taian-2023-03-31.txt"
IMAGE = re.compile(r"(微信图片_\d+\.jpg)")
MARKER = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})\u00a0 (?P<time>\d{2}:\d{2})\u00a0+ (?P<name>\S+)$")
IMAGE_LINE = re.compile(r"^\s*(微信图片_\d+\.jpg)\s*$")

TEMPLATE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<meta name="keywords" content="新闻发布会,科技局">
<meta name="publishdate" content="2023-03-31">
<title>{title}_泰安新闻发布</title>
<link rel="stylesheet" href="/css/style.css">
<script type="text/javascript">document.charset='{charset}'; var _hmt = _hmt || [];</script>
<style>.article p {{ text-indent: 2em; }} .hidden {{ display: none; }}</style>
</head>
<body>
<div class="top-bar"><a href="/">首页</a> · <a href="/fbh/">新闻发布</a> · <a href="/zb/">直播回放</a> · \
<a href="/wz/">网站导航</a></div>
<div class="header"><img src="/images/logo.png" alt="泰安新闻发布"><span class="slogan">权威发布 · 政务公开</span></div>
<div class="crumb">{breadcrumb}</div>
<div class="main">
<h1 class="title">{title}</h1>
<div class="info">{dateline}</div>
<div class="editor">责任编辑：王堃　审核：朱镕</div>
<div class="article-content" id="zoom">
{body}
</div>
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a></div>
</div>
<script>
var zoom = document.getElementById("zoom");
if (zoom) {{ zoom.style.fontSize = "16px"; }}
</script>
<div class="footer">
<p>{footer1}</p>
<p>{footer2}</p>
</div>
</body>
</html>
"""


def paragraph(line: str) -> str:
    """A text line as a `<p>`; an image name as an `<img>` in a centred paragraph of its own."""
    parts = []
    for piece in IMAGE.split(line):
        if IMAGE.fullmatch(piece):
            src = f"/uploadfiles/202303/{piece}"
            parts.append(f'</p>\n<p style="text-align:center"><img src="{src}" border="0" '
                         f'OLDSRC="{piece}" _fcksavedurl="{src}"></p>\n<p>')
        elif piece.strip():
            parts.append(html.escape(piece).replace("\u00a0", "&nbsp;"))
    return f"<p>{''.join(parts)}</p>".replace("<p></p>", "").replace("<p>\n", "\n")


def render(text: str, charset: str) -> str:
    lines = text.split("\n")
    breadcrumb, title, dateline = lines[0], lines[1], lines[2]
    footer = [line for line in lines if "Powered by" in line or "ICP" in line]
    start = lines.index("图文直播——")
    stop = lines.index(footer[0])
    body = []
    for line in lines[start:stop]:
        if not line.strip():
            continue
        if MARKER.match(line):
            body.append(f"<p><strong>{line.replace(chr(0xA0), '&nbsp;')}</strong></p>")
        else:
            body.append(paragraph(line))
    crumbs = [f'<a href="#">{html.escape(c.strip())}</a>' for c in breadcrumb.split(">")]
    return TEMPLATE.format(
        charset=charset, title=html.escape(title), breadcrumb="&gt; ".join(crumbs),
        dateline=html.escape(dateline), body="\n".join(body),
        footer1=html.escape(footer[0]), footer2=html.escape(footer[1]),
    )


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
        if image := IMAGE_LINE.match(line):
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
    first = next(i for i, line in enumerate(words) if line.strip() and not IMAGE_LINE.match(line))
    head = (f'<p><strong>{entry["time"]} {html.escape(entry["name"])}：</strong>'
            f"{html.escape(words[first].strip())}</p>")
    return "\n".join([paragraphs(words[:first]), head, paragraphs(words[first + 1:])]).strip()


def bold(entry: re.Match[str], words: list[str]) -> str:
    first = next(i for i, line in enumerate(words) if line.strip() and not IMAGE_LINE.match(line))
    head = (f'<p><b>{entry["date"]} {entry["time"]} {html.escape(entry["name"])}</b>'
            f"{html.escape(words[first].strip())}</p>")
    return "\n".join([paragraphs(words[:first]), head, paragraphs(words[first + 1:])]).strip()


def clock(entry: re.Match[str], words: list[str]) -> str:
    hour, minute = entry["time"].split(":")
    return f'<p class="stamp">{hour}：{minute}\u3000{html.escape(entry["name"])}</p>\n{paragraphs(words)}'


TEMPLATES: dict[str, tuple[Callable[[re.Match[str], list[str]], str], str, str]] = {
    "live": (live, '<div class="live">', "</div>"),
    "table": (table, '<table class="live-table">', "</table>"),
    "strong": (strong, "", ""),
    "bold": (bold, "", ""),
    "clock": (clock, "", ""),
}


def render_live(text: str, template: str) -> str:
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
    utf8 = render(text, "utf-8")
    gbk = render(text, "gb2312")
    (ROOT / "tests" / "fixtures" / "taian-2023-03-31.html").write_bytes(utf8.encode("utf-8"))
    # GBK bytes labelled gb2312, with characters outside GB2312 (堃, 镕, ·): a strict gb2312
    # decoder, or lxml, stops at the first of them.
    (ROOT / "tests" / "fixtures" / "taian-2023-03-31.gbk.html").write_bytes(gbk.encode("gbk"))
    for name in TEMPLATES:
        path = ROOT / "tests" / "fixtures" / f"taian-2023-03-31.{name}.html"
        path.write_text(render_live(text, name), encoding="utf-8")


if __name__ == "__main__":
    main()
