"""What a page mentions besides its turns: images, phone numbers, dates, title, series, region."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import regex

from .errors import diagnostic
from .html import PageImage
from .schema import INT_MAX, Diagnostic

CHINA = timezone(timedelta(hours=8), "Asia/Shanghai")  # no DST since 1991

# Image file names written into the text: 微信图片_20230331121901.jpg, also glued to a sentence
# (…如何部署开展？微信图片_202303311219017.jpg), W020190102611867770996.jpg, IMG_1234.JPG.
IMAGE_NAME = regex.compile(
    r"(?:微信图片|图片|截图|照片)?[_\-]?[A-Za-z0-9][\w\-.()]*?\.(?:jpe?g|png|gif|bmp|webp|tiff?)(?![\w.])"
    r"|(?:微信图片|图片|截图|照片)[_\-]?\d[\w\-]*\.(?:jpe?g|png|gif|bmp|webp)(?![\w.])",
    regex.IGNORECASE,
)
# Where a name can end; found first so the name pattern runs only near real extensions (searched
# from every letter, its open-ended name part makes long words quadratic).
IMAGE_EXTENSION = re.compile(r"\.(?:jpe?g|png|gif|bmp|webp|tiff?)(?![\w.])", re.IGNORECASE)
LONGEST_IMAGE_NAME = 160
# The characters an image name is made of (IMAGE_NAME's), matched backwards from its extension:
# `W020190102611867770996` before `.jpg`.
NAME_CHARS_BEFORE = regex.compile(r"[\w\-.()]*", regex.REVERSE)
# A part of text can hold an image name only where one of these stands: `.jpg` in 微信图片_20230331121901.jpg.
IMAGE_EXTENSION_SIGN = re.compile(r"\.(?:jpe?g|png|gif|bmp|webp|tif)", re.IGNORECASE)
# WeChat names carry the capture time, with an optional counter: 微信图片_20230331121901(5).jpg
WECHAT_TIME = re.compile(r"(?:微信图片|mmexport|IMG|wx_camera)_?(\d{14})", re.I)

# Phone numbers: +86 538 6991152, 0538-6991152, (0538)6991152, 13812345678, bare 6991152 after
# 电话/热线/联系. The look-arounds keep them out of longer digit and letter runs (dates, ids, ICP
# numbers) but not out of Chinese text, where numbers stand glued to words: 请拨打13812345678咨询.
PHONE = re.compile(
    r"(?<![\dA-Za-z+])(?:"
    r"(?P<intl>\+?86[ \-]?(?:1[3-9]\d{9}|0?[1-9]\d{1,2}[ \-]?\d{7,8}))"
    r"|(?P<mobile>1[3-9]\d{9})"
    r"|(?P<landline>(?:[(（]0[1-9]\d{1,2}[)）]|0[1-9]\d{1,2})[ \-]?\d{7,8}(?:[-转]\d{1,5})?)"
    r"|(?P<hotline>12\d{3})"
    r"|(?P<local>[2-9]\d{6,7})"
    r")(?![\dA-Za-z])"
)
# Every number above holds a run of five digits: a page (or turn) without one has no number, and
# this search is far cheaper than PHONE, whose leading look-behind is tried at every offset. (`regex`
# scans for a repeated class several times faster than `re`, which tries it at every offset.)
DIGIT_RUN = regex.compile(r"\d{5}")
# The most a number holds before its first five-digit run: `+86 053` in +86 0538 6991152 (9), so
# the search for numbers can start that far before the first run rather than at the span's start.
PHONE_LEAD = 9
PHONE_CUE = re.compile(r"(?:电话|热线|联系|咨询|手机|座机|Tel|Phone)\D{0,6}$", re.I)
# 会后请联系市科技局机关党委,联系电话:6991152 → 市科技局机关党委; 拨打外交部…应急热线12308 → 外交部…应急
# (not after 咨询, which mostly starts a noun: 咨询服务热线)
OWNER = regex.compile(
    r"(?:联系|致电|拨打)(?P<owner>(?!电话|热线|手机|座机|方式)\p{Han}[\p{Han}\w（）()]{1,30}?)[，,、：:\s]*(?:的?(?:联系)?电话|热线|$)"
)
SERIES = regex.compile(
    r"[“\"「](?P<name>[^”\"」]{2,40})[”\"」]\s*系列(?:主题)?新闻发布会(?:的)?"
    r"第(?P<number>[零〇一二两三四五六七八九十百\d]+)场"
)
ORGANIZER = regex.compile(
    r"(?P<org>[\p{Han}]{0,12}?(?:新闻办公室|新闻办|新闻中心|宣传部))(?:举行|召开|的)?(?:新闻)?发布会"
)
ZH_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
TIME = re.compile(r"(\d{1,2})[:：](\d{2})(?:[:：](\d{2}))?")
# 来源：本站原创 → 本站原创; 来源:湖北生态环境2024/10/20 14:08 → 湖北生态环境 (the date is the dateline's). The
# Ministry's 来源： （供稿） （供稿）   2018-02-16 names no origin: （供稿） (contributed) is a note, not a source.
ORIGIN = re.compile(
    r"来源(?:于)?\s*[:：]?\s*(?:[（(]供稿[）)]\s*)*"
    r"(?P<origin>(?![（(]供稿[）)])(?!\d{4}[-/.年])[^\s|｜]{2,30}?)(?=\d{4}[-/.年]|[\s|｜]|$)"
)
TOPIC = re.compile(r"[“\"「《](?P<topic>[^”\"」》]{2,60})[”\"」》]")
# The digits of the largest number a 64-bit column holds (2**63 - 1): a longer number is none (and Python's
# int() refuses one of 4,300 digits).
MOST_DIGITS = 19
CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


@dataclass(frozen=True)
class FoundPhone:
    """A phone number in the text."""

    kind: str
    raw: str
    e164: str | None
    owner: str | None
    span: tuple[int, int]


def chinese_number(value: str) -> int | None:
    """第九场 → 9, 十二 → 12, 二十 → 20, 一百零五 → 105, 23 → 23; None for a number of more than
    `MOST_DIGITS` digits (第99999999999999999999场 counts no conference)."""
    if value.isdecimal():
        return int(value) if len(value) <= MOST_DIGITS else None
    total, current = 0, 0
    for char in value:
        if char in CN_DIGITS:
            current = CN_DIGITS[char]
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        elif char == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


# A transcript repeats its stamps' dates and clock times (2023-03-31 with every marker of the day): each
# distinct string is read once per process, which keeps a long page's cost linear.
@lru_cache(maxsize=4096)
def parse_date(value: str) -> date | None:
    """2023-03-31, 2023/3/31, 2023年03月31日 → date; None when it is not a real date."""
    match = ZH_DATE.search(value)
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def marker_time(day: date | None, clock: str | None) -> datetime | None:
    """A marker's date and time as an aware datetime in China time."""
    if day is None or clock is None:
        return None
    match = TIME.match(clock)
    if not match:
        return None
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=CHINA)


