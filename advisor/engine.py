"""The durable-rules engine behind one small interface – the only module importing durable.

Each rule of the rule base becomes two durable rules: `<id>#T` fires when its condition is
certainly true, `<id>#P` when it is possibly true (true, or blocked only by unknown facts).
Findings are concluded round by round (strata): the fact asserted in round k carries every
finding of earlier rounds as 2 (found), 1 (possible) or 0 (not found).

Traps handled here (see the engine notes): exceptions inside actions are swallowed by
durable, so every action is wrapped and errors are collected and raised; sessions are
deleted after each park (at most 1,024 live sessions); engine calls are serialised by a
lock; facts are flat with `sid` and `id` fields; a fact no rule matches is not an error.
"""

from __future__ import annotations

import itertools
import math
import re
import threading
from typing import Any

from advisor.conditions import All, AnyOf, Atom, FindingAtom, Node
from advisor.errors import Issue, RuleEngineError
from advisor.rulebook import RuleBase

MAX_EXPRESSIONS = 32       # durable's MAX_SEQUENCE_EXPRESSIONS per rule condition
MAX_PROPERTIES = 255       # durable's MAX_OBJECT_PROPERTIES per fact
RULES_PER_RULESET = 10     # keeps durable's 64-slot matching stack far from full
FOUND, POSSIBLE, ABSENT = 2, 1, 0

_ruleset_names = itertools.count(1)
_lock = threading.Lock()
_host = None


def _get_host():
    global _host
    if _host is None:
        from durable.engine import Host

        _host = Host()
    return _host


def engine_value(value: Any) -> Any:
    """durable's JSON reader refuses an exponent without a decimal point ('1e-05', '1e+16'):
    move such a float by one ulp, whose repr has a point – order against any other number is kept."""
    while isinstance(value, float) and "e" in repr(value) and "." not in repr(value):
        value = math.nextafter(value, math.copysign(math.inf, value))  # away from 0: signs stay
    return value


def fact_key(name: str) -> str:
    return "f_" + re.sub(r"[^A-Za-z0-9]", "_", name)


def finding_key(name: str) -> str:
    return "g_" + re.sub(r"[^A-Za-z0-9]", "_", name)


def _one(op: str, parts: list[dict]) -> dict:
    return parts[0] if len(parts) == 1 else {op: parts}


def _compare(atom: Atom) -> dict:
    key = fact_key(atom.fact)
    op, value = atom.op, atom.value
    if op == "eq":
        return {key: value}
    if op == "ne":
        return {"$neq": {key: value}}
    if op == "in":
        return _one("$or", [{key: v} for v in value])
    if op == "nin":
        return _one("$and", [{"$neq": {key: v}} for v in value])
    return {{"lt": "$lt", "le": "$lte", "gt": "$gt", "ge": "$gte"}[op]: {key: value}}


def compile_certain(node: Node) -> dict:
    """Durable expression that holds when the condition is certainly true."""
    if isinstance(node, Atom):
        key = fact_key(node.fact)
        if node.op == "exists":
            return {"$ex": {key: 1}}
        if node.op == "unknown":
            return {"$nex": {key: 1}}
        return {"$and": [{"$ex": {key: 1}}, _compare(node)]}
    if isinstance(node, FindingAtom):
        return {finding_key(node.finding): ABSENT if node.negated else FOUND}
    op = "$and" if isinstance(node, All) else "$or"
    return _one(op, [compile_certain(c) for c in node.items])


def compile_possible(node: Node) -> dict:
    """Durable expression that holds when the condition is true or only unknowns block it."""
    if isinstance(node, Atom):
        key = fact_key(node.fact)
        if node.op in ("exists", "unknown"):
            return compile_certain(node)
        return {"$or": [{"$nex": {key: 1}}, _compare(node)]}
    if isinstance(node, FindingAtom):
        key = finding_key(node.finding)
        return {"$lte": {key: POSSIBLE}} if node.negated else {"$gte": {key: POSSIBLE}}
    op = "$and" if isinstance(node, All) else "$or"
    return _one(op, [compile_possible(c) for c in node.items])


def count_expressions(expr: Any) -> int:
    """Leaf comparisons in a compiled expression (what durable's limit counts)."""
    if isinstance(expr, dict):
        total = 0
        for key, val in expr.items():
            if key in ("$and", "$or"):
                total += sum(count_expressions(v) for v in val)
            else:
                total += 1
        return total
    return 1


