"""The web pages keep a park's years: next year's questionnaire starts from this year's answers, and the later
year's results link to the evaluation against the earlier one."""

from __future__ import annotations

from conftest import ROOT
from conftest import upload as upload_file

EARLIER = ROOT / "examples" / "demo-chemical.yaml"
LATER = ROOT / "examples" / "demo-chemical-2024.yaml"






def upload(client, path) -> str:
    return upload_file(client, path.name, path.read_bytes())


def test_next_years_questionnaire_copies_the_answers_one_year_on(client):
    token = upload(client, EARLIER)
    assert 'action="/p/' + token + '/next-year"' in client.get(f"/p/{token}/results").text
    r = client.post(f"/p/{token}/next-year", follow_redirects=False)
    assert r.status_code == 303
    new = r.headers["location"].rsplit("/", 1)[1]
    before = client.app.state.store.load(token).answers
    after = client.app.state.store.load(new).answers
    assert after["park.base_year"] == before["park.base_year"] + 1 == 2023
    assert {p: v for p, v in after.items() if p != "park.base_year"} == \
        {p: v for p, v in before.items() if p != "park.base_year"}
    assert client.app.state.store.previous(new) == token and client.app.state.store.previous(token) is None


def test_the_later_year_shows_its_evaluation_against_the_earlier_one(client):
    token = upload(client, EARLIER)
    new = client.post(f"/p/{token}/next-year", follow_redirects=False).headers["location"].rsplit("/", 1)[1]
    assert 'id="evaluation-link"' in client.get(f"/p/{new}/results").text
    assert 'id="evaluation-link"' not in client.get(f"/p/{token}/results").text
    page = client.get(f"/p/{new}/evaluation?lang=en")
    assert page.status_code == 200
    for words in ("Changes between cycles", "Co-control indicators and targets", "The next cycle", "2022", "2023"):
        assert words in page.text


def test_a_park_started_afresh_has_no_evaluation_page(client):
    token = upload(client, LATER)
    assert client.get(f"/p/{token}/evaluation").status_code == 404
