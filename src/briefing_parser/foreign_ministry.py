"""The Foreign Ministry's regular press conferences (www.fmprc.gov.cn, 2013-2020): its profiles and conventions."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial
from typing import TYPE_CHECKING

from . import collect
from .classify import TurnFacts
from .html import Page
from .layouts import INDENT, SPACE, Cue, LabelReading, Layout, casefolded, register
from .segment import (
    Marker,
    Range,
    RawTurn,
    followed,
    line_matches,
    line_start,
    lines,
    merged,
    question_reader,
    strip_span,
)

if TYPE_CHECKING:  # speakers imports layouts, which registers this profile on import
    from .speakers import Cast

# Spokespersons 2013-2020, for pages whose heading does not name one (text bodies, dialogue turns such as
# 陆慷：… on a page of 华春莹's); the heading adds others.
SPOKESPERSONS_ZH = frozenset({"秦刚", "洪磊", "华春莹", "陆慷", "耿爽", "赵立坚", "汪文斌"})
SPOKESPERSONS_EN = frozenset({"Qin Gang", "Hong Lei", "Hua Chunying", "Lu Kang", "Geng Shuang", "Zhao Lijian",
                              "Wang Wenbin"})
READINGS_KEPT = 4096  # label readings a layout keeps (a site's pages use a few dozen labels)


@dataclass(frozen=True)
class ForeignMinistry(Layout):
    """The Ministry's pages: answers without a label, the heading as the title, no region.

    Questions are set in bold and answers are not, and every question is answered: a paragraph that is not
    bold after a bold question opens its answer, and so does the second paragraph of a question that no
    answer follows. The heading (2020年1月2日外交部发言人耿爽主持例行记者会) is the title and dates the
    conference. A national body's pages speak for no city or province, whatever cities their text names
    (武汉 in a briefing on the epidemic)."""

    # Label rules: every label must be read by them (记者笑：…, 中国有句古语：… are sentences).
    # Follow-up labels by pattern: 追问一, 彭博社记者追问, Follow-up question.
    follow_up: re.Pattern[str] | None = None
    # A journalist answering the spokesperson's question back: 记者解释, Journalist adds.
    reply: re.Pattern[str] | None = None
    # A journalist's label naming the outlet (group `outlet`): 《南华早报》记者, AFP.
    outlet_label: re.Pattern[str] | None = None
    # Labels shaped like outlets that are not (First:, Note:).
    not_outlet: re.Pattern[str] | None = None
    # A known spokesperson narrated at a line start (group `name`), for a page whose heading names none.
    narrated: re.Pattern[str] | None = None

    # Labels read, by label and names, each reading in a 1-tuple (a label may read as None): detection,
    # the markers, the answers and the speakers all read a page's labels, and the site's pages share them
    # (问, 答, 赵立坚). A reading is immutable, so it is shared; the cache is emptied when full, so that
    # pages of many distinct labels do not grow it.
    _readings: dict[tuple[str, frozenset[str]], tuple[LabelReading | None]] = field(
        default_factory=dict, init=False, repr=False, compare=False)

    def read_label(self, label: str, names: frozenset[str] = frozenset()) -> LabelReading | None:
        """What the label says: 问/答 and the like by their fixed roles, 记者解释 a reply, a spokesperson by
        name, an outlet's reporter; None for anything else (记者笑, First), whose line is text."""
        readings = self._readings
        if kept := readings.get((label, names)):
            return kept[0]
        reading = self._apply_label_rules(label, names)
        if len(readings) >= READINGS_KEPT:
            readings.clear()
        readings[label, names] = (reading,)
        return reading

    def _apply_label_rules(self, label: str, names: frozenset[str]) -> LabelReading | None:
        """`read_label` without the cache."""
        follow_up = label in self.follow_up_labels or bool(self.follow_up and self.follow_up.fullmatch(label))
        if label in self.fixed_roles:
            return LabelReading(self.fixed_roles[label], follow_up=follow_up)
        if self.reply and self.reply.fullmatch(label):
            return LabelReading("journalist", reply=True)
        folded = casefolded(names)
        if (key := label.casefold()) in folded:
            return LabelReading("official", name=folded[key])
        if self.not_outlet and self.not_outlet.fullmatch(label):
            return None
        if self.outlet_label and (match := self.outlet_label.fullmatch(label)):
            outlet = match.group("outlet")
            return LabelReading("journalist", outlet=outlet or None, follow_up=follow_up)
        if follow_up:  # 追问一, 记者追问
            return LabelReading("journalist", follow_up=True)
        return None

    def speaker(self, heading: str | None, text: str, content: tuple[int, int]) -> str | None:
        """The spokesperson the heading or the opening names, else one the text narrates (华春莹表示，…)."""
        found = super().speaker(heading, text, content)
        if found is None and self.narrated is not None:
            found = next((m.group("name") for m in line_matches(self.narrated, text, *content)), None)
        return found

    def cast(self, text: str, turns: list[RawTurn], preamble: Range, heading: str | None,
             speaker: str | None, names: frozenset[str]) -> tuple[Cast, list[TurnFacts]]:
        from .speakers import cast_by_labels

        return cast_by_labels(self, text, turns, speaker, names)

    def answers(self, text: str, page: Page, markers: list[Marker], names: frozenset[str]) -> list[Marker]:
        photos = frozenset(img.span for img in page.images)  # image lines, which are no paragraphs
        if page.emphasis:
            markers = split_bold_questions(text, page.content, markers, page.emphasis, photos, self, names)
        return split_inline_answers(text, page.content, markers, photos, self, names)

    def heading(self, page: Page) -> tuple[str | None, date | None]:
        if not page.title:
            return None, None
        title = collect.join_broken_heading(page.title)
        return title, collect.heading_date(title, partial(_year_of, page))

    def region(self, text: str, lines: list[str]) -> str | None:
        return None


