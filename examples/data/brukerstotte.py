"""Example submission of user support (template brukerstotte), pr. 31. mars 2024.

The seed prints the monthly contacts and three shares, September 2023–March 2024. The counts
below are invented so that every share the report computes (phone / contacts, answered within
60 seconds / phone, resolved in first line / contacts) rounds to the seed's whole percentage.
The commentary is the seed's own text.
"""

from __future__ import annotations

TEMPLATE = "brukerstotte"

# row key: (contacts, phone, answered within 60 s, resolved in first line)
COUNTS = {
    "p09": (10601, 5217, 3954, 7644),  # september 2023: 49 %, 76 %, 72 %
    "p10": (10398, 5076, 4019, 7477),  # oktober: 49 %, 79 %, 72 %
    "p11": (8883, 4561, 3816, 6056),  # november: 51 %, 84 %, 68 %
    "p12": (8416, 3512, 2924, 6469),  # desember: 42 %, 83 %, 77 %
    "m01": (12044, 5434, 4069, 8318),  # januar 2024: 45 %, 75 %, 69 %
    "m02": (10447, 5149, 3435, 7224),  # februar: 49 %, 67 %, 69 %
    "m03": (8490, 4742, 2947, 5852),  # mars: 56 %, 62 %, 69 %
}

# (topic, key figure the paragraph explains, text)
COMMENTS = [
    (
        "Vurdering",
        "",
        "Antall henvendelser til brukerstøtte er stabilt høyt og for perioden februar til mars "
        "skyldes henvendelsene automatisk varsel om uønsket epost, feil med mobilt kontor og "
        "utstyrfeil. Det er også en kjent gjentakende feil i forbindelse med oppretting av epost "
        "til nye brukere. Midlertidig gjøres det manuelle operasjoner for å håndtere feilen, men "
        "det arbeides med en varig løsning.",
    ),
    (
        "Vurdering",
        "Andel besvart innen 1. minutt",
        "I februar og mars 2024 har ikke brukerstøtte klart målsettingen om å besvare 70% av "
        "telefonsamtalene innen 60 sekund, og løsningsgraden i førstelinje er også noe lavere "
        "enn normalt. Dette skyldes primært høyt sykefravær og stort arbeidspress som følge av "
        "høy endringstakt.",
    ),
]

DATA = {
    "contacts": {
        row: dict(zip(("contacts", "phone", "answered_60s", "first_line"), values, strict=True))
        for row, values in COUNTS.items()
    },
    "comments": [
        {"topic": topic, "text": text} | ({"explains": explains} if explains else {})
        for topic, explains, text in COMMENTS
    ],
}
