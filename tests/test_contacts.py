"""Case table of phone numbers: what counts, how it is normalized, who answers it."""

from __future__ import annotations

import pytest

from briefing_parser.collect import phones

# (sentence, area code of the page, expected [(kind, raw, e164, owner)])
CASES = [
    # the reference page: a bare local number after 联系电话, the area code from the page's city
    ("会后请联系市科技局机关党委,联系电话:6991152。", "0538",
     [("landline", "6991152", "+865386991152", "市科技局机关党委")]),
    # the same without a known city: kept, but not normalized
    ("会后请联系市科技局机关党委,联系电话:6991152。", None,
     [("landline", "6991152", None, "市科技局机关党委")]),
    ("咨询电话：0538-6991152", None, [("landline", "0538-6991152", "+865386991152", None)]),
    ("咨询电话：(0538)6991152", None, [("landline", "(0538)6991152", "+865386991152", None)]),
    ("请拨打13812345678咨询", None, [("mobile", "13812345678", "+8613812345678", None)]),
    ("境外请拨打+86 13812345678", None, [("mobile", "+86 13812345678", "+8613812345678", None)]),
    ("境外请拨打+86-538-6991152", None, [("landline", "+86-538-6991152", "+865386991152", None)]),
    ("市民可拨打政务服务热线12345反映", "0538", [("hotline", "12345", "+8612345", "政务服务")]),
    ("全市共有6991152人参加", "0538", []),  # a count, not a number to call: no cue before it
    ("鲁ICP备14011259号", "0538", []),  # a licence number
    ("2023年03月31日 10:18", "0538", []),
]


@pytest.mark.parametrize(("sentence", "area", "expected"), CASES, ids=[c[0] for c in CASES])
def test_phone_case(sentence: str, area: str | None, expected: list[tuple[str, str, str | None, str | None]]) -> None:
    found = phones(sentence, 0, len(sentence), area)
    assert [(p.kind, p.raw, p.e164, p.owner) for p in found] == expected
    for p in found:
        assert sentence[p.span[0]:p.span[1]] == p.raw


def test_numbers_on_a_real_page() -> None:
    """zh-2020-02-03 (Foreign Ministry): a hotline with its owner, a Wuhan number in brackets."""
    from pathlib import Path

    import briefing_parser as bp

    page = Path(__file__).parent / "fixtures" / "corpus" / "zh-2020-02-03-t1739521.html"
    doc = bp.parse(page)
    assert [(c.kind, c.raw, c.e164, c.owner) for c in doc.contacts] == [
        ("hotline", "12308", "+8612308", "外交部全球领事保护与服务应急"),
        ("landline", "027-87122256", "+862787122256", None),
    ]
