"""Empty log tables to start logging today: CSV files and a spreadsheet that checks what is typed into it.

:func:`write_template` writes, into one folder, a CSV file per table (``daily.csv``, ``spasms.csv``,
``interventions.csv``, ``people.csv``) with the canonical headers and one example row, and the workbook
``spasmlog_template.xlsx`` with a ``README`` sheet and one sheet per table. In the workbook, category columns
offer drop-down lists, number columns reject values outside their plausible range, date columns accept only
dates up to today, and every header cell carries a note with its unit, range and allowed values.

Columns, units, ranges and categories are read from :func:`spasmlog.logformat.schemas.field_specs`, so the
template cannot drift from the rules that :func:`spasmlog.read_log` applies. The tables have no ``person_id``
column: :func:`spasmlog.read_log` takes the person from the folder's name, so one template folder per client
(``praxis/Anna``, ``praxis/Bernd``) makes a caseload.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

import pandas as pd
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from spasmlog import _checks
from spasmlog.errors import SpasmlogError
from spasmlog.io.write import atomic_write_csv, save_workbook
from spasmlog.logformat.schemas import TABLES, FieldSpec, field_specs

__all__ = ["TEMPLATE_ROWS", "WORKBOOK_NAME", "column_help", "write_template"]

WORKBOOK_NAME = "spasmlog_template.xlsx"
"""File name of the template workbook."""

TEMPLATE_ROWS = 5000
"""The workbook's checks cover rows 2 to this row of each table sheet."""

Cell = str | float | int | bool | dt.date | dt.datetime | None

_NUMBER_KINDS = ("number", "integer", "duration")

_EXAMPLE_NOTE = "Example row: replace it with your own entries (leave a cell empty when not recorded)."

# One realistic, valid row per table. Dates lie in the past; empty (None) cells show "not recorded".
_EXAMPLES: dict[str, dict[str, Cell]] = {
    "daily": {
        "date": dt.date(2026, 1, 15),
        "water_ml": 1800,
        "water_total_ml": None,
        "caffeine_mg": 200,
        "alcohol_g": 10,
        "magnesium_mg": 320,
        "calcium_mg": 950,
        "potassium_mg": 2800,
        "sodium_mg": 2400,
        "exercise_min": 30,
        "exercise_type": "walking",
        "exercise_rpe": 3,
        "warmup": True,
        "stretching_min": 10,
        "steps": 8500,
        "sitting_h": 8,
        "posture_breaks": 6,
        "posture_score": 3,
        "sleep_h": 7,
        "stress": 4,
        "spasm_count": None,
        "notes": _EXAMPLE_NOTE,
    },
    "spasms": {
        "start": dt.datetime(2026, 1, 15, 2, 40),
        "body_region": "calf",
        "side": "left",
        "intensity": 6,
        "duration_s": 90,
        "kind": "cramp",
        "context": "sleep",
        "relief": "stretch;water",
        "notes": _EXAMPLE_NOTE,
    },
    "interventions": {
        "name": "magnesium glycinate",
        "kind": "supplement",
        "start": dt.date(2026, 1, 10),
        "end": None,
        "dose": "300 mg",
        "notes": _EXAMPLE_NOTE,
    },
    "people": {
        "sex": "female",
        "birth_year": 1985,
        "water_target_ml": 2000,
        "water_total_target_ml": None,
        "magnesium_target_mg": None,
        "calcium_target_mg": None,
        "potassium_target_mg": None,
        "sodium_target_mg": None,
        "notes": _EXAMPLE_NOTE,
    },
}

