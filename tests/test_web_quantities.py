"""The quantities on the web results (措施 part, #quantities): the targets table, the key projects and the
co-control effect chart, in the page's language, following the saved assumptions, unknown never shown as 0, and
on a 390 px phone the tables scroll inside their frame (FastAPI TestClient; the last test in headless Chromium)."""

from __future__ import annotations

import importlib.util
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import lxml.html
import pytest
import yaml
from conftest import ROOT, upload, without_browser

MANUFACTURING = ROOT / "examples" / "demo-manufacturing.yaml"
DEMO = ROOT / "examples" / "demo-chemical.yaml"
CHROMIUM = Path("/usr/bin/chromium")







def page(client, token: str, lang: str):
    r = client.get(f"/p/{token}/results?lang={lang}")
    assert r.status_code == 200
    return r.text, lxml.html.fromstring(r.text)


def cells(tree, table: str) -> dict[str, list[str]]:
    """key (indicator or measure) → the row's cells' text."""
    out = {}
    for tr in tree.xpath(f'//table[@id="{table}"]/tbody/tr'):
        key = tr.get("data-indicator") or tr.get("data-measure")
        out.setdefault(key, [])
        out[key] = [" ".join(c.text_content().split()) for c in tr.xpath("./th|./td")]
    return out


def year_cells(tree) -> dict[str, dict[str, str]]:
    """indicator (+ pollutant) → {"base": …, "2025": …} as shown."""
    out = {}
    for tr in tree.xpath('//table[@id="targets-table"]/tbody/tr'):
        name = " ".join(tr.xpath("./th")[0].text_content().split())
        out[name] = {td.get("data-value"): td.text_content().strip() for td in tr.xpath('./td[@data-value]')}
    return out


def advice_for(kb, path: Path, assumptions: dict | None = None, lang: str = "zh") -> dict:
    from advisor.decide.recommend import advise
    from advisor.profile.files import validate_data

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if assumptions:
        data["assumptions"] = assumptions
    return advise(validate_data(data, str(path), kb), kb, lang=lang)


def shown(x, unit: str) -> str:
    from advisor.render.report_format import fmt_num, fmt_pct

    return "—" if x is None else fmt_pct(x) if unit == "share" else fmt_num(x)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_targets_table_shows_every_target_of_the_advice_by_year_with_binding_marked(client, kb, lang):
    from advisor.web.quantities_view import labels

    advice = advice_for(kb, MANUFACTURING, lang=lang)
    _, tree = page(client, upload(client, MANUFACTURING.name, MANUFACTURING.read_bytes()), lang)
    assert tree.xpath('//section[@id="measures"]//section[@id="quantities"]//table[@id="targets-table"]')
    heads = [" ".join(th.text_content().split()) for th in tree.xpath('//table[@id="targets-table"]/thead//th')]
    assert [h for h in heads if re.search(r"20(25|27|30)", h)][-3:] == [
        labels(lang)["c_year"].format(year=y) for y in (2025, 2027, 2030)]
    assert "2022" in heads[2]
    rows = year_cells(tree)
    assert len(rows) == len(advice["targets"]) >= 8
    for t in advice["targets"]:
        assert rows[t["name"]] == {"base": shown(t["base"], t["unit"]),
                                   **{y: shown(t[y], t["unit"]) for y in ("2025", "2027", "2030")}}, t["name"]
    kinds = [tr.xpath('./td[@class="kind"]')[0].text_content().strip()
             for tr in tree.xpath('//table[@id="targets-table"]/tbody/tr')]
    QL = labels(lang)
    assert kinds == [QL["binding"] if t["binding"] else QL["expected_kind"] for t in advice["targets"]]
    assert QL["binding"] in kinds and QL["expected_kind"] in kinds


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_goal_is_named_and_its_source_is_only_in_the_collapsed_technical_details(client, kb, lang):
    advice = advice_for(kb, MANUFACTURING, lang=lang)
    _, tree = page(client, upload(client, MANUFACTURING.name, MANUFACTURING.read_bytes()), lang)
    goals = tree.xpath('//table[@id="targets-table"]/tbody/tr/td[@class="goal"]')
    served = [t for t in advice["targets"] if t["goal"]]
    assert served and len(goals) == len(advice["targets"])
    for t, td in zip(advice["targets"], goals, strict=True):
        tech = td.xpath('./details[contains(@class, "tech")]')
        assert len(tech) == 1 and tech[0].get("open") is None
        if not t["goal"]:
            assert td.text_content().strip().startswith("—")
            continue
        source = t["goal"]["source_zh"] if lang == "zh" and t["goal"]["source_zh"] else t["goal"]["source"]
        assert t["goal"]["text"] in td.text_content()
        assert source in tech[0].text_content()
        tech[0].drop_tree()
        assert source not in td.text_content()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_project_list_has_object_lead_period_ranges_investment_and_funding(client, kb, lang):
    from advisor.render.report_format import fmt_num

    advice = advice_for(kb, MANUFACTURING, lang=lang)
    _, tree = page(client, upload(client, MANUFACTURING.name, MANUFACTURING.read_bytes()), lang)
    rows = cells(tree, "projects-table")
    assert list(rows) == [p["measure"] for p in advice["projects"]] and rows
    for p in advice["projects"]:
        name, obj, lead, period, expected, investment, funding = rows[p["measure"]]
        assert name.startswith(p["name"]) and obj == p["object"] and lead == p["lead"]
        assert period == f"{p['start']}–{p['end']}"
        for sub, r in (p["expected"] or {}).items():
            added = r["high"] < 0   # an end-of-pipe control's added CO2: "+", as in the measure's box
            said = (f"+{fmt_num(-r['high'])}–{fmt_num(-r['low'])}" if added
                    else f"{fmt_num(r['low'])}–{fmt_num(r['high'])}")
            assert f"{sub} {said}" in expected, (p["measure"], sub)
        assert investment == p["investment"]["range"]
        assert all(f["name"] in funding for f in p["funding"])
    # each project links to its measure's box above
    links = tree.xpath('//table[@id="projects-table"]//a/@href')
    assert links == [f"#rec-{p['measure']}" for p in advice["projects"]]
    assert all(tree.xpath(f'//details[@id="{href[1:]}"]') for href in links)


