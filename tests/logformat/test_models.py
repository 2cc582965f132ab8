"""The pandera models say what the plain facts of the log format say: read back from each model's schema, the
columns, types, ranges, categories, uniqueness and rules are those of ``field_specs``, ``UNIQUE`` and ``RULES``."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pandera.errors
import pytest

import spasmlog.logformat
from spasmlog.logformat import models
from spasmlog.logformat.schemas import RULES, TABLES_READ, UNIQUE, FieldSpec, field_specs

_KIND_OF_DTYPE = {"Int64": "integer", "float64": "number", "boolean": "boolean"}


def _read_back(table: str) -> dict[str, FieldSpec]:
    """The specs of ``table`` as the model states them (pandera's schema: dtype, checks, metadata)."""
    schema = models.MODELS[table].to_schema()
    specs = {}
    for name, column in schema.columns.items():
        stats: dict[str, Any] = {}
        for check in column.checks:
            stats.update(check.statistics or {})
        meta = column.metadata or {}
        specs[name] = FieldSpec(
            table=table,
            name=name,
            kind=meta.get("parse") or _KIND_OF_DTYPE.get(str(column.dtype), "text"),
            required=bool(column.required) and not column.nullable,
            unit=meta.get("unit"),
            quantity=meta.get("quantity"),
            minimum=stats.get("min_value"),
            maximum=stats.get("max_value"),
            minimum_exclusive=any(c.name == "greater_than" for c in column.checks),
            allowed=tuple(stats.get("allowed_values") or meta.get("allowed") or ()),
            unique=bool(column.unique),
        )
    return specs


@pytest.mark.parametrize("table", TABLES_READ)
def test_the_model_states_the_specs(table: str) -> None:
    assert list(_read_back(table).items()) == list(field_specs(table).items())


@pytest.mark.parametrize("table", TABLES_READ)
def test_the_model_has_the_rules_and_the_keys(table: str) -> None:
    schema = models.MODELS[table].to_schema()
    column_rules = {(name, c.name) for name, column in schema.columns.items() for c in column.checks}
    column_rules -= {(n, c) for n in schema.columns for c in ("greater_than_or_equal_to", "less_than_or_equal_to")}
    column_rules -= {(n, c) for n in schema.columns for c in ("greater_than", "isin")}
    assert column_rules == {(r.column, r.name) for r in RULES if r.table == table and r.column}
    assert {c.name for c in schema.checks} == {r.name for r in RULES if r.table == table and r.column is None}
    assert (tuple(schema.unique) if schema.unique else None) == UNIQUE.get(table)
    assert schema.strict is False  # a person's own columns are kept


def test_some_known_facts() -> None:
    """A few facts of SPEC, written out by hand."""
    daily, spasms, people = field_specs("daily"), field_specs("spasms"), field_specs("people")
    assert (daily["water_ml"].minimum, daily["water_ml"].maximum, daily["water_ml"].unit) == (0, 15_000, "mL")
    assert daily["steps"].kind == "integer" and daily["date"].required and not daily["notes"].required
    assert spasms["duration_s"].minimum_exclusive and spasms["duration_s"].kind == "duration"
    assert "stretch" in spasms["relief"].allowed and spasms["relief"].kind == "list"
    assert people["person_id"].unique and not daily["person_id"].unique
    assert [s.name for s in RULES if s.table == "daily"] == [
        "not_in_future",
        "sitting_plus_sleep_at_most_24h",
        "exercise_details_need_exercise",
    ]


def test_the_models_validate_as_before() -> None:
    frame = pd.DataFrame(
        {
            "person_id": pd.Series(["me", "me"], dtype="str"),
            "date": pd.Series(pd.to_datetime(["2026-01-10", "2026-01-10"]), dtype="datetime64[us]"),
            "water_ml": [-1.0, 100.0],
        }
    )
    with pytest.raises(pandera.errors.SchemaErrors) as raised:
        models.Daily.validate(frame, lazy=True)
    failed = set(raised.value.failure_cases["check"].astype(str))
    assert "greater_than_or_equal_to(0)" in failed and "multiple_fields_uniqueness" in failed


def test_the_models_are_reachable_where_they_were() -> None:
    assert spasmlog.logformat.People is models.People and spasmlog.logformat.Daily is models.MODELS["daily"]
    assert models.Daily.__name__ == "Daily" and "one row per person per calendar day" in (models.Daily.__doc__ or "")
