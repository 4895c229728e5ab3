"""Plain-text terminal views of measures, recommendations, explanations and what-if results."""

from __future__ import annotations

import textwrap
from typing import Any

from advisor.kb.standards import citation_line
from advisor.render.report_format import terminal_labels


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
    lines.append(f"{L['rank']:>3}  {L['measure']:<6} {L['priority']:<6} {L['reason']}")
    for rec in result["recommendations"]:
        reason = rec["because"][0]["text"] if rec["because"] else ""
        lines.append(f"{rec['rank']:>3}  {rec['measure']:<6} {L[rec['priority']]:<6} {rec['title']}")
        lines.append(_wrap(reason, indent="             ", width=110))
        if rec["verify"]:
            lines.append(_wrap(f"{L['verify']}: " + "; ".join(v["text"] for v in rec["verify"]),
                               indent="             ", width=110))
    if result["not_recommended"]:
        lines += ["", f"{L['not_rec']}:"]
        for n in result["not_recommended"]:
            first = n["why_not"][0] if n["why_not"] else None
            reason = f"{first['condition']} ({first['fact']} = {first['value']})" if first else ""
            lines.append(f"  {n['measure']:<6} {n['title']} – {reason}")
    if result["unknowns"]:
        lines += ["", f"{L['unknowns']}:"]
        for u in result["unknowns"]:
            lines.append(f"  ? {u['text']} ({u['fact']}) → {', '.join(u['affects'])}")
    return "\n".join(lines)


def explanation_text(result: dict[str, Any], lang: str) -> str:
    L = terminal_labels("advice", lang)
    status = L["recommended"] if result["recommended"] else L["not_recommended"]
    lines = [f"{result['measure']} {result['title']}: {status}"
             + (f" (#{result['rank']}, {L[result['priority']]})" if result["recommended"] else "")]
    for rule in result["rules"]:
        lines.append(f"  {rule['rule']} [{rule['outcome']}] {rule['because']}")
        for atom in rule["conditions"]:
            mark = {True: "✓", False: "✗", None: "?"}[atom["result"]]
            lines.append(f"      {mark} {atom['condition']}   ({atom['fact']} = {atom['value']})")
    if result.get("score_parts"):
        lines.append("  score: " + ", ".join(f"{k} {v}" for k, v in result["score_parts"].items()))
    return "\n".join(lines)


def whatif_text(result: dict[str, Any], lang: str) -> str:
    L = terminal_labels("advice", lang)
    lines = ["changes: " + ", ".join(f"{k} = {v}" for k, v in result["changes"].items())]
    if not (result["entered"] or result["left"] or result["moved"]):
        lines.append(L["none"])
    for e in result["entered"]:
        lines.append(f"  + {L['entered']}: {e['measure']} {e['title']} (#{e['rank']}) – {e['reason']}")
    for e in result["left"]:
        lines.append(f"  - {L['left']}: {e['measure']} {e['title']} – {e['reason']}")
    for e in result["moved"]:
        lines.append(f"  ~ {L['moved']}: {e['measure']} {e['title']} #{e['from']} → #{e['to']}")
    return "\n".join(lines)