def test_the_co_control_chart_is_an_image_named_by_the_hash_of_the_reports_spec(client, advisor):
    from advisor.web.service import _fingerprint

    token = upload(client, MANUFACTURING.name, MANUFACTURING.read_bytes())
    html, tree = page(client, token, "zh")
    imgs = tree.xpath('//section[@id="quantities"]//figure[@id="fig-cocontrol"]//img')
    assert len(imgs) == 1 and imgs[0].get("alt")
    src = imgs[0].get("src")
    from advisor.web.texts import texts

    res = advisor.results(client.app.state.store.load(token).answers, texts("zh")["w_answers_file"], "zh")
    spec = res["context"]["charts"]["cocontrol"]
    assert spec["kind"] == "cocontrol" and spec["points"]
    assert f"/chart/cocontrol.svg?v={_fingerprint(spec)}&lang=zh" in src
    svg = client.get(src)
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert "immutable" in svg.headers["cache-control"] and "<svg" not in html


def test_changing_a_share_in_the_assumptions_form_changes_the_targets_projects_and_chart(client, kb):
    from advisor.render.report_format import fmt_num

    token = upload(client, MANUFACTURING.name, MANUFACTURING.read_bytes())
    before = advice_for(kb, MANUFACTURING)
    project = next(p for p in before["projects"] if (p["expected"] or {}).get("CO2e"))
    measure = project["measure"]
    html, tree = page(client, token, "zh")
    targets_before, projects_before = year_cells(tree), cells(tree, "projects-table")
    chart_before = re.search(r"cocontrol\.svg\?v=([0-9a-f]+)", html).group(1)

    r = client.post(f"/p/{token}/assumptions?lang=zh", data={f"share-{measure}": "5%"}, follow_redirects=False)
    assert r.status_code == 303
    html, tree = page(client, token, "zh")
    after = advice_for(kb, MANUFACTURING, {"measures": {measure: {"share": 0.05}}})
    changed = next(p for p in after["projects"] if p["measure"] == measure)
    assert changed["expected"]["CO2e"] != project["expected"]["CO2e"]
    cut = changed["expected"]["CO2e"]
    assert f"{fmt_num(cut['low'])}–{fmt_num(cut['high'])}" in cells(tree, "projects-table")[measure][4]
    assert cells(tree, "projects-table")[measure] != projects_before[measure]
    targets_after = year_cells(tree)
    assert targets_after != targets_before
    for t in after["targets"]:
        assert targets_after[t["name"]]["2025"] == shown(t["2025"], t["unit"])
    assert re.search(r"cocontrol\.svg\?v=([0-9a-f]+)", html).group(1) != chart_before


