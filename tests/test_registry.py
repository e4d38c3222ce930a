"""The registry: ids from canonical names and the alias table, the same on every page and in every run; the
people and organizations of a conversion, in every format and after --resume; over the development corpus,
the top outlets across Chinese and English pages and every spokesperson as one person."""

from __future__ import annotations

import json
import os
import shutil
from collections import defaultdict
from datetime import date
from pathlib import Path

import orjson
import pandas as pd
import pytest
from pydantic import ValidationError

import briefing_parser as bp
from briefing_parser import foreign_ministry, offices
from briefing_parser.batch import UsageError, convert_to
from briefing_parser.cli import main
from briefing_parser.export import REGISTRY_TABLES, TABLES, read_table, tabulate, write_table
from briefing_parser.registry import REGISTRY_FILES, AliasError, aliases, key, link, read_aliases, slug
from briefing_parser.schema import Affiliation, Organization, Person, Registry

ROOT = Path(__file__).parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SEED = FIXTURES / "taian-2023-03-31.html"
# Hua Chunying's conferences of 30 and 31 March 2020, each in Chinese and in English (byte-exact corpus pages).
PAGES = sorted((FIXTURES / "registry").glob("*.html"))
CORPUS = Path(os.environ.get("BRIEFING_CORPUS", ROOT.parent / "shared" / "corpus"))
MFA = "ministry-of-foreign-affairs"
# The spokespersons the Foreign Ministry's profiles know, by the name its Chinese and its English pages give.
SPOKESPERSONS = {"秦刚": "Qin Gang", "洪磊": "Hong Lei", "华春莹": "Hua Chunying", "陆慷": "Lu Kang",
                 "耿爽": "Geng Shuang", "赵立坚": "Zhao Lijian", "汪文斌": "Wang Wenbin"}


@pytest.fixture(scope="module")
def docs() -> list[bp.Briefing]:
    return [bp.parse(page) for page in PAGES]


def registry_in(out: Path, fmt: str) -> Registry:
    """The registry a conversion wrote, read back from its files."""
    if fmt in ("json", "jsonl"):
        people, organizations = ((out / name).read_bytes().splitlines() for name in REGISTRY_FILES[fmt])
        return Registry(people=[Person.model_validate_json(line) for line in people],
                        organizations=[Organization.model_validate_json(line) for line in organizations])
    tables = {name: read_table(out / name).to_pylist() for name in REGISTRY_TABLES}
    affiliations = defaultdict(list)
    for row in tables["affiliations"]:
        affiliations[row.pop("person_id")].append(Affiliation(**row))
    return Registry(people=[Person(**row, affiliations=affiliations[row["id"]]) for row in tables["people"]],
                    organizations=[Organization(**row) for row in tables["organizations"]])


def page_ids(out: Path) -> list[tuple[str, str, str | None]]:
    """Every participant's and outlet's registry id in a Parquet conversion: (key, name, id)."""
    participants = read_table(out / "participants").to_pylist()
    outlets = read_table(out / "outlets").to_pylist()
    return sorted([(p["key"], p["label"], p["person_id"]) for p in participants] +
                  [(o["key"], o["name"], o["organization_id"]) for o in outlets])


# --- ids ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "expected"), [
    ("Hua Chunying", "hua-chunying"), ("華春瑩", "华春莹"), ("Agence France-Presse", "agence-france-presse"),
    ("Bloomberg\xa0News", "bloomberg-news"), ("《北京青年报》", "北京青年报"), ("The Paper", "the-paper"),
    ("Peng Qing'en", "peng-qing-en"),
])
def test_an_id_is_the_slug_of_a_name(name: str, expected: str) -> None:
    assert slug(name) == expected


def test_a_name_without_letters_gets_an_id_of_its_own() -> None:
    assert slug("——").startswith("x") and len(slug("——")) == 9 and slug("——") != slug("……")


def test_spellings_of_one_name_share_a_key() -> None:
    assert key("The Global Times") == key("Global Times") == "global-times"
    assert key("TASS News Agency") == key("Tass News Agency") == "tass-news-agency"


