"""Example submission of the project office (template prosjekt), pr. 31. mars 2024, and the
February submission it is compared with (examples/2024-02/prosjekt.xlsx).

The projects are those the reference report names, with statuses that agree with its text
(the seed shows the status figure only as an image): most projects green, RSMA and the new
hospitals held back by capacity, Sentral meldingstjener still too slow, two new projects (SKY
and RPA) since the last report. The nine red-zone risks and the chapter's commentary are the
seed's texts, copied exactly; their likelihood and impact are chosen so that the configured
risk matrix puts them in the red zone and sorting by score gives the seed's order. Seven
further risks lie outside the red zone and must not appear in the report's red-zone table.

The March file's locked "Forrige …" columns hold February's statuses, as
`vrapport templates 2024-03 --from examples/2024-02` pre-fills them.
"""

from __future__ import annotations

from typing import Any

from vrapport.period import Period

TEMPLATE = "prosjekt"

G, Y, R = "Grønn", "Gul", "Rød"
DIMENSIONS = ("status", "schedule", "cost", "resources", "quality")

# The risks of the seed's table «Risikoen fra prosjektene rapportert i rød sone», in its
# order: (project, description, mitigation), exactly as printed.
SEED_RED_ZONE = [
    (
        "Regional applikasjonsforvaltning",
        (
            "Risiko for at det kan være utfordrende å få på plass de aktuelle ressurser og dermed "
            "den fremgangen som ønskes"
        ),
        "Tett dialog med ressurseiere hos foretaksgruppen",
    ),
    (
        "Regional applikasjonsforvaltning",
        (
            "OU-omstilling i H IKT, samt uklare ansvarsforhold og organisering av "
            "tjenesteforvaltningen"
        ),
        (
            "Involvere sentrale ressurser som kan bidra til avklaring av tjeneste og "
            "applikasjonsansvar"
        ),
    ),
    (
        "Nye UNN og Hammerfest sykehus",
        (
            "Det kommer mange leveranser til sykehusene i april, og mesteparten må klargjøres "
            "allerede i mars, slik at vi ikke blir forsinket når leverandørene kommer for å sette "
            "opp utstyret. Nettverk har flagget at de ikke har kapasitet til å ta unna alle "
            "oppdragene."
        ),
        (
            "Løsningsdesignere, utførende og nettverk må jobbe tett sammen. Vi kan ikke basere oss "
            "på bestillinger, vi har ikke tid til misforståelser."
        ),
    ),
    (
        "Nye UNN og Hammerfest sykehus",
        (
            "Ny og uprøvd sonemodell og design på nettverk. Det er stor usikkerhet rundt hvor mye "
            "ekstra arbeid dette vil medføre frem til modell og arbeidsmetodikk er godt kjent både "
            "i fagteamene og hos nettverk selv. Selve sonemodellen er ferdig, men nettverket "
            "fungerer fortsatt ikke på de to nye sykehusene. PCer etc. får ikke nett. Så det "
            "gjenstår noe arbeid med å ferdigstille nettverket."
        ),
        (
            "God informasjon, sjekklister, og tett samarbeid mellom utførende i fagteamene og "
            "nettverk. Her er vi også avhengige av at Assetprosjektet leverer god dokumentasjon på "
            "hvordan Asset-portalen skal brukes og at den testes grundig før de store leveranse i "
            "april."
        ),
    ),
    (
        "Nye UNN og Hammerfest sykehus",
        "Prosjektet vil ha store behov for ressurser i fra HNIKT.",
        (
            "Kartlegge behovet for ressurser, lage oversikt for når det er behov for de ulike "
            "ressursene og være tidlig ute med ressursforespørslene. Jobbe tett sammen med "
            "fagteamene for å få prioritering på byggesakene."
        ),
    ),
    (
        "Sikker IKT-plattform for Kunstig Intelligens og Helseforskning i Helse Nord - SIKTH",
        "Manglende finansiering/uavklart finansieringsmodell mtp inntekter",
        (
            "Endringer ut over budsjettforslag må enten gis som tilleggsfinansiering til "
            "prosjektet, eller delfinansieres av tilvalgene."
        ),
    ),
    (
        "Sikker IKT-plattform for Kunstig Intelligens og Helseforskning i Helse Nord - SIKTH",
        "Prosjektene behov tar lengre tid enn ventet, og forsinket fremdriften.",
        (
            "Skaffe oversikt over behovene, samt identifisere og gjennomføre tiltak for å "
            "forhindre forsinkelser."
        ),
    ),
    (
        "Helhetlig informasjonssikkerhet 2 – RSMA",
        "Prosjektet blir forsinket på grunn av manglende intern ressurstilgang og kompetanse",
        (
            "Ressurssituasjonen følges tett i ukemøter. Løpende vurdering av situasjonen og "
            "håndtering av aktivitetene. Ressurstilgang følges opp med seksjonsledere."
        ),
    ),
    (
        "Helhetlig informasjonssikkerhet 2 – RSMA",
        (
            "Prosjektet blir forsinket på grunn av manglende leveranser i interne og eksterne "
            "avhengigheter"
        ),
        "Prosjektet følger opp",
    ),
]

