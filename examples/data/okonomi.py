"""Example submission of the finance department (template okonomi), pr. 31. mars 2024.

The seed prints thousands; the kroner amounts below round (half away from zero) to the
seed's figure in every line, subtotal and variance of the result table, the investment
table and the liquidity table. January and February actuals and the budget for April to
December are invented so that the year-to-date and annual sums hold.
"""

from __future__ import annotations

TEMPLATE = "okonomi"

# line: (March actual, March budget, YTD actual, YTD budget, annual budget), in kroner.
FINANCE = {
    "sla": (34185330, 35593169, 102147208, 106779204, 427285992),
    "project_income": (16538861, 14189362, 43176714, 42568111, 153981897),
    "rebilling": (44919630, 46341969, 135360602, 139026818, 556332110),
    "payroll": (41595725, 41771224, 123043771, 125922796, 472740927),
    "capitalized_payroll": (-2698584, -3348763, -10359271, -10046042, -40199938),
    "licenses": (19695690, 22034717, 61150051, 66105909, 274529956),
    "depreciation": (19904500, 19915636, 59683878, 59748377, 239088826),
    "lines": (2731353, 2470854, 8029056, 7412718, 29665262),
    "premises": (2784036, 3053651, 9365042, 9161725, 36660584),
    "consultants": (4452685, 4325185, 10945999, 12975499, 51920674),
    "other_costs": (6288095, 5446175, 16309499, 16336998, 55373209),
    "net_financial_items": (-1471820, -1484342, -4880156, -4452943, -17820296),
}
# How January's share of January+February varies by line (invented, plausible).
JANUARY_SHARE = (0.497, 0.503, 0.5, 0.499, 0.505, 0.497, 0.5, 0.501, 0.502, 0.494, 0.496, 0.501)
# The shape of the budget for April–December (July low, December high).
REST_OF_YEAR = (1.0, 1.0, 1.0, 1.0, 0.6, 1.0, 1.0, 1.0, 1.4)


def _split(total: int, weights: tuple[float, ...]) -> list[int]:
    parts = [int(total * w / sum(weights)) for w in weights]
    parts[-1] += total - sum(parts)
    return parts


def finance_result() -> dict[str, dict[tuple[str, int], int]]:
    rows: dict[str, dict[tuple[str, int], int]] = {}
    for (line, (mar_a, mar_b, ytd_a, ytd_b, annual)), share in zip(
        FINANCE.items(), JANUARY_SHARE, strict=True
    ):
        jan_a, feb_a = _split(ytd_a - mar_a, (share, 1 - share))
        jan_b, feb_b = _split(ytd_b - mar_b, (0.5, 0.5))
        later = _split(annual - ytd_b, REST_OF_YEAR)
        actual = [jan_a, feb_a, mar_a]
        budget = [jan_b, feb_b, mar_b, *later]
        cells = {("budget", m): v for m, v in enumerate(budget, start=1)}
        cells |= {("actual", m): v for m, v in enumerate(actual, start=1)}
        rows[line] = cells
    return rows


DATA = {
    "result": finance_result(),
    "fte": {
        "year_start": {"fte": 470.0},
        "m01": {"fte": 473.6},
        "m02": {"fte": 478.2},
        "m03": {"fte": 483.0},
    },
    "investments": {
        "project_capex": {"annual_budget": 146_000_000, "actual_ytd": 28_399_612},
        "project_opex": {"annual_budget": 59_000_000, "actual_ytd": 18_800_240},
        "operating_capex": {"annual_budget": 95_000_000, "actual_ytd": 15_400_118},
        "acquisitions": {"annual_budget": 222_000_000, "actual_ytd": 0},
    },
    "liquidity": {
        "opening_balance": {"amount": -306_489_612},
        "m01": {"amount": -31_204_118},
        "m02": {"amount": 12_480_335},
        "m03": {"amount": -47_626_418},
        "credit_limit": {"amount": 640_000_000},
    },
    "comments": [
        {
            "topic": "Inntekter",
            "lines": "SLA (tjenesteavtaler); Prosjekt/oppdrag/annet; Viderefakturering",
            "text": "Avviket på inntekter til drift og forvaltning (SLA) "
            "skyldes dels periodiseringseffekter. Viderefaktureringsinntektene må særlig ses i "
            "sammenheng med mindreforbruk på lisenser- og supportkostnader så langt i år.",
        },
        {
            "topic": "Kostnader",
            "lines": "Personalkostnader; - Aktiverte lønnsutg. Prosjekter",
            "text": "Det positive avviket på personalkostnader skyldes fast "
            "og variabel lønn, inkludert sosiale kostnader: +3,1 mill. kr, refusjoner: +0,3 mill. "
            "kr og annet: -0,5 mill. kr (herunder kurs, seminarer og velferdstiltak).",
        },
        {
            "topic": "Kostnader",
            "lines": "Lisenser, service og support; Konsulent; Linjeleie; Annet; Finansposter",
            "text": "Posten lisenser, service og support har mindreforbruk i "
            "forhold til budsjett så langt i år. Det samme gjelder konsulentkostnader, mens "
            "postene linjeleie (Norsk helsenett) og finans/renter viser et merforbruk pr. mars. "
            "De øvrige postene har mindre avvik.",
        },
        {
            "topic": "Oppsummert",
            "text": "Resultatet viser et positivt budsjettavvik pr. mars, og "
            "prognosen for årsresultatet er balanse (null). Det er imidlertid en del usikkerhet "
            "knyttet til prognosen. Økonomien følges opp tett, og det vil bli gjort en nærmere "
            "prognosegjennomgang løpet av april.",
        },
        {
            "topic": "Investeringer",
            "text": "Tabellen viser utgifter knyttet til vedtatte "
            "prosjekter i 2024 (både aktiverbare og ikke-aktiverbare utgifter). Videre vises "
            "ordinære driftsinvesteringer (reinvestering/utvidelser av IKT-infrastruktur).",
        },
        {
            "topic": "Investeringer",
            "text": "I tillegg kommer planlagte oppkjøp av "
            "anlegg/investeringer fra RHF/FRESK. Oppkjøp av anlegg vil normalt skje i desember.",
        },
        {"topic": "Likviditet", "text": "Likviditetssituasjonen er tilfredsstillende."},
    ],
}
