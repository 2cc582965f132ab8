"""Reading log files (CSV dialects, XLSX, Parquet, JSON Lines) and writing them back."""

from spasmlog.io.read import read_log
from spasmlog.io.write import write_log

__all__ = ["read_log", "write_log"]
