"""Interventions and people of symptom-app imports merged into interventions.csv and people.csv: written once,
updated by a later export of the same app, the person's own rows never changed, provenance kept."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from spasmlog import read_log
from spasmlog.cli import main
from spasmlog.errors import SpasmlogError
from spasmlog.importers import read_apple_health, read_bearable, read_flaredown
from spasmlog.importers.merge import merge_into

TAKEN = "from Bearable: taken on {} between the first and last day"
HEADER = "date,weekday,time of day,category,rating/amount,detail,notes\n"


def _bearable(path: Path, *rows: str) -> Path:
    path.write_text(HEADER + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    return path


@pytest.fixture
def first(tmp_path: Path) -> Path:
    return _bearable(
        tmp_path / "bearable-2026-03.csv",
        '"1st Mar 2026","Sunday","pm","Symptom","3","Wadenkrämpfe (Severe)",""',
        '"1st Mar 2026","Sunday","21:30","Meds/Supplements","300","Magnesium (mg)",""',
        '"2nd Mar 2026","Monday","am","Meds/Supplements","200","Ibuprofen (mg)",""',
        '"3rd Mar 2026","Tuesday","am","Meds/Supplements","300","Magnesium (mg)",""',
    )


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_bearable_import_writes_interventions_with_provenance_and_reimport_changes_nothing(
    first: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "ann"
    assert main(["import", "bearable", str(first), "--into", str(log)]) == 0
    out = capsys.readouterr().out
    assert "  interventions.csv: 2 interventions added\n" in out
    assert _lines(log / "interventions.csv") == [
        "name,kind,start,end,dose,notes",
        "Magnesium,supplement,2026-03-01,2026-03-03,300 mg," + TAKEN.format("2 days"),
        "Ibuprofen,medication,2026-03-02,2026-03-02,200 mg," + TAKEN.format("1 day"),
    ]
    provenance = pd.read_csv(log / "provenance.csv", dtype="str", keep_default_na=False)
    rows = provenance[provenance["column"].str.startswith("interventions:")]
    assert rows[["date", "column", "source", "file"]].values.tolist() == [
        ["2026-03-01", "interventions:Magnesium", "bearable", first.name],
        ["2026-03-02", "interventions:Ibuprofen", "bearable", first.name],
    ]
    before = {p.name: p.read_bytes() for p in log.iterdir()}
    assert main(["import", "bearable", str(first), "--into", str(log)]) == 0
    again = capsys.readouterr().out
    assert "  nothing was changed\n" in again and "interventions.csv:" not in again
    assert {p.name: p.read_bytes() for p in log.iterdir()} == before
    # The log reads back: the interventions table holds both, as the person's own would.
    read = read_log(log)
    assert sorted(read.interventions["name"]) == ["Ibuprofen", "Magnesium"]
    assert read.interventions.set_index("name").loc["Magnesium", "end"] == pd.Timestamp("2026-03-03")


def test_a_later_export_extends_its_own_rows_and_adds_new_ones(first: Path, tmp_path: Path) -> None:
    log = tmp_path / "ann"
    merge_into(read_bearable(first), log)
    second = _bearable(
        tmp_path / "bearable-2026-04.csv",
        '"3rd Mar 2026","Tuesday","am","Meds/Supplements","300","Magnesium (mg)",""',
        '"5th Mar 2026","Thursday","am","Meds/Supplements","400","Magnesium (mg)",""',
        '"5th Mar 2026","Thursday","am","Meds/Supplements","1000","Vitamin C (mg)",""',
        '"20th Mar 2026","Friday","am","Meds/Supplements","200","Ibuprofen (mg)",""',
    )
    result = merge_into(read_bearable(second), log)
    actions = result.table_changes.set_index("imported_value")["action"].to_dict()
    assert actions == {
        "2026-03-01 to 2026-03-05, 300 mg; 400 mg": "updated",  # the span of both exports
        "2026-03-05 to 2026-03-05, 1000 mg": "added",
        "2026-03-20 to 2026-03-20, 200 mg": "added",  # days apart from the first Ibuprofen: a row of its own
    }
    table = pd.read_csv(log / "interventions.csv", dtype="str")
    assert table[["name", "start", "end", "dose"]].values.tolist() == [
        ["Magnesium", "2026-03-01", "2026-03-05", "300 mg; 400 mg"],
        ["Ibuprofen", "2026-03-02", "2026-03-02", "200 mg"],
        ["Vitamin C", "2026-03-05", "2026-03-05", "1000 mg"],
        ["Ibuprofen", "2026-03-20", "2026-03-20", "200 mg"],
    ]
    provenance = pd.read_csv(log / "provenance.csv", dtype="str", keep_default_na=False)
    magnesium = provenance[provenance["column"] == "interventions:Magnesium"]
    assert magnesium[["date", "file"]].values.tolist() == [["2026-03-01", second.name]]
    assert not merge_into(read_bearable(second), log).changed


def test_the_persons_own_rows_are_kept_and_the_difference_reported(first: Path, tmp_path: Path) -> None:
    log = tmp_path / "ann"
    log.mkdir()
    own = "Name;Kind;Start;End;Dose;Notes\r\nmagnesium;supplement;2026-02-01;;200 mg;my own\r\n"
    own += "Ibuprofen;medication;2026-03-02;2026-03-02;200 mg;\r\n"
    (log / "interventions.csv").write_bytes(own.encode())
    result = merge_into(read_bearable(first), log)
    kept = result.table_changes
    assert kept[["name", "action", "logged_value", "imported_value"]].values.tolist() == [
        ["Magnesium", "kept", "2026-02-01 to open-ended, 200 mg", "2026-03-01 to 2026-03-03, 300 mg"]
    ]  # Ibuprofen: the person's row says the same, nothing to report
    assert (log / "interventions.csv").read_bytes() == own.encode()  # untouched, semicolons and CRLF
    assert (
        "  interventions.csv 'Magnesium': logged 2026-02-01 to open-ended, 200 mg; bearable says 2026-03-01 to "
        "2026-03-03, 300 mg (kept)" in result.summary()
    )
    overwritten = merge_into(read_bearable(first), log, overwrite=True)
    assert overwritten.table_changes["action"].tolist() == ["overwritten"]
    assert (log / "interventions.csv").read_bytes().decode().split("\r\n")[1] == (
        "magnesium;supplement;2026-03-01;2026-03-03;300 mg;from Bearable: taken on 2 days between the first and "
        "last day"
    )


def test_dry_run_writes_no_table(first: Path, tmp_path: Path) -> None:
    log = tmp_path / "ann"
    result = merge_into(read_bearable(first), log, dry_run=True)
    assert result.changed and result.table_changes["action"].tolist() == ["added", "added"]
    assert not log.exists()


RESEARCH = (
    "user_id,age,sex,country,checkin_date,trackable_id,trackable_type,trackable_name,trackable_value\n"
    "u1,34,female,DE,2025-11-01,1,Symptom,Muskelkrämpfe,3\n"
    "u1,34,female,DE,2025-11-01,2,Treatment,Magnesium,400 mg\n"
    "u1,34,female,DE,2025-11-02,1,Symptom,Muskelkrämpfe,1\n"
    "u1,34,female,DE,2025-11-02,2,Treatment,Magnesium,400 mg\n"
    "u2,51,doesnt_say,US,2025-11-01,3,Condition,Fibromyalgia,2\n"
    "u2,51,doesnt_say,US,2025-11-01,4,Treatment,Ibuprofen,Not Taken\n"
    "u2,51,doesnt_say,US,2025-11-03,5,Treatment,Physio,Taken\n"
    "u3,,male,,2025-11-05,6,Symptom,Crampes,2\n"
)


def test_flaredown_research_export_fills_each_persons_people_and_interventions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "export.csv"
    export.write_text(RESEARCH, encoding="utf-8")
    caseload = tmp_path / "study"
    assert main(["import", "flaredown", str(export), "--into", str(caseload)]) == 0
    out = capsys.readouterr().out
    assert out.count("  people.csv: 1 person added\n") == 3
    assert "  interventions.csv 'Ibuprofen': not written (never taken: no day with a dose)" in out
    assert _lines(caseload / "u1" / "people.csv") == [
        "person_id,sex,country,birth_year",
        "u1,female,DE,1991",  # age 34 in an export whose latest check-in is in 2025
    ]
    assert _lines(caseload / "u2" / "people.csv") == [
        "person_id,sex,country,birth_year",
        "u2,unspecified,US,1974",  # Flaredown's "doesnt_say"; 2025 - 51
    ]
    assert _lines(caseload / "u3" / "people.csv") == ["person_id,sex", "u3,male"]
    assert _lines(caseload / "u1" / "interventions.csv")[1].startswith("Magnesium,")
    assert ",2025-11-01,2025-11-02,400 mg," in _lines(caseload / "u1" / "interventions.csv")[1]
    assert _lines(caseload / "u2" / "interventions.csv")[1].startswith("Physio,")
    assert not (caseload / "u3" / "interventions.csv").exists()
    log = read_log(caseload)
    assert log.people.set_index("person_id")["sex"].to_dict() == {"u1": "female", "u2": "unspecified", "u3": "male"}
    before = {p: p.read_bytes() for p in caseload.rglob("*.csv")}
    assert main(["import", "flaredown", str(export), "--into", str(caseload)]) == 0
    assert capsys.readouterr().out.count("nothing was changed") == 3
    assert {p: p.read_bytes() for p in caseload.rglob("*.csv")} == before


def test_a_persons_own_people_row_is_filled_never_overwritten(tmp_path: Path) -> None:
    export = tmp_path / "export.csv"
    export.write_text(RESEARCH, encoding="utf-8")
    folder = tmp_path / "u1"
    folder.mkdir()
    (folder / "people.csv").write_text("person_id,sex,birth_year\nu1,male,1990\n", encoding="utf-8")
    imported = read_flaredown(export, person="u1")
    result = merge_into(imported, folder, person_id="u1")
    people = result.table_changes[result.table_changes["table"] == "people"]
    changes = people.set_index("column")["action"].to_dict()
    assert changes == {"birth_year": "kept", "sex": "kept", "country": "filled"}
    assert _lines(folder / "people.csv") == [
        "person_id,sex,birth_year,country",
        "u1,male,1990,DE",  # the person's own birth year (1990) is kept; the export's age gives 2025 - 34 = 1991
    ]
    assert "  people.csv u1 sex: logged male; flaredown says female (kept)" in result.summary()


def test_generic_long_export_writes_interventions_and_notes_their_days(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mapping = tmp_path / "map.toml"
    mapping.write_text(
        'prefix = "tracker"\n[names."Calf cramps"]\nas = "spasms"\n'
        '[names."Magnésium"]\nas = "intervention"\nkind = "supplement"\n'
        '[names."Physio"]\nas = "intervention"\nkind = "therapy_session"\n',
        encoding="utf-8",
    )
    export = tmp_path / "tracker.csv"
    export.write_bytes(
        "\ufeffdatum;name;value\r\n2026-01-01;Calf cramps;2\r\n2026-01-01;Magnésium;300 mg\r\n"
        "2026-01-02;Magnésium;300 mg\r\n2026-01-04;Magnésium;Not taken\r\n2026-01-03;Physio;Taken\r\n".encode()
    )
    log = tmp_path / "eva"
    assert main(["import", "generic", str(export), "--mapping", str(mapping), "--into", str(log)]) == 0
    assert "  interventions.csv: 2 interventions added\n" in capsys.readouterr().out
    table = pd.read_csv(log / "interventions.csv", dtype="str", keep_default_na=False)
    assert table[["name", "kind", "start", "end", "dose", "notes"]].values.tolist() == [
        [
            "Magnésium",
            "supplement",
            "2026-01-01",
            "2026-01-02",
            "300 mg",
            "from generic: taken on 2 days between the first and last day",
        ],
        [
            "Physio",
            "therapy_session",
            "2026-01-03",
            "2026-01-03",
            "",
            "from generic: taken on 1 day between the first and last day",
        ],
    ]
    assert main(["import", "generic", str(export), "--mapping", str(mapping), "--into", str(log)]) == 0
    assert "nothing was changed" in capsys.readouterr().out


def test_an_interventions_table_kept_in_another_file_stops_the_import(first: Path, tmp_path: Path) -> None:
    log = tmp_path / "ann"
    log.mkdir()
    (log / "daily.csv").write_text("date,stress\n2026-02-27,3\n", encoding="utf-8")
    (log / "treatments.csv").write_text("name,kind,start,end,dose\nMagnesium,supplement,2026-02-01,,200 mg\n")
    before = {p.name: p.read_bytes() for p in log.iterdir()}
    with pytest.raises(SpasmlogError, match=r"interventions table is in .*treatments\.csv; spasmlog import merges"):
        merge_into(read_bearable(first), log)
    assert {p.name: p.read_bytes() for p in log.iterdir()} == before


def test_interventions_breaking_a_rule_are_refused_and_named_the_rest_written(tmp_path: Path) -> None:
    day = pd.Timestamp
    imported = pd.DataFrame({"date": pd.to_datetime(["2026-01-01"]).astype("datetime64[us]"), "stress": [3.0]})
    imported.attrs.update(
        source="visible",
        files=["/exports/visible.csv"],
        notes=[],
        interventions=[
            {"name": "Später", "kind": "supplement", "start": day("2099-01-01"), "end": day("2099-01-02"), "dose": ""},
            {"name": "Potion", "kind": "potion", "start": day("2026-01-01"), "end": day("2026-01-01"), "dose": ""},
            {"name": "Backwards", "kind": "other", "start": day("2026-01-03"), "end": day("2026-01-01"), "dose": ""},
            {"name": "Never", "kind": "medication", "start": None, "end": None, "dose": ""},
            {"name": "Zinc", "kind": "supplement", "start": day("2026-01-01"), "end": None, "dose": "15 mg"},
        ],
    )
    result = merge_into(imported, tmp_path / "kim")
    refused = result.table_changes[result.table_changes["action"] == "refused"]
    assert refused.set_index("name")["reason"].to_dict() == {
        "Never": "never taken: no day with a dose",
        "Später": "start 2099-01-01 is in the future",
        "Potion": "kind 'potion' is not one of supplement, therapy_session, home_exercise, medication, lifestyle, "
        "other",
        "Backwards": "end 2026-01-01 is before start 2026-01-03",
    }
    assert _lines(tmp_path / "kim" / "interventions.csv") == [
        "name,kind,start,end,dose,notes",
        "Zinc,supplement,2026-01-01,,15 mg,",
    ]
    assert "  interventions.csv 'Später': not written (start 2099-01-01 is in the future)" in result.summary()


# --- the person of an Apple Health export (<Me>) ---------------------------------------------------------------

CHAR = "HKCharacteristicTypeIdentifier"


def _apple(path: Path, sex: str = "HKBiologicalSexFemale", born: str = "1984-06-02") -> Path:
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<HealthData locale="en_GB">\n'
        ' <ExportDate value="2026-03-05 10:00:00 +0000"/>\n'
        f' <Me {CHAR}DateOfBirth="{born}" {CHAR}BiologicalSex="{sex}" {CHAR}BloodType="HKBloodTypeNotSet"/>\n'
        ' <Record type="HKQuantityTypeIdentifierStepCount" sourceName="Ann’s iPhone" unit="count" '
        'startDate="2026-03-01 09:00:00 +0000" endDate="2026-03-01 09:30:00 +0000" value="900"/>\n'
        "</HealthData>\n",
        encoding="utf-8",
    )
    return path


def test_apple_health_writes_sex_and_birth_year_with_provenance_and_reimport_changes_no_byte(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = _apple(tmp_path / "export.xml")
    log = tmp_path / "ann"
    assert main(["import", "apple-health", str(export), "--into", str(log)]) == 0
    out = capsys.readouterr().out
    assert "  people.csv: 1 person added\n" in out
    assert "the full date of birth is more identifying than the analysis needs" in out
    assert _lines(log / "people.csv") == ["person_id,sex,birth_year", "ann,female,1984"]
    provenance = pd.read_csv(log / "provenance.csv", dtype="str", keep_default_na=False)
    rows = provenance[provenance["column"].str.startswith("people:")]
    assert rows[["person_id", "date", "column", "source", "file", "detail"]].values.tolist() == [
        [
            "ann",
            "",
            "people:birth_year",
            "apple-health",
            "export.xml",
            "the year of the Health profile's date of birth (the full date is not kept)",
        ],
        ["ann", "", "people:sex", "apple-health", "export.xml", "the Health profile's HKBiologicalSexFemale"],
    ]
    people = read_log(log).people
    assert people[["sex", "birth_year"]].values.tolist() == [["female", 1984]]
    before = {p.name: p.read_bytes() for p in log.iterdir()}
    assert main(["import", "apple-health", str(export), "--into", str(log)]) == 0
    assert "nothing was changed" in capsys.readouterr().out
    assert {p.name: p.read_bytes() for p in log.iterdir()} == before


def test_apple_health_never_overwrites_the_persons_own_people_row_without_overwrite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = _apple(tmp_path / "export.xml")
    log = tmp_path / "ann"
    log.mkdir()
    own = "person_id,sex,birth_year,notes\nann,male,1983,typed by Ann\n"
    (log / "people.csv").write_text(own, encoding="utf-8")
    assert main(["import", "apple-health", str(export), "--into", str(log)]) == 0
    out = capsys.readouterr().out
    assert "  people.csv ann sex: logged male; apple-health says female (kept)" in out
    assert "  people.csv ann birth_year: logged 1983; apple-health says 1984 (kept)" in out
    assert (log / "people.csv").read_text(encoding="utf-8") == own
    assert main(["import", "apple-health", str(export), "--into", str(log), "--overwrite"]) == 0
    assert "(overwritten)" in capsys.readouterr().out
    assert _lines(log / "people.csv") == ["person_id,sex,birth_year,notes", "ann,female,1984,typed by Ann"]


def test_apple_health_fills_empty_cells_and_a_later_export_updates_its_own(tmp_path: Path) -> None:
    log = tmp_path / "ann"
    log.mkdir()
    (log / "people.csv").write_text("person_id,sex\nann,female\n", encoding="utf-8")
    first = read_apple_health(_apple(tmp_path / "export.xml"), progress=False)
    result = merge_into(first, log)
    changes = result.table_changes.set_index("column")["action"].to_dict()
    assert changes == {"birth_year": "filled"}  # sex already says female: nothing to do
    assert _lines(log / "people.csv") == ["person_id,sex,birth_year", "ann,female,1984"]
    # the person corrected their date of birth in the Health app: this source's own value is updated
    later = read_apple_health(_apple(tmp_path / "export2.xml", born="1985-01-09"), progress=False)
    result = merge_into(later, log)
    assert result.table_changes[["column", "action", "logged_value", "imported_value"]].values.tolist() == [
        ["birth_year", "updated", "1984", "1985"]
    ]
    assert _lines(log / "people.csv") == ["person_id,sex,birth_year", "ann,female,1985"]


def test_apple_health_with_nothing_set_writes_no_people_csv(tmp_path: Path) -> None:
    log = tmp_path / "ann"
    export = _apple(tmp_path / "export.xml", sex="HKBiologicalSexNotSet", born="")
    result = merge_into(read_apple_health(export, progress=False), log)
    assert result.daily_changed
    assert not (log / "people.csv").exists()
    assert "Health profile: sex and date of birth not set in the Health app: not recorded" in result.summary()
