"""spasmlog import from the command line, as a new user met it (issue 11 trial): many-person exports into
safe folders, damaged zips, --auto with a file of no known app, another app's file, dry run = real run."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest

from spasmlog.cli import main

RESEARCH = (  # Flaredown's research export: base64 user ids (one with '/'), and ids made to escape the folder
    "user_id,age,sex,country,checkin_date,trackable_id,trackable_type,trackable_name,trackable_value\n"
    "QEVuQwEAWRNGnuTRqXG2FQ==,34,female,US,2017-04-01,3168,Symptom,Muscle cramps,2\n"
    "QEVuQwEAWRNG+/TRqXG2FQ==,51,male,GB,2017-04-01,3168,Symptom,Muscle cramps,1\n"
    "../evil,40,male,GB,2017-04-02,3168,Symptom,Muscle cramps,3\n"
    "{absolute},40,male,GB,2017-04-02,3168,Symptom,Muscle cramps,3\n"
)

GENERIC = "person,date,name,value\nMaria,2026-01-05,Leg cramps,2\n../../escape,2026-01-05,Leg cramps,1\n"
MAPPING = '[names."Leg cramps"]\nas = "spasms"\nscale = "0-4"\n'


def _tree(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def test_person_ids_of_a_research_export_never_leave_the_log_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = tmp_path / "ABSOLUTE"
    export = tmp_path / "research.csv"
    export.write_text(RESEARCH.format(absolute=outside))
    many = tmp_path / "work" / "many"
    assert main(["import", "flaredown", str(export), "--into", str(many)]) == 0, capsys.readouterr().err
    assert not outside.exists() and not (tmp_path / "work" / "evil").exists() and not (tmp_path / "evil").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["research.csv", "work"]
    assert sorted(p.name for p in (tmp_path / "work").iterdir()) == ["many"]
    folders = sorted(p.name for p in many.iterdir())
    assert folders == sorted(
        [
            "QEVuQwEAWRNGnuTRqXG2FQ==",
            "QEVuQwEAWRNG+%2FTRqXG2FQ==",  # one folder, not TRqXG2FQ== inside QEVuQwEAWRNG+
            "%2E.%2Fevil",
            str(outside).replace("/", "%2F"),
        ]
    )
    assert all(p.is_dir() and (p / "daily.csv").is_file() for p in many.iterdir())
    # The export's own ID is kept in provenance.csv, the folder name is the person's ID in the log.
    provenance = pd.read_csv(many / "%2E.%2Fevil" / "provenance.csv", dtype=str, keep_default_na=False)
    row = provenance[provenance["column"] == "person_id"]
    assert row["detail"].tolist() == ["the export's person ID: ../evil"]
    assert "the export names this person '../evil'" in capsys.readouterr().out
    # validate sees all four people (the nested folder of the '/' id was skipped before).
    assert main(["validate", str(many)]) == 0
    assert "(4 person(s)" in capsys.readouterr().out
    # Re-importing changes nothing, and adds no second provenance row.
    before = {p: p.read_bytes() for p in many.rglob("*.csv")}
    assert main(["import", "flaredown", str(export), "--into", str(many)]) == 0
    assert capsys.readouterr().out.count("nothing was changed") == 4
    assert {p: p.read_bytes() for p in many.rglob("*.csv")} == before


def test_one_person_of_a_research_export_by_its_id_or_folder_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "research.csv"
    export.write_text(RESEARCH.format(absolute="x"))
    for given in ("QEVuQwEAWRNG+/TRqXG2FQ==", "QEVuQwEAWRNG+%2FTRqXG2FQ=="):
        many = tmp_path / given.replace("/", "_")
        (many / "QEVuQwEAWRNG+%2FTRqXG2FQ==").mkdir(parents=True)
        (many / "other").mkdir()
        (many / "other" / "daily.csv").write_text("date\n")
        assert main(["import", "flaredown", str(export), "--into", str(many), "--person", given]) == 0
        out = capsys.readouterr().out
        assert "person QEVuQwEAWRNG+%2FTRqXG2FQ==" in out
        assert (many / "QEVuQwEAWRNG+%2FTRqXG2FQ==" / "daily.csv").is_file()
        assert _tree(many) - {"other", "other/daily.csv"} == {
            "QEVuQwEAWRNG+%2FTRqXG2FQ==",
            "QEVuQwEAWRNG+%2FTRqXG2FQ==/daily.csv",
            "QEVuQwEAWRNG+%2FTRqXG2FQ==/provenance.csv",
            "QEVuQwEAWRNG+%2FTRqXG2FQ==/people.csv",
        }


def test_generic_ids_are_folder_names_inside_the_log_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = tmp_path / "multi.csv"
    export.write_text(GENERIC + "CON,2026-01-05,Leg cramps,1\n.,2026-01-06,Leg cramps,0\n")
    mapping = tmp_path / "map.toml"
    mapping.write_text(MAPPING)
    into = tmp_path / "a" / "b" / "cohort"
    assert main(["import", "generic", str(export), "--mapping", str(mapping), "--into", str(into)]) == 0
    assert sorted(p.name for p in into.iterdir()) == ["%2E", "%2E.%2F..%2Fescape", "CO%4E", "Maria"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "map.toml", "multi.csv"]
    assert main(["validate", str(into)]) == 0
    assert "(4 person(s)" in capsys.readouterr().out


def test_ids_are_all_checked_before_anything_is_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = tmp_path / "multi.csv"
    export.write_text(GENERIC + "maria,2026-01-05,Leg cramps,1\n")  # 'Maria' and 'maria': one folder on macOS
    mapping = tmp_path / "map.toml"
    mapping.write_text(MAPPING)
    into = tmp_path / "cohort"
    code = main(["import", "generic", str(export), "--mapping", str(mapping), "--into", str(into)])
    err = capsys.readouterr().err
    assert code == 2
    assert "'Maria' and 'maria' differ only in upper and lower case" in err
    assert not into.exists()


@pytest.mark.parametrize("source", ["garmin", "cronometer", "flaredown", "myfitnesspal", "bearable", "visible"])
@pytest.mark.parametrize("content", [b"PK\n", b"PK\x03\x04 cut short", b""])
def test_a_damaged_zip_is_named_in_one_line_with_exit_2(
    tmp_path: Path, source: str, content: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = tmp_path / "fake.zip"
    fake.write_bytes(content)
    code = main(["import", source, str(fake), "--into", str(tmp_path / "T")])
    err = capsys.readouterr().err
    assert code == 2, err
    assert str(fake) in err and "internal error" not in err
    assert not (tmp_path / "T").exists()


GARMIN = "Activity Type,Date,Favorite,Title,Time\nRunning,2026-01-05 07:30:00,false,Run,00:31:12\n"


@pytest.mark.parametrize("source", ["garmin", "myfitnesspal", "cronometer"])
def test_a_zip_whose_entry_is_damaged_is_named_with_exit_2(
    tmp_path: Path, source: str, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("Activities.csv", GARMIN * 200)
    damaged = bytearray(archive.read_bytes())
    damaged[60:80] = b"x" * 20  # inside the compressed data of the entry: zlib cannot inflate it
    archive.write_bytes(bytes(damaged))
    code = main(["import", source, str(archive), "--into", str(tmp_path / "T")])
    err = capsys.readouterr().err
    assert code == 2, err
    assert f"{archive}: the entry Activities.csv cannot be read" in err and "internal error" not in err
    assert not (tmp_path / "T").exists()


def test_auto_imports_what_it_can_and_names_the_file_of_no_known_app(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junk = tmp_path / "junk.csv"
    junk.write_text("hello,world\n")
    garmin = tmp_path / "Activities.csv"
    garmin.write_text(GARMIN)
    log = tmp_path / "log"
    code = main(["import", "--auto", str(junk), str(garmin), "--into", str(log)])
    captured = capsys.readouterr()
    assert code == 1
    assert "Import from garmin" in captured.out
    assert pd.read_csv(log / "daily.csv")["exercise_min"].tolist() == [31.2]
    lines = [line for line in captured.err.splitlines() if str(junk) in line]
    assert len(lines) == 1
    assert "not imported: cannot tell which app it comes from" in lines[0]
    # Every file of no known app: nothing imported, the full message, exit 2 as before.
    assert main(["import", "--auto", str(junk), "--into", str(log)]) == 2
    assert "Cannot tell which app" in capsys.readouterr().err


VISIBLE = "observation_date,tracker_name,tracker_category,observation_value\n2023-03-01,Muscle cramps,Symptom,2\n"


def test_a_dry_run_says_what_the_real_run_does(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    visible = tmp_path / "visible.csv"
    visible.write_text(VISIBLE)
    research = tmp_path / "research.csv"
    research.write_text(RESEARCH.format(absolute="x"))
    into = tmp_path / "autot"
    args = ["import", "--auto", str(visible), str(research), "--into", str(into)]
    dry = main([*args, "--dry-run"])
    dry_err = capsys.readouterr().err
    real = main(args)
    real_err = capsys.readouterr().err
    assert (dry, real) == (2, 2)
    assert dry_err == real_err
    assert "visible.csv is one person's export and" in real_err and "holds 4 people" in real_err
    assert not into.exists()  # the Visible import was not written either: nothing half done


@pytest.mark.parametrize("research_first", [False, True])
def test_one_persons_export_and_many_peoples_are_refused_whatever_their_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], research_first: bool
) -> None:
    # Research export first used to write its 4 people's folders, then fail on the Visible file (exit 2,
    # half done); the other order refused before writing. Now both refuse before writing, with one message.
    visible = tmp_path / "visible.csv"
    visible.write_text(VISIBLE)
    research = tmp_path / "research.csv"
    research.write_text(RESEARCH.format(absolute="x"))
    into = tmp_path / "mixed"
    files = [str(research), str(visible)] if research_first else [str(visible), str(research)]
    assert main(["import", "--auto", *files, "--into", str(into)]) == 2
    captured = capsys.readouterr()
    assert "visible.csv is one person's export and" in captured.err and "holds 4 people" in captured.err
    assert "Nothing was imported." in captured.err and captured.out == ""
    assert not into.exists()


def test_a_merge_failing_after_others_were_written_names_what_was_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A failure no check before writing could foresee (here: made to happen on the second merge): the first
    # import's summary is printed and the error names the folder it went to.
    import spasmlog.importers.merge as merge
    from spasmlog.errors import LogReadError

    real = merge.merge_into
    calls: list[int] = []

    def second_fails(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 2:
            raise LogReadError("interventions.csv could not be read.")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(merge, "merge_into", second_fails)
    visible = tmp_path / "visible.csv"
    visible.write_text(VISIBLE)
    nutrition = tmp_path / "Nutrition-Summary.csv"
    nutrition.write_text(NUTRITION)
    into = tmp_path / "me"
    assert main(["import", "--auto", str(visible), str(nutrition), "--into", str(into)]) == 2
    captured = capsys.readouterr()
    assert captured.out.startswith("Import from visible into")
    assert (
        f"interventions.csv could not be read. The imports before it were written (their summaries are above): "
        f"{into}; this one and those after it were not." in captured.err
    )


NUTRITION = (
    "Date,Meal,Time,Calories,Fat (g),Sodium (mg),Potassium,Note\n"
    "2026-01-05,Breakfast,8:00 AM,300,10,400,200,\n"
    "2026-01-05,Lunch,12:00 PM,500,20,800,300,ate out, too salty\n"
)


def test_another_apps_file_given_to_an_importer_is_named_by_what_it_looks_like(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    garmin = tmp_path / "Activities.csv"
    garmin.write_text(GARMIN)
    nutrition = tmp_path / "Nutrition-Summary.csv"
    nutrition.write_text(NUTRITION)
    log = tmp_path / "log"
    assert main(["import", "garmin", str(garmin), str(nutrition), "--into", str(log)]) == 2
    err = capsys.readouterr().err
    assert f"{nutrition} looks like a MyFitnessPal export, not a Garmin Connect one" in err
    assert "spasmlog import myfitnesspal FILE" in err
    assert "cells" not in err
    assert not log.exists()
    assert main(["import", "visible", str(garmin), "--into", str(log)]) == 2
    assert f"{garmin} looks like a Garmin Connect export, not a Visible one" in capsys.readouterr().err


def test_a_folder_already_outside_by_a_link_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    many = tmp_path / "many"
    many.mkdir()
    try:
        (many / "Maria").symlink_to(elsewhere, target_is_directory=True)
    except OSError:  # Windows without developer mode refuses to make links; Linux and macOS (and CI) always can
        pytest.skip("this system does not let a user make symbolic links")
    export = tmp_path / "multi.csv"
    export.write_text(GENERIC)
    mapping = tmp_path / "map.toml"
    mapping.write_text(MAPPING)
    assert main(["import", "generic", str(export), "--mapping", str(mapping), "--into", str(many)]) == 2
    assert "would lie outside" in capsys.readouterr().err
    assert list(elsewhere.iterdir()) == [] and sorted(p.name for p in many.iterdir()) == ["Maria"]
