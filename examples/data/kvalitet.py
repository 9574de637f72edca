"""Example submission of the quality unit (template kvalitet), pr. 31. mars 2024.

The counts of open deviation reports are the seed's table exactly: ten counting dates from
1. april 2023 to 1. april 2024 (the seed has no counts for 1 May, 1 June and 1 July 2023).
The seed does not split the counts by where the reports await handling, so neither does
the example. One older count, before the report's window, shows that a running log may
keep its history.
"""

from __future__ import annotations

import datetime as dt

TEMPLATE = "kvalitet"

COUNTS = {
    dt.datetime(2023, 3, 1): 176,
    dt.datetime(2023, 4, 1): 183,
    dt.datetime(2023, 8, 1): 211,
    dt.datetime(2023, 9, 1): 257,
    dt.datetime(2023, 10, 1): 181,
    dt.datetime(2023, 11, 1): 227,
    dt.datetime(2023, 12, 1): 215,
    dt.datetime(2024, 1, 1): 223,
    dt.datetime(2024, 2, 1): 252,
    dt.datetime(2024, 3, 1): 234,
    dt.datetime(2024, 4, 1): 258,
}

DATA = {
    "open_deviations": [{"date": day, "open": count} for day, count in COUNTS.items()],
    "comments": [
        {
            "text": "Tabellen nedenfor viser antall åpne avvik hvor hendelsessted er Helse Nord "
            "IKT. Antallet her omfatter både avvik som avventer behandling i Helse Nord IKT og "
            "i helseforetakene."
        }
    ],
}