def test_the_shipped_table_gives_each_name_to_one_entry() -> None:
    rows = [line.split("\t") for line in (ROOT / "src/briefing_parser/data/aliases.tsv").read_text(
        encoding="utf-8").splitlines() if line and not line.startswith(("#", "type\t"))]
    claimed: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for row in rows:
        names = row[1].split("|")
        for name in names:
            claimed[(row[0], key(name), row[4] if len(row) > 4 else "")].add(names[0])
    assert {where: owners for where, owners in claimed.items() if len(owners) > 1} == {}
    kinds = [row[0] if row[0] == "person" else row[2] for row in rows]
    assert (kinds.count("person"), kinds.count("government"), len(kinds)) == (37, 5, 95)


def test_each_foreign_ministry_spokesperson_is_one_person_in_both_scripts() -> None:
    assert set(SPOKESPERSONS) == foreign_ministry.SPOKESPERSONS_ZH
    assert set(SPOKESPERSONS.values()) == foreign_ministry.SPOKESPERSONS_EN
    table = aliases()
    for zh, en in SPOKESPERSONS.items():
        assert table.person_id(zh, {MFA}) == table.person_id(en, {MFA}) == slug(en)


def test_every_spokesperson_and_host_of_the_offices_is_listed() -> None:
    table = aliases()
    for office in offices.OFFICES:
        assert office.official_organization is not None
        organization = table.organization_id(office.official_organization)
        for name in office.spokespersons | office.hosts:
            assert (key(name), organization) in table.people, (office.name, name)


def test_a_listed_person_is_that_person_only_on_the_pages_of_their_organization() -> None:
    official = {"id": "p1", "name": "高峰", "label": "高峰", "role": "official", "organization": None,
                "outlet_id": None}
    commerce = {"organizer": "商务部", "region": None, "outlets": [], "participants": [official]}
    city = {"organizer": "市政府新闻办", "region": "泰安市", "outlets": [], "participants": [official]}
    assert link(commerce, aliases())[0][0]["person_id"] == "gao-feng"
    assert link(city, aliases())[0][0]["person_id"] == "高峰@泰安市"


def test_each_participant_with_a_name_and_each_outlet_carries_its_id() -> None:
    doc = bp.parse(SEED)
    assert [(p.label, p.person_id) for p in doc.participants] == [
        ("主持人", None), ("杨建全", "杨建全@泰安市"), ("山东商报", None), ("柳斌", "柳斌@泰安市"), ("大众网", None),
        ("徐海鹏", "徐海鹏@泰安市")]
    assert [(o.name, o.organization_id) for o in doc.outlets] == [("山东商报", "山东商报"), ("大众网", "大众网")]


def test_a_named_reporter_is_a_person_of_their_outlet() -> None:
    doc = bp.parse("主持人 王军：大家好。\n大众网记者 张明：目标是多少？\n市发改委主任 李强：百分之五。\n".encode())
    assert [(p.label, p.person_id) for p in doc.participants] == [
        ("主持人 王军", "王军"), ("大众网记者 张明", "张明@大众网"), ("市发改委主任 李强", "李强")]
    registry = bp.build_registry([doc])
    assert registry.person("张明@大众网").affiliations == [
        Affiliation(role="journalist", organization_id="大众网", organization="大众网", pages=1)]
    assert registry.organization("大众网").labels == ["大众网记者 张明"]


def test_a_reporter_named_in_an_english_label_is_a_person_of_their_outlet() -> None:
    doc = bp.parse(b"Host: Good morning.\nReporter Li Ming, Xinhua: What is the target?\nZhang Wei: Five percent.\n"
                   b"Reporter Li Ming, Xinhua: And next year?\nZhang Wei: We will say in March.\n")
    assert [(p.label, p.role, p.person_id) for p in doc.participants] == [
        ("Host", "host", None), ("Reporter Li Ming, Xinhua", "journalist", "li-ming@xinhua"),
        ("Zhang Wei", "official", "zhang-wei")]
    assert bp.build_registry([doc]).person("li-ming@xinhua").affiliations == [
        Affiliation(role="journalist", organization_id="xinhua", organization="Xinhua", pages=1)]


def test_the_chinese_and_english_pages_of_a_conference_share_their_ids(docs: list[bp.Briefing]) -> None:
    by_page = {doc.source.uri.rsplit("/", 1)[1][:13]: doc for doc in docs if doc.source.uri}  # zh-2020-03-30
    for day in ("2020-03-30", "2020-03-31"):
        zh, en = by_page[f"zh-{day}"], by_page[f"en-{day}"]
        assert {o.name for o in zh.outlets} != {o.name for o in en.outlets}
        assert {o.organization_id for o in zh.outlets} == {o.organization_id for o in en.outlets}
        assert {p.person_id for p in zh.participants if p.name} == {p.person_id for p in en.participants if p.name} \
            == {"hua-chunying"}


