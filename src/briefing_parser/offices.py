"""Profiles of national press offices: what the general layout cannot read off a page, as data."""

from __future__ import annotations

import re

from .general import GENERAL, GeneralLayout
from .lexicon import fold

# Each office reads its pages as the general layout does, and adds what earlier pages taught: who its
# spokespersons are (a bare 朱凤莲： on a 国台办 page is the spokesperson, whatever the excerpt says), who
# hosts its conferences, the title and organization they speak for. A page is an office's when its
# heading or its text above the first label names the office (on folded text: 國臺辦 as 国台办); an
# office named only inside the turns (a question about 国防部) says nothing of who holds the conference.
OFFICES = (
    GeneralLayout(
        name="taiwan-affairs-office", marker=GENERAL.marker,
        claim=re.compile(r"国台办|国务院台湾事务办公室|Taiwan Affairs Office"),
        spokespersons=frozenset({"李维一", "张铭清", "杨毅", "范丽青", "马晓光", "安峰山", "朱凤莲", "陈斌华",
                                 "彭庆恩"}),
        official_title="国台办发言人", official_organization="国务院台湾事务办公室"),
    GeneralLayout(
        name="national-defense", marker=GENERAL.marker,
        claim=re.compile(r"国防部|Ministry of National Defense"),
        spokespersons=frozenset({"胡长明", "耿雁生", "杨宇军", "吴谦", "任国强", "谭克非", "张晓刚", "蒋斌"}),
        official_title="国防部新闻发言人", official_organization="国防部"),
    GeneralLayout(
        name="commerce", marker=GENERAL.marker,
        claim=re.compile(r"商务部|Ministry of Commerce|MOFCOM"),
        spokespersons=frozenset({"姚坚", "沈丹阳", "孙继文", "高峰", "束珏婷", "何亚东", "何咏前"}),
        official_title="商务部新闻发言人", official_organization="商务部"),
    GeneralLayout(
        name="state-council-information-office", marker=GENERAL.marker,
        claim=re.compile(r"国务院新闻办|国新办|State Council Information Office|SCIO"),
        # Its press bureau hosts the conferences of the ministries it invites.
        hosts=frozenset({"郭卫民", "袭艳春", "胡凯红", "寿小丽", "陈文俊", "邢慧娜", "Xing Huina", "Shou Xiaoli",
                         "Hu Kaihong", "Chen Wenjun", "Xi Yanchun", "Guo Weimin"}),
        official_organization="国务院新闻办公室"),
)


def office(opening: str) -> GeneralLayout:
    """The office that a page's opening (its heading, its lead) names first, else the general layout."""
    folded = fold(opening)
    found = [(match.start(), index) for index, profile in enumerate(OFFICES)
             if profile.claim and (match := profile.claim.search(folded))]
    return OFFICES[min(found)[1]] if found else GENERAL

# Every office's spokespersons and hosts: a label that names one of them is a label on any page.
KNOWN = frozenset().union(*(profile.spokespersons | profile.hosts for profile in OFFICES))
