"""Every rule states its condition as a condition (若… / If …), in plain words of one language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from kb_copies import edit_rule

from advisor.decide.checks import FIELD_PATH, check_all, every_rule_has_a_conditional_text
from advisor.kb.knowledge import load_knowledge
from advisor.kb.rulebook import load_rulebase

ROOT = Path(__file__).resolve().parent.parent

# Latin tokens a Chinese text may carry: units, chemical formulas, pollutant and technology abbreviations.
ZH_LATIN_ALLOWED = {
    "CO2", "CO2e", "SO2", "NOx", "VOCs", "PM", "PM2.5", "PM10", "COD", "NH3-N", "SF6", "NF3", "PFCs", "HFCs",
    "CH4", "N2O", "GB", "HJ", "PV", "CHP", "RTO", "t", "km", "kWh", "MWh", "GJ", "tce", "t/h", "kWh/m³", "Nm3",
}
# A Latin run: letters with the digits, dots, slashes, hyphens and superscripts that belong to the same token.
LATIN_TOKEN = re.compile(r"[A-Za-z0-9.³/\-]*[A-Za-z][A-Za-z0-9.³/\-]*")
APPENDIX = re.compile(r"附录[A-Z]")  # the guideline's appendices are lettered
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


@pytest.fixture(scope="module")
def rules():
    return [r.rule for r in load_rulebase().rules.values()]


def test_the_shipped_rules_pass_the_conditional_text_check():
    assert [str(i) for i in every_rule_has_a_conditional_text(load_knowledge(), load_rulebase())] == []


def test_every_rule_has_a_conditional_text(rules):
    assert len(rules) > 100
    missing = [r.id for r in rules if r.conditional is None]
    assert missing == []


def test_the_conditional_cites_the_rule_clause(rules):
    wrong = [r.id for r in rules if r.conditional and not all(r.clause in t for t in (r.conditional.zh,
                                                                                      r.conditional.en))]
    assert wrong == []


def test_no_latin_words_in_chinese_conditionals(rules):
    stray = {}
    for r in rules:
        text = APPENDIX.sub("", r.conditional.zh)
        bad = [t for t in LATIN_TOKEN.findall(text) if t.strip(".-/") not in ZH_LATIN_ALLOWED]
        if bad:
            stray[r.id] = bad
    assert stray == {}


def test_no_chinese_in_english_conditionals(rules):
    assert {r.id: r.conditional.en for r in rules if CJK.search(r.conditional.en)} == {}


# --- the check catches what it is named after, in a private copy of the rule base ---------------------------




def problems(root: Path) -> list[str]:
    return [str(i) for i in check_all(root / "knowledge", root / "rules")]


def _only(report: list[str], rule_id: str, words: str) -> None:
    hits = [line for line in report if rule_id in line and words in line]
    assert hits, report
    assert all(rule_id in line for line in report), report


def test_a_missing_conditional_is_reported(broken):
    edit_rule(broken, "R-SUR-03", lambda r: r.pop("conditional"))
    _only(problems(broken), "R-SUR-03", "no conditional text")


def test_an_english_conditional_not_starting_with_if_is_reported(broken):
    def change(r):
        r["conditional"]["en"] = "When " + r["conditional"]["en"].removeprefix("If ")
    edit_rule(broken, "R-INFRA-07", change)
    _only(problems(broken), "R-INFRA-07", "does not start with 'If'")


def test_a_chinese_conditional_stated_as_a_fact_is_reported(broken):
    def change(r):
        r["conditional"]["zh"] = r["because"]["zh"]
    edit_rule(broken, "R-STATUS-01", change)
    _only(problems(broken), "R-STATUS-01", "does not start with 若 or 如果")


def test_a_blank_conditional_is_reported(broken):
    def change(r):
        r["conditional"]["en"] = "  "
    edit_rule(broken, "R-MGMT-05", change)
    _only(problems(broken), "R-MGMT-05", "empty in en")


def test_a_field_path_in_a_conditional_is_reported(broken):
    def change(r):
        r["conditional"]["en"] = "If management.synergy_plan is false, draw up a co-control plan (7.1.1)."
    edit_rule(broken, "R-MGMT-01", change)
    _only(problems(broken), "R-MGMT-01", "field path 'management.synergy_plan'")


def test_a_rule_id_in_a_conditional_is_reported(broken):
    def change(r):
        r["conditional"]["zh"] = "若园区没有协同规划（见R-STATUS-20），宜编制协同规划（7.1.1）。"
    edit_rule(broken, "R-MGMT-01", change)
    _only(problems(broken), "R-MGMT-01", "rule id 'R-STATUS-20'")


def test_numbers_and_units_are_not_field_paths():
    assert not FIELD_PATH.search("若吨水电耗达到0.8 kWh/m³以上 … 1.5 million t … (7.2.3, Appendix A).")
    assert not FIELD_PATH.search("e.g. this, i.e. that")
    assert FIELD_PATH.search("If infrastructure.steam_demand_t_h is known").group() == "infrastructure.steam_demand_t_h"
    assert FIELD_PATH.search("若management.synergy_plan为否").group() == "management.synergy_plan"
