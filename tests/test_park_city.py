"""park.city: a prefecture-level city of knowledge/cities.csv, read by full or short name and stored in full,
checked to lie in the province; asked after the province, offered on the web as its province's list, read from a
workbook or batch cell; and the key air-pollution regions inferred from it (knowledge/city_lists.yaml)."""

from __future__ import annotations

import copy
import io
import json
import shutil
from pathlib import Path

import lxml.html
import pytest
import yaml

from advisor.errors import ProfileError
from advisor.profile.files import validate_data

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo-chemical.yaml"


@pytest.fixture(scope="module")
def demo() -> dict:
    return yaml.safe_load(DEMO.read_text(encoding="utf-8"))


def located(demo: dict, **park) -> dict:
    """The demo profile with the park's place (and no answer on the key air region)."""
    data = copy.deepcopy(demo)
    data["park"].pop("key_air_region", None)
    for key, value in park.items():
        if value is None:
            data["park"].pop(key, None)
        else:
            data["park"][key] = value
    return data


# --- validation ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["杭州", "杭州市", " 杭州市 "])
def test_a_city_by_full_or_short_name_is_stored_in_full(kb, demo, name):
    profile = validate_data(located(demo, province="浙江省", city=name), "p.yaml", kb)
    assert profile.park.city == "杭州市"


def test_an_unknown_city_is_refused_with_a_suggestion_never_guessed(kb, demo):
    with pytest.raises(ProfileError) as info:
        validate_data(located(demo, province="浙江省", city="杭洲市"), "p.yaml", kb)
    (issue,) = info.value.issues
    assert issue.path == "park.city" and "unknown prefecture-level city '杭洲市'" in issue.problem
    assert "did you mean '杭州市'" in issue.fix


def test_a_city_of_another_province_is_refused_naming_both_and_the_fix(kb, demo):
    with pytest.raises(ProfileError) as info:
        validate_data(located(demo, province="浙江", city="苏州"), "p.yaml", kb)
    (issue,) = info.value.issues
    assert issue.path == "park.city"
    assert "苏州市 lies in 江苏省" in issue.problem and "浙江" in issue.problem
    assert "江苏省" in issue.fix and "浙江省" in issue.fix


def test_a_city_alone_or_no_city_is_valid(kb, demo):
    assert validate_data(located(demo, province=None, city="石家庄"), "p.yaml", kb).park.city == "石家庄市"
    assert validate_data(located(demo, city=None), "p.yaml", kb).park.city is None


# --- the questionnaire --------------------------------------------------------------------------

def test_the_questionnaire_asks_the_city_right_after_the_province_and_reads_a_short_name(kb, tmp_path):
    from advisor.questionnaire import AnswerError, Interview, Reader, Session, load_questions

    book = load_questions()
    ids = [q.id for q in book.questions]
    assert ids[ids.index("park-province") + 1] == "park-city"
    q = book.questions[ids.index("park-city")]
    reader = Reader(lang="zh", units_kb=kb, industries=frozenset(kb.industries))
    out = io.StringIO()
    iv = Interview(book, Session(), io.StringIO("苏洲\n苏州\n"), out, tmp_path / "a.json", reader=reader)
    iv.ask(q)
    assert iv.session.answers["park.city"] == "苏州市"
    assert "不认识地级市“苏洲”" in out.getvalue() and "苏州 → 苏州市" in out.getvalue()
    with pytest.raises(AnswerError, match="not a prefecture-level city we know"):
        Reader(lang="en", units_kb=kb).read(q, "Atlantis")
    assert reader.read(q, "不清楚") is None   # unknown stays unknown


# --- workbook and batch -------------------------------------------------------------------------

def test_a_batch_cell_park_city_is_read_and_stored_in_full(kb):
    from advisor.profile.table_rows import row_dict_to_data

    row = {"park.id": "t", "park.name": "小园区", "park.base_year": "2022", "park.industries": "C26:0.6",
           "park.province": "河北", "park.city": "张家口"}
    data, issues = row_dict_to_data(row, "parks.csv row 2")
    assert not issues and data["park"]["city"] == "张家口"
    assert validate_data(data, "parks.csv row 2", kb).park.city == "张家口市"


