"""The assumptions of the estimates on the web results page: listed with their defaults, stored in the profile's
`assumptions` section, checked as the command line checks them, and the results follow (FastAPI TestClient)."""

from __future__ import annotations

import re

import lxml.html
import pytest
import yaml

from tests.conftest import ROOT, upload
from tests.plain_text import FIELD_PATH

MANUFACTURING = ROOT / "examples" / "demo-manufacturing.yaml"
PATHS = (FIELD_PATH, re.compile(r"measures\.\d"), re.compile(r"growth_rate"), re.compile(r"--set"))







@pytest.fixture
def token(client) -> str:
    return upload(client, MANUFACTURING.name, MANUFACTURING.read_bytes())


def stored(client, token: str) -> dict:
    return client.app.state.store.load(token).answers


def rows(html: str) -> dict[str, dict[str, str]]:
    """The form's rows: key → title, default and the value in the field."""
    tree = lxml.html.fromstring(html)
    out = {}
    for tr in tree.xpath('//section[@id="assumptions"]//tr[@data-assumption]'):
        out[tr.get("data-assumption")] = {"title": tr.xpath(".//label")[0].text_content().strip(),
                                          "default": tr.xpath('.//td[@class="default"]')[0].text_content().strip(),
                                          "value": tr.xpath(".//input")[0].get("value", ""),
                                          "invalid": tr.xpath(".//input")[0].get("aria-invalid", "")}
    return out


def expected_text(html: str, measure: str) -> str:
    tree = lxml.html.fromstring(html)
    return tree.xpath(f'//p[@data-expected="{measure}"]')[0].text_content()


def advice_with(kb, *assignments: str) -> dict:
    """The advice `recommend --set …` gives on the demo park."""
    from advisor.decide.recommend import advise
    from advisor.decide.whatif import with_assumptions

    return advise(with_assumptions(MANUFACTURING, kb, list(assignments)), kb)


def low_co2e(advice: dict, measure: str) -> int:
    rec = next(r for r in advice["recommendations"] if r["measure"] == measure)
    return round(rec["expected"]["CO2e"]["low"])


def test_each_assumption_of_the_advice_is_listed_with_its_default_when_unset(client, token, kb):
    advice = advice_with(kb)
    page = client.get(f"/p/{token}/results?lang=zh")
    assert page.status_code == 200
    shown = rows(page.text)
    assert list(shown) == [a["measure"] or "growth_rate" for a in advice["assumptions"]]
    for a in advice["assumptions"]:
        if a["measure"]:
            row = shown[a["measure"]]
            assert row["title"] == kb.measures[a["measure"]].title.zh
            low, high = a["default"]["low"], a["default"]["high"]
            assert row["default"] == f"{low * 100:.3g}%–{high * 100:.3g}%"
            assert row["value"] == ""   # unset: the default is used
    assert shown["7.3.4"]["default"] == "60%–100%"
    assert "4.75%" in shown["growth_rate"]["default"]   # the park's own growth, (2022/2018 value)^(1/4) - 1
    assert shown["growth_rate"]["value"] == ""
    en = rows(client.get(f"/p/{token}/results?lang=en").text)
    assert en["7.3.4"]["title"] == kb.measures["7.3.4"].title.en
    assert "own history" in en["growth_rate"]["default"]


