"""Whose rows are whose: a person's folder renamed or copied keeps its plans and profile (read as the folder's
person, with a warning naming both ids), and a row naming a person without days is never silent.

Every fixture is written by hand; every expected id, line and count is read off the fixture."""

from __future__ import annotations

import shutil
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pandas as pd

import spasmlog

Write = Callable[..., Path]

DAILY = "date,spasm_count,water_ml\n2026-03-02,1,1500\n2026-03-03,0,1700\n2026-03-04,2,1200\n"
EXPERIMENTS = (
    "person_id,experiment_id,change,against,period,pair,arm,start,end\n"
    "kim,calf-stretch,calf stretch 10 min,none,1,1,off,2026-03-02,2026-03-03\n"
    "kim,calf-stretch,calf stretch 10 min,none,2,1,on,2026-03-04,2026-03-05\n"
)
PEOPLE = "person_id,sex,birth_year\nkim,female,1961\n"
INTERVENTIONS = "person_id,name,kind,start\nkim,magnesium 300 mg,supplement,2026-03-03\n"


def _kim(write: Write) -> Path:
    write("kim/daily.csv", DAILY)
    write("kim/experiments.csv", EXPERIMENTS)
    write("kim/people.csv", PEOPLE)
    return write("kim/interventions.csv", INTERVENTIONS).parent


def _rules(log: spasmlog.Log, rule: str) -> pd.DataFrame:
    return log.problems[log.problems["rule"] == rule]


def test_a_copied_folder_keeps_its_plans_profile_and_interventions_as_the_copy_s_person(
    write: Write, tmp_path: Path
) -> None:
    original = _kim(write)
    copy = tmp_path / "kim2"
    shutil.copytree(original, copy)
    log = spasmlog.read_log(copy)
    assert log.person_ids == ["kim2"]
    assert log.experiments["person_id"].tolist() == ["kim2", "kim2"]
    assert log.people["person_id"].tolist() == ["kim2"] and log.people["birth_year"].tolist() == [1961]
    assert log.interventions["person_id"].tolist() == ["kim2"]
    warned = _rules(log, "person_from_folder").sort_values("file")
    assert [Path(f).name for f in warned["file"]] == ["experiments.csv", "interventions.csv", "people.csv"]
    assert (warned["severity"] == "warning").all() and (warned["value"] == "kim").all()
    assert warned["line"].tolist() == [2, 2, 2]
    message = warned["message"].iloc[0]
    assert "experiments.csv names person 'kim', but its folder is 'kim2'" in message
    assert "\n" not in message
    assert not len(_rules(log, "person_without_days"))
    assert (copy / "experiments.csv").read_text() == EXPERIMENTS  # the files are read, never rewritten
    # the original folder reads as it always did: no warning at all
    assert not len(spasmlog.read_log(original).problems)


def test_a_table_naming_two_people_in_a_person_s_folder_is_not_rewritten_but_warned_about(write: Write) -> None:
    write("kim2/daily.csv", DAILY)
    write("kim2/people.csv", "person_id,sex\nkim,female\nlee,male\n")
    log = spasmlog.read_log(write("kim2/experiments.csv", EXPERIMENTS).parent, errors="quarantine")
    assert sorted(log.people["person_id"]) == ["kim", "lee"]  # which one is kim2? spasmlog does not guess
    assert log.experiments["person_id"].tolist() == ["kim2", "kim2"]  # one person named: read as kim2's
    orphans = _rules(log, "person_without_days")
    assert orphans[["table", "line", "value"]].values.tolist() == [["people", 2, "kim"], ["people", 3, "lee"]]
    assert (
        "who has no daily rows and no spasm events in this log (the people with days: kim2)"
        in (orphans["message"].iloc[0])
    )


def test_daily_rows_that_name_their_person_keep_the_other_tables_as_written(write: Write) -> None:
    """A folder whose daily.csv names the person itself: an id elsewhere that differs is a typing error to
    report, not a folder's name to apply."""
    write("folder/daily.csv", "person_id," + DAILY.replace("\n2026", "\nkim,2026"))
    write("folder/people.csv", PEOPLE.replace("kim,", "kym,"))
    log = spasmlog.read_log(write("folder/experiments.csv", EXPERIMENTS).parent)
    assert log.people["person_id"].tolist() == ["kym"]
    orphans = _rules(log, "person_without_days")
    assert orphans[["table", "file", "line", "value"]].values.tolist() == [
        ["people", str(log.sources.set_index("table").at["people", "file"]), 2, "kym"]
    ]
    assert not len(_rules(log, "person_from_folder"))


