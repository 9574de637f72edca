"""The contract between the specs (schemas/*.yaml) and the code, checked when the specs load,
before any template is written or any file read.

The code declares what it shares with the YAML once: each named check registers itself
(`@check`), each section declares the templates it reads by role, the sheets, columns, rows
and comment topics it reads of each, the facts it reports, and the targets, report.yaml
blocks and catalogues it needs (`@section`). Here every name the YAML uses is looked up in
those declarations and every name the code uses in the YAML. A violation is a SpecError of
one Norwegian line: the YAML file, the key path, what is wrong and what would be valid.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection, Iterable, Mapping

from vrapport.spec import (
    REPORT_FILE,
    Chapter,
    SheetSpec,
    SpecError,
    Specs,
    TemplateSpec,
    chapter_row_label,
)

CHAPTERS = "report.chapters"


def _known(names: Iterable[str]) -> str:
    listed = sorted(set(names))
    return ", ".join(listed) if listed else "(ingen)"


def _fail(file: str, path: str, text: str) -> SpecError:
    return SpecError(f"{file} › {path}: {text}")


def _file(template: TemplateSpec) -> str:
    return template.path.name if template.path else f"{template.id}.yaml"


def _check_names(specs: Specs, known: Collection[str]) -> None:
    from vrapport.checks import READS

    for template in specs.templates.values():
        file = _file(template)
        sheets = {s.key: s for s in template.sheets}
        listed: list[tuple[str, str, SheetSpec | None]]
        listed = [("checks", name, None) for name in template.checks]
        listed += [
            (f"sheets.{s.key}.checks", name, s) for s in template.sheets for name in s.checks
        ]
        for path, name, lister in listed:
            if name not in known:
                raise _fail(file, path, f"«{name}» finnes ikke; kjente: {_known(known)}")
            reads = READS[name]
            reader = f"kontrollen «{name}» leser"
            for sheet_key, columns in reads.sheets.items():
                if sheet_key not in sheets:
                    raise _fail(
                        file,
                        "sheets",
                        f"arket «{sheet_key}» mangler; {reader} det; kjente: {_known(sheets)}",
                    )
                _columns_exist(file, sheets[sheet_key], columns, reader)
            if lister is not None:
                _columns_exist(file, lister, reads.columns, reader)


# How a column is read, by the types a section allows it (vrapport.consolidate.base).
AS_WHAT: dict[tuple[str, ...], str] = {
    ("integer",): "et antall",
    ("date",): "en dato",
    ("choice",): "et valg fra en liste",
}


def _columns_exist(
    file: str,
    sheet: SheetSpec,
    columns: Iterable[str],
    reader: str,
    types: Mapping[str, tuple[str, ...]] | None = None,
) -> None:
    """The columns exist on the sheet and, where `types` names a column's types (a column
    read as a number), the spec gives it one of them."""
    have = {c.key: c for c in sheet.columns}
    for key in columns:
        if key not in have:
            raise _fail(
                file,
                f"sheets.{sheet.key}.columns",
                f"«{key}» mangler; {reader} den; kjente: {_known(have)}",
            )
        wanted = (types or {}).get(key)
        if wanted and have[key].type not in wanted:
            as_what = AS_WHAT.get(tuple(wanted), "et tall")
            raise _fail(
                file,
                f"sheets.{sheet.key}.columns.{key}.type",
                f"«{have[key].type}» passer ikke; {reader} kolonnen som {as_what}; "
                f"gyldige: {', '.join(wanted)}",
            )


def _placeholders(specs: Specs) -> None:
    """Template texts use only the placeholders vrapport fills in from the period."""
    from vrapport.period import BLANK_WORDS, placeholders, unmatched_brace

    for template in specs.templates.values():
        texts = [(f"instructions[{i}]", t) for i, t in enumerate(template.instructions)]
        for sheet in template.sheets:
            texts += [(f"sheets.{sheet.key}.title", sheet.title)]
            texts += [(f"sheets.{sheet.key}.help", sheet.help)]
        for path, text in texts:
            stray = unmatched_brace(text)
            if stray is not None:
                raise _fail(
                    _file(template),
                    path,
                    f"«{stray}» står uten sin make; en plassholder skrives «{{year}}», "
                    f"uten mellomrom: «{text[:60]}»",
                )
            for name in placeholders(text):
                if name not in BLANK_WORDS:
                    raise _fail(
                        _file(template),
                        path,
                        f"«{{{name}}}» fylles ikke inn; kjente: "
                        f"{_known('{' + w + '}' for w in BLANK_WORDS)}",
                    )
        # A cell's input message is shown as written: a placeholder would reach the user.
        for sheet in template.sheets:
            field = "measures" if sheet.kind == "grid" else "columns"
            helps = [(f"{field}.{c.key}.help", c.help) for c in sheet.columns]
            helps += [(f"rows.{r.key}.help", r.help) for r in sheet.rows]
            for path, text in helps:
                for name in placeholders(text)[:1]:
                    raise _fail(
                        _file(template),
                        f"sheets.{sheet.key}.{path}",
                        f"«{{{name}}}» fylles ikke inn i en hjelpetekst (cellens "
                        "inndatamelding); skriv teksten uten plassholdere",
                    )


def _roles(chapter: Chapter, roles: list[str]) -> dict[str, str]:
    """Role -> template id: report.yaml maps them, or lists the templates in role order."""
    where = f"{CHAPTERS}[{chapter.index}].templates"
    wanted = f"seksjonen «{chapter.section}» leser {len(roles)} (roller: {', '.join(roles)})"
    if chapter.roles:
        if set(chapter.roles) != set(roles):
            raise _fail(
                REPORT_FILE, where, f"rollene {_known(chapter.roles)} passer ikke; {wanted}"
            )
        return {role: chapter.roles[role] for role in roles}
    if len(chapter.templates) != len(roles):
        raise _fail(REPORT_FILE, where, f"{len(chapter.templates)} maler oppgitt; {wanted}")
    return dict(zip(roles, chapter.templates, strict=True))


def _chapter(chapter: Chapter, specs: Specs, sections: dict) -> Chapter:  # type: ignore[type-arg]
    where = f"{CHAPTERS}[{chapter.index}]"
    declared = sections.get(chapter.section)
    if declared is None:
        raise _fail(
            REPORT_FILE,
            f"{where}.section",
            f"«{chapter.section}» finnes ikke; kjente: {_known(sections)}",
        )
    roles = _roles(chapter, list(declared.reads))
    reader = f"kapittel {chapter.number} {chapter.title} (seksjonen «{chapter.section}») leser"
    for role, template_id in roles.items():
        template = specs.templates.get(template_id)
        if template is None:
            raise _fail(
                REPORT_FILE,
                f"{where}.templates",
                f"malen «{template_id}» finnes ikke; kjente: {_known(specs.templates)}",
            )
        reads = declared.reads[role]
        file = _file(template)
        sheets = {s.key: s for s in template.sheets}
        wanted = set(reads.columns) | set(reads.rows) | set(reads.months) | set(reads.year_before)
        wanted |= set(reads.row_catalogues)
        if reads.topics:
            wanted.add(reads.topic_sheet)
        for sheet_key in sorted(wanted):
            if sheet_key not in sheets:
                raise _fail(
                    file,
                    "sheets",
                    f"arket «{sheet_key}» mangler; {reader} det; kjente: {_known(sheets)}",
                )
        for sheet_key, columns in reads.columns.items():
            _columns_exist(file, sheets[sheet_key], columns, reader, reads.types.get(sheet_key))
        for sheet_key in reads.months:
            if not sheets[sheet_key].has_months:
                raise _fail(
                    file,
                    f"sheets.{sheet_key}.rows.months",
                    f"mangler; {reader} radene for årets måneder",
                )
        for sheet_key in reads.year_before:
            held = {r.month for r in sheets[sheet_key].rows if r.month is not None}
            if not set(range(-11, 1)) <= held:
                count = sum(1 for m in held if m <= 0)
                given = f"months_back: {count}" if count else "months_back mangler"
                raise _fail(
                    file,
                    f"sheets.{sheet_key}.rows.months_back",
                    f"arket har bare {count} av månedene i året før ({given}); {reader} alle "
                    "tolv (samme periode i fjor og hele fjoråret), og månedene som mangler, "
                    "ville blitt talt som 0. Skriv months_back: 12",
                )
        for sheet_key, catalogue in reads.row_catalogues.items():
            given_catalogue = sheets[sheet_key].rows_catalogue
            if given_catalogue != catalogue:
                source = (
                    f"katalogen «{given_catalogue}»"
                    if given_catalogue is not None
                    else "ikke en katalog"
                )
                raise _fail(
                    file,
                    f"sheets.{sheet_key}.rows",
                    f"radene er {source}; {reader} én rad per post i {REPORT_FILE} › "
                    f"catalogues.{catalogue}. Skriv rows: {{catalogue: {catalogue}}}",
                )
        for sheet_key, rows in reads.rows.items():
            have = [r.key for r in sheets[sheet_key].rows]
            for key in rows:
                if key not in have:
                    raise _fail(
                        file,
                        f"sheets.{sheet_key}.rows",
                        f"raden «{key}» mangler; {reader} den; kjente: {_known(have)}",
                    )
        if reads.topics:
            sheet = sheets[reads.topic_sheet]
            column = next((c for c in sheet.columns if c.key == reads.topic_column), None)
            path = f"sheets.{reads.topic_sheet}.columns.{reads.topic_column}"
            if column is None:
                raise _fail(
                    file,
                    f"sheets.{reads.topic_sheet}.columns",
                    f"«{reads.topic_column}» mangler; {reader} den",
                )
            missing = [t for t in reads.topics if t not in column.choice_keys]
            unplaced = [t for t in column.choice_keys if t not in reads.topics]
            if missing or unplaced:
                problem = (
                    f"temaet «{missing[0]}» mangler; {reader} det; kjente: "
                    f"{_known(column.choice_keys)}"
                    if missing
                    else f"temaet «{unplaced[0]}» har ingen plass i rapporten (et avsnitt med "
                    f"det ville ikke bli vist); {reader} bare {_known(reads.topics)}"
                )
                raise _fail(file, f"{path}.choices", problem)
        for sheet_key, rates in reads.rates.items():
            _rates_as_computed(
                file, sheets[sheet_key], rates, f"kapittel {chapter.number} {chapter.title}"
            )
        for sheet_key, limits in reads.limits.items():
            for target in sheets[sheet_key].targets:
                limit = limits.get(target.key)
                if limit is not None and target.limit != limit:
                    shown = "under" if limit == "min" else "over"
                    raise _fail(
                        file,
                        f"sheets.{sheet_key}.targets.{target.key}.limit",
                        f"«{target.limit}», men kapittel {chapter.number} {chapter.title} "
                        f"regner målet som ikke nådd når tallet er {shown} det; kontrollen "
                        "explained-targets ville bedt om forklaring for de andre månedene. "
                        f"Skriv limit: {limit}",
                    )
        for sheet_key, named in reads.choices_from.items():
            for column_key, catalogue in named.items():
                offered = sheets[sheet_key].column(column_key).choices
                labels = [item.label for item in getattr(specs.report.model.catalogues, catalogue)]
                if set(offered) != set(labels):
                    raise _fail(
                        file,
                        f"sheets.{sheet_key}.columns.{column_key}.choices",
                        f"{_known(offered)} passer ikke med {REPORT_FILE} › catalogues."
                        f"{catalogue} ({_known(labels)}); {reader} verdiene etter katalogen, "
                        "så et valg bare malen har ville ikke bli talt; skriv choices: "
                        f"{{catalogue: {catalogue}}}",
                    )
        single = list(reads.columns.items())
        if reads.topics:
            single.append((reads.topic_sheet, (reads.topic_column,)))
        for sheet_key, keys in single:
            for column in sheets[sheet_key].columns:
                if column.key in keys and column.multiple:
                    raise _fail(
                        file,
                        f"sheets.{sheet_key}.columns.{column.key}.multiple",
                        f"{reader} kolonnen som ett valg per celle; fjern multiple",
                    )
    model = specs.report.model
    for target in declared.targets:
        if target not in model.targets:
            raise _fail(
                REPORT_FILE,
                f"targets.{target}",
                f"mangler; {reader} målet (en andel 0–1); kjente: {_known(model.targets)}",
            )
    for total, parts in declared.target_sums.items():
        summed = sum(model.targets[part] for part in parts)
        if abs(model.targets[total] - summed) > 1e-9:
            shown = " + ".join(f"{model.targets[part]:g}" for part in parts)
            raise _fail(
                REPORT_FILE,
                f"targets.{total}",
                f"{model.targets[total]:g} er ikke summen av {' og '.join(parts)} ({shown} "
                f"= {summed:g}); andelen målet gjelder er summen av de andre andelene, så "
                "målet må være det også",
            )
    for block in declared.settings:
        if getattr(model, block) is None:
            raise _fail(REPORT_FILE, block, f"mangler; {reader} det")
    for name in declared.catalogues:
        if not getattr(model.catalogues, name):
            raise _fail(REPORT_FILE, f"catalogues.{name}", f"mangler eller er tom; {reader} den")
    return dataclasses.replace(chapter, roles=roles)


def _leads(specs: Specs, chapters: Iterable[Chapter]) -> None:
    leads = specs.report.model.report.leads
    if leads is None:
        return
    where = "report.leads"
    template = specs.templates.get(leads.template)
    if template is None:
        raise _fail(
            REPORT_FILE,
            f"{where}.template",
            f"«{leads.template}» finnes ikke; kjente: {_known(specs.templates)}",
        )
    sheet = next((s for s in template.sheets if s.key == leads.sheet), None)
    if sheet is None:
        raise _fail(
            REPORT_FILE,
            f"{where}.sheet",
            f"«{leads.sheet}» finnes ikke i {_file(template)}; kjente: "
            f"{_known(s.key for s in template.sheets)}",
        )
    if leads.column not in (c.key for c in sheet.columns):
        raise _fail(
            REPORT_FILE,
            f"{where}.column",
            f"«{leads.column}» finnes ikke; kjente: {_known(c.key for c in sheet.columns)}",
        )
    if not sheet.rows:
        raise _fail(
            REPORT_FILE,
            f"{where}.sheet",
            f"arket «{sheet.key}» i {_file(template)} har ingen faste rader (det er {sheet.kind}); "
            "innledningene leses fra én rad per kapittel",
        )
    by_key = {c.key: c for c in chapters}
    for row in sheet.rows:
        chapter = by_key.get(row.key)
        if chapter is None:
            raise _fail(
                _file(template),
                f"sheets.{sheet.key}.rows",
                f"«{row.key}» er ikke et kapittel i {REPORT_FILE}; kjente: {_known(by_key)}",
            )
        # A lead's row is labelled as its chapter is headed: a copy of the title went stale
        # when the chapter was renamed in report.yaml.
        label = chapter_row_label(chapter)
        if row.label != label:
            raise _fail(
                _file(template),
                f"sheets.{sheet.key}.rows.{row.key}.label",
                f"«{row.label}» er ikke kapittelets overskrift «{label}» ({REPORT_FILE} › "
                f"{CHAPTERS}[{chapter.index}]); skriv rows: {{chapters: [{row.key}, …]}}, så "
                "følger radene kapitlenes nummer og tittel",
            )


def _sheets_read(specs: Specs, chapters: Iterable[Chapter], sections: dict) -> None:  # type: ignore[type-arg]
    """Every sheet of a template the report reads is read by a chapter (or is the leads'
    sheet): what a department fills in on a sheet no one reads stood nowhere in the report
    (the chapter leads, once report.leads was left out)."""
    read: dict[str, set[str]] = {}
    for chapter in chapters:
        for role, template_id in chapter.roles.items():
            reads = sections[chapter.section].reads[role]
            sheets = read.setdefault(template_id, set())
            sheets.update(reads.columns, reads.rows, reads.types)
            if reads.topics:
                sheets.add(reads.topic_sheet)
    leads = specs.report.model.report.leads
    if leads is not None:
        read.setdefault(leads.template, set()).add(leads.sheet)
    for template_id, sheets in read.items():
        template = specs.templates[template_id]
        for sheet in template.sheets:
            if sheet.key not in sheets:
                hint = " (innledningene leses bare med report.leads)" if leads is None else ""
                raise _fail(
                    _file(template),
                    f"sheets.{sheet.key}",
                    "ingen del av rapporten leser arket; det avdelingen fyller ut her, ville "
                    f"ikke stått noe sted{hint}. Rapporten leser {_known(sorted(sheets))}",
                )


def _facts(specs: Specs, chapters: Iterable[Chapter], sections: dict) -> None:  # type: ignore[type-arg]
    """Each key figure's fact (and what it is compared with) is one the chapter reports,
    and of a kind its unit shows: a share shown as a count printed 0,62 as «1»."""
    from vrapport.consolidate.base import FACT_KINDS, UNIT_SHOWS

    kinds = {
        f"{c.key}.{fact}": kind
        for c in chapters
        for fact, kind in sections[c.section].facts.items()
    }
    for index, entry in enumerate(specs.report.model.front_page.key_figures):
        for name in ("fact", "compare"):
            value = getattr(entry, name)
            if value is None:
                continue
            where = f"front_page.key_figures[{index}]"
            if name == "compare" and value == entry.fact:
                raise _fail(
                    REPORT_FILE,
                    f"{where}.compare",
                    f"«{value}» er samme tall som fact; pilen og forrige verdi ville vist "
                    "tallet selv",
                )
            if value not in kinds:
                raise _fail(
                    REPORT_FILE,
                    f"{where}.{name}",
                    f"«{value}» finnes ikke; kjente: {_known(kinds)}",
                )
            if kinds[value] not in UNIT_SHOWS[entry.unit]:
                fits = [u for u, shown in UNIT_SHOWS.items() if kinds[value] in shown]
                advice = f"bruk unit: {fits[0]}" if fits else "velg et annet fact"
                raise _fail(
                    REPORT_FILE,
                    f"{where}.unit",
                    f"«{entry.unit}» passer ikke med {name} «{value}», som er "
                    f"{FACT_KINDS[kinds[value]]}; {advice}",
                )
        if entry.unit != "mill":
            continue
        for name in ("green", "yellow"):
            threshold = getattr(entry, name)
            for bound in ("min", "max"):
                limit = getattr(threshold, bound) if threshold is not None else None
                # Shown in mill. kr to one decimal: a threshold under 1000 kroner is one
                # written in millions (-2 made a deviation of -3 kroner red).
                if limit is not None and 0 < abs(limit) < 1000:
                    raise _fail(
                        REPORT_FILE,
                        f"front_page.key_figures[{index}].{name}.{bound}",
                        f"{limit:g} er i kroner; med unit mill skrives tersklene i kroner "
                        f"({limit * 1_000_000:.0f} for {limit:g} mill. kr)",
                    )


# A percentage as a text writes it: «5 %», «5,5 %», «70\u00a0%».
PERCENT_TEXT = re.compile(r"(\d+(?:[.,]\d+)?)\s*%")


def _percents(text: str) -> list[float]:
    """The percentages written in `text`, as shares: «(mål 5,5 %)» -> [0.055]."""
    return [float(n.replace(",", ".")) / 100 for n in PERCENT_TEXT.findall(text)]


def _same(a: float, b: float) -> bool:
    return abs(a - b) < 1e-9


def _targets_as_written(specs: Specs, chapters: Iterable[Chapter], sections: dict) -> None:  # type: ignore[type-arg]
    """A target a chapter writes (SectionSpec.target_text) is one it can write as it is: 0.705
    was written «71 %» in chapter 3 while months of 70,6 % were marked as under it."""
    targets = specs.report.model.targets
    for chapter in chapters:
        declared = sections[chapter.section]
        if declared.target_text is None:
            continue
        for key in declared.targets:
            target = targets[key]
            shown = declared.target_text(target)
            written = _percents(shown)[0]
            if not _same(written, target):
                raise _fail(
                    REPORT_FILE,
                    f"targets.{key}",
                    f"{target:g} vises som «{shown}» i kapittel {chapter.number} "
                    f"{chapter.title}, som vurderer tallene mot {target:g}; rapporten ville "
                    f"vist et annet mål enn den vurderer mot. Skriv {written:g}, eller et "
                    "annet mål kapittelet viser som det er",
                )


def _judged_key_figures(specs: Specs, chapters: Iterable[Chapter], sections: dict) -> Specs:  # type: ignore[type-arg]
    """A key figure of a fact its chapter judges against a target (`Judged`) is judged
    against the same target: its green bound on the side that misses is the target, it has
    no other bound short of the ends of a share, and a percentage its label writes («mål
    5 %») is the target as the chapter writes it. With the target changed to 0.055, chapter 5
    judged against 5,5 % while the front page still said «(mål 5 %)» and judged against 5 %.
    A key figure without `green` gets the target as its green bound."""
    from vrapport.reportfile import KeyFigureEntry

    model = specs.report.model
    judged = {
        f"{c.key}.{fact}": (c, how)
        for c in chapters
        for fact, how in sections[c.section].judged.items()
    }
    entries = list(model.front_page.key_figures)
    for index, entry in enumerate(entries):
        if entry.fact not in judged:
            continue
        chapter, how = judged[entry.fact]
        where = f"front_page.key_figures[{index}]"
        target = model.targets[how.target]
        text = sections[chapter.section].target_text
        shown = text(target) if text is not None else format_percent(target)
        reader = (
            f"kapittel {chapter.number} {chapter.title} vurderer tallet mot targets."
            f"{how.target} ({target:g}, vist «{shown}»)"
        )
        side = "over" if how.limit == "max" else "under"
        if entry.green is None:
            data = entry.model_dump(exclude_unset=True)
            data["green"] = {how.limit: target}
            try:
                entry = entries[index] = KeyFigureEntry.model_validate(data)
            except ValueError:
                raise _fail(
                    REPORT_FILE,
                    f"{where}.yellow",
                    f"er strengere enn målet; green er målet når den utelates: {reader}, og "
                    f"tallet er gult bare når det er {side} målet",
                ) from None
        green = entry.green
        assert green is not None
        bound = getattr(green, how.limit)
        if bound is None or not _same(bound, target):
            given = "mangler" if bound is None else f"{bound:g} er ikke målet"
            raise _fail(
                REPORT_FILE,
                f"{where}.green.{how.limit}",
                f"{given}; {reader}, så forsiden ville vist en annen vurdering enn "
                f"kapittelet. Skriv green: {{{how.limit}: {target:g}}}, eller utelat green",
            )
        other = "min" if how.limit == "max" else "max"
        edge = 0.0 if other == "min" else 1.0
        extra = getattr(green, other)
        if extra is not None and not (extra <= edge if other == "min" else extra >= edge):
            raise _fail(
                REPORT_FILE,
                f"{where}.green.{other}",
                f"{extra:g}: {reader} og regner det som nådd når tallet ikke er {side} målet; "
                f"med {other} ville forsiden vist et nådd mål som ikke grønt. Fjern "
                f"green.{other}",
            )
        for written in _percents(entry.label):
            if not _same(written, target):
                raise _fail(
                    REPORT_FILE,
                    f"{where}.label",
                    f"«{entry.label}» nevner {format_percent(written)}, men {reader}; skriv "
                    f"målet slik kapittelet viser det («{shown}»)",
                )
    if entries == list(model.front_page.key_figures):
        return specs
    front = model.front_page.model_copy(update={"key_figures": entries})
    report = dataclasses.replace(specs.report, model=model.model_copy(update={"front_page": front}))
    return dataclasses.replace(specs, report=report)


def format_percent(share: float) -> str:
    """0.05 -> «5 %», 0.055 -> «5,5 %»: a percentage as a label wrote it."""
    from vrapport.numbers import format_plain

    return f"{format_plain(round(share * 100, 6))}\u00a0%"


def _plausibility_columns(specs: Specs) -> None:
    """The columns the plausibility check compares (`plausibility.pairs`) and those it reads
    as amounts for the whole year (`plausibility.annual`, each also in a pair) are numeric
    columns of one sheet."""
    settings = specs.report.model.plausibility
    for template_id, sheets in settings.pairs.items():
        for sheet_key, pairs in sheets.items():
            both = [k for pair in pairs.items() for k in pair]
            _numeric_columns(specs, "pairs", template_id, sheet_key, both)
            for key, paired in pairs.items():
                if key == paired:
                    raise _fail(
                        REPORT_FILE,
                        f"plausibility.pairs.{template_id}.{sheet_key}.{key}",
                        f"«{key}» er paret med seg selv, så tallene sammenlignes ikke med noe; "
                        "oppgi den andre kolonnen (et budsjett, i fjor)",
                    )
    for template_id, annual in settings.annual.items():
        path = f"plausibility.annual.{template_id}"
        for sheet_key, keys in annual.items():
            _numeric_columns(specs, "annual", template_id, sheet_key, keys)
            pairs = settings.pairs.get(template_id, {}).get(sheet_key, {})
            for key in (k for k in keys if k not in {*pairs, *pairs.values()}):
                raise _fail(
                    REPORT_FILE,
                    f"{path}.{sheet_key}",
                    f"«{key}» sammenlignes ikke med noe; nevn kolonnen i et par under "
                    f"plausibility.pairs.{template_id}.{sheet_key}",
                )


def _numeric_columns(
    specs: Specs, setting: str, template_id: str, sheet_key: str, keys: Iterable[str]
) -> None:
    """`keys`, named in `plausibility.<setting>`, are numeric columns of the sheet."""
    path = f"plausibility.{setting}.{template_id}"
    if template_id not in specs.templates:
        raise _fail(REPORT_FILE, path, f"malen finnes ikke; kjente: {_known(specs.templates)}")
    template = specs.templates[template_id]
    sheet = next((s for s in template.sheets if s.key == sheet_key), None)
    if sheet is None:
        known = _known(s.key for s in template.sheets)
        raise _fail(REPORT_FILE, f"{path}.{sheet_key}", f"arket finnes ikke; kjente: {known}")
    numeric = [c.key for c in sheet.columns if c.numeric]
    for key in (k for k in keys if k not in numeric):
        raise _fail(
            REPORT_FILE,
            f"{path}.{sheet_key}",
            f"«{key}» er ingen tallkolonne i arket; kjente: {_known(numeric)}",
        )


def _targets_read(specs: Specs, chapters: Iterable[Chapter], sections: dict) -> None:  # type: ignore[type-arg]
    """Every target in report.yaml is read: by a chapter's section or by a template's sheet
    target. One read by nothing (a misspelt override, `sick_leave_totl: 0.045`) was ignored
    while the report went on judging by the target it meant to replace."""
    read = {t for c in chapters for t in sections[c.section].targets}
    read |= {t.key for tpl in specs.templates.values() for s in tpl.sheets for t in s.targets}
    for key in specs.report.model.targets:
        if key not in read:
            raise _fail(
                REPORT_FILE,
                f"targets.{key}",
                f"målet leses av ingen seksjon eller mal; kjente: {_known(sorted(read))}",
            )


def _sheet_targets(specs: Specs) -> None:
    """The key figures a template declares on its sheets (`targets:`) have their target in
    report.yaml."""
    known = specs.report.model.targets
    for template in specs.templates.values():
        for sheet in template.sheets:
            for target in sheet.targets:
                if target.key not in known:
                    raise _fail(
                        REPORT_FILE,
                        f"targets.{target.key}",
                        f"mangler; {_file(template)} › sheets.{sheet.key}.targets leser målet "
                        f"(en andel 0–1); kjente: {_known(known)}",
                    )


def _explained_targets(specs: Specs) -> None:
    """Where a template runs explained-targets, each of its key figures (`targets:`) is a
    choice of the comment column that names what a paragraph explains: otherwise no
    paragraph could explain it, and the check would pass it over."""
    from vrapport.checks import checks_for

    for template in specs.templates.values():
        targets = [(s, t) for s in template.sheets for t in s.targets]
        if not targets:
            continue
        # The targets are judged month by month, by that check alone: elsewhere they would
        # load and be judged nowhere.
        for sheet, _target in targets:
            if not sheet.has_months:
                raise _fail(
                    _file(template),
                    f"sheets.{sheet.key}.targets",
                    "målene vurderes måned for måned, og arket har ingen rader for årets "
                    "måneder (rows.months)",
                )
        if "explained-targets" not in checks_for(template):
            raise _fail(
                _file(template),
                f"sheets.{targets[0][0].key}.targets",
                "målene vurderes bare av kontrollen «explained-targets», som malen ikke har "
                "i checks; legg den til, eller fjern targets",
            )
        where = next((s for s in template.sheets if s.several_choices), None)
        choices = where.several_choices if where is not None else None
        for sheet, target in targets:
            path = f"sheets.{sheet.key}.targets.{target.key}.label"
            if where is None or choices is None:
                raise _fail(
                    _file(template),
                    path,
                    "kontrollen «explained-targets» leser forklaringene fra en kolonne med "
                    "flere valg (multiple: true), og malen har ingen",
                )
            # As the check compares: exactly (a label differing only in case was judged never).
            if target.label not in choices.choices:
                raise _fail(
                    _file(template),
                    path,
                    f"«{target.label}» er ikke et valg i «{choices.label}» "
                    f"(sheets.{where.key}.columns.{choices.key}), så ingen kommentar kan "
                    f"forklare det; kjente: {_known(choices.choices)}",
                )


def _rates_as_computed(
    file: str,
    sheet: SheetSpec,
    rates: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]],
    chapter: str,
) -> None:
    """A target on `sheet` whose rate the section computes (`rates`: target key -> share, of)
    is defined as it computes it: a narrower `share` loaded, and explained-targets judged
    self-certified leave alone while the report printed total sick leave over its target."""
    for target in sheet.targets:
        if target.key not in rates:
            continue
        share, of = rates[target.key]
        for name, have, computed in (("share", target.share, share), ("of", target.of, of)):
            if set(have) != set(computed):
                raise _fail(
                    file,
                    f"sheets.{sheet.key}.targets.{target.key}.{name}",
                    f"[{', '.join(have)}] er ikke slik {chapter} regner tallet: "
                    f"sum({', '.join(share)}) / sum({', '.join(of)}); kontrollen "
                    "explained-targets ville vurdert et annet tall enn rapporten viser. "
                    f"Skriv {name}: [{', '.join(computed)}]",
                )


def _one_column_of_several_choices(specs: Specs) -> None:
    """A template has at most one column of several choices: the code takes the first as what
    the paragraphs of its comments explain (the lines, the key figures; see
    SheetSpec.several_choices), so a second one added before it would be read in its place,
    and comments would be placed under, and targets explained by, the wrong choices."""
    for template in specs.templates.values():
        first: tuple[str, str] | None = None
        for sheet in template.sheets:
            for column in sheet.columns:
                if column.type != "choice" or not column.multiple:
                    continue
                if first is None:
                    first = (sheet.key, column.key)
                    continue
                raise _fail(
                    _file(template),
                    f"sheets.{sheet.key}.columns.{column.key}.multiple",
                    f"malen har allerede en kolonne med flere valg (sheets.{first[0]}.columns."
                    f"{first[1]}), som vrapport leser som det kommentarene forklarer; en mal "
                    "kan ha bare én slik kolonne",
                )


def _portfolio_statuses(specs: Specs, chapters: Iterable[Chapter]) -> None:
    """The status words of report.yaml's portfolio.statuses are the choices of each status
    column of the project template: a word only one of them knows would be counted nowhere
    (a «Gul» project in no colour) or be offered to no one."""
    from vrapport.consolidate.portfolio import DIMENSIONS, ROLE

    model = specs.report.model
    if model.portfolio is None:
        return
    words = {s.label.casefold(): s.label for s in model.portfolio.statuses}
    for chapter in chapters:
        if chapter.section != "portfolio":
            continue
        template = specs.templates[chapter.roles[ROLE]]
        sheet = next(s for s in template.sheets if s.key == "projects")
        for column in sheet.columns:
            if column.key not in dict(DIMENSIONS) or column.type != "choice":
                continue
            offered = {c.casefold(): c for c in column.choices}
            if set(offered) != set(words):
                raise _fail(
                    _file(template),
                    f"sheets.{sheet.key}.columns.{column.key}.choices",
                    f"{_known(offered.values())} passer ikke med {REPORT_FILE} › "
                    f"portfolio.statuses ({_known(words.values())}); statusordene må være de "
                    "samme begge steder",
                )


def _service_windows(specs: Specs, chapters: Iterable[Chapter]) -> None:
    """Chapter 3's monthly windows reach back no further than the months a template holds
    in January (its months of the year before, and January): a longer window would show
    months no one could fill in, empty and without a finding."""
    from vrapport.consolidate.services import OPERATIONS, SUPPORT
    from vrapport.sheetkeys import OPERATIONS_SHEET, SERVICE_DESK_SHEET

    model = specs.report.model
    windows = (
        ("service_desk_months", SUPPORT, SERVICE_DESK_SHEET),
        ("operations_months", OPERATIONS, OPERATIONS_SHEET),
    )
    for chapter in chapters:
        if chapter.section != "services":
            continue
        for setting, role, sheet_key in windows:
            template = specs.templates[chapter.roles[role]]
            sheet = next(s for s in template.sheets if s.key == sheet_key)
            held = 1 + sum(1 for r in sheet.rows if r.month is not None and r.month <= 0)
            months = getattr(model.services, setting)
            if months > held:
                raise _fail(
                    REPORT_FILE,
                    f"services.{setting}",
                    f"{months} måneder, men {_file(template)} › sheets.{sheet_key} har i "
                    f"januar bare {held} (months_back {held - 1} og januar); sett høyst "
                    f"{held}, eller øk months_back",
                )


def _report_sheets(chapters: Iterable[Chapter]) -> None:
    """No chapter's sheet takes the name of a sheet every report has (Excel compares sheet
    names without case)."""
    from vrapport.report.sheetnames import REPORT_SHEETS

    fixed = {n.casefold(): n for n in REPORT_SHEETS}
    for chapter in chapters:
        clash = fixed.get(" ".join(chapter.sheet.split()).casefold())
        if clash is not None:
            raise _fail(
                REPORT_FILE,
                f"{CHAPTERS}[{chapter.index}].sheet",
                f"arknavnet «{chapter.sheet}» er likt rapportens faste ark «{clash}»",
            )


def check_contract(specs: Specs) -> Specs:
    """Check everything `specs` shares with the code; return them with each chapter's
    template roles resolved. Raises SpecError at the first violation."""
    from vrapport.checks import load_checks
    from vrapport.consolidate.base import load_sections

    _check_names(specs, load_checks())
    _placeholders(specs)
    sections = load_sections()
    seen: dict[str, int] = {}
    for chapter in specs.report.chapters:
        if chapter.key in seen:
            raise _fail(
                REPORT_FILE,
                f"{CHAPTERS}[{chapter.index}].key",
                f"«{chapter.key}» står to ganger (også i {CHAPTERS}[{seen[chapter.key]}])",
            )
        seen[chapter.key] = chapter.index
    _report_sheets(specs.report.chapters)
    chapters = tuple(_chapter(c, specs, sections) for c in specs.report.chapters)
    _leads(specs, chapters)
    _sheets_read(specs, chapters, sections)
    _facts(specs, chapters, sections)
    _plausibility_columns(specs)
    _sheet_targets(specs)
    _targets_read(specs, chapters, sections)
    _one_column_of_several_choices(specs)
    _explained_targets(specs)
    _portfolio_statuses(specs, chapters)
    _service_windows(specs, chapters)
    _targets_as_written(specs, chapters, sections)
    specs = _judged_key_figures(specs, chapters, sections)
    report = dataclasses.replace(specs.report, chapters=chapters)
    return dataclasses.replace(specs, report=report)
