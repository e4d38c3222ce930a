"""The general layout: labels of every form read off the page, for sites without a profile.

Lines and pages are from tests/fixtures/wild (real excerpts of other press offices' pages); the page
below is written in the form that 文字实录 of city press offices take."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest

import briefing_parser as bp
from briefing_parser import general
from briefing_parser.lexicon import fold

WILD = Path(__file__).parent / "fixtures" / "wild"

PAGE = """“推进教育高质量发展”新闻发布会文字实录
2023年05月12日 来源：市政府新闻办
主持人：各位记者朋友们，大家上午好！出席今天新闻发布会的有：市教育局党组书记、局长张三先生；市教育局党组成员、副局长李四女士。首先，请张三先生介绍有关情况。
张三：各位记者朋友：大家好！今年我们重点做好以下工作：
具体安排如下：
一是……
【主持人】下面进入提问环节。
泰安广播电视台记者：请问今年招生有哪些新变化？
市教育局副局长李四：谢谢你的提问。我想强调几点：
第一，……
齐鲁晚报记者：请问有何举措？
张三：……
主持人：今天的发布会到此结束。谢谢大家！"""


def wild(page_id: str) -> bp.Briefing:
    return bp.parse((WILD / f"{page_id}.txt").read_bytes(), uri=f"{page_id}.txt")


def test_page() -> None:
    doc = bp.parse(PAGE)
    assert doc.source.layout == "general"
    assert [(t.label, t.role, t.kind) for t in doc.turns] == [
        ("主持人", "host", "opening"), ("张三", "official", "statement"), ("主持人", "host", "transition"),
        ("泰安广播电视台记者", "journalist", "question"), ("市教育局副局长李四", "official", "answer"),
        ("齐鲁晚报记者", "journalist", "question"), ("张三", "official", "answer"), ("主持人", "host", "closing"),
    ]
    assert doc.turns[1].text.startswith("各位记者朋友：大家好！") and "具体安排如下：" in doc.turns[1].text
    officials = {p.name: (p.title, p.organization, p.honorific) for p in doc.participants if p.role == "official"}
    assert officials == {"张三": ("市教育局党组书记、局长", "市教育局", "先生"),
                         "李四": ("市教育局党组成员、副局长", "市教育局", "女士")}
    assert [(o.name, o.kind) for o in doc.outlets] == [("泰安广播电视台", "tv"), ("齐鲁晚报", "newspaper")]
    assert [(x.question_turn_ids, x.answer_turn_ids) for x in doc.exchanges] == [(["t4"], ["t5"]), (["t6"], ["t7"])]
    assert doc.diagnostics == []


# One line of a page (after 前文, before 正文), and the label the general layout reads there.
LINES = [
    ("国务院新闻办新闻局 寿小丽:", "国务院新闻办新闻局 寿小丽"),  # d01: a title and a name, alone on the line
    ("国新办新闻局副局长胡凯红:2004年原卫生部曾公布了", "国新办新闻局副局长胡凯红"),  # d06
    ("  [安峰山]:各位記者朋友,大家上午好 [10:07]", "安峰山"),  # d08: brackets and a colon
    ("[湖南衛視記者]剛才鄭司長也稍微説了一點", "湖南衛視記者"),  # d21: brackets without a colon
    ("Reporter¡GWhy you are not resigning or taking leave?", "Reporter"),  # d41: Big5's colon read as Latin-1
    ("Chief Executive¡GMy committment to Hong Kong and my pledge to Hong Kong people is", "Chief Executive"),
    ("[12:44] 19. China Consumer News: Premier, today marks", "19. China Consumer News"),  # d28
    ("Question:This year marks the 95th anniversary", "Question"),  # d15
    ("菲律賓媒體:", "菲律賓媒體"),  # d39: an outlet alone
    ("行政長官:我十分重視政府與立法會之間的關係,所以我在上任後第一個工作天", "行政長官"),  # d40: a title alone
    ("主持人(省生态环境厅宣教处处长杨正国):各位记者朋友", "主持人(省生态环境厅宣教处处长杨正国)"),
    ("- 十二屆全國人大四次會議新聞中心副主任、主持人鐘雪泉:",  # d26: a bullet before the label
     "十二屆全國人大四次會議新聞中心副主任、主持人鐘雪泉"),
    ("市教育局副局长李四：谢谢。", "市教育局副局长李四"),
    ("人民日报记者﹕请问…", "人民日报记者"),
    ("问∶公安机关如何加大力度打击电信网络诈骗犯罪？", "问"),
    ("◆记者：请问发言人对此有何评论？", "记者"),  # a bullet before the label
    ("问1：公安机关如何加大力度打击电信网络诈骗犯罪？", "问1"),  # numbered questions and answers
    ("Q2: What are the main routes of transmission?", "Q2"),
    # Not labels: metadata, headings and sentences that end in a colon, page chrome.
    ("时间:2024年5月30日15:00—16:50", None), ("发布人:国防部新闻局局长、国防部新闻发言人吴谦大校", None),
    ("来源: 新闻办网站", None), ("责任编辑：韩晓蓉", None), ("以下为发布会全文实录:", None), ("文字內容:", None),
    ("各位媒体朋友:", None), ("出席今天发布会的有:", None), ("具体安排如下：", None), ("我想强调几点：", None),
    ("10:30：开始", None), ("（记者：日本媒体。）", None), ("【今日熱點新聞推薦】", None), ("【打印】【關閉】", None),
    ("Editor’s note:", None), ("Updated: Mar 15,2015 5:47 PM", None), ("消息提醒:记者需凭请柬", None),
    ("国新办公安机关护航全面建成小康社会新闻发布会答记者问", None), ("二维码", None),
]


@pytest.mark.parametrize(("line", "label"), LINES, ids=[c[0][:24] for c in LINES])
def test_label_line(line: str, label: str | None) -> None:
    # Another speaker's turn below, so that a bare name is read as one scheme with it.
    text = f"前文\n{line}\n正文。\n新华社记者：请问？\n"
    labels = [m.label for m in general.read(text, (0, len(text))).markers]
    assert labels == ([label] if label else []) + ["新华社记者"]


READINGS = [
    ("国家统计局新闻发言人 付凌晖", general.Label("official", name="付凌晖", title="国家统计局新闻发言人")),
    ("陕西省人民政府新闻办公室张竞怡", general.Label("official", name="张竞怡", title="陕西省人民政府新闻办公室")),
    ("保安司司長黃少澤", general.Label("official", name="黃少澤", title="保安司司長")),
    ("福建廈門衛(wèi)視記者", general.Label("journalist", outlet="福建廈門衛(wèi)視")),
    ("大众网记者 张明", general.Label("journalist", name="张明", outlet="大众网")),
    ("Reporter Li Ming, Xinhua", general.Label("journalist", name="Li Ming", outlet="Xinhua")),
    ("Yes, Reuters", None),
    ("《人民日报》记者", general.Label("journalist", outlet="人民日报")),
    ("Phoenix TV", general.Label("journalist", outlet="Phoenix TV")),
    ("Premier Li Keqiang", general.Label("official", name="Li Keqiang", title="Premier")),
    ("Secretary for Food and Health", general.Label("official", title="Secretary for Food and Health")),
    ("答", general.Label("official")), ("A", general.Label("official")), ("追问", general.Label("journalist")),
    ("答2", general.Label("official")), ("问1", general.Label("journalist")),
    ("记者（新华社）", general.Label("journalist", outlet="新华社")),
    ("CGTN记者", general.Label("journalist", outlet="CGTN")), ("21世纪经济报道记者", general.Label("journalist",
                                                                                       outlet="21世纪经济报道")),
    ("国务院新闻办新闻局副局长主持人", general.Label("host", title="国务院新闻办新闻局副局长")),
    ("主持人(省生态环境厅宣教处处长杨正国)", general.Label("host", name="杨正国", title="省生态环境厅宣教处处长")),
    ("Ghost Writer", general.Label(None, name="Ghost Writer", strong=False)),
    ("问（路透社记者）", general.Label("journalist", outlet="路透社")),
    ("发布人 张晓刚", general.Label("official", name="张晓刚", title="发布人")),
    ("主持人", general.Label("host")), ("现场翻译", general.Label("interpreter")),
    ("安峰山", general.Label(None, name="安峰山", strong=False)), ("Xing Huina", general.Label(None, name="Xing Huina",
                                                                                       strong=False)),
    ("时间", None), ("消息提醒", None), ("行政長官抗疫記者會開場發言", None), ("2018年9月26日 文本", None),
]


@pytest.mark.parametrize(("label", "reading"), READINGS, ids=[c[0] for c in READINGS])
def test_read_label(label: str, reading: general.Label | None) -> None:
    assert general.read_label(label) == reading


def test_fold_matches_traditional_and_pinyin_residue() -> None:
    assert fold("國(guó)臺(tái)辦新聞發(fā)言人") == "国台办新闻发言人"
    assert fold("張業(yè)遂") == "张业遂"


def test_stamps_after_an_entry_give_it_their_time() -> None:
    """d08: `…的提問 [10:07]` closes the entry it ends; the stamp is no word of the turn."""
    doc = wild("d08")
    assert [(t.label, t.at.strftime("%H:%M") if t.at else None) for t in doc.turns] == [
        ("安峰山", "10:07"), ("福建廈門衛(wèi)視記者", "10:09"), ("安峰山", "10:11"), ("安峰山", None)]
    assert doc.turns[0].text.endswith("我愿意回答大家的提問(wèn)")
    assert [s.kind for s in doc.segments if doc.segment_text(s).strip() == "[10:07]"] == ["marker"]


def test_stamp_on_its_own_line_closes_the_entry_above() -> None:
    """d26: the stamp under an entry is its time, not the next one's (the first entry has no stamp before it)."""
    doc = wild("d26")
    assert [(t.role, t.kind, t.at.strftime("%H:%M") if t.at else None) for t in doc.turns] == [
        ("unknown", "other", "09:33"), ("host", "opening", "09:57"), ("official", "statement", None)]


