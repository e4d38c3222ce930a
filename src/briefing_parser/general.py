"""The general layout: the speaker-labelling scheme read off the page itself, for sites without a profile."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import islice, pairwise

import regex

from . import lexicon
from .classify import TurnFacts
from .errors import diagnostic
from .html import Page
from .layouts import CLOCK, SPACE, Layout
from .lexicon import fold
from .schema import Role
from .segment import Marker, Range, RawTurn, Reading, descending, followed, line_start, line_starts, merged
from .speakers import Cast, Official, roster

# --- Label forms -------------------------------------------------------------------------------------

# A clock, with an optional date in front: 10:05, 10：05:30, 2016-03-11 09:33:18, 09-24 15:05.
_CLOCK = CLOCK
_DAY = r"(?:\d{4}\s?[-/.年]\s?)?\d{1,2}\s?[-/.月]\s?\d{1,2}日?"
_STAMP = rf"(?:{_DAY}{SPACE}+)?{_CLOCK}"
STAMP_PARTS = re.compile(rf"(?:(?P<date>{_DAY}){SPACE}+)?(?P<time>{_CLOCK})")
# A stamp on a line of its own, or closing its entry's line: …的提問 [10:07]  2016-03-11 09:33:18  [09-24 15:05] |
STAMP_AFTER = re.compile(rf"{SPACE}*(?:[\[【（(]{_STAMP}[\]】）)]|(?P<bare>{_STAMP})){SPACE}*\|?{SPACE}*$",
                         re.MULTILINE)
# A stamp that opens a line, where the page stamps entries before their labels: [12:47] That’s it for …
STAMP_BEFORE = re.compile(rf"^{SPACE}*[\[【（(](?P<stamp>{_STAMP})[\]】）)]{SPACE}*(?=\S)", re.MULTILINE)
# Where a label ends: a colon of any width (：, :, ﹕, ∶), or ¡G, the full-width colon of Big5 read as Latin-1.
COLON = r"(?:[:：﹕∶]|¡G)"
# A line that opens with a label and a colon, after an optional bullet and stamp:
#   主持人：…   国务院新闻办新闻局副局长 胡凯红:   - 中國網:   ◆记者：…   [12:44] 19. China Consumer News:
#   Reporter¡GWhy …
COLON_LABEL = re.compile(
    rf"^{SPACE}*(?:[-•·◆◇●○■□▲△★☆▶►◎※]{SPACE}*)?(?P<stamp>[\[【（(]?{_CLOCK}[\]】）)]?{SPACE}*)?"
    rf"(?P<label>[^\s:：﹕∶，,。！!？?；;“”\"'<>|\[【（(][^\n:：﹕∶，,。！!？?；;“”\"<>|]{{0,44}}?"
    rf"(?:, [A-Z][\w.&’' -]{{0,30}}?)?){SPACE}*{COLON}{SPACE}*",  # Reporter Li Ming, Xinhua:
    re.MULTILINE,
)
# A label in brackets, with or without a colon: 【张业遂】…  [安峰山]:…  [鄭躍聲]你今天…
BRACKET_LABEL = re.compile(
    rf"^{SPACE}*(?P<stamp>[\[【（(]{_CLOCK}[\]】）)]{SPACE}*)?[【\[](?P<label>[^\]】\n]{{1,40}})[】\]]{SPACE}*{COLON}?{SPACE}*",
    re.MULTILINE,
)
# A title and a name without a colon, then the words: 文化和旅游部辦公廳副主任、主持人 李曉良 女士們、先生們…
SPACED_LABEL = regex.compile(
    rf"^{SPACE}*(?P<label>[\p{{Han}}、（）()]{{2,40}}{SPACE}+\p{{Han}}{{2,3}}){SPACE}+(?=\S)", regex.MULTILINE)
# Inside a line: after a sentence (…进行提问。商务部新闻发言人 何咏前:关于这个问题…; a page that lost its line
# ends: …鞠躬尽瘁、不辱使命。 王超: 非常感谢李总理…), after the colon that opens the transcript
# (以下为文字实录:周学东:各位…), or after a stamp glued to it (…发布会。2018-10-29 15:30续梅: 今天…), which
# closes the entry before it.
_GLUED_STAMP = rf"\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}{SPACE}*{_CLOCK}{SPACE}*"
INLINE_LABEL = regex.compile(
    rf"(?:(?<=[。！？!?]{SPACE}*)|(?<=(?:实录|實錄|如下){COLON})|(?<=[。！？!?]{SPACE}*(?P<stamp>{_GLUED_STAMP})))"
    rf"(?P<label>(?:\p{{Han}}[\p{{Han}}、]{{0,29}}{SPACE}?)?\p{{Han}}{{2,3}}){SPACE}*{COLON}")
# A narrator's words that open a speaker's unlabelled turn, at a line start: At the start of the press
# conference, Premier Li Keqiang said: Friends from the press, …   国务院总理李强说：…
SAID = regex.compile(
    rf"^{SPACE}*(?:[A-Z][^\n:]{{0,80}}?, )?(?P<who>(?:[A-Z][a-z]+ ){{1,3}}[A-Z][a-z]+) (?:said|says|noted|stated)"
    rf"{SPACE}*{COLON}{SPACE}*"
    rf"|^{SPACE}*(?P<zh>[\p{{Han}}、]{{2,30}}?\p{{Han}}{{2,3}})(?:表示|说|說|指出){SPACE}*{COLON}{SPACE}*",
    regex.MULTILINE)
# A stamp that opens a bold label: <strong>2023-03-31 10:01 杨建全</strong>
BOLD_STAMP = re.compile(rf"{SPACE}*{_STAMP}{SPACE}+")
TRANSCRIPT_OPENS = re.compile(rf"(?:实录|實錄|如下){COLON}$")
# What follows a host's colon when it names the host: a title and a name, then a space and the words.
HOST_NAMED = regex.compile(rf"(?P<who>[\p{{Han}}、]{{2,40}}){SPACE}+(?=\S)")
# A header line that names the host: 主持人: 胡强强   国家卫生健康委新闻发言人、宣传司副司长
HOST_NAMED_IN_HEADER = regex.compile(rf"主持人?{SPACE}*{COLON}{SPACE}*(\p{{Han}}{{2,4}}?)(?!\p{{Han}})")
BLANK_LINES = re.compile(r"(?:[ \t\u00a0\u3000]*\n)+[ \t\u00a0\u3000]*")
BLANK = re.compile(r"\s*")

# --- What a label says -------------------------------------------------------------------------------
# All are tried on the folded label: 主持人 and 主持人, 記者 and 记者 alike.

# A person's name: two to four Han characters opening with a common surname (杨建全, 欧阳晓晖), or two or
# three capitalized words (Zhao Lijian, Mr. Huang Runqiu).
HAN_NAME = regex.compile(r"\p{Han}{2,4}")
EN_NAME = re.compile(r"(?:(?:Mr|Ms|Mrs|Dr)\.? )?[A-Z][a-z]+(?:[ -][A-Z][a-z]+){1,2}")
# English labels: capitalized words, a number in front for numbered askers (19. China Consumer News).
EN_LABEL = re.compile(
    r"(?:\d{1,3}\.\s?)?[A-Z0-9][\w.&’'\-]*(?: (?:[A-Z0-9(][\w.&’'()\-]*|of|for|and|the|de|du|&)){0,6}")
EN_TITLES = re.compile(
    r"\b(?:Premier|President|Vice|Minister|Secretary|Chief Executive|Spokes(?:person|man|woman)|Director|"
    r"Commissioner|Governor|Mayor|Chairman|Chairwoman|Chairperson|Ambassador|Councilor|Counsellor|Head|Deputy|"
    r"Chief|Officer|Commander|General|Colonel|Senior|Professor|Dr)\b"
)
# A reporter named with the outlet: Reporter Li Ming, Xinhua.
EN_REPORTER = re.compile(
    rf"(?:Reporter|Journalist|Correspondent) (?P<name>{EN_NAME.pattern}), (?P<outlet>{EN_LABEL.pattern})")
# A title and the name after it: Premier | Li Keqiang, Secretary for Security | John Lee.
EN_TITLED_NAME = re.compile(r"(?P<title>.+?) (?P<name>[A-Z][a-z]+ [A-Z][a-z]+(?:-[a-z]+)?)")
HOST_WORDS = re.compile(r"主持人?|司仪|\b(?:Moderator|Host|MC)\b", re.I)
HOST_IN_TITLE = re.compile(r"^主持人?[、，,\s]*|[、，,\s]*主持人?$")  # 主持人 国家卫生健康委…副司长; …副主任、主持人
INTERPRETER_WORDS = re.compile(r"翻译|口译|传译|Interpreter", re.I)
ANSWER_WORDS = re.compile(r"^(?:答|A|Answer|回答)\d{0,2}$", re.I)  # 答, A, A1, 答2
# 问, 追问, 记者, 新华社记者, 新华社记者追问, 大众网记者 张明, 菲律賓媒體, Reporter
ASKER_WORDS = regex.compile(
    r"^(?:问\d{0,2}|提问|追问[一二三四五六七八九十\d]?|再问|Q\d{0,2}|Question|Follow[- ]up(?: question)?)$"
    r"|记者(?:提问|追问|问)?$|记者 ?\p{Han}{2,3}$|媒体$|Reporter|Journalist", regex.I)
# A reporter's label with the outlet in brackets: 记者（新华社）, 问（路透社记者）
ASKER_FOR = re.compile(r"(?:记者|问|提问)[（(](?P<outlet>[^()（）]{1,24})[)）]")
CUE_ASKS = re.compile(r"(?:会后[，,]?)?有.{0,10}?记者问")  # 会后有记者问及：…, 有记者问：…
# Where the outlet in a reporter's label ends: 新华社|记者, 福建廈門衛視|記者, 大众网|记者 张明
REPORTER = regex.compile(r"(?:的)?(?:记者|記者)(?:提问|提問|追问|追問|问|問)?(?: ?(?P<name>\p{Han}{2,3}))?$")
REPORTER_WORDS = re.compile(r"记者|記者|Reporter|Journalist")
MEDIA = re.compile(r"媒体$")  # 菲律賓媒體: askers named by where they come from
FOLLOW_UP = re.compile(r"追问|Follow[- ]up", re.I)  # 追问, 新华社记者追问, Follow-up
# An outlet named alone, as askers are on some pages: 《人民日报》, 中國網, 凤凰卫视, 新华社.
OUTLET_NAME = re.compile(r"^《[^》]{1,12}》$|^\S{1,10}(?:报|社|台|网|电视|卫视|频道|杂志|周刊|通讯社)$")
# An organization named before the name: 国务院新闻办新闻局 寿小丽, 陕西省人民政府新闻办公室张竞怡.
ORGANIZATION_WORD = regex.compile(r"办公室|新闻办|新闻局|宣传部|政府|委员会|中心")
ORGANIZATION_END = re.compile(
    r"(?:局|部|办|委|厅|院|署|处|司|中心|政府|集团|公司|协会|银行|医院|大学|研究所|办公室|组)$")
# A legislator asks, but is neither an official nor a reporter (立法議員陳虹：如何加強網絡安全？).
LEGISLATOR = re.compile(r"议员|人大代表|政协委员|Legislator|Councillor", re.I)
# The keys of a page's metadata block, alignment spaces removed: 时  间:  嘉  宾:  发布人:  责任编辑:
METADATA = re.compile(r"(?:发布|更新|举办|召开)?(?:时间|日期|地点)|来源|作者|编辑|责任编辑|责编|校对|审核|发布人|发言人"
                      r"|嘉宾|主题|原标题|媒体|Time|Date|Venue|Source|Editor|Updated", re.I)
# Lines that end in a colon without being labels: metadata keys, page parts, notes.
NOT_LABELS = re.compile(
    rf"(?:{METADATA.pattern})|发表时间|地址|审校|监制|摄影|记者手记|编者按|标题|导读|摘要|关键词|附件|网址|链接|电话|传真"
    r"|邮箱|邮编|二维码|字号|分享|浏览|活动标题|活动描述|文字内容|实录内容|文字实录|图文实录|内容|正文|全文|提示|注|备注"
    r"|声明|说明|消息提醒|Update|Note|Notes|Tel|Fax|E-?mail|Photo|Address|Website|Topic|Subject|Title|Read more"
    r"|Related|Share|Print|Close",
    re.I,
)
# Words that make a colon line a sentence or a heading: 以下为文字实录：  各位媒体朋友：  出席今天发布会的有：
SENTENCE_WORDS = re.compile(
    r"^(?:各|女士|先生|大家|尊敬|亲爱|朋友|同志们|在座|下面|首先|其次|最后|另外|此外|同时|总之|具体|主要|重点|我|你|他"
    r"|她|这|那|其中)|以下|如下|实录|(?:有|是|为|了|称|说|表示|指出|强调|介绍|认为|提到|透露|问道|回应|答问|等|之一)$"
    r"|^(?:Ladies|Dear|Friends|Good|Thank|Welcome|At the|In |On |As |If |When |Editor|Or |Visit|Please|This|That"
    r"|The following)",
)
# Words of a heading, not of a speaker: 国新办…新闻发布会答记者问  行政長官抗疫記者會開場發言  裴金佳答媒體記者問環節
HEADING_WORDS = re.compile(
    r"发布会|记者会|吹风会|见面会|通气会|答记者问|答问|答媒体|实录|快讯|述评|直播|开场发言|环节|举行|召开|系列")
ENUMERATION = re.compile(r"^(?:[一二三四五六七八九十]+|\d+)?[、.．]")  # 一、基本情况  二、主持人  、发言人
# Bracketed page chrome: 【打印】 【关闭】 [刷新] 【 第1页 第2页 】 【今日热点新闻推荐】
CHROME = re.compile(
    r"打印|关闭|刷新|返回|顶部|收藏|分享|字号|第\s*\d+\s*页|推荐|相关|专题|图片|视频|来源|编辑|纠错|评论")
SENTENCE_MARKS = re.compile(r"[，,。！!？?；;]")


@dataclass(frozen=True)
class Label:
    """What a label says of its speaker: a role word's role, and the name, title or outlet in it."""

    role: Role | None
    name: str | None = None
    title: str | None = None
    outlet: str | None = None
    strong: bool = True  # a role word, a title or an outlet; a bare name alone is weak evidence


