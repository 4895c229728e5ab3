"""Material flows (guideline ch. 5, cf. GB/T 38903) from the optional `materials` section.

A symbiosis link is a by-product or waste stream of one enterprise received by another enterprise
in the park. Receivers outside | landfill | incineration | recycling are destinations, not links;
a receiver left empty is unknown.
"""

from __future__ import annotations

from advisor.accounting._common import calc_share, r, rs, share
from advisor.kb.units import UnitError, convert

DESTINATIONS = ("outside", "landfill", "incineration", "recycling")
RESIDUES = ("byproduct", "waste")


def calc_utilised_share(in_park_t: float, residue_t: float) -> float | None:
    """share utilised in the park = by-products and wastes received by park enterprises / all by-products and wastes."""
    return calc_share(in_park_t, residue_t)


def calc_materials(profile, kb) -> dict:
    """Streams by kind, symbiosis links, residues by destination and the share utilised in the park."""
    flows = profile.materials
    if flows is None:
        return {"present": False}
    enterprises = {e.id for e in profile.enterprises or []}
    by_kind = {k: {"count": 0, "t": 0.0} for k in ("input", "product", "byproduct", "waste")}
    destinations = {d: 0.0 for d in DESTINATIONS}
    links: list[dict] = []
    residue_t = in_park_t = unknown_t = hazardous_t = 0.0
    for i, f in enumerate(flows):
        try:
            t = convert(f.amount, f.unit, kb, "mass")
        except UnitError as exc:
            raise UnitError(f"materials[{i}].unit: {exc}") from None
        by_kind[f.kind]["count"] += 1
        by_kind[f.kind]["t"] += t
        if f.hazardous:
            hazardous_t += t
        if f.kind not in RESIDUES:
            continue
        residue_t += t
        receiver = f.receiver
        if receiver is None:
            unknown_t += t
        elif receiver in DESTINATIONS:
            destinations[receiver] += t
        elif receiver != f.enterprise and (not enterprises or receiver in enterprises):
            in_park_t += t
            links.append({"from": f.enterprise, "to": receiver, "material": f.material, "kind": f.kind, "t": r(t)})
        else:
            unknown_t += t
    pairs = {(link["from"], link["to"]) for link in links}
    return {
        "present": True,
        "streams": len(flows),
        "by_kind": {k: {"count": v["count"], "t": r(v["t"])} for k, v in by_kind.items()},
        "symbiosis_links": links,
        "symbiosis_link_count": len(links),
        "symbiosis_pairs": len(pairs),
        "residues_t": r(residue_t),
        "residues_in_park_t": r(in_park_t),
        "residues_by_destination_t": {k: r(v) for k, v in destinations.items()},
        "residues_destination_unknown_t": r(unknown_t),
        "utilised_in_park_share": rs(calc_utilised_share(in_park_t, residue_t)),
        "recycled_share": share(destinations["recycling"], residue_t),
        "landfill_share": share(destinations["landfill"], residue_t),
        "hazardous_t": r(hazardous_t),
    }