def limit_issues(base: RuleBase) -> list[Issue]:
    """Rules or facts that would break durable's fixed C limits."""
    issues = []
    for r in base.rules.values():
        n = 1 + max(count_expressions(compile_certain(r.condition)), count_expressions(compile_possible(r.condition)))
        if n > MAX_EXPRESSIONS:
            issues.append(Issue(f"rules/{r.file}", r.rule.id, f"condition compiles to {n} engine expressions, "
                                f"more than durable's limit of {MAX_EXPRESSIONS}",
                                "split it into a finding and a shorter rule"))
    width = len(base.facts) + len(base.findings) + 3
    if width > MAX_PROPERTIES:
        issues.append(Issue("knowledge/facts.yaml", "", f"{width} facts and findings exceed durable's limit of "
                            f"{MAX_PROPERTIES} properties per fact", "drop unused facts"))
    return issues


class Engine:
    """Evaluates every rule for one park at a time; results keyed by our rule ids."""

    def __init__(self, base: RuleBase):
        issues = limit_issues(base)
        if issues:
            raise RuleEngineError(issues)
        self.base = base
        self.name = f"park_advisor_{next(_ruleset_names)}"
        self._fired: dict[str, set[str]] = {}
        self._errors: dict[str, list[str]] = {}
        self._sids = itertools.count(1)
        # durable's matcher has a fixed 64-slot stack per asserted fact: many rules matching one
        # fact overflow it (error 303, then a crash in delete_state). So each round's rules are
        # split into small rulesets and the round's fact is asserted into each of them.
        self._chunks: list[tuple[int, str]] = []
        definitions: dict[str, dict] = {}
        for rnd in range(1, base.rounds + 1):
            ids = [rid for rid, r in base.rules.items() if r.stratum == rnd]
            for start in range(0, len(ids), RULES_PER_RULESET):
                name = f"{self.name}_{rnd}_{start // RULES_PER_RULESET}"
                definition: dict[str, dict] = {}
                for rid in ids[start:start + RULES_PER_RULESET]:
                    r = base.rules[rid]
                    for mode, expr in (("T", compile_certain(r.condition)), ("P", compile_possible(r.condition))):
                        guarded = {"$and": [{"round": rnd}, expr]}
                        definition[f"{rid}#{mode}"] = {"all": [{"m": guarded}], "run": self._action(f"{rid}#{mode}")}
                definitions[name] = definition
                self._chunks.append((rnd, name))
        with _lock:
            _get_host().set_rulesets(definitions)

    def _action(self, name: str):
        def run(c):
            try:
                self._fired[c.m["sid"]].add(name)
            except Exception as exc:  # durable would swallow it: keep it and fail loudly later
                self._errors.setdefault(str(getattr(c.m, "sid", "?")), []).append(f"{name}: {exc!r}")
        return run

    def evaluate(self, facts: dict[str, Any]) -> tuple[dict[str, str], dict[str, bool | None]]:
        """Rule outcomes ('T' true, 'U' possible, 'F' false) and finding statuses (True / None)."""
        from durable.engine import MessageNotHandledException

        known = {fact_key(k): engine_value(v) for k, v in facts.items() if v is not None and k in self.base.facts}
        outcomes: dict[str, str] = {}
        findings: dict[str, bool | None] = {}
        host = _get_host()
        with _lock:
            sid = f"s{next(self._sids)}"
            self._fired[sid] = set()
            used: list[str] = []
            try:
                for rnd in range(1, self.base.rounds + 1):
                    fact = dict(known)
                    for fid, stratum in self.base.finding_stratum.items():
                        if stratum < rnd:
                            status = findings.get(fid, False)
                            fact[finding_key(fid)] = FOUND if status is True else POSSIBLE if status is None else ABSENT
                    fact.update({"sid": sid, "id": f"round-{rnd}", "round": rnd})
                    for chunk_round, name in self._chunks:
                        if chunk_round != rnd:
                            continue
                        try:
                            host.assert_fact(name, fact)
                            used.append(name)
                        except MessageNotHandledException:
                            used.append(name)  # no rule of this chunk matched: a legitimate outcome
                        except Exception as exc:
                            message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
                            raise RuleEngineError([Issue("rules/", f"round {rnd}", f"rule engine failed: {message}",
                                                         "run `park-advisor kb check`; report the park profile if it passes")]) from None
                    if self._errors.get(sid):
                        raise RuleEngineError([Issue("rules/", "action", e, "report this as a bug")
                                               for e in self._errors.pop(sid)])
                    fired = self._fired[sid]
                    for rid, r in self.base.rules.items():
                        if r.stratum != rnd:
                            continue
                        outcome = "T" if f"{rid}#T" in fired else "U" if f"{rid}#P" in fired else "F"
                        outcomes[rid] = outcome
                        fid = r.rule.then.finding
                        if fid and outcome != "F":
                            previous = findings.get(fid, False)
                            findings[fid] = True if (outcome == "T" or previous is True) else None
            finally:
                self._fired.pop(sid, None)
                self._errors.pop(sid, None)
                for name in used:
                    try:
                        host.delete_state(name, sid)
                    except Exception:  # nothing was stored for a park no rule matched
                        pass
        return outcomes, findings