def test_the_batch_infers_the_key_air_region_from_the_city_column(tmp_path):
    import csv

    from advisor.batch.run import run_batch

    base = {"park.name": "小园区", "park.base_year": "2022", "park.industries": "C26:0.6", "park.province": "河北省"}
    rows = [{**base, "park.id": "in", "park.city": "唐山"}, {**base, "park.id": "out", "park.city": "张家口市"},
            {**base, "park.id": "no-city", "park.city": ""}, {**base, "park.id": "elsewhere", "park.city": "苏州"}]
    src = tmp_path / "parks.csv"
    with open(src, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    run_batch(src, tmp_path / "out.csv", json_dir=tmp_path / "json")
    with open(tmp_path / "out.csv", encoding="utf-8-sig", newline="") as f:
        status = {r["park.id"]: (r["status"], r["error"]) for r in csv.DictReader(f)}
    assert status["elsewhere"][0] == "error" and "苏州市 lies in 江苏省" in status["elsewhere"][1]

    def inferred(park_id):
        advice = json.loads((tmp_path / "json" / f"{park_id}.json").read_text(encoding="utf-8"))
        return {i["fact"]: i for i in advice["inferred"]}.get("park.key_air_region")

    assert (inferred("in")["value"], inferred("in")["strength"]) == (True, "strong")
    assert (inferred("out")["value"], inferred("out")["strength"]) == (False, "strong")
    assert (inferred("no-city")["value"], inferred("no-city")["strength"]) == (True, "weak")   # as before


def test_the_workbook_park_sheet_has_a_city_row_that_is_read(tmp_path, kb):
    import openpyxl

    from advisor.profile.files import load_profile

    path = tmp_path / "park.xlsx"
    shutil.copy(ROOT / "examples" / "demo-chemical.xlsx", path)
    wb = openpyxl.load_workbook(path)
    ws = wb["park"]
    rows = [r for r in ws.iter_rows() if any(c.value == "park.city" for c in r)]
    assert rows, "the park sheet lists park.city"
    key = next(c for c in rows[0] if c.value == "park.city")
    ws.cell(row=key.row, column=key.column + 1).value = "宁波"
    wb.save(path)
    assert load_profile(path, kb).park.city == "宁波市"


# --- the inference ------------------------------------------------------------------------------

@pytest.mark.parametrize(("province", "city", "expected"), [
    ("浙江省", "杭州", ("key-air-region-city", True, "strong")),
    ("浙江省", "温州", ("key-air-region-city-outside", False, "strong")),
    ("河北省", "张家口", ("key-air-region-city-outside", False, "strong")),
    ("山西省", "大同", ("key-air-region-city-outside", False, "strong")),
    ("陕西省", "咸阳", ("key-air-region-city", True, "strong")),
    ("江苏省", "苏州", ("key-air-region-whole-province", True, "strong")),
    (None, "无锡", ("key-air-region-city", True, "strong")),       # a province listed whole, by its city
    ("浙江省", None, ("key-air-region-part-of-province", True, "weak")),   # the province alone: as before
    ("广东省", None, None),
])
def test_the_key_air_region_is_settled_by_the_city_and_weak_from_a_partly_covered_province(
        kb, demo, province, city, expected):
    from advisor.decide.inference import infer

    profile = validate_data(located(demo, province=province, city=city), "p.yaml", kb)
    inf = infer({}, profile, kb).get("park.key_air_region")
    assert (inf and (inf.id, inf.value, inf.strength)) == expected


def test_an_answer_still_wins_over_the_city(kb, demo):
    from advisor.decide.inference import infer

    profile = validate_data(located(demo, province="河北省", city="张家口", key_air_region=True), "p.yaml", kb)
    assert "park.key_air_region" not in infer({"park.key_air_region": True}, profile, kb)


def test_the_city_list_names_only_cities_of_cities_csv_and_has_the_plans_82_cities(kb):
    lst = kb.city_lists["key-air-regions-2023"]
    members = lst.members(kb.cities)
    assert lst.source.year == 2023 and lst.source.title
    # the plan counts 82 cities: Beijing, Tianjin and Shanghai (no prefecture-level cities in cities.csv) and 79
    # others; 莱芜 is part of 济南 since 2019, but still a row of cities.csv
    assert not {"北京市", "天津市", "上海市"} & {c.name_zh for c in kb.cities}
    assert len(members - {"莱芜市"}) + 3 == 82
    assert {"张家口市", "承德市", "青岛市", "温州市", "大同市", "延安市"}.isdisjoint(members)


def test_a_city_list_naming_an_unknown_city_is_refused(tmp_path):
    from advisor.errors import KnowledgeError
    from advisor.kb.knowledge import load_knowledge, load_knowledge_uncached

    root = tmp_path / "knowledge"
    shutil.copytree(load_knowledge().root, root)
    data = yaml.safe_load((root / "city_lists.yaml").read_text(encoding="utf-8"))
    data[0]["cities"].append("火星市")
    (root / "city_lists.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    _, issues = load_knowledge_uncached(root)
    assert any("火星市" in i.problem and "city_lists.yaml" in i.file for i in issues), issues
    with pytest.raises(KnowledgeError):
        load_knowledge(root)


# --- the web ------------------------------------------------------------------------------------

@pytest.fixture
def client(tmp_path):
    from fastapi.testclient import TestClient

    from advisor.web.app import create_app

    with TestClient(create_app(f"sqlite:///{tmp_path / 'web.db'}"), raise_server_exceptions=False) as c:
        yield c


def shown_cities(html: str) -> dict[str, list[str]]:
    """The city select's groups that are shown: province → its cities."""
    tree = lxml.html.fromstring(html)
    (select,) = tree.xpath('//select[@name="park-city"]')
    return {g.get("data-province"): [o.get("value") for o in g.xpath("option")]
            for g in select.xpath("optgroup") if g.get("hidden") is None and g.get("disabled") is None}


def test_the_web_city_list_shows_the_chosen_provinces_cities(client, kb):
    r = client.post("/upload", files={"profile": (DEMO.name, DEMO.read_bytes())}, follow_redirects=False)
    token = r.headers["location"].split("/")[2]
    shown = shown_cities(client.get(f"/p/{token}/q/park").text)
    zhejiang = [c.name_zh for c in kb.cities if c.province == "浙江省"]
    assert shown == {"浙江省": zhejiang}
    r = client.post(f"/p/{token}/answer", data={"question": "park-province", "park-province": "河北省"})
    assert r.json()["ok"]
    shown = shown_cities(client.get(f"/p/{token}/q/park").text)
    assert list(shown) == ["河北省"] and "张家口市" in shown["河北省"] and "杭州市" not in shown["河北省"]
    r = client.post(f"/p/{token}/answer", data={"question": "park-city", "park-city": "张家口市"})
    assert r.json()["ok"]
    page = lxml.html.fromstring(client.get(f"/p/{token}/q/park").text)
    assert page.xpath('//select[@name="park-city"]//option[@selected]/@value') == ["张家口市"]


def test_without_a_province_every_citys_group_is_offered(client, kb):
    r = client.post("/new", follow_redirects=False)
    page = client.get(r.headers["location"])
    shown = shown_cities(page.text)
    assert set(shown) == {c.province for c in kb.cities}
    assert sum(len(v) for v in shown.values()) == len(kb.cities)
