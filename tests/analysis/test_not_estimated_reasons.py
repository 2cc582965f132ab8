"""Why a model was not estimated, counted from the days that matter: a log without any spasm data says so,
and a factor logged on days without spasm counts says that the two were logged on different days."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import spasmlog
from spasmlog.analysis.interventions import intervention_effect
from spasmlog.analysis.overview import analyse_person
from spasmlog.analysis.rates import rate_ratios


def write_daily(folder: Path, frame: pd.DataFrame) -> pd.DataFrame:
    """Write ``daily.csv`` as a person would keep it and read it back as a daily table."""
    folder.mkdir(parents=True, exist_ok=True)
    frame.to_csv(folder / "daily.csv", index=False)
    return spasmlog.daily_table(spasmlog.read_log(folder))


@pytest.fixture
def without_spasms(tmp_path: Path) -> pd.DataFrame:
    """120 days of water, magnesium (on 33 days) and sleep; no spasms table and no spasm_count."""
    rng = np.random.default_rng(0)
    magnesium = np.full(120, np.nan)
    magnesium[rng.choice(120, 33, replace=False)] = 300.0
    frame = pd.DataFrame(
        {
            "person_id": "ann",
            "date": pd.date_range("2025-03-01", periods=120).strftime("%Y-%m-%d"),
            "water_ml": rng.integers(1200, 2600, 120),
            "magnesium_mg": magnesium,
            "sleep_h": rng.choice([6.5, 7.0, 7.5, 8.0], 120),
        }
    )
    return write_daily(tmp_path / "ann", frame)


def test_a_log_without_spasm_data_says_so_for_every_model(without_spasms):
    assert without_spasms["spasm_count"].isna().all()
    table = rate_ratios(without_spasms)
    assert set(table["status"]) == {"no spasm data logged"}
    assert (table["n"] == 0).all() and table["rate_ratio"].isna().all()
    results = analyse_person(without_spasms.assign(on_physio=0))
    assert set(results.associations["status"]) == {"no spasm data logged"}


def test_an_intervention_in_a_log_without_spasm_data_says_so(without_spasms):
    on = (np.arange(len(without_spasms)) >= 50).astype(float)
    table = intervention_effect(without_spasms.assign(on_magnesium=on))
    assert table["status"].tolist() == ["no spasm data logged"]


def test_a_factor_logged_on_other_days_than_the_spasms_says_so(tmp_path):
    """Magnesium on 33 days, spasm counts on the 60 others: no day has both, and each alone has enough."""
    days = 93
    rng = np.random.default_rng(1)
    magnesium_days = np.zeros(days, dtype=bool)
    magnesium_days[rng.choice(days, 33, replace=False)] = True
    frame = pd.DataFrame(
        {
            "person_id": "bo",
            "date": pd.date_range("2025-01-01", periods=days).strftime("%Y-%m-%d"),
            "magnesium_mg": np.where(magnesium_days, 350.0, np.nan),
            "spasm_count": np.where(magnesium_days, np.nan, rng.poisson(2.0, days)),
            "water_ml": rng.integers(1200, 2600, days),
        }
    )
    daily = write_daily(tmp_path / "bo", frame)
    table = rate_ratios(daily, factors=["magnesium_mg", "water_ml"], lags=(0, 1)).set_index(["factor", "lag"])
    assert table.loc[("magnesium_mg", 0), "status"] == (
        "too few days with the factor and spasms both recorded (0 < 28; the factor on 33 days, spasms on 60)"
    )
    # a day later: the magnesium days the day before days with counts (counted here, not by the code)
    both = int((magnesium_days[:-1] & ~magnesium_days[1:]).sum())
    assert table.loc[("magnesium_mg", 1), "n"] == both
    lagged = int(magnesium_days[:-1].sum())  # magnesium the day before a day of the diary
    assert both < 28 and table.loc[("magnesium_mg", 1), "status"] == (
        f"too few days with the factor and spasms both recorded ({both} < 28; the factor on {lagged} days, "
        "spasms on 60)"
    )
    assert table.loc[("water_ml", 0), "status"] == "ok"


def test_a_short_diary_keeps_the_short_reason():
    daily = pd.DataFrame(
        {"date": pd.date_range("2025-01-01", periods=20), "spasm_count": [0.0, 1.0, 2.0, 0.0] * 5, "x": range(20)}
    )
    assert rate_ratios(daily, factors=["x"], lags=(0,))["status"].tolist() == ["too few days (20 < 28)"]
