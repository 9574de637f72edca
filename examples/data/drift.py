"""Example submission of operations (template drift), pr. 31. mars 2024.

Faults and incidents and changes per month, July 2023–March 2024, are the seed's figures.
The preparedness log has the seed's events per month and level (green: July, August,
January, February ×2, March; yellow: October, January, February). The descriptions of the
February and March events are taken from the seed's text; the others are invented.
"""

from __future__ import annotations

import datetime as dt

TEMPLATE = "drift"

# row key: (registered faults and incidents, changes)
MONTHS = {
    "p07": (440, 156),
    "p08": (667, 239),
    "p09": (827, 300),
    "p10": (1029, 336),
    "p11": (974, 406),
    "p12": (853, 234),
    "m01": (1066, 332),
    "m02": (863, 343),
    "m03": (648, 309),
}

PREPAREDNESS = [
    (
        dt.date(2023, 7, 11),
        "Grønn",
        "Strømbrudd i et av datasentrene ga kortvarig utfall av enkelte fagsystemer.",
    ),
    (dt.date(2023, 8, 22), "Grønn", "Feil på lagringsplattformen ga treghet i kliniske systemer."),
    (
        dt.date(2023, 10, 5),
        "Gul",
        "Brudd i nettverket mellom datasentrene påvirket flere helseforetak.",
    ),
    (dt.date(2024, 1, 9), "Grønn", "Utfall av e-post og Teams for deler av regionen."),
    (
        dt.date(2024, 1, 24),
        "Gul",
        "Treghet i elektronisk kurve- og medikasjonsløsning etter oppgradering.",
    ),
    (dt.date(2024, 2, 1), "Gul", "Stamnetthendelse forårsaket av uværet Ingunn."),
    (dt.date(2024, 2, 13), "Grønn", "Utfordringer i VDI-løsningen."),
    (dt.date(2024, 2, 27), "Grønn", "Treghet og ustabilt nettverk."),
    (
        dt.date(2024, 3, 19),
        "Grønn",
        "En oppdatering førte til feilmelding i dokumentliste og flere følgefeil.",
    ),
]

COMMENTS = [
    (
        "Vurdering",
        "I februar var beredskapshendelsene knyttet til utfordringer i VDI-løsningen, treghet "
        "og ustabil nettværk, og en stamnetthendelse forårsaket av uværet Ingunn. I mars var "
        "det en oppdatering som førte til feilmelding i dokumentliste og oppdateringen førte "
        "til flere følgefeil. Beredskapshendelsene ble håndtert i tråd med våre "
        "beredskapsrutiner.",
    ),
    (
        "Vurdering",
        "Antall oppdateringer er på nivå med 2023. Noe økende tendens til uforutsette "
        "forstyrrelser i mars ved planlagt arbeid, men vi kommer likevel ut av første kvartal "
        "2024 med en høy suksessrate og fortsetter dermed den gode trenden fra 2023.",
    ),
]

DATA = {
    "operations": {
        row: {"incidents": incidents, "changes": changes}
        for row, (incidents, changes) in MONTHS.items()
    },
    "preparedness": [
        {"date": date, "level": level, "description": text} for date, level, text in PREPAREDNESS
    ],
    "comments": [{"topic": topic, "text": text} for topic, text in COMMENTS],
}