def test_live_blog_newest_first_pairs_backwards() -> None:
    """d28: entries go back in time, so an answer stands above its question; a stamped line without a label
    is an entry of its own (the site's)."""
    doc = wild("d28")
    assert [(t.label, t.role, t.kind, t.at.strftime("%H:%M") if t.at else None) for t in doc.turns] == [
        ("", "unknown", "other", "12:47"), ("Fu Ying", "host", "closing", "12:46"),
        ("Premier Li Keqiang", "official", "answer", "12:45"),
        ("19. China Consumer News", "journalist", "question", "12:44"),
        ("Premier Li Keqiang", "official", "answer", "12:43"), ("Premier Li Keqiang", "official", "answer", "12:42")]
    assert [(x.question_turn_ids, x.answer_turn_ids) for x in doc.exchanges] == [(["t4"], ["t3"]), ([], ["t5", "t6"])]


def test_header_lines_are_no_turns() -> None:
    """d19: 主持人: 胡强强 … above 嘉宾: … is the header; the host is the label that ends in that name."""
    doc = wild("d19")
    assert [(t.label, t.role, t.kind) for t in doc.turns] == [
        ("国家卫生健康委新闻发言人、宣传司副司长 胡强强", "host", "opening")]
    assert any(s.kind == "header" and doc.segment_text(s).startswith("主持人: 胡强强") for s in doc.segments)


