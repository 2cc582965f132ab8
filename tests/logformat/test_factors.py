"""The one table of factor facts (spasmlog.logformat.factors) and everything built from it.

Expected values are written out by hand (or copied from the dictionaries and renderings the table replaced,
as they were before it existed), never computed by the code under test.
"""

from __future__ import annotations

import dataclasses
import importlib

import numpy as np
import pandas as pd
import pytest

from spasmlog.analysis.daily import DERIVED_COLUMNS, INTAKE_COLUMNS, association_factors
from spasmlog.analysis.decision import EXPECTED_DIRECTION, PRIMARY_HYPOTHESES, hypothesis_of, is_finding
from spasmlog.analysis.rates import DEFAULT_PER
from spasmlog.logformat import factors
from spasmlog.logformat.factors import FACTORS, Factor
from spasmlog.logformat.reference import TARGET_COLUMNS
from spasmlog.logformat.schemas import field_specs
from spasmlog.plots._common import OUTCOME_LABELS, factor_unit, per_label
from spasmlog.plots.associations import DEFAULT_BIN_WIDTHS

findings_module = importlib.import_module("spasmlog.analysis.findings")  # the package attribute is the function
build_module = importlib.import_module("spasmlog.report.build")

# --- the dictionaries the table replaced, as they were written before it ---------------------------------------

OLD_DEFAULT_PER = {
    "water_ml": 500.0, "water_total_ml": 500.0, "caffeine_mg": 100.0, "alcohol_g": 10.0, "magnesium_mg": 100.0,
    "calcium_mg": 250.0, "potassium_mg": 500.0, "sodium_mg": 500.0, "exercise_min": 30.0, "exercise_rpe": 1.0,
    "exercise_load": 100.0, "acute_chronic_ratio": 0.5, "stretching_min": 10.0, "steps": 1000.0, "sitting_h": 1.0,
    "posture_breaks": 1.0, "posture_score": 1.0, "sleep_h": 1.0, "stress": 1.0, "water_pct": 10.0,
    "water_total_pct": 10.0, "magnesium_pct": 10.0, "calcium_pct": 10.0, "potassium_pct": 10.0, "sodium_pct": 10.0,
}  # fmt: skip
OLD_BIN_WIDTHS = {
    "water_ml": 500, "water_total_ml": 500, "caffeine_mg": 100, "alcohol_g": 10, "magnesium_mg": 100,
    "calcium_mg": 250, "potassium_mg": 500, "sodium_mg": 500, "exercise_min": 15, "exercise_rpe": 2,
    "stretching_min": 5, "steps": 2000, "sitting_h": 2, "posture_breaks": 2, "posture_score": 1, "sleep_h": 1,
    "stress": 2, "acute_chronic_ratio": 0.25,
}  # fmt: skip
SHARES = ["water_pct", "water_total_pct", "magnesium_pct", "calcium_pct", "potassium_pct", "sodium_pct"]
# changed on purpose since: water_total_pct joined the water hypothesis (with the expected direction −1), like
# water_total_ml, instead of being an exploratory hypothesis of its own
OLD_PRIMARY = {
    "water": ("water_ml", "water_total_ml", "water_pct", "water_total_pct"),
    "magnesium": ("magnesium_mg", "magnesium_pct"),
    "calcium": ("calcium_mg", "calcium_pct"),
    "potassium": ("potassium_mg", "potassium_pct"),
    "sodium": ("sodium_mg", "sodium_pct"),
    "exercise": ("exercise_min", "exercise_load", "acute_chronic_ratio", "unaccustomed_exercise"),
    "sitting": ("sitting_h",),
    "posture_breaks": ("posture_breaks",),
    "sleep": ("sleep_h",),
    "stress": ("stress",),
    "caffeine": ("caffeine_mg",),
    "alcohol": ("alcohol_g",),
}
OLD_DIRECTION = {
    **dict.fromkeys(("water_ml", "water_total_ml", "water_pct", "water_total_pct"), -1),
    **dict.fromkeys(("magnesium_mg", "magnesium_pct", "calcium_mg", "calcium_pct", "potassium_mg"), -1),
    **dict.fromkeys(("potassium_pct", "sodium_mg", "sodium_pct"), -1),
    **dict.fromkeys(("exercise_min", "exercise_load", "acute_chronic_ratio", "unaccustomed_exercise"), 1),
    "sitting_h": 1, "posture_breaks": -1, "sleep_h": -1, "stress": 1, "caffeine_mg": 1, "alcohol_g": 1,
    "stretching_min": -1, "warmup": -1, "posture_score": -1, "exercise_rpe": 1,
}  # fmt: skip
OLD_OUTCOME_LABELS = {
    "spasm_count": "spasms per day",
    "spasm_minutes": "minutes of spasm per day",
    "max_intensity": "strongest spasm of the day (0–10)",
    "night_spasms": "night spasms per day",
    "snow_score": "Snow frequency score (1–5)",
}
OLD_INTAKES = {
    "water_ml": "water_pct", "water_total_ml": "water_total_pct", "magnesium_mg": "magnesium_pct",
    "calcium_mg": "calcium_pct", "potassium_mg": "potassium_pct", "sodium_mg": "sodium_pct",
}  # fmt: skip
OLD_TARGETS = {
    "water_ml": "water_target_ml", "water_total_ml": "water_total_target_ml", "magnesium_mg": "magnesium_target_mg",
    "calcium_mg": "calcium_target_mg", "potassium_mg": "potassium_target_mg", "sodium_mg": "sodium_target_mg",
}  # fmt: skip