_HAN = "\u4e00-\u9fff"
_ZH_END = rf"{SPACE}*[：:]{SPACE}*"  # full-width or ASCII colon (问:), both seen
# Every zh label form; the rules in `read_label` decide which are labels on the page:
#   问：  答：  追问：  追问一：  记者：  记者追问：  记者解释：  法新社记者：  《南华早报》记者：
#   路透社记者提问：  彭博社记者追问：  加拿大《环球邮报》记者：  赵立坚：  华春莹：
# A label never starts with an opening bracket: （记者：日本媒体。…） sits inside an answer.
_ZH_MARKER = re.compile(
    rf"{INDENT}(?P<label>问|答|追问[一二三四五六七八九十\d]?"
    rf"|[^\s：:，,。！!？?；;、（(“\"'\d*＊][^\s：:，,。！!？?；;、（）()“”\"]{{0,23}}?记者(?:追问|提问|回答|解释|澄清|补充|说明)?"
    rf"|记者(?:追问|提问|回答|解释|澄清|补充|说明)?"
    rf"|[{_HAN}]{{2,4}}){_ZH_END}",
    re.MULTILINE,
)
_ZH_CUES = (
    # 会后有记者问及：…  会后，有记者问及：…  会后有俄罗斯记者问及：…  有记者问：…
    Cue(r"(?:会后[，,]?)?有[^\s：:，,。]{0,10}?记者问(?:及|到)?[：:，,]", "journalist", "question"),
    # The spokesperson's reply to it, told in the third person: 华春莹表示，我们对…  耿爽表示：…
    Cue(r"(?:{name})表示[：:，,]", "official", "answer"),
)
# After the last answer: recess notices, season's greetings, the next day's events after a rule.
#   如果没有问题了，我宣布一则通知：…  外交部例行记者会将于8月6日…休会  祝大家暑期愉快！
#   华春莹最后宣布：明天是元旦…  ******************************  *　　　*　　　*
_ZH_CLOSING = re.compile(
    rf"{INDENT}(?:[*＊](?:[*＊]|{SPACE})*$|如果?没有(?:其他|别的|更多)?问题了?[，,]"
    rf"|[{_HAN}]{{2,3}}最后宣布|今天的(?:例行)?记者会(?:就)?到(?:这里|此)"
    rf"|(?:根据.{{0,40}}放假安排[，,])?(?:外交部|当日的?|明天的?)?(?:外交部)?例行记者会(?:将)?(?:于|暂停|休会)"
    rf"|祝(?:大家|各位)[^。]{{0,12}}(?:快乐|愉快)[！!。]?$)",
    re.MULTILINE,
)
_ZH_SPOKESPERSON = (
    # 2020年1月2日外交部发言人耿爽主持例行记者会  外交部发言人耿爽就…答记者问  外交部发言人赵立坚宣布：
    # 外交部发言人耿爽 就…（a <br> in the heading）  外交部发言人耿爽2月15日答记者问  中国代表团发言人陆慷答记者问
    re.compile(rf"(?:外交部|中国代表团)发言人(?P<name>[{_HAN}]{{2,3}}?){SPACE}*(?:主持|就|宣布|表示|答|发表|介绍|\d)"),
)
# A text copy without its heading names its spokesperson only where it narrates them at a line start:
#   华春莹表示，中方一向坚持…  洪磊表示：…  华春莹首先介绍了今天上午…  华春莹最后宣布，明天上午…
_ZH_NARRATED = re.compile(
    rf"{INDENT}(?P<name>{'|'.join(sorted(SPOKESPERSONS_ZH))})(?:首先|最后|还)?(?:表示|宣布|介绍)", re.MULTILINE)