COMMENTS = [
    (
        "Etter første kvartal er statusen i prosjektporteføljen tilfredsstillende. Sammenstilte "
        "prognosetall og rapportering viser imidlertid at aktivitetsnivået og framdriften har vært "
        "noe lavere enn ønsket for en del prosjekter. Det er primært to årsaker til dette; flere "
        "beredskapshendelser har vedvart gjennom vinteren og lagt beslag på ressurser som normalt "
        "er allokert til prosjekter. I tillegg er de to nye sykehusene nært ferdigstillelse og har "
        "høy prioritet. Dette har spesielt vært synlig i kapasiteten på nettverksområdet som har "
        "vært vedvarende presset i flere måneder. Kapasitetsutfordringene har medført redusert "
        "fremdrift i andre prosjekter, men eksternt personell har blitt innleid for å avhjelpe "
        "situasjonen."
    ),
    (
        "I programmet Helhetlig informasjonssikkerhet (HIS2) planlegger de fleste prosjektene å "
        "ferdigstille sine leveranser til sommeren. Fokuset for de kommende månedene er derfor å "
        "sikre en god overlevering til linjeorganisasjonen og sette dem i stand til å forvalte "
        "løsningene som er innført. Selv om programmet sannsynligvis vil avvikles i løpet av 2024 "
        "vil behovet for kontinuerlig investeringer i informasjonssikkerhet vedvare. Programmet "
        "vil i samarbeid med linjeledelse på sikkerhet jobbe med å sikre at framtidige "
        "investeringer på området prioriteres ut fra riktige kriterier, og følges opp på en "
        "tilfredsstillende måte. Det eneste prosjektet i programmet som vil ha varighet utover "
        "2024 er Innføring av regional tilgangsstyring (IAM2). Her vil grunnfunksjonaliteten "
        "ruller ut til de kliniske helseforetakene i løpet av året, for så å koble opp løsningen "
        "mot ulike fagsystemer."
    ),
    (
        "Prosjektet Regional sikkerhetsmonitoring og analyse (RSMA) rapporterer utfordringer med å "
        "få tilgang på teknisk personell for utvidelse av logganalyseverktøy. Dette er en direkte "
        "konsekvens av beredskapshendelsene i første kvartal og forventes å løses i løpet av "
        "våren."
    ),
    (
        "Prosjektene i MoDI-programmet har i hovedsak framdrift i tråd med planer. I Framtidig "
        "arbeidsflate pågår utrulling av VDI-plattformen i alle helseforetak. Deler av "
        "beredskapshendelsene i vinter vært relatert til stabilitet i nettverket på ulike "
        "lokasjoner, og VDI-arbeidsflaten er et av områdene dette merkes godt for brukerne. Når "
        "arbeidsflaten kjører i datasentrene og streames til brukeren på sykehuset, fører treghet "
        "og ustabilitet i nettverket til en dårlig brukeropplevelse. Driftslinjen har jobbet "
        "målrettet de siste ukene for å bedre dette og målinger for pålogging er nå opprettet for "
        "de fleste lokasjoner. Flere tekniske tiltak er iverksatt som følge av dette og arbeidet "
        "vil fortsette til brukeropplevelsen og stabiliteten er tilfredsstillende."
    ),
    (
        "I prosjektet Digital plattform telekom er migreringen av UNN Narvik gjennomført og "
        "utrullingsstrategi for Harstad og Tromsø utarbeides sammen med kunden. En plan forventes "
        "ferdigstilt i løpet av april måned. For NLSH er framdriften dessverre lavere enn ønsket "
        "og aktiviteten er fortsatt på kartleggingsstadiet. Dette skyldes primært en stor "
        "kompleksitet i eksisterende telefoniløsninger med mange integrasjoner til ulike "
        "fagsystemer. Hastigheten i arbeidet er fortsatt helt avhengig av kundens innsats og "
        "prioritering. Prosjektet mottar jevnlig henvendelser fra brukere som ønsker å i bruk de "
        "nye løsningene. Framdriften på Sentral meldingstjener er fortsatt for lav og det "
        "feilsøkes nå i teknisk oppsett sammen med leverandør. Også her er den kapasitet på "
        "interne nettverksressurser en utfordring."
    ),
    (
        "For Innføring av Microsoft 365 er fokuset nå på utrulling for Finnmarkssykehuset. "
        "Administrative brukere migreres i midten av april og de kliniske brukerne følger så i tre "
        "puljer basert på lokasjon. Alle brukere skal være flyttet innen første uke i mai. Neste i "
        "rekka er Helgelandssykehuset som er planlagt migrert før sommeren. Helse Nord IKT har "
        "mottatt mange henvendelser fra ulike miljøer på bruk av ny funksjonalitet i "
        "M365-plattformen, spesielt på KI-området og tjenesten Copilot. For å koordinere dette "
        "arbeidet opprettes nå en aktivitet i prosjektet som skal utrede bruk av teknologien og "
        "gjennomføre pilotering på utvalgte områder."
    ),
    (
        "I prosjektet iFront piloteres nå ny metodikk og prosess for bytte av nettverksutstyr på "
        "Helgelandssykehuset. På sykehuset i Sandnessjøen er arbeidet godt i gang og de første "
        "svitsjene er installert. Detaljert planlegging for Mosjøen og Mo i Rana pågår. Prosjektet "
        "har også gjennomført markedsdialog med leverandører som forberedelse til mulig "
        "anskaffelse av en partner på nettverksområdet for bytte av fysisk utstyr."
    ),
    (
        "I prosjektet Nye UNN Narvik og Nye Hammerfest sykehus er aktivitetsnivået meget høyt. "
        "Helse Nord IKT ønsker å innplassere utstyr i de nye sykehusene i tråd med prosesser og "
        "retningslinjer fra HIS-programmet for å unngå å bygge teknisk gjeld. Dette innebærer ny "
        "sonemodell og livssyklusforvaltning av utstyr. Teknisk løsningsdesign må derfor gjøres på "
        "nye måter og dette har tatt lengre tid enn først antatt. Prosjektet er nå på kritisk "
        "linje for innplassering av de første leveransene av medisinteknisk utstyr i april måned. "
        "Valget om å sette opp de nye sykehusene etter ny modell vurderes likevel som riktig i et "
        "langsiktig perspektiv og kundene har vært enige i valget om å gjøre ting «rett» fra dag "
        "1."
    ),
    (
        "Siden forrige rapportering har to nye prosjekter blitt etablert i tråd med beslutning i "
        "porteføljestyret i desember. Prosjektet Allmenn skyplattform for Helse Nord (døpt SKY i "
        "figur 1) har i oppdrag å starte på realiseringen av Helse Nord's skystrategi som ble "
        "vedtatt i desember. Arbeidet starter med en konseptfase som primært skal utrede hvordan "
        "Helse Nord IKT skal bygge opp kompetanse på bruk av skytjenester. Endringen til bruk av "
        "skytjenester vil få stor påvirkning på hvilken kompetanse Helse Nord IKT skal bygge over "
        "de kommende årene, og alle referansebesøk peker på dette som det viktigste området å "
        "fokusere på i starten av skyreisen."
    ),
    (
        "Det andre prosjektet er på RPA-området (robotic process automation) der konseptfasen skal "
        "utrede hvordan bruken av RPA best kan regionaliseres i Helse Nord slik at løsningene kan "
        "benyttes på tvers av foretaksgruppen."
    ),
    (
        "Helse Nord IKT bidrar også med ressursutleie til et titalls regionale IKT-prosjekter eid "
        "av Helse Nord RHF."
    ),
]

