"""Word lists shared by every layout: outlet kinds, titles, honorifics, header and footer lines."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import regex

from .schema import OutletKind

# Outlets whose names the patterns below would misread, as Foreign Ministry pages label them:
# abbreviations, and names whose words say nothing of the medium (今日俄罗斯 is RT, 央广 China
# National Radio, 国广 China Radio International, 中国新闻社 an agency).
KNOWN_OUTLETS: dict[str, OutletKind] = {
    "CRI": "radio", "CNR": "radio", "央广": "radio", "总台央广": "radio", "中央广播电视总台央广": "radio",
    "国广": "radio", "总台国广": "radio", "中央广播电视总台国广": "radio",
    "CNS": "agency", "China News Service": "agency", "APP": "agency", "FSN": "agency",
    "Feature Story News": "agency", "China Review News": "agency", "Hong Kong Review News": "agency",
    "今日俄罗斯": "tv", "TBS": "tv", "Sky News": "tv", "NBC News": "tv",
    "The Australian": "newspaper", "The Globe and Mail": "newspaper", "SCMP": "newspaper",
    "日本经济新闻": "newspaper", "De Telegraaf": "newspaper", "印度报业托拉斯": "agency",  # the Press Trust of India
}
# Outlet kind from the name, first match wins; the order matters (人民日报社 is a newspaper, not
# an agency; 中国之声 is radio although it has no 广播; 英国广播公司, the BBC, is television).
OUTLET_KINDS: tuple[tuple[re.Pattern[str], OutletKind], ...] = (
    (re.compile(r"杂志|周刊|月刊|期刊|半月谈|画报|Magazine|Weekly|Monthly", re.I), "magazine"),
    (re.compile(r"报|Times|Post|Daily|Journal|Herald|Tribune|Gazette|Newspaper|Asahi|Yomiuri|Mainichi|"
                r"Nikkei|Hindu|Straits|Shimbun|Ilbo", re.I), "newspaper"),
    (re.compile(r"广播公司|广播协会|Broadcasting|(?-i:ABC)|频道", re.I), "tv"),  # broadcasters, TV first
    (re.compile(r"广播(?!电视)|电台|之声|Radio|NPR|Voice of", re.I), "radio"),  # 广播电视台 is television
    (re.compile(r"电视|卫视|台$|央视|总台|视频|TV|CCTV|CGTN|NHK|KBS|SBS|MBC|BBC|CNN|Phoenix|凤凰|Channel|"
                r"Television|Al Jazeera|Euronews|RT$", re.I), "tv"),
    (re.compile(r"通讯社|新闻社|社$|Agency|Agence|Press$|Associated Press|AFP|Reuters|Bloomberg|Kyodo|TASS|"
                r"Xinhua|Yonhap|EFE|ANSA|"
                r"Sputnik|RIA|PTI|Anadolu|Bernama|Antara|Prensa|dpa", re.I), "agency"),
    (re.compile(r"网|客户端|APP|新闻|融媒|传媒|号$|online|\.com|\.cn|Web|News|Paper", re.I), "web"),
)

# Words that end an official title, longest first: the name follows the title in introductions
# such as 市科技局党组书记、一级调研员杨建全先生.
TITLE_ENDINGS = (
    "一级主任科员", "二级主任科员", "一级调研员", "二级调研员", "三级调研员", "四级调研员", "一级巡视员",
    "二级巡视员", "党组书记", "党委书记", "新闻发言人", "发言人", "副主任", "主任", "副书记", "书记",
    "副局长", "局长", "副厅长", "厅长", "副处长", "处长", "副科长", "科长", "副部长", "部长", "副市长",
    "市长", "副区长", "区长", "副县长", "县长", "副主席", "主席", "副院长", "院长", "副校长", "校长",
    "副所长", "所长", "副总经理", "总经理", "董事长", "副秘书长", "秘书长", "副会长", "会长", "副站长",
    "站长", "副队长", "队长", "经理", "理事长", "负责人", "专家", "教授", "研究员", "调研员", "巡视员",
    "主任科员", "科员", "委员", "组长", "馆长", "行长", "总监", "总工程师", "工程师", "医师", "检察长",
    "庭长", "政委", "司令员", "大使", "参赞", "司长", "副司长",
)
HONORIFICS = ("先生", "女士", "同志", "教授", "博士", "院士", "小姐")

# An organization ends a title's first part: 市科技局 in 市科技局发展规划科科长.
ORGANIZATION = regex.compile(
    r"^(?:[\p{Han}]{0,12}?(?:局|委员会|委|办公室|办|厅|部|院|中心|政府|集团|公司|协会|银行|医院|大学|学校|"
    r"研究所|管委会|法院|检察院|总队|支队|大队))"
)

# The host introduces the officials: …邀请市科技局党组书记、一级调研员杨建全先生,…介绍…
INTRODUCTION = regex.compile(r"(?:邀请到?|请到了?|出席(?:今天)?(?:本次|今天)?(?:新闻)?发布会的有)(?P<list>[^。！!]*)")

# Lines before the transcript that describe the page rather than belong to it.
BREADCRUMB = re.compile(r"(?:^|\S)\s*(?:>|＞|›|»|→)\s*\S")
BREADCRUMB_SPLIT = re.compile(r"\s*(?:>|＞|›|»|→)\s*")
DATELINE = re.compile(
    r"^\s*(?:(?:发布|更新|发表)?(?:时间|日期)\s*[:：]\s*)?\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}日?"
    r"|来源\s*[:：于]|信息来源|作者\s*[:：]|浏览次数|阅读次数|点击[数量率]|字号"
)
LIVE_LABEL = re.compile(r"^\s*(?:图文直播|文字直播|视频直播|文字实录|图文实录|现场实录)\s*[—\-:：]*\s*$")
# A photo's caption, which names the conference without being the page's title: 图为吹风会现场。中国网 郑亮 摄
CAPTION = re.compile(r"^\s*图为|摄\)?\s*$|\(.{0,12}摄\)|(?:现场|現場)\s*\|?\s*$")
# A sentence, which a title is not: 9月28日下午,国防部举行例行记者会,国防部新闻局局长… or …答记者问。, and
# the line that opens the transcript: 以下为文字实录:
SENTENCE = re.compile(r"[。]|[，,].*[，,]|[:：]\s*$")
# A line that ends a sentence, as a statement's paragraphs do and a heading split over lines does not:
#   …将于4月9日至12日访华。   …upon invitation.   and not: Foreign Ministry Spokesperson Wang Wenbin's
SENTENCE_END = re.compile(r"[。！!？?.…][”’\"')）]*[ \t\u00a0\u3000]*$", re.MULTILINE)
TITLE_WORDS = re.compile(r"发布会|發布會|發佈會|记者会|記者會|吹风会|吹風會|见面会|見面會|实录|實錄|答记者问|答記者問"
                         r"|答问|答問|答.{0,4}(?:记者问|記者問)|发言全文|發言全文"
                         r"|Press Conference|Briefing|meets the press", re.I)
# What every line that a header rule matches holds: an arrow (BREADCRUMB), a digit (a date of DATELINE),
# the first character of one of DATELINE's words (来源, 作者, 浏览, 阅读, 点击, 字号), of LIVE_LABEL's
# (直播, 实录), or of TITLE_WORDS' (发布会, 記者會, 吹风会, 見面會, 實錄, 答记者问, 发言全文; an f or a p, in
# either case, for Press Conference, Briefing, meets the press). A hit runs on to its line's end, so one
# C-level scan names each line worth trying the rules on once, by where it ends: in 首页 > 新闻发布会 the hit
# is "> 新闻发布会". TITLE_WORDS is not scanned itself: with re.I, re cannot skip to a first character.
HEADER_SIGN = re.compile(r"[>＞›»→\d来作浏阅点字直实发發记記吹见見实實答FfPp][^\n]*")

# Site footers: Powered by … All rights reserved.  鲁ICP备14011259号  版权所有  技术支持:…
FOOTER = re.compile(
    r"Powered by|All rights reserved|Copyright|©|版权所有|ICP备|ICP证|公网安备|技术支持\s*[:：]|主办单位|"
    r"承办单位|网站标识码|网站地图|联系我们|关于我们|建议使用.*浏览器|分辨率"
    # the page's own tools after the text: 参与讨论 / 我想说, 【打印】【关闭】, 分享到：
    r"|^\s*(?:参与讨论|我想说|发表评论|我要评论|分享到[:：]?|打印本页|关闭窗口|【打印】|【关闭】|\[打印\]|\[关闭\])",
    re.I,
)


def outlet_kind(name: str) -> OutletKind | None:
    """The kind of outlet a name denotes, or None when it does not look like an outlet."""
    if name in KNOWN_OUTLETS:
        return KNOWN_OUTLETS[name]
    for pattern, kind in OUTLET_KINDS:
        if pattern.search(name):
            return kind
    return None

# A host's first words, and the words that end a conference (on folded text).
GREETS = re.compile(r"女士们|先生们|大家(?:上午|下午|晚上)?好|各位.{0,8}朋友|欢迎|Ladies and gentlemen"
                    r"|[Gg]ood (?:morning|afternoon|evening)|Welcome|Friends from the (?:press|media)")
CLOSES = re.compile(r"(?:发布会|记者会|吹风会|见面会)(?:就|现在)?(?:到此结束|到此为止|到这里|圆满结束)"
                    r"|今天(?:就)?到这里|That(?:'s| is|’s) the end of|(?:This|That) concludes|concludes (?:today|this)")

# Parts of a multi-part question, at a sentence start: 第一，28日，美方称… / 第二个问题，… /
# "First, …  Second, …" / "My first question is …". Numbers in ORDINALS.
QUESTION_PART = regex.compile(
    r"(?:^|(?<=[。？！?!：:；;\s]))(?:我的)?第(?P<n>[一二三四五六])(?:个问题)?(?:是)?[，,：:、]"
    r"|(?:^|(?<=[.?!:;]\s)|(?<=\n))(?:(?:My|The|And|And my) )?(?P<n>[Ff]irst|[Ss]econd|[Tt]hird|[Ff]ourth)(?:ly)?"
    r"(?: question)?(?: is)?[,:]"
)
# A question has parts only when it holds the first one's ordinal (第一, First, first): a question
# without it is not searched with QUESTION_PART (most are not; that search tries every offset). Found
# with `str.find`, which skips through text several times faster than a pattern of alternatives.
FIRST_PART = ("第一", "irst")
# Where an answer takes up one part: 关于第一个问题，… / 至于你的第二个问题 / "On your first question, …"
ANSWER_PART = regex.compile(
    r"(?:关于|至于|对于|就|针对)(?:你的|你提的|您的|你提到的)?第(?P<n>[一二三四五六])个问题"
    r"|(?:On|As to|As for|Regarding|With regard to|About|Concerning|To) (?:your|the) "
    r"(?P<n>first|second|third|fourth) question",
    regex.IGNORECASE,
)
# The words every cue of ANSWER_PART ends in, searched from an answer's end: the search for its cues stops
# at the last of them (…关于第二个问题，… / …On your second question, …). Change the two together.
ANSWER_PART_END = regex.compile(r"个问题| question", regex.IGNORECASE | regex.REVERSE)
ORDINALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6,
            "first": 1, "second": 2, "third": 3, "fourth": 4}

# Labels and word lists are matched folded to simplified characters (記者 as 记者, 發言人 as 发言人,
# 國臺辦 as 国台办); `text` keeps what the page wrote. tools/make_fold_table.py makes the table from OpenCC's.
@lru_cache(maxsize=1)
def _to_simplified() -> dict[int, str]:
    rows = resources.files(__package__).joinpath("data/traditional.tsv").read_text(encoding="utf-8").splitlines()
    return {ord(row[0]): row[2] for row in rows if len(row) == 3}


# Pinyin that a reprint left after each character: 張業(yè)遂, 國(guó)臺(tái)辦.
PINYIN_RESIDUE = re.compile(r"\([a-zü]{0,6}[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]{0,6}\)")


def fold(value: str) -> str:
    """A label as the word lists spell it: simplified, without pinyin residue (國(guó)臺(tái)辦 → 国台办)."""
    if "(" in value:
        value = PINYIN_RESIDUE.sub("", value)
    return value.translate(_to_simplified())


# Words that end a title in a speaker label (国务院新闻办新闻局副局长 胡凯红, 財政司司長, 立法议员陈虹),
# longest first.
TITLE_WORD = re.compile("|".join(sorted({
    *TITLE_ENDINGS,
    "新闻发言人", "发布人", "总理", "副总理", "行政长官", "司长", "署长", "关长", "省长",
    "副省长", "州长", "旗长", "镇长", "乡长", "村长", "议员", "代表", "专员",
    "监察专员", "首席专家", "总裁", "总师", "总工", "成员", "特首", "署理", "主播",
    "大校", "上校", "少将", "中将", "秘书", "干事", "参事", "顾问", "医生",
    "院士", "编辑", "副主编", "主编",
}, key=len, reverse=True)))

# Common Chinese surnames (the first character of a name in a label: 杨建全, 安峰山, 續梅 folded to 续梅),
# and the compound ones; a label such as 消息提醒 or 行政长官 opens with no surname.
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季"
    "裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦"
    "戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻"
    "苑迟邝续寿衣郁傅"
)
COMPOUND_SURNAMES = frozenset({"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "司徒",
                               "夏侯", "端木", "长孙", "宇文", "林郑"})
