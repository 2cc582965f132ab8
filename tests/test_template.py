"""The log template: CSV files and a workbook whose cells check what is typed, built from the schemas."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from spasmlog.errors import ParameterError, SpasmlogError
from spasmlog.logformat.models import MODELS
from spasmlog.logformat.schemas import TABLES, FieldSpec, field_specs
from spasmlog.template import TEMPLATE_ROWS, WORKBOOK_NAME, column_help, write_template


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("template")
    write_template(folder)
    return folder


@pytest.fixture(scope="module")
def workbook(template: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(template / WORKBOOK_NAME)


def _columns(table: str) -> list[str]:
    """The columns a template table has: every canonical column but person_id (the folder's name says who)."""
    return [name for name in field_specs(table) if name != "person_id"]


def _typed(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Cells of a template table converted to the dtypes of the validated table, with the person the reader
    takes from the folder's name."""
    out: dict[str, pd.Series] = {}
    for name, spec in field_specs(table).items():
        if name == "person_id":
            out[name] = pd.Series("folder", index=frame.index, dtype="str")
            continue
        cells = frame[name].replace("", pd.NA)
        if spec.kind in ("number", "duration"):
            out[name] = pd.to_numeric(cells).astype("float64")
        elif spec.kind == "integer":
            out[name] = pd.to_numeric(cells).astype("Int64")
        elif spec.kind == "boolean":
            out[name] = cells.map({"yes": True, "no": False}).astype("boolean")
        elif spec.kind in ("date", "datetime"):
            out[name] = pd.to_datetime(cells, format="ISO8601").astype("datetime64[us]")
        else:
            out[name] = cells.astype("str")
    return pd.DataFrame(out)


def _checks_by_column(sheet: Worksheet) -> dict[str, list[tuple[DataValidation, CellRange]]]:
    """The data validations of a sheet, keyed by the header of the column each one covers."""
    letters = {get_column_letter(cell.column): cell.value for cell in sheet[1]}
    found: dict[str, list[tuple[DataValidation, CellRange]]] = {}
    for check in sheet.data_validations.dataValidation:
        for cell_range in check.sqref.ranges:
            letter = get_column_letter(cell_range.min_col)
            assert cell_range.max_col == cell_range.min_col
            found.setdefault(letters[letter], []).append((check, cell_range))
    return found


def test_returns_the_files_written(tmp_path: Path) -> None:
    paths = write_template(tmp_path / "new" / "log")
    assert [path.name for path in paths] == [f"{table}.csv" for table in TABLES] + [WORKBOOK_NAME]
    assert all(path.is_file() for path in paths)
    assert sorted(path.name for path in (tmp_path / "new" / "log").iterdir()) == sorted(p.name for p in paths)


@pytest.mark.parametrize("table", TABLES)
def test_csv_has_canonical_headers_and_one_row(template: Path, table: str) -> None:
    frame = pd.read_csv(template / f"{table}.csv", dtype="str", keep_default_na=False)
    assert list(frame.columns) == _columns(table)
    assert len(frame) == 1
    assert "example" in frame.loc[0, "notes"].lower()


@pytest.mark.parametrize("table", TABLES)
def test_csv_example_row_is_valid(template: Path, table: str) -> None:
    frame = pd.read_csv(template / f"{table}.csv", dtype="str", keep_default_na=False)
    typed = _typed(frame, table)
    validated = MODELS[table].validate(typed, lazy=True)
    assert len(validated) == 1


def test_csv_example_values_are_realistic(template: Path) -> None:
    daily = pd.read_csv(template / "daily.csv", dtype="str", keep_default_na=False).iloc[0]
    assert (daily["water_ml"], daily["magnesium_mg"]) == ("1800", "320")
    assert (daily["exercise_type"], daily["exercise_min"], daily["warmup"]) == ("walking", "30", "yes")
    spasm = pd.read_csv(template / "spasms.csv", dtype="str", keep_default_na=False).iloc[0]
    assert spasm["start"] == "2026-01-15 02:40"
    assert (spasm["body_region"], spasm["side"], spasm["duration_s"]) == ("calf", "left", "90")
    assert (spasm["context"], spasm["relief"]) == ("sleep", "stretch;water")


def test_workbook_sheets(workbook: openpyxl.Workbook) -> None:
    assert workbook.sheetnames == ["README", *TABLES]


@pytest.mark.parametrize("table", TABLES)
def test_workbook_headers_bold_frozen_and_wide_enough(workbook: openpyxl.Workbook, table: str) -> None:
    sheet = workbook[table]
    headers = [cell.value for cell in sheet[1]]
    assert headers == _columns(table)
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    for cell in sheet[1]:
        assert sheet.column_dimensions[get_column_letter(cell.column)].width >= len(cell.value)
        assert cell.comment is not None
        assert cell.comment.text == column_help(table, cell.value)


@pytest.mark.parametrize("table", TABLES)
def test_workbook_example_row_is_valid(workbook: openpyxl.Workbook, table: str) -> None:
    sheet = workbook[table]
    headers = [cell.value for cell in sheet[1]]
    values = [cell.value for cell in sheet[2]]
    assert sheet.max_row == 2
    frame = pd.DataFrame([values], columns=headers).astype("object")
    text = frame.map(lambda value: "" if value is None else str(value))
    typed = _typed(text, table)
    assert len(MODELS[table].validate(typed, lazy=True)) == 1
    spasms_start = workbook["spasms"]["A2"]
    assert spasms_start.is_date
    assert spasms_start.number_format == "yyyy-mm-dd hh:mm"


@pytest.mark.parametrize("table", TABLES)
def test_workbook_checks_follow_the_schema(workbook: openpyxl.Workbook, table: str) -> None:
    sheet = workbook[table]
    checks = _checks_by_column(sheet)
    for name, spec in field_specs(table).items():
        if name == "person_id":
            assert name not in checks
            continue
        if spec.kind == "text":
            assert name not in checks
            continue
        [(check, cell_range)] = checks[name]
        assert (cell_range.min_row, cell_range.max_row) == (2, TEMPLATE_ROWS)
        assert check.allow_blank
        assert check.showInputMessage and check.prompt
        assert len(check.prompt) <= 255 and len(check.promptTitle) <= 32
        _assert_check_matches(check, spec)


def _assert_check_matches(check: DataValidation, spec: FieldSpec) -> None:
    if spec.kind == "category":
        assert check.type == "list"
        assert check.formula1 == '"' + ",".join(spec.allowed) + '"'
        assert len(check.formula1) <= 255  # Excel's limit for a list written in the rule
    elif spec.kind == "boolean":
        assert check.type == "list"
        assert check.formula1 == '"yes,no"'
    elif spec.kind == "list":
        assert check.type is None  # a drop-down list offers one value; relief takes several
        assert all(value in check.prompt for value in spec.allowed)
        assert ";" in check.prompt
    elif spec.kind in ("number", "integer", "duration"):
        assert check.type == ("whole" if spec.kind == "integer" else "decimal")
        assert check.showErrorMessage and check.errorStyle == "stop"
        assert spec.range_text() in check.error
        if spec.maximum is not None:
            assert check.operator == "between"
            assert (float(check.formula1), float(check.formula2)) == (spec.minimum, spec.maximum)
        else:
            assert check.operator == ("greaterThan" if spec.minimum_exclusive else "greaterThanOrEqual")
            assert float(check.formula1) == spec.minimum
    elif spec.kind in ("date", "datetime"):
        assert check.type == "date"
        assert check.operator == "between"
        assert check.formula2 == ("TODAY()" if spec.kind == "date" else "TODAY()+1")
    else:
        pytest.fail(f"no expectation for kind {spec.kind}")


@pytest.mark.parametrize(
    ("table", "column", "kind", "bounds"),
    [
        ("daily", "water_ml", "decimal", ("0", "15000")),
        ("daily", "steps", "whole", ("0", "150000")),
        ("daily", "posture_score", "whole", ("1", "5")),
        ("daily", "sitting_h", "decimal", ("0", "24")),
        ("spasms", "intensity", "decimal", ("0", "10")),
        ("spasms", "duration_s", "decimal", ("0", None)),
        ("people", "birth_year", "whole", ("1900", "2100")),
    ],
)
def test_workbook_number_bounds(
    workbook: openpyxl.Workbook, table: str, column: str, kind: str, bounds: tuple[str, str | None]
) -> None:
    [(check, _)] = _checks_by_column(workbook[table])[column]
    assert (check.type, check.formula1, check.formula2) == (kind, *bounds)


def test_workbook_error_message_names_range_and_unit(workbook: openpyxl.Workbook) -> None:
    [(check, _)] = _checks_by_column(workbook["daily"])["water_ml"]
    assert check.error == "water_ml must be a number between 0 and 15000 mL."


def test_workbook_body_region_drop_down(workbook: openpyxl.Workbook) -> None:
    [(check, _)] = _checks_by_column(workbook["spasms"])["body_region"]
    assert check.type == "list"
    assert check.formula1.strip('"').split(",")[:3] == ["calf", "foot", "toes"]


def test_readme_sheet_explains_every_column(workbook: openpyxl.Workbook) -> None:
    rows = list(workbook["README"].iter_rows(values_only=True))
    header = rows.index(("table", "column", "required", "type", "unit", "range", "allowed values", "meaning"))
    described = {(row[0], row[1]): row for row in rows[header + 1 :]}
    expected = {(table, name) for table in TABLES for name in _columns(table)}
    assert set(described) == expected
    assert described[("daily", "water_ml")][4:6] == ("mL", "between 0 and 15000 mL")
    assert "left, right, both, midline" in described[("spasms", "side")][6]
    assert any("relief" in str(row[0]) and ";" in str(row[0]) for row in rows[:header])


@pytest.mark.parametrize("table", TABLES)
def test_column_help_for_every_column(table: str) -> None:
    for name, spec in field_specs(table).items():
        text = column_help(table, name)
        assert text.endswith("Required." if spec.required else "Optional.")
        for value in spec.allowed:
            assert value in text


@pytest.mark.parametrize(
    ("table", "column", "parameter", "match"),
    [
        ("daily", "water", "column", "'water' is not a column of the daily table"),
        ("day", "date", "table", r"The 'table' parameter of column_help must be one of \{'daily', "),
        ("Daily", "date", "table", "Got 'Daily' instead"),
    ],
)
def test_column_help_rejects_unknown_names(table: str, column: str, parameter: str, match: str) -> None:
    with pytest.raises(ParameterError, match=match) as raised:
        column_help(table, column)
    assert isinstance(raised.value, ValueError)
    assert (raised.value.function, raised.value.parameter) == ("column_help", parameter)
    assert raised.value.value == (table if parameter == "table" else column)


@pytest.mark.parametrize("existing", ["daily.csv", "people.csv", WORKBOOK_NAME])
def test_refuses_to_overwrite(tmp_path: Path, existing: str) -> None:
    (tmp_path / existing).write_text("my own data\n")
    with pytest.raises(SpasmlogError, match=r"already exists.*Choose an empty folder") as raised:
        write_template(tmp_path)
    assert raised.value.file == str(tmp_path / existing)
    assert (tmp_path / existing).read_text() == "my own data\n"
    assert [path.name for path in tmp_path.iterdir()] == [existing]  # nothing else written either


def test_overwrite_replaces_the_template(tmp_path: Path) -> None:
    write_template(tmp_path)
    (tmp_path / "daily.csv").write_text("old\n")
    write_template(tmp_path, overwrite=True)
    assert (tmp_path / "daily.csv").read_text().startswith("date,water_ml,")


@pytest.mark.parametrize(
    ("format", "names"),
    [("csv", [f"{table}.csv" for table in TABLES]), ("xlsx", [WORKBOOK_NAME])],
)
def test_one_format_only(tmp_path: Path, format: str, names: list[str]) -> None:
    paths = write_template(tmp_path, format=format)  # type: ignore[arg-type]
    assert [path.name for path in paths] == names
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(names)


@pytest.mark.parametrize("format", ["ods", "CSV", None])
def test_unknown_format_is_rejected(tmp_path: Path, format: object) -> None:
    with pytest.raises(ParameterError, match="The 'format' parameter of write_template must be one of") as raised:
        write_template(tmp_path, format=format)  # type: ignore[arg-type]
    assert isinstance(raised.value, ValueError)
    assert (raised.value.parameter, raised.value.value) == ("format", format)
    assert list(tmp_path.iterdir()) == []  # refused before anything was written


def test_a_file_is_not_a_folder(tmp_path: Path) -> None:
    target = tmp_path / "log.csv"
    target.write_text("")
    with pytest.raises(SpasmlogError, match="it is a file, not a folder") as raised:
        write_template(target)
    assert not isinstance(raised.value, ParameterError)  # a problem of the file system, not of an argument


def _log_days(folder: Path, days: int = 40) -> None:
    """Replace the example row of ``folder/daily.csv`` with ``days`` days logged (as a person fills it in)."""
    header = (folder / "daily.csv").read_text(encoding="utf-8").splitlines()[0]
    columns = header.split(",")
    lines = [header]
    for day in pd.date_range("2026-09-01", periods=days, freq="D"):
        cells = dict.fromkeys(columns, "")
        cells.update(date=f"{day:%Y-%m-%d}", spasm_count=str(day.day % 3), water_ml="1600")
        lines.append(",".join(cells[c] for c in columns))
    (folder / "daily.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize("layout", ["one-folder", "caseload", "copied-folders", "workbooks"])
def test_template_folders_are_read_as_the_person_they_are_named_after(tmp_path: Path, layout: str) -> None:
    """``spasmlog template praxis/Anna`` + ``praxis/Bernd`` is a caseload of Anna and Bernd (not two people
    called ``me``), and a copied folder is the person of its new name."""
    import shutil

    import spasmlog

    if layout == "one-folder":
        write_template(tmp_path / "kim", format="csv")
        log, expected = spasmlog.read_log(tmp_path / "kim"), ["kim"]
    elif layout == "workbooks":
        for name in ("Anna", "Bernd"):
            write_template(tmp_path / "praxis" / name, format="xlsx")
        log, expected = spasmlog.read_log(tmp_path / "praxis"), ["Anna", "Bernd"]
    else:
        write_template(tmp_path / "praxis" / "Anna", format="csv")
        if layout == "caseload":
            write_template(tmp_path / "praxis" / "Bernd", format="csv")
        else:
            shutil.copytree(tmp_path / "praxis" / "Anna", tmp_path / "praxis" / "Kopie von Anna")
        log = spasmlog.read_log(tmp_path / "praxis")
        expected = ["Anna", "Bernd"] if layout == "caseload" else ["Anna", "Kopie von Anna"]
    assert log.person_ids == expected
    assert len(log.problems) == 0
    for table in TABLES:
        assert sorted(log.table(table)["person_id"]) == expected  # one example row each, everyone's own


@pytest.mark.parametrize("caseload", [False, True], ids=["one-folder", "caseload"])
def test_every_command_works_on_template_folders(
    tmp_path: Path, caseload: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    import spasmlog
    from spasmlog.cli import main

    root = tmp_path / "praxis" if caseload else tmp_path / "kim"
    folders = [root / "Anna", root / "Bernd"] if caseload else [root]
    for folder in folders:
        assert main(["template", str(folder), "--format", "csv"]) == 0
        assert f"The rows are about {folder.name!r}, the folder's name" in capsys.readouterr().out
        _log_days(folder)
    people = [f.name for f in folders]
    assert main(["validate", str(root)]) == 0
    person = ["--person", people[0]] if caseload else []
    plan = ["plan", str(root), *person, "--try", "stretching", "--start", "2030-01-07", "--seed", "5"]
    plan += ["--calendar", str(tmp_path / "calendar.html")]
    assert main(plan) == 0, capsys.readouterr().err
    planned = pd.read_csv(folders[0] / "experiments.csv", dtype="str")
    assert set(planned["person_id"]) == {people[0]}
    log = spasmlog.read_log(root)
    assert log.person_ids == sorted(people)
    assert set(log.experiments["person_id"]) == {people[0]}
    report = tmp_path / ("report" if caseload else "report.html")
    assert main(["report", str(root), "-o", str(report)]) == 0, capsys.readouterr().err
    index = (report / "index.html" if caseload else report).read_text(encoding="utf-8")
    for name in people:
        assert name in index
    bundle = tmp_path / "bundle"
    assert main(["share", str(root), "--out", str(bundle), "--key", str(tmp_path / "key.csv")]) == 0
    shared = pd.read_csv(bundle / "daily.csv", dtype="str")
    assert shared["person_id"].nunique() == len(people)
    assert len(shared) == 40 * len(people)