def _every_factor_of_the_schema() -> list[str]:
    """The association factors of a daily table holding every column of the ``daily`` model, and the derived
    ones (``*_pct``, exercise load ...) that ``association_factors`` would test when their source is absent."""
    specs = field_specs("daily")
    frame = pd.DataFrame({"person_id": ["a", "a"], "date": pd.to_datetime(["2026-01-01", "2026-01-02"])})
    for name, spec in specs.items():
        if name in frame:
            continue
        if spec.kind in ("number", "integer", "duration"):
            frame[name] = [1.0, 2.0]
        elif spec.kind == "boolean":
            frame[name] = pd.array([True, False], dtype="boolean")
        else:
            frame[name] = ["x", "y"]
    for name in DERIVED_COLUMNS:
        frame[name] = [1.0, 0.0]
    found = association_factors(frame)
    return list(dict.fromkeys([*found, *DERIVED_COLUMNS]))


# --- the table ---------------------------------------------------------------------------------------------------


def test_the_schema_factors_are_the_ones_expected() -> None:
    """The probe itself: it finds the logged factors of the model and the derived ones (else the next test
    would pass on an empty list)."""
    expected = {
        "water_ml", "water_total_ml", "caffeine_mg", "alcohol_g", "magnesium_mg", "calcium_mg", "potassium_mg",
        "sodium_mg", "exercise_min", "exercise_rpe", "warmup", "stretching_min", "steps", "sitting_h",
        "posture_breaks", "posture_score", "sleep_h", "stress", *SHARES, "exercise_load", "acute_chronic_ratio",
        "unaccustomed_exercise",
    }  # fmt: skip
    assert set(_every_factor_of_the_schema()) == expected


@pytest.mark.parametrize("name", _every_factor_of_the_schema())
def test_every_factor_of_the_daily_schema_has_a_complete_entry(name: str) -> None:
    entry = FACTORS[name]
    assert entry.name == name and entry.label and entry.phrase
    assert entry.kind in ("amount", "share", "score", "count", "load", "ratio", "flag")
    if entry.kind == "flag":
        assert entry.step is None and entry.bin_width is None and "{per}" not in entry.phrase
    else:
        assert entry.step is not None and entry.step > 0
        # exercise load alone has no band width of its own (it had none before the table): the data choose one
        assert (entry.bin_width is None) if name == "exercise_load" else (entry.bin_width or 0) > 0
        assert "{per}" in entry.phrase
    if entry.kind in ("amount", "share", "score", "count", "load"):
        assert entry.unit
    spec = field_specs("daily").get(name)
    if spec is not None and entry.kind in ("amount", "count"):
        assert entry.unit == spec.unit  # read from the model, never written twice
    assert entry.direction in (-1, 0, 1)