# --- the alias table ------------------------------------------------------------------------------


def test_a_users_table_adds_entries_names_and_takes_names(tmp_path: Path) -> None:
    mine = tmp_path / "mine.tsv"
    mine.write_text("type\tnames\tkind\tcountry\torganization\n"
                    "organization\tShandong Business Daily|山东商报\tnewspaper\tCN\n"
                    "organization\tReuters Television|Reuters TV\ttv\tGB\n"
                    "organization\tReuters|Thomson Reuters\n"
                    "person\tZhang Ming|张明\t\t\t大众网\n", encoding="utf-8")
    table = aliases(mine)
    assert [table.organization_id(n) for n in ("Reuters TV", "路透社", "Thomson Reuters")] == [
        "reuters-television", "reuters", "reuters"]
    assert table.organizations[key("Reuters")].names == ("Reuters", "路透社", "Thomson Reuters")
    doc = bp.parse(SEED, options={"aliases": str(mine)})
    assert [o.organization_id for o in doc.outlets] == ["shandong-business-daily", "大众网"]
    reporter = bp.parse("大众网记者 张明：请问？\n市发改委主任 李强：谢谢。\n".encode(), options={"aliases": str(mine)})
    assert reporter.participants[0].person_id == "zhang-ming"
    assert bp.parse(SEED).outlets[0].organization_id == "山东商报"  # the shipped table alone, as before


@pytest.mark.parametrize(("line", "problem"), [
    ("company\tAcme", "the type is 'company', not person or organization"),
    ("organization\t |", "no names"),
    ("organization\tAcme\tshop", "the kind is 'shop', not one of newspaper, web, tv, radio, agency, magazine, "
                                 "government, other"),
    ("organization\tAcme\tagency\tUK1", "the country is 'UK1', not an ISO 3166-1 code such as CN or GB"),
    ("person\tLi Ming\tagency", "a person has no kind ('agency')"),
    ("organization\tAcme\t\t\tXinhua", "an organization speaks for no organization (that column is for people)"),
    ("organization\tAcme\t\t\t\textra", "6 columns, more than the 5 of type, names, kind, country, organization"),
])
def test_an_alias_table_that_cannot_be_read_says_where_and_why(line: str, problem: str) -> None:
    with pytest.raises(AliasError) as raised:
        read_aliases([("shipped", "# comment\n"), ("mine.tsv", f"type\tnames\n\n{line}\n")])
    assert str(raised.value) == f"mine.tsv:3: {problem}"


