"""read_log on the files people actually produce: dialects, layouts, unit headers, errors, round trips."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import spasmlog
from spasmlog.errors import (
    AmbiguousColumnError,
    EncodingError,
    LogNotFoundError,
    LogValidationError,
    MissingColumnError,
    ParameterError,
    SpasmlogError,
    UnrecognisedTableError,
)

Write = Callable[..., Path]

DAILY = "date,water_ml,magnesium_mg,warmup\n2026-01-01,1500,300,yes\n2026-01-02,2000,,no\n"


def test_comma_utf8(write: Write) -> None:
    log = spasmlog.read_log(write("me/daily.csv", DAILY).parent)
    assert log.daily["water_ml"].tolist() == [1500.0, 2000.0]
    assert log.daily["person_id"].unique().tolist() == ["me"]
    assert pd.isna(log.daily["magnesium_mg"].iloc[1])  # an empty cell is "not recorded", never 0


def test_semicolon_decimal_comma_bom_crlf(write: Write) -> None:
    text = "\ufeffDate;Water (L);Sleep (h)\r\n2026-01-01;1,5;7,25\r\n2026-01-02;2;8\r\n"
    log = spasmlog.read_log(write("daily.csv", text))
    assert log.daily["water_ml"].tolist() == [1500.0, 2000.0]
    assert log.daily["sleep_h"].tolist() == [7.25, 8.0]
    assert "Date" in log.conversions["column"].tolist() or log.daily.columns[1] == "date"


def test_a_quoted_header_holding_the_other_delimiter_is_not_split_inside_its_quotes(write: Write) -> None:
    text = '"Water, daily, litres";date;"Notes, free text"\r\n1,5;01.03.2026;"a, b"\r\n2;02.03.2026;c\r\n'
    log = spasmlog.read_log(write("daily.csv", text))
    assert log.daily["date"].dt.strftime("%Y-%m-%d").tolist() == ["2026-03-01", "2026-03-02"]
    assert log.daily["Water, daily, litres"].tolist() == [1.5, 2.0]  # one column, its decimal commas read
    assert log.daily["Notes, free text"].tolist() == ["a, b", "c"]


def test_windows_1252_fallback(write: Write) -> None:
    text = "date,notes\n2026-01-01,Crampe au mollet après le café\n"
    log = spasmlog.read_log(write("daily.csv", text, encoding="cp1252"))
    assert log.daily["notes"].iloc[0] == "Crampe au mollet après le café"


def test_encoding_can_be_given_for_a_file_whose_encoding_is_a_guess(write: Write) -> None:
    text = "date,water_ml,notes\n2026-01-01,1500,skurcz łydki w nocy\n2026-01-02,1600,źle spałem\n"
    path = write("daily.csv", text, encoding="cp1250")
    log = spasmlog.read_log(path.parent, encoding="cp1250")
    assert log.daily["notes"].tolist() == ["skurcz łydki w nocy", "źle spałem"]


def test_utf16_with_bom_tab_separated(write: Write) -> None:
    text = "date\twater_ml\n2026-01-01\t1500\n"
    log = spasmlog.read_log(write("daily.txt", text, encoding="utf-16"))
    assert log.daily["water_ml"].tolist() == [1500.0]


def test_unreadable_bytes_are_an_encoding_error(write: Write) -> None:
    path = write("daily.csv", b"date,notes\n2026-01-01,\x81\x8d\x8f\x90\x9d\n")
    with pytest.raises(EncodingError, match="save it as 'CSV UTF-8'") as caught:
        spasmlog.read_log(path)
    assert caught.value.file == str(path)


def test_excel_resaved_dates_booleans_and_blank_trailing_lines(write: Write) -> None:
    text = "date,warmup,steps\n1/27/2026,TRUE,8000\n1/28/2026,FALSE,\n,,\n\n\n"
    log = spasmlog.read_log(write("daily.csv", text))
    assert log.daily["date"].dt.strftime("%Y-%m-%d").tolist() == ["2026-01-27", "2026-01-28"]
    assert log.daily["warmup"].tolist() == [True, False]
    assert int(log.sources["blank_rows"].sum()) == 3


def test_day_first_dates_resolved_and_ambiguous_ones_reported(write: Write) -> None:
    folder = write("a/daily.csv", "date,water_ml\n27/01/2026,1\n03/02/2026,2\n").parent
    assert spasmlog.read_log(folder).daily["date"].dt.month.tolist() == [1, 2]
    ambiguous = write("b/daily.csv", "date,water_ml\n03/02/2026,1\n04/02/2026,2\n").parent
    with pytest.raises(LogValidationError, match="dayfirst") as caught:
        spasmlog.read_log(ambiguous)
    assert caught.value.problems["rule"].tolist() == ["ambiguous_date", "ambiguous_date"]
    assert caught.value.problems["line"].tolist() == [2, 3]
    assert spasmlog.read_log(ambiguous, dayfirst=True).daily["date"].dt.month.tolist() == [2, 2]
    assert spasmlog.read_log(ambiguous, dayfirst=False).daily["date"].dt.month.tolist() == [3, 4]


def test_durations_people_write(write: Write) -> None:
    text = "start,body_region,duration\n2026-01-01 02:00,calf,90\n2026-01-01 03:00,calf,1:30\n"
    text += "2026-01-01 04:00,foot,1m30s\n2026-01-01 05:00,foot,2 min\n"
    log = spasmlog.read_log(write("spasms.csv", text))
    assert log.spasms["duration_s"].tolist() == [90.0, 90.0, 90.0, 120.0]


@pytest.mark.parametrize(
    ("header", "cell", "column", "expected"),
    [
        ("Water (L)", "1.5", "water_ml", 1500.0),
        ("Water (oz)", "16", "water_ml", 16 * 29.5735295625),
        ("water cups", "8", "water_ml", 1920.0),
        ("Water (mL)", "750", "water_ml", 750.0),
        ("Magnesium (g)", "0.4", "magnesium_mg", 400.0),
        ("Potassium (mg)", "3400", "potassium_mg", 3400.0),
        ("Sitting (min)", "90", "sitting_h", 1.5),
        ("Sleep (hours)", "7.5", "sleep_h", 7.5),
        ("Exercise (h)", "1.5", "exercise_min", 90.0),
        ("Alcohol (drinks)", "2", "alcohol_g", 20.0),
        ("Caffeine [mg]", "95", "caffeine_mg", 95.0),
        ("Stretching (minutes)", "10", "stretching_min", 10.0),
        ("Stress (0-10)", "4", "stress", 4.0),
    ],
)
def test_unit_headers_convert_to_the_canonical_unit(
    write: Write, header: str, cell: str, column: str, expected: float
) -> None:
    log = spasmlog.read_log(write("daily.csv", f"date,{header}\n2026-01-01,{cell}\n"))
    assert log.daily[column].iloc[0] == pytest.approx(expected)
    recorded = log.conversions[log.conversions["column"] == header]
    assert recorded["field"].tolist() == [column]


def test_standard_drink_size_can_be_declared(write: Write) -> None:
    path = write("daily.csv", "date,Alcohol (drinks)\n2026-01-01,2\n")
    assert spasmlog.read_log(path, drink_g=14).daily["alcohol_g"].iloc[0] == 28.0
    assert "14 g" in spasmlog.read_log(path, drink_g=14).conversions["note"].iloc[0]


def test_out_of_range_after_conversion_names_both_values(write: Write) -> None:
    with pytest.raises(LogValidationError, match=r"'20' \(20000 mL after converting") as caught:
        spasmlog.read_log(write("daily.csv", "date,Water (L)\n2026-01-01,20\n"))
    assert caught.value.problems["column"].tolist() == ["Water (L)"]


def test_a_unit_that_cannot_be_converted_keeps_the_column_as_extra(write: Write) -> None:
    log = spasmlog.read_log(write("daily.csv", "date,Calcium (% DV)\n2026-01-01,25\n"))
    assert "calcium_mg" not in log.daily
    assert log.daily["Calcium (% DV)"].tolist() == [25.0]
    assert log.warnings["rule"].tolist() == ["unit_not_convertible"]


def test_the_log_formats_exercise_min_header_is_minutes_whatever_its_cells_hold(write: Write) -> None:
    # A header spelled as the log format spells it is never read by its cells (as 'Sport' is): a date in it is
    # a bad number, reported, not a column of the person's own that shadows exercise_min.
    log = spasmlog.read_log(
        write("daily.csv", "date,exercise_type,exercise_min\n2026-01-01,,2026-01-27\n"), errors="quarantine"
    )
    assert log.problems[["column", "value", "rule"]].values.tolist() == [["exercise_min", "2026-01-27", "not_a_number"]]
    assert log.unknown_columns.empty
    assert len(log.daily) == 0 and log.quarantine["table"].tolist() == ["daily"]


def test_two_headers_for_one_column_is_an_error(write: Write) -> None:
    with pytest.raises(AmbiguousColumnError, match="'Water \\(L\\)' and 'water_ml' both mean water_ml"):
        spasmlog.read_log(write("daily.csv", "date,Water (L),water_ml\n2026-01-01,1,1000\n"))


def test_spasms_with_separate_date_and_time(write: Write) -> None:
    text = "date,time,region,side\n27/01/2026,23:40,Calf,L\n28/01/2026,,foot,right\n"
    log = spasmlog.read_log(write("cramps.csv", text), errors="quarantine")
    assert log.spasms["start"].dt.strftime("%Y-%m-%d %H:%M").tolist() == ["2026-01-27 23:40"]
    assert log.spasms["side"].tolist() == ["left"]
    assert log.problems["rule"].tolist() == ["missing_time"]
    assert log.problems["line"].tolist() == [3]


def test_missing_required_column(write: Write) -> None:
    with pytest.raises(MissingColumnError, match="needs a 'start' column") as caught:
        spasmlog.read_log(write("spasms.csv", "body_region,intensity\ncalf,3\n"))
    assert caught.value.column == "start"
    assert caught.value.table == "spasms"


def test_missing_path_and_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(LogNotFoundError, match="does not exist"):
        spasmlog.read_log(tmp_path / "nope")
    with pytest.raises(LogNotFoundError, match="holds no log tables"):
        spasmlog.read_log(tmp_path)


def test_unrecognisable_file(write: Write) -> None:
    with pytest.raises(UnrecognisedTableError, match="cannot tell which table"):
        spasmlog.read_log(write("shopping.csv", "item,price\nmilk,1\n"))


def test_table_detected_by_headers(write: Write) -> None:
    log = spasmlog.read_log(write("export-2026.csv", "Date,Water (L),Steps\n2026-01-01,2,9000\n"))
    assert log.daily["steps"].tolist() == [9000]


RAGGED = (
    "\ufeffsep=;\r\n"  # 1: Excel's hint line
    "Date;Water (L);Notes\r\n"  # 2
    '2026-01-01;1,5;"woke at 3;\r\ncalf"\r\n'  # 3-4: a note on two lines, a delimiter inside quotes
    "\r\n"  # 5: blank
    "2026-01-02;1,8;left calf; then foot\r\n"  # 6: a ';' in a note without quotes: 4 cells
    "2026-01-03;2\r\n"  # 7: a short row, read (its note is empty)
    "2026-01-04;1;a;b;c\r\n"  # 8: 5 cells
    "2026-01-05;lots;x\r\n"  # 9: a bad value, quarantined as always
)


def test_a_row_with_more_cells_than_the_header_is_set_aside_and_the_rest_read(write: Write) -> None:
    path = write("ann/daily.csv", RAGGED)
    log = spasmlog.read_log(path.parent, errors="quarantine")
    assert log.daily["date"].dt.day.tolist() == [1, 3]
    assert log.daily["water_ml"].tolist() == [1500.0, 2000.0]
    assert log.daily["notes"].iloc[0] == "woke at 3;\r\ncalf"
    assert log.quarantine["line"].tolist() == [6, 8, 9]
    apart = log.quarantine.set_index("line")
    assert apart.loc[6, ["Date", "Water (L)", "Notes", "(extra cell 1)"]].tolist() == [
        "2026-01-02", "1,8", "left calf", " then foot"
    ]  # fmt: skip
    assert apart.loc[8, ["Notes", "(extra cell 1)", "(extra cell 2)"]].tolist() == ["a", "b", "c"]
    assert apart.loc[6, "reasons"].startswith("The row has 4 cells, the header has 3: a ';' inside a cell")
    problems = log.problems[log.problems["rule"] == "too_many_cells"]
    assert problems[["line", "value", "severity"]].values.tolist() == [[6, " then foot", "error"], [8, "b;c", "error"]]
    assert problems["file"].tolist() == [str(path)] * 2
    assert "delete the extra cells ('b', 'c')" in problems["message"].iloc[1]
    row = log.sources.iloc[0]
    assert (row["rows_read"], row["rows_valid"], row["rows_quarantined"], row["blank_rows"]) == (5, 2, 3, 1)


def test_set_aside_rows_make_read_log_raise_a_validation_error_not_a_read_error(write: Write) -> None:
    with pytest.raises(LogValidationError) as caught:
        spasmlog.read_log(write("daily.csv", "date,water_ml\n2026-01-01,1,2,3\n2026-01-02,1500\n"))
    assert caught.value.problems[["line", "rule"]].values.tolist() == [[2, "too_many_cells"]]


def test_every_row_set_aside_leaves_an_empty_table_and_a_full_quarantine(write: Write) -> None:
    log = spasmlog.read_log(write("daily.csv", "date,water_ml\n2026-01-01,1,5\n2026-01-02,2,5\n"), errors="quarantine")
    assert len(log.daily) == 0 and log.quarantine["line"].tolist() == [2, 3]
    assert log.quarantine["(extra cell 1)"].tolist() == ["5", "5"]


def test_a_quote_never_closed_is_still_a_read_error(write: Write) -> None:
    """The rest of the file would be one cell: there is no row to set aside, so the file is refused."""
    text = 'date,water_ml,notes\n2026-01-01,1500,"never closed\n2026-01-02,1,2,3\n2026-01-03,2,ok\n'
    with pytest.raises(SpasmlogError, match="never closed") as caught:
        spasmlog.read_log(write("daily.csv", text))
    assert caught.value.line == 2  # type: ignore[attr-defined]


def test_folder_with_one_subfolder_per_person(write: Write, tmp_path: Path) -> None:
    write("clinic/ann/daily.csv", DAILY)
    write("clinic/ann/spasms.csv", "start,body_region\n2026-01-01 03:00,calf\n")
    write("clinic/bob/daily.csv", DAILY)
    write("clinic/people.csv", "person_id,sex,birth_year\nann,female,1970\nbob,male,1985\n")
    log = spasmlog.read_log(tmp_path / "clinic")
    assert log.person_ids == ["ann", "bob"]
    assert log.daily.groupby("person_id").size().to_dict() == {"ann": 2, "bob": 2}
    assert log.people["sex"].tolist() == ["female", "male"]


def test_one_folder_with_a_person_id_column(write: Write) -> None:
    text = "person_id,date,water_ml\nann,2026-01-01,1\nbob,2026-01-01,2\n"
    assert spasmlog.read_log(write("cohort/daily.csv", text).parent).person_ids == ["ann", "bob"]


def test_workbook_one_sheet_per_table(tmp_path: Path) -> None:
    path = tmp_path / "my log.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as book:
        pd.DataFrame({"Date": pd.to_datetime(["2026-01-01", "2026-01-02"]), "Water (L)": [1.5, 2.0]}).to_excel(
            book, sheet_name="daily", index=False
        )
        pd.DataFrame({"start": pd.to_datetime(["2026-01-01 23:40"]), "body_region": ["calf"]}).to_excel(
            book, sheet_name="spasms", index=False
        )
        pd.DataFrame({"about": ["notes for me"]}).to_excel(book, sheet_name="README", index=False)
    log = spasmlog.read_log(path)
    assert log.daily["water_ml"].tolist() == [1500.0, 2000.0]
    assert log.spasms["start"].dt.strftime("%H:%M").tolist() == ["23:40"]
    assert log.person_ids == ["my log"]
    assert log.sources["file"].str.endswith("[daily]").any()


def test_workbook_problems_point_at_spreadsheet_rows(tmp_path: Path) -> None:
    path = tmp_path / "log.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as book:
        pd.DataFrame({"date": ["2026-01-01", "2026-01-02", "2026-01-03"], "stress": [1, 99, 2]}).to_excel(
            book, sheet_name="daily", index=False
        )
    log = spasmlog.read_log(path, errors="quarantine")
    assert log.problems[["line", "column", "value"]].values.tolist() == [[3, "stress", "99"]]


def test_parquet_and_json_lines(tmp_path: Path) -> None:
    frame = pd.DataFrame({"person_id": ["a", "a"], "date": ["2026-01-01", "2026-01-02"], "water_ml": [1.0, -2.0]})
    frame.to_parquet(tmp_path / "daily.parquet")
    log = spasmlog.read_log(tmp_path / "daily.parquet", errors="quarantine")
    assert log.problems[["line", "rule"]].values.tolist() == [[2, "below_minimum"]]
    frame.to_json(
        tmp_path / "j" / "daily.jsonl" if (tmp_path / "j").mkdir() is None else "",
        orient="records",
        lines=True,
    )
    log = spasmlog.read_log(tmp_path / "j", errors="quarantine")
    assert log.daily["water_ml"].tolist() == [1.0]


def test_quarantine_keeps_the_original_cells(write: Write) -> None:
    text = "Date;Water (L);banana\n2026-01-01;1,5;1\n2026-01-02;lots;0\n"
    log = spasmlog.read_log(write("daily.csv", text), errors="quarantine")
    row = log.quarantine.iloc[0]
    assert (row["line"], row["Water (L)"], row["Date"], row["banana"]) == (3, "lots", "2026-01-02", "0")
    assert "not a number" in row["reasons"]
    assert len(log.daily) + len(log.quarantine) == 2


def test_round_trip_keeps_every_table_and_extra_column(write: Write, tmp_path: Path) -> None:
    write(
        "src/ann/daily.csv",
        "date;Water (L);banana;mood;hot bath\n2026-01-01;1,5;1;ok;yes\n2026-01-02;;2,5;;no\n",
    )
    write(
        "src/ann/spasms.csv",
        'start,body_region,duration_s,relief,notes\n2026-01-01 23:40:15,calf,1:30,stretch;water,"a, b"\n',
    )
    write("src/ann/interventions.csv", "name,kind,start,end,dose\nmagnesium,supplement,2026-01-01,,300 mg\n")
    write("src/bob/daily.csv", DAILY)
    write("src/people.csv", "person_id,sex,birth_year\nann,female,1970\n")
    first = spasmlog.read_log(tmp_path / "src")
    for form in ("csv", "xlsx", "parquet"):
        written = first.write(tmp_path / f"out-{form}", format=form)  # type: ignore[arg-type]
        again = spasmlog.read_log(written)
        for table in ("daily", "spasms", "interventions", "people"):
            pd.testing.assert_frame_equal(again.table(table), first.table(table), obj=f"{form} {table}")


def test_write_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = spasmlog.validate_tables({"daily": pd.DataFrame({"person_id": ["a"], "date": ["2026-01-01"]})})
    log.write(tmp_path)
    before = (tmp_path / "daily.csv").read_bytes()

    def crash(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(pd.DataFrame, "to_csv", crash)
    with pytest.raises(KeyboardInterrupt):
        log.write(tmp_path, overwrite=True)
    assert (tmp_path / "daily.csv").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["daily.csv"]


def test_rows_in_equal_valid_plus_quarantined_across_files(write: Write, tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    rows = ["date,water_ml,stress"] + [
        f"2025-{1 + i // 28:02d}-{1 + i % 28:02d},{rng.choice(['1500', '-4', 'x', ''])},{rng.choice(['3', '99', ''])}"
        for i in range(200)
    ]
    write("many/a/daily.csv", "\n".join(rows) + "\n")
    write("many/b/daily.csv", "\n".join(rows[:50]) + "\n")
    log = spasmlog.read_log(tmp_path / "many", errors="quarantine")
    assert len(log.daily) + len(log.quarantine) == 249
    assert (log.sources["rows_read"] == log.sources["rows_valid"] + log.sources["rows_quarantined"]).all()
    assert set(log.quarantine["line"]) <= set(range(2, 202))


def test_the_fast_reader_for_big_files_reads_exactly_like_the_careful_one(
    write: Write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(
        "a/daily.csv",
        '\ufeffDate;Water (L);Warm-up;notes\r\n27/01/2026;1,5;TRUE;"a; b"\r\n28/01/2026;lots;;\r\n',
    )
    write("a/spasms.csv", "start,body_region,duration\n2026-01-27 23:40,calf,1:30\n2026-01-28 01:00,elbow,90\n")
    write("b/daily.csv", "date,water_ml\n2026-01-01,1\n\n2026-01-02,2\n")  # blank line: the careful reader
    careful = spasmlog.read_log(tmp_path, errors="quarantine")
    monkeypatch.setattr("spasmlog.io.sources.FAST_CSV_BYTES", 0)
    fast = spasmlog.read_log(tmp_path, errors="quarantine")
    for table in ("daily", "spasms"):
        pd.testing.assert_frame_equal(fast.table(table), careful.table(table))
    pd.testing.assert_frame_equal(fast.problems, careful.problems)
    pd.testing.assert_frame_equal(fast.quarantine, careful.quarantine)
    assert fast.problems["line"].tolist() == [3, 3]


def test_a_column_named_like_the_quarantine_bookkeeping_is_kept(write: Write) -> None:
    text = "date,water_ml,table\n2026-01-01,abc,kitchen\n2026-01-02,1500,desk\n"
    log = spasmlog.read_log(write("daily.csv", text), errors="quarantine")
    assert log.daily["table"].tolist() == ["desk"]
    assert log.quarantine.loc[0, "table (in file)"] == "kitchen"
    assert log.summary().set_index("table").loc["daily", "rows_quarantined"] == 1


def test_a_damaged_parquet_file_is_a_read_error(write: Write) -> None:
    with pytest.raises(SpasmlogError, match="could not be read as a Parquet table"):
        spasmlog.read_log(write("daily.parquet", b"PAR1garbage"))


def test_files_that_are_not_tables_are_skipped_with_a_warning(write: Write, tmp_path: Path) -> None:
    write("log/daily.csv", "date,water_ml\n2026-01-01,1\n2026-01-02,lots\n")
    write("log/shopping.csv", "item,price\nmilk,1\n")
    log = spasmlog.read_log(tmp_path / "log", errors="quarantine")
    log.quarantine.to_csv(tmp_path / "log" / "quarantine.csv", index=False)  # saved beside the log
    again = spasmlog.read_log(tmp_path / "log", errors="quarantine")
    skipped = again.warnings[again.warnings["rule"] == "not_read"]
    assert sorted(Path(f).name for f in skipped["file"]) == ["quarantine.csv", "shopping.csv"]
    assert "quarantine file written by `spasmlog validate" in " ".join(skipped["message"])
    assert len(again.daily) == 1 and len(again.quarantine) == 1


def test_a_backup_folder_inside_a_persons_log_is_not_read(write: Write, tmp_path: Path) -> None:
    write("ann/daily.csv", DAILY)
    write("ann/backup/daily.csv", DAILY)
    log = spasmlog.read_log(tmp_path / "ann")
    assert len(log.daily) == 2
    assert log.person_ids == ["ann"]
    assert log.warnings["file"].str.endswith("backup").tolist() == [True]


def test_one_table_as_csv_and_as_a_workbook_sheet_is_refused(tmp_path: Path) -> None:
    from spasmlog.errors import ConflictingTablesError
    from spasmlog.template import write_template

    write_template(tmp_path / "t")
    with pytest.raises(ConflictingTablesError, match="Keep one form"):
        spasmlog.read_log(tmp_path / "t")


def test_a_linked_folder_is_not_followed(write: Write, tmp_path: Path) -> None:
    write("clinic/c01/daily.csv", DAILY)
    (tmp_path / "clinic" / "loop").symlink_to(tmp_path / "clinic")
    log = spasmlog.read_log(tmp_path / "clinic")
    assert log.person_ids == ["c01"]
    assert "through a link" in log.warnings["message"].iloc[0]


def test_writing_over_an_existing_log_needs_overwrite(tmp_path: Path) -> None:
    log = spasmlog.validate_tables({"daily": pd.DataFrame({"person_id": ["a"], "date": ["2026-01-01"]})})
    log.write(tmp_path)
    with pytest.raises(SpasmlogError, match="already exists"):
        log.write(tmp_path)
    assert log.write(tmp_path, overwrite=True) == tmp_path


@pytest.mark.parametrize("errors", ["warn", "Raise", None, True])
def test_a_bad_errors_choice_is_refused_before_any_file_is_read(tmp_path: Path, errors: object) -> None:
    # the folder does not exist: the argument is checked first, so the error is about it, not the folder
    with pytest.raises(ParameterError, match=r"The 'errors' parameter of read_log must be one of") as caught:
        spasmlog.read_log(tmp_path / "nowhere", errors=errors)  # type: ignore[arg-type]
    assert (caught.value.function, caught.value.parameter, caught.value.value) == ("read_log", "errors", errors)
    assert caught.value.allowed == "one of {'raise', 'quarantine'}"
    daily = pd.DataFrame({"person_id": ["a"], "date": ["2026-01-01"]})
    with pytest.raises(ParameterError, match=r"The 'errors' parameter of validate_tables") as caught:
        spasmlog.validate_tables({"daily": daily}, errors=errors)  # type: ignore[arg-type]
    assert caught.value.function == "validate_tables"


@pytest.mark.parametrize("name", ["Daily", "symptoms", ""])
def test_validate_tables_names_an_unknown_table(name: str) -> None:
    daily = pd.DataFrame({"person_id": ["a"], "date": ["2026-01-01"]})
    with pytest.raises(ParameterError, match=rf"Unknown table '{name}': the tables are daily, spasms") as caught:
        spasmlog.validate_tables({"daily": daily, name: daily})
    error = caught.value
    assert isinstance(error, ValueError)
    assert (error.function, error.parameter, error.value) == ("validate_tables", "tables", name)
