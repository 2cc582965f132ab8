"""read_visible on Visible's CSV exports: 0–3 cramp ratings, measurements and exertion as factors, doses.

Every expected value below was worked out by hand from the fixture text above it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from spasmlog.cli import main
from spasmlog.errors import ImportFormatError
from spasmlog.importers import detect
from spasmlog.importers.merge import merge_into
from spasmlog.importers.visible import read_visible

Write = Callable[..., Path]

# Visible writes a space after every line, the header included. Lines as a spreadsheet shows them:
# header 1, "Muscle cramps 5" is line 18, "abc" line 19, the broken row line 22, "yesterday" line 23.
EXPORT = (
    "observation_date,tracker_name,tracker_category,observation_value \n"
    "2026-05-01,Muscle cramps,Pain,2 \n"
    "2026-05-01,Krämpfe,Muscles,3 \n"
    "2026-05-01,Headache,Brain,1 \n"
    "2026-05-01,Resting HR,Measurement,61 \n"
    "2026-05-01,Stability Score,Measurement,3 \n"
    "2026-05-01,Physically active,Physical,2 \n"
    "2026-05-01,Crash,Experience,0 \n"
    "2026-05-01,Sleep,Sleep,1 \n"
    '2026-05-01,Note,Note,"Calves tight, after the walk" \n'
    "2026-05-01,Magnesium (mg),Medication,250 \n"
    "2026-05-02,Muscle cramps,Pain,0 \n"
    "2026-05-02,Resting HR,Measurement,64 \n"
    "2026-05-02,Resting HR,Measurement,64 \n"
    "2026-05-02,Stability Score,Measurement,2 \n"
    "2026-05-02,Stability Score,Measurement,4 \n"
    "2026-05-02,Magnesium (mg),Medication,0 \n"
    "2026-05-03,Muscle cramps,Pain,5 \n"
    "2026-05-03,Resting HR,Measurement,abc \n"
    "2026-05-03,Weather,Environment,sunny \n"
    "2026-05-03,Barometric pressure,Environment,1013 \n"
    "2026-05-04,Muscle cramps,Pain,1,extra \n"
    "yesterday,Muscle cramps,Pain,1 \n"
    "2026-05-05,Muscle cramps,Pain, \n"
)


def test_day_by_day(write: Write) -> None:
    path = write("visible.csv", b"\xef\xbb\xbf" + EXPORT.replace("\n", "\r\n").encode())
    table = read_visible(path)
    by_day = table.set_index(table["date"].dt.strftime("%F"))
    assert list(by_day.index) == ["2026-05-01", "2026-05-02", "2026-05-03"]  # 5 May: an empty value only
    assert by_day["spasm_count"].tolist()[:2] == [1.0, 0.0]  # rated 2 and 3; rated 0
    assert by_day["visible_spasm_severity"].tolist()[:2] == ["Severe (3)", "None (0)"]  # the higher of 2 and 3
    assert pd.isna(by_day.at["2026-05-03", "spasm_count"])  # 5 is not on Visible's 0–3 scale
    assert by_day["visible_resting_hr"].tolist()[:2] == [61.0, 64.0]
    assert by_day["visible_stability_score"].tolist()[:2] == [3.0, 2.0]  # 2 May logged twice: the first kept
    assert by_day.at["2026-05-01", "visible_physically_active"] == 2.0
    assert by_day.at["2026-05-01", "visible_crash"] == 0.0
    assert by_day.at["2026-05-01", "visible_sleep"] == 1.0
    assert "sleep_h" not in table  # Visible's Sleep is a rating, not hours
    assert by_day["magnesium_mg"].tolist()[:2] == [250.0, 0.0]  # 0: not taken
    assert by_day.at["2026-05-01", "notes"] == "Calves tight, after the walk"
    assert by_day.at["2026-05-03", "notes"] == "Weather: sunny"
    assert table.attrs["source"] == "visible"


def test_what_could_not_be_placed_is_reported(write: Write) -> None:
    table = read_visible(write("visible.csv", EXPORT))
    notes = " ".join(table.attrs["notes"])
    assert "line 22: 5 cells where the header has 4" in notes
    assert "line 23 ('yesterday')" in notes
    assert "visible.csv:18 observation_value = '5' (Muscle cramps" in notes
    assert "visible.csv:19 observation_value = 'abc' (Resting HR)" in notes
    assert "'Headache (Brain)', 'Barometric pressure (Environment)'" in notes
    assert "Stability Score = '4' (first: '2')" in notes
    assert "1 row repeated exactly" in notes
    interventions = table.attrs["interventions"]
    assert [(i["name"], i["kind"], f"{i['start']:%F}", i["dose"]) for i in interventions] == [
        ("Magnesium", "supplement", "2026-05-01", "250 mg")
    ]


def test_not_a_visible_export(write: Write) -> None:
    with pytest.raises(ImportFormatError, match="is not a Visible export"):
        read_visible(write("x.csv", "observation_date,value\n2026-01-01,3\n"))


def test_auto_detection_and_the_command_line(write: Write, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from spasmlog.analysis.daily import association_factors, daily_table
    from spasmlog.validation.read import read_log

    export = write("visible.csv", EXPORT)
    assert detect(export) == "visible"
    log = tmp_path / "log"
    log.mkdir()
    assert main(["import", "--auto", str(export), "--into", str(log)]) == 0
    assert "on 3 new days added" in capsys.readouterr().out
    assert main(["import", "visible", str(export), "--into", str(log)]) == 0
    assert "nothing was changed" in capsys.readouterr().out
    assert main(["validate", str(log)]) == 0
    factors = association_factors(daily_table(read_log(log)))
    assert {"visible_resting_hr", "visible_stability_score", "visible_physically_active"} <= set(factors)
    assert "visible_spasm_severity" not in factors


def test_reimport_of_a_newer_export_updates_its_own_values(write: Write, tmp_path: Path) -> None:
    log = tmp_path / "log"
    log.mkdir()
    merge_into(read_visible(write("v1.csv", EXPORT)), log)
    newer = EXPORT.replace("2026-05-01,Resting HR,Measurement,61", "2026-05-01,Resting HR,Measurement,59")
    result = merge_into(read_visible(write("v2.csv", newer)), log)
    assert result.changes[result.changes["action"] == "updated"]["imported_value"].tolist() == [59.0]


def test_utf16_tab_separated_as_excel_saves_it(write: Write) -> None:
    text = EXPORT.replace(",", "\t").replace('"Calves tight\t after the walk"', "Calves tight, after the walk")
    table = read_visible(write("visible.txt", b"\xff\xfe" + text.encode("utf-16-le")))
    by_day = table.set_index(table["date"].dt.strftime("%F"))
    assert by_day["visible_resting_hr"].tolist()[:2] == [61.0, 64.0]
    assert by_day.at["2026-05-01", "notes"] == "Calves tight, after the walk"
    assert by_day.at["2026-05-01", "spasm_count"] == 1.0


def test_a_header_without_rows_says_so(write: Write) -> None:
    table = read_visible(write("empty.csv", "observation_date,tracker_name,tracker_category,observation_value\n"))
    assert len(table) == 0
    assert "holds a header row and nothing else" in " ".join(table.attrs["notes"])


def test_records_and_unreadable_rows_are_counted_for_the_import_summary(tmp_path: Path) -> None:
    export = tmp_path / "visible.csv"
    export.write_text(
        "observation_date,tracker_name,tracker_category,observation_value\n"
        "2026-01-01,Muscle cramps,Symptom,2\n2026-13-45,Muscle cramps,Symptom,1\n2026-01-02,Stability Score\n",
        encoding="utf-8",
    )
    table = read_visible(export)
    assert (table.attrs["records"], table.attrs["unreadable"]) == (3, 2)


def test_a_refused_or_empty_value_never_wins_over_a_valid_one_of_the_same_day(write: Write) -> None:
    path = write(
        "visible.csv",
        "observation_date,tracker_name,tracker_category,observation_value\n"
        "2023-03-01,Muscle cramps,Symptom,5\n"  # line 2: out of Visible's 0-3 scale, refused
        "2023-03-01,Muscle cramps,Symptom,1\n"  # line 3: valid, kept although second
        "2023-03-02,Muscle cramps,Symptom,\n"  # line 4: empty, not a value
        "2023-03-02,Muscle cramps,Symptom,3\n"  # line 5: kept
        "2023-03-03,Muscle cramps,Symptom,2\n"  # line 6: kept (first valid)
        "2023-03-03,Muscle cramps,Symptom,x\n"  # line 7: refused, after the valid one
        "2023-03-03,Muscle cramps,Symptom,x\n"  # line 8: the same row again, read once
        "2023-03-04,Resting HR,Measurement,abc\n"  # line 9: refused, the only value of that day
        "2023-03-04,Resting HR,Measurement,58\n",  # line 10: kept
    )
    table = read_visible(path)
    assert table["date"].dt.strftime("%Y-%m-%d").tolist() == ["2023-03-01", "2023-03-02", "2023-03-03", "2023-03-04"]
    assert table["spasm_count"].tolist()[:3] == [1.0, 1.0, 1.0]
    assert table["visible_spasm_severity"].tolist()[:3] == ["Mild (1)", "Severe (3)", "Moderate (2)"]
    assert table["visible_resting_hr"].tolist()[3] == 58.0
    notes = " ".join(table.attrs["notes"])
    assert "first kept" not in notes  # no two valid values disagreed
    assert f"{path}:2 Muscle cramps = '5' refused, {path}:3 = '1' kept" in notes
    assert f"{path}:7 Muscle cramps = 'x' refused, {path}:6 = '2' kept" in notes
    assert f"{path}:9 Resting HR = 'abc' refused, {path}:10 = '58' kept" in notes
    assert "3 cells could not be read and were left out" in notes
    assert "1 row repeated exactly in the export was read once" in notes


def test_a_dose_refused_from_the_days_intake_is_left_out_of_its_intervention(write: Write, tmp_path: Path) -> None:
    # 70000 mg breaks magnesium_mg <= 5000 mg a day: the dose keeps 300 mg only, the notes name the rest.
    export = write(
        "v.csv",
        "observation_date,tracker_name,tracker_category,observation_value\n"
        "2026-06-01,Magnesium (mg),Medication,300\n"
        "2026-06-02,Magnesium (mg),Medication,70000\n",
    )
    table = read_visible(export)
    (magnesium,) = table.attrs["interventions"]
    assert (f"{magnesium['start']:%F}", f"{magnesium['end']:%F}", magnesium["dose"]) == (
        "2026-06-01",
        "2026-06-02",
        "300 mg",
    )
    rule = "70000 mg on 2026-06-02 (magnesium_mg 70000 > 5000 mg a day)"
    assert rule in str(magnesium["notes"]) and f"'Magnesium' {rule}" in " ".join(table.attrs["notes"])
    merge_into(table, tmp_path / "log")
    written = pd.read_csv(tmp_path / "log" / "interventions.csv", dtype="str")
    assert written["dose"].tolist() == ["300 mg"] and rule in written["notes"].iloc[0]