def images_in(text: str, spans: list[tuple[int, int]], known: list[PageImage]) -> list[PageImage]:
    """Images placed by extraction plus image file names written in the text, in text order."""
    found = list(known)
    taken = {img.span for img in known}
    for start, end in holding(spans, signs(IMAGE_EXTENSION_SIGN, text, spans)):
        for name_span in image_names(text, start, end):
            if name_span not in taken:
                found.append(PageImage(text[name_span[0]:name_span[1]], None, None, name_span))
    return sorted(found, key=lambda img: img.span)


def image_names(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of image file names in `text[start:end]`, in linear time: the name pattern runs only
    in a bounded window before each file extension."""
    spans: list[tuple[int, int]] = []
    pos = start
    for extension in IMAGE_EXTENSION.finditer(text, start, end):
        if extension.end() <= pos:
            continue
        # A name is made of name characters only: it starts no earlier than the run of them that ends at the
        # extension (on a line of its own, the file name), which spares the search the offsets before.
        window = max(pos, extension.start() - LONGEST_IMAGE_NAME)
        run = NAME_CHARS_BEFORE.match(text, window, extension.start())
        match = IMAGE_NAME.search(text, run.start() if run else window, extension.end())
        if match is not None:
            spans.append(match.span())
            pos = match.end()
    return spans


def signs(pattern: re.Pattern[str] | regex.Pattern[str], text: str, spans: list[tuple[int, int]]) -> list[int]:
    """Where `pattern` matches in the text the spans cover, found in one pass (and not one per span)."""
    if not spans:
        return []
    return [match.start() for match in pattern.finditer(text, min(s for s, _ in spans), max(e for _, e in spans))]


def holding(spans: list[tuple[int, int]], starts: list[int], lead: int = 0) -> list[tuple[int, int]]:
    """The spans in which a sign starts (or up to `lead` characters before them, where a sign may
    begin before the span)."""
    return [(s, e) for s, e in spans if bisect_left(starts, s - lead) < bisect_left(starts, e)]


def captured_at(filename: str) -> datetime | None:
    """微信图片_20230331121901.jpg → 2023-03-31T12:19:01 (local time as the camera wrote it)."""
    match = WECHAT_TIME.search(filename)
    if not match:
        return None
    digits = match[1]
    try:  # by slices, not strptime: a gallery has hundreds of these names
        return datetime(int(digits[:4]), int(digits[4:6]), int(digits[6:8]), int(digits[8:10]), int(digits[10:12]),
                        int(digits[12:]), tzinfo=CHINA)
    except ValueError:
        return None


@cache
def area_codes() -> dict[str, str]:
    """City and province names → telephone area code (泰安市 and 泰安 → 0538), from our data file."""
    table: dict[str, str] = {}
    data = resources.files(__package__).joinpath("data/area_codes.tsv").read_text("utf-8")
    for row in data.splitlines()[1:]:
        city, _province, code = row.split("\t")
        table.setdefault(city, code)
        short = re.sub(r"(?:市|地区|盟|自治州)$", "", city)
        if len(short) >= 2:
            table.setdefault(short, code)
    return table


def find_region(text: str, lines: list[str]) -> str | None:
    """The city a page speaks for: the first known city named in its header lines, else the
    city named most often in the text (with at least three mentions)."""
    codes = area_codes()
    for line in lines:
        for name in _city_mentions(line):
            return _full_city(name, codes)
    counts: dict[str, int] = {}
    for name in _city_mentions(text):
        counts[name] = counts.get(name, 0) + 1
    if counts:
        name, count = max(counts.items(), key=lambda kv: kv[1])
        if count >= 3:
            return _full_city(name, codes)
    return None


def _city_mentions(text: str) -> list[str]:
    return _city_pattern().findall(text)


@cache
def _city_pattern() -> re.Pattern[str]:
    # The names as a trie (泰(?:安(?:市)?|州(?:市)?)|…): at each offset `re` tries one branch per
    # first character instead of all 700 names. Greedy optional endings
    # find the longest name, as a longest-first alternation does (泰安市 wins over 泰安).
    return re.compile(_trie_pattern(area_codes()))


Trie = dict[str, "Trie"]  # a character → the rest of the words; "" marks a word's end


def _trie_pattern(words: Iterable[str]) -> str:
    """A regex that matches the longest of `words` at an offset, as a trie of nested groups."""
    trie: Trie = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here

    def branch(node: Trie) -> str:
        children = [re.escape(char) + branch(child) for char, child in sorted(node.items()) if char]
        if not children:
            return ""
        group = "(?:" + "|".join(children) + ")"
        return group + "?" if "" in node else group

    return branch(trie)


def _full_city(name: str, codes: dict[str, str]) -> str:
    return name if name.endswith("市") or f"{name}市" not in codes else f"{name}市"


def phones_in(text: str, spans: list[tuple[int, int]], area_code: str | None) -> list[FoundPhone]:
    """Phone numbers in each span, in order; only spans with a five-digit run are searched (a run that
    starts inside a span starts at most four characters after a match of the one pass over them all)."""
    runs = signs(DIGIT_RUN, text, spans)
    return [p for start, end in holding(spans, runs, lead=len("1234")) for p in phones(text, start, end, area_code)]


def phones(text: str, start: int, end: int, area_code: str | None) -> list[FoundPhone]:
    """Phone numbers in `text[start:end]`, normalized to E.164 where the area is known."""
    first_run = DIGIT_RUN.search(text, start, end)
    if first_run is None:
        return []
    import phonenumbers  # lazily: its metadata costs import time that most pages never need

    found = []
    # PHONE's look-behind still sees the text before where the search starts.
    for match in PHONE.finditer(text, max(start, first_run.start() - PHONE_LEAD), end):
        kind = match.lastgroup or "other"
        raw = match.group(0)
        if kind == "local" and not PHONE_CUE.search(text, max(start, match.start() - 12), match.start()):
            continue  # a bare 7-8 digit number counts only after 电话 / 热线 / 联系
        if kind == "hotline" and not PHONE_CUE.search(text, max(start, match.start() - 12), match.start()):
            continue
        digits = re.sub(r"[^\d+]", "", raw.split("转")[0])
        if kind == "local":
            digits = (area_code or "") + digits
        e164 = None
        if kind != "local" or area_code:
            try:
                number = phonenumbers.parse(digits, "CN")
                if phonenumbers.is_valid_number(number) or phonenumbers.is_valid_short_number(number):
                    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
                if kind == "intl":  # +86 138…: the number itself says whether it is a mobile
                    mobile = phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE
                    kind = "mobile" if mobile else "landline"
            except phonenumbers.NumberParseException:
                e164 = None
        before = text[max(start, match.start() - 60):match.start()]
        owners = list(OWNER.finditer(before))  # the nearest mention before the number
        owner_match = owners[-1] if owners else None
        found.append(FoundPhone(
            kind={"intl": "landline", "local": "landline"}.get(kind, kind),
            raw=raw,
            e164=e164,
            owner=owner_match.group("owner") if owner_match else None,
            span=match.span(),
        ))
    return found


def series(text: str) -> tuple[str, int | None] | None:
    """“坚定不移推动高质量发展”系列新闻发布会第九场 → (坚定不移推动高质量发展, 9)."""
    match = SERIES.search(text)
    if not match:
        return None
    number = chinese_number(match.group("number"))
    return match.group("name"), number if number is not None and number <= INT_MAX else None


def organizer(text: str) -> str | None:
    """欢迎参加市政府新闻办新闻发布会 → 市政府新闻办."""
    match = ORGANIZER.search(text)
    if not match:
        return None
    org = match.group("org")
    for lead in ("欢迎参加", "欢迎出席", "参加", "出席", "欢迎"):
        if org.startswith(lead):
            org = org[len(lead):]
    return org or None


# "… on June 22, 2018", "… on June11, 2018" (no space), "… on September 10" (the year then comes from what
# the page knows); not "June 2018" (no day).
EN_DATE = re.compile(
    r"\b(?P<month>January|February|March|April|May|June|July|August|September|October|November|December)"
    r"\s*(?P<day>\d{1,2})(?!\d)(?:st|nd|rd|th)?(?:,?\s*(?P<year>\d{4}))?"
)
# A day without its year: 外交部发言人耿爽2月15日答记者问
ZH_MONTH_DAY = re.compile(r"(?<!\d)(\d{1,2})\s*月\s*(\d{1,2})\s*日")
MONTHS = {m: i for i, m in enumerate(("January", "February", "March", "April", "May", "June", "July", "August",
                                      "September", "October", "November", "December"), 1)}
# A space left between two Han characters where a heading had a <br>: …特朗普 同台湾…
HAN_GAP = regex.compile(r"(?<=\p{Han}) +(?=\p{Han})")


def join_broken_heading(title: str) -> str:
    """外交部发言人耿爽就美国当选总统特朗普 同台湾地区领导人… → …特朗普同台湾地区领导人…"""
    return HAN_GAP.sub("", title)


def heading_date(title: str, year_of: Callable[[int, int], int | None] | None = None) -> date | None:
    """2020年1月2日外交部发言人… → 2020-01-02; "… on June 22, 2018" → 2018-06-22; "… on September 10" and
    外交部发言人耿爽2月15日答记者问 take their year from `year_of(month, day)` where the layout knows one
    (None: no date)."""
    if day := parse_date(title):
        return day
    if match := EN_DATE.search(title):
        month, dom, year = MONTHS[match["month"]], int(match["day"]), match["year"]
    elif match := ZH_MONTH_DAY.search(title):
        month, dom, year = int(match[1]), int(match[2]), None
    else:
        return None
    known = int(year) if year else (year_of(month, dom) if year_of else None)
    try:
        return date(known, month, dom) if known else None
    except ValueError:
        return None


def year_before(days: Iterable[date], month: int, day: int) -> int | None:
    """The year that puts a day (month, day) up to a week before one of `days`: the days a page knows, such as
    its images' upload stamps (W020180922… for "September 21") or its dateline (2018-02-16 for 2月15日)."""
    for known in days:
        for year in (known.year, known.year - 1):  # 12月31日 on a page of January 2
            with suppress(ValueError):
                if 0 <= (known - date(year, month, day)).days <= 7:
                    return year
    return None


# A date with its year as pages print them in English: July 27, 2023  Mar 15,2015  Sunday, March 4, 2012
EN_FULL_DATE = re.compile(
    r"\b(?P<month>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,\s*"
    r"(?P<year>(?:19|20)\d{2})\b"
)


def first_date(text: str) -> date | None:
    """The first full date a text prints (2016-03-11, 2012年7月3日, 2017.03.15, Mar 15,2015): the page's date
    where no header line gives one."""
    found: list[tuple[int, date]] = []
    if zh := next(((m.start(), day) for m in ZH_DATE.finditer(text) if (day := parse_date(m.group(0)))), None):
        found.append(zh)
    for match in EN_FULL_DATE.finditer(text):
        with suppress(ValueError):
            found.append((match.start(), date(int(match["year"]), MONTHS_BY_ABBREVIATION[match["month"][:3]],
                                              int(match["day"]))))
            break
    return min(found)[1] if found else None


# A line that is a date and nothing more, as press releases end: 2012年7月3日(星期二)  Ends/Sunday, March 4, 2012
DATE_LINE = re.compile(
    r"^[^\S\n]*(?:Ends/)?(?:[A-Z][a-z]+day, )?(?P<date>\S.{5,24}?)[^\S\n]*(?:[(（]星期.[)）])?[^\S\n]*$", re.MULTILINE)


def closing_date(text: str) -> date | None:
    """The date of a date line among the page's last lines."""
    tail = text[-300:]
    for match in DATE_LINE.finditer(tail):
        if day := first_date(match.group("date")):
            return day
    return None


MONTHS_BY_ABBREVIATION = {m[:3]: i for m, i in MONTHS.items()}


def check_markers(turns: Sequence[Mapping[str, Any]], published: date | None) -> list[Diagnostic]:
    """Markers that contradict each other or the page: a time before the previous marker's, the
    same marker twice in a row, a date other than the page's (said once: pages are often
    published a day later). `turns` are dicts with the fields of `Turn`."""
    found: list[Diagnostic] = []
    previous: Mapping[str, Any] | None = None
    date_told = False
    for turn in turns:
        at, marker_span = turn["at"], turn["marker_span"]
        if at is None or marker_span is None:
            continue
        span = (marker_span["start"], marker_span["end"])
        if previous is not None and previous["at"] is not None:
            if at < previous["at"]:
                found.append(diagnostic(
                    "segment.time_goes_backwards",
                    f"{turn['id']} is marked {at:%Y-%m-%d %H:%M}, before {previous['id']} ({previous['at']:%H:%M})",
                    span=span))
            elif at == previous["at"] and turn["label"] == previous["label"]:
                found.append(diagnostic(
                    "segment.duplicate_marker", f"{turn['id']} repeats the marker of {previous['id']}", span=span))
        if published is not None and at.date() != published and not date_told:
            found.append(diagnostic(
                "segment.date_mismatch", f"{turn['id']} is marked {at:%Y-%m-%d}, the page says {published}",
                "info", span=span))
            date_told = True
        previous = turn
    return found
