"""findings(): plain words from result tables; only corrected findings stated, numbers from the table."""

from __future__ import annotations

import pandas as pd
import pytest

from spasmlog.analysis.findings import ASSOCIATION_NOTE, factor_label, findings, findings_table


def _rates(**overrides: list[object]) -> pd.DataFrame:
    table = {
        "factor": ["water_ml", "sitting_h", "caffeine_mg", "banana"],
        "lag": [1, 0, 0, 2],
        "per": [500.0, 1.0, 100.0, 1.0],
        "rate_ratio": [0.6213, 1.0812, 1.02, 0.9],
        "ci_low": [0.5104, 1.0311, 0.9, 0.7],
        "ci_high": [0.7468, 1.1337, 1.15, 1.1],
        "p_value": [1e-6, 0.001, 0.6, 0.3],
        "p_adjusted": [4e-6, 0.002, 0.6, 0.4],
        "n": [690, 701, 702, 9],
        "status": ["ok", "ok", "ok", "ok"],
    }
    table.update(overrides)  # type: ignore[arg-type]
    return pd.DataFrame(table)


def test_only_corrected_findings_are_stated_and_the_rest_summarised() -> None:
    sentences = findings(_rates())
    assert sentences[0].startswith("On days after you drank 500 mL more water, you logged 38% fewer spasms")
    assert "(0.62 times as many; 95% CI 0.51 to 0.75; 690 days)" in sentences[0]
    # 1.1 (1.0 to 1.1) would hide the interval: one more decimal where rounding makes them touch
    assert sentences[1].startswith("On days when you sat 1 h longer, you logged 1.08 times as many spasms")
    assert "(95% CI 1.03 to 1.13; 701 days)" in sentences[1]
    assert sentences[2] == "No clear association with caffeine, banana (after correcting for the 4 tests run together)."
    assert all(s.endswith(ASSOCIATION_NOTE) for s in sentences[:2])


def test_numbers_come_from_the_table() -> None:
    table = _rates(rate_ratio=[1.9, 1.08, 1.02, 0.9], ci_low=[1.3, 1.03, 0.9, 0.7], ci_high=[2.7, 1.13, 1.15, 1.1])
    assert "1.9 times as many spasms (95% CI 1.3 to 2.7; 690 days)" in findings(table)[0]


def test_a_raw_p_value_below_alpha_is_not_a_finding_when_the_adjusted_one_is_not() -> None:
    table = _rates(p_value=[0.01, 0.02, 0.6, 0.3], p_adjusted=[0.08, 0.08, 0.6, 0.4])
    sentences = findings(table)
    assert len(sentences) == 1 and sentences[0].startswith("No clear association with water, sitting")


def test_max_items_and_strongest_first() -> None:
    sentences = findings(_rates(), max_items=1)
    assert "water" in sentences[0]
    assert sentences[1] == "1 more association(s) survived the correction; see the table."


def test_not_estimated_rows_say_why() -> None:
    table = _rates(status=["ok", "ok", "ok", "too few days (9 < 28)"], p_value=[1e-6, 0.001, 0.6, float("nan")])
    assert findings(table)[-1] == "Not estimated: banana (too few days (9 < 28))."


def test_a_factor_estimated_at_some_lags_is_named_not_estimated_only_at_the_others() -> None:
    """Exercise estimated at lag 0 but not at lag 3: the sentence must not say exercise was not estimated."""
    table = _rates(
        factor=["water_ml", "sitting_h", "exercise_min", "exercise_min"],
        lag=[1, 0, 0, 3],
        status=["ok", "ok", "ok", "too few days (27 < 28)"],
        p_value=[1e-6, 0.001, 0.6, float("nan")],
    )
    assert findings(table)[-1] == "Not estimated: exercise at lag 3 (too few days (27 < 28))."


def test_compare_days_sentence() -> None:
    table = pd.DataFrame(
        {
            "factor": ["water_ml"],
            "lag": [1],
            "threshold": [1500.0],
            "days_below": [80],
            "days_at_or_above": [132],
            "rate_ratio": [1.9],
            "ci_low": [1.3],
            "ci_high": [2.7],
            "p_value": [0.001],
            "status": ["ok"],
        }
    )
    assert findings(table)[0] == (
        "On days after your water was below 1.5 L, you logged 1.9 times as many spasms as on other days "
        f"(95% CI 1.3 to 2.7; 212 days). {ASSOCIATION_NOTE}"
    )


def test_intervention_sentence() -> None:
    table = pd.DataFrame(
        {
            "intervention": ["on_calf_stretching_programme", "on_magnesium"],
            "days_before": [365, 100],
            "days_during": [339, 50],
            "rate_ratio": [0.6, 0.95],
            "ci_low": [0.48, 0.7],
            "ci_high": [0.75, 1.3],
            "p_value": [1e-4, 0.7],
            "status": ["ok", "ok"],
        }
    )
    sentences = findings(table)
    assert sentences[0].startswith("While on calf stretching programme, you logged 40% fewer spasms than before it")
    assert "365 days before, 339 during" in sentences[0]
    assert "No clear association with magnesium" in sentences[1]