def test_units_of_logged_columns_are_the_schemas() -> None:
    """The table states each unit once and the model's ``unit`` metadata carries it; scores show their range."""
    expected = {
        "water_ml": "mL", "water_total_ml": "mL", "caffeine_mg": "mg", "alcohol_g": "g", "magnesium_mg": "mg",
        "calcium_mg": "mg", "potassium_mg": "mg", "sodium_mg": "mg", "exercise_min": "min", "stretching_min": "min",
        "sitting_h": "h", "sleep_h": "h", "steps": "steps", "posture_breaks": "breaks", "stress": "0–10",
        "exercise_rpe": "0–10", "posture_score": "1–5", "warmup": "",
    }  # fmt: skip
    assert {name: FACTORS[name].unit for name in expected} == expected
    scores = {name: entry.scale for name, entry in FACTORS.items() if entry.kind == "score"}
    assert scores == {"stress": (0, 10), "exercise_rpe": (0, 10), "posture_score": (1, 5)}
    specs = field_specs("daily")
    assert {name: (specs[name].minimum, specs[name].maximum) for name in scores} == scores  # the model's range
    assert [name for name, entry in FACTORS.items() if entry.scale is not None] == list(scores)  # scores only


def test_a_few_entries_by_hand() -> None:
    water = FACTORS["water_ml"]
    assert (water.label, water.kind, water.unit, water.step, water.bin_width) == ("water", "amount", "mL", 500.0, 500)
    assert (water.share, water.target, water.intake, water.hypothesis, water.family, water.direction) == (
        "water_pct", "water_target_ml", None, "water", "primary", -1,
    )  # fmt: skip
    share = FACTORS["magnesium_pct"]
    assert (share.label, share.kind, share.unit, share.step, share.bin_width, share.intake, share.hypothesis) == (
        "magnesium", "share", "% of reference", 10.0, 20.0, "magnesium_mg", "magnesium",
    )  # fmt: skip
    # water from food and drinks as % of reference is a variant of the water question, like water_total_ml
    # (it was an exploratory hypothesis of its own, with no expected direction, before)
    total = FACTORS["water_total_pct"]
    assert (total.hypothesis, total.family, total.direction, total.intake) == ("water", "primary", -1, "water_total_ml")
    stress = FACTORS["stress"]
    assert (stress.kind, stress.unit, stress.step, stress.step_unit, stress.phrase) == (
        "score", "0–10", 1.0, "point", "rated your stress {per} higher",
    )  # fmt: skip
    load = FACTORS["exercise_load"]  # one spelling on charts and in sentences (was "min × effort", "min x RPE")
    assert (load.unit, load.step_unit, load.step, load.bin_width, load.hypothesis) == (
        "min × RPE", "min × RPE", 100.0, None, "exercise",
    )  # fmt: skip
    warmup = FACTORS["warmup"]
    assert (warmup.kind, warmup.step, warmup.phrase, warmup.family, warmup.direction) == (
        "flag", None, "warmed up", "exploratory", -1,
    )  # fmt: skip
    steps = FACTORS["steps"]
    assert (steps.kind, steps.unit, steps.step, steps.bin_width, steps.family) == (
        "count", "steps", 1000.0, 2000, "exploratory",
    )  # fmt: skip
    assert FACTORS["snow_score"].axis_label == "Snow frequency score (1–5)"


def test_entries_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        FACTORS["water_ml"].step = 250.0  # type: ignore[misc]


