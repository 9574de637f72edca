"""The names of the sheets every report has besides its chapters, in a module light enough
for the spec check (vrapport.contract refuses a chapter sheet of the same name)."""

from __future__ import annotations

FRONT_SHEET = "Forside"
SOURCES_SHEET = "Kilder"
RESTATEMENTS_SHEET = "Endringer"
REPORT_SHEETS = (FRONT_SHEET, SOURCES_SHEET, RESTATEMENTS_SHEET)