def test_the_results_page_advises_once_for_everything_it_shows(client, advisor, monkeypatch):
    calls = []
    real = advisor.advise

    def counted(*a, **kw):
        calls.append(1)
        return real(*a, **kw)

    monkeypatch.setattr(advisor, "advise", counted)
    text = MANUFACTURING.read_text(encoding="utf-8").replace("name: 示例综合制造园区", "name: 只算一次的园区")
    token = upload(client, "once.yaml", text.encode("utf-8"))
    calls.clear()
    _, tree = page(client, token, "zh")
    assert tree.xpath('//table[@id="targets-table"]') and tree.xpath('//table[@id="projects-table"]')
    assert len(calls) == 1


def test_without_the_parks_history_the_target_totals_are_unknown_not_zero(client, kb):
    data = yaml.safe_load(MANUFACTURING.read_text(encoding="utf-8"))
    data["economy"]["values"] = {2022: data["economy"]["values"][2022]}   # one year: no growth of its own
    data["park"]["name"] = "无历史增速的园区"
    token = upload(client, "one-year.yaml", yaml.safe_dump(data, allow_unicode=True).encode("utf-8"))
    _, tree = page(client, token, "zh")
    rows = year_cells(tree)
    total = next(v for k, v in rows.items() if "温室气体排放总量" in k)
    assert total["base"] not in ("—", "0") and [total[y] for y in ("2025", "2027", "2030")] == ["—"] * 3
    intensity = next(v for k, v in rows.items() if "单位经济产出温室气体" in k)
    assert "—" not in intensity.values()   # intensities need no growth
    assert not any(v in ("0", "0.0", "0.0%") for r in rows.values() for v in r.values())
    from advisor.web.quantities_view import labels

    assert labels("zh")["growth_unknown"] in tree.xpath('//p[@id="targets-growth"]')[0].text_content()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_unknown_expected_substance_says_unknown_and_an_added_one_is_marked(lang):
    from advisor.web.quantities_view import expected_texts, labels
    from advisor.web.texts import texts

    QL = labels(lang)
    out = expected_texts({"CO2e": {"low": -300.0, "high": -120.0}, "NOx": None, "SO2": {"low": 0.0, "high": 2.5},
                          "assumption": "…", "share": {"low": 0.6}}, texts(lang), QL)
    assert out == ["CO2e +120–300", f"NOx {QL['unknown']}", "SO2 0–2.50"]


# --- the phone layout, in a browser ------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    missing = without_browser(CHROMIUM, importlib.util.find_spec("playwright") is not None, os.environ)
    if missing:
        (pytest.skip if missing[0] == "skip" else pytest.fail)(missing[1])
    root = tmp_path_factory.mktemp("web-quantities")
    port, log = _free_port(), (root / "server.log").open("ab")
    proc = subprocess.Popen([sys.executable, "-m", "advisor", "serve", "--port", str(port), "--workers", "1",
                             "--db", str(root / "parks.db")], cwd=ROOT, stdout=log, stderr=log)
    log.close()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(base + "/", timeout=2):
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail((root / "server.log").read_text()[-2000:])
            time.sleep(0.1)
    yield base
    proc.terminate()
    proc.wait(timeout=15)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_on_a_phone_the_tables_scroll_inside_their_frame_and_the_page_never_sideways(server, lang):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox"])
        try:
            tab = browser.new_page(viewport={"width": 390, "height": 844})
            tab.goto(server + "/")
            tab.locator("#profile-file").set_input_files(str(DEMO))
            with tab.expect_navigation():
                tab.locator("#upload").click()
            token = tab.url.split("/p/", 1)[1].split("/")[0]
            tab.goto(f"{server}/p/{token}/results?lang={lang}#quantities")
            assert tab.locator("#targets-table").is_visible()
            for box in tab.locator("#quantities details.tech").all():
                box.evaluate("d => d.open = true")
            frames = tab.evaluate("""() => Array.from(document.querySelectorAll('#quantities .table-wrap'))
                .map(w => [w.scrollWidth, w.clientWidth, w.getBoundingClientRect().right])""")
            assert len(frames) == 2
            for scroll, width, right in frames:
                assert scroll > width and right <= 390   # wider than the phone: it scrolls in its frame
            assert tab.evaluate("document.documentElement.scrollWidth") <= 390
            tab.locator("#fig-cocontrol img").scroll_into_view_if_needed()
            tab.wait_for_function("() => document.querySelector('#fig-cocontrol img').naturalWidth > 0")
            assert tab.evaluate("document.documentElement.scrollWidth") <= 390
        finally:
            browser.close()
