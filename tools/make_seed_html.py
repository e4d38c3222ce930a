"""Render the reference page's text as a typical government CMS article page (UTF-8 and GBK).

The output files are committed under tests/fixtures/; run this again only when
the page template should change:  python tools/make_seed_html.py
"""

from __future__ import annotations

import html
import re
from pathlib import Path

ROOT = Path(__file__).parents[1]
SEED = ROOT / "tests" / "fixtures" / "taian-2023-03-31.txt"
MARKER = re.compile(r"^\d{4}-\d{2}-\d{2}\u00a0 \d{2}:\d{2}\u00a0+ \S+$")
IMAGE = re.compile(r"(微信图片_\d+\.jpg)")

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


def main() -> None:
    text = SEED.read_text(encoding="utf-8")
    utf8 = render(text, "utf-8")
    gbk = render(text, "gb2312")
    (ROOT / "tests" / "fixtures" / "taian-2023-03-31.html").write_bytes(utf8.encode("utf-8"))
    # GBK bytes labelled gb2312, with characters outside GB2312 (堃, 镕, ·): a strict gb2312
    # decoder, or lxml, stops at the first of them.
    (ROOT / "tests" / "fixtures" / "taian-2023-03-31.gbk.html").write_bytes(gbk.encode("gbk"))


if __name__ == "__main__":
    main()
