"""Case tables for speakers: outlet kinds from names, officials and titles from introductions."""

from __future__ import annotations

import pytest

import briefing_parser as bp
from briefing_parser.lexicon import outlet_kind
from briefing_parser.speakers import outlet_name, roster

OUTLETS = [
    ("山东商报", "newspaper"), ("大众网", "web"),  # the reference page
    ("人民日报社", "newspaper"), ("新华社", "agency"), ("中国新闻社", "agency"), ("泰安广播电视台", "tv"),
    ("中央人民广播电台", "radio"), ("中国之声", "radio"), ("中央广播电视总台央视", "tv"), ("澎湃新闻", "web"),
    ("半月谈", "magazine"), ("AFP", "agency"), ("Reuters", "agency"), ("China Daily", "newspaper"),
    ("Shenzhen TV", "tv"), ("Macau Monthly", "magazine"),
    # as Foreign Ministry pages label them: broadcasters, the radio arms of the media group, abbreviations
    ("英国广播公司", "tv"), ("日本广播协会", "tv"), ("天空新闻频道", "tv"), ("今日俄罗斯", "tv"),
    ("Australian Broadcasting Corporation", "tv"), ("总台央广", "radio"), ("中央广播电视总台国广", "radio"),
    ("CRI", "radio"), ("Voice of Vietnam", "radio"), ("China News Service", "agency"),
    ("Associated Press of Pakistan", "agency"), ("Agence France-Presse", "agency"),
    ("Nihon Keizai Shimbun", "newspaper"), ("JoongAng Ilbo", "newspaper"), ("日本经济新闻", "newspaper"),
    ("The Globe and Mail", "newspaper"), ("印度报业托拉斯", "agency"),
]


@pytest.mark.parametrize(("name", "kind"), OUTLETS, ids=[o[0] for o in OUTLETS])
def test_outlet_kind(name: str, kind: str) -> None:
    assert outlet_kind(name) == kind


def test_outlet_name_drops_journalist_and_brackets() -> None:
    assert [outlet_name(label) for label in ("法新社记者", "《南华早报》记者", "泰安日报社记者", "AFP")] == [
        "法新社", "南华早报", "泰安日报社", "AFP"]


INTRODUCTIONS = [
    # the reference page
    ("今天,我们召开…第九场,邀请市科技局党组书记、一级调研员杨建全先生,市科技局发展规划科科长、一级主任科员徐海鹏先生,"
     "市科技局外国专家服务与科技合作科科长柳斌先生,介绍泰安市…相关情况,并回答记者提问。",
     ["杨建全", "徐海鹏", "柳斌"],
     [("杨建全", "市科技局党组书记、一级调研员", "市科技局", "先生"),
      ("徐海鹏", "市科技局发展规划科科长、一级主任科员", "市科技局", "先生"),
      ("柳斌", "市科技局外国专家服务与科技合作科科长", "市科技局", "先生")]),
    # a list after a colon, separated by semicolons, and a speaker the markers do not name yet
    ("出席今天新闻发布会的有：市教育局党组书记、局长张三先生；市教育局党组成员、副局长李四女士。",
     [],
     [("张三", "市教育局党组书记、局长", "市教育局", "先生"),
      ("李四", "市教育局党组成员、副局长", "市教育局", "女士")]),
    # no honorific and no known speaker: no guess
    ("邀请有关部门负责同志介绍情况。", [], []),
]


@pytest.mark.parametrize(("text", "labels", "expected"), INTRODUCTIONS, ids=["seed", "colon-list", "no-names"])
def test_roster(text: str, labels: list[str], expected: list[tuple[str, str, str, str]]) -> None:
    assert [(o.name, o.title, o.organization, o.honorific) for o in roster(text, labels)] == expected


def test_a_label_that_names_the_person(seed_text: str) -> None:
    """The reference page with its host and a reporter named in their markers (主持人 王军, 大众网记者 张明):
    the host is a host with a name, the reporter a journalist of the outlet, named."""
    text = seed_text.replace(" 主持人\n", " 主持人 王军\n").replace(" 大众网\n", " 大众网记者 张明\n")
    doc = bp.parse(text)
    assert [(p.id, p.name, p.label, p.role, p.outlet_id) for p in doc.participants if p.role != "official"] == [
        ("p1", "王军", "主持人 王军", "host", None), ("p3", None, "山东商报", "journalist", "o1"),
        ("p5", "张明", "大众网记者 张明", "journalist", "o2")]
    assert [(o.id, o.name, o.kind) for o in doc.outlets] == [("o1", "山东商报", "newspaper"), ("o2", "大众网", "web")]
    assert [(t.label, t.kind) for t in doc.turns if t.participant_id == "p1"] == [
        ("主持人 王军", "opening"), ("主持人 王军", "transition"), ("主持人 王军", "closing")]
    assert [d.code for d in doc.diagnostics if d.severity != "info"] == []
