"""An uploaded profile's lists (energy rows, processes, enterprises, material flows) as editable tables: a change
reaches the results, rows are added and removed, a half-filled row is refused with its reason, and what the
table does not show survives an edit."""

from __future__ import annotations

import copy
from pathlib import Path

import lxml.html
import pytest
from conftest import upload as upload_file
from test_web_crawl import crawl, names, problems, shown_text

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo-chemical.yaml"






def upload(client) -> str:
    return upload_file(client, DEMO.name, DEMO.read_bytes())


def stored(client, token: str) -> dict:
    return client.app.state.store.load(token).answers


class Table:
    """The table's form as a browser without script sends it: row by row, cell by cell."""

    def __init__(self, html: str, name: str):
        self.name = name
        form = lxml.html.fromstring(html).get_element_by_id(f"list-{name}")
        self.rows: list[dict[str, str]] = []
        for tr in form.xpath(".//tbody/tr"):
            row: dict[str, str] = {}
            for el in tr.xpath(".//input | .//select"):
                if el.get("type") == "checkbox":
                    continue
                row[el.get("name")] = el.value or "" if el.tag == "select" else el.get("value", "")
            self.rows.append(row)

    def cell(self, i: int, key: str) -> str:
        return self.rows[i][f"{self.name}.{key}"]

    def set(self, i: int, key: str, value: str) -> None:
        assert f"{self.name}.{key}" in self.rows[i], key
        self.rows[i][f"{self.name}.{key}"] = value

    def data(self, remove: tuple[int, ...] = ()) -> list[tuple[str, str]]:
        out = [(k, v) for row in self.rows for k, v in row.items()]
        return out + [(f"{self.name}.remove", str(i)) for i in remove] + [("go", "stay")]


def open_table(client, token: str, name: str, lang: str = "zh") -> Table:
    r = client.get(f"/p/{token}/lists/{name}", params={"lang": lang})
    assert r.status_code == 200, r.text[-800:]
    return Table(r.text, name)


def post(client, token: str, name: str, data, lang: str = "zh"):

    return client.post(f"/p/{token}/lists/{name}", params={"lang": lang}, content=_encode(data),
                       headers={"content-type": "application/x-www-form-urlencoded"}, follow_redirects=False)


def _encode(pairs) -> bytes:
    from urllib.parse import urlencode

    return urlencode(pairs).encode()


def so2_total(client, token: str) -> float:
    res = client.app.state.advisor.results(stored(client, token), "t", "zh")
    return res["analysis"]["pollutants"]["SO2"]["total_t"]


def test_the_pages_link_the_uploaded_lists_to_their_tables(client):
    token = upload(client)
    energy = client.get(f"/p/{token}/q/energy").text
    assert f"/p/{token}/lists/energy" in energy
    assert f"/p/{token}/lists/processes" in client.get(f"/p/{token}/q/emissions").text
    page = client.get(f"/p/{token}/q/enterprises").text
    assert f"/p/{token}/lists/enterprises" in page and f"/p/{token}/lists/materials" in page
    # a park answered question by question has no such list: no table
    r = client.post("/new", follow_redirects=False)
    assert client.get(r.headers["location"].replace("/q/park", "/lists/energy")).status_code == 404


def test_a_process_emissions_edited_in_the_table_reach_the_results(client):
    token = upload(client)
    before = so2_total(client, token)
    t = open_table(client, token, "processes")
    i = next(n for n, row in enumerate(t.rows) if row["processes.name"] == "燃煤热电联产锅炉")
    assert float(t.cell(i, "emissions.SO2")) == 410
    t.set(i, "emissions.SO2", "100")
    r = post(client, token, "processes", t.data())
    assert r.status_code == 303, r.text[-1500:]
    chp = next(p for p in stored(client, token)["processes"] if p["id"] == "chp-1")
    assert chp["emissions"]["SO2"] == 100
    assert so2_total(client, token) == pytest.approx(before - 310)
    page = client.get(r.headers["location"])
    assert 'id="list-saved"' in page.text and Table(page.text, "processes").cell(i, "emissions.SO2") == "100"
    assert client.get(f"/p/{token}/results").status_code == 200


