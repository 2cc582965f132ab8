"""spasmlog: validate muscle-spasm logs and find, honestly, what is associated with more or fewer spasms.

The data flow is one way: files → :func:`read_log` (validated tables in a :class:`Log`) → analysis →
charts and reports. :func:`simulate` makes realistic logs with planted effects, and
:func:`load_sample` reads the bundled sample logs.
"""

from spasmlog import _interrupt  # noqa: F401 (first: Ctrl-C while the command loads says one line, no traceback)
from spasmlog._version import __version__ as __version__
from spasmlog.analysis import (
    adjust_pvalues,
    caseload_summary,
    cohort_model,
    compare_days,
    correlate,
    daily_table,
    days_to_detect,
    findings,
    intervention_effect,
    partial_corr,
    projection_sentence,
    rate_ratios,
    rm_corr,
    session_effect,
    within_person,
)
from spasmlog.errors import LogValidationError, SpasmlogError
from spasmlog.log import Log
from spasmlog.logformat.reference import reference_values
from spasmlog.samples import load_sample, sample_names
from spasmlog.simulate import simulate
from spasmlog.validation import validate_tables
from spasmlog.validation.read import read_log

__all__ = [
    "Log",
    "LogValidationError",
    "SpasmlogError",
    "adjust_pvalues",
    "caseload_summary",
    "cohort_model",
    "compare_days",
    "correlate",
    "daily_table",
    "days_to_detect",
    "findings",
    "intervention_effect",
    "load_sample",
    "partial_corr",
    "projection_sentence",
    "rate_ratios",
    "read_log",
    "reference_values",
    "rm_corr",
    "sample_names",
    "session_effect",
    "simulate",
    "validate_tables",
    "within_person",
]