MFA_QA = register(ForeignMinistry(
    name="mfa-qa",
    marker=_ZH_MARKER,
    fixed_roles={"问": "journalist", "答": "official", "记者": "journalist", "记者提问": "journalist",
                 "外国记者": "journalist", "外国记者提问": "journalist"},
    follow_up=re.compile(r"追问[一二三四五六七八九十\d]?|.*记者追问"),
    reply=re.compile(r"记者(?:回答|解释|澄清|补充|说明)"),
    # 法新社记者 → 法新社; 《澳大利亚人报》记者 → 《澳大利亚人报》 (speakers strips the brackets)
    outlet_label=re.compile(r"(?P<outlet>.+?)的?记者(?:追问|提问)?"),
    answer_labels=frozenset({"答"}),
    soft_labels=frozenset({"记者"}),
    cues=_ZH_CUES,
    closing=_ZH_CLOSING,
    preamble_role="official",
    spokesperson=_ZH_SPOKESPERSON,
    narrated=_ZH_NARRATED,
    spokespersons=SPOKESPERSONS_ZH,
    official_title="外交部发言人",
    official_organization="外交部",
    container_selectors=("#News_Body_Txt_A",),
    title_selectors=("#News_Body_Title",),
    detect_labels=re.compile(r"问|答|追问.?"),
    site=re.compile(r"外交部发言人|中华人民共和国外交部"),
    claim=re.compile("外交部|" + "|".join(sorted(SPOKESPERSONS_ZH))),
    min_markers=2,
))
# From 2020-03-24: 路透社记者：… / 赵立坚：…  (same labels, named speakers; 追问 still used).
MFA_NAMED = register(replace(MFA_QA, name="mfa-named", detect_labels=re.compile(r".+记者.{0,2}|[\u4e00-\u9fff]{2,3}")))

