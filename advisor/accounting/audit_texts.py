"""The sentences of the audit checks (knowledge/audit.yaml `texts`), filled in as a Note in both languages."""

from __future__ import annotations

from advisor.accounting._common import Note


def audit_note(kb, text_id: str, **values) -> Note:
    """The Note of text `text_id` with its {placeholders} filled (numbers formatted by the caller)."""
    t = kb.audit.texts[text_id]
    zh_values = {k: v[1] if isinstance(v, tuple) else v for k, v in values.items()}
    en_values = {k: v[0] if isinstance(v, tuple) else v for k, v in values.items()}
    return Note(text_id, t.en.format(**en_values), t.zh.format(**zh_values))


def both(kb, text_id: str, **values) -> tuple[str, str]:
    """(en, zh) of a text: a value given as (en, zh) goes into each language as it is."""
    n = audit_note(kb, text_id, **values)
    return n.en, n.zh


def tons(x: float | None) -> str:
    return "—" if x is None else f"{x:,.0f}"
