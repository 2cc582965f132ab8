"""Analysis: from a validated log to daily tables and honest statistics. Nothing here reads files."""

from spasmlog.analysis.correlation import correlate, partial_corr, rm_corr, within_person
from spasmlog.analysis.daily import daily_table
from spasmlog.analysis.findings import findings
from spasmlog.analysis.multicomp import adjust_pvalues

__all__ = [
    "adjust_pvalues",
    "correlate",
    "daily_table",
    "findings",
    "partial_corr",
    "rm_corr",
    "within_person",
]
