"""Analysis: from a validated log to daily tables and honest statistics. Nothing here reads files."""

from spasmlog.analysis.daily import daily_table

__all__ = ["daily_table"]
