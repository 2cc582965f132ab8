"""caseload_summary: one row per client, with the change since the start and its interval."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import spasmlog
from spasmlog.analysis.caseload import MIN_DAYS, caseload_summary
from spasmlog.analysis.daily import daily_table
from spasmlog.analysis.rates import rate_ratios
from spasmlog.simulate import Effect, Intervention


@pytest.fixture(scope="module")
def clinic() -> pd.DataFrame:
    return daily_table(spasmlog.load_sample("clinic"))


@pytest.fixture(scope="module")
def clinic_summary(clinic: pd.DataFrame) -> pd.DataFrame:
    """``caseload_summary`` of the clinic sample, computed once for the tests that read it (never change it)."""
    return caseload_summary(clinic)


def test_one_row_per_client_sorted_by_change(clinic_summary: pd.DataFrame) -> None:
    summary = clinic_summary
    assert sorted(summary["person_id"]) == [f"c{i:02d}" for i in range(1, 13)]
    assert summary["change_ratio"].is_monotonic_increasing
    assert summary["completeness"].between(0, 1).all()
    assert (summary["change_ci_low"] < summary["change_ratio"]).all()
    assert (summary["change_ratio"] < summary["change_ci_high"]).all()


def test_weekly_rates_come_from_the_first_and_last_four_weeks(
    clinic: pd.DataFrame, clinic_summary: pd.DataFrame
) -> None:
    summary = clinic_summary.set_index("person_id")
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
    assert row["change_status"].startswith("not enough days to test (a span of ")
    assert row["change_status"].endswith(" days; 56 needed)")
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


def _cohort() -> pd.DataFrame:
    """10 people × 240 days with planted effects, and the awkward clients a caseload has: p03 logged 40 days,
    p04 never had a spasm, p05 logged every third day in the last four weeks, p06 had one spasm in all, and
    p07 started a month late."""
    effects = [
        Effect("water_ml", lag=1, per=500, rate_ratio=0.75),
        Effect("stress", lag=0, per=1, rate_ratio=1.12),
        Effect("sitting_h", lag=0, per=1, rate_ratio=1.1),
        Effect("exercise_min", lag=2, per=30, rate_ratio=1.15),
    ]
    daily = daily_table(spasmlog.simulate(10, 240, seed=11, baseline_per_day=2.0, effects=effects).log)
    first = daily["date"].min()
    who, day = daily["person_id"], (daily["date"] - first).dt.days
    daily = daily[~((who == "p03") & (day >= 40)) & ~((who == "p05") & (day >= 212) & (day % 3 != 0))]
    daily = daily[~((daily["person_id"] == "p07") & ((daily["date"] - first).dt.days < 30))].copy()
    daily.loc[daily["person_id"] == "p04", "spasm_count"] = 0.0
    p06 = daily["person_id"] == "p06"
    daily.loc[p06, "spasm_count"] = np.where(np.arange(p06.sum()) == 50, 1.0, 0.0)
    return daily.reset_index(drop=True)


@pytest.fixture(scope="module")
def cohort() -> pd.DataFrame:
    return _cohort()


# caseload_summary(_cohort()) as the per-person implementation (a loop over people calling count_regression and
# rate_ratios, main at b812aa4) computed it, before the summary was computed for all people at once
_NAN = float("nan")
_EXPECTED = {
    "person_id": ["p07", "p02", "p10", "p09", "p01", "p08", "p03", "p04", "p05", "p06"],
    "days_in_span": [210, 240, 240, 240, 233, 240, 40, 240, 221, 234],
    "days_logged": [205, 230, 232, 223, 217, 220, 39, 233, 213, 229],
    "spasms_per_week_first": [
        18.5, 8.25, 7.75, 19.75, 5.782608695652174, 9.799999999999999, 38.370370370370374, 0.0, 20.22222222222222, 0.0,
    ],
    "spasms_per_week_last": [
        5.25, 2.5, 3.75, 9.851851851851851, 3.6296296296296293, 9.074074074074074, 39.75, 0.0, 9.545454545454545, 0.0,
    ],
    "change_ratio": [
        0.2837837837837849, 0.3030303030303027, 0.48387096774193594, 0.4988279418659171, 0.627680311890838,
        0.9259259259259258, _NAN, _NAN, _NAN, _NAN,
    ],
    "change_ci_low": [
        0.1509852395310762, 0.11485087951714765, 0.18931465524009433, 0.2408181910207014, 0.2525150873749289,
        0.4675483637773207, _NAN, _NAN, _NAN, _NAN,
    ],
    "change_ci_high": [
        0.5333848274755784, 0.7995355798814491, 1.2367299991994058, 1.0332662766526504, 1.5602337984280632,
        1.8336901307393045, _NAN, _NAN, _NAN, _NAN,
    ],
    "change_p_value": [
        0.0006942173331038693, 0.019144642229721367, 0.12127832140156951, 0.06002165860601279, 0.2970054725776453,
        0.8161969492719224, _NAN, _NAN, _NAN, _NAN,
    ],
    "strongest_lag": [1.0, _NAN, _NAN, 1.0, 2.0, 1.0, _NAN, _NAN, 1.0, _NAN],
    "strongest_rate_ratio": [
        0.7081733430941631, _NAN, _NAN, 0.7160859820149172, 1.1522225759841662, 0.6839329371239226, _NAN, _NAN,
        0.5608258158104797, _NAN,
    ],
    "strongest_ci_low": [
        0.5908451600140177, _NAN, _NAN, 0.5923311835546359, 1.075225892469927, 0.5823393617001733, _NAN, _NAN,
        0.46634427858944427, _NAN,
    ],
    "strongest_ci_high": [
        0.8488001896423507, _NAN, _NAN, 0.8656966708405117, 1.2347329746290683, 0.8032502922647898, _NAN, _NAN,
        0.6744493502329193, _NAN,
    ],
    "strongest_p_adjusted": [
        0.008069581942057315, _NAN, _NAN, 0.01861243338491692, 0.016058211301225034, 0.0002277957008689491, _NAN,
        _NAN, 2.2751254546982127e-07, _NAN,
    ],
}  # fmt: skip


def test_the_same_numbers_as_the_per_person_implementation(cohort: pd.DataFrame) -> None:
    summary = caseload_summary(cohort)
    assert summary["person_id"].tolist() == _EXPECTED["person_id"]
    for column, expected in _EXPECTED.items():
        if column == "person_id":
            continue
        # the max-T p-values are integrated (Genz's method, three standard errors ≤ 1e-5): equal within that
        atol = 5e-5 if column == "strongest_p_adjusted" else 0
        np.testing.assert_allclose(
            summary[column].to_numpy(dtype=float), expected, rtol=1e-10, atol=atol, err_msg=column
        )
    assert summary["strongest_factor"].fillna("").tolist() == [
        "water_ml", "", "", "water_ml", "exercise_load", "water_ml", "", "", "water_ml", "",
    ]  # fmt: skip
    assert summary["change_status"].tolist()[:6] == ["ok"] * 6
    assert summary["strongest"].iloc[0] == "water (lag 1): rate ratio 0.71 per 500 (95% CI 0.59 to 0.85)"


@pytest.mark.parametrize("alpha", [0.05, 0.2])
def test_strongest_is_what_rate_ratios_states(cohort: pd.DataFrame, alpha: float) -> None:
    """The summary computes only the p-values that can make a finding; rate_ratios computes them all."""
    people = ["p01", "p07", "p10"]
    part = cohort[cohort["person_id"].isin(people)]
    summary = caseload_summary(
        part, factors=["water_ml", "stress", "exercise_min", "exercise_load", "steps"], alpha=alpha
    )
    table = rate_ratios(
        part, factors=["water_ml", "stress", "exercise_min", "exercise_load", "steps"], alpha=alpha, person="person_id"
    )
    for person, row in summary.set_index("person_id").iterrows():
        mine = table[(table["person_id"] == person) & (table["status"] == "ok") & (table["p_adjusted"] <= alpha)]
        if not len(mine):
            assert np.isnan(row["strongest_p_adjusted"]), person
            continue
        best = mine.sort_values(["p_adjusted", "p_value"], kind="stable").iloc[0]
        assert (row["strongest_factor"], row["strongest_lag"]) == (best["factor"], best["lag"]), person
        assert row["strongest_p_adjusted"] == pytest.approx(best["p_adjusted"], rel=1e-10), person
        assert row["strongest_rate_ratio"] == pytest.approx(best["rate_ratio"], rel=1e-10), person


def test_too_little_data_says_not_enough_days(cohort: pd.DataFrame) -> None:
    first = cohort["date"].min()
    short = cohort[(cohort["person_id"] == "p02") & (cohort["date"] < first + pd.Timedelta(days=20))]
    summary = caseload_summary(pd.concat([cohort, short.assign(person_id="p11")])).set_index("person_id")
    logged = int(short["spasm_count"].notna().sum())
    assert logged < MIN_DAYS
    assert summary.loc["p11", "strongest"] == f"not enough days to test ({logged} days logged; 28 needed)"
    assert summary.loc["p11", "change_status"] == "not enough days to test (a span of 20 days; 56 needed)"
    assert summary.loc["p03", "change_status"] == "not enough days to test (a span of 40 days; 56 needed)"
    assert summary.loc["p05", "change_status"] == "not enough days to test (11 logged in the last 28 days; 14 needed)"
    assert summary.loc["p04", "strongest"] == "not enough days with spasms to test (0; 5 needed)"
    assert summary.loc["p06", "strongest"] == "not enough days with spasms to test (1; 5 needed)"
    assert summary.loc["p02", "strongest"] == "no clear association"


def test_a_large_cohort_is_not_searched_person_by_person_unless_asked(
    cohort: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above SEARCH_UP_TO people the default leaves the per-person searches out, and says so in each row."""
    import spasmlog.analysis.caseload as caseload

    monkeypatch.setattr(caseload, "SEARCH_UP_TO", 9)  # the 10-person cohort stands in for a 2,000-person one
    summary = caseload_summary(cohort)
    assert summary["strongest_factor"].isna().all()
    searchable = ~summary["strongest"].str.startswith("not enough days")
    assert set(summary.loc[searchable, "strongest"]) == {
        "not searched (a cohort of more than 9 people: pass associations=True)"
    }
    assert searchable.sum() == 8  # p04 and p06 have too few days with spasms to search at all
    assert summary.attrs["associations"].startswith("not searched: 10 people, more than 9")
    asked = caseload_summary(cohort, associations=True).set_index("person_id")
    assert asked["strongest_factor"].notna().sum() == 5  # as in the per-person implementation's literals
    assert asked.attrs["associations"] == "searched for each person"
    assert caseload_summary(cohort, associations=False).attrs["associations"] == "not searched (associations=False)"
    with pytest.raises(ValueError, match="associations"):
        caseload_summary(cohort, associations="yes")  # type: ignore[arg-type]


