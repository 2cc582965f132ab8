"""Columns spasmlog itself writes are part of the log format: ``daily.experiment_arm_done`` (noted against a
plan's calendar) and ``people.age_band`` / ``people.start_year`` (written by ``spasmlog share``)."""

from __future__ import annotations

import spasmlog

DAILY = "person_id,date,spasm_count,experiment_arm_done\n"


def test_experiment_arm_done_is_known_and_a_bad_value_is_set_aside_with_its_fix(tmp_path) -> None:
    (tmp_path / "daily.csv").write_text(
        DAILY + "me,2026-01-01,1,\nme,2026-01-02,0,Off\nme,2026-01-03,2,skipped\n", encoding="utf-8"
    )
    log = spasmlog.read_log(tmp_path, errors="quarantine")
    assert "experiment_arm_done" not in set(log.unknown_columns["column"])
    done = log.daily["experiment_arm_done"]
    assert done.isna().iloc[0] and done.iloc[1] == "off"  # "Off" read as the category off
    problem = log.problems.set_index("line").loc[4]
    assert problem["rule"] == "not_in_categories" and problem["column"] == "experiment_arm_done"
    assert "'skipped'" in problem["message"] and "on, off" in problem["message"]
    assert "leave the cell empty when the day went as planned" in problem["message"]
    assert len(log.daily) == 2 and log.quarantine["line"].tolist() == [4]


def test_the_people_columns_share_writes_are_known(tmp_path) -> None:
    (tmp_path / "people.csv").write_text(
        "person_id,sex,age_band,start_year\na,female,30-39,2024\nb,male,90+,\nc,male,35,2024\n", encoding="utf-8"
    )
    log = spasmlog.read_log(tmp_path, errors="quarantine")
    assert not len(log.unknown_columns)
    assert log.people["age_band"].tolist() == ["30-39", "90+"]
    bad = log.problems.set_index("line").loc[4]
    assert bad["rule"] == "not_in_categories" and bad["column"] == "age_band" and "90+" in bad["message"]


def test_a_shared_bundle_validates_without_unknown_people_columns(tmp_path) -> None:
    from spasmlog.share import share

    for mode in ("shifted", "safe-harbor"):
        bundle = tmp_path / mode
        share(spasmlog.samples.sample_path("alex"), bundle, mode=mode, key=tmp_path / f"{mode}.key.csv")
        log = spasmlog.read_log(bundle)
        assert "people" not in set(log.unknown_columns["table"])
        assert "age_band" in log.people.columns