# name: (program, phase, (status, schedule, cost, resources, quality) in March, comment)
PROJECTS = {
    "Innføring av regional tilgangsstyring (IAM2)": (
        "HIS2",
        "Gjennomføring",
        (G, G, G, Y, G),
        "Grunnfunksjonaliteten rulles ut til de kliniske helseforetakene i løpet av året.",
    ),
    "Helhetlig informasjonssikkerhet 2 – RSMA": (
        "HIS2",
        "Gjennomføring",
        (Y, Y, G, R, G),
        "Mangler teknisk personell til utvidelse av logganalyseverktøy etter beredskapshendelsene.",
    ),
    "Framtidig arbeidsflate": (
        "MoDI",
        "Gjennomføring",
        (G, G, G, G, Y),
        "VDI rulles ut i alle helseforetak; ustabilt nettverk svekker brukeropplevelsen.",
    ),
    "Digital plattform telekom": (
        "MoDI",
        "Gjennomføring",
        (Y, Y, G, Y, G),
        "UNN Narvik er migrert. Lav framdrift for NLSH, avhengig av kundens innsats.",
    ),
    "Sentral meldingstjener": (
        "MoDI",
        "Gjennomføring",
        (Y, R, G, Y, Y),
        "Framdriften er fortsatt for lav; teknisk oppsett feilsøkes med leverandør.",
    ),
    "Innføring av Microsoft 365": (
        "MoDI",
        "Gjennomføring",
        (G, G, G, G, G),
        "Finnmarkssykehuset migreres april–mai; Helgelandssykehuset før sommeren.",
    ),
    "iFront": (
        "MoDI",
        "Gjennomføring",
        (G, G, G, Y, G),
        "Ny metodikk for bytte av nettverksutstyr piloteres på Helgelandssykehuset.",
    ),
    "Nye UNN og Hammerfest sykehus": (
        None,
        "Gjennomføring",
        (Y, R, G, R, Y),
        "På kritisk linje for innplassering av medisinteknisk utstyr i april.",
    ),
    "Regional applikasjonsforvaltning": (
        None,
        "Planlegging",
        (G, G, G, Y, G),
        "Røde risikoer på ressurser og ansvarsforhold følges tett; samlet status god.",
    ),
    "Sikker IKT-plattform for Kunstig Intelligens og Helseforskning i Helse Nord - SIKTH": (
        None,
        "Planlegging",
        (Y, Y, R, G, G),
        "Finansieringsmodellen er ikke avklart.",
    ),
    "Allmenn skyplattform (SKY)": (
        None,
        "Konsept",
        (G, G, G, G, G),
        "Konseptfase: hvordan Helse Nord IKT bygger kompetanse på skytjenester.",
    ),
    "RPA": (
        None,
        "Konsept",
        (G, G, G, G, G),
        "Konseptfase: regional bruk av RPA på tvers av foretaksgruppen.",
    ),
}

