"""Sessions: the alex sample estimated, agreement with count_regression and statsmodels, planted session
effects recovered, no more false positives than promised, statuses and errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import spasmlog
from spasmlog.analysis.daily import daily_table
from spasmlog.analysis.multicomp import adjust_pvalues
from spasmlog.analysis.sessions import session_effect, session_interventions
from spasmlog.simulate import Intervention
from spasmlog.stats.glm import count_regression
from spasmlog.stats.sandwich import newey_west_lags

COLUMNS = ["intervention", "term", "window", "sessions", "days", "n", "mean", "mean_other"]
COLUMNS += ["rate_ratio", "ci_low", "ci_high", "p_value", "p_adjusted", "status"]


@pytest.fixture(scope="module")
def alex() -> pd.DataFrame:
    return daily_table(spasmlog.load_sample("alex"))


@pytest.fixture(scope="module")
def clinic() -> pd.DataFrame:
    return daily_table(spasmlog.load_sample("clinic"))


def sessions_diaries(
    n: int,
    days: int,
    seed: int,
    *,
    after: float = 1.0,
    on_day: float = 1.0,
    every: int = 7,
    missing: float = 0.0,
    baseline: float = 1.0,
) -> pd.DataFrame:
    """Diaries with weekly sessions and a planted effect on days 1–3 after each, drawn here, not by spasmlog.

    Over-dispersed counts (gamma–Poisson, α = 0.5) with a weekend rhythm; sessions every ``every`` days from
    a day drawn in the second quarter to the end; the rate is multiplied by ``after`` on the three days
    after a session and by ``on_day`` on the session day; ``missing`` days have no count.
    """
    rng = np.random.default_rng(seed)
    frames = []
    for person in range(n):
        first = int(rng.integers(days // 4, days // 2))
        on = np.zeros(days, dtype=bool)
        on[first::every] = True
        window = np.zeros(days, dtype=bool)
        for lag in (1, 2, 3):
            window[lag:] |= on[:-lag]
        weekend = (np.arange(days) % 7) >= 5
        mu = baseline * np.exp(0.3 * weekend + np.log(after) * window + np.log(on_day) * on)
        counts = rng.poisson(mu * rng.gamma(2.0, 0.5, days)).astype(np.float64)
        counts[rng.random(days) < missing] = np.nan
        frames.append(
            pd.DataFrame(
                {
                    "person_id": f"s{person:04d}",
                    "date": pd.date_range("2024-01-01", periods=days),
                    "spasm_count": counts,
                    "on_massage": on.astype(np.int64),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def null_sessions(n: int, days: int, seed: int) -> pd.DataFrame:
    """The project's simulator: weekly sessions from the middle third of the diary on, nothing planted."""
    plan = Intervention("physio", kind="therapy_session", rate_ratio=1.0, every_days=7)
    sim = spasmlog.simulate(n, days, seed=seed, effects=[], interventions=[plan], factors=["water_ml"])
    return daily_table(sim.log)


def covered(rows: pd.DataFrame, truth: float) -> pd.Series:
    return (rows["ci_low"] <= truth) & (truth <= rows["ci_high"])


# ---------------------------------------------------------------------------------------------------------
# The alex sample and agreement with independent fits
# ---------------------------------------------------------------------------------------------------------


def test_alex_sports_massages_are_estimated(alex):
    """The six single-day massages get a rate ratio with an interval (intervention_effect: too few days)."""
    table = session_effect(alex)
    assert table.columns.tolist() == COLUMNS
    assert table.attrs["kind"] == "session_effect"
    assert table["term"].tolist() == ["after", "session_day", "course"]
    assert table["window"].tolist() == ["1-3", "0", "course"]
    assert (table["intervention"] == "on_sports_massage").all()
    assert (table["status"] == "ok").all()
    after = table.iloc[0]
    assert after["sessions"] == 6 and after["days"] == 18 and after["n"] == 704
    assert 0 < after["ci_low"] < after["rate_ratio"] < after["ci_high"] < np.inf
    assert after["ci_low"] < 1 < after["ci_high"]  # the sample plants no effect of the massages
    assert 0 < after["p_value"] < 1
    np.testing.assert_allclose(table["p_adjusted"], adjust_pvalues(table["p_value"]))
    on = alex["on_sports_massage"].to_numpy() > 0
    assert table.iloc[1]["mean"] == pytest.approx(alex.loc[on, "spasm_count"].mean())


def test_session_interventions_finds_the_single_day_interventions(alex, clinic):
    assert session_interventions(alex) == ["on_sports_massage"]
    assert session_interventions(clinic, person="person_id") == ["on_physiotherapy_session"]
    clinic_table = session_effect(clinic, person="person_id")
    assert set(clinic_table["intervention"]) == {"on_physiotherapy_session"}


