"""The web store on both databases it supports: SQLite and PostgreSQL (see web_databases.py for the latter)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from demo_answers import CHOSEN, TYPED
from web_databases import KINDS, database, without_postgres

PARK_QUESTIONS = ("park-id", "park-name", "park-base-year", "park-industries", "park-level",
                  "park-key-air-region", "park-water-scarce", "park-vacant-land", "park-enterprise-count")
ANSWERS = {q: v for q, v in {**TYPED, **CHOSEN}.items() if q in PARK_QUESTIONS}


@pytest.fixture(scope="module")
def advisor():
    from advisor.web.service import Advisor

    return Advisor()


@pytest.fixture(params=KINDS)
def db_url(request, tmp_path):
    return database(request.param, tmp_path)


@pytest.fixture
def open_store(db_url):
    """Store(db_url), as many times as a test asks (each is a restarted server); all closed at the end."""
    from advisor.web.store import Store

    opened: list[Store] = []

    def make() -> Store:
        opened.append(Store(db_url))
        return opened[-1]

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def client(db_url, advisor):
    from fastapi.testclient import TestClient

    from advisor.web.app import create_app

    with TestClient(create_app(db_url, advisor=advisor), raise_server_exceptions=False) as c:
        yield c
    c.app.state.store.close()


def test_a_saved_answer_survives_a_new_store_and_clearing_removes_the_paths_under_it(open_store):
    store = open_store()
    token = store.create({"park.name": "甲园区", "energy": [{"carrier": "raw_coal", "amount": 1.0, "unit": "t"}]})
    store.save(token, {"park.base_year": 2022, "economy.values": {"2018": 1.5}}, clear=["energy"],
               asked=["park-base-year", "energy-coal"])
    store.save(token, {"economy.values": {"2020": 2.0}}, asked=["park-base-year"])
    again = open_store().load(token)
    assert again.answers == {"park.name": "甲园区", "park.base_year": 2022, "economy.values": {"2020": 2.0}}
    assert again.asked == ["park-base-year", "energy-coal"]
    assert open_store().load("x" * 22) is None


def test_saving_a_park_that_does_not_exist_is_refused(open_store):
    with pytest.raises(KeyError):
        open_store().save("y" * 24, {"park.name": "无"})


def test_saves_of_one_park_at_the_same_time_keep_every_question_seen(open_store):
    store = open_store()
    token = store.create()
    ids = [f"q-{i}" for i in range(24)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda q: store.save(token, {f"x.{q}": q}, asked=[q]), ids))
    state = store.load(token)
    assert sorted(state.asked) == sorted(ids)
    assert state.answers == {f"x.{q}": q for q in ids}


def test_twenty_parks_answered_at_the_same_time_lose_nothing(client):
    tokens = []
    for _ in range(20):
        r = client.post("/new", follow_redirects=False)
        tokens.append(r.headers["location"].split("/")[2])

    def answer(job):
        token, qid = job
        r = client.post(f"/p/{token}/answer", data={"question": qid, qid: ANSWERS[qid]})
        assert r.status_code == 200 and r.json()["ok"], r.text
        return r

    jobs = [(t, q) for q in ANSWERS for t in tokens]   # every park gets one answer per round, 20 at once
    with ThreadPoolExecutor(max_workers=20) as pool:
        list(pool.map(answer, jobs))
    store = client.app.state.store
    for token in tokens:
        state = store.load(token)
        assert state.answers["park.name"] == "示例化工园区"
        assert state.answers["park.base_year"] == 2022 and state.answers["park.enterprise_count"] == 86
        assert state.answers["park.industries"][0] == {"code": "C26", "share": pytest.approx(0.55)}
        chosen = {"park.level", "park.key_air_region", "park.water_scarce", "park.vacant_land_share"}
        assert chosen <= set(state.answers)


def test_without_a_postgresql_url_the_cases_are_skipped_or_fail_when_required():
    assert without_postgres({"PARK_ADVISOR_TEST_PG": "postgresql+psycopg://u@h/db"}) is None
    assert without_postgres({})[0] == "skip"
    kind, line = without_postgres({"PARK_ADVISOR_REQUIRE_POSTGRES": "1"})
    assert kind == "fail" and "PARK_ADVISOR_TEST_PG" in line