@lru_cache(maxsize=4096)
def read_label(label: str) -> Label | None:
    """Whether `label` is a speaker label of some press office, and what it says of its speaker; None
    when it is a heading, a metadata key or a sentence (时间, 以下为文字实录, 各位媒体朋友). Kept for the next
    call: a page repeats its labels (主持人, 问, the spokesperson), and pages of a site share them."""
    compact = re.sub(r"[ \t\u00a0\u3000]+", " ", fold(label).strip())
    if not compact or len(compact) > 44 or NOT_LABELS.fullmatch(compact.replace(" ", "")) \
            or SENTENCE_WORDS.search(compact):
        return None
    if ANSWER_WORDS.fullmatch(compact):
        return Label("official")
    if compact.isascii():
        return _english(compact)
    if HEADING_WORDS.search(compact) or ENUMERATION.match(compact):
        return None
    if asked := ASKER_FOR.fullmatch(compact):  # 记者（新华社）, 问（路透社记者）
        outlet = REPORTER.sub("", asked.group("outlet")).strip("《》 ")
        return Label("journalist", outlet=outlet or None)
    if ASKER_WORDS.search(compact):  # before the test for digits and letters: 问1, CGTN记者, 21世纪经济报道记者
        if CUE_ASKS.match(compact):  # 会后有记者问及, 有记者问: a narrator's words, no outlet's label
            return Label("journalist")
        asker = REPORTER.search(label)
        outlet = label[:asker.start()] if asker else label if MEDIA.search(compact) else ""
        name = asker.group("name") if asker and asker.group("name") and is_name(asker.group("name")) else None
        return Label("journalist", name=name, outlet=outlet.strip("《》 ") or None)
    if re.search(r"\d|[a-zA-Z]{3}", compact):
        return None  # a date, a number, a web address: no speaker
    if HOST_WORDS.search(compact):
        # 国务院新闻办新闻局副局长主持人, 主持人(省生态环境厅宣教处处长杨正国): the host's title and name beside it
        rest = HOST_IN_TITLE.sub("", label).strip().strip("（）() ")
        name, title = split_name(rest) if rest else (None, None)
        title = HOST_IN_TITLE.sub("", title).strip() or None if title else None  # …副主任、主持人 李曉良
        return Label("host", name=name, title=title)
    if INTERPRETER_WORDS.search(compact):
        return Label("interpreter")
    name, title = split_name(label)
    if title is not None:
        return Label("official", name=name, title=title)
    if name is not None:
        return Label(None, name=name, strong=False)
    if OUTLET_NAME.search(compact):
        return Label("journalist", outlet=label.strip("《》 "))
    return None


