"""The carbon balance of feedstock (coal chemicals, guideline 6.2 and 6.3): feedstock carbon is not combustion CO2.

For each process that takes feedstock and does not report its own CO2:

    process CO2 = (feedstock carbon − carbon leaving in products and by-products) × 44/12

feedstock carbon = its CO2 potential (the fuel factor, whose oxidation share leaves unconverted carbon in ash and
slag) × 12/44; product carbon = Σ amount × carbon content (knowledge/factors/product_carbon.csv), for the
products and by-products in `materials` of the process's owner (all of the park's when the owner is not known and
one process takes feedstock). The estimate is counted in scope 1. Where the products are not stated, or one has no
carbon content in knowledge, the process CO2 is only a range (knowledge/audit.yaml feedstock, of the CO2 potential
less the carbon of the products known) and is not counted: the process share of the park's CO2 is then unknown.
A process that reports its CO2 keeps it; the balance is shown beside it when it can be made.
"""

from __future__ import annotations

from advisor.accounting._common import INFRASTRUCTURE, UNASSIGNED, Note, r
from advisor.accounting.audit_texts import audit_note, tons
from advisor.accounting.carbon_factors import C_TO_CO2
from advisor.kb.units import UnitError, convert

PRODUCT_KINDS = ("product", "byproduct")


def _product_index(kb) -> dict[str, str]:
    """Every name of a product (id, Chinese and English names, aliases), lower-cased → its id."""
    index: dict[str, str] = {}
    for p in kb.product_carbon.values():
        for name in (p.product, p.name_zh, p.name_en, *p.aliases):
            index[name.strip().lower()] = p.product
    return index


def product_of(kb, material: str) -> str | None:
    """The product of knowledge a material names, or None."""
    return kb.derived("accounting.products", _product_index).get(material.strip().lower())


def calc_balance(c_in: float, c_out: float) -> float:
    """t CO2 = max(feedstock C − product C, 0) × 44/12."""
    return max(c_in - c_out, 0.0) * C_TO_CO2


def _products(profile, owner: str, single: bool) -> list | None:
    """The product and by-product streams of an owner; None when the profile has no materials section."""
    if profile.materials is None:
        return None
    anyone = single and owner in (UNASSIGNED, INFRASTRUCTURE)
    return [(i, m) for i, m in enumerate(profile.materials)
            if m.kind in PRODUCT_KINDS and (anyone or m.enterprise == owner)]


def calc_feedstock_balances(profile, kb, feedstock: list[dict], notes: list[Note]) -> list[dict]:
    """One balance per process taking feedstock (see the module doc)."""
    groups: dict[str, dict] = {}
    for f in feedstock:
        g = groups.setdefault(f["process"], {"process": f["process"], "owner": f["owner"], "t_co2_potential": 0.0,
                                             "reports_co2": f["process_reports_co2"]})
        g["t_co2_potential"] += f["t_co2_potential"] or 0.0
    single = len(groups) == 1
    out = []
    for g in groups.values():
        out.append(_balance(profile, kb, g, single, notes))
    return out


def _balance(profile, kb, g: dict, single: bool, notes: list[Note]) -> dict:
    potential = g["t_co2_potential"]
    c_in = potential / C_TO_CO2
    streams = _products(profile, g["owner"], single)
    products, unknown = [], []
    c_out = 0.0
    for i, m in streams or []:
        pid = product_of(kb, m.material)
        try:
            t = convert(m.amount, m.unit, kb, "mass")
        except UnitError as exc:
            raise UnitError(f"materials[{i}].unit: {exc}") from None
        if pid is None:
            unknown.append(m.material)
            continue
        content = kb.product_carbon[pid].carbon
        c_out += t * content
        products.append({"material": m.material, "product": pid, "t": r(t), "carbon_t_per_t": content,
                         "t_c": r(t * content)})
    row = {"process": g["process"], "owner": g["owner"], "t_co2_potential": r(potential), "feedstock_t_c": r(c_in),
           "products": products, "products_unknown": unknown, "products_t_c": r(c_out),
           "t_co2": None, "low_t_co2": None, "high_t_co2": None, "counted": False}
    if streams and not unknown:   # every product known: the balance
        t = calc_balance(c_in, c_out)
        row.update(status="reported" if g["reports_co2"] else "balanced", t_co2=r(t), low_t_co2=r(t), high_t_co2=r(t),
                   counted=not g["reports_co2"])
        if c_out > c_in:
            notes.append(audit_note(kb, "feedstock-products-exceed", process=g["process"], c_in=tons(c_in),
                                    c_out=tons(c_out)))
        elif not g["reports_co2"]:
            notes.append(audit_note(kb, "feedstock-balanced", process=g["process"], t=tons(t), c_in=tons(c_in),
                                    c_out=tons(c_out)))
        return row
    if g["reports_co2"]:
        row["status"] = "reported"
        return row
    bounds = kb.audit.feedstock
    rest = max(potential - c_out * C_TO_CO2, 0.0)
    row.update(status="range", low_t_co2=r(bounds.range_low.value * rest), high_t_co2=r(bounds.range_high.value * rest))
    if unknown:
        why = audit_note(kb, "why-unknown-products", products="、".join(unknown))
        reason = (why.en, why.zh)
    else:
        why = audit_note(kb, "why-no-products")
        reason = (why.en, why.zh)
    notes.append(audit_note(kb, "feedstock-range", process=g["process"], why=reason, low=tons(row["low_t_co2"]),
                            high=tons(row["high_t_co2"])))
    return row
