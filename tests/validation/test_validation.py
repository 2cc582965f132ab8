"""Every rule of the log format: a valid row passes, a row breaking the rule is reported and set aside."""

from __future__ import annotations

import pandas as pd
import pytest

import spasmlog
from spasmlog import LogValidationError
from spasmlog.logformat.schemas import today

DAY = {"person_id": "me", "date": "2026-01-10"}
SPASM = {"person_id": "me", "start": "2026-01-10 23:40", "body_region": "calf"}
INTERVENTION = {"person_id": "me", "name": "magnesium glycinate", "start": "2026-01-01"}
TOMORROW = (today() + pd.Timedelta(days=1)).strftime("%Y-%m-%d")


def _check(table: str, row: dict[str, str]) -> spasmlog.Log:
    frame = pd.DataFrame([row]).astype("str")
    return spasmlog.validate_tables({table: frame}, errors="quarantine")


VALID = [
    ("daily", {**DAY, "water_ml": "0", "sleep_h": "24"}),
    ("daily", {**DAY, "water_ml": "15000", "sitting_h": "16", "sleep_h": "8"}),
    ("daily", {**DAY, "exercise_min": "30", "exercise_type": "running", "exercise_rpe": "6"}),
    ("daily", {**DAY, "exercise_min": "0", "exercise_type": "none"}),
    ("daily", {**DAY, "exercise_min": "0", "exercise_type": "", "exercise_rpe": "0"}),
    ("daily", {**DAY, "warmup": "yes", "posture_score": "5", "stress": "10", "spasm_count": "0"}),
    ("spasms", {**SPASM, "side": "left", "intensity": "0", "duration_s": "1:30", "relief": "stretch;water"}),
    ("spasms", {**SPASM, "kind": "cramp", "context": "sleep", "relief": "none"}),
    ("interventions", {**INTERVENTION, "kind": "supplement", "end": "2026-01-01", "dose": "300 mg"}),
    ("people", {"person_id": "me", "sex": "female", "birth_year": "1980", "water_target_ml": "2500"}),
]


@pytest.mark.parametrize(("table", "row"), VALID)
def test_valid_rows_pass(table: str, row: dict[str, str]) -> None:
    log = _check(table, row)
    assert log.problems.empty, log.problems["message"].tolist()
    assert len(log.table(table)) == 1