# English: Q: / A: / Follow-up: / Journalist: (2018-2020-03), then AFP: / Zhao Lijian: (from 2020-03-24).
# An outlet label is a run of capitalized words (The Globe and Mail, ITN&BBC, CCTV4, Bloomberg News);
# a colon followed by a digit is a clock (At 10:00, As of 24:00, Between 00:00 and 24:00).
# Its runs of word characters are taken whole (possessive, as the indent): what follows a run (a space, a
# colon) is no word character, so a character given back could make no match, only more tries.
_EN_WORD = r"[A-Z0-9][\w.&’'\-]*+"
_EN_MARKER = re.compile(
    rf"{INDENT}(?P<label>Q|A|Follow[- ]up(?: [Qq]uestion)?"
    r"|(?:The |Foreign )?[Jj]ournalist(?: (?:adds|added|clarifies|clarified|explains|explained|asks|asked))?"
    r"|Reporter"
    rf"|{_EN_WORD}(?:[ \u00a0](?:{_EN_WORD}|and|of|the|de|du|for|&)){{0,5}}"
    rf"|[A-Z][a-z]++ [a-z]++){SPACE}*[:：](?!\d){SPACE}*",
    re.MULTILINE,
)
# A question asked after the conference, told on the line that asks it (the answer follows, labelled or not):
#   Question raised after the press conference: Media reports say a US C-40A transport jet flew over …?
#   After the Press Conference, a journalist asked if China is going to offer assistance to Iran …
#   The following question was raised (by a journalist) after the press conference: …
#   After the press conference, the following question was raised: …   This question was raised after …: …
#   A journalist posed the following question after the press conference: …
# A line that only announces the question (…after the press conference:, a Q: line under it) opens none.
_AFTER = r"after the [Pp]ress [Cc]onference"
_EN_CUES = (
    Cue(rf"(?:(?:Question|The following question|This question) (?:was |is )?raised (?:by a journalist )?{_AFTER}"
        rf"|After the [Pp]ress [Cc]onference, the following question (?:was|is) raised"
        rf"|A journalist posed the following question {_AFTER})[:：][^\S\n]*\S"
        rf"|After the [Pp]ress [Cc]onference, a journalist asked (?!the following)", "journalist", "question"),
)
_EN_CLOSING = re.compile(
    rf"{INDENT}(?:[*＊](?:[*＊]|{SPACE})*$|If there (?:are|is) no (?:more |other |further )?questions?"
    r"|That concludes|This is the last regular press conference"
    r"|The regular press conference .{0,60}(?:will be|is) (?:adjourned|suspended|cancelled|resumed)"
    r"|(?:We )?[Ww]ish (?:you|everyone) (?:all )?a)",
    re.MULTILINE,
)
MFA_EN_QA = register(ForeignMinistry(
    name="mfa-en-qa",
    marker=_EN_MARKER,
    fixed_roles={"Q": "journalist", "A": "official", "Journalist": "journalist", "journalist": "journalist",
                 "Reporter": "journalist", "Foreign Journalist": "journalist", "Foreign journalist": "journalist",
                 "Follow-up": "journalist", "Follow up": "journalist", "Follow-up question": "journalist",
                 "Follow-up Question": "journalist"},
    follow_up=re.compile(r"Follow[- ]up.*"),
    reply=re.compile(r"(?:The )?[Jj]ournalist (?:adds|added|clarifies|clarified|explains|explained)"),
    outlet_label=re.compile(r"(?P<outlet>.+)"),
    # Words that open a paragraph of an answer like a label: First: …  Note: …
    not_outlet=re.compile(r"(?:First|Second|Third|Fourth|Fifth|Firstly|Secondly|Thirdly|Finally|Lastly|Last|"
                          r"Next|Note|Notes|PS|P\.S\.|Source|Photo|Time|Date|Venue|Address|Tel|Fax|E-?mail|"
                          r"Website|Topic|Subject|Title|Attachment|Appendix|Update|Example|Answer|Question)"),
    answer_labels=frozenset({"A"}),
    soft_labels=frozenset({"Journalist", "journalist", "Reporter"}),
    cues=_EN_CUES,
    closing=_EN_CLOSING,
    preamble_role="official",
    spokesperson=(
        # Foreign Ministry Spokesperson Geng Shuang's Regular Press Conference on June 22, 2018
        re.compile(r"Spokesperson (?P<name>[A-Z][a-z]+ [A-Z][a-z]+)(?:'s|’s| Answers| on|,)"),
    ),
    spokespersons=SPOKESPERSONS_EN,
    official_title="Foreign Ministry Spokesperson",
    official_organization="Ministry of Foreign Affairs",
    container_selectors=("div.content",),
    title_selectors=("h2.title",),
    detect_labels=re.compile(r"Q|A|Follow.*|.*[Jj]ournalist.*|Reporter"),
    site=re.compile(r"Foreign Ministry Spokesperson|Ministry of Foreign Affairs, the People's Republic of China"),
    claim=re.compile("Foreign Ministry|Ministry of Foreign Affairs|" + "|".join(sorted(SPOKESPERSONS_EN))),
))
# Named pages count the outlet and name labels: everything but Q, A, Follow-up and Journalist.
MFA_EN_NAMED = register(replace(MFA_EN_QA, name="mfa-en-named", detect_labels=re.compile(
    r"(?!(?:Q|A|Reporter)$)(?!Follow)(?!(?:The |Foreign )?[Jj]ournalist).+")))




# Upload stamps in the image names of the Ministry's CMS: W020180910….jpg → 2018-09-10, on the conference's day or
# up to three days after it (4,659 images of the corpus).
UPLOAD_STAMP = re.compile(r"W0(20\d{2})(\d{2})(\d{2})")
# The dateline stands just above the transcript: 来源： （供稿） （供稿）   2018-02-16
DATELINE_REACH = 300


def _year_of(page: Page, month: int, day: int) -> int | None:
    """The year of a heading's day that has none ("… on September 21", 2月15日): from the images' upload stamps,
    else from the dateline above the transcript."""
    uploads = []
    for img in page.images:
        if stamp := UPLOAD_STAMP.search(img.filename):
            with suppress(ValueError):
                uploads.append(date(int(stamp[1]), int(stamp[2]), int(stamp[3])))
    dateline = collect.first_date(page.text[max(0, page.content[0] - DATELINE_REACH):page.content[0]])
    return collect.year_before([*uploads, *([dateline] if dateline else [])], month, day)