def _english(label: str) -> Label | None:
    """An English label: Question, Reporter, Chief Executive, Premier Li Keqiang, Phoenix TV, Xing Huina,
    Reporter Li Ming, Xinhua."""
    if reporter := EN_REPORTER.fullmatch(label):
        return Label("journalist", name=reporter.group("name"), outlet=reporter.group("outlet"))
    if not EN_LABEL.fullmatch(label):
        return None
    bare = re.sub(r"^\d{1,3}\.\s?", "", label)
    if re.fullmatch(r"Q\d{0,2}|Question|Follow[- ]up(?: question)?", bare, re.I):
        return Label("journalist")
    if REPORTER_WORDS.search(bare):
        return Label("journalist", outlet=re.sub(r",?\s*(?:Reporter|Journalist)", "", bare).strip() or None)
    if HOST_WORDS.search(bare):
        return Label("host")
    if INTERPRETER_WORDS.search(bare):
        return Label("interpreter")
    if EN_TITLES.search(bare):
        titled = EN_TITLED_NAME.fullmatch(bare)
        if titled and not EN_TITLES.search(titled.group("name")):
            return Label("official", name=titled.group("name"), title=titled.group("title"))
        return Label("official", title=bare)
    if lexicon.outlet_kind(bare) or bare != label:  # numbered askers are reporters
        return Label("journalist", outlet=bare)
    if EN_NAME.fullmatch(bare):
        return Label(None, name=bare, strong=False)
    return None


def split_name(label: str) -> tuple[str | None, str | None]:
    """A label's name and title: 国务院新闻办新闻局副局长 胡凯红 → (胡凯红, 国务院新闻办新闻局副局长),
    陕西省人民政府新闻办公室张竞怡 → (张竞怡, 陕西省人民政府新闻办公室); a title alone is (None, 財政司司長)."""
    text = re.sub(r"^主持人?[（(](.*)[)）]$", r"\1", lexicon.PINYIN_RESIDUE.sub("", label).strip())
    words = text.split()
    folded = fold(text)
    if len(words) > 1 and is_name(words[-1]) and is_title(fold(" ".join(words[:-1]))):
        return words[-1], " ".join(words[:-1]).rstrip("、")
    if len(words) > 1 and is_name(words[0]) and title_end(fold(" ".join(words[1:]))):
        return words[0], " ".join(words[1:])  # 陈文俊 国务院新闻办新闻局局长、新闻发言人
    end = title_end(folded)
    if end is not None:
        rest = text[end:].strip()
        if not rest:
            return None, text
        if is_name(rest):
            return rest, text[:end].strip()
    if is_name(text):
        return text, None
    for org in ORGANIZATION_WORD.finditer(folded, overlapped=True):
        if is_name(text[org.end():].strip()):
            return text[org.end():].strip(), text[:org.end()]
    return None, None


def is_title(folded: str) -> bool:
    """Whether a folded label part is a title or an organization (副局长, 国务院新闻办新闻局)."""
    return title_end(folded) is not None or ORGANIZATION_END.search(folded) is not None


def title_end(folded: str) -> int | None:
    """Where the last title word of a folded label ends (副局长 in 国务院新闻办新闻局副局长胡凯红), if any."""
    found = None
    for match in lexicon.TITLE_WORD.finditer(folded):
        found = match.end()
    return found


def is_name(value: str) -> bool:
    """A personal name: 胡凯红, 欧阳晓晖, 許  伟 (alignment spaces), 張業(yè)遂 (pinyin residue), Zhao Lijian."""
    key = fold(re.sub(r"\s+", "", value))
    if HAN_NAME.fullmatch(key):
        surname = key[:2] in lexicon.COMPOUND_SURNAMES or key[0] in lexicon.SURNAMES
        return surname and not lexicon.TITLE_WORD.search(key)
    return EN_NAME.fullmatch(value) is not None


# --- Reading a page's labels as one scheme --------------------------------------------------------------

# Bare names looked up in the whole text, at most: a page of thousands of unknown names is no scheme, and
# each look-up reads the whole text.
COUNTED = 200