def test_label_over_three_lines() -> None:
    """d18: 主持人 / title / name, each on its line, is one label."""
    doc = wild("d18")
    assert doc.turns[0].label == "主持人 国家卫生健康委新闻发言人、宣传司副司长 米锋"
    assert doc.turns[0].text.startswith("各位媒体朋友:")


def test_askers_who_are_not_reporters() -> None:
    """d45: legislators ask the secretary; their turns are questions of unknown speakers, without a diagnostic."""
    doc = wild("d45")
    assert [(t.role, t.kind) for t in doc.turns[:3]] == [("unknown", "question"), ("unknown", "question"),
                                                          ("official", "answer")]
    assert [(x.question_turn_ids, x.answer_turn_ids) for x in doc.exchanges[:2]] == [(["t1", "t2"], ["t3"]),
                                                                                      (["t4"], ["t5"])]


def test_page_that_begins_inside_the_conference() -> None:
    """d09: the spokesperson answers questions asked before the excerpt begins."""
    doc = wild("d09")
    assert [(x.question_turn_ids, x.answer_turn_ids) for x in doc.exchanges] == [
        ([], ["t1", "t2"]), (["t3"], ["t4"]), (["t5"], ["t6"])]
    assert [o.name for o in doc.outlets] == ["人民政协报", "中评社"]