def test_an_edit_keeps_the_fields_the_table_does_not_show(client):
    token = upload(client)
    original = copy.deepcopy(stored(client, token))
    for name, key, value in (("energy", "amount", "1600000"), ("processes", "name", "热电联产锅炉"),
                             ("enterprises", "name", "某煤化工公司"), ("materials", "material", "废硫酸")):
        t = open_table(client, token, name)
        t.set(0, key, value)
        assert post(client, token, name, t.data()).status_code == 303, name
        old, new = original[name][0], stored(client, token)[name][0]
        # the energy row's process, owner, data tier and own factor; the process's controls and removals …
        assert {k: v for k, v in new.items() if k != key} == {k: v for k, v in old.items() if k != key}, name
        assert str(new[key]) in (value, str(float(value)) if value.isdigit() else value)
        assert stored(client, token)[name][1:] == original[name][1:], name
    assert original["energy"][2]["factor"] == stored(client, token)["energy"][2]["factor"]


def test_a_row_added_and_one_removed(client):
    token = upload(client)
    n = len(stored(client, token)["energy"])
    t = open_table(client, token, "energy")
    blank = next(i for i, row in enumerate(t.rows) if row["energy.row"] == "new")
    t.set(blank, "carrier", "diesel")
    t.set(blank, "amount", "1200")
    t.set(blank, "unit", "t")
    assert post(client, token, "energy", t.data()).status_code == 303
    rows = stored(client, token)["energy"]
    assert len(rows) == n + 1 and rows[-1] == {"carrier": "diesel", "amount": 1200, "unit": "t"}
    # unknown stays unknown: no use, origin or tier was invented for the new row
    t = open_table(client, token, "energy")
    first = stored(client, token)["energy"][0]
    assert post(client, token, "energy", t.data(remove=(0,))).status_code == 303
    rows = stored(client, token)["energy"]
    assert len(rows) == n and first not in rows and rows[-1]["carrier"] == "diesel"


@pytest.mark.parametrize(("lang", "words"), [("zh", ("第 ", "行只填了一部分", "单位")),
                                             ("en", ("Row ", "filled only in part", "Unit"))])
def test_a_half_filled_row_is_refused_with_its_reason(client, lang, words):
    token = upload(client)
    saved = stored(client, token)["energy"]
    t = open_table(client, token, "energy", lang)
    blank = next(i for i, row in enumerate(t.rows) if row["energy.row"] == "new")
    t.set(blank, "carrier", "diesel")
    t.set(blank, "amount", "1200")       # no unit
    r = post(client, token, "energy", t.data(), lang)
    assert r.status_code == 422
    text = shown_text(r.text)
    assert all(w in text for w in words), text[:2000]
    assert f"{blank + 1}" in text
    assert stored(client, token)["energy"] == saved          # nothing saved, nothing dropped
    again = Table(r.text, "energy")
    assert again.cell(blank, "amount") == "1200" and again.cell(blank, "carrier") == "diesel"   # typed kept
    assert not problems(text, lang, ())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_value_the_profile_refuses_names_the_table_and_row_with_details_collapsed(client, lang):
    token = upload(client)
    t = open_table(client, token, "energy", lang)
    t.set(1, "unit", "parsecs")
    r = post(client, token, "energy", t.data(), lang)
    assert r.status_code == 422
    tree = lxml.html.fromstring(r.text)
    issue = tree.xpath('//li[@class="issue"]')[0]
    assert issue.xpath('.//details[@class="tech"]')
    said = shown_text(lxml.html.tostring(issue, encoding="unicode"))
    assert ("第 2 行" if lang == "zh" else "Row 2") in said
    assert "energy[" not in said and "energy." not in said
    assert stored(client, token)["energy"][1]["unit"] == "t"


def test_a_new_process_row_needs_its_category_and_gets_an_id(client):
    token = upload(client)
    t = open_table(client, token, "processes", "en")
    blank = next(i for i, row in enumerate(t.rows) if row["processes.row"] == "new")
    t.set(blank, "name", "New kiln")
    t.set(blank, "emissions.CO2", "5000")
    assert post(client, token, "processes", t.data(), "en").status_code == 422
    t.set(blank, "category", "fuel_combustion")
    assert post(client, token, "processes", t.data(), "en").status_code == 303
    new = stored(client, token)["processes"][-1]
    assert new["name"] == "New kiln" and new["emissions"] == {"CO2": 5000} and new["id"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_tables_show_no_field_path_outside_the_technical_details(client, kb, lang):
    token = upload(client)
    pages = crawl(client, [f"/p/{token}/q/energy", f"/p/{token}/q/emissions", f"/p/{token}/q/enterprises"], lang)
    tables = {u: h for u, h in pages.items() if "/lists/" in u}
    assert len(tables) == 4
    found = {url: problems(shown_text(html), lang, names(kb)) for url, html in tables.items()}
    assert {url: p for url, p in found.items() if p} == {}
