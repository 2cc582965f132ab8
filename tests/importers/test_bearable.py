"""read_bearable on Bearable's CSV exports: both header versions, cramp days, doses, factors, broken rows.

Every expected value below was worked out by hand from the fixture text above it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from spasmlog.cli import main
from spasmlog.errors import ImportFormatError
from spasmlog.importers import detect, read_export
from spasmlog.importers.bearable import bearable_date, read_bearable
from spasmlog.importers.merge import merge_into

Write = Callable[..., Path]

# The first header version. Line numbers as a spreadsheet shows them: the header is line 1, the "woke me
# up" note holds a line break (lines 5-6), so the broken row is line 31 and the "lots" sleep line 32.
OLD = (
    "date,weekday,time of day,category,rating/amount,detail,notes\n"
    '"1st Mar 2026","Sunday","pre","Symptom","1","Leg cramps (Mild)",""\n'
    '"1st Mar 2026","Sunday","am","Symptom","2","Leg cramps (Moderate)",""\n'
    '"1st Mar 2026","Sunday","mid","Symptom","3","Wadenkrämpfe (Severe)",""\n'
    '"1st Mar 2026","Sunday","pm","Symptom","4","Muscle spasms (Unbearable)","woke me up,\ntwice"\n'
    '"1st Mar 2026","Sunday","pm","Symptom","1","Back (lower) pain (Mild)",""\n'
    '"1st Mar 2026","Sunday","21:30","Meds/Supplements","300","Magnesium (mg)",""\n'
    '"1st Mar 2026","Sunday","8:05","Meds/Supplements","0.2","Magnesium citrate (g)",""\n'
    '"1st Mar 2026","Sunday","8:05","Meds/Supplements","400","Ibuprofen (mg)",""\n'
    '"1st Mar 2026","Sunday","all day","Factors","","Sedentary | With family | Charlotte\'s House",""\n'
    '"1st Mar 2026","Sunday","pm","Factors","","Sedentary | Hot bath",""\n'
    '"1st Mar 2026","Sunday","all day","Food Diary factors","","Caffeine | Bananas",""\n'
    '"1st Mar 2026","Sunday","07:10","Sleep","6:30","Asleep 00:40 - 07:10",""\n'
    '"1st Mar 2026","Sunday","09:53","Mood","6","Meh | Anxious","exam in an hour"\n'
    '"1st Mar 2026","Sunday","20:00","Mood","8","Happy",""\n'
    '"1st Mar 2026","Sunday","all day","Energy","3","",""\n'
    '"1st Mar 2026","Sunday","all day","Health measurements","8042","Step count (steps)",""\n'
    '"1st Mar 2026","Sunday","all day","Weather","21","Temperature (°C)",""\n'
    '"2nd Mar 2026","Monday","am","Symptom","2","Headache (Moderate)",""\n'
    '"2nd Mar 2026","Monday","all day","Factors","","With family",""\n'
    '"2nd Mar 2026","Monday","07:00","Sleep","","Asleep 23:15 - 07:00",""\n'
    '"2nd Mar 2026","Monday","21:00","Meds/Supplements","0","Magnesium (mg)",""\n'
    '"2nd Mar 2026","Monday","21:00","Meds/Supplements","","Ibuprofen (mg)",""\n'
    '"3rd Mar 2026","Tuesday","12:00","Gratitudes","","Sunny walk, with Anna",""\n'
    '"3rd Mar 2026","Tuesday","pm","Symptom","3","Cramps (Severe)",""\n'
    '"3rd Mar 2026","Tuesday","pm","Symptom","3","Cramps (Severe)",""\n'
    '"11th Mar 2026","Wednesday","brunch","Symptom","1","Nausea (Mild)",""\n'
    '"21st Mar 2026","Saturday","pm","Factors","","Hot bath",""\n'
    '"31st Feb 2026","Tuesday","pm","Symptom","1","Leg cramps (Mild)",""\n'
    '"22nd Mar 2026","Sunday","pm","Symptom","2","Leg cramps (Moderate)","","stray","cells"\n'
    '"23rd Mar 2026","Monday","07:00","Sleep","lots","",""\n'
)

# The later header version: ``date`` is a UTC time stamp, ``date formatted`` the person's own day.
NEW = (
    "date,date formatted,weekday,time of day,category,rating/amount,detail,notes\n"
    '"2026-04-01T23:30:00.000Z","2026-04-02","Thursday","3:04","Symptom","2","Night leg cramps (Moderate)",""\n'
    '"2026-04-02T08:00:00.000Z","2026-04-02","Thursday","am","Meds/Supplements","2","Potassium (g)",""\n'
    '"2026-04-02T08:00:00.000Z","2026-04-02","Thursday","all day","Factors","","Walk | Stretching",""\n'
    '"2026-04-03T08:00:00.000Z","2026-04-03","Friday","23:59","Symptom","1","Fatigue (Mild)",""\n'
    '"2026-04-03T08:00:00.000Z","2026-04-03","Friday","mid","Factors","","Walk",""\n'
    '"2026-04-04T08:00:00.000Z","2026-04-04","Saturday","pm","Symptom","","Krampf (Stark)",""\n'
    '"2026-03-30T08:00:00.000Z","2026-03-30","Monday","am","Symptom","1","Fatigue (Mild)",""\n'
    '"2026-03-30T08:00:00.000Z","2026-03-30","Monday","all day","Factors","","Walk",""\n'
)


def test_the_first_header_version_day_by_day(write: Write) -> None:
    path = write("bearable-export.csv", b"\xef\xbb\xbf" + OLD.replace("\n", "\r\n").encode())
    table = read_bearable(path)
    by_day = table.set_index(table["date"].dt.strftime("%F"))
    assert list(by_day.index) == ["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-11", "2026-03-21"]
    # spasm days: cramps at four severities on 1 March (one spasm day), "Cramps" on 3 March; 2 and 11 March
    # have only other symptoms (0); 21 March has no symptom row at all (not recorded).
    assert by_day["spasm_count"].tolist()[:4] == [1.0, 0.0, 1.0, 0.0]
    assert math.isnan(by_day.at["2026-03-21", "spasm_count"])
    assert by_day.at["2026-03-01", "bearable_spasm_severity"] == "Unbearable (4)"
    assert by_day.at["2026-03-03", "bearable_spasm_severity"] == "Severe (3)"
    assert pd.isna(by_day.at["2026-03-02", "bearable_spasm_severity"])
    # magnesium: 300 mg + 0.2 g citrate on 1 March; 0 ("not taken") on 2 March
    assert by_day.at["2026-03-01", "magnesium_mg"] == 500.0
    assert by_day.at["2026-03-02", "magnesium_mg"] == 0.0
    # ibuprofen: 400 mg on 1 March; an empty amount on 2 March is not recorded
    assert by_day.at["2026-03-01", "bearable_ibuprofen_mg"] == 400.0
    assert math.isnan(by_day.at["2026-03-02", "bearable_ibuprofen_mg"])
    # sleep: 6:30 → 6.5 h; an empty amount with "Asleep 23:15 - 07:00" → 7 h 45 min
    assert by_day["sleep_h"].tolist()[:2] == [6.5, 7.75]
    assert by_day.at["2026-03-01", "bearable_mood"] == 7.0  # (6 + 8) / 2
    assert by_day.at["2026-03-01", "bearable_energy"] == 3.0
    assert by_day.at["2026-03-01", "steps"] == 8042.0
    assert by_day.at["2026-03-01", "notes"] == "Symptom: woke me up,\ntwice | Mood: exam in an hour"
    assert by_day.at["2026-03-03", "notes"] == "Gratitudes: Sunny walk, with Anna"


def test_factors_are_yes_on_their_days_and_no_on_other_factor_days(write: Write) -> None:
    table = read_bearable(write("b.csv", OLD))
    by_day = table.set_index(table["date"].dt.strftime("%F"))
    days = ["2026-03-01", "2026-03-02", "2026-03-21"]  # the days with a Factors row
    assert by_day.loc[days, "bearable_sedentary"].tolist() == [True, False, False]
    assert by_day.loc[days, "bearable_with_family"].tolist() == [True, True, False]
    assert by_day.loc[days, "bearable_hot_bath"].tolist() == [True, False, True]
    assert by_day.loc[days, "bearable_charlotte_s_house"].tolist() == [True, False, False]
    # Food Diary factors were logged on 1 March only: the other days are not recorded
    assert by_day.at["2026-03-01", "bearable_caffeine"]
    assert pd.isna(by_day.at["2026-03-02", "bearable_caffeine"])
    assert "caffeine_mg" not in table  # a yes/no factor is never read as milligrams
    assert str(table["bearable_bananas"].dtype) == "boolean"


def test_what_could_not_be_placed_is_reported_with_its_line(write: Write) -> None:
    notes = " ".join(read_bearable(write("b.csv", OLD)).attrs["notes"])
    assert "line 31: 9 cells where the header has 7" in notes  # the broken row
    assert "line 30 ('31st Feb 2026')" in notes  # a date that does not exist
    assert "b.csv:32 rating/amount = 'lots' (sleep)" in notes
    assert "line 28 ('brunch')" in notes  # an unknown time of day: the row is read
    assert "'Back (lower) pain', 'Headache', 'Nausea'" in notes
    assert "'Meh', 'Anxious', 'Happy'" in notes
    assert "'Weather' (1 row)" in notes
    assert "empty amount (not recorded): 'Ibuprofen'" in notes
    assert "1 row repeated exactly" in notes
    assert "'Ibuprofen' (medication, 400 mg, 2026-03-01 to 2026-03-01)" in notes  # the interventions, listed


def test_doses_become_interventions(write: Write) -> None:
    interventions = read_bearable(write("b.csv", OLD)).attrs["interventions"]
    found = {i["name"]: (i["kind"], f"{i['start']:%F}", f"{i['end']:%F}", i["dose"]) for i in interventions}
    # Magnesium 0 mg on 2 March was not taken: the intervention ends on 1 March
    assert found == {
        "Magnesium": ("supplement", "2026-03-01", "2026-03-01", "300 mg"),
        "Magnesium citrate": ("supplement", "2026-03-01", "2026-03-01", "0.2 g"),
        "Ibuprofen": ("medication", "2026-03-01", "2026-03-01", "400 mg"),
    }


def test_the_later_header_version_reads_date_formatted(write: Write) -> None:
    table = read_bearable(write("new.csv", NEW))
    # 30 March: symptoms, but before the first cramp entry (2 April): spasm_count not recorded, not 0
    march = table[table["date"] == "2026-03-30"]
    assert pd.isna(march["spasm_count"].iloc[0]) and march["bearable_walk"].iloc[0]
    table = table[table["date"] > "2026-04-01"].reset_index(drop=True)
    assert table["date"].dt.strftime("%F").tolist() == ["2026-04-02", "2026-04-03", "2026-04-04"]  # not 1 April
    assert table["spasm_count"].tolist() == [1.0, 0.0, 1.0]
    assert table["bearable_spasm_severity"].iloc[0] == "Moderate (2)"
    assert pd.isna(table["bearable_spasm_severity"].iloc[2])  # "Stark" is not one of Bearable's words
    assert "(spasm_count is 1, the severity left empty): \"Krampf (Stark) = ''\"" in " ".join(table.attrs["notes"])
    assert table["potassium_mg"].iloc[0] == 2000.0  # 2 g
    assert table["bearable_walk"].tolist()[:2] == [True, True]
    assert table["bearable_stretching"].tolist()[:2] == [True, False]
    assert pd.isna(table["bearable_walk"].iloc[2])  # no factors logged on 4 April
    assert "stretching_min" not in table
    assert not any("time of day" in n for n in table.attrs["notes"])  # 3:04, am, all day, 23:59, mid


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("1st Jan 2026", "2026-01-01"),
        ("2nd Feb 2026", "2026-02-02"),
        ("3rd Mar 2026", "2026-03-03"),
        ("11th Nov 2025", "2025-11-11"),
        ("12th Dec 2025", "2025-12-12"),
        ("13th Jan 2026", "2026-01-13"),
        ("21st Sep 2020", "2020-09-21"),
        ("22nd Sep 2020", "2020-09-22"),
        ("23rd Sep 2020", "2020-09-23"),
        ("29th Feb 2024", "2024-02-29"),
        ("2024-05-22", "2024-05-22"),
    ],
)
def test_ordinal_dates(text: str, day: str) -> None:
    found = bearable_date(text)
    assert found is not None and f"{found:%F}" == day


@pytest.mark.parametrize("text", ["29th Feb 2025", "32nd Jan 2026", "1st Foo 2026", "yesterday", ""])
def test_dates_that_are_not_dates(text: str) -> None:
    assert bearable_date(text) is None


def test_not_a_bearable_export(write: Write) -> None:
    path = write("other.csv", "date,water_ml\n2026-01-01,1500\n")
    with pytest.raises(ImportFormatError, match="is not a Bearable export"):
        read_bearable(path)


def test_no_readable_date_at_all(write: Write) -> None:
    path = write(
        "b.csv", 'date,weekday,time of day,category,rating/amount,detail,notes\n"soon","","am","Mood","5","",""\n'
    )
    with pytest.raises(ImportFormatError, match="no row has a readable date"):
        read_bearable(path)


def test_auto_detection_and_read_export(write: Write) -> None:
    old, new = write("a.csv", OLD), write("b.csv", NEW)
    assert detect(old) == "bearable" and detect(new) == "bearable"
    both = read_export("bearable", [old, new])
    assert len(both) == 9  # five days from the first file, four from the second


def test_reimport_changes_nothing(write: Write, tmp_path: Path) -> None:
    table = read_bearable(write("b.csv", OLD))
    log = tmp_path / "log"
    log.mkdir()
    first = merge_into(table, log)
    assert first.changed
    assert not merge_into(read_bearable(write("b.csv", OLD)), log).changed
    provenance = pd.read_csv(log / "provenance.csv")
    assert set(provenance["source"]) == {"bearable"}


def test_the_command_line_end_to_end(write: Write, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from spasmlog.analysis.daily import association_factors, daily_table
    from spasmlog.validation.read import read_log

    export = write("bearable-export.csv", b"\xef\xbb\xbf" + OLD.replace("\n", "\r\n").encode())
    log = tmp_path / "log"
    log.mkdir()
    assert main(["import", "bearable", str(export), "--into", str(log)]) == 0
    out = capsys.readouterr().out
    assert "on 5 new days added" in out and "line 31" in out
    assert main(["import", "--auto", str(export), "--into", str(log)]) == 0
    assert "nothing was changed" in capsys.readouterr().out
    assert main(["validate", str(log)]) == 0
    daily = daily_table(read_log(log))
    factors = association_factors(daily)
    assert {"bearable_sedentary", "bearable_hot_bath", "bearable_mood", "bearable_ibuprofen_mg"} <= set(factors)
    assert "bearable_spasm_severity" not in factors  # the outcome's own severity is never a factor
    assert daily.set_index(daily["date"].dt.strftime("%F")).at["2026-03-01", "spasm_count"] == 1.0


def test_overlapping_exports_of_both_versions_count_each_row_once(write: Write) -> None:
    old = write("old.csv", OLD)
    # The same 1 March dose in the later header version: read once, not added to the first export's.
    new = write(
        "new.csv",
        "date,date formatted,weekday,time of day,category,rating/amount,detail,notes\n"
        '"2026-03-01T20:30:00.000Z","2026-03-01","Sunday","21:30","Meds/Supplements","300","Magnesium (mg)",""\n',
    )
    table = read_bearable([old, new])
    assert table.set_index(table["date"].dt.strftime("%F")).at["2026-03-01", "magnesium_mg"] == 500.0
    assert "2 rows repeated exactly" in " ".join(table.attrs["notes"])  # the Cramps row of 3 March, and this


def test_a_spreadsheet_resave_with_semicolons_and_decimal_commas(write: Write) -> None:
    header, body = OLD.split("\n", 1)
    text = header.replace(",", ";") + "\n" + body.replace('","', '";"').replace('"0.2"', '"0,2"')
    table = read_bearable(write("b.csv", text.encode("cp1252", errors="strict")))
    by_day = table.set_index(table["date"].dt.strftime("%F"))
    assert by_day.at["2026-03-01", "magnesium_mg"] == 500.0  # 300 mg + 0,2 g
    assert by_day.at["2026-03-01", "bearable_spasm_severity"] == "Unbearable (4)"
    assert "'Back (lower) pain', 'Headache', 'Nausea'" in " ".join(table.attrs["notes"])


def test_records_and_unreadable_rows_are_counted_for_the_import_summary(tmp_path: Path) -> None:
    export = tmp_path / "bearable.csv"
    export.write_text(
        "date,weekday,time of day,category,rating/amount,detail,notes\n"
        '"1st Mar 2026","Sunday","pm","Symptom","3","Leg cramps (Severe)",""\n'
        '"31st Feb 2026","Tuesday","am","Symptom","1","Leg cramps (Mild)",""\n'  # no such day
        '"2nd Mar 2026","Monday","am"\n',  # 3 cells
        encoding="utf-8",
    )
    table = read_bearable(export)
    assert (table.attrs["records"], table.attrs["unreadable"]) == (3, 2)


def test_a_cramp_rated_none_or_0_is_a_day_without_spasms(write: Write) -> None:
    path = write(
        "bearable.csv",
        "date,weekday,time of day,category,rating/amount,detail,notes\n"
        "2026-03-01,Sunday,am,Symptom,0,Leg cramps (None),\n"  # None and 0: no spasm, cramps tracked from here
        "2026-03-02,Monday,am,Symptom,0,Muscle cramps,\n"  # no word, rated 0: no spasm
        "2026-03-03,Tuesday,am,Symptom,0,Leg cramps (None),\n"  # None in the morning ...
        "2026-03-03,Tuesday,pm,Symptom,2,Leg cramps (Moderate),\n"  # ... a moderate one at night: a spasm day
        "2026-03-04,Wednesday,am,Symptom,1,Headache (Mild),\n",  # symptoms logged, no cramp entry: 0
    )
    table = read_bearable(path)
    assert table["date"].dt.strftime("%Y-%m-%d").tolist() == ["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04"]
    assert table["spasm_count"].tolist() == [0.0, 0.0, 1.0, 0.0]
    assert table["bearable_spasm_severity"].fillna("").tolist() == ["None (0)", "None (0)", "Moderate (2)", ""]
    notes = " ".join(table.attrs["notes"])
    assert "Cramp days whose severity is neither" not in notes
    assert "0 on the 3 other days with symptoms logged since the first cramp entry (2026-03-01; " in notes
    assert "then), on 2 of them cramps were rated None (0);" in notes


def test_cramps_only_ever_rated_none_still_give_spasm_count_0(write: Write) -> None:
    path = write(
        "bearable.csv",
        "date,weekday,time of day,category,rating/amount,detail,notes\n"
        "2026-03-01,Sunday,am,Symptom,0,Leg cramps (None),\n",
    )
    assert read_bearable(path)["spasm_count"].tolist() == [0.0]


def test_when_every_symptom_day_has_a_cramp_no_count_of_zero_other_days_is_written(write: Write) -> None:
    path = write(
        "bearable.csv",
        "date,weekday,time of day,category,rating/amount,detail,notes\n"
        "2026-03-01,Sunday,am,Symptom,2,Leg cramps (Moderate),\n"
        "2026-03-02,Monday,pm,Symptom,3,Leg cramps (Severe),\n",
    )
    table = read_bearable(path)
    assert table["spasm_count"].tolist() == [1.0, 1.0]
    notes = " ".join(table.attrs["notes"])
    assert "0 on the 0 other days" not in notes
    assert "; no other day has symptoms logged since the first cramp entry (2026-03-01); " in notes


def test_a_dose_refused_from_the_days_intake_is_left_out_of_its_intervention(write: Write, tmp_path: Path) -> None:
    # 50000 mg of magnesium breaks magnesium_mg <= 5000 mg a day: refused from daily.csv, and left out of
    # the intervention's dose, which keeps the 300 mg of 23 Sep; the notes name the amount, its day and rule.
    export = write(
        "b.csv",
        "date,weekday,time of day,category,rating/amount,detail,notes\n"
        '"22nd Sep 2020","Tuesday","21:30","Meds/Supplements","50000","Magnesium (mg)",""\n'
        '"23rd Sep 2020","Wednesday","21:30","Meds/Supplements","300","Magnesium (mg)",""\n',
    )
    table = read_bearable(export)
    (magnesium,) = table.attrs["interventions"]
    assert magnesium["dose"] == "300 mg"
    rule = "50000 mg on 2020-09-22 (magnesium_mg 50000 > 5000 mg a day)"
    assert rule in str(magnesium["notes"])
    assert f"'Magnesium' {rule}" in " ".join(table.attrs["notes"])
    result = merge_into(table, tmp_path / "log")
    written = pd.read_csv(tmp_path / "log" / "interventions.csv", dtype="str")
    assert written["dose"].tolist() == ["300 mg"] and rule in written["notes"].iloc[0]
    refused = result.changes[result.changes["action"] == "refused"]
    assert refused["column"].tolist() == ["magnesium_mg"]


def test_a_huge_dose_is_written_as_the_whole_number_it_is(write: Write) -> None:
    # Ibuprofen is no intake column (no rule refuses it): the dose was written "1e+08 mg", a different number
    export = write(
        "b.csv",
        "date,weekday,time of day,category,rating/amount,detail,notes\n"
        '"22nd Sep 2020","Tuesday","21:30","Meds/Supplements","99999999","Ibuprofen (mg)",""\n'
        '"23rd Sep 2020","Wednesday","21:30","Meds/Supplements","0.25","Ibuprofen (mg)",""\n',
    )
    (ibuprofen,) = read_bearable(export).attrs["interventions"]
    assert ibuprofen["dose"] == "99999999 mg; 0.25 mg"
