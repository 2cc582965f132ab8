"""The ``experiments`` table is read and validated like the diary's tables: nothing dropped, problems worded."""

from __future__ import annotations

import codecs

import spasmlog

HEADER = "person_id,experiment_id,change,period,pair,arm,start,end,design,block_days,pairs,washout_days,seed\n"


def _write(folder, text: str, name: str = "experiments.csv", bom: bool = False) -> None:
    (folder / name).write_bytes((codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8"))


def test_a_plan_file_is_read_by_name_with_a_bom(tmp_path) -> None:
    _write(tmp_path, HEADER + "me,mg-1,Magnésium 300 mg,1,1,on,2030-01-01,2030-01-07,pairs,7,1,0,5\n"
           "me,mg-1,Magnésium 300 mg,2,1,off,2030-01-08,2030-01-14,pairs,7,1,0,5\n", bom=True)  # fmt: skip
    log = spasmlog.read_log(tmp_path)
    assert log.experiments["change"].tolist() == ["Magnésium 300 mg"] * 2
    assert str(log.experiments["period"].dtype) == "Int64"
    assert log.experiments["end"].iloc[1].isoformat() == "2030-01-14T00:00:00"
    summary = log.summary().set_index("table")
    assert summary.loc["experiments", "rows_valid"] == 2


def test_broken_plan_rows_are_quarantined_with_reasons(tmp_path) -> None:
    _write(tmp_path, HEADER + "me,mg,Mg,1,1,on,2030-01-01,2030-01-07,pairs,7,1,0,5\n"
           "me,mg,Mg,1,1,off,2030-01-08,2030-01-14,pairs,7,1,0,5\n"  # same period twice
           "me,mg,Mg,3,2,maybe,2030-01-15,2030-01-10,pairs,7,1,0,-2\n", name="my experiments.csv")  # fmt: skip
    log = spasmlog.read_log(tmp_path, errors="quarantine")
    rules = set(log.problems["rule"])
    assert {"duplicate", "not_in_categories", "period_end_not_before_start", "below_minimum"} <= rules
    assert len(log.experiments) + len(log.quarantine) == 3
    duplicate = log.problems[log.problems["rule"] == "duplicate"]["message"].iloc[0]
    assert "person_id and experiment_id and period" in duplicate and "period of an experiment" in duplicate
    ends = log.problems[log.problems["rule"] == "period_end_not_before_start"]
    assert ends["line"].tolist() == [4] and "ends before it starts" in ends["message"].iloc[0]


def test_a_log_without_a_plan_summarises_the_four_tables() -> None:
    assert spasmlog.load_sample("alex").summary()["table"].tolist() == ["daily", "spasms", "interventions", "people"]


def test_the_written_log_keeps_its_plan(tmp_path) -> None:
    from spasmlog.simulate import Experiment, simulate

    sim = simulate(days=60, seed=1, experiment=Experiment("stretching", pairs=2, washout_days=1))
    folder = sim.log.write(tmp_path / "log")
    back = spasmlog.read_log(folder)
    assert (folder / "experiments.csv").exists()
    columns = ["period", "arm", "start", "end"]
    assert back.experiments[columns].equals(sim.log.experiments[columns])


def test_a_period_whose_end_runs_past_a_block_or_washout_is_set_aside(tmp_path) -> None:
    _write(tmp_path, HEADER + "me,mg,Mg,1,1,on,2030-01-01,2030-01-07,pairs,7,1,2,5\n"
           "me,mg,Mg,2,,washout,2030-01-08,2030-01-09,pairs,7,1,2,5\n"
           "me,mg,Mg,3,1,off,2030-01-10,2150-01-16,pairs,7,1,2,5\n"  # a typing error in the year of the end
           "me,mg2,Mg,1,1,on,2031-01-01,2031-01-28,pairs,28,1,14,5\n"  # the longest block: kept
           "me,mg2,Mg,2,,washout,2031-01-29,2031-02-13,pairs,28,1,14,5\n")  # fmt: skip  # a 16-day washout
    log = spasmlog.read_log(tmp_path, errors="quarantine")
    long = log.problems[log.problems["rule"] == "period_at_most_plan_limit"]
    assert long["line"].tolist() == [4, 6]
    assert "end=2150-01-16" in long["message"].iloc[0] and "at most 28 days" in long["message"].iloc[0]
    assert len(log.experiments) == 3


def test_the_summary_span_of_a_plan_runs_to_the_end_of_its_last_period(tmp_path) -> None:
    _write(tmp_path, HEADER + "me,mg,Mg,1,1,on,2030-01-01,2030-01-07,pairs,7,1,0,5\n"
           "me,mg,Mg,2,1,off,2030-01-08,2030-01-14,pairs,7,1,0,5\n")  # fmt: skip
    row = spasmlog.read_log(tmp_path).summary().set_index("table").loc["experiments"]
    assert (row["first"].date().isoformat(), row["last"].date().isoformat()) == ("2030-01-01", "2030-01-14")


def test_overlapping_experiments_of_one_person_are_warned_about(tmp_path) -> None:
    _write(tmp_path, HEADER + "me,mg,Mg,1,1,on,2030-01-01,2030-01-07,pairs,7,1,0,5\n"
           "me,mg,Mg,2,1,off,2030-01-08,2030-01-14,pairs,7,1,0,5\n"
           "me,st,Stretch,1,1,off,2030-01-10,2030-01-16,pairs,7,1,0,5\n"  # overlaps mg
           "me,st,Stretch,2,1,on,2030-01-17,2030-01-23,pairs,7,1,0,5\n"
           "you,mg,Mg,1,1,on,2030-01-01,2030-01-07,pairs,7,1,0,5\n"  # another person: no overlap
           "you,mg,Mg,2,1,off,2030-01-08,2030-01-14,pairs,7,1,0,5\n")  # fmt: skip
    log = spasmlog.read_log(tmp_path)  # a warning: nothing set aside, no error raised
    assert len(log.experiments) == 6
    warned = log.problems[log.problems["rule"] == "experiments_overlap"]
    assert warned["line"].tolist() == [4] and (warned["severity"] == "warning").all()
    assert "'st' (2030-01-10 to 2030-01-23) overlaps 'mg' (2030-01-01 to 2030-01-14)" in warned["message"].iloc[0]
