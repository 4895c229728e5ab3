"""One source counted twice: the CO2 an end-of-pipe control adds, estimated on the process it treats, and the CO2
reported by the control itself listed as a process of its own (an RTO, an FGD unit) of the same owner.

A reported emission beats an estimate: the estimate is kept in the trade-offs, marked not counted, and a warning
names both. The reporting process is the control's when it lists that control in `controls`, or lists none and
the owner has one kind of CO2-adding control elsewhere (with several kinds the match would be a guess: none is made).
"""

from __future__ import annotations

from advisor.accounting._common import Note, r
from advisor.accounting.audit_texts import audit_note, tons


def _reports_co2(p) -> bool:
    return "CO2" in p.emissions or "CO2e" in p.emissions


def remove_control_double_counts(processes: list, kb, contributions: list, controls: list[dict],
                                 info_by_process: dict, notes: list[Note]) -> None:
    """Marks the control estimates that a reporting control process already holds as not counted (in place).
    processes: the profile's processes."""
    counted = [c for c in controls if c["counted"] and c["t_co2_added"] is not None]
    if not counted:
        return
    reporters = [p for p in processes
                 if _reports_co2(p) and getattr(kb.process_categories.get(p.category), "adds_co2_for_control", False)]
    for rep in reporters:
        mine = [c for c in counted if c["owner"] == rep.owner and c["process"] != rep.id and c["counted"]]
        if rep.controls:
            mine = [c for c in mine if c["control"] in rep.controls]
        elif len({c["control"] for c in mine}) != 1:
            continue
        for rec in mine:
            _uncount(rec, rep, kb, contributions, info_by_process, notes)


def _uncount(rec: dict, rep, kb, contributions: list, info_by_process: dict, notes: list[Note]) -> None:
    t = rec["t_co2_added"]
    for c in contributions:
        if c.basis == "control" and c.counted and c.process == rec["process"] and c.t_co2e == t:
            c.counted = False
            break
    rec["counted"] = False
    rec["same_source_as"] = rep.id
    rec["note"] = f"the same source as {rep.id}, which reports its CO2: counted once" + (
        f"; {rec['note']}" if rec["note"] else "")
    info = info_by_process.get(rec["process"])
    if info is not None:
        info["control_t_co2"] = max((info["control_t_co2"] or 0.0) - t, 0.0)
    reported = rep.emissions.get("CO2e", rep.emissions.get("CO2"))
    control = kb.controls.get(rec["control"])
    name = (control.name.en, control.name.zh) if control is not None else rec["control"]
    notes.append(audit_note(kb, "double-count", control=name, process=rec["process"], reported=rep.id,
                            t=tons(reported), estimate=tons(r(t))))
