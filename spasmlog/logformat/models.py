"""The four tables of a spasm log as pandera models, built from the facts of :mod:`spasmlog.logformat.schemas`.

Each column's type, whether it is required, its range, its categories and its uniqueness are read from
:func:`~spasmlog.logformat.schemas.field_specs`; the rules on more than one value from
:data:`~spasmlog.logformat.schemas.RULES`. Nothing is stated here that is not stated there, so the models and
the reader (which checks the same facts without pandera, :mod:`spasmlog.validation.checks`) cannot drift apart.

Use them as any pandera model:

>>> import pandas as pd
>>> from spasmlog.logformat.models import People
>>> People.validate(pd.DataFrame({"person_id": pd.Series(["alex"], dtype="str")}))["person_id"].tolist()
['alex']
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Optional, cast

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from spasmlog.logformat.schemas import RULES, UNIQUE, FieldSpec, Rule, field_specs

__all__ = ["MODELS", "Daily", "Experiments", "Interventions", "People", "Spasms"]

_DTYPES: dict[str, Any] = {
    "number": float,
    "duration": float,
    "integer": pd.Int64Dtype,
    "boolean": pd.BooleanDtype,
    "date": pa.DateTime,
    "datetime": pa.DateTime,
    "category": str,
    "list": str,
    "text": str,
}
"""The pandera type of each kind of column."""

_PARSED = {"date", "datetime", "duration", "category", "list"}
"""Kinds whose cells are read by a parser of their own (the ``parse`` metadata of the column)."""


def _field(spec: FieldSpec) -> Any:
    """The ``pa.Field`` of one column: its range, its categories, whether it may be empty, its metadata."""
    checks: dict[str, Any] = {}
    if spec.minimum is not None:
        checks["gt" if spec.minimum_exclusive else "ge"] = spec.minimum
    if spec.maximum is not None:
        checks["le"] = spec.maximum
    metadata: dict[str, Any] = {}
    if spec.unit is not None:
        metadata.update(unit=spec.unit, quantity=spec.quantity)
    if spec.kind in _PARSED:
        metadata["parse"] = spec.kind
    if spec.kind == "category":
        checks["isin"] = list(spec.allowed)
    elif spec.allowed:  # the items of a list cell, checked by a rule
        metadata["allowed"] = list(spec.allowed)
    return pa.Field(nullable=not spec.required, unique=spec.unique, metadata=metadata or None, **checks)


def _method(rule: Rule) -> Any:
    """The rule as a check method of a model."""
    check: Callable[[Any], pd.Series] = rule.check

    def method(cls: type, data: Any) -> pd.Series:
        return check(data)

    method.__name__ = f"_{rule.name}"
    if rule.column is None:
        return pa.dataframe_check(name=rule.name)(method)
    return pa.check(rule.column, name=rule.name)(method)


def _model(table: str, doc: str) -> type[pa.DataFrameModel]:
    """The model of ``table``: one annotated field per column of its specs, its rules, its unique keys."""
    annotations: dict[str, Any] = {}
    namespace: dict[str, Any] = {"__doc__": doc, "__module__": __name__, "__annotations__": annotations}
    for name, spec in field_specs(table).items():
        dtype = _DTYPES[spec.kind]
        series: Any = Series[dtype]  # type: ignore[valid-type]  # a type chosen at run time
        annotations[name] = series if spec.required else Optional[series]  # noqa: UP045  # pandera reads Optional
        namespace[name] = _field(spec)
    # strict = False: columns spasmlog does not know (a person's own factors: "banana", "hot_bath") are kept
    namespace["Config"] = type("Config", (), {"strict": False, "unique": UNIQUE.get(table)})
    for rule in RULES:
        if rule.table == table:
            namespace[f"_{rule.name}"] = _method(rule)
    return cast(type[pa.DataFrameModel], type(table.capitalize(), (pa.DataFrameModel,), namespace))


Spasms = _model("spasms", "``spasms``: one row per spasm or cramp episode.")
Daily = _model("daily", "``daily``: one row per person per calendar day.")
Interventions = _model(
    "interventions", "``interventions``: treatments and routines, from ``start`` to ``end`` (open-ended when empty)."
)
People = _model(
    "people", "``people``: optional, one row per person, with personal targets overriding the reference intakes."
)

Experiments = _model(
    "experiments",
    """``experiments``: the plan of a personal experiment (a randomised N-of-1 trial), one row per period.

    A plan compares days with a change (``change``, arm ``on``: "magnesium glycinate 300 mg") with days
    without it (``against``, arm ``off``: ``none``, or another routine) in blocks of ``block_days`` days,
    ``pairs`` pairs of blocks whose order within each pair was drawn at random (``design`` ``pairs``), or with
    half the pairs in each order (``counterbalanced``), from ``seed``. Between two blocks, ``washout_days``
    days (arm ``washout``: neither the change nor the comparison; those days are not analysed) let the
    effect of the block before wear off. ``period`` numbers the rows in time order, ``pair`` the pair a block
    belongs to (empty for a washout). Written by :func:`spasmlog.plan_experiment`; the dates of a plan may
    lie in the future.
    """,
)

MODELS: dict[str, type[pa.DataFrameModel]] = {
    "daily": Daily,
    "spasms": Spasms,
    "interventions": Interventions,
    "people": People,
    "experiments": Experiments,
}
"""Each table read (:data:`~spasmlog.logformat.schemas.TABLES_READ`) → its model."""
