"""Example submission of new services (template nye_tjenester), pr. 31. mars 2024.

The register of delivered orders has, per category, the seed's counts: hittil i år
(January–March 2024), samme tidsperiode i fjor (January–March 2023) and totaler i fjor (2023).
Titles, customers and delivery dates are invented. The hours per month add up to the seed's
key figures: order hours 1 840 / 2 108 / 7 407 and new-hospital hours 2 537 / 286 / 1 149.
The commentary is the seed's own text.
"""

from __future__ import annotations

import datetime as dt

TEMPLATE = "nye_tjenester"

CATEGORIES = (
    "Tjenesteleveranse",
    "Anskaffelser og rådgivning",
    "Frittstående programvare",
    "Nettverk",
)
# Delivered orders per category (in CATEGORIES' order) in each span of months.
SPANS = (
    ((2023, range(1, 4)), (7, 6, 2, 23)),
    ((2023, range(4, 13)), (43, 24, 7, 22)),
    ((2024, range(1, 4)), (3, 7, 1, 2)),
)
TITLES = {
    "Tjenesteleveranse": (
        "Virtuell server for fagsystem",
        "Utvidet lagringskapasitet",
        "Møteromsløsning med videokonferanse",
        "Fjernarbeidsplass for innleid personell",
        "Integrasjon mot laboratoriesystem",
        "Ny tjeneste for sikker filoverføring",
        "Etablering av databaseinstans",
        "Utvidelse av skrivertjeneste",
    ),
    "Anskaffelser og rådgivning": (
        "Rådgivning ved anskaffelse av fagsystem",
        "Behovsanalyse for digital hjemmeoppfølging",
        "Kravspesifikasjon for medisinteknisk integrasjon",
        "Bistand i konkurranse om talegjenkjenning",
        "Arkitekturvurdering av pasientportal",
    ),
    "Frittstående programvare": (
        "Installasjon av statistikkprogram",
        "Pakketering av tegneprogram",
        "Distribusjon av dikteringsprogram",
    ),
    "Nettverk": (
        "Trådløst nett i nytt bygg",
        "Nettverksuttak til medisinteknisk utstyr",
        "Flytting av nettverkspunkter",
        "Ny fiberforbindelse til lokalsykehus",
        "Utvidelse av gjestenett",
        "Segmentering av nett for byggautomasjon",
    ),
}
CUSTOMERS = (
    "Universitetssykehuset Nord-Norge",
    "Nordlandssykehuset",
    "Helgelandssykehuset",
    "Finnmarkssykehuset",
    "Helse Nord RHF",
    "Sykehusapotek Nord",
)

# row key: (order hours, new-hospital hours)
HOURS = {
    "p01": (652, 82),
    "p02": (701, 96),
    "p03": (755, 108),
    "p04": (640, 70),
    "p05": (702, 64),
    "p06": (598, 58),
    "p07": (245, 12),
    "p08": (560, 66),
    "p09": (690, 98),
    "p10": (702, 121),
    "p11": (668, 172),
    "p12": (494, 202),
    "m01": (598, 781),
    "m02": (617, 842),
    "m03": (625, 914),
}

COMMENTS = [
    (
        "Innledning",
        "Nye tjenester er prosessen i Helse Nord IKT hvor helseforetakene henvender seg med "
        "forespørsler om leveranse av nye tjenester og oppdrag som ikke inngår i løpende "
        "SLA-drift.",
    ),
    ("Innledning", "I tabellen inngår tjenesteleveranser, rådgivning og nettverksleveranser."),
    (
        "Vurdering",
        "Status nye tjenester er påvirket av at kapasiteten er prioritert til leveranser knyttet "
        "til nye sykehus i Hammerfest og Narvik. Mange av disse leveransene ligger nå til "
        "løsningsdesign og vil bli levert fortløpende frem mot sommeren.",
    ),
]


def orders() -> list[dict[str, object]]:
    """The register, in delivery order, with ids numbered per year."""
    rows: list[tuple[dt.date, str, str, str]] = []
    serial = 0
    for (year, months), counts in SPANS:
        for category, count in zip(CATEGORIES, counts, strict=True):
            titles = TITLES[category]
            for k in range(count):
                serial += 1
                month = months[k * len(months) // count]
                day = 2 + (k * 7 + len(category)) % 26
                customer = CUSTOMERS[serial % len(CUSTOMERS)]
                rows.append(
                    (dt.date(year, month, day), category, titles[k % len(titles)], customer)
                )
    rows.sort()
    numbered = []
    for year in sorted({date.year for date, *_ in rows}):
        of_year = [r for r in rows if r[0].year == year]
        for n, (date, category, title, customer) in enumerate(of_year, start=1):
            numbered.append(
                {
                    "id": f"NT-{year}-{n:03d}",
                    "title": title,
                    "category": category,
                    "delivered": date,
                    "customer": customer,
                }
            )
    return numbered


DATA = {
    "orders": orders(),
    "hours": {
        row: {"order_hours": order, "new_hospital_hours": hospital}
        for row, (order, hospital) in HOURS.items()
    },
    "comments": [{"topic": topic, "text": text} for topic, text in COMMENTS],
}
