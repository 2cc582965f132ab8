"""Analysis: from a validated log to daily tables and honest statistics. Nothing here reads files.

The flow: :func:`daily_table` (one row per person-day) → associations for one person
(:func:`correlate`, :func:`rate_ratios`, :func:`compare_days`, :func:`intervention_effect`,
:func:`session_effect`; a randomised personal experiment: :func:`plan_experiment`, :func:`experiment_effect`), for a
caseload (:func:`caseload_summary`) or a cohort (:func:`within_person`, :func:`rm_corr`,
:func:`cohort_model`) → :func:`findings` in plain words; for what is not yet clear, how much more logging
would show it (:func:`days_to_detect`, :func:`projection_sentence`).
"""

from typing import TYPE_CHECKING

from spasmlog._lazy import attach

if TYPE_CHECKING:  # the real imports, for type checkers; at run time each name is imported on first use
    from spasmlog.analysis.caseload import caseload_summary
    from spasmlog.analysis.cohort import cohort_model
    from spasmlog.analysis.correlation import correlate, partial_corr, rm_corr, within_person
    from spasmlog.analysis.daily import daily_table
    from spasmlog.analysis.experiments import experiment_effect, plan_experiment
    from spasmlog.analysis.findings import findings
    from spasmlog.analysis.interventions import intervention_effect
    from spasmlog.analysis.meta import meta_analysis
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
    "experiment_effect",
    "findings",
    "intervention_effect",
    "meta_analysis",
    "partial_corr",
    "plan_experiment",
    "projection_sentence",
    "rate_ratios",
    "rm_corr",
    "session_effect",
    "within_person",
]

_MODULES: dict[str, str] = {
    "adjust_pvalues": "spasmlog.analysis.multicomp",
    "caseload_summary": "spasmlog.analysis.caseload",
    "cohort_model": "spasmlog.analysis.cohort",
    "compare_days": "spasmlog.analysis.rates",
    "correlate": "spasmlog.analysis.correlation",
    "daily_table": "spasmlog.analysis.daily",
    "days_to_detect": "spasmlog.analysis.projection",
    "experiment_effect": "spasmlog.analysis.experiments",
    "findings": "spasmlog.analysis.findings",
    "intervention_effect": "spasmlog.analysis.interventions",
    "meta_analysis": "spasmlog.analysis.meta",
    "partial_corr": "spasmlog.analysis.correlation",
    "plan_experiment": "spasmlog.analysis.experiments",
    "projection_sentence": "spasmlog.analysis.projection",
    "rate_ratios": "spasmlog.analysis.rates",
    "rm_corr": "spasmlog.analysis.correlation",
    "session_effect": "spasmlog.analysis.sessions",
    "within_person": "spasmlog.analysis.correlation",
}
"""Each public name → the module that defines it, imported on first use (one place to update when code moves)."""

if not TYPE_CHECKING:  # hidden from type checkers: with it, any misspelt attribute would pass as Any
    __getattr__, __dir__ = attach(__name__, _MODULES)
