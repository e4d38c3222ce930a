"""Page to text: the body in document order, blocks as lines, images as file names, the transcript located."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .bounds import MOST_ATTRIBUTES, MOST_DEPTH, MOST_OPTIONS, bound_attributes, bound_depth

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


def _tag_ids(names: frozenset[str]) -> frozenset[int]:
    """Lexbor's numbers for tag names: fixed for the tags it knows (all HTML tags, as `div`, `li`)."""
    probe = LexborHTMLParser("")
    return frozenset(probe.create_node(name).tag_id for name in names)


# The same as numbers, which the walks over every element read without decoding a name.
SKIPPED_TAG_IDS = _tag_ids(frozenset(SKIPPED_TAGS))
BLOCK_TAG_IDS = _tag_ids(BLOCK_TAGS)
# Runs of HTML white space collapse to one space; NBSP (&nbsp;) and U+3000 are kept: they are text.
HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
# Break marks written into the tree before one C-level `text()` call; Unicode noncharacters,
# which pages do not carry (any that do are replaced first).
SOFT_BREAK, HARD_BREAK, IMAGE_MARK, CONTENT_START, CONTENT_END = "\ufdd0", "\ufdd1", "\ufdd2", "\ufdd3", "\ufdd4"
ALL_MARKS = (SOFT_BREAK, HARD_BREAK, IMAGE_MARK, CONTENT_START, CONTENT_END)
SENTINEL_CHARS = re.compile("[\ufdd0-\ufdd4]")
# What goes into the tree, as UTF-8 (the C side takes bytes as they are). An image is a line of its
# own, and the container's edges end a line as a block edge does; their block edges are written
# with them. (A block edge after a content mark adds nothing: it follows no text. It is there so
# that every mark but `<br>` stands between block edges, and white space next to a mark is then
# white space next to a block edge or a `<br>`.)
BLOCK_EDGE = SOFT_BREAK.encode()
LINE_BREAK = HARD_BREAK.encode()
IMAGE_LINE = (SOFT_BREAK + IMAGE_MARK + SOFT_BREAK).encode()
CONTENT_OPENING = (SOFT_BREAK + CONTENT_START + SOFT_BREAK).encode()
CONTENT_CLOSING = (SOFT_BREAK + CONTENT_END + SOFT_BREAK).encode()
# A block edge or a `<br>` swallows the white space and the block edges after it: white space next
# to a line break is not text, and a block edge after another or after a `<br>` adds nothing
# (`x\ufdd0\n  \ufdd0y` → `x\ufdd0y`, `x\ufdd1 \ufdd0y` → `x\ufdd1y`). The patterns start with the
# literal mark so `re` skips to it; one match per run rather than one per mark and space.
SOFT_RUN = re.compile("\ufdd0[ \t\n\r\f\ufdd0]+")
HARD_RUN = re.compile("\ufdd1[ \t\n\r\f\ufdd0]+")
SPACE_RUN = re.compile("  +")
EDGE_BREAKS = "\n\ufdd3\ufdd4"  # line ends and content marks, at the start or end of the text
# Bold text: MFA pages set questions in bold, `<B><SPAN>追问：…</SPAN></B>`, `<strong>Q: …</strong>`.
EMPHASIS_TAGS = frozenset({"b", "strong"})
EMPHASIS_TAG_IDS = _tag_ids(EMPHASIS_TAGS)
EMPHASIS = "b, strong"
INNER_EMPHASIS = "b b, b strong, strong b, strong strong"  # a bold element inside another
# An image source that is a path and nothing else, as MFA's `./W020190102611867770996.jpg` (no
# scheme, host, query, fragment or escapes), is its own URL path: no URL parsing.
PLAIN_PATH = re.compile(r"(?!//)[\w./-]+")
# Any other source is read as RFC 3986 reads any URI reference (its appendix B), which never fails;
# `urlsplit` raises on a bracketed host that is no IPv6 address (http://[IMAGE_URL]/a.jpg, https://a]b/c.jpg).
URL_PATH = re.compile(r"(?:[^:/?#]+:)?(?://[^/?#]*)?(?P<path>[^?#]*)")
# The line ends of plain text besides `\n`: CR LF, CR, and the others `str.splitlines` takes (VT, FF, the
# file, group and record separators, NEL, U+2028, U+2029), CR LF first.
LINE_ENDS = ("\r\n", "\r", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")
# Where the article heading sits on most CMS pages, after the selectors of the site profiles.
TITLE_SELECTORS = ("h1", ".article-title", ".title")
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
    problems: list[tuple[str, str]] = field(default_factory=list)  # (diagnostic code, message)
    # Ranges of bold text (`<b>`, `<strong>`) in the transcript container, in text order.
    emphasis: list[tuple[int, int]] = field(default_factory=list)


def normalize_text(text: str) -> str:
    """Plain-text input: every line end as `\n`; nothing else changes."""
    for end in LINE_ENDS:
        if end in text:  # `in` skips to a character at memory speed, `replace` tests every one
            text = text.replace(end, "\n")
    return text


def from_text(text: str) -> Page:
    """A plain-text page: all of it is content."""
    text = normalize_text(text)
    return Page(text=text, content=(0, len(text)))


def extract(html: str, container_selectors: Sequence[str] = (), title_selectors: Sequence[str] = (),
            utf8: bytes | None = None) -> Page:
    """Render an HTML page line by line; `content` is the region of the transcript container, the first
    of `container_selectors` found; `title` the heading, the first of `title_selectors` found, then the
    usual CMS headings. `utf8` is the HTML as UTF-8 where the caller has it (`Decoded.utf8`)."""
    source = html
    html, cut = bound_attributes(html)
    html, dropped = bound_depth(html)
    if any(mark in html for mark in ALL_MARKS):  # five substring scans at memory speed, not a class regex
        # Our break marks must be unambiguous; Unicode noncharacters are not for interchange.
        html = SENTINEL_CHARS.sub("\ufffd", html)
    # Lexbor reads UTF-8: given the page's own bytes, where nothing above changed the text, it is
    # spared encoding the text again.
    tree = LexborHTMLParser(utf8 if utf8 is not None and html is source else html)
    # By tag name, as below: Lexbor's tag lookup costs a third of a selector search.
    title_nodes = tree.tags("title")
    title = _clean_line(title_nodes[0].text()) if title_nodes else None
    meta = _meta_tags(tree)
    title = _heading(tree, (*title_selectors, *TITLE_SELECTORS)) or _strip_site_name(title)
    blocks = _strip_skipped(tree)
    body = tree.body
    if body is None:
        return Page(text="", content=(0, 0), is_html=True, title=title, meta=meta)
    container = find_container(tree, container_selectors) or body
    images = mark_breaks(tree, body, container, blocks)
    # Lexbor's own text content (the same text nodes, copied once) costs half of selectolax's `text()`.
    text, content, spans = render_marked(body.text_lexbor(), [img.filename for img in images])
    placed = [PageImage(img.filename, img.src, img.alt, span) for img, span in zip(images, spans, strict=True)]
    # Found now, so the tree (four times the page's size) is freed before the page is segmented.
    emphasis = find_emphasis(text, content[0], container) if container is not body else []
    page = Page(text=text, content=content, is_html=True, title=title, meta=meta, images=placed, emphasis=emphasis)
    if cut:
        page.problems.append(("extract.many_attributes", f"{cut} tag(s) with more than {MOST_ATTRIBUTES} attributes "
                              f"were cut to the first {MOST_ATTRIBUTES}"))
    if dropped:
        page.problems.append(("extract.deep_nesting", f"{dropped} tag(s) nested deeper than {MOST_DEPTH} (or options "
                              f"past {MOST_OPTIONS}) were dropped; their text is kept"))
    return page


def _strip_skipped(tree: LexborHTMLParser) -> list[LexborNode]:
    """Remove the elements of `SKIPPED_TAGS` with all they hold, as `tree.strip_tags` does, and
    return the block elements, found in the same walk over every element."""
    # One walk rather than one per skipped tag and another for the blocks; filtered in Python, as a
    # selector list of the 40 block tags costs Lexbor more than `*`. By number: `node.tag` looks the
    # name up and decodes it for every element. Removing only unlinks a node, so one inside another that went first
    # (`<noscript><style>`) is removed again to no effect, and the marks of a block inside one
    # land outside the document (its parent is none).
    blocks = []
    for node in tree.tags("*"):
        tag_id = node.tag_id
        if tag_id in BLOCK_TAG_IDS:
            blocks.append(node)
        elif tag_id in SKIPPED_TAG_IDS:
            node.decompose()
    return blocks


def _meta_tags(tree: LexborHTMLParser) -> dict[str, str]:
    """`<meta name|property=… content=…>` as a dict with lower-case keys."""
    meta = {}
    for node in tree.tags("meta"):
        attrs = node.attributes
        key = attrs.get("name") or attrs.get("property")
        if key and "content" in attrs:  # `<meta content>` counts, as `meta[content]` has it
            meta[key.lower()] = attrs.get("content") or ""
    return meta


def mark_breaks(tree: LexborHTMLParser, body: LexborNode, container: LexborNode,
                blocks: Sequence[LexborNode]) -> list[PageImage]:
    """Write break marks into the tree (the block elements', `<br>`, the container's edges, its
    images) so one C-level read of the text renders the body; returns the container's images in
    document order."""
    images = []
    for node in container.css("img"):
        attrs = node.attributes
        src = attrs.get("src") or attrs.get("oldsrc") or attrs.get("data-src")
        alt = attrs.get("alt")
        images.append(PageImage(image_filename(src, alt), src, alt, (0, 0)))
        _REPLACE_WITH(node, IMAGE_LINE)
    # By tag name, as in `extract`. The head is stripped already, so the document's elements are
    # the body's (and `<html>`).
    for node in tree.tags("img"):
        node.decompose()  # logos and icons outside the transcript are not text
    for node in tree.tags("br"):
        _REPLACE_WITH(node, LINE_BREAK)
    insert_before, insert_after = _INSERT_BEFORE, _INSERT_AFTER
    # The container gets block edges too: next to its content marks' own they render as one.
    for node in blocks:
        insert_before(node, BLOCK_EDGE)
        insert_after(node, BLOCK_EDGE)
    if container.mem_id != body.mem_id:  # without marks the whole body is content
        _INSERT_BEFORE(container, CONTENT_OPENING)
        _INSERT_AFTER(container, CONTENT_CLOSING)
    return images


def _bytes_version(method: Callable[..., None]) -> Callable[[LexborNode, bytes], None]:
    """The version for `bytes` of a selectolax method that takes text, bytes or a node."""
    # Cython picks the version by the argument's type on every call, which costs a page's marks
    # (`node.insert_before("\ufdd0")`, hundreds of calls) more than inserting them; picked once
    # here. Without Cython's table (another build) the method picks for itself.
    versions: dict[str, Callable[[LexborNode, bytes], None]] = getattr(method, "__signatures__", None) or {}
    return versions.get("bytes", method)


_INSERT_BEFORE = _bytes_version(LexborNode.insert_before)
_INSERT_AFTER = _bytes_version(LexborNode.insert_after)
_REPLACE_WITH = _bytes_version(LexborNode.replace_with)


def render_marked(marked: str, image_names: Sequence[str]) -> tuple[str, tuple[int, int], list[tuple[int, int]]]:
    """Lines from text with break marks as `mark_breaks` writes them: white space runs collapse, a
    block edge ends a non-empty line, `<br>` always ends one. Returns the text, the content
    region (from a line start, without trailing line ends) and the image spans."""
    # Regex passes rather than a loop over tokens: a page has thousands of text nodes. Only marks the
    # text holds: `in` skips to a character at memory speed, while a pass tests every character.
    soft, hard = SOFT_BREAK in marked, HARD_BREAK in marked
    text = SOFT_RUN.sub(SOFT_BREAK, marked) if soft else marked
    if hard:
        text = HARD_RUN.sub(HARD_BREAK, text)
    text = collapse_space(text)
    # White space before a line break is not text either (a run is one space by now).
    if soft:
        text = text.replace(" " + SOFT_BREAK, SOFT_BREAK)
    if hard:
        text = text.replace(" " + HARD_BREAK, HARD_BREAK)
    text = text.strip(" ")
    if soft:
        text = end_lines(text)
    if hard:
        text = text.replace(HARD_BREAK, "\n")
    # Line ends before the first text or after the last would be blank lines: drop them.
    body = text.lstrip(EDGE_BREAKS)
    lead = text[:len(text) - len(body)]
    core = body.rstrip(EDGE_BREAKS)
    trail = body[len(core):]
    text = lead.replace("\n", "") + core + trail.replace("\n", "")
    return _place_marks(text, image_names)


def end_lines(text: str) -> str:
    """Block edges to line ends, where no block edge follows another (`SOFT_RUN`): one after text or an
    image ends the line; one at the start, or after a content mark, follows no text and adds nothing."""
    if text.startswith(SOFT_BREAK):
        text = text[1:]
    for mark in (CONTENT_START, CONTENT_END):
        # Each is written once, with a block edge after it (`CONTENT_OPENING`): found by `find`, which
        # skips to one character at memory speed, where a two-character `replace` tests every one.
        at = text.find(mark)
        if at >= 0 and text.startswith(SOFT_BREAK, at + 1):
            text = text[:at + 1] + text[at + 2:]
    return text.replace(SOFT_BREAK, "\n")  # one character for one: a copy


def collapse_space(text: str) -> str:
    """HTML white space runs to one space, by plain replaces (a character-class regex that
    matches every single space costs four times as much on a page) of what the text holds."""
    for space in "\n\t\r\f":
        if space in text:  # pages have next to no tabs, carriage returns or form feeds
            text = text.replace(space, " ")
    return SPACE_RUN.sub(" ", text) if "  " in text else text


def _place_marks(text: str, image_names: Sequence[str]) -> tuple[str, tuple[int, int], list[tuple[int, int]]]:
    """Replace image marks by file names and drop the content marks, noting where each was."""
    out: list[str] = []
    length = 0
    start: int | None = None
    end: int | None = None
    spans: list[tuple[int, int]] = []
    names = iter(image_names)
    for piece in _split_placed(text):
        if piece == IMAGE_MARK:
            piece = next(names, "image")
            spans.append((length, length + len(piece)))
        elif piece == CONTENT_START:
            start = length
            continue
        elif piece == CONTENT_END:
            end = length
            continue
        out.append(piece)
        length += len(piece)
    rendered = "".join(out)
    if start is None:
        start, end = 0, len(rendered)
    end = max(start, len(rendered) if end is None else end)
    while end > start and rendered[end - 1] == "\n":
        end -= 1
    return rendered, (start, end), spans


def _split_placed(text: str) -> list[str]:
    """The text cut at image and content marks, each mark a piece of its own (`re.split` with a
    group would do, but it tests each character for two or three marks, which `str.find` skips to
    at memory speed)."""
    cuts = []
    for mark in (IMAGE_MARK, CONTENT_START, CONTENT_END):
        at = text.find(mark)
        while at >= 0:
            cuts.append(at)
            at = text.find(mark, at + 1)
    cuts.sort()
    pieces: list[str] = []
    last = 0
    for at in cuts:
        pieces += (text[last:at], text[at])
        last = at + 1
    pieces.append(text[last:])
    return pieces


def find_emphasis(text: str, start: int, container: LexborNode) -> list[tuple[int, int]]:
    """Where the text of the container's outermost `<b>`/`<strong>` elements was rendered, found
    in order from `start`. Each element's text is cut at the break marks already in the tree and
    its white space collapsed as rendering does, so each piece is a substring of the rendered text."""
    spans: list[tuple[int, int]] = []
    cursor = start
    # <b><strong>…</strong></b>: the outer element holds the text already. The inner ones are found by
    # one selector (an ancestor walk per element costs more), where the container is not bold or in bold.
    if container.tag_id in EMPHASIS_TAG_IDS or _inside_emphasis(container, None):
        outermost = [node for node in container.css(EMPHASIS) if not _inside_emphasis(node, container)]
    else:
        inner = {node.mem_id for node in container.css(INNER_EMPHASIS)}
        outermost = [node for node in container.css(EMPHASIS) if node.mem_id not in inner]
    texts = [node.text() for node in outermost]
    # Joined at a break mark, which ends a piece as the marks inside do: one collapse and one split
    # for the page rather than one per element (19 on an MFA page).
    for piece in SENTINEL_CHARS.split(collapse_space(SOFT_BREAK.join(texts))):
        piece = piece.strip(" ")
        at = text.find(piece, cursor) if piece else -1
        if at < 0:
            continue
        if spans and spans[-1][1] == at:  # <b>关于…</b><b>遇害</b>: one run
            spans[-1] = (spans[-1][0], at + len(piece))
        else:
            spans.append((at, at + len(piece)))
        cursor = at + len(piece)
    return spans


def _inside_emphasis(node: LexborNode, container: LexborNode | None) -> bool:
    """Whether an ancestor below the container (None: any ancestor) is `<b>` or `<strong>` too."""
    container_id = container.mem_id if container is not None else None
    parent = node.parent
    while parent is not None and parent.mem_id != container_id:
        if parent.tag_id in EMPHASIS_TAG_IDS:
            return True
        parent = parent.parent
    return False


def find_container(tree: LexborHTMLParser, selectors: Sequence[str]) -> LexborNode | None:
    """The element that holds the transcript: a known selector, else the parent of most paragraph text."""
    for selector in selectors:
        node = tree.css_first(selector)
        if node is not None and _holds_text(node, 20):
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


def _holds_text(node: LexborNode, least: int) -> bool:
    """Whether the node's text, each text node stripped (as `text(strip=True)`), is `least` long."""
    # Text node by text node until there is enough: a container holds the whole transcript, all of
    # which `text(strip=True)` decodes and strips, and its first nodes are enough.
    total = 0
    for piece in node.traverse(include_text=True, skip_empty=True):
        if piece.is_text_node:
            total += len((piece.text_content or "").strip())
            if total >= least:
                return True
    # Short of it: `text()` has the last word, as it might count text this walk does not (never the reverse).
    return len(node.text(strip=True)) >= least


def _heading(tree: LexborHTMLParser, selectors: Sequence[str]) -> str | None:
    """The article heading, which is cleaner than `<title>` (no site name)."""
    for selector in selectors:
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
    if src and src.lstrip()[:5].lower() != "data:":  # an inline image has no file name
        path = src.strip()
        if PLAIN_PATH.fullmatch(path) is None and (url := URL_PATH.match(path)):  # it matches any text
            path = unquote(url["path"])
        name = posixpath.basename(path)
        if name:
            return name
    return (alt or "").strip() or "image"


def _clean_line(line: str) -> str:
    return HTML_SPACE.sub(" ", line).strip(" ")
