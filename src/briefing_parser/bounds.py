"""HTML bounded before it is parsed: the shapes that HTML5 tree building pays for quadratically, cut to linear."""

from __future__ import annotations

import re
from collections import Counter

# Tree building is quadratic in the depth of nesting (each opening tag looks down the stack of open
# elements), in the attributes of one tag (each is checked against those before it) and in the options of
# a <select> (each one added checks all of them): bench_shapes and test_hostile measure it. Tags nested
# deeper than this, attributes past this many in a tag and options past this many are dropped before
# Lexbor sees them (the text is kept); no page nests or names this many.
MOST_DEPTH = 256
MOST_ATTRIBUTES = 256
MOST_OPTIONS = 256
# Below this many tags neither depth nor options can hurt, and walking the tags costs more than a normal
# page's parse.
WALK_MIN_TAGS = 4096
# A tag's opening and its name: <div, </div, <IMG (its attributes are not read).
TAG = re.compile(r"<(/?)([A-Za-z][^\s/>]*)")
# What the tree builder does with each tag, as far as the depth goes (the HTML standard's tree construction):
# elements that hold nothing (<img>, <br>: a gallery is no nesting), the document's own (never nested) ...
VOID_TAGS = frozenset({"area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "input",
                       "keygen", "link", "meta", "param", "source", "track", "wbr"})
DOCUMENT_TAGS = frozenset({"html", "head", "body"})
# ... the special elements, which an <li> does not close an open <li> across (<li><span>…<li> closes it,
# <li><ul><li> nests) ...
SPECIAL_TAGS = VOID_TAGS | DOCUMENT_TAGS | frozenset({
    "address", "applet", "article", "aside", "blockquote", "button", "caption", "center", "colgroup", "dd",
    "details", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "frameset", "h1",
    "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "iframe", "li", "listing", "main", "marquee", "menu", "nav",
    "noembed", "noframes", "noscript", "object", "ol", "p", "plaintext", "pre", "script", "search", "section",
    "select", "style", "summary", "table", "tbody", "td", "template", "textarea", "tfoot", "th", "thead", "title",
    "tr", "ul", "xmp"})
# ... the blocks, whose opening tag closes an open <p> first (<p>x<div>y<p>z nests the divs, not the p), where
# no element of its scope stands between ...
CLOSES_P = frozenset({
    "address", "article", "aside", "blockquote", "center", "dd", "details", "dialog", "dir", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup",
    "hr", "li", "listing", "main", "menu", "nav", "ol", "p", "plaintext", "pre", "search", "section", "summary",
    "ul", "xmp"})
BUTTON_SCOPE = frozenset({"applet", "button", "caption", "html", "marquee", "object", "table", "td", "template",
                          "th"})
TABLE_SCOPE = frozenset({"html", "table", "template"})
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# ... and what an opening tag closes before it opens: the open elements it looks for, and those it stops
# at (None: it looks at the current element only). <li>a<li>b, <td>a<td>b, <tr>…<tr>, <a>…<a> are siblings.
CLOSES: dict[str, tuple[frozenset[str], frozenset[str] | None]] = {
    "li": (frozenset({"li"}), SPECIAL_TAGS - {"address", "div", "p"}),
    "dd": (frozenset({"dd", "dt"}), SPECIAL_TAGS - {"address", "div", "p"}),
    "dt": (frozenset({"dd", "dt"}), SPECIAL_TAGS - {"address", "div", "p"}),
    "td": (frozenset({"td", "th"}), TABLE_SCOPE | {"tr"}),
    "th": (frozenset({"td", "th"}), TABLE_SCOPE | {"tr"}),
    "tr": (frozenset({"tr"}), TABLE_SCOPE),
    "a": (frozenset({"a"}), SPECIAL_TAGS),
    "option": (frozenset({"option"}), None),
    "optgroup": (frozenset({"option", "optgroup"}), None),
    **{heading: (HEADINGS, None) for heading in HEADINGS},
}
# An attribute, up to its end: a name, and a value after `=` (<p a b=1 c="…">); and a tag of more than
# MOST_ATTRIBUTES of them, `kept` its name and first MOST_ATTRIBUTES (attributes are apart by white space or
# `/`, or follow a quoted value: <p a b/c d="1"e='2'>). One attribute a step: a normal tag fails after its few.
# Atomic: an attribute read is not read again otherwise (a="x y" as a="x and y"), which would take a
# time exponential in the attributes of a tag that falls short of the bound.
_ATTRIBUTE = r"""(?>[^\s/>=]++(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s>]*+))?)"""
MANY_ATTRIBUTES = re.compile(
    rf"(?P<kept><[A-Za-z][^\s/>]*+(?:[\s/]*+{_ATTRIBUTE}){{{MOST_ATTRIBUTES}}}+)[\s/]*+{_ATTRIBUTE}")