def test_a_greeting_after_the_transcript_opener_is_the_host_s_opening() -> None:
    """d25: 以下为文字实录: then the host's unlabelled greeting, before the first label (王超:)."""
    doc = wild("d25")
    assert [(t.label, t.role, t.kind, t.text[:6]) for t in doc.turns] == [
        ("", "host", "opening", "各位媒体朋友"), ("王超", "host", "transition", "非常感谢李总"),
        ("中央广播电视总台记者", "journalist", "question", "首先向您和四"),
        ("李强", "official", "answer", "谢谢你的祝贺")]
    # The lines above the opener are the page's header and the one stray line of its chrome (0次).
    assert [d.code for d in doc.diagnostics] == ["segment.text_before_first_marker"]


@pytest.mark.parametrize("page_id", ["d46", "d47", "d48", "d49", "d51", "d52", "d53"])
def test_reports_on_a_conference_are_no_transcripts(page_id: str) -> None:
    doc = wild(page_id)
    assert [d.code for d in doc.diagnostics] == ["layout.not_a_transcript"]
    assert [t.kind for t in doc.turns] == ["other"]


def test_office_profile_knows_its_spokesperson() -> None:
    """d13 without its 发布人 line and lead: the page names no one but 张晓刚, whom the 国防部 profile knows."""
    page = (WILD / "d13.txt").read_text(encoding="utf-8")
    text = page[:page.index("\n")] + "\n\n" + page[page.index("张晓刚:"):]
    doc = bp.parse(text)
    assert doc.source.layout == "national-defense"
    assert [(t.label, t.role, t.kind) for t in doc.turns] == [("张晓刚", "official", "opening")]
    assert [(p.name, p.title, p.organization) for p in doc.participants] == [("张晓刚", "国防部新闻发言人", "国防部")]
    assert doc.organizer == "国防部"
    assert general.read(text, (0, len(text))).markers == []  # without the profile, one bare name is no scheme


def test_office_named_only_inside_the_turns_is_not_the_page_s() -> None:
    """A question about 国防部 on a page of 问/答 alone does not make the page the ministry's."""
    doc = wild("d23")  # 国新办 in the lead, 公安部 in the turns
    assert doc.source.layout == "state-council-information-office"
    text = "问：国防部近日宣布的演习有何意义？\n答：这是年度计划内的安排。\n"
    assert bp.parse(text).source.layout == "general"


def test_labels_in_table_cells() -> None:
    """d11 and d45 with each label in a cell of its own and the words in the next: the turns of the text,
    but for a bare name that the page names nowhere else (王世民 and 梁孫旭 of d45 ask once)."""
    def as_table(text: str) -> bytes:
        rows = []
        for line in filter(None, map(str.strip, text.split("\n"))):
            label, colon, words = line.partition(":")
            cells = (label, words) if colon and general.read_label(label) else ("", line)
            rows.append("<tr><td>{}</td><td><p>{}</p></td></tr>".format(*map(html.escape, cells)))
        return f"<html><body><div id='zoom'><table>{''.join(rows)}</table></div></body></html>".encode()

    for page_id in ("d11", "d45"):
        text = (WILD / f"{page_id}.txt").read_text(encoding="utf-8")
        want = [(t.label, t.role, t.kind) for t in bp.parse(text).turns]
        got = [(t.label, t.role, t.kind) for t in bp.parse(as_table(text)).turns]
        if page_id == "d45":
            want = [turn for turn in want if turn[0] not in ("王世民", "梁孫旭")]
        assert got == want


