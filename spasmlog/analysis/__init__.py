"""Analysis: from a validated log to daily tables and honest statistics. Nothing here reads files.

The flow: :func:`daily_table` (one row per person-day) → associations for one person
(:func:`correlate`, :func:`rate_ratios`, :func:`compare_days`, :func:`intervention_effect`,
:func:`session_effect`), for a
caseload (:func:`caseload_summary`) or a cohort (:func:`within_person`, :func:`rm_corr`,
:func:`cohort_model`) → :func:`findings` in plain words; for what is not yet clear, how much more logging
would show it (:func:`days_to_detect`, :func:`projection_sentence`).
"""

from spasmlog.analysis.caseload import caseload_summary
from spasmlog.analysis.cohort import cohort_model
from spasmlog.analysis.correlation import correlate, partial_corr, rm_corr, within_person
from spasmlog.analysis.daily import daily_table
from spasmlog.analysis.findings import findings
from spasmlog.analysis.interventions import intervention_effect
from spasmlog.analysis.multicomp import adjust_pvalues
from spasmlog.analysis.projection import days_to_detect, projection_sentence
from spasmlog.analysis.rates import compare_days, rate_ratios
from spasmlog.analysis.sessions import session_effect

__all__ = [
    "adjust_pvalues",
    "caseload_summary",
    "cohort_model",
    "compare_days",
    "correlate",
    "daily_table",
    "days_to_detect",
    "findings",
    "intervention_effect",
    "partial_corr",
    "projection_sentence",
    "rate_ratios",
    "rm_corr",
    "session_effect",
    "within_person",
]
