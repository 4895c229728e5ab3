"""Every page of a filled park, crawled in each language: no field path, rule id or sentence in the other
language outside the collapsed technical-details blocks (class `tech`)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import lxml.html
import pytest
import yaml
from plain_text import problems, profile_texts

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo-chemical.yaml"
SHOWN_ATTRIBUTES = ("placeholder", "aria-label", "title", "alt")






def shown_text(html: str) -> str:
    """What a reader sees without opening a technical-details block: text and the attributes read aloud."""
    tree = lxml.html.fromstring(html)
    for el in tree.xpath('//*[contains(concat(" ", normalize-space(@class), " "), " tech ")] | //script | //style'):
        el.drop_tree()
    said = [v for el in tree.iter() if isinstance(el.tag, str) for k, v in el.attrib.items() if k in SHOWN_ATTRIBUTES]
    # the language switch names each language in itself, the brand names the program
    text = "\n".join([tree.text_content(), *said])
    # an example of how an answer may be typed ("e.g. Zhejiang or 浙江") shows the other language on purpose
    text = re.sub(r"\(e\.g\. [^)]*\)", " ", text)
    return text.replace("English", " ").replace("中文", " ").replace("park-advisor", " ")


def crawl(client, start: list[str], lang: str) -> dict[str, str]:
    """url → page, for every page reachable by GET links from `start` (downloads aside)."""
    seen: dict[str, str] = {}
    todo = list(start)
    while todo:
        url = urldefrag(todo.pop())[0]
        if url in seen or "/download/" in url or "lang=" in url:
            continue
        page = client.get(url, params={"lang": lang})
        assert page.status_code in (200, 404), url
        seen[url] = page.text
        for href in lxml.html.fromstring(page.text).xpath("//a/@href"):
            if href.startswith("/") and not urlsplit(href).query:
                todo.append(href)
    return seen


def filled_park(client) -> str:
    r = client.post("/upload", files={"profile": (DEMO.name, DEMO.read_bytes())}, follow_redirects=False)
    assert r.status_code == 303
    return r.headers["location"].split("/")[2]


def names(kb) -> tuple[str, ...]:
    """The park's own names and texts, and the city names of the city list: cities.csv has no English names, so a
    city is shown by its Chinese name in either language."""
    from advisor.profile.files import load_profile

    return profile_texts(load_profile(DEMO, kb)) + tuple(c.name_zh for c in kb.cities)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_page_of_a_filled_park_shows_field_paths_rule_ids_or_the_other_language(client, kb, lang):
    token = filled_park(client)
    pages = crawl(client, ["/", f"/p/{token}", f"/p/{token}/results", f"/p/{token}/whatif"], lang)
    assert sum(f"/p/{token}/q/" in u for u in pages) >= 8, "every topic page is crawled"
    # what-if answers of each kind: a yes/no, a choice, a number
    for question, value in (("park-key-air-region", "no"), ("central-heating", "gas_chp"), ("steam-demand", "")):
        r = client.post(f"/p/{token}/whatif", params={"lang": lang}, data={"question": question, "value": value})
        assert r.status_code == 200, r.text[-1500:]
        pages[f"whatif {question}"] = r.text
    found = {url: problems(shown_text(html), lang, names(kb)) for url, html in pages.items()}
    assert {url: p for url, p in found.items() if p} == {}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_refused_uploads_and_unfinished_parks_speak_the_pages_language(client, lang):
    bad = yaml.safe_dump({"schema_version": 1, "managment": {"synergy_plan": True},
                          "park": {"id": "p 1", "name": "P", "base_year": "twenty",
                                   "industries": [{"code": "C26", "share": 1.5}]}})
    r = client.post("/upload", params={"lang": lang}, files={"profile": ("bad.yaml", bad.encode())})
    assert r.status_code == 422
    assert problems(shown_text(r.text), lang, ("bad.yaml",)) == []
    assert "park.industries[0].share" in r.text   # the details are still there, collapsed
    r = client.post("/new", follow_redirects=False)
    unfinished = client.get(r.headers["location"].replace("/q/park", "/results"), params={"lang": lang})
    assert problems(shown_text(unfinished.text), lang) == []