def read(text: str, content: Range, known: frozenset[str] = frozenset(), emphasis: Sequence[Range] = ()) -> Reading:
    """The page's labels of every form, read as one scheme: a bare name counts where the page labels two
    others, repeats it, names that person elsewhere, or it is `known` (a spokesperson's); metadata lines
    (时间：, 主持人：姓名 职务 above 嘉宾：…) are header; stamps give their entries a time."""
    reading = Reading()
    glued: dict[int, Range] = {}
    found = _candidates(text, content, reading, glued)
    taken = {m.span[0] for m, _ in found}
    alone = _label_lines(text, content, taken)
    found = sorted(found + alone + _bold_labels(text, emphasis, taken), key=lambda item: item[0].span[0])
    labels = Counter(m.label for m, _ in found)
    # A bare name counts once the page labels two speakers that need no support (role words, titles, names
    # that repeat or that the page writes elsewhere); until then, only with support of its own.
    counted: dict[str, bool] = {}  # each name is counted in the text once, and at most COUNTED names are

    def named_elsewhere(name: str) -> bool:
        if name not in counted and len(counted) < COUNTED:
            counted[name] = text.count(name) > 1
        return counted.get(name, False)

    supported = [label.strong or labels[marker.label] > 1 or fold(label.name or "") in known
                 or named_elsewhere(label.name or "") for marker, label in found]
    scheme = len({m.label for (m, _), ok in zip(found, supported, strict=True) if ok}) >= 2
    lone = {m.span[0] for m, label in alone if not label.strong}  # a bare name alone on a line needs its own
    kept = []
    for (marker, _), ok in zip(found, supported, strict=True):
        if not ok and (not scheme or marker.span[0] in lone):
            continue
        if _is_header_line(text, marker, content):
            reading.header.append(_line(text, marker.span[0]))
            continue
        kept.append(marker)
    markers = _with_body(text, content, _with_outlet_lines(text, _join_label_lines(text, kept, content)),
                         {m.span[0] for m, _ in alone})
    markers = [_with_named_host(text, m) for m in markers]
    reading.stamps += [glued[m.span[0]] for m in markers if m.span[0] in glued]
    reading.count = len(markers)
    if markers:
        markers = _with_narrated(text, (content[0], markers[-1].span[0]), markers)
        markers = _with_opening(text, content[0], markers)
    reading.markers = _timed(text, content, markers, reading.stamps)
    return reading


def _candidates(text: str, content: Range, reading: Reading,
                glued: dict[int, Range]) -> list[tuple[Marker, Label]]:
    """Every line start (and sentence end) in the content that a label opens, with the label's reading;
    lines of metadata keys (时间:, 嘉宾:, 来源:) go to the reading's header, stamps glued before a label to
    `glued` (by the label's start)."""
    start, end = content
    found: dict[int, tuple[Marker, Label]] = {}
    printed: Counter[str] = Counter()  # the content's lines, counted on first need (a headline is printed twice)
    for pattern in (COLON_LABEL, BRACKET_LABEL, SPACED_LABEL, INLINE_LABEL):
        for match in pattern.finditer(text, start, end):
            label = match.group("label").strip()
            reading_of = read_label(label)
            if reading_of is None:
                if pattern is COLON_LABEL and METADATA.fullmatch(re.sub(r"\s+", "", fold(label))):
                    reading.header += _metadata_lines(text, match.start(), end)
                continue
            stamp = match.groupdict().get("stamp")
            if pattern is BRACKET_LABEL:
                if CHROME.search(fold(label)):
                    continue
                reading_of = replace(reading_of, strong=True)  # 【张业遂】: brackets make a name a label
            elif pattern is SPACED_LABEL and reading_of.title is None:
                continue  # without a colon only a titled name is a label
            elif pattern is INLINE_LABEL and reading_of.title is None and not text[match.start() - 1].isspace() \
                    and not (reading_of.name and (
                        stamp or TRANSCRIPT_OPENS.search(text, max(0, match.start() - 6), match.start()))):
                continue  # glued to a sentence: a titled name, or a name after 以下为文字实录： or a stamp
            elif pattern is COLON_LABEL and reading_of.title is not None and reading_of.name is None \
                    and _is_headline(text, _line(text, match.start()), match.end(), content, printed):
                continue  # 《政府工作报告》起草组负责人:今年政策干货满满 is the page's headline
            inline = pattern is INLINE_LABEL
            at = match.start("label") if inline else line_start(text, match.start())
            if at in found:
                continue
            if stamp and inline:
                glued[at] = match.span("stamp")  # printed after the entry it closes, where the label is one
            day, clock = _date_and_time(stamp) if stamp and not inline else (None, None)
            found[at] = (Marker(span=(at if inline else match.start(), match.end()), label=label,
                                label_span=match.span("label"), date=day, time=clock), reading_of)
    return [found[at] for at in sorted(found)]


def _bold_labels(text: str, emphasis: Sequence[Range], taken: set[int]) -> list[tuple[Marker, Label]]:
    """Labels set in bold at a line start, the words after them on the same line without a colon:
    <p><b>陈文俊</b>女士们、先生们…</p>, <p><strong>10:01 杨建全</strong>女士们…</p> (a colon or a line end
    after the bold run is read as any label is)."""
    found = []
    for start, end in emphasis:
        begins = line_start(text, start)
        if begins in taken or text[begins:start].strip() or BLANK.fullmatch(text, end, _line(text, end)[1]):
            continue
        bold = text[start:end]
        stamp = BOLD_STAMP.match(bold)
        label = bold[stamp.end() if stamp else 0:].strip()
        reading = read_label(label) if 0 < len(label) <= 40 else None
        if reading is None or re.search(rf"{COLON}\s*$", bold):
            continue
        day, clock = _date_and_time(stamp.group(0)) if stamp else (None, None)
        label_start = start + bold.index(label)
        found.append((Marker((begins, end), label, (label_start, label_start + len(label)), day, clock),
                      replace(reading, strong=True)))  # bold makes a name a label
    return found


def _metadata_lines(text: str, at: int, end: int) -> list[Range]:
    """A metadata line, and the lines of its list below: 嘉  宾: 毛群安   全国爱卫办副主任 / 许  伟   云南省…副主任."""
    found = [_line(text, at)]
    while found[-1][1] < end:
        gap = BLANK_LINES.match(text, found[-1][1])
        following = _line(text, gap.end() if gap else found[-1][1] + 1)
        if _list_entry(text[following[0]:following[1]]) is None:
            break
        found.append(following)
    return found


def _list_entry(value: str) -> tuple[str, str] | None:
    """A header list's line as name and title: 许  伟   云南省卫生健康委副主任 → 许伟, 云南省卫生健康委副主任."""
    words = value.split()
    if 1 < len(words) <= 4 and is_name("".join(words[:-1])) and is_title(fold(words[-1])):
        return "".join(words[:-1]), words[-1]
    return None


def _is_headline(text: str, line: Range, words: int, content: Range, printed: Counter[str]) -> bool:
    """A title's colon line that is the page's headline: short words without a sentence's punctuation, on
    the content's first line or on a line the page prints twice (the heading and the title above the body);
    `printed` counts the content's lines, filled on first use."""
    rest = text[words:line[1]].strip()
    if not 0 < len(rest) <= 30 or re.search(r"[，,。.！!？?；;…]", rest):
        return False
    if not printed:
        printed.update(value.strip() for value in text[content[0]:content[1]].split("\n"))
    return not text[content[0]:line[0]].strip() or printed[text[line[0]:line[1]].strip()] > 1


def _line(text: str, at: int) -> Range:
    """The line that holds an offset, without its line end (found by bisection: a page that lost its line
    ends is one line of a million characters, with a label every few)."""
    starts = line_starts(text)
    index = bisect_right(starts, at) - 1
    return starts[index], starts[index + 1] - 1 if index + 1 < len(starts) else len(text)