def test_reporters_named_in_their_labels() -> None:
    """大众网记者 张明 is 张明 of 大众网: each named reporter a participant, their outlet one outlet."""
    text = PAGE.replace("泰安广播电视台记者：", "大众网记者 张明：").replace("齐鲁晚报记者：", "大众网记者 王红：")
    doc = bp.parse(text)
    assert [(p.name, p.label, p.outlet_id) for p in doc.participants if p.role == "journalist"] == [
        ("张明", "大众网记者 张明", "o1"), ("王红", "大众网记者 王红", "o1")]
    assert [(o.id, o.name, o.kind) for o in doc.outlets] == [("o1", "大众网", "web")]


def test_foreign_ministry_pages_without_their_profile() -> None:
    """The general layout alone, on the hand-annotated Foreign Ministry pages (tests/fixtures/gold): these
    ten it reads turn for turn as the reading does (label, role, kind); the rest lack what only the
    profile knows (unlabelled answers after bold questions, the spokesperson's unlabelled statement)."""
    gold_dir = Path(__file__).parent / "fixtures" / "gold"
    exact = []
    for path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        doc = bp.parse(Path(__file__).parent / "fixtures" / "corpus" / gold["file"], options={"layout": "general"})
        reading = [(t["label"], t["role"], t["kind"]) for t in gold["turns"]]
        if [(t.label, t.role, t.kind) for t in doc.turns] == reading:
            exact.append(path.stem)
    assert exact == ["en-2018-06-22-t1571009", "en-2019-08-12-t1688119", "en-2019-09-04-t1694560",
                     "en-2020-06-02-t1785090", "zh-2014-09-10", "zh-2016-11-30-t1420568", "zh-2016-12-03-t1421084",
                     "zh-2019-07-12-t1680700", "zh-2019-09-04-t1694495", "zh-2020-05-26-t1782879"]


def test_a_live_blog_newest_first_reads_as_the_conference_went() -> None:
    """The page above as a live blog, each entry stamped, printed oldest first and newest first: the same
    roles and kinds; the follow-up (追问) follows the exchange before it in time, which stands below it."""
    labels = ("主持人：", "【主持人】", "张三：", "泰安广播电视台记者：", "市教育局副局长李四：", "齐鲁晚报记者追问：")
    entries: list[list[str]] = []
    for line in PAGE.replace("齐鲁晚报记者：", "齐鲁晚报记者追问：").split("\n")[2:]:
        if line.startswith(labels):
            entries.append([line.replace("【主持人】", "主持人：")])
        else:
            entries[-1].append(line)
    stamped = [[f"[10:{i:02d}] {entry[0]}", *entry[1:]] for i, entry in enumerate(entries)]
    oldest_first = bp.parse("\n".join(line for entry in stamped for line in entry))
    newest_first = bp.parse("\n".join(line for entry in reversed(stamped) for line in entry))
    assert [(t.label, t.role, t.kind) for t in newest_first.turns][::-1] == [
        (t.label, t.role, t.kind) for t in oldest_first.turns]
    assert [(x.id, x.question_turn_ids, x.answer_turn_ids, x.follows) for x in newest_first.exchanges] == [
        ("q1", ["t3"], ["t2"], "q2"), ("q2", ["t5"], ["t4"], None)]


def test_lines_after_the_last_answer_are_no_words_of_it() -> None:
    """d14: 责编：徐凤佳 (metadata) and 参与讨论 / 我想说 (the page's tools) follow the last answer."""
    doc = wild("d14")
    assert doc.turns[-1].text.endswith("只要不搞“台独”,何必胆战心惊。")
    kinds = {doc.segment_text(s).strip(): s.kind for s in doc.segments}
    assert kinds["责编:徐凤佳"] == "header"
    assert [s.kind for s in doc.segments if "参与讨论" in doc.segment_text(s)] == ["boilerplate"]
