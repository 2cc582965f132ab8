"""caseload_summary: one row per client, with the change since the start and its interval."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import spasmlog
from spasmlog.analysis.caseload import caseload_summary
from spasmlog.analysis.daily import daily_table
from spasmlog.simulate import Intervention


@pytest.fixture(scope="module")
def clinic() -> pd.DataFrame:
    return daily_table(spasmlog.load_sample("clinic"))


def test_one_row_per_client_sorted_by_change(clinic: pd.DataFrame) -> None:
    summary = caseload_summary(clinic)
    assert sorted(summary["person_id"]) == [f"c{i:02d}" for i in range(1, 13)]
    assert summary["change_ratio"].is_monotonic_increasing
    assert summary["completeness"].between(0, 1).all()
    assert (summary["change_ci_low"] < summary["change_ratio"]).all()
    assert (summary["change_ratio"] < summary["change_ci_high"]).all()


def test_weekly_rates_come_from_the_first_and_last_four_weeks(clinic: pd.DataFrame) -> None:
    summary = caseload_summary(clinic).set_index("person_id")
    person = clinic[clinic["person_id"] == "c03"]
    first = person[person["date"] < person["date"].min() + pd.Timedelta(days=28)]
    last = person[person["date"] > person["date"].max() - pd.Timedelta(days=28)]
    assert summary.loc["c03", "spasms_per_week_first"] == pytest.approx(7 * first["spasm_count"].mean())
    assert summary.loc["c03", "spasms_per_week_last"] == pytest.approx(7 * last["spasm_count"].mean())
    assert summary.loc["c03", "days_logged"] == int(person["logged"].sum())
    assert "posture breaks" in summary.loc["c03", "active_interventions"].split(";")


def test_a_planted_improvement_shows_as_a_ratio_below_one() -> None:
    sim = spasmlog.simulate(
        1, 240, seed=3, effects=[], baseline_per_day=2.0,
        interventions=[Intervention("calf stretching programme", "home_exercise", rate_ratio=0.4, start_day=60)],
    )  # fmt: skip
    row = caseload_summary(daily_table(sim.log)).iloc[0]
    assert row["change_status"] == "ok"
    assert row["change_ci_low"] <= 0.4 <= row["change_ci_high"]
    assert row["change_ci_high"] < 1
    assert row["active_interventions"] == "calf stretching programme"


def test_short_spans_say_why_there_is_no_change() -> None:
    sim = spasmlog.simulate(1, 40, seed=1, interventions=[])
    row = caseload_summary(daily_table(sim.log)).iloc[0]
    assert row["change_status"].startswith("logged span too short (")
    assert row["change_status"].endswith(" < 56 days)")
    assert np.isnan(row["change_ratio"])


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="needs a daily table"):
        caseload_summary(pd.DataFrame({"x": [1]}))
    with pytest.raises(ValueError, match="'window' parameter of caseload_summary must be at least 7"):
        caseload_summary(daily_table(spasmlog.load_sample("alex")), window=3)


def test_change_interval_covers_no_change_in_95_percent_of_clients() -> None:
    """Null clients (no effect, no intervention): the 95 % interval of the change covers 1 in ~95 % of them.

    Over-dispersed, autocorrelated counts over 120 days, two four-week windows. Plain HAC errors with a
    normal reference covered in 91 %; bias-corrected HC2 errors with a Satterthwaite t reference are
    calibrated (95.0 % here; a binomial standard error of 0.7 %).
    """
    sim = spasmlog.simulate(1000, 120, seed=10, effects=[], interventions=[], start="2023-01-01", person_sd=0)
    summary = caseload_summary(daily_table(sim.log), factors=["water_ml"], lags=(0,))
    ok = summary[summary["change_status"] == "ok"]
    assert len(ok) > 950
    covered = ((ok["change_ci_low"] <= 1) & (ok["change_ci_high"] >= 1)).mean()
    assert 0.93 <= covered <= 0.97, covered