INVALID = [
    ("daily", {**DAY, "water_ml": "-1"}, "below_minimum", "below the plausible range of water_ml"),
    ("daily", {**DAY, "water_ml": "15001"}, "above_maximum", r"between 0 and 15000 mL"),
    ("daily", {**DAY, "water_total_ml": "20001"}, "above_maximum", "water_total_ml"),
    ("daily", {**DAY, "caffeine_mg": "2001"}, "above_maximum", "caffeine_mg"),
    ("daily", {**DAY, "alcohol_g": "501"}, "above_maximum", "alcohol_g"),
    ("daily", {**DAY, "magnesium_mg": "5001"}, "above_maximum", "magnesium_mg"),
    ("daily", {**DAY, "calcium_mg": "10001"}, "above_maximum", "calcium_mg"),
    ("daily", {**DAY, "potassium_mg": "20001"}, "above_maximum", "potassium_mg"),
    ("daily", {**DAY, "sodium_mg": "-5"}, "below_minimum", "sodium_mg"),
    ("daily", {**DAY, "exercise_min": "1441"}, "above_maximum", "exercise_min"),
    ("daily", {**DAY, "stretching_min": "601"}, "above_maximum", "stretching_min"),
    ("daily", {**DAY, "steps": "150001"}, "above_maximum", "steps"),
    ("daily", {**DAY, "steps": "12.5"}, "not_a_whole_number", "whole number"),
    ("daily", {**DAY, "posture_breaks": "201"}, "above_maximum", "posture_breaks"),
    ("daily", {**DAY, "posture_score": "0"}, "below_minimum", "posture_score"),
    ("daily", {**DAY, "sleep_h": "25"}, "above_maximum", "sleep_h"),
    ("daily", {**DAY, "stress": "11"}, "above_maximum", "stress"),
    ("daily", {**DAY, "exercise_rpe": "12", "exercise_min": "10"}, "above_maximum", "exercise_rpe"),
    ("daily", {**DAY, "spasm_count": "-1"}, "below_minimum", "spasm_count"),
    ("daily", {**DAY, "water_ml": "lots"}, "not_a_number", "not a number"),
    ("daily", {**DAY, "warmup": "maybe"}, "not_yes_no", "not yes or no"),
    (
        "daily",
        {**DAY, "exercise_type": "skiing", "exercise_min": "30"},
        "not_in_categories",
        "walking, running",
    ),
    ("daily", {**DAY, "date": TOMORROW}, "in_future", "in the future"),
    ("daily", {**DAY, "date": "31/02/2026"}, "not_a_date", "YYYY-MM-DD"),
    ("daily", {**DAY, "date": ""}, "missing_value", "date is required"),
    (
        "daily",
        {**DAY, "sitting_h": "16", "sleep_h": "9"},
        "sitting_plus_sleep_at_most_24h",
        "more than 24 hours",
    ),
    (
        "daily",
        {**DAY, "exercise_min": "0", "exercise_rpe": "5"},
        "exercise_details_need_exercise",
        "exercise_min",
    ),
    (
        "daily",
        {**DAY, "exercise_min": "0", "exercise_type": "running"},
        "exercise_details_need_exercise",
        "type",
    ),
    (
        "daily",
        {**DAY, "exercise_min": "20", "exercise_type": "none"},
        "exercise_details_need_exercise",
        "none",
    ),
    ("spasms", {**SPASM, "body_region": "elbow"}, "not_in_categories", "calf, foot"),
    ("spasms", {**SPASM, "start": ""}, "missing_value", "start is required"),
    ("spasms", {**SPASM, "start": f"{TOMORROW} 10:00"}, "in_future", "in the future"),
    ("spasms", {**SPASM, "start": "last night"}, "not_a_datetime", "HH:MM"),
    ("spasms", {**SPASM, "side": "up"}, "not_in_categories", "left, right"),
    ("spasms", {**SPASM, "intensity": "11"}, "above_maximum", "between 0 and 10"),
    ("spasms", {**SPASM, "duration_s": "0"}, "not_positive", "above 0"),
    ("spasms", {**SPASM, "duration_s": "a while"}, "not_a_duration", "1m30s"),
    ("spasms", {**SPASM, "kind": "tic"}, "not_in_categories", "cramp, spasm, twitch"),
    ("spasms", {**SPASM, "context": "driving"}, "not_in_categories", "during_exercise"),
    ("spasms", {**SPASM, "relief": "stretch;prayer"}, "not_in_categories", "electrolytes"),
    ("interventions", {**INTERVENTION, "end": "2025-12-01"}, "end_not_before_start", "ends before it starts"),
    ("interventions", {**INTERVENTION, "kind": "surgery"}, "not_in_categories", "supplement"),
    ("interventions", {**INTERVENTION, "start": TOMORROW}, "in_future", "in the future"),
    ("interventions", {**INTERVENTION, "name": ""}, "missing_value", "name is required"),
    ("people", {"person_id": "me", "sex": "robot"}, "not_in_categories", "female, male"),
    ("people", {"person_id": "me", "birth_year": "1850"}, "below_minimum", "birth_year"),
    ("people", {"person_id": "me", "birth_year": str(today().year + 1)}, "in_future", "future"),
    ("people", {"person_id": "me", "magnesium_target_mg": "-1"}, "below_minimum", "magnesium_target_mg"),
]


