"""Page to text: the transcript container rendered line by line with offsets, chrome kept as plain lines."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

# Elements whose content is never page text.
SKIPPED_TAGS = ("script", "style", "noscript", "template", "object", "embed", "iframe", "video", "audio",
                "svg", "canvas", "select", "textarea", "head")
# Elements that end a line where they open and where they close.
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "center", "dd", "details", "dialog", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "li", "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "ul", "caption",
})
# Runs of HTML white space collapse to one space; NBSP (&nbsp;) and U+3000 are kept: they are text.
HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
# Where the article heading sits: MFA zh `#News_Body_Title`, MFA en `h2.title`, most CMS an `<h1>`.
TITLE_SELECTORS = ("#News_Body_Title", "h1", "h2.title", ".article-title", ".title")
# ` — 中华人民共和国外交部`, `_泰安新闻发布`, ` - 新华网`: the site name after the title.
SITE_NAME_SUFFIX = re.compile(r"\s*(?:[_|｜]| [—–-]{1,2} )[^_|｜—–]{2,30}$")


@dataclass
class PageImage:
    """An `<img>` of the transcript, placed in the text as its file name."""

    filename: str
    src: str | None
    alt: str | None
    span: tuple[int, int]


@dataclass
class Page:
    """The text of a page and what extraction learned about it; `content` is the transcript's region."""

    text: str
    content: tuple[int, int]
    is_html: bool = False
    title: str | None = None
    meta: dict[str, str] = field(default_factory=dict)
    images: list[PageImage] = field(default_factory=list)


def normalize_text(text: str) -> str:
    """Plain-text input: unify line ends and drop a BOM; nothing else changes."""
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def from_text(text: str) -> Page:
    """A plain-text page: all of it is content."""
    text = normalize_text(text)
    return Page(text=text, content=(0, len(text)))


def extract(html: str, container_selectors: Sequence[str] = ()) -> Page:
    """Render an HTML page: text before the transcript container, the container, text after it."""
    tree = LexborHTMLParser(html)
    title_node = tree.css_first("title")
    title = _clean_line(title_node.text()) if title_node is not None else None
    meta = {
        (node.attributes.get("name") or node.attributes.get("property") or "").lower(): node.attributes.get("content") or ""
        for node in tree.css("meta[content]")
        if node.attributes.get("name") or node.attributes.get("property")
    }
    title = _heading(tree) or _strip_site_name(title)
    tree.strip_tags(list(SKIPPED_TAGS))
    body = tree.body
    if body is None:
        return Page(text="", content=(0, 0), is_html=True, title=title, meta=meta)
    container = find_container(tree, container_selectors) or body
    renderer = _Renderer(container)
    renderer.render(body)
    text = renderer.text()
    start, end = renderer.content
    # The content region starts at a line start and holds no trailing line end.
    end = max(start, min(end, len(text)))
    while end > start and text[end - 1] == "\n":
        end -= 1
    return Page(text=text, content=(start, end), is_html=True, title=title, meta=meta,
                images=[img for img in renderer.images if start <= img.span[0] < end])


def find_container(tree: LexborHTMLParser, selectors: Sequence[str]) -> LexborNode | None:
    """The element that holds the transcript: a known selector, else the parent of most paragraph text."""
    for selector in selectors:
        node = tree.css_first(selector)
        if node is not None and len(node.text(strip=True)) >= 20:
            return node
    scores: dict[int, tuple[int, LexborNode]] = {}
    for paragraph in tree.css("p"):
        parent = paragraph.parent
        if parent is None:
            continue
        score, _ = scores.get(parent.mem_id, (0, parent))
        scores[parent.mem_id] = (score + len(paragraph.text(strip=True)), parent)
    if not scores:
        return None
    best_score, best = max(scores.values(), key=lambda item: item[0])
    return best if best_score >= 200 else None


def _heading(tree: LexborHTMLParser) -> str | None:
    """The article heading, which is cleaner than `<title>` (no site name)."""
    for selector in TITLE_SELECTORS:
        node = tree.css_first(selector)
        if node is not None:
            heading = _clean_line(node.text(separator=" "))
            if heading:
                return heading
    return None


def _strip_site_name(title: str | None) -> str | None:
    """`…新闻发布会实录_泰安新闻发布` → `…新闻发布会实录`; `… — 中华人民共和国外交部` likewise."""
    if not title:
        return None
    return SITE_NAME_SUFFIX.sub("", title) or title


def image_filename(src: str | None, alt: str | None) -> str:
    """The file name of an image source (`./W020190102611867770996.jpg` → `W020190102611867770996.jpg`)."""
    if src:
        name = posixpath.basename(unquote(urlsplit(src.strip()).path))
        if name:
            return name
    return (alt or "").strip() or "image"


def _clean_line(line: str) -> str:
    return HTML_SPACE.sub(" ", line).strip(" ")


class _Renderer:
    """Depth-first walk of the body that writes lines, notes where each image lands and where the
    transcript container begins and ends."""

    def __init__(self, container: LexborNode) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.at_line_start = True
        self.images: list[PageImage] = []
        self.container_id = container.mem_id
        self.content = (0, 0)
        self.inside = False  # images count only inside the container; logos and icons do not

    def render(self, root: LexborNode) -> None:
        # An explicit stack instead of recursion: 100,000 nested tags must not overflow.
        stack: list[tuple[LexborNode, bool]] = [(root, False)]
        while stack:
            node, closing = stack.pop()
            tag = node.tag
            if closing:
                self.newline()
                if node.mem_id == self.container_id:
                    self.content = (self.content[0], self.length)
                    self.inside = False
                continue
            if tag == "-text":
                self.write(node.text_content or "")
                continue
            if tag == "br":
                self.newline(force=True)
                continue
            if tag == "img":
                if self.inside:
                    self.image(node)
                continue
            if node.mem_id == self.container_id:
                self.newline()
                self.content = (self.length, self.length)
                self.inside = True
                stack.append((node, True))
            elif tag in BLOCK_TAGS:
                self.newline()
                stack.append((node, True))
            children = []
            child = node.child
            while child is not None:
                children.append(child)
                child = child.next
            stack.extend((c, False) for c in reversed(children))

    def write(self, text: str) -> None:
        text = HTML_SPACE.sub(" ", text)
        if self.at_line_start:
            text = text.lstrip(" ")
        if not text:
            return
        self.parts.append(text)
        self.length += len(text)
        self.at_line_start = False

    def newline(self, force: bool = False) -> None:
        if self.parts and self.parts[-1].endswith(" "):
            last = self.parts[-1].rstrip(" ")
            self.length -= len(self.parts[-1]) - len(last)
            self.parts[-1] = last
        if self.at_line_start and not force:
            return
        if not self.parts:
            return
        self.parts.append("\n")
        self.length += 1
        self.at_line_start = True

    def image(self, node: LexborNode) -> None:
        attrs = node.attributes
        src = attrs.get("src") or attrs.get("oldsrc") or attrs.get("data-src")
        alt = attrs.get("alt")
        name = image_filename(src, alt)
        self.newline()
        start = self.length
        self.parts.append(name)
        self.length += len(name)
        self.images.append(PageImage(name, src, alt, (start, self.length)))
        self.at_line_start = False
        self.newline()

    def text(self) -> str:
        return "".join(self.parts).rstrip("\n")