# What each column means, in the person's words (SPEC, "The log format"). Units, ranges and categories are
# not repeated here: they come from the schemas.
_MEANING: dict[str, dict[str, str]] = {
    "daily": {
        "person_id": "Who the row is about. Only in a table of several people: the tables of a person's own "
        "folder are about the person the folder is named after (Anna/daily.csv is Anna's), so the template "
        "leaves this column out.",
        "date": "The calendar day (YYYY-MM-DD); one row per person and day.",
        "water_ml": "Fluid from drinks: water, tea, coffee, juice (not alcohol).",
        "water_total_ml": "Total water including the water in food, where an app reports only that.",
        "caffeine_mg": "Caffeine from coffee, tea, energy drinks (a mug of coffee: about 100 mg).",
        "alcohol_g": "Grams of ethanol (one standard drink: 10 g).",
        "magnesium_mg": "Magnesium from food and supplements.",
        "calcium_mg": "Calcium from food and supplements.",
        "potassium_mg": "Potassium from food and supplements.",
        "sodium_mg": "Sodium from food and supplements (1 g of salt holds about 400 mg).",
        "exercise_min": "Minutes of deliberate exercise.",
        "exercise_type": "The main kind of exercise; only on days with exercise_min above 0.",
        "exercise_rpe": "Session effort on the Borg CR10 scale; only on days with exercise_min above 0.",
        "warmup": "Did you warm up before exercising?",
        "stretching_min": "Minutes of stretching.",
        "steps": "Step count from a phone or watch.",
        "sitting_h": "Hours spent sitting; sitting_h + sleep_h is at most 24.",
        "posture_breaks": "How many times you got up from sitting.",
        "posture_score": "Your posture that day, from 1 (poor) to 5 (good).",
        "sleep_h": "Hours of sleep.",
        "stress": "Stress that day, from 0 (none) to 10 (worst).",
        "spasm_count": "Spasms that day, only if you count them instead of logging each in `spasms`.",
        "experiment_arm_done": "Only during a planned experiment (`spasmlog plan`): on or off, what you did that day, "
        "when it differs from the calendar; empty when the day went as planned.",
        "notes": "Anything else; free text.",
    },
    "spasms": {
        "person_id": "Who the row is about, as in `daily`.",
        "start": "When it started: date and time (YYYY-MM-DD HH:MM).",
        "body_region": "Where it happened.",
        "side": "Which side of the body.",
        "intensity": "Pain from 0 to 10: 1-3 mild, 4-6 moderate, 7-10 severe.",
        "duration_s": "How long it lasted, in seconds (90 for a minute and a half).",
        "kind": "Cramp (painful, lasting), spasm, or twitch.",
        "context": "What you were doing when it started.",
        "relief": "What you did for it; several allowed, separated by ; (stretch;water).",
        "notes": "Anything else; free text.",
    },
    "interventions": {
        "person_id": "Who the row is about, as in `daily`.",
        "name": "What it is: 'magnesium glycinate', 'calf stretching programme', 'sports massage'.",
        "kind": "The kind of intervention.",
        "start": "The first day (YYYY-MM-DD).",
        "end": "The last day; empty while it goes on, equal to start for a single session.",
        "dose": "Optional dose or amount, as text ('300 mg', '2 x 10 min').",
        "notes": "Anything else; free text.",
    },
    "people": {
        "person_id": "Who the row is about, as in `daily`.",
        "sex": "Used to choose reference intakes; 'other' and 'unspecified' are fine.",
        "birth_year": "Year of birth, used to choose reference intakes by age.",
        "age_band": "Instead of birth_year, the age in ten-year bands (30-39; 90+), as a `spasmlog share` bundle "
        "gives it.",
        "start_year": "In a `spasmlog share --mode safe-harbor` bundle, whose dates are study days: the year the log "
        "began.",
        "country": "Optional: the country you live in, as a name or code (DE, Germany). A `spasmlog share` bundle "
        "keeps it, and counts how many people share each sex, age band and country.",
        "water_target_ml": "Your own daily target for drinks, instead of the reference intake.",
        "water_total_target_ml": "Your own daily target for total water, instead of the reference intake.",
        "magnesium_target_mg": "Your own daily magnesium target, instead of the reference intake.",
        "calcium_target_mg": "Your own daily calcium target, instead of the reference intake.",
        "potassium_target_mg": "Your own daily potassium target, instead of the reference intake.",
        "sodium_target_mg": "Your own daily sodium target, instead of the reference intake.",
        "notes": "Anything else; free text.",
    },
}

_README_INTRO = [
    "spasmlog log template",
    "One sheet per table: daily (one row per day), spasms (one row per spasm or cramp), interventions "
    "(treatments and routines), people (optional, one row per person).",
    "Replace the example row of each sheet with your own entries. Leave a cell empty when you did not "
    "record it: an empty cell means 'not recorded', never zero.",
    "Cells check what you type: drop-down lists for categories, plausible ranges for numbers, dates up to "
    "today. Click a cell to see its unit and range.",
    "relief can hold several values separated by ; (stretch;water), which a drop-down list cannot offer: "
    "type them, and `spasmlog validate` checks each one.",
    "Columns you add yourself (banana, hot_bath) are kept and analysed like the built-in ones.",
    "Use either this workbook or the CSV files written beside it, not both: delete the form you do not "
    "use, or spasmlog reads every table twice.",
    "Who the rows are about is the name of the folder holding this workbook (or the CSV files): name the "
    "folder after the person (Anna), one folder per person; a caseload is a folder of such folders.",
    "Check the log with:  spasmlog validate FOLDER  (the folder holding this workbook)",
]