def test_correlation_and_within_person_sentences() -> None:
    one = pd.DataFrame(
        {
            "factor": ["stress"],
            "lag": [0],
            "n": [300],
            "r": [0.32],
            "ci_low": [0.2],
            "ci_high": [0.43],
            "p_value": [1e-5],
            "p_adjusted": [1e-4],
            "status": ["ok"],
        }
    )
    assert findings(one)[0].startswith("Higher stress on the same day was associated with more spasms (r = 0.32")
    cohort = one.assign(subjects=200, factor="water_ml", lag=1, r=-0.1, ci_low=-0.12, ci_high=-0.08)
    assert findings(cohort)[0].startswith("Across 200 people, when a person's water on the day before was higher")


def test_no_sentence_claims_a_cause() -> None:
    words = " ".join(findings(_rates()) + findings_table(_rates())["sentence"].tolist()).lower()
    assert "cause" not in words.replace("not proof of cause", "")


def test_unknown_table_and_bad_arguments() -> None:
    with pytest.raises(ValueError, match="none of their columns"):
        findings(pd.DataFrame({"x": [1]}))
    with pytest.raises(ValueError, match="'max_items' parameter of findings must be 0 or more"):
        findings(_rates(), max_items=-1)


@pytest.mark.parametrize(
    ("factor", "label"), [("water_ml", "water"), ("on_calf_stretching", "calf stretching"), ("hot_bath", "hot bath")]
)
def test_factor_labels(factor: str, label: str) -> None:
    assert factor_label(factor) == label


def test_an_empty_result_table_has_no_findings() -> None:
    assert findings(_rates().iloc[0:0]) == []


def test_a_table_without_adjusted_p_values_is_adjusted_before_anything_is_stated() -> None:
    table = _rates(p_value=[0.04, 0.045, 0.3, 0.6]).drop(columns=["p_adjusted"])
    sentences = findings(table)
    assert len(sentences) == 1
    assert sentences[0].startswith("No clear association with water, sitting, caffeine, banana")


def test_one_sentence_per_factor_at_its_strongest_lag() -> None:
    table = _rates(factor=["water_ml", "water_ml", "water_ml", "banana"], lag=[0, 1, 2, 0], per=[500.0] * 3 + [1.0])
    table["p_adjusted"] = [0.01, 1e-5, 0.03, 0.5]
    sentences = findings(table)
    assert sentences[0].startswith("On days after you drank 500 mL more water, you logged 1.08 times")  # lag 1
    assert "The association shows at lags 0 and 2 too (neighbouring days are alike)." in sentences[0]
    assert sum(s.startswith("On days") for s in sentences) == 1


def test_small_effects_keep_their_digits() -> None:
    table = _rates(rate_ratio=[0.996, 1.02, 1, 1], ci_low=[0.993, 1.001, 0.9, 0.9], ci_high=[0.999, 1.04, 1.1, 1.1])
    sentences = findings(table)
    assert "0.4% fewer spasms (0.996 times as many; 95% CI 0.993 to 0.999" in sentences[0]
    assert "1.02 times as many spasms (95% CI 1.00 to 1.04" in sentences[1]


def test_a_tie_on_adjusted_p_goes_to_the_lag_with_the_stronger_evidence() -> None:
    """Two lags of one factor tie on p_adjusted (the hypothesis's adjusted p caps both): the sentence takes the
    lag with the smaller p-value, not the first row (the audit's case: lag 0 chosen although lag 1 was stronger)."""
    table = _rates(factor=["water_ml", "water_ml", "caffeine_mg", "banana"], lag=[0, 1, 0, 0])
    table["per"] = [500.0, 500.0, 100.0, 1.0]
    table["rate_ratio"] = [0.9, 0.7, 1.02, 0.9]
    table["ci_low"] = [0.82, 0.6, 0.9, 0.7]
    table["ci_high"] = [0.99, 0.8, 1.15, 1.1]
    table["p_value"] = [0.03, 1e-5, 0.6, 0.3]
    table["p_adjusted"] = [0.01, 0.01, 0.6, 0.4]
    sentence = findings(table)[0]
    assert sentence.startswith("On days after you drank 500 mL more water, you logged 30% fewer spasms")


def test_one_sentence_per_hypothesis_and_exploratory_findings_say_so() -> None:
    table = _rates(factor=["exercise_min", "exercise_load", "caffeine_mg", "banana"], lag=[1, 1, 0, 0])
    table["per"] = [30.0, 100.0, 100.0, 1.0]
    table["p_adjusted"] = [0.001, 0.002, 0.6, 0.01]
    table["hypothesis"] = ["exercise", "exercise", "caffeine", "banana"]
    table["family"] = ["primary", "primary", "primary", "exploratory"]
    sentences = findings(table)
    assert sum("exercise" in s for s in sentences[:2]) == 1  # the two measures of exercise: one question
    assert sentences[1].startswith("Exploratory (a column outside the known suspects):")
    assert "after correcting for the 3 factors tested" in sentences[2]
