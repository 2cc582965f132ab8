"""Reference intakes shipped as data: the SPEC's figures by sex and age, the documented rules, the sources."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from spasmlog.errors import ParameterError, SpasmlogError
from spasmlog.logformat.reference import person_reference, reference_table, reference_value, reference_values
from spasmlog.logformat.schemas import field_specs

INTAKE_COLUMNS = ["water_total_ml", "water_ml", "magnesium_mg", "calcium_mg", "potassium_mg", "sodium_mg"]


@pytest.mark.parametrize(
    ("column", "sex", "age", "expected"),
    [
        # Magnesium RDA (IOM 1997)
        ("magnesium_mg", "male", 19, 400),
        ("magnesium_mg", "male", 30.9, 400),
        ("magnesium_mg", "male", 31, 420),
        ("magnesium_mg", "male", 75, 420),
        ("magnesium_mg", "female", 25, 310),
        ("magnesium_mg", "female", 31, 320),
        ("magnesium_mg", "female", 64, 320),
        # Calcium RDA (IOM 2011)
        ("calcium_mg", "male", 19, 1000),
        ("calcium_mg", "female", 50.5, 1000),
        ("calcium_mg", "female", 51, 1200),
        ("calcium_mg", "male", 51, 1000),
        ("calcium_mg", "male", 70, 1000),
        ("calcium_mg", "male", 71, 1200),
        ("calcium_mg", "female", 80, 1200),
        # Potassium AI (NASEM 2019)
        ("potassium_mg", "male", 40, 3400),
        ("potassium_mg", "female", 40, 2600),
        ("potassium_mg", "male", 85, 3400),
        # Sodium AI (NASEM 2019)
        ("sodium_mg", "male", 40, 1500),
        ("sodium_mg", "female", 22, 1500),
        # Water AI (IOM 2005): total, and the part from drinks
        ("water_total_ml", "male", 25, 3700),
        ("water_total_ml", "female", 25, 2700),
        ("water_total_ml", "female", 60, 2700),
        ("water_ml", "male", 25, 3000),
        ("water_ml", "female", 45, 2200),
        # Adolescents 14-18
        ("magnesium_mg", "male", 16, 410),
        ("magnesium_mg", "female", 18.5, 360),
        ("calcium_mg", "female", 14, 1300),
        ("potassium_mg", "male", 17, 3000),
        ("potassium_mg", "female", 17, 2300),
    ],
)
def test_values_from_the_spec(column: str, sex: str, age: float, expected: float) -> None:
    assert reference_value(column, sex, age) == expected
    row = reference_values(sex, age).set_index("column").loc[column]
    assert row["value"] == expected


def test_one_row_per_daily_column() -> None:
    values = reference_values("female", 40)
    assert list(values.columns) == ["column", "value", "unit", "metric", "source", "basis"]
    assert values["column"].tolist() == INTAKE_COLUMNS
    assert values["value"].dtype == "float64"
    assert values.set_index("column")["metric"].to_dict() == {
        "water_total_ml": "AI",
        "water_ml": "AI",
        "magnesium_mg": "RDA",
        "calcium_mg": "RDA",
        "potassium_mg": "AI",
        "sodium_mg": "AI",
    }


def test_sodium_limit() -> None:
    limits = reference_values("male", 40, kind="limit")
    assert limits[["column", "value", "metric"]].to_numpy().tolist() == [["sodium_mg", 2300.0, "CDRR"]]
    assert reference_value("sodium_mg", kind="limit") == 2300


@pytest.mark.parametrize("sex", ["other", "unspecified", None, float("nan"), pd.NA, "Other"])
def test_other_sex_is_the_mean_of_female_and_male(sex: object) -> None:
    values = reference_values(sex, 25).set_index("column")  # type: ignore[arg-type]
    assert values.loc["magnesium_mg", "value"] == (310 + 400) / 2
    assert values.loc["potassium_mg", "value"] == (2600 + 3400) / 2
    assert values.loc["water_total_ml", "value"] == (2700 + 3700) / 2
    assert values.loc["sodium_mg", "value"] == 1500
    assert "mean of the female (310) and male (400) values" in values.loc["magnesium_mg", "basis"]
    assert "all sexes" in values.loc["sodium_mg", "basis"]


def test_unknown_age_uses_the_adult_31_to_50_band() -> None:
    for age in (None, float("nan")):
        values = reference_values("male", age).set_index("column")
        assert values.loc["magnesium_mg", "value"] == 420
        assert values.loc["calcium_mg", "value"] == 1000
        assert all("age unknown: the adult 31–50 band is used" in basis for basis in values["basis"])
    assert reference_value("magnesium_mg") == (320 + 420) / 2


def test_basis_names_sex_and_band() -> None:
    values = reference_values("female", 55).set_index("column")
    assert values.loc["calcium_mg", "basis"] == "RDA, females, ages 51–70"
    assert values.loc["magnesium_mg", "basis"] == "RDA, females, ages 31+"
    assert "age unknown" not in " ".join(values["basis"])


@pytest.mark.parametrize(
    ("sex", "age", "match"),
    [
        ("female", 10, "No reference intakes for age 10: the shipped table covers ages 14"),
        ("male", 13.9, "No reference intakes for age 13.9"),
        ("male", -1, "No reference intakes for age -1"),
        ("male", 200, "No reference intakes for age 200"),
        ("male", "forty", "'age' parameter of reference_values must be a number of years or None. Got 'forty'"),
        (
            "femal",
            30,
            r"'sex' parameter of reference_values must be one of \['female', 'male', 'other', 'unspecified'\]",
        ),
    ],
)
def test_bad_arguments(sex: str, age: float, match: str) -> None:
    with pytest.raises(ParameterError, match=match) as raised:
        reference_values(sex, age)
    assert isinstance(raised.value, SpasmlogError) and isinstance(raised.value, ValueError)
    assert raised.value.function == "reference_values"
    assert raised.value.parameter == ("sex" if sex == "femal" else "age")
    assert raised.value.value == (sex if sex == "femal" else age)


def test_bad_kind_and_column() -> None:
    with pytest.raises(ParameterError, match="'kind' parameter of reference_values must be one of") as raised:
        reference_values("male", 40, kind="upper")  # type: ignore[arg-type]
    assert (raised.value.parameter, raised.value.value) == ("kind", "upper")
    with pytest.raises(ParameterError, match="No reference limit for column 'magnesium_mg'") as raised:
        reference_value("magnesium_mg", "male", 40, kind="limit")
    assert (raised.value.function, raised.value.parameter) == ("reference_value", "column")
    with pytest.raises(ParameterError, match="'sex' parameter of person_reference") as raised:
        person_reference("femal", 9)
    with pytest.raises(SpasmlogError, match="No reference intake for column 'steps'"):
        reference_value("steps", "male", 40)


def test_every_row_has_a_source() -> None:
    table = reference_table()
    assert table["source"].str.len().gt(20).all()
    assert table["source"].str.contains(r"doi:10\.17226/\d+$").all()
    expected = {
        "water_total_ml": "10925",
        "water_ml": "10925",
        "magnesium_mg": "5776",
        "calcium_mg": "13050",
        "potassium_mg": "25353",
        "sodium_mg": "25353",
    }
    for column, doi in expected.items():
        assert table.loc[table["column"] == column, "source"].str.endswith(doi).all()


def test_table_units_match_the_daily_columns() -> None:
    table = reference_table()
    daily = field_specs("daily")
    assert set(table["column"]) == set(INTAKE_COLUMNS)
    for row in table.itertuples():
        assert row.unit == f"{daily[row.column].unit}/day"
        minimum, maximum = daily[row.column].minimum, daily[row.column].maximum
        assert minimum is not None and maximum is not None
        assert minimum < row.value < maximum


def test_bands_cover_every_age_exactly_once() -> None:
    table = reference_table()
    for (column, metric), rows in table.groupby(["column", "metric"]):
        for sex in ("female", "male"):
            applicable = rows[rows["sex"].isin([sex, "any"])]
            for age in range(14, 131):
                upper = applicable["age_max"].astype("float64").fillna(math.inf)
                matches = (applicable["age_min"] <= age) & (age <= upper)
                assert matches.sum() == 1, (column, metric, sex, age)


def test_reference_table_is_a_copy() -> None:
    table = reference_table()
    table.loc[:, "value"] = 0.0
    assert reference_table()["value"].gt(0).all()
