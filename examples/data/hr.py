"""Example submission of the HR unit (template hr), pr. 31. mars 2024.

The AML-breach counts are the seed's table exactly (a month without breaches of a type is
entered as 0; the report shows it empty, as the seed does). The seed shows sick leave only
in figures, so the workdays below are invented, and chosen to agree with every statement
of the seed's text:
- total sick leave above 5 % in each of January–March 2024;
- short-term (self-certified + medically certified ≤ 16 days) slightly above 2.5 % in
  January, below it in February and March;
- long-term lower in January and February 2024 than in the same months of 2023, and higher
  in March than in February;
- self-certified low and stable; medically certified higher than wished, as in 2023.
"""

from __future__ import annotations

TEMPLATE = "hr"

# month: (agreed, self-certified, medically ≤ 16 days, medically > 16 days), in workdays.
THIS_YEAR = {
    1: (10152.4, 95.3, 179.6, 300.8),
    2: (9703.0, 88.1, 130.4, 284.9),
    3: (9318.6, 84.2, 128.5, 319.7),
}
LAST_YEAR = {
    1: (9896.2, 90.4, 170.3, 330.1),
    2: (9402.5, 85.2, 160.0, 319.6),
    3: (10298.7, 92.1, 150.2, 300.4),
    4: (8893.0, 80.3, 120.6, 290.2),
    5: (9204.8, 75.0, 115.4, 285.1),
    6: (9598.1, 70.2, 100.3, 270.5),
    7: (6201.5, 45.1, 60.4, 190.0),
    8: (9795.3, 80.6, 130.1, 260.2),
    9: (9902.0, 88.4, 150.3, 280.7),
    10: (10310.4, 95.2, 170.5, 300.3),
    11: (10004.6, 100.1, 190.2, 310.8),
    12: (8298.9, 85.3, 160.4, 270.6),
}
COLUMNS = ("agreed", "self_certified", "medically_short", "medically_long")

# The seed's AML table: type -> breaches in January, February, March 2024.
BREACHES = {
    "total_per_day": (9, 20, 23),
    "overtime_per_week": (9, 23, 27),
    "overtime_per_4_weeks": (2, 3, 6),
    "sundays_in_a_row": (4, 7, 13),
    "weekly_rest": (11, 13, 11),
    "total_per_week": (0, 1, 0),
}


def sick_leave() -> dict[str, dict[str, float]]:
    rows: dict[str, dict[str, float]] = {}
    for month in range(1, 13):
        cells = {
            f"{key}_prior": value for key, value in zip(COLUMNS, LAST_YEAR[month], strict=True)
        }
        if month in THIS_YEAR:
            cells |= dict(zip(COLUMNS, THIS_YEAR[month], strict=True))
        rows[f"m{month:02d}"] = cells
    return rows


# The chapter's first sentence in the seed ("HMS-systemet er vedlikeholdt …") is its lead
# paragraph, which comes from the management template (ledelse), not from here.
COMMENTS = [
    (
        "Sykefravær",
        "Sykefraværet i de tre første månedene i 2024 er over måltallet på 5%. Det arbeides "
        "kontinuerlig med oppfølging og det er iverksatt tiltak både på individ og "
        "organisasjonsnivå. Erfaring viser at ledelsesfokus og målrettet oppfølging på "
        "individnivå er avgjørende for å redusere eller nå mål på sykefravær. Samhandlingen "
        "mellom HR enheten, ledernivåene i Helse Nord IKT, bedriftshelse-tjenesten og NAV er "
        "god. Iverksatte tiltak vil følges opp fremover og nye tiltak vil vurderes iverksatt "
        "fortløpende.",
    ),
    (
        "Egen- og legemeldt",
        "Egenmeldt fravær ligger fortsatt stabilt på et lavt nivå i de første tre månedene i "
        "året. Legemeldt fravær er som i 2023, høyere enn ønsket og det jobbes kontinuerlig med "
        "tiltak.",
    ),
    (
        "Korttidsfravær",
        "I januar er korttidsfraværet litt høyere enn måltallet, noe som antas å ha en "
        "sammenheng med omløp av virus i samfunnet. For februar og mars ligger "
        "korttidsfraværet under måltallet.",
    ),
    (
        "Langtidsfravær",
        "Langtidsfraværet i januar og februar har vært noe lavere enn i 2023, for så å ha økt "
        "igjen i mars.",
    ),
    (
        "AML-brudd",
        "AML-bruddene i januar er i stort knyttet til beredskapshendelser og sykefravær. I "
        "februar og mars er AML-bruddene i stort tilknyttet utrykning/beredskap, alvorlige "
        "driftsforstyrrelser og oppgradering.",
    ),
]

DATA = {
    "sick_leave": sick_leave(),
    "breaches": {
        key: {("count", month): value for month, value in enumerate(counts, start=1)}
        for key, counts in BREACHES.items()
    },
    "comments": [
        {"topic": topic, "text": text}
        # The paragraph on sick leave above its target explains the key figure.
        | ({"explains": "Sykefravær totalt"} if topic == "Sykefravær" else {})
        for topic, text in COMMENTS
    ],
}
