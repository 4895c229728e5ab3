"""The durable-rules engine behind one small interface – the only module importing durable.

Each rule of the rule base becomes two durable rules: `<id>#T` fires when its condition is
certainly true, `<id>#P` when it is possibly true (true, or blocked only by unknown facts).
Findings are concluded round by round (strata): the fact asserted in round k carries every
finding of earlier rounds as 2 (found), 1 (possible) or 0 (not found).

The rules sit in small rulesets (two rules each). A ruleset sees only the facts its rules
read, so its result depends only on which side of each threshold those facts fall (and on
the exact value of yes/no and choice facts): the result for one such class of park is
remembered and reused for the next park of the same class (2,200 synthetic parks need about
1,200 assertions instead of 125,000). Every result still comes from durable; `advise` checks
each result durable computes against the Python evaluator, and the tests check remembered
results against results computed afresh.

Traps handled here (see the engine notes): exceptions inside actions are swallowed by
durable, so every action is wrapped and errors are collected and raised; every ruleset has a
rule that any fact of its round matches, since durable crashes when deleting a session that an
unmatched fact never created, and sessions are deleted after each assertion (at most 1,024
live sessions); engine calls are serialised by a lock; durable's polling threads are not started
(nothing here is queued or timed); facts are flat with `sid` and `id`
fields; a ruleset holding many rules that one fact matches overflows durable's 64-slot stack.
Not used, on purpose: durable's `cap` (one action for many matched facts) – with a few hundred
parks in one session it dropped matches and then failed with error 307 (node deleted).
"""

from __future__ import annotations

import bisect
import itertools
import math
import operator
import re
import threading
from typing import Any

from advisor.errors import Issue, RuleEngineError
from advisor.kb.conditions import All, Atom, FindingAtom, Node, atoms
from advisor.kb.rulebook import RuleBase

MAX_EXPRESSIONS = 32       # durable's MAX_SEQUENCE_EXPRESSIONS per rule condition
MAX_PROPERTIES = 255       # durable's MAX_OBJECT_PROPERTIES per fact
RULES_PER_RULESET = 2     # small rulesets: a short memo key each, far from durable's 64-slot stack
FOUND, POSSIBLE, ABSENT = 2, 1, 0
_CODE = {True: FOUND, None: POSSIBLE, False: ABSENT}    # a finding's status (False: not concluded) → its code
SEEN = "seen"             # the rule each ruleset has that every fact of its round matches

_ruleset_names = itertools.count(1)
_lock = threading.Lock()
_host = None


def _get_host():
    global _host
    if _host is None:
        from durable.engine import Host

        class QuietHost(Host):
            """A durable Host without its two polling threads. They visit every ruleset again and
            again, starting a new thread per visit, to run queued actions and rule timers; our
            facts are asserted and their actions run synchronously, and no rule uses a timer.
            With 57 rulesets the polling cost about 7% of a core and competed for the GIL."""

            def _run(self):
                pass

        _host = QuietHost()
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


class _Chunk:
    """One small durable ruleset: the rules it holds and what of a park they can see."""

    def __init__(self, rnd: int, name: str, rule_ids: list[str], base: RuleBase):
        self.round, self.name, self.rule_ids = rnd, name, rule_ids
        facts: list[str] = []
        findings: list[str] = []
        for rid in rule_ids:
            for atom in atoms(base.rules[rid].condition):
                if isinstance(atom, Atom):
                    if fact_key(atom.fact) not in facts:
                        facts.append(fact_key(atom.fact))
                elif atom.finding not in findings:
                    findings.append(atom.finding)
        self.facts, self.findings = tuple(facts), tuple(findings)
        self.finding_keys = tuple(finding_key(f) for f in findings)
        self.memo: dict[Any, tuple] = {}    # key → the ruleset's results (see Engine._results)
        # key(seen): parks with equal keys get equal results from this ruleset – every comparison its
        # rules make comes out the same for them (see `_value_class`). `seen` maps each fact key the
        # rules read to its class (None: unknown) and each finding of earlier rounds to its code.
        self.key = operator.itemgetter(*self.facts, *self.findings)

    def fact(self, known: dict[str, Any], codes: dict[str, Any]) -> dict[str, Any]:
        fact = {k: known[k] for k in self.facts if k in known}
        fact.update(zip(self.finding_keys, map(codes.__getitem__, self.findings), strict=True))
        return fact


def _numeric_thresholds(values: list) -> tuple | None:
    if values and all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in values):
        return tuple(sorted(set(values)))
    return None


_HASHABLE = (bool, str, int, float)   # (type, value) is a class of its own; others by their repr


def _value_class(value: Any, cuts: tuple | None) -> Any:
    """A value's class: numbers by their place among the thresholds (below, equal to or between
    them) and whether they are int or float, as one small int (cheap to hash in the memo keys);
    everything else by type and exact value, as a tuple (never equal to an int)."""
    kind = type(value)
    if cuts is not None and (kind is float or kind is int) and math.isfinite(value):
        at = bisect.bisect_left(cuts, value)
        equal = at < len(cuts) and cuts[at] == value
        return at * 4 + (2 if equal else 0) + (kind is float)
    return (kind, value) if kind in _HASHABLE else (kind, repr(value))