def _is_header_line(text: str, marker: Marker, content: Range) -> bool:
    """A metadata line that names the host (主持人: 胡强强   国家卫生健康委新闻发言人、宣传司副司长 above 嘉  宾: …):
    a name and a title after the colon, and another metadata line next."""
    if not HOST_WORDS.fullmatch(fold(marker.label)):
        return False
    line = _line(text, marker.span[0])
    rest = text[marker.span[1]:line[1]].split()
    if not rest or not is_name(rest[0]) or len(rest) > 3 or any(SENTENCE_MARKS.search(w) for w in rest):
        return False
    following = text[line[1]:min(content[1], line[1] + 200)].lstrip()
    return re.match(rf"[^\n:：﹕∶]{{1,8}}{COLON}", following) is not None


def _label_lines(text: str, content: Range, taken: set[int]) -> list[tuple[Marker, Label]]:
    """Labels on a line of their own without a colon (a table's cell): a titled name (国务院新闻办新闻局局长、
    新闻发言人 胡凯红), a title (行政長官), a name above its title line (陈文俊 / 国务院新闻办新闻局局长、新闻发言人)
    or on its own (安峰山: weak, a label where the page repeats it or names the person elsewhere), 主持人, an
    outlet's reporter; also glued to a live label (文字实录米锋)."""
    found = []
    pos = content[0]
    lines = text[content[0]:content[1]].split("\n")
    for index, line in enumerate(lines):
        stripped = line.strip()
        at = pos + len(line) - len(line.lstrip())
        pos += len(line) + 1
        if not stripped or at in taken or len(stripped) > 40 or index + 1 >= len(lines):
            continue
        glued = re.match(r"(?:文字实录|文字實錄|实录|實錄)(?=\S)", stripped)
        label = stripped[glued.end():] if glued else stripped
        if re.search(r"[:：|｜]", label) or SENTENCE_MARKS.search(label) or STAMP_AFTER.fullmatch(label):
            continue
        reading = read_label(label)
        if reading is None or (reading.role == "official" and reading.name is None
                               and title_end(fold(label)) is None):
            continue  # an organization alone on a line is a heading or a signature
        if reading.role is None and _titled_next(lines, index):
            reading = Label(None, name=reading.name)  # a name above its title line (陈文俊 / 国务院新闻办…)
        if reading.role == "journalist" and not re.search(r"记者|記者|媒体|媒體|Reporter|Journalist", label):
            continue  # an outlet's name alone on a line is a byline or the site's name
        start = at + (glued.end() if glued else 0)
        end = at + len(stripped)
        found.append((Marker(span=(start, end), label=label, label_span=(start, end)), reading))
    return found


def _titled_next(lines: list[str], index: int) -> bool:
    """Whether the line after a bare name is a title line (陈文俊 / 国务院新闻办新闻局局长、新闻发言人)."""
    following = next((line.strip() for line in islice(lines, index + 1, None) if line.strip()), "")
    return _label_part(following) is not None and title_end(fold(following)) is not None


def _label_part(value: str) -> Label | None:
    """A line that can continue a label printed over several lines: a title or a name, no sentence."""
    if not 0 < len(value) <= 40 or re.search(r"[:：]", value) or SENTENCE_MARKS.search(value):
        return None
    reading = read_label(value)
    return reading if reading and reading.role in ("official", "host", None) else None


def _join_label_lines(text: str, markers: list[Marker], content: Range) -> list[Marker]:
    """A label whose line holds nothing else takes up to two following title or name lines:
    主持人 / 国家卫生健康委新闻发言人、宣传司副司长 / 米锋 → one label, the lines joined with one space."""
    joined: list[Marker] = []
    absorbed_to = -1
    opens = {m.span[0]: m.label for m in markers}
    for marker in markers:
        if marker.span[0] < absorbed_to:
            continue  # a line taken into the label above
        end = marker.span[1]
        line = _line(text, max(end - 1, marker.span[0]))
        parts = [marker.label]
        named = bool((first := read_label(marker.label)) and first.name)
        while len(parts) < 3 and BLANK.fullmatch(text, end, line[1]):
            gap = BLANK_LINES.match(text, line[1])
            start = gap.end() if gap else line[1]
            stop = min(_line(text, start)[1], content[1])
            value = text[start:stop].strip() if stop - start <= 60 else ""  # a label part is short
            part = _label_part(value)
            if part is None or (named and part.name) or opens.get(start, value) != value:
                break  # one label names one person: 杨小广 成都市政府副秘书长 / 王清宇 … is a list
            named = named or bool(part.name)
            parts.append(value)
            end = start + len(text[start:stop].rstrip())
            line = (start, stop)
        if len(parts) == 1:
            joined.append(marker)
            continue
        absorbed_to = end
        joined.append(Marker(span=(marker.span[0], end), label=" ".join(parts), label_span=(marker.label_span[0], end),
                             date=marker.date, time=marker.time))
    return joined


def _with_outlet_lines(text: str, markers: list[Marker]) -> list[Marker]:
    """An outlet's line right above a bare reporter label is part of that label: 【新華澳報】 / 記者: … →
    新華澳報 記者 (the lines joined with one space, as a label printed over two lines is)."""
    joined: list[Marker] = []
    for marker in markers:
        above = joined[-1] if joined else None
        if above is not None and REPORTER.fullmatch(fold(marker.label)) \
                and not text[above.span[1]:marker.span[0]].strip():
            reading = read_label(above.label)
            if reading and reading.role == "journalist" and reading.outlet and not REPORTER_WORDS.search(above.label):
                joined[-1] = Marker((above.span[0], marker.span[1]), f"{above.label} {marker.label}",
                                    (above.label_span[0], marker.label_span[1]), above.date, above.time)
                continue
        joined.append(marker)
    return joined


def _with_body(text: str, content: Range, markers: list[Marker], alone: set[int]) -> list[Marker]:
    """The markers that open a turn with words: a label right above another label is a list's line, and so
    is a label line without a colon above only title lines (二、主持人 / 中共成都市委宣传部副部长)."""
    kept = []
    for marker, following in followed(markers):
        stop = following.span[0] if following else content[1]
        body = text[marker.span[1]:stop]
        if not body.strip():
            continue
        if following and marker.span[0] in alone and not any(
                len(line.strip()) > 40 or SENTENCE_MARKS.search(line) for line in body.split("\n")):
            continue
        kept.append(marker)
    return kept


def _with_narrated(text: str, span: Range, markers: list[Marker]) -> list[Marker]:
    """The markers with one at each line where a narrator opens an official's words (At the start of the
    press conference, Premier Li Keqiang said: …) on a page of labelled turns: an unlabelled turn of theirs."""
    taken = {line_start(text, m.span[0]) for m in markers}
    added = []
    for match in SAID.finditer(text, span[0], span[1]):
        who = match.group("who") or match.group("zh")
        reading = read_label(who)
        if match.start() not in taken and reading is not None and reading.role == "official":
            added.append(Marker(span=match.span(), label="", label_span=(match.end(), match.end()), role="official"))
    return merged(markers, added)


def _with_opening(text: str, start: int, markers: list[Marker]) -> list[Marker]:
    """The markers with one where the transcript opens with a greeting that no label introduces, after the
    line that says the transcript follows: 以下为文字实录: / 各位媒体朋友,女士们、先生们,大家上午好。… (a host's
    words, the first turn)."""
    lines = text[start:markers[0].span[0]].split("\n")
    opener = max((i for i, line in enumerate(lines) if TRANSCRIPT_OPENS.search(line.strip())), default=None)
    if opener is None:
        return markers
    at = start + sum(len(line) + 1 for line in lines[:opener + 1])
    words = text[at:markers[0].span[0]]
    if not lexicon.GREETS.search(fold(words[:200])):
        return markers
    at += len(words) - len(words.lstrip())
    return [Marker(span=(at, at), label="", label_span=(at, at), role="host", kind="opening"), *markers]