# February's status of the projects that existed then (SKY and RPA were established after
# it). Compared with March: Microsoft 365 improved (Gul → Grønn), RSMA worsened (Grønn → Gul),
# the rest unchanged overall; some dimensions moved.
FEBRUARY = {
    "Innføring av regional tilgangsstyring (IAM2)": (G, G, G, Y, G),
    "Helhetlig informasjonssikkerhet 2 – RSMA": (G, G, G, Y, G),
    "Framtidig arbeidsflate": (G, G, G, G, G),
    "Digital plattform telekom": (Y, Y, G, Y, G),
    "Sentral meldingstjener": (Y, R, G, Y, G),
    "Innføring av Microsoft 365": (Y, Y, G, Y, G),
    "iFront": (G, G, G, G, G),
    "Nye UNN og Hammerfest sykehus": (Y, Y, G, Y, Y),
    "Regional applikasjonsforvaltning": (G, G, G, Y, G),
    "Sikker IKT-plattform for Kunstig Intelligens og Helseforskning i Helse Nord - SIKTH": (
        Y,
        G,
        R,
        G,
        G,
    ),
}

# Risks outside the red zone (likelihood, impact not red in report.yaml's risk matrix).
OTHER_RISKS = {
    "iam2": (
        "Innføring av regional tilgangsstyring (IAM2)",
        "Oppkobling mot fagsystemer kan ta lengre tid enn planlagt fordi leverandørene må "
        "gjøre tilpasninger.",
        "Tidlig dialog med systemeiere og leverandører; oppkoblingene prioriteres etter antall "
        "brukere.",
        3,
        3,
    ),
    "meldingstjener": (
        "Sentral meldingstjener",
        "Feil i teknisk oppsett hos leverandør kan gi ytterligere forsinkelse.",
        "Felles feilsøking med leverandør og ukentlig statusmøte.",
        5,
        2,
    ),
    "telekom": (
        "Digital plattform telekom",
        "Kompleksiteten i eksisterende telefoniløsninger i NLSH kan gi lavere framdrift enn "
        "planlagt.",
        "Kartleggingen fullføres sammen med kunden før utrullingsplanen fastsettes.",
        4,
        2,
    ),
    "m365": (
        "Innføring av Microsoft 365",
        "Migrering av kliniske brukere i Finnmarkssykehuset kan gi driftsforstyrrelser i "
        "overgangen.",
        "Migrering i tre puljer etter lokasjon, med ekstra brukerstøtte på stedet.",
        2,
        4,
    ),
    "arbeidsflate": (
        "Framtidig arbeidsflate",
        "Ustabilt nettverk på enkelte lokasjoner gir dårlig brukeropplevelse i VDI-arbeidsflaten.",
        "Målinger for pålogging er opprettet; tekniske tiltak følges opp av driftslinjen.",
        3,
        3,
    ),
    "sky": (
        "Allmenn skyplattform (SKY)",
        "Manglende kompetanse på skytjenester kan forsinke konseptfasen.",
        "Kompetanseplan og referansebesøk i konseptfasen.",
        2,
        3,
    ),
    "ifront": (
        "iFront",
        "Leverandørmarkedet kan mangle kapasitet til bytte av fysisk nettverksutstyr.",
        "Markedsdialog er gjennomført; anskaffelse av en partner vurderes.",
        1,
        5,
    ),
}