def test_a_caseload_warns_about_people_without_days_and_reads_a_renamed_client_folder(write: Write) -> None:
    write("clinic/ann/daily.csv", DAILY)
    write("clinic/bob/daily.csv", DAILY)
    write("clinic/bob/experiments.csv", EXPERIMENTS.replace("kim,", "bob,"))
    write("clinic/dana/daily.csv", DAILY)
    write("clinic/dana/experiments.csv", EXPERIMENTS.replace("kim,", "dana-old,"))  # renamed: dana-old is no client
    write("clinic/carl2/daily.csv", DAILY)
    write("clinic/carl2/people.csv", "person_id,sex\nbob,male\n")  # names another client: left as written
    people = "person_id,sex\nann,female\nbob,male\ncarl,male\ndana,female\nzed,male\n"
    log = spasmlog.read_log(write("clinic/people.csv", people).parent.parent / "clinic", errors="quarantine")
    plans = log.experiments.groupby("person_id").size().to_dict()
    assert plans == {"bob": 2, "dana": 2}
    orphans = _rules(log, "person_without_days")
    assert sorted(orphans["value"]) == ["carl", "zed"]
    assert sorted(orphans["line"]) == [4, 6]
    assert _rules(log, "person_from_folder")["value"].tolist() == ["dana-old"]


def test_a_workbook_named_after_its_person_keeps_its_profile_sheet(tmp_path: Path) -> None:
    book = tmp_path / "kim2.xlsx"
    with pd.ExcelWriter(book) as writer:
        pd.DataFrame({"date": ["2026-03-02", "2026-03-03"], "spasm_count": [1, 0]}).to_excel(
            writer, sheet_name="daily", index=False
        )
        pd.DataFrame({"person_id": ["kim"], "sex": ["female"]}).to_excel(writer, sheet_name="people", index=False)
    log = spasmlog.read_log(book)
    assert log.person_ids == ["kim2"] and log.people["sex"].tolist() == ["female"]
    assert _rules(log, "person_from_folder")["value"].tolist() == ["kim"]


def test_an_id_written_in_another_unicode_form_is_the_same_person(write: Write, tmp_path: Path) -> None:
    """macOS writes 'Zoë' in a folder name decomposed; the id in the table was typed composed."""
    folder = tmp_path / unicodedata.normalize("NFD", "Zoë")
    write(f"{folder.name}/daily.csv", DAILY)
    write(f"{folder.name}/people.csv", PEOPLE.replace("kim", unicodedata.normalize("NFC", "Zoë")))
    log = spasmlog.read_log(folder)
    assert log.person_ids == [unicodedata.normalize("NFC", "Zoë")]
    assert not len(log.problems)


def test_a_profile_read_on_its_own_has_no_one_to_compare_with(write: Write) -> None:
    log = spasmlog.read_log(write("people.csv", "person_id,sex\nann,female\nbob,male\n"))
    assert log.people["person_id"].tolist() == ["ann", "bob"] and not len(log.problems)


def test_the_provenance_of_a_copied_folder_follows_it(write: Write, tmp_path: Path) -> None:
    write("log/daily.csv", DAILY)
    provenance = "person_id,date,column,source,file,detail\nlog,2026-03-02,water_ml,generic,mine.csv,\n"
    write("log/provenance.csv", provenance)
    shutil.copytree(tmp_path / "log", tmp_path / "log2")
    log = spasmlog.read_log(tmp_path / "log2")
    assert log.provenance["person_id"].tolist() == ["log2"]
    warned = _rules(log, "person_from_folder")
    assert warned[["file", "value", "severity"]].values.tolist() == [
        [str(tmp_path / "log2" / "provenance.csv"), "log", "warning"]
    ]
    assert not len(spasmlog.read_log(tmp_path / "log").problems)
