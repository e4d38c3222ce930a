"""Regenerate src/briefing_parser/data/area_codes.tsv from phonenumbers' Chinese geocoding data."""

from __future__ import annotations

import pathlib

from phonenumbers.geodata import GEOCODE_DATA

OUT = pathlib.Path(__file__).parents[1] / "src" / "briefing_parser" / "data" / "area_codes.tsv"
PROVINCE_ENDINGS = ("省", "自治区")
# Some entries drop the province's suffix ("广西柳州市", "内蒙古包头市"): put it back.
SHORT_PROVINCES = {
    "内蒙古": "内蒙古自治区", "广西": "广西壮族自治区", "西藏": "西藏自治区", "宁夏": "宁夏回族自治区",
    "新疆": "新疆维吾尔自治区", "云南": "云南省", "四川": "四川省", "贵州": "贵州省",
}


def main() -> None:
    rows: dict[str, tuple[str, str]] = {}
    for prefix, names in sorted(GEOCODE_DATA.items(), key=lambda kv: (len(kv[0]), kv[0])):
        # Area codes are the 2-3 digits after 86 that start with 1-9 but not the mobile 1x ranges.
        code = prefix[2:]
        if not prefix.startswith("86") or len(code) not in (2, 3) or (code.startswith("1") and code != "10"):
            continue
        desc = names.get("zh")
        if not desc:
            continue
        province = ""
        for short, full in SHORT_PROVINCES.items():
            if desc.startswith(short) and not desc.startswith(full):
                desc = full + desc[len(short):]
        for ending in PROVINCE_ENDINGS:
            if ending in desc:
                province, _, desc = desc.partition(ending)
                province += ending
                break
        for city in desc.split("、"):
            city = city.strip()
            if city and city not in rows:
                rows[city] = ("0" + code, province)
    lines = ["city\tprovince\tarea_code"]
    lines += [f"{city}\t{prov}\t{code}" for city, (code, prov) in sorted(rows.items(), key=lambda kv: kv[1][0])]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(rows)} cities -> {OUT}")


if __name__ == "__main__":
    main()