# (likelihood, impact) of the seed's red-zone risks, by their place in SEED_RED_ZONE. Sorted
# by score, highest first and ties in sheet order, they come out in the seed's order.
RED_SCORES = [(5, 5), (4, 5), (5, 4), (4, 4), (4, 4), (3, 5), (5, 3), (4, 3), (2, 5)]

# The order the project office listed the risks in: not the report's order.
SHEET_ORDER: list[int | str] = [
    8, "iam2", 5, 1, "meldingstjener", 3, "telekom", 7, 2, "m365", 6, 0, "arbeidsflate", 4,
    "sky", "ifront",
]  # fmt: skip


def _risk(project: str, description: str, mitigation: str, likelihood: int, impact: int):
    return {
        "project": project,
        "description": description,
        "likelihood": likelihood,
        "impact": impact,
        "mitigation": mitigation,
    }


def risks() -> list[dict[str, Any]]:
    rows = []
    for item in SHEET_ORDER:
        if isinstance(item, int):
            rows.append(_risk(*SEED_RED_ZONE[item], *RED_SCORES[item]))
        else:
            rows.append(_risk(*OTHER_RISKS[item]))
    return rows


def projects(previous: dict[str, tuple[str, ...]] | None) -> list[dict[str, Any]]:
    """The Prosjekter rows: February's projects first (as pre-filled), then the new ones."""
    rows = []
    for name, (program, phase, statuses, comment) in PROJECTS.items():
        row: dict[str, Any] = {"project": name, "program": program, "phase": phase}
        row |= dict(zip(DIMENSIONS, statuses, strict=True)) | {"comment": comment}
        if previous is not None and name in previous:
            row |= {f"previous_{d}": s for d, s in zip(DIMENSIONS, previous[name], strict=True)}
        rows.append(row)
    return rows


def february() -> dict[str, Any]:
    rows = []
    for name, statuses in FEBRUARY.items():
        program, phase, _, _ = PROJECTS[name]
        row: dict[str, Any] = {"project": name, "program": program, "phase": phase}
        rows.append(row | dict(zip(DIMENSIONS, statuses, strict=True)))
    return {
        "projects": rows,
        "risks": [r for r in risks() if r["project"] in FEBRUARY][:6],
        "comments": [{"text": "Statusen i prosjektporteføljen er samlet sett tilfredsstillende."}],
    }


DATA = {
    "projects": projects(FEBRUARY),
    "risks": risks(),
    "comments": [{"text": text} for text in COMMENTS],
}

# The previous period's submission, so the report's trend arrows have something to compare.
EXTRA_FILES = [(TEMPLATE, Period(2024, 2), february(), "2024-02/prosjekt.xlsx")]