def alex_design(alex: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The model of session_effect on alex, written out from its docstring."""
    day = ((alex["date"] - alex["date"].min()) // pd.Timedelta(days=1)).to_numpy()
    on = alex["on_sports_massage"].to_numpy() > 0
    after = np.zeros(len(alex), dtype=bool)
    for lag in (1, 2, 3):
        after[lag:] |= on[:-lag]
    course = (day >= day[on].min()) & (day <= day[on].max() + 3)
    design = pd.DataFrame({"intercept": np.ones(len(alex))})
    weekday = alex["date"].dt.day_of_week.to_numpy()
    for k in range(1, 7):
        design[f"weekday{k}"] = (weekday == k).astype(float)
    position = day / day.max()
    pieces = round(len(day) / 91)
    design["trend"] = position
    for k in range(1, pieces):
        design[f"trend{k}"] = np.clip(position - k / pieces, 0, None)
    design["stretching"] = alex["on_calf_stretching_programme"].to_numpy(dtype=float)
    design["magnesium"] = alex["on_magnesium_glycinate"].to_numpy(dtype=float)
    design["after"], design["session_day"], design["course"] = after * 1.0, on * 1.0, course * 1.0
    y = alex["spasm_count"].to_numpy(dtype=float)
    return design, y, day


def test_agrees_with_count_regression_and_statsmodels(alex):
    table = session_effect(alex).set_index("term")
    design, y, day = alex_design(alex)
    used = np.isfinite(y)
    expected = count_regression(
        design[used], y[used], cov_type="hac", time=day[used], small_sample="hc2", reference="t"
    ).table.set_index("term")
    for term in ("after", "session_day", "course"):
        for column in ("rate_ratio", "ci_low", "ci_high", "p_value"):
            assert table.loc[term, column] == pytest.approx(expected.loc[term, column], rel=1e-7), (term, column)
    fit = sm.GLM(y[used], design[used], family=sm.families.Poisson()).fit()
    np.testing.assert_allclose(table["rate_ratio"], np.exp(fit.params[["after", "session_day", "course"]]), rtol=1e-7)
    # statsmodels' Newey–West errors over the days (no days are missing in the windows' neighbourhood that
    # matter much, so its row-order kernel is close): the HC2 and small-sample layers only widen them
    hac = sm.GLM(y[used], design[used], family=sm.families.Poisson()).fit(
        cov_type="HAC", cov_kwds={"maxlags": int(newey_west_lags(used.sum()))}
    )
    se = np.log(table.loc["after", "ci_high"] / table.loc["after", "rate_ratio"]) / 1.96
    assert 0.9 * hac.bse["after"] < se < 2.0 * hac.bse["after"]


# ---------------------------------------------------------------------------------------------------------
# Planted effects recovered; nothing planted, nothing found beyond the rate
# ---------------------------------------------------------------------------------------------------------


def test_planted_session_effect_is_recovered():
    table = session_effect(sessions_diaries(100, 240, seed=1, after=0.6, on_day=1.5), person="person_id")
    after, on_day = table[table["term"] == "after"], table[table["term"] == "session_day"]
    assert (after["status"] == "ok").all()
    assert abs(np.log(after["rate_ratio"].median() / 0.6)) < 0.1
    assert covered(after, 0.6).mean() >= 0.88
    assert covered(on_day[on_day["status"] == "ok"], 1.5).mean() >= 0.88
    assert (after["p_value"] <= 0.05).mean() > 0.15  # three times the 5 % of chance (20 % here)


def test_a_course_effect_is_not_credited_to_the_days_after():
    """The project's simulator plants a session effect on every day of the course: that is the course row."""
    plan = Intervention("physio", kind="therapy_session", rate_ratio=0.6, every_days=7, days=120)
    sim = spasmlog.simulate(60, 365, seed=2, effects=[], interventions=[plan], factors=["water_ml"])
    daily = daily_table(sim.log)
    table = session_effect(daily, person="person_id").set_index("term")
    assert abs(np.log(table.loc["after", "rate_ratio"].median())) < 0.1
    assert table.loc["course", "rate_ratio"].median() < 0.75
    without = session_effect(daily, person="person_id", course=False).set_index("term")
    assert without.loc["after", "rate_ratio"].median() < 0.9  # what the course term removes


def test_null_sessions_false_positive_rate():
    table = session_effect(null_sessions(200, 180, seed=3), person="person_id")
    after = table[table["term"] == "after"]
    assert (after["status"] == "ok").mean() >= 0.97
    rate = (after["p_value"] <= 0.05).mean()
    assert 0.01 <= rate <= 0.10, rate  # 200 diaries at 5 %: 0.10 is beyond the binomial 99.9 % bound


@pytest.mark.slow
def test_null_sessions_false_positive_rate_large():
    table = session_effect(null_sessions(1000, 365, seed=4), person="person_id")
    for term in ("after", "session_day"):
        rows = table[(table["term"] == term) & (table["status"] == "ok")]
        assert len(rows) >= 950
        rate = (rows["p_value"] <= 0.05).mean()
        assert 0.035 <= rate <= 0.065, (term, rate)


@pytest.mark.slow
def test_planted_session_effect_coverage_large():
    table = session_effect(sessions_diaries(600, 365, seed=5, after=0.7, missing=0.1), person="person_id")
    after = table[(table["term"] == "after") & (table["status"] == "ok")]
    assert len(after) >= 590
    assert 0.925 <= covered(after, 0.7).mean() <= 0.975


# ---------------------------------------------------------------------------------------------------------
# Options, statuses, errors
# ---------------------------------------------------------------------------------------------------------


def test_options_change_the_terms(alex):
    assert session_effect(alex, window=(0, 3))["term"].tolist() == ["after", "course"]
    assert session_effect(alex, window=(0, 3))["window"].tolist() == ["0-3", "course"]
    assert session_effect(alex, session_day=False)["term"].tolist() == ["after", "course"]
    assert session_effect(alex, course=False)["term"].tolist() == ["after", "session_day"]
    named = session_effect(alex, sessions="sports massage")
    pd.testing.assert_frame_equal(named, session_effect(alex))
    longer = session_effect(alex, window=(2, 2)).iloc[0]
    assert longer["window"] == "2" and longer["days"] == 6


def test_statuses(alex, clinic):
    on = alex["on_sports_massage"].to_numpy() > 0
    two = alex.copy()
    two.loc[np.flatnonzero(on)[2:], "on_sports_massage"] = 0
    assert set(session_effect(two)["status"]) == {"too few sessions (2 < 3)"}
    assert session_effect(two, min_sessions=2)["status"].iloc[0] == "ok"

    unlogged = alex.copy()
    for lag in (1, 2, 3):
        unlogged.loc[np.flatnonzero(on)[:4] + lag, "spasm_count"] = np.nan
    assert session_effect(unlogged)["status"].iloc[0] == "too few sessions with days logged after them (2 < 3)"

    quiet = alex.copy()
    quiet.loc[on, "spasm_count"] = 0
    table = session_effect(quiet).set_index("term")
    assert table.loc["session_day", "status"] == "no spasms logged on any session day (no finite estimate)"
    assert table.loc["after", "status"] == "ok" and table.loc["after", "n"] == 704 - 6

    table = session_effect(clinic, person="person_id")
    course = table[(table["person_id"] == "c01") & (table["term"] == "course")].iloc[0]
    assert course["status"] == "too few days outside the course (4 < 14)"
    assert (table.loc[table["term"] == "after", "status"] == "ok").all()
    for _, part in table.groupby("person_id"):  # corrected across each person's own rows
        np.testing.assert_allclose(part["p_adjusted"], adjust_pvalues(part["p_value"]))


def test_separated_session_day_is_left_out_and_the_rest_estimated():
    """Weekly sessions on Saturdays, and no spasms on the other Saturdays: the session day cannot be estimated."""
    daily = sessions_diaries(1, 240, seed=6, baseline=2.0).drop(columns="person_id")
    on = daily["on_massage"].to_numpy() > 0
    weekday = daily["date"].dt.day_of_week.to_numpy()
    daily.loc[(weekday == weekday[on][0]) & ~on, "spasm_count"] = 0
    table = session_effect(daily).set_index("term")
    assert table.loc["session_day", "status"].startswith("no finite estimate (separation")
    assert table.loc["after", "status"] == "ok" and table.loc["course", "status"] == "ok"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"window": (3, 1)}, r"The 'window' parameter of session_effect must be two whole numbers"),
        ({"window": (1,)}, r"The 'window' parameter of session_effect must be two whole numbers"),
        ({"window": "1-3"}, r"The 'window' parameter of session_effect must be two whole numbers"),
        ({"window": (-1, 2)}, r"The 'window' parameter of session_effect must be two whole numbers"),
        ({"sessions": "calf stretching programme"}, r"active on consecutive days, not on single days"),
        ({"sessions": "yoga"}, r"Could not interpret value `yoga` for `intervention`"),
        ({"min_sessions": 0}, r"The 'min_sessions' parameter of session_effect must be a whole number ≥ 1"),
        ({"adjust": "bh"}, r"The 'adjust' parameter of session_effect must be one of"),
        ({"outcome": "cramps"}, r"Could not interpret value `cramps` for `outcome`"),
        ({"alpha": 1.5}, r"The 'alpha' parameter of session_effect must be a number in \(0, 1\)"),
    ],
)
def test_argument_errors(alex, kwargs, message):
    with pytest.raises(ValueError, match=message):
        session_effect(alex, **kwargs)


def test_several_people_need_by(clinic):
    with pytest.raises(ValueError, match=r"person='person_id'"):
        session_effect(clinic)