@pytest.mark.parametrize(
    ("name", "label", "kind", "unit", "bin_width"),
    [
        ("hot_bath_min", "hot bath", "amount", "min", None),
        ("banana", "banana", "other", "", None),
        ("extra_magnesium_pct", "extra magnesium", "share", "% of reference", 20.0),
        ("on_magnesium_300_mg", "magnesium 300", "amount", "mg", None),  # the suffix rule does not look at on_
        ("on_physio", "physio", "other", "", None),
        ("ml", "ml", "other", "", None),  # a unit needs its underscore
        ("Water_ML", "Water ML", "other", "", None),  # and is case-sensitive, as before
        ("étirements_min", "étirements", "amount", "min", None),
        ("salt_g", "salt", "amount", "g", None),
        ("nap_h", "nap", "amount", "h", None),
        ("", "", "other", "", None),
    ],
)
def test_a_persons_own_columns_are_described_from_their_name(
    name: str, label: str, kind: str, unit: str, bin_width: float | None
) -> None:
    entry = factors.factor(name)
    assert (entry.label, entry.kind, entry.unit, entry.bin_width) == (label, kind, unit, bin_width)
    assert entry.step is None and entry.phrase == "" and entry.hypothesis is None and entry.family == "exploratory"
    assert factors.label(name) == label and factors.unit(name) == unit
    assert factors.step(name) is None and name not in FACTORS


def test_an_unknown_column_does_not_join_the_table() -> None:
    before = dict(FACTORS)
    factors.factor("hot_bath_min")
    assert before == FACTORS and isinstance(factors.factor("water_ml"), Factor)


# --- what is built from it equals what it replaced ------------------------------------------------------------


def test_default_per_equals_the_table_and_the_old_dictionary() -> None:
    assert DEFAULT_PER == OLD_DEFAULT_PER
    assert {name: entry.step for name, entry in FACTORS.items() if entry.step is not None} == DEFAULT_PER


def test_default_bin_widths_equal_the_table_and_the_old_rule() -> None:
    # the old dictionary plus the *_pct columns, which the old code banded by 20 percentage points by rule
    assert {**OLD_BIN_WIDTHS, **dict.fromkeys(SHARES, 20.0)} == DEFAULT_BIN_WIDTHS
    assert {n: e.bin_width for n, e in FACTORS.items() if e.bin_width is not None} == DEFAULT_BIN_WIDTHS


def test_families_directions_intakes_targets_and_outcome_labels_are_unchanged() -> None:
    assert PRIMARY_HYPOTHESES == OLD_PRIMARY and list(PRIMARY_HYPOTHESES) == list(OLD_PRIMARY)
    assert EXPECTED_DIRECTION == OLD_DIRECTION
    assert INTAKE_COLUMNS == OLD_INTAKES and list(INTAKE_COLUMNS) == list(OLD_INTAKES)  # order: the report's rows
    assert [name for name, entry in FACTORS.items() if entry.nutrient] == list(OLD_INTAKES)  # every intake named
    assert TARGET_COLUMNS == OLD_TARGETS and list(TARGET_COLUMNS) == list(OLD_TARGETS)
    assert OUTCOME_LABELS == OLD_OUTCOME_LABELS
    assert set(TARGET_COLUMNS.values()) <= set(field_specs("people"))  # every target is a column of `people`


@pytest.mark.parametrize(
    ("name", "hypothesis"),
    [("water_pct", ("water", "primary")), ("unaccustomed_exercise", ("exercise", "primary")),
     ("steps", ("steps", "exploratory")), ("on_physio", ("on_physio", "primary")),
     ("water_total_pct", ("water", "primary")), ("water_total_ml", ("water", "primary")),
     ("banana", ("banana", "exploratory"))],
)  # fmt: skip
def test_hypothesis_of_reads_the_table(name: str, hypothesis: tuple[str, str]) -> None:
    assert hypothesis_of(name) == hypothesis


# --- the renderings are what they were (strings copied from the code before the table) -----------------------

