"""The research export of many people, pinned: what read_flaredown and ``spasmlog import`` make of a nasty file.

Every expected value below was worked out by hand from the rows of ``EXPORT`` (the comments say how), so
that the way the rows are placed (person by person or all people at once) can change without the output
changing: the tables, the notes each person is shown, the interventions, people.csv and a re-import.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from spasmlog.cli import main
from spasmlog.importers import read_flaredown
from spasmlog.importers.generic import split_people

# Rows of ANNA, BEN and CARA interleaved, as an export sorted by anything but the user holds them. German,
# Spanish and English names; Taken / Not Taken; empty cells (not recorded); doses with units; names no rule
# places; a row without a user, one without a date, a rating outside 0-4 and a dose nobody can read.
EXPORT = (
    "user_id,age,sex,country,checkin_date,trackable_id,trackable_type,trackable_name,trackable_value\n"
    "ANNA,34,female,DE,2017-04-28,11,Symptom,Muskelkrämpfe,3\n"  # line 2
    "ANNA,34,female,DE,2017-04-28,13,Symptom,Leg cramps,4\n"  # two spasm names: the highest, 4
    "ANNA,34,female,DE,2017-04-28,12,Treatment,Magnesiumcitrat,0.3 g\n"  # 300 mg
    "ANNA,34,female,DE,2017-04-28,14,Treatment,Magnesium,2 x 100 mg\n"  # 200 mg: magnesium_mg 500
    "BEN,,male,ES,2016-01-10,21,Symptom,calambres,0\n"  # line 6
    "ANNA,34,female,DE,2017-04-28,1,Tag,gestresst,\n"
    "ANNA,34,female,DE,2017-04-28,2,Food,Kaffee,\n"
    "ANNA,34,female,DE,2017-04-28,3,Food,Brot,\n"
    "ANNA,34,female,DE,2017-04-28,9,Weather,icon,rain\n"  # line 10: not a number
    "ANNA,34,female,DE,2017-04-29,11,Symptom,Muskelkrämpfe,0\n"
    "ANNA,34,female,DE,2017-04-29,12,Treatment,Magnesiumcitrat,Not Taken\n"
    "ANNA,34,female,DE,2017-04-29,14,Treatment,Magnesium,abc\n"  # line 13: no dose
    "ANNA,34,female,DE,2017-04-29,15,Symptom,Müdigkeit,\n"  # not recorded
    "ANNA,34,female,DE,2017-04-29,16,Condition,Fibromyalgia,7\n"  # line 15: outside 0-4
    "BEN,,male,ES,2016-01-10,22,Treatment,Ibuprofeno,Taken\n"
    "BEN,,male,ES,2016-01-10,23,Treatment,Vitamin D,1000 IU\n"  # taken; IU is no mass: no _mg column
    "BEN,,male,ES,2016-01-11,21,Symptom,calambres,2\n"
    "BEN,,male,ES,2016-01-11,22,Treatment,Ibuprofeno,Not Taken\n"
    "BEN,,male,ES,2016-01-11,24,Gadget,Fitbit,1\n"  # line 20: no rule places a gadget
    "BEN,,male,ES,2016-01-11,24,Gadget,Fitbit,2\n"
    "ANNA,34,female,DE,2017-04-30,15,Symptom,Müdigkeit,2\n"
    "ANNA,34,female,DE,2017-04-30,16,Condition,Fibromyalgia,1\n"
    "ANNA,34,female,DE,2017-04-30,99,HBI,HBI,5\n"
    ",40,female,US,2016-01-11,21,Symptom,Nausea,2\n"  # line 25: no user
    "CARA,,,,not a date,31,Symptom,Nausea,1\n"  # line 26: no date
    "CARA,,,,2018-07-01,31,Symptom,Nausea,1\n"
    "CARA,,,,2018-07-01,32,Symptom,Fatigue,3\n"  # a symptom and a condition of one name: one column,
    "CARA,,,,2018-07-01,33,Condition,Fatigue,1\n"  # the first name's value (3) kept and the difference said
    "CARA,,,,2018-07-02,31,Symptom,Nausea,\n"
    "CARA,,,,2018-07-02,34,Treatment,Kalium,Taken\n"
)

GENERAL = [
    "fd.csv: 1 row without a readable date skipped (lines 26).",
    "fd.csv: 1 row without a user, a trackable type or a name left out (lines 25).",
]
RATED = (
    "spasm symptoms were rated, not counted: spasm_count is 0 on days rated 0 and 1 (at least one spasm) on days "
    "rated above 0; the rating, on the app's own scale, is in flaredown_spasm_severity."
)
MINERAL = "doses in mg were added to magnesium_mg (supplement only: food is not in it unless another name adds it)."
NOTES = {
    "ANNA": [
        "fd.csv (user ANNA): 1 rating outside Flaredown's 0–4 scale left out (line 15: Fibromyalgia = 7).",
        f"fd.csv (user ANNA): the 'Magnesiumcitrat' {MINERAL}",
        "fd.csv (user ANNA): 1 dose of 'Magnesium' could not be read and was left out (line 13: 'abc').",
        f"fd.csv (user ANNA): the 'Magnesium' {MINERAL}",
        "fd.csv (user ANNA): 1 value of 'Weather: icon' could not be read as a number and was left out "
        "(line 10: 'rain').",
        "fd.csv (user ANNA): several spasm symptoms on one day: the highest rating was kept.",
        f"fd.csv (user ANNA): {RATED}",
        "fd.csv (user ANNA): magnesium_mg: several values of one day were added up.",
    ],
    "BEN": [
        f"fd.csv (user BEN): {RATED}",
        "fd.csv (user BEN): 1 name the mapping does not place, not imported: 'Gadget: Fitbit' (2 rows).",
    ],
    "CARA": ["fd.csv (user CARA): flaredown_fatigue: 1 day with differing values; the first kept."],
}

# daily.csv of each person as spasmlog import writes it (columns: the log's own first, then extra ones by name).
DAILY = {
    "ANNA": (
        "date,magnesium_mg,spasm_count,flaredown_foods,flaredown_magnesium_mg,flaredown_magnesium_taken,"
        "flaredown_magnesiumcitrat_mg,flaredown_magnesiumcitrat_taken,flaredown_spasm_severity,"
        "flaredown_tag_gestresst,flaredown_fibromyalgia,flaredown_hbi,flaredown_mudigkeit\n"
        "2017-04-28,500,1,Kaffee; Brot,200,yes,300,yes,4,yes,,,\n"
        "2017-04-29,,0,,,,0,no,0,no,,,\n"
        "2017-04-30,,,,,,,,,no,1,5,2\n"
    ),
    "BEN": (
        "date,spasm_count,flaredown_ibuprofeno_taken,flaredown_spasm_severity,flaredown_vitamin_d_taken\n"
        "2016-01-10,0,yes,0,yes\n"
        "2016-01-11,1,no,2,\n"
    ),
    "CARA": "date,flaredown_fatigue,flaredown_nausea,flaredown_kalium_taken\n2018-07-01,3,1,\n2018-07-02,,,yes\n",
}
TAKEN = "from flaredown: taken on 1 day between the first and last day"
INTERVENTIONS = {
    "ANNA": (
        "name,kind,start,end,dose,notes\n"
        f"Magnesiumcitrat,supplement,2017-04-28,2017-04-28,0.3 g,{TAKEN}\n"
        f"Magnesium,supplement,2017-04-28,2017-04-28,2 x 100 mg,{TAKEN}\n"
    ),
    "BEN": (
        "name,kind,start,end,dose,notes\n"
        f"Ibuprofeno,medication,2016-01-10,2016-01-10,,{TAKEN}\n"
        f"Vitamin D,supplement,2016-01-10,2016-01-10,1000 IU,{TAKEN}\n"
    ),
    "CARA": f"name,kind,start,end,dose,notes\nKalium,supplement,2018-07-02,2018-07-02,,{TAKEN}\n",
}
PEOPLE = {
    "ANNA": "person_id,sex,country,birth_year\nANNA,female,DE,1984\n",  # age 34 in an export ending in 2018
    "BEN": "person_id,sex,country\nBEN,male,ES\n",  # no age given: no birth year
}


@pytest.fixture
def export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # the notes name the file as it was given: fd.csv
    path = Path("fd.csv")
    path.write_text(EXPORT, encoding="utf-8")
    return path


def test_each_person_table_values_by_hand(export: Path) -> None:
    table = read_flaredown(export)
    assert table["person_id"].tolist() == ["ANNA"] * 3 + ["BEN"] * 2 + ["CARA"] * 2  # in order of first row
    people = dict(split_people(table))
    anna, ben, cara = people["ANNA"], people["BEN"], people["CARA"]
    assert anna["date"].dt.strftime("%F").tolist() == ["2017-04-28", "2017-04-29", "2017-04-30"]
    np.testing.assert_array_equal(anna["flaredown_spasm_severity"], [4.0, 0.0, np.nan])
    np.testing.assert_array_equal(anna["spasm_count"], [1.0, 0.0, np.nan])
    np.testing.assert_array_equal(anna["flaredown_magnesiumcitrat_mg"], [300.0, 0.0, np.nan])  # Not Taken: 0
    assert anna["flaredown_magnesiumcitrat_taken"].tolist() == [True, False, pd.NA]
    np.testing.assert_array_equal(anna["flaredown_magnesium_mg"], [200.0, np.nan, np.nan])  # "abc" left out
    assert anna["flaredown_magnesium_taken"].tolist() == [True, pd.NA, pd.NA]
    np.testing.assert_array_equal(anna["magnesium_mg"], [500.0, np.nan, np.nan])
    assert anna["flaredown_tag_gestresst"].tolist() == [True, False, False]  # no on her other check-ins
    assert anna["flaredown_foods"].iloc[0] == "Kaffee; Brot" and anna["flaredown_foods"].iloc[1:].isna().all()
    np.testing.assert_array_equal(anna["flaredown_mudigkeit"], [np.nan, np.nan, 2.0])  # empty is not recorded
    np.testing.assert_array_equal(anna["flaredown_fibromyalgia"], [np.nan, np.nan, 1.0])  # 7 left out
    np.testing.assert_array_equal(anna["flaredown_hbi"], [np.nan, np.nan, 5.0])
    assert "flaredown_weather_icon" not in anna
    assert sorted(ben.columns) == sorted(
        ["date", "spasm_count", "flaredown_spasm_severity", "flaredown_ibuprofeno_taken", "flaredown_vitamin_d_taken"]
    )
    np.testing.assert_array_equal(ben["spasm_count"], [0.0, 1.0])  # calambres 0, then 2
    np.testing.assert_array_equal(ben["flaredown_spasm_severity"], [0.0, 2.0])
    assert ben["flaredown_ibuprofeno_taken"].tolist() == [True, False]
    assert ben["flaredown_vitamin_d_taken"].tolist() == [True, pd.NA]
    assert cara["date"].dt.strftime("%F").tolist() == ["2018-07-01", "2018-07-02"]
    np.testing.assert_array_equal(cara["flaredown_fatigue"], [3.0, np.nan])
    np.testing.assert_array_equal(cara["flaredown_nausea"], [1.0, np.nan])
    assert cara["flaredown_kalium_taken"].tolist() == [pd.NA, True]
    assert "potassium_mg" not in cara  # Taken without a dose adds no intake


def test_each_person_is_shown_the_general_notes_and_their_own_in_order(export: Path) -> None:
    table = read_flaredown(export)
    assert table.attrs["notes"] == GENERAL + NOTES["ANNA"] + NOTES["BEN"] + NOTES["CARA"]
    for person, part in split_people(table):
        assert part.attrs["notes"] == GENERAL + NOTES[person]
    # 30 rows; the row without a date is counted unreadable (the row without a user is said, not counted)
    assert (table.attrs["records"], table.attrs["unreadable"]) == (30, 1)


def test_interventions_and_people_by_hand(export: Path) -> None:
    table = read_flaredown(export)
    day = pd.Timestamp
    assert table.attrs["interventions"] == [
        {"person_id": "ANNA", "name": "Magnesiumcitrat", "kind": "supplement", "start": day("2017-04-28"),
         "end": day("2017-04-28"), "dose": "0.3 g", "days_taken": 1},
        {"person_id": "ANNA", "name": "Magnesium", "kind": "supplement", "start": day("2017-04-28"),
         "end": day("2017-04-28"), "dose": "2 x 100 mg", "days_taken": 1},
        {"person_id": "BEN", "name": "Ibuprofeno", "kind": "medication", "start": day("2016-01-10"),
         "end": day("2016-01-10"), "dose": "", "days_taken": 1},
        {"person_id": "BEN", "name": "Vitamin D", "kind": "supplement", "start": day("2016-01-10"),
         "end": day("2016-01-10"), "dose": "1000 IU", "days_taken": 1},
        {"person_id": "CARA", "name": "Kalium", "kind": "supplement", "start": day("2018-07-02"),
         "end": day("2018-07-02"), "dose": "", "days_taken": 1},
    ]  # fmt: skip
    # the export's latest check-in is in 2018, and Flaredown gives the age on the export's day: 2018 - 34
    assert [{k: v for k, v in p.items() if k != "detail"} for p in table.attrs["people"]] == [
        {"person_id": "ANNA", "birth_year": "1984", "sex": "female", "country": "DE"},
        {"person_id": "BEN", "sex": "male", "country": "ES"},
        {"person_id": "CARA", "sex": "", "country": ""},
    ]


def test_cli_writes_each_persons_files_and_a_reimport_changes_nothing(
    export: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "cohort"
    assert main(["import", "flaredown", str(export), "--into", str(log)]) == 0
    out = capsys.readouterr().out
    for person, own in NOTES.items():
        shown = [line.removeprefix("  note: ") for line in out.split(f"into {log / person} ")[1].splitlines()]
        shown = [line for line in shown if line.startswith("fd.csv")]
        assert shown[: len(own)] == own
    # the notes on the whole export (the row without a user, the row without a date): once, not per person
    assert out.endswith("Import from flaredown, all 3 people:\n" + "".join(f"  note: {n}\n" for n in GENERAL))
    assert all(out.count(note) == 1 for note in GENERAL)
    assert "18 values on 3 new days added" in out  # ANNA: 8 + 4 + 6 cells of daily.csv
    assert "7 values on 2 new days added" in out  # BEN: 4 + 3
    assert "3 values on 2 new days added" in out  # CARA: 2 + 1
    assert sorted(p.name for p in log.iterdir()) == ["ANNA", "BEN", "CARA"]
    for person in ("ANNA", "BEN", "CARA"):
        assert (log / person / "daily.csv").read_text(encoding="utf-8") == DAILY[person]
        assert (log / person / "interventions.csv").read_text(encoding="utf-8") == INTERVENTIONS[person]
        expected = {"daily.csv", "interventions.csv", "provenance.csv"} | (
            {"people.csv"} if person in PEOPLE else set()
        )
        assert {p.name for p in (log / person).iterdir()} == expected
    for person, text in PEOPLE.items():
        assert (log / person / "people.csv").read_text(encoding="utf-8") == text
    provenance = pd.read_csv(log / "ANNA" / "provenance.csv", keep_default_na=False)
    assert set(provenance["file"]) == {"fd.csv"} and set(provenance["source"]) == {"flaredown"}
    # one row per value written: 18 daily cells, 2 interventions, 3 facts of people.csv
    assert len(provenance) == 18 + 2 + 3
    written = {p: p.read_bytes() for p in log.rglob("*") if p.is_file()}
    assert main(["import", "flaredown", str(export), "--into", str(log)]) == 0
    assert capsys.readouterr().out.count("nothing was changed") == 3
    assert {p: p.read_bytes() for p in log.rglob("*") if p.is_file()} == written
