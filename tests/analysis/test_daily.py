"""daily_table: one row per person per day, missing days marked (never invented), outcomes and factors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import spasmlog
from spasmlog.analysis.daily import daily_table, intervention_column, lagged, snow_score


def _log(**tables: list[dict[str, str]]) -> spasmlog.Log:
    return spasmlog.validate_tables({name: pd.DataFrame(rows).astype("str") for name, rows in tables.items()})


def _day(date: str, **values: str) -> dict[str, str]:
    return {"person_id": "ann", "date": date, **values}


def _spasm(start: str, **values: str) -> dict[str, str]:
    return {"person_id": "ann", "start": start, "body_region": "calf", **values}


def test_missing_days_are_present_and_marked_never_invented() -> None:
    log = _log(daily=[_day("2026-01-01", water_ml="1500"), _day("2026-01-04", water_ml="2000")])
    table = daily_table(log)
    assert table["date"].dt.day.tolist() == [1, 2, 3, 4]
    assert table["logged"].tolist() == [True, False, False, True]
    assert table["water_ml"].isna().tolist() == [False, True, True, False]
    assert table["spasm_count"].isna().all()  # no events and no count logged: not recorded, not zero


def test_spasm_outcomes_from_events() -> None:
    log = _log(
        daily=[_day("2026-01-01"), _day("2026-01-02"), _day("2026-01-03", spasm_count="2")],
        spasms=[
            _spasm("2026-01-01 02:00", duration_s="60", intensity="4"),
            _spasm("2026-01-01 14:00", duration_s="120", intensity="7", context="sitting"),
            _spasm("2026-01-01 23:30", duration_s="30", intensity="5", context="sleep"),
            _spasm("2026-01-02 10:00", intensity="3"),
        ],
    )
    table = daily_table(log).set_index("date")
    assert table["spasm_count"].tolist() == [3.0, 1.0, 2.0]  # events, events, the logged count
    assert table["spasm_minutes"].tolist()[0] == pytest.approx(3.5)
    assert np.isnan(table["spasm_minutes"].iloc[1])  # a duration was not recorded
    assert table["max_intensity"].tolist()[:2] == [7.0, 3.0]
    assert table["night_spasms"].tolist()[:2] == [2.0, 0.0]  # 02:00, and 23:30 logged in sleep
    assert table["snow_score"].tolist() == [3, 2, 3]


def test_logged_days_without_events_have_zero_spasms_for_people_who_log_events() -> None:
    log = _log(daily=[_day("2026-01-01"), _day("2026-01-02")], spasms=[_spasm("2026-01-01 03:00")])
    assert daily_table(log)["spasm_count"].tolist() == [1.0, 0.0]


def test_events_win_over_a_disagreeing_count() -> None:
    log = _log(daily=[_day("2026-01-01", spasm_count="5")], spasms=[_spasm("2026-01-01 03:00")])
    assert daily_table(log)["spasm_count"].tolist() == [1.0]


def test_snow_score_bands() -> None:
    assert snow_score(pd.Series([0, 1, 2, 5, 6, 9, 10, 30])).tolist() == [1, 2, 3, 3, 4, 4, 5, 5]


def test_intake_as_percent_of_reference_and_of_personal_target() -> None:
    people = [
        {"person_id": "ann", "sex": "female", "birth_year": "1980"},
        {"person_id": "bob", "sex": "male", "birth_year": "1990", "magnesium_target_mg": "500"},
    ]
    daily = [
        _day("2026-01-01", magnesium_mg="160", water_ml="1100"),
        {**_day("2026-01-01"), "person_id": "bob", "magnesium_mg": "250", "water_ml": "1500"},
    ]
    table = daily_table(_log(daily=daily, people=people)).set_index("person_id")
    assert table.loc["ann", "magnesium_pct"] == pytest.approx(50.0)  # women 31+: 320 mg
    assert table.loc["ann", "water_pct"] == pytest.approx(50.0)  # 2.2 L from drinks
    assert table.loc["bob", "magnesium_pct"] == pytest.approx(50.0)  # his own target, 500 mg
    assert table.loc["bob", "water_pct"] == pytest.approx(50.0)  # men: 3.0 L from drinks


def test_exercise_load_and_unaccustomed_exercise() -> None:
    days = pd.date_range("2026-01-01", periods=35).strftime("%Y-%m-%d")
    rows = [_day(d, exercise_min="30", exercise_type="running", exercise_rpe="4") for d in days[:28]]
    rows += [_day(d, exercise_min="90", exercise_type="running", exercise_rpe="8") for d in days[28:]]
    table = daily_table(_log(daily=rows))
    assert table["exercise_load"].tolist()[0] == 120.0
    assert np.isnan(table["acute_chronic_ratio"].iloc[5])  # fewer than 14 days of history
    assert table["acute_chronic_ratio"].iloc[27] == pytest.approx(1.0)
    assert table["unaccustomed_exercise"].iloc[27] == 0.0
    assert table["unaccustomed_exercise"].iloc[-1] == 1.0


def test_one_column_per_intervention_active_from_start_to_end() -> None:
    days = [_day(d) for d in pd.date_range("2026-01-01", periods=10).strftime("%Y-%m-%d")]
    interventions = [
        {"person_id": "ann", "name": "Magnesium glycinate", "start": "2026-01-03"},
        {"person_id": "ann", "name": "sports massage", "start": "2026-01-05", "end": "2026-01-05"},
        {"person_id": "ann", "name": "sports massage", "start": "2026-01-08", "end": "2026-01-08"},
    ]
    table = daily_table(_log(daily=days, interventions=interventions))
    assert table["on_magnesium_glycinate"].tolist() == [0, 0, 1, 1, 1, 1, 1, 1, 1, 1]
    assert table["on_sports_massage"].tolist() == [0, 0, 0, 0, 1, 0, 0, 1, 0, 0]
    assert intervention_column("Sports massage!") == "on_sports_massage"


def test_several_people_each_over_their_own_span_and_lags_stay_within_person() -> None:
    daily = [_day("2026-01-01", stress="1"), _day("2026-01-02", stress="2")]
    daily += [
        {"person_id": "bob", "date": "2026-02-01", "stress": "5"},
        {"person_id": "bob", "date": "2026-02-03", "stress": "7"},
    ]
    table = daily_table(_log(daily=daily))
    assert table.groupby("person_id").size().to_dict() == {"ann": 2, "bob": 3}
    previous = lagged(table, "stress", 1)
    assert previous.iloc[1] == 1.0
    assert np.isnan(previous.iloc[0]) and np.isnan(previous.iloc[2])  # bob's first day does not see ann's last
    assert np.isnan(previous.iloc[4])  # bob did not log 2 February


def test_user_defined_factors_are_carried_as_numbers() -> None:
    table = daily_table(_log(daily=[_day("2026-01-01", banana="1", hot_bath="yes", mood="ok")]))
    assert table["banana"].tolist() == [1.0]
    assert table["hot_bath"].tolist() == [1.0]
    assert table["mood"].tolist() == ["ok"]


def test_on_the_sample_with_planted_effects() -> None:
    sim = spasmlog.simulate(n_people=3, days=120, seed=4)
    table = daily_table(sim.log)
    assert table.groupby("person_id").size().max() <= 120
    assert (~table["logged"]).any()  # the simulator leaves days out, and they are marked
    events = sim.log.spasms.groupby("person_id").size()
    assert table.groupby("person_id")["spasm_count"].sum().astype(int).to_dict() == events.to_dict()


def test_minutes_and_night_spasms_are_unknown_when_the_count_was_logged_without_events() -> None:
    log = _log(daily=[_day("2026-01-01"), _day("2026-01-02", spasm_count="1")], spasms=[_spasm("2026-01-01 03:00")])
    table = daily_table(log)
    assert table["spasm_count"].tolist() == [1.0, 1.0]
    assert np.isnan(table["spasm_minutes"].iloc[1])
    assert np.isnan(table["night_spasms"].iloc[1])


def test_a_table_instead_of_a_log_is_a_clear_error() -> None:
    log = _log(daily=[_day("2026-01-01")])
    with pytest.raises(TypeError, match=r"needs the Log that spasmlog\.read_log"):
        daily_table(log.daily)  # type: ignore[arg-type]