def _with_named_host(text: str, marker: Marker) -> Marker:
    """A host label whose title and name follow the colon takes them into its marker, so that the turn opens
    with the words: 主持人:福建省委宣传部对外新闻处处长柯宜达 女士们、先生们… (the label stays 主持人)."""
    if not HOST_WORDS.fullmatch(fold(marker.label)):
        return marker
    named = HOST_NAMED.match(text, marker.span[1])
    if named is None or split_name(named.group("who"))[0] is None:
        return marker
    return Marker((marker.span[0], named.end()), marker.label, marker.label_span, marker.date, marker.time)


def _timed(text: str, content: Range, markers: list[Marker], stamps: list[Range]) -> list[Marker]:
    """The markers with the times of the page's stamps; the stamps printed after an entry are added to
    `stamps` (their text is no turn's words).

    A page whose entries are stamped where they open ([12:46] Fu Ying: …) gives a line that opens with a
    stamp and no label an entry of its own ([12:47] That's it for the live blog.); on other pages a stamp
    closes the entry above it: …的提問 [10:07], or a line of its own under the entry (2016-03-11 09:33:18)."""
    if not markers:
        return markers
    if any(m.time for m in markers):
        taken = {line_start(text, m.span[0]) for m in markers}
        unlabelled = [Marker(match.span(), "", (match.end(), match.end()), *_date_and_time(match.group("stamp")))
                      for match in STAMP_BEFORE.finditer(text, content[0], content[1]) if match.start() not in taken]
        return merged(markers, unlabelled)
    for match in STAMP_AFTER.finditer(text, markers[0].span[0], content[1]):
        if match.group("bare") and text[line_start(text, match.start()):match.start()].strip():
            continue  # …增长4.8% 10:00 are words; [10:07] or a line of its own is a stamp
        found = match.group(0)
        stamps.append((match.start() + len(found) - len(found.lstrip()), match.end()))
    starts = [m.span[0] for m in markers]
    timed = list(markers)
    for start, end in sorted(stamps):
        index = bisect_right(starts, start) - 1
        if index >= 0 and not timed[index].time:
            day, clock = _date_and_time(text[start:end])
            old = timed[index]
            timed[index] = Marker(old.span, old.label, old.label_span, day or old.date, clock, old.role, old.kind)
    return timed


def _date_and_time(stamp: str) -> tuple[str | None, str | None]:
    """A stamp's date (if it has one) and time: [2007-10-25 15:02:07] → 2007-10-25, 15:02:07."""
    parts = STAMP_PARTS.search(stamp)
    return (parts.group("date"), parts.group("time")) if parts else (None, None)


# --- Who speaks: roles from the labels, the page's own words about its speakers, the order of turns -----

# The host introduces the others or gives them the floor: 今天我们邀请到…  出席今天发布会的有：…  首先请付凌晖先生作介绍
# 下面开始提问  I'll give the floor to Mr. Huang Runqiu.
INTRODUCES = regex.compile(
    r"邀请到|邀请的是|请到了?|请来了|我们邀请|今天.{0,10}邀请|出席今天|出席本次|有请"
    r"|(?:首先|下面|现在|接下来)[，, ]?(?:我们)?有?请|(?<!邀)请.{1,40}?(?:介绍|发布|通报|解读|作说明)"
    r"|开始提问|进入提问|请.{0,6}记者.{0,6}提问|介绍在主席台"
    r"|give the floor|invited|take your questions|introduce",
    regex.I,
)
# An official's first words that answer a question the page does not show: 关于这个问题，…  您的第一个问题，…
REPLIES = re.compile(r"^(?:关于|对于|至于)?(?:这个|你的|您的|你提到的|刚才)?(?:第.个)?问题[，,：:]|^您?你?的第.个问题"
                     r"|^谢谢你?的(?:提问|问题)|^(?:Thank you for your question|On your question|As for your question)")
# The lead says a speaker was asked to come (请黄守宏解读…, at invitation of …): the speaker does not hold
# the conference, whoever greets first.
INVITED = "(?:请|邀请|invitation of|invited)"
# Words before a title in a lead sentence: 请|国家统计局新闻发言人付凌晖, 由|国台办新闻局局长、新闻发言人安峰山主持
TITLE_LEAD_IN = regex.compile(r".*(?:邀请到|邀请了|邀请|请到了|请到|请来了|请来|有请|首先请|请|由|以及|是|为|，|,)")


@dataclass(frozen=True)
class _Page:
    """What the page says of its speakers outside their turns: the context (heading, lead, first turns), its
    folded forms, the hosts that a header names, and what the office's profile knows."""

    context: Context
    lead: str  # folded
    heading: str  # folded
    hosts: frozenset[str]
    spokespersons: frozenset[str]
    office: Layout | None


@dataclass
class _Speaker:
    role: Role | None
    name: str | None = None
    title: str | None = None


def identify(text: str, turns: list[RawTurn], lead: str, heading: str | None,
             office: Layout | None = None) -> tuple[Cast, list[TurnFacts]]:
    """Participants, roles and the facts that classification needs, for a page read by the general layout.

    A label says who speaks where it has a role word (主持人, 记者, 问, 答), a title or an outlet; a bare name
    is explained by the page (the lead's 国防部新闻发言人吴谦, the heading's 裴金佳答…问, a header's 主持人：胡强强)
    or by the order of turns (who speaks after a reporter answers); a speaker who introduces the others
    and never answers is the host. A label the page never explains is `unknown`, with its diagnostic."""
    readings = [read_label(t.marker.label) if t.marker and t.marker.label else None for t in turns]
    bodies = [text[t.body[0]:t.body[1]].strip() for t in turns]
    keys = [_speaker_key(t, r) for t, r in zip(turns, readings, strict=True)]
    context = "\n".join([heading or "", lead, *bodies[:3]])
    hosts = {fold(m.group(1)) for m in HOST_NAMED_IN_HEADER.finditer(fold(lead))}
    page = _Page(Context.of(context), fold(lead), fold(heading or ""),
                 frozenset(hosts | (office.hosts if office else set())),
                 office.spokespersons if office else frozenset(), office)
    speakers: dict[str, _Speaker] = {}
    for reading, key in zip(readings, keys, strict=True):
        if key is not None and key not in speakers:
            speakers[key] = _explain(reading, page)
    for turn, key in zip(turns, keys, strict=True):
        marker = turn.marker
        who = text[marker.label_span[1]:marker.span[1]].strip(" :：﹕∶】]\u3000\u00a0") if marker else ""
        if key and speakers[key].role == "host" and speakers[key].name is None and who \
                and (named := split_name(who))[0]:
            speakers[key].name, speakers[key].title = named  # 主持人:福建省委宣传部对外新闻处处长柯宜达 …
    # The order the conference took: a live blog printed newest first is read from its end.
    order = list(range(len(turns)))[::-1] if descending(turns) else list(range(len(turns)))
    spoken = [keys[i] for i in order]
    _by_order(spoken, speakers, [bodies[i] for i in order])
    asks = [False] * len(turns)  # askers the page does not name as reporters: their turns run up to an official's
    for position in range(len(order) - 2, -1, -1):
        asker, following = spoken[position], spoken[position + 1]
        asks[order[position]] = asker is not None and speakers[asker].role in (None, "unknown") and (
            asks[order[position + 1]] or (following is not None and speakers[following].role == "official"))
    introduced = roster(context, [t.marker.label for t in turns if t.marker])
    header_list = listed(lead)
    introduced += [o for o in header_list if all(fold(o.name) != fold(i.name) for i in introduced)]
    cast = _cast(turns, readings, keys, speakers, bodies, asks, introduced)
    for official in header_list:  # officials a header lists who do not speak on the page are participants too
        cast.participant("name:" + fold(official.name), name=official.name, label=official.name, role="official",
                         title=official.title)
    return cast, _facts(turns, bodies, cast, asks, page)