def test_a_stored_share_changes_the_expected_tonnes_as_the_command_line_does(client, token, kb):
    before = client.get(f"/p/{token}/results?lang=zh").text
    default_low = low_co2e(advice_with(kb), "7.3.4")
    assert f"CO2e {default_low:,}" in expected_text(before, "7.3.4")

    r = client.post(f"/p/{token}/assumptions?lang=zh", data={"share-7.3.4": "30%", "growth": ""},
                    follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"].endswith("#assumptions")
    assert stored(client, token)["assumptions.measures"] == {"7.3.4": {"share": 0.3}}
    assert "assumptions.growth_rate" not in stored(client, token)

    after = client.get(r.headers["location"]).text
    set_low = low_co2e(advice_with(kb, "measures.7.3.4.share=0.3"), "7.3.4")
    assert set_low < default_low
    assert f"CO2e {set_low:,}" in expected_text(after, "7.3.4")
    assert "30%" in expected_text(after, "7.3.4")          # the assumption in words names the share used
    assert rows(after)["7.3.4"]["value"] == "0.3"
    assert rows(after)["7.3.1"]["value"] == ""             # the others keep their defaults
    assert 'id="assumptions-saved"' in after

    # emptied again: back to the default, and the section is gone from the profile
    r = client.post(f"/p/{token}/assumptions", data={"share-7.3.4": ""}, follow_redirects=False)
    assert r.status_code == 303
    assert "assumptions.measures" not in stored(client, token)
    assert f"CO2e {default_low:,}" in expected_text(client.get(f"/p/{token}/results").text, "7.3.4")


def test_the_growth_rate_and_the_shares_reach_the_targets_and_projects_of_the_report(client, token, kb):
    def report_tables(lang="zh") -> str:
        r = client.get(f"/p/{token}/download/report.html?lang={lang}")
        assert r.status_code == 200
        return r.text

    before = report_tables()
    r = client.post(f"/p/{token}/assumptions", data={"growth": "10%", "share-7.3.4": "0.3"}, follow_redirects=False)
    assert r.status_code == 303
    assert stored(client, token)["assumptions.growth_rate"] == pytest.approx(0.1)
    after = report_tables()
    expected = advice_with(kb, "growth_rate=0.1", "measures.7.3.4.share=0.3")
    default = advice_with(kb)
    total = next(t for t in expected["targets"] if t["indicator"] == "co2e_total")
    old_total = next(t for t in default["targets"] if t["indicator"] == "co2e_total")
    assert total["2030"] != old_total["2030"]
    assert expected["projects"] != default["projects"]
    assert after != before
    # the profile one downloads holds the section, as docs/profile-format.md writes it
    data = yaml.safe_load(client.get(f"/p/{token}/download/profile.yaml").text)
    assert data["assumptions"] == {"measures": {"7.3.4": {"share": 0.3}}, "growth_rate": 0.1}


def test_the_results_page_shows_the_targets_figure_of_the_advice_with_the_stored_growth(client, token, kb, advisor):
    """What the page computes is what `recommend --set growth_rate=0.1` computes."""
    client.post(f"/p/{token}/assumptions", data={"growth": "0.1"}, follow_redirects=False)
    res = advisor.results(stored(client, token), "answers", "zh")
    expected = advice_with(kb, "growth_rate=0.1")
    assert res["advice"]["targets"] == expected["targets"]
    assert rows(client.get(f"/p/{token}/results").text)["growth_rate"]["value"] == "0.1"


@pytest.mark.parametrize("lang, bad", [("zh", "abc"), ("en", "1.5"), ("zh", "-10%"), ("en", "nan")])
def test_a_bad_share_is_refused_in_the_page_language_naming_the_measure(client, token, kb, lang, bad):
    r = client.post(f"/p/{token}/assumptions?lang={lang}", data={"share-7.3.4": bad, "share-7.3.1": "0.5"},
                    follow_redirects=False)
    assert r.status_code == 422
    assert "Traceback" not in r.text
    assert "assumptions.measures" not in stored(client, token)     # nothing of the form is stored
    tree = lxml.html.fromstring(r.text)
    said = [li.xpath("string(text())").strip()
            for li in tree.xpath('//section[@id="assumptions"]//li[@data-kind="assumption"]')]
    assert len(said) == 1
    title = kb.measures["7.3.4"].title.in_lang(lang)
    assert title in said[0] and bad in said[0]
    assert "0.6" in said[0] and "60%" in said[0]                     # how to write it
    if lang == "zh":
        assert "覆盖比例" in said[0] and "无效" in said[0]
    else:
        assert "not valid" in said[0] and "percentage" in said[0]
    shown = rows(r.text)
    assert shown["7.3.4"]["value"] == bad and shown["7.3.4"]["invalid"] == "true"
    assert shown["7.3.1"]["value"] == "0.5" and not shown["7.3.1"]["invalid"]   # what was typed stays


def test_a_bad_growth_rate_is_refused_in_both_languages(client, token):
    for lang, word in (("zh", "增长率"), ("en", "growth")):
        r = client.post(f"/p/{token}/assumptions?lang={lang}", data={"growth": "2"}, follow_redirects=False)
        assert r.status_code == 422
        said = lxml.html.fromstring(r.text).xpath('string(//li[@data-kind="assumption"])')
        assert word in said and "0.05" in said and "5%" in said
    assert "assumptions.growth_rate" not in stored(client, token)


def test_a_profile_with_shares_uploaded_keeps_them(client, kb):
    data = yaml.safe_load(MANUFACTURING.read_text(encoding="utf-8"))
    data["assumptions"] = {"measures": {"7.3.4": {"share": 0.6}}, "growth_rate": 0.03}
    token = upload(client, "with-assumptions.yaml", yaml.safe_dump(data, allow_unicode=True).encode())
    shown = rows(client.get(f"/p/{token}/results").text)
    assert shown["7.3.4"]["value"] == "0.6" and shown["growth_rate"]["value"] == "0.03"
    page = client.get(f"/p/{token}/results").text
    assert f"CO2e {low_co2e(advice_with(kb, 'measures.7.3.4.share=0.6'), '7.3.4'):,}" in expected_text(page, "7.3.4")


def _visible_text(html: str) -> tuple[str, str]:
    """(the page's text outside technical details, styles and scripts; the text inside the `.tech` details)."""
    tree = lxml.html.fromstring(html)
    tech = " ".join(e.text_content() for e in tree.xpath('//*[contains(concat(" ", @class, " "), " tech ")]'))
    for e in tree.xpath('//*[contains(concat(" ", @class, " "), " tech ")] | //style | //script'):
        e.drop_tree()
    return tree.text_content(), tech


def test_no_field_path_shows_outside_the_technical_details(client, token):
    """Every page the form leads to, in both languages: the results, a refusal, the results after a save."""
    pages = []
    for lang in ("zh", "en"):
        pages.append(client.get(f"/p/{token}/results?lang={lang}").text)
        pages.append(client.post(f"/p/{token}/assumptions?lang={lang}", data={"share-7.3.4": "x", "growth": "9"}).text)
        pages.append(client.post(f"/p/{token}/assumptions?lang={lang}", data={"share-7.3.4": "0.5"}).text)
    for html in pages:
        tree = lxml.html.fromstring(html)
        part = tree.xpath('//section[@id="assumptions"]')[0]
        shown, tech = _visible_text(lxml.html.tostring(part, encoding="unicode"))
        found = [m.group(0) for p in PATHS for m in p.finditer(shown)]
        assert not found, found
        assert "assumptions.measures.7.3.4.share" in tech   # the path is there, for those who look
        whole, _ = _visible_text(html)
        assert not [m.group(0) for p in PATHS[1:] for m in p.finditer(whole)]