def _allowed_text(spec: FieldSpec) -> str:
    if spec.kind == "boolean":
        return "yes, no"
    if spec.allowed:
        return ", ".join(spec.allowed)
    return ""


def _type_text(spec: FieldSpec) -> str:
    return {
        "number": "number",
        "integer": "whole number",
        "boolean": "yes/no",
        "date": "date (YYYY-MM-DD)",
        "datetime": "date and time (YYYY-MM-DD HH:MM)",
        "duration": "duration in seconds",
        "category": "one of a list",
        "list": "list, ;-separated",
        "text": "text",
    }[spec.kind]


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _number_text(spec: FieldSpec) -> str:
    """``a number between 0 and 15000 mL``, ``a whole number (steps) between 0 and 150000``."""
    what = {"integer": "a whole number", "duration": "a number of seconds"}.get(spec.kind, "a number")
    scale = f" ({spec.unit})" if spec.unit and not spec.quantity else ""
    bounded = spec.minimum is not None or spec.maximum is not None
    return f"{what}{scale} {spec.range_text()}" if bounded else f"{what}{scale}"


def column_help(table: str, column: str) -> str:
    """One line saying what a canonical column holds: meaning, type, unit, range and allowed values.

    The same text is shown in the template's ``README`` sheet and in the note on each header cell.

    Parameters
    ----------
    table : {"daily", "spasms", "interventions", "people"}
        The table.
    column : str
        A canonical column of ``table``.

    Returns
    -------
    str
        The help text.

    Raises
    ------
    ParameterError
        If ``table`` or ``column`` is not part of the log format (``.parameter`` names which; also a
        :class:`ValueError`).

    Examples
    --------
    >>> column_help("daily", "water_ml")
    'Fluid from drinks: water, tea, coffee, juice (not alcohol). A number between 0 and 15000 mL. Optional.'
    >>> column_help("spasms", "side")
    'Which side of the body. One of: left, right, both, midline. Optional.'
    """
    _checks.one_of(table, "table", "column_help", TABLES)
    specs = field_specs(table)
    if column not in specs:
        _checks.refuse(
            f"{column!r} is not a column of the {table} table. Its columns are: {', '.join(specs)}.",
            "column_help",
            "column",
            column,
            f"a column of the {table} table",
        )
    spec = specs[column]
    parts = [_MEANING[table][column]]
    allowed = _allowed_text(spec)
    if spec.kind in _NUMBER_KINDS:
        parts.append(f"{_sentence(_number_text(spec))}.")
    elif spec.kind == "list":
        parts.append(f"Any of: {allowed}.")
    elif allowed:
        parts.append(f"One of: {allowed}.")
    parts.append("Required." if spec.required else "Optional.")
    return " ".join(parts)


def _csv_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _columns(table: str) -> dict[str, FieldSpec]:
    """The columns of a template table: every canonical column but ``person_id``, which the folder's name gives."""
    return {name: spec for name, spec in field_specs(table).items() if name != "person_id"}


def _example_frame(table: str) -> pd.DataFrame:
    example = _EXAMPLES[table]
    return pd.DataFrame({name: [_csv_text(example.get(name))] for name in _columns(table)}, dtype="str")