# A header line that lists the officials: 发布人:国防部新闻局局长、国防部新闻发言人吴谦大校,
# 嘉  宾: 毛群安   全国爱卫办副主任 (the lines of its list below it are `_list_entry`s).
LISTING = regex.compile(rf"^{SPACE}*(?:发布人|發布人|嘉{SPACE}*宾|嘉{SPACE}*賓|发言人|發言人){SPACE}*{COLON}{SPACE}*"
                        rf"(?P<item>\S.*)$", regex.MULTILINE)
RANK = re.compile(r"(?:大校|上校|中校|少将|中将|先生|女士|同志)$")


def listed(lead: str) -> list[Official]:
    """The officials of a header list, each with the title written beside the name."""
    found = []
    for match in LISTING.finditer(lead):
        item = match.group("item")
        entries: list[tuple[str | None, str | None]] = [
            _list_entry(item) or split_name(RANK.sub("", item.strip()))]  # 国防部新闻发言人张晓刚大校
        pos = match.end()
        while pos < len(lead):  # the list's lines below, blank lines between them
            end = lead.find("\n", pos + 1)
            end = len(lead) if end < 0 else end
            line, pos = lead[pos:end].strip(), end
            if not line:
                continue
            entry = _list_entry(line)
            if entry is None:
                break
            entries.append(entry)
        found += [Official(name, title, None, None) for name, title in entries if name and title]
    return found


def _speaker_key(turn: RawTurn, reading: Label | None) -> str | None:
    """Who a label names, the same for 保安司司長黃少澤 and 黃少澤: the folded name, else the folded label."""
    if turn.marker is None or not turn.marker.label:
        return None
    if reading and reading.name and reading.role != "journalist":
        return "name:" + re.sub(r"\s+", "", fold(reading.name))
    return "label:" + fold(turn.marker.label)


def _explain(reading: Label | None, page: _Page) -> _Speaker:
    """Who a label is, from the label and what the page says of the name in it."""
    if reading is None:
        return _Speaker(None)
    speaker = _Speaker(reading.role, reading.name, reading.title)
    name = fold(reading.name) if reading.name else None
    if reading.title and LEGISLATOR.search(fold(reading.title)):
        speaker.role = "unknown"
    elif name and reading.role != "journalist" and name in page.hosts:
        speaker.role = "host"  # the header names the host: 主持人: 胡强强 …
    elif speaker.role in ("official", "host") and reading.title and not reading.name:
        speaker.name = context_name(page.context.text, reading.title)  # 行政長官 is 行政長官梁振英今日…
    elif speaker.role is None and reading.name:
        speaker.title = context_title(page.context, reading.name)  # the page's own words on the name
        if speaker.title is not None or regex.search(rf"{regex.escape(name or '')}.{{0,12}}答", page.heading):
            speaker.role = "official"  # 国防部新闻发言人吴谦大校答记者问; 裴金佳答媒體記者問環節
        elif name in page.spokespersons and page.office:
            speaker.role, speaker.title = "official", page.office.official_title  # 朱凤莲 on a 国台办 page
    return speaker


@dataclass(frozen=True)
class Context:
    """Where a page speaks of its speakers (heading, lead, first turns), folded once for every name it is
    searched for: without pinyin residue (`offsets`: where each character stands in `text`), simplified."""

    text: str
    folded: str
    offsets: list[int]

    @classmethod
    def of(cls, text: str) -> Context:
        plain, offsets = _without_residue(text)
        return cls(text, fold(plain), offsets)


def context_title(where: Context, name: str) -> str | None:
    """The title that the page writes right before a name, as written (where it names the person more than
    once, the one after a lead-in word such as 请 or 由, then the longest): 邀请到国家统计局新闻发言人付凌晖,
    由國(guó)臺(tái)辦新聞局副局長(zhǎng)、新聞發(fā)言人安峰山主持, Premier Li Keqiang; or after an English name: Xing
    Huina, deputy director general of …"""
    context, folded, offsets = where.text, where.folded, where.offsets
    best: tuple[bool, int, str] | None = None  # (after a lead-in word, length, title): the greatest wins
    for match in regex.finditer(rf"([\p{{Han}}、《》]{{2,40}}?){SPACE}*{regex.escape(fold(name))}", folded):
        start, end = match.span(1)
        lead_in = TITLE_LEAD_IN.match(folded, start, end)
        if lead_in:
            start = lead_in.end()
        for other in NAMED_TITLE.finditer(folded, start, end):  # 办公厅主任兼新闻发言人周学东、|调查统计司司长…
            start = other.end()
        while end > start and folded[end - 1] == "、":
            end -= 1
        if end - start >= 2 and is_title(folded[start:end]):
            found = (lead_in is not None, end - start, context[offsets[start]:offsets[end - 1] + 1])
            best = max(best, found) if best else found
    if best is None and name.isascii():
        titled = re.search(rf"((?:[A-Z][a-z]+ ){{1,3}}){re.escape(name)}", context)
        if titled and EN_TITLES.search(titled.group(1)):
            return titled.group(1).strip()
        if described := re.search(rf"{re.escape(name)}, ((?:the )?[a-z][^.;\n]{{3,160}}?)(?:[.;\n]|$)", context):
            return described.group(1).strip()
    return best[2] if best else None


def context_name(context: str, title: str) -> str | None:
    """The name that the page writes right after a title: 行政長官梁振英今日…, the Chief Executive, Mr Donald Tsang."""
    if title.isascii():
        named = re.search(rf"{re.escape(title)},? (?:Mr|Ms|Mrs|Dr)?\.? ?([A-Z][a-z]+ [A-Z][a-z]+)\b", context)
        return named.group(1) if named else None
    for match in regex.finditer(rf"{regex.escape(title)}(\p{{Han}}{{2,4}})", context):
        words = match.group(1)
        for size in (4, 3, 2) if fold(words[:2]) in lexicon.COMPOUND_SURNAMES else (3, 2):
            # 行政长官李家超表示: the name ends where a verb or a particle begins (…王伟说 is 王伟).
            if len(words) >= size and is_name(words[:size]) and not NAME_ENDS.match(fold(words[size - 1:size])):
                return words[:size]
    return None


# Characters that follow a name rather than end it: 今 (今日), 在, 说, 表 (表示), 出 (出席), 主 (主持), 介 (介绍),
# 先 (先生), 女 (女士), 同 (同志).
NAME_ENDS = re.compile(r"[今在说表指强出主介回答等和及与也对就于将已为是先女同]")  # …王伟先生表示