# --- Answers without a label ---------------------------------------------------------------------

def split_bold_questions(text: str, content: Range, markers: list[Marker], emphasis: Sequence[Range],
                         photos: frozenset[Range], layout: Layout, names: frozenset[str] = frozenset()) -> list[Marker]:
    """The markers with one added where a bold question is followed by a paragraph that is not
    bold: its unlabelled answer, the spokesperson's (`bold_questions` layouts), e.g.
        <B>追问：你认为印度是如何违反了一个中国原则？</B>
        刚才我已经说过，我们坚决反对…        ← opens an answer turn
    A question whose first paragraph is not bold as a whole (`<B>问：</B>text`) is left alone;
    bold paragraphs after the first stay in the question, and `photos` (image lines) are skipped."""
    asks_question = question_reader(layout, names, replies=False)
    answers = []
    for marker, following in followed(markers):
        if asks_question(marker) and (turn := _paragraphed_turn(text, content, marker, following)):
            at = find_plain_paragraph(text, turn, emphasis, photos)
            if at is not None:
                answers.append(at)
    return _with_answers(markers, answers)


def _paragraphed_turn(text: str, content: Range, marker: Marker, following: Marker | None) -> Range | None:
    """A marker's turn from the start of its line to the next marker (or the content's end), where a line
    after the first holds text; None for a turn of one line (nearly every question: 问：…？ then the next
    label), which has no second paragraph."""
    end = following.span[0] if following else content[1]
    line_end = text.find("\n", marker.span[0], end)
    if line_end < 0 or text[line_end:end].isspace():
        return None
    return line_start(text, marker.span[0]), end


def _with_answers(markers: list[Marker], starts: list[int]) -> list[Marker]:
    """The markers with an unlabelled answer marker added at each start."""
    added = [Marker(span=(at, at), label="", label_span=(at, at), role="official", kind="answer") for at in starts]
    return merged(markers, added)


def split_inline_answers(text: str, content: Range, markers: list[Marker], photos: frozenset[Range],
                         layout: Layout, names: frozenset[str] = frozenset()) -> list[Marker]:
    """The markers with an answer marker added at the second paragraph of each question turn that
    no answer follows (`inline_answers` layouts), e.g.
        记者：是的。
        中方已就此多次介绍过有关情况。…        ← opens an answer turn
        问：据美国大学预修课程考试…
    `photos` (image lines) are not paragraphs."""
    asks = list(map(question_reader(layout, names), markers))  # each marker read once, not again as the next
    answers = []
    for index, (marker, following) in enumerate(followed(markers)):
        # A question turn that no answer follows: the next marker asks too, or there is none.
        if not asks[index] or (following is not None and not asks[index + 1]):
            continue
        turn = _paragraphed_turn(text, content, marker, following)
        if turn is None:
            continue
        paragraphs = [line for line in lines(text, turn) if strip_span(text, line) not in photos]
        if len(paragraphs) > 1:
            answers.append(strip_span(text, paragraphs[1])[0])
    return _with_answers(markers, answers)


def find_plain_paragraph(text: str, span: Range, emphasis: Sequence[Range], photos: frozenset[Range]) -> int | None:
    """Where the first line after a bold first line that is not bold starts (after its indent);
    None when the first line is not bold or every later line is."""
    first = True
    for line in lines(text, span):
        bold = is_emphasized(text, line, emphasis)
        if first:
            if not bold:
                return None
            first = False
        elif not bold and strip_span(text, line) not in photos:
            return line[0] + len(text[line[0]:line[1]]) - len(text[line[0]:line[1]].lstrip())
    return None


def is_emphasized(text: str, span: Range, emphasis: Sequence[Range]) -> bool:
    """Whether every character of the span but white space lies in an emphasis range."""
    start, end = span
    pos = start
    index = max(bisect_left(emphasis, (start, start)) - 1, 0)  # the range before may reach into the span
    for em_start, em_end in emphasis[index:]:
        if em_start >= end:
            break
        if em_end <= pos:
            continue
        if text[pos:em_start].strip():
            return False
        pos = max(pos, em_end)
    return not text[pos:end].strip()