RENDERINGS = [
    # name, per_label(1), per_label(2), report step(1), not_yet_clear step(1), (2), _when(1500, lag 1), chart unit
    ("water_ml", "water per 1 mL", "water per 2 mL", "1 mL", "per 1 mL", "per 2 mL",
     "On days after you drank 1.5 L more water", "mL"),
    ("water_pct", "water per 1 percentage points", "water per 2 percentage points", "1 points of %",
     "per 1 percentage points", "per 2 percentage points",
     "On days after you drank 1500 percentage points more of your reference water intake", "% of reference"),
    ("stress", "stress per 1 point", "stress per 2 points", "1", "per 1 point", "per 2 points",
     "On days after you rated your stress 1500 points higher", "0–10"),
    ("posture_breaks", "posture breaks per 1 break", "posture breaks per 2 breaks", "1", "per 1 break",
     "per 2 breaks", "On days after you took 1500 more posture breaks", "breaks"),
    ("steps", "steps per 1", "steps per 2", "1", "per 1", "per 2", "On days after you walked 1500 more steps",
     "steps"),
    # changed on purpose: one spelling, "min × RPE", where charts said "min × effort" and sentences "min x RPE"
    ("exercise_load", "exercise load per 1 min × RPE", "exercise load per 2 min × RPE", "1", "per 1 min × RPE",
     "per 2 min × RPE", "On days after you had an exercise load 1500 min × RPE higher", "min × RPE"),
    ("warmup", "warmup", "warmup per 2", "1", "on days with it", "per 2", "On days after you warmed up", ""),
    ("unaccustomed_exercise", "unaccustomed exercise", "unaccustomed exercise per 2", "1", "on days with it",
     "per 2", "On days after you did unaccustomed exercise", ""),
    ("hot_bath_min", "hot bath per 1 min", "hot bath per 2 min", "1 min", "on days with it", "per 2",
     "On days after your hot bath was 1500 higher", "min"),
    ("extra_pct", "extra per 1 percentage points", "extra per 2 percentage points", "1 points of %",
     "on days with it", "per 2", "On days after your extra was 1500 higher", "% of reference"),
    ("banana", "banana", "banana per 2", "1", "on days with it", "per 2", "On days after your banana was 1500 higher",
     ""),
    ("on_magnesium_300_mg", "magnesium 300", "magnesium 300", "1 mg", "on days with it", "per 2",
     "On days after you were on magnesium 300", "mg"),
    ("acute_chronic_ratio", "acute chronic ratio", "acute chronic ratio per 2", "1", "per 1", "per 2",
     "On days after you had an acute:chronic load ratio 1500 higher", ""),
    ("posture_score", "posture score per 1 point", "posture score per 2 points", "1", "per 1 point", "per 2 points",
     "On days after you rated your posture 1500 points better", "1–5"),
]  # fmt: skip


@pytest.mark.parametrize("row", RENDERINGS, ids=[row[0] for row in RENDERINGS])
def test_renderings_are_unchanged(row: tuple[str, ...]) -> None:
    name, one, two, report, step_one, step_two, when, unit = row
    assert (per_label(name, 1.0), per_label(name, 2.0)) == (one, two)
    assert build_module._step(name, 1.0) == report
    assert (findings_module._step(name, 1.0), findings_module._step(name, 2.0)) == (step_one, step_two)
    assert findings_module._when(name, 1, 1500.0) == when
    assert factor_unit(name) == unit


# --- the one finding rule ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "status", "expected"),
    [
        ([0.05, 0.0500001, 0.0, 1.0], None, [True, False, True, False]),
        ([np.nan, None, pd.NA, 0.01], None, [False, False, False, True]),
        (pd.Series([0.01, 0.02], dtype="Float64"), ["ok", "too few days"], [True, False]),
        (pd.Series([None, 0.04], dtype="object"), None, [False, True]),
        (np.array([], dtype=float), None, []),
        ([np.inf, -0.0], None, [False, True]),
    ],
)
def test_is_finding(values: object, status: object, expected: list[bool]) -> None:
    assert is_finding(values, 0.05, status).tolist() == expected  # type: ignore[call-overload]


def test_is_finding_of_one_value_is_a_bool() -> None:
    assert is_finding(0.01) is True and is_finding(float("nan")) is False and is_finding(None) is False
    assert is_finding(0.01, 0.05, "not estimated: too few days") is False
    assert is_finding(0.2, alpha=0.25) is True
