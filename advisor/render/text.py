"""Plain-text terminal views of measures, recommendations, explanations and what-if results."""

from __future__ import annotations

import textwrap
from typing import Any

from advisor.kb.standards import citation_line
from advisor.render.report_format import fmt_num, terminal_labels


def _wrap(text: str, indent: str = "    ", width: int = 100) -> str:
    return textwrap.fill(text, width=width, initial_indent=indent, subsequent_indent=indent)


def measure_card_text(m, kb) -> str:
    lines = [f"{m.id}  {m.title.zh}", f"      {m.title.en}",
             (f"object 实施对象: {kb.objects[m.object].name.zh} / {kb.objects[m.object].name.en}"
              if m.object in kb.objects else f"object: {m.object}"),
             f"effect 效果: {m.effect} · horizon 期限: {m.horizon} · effort 投入: {m.effort} · "
             f"needs higher level 需上级支持: {'yes 是' if m.needs_higher_level else 'no 否'}",
             f"lead 牵头: {m.lead.zh} / {m.lead.en}", "",
             "含义:", _wrap(m.summary.zh), "Meaning:", _wrap(m.summary.en), "",
             "适用情形:", _wrap(m.applies_when.zh), "Applies when:", _wrap(m.applies_when.en), "",
             f"co-benefits 协同效益: {', '.join(m.co_benefits)}"]
    if m.trade_offs:
        lines += ["trade-offs 权衡:", _wrap(m.trade_offs.zh), _wrap(m.trade_offs.en)]
    if m.prerequisites:
        lines.append(f"prerequisites 前置措施: {', '.join(m.prerequisites)}")
    lines.append("typical actions 典型做法:")
    for key, actions in m.actions.items():
        lines.append(f"  [{key}]")
        for a in actions:
            lines.append(f"    - {a.zh} / {a.en}")
    if m.standards:
        lines.append("standards 相关标准:")
        for s in m.standards:
            lines.append(f"  - {citation_line(s, kb)}")
    return "\n".join(lines)


TOP_QUESTIONS = 5   # how many of the questions to answer the terminal view lists


def question_summary(questions: list[dict[str, Any]], L: dict[str, str]) -> str:
    """The line that says how many measures the questions given decide (the wording is in the labels)."""
    decided = {m for q in questions for m in q.get("decides") or []}
    key = "q_sum_one" if len(questions) == 1 else "q_sum"
    return L[key].format(n=len(questions), m=len(decided))


def _conditions(conditions: list[dict[str, Any]], L: dict[str, str], indent: str) -> list[str]:
    """Each condition of a measure to confirm, then the questions that decide it (said once while the
    next condition has the same questions)."""
    lines, said = [], ""
    for cond in conditions:
        lines.append(_wrap(cond["text"], indent=indent, width=110))
        asked = L["sep"].join(dict.fromkeys(u["label"] for u in cond["unknown"] if u.get("label")))
        if asked and asked != said:
            lines.append(_wrap(f"{L['decided_by']}: {asked}", indent=indent + "  ", width=110))
        said = asked
    return lines


_META = ("acts_on", "assumption", "share", "coefficients", "missing")   # keys of `expected` that are no substance


def _range(r: dict[str, Any] | None, L: dict[str, str]) -> str:
    if r is None:
        return L["expected_unknown"]
    low, high = r["low"], r["high"]
    if high < 0:   # an increase (CO2 added by an end-of-pipe step)
        return f"{L['increase']} {fmt_num(-high)}–{fmt_num(-low)}"
    return f"{fmt_num(low)}–{fmt_num(high)}"


def _ranges(expected: dict[str, Any], L: dict[str, str]) -> str:
    return L["sep"].join(f"{L.get('substance_' + s, s)} {_range(r, L)}" for s, r in expected.items()
                         if s not in _META)


def _expected_lines(rec: dict[str, Any], L: dict[str, str]) -> list[str]:
    """A recommendation's expected cut (t/yr) and its assumption, or what an enabling measure makes possible."""
    expected = rec.get("expected")
    if expected:
        return [_wrap(f"{L['expected']} (t): {_ranges(expected, L)}", indent="             ", width=110),
                _wrap(f"{L['assumed']}: {expected['assumption']}", indent="             ", width=110)]
    if rec.get("enables"):
        return [_wrap(f"{L['enables']}: {', '.join(rec['enables'])}", indent="             ", width=110)]
    return []