@pytest.mark.parametrize(("table", "row", "rule", "message"), INVALID)
def test_each_rule_reports_and_quarantines(table: str, row: dict[str, str], rule: str, message: str) -> None:
    log = _check(table, row)
    assert log.problems["rule"].tolist() == [rule]
    assert log.problems["message"].str.contains(message).all(), log.problems["message"].iloc[0]
    assert log.problems["line"].tolist() == [1]
    assert len(log.table(table)) == 0
    assert len(log.quarantine) == 1
    assert rule in log.quarantine["reasons"].iloc[0] or message in log.quarantine["reasons"].iloc[0]


@pytest.mark.parametrize(("table", "row", "rule", "message"), INVALID)
def test_each_rule_raises_with_the_problem(table: str, row: dict[str, str], rule: str, message: str) -> None:
    frame = pd.DataFrame([row]).astype("str")
    with pytest.raises(LogValidationError, match=message) as caught:
        spasmlog.validate_tables({table: frame})
    assert caught.value.problems["rule"].tolist() == [rule]


def test_one_daily_row_per_person_and_date() -> None:
    frame = pd.DataFrame(
        {
            "person_id": ["a", "a", "b"],
            "date": ["2026-01-01", "2026-01-01", "2026-01-01"],
            "water_ml": ["1", "2", "3"],
        }
    )
    log = spasmlog.validate_tables({"daily": frame}, errors="quarantine")
    assert log.problems["rule"].tolist() == ["duplicate", "duplicate"]
    assert log.problems["line"].tolist() == [1, 2]
    assert log.daily["person_id"].tolist() == ["b"]


def test_one_people_row_per_person() -> None:
    frame = pd.DataFrame({"person_id": ["a", "a"], "sex": ["female", "male"]})
    log = spasmlog.validate_tables({"people": frame}, errors="quarantine")
    assert log.problems["rule"].tolist() == ["duplicate", "duplicate"]


def test_every_problem_of_a_row_is_reported_lazily() -> None:
    frame = pd.DataFrame([{**DAY, "water_ml": "-1", "stress": "12", "warmup": "perhaps"}])
    with pytest.raises(LogValidationError) as caught:
        spasmlog.validate_tables({"daily": frame})
    assert sorted(caught.value.problems["rule"]) == ["above_maximum", "below_minimum", "not_yes_no"]


def test_events_disagreeing_with_the_daily_count_are_a_warning_and_events_win() -> None:
    daily = pd.DataFrame([{**DAY, "spasm_count": "5"}, {**DAY, "date": "2026-01-11", "spasm_count": "1"}])
    spasms = pd.DataFrame([SPASM, {**SPASM, "start": "2026-01-11 03:00"}])
    log = spasmlog.validate_tables({"daily": daily, "spasms": spasms})
    assert log.problems["rule"].tolist() == ["events_disagree_with_count"]
    assert log.problems["severity"].tolist() == ["warning"]
    assert "1 spasm event(s)" in log.problems["message"].iloc[0]
    assert len(log.daily) == 2 and len(log.spasms) == 2


def test_unknown_columns_are_kept_and_typed() -> None:
    frame = pd.DataFrame(
        [
            {**DAY, "banana": "1", "hot_bath": "yes", "mood": "good"},
            {**DAY, "date": "2026-01-11", "banana": "", "hot_bath": "no", "mood": "3"},
        ]
    )
    log = spasmlog.validate_tables({"daily": frame})
    assert log.daily["banana"].dtype == "float64"
    assert log.daily["hot_bath"].tolist() == [True, False]
    assert log.daily["mood"].tolist() == ["good", "3"]


def test_rows_in_equal_valid_plus_quarantined() -> None:
    rows = [dict(row) for table, row in VALID if table == "daily"] + [
        dict(row) for table, row, *_ in INVALID if table == "daily"
    ]
    for number, row in enumerate(rows):
        row["person_id"] = f"p{number}"
    frame = pd.DataFrame(rows).fillna("")
    log = spasmlog.validate_tables({"daily": frame}, errors="quarantine")
    assert len(log.daily) + len(log.quarantine) == len(frame)
    assert len(log.quarantine) == sum(1 for table, *_ in INVALID if table == "daily")