def test_the_command_line_refuses_an_unreadable_alias_table(tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("company\tAcme\n", encoding="utf-8")
    assert main(["convert", str(SEED), "-o", str(tmp_path / "out"), "--aliases", str(bad)]) == 2
    assert capsys.readouterr().err == (f"briefing-parser convert: cannot read the alias table: {bad}:1: the type "
                                       "is 'company', not person or organization\n")
    assert not (tmp_path / "out").exists()
    assert main(["parse", str(SEED), "--aliases", str(tmp_path / "none.tsv")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("briefing-parser parse: cannot read the alias table: [Errno 2] No such file")
    assert err.count("\n") == 1


# --- the registry of pages ------------------------------------------------------------------------


def test_the_registry_of_pages(docs: list[bp.Briefing]) -> None:
    registry = bp.build_registry(docs)
    assert [p.id for p in registry.people] == ["hua-chunying"]
    assert registry.person("hua-chunying") == Person(
        id="hua-chunying", name="Hua Chunying", names=["Hua Chunying", "华春莹"], labels=["Hua Chunying", "华春莹"],
        languages=["en", "zh"], first_seen=date(2020, 3, 30), last_seen=date(2020, 3, 31), pages=4, affiliations=[
            Affiliation(role="official", organization_id=MFA, organization="Ministry of Foreign Affairs",
                        title="Foreign Ministry Spokesperson", first_seen=date(2020, 3, 30),
                        last_seen=date(2020, 3, 31), pages=2),
            Affiliation(role="official", organization_id=MFA, organization="外交部", title="外交部发言人",
                        first_seen=date(2020, 3, 30), last_seen=date(2020, 3, 31), pages=2)])
    assert registry.organization("afp") == Organization(
        id="afp", name="AFP", names=["AFP", "Agence France-Presse", "法国新闻社", "法新社"],
        labels=["Agence France-Presse", "法新社记者"], kind="agency", country="FR", languages=["en", "zh"],
        first_seen=date(2020, 3, 30), last_seen=date(2020, 3, 30), pages=2)
    assert [(o.id, o.pages) for o in registry.organizations] == [
        ("afp", 2), ("associated-press-of-pakistan", 2), ("beijing-daily", 2), ("cctv", 2), ("china-daily", 4),
        ("china-review-news", 2), ("cnr", 2), ("cri", 2), ("kyodo-news", 2), (MFA, 4), ("reuters", 2),
        ("ria-novosti", 2), ("xinhua", 2)]


def test_the_registry_does_not_depend_on_the_order_of_the_pages(docs: list[bp.Briefing]) -> None:
    registry = bp.build_registry(docs)
    assert bp.build_registry(reversed(docs)) == registry
    assert bp.build_registry([*docs[2:], *docs[:2]]) == registry


def test_documents_without_registry_ids_get_them(docs: list[bp.Briefing]) -> None:
    """A Briefing of an earlier version has no ids: the registry gives them as a parse would."""
    older = [doc.model_copy(update={
        "participants": [p.model_copy(update={"person_id": None}) for p in doc.participants],
        "outlets": [o.model_copy(update={"organization_id": None}) for o in doc.outlets]}) for doc in docs]
    assert bp.build_registry(older) == bp.build_registry(docs)


def test_a_registry_holds_each_id_once_and_the_organizations_it_names() -> None:
    seen = {"languages": [], "pages": 1}
    person = Person(id="a", name="A", names=["A"], labels=[], affiliations=[
        Affiliation(role="official", organization_id="nowhere", pages=1)], **seen)  # type: ignore[arg-type]
    organization = Organization(id="o", name="O", names=["O"], labels=[], kind="other", **seen)  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as raised:
        Registry(people=[person, person], organizations=[organization, organization])
    assert raised.value.errors()[0]["msg"] == (
        "Value error, organization 'o' is listed 2 times; person 'a' is listed 2 times; person 'a' is affiliated "
        "with 'nowhere', which the registry does not hold; person 'a' is affiliated with 'nowhere', which the "
        "registry does not hold")


def test_the_committed_registry_schema_is_current() -> None:
    committed = json.loads((ROOT / "schema" / "registry.schema.json").read_text(encoding="utf-8"))
    assert committed == Registry.model_json_schema(), (
        "schema/registry.schema.json is stale: run `briefing-parser schema --registry > schema/registry.schema.json`")
    undocumented = [f"{name}.{field}" for name, model in committed["$defs"].items()
                    for field, spec in model.get("properties", {}).items() if "description" not in spec]
    assert undocumented == []


# --- tables and conversions -----------------------------------------------------------------------


def test_the_tables_carry_the_registry_ids() -> None:
    """The fields added to the model are columns by themselves; exchanges name the outlet's and the
    answerers' ids, so that questions per outlet or per spokesperson are one group-by."""
    assert "person_id" in [c.name for c in TABLES["participants"].columns]
    assert "organization_id" in [c.name for c in TABLES["outlets"].columns]
    tables = tabulate(bp.parse(SEED), "taian.html")
    exchanges = tables["exchanges"]
    assert [(x["outlet"], x["organization_id"], x["answerers"], x["answerer_person_ids"]) for x in exchanges] == [
        ("山东商报", "山东商报", ["柳斌"], ["柳斌@泰安市"]), ("大众网", "大众网", ["徐海鹏"], ["徐海鹏@泰安市"])]


def test_the_same_ids_whatever_the_order_of_the_inputs_and_the_jobs(tmp_path: Path) -> None:
    runs = {"1 job": (PAGES, 1), "2 jobs, reversed": (PAGES[::-1], 2),
            "2 jobs, one a shard": (PAGES[1:] + PAGES[:1], 2)}
    found = {}
    for name, (pages, jobs) in runs.items():
        out = tmp_path / name
        convert_to(pages, out, fmt="parquet", jobs=jobs, shard_size=1 if "shard" in name else 1000)
        found[name] = (registry_in(out, "parquet"), page_ids(out))
    assert found["1 job"] == found["2 jobs, reversed"] == found["2 jobs, one a shard"]
    # 7 participants and 6 outlets on 30 March, 8 and 7 on 31 March, in each language
    assert len(found["1 job"][1]) == 2 * (7 + 6 + 8 + 7)


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "parquet"])
def test_every_format_holds_the_registry_of_its_pages(tmp_path: Path, docs: list[bp.Briefing], fmt: str) -> None:
    out = tmp_path / "out"
    convert_to(PAGES, out, fmt=fmt, jobs=1)
    assert registry_in(out, fmt) == bp.build_registry(docs)
    assert all((out / name).is_file() for name in REGISTRY_FILES[fmt])


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_resume_keeps_the_registry_right(tmp_path: Path, fmt: str) -> None:
    """A resumed run's registry is that of the pages as they are now: new pages in, a changed page's old
    names out."""
    folder, out = tmp_path / "pages", tmp_path / "out"
    folder.mkdir()
    for page in PAGES[:2]:
        shutil.copy(page, folder)
    convert_to([folder], out, fmt=fmt, jobs=1, shard_size=1)
    for page in PAGES[2:]:
        shutil.copy(page, folder)
    changed = folder / PAGES[0].name
    changed.write_bytes(SEED.read_bytes())
    convert_to([folder], out, fmt=fmt, jobs=1, shard_size=1, resume=True)
    now = bp.build_registry(bp.parse(page) for page in sorted(folder.iterdir()))
    assert registry_in(out, fmt) == now
    assert "杨建全@泰安市" in [p.id for p in now.people]
    assert now.person("hua-chunying").pages == 3


def test_a_stopped_run_leaves_no_registry_of_other_pages(tmp_path: Path, docs: list[bp.Briefing]) -> None:
    out = tmp_path / "out"
    convert_to(PAGES, out, fmt="jsonl", jobs=1, shard_size=1)

    def stop(result: bp.PageResult) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        convert_to(PAGES, out, fmt="jsonl", jobs=1, resume=True, on_result=stop)
    assert not any((out / name).exists() for name in REGISTRY_FILES["jsonl"])
    convert_to(PAGES, out, fmt="jsonl", jobs=1, resume=True)
    assert registry_in(out, "jsonl") == bp.build_registry(docs)


def test_a_conversion_resumes_only_with_its_alias_table(tmp_path: Path) -> None:
    out, mine = tmp_path / "out", tmp_path / "mine.tsv"
    mine.write_text("organization\tShandong Business Daily|山东商报\n", encoding="utf-8")
    convert_to([SEED], out, fmt="jsonl", jobs=1)
    with pytest.raises(UsageError, match="converted with another alias table"):
        convert_to([SEED], out, fmt="jsonl", jobs=1, resume=True, options={"aliases": str(mine)})
    convert_to([SEED], out, fmt="jsonl", jobs=1, overwrite=True, options={"aliases": str(mine)})
    assert [orjson.loads(line)["id"] for line in (out / "organizations.jsonl").read_bytes().splitlines()] == [
        "shandong-business-daily", "大众网"]
    assert convert_to([SEED], out, fmt="jsonl", jobs=1, resume=True, options={"aliases": str(mine)}).skipped == 1


# --- the development corpus -----------------------------------------------------------------------

needs_corpus = pytest.mark.skipif(not (CORPUS / "index.csv").is_file(), reason=f"corpus not found at {CORPUS}")

# The outlets that asked 20 questions or more across the corpus's 1,699 Chinese and English pages, counted by
# hand from the questions per outlet name of each language (路透社 68 + Reuters 67 + Reuters TV 1, …).
TOP_OUTLETS = [
    ("reuters", 136), ("afp", 112), ("cctv", 102), ("the-paper", 86), ("shenzhen-tv", 76), ("china-daily", 74),
    ("xinhua", 62), ("china-news-service", 50), ("bloomberg", 48), ("beijing-youth-daily", 46),
    ("beijing-daily", 44), ("ria-novosti", 43), ("cri", 38), ("cnr", 30), ("global-times", 30), ("bbc", 28),
    ("pti", 28), ("tass", 28), ("the-australian", 26), ("china-review-news", 24), ("south-china-morning-post", 24),
    ("cnn", 22), ("phoenix-tv", 22), ("the-globe-and-mail", 20)]
# The names each of the top 20 asks under, in both languages: no other id holds any of them.
TOP_NAMES = {
    "reuters": {"路透社", "Reuters", "Reuters TV"},
    "afp": {"法新社", "AFP", "Agence France-Presse"},
    "cctv": {"中央广播电视总台央视", "总台央视", "中央电视台", "央视", "总台央视中文国际频道", "CCTV", "CCTV4"},
    "the-paper": {"澎湃新闻", "The Paper"},
    "shenzhen-tv": {"深圳卫视", "Shenzhen TV"},
    "china-daily": {"中国日报", "China Daily"},
    "xinhua": {"新华社", "Xinhua News Agency"},
    "china-news-service": {"中新社", "中国新闻社", "China News Service", "CNS"},
    "bloomberg": {"彭博社", "Bloomberg", "Bloomberg News", "Bloomberg\xa0News"},
    "beijing-youth-daily": {"北京青年报", "Beijing Youth Daily"},
    "beijing-daily": {"北京日报", "Beijing Daily"},
    "ria-novosti": {"俄新社", "今日俄罗斯", "RIA Novosti"},
    "cri": {"中央广播电视总台国广", "总台国广", "中国国际广播电台", "CRI", "China Radio International"},
    "cnr": {"中央广播电视总台央广", "总台央广", "中央人民广播电台", "央广", "CNR", "China National Radio"},
    "global-times": {"环球时报", "Global Times", "The Global Times"},
    "bbc": {"英国广播公司", "BBC"},
    "pti": {"印度报业托拉斯", "PTI"},
    "tass": {"塔斯社", "TASS", "TASS News Agency", "Tass", "Tass News Agency"},
    "the-australian": {"澳大利亚人报", "The Australian"},
    "china-review-news": {"香港中评社", "China Review News", "China Review News Agency", "Hong Kong Review News"},
}


@pytest.fixture(scope="module")
def corpus_tables(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus") / "tables"
    convert_to([CORPUS], out, fmt="parquet", jobs=2)
    return out


@needs_corpus
@pytest.mark.corpus
def test_the_top_outlets_across_chinese_and_english_pages_are_one_id_each(corpus_tables: Path) -> None:
    exchanges = pd.read_parquet(corpus_tables / "exchanges")
    questions = exchanges.groupby("organization_id").size()
    assert sorted(questions[questions >= 20].items(), key=lambda item: (-item[1], item[0])) == TOP_OUTLETS
    names = exchanges.groupby("organization_id").outlet.agg(set).to_dict()
    assert {organization: names[organization] for organization in TOP_NAMES} == TOP_NAMES
    organizations = pd.read_parquet(corpus_tables / "organizations").set_index("id")
    assert all(list(organizations.languages[organization]) == ["en", "zh"] for organization in TOP_NAMES)


@needs_corpus
@pytest.mark.corpus
def test_every_spokesperson_is_one_person_across_chinese_and_english_pages(corpus_tables: Path) -> None:
    participants = pd.read_parquet(corpus_tables / "participants")
    officials = participants[participants.name.notna()]
    assert officials.groupby("name").person_id.nunique().max() == 1
    assert officials.groupby("person_id").name.agg(set).to_dict() == {
        slug(en): {zh, en} for zh, en in SPOKESPERSONS.items() if zh not in ("秦刚", "洪磊", "汪文斌")} | {
        "qin-gang": {"秦刚"}, "hong-lei": {"洪磊"}}
    people = pd.read_parquet(corpus_tables / "people").set_index("id")
    assert {person: list(languages) for person, languages in people.languages.items()} == {
        "geng-shuang": ["en", "zh"], "hong-lei": ["zh"], "hua-chunying": ["en", "zh"], "lu-kang": ["en", "zh"],
        "qin-gang": ["zh"], "zhao-lijian": ["en", "zh"]}


def test_a_csv_table_larger_than_pyarrows_block_reads_back(tmp_path: Path) -> None:
    """Cells with line breaks in a file of more than one block (1 MB): the registry of a large CSV conversion
    reads its briefings back."""
    rows = [{"id": f"o{n}", "name": f"line one\nline two {n}" + "x" * 400, "names": [], "labels": [],
             "kind": "other", "country": None, "languages": [], "first_seen": None, "last_seen": None, "pages": 1}
            for n in range(4000)]
    path = tmp_path / "organizations" / "part-00000.csv"
    write_table(path, "organizations", rows)
    assert path.stat().st_size > 1 << 20
    assert read_table(path).to_pylist() == rows
