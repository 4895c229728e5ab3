"""The condition language: parse, normalise, evaluate in three-valued logic, explain.

The same parsed condition feeds the durable-rules compiler (advisor.decide.engine), the plain
Python evaluator below (why-not, and an independent check of the engine) and the
questionnaire's `ask_if`.

Unknown is not No: a comparison on an unknown fact is *unknown* (None), and all / any /
not follow Kleene's three-valued logic. `exists` and `unknown` are never unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from advisor.kb.schemas.rules import OPS

NEGATE = {"eq": "ne", "ne": "eq", "lt": "ge", "le": "gt", "gt": "le", "ge": "lt",
          "in": "nin", "nin": "in", "exists": "unknown", "unknown": "exists"}
SYMBOL = {"eq": "=", "ne": "≠", "lt": "<", "le": "≤", "gt": ">", "ge": "≥", "in": "in", "nin": "not in"}


@dataclass(frozen=True)
class Atom:
    fact: str
    op: str
    value: Any = None

    def text(self) -> str:
        if self.op == "exists":
            return f"{self.fact} is known"
        if self.op == "unknown":
            return f"{self.fact} is unknown"
        value = self.value
        if isinstance(value, bool):
            value = str(value).lower()
        return f"{self.fact} {SYMBOL[self.op]} {value}"


@dataclass(frozen=True)
class FindingAtom:
    finding: str
    negated: bool = False

    def text(self) -> str:
        return f"{'no ' if self.negated else ''}finding {self.finding}"


@dataclass(frozen=True)
class All:
    items: tuple


@dataclass(frozen=True)
class AnyOf:
    items: tuple


Node = Atom | FindingAtom | All | AnyOf


class ConditionSyntaxError(ValueError):
    """A condition that does not follow the language; `path` says where."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message


def parse(raw: Any, path: str = "when", negate: bool = False) -> Node:
    """Parse a condition into negation normal form (no `not` left)."""
    if not isinstance(raw, dict) or not raw:
        raise ConditionSyntaxError(path, "a condition is a mapping: {all: [...]}, {any: [...]}, {not: ...}, "
                                         "{fact: NAME, OP: VALUE} or {finding: ID}")
    keys = set(raw)
    if keys in ({"all"}, {"any"}):
        key = next(iter(keys))
        items = raw[key]
        if not isinstance(items, list) or not items:
            raise ConditionSyntaxError(f"{path}.{key}", "needs a non-empty list of conditions")
        children = tuple(parse(item, f"{path}.{key}[{i}]", negate) for i, item in enumerate(items))
        # De Morgan holds in Kleene logic, so `not` can be pushed down to the atoms.
        is_all = (key == "all") != negate
        return All(children) if is_all else AnyOf(children)
    if keys == {"not"}:
        return parse(raw["not"], f"{path}.not", not negate)
    if "finding" in keys:
        if keys != {"finding"} or not isinstance(raw["finding"], str):
            raise ConditionSyntaxError(path, "write a finding test as {finding: finding-id}")
        return FindingAtom(raw["finding"], negate)
    if "fact" in keys:
        ops = keys - {"fact"}
        if len(ops) != 1:
            raise ConditionSyntaxError(path, f"a fact test has one operator ({', '.join(OPS)}); "
                                             f"found {sorted(ops) or 'none'}")
        op = ops.pop()
        if op not in OPS:
            from advisor.errors import did_you_mean

            hint = did_you_mean(op, OPS)
            raise ConditionSyntaxError(path, f"unknown operator '{op}'" + (f"; {hint}" if hint else ""))
        value = raw[op]
        if op in ("exists", "unknown"):
            if value is not True:
                raise ConditionSyntaxError(path, f"write {{fact: NAME, {op}: true}}")
            value = None
        elif op == "in":
            if not isinstance(value, list) or not value:
                raise ConditionSyntaxError(path, "`in` needs a non-empty list")
            value = tuple(value)
        elif value is None:
            raise ConditionSyntaxError(path, "compare with a value; test unknowns with `unknown: true`")
        elif op in ("lt", "le", "gt", "ge") and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise ConditionSyntaxError(path, f"`{op}` compares numbers; got {value!r}")
        return Atom(str(raw["fact"]), NEGATE[op] if negate else op, value)
    raise ConditionSyntaxError(path, f"unknown keys {sorted(keys)}; use all, any, not, fact or finding")


# --- evaluation -------------------------------------------------------------------------

def _compare(op: str, left: Any, right: Any) -> bool:
    if op == "eq":
        if isinstance(left, bool) or isinstance(right, bool):
            return left is right
        return left == right
    if op == "ne":
        return not _compare("eq", left, right)
    if op == "in":
        return any(_compare("eq", left, r) for r in right)
    if op == "nin":
        return not any(_compare("eq", left, r) for r in right)
    if isinstance(left, bool) or not isinstance(left, (int, float)):
        return False
    return {"lt": left < right, "le": left <= right, "gt": left > right, "ge": left >= right}[op]


def evaluate(node: Node, facts: dict[str, Any], findings: dict[str, bool | None]) -> bool | None:
    """True, False, or None (unknown). `findings` maps id → True / None (possible); absent = not found.

    For one condition read many times (a rule, park after park) build its check once with `compile_check`."""
    return compile_check(node)(facts, findings)


def compile_check(node: Node):
    """The condition as a function (facts, findings) → True / False / None: a tree of closures, so
    that a rule read for park after park is not re-dispatched on node types each time."""
    if isinstance(node, Atom):
        fact, op, value = node.fact, node.op, node.value
        if op == "exists":
            return lambda facts, findings: facts.get(fact) is not None
        if op == "unknown":
            return lambda facts, findings: facts.get(fact) is None

        def compare(facts, findings):
            left = facts.get(fact)
            return None if left is None else _compare(op, left, value)
        return compare
    if isinstance(node, FindingAtom):
        finding, negated = node.finding, node.negated

        def found(facts, findings):
            status = findings.get(finding, False)
            return None if status is None else (not status) if negated else status
        return found
    children = tuple(compile_check(c) for c in node.items)
    decisive = not isinstance(node, All)   # all: one False decides; any: one True

    def combine(facts, findings):
        result: bool | None = not decisive
        for child in children:
            r = child(facts, findings)
            if r is decisive:
                return decisive
            if r is None:
                result = None
        return result
    return combine


def atoms(node: Node) -> list[Atom | FindingAtom]:
    if isinstance(node, (Atom, FindingAtom)):
        return [node]
    return [a for child in node.items for a in atoms(child)]


def facts_of(node: Node) -> list[str]:
    return list(dict.fromkeys(a.fact for a in atoms(node) if isinstance(a, Atom)))


def findings_of(node: Node) -> list[str]:
    return list(dict.fromkeys(a.finding for a in atoms(node) if isinstance(a, FindingAtom)))


def blocking(node: Node, facts: dict[str, Any], findings: dict[str, bool | None]) -> list[Atom | FindingAtom]:
    """The atoms that stop `node` from being true: the first failing child of an `all`,
    every child of an `any` (all of them failed). Empty when the node is true."""
    result = evaluate(node, facts, findings)
    if result is True:
        return []
    if isinstance(node, (Atom, FindingAtom)):
        return [node]
    if isinstance(node, All):
        for wanted in (False, None):  # a definite failure explains more than an unknown
            for child in node.items:
                if evaluate(child, facts, findings) is wanted:
                    return blocking(child, facts, findings)
        return []
    return [a for child in node.items for a in blocking(child, facts, findings)]


def size(node: Node) -> int:
    """Number of atoms – each compiles to at most a few engine expressions."""
    return len(atoms(node))
