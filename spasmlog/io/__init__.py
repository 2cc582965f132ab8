"""Reading log files (CSV dialects, XLSX, Parquet, JSON Lines) and writing them back.

Files only: nothing here validates (:func:`spasmlog.read_log`, in :mod:`spasmlog.validation.read`, reads
with this package and validates with :mod:`spasmlog.validation`).
"""

from spasmlog.io.write import write_log

__all__ = ["write_log"]
