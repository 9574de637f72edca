"""Example submission of management (template ledelse), pr. 31. mars 2024: the CEO's
assessment as the seed prints it, and the lead paragraphs of chapters 3 and 5."""

from __future__ import annotations

TEMPLATE = "ledelse"

DATA = {
    "assessment": [
        {
            "text": "Helse Nord IKT er inne i en hektisk periode; hvor utrulling av Microsoft 365 "
            "og regional telefoniløsning, utrulling av elektronisk kurve- og medikasjonsløsning "
            "og virtuell desktop, utrulling av kapabiliteter innen sikkerhet og ferdigstilling av "
            "to nye sykehus legger beslag på store deler av organisasjonen. Den høye "
            "endringstakten har medført flere hendelser og selv om disse er håndtert har de hatt "
            "konsekvenser for tilgjengelighet på systemene og ressursallokering i Helse Nord IKT"
        },
        {
            "text": "Status for virksomheten er samlet sett tilfredsstillende. Leveransen på "
            "brukerstøtte har i mars vært lavere enn måltall, noe som skyldes høyt arbeidstrykk "
            "kombinert med høyt sykefravær. Kapasiteten til å levere nye tjenester har etter "
            "nyåret vært prioritert til å levere til de nye sykehusene i Hammerfest og Narvik og "
            "det forventes en økning i leveransene gjennom ferdigstillelse av disse. "
            "Sykefraværet er noe høyere enn målsettingen på 5%, og antall AML-brudd er økende."
        },
        {
            "text": "Regnskapet pr. mars viser et positivt budsjettavvik på 1,3 mill. kr. "
            "Prognostisert årsresultatet er balanse, men det noe høyere usikkerhet knyttet til "
            "prognosen enn normalt."
        },
        {
            "text": "Statusen i prosjektporteføljen er tilfredsstillende, men kapasiteten til "
            "gjennomføring er imidlertid vedvarende utfordret. Spesielt arbeidet relatert til de "
            "to nye sykehusene opptar mye kapasitet nå som de nærmer seg ferdigstillelse. Streng "
            "prioritering og god oppfølging og styring av ressursene i virksomheten har derfor "
            "høy prioritet."
        },
    ],
    "leads": {
        "tjenester": {
            "text": "Nedenfor gjengis noen nøkkeltall for tjenesteleveransene i Helse Nord IKT."
        },
        "hr": {"text": "HMS-systemet er vedlikeholdt i henhold til gjeldende regelverk."},
    },
}
