"""The web results page shows each established measure's expected cut, and what enabling ones make possible."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT

MANUFACTURING = ROOT / "examples" / "demo-manufacturing.yaml"


@pytest.fixture
def client(tmp_path):
    from fastapi.testclient import TestClient

    from advisor.web.app import create_app
    from advisor.web.service import Advisor

    with TestClient(create_app(f"sqlite:///{tmp_path / 'web.db'}", advisor=Advisor()),
                    raise_server_exceptions=False) as c:
        yield c


def test_the_results_page_shows_the_expected_cut_of_each_co_reduction_measure(client, kb):
    import lxml.html

    from advisor.decide.recommend import advise
    from advisor.profile.files import load_profile

    advice = advise(load_profile(MANUFACTURING, kb), kb)
    r = client.post("/upload", files={"profile": (MANUFACTURING.name, MANUFACTURING.read_bytes())},
                    follow_redirects=False)
    token = r.headers["location"].split("/")[2]
    page = client.get(f"/p/{token}/results?lang=zh")
    assert page.status_code == 200
    tree = lxml.html.fromstring(page.text)
    shown = {e.get("data-expected"): e.text_content() for e in tree.xpath('//p[@data-expected]')}
    quantified = {r["measure"]: r for r in advice["recommendations"] if r.get("expected")}
    assert set(shown) == set(quantified)
    low = round(quantified["7.3.4"]["expected"]["CO2e"]["low"])
    assert f"CO2e {low:,}" in shown["7.3.4"]
    assert "+" in shown["7.4.2"]   # the shared centre's oxidiser adds CO2
