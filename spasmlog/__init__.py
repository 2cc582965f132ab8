"""spasmlog: validate muscle-spasm logs and find, honestly, what is associated with more or fewer spasms.

The data flow is one way: files → :func:`read_log` (validated tables in a :class:`Log`) → analysis →
charts and reports. :func:`simulate` makes realistic logs with planted effects, and
:func:`load_sample` reads the bundled sample logs.

Every public name is imported when first used (PEP 562, :mod:`spasmlog._lazy`): ``import spasmlog`` loads
neither pandas nor the statistics libraries, so ``spasmlog --help`` answers at once.
"""

from typing import TYPE_CHECKING

from spasmlog import _interrupt  # noqa: F401 (first: Ctrl-C while the command loads says one line, no traceback)
from spasmlog._lazy import attach
from spasmlog._version import __version__ as __version__

if TYPE_CHECKING:  # the real imports, for type checkers and editors; at run time each name loads on first use
    from spasmlog.analysis import (
        adjust_pvalues,
        caseload_summary,
        cohort_model,
        compare_days,
        correlate,
        daily_table,
        days_to_detect,
        experiment_effect,
        findings,
        intervention_effect,
        meta_analysis,
        partial_corr,
        plan_experiment,
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
    from spasmlog.share import share
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
    "experiment_effect",
    "findings",
    "intervention_effect",
    "load_sample",
    "meta_analysis",
    "partial_corr",
    "plan_experiment",
    "projection_sentence",
    "rate_ratios",
    "read_log",
    "reference_values",
    "rm_corr",
    "sample_names",
    "session_effect",
    "share",
    "simulate",
    "validate_tables",
    "within_person",
]

_MODULES: dict[str, str] = {
    **dict.fromkeys(__all__, "spasmlog.analysis"),  # the analysis functions; spasmlog.analysis knows their modules
    "Log": "spasmlog.log",
    "LogValidationError": "spasmlog.errors",
    "SpasmlogError": "spasmlog.errors",
    "load_sample": "spasmlog.samples",
    "read_log": "spasmlog.validation.read",
    "reference_values": "spasmlog.logformat.reference",
    "sample_names": "spasmlog.samples",
    "share": "spasmlog.share",
    "simulate": "spasmlog.simulate",
    "validate_tables": "spasmlog.validation",
}
"""Each public name → the module it is imported from on first use (every name not listed: spasmlog.analysis)."""

if not TYPE_CHECKING:  # hidden from type checkers: with it, any misspelt attribute would pass as Any
    __getattr__, __dir__ = attach(__name__, _MODULES)
