"""The web pages without a browser: store, forms, escaping, uploads, errors, downloads, what-if (FastAPI TestClient)."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import markupsafe
import pytest
import yaml
from conftest import REQUIRE_BROWSER, without_browser
from demo_answers import CHOSEN, TYPED

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo-chemical.yaml"
XSS = "<script>alert(1)</script>"
PARK_PAGE = {q: v for q, v in {**TYPED, **CHOSEN}.items()
             if q in ("park-id", "park-name", "park-base-year", "park-industries", "park-level",
                      "park-key-air-region", "park-water-scarce", "park-vacant-land")}


@pytest.fixture(scope="module")
def advisor():
    from advisor.web.service import Advisor

    return Advisor()


@pytest.fixture
def db_url(tmp_path):
    return f"sqlite:///{tmp_path / 'web.db'}"


@pytest.fixture
def client(db_url, advisor):
    from fastapi.testclient import TestClient

    from advisor.web.app import create_app

    with TestClient(create_app(db_url, advisor=advisor), raise_server_exceptions=False) as c:
        yield c


def new_park(client) -> str:
    r = client.post("/new", follow_redirects=False)
    assert r.status_code == 303
    m = re.fullmatch(r"/p/([A-Za-z0-9_-]+)/q/park", r.headers["location"])
    assert m, r.headers["location"]
    return m.group(1)


def stored(client, token: str) -> dict:
    return client.app.state.store.load(token).answers


def open_questions(html: str) -> list[str]:
    """The questions a page shows open (a hidden follow-up is not among them)."""
    return [q for tag, q in re.findall(r'(<fieldset[^>]*data-q="([^"]+)"[^>]*>)', html) if " hidden" not in tag]


def grid(html: str, qid: str) -> list[tuple[str, str]]:
    """The filled rows of a question shown as a table (a series, or industries and their shares)."""
    first = re.findall(rf'name="{qid}\.a" value="([^"]*)"', html)
    second = re.findall(rf'name="{qid}\.b" value="([^"]*)"', html)
    return [(a, b) for a, b in zip(first, second, strict=True) if a or b]


def post_page(client, token: str, topic: str, data: dict, **kwargs):
    """Submit a topic page as a browser without script does: with the "seen" mark of each open question."""
    seen = open_questions(client.get(f"/p/{token}/q/{topic}").text)
    return client.post(f"/p/{token}/q/{topic}", data={**data, "seen": seen}, follow_redirects=False, **kwargs)


def answer_park_page(client, token: str, **changes) -> None:
    r = post_page(client, token, "park", {**PARK_PAGE, **changes, "go": "next"})
    assert r.status_code == 303, r.text[-2000:]


# --- the store ------------------------------------------------------------------------------------------

def test_a_new_park_gets_an_unguessable_link_and_starts_at_the_park_page(client):
    tokens = {new_park(client) for _ in range(3)}
    assert len(tokens) == 3 and all(len(t) >= 22 for t in tokens)
    page = client.get(f"/p/{tokens.pop()}/q/park")
    assert page.status_code == 200
    assert 'data-q="park-id"' in page.text and 'data-q="park-industries"' in page.text


def test_answers_survive_a_new_store_on_the_same_database_file(client, db_url):
    from advisor.web.store import Store

    token = new_park(client)
    answer_park_page(client, token)
    again = Store(db_url).load(token)  # what a restarted server sees
    assert again.answers["park.name"] == "示例化工园区"
    assert again.answers["park.industries"][0] == {"code": "C26", "share": pytest.approx(0.55)}
    assert "park-id" in again.asked


def test_the_database_is_a_sqlite_file_by_default_and_any_sqlalchemy_url_when_given(tmp_path, monkeypatch):
    from advisor.errors import UsageError
    from advisor.web.store import ENV_VAR, database_url

    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.chdir(tmp_path)
    assert database_url(None) == f"sqlite:///{tmp_path / 'park-advisor-web.db'}"
    assert database_url(str(tmp_path / "a.db")) == f"sqlite:///{tmp_path / 'a.db'}"
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "env.db"))
    assert database_url(None) == f"sqlite:///{tmp_path / 'env.db'}"
    url = "postgresql+psycopg://advisor@db.example/parks"
    assert database_url(url) == url
    with pytest.raises(UsageError, match="does not exist"):
        database_url(str(tmp_path / "missing" / "a.db"))


# --- answers are read like `ask` reads them ---------------------------------------------------------------

def test_answers_in_chinese_units_are_converted_exactly_as_ask_converts_them(client):
    token = new_park(client)
    answer_park_page(client, token)
    r = post_page(client, token, "energy", {"energy-coal": "162万t", "energy-gas": "8500万Nm3",
                                            "energy-electricity": "29亿kWh", "energy-steam": ""})
    assert r.status_code == 303
    answers = stored(client, token)
    assert answers["energy.raw_coal"] == pytest.approx(1.62e6)
    assert answers["energy.natural_gas"] == pytest.approx(8.5e7)
    assert answers["energy.electricity"] == pytest.approx(2.9e6)
    assert "energy.steam" not in answers  # empty = unknown, never 0


def test_an_empty_park_id_is_made_from_the_name_and_can_be_changed(client):
    token = new_park(client)
    answer_park_page(client, token, **{"park-id": ""})
    made = stored(client, token)["park.id"]
    assert re.fullmatch(r"park-[0-9a-f]{6}", made)   # 示例化工园区 has no letters to use
    answer_park_page(client, token, **{"park-id": "", "park-name": "Demo Chemical Park"})
    assert stored(client, token)["park.id"] == "demo-chemical-park"
    answer_park_page(client, token, **{"park-id": "hz-chem"})
    assert stored(client, token)["park.id"] == "hz-chem"


def test_a_bad_answer_is_shown_again_with_the_readers_reason_and_the_good_ones_are_kept(client):
    token = new_park(client)
    r = post_page(client, token, "park", {**PARK_PAGE, "park-base-year": "twenty", "park-name": "", "go": "next"})
    assert r.status_code == 422
    box = r.text.split('id="q-park-base-year"', 1)[1].split("</fieldset>", 1)[0]
    assert "2005–2100" in box and 'value="twenty"' in box  # the Reader's message, the text as typed
    assert "这个问题必须回答" in r.text.split('id="q-park-name"', 1)[1].split("</fieldset>", 1)[0]
    answers = stored(client, token)
    assert answers["park.id"] == "demo-chemical" and "park.base_year" not in answers


def test_dont_know_clears_an_answer_and_a_follow_up_is_dropped_when_its_condition_fails(client):
    token = new_park(client)
    answer_park_page(client, token)
    page = {"wastewater-plant": "yes", "wastewater-load-ratio": "92%", "go": "next"}
    post_page(client, token, "infrastructure", page)
    post_page(client, token, "infrastructure", page)   # the load ratio opens once the plant is known to exist
    answers = stored(client, token)
    assert answers["infrastructure.central_wastewater_plant.present"] is True
    assert answers["infrastructure.central_wastewater_plant.load_ratio"] == pytest.approx(0.92)
    post_page(client, token, "infrastructure", {**page, "wastewater-plant": "no"})
    answers = stored(client, token)
    assert answers["infrastructure.central_wastewater_plant.present"] is False
    assert "infrastructure.central_wastewater_plant.load_ratio" not in answers
    post_page(client, token, "infrastructure", {**page, "wastewater-plant": "__unknown__"})
    assert "infrastructure.central_wastewater_plant.present" not in stored(client, token)


def test_each_answer_is_saved_the_moment_it_changes(client):
    token = new_park(client)
    ok = client.post(f"/p/{token}/answer", data={"question": "park-enterprise-count", "park-enterprise-count": "86"})
    assert ok.status_code == 200 and ok.json()["ok"] is True
    assert stored(client, token)["park.enterprise_count"] == 86
    bad = client.post(f"/p/{token}/answer", data={"question": "park-vacant-land", "park-vacant-land": "lots"})
    assert bad.status_code == 422 and bad.json()["ok"] is False and bad.json()["error"]
    assert "park.vacant_land_share" not in stored(client, token)


def test_a_question_page_shows_why_it_is_asked_and_the_measures_at_stake(client, advisor):
    token = new_park(client)
    answer_park_page(client, token)
    page = client.get(f"/p/{token}/q/management").text
    box = page.split('id="q-management-plan"', 1)[1].split("</fieldset>", 1)[0]
    stakes = advisor.stakes["management-plan"]
    assert stakes and all(f'<span class="mid">{m}</span>' in box for m in stakes)
    assert "<details" in box and 'value="__unknown__"' in box


# --- escaping -------------------------------------------------------------------------------------------------

def test_a_park_name_with_markup_is_escaped_on_every_page(client):
    token = new_park(client)
    answer_park_page(client, token, **{"park-name": XSS})
    pages = [f"/p/{token}/q/park", f"/p/{token}/results", f"/p/{token}/whatif", f"/p/{token}"]
    for url in pages:
        r = client.get(url)
        assert r.status_code == 200, url
        assert XSS not in r.text, url
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get(f"/p/{token}/q/park").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get(f"/p/{token}/results").text


def test_an_uploaded_profile_with_markup_is_escaped_in_the_results(client):
    data = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    data["park"]["name"] = XSS
    data["processes"][0]["name"] = '<img src=x onerror="alert(2)">'
    r = client.post("/upload", files={"profile": ("x.yaml", yaml.safe_dump(data, allow_unicode=True).encode())})
    assert r.status_code == 200
    assert XSS not in r.text and "<img src=x" not in r.text
    assert "&lt;script&gt;" in r.text


# --- uploads --------------------------------------------------------------------------------------------------

def test_an_upload_larger_than_the_cap_is_refused_before_it_is_read(client):
    from advisor.web.service import upload_limit

    big = b"#" * (upload_limit() + 512 * 1024)
    r = client.post("/upload", files={"profile": ("big.yaml", big)})
    assert r.status_code == 413
    assert "MB" in r.text and "Traceback" not in r.text


def test_a_text_profile_above_the_text_cap_is_refused_with_the_size(client):
    from advisor.kb.safe_load import MAX_TEXT_BYTES

    r = client.post("/upload", files={"profile": ("big.yaml", b"# x\n" * (MAX_TEXT_BYTES // 4 + 10))})
    assert r.status_code == 422
    assert "big.yaml" in r.text and "MB limit" in r.text


def test_only_yaml_json_and_xlsx_uploads_are_accepted(client):
    r = client.post("/upload", files={"profile": ("park.txt", b"park: {}")})
    assert r.status_code == 422
    assert "unknown file type" in r.text and ".xlsx" in r.text


def test_a_bad_profile_upload_lists_every_problem_with_its_field_path_and_fix(client):
    bad = (b"schema_version: 1\n"
           b"park: {id: p1, name: P, base_year: 2022, industries: [{code: C26, share: 1.5}]}\nmanagment: {}\n")
    r = client.post("/upload", files={"profile": ("bad.yaml", bad)})
    assert r.status_code == 422
    rows = re.findall(r'<li class="issue"[^>]*>(.*?)</li>', r.text, flags=re.S)
    assert len(rows) >= 2
    said = [row.split('<details class="tech">', 1)[0] for row in rows]
    # said in the page's language with the question's label; the field path and the original in the details
    assert any("主要行业" in s or "行业" in s for s in said) and any("managment" in s for s in said)
    assert not any("park.industries" in s for s in said)
    text = " ".join(rows)
    assert "park.industries[0].share" in text and "management" in text
    assert "bad.yaml" in text and "Traceback" not in r.text and tempfile.gettempdir() not in text  # no server path


def test_a_broken_workbook_upload_is_a_located_error(client):
    r = client.post("/upload", files={"profile": ("park.xlsx", b"PK\x03\x04 not really a workbook")})
    assert r.status_code == 422 and 'class="issue"' in r.text and "Traceback" not in r.text


def test_an_uploaded_profile_gives_the_same_ranking_as_advise(client, kb):
    from advisor.decide.recommend import advise
    from advisor.profile.files import load_profile

    r = client.post("/upload", files={"profile": (DEMO.name, DEMO.read_bytes())}, follow_redirects=False)
    assert r.status_code == 303
    page = client.get(r.headers["location"]).text
    shown = re.findall(r'data-measure="([\d.]+)" data-rank="(\d+)"', page)
    expected = [x["measure"] for x in advise(load_profile(DEMO, kb), kb)["recommendations"]]
    assert [m for m, _ in sorted(shown, key=lambda x: int(x[1]))] == expected


def _results(client, path: Path, lang: str):
    import lxml.html

    r = client.post("/upload", files={"profile": (path.name, path.read_bytes())}, follow_redirects=False)
    token = r.headers["location"].split("/")[2]
    page = client.get(f"/p/{token}/results?lang={lang}")
    assert page.status_code == 200
    return token, lxml.html.fromstring(page.text)


def _ids(tree, xpath: str) -> list[str]:
    return [e.get("data-measure") for e in tree.xpath(xpath)]


MANUFACTURING = ROOT / "examples" / "demo-manufacturing.yaml"


def test_the_results_lead_with_the_shortlist_and_list_established_measures_only(client, kb):
    from advisor.decide.recommend import advise
    from advisor.profile.files import load_profile

    advice = advise(load_profile(MANUFACTURING, kb), kb)
    pending = [t["measure"] for t in advice["to_confirm"]]
    assert pending, "the example leaves measures to confirm"
    _, tree = _results(client, MANUFACTURING, "zh")
    assert _ids(tree, '//ol[@id="shortlist"]/li') == advice["shortlist"][:3]   # the summary: what to do first
    established = _ids(tree, '//details[@class="rec"]')   # the measures: the shortlist first, then the rest
    assert established[:len(advice["shortlist"])] == advice["shortlist"]
    assert sorted(established) == sorted(r["measure"] for r in advice["recommendations"])
    by_rank = sorted(tree.xpath('//details[@class="rec"]'), key=lambda e: int(e.get("data-rank")))
    assert [e.get("data-measure") for e in by_rank] == [r["measure"] for r in advice["recommendations"]]
    assert not set(pending) & set(established)
    assert _ids(tree, '//section[@id="to-confirm"]/details') == pending


def test_each_measure_to_confirm_opens_into_its_conditions_and_links_to_the_questions_that_decide_it(client, kb):
    from advisor.decide.recommend import advise
    from advisor.profile.files import load_profile

    advice = advise(load_profile(MANUFACTURING, kb), kb)
    token, tree = _results(client, MANUFACTURING, "zh")
    linked = 0
    for t in advice["to_confirm"]:
        box = tree.xpath(f'//details[@id="confirm-{t["measure"]}"]')[0]
        assert [li.text_content() for li in box.xpath('.//ul[@class="conditions"]/li')] == list(
            dict.fromkeys(c["text"] for c in t["if"]))
        asked = [li.text_content().strip() for li in box.xpath('.//ul[@class="deciding"]/li')]
        assert set(asked) == {u["label"] for c in t["if"] for u in c["unknown"]}
        for a in box.xpath('.//ul[@class="deciding"]//a'):
            url, _, anchor = a.get("href").partition("#")
            page = client.get(url)
            assert page.status_code == 200 and f'id="{anchor}"' in page.text
            linked += 1
    assert linked, "the questions that decide a measure link to the questionnaire"
    questions = tree.xpath('//ol[@id="questions-list"]/li')
    assert [q.get("data-question") for q in questions] == [q["question"] for q in advice["questions_to_answer"]]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("path", [DEMO, MANUFACTURING], ids=["chemical", "manufacturing"])
def test_the_advice_on_the_results_page_has_no_field_paths_rule_ids_or_other_language(client, kb, path, lang):
    from plain_text import problems, profile_names

    from advisor.profile.files import load_profile

    _, tree = _results(client, path, lang)
    for tech in tree.xpath('//details[contains(concat(" ", @class, " "), " tech ")]'):
        tech.drop_tree()   # the technical details name the field paths, for those who look
    parts = ["summary", "measures", "verify"]
    text = "\n".join(tree.xpath(f'//section[@id="{p}"]')[0].text_content() for p in parts)
    assert problems(text, lang, profile_names(load_profile(path, kb))) == []


def test_the_charts_are_images_named_by_the_hash_of_their_data_and_kept_by_the_browser(client):
    r = client.post("/upload", files={"profile": (DEMO.name, DEMO.read_bytes())}, follow_redirects=False)
    token = r.headers["location"].split("/")[2]
    page = client.get(f"/p/{token}/results").text
    charts = re.findall(r'<img src="(/p/[^"]+/chart/([a-z_-]+)\.svg\?v=([0-9a-f]{16})&amp;lang=zh)" alt="([^"]+)"',
                        page)
    assert len(charts) >= 2 and "<svg" not in page
    url = charts[0][0].replace("&amp;", "&")
    svg = client.get(url)
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.lstrip().startswith(("<?xml", "<svg")) and "immutable" in svg.headers["cache-control"]
    client.post(f"/p/{token}/answer", data={"question": "park-enterprise-count", "park-enterprise-count": "87"})
    again = client.get(f"/p/{token}/results").text
    assert charts[0][2] in again   # the answer does not change this chart: the browser keeps its copy
    assert client.get(f"/p/{token}/chart/nothing.svg").status_code == 404


def test_the_workbook_example_uploads_like_its_yaml_twin(client):
    workbook = (ROOT / "examples" / "demo-chemical.xlsx").read_bytes()
    r = client.post("/upload", files={"profile": ("demo-chemical.xlsx", workbook)}, follow_redirects=False)
    assert r.status_code == 303


# --- links and errors -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/p/AAAAAAAAAAAAAAAAAAAAAAAA", "/p/AAAAAAAAAAAAAAAAAAAAAAAA/results",
                                 "/p/short", "/p/AAAAAAAAAAAAAAAAAAAAAAAA/download/report.docx", "/nowhere"])
def test_an_unknown_link_is_a_404_page(client, url):
    r = client.get(url)
    assert r.status_code == 404
    assert "<html" in r.text and "Traceback" not in r.text


def test_resume_by_link_opens_the_park_and_an_unknown_link_says_so(client):
    token = new_park(client)
    r = client.post("/resume", data={"link": f"http://127.0.0.1:8000/p/{token}/q/park"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/p/{token}"
    r = client.post("/resume", data={"link": "http://127.0.0.1:8000/p/AAAAAAAAAAAAAAAAAAAAAAAA"})
    assert r.status_code == 404 and "找不到" in r.text


def test_an_internal_error_is_a_plain_page_without_traceback_or_detail(client, advisor, monkeypatch):
    token = new_park(client)

    def broken(*a, **kw):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(advisor, "results", broken)
    r = client.get(f"/p/{token}/results")
    assert r.status_code == 500
    assert "Traceback" not in r.text and "secret internal detail" not in r.text and "RuntimeError" not in r.text


def test_state_changes_need_post(client):
    assert client.get("/new").status_code == 405
    token = new_park(client)
    assert client.get(f"/p/{token}/answer").status_code == 405


# --- results, what-if, downloads, language --------------------------------------------------------------------------

def test_results_before_the_required_answers_list_what_is_missing(client):
    token = new_park(client)
    r = client.get(f"/p/{token}/results")
    assert r.status_code == 200
    assert "park.industries" in r.text and 'class="issue"' in r.text


def test_whatif_shows_what_enters_leaves_and_moves_without_changing_the_answers(client, advisor):
    r = client.post("/upload", files={"profile": (DEMO.name, DEMO.read_bytes())}, follow_redirects=False)
    token = r.headers["location"].split("/")[2]
    before = dict(stored(client, token))
    assert before["management.synergy_plan"] is False
    r = client.post(f"/p/{token}/whatif", data={"question": "management-plan", "value": "是"})
    assert r.status_code == 200
    expected = advisor.what_if(before, "answers", "management.synergy_plan", True, "zh")
    assert expected["moves"] and "7.1.1" in [m["measure"] for m in expected["moves"]]
    moves = r.text.split('id="whatif-moves"', 1)[1]
    for item in expected["moves"]:   # each measure that changes list, with where it was and where it goes
        assert (f'data-measure="{item["measure"]}" data-from="{item["from"]}" data-to="{item["to"]}"') in moves
        assert all(str(markupsafe.escape(text)) in moves for text in item["reasons"])
    for item in expected["moved"]:
        assert f'#{item["from"]} → #{item["to"]}' in r.text
    assert stored(client, token) == before
    tonnes = r.text.split('id="whatif-tonnes"', 1)[1].split("</table>", 1)[0]   # the shortlist's tonnes
    assert "CO2e" in tonnes and 'class="changed"' in tonnes
    same = client.post(f"/p/{token}/whatif", data={"question": "management-plan", "value": "no"})
    assert 'id="whatif-nothing"' in same.text and "可能影响的措施有" in same.text   # and why nothing changed
    bad = client.post(f"/p/{token}/whatif", data={"question": "water-reuse-rate", "value": "lots"})
    assert bad.status_code == 422 and "85%" in bad.text


def test_whatif_asks_a_yes_no_question_with_yes_no_and_dont_know_and_a_province_from_the_list(client):
    r = client.post("/upload", files={"profile": (DEMO.name, DEMO.read_bytes())}, follow_redirects=False)
    token = r.headers["location"].split("/")[2]
    yes_no = client.get(f"/p/{token}/whatif", params={"q": "management-plan"}).text
    box = yes_no.split('id="whatif-value-box"', 1)[1].split("</fieldset>", 1)[0]
    assert re.findall(r'type="radio" name="value" value="([^"]+)"', box) == ["yes", "no", "__unknown__"]
    assert 'type="text"' not in box
    r = client.post(f"/p/{token}/whatif", data={"question": "management-plan", "value": "__unknown__"})
    assert r.status_code == 200 and 'id="whatif-result"' in r.text
    province = client.get(f"/p/{token}/whatif", params={"q": "park-province", "lang": "en"}).text
    if 'value="park-province"' in province:   # offered when it can change a measure
        assert "<option value=\"浙江省\" selected>Zhejiang</option>" in province


def test_downloads_give_a_valid_profile_and_the_three_report_formats(client, kb):
    from advisor.profile.files import validate_data

    token = new_park(client)
    answer_park_page(client, token)
    prof = client.get(f"/p/{token}/download/profile.yaml")
    assert prof.status_code == 200 and "attachment" in prof.headers["content-disposition"]
    validate_data(yaml.safe_load(prof.text), "download", kb)
    # the reports of a park with data to chart (a park with only its first page answered has none)
    r = client.post("/upload", files={"profile": (DEMO.name, DEMO.read_bytes())}, follow_redirects=False)
    token = r.headers["location"].split("/")[2]
    html = client.get(f"/p/{token}/download/report.html?lang=en")
    assert html.status_code == 200 and "<svg" in html.text and 'lang="en"' in html.text
    docx = client.get(f"/p/{token}/download/report.docx")
    assert docx.content[:2] == b"PK" and docx.headers["content-type"].startswith("application/vnd.openxml")
    md = zipfile.ZipFile(io.BytesIO(client.get(f"/p/{token}/download/report.md").content))
    names = md.namelist()
    assert any(n.endswith(".md") for n in names) and any(n.endswith(".png") for n in names)
    assert client.get(f"/p/{token}/download/report.pdf").status_code == 404


def test_every_page_has_the_language_switch_and_the_choice_is_remembered(client):
    token = new_park(client)
    for url in ["/", f"/p/{token}", f"/p/{token}/q/park", f"/p/{token}/results", f"/p/{token}/whatif", "/p/nope"]:
        text = client.get(url).text
        assert '?lang=zh"' in text and '?lang=en"' in text, url
    en = client.get(f"/p/{token}/q/park?lang=en")
    assert '<html lang="en">' in en.text and "Why is this asked?" in en.text
    assert '<html lang="en">' in client.get("/").text  # the cookie keeps the choice
    assert '<html lang="zh-CN">' in client.get("/?lang=zh").text


def test_every_label_the_pages_use_exists_in_both_languages():
    from advisor.kb.paths import templates_dir
    from advisor.web.texts import texts

    used = set()
    for path in (templates_dir() / "web").glob("*.j2"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"\bT\.(\w+)", text)) | set(re.findall(r"\bT\[\"(\w+)\"\]", text))
    for path in (ROOT / "advisor" / "web").glob("*.py"):
        used |= set(re.findall(r"\[\"(w_\w+)\"\]", path.read_text(encoding="utf-8")))
    assert len(used) > 60
    for lang in ("zh", "en"):
        missing = sorted(k for k in used if k not in texts(lang))
        assert not missing, (lang, missing)


# --- the verb -----------------------------------------------------------------------------------------------------

def test_serve_binds_to_this_machine_by_default():
    from advisor.cli.entry import build_parser

    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port, args.db) == ("127.0.0.1", 8000, None)


def test_a_port_already_in_use_is_a_clear_error_with_exit_1_not_a_server_crash(capsys, tmp_path):
    import socket

    from advisor.cli.entry import main

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["serve", "--port", str(port), "--db", str(tmp_path / "w.db")]) == 1
    err = capsys.readouterr().err
    assert f"--port {port}" in err and "choose another port" in err and "Traceback" not in err


def test_help_does_not_import_the_web_stack():
    code = ("import sys\nfrom advisor.cli.entry import main\n"
            "try:\n    main(['serve', '--help'])\nexcept SystemExit:\n    pass\n"
            "print([m for m in ('fastapi', 'uvicorn', 'sqlalchemy', 'starlette') if m in sys.modules])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
    assert "--db" in done.stdout


def test_every_page_of_an_uploaded_park_opens_and_whole_sections_are_shown_as_given(client):
    r = client.post("/upload", files={"profile": (DEMO.name, DEMO.read_bytes())}, follow_redirects=False)
    token = r.headers["location"].split("/")[2]
    overview = client.get(f"/p/{token}").text
    topics = re.findall(rf'href="/p/{token}/q/([a-z_]+)"', overview)
    assert len(topics) >= 8
    for topic in topics:
        page = client.get(f"/p/{token}/q/{topic}")
        assert page.status_code == 200, topic
    energy = client.get(f"/p/{token}/q/energy").text
    assert 'data-kind="fixed"' in energy  # `energy` is a list in the profile: shown, not re-asked
    economy = client.get(f"/p/{token}/q/economy").text
    assert grid(economy, "economy-values") == [("2018", "410"), ("2019", "436.2"), ("2020", "441"),
                                               ("2021", "498.5"), ("2022", "512.3")]
    before = stored(client, token)
    # saving a page of an uploaded park keeps the profile valid and its advice unchanged
    economy = {"economy-indicator": "industrial_value_added", "economy-unit": "亿元", "economy-constant-prices": "yes",
               "economy-values": "2018:410, 2019:436.2, 2020:441, 2021:498.5, 2022:512.3"}
    r = post_page(client, token, "economy", economy)
    assert r.status_code == 303
    after = stored(client, token)
    assert after["economy.values"] == {"2018": 410, "2019": 436.2, "2020": 441, "2021": 498.5, "2022": 512.3}
    assert not any(p.startswith("economy.values.") for p in after)
    assert {p: v for p, v in after.items() if not p.startswith("economy.values")} == \
        {p: v for p, v in before.items() if not p.startswith("economy.values")}


def test_results_requested_at_once_from_several_threads_agree(client):
    from concurrent.futures import ThreadPoolExecutor

    r = client.post("/upload", files={"profile": (DEMO.name, DEMO.read_bytes())}, follow_redirects=False)
    url = r.headers["location"]

    def ranking(_):
        page = client.get(url)
        assert page.status_code == 200
        return re.findall(r'data-measure="([\d.]+)" data-rank="(\d+)"', page.text)

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(ranking, range(4)))
    assert results[0] and all(x == results[0] for x in results)


def test_an_upload_without_a_length_is_cut_off_at_the_cap_while_it_streams(client):
    from advisor.web.service import upload_limit

    chunk = b"#" * (1024 * 1024)
    sent = []

    def body():
        yield b'--xyz\r\nContent-Disposition: form-data; name="profile"; filename="big.yaml"\r\n\r\n'
        for _ in range(upload_limit() // len(chunk) + 3):
            sent.append(1)
            yield chunk
        yield b"\r\n--xyz--\r\n"

    r = client.post("/upload", content=body(), headers={"content-type": "multipart/form-data; boundary=xyz"})
    assert r.status_code == 413 and "Traceback" not in r.text


def test_an_uploaded_series_in_wan_tonnes_is_shown_in_tonnes_and_saved_again_unchanged(client):
    data = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    tonnes = dict(data["emissions_history"]["CO2e"])
    def in_wan(node):
        return {k: in_wan(v) for k, v in node.items()} if isinstance(node, dict) else node / 1e4

    history = data["emissions_history"]
    data["emissions_history"] = {**{k: in_wan(v) for k, v in history.items() if k != "unit"}, "unit": "万t"}
    r = client.post("/upload", files={"profile": ("wan.yaml", yaml.safe_dump(data, allow_unicode=True).encode())},
                    follow_redirects=False)
    token = r.headers["location"].split("/")[2]
    page = client.get(f"/p/{token}/q/emissions").text
    qids = sorted(set(re.findall(r'name="(emissions-[a-z0-9-]+)\.a"', page)))
    shown = {q: grid(page, q) for q in qids}
    assert shown["emissions-co2e"][:2] == [("2018", "5210000"), ("2019", "5320000")]
    assert shown["emissions-nox"][0] == ("2018", "2630")
    # the rows are sent back as the page's table sends them, a column per field
    sent = {f"{q}.{c}": [row[i] for row in rows] for q, rows in shown.items() for i, c in enumerate("ab")}
    saving = post_page(client, token, "emissions", {**sent, "go": "next"})
    assert saving.status_code == 303
    saved = yaml.safe_load(client.get(f"/p/{token}/download/profile.yaml").text)["emissions_history"]
    assert saved["unit"] == "t" and saved["CO2e"] == tonnes


def test_a_series_and_industries_are_entered_as_rows_and_a_half_filled_row_is_refused_not_dropped(client):
    token = new_park(client)
    page = client.get(f"/p/{token}/q/park").text
    assert 'list="industry-names"' in page and '<option value="化学原料和化学制品制造业">C26</option>' in page
    rows = {"park-industries.a": ["化学原料和化学制品制造业", "橡胶", ""], "park-industries.b": ["55%", "12%", ""]}
    data = {k: v for k, v in PARK_PAGE.items() if k != "park-industries"}
    r = post_page(client, token, "park", {**data, **rows, "go": "next"})
    assert r.status_code == 303, r.text[-1500:]
    assert stored(client, token)["park.industries"] == [{"code": "C26", "share": pytest.approx(0.55)},
                                                        {"code": "C29", "share": pytest.approx(0.12)}]
    assert grid(client.get(f"/p/{token}/q/park").text, "park-industries")[0][0] == "化学原料和化学制品制造业"
    half = post_page(client, token, "economy", {"economy-indicator": "gdp", "go": "next"})
    assert half.status_code == 200   # the indicator opened the series: asked before moving on
    r = post_page(client, token, "economy", {"economy-indicator": "gdp", "economy-values.a": ["2018", "2022"],
                                             "economy-values.b": ["410", ""], "go": "next"})
    assert r.status_code == 422
    assert grid(r.text, "economy-values") == [("2018", "410"), ("2022", "")]   # shown again as typed
    assert "economy.values" not in stored(client, token)


# When the browser tests of tests/test_web_e2e.py run, skip or fail

def test_without_chromium_the_browser_tests_are_skipped_with_how_to_install_it(tmp_path):
    action, line = without_browser(tmp_path / "chromium", True, {})
    assert action == "skip" and "apt-get install chromium" in line


def test_without_chromium_the_browser_tests_fail_when_the_environment_requires_them(tmp_path):
    action, line = without_browser(tmp_path / "chromium", True, {REQUIRE_BROWSER: "1"})
    assert action == "fail" and "apt-get install chromium" in line and REQUIRE_BROWSER in line


def test_with_chromium_and_playwright_the_browser_tests_run(tmp_path):
    chromium = tmp_path / "chromium"
    chromium.touch()
    assert without_browser(chromium, True, {REQUIRE_BROWSER: "1"}) is None
    assert without_browser(chromium, False, {})[0] == "skip"


def test_serve_runs_one_process_per_core_by_default_and_refuses_zero_workers(capsys, tmp_path):
    import os

    from advisor.cli.entry import build_parser, main
    from advisor.web.app import default_workers

    assert build_parser().parse_args(["serve"]).workers is None
    assert default_workers() == max(1, min(os.cpu_count() or 1, 8))
    assert main(["serve", "--workers", "0", "--db", str(tmp_path / "w.db")]) == 2
    assert "--workers 0" in capsys.readouterr().err


def test_several_server_processes_share_the_database_and_write_each_answer_before_replying(tmp_path):
    import http.client
    import signal
    import socket
    import time

    from advisor.web.store import Store

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    db = tmp_path / "web.db"
    server = subprocess.Popen([sys.executable, "-m", "advisor", "serve", "--port", str(port), "--db", str(db),
                               "--workers", "2"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None and time.monotonic() < deadline, "the server did not start"
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                conn.request("POST", "/new")
                response = conn.getresponse()
                response.read()
                break
            except OSError:
                time.sleep(0.2)
            finally:
                conn.close()
        token = response.getheader("location").split("/")[2]
        store = Store(f"sqlite:///{db}")
        for count in range(20, 30):            # the requests go to either process; every answer is there at once
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("POST", f"/p/{token}/answer", body=f"question=park-enterprise-count&park-enterprise-count="
                         f"{count}", headers={"Content-Type": "application/x-www-form-urlencoded"})
            response = conn.getresponse()
            response.read()
            conn.close()
            assert response.status == 200
            state = store.load(token)
            assert state is not None and state.answers["park.enterprise_count"] == count
        store.close()
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if server.stderr:
            log = server.stderr.read().decode("utf-8", "replace")
            server.stderr.close()
    assert "Traceback" not in log


def test_each_worker_process_builds_its_app_from_the_environment_and_closes_every_connection(tmp_path, monkeypatch):
    from fastapi.testclient import TestClient

    from advisor.web.app import SERVE_DB_VAR, app_from_env

    monkeypatch.setenv(SERVE_DB_VAR, f"sqlite:///{tmp_path / 'web.db'}")
    with TestClient(app_from_env()) as c:
        response = c.get("/")
    assert response.status_code == 200 and response.headers["connection"] == "close"
    assert (tmp_path / "web.db").exists()
