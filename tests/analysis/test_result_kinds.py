"""Every result frame of the public analysis functions says what it is: ``attrs["kind"]``, the function's name.

The kind is set by the function that makes the table (one place each) and documented in its Returns section;
pandas carries ``attrs`` through most operations (filtering, sorting, ``copy``, ``assign``), which the checks
below confirm for the ones the report and the plots apply, but no behaviour relies on it.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

import spasmlog.analysis
from spasmlog.analysis.caseload import caseload_summary
from spasmlog.analysis.cohort import cohort_model
from spasmlog.analysis.correlation import correlate, partial_corr, rm_corr, within_person
from spasmlog.analysis.experiments import experiment_effect, plan_experiment
from spasmlog.analysis.findings import findings_table
from spasmlog.analysis.interventions import intervention_effect
from spasmlog.analysis.meta import meta_analysis
from spasmlog.analysis.overview import analyse_person
from spasmlog.analysis.rates import compare_days, rate_ratios
from spasmlog.analysis.sessions import session_effect


def _people(people: int = 3, days: int = 70, seed: int = 1) -> pd.DataFrame:
    """A small daily table of several people: water, sleep, a programme from day 30, single sessions, counts."""
    rng = np.random.default_rng(seed)
    frames = []
    for k in range(people):
        water = rng.normal(2000, 400, days)
        on = (np.arange(days) >= 30).astype(np.int64)
        session = np.zeros(days, dtype=np.int64)
        session[[10, 25, 40, 55]] = 1
        rate = np.exp(0.8 - 0.0004 * (water - 2000) - 0.3 * on)
        frames.append(
            pd.DataFrame(
                {
                    "person_id": f"p{k}",
                    "date": pd.date_range("2025-01-06", periods=days, freq="D"),
                    "water_ml": water,
                    "sleep_h": rng.normal(7, 1, days),
                    "on_stretching": on,
                    "on_massage": session,
                    "spasm_count": rng.poisson(rate).astype(np.float64),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


PEOPLE = _people()
ONE = PEOPLE[PEOPLE["person_id"] == "p0"].drop(columns="person_id").reset_index(drop=True)
EMPTY = ONE.iloc[:0]


def _plan_on_the_simulated_days() -> pd.DataFrame:
    """A plan typed over the simulated days (plan_experiment plans only days to come): a future plan moved back."""
    periods = plan_experiment(None, change="x", person="p0", start="2030-01-07", seed=1).periods
    back = pd.Timestamp("2030-01-07") - pd.Timestamp("2025-01-06")
    return periods.assign(start=periods["start"] - back, end=periods["end"] - back)


CALLS: list[tuple[str, Callable[[], pd.DataFrame]]] = [
    ("rate_ratios", lambda: rate_ratios(ONE, factors=["water_ml"], lags=[0, 1])),
    ("rate_ratios", lambda: rate_ratios(PEOPLE, factors=["water_ml"], lags=[0], person="person_id")),
    ("compare_days", lambda: compare_days(ONE, "water_ml", below=2000)),
    ("compare_days", lambda: compare_days(PEOPLE, "water_ml", below=2000, person="person_id")),
    ("intervention_effect", lambda: intervention_effect(ONE, intervention="on_stretching")),
    ("intervention_effect", lambda: intervention_effect(PEOPLE, intervention="on_stretching", person="person_id")),
    ("session_effect", lambda: session_effect(ONE, sessions="on_massage", min_sessions=2)),
    ("correlate", lambda: correlate(ONE, factors=["water_ml", "sleep_h"], lags=[0, 1])),
    ("correlate", lambda: correlate(PEOPLE, factors=["water_ml"], lags=[0], person="person_id")),
    ("correlate", lambda: correlate(EMPTY, factors=["water_ml"], lags=[0])),  # the table of no day
    ("within_person", lambda: within_person(PEOPLE, factors=["water_ml"], lags=[0])),
    ("rm_corr", lambda: rm_corr(PEOPLE, x="water_ml", y="spasm_count", subject="person_id")),
    ("partial_corr", lambda: partial_corr(ONE, x="water_ml", y="spasm_count", covar="sleep_h")),
    ("caseload_summary", lambda: caseload_summary(PEOPLE, factors=["water_ml"], lags=[0])),
    ("cohort_model", lambda: cohort_model(PEOPLE, factors=["water_ml"], min_subjects=2)),
    ("cohort_model", lambda: cohort_model(PEOPLE, factors=["water_ml"])),  # too few people: an early return
    ("meta_analysis", lambda: meta_analysis(rate_ratios(PEOPLE, factors=["water_ml"], lags=[0], person="person_id"))),
    ("findings_table", lambda: findings_table(rate_ratios(ONE, factors=["water_ml"], lags=[0]))),
    (
        "experiment_effect",
        lambda: experiment_effect(PEOPLE, experiment=_plan_on_the_simulated_days()),
    ),
]


@pytest.mark.parametrize(("kind", "call"), CALLS, ids=[f"{kind}-{i}" for i, (kind, _) in enumerate(CALLS)])
def test_each_result_frame_says_what_it_is(kind: str, call: Callable[[], pd.DataFrame]) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # small samples: the warnings are not what is tested here
        table = call()
    assert isinstance(table, pd.DataFrame)
    assert table.attrs["kind"] == kind


def test_every_public_result_frame_has_a_kind_documented() -> None:
    """The kinds tested above are every public analysis function that returns a table, each in its Returns."""
    frames = {
        name
        for name in spasmlog.analysis.__all__
        if "DataFrame" in str(inspect.signature(getattr(spasmlog.analysis, name)).return_annotation)
        and name != "daily_table"  # the input of the analyses, not a result
    }
    assert frames | {"findings_table"} == {kind for kind, _ in CALLS}
    for name in frames:
        doc = inspect.getdoc(getattr(spasmlog.analysis, name)) or ""
        returns = doc[doc.index("Returns\n-------") :]
        assert f'A table with ``attrs["kind"] == "{name}"``.' in returns, name


def test_the_kind_survives_what_the_report_does_with_a_table() -> None:
    table = rate_ratios(ONE, factors=["water_ml", "sleep_h"], lags=[0, 1])
    handled = [
        table[table["status"] == "ok"],
        table.sort_values(["p_adjusted", "p_value"], kind="stable"),
        table.reset_index(drop=True),
        table.copy(),
        table.assign(finding=True),
        table.loc[table["factor"] == "water_ml", ["factor", "lag", "rate_ratio"]],
        table.round(3),
    ]
    assert [frame.attrs.get("kind") for frame in handled] == ["rate_ratios"] * len(handled)
    results = analyse_person(ONE, lags=(0, 1))  # decided together: every table is copied and re-decided
    kinds = [frame.attrs.get("kind") for frame in results.tables]
    assert kinds == ["rate_ratios", "intervention_effect", "session_effect"]
