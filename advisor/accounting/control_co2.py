"""The CO2 that end-of-pipe controls add while they remove a pollutant (guideline 6.3: trade-offs).

Which controls add CO2, the pollutant each removes and the factors it multiplies are knowledge
(knowledge/controls.yaml, with the factors' values and sources in factors/heat_and_other.csv).
"""

from __future__ import annotations

from advisor.accounting._common import KbIndex
from advisor.accounting.carbon_factors import C_TO_CO2
from advisor.kb.schemas.knowledge import EndOfPipeControl

SUPPORT_GAS = "natural_gas"   # the fuel (factors/fuel_factors.csv) an oxidiser burns beside the VOCs


def calc_control_co2(control: str, removed_t: dict | None, ix: KbIndex) -> dict:
    """t CO2 added = pollutant removed × the control's factors (a reagent's CO2, or the carbon of the VOCs
    oxidised). t_co2_added is None, with a note, when not estimable."""
    spec = ix.kb.controls.get(control)
    if spec is None:
        return {"control": control, "pollutant": None, "removed_t": None, "t_co2_added": None, "factor": None,
                "adds_co2": False,
                "note": f"no reagent or combustion CO2 factor for '{control}' in knowledge: not treated as adding CO2 "
                        "(its electricity and fuel are counted through the energy rows)"}
    pollutant = spec.removes
    removed = (removed_t or {}).get(pollutant)
    out = {"control": control, "pollutant": pollutant, "removed_t": removed, "t_co2_added": None, "factor": None,
           "adds_co2": True, "note": ""}
    per_t, factor_text, note = _control_factor(control, ix)
    out["factor"] = factor_text
    if removed is None:
        out["note"] = f"give removed_t.{pollutant} to estimate the CO2 added" + (f"; {note}" if note else "")
        return out
    out["t_co2_added"] = removed * per_t
    out["note"] = note
    return out


def _control_factor(control: str, ix: KbIndex) -> tuple[float, str, str]:
    """(t CO2 per t removed, factor text, note) of a control of knowledge; knowledge values only, so built once
    per knowledge base."""
    hit = ix.control_factors.get(control)
    if hit is None:
        hit = ix.control_factors[control] = _control_factor_of(ix.kb.controls[control], ix)
    return hit


def _control_factor_of(spec: EndOfPipeControl, ix: KbIndex) -> tuple[float, str, str]:
    if spec.burns_voc_carbon:
        return _voc_oxidation_factor(ix)
    per_t = 1.0
    parts = []
    for item in spec.factors:   # each one exists: checked when the knowledge base loads
        row = ix.other(item)
        per_t *= row.value
        parts.append(f"{row.value} {row.unit}")
    return per_t, " × ".join(parts), spec.note


def _voc_oxidation_factor(ix: KbIndex) -> tuple[float, str, str]:
    """The CO2 of the VOCs' carbon, plus the support gas when knowledge gives an amount for it."""
    analysis = ix.kb.analysis
    frac = analysis.voc_carbon_fraction
    per_t = frac.value * C_TO_CO2
    factor_text = f"{frac.value} t C/t VOCs × 44/12 = {per_t:.4f} t CO2/t VOCs"
    support = analysis.rto_support_gas_nm3_per_t_voc
    if not support.value:
        return per_t, factor_text, ("support gas not included: give the oxidiser's natural gas as an energy row "
                                    "of this process")
    gas = ix.fuel[(SUPPORT_GAS, "cn_default")]
    gas_per_nm3 = gas.co2_factor * ix.rate(gas.co2_unit).per_base
    per_t += support.value * gas_per_nm3
    factor_text += f" + {support.value} Nm3 support gas/t × {gas_per_nm3:.6f} t CO2/Nm3"
    return per_t, factor_text, ""
