"""``spasmlog plan``: the plan added to the log, the calendar written, the power statement printed."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import spasmlog
from spasmlog.cli import main
from spasmlog.samples import sample_path


def test_plan_writes_the_table_and_the_calendar(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "alex"
    shutil.copytree(sample_path("alex"), log)
    monkeypatch.chdir(tmp_path)
    code = main(["plan", str(log), "--try", "magnesium glycinate 300 mg", "--start", "2030-01-07", "--seed", "5",
                 "--pairs", "2", "--washout-days", "1"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    assert "seed 5" in out and "cannot show a change at the 5% level" in out  # 2 pairs: p >= 0.5 by randomisation
    assert "would show a 30% reduction with about" in out
    plans = spasmlog.read_log(log).experiments
    assert len(plans) == 4 + 3 and (plans["seed"] == 5).all()
    page = tmp_path / "magnesium-glycinate-300-mg-2030-01-07.html"
    assert page.exists() and "Experiment: magnesium glycinate 300 mg" in page.read_text(encoding="utf-8")
    assert main(["validate", str(log)]) == 0  # the plan validates, and nothing else was added to the folder
    assert sorted(p.name for p in log.iterdir()) == sorted(
        [*(p.name for p in sample_path("alex").iterdir()), "experiments.csv"]
    )


def test_plan_needs_a_person_in_a_caseload(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clinic = tmp_path / "clinic"
    shutil.copytree(sample_path("clinic"), clinic)
    assert main(["plan", str(clinic), "--try", "stretching"]) == 2
    assert "--person" in capsys.readouterr().err


def test_plan_of_a_missing_folder_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", str(tmp_path / "nowhere"), "--try", "x"]) == 2


def test_plan_says_what_is_wrong_in_the_command_lines_terms(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "alex"
    shutil.copytree(sample_path("alex"), log)
    assert main(["plan", str(log), "--try", "x", "--pairs", "1000"]) == 2
    assert capsys.readouterr().err.startswith("spasmlog: error: --pairs must be a whole number from 2 to 20.")
    assert main(["plan", str(log), "--try", "x", "--start", "31/12/2030"]) == 2
    assert "--start must be a date written YYYY-MM-DD" in capsys.readouterr().err
    for pairs in ("0", "1", "21"):  # too few and too many get the same message
        assert main(["plan", str(log), "--try", "x", "--pairs", pairs]) == 2
        assert capsys.readouterr().err.startswith("spasmlog: error: --pairs must be a whole number from 2 to 20.")
    for seed in ("99999999999999999999", "4294967296", "-1"):  # never an internal error (an OverflowError was)
        assert main(["plan", str(log), "--try", "x", "--seed", seed]) == 2
        assert capsys.readouterr().err.startswith(
            "spasmlog: error: --seed must be a whole number from 0 to 4294967295."
        )
    assert not (log / "experiments.csv").exists()


def test_plan_refuses_an_overlapping_experiment_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "alex"
    shutil.copytree(sample_path("alex"), log)
    monkeypatch.chdir(tmp_path)
    base = ["plan", str(log), "--seed", "5", "--pairs", "2", "--washout-days", "1"]
    assert main([*base, "--try", "magnesium", "--start", "2030-01-07"]) == 0  # 2030-01-07 to 2030-02-06
    capsys.readouterr()
    assert main([*base, "--try", "stretching", "--start", "2030-01-20"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "overlaps alex's experiment 'magnesium-2030-01-07'" in err
    assert "first free start is 2030-02-07" in err and "--allow-overlap" in err
    assert spasmlog.read_log(log).experiments["experiment_id"].nunique() == 1
    assert main([*base, "--try", "stretching", "--start", "2030-01-20", "--allow-overlap"]) == 0
    assert spasmlog.read_log(log).experiments["experiment_id"].nunique() == 2
    capsys.readouterr()
    assert main(["validate", str(log)]) == 0  # warned about, not an error
    assert "overlaps 'magnesium-2030-01-07'" in capsys.readouterr().out


def test_plan_works_on_a_folder_made_by_template(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["template", "log"]) == 0  # the tables both as CSV files and in a workbook, same example rows
    capsys.readouterr()
    assert main(["plan", "log", "--try", "magnesium", "--start", "2030-01-07", "--seed", "3", "--pairs", "2"]) == 0
    out = capsys.readouterr().out
    assert "the plan read the CSV files" in out and "spasmlog_template.xlsx" in out
    assert spasmlog.read_log(tmp_path / "log" / "experiments.csv").experiments["person_id"].unique().tolist() == ["log"]
    with (tmp_path / "log" / "daily.csv").open("a", encoding="utf-8") as daily:  # the two forms now differ
        daily.write("2026-01-16" + "," * 20 + "2,,\n")  # spasm_count 2; the folder's name says who
    assert main(["plan", "log", "--try", "stretching", "--start", "2031-01-07", "--seed", "3"]) == 2
    assert "holds the daily table twice" in capsys.readouterr().err


def test_plan_of_the_most_pairs_of_one_day_blocks_says_why_its_chance_is_low(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "alex"
    shutil.copytree(sample_path("alex"), log)
    monkeypatch.chdir(tmp_path)
    code = main(["plan", str(log), "--try", "X", "--block-days", "1", "--washout-days", "0", "--pairs", "20",
                 "--start", "2030-01-07", "--seed", "1"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    model = int(re.search(r"the count model alone: about (\d+)%", out).group(1))  # type: ignore[union-attr]
    randomisation = int(re.search(r"the randomisation test alone: about (\d+)%", out).group(1))  # type: ignore[union-attr]
    assert abs(model - randomisation) <= 10, out  # the two figures tell one story (the model's was about 0%)
    assert "Even 20 pairs" not in out  # 20 pairs is what was asked
    assert "The chance is low because 20 on-days against as many off-days" in out
    assert "With 1-day blocks and no washout" in out and "carry-over check needs blocks of 3 days" in out


def test_calendars_of_a_caseload_never_overwrite_each_other(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    clinic = tmp_path / "clinic"
    shutil.copytree(sample_path("clinic"), clinic)
    monkeypatch.chdir(tmp_path)
    people = spasmlog.read_log(clinic).person_ids[:2]
    same = ["--try", "magnesium 300 mg", "--start", "2030-01-07", "--seed", "3", "--pairs", "2"]
    for person in people:  # the same change from the same day, for two clients
        assert main(["plan", str(clinic), "--person", person, *same]) == 0
    pages = {person: tmp_path / f"{person}-magnesium-300-mg-2030-01-07.html" for person in people}
    assert all(page.exists() for page in pages.values())
    capsys.readouterr()
    # another log planned from the same folder: the name is taken, so the calendar goes beside it, and says so
    alex = tmp_path / "alex"
    shutil.copytree(sample_path("alex"), alex)
    (tmp_path / "magnesium-300-mg-2030-01-07.html").write_text("another plan's calendar", encoding="utf-8")
    assert main(["plan", str(alex), *same]) == 0
    out = capsys.readouterr().out
    assert "magnesium-300-mg-2030-01-07-2.html" in out and "another plan's calendar, kept" in out
    assert (tmp_path / "magnesium-300-mg-2030-01-07.html").read_text(encoding="utf-8") == "another plan's calendar"
    assert (tmp_path / "magnesium-300-mg-2030-01-07-2.html").exists()