def _validation(spec: FieldSpec) -> DataValidation | None:
    """The workbook check for one column, or None for free text."""
    if spec.kind in ("category", "boolean"):
        options = list(spec.allowed) if spec.kind == "category" else ["yes", "no"]
        check = DataValidation(type="list", formula1=f'"{",".join(options)}"', allow_blank=True)
        message = f"{spec.name} must be one of: {', '.join(options)}."
        prompt = f"Choose from the list: {', '.join(options)}."
    elif spec.kind == "list":
        # A drop-down list holds one value and relief takes several: the cell explains what to type, and
        # `spasmlog validate` checks each value.
        check = DataValidation(allow_blank=True, showErrorMessage=False)
        message = ""
        prompt = f"One or more of: {', '.join(spec.allowed)}; separate them with ; (stretch;water)."
    elif spec.kind in _NUMBER_KINDS:
        kind = "whole" if spec.kind == "integer" else "decimal"
        if spec.minimum is not None and spec.maximum is not None:
            bounds = {"operator": "between", "formula1": f"{spec.minimum:g}", "formula2": f"{spec.maximum:g}"}
        elif spec.minimum is not None:
            operator = "greaterThan" if spec.minimum_exclusive else "greaterThanOrEqual"
            bounds = {"operator": operator, "formula1": f"{spec.minimum:g}"}
        else:  # any number: Excel's number rules need a bound, so give one no entry reaches
            bounds = {"operator": "greaterThanOrEqual", "formula1": "-1E+300"}
        check = DataValidation(type=kind, allow_blank=True, **bounds)
        message = f"{spec.name} must be {_number_text(spec)}."
        prompt = f"{_sentence(_number_text(spec))}. Leave empty if not recorded."
    elif spec.kind in ("date", "datetime"):
        # Excel stores a date as a day number and a date-time as a day number with a fraction, so any
        # time of today is below TODAY()+1.
        latest = "TODAY()" if spec.kind == "date" else "TODAY()+1"
        check = DataValidation(
            type="date", operator="between", formula1="DATE(1900,1,1)", formula2=latest, allow_blank=True
        )
        what = "a date (YYYY-MM-DD)" if spec.kind == "date" else "a date and time (YYYY-MM-DD HH:MM)"
        message = f"{spec.name} must be {what}, not in the future."
        prompt = f"{_sentence(what)}, not in the future."
    else:
        return None
    # Excel limits: titles 32 characters, messages 255.
    check.promptTitle = spec.name[:32]
    check.prompt = prompt[:255]
    check.showInputMessage = True
    if message:
        check.errorTitle = f"Invalid {spec.name}"[:32]
        check.error = message[:255]
        check.errorStyle = "stop"
        check.showErrorMessage = True
    return check


def _write_sheet(sheet: Worksheet, table: str) -> None:
    specs = _columns(table)
    example = _EXAMPLES[table]
    bold = Font(bold=True)
    sample = Font(italic=True, color="666666")
    for index, (name, spec) in enumerate(specs.items(), start=1):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index, value=name)
        header.font = bold
        header.comment = Comment(column_help(table, name), "spasmlog", width=320, height=140)
        value = example.get(name)
        cell = sheet.cell(row=2, column=index, value="yes" if value is True else "no" if value is False else value)
        cell.font = sample
        if spec.kind == "date":
            cell.number_format = "yyyy-mm-dd"
        elif spec.kind == "datetime":
            cell.number_format = "yyyy-mm-dd hh:mm"
        shown = max(len(name), len(_csv_text(value)) if name != "notes" else 30)
        sheet.column_dimensions[letter].width = min(max(shown + 2, 10), 60)
        check = _validation(spec)
        if check is not None:
            check.add(f"{letter}2:{letter}{TEMPLATE_ROWS}")
            sheet.add_data_validation(check)
    sheet.freeze_panes = "A2"


def _write_readme(sheet: Worksheet) -> None:
    for row, line in enumerate(_README_INTRO, start=1):
        sheet.cell(row=row, column=1, value=line).font = Font(bold=row == 1, size=14 if row == 1 else 11)
    first = len(_README_INTRO) + 2
    headers = ["table", "column", "required", "type", "unit", "range", "allowed values", "meaning"]
    for index, name in enumerate(headers, start=1):
        sheet.cell(row=first, column=index, value=name).font = Font(bold=True)
    row = first + 1
    for table in TABLES:
        for name, spec in _columns(table).items():
            has_range = spec.kind in _NUMBER_KINDS
            values = [
                table,
                name,
                "yes" if spec.required else "no",
                _type_text(spec),
                spec.unit or "",
                spec.range_text() if has_range else "",
                _allowed_text(spec),
                _MEANING[table][name],
            ]
            for index, value in enumerate(values, start=1):
                sheet.cell(row=row, column=index, value=value).alignment = Alignment(vertical="top")
            row += 1
    for letter, width in zip("ABCDEFGH", [14, 22, 9, 30, 16, 26, 50, 80], strict=True):
        sheet.column_dimensions[letter].width = width