def _points(cuts: tuple | None) -> tuple | None:
    """Each threshold followed by the next float above it: the number of points at or below a number (bisect_right)
    tells its place among the thresholds – below, equal to or between them – in one call, as `_value_class` does
    (no number lies strictly between a float and the next; an int compares exactly). None without numeric thresholds
    or with one too large for that (`_value_class` then)."""
    if cuts is None or not all(abs(c) < 2.0 ** 53 for c in cuts):
        return None
    return tuple(p for c in cuts for p in (c, math.nextafter(c, math.inf)))


class Engine:
    """Evaluates every rule for one park at a time; results keyed by our rule ids.

    Each small ruleset's result is remembered for the class of park it was computed for
    (`_Chunk.key`): a later park of the same class is not asserted again. With `memo=False`
    every park goes through durable (the tests compare both)."""

    MEMO_LIMIT = 4_096      # remembered classes per ruleset; forgotten all at once beyond it (flat memory)

    def __init__(self, base: RuleBase, memo: bool = True):
        issues = limit_issues(base)
        if issues:
            raise RuleEngineError(issues)
        self.base = base
        self.memo = memo
        self.name = f"park_advisor_{next(_ruleset_names)}"
        self._fired: dict[str, set[str]] = {}
        self._errors: dict[str, list[str]] = {}
        self._sids = itertools.count(1)
        self.asserted = 0       # durable assertions made (for the benchmark's figures)
        constants: dict[str, list] = {}
        for r in base.rules.values():
            for atom in atoms(r.condition):
                if isinstance(atom, Atom):
                    values = atom.value if isinstance(atom.value, tuple) else (atom.value,)
                    constants.setdefault(fact_key(atom.fact), []).extend(v for v in values if v is not None)
        self._cuts = {k: _numeric_thresholds(v) for k, v in constants.items()}
        self._fact_keys = {name: fact_key(name) for name in base.facts}
        self._unknown_classes = dict.fromkeys(self._cuts)
        # a choice fact's value → its class, a small negative int: memo keys of ints hash faster than
        # keys of (type, value) tuples; the mapping is one to one, so the classes are those of `_value_class`
        self._choices: dict[str, int] = {}
        # fact name → (its key, its thresholds) for the facts some rule reads (the memo keys' inputs)
        self._class_of = {name: (key, self._cuts[key]) for name, key in self._fact_keys.items() if key in self._cuts}
        # fact name → (its key, its points) for the facts with numeric thresholds (`_points`)
        self._numeric_of = {name: (key, points) for name, (key, cuts) in self._class_of.items()
                            if (points := _points(cuts)) is not None}
        # durable's matcher has a fixed 64-slot stack per asserted fact: many rules matching one
        # fact overflow it (error 303, then a crash in delete_state). So each round's rules are
        # split into small rulesets and the round's fact is asserted into each of them.
        self._chunks: list[_Chunk] = []
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
                # a rule every fact of the round matches: each assertion leaves a session to delete
                # (durable crashes deleting a session that an unmatched fact never created)
                definition[SEEN] = {"all": [{"m": {"round": rnd}}], "run": self._action(SEEN)}
                definitions[name] = definition
                self._chunks.append(_Chunk(rnd, name, ids[start:start + RULES_PER_RULESET], base))
        # per round: its rulesets and the findings they read (all concluded in earlier rounds)
        self._rounds = []
        for rnd in range(1, base.rounds + 1):
            chunks = [c for c in self._chunks if c.round == rnd]
            self._rounds.append((rnd, chunks, tuple(dict.fromkeys(f for c in chunks for f in c.findings))))
        self._rule_ids = tuple(rid for _, chunks, _ in self._rounds for c in chunks for rid in c.rule_ids)
        # every ruleset in order with what `evaluate` reads of it for each park: its key, its memo's get
        self._plan = tuple((c, c.key, c.memo.get) for _, chunks, _ in self._rounds for c in chunks)
        # with memo=False every key misses: a key of any kind, looked up in an empty dict
        self._unremembered: tuple[tuple[_Chunk, Any, Any], ...] = tuple((c, id, {}.get) for c, _, _ in self._plan)
        # a finding some ruleset reads starts as not found; its code changes as rulesets of earlier rounds
        # conclude it (a ruleset reads only findings of earlier rounds, so it sees their final codes)
        self._read_findings = frozenset(f for c in self._chunks for f in c.findings)
        self._unknown_classes.update(dict.fromkeys(self._read_findings, ABSENT))
        with _lock:
            _get_host().set_rulesets(definitions)

    def _choice_class(self, value: str) -> Any:
        """A new choice value's class: the next negative int below the yes/no classes (under the lock, so
        two threads never give two values one class); beyond MEMO_LIMIT values, `_value_class`'s tuple."""
        with _lock:
            cls = self._choices.get(value)
            if cls is None:
                if len(self._choices) >= self.MEMO_LIMIT:
                    return (str, value)
                cls = self._choices[value] = -3 - len(self._choices)
            return cls

    def _action(self, name: str):
        def run(c):
            try:
                self._fired[c.m["sid"]].add(name)
            except Exception as exc:  # durable would swallow it: keep it and fail loudly later
                self._errors.setdefault(str(getattr(c.m, "sid", "?")), []).append(f"{name}: {exc!r}")
        return run

    def _run_chunk(self, host, chunk: _Chunk, fact: dict[str, Any]) -> frozenset[str]:
        """Assert one park's fact into one ruleset in a fresh session; the names of the rules that fired."""
        sid = f"s{next(self._sids)}"
        fact.update({"sid": sid, "id": f"round-{chunk.round}", "round": chunk.round})
        self._fired[sid] = set()
        self.asserted += 1
        try:
            try:
                host.assert_fact(chunk.name, fact)
            except Exception as exc:
                message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
                fix = "run `park-advisor kb check`; report the park profile if it passes"
                problem = f"rule engine failed: {message}"
                raise RuleEngineError([Issue("rules/", f"round {chunk.round}", problem, fix)]) from None
            if self._errors.get(sid):
                raise RuleEngineError([Issue("rules/", "action", e, "report this as a bug")
                                       for e in self._errors.pop(sid)])
            fired = self._fired[sid]
            if SEEN not in fired:
                raise RuleEngineError([Issue("rules/", f"round {chunk.round}",
                                             "the rule engine did not take the park's facts", "report this as a bug")])
            fired.discard(SEEN)
            return frozenset(fired)
        finally:
            self._fired.pop(sid, None)
            self._errors.pop(sid, None)
            host.delete_state(chunk.name, sid)

    def _results(self, chunk: _Chunk, fired: frozenset[str]) -> tuple[tuple[str, ...], tuple]:
        """(the outcome of each of the ruleset's rules, in its order; (finding, certainly?) for each rule
        that concludes one) – what the ruleset's memo keeps."""
        outcomes, concluded = [], []
        for rid in chunk.rule_ids:
            outcome = "T" if f"{rid}#T" in fired else "U" if f"{rid}#P" in fired else "F"
            outcomes.append(outcome)
            fid = self.base.rules[rid].rule.then.finding
            if fid and outcome != "F":
                concluded.append((fid, outcome == "T"))
        return tuple(outcomes), tuple(concluded)

    def evaluate(self, facts: dict[str, Any], fresh: list[str] | None = None
                 ) -> tuple[dict[str, str], dict[str, bool | None]]:
        """Rule outcomes ('T' true, 'U' possible, 'F' false) and finding statuses (True / None).
        `fresh` (a list) receives the ids of the rules durable evaluated for this park, as opposed
        to those whose result was remembered."""
        keys = self._fact_keys
        memo = self.memo
        seen = dict(self._unknown_classes)
        if memo:
            numeric = self._numeric_of
            class_of = self._class_of
            choices = self._choices
            for name, value in facts.items():
                hit = numeric.get(name)
                if hit is not None:     # a fact with numeric thresholds: usually a finite number
                    kind = type(value)
                    if kind is float:
                        if value - value == 0:
                            seen[hit[0]] = bisect.bisect_right(hit[1], value) * 2 + 1
                            continue
                    elif kind is int:
                        seen[hit[0]] = bisect.bisect_right(hit[1], value) * 2
                        continue
                entry = class_of.get(name)
                if entry is None or value is None:
                    continue
                key, cuts = entry
                kind = type(value)
                if kind is bool:     # a yes/no fact: -1 no, -2 yes (a number's class is >= 0)
                    seen[key] = -2 if value else -1
                elif kind is str:
                    cls = choices.get(value)
                    seen[key] = self._choice_class(value) if cls is None else cls
                else:
                    seen[key] = _value_class(value, cuts)
        known = None       # the park as durable reads it: built on the first ruleset not remembered
        values: list[str] = []      # the outcomes of every ruleset's rules, rulesets in order (= self._rule_ids)
        findings: dict[str, bool | None] = {}
        read = self._read_findings
        with _lock:
            for chunk, key_of, remembered in self._plan if memo else self._unremembered:
                memo_key = key_of(seen)
                results = remembered(memo_key)
                if results is None:
                    if known is None:
                        known = {keys[k]: engine_value(v) if type(v) is float else v
                                 for k, v in facts.items() if v is not None and k in keys}
                    results = self._results(chunk, self._run_chunk(_get_host(), chunk, chunk.fact(known, seen)))
                    if fresh is not None:
                        fresh.extend(chunk.rule_ids)
                    if memo:
                        if len(chunk.memo) >= self.MEMO_LIMIT:
                            chunk.memo.clear()
                        chunk.memo[memo_key] = results
                values += results[0]
                if results[1]:
                    for fid, certain in results[1]:
                        status = findings[fid] = True if (certain or findings.get(fid) is True) else None
                        if fid in read:
                            seen[fid] = _CODE[status]
        return dict(zip(self._rule_ids, values, strict=True)), findings