def recommendations_text(result: dict[str, Any], lang: str, source: str | None = None) -> str:
    L = terminal_labels("advice", lang)
    park = result["park"]
    head = f"{L['park']}: {park['name']} ({park['id']})" + (f" · {L['source']}: {source}" if source else "")
    lines = [head, ""]
    if result["findings"]:
        lines.append(f"{L['findings']}:")
        for f in result["findings"]:
            mark = "?" if f["status"] == "possible" else "•"
            lines.append(f"  {mark} [{f['severity']}] {f['text']}")
        lines.append("")
    if result.get("inferred"):
        lines += [f"{L['inferred']}:", *(_wrap(i["text"], indent="  ", width=110) for i in result["inferred"]), ""]
    shortlist = set(result["shortlist"])
    lines.append(f"{L['rank']:>3}  {L['measure']:<6} {L['priority']:<6} {L['reason']}")
    for rec in result["recommendations"]:
        reason = rec["because"][0]["text"] if rec["because"] else ""
        star = " ★" if rec["measure"] in shortlist else ""
        lines.append(f"{rec['rank']:>3}  {rec['measure']:<6} {L[rec['priority']]:<6} {rec['title']}{star}")
        lines.append(_wrap(reason, indent="             ", width=110))
        lines += _expected_lines(rec, L)
        stronger = list(dict.fromkeys(w["text"] for w in rec["would_strengthen"] if w.get("text")))
        if stronger:
            lines.append(_wrap(f"{L['would_strengthen']}: " + L["sep"].join(stronger),
                               indent="             ", width=110))
    if not result["recommendations"]:
        lines.append(f"  {L['none_established']}")
    if shortlist:
        lines += ["", f"★ {L['shortlist']}"]
        if result.get("expected_total"):
            lines.append(f"  {L['plan_total']}: {_ranges(result['expected_total'], L)}")
    if result["to_confirm"]:
        lines += ["", f"{L['to_confirm']}:", _wrap(L["to_confirm_hint"], indent="  ", width=110)]
        for t in result["to_confirm"]:
            lines.append(f"  {t['measure']:<6} {t['title']}")
            lines += _conditions(t["if"], L, "         ")
    questions = result["questions_to_answer"]
    if questions:
        top = questions[:TOP_QUESTIONS]
        lines += ["", f"{L['questions']}:", f"  {question_summary(top, L)}"]
        for i, q in enumerate(top, start=1):
            lines.append(f"  {i}. {q['label']} → {L['decides']}: {', '.join(q['decides'])}")
        if len(questions) > len(top):
            lines.append(f"  {L['more_questions'].format(n=len(questions) - len(top))}")
    if result["not_recommended"]:
        lines += ["", f"{L['not_rec']}:"]
        for n in result["not_recommended"]:
            reasons = why_not_texts(n)
            lines.append(f"  {n['measure']:<6} {n['title']}" + (f" – {reasons[0]}" if reasons else ""))
    return "\n".join(lines)


def why_not_texts(n: dict[str, Any]) -> list[str]:
    """The plain-language reasons a measure is left out, each once."""
    return list(dict.fromkeys(w["text"] for w in n.get("why_not") or [] if isinstance(w, dict) and w.get("text")))


def explanation_text(result: dict[str, Any], lang: str) -> str:
    L = terminal_labels("advice", lang)
    status = result.get("status") or ("established" if result["recommended"] else "not_recommended")
    lines = [f"{result['measure']} {result['title']}: {L['status_' + status]}"
             + (f" (#{result['rank']}, {L[result['priority']]})" if result.get("rank") else "")]
    if result.get("because"):
        lines.append(f"  {L['because']}:")
        lines += [_wrap(b["text"], indent="    ", width=110) for b in result["because"] if b.get("text")]
    stronger = [w for w in result.get("would_strengthen") or [] if w.get("text")]
    if stronger:
        lines.append(f"  {L['would_strengthen']}:")
        lines += [_wrap(w["text"], indent="    ", width=110) for w in stronger]
    if result.get("if"):
        lines.append(f"  {L['advised_if']}:")
        lines += _conditions(result["if"], L, "    ")
    if result.get("questions"):
        lines.append(f"  {L['questions']}:")
        lines += [f"    {q['label']} → {L['decides']}: {', '.join(q['decides'])}" for q in result["questions"]]
    if not result.get("because") and not result.get("if"):
        reasons = why_not_texts(result)
        lines.append(f"  {L['why_not']}:")
        lines += [_wrap(r, indent="    ", width=110) for r in reasons] or [f"    {L['no_rule']}"]
    return "\n".join(lines)


def _change_text(path: str, value: Any, lang: str) -> str:
    """One --set change as the reader knows it: the question that asks the path and its answer in words; the path
    itself (in parentheses) only where no question asks it."""
    from advisor.kb.questions import load_questions

    q = next((q for q in load_questions().questions if q.path == path), None)
    choices = {c.value: c.text.in_lang(lang) for c in (q.choices or [])} if q else {}
    yes_no = {True: "是", False: "否"} if lang == "zh" else {True: "yes", False: "no"}
    shown = yes_no[value] if isinstance(value, bool) else choices.get(value, value) if isinstance(value, str) else value
    if q and q.type == "share" and isinstance(value, (int, float)) and not isinstance(value, bool):
        shown = f"{value * 100:.10g}%"
    label = q.text.in_lang(lang).rstrip("？?") if q else f"({path})"
    return f"{label} = {shown}"


def whatif_text(result: dict[str, Any], lang: str) -> str:
    L = terminal_labels("advice", lang)
    lines = [f"{L['changes']}: " + L["sep"].join(_change_text(k, v, lang) for k, v in result["changes"].items())]
    moves = result.get("moves") or []
    if not (result["entered"] or result["left"] or result["moved"] or moves):
        lines.append(L["none"])
    for e in result["entered"]:
        lines.append(f"  + {L['entered']}: {e['measure']} {e['title']} (#{e['rank']}) – {e['reason']}")
    for e in result["left"]:
        lines.append(f"  - {L['left']}: {e['measure']} {e['title']} – {e['reason']}")
    for e in result["moved"]:
        lines.append(f"  ~ {L['moved']}: {e['measure']} {e['title']} #{e['from']} → #{e['to']}")
    for m in moves:
        lines.append(f"  ⇄ {m['measure']} {m['title']}: {L['status_' + m['from']]} → {L['status_' + m['to']]}")
        lines += [_wrap(r, indent="      ", width=110) for r in m["reasons"]]
    tonnes = result.get("expected") or {}
    if tonnes.get("before") is not None or tonnes.get("after") is not None:
        lines += ["", f"{L['plan_total']}:",
                  f"  {L['before']}: {_ranges(tonnes.get('before') or {}, L)}",
                  f"  {L['after']}: {_ranges(tonnes.get('after') or {}, L)}"]
        for m in tonnes.get("measures") or []:
            lines.append(f"  {m['measure']} CO2e: {_range(m['before'], L) if m['before'] else '—'} → "
                         f"{_range(m['after'], L) if m['after'] else '—'}")
    return "\n".join(lines)