def test_pruning_never_drops_a_hypothesis_that_is_selected() -> None:
    """Any hypothesis the weighted BH rule selects on the true p-values is selectable from lower bounds of them."""
    from spasmlog.analysis.caseload import _selectable
    from spasmlog.analysis.decision import decide

    rng = np.random.default_rng(5)
    for _ in range(300):
        m = int(rng.integers(1, 16))
        p = np.where(rng.random(m) < 0.3, rng.random(m) * 0.01, rng.random(m))
        p[rng.random(m) < 0.1] = np.nan
        family = np.where(rng.random(m) < 0.6, "primary", "exploratory")
        table = pd.DataFrame({"hypothesis": [f"h{i}" for i in range(m)], "family": family, "p_value": p})
        lower = p * rng.random(m)  # any lower bounds
        selected = decide(table)["finding"].to_numpy()
        assert not (selected & ~_selectable(table, lower, 0.05)).any()
        assert not (selected & ~_selectable(table, p, 0.05)).any()


def test_monte_carlo_value_is_the_exact_one_when_final_and_close_otherwise() -> None:
    from spasmlog.analysis.caseload import _DRAWS, _lower
    from spasmlog.stats.maxt import weighted_max_t_estimate, weighted_max_t_pvalue

    rng = np.random.default_rng(8)
    for trial in range(40):
        k = int(rng.integers(2, 9))
        root = rng.standard_normal((k, k)) + 2 * np.eye(k)
        cov = root @ root.T
        corr = cov / np.sqrt(np.outer(np.diag(cov), np.diag(cov)))
        z = rng.standard_normal(k) * (1 + trial % 4)
        z[rng.random(k) < 0.15] = np.nan
        up, down = rng.random(k), rng.random(k)
        at = None if trial % 2 else int(np.flatnonzero(np.isfinite(z))[0]) if np.isfinite(z).any() else None
        estimate, final = weighted_max_t_estimate(z, corr, up, down, at=at)
        exact = weighted_max_t_pvalue(z, corr, up, down, at=at)
        if final:
            assert estimate == exact or (np.isnan(estimate) and np.isnan(exact))
        else:
            assert _lower(estimate, _DRAWS) <= exact <= estimate + 0.01