# Where a tag of that many can stand: MOST_ATTRIBUTES attributes take twice as many characters, and a tag
# holds no `>` but inside quoted values. Stretches without `>` are found at memory speed, and only their
# tags are read attribute by attribute: reading every tag so would cost a sixth of a normal page's parse.
# (A tag that hides a `>` in a quoted value every 512 characters is not seen: a batch run's timeout is
# what bounds it.)
LONG_STRETCH = re.compile(rf">[^>]{{{2 * MOST_ATTRIBUTES},}}")
TAG_START = re.compile(r"<[A-Za-z]")
# The rest of a tag: its attributes and its `>`.
TAG_REST = re.compile(rf"(?:[\s/]*+{_ATTRIBUTE})*+[\s/]*+>?")


def bound_attributes(html: str) -> tuple[str, int]:
    """Cut tags of more than MOST_ATTRIBUTES attributes after their last allowed one; returns the HTML
    and how many tags were cut."""
    first = html.find(">")
    stretches = [(0, len(html) if first < 0 else first)] if first < 0 or first >= 2 * MOST_ATTRIBUTES else []
    stretches += [stretch.span() for stretch in LONG_STRETCH.finditer(html)]
    pieces: list[str] = []
    pos = cut = 0
    for start, end in stretches:
        # Tag by tag, each read to its end once: a `<` inside a tag (<a<a<a…) starts no other.
        opening = TAG_START.search(html, max(start, pos), end)
        while opening is not None:
            tag = MANY_ATTRIBUTES.match(html, opening.start())
            if tag is not None:
                pieces += (html[pos:tag.end("kept")], ">")
                pos = after = tag_end(html, tag.end("kept"))
                cut += 1
            else:
                after = tag_end(html, opening.end())
            opening = TAG_START.search(html, after, end)
    return ("".join(pieces) + html[pos:], cut) if cut else (html, 0)


class OpenElements:
    """The stack of open elements as the tree builder keeps it, as far as its depth goes, and the tags
    dropped to keep it within MOST_DEPTH (and the options within MOST_OPTIONS)."""

    def __init__(self) -> None:
        self.stack: list[str] = []
        self.open: Counter[str] = Counter()  # open elements by name, for a look-up without a walk
        self.dropped: Counter[str] = Counter()  # opening tags dropped by name, whose closing tags go too
        self.options = 0

    def opens(self, name: str) -> bool:
        """Open an element for its opening tag, closing first what the tag closes; False where the tag is
        dropped."""
        if name in VOID_TAGS or name in DOCUMENT_TAGS:
            return True
        if name in CLOSES_P:
            self._close(frozenset({"p"}), BUTTON_SCOPE)
        if name in CLOSES:
            self._close(*CLOSES[name])
        self.options += name == "option"
        if len(self.stack) >= MOST_DEPTH or (name == "option" and self.options > MOST_OPTIONS):
            self.dropped[name] += 1
            return False
        self.stack.append(name)
        self.open[name] += 1
        return True

    def closes(self, name: str) -> bool:
        """Close the last open element of the name (and those above it) for its closing tag; False where
        the tag closes a dropped one."""
        if self.dropped[name]:
            self.dropped[name] -= 1
            return False
        if self.open[name]:
            self._close(frozenset({name}), frozenset())
        return True

    def _close(self, names: frozenset[str], stops: frozenset[str] | None) -> None:
        """Pop to the topmost open element of `names`, looking down the stack until one of `stops` (None:
        at the current element only)."""
        if not any(self.open[name] for name in names):
            return
        for index in range(len(self.stack) - 1, -1, -1):
            node = self.stack[index]
            if node in names:
                self.open.subtract(self.stack[index:])
                del self.stack[index:]
                return
            if stops is None or node in stops:
                return


def bound_depth(html: str) -> tuple[str, int]:
    """Drop the tags nested deeper than MOST_DEPTH (`<div>x` repeated: text between the tags does not stop
    the nesting; `<ul><li>x` repeated) and the options past MOST_OPTIONS, with their closing tags, keeping
    the text; returns the HTML and how many tags were dropped."""
    if html.count("<") < WALK_MIN_TAGS:
        return html, 0
    elements = OpenElements()
    drops = {index for index, (slash, name) in enumerate(TAG.findall(html))
             if not (elements.closes(name.lower()) if slash else elements.opens(name.lower()))}
    if not drops:
        return html, 0
    pieces: list[str] = []
    pos = 0
    for index, tag in enumerate(TAG.finditer(html)):
        if index in drops:
            pieces.append(html[pos:tag.start()])
            pos = tag_end(html, tag.end())
    return "".join(pieces) + html[pos:], len(drops)


def tag_end(html: str, at: int) -> int:
    """Where the tag that `at` is inside ends (after its name or an attribute): after its attributes and
    its `>`, else at the end of the HTML."""
    rest = TAG_REST.match(html, at)  # it matches the empty string: never None
    return rest.end() if rest else at
