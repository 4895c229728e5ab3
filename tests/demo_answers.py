"""The demo chemical park (examples/demo-chemical.yaml) as a park manager types it, question id → text.

Only the answers typed as text, in the user's own units, are here; each interface adds its own way of
picking choices (the terminal takes numbers and 是/否, the web pages send the choice values).
"""

TYPED = {
    "park-id": "demo-chemical",
    "park-name": "示例化工园区",
    "park-base-year": "2022",
    "park-industries": "C26:55%, C29:12%, C27:10%, D44:8%, C30:5%",
    "park-province": "浙江省",
    "park-enterprise-count": "86",
    "park-vacant-land": "15%",
    "economy-unit": "亿元",
    "economy-values": "2018:410, 2022:512.3",
    "emissions-co2e": "2018:521万t, 2022:548万t",
    "emissions-so2": "2018:1210, 2022:640",
    "emissions-nox": "2018:2630, 2022:2105",
    "emissions-vocs": "2018:3400, 2022:3550",
    "emissions-cod": "2018:980, 2022:760",
    "energy-coal": "162万t",
    "energy-gas": "8500万Nm3",
    "energy-electricity": "29亿kWh",
    "energy-steam": "110万GJ",
    "wastewater-load-ratio": "92%",
    "wastewater-kwh-per-m3": "0.9",
    "central-heating": "coal_chp",
    "steam-demand": "420",
    "hazardous-waste-generated": "3.8万t",
    "hazardous-waste-capacity": "25000",
    "pv-capacity": "12",
    "pv-potential": "85",
    "water-reuse-rate": "0.86",
    "coal-boilers": "3",
    "waste-heat-recovery": "35%",
    "symbiosis-links": "4",
}

# the same park's choices as the web pages send them (choice values, yes / no)
CHOSEN = {
    "park-level": "national",
    "park-key-air-region": "yes",
    "park-water-scarce": "no",
    "economy-indicator": "industrial_value_added",
    "economy-constant-prices": "yes",
    "management-plan": "no",
    "management-appraisal": "no",
    "management-smart-platform": "basic",
    "management-disclosure": "no",
    "wastewater-plant": "yes",
    "high-salt-wastewater": "yes",
}
