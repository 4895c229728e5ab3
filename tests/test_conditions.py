"""The condition language: parsing, three-valued logic, why-not."""

import pytest

from advisor.kb.conditions import All, AnyOf, Atom, ConditionSyntaxError, FindingAtom, blocking, evaluate, parse


def test_not_is_pushed_down_to_the_atoms():
    node = parse({"not": {"all": [{"fact": "a", "lt": 1}, {"finding": "x"}]}})
    assert node == AnyOf((Atom("a", "ge", 1), FindingAtom("x", negated=True)))


def test_a_comparison_on_an_unknown_fact_is_unknown_not_false():
    assert evaluate(parse({"fact": "a", "eq": False}), {}, {}) is None
    assert evaluate(parse({"not": {"fact": "a", "eq": True}}), {}, {}) is None


def test_exists_and_unknown_are_never_unknown():
    assert evaluate(parse({"fact": "a", "unknown": True}), {}, {}) is True
    assert evaluate(parse({"fact": "a", "exists": True}), {"a": 0}, {}) is True


@pytest.mark.parametrize("left, right, expected", [(None, True, None), (False, None, False), (True, None, None)])
def test_all_follows_kleene_logic(left, right, expected):
    facts = {k: v for k, v in (("a", left), ("b", right)) if v is not None}
    node = All((Atom("a", "eq", True), Atom("b", "eq", True)))
    assert evaluate(node, facts, {}) is expected


def test_any_is_true_when_one_branch_is_true_even_if_another_is_unknown():
    node = parse({"any": [{"fact": "a", "gt": 1}, {"fact": "b", "eq": True}]})
    assert evaluate(node, {"b": True}, {}) is True


def test_false_is_not_equal_to_zero():
    assert evaluate(parse({"fact": "a", "eq": 0}), {"a": False}, {}) is False


def test_a_possible_finding_makes_the_condition_unknown():
    assert evaluate(parse({"finding": "x"}), {}, {"x": None}) is None
    assert evaluate(parse({"not": {"finding": "x"}}), {}, {}) is True


def test_blocking_names_the_first_failing_condition():
    node = parse({"all": [{"fact": "a", "ge": 0.5}, {"fact": "b", "eq": True}]})
    assert blocking(node, {"a": 0.2, "b": True}, {}) == [Atom("a", "ge", 0.5)]


@pytest.mark.parametrize("raw, message", [
    ({"fact": "a", "eqq": 1}, "did you mean 'eq'"),
    ({"fact": "a", "lt": "high"}, "compares numbers"),
    ({"all": []}, "non-empty"),
    ({"fact": "a", "eq": None}, "unknown: true"),
    ("a > 1", "a mapping"),
])
def test_malformed_conditions_are_rejected_with_a_reason(raw, message):
    with pytest.raises(ConditionSyntaxError, match=message):
        parse(raw)