def _without_residue(text: str) -> tuple[str, list[int]]:
    """The text without pinyin residue, and where each of its characters stands in the text."""
    plain: list[str] = []
    offsets: list[int] = []
    pos = 0
    for match in lexicon.PINYIN_RESIDUE.finditer(text):
        plain.append(text[pos:match.start()])
        offsets.extend(range(pos, match.start()))
        pos = match.end()
    plain.append(text[pos:])
    offsets.extend(range(pos, len(text)))
    return "".join(plain), offsets


# A person named inside a run of titles, whose title the next name's does not include: …新闻发言人周学东、
NAMED_TITLE = regex.compile(rf"(?:{lexicon.TITLE_WORD.pattern})\p{{Han}}{{2,3}}、")


def _by_order(keys: list[str | None], speakers: dict[str, _Speaker], bodies: list[str]) -> None:
    """Roles from the order of turns: who speaks after a reporter's question answers it (an official); who
    introduces the others or ends the conference, and never answers, hosts it."""
    answering = {key for before, key in pairwise(keys)
                 if before and key and speakers[before].role == "journalist" and speakers[key].role != "journalist"}
    first_question = next((i for i, k in enumerate(keys) if k and speakers[k].role == "journalist"), len(keys))
    hosting = {key for index, key in enumerate(keys)
               if key is not None and key not in answering and speakers[key].role in (None, "official") and (
                   (index <= first_question and INTRODUCES.search(fold(bodies[index])))
                   or lexicon.CLOSES.search(fold(bodies[index][-120:])))}
    for key, speaker in speakers.items():
        if key in hosting:
            speaker.role = "host"
        elif speaker.role is None and key in answering:
            speaker.role = "official"


def _cast(turns: list[RawTurn], readings: list[Label | None], keys: list[str | None], speakers: dict[str, _Speaker],
          bodies: list[str], asks: list[bool], introduced: list[Official]) -> Cast:
    """Participants and outlets, each turn's speaker, and a diagnostic for each label the page never explains.
    Titles and honorifics come from the host's introduction where it names the speaker, else the label."""
    cast = Cast()
    by_name = {fold(o.name): o for o in introduced}
    # Where the conference opens: the first turn of a host or an official (a site narrating before it).
    opened = next((i for i, k in enumerate(keys) if k and speakers[k].role in ("host", "official")), len(turns))
    for index, (turn, reading, key) in enumerate(zip(turns, readings, keys, strict=True)):
        marker = turn.marker
        if key is None or marker is None:
            cast.speaker_of_turn.append(None)
            cast.role_of_turn[index] = marker.role if marker and marker.role else "unknown"
            continue
        speaker = speakers[key]
        role = speaker.role or "unknown"
        if role == "journalist" and reading and reading.outlet:
            if index < opened and not re.search(r"[？?]", bodies[index]) and not REPORTER_WORDS.search(marker.label):
                # A site that narrates a live text in its own name (中國網：…会场已经坐满了记者。) asks nothing.
                cast.speaker_of_turn.append(cast.participant(f"{key}:narrator", label=marker.label, role="unknown"))
            else:
                cast.speaker_of_turn.append(cast.journalist(marker.label, reading.outlet, reading.name))
            continue
        if role == "journalist" and not speaker.name:
            # 问, 记者, Q, Reporter name nobody: the page does not say who asks, and no participant stands for
            # all its questions.
            cast.speaker_of_turn.append(None)
            cast.role_of_turn[index] = role
            continue
        name = re.sub(r"\s+", "", speaker.name) if speaker.name and not speaker.name.isascii() else speaker.name
        official = by_name.get(fold(name)) if name else None
        title = official.title if official else speaker.title
        organization = official.organization if official else None
        if organization is None and title and (org := lexicon.ORGANIZATION.match(fold(title))) \
                and org.end() < len(title):
            organization = title[:org.end()]
        cast.speaker_of_turn.append(cast.participant(
            key, name=name, label=marker.label, role=role, title=title, organization=organization,
            honorific=official.honorific if official else None))
        if role == "unknown" and not asks[index] and cast.first_turn.setdefault(key, index) == index:
            cast.diagnostics.append(diagnostic(
                "speakers.unknown_label", f"the page does not say who {marker.label!r} is", span=marker.label_span))
    return cast


def _facts(turns: list[RawTurn], bodies: list[str], cast: Cast, asks: list[bool], page: _Page) -> list[TurnFacts]:
    """What each turn's words say beyond its speaker's role: a greeting, a closing, an answer to a question
    the page does not show; read in the order the conference took (a live blog newest first, backwards)."""
    roles = [cast.turn_role(i) for i in range(len(turns))]
    names = {p["id"]: p.get("name") for p in cast.participants}
    order = range(len(turns) - 1, -1, -1) if descending(turns) else range(len(turns))
    first_question = next((i for i in order if roles[i] == "journalist" or asks[i]), None)
    facts: dict[int, TurnFacts] = {}
    invited: dict[str, bool] = {}  # by name: the lead says the speaker was asked to come
    opened = asked = hosted = False  # so far: a greeting, the first question, a host's turn
    for index in order:
        turn, body, role = turns[index], bodies[index], roles[index]
        opening = fold(body[:200])
        greets = bool(lexicon.GREETS.search(opening) or (role == "host" and INTRODUCES.search(fold(body))))
        asked = asked or index == first_question
        name = names.get(cast.speaker_of_turn[index] or "")
        if name and name not in invited:
            invited[name] = regex.search(rf"{INVITED}.{{0,60}}{regex.escape(fold(name))}", page.lead) is not None
        facts[index] = TurnFacts(
            kind=turn.marker.kind if turn.marker else None,
            asks=asks[index] and role != "official",
            greets=greets,
            closes=lexicon.CLOSES.search(fold(body[-120:])) is not None,
            # An official before the first question of a page that has not opened, without a greeting: the
            # page begins inside the conference, and the official answers a question it does not show.
            replies=REPLIES.search(opening) is not None or (
                role == "official" and first_question is not None and not asked and not opened and not greets),
            presides=bool(name) and role == "official" and not hosted and not invited.get(name or "") and greets,
            asks_back=body.endswith(("？", "?")),
            follow_up=bool(turn.marker and FOLLOW_UP.search(fold(turn.marker.label))),
        )
        opened = opened or greets or role == "host"
        hosted = hosted or role == "host"
    return [facts[i] for i in range(len(turns))]


@dataclass(frozen=True)
class GeneralLayout(Layout):
    """The layout of a site without a profile: labels of every form read as one scheme (`read`), speakers
    explained by the page itself (`identify`)."""

    def read(self, page: Page, names: frozenset[str], matches: tuple[re.Match[str], ...] | None) -> Reading:
        return read(page.text, page.content, names | self.spokespersons | self.hosts, page.emphasis)

    def cast(self, text: str, turns: list[RawTurn], preamble: Range, heading: str | None,
             speaker: str | None, names: frozenset[str]) -> tuple[Cast, list[TurnFacts]]:
        return identify(text, turns, text[preamble[0]:preamble[1]], heading, self)


GENERAL = GeneralLayout(name="general", marker=re.compile(r"(?!)"))  # its labels are read by `read`, not one pattern