def write_template(
    directory: str | Path,
    *,
    format: Literal["both", "csv", "xlsx"] = "both",
    overwrite: bool = False,
) -> list[Path]:
    """Write empty log tables with the canonical headers and one example row each, ready to fill in.

    Parameters
    ----------
    directory : str or pathlib.Path
        The folder to write into; created if missing.
    format : {"both", "csv", "xlsx"}
        ``"csv"``: ``daily.csv``, ``spasms.csv``, ``interventions.csv`` and ``people.csv`` (UTF-8, comma
        separated). ``"xlsx"``: the workbook ``spasmlog_template.xlsx`` with a ``README`` sheet first, then
        one sheet per table. ``"both"``: all of them. Keep only one of the two forms in a log folder: a
        table present both as CSV and as a workbook sheet would be read twice.
    overwrite : bool
        Replace files that already exist. By default an existing file stops the function before anything
        is written.

    Returns
    -------
    list of pathlib.Path
        The files written, CSV files first in the order ``daily``, ``spasms``, ``interventions``,
        ``people``, then the workbook.

    Raises
    ------
    SpasmlogError
        If a file to be written exists and ``overwrite`` is False (``.file`` names it), or ``directory``
        is an existing file.
    ParameterError
        If ``format`` is not one of the three (also a :class:`ValueError`).

    Notes
    -----
    Every canonical column but ``person_id`` appears, in the order of
    :func:`spasmlog.logformat.schemas.field_specs`. The rows are about the person the folder is named after, as
    :func:`spasmlog.read_log` reads a person's own folder: ``write_template("praxis/Anna")`` and
    ``write_template("praxis/Bernd")`` make a caseload of two, and a renamed or copied folder is about the
    person of its new name. The example rows (January 2026) pass validation; their ``notes`` say they are
    examples.

    In the workbook, the checks cover rows 2 to :data:`TEMPLATE_ROWS` of each table sheet:

    - category and yes/no columns: a drop-down list (Excel list validation);
    - ``relief``, which takes several ``;``-separated values, only shows the allowed values when the cell
      is selected, since a drop-down list offers one value at a time;
    - number columns: values outside the plausible range are rejected, with a message naming the range
      and unit (whole numbers only for counts such as ``steps``);
    - date columns: dates from 1900 up to today; ``start`` of a spasm: date-times up to the end of today.

    Durations in the workbook are entered in seconds (``90``), since Excel would read ``1:30`` as a time
    of day; the CSV files, read by :func:`spasmlog.read_log`, also accept ``1:30``, ``1m30s``, ``2 min``.

    Examples
    --------
    >>> import tempfile
    >>> scratch = tempfile.TemporaryDirectory()
    >>> folder = Path(scratch.name) / "my_log"
    >>> [path.name for path in write_template(folder)]
    ['daily.csv', 'spasms.csv', 'interventions.csv', 'people.csv', 'spasmlog_template.xlsx']
    >>> print((folder / "spasms.csv").read_text().splitlines()[1])  # doctest: +ELLIPSIS
    2026-01-15 02:40,calf,left,6,90,cramp,sleep,stretch;water,Example row: ...
    >>> write_template(folder)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    spasmlog.errors.SpasmlogError: .../my_log/daily.csv already exists; ...
    >>> scratch.cleanup()
    """
    _checks.one_of(format, "format", "write_template", ("both", "csv", "xlsx"))
    folder = Path(directory)
    if folder.exists() and not folder.is_dir():
        raise SpasmlogError(
            f"Cannot write the template into {folder}: it is a file, not a folder. Choose an empty folder.",
            file=str(folder),
        )
    csv_paths = [folder / f"{table}.csv" for table in TABLES] if format in ("both", "csv") else []
    workbook_path = folder / WORKBOOK_NAME if format in ("both", "xlsx") else None
    targets = [*csv_paths, *([workbook_path] if workbook_path else [])]
    if not overwrite:
        for path in targets:
            if path.exists():
                raise SpasmlogError(
                    f"{path} already exists; spasmlog will not overwrite it. Choose an empty folder for the "
                    "template (or pass overwrite=True, or --overwrite on the command line, to replace them).",
                    file=str(path),
                )
    folder.mkdir(parents=True, exist_ok=True)
    for table, path in zip(TABLES, csv_paths, strict=False):
        atomic_write_csv(_example_frame(table), path)
    if workbook_path is not None:
        workbook = Workbook()
        readme = workbook.worksheets[0]
        readme.title = "README"
        _write_readme(readme)
        for table in TABLES:
            _write_sheet(workbook.create_sheet(table), table)
        save_workbook(workbook, workbook_path)
    return targets
