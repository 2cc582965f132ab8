"""read_flaredown on Flaredown's two exports: a person's wide data.csv and the long research export of many users."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from spasmlog.cli import main
from spasmlog.errors import ImportFormatError
from spasmlog.importers import detect, read_flaredown
from spasmlog.importers.generic import split_people
from spasmlog.importers.merge import merge_into

# German names, a BOM and CRLF line ends, as a German Windows user's download would be.
WIDE = (
    "Date,Morbus Crohn,Muskelkrämpfe,Müdigkeit,Magnesium,Ibuprofen,Tags,Foods\r\n"
    "2026-02-01,2,3,1,3 x 100 mg,Taken,gestresst; schlecht geschlafen,Banane; Kaffee\r\n"
    "2026-02-02,1,0,,Not Taken,Not Taken,,\r\n"
    "2026-02-03,,,,,,gestresst,\r\n"
    "2026-02-04,0,,2,400 mg,Taken,,Brot\r\n"
)

RESEARCH = (
    "user_id,age,sex,country,checkin_date,trackable_id,trackable_type,trackable_name,trackable_value\n"
    "QEVuQwEA+WkN==,34,female,DE,2017-04-28,11,Symptom,Muskelkrämpfe,4\n"
    "QEVuQwEA+WkN==,34,female,DE,2017-04-28,12,Treatment,Magnesiumcitrat,0.3 g\n"
    "QEVuQwEA+WkN==,34,female,DE,2017-04-28,1,Tag,stressed,\n"
    "QEVuQwEA+WkN==,34,female,DE,2017-04-28,9363,Weather,temperature_max,69.0\n"
    "QEVuQwEA+WkN==,34,female,DE,2017-04-29,11,Symptom,Muskelkrämpfe,0\n"
    "QEVuQwEA+WkN==,34,female,DE,2017-04-29,12,Treatment,Magnesiumcitrat,Not Taken\n"
    "QEVuQwEA+WkN==,34,female,DE,2017-04-30,11,Symptom,Muskelkrämpfe,\n"
    "QEVuQwEA+WkN==,34,female,DE,2017-04-30,5,Condition,Fibromyalgia,2\n"
    "QEVuQwEAO+R1==,,,,2015-05-26,152,Symptom,Nausea,1\n"
    "QEVuQwEAO+R1==,,,,2015-05-26,9890,Treatment,Zofran,8.0 mg\n"
    "QEVuQwEAO+R1==,,,,2015-05-26,77,Food,Banana,\n"
    "QEVuQwEAO+R1==,,,,2015-05-26,88,Gadget,Fitbit,1\n"
    ",,,,2015-05-27,152,Symptom,Nausea,2\n"
    "ONE,61,male,US,2019-01-02,3,Symptom,Leg cramps,2\n"
)
ANNA, BEN = "QEVuQwEA+WkN==", "QEVuQwEAO+R1=="


@pytest.fixture
def wide(tmp_path: Path) -> Path:
    path = tmp_path / "data.csv"
    path.write_bytes(b"\xef\xbb\xbf" + WIDE.encode("utf-8"))
    return path


@pytest.fixture
def research(tmp_path: Path) -> Path:
    path = tmp_path / "fd-export.csv"
    path.write_text(RESEARCH, encoding="utf-8")
    return path


def test_wide_data_csv_places_every_column(wide: Path) -> None:
    table = read_flaredown(wide)
    assert table["date"].dt.strftime("%F").tolist() == ["2026-02-01", "2026-02-02", "2026-02-03", "2026-02-04"]
    # Muskelkrämpfe 3, 0, empty, empty: rated (not counted) → 1, 0, not recorded.
    np.testing.assert_array_equal(table["spasm_count"], [1.0, 0.0, np.nan, np.nan])
    np.testing.assert_array_equal(table["flaredown_spasm_severity"], [3.0, 0.0, np.nan, np.nan])  # 0–4, as written
    np.testing.assert_array_equal(table["flaredown_morbus_crohn"], [2.0, 1.0, np.nan, 0.0])  # 0 is 0, empty is NaN
    np.testing.assert_array_equal(table["flaredown_mudigkeit"], [1.0, np.nan, np.nan, 2.0])
    # Magnesium "3 x 100 mg" = 300 mg; Not Taken = 0; empty = not recorded; "400 mg".
    np.testing.assert_array_equal(table["flaredown_magnesium_mg"], [300.0, 0.0, np.nan, 400.0])
    assert table["flaredown_magnesium_taken"].tolist() == [True, False, pd.NA, True]
    # The supplement's mg are magnesium intake on the days it was taken (Not Taken adds nothing).
    np.testing.assert_array_equal(table["magnesium_mg"], [300.0, np.nan, np.nan, 400.0])
    assert table["flaredown_ibuprofen_taken"].tolist() == [True, False, pd.NA, True]
    assert "flaredown_ibuprofen_mg" not in table
    # Tags: yes on the check-ins listing them, no on the other check-ins.
    assert table["flaredown_tag_gestresst"].tolist() == [True, False, True, False]
    assert table["flaredown_tag_schlecht_geschlafen"].tolist() == [True, False, False, False]
    assert table["flaredown_foods"].tolist()[0] == "Banane; Kaffee"
    assert table["flaredown_foods"].tolist()[3] == "Brot"
    assert table.attrs["source"] == "flaredown"
    treatments = {i["name"]: i for i in table.attrs["interventions"]}
    assert treatments["Magnesium"]["start"] == pd.Timestamp("2026-02-01")
    assert treatments["Magnesium"]["end"] == pd.Timestamp("2026-02-04")
    assert treatments["Magnesium"]["days_taken"] == 2
    assert (treatments["Magnesium"]["kind"], treatments["Ibuprofen"]["kind"]) == ("supplement", "medication")
    assert any("flaredown_spasm_severity" in n and "1 (at least one spasm)" in n for n in table.attrs["notes"])


def test_research_export_one_person_per_user(research: Path) -> None:
    table = read_flaredown(research)
    people = dict(split_people(table))
    assert set(people) == {ANNA, BEN, "ONE"}
    anna = people[ANNA]
    assert anna["date"].dt.strftime("%F").tolist() == ["2017-04-28", "2017-04-29", "2017-04-30"]
    np.testing.assert_array_equal(anna["spasm_count"], [1.0, 0.0, np.nan])
    np.testing.assert_array_equal(anna["flaredown_spasm_severity"], [4.0, 0.0, np.nan])
    # "0.3 g" of magnesium citrate is 300 mg; Not Taken is 0 mg and adds no intake.
    np.testing.assert_array_equal(anna["flaredown_magnesiumcitrat_mg"], [300.0, 0.0, np.nan])
    np.testing.assert_array_equal(anna["magnesium_mg"], [300.0, np.nan, np.nan])
    assert anna["flaredown_tag_stressed"].tolist() == [True, False, False]
    np.testing.assert_array_equal(anna["flaredown_weather_temperature_max"], [69.0, np.nan, np.nan])
    np.testing.assert_array_equal(anna["flaredown_fibromyalgia"], [np.nan, np.nan, 2.0])
    ben = people[BEN]
    assert ben["date"].dt.strftime("%F").tolist() == ["2015-05-26"]
    assert ben["flaredown_nausea"].tolist() == [1.0]
    assert ben["flaredown_zofran_mg"].tolist() == [8.0]
    assert ben["flaredown_foods"].tolist() == ["Banana"]
    assert "spasm_count" not in ben
    one = people["ONE"]  # a user with a single check-in
    assert one["spasm_count"].tolist() == [1.0] and one["flaredown_spasm_severity"].tolist() == [2.0]
    notes = " ".join(table.attrs["notes"])
    assert "'Gadget: Fitbit' (1 row)" in notes  # not placed: named, not dropped silently
    assert "(lines 14)" in notes  # the row without a user, with the line a person sees
    facts = {p["person_id"]: p for p in table.attrs["people"]}
    # Flaredown writes the age on the day of the export; its latest check-in is in 2019 (user ONE): 2019 - 34
    assert facts[ANNA]["birth_year"] == "1985" and "this one or the one before" in facts[ANNA]["detail"]["birth_year"]
    assert {k: v for k, v in facts[ANNA].items() if k != "detail"} == {
        "person_id": ANNA, "birth_year": "1985", "sex": "female", "country": "DE"
    }  # fmt: skip
    assert "QEVuQwEAO+R1" not in " ".join(people[ANNA].attrs["notes"])  # each person's notes are their own


def test_person_option_reads_one_user(research: Path) -> None:
    table = read_flaredown(research, person="ONE")
    assert "person_id" not in table and table.attrs["person_id"] == "ONE"
    with pytest.raises(ImportFormatError, match="no check-in of user 'nobody'"):
        read_flaredown(research, person="nobody")


def test_detect_and_refuse(wide: Path, research: Path, tmp_path: Path) -> None:
    assert detect(wide) == "flaredown"
    assert detect(research) == "flaredown"
    other = tmp_path / "other.csv"
    other.write_text("when,what\nmonday,cramp\n")
    with pytest.raises(ImportFormatError, match="is not a Flaredown export"):
        read_flaredown(other)


def test_cli_research_export_fills_one_folder_per_user_and_validates(
    research: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "cohort"
    assert main(["import", "--auto", str(research), "--into", str(log)]) == 0
    out = capsys.readouterr().out
    assert out.count("Import from flaredown into") == 3
    assert sorted(p.name for p in log.iterdir()) == sorted([ANNA, BEN, "ONE"])
    daily = pd.read_csv(log / ANNA / "daily.csv")
    assert daily["spasm_count"].tolist()[:2] == [1, 0]
    assert main(["import", "flaredown", str(research), "--into", str(log)]) == 0
    assert "nothing was changed" in capsys.readouterr().out
    assert main(["validate", str(log)]) == 0
    assert "No problems found" in capsys.readouterr().out


def test_cli_several_people_into_one_persons_folder_is_refused(
    research: Path, wide: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "anna"
    assert main(["import", "flaredown", str(wide), "--into", str(log)]) == 0
    assert main(["import", "flaredown", str(research), "--into", str(log)]) == 2
    assert "holds 3 people" in capsys.readouterr().err
    assert main(["import", "flaredown", str(research), "--into", str(log), "--person", "ONE"]) == 2  # not anna's log
    assert main(["validate", str(log)]) == 0


def test_a_rating_outside_0_to_4_and_an_unreadable_dose_are_reported_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_text(
        "Date,Leg cramps,Kalium,Tags,Foods\n"
        "2026-01-01,3,abc,,\n"  # line 2: a dose nobody can read
        "2026-01-02,7,2 x 0.5 g,,\n"  # line 3: 7 is not a Flaredown rating; 1 g of potassium
    )
    table = read_flaredown(path)
    np.testing.assert_array_equal(table["spasm_count"], [1.0, np.nan])  # 7 left out, never clipped to 4
    np.testing.assert_array_equal(table["flaredown_kalium_mg"], [np.nan, 1000.0])
    np.testing.assert_array_equal(table["potassium_mg"], [np.nan, 1000.0])
    notes = " ".join(table.attrs["notes"])
    assert "line 3: Leg cramps = 7" in notes
    assert "line 2: 'abc'" in notes


def test_research_export_of_several_people_with_odd_cells(tmp_path: Path) -> None:
    # The research export's rows are checked for everyone at once and placed person by person: each person's
    # ratings outside 0–4 are reported under their own user, and cells written oddly are read as for one person.
    header = "user_id,age,sex,country,checkin_date,trackable_id,trackable_type,trackable_name,trackable_value\n"
    path = tmp_path / "fd-export.csv"
    path.write_text(
        header
        + "A,30,female,DE,2026-01-01,1,Symptom,Muscle cramps,+3\n"  # line 2: 3
        + "A,30,female,DE,2026-01-02,1,Symptom,Muscle cramps,7\n"  # line 3: outside 0-4
        + "A,30,female,DE,2026-01-03,1,Symptom,Muscle cramps,2.5\n"  # line 4: not a whole rating
        + "A,30,female,DE,2026-01-01,2,Condition,Fatigue,1e0\n"  # 1
        + 'A,30,female,DE,2026-01-02,2,Condition,Fatigue,"4,0"\n'  # line 6: no number (a point file)
        + "A,30,female,DE,2026-01-03,2,Condition,Fatigue,4\n"
        + "A,30,female,DE,2026-01-01,3,Weather,temperature_max,-3.5\n"
        + "B,,,,2026-02-01,4,Symptom,Leg cramps,0\n"
        + "B,,,,2026-02-02,4,Symptom,Leg cramps,-1\n"  # line 10: outside 0-4
        + "B,,,,2026-02-02,5,Symptom,Nausea,n/a\n"  # not recorded
        + "B,,,,2026-02-03,5,Symptom,Nausea,2\n",
        encoding="utf-8",
    )
    people = dict(split_people(read_flaredown(path)))
    a, b = people["A"], people["B"]
    # 2 January holds nothing readable for A (7 and "4,0" left out), 2 February nothing for B: no row
    assert a["date"].dt.strftime("%F").tolist() == ["2026-01-01", "2026-01-03"]
    np.testing.assert_array_equal(a["flaredown_spasm_severity"], [3.0, np.nan])
    np.testing.assert_array_equal(a["spasm_count"], [1.0, np.nan])
    np.testing.assert_array_equal(a["flaredown_fatigue"], [1.0, 4.0])
    np.testing.assert_array_equal(a["flaredown_weather_temperature_max"], [-3.5, np.nan])
    assert b["date"].dt.strftime("%F").tolist() == ["2026-02-01", "2026-02-03"]
    np.testing.assert_array_equal(b["flaredown_spasm_severity"], [0.0, np.nan])
    np.testing.assert_array_equal(b["spasm_count"], [0.0, np.nan])
    np.testing.assert_array_equal(b["flaredown_nausea"], [np.nan, 2.0])
    notes = " ".join(a.attrs["notes"])
    assert "(user A): 2 ratings outside Flaredown's 0–4 scale left out (line 3: Muscle cramps = 7; line 4: " in notes
    assert "line 6: '4,0'" in notes
    assert "(user B): 1 rating outside Flaredown's 0–4 scale left out (line 10: Leg cramps = -1)" in " ".join(
        b.attrs["notes"]
    )


def test_records_and_unreadable_rows_are_counted_for_the_import_summary(tmp_path: Path) -> None:
    export = tmp_path / "data.csv"
    export.write_text(
        "Date,Muscle cramps,Tags,Foods\n2026-01-01,3,,\nlater,1,,\n2026-01-03,0,tired,\n", encoding="utf-8"
    )
    table = read_flaredown(export)
    assert (table.attrs["records"], table.attrs["unreadable"]) == (3, 1)


def test_age_becomes_an_approximate_birth_year_and_an_impossible_age_is_kept_as_written(tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_text(
        "user_id,age,sex,country,checkin_date,trackable_id,trackable_type,trackable_name,trackable_value\n"
        "u1,40,female,FR,2016-03-01,1,Symptom,Crampes,2\n"
        "u1,40,female,FR,2017-06-01,1,Symptom,Crampes,1\n"  # the export's latest check-in: 2017
        "u2,0,male,DE,2016-05-01,2,Symptom,Krämpfe,3\n"  # Flaredown writes 0 when no birth date was given
        "u3,abc,,,2016-05-02,3,Symptom,Cramps,1\n",
        encoding="utf-8",
    )
    facts = {p["person_id"]: p for p in read_flaredown(export).attrs["people"]}
    assert facts["u1"]["birth_year"] == "1977"  # 2017 - 40, by hand
    assert "age" not in facts["u1"] and facts["u1"]["country"] == "FR"
    assert "birth_year" not in facts["u2"] and facts["u2"]["age"] == "0"  # kept as written: flaredown_age
    assert "birth_year" not in facts["u3"] and facts["u3"]["age"] == "abc"
    notes = " ".join(read_flaredown(export).attrs["notes"])
    assert "(user u2): age '0' is no age of a person tracking their own symptoms" in notes
    assert "(user u3): age 'abc' is not a number; birth year not recorded." in notes


def test_ages_that_disagree_are_said_and_a_fraction_is_not_a_whole_number(tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_text(
        "user_id,age,sex,country,checkin_date,trackable_id,trackable_type,trackable_name,trackable_value\n"
        "u1,34,female,DE,2017-01-05,1,Symptom,Cramps,2\n"  # two exports joined, a birthday between them:
        "u1,35,female,DE,2017-12-01,1,Symptom,Cramps,1\n"  # the age on the latest check-in, 2017 - 35
        "u2,50,male,US,2017-02-02,1,Symptom,Cramps,1\n"  # 30 and 50 cannot both be true: no birth year
        "u2,30,male,US,2017-02-01,1,Symptom,Cramps,1\n"
        "u3,34.5,female,DE,2017-03-01,1,Symptom,Cramps,2\n",
        encoding="utf-8",
    )
    table = read_flaredown(export)
    facts = {p["person_id"]: p for p in table.attrs["people"]}
    assert facts["u1"]["birth_year"] == "1982"
    assert "birth_year" not in facts["u2"] and facts["u2"]["age"] == "50; 30"  # as written, in row order
    assert "birth_year" not in facts["u3"] and facts["u3"]["age"] == "34.5"
    notes = [note.removeprefix(f"{tmp_path}/") for note in table.attrs["notes"]]
    assert (
        "export.csv (user u1): the ages of their rows disagree (34, 35: a birthday between two exports); the "
        "birth year is from '35', the age on their latest check-in." in notes
    )
    assert "export.csv (user u2): the ages of their rows disagree (50, 30); birth year not recorded." in notes
    assert "export.csv (user u3): age '34.5' is not a whole number; birth year not recorded." in notes


def test_a_dose_refused_from_the_days_intake_is_left_out_of_its_intervention(tmp_path: Path) -> None:
    # 70000 mg breaks magnesium_mg <= 5000 mg a day: it was the intervention's dose (1 row each, the first
    # kept); now 300 mg is, and the notes name 70000 mg, its day and the rule.
    export = tmp_path / "export.csv"
    export.write_text(
        "user_id,age,sex,country,checkin_date,trackable_id,trackable_type,trackable_name,trackable_value\n"
        "u1,34,female,DE,2017-01-05,2,Treatment,Magnesium,70000 mg\n"
        "u1,34,female,DE,2017-01-06,2,Treatment,Magnesium,300 mg\n",
        encoding="utf-8",
    )
    table = read_flaredown(export)
    (magnesium,) = table.attrs["interventions"]
    assert (magnesium["dose"], magnesium["days_taken"]) == ("300 mg", 2)
    rule = "70000 mg on 2017-01-05 (magnesium_mg 70000 > 5000 mg a day)"
    assert magnesium["left_out"] == f"left out of the dose, refused from the day's intake: {rule}"
    assert any(note.endswith(f"(its notes name them): {rule}.") for note in table.attrs["notes"])
    ((_, part),) = split_people(table)
    merge_into(part, tmp_path / "log")
    written = pd.read_csv(tmp_path / "log" / "interventions.csv", dtype="str")
    assert written["dose"].tolist() == ["300 mg"] and rule in written["notes"].iloc[0]
