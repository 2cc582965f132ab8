"""The error types: one hierarchy, structured detail, and they survive pickling (for multiprocessing)."""

from __future__ import annotations

import pickle

import pandas as pd
import pytest

import spasmlog
from spasmlog import errors


def test_hierarchy() -> None:
    assert issubclass(errors.LogValidationError, errors.SpasmlogError)
    assert issubclass(errors.LogValidationError, ValueError)
    for cls in (
        errors.LogNotFoundError,
        errors.EncodingError,
        errors.UnrecognisedTableError,
        errors.MissingColumnError,
    ):
        assert issubclass(cls, errors.LogReadError)
        assert issubclass(cls, errors.SpasmlogError)
    assert issubclass(errors.LogNotFoundError, FileNotFoundError)


def test_read_errors_pickle_with_their_detail() -> None:
    error = errors.MissingColumnError("needs date", file="a.csv", table="daily", column="date")
    again = pickle.loads(pickle.dumps(error))
    assert type(again) is errors.MissingColumnError
    assert (str(again), again.file, again.table, again.column) == ("needs date", "a.csv", "daily", "date")


def test_validation_error_pickles_with_its_problems() -> None:
    frame = pd.DataFrame({"person_id": ["a"], "date": ["2026-01-01"], "stress": ["11"]})
    with pytest.raises(errors.LogValidationError) as caught:
        spasmlog.validate_tables({"daily": frame})
    again = pickle.loads(pickle.dumps(caught.value))
    pd.testing.assert_frame_equal(again.problems, caught.value.problems)
    assert str(again) == str(caught.value)
    assert "1 problem(s)" in str(again)


def test_parameter_error_is_a_value_error_that_pickles_with_its_detail() -> None:
    from spasmlog.errors import ParameterError

    error = ParameterError.build("rate_ratios", "alpha", 1.5, "a number in (0, 1)")
    again = pickle.loads(pickle.dumps(error))
    assert isinstance(again, ValueError) and isinstance(again, ParameterError)
    assert (again.function, again.parameter, again.value, again.allowed) == (
        "rate_ratios",
        "alpha",
        1.5,
        "a number in (0, 1)",
    )
    assert str(again) == "The 'alpha' parameter of rate_ratios must be a number in (0, 1). Got 1.5 instead."
